/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_common.c — the shared half of carve's fuzz targets (see fuzz_common.h): failure reporting with the
 * input, process setup, the per-input bracket, carve_config_t comparison and validation, and — when the
 * build links with GNU ld's --wrap — counting the allocations carve_core makes, so that a leak in copy,
 * merge, clear or a reader fails an input even without a leak-detecting sanitizer.
 */

#include "fuzz_common.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_error.h"

/* The input being run, for fuzz_fail. */
static const uint8_t *current_data;
static size_t         current_size;

/* Longest part of an input fuzz_fail prints. */
#define SHOWN_INPUT_MAX 4096

/* ------------------------------------------------------------------------------------------------------ */
/* Allocation counting (GNU ld --wrap=malloc,calloc,realloc,free on the fuzz executables)                   */
/* ------------------------------------------------------------------------------------------------------ */

#ifdef CARVE_FUZZ_COUNT_ALLOCATIONS
/* Only calls from code linked statically into the executable (carve_core, the targets, the driver) come
 * here; HDF5, libyaml, libc and the carve plugin allocate through their own references. */
void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);
void  __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void  __wrap_free(void *ptr);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long live_allocations;

void *
__wrap_malloc(size_t size)
{
    void *ptr = __real_malloc(size);

    if (ptr)
        live_allocations++;
    return ptr;
}

void *
__wrap_calloc(size_t count, size_t size)
{
    void *ptr = __real_calloc(count, size);

    if (ptr)
        live_allocations++;
    return ptr;
}

void *
__wrap_realloc(void *ptr, size_t size)
{
    void *moved = __real_realloc(ptr, size);

    if (ptr == NULL && moved != NULL)
        live_allocations++;
    else if (ptr != NULL && size == 0 && moved == NULL)
        live_allocations--; /* glibc: realloc(p, 0) frees p */
    return moved;
}

void
__wrap_free(void *ptr)
{
    if (ptr)
        live_allocations--;
    __real_free(ptr);
}

/* glibc's strdup allocates inside libc, past the malloc wrapper: counted here (the manifest and the
 * checksum table copy their strings with it). */
char *
__wrap_strdup(const char *s)
{
    char *copy = __real_strdup(s);

    if (copy)
        live_allocations++;
    return copy;
}

char *
__wrap_strndup(const char *s, size_t n)
{
    char *copy = __real_strndup(s, n);

    if (copy)
        live_allocations++;
    return copy;
}

bool
fuzz_allocations_counted(void)
{
    return true;
}
#else
static long live_allocations;

bool
fuzz_allocations_counted(void)
{
    return false;
}
#endif

static long     live_at_begin;
static unsigned input_depth;

/* ------------------------------------------------------------------------------------------------------ */
/* Failure reporting                                                                                       */
/* ------------------------------------------------------------------------------------------------------ */

static void
print_input(FILE *out)
{
    size_t shown = current_size < SHOWN_INPUT_MAX ? current_size : SHOWN_INPUT_MAX;

    fprintf(out, "  input (%zu bytes) hex:", current_size);
    for (size_t i = 0; i < shown; i++)
        fprintf(out, "%s%02x", i % 32 ? "" : "\n    ", current_data[i]);
    fprintf(out, "%s\n  input as C text: \"", current_size > shown ? "\n    ..." : "");
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = current_data[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, out);
        else
            fprintf(out, "\\%03o", c); /* octal: never runs into a following digit */
    }
    fprintf(out, "\"%s\n", current_size > shown ? " ..." : "");
}

void
fuzz_fail(const char *file, int line, const char *condition, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "\ncarve fuzz: invariant failed at %s:%d: %s\n  ", file, line, condition);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  HDF5 error stack at the failure:\n");
    H5Eprint2(H5E_DEFAULT, stderr);
    if (current_data)
        print_input(stderr);
    fflush(stderr);
    abort();
}

/* ------------------------------------------------------------------------------------------------------ */
/* Setup and the per-input bracket                                                                         */
/* ------------------------------------------------------------------------------------------------------ */

void
fuzz_setup(void)
{
    static bool ready = false;

    if (ready)
        return;
    /* The targets choose connectors themselves; a connector named in the environment would be loaded
     * (and probed) by HDF5's initialisation instead. */
    unsetenv("HDF5_VOL_CONNECTOR");
    if (H5open() < 0 || H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0 || carve_error_init() < 0) {
        fprintf(stderr, "carve fuzz: cannot initialise HDF5 or carve's error class\n");
        abort();
    }
    ready = true;
}

