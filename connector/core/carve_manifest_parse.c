/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_manifest_parse.c — the manifest's parser: YAML text into a carve_manifest_t, strictly. Every key,
 * type, shape and range is checked and every error names the text, the line and the key path
 * (datasets[3].selections[7].count), so that a hand-edited manifest says what to fix.
 *
 * The parser streams libyaml's events, so memory grows with the manifest's content, never with a node
 * tree. Plain fields are read from the schema's tables (carve_manifest_schema.h), the rest by the readers
 * below. A dataset's selections and chunks may come before its dims in a hand-edited file, so their numbers
 * are collected first and checked against the dataset's rank and extent when its entry ends. Selections
 * are rebuilt record for record (not through carve_selection_add, which folds neighbours), so that
 * parse(emit(m)) gives back exactly m.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "carve_base64.h"
#include "carve_selection_codec.h"
#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_manifest.h"
#include "carve_manifest_schema.h"
#include "carve_version.h"

/* Room for "<what> line N, key <path>". */
#define WHERE_SIZE 4608

/* ------------------------------------------------------------------------------------------------------ */
/* Numbers, names and room                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

/* Canonical unsigned decimal (no sign, no leading zeros, no blanks) into *value. */
static bool
parse_decimal(const char *s, size_t len, uint64_t *value)
{
    uint64_t v = 0;

    if (len == 0 || (len > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned digit;
        if (s[i] < '0' || s[i] > '9')
            return false;
        digit = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *value = v;
    return true;
}

/* Signed decimal: an optional '-' then a canonical unsigned decimal. */
static bool
parse_signed_decimal(const char *s, size_t len, int64_t *value)
{
    bool     negative = len > 0 && s[0] == '-';
    uint64_t magnitude;

    if (!parse_decimal(s + negative, len - negative, &magnitude))
        return false;
    if (negative) {
        if (magnitude > (uint64_t)INT64_MAX + 1)
            return false;
        *value = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
    }
    else {
        if (magnitude > (uint64_t)INT64_MAX)
            return false;
        *value = (int64_t)magnitude;
    }
    return true;
}

/* "a, b, c" of names[0..n) into buf. */
static const char *
join_names(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

/* Room for `need` items of `size` bytes in *items (an array of *cap), or a message naming what the
 * manifest holds too many of. */
static herr_t
reserve_items(void *items, size_t *cap, size_t need, size_t size, const char *what)
{
    herr_t ret_value = 0;

    switch (carve_array_reserve(items, cap, need, size)) {
        case CARVE_GROW_OK:
            break;
        case CARVE_GROW_TOO_LARGE:
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "too many %s in the manifest", what);
        case CARVE_GROW_NOMEM:
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                             "out of memory holding %zu %s of the manifest", need, what);
    }

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The event reader                                                                                        */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct reader_t {
    yaml_parser_t parser;
    yaml_event_t  event; /* the current event */
    bool          have_event;
    const char   *what; /* names the text in messages */
    keypath_t     path; /* the key being read */
    char          where[WHERE_SIZE];
} reader_t;

static size_t
event_line(const reader_t *r)
{
    return r->event.start_mark.line + 1;
}

static const char *
event_kind(yaml_event_type_t type)
{
    switch (type) {
        case YAML_SCALAR_EVENT:
            return "a scalar";
        case YAML_SEQUENCE_START_EVENT:
            return "a sequence";
        case YAML_MAPPING_START_EVENT:
            return "a mapping";
        case YAML_ALIAS_EVENT:
            return "an alias";
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            return "the end of a collection";
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_STREAM_END_EVENT:
        case YAML_NO_EVENT:
            break;
    }
    return "the end of the document";
}

/* What the current scalar is, for "expected X, found Y". */
static const char *
found_kind(const reader_t *r)
{
    if (r->event.type != YAML_SCALAR_EVENT)
        return event_kind(r->event.type);
    if (r->event.data.scalar.length == 0 && r->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        return "no value (null)";
    if (r->event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return "a quoted string";
    return "a plain scalar";
}

/* "<what> line N, key K[.leaf]" (or without the key at the top level), in r->where. */
static const char *
reader_at(reader_t *r, size_t line, const char *leaf)
{
    char keys[512];

    keypath_format(&r->path, leaf, keys, sizeof keys);
    if (keys[0])
        snprintf(r->where, sizeof r->where, "%s line %zu, key %s", r->what, line, keys);
    else
        snprintf(r->where, sizeof r->where, "%s line %zu", r->what, line);
    return r->where;
}

/* Pushes an error for a parser that failed. */
static void
report_syntax_error(reader_t *r)
{
    const yaml_parser_t *p       = &r->parser;
    const char          *problem = p->problem ? p->problem : "unknown problem";
    char                 keys[512];

    keypath_format(&r->path, NULL, keys, sizeof keys);
    switch (p->error) {
        case YAML_MEMORY_ERROR:
            CARVE_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, "out of memory parsing %s", r->what);
            break;
        case YAML_READER_ERROR:
            CARVE_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, "%s: unreadable text at byte %zu: %s", r->what,
                        p->problem_offset, problem);
            break;
        default:
            CARVE_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE,
                        "%s line %zu column %zu%s%s: YAML syntax error: %s%s%s", r->what,
                        p->problem_mark.line + 1, p->problem_mark.column + 1, keys[0] ? ", in key " : "",
                        keys, problem, p->context ? ", " : "", p->context ? p->context : "");
            break;
    }
}

/* Moves to the next event. Aliases are refused here, so no reader meets one. */
static herr_t
reader_next(reader_t *r)
{
    herr_t ret_value = 0;

    if (r->have_event) {
        yaml_event_delete(&r->event);
        r->have_event = false;
    }
    if (!yaml_parser_parse(&r->parser, &r->event)) {
        report_syntax_error(r);
        CARVE_GOTO_DONE(-1);
    }
    r->have_event = true;
    if (r->event.type == YAML_ALIAS_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: an alias (*%s); a manifest has no anchors or aliases",
                         reader_at(r, event_line(r), NULL), (const char *)r->event.data.alias.anchor);

done:
    return ret_value;
}

/* Text of a string value (any quoting); null and text with NUL characters are refused. */
static herr_t
read_text(reader_t *r, char **out)
{
    const char *value;
    size_t      len;
    herr_t      ret_value = 0;

    *out = NULL;
    if (r->event.type != YAML_SCALAR_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: expected a string, found %s",
                         reader_at(r, event_line(r), NULL), found_kind(r));
    value = (const char *)r->event.data.scalar.value;
    len   = r->event.data.scalar.length;
    if (r->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (len == 0 || strcmp(value, "~") == 0 || strcmp(value, "null") == 0 || strcmp(value, "Null") == 0 ||
         strcmp(value, "NULL") == 0))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: expected a string, found no value (null)", reader_at(r, event_line(r), NULL));
    if (strlen(value) != len)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: the string contains a NUL character",
                         reader_at(r, event_line(r), NULL));
    if ((*out = malloc(len + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: out of memory",
                         reader_at(r, event_line(r), NULL));
    memcpy(*out, value, len + 1);

done:
    return ret_value;
}

/* A string that must be one of names[0..n): its index into *index. */
static herr_t
read_choice(reader_t *r, const char *const *names, size_t n, const char *accepted, size_t *index)
{
    char   shown[EXCERPT_MAX + 4];
    herr_t ret_value = 0;

    if (r->event.type != YAML_SCALAR_EVENT || r->event.data.scalar.length == 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: expected one of %s, found %s",
                         reader_at(r, event_line(r), NULL), accepted, found_kind(r));
    *index = find_name(names, n, (const char *)r->event.data.scalar.value, r->event.data.scalar.length);
    if (*index == n)
        CARVE_GOTO_ERROR(
            CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: '%s' is not one of %s",
            reader_at(r, event_line(r), NULL),
            excerpt(shown, (const char *)r->event.data.scalar.value, r->event.data.scalar.length), accepted);

done:
    return ret_value;
}

/* A plain scalar holding a number: checks the type and returns the text. */
static herr_t
expect_number_text(reader_t *r, const char *expected, const char **text, size_t *len)
{
    herr_t ret_value = 0;

    if (r->event.type != YAML_SCALAR_EVENT || r->event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        r->event.data.scalar.length == 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: expected %s, found %s",
                         reader_at(r, event_line(r), NULL), expected, found_kind(r));
    *text = (const char *)r->event.data.scalar.value;
    *len  = r->event.data.scalar.length;

done:
    return ret_value;
}

/* A number in plain decimal digits (no leading zeros): unsigned into *u64 when u64 is given, else signed,
 * at least min, into *i64. */
static herr_t
read_number(reader_t *r, uint64_t *u64, int64_t *i64, int64_t min)
{
    const char *text = NULL;
    size_t      len  = 0;
    char        shown[EXCERPT_MAX + 4], range[48];
    herr_t      ret_value = 0;

    if (expect_number_text(r, "a number", &text, &len) < 0)
        CARVE_GOTO_DONE(-1);
    if (u64 ? !parse_decimal(text, len, u64) : (!parse_signed_decimal(text, len, i64) || *i64 < min)) {
        if (u64)
            snprintf(range, sizeof range, "0..%" PRIu64, UINT64_MAX);
        else
            snprintf(range, sizeof range, "%" PRId64 "..%" PRId64, min, INT64_MAX);
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: '%s' is not a number %s (plain decimal digits, no leading zeros)",
                         reader_at(r, event_line(r), NULL), excerpt(shown, text, len), range);
    }

done:
    return ret_value;
}

/* mtime: "seconds.nanoseconds" (the fraction 1 to 9 digits, or none). */
static herr_t
read_mtime(reader_t *r, int64_t *sec, int64_t *nsec)
{
    const char *text = NULL, *dot;
    size_t      len  = 0, whole;
    char        shown[EXCERPT_MAX + 4];
    herr_t      ret_value = 0;

    if (expect_number_text(r, "seconds.nanoseconds", &text, &len) < 0)
        CARVE_GOTO_DONE(-1);
    dot   = memchr(text, '.', len);
    whole = dot ? (size_t)(dot - text) : len;
    *nsec = 0;
    if (!parse_signed_decimal(text, whole, sec))
        goto bad;
    if (dot) {
        size_t digits = len - whole - 1;
        if (digits < 1 || digits > 9)
            goto bad;
        for (size_t i = 0; i < 9; i++) {
            char c = i < digits ? dot[1 + i] : '0';
            if (c < '0' || c > '9')
                goto bad;
            *nsec = *nsec * 10 + (c - '0');
        }
    }
    CARVE_GOTO_DONE(0);
bad:
    CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                     "%s: '%s' is not seconds.nanoseconds (such as 1732269600.123456789)",
                     reader_at(r, event_line(r), NULL), excerpt(shown, text, len));

done:
    return ret_value;
}

