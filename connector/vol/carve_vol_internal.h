/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_vol_internal.h — what the VOL plumbing files share: the wrapper around an object of the
 * connector below, the per-file context, the wrap context, and every callback's declaration.
 *
 * Layering (bottom to top; a file calls only files below it): carve_wrap.c (objects and contexts) and
 * carve_lifecycle.c (shutdown); carve_mode.c (the off mode); the modes, carve_carving.c and the replay
 * files (carve_replay_cache.c, carve_replay_view.c, carve_replaying.c, which uses carve_elink.c); the
 * VOL callbacks, one file per interface, which call through the file's mode table (carve_mode.h); and
 * carve_plugin.c, which lists them. The decisions (selections, containers, manifests) live in core/.
 */
#ifndef CARVE_VOL_INTERNAL_H
#define CARVE_VOL_INTERNAL_H

#include <hdf5.h>
#include <H5VLconnector.h>
#include <H5VLconnector_passthru.h>

#include "carve_access.h"
#include "carve_config.h"
#include "carve_error.h"
#include "carve_vol.h"

/* The class struct HDF5 registers (carve_plugin.c). */
extern const H5VL_class_t carve_vol_class;

/* A file opened in carve mode (carve_carving.c) and one opened in replay mode (carve_replaying.c): each
 * mode's own state, opaque to every other file. */
typedef struct carve_carving_t   carve_carving_t;
typedef struct carve_replaying_t carve_replaying_t;
/* Replay mode: what the container holds of one dataset (carve_replaying.c). */
typedef struct carve_replay_dataset_t carve_replay_dataset_t;
/* A mode as a table of hooks (carve_mode.h). */
typedef struct carve_mode_hooks_t carve_mode_hooks_t;

/*
 * One per file opened or created through carve, shared (reference counted) by every object of that
 * file, including objects HDF5 asks carve to wrap. Owns the connector below: its ID and info.
 */
typedef struct carve_file_ctx_t carve_file_ctx_t;

/* The wrap context HDF5 keeps while it wraps objects on carve's behalf (iteration, references). HDF5 asks
 * for one around every API call on a carve object; when the connector below wraps nothing (native), the
 * context's own one (carve_file_ctx_t.bare_wrap) is handed out: no allocation per call. */
typedef struct carve_wrap_ctx_t {
    hid_t             under_vol_id;
    void             *under_wrap_ctx;
    carve_file_ctx_t *ctx;
    int               embedded; /* the file context's bare_wrap: not freed */
} carve_wrap_ctx_t;

/* Whether the connector below a file context has wrap contexts of its own (its class's get_wrap_ctx),
 * learnt at the first wrap context asked for. */
typedef enum carve_under_wrap_t {
    CARVE_UNDER_WRAP_UNKNOWN = 0,
    CARVE_UNDER_WRAP_NONE, /* no get_wrap_ctx (native): carve's wrap context is the file context's own */
    CARVE_UNDER_WRAP_OWN   /* it has one: asked for at every call */
} carve_under_wrap_t;
/* A connector's dataset read (H5VL_class_t.dataset_cls.read). */
typedef herr_t (*carve_under_read_t)(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                                     hid_t file_space_id[], hid_t dxpl_id, void *buf[], void **req);
struct carve_file_ctx_t {
    unsigned                  refcount;
    hid_t                     under_vol_id;   /* a reference owned by this context */
    void                     *under_vol_info; /* owned; may be NULL */
    carve_config_t            config;  /* settings resolved at open: string > environment > file > defaults */
    const carve_mode_hooks_t *mode;    /* the mode the settings selected (never NULL): every hook goes here */
    carve_carving_t          *carving; /* mode=carve, a file carve can name: only carve_carving.c */
    carve_replaying_t        *replaying; /* mode=replay, a file with a container: only the replay files */
    unsigned long             fileno;    /* the number of the file below (H5O_info2_t.fileno), its identity:
                                          * set by the mode that needs it (carve, replay) */
    int                       published; /* replay: its objects are served by this context wherever HDF5
                                          * reaches them (carve_file_ctx_publish) */
    struct carve_file_ctx_t  *published_next;
    int wrap_borrowed;              /* set while the origin's own file object is made (carve_replaying.c):
                                      * what HDF5 wraps then must not keep this context alive */
    struct carve_file_ctx_t **kept; /* contexts of files reached through external links, kept alive
                                      * while this file is (carve_file_ctx_keep) */
    size_t                    nkept;
    carve_under_wrap_t        under_wrap; /* carve_wrap.c */
    carve_wrap_ctx_t          bare_wrap;  /* carve_wrap.c: handed out when under_wrap is NONE */
    carve_under_read_t        under_read; /* carve_mode_under_read: the read of the connector below */
    int                       under_read_known;
};