void
fuzz_begin_input(const uint8_t *data, size_t size)
{
    current_data  = data;
    current_size  = size;
    live_at_begin = live_allocations;
    input_depth   = 0;
    H5Eclear2(H5E_DEFAULT);
}

void
fuzz_end_input(void)
{
    FUZZ_CHECK(
        live_allocations == live_at_begin,
        "carve_core allocations not freed after this input: %ld (a leak in a reader, copy, merge, clear or "
        "carve_config_to_string)",
        live_allocations - live_at_begin);
    H5Eclear2(H5E_DEFAULT);
    current_data = NULL;
    current_size = 0;
}

void
fuzz_note_depth(unsigned depth)
{
    if (depth > input_depth)
        input_depth = depth;
}

unsigned
fuzz_last_depth(void)
{
    return input_depth;
}

ssize_t
fuzz_error_count(void)
{
    return H5Eget_num(H5E_DEFAULT);
}

char *
fuzz_text_copy(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    FUZZ_CHECK(text != NULL, "out of memory copying a %zu-byte input", size);
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

/* ------------------------------------------------------------------------------------------------------ */
/* carve_config_t helpers                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

static bool
text_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static const char *
shown_text(const char *text)
{
    return text ? text : "(null)";
}

/* Whether key k has the same value in a and b; describes a difference in why. */
bool
fuzz_key_equal(const carve_config_t *a, const carve_config_t *b, carve_key_t k, char *why, size_t why_size)
{
    const char *ta = NULL, *tb = NULL;

    switch (k) {
        case CARVE_KEY_MODE:
            if (a->mode == b->mode)
                return true;
            snprintf(why, why_size, "mode %d != %d", (int)a->mode, (int)b->mode);
            return false;
        case CARVE_KEY_UNDER_VOL:
            ta = a->under_vol;
            tb = b->under_vol;
            break;
        case CARVE_KEY_UNDER_INFO:
            ta = a->under_info;
            tb = b->under_info;
            break;
        case CARVE_KEY_DIR:
            ta = a->dir;
            tb = b->dir;
            break;
        case CARVE_KEY_SKELETON:
            ta = a->skeleton;
            tb = b->skeleton;
            break;
        case CARVE_KEY_ORIGIN:
            ta = a->origin;
            tb = b->origin;
            break;
        case CARVE_KEY_ON_CHANGE:
            ta = a->on_change;
            tb = b->on_change;
            break;
        case CARVE_KEY_READ_THROUGH:
            ta = a->read_through;
            tb = b->read_through;
            break;
        case CARVE_KEY_IN_MEMORY:
            ta = a->in_memory;
            tb = b->in_memory;
            break;
        case CARVE_KEY_LOG:
            ta = a->log;
            tb = b->log;
            break;
        case CARVE_KEY_TIMEOUT:
            ta = a->timeout;
            tb = b->timeout;
            break;
        case CARVE_KEY_PARALLEL:
            ta = a->parallel;
            tb = b->parallel;
            break;
        case CARVE_KEY_COUNT:
            snprintf(why, why_size, "key %d is not a key", (int)k);
            return false;
    }
    if (text_equal(ta, tb))
        return true;
    /* Long values are cut by snprintf; the start is what tells them apart in practice. */
    snprintf(why, why_size, "%s '%s' != '%s'", carve_key_name(k), shown_text(ta), shown_text(tb));
    return false;
}

bool
fuzz_config_equal(const carve_config_t *a, const carve_config_t *b, bool with_sources, char *why,
                  size_t why_size)
{
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        if (!fuzz_key_equal(a, b, (carve_key_t)k, why, why_size))
            return false;
    if (!with_sources)
        return true;
    if (a->set_mask != b->set_mask) {
        snprintf(why, why_size, "set_mask 0x%x != 0x%x", a->set_mask, b->set_mask);
        return false;
    }
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        if (a->source[k] != b->source[k]) {
            snprintf(why, why_size, "source of %s %d != %d", carve_key_name((carve_key_t)k),
                     (int)a->source[k], (int)b->source[k]);
            return false;
        }
    return true;
}

/* Text carve accepts as a value: at most CARVE_CONFIG_MAX_STRING bytes, no control characters except tab. */
static void
check_value_text(const char *text, const char *key, const char *what)
{
    size_t len = strlen(text);

    FUZZ_CHECK(len <= CARVE_CONFIG_MAX_STRING, "%s: %s is %zu bytes long", what, key, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        FUZZ_CHECK(!((c < 0x20 && c != '\t') || c == 0x7f),
                   "%s: %s has control character 0x%02x at offset %zu", what, key, c, i);
    }
}

static void
check_connector_spec(const char *spec, const char *what)
{
    bool               digits = true;
    unsigned long long value  = 0;

    FUZZ_CHECK(spec[0] != '\0', "%s: under_vol is set but empty", what);
    for (const char *p = spec; *p; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (value <= (unsigned long long)INT_MAX)
                value = value * 10 + (unsigned long long)(c - '0');
            continue;
        }
        digits = false;
        FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-',
                   "%s: under_vol '%s' has character 0x%02x", what, spec, (unsigned)(unsigned char)c);
    }
    FUZZ_CHECK(!digits || value <= (unsigned long long)INT_MAX, "%s: under_vol value '%s' is above INT_MAX",
               what, spec);
}

