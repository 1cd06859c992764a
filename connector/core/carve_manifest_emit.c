/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_manifest_emit.c — the manifest's emitter: a carve_manifest_t written as the YAML text of
 * carve_manifest.h, through libyaml's event emitter into a growing buffer (carve_dynbuf.h).
 *
 * Plain fields are written from the schema's tables (carve_manifest_schema.h), the rest (stamps, number
 * lists, selections, chunks) by the functions below, in the schema's key order. An entry the parser would
 * refuse is refused here first, naming its key, so that a written manifest always reads back; and text
 * that a YAML reader would take for another type (yes, 0x1f, null) is quoted.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_manifest.h"
#include "carve_manifest_schema.h"
#include "carve_selection_codec.h"

/* Width at which libyaml wraps flow collections (the chunk lists). */
#define EMIT_WIDTH 120

/* ------------------------------------------------------------------------------------------------------ */
/* Text of values                                                                                          */
/* ------------------------------------------------------------------------------------------------------ */

/* Whether s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF);
 * when not, *bad is the offset of the first offending byte. */
static bool
utf8_is_valid(const unsigned char *s, size_t len, size_t *bad)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t        extra;
        uint32_t      cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0)
            extra = 1, cp = c & 0x1fu, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            extra = 2, cp = c & 0x0fu, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            extra = 3, cp = c & 0x07u, min = 0x10000;
        else
            break;
        if (len - i <= extra)
            break;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                goto invalid;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            break;
        i += extra + 1;
    }
    if (i == len)
        return true;
invalid:
    *bad = i;
    return false;
}

/* Decimal text of v into buf (at least 24 bytes); returns its length. */
static size_t
format_u64(char *buf, uint64_t v)
{
    char   digits[24];
    size_t n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = digits[n - 1 - i];
    buf[n] = '\0';
    return n;
}

static size_t
format_i64(char *buf, int64_t v)
{
    if (v < 0) {
        buf[0] = '-';
        return 1 + format_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
    }
    return format_u64(buf, (uint64_t)v);
}

/* ------------------------------------------------------------------------------------------------------ */
/* The writer and its events                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct writer_t {
    yaml_emitter_t emitter;
    carve_dynbuf_t out;           /* the text so far */
    carve_grow_t   output_status; /* why the output could not grow (CARVE_GROW_OK: it could) */
    keypath_t      path;          /* the key being written, for messages */
    bool           plain_direct;  /* long plain scalars go straight to the text (emit_long_plain) */
    bool           direct_failed; /* libyaml did not write one as expected: the document is written again */
} writer_t;

/* libyaml's output handler: appends to the text, up to the size the parser accepts back. */
static int
writer_output(void *data, unsigned char *buffer, size_t size)
{
    writer_t *w = data;

    w->output_status = carve_dynbuf_add(&w->out, buffer, size);
    return w->output_status == CARVE_GROW_OK;
}

/* Why writing stopped when the output could not grow, for messages. */
static const char *
output_problem(const writer_t *w)
{
    return w->output_status == CARVE_GROW_TOO_LARGE
               ? "the manifest would be larger than CARVE_MANIFEST_MAX_BYTES (it could not be read back)"
               : "out of memory";
}

/* "cannot write the manifest (at key K)" into buf. */
static const char *
writer_at(const writer_t *w, char *buf, size_t size)
{
    char keys[512];

    keypath_format(&w->path, NULL, keys, sizeof keys);
    if (keys[0])
        snprintf(buf, size, "cannot write the manifest (key %s)", keys);
    else
        snprintf(buf, size, "cannot write the manifest");
    return buf;
}

/* Hands an event to the emitter (which owns it from then on); made is what the libyaml function that
 * initialised it returned (they fail only for want of memory). */
