/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_manifest_schema.h — PRIVATE to the manifest (carve_manifest.c, carve_manifest_emit.c,
 * carve_manifest_parse.c): the schema of the YAML document that carve_manifest.h describes, shared by the
 * emitter and the parser so that what one writes the other reads.
 *
 * Each kind of mapping is described once: its keys, which are required, and the members of its entry that
 * hold plain values (text, a choice among names, a number). The emitter writes plain fields from these
 * tables, the parser reads them from the same tables; keys of another shape are coded on both sides, in
 * the order the enums below give. Also here: the strings of the enumerated values, the key paths that
 * messages name (datasets[3].selections[7].count) and the few checks both sides make.
 */
#ifndef CARVE_MANIFEST_SCHEMA_H
#define CARVE_MANIFEST_SCHEMA_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "carve_manifest.h"

/* Longest excerpt of the document's own text quoted in a message. */
#define EXCERPT_MAX 64
/* Deepest key path a message names: datasets[i].selections[j].start[k]. */
#define KEYPATH_MAX 8
/* Elements of an array (not a pointer). */
#define COUNT_OF(array) (sizeof(array) / sizeof(array)[0])

/* ------------------------------------------------------------------------------------------------------ */
/* Values: the strings of the enumerated values, in the order of their codes                               */
/* ------------------------------------------------------------------------------------------------------ */

static const char *const origin_layout_names[] = {"chunked", "contiguous", "compact", "virtual", "external"};
#define ORIGIN_LAYOUTS_ACCEPTED "chunked, contiguous, compact, virtual, external"
static const char *const held_names[] = {"all"};
#define HELD_ACCEPTED "all"
static const char *const skeleton_names[] = {"full", "touched"};
#define SKELETONS_ACCEPTED "full, touched"
/* carve_store_t: CARVE_STORE_CHUNKS, CARVE_STORE_ELEMENTS */
static const char *const store_names[] = {"chunks", "elements"};
#define STORES_ACCEPTED "chunks, elements"
/* carve_stamp_t.remote: 0, 1 */
static const char *const stamp_kind_names[] = {"local", "remote"};
#define STAMP_KINDS_ACCEPTED "local, remote"

_Static_assert(CARVE_STORE_CHUNKS == 0 && CARVE_STORE_ELEMENTS == 1, "store_names follows carve_store_t");

/* ------------------------------------------------------------------------------------------------------ */
/* Keys: the keys of each kind of mapping                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

/* How the value of a key is held in its entry. The keys of a plain kind are written (emit_fields) and read
 * (read_mapping) from their entry's table alone; FIELD_OTHER keys by code of their own. */
typedef enum field_kind_t {
    FIELD_OTHER = 0,
    FIELD_TEXT,   /* char *, any string; not written when NULL */
    FIELD_CHOICE, /* char *, one of field_t.names; not written when NULL */
    FIELD_U64,    /* uint64_t */
    FIELD_I64     /* int64_t, at least field_t.min */
} field_kind_t;

typedef struct field_t {
    field_kind_t       kind;
    size_t             offset;   /* of the member in its entry */
    const char *const *names;    /* FIELD_CHOICE: the values accepted, */
    size_t             nnames;   /* how many, */
    const char        *accepted; /* and their list for messages */
    int64_t            min;      /* FIELD_I64: the smallest value accepted */
} field_t;

#define TEXT_FIELD(type, member)                                                                             \
    {                                                                                                        \
        .kind = FIELD_TEXT, .offset = offsetof(type, member)                                                 \
    }
#define U64_FIELD(type, member)                                                                              \
    {                                                                                                        \
        .kind = FIELD_U64, .offset = offsetof(type, member)                                                  \
    }
#define I64_FIELD(type, member, lowest)                                                                      \
    {                                                                                                        \
        .kind = FIELD_I64, .offset = offsetof(type, member), .min = (lowest)                                 \
    }
#define CHOICE_FIELD(type, member, values, list)                                                             \
    {                                                                                                        \
        .kind = FIELD_CHOICE, .offset = offsetof(type, member), .names = (values),                           \
        .nnames = COUNT_OF(values), .accepted = (list)                                                       \
    }

