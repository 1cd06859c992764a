/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_config.c — carve's settings: the key table, validation of every value, and the three readers
 * (connector string, CARVE_* environment, YAML file named by CARVE_CONFIG), plus their resolution in
 * precedence order and the writer back to connector-string form.
 *
 * Every key is one row of key_table. Each reader collects its settings into a scratch carve_config_t and
 * merges it into the caller's only when the whole input was accepted, so a failed read changes nothing.
 */
#include "carve_config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_origin.h" /* CARVE_ORIGIN_PARALLEL_* */

/* How a key's value is stored in carve_config_t. */
typedef enum key_kind_t {
    KEY_KIND_MODE, /* a carve_mode_t field */
    KEY_KIND_TEXT  /* a char * field (owned, NUL-terminated) */
} key_kind_t;

/* Checks a value that is already known to be bounded and free of control characters. Returns NULL when
 * the value is acceptable, else a short reason (may be "" when `accepted` says it all). */
typedef const char *(*key_check_t)(const char *value);

typedef struct key_row_t {
    const char *name;   /* in the connector string and the YAML file */
    const char *env;    /* environment variable */
    key_kind_t  kind;   /* field type */
    size_t      offset; /* of the field in carve_config_t */
    key_check_t check;  /* validator */
    bool braced; /* may be written as name={value} by carve_config_to_string (see value_needs_braces) */
    const char *accepted; /* the accepted form, for messages */
} key_row_t;

static const char *check_mode(const char *value);
static const char *check_connector(const char *value);
static const char *check_info(const char *value);
static const char *check_dir(const char *value);
static const char *check_skeleton(const char *value);
static const char *check_on_change(const char *value);
static const char *check_yes_no(const char *value);
static const char *check_in_memory(const char *value);
static const char *check_log(const char *value);
static const char *check_timeout(const char *value);
static const char *check_parallel(const char *value);

/* The settings carve knows. Adding one: a carve_key_t value, a field in carve_config_t, a row here. */
static const key_row_t key_table[CARVE_KEY_COUNT] = {
    [CARVE_KEY_MODE]       = {"mode", "CARVE_MODE", KEY_KIND_MODE, offsetof(carve_config_t, mode), check_mode,
                              false, "off, carve, replay"},
    [CARVE_KEY_UNDER_VOL]  = {"under_vol", "CARVE_UNDER_VOL", KEY_KIND_TEXT,
                              offsetof(carve_config_t, under_vol), check_connector, false,
                              "a connector name of letters, digits, '_', '.', '-' such as native, "
                               "or a connector value 0..2147483647"},
    [CARVE_KEY_UNDER_INFO] = {"under_info", "CARVE_UNDER_INFO", KEY_KIND_TEXT,
                              offsetof(carve_config_t, under_info), check_info, true,
                              "any text whose braces { } balance, possibly empty"},
    [CARVE_KEY_DIR]      = {"dir", "CARVE_DIR", KEY_KIND_TEXT, offsetof(carve_config_t, dir), check_dir, true,
                            "a directory path (braces in it must balance)"},
    [CARVE_KEY_SKELETON] = {"skeleton", "CARVE_SKELETON", KEY_KIND_TEXT, offsetof(carve_config_t, skeleton),
                            check_skeleton, false, "full, touched"},
    [CARVE_KEY_ORIGIN]   = {"origin", "CARVE_ORIGIN", KEY_KIND_TEXT, offsetof(carve_config_t, origin),
                            check_dir, true, "a file path or an http(s) URL (braces in it must balance)"},
    [CARVE_KEY_ON_CHANGE]    = {"on_change", "CARVE_ON_CHANGE", KEY_KIND_TEXT,
                                offsetof(carve_config_t, on_change), check_on_change, false,
                                "error, hits, trust"},
    [CARVE_KEY_READ_THROUGH] = {"read_through", "CARVE_READ_THROUGH", KEY_KIND_TEXT,
                                offsetof(carve_config_t, read_through), check_yes_no, false, "no, yes"},
    [CARVE_KEY_IN_MEMORY] =
        {"in_memory", "CARVE_IN_MEMORY", KEY_KIND_TEXT, offsetof(carve_config_t, in_memory), check_in_memory,
         false, "no, yes, or a size in bytes with an optional K, M or G suffix (load when at most that)"},
    [CARVE_KEY_LOG]     = {"log", "CARVE_LOG", KEY_KIND_TEXT, offsetof(carve_config_t, log), check_log, false,
                           "off, summary, reads"},
    [CARVE_KEY_TIMEOUT] = {"timeout", "CARVE_TIMEOUT", KEY_KIND_TEXT, offsetof(carve_config_t, timeout),
                           check_timeout, false, "whole seconds from 1 to 3600"},
    [CARVE_KEY_PARALLEL] = {"parallel", "CARVE_PARALLEL", KEY_KIND_TEXT, offsetof(carve_config_t, parallel),
                            check_parallel, false, "a whole number of requests from 1 to 64"},
};

