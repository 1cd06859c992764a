/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay_api.c — carve_replay_api: what a program sees through calls other than H5Dread when it replays a
 * carved zoo, compared with the same calls made natively on the origin.
 *
 * Usage: carve_replay_api <zoo.h5> <stage>
 *   carve    reads the carving workload (a few rows of /data/chunked_deflate, /data/contiguous, one vlen
 *            element of /typed/vlen_int), under HDF5_VOL_CONNECTOR="carve mode=carve"
 *   present  replay with the origin in place: every check below against a native open of its copy
 *            <zoo.h5>.native (a copy: HDF5 shares an open file's objects between opens, so a native open of
 *            the origin itself would share its datasets with the origin carve opens)
 *   missing  replay with the origin gone: what the container holds still answers; what it does not
 *            fails with carve's message on the error stack
 *
 * Checks (each prints PASS/FAIL; exit 1 on any failure):
 *   - H5Fget_name gives the name the program opened, not the container's; H5Fget_filesize the origin's
 *     size; H5Fget_access_plist the program's list (carve selected with its settings);
 *   - H5Dget_create_plist of a dataset the container stores in another layout (/data/contiguous) has
 *     the origin's layout, and equals the native list (H5Pequal); so does that of a compact dataset never
 *     read (/data/compact: the container keeps it compact);
 *   - H5Dread_chunk of a chunk the container holds returns the origin's raw bytes and filter mask (also
 *     without the origin); of a chunk it does not hold, the origin's (and, without the origin, an error
 *     naming the dataset);
 *   - H5Dget_num_chunks and H5Dget_chunk_info answer for the origin's storage (present stage);
 *   - H5Dvlen_get_buf_size of a vlen selection (held, and not held) equals native's;
 *   - H5Dread_multi mixing a held read, a missing one and a partly held one equals native reads;
 *   - a read whose file selection is moved by H5Soffset_simple reads the moved elements.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

static int failures = 0;

static void
check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok)
        failures++;
}

/* A file access list that selects the native connector whatever HDF5_VOL_CONNECTOR says. */
static hid_t
native_fapl(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);

    H5Pset_vol(fapl, H5VL_NATIVE, NULL);
    return fapl;
}

/* Rows [row0, row0 + nrows) of a 2-D dataset. */
static hid_t
rows_space(hid_t dset, hsize_t row0, hsize_t nrows)
{
    hid_t   space = H5Dget_space(dset);
    hsize_t dims[2], start[2] = {row0, 0}, count[2];

    H5Sget_simple_extent_dims(space, dims, NULL);
    count[0] = nrows;
    count[1] = dims[1];
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
    return space;
}

static int
stage_carve(const char *path)
{
    hid_t   file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t   dset, space, mem;
    double  buf[64 * 64];
    int     ibuf[200];
    hvl_t   vl;
    hsize_t one = 1, start = 1;

    if (file < 0)
        return 1;
    /* Rows 0-15 of /data/chunked_deflate: its first chunk row. */
    dset  = H5Dopen2(file, "/data/chunked_deflate", H5P_DEFAULT);
    space = rows_space(dset, 0, 16);
    mem   = H5Screate_simple(1, (hsize_t[]){16 * 64}, NULL);
    H5Dread(dset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(dset);
    /* Elements 0-49 of /data/contiguous. */
    dset  = H5Dopen2(file, "/data/contiguous", H5P_DEFAULT);
    space = H5Dget_space(dset);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){50}, NULL);
    mem = H5Screate_simple(1, (hsize_t[]){50}, NULL);
    H5Dread(dset, H5T_NATIVE_INT, mem, space, H5P_DEFAULT, ibuf);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(dset);
    /* Element 1 of /typed/vlen_int. */
    dset  = H5Dopen2(file, "/typed/vlen_int", H5P_DEFAULT);
    space = H5Dget_space(dset);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &one, NULL);
    mem = H5Screate_simple(1, &one, NULL);
    {
        hid_t vt = H5Tvlen_create(H5T_NATIVE_INT);

        H5Dread(dset, vt, mem, space, H5P_DEFAULT, &vl);
        H5Treclaim(vt, mem, H5P_DEFAULT, &vl);
        H5Tclose(vt);
    }
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(dset);
    return H5Fclose(file) < 0;
}