/* [n, ...] of at most H5S_MAX_RANK numbers into values; their count into *n. */
static herr_t
read_number_list(reader_t *r, hsize_t *values, int *n)
{
    herr_t ret_value = 0;

    *n = 0;
    if (r->event.type != YAML_SEQUENCE_START_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: expected a sequence of numbers such as [1, 2], found %s",
                         reader_at(r, event_line(r), NULL), found_kind(r));
    for (;;) {
        uint64_t v;

        if (reader_next(r) < 0)
            CARVE_GOTO_DONE(-1);
        if (r->event.type == YAML_SEQUENCE_END_EVENT)
            break;
        if (*n == H5S_MAX_RANK)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: more than %d numbers (HDF5's largest rank)",
                             reader_at(r, event_line(r), NULL), H5S_MAX_RANK);
        keypath_push_index(&r->path, (size_t)*n);
        if (read_number(r, &v, NULL, 0) < 0)
            CARVE_GOTO_DONE(-1);
        keypath_pop(&r->path);
        values[(*n)++] = (hsize_t)v;
    }

done:
    return ret_value;
}

/* The value of a plain field (the current event) into its member of entry. */
static herr_t
read_field(reader_t *r, const field_t *field, void *entry)
{
    char  *at        = (char *)entry + field->offset;
    size_t choice    = 0;
    herr_t ret_value = 0;

    switch (field->kind) {
        case FIELD_TEXT:
            ret_value = read_text(r, (char **)at);
            break;
        case FIELD_CHOICE:
            if (read_choice(r, field->names, field->nnames, field->accepted, &choice) < 0)
                CARVE_GOTO_DONE(-1);
            if ((*(char **)at = strdup(field->names[choice])) == NULL)
                CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: out of memory",
                                 reader_at(r, event_line(r), NULL));
            break;
        case FIELD_U64:
            ret_value = read_number(r, (uint64_t *)at, NULL, 0);
            break;
        case FIELD_I64:
            ret_value = read_number(r, NULL, (int64_t *)at, field->min);
            break;
        case FIELD_OTHER:
            break;
    }