/* Longest excerpt of a user's key or value quoted in a message. */
#define QUOTE_MAX 64

/* ------------------------------------------------------------------------------------------------------ */
/* Small helpers                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

static carve_mode_t *
mode_field(carve_config_t *cfg, const key_row_t *row)
{
    return (carve_mode_t *)(void *)((char *)cfg + row->offset);
}

static char **
text_field(carve_config_t *cfg, const key_row_t *row)
{
    return (char **)(void *)((char *)cfg + row->offset);
}

static carve_mode_t
mode_value(const carve_config_t *cfg, const key_row_t *row)
{
    return *(const carve_mode_t *)(const void *)((const char *)cfg + row->offset);
}

static const char *
text_value(const carve_config_t *cfg, const key_row_t *row)
{
    return *(char *const *)(const void *)((const char *)cfg + row->offset);
}

/* A control character: anything below space except tab, and DEL. Bytes >= 0x80 (UTF-8) are text. */
static bool
is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copies at most QUOTE_MAX bytes of text[0..len) into buf for quoting in a message: control characters
 * become '?', and "..." marks a cut. buf must hold QUOTE_MAX + 4 bytes. */
static const char *
quote_text(char *buf, const char *text, size_t len)
{
    size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;

    for (size_t i = 0; i < n; i++)
        buf[i] = is_control((unsigned char)text[i]) ? '?' : text[i];
    if (len > QUOTE_MAX) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* Length of str if it is at most max bytes; SIZE_MAX if it is longer. Reads no further than max + 1. */
static size_t
bounded_length(const char *str, size_t max)
{
    const char *nul = memchr(str, '\0', max + 1);

    return nul ? (size_t)(nul - str) : SIZE_MAX;
}

/* "mode, under_vol, under_info" into buf. */
static const char *
accepted_keys(char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++) {
        int n = snprintf(buf + used, size - used, "%s%s", k ? ", " : "", key_table[k].name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* The row of the key named name[0..len), or -1. */
static int
find_key(const char *name, size_t len)
{
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        if (strlen(key_table[k].name) == len && memcmp(key_table[k].name, name, len) == 0)
            return k;
    return -1;
}

static char *
copy_text(const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return copy;
}

/* Whether the braces of text[0..len) balance ('{' before its '}'). */
static bool
braces_balance(const char *text, size_t len)
{
    size_t depth = 0;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '{')
            depth++;
        else if (text[i] == '}') {
            if (depth == 0)
                return false;
            depth--;
        }
    }
    return depth == 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Validators (key_row_t.check)                                                                            */
/* ------------------------------------------------------------------------------------------------------ */

static const char *
check_mode(const char *value)
{
    return carve_mode_parse(value) == CARVE_MODE_DEFAULT ? "" : NULL;
}

static const char *
check_connector(const char *value)
{
    bool   all_digits = true;
    size_t len        = strlen(value);

    if (len == 0)
        return "it is empty";
    for (size_t i = 0; i < len; i++) {
        char c = value[i];
        if (c >= '0' && c <= '9')
            continue;
        all_digits = false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-'))
            return ""; /* the accepted form says it */
    }
    if (all_digits) {
        /* A connector value: H5VL_class_value_t is an int. */
        unsigned long long number = 0;
        for (size_t i = 0; i < len; i++) {
            number = number * 10 + (unsigned long long)(value[i] - '0');
            if (number > (unsigned long long)INT_MAX)
                return "the connector value is out of range";
        }
    }
    return NULL;
}

static const char *
check_info(const char *value)
{
    return braces_balance(value, strlen(value)) ? NULL : "its braces do not balance";
}

static const char *
check_dir(const char *value)
{
    if (value[0] == '\0')
        return "it is empty";
    return braces_balance(value, strlen(value)) ? NULL : "its braces do not balance";
}

static const char *
check_skeleton(const char *value)
{
    return strcmp(value, "full") == 0 || strcmp(value, "touched") == 0 ? NULL : "";
}

static const char *
check_on_change(const char *value)
{
    return strcmp(value, "error") == 0 || strcmp(value, "hits") == 0 || strcmp(value, "trust") == 0 ? NULL
                                                                                                    : "";
}

static const char *
check_yes_no(const char *value)
{
    return strcmp(value, "yes") == 0 || strcmp(value, "no") == 0 ? NULL : "";
}

/* A size: digits and an optional K, M or G (powers of 1024); -1 when malformed or too large. */
static long long
parse_size(const char *value)
{
    unsigned long long n = 0, unit = 1;
    const char        *p = value;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (unsigned long long)LLONG_MAX / 10)
            return -1;
        n = n * 10 + (unsigned long long)(*p - '0');
    }
    if (*p == 'K' || *p == 'k')
        unit = 1024ull, p++;
    else if (*p == 'M' || *p == 'm')
        unit = 1024ull * 1024, p++;
    else if (*p == 'G' || *p == 'g')
        unit = 1024ull * 1024 * 1024, p++;
    if (*p != '\0' || n > (unsigned long long)LLONG_MAX / unit)
        return -1;
    return (long long)(n * unit);
}