/* The keys of one kind of mapping. */
typedef struct key_table_t {
    const char *const *names;
    size_t             n;        /* at most 32 */
    uint32_t           required; /* bit k: names[k] must be given */
    const char        *entry;    /* what the mapping is, for messages ("a dataset entry") */
    const field_t     *fields;   /* n of them, indexed by key; NULL: every key is FIELD_OTHER */
} key_table_t;

/* --- origin.stamp --- */

enum { STAMP_KIND, STAMP_SIZE, STAMP_MTIME, STAMP_ETAG, STAMP_LAST_MODIFIED, STAMP_NKEYS };
static const char *const stamp_keys[STAMP_NKEYS]   = {"kind", "size", "mtime", "etag", "last_modified"};
static const field_t     stamp_fields[STAMP_NKEYS] = {[STAMP_SIZE] = I64_FIELD(carve_stamp_t, size, -1),
                                                      [STAMP_ETAG] = TEXT_FIELD(carve_stamp_t, etag),
                                                      [STAMP_LAST_MODIFIED] =
                                                          TEXT_FIELD(carve_stamp_t, last_modified)};
static const key_table_t stamp_table = {stamp_keys, STAMP_NKEYS, 1u << STAMP_KIND, "a stamp", stamp_fields};

/* --- origin --- */

enum { ORIGIN_LOCATION, ORIGIN_STAMP, ORIGIN_NKEYS };
static const char *const origin_keys[ORIGIN_NKEYS] = {"location", "stamp"};
static const field_t origin_fields[ORIGIN_NKEYS] = {[ORIGIN_LOCATION] = TEXT_FIELD(carve_manifest_t, origin)};
static const key_table_t origin_table = {origin_keys, ORIGIN_NKEYS, 3u, "the origin", origin_fields};

/* --- datasets --- */

enum {
    DS_PATH,
    DS_ORIGIN_LAYOUT,
    DS_STORE,
    DS_DIMS,
    DS_CHUNK,
    DS_ELEMENTS_READ,
    DS_BYTES_READ,
    DS_BYTES_STORED,
    DS_CHUNKS_STORED,
    DS_SELECTIONS,
    DS_PACKED_SELECTIONS,
    DS_CHUNKS,
    DS_ORIGIN_DCPL,
    DS_HELD,
    DS_NKEYS
};
static const char *const dataset_keys[DS_NKEYS]   = {"path",
                                                     "origin_layout",
                                                     "store",
                                                     "dims",
                                                     "chunk",
                                                     "elements_read",
                                                     "bytes_read",
                                                     "bytes_stored",
                                                     "chunks_stored",
                                                     "selections",
                                                     "packed_selections",
                                                     "chunks",
                                                     "origin_dcpl",
                                                     "held"};
static const field_t     dataset_fields[DS_NKEYS] = {
        [DS_PATH] = TEXT_FIELD(carve_manifest_dataset_t, path),
        [DS_ORIGIN_LAYOUT] =
            CHOICE_FIELD(carve_manifest_dataset_t, origin_layout, origin_layout_names, ORIGIN_LAYOUTS_ACCEPTED),
        [DS_ELEMENTS_READ] = U64_FIELD(carve_manifest_dataset_t, elements_read),
        [DS_BYTES_READ]    = U64_FIELD(carve_manifest_dataset_t, bytes_read),
        [DS_BYTES_STORED]  = U64_FIELD(carve_manifest_dataset_t, bytes_stored),
        [DS_CHUNKS_STORED] = U64_FIELD(carve_manifest_dataset_t, chunks_stored),
        [DS_HELD]          = CHOICE_FIELD(carve_manifest_dataset_t, held, held_names, HELD_ACCEPTED)};
static const key_table_t dataset_table = {dataset_keys, DS_NKEYS,
                                          1u << DS_PATH | 1u << DS_STORE | 1u << DS_DIMS, "a dataset entry",
                                          dataset_fields};

/* packed_selections: {records: N, data: <base64>}, the records packed by carve_selection_codec (format 2). */
typedef struct packed_reading_t {
    uint64_t records;
    char    *data;
} packed_reading_t;
enum { PACKED_RECORDS, PACKED_DATA, PACKED_NKEYS };
static const char *const packed_keys[PACKED_NKEYS]   = {"records", "data"};
static const field_t     packed_fields[PACKED_NKEYS] = {U64_FIELD(packed_reading_t, records),
                                                        TEXT_FIELD(packed_reading_t, data)};
