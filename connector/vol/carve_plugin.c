/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_plugin.c — the plugin entry: carve's VOL class struct, its initialize/terminate callbacks, the
 * generic optional callback, the HDF5 plugin entry points, and the public C helpers of carve_vol.h.
 */
#include <H5PLextern.h>

#include "carve_version.h"
#include "carve_vol_internal.h"

static herr_t
carve_initialize(hid_t vipl_id)
{
    (void)vipl_id;
    carve_obj_pool_open();
    return carve_error_init();
}

static herr_t
carve_terminate(void)
{
    carve_obj_pool_close();
    carve_error_term();
    return 0;
}

herr_t
carve_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req)
{
    carve_obj_t *o = obj;

    return carve_wrap_status(H5VLoptional(o->under_object, o->under_vol_id, args, dxpl_id, req), o, req);
}

const H5VL_class_t carve_vol_class = {
    .version      = H5VL_VERSION,
    .value        = CARVE_VOL_VALUE,
    .name         = CARVE_VOL_NAME,
    .conn_version = CARVE_VOL_VERSION,
    .cap_flags    = H5VL_CAP_FLAG_NONE, /* carve adds no capability; get_cap_flags reports those below */
    .initialize   = carve_initialize,
    .terminate    = carve_terminate,
    .info_cls =
        {
            .size     = sizeof(carve_vol_info_t),
            .copy     = carve_info_copy,
            .cmp      = carve_info_cmp,
            .free     = carve_info_free,
            .to_str   = carve_info_to_str,
            .from_str = carve_info_from_str,
        },
    .wrap_cls =
        {
            .get_object    = carve_wrap_get_object,
            .get_wrap_ctx  = carve_wrap_get_wrap_ctx,
            .wrap_object   = carve_wrap_object,
            .unwrap_object = carve_unwrap_object,
            .free_wrap_ctx = carve_wrap_free_wrap_ctx,
        },
    .attr_cls =
        {
            .create   = carve_attr_create,
            .open     = carve_attr_open,
            .read     = carve_attr_read,
            .write    = carve_attr_write,
            .get      = carve_attr_get,
            .specific = carve_attr_specific,
            .optional = carve_attr_optional,
            .close    = carve_attr_close,
        },
    .dataset_cls =
        {
            .create   = carve_dataset_create,
            .open     = carve_dataset_open,
            .read     = carve_dataset_read,
            .write    = carve_dataset_write,
            .get      = carve_dataset_get,
            .specific = carve_dataset_specific,
            .optional = carve_dataset_optional,
            .close    = carve_dataset_close,
        },
    .datatype_cls =
        {
            .commit   = carve_datatype_commit,
            .open     = carve_datatype_open,
            .get      = carve_datatype_get,
            .specific = carve_datatype_specific,
            .optional = carve_datatype_optional,
            .close    = carve_datatype_close,
        },
    .file_cls =
        {
            .create   = carve_file_create,
            .open     = carve_file_open,
            .get      = carve_file_get,
            .specific = carve_file_specific,
            .optional = carve_file_optional,
            .close    = carve_file_close,
        },
    .group_cls =
        {
            .create   = carve_group_create,
            .open     = carve_group_open,
            .get      = carve_group_get,
            .specific = carve_group_specific,
            .optional = carve_group_optional,
            .close    = carve_group_close,
        },
    .link_cls =
        {
            .create   = carve_link_create,
            .copy     = carve_link_copy,
            .move     = carve_link_move,
            .get      = carve_link_get,
            .specific = carve_link_specific,
            .optional = carve_link_optional,
        },
    .object_cls =
        {
            .open     = carve_object_open,
            .copy     = carve_object_copy,
            .get      = carve_object_get,
            .specific = carve_object_specific,
            .optional = carve_object_optional,
        },
    .introspect_cls =
        {
            .get_conn_cls  = carve_introspect_get_conn_cls,
            .get_cap_flags = carve_introspect_get_cap_flags,
            .opt_query     = carve_introspect_opt_query,
        },
    .request_cls =
        {
            .wait     = carve_request_wait,
            .notify   = carve_request_notify,
            .cancel   = carve_request_cancel,
            .specific = carve_request_specific,
            .optional = carve_request_optional,
            .free     = carve_request_free,
        },
    .blob_cls =
        {
            .put      = carve_blob_put,
            .get      = carve_blob_get,
            .specific = carve_blob_specific,
            .optional = carve_blob_optional,
        },
    .token_cls =
        {
            .cmp      = carve_token_cmp,
            .to_str   = carve_token_to_str,
            .from_str = carve_token_from_str,
        },
    .optional = carve_optional,
};

H5PL_type_t
H5PLget_plugin_type(void)
{
    return H5PL_TYPE_VOL;
}

const void *
H5PLget_plugin_info(void)
{
    return &carve_vol_class;
}

hid_t
carve_vol_register(void)
{
    /* Registering an already registered class returns its ID again (with a new reference). */
    return H5VLregister_connector(&carve_vol_class, H5P_DEFAULT);
}

herr_t
H5Pset_fapl_carve(hid_t fapl_id, const carve_vol_info_t *info)
{
    carve_vol_info_t defaults = {.version = CARVE_VOL_INFO_VERSION, .under_vol_id = H5I_INVALID_HID};
    carve_config_t   settings;
    hid_t            carve_id  = H5I_INVALID_HID;
    herr_t           ret_value = 0;

    carve_config_init(&settings);
    if ((carve_id = carve_vol_register()) < 0)
        return -1; /* HDF5 said why; carve's error class may not even exist then */
    if (!info)
        info = &defaults;
    if (info->settings && carve_config_parse_string(&settings, info->settings) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_vol_info_t.settings '%s' is not valid",
                         info->settings);
    /* H5Pset_vol copies the info through carve_info_copy, which checks the version and the mode. */
    if (H5Pset_vol(fapl_id, carve_id, info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "cannot select carve on file access list %lld",
                         (long long)fapl_id);

done:
    carve_config_clear(&settings);
    if (carve_id >= 0) {
        CARVE_CLEANUP_BEGIN
        H5VLclose(carve_id);
        CARVE_CLEANUP_END
    }
    return ret_value;
}
