/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_access_codec.c — unit tests of carve_access_codec (connector/core/carve_access_codec.c): two ranks'
 * access logs of one file, one encoded and merged into the other, equal one log that made every read
 * (selections, counters, objects, attributes, a scalar dataset); a merge of a log into itself changes no
 * selection; every truncation of an encoding, a foreign buffer, another version and a shape mismatch are
 * refused with a message.
 *
 * A plain program on the shared harness (unit_test.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "carve_access_codec.h"
#include "carve_error.h"
#include "unit_test.h"

/* Reads a 10x20 dataset's rows [row, row+rows) and a scalar dataset into ds/scalar of acc. */
static void
record_rows(unit_t *t, carve_access_t *acc, hsize_t row, hsize_t rows, int scalar)
{
    H5O_token_t             big = unit_address_token(800), one = unit_address_token(4000);
    hsize_t                 dims[2] = {10, 20}, start[2] = {row, 0}, count[2] = {rows, 20};
    hid_t                   space = H5Screate_simple(2, dims, NULL);
    carve_access_dataset_t *ds    = carve_access_dataset(acc, &big, 2, dims, 4);

    if (!CHECK(t, ds != NULL && space >= 0))
        return;
    CHECK(t, H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0);
    CHECK(t, carve_access_record_read(ds, space) >= 0);
    if (scalar) {
        carve_access_dataset_t *s = carve_access_dataset(acc, &one, 0, NULL, 8);

        CHECK(t, s != NULL && carve_access_record_read(s, H5S_ALL) >= 0);
    }
    H5Sclose(space);
}

/* The two logs of a job (rank 0: rows 0-2 and the scalar; rank 1: rows 5-9, an object, attributes) merged
 * hold what one log of every read holds. */
static void
test_merge_two_ranks(unit_t *t)
{
    carve_access_t          r0, r1, all;
    carve_dynbuf_t          wire;
    H5O_token_t             big = unit_address_token(800), one = unit_address_token(4000);
    H5O_token_t             grp     = unit_address_token(96);
    hsize_t                 dims[2] = {10, 20};
    hid_t                   probe   = H5Screate_simple(2, dims, NULL);
    carve_access_dataset_t *ds, *s;

    carve_access_init(&r0);
    carve_access_init(&r1);
    carve_access_init(&all);
    carve_dynbuf_init(&wire, (size_t)1 << 30);
    record_rows(t, &r0, 0, 3, 1);
    record_rows(t, &r1, 5, 5, 0);
    CHECK(t, carve_access_touch(&r1, &grp) >= 0);
    CHECK(t, carve_access_record_attr(&r1, &grp, "units") >= 0);
    CHECK(t, carve_access_record_attr(&r1, &big, "scale_factor") >= 0);
    CHECK(t, carve_access_record_attr(&r0, &big, "scale_factor") >= 0);

    CHECK(t, carve_access_encode(&r1, &wire) >= 0);
    CHECK(t, carve_access_merge_encoded(&r0, wire.bytes, wire.len) >= 0);
    CHECK_NO_ERROR(t);

    ds = carve_access_dataset(&r0, &big, 2, dims, 4);
    s  = carve_access_dataset(&r0, &one, 0, NULL, 8);
    if (CHECK(t, ds != NULL && s != NULL && probe >= 0)) {
        CHECK(t, ds->reads == 2 && ds->elements_read == 160 && ds->bytes_read == 640);
        CHECK(t, carve_selection_npoints(&ds->selections) == 160);
        CHECK(t, H5Sselect_hyperslab(probe, H5S_SELECT_SET, (hsize_t[]){5, 0}, NULL, (hsize_t[]){5, 20},
                                     NULL) >= 0);
        CHECK(t, carve_selection_contains(&ds->selections, probe) == 1);
        CHECK(t, H5Sselect_hyperslab(probe, H5S_SELECT_SET, (hsize_t[]){3, 0}, NULL, (hsize_t[]){2, 1},
                                     NULL) >= 0);
        CHECK(t, carve_selection_contains(&ds->selections, probe) == 0); /* rows 3-4: read by no rank */
        CHECK(t, s->reads == 1 && s->elements_read == 1 && carve_selection_npoints(&s->selections) == 1);
    }
    CHECK(t, r0.datasets.n == 2);
    CHECK(t, carve_tokenmap_get(&r0.objects, &grp) != NULL);
    CHECK(t, r0.nattrs == 2); /* scale_factor of big once, units of grp */

    /* Merged into itself: counters add up, the union stays. */
    carve_dynbuf_free(&wire);
    CHECK(t, carve_access_encode(&r0, &wire) >= 0);
    CHECK(t, carve_access_merge_encoded(&all, wire.bytes, wire.len) >= 0);
    CHECK(t, carve_access_merge_encoded(&all, wire.bytes, wire.len) >= 0);
    ds = carve_access_dataset(&all, &big, 2, dims, 4);
    CHECK(t, ds != NULL && ds->reads == 4 && carve_selection_npoints(&ds->selections) == 160);
    CHECK(t, all.nattrs == 2 && all.objects.n == 1);
    CHECK_NO_ERROR(t);

    carve_dynbuf_free(&wire);
    H5Sclose(probe);
    carve_access_clear(&r0);
    carve_access_clear(&r1);
    carve_access_clear(&all);
}

/* Every prefix of an encoding is refused (never a crash), as are a foreign buffer and another version. */
static void
test_refusals(unit_t *t)
{
    carve_access_t acc, into;
    carve_dynbuf_t wire;
    H5O_token_t    obj     = unit_address_token(96);
    size_t         refused = 0;

    carve_access_init(&acc);
    carve_dynbuf_init(&wire, (size_t)1 << 30);
    record_rows(t, &acc, 1, 4, 1);
    CHECK(t, carve_access_touch(&acc, &obj) >= 0 && carve_access_record_attr(&acc, &obj, "title") >= 0);
    if (!CHECK(t, carve_access_encode(&acc, &wire) >= 0))
        goto done;
    for (size_t len = 0; len < wire.len; len++) {
        carve_access_init(&into);
        if (carve_access_merge_encoded(&into, wire.bytes, len) < 0)
            refused++;
        H5Eclear2(H5E_DEFAULT);
        carve_access_clear(&into);
    }
    CHECK(t, refused == wire.len);

    carve_access_init(&into);
    CHECK(t, carve_access_merge_encoded(&into, "HDF5 file", 9) < 0);
    CHECK_ERROR(t, CARVE_E_CORRUPT, "not an encoded access log");
    wire.bytes[4] = 9; /* version 9 */
    CHECK(t, carve_access_merge_encoded(&into, wire.bytes, wire.len) < 0);
    CHECK_ERROR(t, CARVE_E_UNSUPPORTED, "version 9");
    carve_access_clear(&into);

done:
    carve_dynbuf_free(&wire);
    carve_access_clear(&acc);
}

/* Logs that disagree on a dataset's shape (not one file) are refused. */
static void
test_shape_mismatch(unit_t *t)
{
    carve_access_t acc, other;
    carve_dynbuf_t wire;
    H5O_token_t    big     = unit_address_token(800);
    hsize_t        dims[2] = {10, 21};

    carve_access_init(&acc);
    carve_access_init(&other);
    carve_dynbuf_init(&wire, (size_t)1 << 30);
    record_rows(t, &acc, 0, 1, 0);
    CHECK(t, carve_access_dataset(&other, &big, 2, dims, 4) != NULL);
    CHECK(t, carve_access_encode(&other, &wire) >= 0);
    CHECK(t, carve_access_merge_encoded(&acc, wire.bytes, wire.len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "disagree on a dataset's shape");
    carve_dynbuf_free(&wire);
    carve_access_clear(&acc);
    carve_access_clear(&other);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    test_merge_two_ranks(&t);
    test_refusals(&t);
    test_shape_mismatch(&t);
    return unit_end(&t);
}