static const key_table_t packed_table = {packed_keys, PACKED_NKEYS, 3u, "packed selections", packed_fields};

enum { REC_START, REC_STRIDE, REC_COUNT, REC_BLOCK, REC_NKEYS };
static const char *const record_keys[REC_NKEYS] = {"start", "stride", "count", "block"};
static const key_table_t record_table           = {record_keys, REC_NKEYS, 15u, "a selection record", NULL};

/* --- attributes, external links, skipped, runs: entries of plain fields only --- */

static const char *const attribute_keys[2]   = {"object", "name"};
static const field_t     attribute_fields[2] = {TEXT_FIELD(carve_manifest_attr_t, object),
                                                TEXT_FIELD(carve_manifest_attr_t, name)};
static const key_table_t attribute_table = {attribute_keys, 2, 3u, "an attribute entry", attribute_fields};
static const char *const elink_keys[3]   = {"path", "file", "object"};
static const field_t     elink_fields[3] = {TEXT_FIELD(carve_manifest_elink_t, path),
                                            TEXT_FIELD(carve_manifest_elink_t, file),
                                            TEXT_FIELD(carve_manifest_elink_t, object)};
static const key_table_t elink_table     = {elink_keys, 3, 7u, "an external link entry", elink_fields};
static const char *const skip_keys[2]    = {"path", "reason"};
static const field_t     skip_fields[2]  = {TEXT_FIELD(carve_manifest_skip_t, path),
                                            TEXT_FIELD(carve_manifest_skip_t, reason)};
static const key_table_t skip_table      = {skip_keys, 2, 1u, "a skipped-file entry", skip_fields};
static const char *const run_keys[3]     = {"time", "pid", "program"};
static const field_t     run_fields[3]   = {TEXT_FIELD(carve_manifest_run_t, time),
                                            I64_FIELD(carve_manifest_run_t, pid, INT64_MIN),
                                            TEXT_FIELD(carve_manifest_run_t, program)};
static const key_table_t run_table       = {run_keys, 3, 3u, "a run entry", run_fields};

/* --- replay: plain fields of carve_manifest_t, every one required --- */

enum {
    REPLAY_RUNS,
    REPLAY_LAST,
    REPLAY_READS,
    REPLAY_HITS,
    REPLAY_MISSES,
    REPLAY_PARTIAL,
    REPLAY_BYTES_CONTAINER,
    REPLAY_BYTES_ORIGIN,
    REPLAY_ORIGIN_REQUESTS,
    REPLAY_DAMAGED,
    REPLAY_NKEYS
};
static const char *const replay_keys[REPLAY_NKEYS]   = {"runs",
                                                        "last",
                                                        "reads",
                                                        "hits",
                                                        "misses",
                                                        "partial",
                                                        "bytes_from_container",
                                                        "bytes_from_origin",
                                                        "origin_requests",
                                                        "damaged"};
static const field_t     replay_fields[REPLAY_NKEYS] = {
        [REPLAY_RUNS]            = U64_FIELD(carve_manifest_t, replay_runs),
        [REPLAY_LAST]            = TEXT_FIELD(carve_manifest_t, replay_last),
        [REPLAY_READS]           = U64_FIELD(carve_manifest_t, replay.reads),
        [REPLAY_HITS]            = U64_FIELD(carve_manifest_t, replay.hits),
        [REPLAY_MISSES]          = U64_FIELD(carve_manifest_t, replay.misses),
        [REPLAY_PARTIAL]         = U64_FIELD(carve_manifest_t, replay.partial),
        [REPLAY_BYTES_CONTAINER] = U64_FIELD(carve_manifest_t, replay.bytes_container),
        [REPLAY_BYTES_ORIGIN]    = U64_FIELD(carve_manifest_t, replay.bytes_origin),
        [REPLAY_ORIGIN_REQUESTS] = U64_FIELD(carve_manifest_t, replay.origin_requests),
        [REPLAY_DAMAGED]         = U64_FIELD(carve_manifest_t, replay.damaged)};
/* Every key required but damaged, which manifests written before carve 0.3 lack. */
static const key_table_t replay_table = {replay_keys, REPLAY_NKEYS, (1u << REPLAY_DAMAGED) - 1,
                                         "the replay section", replay_fields};

/* --- the top level --- */

