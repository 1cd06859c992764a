/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_datatype.c — the committed-datatype interface: commit, open, get, specific, optional, close.
 */
#include "carve_mode.h"

void *
carve_datatype_commit(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t type_id,
                      hid_t lcpl_id, hid_t tcpl_id, hid_t tapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_result(H5VLdatatype_commit(o->under_object, loc_params, o->under_vol_id, name, type_id,
                                                 lcpl_id, tcpl_id, tapl_id, dxpl_id, req),
                             o, req);
}

void *
carve_datatype_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t tapl_id,
                    hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;
    carve_obj_t *opened;

    opened = carve_wrap_result(
        H5VLdatatype_open(o->under_object, loc_params, o->under_vol_id, name, tapl_id, dxpl_id, req), o, req);
    (void)carve_obj_opened(opened, H5I_DATATYPE, tapl_id); /* only a dataset's can fail (carve_mode.h) */
    return opened;
}

herr_t
carve_datatype_get(void *dt, H5VL_datatype_get_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = dt;

    return carve_wrap_status(H5VLdatatype_get(o->under_object, o->under_vol_id, args, dxpl_id, req), o, req);
}

herr_t
carve_datatype_specific(void *obj, H5VL_datatype_specific_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o            = obj;
    hid_t        under_vol_id = o->under_vol_id; /* REFRESH may close and reopen the object */

    return carve_wrap_status(H5VLdatatype_specific(o->under_object, under_vol_id, args, dxpl_id, req), o,
                             req);
}

herr_t
carve_datatype_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLdatatype_optional(o->under_object, o->under_vol_id, args, dxpl_id, req), o,
                             req);
}

herr_t
carve_datatype_close(void *dt, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = dt;
    herr_t       ret_value;

    ret_value = carve_wrap_status(H5VLdatatype_close(o->under_object, o->under_vol_id, dxpl_id, req), o, req);
    if (ret_value >= 0 && carve_obj_free(o) < 0)
        ret_value = -1; /* the stack says why (carve_obj_free) */
    return ret_value;
}
