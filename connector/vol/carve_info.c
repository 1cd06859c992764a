/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_info.c — carve's connector info (carve_vol_info_t): copying, comparing, freeing, converting to
 * and from the connector string, and resolving it at file open into the connector below plus settings.
 *
 * HDF5 stores the info on file access property lists and copies it freely; a stored copy owns its
 * own reference to the connector below, a copy of that connector's info, and of `settings`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <H5VLpassthru.h>

#include "carve_vol_internal.h"

static int
under_is_set(hid_t under_vol_id)
{
    return under_vol_id > 0;
}

/* Registers (or finds) a connector by its name or decimal class value. Caller closes the ID.
 * HDF5's own pass-through connector ships inside the library rather than as a plugin, so it is
 * registered through its own function, as HDF5 does for HDF5_VOL_CONNECTOR=pass_through. */
static hid_t
register_under_connector(const char *spec, const char *origin)
{
    char *end      = NULL;
    long  value    = strtol(spec, &end, 10);
    int   by_value = *spec && end && *end == '\0';
    hid_t id;

    /* Quiet, not ignored: HDF5's reason stays on the stack, followed by carve's message below. */
    H5E_BEGIN_TRY
    {
        if (by_value ? value == H5VL_PASSTHRU_VALUE : strcmp(spec, H5VL_PASSTHRU_NAME) == 0) {
            if ((id = H5VL_pass_through_register()) >= 0 && H5Iinc_ref(id) < 0)
                id = H5I_INVALID_HID;
        }
        else if (by_value)
            id = H5VLregister_connector_by_value((H5VL_class_value_t)value, H5P_VOL_INITIALIZE_DEFAULT);
        else
            id = H5VLregister_connector_by_name(spec, H5P_VOL_INITIALIZE_DEFAULT);
    }
    H5E_END_TRY
    if (id < 0)
        CARVE_ERROR(
            CARVE_E_CONFIG, CARVE_E_BADVALUE,
            "under_vol '%s' (from %s) names no connector HDF5 can load (give a registered name or class "
            "value, e.g. under_vol=0 for native, with the plugin on HDF5_PLUGIN_PATH)",
            spec, origin);
    return id;
}

/*
 * HDF5 1.14's own pass-through connector parses its info string without checking it: anything but
 * "under_vol=<value>;under_info={}" crashes it or overflows its heap (and no info at all crashes its
 * file open). carve hands it only that form.
 */
static int
pass_through_info_is_safe(const char *text)
{
    const char *p = text;

    if (!text || strncmp(p, "under_vol=", 10) != 0)
        return 0;
    p += 10;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return strcmp(p, ";under_info={}") == 0;
}

/* Turns an under_vol/under_info pair of settings into a connector ID and info. A given under_info, even
 * an empty one, goes to that connector's parser; none given means no info. */
