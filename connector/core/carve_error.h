/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_error.h — carve's error class on the HDF5 error stack, and the one error idiom used everywhere.
 *
 * Every function that can fail declares `ret_value`, reports a failure with CARVE_GOTO_ERROR (which
 * pushes a message under the "carve" error class and jumps to `done:`), and releases what it holds
 * after `done:`. Messages name the thing that was wrong (the key, the file, the dataset) and what was
 * expected, so that HDF5's own error printing tells the user what to fix.
 *
 * Which macro when:
 *
 *   CARVE_GOTO_ERROR(maj, min, retval, fmt, ...)   a failure found by this function: push, jump to done
 *   CARVE_GOTO_DONE(retval)                        a failure a callee already reported: jump to done
 *   CARVE_DONE_ERROR(maj, min, retval, fmt, ...)   a failure in the cleanup after done: (a close, an
 *                                                  unlink): push and set ret_value, without jumping (the
 *                                                  rest of the cleanup still runs)
 *   CARVE_CLEANUP_BEGIN ... CARVE_CLEANUP_END      a region that calls HDF5's API while the stack holds
 *                                                  a failure's messages: every HDF5 API call clears the
 *                                                  stack on entry, so the region sets it aside and puts
 *                                                  it back; carve's own messages pushed inside the region
 *                                                  (CARVE_DONE_ERROR) are kept with it. Usually the
 *                                                  cleanup after done:, but any such region.
 *   CARVE_TRY_QUIETLY(statement)                   a call whose failure this function reports itself
 *                                                  right after (CARVE_GOTO_ERROR): HDF5 prints nothing
 *                                                  at the call, and its messages stay on the stack under
 *                                                  carve's, as the reasons for it
 *   CARVE_TRY_IGNORED(statement)                   a call whose failure is expected and deliberately
 *                                                  discarded ("is this a container?"): HDF5 prints
 *                                                  nothing, and the stack is afterwards exactly what it
 *                                                  was before, whatever the call pushed
 *
 * Not used in carve's own code: carve_error_save() and carve_error_restore() by hand (use
 * CARVE_CLEANUP_*; the one exception, file_specific_by_name in carve_file.c, says why), a bare H5Eclear2
 * after a failure (use CARVE_TRY_IGNORED around the call; H5Eclear2 stays only where a failure was turned
 * into carve's own words, each saying so on its line), and H5E_BEGIN_TRY (use CARVE_TRY_QUIETLY
 * or CARVE_TRY_IGNORED; a block of several statements that cannot be one macro argument keeps it, marked
 * "Quiet, not ignored").
 *
 * Majors name the module that failed (what was being done); minors the kind of failure (what to fix).
 * A core module pushes its own major and never CARVE_E_VOL, which is the VOL plumbing's.
 */
#ifndef CARVE_ERROR_H
#define CARVE_ERROR_H

#include <hdf5.h>

/* Error class and messages, registered by carve_error_init(), released by carve_error_term(). Process-wide
 * on purpose: HDF5's error stack identifies a library by a registered class ID, and every carve module
 * pushes under it. */
extern hid_t carve_err_class_g;
/* Majors: what was being done. */
extern hid_t CARVE_E_CONFIG;    /* configuration (connector string, environment, config file) */
extern hid_t CARVE_E_VOL;       /* a VOL operation (the VOL plumbing, connector/vol, only) */
extern hid_t CARVE_E_CONTAINER; /* a carved container (its file, its datasets, its checksums) */
extern hid_t CARVE_E_ORIGIN;    /* the origin file (its stamp, its access) */
extern hid_t CARVE_E_MANIFEST;  /* the manifest: its model, its YAML text, its file */
extern hid_t CARVE_E_COVERAGE;  /* coverage: selections and chunk sets of what was read */
extern hid_t CARVE_E_SKELETON;  /* the skeleton: the origin's metadata copied into the container */
extern hid_t CARVE_E_ACCESS;    /* the access log of a run */
extern hid_t CARVE_E_TOKENMAP;  /* the map from object tokens to what carve knows of the objects */
extern hid_t CARVE_E_SPLIT;     /* splitting a replayed read between container and origin */
extern hid_t CARVE_E_MPI;       /* the ranks of an MPI job that opened a file together */
/* Minors: the kind of failure. */
extern hid_t CARVE_E_BADVALUE;    /* a value is malformed or out of range */
extern hid_t CARVE_E_BADKEY;      /* an unknown setting */
extern hid_t CARVE_E_SYSTEM;      /* an OS or library call failed (memory, I/O) */
extern hid_t CARVE_E_UNDERLYING;  /* the connector below carve failed */
extern hid_t CARVE_E_UNSUPPORTED; /* an operation carve does not support */
extern hid_t CARVE_E_CORRUPT;     /* data carve wrote is unreadable or inconsistent */
extern hid_t CARVE_E_CHANGED;     /* the origin no longer matches its stamp */

