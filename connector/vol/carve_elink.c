/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_elink.c — external links under replay: carve's traversal of external links, registered in place
 * of HDF5's own (H5Lregister of H5L_TYPE_EXTERNAL) once a process replays a container.
 *
 * Why: HDF5 looks for an external link's target file relative to the directory of the file holding the
 * link. A replayed link lives in the container, which may sit in dir= or in a bundle copied elsewhere, and
 * HDF5 opens the target below every connector, so the target's own container would never be used and,
 * with the origins gone, the target would not be found at all. This traversal follows HDF5's search order
 * (an absolute name, HDF5_EXT_PREFIX, the link access list's prefix, the parent's directory, the current
 * directory) with the *origin's* directory as the parent's, and opens the target with the program's own
 * access list (carve in replay mode), so that the target is served from its container wherever the lookup
 * (core/carve_lookup) finds it, or read as it is when it has none. For a parent that is not replayed it
 * searches with that file's own directory, as HDF5 does.
 *
 * The target file's carve context stays alive while the parent is open (carve_file_ctx_keep), as HDF5's
 * external file cache keeps a target open; datasets reached through the link are then served by the
 * target's replay state (carve_obj_rehome moves them to its context).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_elink.h"
#include "carve_lifecycle.h"
#include "carve_lookup.h"
#include "carve_mode.h"
#include "carve_origin.h"

static int registered_g = 0; /* HDF5 forgets the override when it shuts down: see elink_forget */

/* The directory of a file name, absolute and normalised lexically. NULL on failure. */
static char *
elink_directory_of(const char *file_name)
{
    char  *location = NULL, *slash;
    herr_t located  = -1;

    /* Tried and ignored: the parent's directory is then not searched. */
    CARVE_TRY_IGNORED(located = carve_origin_location_lexical(file_name, &location));
    if (located < 0)
        return NULL;
    if ((slash = strrchr(location, '/')) != NULL)
        slash[slash == location ? 1 : 0] = '\0';
    return location;
}

/* prefix + '/' + name, as HDF5 builds a candidate (no separator after a prefix ending in one). */
static char *
elink_join(const char *prefix, const char *name)
{
    char  *out = NULL;
    size_t n   = strlen(prefix);

    if (asprintf(&out, "%s%s%s", prefix, (n == 0 || prefix[n - 1] == '/') ? "" : "/", name) < 0)
        return NULL;
    return out;
}

/* Opens one candidate; H5I_INVALID_HID (no error kept) when it cannot be opened. */
static hid_t
elink_try_open(const char *name, unsigned intent, hid_t fapl)
{
    hid_t file = H5I_INVALID_HID;

    CARVE_TRY_IGNORED(file = H5Fopen(name, intent, fapl)); /* the next candidate is tried, as HDF5 does */
    return file;
}

/* HDF5's search for an external link's target file (H5F_prefix_open_file), with `parent_dir` as the
 * directory of the file holding the link. */
static hid_t
elink_open_target(const char *target, const char *parent_dir, hid_t lapl_id, unsigned intent, hid_t fapl)
{
    const char *relative = target;
    char       *prefix = NULL, *env = NULL, *candidate = NULL;
    ssize_t     prefix_len;
    hid_t       file = H5I_INVALID_HID;

    if (target[0] == '/') {
        if ((file = elink_try_open(target, intent, fapl)) >= 0)
            return file;
        relative = strrchr(target, '/') + 1; /* then searched for by its file name */
    }
    if (getenv("HDF5_EXT_PREFIX") && NULL != (env = strdup(getenv("HDF5_EXT_PREFIX")))) {
        for (char *p = env, *next; p && *p && file < 0; p = next) {
            if ((next = strchr(p, ':')) != NULL)
                *next++ = '\0';
            if (*p && NULL != (candidate = elink_join(p, relative)))
                file = elink_try_open(candidate, intent, fapl);
            free(candidate);
            candidate = NULL;
        }
        free(env);
    }
    if (file < 0 && (prefix_len = H5Pget_elink_prefix(lapl_id, NULL, 0)) > 0 &&
        NULL != (prefix = malloc((size_t)prefix_len + 1)) &&
        H5Pget_elink_prefix(lapl_id, prefix, (size_t)prefix_len + 1) >= 0 &&
        NULL != (candidate = elink_join(prefix, relative)))
        file = elink_try_open(candidate, intent, fapl);
    free(prefix);
    free(candidate);
    candidate = NULL;
    if (file < 0 && parent_dir && NULL != (candidate = elink_join(parent_dir, relative)))
        file = elink_try_open(candidate, intent, fapl);
    free(candidate);
    if (file < 0)
        file = elink_try_open(relative, intent, fapl);
    return file;
}

