/*
 * carve_manifest.c — the manifest of a carved container (format: carve_manifest.h): the in-memory model
 * and its add/find helpers, the YAML text (written with libyaml's event emitter into a growing buffer,
 * read back with libyaml's event parser, strictly: every key, type, shape and range is checked and every
 * error names the text, the line and the key), atomic file I/O, the sum of replay counters, base64 for
 * origin_dcpl, and UTC times.
 *
 * Each kind of mapping is described once (the schema: its keys, which are required, and the members that
 * hold plain values), and the writer and the reader both work from that description.
 *
 * The parser streams events, so memory grows with the manifest's content, never with a node tree. A
 * dataset's selections and chunks may come before its dims in a hand-edited file, so their numbers are
 * collected first and checked against the dataset's rank and extent when its entry ends. Selections are
 * rebuilt record for record (not through carve_selection_add, which folds neighbours), so that
 * parse(emit(m)) gives back exactly m.
 */
#define _POSIX_C_SOURCE 200809L

#include "carve_manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "carve_error.h"
#include "carve_version.h"

/* Longest excerpt of the document's own text quoted in a message. */
#define EXCERPT_MAX 64
/* Deepest key path a message names: datasets[i].selections[j].start[k]. */
#define KEYPATH_MAX 8
/* Room for "<what> line N, key <path>". */
#define WHERE_SIZE 4608
/* Width at which libyaml wraps flow collections (the chunk lists). */
#define EMIT_WIDTH 120
/* Elements of an array (not a pointer). */
#define COUNT_OF(array) (sizeof(array) / sizeof(array)[0])

static const char *const origin_layout_names[] = {"chunked", "contiguous", "compact", "virtual", "external"};
static const char *const held_names[]          = {"all"};
#define HELD_ACCEPTED "all"
#define ORIGIN_LAYOUTS_ACCEPTED "chunked, contiguous, compact, virtual, external"
static const char *const skeleton_names[] = {"full", "touched"};
#define SKELETONS_ACCEPTED "full, touched"

/* ------------------------------------------------------------------------------------------------------ */
/* Small helpers                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

static bool
is_control_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Up to EXCERPT_MAX bytes of text[0..len) for a message, control characters as '?', "..." marking a cut.
 * buf holds EXCERPT_MAX + 4 bytes. */
static const char *
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

/* Index of name[0..len) in names[0..n), or n. */
static size_t
find_name(const char *const *names, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return n;
}

static bool
is_one_of(const char *value, const char *const *names, size_t n)
{
    return find_name(names, n, value, strlen(value)) < n;
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

/* array (of *cap elements of elem bytes) with room for n + 1 elements: array itself, or a grown copy
 * (*cap updated), or NULL when memory runs out (array is then left as it was). */
static void *
reserve_one_more(void *array, size_t *cap, size_t n, size_t elem, const char *what)
{
    size_t want;
    void  *ret_value = array;

    if (n < *cap)
        CARVE_GOTO_DONE(array);
    want = *cap ? *cap * 2 : 8;
    if (want > SIZE_MAX / elem)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "too many %s in the manifest", what);
    if ((ret_value = realloc(array, want * elem)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory holding %zu %s of the manifest", n + 1,
                         what);
    *cap = want;

done:
    return ret_value;
}

/* A selection record that does not fit HDF5's rules or the extent: NULL when it is fine, else the reason
 * (with *dim the dimension concerned). Same rules as carve_selection_add. */
static const char *
record_problem(int rank, const hsize_t *dims, const hsize_t *start, const hsize_t *stride, const hsize_t *count,
               const hsize_t *block, int *dim)
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

/* ------------------------------------------------------------------------------------------------------ */
/* Key paths for messages: datasets[3].selections[7].count                                                  */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct keypath_t {
    int         depth;
    const char *key[KEYPATH_MAX]; /* NULL: the level is an index */
    size_t      index[KEYPATH_MAX];
} keypath_t;

static void
keypath_push_key(keypath_t *path, const char *key)
{
    if (path->depth < KEYPATH_MAX)
        path->key[path->depth] = key;
    path->depth++;
}

static void
keypath_push_index(keypath_t *path, size_t index)
{
    if (path->depth < KEYPATH_MAX) {
        path->key[path->depth]   = NULL;
        path->index[path->depth] = index;
    }
    path->depth++;
}

static void
keypath_pop(keypath_t *path)
{
    path->depth--;
}

/* The path, followed by leaf when not NULL, into buf ("" for the top level). */
static const char *
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
/* The schema: the keys of each kind of mapping, shared by the writer and the reader                       */
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

#define TEXT_FIELD(type, member)        {.kind = FIELD_TEXT, .offset = offsetof(type, member)}
#define U64_FIELD(type, member)         {.kind = FIELD_U64, .offset = offsetof(type, member)}
#define I64_FIELD(type, member, lowest) {.kind = FIELD_I64, .offset = offsetof(type, member), .min = (lowest)}
#define CHOICE_FIELD(type, member, values, list)                                                                   \
    {.kind   = FIELD_CHOICE, .offset = offsetof(type, member), .names = (values),                                  \
     .nnames = COUNT_OF(values), .accepted = (list)}

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
static const field_t     stamp_fields[STAMP_NKEYS] = {
    [STAMP_SIZE]          = I64_FIELD(carve_stamp_t, size, -1),
    [STAMP_ETAG]          = TEXT_FIELD(carve_stamp_t, etag),
    [STAMP_LAST_MODIFIED] = TEXT_FIELD(carve_stamp_t, last_modified)};
static const key_table_t stamp_table = {stamp_keys, STAMP_NKEYS, 1u << STAMP_KIND, "a stamp", stamp_fields};

/* --- origin --- */

enum { ORIGIN_LOCATION, ORIGIN_STAMP, ORIGIN_NKEYS };
static const char *const origin_keys[ORIGIN_NKEYS]   = {"location", "stamp"};
static const field_t     origin_fields[ORIGIN_NKEYS] = {[ORIGIN_LOCATION] = TEXT_FIELD(carve_manifest_t, origin)};
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
    DS_CHUNKS,
    DS_ORIGIN_DCPL,
    DS_HELD,
    DS_NKEYS
};
static const char *const dataset_keys[DS_NKEYS] = {"path",          "origin_layout", "store",      "dims",
                                                   "chunk",         "elements_read", "bytes_read", "bytes_stored",
                                                   "chunks_stored", "selections",    "chunks",     "origin_dcpl",
                                                   "held"};
static const field_t     dataset_fields[DS_NKEYS] = {
    [DS_PATH]          = TEXT_FIELD(carve_manifest_dataset_t, path),
    [DS_ORIGIN_LAYOUT] = CHOICE_FIELD(carve_manifest_dataset_t, origin_layout, origin_layout_names,
                                      ORIGIN_LAYOUTS_ACCEPTED),
    [DS_ELEMENTS_READ] = U64_FIELD(carve_manifest_dataset_t, elements_read),
    [DS_BYTES_READ]    = U64_FIELD(carve_manifest_dataset_t, bytes_read),
    [DS_BYTES_STORED]  = U64_FIELD(carve_manifest_dataset_t, bytes_stored),
    [DS_CHUNKS_STORED] = U64_FIELD(carve_manifest_dataset_t, chunks_stored),
    [DS_HELD]          = CHOICE_FIELD(carve_manifest_dataset_t, held, held_names, HELD_ACCEPTED)};
static const key_table_t dataset_table = {dataset_keys, DS_NKEYS, 1u << DS_PATH | 1u << DS_STORE | 1u << DS_DIMS,
                                          "a dataset entry", dataset_fields};

enum { REC_START, REC_STRIDE, REC_COUNT, REC_BLOCK, REC_NKEYS };
static const char *const record_keys[REC_NKEYS] = {"start", "stride", "count", "block"};
static const key_table_t record_table           = {record_keys, REC_NKEYS, 15u, "a selection record", NULL};

/* --- attributes, external links, skipped, runs: entries of plain fields only --- */

static const char *const attribute_keys[2]   = {"object", "name"};
static const field_t     attribute_fields[2] = {TEXT_FIELD(carve_manifest_attr_t, object),
                                                TEXT_FIELD(carve_manifest_attr_t, name)};
