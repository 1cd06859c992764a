/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_split.c — unit tests of carve_split (connector/core/carve_split.c): what a container holds of a
 * dataset (carve_held_init / _init_empty / _clear), the split of a read (carve_split_read) and the
 * descriptions of selections (carve_split_describe).
 *
 * The oracle needs no file: a "file" array F over the dataset's extent holds F[i] = i (the linear index).
 * The program's buffer after one read (mem_space <- file_space) is H5Dgather(F, file_space) scattered
 * with H5Dscatter over mem_space into a buffer of sentinels. The split's result is the same buffer of
 * sentinels filled by the two reads it asks for (hit_mem <- hit_file, miss_mem <- miss_file); both must be
 * equal. Gathering F over hit_file / miss_file also gives the linear indices of the elements each
 * selects, checked against what is held, computed here from the chunk list or the records themselves.
 * 9600 randomized reads (fixed seeds) of 2400 datasets: ranks 0-3, extents with a zero dimension, chunked
 * coverage (random chunk subsets, clipped edge chunks) and element coverage (random record unions), all /
 * none / block / strided / irregular / point (random order) file selections paired with memory selections
 * of other shapes (all of another shape, 1-D block, blocks and strides in bigger buffers, unions, points
 * in random order, scalar). Fixed cases: strides skipping whole chunks on a 10^12-element grid, more
 * blocks than one batch, refused extents, ranks and memory sizes, scalars, descriptions.
 *
 * A plain program on the shared harness (unit_test.h). A benchmark prints the cost of carve_split_read
 * beside HDF5's own read of one chunk (never asserted). No file is written (the baseline uses the core
 * driver without a backing store).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hdf5.h>

#include "carve_error.h"
#include "carve_space.h"
#include "carve_split.h"
#include "unit_test.h"

#define MAX_PRINTED 40
#define CASES       1200 /* random cases */
#define SENTINEL    UINT64_C(0xDEADBEEFCAFEF00D)

/* ------------------------------------------------------------------------------------------------------ */
/* Random selections (unit_rng_t: splitmix64, fixed seeds: every run sees the same sequences)       */
/* ------------------------------------------------------------------------------------------------------ */

static void
shuffle(unit_rng_t *r, hsize_t *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t  j   = (size_t)unit_rng_below(r, i);
        hsize_t tmp = v[i - 1];

        v[i - 1] = v[j];
        v[j]     = tmp;
    }
}

/* ------------------------------------------------------------------------------------------------------ */
/* Extents and what is held                                                                                */
/* ------------------------------------------------------------------------------------------------------ */

static size_t
extent_elems(int rank, const hsize_t *dims)
{
    size_t n = 1;

    for (int d = 0; d < rank; d++)
        n *= (size_t)dims[d];
    return n;
}

static void
lin_coords(size_t lin, int rank, const hsize_t *dims, hsize_t *c)
{
    for (int d = rank - 1; d >= 0; d--) {
        c[d] = lin % dims[d];
        lin /= dims[d];
    }
}

/* A test dataset: its manifest entry and, element by element, whether the container holds it. */
typedef struct dataset_t {
    carve_manifest_dataset_t entry;
    uint8_t                 *held; /* one byte per element of the extent (at least one) */
    size_t                   nelems;
} dataset_t;

static void
dataset_clear(dataset_t *ds)
{
    carve_selection_clear(&ds->entry.selections);
    carve_chunkset_clear(&ds->entry.chunks);
    free(ds->held);
    memset(ds, 0, sizeof *ds);
}

/* A random regular hyperslab inside dims (every dims[d] >= 1). */
static void
random_hyperslab(unit_rng_t *r, int rank, const hsize_t *dims, hsize_t *start, hsize_t *stride,
                 hsize_t *count, hsize_t *block)
{
    for (int d = 0; d < rank; d++) {
        hsize_t n = dims[d], span;

        block[d] =
            unit_rng_below(r, 4) == 0 ? 1 + unit_rng_below(r, n) : 1 + unit_rng_below(r, n < 4 ? n : 4);
        switch (unit_rng_below(r, 3)) {
            case 0:
                stride[d] = block[d];
                break;
            case 1:
                stride[d] = block[d] + 1 + unit_rng_below(r, n / 2 + 1);
                break;
            default:
                stride[d] = block[d] + unit_rng_below(r, 4);
                break;
        }
        count[d] = 1 + unit_rng_below(r, (n - block[d]) / stride[d] + 1);
        span     = (count[d] - 1) * stride[d] + block[d];
        start[d] = unit_rng_below(r, n - span + 1);
    }
}

/* A random extent: rank 0-3, at most a few thousand elements, now and then a zero dimension. */
static int
random_extent(unit_rng_t *r, hsize_t *dims)
{
    int rank = (int)unit_rng_below(r, 16) == 0 ? 0 : 1 + (int)unit_rng_below(r, 3);

    for (int d = 0; d < rank; d++) {
        hsize_t top = rank == 1 ? 300 : rank == 2 ? 40 : 14;

        dims[d] = 1 + unit_rng_below(r, top);
    }
    if (rank > 0 && unit_rng_below(r, 30) == 0)
        dims[unit_rng_below(r, (hsize_t)rank)] = 0;
    return rank;
}

/* Held by chunks: a random chunk shape (edge chunks clipped, sometimes chunks larger than the extent) and
 * a random subset of the grid. */
static bool
random_held_chunks(unit_rng_t *r, dataset_t *ds)
{
    carve_manifest_dataset_t *e         = &ds->entry;
    static const unsigned     percent[] = {0, 20, 50, 85, 100, 97};
    unsigned                  p         = percent[unit_rng_below(r, 6)];
    hsize_t                   grid[H5S_MAX_RANK], c[H5S_MAX_RANK];
    size_t                    nchunks = 1;

    e->store   = CARVE_STORE_CHUNKS;
    e->chunked = 1;
    for (int d = 0; d < e->rank; d++) {
        e->chunk[d] = 1 + unit_rng_below(r, e->dims[d] ? (e->dims[d] + 2 < 12 ? e->dims[d] + 2 : 12) : 3);
        if (unit_rng_below(r, 8) == 0)
            e->chunk[d] = 1 + unit_rng_below(r, e->dims[d] + 3);
        grid[d] = e->dims[d] ? (e->dims[d] + e->chunk[d] - 1) / e->chunk[d] : 1;
        nchunks *= (size_t)grid[d];
    }
    if (carve_chunkset_init(&e->chunks, e->rank, e->dims, e->chunk) < 0)
        return false;
    for (size_t k = 0; k < nchunks; k++) {
        if (unit_rng_below(r, 100) >= p)
            continue;
        lin_coords(k, e->rank, grid, c);
        if (carve_chunkset_add_coords(&e->chunks, c) < 0)
            return false;
        /* Mark the chunk's elements (clipped to the extent). */
        for (size_t lin = 0; lin < ds->nelems && e->dims[0] > 0; lin++) {
            hsize_t x[H5S_MAX_RANK];
            int     d;

            lin_coords(lin, e->rank, e->dims, x);
            for (d = 0; d < e->rank; d++)
                if (x[d] / e->chunk[d] != c[d])
                    break;
            if (d == e->rank)
                ds->held[lin] = 1;
        }
    }
    return true;
}

/* 1 when element x is in record i (computed from the record, not through HDF5). */
static bool
record_has(const carve_selection_t *sel, size_t i, const hsize_t *x)
{
    for (int d = 0; d < sel->rank; d++) {
        hsize_t s = CARVE_RECORD_START(sel, i)[d], st = CARVE_RECORD_STRIDE(sel, i)[d];
        hsize_t n = CARVE_RECORD_COUNT(sel, i)[d], bl = CARVE_RECORD_BLOCK(sel, i)[d], k;

        if (x[d] < s)
            return false;
        k = st ? (x[d] - s) / st : 0;
        if (k >= n)
            k = n - 1; /* a record of count 1 has stride 1 and any block */
        if (x[d] - s - k * st >= bl)
            return false;
    }
    return true;
}