static void
check_braces(const char *text, const char *key, const char *what)
{
    size_t depth = 0;

    for (const char *p = text; *p; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}') {
            FUZZ_CHECK(depth > 0, "%s: %s '%.64s' closes a brace it never opened", what, key, text);
            depth--;
        }
    }
    FUZZ_CHECK(depth == 0, "%s: %s '%.64s' leaves %zu braces open", what, key, text, depth);
}

/* text is one of the NULL-terminated list of words. */
static bool
one_of(const char *text, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(text, *words) == 0)
            return true;
    return false;
}

/* in_memory's size form, checked independently of carve's parse_size: decimal digits and an optional K, M or
 * G (either case; powers of 1024), in bytes at least 1 and at most LLONG_MAX. Returns the bytes, or -1. */
static long long
size_value(const char *text)
{
    unsigned long long n = 0, unit = 1;
    const char        *p = text;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (n > ((unsigned long long)LLONG_MAX - digit) / 10)
            return -1;
        n = n * 10 + digit;
    }
    if (*p == 'K' || *p == 'k')
        unit = 1ull << 10, p++;
    else if (*p == 'M' || *p == 'm')
        unit = 1ull << 20, p++;
    else if (*p == 'G' || *p == 'g')
        unit = 1ull << 30, p++;
    if (*p != '\0' || n == 0 || n > (unsigned long long)LLONG_MAX / unit)
        return -1;
    return (long long)(n * unit);
}

/* A set text key: not NULL, and carve's value rules (length, no control characters). */
static void
check_set_text(const char *text, const char *key, const char *what)
{
    FUZZ_CHECK(text != NULL, "%s: %s is set but NULL", what, key);
    check_value_text(text, key, what);
}

/* The typed accessors agree with the text (defaults when unset). */
static void
check_accessors(const carve_config_t *cfg, const char *what)
{
    carve_on_change_t on_change = CARVE_ON_CHANGE_ERROR;
    int               through   = 0;
    long long         memory    = 0;
    carve_log_t       log       = CARVE_LOG_OFF;

    if (cfg->on_change && strcmp(cfg->on_change, "hits") == 0)
        on_change = CARVE_ON_CHANGE_HITS;
    else if (cfg->on_change && strcmp(cfg->on_change, "trust") == 0)
        on_change = CARVE_ON_CHANGE_TRUST;
    through = cfg->read_through != NULL && strcmp(cfg->read_through, "yes") == 0;
    if (cfg->in_memory && strcmp(cfg->in_memory, "yes") == 0)
        memory = -1;
    else if (cfg->in_memory && strcmp(cfg->in_memory, "no") != 0)
        memory = size_value(cfg->in_memory);
    if (cfg->log && strcmp(cfg->log, "summary") == 0)
        log = CARVE_LOG_SUMMARY;
    else if (cfg->log && strcmp(cfg->log, "reads") == 0)
        log = CARVE_LOG_READS;

    FUZZ_CHECK(carve_config_on_change(cfg) == on_change,
               "%s: carve_config_on_change gives %d for '%.64s', expected %d", what,
               (int)carve_config_on_change(cfg), cfg->on_change ? cfg->on_change : "(unset)", (int)on_change);
    FUZZ_CHECK(carve_config_read_through(cfg) == through,
               "%s: carve_config_read_through gives %d for '%.64s', expected %d", what,
               carve_config_read_through(cfg), cfg->read_through ? cfg->read_through : "(unset)", through);
    FUZZ_CHECK(carve_config_in_memory(cfg) == memory,
               "%s: carve_config_in_memory gives %lld for '%.64s', expected %lld", what,
               carve_config_in_memory(cfg), cfg->in_memory ? cfg->in_memory : "(unset)", memory);
    FUZZ_CHECK(carve_config_log(cfg) == log, "%s: carve_config_log gives %d for '%.64s', expected %d", what,
               (int)carve_config_log(cfg), cfg->log ? cfg->log : "(unset)", (int)log);
}

