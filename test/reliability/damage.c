/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * damage.c — carve_damage: the test's hostile user. Finds where a container stores a dataset's chunk, so
 * that the test can flip bytes there, and edits a container's lean replay manifest to claim a chunk it
 * does not store.
 *
 *   carve_damage where <file> <dataset>
 *       prints "<file offset> <size>" of the dataset's first stored chunk (native HDF5), or of a compact
 *       dataset's elements in its object header
 *   carve_damage attr <file> <object> <attribute>
 *       adds 1 to the first byte of a fixed-size attribute's value (native HDF5, in place)
 *   carve_damage claim <container> <dataset> <chunk coordinate>...
 *       adds that chunk (grid coordinates) to the dataset's chunk list in the lean manifest replay reads,
 *       written as a new anonymous dataset whose token replaces the old one in carve's header
 * Exit 0 on success, 1 with a message otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "carve_error.h"
#include "carve_manifest.h"
#include "carve_tokenmap.h"

static int
fail(const char *what)
{
    fprintf(stderr, "carve_damage: %s\n", what);
    H5Eprint2(H5E_DEFAULT, stderr);
    return 1;
}

/* Where a compact dataset's elements lie in the file: they are stored verbatim in its object header, so
 * their bytes (read with the file's type) are looked for in the file, and must occur exactly once. */
static int
where_compact(const char *path, hid_t dset)
{
    hid_t          type = H5Dget_type(dset);
    hsize_t        size = H5Dget_storage_size(dset);
    unsigned char *want = size ? malloc((size_t)size) : NULL, *bytes = NULL;
    FILE          *f     = fopen(path, "rb");
    long           total = -1;
    size_t         found = 0, at = 0;

    if (type < 0 || !want || !f || H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, want) < 0)
        return fail("cannot read the compact dataset's elements");
    if (fseek(f, 0, SEEK_END) != 0 || (total = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (bytes = malloc((size_t)total + 1)) == NULL || fread(bytes, 1, (size_t)total, f) != (size_t)total)
        return fail("cannot read the file");
    fclose(f);
    for (size_t i = 0; i + size <= (size_t)total; i++)
        if (memcmp(bytes + i, want, (size_t)size) == 0 && found++ == 0)
            at = i;
    free(bytes);
    free(want);
    H5Tclose(type);
    if (found != 1)
        return fail(found ? "the compact dataset's elements occur more than once in the file"
                          : "the compact dataset's elements are not in the file");
    printf("%zu %" PRIuHSIZE "\n", at, size);
    return 0;
}

static int
where(const char *path, const char *name)
{
    hid_t    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), dset;
    hsize_t  offset[H5S_MAX_RANK], size = 0;
    unsigned mask = 0;
    haddr_t  addr = HADDR_UNDEF;

    if (file < 0 || (dset = H5Dopen2(file, name, H5P_DEFAULT)) < 0)
        return fail("cannot open the dataset");
    {
        hid_t dcpl    = H5Dget_create_plist(dset);
        int   compact = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_COMPACT;

        H5Pclose(dcpl);
        if (compact) {
            int ret = where_compact(path, dset);

            H5Dclose(dset);
            H5Fclose(file);
            return ret;
        }
    }
    if (H5Dget_chunk_info(dset, H5S_ALL, 0, offset, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF)
        return fail("the dataset stores no chunk");
    printf("%" PRIuHADDR " %" PRIuHSIZE "\n", addr, size);
    H5Dclose(dset);
    H5Fclose(file);
    return 0;
}

