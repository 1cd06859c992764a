/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_coverage.c — unit tests of carve_coverage (connector/core/carve_coverage.c): selection records
 * (add, add_space, add_all, union, merge, copy, clear, npoints, contains, to_space) and chunk sets
 * (add_coords, add_selection, add_space, union, finish, contains, coords, copy).
 *
 * HDF5's own dataspaces are the oracle: every read is an H5S selection, and what carve records is
 * compared element by element (H5Sselect_intersect_block with a one-element block) against it over
 * small extents, for randomized (fixed seed) sequences of all / none / points / regular and irregular
 * hyperslab reads. Chunk sets are compared against the chunks H5Sselect_intersect_block says a selection
 * touches. Membership of carve's records is computed here from the records themselves, not through
 * carve_selection_to_space, so the two checks are independent.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed. Expected failures are
 * also checked for the message they leave on the HDF5 error stack. A performance smoke test prints timings
 * (never asserted).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hdf5.h>

#include "carve_coverage.h"
#include "carve_error.h"
#include "unit_test.h"

#define MAX_PRINTED 60 /* failures printed in full; later ones are only counted */
#define MAX_READS   12
#define SEQUENCES   150 /* random read sequences per extent */

/* ------------------------------------------------------------------------------------------------------ */
/* Random selections (unit_rng_t: splitmix64, fixed seeds: every run sees the same sequences)       */
/* ------------------------------------------------------------------------------------------------------ */

static hsize_t
min_h(hsize_t a, hsize_t b)
{
    return a < b ? a : b;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Extents, element bitmaps and the oracle                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct extent_t {
    int     rank;
    hsize_t dims[3];
} extent_t;

/* The small extents enumerated element by element. */
static const extent_t extents_g[] = {
    {2, {37, 53}}, {3, {9, 10, 11}}, {1, {1000}}, {2, {1, 17}}, {3, {2, 1, 40}},
};
#define NEXTENTS (sizeof extents_g / sizeof extents_g[0])

static size_t
extent_elems(int rank, const hsize_t *dims)
{
    size_t n = 1;

    for (int d = 0; d < rank; d++)
        n *= (size_t)dims[d];
    return n;
}

/* Row-major coordinates of linear element `lin`. */
static void
lin_coords(size_t lin, int rank, const hsize_t *dims, hsize_t *c)
{
    for (int d = rank - 1; d >= 0; d--) {
        c[d] = lin % dims[d];
        lin /= dims[d];
    }
}

static size_t
coords_lin(int rank, const hsize_t *dims, const hsize_t *c)
{
    size_t lin = 0;

    for (int d = 0; d < rank; d++)
        lin = lin * (size_t)dims[d] + (size_t)c[d];
    return lin;
}

static size_t
count_bits(const uint8_t *bits, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += bits[i] != 0;
    return k;
}

/* The oracle: ORs into bits every element H5Sselect_intersect_block says space_id selects. Returns the
 * number of HDF5 calls that failed (0 expected). */
static unsigned
oracle_mark(hid_t space_id, int rank, const hsize_t *dims, uint8_t *bits)
{
    size_t   n      = extent_elems(rank, dims);
    unsigned errors = 0;
    hsize_t  c[H5S_MAX_RANK];

    for (size_t lin = 0; lin < n; lin++) {
        htri_t in;

        lin_coords(lin, rank, dims, c);
        in = H5Sselect_intersect_block(space_id, c, c);
        if (in < 0)
            errors++;
        else if (in > 0)
            bits[lin] = 1;
    }
    return errors;
}

/* Sets bits to the union of sel's records, computed from the records (not through HDF5): each record's
 * elements are enumerated (the positions it takes in each dimension, then their Cartesian product). */
static void
records_mark(const carve_selection_t *sel, uint8_t *bits)
{
    int      rank = sel->rank;
    hsize_t *pos[H5S_MAX_RANK];
    size_t   npos[H5S_MAX_RANK], at[H5S_MAX_RANK];
    hsize_t  c[H5S_MAX_RANK];

    memset(bits, 0, extent_elems(rank, sel->dims));
    if (rank == 0) {
        bits[0] = sel->nrecords > 0;
        return;
    }
    for (int d = 0; d < rank; d++)
        pos[d] = malloc((size_t)sel->dims[d] * sizeof *pos[d]);
    for (size_t i = 0; i < sel->nrecords; i++) {
        for (int d = 0; d < rank; d++) {
            hsize_t s = CARVE_RECORD_START(sel, i)[d], st = CARVE_RECORD_STRIDE(sel, i)[d];
            hsize_t n = CARVE_RECORD_COUNT(sel, i)[d], bl = CARVE_RECORD_BLOCK(sel, i)[d];

            npos[d] = 0;
            /* Clipped to the extent (records_valid() checks that nothing needs clipping). */
            for (hsize_t k = 0; k < n && (k == 0 || st > 0) && s + k * st < sel->dims[d]; k++)
                for (hsize_t j = 0; j < bl && s + k * st + j < sel->dims[d] && npos[d] < sel->dims[d]; j++)
                    pos[d][npos[d]++] = s + k * st + j;
            at[d] = 0;
        }
        for (int d = 0; d < rank; d++)
            if (npos[d] == 0)
                goto next;
        for (;;) {
            int d;

            for (d = 0; d < rank; d++)
                c[d] = pos[d][at[d]];
            bits[coords_lin(rank, sel->dims, c)] = 1;
            for (d = rank - 1; d >= 0; d--) {
                if (++at[d] < npos[d])
                    break;
                at[d] = 0;
            }
            if (d < 0)
                break;
        }
next:;
    }
    for (int d = 0; d < rank; d++)
        free(pos[d]);
}

/* Every record well formed and inside the extent (what carve_selection_add promises to keep). */
static bool
records_valid(const carve_selection_t *sel)
{
    for (size_t i = 0; i < sel->nrecords; i++)
        for (int d = 0; d < sel->rank; d++) {
            hsize_t st = CARVE_RECORD_STRIDE(sel, i)[d], n = CARVE_RECORD_COUNT(sel, i)[d];
            hsize_t bl = CARVE_RECORD_BLOCK(sel, i)[d], s = CARVE_RECORD_START(sel, i)[d];

            if (n == 0 || bl == 0 || (n > 1 && st < bl))
                return false;
            if (s + (n - 1) * st + bl > sel->dims[d])
                return false;
        }
    return sel->merged <= sel->nrecords;
}

static void
print_record(const carve_selection_t *sel, size_t i)
{
    printf("    record %zu:", i);
    for (int f = 0; f < 4; f++) {
        printf(" %s(", f == 0 ? "start" : f == 1 ? "stride" : f == 2 ? "count" : "block");
        for (int d = 0; d < sel->rank; d++)
            printf("%s%llu", d ? "," : "", (unsigned long long)CARVE_RECORD_START(sel, i)[f * sel->rank + d]);
        printf(")");
    }
    printf("\n");
}

/* Checks that two element bitmaps agree, naming the first element where they do not. */
static bool
same_bits_at(unit_t *t, const uint8_t *want, const uint8_t *got, int rank, const hsize_t *dims,
             const char *what, const carve_selection_t *sel, const char *file, int line)
{
    size_t n = extent_elems(rank, dims);

    for (size_t lin = 0; lin < n; lin++)
        if (!want[lin] != !got[lin]) {
            hsize_t c[H5S_MAX_RANK];

            unit_check_at(t, false, what, file, line);
            if (unit_printing(t)) {
                lin_coords(lin, rank, dims, c);
                printf("  element (");
                for (int d = 0; d < rank; d++)
                    printf("%s%llu", d ? "," : "", (unsigned long long)c[d]);
                printf(") of a %d-D extent: expected %s, got %s\n", rank, want[lin] ? "in" : "out",
                       got[lin] ? "in" : "out");
                if (sel && sel->nrecords <= 40)
                    for (size_t i = 0; i < sel->nrecords; i++)
                        print_record(sel, i);
            }
            return false;
        }
    return unit_check_at(t, true, what, file, line);
}

#define SAME_BITS(t, want, got, rank, dims, what, sel)                                                       \
    same_bits_at((t), (want), (got), (rank), (dims), (what), (sel), __FILE__, __LINE__)

/* ------------------------------------------------------------------------------------------------------ */
/* Random reads                                                                                            */
/* ------------------------------------------------------------------------------------------------------ */

enum { K_ALL, K_NONE, K_POINTS, K_REGULAR, K_IRREGULAR };

/* A random hyperslab that fits in dims (every dims[d] >= 1); strides sometimes wide, blocks sometimes
 * long, stride == block (contiguous) sometimes. */
static void
random_hyperslab(unit_rng_t *r, int rank, const hsize_t *dims, hsize_t *start, hsize_t *stride,
                 hsize_t *count, hsize_t *block)
{
    for (int d = 0; d < rank; d++) {
        hsize_t n = dims[d], span;

        block[d] = unit_rng_below(r, 5) == 0 ? 1 + unit_rng_below(r, n) : 1 + unit_rng_below(r, min_h(n, 4));
        switch (unit_rng_below(r, 4)) {
            case 0:
                stride[d] = block[d];
                break;
            case 1:
                stride[d] = block[d] + 1 + unit_rng_below(r, n / 2 + 1);
                break;
            default:
                stride[d] = block[d] + unit_rng_below(r, 6);
                break;
        }
        count[d] = 1 + unit_rng_below(r, (n - block[d]) / stride[d] + 1);
        span     = (count[d] - 1) * stride[d] + block[d];
        start[d] = unit_rng_below(r, n - span + 1);
    }
}

static int
random_kind(unit_rng_t *r)
{
    hsize_t x = unit_rng_below(r, 100);

    if (x < 3)
        return K_ALL;
    if (x < 10)
        return K_NONE;
    if (x < 35)
        return K_POINTS;
    if (x < 68)
        return K_REGULAR;
    return K_IRREGULAR;
}

/* A new dataspace of extent dims with a selection of the given kind (random contents). */
static hid_t
random_space_of_kind(unit_rng_t *r, int kind, int rank, const hsize_t *dims)
{
    hid_t   space = H5Screate_simple(rank, dims, NULL);
    hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];

    if (space < 0)
        return H5I_INVALID_HID;
    switch (kind) {
        case K_ALL:
            H5Sselect_all(space);
            break;
        case K_NONE:
            H5Sselect_none(space);
            break;
        case K_POINTS: {
            size_t  k = 1 + (size_t)unit_rng_below(r, 24);
            hsize_t coords[24 * H5S_MAX_RANK];

            for (size_t p = 0; p < k; p++)
                for (int d = 0; d < rank; d++) {
                    /* Runs along the last dimension and repeats now and then, to exercise folding. */
                    if (p > 0 && unit_rng_below(r, 3) == 0)
                        coords[p * (size_t)rank + (size_t)d] =
                            d == rank - 1 ? min_h(coords[(p - 1) * (size_t)rank + (size_t)d] + 1, dims[d] - 1)
                                          : coords[(p - 1) * (size_t)rank + (size_t)d];
                    else
                        coords[p * (size_t)rank + (size_t)d] = unit_rng_below(r, dims[d]);
                }
            H5Sselect_elements(space, H5S_SELECT_SET, k, coords);
            break;
        }
        case K_REGULAR: {
            bool unit_stride = true, unit_block = true;

            random_hyperslab(r, rank, dims, start, stride, count, block);
            for (int d = 0; d < rank; d++) {
                unit_stride = unit_stride && stride[d] == 1;
                unit_block  = unit_block && block[d] == 1;
            }
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, unit_stride ? NULL : stride, count,
                                unit_block ? NULL : block);
            break;
        }
        default: {
            size_t more = 1 + (size_t)unit_rng_below(r, 4);

            random_hyperslab(r, rank, dims, start, stride, count, block);
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block);
            for (size_t k = 0; k < more; k++) {
                hsize_t       x  = unit_rng_below(r, 10);
                H5S_seloper_t op = x < 7 ? H5S_SELECT_OR : x < 9 ? H5S_SELECT_NOTB : H5S_SELECT_XOR;

                random_hyperslab(r, rank, dims, start, stride, count, block);
                H5Sselect_hyperslab(space, op, start, stride, count, block);
            }
            break;
        }
    }
    return space;
}

