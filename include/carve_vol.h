/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_vol.h — public interface of the carve HDF5 VOL connector.
 *
 * carve sits between a program and the connector below it (native by default, or any stack).
 * In mode "carve" it records what the program reads and writes a carved container; in mode
 * "replay" it serves reads from that container and falls back to the origin file for the rest;
 * in mode "off" it is a pure pass-through.
 *
 * Three ways to load it:
 *   - HDF5_VOL_CONNECTOR="carve mode=carve" and HDF5_PLUGIN_PATH=<dir holding libcarve_vol.so>;
 *   - the tools' --vol-name=carve --vol-info="mode=carve";
 *   - from C: H5Pset_fapl_carve(fapl, &info) (this header), or H5Pset_vol with carve_vol_register().
 */
#ifndef CARVE_VOL_H
#define CARVE_VOL_H

#include <hdf5.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define CARVE_API __declspec(dllexport)
#else
#define CARVE_API __attribute__((visibility("default")))
#endif

/* The connector's registered name and class value (256-511 is HDF5's range for unregistered connectors). */
#define CARVE_VOL_NAME    "carve"
#define CARVE_VOL_VALUE   ((H5VL_class_value_t)437)
#define CARVE_VOL_VERSION 1

/* Version of carve_vol_info_t; set info.version to this. */
#define CARVE_VOL_INFO_VERSION 1u

typedef enum carve_mode_t {
    CARVE_MODE_DEFAULT = 0, /* not set here: taken from CARVE_MODE, the CARVE_CONFIG file, or "off" */
    CARVE_MODE_OFF,         /* pure pass-through */
    CARVE_MODE_CARVE,       /* record reads and write a carved container */
    CARVE_MODE_REPLAY       /* serve reads from the carved container, the origin for the rest */
} carve_mode_t;

/*
 * The connector's info, as given to H5Pset_fapl_carve (or H5Pset_vol). Zero-initialise it, then set
 * version = CARVE_VOL_INFO_VERSION and what you need; everything left zero takes its default.
 * HDF5 copies it: the caller keeps ownership of under_vol_info and settings.
 */
typedef struct carve_vol_info_t {
    unsigned     version; /* CARVE_VOL_INFO_VERSION */
    carve_mode_t mode;    /* CARVE_MODE_DEFAULT: environment, config file, then "off" */
    hid_t under_vol_id;   /* connector below carve; 0 or H5I_INVALID_HID: environment/config, then native */
    const void *under_vol_info; /* its info (may be NULL) */
    const char *settings;       /* further settings in connector-string form "key=value;key=value", or NULL */
} carve_vol_info_t;

/* Registers the connector with the library (idempotent). Returns its ID, which the caller closes with
 * H5VLclose; H5I_INVALID_HID on failure. */
CARVE_API hid_t carve_vol_register(void);

/* Selects carve on a file access property list. info may be NULL: all defaults. */
CARVE_API herr_t H5Pset_fapl_carve(hid_t fapl_id, const carve_vol_info_t *info);

/* The name of a mode ("off", "carve", "replay", "default"). */
CARVE_API const char *carve_mode_name(carve_mode_t mode);

/* HDF5 plugin entry points (found through HDF5_PLUGIN_PATH). */
CARVE_API H5PL_type_t H5PLget_plugin_type(void);
CARVE_API const void *H5PLget_plugin_info(void);

#ifdef __cplusplus
}
#endif

#endif /* CARVE_VOL_H */
