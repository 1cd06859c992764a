/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * make_bench_file.c — carve_bench_make: writes the deterministic input files of carve's benchmarks
 * (examples/bench/bench_read.c reads them). Two kinds of content, in one file or two:
 *
 *   --size-mib N   the "data" file: /field, a 2-D float64 dataset of N MiB (8192 columns, N*16 rows),
 *                  chunked (--chunk-kib, default 512 KiB: 32 x 2048 elements) with shuffle + deflate
 *                  (--deflate, default 4, h5py's level). The values are a smooth field (row and
 *                  column waves, a trend) plus hashed noise, quantised to 1/65536, so the dataset
 *                  compresses like measured data does (about 2-4x), not like zeros or random bits.
 *   --objects K    the "objects" file: K objects (groups and datasets, the root included) under
 *                  /tree/mNNN/lNN/dNN — 16 leaf groups per middle group, 32 small compact int32
 *                  datasets per leaf — each group with 2 attributes and each dataset with 3
 *                  (--extra-attrs N: 3 + N; with 20000 objects and N = 2, about 96 000 attributes: the
 *                  attribute walk of carve_bench_prog attrs).
 *
 * The output is byte-for-byte deterministic: every value comes from the element's coordinates, objects
 * are created in a fixed order and object timestamps are off. A summary goes to stdout as readable
 * text and as "MAKE key=value ..." lines.
 *
 * Usage: carve_bench_make [--size-mib N] [--objects K [--extra-attrs N]] [--chunk-kib C] [--deflate L] OUTPUT.h5
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hdf5.h>

#include "bench_common.h"

/* The data dataset's fixed geometry: rows of 64 KiB, chunks 2048 columns wide. */
#define FIELD_NAME       "/field"
#define FIELD_COLS       8192u
#define FIELD_CHUNK_COLS 2048u
#define FIELD_QUANTUM    65536.0 /* values are multiples of 1/FIELD_QUANTUM */

/* The objects file's tree. */
#define TREE_LEAVES_PER_MID 16u
#define TREE_DSETS_PER_LEAF 32u
#define TREE_DSET_ELEMS     16u
#define TREE_UNITS_LEN      16u

typedef struct make_options_t {
    unsigned long size_mib;    /* 0: no data dataset */
    unsigned long objects;     /* 0: no object tree */
    unsigned long chunk_kib;   /* chunk size of /field */
    unsigned      deflate;     /* deflate level of /field */
    unsigned long extra_attrs; /* more scalar attributes on every tree dataset (the attribute walk's file) */
    const char   *output;
} make_options_t;

static void
make_usage(FILE *out)
{
    fprintf(out, "usage: carve_bench_make [--size-mib N] [--objects K [--extra-attrs N]] [--chunk-kib C] "
                 "[--deflate L] "
                 "OUTPUT.h5\n"
                 "  --size-mib N   write /field, a chunked shuffle+deflate float64 dataset of N MiB\n"
                 "  --objects K    write K groups and datasets (with attributes) under /tree\n"
                 "  --extra-attrs N  N more scalar attributes on every dataset of /tree (default 0)\n"
                 "  --chunk-kib C  chunk size of /field in KiB, a multiple of 16 in 16..8192 (default 512)\n"
                 "  --deflate L    deflate level of /field, 1..9 (default 4)\n"
                 "At least one of --size-mib and --objects is needed.\n");
}