static hid_t
random_space(unit_rng_t *r, int rank, const hsize_t *dims)
{
    return random_space_of_kind(r, random_kind(r), rank, dims);
}

/* A random sequence of reads over one extent: carve's selection of them, the oracle's union, the reads. */
typedef struct scenario_t {
    int               rank;
    hsize_t           dims[H5S_MAX_RANK];
    size_t            nelem;
    carve_selection_t sel;
    uint8_t          *oracle; /* union of the reads, by H5Sselect_intersect_block */
    hid_t             reads[MAX_READS];
    size_t            nreads;
} scenario_t;

static void
scenario_build_at(unit_t *t, unit_rng_t *r, const extent_t *e, scenario_t *s, const char *file, int line)
{
    unsigned errors = 0;
    bool     added  = true;

    memset(s, 0, sizeof *s);
    s->rank = e->rank;
    memcpy(s->dims, e->dims, sizeof e->dims);
    s->nelem  = extent_elems(e->rank, e->dims);
    s->oracle = calloc(s->nelem, 1);
    carve_selection_init(&s->sel, e->rank, e->dims);
    s->nreads = 1 + (size_t)unit_rng_below(r, MAX_READS);
    for (size_t i = 0; i < s->nreads; i++) {
        s->reads[i] = random_space(r, s->rank, s->dims);
        errors += oracle_mark(s->reads[i], s->rank, s->dims, s->oracle);
        added = carve_selection_add_space(&s->sel, s->reads[i]) >= 0 && added;
    }
    unit_check_at(t, errors == 0, "the oracle's HDF5 calls succeed", file, line);
    unit_check_at(t, added, "carve_selection_add_space accepts every read", file, line);
    unit_check_no_error_at(t, file, line);
}

#define SCENARIO_BUILD(t, r, e, s) scenario_build_at((t), (r), (e), (s), __FILE__, __LINE__)

static void
scenario_free(scenario_t *s)
{
    for (size_t i = 0; i < s->nreads; i++)
        H5Sclose(s->reads[i]);
    carve_selection_clear(&s->sel);
    free(s->oracle);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Selections                                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

/* The oracle itself, on one known case each, so that a wrong oracle cannot pass everything. */
static void
test_oracle(unit_t *t)
{
    hsize_t dims[1] = {20}, pt[1] = {5}, lo[1], hi[1];
    hid_t   space    = H5Screate_simple(1, dims, NULL);
    uint8_t bits[20] = {0};

    H5Sselect_elements(space, H5S_SELECT_SET, 1, pt);
    lo[0] = hi[0] = 5;
    CHECK(t, H5Sselect_intersect_block(space, lo, hi) > 0);
    lo[0] = hi[0] = 4;
    CHECK(t, H5Sselect_intersect_block(space, lo, hi) == 0);
    lo[0] = 3, hi[0] = 4;
    CHECK(t, H5Sselect_intersect_block(space, lo, hi) == 0);
    lo[0] = 4, hi[0] = 5; /* end is inclusive */
    CHECK(t, H5Sselect_intersect_block(space, lo, hi) > 0);
    CHECK(t, oracle_mark(space, 1, dims, bits) == 0);
    CHECK(t, count_bits(bits, 20) == 1 && bits[5]);
    H5Sclose(space);
    CHECK_NO_ERROR(t);
}

/* (a) merge keeps the union, (b) never adds records, (e) npoints, to_space and is_empty agree. */
static void
test_selection_random(unit_t *t)
{
    unit_rng_t r = {0xC0FFEE01u};

    for (size_t e = 0; e < NEXTENTS; e++)
        for (int seq = 0; seq < SEQUENCES; seq++) {
            scenario_t s;
            uint8_t   *got = malloc(extent_elems(extents_g[e].rank, extents_g[e].dims));
            size_t     want_n, before;
            hid_t      space;

            SCENARIO_BUILD(t, &r, &extents_g[e], &s);
            want_n = count_bits(s.oracle, s.nelem);
            CHECK(t, records_valid(&s.sel));
            records_mark(&s.sel, got);
            SAME_BITS(t, s.oracle, got, s.rank, s.dims, "records before merge = union of the reads", &s.sel);
            CHECK(t, carve_selection_npoints(&s.sel) == (hsize_t)want_n);
            CHECK(t, carve_selection_is_empty(&s.sel) == (want_n == 0));

            /* to_space selects the union too (checked with the oracle's own method). */
            space = carve_selection_to_space(&s.sel);
            CHECK(t, space >= 0);
            if (space >= 0) {
                memset(got, 0, s.nelem);
                CHECK(t, oracle_mark(space, s.rank, s.dims, got) == 0);
                SAME_BITS(t, s.oracle, got, s.rank, s.dims, "to_space selects the union", NULL);
                CHECK(t, H5Sget_select_npoints(space) == (hssize_t)want_n);
                H5Sclose(space);
            }

            before = s.sel.nrecords;
            CHECK(t, carve_selection_merge(&s.sel) >= 0);
            CHECK(t, s.sel.nrecords <= before);
            CHECK(t, s.sel.merged == s.sel.nrecords);
            CHECK(t, records_valid(&s.sel));
            records_mark(&s.sel, got);
            SAME_BITS(t, s.oracle, got, s.rank, s.dims, "records after merge = union of the reads", &s.sel);
            CHECK(t, carve_selection_npoints(&s.sel) == (hsize_t)want_n);

            /* Merging again changes nothing. */
            before = s.sel.nrecords;
            CHECK(t, carve_selection_merge(&s.sel) >= 0);
            CHECK(t, s.sel.nrecords == before);
            records_mark(&s.sel, got);
            SAME_BITS(t, s.oracle, got, s.rank, s.dims, "records after a second merge = union", &s.sel);

            /* Adding after a merge: merged stays a prefix, the union grows by exactly the new read. */
            {
                hid_t extra = random_space(&r, s.rank, s.dims);

                CHECK(t, oracle_mark(extra, s.rank, s.dims, s.oracle) == 0);
                CHECK(t, carve_selection_add_space(&s.sel, extra) >= 0);
                CHECK(t, records_valid(&s.sel));
                records_mark(&s.sel, got);
                SAME_BITS(t, s.oracle, got, s.rank, s.dims, "records after one more read = union", &s.sel);
                CHECK(t, carve_selection_merge(&s.sel) >= 0);
                records_mark(&s.sel, got);
                SAME_BITS(t, s.oracle, got, s.rank, s.dims, "merge after one more read = union", &s.sel);
                CHECK(t, carve_selection_npoints(&s.sel) == (hsize_t)count_bits(s.oracle, s.nelem));
                H5Sclose(extra);
            }
            CHECK_NO_ERROR(t);
            free(got);
            scenario_free(&s);
        }
}

/* Records added with carve_selection_add directly vs. the same hyperslabs ORed by HDF5. */
static void
test_selection_add_records(unit_t *t)
{
    unit_rng_t r = {0xADD5EED5u};

    for (size_t e = 0; e < NEXTENTS; e++)
        for (int seq = 0; seq < SEQUENCES; seq++) {
            const extent_t   *x    = &extents_g[e];
            size_t            n    = extent_elems(x->rank, x->dims);
            uint8_t          *want = calloc(n, 1), *got = malloc(n);
            hid_t             space = H5Screate_simple(x->rank, x->dims, NULL);
            carve_selection_t sel;
            size_t            k = 1 + (size_t)unit_rng_below(&r, 8);

            carve_selection_init(&sel, x->rank, x->dims);
            H5Sselect_none(space);
            for (size_t i = 0; i < k; i++) {
                hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];
                bool    null_stride = unit_rng_below(&r, 4) == 0, null_block = unit_rng_below(&r, 4) == 0;

                random_hyperslab(&r, x->rank, x->dims, start, stride, count, block);
                for (int d = 0; d < x->rank; d++) { /* what NULL means, keeping the record valid */
                    if (null_block)
                        block[d] = 1;
                    if (null_stride) {
                        stride[d] = 1;
                        count[d]  = block[d] > 1 ? 1 : min_h(count[d], x->dims[d] - start[d]);
                    }
                }
                CHECK(t, carve_selection_add(&sel, start, null_stride ? NULL : stride, count,
                                             null_block ? NULL : block) >= 0);
                H5Sselect_hyperslab(space, H5S_SELECT_OR, start, stride, count, block);
            }
            CHECK(t, oracle_mark(space, x->rank, x->dims, want) == 0);
            CHECK(t, records_valid(&sel));
            records_mark(&sel, got);
            SAME_BITS(t, want, got, x->rank, x->dims, "added records = HDF5's OR of the hyperslabs", &sel);
            CHECK(t, carve_selection_npoints(&sel) == (hsize_t)H5Sget_select_npoints(space));
            CHECK(t, carve_selection_merge(&sel) >= 0);
            records_mark(&sel, got);
            SAME_BITS(t, want, got, x->rank, x->dims, "merged records = HDF5's OR of the hyperslabs", &sel);
            CHECK_NO_ERROR(t);
            carve_selection_clear(&sel);
            H5Sclose(space);
            free(want);
            free(got);
        }
}

/* Reads one hyperslab (start, count of 1-element blocks: the way H5Dread callers usually write it). */
static herr_t
add_box(carve_selection_t *sel, hid_t space, const hsize_t *start, const hsize_t *count)
{
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
        return -1;
    return carve_selection_add_space(sel, space);
}