/* Every object carve hands to HDF5: files, groups, datasets, attributes, datatypes, requests. */
typedef struct carve_obj_t {
    hid_t             under_vol_id; /* borrowed from ctx (the context keeps the reference) */
    void             *under_object;
    carve_file_ctx_t *ctx; /* a reference owned by this object */
    /* Each mode's state of the object, read and written only by that mode's file. */
    carve_access_dataset_t *dataset_log; /* carving: the log entry of this dataset, once resolved */
    unsigned    carving_flags;           /* carving: what is already resolved or recorded (carve_carving.c) */
    H5O_token_t attr_object;             /* carving, attributes: the object the attribute is attached to */
    carve_replay_dataset_t *replay;      /* replaying, datasets: what the container holds of it */
    int                     ctx_borrowed; /* holds no reference to ctx (see carve_file_ctx_t.wrap_borrowed) */
} carve_obj_t;

/* --- objects and contexts (carve_wrap.c) --- */
/* The pool of freed wrappers carve_obj_new reuses: open from the connector's initialize to its terminate,
 * which frees what it holds (carve_plugin.c). */
void         carve_obj_pool_open(void);
void         carve_obj_pool_close(void);
carve_obj_t *carve_obj_new(void *under_object, carve_file_ctx_t *ctx);
/* Frees an object (its mode releases what it kept for it); when it held the last reference to its file
 * context, the context goes too (carve_file_ctx_unref). */
herr_t carve_obj_free(carve_obj_t *obj);
/* An object the program opened: a dataset that lives in a replayed file other than its context's (reached
 * through an external link) first moves to that file's context; then the object's mode hears of it. */
herr_t carve_obj_opened(carve_obj_t *obj, H5I_type_t type, hid_t apl_id);
/* The move alone: a dataset reached through an external link, to the context of the published file it lives
 * in (when there is one). */
void carve_obj_rehome(carve_obj_t *obj);
/* Drops a reference; the last one lets the file's mode finish with it (a carved origin is then committed
 * at shutdown, see carve_carving.c) and frees the context. */
herr_t carve_file_ctx_unref(carve_file_ctx_t *ctx);
/* Publishes a context (ctx->fileno set): objects of that file opened through any context move to it. */
void carve_file_ctx_publish(carve_file_ctx_t *ctx);
void carve_file_ctx_unpublish(carve_file_ctx_t *ctx);
/* The published context of a file number, or NULL. */
carve_file_ctx_t *carve_file_ctx_published(unsigned long fileno);
/* Keeps `target` (a file reached through an external link of `holder`) alive while holder is. */
void carve_file_ctx_keep(carve_file_ctx_t *holder, carve_file_ctx_t *target);
/* Basic information (token, file number) of an object below carve; for an attribute, of the object it
 * is attached to. */
herr_t carve_under_info(void *under_object, hid_t under_vol_id, H5I_type_t type, H5O_info2_t *info);
/* The object below a carve object, or NULL for NULL. */
void *carve_under(void *obj);
/* Wraps a request the connector below returned, if any (after a call that took `req`). */
void carve_wrap_request(void **req, carve_obj_t *origin);
/* After a call below that returned an object: wraps it (sharing parent's file context) and the request.
 * NULL when `under` is NULL. */
carve_obj_t *carve_wrap_result(void *under, carve_obj_t *parent, void **req);
/* After a call below that returned a status: wraps the request when it succeeded; returns status. */
herr_t carve_wrap_status(herr_t status, carve_obj_t *origin, void **req);

/* --- info (carve_info.c) --- */
void  *carve_info_copy(const void *info);
herr_t carve_info_cmp(int *cmp_value, const void *info1, const void *info2);
herr_t carve_info_free(void *info);
herr_t carve_info_to_str(const void *info, char **str);
herr_t carve_info_from_str(const char *str, void **info);
/* Resolves the connector below and the settings from carve's info (may be NULL), or from the carve info
 * on a file access property list. On success the caller owns *under_vol_id, *under_vol_info and cfg. */