static int
make_parse_options(int argc, char **argv, make_options_t *opts)
{
    unsigned long level = 4;

    opts->chunk_kib = 512;
    for (int i = 1; i < argc; i++) {
        const char *arg   = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            make_usage(stdout);
            exit(0);
        }
        else if (!strcmp(arg, "--size-mib")) {
            if (bench_parse_count("carve_bench_make", arg, value, 1, 1ul << 20, &opts->size_mib) < 0)
                return -1;
            i++;
        }
        else if (!strcmp(arg, "--objects")) {
            if (bench_parse_count("carve_bench_make", arg, value, 3, 100000000ul, &opts->objects) < 0)
                return -1;
            i++;
        }
        else if (!strcmp(arg, "--extra-attrs")) {
            if (bench_parse_count("carve_bench_make", arg, value, 0, 1000, &opts->extra_attrs) < 0)
                return -1;
            i++;
        }
        else if (!strcmp(arg, "--chunk-kib")) {
            if (bench_parse_count("carve_bench_make", arg, value, 16, 8192, &opts->chunk_kib) < 0)
                return -1;
            if (opts->chunk_kib % 16) {
                fprintf(stderr,
                        "carve_bench_make: --chunk-kib must be a multiple of 16 (a chunk row is 16 KiB)\n");
                return -1;
            }
            i++;
        }
        else if (!strcmp(arg, "--deflate")) {
            if (bench_parse_count("carve_bench_make", arg, value, 1, 9, &level) < 0)
                return -1;
            i++;
        }
        else if (arg[0] == '-' || opts->output) {
            fprintf(stderr, "carve_bench_make: unexpected argument '%s'\n", arg);
            make_usage(stderr);
            return -1;
        }
        else
            opts->output = arg;
    }
    opts->deflate = (unsigned)level;
    if (!opts->output || (!opts->size_mib && !opts->objects)) {
        make_usage(stderr);
        return -1;
    }
    return 0;
}

/* splitmix64's finaliser: a well-mixed 64-bit hash of a 64-bit key. */
static uint64_t
make_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Per-row and per-column terms of the field, computed once (sin/cos per element would dominate). */
typedef struct field_terms_t {
    double *row_base; /* slow wave plus a trend along the rows */
    double *row_wave;
    double *col_base;
    double *col_wave;
} field_terms_t;

static void
field_terms_free(field_terms_t *terms)
{
    free(terms->row_base);
    free(terms->row_wave);
    free(terms->col_base);
    free(terms->col_wave);
    memset(terms, 0, sizeof *terms);
}

static int
field_terms_init(field_terms_t *terms, hsize_t rows, hsize_t cols)
{
    const double two_pi = 6.283185307179586;

    terms->row_base = malloc(rows * sizeof(double));
    terms->row_wave = malloc(rows * sizeof(double));
    terms->col_base = malloc(cols * sizeof(double));
    terms->col_wave = malloc(cols * sizeof(double));
    if (!terms->row_base || !terms->row_wave || !terms->col_base || !terms->col_wave) {
        field_terms_free(terms);
        return -1;
    }
    for (hsize_t r = 0; r < rows; r++) {
        terms->row_base[r] = 280.0 + 12.0 * sin(two_pi * (double)r / 1500.0) + 0.0005 * (double)r;
        terms->row_wave[r] = 4.0 * sin(two_pi * (double)r / 211.0);
    }
    for (hsize_t c = 0; c < cols; c++) {
        terms->col_base[c] = 9.0 * cos(two_pi * (double)c / 3000.0);
        terms->col_wave[c] = sin(two_pi * (double)c / 97.0);
    }
    return 0;
}

/* The value at (row, col): smooth terms, plus noise in [-1, 1), quantised to 1/FIELD_QUANTUM. */
static double
field_value(const field_terms_t *terms, hsize_t row, hsize_t col)
{
    uint64_t noise_bits = make_mix64(((uint64_t)row << 32) ^ (uint64_t)col);
    double   noise      = ((double)(noise_bits >> 11) * 0x1.0p-53 - 0.5) * 2.0;
    double   value =
        terms->row_base[row] + terms->col_base[col] + terms->row_wave[row] * terms->col_wave[col] + noise;

    return floor(value * FIELD_QUANTUM + 0.5) / FIELD_QUANTUM;
}

/* An object creation list (dataset or group) without timestamps, so the file is deterministic. */
static hid_t
make_untimed_plist(hid_t cls)
{
    hid_t plist = H5Pcreate(cls);

    if (plist >= 0 && H5Pset_obj_track_times(plist, 0) < 0) {
        H5Pclose(plist);
        return H5I_INVALID_HID;
    }
    return plist;
}