/* (c) sequential reads collapse to one record; (d) duplicates collapse. */
static void
test_selection_sequential(unit_t *t)
{
    unit_rng_t        r = {0x5E0Au};
    carve_selection_t sel;
    hsize_t           dims2[2] = {37, 53}, dims3[3] = {9, 10, 11}, dims1[1] = {1000};
    hid_t             space2 = H5Screate_simple(2, dims2, NULL), space3 = H5Screate_simple(3, dims3, NULL);
    hid_t             space1 = H5Screate_simple(1, dims1, NULL);
    hsize_t           start[3], count[3], order[64];

    /* Row by row, forwards: one record all along (folded as the reads arrive). */
    carve_selection_init(&sel, 2, dims2);
    {
        size_t most = 0;

        for (hsize_t row = 0; row < 37; row++) {
            start[0] = row, start[1] = 0, count[0] = 1, count[1] = 53;
            CHECK(t, add_box(&sel, space2, start, count) >= 0);
            most = sel.nrecords > most ? sel.nrecords : most;
        }
        if (!CHECK(t, most == 1))
            unit_note(t, "37 rows read in order (start/count, as H5Dread callers write it): %zu records",
                      most);
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    if (!CHECK(t, sel.nrecords == 1))
        unit_note(t, "37 rows read in order, merged: %zu records", sel.nrecords);
    CHECK(t, carve_selection_npoints(&sel) == 37 * 53);
    carve_selection_clear(&sel);

    /* Backwards, and in slabs of 4 rows that overlap by one. */
    carve_selection_init(&sel, 2, dims2);
    for (hsize_t row = 37; row-- > 0;) {
        start[0] = row, start[1] = 0, count[0] = 1, count[1] = 53;
        CHECK(t, add_box(&sel, space2, start, count) >= 0);
    }
    CHECK(t, sel.nrecords == 1);
    carve_selection_clear(&sel);
    carve_selection_init(&sel, 2, dims2);
    for (hsize_t row = 0; row < 37; row += 3) {
        start[0] = row, start[1] = 0, count[0] = min_h(4, 37 - row), count[1] = 53;
        CHECK(t, add_box(&sel, space2, start, count) >= 0);
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == 37 * 53);
    carve_selection_clear(&sel);

    /* Rows in a random order: merge joins them into one. */
    for (hsize_t i = 0; i < 37; i++)
        order[i] = i;
    for (hsize_t i = 36; i > 0; i--) {
        hsize_t j = unit_rng_below(&r, i + 1), tmp = order[i];

        order[i] = order[j], order[j] = tmp;
    }
    carve_selection_init(&sel, 2, dims2);
    for (hsize_t i = 0; i < 37; i++) {
        start[0] = order[i], start[1] = 0, count[0] = 1, count[1] = 53;
        CHECK(t, add_box(&sel, space2, start, count) >= 0);
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == 37 * 53);
    carve_selection_clear(&sel);

    /* Tiles of 8x8 (ragged at the edges) in a random order: merge joins them into one. */
    carve_selection_init(&sel, 2, dims2);
    {
        hsize_t tiles = 5 * 7;

        for (hsize_t i = 0; i < tiles; i++)
            order[i] = i;
        for (hsize_t i = tiles - 1; i > 0; i--) {
            hsize_t j = unit_rng_below(&r, i + 1), tmp = order[i];

            order[i] = order[j], order[j] = tmp;
        }
        for (hsize_t i = 0; i < tiles; i++) {
            start[0] = (order[i] / 7) * 8, start[1] = (order[i] % 7) * 8;
            count[0] = min_h(8, 37 - start[0]), count[1] = min_h(8, 53 - start[1]);
            CHECK(t, add_box(&sel, space2, start, count) >= 0);
        }
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == 37 * 53);
    carve_selection_clear(&sel);

    /* 3-D: plane by plane, and row by row within each plane. */
    carve_selection_init(&sel, 3, dims3);
    for (hsize_t p = 0; p < 9; p++) {
        start[0] = p, start[1] = 0, start[2] = 0, count[0] = 1, count[1] = 10, count[2] = 11;
        CHECK(t, add_box(&sel, space3, start, count) >= 0);
    }
    CHECK(t, sel.nrecords == 1);
    carve_selection_clear(&sel);
    carve_selection_init(&sel, 3, dims3);
    for (hsize_t p = 0; p < 9; p++)
        for (hsize_t row = 0; row < 10; row++) {
            start[0] = p, start[1] = row, start[2] = 0, count[0] = 1, count[1] = 1, count[2] = 11;
            CHECK(t, add_box(&sel, space3, start, count) >= 0);
        }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == 9 * 10 * 11);
    carve_selection_clear(&sel);

    /* 1-D: pieces of 10, then element by element (points) over a second range. */
    carve_selection_init(&sel, 1, dims1);
    for (hsize_t i = 0; i < 1000; i += 10) {
        start[0] = i, count[0] = 10;
        CHECK(t, add_box(&sel, space1, start, count) >= 0);
    }
    CHECK(t, sel.nrecords == 1);
    carve_selection_clear(&sel);
    carve_selection_init(&sel, 1, dims1);
    for (hsize_t i = 100; i < 400; i++) {
        hsize_t pt[1] = {i};

        H5Sselect_elements(space1, H5S_SELECT_SET, 1, pt);
        CHECK(t, carve_selection_add_space(&sel, space1) >= 0);
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == 300);
    carve_selection_clear(&sel);

    /* (d) The same read many times: the records of one read, no more, after merge. */
    for (int rep = 0; rep < 40; rep++) {
        hid_t             read = random_space(&r, 2, dims2);
        carve_selection_t once, many;
        uint8_t           want[37 * 53] = {0}, got[37 * 53];

        carve_selection_init(&once, 2, dims2);
        carve_selection_init(&many, 2, dims2);
        CHECK(t, carve_selection_add_space(&once, read) >= 0);
        CHECK(t, carve_selection_merge(&once) >= 0);
        for (int k = 0; k < 25; k++)
            CHECK(t, carve_selection_add_space(&many, read) >= 0);
        CHECK(t, carve_selection_merge(&many) >= 0);
        CHECK(t, many.nrecords == once.nrecords);
        CHECK(t, oracle_mark(read, 2, dims2, want) == 0);
        records_mark(&many, got);
        SAME_BITS(t, want, got, 2, dims2, "25 copies of one read = the read", &many);
        carve_selection_clear(&once);
        carve_selection_clear(&many);
        H5Sclose(read);
    }
    /* One point, a million times: one record (kept one as they arrive). */
    carve_selection_init(&sel, 2, dims2);
    start[0] = 3, start[1] = 4, count[0] = count[1] = 1;
    for (int k = 0; k < 1000000; k++)
        if (carve_selection_add(&sel, start, NULL, count, NULL) < 0)
            break;
    CHECK(t, sel.nrecords == 1);
    CHECK(t, sel.capacity <= 16);
    CHECK(t, carve_selection_npoints(&sel) == 1);
    carve_selection_clear(&sel);
    /* Two alternating blocks: merge leaves two. */
    carve_selection_init(&sel, 2, dims2);
    for (int k = 0; k < 1000; k++) {
        start[0] = k % 2 ? 10 : 0, start[1] = k % 2 ? 20 : 0, count[0] = 1, count[1] = 1;
        hsize_t block[2] = {3, 3};

        CHECK(t, carve_selection_add(&sel, start, NULL, count, block) >= 0);
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 2);
    CHECK(t, carve_selection_npoints(&sel) == 18);
    carve_selection_clear(&sel);

    CHECK_NO_ERROR(t);
    H5Sclose(space1);
    H5Sclose(space2);
    H5Sclose(space3);
}

/* merge drops records contained in another record (carve_coverage.h: "duplicates and contained records
 * dropped"), whatever order they arrived in. */
static void
test_selection_merge_contained(unit_t *t)
{
    hsize_t           dims[2] = {37, 53}, one[2] = {1, 1};
    carve_selection_t sel;

    /* Scattered points, then the whole extent. */
    carve_selection_init(&sel, 2, dims);
    for (hsize_t i = 0; i < 10; i++)
        CHECK(t, carve_selection_add(&sel, (hsize_t[]){3 * i, 5 * i}, NULL, one, NULL) >= 0);
    CHECK(t, carve_selection_add_all(&sel) >= 0);
    CHECK(t, carve_selection_merge(&sel) >= 0);
    if (!CHECK(t, sel.nrecords == 1))
        unit_note(t, "10 points then all: %zu records after merge", sel.nrecords);
    CHECK(t, carve_selection_npoints(&sel) == 37 * 53);
    carve_selection_clear(&sel);

    /* The whole extent, then a strided hyperslab inside it. */
    CHECK(t, carve_selection_add_all(&sel) >= 0);
    CHECK(t, carve_selection_add(&sel, (hsize_t[]){0, 0}, (hsize_t[]){4, 4}, (hsize_t[]){3, 3}, NULL) >= 0);
    CHECK(t, carve_selection_merge(&sel) >= 0);
    if (!CHECK(t, sel.nrecords == 1))
        unit_note(t, "all then a strided hyperslab: %zu records after merge", sel.nrecords);
    carve_selection_clear(&sel);

    /* A block, a point far away, then a point inside the block. */
    CHECK(t, carve_selection_add(&sel, (hsize_t[]){0, 0}, NULL, one, (hsize_t[]){10, 10}) >= 0);
    CHECK(t, carve_selection_add(&sel, (hsize_t[]){20, 20}, NULL, one, NULL) >= 0);
    CHECK(t, carve_selection_add(&sel, (hsize_t[]){1, 1}, NULL, one, NULL) >= 0);
    CHECK(t, carve_selection_merge(&sel) >= 0);
    if (!CHECK(t, sel.nrecords == 2))
        unit_note(t, "block, far point, point inside the block: %zu records after merge", sel.nrecords);
    CHECK(t, carve_selection_npoints(&sel) == 101);
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);
}

/* Scattered points (some arriving right below the previous one, which folds them into two-row blocks),
 * 1 x k runs and a few taller blocks: the row-major merge keeps the union, leaves no record inside another
 * and no two that one block could hold, puts the records in row-major order, and merging again changes
 * nothing; the same with every record a point, in 3-D. */
static void
test_selection_merge_rowmajor(unit_t *t)
{
    unit_rng_t r = {0x20E5A7u};

    for (int rep = 0; rep < 60; rep++) {
        int               rank    = rep % 3 == 2 ? 3 : 2;
        hsize_t           dims[3] = {37, 53, 11}, one[3] = {1, 1, 1};
        size_t            nelem = extent_elems(rank, dims);
        uint8_t          *want = calloc(nelem, 1), *got = malloc(nelem);
        carve_selection_t sel;
        size_t            before;
        int               inside = 0, ordered = 1;

        carve_selection_init(&sel, rank, dims);
        for (int k = 0; k < 400 && want && got; k++) {
            hsize_t start[3], block[3] = {1, 1, 1};
            int     kind = (int)unit_rng_below(&r, 40);

            for (int d = 0; d < rank; d++)
                start[d] = unit_rng_below(&r, dims[d] - 3);
            if (kind == 0 && sel.nrecords > 0) { /* right below the record just added */
                memcpy(start, CARVE_RECORD_START(&sel, sel.nrecords - 1), (size_t)rank * sizeof *start);
                start[0] = start[0] + 1 < dims[0] ? start[0] + 1 : start[0];
            }
            else if (kind == 1)
                block[0] = block[1] = 3; /* a taller block */
            else if (kind < 8)
                block[rank - 1] = 1 + unit_rng_below(&r, 3); /* a run */
            CHECK(t, carve_selection_add(&sel, start, NULL, one, block) >= 0);
            for (hsize_t i = 0; i < block[0]; i++)
                for (hsize_t j = 0; j < block[1]; j++)
                    for (hsize_t l = 0; l < (rank == 3 ? block[2] : 1); l++) {
                        size_t at = (size_t)(start[0] + i) * dims[1] + start[1] + j;

                        want[rank == 3 ? at * dims[2] + start[2] + l : at] = 1;
                    }
        }
        CHECK(t, carve_selection_merge(&sel) >= 0);
        records_mark(&sel, got);
        SAME_BITS(t, want, got, rank, dims, "row-major merge = the union", &sel);
        for (size_t i = 0; i < sel.nrecords; i++) {
            const hsize_t *a = CARVE_RECORD_START(&sel, i);

            if (i > 0 && carve_linear_index(rank, dims, CARVE_RECORD_START(&sel, i - 1)) >
                             carve_linear_index(rank, dims, a))
                ordered = 0;
            for (size_t j = 0; j < sel.nrecords; j++) {
                const hsize_t *b  = CARVE_RECORD_START(&sel, j);
                int            in = i != j;

                for (int d = 0; d < rank && in; d++)
                    in = b[d] <= a[d] && a[d] + a[3 * rank + d] <= b[d] + b[3 * rank + d];
                inside += in;
            }
        }
        CHECK(t, ordered);
        if (!CHECK(t, inside == 0))
            unit_note(t, "repetition %d: %d records inside another of %zu", rep, inside, sel.nrecords);
        before     = sel.nrecords;
        sel.merged = 0; /* merge again for real */
        CHECK(t, carve_selection_merge(&sel) >= 0 && sel.nrecords == before);
        carve_selection_clear(&sel);
        free(want);
        free(got);
    }
    CHECK_NO_ERROR(t);
}