herr_t carve_info_resolve(const void *info, hid_t *under_vol_id, void **under_vol_info, carve_config_t *cfg);
herr_t carve_info_resolve_fapl(hid_t fapl_id, hid_t *under_vol_id, void **under_vol_info,
                               carve_config_t *cfg);
/* A copy of fapl_id that selects the connector below instead of carve. */
hid_t carve_info_under_fapl(hid_t fapl_id, hid_t under_vol_id, const void *under_vol_info);

/* --- wrap (carve_wrap.c) --- */
void  *carve_wrap_get_object(const void *obj);
herr_t carve_wrap_get_wrap_ctx(const void *obj, void **wrap_ctx);
void  *carve_wrap_object(void *obj, H5I_type_t obj_type, void *wrap_ctx);
void  *carve_unwrap_object(void *obj);
herr_t carve_wrap_free_wrap_ctx(void *wrap_ctx);

/* --- attribute (carve_attr.c) --- */
void  *carve_attr_create(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t type_id,
                         hid_t space_id, hid_t acpl_id, hid_t aapl_id, hid_t dxpl_id, void **req);
void  *carve_attr_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t aapl_id,
                       hid_t dxpl_id, void **req);
herr_t carve_attr_read(void *attr, hid_t mem_type_id, void *buf, hid_t dxpl_id, void **req);
herr_t carve_attr_write(void *attr, hid_t mem_type_id, const void *buf, hid_t dxpl_id, void **req);
herr_t carve_attr_get(void *obj, H5VL_attr_get_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_attr_specific(void *obj, const H5VL_loc_params_t *loc_params, H5VL_attr_specific_args_t *args,
                           hid_t dxpl_id, void **req);
herr_t carve_attr_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_attr_close(void *attr, hid_t dxpl_id, void **req);

/* --- dataset (carve_dataset.c) --- */
void  *carve_dataset_create(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t lcpl_id,
                            hid_t type_id, hid_t space_id, hid_t dcpl_id, hid_t dapl_id, hid_t dxpl_id,
                            void **req);
void  *carve_dataset_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t dapl_id,
                          hid_t dxpl_id, void **req);