/* Held by elements: a random union of records (none sometimes; for a scalar, the one record or none). */
static bool
random_held_elements(unit_rng_t *r, dataset_t *ds)
{
    carve_manifest_dataset_t *e = &ds->entry;
    size_t                    k = (size_t)unit_rng_below(r, 7);
    hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];

    e->store = CARVE_STORE_ELEMENTS;
    if (ds->nelems == 0)
        return true;
    if (unit_rng_below(r, 8) == 0)
        k = 1 + unit_rng_below(r, 60); /* many small records now and then */
    for (size_t i = 0; i < k; i++) {
        random_hyperslab(r, e->rank, e->dims, start, stride, count, block);
        if (carve_selection_add(&e->selections, start, stride, count, block) < 0)
            return false;
    }
    for (size_t lin = 0; lin < ds->nelems; lin++) {
        hsize_t x[H5S_MAX_RANK];

        lin_coords(lin, e->rank, e->dims, x);
        for (size_t i = 0; i < e->selections.nrecords && !ds->held[lin]; i++)
            ds->held[lin] = record_has(&e->selections, i, x);
    }
    return true;
}

static bool
random_dataset(unit_rng_t *r, dataset_t *ds, bool by_chunks)
{
    carve_manifest_dataset_t *e = &ds->entry;

    memset(ds, 0, sizeof *ds);
    e->path    = (char *)"/test";
    e->rank    = random_extent(r, e->dims);
    ds->nelems = extent_elems(e->rank, e->dims);
    carve_selection_init(&e->selections, e->rank, e->dims);
    if (NULL == (ds->held = calloc(ds->nelems ? ds->nelems : 1, 1)))
        return false;
    if (by_chunks && e->rank > 0)
        return random_held_chunks(r, ds);
    return random_held_elements(r, ds);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Random selections                                                                                       */
/* ------------------------------------------------------------------------------------------------------ */

static const char *const file_kinds_g[] = {"all", "none", "block", "regular", "irregular", "points"};
#define NFILE_KINDS 6

/* A file selection of the given kind over the dataset's extent. */
static hid_t
random_file_space(unit_rng_t *r, int kind, int rank, const hsize_t *dims)
{
    hid_t   space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    size_t  n     = extent_elems(rank, dims);
    hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];

    if (space < 0)
        return H5I_INVALID_HID;
    if (n == 0 || rank == 0)
        kind = kind == 1 ? 1 : 0; /* empty extent or scalar: all or none only */
    switch (kind) {
        case 0:
            H5Sselect_all(space);
            break;
        case 1:
            H5Sselect_none(space);
            break;
        case 2: /* one block */
            random_hyperslab(r, rank, dims, start, stride, count, block);
            for (int d = 0; d < rank; d++)
                count[d] = 1;
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, block);
            break;
        case 3:
            random_hyperslab(r, rank, dims, start, stride, count, block);
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block);
            break;
        case 4: { /* a union of hyperslabs, sometimes with a block taken out */
            int parts = 2 + (int)unit_rng_below(r, 3);

            for (int k = 0; k < parts; k++) {
                random_hyperslab(r, rank, dims, start, stride, count, block);
                H5Sselect_hyperslab(space, k ? H5S_SELECT_OR : H5S_SELECT_SET, start, stride, count, block);
            }
            if (unit_rng_below(r, 3) == 0) {
                random_hyperslab(r, rank, dims, start, stride, count, block);
                for (int d = 0; d < rank; d++)
                    count[d] = 1;
                H5Sselect_hyperslab(space, H5S_SELECT_NOTB, start, NULL, count, block);
            }
            break;
        }
        default: { /* distinct points in random order */
            size_t   k    = 1 + (size_t)unit_rng_below(r, n < 60 ? n : 60);
            hsize_t *all  = malloc(n * sizeof *all);
            hsize_t *pnts = malloc(k * (size_t)rank * sizeof *pnts);

            for (size_t i = 0; i < n; i++)
                all[i] = i;
            shuffle(r, all, n);
            for (size_t i = 0; i < k; i++)
                lin_coords((size_t)all[i], rank, dims, pnts + i * (size_t)rank);
            H5Sselect_elements(space, H5S_SELECT_SET, k, pnts);
            free(pnts);
            free(all);
            break;
        }
    }
    return space;
}

static const char *const mem_kinds_g[] = {
    "1-D block", "all reshaped", "block in bigger 2-D", "1-D strided", "1-D union", "points", "scalar"};
#define NMEM_KINDS 7

/* A random divisor of n (n >= 1). */
static hsize_t
random_divisor(unit_rng_t *r, hsize_t n)
{
    hsize_t divs[64];
    size_t  k = 0;

    for (hsize_t a = 1; a <= n && k < 64; a++)
        if (n % a == 0)
            divs[k++] = a;
    return divs[unit_rng_below(r, k)];
}

/* The memory kind used for a read of n elements (scalar only for one, a union of two parts from two). */
static int
mem_kind_for(int kind, hsize_t n)
{
    return kind == 6 && n != 1 ? 0 : kind == 4 && n < 2 ? 3 : kind;
}

/* A memory selection of n >= 1 elements of the given kind (see mem_kind_for). */
static hid_t
random_mem_space(unit_rng_t *r, int kind, hsize_t n)
{
    hid_t   space = H5I_INVALID_HID;
    hsize_t dims[3], start[3], stride[3], count[3], block[3];

    switch (kind) {
        case 0:
            space = H5Screate_simple(1, &n, NULL);
            break;
        case 1: {
            hsize_t a = random_divisor(r, n), b = random_divisor(r, n / a);

            dims[0] = a, dims[1] = b, dims[2] = n / a / b;
            space = H5Screate_simple(unit_rng_below(r, 2) ? 3 : 2, dims, NULL);
            if (dims[2] != 1 && H5Sget_simple_extent_ndims(space) == 2) {
                H5Sclose(space);
                dims[1] = n / a;
                space   = H5Screate_simple(2, dims, NULL);
            }
            break;
        }
        case 2: {
            hsize_t a = random_divisor(r, n);

            dims[0] = a + 2, dims[1] = n / a + 3;
            start[0] = 1, start[1] = 2;
            block[0] = a, block[1] = n / a;
            count[0] = count[1] = 1;
            space               = H5Screate_simple(2, dims, NULL);
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, block);
            break;
        }
        case 3:
            dims[0]  = 3 * n + 4;
            start[0] = 1, stride[0] = 3, count[0] = n, block[0] = 1 + unit_rng_below(r, 2);
            space = H5Screate_simple(1, dims, NULL);
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, (hsize_t[]){1});
            break;
        case 4: {
            hsize_t k = 1 + unit_rng_below(r, n - 1);

            dims[0] = n + 5;
            space   = H5Screate_simple(1, dims, NULL);
            H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){1}, (hsize_t[]){k});
            H5Sselect_hyperslab(space, H5S_SELECT_OR, (hsize_t[]){k + 3}, NULL, (hsize_t[]){1},
                                (hsize_t[]){n - k});
            break;
        }
        case 5: {
            size_t   m    = (size_t)(n + 1 + unit_rng_below(r, n + 1));
            hsize_t *all  = malloc(m * sizeof *all);
            hsize_t *pnts = malloc((size_t)n * 2 * sizeof *pnts);
            int      rank = unit_rng_below(r, 2) ? 2 : 1;

            dims[0] = rank == 2 ? 3 : m;
            dims[1] = (m + 2) / 3;
            for (size_t i = 0; i < m; i++)
                all[i] = i;
            shuffle(r, all, m);
            for (size_t i = 0; i < (size_t)n; i++)
                lin_coords((size_t)all[i], rank, dims, pnts + i * (size_t)rank);
            space = H5Screate_simple(rank, dims, NULL);
            H5Sselect_elements(space, H5S_SELECT_SET, (size_t)n, pnts);
            free(pnts);
            free(all);
            break;
        }
        default:
            space = H5Screate(H5S_SCALAR);
            break;
    }
    return space;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Gather / scatter                                                                                        */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct scatter_src_t {
    const uint64_t *buf;
    size_t          n;
    int             calls;
} scatter_src_t;