done:
    return ret_value;
}

/* Reads the value of key `key` (the current event is its first) of a FIELD_OTHER kind; line is the key's
 * line. */
typedef herr_t (*read_value_t)(reader_t *r, void *target, size_t key, size_t line);

/* Reads a mapping (the current event is its start) of the keys in table: the plain fields into entry, the
 * others by read_value (with target). Unknown, repeated and missing keys are refused. lines (table->n
 * entries, may be NULL) receives each key's line, 0 for keys not given. */
static herr_t
read_mapping(reader_t *r, const key_table_t *table, read_value_t read_value, void *target, void *entry,
             size_t *lines)
{
    size_t seen[32] = {0};
    size_t start    = event_line(r);
    char   keys[512];
    char   shown[EXCERPT_MAX + 4];
    herr_t ret_value = 0;

    if (r->event.type != YAML_MAPPING_START_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: expected %s (a mapping of %s), found %s", reader_at(r, start, NULL),
                         table->entry, join_names(keys, sizeof keys, table->names, table->n), found_kind(r));
    for (;;) {
        const field_t *field;
        const char    *name;
        size_t         len, key, line;

        if (reader_next(r) < 0)
            CARVE_GOTO_DONE(-1);
        if (r->event.type == YAML_MAPPING_END_EVENT)
            break;
        line = event_line(r);
        if (r->event.type != YAML_SCALAR_EVENT)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADKEY, -1, "%s: a key is %s (expected one of: %s)",
                             reader_at(r, line, NULL), event_kind(r->event.type),
                             join_names(keys, sizeof keys, table->names, table->n));
        name = (const char *)r->event.data.scalar.value;
        len  = r->event.data.scalar.length;
        key  = find_name(table->names, table->n, name, len);
        if (key == table->n)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADKEY, -1, "%s: unknown key in %s (accepted: %s)",
                             reader_at(r, line, excerpt(shown, name, len)), table->entry,
                             join_names(keys, sizeof keys, table->names, table->n));
        if (seen[key])
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADKEY, -1, "%s: given twice (first at line %zu)",
                             reader_at(r, line, table->names[key]), seen[key]);
        seen[key] = line;
        field     = table->fields && table->fields[key].kind != FIELD_OTHER ? &table->fields[key] : NULL;
        keypath_push_key(&r->path, table->names[key]);
        if (reader_next(r) < 0 ||
            (field ? read_field(r, field, entry) : read_value(r, target, key, line)) < 0)
            CARVE_GOTO_DONE(-1);
        keypath_pop(&r->path);
    }
    for (size_t k = 0; k < table->n; k++)
        if ((table->required & (1u << k)) && !seen[k])
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: missing; %s needs it (the entry starts on this line)",
                             reader_at(r, start, table->names[k]), table->entry);
    if (lines)
        memcpy(lines, seen, table->n * sizeof *lines);

done:
    return ret_value;
}

/* Reads item `index` of a sequence (the current event is its first); line is where it starts. */
typedef herr_t (*read_item_t)(reader_t *r, void *target, size_t index, size_t line);

/* Reads a sequence (the current event is its start), each item by read_item. */
static herr_t
read_sequence(reader_t *r, const char *expected, read_item_t read_item, void *target)
{
    herr_t ret_value = 0;

    if (r->event.type != YAML_SEQUENCE_START_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: expected %s, found %s",
                         reader_at(r, event_line(r), NULL), expected, found_kind(r));
    for (size_t i = 0;; i++) {
        if (reader_next(r) < 0)
            CARVE_GOTO_DONE(-1);
        if (r->event.type == YAML_SEQUENCE_END_EVENT)
            break;
        keypath_push_index(&r->path, i);
        if (read_item(r, target, i, event_line(r)) < 0)
            CARVE_GOTO_DONE(-1);
        keypath_pop(&r->path);
    }

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Parsing: numbers held until a dataset's rank is known                                                   */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct number_list_t {
    size_t offset; /* of the first value in number_lists_t.values */
    size_t line;
    int    len;
} number_list_t;

typedef struct number_lists_t {
    hsize_t       *values;
    size_t         nvalues;
    size_t         values_cap;
    number_list_t *lists;
    size_t         nlists;
    size_t         lists_cap;
} number_lists_t;

static void
number_lists_free(number_lists_t *l)
{
    free(l->values);
    free(l->lists);
    memset(l, 0, sizeof *l);
}

/* Appends `count` empty lists. */
static herr_t
number_lists_open(number_lists_t *l, size_t count)
{
    herr_t ret_value = 0;

    for (size_t i = 0; i < count; i++) {
        if (reserve_items(&l->lists, &l->lists_cap, l->nlists + 1, sizeof *l->lists, "number lists") < 0)
            CARVE_GOTO_DONE(-1);
        l->lists[l->nlists++] = (number_list_t){0, 0, 0};
    }

done:
    return ret_value;
}

