/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_common.h — what carve's fuzz targets share: the invariant check (FUZZ_CHECK prints the input in hex
 * and aborts), per-process setup of HDF5's error handling and carve's error class, the per-input
 * bracket (clean error stack, carve_core allocations back to where they were), and helpers that compare,
 * validate and build carve_config_t values.
 *
 * Used by fuzz_config_string.c and fuzz_config_yaml.c, under libFuzzer or under fuzz_driver.c.
 */
#ifndef CARVE_FUZZ_COMMON_H
#define CARVE_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h> /* ssize_t */

#include <hdf5.h>

#include "carve_config.h"

/* The libFuzzer entry point every target defines (and fuzz_driver.c calls). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports a broken invariant: where, the condition, a message, the error stack and the input (hex and
 * escaped text), then abort()s so that libFuzzer or fuzz_driver.c saves the input. */
_Noreturn void fuzz_fail(const char *file, int line, const char *condition, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define FUZZ_CHECK(cond, ...)                                                                                \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                               \
    } while (0)

/* Once per process: keeps HDF5_VOL_CONNECTOR from choosing the default connector, opens HDF5, silences
 * its automatic error printing, registers carve's error class. */
void fuzz_setup(void);

/* Brackets one input: remembers it for fuzz_fail, clears the error stack; at the end checks that every
 * allocation carve_core made for it was freed (when the build counts them, see fuzz_allocations_counted). */
void fuzz_begin_input(const uint8_t *data, size_t size);
void fuzz_end_input(void);

/* How far the current input got (0: refused early; higher: deeper), set by the target. fuzz_driver.c,
 * which has no coverage feedback, keeps deeper inputs as parents for mutation more often. */
void     fuzz_note_depth(unsigned depth);
unsigned fuzz_last_depth(void);

/* Whether this build counts carve_core's allocations (GNU ld --wrap; see test/fuzz/CMakeLists.txt). */
bool fuzz_allocations_counted(void);

/* Messages on HDF5's default error stack (a failure must leave one, a success none). */
ssize_t fuzz_error_count(void);

/* A heap copy of data[0..size) with a NUL after it (so a C string that stops at the first NUL). */
char *fuzz_text_copy(const uint8_t *data, size_t size);

/* Compares every field; with sources, also set_mask and source[]. On a difference returns false and
 * describes it in why. Text fields are compared by content (NULL only equals NULL). */
bool fuzz_config_equal(const carve_config_t *a, const carve_config_t *b, bool with_sources, char *why,
                       size_t why_size);

/* Whether key k has the same value in a and b (text by content, NULL only equals NULL; set_mask and
 * source[] not compared); describes a difference in why. */
bool fuzz_key_equal(const carve_config_t *a, const carve_config_t *b, carve_key_t k, char *why,
                    size_t why_size);

/* Checks (FUZZ_CHECK) the contract of a config a reader produced: only known keys in set_mask; every set
 * key has `source` and a valid value (mode off/carve/replay, under_vol a connector name or value, under_info
 * with balanced braces, dir and origin non-empty with balanced braces, skeleton full/touched, on_change
 * error/hits/trust, read_through no/yes, in_memory no/yes/a size of 1 to LLONG_MAX bytes with an optional
 * K/M/G, log off/summary/reads, timeout whole seconds 1..3600, no control characters, at most CARVE_CONFIG_MAX_STRING bytes); every unset
 * key has its default; the typed accessors (carve_config_on_change, _read_through, _in_memory, _log) agree
 * with the text. */
void fuzz_check_config_valid(const carve_config_t *cfg, carve_source_t source, const char *what);

/* A config with every key set to a non-default value from the given source, to read or merge into. */
void fuzz_config_populated(carve_config_t *cfg, carve_source_t source);

/* Checks that dst_after == merge(dst_before, src): keys src sets come from src, the rest from dst_before. */
void fuzz_check_merged(const carve_config_t *dst_after, const carve_config_t *dst_before,
                       const carve_config_t *src, const char *what);

/* Length carve_config_to_string must produce for cfg: "key=value" per set key, ';' between, braces
 * always around under_info, and around dir and origin only when the plain form could not carry them (a
 * blank at either end, a leading '{', or a ';' outside balanced braces). */
size_t fuzz_expected_string_length(const carve_config_t *cfg);

#endif /* CARVE_FUZZ_COMMON_H */