static herr_t
scatter_source(const void **src_buf, size_t *src_buf_bytes_used, void *op_data)
{
    scatter_src_t *s = op_data;

    if (s->calls++ > 0)
        return -1;
    *src_buf            = s->buf;
    *src_buf_bytes_used = s->n * sizeof *s->buf;
    return 0;
}

/* The elements of F that space selects, in iteration order (n of them). */
static bool
gather(hid_t space, const uint64_t *F, uint64_t *out, hsize_t n)
{
    return n == 0 || H5Dgather(space, F, H5T_NATIVE_UINT64, (size_t)n * sizeof *out, out, NULL, NULL) >= 0;
}

/* One read: F over file_space into buf over mem_space. */
static bool
read_into(hid_t file_space, hid_t mem_space, const uint64_t *F, uint64_t *buf, hsize_t n, uint64_t *tmp)
{
    scatter_src_t src = {tmp, (size_t)n, 0};

    if (n == 0)
        return true;
    return gather(file_space, F, tmp, n) &&
           H5Dscatter(scatter_source, &src, H5T_NATIVE_UINT64, mem_space, buf) >= 0;
}

static hsize_t
npoints(hid_t space)
{
    hssize_t n = H5Sget_select_npoints(space);

    return n < 0 ? 0 : (hsize_t)n;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The randomized comparison                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

static void
note_case(unit_t *t, const dataset_t *ds, const char *what, hid_t file_space)
{
    char *sel = carve_split_describe(file_space);

    unit_note(
        t, "rank %d extent [%llu, %llu, %llu], held by %s (%zu records, %zu chunks), file selection %s, %s",
        ds->entry.rank, (unsigned long long)ds->entry.dims[0], (unsigned long long)ds->entry.dims[1],
        (unsigned long long)ds->entry.dims[2], ds->entry.store == CARVE_STORE_CHUNKS ? "chunks" : "elements",
        ds->entry.selections.nrecords, ds->entry.chunks.n, sel ? sel : "?", what);
    free(sel);
}

/* Splits the read (mem_space <- file_space) of the dataset and checks the split against the oracle;
 * returns its kind (-1 when the split failed). `what` names the case in failure messages. */
static int
check_split(unit_t *t, const dataset_t *ds, carve_held_t *held, hid_t file_space, hid_t mem_space,
            const char *what)
{
    hsize_t       n = npoints(file_space), nheld = 0, mdims[H5S_MAX_RANK];
    int           mrank = H5Sget_simple_extent_ndims(mem_space);
    size_t        nbuf, nelems = ds->nelems ? ds->nelems : 1;
    uint64_t     *F, *want, *got, *tmp;
    carve_split_t split;
    int           expect, kind = -1;
    bool          ok = true;

    H5Sget_simple_extent_dims(mem_space, mdims, NULL);
    nbuf = extent_elems(mrank, mdims);
    nbuf = nbuf ? nbuf : 1;
    F    = malloc(nelems * sizeof *F);
    want = malloc(nbuf * sizeof *want);
    got  = malloc(nbuf * sizeof *got);
    tmp  = malloc((size_t)(n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; i < nelems; i++)
        F[i] = i;
    for (size_t i = 0; i < nbuf; i++)
        want[i] = got[i] = SENTINEL;

    /* What the file selection holds, by the oracle, and what one read puts in the buffer. */
    CHECK(t, gather(file_space, F, tmp, n));
    for (hsize_t k = 0; k < n; k++)
        nheld += ds->held[tmp[k]];
    expect = n == 0 || nheld == n ? CARVE_SPLIT_HIT : nheld == 0 ? CARVE_SPLIT_MISS : CARVE_SPLIT_PARTIAL;
    CHECK(t, read_into(file_space, mem_space, F, want, n, tmp));

    if (!CHECK(t, carve_split_read(held, file_space, mem_space, &split) >= 0)) {
        if (unit_printing(t))
            unit_print_stack(H5E_DEFAULT);
        note_case(t, ds, what, file_space);
        H5Eclear2(H5E_DEFAULT);
        goto done;
    }
    kind = (int)split.kind;
    ok   = ok && CHECK(t, (int)split.kind == expect);
    /* The cheap decision: a hit only when the read is one, with its element count. */
    {
        hsize_t elements = 0;
        int     hit      = carve_split_hit(held, file_space, &elements);

        ok = ok && CHECK(t, hit >= 0 && (hit == 0 || (expect == CARVE_SPLIT_HIT && elements == n)));
        ok = ok && CHECK(t, !(hit == 0 && n == 0));
    }
    ok = ok && CHECK(t, split.hit_elements == nheld && split.miss_elements == n - nheld);
    if (split.kind != CARVE_SPLIT_PARTIAL) {
        ok = ok &&
             CHECK(t, split.hit_file < 0 && split.hit_mem < 0 && split.miss_file < 0 && split.miss_mem < 0);
    }
    else {
        hsize_t nh = npoints(split.hit_file), nm = npoints(split.miss_file);
        bool    inside = true, outside = true;

        ok = ok && CHECK(t, nh == split.hit_elements && nm == split.miss_elements);
        ok = ok && CHECK(t, npoints(split.hit_mem) == nh && npoints(split.miss_mem) == nm);
        /* The hit part is held, the rest is not (linear indices gathered from F). */
        ok = ok && CHECK(t, gather(split.hit_file, F, tmp, nh));
        for (hsize_t k = 0; k < nh; k++)
            inside = inside && ds->held[tmp[k]];
        ok = ok && CHECK(t, gather(split.miss_file, F, tmp, nm));
        for (hsize_t k = 0; k < nm; k++)
            outside = outside && !ds->held[tmp[k]];
        ok = ok && CHECK(t, inside && outside);
        /* The two reads fill the buffer as the one read does. */
        ok = ok && CHECK(t, read_into(split.hit_file, split.hit_mem, F, got, nh, tmp));
        ok = ok && CHECK(t, read_into(split.miss_file, split.miss_mem, F, got, nm, tmp));
        ok = ok && CHECK(t, memcmp(want, got, nbuf * sizeof *got) == 0);
    }
    if (!ok)
        note_case(t, ds, what, file_space);
    carve_split_clear(&split);
    CHECK(t, split.hit_file < 0 && split.miss_mem < 0);
    CHECK_NO_ERROR(t);

done:
    free(tmp);
    free(got);
    free(want);
    free(F);
    return kind;
}

/* One random case: a read of file kind fk into memory kind mk. */
static int
check_case(unit_t *t, unit_rng_t *r, const dataset_t *ds, carve_held_t *held, int fk, int mk)
{
    const carve_manifest_dataset_t *e          = &ds->entry;
    hid_t                           file_space = random_file_space(r, fk, e->rank, e->dims), mem_space;
    hsize_t                         n          = npoints(file_space);
    char                            what[96];
    int                             kind;

    if (n == 0) {
        mem_space = H5Screate_simple(1, (hsize_t[]){4}, NULL);
        H5Sselect_none(mem_space);
    }
    else
        mem_space = random_mem_space(r, mk = mem_kind_for(mk, n), n);
    snprintf(what, sizeof what, "file kind %s, memory %s", file_kinds_g[fk], n ? mem_kinds_g[mk] : "none");
    kind = check_split(t, ds, held, file_space, mem_space, what);
    H5Sclose(mem_space);
    H5Sclose(file_space);
    return kind;
}

static void
test_random(unit_t *t, bool by_chunks)
{
    unit_rng_t r              = {by_chunks ? 0x5EED0001u : 0x5EED0002u};
    unsigned   kinds[3]       = {0, 0, 0};
    unsigned   partial_points = 0, unions_built = 0;

    for (int c = 0; c < CASES; c++) {
        dataset_t    ds;
        carve_held_t held;

        if (!CHECK(t, random_dataset(&r, &ds, by_chunks))) {
            dataset_clear(&ds);
            continue;
        }
        if (CHECK(t, carve_held_init(&held, &ds.entry) >= 0)) {
            /* Several reads against one held set (its element space is built once and reused). */
            for (int k = 0; k < 4; k++) {
                int fk = (int)unit_rng_below(&r, NFILE_KINDS), mk = (int)unit_rng_below(&r, NMEM_KINDS);
                int kind = check_case(t, &r, &ds, &held, fk, mk);

                if (kind >= 0) {
                    kinds[kind]++;
                    partial_points += kind == CARVE_SPLIT_PARTIAL && fk == 5;
                }
            }
            unions_built += held.space >= 0;
            carve_held_clear(&held);
        }
        dataset_clear(&ds);
    }
    printf("random (held by %s): %u reads: %u hit, %u miss, %u partial (%u of them point reads); "
           "%u datasets needed their whole union as a dataspace\n",
           by_chunks ? "chunks" : "elements", kinds[0] + kinds[1] + kinds[2], kinds[CARVE_SPLIT_HIT],
           kinds[CARVE_SPLIT_MISS], kinds[CARVE_SPLIT_PARTIAL], partial_points, unions_built);
    /* The random mix reaches every outcome. */
    CHECK(t, kinds[CARVE_SPLIT_HIT] > 50 && kinds[CARVE_SPLIT_MISS] > 50 && kinds[CARVE_SPLIT_PARTIAL] > 200);
    CHECK(t, partial_points > 20);
    CHECK(t, by_chunks ? unions_built == 0 : unions_built > 5); /* both ways of element coverage are taken */
}

/* ------------------------------------------------------------------------------------------------------ */
/* Fixed cases                                                                                             */
/* ------------------------------------------------------------------------------------------------------ */

/* A 2-D 10x10 dataset with 4x4 chunks, holding chunks (0,0) and (2,2) (the latter clipped to 2x2). */
static bool
chunked_10x10(carve_manifest_dataset_t *e)
{
    memset(e, 0, sizeof *e);
    e->path    = (char *)"/d";
    e->store   = CARVE_STORE_CHUNKS;
    e->rank    = 2;
    e->dims[0] = e->dims[1] = 10;
    e->chunked              = 1;
    e->chunk[0] = e->chunk[1] = 4;
    carve_selection_init(&e->selections, 2, e->dims);
    return carve_chunkset_init(&e->chunks, 2, e->dims, e->chunk) >= 0 &&
           carve_chunkset_add_coords(&e->chunks, (hsize_t[]){2, 2}) >= 0 &&
           carve_chunkset_add_coords(&e->chunks, (hsize_t[]){0, 0}) >= 0;
}

static void
test_held(unit_t *t)
{
    carve_manifest_dataset_t e;
    carve_held_t             held;
    carve_split_t            split;
    hid_t                    space = H5Screate_simple(2, (hsize_t[]){10, 10}, NULL);

    /* No entry: nothing held, every non-empty read a miss. */
    CHECK(t, carve_held_init(&held, NULL) >= 0 && held.nothing);
    carve_held_clear(&held);
    carve_held_init_empty(&held, 2, (hsize_t[]){10, 10});
    CHECK(t, held.nothing && held.space < 0);
    CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                 split.miss_elements == 100 && split.hit_elements == 0);
    H5Sselect_none(space);
    CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_HIT &&
                 split.miss_elements == 0);
    carve_held_clear(&held);
    carve_held_clear(&held); /* twice is harmless */

    /* Chunks: the set is copied and finished; the entry can go. */
    CHECK(t, chunked_10x10(&e));
    CHECK(t, carve_held_init(&held, &e) >= 0 && held.by_chunks && !held.nothing && held.chunks.n == 2);
    carve_chunkset_clear(&e.chunks);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){8, 8}, NULL, (hsize_t[]){1, 1}, (hsize_t[]){2, 2});
    CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_HIT);
    /* A hit or a miss never looks at the memory selection. */
    CHECK(t, carve_split_read(&held, space, H5I_INVALID_HID, &split) >= 0 && split.kind == CARVE_SPLIT_HIT);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){3, 3}, NULL, (hsize_t[]){1, 1}, (hsize_t[]){2, 2});
    CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_PARTIAL &&
                 split.hit_elements == 1 && split.miss_elements == 3);
    carve_split_clear(&split);
    /* Strided rows 1 and 9 of columns 0-3: the bounding box meets chunk (1, 0), the selection does not. */
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){1, 0}, (hsize_t[]){8, 1}, (hsize_t[]){2, 1},
                        (hsize_t[]){1, 4});
    CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_PARTIAL &&
                 split.hit_elements == 4);
    carve_split_clear(&split);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){1, 8}, (hsize_t[]){4, 1}, (hsize_t[]){2, 1},
                        (hsize_t[]){1, 2});
    CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_MISS);

    /* The box path (reads whose bounding box meets chunks all held or none): a run of reads in one chunk,
     * a read elsewhere between them (the remembered chunk changes), points in one chunk, and a selection
     * moved by an offset, whose box (bounds include the offset) is where HDF5 reads. */
    {
        static const struct {
            hsize_t            row, col;
            carve_split_kind_t kind;
        } box_reads[]  = {{0, 0, CARVE_SPLIT_HIT},  {1, 2, CARVE_SPLIT_HIT},  {5, 5, CARVE_SPLIT_MISS},
                          {6, 4, CARVE_SPLIT_MISS}, {3, 3, CARVE_SPLIT_HIT},  {8, 9, CARVE_SPLIT_HIT},
                          {9, 8, CARVE_SPLIT_HIT},  {0, 9, CARVE_SPLIT_MISS}, {2, 1, CARVE_SPLIT_HIT}};
        hssize_t by[2] = {8, 8}, none[2] = {0, 0};

        for (size_t i = 0; i < sizeof box_reads / sizeof box_reads[0]; i++) {
            H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){box_reads[i].row, box_reads[i].col}, NULL,
                                (hsize_t[]){1, 1}, (hsize_t[]){1, 1});
            CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == box_reads[i].kind &&
                         split.hit_elements + split.miss_elements == 1 && split.hit_file < 0);
        }
        H5Sselect_elements(space, H5S_SELECT_SET, 3, (hsize_t[]){9, 9, 8, 8, 9, 8});
        CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_HIT &&
                     split.hit_elements == 3);
        /* Block [0..1, 0..1] moved by (8, 8) reads [8..9, 8..9]: held chunk (2, 2); unmoved, chunk (0, 0). */
        H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){0, 0}, NULL, (hsize_t[]){1, 1},
                            (hsize_t[]){2, 2});
        H5Soffset_simple(space, by);
        CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_HIT &&
                     split.hit_elements == 4);
        by[0] = 4; /* [4..5, 8..9]: chunk (1, 2), not held */
        H5Soffset_simple(space, by);
        CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                     split.miss_elements == 4);
        H5Soffset_simple(space, none);
        CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_HIT);
        CHECK_NO_ERROR(t);
    }

    /* A read of another extent or rank is refused, naming both. */
    {
        hid_t other = H5Screate_simple(2, (hsize_t[]){10, 11}, NULL);
        hid_t flat  = H5Screate_simple(1, (hsize_t[]){100}, NULL);

        CHECK(t, carve_split_read(&held, other, other, &split) < 0 && split.kind == CARVE_SPLIT_MISS &&
                     split.hit_file < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "11 elements in dimension 1", "carved dataset 10");
        CHECK(t, carve_split_read(&held, flat, flat, &split) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "rank 1", "carved dataset 2");
        /* ... unless its bounding box lies inside the dataset's extent and decides the read (the whole read
         * goes to one side, which reads the same elements): a hit in held chunk (0, 0), a miss in (1, 1). A
         * box reaching past the dataset's extent, or a larger rank (the bounds say it), is refused. */
        H5Sselect_hyperslab(other, H5S_SELECT_SET, (hsize_t[]){1, 1}, NULL, (hsize_t[]){2, 3}, NULL);
        CHECK(t, carve_split_read(&held, other, other, &split) >= 0 && split.kind == CARVE_SPLIT_HIT &&
                     split.hit_elements == 6);
        H5Sselect_hyperslab(other, H5S_SELECT_SET, (hsize_t[]){5, 5}, NULL, (hsize_t[]){2, 2}, NULL);
        CHECK(t, carve_split_read(&held, other, other, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                     split.miss_elements == 4);
        H5Sselect_hyperslab(other, H5S_SELECT_SET, (hsize_t[]){0, 9}, NULL, (hsize_t[]){1, 2}, NULL);
        CHECK(t, carve_split_read(&held, other, other, &split) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "11 elements in dimension 1", "carved dataset 10");
        {
            hid_t deep = H5Screate_simple(3, (hsize_t[]){10, 10, 10}, NULL);

            H5Sselect_hyperslab(deep, H5S_SELECT_SET, (hsize_t[]){0, 0, 0}, NULL, (hsize_t[]){1, 1, 1}, NULL);
            CHECK(t, carve_split_read(&held, deep, deep, &split) < 0);
            CHECK_ERROR(t, CARVE_E_BADVALUE, "rank 3", "carved dataset 2");
            H5Sclose(deep);
        }
        H5Sclose(other);
        H5Sclose(flat);
    }
    carve_held_clear(&held);
    carve_selection_clear(&e.selections);

    /* An entry whose chunk set has another rank is refused. */
    CHECK(t, chunked_10x10(&e));
    e.chunks.rank = 1;
    CHECK(t, carve_held_init(&held, &e) < 0 && held.nothing);
    CHECK_ERROR(t, CARVE_E_CORRUPT, "/d", "rank 1");
    e.chunks.rank = 2;
    carve_chunkset_clear(&e.chunks);
    carve_selection_clear(&e.selections);

    /* A scalar: held (one rank-0 record) or not. */
    memset(&e, 0, sizeof e);
    e.path  = (char *)"/s";
    e.store = CARVE_STORE_ELEMENTS;
    carve_selection_init(&e.selections, 0, e.dims);
    {
        hid_t scalar = H5Screate(H5S_SCALAR);

        CHECK(t, carve_held_init(&held, &e) >= 0 && held.nothing);
        CHECK(t, carve_split_read(&held, scalar, scalar, &split) >= 0 && split.kind == CARVE_SPLIT_MISS);
        carve_held_clear(&held);
        CHECK(t, carve_selection_add_all(&e.selections) >= 0);
        CHECK(t, carve_held_init(&held, &e) >= 0 && !held.nothing);
        CHECK(t, carve_split_read(&held, scalar, scalar, &split) >= 0 && split.kind == CARVE_SPLIT_HIT &&
                     split.hit_elements == 1);
        carve_held_clear(&held);
        H5Sclose(scalar);
    }
    carve_selection_clear(&e.selections);
    H5Sclose(space);
    CHECK_NO_ERROR(t);
}