static int
claim(const char *path, const char *name, int ncoords, char **coords_text)
{
    char                      header[513] = "", *line, hex[33], *text = NULL, *emitted = NULL;
    FILE                     *f = fopen(path, "r+b");
    H5O_token_t               token;
    hid_t                     file, dset, space, dcpl;
    hssize_t                  len;
    size_t                    elen = 0;
    hsize_t                   coords[H5S_MAX_RANK], n, chunk;
    carve_manifest_t          m;
    carve_manifest_dataset_t *d;
    H5O_info2_t               info;

    if (!f || fread(header, 1, 512, f) != 512 || (line = strstr(header, "\nreplay ")) == NULL)
        return fail("not a container with a lean manifest");
    fclose(f);
    memcpy(hex, line + 8, 32);
    hex[32] = '\0';
    if (carve_token_from_hex(hex, &token) < 0 || (file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT)) < 0 ||
        (dset = H5Oopen_by_token(file, token)) < 0 || (space = H5Dget_space(dset)) < 0 ||
        (len = H5Sget_simple_extent_npoints(space)) <= 0 || (text = calloc(1, (size_t)len + 1)) == NULL ||
        H5Dread(dset, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0)
        return fail("cannot read the lean manifest");
    H5Sclose(space);
    H5Dclose(dset);
    carve_manifest_init(&m);
    if (carve_manifest_parse(text, (size_t)len, "the lean manifest", &m) < 0 ||
        (d = carve_manifest_find_dataset(&m, name)) == NULL || !d->chunked || d->rank != ncoords)
        return fail("the lean manifest has no chunked dataset of that name and rank");
    for (int i = 0; i < ncoords; i++)
        coords[i] = strtoull(coords_text[i], NULL, 10);
    if (carve_chunkset_add_coords(&d->chunks, coords) < 0 || carve_chunkset_finish(&d->chunks) < 0 ||
        carve_manifest_emit(&m, &emitted, &elen) < 0)
        return fail("cannot add the claim");
    n     = elen;
    chunk = elen;
    if ((space = H5Screate_simple(1, &n, NULL)) < 0 || (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        H5Pset_chunk(dcpl, 1, &chunk) < 0 ||
        (dset = H5Dcreate_anon(file, H5T_STD_U8LE, space, dcpl, H5P_DEFAULT)) < 0 ||
        H5Dwrite(dset, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, emitted) < 0 ||
        H5Oincr_refcount(dset) < 0 || H5Oget_info3(dset, &info, H5O_INFO_BASIC) < 0)
        return fail("cannot write the edited lean manifest");
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    carve_token_to_hex(&info.token, hex);
    if ((f = fopen(path, "r+b")) == NULL || fseek(f, (long)(line + 8 - header), SEEK_SET) < 0 ||
        fwrite(hex, 1, 32, f) != 32 || fclose(f) != 0)
        return fail("cannot rewrite carve's header");
    carve_manifest_clear(&m);
    free(text);
    free(emitted);
    return 0;
}

static int
attr(const char *path, const char *object, const char *name)
{
    hid_t          f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), a = H5I_INVALID_HID, t = H5I_INVALID_HID;
    hid_t          s   = H5I_INVALID_HID;
    unsigned char *buf = NULL;
    size_t         bytes;
    int            ret = 1;

    if (f < 0 || (a = H5Aopen_by_name(f, object, name, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        (t = H5Aget_type(a)) < 0 || (s = H5Aget_space(a)) < 0)
        ret = fail("cannot open the attribute");
    else if ((bytes = H5Tget_size(t) * (size_t)H5Sget_simple_extent_npoints(s)) == 0 ||
             NULL == (buf = malloc(bytes)) || H5Aread(a, t, buf) < 0)
        ret = fail("cannot read the attribute");
    else {
        buf[0]++;
        ret = H5Awrite(a, t, buf) < 0 ? fail("cannot write the attribute") : 0;
    }
    free(buf);
    H5E_BEGIN_TRY
    {
        H5Sclose(s);
        H5Tclose(t);
        H5Aclose(a);
        H5Fclose(f);
    }
    H5E_END_TRY
    return ret;
}

int
main(int argc, char **argv)
{
    if (carve_error_init() < 0)
        return 1;
    if (argc == 4 && strcmp(argv[1], "where") == 0)
        return where(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "attr") == 0)
        return attr(argv[2], argv[3], argv[4]);
    if (argc >= 5 && strcmp(argv[1], "claim") == 0)
        return claim(argv[2], argv[3], argc - 4, argv + 4);
    fprintf(
        stderr,
        "usage: carve_damage where <file> <dataset> | attr <file> <object> <attribute> | claim <container> "
        "<dataset> <coords>...\n");
    return 2;
}
