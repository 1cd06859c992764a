/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_skeleton.h — the metadata skeleton of an origin file, copied into a container file.
 *
 * Walks the origin from its root group and creates in the container, at the same paths and in the same
 * creation order: groups (with their creation lists), hard links (cycles and aliases preserved as hard
 * links to one object), soft, external and user-defined links, committed datatypes, datasets (datatype,
 * dataspace with max dims, creation list: layout, chunk shape, filters, fill value) and every attribute
 * with its value, for every datatype. Object and region references — old (hobj_ref_t, hdset_reg_ref_t)
 * and new (H5R_ref_t), at top level or nested in compound, array and vlen types, e.g. netCDF-4's
 * DIMENSION_LIST/REFERENCE_LIST — are rewritten to point at the same objects inside the container.
 * Dataset raw data is not copied here (see carve_skeleton_copy_elements and carve_container).
 *
 * Objects already in the container (same path) are mapped, not created again, so a build over an
 * existing container only adds what is missing. Plain HDF5 API on two open file IDs; no VOL code.
 */
#ifndef CARVE_SKELETON_H
#define CARVE_SKELETON_H

#include <hdf5.h>

#include "carve_tokenmap.h"

typedef struct carve_skeleton_object_t {
    H5O_token_t origin_token;
    H5O_token_t container_token;
    H5O_type_t  type;     /* H5O_TYPE_GROUP, H5O_TYPE_DATASET, H5O_TYPE_NAMED_DATATYPE */
    char       *path;     /* the first path the walk reached it by (absolute, "/" for the root) */
    int         created;  /* 1: created by this build; 0: found in the container */
    int         has_refs; /* datasets: its values hold references (anywhere in the type) */
} carve_skeleton_object_t;

/* An external link of the origin that the container holds at the same path. */
typedef struct carve_skeleton_elink_t {
    char *path; /* absolute, as the walk reached it */
    char *file; /* the target file and object, as the link stores them (H5Lunpack_elink_val) */
    char *object;
} carve_skeleton_elink_t;

typedef struct carve_skeleton_t {
    carve_tokenmap_t        by_origin; /* origin token -> carve_skeleton_object_t * */
    carve_skeleton_elink_t *elinks;    /* the external links the build created or found in the container,
                                        * once each, in walk order (for the manifest's external_links) */
    size_t                  nelinks;
    size_t                  elinks_capacity;
} carve_skeleton_t;

/* Whether an object of the origin goes into the container (a skeleton of touched objects only).
 * Groups on the way to an included object are created too; links whose target is left out are not.
 * Return 1 to include, 0 to leave out. */
typedef int (*carve_skeleton_include_t)(void *udata, const H5O_token_t *origin_token, H5O_type_t type,
                                        const char *path);

/* The creation list to create a dataset with in the container. Return H5P_DEFAULT to use the origin's
 * own (origin_dcpl), a new list the skeleton will close, or a negative value to fail the build. */
typedef hid_t (*carve_skeleton_dcpl_t)(void *udata, const H5O_token_t *origin_token, const char *path,
                                       hid_t origin_dset, hid_t origin_dcpl);

typedef struct carve_skeleton_options_t {
    carve_skeleton_include_t include; /* NULL: everything */
    void                    *include_udata;
    carve_skeleton_dcpl_t    dcpl; /* NULL: always the origin's creation list */
    void                    *dcpl_udata;
} carve_skeleton_options_t;

void carve_skeleton_init(carve_skeleton_t *skel);
void carve_skeleton_clear(carve_skeleton_t *skel);

/* Builds (or completes) the skeleton of origin_file inside container_file (opened read-write, native).
 * opts may be NULL. On failure the container may hold part of the skeleton: callers build into a
 * temporary file they discard on failure. */
herr_t carve_skeleton_build(hid_t origin_file, hid_t container_file, const carve_skeleton_options_t *opts,
                            carve_skeleton_t *skel);

/* The entry of an origin object, or NULL when it is not in the container. */
carve_skeleton_object_t *carve_skeleton_find(const carve_skeleton_t *skel, const H5O_token_t *origin_token);

/* 1 when a dataset of this datatype cannot be copied as raw bytes (raw chunks) because its stored form
 * refers into the file: it holds variable-length data or references somewhere. 0 otherwise, -1 on error. */
int carve_skeleton_type_needs_rewrite(hid_t type_id);

/* Copies the elements file_space selects from origin_dset into container_dset (same extent), read and
 * written with the dataset's own type, with variable-length data re-encoded in the container and
 * references rewritten as for attributes. The caller keeps each call's selection to a bounded size. */
herr_t carve_skeleton_copy_elements(const carve_skeleton_t *skel, hid_t origin_file, hid_t container_file,
                                    hid_t origin_dset, hid_t container_dset, hid_t file_space);

#endif /* CARVE_SKELETON_H */
