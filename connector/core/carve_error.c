/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_error.c — registers and releases the "carve" error class and its messages with HDF5, pushes
 * messages, and keeps the error stack across the regions and tried calls of carve_error.h's idiom.
 */
#include "carve_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_version.h"

/* See carve_error.h for why these are process-wide. Set by carve_error_init, reset by carve_error_term,
 * only read in between. */
hid_t carve_err_class_g   = H5I_INVALID_HID;
hid_t CARVE_E_CONFIG      = H5I_INVALID_HID;
hid_t CARVE_E_VOL         = H5I_INVALID_HID;
hid_t CARVE_E_CONTAINER   = H5I_INVALID_HID;
hid_t CARVE_E_ORIGIN      = H5I_INVALID_HID;
hid_t CARVE_E_MANIFEST    = H5I_INVALID_HID;
hid_t CARVE_E_COVERAGE    = H5I_INVALID_HID;
hid_t CARVE_E_SKELETON    = H5I_INVALID_HID;
hid_t CARVE_E_ACCESS      = H5I_INVALID_HID;
hid_t CARVE_E_TOKENMAP    = H5I_INVALID_HID;
hid_t CARVE_E_SPLIT       = H5I_INVALID_HID;
hid_t CARVE_E_MPI         = H5I_INVALID_HID;
hid_t CARVE_E_BADVALUE    = H5I_INVALID_HID;
hid_t CARVE_E_BADKEY      = H5I_INVALID_HID;
hid_t CARVE_E_SYSTEM      = H5I_INVALID_HID;
hid_t CARVE_E_UNDERLYING  = H5I_INVALID_HID;
hid_t CARVE_E_UNSUPPORTED = H5I_INVALID_HID;
hid_t CARVE_E_CORRUPT     = H5I_INVALID_HID;
hid_t CARVE_E_CHANGED     = H5I_INVALID_HID;

/* Every message, its kind and its text: registered and released from this one table. */
static const struct {
    hid_t      *id;
    H5E_type_t  type;
    const char *text;
} messages[] = {
    {&CARVE_E_CONFIG, H5E_MAJOR, "carve configuration"},
    {&CARVE_E_VOL, H5E_MAJOR, "carve VOL operation"},
    {&CARVE_E_CONTAINER, H5E_MAJOR, "carve container"},
    {&CARVE_E_ORIGIN, H5E_MAJOR, "carve origin file"},
    {&CARVE_E_MANIFEST, H5E_MAJOR, "carve manifest"},
    {&CARVE_E_COVERAGE, H5E_MAJOR, "carve coverage (selections and chunks read)"},
    {&CARVE_E_SKELETON, H5E_MAJOR, "carve skeleton (the origin's metadata in the container)"},
    {&CARVE_E_ACCESS, H5E_MAJOR, "carve access log"},
    {&CARVE_E_TOKENMAP, H5E_MAJOR, "carve object token map"},
    {&CARVE_E_SPLIT, H5E_MAJOR, "carve read split (container and origin)"},
    {&CARVE_E_MPI, H5E_MAJOR, "carve MPI job (the ranks that opened a file together)"},
    {&CARVE_E_BADVALUE, H5E_MINOR, "bad value"},
    {&CARVE_E_BADKEY, H5E_MINOR, "unknown setting"},
    {&CARVE_E_SYSTEM, H5E_MINOR, "system or library call failed"},
    {&CARVE_E_UNDERLYING, H5E_MINOR, "the connector below carve failed"},
    {&CARVE_E_UNSUPPORTED, H5E_MINOR, "operation not supported by carve"},
    {&CARVE_E_CORRUPT, H5E_MINOR, "corrupt or unreadable"},
    {&CARVE_E_CHANGED, H5E_MINOR, "the origin changed since it was carved"},
};

#define NMESSAGES (sizeof messages / sizeof messages[0])

/* The stack the CARVE_CLEANUP region of this thread keeps (NULL: no region): carve's own messages go onto
 * it, where HDF5's API calls inside the region cannot clear them. Per thread, as HDF5's stacks are. */
static _Thread_local hid_t *kept_stack_g = NULL;

/* ------------------------------------------------------------------------------------------------------ */
/* Registering and releasing                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

static void
forget_ids(void)
{
    carve_err_class_g = H5I_INVALID_HID;
    for (size_t i = 0; i < NMESSAGES; i++)
        *messages[i].id = H5I_INVALID_HID;
}

static herr_t
register_class_and_messages(void)
{
    herr_t ret_value = 0;

    forget_ids();
    carve_err_class_g = H5Eregister_class("carve", "carve VOL connector", CARVE_VERSION_STRING);
    if (carve_err_class_g < 0)
        return -1;
    for (size_t i = 0; i < NMESSAGES; i++)
        if ((*messages[i].id = H5Ecreate_msg(carve_err_class_g, messages[i].type, messages[i].text)) < 0)
            ret_value = -1;
    return ret_value;
}

/* Whether the class registered earlier still exists (HDF5 closes every class when it shuts down,
 * and a later library initialisation may hand the same ID number to another class). */