static herr_t
load_under_connector(const carve_config_t *cfg, hid_t *under_vol_id, void **under_vol_info)
{
    const char        *origin    = cfg->source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV    ? "environment"
                                   : cfg->source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_FILE ? "config file"
                                                                                           : "connector string";
    H5VL_class_value_t value     = H5_VOL_NATIVE;
    herr_t             ret_value = 0;

    *under_vol_id   = H5I_INVALID_HID;
    *under_vol_info = NULL;
    if (cfg->under_vol) {
        if ((*under_vol_id = register_under_connector(cfg->under_vol, origin)) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if ((*under_vol_id = H5VLget_connector_id_by_value(H5_VOL_NATIVE)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot get the native connector");
    if (H5VLget_value(*under_vol_id, &value) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot get the value of the connector below");
    if (value == H5VL_PASSTHRU_VALUE && !pass_through_info_is_safe(cfg->under_info))
        CARVE_GOTO_ERROR(
            CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
            "under_info '%s' (from %s) cannot be given to HDF5's pass_through connector: it accepts "
            "exactly under_info={under_vol=<value>;under_info={}}",
            cfg->under_info ? cfg->under_info : "(none)", origin);
    if (cfg->under_info && H5VLconnector_str_to_info(cfg->under_info, *under_vol_id, under_vol_info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "under_info '%s' is not a valid info string for connector '%s'", cfg->under_info,
                         cfg->under_vol ? cfg->under_vol : "native");

done:
    if (ret_value < 0 && *under_vol_id >= 0) {
        CARVE_CLEANUP_BEGIN
        H5VLclose(*under_vol_id);
        CARVE_CLEANUP_END
        *under_vol_id = H5I_INVALID_HID;
    }
    return ret_value;
}

void *
carve_info_copy(const void *_info)
{
    const carve_vol_info_t *info      = _info;
    carve_vol_info_t       *copy      = NULL;
    void                   *ret_value = NULL;

    if (!info)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL, "no carve info to copy");
    if (info->version != CARVE_VOL_INFO_VERSION)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                         "carve_vol_info_t version %u is not supported (this carve expects "
                         "CARVE_VOL_INFO_VERSION = %u)",
                         info->version, CARVE_VOL_INFO_VERSION);
    if (info->mode < CARVE_MODE_DEFAULT || info->mode > CARVE_MODE_REPLAY)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                         "carve_vol_info_t.mode %d is not a carve_mode_t (off, carve or replay)",
                         (int)info->mode);
    if (NULL == (copy = calloc(1, sizeof *copy)))
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, NULL, "out of memory copying carve info");
    copy->version      = info->version;
    copy->mode         = info->mode;
    copy->under_vol_id = H5I_INVALID_HID;
    if (info->settings && NULL == (copy->settings = strdup(info->settings)))
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, NULL, "out of memory copying carve info");
    if (under_is_set(info->under_vol_id)) {
        void *under_info = NULL;

        if (H5Iinc_ref(info->under_vol_id) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_UNDERLYING, NULL,
                             "under_vol_id is not a valid connector ID");
        copy->under_vol_id = info->under_vol_id;
        if (info->under_vol_info && H5VLcopy_connector_info(info->under_vol_id, &under_info,
                                                            (void *)(uintptr_t)info->under_vol_info) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_UNDERLYING, NULL,
                             "cannot copy the info of the connector below");
        copy->under_vol_info = under_info;
    }
    ret_value = copy;
    copy      = NULL;

done:
    if (copy)
        carve_info_free(copy);
    return ret_value;
}

herr_t
carve_info_free(void *_info)
{
    carve_vol_info_t *info = _info;

    if (!info)
        return 0;
    /* Property lists are freed while HDF5 unwinds failures too: keep the error stack as it is. */
    CARVE_CLEANUP_BEGIN
    if (under_is_set(info->under_vol_id)) {
        if (info->under_vol_info)
            H5VLfree_connector_info(info->under_vol_id, (void *)(uintptr_t)info->under_vol_info);
        H5Idec_ref(info->under_vol_id);
    }
    CARVE_CLEANUP_END
    free((void *)(uintptr_t)info->settings);
    free(info);
    return 0;
}

herr_t
carve_info_cmp(int *cmp_value, const void *_info1, const void *_info2)
{
    const carve_vol_info_t *info1 = _info1, *info2 = _info2;

    *cmp_value = 0;
    if (!info1 || !info2) {
        *cmp_value = (info1 != NULL) - (info2 != NULL);
        return 0;
    }
    if (info1->mode != info2->mode) {
        *cmp_value = (int)info1->mode - (int)info2->mode;
        return 0;
    }
    if (under_is_set(info1->under_vol_id) != under_is_set(info2->under_vol_id)) {
        *cmp_value = under_is_set(info1->under_vol_id) ? 1 : -1;
        return 0;
    }
    if (under_is_set(info1->under_vol_id)) {
        if (H5VLcmp_connector_cls(cmp_value, info1->under_vol_id, info2->under_vol_id) < 0)
            return -1;
        if (*cmp_value)
            return 0;
        if (H5VLcmp_connector_info(cmp_value, info1->under_vol_id, info1->under_vol_info,
                                   info2->under_vol_info) < 0)
            return -1;
        if (*cmp_value)
            return 0;
    }
    *cmp_value = strcmp(info1->settings ? info1->settings : "", info2->settings ? info2->settings : "");
    return 0;
}

herr_t
carve_info_to_str(const void *_info, char **str)
{
    const carve_vol_info_t *info = _info;
    carve_config_t          cfg;
    char                   *under_str = NULL;
    herr_t                  ret_value = 0;

    carve_config_init(&cfg);
    *str = NULL;
    if (info->settings && carve_config_parse_string(&cfg, info->settings) < 0)
        CARVE_GOTO_DONE(-1);
    if (info->mode != CARVE_MODE_DEFAULT &&
        carve_config_set(&cfg, "mode", carve_mode_name(info->mode), CARVE_SOURCE_STRING, "carve info") < 0)
        CARVE_GOTO_DONE(-1);
    if (under_is_set(info->under_vol_id)) {
        H5VL_class_value_t value;
        char               number[32];

        if (H5VLget_value(info->under_vol_id, &value) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_UNDERLYING, -1,
                             "cannot get the value of the connector below");
        snprintf(number, sizeof number, "%d", (int)value);
        if (carve_config_set(&cfg, "under_vol", number, CARVE_SOURCE_STRING, "carve info") < 0)
            CARVE_GOTO_DONE(-1);
        /* under_info is written only for an info that exists: "under_info={}" reads back as the info that
         * the connector below makes of an empty string, which is not the same as no info at all. */
        if (info->under_vol_info &&
            H5VLconnector_info_to_str(info->under_vol_info, info->under_vol_id, &under_str) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_UNDERLYING, -1,
                             "cannot turn the info of the connector below into a string");
        if (info->under_vol_info && carve_config_set(&cfg, "under_info", under_str ? under_str : "",
                                                     CARVE_SOURCE_STRING, "carve info") < 0)
            CARVE_GOTO_DONE(-1);
    }
    if (NULL == (*str = carve_config_to_string(&cfg)))
        CARVE_GOTO_DONE(-1);

done:
    if (under_str) {
        CARVE_CLEANUP_BEGIN
        H5free_memory(under_str);
        CARVE_CLEANUP_END
    }
    carve_config_clear(&cfg);
    return ret_value;
}

herr_t
carve_info_from_str(const char *str, void **info)
{
    carve_config_t    cfg;
    carve_vol_info_t *parsed    = NULL;
    herr_t            ret_value = 0;

    carve_config_init(&cfg);
    *info = NULL;
    if (carve_config_parse_string(&cfg, str) < 0)
        CARVE_GOTO_ERROR(
            CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
            "invalid carve connector string '%s' (form: mode=off|carve|replay;under_vol=<name or "
            "value>;under_info={...})",
            str ? str : "");
    if (NULL == (parsed = calloc(1, sizeof *parsed)))
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, -1,
                         "out of memory parsing the carve connector string");
    parsed->version      = CARVE_VOL_INFO_VERSION;
    parsed->under_vol_id = H5I_INVALID_HID;
    if (cfg.set_mask & (1u << CARVE_KEY_MODE))
        parsed->mode = cfg.mode;
    if (cfg.set_mask & (1u << CARVE_KEY_UNDER_VOL)) {
        void *under_info = NULL;

        if (load_under_connector(&cfg, &parsed->under_vol_id, &under_info) < 0)
            CARVE_GOTO_DONE(-1);
        parsed->under_vol_info = under_info;
    }
    else if (cfg.set_mask & (1u << CARVE_KEY_UNDER_INFO))
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "under_info is given without under_vol in '%s' (name the connector it is for)", str);
    /* Everything else stays as text and is applied at file open, above the environment and file. */
    cfg.set_mask &= ~((1u << CARVE_KEY_MODE) | (1u << CARVE_KEY_UNDER_VOL) | (1u << CARVE_KEY_UNDER_INFO));
    if (cfg.set_mask && NULL == (parsed->settings = carve_config_to_string(&cfg)))
        CARVE_GOTO_DONE(-1);
    *info  = parsed;
    parsed = NULL;