/* Reads [n, ...] (the current event) into list `slot`. */
static herr_t
number_lists_read(reader_t *r, number_lists_t *l, size_t slot)
{
    hsize_t values[H5S_MAX_RANK];
    size_t  line      = event_line(r);
    int     n         = 0;
    herr_t  ret_value = 0;

    if (read_number_list(r, values, &n) < 0)
        CARVE_GOTO_DONE(-1);
    if (reserve_items(&l->values, &l->values_cap, l->nvalues + (size_t)n, sizeof *l->values, "numbers") < 0)
        CARVE_GOTO_DONE(-1);
    if (n > 0)
        memcpy(l->values + l->nvalues, values, (size_t)n * sizeof *values);
    l->lists[slot] = (number_list_t){l->nvalues, line, n};
    l->nvalues += (size_t)n;

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Parsing: the document                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

/* Lines where the items of a list start, for messages about duplicates. */
typedef struct line_list_t {
    size_t *line;
    size_t  n;
    size_t  cap;
} line_list_t;

typedef struct manifest_reading_t {
    carve_manifest_t *m;                 /* scratch, moved to the caller's on success */
    list_id_t         list;              /* the list being read */
    void             *items[LIST_COUNT]; /* each list's items (lines[id].n of them) until reading_hand_over */
    size_t            cap[LIST_COUNT];   /* allocated items of each list */
    line_list_t       lines[LIST_COUNT];
    uint64_t          format;      /* the document's carve_manifest */
    size_t            packed_line; /* the first packed_selections (format 2 only), 0: none */
} manifest_reading_t;

/* Appends a zeroed item to list `id` and records the line where it starts (for messages about
 * duplicates). Returns the item, or NULL when memory runs out. */
static void *
reading_append(manifest_reading_t *st, list_id_t id, size_t line)
{
    line_list_t *ll        = &st->lines[id];
    size_t       size      = list_schemas[id].item_size;
    void        *ret_value = NULL;

    if (reserve_items(&ll->line, &ll->cap, ll->n + 1, sizeof *ll->line, list_name(id)) < 0 ||
        reserve_items(&st->items[id], &st->cap[id], ll->n + 1, size, list_name(id)) < 0)
        CARVE_GOTO_DONE(NULL);
    ret_value         = memset((char *)st->items[id] + ll->n * size, 0, size);
    ll->line[ll->n++] = line;

done:
    return ret_value;
}

/* How many leading datasets are in strictly increasing path order (a list read in part may hold entries
 * without a path: the order stops there). */
static size_t
datasets_in_order(const carve_manifest_t *m)
{
    size_t n = m->ndatasets && m->datasets[0].path ? 1 : 0;

    while (n > 0 && n < m->ndatasets && m->datasets[n].path &&
           strcmp(m->datasets[n - 1].path, m->datasets[n].path) < 0)
        n++;
    return n;
}

/* Gives the lists read (whole or not) to st->m, which frees them from then on. */
static void
reading_hand_over(manifest_reading_t *st)
{
    carve_manifest_t *m = st->m;

    m->datasets            = st->items[LIST_DATASETS];
    m->ndatasets           = st->lines[LIST_DATASETS].n;
    m->datasets_sorted     = datasets_in_order(m);
    m->attributes          = st->items[LIST_ATTRIBUTES];
    m->nattributes         = st->lines[LIST_ATTRIBUTES].n;
    m->objects             = st->items[LIST_OBJECTS];
    m->nobjects            = st->lines[LIST_OBJECTS].n;
    m->elinks              = st->items[LIST_EXTERNAL_LINKS];
    m->nelinks             = st->lines[LIST_EXTERNAL_LINKS].n;
    m->skipped             = st->items[LIST_SKIPPED];
    m->nskipped            = st->lines[LIST_SKIPPED].n;
    m->runs                = st->items[LIST_RUNS];
    m->nruns               = st->lines[LIST_RUNS].n;
    m->capacity.datasets   = st->cap[LIST_DATASETS];
    m->capacity.attributes = st->cap[LIST_ATTRIBUTES];
    m->capacity.objects    = st->cap[LIST_OBJECTS];
    m->capacity.elinks     = st->cap[LIST_EXTERNAL_LINKS];
    m->capacity.skipped    = st->cap[LIST_SKIPPED];
    m->capacity.runs       = st->cap[LIST_RUNS];
    memset(st->items, 0, sizeof st->items);
}

/* --- origin.stamp --- */

static herr_t
read_stamp_value(reader_t *r, void *target, size_t key, size_t line)
{
    carve_stamp_t *stamp = target;
    size_t         kind  = 0;

    (void)line;
    if (key == STAMP_MTIME)
        return read_mtime(r, &stamp->mtime_sec, &stamp->mtime_nsec);
    /* STAMP_KIND */
    if (read_choice(r, stamp_kind_names, COUNT_OF(stamp_kind_names), STAMP_KINDS_ACCEPTED, &kind) < 0)
        return -1;
    stamp->remote = (int)kind;
    return 0;
}

static herr_t
read_stamp(reader_t *r, carve_stamp_t *stamp)
{
    size_t lines[STAMP_NKEYS];
    herr_t ret_value = 0;

    stamp->size = -1;
    if (read_mapping(r, &stamp_table, read_stamp_value, stamp, stamp, lines) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t k = STAMP_MTIME; k <= STAMP_LAST_MODIFIED; k++) {
        bool local_key = k == STAMP_MTIME;
        if (lines[k] && local_key == (bool)stamp->remote)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADKEY, -1,
                             "%s: not part of a %s stamp (kind: %s has %s)",
                             reader_at(r, lines[k], stamp_keys[k]), stamp->remote ? "remote" : "local",
                             stamp->remote ? "remote" : "local",
                             stamp->remote ? "size, etag, last_modified" : "size, mtime");
    }

done:
    return ret_value;
}

