/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_skeleton.c — owns the metadata skeleton: the walk of an origin file that recreates its groups,
 * links, committed datatypes, datasets (without raw data) and attributes in a container file, the map
 * from origin objects to container objects, and the rewriting of references (old and new, nested in
 * compound, array and vlen types) so that they point into the container.
 *
 * A build has two passes. Pass 1 walks the links from "/" (in creation order where the group tracks it,
 * else by name), creates every object and link, and copies each created object's attributes while both
 * copies are open (each object is opened once on each side; the walk costs a few HDF5 calls per object
 * and per attribute, nothing per pair), up to the first attribute whose value holds references: its
 * targets may not exist yet. Pass 2 copies those attributes and the ones after them (the container keeps
 * the origin's creation order), and the missing ones of the root group: all objects exist by then, so
 * references can always be rewritten. With opts->include a planning walk first decides which objects go
 * in: the included ones and the groups on the first path to them.
 *
 * Choices documented here (the header leaves them open):
 *  - carve_skeleton_build starts from an empty map: the map describes that build (found or created).
 *  - The root group is always mapped with created = 0; its attributes are copied when the container's
 *    root lacks an attribute of that name (so a second build copies none). Other objects found in the
 *    container keep their attributes as they are, values included: a reference an earlier touched-only
 *    build wrote as null stays null when a later build adds its target.
 *  - An object needed before the walk reaches its link is created anonymously and linked (H5Olink) when
 *    the walk gets there; its entry's path is "" until then (and stays "" when opts->include leaves it
 *    out). That is a committed datatype a dataset uses before its link, and the target of a reference
 *    in a dataset's fill value (fill values are fixed at creation).
 *  - A reference to an object the container does not hold becomes a null reference (all zero bytes), for
 *    old and new references alike. So does a new-style reference into another file: HDF5 1.14 decodes
 *    such a reference without a file to refer to, and writing it back fails (H5T__conv_ref then frees
 *    bytes it never allocated, a crash); keeping it would mean opening the other file. A fill value
 *    referring to its own dataset becomes null too.
 *  - User-defined links of a class this library has not registered are left out (HDF5 cannot create
 *    them); a registered class without a query callback gives HDF5 no way to read the link's value, so
 *    such a link is recreated with an empty value.
 */

#include "carve_skeleton.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_dynbuf.h"
#include "carve_error.h"

/* Values of the planning map (opts->include): whether an object goes into the container. */
enum { SKELETON_PLAN_LEFT_OUT = 1, SKELETON_PLAN_NEEDED = 2 };

struct skeleton_build_t;

/* What reference rewriting needs: the map and both files. */
typedef struct skeleton_rewriter_t {
    const carve_skeleton_t  *skel;
    hid_t                    origin_file;
    hid_t                    container_file;
    char                    *origin_name; /* H5Fget_name of the origin, fetched at the first new reference */
    struct skeleton_build_t *build;       /* during pass 1: creates targets not reached yet; else NULL */
} skeleton_rewriter_t;

/* An object created in pass 1 whose attributes pass 2 copies from index first_attr on: the first of them
 * that holds references, whose targets may not have existed yet. */
typedef struct skeleton_deferred_t {
    const carve_skeleton_object_t *object;
    hsize_t                        first_attr;
} skeleton_deferred_t;

/* State of one carve_skeleton_build. */
typedef struct skeleton_build_t {
    hid_t                           origin_file;
    hid_t                           container_file;
    const carve_skeleton_options_t *opts;
    carve_skeleton_t               *skel;
    carve_tokenmap_t                plan;     /* origin token -> SKELETON_PLAN_* (with opts->include) */
    skeleton_deferred_t            *deferred; /* objects whose attributes pass 2 completes */
    size_t                          n_deferred;
    size_t                          deferred_capacity;
    carve_tokenmap_t    creating;  /* datasets under creation (a fill value may refer to its own) */
    hid_t              *anonymous; /* objects created before their link: open until the end */
    size_t              n_anonymous;
    size_t              anonymous_capacity;
    hid_t               lcpl[2]; /* link creation lists: ASCII, UTF-8 names */
    hid_t               acpl[2]; /* attribute creation lists: ASCII, UTF-8 names */
    skeleton_rewriter_t rewriter;
} skeleton_build_t;

/* One link of a group, as listed before the group's links are processed. */
typedef struct skeleton_link_t {
    char       *name;
    H5L_info2_t info;
} skeleton_link_t;

typedef struct skeleton_name_list_t {
    skeleton_link_t *items;
    size_t           count;
    size_t           capacity;
    int              out_of_memory;
} skeleton_name_list_t;

/* ------------------------------------------------------------------------------------------------------ */
/* Small helpers                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

static char *
skeleton_join_path(const char *parent, const char *name)
{
    size_t parent_len = strlen(parent);
    size_t name_len   = strlen(name);
    int    at_root    = parent_len > 0 && parent[parent_len - 1] == '/';
    char  *path       = malloc(parent_len + name_len + 2);

    if (path)
        snprintf(path, parent_len + name_len + 2, "%s%s%s", parent, at_root ? "" : "/", name);
    return path;
}

static const char *
skeleton_printable_path(const char *path)
{
    return path && path[0] ? path : "(an object not linked yet)";
}

/* Names the thing a message is about: the concatenation of up to four parts (NULL: none) in buf,
 * truncated to its size. Made once per attribute and dataset, for every message about it, so a few
 * copies instead of snprintf's format parsing. */
static const char *
skeleton_describe(char *buf, size_t size, const char *a, const char *b, const char *c, const char *d)
{
    const char *parts[4] = {a, b, c, d};
    size_t      used     = 0;

    for (int i = 0; i < 4 && parts[i]; i++) {
        size_t len = strlen(parts[i]);

        if (len > size - 1 - used)
            len = size - 1 - used;
        memcpy(buf + used, parts[i], len);
        used += len;
    }
    buf[used] = '\0';
    return buf;
}

static const char *
skeleton_object_type_name(H5O_type_t type)
{
    switch (type) {
        case H5O_TYPE_GROUP:
            return "group";
        case H5O_TYPE_DATASET:
            return "dataset";
        case H5O_TYPE_NAMED_DATATYPE:
            return "committed datatype";
        case H5O_TYPE_MAP:
            return "map";
        case H5O_TYPE_UNKNOWN:
        case H5O_TYPE_NTYPES:
        default:
            return "object of unknown type";
    }
}

static void
skeleton_name_list_free(skeleton_name_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].name);
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* Appends name (and link info, may be NULL) to the list; 0, or -1 with list->out_of_memory set. */
static herr_t
skeleton_name_list_append(skeleton_name_list_t *list, const char *name, const H5L_info2_t *info)
{
    skeleton_link_t *item;

    if (CARVE_ARRAY_RESERVE(list->items, list->capacity, list->count + 1) != CARVE_GROW_OK ||
        !(list->items[list->count].name = strdup(name))) {
        list->out_of_memory = 1;
        return -1;
    }
    item = &list->items[list->count];
    if (info)
        item->info = *info;
    else
        memset(&item->info, 0, sizeof item->info);
    list->count++;
    return 0;
}

static herr_t
skeleton_collect_link(hid_t group, const char *name, const H5L_info2_t *info, void *op_data)
{
    (void)group;
    return skeleton_name_list_append(op_data, name, info);
}

/* The creation property list of a group, dataset or committed datatype. */
static hid_t
skeleton_object_create_plist(hid_t object, H5O_type_t type)
{
    switch (type) {
        case H5O_TYPE_GROUP:
            return H5Gget_create_plist(object);
        case H5O_TYPE_DATASET:
            return H5Dget_create_plist(object);
        case H5O_TYPE_NAMED_DATATYPE:
            return H5Tget_create_plist(object);
        case H5O_TYPE_MAP:
        case H5O_TYPE_UNKNOWN:
        case H5O_TYPE_NTYPES:
        default:
            return H5I_INVALID_HID;
    }
}

/* The index to walk an object's links (links != 0) or attributes in, from its creation list cpl: creation
 * order when the object tracks it, else by name. */
static herr_t
skeleton_order_index(hid_t cpl, H5O_type_t type, const char *path, int links, H5_index_t *index)
{
    unsigned flags     = 0;
    herr_t   ret_value = 0;

    if ((links ? H5Pget_link_creation_order(cpl, &flags) : H5Pget_attr_creation_order(cpl, &flags)) < 0)
        CARVE_GOTO_ERROR(
            CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s %s: cannot get its %s creation order flags",
            skeleton_object_type_name(type), skeleton_printable_path(path), links ? "link" : "attribute");
    *index = flags & H5P_CRT_ORDER_TRACKED ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;

done:
    return ret_value;
}

/* H5Literate2 callback of the name-order pass that reads a dense group's link storage before a table of
 * its links is built (skeleton_list_links). */
static herr_t
skeleton_touch_link(hid_t group, const char *name, const H5L_info2_t *info, void *data)
{
    (void)group;
    (void)name;
    (void)info;
    (void)data;
    return H5_ITER_CONT;
}

/* Lists the links of a group in the origin's order. Listed first, processed after: the walk creates
 * groups below while it goes.
 *
 * A dense group walked in creation order makes HDF5 build a table of its links; in HDF5 1.14.5 a read
 * that fails while that table fills (a damaged origin, or a remote origin that stops answering while a
 * commit reads it) frees the table's unfilled entries: a crash, not an error. So a dense group whose
 * creation order is indexed is walked in the index's native order (its B-tree: creation order, no table),
 * and one whose order is only tracked is first walked once by name in native order, which reads the same
 * heap and B-tree without a table and fails cleanly; the table is then built from HDF5's cache. */
