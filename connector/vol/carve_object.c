/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_object.c — the generic object interface: open by location, copy, get, specific, optional.
 */
#include "carve_mode.h"

void *
carve_object_open(void *obj, const H5VL_loc_params_t *loc_params, H5I_type_t *opened_type, hid_t dxpl_id,
                  void **req)
{
    carve_obj_t *o = obj;
    carve_obj_t *opened;

    opened = carve_wrap_result(
        H5VLobject_open(o->under_object, loc_params, o->under_vol_id, opened_type, dxpl_id, req), o, req);
    if (opened && opened_type && carve_obj_opened(opened, *opened_type, H5P_DEFAULT) < 0) {
        CARVE_CLEANUP_BEGIN
        H5VLdataset_close(opened->under_object, opened->under_vol_id, dxpl_id, NULL);
        carve_obj_free(opened);
        CARVE_CLEANUP_END
        return NULL;
    }
    return opened;
}

herr_t
carve_object_copy(void *src_obj, const H5VL_loc_params_t *src_loc_params, const char *src_name, void *dst_obj,
                  const H5VL_loc_params_t *dst_loc_params, const char *dst_name, hid_t ocpypl_id,
                  hid_t lcpl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = src_obj;

    return carve_wrap_status(H5VLobject_copy(o->under_object, src_loc_params, src_name, carve_under(dst_obj),
                                             dst_loc_params, dst_name, o->under_vol_id, ocpypl_id, lcpl_id,
                                             dxpl_id, req),
                             o, req);
}

herr_t
carve_object_get(void *obj, const H5VL_loc_params_t *loc_params, H5VL_object_get_args_t *args, hid_t dxpl_id,
                 void **req)
{
    carve_obj_t *o = obj;
    herr_t       ret_value;

    ret_value = carve_wrap_status(
        H5VLobject_get(o->under_object, loc_params, o->under_vol_id, args, dxpl_id, req), o, req);
    if (ret_value >= 0 && args->op_type == H5VL_OBJECT_GET_INFO &&
        (args->args.get_info.fields & H5O_INFO_BASIC))
        o->ctx->mode->object_queried(o, args->args.get_info.oinfo);
    return ret_value;
}

herr_t
carve_object_specific(void *obj, const H5VL_loc_params_t *loc_params, H5VL_object_specific_args_t *args,
                      hid_t dxpl_id, void **req)
{
    carve_obj_t *o            = obj;
    hid_t        under_vol_id = o->under_vol_id; /* REFRESH may close and reopen the object */
    herr_t       ret_value;

    ret_value = carve_wrap_status(
        H5VLobject_specific(o->under_object, loc_params, under_vol_id, args, dxpl_id, req), o, req);
    if (ret_value >= 0 && args->op_type == H5VL_OBJECT_VISIT)
        o->ctx->mode->location_touched(o, loc_params); /* the object visited from */
    return ret_value;
}

herr_t
carve_object_optional(void *obj, const H5VL_loc_params_t *loc_params, H5VL_optional_args_t *args,
                      hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(
        H5VLobject_optional(o->under_object, loc_params, o->under_vol_id, args, dxpl_id, req), o, req);
}