/* --- origin --- */

static herr_t
read_origin_value(reader_t *r, void *target, size_t key, size_t line)
{
    carve_manifest_t *m = target;

    (void)key; /* ORIGIN_STAMP: the location is a plain field */
    (void)line;
    return read_stamp(r, &m->stamp);
}

/* --- datasets --- */

/* One dataset entry while it is read. */
typedef struct dataset_reading_t {
    carve_manifest_dataset_t d;
    int                      ndims;
    int                      nchunk;
    hsize_t                  chunk[H5S_MAX_RANK];
    number_lists_t           records; /* REC_NKEYS lists per selection record */
    number_lists_t           chunks;  /* one list per chunk */
    packed_reading_t         packed;  /* packed_selections, when packed_line */
    size_t                   packed_line;
} dataset_reading_t;

/* Selection record `slot` of the lists. */
typedef struct record_reading_t {
    number_lists_t *lists;
    size_t          first; /* its first list */
} record_reading_t;

static herr_t
read_record_value(reader_t *r, void *target, size_t key, size_t line)
{
    record_reading_t *rec = target;

    (void)line;
    return number_lists_read(r, rec->lists, rec->first + key);
}

static herr_t
read_record(reader_t *r, void *target, size_t index, size_t line)
{
    number_lists_t  *lists     = target;
    record_reading_t rec       = {lists, lists->nlists};
    herr_t           ret_value = 0;

    (void)index;
    (void)line;
    if (number_lists_open(lists, REC_NKEYS) < 0 ||
        read_mapping(r, &record_table, read_record_value, &rec, NULL, NULL) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

static herr_t
read_chunk_coords(reader_t *r, void *target, size_t index, size_t line)
{
    number_lists_t *lists     = target;
    herr_t          ret_value = 0;

    (void)index;
    (void)line;
    if (number_lists_open(lists, 1) < 0 || number_lists_read(r, lists, lists->nlists - 1) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

static herr_t
read_dataset_value(reader_t *r, void *target, size_t key, size_t line)
{
    dataset_reading_t        *dr = target;
    carve_manifest_dataset_t *d  = &dr->d;
    char                      shown[EXCERPT_MAX + 4];
    size_t                    choice    = 0;
    herr_t                    ret_value = 0;

    switch (key) {
        case DS_STORE:
            if (read_choice(r, store_names, COUNT_OF(store_names), STORES_ACCEPTED, &choice) < 0)
                CARVE_GOTO_DONE(-1);
            d->store = (carve_store_t)choice; /* store_names is in carve_store_t's order */
            break;
        case DS_DIMS:
            ret_value = read_number_list(r, d->dims, &dr->ndims);
            break;
        case DS_CHUNK:
            ret_value = read_number_list(r, dr->chunk, &dr->nchunk);
            break;
        case DS_SELECTIONS:
            ret_value = read_sequence(r, "a sequence of selection records", read_record, &dr->records);
            break;
        case DS_PACKED_SELECTIONS:
            dr->packed_line = line;
            ret_value       = read_mapping(r, &packed_table, NULL, NULL, &dr->packed, NULL);
            break;
        case DS_CHUNKS:
            ret_value = read_sequence(r, "a sequence of chunk coordinates such as [[0, 0], [0, 1]]",
                                      read_chunk_coords, &dr->chunks);
            break;
        default: { /* DS_ORIGIN_DCPL */
            size_t      bad = 0, n = 0;
            const char *problem;
            if (read_text(r, &d->origin_dcpl) < 0)
                CARVE_GOTO_DONE(-1);
            if ((problem = carve_base64_check(d->origin_dcpl, strlen(d->origin_dcpl), &n, &bad)) != NULL)
                CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                                 "%s: '%s' is not base64: %s (at offset %zu)",
                                 reader_at(r, event_line(r), NULL),
                                 excerpt(shown, d->origin_dcpl, strlen(d->origin_dcpl)), problem, bad);
            break;
        }
    }

done:
    return ret_value;
}

/* A list of len numbers (each a `noun`) at line, key leaf, that must have one per dimension of the
 * dataset. */
static herr_t
check_list_rank(reader_t *r, size_t line, const char *leaf, const char *noun, int len, int rank)
{
    herr_t ret_value = 0;

    if (len != rank)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: %d %s%s, but the dataset's rank (the length of dims) is %d",
                         reader_at(r, line, leaf), len, noun, len == 1 ? "" : "s", rank);

done:
    return ret_value;
}

/* Checks the held selection records against the dataset's rank and extent and builds d->selections,
 * record for record in document order. */
static herr_t
resolve_selections(reader_t *r, dataset_reading_t *dr)
{
    carve_manifest_dataset_t *d         = &dr->d;
    const number_lists_t     *l         = &dr->records;
    size_t                    nrec      = l->nlists / REC_NKEYS;
    size_t                    width     = 4 * (size_t)(d->rank > 0 ? d->rank : 1);
    hsize_t                  *records   = NULL;
    herr_t                    ret_value = 0;

    carve_selection_init(&d->selections, d->rank, d->dims);
    if (nrec == 0)
        CARVE_GOTO_DONE(0);
    if (nrec > SIZE_MAX / width / sizeof *records ||
        (records = calloc(nrec * width, sizeof *records)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "%s: out of memory holding %zu selection records",
                         reader_at(r, l->lists[0].line, "selections"), nrec);
    keypath_push_key(&r->path, "selections");
    for (size_t i = 0; i < nrec; i++) {
        hsize_t    *rec = records + i * width;
        const char *problem;
        int         dim = 0;

        keypath_push_index(&r->path, i);
        for (size_t k = 0; k < REC_NKEYS; k++) {
            const number_list_t *list = &l->lists[i * REC_NKEYS + k];
            if (check_list_rank(r, list->line, record_keys[k], "number", list->len, d->rank) < 0)
                CARVE_GOTO_DONE(-1);
            if (d->rank > 0)
                memcpy(rec + k * (size_t)d->rank, l->values + list->offset, (size_t)d->rank * sizeof *rec);
        }
        problem =
            record_problem(d->rank, d->dims, rec, rec + d->rank, rec + 2 * d->rank, rec + 3 * d->rank, &dim);
        if (problem)
            CARVE_GOTO_ERROR(
                CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                "%s: %s in dimension %d (start %llu, stride %llu, count %llu, block %llu; dims %llu)",
                reader_at(r, l->lists[i * REC_NKEYS].line, NULL), problem, dim, (unsigned long long)rec[dim],
                (unsigned long long)rec[d->rank + dim], (unsigned long long)rec[2 * d->rank + dim],
                (unsigned long long)rec[3 * d->rank + dim], (unsigned long long)d->dims[dim]);
        keypath_pop(&r->path);
    }
    keypath_pop(&r->path);
    d->selections.records  = records;
    d->selections.nrecords = nrec;
    d->selections.capacity = nrec;
    d->selections.merged   = 0;
    records                = NULL;

done:
    free(records);
    return ret_value;
}

/* Appends the records of packed_selections to d->selections, each checked as a YAML record is. */
static herr_t
resolve_packed_selections(reader_t *r, dataset_reading_t *dr)
{
    carve_manifest_dataset_t *d     = &dr->d;
    carve_selection_t        *sel   = &d->selections;
    const char               *text  = dr->packed.data, *problem;
    size_t                    first = sel->nrecords, len = 0, bad = 0, at = 0;
    void                     *bytes = NULL;
    char                      shown[EXCERPT_MAX + 4];
    herr_t                    ret_value = 0;

    if (d->rank == 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: a scalar dataset (dims []) has no records to pack; use selections",
                         reader_at(r, dr->packed_line, "packed_selections"));
    if ((problem = carve_base64_check(text, strlen(text), &len, &bad)) != NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: '%s' is not base64: %s (at offset %zu)",
                         reader_at(r, dr->packed_line, "packed_selections.data"),
                         excerpt(shown, text, strlen(text)), problem, bad);
    if (carve_base64_decode(text, &bytes, &len) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: cannot decode the records",
                         reader_at(r, dr->packed_line, "packed_selections.data"));
    if (dr->packed.records > SIZE_MAX ||
        (problem = carve_selection_unpack(sel, bytes, len, (size_t)dr->packed.records, &at)) != NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: record %zu of %" PRIu64 ": %s (records: says how many the data holds)",
                         reader_at(r, dr->packed_line, "packed_selections"), at, dr->packed.records,
                         problem ? problem : "more records than memory can hold");
    for (size_t i = first; i < sel->nrecords; i++) {
        const hsize_t *rec = CARVE_RECORD_START(sel, i);
        int            dim = 0;

        problem =
            record_problem(d->rank, d->dims, rec, rec + d->rank, rec + 2 * d->rank, rec + 3 * d->rank, &dim);
        if (problem)
            CARVE_GOTO_ERROR(
                CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                "%s: record %zu: %s in dimension %d (start %llu, stride %llu, count %llu, block %llu; dims "
                "%llu)",
                reader_at(r, dr->packed_line, "packed_selections"), i - first, problem, dim,
                (unsigned long long)rec[dim], (unsigned long long)rec[d->rank + dim],
                (unsigned long long)rec[2 * d->rank + dim], (unsigned long long)rec[3 * d->rank + dim],
                (unsigned long long)d->dims[dim]);
    }

done:
    free(bytes);
    return ret_value;
}

static herr_t
resolve_chunks(reader_t *r, dataset_reading_t *dr)
{
    carve_manifest_dataset_t *d         = &dr->d;
    const number_lists_t     *l         = &dr->chunks;
    herr_t                    ret_value = 0;

    keypath_push_key(&r->path, "chunks");
    for (size_t i = 0; i < l->nlists; i++) {
        const number_list_t *list   = &l->lists[i];
        const hsize_t       *coords = l->values + list->offset;

        keypath_push_index(&r->path, i);
        if (check_list_rank(r, list->line, NULL, "coordinate", list->len, d->rank) < 0)
            CARVE_GOTO_DONE(-1);
        for (int k = 0; k < d->rank; k++)
            if (coords[k] >= d->chunks.grid[k])
                CARVE_GOTO_ERROR(
                    CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                    "%s: coordinate %llu in dimension %d is outside the chunk grid (0..%llu for dims "
                    "%llu and chunk %llu)",
                    reader_at(r, list->line, NULL), (unsigned long long)coords[k], k,
                    (unsigned long long)(d->chunks.grid[k] - 1), (unsigned long long)d->dims[k],
                    (unsigned long long)d->chunk[k]);
        if (carve_chunkset_add_coords(&d->chunks, coords) < 0)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: cannot record the chunk",
                             reader_at(r, list->line, NULL));
        keypath_pop(&r->path);
    }
    keypath_pop(&r->path);
    if (carve_chunkset_finish(&d->chunks) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: cannot sort the chunks",
                         reader_at(r, l->nlists ? l->lists[0].line : 0, "chunks"));

done:
    return ret_value;
}

/* After a dataset's mapping: its shape, chunking and the held selections and chunks. */
static herr_t
resolve_dataset(reader_t *r, dataset_reading_t *dr, const size_t *lines)
{
    carve_manifest_dataset_t *d         = &dr->d;
    herr_t                    ret_value = 0;

    d->rank = dr->ndims;
    if (lines[DS_CHUNK]) {
        if (d->rank == 0)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: a scalar dataset (dims []) cannot be chunked; remove chunk",
                             reader_at(r, lines[DS_CHUNK], "chunk"));
        if (check_list_rank(r, lines[DS_CHUNK], "chunk", "number", dr->nchunk, d->rank) < 0)
            CARVE_GOTO_DONE(-1);
        for (int k = 0; k < d->rank; k++)
            if (dr->chunk[k] == 0)
                CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                                 "%s: chunk size 0 in dimension %d (expected >= 1)",
                                 reader_at(r, lines[DS_CHUNK], "chunk"), k);
        if (carve_chunkset_init(&d->chunks, d->rank, d->dims, dr->chunk) < 0)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: unusable chunk shape for dims",
                             reader_at(r, lines[DS_CHUNK], "chunk"));
        d->chunked = 1;
        memcpy(d->chunk, dr->chunk, (size_t)d->rank * sizeof *d->chunk);
    }
    else {
        if (d->store == CARVE_STORE_CHUNKS)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: store is chunks but the entry has no chunk shape (key chunk)",
                             reader_at(r, lines[DS_STORE], "store"));
        if (lines[DS_CHUNKS])
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: chunk coordinates need the chunk shape (key chunk), which the entry lacks",
                             reader_at(r, lines[DS_CHUNKS], "chunks"));
    }
    if (resolve_selections(r, dr) < 0 || (dr->packed_line && resolve_packed_selections(r, dr) < 0))
        CARVE_GOTO_DONE(-1);
    if (d->chunked && resolve_chunks(r, dr) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

static herr_t
read_dataset(reader_t *r, void *target, size_t index, size_t line)
{
    carve_manifest_dataset_t *slot;
    dataset_reading_t         dr;
    size_t                    lines[DS_NKEYS];
    herr_t                    ret_value = 0;

    (void)index;
    memset(&dr, 0, sizeof dr);
    if ((slot = reading_append(target, LIST_DATASETS, line)) == NULL)
        CARVE_GOTO_DONE(-1);
    if (read_mapping(r, &dataset_table, read_dataset_value, &dr, &dr.d, lines) < 0 ||
        resolve_dataset(r, &dr, lines) < 0)
        CARVE_GOTO_DONE(-1);
    *slot = dr.d;
    memset(&dr.d, 0, sizeof dr.d);
    if (dr.packed_line && ((manifest_reading_t *)target)->packed_line == 0)
        ((manifest_reading_t *)target)->packed_line = dr.packed_line;

done:
    free(dr.packed.data);
    carve_manifest_dataset_clear(&dr.d);
    number_lists_free(&dr.records);
    number_lists_free(&dr.chunks);
    return ret_value;
}

/* --- objects; attributes, external links, skipped, runs --- */

static herr_t
read_object(reader_t *r, void *target, size_t index, size_t line)
{
    char **slot = reading_append(target, LIST_OBJECTS, line);

    (void)index;
    return slot ? read_text(r, slot) : -1;
}

/* An item of the list being read whose entries are plain fields only (attributes, external links,
 * skipped, runs). */
static herr_t
read_entry(reader_t *r, void *target, size_t index, size_t line)
{
    manifest_reading_t *st    = target;
    void               *entry = reading_append(st, st->list, line);

    (void)index;
    return entry ? read_mapping(r, list_schemas[st->list].entry, NULL, NULL, entry, NULL) : -1;
}

/* --- the top level --- */

static herr_t
read_top_value(reader_t *r, void *target, size_t key, size_t line)
{
    manifest_reading_t *st = target;
    uint64_t            format;
    read_item_t         read_item;
    herr_t              ret_value = 0;

    (void)line;
    if (key == TOP_FORMAT) {
        if (read_number(r, &format, NULL, 0) < 0)
            CARVE_GOTO_DONE(-1);
        if (format < CARVE_MANIFEST_FORMAT_PLAIN || format > CARVE_MANIFEST_FORMAT)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: manifest format %" PRIu64
                             " is not supported; carve %s reads formats %d to %d "
                             "(was the container carved by another carve version?)",
                             reader_at(r, event_line(r), NULL), format, CARVE_VERSION_STRING,
                             CARVE_MANIFEST_FORMAT_PLAIN, CARVE_MANIFEST_FORMAT);
        st->format    = format;
        st->m->format = CARVE_MANIFEST_FORMAT; /* the model is the newest format */
    }
    else if (key == TOP_ORIGIN)
        ret_value = read_mapping(r, &origin_table, read_origin_value, st->m, st->m, NULL);
    else if (key == TOP_REPLAY) { /* plain fields only, every one required */
        if (read_mapping(r, &replay_table, NULL, NULL, st->m, NULL) < 0)
            CARVE_GOTO_DONE(-1);
        st->m->has_replay = 1;
    }
    else { /* the lists, TOP_DATASETS..TOP_RUNS */
        st->list  = (list_id_t)(key - TOP_DATASETS);
        read_item = st->list == LIST_DATASETS  ? read_dataset
                    : st->list == LIST_OBJECTS ? read_object
                                               : read_entry;
        ret_value = read_sequence(r, list_schemas[st->list].expected, read_item, st);
    }

done:
    return ret_value;
}