/* Raw chunk at offset of a dataset: size, mask and bytes (malloc'ed); -1 on failure. */
static int
read_raw_chunk(hid_t dset, const hsize_t *offset, uint32_t *mask, void **bytes, hsize_t *size)
{
    herr_t status;

    *bytes = NULL;
    H5E_BEGIN_TRY
    {
        status = H5Dget_chunk_storage_size(dset, offset, size);
    }
    H5E_END_TRY
    if (status < 0 || *size == 0 || NULL == (*bytes = malloc(*size)))
        return -1;
    H5E_BEGIN_TRY
    {
        status = H5Dread_chunk(dset, H5P_DEFAULT, offset, mask, *bytes);
    }
    H5E_END_TRY
    return status < 0 ? -1 : 0;
}

/* The first error-stack message containing `text`: 1 when found. */
typedef struct find_t {
    const char *text;
    int         found;
} find_t;

static herr_t
find_message(unsigned n, const H5E_error2_t *err, void *data)
{
    find_t *f = data;

    (void)n;
    if (err->desc && strstr(err->desc, f->text))
        f->found = 1;
    return 0;
}

static int
stack_mentions(const char *text)
{
    find_t f = {text, 0};

    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_message, &f);
    return f.found;
}

static int
stage_replay(const char *path, const char *native_path, int origin_present)
{
    hid_t    nfapl = native_fapl();
    hid_t    rfile = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t    nfile = H5Fopen(native_path, H5F_ACC_RDONLY, nfapl);
    hid_t    rd, nd;
    char     name[4096];
    uint32_t rmask = 0, nmask = 0;
    void    *rbytes = NULL, *nbytes = NULL;
    hsize_t  rsize = 0, nsize = 0;

    check(rfile >= 0 && nfile >= 0, "the file opens in replay mode and natively");
    if (rfile < 0 || nfile < 0)
        return 1;

    check(H5Fget_name(rfile, name, sizeof name) > 0 && strcmp(name, path) == 0,
          "H5Fget_name gives the name the program opened");
    check(H5Fis_accessible(path, H5P_DEFAULT) > 0,
          "H5Fis_accessible: the file is accessible (its container is)");
    {
        hsize_t rlen = 0, nlen = 0;

        check(H5Fget_filesize(rfile, &rlen) >= 0 && H5Fget_filesize(nfile, &nlen) >= 0 && rlen == nlen,
              "H5Fget_filesize gives the origin's size");
    }

    /* The access list: the program's (carve selected, with its settings; the sec2 driver), not the
     * container's, which selects the connector below. */
    {
        hid_t rfapl = H5Fget_access_plist(rfile), vol = H5I_INVALID_HID;
        hid_t carve = H5VLget_connector_id_by_name("carve");
        void *info  = NULL;
        char *text  = NULL;
        int   cmp   = 1;

        check(rfapl >= 0 && H5Pget_vol_id(rfapl, &vol) >= 0 && carve >= 0 &&
                  H5VLcmp_connector_cls(&cmp, vol, carve) >= 0 && cmp == 0 &&
                  H5Pget_driver(rfapl) == H5FD_SEC2,
              "H5Fget_access_plist: carve selected, the sec2 driver");
        check(rfapl >= 0 && H5Pget_vol_info(rfapl, &info) >= 0 && info &&
                  H5VLconnector_info_to_str(info, carve, &text) >= 0 && text && strstr(text, "mode=replay"),
              "H5Fget_access_plist: carve's settings are the program's (mode=replay)");
        if (text)
            H5free_memory(text);
        if (info)
            H5VLfree_connector_info(carve, info);
        if (vol >= 0)
            H5VLclose(vol);
        if (carve >= 0)
            H5VLclose(carve);
        if (rfapl >= 0)
            H5Pclose(rfapl);
    }

    /* The creation list of a dataset stored in another layout. */
    rd = H5Dopen2(rfile, "/data/contiguous", H5P_DEFAULT);
    nd = H5Dopen2(nfile, "/data/contiguous", H5P_DEFAULT);
    {
        hid_t rdcpl = H5Dget_create_plist(rd), ndcpl = H5Dget_create_plist(nd);

        check(H5Pget_layout(rdcpl) == H5D_CONTIGUOUS, "/data/contiguous: the origin's layout (contiguous)");
        check(H5Pequal(rdcpl, ndcpl) > 0, "/data/contiguous: the creation list equals native's");
        H5Pclose(rdcpl);
        H5Pclose(ndcpl);
    }
    H5Dclose(rd);
    H5Dclose(nd);

    /* A compact dataset the program never read (no manifest entry): the container's copy is compact too,
     * so its own creation list is the origin's (carve stored such datasets chunked before). */
    rd = H5Dopen2(rfile, "/data/compact", H5P_DEFAULT);
    nd = H5Dopen2(nfile, "/data/compact", H5P_DEFAULT);
    {
        hid_t rdcpl = H5Dget_create_plist(rd), ndcpl = H5Dget_create_plist(nd);

        check(rdcpl >= 0 && H5Pget_layout(rdcpl) == H5D_COMPACT,
              "/data/compact (never read): the origin's layout (compact)");
        check(rdcpl >= 0 && H5Pequal(rdcpl, ndcpl) > 0, "/data/compact: the creation list equals native's");
        H5Pclose(rdcpl);
        H5Pclose(ndcpl);
    }
    H5Dclose(rd);
    H5Dclose(nd);

    /* The same for a dataset of variable-length values (its fill value cannot travel in the manifest). */
    rd = H5Dopen2(rfile, "/typed/vlen_int", H5P_DEFAULT);
    nd = H5Dopen2(nfile, "/typed/vlen_int", H5P_DEFAULT);
    {
        hid_t            rdcpl = H5Dget_create_plist(rd), ndcpl = H5Dget_create_plist(nd);
        H5D_alloc_time_t ra, na;
        H5D_fill_time_t  rt, nt;
        H5D_fill_value_t rf, nf;

        check(rdcpl >= 0 && H5Pget_layout(rdcpl) == H5Pget_layout(ndcpl) &&
                  H5Pget_alloc_time(rdcpl, &ra) >= 0 && H5Pget_alloc_time(ndcpl, &na) >= 0 && ra == na &&
                  H5Pget_fill_time(rdcpl, &rt) >= 0 && H5Pget_fill_time(ndcpl, &nt) >= 0 && rt == nt &&
                  H5Pfill_value_defined(rdcpl, &rf) >= 0 && H5Pfill_value_defined(ndcpl, &nf) >= 0 &&
                  rf == nf,
              "/typed/vlen_int: layout, allocation and fill settings of the creation list are native's");
        H5Pclose(rdcpl);
        H5Pclose(ndcpl);
    }
    H5Dclose(rd);
    H5Dclose(nd);

    /* Direct chunk reads: chunk (0, 0) is held, chunk (48, 48) is not. */
    rd = H5Dopen2(rfile, "/data/chunked_deflate", H5P_DEFAULT);
    nd = H5Dopen2(nfile, "/data/chunked_deflate", H5P_DEFAULT);
    {
        hsize_t held[2] = {0, 0}, chunk[2];
        hid_t   dcpl    = H5Dget_create_plist(nd);

        H5Pget_chunk(dcpl, 2, chunk);
        H5Pclose(dcpl);
        check(read_raw_chunk(nd, held, &nmask, &nbytes, &nsize) == 0, "native H5Dread_chunk of a chunk");
        if (origin_present) {
            check(read_raw_chunk(rd, held, &rmask, &rbytes, &rsize) == 0 && rsize == nsize &&
                      rmask == nmask && memcmp(rbytes, nbytes, nsize) == 0,
                  "H5Dread_chunk of a held chunk: the origin's raw bytes and filter mask");
        }
        else {
            uint32_t mask   = 0;
            void    *bytes  = malloc(nsize);
            herr_t   status = H5Dread_chunk(rd, H5P_DEFAULT, held, &mask, bytes);

            check(status >= 0 && mask == nmask && memcmp(bytes, nbytes, nsize) == 0,
                  "H5Dread_chunk of a held chunk without the origin: the origin's raw bytes and filter mask");
            free(bytes);
        }
        free(rbytes);
        free(nbytes);
        rbytes = nbytes = NULL;

        {
            hsize_t  other[2] = {chunk[0] * 3, chunk[1] * 3};
            uint32_t mask     = 0;
            void    *bytes;
            herr_t   status;

            check(read_raw_chunk(nd, other, &nmask, &nbytes, &nsize) == 0,
                  "native H5Dread_chunk of another chunk");
            bytes = malloc(nsize);
            H5E_BEGIN_TRY
            {
                status = H5Dread_chunk(rd, H5P_DEFAULT, other, &mask, bytes);
            }
            H5E_END_TRY
            if (origin_present)
                check(status >= 0 && mask == nmask && memcmp(bytes, nbytes, nsize) == 0,
                      "H5Dread_chunk of a chunk the container does not hold: the origin's bytes");
            else {
                H5E_BEGIN_TRY
                {
                    status = H5Dread_chunk(rd, H5P_DEFAULT, other, &mask, bytes);
                }
                H5E_END_TRY
                check(status < 0, "H5Dread_chunk of a chunk not held, without the origin: fails");
                status = H5Dread_chunk(rd, H5P_DEFAULT, other, &mask, bytes); /* leaves the stack */
                check(status < 0 && stack_mentions("/data/chunked_deflate") &&
                          stack_mentions("cannot answer"),
                      "... with carve's message naming the dataset");
                H5Eclear2(H5E_DEFAULT);
            }
            free(bytes);
            free(nbytes);
            nbytes = NULL;
        }
        if (origin_present) {
            hsize_t  rn = 0, nn = 0, roff[2], noff[2];
            haddr_t  raddr, naddr;
            hsize_t  rs, ns;
            unsigned rf, nf;

            check(H5Dget_num_chunks(rd, H5S_ALL, &rn) >= 0 && H5Dget_num_chunks(nd, H5S_ALL, &nn) >= 0 &&
                      rn == nn,
                  "H5Dget_num_chunks: the origin's count");
            check(H5Dget_chunk_info(rd, H5S_ALL, 1, roff, &rf, &raddr, &rs) >= 0 &&
                      H5Dget_chunk_info(nd, H5S_ALL, 1, noff, &nf, &naddr, &ns) >= 0 && roff[0] == noff[0] &&
                      roff[1] == noff[1] && rf == nf && raddr == naddr && rs == ns,
                  "H5Dget_chunk_info: the origin's chunk");
        }
    }

    /* A multi-dataset read: held rows of chunked_deflate, partly held /data/contiguous (0-99), and a
     * dataset never read while carving (/grid3d) — only with the origin. */
    if (origin_present) {
        hid_t       d[3], mt[3], ms[3], fs[3];
        double      a_r[16 * 64], a_n[16 * 64];
        int         b_r[100], b_n[100];
        int         c_r[10 * 20 * 30], c_n[10 * 20 * 30];
        void       *rb[3]    = {a_r, b_r, c_r};
        const char *names[3] = {"/data/chunked_deflate", "/data/contiguous", "/grid3d"};

        for (int pass = 0; pass < 2; pass++) {
            hid_t f = pass ? nfile : rfile;

            for (int i = 0; i < 3; i++)
                d[i] = H5Dopen2(f, names[i], H5P_DEFAULT);
            fs[0] = rows_space(d[0], 0, 16);
            fs[1] = H5Dget_space(d[1]);
            H5Sselect_hyperslab(fs[1], H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){100}, NULL);
            fs[2] = H5S_ALL;
            ms[0] = H5S_BLOCK;
            ms[1] = H5S_BLOCK;
            ms[2] = H5S_ALL;
            mt[0] = H5T_NATIVE_DOUBLE;
            mt[1] = H5T_NATIVE_INT;
            mt[2] = H5T_NATIVE_INT;
            if (pass == 0) {
                check(H5Dread_multi(3, d, mt, ms, fs, H5P_DEFAULT, rb) >= 0,
                      "H5Dread_multi (hit, partial, miss)");
            }
            else {
                void *nb[3] = {a_n, b_n, c_n};

                H5Dread_multi(3, d, mt, ms, fs, H5P_DEFAULT, nb);
            }
            H5Sclose(fs[0]);
            H5Sclose(fs[1]);
            for (int i = 0; i < 3; i++)
                H5Dclose(d[i]);
        }
        check(memcmp(a_r, a_n, sizeof a_r) == 0 && memcmp(b_r, b_n, sizeof b_r) == 0 &&
                  memcmp(c_r, c_n, sizeof c_r) == 0,
              "H5Dread_multi: every buffer equals native's");
    }
    H5Dclose(rd);
    H5Dclose(nd);

    /* A file selection moved by H5Soffset_simple: rows 0-15 (held) moved to 40-55 (not held). */
    {
        hid_t    rds = H5Dopen2(rfile, "/data/chunked_deflate", H5P_DEFAULT);
        hid_t    nds = H5Dopen2(nfile, "/data/chunked_deflate", H5P_DEFAULT);
        hid_t    rsp = rows_space(rds, 0, 16), nsp = rows_space(nds, 0, 16);
        hssize_t off[2] = {40, 0};
        double   rbuf[16 * 64], nbuf[16 * 64];
        hid_t    mem = H5Screate_simple(1, (hsize_t[]){16 * 64}, NULL);
        herr_t   status;

        H5Soffset_simple(rsp, off);
        H5Soffset_simple(nsp, off);
        H5Dread(nds, H5T_NATIVE_DOUBLE, mem, nsp, H5P_DEFAULT, nbuf);
        H5E_BEGIN_TRY
        {
            status = H5Dread(rds, H5T_NATIVE_DOUBLE, mem, rsp, H5P_DEFAULT, rbuf);
        }
        H5E_END_TRY
        if (origin_present)
            check(
                status >= 0 && memcmp(rbuf, nbuf, sizeof rbuf) == 0,
                "a read through H5Soffset_simple gets native's values (the offset rows, not the held ones)");
        else
            check(status < 0,
                  "a read through H5Soffset_simple without the origin fails (never the held rows)");
        H5Sclose(mem);
        H5Sclose(rsp);
        H5Sclose(nsp);
        H5Dclose(rds);
        H5Dclose(nds);
    }

    /* A memory selection moved by H5Soffset_simple, for a read partly held (rows 8-23): the same buffer. */
    if (origin_present) {
        hid_t    rds = H5Dopen2(rfile, "/data/chunked_deflate", H5P_DEFAULT);
        hid_t    nds = H5Dopen2(nfile, "/data/chunked_deflate", H5P_DEFAULT);
        hid_t    rsp = rows_space(rds, 8, 16), nsp = rows_space(nds, 8, 16);
        hsize_t  mdims[2] = {32, 64}, mstart[2] = {0, 0}, mcount[2] = {16, 64};
        hssize_t off[2] = {8, 0};
        hid_t    mem    = H5Screate_simple(2, mdims, NULL);
        double   rbuf[32 * 64], nbuf[32 * 64];

        memset(rbuf, 0, sizeof rbuf);
        memset(nbuf, 0, sizeof nbuf);
        H5Sselect_hyperslab(mem, H5S_SELECT_SET, mstart, NULL, mcount, NULL);
        H5Soffset_simple(mem, off);
        check(H5Dread(rds, H5T_NATIVE_DOUBLE, mem, rsp, H5P_DEFAULT, rbuf) >= 0 &&
                  H5Dread(nds, H5T_NATIVE_DOUBLE, mem, nsp, H5P_DEFAULT, nbuf) >= 0 &&
                  memcmp(rbuf, nbuf, sizeof rbuf) == 0,
              "a partly held read into a memory selection moved by H5Soffset_simple fills native's places");
        H5Sclose(mem);
        H5Sclose(rsp);
        H5Sclose(nsp);
        H5Dclose(rds);
        H5Dclose(nds);
    }

    /* Variable-length buffer sizes: element 1 is held; all 3 elements only with the origin. */
    rd = H5Dopen2(rfile, "/typed/vlen_int", H5P_DEFAULT);
    nd = H5Dopen2(nfile, "/typed/vlen_int", H5P_DEFAULT);
    {
        hid_t   vt    = H5Tvlen_create(H5T_NATIVE_INT);
        hid_t   space = H5Dget_space(nd);
        hsize_t rsz = 0, nsz = 0, one = 1, start = 1;

        H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &one, NULL);
        check(H5Dvlen_get_buf_size(rd, vt, space, &rsz) >= 0 &&
                  H5Dvlen_get_buf_size(nd, vt, space, &nsz) >= 0 && rsz == nsz,
              "H5Dvlen_get_buf_size of a held element equals native's");
        if (origin_present) {
            start = 2;
            H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &one, NULL);
            check(H5Dvlen_get_buf_size(rd, vt, space, &rsz) >= 0 &&
                      H5Dvlen_get_buf_size(nd, vt, space, &nsz) >= 0 && rsz == nsz,
                  "H5Dvlen_get_buf_size of an element not held equals native's");
            H5Sselect_all(space);
            check(H5Dvlen_get_buf_size(rd, vt, space, &rsz) >= 0 &&
                      H5Dvlen_get_buf_size(nd, vt, space, &nsz) >= 0 && rsz == nsz,
                  "H5Dvlen_get_buf_size of every element (not all held) equals native's");
        }
        H5Sclose(space);
        H5Tclose(vt);
    }
    H5Dclose(rd);
    H5Dclose(nd);

    check(H5Fclose(rfile) >= 0, "H5Fclose of the replayed file");
    H5Fclose(nfile);
    H5Pclose(nfapl);
    return failures != 0;
}

int
main(int argc, char **argv)
{
    char native[4096];

    if (argc != 3) {
        fprintf(stderr, "usage: %s <zoo.h5> carve|present|missing\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[2], "carve") == 0)
        return stage_carve(argv[1]);
    snprintf(native, sizeof native, "%s.native", argv[1]);
    if (strcmp(argv[2], "present") == 0)
        return stage_replay(argv[1], native, 1);
    if (strcmp(argv[2], "missing") == 0)
        return stage_replay(argv[1], native, 0);
    fprintf(stderr, "%s: unknown stage %s\n", argv[0], argv[2]);
    return 2;
}