static herr_t
emit_event(writer_t *w, int made, yaml_event_t *event)
{
    char   at[640];
    herr_t ret_value = 0;

    if (!made)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: out of memory",
                         writer_at(w, at, sizeof at));
    if (!yaml_emitter_emit(&w->emitter, event)) {
        if (w->output_status != CARVE_GROW_OK)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: %s", writer_at(w, at, sizeof at),
                             output_problem(w));
        if (w->emitter.error == YAML_MEMORY_ERROR)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: out of memory",
                             writer_at(w, at, sizeof at));
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: libyaml: %s", writer_at(w, at, sizeof at),
                         w->emitter.problem ? w->emitter.problem : "emitter error");
    }

done:
    return ret_value;
}

static herr_t
emit_scalar(writer_t *w, const char *value, size_t len, yaml_scalar_style_t style)
{
    yaml_event_t event;
    char         at[640];
    herr_t       ret_value = 0;

    if (len > INT_MAX)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: a value of %zu bytes is too long",
                         writer_at(w, at, sizeof at), len);
    ret_value = emit_event(
        w, yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)value, (int)len, 1, 1, style),
        &event);

done:
    return ret_value;
}

/* The value text[0..len) (len >= 1), plain, as libyaml writes it, without libyaml reading it byte by
 * byte: its scan of a scalar costs ~100 instructions a byte, most of the commit's rendering of a manifest
 * whose packed selections are 0.8 MB of base64. libyaml is given the first character alone, the output is
 * flushed around it, and the rest appended right after it: the same text, since a plain scalar without
 * spaces is never broken and what libyaml writes next (a flow mapping's end, a new line) does not depend
 * on the column it reached. The text must be one libyaml writes plain as it is (no space, break, quote or
 * flow indicator; base64 is such). Should the output not end in the first character where it is expected,
 * w->direct_failed is set and the caller writes the document again the slow way. */
static herr_t
emit_long_plain(writer_t *w, const char *text, size_t len)
{
    size_t before;
    char   at[640];
    herr_t ret_value = 0;

    if (!w->plain_direct || len < 2)
        CARVE_GOTO_DONE(emit_scalar(w, text, len, YAML_PLAIN_SCALAR_STYLE));
    if (!yaml_emitter_flush(&w->emitter))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: %s", writer_at(w, at, sizeof at),
                         w->output_status != CARVE_GROW_OK ? output_problem(w)
                                                           : "libyaml could not flush its output");
    before = w->out.len;
    if (emit_scalar(w, text, 1, YAML_PLAIN_SCALAR_STYLE) < 0)
        CARVE_GOTO_DONE(-1);
    if (!yaml_emitter_flush(&w->emitter))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: %s", writer_at(w, at, sizeof at),
                         w->output_status != CARVE_GROW_OK ? output_problem(w)
                                                           : "libyaml could not flush its output");
    if (w->out.len < before + 2 || w->out.bytes[w->out.len - 1] != text[0] ||
        w->out.bytes[w->out.len - 2] != ' ') {
        w->direct_failed = true;
        CARVE_GOTO_DONE(-1);
    }
    if ((w->output_status = carve_dynbuf_add(&w->out, text + 1, len - 1)) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "%s: %s", writer_at(w, at, sizeof at),
                         output_problem(w));

done:
    return ret_value;
}

/* A key (always plain: carve's keys are plain words). */
static herr_t
emit_key(writer_t *w, const char *key)
{
    return emit_scalar(w, key, strlen(key), YAML_PLAIN_SCALAR_STYLE);
}

/* Whether a plain scalar with this text would read back, in YAML's usual schemas, as something other than
 * a string (null, a boolean, a number): such text is written quoted. */
