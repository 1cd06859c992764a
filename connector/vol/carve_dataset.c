/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_dataset.c — the dataset interface: create, open, read and write (single and multi-dataset),
 * get, specific, optional, close.
 */
#include <stdlib.h>

#include "carve_mode.h"

/* Multi-dataset writes take arrays of objects; up to this many are unwrapped without allocating. */
#define CARVE_DATASET_STACK_COUNT 16

void *
carve_dataset_create(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t lcpl_id,
                     hid_t type_id, hid_t space_id, hid_t dcpl_id, hid_t dapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_result(H5VLdataset_create(o->under_object, loc_params, o->under_vol_id, name, lcpl_id,
                                                type_id, space_id, dcpl_id, dapl_id, dxpl_id, req),
                             o, req);
}

void *
carve_dataset_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t dapl_id,
                   hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;
    carve_obj_t *dset;

    dset = carve_wrap_result(
        H5VLdataset_open(o->under_object, loc_params, o->under_vol_id, name, dapl_id, dxpl_id, req), o, req);
    if (carve_obj_opened(dset, H5I_DATASET, dapl_id) < 0) {
        CARVE_CLEANUP_BEGIN
        H5VLdataset_close(dset->under_object, dset->under_vol_id, dxpl_id, NULL);
        carve_obj_free(dset);
        CARVE_CLEANUP_END
        return NULL;
    }
    return dset;
}

/* Fills `under` (count entries) with the objects below carve's datasets. */
static void **
unwrap_datasets(size_t count, void *dset[], void *stack[CARVE_DATASET_STACK_COUNT])
{
    void **under = stack;

    if (count > CARVE_DATASET_STACK_COUNT && NULL == (under = malloc(count * sizeof *under))) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_SYSTEM, "out of memory for a %zu-dataset operation", count);
        return NULL;
    }
    for (size_t i = 0; i < count; i++)
        under[i] = carve_under(dset[i]);
    return under;
}

herr_t
carve_dataset_read(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                   hid_t file_space_id[], hid_t plist_id, void *buf[], void **req)
{
    /* The mode of the first dataset's file reads them all (every dataset of one call lives behind the same
     * connector). */
    return ((carve_obj_t *)dset[0])
        ->ctx->mode->dataset_read(count, dset, mem_type_id, mem_space_id, file_space_id, plist_id, buf, req);
}

herr_t
carve_dataset_write(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                    hid_t file_space_id[], hid_t plist_id, const void *buf[], void **req)
{
    void  *stack[CARVE_DATASET_STACK_COUNT];
    void **under;
    herr_t ret_value;

    if (NULL == (under = unwrap_datasets(count, dset, stack)))
        return -1;
    ret_value = H5VLdataset_write(count, under, ((carve_obj_t *)dset[0])->under_vol_id, mem_type_id,
                                  mem_space_id, file_space_id, plist_id, buf, req);
    ret_value = carve_wrap_status(ret_value, dset[0], req);
    if (under != stack)
        free(under);
    return ret_value;
}

herr_t
carve_dataset_get(void *dset, H5VL_dataset_get_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = dset;
    int          answered;

    if ((answered = o->ctx->mode->dataset_get(o, args)) != 0)
        return answered < 0 ? -1 : 0;
    return carve_wrap_status(H5VLdataset_get(o->under_object, o->under_vol_id, args, dxpl_id, req), o, req);
}

herr_t
carve_dataset_specific(void *obj, H5VL_dataset_specific_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o            = obj;
    hid_t        under_vol_id = o->under_vol_id; /* REFRESH may close and reopen the object */

    return carve_wrap_status(H5VLdataset_specific(o->under_object, under_vol_id, args, dxpl_id, req), o, req);
}

herr_t
carve_dataset_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;
    int          answered;

    if ((answered = o->ctx->mode->dataset_optional(o, args, dxpl_id)) != 0)
        return answered < 0 ? -1 : 0;
    return carve_wrap_status(H5VLdataset_optional(o->under_object, o->under_vol_id, args, dxpl_id, req), o,
                             req);
}

herr_t
carve_dataset_close(void *dset, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = dset;
    herr_t       ret_value;

    ret_value = carve_wrap_status(H5VLdataset_close(o->under_object, o->under_vol_id, dxpl_id, req), o, req);
    if (ret_value >= 0 && carve_obj_free(o) < 0)
        ret_value = -1; /* the stack says why (carve_obj_free) */
    return ret_value;
}
