/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_selection_codec.c — unit tests of carve_selection_codec (connector/core/carve_selection_codec.c):
 * random selections of ranks 1 to 4 (points, blocks, strided patterns, any order) packed and unpacked give
 * the same records in the same order; a million random points pack to a few bytes a record; every
 * truncation, a trailing byte, an overlong number, an unknown tag or version, a start outside the extent and
 * an extent past 2^64 elements are refused with a reason.
 *
 * A plain program on the shared harness (unit_test.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "carve_error.h"
#include "carve_selection_codec.h"
#include "unit_test.h"

/* Packs sel, unpacks it into a selection of the same extent; true when the records are the same. */
static bool
round_trip(unit_t *t, const carve_selection_t *sel, size_t *packed_len)
{
    carve_dynbuf_t    bytes;
    carve_selection_t back;
    const char       *why = NULL;
    size_t            at  = 0;
    bool              same;

    carve_dynbuf_init(&bytes, SIZE_MAX);
    carve_selection_init(&back, sel->rank, sel->dims);
    CHECK(t, carve_selection_pack(sel, &bytes) >= 0);
    if (bytes.len > 0)
        why = carve_selection_unpack(&back, bytes.bytes, bytes.len, sel->nrecords, &at);
    if (!CHECK(t, why == NULL))
        unit_note(t, "unpack: %s at record %zu", why, at);
    same = back.nrecords == sel->nrecords &&
           (sel->nrecords == 0 ||
            memcmp(back.records, sel->records, sel->nrecords * 4 * (size_t)sel->rank * sizeof(hsize_t)) == 0);
    if (packed_len)
        *packed_len = bytes.len;
    carve_selection_clear(&back);
    carve_dynbuf_free(&bytes);
    return same;
}

/* Random records of every kind, in random order, over extents of rank 1 to 4 (one with dims near 2^32). */
static void
test_random_round_trips(unit_t *t)
{
    unit_rng_t r = {0x5E1EC7EDu};

    for (int rank = 1; rank <= 4; rank++)
        for (int rep = 0; rep < 50; rep++) {
            hsize_t           dims[4];
            carve_selection_t sel;
            size_t            n = (size_t)unit_rng_below(&r, 300);

            for (int d = 0; d < rank; d++)
                dims[d] = rep == 0 ? (hsize_t)1 << (64 / rank - 1) : 1 + unit_rng_below(&r, 40);
            carve_selection_init(&sel, rank, dims);
            for (size_t i = 0; i < n; i++) {
                hsize_t start[4], stride[4], count[4], block[4];
                int     kind = (int)unit_rng_below(&r, 3); /* point, block, pattern */

                for (int d = 0; d < rank; d++) {
                    block[d]  = kind == 0 ? 1 : 1 + unit_rng_below(&r, 3);
                    count[d]  = kind == 2 ? 1 + unit_rng_below(&r, 3) : 1;
                    stride[d] = block[d] + unit_rng_below(&r, 3);
                    if (dims[d] < (count[d] - 1) * stride[d] + block[d])
                        count[d] = 1, block[d] = 1;
                    start[d] = unit_rng_below(&r, dims[d] - (count[d] - 1) * stride[d] - block[d] + 1);
                }
                /* carve_selection_add would fold and normalise: the codec must keep any record as is. */
                if (carve_array_reserve(&sel.records, &sel.capacity, sel.nrecords + 1,
                                        4 * (size_t)rank * sizeof *sel.records) != CARVE_GROW_OK)
                    break;
                for (int d = 0; d < rank; d++) {
                    CARVE_RECORD_START(&sel, sel.nrecords)[d]  = start[d];
                    CARVE_RECORD_STRIDE(&sel, sel.nrecords)[d] = stride[d];
                    CARVE_RECORD_COUNT(&sel, sel.nrecords)[d]  = count[d];
                    CARVE_RECORD_BLOCK(&sel, sel.nrecords)[d]  = block[d];
                }
                sel.nrecords++;
            }
            if (!CHECK(t, round_trip(t, &sel, NULL)))
                unit_note(t, "rank %d, repetition %d, %zu records", rank, rep, sel.nrecords);
            carve_selection_clear(&sel);
        }
    CHECK_NO_ERROR(t);
}

/* A million random points of a 1024 x 1024 extent, merged: a few bytes a record. */
static void
test_points_are_small(unit_t *t)
{
    unit_rng_t        r       = {0x9017u};
    hsize_t           dims[2] = {1024, 1024}, one[2] = {1, 1};
    carve_selection_t sel;
    size_t            len = 0;

    carve_selection_init(&sel, 2, dims);
    for (int k = 0; k < 1000000; k++) {
        hsize_t p[2] = {unit_rng_below(&r, 1024), unit_rng_below(&r, 1024)};

        if (carve_selection_add(&sel, p, NULL, one, NULL) < 0)
            break;
    }
    CHECK(t, carve_selection_merge(&sel) >= 0);
    CHECK(t, round_trip(t, &sel, &len));
    if (!CHECK(t, sel.nrecords > 100000 && len < 3 * sel.nrecords))
        unit_note(t, "%zu records packed into %zu bytes", sel.nrecords, len);
    printf("  a million random points of 1024 x 1024: %zu records, %zu bytes packed (%.2f a record)\n",
           sel.nrecords, len, (double)len / (double)(sel.nrecords ? sel.nrecords : 1));
    carve_selection_clear(&sel);
    CHECK_NO_ERROR(t);
}

/* Unpacks bytes[0..len) as n records of a 10 x 20 extent; the reason, or NULL. */
static const char *
unpack_10x20(const unsigned char *bytes, size_t len, size_t n)
{
    hsize_t           dims[2] = {10, 20};
    carve_selection_t sel;
    size_t            at = 0;
    const char       *why;

    carve_selection_init(&sel, 2, dims);
    why = carve_selection_unpack(&sel, bytes, len, n, &at);
    carve_selection_clear(&sel);
    return why;
}

static void
test_refusals(unit_t *t)
{
    hsize_t           dims[2] = {10, 20}, huge[2] = {(hsize_t)1 << 40, (hsize_t)1 << 40};
    hsize_t           start[2] = {2, 3}, stride[2] = {4, 5}, count[2] = {2, 3}, block[2] = {2, 1};
    carve_selection_t sel;
    carve_dynbuf_t    bytes;
    size_t            at = 0;

    /* Three records: a point, a block, a pattern. */
    carve_selection_init(&sel, 2, dims);
    carve_dynbuf_init(&bytes, SIZE_MAX);
    CHECK(t, carve_selection_add(&sel, (hsize_t[]){0, 1}, NULL, (hsize_t[]){1, 1}, NULL) >= 0);
    CHECK(t, carve_selection_add(&sel, (hsize_t[]){5, 5}, NULL, (hsize_t[]){1, 1}, (hsize_t[]){2, 3}) >= 0);
    CHECK(t, carve_selection_add(&sel, start, stride, count, block) >= 0);
    CHECK(t, sel.nrecords == 3 && carve_selection_pack(&sel, &bytes) >= 0);
    if (!CHECK(t, bytes.len > 4))
        goto done;
    CHECK(t, unpack_10x20((const unsigned char *)bytes.bytes, bytes.len, 3) == NULL);
    /* Every truncation, and a byte too many. */
    for (size_t cut = 0; cut < bytes.len; cut++) {
        const char *why = unpack_10x20((const unsigned char *)bytes.bytes, cut, 3);

        if (!CHECK(t, why != NULL))
            unit_note(t, "cut at %zu of %zu bytes accepted", cut, bytes.len);
    }
    {
        unsigned char more[64];

        memcpy(more, bytes.bytes, bytes.len);
        more[bytes.len] = 0;
        CHECK_STR(t, unpack_10x20(more, bytes.len + 1, 3), "bytes left after the last record");
        CHECK_STR(t, unpack_10x20(more, bytes.len, 2), "bytes left after the last record");
        CHECK_STR(t, unpack_10x20(more, bytes.len, 4), "fewer records than said");
        CHECK_STR(t, unpack_10x20(more, bytes.len, 1000), "more records than bytes");
        more[0] = 2;
        CHECK(t, unit_contains(unpack_10x20(more, bytes.len, 3), "unknown encoding"));
    }
    /* An unknown tag; a start past the extent (200 elements); an overlong number. */
    CHECK(t, unit_contains(unpack_10x20((const unsigned char[]){1, 3}, 2, 1), "unknown record tag"));
    CHECK_STR(t, unpack_10x20((const unsigned char[]){1, 0x80 | (400 & 0x1f) << 2, 400 >> 5}, 3, 1),
              "a start outside the extent");
    CHECK_STR(
        t,
        unpack_10x20((const unsigned char[]){1, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
                     11, 1),
        "a number does not fit 64 bits");
    CHECK_STR(
        t,
        unpack_10x20(
            (const unsigned char[]){1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0}, 13, 1),
        "a count or block does not fit 64 bits");
    /* An extent of 2^80 elements is not packed, nor unpacked. */
    carve_selection_clear(&sel);
    carve_selection_init(&sel, 2, huge);
    CHECK(t, !carve_selection_packable(&sel));
    CHECK(t, carve_selection_pack(&sel, &bytes) < 0);
    CHECK_ERROR(t, CARVE_E_UNSUPPORTED, "2^64");
    CHECK(t, unit_contains(carve_selection_unpack(&sel, (const unsigned char[]){1}, 1, 0, &at), "2^64"));

done:
    carve_selection_clear(&sel);
    carve_dynbuf_free(&bytes);
    CHECK_NO_ERROR(t);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    test_random_round_trips(&t);
    test_points_are_small(&t);
    test_refusals(&t);
    return unit_end(&t);
}