/* The replayed file an object of this process lives in (by its file number), or NULL. */
static carve_file_ctx_t *
elink_replayed_file_of(hid_t id)
{
    H5O_info2_t info;
    herr_t      got = -1;

    CARVE_TRY_IGNORED(got = H5Oget_info3(id, &info, H5O_INFO_BASIC)); /* unknown: then not replayed */
    return got < 0 ? NULL : carve_file_ctx_published(info.fileno);
}

/* The target's access flags and list, as HDF5 takes them: the link access list's, else the parent's; the
 * list with a weak close degree. Returns the list (the caller closes it unless H5P_DEFAULT), or -1. */
static hid_t
elink_target_access(const char *link_name, hid_t lapl_id, hid_t parent, unsigned *intent)
{
    hid_t fapl      = H5I_INVALID_HID;
    hid_t ret_value = H5I_INVALID_HID;

    *intent = H5F_ACC_DEFAULT;
    if (H5Pget_elink_acc_flags(lapl_id, intent) < 0 ||
        (*intent == H5F_ACC_DEFAULT && H5Fget_intent(parent, intent) < 0))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot read the access flags", link_name);
    *intent &= (H5F_ACC_RDWR | H5F_ACC_SWMR_WRITE | H5F_ACC_SWMR_READ);
    if ((fapl = H5Pget_elink_fapl(lapl_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot read the link access list", link_name);
    if (fapl == H5P_DEFAULT && (fapl = H5Fget_access_plist(parent)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot read the parent's access list", link_name);
    if (H5Pset_fclose_degree(fapl, H5F_CLOSE_WEAK) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot set up the target's access list", link_name);
    ret_value = fapl;
    fapl      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (fapl >= 0 && fapl != H5P_DEFAULT)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The program's own traversal callback (H5Pset_elink_cb), when it set one: it may change the flags and
 * the list, but not ask for a file to be truncated or created. */
static herr_t
elink_user_callback(const char *link_name, hid_t cur_group, hid_t lapl_id, const char *parent_name,
                    const char *target, const char *obj_name, unsigned *intent, hid_t fapl)
{
    H5L_elink_traverse_t callback      = NULL;
    void                *callback_data = NULL;
    char                *group_name    = NULL;
    ssize_t              len;
    herr_t               ret_value = 0;

    if (H5Pget_elink_cb(lapl_id, &callback, &callback_data) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "external link '%s': cannot read the traversal callback", link_name);
    if (!callback)
        CARVE_GOTO_DONE(0);
    if ((len = H5Iget_name(cur_group, NULL, 0)) < 0 || NULL == (group_name = malloc((size_t)len + 1)) ||
        H5Iget_name(cur_group, group_name, (size_t)len + 1) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "external link '%s': cannot name the group holding it", link_name);
    if (callback(parent_name, group_name, target, obj_name, intent, fapl, callback_data) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1,
                         "external link '%s': the traversal callback failed", link_name);
    if (*intent & (H5F_ACC_TRUNC | H5F_ACC_EXCL))
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_BADVALUE, -1,
                         "external link '%s': the traversal callback asked for invalid open flags",
                         link_name);

done:
    free(group_name);
    return ret_value;
}

/*
 * The traversal: the link's value unpacked; the file holding it, and whether it is replayed; the target's
 * access flags and list; the program's own callback; the search for the target file (beside the replayed
 * parent's carved origin, or the parent's own directory); the object opened in it, and the target file
 * kept alive while the parent is.
 */
static hid_t
elink_traverse(const char *link_name, hid_t cur_group, const void *udata, size_t udata_size, hid_t lapl_id,
               hid_t dxpl_id)
{
    unsigned          flags, intent = H5F_ACC_DEFAULT;
    const char       *target = NULL, *obj_name = NULL;
    carve_file_ctx_t *replayed = NULL;
    hid_t             parent = H5I_INVALID_HID, fapl = H5I_INVALID_HID, file = H5I_INVALID_HID;
    char             *parent_name = NULL, *parent_dir = NULL, *carved_dir = NULL;
    ssize_t           len;
    hid_t             ret_value = H5I_INVALID_HID;

    (void)link_name;
    (void)dxpl_id;
    if (H5Lunpack_elink_val(udata, udata_size, &flags, &target, &obj_name) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_CORRUPT, H5I_INVALID_HID,
                         "external link '%s': unreadable value", link_name);
    if ((parent = H5Iget_file_id(cur_group)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot find the file holding it", link_name);
    replayed = elink_replayed_file_of(cur_group);
    if ((fapl = elink_target_access(link_name, lapl_id, parent, &intent)) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    /* The parent's name: the name the program opened (the origin's, for a replayed file). */
    if ((len = H5Fget_name(parent, NULL, 0)) < 0 || NULL == (parent_name = malloc((size_t)len + 1)) ||
        H5Fget_name(parent, parent_name, (size_t)len + 1) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot read the name of the file holding it", link_name);
    if (elink_user_callback(link_name, cur_group, lapl_id, parent_name, target, obj_name, &intent, fapl) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    parent_dir = elink_directory_of(parent_name);
    /* A replayed parent may have been carved elsewhere (a bundle shipped to another machine): the
     * target's container is the one carved at the same place relative to the parent's carved origin. */
    if (replayed && parent_dir &&
        (carved_dir = elink_directory_of(replayed->mode->carved_origin(replayed))) != NULL &&
        carve_lookup_anchor_begin(parent_dir, carved_dir) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    file = elink_open_target(target, parent_dir, lapl_id, intent, fapl);
    carve_lookup_anchor_end();
    if (file < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "unable to open external file, external link file name = '%s'%s", target,
                         replayed ? " (looked for beside the origin of the replayed file, with its container "
                                    "or as it is)"
                                  : "");
    if ((ret_value = H5Oopen(file, obj_name, lapl_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "external link '%s': cannot open %s in %s", link_name, obj_name, target);
    if (replayed) {
        carve_file_ctx_t *target_ctx = elink_replayed_file_of(ret_value);

        if (target_ctx)
            carve_file_ctx_keep(replayed, target_ctx);
    }

done:
    CARVE_CLEANUP_BEGIN
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0 && fapl != H5P_DEFAULT)
        H5Pclose(fapl);
    if (parent >= 0)
        H5Fclose(parent);
    CARVE_CLEANUP_END
    free(parent_name);
    free(parent_dir);
    free(carved_dir);
    return ret_value;
}

/* Link values are HDF5's own: only the traversal differs. */
static ssize_t
elink_query(const char *link_name, const void *udata, size_t udata_size, void *buf, size_t buf_size)
{
    (void)link_name;
    if (buf)
        memcpy(buf, udata, buf_size < udata_size ? buf_size : udata_size);
    return (ssize_t)udata_size;
}

static const H5L_class_t elink_class = {H5L_LINK_CLASS_T_VERS,
                                        H5L_TYPE_EXTERNAL,
                                        "external (carve replay)",
                                        NULL,
                                        NULL,
                                        NULL,
                                        elink_traverse,
                                        NULL,
                                        elink_query};

/* Shutdown hook (CARVE_SHUTDOWN_LINKS): HDF5 shut down, its link classes are its own again. */
static void
elink_forget(void)
{
    registered_g = 0;
}

herr_t
carve_elink_register(void)
{
    static const carve_shutdown_hook_t hook = {NULL, elink_forget};

    if (registered_g)
        return 0;
    if (H5Lregister(&elink_class) < 0) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot take over the traversal of external links");
        return -1;
    }
    registered_g = 1;
    carve_lifecycle_hook(CARVE_SHUTDOWN_LINKS, &hook);
    return 0;
}