static int
class_is_registered(void)
{
    char    name[8] = "";
    ssize_t len     = -1;

    /* H5Iis_valid first: asking a stale ID for its name would push (and print) HDF5's own error. */
    if (carve_err_class_g < 0 || H5Iis_valid(carve_err_class_g) <= 0 ||
        H5Iget_type(carve_err_class_g) != H5I_ERROR_CLASS)
        return 0;
    CARVE_TRY_IGNORED(len = H5Eget_class_name(carve_err_class_g, name, sizeof name));
    return len == 5 && strcmp(name, "carve") == 0;
}

/*
 * Registering goes through HDF5's API, which clears the error stack on entry; HDF5 loads plugins in the
 * middle of failures (it probes every VOL plugin when a native open fails), so the stack is set aside
 * and put back: the program still sees why its open failed.
 */
herr_t
carve_error_init(void)
{
    herr_t ret_value = 0;

    CARVE_CLEANUP_BEGIN
    if (!class_is_registered())
        ret_value = register_class_and_messages();
    CARVE_CLEANUP_END
    return ret_value;
}

/*
 * HDF5 unregisters a connector (and so calls this) right after a failed open or a failed connector
 * string, while the error stack still holds carve's messages for the program to print. Releasing is safe
 * then: every entry of a stack holds its own reference to its class and messages (H5Epush2 takes them),
 * so they live on until the entry is cleared; and the stack is set aside meanwhile, since closing through
 * HDF5's API would clear it. Only carve's own references go. A class HDF5 closed already (at its shutdown)
 * is not touched.
 */
void
carve_error_term(void)
{
    if (carve_err_class_g < 0)
        return;
    CARVE_CLEANUP_BEGIN
    if (class_is_registered()) {
        for (size_t i = 0; i < NMESSAGES; i++)
            if (*messages[i].id >= 0)
                CARVE_TRY_IGNORED(H5Eclose_msg(*messages[i].id));
        CARVE_TRY_IGNORED(H5Eunregister_class(carve_err_class_g));
    }
    CARVE_CLEANUP_END
    forget_ids();
}

/* ------------------------------------------------------------------------------------------------------ */
/* Pushing                                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

/* The stack a message goes onto: the one an enclosing region keeps (made when the first message comes,
 * the stack having been empty when the region began), else the current one. */
static hid_t
push_target(void)
{
    if (kept_stack_g == NULL)
        return H5E_DEFAULT;
    if (*kept_stack_g < 0)
        *kept_stack_g = H5Ecreate_stack();
    return *kept_stack_g >= 0 ? *kept_stack_g : H5E_DEFAULT;
}

void
carve_error_push(const char *file, const char *func, unsigned line, hid_t maj, hid_t min, const char *fmt,
                 ...)
{
    char    text[CARVE_ERROR_MESSAGE_MAX], *whole = NULL;
    va_list ap;
    int     len;

    if (carve_err_class_g < 0)
        return; /* not initialised: nothing to push onto */
    va_start(ap, fmt);
    len = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* Longer than carve composes itself (a user's very long path): built whole on the heap. Only when that
     * fails is the message cut, and then it says so. */
    if (len >= (int)sizeof text) {
        if ((whole = malloc((size_t)len + 1)) != NULL) {
            va_start(ap, fmt);
            vsnprintf(whole, (size_t)len + 1, fmt, ap);
            va_end(ap);
        }
        else
            memcpy(text + sizeof text - 4, "...", 4);
    }
    /* The message goes through "%s" so that a '%' in a user's path is printed, not interpreted. */
    H5Epush2(push_target(), file, func, line, carve_err_class_g, maj, min, "%s", whole ? whole : text);
    free(whole);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Keeping the stack                                                                                       */
/* ------------------------------------------------------------------------------------------------------ */

hid_t
carve_error_save(void)
{
    /* Most calls find the stack empty (HDF5 frees wrap contexts and property lists on every API call):
     * then there is nothing to keep, and counting is far cheaper than copying. */
    if (H5Eget_num(H5E_DEFAULT) <= 0)
        return H5I_INVALID_HID;
    return H5Eget_current_stack();
}

void
carve_error_restore(hid_t saved)
{
    if (saved >= 0)
        H5Eset_current_stack(saved); /* also closes `saved` */
}

void
carve_error_region_begin(carve_error_region_t *region)
{
    region->saved = H5I_INVALID_HID;
    region->outer = kept_stack_g;
    if (region->outer != NULL)
        return; /* inside a region already: carve's messages go onto its stack */
    region->saved = carve_error_save();
    kept_stack_g  = &region->saved;
}

void
carve_error_region_end(carve_error_region_t *region)
{
    if (region->outer != NULL)
        return; /* the enclosing region keeps the stack */
    kept_stack_g = NULL;
    carve_error_restore(region->saved);
}

void
carve_error_try_begin(carve_error_region_t *tried)
{
    tried->saved = carve_error_save();
    tried->outer = kept_stack_g;
    kept_stack_g = NULL; /* what the tried call pushes goes onto the current stack, to be dropped */
}

void
carve_error_try_end(carve_error_region_t *tried)
{
    if (tried->saved >= 0)
        H5Eset_current_stack(tried->saved); /* drops what the call pushed; also closes the copy */
    else if (H5Eget_num(H5E_DEFAULT) > 0)
        H5Eclear2(H5E_DEFAULT);
    kept_stack_g = tried->outer;
}
