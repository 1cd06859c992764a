/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_carving.h — what carve mode (carve_carving.c) offers beyond its hook table (carve_mode_carve).
 */
#ifndef CARVE_CARVING_H
#define CARVE_CARVING_H

#include "carve_vol_internal.h"

/* Read-through (replay): records a read served by the origin as if carved, so that the shutdown commit
 * adds it to the container. origin_dset is the origin's dataset below carve; ctx the replayed file's. */
herr_t carve_carving_record_origin_read(carve_file_ctx_t *ctx, const char *origin_name, hid_t origin_fapl,
                                        void *origin_dset, hid_t file_space_id);

#endif /* CARVE_CARVING_H */