void
fuzz_check_config_valid(const carve_config_t *cfg, carve_source_t source, const char *what)
{
    static const char *const on_change_words[] = {"error", "hits", "trust", NULL};
    static const char *const yes_no_words[]    = {"no", "yes", NULL};
    static const char *const log_words[]       = {"off", "summary", "reads", NULL};

    const unsigned known = (1u << CARVE_KEY_COUNT) - 1;

    FUZZ_CHECK((cfg->set_mask & ~known) == 0, "%s: set_mask 0x%x has bits of no key", what, cfg->set_mask);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++) {
        bool set = (cfg->set_mask & (1u << k)) != 0;
        FUZZ_CHECK(cfg->source[k] == (set ? source : CARVE_SOURCE_DEFAULT),
                   "%s: %s is %s but its source is %d", what, carve_key_name((carve_key_t)k),
                   set ? "set" : "not set", (int)cfg->source[k]);
    }
    if (cfg->set_mask & (1u << CARVE_KEY_MODE))
        FUZZ_CHECK(cfg->mode == CARVE_MODE_OFF || cfg->mode == CARVE_MODE_CARVE ||
                       cfg->mode == CARVE_MODE_REPLAY,
                   "%s: mode %d is not off, carve or replay", what, (int)cfg->mode);
    else
        FUZZ_CHECK(cfg->mode == CARVE_MODE_OFF, "%s: mode is not set but %d, not the default", what,
                   (int)cfg->mode);
    if (cfg->set_mask & (1u << CARVE_KEY_UNDER_VOL)) {
        FUZZ_CHECK(cfg->under_vol != NULL, "%s: under_vol is set but NULL", what);
        check_value_text(cfg->under_vol, "under_vol", what);
        check_connector_spec(cfg->under_vol, what);
    }
    else
        FUZZ_CHECK(cfg->under_vol == NULL, "%s: under_vol is not set but '%s'", what, cfg->under_vol);
    if (cfg->set_mask & (1u << CARVE_KEY_UNDER_INFO)) {
        FUZZ_CHECK(cfg->under_info != NULL, "%s: under_info is set but NULL", what);
        check_value_text(cfg->under_info, "under_info", what);
        check_braces(cfg->under_info, "under_info", what);
    }
    else
        FUZZ_CHECK(cfg->under_info == NULL, "%s: under_info is not set but '%.64s'", what, cfg->under_info);
    if (cfg->set_mask & (1u << CARVE_KEY_DIR)) {
        FUZZ_CHECK(cfg->dir != NULL, "%s: dir is set but NULL", what);
        check_value_text(cfg->dir, "dir", what);
        FUZZ_CHECK(cfg->dir[0] != '\0', "%s: dir is set but empty", what);
        check_braces(cfg->dir, "dir", what);
    }
    else
        FUZZ_CHECK(cfg->dir == NULL, "%s: dir is not set but '%.64s'", what, cfg->dir);
    if (cfg->set_mask & (1u << CARVE_KEY_SKELETON)) {
        FUZZ_CHECK(cfg->skeleton != NULL, "%s: skeleton is set but NULL", what);
        FUZZ_CHECK(strcmp(cfg->skeleton, "full") == 0 || strcmp(cfg->skeleton, "touched") == 0,
                   "%s: skeleton '%.64s' is not full or touched", what, cfg->skeleton);
    }
    else
        FUZZ_CHECK(cfg->skeleton == NULL, "%s: skeleton is not set but '%.64s'", what, cfg->skeleton);
    if (cfg->set_mask & (1u << CARVE_KEY_ORIGIN)) {
        check_set_text(cfg->origin, "origin", what);
        FUZZ_CHECK(cfg->origin[0] != '\0', "%s: origin is set but empty", what);
        check_braces(cfg->origin, "origin", what);
    }
    else
        FUZZ_CHECK(cfg->origin == NULL, "%s: origin is not set but '%.64s'", what, cfg->origin);
    if (cfg->set_mask & (1u << CARVE_KEY_ON_CHANGE)) {
        check_set_text(cfg->on_change, "on_change", what);
        FUZZ_CHECK(one_of(cfg->on_change, on_change_words),
                   "%s: on_change '%.64s' is not error, hits or trust", what, cfg->on_change);
    }
    else
        FUZZ_CHECK(cfg->on_change == NULL, "%s: on_change is not set but '%.64s'", what, cfg->on_change);
    if (cfg->set_mask & (1u << CARVE_KEY_READ_THROUGH)) {
        check_set_text(cfg->read_through, "read_through", what);
        FUZZ_CHECK(one_of(cfg->read_through, yes_no_words), "%s: read_through '%.64s' is not no or yes", what,
                   cfg->read_through);
    }
    else
        FUZZ_CHECK(cfg->read_through == NULL, "%s: read_through is not set but '%.64s'", what,
                   cfg->read_through);
    if (cfg->set_mask & (1u << CARVE_KEY_IN_MEMORY)) {
        check_set_text(cfg->in_memory, "in_memory", what);
        FUZZ_CHECK(one_of(cfg->in_memory, yes_no_words) || size_value(cfg->in_memory) > 0,
                   "%s: in_memory '%.64s' is not no, yes or a size of 1 to LLONG_MAX bytes", what,
                   cfg->in_memory);
    }
    else
        FUZZ_CHECK(cfg->in_memory == NULL, "%s: in_memory is not set but '%.64s'", what, cfg->in_memory);
    if (cfg->set_mask & (1u << CARVE_KEY_LOG)) {
        check_set_text(cfg->log, "log", what);
        FUZZ_CHECK(one_of(cfg->log, log_words), "%s: log '%.64s' is not off, summary or reads", what,
                   cfg->log);
    }
    else
        FUZZ_CHECK(cfg->log == NULL, "%s: log is not set but '%.64s'", what, cfg->log);
    if (cfg->set_mask & (1u << CARVE_KEY_TIMEOUT)) {
        long n = 0;

        check_set_text(cfg->timeout, "timeout", what);
        for (const char *p = cfg->timeout; *p; p++) {
            FUZZ_CHECK(*p >= '0' && *p <= '9' && n <= 3600,
                       "%s: timeout '%.64s' is not whole seconds 1..3600", what, cfg->timeout);
            n = n * 10 + (*p - '0');
        }
        FUZZ_CHECK(n >= 1 && n <= 3600, "%s: timeout '%.64s' is not whole seconds 1..3600", what,
                   cfg->timeout);
        FUZZ_CHECK(carve_config_timeout(cfg) == n, "%s: carve_config_timeout gives %ld for '%.64s'", what,
                   carve_config_timeout(cfg), cfg->timeout);
    }
    else
        FUZZ_CHECK(cfg->timeout == NULL && carve_config_timeout(cfg) == 30,
                   "%s: timeout is not set but '%.64s'", what, cfg->timeout);
    if (cfg->set_mask & (1u << CARVE_KEY_PARALLEL)) {
        long n = 0;

        check_set_text(cfg->parallel, "parallel", what);
        for (const char *p = cfg->parallel; *p; p++) {
            FUZZ_CHECK(*p >= '0' && *p <= '9' && n <= 64, "%s: parallel '%.64s' is not 1..64", what,
                       cfg->parallel);
            n = n * 10 + (*p - '0');
        }
        FUZZ_CHECK(n >= 1 && n <= 64, "%s: parallel '%.64s' is not 1..64", what, cfg->parallel);
        FUZZ_CHECK(carve_config_parallel(cfg) == n, "%s: carve_config_parallel gives %d for '%.64s'", what,
                   carve_config_parallel(cfg), cfg->parallel);
    }
    else
        FUZZ_CHECK(cfg->parallel == NULL && carve_config_parallel(cfg) == 8,
                   "%s: parallel is not set but '%.64s'", what, cfg->parallel);
    check_accessors(cfg, what);
}