static const char *
check_in_memory(const char *value)
{
    if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
        return NULL;
    return parse_size(value) > 0 ? NULL : "";
}

/* A whole number from 1 to max written in decimal digits only (no sign, no space), or -1. */
static long
parse_count(const char *value, long max)
{
    char *end;
    long  n;

    if (value[0] < '0' || value[0] > '9')
        return -1;
    errno = 0;
    n     = strtol(value, &end, 10);
    return errno || *end != '\0' || n < 1 || n > max ? -1 : n;
}

/* Whole seconds 1..3600, or -1. */
static long
parse_timeout(const char *value)
{
    return parse_count(value, 3600);
}

static const char *
check_timeout(const char *value)
{
    return parse_timeout(value) > 0 ? NULL : "";
}

/* A whole number of requests 1..CARVE_ORIGIN_PARALLEL_MAX, or -1. */
static int
parse_parallel(const char *value)
{
    return (int)parse_count(value, CARVE_ORIGIN_PARALLEL_MAX);
}

static const char *
check_parallel(const char *value)
{
    return parse_parallel(value) > 0 ? NULL : "";
}

static const char *
check_log(const char *value)
{
    return strcmp(value, "off") == 0 || strcmp(value, "summary") == 0 || strcmp(value, "reads") == 0 ? NULL
                                                                                                     : "";
}

/* ------------------------------------------------------------------------------------------------------ */
/* Typed values of the validated settings                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

carve_on_change_t
carve_config_on_change(const carve_config_t *cfg)
{
    if (cfg->on_change && strcmp(cfg->on_change, "hits") == 0)
        return CARVE_ON_CHANGE_HITS;
    if (cfg->on_change && strcmp(cfg->on_change, "trust") == 0)
        return CARVE_ON_CHANGE_TRUST;
    return CARVE_ON_CHANGE_ERROR;
}

int
carve_config_read_through(const carve_config_t *cfg)
{
    return cfg->read_through && strcmp(cfg->read_through, "yes") == 0;
}

long long
carve_config_in_memory(const carve_config_t *cfg)
{
    if (!cfg->in_memory || strcmp(cfg->in_memory, "no") == 0)
        return 0;
    if (strcmp(cfg->in_memory, "yes") == 0)
        return -1;
    return parse_size(cfg->in_memory);
}

long
carve_config_timeout(const carve_config_t *cfg)
{
    return cfg->timeout ? parse_timeout(cfg->timeout) : 30;
}

int
carve_config_parallel(const carve_config_t *cfg)
{
    return cfg->parallel ? parse_parallel(cfg->parallel) : CARVE_ORIGIN_PARALLEL_DEFAULT;
}

carve_log_t
carve_config_log(const carve_config_t *cfg)
{
    if (cfg->log && strcmp(cfg->log, "summary") == 0)
        return CARVE_LOG_SUMMARY;
    if (cfg->log && strcmp(cfg->log, "reads") == 0)
        return CARVE_LOG_READS;
    return CARVE_LOG_OFF;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Setting one key                                                                                         */
/* ------------------------------------------------------------------------------------------------------ */

/* Validates value for key_table[key] and stores it in cfg. origin names where it came from. */
static herr_t
set_key(carve_config_t *cfg, int key, const char *value, carve_source_t source, const char *origin)
{
    const key_row_t *row = &key_table[key];
    char             shown[QUOTE_MAX + 4];
    const char      *reason    = NULL;
    size_t           len       = 0;
    herr_t           ret_value = 0;

    if (value == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "no value for %s in %s (accepted: %s)",
                         row->name, origin, row->accepted);
    len = bounded_length(value, CARVE_CONFIG_MAX_STRING);
    if (len == SIZE_MAX)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "value for %s in %s is longer than %zu bytes (CARVE_CONFIG_MAX_STRING)", row->name,
                         origin, CARVE_CONFIG_MAX_STRING);
    for (size_t i = 0; i < len; i++)
        if (is_control((unsigned char)value[i]))
            CARVE_GOTO_ERROR(
                CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                "bad value '%s' for %s in %s: control character 0x%02x at offset %zu (accepted: %s)",
                quote_text(shown, value, len), row->name, origin, (unsigned)(unsigned char)value[i], i,
                row->accepted);
    reason = row->check(value);
    if (reason != NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "bad value '%s' for %s in %s%s%s (accepted: %s)", quote_text(shown, value, len),
                         row->name, origin, *reason ? ": " : "", reason, row->accepted);

    switch (row->kind) {
        case KEY_KIND_MODE:
            *mode_field(cfg, row) = carve_mode_parse(value);
            break;
        case KEY_KIND_TEXT: {
            char *copy = copy_text(value, len);
            if (copy == NULL)
                CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, -1, "out of memory storing %s from %s",
                                 row->name, origin);
            free(*text_field(cfg, row));
            *text_field(cfg, row) = copy;
            break;
        }
    }
    cfg->set_mask |= 1u << key;
    cfg->source[key] = source;

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The config object                                                                                       */
/* ------------------------------------------------------------------------------------------------------ */