static bool
reads_as_non_string(const char *text)
{
    static const char *const words[] = {"~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"};
    char                    *end;

    if (text[0] == '\0')
        return true;
    for (size_t i = 0; i < COUNT_OF(words); i++) {
        size_t n = strlen(words[i]), k;
        for (k = 0; k < n && text[k] && (text[k] | 0x20) == words[i][k]; k++)
            ;
        if (k == n && text[n] == '\0')
            return true;
    }
    if (strchr("0123456789+-.", text[0]) == NULL)
        return false;
    errno = 0;
    (void)strtod(text, &end);
    if (*end == '\0')
        return true;
    (void)strtoll(text, &end, 0);
    return *end == '\0';
}

/* A text value: libyaml picks plain or the quoting the text needs; text that would read back as another
 * type is single-quoted. */
static herr_t
emit_text(writer_t *w, const char *text)
{
    size_t len = strlen(text), bad = 0;
    char   at[640];
    herr_t ret_value = 0;

    if (!utf8_is_valid((const unsigned char *)text, len, &bad))
        CARVE_GOTO_ERROR(
            CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
            "%s: the value is not valid UTF-8 (byte 0x%02x at offset %zu); YAML text must be UTF-8",
            writer_at(w, at, sizeof at), (unsigned)(unsigned char)text[bad], bad);
    ret_value = emit_scalar(
        w, text, len, reads_as_non_string(text) ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);

done:
    return ret_value;
}

static herr_t
emit_u64(writer_t *w, uint64_t value)
{
    char buf[24];

    return emit_scalar(w, buf, format_u64(buf, value), YAML_PLAIN_SCALAR_STYLE);
}

static herr_t
emit_mapping_start(writer_t *w, yaml_mapping_style_t style)
{
    yaml_event_t event;

    return emit_event(w, yaml_mapping_start_event_initialize(&event, NULL, NULL, 1, style), &event);
}

static herr_t
emit_mapping_end(writer_t *w)
{
    yaml_event_t event;

    return emit_event(w, yaml_mapping_end_event_initialize(&event), &event);
}

static herr_t
emit_sequence_start(writer_t *w, yaml_sequence_style_t style)
{
    yaml_event_t event;

    return emit_event(w, yaml_sequence_start_event_initialize(&event, NULL, NULL, 1, style), &event);
}

static herr_t
emit_sequence_end(writer_t *w)
{
    yaml_event_t event;

    return emit_event(w, yaml_sequence_end_event_initialize(&event), &event);
}

/* [a, b, c] */
static herr_t
emit_number_list(writer_t *w, const hsize_t *values, int n)
{
    herr_t ret_value = 0;

    if (emit_sequence_start(w, YAML_FLOW_SEQUENCE_STYLE) < 0)
        CARVE_GOTO_DONE(-1);
    for (int i = 0; i < n; i++)
        if (emit_u64(w, (uint64_t)values[i]) < 0)
            CARVE_GOTO_DONE(-1);
    ret_value = emit_sequence_end(w);

done:
    return ret_value;
}

/* The key of a pair, which names it on the key path until its value is written and keypath_pop called. */
static herr_t
emit_pair_key(writer_t *w, const char *key)
{
    keypath_push_key(&w->path, key);
    return emit_key(w, key);
}

