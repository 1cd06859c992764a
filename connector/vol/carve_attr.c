/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_attr.c — the attribute interface: create, open, read, write, get, specific, optional, close.
 */
#include "carve_mode.h"

void *
carve_attr_create(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t type_id,
                  hid_t space_id, hid_t acpl_id, hid_t aapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_result(H5VLattr_create(o->under_object, loc_params, o->under_vol_id, name, type_id,
                                             space_id, acpl_id, aapl_id, dxpl_id, req),
                             o, req);
}

void *
carve_attr_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t aapl_id,
                hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;
    carve_obj_t *attr;

    attr = carve_wrap_result(
        H5VLattr_open(o->under_object, loc_params, o->under_vol_id, name, aapl_id, dxpl_id, req), o, req);
    o->ctx->mode->attr_opened(o, loc_params, attr);
    return attr;
}

herr_t
carve_attr_read(void *attr, hid_t mem_type_id, void *buf, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = attr;
    herr_t       ret_value;

    ret_value = carve_wrap_status(
        H5VLattr_read(o->under_object, o->under_vol_id, mem_type_id, buf, dxpl_id, req), o, req);
    if (ret_value >= 0)
        o->ctx->mode->attr_read(o);
    return ret_value;
}

herr_t
carve_attr_write(void *attr, hid_t mem_type_id, const void *buf, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = attr;

    return carve_wrap_status(H5VLattr_write(o->under_object, o->under_vol_id, mem_type_id, buf, dxpl_id, req),
                             o, req);
}

herr_t
carve_attr_get(void *obj, H5VL_attr_get_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLattr_get(o->under_object, o->under_vol_id, args, dxpl_id, req), o, req);
}

herr_t
carve_attr_specific(void *obj, const H5VL_loc_params_t *loc_params, H5VL_attr_specific_args_t *args,
                    hid_t dxpl_id, void **req)
{
    carve_obj_t *o            = obj;
    hid_t        under_vol_id = o->under_vol_id; /* the operation may close the object */

    return carve_wrap_status(H5VLattr_specific(o->under_object, loc_params, under_vol_id, args, dxpl_id, req),
                             o, req);
}

herr_t
carve_attr_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLattr_optional(o->under_object, o->under_vol_id, args, dxpl_id, req), o, req);
}

herr_t
carve_attr_close(void *attr, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = attr;
    herr_t       ret_value;

    ret_value = carve_wrap_status(H5VLattr_close(o->under_object, o->under_vol_id, dxpl_id, req), o, req);
    if (ret_value >= 0 && carve_obj_free(o) < 0)
        ret_value = -1; /* the stack says why (carve_obj_free) */
    return ret_value;
}