void
carve_config_init(carve_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++) {
        const key_row_t *row = &key_table[k];
        if (row->kind == KEY_KIND_MODE)
            *mode_field(cfg, row) = CARVE_MODE_OFF;
        else
            *text_field(cfg, row) = NULL;
        cfg->source[k] = CARVE_SOURCE_DEFAULT;
    }
    cfg->set_mask = 0;
}

void
carve_config_clear(carve_config_t *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++)
        if (key_table[k].kind == KEY_KIND_TEXT)
            free(*text_field(cfg, &key_table[k]));
    carve_config_init(cfg);
}

herr_t
carve_config_copy(carve_config_t *dst, const carve_config_t *src)
{
    herr_t ret_value = 0;

    if (dst == NULL || src == NULL || dst == src)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_copy: %s",
                         dst == src && dst ? "source and destination are the same" : "NULL argument");
    carve_config_init(dst);
    if (carve_config_merge(dst, src) < 0)
        CARVE_GOTO_DONE(-1);
    /* A copy is exact: also the mask and sources of keys src has not set (normally all default). */
    dst->set_mask = src->set_mask;
    memcpy(dst->source, src->source, sizeof dst->source);

done:
    return ret_value;
}

herr_t
carve_config_merge(carve_config_t *dst, const carve_config_t *src)
{
    char  *copies[CARVE_KEY_COUNT] = {NULL};
    herr_t ret_value               = 0;

    if (dst == NULL || src == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_merge: NULL argument");
    if (dst == src)
        CARVE_GOTO_DONE(0);

    /* Allocate every copy first, so that dst is either fully merged or untouched. */
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++) {
        const char *text;
        if (!(src->set_mask & (1u << k)) || key_table[k].kind != KEY_KIND_TEXT)
            continue;
        text = text_value(src, &key_table[k]);
        if (text == NULL)
            continue;
        copies[k] = copy_text(text, strlen(text));
        if (copies[k] == NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, -1, "out of memory copying %s",
                             key_table[k].name);
    }
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++) {
        const key_row_t *row = &key_table[k];
        if (!(src->set_mask & (1u << k)))
            continue;
        if (row->kind == KEY_KIND_MODE)
            *mode_field(dst, row) = mode_value(src, row);
        else {
            free(*text_field(dst, row));
            *text_field(dst, row) = copies[k];
            copies[k]             = NULL;
        }
        dst->set_mask |= 1u << k;
        dst->source[k] = src->source[k];
    }

done:
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++)
        free(copies[k]);
    return ret_value;
}

herr_t
carve_config_set(carve_config_t *cfg, const char *key, const char *value, carve_source_t source,
                 const char *origin)
{
    char   shown[QUOTE_MAX + 4];
    char   keys[256];
    size_t key_len   = 0;
    int    found     = -1;
    herr_t ret_value = 0;

    if (origin == NULL)
        origin = "settings";
    if (cfg == NULL || key == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_set: NULL %s (from %s)",
                         cfg ? "key" : "config", origin);
    key_len = bounded_length(key, CARVE_CONFIG_MAX_STRING);
    if (key_len == SIZE_MAX)
        key_len = CARVE_CONFIG_MAX_STRING + 1; /* too long to be a key; quote_text reads only QUOTE_MAX */
    else
        found = find_key(key, key_len);
    if (found < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, -1, "unknown key '%s' in %s (accepted: %s)",
                         quote_text(shown, key, key_len), origin, accepted_keys(keys, sizeof keys));
    if (set_key(cfg, found, value, source, origin) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Connector string                                                                                        */
/* ------------------------------------------------------------------------------------------------------ */

#define IN_STRING "connector string"

/* Finds the end of a value starting at buf[*pos]: a ';' outside braces or the end of the string. Braces
 * must balance. On success *pos is at the ';' or the end. */
static herr_t
scan_plain_value(const char *buf, size_t len, size_t *pos, const char *key)
{
    size_t depth     = 0;
    size_t open_at   = 0;
    size_t i         = *pos;
    herr_t ret_value = 0;

    for (; i < len && !(buf[i] == ';' && depth == 0); i++) {
        if (buf[i] == '{') {
            if (depth++ == 0)
                open_at = i;
        }
        else if (buf[i] == '}') {
            if (depth == 0)
                CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                                 "unbalanced braces in the value of '%s' in " IN_STRING
                                 ": '}' at offset %zu has no matching '{'",
                                 key, i);
            depth--;
        }
    }
    if (depth > 0)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "unbalanced braces in the value of '%s' in " IN_STRING
                         ": '{' at offset %zu is never closed",
                         key, open_at);
    *pos = i;

done:
    return ret_value;
}