static void
check_describe(unit_t *t, hid_t space, const char *want)
{
    char *got = carve_split_describe(space);

    CHECK_STR(t, got, want);
    free(got);
}

static void
test_describe(unit_t *t)
{
    hid_t space  = H5Screate_simple(2, (hsize_t[]){100, 20}, NULL);
    hid_t scalar = H5Screate(H5S_SCALAR);

    check_describe(t, space, "all of 100 x 20 (2000 elements)");
    check_describe(t, scalar, "the scalar element");
    H5Sselect_none(space);
    check_describe(t, space, "no elements");
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){0, 4}, NULL, (hsize_t[]){1, 1},
                        (hsize_t[]){10, 4});
    check_describe(t, space, "[0..9, 4..7] (40 elements)");
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){0, 0}, (hsize_t[]){4, 1}, (hsize_t[]){3, 1},
                        (hsize_t[]){2, 8});
    check_describe(t, space, "start [0, 0] stride [4, 1] count [3, 1] block [2, 8] (48 elements)");
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){0, 0}, NULL, (hsize_t[]){1, 1}, (hsize_t[]){2, 2});
    H5Sselect_hyperslab(space, H5S_SELECT_OR, (hsize_t[]){5, 3}, NULL, (hsize_t[]){1, 1}, (hsize_t[]){1, 4});
    check_describe(t, space, "2 blocks within [0..5, 0..6] (8 elements)");
    H5Sselect_elements(space, H5S_SELECT_SET, 3, (hsize_t[]){1, 2, 50, 0, 3, 3});
    check_describe(t, space, "3 points, first (1, 2)");
    H5Sselect_elements(space, H5S_SELECT_SET, 1, (hsize_t[]){7, 9});
    check_describe(t, space, "1 point, first (7, 9)");
    {
        char *bad = carve_split_describe(H5I_INVALID_HID);

        CHECK(t, bad == NULL);
        H5Eclear2(H5E_DEFAULT);
    }
    H5Sclose(scalar);
    H5Sclose(space);
    CHECK_NO_ERROR(t);
}

