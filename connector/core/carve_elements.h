/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_elements.h — the selected elements of a contiguous dataset of a URL origin, read by carve's own
 * validated range requests (carve_origin_fetch) and written into the container in the file type.
 *
 * HDF5's ROS3 driver does not check a response's length, so a commit that re-read element data through
 * it could store a one-off short body for good. Here each element box becomes byte ranges of the file
 * (the dataset's address plus the row-major index times the element size), fetched with the answer checked
 * (206, Content-Range, exact length); a box whose bytes could not be validated is not stored, is named on
 * stderr, and is left out of what the caller may claim. No VOL code.
 */
#ifndef CARVE_ELEMENTS_H
#define CARVE_ELEMENTS_H

#include <stddef.h>

#include <hdf5.h>

#include "carve_bytestore.h"
#include "carve_coverage.h"

/* One origin dataset whose elements are fetched, and the container dataset they go to. */
typedef struct carve_elements_source_t {
    const char        *url;  /* the origin */
    hid_t              fapl; /* its access list (ROS3 credentials sign the requests) */
    carve_bytestore_t *seen; /* what the program's run read of it (answered without a request); may be NULL */
    const char        *container_path; /* for messages */
    const char        *path;           /* the dataset's path, for messages */
    hid_t              cds;            /* the container's dataset (same extent and type) */
    hid_t              type;           /* the file type: the memory type of the write (no conversion) */
    int                rank;           /* 0: scalar */
    hsize_t            dims[H5S_MAX_RANK];
    size_t             elem;     /* bytes per element in the file */
    haddr_t            address;  /* where the dataset's data starts in the file, user block included */
    size_t            *requests; /* incremented per request made; may be NULL */
} carve_elements_source_t;

/* 1 when the elements of the origin dataset ods can be read as byte ranges of the file: contiguous layout,
 * allocated, no external storage, a type whose stored bytes do not point into the file (no vlen data, no
 * references); then *address is where its data starts. 0 when not (then it is read through the connector
 * below), -1 on failure. */
int carve_elements_fetchable(hid_t ods, hid_t dcpl, hid_t type, haddr_t *address);

/* Fetches the elements sel selects (rank and extent of src) and writes them into src->cds. *stored
 * (initialised by the caller, same rank and extent) gets what was written: sel itself when every box was
 * validated, else the boxes that were. Boxes that were not are said on stderr (dataset and element box);
 * they are not an error. Returns -1 only when nothing could be attempted or the container refused a write
 * (the error stack says why). */
herr_t carve_elements_fetch(const carve_elements_source_t *src, const carve_selection_t *sel,
                            carve_selection_t *stored);

#endif /* CARVE_ELEMENTS_H */