/* buf[*pos] is '{': finds its matching '}'. On success *pos is just past it. */
static herr_t
scan_braced_value(const char *buf, size_t len, size_t *pos, const char *key)
{
    size_t depth     = 0;
    size_t open_at   = *pos;
    size_t i         = *pos;
    herr_t ret_value = 0;

    for (; i < len; i++) {
        if (buf[i] == '{')
            depth++;
        else if (buf[i] == '}' && --depth == 0)
            break;
    }
    if (i == len)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "unbalanced braces in the value of '%s' in " IN_STRING
                         ": '{' at offset %zu is never closed",
                         key, open_at);
    *pos = i + 1;

done:
    return ret_value;
}

/* Parses buf[0..len) (a private, writable copy: keys and values are cut out of it in place) into cfg. */
static herr_t
parse_items(carve_config_t *cfg, char *buf, size_t len)
{
    char   shown[QUOTE_MAX + 4];
    char   keys[256];
    size_t pos       = 0;
    herr_t ret_value = 0;

    while (pos < len) {
        size_t item_start, key_end, value_start, value_end;
        int    key;

        while (pos < len && (is_blank(buf[pos]) || buf[pos] == ';'))
            pos++; /* blanks and empty items */
        if (pos == len)
            break;

        /* key, up to '=' */
        item_start = pos;
        while (pos < len && buf[pos] != '=' && buf[pos] != ';')
            pos++;
        key_end = pos;
        while (key_end > item_start && is_blank(buf[key_end - 1]))
            key_end--;
        if (pos == len || buf[pos] == ';')
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                             "item '%s' in " IN_STRING " has no '=' (expected key=value; accepted keys: %s)",
                             quote_text(shown, buf + item_start, key_end - item_start),
                             accepted_keys(keys, sizeof keys));
        if (key_end == item_start)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, -1,
                             "empty key before '=' at offset %zu in " IN_STRING
                             " (expected key=value; accepted keys: %s)",
                             pos, accepted_keys(keys, sizeof keys));
        key = find_key(buf + item_start, key_end - item_start);
        if (key < 0)
            CARVE_GOTO_ERROR(
                CARVE_E_CONFIG, CARVE_E_BADKEY, -1, "unknown key '%s' in " IN_STRING " (accepted: %s)",
                quote_text(shown, buf + item_start, key_end - item_start), accepted_keys(keys, sizeof keys));
        if (cfg->set_mask & (1u << key))
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, -1, "key '%s' is given twice in " IN_STRING,
                             key_table[key].name);
        pos++; /* past '=' */

        /* value: braced, or plain up to ';' */
        while (pos < len && is_blank(buf[pos]))
            pos++;
        if (pos < len && buf[pos] == '{') {
            value_start = pos + 1;
            if (scan_braced_value(buf, len, &pos, key_table[key].name) < 0)
                CARVE_GOTO_DONE(-1);
            value_end = pos - 1;
            while (pos < len && is_blank(buf[pos]))
                pos++;
            if (pos < len && buf[pos] == '}')
                CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                                 "unbalanced braces in the value of '%s' in " IN_STRING
                                 ": '}' at offset %zu has no matching '{'",
                                 key_table[key].name, pos);
            if (pos < len && buf[pos] != ';')
                CARVE_GOTO_ERROR(
                    CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                    "unexpected text '%s' at offset %zu after the braced value of '%s' in " IN_STRING
                    " (expected ';' or the end)",
                    quote_text(shown, buf + pos, len - pos), pos, key_table[key].name);
        }
        else {
            value_start = pos;
            if (scan_plain_value(buf, len, &pos, key_table[key].name) < 0)
                CARVE_GOTO_DONE(-1);
            value_end = pos;
            while (value_end > value_start && is_blank(buf[value_end - 1]))
                value_end--;
        }

        /* pos is at ';' or the end; cutting the value there cannot disturb what is left to scan */
        buf[value_end] = '\0';
        if (set_key(cfg, key, buf + value_start, CARVE_SOURCE_STRING, IN_STRING) < 0)
            CARVE_GOTO_DONE(-1);
        if (pos < len)
            pos++; /* past ';' */
    }

done:
    return ret_value;
}

