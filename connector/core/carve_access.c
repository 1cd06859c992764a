/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_access.c — the access log of one program run on one origin (see carve_access.h).
 *
 * Recording is on the read path of the program, so it stays cheap: a hash lookup and an append (or a
 * fold into the previous record) per read; selections are merged only when they pile up past a memory
 * budget (the commit merges them in any case: merging 100k random reads on the way cost 40% of a program
 * making them, for a list that shrank by nothing).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_access.h"
#include "carve_space.h"
#include "carve_dynbuf.h"
#include "carve_error.h"

/* Unmerged records allowed to accumulate, beyond twice the merged ones, before a merge. */
#define ACCESS_MERGE_SLACK 4096

void
carve_access_init(carve_access_t *acc)
{
    memset(acc, 0, sizeof *acc);
    carve_tokenmap_init(&acc->datasets);
    carve_tokenmap_init(&acc->objects);
    carve_tokenmap_init(&acc->attr_index);
}

static void
access_dataset_free(void *value)
{
    carve_access_dataset_t *ds = value;

    carve_selection_clear(&ds->selections);
    free(ds);
}

void
carve_access_clear(carve_access_t *acc)
{
    carve_tokenmap_clear(&acc->datasets, access_dataset_free);
    carve_tokenmap_clear(&acc->objects, NULL);
    carve_tokenmap_clear(&acc->attr_index, NULL);
    for (size_t i = 0; i < acc->nattrs; i++)
        free(acc->attrs[i].name);
    free(acc->attrs);
    free(acc->attr_next);
    carve_access_init(acc);
}

carve_access_dataset_t *
carve_access_dataset(carve_access_t *acc, const H5O_token_t *token, int rank, const hsize_t *dims,
                     size_t type_size)
{
    carve_access_dataset_t *ds        = carve_tokenmap_get(&acc->datasets, token);
    carve_access_dataset_t *ret_value = NULL;

    if (ds)
        return ds;
    if (NULL == (ds = calloc(1, sizeof *ds)))
        CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_SYSTEM, NULL, "out of memory recording a dataset");
    ds->access    = acc;
    ds->token     = *token;
    ds->rank      = rank;
    ds->type_size = type_size;
    for (int d = 0; d < rank; d++)
        ds->dims[d] = dims[d];
    carve_selection_init(&ds->selections, rank, dims);
    if (carve_tokenmap_put(&acc->datasets, token, ds) < 0) {
        access_dataset_free(ds);
        CARVE_GOTO_DONE(NULL);
    }
    ret_value = ds;

done:
    return ret_value;
}

/* Brings the log's count of unmerged record bytes up to date with one dataset's list. */
static void
access_count_unmerged(carve_access_dataset_t *ds)
{
    const carve_selection_t *sel = &ds->selections;
    size_t now = (sel->nrecords - sel->merged) * 4 * (size_t)(sel->rank ? sel->rank : 1) * sizeof(hsize_t);

    ds->access->unmerged_bytes = ds->access->unmerged_bytes - ds->unmerged_bytes + now;
    ds->unmerged_bytes         = now;
}

herr_t
carve_access_record_read(carve_access_dataset_t *ds, hid_t file_space_id)
{
    hsize_t elements  = 0;
    herr_t  ret_value = 0;

    if (file_space_id == H5S_ALL) {
        elements = 1;
        for (int d = 0; d < ds->rank; d++)
            elements *= ds->dims[d];
        if (carve_selection_add_all(&ds->selections) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else {
        hsize_t dims[H5S_MAX_RANK], lo[H5S_MAX_RANK], hi[H5S_MAX_RANK];
        int     ndims, one_block;

        /* A dataset whose extent changed since it was first read (H5Dset_extent by the program, or a
         * writer extending it under SWMR): the log follows the extent the read was made in. A selection of
         * one block (most small reads) comes with its extent from one lookup (carve_space_one_block);
         * any other is asked through the public calls, the extent first (it gives the rank too). */
        if (!(one_block = carve_space_one_block(file_space_id, &ndims, dims, &elements, lo, hi)) &&
            (ndims = H5Sget_simple_extent_dims(file_space_id, dims, NULL)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_UNDERLYING, -1, "cannot read the extent of a read");
        if (ndims == ds->rank && ds->rank > 0 &&
            memcmp(dims, ds->dims, (size_t)ds->rank * sizeof *dims) != 0) {
            memcpy(ds->dims, dims, (size_t)ds->rank * sizeof *dims);
            carve_selection_set_extent(&ds->selections, dims);
        }
        if (one_block && ndims == ds->rank) {
            hsize_t ones[H5S_MAX_RANK], block[H5S_MAX_RANK];

            for (int d = 0; d < ndims; d++) {
                ones[d]  = 1;
                block[d] = hi[d] - lo[d] + 1;
            }
            if (carve_selection_add(&ds->selections, lo, ones, ones, block) < 0)
                CARVE_GOTO_DONE(-1);
        }
        else if (carve_selection_add_space_of_rank(&ds->selections, file_space_id, ndims, &elements) < 0)
            CARVE_GOTO_DONE(-1);
    }
    ds->reads++;
    ds->elements_read += elements;
    ds->bytes_read += elements * ds->type_size;
    access_count_unmerged(ds);
    if (ds->access->unmerged_bytes > CARVE_ACCESS_UNMERGED_BYTES &&
        ds->selections.nrecords > 2 * ds->selections.merged + ACCESS_MERGE_SLACK) {
        if (carve_selection_compact(&ds->selections) < 0)
            CARVE_GOTO_DONE(-1);
        access_count_unmerged(ds);
    }

done:
    return ret_value;
}

herr_t
carve_access_touch(carve_access_t *acc, const H5O_token_t *token)
{
    if (carve_tokenmap_get(&acc->objects, token))
        return 0;
    return carve_tokenmap_put(&acc->objects, token, (void *)1);
}

herr_t
carve_access_record_attr(carve_access_t *acc, const H5O_token_t *object, const char *name)
{
    size_t link = (size_t)(uintptr_t)carve_tokenmap_get(&acc->attr_index, object);
    size_t i;
    herr_t ret_value = 0;

    for (size_t at = link; at != 0; at = acc->attr_next[at - 1])
        if (strcmp(acc->attrs[at - 1].name, name) == 0)
            return 0;
    if (acc->nattrs == acc->attr_capacity) {
        /* The two arrays share one capacity: the smaller of what each got (a failure halfway leaves the
         * first with more room than recorded, which the next growth reuses). */
        size_t attrs_cap = acc->attr_capacity, next_cap = acc->attr_capacity;
        bool   grown = CARVE_ARRAY_RESERVE(acc->attrs, attrs_cap, acc->nattrs + 1) == CARVE_GROW_OK &&
                     CARVE_ARRAY_RESERVE(acc->attr_next, next_cap, acc->nattrs + 1) == CARVE_GROW_OK;

        acc->attr_capacity = attrs_cap < next_cap ? attrs_cap : next_cap;
        if (!grown)
            CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_SYSTEM, -1, "out of memory recording attribute reads");
    }
    i = acc->nattrs;
    if (NULL == (acc->attrs[i].name = strdup(name)))
        CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_SYSTEM, -1, "out of memory recording attribute reads");
    acc->attrs[i].object = *object;
    acc->attr_next[i]    = link;
    if (carve_tokenmap_put(&acc->attr_index, object, (void *)(uintptr_t)(i + 1)) < 0) {
        free(acc->attrs[i].name);
        CARVE_GOTO_DONE(-1);
    }
    acc->nattrs++;

done:
    return ret_value;
}