/* The longest message carve builds on the stack (the longest it composes, a manifest key path and its
 * line, is under 5 KiB); a longer one is built on the heap, and only cut when memory runs out. */
#define CARVE_ERROR_MESSAGE_MAX 8192

/* Registers the class and its messages, unless they are registered already; keeps the error stack. */
herr_t carve_error_init(void);
/* Releases the class and its messages; keeps the error stack (its entries hold their own references, so
 * messages already pushed still print). A later carve_error_init registers them anew. */
void carve_error_term(void);

/* Pushes one message (onto the stack set aside by an enclosing CARVE_CLEANUP region, if any). Prefer the
 * macros below. */
void carve_error_push(const char *file, const char *func, unsigned line, hid_t maj, hid_t min,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Moves the current error stack aside (so that calls into HDF5's API do not clear it) and back. An empty
 * stack is not copied: save then returns H5I_INVALID_HID, which restore ignores. The macros below use
 * these; new code should use the macros. */
hid_t carve_error_save(void);
void  carve_error_restore(hid_t saved);

/* State of a CARVE_CLEANUP region or a CARVE_TRY_IGNORED call; used by the macros only. */
typedef struct carve_error_region_t {
    hid_t  saved; /* the stack set aside (H5I_INVALID_HID: it was empty, and nothing was kept since) */
    hid_t *outer; /* the stack an enclosing region keeps (NULL: none); a region inside one does nothing */
} carve_error_region_t;

void carve_error_region_begin(carve_error_region_t *region);
void carve_error_region_end(carve_error_region_t *region);
void carve_error_try_begin(carve_error_region_t *tried);
void carve_error_try_end(carve_error_region_t *tried);

#define CARVE_ERROR(maj, min, ...)                                                                           \
    carve_error_push(__FILE__, __func__, (unsigned)__LINE__, maj, min, __VA_ARGS__)

#define CARVE_GOTO_ERROR(maj, min, retval, ...)                                                              \
    do {                                                                                                     \
        CARVE_ERROR(maj, min, __VA_ARGS__);                                                                  \
        ret_value = (retval);                                                                                \
        goto done;                                                                                           \
    } while (0)

/* Jump to done with a failure value, without a message of carve's (the callee already pushed one). */
#define CARVE_GOTO_DONE(retval)                                                                              \
    do {                                                                                                     \
        ret_value = (retval);                                                                                \
        goto done;                                                                                           \
    } while (0)

/* A failure in the cleanup after done: recorded without jumping (there is nowhere left to jump to). */
#define CARVE_DONE_ERROR(maj, min, retval, ...)                                                              \
    do {                                                                                                     \
        CARVE_ERROR(maj, min, __VA_ARGS__);                                                                  \
        ret_value = (retval);                                                                                \
    } while (0)

/* Brackets a region that calls HDF5's API while the stack explains a failure (see the top of this file).
 * Do not jump out of the region. */
#define CARVE_CLEANUP_BEGIN                                                                                  \
    {                                                                                                        \
        carve_error_region_t carve_error_region_;                                                            \
        carve_error_region_begin(&carve_error_region_);
#define CARVE_CLEANUP_END                                                                                    \
    carve_error_region_end(&carve_error_region_);                                                            \
    }

/* Runs `statement` without HDF5 printing its failure: the caller reports it (see the top of this file).
 * The statement must not jump out. */
#define CARVE_TRY_QUIETLY(statement)                                                                         \
    do {                                                                                                     \
        H5E_BEGIN_TRY                                                                                        \
        {                                                                                                    \
            statement;                                                                                       \
        }                                                                                                    \
        H5E_END_TRY                                                                                          \
    } while (0)

/* Runs `statement`, whose failure is expected and ignored: nothing is printed, and the error stack is left
 * as it was before (see the top of this file). The statement must not jump out. */
#define CARVE_TRY_IGNORED(statement)                                                                         \
    do {                                                                                                     \
        carve_error_region_t carve_error_tried_;                                                             \
                                                                                                             \
        carve_error_try_begin(&carve_error_tried_);                                                          \
        H5E_BEGIN_TRY                                                                                        \
        {                                                                                                    \
            statement;                                                                                       \
        }                                                                                                    \
        H5E_END_TRY                                                                                          \
        carve_error_try_end(&carve_error_tried_);                                                            \
    } while (0)

#endif /* CARVE_ERROR_H */
