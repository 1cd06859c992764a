/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_access.h — the access log: what one program run did with one origin file.
 *
 * Per dataset (keyed by object token, so aliases count once): its shape, its file datatype's size,
 * the exact file selections read (carve_selection_t), elements and bytes read. Per object: that the
 * program opened, iterated or queried it. Per attribute: (object, name) pairs read. Kept in memory
 * while the origin is open and handed to carve_container at commit. No VOL code.
 */
#ifndef CARVE_ACCESS_H
#define CARVE_ACCESS_H

#include <stdint.h>

#include <hdf5.h>

#include "carve_coverage.h"
#include "carve_tokenmap.h"

/* The unmerged selection records an access log may hold (bytes, all datasets) before reads merge them:
 * 32 MiB is 524 288 records of a 2-D dataset (a million reads' worth of random 1x16 blocks or points
 * shrink by nothing when merged: only repeated reads of the same region do, and they stay far below). */
#define CARVE_ACCESS_UNMERGED_BYTES ((size_t)32 << 20)

struct carve_access_t;

typedef struct carve_access_dataset_t {
    struct carve_access_t *access;         /* the log it belongs to (its budget of unmerged records) */
    size_t                 unmerged_bytes; /* this dataset's part of access->unmerged_bytes */
    H5O_token_t            token;
    int                    rank;
    hsize_t                dims[H5S_MAX_RANK];
    size_t                 type_size;  /* bytes per element in the file */
    carve_selection_t      selections; /* union of the file selections read */
    uint64_t               reads;
    uint64_t               elements_read;
    uint64_t               bytes_read;
} carve_access_dataset_t;

typedef struct carve_access_attr_t {
    H5O_token_t object;
    char       *name;
} carve_access_attr_t;

typedef struct carve_access_t {
    carve_tokenmap_t     datasets; /* token -> carve_access_dataset_t * */
    carve_tokenmap_t     objects;  /* token -> (void *)1: opened, iterated or queried */
    size_t               nattrs;
    size_t               attr_capacity;
    carve_access_attr_t *attrs;
    carve_tokenmap_t     attr_index; /* object token -> 1 + index of its first entry in attrs (chained) */
    size_t              *attr_next;  /* per entry: 1 + index of the next entry of the same object, 0: none */
    size_t unmerged_bytes; /* selection records appended since their dataset's last merge, all datasets */
} carve_access_t;

void carve_access_init(carve_access_t *acc);
void carve_access_clear(carve_access_t *acc);

/* The entry of a dataset, created on first use with its shape and element size. */
carve_access_dataset_t *carve_access_dataset(carve_access_t *acc, const H5O_token_t *token, int rank,
                                             const hsize_t *dims, size_t type_size);
/* Records one read of file_space_id (H5S_ALL: the whole dataset) on a dataset entry: an append to its
 * selections. They are merged (carve_selection_compact) on the read path only once the records appended
 * since their last merge, over all datasets of the log, pass CARVE_ACCESS_UNMERGED_BYTES, and the dataset's
 * list has more than doubled since its own; the commit merges them anyway. */
herr_t carve_access_record_read(carve_access_dataset_t *ds, hid_t file_space_id);
/* Records that an object was opened, iterated or queried. */
herr_t carve_access_touch(carve_access_t *acc, const H5O_token_t *token);
/* Records an attribute read (once per object and name). */
herr_t carve_access_record_attr(carve_access_t *acc, const H5O_token_t *object, const char *name);

#endif /* CARVE_ACCESS_H */