void
fuzz_config_populated(carve_config_t *cfg, carve_source_t source)
{
    carve_config_init(cfg);
    FUZZ_CHECK(carve_config_set(cfg, "mode", "replay", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "under_vol", "native", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "under_info", "base{info;x=y}", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "dir", "/base dir;{x}", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "skeleton", "touched", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "origin", "s3://base/origin;{x}.h5", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "on_change", "trust", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "read_through", "yes", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "in_memory", "16M", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "log", "reads", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "timeout", "9", source, "fuzz base") >= 0 &&
                   carve_config_set(cfg, "parallel", "5", source, "fuzz base") >= 0,
               "cannot build the populated base config");
    FUZZ_CHECK(cfg->set_mask == (1u << CARVE_KEY_COUNT) - 1,
               "the populated base config leaves keys unset (0x%x)", cfg->set_mask);
}

void
fuzz_check_merged(const carve_config_t *dst_after, const carve_config_t *dst_before,
                  const carve_config_t *src, const char *what)
{
    char why[256];

    FUZZ_CHECK(dst_after->set_mask == (dst_before->set_mask | src->set_mask),
               "%s: set_mask 0x%x, expected 0x%x | 0x%x", what, dst_after->set_mask, dst_before->set_mask,
               src->set_mask);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++) {
        const carve_config_t *from = (src->set_mask & (1u << k)) ? src : dst_before;
        FUZZ_CHECK(fuzz_key_equal(dst_after, from, (carve_key_t)k, why, sizeof why),
                   "%s: %s (expected the %s's)", what, why, from == src ? "source" : "destination");
        FUZZ_CHECK(dst_after->source[k] == from->source[k], "%s: source of %s is %d, expected %d", what,
                   carve_key_name((carve_key_t)k), (int)dst_after->source[k], (int)from->source[k]);
    }
}

