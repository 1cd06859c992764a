/*
 * carve_vol_internal.h — what the VOL plumbing files share: the wrapper around an object of the
 * connector below, the per-file context, the wrap context, and every callback's declaration.
 *
 * Layering: vol/ files translate VOL callbacks into calls to the connector below (and, in later
 * work, into calls to the carving core in core/). They hold no carving logic of their own.
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

/* A file opened in carve mode (carve_carving.c), shared by every open of the same location: what the
 * program reads of it, until the last open is gone and it is committed (if it was only ever read). */
typedef struct carve_carving_t {
    char                   *location;    /* canonical location */
    char                   *open_name;   /* the name a read-only open used */
    char                   *dir;         /* the dir setting of that open, or NULL */
    hid_t                   origin_fapl; /* its access list, selecting the connector below; <0: never read-only */
    int                     touched_only;
    int                     written;     /* opened for writing or created at some point: not carved */
    unsigned                users;       /* file contexts holding this entry */
    carve_access_t          access;
    struct carve_carving_t *prev, *next; /* every entry of the process */
} carve_carving_t;

/* Replay mode (carve_replaying.c): one open file's state, and one dataset's. */
typedef struct carve_replaying_t      carve_replaying_t;
typedef struct carve_replay_dataset_t carve_replay_dataset_t;

/*
 * One per file opened or created through carve, shared (reference counted) by every object of that
 * file, including objects HDF5 asks carve to wrap. Owns the connector below: its ID and info.
 */
typedef struct carve_file_ctx_t carve_file_ctx_t;
struct carve_file_ctx_t {
    unsigned       refcount;
    hid_t          under_vol_id;   /* a reference owned by this context */
    void          *under_vol_info; /* owned; may be NULL */
    carve_config_t config;         /* settings resolved at open: string > environment > file > defaults */
    carve_carving_t *carving;      /* mode=carve: the file's carving entry */
    unsigned long    carving_fileno; /* mode=carve: the file's number (H5O_info2_t.fileno), its identity */
    carve_replaying_t *replaying;    /* mode=replay, a file with a container: serving it from there */
    int              wrap_borrowed;  /* set while the origin's own file object is made (carve_replaying.c):
                                      * what HDF5 wraps then must not keep this context alive */
    struct carve_file_ctx_t **kept;  /* replay: contexts of files reached through external links, kept
                                      * alive while this file is (carve_replaying_keep) */
    size_t           nkept;
};

/* Every object carve hands to HDF5: files, groups, datasets, attributes, datatypes, requests. */
typedef struct carve_obj_t {
    hid_t             under_vol_id; /* borrowed from ctx (the context keeps the reference) */
    void             *under_object;
    carve_file_ctx_t *ctx;          /* a reference owned by this object */
    carve_access_dataset_t *dataset_log; /* carving: the log entry of this dataset, once resolved */
    unsigned          carving_flags;     /* carving: what is already resolved or recorded (carve_carving.c) */
    H5O_token_t       attr_object;       /* carving, attributes: the object the attribute is attached to */
    carve_replay_dataset_t *replay;      /* replaying, datasets: what the container holds of it */
    int               ctx_borrowed;      /* holds no reference to ctx (see carve_file_ctx_t.wrap_borrowed) */
} carve_obj_t;

/* The wrap context HDF5 keeps while it wraps objects on carve's behalf (iteration, references). */
typedef struct carve_wrap_ctx_t {
    hid_t             under_vol_id;
    void             *under_wrap_ctx;
    carve_file_ctx_t *ctx;
} carve_wrap_ctx_t;

/* --- objects and contexts (carve_wrap.c) --- */
carve_obj_t      *carve_obj_new(void *under_object, carve_file_ctx_t *ctx);
/* Frees an object; when it held the last reference to its file context, that file's carving is
 * committed: the result is the commit's (0 when there is nothing to commit). */
herr_t            carve_obj_free(carve_obj_t *obj);
carve_file_ctx_t *carve_file_ctx_ref(carve_file_ctx_t *ctx);
herr_t            carve_file_ctx_unref(carve_file_ctx_t *ctx);
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

/* --- carve mode (carve_carving.c) --- */
/* Registers a file opened or created in carve mode: read-only opens make it an origin (containers and
 * unnameable files excepted); writing makes it skipped. */
herr_t carve_carving_open(carve_file_ctx_t *ctx, const char *name, unsigned flags, int created, hid_t under_fapl,
                          void *under_file);
/* Releases the file's entry; the last release of an origin commits it. */
herr_t carve_carving_finish(carve_file_ctx_t *ctx);
/* Lists a file the program wrote (not carved) in the manifests this process writes. */
void   carve_carving_note_skipped(const char *name, const char *reason);
/* Records that an object was opened, iterated or queried. */
void   carve_carving_touch(carve_obj_t *obj, H5I_type_t type);
void   carve_carving_touch_token(carve_file_ctx_t *ctx, const H5O_token_t *token);
/* Records a dataset read's file selection (after the read succeeded). */
herr_t carve_carving_record_read(carve_obj_t *dset, hid_t file_space_id);
/* Records that the object a location names was iterated or visited. */
void   carve_carving_touch_at(carve_obj_t *obj, const H5VL_loc_params_t *loc_params);
/* Notes which object an attribute just opened (or created) belongs to. */
void   carve_carving_attr_opened(carve_obj_t *parent, const H5VL_loc_params_t *loc_params, carve_obj_t *attr);
/* Records an attribute read (after it succeeded). */
void   carve_carving_record_attr_read(carve_obj_t *attr);