/* Runs in an extent too large for a bitmap (2^20 x 2^40 x 5: linear indices of 63 bits, sorted in several
 * radix passes), among them blocks of two rows: the merge keeps every element (each point is inside a
 * record, and the records count as many elements as there are distinct points), orders the records
 * row-major and joins what touches. */
static int
point_compare(const void *pa, const void *pb)
{
    const hsize_t *a = pa, *b = pb;

    for (int d = 0; d < 3; d++)
        if (a[d] != b[d])
            return a[d] < b[d] ? -1 : 1;
    return 0;
}

static void
test_selection_merge_runs_wide(unit_t *t)
{
    enum { NPOINTS = 3000 };
    unit_rng_t        r       = {0x51DEu};
    hsize_t           dims[3] = {(hsize_t)1 << 20, (hsize_t)1 << 40, 5}, one[3] = {1, 1, 1};
    hsize_t          *points  = malloc(2 * NPOINTS * 3 * sizeof *points);
    size_t            npoints = 0, distinct = 0, missing = 0;
    carve_selection_t sel;
    int               ordered = 1;

    if (!CHECK(t, points != NULL))
        return;
    carve_selection_init(&sel, 3, dims);
    for (int k = 0; k < NPOINTS; k++) {
        hsize_t start[3], block[3] = {1, 1, 1};
        int     kind = (int)unit_rng_below(&r, 20);

        /* Few distinct rows and columns, so that points meet. */
        start[0] = unit_rng_below(&r, 4) << 18;
        start[1] = (unit_rng_below(&r, 3) << 38) + unit_rng_below(&r, 40);
        start[2] = unit_rng_below(&r, 5);
        if (kind == 0 && start[0] + 1 < dims[0])
            block[0] = 2; /* two rows: cut into runs */
        CHECK(t, carve_selection_add(&sel, start, NULL, one, block) >= 0);
        for (hsize_t i = 0; i < block[0]; i++) {
            hsize_t *p = points + 3 * npoints++;

            p[0] = start[0] + i, p[1] = start[1], p[2] = start[2];
        }
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    qsort(points, npoints, 3 * sizeof *points, point_compare);
    for (size_t i = 0; i < npoints; i++) {
        const hsize_t *p  = points + 3 * i;
        int            in = 0;

        if (i > 0 && point_compare(p - 3, p) == 0)
            continue;
        distinct++;
        for (size_t j = 0; j < sel.nrecords && !in; j++) {
            const hsize_t *a = CARVE_RECORD_START(&sel, j), *b = CARVE_RECORD_BLOCK(&sel, j);

            in = 1;
            for (int d = 0; d < 3 && in; d++)
                in = a[d] <= p[d] && p[d] < a[d] + b[d];
        }
        missing += !in;
    }
    for (size_t j = 1; j < sel.nrecords; j++)
        ordered &= point_compare(CARVE_RECORD_START(&sel, j - 1), CARVE_RECORD_START(&sel, j)) < 0;
    CHECK(t, missing == 0);
    CHECK(t, ordered);
    CHECK(t, carve_selection_npoints(&sel) == (hsize_t)distinct);
    if (!CHECK(t, sel.nrecords < distinct))
        unit_note(t, "%zu records for %zu distinct points", sel.nrecords, distinct);
    CHECK_NO_ERROR(t);
    carve_selection_clear(&sel);
    free(points);
}

/* Point and block lists longer than the batches carve reads them in (4096): every point and block kept. */
static void
test_selection_batches(unit_t *t)
{
    hsize_t           dims[1] = {30000}, dims2[2] = {200, 300}, npts = 9001;
    hsize_t          *pts   = malloc(npts * sizeof *pts);
    hid_t             space = H5Screate_simple(1, dims, NULL), space2 = H5Screate_simple(2, dims2, NULL);
    uint8_t          *want = calloc(dims[0], 1), *got = malloc(dims[0]);
    uint8_t          *want2 = calloc(200 * 300, 1), *got2 = malloc(200 * 300);
    carve_selection_t sel;
    carve_chunkset_t  cs;
    hssize_t          nblocks;

    /* 9001 points, every third element, in a shuffled order. */
    for (hsize_t i = 0; i < npts; i++)
        pts[i] = 3 * ((i * 4099) % npts);
    H5Sselect_elements(space, H5S_SELECT_SET, npts, pts);
    carve_selection_init(&sel, 1, dims);
    CHECK(t, carve_selection_add_space(&sel, space) >= 0);
    CHECK(t, sel.nrecords == npts);
    CHECK(t, oracle_mark(space, 1, dims, want) == 0);
    records_mark(&sel, got);
    SAME_BITS(t, want, got, 1, dims, "9001 points: every one recorded", NULL);
    CHECK(t, count_bits(got, dims[0]) == npts);
    CHECK(t, carve_chunkset_init(&cs, 1, dims, (hsize_t[]){1000}) >= 0);
    CHECK(t, carve_chunkset_add_space(&cs, space) >= 0);
    CHECK(t, carve_chunkset_finish(&cs) >= 0 && cs.n == 28); /* points reach 3 * 9000 = 27000 */
    carve_chunkset_clear(&cs);
    carve_selection_clear(&sel);

    /* An irregular 2-D selection of more than 4096 blocks. */
    H5Sselect_hyperslab(space2, H5S_SELECT_SET, (hsize_t[]){0, 0}, (hsize_t[]){2, 3}, (hsize_t[]){100, 100},
                        NULL);
    H5Sselect_hyperslab(space2, H5S_SELECT_OR, (hsize_t[]){1, 1}, (hsize_t[]){7, 5}, (hsize_t[]){28, 60},
                        NULL);
    nblocks = H5Sget_select_hyper_nblocks(space2);
    CHECK(t, nblocks > 4096);
    carve_selection_init(&sel, 2, dims2);
    CHECK(t, carve_selection_add_space(&sel, space2) >= 0);
    CHECK(t, oracle_mark(space2, 2, dims2, want2) == 0);
    records_mark(&sel, got2);
    SAME_BITS(t, want2, got2, 2, dims2, "more than 4096 blocks: every one recorded", NULL);
    CHECK(t, carve_selection_merge(&sel) >= 0);
    records_mark(&sel, got2);
    SAME_BITS(t, want2, got2, 2, dims2, "more than 4096 blocks, merged", NULL);
    CHECK(t, count_bits(got2, 200 * 300) == (size_t)H5Sget_select_npoints(space2));
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);

    H5Sclose(space);
    H5Sclose(space2);
    free(pts);
    free(want);
    free(got);
    free(want2);
    free(got2);
}

/* Builds a one-point selection on a new dataspace. */
static hid_t
point_space(int rank, const hsize_t *dims, const hsize_t *c)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);

    H5Sselect_elements(space, H5S_SELECT_SET, 1, c);
    return space;
}

/* Checks contains(query) against the oracle: 1 exactly when every element of query is in the union. */
static void
check_contains_at(unit_t *t, const scenario_t *s, hid_t query, const char *what, const char *file, int line)
{
    uint8_t *q      = calloc(s->nelem, 1);
    bool     subset = true;
    int      got;

    unit_check_at(t, oracle_mark(query, s->rank, s->dims, q) == 0, "the oracle's HDF5 calls succeed", file,
                  line);
    for (size_t i = 0; i < s->nelem && subset; i++)
        subset = !q[i] || s->oracle[i];
    got = carve_selection_contains(&s->sel, query);
    if (!unit_check_at(t, got == (subset ? 1 : 0), what, file, line))
        unit_note(t, "contains returned %d, expected %d (query of %zu elements, union of %zu)", got,
                  subset ? 1 : 0, count_bits(q, s->nelem), count_bits(s->oracle, s->nelem));
    unit_check_no_error_at(t, file, line);
    free(q);
}

#define CHECK_CONTAINS(t, s, query, what) check_contains_at((t), (s), (query), (what), __FILE__, __LINE__)

/* (f) contains, for subset and non-subset queries of every kind. */
static void
test_selection_contains(unit_t *t)
{
    unit_rng_t r = {0xC047A125u};

    for (size_t e = 0; e < NEXTENTS; e++)
        for (int seq = 0; seq < SEQUENCES; seq++) {
            scenario_t s;
            size_t     members = 0, outsiders;
            hsize_t    c[H5S_MAX_RANK];

            SCENARIO_BUILD(t, &r, &extents_g[e], &s);
            if (unit_rng_below(&r, 2))
                CHECK(t, carve_selection_merge(&s.sel) >= 0);
            members   = count_bits(s.oracle, s.nelem);
            outsiders = s.nelem - members;

            /* Every read is contained. */
            for (size_t i = 0; i < s.nreads; i++)
                CHECK_CONTAINS(t, &s, s.reads[i], "a read is contained in the coverage");
            /* Random queries of every kind (mostly not contained). */
            for (int k = 0; k < 4; k++) {
                hid_t q = random_space(&r, s.rank, s.dims);

                CHECK_CONTAINS(t, &s, q, "random query: contains agrees with the oracle");
                H5Sclose(q);
            }
            /* Single points in and out: a random covered element, then a random uncovered one. */
            for (int k = 0; k < 4; k++)
                for (int covered = 1; covered >= 0; covered--) {
                    size_t candidates = covered ? members : outsiders, nth, lin;
                    hid_t  q;

                    if (candidates == 0)
                        continue;
                    nth = (size_t)unit_rng_below(&r, candidates);
                    for (lin = 0; lin < s.nelem; lin++)
                        if ((s.oracle[lin] != 0) == covered && nth-- == 0)
                            break;
                    lin_coords(lin, s.rank, s.dims, c);
                    q = point_space(s.rank, s.dims, c);
                    CHECK_CONTAINS(t, &s, q,
                                   covered ? "a covered point is contained"
                                           : "an uncovered point is not contained");
                    H5Sselect_hyperslab(q, H5S_SELECT_SET, c, NULL, (hsize_t[]){1, 1, 1}, NULL);
                    CHECK_CONTAINS(t, &s, q,
                                   covered ? "a covered one-element hyperslab is contained"
                                           : "an uncovered one-element hyperslab is not contained");
                    H5Sclose(q);
                }
            /* Several covered points, then the same plus one uncovered point. */
            if (members > 0) {
                hsize_t pts[17 * H5S_MAX_RANK];
                size_t  k = 1 + (size_t)unit_rng_below(&r, 16);
                hid_t   q = H5Screate_simple(s.rank, s.dims, NULL);

                for (size_t p = 0; p < k; p++) {
                    size_t nth = (size_t)unit_rng_below(&r, members), lin;

                    for (lin = 0; lin < s.nelem; lin++)
                        if (s.oracle[lin] && nth-- == 0)
                            break;
                    lin_coords(lin, s.rank, s.dims, pts + p * (size_t)s.rank);
                }
                H5Sselect_elements(q, H5S_SELECT_SET, k, pts);
                CHECK_CONTAINS(t, &s, q, "covered points are contained");
                if (outsiders > 0) {
                    size_t nth = (size_t)unit_rng_below(&r, outsiders), lin;

                    for (lin = 0; lin < s.nelem; lin++)
                        if (!s.oracle[lin] && nth-- == 0)
                            break;
                    lin_coords(lin, s.rank, s.dims, pts + k * (size_t)s.rank);
                    H5Sselect_elements(q, H5S_SELECT_SET, k + 1, pts);
                    CHECK_CONTAINS(t, &s, q, "covered points plus one uncovered are not contained");
                }
                H5Sclose(q);
            }
            /* Part of a hyperslab read (the read AND a random hyperslab). */
            for (size_t i = 0; i < s.nreads; i++)
                if (H5Sget_select_type(s.reads[i]) == H5S_SEL_HYPERSLABS) {
                    hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK],
                        block[H5S_MAX_RANK];
                    hid_t q = H5Scopy(s.reads[i]);

                    random_hyperslab(&r, s.rank, s.dims, start, stride, count, block);
                    H5Sselect_hyperslab(q, H5S_SELECT_AND, start, stride, count, block);
                    CHECK_CONTAINS(t, &s, q, "part of a read is contained");
                    H5Sselect_hyperslab(q, H5S_SELECT_OR, start, stride, count, block);
                    CHECK_CONTAINS(t, &s, q, "a read's part ORed with a hyperslab: contains agrees");
                    H5Sclose(q);
                }
            /* All and none. */
            {
                hid_t q = H5Screate_simple(s.rank, s.dims, NULL);

                CHECK_CONTAINS(t, &s, q, "the whole extent: contained only when all is covered");
                H5Sselect_none(q);
                CHECK_CONTAINS(t, &s, q, "an empty query is contained");
                CHECK(t, carve_selection_contains(&s.sel, q) == 1);
                H5Sclose(q);
            }
            scenario_free(&s);
        }
}