static herr_t
skeleton_list_links(hid_t group, const char *path, skeleton_name_list_t *list)
{
    hid_t           cpl   = H5I_INVALID_HID;
    H5_index_t      index = H5_INDEX_NAME;
    H5_iter_order_t order = H5_ITER_INC;
    H5G_info_t      info;
    unsigned        flags     = 0;
    hsize_t         position  = 0;
    herr_t          ret_value = 0;

    if ((cpl = H5Gget_create_plist(group)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "origin group %s: cannot get its creation list", skeleton_printable_path(path));
    if (skeleton_order_index(cpl, H5O_TYPE_GROUP, path, 1, &index) < 0)
        CARVE_GOTO_DONE(-1);
    if (index == H5_INDEX_CRT_ORDER) {
        if (H5Gget_info(group, &info) < 0 || H5Pget_link_creation_order(cpl, &flags) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "origin group %s: cannot get its link storage", skeleton_printable_path(path));
        if (info.storage_type == H5G_STORAGE_TYPE_DENSE) {
            if (flags & H5P_CRT_ORDER_INDEXED)
                order = H5_ITER_NATIVE;
            else if (H5Literate2(group, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, skeleton_touch_link, NULL) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "origin group %s: cannot read its links", skeleton_printable_path(path));
        }
    }
    if (H5Literate2(group, index, order, &position, skeleton_collect_link, list) < 0) {
        if (list->out_of_memory)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1,
                             "origin group %s: out of memory listing its links",
                             skeleton_printable_path(path));
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "origin group %s: cannot iterate over its links", skeleton_printable_path(path));
    }