done:
    if (parsed)
        carve_info_free(parsed);
    carve_config_clear(&cfg);
    return ret_value;
}

herr_t
carve_info_resolve(const void *_info, hid_t *under_vol_id, void **under_vol_info, carve_config_t *cfg)
{
    const carve_vol_info_t *info = _info;
    carve_config_t          given;
    herr_t                  ret_value = 0;

    *under_vol_id   = H5I_INVALID_HID;
    *under_vol_info = NULL;
    carve_config_init(&given);
    carve_config_init(cfg);
    if (info && info->settings && carve_config_parse_string(&given, info->settings) < 0)
        CARVE_GOTO_DONE(-1);
    if (info && info->mode != CARVE_MODE_DEFAULT &&
        carve_config_set(&given, "mode", carve_mode_name(info->mode), CARVE_SOURCE_STRING, "carve info") < 0)
        CARVE_GOTO_DONE(-1);
    if (carve_config_resolve(cfg, &given) < 0)
        CARVE_GOTO_DONE(-1);

    if (info && under_is_set(info->under_vol_id)) {
        /* The info names the connector below: it wins over the environment and the file. */
        if (H5Iinc_ref(info->under_vol_id) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_UNDERLYING, -1,
                             "carve's under_vol_id is not a valid ID");
        *under_vol_id = info->under_vol_id;
        if (info->under_vol_info && H5VLcopy_connector_info(*under_vol_id, under_vol_info,
                                                            (void *)(uintptr_t)info->under_vol_info) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_UNDERLYING, -1,
                             "cannot copy the info of the connector below");
    }
    else if (load_under_connector(cfg, under_vol_id, under_vol_info) < 0)
        CARVE_GOTO_DONE(-1);

done:
    carve_config_clear(&given);
    if (ret_value < 0) {
        if (*under_vol_id >= 0) {
            CARVE_CLEANUP_BEGIN
            H5VLclose(*under_vol_id);
            CARVE_CLEANUP_END
        }
        *under_vol_id = H5I_INVALID_HID;
        carve_config_clear(cfg);
    }
    return ret_value;
}

