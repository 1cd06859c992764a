/*
 * carve_error.c — registers the "carve" error class and its messages with HDF5, and pushes errors.
 */
#include "carve_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_version.h"

/* See carve_error.h for why these are process-wide. They are set once and then only read. */
hid_t carve_err_class_g   = H5I_INVALID_HID;
hid_t CARVE_E_CONFIG      = H5I_INVALID_HID;
hid_t CARVE_E_VOL         = H5I_INVALID_HID;
hid_t CARVE_E_BADVALUE    = H5I_INVALID_HID;
hid_t CARVE_E_BADKEY      = H5I_INVALID_HID;
hid_t CARVE_E_SYSTEM      = H5I_INVALID_HID;
hid_t CARVE_E_UNDERLYING  = H5I_INVALID_HID;
hid_t CARVE_E_UNSUPPORTED = H5I_INVALID_HID;
hid_t CARVE_E_CONTAINER   = H5I_INVALID_HID;
hid_t CARVE_E_ORIGIN      = H5I_INVALID_HID;
hid_t CARVE_E_CORRUPT     = H5I_INVALID_HID;
hid_t CARVE_E_CHANGED     = H5I_INVALID_HID;

static hid_t
register_message(H5E_type_t type, const char *text)
{
    return H5Ecreate_msg(carve_err_class_g, type, text);
}

static herr_t
register_class_and_messages(void)
{
    carve_err_class_g = H5Eregister_class("carve", "carve VOL connector", CARVE_VERSION_STRING);
    if (carve_err_class_g < 0)
        return -1;
    CARVE_E_CONFIG      = register_message(H5E_MAJOR, "carve configuration");
    CARVE_E_VOL         = register_message(H5E_MAJOR, "carve VOL operation");
    CARVE_E_BADVALUE    = register_message(H5E_MINOR, "bad value");
    CARVE_E_BADKEY      = register_message(H5E_MINOR, "unknown setting");
    CARVE_E_SYSTEM      = register_message(H5E_MINOR, "system or library call failed");
    CARVE_E_UNDERLYING  = register_message(H5E_MINOR, "the connector below carve failed");
    CARVE_E_UNSUPPORTED = register_message(H5E_MINOR, "operation not supported by carve");
    CARVE_E_CONTAINER   = register_message(H5E_MAJOR, "carve container");
    CARVE_E_ORIGIN      = register_message(H5E_MAJOR, "carve origin file");
    CARVE_E_CORRUPT     = register_message(H5E_MINOR, "corrupt or unreadable");
    CARVE_E_CHANGED     = register_message(H5E_MINOR, "the origin changed since it was carved");
    if (CARVE_E_CONTAINER < 0 || CARVE_E_ORIGIN < 0 || CARVE_E_CORRUPT < 0 || CARVE_E_CHANGED < 0 ||
        CARVE_E_CONFIG < 0 || CARVE_E_VOL < 0 || CARVE_E_BADVALUE < 0 || CARVE_E_BADKEY < 0 ||
        CARVE_E_SYSTEM < 0 || CARVE_E_UNDERLYING < 0 || CARVE_E_UNSUPPORTED < 0)
        return -1;
    return 0;
}

/* Whether the class registered earlier still exists (HDF5 closes every class when it shuts down,
 * and a later library initialisation may hand the same ID number to another class). */
static int
class_is_registered(void)
{
    char    name[8] = "";
    ssize_t len     = -1;

    /* H5Iis_valid first: asking a stale ID for its name would push (and print) HDF5's own error. */
    if (carve_err_class_g < 0 || H5Iis_valid(carve_err_class_g) <= 0 || H5Iget_type(carve_err_class_g) != H5I_ERROR_CLASS)
        return 0;
    H5E_BEGIN_TRY
    {
        len = H5Eget_class_name(carve_err_class_g, name, sizeof name);
    }
    H5E_END_TRY
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
    hid_t  saved     = carve_error_save();
    herr_t ret_value = 0;

    if (!class_is_registered())
        ret_value = register_class_and_messages();
    carve_error_restore(saved);
    return ret_value;
}

/*
 * The class is deliberately left registered: HDF5 unregisters a connector right after a failed
 * open or a failed connector string, while the error stack still holds carve's messages for the
 * program to print. Unregistering would clear that stack. HDF5 closes the class when it shuts down.
 */
void
carve_error_term(void)
{
}

void
carve_error_push(const char *file, const char *func, unsigned line, hid_t maj, hid_t min, const char *fmt, ...)
{
    char    text[1024], *whole = NULL;
    va_list ap;
    int     len;

    if (carve_err_class_g < 0)
        return; /* not initialised: nothing to push onto */
    va_start(ap, fmt);
    len = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* A longer message (a list of candidates, a long path) is built whole rather than cut short. */
    if (len >= (int)sizeof text && (whole = malloc((size_t)len + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(whole, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    /* The message goes through "%s" so that a '%' in a user's path is printed, not interpreted. */
    H5Epush2(H5E_DEFAULT, file, func, line, carve_err_class_g, maj, min, "%s", whole ? whole : text);
    free(whole);
}

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