herr_t
carve_config_parse_string(carve_config_t *cfg, const char *str)
{
    carve_config_t parsed;
    char          *buf       = NULL;
    size_t         len       = 0;
    herr_t         ret_value = 0;

    carve_config_init(&parsed);
    if (cfg == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_parse_string: NULL config");
    if (str == NULL)
        CARVE_GOTO_DONE(0);
    len = bounded_length(str, CARVE_CONFIG_MAX_STRING);
    if (len == SIZE_MAX)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         IN_STRING " is longer than %zu bytes (CARVE_CONFIG_MAX_STRING)",
                         CARVE_CONFIG_MAX_STRING);
    for (size_t i = 0; i < len; i++)
        if (is_control((unsigned char)str[i]))
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                             "control character 0x%02x at offset %zu in " IN_STRING
                             " (accepted: printable text, spaces and tabs)",
                             (unsigned)(unsigned char)str[i], i);
    if ((buf = copy_text(str, len)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, -1, "out of memory copying the " IN_STRING);
    if (parse_items(&parsed, buf, len) < 0)
        CARVE_GOTO_DONE(-1);
    if (carve_config_merge(cfg, &parsed) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(buf);
    carve_config_clear(&parsed);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Environment                                                                                             */
/* ------------------------------------------------------------------------------------------------------ */

herr_t
carve_config_read_env(carve_config_t *cfg)
{
    carve_config_t from_env;
    char           origin[128];
    herr_t         ret_value = 0;

    carve_config_init(&from_env);
    if (cfg == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_read_env: NULL config");
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++) {
        const char *value = getenv(key_table[k].env);
        if (value == NULL || value[0] == '\0')
            continue;
        snprintf(origin, sizeof origin, "environment variable %s", key_table[k].env);
        if (set_key(&from_env, k, value, CARVE_SOURCE_ENV, origin) < 0)
            CARVE_GOTO_DONE(-1);
    }
    if (carve_config_merge(cfg, &from_env) < 0)
        CARVE_GOTO_DONE(-1);

done:
    carve_config_clear(&from_env);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* YAML file                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

/* What a config file is, for carve_read_file's messages. Not only regular files: a config can come from
 * a pipe (CARVE_CONFIG=<(...)). */
static const carve_file_kind_t config_file = {"config file", "CARVE_CONFIG_MAX_FILE", false};

static const char *
yaml_node_kind(const yaml_node_t *node)
{
    switch (node->type) {
        case YAML_SCALAR_NODE:
            return "a scalar";
        case YAML_SEQUENCE_NODE:
            return "a sequence";
        case YAML_MAPPING_NODE:
            return "a mapping";
        case YAML_NO_NODE:
            break;
    }
    return "empty";
}

/* Pushes an error for a parser that failed on path. */
static void
yaml_parser_failure(const yaml_parser_t *parser, const char *path)
{
    const char *problem = parser->problem ? parser->problem : "unknown problem";

    switch (parser->error) {
        case YAML_MEMORY_ERROR:
            CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, "out of memory parsing config file %s", path);
            break;
        case YAML_READER_ERROR:
            CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, "config file %s: unreadable text at byte %zu: %s",
                        path, parser->problem_offset, problem);
            break;
        default:
            if (parser->context)
                CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE,
                            "config file %s line %zu column %zu: YAML syntax error: %s (%s at line %zu)",
                            path, parser->problem_mark.line + 1, parser->problem_mark.column + 1, problem,
                            parser->context, parser->context_mark.line + 1);
            else
                CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE,
                            "config file %s line %zu column %zu: YAML syntax error: %s", path,
                            parser->problem_mark.line + 1, parser->problem_mark.column + 1, problem);
            break;
    }
}