/* Writes attribute `name` on obj with the given dataspace (which it closes). */
static int
make_attr(hid_t obj, const char *name, hid_t type, hid_t space, const void *values)
{
    hid_t attr = space >= 0 ? H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT) : H5I_INVALID_HID;
    int   ok   = attr >= 0 && H5Awrite(attr, type, values) >= 0;

    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return ok ? 0 : -1;
}

static int
make_attr_scalar(hid_t obj, const char *name, hid_t type, const void *value)
{
    return make_attr(obj, name, type, H5Screate(H5S_SCALAR), value);
}

static int
make_attr_array(hid_t obj, const char *name, hid_t type, hsize_t count, const void *values)
{
    return make_attr(obj, name, type, H5Screate_simple(1, &count, NULL), values);
}

/* Writes /field; prints its geometry and compression. */
static int
make_field(hid_t file, const make_options_t *opts)
{
    const hsize_t cols     = FIELD_COLS;
    const hsize_t rows     = (hsize_t)opts->size_mib * ((1u << 20) / (FIELD_COLS * sizeof(double)));
    hsize_t       chunk[2] = {(hsize_t)opts->chunk_kib * 1024u / (FIELD_CHUNK_COLS * sizeof(double)),
                              FIELD_CHUNK_COLS};
    hsize_t       dims[2]  = {rows, cols};
    field_terms_t terms    = {0};
    double       *block    = NULL;
    hid_t         space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    hid_t         mspace     = H5I_INVALID_HID;
    int           status     = -1;
    double        start_time = bench_now();

    if (chunk[0] > rows)
        chunk[0] = rows;
    if (field_terms_init(&terms, rows, cols) < 0 || !(block = malloc(chunk[0] * cols * sizeof *block))) {
        fprintf(stderr, "carve_bench_make: out of memory\n");
        goto done;
    }
    if ((space = H5Screate_simple(2, dims, NULL)) < 0 ||
        (dcpl = make_untimed_plist(H5P_DATASET_CREATE)) < 0 || H5Pset_chunk(dcpl, 2, chunk) < 0 ||
        H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, opts->deflate) < 0 ||
        (dset = H5Dcreate2(file, FIELD_NAME, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
        goto done;

    /* One band of chunk rows at a time: every chunk is written whole, once. */
    for (hsize_t row0 = 0; row0 < rows; row0 += chunk[0]) {
        hsize_t band_rows = rows - row0 < chunk[0] ? rows - row0 : chunk[0];
        hsize_t start[2] = {row0, 0}, count[2] = {band_rows, cols};

        for (hsize_t r = 0; r < band_rows; r++)
            for (hsize_t c = 0; c < cols; c++)
                block[r * cols + c] = field_value(&terms, row0 + r, c);
        if ((mspace = H5Screate_simple(2, count, NULL)) < 0 ||
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, space, H5P_DEFAULT, block) < 0)
            goto done;
        H5Sclose(mspace);
        mspace = H5I_INVALID_HID;
    }

    {
        unsigned long long raw         = (unsigned long long)(rows * cols * sizeof(double));
        unsigned long long stored      = (unsigned long long)H5Dget_storage_size(dset);
        unsigned long long chunk_bytes = (unsigned long long)(chunk[0] * chunk[1] * sizeof(double));
        double             ratio       = stored ? (double)raw / (double)stored : 0.0;

        printf("%s: %llu x %llu float64 (%llu MiB raw), chunks %llu x %llu (%llu KiB), shuffle+deflate %u: "
               "%llu bytes stored, compression %.2fx, written in %.1f s\n",
               FIELD_NAME, (unsigned long long)rows, (unsigned long long)cols, raw >> 20,
               (unsigned long long)chunk[0], (unsigned long long)chunk[1], chunk_bytes >> 10, opts->deflate,
               stored, ratio, bench_now() - start_time);
        printf("MAKE file=%s dataset=%s rows=%llu cols=%llu chunk_rows=%llu chunk_cols=%llu chunk_bytes=%llu "
               "deflate=%u raw_bytes=%llu stored_bytes=%llu compression=%.3f\n",
               opts->output, FIELD_NAME, (unsigned long long)rows, (unsigned long long)cols,
               (unsigned long long)chunk[0], (unsigned long long)chunk[1], chunk_bytes, opts->deflate, raw,
               stored, ratio);
    }
    status = 0;

done:
    if (status < 0)
        fprintf(stderr, "carve_bench_make: writing %s failed\n", FIELD_NAME);
    if (mspace >= 0)
        H5Sclose(mspace);
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    free(block);
    field_terms_free(&terms);
    return status;
}

/* Counts of what the object tree holds. */
typedef struct tree_counts_t {
    unsigned long objects; /* groups + datasets, the root included */
    unsigned long groups;
    unsigned long datasets;
    unsigned long attributes;
} tree_counts_t;

/* The attributes every group carries: its kind and its index. */
static int
make_group_attrs(hid_t group, const char *kind, long long index, tree_counts_t *counts)
{
    hid_t str = H5Tcopy(H5T_C_S1);
    int   ok  = str >= 0 && H5Tset_size(str, TREE_UNITS_LEN) >= 0;
    char  text[TREE_UNITS_LEN];

    memset(text, 0, sizeof text);
    snprintf(text, sizeof text, "%s", kind);
    ok = ok && make_attr_scalar(group, "kind", str, text) >= 0 &&
         make_attr_scalar(group, "index", H5T_NATIVE_LLONG, &index) >= 0;
    if (str >= 0)
        H5Tclose(str);
    counts->attributes += 2;
    return ok ? 0 : -1;
}

/* One small compact dataset with its units, valid range and sequence number. */
static int
make_tree_dataset(hid_t leaf, unsigned index, unsigned long serial, hid_t dcpl, hid_t units_type,
                  unsigned long extra_attrs, tree_counts_t *counts)
{
    static const char *const units[] = {"K", "m/s", "Pa", "kg/m3", "1", "W/m2", "mm/day"};
    hsize_t                  n       = TREE_DSET_ELEMS;
    int32_t                  values[TREE_DSET_ELEMS];
    double                   range[2];
    char                     name[16], unit[TREE_UNITS_LEN];
    long long                sequence = (long long)serial;
    hid_t                    space    = H5Screate_simple(1, &n, NULL);
    hid_t                    dset     = H5I_INVALID_HID;
    int                      ok;

    snprintf(name, sizeof name, "d%02u", index);
    memset(unit, 0, sizeof unit);
    snprintf(unit, sizeof unit, "%s", units[serial % (sizeof units / sizeof units[0])]);
    for (unsigned i = 0; i < TREE_DSET_ELEMS; i++)
        values[i] = (int32_t)(make_mix64(serial * TREE_DSET_ELEMS + i) % 100000u);
    range[0] = -(double)(serial % 1000);
    range[1] = (double)(serial % 977) + 0.5;
    ok       = space >= 0 &&
         (dset = H5Dcreate2(leaf, name, H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0 &&
         H5Dwrite(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0 &&
         make_attr_scalar(dset, "units", units_type, unit) >= 0 &&
         make_attr_array(dset, "valid_range", H5T_NATIVE_DOUBLE, 2, range) >= 0 &&
         make_attr_scalar(dset, "sequence", H5T_NATIVE_LLONG, &sequence) >= 0;
    for (unsigned long extra = 0; ok && extra < extra_attrs; extra++) {
        char   extra_name[32];
        double value = (double)(make_mix64(serial * 1000u + extra) % 1000000u) / 64.0;

        snprintf(extra_name, sizeof extra_name, "x%lu", extra);
        ok = make_attr_scalar(dset, extra_name, H5T_NATIVE_DOUBLE, &value) >= 0;
    }
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
    counts->datasets++;
    counts->objects++;
    counts->attributes += 3 + extra_attrs;
    return ok ? 0 : -1;
}

/* Creates a group with its attributes; counts it. */
static hid_t
make_tree_group(hid_t parent, const char *name, const char *kind, long long index, hid_t gcpl,
                tree_counts_t *counts)
{
    hid_t group = H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);

    if (group < 0)
        return H5I_INVALID_HID;
    counts->groups++;
    counts->objects++;
    if (make_group_attrs(group, kind, index, counts) < 0) {
        H5Gclose(group);
        return H5I_INVALID_HID;
    }
    return group;
}

/* Writes /tree with opts->objects objects in all (the root group counts as one). */
static int
make_tree(hid_t file, const make_options_t *opts)
{
    tree_counts_t counts     = {.objects = 1, .groups = 1}; /* the root group */
    hid_t         gcpl       = make_untimed_plist(H5P_GROUP_CREATE);
    hid_t         dcpl       = make_untimed_plist(H5P_DATASET_CREATE);
    hid_t         units_type = H5Tcopy(H5T_C_S1);
    hid_t         tree       = H5I_INVALID_HID;
    int           status     = -1;
    double        start_time = bench_now();
    unsigned long serial     = 0;

    if (gcpl < 0 || dcpl < 0 || units_type < 0 || H5Pset_layout(dcpl, H5D_COMPACT) < 0 ||
        H5Tset_size(units_type, TREE_UNITS_LEN) < 0 ||
        (tree = make_tree_group(file, "tree", "tree", 0, gcpl, &counts)) < 0)
        goto done;

    for (unsigned mid_index = 0; counts.objects < opts->objects; mid_index++) {
        char  mid_name[16];
        hid_t mid;

        snprintf(mid_name, sizeof mid_name, "m%03u", mid_index);
        if ((mid = make_tree_group(tree, mid_name, "middle", mid_index, gcpl, &counts)) < 0)
            goto done;
        for (unsigned leaf_index = 0; leaf_index < TREE_LEAVES_PER_MID && counts.objects < opts->objects;
             leaf_index++) {
            char  leaf_name[16];
            hid_t leaf;

            snprintf(leaf_name, sizeof leaf_name, "l%02u", leaf_index);
            if ((leaf = make_tree_group(mid, leaf_name, "leaf", leaf_index, gcpl, &counts)) < 0) {
                H5Gclose(mid);
                goto done;
            }
            for (unsigned d = 0; d < TREE_DSETS_PER_LEAF && counts.objects < opts->objects; d++)
                if (make_tree_dataset(leaf, d, serial++, dcpl, units_type, opts->extra_attrs, &counts) < 0) {
                    H5Gclose(leaf);
                    H5Gclose(mid);
                    goto done;
                }
            H5Gclose(leaf);
        }
        H5Gclose(mid);
    }

    printf("/tree: %lu objects (%lu groups, %lu datasets, the root included), %lu attributes, written in "
           "%.1f s\n",
           counts.objects, counts.groups, counts.datasets, counts.attributes, bench_now() - start_time);
    printf("MAKE file=%s objects=%lu groups=%lu datasets=%lu attributes=%lu\n", opts->output, counts.objects,
           counts.groups, counts.datasets, counts.attributes);
    status = 0;

done:
    if (status < 0)
        fprintf(stderr, "carve_bench_make: writing /tree failed\n");
    if (tree >= 0)
        H5Gclose(tree);
    if (units_type >= 0)
        H5Tclose(units_type);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return status;
}

int
main(int argc, char **argv)
{
    make_options_t opts = {0};
    hid_t          fcpl, file;
    int            status = 0;
    FILE          *check;

    if (make_parse_options(argc, argv, &opts) < 0)
        return 2;
    /* The benchmark input is always native HDF5, whatever connector the environment names. */
    unsetenv("HDF5_VOL_CONNECTOR");

    if ((fcpl = make_untimed_plist(H5P_FILE_CREATE)) < 0 ||
        (file = H5Fcreate(opts.output, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT)) < 0) {
        fprintf(stderr, "carve_bench_make: cannot create %s\n", opts.output);
        return 1;
    }
    H5Pclose(fcpl);
    if (opts.size_mib && make_field(file, &opts) < 0)
        status = 1;
    if (!status && opts.objects && make_tree(file, &opts) < 0)
        status = 1;
    if (H5Fclose(file) < 0)
        status = 1;

    if (!status && (check = fopen(opts.output, "rb"))) {
        fseek(check, 0, SEEK_END);
        printf("%s: %ld bytes\nMAKE file=%s file_bytes=%ld\n", opts.output, ftell(check), opts.output,
               ftell(check));
        fclose(check);
    }
    return status;
}
