/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_mode.h — a mode (off, carve, replay) as a table of hooks. A file context points to the table of
 * the mode its access list selected (carve_file.c chooses it at open); every VOL callback that a mode
 * may change makes one call through that table and knows no mode. Each table is defined with its mode:
 * carve_mode_off here (carve_mode.c), carve_mode_carve in carve_carving.c, carve_mode_replay in
 * carve_replaying.c. A mode keeps its own state in the file context (an opaque pointer only it reads),
 * and its hooks do nothing for a file it did not take (a replay-mode file without a container, a
 * carve-mode file carve cannot name).
 */
#ifndef CARVE_MODE_H
#define CARVE_MODE_H

#include "carve_vol_internal.h"

/* How the program asked for a file (carve_file.c fills it for the open hooks). */
typedef struct carve_file_open_t {
    const char *name;
    unsigned    flags;
    int         created;
    hid_t       fapl_id;    /* the program's access list (selecting carve) */
    hid_t       under_fapl; /* a copy selecting the connector below (file_open may keep it) */
    hid_t       dxpl_id;
    void      **req;
} carve_file_open_t;

struct carve_mode_hooks_t {
    const char *name;

    /* --- files --- */
    /* 1 when the mode can serve a file by this name even where it is not (replay: from its container);
     * H5Fis_accessible then says yes. */
    int (*file_accessible)(const char *name, const carve_config_t *cfg);
    /* Opens the file in the mode's own way (replay: its container). Returns the file below; or NULL with
     * *pass_through set (no error) when the file is to be opened or created below as the program asked.
     * With the file returned it may keep how->under_fapl (setting it to H5I_INVALID_HID; it closes it). */
    void *(*file_open)(carve_file_ctx_t *ctx, carve_file_open_t *how, int *pass_through);
    /* After the file below is open (by file_open or below): the mode takes it or leaves it. */
    herr_t (*file_opened)(carve_file_ctx_t *ctx, const carve_file_open_t *how, void *under_file);
    /* The file's context is going away (its last object is gone): the mode releases its state for it. */
    herr_t (*file_finish)(carve_file_ctx_t *ctx);
    /* Gets and optional operations on the file, answered the mode's way: 1 answered, 0 not (the connector
     * below answers), -1 failure. */
    int (*file_get)(carve_obj_t *file, H5VL_file_get_args_t *args);
    int (*file_optional)(carve_obj_t *file, H5VL_optional_args_t *args);
    /* The origin the file's objects were carved from ("" when they were not: not a replayed container). */
    const char *(*carved_origin)(const carve_file_ctx_t *ctx);

    /* --- objects --- */
    /* An object opened (or, for a dataset, first used after HDF5 wrapped it); apl_id its access list. */
    herr_t (*object_opened)(carve_obj_t *obj, H5I_type_t type, hid_t apl_id);
    /* An object about to be freed (carve_obj_free). */
    herr_t (*object_released)(carve_obj_t *obj);
    /* The program asked for an object's basic information (H5Oget_info*) through this location. */
    void (*object_queried)(carve_obj_t *loc, const H5O_info2_t *info);
    /* The program iterated or visited from the object a location names. */
    void (*location_touched)(carve_obj_t *obj, const H5VL_loc_params_t *loc_params);

    /* --- attributes --- */
    /* An attribute was opened (attr may be NULL: the open failed). */
    void (*attr_opened)(carve_obj_t *parent, const H5VL_loc_params_t *loc_params, carve_obj_t *attr);
    /* An attribute was read (after the read succeeded). */
    void (*attr_read)(carve_obj_t *attr);

    /* --- datasets --- */
    /* The whole (multi-)dataset read; the mode of the first dataset's file decides. */
    herr_t (*dataset_read)(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                           hid_t file_space_id[], hid_t plist_id, void *buf[], void **req);
    /* As file_get: 1 answered, 0 not, -1 failure. */
    int (*dataset_get)(carve_obj_t *dset, H5VL_dataset_get_args_t *args);
    int (*dataset_optional)(carve_obj_t *dset, H5VL_optional_args_t *args, hid_t dxpl_id);
};

extern const carve_mode_hooks_t carve_mode_off;    /* carve_mode.c */
extern const carve_mode_hooks_t carve_mode_carve;  /* carve_carving.c */
extern const carve_mode_hooks_t carve_mode_replay; /* carve_replaying.c */

/* --- what a mode does where it changes nothing (carve_mode.c), for the tables of the other modes --- */
int         carve_mode_no_file_accessible(const char *name, const carve_config_t *cfg);
void       *carve_mode_no_file_open(carve_file_ctx_t *ctx, carve_file_open_t *how, int *pass_through);
herr_t      carve_mode_no_file_opened(carve_file_ctx_t *ctx, const carve_file_open_t *how, void *under_file);
int         carve_mode_no_file_get(carve_obj_t *file, H5VL_file_get_args_t *args);
int         carve_mode_no_file_optional(carve_obj_t *file, H5VL_optional_args_t *args);
const char *carve_mode_no_carved_origin(const carve_file_ctx_t *ctx);
herr_t      carve_mode_no_object_released(carve_obj_t *obj);
void        carve_mode_no_object_queried(carve_obj_t *loc, const H5O_info2_t *info);
void        carve_mode_no_location_touched(carve_obj_t *obj, const H5VL_loc_params_t *loc_params);
void carve_mode_no_attr_opened(carve_obj_t *parent, const H5VL_loc_params_t *loc_params, carve_obj_t *attr);
void carve_mode_no_attr_read(carve_obj_t *attr);
int  carve_mode_no_dataset_get(carve_obj_t *dset, H5VL_dataset_get_args_t *args);
int  carve_mode_no_dataset_optional(carve_obj_t *dset, H5VL_optional_args_t *args, hid_t dxpl_id);
/* The dataset read of the connector below first's file, learnt once per file: its class's read callback,
 * which H5VLdataset_read calls after looking the connector up by its identifier at every read (~100
 * instructions a read, a tenth of a small native read). NULL: read through H5VLdataset_read. */
carve_under_read_t carve_mode_under_read(carve_obj_t *first);
/* The read below carve, unchanged (the off mode's read; the others read this way what they do not serve). */
herr_t carve_mode_read_below(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                             hid_t file_space_id[], hid_t plist_id, void *buf[], void **req);

#endif /* CARVE_MODE_H */