/* (g) union = the oracle's OR; (h) copy is equal and independent. */
static void
test_selection_union_copy(unit_t *t)
{
    unit_rng_t r = {0x0E10u};

    for (size_t e = 0; e < NEXTENTS; e++)
        for (int seq = 0; seq < SEQUENCES; seq++) {
            scenario_t        a, b;
            carve_selection_t c, d;
            uint8_t          *want, *got;
            size_t            n = extent_elems(extents_g[e].rank, extents_g[e].dims);

            SCENARIO_BUILD(t, &r, &extents_g[e], &a);
            SCENARIO_BUILD(t, &r, &extents_g[e], &b);
            if (unit_rng_below(&r, 2))
                carve_selection_merge(&a.sel);
            if (unit_rng_below(&r, 2))
                carve_selection_merge(&b.sel);
            want = malloc(n);
            got  = malloc(n);
            for (size_t i = 0; i < n; i++)
                want[i] = a.oracle[i] | b.oracle[i];

            /* (h) copy */
            CHECK(t, carve_selection_copy(&c, &a.sel) >= 0);
            CHECK(t, c.rank == a.sel.rank && c.nrecords == a.sel.nrecords && c.merged == a.sel.merged);
            CHECK(t, memcmp(c.dims, a.sel.dims, sizeof c.dims) == 0);
            CHECK(t, c.nrecords == 0 || memcmp(c.records, a.sel.records,
                                               c.nrecords * 4 * (size_t)c.rank * sizeof *c.records) == 0);
            CHECK(t, c.nrecords == 0 || c.records != a.sel.records);
            records_mark(&c, got);
            SAME_BITS(t, a.oracle, got, a.rank, a.dims, "a copy holds the same union", &c);

            /* (g) union into the copy */
            CHECK(t, carve_selection_union(&c, &b.sel) >= 0);
            CHECK(t, records_valid(&c));
            records_mark(&c, got);
            SAME_BITS(t, want, got, a.rank, a.dims, "union = OR of both unions", &c);
            CHECK(t, carve_selection_npoints(&c) == (hsize_t)count_bits(want, n));
            CHECK(t, carve_selection_merge(&c) >= 0);
            records_mark(&c, got);
            SAME_BITS(t, want, got, a.rank, a.dims, "merged union = OR of both unions", &c);

            /* The source of the copy is untouched by all that, and the copy by changes to the source. */
            records_mark(&a.sel, got);
            SAME_BITS(t, a.oracle, got, a.rank, a.dims, "copying and changing the copy leaves the source",
                      &a.sel);
            CHECK(t, carve_selection_copy(&d, &b.sel) >= 0);
            CHECK(t, carve_selection_add_all(&b.sel) >= 0);
            CHECK(t, carve_selection_merge(&b.sel) >= 0);
            records_mark(&d, got);
            SAME_BITS(t, b.oracle, got, b.rank, b.dims, "changing the source leaves the copy", &d);

            /* Union with a copy of itself: the same union; once merged, no more records than before. */
            {
                carve_selection_t self;
                size_t            before;

                CHECK(t, carve_selection_copy(&self, &d) >= 0);
                CHECK(t, carve_selection_union(&d, &self) >= 0);
                records_mark(&d, got);
                SAME_BITS(t, b.oracle, got, b.rank, b.dims, "union with itself = itself", &d);
                carve_selection_clear(&self);
                CHECK(t, carve_selection_merge(&d) >= 0);
                before = d.nrecords;
                CHECK(t, carve_selection_copy(&self, &d) >= 0);
                CHECK(t, carve_selection_union(&d, &self) >= 0);
                CHECK(t, carve_selection_merge(&d) >= 0);
                if (!CHECK(t, d.nrecords <= before))
                    unit_note(t, "merged selection of %zu records, union with its copy, merged: %zu records",
                              before, d.nrecords);
                records_mark(&d, got);
                SAME_BITS(t, b.oracle, got, b.rank, b.dims, "merged union with itself = itself", &d);
                carve_selection_clear(&self);
            }
            CHECK_NO_ERROR(t);
            carve_selection_clear(&c);
            carve_selection_clear(&d);
            free(want);
            free(got);
            scenario_free(&a);
            scenario_free(&b);
        }
}

/* clear empties a selection and keeps its extent, so it can be reused. */
static void
test_selection_clear(unit_t *t)
{
    hsize_t           dims[3] = {9, 10, 11}, start[3] = {8, 9, 10}, count[3] = {1, 1, 1};
    carve_selection_t sel;

    carve_selection_init(&sel, 3, dims);
    CHECK(t, sel.rank == 3 && sel.nrecords == 0 && sel.merged == 0 && carve_selection_is_empty(&sel));
    CHECK(t, carve_selection_add_all(&sel) >= 0);
    CHECK(t, carve_selection_npoints(&sel) == 990);
    carve_selection_clear(&sel);
    CHECK(t, sel.rank == 3 && sel.nrecords == 0 && sel.records == NULL && carve_selection_is_empty(&sel));
    CHECK(t, sel.dims[0] == 9 && sel.dims[1] == 10 && sel.dims[2] == 11);
    CHECK(t, carve_selection_add(&sel, start, NULL, count, NULL) >= 0);
    CHECK(t, carve_selection_add_all(&sel) >= 0);
    CHECK(t, carve_selection_npoints(&sel) == 990);
    CHECK_NO_ERROR(t);
    carve_selection_clear(&sel);
    carve_selection_clear(&sel); /* twice is harmless */
    CHECK(t, sel.nrecords == 0 && sel.records == NULL);
}

/* (i) scalar dataspaces, zero-sized extents, null dataspaces. */
static void
test_selection_edges(unit_t *t)
{
    carve_selection_t sel, copy;
    hid_t             scalar = H5Screate(H5S_SCALAR), null = H5Screate(H5S_NULL), space;
    hsize_t           zero2[2] = {0, 5}, zero1[1] = {0}, dims2[2] = {4, 5};

    /* Scalar: "all" adds one rank-0 record, once. */
    carve_selection_init(&sel, 0, NULL);
    CHECK(t, carve_selection_is_empty(&sel) && carve_selection_npoints(&sel) == 0);
    CHECK(t, carve_selection_contains(&sel, scalar) == 0);
    H5Sselect_none(scalar);
    CHECK(t, carve_selection_add_space(&sel, scalar) >= 0);
    CHECK(t, sel.nrecords == 0);
    CHECK(t, carve_selection_contains(&sel, scalar) == 1); /* nothing asked for */
    H5Sselect_all(scalar);
    CHECK(t, carve_selection_add_space(&sel, scalar) >= 0);
    CHECK(t, sel.nrecords == 1 && !carve_selection_is_empty(&sel));
    CHECK(t, carve_selection_npoints(&sel) == 1);
    CHECK(t, carve_selection_contains(&sel, scalar) == 1);
    CHECK(t, carve_selection_add_space(&sel, scalar) >= 0);
    CHECK(t, carve_selection_add_all(&sel) >= 0);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, sel.nrecords == 1 && sel.merged == 1);
    space = carve_selection_to_space(&sel);
    CHECK(t,
          space >= 0 && H5Sget_simple_extent_type(space) == H5S_SCALAR && H5Sget_select_npoints(space) == 1);
    if (space >= 0)
        H5Sclose(space);
    CHECK(t, carve_selection_copy(&copy, &sel) >= 0);
    CHECK(t, copy.rank == 0 && copy.nrecords == 1 && carve_selection_npoints(&copy) == 1);
    CHECK(t, carve_selection_union(&copy, &sel) >= 0);
    CHECK(t, copy.nrecords == 1);
    carve_selection_clear(&copy);
    CHECK(t, carve_selection_add_space(&sel, null) >= 0); /* null: nothing */
    CHECK(t, sel.nrecords == 1);
    carve_selection_clear(&sel);
    CHECK(t, sel.rank == 0 && sel.nrecords == 0);
    space = carve_selection_to_space(&sel);
    CHECK(t, space >= 0 && H5Sget_select_npoints(space) == 0);
    if (space >= 0)
        H5Sclose(space);
    /* A scalar union into an empty scalar selection. */
    carve_selection_init(&copy, 0, NULL);
    carve_selection_add_all(&sel);
    CHECK(t, carve_selection_union(&copy, &sel) >= 0);
    CHECK(t, copy.nrecords == 1 && carve_selection_npoints(&copy) == 1);
    carve_selection_clear(&copy);
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);

    /* Zero-sized extents: nothing to add, everything (nothing) contained. */
    carve_selection_init(&sel, 2, zero2);
    CHECK(t, carve_selection_add_all(&sel) >= 0);
    CHECK(t, sel.nrecords == 0 && carve_selection_is_empty(&sel) && carve_selection_npoints(&sel) == 0);
    space = H5Screate_simple(2, zero2, NULL);
    CHECK(t, carve_selection_add_space(&sel, space) >= 0); /* "all" of nothing */
    CHECK(t, sel.nrecords == 0);
    H5Sselect_none(space);
    CHECK(t, carve_selection_add_space(&sel, space) >= 0);
    CHECK(t, sel.nrecords == 0);
    CHECK(t, carve_selection_merge(&sel) >= 0 && sel.nrecords == 0);
    H5Sselect_all(space);
    CHECK(t, carve_selection_contains(&sel, space) == 1);
    H5Sclose(space);
    space = carve_selection_to_space(&sel);
    CHECK(t, space >= 0 && H5Sget_select_npoints(space) == 0);
    if (space >= 0)
        H5Sclose(space);
    carve_selection_clear(&sel);
    carve_selection_init(&sel, 1, zero1);
    CHECK(t, carve_selection_add_all(&sel) >= 0 && sel.nrecords == 0);
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);

    /* Null dataspace: adds nothing, to a selection of any rank. */
    carve_selection_init(&sel, 2, dims2);
    CHECK(t, carve_selection_add_space(&sel, null) >= 0);
    CHECK(t, sel.nrecords == 0);
    CHECK(t, carve_selection_contains(&sel, null) == 1);
    carve_selection_add_all(&sel);
    CHECK(t, carve_selection_add_space(&sel, null) >= 0);
    CHECK(t, sel.nrecords == 1 && carve_selection_npoints(&sel) == 20);
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);

    H5Sclose(scalar);
    H5Sclose(null);
}

/* A call that must fail, leave the selection's records as they were, and say why. */
#define BAD_ADD(t, sel, start, stride, count, block, ...)                                                    \
    do {                                                                                                     \
        size_t before_ = (sel)->nrecords;                                                                    \
        H5Eclear2(H5E_DEFAULT);                                                                              \
        CHECK((t), carve_selection_add((sel), (start), (stride), (count), (block)) < 0);                     \
        CHECK_ERROR((t), CARVE_E_BADVALUE, __VA_ARGS__);                                                     \
        CHECK((t), (sel)->nrecords == before_);                                                              \
    } while (0)