herr_t
carve_info_resolve_fapl(hid_t fapl_id, hid_t *under_vol_id, void **under_vol_info, carve_config_t *cfg)
{
    void  *info = NULL;
    herr_t ret_value;

    *under_vol_id   = H5I_INVALID_HID;
    *under_vol_info = NULL;
    carve_config_init(cfg);
    if (H5Pget_vol_info(fapl_id, &info) < 0) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot get carve's info from the file access list");
        return -1;
    }
    ret_value = carve_info_resolve(info, under_vol_id, under_vol_info, cfg);
    carve_info_free(info); /* H5Pget_vol_info handed us a copy made by carve_info_copy */
    return ret_value;
}

hid_t
carve_info_under_fapl(hid_t fapl_id, hid_t under_vol_id, const void *under_vol_info)
{
    hid_t under_fapl;

    if ((under_fapl = H5Pcopy(fapl_id)) < 0) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot copy the file access property list");
        return H5I_INVALID_HID;
    }
    if (H5Pset_vol(under_fapl, under_vol_id, under_vol_info) < 0) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING,
                    "cannot select the connector below on the file access list");
        CARVE_CLEANUP_BEGIN /* HDF5's reason, and the message above, stay */
            H5Pclose(under_fapl);
        CARVE_CLEANUP_END
        return H5I_INVALID_HID;
    }
    return under_fapl;
}