enum {
    TOP_FORMAT,
    TOP_GENERATION,
    TOP_CARVE_VERSION,
    TOP_HDF5_VERSION,
    TOP_CREATED,
    TOP_UPDATED,
    TOP_ORIGIN,
    TOP_CONTAINER,
    TOP_SKELETON,
    TOP_DATASETS, /* the lists, in list_id_t order */
    TOP_ATTRIBUTES,
    TOP_OBJECTS,
    TOP_EXTERNAL_LINKS,
    TOP_SKIPPED,
    TOP_RUNS,
    TOP_REPLAY,
    TOP_NKEYS
};
static const char *const top_keys[TOP_NKEYS] = {
    "carve_manifest", "generation", "carve_version", "hdf5_version", "created",    "updated",
    "origin",         "container",  "skeleton",      "datasets",     "attributes", "objects",
    "external_links", "skipped",    "runs",          "replay"};
static const field_t top_fields[TOP_NKEYS] = {
    [TOP_GENERATION]    = U64_FIELD(carve_manifest_t, generation),
    [TOP_CARVE_VERSION] = TEXT_FIELD(carve_manifest_t, carve_version),
    [TOP_HDF5_VERSION]  = TEXT_FIELD(carve_manifest_t, hdf5_version),
    [TOP_CREATED]       = TEXT_FIELD(carve_manifest_t, created),
    [TOP_UPDATED]       = TEXT_FIELD(carve_manifest_t, updated),
    [TOP_CONTAINER]     = TEXT_FIELD(carve_manifest_t, container),
    [TOP_SKELETON]      = CHOICE_FIELD(carve_manifest_t, skeleton, skeleton_names, SKELETONS_ACCEPTED)};
static const key_table_t top_table = {
    top_keys, TOP_NKEYS, 1u << TOP_FORMAT | 1u << TOP_GENERATION | 1u << TOP_ORIGIN | 1u << TOP_CONTAINER,
    "a carve manifest", top_fields};

/* The lists of the top level. */
typedef enum list_id_t {
    LIST_DATASETS,
    LIST_ATTRIBUTES,
    LIST_OBJECTS,
    LIST_EXTERNAL_LINKS,
    LIST_SKIPPED,
    LIST_RUNS,
    LIST_COUNT
} list_id_t;

_Static_assert(TOP_RUNS - TOP_DATASETS + 1 == LIST_COUNT, "the top level's list keys follow list_id_t");

/* What the items of each list are. */
typedef struct list_schema_t {
    size_t             item_size;
    const key_table_t *entry; /* the keys of an entry of plain fields only; NULL for datasets and objects */
    const char        *expected; /* the list, for messages */
} list_schema_t;

static const list_schema_t list_schemas[LIST_COUNT] = {
    [LIST_DATASETS]       = {sizeof(carve_manifest_dataset_t), NULL, "a sequence of dataset entries"},
    [LIST_ATTRIBUTES]     = {sizeof(carve_manifest_attr_t), &attribute_table,
                             "a sequence of {object: ..., name: ...}"},
    [LIST_OBJECTS]        = {sizeof(char *), NULL, "a sequence of object paths"},
    [LIST_EXTERNAL_LINKS] = {sizeof(carve_manifest_elink_t), &elink_table,
                             "a sequence of {path: ..., file: ..., object: ...}"},
    [LIST_SKIPPED] = {sizeof(carve_manifest_skip_t), &skip_table, "a sequence of {path: ..., reason: ...}"},
    [LIST_RUNS]    = {sizeof(carve_manifest_run_t), &run_table,
                      "a sequence of {time: ..., pid: ..., program: ...}"}};

static inline const char *
list_name(list_id_t id)
{
    return top_keys[TOP_DATASETS + id];
}

/* The replay section exactly as the emitter (through libyaml) writes it, for carve_manifest_file_add_replay
 * to read and write it without the rest of the document; test_manifest checks that both agree. */
#define REPLAY_SECTION_FORMAT                                                                                \
    "replay:\n  runs: %" PRIu64 "\n  last: %s\n  reads: %" PRIu64 "\n  hits: %" PRIu64                       \
    "\n  misses: %" PRIu64 "\n  partial: %" PRIu64 "\n  bytes_from_container: %" PRIu64                      \
    "\n  bytes_from_origin: %" PRIu64 "\n  origin_requests: %" PRIu64 "\n  damaged: %" PRIu64 "\n"
