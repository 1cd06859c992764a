/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * linked.c — carve_linked: a detector-style file set and a reader of it, for the links.* tests.
 *
 *   carve_linked make <dir> [<data-subdir>]
 *       <dir>/master.h5: /entry/instrument/name (a string attribute), /entry/data/data_00000{1,2,3}
 *       external links to /entry/data/data in <data-subdir>/data_00000{1,2,3}.h5 (default: <dir>
 *       itself; the link names only the file name, as Eiger masters do, so a data directory elsewhere
 *       is found through HDF5_EXT_PREFIX or H5Pset_elink_prefix), and /entry/sum: a virtual dataset
 *       whose row 0 maps file 2's frame 0 and row 1 file 3's frame 1 (sources in other files).
 *       Each data file: /entry/data/data, 4 frames of 16 x 16 uint16, chunked by frame and deflated;
 *       values differ per file; /master, an external link back to master.h5:/entry (files linking to
 *       each other). The master's /entry/data/file_000001 links to data_000001.h5's root.
 *   carve_linked read <master> [--prefix P] [--direct <data-file>] [--back]  (names may be http(s) URLs: ROS3)
 *       Reads, through the master's links: frames 1-2 of data_000001 (this file is read through the
 *       link only), a 5 x 7 block of frame 3 of data_000002, a strided selection of data_000003; with
 *       --back a block of /entry/sum reached through data_000001.h5 and its link back (master and data
 *       files in one directory); the whole virtual /entry/sum; the attribute. --prefix: the link access list's external link prefix
 *       (H5Pset_elink_prefix) for the opens. --direct: also opens that data file by name and reads frame
 *       0. Prints "carve_linked: connector <name>" (carve or native) and "carve_linked: checksum <hex>"
 *       (FNV-1a of every value read, in order); exit 1 with HDF5's error stack on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <H5FDros3.h>

#define FRAMES 4
#define SIDE   16

static uint64_t checksum_g = UINT64_C(14695981039346656037);

static void
hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        checksum_g ^= b[i];
        checksum_g *= UINT64_C(1099511628211);
    }
}

static void
die(const char *what)
{
    fprintf(stderr, "carve_linked: %s failed\n", what);
    H5Eprint2(H5E_DEFAULT, stderr);
    exit(1);
}

#define TRY(call, what)                                                                                      \
    do {                                                                                                     \
        if ((call) < 0)                                                                                      \
            die(what);                                                                                       \
    } while (0)

