/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_link.c — the link interface: create (hard, soft, user-defined), copy, move, get, specific, optional.
 */
#include "carve_mode.h"

herr_t
carve_link_create(H5VL_link_create_args_t *args, void *obj, const H5VL_loc_params_t *loc_params,
                  hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t            *o          = obj;
    H5VL_link_create_args_t under_args = *args;
    hid_t                   under_vol_id;

    /* A hard link names its target object: the connector below wants its own object, not carve's. */
    if (args->op_type == H5VL_LINK_CREATE_HARD) {
        carve_obj_t *target = args->args.hard.curr_obj;

        under_args.args.hard.curr_obj = carve_under(target);
        if (!o)
            o = target;
    }
    under_vol_id = o->under_vol_id;
    return carve_wrap_status(H5VLlink_create(&under_args, carve_under(obj), loc_params, under_vol_id, lcpl_id,
                                             lapl_id, dxpl_id, req),
                             o, req);
}

herr_t
carve_link_copy(void *src_obj, const H5VL_loc_params_t *loc_params1, void *dst_obj,
                const H5VL_loc_params_t *loc_params2, hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = src_obj ? src_obj : dst_obj; /* H5L_SAME_LOC: either may be NULL */

    return carve_wrap_status(H5VLlink_copy(carve_under(src_obj), loc_params1, carve_under(dst_obj),
                                           loc_params2, o->under_vol_id, lcpl_id, lapl_id, dxpl_id, req),
                             o, req);
}

herr_t
carve_link_move(void *src_obj, const H5VL_loc_params_t *loc_params1, void *dst_obj,
                const H5VL_loc_params_t *loc_params2, hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = src_obj ? src_obj : dst_obj; /* H5L_SAME_LOC: either may be NULL */

    return carve_wrap_status(H5VLlink_move(carve_under(src_obj), loc_params1, carve_under(dst_obj),
                                           loc_params2, o->under_vol_id, lcpl_id, lapl_id, dxpl_id, req),
                             o, req);
}

herr_t
carve_link_get(void *obj, const H5VL_loc_params_t *loc_params, H5VL_link_get_args_t *args, hid_t dxpl_id,
               void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLlink_get(o->under_object, loc_params, o->under_vol_id, args, dxpl_id, req),
                             o, req);
}

herr_t
carve_link_specific(void *obj, const H5VL_loc_params_t *loc_params, H5VL_link_specific_args_t *args,
                    hid_t dxpl_id, void **req)
{
    carve_obj_t *o            = obj;
    hid_t        under_vol_id = o->under_vol_id; /* deleting a link may close the object */
    herr_t       ret_value;

    ret_value = carve_wrap_status(
        H5VLlink_specific(o->under_object, loc_params, under_vol_id, args, dxpl_id, req), o, req);
    if (ret_value >= 0 && args->op_type == H5VL_LINK_ITER)
        o->ctx->mode->location_touched(o, loc_params); /* the group iterated */
    return ret_value;
}

herr_t
carve_link_optional(void *obj, const H5VL_loc_params_t *loc_params, H5VL_optional_args_t *args, hid_t dxpl_id,
                    void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(
        H5VLlink_optional(o->under_object, loc_params, o->under_vol_id, args, dxpl_id, req), o, req);
}