/* A large chunk grid, read with a stride wider than a chunk: only the chunks the selection really touches
 * count (the bounding box touches missing ones), and no dataspace the size of the grid is built. */
static void
test_large_grid(unit_t *t)
{
    carve_manifest_dataset_t e;
    carve_held_t             held;
    carve_split_t            split;
    hsize_t                  dims[2] = {1000000, 1000000}, chunk[2] = {1000, 1000};
    hid_t                    space = H5Screate_simple(2, dims, NULL), mem;

    memset(&e, 0, sizeof e);
    e.path  = (char *)"/big";
    e.store = CARVE_STORE_CHUNKS;
    e.rank  = 2;
    memcpy(e.dims, dims, sizeof dims);
    memcpy(e.chunk, chunk, sizeof chunk);
    carve_selection_init(&e.selections, 2, dims);
    CHECK(t, carve_chunkset_init(&e.chunks, 2, dims, chunk) >= 0);
    /* Held: chunk rows 0, 10, 20, ... 990, columns 5 and 6. */
    for (hsize_t row = 0; row < 1000; row += 10) {
        CHECK(t, carve_chunkset_add_coords(&e.chunks, (hsize_t[]){row, 5}) >= 0 || row > 0);
        CHECK(t, carve_chunkset_add_coords(&e.chunks, (hsize_t[]){row, 6}) >= 0 || row > 0);
    }
    CHECK(t, carve_held_init(&held, &e) >= 0);
    /* Every 10th chunk row (one element row of it), columns 5000-6999: all held. */
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){7, 5000}, (hsize_t[]){10000, 1},
                        (hsize_t[]){100, 1}, (hsize_t[]){1, 2000});
    mem = H5Screate_simple(1, (hsize_t[]){200000}, NULL);
    CHECK(t, carve_split_read(&held, space, mem, &split) >= 0 && split.kind == CARVE_SPLIT_HIT &&
                 split.hit_elements == 200000);
    /* One column more: partial, the rest being column 7000 of each row. */
    H5Sselect_hyperslab(space, H5S_SELECT_SET, (hsize_t[]){7, 5000}, (hsize_t[]){10000, 1},
                        (hsize_t[]){100, 1}, (hsize_t[]){1, 2001});
    H5Sclose(mem);
    mem = H5Screate_simple(1, (hsize_t[]){200100}, NULL);
    CHECK(t, carve_split_read(&held, space, mem, &split) >= 0 && split.kind == CARVE_SPLIT_PARTIAL &&
                 split.hit_elements == 200000 && split.miss_elements == 100);
    if (split.kind == CARVE_SPLIT_PARTIAL) {
        hsize_t lo[2], hi[2];

        CHECK(t, H5Sget_select_bounds(split.miss_file, lo, hi) >= 0 && lo[1] == 7000 && hi[1] == 7000 &&
                     lo[0] == 7 && hi[0] == 990007);
        CHECK(t, H5Sget_select_bounds(split.miss_mem, lo, hi) >= 0 && lo[0] == 2000 && hi[0] == 200099);
    }
    carve_split_clear(&split);
    H5Sclose(mem);
    carve_held_clear(&held);
    carve_chunkset_clear(&e.chunks);
    carve_selection_clear(&e.selections);
    H5Sclose(space);
    CHECK_NO_ERROR(t);
}