static void
test_selection_errors(unit_t *t)
{
    hsize_t           dims[2] = {37, 53}, dims3[3] = {9, 10, 11}, one[2] = {1, 1};
    carve_selection_t sel, other;
    hid_t             space3 = H5Screate_simple(3, dims3, NULL), wide;
    hsize_t           big[2] = {38, 53};

    carve_selection_init(&sel, 2, dims);
    carve_selection_add_all(&sel);
    carve_selection_merge(&sel);

    /* Outside the extent: start, start + block, the last strided block, a count that wraps around. */
    BAD_ADD(t, &sel, ((hsize_t[]){37, 0}), NULL, one, NULL, "outside the extent", "dimension 0");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 53}), NULL, one, NULL, "outside the extent", "dimension 1");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 50}), NULL, one, ((hsize_t[]){1, 4}), "outside the extent",
            "dimension 1");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), ((hsize_t[]){10, 1}), ((hsize_t[]){4, 1}), ((hsize_t[]){8, 1}),
            "outside the extent", "dimension 0");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), ((hsize_t[]){1, 1}), ((hsize_t[]){1, 54}), NULL,
            "outside the extent", "dimension 1");
    BAD_ADD(t, &sel, ((hsize_t[]){1, 0}), ((hsize_t[]){(hsize_t)1 << 62, 1}), ((hsize_t[]){5, 1}), NULL,
            "outside the extent", "dimension 0");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), NULL, ((hsize_t[]){HSIZE_UNDEF, 1}), NULL, "outside the extent");
    /* A block so long that start + block wraps around to a small number. */
    BAD_ADD(t, &sel, ((hsize_t[]){1, 0}), NULL, one, ((hsize_t[]){HSIZE_UNDEF, 1}), "outside the extent",
            "dimension 0");
    BAD_ADD(t, &sel, ((hsize_t[]){5, 0}), NULL, one, ((hsize_t[]){HSIZE_UNDEF - 3, 1}), "outside the extent",
            "dimension 0");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 3}), ((hsize_t[]){1, 10}), ((hsize_t[]){1, 2}),
            ((hsize_t[]){1, HSIZE_UNDEF - 9}), "dimension 1");
    /* Zero count or block. */
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), NULL, ((hsize_t[]){1, 0}), NULL, "zero count", "dimension 1");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), NULL, ((hsize_t[]){0, 1}), NULL, "zero count", "dimension 0");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), NULL, one, ((hsize_t[]){1, 0}), "zero count or block",
            "dimension 1");
    /* Stride smaller than block (overlapping blocks), and stride 0. */
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), ((hsize_t[]){1, 2}), ((hsize_t[]){1, 3}), ((hsize_t[]){1, 3}),
            "stride 2 smaller than block 3", "dimension 1");
    BAD_ADD(t, &sel, ((hsize_t[]){0, 0}), ((hsize_t[]){0, 1}), ((hsize_t[]){2, 1}), NULL,
            "stride 0 smaller than block 1", "dimension 0");
    /* ...but a stride below the block is fine with a count of 1 (the stride is unused). */
    CHECK(t, carve_selection_add(&sel, ((hsize_t[]){2, 0}), ((hsize_t[]){1, 0}), one, ((hsize_t[]){3, 53})) >=
                 0);
    CHECK(t, CARVE_RECORD_STRIDE(&sel, sel.nrecords - 1)[0] >= 1 || sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == 37 * 53);
    CHECK(t, records_valid(&sel));
    CHECK_NO_ERROR(t);

    /* Exactly at the edges is fine. */
    carve_selection_clear(&sel);
    CHECK(t, carve_selection_add(&sel, ((hsize_t[]){36, 52}), NULL, one, NULL) >= 0);
    CHECK(t, carve_selection_add(&sel, ((hsize_t[]){0, 1}), ((hsize_t[]){36, 13}), ((hsize_t[]){2, 4}),
                                 ((hsize_t[]){1, 1})) >= 0);
    CHECK(t, carve_selection_npoints(&sel) == 9);
    CHECK_NO_ERROR(t);

    /* Rank mismatch: a 3-D read on a 2-D selection. */
    H5Eclear2(H5E_DEFAULT);
    CHECK(t, carve_selection_add_space(&sel, space3) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "rank 3", "rank 2");
    CHECK(t, carve_selection_contains(&sel, space3) != 1);
    H5Eclear2(H5E_DEFAULT);
    /* Same rank, larger extent, selection beyond ours. */
    wide = H5Screate_simple(2, big, NULL);
    H5Sselect_hyperslab(wide, H5S_SELECT_SET, ((hsize_t[]){37, 0}), NULL, one, NULL);
    CHECK(t, carve_selection_add_space(&sel, wide) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "outside the extent");
    H5Sselect_elements(wide, H5S_SELECT_SET, 1, ((hsize_t[]){37, 0}));
    CHECK(t, carve_selection_add_space(&sel, wide) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "outside the extent");
    H5Sclose(wide);
    /* An invalid dataspace ID. */
    CHECK(t, carve_selection_add_space(&sel, H5I_INVALID_HID) < 0);
    CHECK_ERROR(t, CARVE_E_UNDERLYING, "rank");
    /* Union of different ranks. */
    carve_selection_init(&other, 3, dims3);
    carve_selection_add_all(&other);
    CHECK(t, carve_selection_union(&sel, &other) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "union", "rank 2", "3");
    CHECK(t, carve_selection_npoints(&sel) == 9);
    carve_selection_clear(&other);
    carve_selection_clear(&sel);
    H5Sclose(space3);
    H5Eclear2(H5E_DEFAULT);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Chunk sets                                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

/* A chunk shape for dims: 1, a divisor, a non-divisor, the whole dimension, or more than it. */
static void
random_chunk(unit_rng_t *r, int rank, const hsize_t *dims, hsize_t *chunk)
{
    for (int d = 0; d < rank; d++) {
        hsize_t n = dims[d];

        switch (unit_rng_below(r, 6)) {
            case 0:
                chunk[d] = 1;
                break;
            case 1:
                chunk[d] = n;
                break;
            case 2:
                chunk[d] = n + 1 + unit_rng_below(r, 10);
                break;
            default:
                chunk[d] = 1 + unit_rng_below(r, n < 16 ? n : n / 3);
                break;
        }
    }
}

typedef struct grid_t {
    int     rank;
    hsize_t dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK], grid[H5S_MAX_RANK];
    size_t  nchunks;
} grid_t;

static void
grid_init(grid_t *g, int rank, const hsize_t *dims, const hsize_t *chunk)
{
    g->rank    = rank;
    g->nchunks = 1;
    for (int d = 0; d < rank; d++) {
        g->dims[d]  = dims[d];
        g->chunk[d] = chunk[d];
        g->grid[d]  = dims[d] == 0 ? 1 : (dims[d] + chunk[d] - 1) / chunk[d];
        g->nchunks *= (size_t)g->grid[d];
    }
}

/* The oracle for chunks: ORs into cbits every chunk (clipped to the extent) the selection intersects. */
static unsigned
oracle_chunks(const grid_t *g, hid_t space_id, uint8_t *cbits)
{
    unsigned errors = 0;
    hsize_t  c[H5S_MAX_RANK], lo[H5S_MAX_RANK], hi[H5S_MAX_RANK];

    for (size_t lin = 0; lin < g->nchunks; lin++) {
        htri_t in;

        lin_coords(lin, g->rank, g->grid, c);
        for (int d = 0; d < g->rank; d++) {
            lo[d] = c[d] * g->chunk[d];
            hi[d] = min_h(lo[d] + g->chunk[d], g->dims[d]) - 1;
        }
        in = H5Sselect_intersect_block(space_id, lo, hi);
        if (in < 0)
            errors++;
        else if (in > 0)
            cbits[lin] = 1;
    }
    return errors;
}

/* Checks a chunk set against the oracle's chunks: n, order, coords() round trip, contains() for every
 * chunk of the grid and for coordinates just outside it. */
static void
check_chunkset_at(unit_t *t, carve_chunkset_t *cs, const grid_t *g, const uint8_t *cbits, const char *what,
                  const char *file, int line)
{
    size_t  want     = count_bits(cbits, g->nchunks);
    bool    ok_order = true, ok_coords = true, ok_contains = true, ok_find = true;
    hsize_t c[H5S_MAX_RANK];

    unit_check_at(t, carve_chunkset_finish(cs) >= 0, "carve_chunkset_finish succeeds", file, line);
    if (!unit_check_at(t, cs->n == want && cs->sorted == cs->n, what, file, line))
        unit_note(t, "%zu chunks in the set (sorted %zu), the oracle has %zu (grid of %zu chunks)", cs->n,
                  cs->sorted, want, g->nchunks);
    for (size_t i = 0; i < cs->n; i++) {
        if (i > 0 && cs->idx[i - 1] >= cs->idx[i])
            ok_order = false;
        carve_chunkset_coords(cs, i, c);
        for (int d = 0; d < g->rank; d++)
            if (c[d] >= g->grid[d])
                ok_coords = false;
        if (ok_coords && (coords_lin(g->rank, g->grid, c) != (size_t)cs->idx[i] || !cbits[cs->idx[i]]))
            ok_coords = false;
    }
    unit_check_at(t, ok_order, "chunk indices ascend without duplicates", file, line);
    unit_check_at(t, ok_coords, "coords() round-trips to a chunk the oracle has", file, line);
    for (size_t lin = 0; lin < g->nchunks; lin++) {
        size_t at;

        lin_coords(lin, g->rank, g->grid, c);
        at = carve_chunkset_find(cs, c);
        /* find() gives the entry's position, or SIZE_MAX exactly when contains() says no */
        if ((at == SIZE_MAX) != !cbits[lin] ||
            (at != SIZE_MAX && (at >= cs->n || cs->idx[at] != (uint64_t)lin)))
            ok_find = false;
        if (carve_chunkset_contains(cs, c) != (cbits[lin] ? 1 : 0)) {
            if (ok_contains) {
                unit_check_at(t, false, "contains() agrees with the oracle for every chunk", file, line);
                unit_note(t, "chunk %zu of %zu: oracle %d", lin, g->nchunks, cbits[lin]);
            }
            ok_contains = false;
        }
    }
    if (ok_contains)
        unit_check_at(t, true, "contains() agrees with the oracle", file, line);
    unit_check_at(t, ok_find, "find() gives each chunk's position in the set, SIZE_MAX for the others", file,
                  line);
    for (int d = 0; d < g->rank; d++) {
        lin_coords(0, g->rank, g->grid, c);
        c[d] = g->grid[d];
        unit_check_at(t, carve_chunkset_contains(cs, c) == 0, "a chunk outside the grid is not contained",
                      file, line);
    }
}

#define CHECK_CHUNKSET(t, cs, g, cbits, what)                                                                \
    check_chunkset_at((t), (cs), (g), (cbits), (what), __FILE__, __LINE__)

/* Random selections over random chunk grids: add_selection (before and after merge) and add_space agree
 * with the oracle; union; copy; finish idempotent. */