/* key: text, skipped when text is NULL; a number (its decimal digits, plain) when number is set. */
static herr_t
emit_pair(writer_t *w, const char *key, const char *text, bool number)
{
    herr_t ret_value = 0;

    if (text == NULL)
        CARVE_GOTO_DONE(0);
    if (emit_pair_key(w, key) < 0 ||
        (number ? emit_scalar(w, text, strlen(text), YAML_PLAIN_SCALAR_STYLE) : emit_text(w, text)) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    return ret_value;
}

static herr_t
emit_text_pair(writer_t *w, const char *key, const char *text)
{
    return emit_pair(w, key, text, false);
}

static herr_t
emit_u64_pair(writer_t *w, const char *key, uint64_t value)
{
    char digits[24];

    format_u64(digits, value);
    return emit_pair(w, key, digits, true);
}

/* key: [a, b, c] */
static herr_t
emit_number_list_pair(writer_t *w, const char *key, const hsize_t *values, int n)
{
    herr_t ret_value = 0;

    if (emit_pair_key(w, key) < 0 || emit_number_list(w, values, n) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    return ret_value;
}

/* The plain fields of entry among keys first..last of table (see field_t), in key order. */
static herr_t
emit_fields(writer_t *w, const key_table_t *table, const void *entry, size_t first, size_t last)
{
    char   digits[24];
    herr_t ret_value = 0;

    for (size_t k = first; k <= last; k++) {
        const field_t *field = &table->fields[k];
        const char    *at    = (const char *)entry + field->offset;
        const char    *text  = NULL;

        switch (field->kind) {
            case FIELD_TEXT:
            case FIELD_CHOICE:
                text = *(char *const *)at;
                break;
            case FIELD_U64:
                format_u64(digits, *(const uint64_t *)at);
                text = digits;
                break;
            case FIELD_I64:
                format_i64(digits, *(const int64_t *)at);
                text = digits;
                break;
            case FIELD_OTHER:
                break;
        }
        if (emit_pair(w, table->names[k], text, field->kind == FIELD_U64 || field->kind == FIELD_I64) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

/* An entry made of plain fields only (attribute, external link, skipped file, run), as a flow mapping.
 * Its required text fields must be set. */
static herr_t
emit_entry(writer_t *w, const key_table_t *table, const void *entry)
{
    char   at[640], missing[128] = "";
    bool   lacking   = false;
    herr_t ret_value = 0;

    for (size_t k = 0; k < table->n; k++)
        if ((table->required & (1u << k)) && table->fields[k].kind == FIELD_TEXT) {
            size_t used = strlen(missing);
            lacking     = lacking || *(char *const *)((const char *)entry + table->fields[k].offset) == NULL;
            snprintf(missing + used, sizeof missing - used, "%sno %s", used ? " or " : "", table->names[k]);
        }
    if (lacking)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: %s", writer_at(w, at, sizeof at),
                         missing);
    if (emit_mapping_start(w, YAML_FLOW_MAPPING_STYLE) < 0 ||
        emit_fields(w, table, entry, 0, table->n - 1) < 0 || emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* Writes item i of a list; the key path names it meanwhile. */
typedef herr_t (*emit_item_t)(writer_t *w, const void *items, size_t i);

/* key: a sequence of n items, each written by emit_item. */
static herr_t
emit_list(writer_t *w, const char *key, yaml_sequence_style_t style, const void *items, size_t n,
          emit_item_t emit_item)
{
    herr_t ret_value = 0;

    if (emit_pair_key(w, key) < 0 || emit_sequence_start(w, style) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < n; i++) {
        keypath_push_index(&w->path, i);
        if (emit_item(w, items, i) < 0)
            CARVE_GOTO_DONE(-1);
        keypath_pop(&w->path);
    }
    if (emit_sequence_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    return ret_value;
}

static herr_t
emit_stamp(writer_t *w, const carve_stamp_t *stamp)
{
    char   at[640];
    char   mtime[48];
    herr_t ret_value = 0;

    keypath_push_key(&w->path, "stamp");
    if (!stamp->remote && (stamp->mtime_nsec < 0 || stamp->mtime_nsec > 999999999))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: mtime nanoseconds %" PRId64 " (expected 0..999999999)",
                         writer_at(w, at, sizeof at), stamp->mtime_nsec);
    if (stamp->size < -1)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: size %" PRId64 " (expected -1 for unknown, or >= 0)",
                         writer_at(w, at, sizeof at), stamp->size);
    if (emit_mapping_start(w, YAML_FLOW_MAPPING_STYLE) < 0 ||
        emit_text_pair(w, stamp_keys[STAMP_KIND], stamp_kind_names[stamp->remote ? 1 : 0]) < 0 ||
        emit_fields(w, &stamp_table, stamp, STAMP_SIZE, STAMP_SIZE) < 0)
        CARVE_GOTO_DONE(-1);
    if (!stamp->remote) {
        snprintf(mtime, sizeof mtime, "%" PRId64 ".%09" PRId64, stamp->mtime_sec, stamp->mtime_nsec);
        if (emit_pair(w, "mtime", mtime, true) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (emit_fields(w, &stamp_table, stamp, STAMP_ETAG, STAMP_LAST_MODIFIED) < 0)
        CARVE_GOTO_DONE(-1);
    if (emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    return ret_value;
}

/* Checks that a dataset entry is one the parser accepts back, so that a written manifest always reads. */
static herr_t
check_dataset_for_emit(writer_t *w, const carve_manifest_dataset_t *d)
{
    const carve_selection_t *sel = &d->selections;
    char                     at[640];
    herr_t                   ret_value = 0;

    if (d->path == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: the dataset has no path",
                         writer_at(w, at, sizeof at));
    if (d->rank < 0 || d->rank > H5S_MAX_RANK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: dataset %s has rank %d (expected 0..%d)", writer_at(w, at, sizeof at), d->path,
                         d->rank, H5S_MAX_RANK);
    if (d->store != CARVE_STORE_CHUNKS && d->store != CARVE_STORE_ELEMENTS)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: dataset %s has store %d (expected chunks or elements)",
                         writer_at(w, at, sizeof at), d->path, (int)d->store);
    if (d->store == CARVE_STORE_CHUNKS && !d->chunked)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: dataset %s has store chunks but no chunk shape (chunked is 0)",
                         writer_at(w, at, sizeof at), d->path);
    if (d->origin_layout && !is_one_of(d->origin_layout, origin_layout_names, COUNT_OF(origin_layout_names)))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: dataset %s has origin_layout '%s' (accepted: %s)", writer_at(w, at, sizeof at),
                         d->path, d->origin_layout, ORIGIN_LAYOUTS_ACCEPTED);
    if (sel->rank != d->rank ||
        (d->rank > 0 && memcmp(sel->dims, d->dims, (size_t)d->rank * sizeof *d->dims) != 0))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: the selections of dataset %s have another rank or extent than the dataset",
                         writer_at(w, at, sizeof at), d->path);
    if (sel->nrecords > 0 && sel->records == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: dataset %s has selection records but no array", writer_at(w, at, sizeof at),
                         d->path);
    for (size_t i = 0; i < sel->nrecords; i++) {
        int         dim = 0;
        const char *problem =
            record_problem(d->rank, d->dims, CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                           CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i), &dim);
        if (problem)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: selection record %zu of dataset %s: %s in dimension %d",
                             writer_at(w, at, sizeof at), i, d->path, problem, dim);
    }
    if (d->chunked) {
        if (d->rank < 1)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: scalar dataset %s is marked chunked", writer_at(w, at, sizeof at), d->path);
        if (d->chunks.rank != d->rank)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                             "%s: the chunk set of dataset %s has rank %d, the dataset %d",
                             writer_at(w, at, sizeof at), d->path, d->chunks.rank, d->rank);
        for (int k = 0; k < d->rank; k++) {
            hsize_t grid =
                d->chunk[k] ? (d->dims[k] == 0 ? 1 : (d->dims[k] + d->chunk[k] - 1) / d->chunk[k]) : 0;
            if (d->chunk[k] == 0 || d->chunks.chunk[k] != d->chunk[k] || d->chunks.grid[k] != grid)
                CARVE_GOTO_ERROR(
                    CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                    "%s: dataset %s: the chunk set does not match chunk and dims in dimension %d",
                    writer_at(w, at, sizeof at), d->path, k);
        }
        if (d->chunks.n > 0 && d->chunks.idx == NULL)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: dataset %s has chunks but no array",
                             writer_at(w, at, sizeof at), d->path);
    }

done:
    return ret_value;
}

