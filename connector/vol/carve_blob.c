/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_blob.c — blobs (the storage behind variable-length data and references), passed to the
 * connector below.
 */
#include "carve_vol_internal.h"

herr_t
carve_blob_put(void *obj, const void *buf, size_t size, void *blob_id, void *ctx)
{
    carve_obj_t *o = obj;

    return H5VLblob_put(o->under_object, o->under_vol_id, buf, size, blob_id, ctx);
}

herr_t
carve_blob_get(void *obj, const void *blob_id, void *buf, size_t size, void *ctx)
{
    carve_obj_t *o = obj;

    return H5VLblob_get(o->under_object, o->under_vol_id, blob_id, buf, size, ctx);
}

herr_t
carve_blob_specific(void *obj, void *blob_id, H5VL_blob_specific_args_t *args)
{
    carve_obj_t *o = obj;

    return H5VLblob_specific(o->under_object, o->under_vol_id, blob_id, args);
}

herr_t
carve_blob_optional(void *obj, void *blob_id, H5VL_optional_args_t *args)
{
    carve_obj_t *o = obj;

    return H5VLblob_optional(o->under_object, o->under_vol_id, blob_id, args);
}