static void
test_chunkset_random(unit_t *t)
{
    unit_rng_t r = {0xC4C4u};

    for (size_t e = 0; e < NEXTENTS; e++)
        for (int seq = 0; seq < SEQUENCES; seq++) {
            scenario_t       a, b;
            grid_t           g;
            hsize_t          chunk[H5S_MAX_RANK];
            carve_chunkset_t cs_sel, cs_merged, cs_space, cs_b, cs_copy;
            uint8_t         *ca, *cb, *cu;
            unsigned         errors = 0;
            size_t           n_before;

            SCENARIO_BUILD(t, &r, &extents_g[e], &a);
            SCENARIO_BUILD(t, &r, &extents_g[e], &b);
            random_chunk(&r, a.rank, a.dims, chunk);
            grid_init(&g, a.rank, a.dims, chunk);
            ca = calloc(g.nchunks, 1);
            cb = calloc(g.nchunks, 1);
            cu = malloc(g.nchunks);
            for (size_t i = 0; i < a.nreads; i++)
                errors += oracle_chunks(&g, a.reads[i], ca);
            for (size_t i = 0; i < b.nreads; i++)
                errors += oracle_chunks(&g, b.reads[i], cb);
            CHECK(t, errors == 0);
            for (size_t i = 0; i < g.nchunks; i++)
                cu[i] = ca[i] | cb[i];

            CHECK(t, carve_chunkset_init(&cs_sel, a.rank, a.dims, chunk) >= 0);
            CHECK(t,
                  cs_sel.rank == g.rank && memcmp(cs_sel.grid, g.grid, (size_t)g.rank * sizeof *g.grid) == 0);
            CHECK(t, carve_chunkset_init(&cs_merged, a.rank, a.dims, chunk) >= 0);
            CHECK(t, carve_chunkset_init(&cs_space, a.rank, a.dims, chunk) >= 0);
            CHECK(t, carve_chunkset_init(&cs_b, a.rank, a.dims, chunk) >= 0);

            CHECK(t, carve_chunkset_add_selection(&cs_sel, &a.sel) >= 0);
            CHECK_CHUNKSET(t, &cs_sel, &g, ca, "chunks of the records = the oracle's chunks");
            CHECK(t, carve_selection_merge(&a.sel) >= 0);
            CHECK(t, carve_chunkset_add_selection(&cs_merged, &a.sel) >= 0);
            CHECK_CHUNKSET(t, &cs_merged, &g, ca, "chunks of the merged records = the oracle's chunks");
            for (size_t i = 0; i < a.nreads; i++)
                CHECK(t, carve_chunkset_add_space(&cs_space, a.reads[i]) >= 0);
            CHECK_CHUNKSET(t, &cs_space, &g, ca, "chunks of each read's space = the oracle's chunks");

            /* finish is idempotent; adding the same selection again changes nothing. */
            n_before = cs_sel.n;
            CHECK(t, carve_chunkset_finish(&cs_sel) >= 0 && carve_chunkset_finish(&cs_sel) >= 0);
            CHECK(t, cs_sel.n == n_before);
            CHECK(t, carve_chunkset_add_selection(&cs_sel, &a.sel) >= 0);
            CHECK(t, carve_chunkset_add_selection(&cs_sel, &a.sel) >= 0);
            CHECK_CHUNKSET(t, &cs_sel, &g, ca, "adding a selection twice more = the same chunks");

            /* copy, then union with b's chunks: the copy changes, the source does not. */
            CHECK(t, carve_chunkset_add_selection(&cs_b, &b.sel) >= 0);
            CHECK(t, carve_chunkset_copy(&cs_copy, &cs_sel) >= 0);
            CHECK(t, cs_copy.n == cs_sel.n && (cs_copy.n == 0 || cs_copy.idx != cs_sel.idx));
            CHECK(t, cs_copy.n == 0 || memcmp(cs_copy.idx, cs_sel.idx, cs_copy.n * sizeof *cs_copy.idx) == 0);
            CHECK(t, carve_chunkset_union(&cs_copy, &cs_b) >= 0);
            CHECK_CHUNKSET(t, &cs_copy, &g, cu, "union of chunk sets = OR of the oracle's chunks");
            CHECK_CHUNKSET(t, &cs_sel, &g, ca, "the source of a copy is unchanged by a union into the copy");
            /* union with an unfinished set, too */
            carve_chunkset_clear(&cs_b);
            CHECK(t, cs_b.n == 0 && cs_b.idx == NULL);
            CHECK(t, carve_chunkset_add_selection(&cs_b, &b.sel) >= 0);
            CHECK(t, carve_chunkset_union(&cs_space, &cs_b) >= 0);
            CHECK_CHUNKSET(t, &cs_space, &g, cu,
                           "union with an unfinished chunk set = OR of the oracle's chunks");
            CHECK_NO_ERROR(t);

            carve_chunkset_clear(&cs_sel);
            carve_chunkset_clear(&cs_merged);
            carve_chunkset_clear(&cs_space);
            carve_chunkset_clear(&cs_b);
            carve_chunkset_clear(&cs_copy);
            free(ca);
            free(cb);
            free(cu);
            scenario_free(&a);
            scenario_free(&b);
        }
}

/* One read over one chunk grid, against the oracle. */
static void
check_one_read_at(unit_t *t, int rank, const hsize_t *dims, const hsize_t *chunk, hid_t space,
                  const char *what, const char *file, int line)
{
    grid_t           g;
    carve_chunkset_t cs;
    uint8_t         *cbits;

    grid_init(&g, rank, dims, chunk);
    cbits = calloc(g.nchunks, 1);
    unit_check_at(t, oracle_chunks(&g, space, cbits) == 0, "the oracle's HDF5 calls succeed", file, line);
    unit_check_at(t, carve_chunkset_init(&cs, rank, dims, chunk) >= 0, "carve_chunkset_init succeeds", file,
                  line);
    unit_check_at(t, carve_chunkset_add_space(&cs, space) >= 0, "carve_chunkset_add_space succeeds", file,
                  line);
    check_chunkset_at(t, &cs, &g, cbits, what, file, line);
    unit_check_no_error_at(t, file, line);
    carve_chunkset_clear(&cs);
    free(cbits);
}

#define CHECK_ONE_READ(t, rank, dims, chunk, space, what)                                                    \
    check_one_read_at((t), (rank), (dims), (chunk), (space), (what), __FILE__, __LINE__)

/* Strided reads whose gaps are wider than, as wide as, and narrower than a chunk, at every alignment;
 * partial edge chunks; 1-element chunks; chunks larger than the dimension. */
static void
test_chunkset_strided(unit_t *t)
{
    hsize_t dims1[1] = {1000}, dims2[2] = {37, 53};
    hid_t   s1 = H5Screate_simple(1, dims1, NULL), s2 = H5Screate_simple(2, dims2, NULL);

    for (hsize_t chunk = 1; chunk <= 12; chunk++)
        for (hsize_t block = 1; block <= 4; block++)
            for (hsize_t gap = 0; gap <= 2 * chunk + 1; gap++)
                for (hsize_t start = 0; start < chunk + 1; start++) {
                    hsize_t stride = block + gap, count = (1000 - start - block) / stride + 1;
                    hsize_t ch[1] = {chunk}, st[1] = {start}, sd[1] = {stride}, cn[1] = {count},
                            bl[1] = {block};

                    if (count > 3 && (start + gap) % 3 != 0)
                        cn[0] = count - 1 - start % 2; /* vary where the last block ends, too */
                    H5Sselect_hyperslab(s1, H5S_SELECT_SET, st, sd, cn, bl);
                    CHECK_ONE_READ(t, 1, dims1, ch, s1, "1-D strided read: chunks = the oracle's");
                }
    {
        hsize_t big[1] = {1001}, huge[1] = {5000}, st[1] = {999}, cn[1] = {1};

        H5Sselect_hyperslab(s1, H5S_SELECT_SET, st, NULL, cn, NULL);
        CHECK_ONE_READ(t, 1, dims1, big, s1, "a chunk larger than the dimension");
        CHECK_ONE_READ(t, 1, dims1, huge, s1, "a chunk much larger than the dimension");
        H5Sselect_all(s1);
        CHECK_ONE_READ(t, 1, dims1, big, s1, "all, one chunk larger than the dimension");
    }
    /* 2-D strided in both dimensions over ragged grids. */
    for (hsize_t c0 = 1; c0 <= 9; c0 += 2)
        for (hsize_t c1 = 1; c1 <= 60; c1 += 7)
            for (hsize_t g = 0; g <= 12; g += 3) {
                hsize_t ch[2] = {c0, c1}, st[2] = {1, 2}, sd[2] = {2 + g, 3 + g}, bl[2] = {2, 3}, cn[2];

                cn[0] = (37 - 1 - 2) / sd[0] + 1;
                cn[1] = (53 - 2 - 3) / sd[1] + 1;
                H5Sselect_hyperslab(s2, H5S_SELECT_SET, st, sd, cn, bl);
                CHECK_ONE_READ(t, 2, dims2, ch, s2, "2-D strided read: chunks = the oracle's");
                H5Sselect_elements(s2, H5S_SELECT_SET, 3, ((hsize_t[]){36, 52, 0, 0, 17, 26}));
                CHECK_ONE_READ(t, 2, dims2, ch, s2, "points in corner and middle chunks");
            }
    H5Sclose(s1);
    H5Sclose(s2);
}

