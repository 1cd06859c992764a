/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * unit_test.h — the harness every unit test in test/unit shares (unit_test.c, built into the static
 * library carve_unit_test by test/unit/CMakeLists.txt).
 *
 * A unit test is a plain program. main() calls unit_begin() (carve's error class registered, HDF5's
 * automatic error printing off, optionally a fresh temporary directory), runs its tests, each taking the
 * unit_t, and returns unit_end(), which removes the directory, prints "N passed, M failed" as the last
 * line and gives the exit status (non-zero when anything failed).
 *
 *   CHECK(t, cond)              counts a pass or a failure; a failure prints file:line and the condition
 *   CHECK_STR(t, got, want)     the same for two strings (NULL equals only NULL), printing both on failure
 *   CHECK_ERROR(t, minor, ...)  takes the HDF5 error stack (leaving it empty) and checks that one message
 *                               of carve's class with minor code `minor` contains every string listed
 *   CHECK_NO_ERROR(t)           checks that the error stack is empty, and clears it
 *
 * A test whose failures can come by the thousand (randomized comparisons) sets t->max_printed: later
 * failures are counted but not printed, and unit_printing() / unit_note() stay quiet too.
 */
#ifndef CARVE_UNIT_TEST_H
#define CARVE_UNIT_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

/* The state of one test program. */
typedef struct unit_t {
    unsigned passed;
    unsigned failed;
    unsigned max_printed; /* failures printed in full (later ones only counted); 0: every one */
    char     dir[256];    /* the temporary directory, an absolute path without links ("": none) */
} unit_t;

/* Starts a test program: line-buffered stdout (what was printed survives a crash), carve's error class
 * registered, HDF5's automatic error printing off; with dir_name, a new directory
 * $TMPDIR/carve_test_<dir_name>.XXXXXX (TMPDIR defaulting to /tmp) in t->dir. t is zeroed first. False
 * (with the reason printed) when the test cannot run; main then returns UNIT_CANNOT_RUN. */
bool unit_begin(unit_t *t, const char *dir_name);

/* Ends a test program: removes t->dir with everything in it (kept, and named, when CARVE_KEEP_TEST_FILES
 * is set), releases carve's error class and HDF5, prints "N passed, M failed". Returns main's status:
 * non-zero when a check failed, or when no check was made at all (a test must assert something). */
int unit_end(unit_t *t);

#define UNIT_CANNOT_RUN 2

/* ------------------------------------------------------------------------------------------------------ */
/* Checks                                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

/* Counts one check; a failure prints "file:line: check failed: what" (while failures are printed). */
bool unit_check_at(unit_t *t, bool ok, const char *what, const char *file, int line);

#define CHECK(t, cond) unit_check_at((t), (cond) ? true : false, #cond, __FILE__, __LINE__)

/* Whether details of the failures so far are still printed (see max_printed). */
bool unit_printing(const unit_t *t);

/* Context printed, indented, under a failed check (only while failures are printed). */
void unit_note(const unit_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* a and b equal, NULL equal only to NULL. */
bool unit_str_eq(const char *a, const char *b);

/* haystack is not NULL and contains needle. */
bool unit_contains(const char *haystack, const char *needle);

bool unit_check_str_at(unit_t *t, const char *got, const char *want, const char *what, const char *file,
                       int line);

#define CHECK_STR(t, got, want)                                                                              \
    unit_check_str_at((t), (got), (want), "str_eq(" #got ", " #want ")", __FILE__, __LINE__)

/* ------------------------------------------------------------------------------------------------------ */
/* The HDF5 error stack                                                                                    */
/* ------------------------------------------------------------------------------------------------------ */

/* Takes the current error stack (leaving it empty) and checks that one message of carve's class with
 * minor code `minor` contains every string of the list `ap` (ended by NULL; up to UNIT_MAX_NEEDLES are
 * looked for). On failure prints the strings wanted and the messages the stack held. */
bool unit_check_error_va(unit_t *t, const char *file, int line, hid_t minor, va_list ap);
bool unit_check_error_at(unit_t *t, const char *file, int line, hid_t minor, ...);

#define UNIT_MAX_NEEDLES 8

#define CHECK_ERROR(t, minor, ...)                                                                           \
    unit_check_error_at((t), __FILE__, __LINE__, (minor), __VA_ARGS__, (const char *)NULL)

/* Checks that the error stack is empty (after calls that should have succeeded) and clears it; on failure
 * prints the messages it held. */
bool unit_check_no_error_at(unit_t *t, const char *file, int line);

#define CHECK_NO_ERROR(t) unit_check_no_error_at((t), __FILE__, __LINE__)

/* Prints every message of error stack `stack` (H5E_DEFAULT: the current one), one per line, indented. */
void unit_print_stack(hid_t stack);

/* ------------------------------------------------------------------------------------------------------ */
/* Files                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

/* Writes len bytes of data to path (created or truncated). */
bool unit_write_file(const char *path, const void *data, size_t len);

/* Writes the string text (without its NUL) to path (created or truncated). */
bool unit_write_text(const char *path, const char *text);

/* Removes path: a file, or a directory with everything below it. True when path is gone. */
bool unit_remove_tree(const char *path);

/* ------------------------------------------------------------------------------------------------------ */
/* Helpers several tests share                                                                             */
/* ------------------------------------------------------------------------------------------------------ */

/* Random numbers: splitmix64 from a fixed seed, so that every run sees the same sequence. */
typedef struct unit_rng_t {
    uint64_t s;
} unit_rng_t;

uint64_t unit_rng_next(unit_rng_t *r);
/* Uniform in [0, n); 0 when n is 0. */
hsize_t unit_rng_below(unit_rng_t *r, hsize_t n);

/* Releases n HDF5 IDs of any kind (datasets, dataspaces, property lists...), skipping negative ones: the
 * clean-up of a test's fixtures. */
void unit_release(const hid_t *ids, size_t n);

/* Entries of dir whose name contains text; -1 when dir cannot be read. */
int unit_count_entries(const char *dir, const char *text);

/* A token like the native connector's: a little-endian file address in its first 8 bytes. */
H5O_token_t unit_address_token(uint64_t address);

#endif /* CARVE_UNIT_TEST_H */