static herr_t
emit_record(writer_t *w, const void *items, size_t i)
{
    const carve_selection_t *sel               = items;
    const hsize_t           *arrays[REC_NKEYS] = {CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                                                  CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i)};
    herr_t                   ret_value         = 0;

    if (emit_mapping_start(w, YAML_FLOW_MAPPING_STYLE) < 0)
        CARVE_GOTO_DONE(-1);
    for (int k = 0; k < REC_NKEYS; k++)
        if (emit_number_list_pair(w, record_keys[k], arrays[k], sel->rank) < 0)
            CARVE_GOTO_DONE(-1);
    ret_value = emit_mapping_end(w);

done:
    return ret_value;
}

static herr_t
emit_chunk(writer_t *w, const void *items, size_t i)
{
    const carve_chunkset_t *cs = items;
    hsize_t                 coords[H5S_MAX_RANK];

    carve_chunkset_coords(cs, i, coords);
    return emit_number_list(w, coords, cs->rank);
}

/* chunks: [[i, j], ...] in the set's sorted order (an unfinished set is finished in a copy). */
static herr_t
emit_chunks(writer_t *w, const carve_chunkset_t *chunks)
{
    carve_chunkset_t        finished;
    const carve_chunkset_t *cs        = chunks;
    herr_t                  ret_value = 0;

    memset(&finished, 0, sizeof finished);
    if (chunks->sorted != chunks->n) {
        if (carve_chunkset_copy(&finished, chunks) < 0 || carve_chunkset_finish(&finished) < 0)
            CARVE_GOTO_DONE(-1);
        cs = &finished;
    }
    ret_value = emit_list(w, "chunks", YAML_FLOW_SEQUENCE_STYLE, cs, cs->n, emit_chunk);

done:
    carve_chunkset_clear(&finished);
    return ret_value;
}