/* Settings from the root node of a loaded document into cfg. */
static herr_t
read_yaml_mapping(carve_config_t *cfg, yaml_document_t *doc, const char *path)
{
    yaml_node_t *root                      = yaml_document_get_root_node(doc);
    size_t       key_line[CARVE_KEY_COUNT] = {0};
    char         shown[QUOTE_MAX + 4];
    char         keys[256];
    char         origin[1024];
    herr_t       ret_value = 0;

    if (root == NULL)
        CARVE_GOTO_DONE(0); /* empty file, or only comments */
    if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
        root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        CARVE_GOTO_DONE(0); /* "---" and nothing else */
    if (root->type != YAML_MAPPING_NODE)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "config file %s line %zu: the top level is %s (expected a mapping of key: value, "
                         "accepted keys: %s)",
                         path, root->start_mark.line + 1, yaml_node_kind(root),
                         accepted_keys(keys, sizeof keys));

    for (yaml_node_pair_t *pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top;
         pair++) {
        yaml_node_t *key_node   = yaml_document_get_node(doc, pair->key);
        yaml_node_t *value_node = yaml_document_get_node(doc, pair->value);
        const char  *name;
        const char  *value;
        size_t       line;
        int          key;

        if (key_node == NULL || value_node == NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, -1, "config file %s: malformed YAML document",
                             path);
        line = key_node->start_mark.line + 1;
        if (key_node->type != YAML_SCALAR_NODE)
            CARVE_GOTO_ERROR(
                CARVE_E_CONFIG, CARVE_E_BADKEY, -1,
                "config file %s line %zu: a key is %s (expected a scalar key; accepted keys: %s)", path, line,
                yaml_node_kind(key_node), accepted_keys(keys, sizeof keys));
        name = (const char *)key_node->data.scalar.value;
        key =
            strlen(name) == key_node->data.scalar.length ? find_key(name, key_node->data.scalar.length) : -1;
        if (key < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, -1,
                             "unknown key '%s' in config file %s line %zu (accepted: %s)",
                             quote_text(shown, name, key_node->data.scalar.length), path, line,
                             accepted_keys(keys, sizeof keys));
        if (cfg->set_mask & (1u << key))
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, -1,
                             "key '%s' is given twice in config file %s (lines %zu and %zu)",
                             key_table[key].name, path, key_line[key], line);
        key_line[key] = line;

        line = value_node->start_mark.line + 1;
        snprintf(origin, sizeof origin, "config file %s line %zu", path, line);
        if (value_node->type != YAML_SCALAR_NODE)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                             "value of %s in %s is %s (expected a scalar: %s)", key_table[key].name, origin,
                             yaml_node_kind(value_node), key_table[key].accepted);
        value = (const char *)value_node->data.scalar.value;
        if (strlen(value) != value_node->data.scalar.length)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                             "value of %s in %s contains a NUL character (accepted: %s)", key_table[key].name,
                             origin, key_table[key].accepted);
        if (set_key(cfg, key, value, CARVE_SOURCE_FILE, origin) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

herr_t
carve_config_read_file(carve_config_t *cfg, const char *path)
{
    carve_config_t  from_file;
    yaml_parser_t   parser;
    yaml_document_t doc;
    bool            parser_ready = false;
    bool            doc_ready    = false;
    char           *data         = NULL;
    size_t          size         = 0;
    herr_t          ret_value    = 0;

    carve_config_init(&from_file);
    if (cfg == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_read_file: NULL config");
    if (path == NULL || path[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "carve_config_read_file: no config file path given");
    if (carve_read_file(path, CARVE_CONFIG_MAX_FILE, CARVE_E_CONFIG, &config_file, &data, &size) < 0)
        CARVE_GOTO_DONE(-1);

    if (!yaml_parser_initialize(&parser))
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, -1,
                         "cannot initialise the YAML parser for config file %s", path);
    parser_ready = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, size);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_parser_failure(&parser, path);
        CARVE_GOTO_DONE(-1);
    }
    doc_ready = true;
    if (read_yaml_mapping(&from_file, &doc, path) < 0)
        CARVE_GOTO_DONE(-1);

    /* A second document would be ignored silently: refuse it (and report a syntax error after the first). */
    if (yaml_document_get_root_node(&doc) != NULL) {
        yaml_node_t *extra;
        yaml_document_delete(&doc);
        doc_ready = false;
        if (!yaml_parser_load(&parser, &doc)) {
            yaml_parser_failure(&parser, path);
            CARVE_GOTO_DONE(-1);
        }
        doc_ready = true;
        if ((extra = yaml_document_get_root_node(&doc)) != NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                             "config file %s line %zu: a second YAML document (expected a single mapping)",
                             path, extra->start_mark.line + 1);
    }
    if (carve_config_merge(cfg, &from_file) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (doc_ready)
        yaml_document_delete(&doc);
    if (parser_ready)
        yaml_parser_delete(&parser);
    free(data);
    carve_config_clear(&from_file);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Resolution and output                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

herr_t
carve_config_resolve(carve_config_t *out, const carve_config_t *explicit_cfg)
{
    const char *path;
    herr_t      ret_value = 0;

    if (out == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1, "carve_config_resolve: NULL config");
    carve_config_init(out);
    path = getenv("CARVE_CONFIG");
    if (path != NULL && path[0] != '\0' && carve_config_read_file(out, path) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, -1,
                         "cannot use config file %s, named by environment variable CARVE_CONFIG", path);
    if (carve_config_read_env(out) < 0)
        CARVE_GOTO_DONE(-1);
    if (explicit_cfg != NULL && carve_config_merge(out, explicit_cfg) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (ret_value < 0 && out != NULL)
        carve_config_clear(out);
    return ret_value;
}

/* Whether a value is written braced: under_info always (its form is name={...}); other braced-kind
 * keys only when the plain form could not carry the value, so that writing back a string carve read
 * never makes it longer than the string was. */
static bool
value_needs_braces(const key_row_t *row, const char *text)
{
    size_t len   = strlen(text);
    size_t depth = 0;

    if (!row->braced)
        return false;

    if (row == &key_table[CARVE_KEY_UNDER_INFO] || len == 0 || is_blank(text[0]) || is_blank(text[len - 1]) ||
        text[0] == '{')
        return true;
    /* Balanced braces are fine in a plain value; a ';' outside them would end it. */
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '{')
            depth++;
        else if (text[i] == '}' && depth > 0)
            depth--;
        else if (text[i] == ';' && depth == 0)
            return true;
    }
    return false;
}

char *
carve_config_to_string(const carve_config_t *cfg)
{
    const char *texts[CARVE_KEY_COUNT]  = {NULL};
    size_t      length                  = 0; /* of the string to write, without its NUL */
    size_t      used                    = 0;
    char       *str                     = NULL;
    char       *ret_value               = NULL;
    bool        braced[CARVE_KEY_COUNT] = {false};

    if (cfg == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL, "carve_config_to_string: NULL config");

    /* The text of every set key, refusing what carve_config_parse_string could not read back. */
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++) {
        const key_row_t *row = &key_table[k];
        if (!(cfg->set_mask & (1u << k)))
            continue;
        if (row->kind == KEY_KIND_MODE) {
            carve_mode_t mode = mode_value(cfg, row);
            if (mode != CARVE_MODE_OFF && mode != CARVE_MODE_CARVE && mode != CARVE_MODE_REPLAY)
                CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                                 "cannot write %s: mode %d is not one of: %s", row->name, (int)mode,
                                 row->accepted);
            texts[k] = carve_mode_name(mode);
        }
        else {
            const char *text = text_value(cfg, row);
            size_t      len;
            if (text == NULL)
                CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                                 "cannot write %s: it is marked set but has no value", row->name);
            len = bounded_length(text, CARVE_CONFIG_MAX_STRING);
            if (len == SIZE_MAX)
                CARVE_GOTO_ERROR(
                    CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                    "cannot write %s: its value is longer than %zu bytes (CARVE_CONFIG_MAX_STRING)",
                    row->name, CARVE_CONFIG_MAX_STRING);
            for (size_t i = 0; i < len; i++)
                if (is_control((unsigned char)text[i]))
                    CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                                     "cannot write %s: its value has control character 0x%02x at offset %zu",
                                     row->name, (unsigned)(unsigned char)text[i], i);
            if (row->check(text) != NULL)
                CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                                 "cannot write %s: its value is not valid (accepted: %s)", row->name,
                                 row->accepted);
            texts[k] = text;
        }
        braced[k] = value_needs_braces(row, texts[k]);
        length += (length ? 1 : 0) + strlen(row->name) + 1 + strlen(texts[k]) + (braced[k] ? 2 : 0);
    }
    if (length > CARVE_CONFIG_MAX_STRING)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_BADVALUE, NULL,
                         "the settings make a connector string of %zu bytes, longer than %zu "
                         "(CARVE_CONFIG_MAX_STRING)",
                         length, CARVE_CONFIG_MAX_STRING);
    if ((str = malloc(length + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, NULL, "out of memory writing the connector string");
    str[0] = '\0';
    for (size_t k = 0; k < CARVE_KEY_COUNT; k++) {
        const key_row_t *row = &key_table[k];
        int              n;
        if (texts[k] == NULL)
            continue;
        n = snprintf(str + used, length + 1 - used, braced[k] ? "%s%s={%s}" : "%s%s=%s", used ? ";" : "",
                     row->name, texts[k]);
        if (n < 0 || (size_t)n > length - used)
            CARVE_GOTO_ERROR(CARVE_E_CONFIG, CARVE_E_SYSTEM, NULL, "cannot write the connector string");
        used += (size_t)n;
    }
    ret_value = str;
    str       = NULL;

done:
    free(str);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Names                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

carve_mode_t
carve_mode_parse(const char *name)
{
    if (name == NULL)
        return CARVE_MODE_DEFAULT;
    if (strcmp(name, "off") == 0)
        return CARVE_MODE_OFF;
    if (strcmp(name, "carve") == 0)
        return CARVE_MODE_CARVE;
    if (strcmp(name, "replay") == 0)
        return CARVE_MODE_REPLAY;
    return CARVE_MODE_DEFAULT;
}

const char *
carve_mode_name(carve_mode_t mode)
{
    switch (mode) {
        case CARVE_MODE_DEFAULT:
            return "default";
        case CARVE_MODE_OFF:
            return "off";
        case CARVE_MODE_CARVE:
            return "carve";
        case CARVE_MODE_REPLAY:
            return "replay";
    }
    return "unknown";
}

const char *
carve_key_name(carve_key_t key)
{
    return (unsigned)key < CARVE_KEY_COUNT ? key_table[key].name : NULL;
}

const char *
carve_key_env(carve_key_t key)
{
    return (unsigned)key < CARVE_KEY_COUNT ? key_table[key].env : NULL;
}
