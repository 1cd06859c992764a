/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_access.c — unit tests of carve_access (connector/core/carve_access.c), the access log of a run:
 * one entry per dataset token with its shape, reads counted in elements and bytes with their selections,
 * objects touched once, attribute reads once per (object, name) through many growths of the list.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "carve_access.h"
#include "carve_error.h"
#include "unit_test.h"

/* Reads append to the selections and are merged on the read path only past the log's budget of unmerged
 * records (CARVE_ACCESS_UNMERGED_BYTES, all datasets): two blocks read in turn, which never fold into
 * each other, of an 8-D dataset (256-byte records: the budget is 131 072 of them). */
static void
test_deferred_merge(unit_t *t)
{
    carve_access_t          acc;
    H5O_token_t             tok     = unit_address_token(2048);
    hsize_t                 dims[8] = {2, 2, 2, 2, 2, 2, 2, 2}, ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    hsize_t                 far[8] = {1, 1, 1, 1, 1, 1, 1, 1}, near[8] = {0};
    const size_t            record_bytes = 4 * 8 * sizeof(hsize_t);
    const size_t            budget       = CARVE_ACCESS_UNMERGED_BYTES / record_bytes;
    hid_t                   space        = H5Screate_simple(8, dims, NULL);
    carve_access_dataset_t *ds;
    size_t                  most = 0, i;
    int                     ok   = 1;

    carve_access_init(&acc);
    ds = carve_access_dataset(&acc, &tok, 8, dims, 1);
    CHECK(t, ds && ds->access == &acc);
    for (i = 0; ok && i < budget + 1000; i++) {
        H5Sselect_hyperslab(space, H5S_SELECT_SET, i % 2 ? far : near, NULL, ones, NULL);
        ok = carve_access_record_read(ds, space) >= 0 &&
             acc.unmerged_bytes == (ds->selections.nrecords - ds->selections.merged) * record_bytes;
        if (ds->selections.nrecords > most)
            most = ds->selections.nrecords;
        if (ok && i == 4 * 4096)
            ok = CHECK(t, ds->selections.nrecords == i + 1); /* far below the budget: nothing merged yet */
    }
    CHECK(t, ok);
    /* Merged once, by the read that passed the budget: between reads the list never held more. */
    CHECK(t, most == budget);
    CHECK(t, ds->selections.nrecords < 1002); /* shrank to the two blocks, then grew by the reads after */
    CHECK(t, ds->reads == budget + 1000 && carve_selection_npoints(&ds->selections) == 2);
    carve_access_clear(&acc);
    CHECK(t, acc.unmerged_bytes == 0);
    H5Sclose(space);
    CHECK_NO_ERROR(t);
}

/* A dataset reached twice (an alias) is one entry, with the shape given first. */
static void
test_datasets(unit_t *t)
{
    carve_access_t          acc;
    H5O_token_t             a = unit_address_token(800), b = unit_address_token(4096);
    hsize_t                 dims[2] = {10, 20}, other[2] = {3, 3};
    carve_access_dataset_t *da, *again, *db;

    carve_access_init(&acc);
    da    = carve_access_dataset(&acc, &a, 2, dims, 8);
    again = carve_access_dataset(&acc, &a, 2, other, 4);
    db    = carve_access_dataset(&acc, &b, 1, dims, 2);
    CHECK(t, da != NULL && da == again && db != NULL && db != da);
    CHECK(t, acc.datasets.n == 2);
    if (da)
        CHECK(t, da->rank == 2 && da->dims[0] == 10 && da->dims[1] == 20 && da->type_size == 8 &&
                     da->reads == 0);
    if (db)
        CHECK(t, db->rank == 1 && db->dims[0] == 10 && db->type_size == 2);
    CHECK_NO_ERROR(t);
    carve_access_clear(&acc);
    CHECK(t, acc.datasets.n == 0 && acc.nattrs == 0);
}

/* Reads count elements and bytes; the selections hold what was read. */
static void
test_reads(unit_t *t)
{
    carve_access_t          acc;
    H5O_token_t             token   = unit_address_token(1234);
    hsize_t                 dims[2] = {10, 20}, start[2] = {2, 0}, count[2] = {3, 5};
    hid_t                   space = H5Screate_simple(2, dims, NULL), probe = H5Scopy(space);
    carve_access_dataset_t *ds;

    carve_access_init(&acc);
    ds = carve_access_dataset(&acc, &token, 2, dims, 4);
    if (CHECK(t, ds != NULL && space >= 0 && probe >= 0)) {
        CHECK(t, H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0);
        CHECK(t, carve_access_record_read(ds, space) >= 0);
        CHECK(t, ds->reads == 1 && ds->elements_read == 15 && ds->bytes_read == 60);
        CHECK(t, carve_selection_contains(&ds->selections, space) == 1);
        /* something not read is not contained */
        CHECK(t, H5Sselect_hyperslab(probe, H5S_SELECT_SET, (hsize_t[]){6, 0}, NULL, count, NULL) >= 0);
        CHECK(t, carve_selection_contains(&ds->selections, probe) == 0);
        /* H5S_ALL: the whole dataset */
        CHECK(t, carve_access_record_read(ds, H5S_ALL) >= 0);
        CHECK(t, ds->reads == 2 && ds->elements_read == 215 && ds->bytes_read == 860);
        CHECK(t, carve_selection_contains(&ds->selections, probe) == 1);
    }
    CHECK_NO_ERROR(t);
    unit_release((hid_t[]){space, probe}, 2);
    carve_access_clear(&acc);
}