static const key_table_t attribute_table     = {attribute_keys, 2, 3u, "an attribute entry", attribute_fields};
static const char *const elink_keys[3]       = {"path", "file", "object"};
static const field_t     elink_fields[3]     = {TEXT_FIELD(carve_manifest_elink_t, path),
                                                TEXT_FIELD(carve_manifest_elink_t, file),
                                                TEXT_FIELD(carve_manifest_elink_t, object)};
static const key_table_t elink_table         = {elink_keys, 3, 7u, "an external link entry", elink_fields};
static const char *const skip_keys[2]        = {"path", "reason"};
static const field_t     skip_fields[2]      = {TEXT_FIELD(carve_manifest_skip_t, path),
                                                TEXT_FIELD(carve_manifest_skip_t, reason)};
static const key_table_t skip_table          = {skip_keys, 2, 1u, "a skipped-file entry", skip_fields};
static const char *const run_keys[3]         = {"time", "pid", "program"};
static const field_t     run_fields[3]       = {TEXT_FIELD(carve_manifest_run_t, time),
                                                I64_FIELD(carve_manifest_run_t, pid, INT64_MIN),
                                                TEXT_FIELD(carve_manifest_run_t, program)};
static const key_table_t run_table           = {run_keys, 3, 3u, "a run entry", run_fields};

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
static const char *const replay_keys[REPLAY_NKEYS]   = {"runs",    "last",           "reads",
                                                        "hits",    "misses",         "partial",
                                                        "bytes_from_container",      "bytes_from_origin",
                                                        "origin_requests", "damaged"};
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
static const key_table_t replay_table = {replay_keys, REPLAY_NKEYS, (1u << REPLAY_DAMAGED) - 1, "the replay section",
                                         replay_fields};

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
    "carve_manifest", "generation", "carve_version", "hdf5_version",   "created", "updated", "origin",
    "container",      "skeleton",   "datasets",      "attributes",     "objects", "external_links",
    "skipped",        "runs",       "replay"};
static const field_t top_fields[TOP_NKEYS] = {
    [TOP_GENERATION]    = U64_FIELD(carve_manifest_t, generation),
    [TOP_CARVE_VERSION] = TEXT_FIELD(carve_manifest_t, carve_version),
    [TOP_HDF5_VERSION]  = TEXT_FIELD(carve_manifest_t, hdf5_version),
    [TOP_CREATED]       = TEXT_FIELD(carve_manifest_t, created),
    [TOP_UPDATED]       = TEXT_FIELD(carve_manifest_t, updated),
    [TOP_CONTAINER]     = TEXT_FIELD(carve_manifest_t, container),
    [TOP_SKELETON]      = CHOICE_FIELD(carve_manifest_t, skeleton, skeleton_names, SKELETONS_ACCEPTED)};
static const key_table_t top_table = {top_keys, TOP_NKEYS,
                                      1u << TOP_FORMAT | 1u << TOP_GENERATION | 1u << TOP_ORIGIN | 1u << TOP_CONTAINER,
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
    const key_table_t *entry;    /* the keys of an entry of plain fields only; NULL for datasets and objects */
    const char        *expected; /* the list, for messages */
} list_schema_t;

static const list_schema_t list_schemas[LIST_COUNT] = {
    [LIST_DATASETS]       = {sizeof(carve_manifest_dataset_t), NULL, "a sequence of dataset entries"},
    [LIST_ATTRIBUTES]     = {sizeof(carve_manifest_attr_t), &attribute_table,
                             "a sequence of {object: ..., name: ...}"},
    [LIST_OBJECTS]        = {sizeof(char *), NULL, "a sequence of object paths"},
    [LIST_EXTERNAL_LINKS] = {sizeof(carve_manifest_elink_t), &elink_table,
                             "a sequence of {path: ..., file: ..., object: ...}"},
    [LIST_SKIPPED]        = {sizeof(carve_manifest_skip_t), &skip_table, "a sequence of {path: ..., reason: ...}"},
    [LIST_RUNS]           = {sizeof(carve_manifest_run_t), &run_table,
                             "a sequence of {time: ..., pid: ..., program: ...}"}};

static const char *
list_name(list_id_t id)
{
    return top_keys[TOP_DATASETS + id];
}

/* ------------------------------------------------------------------------------------------------------ */
/* The model                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

void
carve_manifest_init(carve_manifest_t *m)
{
    if (m == NULL)
        return;
    memset(m, 0, sizeof *m);
    m->format     = CARVE_MANIFEST_FORMAT;
    m->stamp.size = -1;
}

static void
dataset_clear(carve_manifest_dataset_t *d)
{
    free(d->path);
    free(d->origin_layout);
    free(d->held);
    free(d->origin_dcpl);
    carve_selection_clear(&d->selections);
    carve_chunkset_clear(&d->chunks);
    memset(d, 0, sizeof *d);
}

static void
attribute_clear(void *entry)
{
    carve_manifest_attr_t *a = entry;

    free(a->object);
    free(a->name);
}

static void
object_clear(void *entry)
{
    free(*(char **)entry);
}

static void
elink_clear(carve_manifest_elink_t *e)
{
    free(e->path);
    free(e->file);
    free(e->object);
}

void
carve_manifest_clear(carve_manifest_t *m)
{
    if (m == NULL)
        return;
    free(m->carve_version);
    free(m->hdf5_version);
    free(m->created);
    free(m->updated);
    free(m->origin);
    carve_stamp_clear(&m->stamp);
    free(m->container);
    free(m->skeleton);
    for (size_t i = 0; i < m->ndatasets; i++)
        dataset_clear(&m->datasets[i]);
    free(m->datasets);
    for (size_t i = 0; i < m->nattributes; i++)
        attribute_clear(&m->attributes[i]);
    free(m->attributes);
    for (size_t i = 0; i < m->nobjects; i++)
        object_clear(&m->objects[i]);
    free(m->objects);
    for (size_t i = 0; i < m->nelinks; i++)
        elink_clear(&m->elinks[i]);
    free(m->elinks);
    for (size_t i = 0; i < m->nskipped; i++) {
        free(m->skipped[i].path);
        free(m->skipped[i].reason);
    }
    free(m->skipped);
    for (size_t i = 0; i < m->nruns; i++) {
        free(m->runs[i].time);
        free(m->runs[i].program);
    }
    free(m->runs);
    free(m->replay_last);
    carve_manifest_init(m);
}

/* Entries added out of path order are kept in a scanned tail up to this many, then sorted in. */
#define DATASETS_UNSORTED_MAX 64

static int
compare_dataset_paths(const void *pa, const void *pb)
{
    return strcmp(((const carve_manifest_dataset_t *)pa)->path, ((const carve_manifest_dataset_t *)pb)->path);
}

carve_manifest_dataset_t *
carve_manifest_find_dataset(const carve_manifest_t *m, const char *path)
{
    carve_manifest_dataset_t key;

    if (m == NULL || path == NULL)
        return NULL;
    key.path = (char *)(uintptr_t)path;
    if (m->datasets_sorted > 0) {
        carve_manifest_dataset_t *hit =
            bsearch(&key, m->datasets, m->datasets_sorted, sizeof *m->datasets, compare_dataset_paths);

        if (hit)
            return hit;
    }
    for (size_t i = m->datasets_sorted; i < m->ndatasets; i++)
        if (strcmp(m->datasets[i].path, path) == 0)
            return &m->datasets[i];
    return NULL;
}