done:
    CARVE_CLEANUP_BEGIN
    if (cpl >= 0)
        H5Pclose(cpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The map                                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

static void
skeleton_object_free(void *value)
{
    carve_skeleton_object_t *object = value;

    if (object) {
        free(object->path);
        free(object);
    }
}

void
carve_skeleton_init(carve_skeleton_t *skel)
{
    carve_tokenmap_init(&skel->by_origin);
    skel->elinks          = NULL;
    skel->nelinks         = 0;
    skel->elinks_capacity = 0;
}

void
carve_skeleton_clear(carve_skeleton_t *skel)
{
    carve_tokenmap_clear(&skel->by_origin, skeleton_object_free);
    for (size_t i = 0; i < skel->nelinks; i++) {
        free(skel->elinks[i].path);
        free(skel->elinks[i].file);
        free(skel->elinks[i].object);
    }
    free(skel->elinks);
    skel->elinks          = NULL;
    skel->nelinks         = 0;
    skel->elinks_capacity = 0;
}

carve_skeleton_object_t *
carve_skeleton_find(const carve_skeleton_t *skel, const H5O_token_t *origin_token)
{
    return carve_tokenmap_get(&skel->by_origin, origin_token);
}

/* Records an object reached by the walk. */
static carve_skeleton_object_t *
skeleton_record_object(skeleton_build_t *ctx, const H5O_token_t *origin_token,
                       const H5O_token_t *container_token, H5O_type_t type, const char *path, int created)
{
    carve_skeleton_object_t *object    = NULL;
    carve_skeleton_object_t *ret_value = NULL;

    if (!(object = calloc(1, sizeof *object)) || !(object->path = strdup(path)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, NULL, "skeleton: out of memory recording %s %s",
                         skeleton_object_type_name(type), skeleton_printable_path(path));
    object->origin_token    = *origin_token;
    object->container_token = *container_token;
    object->type            = type;
    object->created         = created;
    if (carve_tokenmap_put(&ctx->skel->by_origin, origin_token, object) < 0)
        CARVE_GOTO_DONE(NULL);
    ret_value = object;
    object    = NULL;

done:
    skeleton_object_free(object);
    return ret_value;
}

/* Records an external link the container holds (skel->elinks). */
static herr_t
skeleton_record_elink(skeleton_build_t *ctx, const char *path, const char *file, const char *object)
{
    carve_skeleton_t      *skel      = ctx->skel;
    carve_skeleton_elink_t entry     = {NULL, NULL, NULL};
    herr_t                 ret_value = 0;

    if (CARVE_ARRAY_RESERVE(skel->elinks, skel->elinks_capacity, skel->nelinks + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1,
                         "skeleton: out of memory recording external link %s", path);
    if (!(entry.path = strdup(path)) || !(entry.file = strdup(file)) || !(entry.object = strdup(object)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1,
                         "skeleton: out of memory recording external link %s", path);
    skel->elinks[skel->nelinks++] = entry;
    memset(&entry, 0, sizeof entry);

done:
    free(entry.path);
    free(entry.file);
    free(entry.object);
    return ret_value;
}

/* Leaves the attributes of a created object from index first_attr on to pass 2. */
static herr_t
skeleton_defer_attributes(skeleton_build_t *ctx, const carve_skeleton_object_t *object, hsize_t first_attr)
{
    herr_t ret_value = 0;

    if (CARVE_ARRAY_RESERVE(ctx->deferred, ctx->deferred_capacity, ctx->n_deferred + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "skeleton: out of memory recording %s %s",
                         skeleton_object_type_name(object->type), skeleton_printable_path(object->path));
    ctx->deferred[ctx->n_deferred++] = (skeleton_deferred_t){.object = object, .first_attr = first_attr};

done:
    return ret_value;
}

/* 1 when opts->include leaves the origin object out of the container (the planning walk decided). */
static int
skeleton_left_out(const skeleton_build_t *ctx, const H5O_token_t *origin_token)
{
    return ctx->opts && ctx->opts->include &&
           (uintptr_t)carve_tokenmap_get(&ctx->plan, origin_token) != SKELETON_PLAN_NEEDED;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Datatypes                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

int
carve_skeleton_type_needs_rewrite(hid_t type_id)
{
    hid_t       member = H5I_INVALID_HID;
    H5T_class_t type_class;
    int         ret_value = 0;

    if ((type_class = H5Tget_class(type_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "datatype: cannot get its class");
    switch (type_class) {
        case H5T_VLEN:
        case H5T_REFERENCE:
            ret_value = 1;
            break;
        case H5T_STRING: {
            htri_t variable = H5Tis_variable_str(type_id);
            if (variable < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "string datatype: cannot tell whether it is variable-length");
            ret_value = variable > 0;
        } break;
        case H5T_ARRAY:
            if ((member = H5Tget_super(type_id)) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "array datatype: cannot get its element type");
            ret_value = carve_skeleton_type_needs_rewrite(member);
            break;
        case H5T_COMPOUND: {
            int members = H5Tget_nmembers(type_id);
            if (members < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "compound datatype: cannot count its members");
            for (int i = 0; i < members && ret_value == 0; i++) {
                if ((member = H5Tget_member_type(type_id, (unsigned)i)) < 0)
                    CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                     "compound datatype: cannot get the type of member %d", i);
                ret_value = carve_skeleton_type_needs_rewrite(member);
                H5Tclose(member);
                member = H5I_INVALID_HID;
            }
        } break;
        case H5T_INTEGER:
        case H5T_FLOAT:
        case H5T_TIME:
        case H5T_BITFIELD:
        case H5T_OPAQUE:
        case H5T_ENUM:
        case H5T_NO_CLASS:
        case H5T_NCLASSES:
        default:
            break;
    }

done:
    CARVE_CLEANUP_BEGIN
    if (member >= 0)
        H5Tclose(member);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Commits a transient copy of origin_type in the container: at cg/name, or anonymously when name is NULL.
 * Returns the committed type (the caller closes it). */
static hid_t
skeleton_commit_datatype(skeleton_build_t *ctx, hid_t origin_type, hid_t cg, const char *name, hid_t lcpl,
                         const char *path)
{
    hid_t tcpl      = H5I_INVALID_HID;
    hid_t copy      = H5I_INVALID_HID;
    hid_t ret_value = H5I_INVALID_HID;

    if ((tcpl = H5Tget_create_plist(origin_type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "origin committed datatype %s: cannot get its creation list", path);
    if ((copy = H5Tcopy(origin_type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "origin committed datatype %s: cannot copy it", path);
    if (name) {
        if (H5Tcommit2(cg, name, copy, lcpl, tcpl, H5P_DEFAULT) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "container: cannot commit datatype %s", path);
    }
    else if (H5Tcommit_anon(ctx->container_file, copy, tcpl, H5P_DEFAULT) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "container: cannot commit datatype %s (used before its link) anonymously", path);
    ret_value = copy;
    copy      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (copy >= 0)
        H5Tclose(copy);
    if (tcpl >= 0)
        H5Pclose(tcpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The datatype to create a container dataset or attribute with: origin_type itself (creating copies it),
 * or, when that is a committed datatype, the container's committed copy of it (committed anonymously now
 * if the walk has not reached it yet). user names the dataset or attribute for messages. The caller
 * closes the result when it is not origin_type. */
static hid_t
skeleton_container_type(skeleton_build_t *ctx, hid_t origin_type, const char *user)
{
    H5O_info2_t              info;
    carve_skeleton_object_t *entry     = NULL;
    hid_t                    committed = H5I_INVALID_HID;
    htri_t                   is_committed;
    hid_t                    ret_value = H5I_INVALID_HID;

    if ((is_committed = H5Tcommitted(origin_type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "%s: cannot tell whether its datatype is committed", user);
    if (!is_committed)
        CARVE_GOTO_DONE(origin_type);
    if (H5Oget_info3(origin_type, &info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "%s: cannot get the token of its committed datatype", user);
    if ((entry = carve_skeleton_find(ctx->skel, &info.token))) {
        if ((ret_value = H5Oopen_by_token(ctx->container_file, entry->container_token)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "%s: cannot open the container's committed datatype %s", user,
                             skeleton_printable_path(entry->path));
        goto done;
    }

    /* First use before the link: commit it anonymously; the walk links it when it gets there. Its
     * attributes wait for pass 2 (this is the middle of creating another object). */
    {
        H5O_info2_t container_info;
        if ((committed =
                 skeleton_commit_datatype(ctx, origin_type, H5I_INVALID_HID, NULL, H5P_DEFAULT, user)) < 0)
            CARVE_GOTO_DONE(H5I_INVALID_HID);
        if (H5Oget_info3(committed, &container_info, H5O_INFO_BASIC) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "%s: cannot get the token of the container's committed datatype", user);
        if (!(entry = skeleton_record_object(ctx, &info.token, &container_info.token, H5O_TYPE_NAMED_DATATYPE,
                                             "", 1)) ||
            skeleton_defer_attributes(ctx, entry, 0) < 0)
            CARVE_GOTO_DONE(H5I_INVALID_HID);
    }
    ret_value = committed;
    committed = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (committed >= 0)
        H5Tclose(committed);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* References                                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

typedef enum skeleton_ref_kind_t {
    SKELETON_REF_OBJECT_OLD, /* hobj_ref_t */
    SKELETON_REF_REGION_OLD, /* hdset_reg_ref_t */
    SKELETON_REF_NEW,        /* H5R_ref_t */
    SKELETON_REF_KINDS
} skeleton_ref_kind_t;

static int
skeleton_bytes_are_zero(const void *buf, size_t size)
{
    const unsigned char *bytes = buf;

    for (size_t i = 0; i < size; i++)
        if (bytes[i])
            return 0;
    return 1;
}

static herr_t skeleton_create_on_demand(struct skeleton_build_t *ctx, hid_t origin_object,
                                        const H5O_info2_t *info, const char *where,
                                        carve_skeleton_object_t **entry);

/* Opens the container object mapped from origin_object; *container_object is H5I_INVALID_HID when the
 * container does not hold it (or holds it with another type than required, when required is not
 * H5O_TYPE_UNKNOWN). During pass 1 (a fill value), a target the walk has not reached yet is created
 * now, anonymously, and linked when the walk gets there. */
static herr_t
skeleton_open_mapped_object(const skeleton_rewriter_t *rw, hid_t origin_object, H5O_type_t required,
                            const char *where, hid_t *container_object)
{
    H5O_info2_t              info;
    carve_skeleton_object_t *entry;
    herr_t                   ret_value = 0;

    *container_object = H5I_INVALID_HID;
    if (H5Oget_info3(origin_object, &info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot get the token of a referenced object", where);
    entry = carve_skeleton_find(rw->skel, &info.token);
    if (!entry && rw->build && skeleton_create_on_demand(rw->build, origin_object, &info, where, &entry) < 0)
        CARVE_GOTO_DONE(-1);
    if (!entry || (required != H5O_TYPE_UNKNOWN && entry->type != required))
        goto done;
    if ((*container_object = H5Oopen_by_token(rw->container_file, entry->container_token)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot open the container's copy of %s", where,
                         skeleton_printable_path(entry->path));

done:
    return ret_value;
}

/* Rewrites the reference in slot (of one kind) to point into the container, or makes it null. */
typedef herr_t (*skeleton_rewrite_reference_t)(skeleton_rewriter_t *rw, void *slot, const char *where);

static herr_t
skeleton_rewrite_old_object_reference(skeleton_rewriter_t *rw, void *slot, const char *where)
{
    hobj_ref_t  value; /* copied out of the slot: it may be unaligned (packed compound types) */
    hobj_ref_t *ref              = &value;
    hid_t       origin_object    = H5I_INVALID_HID;
    hid_t       container_object = H5I_INVALID_HID;
    hobj_ref_t  rewritten        = 0;
    herr_t      ret_value        = 0;

    memcpy(&value, slot, sizeof value);
    if (value == 0)
        goto done; /* a null reference stays null */
    if ((origin_object = H5Rdereference2(rw->origin_file, H5P_DEFAULT, H5R_OBJECT, ref)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot dereference an object reference", where);
    if (skeleton_open_mapped_object(rw, origin_object, H5O_TYPE_UNKNOWN, where, &container_object) < 0)
        CARVE_GOTO_DONE(-1);
    if (container_object >= 0 && H5Rcreate(&rewritten, container_object, ".", H5R_OBJECT, -1) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot create an object reference in the container", where);
    memcpy(slot, &rewritten, sizeof rewritten);

done:
    CARVE_CLEANUP_BEGIN
    if (container_object >= 0)
        H5Oclose(container_object);
    if (origin_object >= 0)
        H5Oclose(origin_object);
    CARVE_CLEANUP_END
    return ret_value;
}

static herr_t
skeleton_rewrite_old_region_reference(skeleton_rewriter_t *rw, void *slot, const char *where)
{
    hdset_reg_ref_t  value; /* copied out of the slot: it may be unaligned */
    hdset_reg_ref_t *ref               = &value;
    hid_t            origin_dataset    = H5I_INVALID_HID;
    hid_t            container_dataset = H5I_INVALID_HID;
    hid_t            region            = H5I_INVALID_HID;
    hdset_reg_ref_t  rewritten;
    herr_t           ret_value = 0;

    memset(&rewritten, 0, sizeof rewritten);
    memcpy(&value, slot, sizeof value);
    if (skeleton_bytes_are_zero(ref, sizeof *ref))
        goto done;
    if ((origin_dataset = H5Rdereference2(rw->origin_file, H5P_DEFAULT, H5R_DATASET_REGION, ref)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot dereference a region reference", where);
    if ((region = H5Rget_region(rw->origin_file, H5R_DATASET_REGION, ref)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot get the region of a region reference", where);
    if (skeleton_open_mapped_object(rw, origin_dataset, H5O_TYPE_DATASET, where, &container_dataset) < 0)
        CARVE_GOTO_DONE(-1);
    if (container_dataset >= 0 &&
        H5Rcreate(&rewritten, container_dataset, ".", H5R_DATASET_REGION, region) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot create a region reference in the container", where);
    memcpy(slot, &rewritten, sizeof rewritten);

done:
    CARVE_CLEANUP_BEGIN
    if (region >= 0)
        H5Sclose(region);
    if (container_dataset >= 0)
        H5Oclose(container_dataset);
    if (origin_dataset >= 0)
        H5Oclose(origin_dataset);
    CARVE_CLEANUP_END
    return ret_value;
}

/* 1 when a new-style reference read from the origin points into the origin itself, 0 when it is an
 * external reference (another file). */
static int
skeleton_new_reference_is_internal(skeleton_rewriter_t *rw, const H5R_ref_t *ref, const char *where)
{
    char   *name = NULL;
    ssize_t len;
    int     ret_value = 0;

    if (!rw->origin_name) {
        if ((len = H5Fget_name(rw->origin_file, NULL, 0)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "%s: cannot get the origin's file name", where);
        if (!(rw->origin_name = malloc((size_t)len + 1)))
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "%s: out of memory", where);
        if (H5Fget_name(rw->origin_file, rw->origin_name, (size_t)len + 1) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "%s: cannot get the origin's file name", where);
    }
    if ((len = H5Rget_file_name(ref, NULL, 0)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot get the file name of a reference", where);
    if (!(name = malloc((size_t)len + 1)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "%s: out of memory", where);
    if (H5Rget_file_name(ref, name, (size_t)len + 1) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot get the file name of a reference", where);
    ret_value = strcmp(name, rw->origin_name) == 0;

done:
    free(name);
    return ret_value;
}

static herr_t
skeleton_rewrite_new_reference(skeleton_rewriter_t *rw, void *slot, const char *where)
{
    H5R_ref_t  value; /* moved out of the slot and back: the slot may be unaligned */
    H5R_ref_t *ref              = &value;
    hid_t      origin_object    = H5I_INVALID_HID;
    hid_t      container_object = H5I_INVALID_HID;
    hid_t      region           = H5I_INVALID_HID;
    char      *attr_name        = NULL;
    H5R_ref_t  rewritten;
    H5R_type_t ref_type;
    int        internal;
    herr_t     ret_value = 0;

    memset(&rewritten, 0, sizeof rewritten);
    memcpy(&value, slot, sizeof value);
    if (skeleton_bytes_are_zero(ref, sizeof *ref))
        goto done;
    if ((internal = skeleton_new_reference_is_internal(rw, ref, where)) < 0)
        CARVE_GOTO_DONE(-1);
    if (!internal)
        goto replace; /* a reference into another file: null (HDF5 cannot write it back as read) */
    ref_type = H5Rget_type(ref);
    if (ref_type != H5R_OBJECT2 && ref_type != H5R_DATASET_REGION2 && ref_type != H5R_ATTR)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNSUPPORTED, -1, "%s: reference of unknown type %d", where,
                         (int)ref_type);
    if ((origin_object = H5Ropen_object(ref, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot open the object of a reference", where);
    if (skeleton_open_mapped_object(rw, origin_object,
                                    ref_type == H5R_DATASET_REGION2 ? H5O_TYPE_DATASET : H5O_TYPE_UNKNOWN,
                                    where, &container_object) < 0)
        CARVE_GOTO_DONE(-1);
    if (container_object >= 0) {
        if (ref_type == H5R_OBJECT2) {
            if (H5Rcreate_object(container_object, ".", H5P_DEFAULT, &rewritten) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "%s: cannot create an object reference in the container", where);
        }
        else if (ref_type == H5R_DATASET_REGION2) {
            if ((region = H5Ropen_region(ref, H5P_DEFAULT, H5P_DEFAULT)) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "%s: cannot get the region of a region reference", where);
            if (H5Rcreate_region(container_object, ".", region, H5P_DEFAULT, &rewritten) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "%s: cannot create a region reference in the container", where);
        }
        else {
            ssize_t len = H5Rget_attr_name(ref, NULL, 0);
            if (len < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "%s: cannot get the attribute name of an attribute reference", where);
            if (!(attr_name = malloc((size_t)len + 1)))
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "%s: out of memory", where);
            if (H5Rget_attr_name(ref, attr_name, (size_t)len + 1) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "%s: cannot get the attribute name of an attribute reference", where);
            if (H5Rcreate_attr(container_object, ".", attr_name, H5P_DEFAULT, &rewritten) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "%s: cannot create a reference to attribute \"%s\" in the container", where,
                                 attr_name);
        }
    }
replace:
    /* The slot now takes the rewritten reference (all zero bytes: null when the target is left out). */
    if (H5Rdestroy(ref) < 0) {
        if (!skeleton_bytes_are_zero(&rewritten, sizeof rewritten))
            H5Rdestroy(&rewritten);
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot release a reference read from the origin", where);
    }
    memcpy(slot, &rewritten, sizeof rewritten);

done:
    CARVE_CLEANUP_BEGIN
    free(attr_name);
    if (region >= 0)
        H5Sclose(region);
    if (container_object >= 0)
        H5Oclose(container_object);
    if (origin_object >= 0)
        H5Oclose(origin_object);
    CARVE_CLEANUP_END
    return ret_value;
}

static herr_t
skeleton_reference_kind(hid_t type, const char *where, skeleton_ref_kind_t *kind)
{
    const hid_t types[SKELETON_REF_KINDS] = {H5T_STD_REF_OBJ, H5T_STD_REF_DSETREG, H5T_STD_REF}; /* by kind */
    htri_t      equal                     = 0;
    herr_t      ret_value                 = 0;

    for (int k = 0; k < SKELETON_REF_KINDS && !equal; k++) {
        if ((equal = H5Tequal(type, types[k])) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "%s: cannot compare a reference datatype", where);
        *kind = (skeleton_ref_kind_t)k;
    }
    if (!equal)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNSUPPORTED, -1, "%s: unknown reference datatype", where);

done:
    return ret_value;
}

/* Rewrites every reference in count elements of type (stride bytes apart) at buf, a buffer read with
 * type as memory type: references at top level or nested in compound members, array elements and vlen
 * sequences. */
static herr_t skeleton_rewrite_references(skeleton_rewriter_t *rw, hid_t type, void *buf, size_t count,
                                          size_t stride, const char *where);

/* The references themselves: count of them, stride bytes apart. */
static herr_t
skeleton_rewrite_in_references(skeleton_rewriter_t *rw, hid_t type, unsigned char *bytes, size_t count,
                               size_t stride, const char *where)
{
    static const skeleton_rewrite_reference_t rewrite[SKELETON_REF_KINDS] = {
        skeleton_rewrite_old_object_reference, skeleton_rewrite_old_region_reference,
        skeleton_rewrite_new_reference};
    skeleton_ref_kind_t kind;
    herr_t              ret_value = 0;

    if (skeleton_reference_kind(type, where, &kind) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < count; i++)
        if (rewrite[kind](rw, bytes + i * stride, where) < 0)
            CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* The references in each member of count compound elements. */
static herr_t
skeleton_rewrite_in_compound(skeleton_rewriter_t *rw, hid_t type, unsigned char *bytes, size_t count,
                             size_t stride, const char *where)
{
    hid_t  member    = H5I_INVALID_HID;
    int    members   = H5Tget_nmembers(type);
    herr_t ret_value = 0;

    if (members < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot count compound members",
                         where);
    for (int m = 0; m < members; m++) {
        size_t offset = H5Tget_member_offset(type, (unsigned)m);

        if ((member = H5Tget_member_type(type, (unsigned)m)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "%s: cannot get the type of compound member %d", where, m);
        if (skeleton_rewrite_references(rw, member, bytes + offset, count, stride, where) < 0)
            CARVE_GOTO_DONE(-1);
        H5Tclose(member);
        member = H5I_INVALID_HID;
    }

done:
    CARVE_CLEANUP_BEGIN
    if (member >= 0)
        H5Tclose(member);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The references in the elements of count arrays. */
static herr_t
skeleton_rewrite_in_array(skeleton_rewriter_t *rw, hid_t type, unsigned char *bytes, size_t count,
                          size_t stride, const char *where)
{
    hid_t   member = H5I_INVALID_HID;
    int     rank;
    hsize_t dims[H5S_MAX_RANK];
    size_t  elements  = 1, element_size;
    herr_t  ret_value = 0;

    if ((member = H5Tget_super(type)) < 0 || (rank = H5Tget_array_ndims(type)) < 0 ||
        H5Tget_array_dims2(type, dims) < 0 || (element_size = H5Tget_size(member)) == 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot describe an array datatype",
                         where);
    for (int d = 0; d < rank; d++)
        elements *= (size_t)dims[d];
    for (size_t i = 0; i < count; i++)
        if (skeleton_rewrite_references(rw, member, bytes + i * stride, elements, element_size, where) < 0)
            CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (member >= 0)
        H5Tclose(member);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The references in the sequences of count variable-length elements. */
static herr_t
skeleton_rewrite_in_vlen(skeleton_rewriter_t *rw, hid_t type, unsigned char *bytes, size_t count,
                         size_t stride, const char *where)
{
    hid_t  member = H5I_INVALID_HID;
    size_t element_size;
    herr_t ret_value = 0;

    if ((member = H5Tget_super(type)) < 0 || (element_size = H5Tget_size(member)) == 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot describe a vlen datatype",
                         where);
    for (size_t i = 0; i < count; i++) {
        hvl_t sequence;

        memcpy(&sequence, bytes + i * stride, sizeof sequence);
        if (sequence.len && sequence.p &&
            skeleton_rewrite_references(rw, member, sequence.p, sequence.len, element_size, where) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    CARVE_CLEANUP_BEGIN
    if (member >= 0)
        H5Tclose(member);
    CARVE_CLEANUP_END
    return ret_value;
}

static herr_t
skeleton_rewrite_references(skeleton_rewriter_t *rw, hid_t type, void *buf, size_t count, size_t stride,
                            const char *where)
{
    htri_t      has_refs;
    H5T_class_t type_class;
    herr_t      ret_value = 0;

    if (count == 0)
        goto done;
    if ((has_refs = H5Tdetect_class(type, H5T_REFERENCE)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot inspect its datatype", where);
    if (!has_refs)
        goto done;
    if ((type_class = H5Tget_class(type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot get a datatype class", where);
    /* Only these classes can hold references; the others are left as they are. */
    if (type_class == H5T_REFERENCE)
        ret_value = skeleton_rewrite_in_references(rw, type, buf, count, stride, where);
    else if (type_class == H5T_COMPOUND)
        ret_value = skeleton_rewrite_in_compound(rw, type, buf, count, stride, where);
    else if (type_class == H5T_ARRAY)
        ret_value = skeleton_rewrite_in_array(rw, type, buf, count, stride, where);
    else if (type_class == H5T_VLEN)
        ret_value = skeleton_rewrite_in_vlen(rw, type, buf, count, stride, where);

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Attributes                                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

/* Copies one open origin attribute (its type origin_type, its name's encoding cset) onto container_object:
 * created with the same datatype (the container's copy of a committed one), dataspace and name encoding,
 * and written with the origin's value, references rewritten. */
static herr_t
skeleton_copy_attribute(skeleton_build_t *ctx, hid_t origin_attr, hid_t origin_type, H5T_cset_t cset,
                        hid_t container_object, const char *name, const char *where)
{
    hid_t    space          = H5I_INVALID_HID;
    hid_t    container_type = H5I_INVALID_HID;
    hid_t    container_attr = H5I_INVALID_HID;
    void    *buf            = NULL;
    int      buf_filled     = 0;
    int      needs_reclaim  = 0;
    hssize_t npoints;
    size_t   element_size;
    herr_t   ret_value = 0;

    if ((space = H5Aget_space(origin_attr)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s: cannot get its dataspace",
                         where);
    if ((container_type = skeleton_container_type(ctx, origin_type, where)) < 0)
        CARVE_GOTO_DONE(-1);
    if ((container_attr = H5Acreate2(container_object, name, container_type, space,
                                     ctx->acpl[cset == H5T_CSET_UTF8 ? 1 : 0], H5P_DEFAULT)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "container: cannot create %s", where);

    if ((npoints = H5Sget_simple_extent_npoints(space)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s: cannot count its elements",
                         where);
    if (npoints == 0)
        goto done; /* null or empty dataspace: no value */
    if ((element_size = H5Tget_size(origin_type)) == 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s: cannot get its datatype size",
                         where);
    if ((needs_reclaim = carve_skeleton_type_needs_rewrite(origin_type)) < 0)
        CARVE_GOTO_DONE(-1);
    if (!(buf = calloc((size_t)npoints, element_size)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1,
                         "origin %s: out of memory for its value (%lld x %zu bytes)", where,
                         (long long)npoints, element_size);
    if (H5Aread(origin_attr, origin_type, buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s: cannot read it", where);
    buf_filled = 1;
    /* Only types that need rewriting (variable-length data, references) hold references or memory to
     * reclaim: the others are copied as read. */
    if (needs_reclaim && skeleton_rewrite_references(&ctx->rewriter, origin_type, buf, (size_t)npoints,
                                                     element_size, where) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Awrite(container_attr, origin_type, buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "container: cannot write %s", where);

done:
    CARVE_CLEANUP_BEGIN
    if (buf_filled && needs_reclaim)
        H5Treclaim(origin_type, space, H5P_DEFAULT, buf);
    free(buf);
    if (container_attr >= 0)
        H5Aclose(container_attr);
    if (container_type >= 0 && container_type != origin_type)
        H5Tclose(container_type);
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* One walk over an object's attributes (H5Aiterate2's state). */
typedef struct skeleton_attr_walk_t {
    skeleton_build_t *ctx;
    const char       *path;             /* the object's, for messages */
    hid_t             container_object; /* where the copies go */
    int               defer_refs;       /* pass 1: stop at the first attribute holding references */
    int               only_missing;     /* skip names container_object has already (the root group) */
    hsize_t           next;             /* the index of the attribute the walk is at */
    int               deferred;         /* stopped at attribute `next`, which holds references */
    int               failed;           /* a copy failed (and said why) */
} skeleton_attr_walk_t;

static herr_t
skeleton_copy_attribute_cb(hid_t location, const char *name, const H5A_info_t *info, void *op_data)
{
    skeleton_attr_walk_t *walk        = op_data;
    hid_t                 origin_attr = H5I_INVALID_HID;
    hid_t                 origin_type = H5I_INVALID_HID;
    htri_t                status;
    char                  where[1024];
    herr_t                ret_value = 0;

    skeleton_describe(where, sizeof where, "attribute \"", name, "\" of ",
                      skeleton_printable_path(walk->path));
    if (walk->only_missing) {
        if ((status = H5Aexists(walk->container_object, name)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "container: cannot tell whether %s exists", where);
        if (status)
            goto done;
    }
    if ((origin_attr = H5Aopen(location, name, H5P_DEFAULT)) < 0 ||
        (origin_type = H5Aget_type(origin_attr)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s: cannot open it", where);
    if (walk->defer_refs) {
        if ((status = H5Tdetect_class(origin_type, H5T_REFERENCE)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "origin %s: cannot inspect its datatype", where);
        if (status) {
            walk->deferred = 1;
            CARVE_GOTO_DONE(1); /* stops the iteration: pass 2 copies this one and the rest */
        }
    }
    if (skeleton_copy_attribute(walk->ctx, origin_attr, origin_type, info->cset, walk->container_object, name,
                                where) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (ret_value == 0)
        walk->next++;
    else if (ret_value < 0)
        walk->failed = 1;
    CARVE_CLEANUP_BEGIN
    if (origin_type >= 0)
        H5Tclose(origin_type);
    if (origin_attr >= 0)
        H5Aclose(origin_attr);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Copies the attributes of origin_object (of `type`, creation list cpl) onto container_object in the
 * origin's order, from index *first on. With defer_refs (pass 1, while objects are still being created)
 * the copy stops at the first attribute whose value holds references, whose targets may not exist yet:
 * *first is then its index and *deferred 1, and pass 2 copies the rest, so the container's creation order
 * stays the origin's. only_missing skips names the container object has (the root group). */
static herr_t
skeleton_copy_attributes(skeleton_build_t *ctx, hid_t origin_object, H5O_type_t type, hid_t cpl,
                         hid_t container_object, const char *path, int defer_refs, int only_missing,
                         hsize_t *first, int *deferred)
{
    skeleton_attr_walk_t walk      = {.ctx              = ctx,
                                      .path             = path,
                                      .container_object = container_object,
                                      .defer_refs       = defer_refs,
                                      .only_missing     = only_missing,
                                      .next             = *first};
    hsize_t              position  = *first;
    H5_index_t           index     = H5_INDEX_NAME;
    herr_t               ret_value = 0;

    if (skeleton_order_index(cpl, type, path, 0, &index) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Aiterate2(origin_object, index, H5_ITER_INC, &position, skeleton_copy_attribute_cb, &walk) < 0) {
        if (walk.failed)
            CARVE_GOTO_DONE(-1);
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "origin %s %s: cannot iterate over its attributes", skeleton_object_type_name(type),
                         skeleton_printable_path(path));
    }
    *first    = walk.next;
    *deferred = walk.deferred;

done:
    return ret_value;
}

/* Pass 2 for one object: its attributes from index `first` on (the first holding references), or, for the
 * root group, those the container's root lacks. */
static herr_t
skeleton_copy_deferred_attributes(skeleton_build_t *ctx, const carve_skeleton_object_t *object, hsize_t first,
                                  int only_missing)
{
    hid_t  origin_object    = H5I_INVALID_HID;
    hid_t  container_object = H5I_INVALID_HID;
    hid_t  cpl              = H5I_INVALID_HID;
    int    deferred         = 0;
    herr_t ret_value        = 0;

    if ((origin_object = H5Oopen_by_token(ctx->origin_file, object->origin_token)) < 0 ||
        (cpl = skeleton_object_create_plist(origin_object, object->type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s %s: cannot open it",
                         skeleton_object_type_name(object->type), skeleton_printable_path(object->path));
    if ((container_object = H5Oopen_by_token(ctx->container_file, object->container_token)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "container %s %s: cannot open it",
                         skeleton_object_type_name(object->type), skeleton_printable_path(object->path));
    if (skeleton_copy_attributes(ctx, origin_object, object->type, cpl, container_object, object->path, 0,
                                 only_missing, &first, &deferred) < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (cpl >= 0)
        H5Pclose(cpl);
    if (container_object >= 0)
        H5Oclose(container_object);
    if (origin_object >= 0)
        H5Oclose(origin_object);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Objects (pass 1)                                                                                        */
/* ------------------------------------------------------------------------------------------------------ */

/* For types holding references or vlen data: a user-defined fill value of the dcpl, in memory form, is
 * re-set with its references rewritten (so it points into the container, or is null). */
static herr_t
skeleton_rewrite_fill_value(skeleton_build_t *ctx, hid_t dcpl, hid_t type, const char *path)
{
    H5D_fill_value_t status;
    hid_t            scalar     = H5I_INVALID_HID;
    void            *buf        = NULL;
    int              buf_filled = 0;
    size_t           size;
    int              needs;
    char             where[1024];
    herr_t           ret_value = 0;

    if ((needs = carve_skeleton_type_needs_rewrite(type)) < 0)
        CARVE_GOTO_DONE(-1);
    if (!needs)
        goto done;
    snprintf(where, sizeof where, "fill value of dataset %s", path);
    if (H5Pfill_value_defined(dcpl, &status) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot tell whether it is defined",
                         where);
    if (status != H5D_FILL_VALUE_USER_DEFINED)
        goto done;
    if ((size = H5Tget_size(type)) == 0 || !(buf = calloc(1, size)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "%s: out of memory", where);
    if ((scalar = H5Screate(H5S_SCALAR)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot create a dataspace", where);
    if (H5Pget_fill_value(dcpl, type, buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot get it", where);
    buf_filled = 1;
    if (skeleton_rewrite_references(&ctx->rewriter, type, buf, 1, size, where) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Pset_fill_value(dcpl, type, buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot set it for the container",
                         where);

done:
    CARVE_CLEANUP_BEGIN
    if (buf_filled)
        H5Treclaim(type, scalar, H5P_DEFAULT, buf);
    free(buf);
    if (scalar >= 0)
        H5Sclose(scalar);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Creates cg/name (anonymously when name is NULL) like origin dataset od (datatype, dataspace, creation
 * list origin_dcpl), without raw data. *has_refs: whether its values hold references. */
static hid_t
skeleton_create_dataset(skeleton_build_t *ctx, hid_t od, hid_t origin_dcpl, const H5O_token_t *origin_token,
                        hid_t cg, const char *name, hid_t lcpl, const char *path, int *has_refs)
{
    hid_t  origin_type    = H5I_INVALID_HID;
    hid_t  container_type = H5I_INVALID_HID;
    hid_t  space          = H5I_INVALID_HID;
    hid_t  chosen_dcpl    = H5I_INVALID_HID;
    hid_t  dcpl;
    htri_t refs;
    char   where[1024];
    hid_t  ret_value = H5I_INVALID_HID;

    skeleton_describe(where, sizeof where, "dataset ", path, NULL, NULL);
    /* Marked for good: once created it is mapped, and only an unmapped object is looked up in `creating`. */
    if (carve_tokenmap_put(&ctx->creating, origin_token, (void *)(uintptr_t)1) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    if ((origin_type = H5Dget_type(od)) < 0 || (space = H5Dget_space(od)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "origin dataset %s: cannot get its datatype or dataspace", path);
    if ((refs = H5Tdetect_class(origin_type, H5T_REFERENCE)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "origin: cannot inspect the datatype of %s", path);
    *has_refs = refs > 0;
    if (ctx->opts && ctx->opts->dcpl) {
        chosen_dcpl = ctx->opts->dcpl(ctx->opts->dcpl_udata, origin_token, path, od, origin_dcpl);
        if (chosen_dcpl < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_BADVALUE, H5I_INVALID_HID,
                             "dataset %s: the creation list callback failed", path);
        if (chosen_dcpl == H5P_DEFAULT)
            chosen_dcpl = H5I_INVALID_HID;
    }
    dcpl = chosen_dcpl >= 0 ? chosen_dcpl : origin_dcpl;
    if (skeleton_rewrite_fill_value(ctx, dcpl, origin_type, path) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    if ((container_type = skeleton_container_type(ctx, origin_type, where)) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    if (name)
        ret_value = H5Dcreate2(cg, name, container_type, space, lcpl, dcpl, H5P_DEFAULT);
    else
        ret_value = H5Dcreate_anon(ctx->container_file, container_type, space, dcpl, H5P_DEFAULT);
    if (ret_value < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "container: cannot create dataset %s%s", path,
                         name ? "" : " (anonymously, as the target of a fill value's reference)");

done:
    CARVE_CLEANUP_BEGIN
    if (chosen_dcpl >= 0)
        H5Pclose(chosen_dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (container_type >= 0 && container_type != origin_type)
        H5Tclose(container_type);
    if (origin_type >= 0)
        H5Tclose(origin_type);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A group creation list with the origin group's settings. Not H5Gget_create_plist's list itself: HDF5
 * 1.14 stores the group's whole link info message in it, file addresses of its dense link storage
 * included, and H5Gcreate2 writes that message as it is into the new group's header (a dense group
 * created from it points at the origin's fractal heap). So the list is rebuilt from the public settings:
 * link and attribute creation order, phase changes, size estimates, time tracking and filters. */
static hid_t
skeleton_group_create_plist(hid_t origin_gcpl, const char *path)
{
    hid_t    gcpl = H5I_INVALID_HID;
    unsigned link_order, attr_order, max_compact, min_dense, est_entries, est_name_len;
    size_t   heap_hint;
    hbool_t  track_times;
    int      filters;
    hid_t    ret_value = H5I_INVALID_HID;

    if (H5Pget_link_creation_order(origin_gcpl, &link_order) < 0 ||
        H5Pget_attr_creation_order(origin_gcpl, &attr_order) < 0 ||
        H5Pget_est_link_info(origin_gcpl, &est_entries, &est_name_len) < 0 ||
        H5Pget_local_heap_size_hint(origin_gcpl, &heap_hint) < 0 ||
        H5Pget_obj_track_times(origin_gcpl, &track_times) < 0 || (filters = H5Pget_nfilters(origin_gcpl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "origin group %s: cannot read its creation settings", path);
    if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 || H5Pset_link_creation_order(gcpl, link_order) < 0 ||
        H5Pset_attr_creation_order(gcpl, attr_order) < 0 ||
        H5Pset_est_link_info(gcpl, est_entries, est_name_len) < 0 ||
        H5Pset_local_heap_size_hint(gcpl, heap_hint) < 0 || H5Pset_obj_track_times(gcpl, track_times) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "group %s: cannot set up its creation list", path);
    if (H5Pget_link_phase_change(origin_gcpl, &max_compact, &min_dense) < 0 ||
        H5Pset_link_phase_change(gcpl, max_compact, min_dense) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "group %s: cannot copy its link storage phase change", path);
    if (H5Pget_attr_phase_change(origin_gcpl, &max_compact, &min_dense) < 0 ||
        H5Pset_attr_phase_change(gcpl, max_compact, min_dense) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "group %s: cannot copy its attribute storage phase change", path);
    for (int i = 0; i < filters; i++) {
        unsigned     flags, config;
        unsigned     values[64];
        size_t       nvalues = sizeof values / sizeof values[0];
        char         filter_name[64];
        H5Z_filter_t filter = H5Pget_filter2(origin_gcpl, (unsigned)i, &flags, &nvalues, values,
                                             sizeof filter_name, filter_name, &config);
        if (filter < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "origin group %s: cannot read filter %d of its link storage", path, i);
        if (nvalues > sizeof values / sizeof values[0])
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNSUPPORTED, H5I_INVALID_HID,
                             "origin group %s: filter %d has %zu parameters (at most %zu supported)", path, i,
                             nvalues, sizeof values / sizeof values[0]);
        if (H5Pset_filter(gcpl, filter, flags, nvalues, values) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "group %s: cannot set filter %d (id %d) of its link storage", path, i,
                             (int)filter);
    }
    ret_value = gcpl;
    gcpl      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (gcpl >= 0)
        H5Pclose(gcpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Whether dataset dset of the `file` ("origin" or "container") has a committed datatype (1) or not (0);
 * when it has, its token. */
static int
skeleton_committed_type_token(hid_t dset, const char *file, const char *path, H5O_token_t *token)
{
    hid_t       type = H5I_INVALID_HID;
    H5O_info2_t info;
    htri_t      committed;
    int         ret_value = 0;

    if ((type = H5Dget_type(dset)) < 0 || (committed = H5Tcommitted(type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s dataset %s: cannot inspect its datatype", file, path);
    if (!committed)
        goto done;
    if (H5Oget_info3(type, &info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s dataset %s: cannot get the token of its committed datatype", file, path);
    *token    = info.token;
    ret_value = 1;

done:
    CARVE_CLEANUP_BEGIN
    if (type >= 0)
        H5Tclose(type);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A dataset found in the container: when its origin datatype is committed and not mapped yet, map it to
 * the container dataset's datatype (a later build then links that one instead of committing another). */
static herr_t
skeleton_map_found_dataset_type(skeleton_build_t *ctx, hid_t od, hid_t cd, const char *path)
{
    H5O_token_t origin_token, container_token;
    int         committed;
    herr_t      ret_value = 0;

    if ((committed = skeleton_committed_type_token(od, "origin", path, &origin_token)) < 0)
        CARVE_GOTO_DONE(-1);
    if (!committed || carve_skeleton_find(ctx->skel, &origin_token))
        goto done;
    if ((committed = skeleton_committed_type_token(cd, "container", path, &container_token)) < 0)
        CARVE_GOTO_DONE(-1);
    if (committed &&
        !skeleton_record_object(ctx, &origin_token, &container_token, H5O_TYPE_NAMED_DATATYPE, "", 0))
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* Notes on a dataset's entry whether its values hold references (carve_container stores those whole). */
static herr_t
skeleton_note_refs(carve_skeleton_object_t *entry, hid_t origin_dataset, const char *path)
{
    hid_t  type = H5Dget_type(origin_dataset);
    htri_t refs = type < 0 ? -1 : H5Tdetect_class(type, H5T_REFERENCE);

    if (type >= 0)
        H5Tclose(type);
    if (refs < 0) {
        CARVE_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, "origin: cannot inspect the datatype of %s", path);
        return -1;
    }
    entry->has_refs = refs > 0;
    return 0;
}

/* Creates the container's copy of origin_object (a group, dataset or committed datatype of `type`) as
 * cg/name, or anonymously when name is NULL (as the target of the `target_of`, a fill value's reference),
 * maps it as created, its path "" until the walk links it, and copies its attributes up to the first that
 * holds references (the rest wait for pass 2). Returns the container object (the caller closes it); *entry
 * is its map entry. Each object is opened once on each side: what the copy needs of it (creation list,
 * datatype) is read here and handed on. */
static hid_t
skeleton_create_object(skeleton_build_t *ctx, hid_t origin_object, H5O_type_t type, const H5O_token_t *token,
                       hid_t cg, const char *name, hid_t lcpl, const char *path, const char *target_of,
                       carve_skeleton_object_t **entry)
{
    hid_t       cpl     = H5I_INVALID_HID;
    hid_t       gcpl    = H5I_INVALID_HID;
    hid_t       created = H5I_INVALID_HID;
    H5O_info2_t info;
    int         has_refs = 0, deferred = 0;
    hsize_t     first_attr = 0;
    hid_t       ret_value  = H5I_INVALID_HID;

    if ((type == H5O_TYPE_GROUP || type == H5O_TYPE_DATASET || type == H5O_TYPE_NAMED_DATATYPE) &&
        (cpl = skeleton_object_create_plist(origin_object, type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "origin %s %s: cannot get its creation list", skeleton_object_type_name(type), path);
    switch (type) {
        case H5O_TYPE_GROUP:
            if ((gcpl = skeleton_group_create_plist(cpl, path)) < 0)
                CARVE_GOTO_DONE(H5I_INVALID_HID);
            if (name)
                created = H5Gcreate2(cg, name, lcpl, gcpl, H5P_DEFAULT);
            else
                created = H5Gcreate_anon(ctx->container_file, gcpl, H5P_DEFAULT);
            if (created < 0 && name)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                                 "container: cannot create group %s", path);
            if (created < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                                 "container: cannot create group %s (the target of the %s) anonymously", path,
                                 target_of);
            break;
        case H5O_TYPE_DATASET:
            if ((created = skeleton_create_dataset(ctx, origin_object, cpl, token, cg, name, lcpl, path,
                                                   &has_refs)) < 0)
                CARVE_GOTO_DONE(H5I_INVALID_HID);
            break;
        case H5O_TYPE_NAMED_DATATYPE:
            if ((created = skeleton_commit_datatype(ctx, origin_object, cg, name, lcpl, path)) < 0)
                CARVE_GOTO_DONE(H5I_INVALID_HID);
            break;
        case H5O_TYPE_MAP:
        case H5O_TYPE_UNKNOWN:
        case H5O_TYPE_NTYPES:
        default:
            if (name)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNSUPPORTED, H5I_INVALID_HID,
                                 "origin: %s is an %s", path, skeleton_object_type_name(type));
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNSUPPORTED, H5I_INVALID_HID,
                             "origin: %s (the target of the %s) is an %s", path, target_of,
                             skeleton_object_type_name(type));
    }
    if (H5Oget_info3(created, &info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "container: cannot get the token of %s", path);
    if (!(*entry = skeleton_record_object(ctx, token, &info.token, type, name ? path : "", 1)))
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    (*entry)->has_refs = has_refs;
    if (skeleton_copy_attributes(ctx, origin_object, type, cpl, created, path, 1, 0, &first_attr, &deferred) <
        0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    if (deferred && skeleton_defer_attributes(ctx, *entry, first_attr) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    ret_value = created;
    created   = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (created >= 0)
        H5Oclose(created);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    if (cpl >= 0)
        H5Pclose(cpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* What the container has at cg/name already (an earlier build made it), mapped as found for origin_object
 * (of `type`). Returns the container object (the caller closes it); *entry is its map entry. */
static hid_t
skeleton_map_found_object(skeleton_build_t *ctx, hid_t origin_object, H5O_type_t type,
                          const H5O_token_t *token, hid_t cg, const char *name, const char *path,
                          carve_skeleton_object_t **entry)
{
    H5L_info2_t link_info;
    H5O_info2_t info;
    hid_t       found     = H5I_INVALID_HID;
    hid_t       ret_value = H5I_INVALID_HID;

    if (H5Lget_info2(cg, name, &link_info, H5P_DEFAULT) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "container: cannot get link %s", path);
    if (link_info.type != H5L_TYPE_HARD)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_BADVALUE, H5I_INVALID_HID,
                         "container: %s is a soft, external or user-defined link where the origin has a %s",
                         path, skeleton_object_type_name(type));
    if ((found = H5Oopen_by_token(ctx->container_file, link_info.u.token)) < 0 ||
        H5Oget_info3(found, &info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "container: cannot open object %s", path);
    if (info.type != type)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_BADVALUE, H5I_INVALID_HID,
                         "container: %s is a %s, the origin's is a %s", path,
                         skeleton_object_type_name(info.type), skeleton_object_type_name(type));
    if (!(*entry = skeleton_record_object(ctx, token, &info.token, type, path, 0)))
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    if (type == H5O_TYPE_DATASET && (skeleton_map_found_dataset_type(ctx, origin_object, found, path) < 0 ||
                                     skeleton_note_refs(*entry, origin_object, path) < 0))
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    ret_value = found;
    found     = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (found >= 0)
        H5Oclose(found);
    CARVE_CLEANUP_END
    return ret_value;
}

static herr_t skeleton_build_group(skeleton_build_t *ctx, hid_t og, hid_t cg, int cg_fresh, const char *path);

/* The type of an open object, from its identifier (no look at its header, which H5Oget_info3 protects):
 * H5O_TYPE_UNKNOWN for anything but a group, dataset or committed datatype. */
static H5O_type_t
skeleton_open_object_type(hid_t object)
{
    switch (H5Iget_type(object)) {
        case H5I_GROUP:
            return H5O_TYPE_GROUP;
        case H5I_DATASET:
            return H5O_TYPE_DATASET;
        case H5I_DATATYPE:
            return H5O_TYPE_NAMED_DATATYPE;
        default:
            return H5O_TYPE_UNKNOWN;
    }
}

/* Whether the container has a link cg/name. A group this build created (cg_fresh) has only the links the
 * walk of its origin group makes, one per name: none is looked up. */
static htri_t
skeleton_link_exists(hid_t cg, int cg_fresh, const char *name, const char *path)
{
    htri_t ret_value = 0;

    if (!cg_fresh && (ret_value = H5Lexists(cg, name, H5P_DEFAULT)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "container: cannot tell whether link %s exists", path);

done:
    return ret_value;
}

/* A hard link to the origin object token, to be made cg/name in the container. */
static herr_t
skeleton_build_hard_link(skeleton_build_t *ctx, hid_t cg, int cg_fresh, const char *name,
                         const H5O_token_t *token, hid_t lcpl, const char *path)
{
    carve_skeleton_object_t *entry            = NULL;
    hid_t                    origin_object    = H5I_INVALID_HID;
    hid_t                    container_object = H5I_INVALID_HID;
    H5O_type_t               type;
    char                    *first_path;
    htri_t                   exists;
    herr_t                   ret_value = 0;

    if (skeleton_left_out(ctx, token))
        goto done;
    if ((exists = skeleton_link_exists(cg, cg_fresh, name, path)) < 0)
        CARVE_GOTO_DONE(-1);

    if ((entry = carve_skeleton_find(ctx->skel, token))) {
        /* Reached before: an alias or a cycle, or an object created anonymously before its first link. */
        if (exists)
            goto done;
        if ((container_object = H5Oopen_by_token(ctx->container_file, entry->container_token)) < 0)
            CARVE_GOTO_ERROR(
                CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "container: cannot open %s %s to link it as %s",
                skeleton_object_type_name(entry->type), skeleton_printable_path(entry->path), path);
        if (H5Olink(container_object, cg, name, lcpl, H5P_DEFAULT) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "container: cannot create hard link %s to %s", path,
                             skeleton_printable_path(entry->path));
        if (entry->path[0] != '\0')
            goto done; /* an alias or a cycle: walked at its first link */
        /* Its first link: it gets its path now, and a group's links are walked (below). */
        if (!(first_path = strdup(path)))
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "skeleton: out of memory recording %s",
                             path);
        free(entry->path);
        entry->path = first_path;
        if (entry->type == H5O_TYPE_GROUP && (origin_object = H5Oopen_by_token(ctx->origin_file, *token)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin: cannot open group %s", path);
    }
    else {
        if ((origin_object = H5Oopen_by_token(ctx->origin_file, *token)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin: cannot open object %s", path);
        if ((type = skeleton_open_object_type(origin_object)) == H5O_TYPE_UNKNOWN)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNSUPPORTED, -1,
                             "origin: %s is not a group, dataset or committed datatype", path);
        if (exists)
            container_object =
                skeleton_map_found_object(ctx, origin_object, type, token, cg, name, path, &entry);
        else
            container_object =
                skeleton_create_object(ctx, origin_object, type, token, cg, name, lcpl, path, NULL, &entry);
        if (container_object < 0)
            CARVE_GOTO_DONE(-1);
    }

    if (entry->type == H5O_TYPE_GROUP &&
        skeleton_build_group(ctx, origin_object, container_object, entry->created, path) < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (container_object >= 0)
        H5Oclose(container_object);
    if (origin_object >= 0)
        H5Oclose(origin_object);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A soft, external or user-defined link og/name, recreated with the same value. External links are
 * recorded (skel->elinks), also those the container has already. */
static herr_t
skeleton_build_value_link(skeleton_build_t *ctx, hid_t og, hid_t cg, int cg_fresh, const char *name,
                          const H5L_info2_t *info, hid_t lcpl, const char *path)
{
    void       *value = NULL;
    const char *file_name, *object_path;
    unsigned    flags;
    htri_t      exists, registered;
    herr_t      ret_value = 0;

    if ((exists = skeleton_link_exists(cg, cg_fresh, name, path)) < 0)
        CARVE_GOTO_DONE(-1);
    /* A link the container has is an earlier build's copy of this one (a commit refuses an origin that
     * changed since): left as it is, but an external link is still read, to be recorded. */
    if (exists && info->type != H5L_TYPE_EXTERNAL)
        goto done;
    if (info->type >= H5L_TYPE_UD_MIN && info->type != H5L_TYPE_EXTERNAL) {
        if ((registered = H5Lis_registered(info->type)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "origin: cannot tell whether the class of user-defined link %s is registered",
                             path);
        if (!registered)
            goto done; /* HDF5 cannot create a link of an unknown class: left out */
    }
    if (!(value = malloc(info->u.val_size ? info->u.val_size : 1)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "origin: out of memory reading link %s", path);
    if (info->u.val_size && H5Lget_val(og, name, value, info->u.val_size, H5P_DEFAULT) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin: cannot read the value of link %s",
                         path);

    switch (info->type) {
        case H5L_TYPE_SOFT:
            ((char *)value)[info->u.val_size ? info->u.val_size - 1 : 0] = '\0';
            if (H5Lcreate_soft(value, cg, name, lcpl, H5P_DEFAULT) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "container: cannot create soft link %s -> %s", path, (const char *)value);
            break;
        case H5L_TYPE_EXTERNAL:
            if (H5Lunpack_elink_val(value, info->u.val_size, &flags, &file_name, &object_path) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "origin: cannot decode external link %s", path);
            if (!exists && H5Lcreate_external(file_name, object_path, cg, name, lcpl, H5P_DEFAULT) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "container: cannot create external link %s -> %s:%s", path, file_name,
                                 object_path);
            if (skeleton_record_elink(ctx, path, file_name, object_path) < 0)
                CARVE_GOTO_DONE(-1);
            break;
        case H5L_TYPE_HARD:
        case H5L_TYPE_ERROR:
        case H5L_TYPE_MAX:
        default:
            if (H5Lcreate_ud(cg, name, info->type, value, info->u.val_size, lcpl, H5P_DEFAULT) < 0)
                CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                                 "container: cannot create user-defined link %s (class %d)", path,
                                 (int)info->type);
            break;
    }

done:
    free(value);
    return ret_value;
}

/* A fill value refers to an object the walk has not reached: creates it now, anonymously (kept open until
 * the build ends, so that it lives until the walk links it). *entry stays NULL when the object is left out
 * (opts->include), or is a dataset under creation (a fill value referring to its own dataset). */
static herr_t
skeleton_create_on_demand(skeleton_build_t *ctx, hid_t origin_object, const H5O_info2_t *info,
                          const char *where, carve_skeleton_object_t **entry)
{
    hid_t  container_object;
    char   path[1024];
    herr_t ret_value = 0;

    *entry = NULL;
    if (skeleton_left_out(ctx, &info->token) || carve_tokenmap_get(&ctx->creating, &info->token))
        goto done;
    if (H5Iget_name(origin_object, path, sizeof path) <= 0)
        snprintf(path, sizeof path, "(unnamed object referred to by the %s)", where);
    if (CARVE_ARRAY_RESERVE(ctx->anonymous, ctx->anonymous_capacity, ctx->n_anonymous + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "skeleton: out of memory creating %s", path);
    if ((container_object = skeleton_create_object(ctx, origin_object, info->type, &info->token,
                                                   H5I_INVALID_HID, NULL, H5P_DEFAULT, path, where, entry)) <
        0)
        CARVE_GOTO_DONE(-1);
    ctx->anonymous[ctx->n_anonymous++] = container_object; /* open until the build ends */

done:
    return ret_value;
}

/* Pass 1 over one group: its links in the origin's order. cg_fresh: this build created cg. */
static herr_t
skeleton_build_group(skeleton_build_t *ctx, hid_t og, hid_t cg, int cg_fresh, const char *path)
{
    skeleton_name_list_t links;
    char                *child_path = NULL;
    herr_t               ret_value  = 0;

    memset(&links, 0, sizeof links);
    if (skeleton_list_links(og, path, &links) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < links.count; i++) {
        const skeleton_link_t *link = &links.items[i];
        hid_t                  lcpl = ctx->lcpl[link->info.cset == H5T_CSET_UTF8 ? 1 : 0];
        herr_t                 status;

        if (!(child_path = skeleton_join_path(path, link->name)))
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "skeleton: out of memory walking group %s",
                             path);
        if (link->info.type == H5L_TYPE_HARD)
            status = skeleton_build_hard_link(ctx, cg, cg_fresh, link->name, &link->info.u.token, lcpl,
                                              child_path);
        else
            status =
                skeleton_build_value_link(ctx, og, cg, cg_fresh, link->name, &link->info, lcpl, child_path);
        if (status < 0)
            CARVE_GOTO_DONE(-1);
        free(child_path);
        child_path = NULL;
    }

done:
    free(child_path);
    skeleton_name_list_free(&links);
    return ret_value;
}

/* The planning walk (opts->include): marks included objects and the groups on the first path to them.
 * *needed is set when something below og goes into the container. */
static herr_t
skeleton_plan_group(skeleton_build_t *ctx, hid_t og, const char *path, int *needed)
{
    skeleton_name_list_t links;
    char                *child_path = NULL;
    hid_t                object     = H5I_INVALID_HID;
    herr_t               ret_value  = 0;

    memset(&links, 0, sizeof links);
    if (skeleton_list_links(og, path, &links) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < links.count; i++) {
        const H5O_token_t *token = &links.items[i].info.u.token;
        H5O_info2_t        info;
        int                include, below = 0;

        if (links.items[i].info.type != H5L_TYPE_HARD || carve_tokenmap_get(&ctx->plan, token))
            continue; /* not an object, or reached before: the first path decides */
        if (carve_tokenmap_put(&ctx->plan, token, (void *)(uintptr_t)SKELETON_PLAN_LEFT_OUT) < 0)
            CARVE_GOTO_DONE(-1);
        if (!(child_path = skeleton_join_path(path, links.items[i].name)))
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1, "skeleton: out of memory walking group %s",
                             path);
        if ((object = H5Oopen_by_token(ctx->origin_file, *token)) < 0 ||
            H5Oget_info3(object, &info, H5O_INFO_BASIC) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin: cannot open object %s",
                             child_path);
        include = ctx->opts->include(ctx->opts->include_udata, token, info.type, child_path) != 0;
        if (info.type == H5O_TYPE_GROUP && skeleton_plan_group(ctx, object, child_path, &below) < 0)
            CARVE_GOTO_DONE(-1);
        if (include || below) {
            if (carve_tokenmap_put(&ctx->plan, token, (void *)(uintptr_t)SKELETON_PLAN_NEEDED) < 0)
                CARVE_GOTO_DONE(-1);
            *needed = 1;
        }
        H5Oclose(object);
        object = H5I_INVALID_HID;
        free(child_path);
        child_path = NULL;
    }

done:
    CARVE_CLEANUP_BEGIN
    if (object >= 0)
        H5Oclose(object);
    CARVE_CLEANUP_END
    free(child_path);
    skeleton_name_list_free(&links);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Build                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

herr_t
carve_skeleton_build(hid_t origin_file, hid_t container_file, const carve_skeleton_options_t *opts,
                     carve_skeleton_t *skel)
{
    skeleton_build_t         ctx;
    carve_skeleton_object_t *root = NULL;
    hid_t                    og   = H5I_INVALID_HID;
    hid_t                    cg   = H5I_INVALID_HID;
    H5O_info2_t              origin_info, container_info;
    herr_t                   ret_value = 0;

    memset(&ctx, 0, sizeof ctx);
    ctx.lcpl[0] = ctx.lcpl[1] = ctx.acpl[0] = ctx.acpl[1] = H5I_INVALID_HID;
    carve_tokenmap_init(&ctx.plan);
    carve_tokenmap_init(&ctx.creating);
    if (!skel)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_BADVALUE, -1,
                         "carve_skeleton_build: no skeleton map given");
    carve_skeleton_clear(skel);
    ctx.origin_file    = origin_file;
    ctx.container_file = container_file;
    ctx.opts           = opts;
    ctx.skel           = skel;
    ctx.rewriter       = (skeleton_rewriter_t){
              .skel = skel, .origin_file = origin_file, .container_file = container_file, .build = &ctx};

    for (int utf8 = 0; utf8 < 2; utf8++) {
        if ((ctx.lcpl[utf8] = H5Pcreate(H5P_LINK_CREATE)) < 0 ||
            H5Pset_char_encoding(ctx.lcpl[utf8], utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "skeleton: cannot create a link creation list");
        /* An attribute's creation list holds only its name's encoding: two lists serve every attribute. */
        if ((ctx.acpl[utf8] = H5Pcreate(H5P_ATTRIBUTE_CREATE)) < 0 ||
            H5Pset_char_encoding(ctx.acpl[utf8], utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                             "skeleton: cannot create an attribute creation list");
    }
    if ((og = H5Gopen2(origin_file, "/", H5P_DEFAULT)) < 0 ||
        H5Oget_info3(og, &origin_info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin: cannot open the root group /");
    if ((cg = H5Gopen2(container_file, "/", H5P_DEFAULT)) < 0 ||
        H5Oget_info3(cg, &container_info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "container: cannot open the root group /");

    if (opts && opts->include) {
        int below = 0;
        if (carve_tokenmap_put(&ctx.plan, &origin_info.token, (void *)(uintptr_t)SKELETON_PLAN_NEEDED) < 0 ||
            skeleton_plan_group(&ctx, og, "/", &below) < 0)
            CARVE_GOTO_DONE(-1);
    }

    /* Pass 1: objects and links, and the attributes of created objects up to the first holding references. */
    if (!(root = skeleton_record_object(&ctx, &origin_info.token, &container_info.token, H5O_TYPE_GROUP, "/",
                                        0)))
        CARVE_GOTO_DONE(-1);
    if (skeleton_build_group(&ctx, og, cg, 0, "/") < 0)
        CARVE_GOTO_DONE(-1);
    ctx.rewriter.build = NULL; /* from here on, every object the container gets exists */

    /* Pass 2: the attributes left, now that every object a reference may point at exists. */
    if (skeleton_copy_deferred_attributes(&ctx, root, 0, 1) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < ctx.n_deferred; i++)
        if (skeleton_copy_deferred_attributes(&ctx, ctx.deferred[i].object, ctx.deferred[i].first_attr, 0) <
            0)
            CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (cg >= 0)
        H5Gclose(cg);
    if (og >= 0)
        H5Gclose(og);
    for (int utf8 = 0; utf8 < 2; utf8++) {
        if (ctx.lcpl[utf8] >= 0)
            H5Pclose(ctx.lcpl[utf8]);
        if (ctx.acpl[utf8] >= 0)
            H5Pclose(ctx.acpl[utf8]);
    }
    for (size_t i = 0; i < ctx.n_anonymous; i++)
        H5Oclose(ctx.anonymous[i]);
    CARVE_CLEANUP_END
    free(ctx.anonymous);
    carve_tokenmap_clear(&ctx.creating, NULL);
    free(ctx.rewriter.origin_name);
    free(ctx.deferred);
    carve_tokenmap_clear(&ctx.plan, NULL);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Elements                                                                                                */
/* ------------------------------------------------------------------------------------------------------ */

herr_t
carve_skeleton_copy_elements(const carve_skeleton_t *skel, hid_t origin_file, hid_t container_file,
                             hid_t origin_dset, hid_t container_dset, hid_t file_space)
{
    skeleton_rewriter_t rw   = {.skel = skel, .origin_file = origin_file, .container_file = container_file};
    hid_t               type = H5I_INVALID_HID;
    hid_t               mem_space  = H5I_INVALID_HID;
    void               *buf        = NULL;
    int                 buf_filled = 0;
    hssize_t            npoints;
    hsize_t             count;
    size_t              element_size;
    char                where[1024];
    herr_t              ret_value = 0;

    {
        char name[960];
        if (H5Iget_name(origin_dset, name, sizeof name) <= 0)
            snprintf(name, sizeof name, "(anonymous)");
        snprintf(where, sizeof where, "dataset %s", name);
    }

    if ((npoints = H5Sget_select_npoints(file_space)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "%s: cannot count the selected elements",
                         where);
    if (npoints == 0)
        goto done;
    if ((type = H5Dget_type(origin_dset)) < 0 || (element_size = H5Tget_size(type)) == 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1, "origin %s: cannot get its datatype",
                         where);
    count = (hsize_t)npoints;
    if ((mem_space = H5Screate_simple(1, &count, NULL)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "%s: cannot create a memory dataspace of %llu elements", where,
                         (unsigned long long)count);
    if (!(buf = calloc((size_t)count, element_size)))
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -1,
                         "%s: out of memory for %llu elements of %zu bytes", where, (unsigned long long)count,
                         element_size);
    if (H5Dread(origin_dset, type, mem_space, file_space, H5P_DEFAULT, buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "origin %s: cannot read %llu selected elements", where, (unsigned long long)count);
    buf_filled = 1;
    if (skeleton_rewrite_references(&rw, type, buf, (size_t)count, element_size, where) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Dwrite(container_dset, type, mem_space, file_space, H5P_DEFAULT, buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_UNDERLYING, -1,
                         "container %s: cannot write %llu selected elements", where,
                         (unsigned long long)count);

done:
    CARVE_CLEANUP_BEGIN
    if (buf_filled)
        H5Treclaim(type, mem_space, H5P_DEFAULT, buf);
    free(buf);
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (type >= 0)
        H5Tclose(type);
    CARVE_CLEANUP_END
    free(rw.origin_name);
    return ret_value;
}
