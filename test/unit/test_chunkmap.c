/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_chunkmap.c — unit tests of carve_chunkmap (connector/core/carve_chunkmap.c) against brute force: a
 * 2-D dataset of 10 x 7 chunks (the last row and column partial), every other chunk stored, added in a
 * scrambled order; for boxes, strided hyperslabs, point selections and the whole extent, the places the
 * map returns are exactly the stored chunks the selection meets (H5Sselect_intersect_block on each), in
 * row-major order; more than max is refused; empty selections give none; bad shapes are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_chunkmap.h"
#include "unit_test.h"

#define ROWS 95
#define COLS 40
#define CR   10 /* chunk rows: 10 chunk rows, the last of 5 */
#define CC   6  /* chunk columns: 7 chunk columns, the last of 4 */

static int
stored(hsize_t r, hsize_t c)
{
    return (r + c) % 2 == 0;
}

/* Compares the map's answer for space with brute force. */
static void
compare(unit_t *t, carve_chunkmap_t *m, hid_t space, const char *what)
{
    carve_chunk_place_t got[128];
    size_t              n = carve_chunkmap_touched(m, space, got, 128), k = 0;
    int                 ok = n != (size_t)-1;

    for (hsize_t r = 0; ok && r < (ROWS + CR - 1) / CR; r++)
        for (hsize_t c = 0; ok && c < (COLS + CC - 1) / CC; c++) {
            hsize_t start[2] = {r * CR, c * CC}, end[2] = {r * CR + CR - 1, c * CC + CC - 1};

            if (!stored(r, c) || H5Sselect_intersect_block(space, start, end) <= 0)
                continue;
            ok = k < n && got[k].addr == 1000 + 100 * (r * 7 + c) && got[k].size == 10 + r * 7 + c;
            k++;
        }
    if (!CHECK(t, ok && k == n))
        unit_note(t, "%s: %zu places, %zu expected", what, n, k);
}

int
main(void)
{
    unit_t            t;
    hsize_t           dims[2] = {ROWS, COLS}, chunk[2] = {CR, CC};
    carve_chunkmap_t *m;
    hid_t             space;
    int               order[70];

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    m     = carve_chunkmap_new(2, dims, chunk);
    space = H5Screate_simple(2, dims, NULL);
    if (!CHECK(&t, m != NULL && space >= 0))
        return unit_end(&t);
    for (int i = 0; i < 70; i++)
        order[i] = (i * 37) % 70; /* 37 is prime to 70: a permutation */
    for (int i = 0; i < 70; i++) {
        hsize_t r = (hsize_t)order[i] / 7, c = (hsize_t)order[i] % 7, off[2] = {r * CR, c * CC};

        if (stored(r, c))
            CHECK(&t, carve_chunkmap_add(m, off, 1000 + 100 * (r * 7 + c), 10 + r * 7 + c) == 0);
    }
    {
        hsize_t off[2] = {ROWS, 0};

        CHECK(&t, carve_chunkmap_add(m, off, 1, 1) < 0); /* outside the extent */
    }
    {
        hsize_t s[2] = {12, 5}, c[2] = {30, 20};

        H5Sselect_hyperslab(space, H5S_SELECT_SET, s, NULL, c, NULL);
        compare(&t, m, space, "a box");
    }
    {
        hsize_t s[2] = {3, 1}, st[2] = {25, 13}, c[2] = {4, 3}, b[2] = {2, 2};

        H5Sselect_hyperslab(space, H5S_SELECT_SET, s, st, c, b);
        compare(&t, m, space, "a strided hyperslab");
    }
    {
        hsize_t pts[4][2] = {{0, 0}, {94, 39}, {50, 20}, {11, 7}};

        H5Sselect_elements(space, H5S_SELECT_SET, 4, &pts[0][0]);
        compare(&t, m, space, "points");
    }
    H5Sselect_all(space);
    compare(&t, m, space, "everything");
    {
        carve_chunk_place_t few[3];

        CHECK(&t, carve_chunkmap_touched(m, space, few, 3) == (size_t)-1); /* 35 stored: more than 3 */
    }
    H5Sselect_none(space);
    {
        carve_chunk_place_t none[1];

        CHECK(&t, carve_chunkmap_touched(m, space, none, 1) == 0);
    }
    CHECK(&t, carve_chunkmap_new(0, dims, chunk) == NULL);
    {
        hsize_t zero[2] = {CR, 0};

        CHECK(&t, carve_chunkmap_new(2, dims, zero) == NULL);
    }
    H5Sclose(space);
    carve_chunkmap_free(m);
    return unit_end(&t);
}