/* Errors, zero-sized extents, add_coords, duplicate storms and memory. */
static void
test_chunkset_misc(unit_t *t)
{
    unit_rng_t        r = {0xD0D0u};
    carve_chunkset_t  cs, other;
    carve_selection_t sel;
    hsize_t           dims[2] = {1000, 1000}, chunk[2] = {10, 10}, c[2], distinct[10][2];
    hsize_t           zero[2] = {0, 5}, chunk4[2] = {4, 4};
    hid_t             space;

    /* Bad grids. */
    CHECK(t, carve_chunkset_init(&cs, 2, dims, ((hsize_t[]){10, 0})) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "zero chunk size", "dimension 1");
    CHECK(t, carve_chunkset_init(&cs, 0, dims, chunk) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "rank 0");
    CHECK(t, carve_chunkset_init(&cs, H5S_MAX_RANK + 1, dims, chunk) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "rank");

    /* add_coords: in and out of the grid; the grid's shape. */
    CHECK(t, carve_chunkset_init(&cs, 2, dims, chunk) >= 0);
    CHECK(t, cs.grid[0] == 100 && cs.grid[1] == 100 && cs.n == 0);
    CHECK(t, carve_chunkset_contains(&cs, ((hsize_t[]){0, 0})) == 0);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){100, 0})) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "outside the grid", "dimension 0");
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){0, 100})) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "outside the grid", "dimension 1");
    CHECK(t, cs.n == 0);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){99, 99})) >= 0);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){0, 0})) >= 0);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){3, 7})) >= 0);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){99, 99})) >= 0);
    CHECK(t, carve_chunkset_finish(&cs) >= 0 && cs.n == 3);
    CHECK(t, cs.idx[0] == 0 && cs.idx[1] == 307 && cs.idx[2] == 9999);
    carve_chunkset_coords(&cs, 1, c);
    CHECK(t, c[0] == 3 && c[1] == 7);
    CHECK(t, carve_chunkset_contains(&cs, ((hsize_t[]){3, 7})) == 1);
    CHECK(t, carve_chunkset_contains(&cs, ((hsize_t[]){7, 3})) == 0);
    CHECK(t, carve_chunkset_contains(&cs, ((hsize_t[]){100, 0})) == 0);
    /* Selection rank mismatch; union of different grids. */
    carve_selection_init(&sel, 1, dims);
    carve_selection_add_all(&sel);
    CHECK(t, carve_chunkset_add_selection(&cs, &sel) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "rank 1", "rank 2");
    carve_selection_clear(&sel);
    CHECK(t, carve_chunkset_init(&other, 2, dims, ((hsize_t[]){10, 20})) >= 0);
    CHECK(t, carve_chunkset_union(&cs, &other) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "different chunk grids");
    carve_chunkset_clear(&other);
    CHECK(t, carve_chunkset_init(&other, 1, dims, chunk) >= 0);
    CHECK(t, carve_chunkset_union(&cs, &other) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "rank 2", "1");
    carve_chunkset_clear(&other);
    CHECK(t, cs.n == 3);
    /* clear keeps the grid: the set is reusable */
    carve_chunkset_clear(&cs);
    CHECK(t, cs.n == 0 && cs.idx == NULL && cs.rank == 2 && cs.grid[0] == 100);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){1, 1})) >= 0);
    CHECK(t, carve_chunkset_contains(&cs, ((hsize_t[]){1, 1})) == 1);
    carve_chunkset_clear(&cs);
    /* copy of an empty set */
    CHECK(t, carve_chunkset_init(&other, 2, dims, chunk) >= 0);
    CHECK(t, carve_chunkset_copy(&cs, &other) >= 0 && cs.n == 0 && cs.rank == 2);
    CHECK(t, carve_chunkset_add_coords(&cs, ((hsize_t[]){5, 5})) >= 0 && other.n == 0);
    carve_chunkset_clear(&cs);
    carve_chunkset_clear(&other);
    CHECK_NO_ERROR(t);

    /* Zero-sized extent: a grid of one (empty) chunk in that dimension, no chunks from any read. */
    CHECK(t, carve_chunkset_init(&cs, 2, zero, chunk4) >= 0);
    CHECK(t, cs.grid[0] == 1 && cs.grid[1] == 2);
    space = H5Screate_simple(2, zero, NULL);
    CHECK(t, carve_chunkset_add_space(&cs, space) >= 0);
    CHECK(t, carve_chunkset_finish(&cs) >= 0 && cs.n == 0);
    H5Sclose(space);
    carve_chunkset_clear(&cs);
    CHECK_NO_ERROR(t);

    /* A million adds of 10 distinct chunks, cycling and in a random order: memory stays small. */
    for (int i = 0; i < 10; i++)
        distinct[i][0] = unit_rng_below(&r, 100), distinct[i][1] = unit_rng_below(&r, 100);
    distinct[9][0] = distinct[3][0], distinct[9][1] = distinct[3][1] + 1 < 100 ? distinct[3][1] + 1 : 0;
    for (int pattern = 0; pattern < 3; pattern++) {
        bool    ok          = true;
        size_t  maxcap      = 0;
        uint8_t want[10000] = {0};
        grid_t  g;

        grid_init(&g, 2, dims, chunk);
        CHECK(t, carve_chunkset_init(&cs, 2, dims, chunk) >= 0);
        for (int k = 0; k < 1000000 && ok; k++) {
            int i = pattern == 0 ? k % 10 : pattern == 1 ? 9 - k % 10 : (int)unit_rng_below(&r, 10);

            ok = carve_chunkset_add_coords(&cs, distinct[i]) >= 0;
            if (cs.capacity > maxcap)
                maxcap = cs.capacity;
        }
        CHECK(t, ok);
        if (!CHECK(t, maxcap < 4096))
            unit_note(t, "pattern %d: capacity grew to %zu entries for 10 distinct chunks", pattern, maxcap);
        for (int i = 0; i < 10; i++)
            want[coords_lin(2, g.grid, distinct[i])] = 1;
        CHECK_CHUNKSET(t, &cs, &g, want, "1M adds of 10 distinct chunks = those 10");
        carve_chunkset_clear(&cs);
    }
    /* The same with a union of many unfinished sets into one. */
    CHECK(t, carve_chunkset_init(&cs, 2, dims, chunk) >= 0);
    CHECK(t, carve_chunkset_init(&other, 2, dims, chunk) >= 0);
    for (int k = 0; k < 1000; k++)
        carve_chunkset_add_coords(&other, distinct[k % 10]);
    for (int k = 0; k < 500; k++)
        CHECK(t, carve_chunkset_union(&cs, &other) >= 0 || k > 0);
    CHECK(t, cs.capacity < 4096);
    CHECK(t, carve_chunkset_finish(&cs) >= 0 && cs.n == 10);
    carve_chunkset_clear(&cs);
    carve_chunkset_clear(&other);
    CHECK_NO_ERROR(t);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Performance smoke (timings printed, not asserted)                                                      */
/* ------------------------------------------------------------------------------------------------------ */

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
compare_hsize(const void *pa, const void *pb)
{
    hsize_t a = *(const hsize_t *)pa, b = *(const hsize_t *)pb;

    return a < b ? -1 : a > b;
}

static void
test_performance(unit_t *t)
{
    enum { NREADS = 100000 };
    unit_rng_t        r       = {0x9E3Fu};
    hsize_t           dims[2] = {100000, 1000}, chunk[2] = {100, 100}, start[2], count[2] = {1, 16};
    hid_t             space = H5Screate_simple(2, dims, NULL);
    hsize_t          *rows  = malloc(NREADS * sizeof *rows);
    carve_selection_t sel;
    carve_chunkset_t  cs;
    size_t            runs = 0, distinct = 0, before;
    double            t0, t1, t2, t3;
    bool              ok = true;

    /* 100k 1x16 reads at random rows (one column window): add, merge, chunks. */
    carve_selection_init(&sel, 2, dims);
    t0 = now_s();
    for (int i = 0; i < NREADS; i++) {
        rows[i]  = unit_rng_below(&r, dims[0]);
        start[0] = rows[i], start[1] = 480;
        ok = add_box(&sel, space, start, count) >= 0 && ok;
    }
    t1     = now_s();
    before = sel.nrecords;
    CHECK(t, ok);
    CHECK(t, carve_selection_merge(&sel) >= 0);
    t2 = now_s();
    /* The union is exactly the distinct rows x 16 columns; merge leaves one record per run of rows. */
    qsort(rows, NREADS, sizeof *rows, compare_hsize);
    for (int i = 0; i < NREADS; i++)
        if (i == 0 || rows[i] != rows[i - 1]) {
            distinct++;
            if (i == 0 || rows[i] != rows[i - 1] + 1)
                runs++;
        }
    if (!CHECK(t, sel.nrecords == runs))
        unit_note(t, "%zu records after merge, %zu runs of rows", sel.nrecords, runs);
    CHECK(t, records_valid(&sel));
    CHECK(t, carve_chunkset_init(&cs, 2, dims, chunk) >= 0);
    CHECK(t, carve_chunkset_add_selection(&cs, &sel) >= 0);
    CHECK(t, carve_chunkset_finish(&cs) >= 0);
    t3 = now_s();
    printf("perf: %d random 1x16 reads of 100000x1000: add %.3f s (%zu records), merge %.3f s (%zu records, "
           "%zu rows), chunks %.3f s (%zu chunks)\n",
           NREADS, t1 - t0, before, t2 - t1, sel.nrecords, distinct, t3 - t2, cs.n);
    {
        /* Every touched chunk is the chunk of some row's window [480, 496): columns 4 only. */
        size_t  want = 0;
        hsize_t prev = HSIZE_UNDEF;

        for (int i = 0; i < NREADS; i++)
            if (rows[i] / 100 != prev)
                want++, prev = rows[i] / 100;
        CHECK(t, cs.n == want);
    }
    {
        /* The merged records are exactly the runs: blocks of whole runs of rows x [480, 496), disjoint. */
        bool    blocks       = true;
        hsize_t rows_covered = 0;

        for (size_t i = 0; i < sel.nrecords; i++) {
            const hsize_t *st = CARVE_RECORD_START(&sel, i), *n = CARVE_RECORD_COUNT(&sel, i);
            const hsize_t *bl = CARVE_RECORD_BLOCK(&sel, i);

            blocks = blocks && n[0] == 1 && n[1] == 1 && st[1] == 480 && bl[1] == 16;
            rows_covered += bl[0];
        }
        CHECK(t, blocks);
        CHECK(t, rows_covered == (hsize_t)distinct);
    }
    carve_chunkset_clear(&cs);
    carve_selection_clear(&sel);

    /* npoints and contains build an HDF5 selection record by record: time them on a few thousand records
     * (their cost grows faster than linearly with the number of records). */
    for (size_t n = 1000; n <= 4000; n *= 2) {
        hid_t query = H5Screate_simple(2, dims, NULL);

        carve_selection_init(&sel, 2, dims);
        for (size_t i = 0; i < n; i++) {
            start[0] = 3 * (hsize_t)i, start[1] = 480;
            CHECK(t, carve_selection_add(&sel, start, NULL, (hsize_t[]){1, 1}, count) >= 0 || i > 0);
        }
        t0 = now_s();
        CHECK(t, carve_selection_npoints(&sel) == (hsize_t)n * 16);
        t1 = now_s();
        H5Sselect_hyperslab(query, H5S_SELECT_SET, (hsize_t[]){3 * (hsize_t)(n - 1), 484}, NULL,
                            (hsize_t[]){1, 12}, NULL);
        CHECK(t, carve_selection_contains(&sel, query) == 1);
        H5Sselect_hyperslab(query, H5S_SELECT_SET, (hsize_t[]){1, 484}, NULL, (hsize_t[]){1, 12}, NULL);
        CHECK(t, carve_selection_contains(&sel, query) == 0);
        t2 = now_s();
        printf("perf: %zu disjoint records: npoints %.3f s, 2 x contains %.3f s\n", sel.nrecords, t1 - t0,
               t2 - t1);
        carve_selection_clear(&sel);
        H5Sclose(query);
    }

    /* The same reads at random columns too (timing only). */
    carve_selection_init(&sel, 2, dims);
    t0 = now_s();
    for (int i = 0; i < NREADS; i++) {
        start[0] = unit_rng_below(&r, dims[0]), start[1] = unit_rng_below(&r, dims[1] - 15);
        ok = add_box(&sel, space, start, count) >= 0 && ok;
    }
    t1     = now_s();
    before = sel.nrecords;
    CHECK(t, carve_selection_merge(&sel) >= 0);
    t2 = now_s();
    CHECK(t, ok && sel.nrecords <= before && records_valid(&sel));
    printf("perf: %d random 1x16 reads at random rows and columns: add %.3f s (%zu records), merge %.3f s "
           "(%zu records)\n",
           NREADS, t1 - t0, before, t2 - t1, sel.nrecords);
    carve_selection_clear(&sel);

    /* 100k sequential whole-row reads: one record. */
    carve_selection_init(&sel, 2, dims);
    count[1] = dims[1];
    t0       = now_s();
    for (hsize_t row = 0; row < dims[0]; row++) {
        start[0] = row, start[1] = 0;
        ok = add_box(&sel, space, start, count) >= 0 && ok;
    }
    t1 = now_s();
    CHECK(t, ok);
    CHECK(t, sel.nrecords == 1);
    CHECK(t, carve_selection_merge(&sel) >= 0 && sel.nrecords == 1);
    CHECK(t, carve_selection_npoints(&sel) == dims[0] * dims[1]);
    printf("perf: %llu sequential row reads: add %.3f s, %zu record(s)\n", (unsigned long long)dims[0],
           t1 - t0, sel.nrecords);
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);
    free(rows);
    H5Sclose(space);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    t.max_printed = MAX_PRINTED;

    test_oracle(&t);
    test_selection_clear(&t);
    test_selection_edges(&t);
    test_selection_errors(&t);
    test_selection_sequential(&t);
    test_selection_batches(&t);
    test_selection_merge_contained(&t);
    test_selection_merge_rowmajor(&t);
    test_selection_merge_runs_wide(&t);
    test_selection_random(&t);
    test_selection_add_records(&t);
    test_selection_contains(&t);
    test_selection_union_copy(&t);
    test_chunkset_misc(&t);
    test_chunkset_strided(&t);
    test_chunkset_random(&t);
    test_performance(&t);

    return unit_end(&t);
}