/* Reads inside one chunk, decided by carve_split_hit as carve_split_read decides them, over a grid small
 * enough for the bitmap of held chunks and over one too large for it (the sorted set searched), including
 * selections moved by an offset into or out of held chunks and a read repeated in the same chunk. */
static void
test_one_chunk(unit_t *t)
{
    hsize_t grids[2] = {100, 100000}; /* chunks per dimension: 10^4 (a bitmap) and 10^10 (none) */

    for (int g = 0; g < 2; g++) {
        carve_manifest_dataset_t e;
        carve_held_t             held;
        hsize_t                  chunk[2] = {10, 10}, dims[2] = {grids[g] * 10, grids[g] * 10};
        hid_t                    space = H5Screate_simple(2, dims, NULL);
        unit_rng_t               r     = {0x0C4A2Bu + (uint64_t)g};

        memset(&e, 0, sizeof e);
        e.path  = (char *)"/one";
        e.store = CARVE_STORE_CHUNKS;
        e.rank  = 2;
        memcpy(e.dims, dims, sizeof dims);
        memcpy(e.chunk, chunk, sizeof chunk);
        carve_selection_init(&e.selections, 2, dims);
        CHECK(t, carve_chunkset_init(&e.chunks, 2, dims, chunk) >= 0);
        /* Held: the chunks (i, j) with i + j even, of the first 20 x 20. */
        for (hsize_t i = 0; i < 20; i++)
            for (hsize_t j = i % 2; j < 20; j += 2)
                CHECK(t, carve_chunkset_add_coords(&e.chunks, (hsize_t[]){i, j}) >= 0);
        CHECK(t, carve_held_init(&held, &e) >= 0);
        for (int k = 0; k < 2000; k++) {
            hsize_t       ci = unit_rng_below(&r, 22), cj = unit_rng_below(&r, 22), elements = 0;
            hsize_t       start[2] = {ci * 10 + unit_rng_below(&r, 5), cj * 10 + unit_rng_below(&r, 5)};
            hsize_t       count[2] = {1 + unit_rng_below(&r, 5), 1 + unit_rng_below(&r, 5)};
            hssize_t      offset[2];
            carve_split_t split;
            int           hit, want;

            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
            offset[0] = offset[1] = 0;
            if (k % 4 == 3) { /* moved by a whole chunk: into the neighbouring one, held or not */
                offset[0] = ci > 0 ? -10 : 10;
                ci        = ci > 0 ? ci - 1 : ci + 1;
            }
            H5Soffset_simple(space, offset);
            want = ci < 20 && cj < 20 && (ci + cj) % 2 == 0;
            hit  = carve_split_hit(&held, space, &elements);
            CHECK(t, hit == want && (!hit || elements == count[0] * count[1]));
            CHECK(t, carve_split_hit(&held, space, &elements) == want); /* again: the remembered chunk */
            CHECK(t, carve_split_read(&held, space, space, &split) >= 0 &&
                         (split.kind == CARVE_SPLIT_HIT) == want);
            carve_split_clear(&split);
        }
        CHECK(t, (held.dense != NULL) == (g == 0));
        carve_held_clear(&held);
        carve_chunkset_clear(&e.chunks);
        carve_selection_clear(&e.selections);
        H5Sclose(space);
        CHECK_NO_ERROR(t);
    }
}

/* A 1-D dataset of 20000 elements holding [21k + 7, 21k + 21) for every k: by chunks of 7 (chunks 3k+1
 * and 3k+2) or by elements (one strided record). */
static bool
dataset_thirds(dataset_t *ds, bool by_chunks)
{
    carve_manifest_dataset_t *e = &ds->entry;

    memset(ds, 0, sizeof *ds);
    e->path    = (char *)"/thirds";
    e->rank    = 1;
    e->dims[0] = 20000;
    ds->nelems = 20000;
    carve_selection_init(&e->selections, 1, e->dims);
    if (NULL == (ds->held = calloc(ds->nelems, 1)))
        return false;
    for (size_t i = 0; i < ds->nelems; i++)
        ds->held[i] = i % 21 >= 7;
    if (!by_chunks) {
        e->store = CARVE_STORE_ELEMENTS;
        return carve_selection_add(&e->selections, (hsize_t[]){7}, (hsize_t[]){21}, (hsize_t[]){952},
                                   (hsize_t[]){14}) >= 0 &&
               (ds->held[19999] = 0, ds->held[19998] = 0, true); /* 952 blocks end at 19998 */
    }
    e->store    = CARVE_STORE_CHUNKS;
    e->chunked  = 1;
    e->chunk[0] = 7;
    if (carve_chunkset_init(&e->chunks, 1, e->dims, e->chunk) < 0)
        return false;
    for (hsize_t c = 0; c < 20000 / 7 + 1; c++)
        if (c % 3 != 0 && carve_chunkset_add_coords(&e->chunks, &c) < 0)
            return false;
    return true;
}