/* A dataset extended after it was first read (H5Dset_extent; h5py's resize): a read past the first extent
 * is recorded, not refused; shrunk again, the records keep only what lies inside. */
static void
test_extent_changes(unit_t *t)
{
    carve_access_t          acc;
    H5O_token_t             token    = unit_address_token(99);
    hsize_t                 small[1] = {10}, big[1] = {50}, shrunk[1] = {20};
    hid_t                   first = H5Screate_simple(1, small, NULL), later = H5Screate_simple(1, big, NULL);
    hid_t                   probe = H5Screate_simple(1, shrunk, NULL);
    carve_access_dataset_t *ds;

    carve_access_init(&acc);
    ds = carve_access_dataset(&acc, &token, 1, small, 4);
    if (CHECK(t, ds != NULL && first >= 0 && later >= 0 && probe >= 0)) {
        CHECK(t, H5Sselect_hyperslab(first, H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){5}, NULL) >= 0);
        CHECK(t, carve_access_record_read(ds, first) >= 0);
        /* extended to 50, elements 40..49 read: recorded, the extent followed */
        CHECK(t,
              H5Sselect_hyperslab(later, H5S_SELECT_SET, (hsize_t[]){40}, NULL, (hsize_t[]){10}, NULL) >= 0);
        CHECK(t, carve_access_record_read(ds, later) >= 0);
        CHECK(t,
              ds->dims[0] == 50 && ds->selections.dims[0] == 50 && ds->reads == 2 && ds->elements_read == 15);
        CHECK(t, carve_selection_contains(&ds->selections, later) == 1);
        /* shrunk to 20, elements 15..19 read: 40..49 are gone from the records, 0..4 stay */
        CHECK(t,
              H5Sselect_hyperslab(probe, H5S_SELECT_SET, (hsize_t[]){15}, NULL, (hsize_t[]){5}, NULL) >= 0);
        CHECK(t, carve_access_record_read(ds, probe) >= 0);
        CHECK(t, ds->dims[0] == 20 && carve_selection_npoints(&ds->selections) == 10);
        CHECK(t, H5Sselect_hyperslab(probe, H5S_SELECT_SET, (hsize_t[]){0}, NULL, (hsize_t[]){5}, NULL) >= 0);
        CHECK(t, carve_selection_contains(&ds->selections, probe) == 1);
    }
    CHECK_NO_ERROR(t);
    unit_release((hid_t[]){first, later, probe}, 3);
    carve_access_clear(&acc);
}

/* An object touched many times is recorded once. */
static void
test_touch(unit_t *t)
{
    carve_access_t acc;

    carve_access_init(&acc);
    for (int round = 0; round < 3; round++)
        for (uint64_t i = 0; i < 100; i++) {
            H5O_token_t token = unit_address_token(96 + 8 * i);

            CHECK(t, carve_access_touch(&acc, &token) >= 0);
        }
    CHECK(t, acc.objects.n == 100);
    CHECK_NO_ERROR(t);
    carve_access_clear(&acc);
}

/* Attribute reads: once per (object, name), across growths of the list and chains of many names. */
static void
test_attributes(unit_t *t)
{
    enum { NOBJECTS = 7, NNAMES = 40 };
    carve_access_t acc;
    char           name[32];
    bool           all_ok = true;

    carve_access_init(&acc);
    for (int round = 0; round < 2; round++)
        for (int o = 0; o < NOBJECTS; o++)
            for (int n = 0; n < NNAMES; n++) {
                H5O_token_t object = unit_address_token(1000 + (uint64_t)o);

                snprintf(name, sizeof name, "attr%d", n);
                all_ok = carve_access_record_attr(&acc, &object, name) >= 0 && all_ok;
            }
    CHECK(t, all_ok);
    CHECK(t, acc.nattrs == NOBJECTS * NNAMES && acc.attr_capacity >= acc.nattrs);
    /* every pair is there once */
    for (int o = 0; o < NOBJECTS; o++) {
        H5O_token_t object = unit_address_token(1000 + (uint64_t)o);
        size_t      found  = 0;

        for (size_t i = 0; i < acc.nattrs; i++)
            found += memcmp(&acc.attrs[i].object, &object, sizeof object) == 0;
        CHECK(t, found == NNAMES);
    }
    CHECK_NO_ERROR(t);
    carve_access_clear(&acc);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    test_datasets(&t);
    test_reads(&t);
    test_extent_changes(&t);
    test_deferred_merge(&t);
    test_touch(&t);
    test_attributes(&t);
    return unit_end(&t);
}