void
carve_manifest_sort_datasets(carve_manifest_t *m)
{
    if (m->datasets_sorted < m->ndatasets)
        qsort(m->datasets, m->ndatasets, sizeof *m->datasets, compare_dataset_paths);
    m->datasets_sorted = m->ndatasets;
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

carve_manifest_dataset_t *
carve_manifest_add_dataset(carve_manifest_t *m, const char *path, int rank, const hsize_t *dims, const hsize_t *chunk)
{
    carve_manifest_dataset_t  entry;
    carve_manifest_dataset_t *grown;
    carve_manifest_dataset_t *ret_value = NULL;

    memset(&entry, 0, sizeof entry);
    if (m == NULL || path == NULL || (rank > 0 && dims == NULL))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL, "carve_manifest_add_dataset: NULL argument");
    if (rank < 0 || rank > H5S_MAX_RANK)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL,
                         "cannot add dataset %s to the manifest: rank %d (expected 0..%d)", path, rank, H5S_MAX_RANK);
    if (chunk != NULL && rank == 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL,
                         "cannot add dataset %s to the manifest: a scalar dataset has no chunk shape", path);
    if (carve_manifest_find_dataset(m, path) != NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL, "dataset %s is in the manifest already", path);
    if ((entry.path = strdup(path)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory adding dataset %s to the manifest", path);
    entry.rank = rank;
    for (int d = 0; d < rank; d++)
        entry.dims[d] = dims[d];
    carve_selection_init(&entry.selections, rank, entry.dims);
    entry.store = CARVE_STORE_ELEMENTS;
    if (chunk != NULL) {
        if (carve_chunkset_init(&entry.chunks, rank, entry.dims, chunk) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL,
                             "cannot add dataset %s to the manifest: bad chunk shape", path);
        entry.chunked = 1;
        entry.store   = CARVE_STORE_CHUNKS;
        for (int d = 0; d < rank; d++)
            entry.chunk[d] = chunk[d];
    }
    if (m->ndatasets >= SIZE_MAX / sizeof *grown - 1 ||
        (grown = realloc(m->datasets, (m->ndatasets + 1) * sizeof *grown)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory adding dataset %s to the manifest", path);
    m->datasets               = grown;
    m->datasets[m->ndatasets] = entry;
    memset(&entry, 0, sizeof entry);
    ret_value = &m->datasets[m->ndatasets++];
    if (m->datasets_sorted == m->ndatasets - 1 &&
        (m->datasets_sorted == 0 || strcmp(m->datasets[m->datasets_sorted - 1].path, path) < 0))
        m->datasets_sorted++; /* appended in order */
    else if (m->ndatasets - m->datasets_sorted > DATASETS_UNSORTED_MAX) {
        carve_manifest_sort_datasets(m);
        ret_value = carve_manifest_find_dataset(m, path);
    }

done:
    dataset_clear(&entry);
    return ret_value;
}

/* strdup of an optional string: NULL stays NULL. */
static bool
copy_optional(const char *text, char **copy)
{
    *copy = NULL;
    return text == NULL || (*copy = strdup(text)) != NULL;
}

static bool
same_optional(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

herr_t
carve_manifest_add_attribute(carve_manifest_t *m, const char *object, const char *name)
{
    carve_manifest_attr_t  entry = {NULL, NULL};
    carve_manifest_attr_t *grown;
    herr_t                 ret_value = 0;

    if (m == NULL || object == NULL || name == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_add_attribute: NULL argument");
    for (size_t i = 0; i < m->nattributes; i++)
        if (strcmp(m->attributes[i].object, object) == 0 && strcmp(m->attributes[i].name, name) == 0)
            CARVE_GOTO_DONE(0);
    if ((entry.object = strdup(object)) == NULL || (entry.name = strdup(name)) == NULL ||
        (grown = realloc(m->attributes, (m->nattributes + 1) * sizeof *grown)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding attribute %s of %s to the manifest",
                         name, object);
    m->attributes                   = grown;
    m->attributes[m->nattributes++] = entry;
    entry.object = entry.name = NULL;

done:
    attribute_clear(&entry);
    return ret_value;
}

herr_t
carve_manifest_add_object(carve_manifest_t *m, const char *path)
{
    char  *copy = NULL;
    char **grown;
    herr_t ret_value = 0;

    if (m == NULL || path == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_add_object: NULL argument");
    for (size_t i = 0; i < m->nobjects; i++)
        if (strcmp(m->objects[i], path) == 0)
            CARVE_GOTO_DONE(0);
    if ((copy = strdup(path)) == NULL || (grown = realloc(m->objects, (m->nobjects + 1) * sizeof *grown)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding object %s to the manifest", path);
    m->objects                = grown;
    m->objects[m->nobjects++] = copy;
    copy                      = NULL;

done:
    free(copy);
    return ret_value;
}

static int
compare_attribute_entries(const void *pa, const void *pb)
{
    const carve_manifest_attr_t *a = pa, *b = pb;
    int                          c = strcmp(a->object, b->object);

    return c ? c : strcmp(a->name, b->name);
}

static int
compare_object_entries(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* Sorts items[0..*n) (size bytes each) by compare and drops the repeats, each freed by clear. */
static void
sort_unique(void *items, size_t *n, size_t size, int (*compare)(const void *, const void *), void (*clear)(void *))
{
    char  *base = items;
    size_t out  = 0;

    if (*n < 2)
        return;
    qsort(base, *n, size, compare);
    for (size_t i = 0; i < *n; i++) {
        if (out > 0 && compare(base + (out - 1) * size, base + i * size) == 0) {
            clear(base + i * size);
            continue;
        }
        if (out != i)
            memcpy(base + out * size, base + i * size, size);
        out++;
    }
    *n = out;
}

herr_t
carve_manifest_merge_attributes(carve_manifest_t *m, const carve_manifest_attr_t *add, size_t n)
{
    carve_manifest_attr_t *grown;
    herr_t                 ret_value = 0;

    if (m == NULL || (n > 0 && add == NULL))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_merge_attributes: NULL argument");
    if (n > 0) {
        if ((grown = realloc(m->attributes, (m->nattributes + n) * sizeof *grown)) == NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding %zu attributes to the manifest", n);
        m->attributes = grown;
        for (size_t i = 0; i < n; i++) {
            carve_manifest_attr_t *e = &m->attributes[m->nattributes];

            if ((e->object = strdup(add[i].object)) == NULL || (e->name = strdup(add[i].name)) == NULL) {
                free(e->object);
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding attributes to the manifest");
            }
            m->nattributes++;
        }
    }

done:
    /* Sorted and without duplicates, also after a failure part-way (what was added stays valid). */
    if (m)
        sort_unique(m->attributes, &m->nattributes, sizeof *m->attributes, compare_attribute_entries, attribute_clear);
    return ret_value;
}

herr_t
carve_manifest_merge_objects(carve_manifest_t *m, const char *const *paths, size_t n)
{
    char **grown;
    herr_t ret_value = 0;

    if (m == NULL || (n > 0 && paths == NULL))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_merge_objects: NULL argument");
    if (n > 0) {
        if ((grown = realloc(m->objects, (m->nobjects + n) * sizeof *grown)) == NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding %zu objects to the manifest", n);
        m->objects = grown;
        for (size_t i = 0; i < n; i++) {
            if ((m->objects[m->nobjects] = strdup(paths[i])) == NULL)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding objects to the manifest");
            m->nobjects++;
        }
    }

done:
    if (m)
        sort_unique(m->objects, &m->nobjects, sizeof *m->objects, compare_object_entries, object_clear);
    return ret_value;
}

herr_t
carve_manifest_add_skipped(carve_manifest_t *m, const char *path, const char *reason)
{
    carve_manifest_skip_t  entry = {NULL, NULL};
    carve_manifest_skip_t *grown;
    herr_t                 ret_value = 0;

    if (m == NULL || path == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_add_skipped: NULL argument");
    for (size_t i = 0; i < m->nskipped; i++)
        if (strcmp(m->skipped[i].path, path) == 0 && same_optional(m->skipped[i].reason, reason))
            CARVE_GOTO_DONE(0);
    if ((entry.path = strdup(path)) == NULL || !copy_optional(reason, &entry.reason) ||
        (grown = realloc(m->skipped, (m->nskipped + 1) * sizeof *grown)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding skipped file %s to the manifest", path);
    m->skipped                = grown;
    m->skipped[m->nskipped++] = entry;
    entry.path = entry.reason = NULL;

done:
    free(entry.path);
    free(entry.reason);
    return ret_value;
}

static int
compare_elink_paths(const void *pa, const void *pb)
{
    return strcmp(((const carve_manifest_elink_t *)pa)->path, ((const carve_manifest_elink_t *)pb)->path);
}

/* Where path is, or goes, in m->elinks (which is in path order). */
static size_t
elink_position(const carve_manifest_t *m, const char *path)
{
    size_t low = 0, high = m->nelinks;

    while (low < high) {
        size_t mid = low + (high - low) / 2;

        if (strcmp(m->elinks[mid].path, path) < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

herr_t
carve_manifest_add_external_link(carve_manifest_t *m, const char *path, const char *file, const char *object)
{
    carve_manifest_elink_t  entry = {NULL, NULL, NULL};
    carve_manifest_elink_t *grown = NULL, *listed;
    size_t                  at;
    herr_t                  ret_value = 0;

    if (m == NULL || path == NULL || file == NULL || object == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_add_external_link: NULL argument");
    at     = elink_position(m, path);
    listed = at < m->nelinks && strcmp(m->elinks[at].path, path) == 0 ? &m->elinks[at] : NULL;
    if (listed && strcmp(listed->file, file) == 0 && strcmp(listed->object, object) == 0)
        CARVE_GOTO_DONE(0);
    if ((!listed && (entry.path = strdup(path)) == NULL) || (entry.file = strdup(file)) == NULL ||
        (entry.object = strdup(object)) == NULL ||
        (!listed && (grown = realloc(m->elinks, (m->nelinks + 1) * sizeof *grown)) == NULL))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory adding external link %s to the manifest",
                         path);
    if (listed) { /* another target at the same path: the entry takes the new one */
        free(listed->file);
        free(listed->object);
        listed->file   = entry.file;
        listed->object = entry.object;
    }
    else {
        m->elinks = grown;
        memmove(&m->elinks[at + 1], &m->elinks[at], (m->nelinks - at) * sizeof *m->elinks);
        m->elinks[at] = entry;
        m->nelinks++;
    }
    memset(&entry, 0, sizeof entry);

done:
    elink_clear(&entry);
    return ret_value;
}

herr_t
carve_manifest_add_run(carve_manifest_t *m, const char *time, int64_t pid, const char *program)
{
    carve_manifest_run_t  entry = {NULL, pid, NULL};
    carve_manifest_run_t *grown;
    herr_t                ret_value = 0;

    if (m == NULL || time == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_add_run: NULL argument");
    for (size_t i = 0; i < m->nruns; i++)
        if (m->runs[i].pid == pid && strcmp(m->runs[i].time, time) == 0 && same_optional(m->runs[i].program, program))
            CARVE_GOTO_DONE(0);
    if ((entry.time = strdup(time)) == NULL || !copy_optional(program, &entry.program) ||
        (grown = realloc(m->runs, (m->nruns + 1) * sizeof *grown)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1,
                         "out of memory adding a run of pid %" PRId64 " to the manifest", pid);
    m->runs             = grown;
    m->runs[m->nruns++] = entry;
    entry.time = entry.program = NULL;

done:
    free(entry.time);
    free(entry.program);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Replay counters                                                                                         */
/* ------------------------------------------------------------------------------------------------------ */

/* into + add, UINT64_MAX when the sum does not fit. */
static uint64_t
add_saturating(uint64_t into, uint64_t add)
{
    return into > UINT64_MAX - add ? UINT64_MAX : into + add;
}

void
carve_replay_counters_add(carve_replay_counters_t *into, const carve_replay_counters_t *add)
{
    if (into == NULL || add == NULL)
        return;
    into->reads           = add_saturating(into->reads, add->reads);
    into->hits            = add_saturating(into->hits, add->hits);
    into->misses          = add_saturating(into->misses, add->misses);
    into->partial         = add_saturating(into->partial, add->partial);
    into->bytes_container = add_saturating(into->bytes_container, add->bytes_container);
    into->bytes_origin    = add_saturating(into->bytes_origin, add->bytes_origin);
    into->origin_requests = add_saturating(into->origin_requests, add->origin_requests);
    into->damaged         = add_saturating(into->damaged, add->damaged);
}



/* ------------------------------------------------------------------------------------------------------ */
/* Base64 (RFC 4648, standard alphabet, padded)                                                            */
/* ------------------------------------------------------------------------------------------------------ */

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

char *
carve_base64_encode(const void *data, size_t len)
{
    const unsigned char *in        = data;
    char                *out       = NULL;
    size_t               o         = 0;
    char                *ret_value = NULL;

    if (data == NULL && len > 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL, "carve_base64_encode: NULL data");
    if (len / 3 >= (SIZE_MAX - 5) / 4)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, NULL, "cannot base64-encode %zu bytes: too long", len);
    if ((out = malloc((len + 2) / 3 * 4 + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory base64-encoding %zu bytes", len);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t group = (uint32_t)in[i] << 16;
        size_t   left  = len - i;

        if (left > 1)
            group |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            group |= in[i + 2];
        out[o++] = base64_alphabet[(group >> 18) & 63];
        out[o++] = base64_alphabet[(group >> 12) & 63];
        out[o++] = left > 1 ? base64_alphabet[(group >> 6) & 63] : '=';
        out[o++] = left > 2 ? base64_alphabet[group & 63] : '=';
    }
    out[o]    = '\0';
    ret_value = out;
    out       = NULL;

done:
    free(out);
    return ret_value;
}

/* Decodes text[0..len) into out (room for len / 4 * 3 bytes; NULL to check only). Returns NULL on success
 * with *out_len set, else the reason, *bad being the offending offset. */
static const char *
base64_decode_into(const char *text, size_t len, unsigned char *out, size_t *out_len, size_t *bad)
{
    size_t o = 0;

    *bad = len;
    if (len % 4 != 0)
        return "its length is not a multiple of 4";
    for (size_t i = 0; i < len; i += 4) {
        int      v[4];
        size_t   pad  = 0;
        bool     last = i + 4 == len;
        uint32_t group;

        for (size_t k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)text[i + k];
            if (c == '=' && last && k >= 2) {
                if (k == 2 && text[i + 3] != '=') {
                    *bad = i + k;
                    return "'=' padding is only allowed at the end";
                }
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad > 0 || (v[k] = base64_value(c)) < 0) {
                *bad = i + k;
                return c == '=' ? "'=' padding is only allowed at the end" : "a character outside the base64 alphabet";
            }
        }
        group = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        if ((pad == 1 && (group & 0xff) != 0) || (pad == 2 && (group & 0xffff) != 0)) {
            *bad = i + 3 - pad;
            return "non-zero bits before the padding (not canonical base64)";
        }
        if (out) {
            out[o] = (unsigned char)(group >> 16);
            if (pad < 2)
                out[o + 1] = (unsigned char)(group >> 8);
            if (pad < 1)
                out[o + 2] = (unsigned char)group;
        }
        o += 3 - pad;
    }
    *out_len = o;
    return NULL;
}

herr_t
carve_base64_decode(const char *text, void **data, size_t *len)
{
    unsigned char *out = NULL;
    const char    *reason;
    size_t         text_len, bad = 0, out_len = 0;
    char           shown[EXCERPT_MAX + 4];
    herr_t         ret_value = 0;

    if (text == NULL || data == NULL || len == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_base64_decode: NULL argument");
    *data    = NULL;
    *len     = 0;
    text_len = strlen(text);
    if ((out = malloc(text_len / 4 * 3 + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory decoding %zu bytes of base64", text_len);
    if ((reason = base64_decode_into(text, text_len, out, &out_len, &bad)) != NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "bad base64 text '%s': %s (at offset %zu)",
                         excerpt(shown, text, text_len), reason, bad);
    *data = out;
    *len  = out_len;
    out   = NULL;

done:
    free(out);
    return ret_value;
}

void
carve_utc_now(char *buf, size_t size)
{
    time_t    now = time(NULL);
    struct tm utc;

    if (buf == NULL || size == 0)
        return;
    if (now == (time_t)-1 || gmtime_r(&now, &utc) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        buf[0] = '\0';
}

/* ------------------------------------------------------------------------------------------------------ */
/* Emitting                                                                                                */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct writer_t {
    yaml_emitter_t emitter;
    char          *text; /* the output so far, NUL-terminated once done */
    size_t         len;
    size_t         cap;
    bool           out_of_memory;
    keypath_t      path; /* the key being written, for messages */
} writer_t;

/* libyaml's output handler: appends to the growing buffer (keeping a byte for the NUL). */
static int
writer_output(void *data, unsigned char *buffer, size_t size)
{
    writer_t *w = data;

    if (size >= SIZE_MAX - w->len - 1) {
        w->out_of_memory = true;
        return 0;
    }
    if (w->len + size + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        char  *grown;
        while (cap < w->len + size + 1)
            cap = cap > SIZE_MAX / 2 ? w->len + size + 1 : cap * 2;
        if ((grown = realloc(w->text, cap)) == NULL) {
            w->out_of_memory = true;
            return 0;
        }
        w->text = grown;
        w->cap  = cap;
    }
    memcpy(w->text + w->len, buffer, size);
    w->len += size;
    return 1;
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory", writer_at(w, at, sizeof at));
    if (!yaml_emitter_emit(&w->emitter, event)) {
        if (w->out_of_memory || w->emitter.error == YAML_MEMORY_ERROR)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory", writer_at(w, at, sizeof at));
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: libyaml: %s", writer_at(w, at, sizeof at),
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: a value of %zu bytes is too long",
                         writer_at(w, at, sizeof at), len);
    ret_value = emit_event(
        w, yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)value, (int)len, 1, 1, style), &event);

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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "%s: the value is not valid UTF-8 (byte 0x%02x at offset %zu); YAML text must be UTF-8",
                         writer_at(w, at, sizeof at), (unsigned)(unsigned char)text[bad], bad);
    ret_value =
        emit_scalar(w, text, len, reads_as_non_string(text) ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);

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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: %s", writer_at(w, at, sizeof at), missing);
    if (emit_mapping_start(w, YAML_FLOW_MAPPING_STYLE) < 0 || emit_fields(w, table, entry, 0, table->n - 1) < 0 ||
        emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* Writes item i of a list; the key path names it meanwhile. */
typedef herr_t (*emit_item_t)(writer_t *w, const void *items, size_t i);

/* key: a sequence of n items, each written by emit_item. */
static herr_t
emit_list(writer_t *w, const char *key, yaml_sequence_style_t style, const void *items, size_t n, emit_item_t emit_item)
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: mtime nanoseconds %" PRId64 " (expected 0..999999999)",
                         writer_at(w, at, sizeof at), stamp->mtime_nsec);
    if (stamp->size < -1)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: size %" PRId64 " (expected -1 for unknown, or >= 0)",
                         writer_at(w, at, sizeof at), stamp->size);
    if (emit_mapping_start(w, YAML_FLOW_MAPPING_STYLE) < 0 ||
        emit_text_pair(w, "kind", stamp->remote ? "remote" : "local") < 0 ||
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: the dataset has no path", writer_at(w, at, sizeof at));
    if (d->rank < 0 || d->rank > H5S_MAX_RANK)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: dataset %s has rank %d (expected 0..%d)",
                         writer_at(w, at, sizeof at), d->path, d->rank, H5S_MAX_RANK);
    if (d->store != CARVE_STORE_CHUNKS && d->store != CARVE_STORE_ELEMENTS)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: dataset %s has store %d (expected chunks or elements)",
                         writer_at(w, at, sizeof at), d->path, (int)d->store);
    if (d->store == CARVE_STORE_CHUNKS && !d->chunked)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "%s: dataset %s has store chunks but no chunk shape (chunked is 0)",
                         writer_at(w, at, sizeof at), d->path);
    if (d->origin_layout && !is_one_of(d->origin_layout, origin_layout_names, COUNT_OF(origin_layout_names)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: dataset %s has origin_layout '%s' (accepted: %s)",
                         writer_at(w, at, sizeof at), d->path, d->origin_layout, ORIGIN_LAYOUTS_ACCEPTED);
    if (sel->rank != d->rank || (d->rank > 0 && memcmp(sel->dims, d->dims, (size_t)d->rank * sizeof *d->dims) != 0))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "%s: the selections of dataset %s have another rank or extent than the dataset",
                         writer_at(w, at, sizeof at), d->path);
    if (sel->nrecords > 0 && sel->records == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: dataset %s has selection records but no array",
                         writer_at(w, at, sizeof at), d->path);
    for (size_t i = 0; i < sel->nrecords; i++) {
        int         dim     = 0;
        const char *problem = record_problem(d->rank, d->dims, CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                                             CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i), &dim);
        if (problem)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: selection record %zu of dataset %s: %s in dimension %d", writer_at(w, at, sizeof at),
                             i, d->path, problem, dim);
    }
    if (d->chunked) {
        if (d->rank < 1)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: scalar dataset %s is marked chunked",
                             writer_at(w, at, sizeof at), d->path);
        if (d->chunks.rank != d->rank)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: the chunk set of dataset %s has rank %d, the dataset %d", writer_at(w, at, sizeof at),
                             d->path, d->chunks.rank, d->rank);
        for (int k = 0; k < d->rank; k++) {
            hsize_t grid = d->chunk[k] ? (d->dims[k] == 0 ? 1 : (d->dims[k] + d->chunk[k] - 1) / d->chunk[k]) : 0;
            if (d->chunk[k] == 0 || d->chunks.chunk[k] != d->chunk[k] || d->chunks.grid[k] != grid)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                                 "%s: dataset %s: the chunk set does not match chunk and dims in dimension %d",
                                 writer_at(w, at, sizeof at), d->path, k);
        }
        if (d->chunks.n > 0 && d->chunks.idx == NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: dataset %s has chunks but no array",
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

static herr_t
emit_dataset(writer_t *w, const void *items, size_t i)
{
    const carve_manifest_dataset_t *d         = (const carve_manifest_dataset_t *)items + i;
    const carve_selection_t        *sel       = &d->selections;
    herr_t                          ret_value = 0;

    if (check_dataset_for_emit(w, d) < 0)
        CARVE_GOTO_DONE(-1);
    if (emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_fields(w, &dataset_table, d, DS_PATH, DS_ORIGIN_LAYOUT) < 0 ||
        emit_text_pair(w, "store", d->store == CARVE_STORE_CHUNKS ? "chunks" : "elements") < 0 ||
        emit_number_list_pair(w, "dims", d->dims, d->rank) < 0 ||
        (d->chunked && emit_number_list_pair(w, "chunk", d->chunk, d->rank) < 0) ||
        emit_fields(w, &dataset_table, d, DS_ELEMENTS_READ, DS_CHUNKS_STORED) < 0)
        CARVE_GOTO_DONE(-1);
    if (emit_list(w, "selections", YAML_BLOCK_SEQUENCE_STYLE, sel, sel->nrecords, emit_record) < 0 ||
        (d->chunked && emit_chunks(w, &d->chunks) < 0) || emit_text_pair(w, "origin_dcpl", d->origin_dcpl) < 0 ||
        emit_text_pair(w, "held", d->held) < 0 || emit_mapping_end(w) < 0)
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: no path", writer_at(w, at, sizeof at));
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: no last (the time of the latest replay run)",
                         writer_at(w, at, sizeof at));
    if (emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_fields(w, &replay_table, m, 0, REPLAY_NKEYS - 1) < 0 || emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

done:
    return ret_value;
}

/* The replay section exactly as emit_replay (through libyaml) writes it, for carve_manifest_file_add_replay
 * to read and write it without the rest of the document; test_manifest checks that both agree. */
#define REPLAY_SECTION_FORMAT                                                                                  \
    "replay:\n  runs: %" PRIu64 "\n  last: %s\n  reads: %" PRIu64 "\n  hits: %" PRIu64 "\n  misses: %" PRIu64      \
    "\n  partial: %" PRIu64 "\n  bytes_from_container: %" PRIu64 "\n  bytes_from_origin: %" PRIu64                \
    "\n  origin_requests: %" PRIu64 "\n  damaged: %" PRIu64 "\n"
#define REPLAY_SECTION_SCAN                                                                                    \
    "replay:\n  runs: %" SCNu64 "\n  last: %63s\n  reads: %" SCNu64 "\n  hits: %" SCNu64 "\n  misses: %" SCNu64   \
    "\n  partial: %" SCNu64 "\n  bytes_from_container: %" SCNu64 "\n  bytes_from_origin: %" SCNu64             \
    "\n  origin_requests: %" SCNu64 "\n  damaged: %" SCNu64 "\n"

static herr_t
emit_document(writer_t *w, const carve_manifest_t *m)
{
    yaml_event_t event;
    herr_t       ret_value = 0;

    if (m->format != CARVE_MANIFEST_FORMAT)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "cannot write a manifest of format %u: carve writes format %d", m->format,
                         CARVE_MANIFEST_FORMAT);
    if (m->origin == NULL || m->container == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "cannot write the manifest: it names no %s",
                         m->origin == NULL ? "origin" : "container");
    if (m->skeleton && !is_one_of(m->skeleton, skeleton_names, COUNT_OF(skeleton_names)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "cannot write the manifest: skeleton '%s' (accepted: %s)",
                         m->skeleton, SKELETONS_ACCEPTED);

    if (emit_event(w, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING), &event) < 0 ||
        emit_event(w, yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1), &event) < 0 ||
        emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 || emit_u64_pair(w, "carve_manifest", m->format) < 0 ||
        emit_fields(w, &top_table, m, TOP_GENERATION, TOP_UPDATED) < 0)
        CARVE_GOTO_DONE(-1);

    if (emit_pair_key(w, "origin") < 0 || emit_mapping_start(w, YAML_BLOCK_MAPPING_STYLE) < 0 ||
        emit_fields(w, &origin_table, m, ORIGIN_LOCATION, ORIGIN_LOCATION) < 0 || emit_key(w, "stamp") < 0 ||
        emit_stamp(w, &m->stamp) < 0 || emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    keypath_pop(&w->path);

    if (emit_fields(w, &top_table, m, TOP_CONTAINER, TOP_SKELETON) < 0 ||
        emit_list(w, "datasets", YAML_BLOCK_SEQUENCE_STYLE, m->datasets, m->ndatasets, emit_dataset) < 0 ||
        emit_list(w, "attributes", YAML_BLOCK_SEQUENCE_STYLE, m->attributes, m->nattributes, emit_attribute) < 0 ||
        emit_list(w, "objects", YAML_BLOCK_SEQUENCE_STYLE, m->objects, m->nobjects, emit_object) < 0 ||
        emit_list(w, "external_links", YAML_BLOCK_SEQUENCE_STYLE, m->elinks, m->nelinks, emit_elink) < 0 ||
        emit_list(w, "skipped", YAML_BLOCK_SEQUENCE_STYLE, m->skipped, m->nskipped, emit_skipped) < 0 ||
        emit_list(w, "runs", YAML_BLOCK_SEQUENCE_STYLE, m->runs, m->nruns, emit_run) < 0 || emit_replay(w, m) < 0 ||
        emit_mapping_end(w) < 0)
        CARVE_GOTO_DONE(-1);
    if (emit_event(w, yaml_document_end_event_initialize(&event, 1), &event) < 0 ||
        emit_event(w, yaml_stream_end_event_initialize(&event), &event) < 0)
        CARVE_GOTO_DONE(-1);
    if (!yaml_emitter_flush(&w->emitter))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write the manifest: %s",
                         w->out_of_memory ? "out of memory" : "libyaml could not flush its output");

done:
    return ret_value;
}

herr_t
carve_manifest_emit(const carve_manifest_t *m, char **text, size_t *len)
{
    writer_t w;
    bool     emitter_ready = false;
    herr_t   ret_value     = 0;

    memset(&w, 0, sizeof w);
    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    if (m == NULL || text == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_emit: NULL argument");
    if (!yaml_emitter_initialize(&w.emitter))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot initialise the YAML emitter for the manifest");
    emitter_ready = true;
    yaml_emitter_set_output(&w.emitter, writer_output, &w);
    yaml_emitter_set_unicode(&w.emitter, 1);
    yaml_emitter_set_width(&w.emitter, EMIT_WIDTH);
    yaml_emitter_set_indent(&w.emitter, 2);
    if (emit_document(&w, m) < 0)
        CARVE_GOTO_DONE(-1);
    if (w.text == NULL && writer_output(&w, (unsigned char *)"", 0) == 0) /* never empty, but be sure */
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write the manifest: out of memory");
    w.text[w.len] = '\0';
    *text         = w.text;
    if (len)
        *len = w.len;
    w.text = NULL;

done:
    if (emitter_ready)
        yaml_emitter_delete(&w.emitter);
    free(w.text);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Parsing: the event reader                                                                               */
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
            CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, "out of memory parsing %s", r->what);
            break;
        case YAML_READER_ERROR:
            CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, "%s: unreadable text at byte %zu: %s", r->what,
                        p->problem_offset, problem);
            break;
        default:
            CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, "%s line %zu column %zu%s%s: YAML syntax error: %s%s%s", r->what,
                        p->problem_mark.line + 1, p->problem_mark.column + 1, keys[0] ? ", in key " : "", keys, problem,
                        p->context ? ", " : "", p->context ? p->context : "");
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: an alias (*%s); a manifest has no anchors or aliases",
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: expected a string, found %s",
                         reader_at(r, event_line(r), NULL), found_kind(r));
    value = (const char *)r->event.data.scalar.value;
    len   = r->event.data.scalar.length;
    if (r->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (len == 0 || strcmp(value, "~") == 0 || strcmp(value, "null") == 0 || strcmp(value, "Null") == 0 ||
         strcmp(value, "NULL") == 0))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: expected a string, found no value (null)",
                         reader_at(r, event_line(r), NULL));
    if (strlen(value) != len)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: the string contains a NUL character",
                         reader_at(r, event_line(r), NULL));
    if ((*out = malloc(len + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory", reader_at(r, event_line(r), NULL));
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: expected one of %s, found %s",
                         reader_at(r, event_line(r), NULL), accepted, found_kind(r));
    *index = find_name(names, n, (const char *)r->event.data.scalar.value, r->event.data.scalar.length);
    if (*index == n)
        CARVE_GOTO_ERROR(
            CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: '%s' is not one of %s", reader_at(r, event_line(r), NULL),
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: expected %s, found %s",
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
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
    CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "%s: expected a sequence of numbers such as [1, 2], found %s",
                         reader_at(r, event_line(r), NULL), found_kind(r));
    for (;;) {
        uint64_t v;

        if (reader_next(r) < 0)
            CARVE_GOTO_DONE(-1);
        if (r->event.type == YAML_SEQUENCE_END_EVENT)
            break;
        if (*n == H5S_MAX_RANK)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: more than %d numbers (HDF5's largest rank)",
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
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory",
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
read_mapping(reader_t *r, const key_table_t *table, read_value_t read_value, void *target, void *entry, size_t *lines)
{
    size_t seen[32] = {0};
    size_t start    = event_line(r);
    char   keys[512];
    char   shown[EXCERPT_MAX + 4];
    herr_t ret_value = 0;

    if (r->event.type != YAML_MAPPING_START_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: expected %s (a mapping of %s), found %s",
                         reader_at(r, start, NULL), table->entry, join_names(keys, sizeof keys, table->names, table->n),
                         found_kind(r));
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
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADKEY, -1, "%s: a key is %s (expected one of: %s)",
                             reader_at(r, line, NULL), event_kind(r->event.type),
                             join_names(keys, sizeof keys, table->names, table->n));
        name = (const char *)r->event.data.scalar.value;
        len  = r->event.data.scalar.length;
        key  = find_name(table->names, table->n, name, len);
        if (key == table->n)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADKEY, -1, "%s: unknown key in %s (accepted: %s)",
                             reader_at(r, line, excerpt(shown, name, len)), table->entry,
                             join_names(keys, sizeof keys, table->names, table->n));
        if (seen[key])
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADKEY, -1, "%s: given twice (first at line %zu)",
                             reader_at(r, line, table->names[key]), seen[key]);
        seen[key] = line;
        field     = table->fields && table->fields[key].kind != FIELD_OTHER ? &table->fields[key] : NULL;
        keypath_push_key(&r->path, table->names[key]);
        if (reader_next(r) < 0 || (field ? read_field(r, field, entry) : read_value(r, target, key, line)) < 0)
            CARVE_GOTO_DONE(-1);
        keypath_pop(&r->path);
    }
    for (size_t k = 0; k < table->n; k++)
        if ((table->required & (1u << k)) && !seen[k])
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: expected %s, found %s",
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
        number_list_t *lists = reserve_one_more(l->lists, &l->lists_cap, l->nlists, sizeof *l->lists, "number lists");
        if (lists == NULL)
            CARVE_GOTO_DONE(-1);
        l->lists              = lists;
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
    for (int i = 0; i < n; i++) {
        size_t   at   = l->nvalues + (size_t)i;
        hsize_t *more = reserve_one_more(l->values, &l->values_cap, at, sizeof *l->values, "numbers");
        if (more == NULL)
            CARVE_GOTO_DONE(-1);
        l->values     = more;
        l->values[at] = values[i];
    }
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
} manifest_reading_t;

/* Appends a zeroed item to list `id` and records the line where it starts (for messages about
 * duplicates). Returns the item, or NULL when memory runs out. */
static void *
reading_append(manifest_reading_t *st, list_id_t id, size_t line)
{
    line_list_t *ll   = &st->lines[id];
    size_t       size = list_schemas[id].item_size;
    size_t      *lines;
    char        *items;
    void        *ret_value = NULL;

    if ((lines = reserve_one_more(ll->line, &ll->cap, ll->n, sizeof *ll->line, list_name(id))) == NULL)
        CARVE_GOTO_DONE(NULL);
    ll->line = lines;
    if ((items = reserve_one_more(st->items[id], &st->cap[id], ll->n, size, list_name(id))) == NULL)
        CARVE_GOTO_DONE(NULL);
    st->items[id]     = items;
    ret_value         = memset(items + ll->n * size, 0, size);
    ll->line[ll->n++] = line;

done:
    return ret_value;
}

/* Gives the lists read (whole or not) to st->m, which frees them from then on. */
static void
reading_hand_over(manifest_reading_t *st)
{
    carve_manifest_t *m = st->m;

    m->datasets    = st->items[LIST_DATASETS];
    m->ndatasets   = st->lines[LIST_DATASETS].n;
    m->datasets_sorted = datasets_in_order(m);
    m->attributes  = st->items[LIST_ATTRIBUTES];
    m->nattributes = st->lines[LIST_ATTRIBUTES].n;
    m->objects     = st->items[LIST_OBJECTS];
    m->nobjects    = st->lines[LIST_OBJECTS].n;
    m->elinks      = st->items[LIST_EXTERNAL_LINKS];
    m->nelinks     = st->lines[LIST_EXTERNAL_LINKS].n;
    m->skipped     = st->items[LIST_SKIPPED];
    m->nskipped    = st->lines[LIST_SKIPPED].n;
    m->runs        = st->items[LIST_RUNS];
    m->nruns       = st->lines[LIST_RUNS].n;
    memset(st->items, 0, sizeof st->items);
}

/* --- origin.stamp --- */

static herr_t
read_stamp_value(reader_t *r, void *target, size_t key, size_t line)
{
    static const char *const kinds[] = {"local", "remote"};
    carve_stamp_t           *stamp   = target;
    size_t                   kind    = 0;

    (void)line;
    if (key == STAMP_MTIME)
        return read_mtime(r, &stamp->mtime_sec, &stamp->mtime_nsec);
    /* STAMP_KIND */
    if (read_choice(r, kinds, COUNT_OF(kinds), "local, remote", &kind) < 0)
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
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADKEY, -1, "%s: not part of a %s stamp (kind: %s has %s)",
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
    static const char *const  stores[] = {"chunks", "elements"};
    dataset_reading_t        *dr       = target;
    carve_manifest_dataset_t *d        = &dr->d;
    char                      shown[EXCERPT_MAX + 4];
    size_t                    choice    = 0;
    herr_t                    ret_value = 0;

    (void)line;
    switch (key) {
        case DS_STORE:
            if (read_choice(r, stores, COUNT_OF(stores), "chunks, elements", &choice) < 0)
                CARVE_GOTO_DONE(-1);
            d->store = choice == 0 ? CARVE_STORE_CHUNKS : CARVE_STORE_ELEMENTS;
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
        case DS_CHUNKS:
            ret_value = read_sequence(r, "a sequence of chunk coordinates such as [[0, 0], [0, 1]]", read_chunk_coords,
                                      &dr->chunks);
            break;
        default: { /* DS_ORIGIN_DCPL */
            size_t      bad = 0, n = 0;
            const char *problem;
            if (read_text(r, &d->origin_dcpl) < 0)
                CARVE_GOTO_DONE(-1);
            if ((problem = base64_decode_into(d->origin_dcpl, strlen(d->origin_dcpl), NULL, &n, &bad)) != NULL)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: '%s' is not base64: %s (at offset %zu)",
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "%s: %d %s%s, but the dataset's rank (the length of dims) is %d", reader_at(r, line, leaf),
                         len, noun, len == 1 ? "" : "s", rank);

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
    if (nrec > SIZE_MAX / width / sizeof *records || (records = calloc(nrec * width, sizeof *records)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory holding %zu selection records",
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
        problem = record_problem(d->rank, d->dims, rec, rec + d->rank, rec + 2 * d->rank, rec + 3 * d->rank, &dim);
        if (problem)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: %s in dimension %d (start %llu, stride %llu, count %llu, block %llu; dims %llu)",
                             reader_at(r, l->lists[i * REC_NKEYS].line, NULL), problem, dim,
                             (unsigned long long)rec[dim], (unsigned long long)rec[d->rank + dim],
                             (unsigned long long)rec[2 * d->rank + dim], (unsigned long long)rec[3 * d->rank + dim],
                             (unsigned long long)d->dims[dim]);
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
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                                 "%s: coordinate %llu in dimension %d is outside the chunk grid (0..%llu for dims "
                                 "%llu and chunk %llu)",
                                 reader_at(r, list->line, NULL), (unsigned long long)coords[k], k,
                                 (unsigned long long)(d->chunks.grid[k] - 1), (unsigned long long)d->dims[k],
                                 (unsigned long long)d->chunk[k]);
        if (carve_chunkset_add_coords(&d->chunks, coords) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: cannot record the chunk",
                             reader_at(r, list->line, NULL));
        keypath_pop(&r->path);
    }
    keypath_pop(&r->path);
    if (carve_chunkset_finish(&d->chunks) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: cannot sort the chunks",
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
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: a scalar dataset (dims []) cannot be chunked; remove chunk",
                             reader_at(r, lines[DS_CHUNK], "chunk"));
        if (check_list_rank(r, lines[DS_CHUNK], "chunk", "number", dr->nchunk, d->rank) < 0)
            CARVE_GOTO_DONE(-1);
        for (int k = 0; k < d->rank; k++)
            if (dr->chunk[k] == 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: chunk size 0 in dimension %d (expected >= 1)",
                                 reader_at(r, lines[DS_CHUNK], "chunk"), k);
        if (carve_chunkset_init(&d->chunks, d->rank, d->dims, dr->chunk) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: unusable chunk shape for dims",
                             reader_at(r, lines[DS_CHUNK], "chunk"));
        d->chunked = 1;
        memcpy(d->chunk, dr->chunk, (size_t)d->rank * sizeof *d->chunk);
    }
    else {
        if (d->store == CARVE_STORE_CHUNKS)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: store is chunks but the entry has no chunk shape (key chunk)",
                             reader_at(r, lines[DS_STORE], "store"));
        if (lines[DS_CHUNKS])
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: chunk coordinates need the chunk shape (key chunk), which the entry lacks",
                             reader_at(r, lines[DS_CHUNKS], "chunks"));
    }
    if (resolve_selections(r, dr) < 0)
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

done:
    dataset_clear(&dr.d);
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
        if (format != CARVE_MANIFEST_FORMAT)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                             "%s: manifest format %" PRIu64 " is not supported; carve %s reads format %d only "
                             "(was the container carved by another carve version?)",
                             reader_at(r, event_line(r), NULL), format, CARVE_VERSION_STRING, CARVE_MANIFEST_FORMAT);
        st->m->format = CARVE_MANIFEST_FORMAT;
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
        read_item = st->list == LIST_DATASETS ? read_dataset : st->list == LIST_OBJECTS ? read_object : read_entry;
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory checking the %s of %s", list_name(id),
                         r->what);
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
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: %s again (as %s[%zu] at line %zu)",
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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: %s", reader_at(r, event_line(r), NULL), problem);

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
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_parse: NULL argument (parsing %s)", what);
    if (len > CARVE_MANIFEST_MAX_BYTES)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "%s is %zu bytes, larger than %zu (CARVE_MANIFEST_MAX_BYTES)", what, len,
                         CARVE_MANIFEST_MAX_BYTES);
    if ((r = calloc(1, sizeof *r)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory parsing %s", what);
    r->what = what;
    if (!yaml_parser_initialize(&r->parser))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot initialise the YAML parser for %s", what);
    parser_ready = true;
    yaml_parser_set_input_string(&r->parser, (const unsigned char *)(text ? text : ""), len);

    if (expect_event(r, YAML_STREAM_START_EVENT, "not a YAML stream") < 0 || reader_next(r) < 0)
        CARVE_GOTO_DONE(-1);
    if (r->event.type == YAML_STREAM_END_EVENT)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "%s: the text is empty (expected a carve manifest)",
                         reader_at(r, event_line(r), NULL));
    if (r->event.type != YAML_DOCUMENT_START_EVENT || reader_next(r) < 0)
        CARVE_GOTO_DONE(-1);
    status = read_mapping(r, &top_table, read_top_value, &st, &scratch, NULL);
    reading_hand_over(&st); /* what was read, whole or not, is scratch's from here on */
    if (status < 0 || expect_event(r, YAML_DOCUMENT_END_EVENT, "text after the manifest") < 0 ||
        expect_event(r, YAML_STREAM_END_EVENT, "a second YAML document (a manifest is one document)") < 0)
        CARVE_GOTO_DONE(-1);
    for (int id = 0; id < LIST_COUNT; id++)
        if (check_list_unique(r, &st, (list_id_t)id) < 0)
            CARVE_GOTO_DONE(-1);
    /* carve_manifest_add_external_link finds links by path in a list in path order; a list edited by hand
     * may be in another. */
    if (scratch.nelinks > 1)
        qsort(scratch.elinks, scratch.nelinks, sizeof *scratch.elinks, compare_elink_paths);

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

/* ------------------------------------------------------------------------------------------------------ */
/* Files                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

herr_t
carve_manifest_read_file(const char *path, carve_manifest_t *m)
{
    struct stat st;
    char       *buf = NULL;
    size_t      cap = 0, used = 0;
    int         fd        = -1;
    herr_t      ret_value = 0;

    if (path == NULL || m == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_read_file: NULL argument");
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot open manifest %s: %s", path, strerror(errno));
    if (fstat(fd, &st) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot stat manifest %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "manifest %s is not a regular file", path);
    if ((uint64_t)st.st_size > CARVE_MANIFEST_MAX_BYTES)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "manifest %s is %lld bytes, larger than %zu (CARVE_MANIFEST_MAX_BYTES)", path,
                         (long long)st.st_size, CARVE_MANIFEST_MAX_BYTES);
    /* Room for one byte past the size, to see a file that grew while it is read. */
    cap = (size_t)st.st_size + 1;
    if ((buf = malloc(cap)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory reading manifest %s (%zu bytes)", path, cap);
    for (;;) {
        ssize_t got;
        if (used == cap) {
            size_t want = cap * 2 > CARVE_MANIFEST_MAX_BYTES + 1 ? CARVE_MANIFEST_MAX_BYTES + 1 : cap * 2;
            char  *grown;
            if (want <= cap)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                                 "manifest %s is larger than %zu bytes (CARVE_MANIFEST_MAX_BYTES)", path,
                                 CARVE_MANIFEST_MAX_BYTES);
            if ((grown = realloc(buf, want)) == NULL)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory reading manifest %s", path);
            buf = grown;
            cap = want;
        }
        got = read(fd, buf + used, cap - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot read manifest %s: %s", path, strerror(errno));
        if (got == 0)
            break;
        used += (size_t)got;
    }
    /* used <= CARVE_MANIFEST_MAX_BYTES here: a buffer full at that size + 1 is refused above. */
    if (carve_manifest_parse(buf, used, path, m) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (fd >= 0)
        close(fd);
    free(buf);
    return ret_value;
}

/* Writes all of data to fd. */
static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Flushes the directory holding path, so that a rename into it is durable. */
static herr_t
sync_directory_of(const char *path)
{
    const char *slash     = strrchr(path, '/');
    char       *dir       = NULL;
    int         fd        = -1;
    herr_t      ret_value = 0;

    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else if ((dir = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if (dir == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory syncing the directory of %s", path);
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "wrote manifest %s but cannot open its directory %s: %s",
                         path, dir, strerror(errno));
    /* Some file systems cannot sync a directory; they say so with EINVAL. */
    if (fsync(fd) < 0 && errno != EINVAL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "wrote manifest %s but cannot sync its directory %s: %s",
                         path, dir, strerror(errno));

done:
    if (fd >= 0)
        close(fd);
    free(dir);
    return ret_value;
}

/* Replaces the file at path by head followed by tail, atomically: a temporary file beside it, written
 * whole (and, with durable, fsynced with its directory), renamed over it. The old file stays whole if
 * anything fails. */
static herr_t
replace_file(const char *path, const char *head, size_t head_len, const char *tail, size_t tail_len, bool durable)
{
    char  *tmp = NULL;
    size_t tmp_size;
    int    fd         = -1;
    bool   tmp_exists = false;
    herr_t ret_value  = 0;

    tmp_size = strlen(path) + 32;
    if ((tmp = malloc(tmp_size)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory writing manifest %s", path);
    snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid());

    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write manifest %s: cannot create %s: %s", path, tmp,
                         strerror(errno));
    tmp_exists = true;
    if (write_all(fd, head, head_len) < 0 || (tail_len && write_all(fd, tail, tail_len) < 0))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write manifest %s: writing %s: %s", path, tmp,
                         strerror(errno));
    if (durable && fsync(fd) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write manifest %s: syncing %s: %s", path, tmp,
                         strerror(errno));
    if (close(fd) < 0) {
        fd = -1;
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write manifest %s: closing %s: %s", path, tmp,
                         strerror(errno));
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write manifest %s: renaming %s over it: %s", path,
                         tmp, strerror(errno));
    tmp_exists = false;
    if (durable && sync_directory_of(path) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (fd >= 0)
        close(fd);
    if (tmp_exists)
        unlink(tmp);
    free(tmp);
    return ret_value;
}

herr_t
carve_manifest_write_file(const char *path, const carve_manifest_t *m)
{
    char  *text      = NULL;
    size_t len       = 0;
    herr_t ret_value = 0;

    if (path == NULL || m == NULL || path[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "carve_manifest_write_file: no path or no manifest");
    if (carve_manifest_emit(m, &text, &len) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "cannot write manifest %s", path);
    ret_value = replace_file(path, text, len, NULL, 0, true);

done:
    free(text);
    return ret_value;
}

int
carve_manifest_file_add_replay(const char *manifest_path, uint64_t generation, const carve_replay_counters_t *run)
{
    FILE                   *in = NULL;
    char                   *text = NULL, *tail;
    char                    section[1024], last[64], now[32];
    long                    size;
    int                     section_len, consumed = -1, ret_value = 0;
    carve_replay_counters_t sum;
    uint64_t                runs = 0, file_generation;

    if (NULL == (in = fopen(manifest_path, "rb")) || fseek(in, 0, SEEK_END) < 0 || (size = ftell(in)) < 0 ||
        fseek(in, 0, SEEK_SET) < 0 || NULL == (text = malloc((size_t)size + 1)) ||
        fread(text, 1, (size_t)size, in) != (size_t)size)
        goto done;
    text[size] = '\0';
    if (strlen(text) != (size_t)size || strncmp(text, "carve_manifest: 1\ngeneration: ", 30) != 0 ||
        sscanf(text + 30, "%" SCNu64, &file_generation) != 1 || file_generation != generation)
        goto done;
    memset(&sum, 0, sizeof sum);
    if ((tail = strstr(text, "\nreplay:\n")) != NULL) {
        tail++;
        if (sscanf(tail, REPLAY_SECTION_SCAN "%n", &runs, last, &sum.reads, &sum.hits, &sum.misses, &sum.partial,
                   &sum.bytes_container, &sum.bytes_origin, &sum.origin_requests, &sum.damaged, &consumed) != 10 ||
            consumed < 0 || tail[consumed] != '\0')
            goto done; /* not exactly carve's form (edited by hand?): the full way parses and checks it */
    }
    else
        tail = text + size;
    carve_replay_counters_add(&sum, run);
    if (runs < UINT64_MAX)
        runs++;
    carve_utc_now(now, sizeof now);
    section_len = snprintf(section, sizeof section, REPLAY_SECTION_FORMAT, runs, now, sum.reads, sum.hits,
                           sum.misses, sum.partial, sum.bytes_container, sum.bytes_origin, sum.origin_requests,
                           sum.damaged);
    if (section_len < 0 || (size_t)section_len >= sizeof section)
        goto done;
    ret_value = replace_file(manifest_path, text, (size_t)(tail - text), section, (size_t)section_len, false) < 0
                    ? -1
                    : 1;

done:
    if (in)
        fclose(in);
    free(text);
    return ret_value;
}