static void
test_fixed_reads(unit_t *t)
{
    for (int by_chunks = 1; by_chunks >= 0; by_chunks--) {
        dataset_t    ds;
        carve_held_t held;
        hid_t        file = H5Screate_simple(1, (hsize_t[]){20000}, NULL), mem;

        if (!CHECK(t, dataset_thirds(&ds, by_chunks)) || !CHECK(t, carve_held_init(&held, &ds.entry) >= 0)) {
            dataset_clear(&ds);
            H5Sclose(file);
            continue;
        }
        /* More blocks than one batch fetches: every other element, plus a block at the end. */
        H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){1}, (hsize_t[]){2}, (hsize_t[]){9000}, NULL);
        H5Sselect_hyperslab(file, H5S_SELECT_OR, (hsize_t[]){19000}, NULL, (hsize_t[]){1}, (hsize_t[]){1000});
        CHECK(t, H5Sget_select_hyper_nblocks(file) > 4096);
        mem = H5Screate_simple(1, (hsize_t[]){10000}, NULL);
        CHECK(t, check_split(t, &ds, &held, file, mem, "irregular, 9001 blocks") == CARVE_SPLIT_PARTIAL);
        H5Sclose(mem);
        /* The same into a 2-D buffer, and a strided read whose stride skips whole chunks (hits only). */
        mem = H5Screate_simple(2, (hsize_t[]){100, 100}, NULL);
        CHECK(t, check_split(t, &ds, &held, file, mem, "irregular into 100x100") == CARVE_SPLIT_PARTIAL);
        H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){8}, (hsize_t[]){21}, (hsize_t[]){900},
                            (hsize_t[]){13});
        H5Sclose(mem);
        mem = H5Screate_simple(1, (hsize_t[]){900 * 13}, NULL);
        CHECK(t, check_split(t, &ds, &held, file, mem, "strided over held thirds") == CARVE_SPLIT_HIT);
        H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){0}, (hsize_t[]){21}, (hsize_t[]){900},
                            (hsize_t[]){7});
        H5Sclose(mem);
        mem = H5Screate_simple(1, (hsize_t[]){900 * 7}, NULL);
        CHECK(t, check_split(t, &ds, &held, file, mem, "strided over missing thirds") == CARVE_SPLIT_MISS);
        H5Sclose(mem);

        /* Selections moved by H5Soffset_simple: the records cannot say what they read, so every one is a
         * whole miss (a regular hyperslab, points), and so is a split read into a moved memory selection. */
        {
            carve_split_t split;
            hssize_t      by[1] = {7}, none[1] = {0};

            H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){8}, (hsize_t[]){21}, (hsize_t[]){900},
                                (hsize_t[]){13});
            mem = H5Screate_simple(1, (hsize_t[]){900 * 13}, NULL);
            H5Soffset_simple(file, by);
            CHECK(t, carve_split_read(&held, file, mem, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                         split.miss_elements == 900 * 13 && split.hit_file < 0 && split.miss_file < 0);
            H5Soffset_simple(file, none);
            CHECK(t, carve_split_read(&held, file, mem, &split) >= 0 && split.kind == CARVE_SPLIT_HIT);
            H5Sclose(mem);
            H5Sselect_elements(file, H5S_SELECT_SET, 3, (hsize_t[]){19990, 10, 7});
            mem = H5Screate_simple(1, (hsize_t[]){3}, NULL);
            H5Soffset_simple(file, (hssize_t[]){2});
            CHECK(t, carve_split_read(&held, file, mem, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                         split.miss_elements == 3);
            H5Soffset_simple(file, none);
            H5Sclose(mem);
            H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){1}, (hsize_t[]){2}, (hsize_t[]){9000},
                                NULL);
            mem = H5Screate_simple(1, (hsize_t[]){10000}, NULL);
            H5Sselect_hyperslab(mem, H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){9000}, NULL);
            CHECK(t, carve_split_read(&held, file, mem, &split) >= 0 && split.kind == CARVE_SPLIT_PARTIAL);
            carve_split_clear(&split);
            H5Soffset_simple(mem, (hssize_t[]){1000});
            CHECK(t, carve_split_read(&held, file, mem, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                         split.miss_elements == 9000 && split.hit_mem < 0 && split.miss_mem < 0);
            H5Sclose(mem);
        }

        /* A memory selection of another size is refused (points: by carve; hyperslabs: by HDF5's projection). */
        {
            carve_split_t split;

            H5Sselect_elements(file, H5S_SELECT_SET, 3, (hsize_t[]){0, 10, 7});
            mem = H5Screate_simple(1, (hsize_t[]){2}, NULL);
            CHECK(t, carve_split_read(&held, file, mem, &split) < 0 && split.kind == CARVE_SPLIT_MISS &&
                         split.hit_file < 0 && split.hit_mem < 0);
            CHECK_ERROR(t, CARVE_E_BADVALUE, "read of 3 elements", "memory selection of 2 elements");
            H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){1}, (hsize_t[]){20});
            CHECK(t, carve_split_read(&held, file, mem, &split) < 0 && split.hit_file < 0 &&
                         split.miss_file < 0);
            CHECK_ERROR(t, CARVE_E_UNDERLYING, "memory selection");
            H5Sclose(mem);
        }
        carve_held_clear(&held);
        dataset_clear(&ds);
        H5Sclose(file);
    }

    /* Nothing held: every read a miss, whatever its rank and extent. */
    {
        carve_held_t  held;
        carve_split_t split;
        hid_t         space = H5Screate_simple(3, (hsize_t[]){4, 5, 6}, NULL);

        CHECK(t, carve_held_init(&held, NULL) >= 0);
        CHECK(t, carve_split_read(&held, space, space, &split) >= 0 && split.kind == CARVE_SPLIT_MISS &&
                     split.miss_elements == 120 && split.hit_file < 0);
        carve_held_clear(&held);
        H5Sclose(space);
    }
    CHECK_NO_ERROR(t);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Benchmark (printed, never asserted)                                                                     */
/* ------------------------------------------------------------------------------------------------------ */

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Mean microseconds of one carve_split_read (+ clear) of (file, mem), repeated for about 0.1 s; the
 * kind is checked once. */
static double
time_split(unit_t *t, carve_held_t *held, hid_t file, hid_t mem, carve_split_kind_t want)
{
    carve_split_t split;
    double        t0, elapsed = 0;
    long          reps = 0;
    bool          ok;

    ok = carve_split_read(held, file, mem, &split) >= 0 && split.kind == want; /* also warms up */
    carve_split_clear(&split);
    t0 = now_s();
    for (long batch = 1; elapsed < 0.1; batch *= 2) {
        for (long i = 0; i < batch; i++) {
            ok = carve_split_read(held, file, mem, &split) >= 0 && ok;
            carve_split_clear(&split);
        }
        reps += batch;
        elapsed = now_s() - t0;
    }
    CHECK(t, ok);
    return elapsed / (double)reps * 1e6;
}