/* Makes sure carve's shutdown handlers (commits, replay reports) are registered. */
void   carve_carving_register_shutdown(void);
/* The process uses a URL: sets up libcurl now and keeps carve's exit handler running before libcurl's
 * (after carve_carving_register_shutdown). */
void   carve_carving_use_network(void);
/* Read-through (replay): records a read served by the origin as if carved, so that the shutdown commit
 * adds it to the container. origin_dset is the origin's dataset below carve. */
herr_t carve_carving_record_origin_read(carve_file_ctx_t *ctx, const char *origin_name, hid_t origin_fapl,
                                        void *origin_dset, hid_t file_space_id);

/* --- replay mode (carve_replaying.c) --- */
/* Opens a file read-only in replay mode: returns the container's file object below carve and sets
 * ctx->replaying; or returns NULL with *pass_through set (no error) when the file has no container. */
void  *carve_replaying_open(carve_file_ctx_t *ctx, const char *name, hid_t fapl_id, hid_t under_fapl, hid_t dxpl_id,
                            void **req, int *pass_through);
/* 1 when a file opened by this name in replay mode would be served from a container. */
int    carve_replaying_has_container(const char *name, const carve_config_t *cfg);
/* Releases a file's replay state (closing the origin if it was opened). */
herr_t carve_replaying_finish(carve_file_ctx_t *ctx);
/* A dataset opened (dapl_id: the access list it was opened with) / released. An opened dataset that lives
 * in another replayed file (reached through an external link) moves to that file's context first. */
herr_t carve_replaying_dataset_opened(carve_obj_t *dset, hid_t dapl_id);
herr_t carve_replaying_dataset_closed(carve_obj_t *dset);
/* A (multi-)dataset read of a replayed file: hits from the container, the rest from the origin. */
herr_t carve_replaying_read(size_t count, void *dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                            hid_t file_space_id[], hid_t plist_id, void *buf[], void **req);
/* Answers a get the origin's way where it differs from the container's (a dataset's creation list, the
 * file's name and access list): 1 when answered, 0 when the container's answer stands, -1 on failure. */
int    carve_replaying_dataset_get(carve_obj_t *dset, H5VL_dataset_get_args_t *args);
int    carve_replaying_file_get(carve_obj_t *file, H5VL_file_get_args_t *args);
/* H5Fget_filesize: 1 when answered (the origin's size, from its stamp), 0 otherwise. */
int    carve_replaying_file_optional(carve_obj_t *file, H5VL_optional_args_t *args);
/* Direct chunk reads and chunk-storage questions: 1 when answered (by the origin), 0 when the container
 * answers (a chunk it holds raw, or another operation), -1 on failure. */
int    carve_replaying_dataset_optional(carve_obj_t *dset, H5VL_optional_args_t *args, hid_t dxpl_id);
/* 1 when a replayed file is still open (its origin must be closed before a read-through commit). */
int    carve_replaying_pending(void);
/* At shutdown: every replayed container's counters into its manifest (and stderr with CARVE_LOG). */
void   carve_replaying_shutdown(void);
/* The context of the replayed file whose container has this file number (H5O_info2_t.fileno), or NULL. */
carve_file_ctx_t *carve_replaying_file_of(unsigned long fileno);
/* The origin a replayed file's container was carved from ("" when the file is not replayed). */
const char *carve_replaying_carved_origin(const carve_file_ctx_t *ctx);
/* Keeps `target` (a file reached through an external link of `holder`) alive while holder is. */
void   carve_replaying_keep(carve_file_ctx_t *holder, carve_file_ctx_t *target);

/* --- external links (carve_elink.c) --- */
/* Takes over the traversal of external links for this process (once per HDF5 session). */
herr_t carve_elink_register(void);
/* HDF5 shut down: its link classes are its own again. */
void   carve_elink_forget(void);

/* --- info (carve_info.c) --- */
void  *carve_info_copy(const void *info);
herr_t carve_info_cmp(int *cmp_value, const void *info1, const void *info2);
herr_t carve_info_free(void *info);
herr_t carve_info_to_str(const void *info, char **str);
herr_t carve_info_from_str(const char *str, void **info);
/* Resolves the connector below and the settings from carve's info (may be NULL), or from the carve info
 * on a file access property list. On success the caller owns *under_vol_id, *under_vol_info and cfg. */
herr_t carve_info_resolve(const void *info, hid_t *under_vol_id, void **under_vol_info, carve_config_t *cfg);
herr_t carve_info_resolve_fapl(hid_t fapl_id, hid_t *under_vol_id, void **under_vol_info, carve_config_t *cfg);
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
herr_t carve_link_get(void *obj, const H5VL_loc_params_t *loc_params, H5VL_link_get_args_t *args, hid_t dxpl_id,
                      void **req);
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
herr_t carve_object_specific(void *obj, const H5VL_loc_params_t *loc_params, H5VL_object_specific_args_t *args,
                             hid_t dxpl_id, void **req);
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