#define REPLAY_SECTION_SCAN                                                                                  \
    "replay:\n  runs: %" SCNu64 "\n  last: %63s\n  reads: %" SCNu64 "\n  hits: %" SCNu64                     \
    "\n  misses: %" SCNu64 "\n  partial: %" SCNu64 "\n  bytes_from_container: %" SCNu64                      \
    "\n  bytes_from_origin: %" SCNu64 "\n  origin_requests: %" SCNu64 "\n  damaged: %" SCNu64 "\n"

/* ------------------------------------------------------------------------------------------------------ */
/* Key paths for messages: datasets[3].selections[7].count                                                 */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct keypath_t {
    int         depth;
    const char *key[KEYPATH_MAX]; /* NULL: the level is an index */
    size_t      index[KEYPATH_MAX];
} keypath_t;

static inline void
keypath_push_key(keypath_t *path, const char *key)
{
    if (path->depth < KEYPATH_MAX)
        path->key[path->depth] = key;
    path->depth++;
}

static inline void
keypath_push_index(keypath_t *path, size_t index)
{
    if (path->depth < KEYPATH_MAX) {
        path->key[path->depth]   = NULL;
        path->index[path->depth] = index;
    }
    path->depth++;
}

static inline void
keypath_pop(keypath_t *path)
{
    path->depth--;
}

/* The path, followed by leaf when not NULL, into buf ("" for the top level). */
static inline const char *
keypath_format(const keypath_t *path, const char *leaf, char *buf, size_t size)
{
    int    depth = path->depth < KEYPATH_MAX ? path->depth : KEYPATH_MAX;
    size_t used  = 0;
    int    w;

    buf[0] = '\0';
    for (int i = 0; i < depth; i++) {
        if (path->key[i])
            w = snprintf(buf + used, size - used, "%s%s", used ? "." : "", path->key[i]);
        else
            w = snprintf(buf + used, size - used, "[%zu]", path->index[i]);
        if (w < 0 || (size_t)w >= size - used)
            return buf;
        used += (size_t)w;
    }
    if (leaf)
        snprintf(buf + used, size - used, "%s%s", used ? "." : "", leaf);
    return buf;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Checks and helpers both sides use                                                                       */
/* ------------------------------------------------------------------------------------------------------ */

static inline bool
is_control_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Up to EXCERPT_MAX bytes of text[0..len) for a message, control characters as '?', "..." marking a cut.
 * buf holds EXCERPT_MAX + 4 bytes. */
static inline const char *
excerpt(char *buf, const char *text, size_t len)
{
    size_t n = len < EXCERPT_MAX ? len : EXCERPT_MAX;

    for (size_t i = 0; i < n; i++)
        buf[i] = is_control_byte((unsigned char)text[i]) ? '?' : text[i];
    if (len > EXCERPT_MAX) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* Index of name[0..len) in names[0..n), or n. */
static inline size_t
find_name(const char *const *names, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return n;
}

static inline bool
is_one_of(const char *value, const char *const *names, size_t n)
{
    return find_name(names, n, value, strlen(value)) < n;
}

static inline bool
same_optional(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* A selection record that does not fit HDF5's rules or the extent: NULL when it is fine, else the reason
 * (with *dim the dimension concerned). Same rules as carve_selection_add. */
static inline const char *
record_problem(int rank, const hsize_t *dims, const hsize_t *start, const hsize_t *stride,
               const hsize_t *count, const hsize_t *block, int *dim)
{
    for (int d = 0; d < rank; d++) {
        hsize_t room;

        *dim = d;
        if (count[d] == 0)
            return "count is 0";
        if (block[d] == 0)
            return "block is 0";
        if (stride[d] == 0)
            return "stride is 0";
        if (count[d] > 1 && stride[d] < block[d])
            return "stride is smaller than block (blocks would overlap)";
        if (start[d] >= dims[d] || block[d] > dims[d] - start[d])
            return "the record reaches past dims";
        room = dims[d] - start[d] - block[d];
        if (count[d] - 1 > room / stride[d])
            return "the record reaches past dims";
    }
    return NULL;
}

/* Defined by the model (carve_manifest.c), used by the parser too. */
void carve_manifest_dataset_clear(carve_manifest_dataset_t *d);
int  carve_manifest_compare_elinks(const void *pa, const void *pb);

#endif /* CARVE_MANIFEST_SCHEMA_H */