herr_t carve_dataset_read(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                          hid_t file_space_id[], hid_t plist_id, void *buf[], void **req);
herr_t carve_dataset_write(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                           hid_t file_space_id[], hid_t plist_id, const void *buf[], void **req);
herr_t carve_dataset_get(void *dset, H5VL_dataset_get_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_dataset_specific(void *obj, H5VL_dataset_specific_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_dataset_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_dataset_close(void *dset, hid_t dxpl_id, void **req);

/* --- datatype (carve_datatype.c) --- */
void  *carve_datatype_commit(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t type_id,
                             hid_t lcpl_id, hid_t tcpl_id, hid_t tapl_id, hid_t dxpl_id, void **req);
void  *carve_datatype_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t tapl_id,
                           hid_t dxpl_id, void **req);
herr_t carve_datatype_get(void *dt, H5VL_datatype_get_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_datatype_specific(void *obj, H5VL_datatype_specific_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_datatype_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_datatype_close(void *dt, hid_t dxpl_id, void **req);

/* --- file (carve_file.c) --- */
void  *carve_file_create(const char *name, unsigned flags, hid_t fcpl_id, hid_t fapl_id, hid_t dxpl_id,
                         void **req);
void  *carve_file_open(const char *name, unsigned flags, hid_t fapl_id, hid_t dxpl_id, void **req);
herr_t carve_file_get(void *file, H5VL_file_get_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_file_specific(void *file, H5VL_file_specific_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_file_optional(void *file, H5VL_optional_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_file_close(void *file, hid_t dxpl_id, void **req);

/* --- group (carve_group.c) --- */
void  *carve_group_create(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t lcpl_id,
                          hid_t gcpl_id, hid_t gapl_id, hid_t dxpl_id, void **req);
void  *carve_group_open(void *obj, const H5VL_loc_params_t *loc_params, const char *name, hid_t gapl_id,
                        hid_t dxpl_id, void **req);
herr_t carve_group_get(void *obj, H5VL_group_get_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_group_specific(void *obj, H5VL_group_specific_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_group_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_group_close(void *grp, hid_t dxpl_id, void **req);

/* --- link (carve_link.c) --- */
herr_t carve_link_create(H5VL_link_create_args_t *args, void *obj, const H5VL_loc_params_t *loc_params,
                         hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id, void **req);
herr_t carve_link_copy(void *src_obj, const H5VL_loc_params_t *loc_params1, void *dst_obj,
                       const H5VL_loc_params_t *loc_params2, hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id,
                       void **req);
herr_t carve_link_move(void *src_obj, const H5VL_loc_params_t *loc_params1, void *dst_obj,
                       const H5VL_loc_params_t *loc_params2, hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id,
                       void **req);
herr_t carve_link_get(void *obj, const H5VL_loc_params_t *loc_params, H5VL_link_get_args_t *args,
                      hid_t dxpl_id, void **req);
herr_t carve_link_specific(void *obj, const H5VL_loc_params_t *loc_params, H5VL_link_specific_args_t *args,
                           hid_t dxpl_id, void **req);
herr_t carve_link_optional(void *obj, const H5VL_loc_params_t *loc_params, H5VL_optional_args_t *args,
                           hid_t dxpl_id, void **req);

/* --- object (carve_object.c) --- */
void  *carve_object_open(void *obj, const H5VL_loc_params_t *loc_params, H5I_type_t *opened_type,
                         hid_t dxpl_id, void **req);
herr_t carve_object_copy(void *src_obj, const H5VL_loc_params_t *src_loc_params, const char *src_name,
                         void *dst_obj, const H5VL_loc_params_t *dst_loc_params, const char *dst_name,
                         hid_t ocpypl_id, hid_t lcpl_id, hid_t dxpl_id, void **req);
herr_t carve_object_get(void *obj, const H5VL_loc_params_t *loc_params, H5VL_object_get_args_t *args,
                        hid_t dxpl_id, void **req);
herr_t carve_object_specific(void *obj, const H5VL_loc_params_t *loc_params,
                             H5VL_object_specific_args_t *args, hid_t dxpl_id, void **req);
herr_t carve_object_optional(void *obj, const H5VL_loc_params_t *loc_params, H5VL_optional_args_t *args,
                             hid_t dxpl_id, void **req);

/* --- introspection (carve_introspect.c) --- */
herr_t carve_introspect_get_conn_cls(void *obj, H5VL_get_conn_lvl_t lvl, const H5VL_class_t **conn_cls);
herr_t carve_introspect_get_cap_flags(const void *info, uint64_t *cap_flags);
herr_t carve_introspect_opt_query(void *obj, H5VL_subclass_t cls, int opt_type, uint64_t *flags);

/* --- requests (carve_request.c) --- */
herr_t carve_request_wait(void *req, uint64_t timeout, H5VL_request_status_t *status);
herr_t carve_request_notify(void *req, H5VL_request_notify_t cb, void *ctx);
herr_t carve_request_cancel(void *req, H5VL_request_status_t *status);
herr_t carve_request_specific(void *req, H5VL_request_specific_args_t *args);
herr_t carve_request_optional(void *req, H5VL_optional_args_t *args);
herr_t carve_request_free(void *req);

/* --- blobs (carve_blob.c) --- */
herr_t carve_blob_put(void *obj, const void *buf, size_t size, void *blob_id, void *ctx);
herr_t carve_blob_get(void *obj, const void *blob_id, void *buf, size_t size, void *ctx);
herr_t carve_blob_specific(void *obj, void *blob_id, H5VL_blob_specific_args_t *args);
herr_t carve_blob_optional(void *obj, void *blob_id, H5VL_optional_args_t *args);

/* --- tokens (carve_token.c) --- */
herr_t carve_token_cmp(void *obj, const H5O_token_t *token1, const H5O_token_t *token2, int *cmp_value);
herr_t carve_token_to_str(void *obj, H5I_type_t obj_type, const H5O_token_t *token, char **token_str);
herr_t carve_token_from_str(void *obj, H5I_type_t obj_type, const char *token_str, H5O_token_t *token);

/* --- generic optional (carve_plugin.c) --- */
herr_t carve_optional(void *obj, H5VL_optional_args_t *args, hid_t dxpl_id, void **req);

#endif /* CARVE_VOL_INTERNAL_H */
