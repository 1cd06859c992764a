/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_integrity.c — unit tests of carve_integrity (connector/core/carve_integrity.c): the checksum table of
 * a container. Checked:
 *
 *   the hash: the same bytes hash the same (in another buffer, at every alignment 0..7, every length
 *   0..64); flipping any single bit changes it (every bit of a 64-byte buffer, all 513 hashes distinct, and
 *   every bit of every length 0..17, covering the byte-at-a-time tail); runs of zero bytes of lengths
 *   0..64 hash distinctly (0, 1 and 8 among them); a few pinned values, since stored tables depend on them;
 *
 *   carve_integrity_measure on a native file written here and reopened read-only: chunked datasets with
 *   chunks never written (10x10 int32 in 3x4 chunks, plain, deflated and never written at all; 5x6x7 int8
 *   in 2x4x3 chunks) give exactly the allocated chunks (against hard-coded indices and against
 *   H5Dget_num_chunks / H5Dget_chunk_info), in order, by row-major linear index in the grid
 *   ceil(dims/chunk), with H5Dget_chunk_info's size (deflated: the compressed size) and the hash of
 *   H5Dread_chunk's bytes; claimed chunks that are not allocated become size-0 entries with hash 0, claimed
 *   allocated ones are not repeated (some claims, and every chunk of the grid claimed); unchunked datasets
 *   (a big-endian int64 scalar, a contiguous big-endian int16 array, a fixed-length string) give one entry
 *   CARVE_INTEGRITY_WHOLE hashing their bytes in the file type; datasets whose type holds pointers
 *   (variable-length string, variable-length sequence, reference, a compound holding a variable-length
 *   string) give none; a dataset that cannot be inspected is an error naming it;
 *
 *   carve_integrity_sort, carve_integrity_encode / decode: the exact bytes of a one-entry table; a round
 *   trip of the measured table (and of edge values and an empty table) gives identical content and
 *   identical bytes again; carve_integrity_find / find_chunk: hits, misses, an empty table, NULL;
 *
 *   carve_integrity_decode refusing, with CARVE_E_CORRUPT naming the text and the problem and leaving the
 *   table empty: a wrong magic; every truncation of a valid encoding; one trailing byte; entries out of order
 *   or repeated; datasets out of order or repeated; absurd counts of datasets, of entries and a path length.
 *   Every refused buffer is a heap copy of exactly its length, so that ASan (test/sanitize.sh) sees any read
 *   past it.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "carve_error.h"
#include "carve_integrity.h"
#include "unit_test.h"

#define MAGIC     "CARVE-INTEGRITY 1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define HEADER    (MAGIC_LEN + 8) /* the magic and the u64 count of datasets */

/* ------------------------------------------------------------------------------------------------------ */
/* The hash                                                                                                */
/* ------------------------------------------------------------------------------------------------------ */

static int
u64_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Whether the n values are pairwise distinct (sorts them). */
static bool
all_distinct(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, u64_compare);
    for (size_t i = 1; i < n; i++)
        if (v[i] == v[i - 1])
            return false;
    return true;
}

static void
test_hash(unit_t *t)
{
    unit_rng_t    rng = {UINT64_C(0x1234567)};
    unsigned char data[64], copy[64];
    uint64_t      hashes[64 * 8 + 1];
    size_t        bad;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)unit_rng_next(&rng);
    memcpy(copy, data, sizeof data);

    /* Deterministic: the same bytes in another buffer, and the same buffer again. */
    CHECK(t, carve_integrity_hash(data, sizeof data) == carve_integrity_hash(copy, sizeof copy));
    CHECK(t, carve_integrity_hash(data, sizeof data) == carve_integrity_hash(data, sizeof data));
    CHECK(t, carve_integrity_hash(data, 0) == carve_integrity_hash(copy + 5, 0));

    /* Every single bit of a 64-byte buffer: each flip changes the hash, and no two flips collide. */
    hashes[0] = carve_integrity_hash(data, sizeof data);
    bad       = 0;
    for (size_t bit = 0; bit < 8 * sizeof data; bit++) {
        copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        hashes[bit + 1] = carve_integrity_hash(copy, sizeof copy);
        copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        if (hashes[bit + 1] == hashes[0] && bad++ == 0)
            unit_note(t, "flipping bit %zu of 64 bytes leaves the hash", bit);
    }
    CHECK(t, bad == 0);
    CHECK(t, memcmp(copy, data, sizeof data) == 0);
    CHECK(t, all_distinct(hashes, sizeof hashes / sizeof *hashes));

    /* Every bit of every length 0..17: the word loop, the byte-at-a-time tail, and both together. */
    bad = 0;
    for (size_t len = 0; len <= 17; len++) {
        uint64_t base = carve_integrity_hash(data, len);

        for (size_t bit = 0; bit < 8 * len; bit++) {
            uint64_t h;

            copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            h = carve_integrity_hash(copy, len);
            copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            if (h == base && bad++ == 0)
                unit_note(t, "flipping bit %zu of %zu bytes leaves the hash", bit, len);
        }
        /* A byte beyond the length does not count. */
        copy[len] ^= 0xFF;
        if (carve_integrity_hash(copy, len) != base && bad++ == 0)
            unit_note(t, "a byte after %zu bytes changes their hash", len);
        copy[len] ^= 0xFF;
    }
    CHECK(t, bad == 0);

    /* Zero bytes of lengths 0..64 hash distinctly (the length is part of the hash). */
    {
        unsigned char zeros[64] = {0};
        uint64_t      z[65];

        for (size_t len = 0; len <= 64; len++)
            z[len] = carve_integrity_hash(zeros, len);
        CHECK(t, z[0] != z[1] && z[0] != z[8] && z[1] != z[8]);
        CHECK(t, all_distinct(z, 65));
    }

    /* The same bytes at every alignment 0..7 and every length 0..64 hash as at offset 0. */
    {
        union {
            uint64_t      align;
            unsigned char bytes[64 + 8];
        } area;

        bad = 0;
        for (size_t offset = 0; offset < 8; offset++) {
            memset(area.bytes, 0xA5, sizeof area.bytes);
            memcpy(area.bytes + offset, data, sizeof data);
            for (size_t len = 0; len <= sizeof data; len++)
                if (carve_integrity_hash(area.bytes + offset, len) != carve_integrity_hash(data, len) &&
                    bad++ == 0)
                    unit_note(t, "%zu bytes at offset %zu hash differently", len, offset);
        }
        CHECK(t, bad == 0);
    }

    /* Pinned values: the tables containers hold were computed with this function; changing it would make
     * every stored chunk look damaged (that needs a new magic). Little-endian words are assumed. */
    {
        unsigned char seq[64];

        for (size_t i = 0; i < sizeof seq; i++)
            seq[i] = (unsigned char)i;
        CHECK(t, carve_integrity_hash("", 0) == UINT64_C(0xef46db3751d8e999));
        CHECK(t, carve_integrity_hash("carve", 5) == UINT64_C(0x2b667f1fa715f2ac));
        CHECK(t, carve_integrity_hash(seq, sizeof seq) == UINT64_C(0x8b7828a4ae262db2));
        CHECK(t, carve_integrity_hash(seq, 13) == UINT64_C(0x32834350a6427315));
    }
}

