/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_introspect.c — introspection: which connector class answers, what it can do, which optional
 * operations it supports. carve can do exactly what the connector below it can.
 */
#include "carve_vol_internal.h"

herr_t
carve_introspect_get_conn_cls(void *obj, H5VL_get_conn_lvl_t lvl, const H5VL_class_t **conn_cls)
{
    carve_obj_t *o = obj;

    if (lvl == H5VL_GET_CONN_LVL_CURR) {
        *conn_cls = &carve_vol_class;
        return 0;
    }
    return H5VLintrospect_get_conn_cls(o->under_object, o->under_vol_id, lvl, conn_cls);
}

herr_t
carve_introspect_get_cap_flags(const void *info, uint64_t *cap_flags)
{
    hid_t          under_vol_id   = H5I_INVALID_HID;
    void          *under_vol_info = NULL;
    carve_config_t cfg;
    herr_t         ret_value = 0;

    if (carve_info_resolve(info, &under_vol_id, &under_vol_info, &cfg) < 0)
        return -1;
    if (H5VLintrospect_get_cap_flags(under_vol_info, under_vol_id, cap_flags) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "cannot get the capabilities of the connector below");
    *cap_flags |= carve_vol_class.cap_flags;

done:
    CARVE_CLEANUP_BEGIN
    if (under_vol_info)
        H5VLfree_connector_info(under_vol_id, under_vol_info);
    H5VLclose(under_vol_id);
    CARVE_CLEANUP_END
    carve_config_clear(&cfg);
    return ret_value;
}

herr_t
carve_introspect_opt_query(void *obj, H5VL_subclass_t cls, int opt_type, uint64_t *flags)
{
    carve_obj_t *o = obj;

    return H5VLintrospect_opt_query(o->under_object, o->under_vol_id, cls, opt_type, flags);
}