/* --- duplicates --- */

/* One item of a list, reduced to what makes two items equal. */
typedef struct item_key_t {
    const char *text[3];
    int64_t     number;
    size_t      index;
} item_key_t;

static int
compare_item_keys(const void *pa, const void *pb)
{
    const item_key_t *a = pa, *b = pb;

    for (int i = 0; i < 3; i++) {
        int c;
        if (a->text[i] == NULL || b->text[i] == NULL) {
            if (a->text[i] != b->text[i])
                return a->text[i] == NULL ? -1 : 1;
            continue;
        }
        if ((c = strcmp(a->text[i], b->text[i])) != 0)
            return c;
    }
    if (a->number != b->number)
        return a->number < b->number ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool
same_item(const item_key_t *a, const item_key_t *b)
{
    for (int i = 0; i < 3; i++)
        if (!same_optional(a->text[i], b->text[i]))
            return false;
    return a->number == b->number;
}

/* Refuses a list whose items are not all different (datasets, external links: paths). */
static herr_t
check_list_unique(reader_t *r, manifest_reading_t *st, list_id_t id)
{
    const carve_manifest_t *m         = st->m;
    size_t                  n         = st->lines[id].n;
    bool                    by_path   = id == LIST_DATASETS || id == LIST_EXTERNAL_LINKS;
    item_key_t             *keys      = NULL;
    herr_t                  ret_value = 0;

    if (n < 2)
        CARVE_GOTO_DONE(0);
    if ((keys = calloc(n, sizeof *keys)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "out of memory checking the %s of %s",
                         list_name(id), r->what);
    for (size_t i = 0; i < n; i++) {
        item_key_t *k = &keys[i];
        k->index      = i;
        switch (id) {
            case LIST_DATASETS:
                k->text[0] = m->datasets[i].path;
                break;
            case LIST_ATTRIBUTES:
                k->text[0] = m->attributes[i].object;
                k->text[1] = m->attributes[i].name;
                break;
            case LIST_OBJECTS:
                k->text[0] = m->objects[i];
                break;
            case LIST_EXTERNAL_LINKS: /* a path holds one link */
                k->text[0] = m->elinks[i].path;
                break;
            case LIST_SKIPPED:
                k->text[0] = m->skipped[i].path;
                k->text[1] = m->skipped[i].reason;
                break;
            default:
                k->text[0] = m->runs[i].time;
                k->text[1] = m->runs[i].program;
                k->number  = m->runs[i].pid;
                break;
        }
    }
    qsort(keys, n, sizeof *keys, compare_item_keys);
    for (size_t i = 1; i < n; i++)
        if (same_item(&keys[i - 1], &keys[i])) {
            size_t first = keys[i - 1].index, again = keys[i].index;
            r->path.depth = 0;
            keypath_push_key(&r->path, list_name(id));
            keypath_push_index(&r->path, again);
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: %s again (as %s[%zu] at line %zu)",
                             reader_at(r, st->lines[id].line[again], by_path ? "path" : NULL),
                             id == LIST_DATASETS         ? "the same dataset path"
                             : id == LIST_EXTERNAL_LINKS ? "the same link path"
                                                         : "the same entry",
                             list_name(id), first, st->lines[id].line[first]);
        }

done:
    free(keys);
    return ret_value;
}

/* Expects an event of `type` (the structure around the top-level mapping). */
static herr_t
expect_event(reader_t *r, yaml_event_type_t type, const char *problem)
{
    herr_t ret_value = 0;

    if (reader_next(r) < 0)
        CARVE_GOTO_DONE(-1);
    if (r->event.type != type)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: %s", reader_at(r, event_line(r), NULL),
                         problem);

done:
    return ret_value;
}

