/*
 * carve_error.h — carve's error class on the HDF5 error stack, and the one error idiom used everywhere.
 *
 * Every function that can fail declares `ret_value`, reports a failure with CARVE_GOTO_ERROR (which
 * pushes a message under the "carve" error class and jumps to `done:`), and releases what it holds
 * after `done:`. Messages name the thing that was wrong (the key, the file, the dataset) and what was
 * expected, so that HDF5's own error printing tells the user what to fix.
 */
#ifndef CARVE_ERROR_H
#define CARVE_ERROR_H

#include <hdf5.h>

/* Error class and messages, registered once by carve_error_init(). Process-wide on purpose: HDF5's
 * error stack identifies a library by a registered class ID, and every carve module pushes under it. */
extern hid_t carve_err_class_g;
extern hid_t CARVE_E_CONFIG;     /* major: configuration (connector string, environment, config file) */
extern hid_t CARVE_E_VOL;        /* major: a VOL operation */
extern hid_t CARVE_E_BADVALUE;   /* minor: a value is malformed or out of range */
extern hid_t CARVE_E_BADKEY;     /* minor: an unknown setting */
extern hid_t CARVE_E_SYSTEM;     /* minor: an OS or library call failed (memory, I/O) */
extern hid_t CARVE_E_UNDERLYING; /* minor: the connector below carve failed */
extern hid_t CARVE_E_UNSUPPORTED;/* minor: an operation carve does not support */
extern hid_t CARVE_E_CONTAINER;  /* major: a carved container or its manifest */
extern hid_t CARVE_E_ORIGIN;     /* major: the origin file (its stamp, its access) */
extern hid_t CARVE_E_CORRUPT;    /* minor: data carve wrote is unreadable or inconsistent */
extern hid_t CARVE_E_CHANGED;    /* minor: the origin no longer matches its stamp */

/* Registers the class and its messages, unless they are registered already; keeps the error stack. */
herr_t carve_error_init(void);
void   carve_error_term(void);

/* Pushes one message. Prefer the macros below. */
void carve_error_push(const char *file, const char *func, unsigned line, hid_t maj, hid_t min, const char *fmt,
                      ...) __attribute__((format(printf, 6, 7)));

/* Moves the current error stack aside (so that cleanup calls into HDF5's API do not clear it) and back.
 * An empty stack is not copied: save then returns H5I_INVALID_HID, which restore ignores. */
hid_t carve_error_save(void);
void  carve_error_restore(hid_t saved);

#define CARVE_ERROR(maj, min, ...) carve_error_push(__FILE__, __func__, (unsigned)__LINE__, maj, min, __VA_ARGS__)

#define CARVE_GOTO_ERROR(maj, min, retval, ...)                                                                    \
    do {                                                                                                           \
        CARVE_ERROR(maj, min, __VA_ARGS__);                                                                        \
        ret_value = (retval);                                                                                      \
        goto done;                                                                                                 \
    } while (0)

/* Jump to done with a failure value, without a message of carve's (the callee already pushed one). */
#define CARVE_GOTO_DONE(retval)                                                                                    \
    do {                                                                                                           \
        ret_value = (retval);                                                                                      \
        goto done;                                                                                                 \
    } while (0)

/* Brackets the cleanup after `done:` when it calls HDF5's API: every HDF5 API call clears the error
 * stack on entry, which would erase the messages that explain the failure being cleaned up. */
#define CARVE_CLEANUP_BEGIN                                                                                       \
    {                                                                                                          \
        hid_t carve_saved_stack_ = carve_error_save();
#define CARVE_CLEANUP_END                                                                                         \
    carve_error_restore(carve_saved_stack_);                                                                   \
    }

#endif /* CARVE_ERROR_H */