/* ------------------------------------------------------------------------------------------------------ */
/* The file measured                                                                                       */
/* ------------------------------------------------------------------------------------------------------ */

/* Writes one element at `at` (rank dimensions) of dset from value (memory type mem). */
static bool
write_point(hid_t dset, hid_t mem, const hsize_t *at, const void *value)
{
    hid_t   file_space = H5Dget_space(dset), mem_space = H5I_INVALID_HID;
    hsize_t one = 1;
    bool    ok;

    ok = file_space >= 0 && H5Sselect_elements(file_space, H5S_SELECT_SET, 1, at) >= 0 &&
         (mem_space = H5Screate_simple(1, &one, NULL)) >= 0 &&
         H5Dwrite(dset, mem, mem_space, file_space, H5P_DEFAULT, value) >= 0;
    unit_release((hid_t[]){mem_space, file_space}, 2);
    return ok;
}

/* A 10x10 int32 dataset in 3x4 chunks (grid 4x3), allocated incrementally: rows 0..4 x columns 0..5 written
 * (chunks (0,0) (0,1) (1,0) (1,1): linear 0 1 3 4) and the element (9,9) (chunk (3,2): linear 11). */
static bool
make_grid(hid_t file, const char *name, bool deflate)
{
    hid_t   space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID, sel = H5I_INVALID_HID;
    hid_t   mem     = H5I_INVALID_HID;
    hsize_t dims[2] = {10, 10}, chunk[2] = {3, 4}, start[2] = {0, 0}, count[2] = {5, 6}, last[2] = {9, 9};
    int     values[30], corner = 99;
    bool    ok;

    for (int i = 0; i < 30; i++)
        values[i] = deflate ? 7 : i * 11 + 1; /* the deflated one compresses well */
    ok = (space = H5Screate_simple(2, dims, NULL)) >= 0 && (dcpl = H5Pcreate(H5P_DATASET_CREATE)) >= 0 &&
         H5Pset_chunk(dcpl, 2, chunk) >= 0 && H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) >= 0 &&
         (!deflate || H5Pset_deflate(dcpl, 6) >= 0) &&
         (dset = H5Dcreate2(file, name, H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0 &&
         (sel = H5Scopy(space)) >= 0 &&
         H5Sselect_hyperslab(sel, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
         (mem = H5Screate_simple(2, count, NULL)) >= 0 &&
         H5Dwrite(dset, H5T_NATIVE_INT, mem, sel, H5P_DEFAULT, values) >= 0 &&
         write_point(dset, H5T_NATIVE_INT, last, &corner);
    unit_release((hid_t[]){mem, sel, dset, dcpl, space}, 5);
    return ok;
}

/* A 5x6x7 int8 dataset in 2x4x3 chunks (grid 3x2x3): the elements (4,5,6) (chunk (2,1,2): linear 17) and
 * (0,4,0) (chunk (0,1,0): linear 3). */
static bool
make_cube(hid_t file)
{
    hid_t       space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    hsize_t     dims[3] = {5, 6, 7}, chunk[3] = {2, 4, 3}, a[3] = {4, 5, 6}, b[3] = {0, 4, 0};
    signed char x = 5, y = -3;
    bool        ok;

    ok = (space = H5Screate_simple(3, dims, NULL)) >= 0 && (dcpl = H5Pcreate(H5P_DATASET_CREATE)) >= 0 &&
         H5Pset_chunk(dcpl, 3, chunk) >= 0 && H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) >= 0 &&
         (dset = H5Dcreate2(file, "cube", H5T_STD_I8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0 &&
         write_point(dset, H5T_NATIVE_SCHAR, a, &x) && write_point(dset, H5T_NATIVE_SCHAR, b, &y);
    unit_release((hid_t[]){dset, dcpl, space}, 3);
    return ok;
}

/* A 10x10 int32 dataset in 3x4 chunks never written: no chunk stored. */
static bool
make_blank(hid_t file)
{
    hid_t   space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    hsize_t dims[2] = {10, 10}, chunk[2] = {3, 4};
    bool    ok;

    ok = (space = H5Screate_simple(2, dims, NULL)) >= 0 && (dcpl = H5Pcreate(H5P_DATASET_CREATE)) >= 0 &&
         H5Pset_chunk(dcpl, 2, chunk) >= 0 && H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) >= 0 &&
         (dset = H5Dcreate2(file, "blank", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0;
    unit_release((hid_t[]){dset, dcpl, space}, 3);
    return ok;
}

/* Creates dataset `name` of file type ftype on space, writes value with memory type mtype. */
static bool
make_written(hid_t file, const char *name, hid_t ftype, hid_t mtype, hid_t space, const void *value)
{
    hid_t dset = H5Dcreate2(file, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bool  ok   = dset >= 0 && H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) >= 0;

    if (dset >= 0)
        H5Dclose(dset);
    return ok;
}

/* The unchunked datasets: /scalar (int64 big-endian 0x0102030405060708), /contig (int16 big-endian 1..5,
 * contiguous), /fixed (an 8-byte string), /vlstr (a variable-length string), /vlseq (a variable-length
 * sequence of int), /ref (a reference to /grid), /pair (a compound of an int and a variable-length string),
 * /vlarray (an array of two variable-length strings). */
static bool
make_unchunked(hid_t file)
{
    hid_t scalar = H5Screate(H5S_SCALAR), five = H5I_INVALID_HID, fixed = H5I_INVALID_HID;
    hid_t vlstr = H5I_INVALID_HID, vlseq = H5I_INVALID_HID, pair = H5I_INVALID_HID, vlarray = H5I_INVALID_HID;
    hsize_t     two_strings = 2;
    const char *strings[2]  = {"first in an array", "second"};
    hsize_t     n           = 5;
    int64_t     big         = INT64_C(0x0102030405060708);
    short       shorts[5]   = {1, 2, 3, 4, 5};
    const char *text = "abcdefg", *vtext = "hello, heap";
    int         seq[3] = {1, 2, 3};
    hvl_t       vl     = {3, seq};
    struct pair_t {
        int         n;
        const char *s;
    } two = {4, "in a compound"};
    H5R_ref_t ref;
    bool      ok, have_ref = false;

    ok = scalar >= 0 && make_written(file, "scalar", H5T_STD_I64BE, H5T_NATIVE_INT64, scalar, &big) &&
         (five = H5Screate_simple(1, &n, NULL)) >= 0 &&
         make_written(file, "contig", H5T_STD_I16BE, H5T_NATIVE_SHORT, five, shorts) &&
         (fixed = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(fixed, 8) >= 0 &&
         make_written(file, "fixed", fixed, fixed, scalar, text) && (vlstr = H5Tcopy(H5T_C_S1)) >= 0 &&
         H5Tset_size(vlstr, H5T_VARIABLE) >= 0 && make_written(file, "vlstr", vlstr, vlstr, scalar, &vtext) &&
         (vlseq = H5Tvlen_create(H5T_NATIVE_INT)) >= 0 &&
         make_written(file, "vlseq", vlseq, vlseq, scalar, &vl) &&
         (have_ref = H5Rcreate_object(file, "grid", H5P_DEFAULT, &ref) >= 0) &&
         make_written(file, "ref", H5T_STD_REF, H5T_STD_REF, scalar, &ref) &&
         (pair = H5Tcreate(H5T_COMPOUND, sizeof(struct pair_t))) >= 0 &&
         H5Tinsert(pair, "n", HOFFSET(struct pair_t, n), H5T_NATIVE_INT) >= 0 &&
         H5Tinsert(pair, "s", HOFFSET(struct pair_t, s), vlstr) >= 0 &&
         make_written(file, "pair", pair, pair, scalar, &two) &&
         (vlarray = H5Tarray_create2(vlstr, 1, &two_strings)) >= 0 &&
         make_written(file, "vlarray", vlarray, vlarray, scalar, strings);
    if (vlarray >= 0)
        H5Tclose(vlarray);
    if (have_ref)
        H5Rdestroy(&ref);
    unit_release((hid_t[]){pair, vlseq, vlstr, fixed, five, scalar}, 6);
    return ok;
}

static bool
make_file(unit_t *t, const char *path)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    bool  ok;

    if (file < 0)
        return false;
    ok = CHECK(t, make_grid(file, "grid", false)) && CHECK(t, make_grid(file, "packed", true)) &&
         CHECK(t, make_cube(file)) && CHECK(t, make_blank(file)) && CHECK(t, make_unchunked(file));
    return H5Fclose(file) >= 0 && ok;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Measuring                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

static int
entry_compare(const void *a, const void *b)
{
    return u64_compare(&((const carve_integrity_entry_t *)a)->chunk,
                       &((const carve_integrity_entry_t *)b)->chunk);
}

/* What HDF5 itself says is stored of chunked dataset `name` (H5Dget_num_chunks, H5Dget_chunk_info,
 * H5Dread_chunk), as entries by chunk; NULL on failure. */
static carve_integrity_entry_t *
stored_chunks(unit_t *t, hid_t file, const char *name, size_t *n)
{
    hid_t                    dset = H5Dopen2(file, name, H5P_DEFAULT), space = H5I_INVALID_HID;
    hid_t                    dcpl = H5I_INVALID_HID;
    hsize_t                  dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK], grid[H5S_MAX_RANK], nchunks = 0;
    int                      rank = -1;
    carve_integrity_entry_t *out  = NULL;
    bool                     ok;

    ok = dset >= 0 && (space = H5Dget_space(dset)) >= 0 && (dcpl = H5Dget_create_plist(dset)) >= 0 &&
         (rank = H5Sget_simple_extent_dims(space, dims, NULL)) > 0 &&
         H5Pget_chunk(dcpl, rank, chunk) == rank && H5Dget_num_chunks(dset, H5S_ALL, &nchunks) >= 0 &&
         (out = calloc(nchunks ? (size_t)nchunks : 1, sizeof *out)) != NULL;
    for (int k = 0; ok && k < rank; k++)
        grid[k] = (dims[k] + chunk[k] - 1) / chunk[k];
    for (hsize_t i = 0; ok && i < nchunks; i++) {
        hsize_t        offset[H5S_MAX_RANK], size = 0;
        unsigned       mask    = 0;
        uint32_t       filters = 0;
        haddr_t        addr    = HADDR_UNDEF;
        uint64_t       index   = 0;
        unsigned char *bytes;

        ok = H5Dget_chunk_info(dset, H5S_ALL, i, offset, &mask, &addr, &size) >= 0 && addr != HADDR_UNDEF &&
             size > 0 && (bytes = malloc((size_t)size)) != NULL;
        if (!ok)
            break;
        ok = H5Dread_chunk(dset, H5P_DEFAULT, offset, &filters, bytes) >= 0;
        for (int k = 0; k < rank; k++)
            index = index * grid[k] + offset[k] / chunk[k];
        out[i].chunk = index;
        out[i].size  = size;
        out[i].hash  = carve_integrity_hash(bytes, (size_t)size);
        free(bytes);
    }
    if (ok)
        qsort(out, (size_t)nchunks, sizeof *out, entry_compare);
    unit_release((hid_t[]){dcpl, space, dset}, 3);
    if (!CHECK(t, ok)) {
        unit_note(t, "cannot list the stored chunks of %s", name);
        free(out);
        return NULL;
    }
    *n = (size_t)nchunks;
    return out;
}

/* Measures `name` of file into table as path "/<name>"; the table of that dataset, or NULL. */
static const carve_integrity_dataset_t *
measure(unit_t *t, carve_integrity_t *table, hid_t file, const char *name, const uint64_t *claimed,
        size_t nclaimed)
{
    hid_t  dset = H5Dopen2(file, name, H5P_DEFAULT);
    char   path[64];
    size_t before = table->n;
    herr_t status;

    snprintf(path, sizeof path, "/%s", name);
    if (!CHECK(t, dset >= 0))
        return NULL;
    status = carve_integrity_measure(table, path, dset, claimed, nclaimed);
    H5Dclose(dset);
    if (!CHECK(t, status >= 0) || !CHECK_NO_ERROR(t) || !CHECK(t, table->n == before + 1))
        return NULL;
    CHECK_STR(t, table->datasets[before].path, path);
    return &table->datasets[before];
}

/* The entries of d are strictly increasing by chunk. */
static bool
in_order(const carve_integrity_dataset_t *d)
{
    for (size_t i = 1; i < d->n; i++)
        if (d->entries[i].chunk <= d->entries[i - 1].chunk)
            return false;
    return true;
}

/* d lists exactly the n entries of want. */
static bool
same_entries(unit_t *t, const carve_integrity_dataset_t *d, const carve_integrity_entry_t *want, size_t n)
{
    bool ok = d->n == n && (n == 0 || memcmp(d->entries, want, n * sizeof *want) == 0);

    if (!ok && unit_printing(t)) {
        unit_note(t, "%s: %zu entries, %zu wanted", d->path, d->n, n);
        for (size_t i = 0; i < d->n || i < n; i++)
            unit_note(t, "  got %s%llu/%llu/%016llx, want %s%llu/%llu/%016llx", i < d->n ? "" : "-",
                      i < d->n ? (unsigned long long)d->entries[i].chunk : 0,
                      i < d->n ? (unsigned long long)d->entries[i].size : 0,
                      i < d->n ? (unsigned long long)d->entries[i].hash : 0, i < n ? "" : "-",
                      i < n ? (unsigned long long)want[i].chunk : 0,
                      i < n ? (unsigned long long)want[i].size : 0,
                      i < n ? (unsigned long long)want[i].hash : 0);
    }
    return ok;
}

/* What measuring with claims should give: the stored entries, and a size-0 entry with hash 0 for each
 * claimed chunk not stored, by chunk (out: room for nstored + nclaimed). The number of entries. */
static size_t
with_claims(const carve_integrity_entry_t *stored, size_t nstored, const uint64_t *claimed, size_t nclaimed,
            carve_integrity_entry_t *out)
{
    size_t n = 0, s = 0, c = 0;

    while (s < nstored || c < nclaimed) {
        if (c == nclaimed || (s < nstored && stored[s].chunk <= claimed[c])) {
            if (c < nclaimed && stored[s].chunk == claimed[c])
                c++; /* claimed and stored: listed once, as stored */
            out[n++] = stored[s++];
        }
        else
            out[n++] = (carve_integrity_entry_t){claimed[c++], 0, 0};
    }
    return n;
}

/* The chunked datasets, each measured alone (no claims, then claims) against what HDF5 says is stored. */
static void
test_measure_chunked(unit_t *t, hid_t file)
{
    static const struct {
        const char *name;
        size_t      nchunks;      /* of the grid */
        size_t      n;            /* stored */
        uint64_t    allocated[5]; /* the chunks written (see make_grid, make_cube, make_blank) */
        size_t      nclaimed;
        uint64_t    claimed[5]; /* some stored, some not */
    } cases[] = {{"grid", 12, 5, {0, 1, 3, 4, 11}, 5, {0, 2, 4, 7, 11}},
                 {"packed", 12, 5, {0, 1, 3, 4, 11}, 5, {0, 2, 4, 7, 11}},
                 {"cube", 18, 2, {3, 17}, 4, {0, 3, 5, 17}},
                 {"blank", 12, 0, {0}, 3, {0, 5, 11}}};

    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        carve_integrity_t                table;
        const carve_integrity_dataset_t *d;
        carve_integrity_entry_t         *stored, want[18 + 5];
        uint64_t                         all[18];
        size_t                           nstored = 0, nwant;

        if (NULL == (stored = stored_chunks(t, file, cases[c].name, &nstored)))
            continue;
        if (!CHECK(t, nstored == cases[c].n)) {
            unit_note(t, "%s: %zu chunks stored", cases[c].name, nstored);
            free(stored);
            continue;
        }
        for (size_t i = 0; i < nstored; i++)
            CHECK(t, stored[i].chunk == cases[c].allocated[i]);

        /* No claims: exactly the stored chunks, by chunk, with HDF5's sizes and the hashes of its bytes. */
        carve_integrity_init(&table);
        if ((d = measure(t, &table, file, cases[c].name, NULL, 0)) != NULL) {
            CHECK(t, in_order(d));
            CHECK(t, same_entries(t, d, stored, nstored));
        }
        carve_integrity_clear(&table);
        CHECK(t, table.n == 0 && table.datasets == NULL);

        /* Claims of some chunks not stored (size-0 entries) and of some stored ones (not repeated). */
        carve_integrity_init(&table);
        nwant = with_claims(stored, nstored, cases[c].claimed, cases[c].nclaimed, want);
        if ((d = measure(t, &table, file, cases[c].name, cases[c].claimed, cases[c].nclaimed)) != NULL) {
            CHECK(t, in_order(d));
            CHECK(t, same_entries(t, d, want, nwant));
        }
        carve_integrity_clear(&table);

        /* Claims of every chunk of the grid: all of them listed, the stored ones as stored. */
        carve_integrity_init(&table);
        for (size_t i = 0; i < cases[c].nchunks; i++)
            all[i] = i;
        nwant = with_claims(stored, nstored, all, cases[c].nchunks, want);
        CHECK(t, nwant == cases[c].nchunks);
        if ((d = measure(t, &table, file, cases[c].name, all, cases[c].nchunks)) != NULL)
            CHECK(t, same_entries(t, d, want, nwant));
        carve_integrity_clear(&table);

        /* The deflated chunks are measured as stored: compressed, smaller than the 48 bytes of 3x4 int32. */
        if (strcmp(cases[c].name, "packed") == 0)
            for (size_t i = 0; i < nstored; i++)
                CHECK(t, stored[i].size > 0 && stored[i].size < 48);
        if (strcmp(cases[c].name, "grid") == 0)
            for (size_t i = 0; i < nstored; i++)
                CHECK(t, stored[i].size == 48);
        free(stored);
    }
}

/* The unchunked datasets, and one that cannot be inspected. */
static void
test_measure_unchunked(unit_t *t, hid_t file)
{
    carve_integrity_t                table;
    const carve_integrity_dataset_t *d;

    carve_integrity_init(&table);

    /* An int64 scalar, big-endian in the file: hashed as the file's bytes 01..08, not the native ones. */
    if ((d = measure(t, &table, file, "scalar", NULL, 0)) != NULL && CHECK(t, d->n == 1)) {
        const unsigned char be[8] = {1, 2, 3, 4, 5, 6, 7, 8}, le[8] = {8, 7, 6, 5, 4, 3, 2, 1};

        CHECK(t, d->entries[0].chunk == CARVE_INTEGRITY_WHOLE);
        CHECK(t, d->entries[0].size == 8);
        CHECK(t, d->entries[0].hash == carve_integrity_hash(be, 8));
        CHECK(t, d->entries[0].hash != carve_integrity_hash(le, 8));
    }
    /* A contiguous array of five big-endian int16: one entry for the whole of it. */
    if ((d = measure(t, &table, file, "contig", NULL, 0)) != NULL && CHECK(t, d->n == 1)) {
        const unsigned char be[10] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5};

        CHECK(t, d->entries[0].chunk == CARVE_INTEGRITY_WHOLE);
        CHECK(t, d->entries[0].size == 10);
        CHECK(t, d->entries[0].hash == carve_integrity_hash(be, 10));
    }
    /* A fixed-length string holds no pointer: covered. */
    if ((d = measure(t, &table, file, "fixed", NULL, 0)) != NULL && CHECK(t, d->n == 1)) {
        CHECK(t, d->entries[0].chunk == CARVE_INTEGRITY_WHOLE);
        CHECK(t, d->entries[0].size == 8);
        CHECK(t, d->entries[0].hash == carve_integrity_hash("abcdefg", 8));
    }
    /* Types holding pointers into the heap: listed, with no entry. */
    if ((d = measure(t, &table, file, "vlstr", NULL, 0)) != NULL)
        CHECK(t, d->n == 0);
    if ((d = measure(t, &table, file, "vlseq", NULL, 0)) != NULL)
        CHECK(t, d->n == 0);
    if ((d = measure(t, &table, file, "ref", NULL, 0)) != NULL)
        CHECK(t, d->n == 0);
    if ((d = measure(t, &table, file, "pair", NULL, 0)) != NULL)
        CHECK(t, d->n == 0);
    /* Pointers below an array: found too (two measures would otherwise hash different heap addresses). */
    if ((d = measure(t, &table, file, "vlarray", NULL, 0)) != NULL)
        CHECK(t, d->n == 0);
    CHECK(t, table.n == 8);
    carve_integrity_clear(&table);

    /* Not a dataset: an error naming the path. */
    carve_integrity_init(&table);
    CHECK(t, carve_integrity_measure(&table, "/nothing", H5I_INVALID_HID, NULL, 0) < 0);
    CHECK_ERROR(t, CARVE_E_UNDERLYING, "/nothing", "cannot inspect");
    carve_integrity_clear(&table);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Encoding, decoding, looking up                                                                          */
/* ------------------------------------------------------------------------------------------------------ */

static bool
tables_equal(const carve_integrity_t *a, const carve_integrity_t *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const carve_integrity_dataset_t *x = &a->datasets[i], *y = &b->datasets[i];

        if (strcmp(x->path, y->path) != 0 || x->n != y->n ||
            (x->n && memcmp(x->entries, y->entries, x->n * sizeof *x->entries) != 0))
            return false;
    }
    return true;
}

/* The length the header's format gives t. */
static size_t
encoded_length(const carve_integrity_t *t)
{
    size_t len = HEADER;

    for (size_t i = 0; i < t->n; i++)
        len += 4 + strlen(t->datasets[i].path) + 8 + 24 * t->datasets[i].n;
    return len;
}

/* Encodes t, decodes it into a new table, checks that it is the same and encodes to the same bytes. The
 * encoding (caller frees), or NULL. */
static unsigned char *
round_trip(unit_t *t, const carve_integrity_t *table, size_t *len)
{
    carve_integrity_t back;
    unsigned char    *buf = NULL, *again = NULL;
    size_t            again_len = 0;

    *len = 0;
    if (!CHECK(t, carve_integrity_encode(table, &buf, len) >= 0) || !CHECK_NO_ERROR(t))
        return NULL;
    CHECK(t, *len == encoded_length(table));
    CHECK(t, *len >= HEADER && memcmp(buf, MAGIC, MAGIC_LEN) == 0);
    carve_integrity_init(&back);
    if (CHECK(t, carve_integrity_decode(buf, *len, "round trip", &back) >= 0) && CHECK_NO_ERROR(t)) {
        CHECK(t, tables_equal(&back, table));
        if (CHECK(t, carve_integrity_encode(&back, &again, &again_len) >= 0))
            CHECK(t, again_len == *len && memcmp(again, buf, *len) == 0);
        free(again);
    }
    carve_integrity_clear(&back);
    return buf;
}

/* The exact bytes of a one-dataset, one-entry table, as the header describes them. */
static void
test_encode_bytes(unit_t *t)
{
    carve_integrity_entry_t    entry   = {UINT64_C(0x0102030405060708), 0x11, UINT64_C(0xF0E0D0C0B0A09080)};
    carve_integrity_dataset_t  dataset = {"/x", 1, &entry};
    carve_integrity_t          table   = {.n = 1, .datasets = &dataset};
    static const unsigned char want[]  = {'C', 'A', 'R', 'V', 'E',  '-',  'I',  'N',  'T',  'E',  'G',  'R',
                                          'I', 'T', 'Y', ' ', '1',  '\n',          /* magic */
                                          1,   0,   0,   0,   0,    0,    0,    0, /* datasets */
                                          2,   0,   0,   0,   '/',  'x',           /* path */
                                          1,   0,   0,   0,   0,    0,    0,    0, /* entries */
                                          8,   7,   6,   5,   4,    3,    2,    1,    0x11, 0,    0,    0,
                                          0,   0,   0,   0,   0x80, 0x90, 0xA0, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0};
    unsigned char             *buf;
    size_t                     len;

    if ((buf = round_trip(t, &table, &len)) != NULL)
        CHECK(t, len == sizeof want && memcmp(buf, want, len) == 0);
    free(buf);
}

/* Edge values survive: all 64 bits of every field, an empty path, a dataset without entries, a long path. */
static void
test_round_trip_edges(unit_t *t)
{
    char                    long_path[301];
    carve_integrity_entry_t e1[] = {
        {0, 0, 0}, {1, UINT64_MAX, UINT64_MAX}, {UINT64_MAX - 1, 1, UINT64_C(0x8000000000000001)}};
    carve_integrity_entry_t e2[] = {
        {CARVE_INTEGRITY_WHOLE, UINT64_C(123456789012345), UINT64_C(0xDEADBEEFCAFEF00D)}};
    carve_integrity_dataset_t d[4];
    carve_integrity_t         table = {.n = 4, .datasets = d}, empty = {.n = 0};
    unsigned char            *buf;
    size_t                    len;

    memset(long_path, 'p', 300);
    long_path[0]   = '/';
    long_path[300] = '\0';
    d[0]           = (carve_integrity_dataset_t){"", 3, e1};
    d[1]           = (carve_integrity_dataset_t){"/empty", 0, NULL};
    d[2]           = (carve_integrity_dataset_t){long_path, 1, e2};
    d[3]           = (carve_integrity_dataset_t){"/z\xc3\xa9", 1, e2}; /* UTF-8, sorted by bytes */
    free(round_trip(t, &table, &len));

    /* An empty table: just the header, and back. */
    if ((buf = round_trip(t, &empty, &len)) != NULL)
        CHECK(t, len == HEADER);
    free(buf);
}

/* Looking up in `table` (measured: /cube /grid /packed /scalar /vlstr, sorted). */
static void
test_find(unit_t *t, const carve_integrity_t *table)
{
    const carve_integrity_dataset_t *grid = carve_integrity_find(table, "/grid"), *d;
    const carve_integrity_entry_t   *e;
    carve_integrity_t                empty;

    for (size_t i = 0; i < table->n; i++)
        CHECK(t, carve_integrity_find(table, table->datasets[i].path) == &table->datasets[i]);
    CHECK(t, carve_integrity_find(table, "/nope") == NULL);
    CHECK(t, carve_integrity_find(table, "/gri") == NULL);
    CHECK(t, carve_integrity_find(table, "/grid/") == NULL);
    CHECK(t, carve_integrity_find(table, "grid") == NULL);
    CHECK(t, carve_integrity_find(table, "") == NULL);
    CHECK(t, carve_integrity_find(table, "/zzz") == NULL);
    carve_integrity_init(&empty);
    CHECK(t, carve_integrity_find(&empty, "/grid") == NULL);
    CHECK(t, carve_integrity_find(NULL, "/grid") == NULL);

    if (CHECK(t, grid != NULL)) {
        for (size_t i = 0; i < grid->n; i++)
            CHECK(t, carve_integrity_find_chunk(grid, grid->entries[i].chunk) == &grid->entries[i]);
        /* claimed 2 (unstored) is there with size 0; 5 (neither stored nor claimed) and 12 (off the grid) not */
        CHECK(t, (e = carve_integrity_find_chunk(grid, 2)) != NULL && e->size == 0 && e->hash == 0);
        CHECK(t, carve_integrity_find_chunk(grid, 5) == NULL);
        CHECK(t, carve_integrity_find_chunk(grid, 12) == NULL);
        CHECK(t, carve_integrity_find_chunk(grid, CARVE_INTEGRITY_WHOLE) == NULL);
        CHECK(t, (e = carve_integrity_find_chunk(grid, 11)) != NULL && e->size == 48);
    }
    if (CHECK(t, (d = carve_integrity_find(table, "/scalar")) != NULL)) {
        CHECK(t, (e = carve_integrity_find_chunk(d, CARVE_INTEGRITY_WHOLE)) == &d->entries[0]);
        CHECK(t, carve_integrity_find_chunk(d, 0) == NULL);
    }
    if (CHECK(t, (d = carve_integrity_find(table, "/vlstr")) != NULL))
        CHECK(t, carve_integrity_find_chunk(d, 0) == NULL &&
                     carve_integrity_find_chunk(d, CARVE_INTEGRITY_WHOLE) == NULL);
    CHECK(t, carve_integrity_find_chunk(NULL, 0) == NULL);
}

/* Decodes a heap copy of exactly len bytes of buf: refused with CARVE_E_CORRUPT, a message containing `what`
 * and `problem` (when not NULL), the table left empty. */
static bool
refused(unit_t *t, const unsigned char *buf, size_t len, const char *what, const char *problem)
{
    carve_integrity_t table;
    unsigned char    *copy = malloc(len ? len : 1);
    bool              ok;

    if (!CHECK(t, copy != NULL))
        return false;
    if (len)
        memcpy(copy, buf, len);
    carve_integrity_init(&table);
    ok = CHECK(t, carve_integrity_decode(copy, len, what, &table) < 0);
    ok = CHECK_ERROR(t, CARVE_E_CORRUPT, what, problem) && ok;
    ok = CHECK(t, table.n == 0 && table.datasets == NULL) && ok;
    carve_integrity_clear(&table);
    free(copy);
    return ok;
}

static void
put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Encodes a hand-made table (encode does not check order). */
static unsigned char *
encode(unit_t *t, const carve_integrity_t *table, size_t *len)
{
    unsigned char *buf = NULL;

    if (!CHECK(t, carve_integrity_encode(table, &buf, len) >= 0))
        return NULL;
    return buf;
}

/* What decode refuses; `good` is the encoding of the measured table (nsets datasets). */
static void
test_refusals(unit_t *t, const unsigned char *good, size_t len, size_t nsets)
{
    unsigned char *buf = malloc(len + 1), *bad;
    size_t         bad_len, failures = 0;

    if (!CHECK(t, buf != NULL && len > HEADER && nsets > 1))
        return;

    /* Wrong magic: another version, a flipped byte, nothing at all. */
    memcpy(buf, good, len);
    buf[MAGIC_LEN - 2] = '2';
    refused(t, buf, len, "other version", "not a carve checksum table");
    memcpy(buf, good, len);
    buf[0] = 'c';
    refused(t, buf, len, "lower case", "not a carve checksum table");
    refused(t, buf, 0, "nothing", "not a carve checksum table");
    refused(t, (const unsigned char *)MAGIC, MAGIC_LEN, "magic only", "not a carve checksum table");

    /* Every truncation. Shorter than the header: not a table; from where the count of datasets is possible
     * (each takes at least 12 bytes), cut short; in between, either may be said. */
    for (size_t cut = 0; cut < len; cut++) {
        char        what[32];
        const char *problem = cut < HEADER                 ? "not a carve checksum table"
                              : cut >= HEADER + 12 * nsets ? "cut short"
                                                           : NULL;

        snprintf(what, sizeof what, "cut at %zu", cut);
        if (!refused(t, good, cut, what, problem) && failures++ == 0)
            unit_note(t, "the truncation to %zu of %zu bytes", cut, len);
        if (failures > 3) /* the first few say enough */
            break;
    }
    CHECK(t, failures == 0);

    /* One byte more. */
    memcpy(buf, good, len);
    buf[len] = 0;
    refused(t, buf, len + 1, "one more", "1 bytes after the checksum table");

    /* Absurd counts: of datasets, of the first dataset's entries, of its path's length. */
    memcpy(buf, good, len);
    put_u64(buf + MAGIC_LEN, UINT64_MAX);
    refused(t, buf, len, "many datasets", "damaged checksum table");
    memcpy(buf, good, len);
    put_u64(buf + MAGIC_LEN, (uint64_t)len);
    refused(t, buf, len, "more datasets", "damaged checksum table");
    memcpy(buf, good, len);
    put_u64(buf + MAGIC_LEN, nsets + 1);
    refused(t, buf, len, "one more dataset", "cut short");
    {
        uint32_t plen = (uint32_t)good[HEADER] | (uint32_t)good[HEADER + 1] << 8 |
                        (uint32_t)good[HEADER + 2] << 16 | (uint32_t)good[HEADER + 3] << 24;
        size_t at = HEADER + 4 + plen; /* the first dataset's count of entries */

        memcpy(buf, good, len);
        put_u64(buf + at, UINT64_MAX);
        refused(t, buf, len, "many entries", "cut short");
        memcpy(buf, good, len);
        put_u64(buf + at, UINT64_MAX / 24 + 1); /* times 24 wraps to a small number */
        refused(t, buf, len, "wrapping entries", "cut short");
        memcpy(buf, good, len);
        buf[HEADER] = buf[HEADER + 1] = buf[HEADER + 2] = buf[HEADER + 3] = 0xFF;
        refused(t, buf, len, "long path", "cut short");
    }

    /* Entries out of order, and repeated. */
    {
        carve_integrity_entry_t   swapped[] = {{1, 4, 5}, {7, 4, 5}, {3, 4, 5}};
        carve_integrity_entry_t   twice[]   = {{1, 4, 5}, {1, 4, 5}};
        carve_integrity_entry_t   fine[]    = {{0, 8, 9}};
        carve_integrity_dataset_t d[2]      = {{"/a", 1, fine}, {"/b", 3, swapped}};
        carve_integrity_t         table     = {.n = 2, .datasets = d};

        if ((bad = encode(t, &table, &bad_len)) != NULL)
            refused(t, bad, bad_len, "swapped", "out of order (/b)");
        free(bad);
        d[1] = (carve_integrity_dataset_t){"/b", 2, twice};
        if ((bad = encode(t, &table, &bad_len)) != NULL)
            refused(t, bad, bad_len, "twice", "out of order (/b)");
        free(bad);
    }

    /* Datasets out of order, and repeated. */
    {
        carve_integrity_entry_t   fine[] = {{0, 8, 9}, {2, 8, 9}};
        carve_integrity_dataset_t d[3]   = {{"/a", 2, fine}, {"/c", 1, fine}, {"/b", 2, fine}};
        carve_integrity_t         table  = {.n = 3, .datasets = d};

        if ((bad = encode(t, &table, &bad_len)) != NULL)
            refused(t, bad, bad_len, "unsorted", "out of order (/b)");
        free(bad);
        d[2] = (carve_integrity_dataset_t){"/c", 0, NULL};
        if ((bad = encode(t, &table, &bad_len)) != NULL)
            refused(t, bad, bad_len, "repeated", "out of order (/c)");
        free(bad);
        /* Sorted, the same table decodes. */
        d[1] = (carve_integrity_dataset_t){"/b", 2, fine};
        free(round_trip(t, &table, &bad_len));
    }
    free(buf);
}

/* The whole table of the file: measured out of order, sorted, round-tripped, looked up, refused damaged. */
static void
test_table(unit_t *t, hid_t file)
{
    static const char *order[]   = {"vlstr", "scalar", "packed", "grid", "cube"};
    static const char *sorted[]  = {"/cube", "/grid", "/packed", "/scalar", "/vlstr"};
    const uint64_t     claimed[] = {0, 2, 4, 7, 11};
    carve_integrity_t  table;
    unsigned char     *buf;
    size_t             len = 0;

    carve_integrity_init(&table);
    for (size_t i = 0; i < 5; i++)
        measure(t, &table, file, order[i], strcmp(order[i], "grid") == 0 ? claimed : NULL,
                strcmp(order[i], "grid") == 0 ? 5 : 0);
    carve_integrity_sort(&table);
    if (!CHECK(t, table.n == 5)) {
        carve_integrity_clear(&table);
        return;
    }
    for (size_t i = 0; i < 5; i++)
        CHECK_STR(t, table.datasets[i].path, sorted[i]);
    CHECK(t, table.datasets[1].n == 7 && table.datasets[4].n == 0);

    if ((buf = round_trip(t, &table, &len)) != NULL) {
        test_refusals(t, buf, len, table.n);
        free(buf);
    }
    test_find(t, &table);
    {
        /* A table rebuilt from copies of another's entries (a re-carve reuses what it measured) is equal. */
        carve_integrity_t copies;

        carve_integrity_init(&copies);
        for (size_t i = table.n; i-- > 0;)
            CHECK(t, carve_integrity_add_copy(&copies, &table.datasets[i]) >= 0);
        carve_integrity_sort(&copies);
        CHECK(t, tables_equal(&copies, &table));
        CHECK(t, copies.n == 5 &&
                     copies.datasets[1].entries != table.datasets[1].entries); /* copied, not shared */
        carve_integrity_clear(&copies);
    }
    carve_integrity_clear(&table);
    CHECK(t, table.n == 0 && table.datasets == NULL);
    CHECK_NO_ERROR(t);
}

/* ------------------------------------------------------------------------------------------------------ */

int
main(void)
{
    unit_t t;
    char   path[512];
    hid_t  file;

    if (!unit_begin(&t, "integrity"))
        return UNIT_CANNOT_RUN;

    test_hash(&t);
    test_encode_bytes(&t);
    test_round_trip_edges(&t);

    snprintf(path, sizeof path, "%s/measured.h5", t.dir);
    if (CHECK(&t, make_file(&t, path)) &&
        CHECK(&t, (file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0)) {
        test_measure_chunked(&t, file);
        test_measure_unchunked(&t, file);
        test_table(&t, file);
        CHECK(&t, H5Fclose(file) >= 0);
    }
    CHECK_NO_ERROR(&t);

    return unit_end(&t);
}