/* Whether carve_config_to_string writes a path's value (dir, origin) braced: only when the plain form could
 * not carry it (empty, a blank at either end, a leading '{', or a ';' outside balanced braces). */
static bool
path_needs_braces(const char *value)
{
    size_t len = strlen(value), depth = 0;

    if (len == 0 || value[0] == ' ' || value[0] == '\t' || value[len - 1] == ' ' || value[len - 1] == '\t' ||
        value[0] == '{')
        return true;
    for (size_t i = 0; i < len; i++) { /* a ';' outside balanced braces would end a plain value */
        if (value[i] == '{')
            depth++;
        else if (value[i] == '}' && depth > 0)
            depth--;
        else if (value[i] == ';' && depth == 0)
            return true;
    }
    return false;
}

size_t
fuzz_expected_string_length(const carve_config_t *cfg)
{
    size_t length = 0;

    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++) {
        const char *value = NULL;
        size_t      extra = 0;
        if (!(cfg->set_mask & (1u << k)))
            continue;
        switch ((carve_key_t)k) {
            case CARVE_KEY_MODE:
                value = carve_mode_name(cfg->mode);
                break;
            case CARVE_KEY_UNDER_VOL:
                value = cfg->under_vol;
                break;
            case CARVE_KEY_UNDER_INFO:
                value = cfg->under_info;
                extra = 2; /* always written braced */
                break;
            case CARVE_KEY_DIR:
                value = cfg->dir;
                extra = value && path_needs_braces(value) ? 2 : 0; /* braced only when needed */
                break;
            case CARVE_KEY_SKELETON:
                value = cfg->skeleton;
                break;
            case CARVE_KEY_ORIGIN:
                value = cfg->origin;
                extra = value && path_needs_braces(value) ? 2 : 0; /* like dir */
                break;
            case CARVE_KEY_ON_CHANGE:
                value = cfg->on_change;
                break;
            case CARVE_KEY_READ_THROUGH:
                value = cfg->read_through;
                break;
            case CARVE_KEY_IN_MEMORY:
                value = cfg->in_memory;
                break;
            case CARVE_KEY_LOG:
                value = cfg->log;
                break;
            case CARVE_KEY_TIMEOUT:
                value = cfg->timeout;
                break;
            case CARVE_KEY_PARALLEL:
                value = cfg->parallel;
                break;
            case CARVE_KEY_COUNT:
                break;
        }
        length += (length ? 1 : 0) + strlen(carve_key_name((carve_key_t)k)) + 1 + strlen(value ? value : "") +
                  extra;
    }
    return length;
}
