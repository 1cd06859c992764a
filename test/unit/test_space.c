/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_space.c — unit tests of core/carve_space: a selection's element count, bounding box and rank
 * answered through HDF5's dataspace accessors must be exactly the public calls' answers, for every kind
 * of selection (all, none, regular and irregular hyperslabs, points, moved by an offset, of every rank),
 * and a failure must be the public call's failure.
 */
#include <string.h>

#include "carve_space.h"
#include "unit_test.h"

/* A random selection of kind k (0 all, 1 none, 2 regular hyperslab, 3 union of blocks, 4 points) in a new
 * dataspace of rank `rank`, moved by an offset one time in four (an offset that may move it out of its
 * extent: the bounds then fail, both ways alike). */
static hid_t
random_space(unit_rng_t *r, int rank, int k)
{
    hsize_t  dims[H5S_MAX_RANK], start[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];
    hsize_t  stride[H5S_MAX_RANK], coords[16 * H5S_MAX_RANK];
    hssize_t offset[H5S_MAX_RANK];
    hid_t    space;

    for (int d = 0; d < rank; d++)
        dims[d] = 1 + unit_rng_below(r, 40);
    space = H5Screate_simple(rank, dims, NULL);
    switch (k) {
        case 0:
            H5Sselect_all(space);
            break;
        case 1:
            H5Sselect_none(space);
            break;
        case 2:
        case 3:
            for (int b = 0; b < (k == 2 ? 1 : 4); b++) {
                for (int d = 0; d < rank; d++) {
                    start[d]  = unit_rng_below(r, dims[d]);
                    stride[d] = 1 + unit_rng_below(r, 3);
                    block[d]  = 1;
                    count[d]  = 1 + unit_rng_below(r, (dims[d] - start[d] + stride[d] - 1) / stride[d]);
                }
                H5Sselect_hyperslab(space, b ? H5S_SELECT_OR : H5S_SELECT_SET, start, stride, count, block);
            }
            break;
        default: {
            size_t n = 1 + (size_t)unit_rng_below(r, 16);

            for (size_t i = 0; i < n; i++)
                for (int d = 0; d < rank; d++)
                    coords[i * (size_t)rank + (size_t)d] = unit_rng_below(r, dims[d]);
            H5Sselect_elements(space, H5S_SELECT_SET, n, coords);
        }
    }
    if (unit_rng_below(r, 4) == 0) {
        for (int d = 0; d < rank; d++)
            offset[d] = (hssize_t)unit_rng_below(r, 5) - 2;
        H5Soffset_simple(space, offset);
    }
    return space;
}

/* The answers both ways agree on one space: count, bounds (or both failing), and the three at once. */
static void
check_space(unit_t *t, hid_t space)
{
    hsize_t  lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], wlo[H5S_MAX_RANK], whi[H5S_MAX_RANK], n = 0;
    hssize_t want_n = H5Sget_select_npoints(space);
    herr_t   want_b = want_n > 0 ? H5Sget_select_bounds(space, wlo, whi) : 0;
    int      rank = H5Sget_simple_extent_ndims(space), got_rank = -1;
    herr_t   got_b;

    H5Eclear2(H5E_DEFAULT); /* a moved selection out of its extent fails its bounds: compared below */
    CHECK(t, carve_space_npoints(space) == want_n);
    if (want_n > 0) {
        got_b = carve_space_bounds(space, lo, hi);
        CHECK(t, (got_b < 0) == (want_b < 0));
        if (want_b >= 0)
            CHECK(t, memcmp(lo, wlo, (size_t)rank * sizeof *lo) == 0 &&
                         memcmp(hi, whi, (size_t)rank * sizeof *hi) == 0);
    }
    H5Eclear2(H5E_DEFAULT);
    memset(lo, 0, sizeof lo);
    memset(hi, 0, sizeof hi);
    got_b = carve_space_box(space, &got_rank, &n, lo, hi);
    CHECK(t, (got_b < 0) == (want_b < 0));
    if (got_b >= 0) {
        CHECK(t, got_rank == rank && n == (hsize_t)want_n);
        if (want_n > 0)
            CHECK(t, memcmp(lo, wlo, (size_t)rank * sizeof *lo) == 0 &&
                         memcmp(hi, whi, (size_t)rank * sizeof *hi) == 0);
    }
    H5Eclear2(H5E_DEFAULT);
}

static void
test_agree(unit_t *t, int direct)
{
    unit_rng_t r = {direct ? 0x5BACE001u : 0x5BACE002u};

    carve_space_allow_direct(direct);
    CHECK(t, carve_space_direct() == (direct && H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 14));
    t->max_printed = 20;
    for (int i = 0; i < 3000; i++) {
        int   rank  = 1 + (int)unit_rng_below(&r, 4);
        hid_t space = random_space(&r, rank, (int)unit_rng_below(&r, 5));

        check_space(t, space);
        H5Sclose(space);
    }
    /* A scalar and a null dataspace. */
    {
        hid_t scalar = H5Screate(H5S_SCALAR), null = H5Screate(H5S_NULL);

        check_space(t, scalar);
        check_space(t, null);
        H5Sclose(scalar);
        H5Sclose(null);
    }
    carve_space_allow_direct(1);
}

/* What is not a dataspace fails as the public call does, with its message on the stack. */
static void
test_not_a_space(unit_t *t)
{
    hid_t   ids[] = {H5I_INVALID_HID, H5S_ALL, H5P_DEFAULT, H5P_DATASET_XFER_DEFAULT, H5T_NATIVE_INT};
    hsize_t lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], n;
    int     rank;

    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        CHECK(t, carve_space_npoints(ids[i]) < 0);
        CHECK(t, H5Eget_num(H5E_DEFAULT) > 0);
        H5Eclear2(H5E_DEFAULT);
        CHECK(t, carve_space_bounds(ids[i], lo, hi) < 0);
        CHECK(t, H5Eget_num(H5E_DEFAULT) > 0);
        H5Eclear2(H5E_DEFAULT);
        CHECK(t, carve_space_box(ids[i], &rank, &n, lo, hi) < 0);
        CHECK(t, H5Eget_num(H5E_DEFAULT) > 0);
        H5Eclear2(H5E_DEFAULT);
    }
    /* A dataspace closed since. */
    {
        hid_t space = H5Screate_simple(1, (hsize_t[]){4}, NULL);

        H5Sclose(space);
        CHECK(t, carve_space_box(space, &rank, &n, lo, hi) < 0);
        CHECK(t, H5Eget_num(H5E_DEFAULT) > 0);
        H5Eclear2(H5E_DEFAULT);
    }
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    test_agree(&t, 1);
    test_agree(&t, 0);
    test_not_a_space(&t);
    return unit_end(&t);
}
