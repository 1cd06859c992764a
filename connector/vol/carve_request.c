/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_request.c — asynchronous requests: carve wraps every request the connector below returns
 * (carve_wrap_request) and unwraps it here to wait on, notify, cancel, query or free it.
 */
#include "carve_vol_internal.h"

herr_t
carve_request_wait(void *req, uint64_t timeout, H5VL_request_status_t *status)
{
    carve_obj_t *o = req;

    return H5VLrequest_wait(o->under_object, o->under_vol_id, timeout, status);
}

herr_t
carve_request_notify(void *req, H5VL_request_notify_t cb, void *ctx)
{
    carve_obj_t *o = req;

    return H5VLrequest_notify(o->under_object, o->under_vol_id, cb, ctx);
}

herr_t
carve_request_cancel(void *req, H5VL_request_status_t *status)
{
    carve_obj_t *o = req;

    return H5VLrequest_cancel(o->under_object, o->under_vol_id, status);
}

herr_t
carve_request_specific(void *req, H5VL_request_specific_args_t *args)
{
    carve_obj_t *o = req;

    return H5VLrequest_specific(o->under_object, o->under_vol_id, args);
}

herr_t
carve_request_optional(void *req, H5VL_optional_args_t *args)
{
    carve_obj_t *o = req;

    return H5VLrequest_optional(o->under_object, o->under_vol_id, args);
}

herr_t
carve_request_free(void *req)
{
    carve_obj_t *o = req;
    herr_t       ret_value;

    ret_value = H5VLrequest_free(o->under_object, o->under_vol_id);
    if (ret_value >= 0)
        carve_obj_free(o);
    return ret_value;
}