static void
make_data_file(const char *path, int which)
{
    hsize_t   dims[3] = {FRAMES, SIDE, SIDE}, chunk[3] = {1, SIDE, SIDE};
    uint16_t *v = malloc(sizeof *v * FRAMES * SIDE * SIDE);
    hid_t     file, g1, g2, space, dcpl, dset;

    for (int i = 0; i < FRAMES * SIDE * SIDE; i++)
        v[i] = (uint16_t)(which * 1000 + (i * 7) % 997);
    TRY(file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), path);
    TRY(g1 = H5Gcreate2(file, "entry", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "entry");
    TRY(g2 = H5Gcreate2(g1, "data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "data");
    TRY(space = H5Screate_simple(3, dims, NULL), "space");
    TRY(dcpl = H5Pcreate(H5P_DATASET_CREATE), "dcpl");
    TRY(H5Pset_chunk(dcpl, 3, chunk), "chunk");
    TRY(H5Pset_deflate(dcpl, 4), "deflate");
    TRY(dset = H5Dcreate2(g2, "data", H5T_STD_U16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "dataset");
    TRY(H5Dwrite(dset, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), "write");
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Gclose(g2);
    H5Gclose(g1);
    /* A link back to the master: files that link to each other. */
    TRY(H5Lcreate_external("master.h5", "/entry", file, "master", H5P_DEFAULT, H5P_DEFAULT), "link back");
    H5Fclose(file);
    free(v);
}

static int
make(const char *dir, const char *data_dir)
{
    char        path[4096], name[64];
    hid_t       file, entry, data, inst, space, aspace, atype, attr, dcpl, vds, src;
    hsize_t     vdims[3] = {2, SIDE, SIDE}, sdims[3] = {FRAMES, SIDE, SIDE};
    hsize_t     start[3] = {0, 0, 0}, count[3] = {1, SIDE, SIDE};
    const char *title = "carve test detector";

    for (int i = 1; i <= 3; i++) {
        snprintf(path, sizeof path, "%s/data_%06d.h5", data_dir, i);
        make_data_file(path, i);
    }
    snprintf(path, sizeof path, "%s/master.h5", dir);
    TRY(file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), path);
    TRY(entry = H5Gcreate2(file, "entry", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "entry");
    TRY(inst = H5Gcreate2(entry, "instrument", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "instrument");
    TRY(aspace = H5Screate(H5S_SCALAR), "scalar");
    TRY(atype = H5Tcopy(H5T_C_S1), "string type");
    TRY(H5Tset_size(atype, strlen(title) + 1), "string size");
    TRY(attr = H5Acreate2(inst, "name", atype, aspace, H5P_DEFAULT, H5P_DEFAULT), "attribute");
    TRY(H5Awrite(attr, atype, title), "attribute write");
    H5Aclose(attr);
    H5Tclose(atype);
    H5Sclose(aspace);
    H5Gclose(inst);
    TRY(data = H5Gcreate2(entry, "data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "data");
    for (int i = 1; i <= 3; i++) {
        char target[64];

        snprintf(name, sizeof name, "data_%06d", i);
        snprintf(target, sizeof target, "data_%06d.h5", i);
        TRY(H5Lcreate_external(target, "/entry/data/data", data, name, H5P_DEFAULT, H5P_DEFAULT), "link");
    }
    TRY(H5Lcreate_external("data_000001.h5", "/", data, "file_000001", H5P_DEFAULT, H5P_DEFAULT),
        "link to a root");
    H5Gclose(data);
    /* The virtual dataset: row 0 <- file 2's frame 0, row 1 <- file 3's frame 1. */
    TRY(space = H5Screate_simple(3, vdims, NULL), "vds space");
    TRY(src = H5Screate_simple(3, sdims, NULL), "source space");
    TRY(dcpl = H5Pcreate(H5P_DATASET_CREATE), "vds dcpl");
    for (int row = 0; row < 2; row++) {
        start[0] = (hsize_t)row;
        TRY(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL), "vds select");
        start[0] = (hsize_t)row; /* source frame = row */
        TRY(H5Sselect_hyperslab(src, H5S_SELECT_SET, start, NULL, count, NULL), "source select");
        snprintf(name, sizeof name, "data_%06d.h5", row + 2);
        TRY(H5Pset_virtual(dcpl, space, name, "/entry/data/data", src), "virtual mapping");
    }
    TRY(vds = H5Dcreate2(entry, "sum", H5T_STD_U16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "vds");
    H5Dclose(vds);
    H5Pclose(dcpl);
    H5Sclose(src);
    H5Sclose(space);
    H5Gclose(entry);
    H5Fclose(file);
    return 0;
}

/* Reads a hyperslab of a dataset (rank 3) into the checksum. */
static void
read_block(hid_t dset, const hsize_t start[3], const hsize_t stride[3], const hsize_t count[3],
           const char *what)
{
    hid_t     fspace, mspace;
    hsize_t   n = count[0] * count[1] * count[2];
    uint16_t *v = malloc(sizeof *v * (size_t)n);

    TRY(fspace = H5Dget_space(dset), what);
    TRY(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride, count, NULL), what);
    TRY(mspace = H5Screate_simple(1, &n, NULL), what);
    TRY(H5Dread(dset, H5T_NATIVE_UINT16, mspace, fspace, H5P_DEFAULT, v), what);
    hash_bytes(v, sizeof *v * (size_t)n);
    H5Sclose(mspace);
    H5Sclose(fspace);
    free(v);
}

/* H5P_DEFAULT, or for an http(s) URL an access list with HDF5's read-only S3 driver (anonymous). */
static hid_t
access_list(const char *name)
{
    H5FD_ros3_fapl_t fa = {.version = H5FD_CURR_ROS3_FAPL_T_VERSION, .authenticate = 0};
    hid_t            fapl;

    if (strncmp(name, "http://", 7) != 0 && strncmp(name, "https://", 8) != 0)
        return H5P_DEFAULT;
    TRY(fapl = H5Pcreate(H5P_FILE_ACCESS), "access list");
    TRY(H5Pset_fapl_ros3(fapl, &fa), "ROS3 driver");
    return fapl;
}

static int
read_master(const char *master, const char *prefix, const char *direct, int back)
{
    hid_t   file, dset, dapl = H5P_DEFAULT, attr, atype, vol;
    char    name[256], title[64] = "";
    hsize_t one[3] = {1, 1, 1};

    if (prefix) {
        TRY(dapl = H5Pcreate(H5P_DATASET_ACCESS), "dapl");
        TRY(H5Pset_elink_prefix(dapl, prefix), "elink prefix");
    }
    TRY(file = H5Fopen(master, H5F_ACC_RDONLY, access_list(master)), master);
    TRY(vol = H5VLget_connector_id(file), "connector");
    H5VLget_connector_name(file, name, sizeof name);
    printf("carve_linked: connector %s\n", name);
    H5VLclose(vol);

    TRY(dset = H5Dopen2(file, "/entry/data/data_000001", dapl), "data_000001 through its link");
    {
        hsize_t start[3] = {1, 0, 0}, count[3] = {2, SIDE, SIDE};
        read_block(dset, start, NULL, count, "frames 1-2 of data_000001");
    }
    H5Dclose(dset);
    TRY(dset = H5Dopen2(file, "/entry/data/data_000002", dapl), "data_000002 through its link");
    {
        hsize_t start[3] = {3, 4, 2}, count[3] = {1, 5, 7};
        read_block(dset, start, NULL, count, "a block of data_000002");
    }
    H5Dclose(dset);
    TRY(dset = H5Dopen2(file, "/entry/data/data_000003", dapl), "data_000003 through its link");
    {
        hsize_t start[3] = {0, 1, 3}, stride[3] = {2, 3, 4}, count[3] = {2, 5, 3};
        read_block(dset, start, stride, count, "a strided selection of data_000003");
    }
    H5Dclose(dset);
    if (back) {
        /* Into a data file and back into the master through its link back. */
        TRY(dset = H5Dopen2(file, "/entry/data/file_000001/master/sum", dapl),
            "the master through a data file");
        {
            hsize_t start[3] = {1, 2, 3}, count[3] = {1, 4, 5};
            read_block(dset, start, NULL, count, "the virtual dataset through a link back");
        }
        H5Dclose(dset);
    }
    TRY(dset = H5Dopen2(file, "/entry/sum", H5P_DEFAULT), "the virtual dataset");
    {
        hsize_t start[3] = {0, 0, 0}, count[3] = {2, SIDE, SIDE};
        read_block(dset, start, NULL, count, "the virtual dataset");
    }
    H5Dclose(dset);
    TRY(attr = H5Aopen_by_name(file, "/entry/instrument", "name", H5P_DEFAULT, H5P_DEFAULT), "attribute");
    TRY(atype = H5Aget_type(attr), "attribute type");
    TRY(H5Aread(attr, atype, title), "attribute read");
    hash_bytes(title, strlen(title));
    H5Tclose(atype);
    H5Aclose(attr);
    H5Fclose(file);
    if (direct) {
        hid_t   f2;
        hsize_t start[3] = {0, 0, 0}, count[3] = {1, SIDE, SIDE};

        TRY(f2 = H5Fopen(direct, H5F_ACC_RDONLY, access_list(direct)), direct);
        TRY(dset = H5Dopen2(f2, "/entry/data/data", H5P_DEFAULT), "the data file opened directly");
        read_block(dset, start, NULL, count, "frame 0 of the data file opened directly");
        H5Dclose(dset);
        H5Fclose(f2);
    }
    (void)one;
    if (dapl != H5P_DEFAULT)
        H5Pclose(dapl);
    printf("carve_linked: checksum %016llx\n", (unsigned long long)checksum_g);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *prefix = NULL, *direct = NULL;
    int         back = 0;

    if (argc >= 3 && strcmp(argv[1], "make") == 0)
        return make(argv[2], argc >= 4 ? argv[3] : argv[2]);
    if (argc >= 3 && strcmp(argv[1], "read") == 0) {
        for (int i = 3; i < argc; i += 2) {
            if (strcmp(argv[i], "--back") == 0) {
                back = 1;
                i--;
            }
            else if (i + 1 >= argc) {
                fprintf(stderr, "carve_linked: %s needs a value\n", argv[i]);
                return 2;
            }
            else if (strcmp(argv[i], "--prefix") == 0)
                prefix = argv[i + 1];
            else if (strcmp(argv[i], "--direct") == 0)
                direct = argv[i + 1];
            else {
                fprintf(stderr, "carve_linked: unknown option %s\n", argv[i]);
                return 2;
            }
        }
        return read_master(argv[2], prefix, direct, back);
    }
    fprintf(stderr, "usage: carve_linked make <dir> [<data-dir>] | read <master> [--prefix P] [--direct "
                    "FILE] [--back]\n");
    return 2;
}