/* HDF5's own read of one 256x256 chunk of uint64 from an in-memory (core driver) file, for scale. */
static double
time_hdf5_chunk_read(void)
{
    hsize_t dims[2] = {1024, 1024}, chunk[2] = {256, 256};
    hid_t   fapl = H5Pcreate(H5P_FILE_ACCESS), dcpl = H5Pcreate(H5P_DATASET_CREATE), file, space, dset, fsel,
          mem;
    uint64_t *buf = calloc(256 * 256, sizeof *buf), *all = calloc(1024 * 1024, sizeof *all);
    double    t0, us                                     = -1;
    int       reps = 2000;

    H5Pset_fapl_core(fapl, 1 << 20, 0);
    H5Pset_chunk(dcpl, 2, chunk);
    file  = H5Fcreate("split_bench.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    space = H5Screate_simple(2, dims, NULL);
    dset  = H5Dcreate2(file, "d", H5T_NATIVE_UINT64, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    fsel  = H5Scopy(space);
    mem   = H5Screate_simple(2, chunk, NULL);
    H5Sselect_hyperslab(fsel, H5S_SELECT_SET, (hsize_t[]){256, 512}, NULL, (hsize_t[]){1, 1}, chunk);
    if (file >= 0 && dset >= 0 &&
        H5Dwrite(dset, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, all) >= 0) {
        H5Dread(dset, H5T_NATIVE_UINT64, mem, fsel, H5P_DEFAULT, buf);
        t0 = now_s();
        for (int i = 0; i < reps; i++)
            H5Dread(dset, H5T_NATIVE_UINT64, mem, fsel, H5P_DEFAULT, buf);
        us = (now_s() - t0) / reps * 1e6;
    }
    H5Sclose(mem);
    H5Sclose(fsel);
    H5Dclose(dset);
    H5Sclose(space);
    H5Fclose(file);
    H5Pclose(dcpl);
    H5Pclose(fapl);
    free(all);
    free(buf);
    return us;
}

static void
test_benchmark(unit_t *t)
{
    unit_rng_t               r       = {0xBE7C4u};
    hsize_t                  dims[2] = {16384, 8192}, chunk[2] = {256, 256}; /* 512 KiB chunks of 8 bytes */
    hsize_t                  grid[2] = {64, 32};
    carve_manifest_dataset_t e;
    carve_held_t             held;
    uint8_t                  missing[64 * 32] = {0};
    hsize_t                  hit_chunk[2] = {0, 0}, miss_chunk[2] = {0, 0};
    hid_t                    file = H5Screate_simple(2, dims, NULL), mem;
    double                   us;

    /* 2000 of the 2048 chunks held. */
    memset(&e, 0, sizeof e);
    e.path  = (char *)"/bench";
    e.store = CARVE_STORE_CHUNKS;
    e.rank  = 2;
    memcpy(e.dims, dims, sizeof dims);
    memcpy(e.chunk, chunk, sizeof chunk);
    carve_selection_init(&e.selections, 2, dims);
    CHECK(t, carve_chunkset_init(&e.chunks, 2, dims, chunk) >= 0);
    for (int k = 0; k < 48;) {
        size_t c = (size_t)unit_rng_below(&r, 64 * 32);

        if (!missing[c] && c != 0)
            missing[c] = 1, k++;
    }
    for (size_t c = 0; c < 64 * 32; c++) {
        hsize_t xy[2] = {c / grid[1], c % grid[1]};

        if (!missing[c])
            CHECK(t, carve_chunkset_add_coords(&e.chunks, xy) >= 0 || c > 0);
        else if (miss_chunk[0] == 0 && miss_chunk[1] == 0 && xy[0] > 0 && xy[1] > 0 && xy[0] < 60 &&
                 xy[1] < 28)
            miss_chunk[0] = xy[0], miss_chunk[1] = xy[1];
    }
    hit_chunk[0] = 17, hit_chunk[1] = 9;
    if (missing[17 * 32 + 9])
        hit_chunk[0] = 0, hit_chunk[1] = 0;
    CHECK(t, carve_held_init(&held, &e) >= 0 && held.chunks.n == 2000);

    us = time_hdf5_chunk_read();
    printf("bench: HDF5's own H5Dread of one 256x256 uint64 chunk (core driver, in memory): %.2f us\n", us);

    mem = H5Screate_simple(2, chunk, NULL);
    H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){hit_chunk[0] * 256, hit_chunk[1] * 256}, NULL,
                        (hsize_t[]){1, 1}, chunk);
    us = time_split(t, &held, file, mem, CARVE_SPLIT_HIT);
    printf("bench: 16384x8192, 2000 of 2048 chunks held: all-hit read of 1 chunk: %.3f us per split\n", us);
    H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){hit_chunk[0] * 256 + 3, hit_chunk[1] * 256 + 5},
                        (hsize_t[]){2, 3}, (hsize_t[]){100, 80}, (hsize_t[]){1, 2});
    H5Sclose(mem);
    mem = H5Screate_simple(1, (hsize_t[]){16000}, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_HIT);
    printf("bench: strided all-hit read inside 1 chunk (100x80 blocks of 1x2): %.3f us per split\n", us);
    H5Sselect_all(file);
    H5Sclose(mem);
    mem = H5Screate_simple(2, dims, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_PARTIAL);
    printf("bench: read of everything (2048 chunks, partial): %.1f us per split\n", us);
    /* A 3x3-chunk block around a missing chunk: partial. */
    H5Sselect_hyperslab(file, H5S_SELECT_SET,
                        (hsize_t[]){(miss_chunk[0] - 1) * 256 + 10, (miss_chunk[1] - 1) * 256 + 10}, NULL,
                        (hsize_t[]){1, 1}, (hsize_t[]){700, 700});
    H5Sclose(mem);
    mem = H5Screate_simple(2, (hsize_t[]){700, 700}, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_PARTIAL);
    printf("bench: 700x700 read over 3x3 chunks, one missing (partial): %.2f us per split\n", us);
    /* 1000 random points, some in missing chunks, into a 1-D buffer. */
    {
        hsize_t *pts = malloc(1000 * 2 * sizeof *pts);

        for (int i = 0; i < 1000; i++) {
            pts[2 * i]     = unit_rng_below(&r, dims[0]);
            pts[2 * i + 1] = unit_rng_below(&r, dims[1]);
        }
        pts[0] = miss_chunk[0] * 256, pts[1] = miss_chunk[1] * 256;
        pts[2] = hit_chunk[0] * 256, pts[3] = hit_chunk[1] * 256;
        H5Sselect_elements(file, H5S_SELECT_SET, 1000, pts);
        H5Sclose(mem);
        mem = H5Screate_simple(1, (hsize_t[]){1000}, NULL);
        us  = time_split(t, &held, file, mem, CARVE_SPLIT_PARTIAL);
        printf("bench: 1000 random points (partial): %.1f us per split\n", us);
        free(pts);
    }
    carve_held_clear(&held);
    carve_chunkset_clear(&e.chunks);

    /* Element coverage: 2000 records (1x2048 row pieces at every 8th row, two column windows). */
    e.store = CARVE_STORE_ELEMENTS;
    for (hsize_t i = 0; i < 2000; i++)
        CHECK(t, carve_selection_add(&e.selections, (hsize_t[]){(i / 2) * 8, (i % 2) * 4096}, NULL,
                                     (hsize_t[]){1, 1}, (hsize_t[]){1, 2048}) >= 0 ||
                     i > 0);
    CHECK(t, carve_held_init(&held, &e) >= 0);
    {
        /* The whole dataset meets every record: the first such read builds the union's dataspace. */
        carve_split_t split;
        double        t0 = now_s();

        H5Sselect_all(file);
        H5Sclose(mem);
        mem = H5Screate_simple(2, dims, NULL);
        CHECK(t, carve_split_read(&held, file, mem, &split) >= 0 && split.kind == CARVE_SPLIT_PARTIAL);
        carve_split_clear(&split);
        printf("bench: element coverage, 2000 records (1x2048 pieces): first read of everything (builds the "
               "union's dataspace): %.0f us\n",
               (now_s() - t0) * 1e6);
        us = time_split(t, &held, file, mem, CARVE_SPLIT_PARTIAL);
        printf("bench: element coverage: later reads of everything (partial): %.0f us per split\n", us);
    }
    {
        hsize_t *pts = malloc(1000 * 2 * sizeof *pts);

        for (int i = 0; i < 1000; i++) {
            pts[2 * i]     = unit_rng_below(&r, dims[0]);
            pts[2 * i + 1] = unit_rng_below(&r, dims[1]);
        }
        pts[0] = 800, pts[1] = 5;
        pts[2] = 801, pts[3] = 5;
        H5Sselect_elements(file, H5S_SELECT_SET, 1000, pts);
        H5Sclose(mem);
        mem = H5Screate_simple(1, (hsize_t[]){1000}, NULL);
        us  = time_split(t, &held, file, mem, CARVE_SPLIT_PARTIAL);
        printf("bench: element coverage: 1000 random points (partial): %.1f us per split\n", us);
        free(pts);
    }
    H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){800, 100}, NULL, (hsize_t[]){1, 1},
                        (hsize_t[]){1, 1000});
    H5Sclose(mem);
    mem = H5Screate_simple(1, (hsize_t[]){1000}, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_HIT);
    printf("bench: element coverage: all-hit 1x1000 read inside one record: %.3f us per split\n", us);
    H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){800, 0}, (hsize_t[]){8, 1}, (hsize_t[]){4, 1},
                        (hsize_t[]){1, 2048});
    H5Sclose(mem);
    mem = H5Screate_simple(1, (hsize_t[]){8192}, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_HIT);
    printf("bench: element coverage: all-hit strided read over 4 records (HDF5's intersection with them): "
           "%.2f us "
           "per split\n",
           us);
    H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){803, 0}, NULL, (hsize_t[]){1, 1},
                        (hsize_t[]){1, 100});
    H5Sclose(mem);
    mem = H5Screate_simple(1, (hsize_t[]){100}, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_MISS);
    printf("bench: element coverage: all-miss 1x100 read between records: %.3f us per split\n", us);
    H5Sselect_hyperslab(file, H5S_SELECT_SET, (hsize_t[]){800, 2000}, NULL, (hsize_t[]){1, 1},
                        (hsize_t[]){16, 100});
    H5Sclose(mem);
    mem = H5Screate_simple(2, (hsize_t[]){16, 100}, NULL);
    us  = time_split(t, &held, file, mem, CARVE_SPLIT_PARTIAL);
    printf("bench: element coverage: partial 16x100 read: %.2f us per split\n", us);
    carve_held_clear(&held);
    carve_selection_clear(&e.selections);
    H5Sclose(mem);
    H5Sclose(file);
    CHECK_NO_ERROR(t);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    t.max_printed = MAX_PRINTED;

    test_held(&t);
    test_describe(&t);
    test_large_grid(&t);
    test_one_chunk(&t);
    test_fixed_reads(&t);
    test_random(&t, true);
    test_random(&t, false);
    /* The same with every dataspace question a public call (carve_space): the same answers. */
    carve_space_allow_direct(0);
    test_random(&t, true);
    carve_space_allow_direct(1);
    test_benchmark(&t);

    return unit_end(&t);
}