/* Whether a dataset's selections are written packed (carve_manifest.h: CARVE_MANIFEST_PACK_RECORDS). */
static bool
selections_packed(const carve_manifest_dataset_t *d)
{
    return d->selections.nrecords > CARVE_MANIFEST_PACK_RECORDS && carve_selection_packable(&d->selections);
}

/* packed_selections: {records: N, data: <base64>} */
static herr_t
emit_packed_selections(writer_t *w, const carve_selection_t *sel)
{
    carve_dynbuf_t bytes;
    char          *text      = NULL;
    herr_t         ret_value = 0;

    carve_dynbuf_init(&bytes, SIZE_MAX);
    /* Plain: base64 of bytes starting with the codec's version (1) starts with 'A' and reads as a string. */
    if (carve_selection_pack(sel, &bytes) < 0 || NULL == (text = carve_base64_encode(bytes.bytes, bytes.len)))
        CARVE_GOTO_DONE(-1);
    if (emit_pair_key(w, dataset_keys[DS_PACKED_SELECTIONS]) < 0 ||
        emit_mapping_start(w, YAML_FLOW_MAPPING_STYLE) < 0 ||
        emit_u64_pair(w, packed_keys[PACKED_RECORDS], sel->nrecords) < 0 ||
        emit_pair_key(w, packed_keys[PACKED_DATA]) < 0 || emit_long_plain(w, text, strlen(text)) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);
    if (emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    free(text);
    carve_dynbuf_free(&bytes);
    return ret_value;
}

static herr_t
emit_dataset(writer_t *w, const void *items, size_t i)
{
    const carve_manifest_dataset_t *d         = (const carve_manifest_dataset_t *)items + i;
    const carve_selection_t        *sel       = &d->selections;
    bool                            packed    = selections_packed(d);
    herr_t                          ret_value = 0;

    if (check_dataset_for_emit(w, d) < 0)
        CARVE_GOTO_DONE(-1);
    if (emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_fields(w, &dataset_table, d, DS_PATH, DS_ORIGIN_LAYOUT) < 0 ||
        emit_text_pair(w, dataset_keys[DS_STORE], store_names[d->store]) < 0 ||
        emit_number_list_pair(w, "dims", d->dims, d->rank) < 0 ||
        (d->chunked && emit_number_list_pair(w, "chunk", d->chunk, d->rank) < 0) ||
        emit_fields(w, &dataset_table, d, DS_ELEMENTS_READ, DS_CHUNKS_STORED) < 0)
        CARVE_GOTO_DONE(-1);
    if ((packed
             ? emit_packed_selections(w, sel)
             : emit_list(w, "selections", YAML_BLOCK_SEQUENCE_STYLE, sel, sel->nrecords, emit_record)) < 0 ||
        (d->chunked && emit_chunks(w, &d->chunks) < 0) ||
        emit_text_pair(w, "origin_dcpl", d->origin_dcpl) < 0 || emit_text_pair(w, "held", d->held) < 0 ||
        emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

static herr_t
emit_attribute(writer_t *w, const void *items, size_t i)
{
    return emit_entry(w, &attribute_table, (const carve_manifest_attr_t *)items + i);
}

static herr_t
emit_object(writer_t *w, const void *items, size_t i)
{
    const char *path = ((const char *const *)items)[i];
    char        at[640];
    herr_t      ret_value = 0;

    if (path == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "%s: no path", writer_at(w, at, sizeof at));
    ret_value = emit_text(w, path);

done:
    return ret_value;
}

static herr_t
emit_elink(writer_t *w, const void *items, size_t i)
{
    return emit_entry(w, &elink_table, (const carve_manifest_elink_t *)items + i);
}

static herr_t
emit_skipped(writer_t *w, const void *items, size_t i)
{
    return emit_entry(w, &skip_table, (const carve_manifest_skip_t *)items + i);
}

static herr_t
emit_run(writer_t *w, const void *items, size_t i)
{
    return emit_entry(w, &run_table, (const carve_manifest_run_t *)items + i);
}

/* replay: {runs, last, counters}, as a block mapping; nothing when m has no replay section. */
static herr_t
emit_replay(writer_t *w, const carve_manifest_t *m)
{
    char   at[640];
    herr_t ret_value = 0;

    if (!m->has_replay)
        CARVE_GOTO_DONE(0);
    if (emit_pair_key(w, "replay") < 0)
        CARVE_GOTO_DONE(-1);
    if (m->replay_last == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "%s: no last (the time of the latest replay run)", writer_at(w, at, sizeof at));
    if (emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_fields(w, &replay_table, m, 0, REPLAY_NKEYS - 1) < 0 || emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    return ret_value;
}

static herr_t
emit_document(writer_t *w, const carve_manifest_t *m)
{
    yaml_event_t event;
    unsigned     format    = CARVE_MANIFEST_FORMAT_PLAIN;
    herr_t       ret_value = 0;

    if (m->format != CARVE_MANIFEST_FORMAT)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "cannot write a manifest of format %u: carve writes format %d", m->format,
                         CARVE_MANIFEST_FORMAT);
    if (m->origin == NULL || m->container == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "cannot write the manifest: it names no %s",
                         m->origin == NULL ? "origin" : "container");
    if (m->skeleton && !is_one_of(m->skeleton, skeleton_names, COUNT_OF(skeleton_names)))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "cannot write the manifest: skeleton '%s' (accepted: %s)", m->skeleton,
                         SKELETONS_ACCEPTED);

    /* The oldest format that holds the document, so that older carve versions read what they can. */
    for (size_t i = 0; i < m->ndatasets && format == CARVE_MANIFEST_FORMAT_PLAIN; i++)
        if (selections_packed(&m->datasets[i]))
            format = CARVE_MANIFEST_FORMAT;

    if (emit_event(w, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING), &event) < 0 ||
        emit_event(w, yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1), &event) < 0 ||
        emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_u64_pair(w, "carve_manifest", format) < 0 ||
        emit_fields(w, &top_table, m, TOP_GENERATION, TOP_UPDATED) < 0)
        CARVE_GOTO_DONE(-1);

    if (emit_pair_key(w, "origin") < 0 || emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_fields(w, &origin_table, m, ORIGIN_LOCATION, ORIGIN_LOCATION) < 0 || emit_key(w, "stamp") < 0 ||
        emit_stamp(w, &m->stamp) < 0 || emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

    if (emit_fields(w, &top_table, m, TOP_CONTAINER, TOP_SKELETON) < 0 ||
        emit_list(w, "datasets", YAML_BLOCK_SEQUENCE_STYLE, m->datasets, m->ndatasets, emit_dataset) < 0 ||
        emit_list(w, "attributes", YAML_BLOCK_SEQUENCE_STYLE, m->attributes, m->nattributes, emit_attribute) <
            0 ||
        emit_list(w, "objects", YAML_BLOCK_SEQUENCE_STYLE, m->objects, m->nobjects, emit_object) < 0 ||
        emit_list(w, "external_links", YAML_BLOCK_SEQUENCE_STYLE, m->elinks, m->nelinks, emit_elink) < 0 ||
        emit_list(w, "skipped", YAML_BLOCK_SEQUENCE_STYLE, m->skipped, m->nskipped, emit_skipped) < 0 ||
        emit_list(w, "runs", YAML_BLOCK_SEQUENCE_STYLE, m->runs, m->nruns, emit_run) < 0 ||
        emit_replay(w, m) < 0 || emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    if (emit_event(w, yaml_document_end_event_initialize(&event, 1), &event) < 0 ||
        emit_event(w, yaml_stream_end_event_initialize(&event), &event) < 0)
        CARVE_GOTO_DONE(-1);
    if (!yaml_emitter_flush(&w->emitter))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot write the manifest: %s",
                         w->output_status != CARVE_GROW_OK ? output_problem(w)
                                                           : "libyaml could not flush its output");

done:
    return ret_value;
}

/* Writes m's text into *text; plain_direct: long plain scalars bypass libyaml (emit_long_plain), and
 * *direct_failed says when that did not work out (nothing written then, no message pushed). */
static herr_t
manifest_emit(const carve_manifest_t *m, bool plain_direct, char **text, size_t *len, bool *direct_failed)
{
    writer_t w;
    bool     emitter_ready = false;
    herr_t   ret_value     = 0;

    memset(&w, 0, sizeof w);
    w.plain_direct = plain_direct;
    carve_dynbuf_init(&w.out, CARVE_MANIFEST_MAX_BYTES);
    if (!yaml_emitter_initialize(&w.emitter))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "cannot initialise the YAML emitter for the manifest");
    emitter_ready = true;
    yaml_emitter_set_output(&w.emitter, writer_output, &w);
    yaml_emitter_set_unicode(&w.emitter, 1);
    yaml_emitter_set_width(&w.emitter, EMIT_WIDTH);
    yaml_emitter_set_indent(&w.emitter, 2);
    if (emit_document(&w, m) < 0)
        CARVE_GOTO_DONE(-1);
    if ((*text = carve_dynbuf_take(&w.out, len)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot write the manifest: out of memory");

done:
    *direct_failed = w.direct_failed;
    if (emitter_ready)
        yaml_emitter_delete(&w.emitter);
    carve_dynbuf_free(&w.out);
    return ret_value;
}

herr_t
carve_manifest_emit(const carve_manifest_t *m, char **text, size_t *len)
{
    bool   direct_failed = false;
    herr_t ret_value     = 0;

    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    if (m == NULL || text == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "carve_manifest_emit: NULL argument");
    ret_value = manifest_emit(m, true, text, len, &direct_failed);
    if (ret_value < 0 && direct_failed)
        ret_value = manifest_emit(m, false, text, len, &direct_failed);

done:
    return ret_value;
}