herr_t
carve_manifest_parse(const char *text, size_t len, const char *what, carve_manifest_t *m)
{
    reader_t          *r = NULL;
    carve_manifest_t   scratch;
    manifest_reading_t st;
    bool               parser_ready = false;
    herr_t             status, ret_value = 0;

    carve_manifest_init(&scratch);
    memset(&st, 0, sizeof st);
    st.m = &scratch;
    if (what == NULL)
        what = "manifest";
    if (m == NULL || (text == NULL && len > 0))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_parse: NULL argument (parsing %s)", what);
    if (len > CARVE_MANIFEST_MAX_BYTES)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s is %zu bytes, larger than %zu (CARVE_MANIFEST_MAX_BYTES)", what, len,
                         CARVE_MANIFEST_MAX_BYTES);
    if ((r = calloc(1, sizeof *r)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "out of memory parsing %s", what);
    r->what = what;
    if (!yaml_parser_initialize(&r->parser))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot initialise the YAML parser for %s",
                         what);
    parser_ready = true;
    yaml_parser_set_input_string(&r->parser, (const unsigned char *)(text ? text : ""), len);

    if (expect_event(r, YAML_STREAM_START_EVENT, "not a YAML stream") < 0 || reader_next(r) < 0)
        CARVE_GOTO_DONE(-1);
    if (r->event.type == YAML_STREAM_END_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: the text is empty (expected a carve manifest)",
                         reader_at(r, event_line(r), NULL));
    if (r->event.type != YAML_DOCUMENT_START_EVENT || reader_next(r) < 0)
        CARVE_GOTO_DONE(-1);
    status = read_mapping(r, &top_table, read_top_value, &st, &scratch, NULL);
    reading_hand_over(&st); /* what was read, whole or not, is scratch's from here on */
    if (status >= 0 && st.packed_line && st.format < CARVE_MANIFEST_FORMAT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: packed_selections needs carve_manifest: %d (the document says %" PRIu64 ")",
                         reader_at(r, st.packed_line, NULL), CARVE_MANIFEST_FORMAT, st.format);
    if (status < 0 || expect_event(r, YAML_DOCUMENT_END_EVENT, "text after the manifest") < 0 ||
        expect_event(r, YAML_STREAM_END_EVENT, "a second YAML document (a manifest is one document)") < 0)
        CARVE_GOTO_DONE(-1);
    for (int id = 0; id < LIST_COUNT; id++)
        if (check_list_unique(r, &st, (list_id_t)id) < 0)
            CARVE_GOTO_DONE(-1);
    /* carve_manifest_add_external_link finds links by path in a list in path order; a list edited by hand
     * may be in another. */
    if (scratch.nelinks > 1)
        qsort(scratch.elinks, scratch.nelinks, sizeof *scratch.elinks, carve_manifest_compare_elinks);

    carve_manifest_clear(m);
    *m = scratch;
    carve_manifest_init(&scratch);

done:
    if (r) {
        if (r->have_event)
            yaml_event_delete(&r->event);
        if (parser_ready)
            yaml_parser_delete(&r->parser);
        free(r);
    }
    for (int id = 0; id < LIST_COUNT; id++)
        free(st.lines[id].line);
    carve_manifest_clear(&scratch);
    return ret_value;
}
