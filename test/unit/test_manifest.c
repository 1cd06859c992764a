/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_manifest.c — unit tests of carve_manifest (connector/core/carve_manifest.c): the model and its add
 * helpers, YAML emission (its human-readable shapes), strict parsing (every malformed input names the text,
 * the line and the key), exact round trips, the external links, the replay section and its counters, atomic
 * file writes,
 * base64 (RFC 4648 vectors) and the time stamp; plus the time a 100k-record manifest takes to emit and
 * parse (printed, not asserted).
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <yaml.h>

#include "carve_error.h"
#include "carve_manifest.h"
#include "carve_selection_codec.h"
#include "unit_test.h"

#define WHAT "test.carve.yaml"

/* ------------------------------------------------------------------------------------------------------ */
/* Comparing manifests field by field                                                                      */
/* ------------------------------------------------------------------------------------------------------ */

/* Prints the first difference; returns whether a and b hold the same manifest. */
#define DIFFER(...)                                                                                          \
    do {                                                                                                     \
        printf("  manifests differ: ");                                                                      \
        printf(__VA_ARGS__);                                                                                 \
        printf("\n");                                                                                        \
        return false;                                                                                        \
    } while (0)

static bool
same_dataset(const carve_manifest_dataset_t *a, const carve_manifest_dataset_t *b)
{
    const carve_selection_t *sa = &a->selections, *sb = &b->selections;

    if (!unit_str_eq(a->path, b->path) || !unit_str_eq(a->origin_layout, b->origin_layout) ||
        !unit_str_eq(a->origin_dcpl, b->origin_dcpl))
        DIFFER("dataset %s: path, origin_layout or origin_dcpl", a->path);
    if (a->store != b->store || a->rank != b->rank || a->chunked != b->chunked)
        DIFFER("dataset %s: store, rank or chunked", a->path);
    if (a->elements_read != b->elements_read || a->bytes_read != b->bytes_read ||
        a->bytes_stored != b->bytes_stored || a->chunks_stored != b->chunks_stored)
        DIFFER("dataset %s: counters", a->path);
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d] || (a->chunked && a->chunk[d] != b->chunk[d]))
            DIFFER("dataset %s: dims or chunk in dimension %d", a->path, d);
    if (sa->rank != sb->rank || sa->nrecords != sb->nrecords)
        DIFFER("dataset %s: selection rank or %zu vs %zu records", a->path, sa->nrecords, sb->nrecords);
    for (int d = 0; d < sa->rank; d++)
        if (sa->dims[d] != sb->dims[d])
            DIFFER("dataset %s: selection dims", a->path);
    if (sa->rank > 0 && sa->nrecords > 0 &&
        memcmp(sa->records, sb->records, sa->nrecords * 4 * (size_t)sa->rank * sizeof *sa->records) != 0)
        DIFFER("dataset %s: selection records", a->path);
    if (a->chunked) {
        const carve_chunkset_t *ca = &a->chunks, *cb = &b->chunks;
        if (ca->rank != cb->rank || ca->n != cb->n || ca->sorted != cb->sorted)
            DIFFER("dataset %s: chunk set rank, %zu vs %zu chunks", a->path, ca->n, cb->n);
        for (int d = 0; d < ca->rank; d++)
            if (ca->chunk[d] != cb->chunk[d] || ca->grid[d] != cb->grid[d])
                DIFFER("dataset %s: chunk set grid", a->path);
        if (ca->n > 0 && memcmp(ca->idx, cb->idx, ca->n * sizeof *ca->idx) != 0)
            DIFFER("dataset %s: chunk indices", a->path);
    }
    return true;
}

static bool
same_manifest(const carve_manifest_t *a, const carve_manifest_t *b)
{
    if (a->format != b->format || a->generation != b->generation)
        DIFFER("format or generation");
    if (!unit_str_eq(a->carve_version, b->carve_version) || !unit_str_eq(a->hdf5_version, b->hdf5_version) ||
        !unit_str_eq(a->created, b->created) || !unit_str_eq(a->updated, b->updated))
        DIFFER("versions or times");
    if (!unit_str_eq(a->origin, b->origin) || !unit_str_eq(a->container, b->container) ||
        !unit_str_eq(a->skeleton, b->skeleton))
        DIFFER("origin, container or skeleton");
    if (a->stamp.remote != b->stamp.remote || a->stamp.size != b->stamp.size ||
        a->stamp.mtime_sec != b->stamp.mtime_sec || a->stamp.mtime_nsec != b->stamp.mtime_nsec ||
        !unit_str_eq(a->stamp.etag, b->stamp.etag) ||
        !unit_str_eq(a->stamp.last_modified, b->stamp.last_modified))
        DIFFER("stamp");
    if (a->ndatasets != b->ndatasets)
        DIFFER("%zu vs %zu datasets", a->ndatasets, b->ndatasets);
    for (size_t i = 0; i < a->ndatasets; i++)
        if (!same_dataset(&a->datasets[i], &b->datasets[i]))
            return false;
    if (a->nattributes != b->nattributes || a->nobjects != b->nobjects || a->nelinks != b->nelinks ||
        a->nskipped != b->nskipped || a->nruns != b->nruns)
        DIFFER("list lengths");
    for (size_t i = 0; i < a->nattributes; i++)
        if (!unit_str_eq(a->attributes[i].object, b->attributes[i].object) ||
            !unit_str_eq(a->attributes[i].name, b->attributes[i].name))
            DIFFER("attribute %zu", i);
    for (size_t i = 0; i < a->nobjects; i++)
        if (!unit_str_eq(a->objects[i], b->objects[i]))
            DIFFER("object %zu", i);
    for (size_t i = 0; i < a->nelinks; i++)
        if (!unit_str_eq(a->elinks[i].path, b->elinks[i].path) ||
            !unit_str_eq(a->elinks[i].file, b->elinks[i].file) ||
            !unit_str_eq(a->elinks[i].object, b->elinks[i].object))
            DIFFER("external link %zu", i);
    for (size_t i = 0; i < a->nskipped; i++)
        if (!unit_str_eq(a->skipped[i].path, b->skipped[i].path) ||
            !unit_str_eq(a->skipped[i].reason, b->skipped[i].reason))
            DIFFER("skipped %zu", i);
    for (size_t i = 0; i < a->nruns; i++)
        if (!unit_str_eq(a->runs[i].time, b->runs[i].time) || a->runs[i].pid != b->runs[i].pid ||
            !unit_str_eq(a->runs[i].program, b->runs[i].program))
            DIFFER("run %zu", i);
    if (a->has_replay != b->has_replay)
        DIFFER("has_replay %d vs %d", a->has_replay, b->has_replay);
    if (a->has_replay && (a->replay_runs != b->replay_runs || !unit_str_eq(a->replay_last, b->replay_last) ||
                          memcmp(&a->replay, &b->replay, sizeof a->replay) != 0))
        DIFFER("replay section");
    return true;
}

/* Emits m, parses the text back and checks that the result is m; returns the text (caller frees). */
static char *
round_trip_at(unit_t *t, const carve_manifest_t *m, const char *file, int line)
{
    carve_manifest_t back;
    char            *text = NULL;
    size_t           len  = 0;

    carve_manifest_init(&back);
    if (!unit_check_at(t, carve_manifest_emit(m, &text, &len) >= 0, "emit succeeds", file, line)) {
        unit_check_no_error_at(t, file, line);
        return NULL;
    }
    unit_check_no_error_at(t, file, line);
    unit_check_at(t, text != NULL && strlen(text) == len, "emitted text is NUL-terminated at len", file,
                  line);
    unit_check_at(t, carve_manifest_parse(text, len, WHAT, &back) >= 0, "emitted text parses", file, line);
    unit_check_no_error_at(t, file, line);
    if (!unit_check_at(t, same_manifest(m, &back), "parse(emit(m)) == m", file, line))
        printf("----- emitted text -----\n%s------------------------\n", text);
    carve_manifest_clear(&back);
    return text;
}

#define ROUND_TRIP(t, m) round_trip_at((t), (m), __FILE__, __LINE__)

/* ------------------------------------------------------------------------------------------------------ */
/* Building manifests                                                                                      */
/* ------------------------------------------------------------------------------------------------------ */

static void
set_text(char **field, const char *value)
{
    free(*field);
    *field = value ? strdup(value) : NULL;
}

/* Strings that need care in YAML: indicators, quotes, blanks, escapes, Unicode, look-alikes of other
 * types, and text long enough for libyaml to fold. */
static const char *const awkward[] = {
    "/with space/and: colon",
    "/quote's \"double\" \\backslash",
    "/unicode/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80",
    "- dash first",
    "#hash first",
    "? question",
    "[bracket]",
    "{brace}",
    "&anchor *alias !tag |pipe >gt %percent @at `tick",
    " leading and trailing blanks ",
    "tab\there",
    "two\nlines\n",
    "control\x01\x7f",
    "yes",
    "No",
    "null",
    "~",
    "123",
    "-5",
    "0x1F",
    "1e3",
    ".inf",
    "0.1.0",
    "",
    "a long value with many words, long enough that a YAML emitter set to a narrow width would fold it over "
    "several lines: one two three four five six seven eight nine ten eleven twelve",
    "many    inner     spaces      kept       as         they           are             in            the    "
    "      "
    "text    of    a    long    value",
    "\xef\xbb\xbf BOM and \xe2\x80\xa8 line separator",
};
#define NAWKWARD (sizeof awkward / sizeof awkward[0])

/* A manifest with every feature: local stamp, chunked 2-D, scalar, 3-D strided, empty extent, awkward
 * names, base64 origin_dcpl, and every list. */
static void
build_rich(unit_t *t, carve_manifest_t *m)
{
    const hsize_t             dims2[2] = {1000, 200}, chunk2[2] = {100, 20};
    const hsize_t             dims3[3] = {7, 50, 9}, chunk3[3] = {2, 25, 4};
    const hsize_t             dims0[2] = {0, 5}, chunk0[2] = {4, 5};
    carve_manifest_dataset_t *d;
    unsigned char             dcpl[300];
    char                     *b64;

    carve_manifest_init(m);
    m->generation = 3;
    set_text(&m->carve_version, "0.1.0");
    set_text(&m->hdf5_version, "1.14.5");
    set_text(&m->created, "2026-11-22T10:00:00Z");
    set_text(&m->updated, "2026-11-22T10:05:00Z");
    set_text(&m->origin, "/abs/path with space/file: v2.h5");
    m->stamp.remote     = 0;
    m->stamp.size       = 123456789;
    m->stamp.mtime_sec  = 1732269600;
    m->stamp.mtime_nsec = 123456789;
    set_text(&m->container, "file-0123456789abcdef.carve.h5");
    set_text(&m->skeleton, "touched");

    /* 2-D, chunked, whole chunks stored */
    d = carve_manifest_add_dataset(m, "/group/dataset", 2, dims2, chunk2);
    if (!CHECK(t, d != NULL))
        return;
    CHECK(t, d->chunked == 1 && d->store == CARVE_STORE_CHUNKS && d->chunk[1] == 20);
    set_text(&d->origin_layout, "chunked");
    d->elements_read = 4000;
    d->bytes_read    = 32000;
    d->bytes_stored  = 16384;
    d->chunks_stored = 4;
    {
        hsize_t start[2] = {0, 0}, stride[2] = {1, 1}, count[2] = {1, 1}, block[2] = {20, 200};
        hsize_t s2[2] = {500, 3}, st2[2] = {10, 7}, c2[2] = {3, 4}, b2[2] = {2, 5};
        hsize_t p[2] = {999, 199}, one[2] = {1, 1};
        CHECK(t, carve_selection_add(&d->selections, start, stride, count, block) >= 0);
        CHECK(t, carve_selection_add(&d->selections, s2, st2, c2, b2) >= 0);
        CHECK(t, carve_selection_add(&d->selections, p, NULL, one, NULL) >= 0);
        CHECK(t, d->selections.nrecords == 3);
    }
    {
        hsize_t coords[][2] = {{9, 9}, {0, 1}, {0, 0}, {5, 3}, {0, 1}};
        for (size_t i = 0; i < 5; i++)
            CHECK(t, carve_chunkset_add_coords(&d->chunks, coords[i]) >= 0);
        CHECK(t, carve_chunkset_finish(&d->chunks) >= 0 && d->chunks.n == 4);
    }
    for (size_t i = 0; i < sizeof dcpl; i++)
        dcpl[i] = (unsigned char)(i * 7 + 3);
    b64 = carve_base64_encode(dcpl, sizeof dcpl);
    CHECK(t, b64 != NULL);
    d->origin_dcpl = b64;

    /* scalar, an awkward path */
    d = carve_manifest_add_dataset(m, "/scalar: \"quoted\" 'single' caf\xc3\xa9", 0, NULL, NULL);
    if (!CHECK(t, d != NULL))
        return;
    CHECK(t, d->chunked == 0 && d->store == CARVE_STORE_ELEMENTS && d->rank == 0);
    set_text(&d->origin_layout, "compact");
    CHECK(t, carve_selection_add_all(&d->selections) >= 0 && d->selections.nrecords == 1);
    d->elements_read = 1;
    d->bytes_read = d->bytes_stored = 8;

    /* 3-D, chunked in the container, exactly the selections stored */
    d = carve_manifest_add_dataset(m, "/g/three d/\xe6\x97\xa5\xe6\x9c\xac", 3, dims3, chunk3);
    if (!CHECK(t, d != NULL))
        return;
    d->store = CARVE_STORE_ELEMENTS;
    set_text(&d->origin_layout, "contiguous");
    {
        hsize_t start[3] = {1, 2, 3}, stride[3] = {3, 10, 4}, count[3] = {2, 4, 2}, block[3] = {2, 5, 1};
        hsize_t s2[3]  = {6, 49, 8};
        hsize_t one[3] = {1, 1, 1};
        CHECK(t, carve_selection_add(&d->selections, start, stride, count, block) >= 0);
        CHECK(t, carve_selection_add(&d->selections, s2, NULL, one, NULL) >= 0);
        CHECK(t, d->selections.nrecords == 2);
    }
    d->elements_read = UINT64_MAX; /* the largest counter */
    d->bytes_read    = UINT64_MAX - 1;
    d->chunks_stored = 0;

    /* an empty extent: no records can exist, the grid is one chunk */
    d = carve_manifest_add_dataset(m, "/empty", 2, dims0, chunk0);
    if (!CHECK(t, d != NULL))
        return;
    set_text(&d->origin_layout, "virtual");

    /* contiguous, nothing read yet, no origin_layout */
    d = carve_manifest_add_dataset(m, "/nothing", 1, (const hsize_t[]){42}, NULL);
    CHECK(t, d != NULL);

    /* awkward names everywhere */
    for (size_t i = 0; i < NAWKWARD; i++) {
        char path[512];
        snprintf(path, sizeof path, "/awkward/%zu/%s", i, awkward[i]);
        CHECK(t, carve_manifest_add_dataset(m, path, 1, (const hsize_t[]){10}, NULL) != NULL);
        CHECK(t, carve_manifest_add_attribute(m, path, awkward[i]) >= 0);
        CHECK(t, carve_manifest_add_object(m, awkward[i]) >= 0);
        CHECK(t, carve_manifest_add_external_link(m, path, awkward[i], awkward[NAWKWARD - 1 - i]) >= 0);
        CHECK(t, carve_manifest_add_skipped(m, awkward[i], i % 2 ? awkward[i] : NULL) >= 0);
        CHECK(t, carve_manifest_add_run(m, awkward[i], (int64_t)i - 3, i % 3 ? awkward[i] : NULL) >= 0);
    }
    CHECK(t, carve_manifest_add_attribute(m, "/group/dataset", "units") >= 0);
    CHECK(t, carve_manifest_add_object(m, "/group") >= 0);
    CHECK(t, carve_manifest_add_external_link(m, "/links/external_data", "zoo_ext.h5", "/ext_data") >= 0);
    CHECK(t, carve_manifest_add_skipped(m, "/abs/out.h5", "opened for writing") >= 0);
    CHECK(t, carve_manifest_add_run(m, "2026-11-22T10:00:00Z", 1234, "/usr/bin/h5dump") >= 0);
    CHECK(t, carve_manifest_add_run(m, "2026-11-22T10:01:00Z", INT64_MAX, NULL) >= 0);
    CHECK(t, carve_manifest_add_run(m, "2026-11-22T10:02:00Z", INT64_MIN, "") >= 0);
    CHECK_NO_ERROR(t);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Tests                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

static void
test_init_and_helpers(unit_t *t)
{
    carve_manifest_t          m;
    carve_manifest_dataset_t *d;
    const hsize_t             dims[2] = {10, 10}, chunk[2] = {5, 5};

    carve_manifest_init(&m);
    CHECK(t, m.format == CARVE_MANIFEST_FORMAT && m.generation == 0 && m.ndatasets == 0 && m.origin == NULL);
    CHECK(t, m.stamp.size == -1 && m.stamp.etag == NULL);

    d = carve_manifest_add_dataset(&m, "/a", 2, dims, chunk);
    CHECK(t, d != NULL && d->chunked && d->chunks.rank == 2 && d->chunks.grid[0] == 2);
    CHECK(t,
          d != NULL && d->selections.rank == 2 && d->selections.dims[1] == 10 && d->selections.nrecords == 0);
    d = carve_manifest_add_dataset(&m, "/b", 1, dims, NULL);
    CHECK(t, d != NULL && !d->chunked && d->store == CARVE_STORE_ELEMENTS);
    CHECK_NO_ERROR(t);
    CHECK(t, carve_manifest_find_dataset(&m, "/a") == &m.datasets[0]);
    CHECK(t, carve_manifest_find_dataset(&m, "/b") == &m.datasets[1]);
    CHECK(t, carve_manifest_find_dataset(&m, "/c") == NULL);

    /* refused entries */
    CHECK(t, carve_manifest_add_dataset(&m, "/a", 1, dims, NULL) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "dataset /a is in the manifest already");
    CHECK(t, carve_manifest_add_dataset(&m, "/r", H5S_MAX_RANK + 1, dims, NULL) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "/r", "rank 33");
    CHECK(t, carve_manifest_add_dataset(&m, "/s", 0, NULL, chunk) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "/s", "scalar");
    CHECK(t, carve_manifest_add_dataset(&m, "/z", 2, dims, (const hsize_t[]){0, 1}) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "/z", "chunk");
    CHECK(t, m.ndatasets == 2);

    /* de-duplication */
    CHECK(t, carve_manifest_add_attribute(&m, "/a", "units") >= 0);
    CHECK(t, carve_manifest_add_attribute(&m, "/a", "units") >= 0);
    CHECK(t, carve_manifest_add_attribute(&m, "/a", "scale") >= 0);
    CHECK(t, carve_manifest_add_attribute(&m, "/b", "units") >= 0);
    CHECK(t, m.nattributes == 3);
    CHECK(t, carve_manifest_add_object(&m, "/g") >= 0 && carve_manifest_add_object(&m, "/g") >= 0);
    CHECK(t, carve_manifest_add_object(&m, "/h") >= 0 && m.nobjects == 2);
    CHECK(t, carve_manifest_add_skipped(&m, "/o.h5", "opened for writing") >= 0);
    CHECK(t, carve_manifest_add_skipped(&m, "/o.h5", "opened for writing") >= 0);
    CHECK(t, carve_manifest_add_skipped(&m, "/o.h5", NULL) >= 0);
    CHECK(t, carve_manifest_add_skipped(&m, "/o.h5", NULL) >= 0 && m.nskipped == 2);
    CHECK(t, carve_manifest_add_run(&m, "T", 1, "p") >= 0 && carve_manifest_add_run(&m, "T", 1, "p") >= 0);
    CHECK(t, carve_manifest_add_run(&m, "T", 2, "p") >= 0 && carve_manifest_add_run(&m, "T", 1, NULL) >= 0);
    CHECK(t, carve_manifest_add_run(&m, "T", 1, NULL) >= 0 && m.nruns == 3);
    CHECK_NO_ERROR(t);
    CHECK(t, carve_manifest_add_object(&m, NULL) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
    CHECK(t, carve_manifest_add_run(&m, NULL, 1, NULL) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");

    /* external links: in path order, one per path, the latest target kept */
    CHECK(t, carve_manifest_add_external_link(&m, "/l/b", "b.h5", "/x") >= 0);
    CHECK(t, carve_manifest_add_external_link(&m, "/l/c", "c.h5", "/x") >= 0);
    CHECK(t, carve_manifest_add_external_link(&m, "/l/a", "a.h5", "/x") >= 0);
    CHECK(t, carve_manifest_add_external_link(&m, "/l/b", "b.h5", "/x") >= 0);
    CHECK(t, carve_manifest_add_external_link(&m, "/l/c", "c.h5", "/y") >= 0);
    CHECK_NO_ERROR(t);
    if (CHECK(t, m.nelinks == 3)) {
        CHECK(t, unit_str_eq(m.elinks[0].path, "/l/a") && unit_str_eq(m.elinks[0].file, "a.h5"));
        CHECK(t, unit_str_eq(m.elinks[1].path, "/l/b") && unit_str_eq(m.elinks[1].file, "b.h5"));
        CHECK(t, unit_str_eq(m.elinks[2].path, "/l/c") && unit_str_eq(m.elinks[2].file, "c.h5") &&
                     unit_str_eq(m.elinks[2].object, "/y"));
    }
    CHECK(t, carve_manifest_add_external_link(&m, "/l/d", NULL, "/x") < 0 && m.nelinks == 3);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "carve_manifest_add_external_link", "NULL");

    carve_manifest_clear(&m);
    CHECK(t, m.ndatasets == 0 && m.datasets == NULL && m.nruns == 0 && m.format == CARVE_MANIFEST_FORMAT);
    CHECK(t, m.nelinks == 0 && m.elinks == NULL);
    carve_manifest_clear(&m); /* twice is fine */
    carve_manifest_clear(NULL);
}

static void
test_round_trip(unit_t *t)
{
    carve_manifest_t m;
    char            *text;

    build_rich(t, &m);
    text = ROUND_TRIP(t, &m);
    if (text) {
        /* human-readable shapes */
        CHECK(t, strstr(text, "carve_manifest: 1\n") == text);
        CHECK(t, strstr(text, "\ngeneration: 3\n") != NULL);
        CHECK(t, strstr(text, "\ncarve_version: 0.1.0\n") != NULL);
        CHECK(t, strstr(text, "\ncreated: 2026-11-22T10:00:00Z\n") != NULL);
        CHECK(t, strstr(text, "\norigin:\n  location: ") != NULL);
        CHECK(t, strstr(text, "stamp: {kind: local, size: 123456789, mtime: 1732269600.123456789}") != NULL);
        CHECK(t, strstr(text, "\nskeleton: touched\n") != NULL);
        CHECK(t, strstr(text, "\ndatasets:\n") != NULL);
        CHECK(t, strstr(text, "path: /group/dataset\n") != NULL);
        CHECK(t, strstr(text, "dims: [1000, 200]\n") != NULL);
        CHECK(t, strstr(text, "chunk: [100, 20]\n") != NULL);
        CHECK(t, strstr(text, "elements_read: 4000\n") != NULL);
        CHECK(t, strstr(text, "elements_read: 18446744073709551615\n") != NULL);
        CHECK(t, strstr(text, "selections:\n") != NULL);
        CHECK(t,
              strstr(text, "- {start: [0, 0], stride: [1, 1], count: [1, 1], block: [20, 200]}\n") != NULL);
        CHECK(t,
              strstr(text, "- {start: [500, 3], stride: [10, 7], count: [3, 4], block: [2, 5]}\n") != NULL);
        CHECK(t, strstr(text, "chunks: [[0, 0], [0, 1], [5, 3], [9, 9]]\n") != NULL);
        CHECK(t, strstr(text, "dims: []\n") != NULL);
        CHECK(t, strstr(text, "- {start: [], stride: [], count: [], block: []}\n") != NULL);
        CHECK(t, strstr(text, "selections: []\n") != NULL);
        CHECK(t, strstr(text, "chunks: []\n") != NULL);
        CHECK(t, strstr(text, "origin_dcpl: AwoRGB8m") != NULL);
        CHECK(t, strstr(text, "- {object: /group/dataset, name: units}\n") != NULL);
        CHECK(t, strstr(text, "\nexternal_links:\n- {path: '/awkward/0//with space/and: colon', ") != NULL);
        CHECK(t,
              strstr(text, "- {path: /links/external_data, file: zoo_ext.h5, object: /ext_data}\n") != NULL);
        CHECK(t, strstr(text, "- {path: /abs/out.h5, reason: opened for writing}\n") != NULL);
        CHECK(t, strstr(text, "pid: 1234, program: /usr/bin/h5dump}\n") != NULL);
        CHECK(t, strstr(text, "\n- '123'\n") != NULL); /* look-alikes of numbers are quoted */
        CHECK(t, strstr(text, "\n- 'yes'\n") != NULL); /* ... and of booleans */
        CHECK(t, strstr(text, "\n- ''\n") != NULL);    /* ... and the empty string */
        CHECK(t, strstr(text, "caf\xc3\xa9") != NULL); /* UTF-8 written as is */
        CHECK(t, strstr(text, "\n- /group\n") != NULL);
        if (t->failed)
            printf("----- emitted text -----\n%s------------------------\n", text);
    }
    free(text);

    /* a remote origin with ETag and Last-Modified */
    set_text(&m.origin, "https://example.com/bucket/file.h5?versionId=3&x=a:b");
    m.stamp.remote    = 1;
    m.stamp.size      = 42;
    m.stamp.mtime_sec = m.stamp.mtime_nsec = 0;
    set_text(&m.stamp.etag, "\"9b2cf535f27731c974343645a3985328\"");
    set_text(&m.stamp.last_modified, "Fri, 22 Nov 2026 10:00:00 GMT");
    text = ROUND_TRIP(t, &m);
    if (text) {
        CHECK(t, strstr(text, "etag: '\"9b2cf535f27731c974343645a3985328\"'") != NULL);
        CHECK(t, strstr(text, "{kind: remote, size: 42, etag:") != NULL);
        CHECK(t, strstr(text, "last_modified: 'Fri, 22 Nov 2026 10:00:00 GMT'") !=
                     NULL); /* quoted: it has ": " */
        CHECK(t, strstr(text,
                        "\n  stamp: {kind: remote, size: 42, etag: '\"9b2cf535f27731c974343645a3985328\"', "
                        "last_modified: 'Fri, 22 Nov 2026 10:00:00 GMT'}\n") != NULL);
        CHECK(t, strstr(text, "mtime") == NULL);
    }
    free(text);

    /* remote, nothing known */
    set_text(&m.stamp.etag, NULL);
    set_text(&m.stamp.last_modified, NULL);
    m.stamp.size = -1;
    text         = ROUND_TRIP(t, &m);
    if (text)
        CHECK(t, strstr(text, "\n  stamp: {kind: remote, size: -1}\n") != NULL);
    free(text);

    /* local, negative and zero times, no optional keys */
    m.stamp.remote     = 0;
    m.stamp.mtime_sec  = -5;
    m.stamp.mtime_nsec = 7;
    set_text(&m.carve_version, NULL);
    set_text(&m.hdf5_version, NULL);
    set_text(&m.created, NULL);
    set_text(&m.updated, NULL);
    set_text(&m.skeleton, NULL);
    text = ROUND_TRIP(t, &m);
    if (text) {
        CHECK(t, strstr(text, "mtime: -5.000000007}") != NULL);
        CHECK(t, strstr(text, "\n  stamp: {kind: local, size: -1, mtime: -5.000000007}\n") != NULL);
        CHECK(t, strstr(text, "carve_version") == NULL && strstr(text, "skeleton") == NULL);
    }
    free(text);
    carve_manifest_clear(&m);

    /* the smallest manifest: empty lists */
    carve_manifest_init(&m);
    set_text(&m.origin, "/o.h5");
    set_text(&m.container, "o.carve.h5");
    text = ROUND_TRIP(t, &m);
    CHECK_STR(t, text,
              "carve_manifest: 1\ngeneration: 0\norigin:\n  location: /o.h5\n"
              "  stamp: {kind: local, size: -1, mtime: 0.000000000}\ncontainer: o.carve.h5\n"
              "datasets: []\nattributes: []\nobjects: []\nexternal_links: []\nskipped: []\nruns: []\n");
    free(text);

    /* an unfinished chunk set is written finished (sorted, without duplicates) */
    {
        const hsize_t             dims[1] = {100}, chunk[1] = {10};
        carve_manifest_dataset_t *d = carve_manifest_add_dataset(&m, "/u", 1, dims, chunk);
        carve_manifest_t          back;
        size_t                    len;
        if (CHECK(t, d != NULL)) {
            for (hsize_t c = 9;; c -= 3) {
                CHECK(t, carve_chunkset_add_coords(&d->chunks, &c) >= 0);
                CHECK(t, carve_chunkset_add_coords(&d->chunks, &c) >= 0);
                if (c < 3)
                    break;
            }
            text = NULL;
            carve_manifest_init(&back);
            CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0);
            CHECK(t, text && strstr(text, "chunks: [[0], [3], [6], [9]]\n") != NULL);
            CHECK(t, text && carve_manifest_parse(text, len, WHAT, &back) >= 0);
            CHECK(t, back.ndatasets == 1 && back.datasets[0].chunks.n == 4 &&
                         back.datasets[0].chunks.idx[3] == 9);
            CHECK_NO_ERROR(t);
            free(text);
            carve_manifest_clear(&back);
        }
    }
    carve_manifest_clear(&m);
}

/* A small valid manifest the malformed cases are made from; line numbers matter to the checks. */
static const char base_text[] =
    "carve_manifest: 1\n"                                                      /*  1 */
    "generation: 3\n"                                                          /*  2 */
    "origin:\n"                                                                /*  3 */
    "  location: /abs/file.h5\n"                                               /*  4 */
    "  stamp: {kind: local, size: 123, mtime: 1732269600.5}\n"                 /*  5 */
    "container: file.carve.h5\n"                                               /*  6 */
    "datasets:\n"                                                              /*  7 */
    "  - path: /d\n"                                                           /*  8 */
    "    store: chunks\n"                                                      /*  9 */
    "    dims: [10, 20]\n"                                                     /* 10 */
    "    chunk: [5, 5]\n"                                                      /* 11 */
    "    selections:\n"                                                        /* 12 */
    "      - {start: [0, 0], stride: [1, 1], count: [1, 1], block: [2, 20]}\n" /* 13 */
    "    chunks: [[0, 0], [0, 3]]\n";                                          /* 14 */

/* base_text with line `line` (1-based) replaced by `replacement` (which may hold several lines, or be ""
 * to drop the line). Caller frees. */
static char *
edit_line(int line, const char *replacement)
{
    size_t      cap  = sizeof base_text + strlen(replacement) + 2;
    char       *out  = malloc(cap);
    const char *p    = base_text;
    size_t      used = 0;

    if (out == NULL)
        return NULL;
    for (int n = 1; *p; n++) {
        const char *end = strchr(p, '\n');
        size_t      len = end ? (size_t)(end - p) + 1 : strlen(p);
        if (n == line)
            used += (size_t)snprintf(out + used, cap - used, "%s", replacement);
        else {
            memcpy(out + used, p, len);
            used += len;
        }
        p += len;
    }
    out[used] = '\0';
    return out;
}

/* base_text with text appended. Caller frees. */
static char *
append_text(const char *more)
{
    size_t cap = sizeof base_text + strlen(more);
    char  *out = malloc(cap);

    if (out)
        snprintf(out, cap, "%s%s", base_text, more);
    return out;
}

/* Parses text that must be refused; checks the message and that m was left empty. Frees text. */
static void
bad_text_at(unit_t *t, const char *file, int line, char *text, size_t len, hid_t minor, ...)
{
    carve_manifest_t m;
    va_list          ap;

    carve_manifest_init(&m);
    H5Eclear2(H5E_DEFAULT);
    if (!unit_check_at(t, text != NULL, "test text built", file, line))
        return;
    if (!unit_check_at(t, carve_manifest_parse(text, len == SIZE_MAX ? strlen(text) : len, WHAT, &m) < 0,
                       "text is refused", file, line))
        printf("  the accepted text:\n%s\n", text);
    va_start(ap, minor);
    unit_check_error_va(t, file, line, minor, ap);
    va_end(ap);
    unit_check_at(t, m.ndatasets == 0 && m.origin == NULL && m.container == NULL && m.generation == 0,
                  "a refused text leaves the manifest empty", file, line);
    carve_manifest_clear(&m);
    free(text);
}

#define BAD_LINE(t, n, replacement, minor, ...)                                                              \
    bad_text_at((t), __FILE__, __LINE__, edit_line((n), (replacement)), SIZE_MAX, (minor), __VA_ARGS__,      \
                (const char *)NULL)
#define BAD_APPEND(t, more, minor, ...)                                                                      \
    bad_text_at((t), __FILE__, __LINE__, append_text(more), SIZE_MAX, (minor), __VA_ARGS__,                  \
                (const char *)NULL)
#define BAD_TEXT(t, text, minor, ...)                                                                        \
    bad_text_at((t), __FILE__, __LINE__, strdup(text), SIZE_MAX, (minor), __VA_ARGS__, (const char *)NULL)

static void
test_parse_valid(unit_t *t)
{
    carve_manifest_t m, reordered;
    char            *text;

    /* the base text itself */
    carve_manifest_init(&m);
    CHECK(t, carve_manifest_parse(base_text, strlen(base_text), WHAT, &m) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, m.generation == 3 && unit_str_eq(m.origin, "/abs/file.h5") &&
                 unit_str_eq(m.container, "file.carve.h5"));
    CHECK(t, m.stamp.remote == 0 && m.stamp.size == 123 && m.stamp.mtime_sec == 1732269600 &&
                 m.stamp.mtime_nsec == 500000000);
    CHECK(t, m.skeleton == NULL && m.carve_version == NULL && m.nobjects == 0 && m.nruns == 0);
    if (CHECK(t, m.ndatasets == 1)) {
        carve_manifest_dataset_t *d = &m.datasets[0];
        CHECK(t, unit_str_eq(d->path, "/d") && d->store == CARVE_STORE_CHUNKS && d->rank == 2 &&
                     d->dims[1] == 20);
        CHECK(t, d->chunked && d->chunk[0] == 5 && d->chunks.n == 2 && d->chunks.grid[1] == 4);
        CHECK(t, d->selections.nrecords == 1 && CARVE_RECORD_BLOCK(&d->selections, 0)[1] == 20);
        CHECK(t, d->elements_read == 0 && d->origin_layout == NULL && d->origin_dcpl == NULL);
    }

    /* keys in any order: selections and chunks before dims and chunk, flow and block styles mixed,
     * comments, quoted numbers where text is expected, an explicit document */
    carve_manifest_init(&reordered);
    text = "# a hand-edited manifest\n"
           "---\n"
           "datasets:\n"
           "- chunks:\n"
           "  - [0, 3]\n"
           "  - [0, 0]\n"
           "  - [0, 0]\n"
           "  selections: [{block: [2, 20], count: [1, 1], start: [0, 0], stride: [1, 1]}]\n"
           "  chunk: [5, 5]\n"
           "  dims:\n"
           "  - 10\n"
           "  - 20\n"
           "  store: \"chunks\"\n"
           "  path: \"/d\"\n"
           "container: 'file.carve.h5'\n"
           "origin: {stamp: {mtime: 1732269600.500000000, size: 123, kind: local}, location: /abs/file.h5}\n"
           "generation: 3   # comment\n"
           "carve_manifest: 1\n"
           "...\n";
    CHECK(t, carve_manifest_parse(text, strlen(text), WHAT, &reordered) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, same_manifest(&m, &reordered));
    carve_manifest_clear(&reordered);
    carve_manifest_clear(&m);

    /* a parse replaces what m held */
    build_rich(t, &m);
    CHECK(t, carve_manifest_parse(base_text, strlen(base_text), WHAT, &m) >= 0 && m.ndatasets == 1 &&
                 m.nobjects == 0);
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&m);

    /* text need not be NUL-terminated: len bounds it */
    {
        size_t n   = strlen(base_text);
        char  *cut = malloc(n + 5);
        if (CHECK(t, cut != NULL)) {
            memcpy(cut, base_text, n);
            memcpy(cut + n, "xx: [", 5);
            carve_manifest_init(&m);
            CHECK(t, carve_manifest_parse(cut, n, WHAT, &m) >= 0 && m.ndatasets == 1);
            CHECK_NO_ERROR(t);
            carve_manifest_clear(&m);
        }
        free(cut);
    }
}

static void
test_parse_malformed(unit_t *t)
{
    char *dims33;

    /* unknown keys, at every level */
    BAD_APPEND(t, "colour: red\n", CARVE_E_BADKEY, WHAT " line 15, key colour", "unknown key",
               "accepted: carve_manifest, generation");
    BAD_LINE(t, 4, "  location: /abs/file.h5\n  place: here\n", CARVE_E_BADKEY,
             WHAT " line 5, key origin.place", "unknown key", "accepted: location, stamp");
    BAD_LINE(t, 5, "  stamp: {kind: local, size: 1, hash: x}\n", CARVE_E_BADKEY,
             "line 5, key origin.stamp.hash", "unknown key");
    BAD_LINE(t, 9, "    store: chunks\n    colour: red\n", CARVE_E_BADKEY, "line 10, key datasets[0].colour",
             "unknown key", "origin_layout");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [1, 1], count: [1, 1], block: [2, 20], x: [1]}\n",
             CARVE_E_BADKEY, "line 13, key datasets[0].selections[0].x", "unknown key",
             "start, stride, count, block");
    BAD_APPEND(t, "attributes:\n  - {object: /d, name: n, type: int}\n", CARVE_E_BADKEY,
               "line 16, key attributes[0].type", "unknown key");
    BAD_APPEND(t, "runs:\n  - {time: T, pid: 1, user: me}\n", CARVE_E_BADKEY, "line 16, key runs[0].user");
    BAD_APPEND(t, "skipped:\n  - {path: /x, why: w}\n", CARVE_E_BADKEY, "line 16, key skipped[0].why");
    BAD_APPEND(t, "[a]: 1\n", CARVE_E_BADKEY, WHAT " line 15", "a key is a sequence");

    /* repeated keys */
    BAD_APPEND(t, "generation: 4\n", CARVE_E_BADKEY, "line 15, key generation",
               "given twice (first at line 2)");
    BAD_LINE(t, 10, "    dims: [10, 20]\n    dims: [10, 20]\n", CARVE_E_BADKEY,
             "line 11, key datasets[0].dims", "given twice");

    /* missing required keys: named, with the line where their mapping starts */
    BAD_LINE(t, 1, "", CARVE_E_BADVALUE, WHAT " line 1, key carve_manifest", "missing");
    BAD_LINE(t, 2, "", CARVE_E_BADVALUE, "line 1, key generation", "missing");
    BAD_LINE(t, 6, "", CARVE_E_BADVALUE, "line 1, key container", "missing");
    BAD_LINE(t, 4, "", CARVE_E_BADVALUE, "line 4, key origin.location", "missing");
    BAD_LINE(t, 5, "", CARVE_E_BADVALUE, "line 4, key origin.stamp", "missing");
    BAD_LINE(t, 5, "  stamp: {size: 123, mtime: 1.5}\n", CARVE_E_BADVALUE, "line 5, key origin.stamp.kind",
             "missing");
    BAD_LINE(t, 8, "  - origin_layout: chunked\n", CARVE_E_BADVALUE, "line 8, key datasets[0].path",
             "missing");
    BAD_LINE(t, 9, "", CARVE_E_BADVALUE, "line 8, key datasets[0].store", "missing");
    BAD_LINE(t, 10, "", CARVE_E_BADVALUE, "line 8, key datasets[0].dims", "missing");
    BAD_LINE(t, 13, "      - {start: [0, 0], count: [1, 1], block: [2, 20]}\n", CARVE_E_BADVALUE,
             "line 13, key datasets[0].selections[0].stride", "missing");
    BAD_APPEND(t, "attributes:\n  - {object: /d}\n", CARVE_E_BADVALUE, "line 16, key attributes[0].name",
               "missing");
    BAD_APPEND(t, "runs:\n  - {time: T}\n", CARVE_E_BADVALUE, "line 16, key runs[0].pid", "missing");
    BAD_APPEND(t, "skipped:\n  - {reason: r}\n", CARVE_E_BADVALUE, "line 16, key skipped[0].path", "missing");

    /* wrong types */
    BAD_LINE(t, 2, "generation: '3'\n", CARVE_E_BADVALUE, "line 2, key generation", "expected a number",
             "a quoted string");
    BAD_LINE(t, 2, "generation: [3]\n", CARVE_E_BADVALUE, "line 2, key generation", "expected a number",
             "a sequence");
    BAD_LINE(t, 2, "generation:\n", CARVE_E_BADVALUE, "key generation", "expected a number", "no value");
    BAD_LINE(t, 2, "generation: -1\n", CARVE_E_BADVALUE, "line 2, key generation", "'-1' is not a number");
    BAD_LINE(t, 2, "generation: 03\n", CARVE_E_BADVALUE, "line 2, key generation", "'03'",
             "no leading zeros");
    BAD_LINE(t, 2, "generation: 3.0\n", CARVE_E_BADVALUE, "line 2, key generation", "'3.0'");
    BAD_LINE(t, 2, "generation: 18446744073709551616\n", CARVE_E_BADVALUE, "line 2, key generation",
             "'18446744073709551616' is not a number");
    BAD_LINE(t, 3, "origin: /abs/file.h5\n", CARVE_E_BADVALUE, "line 3, key origin", "expected the origin",
             "location, stamp");
    BAD_LINE(t, 4, "  location: [a, b]\n", CARVE_E_BADVALUE, "line 4, key origin.location",
             "expected a string", "a sequence");
    BAD_LINE(t, 4, "  location: ~\n", CARVE_E_BADVALUE, "line 4, key origin.location", "expected a string",
             "no value (null)");
    BAD_LINE(t, 4, "  location: \"a\\0b\"\n", CARVE_E_BADVALUE, "line 4, key origin.location",
             "NUL character");
    BAD_LINE(t, 6, "container: {a: b}\n", CARVE_E_BADVALUE, "line 6, key container", "expected a string",
             "a mapping");
    BAD_LINE(t, 7, "datasets: {}\n", CARVE_E_BADVALUE, "line 7, key datasets",
             "expected a sequence of dataset entries");
    BAD_LINE(t, 8, "  - /d\n", CARVE_E_BADVALUE, "line 8, key datasets[0]", "expected a dataset entry");
    BAD_LINE(t, 10, "    dims: 10\n", CARVE_E_BADVALUE, "line 10, key datasets[0].dims",
             "expected a sequence of numbers");
    BAD_LINE(t, 10, "    dims: [10, x]\n", CARVE_E_BADVALUE, "line 10, key datasets[0].dims[1]",
             "'x' is not a number");
    BAD_LINE(t, 10, "    dims: [10, [20]]\n", CARVE_E_BADVALUE, "line 10, key datasets[0].dims[1]",
             "expected a number");
    BAD_LINE(t, 12, "    selections: {}\n", CARVE_E_BADVALUE, "line 12, key datasets[0].selections",
             "expected a sequence of selection records");
    BAD_LINE(t, 13, "      - [0, 0]\n", CARVE_E_BADVALUE, "line 13, key datasets[0].selections[0]",
             "expected a selection record");
    BAD_LINE(t, 14, "    chunks: [0, 0]\n", CARVE_E_BADVALUE, "line 14, key datasets[0].chunks[0]",
             "expected a sequence of numbers");
    BAD_APPEND(t, "objects: {a: b}\n", CARVE_E_BADVALUE, "line 15, key objects",
               "expected a sequence of object paths");
    BAD_APPEND(t, "objects:\n  - [a]\n", CARVE_E_BADVALUE, "line 16, key objects[0]", "expected a string");
    BAD_APPEND(t, "runs:\n  - {time: T, pid: abc}\n", CARVE_E_BADVALUE, "line 16, key runs[0].pid",
               "'abc' is not a number");
    BAD_APPEND(t, "attributes: [{object: /d, name: }]\n", CARVE_E_BADVALUE, "line 15, key attributes[0].name",
               "expected a string");
    BAD_TEXT(t, "- a\n- b\n", CARVE_E_BADVALUE, WHAT " line 1", "expected a carve manifest", "a sequence");
    BAD_TEXT(t, "just text\n", CARVE_E_BADVALUE, WHAT " line 1", "expected a carve manifest",
             "a plain scalar");

    /* values out of their set */
    BAD_LINE(t, 9, "    store: chunk\n", CARVE_E_BADVALUE, "line 9, key datasets[0].store",
             "'chunk' is not one of chunks, elements");
    BAD_LINE(t, 9, "    store: chunks\n    origin_layout: striped\n", CARVE_E_BADVALUE,
             "line 10, key datasets[0].origin_layout", "'striped'",
             "chunked, contiguous, compact, virtual, external");
    BAD_APPEND(t, "skeleton: partial\n", CARVE_E_BADVALUE, "line 15, key skeleton", "'partial'",
               "full, touched");
    BAD_LINE(t, 5, "  stamp: {kind: s3, size: 1}\n", CARVE_E_BADVALUE, "line 5, key origin.stamp.kind",
             "'s3' is not one of local, remote");
    BAD_LINE(t, 5, "  stamp: {kind: local, size: -2}\n", CARVE_E_BADVALUE, "line 5, key origin.stamp.size",
             "'-2'");
    BAD_LINE(t, 5, "  stamp: {kind: local, mtime: 1.1234567890}\n", CARVE_E_BADVALUE,
             "line 5, key origin.stamp.mtime", "seconds.nanoseconds");
    BAD_LINE(t, 5, "  stamp: {kind: local, mtime: 1.}\n", CARVE_E_BADVALUE, "key origin.stamp.mtime",
             "seconds.nanoseconds");
    BAD_LINE(t, 5, "  stamp: {kind: local, mtime: '1.5'}\n", CARVE_E_BADVALUE, "key origin.stamp.mtime",
             "a quoted string");
    BAD_LINE(t, 5, "  stamp: {kind: local, size: 1, etag: '\"x\"'}\n", CARVE_E_BADKEY,
             "line 5, key origin.stamp.etag", "not part of a local stamp");
    BAD_LINE(t, 5, "  stamp: {kind: remote, mtime: 1.5}\n", CARVE_E_BADKEY, "line 5, key origin.stamp.mtime",
             "not part of a remote stamp");

    /* the unknown format, before anything else is looked at */
    BAD_LINE(t, 1, "carve_manifest: 3\n", CARVE_E_BADVALUE, WHAT " line 1, key carve_manifest",
             "manifest format 3 is not supported", "reads formats 1 to 2");
    BAD_LINE(t, 1, "carve_manifest: 0\n", CARVE_E_BADVALUE, "manifest format 0 is not supported",
             "formats 1 to 2");
    BAD_TEXT(t, "carve_manifest: 7\nsomething_new: {}\n", CARVE_E_BADVALUE, "line 1, key carve_manifest",
             "format 7 is not supported");
    BAD_LINE(t, 1, "carve_manifest: one\n", CARVE_E_BADVALUE, "line 1, key carve_manifest",
             "'one' is not a number");

    /* record and chunk arrays against the rank, selections against dims */
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [1, 1], count: [1], block: [2, 20]}\n", CARVE_E_BADVALUE,
             "line 13, key datasets[0].selections[0].count", "1 number, but the dataset's rank", "is 2");
    BAD_LINE(t, 13, "      - {start: [0, 0, 0], stride: [1, 1], count: [1, 1], block: [2, 20]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0].start", "3 numbers");
    BAD_LINE(t, 13, "      - {start: [], stride: [], count: [], block: []}\n", CARVE_E_BADVALUE,
             "key datasets[0].selections[0].start", "0 numbers");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [1, 1], count: [1, 1], block: [2, 21]}\n",
             CARVE_E_BADVALUE, "line 13, key datasets[0].selections[0]", "reaches past dims in dimension 1",
             "dims 20");
    BAD_LINE(t, 13, "      - {start: [9, 0], stride: [1, 1], count: [1, 1], block: [2, 1]}\n",
             CARVE_E_BADVALUE, "line 13, key datasets[0].selections[0]", "reaches past dims in dimension 0");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [3, 1], count: [4, 1], block: [2, 1]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0]", "reaches past dims in dimension 0");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [1, 1], count: [2, 1], block: [2, 1]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0]", "stride is smaller than block");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [1, 1], count: [0, 1], block: [2, 1]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0]", "count is 0 in dimension 0");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [1, 1], count: [1, 1], block: [1, 0]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0]", "block is 0 in dimension 1");
    BAD_LINE(t, 13, "      - {start: [0, 0], stride: [0, 1], count: [1, 1], block: [1, 1]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0]", "stride is 0");
    BAD_LINE(t, 13,
             "      - {start: [18446744073709551615, 0], stride: [1, 1], count: [1, 1], block: [1, 1]}\n",
             CARVE_E_BADVALUE, "key datasets[0].selections[0]", "reaches past dims");
    BAD_LINE(t, 14, "    chunks: [[0, 0], [2, 0]]\n", CARVE_E_BADVALUE, "line 14, key datasets[0].chunks[1]",
             "coordinate 2 in dimension 0 is outside the chunk grid (0..1");
    BAD_LINE(t, 14, "    chunks: [[0, 0], [0]]\n", CARVE_E_BADVALUE, "line 14, key datasets[0].chunks[1]",
             "1 coordinate, but the dataset's rank");
    BAD_LINE(t, 11, "    chunk: [5]\n", CARVE_E_BADVALUE, "line 11, key datasets[0].chunk", "1 number");
    BAD_LINE(t, 11, "    chunk: [5, 0]\n", CARVE_E_BADVALUE, "line 11, key datasets[0].chunk",
             "chunk size 0");
    BAD_LINE(t, 11, "", CARVE_E_BADVALUE, "line 9, key datasets[0].store", "store is chunks but",
             "no chunk shape");
    BAD_TEXT(t,
             "carve_manifest: 1\ngeneration: 1\norigin: {location: /o, stamp: {kind: local}}\ncontainer: c\n"
             "datasets:\n- {path: /d, store: elements, dims: [4], chunks: [[0]]}\n",
             CARVE_E_BADVALUE, "line 6, key datasets[0].chunks", "need the chunk shape");
    BAD_TEXT(t,
             "carve_manifest: 1\ngeneration: 1\norigin: {location: /o, stamp: {kind: local}}\ncontainer: c\n"
             "datasets:\n- {path: /s, store: elements, dims: [], chunk: []}\n",
             CARVE_E_BADVALUE, "line 6, key datasets[0].chunk", "scalar dataset");
    dims33 = strdup("    dims: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
                    "1, 1, 1, 1, 1, "
                    "1, 1, 1]\n");
    BAD_LINE(t, 10, dims33, CARVE_E_BADVALUE, "line 10, key datasets[0].dims", "more than 32 numbers");
    free(dims33);
    BAD_APPEND(t, "  - {path: /d, store: elements, dims: [3]}\n", CARVE_E_BADVALUE,
               "line 15, key datasets[1].path", "the same dataset path again", "datasets[0] at line 8");
    BAD_APPEND(t, "objects: [/a, /b, /a]\n", CARVE_E_BADVALUE, "line 15, key objects[2]",
               "the same entry again", "objects[0]");
    BAD_APPEND(t, "  - {path: /e, store: elements, dims: [3], origin_dcpl: 'AAA*'}\n", CARVE_E_BADVALUE,
               "line 15, key datasets[1].origin_dcpl", "is not base64", "offset 3");

    /* YAML-level problems */
    BAD_LINE(t, 10, "    dims: [10, 20]]\n", CARVE_E_BADVALUE, WHAT " line 10 column 19", "key datasets[0]",
             "YAML syntax error");
    BAD_LINE(t, 4, "  location: 'unterminated\n", CARVE_E_BADVALUE, WHAT " line ", "key origin.location",
             "YAML syntax error", "quoted scalar");
    BAD_LINE(t, 2, "generation: &g 3\nupdated: *g\n", CARVE_E_BADVALUE, "line 3, key updated", "alias");
    BAD_APPEND(t, "---\ncarve_manifest: 1\n", CARVE_E_BADVALUE, WHAT " line 15", "a second YAML document");
    BAD_TEXT(t, "", CARVE_E_BADVALUE, WHAT " line 1", "empty");
    BAD_TEXT(t, "# only a comment\n", CARVE_E_BADVALUE, WHAT, "empty");
    bad_text_at(t, __FILE__, __LINE__, strdup("carve_manifest: 1\ngeneration: 1\xff\n"), SIZE_MAX,
                CARVE_E_BADVALUE, WHAT, "unreadable text", (const char *)NULL);

    /* a manifest larger than the limit is refused before parsing */
    {
        carve_manifest_t m;
        carve_manifest_init(&m);
        CHECK(t, carve_manifest_parse(base_text, CARVE_MANIFEST_MAX_BYTES + 1, WHAT, &m) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, WHAT, "CARVE_MANIFEST_MAX_BYTES");
        CHECK(t, carve_manifest_parse(NULL, 3, WHAT, &m) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
        CHECK(t, carve_manifest_parse(base_text, strlen(base_text), NULL, &m) >= 0); /* what defaults */
        CHECK_NO_ERROR(t);
        carve_manifest_clear(&m);
        CHECK(t, carve_manifest_parse("carve_manifest: 'x", 18, NULL, &m) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "manifest line", "YAML syntax error");
    }
}

static void
test_emit_refusals(unit_t *t)
{
    carve_manifest_t          m;
    carve_manifest_dataset_t *d;
    char                     *text    = NULL;
    size_t                    len     = 0;
    const hsize_t             dims[1] = {10};

    carve_manifest_init(&m);
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0 && text == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "names no origin");
    set_text(&m.origin, "/o");
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "names no container");
    set_text(&m.container, "c");
    m.format = 3;
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "format 3", "writes format 2");
    m.format = CARVE_MANIFEST_FORMAT;
    set_text(&m.skeleton, "most");
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "skeleton 'most'");
    set_text(&m.skeleton, NULL);

    /* not UTF-8: named by key */
    CHECK(t, carve_manifest_add_object(&m, "/ok") >= 0 && carve_manifest_add_object(&m, "/bad\xc3(") >= 0);
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "key objects[1]", "not valid UTF-8", "offset 4");
    free(m.objects[1]);
    m.nobjects = 1;

    /* a dataset the parser would refuse is not written */
    d = carve_manifest_add_dataset(&m, "/d", 1, dims, NULL);
    if (CHECK(t, d != NULL)) {
        hsize_t start = 8, count = 1, block = 2;
        CHECK(t, carve_selection_add(&d->selections, &start, NULL, &count, &block) >= 0);
        CARVE_RECORD_START(&d->selections, 0)[0] = 9; /* now past dims */
        CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "key datasets[0]", "record 0 of dataset /d", "reaches past dims");
        CARVE_RECORD_START(&d->selections, 0)[0] = 8;
        d->store                                 = CARVE_STORE_CHUNKS;
        CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "key datasets[0]", "store chunks but no chunk shape");
        d->store = CARVE_STORE_ELEMENTS;
        set_text(&d->origin_layout, "weird");
        CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "origin_layout 'weird'");
        set_text(&d->origin_layout, NULL);
    }
    m.stamp.mtime_nsec = 1000000000;
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "key origin.stamp", "nanoseconds");
    m.stamp.mtime_nsec = 0;
    CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0 && text != NULL);
    CHECK_NO_ERROR(t);
    free(text);
    carve_manifest_clear(&m);
}

/* Whether path's content is exactly text. */
static bool
file_holds(const char *path, const char *text)
{
    FILE  *f   = fopen(path, "rb");
    size_t len = strlen(text), got;
    char  *buf;
    bool   same;

    if (f == NULL)
        return false;
    buf  = malloc(len + 2);
    got  = buf ? fread(buf, 1, len + 1, f) : 0;
    same = buf && got == len && memcmp(buf, text, len) == 0;
    fclose(f);
    free(buf);
    return same;
}

/* Number of entries of dir whose name contains ".tmp.". */
static int
count_temp_files(const char *dir)
{
    return unit_count_entries(dir, ".tmp.");
}

static void
test_files(unit_t *t)
{
    carve_manifest_t m, back;
    char             path[512], sub[512], blocked[600], missing[600], inside[700];
    char            *first = NULL;
    size_t           len   = 0;

    build_rich(t, &m);
    carve_manifest_init(&back);
    snprintf(path, sizeof path, "%s/file.carve.yaml", t->dir);

    /* write, read back */
    CHECK(t, carve_manifest_write_file(path, &m) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, carve_manifest_read_file(path, &back) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, same_manifest(&m, &back));
    CHECK(t, count_temp_files(t->dir) == 0);
    CHECK(t, carve_manifest_emit(&m, &first, &len) >= 0 && file_holds(path, first));
    carve_manifest_clear(&back);

    /* overwrite with another generation */
    m.generation = 4;
    CHECK(t, carve_manifest_write_file(path, &m) >= 0);
    CHECK(t, carve_manifest_read_file(path, &back) >= 0 && back.generation == 4);
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&back);
    free(first);
    first = NULL;
    CHECK(t, carve_manifest_emit(&m, &first, &len) >= 0 && file_holds(path, first));
    m.generation = 5;

    /* a missing directory: refused, nothing written */
    snprintf(missing, sizeof missing, "%s/no/such/dir/x.carve.yaml", t->dir);
    CHECK(t, carve_manifest_write_file(missing, &m) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, "cannot write manifest", missing, strerror(ENOENT));

    /* the target is a non-empty directory: the rename fails, the temporary file is removed */
    snprintf(sub, sizeof sub, "%s/adir", t->dir);
    snprintf(inside, sizeof inside, "%s/keep", sub);
    CHECK(t, mkdir(sub, 0755) == 0 && unit_write_text(inside, "x"));
    CHECK(t, carve_manifest_write_file(sub, &m) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, "cannot write manifest", sub, "renaming");
    CHECK(t, count_temp_files(t->dir) == 0 && file_holds(inside, "x"));

    /* a manifest that cannot be emitted: the old file stays as it was */
    {
        char *container = m.container;
        m.container     = NULL;
        CHECK(t, carve_manifest_write_file(path, &m) < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write manifest", path);
        m.container = container;
        CHECK(t, file_holds(path, first) && count_temp_files(t->dir) == 0);
    }

    /* a read-only directory: refused, the old file untouched (root writes anyway: then skipped) */
    snprintf(blocked, sizeof blocked, "%s/ro", t->dir);
    snprintf(inside, sizeof inside, "%s/m.carve.yaml", blocked);
    CHECK(t, mkdir(blocked, 0755) == 0);
    CHECK(t, unit_write_text(inside, "old content\n"));
    CHECK(t, chmod(blocked, 0555) == 0);
    if (geteuid() != 0) {
        CHECK(t, carve_manifest_write_file(inside, &m) < 0);
        CHECK_ERROR(t, CARVE_E_SYSTEM, "cannot write manifest", inside, strerror(EACCES));
        CHECK(t, file_holds(inside, "old content\n") && count_temp_files(blocked) == 0);
    }
    else
        printf("  (running as root: the read-only directory case is skipped)\n");
    chmod(blocked, 0755);
    unlink(inside);
    rmdir(blocked);
    snprintf(inside, sizeof inside, "%s/keep", sub);
    unlink(inside);
    rmdir(sub);

    /* reading: errors name the path and the cause */
    CHECK(t, carve_manifest_read_file(missing, &back) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, "cannot open manifest", missing, strerror(ENOENT));
    CHECK(t, carve_manifest_read_file(t->dir, &back) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, t->dir, "not a regular file");
    snprintf(inside, sizeof inside, "%s/broken.carve.yaml", t->dir);
    CHECK(t, unit_write_text(inside, "carve_manifest: 1\ngeneration: x\n"));
    CHECK(t, carve_manifest_read_file(inside, &back) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, inside, "line 2, key generation");
    CHECK(t, back.ndatasets == 0 && back.origin == NULL);
    unlink(inside);
    unlink(path);

    free(first);
    carve_manifest_clear(&back);
    carve_manifest_clear(&m);
}

static void
test_base64(unit_t *t)
{
    static const char *const plain[]   = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    unsigned char            all[256];
    void                    *data;
    size_t                   len;
    char                    *text;

    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        text = carve_base64_encode(plain[i], strlen(plain[i]));
        CHECK(t, unit_str_eq(text, encoded[i]));
        free(text);
        data = NULL;
        CHECK(t, carve_base64_decode(encoded[i], &data, &len) >= 0);
        CHECK(t, data != NULL && len == strlen(plain[i]) && memcmp(data, plain[i], len) == 0);
        free(data);
    }
    text = carve_base64_encode(NULL, 0);
    CHECK(t, unit_str_eq(text, ""));
    free(text);
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (unsigned char)(255 - i);
    text = carve_base64_encode(all, sizeof all);
    CHECK(t, text != NULL && strlen(text) == 344 &&
                 strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                              "0123456789+/=") == 344);
    data = NULL;
    CHECK(t, text != NULL && carve_base64_decode(text, &data, &len) >= 0); /* and decoded back unchanged */
    CHECK(t, data != NULL && len == sizeof all && memcmp(data, all, sizeof all) == 0);
    free(data);
    CHECK(t, text && strstr(text, "+") && strstr(text, "/"));
    data = NULL;
    CHECK(t, text && carve_base64_decode(text, &data, &len) >= 0 && len == sizeof all &&
                 memcmp(data, all, len) == 0);
    free(data);
    free(text);
    CHECK_NO_ERROR(t);

    /* refused */
    data = NULL;
    CHECK(t, carve_base64_decode("Zm9v!A==", &data, &len) < 0 && data == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad base64 text 'Zm9v!A=='", "outside the base64 alphabet", "offset 4");
    CHECK(t, carve_base64_decode("Zm9", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "not a multiple of 4");
    CHECK(t, carve_base64_decode("Zm 9", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "outside the base64 alphabet", "offset 2");
    CHECK(t, carve_base64_decode("Zg==Zm8=", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "padding", "offset 2");
    CHECK(t, carve_base64_decode("Zg=a", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "padding", "offset 2");
    CHECK(t, carve_base64_decode("Z===", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "offset 1");
    CHECK(t, carve_base64_decode("Zh==", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "not canonical");
    CHECK(t, carve_base64_decode("Zm9=", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "not canonical");
    CHECK(t, carve_base64_decode("Zm9v\n", &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "not a multiple of 4");
    CHECK(t, carve_base64_decode(NULL, &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
}

static void
test_utc_now(unit_t *t)
{
    char buf[32];
    char small[10] = "untouched";
    bool shape     = true;

    carve_utc_now(buf, sizeof buf);
    CHECK(t, strlen(buf) == 20);
    for (size_t i = 0; i < 20 && shape; i++) {
        const char *form = "dddd-dd-ddTdd:dd:ddZ";
        shape            = form[i] == 'd' ? (buf[i] >= '0' && buf[i] <= '9') : buf[i] == form[i];
    }
    CHECK(t, shape);
    CHECK(t, strncmp(buf, "20", 2) == 0);
    carve_utc_now(small, sizeof small);
    CHECK(t, small[0] == '\0');
    carve_utc_now(buf, 21);
    CHECK(t, strlen(buf) == 20);
    carve_utc_now(NULL, 0);
}

static double
seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* 100k selection records and 100k chunks: round trip, with times printed. */
static void
test_large(unit_t *t)
{
    const size_t              nrec    = 100000;
    const hsize_t             dims[2] = {1000000, 1000000}, chunk[2] = {1000, 1000};
    carve_manifest_t          m, back;
    carve_manifest_dataset_t *d;
    struct timespec           start;
    double                    emit_s, parse_s;
    char                     *text = NULL;
    size_t                    len  = 0;

    carve_manifest_init(&m);
    carve_manifest_init(&back);
    set_text(&m.origin, "/big.h5");
    set_text(&m.container, "big.carve.h5");
    d = carve_manifest_add_dataset(&m, "/big", 2, dims, chunk);
    if (!CHECK(t, d != NULL))
        goto done;
    for (size_t i = 0; i < nrec; i++) {
        hsize_t s[2] = {(hsize_t)i * 7, (hsize_t)i * 5 + 1}, b[2] = {3, 2}, one[2] = {1, 1};
        hsize_t c[2] = {(hsize_t)(i % 1000), (hsize_t)(i / 1000)};
        if (carve_selection_add(&d->selections, s, NULL, one, b) < 0 ||
            carve_chunkset_add_coords(&d->chunks, c) < 0)
            break;
    }
    CHECK(t, carve_chunkset_finish(&d->chunks) >= 0);
    CHECK(t, d->selections.nrecords == nrec && d->chunks.n == nrec);
    CHECK_NO_ERROR(t);

    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0);
    emit_s = seconds_since(&start);
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK(t, text && carve_manifest_parse(text, len, WHAT, &back) >= 0);
    parse_s = seconds_since(&start);
    CHECK_NO_ERROR(t);
    CHECK(t, same_manifest(&m, &back));
    printf("  100k selection records + 100k chunks: %zu bytes of YAML, emit %.3f s, parse %.3f s\n", len,
           emit_s, parse_s);

done:
    free(text);
    carve_manifest_clear(&back);
    carve_manifest_clear(&m);
}

/* Gives m a replay section with distinct values (and the largest counter). */
static void
set_replay(carve_manifest_t *m)
{
    m->has_replay  = 1;
    m->replay_runs = 2;
    set_text(&m->replay_last, "2026-11-22T11:00:00Z");
    m->replay = (carve_replay_counters_t){.reads           = 10,
                                          .hits            = 7,
                                          .misses          = 2,
                                          .partial         = 1,
                                          .bytes_container = 4096,
                                          .bytes_origin    = UINT64_MAX,
                                          .origin_requests = 5};
}

static void
test_replay_round_trip(unit_t *t)
{
    carve_manifest_t m, back;
    char            *text;
    size_t           len;

    /* with a replay section: after runs, a block mapping, every key */
    build_rich(t, &m);
    set_replay(&m);
    text = ROUND_TRIP(t, &m);
    if (text) {
        const char *want = "\nreplay:\n"
                           "  runs: 2\n"
                           "  last: 2026-11-22T11:00:00Z\n"
                           "  reads: 10\n"
                           "  hits: 7\n"
                           "  misses: 2\n"
                           "  partial: 1\n"
                           "  bytes_from_container: 4096\n"
                           "  bytes_from_origin: 18446744073709551615\n"
                           "  origin_requests: 5\n"
                           "  damaged: 0\n";
        const char *at   = strstr(text, want);
        CHECK(t, at != NULL);
        CHECK(t, at != NULL && at[strlen(want)] == '\0'); /* the last key of the document */
        CHECK(t, at != NULL && strstr(text, "\nruns:\n") != NULL && strstr(text, "\nruns:\n") < at);
        if (t->failed)
            printf("----- emitted text -----\n%s------------------------\n", text);
    }
    free(text);

    /* zero counters are written too */
    memset(&m.replay, 0, sizeof m.replay);
    m.replay_runs = 0;
    text          = ROUND_TRIP(t, &m);
    CHECK(t, text && strstr(text, "\nreplay:\n  runs: 0\n") && strstr(text, "  origin_requests: 0\n"));
    {
        const char *want = "\nreplay:\n"
                           "  runs: 0\n"
                           "  last: 2026-11-22T11:00:00Z\n"
                           "  reads: 0\n"
                           "  hits: 0\n"
                           "  misses: 0\n"
                           "  partial: 0\n"
                           "  bytes_from_container: 0\n"
                           "  bytes_from_origin: 0\n"
                           "  origin_requests: 0\n"
                           "  damaged: 0\n";
        const char *at   = text ? strstr(text, want) : NULL;
        CHECK(t, at != NULL && at[strlen(want)] == '\0'); /* every counter, 0, and nothing after */
    }
    free(text);

    /* without: no replay key at all, and has_replay 0 back */
    m.has_replay = 0;
    text         = ROUND_TRIP(t, &m);
    CHECK(t, text && strstr(text, "replay") == NULL);
    free(text);
    carve_manifest_clear(&m);
    CHECK(t, m.has_replay == 0 && m.replay_last == NULL && m.replay_runs == 0);

    /* the smallest manifest with a replay section */
    carve_manifest_init(&m);
    set_text(&m.origin, "/o.h5");
    set_text(&m.container, "o.carve.h5");
    set_replay(&m);
    text = ROUND_TRIP(t, &m);
    CHECK(t, text && strstr(text, "\nruns: []\nreplay:\n  runs: 2\n") != NULL);
    free(text);
    carve_manifest_clear(&m);

    /* parsed in any key order and style, anywhere in the document */
    carve_manifest_init(&back);
    text = "replay: {origin_requests: 3, bytes_from_origin: 20, bytes_from_container: 10, partial: 0, "
           "misses: 1,\n"
           "         hits: 1, reads: 2, last: '2026-01-02T03:04:05Z', runs: 1}\n"
           "carve_manifest: 1\n"
           "generation: 1\n"
           "origin: {location: /o.h5, stamp: {kind: local}}\n"
           "container: o.carve.h5\n";
    CHECK(t, carve_manifest_parse(text, strlen(text), WHAT, &back) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, back.has_replay == 1 && back.replay_runs == 1 &&
                 unit_str_eq(back.replay_last, "2026-01-02T03:04:05Z"));
    CHECK(t, back.replay.reads == 2 && back.replay.hits == 1 && back.replay.misses == 1 &&
                 back.replay.partial == 0);
    CHECK(t, back.replay.bytes_container == 10 && back.replay.bytes_origin == 20 &&
                 back.replay.origin_requests == 3);
    carve_manifest_clear(&back);

    /* the base text has none */
    CHECK(t, carve_manifest_parse(base_text, strlen(base_text), WHAT, &back) >= 0 && back.has_replay == 0);
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&back);

    /* a section without its time is not written (it would not read back) */
    carve_manifest_init(&m);
    set_text(&m.origin, "/o.h5");
    set_text(&m.container, "o.carve.h5");
    set_replay(&m);
    set_text(&m.replay_last, NULL);
    text = NULL;
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0 && text == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write the manifest (key replay)", "no last");
    carve_manifest_clear(&m);
}

/* base_text followed by a replay section whose line `key` (0: runs .. 8: origin_requests) is replaced by
 * `replacement` ("" drops it). The section starts on line 15, its keys on lines 16..24. Caller frees. */
static char *
replay_text(int key, const char *replacement)
{
    static const char *const lines[9]      = {"  runs: 2\n",
                                              "  last: 2026-11-22T11:00:00Z\n",
                                              "  reads: 10\n",
                                              "  hits: 7\n",
                                              "  misses: 2\n",
                                              "  partial: 1\n",
                                              "  bytes_from_container: 4096\n",
                                              "  bytes_from_origin: 512\n",
                                              "  origin_requests: 5\n"};
    char                     section[1024] = "replay:\n";
    char                    *out;

    for (int i = 0; i < 9; i++)
        strncat(section, i == key ? replacement : lines[i], sizeof section - strlen(section) - 1);
    out = append_text(section);
    return out;
}

#define BAD_REPLAY(t, key, replacement, minor, ...)                                                          \
    bad_text_at((t), __FILE__, __LINE__, replay_text((key), (replacement)), SIZE_MAX, (minor), __VA_ARGS__,  \
                (const char *)NULL)

static void
test_replay_malformed(unit_t *t)
{
    carve_manifest_t m;
    char            *text;

    /* the unedited section parses (so every refusal below is the edit's doing) */
    carve_manifest_init(&m);
    text = replay_text(-1, "");
    CHECK(t, text && carve_manifest_parse(text, strlen(text), WHAT, &m) >= 0 && m.has_replay &&
                 m.replay_runs == 2 && m.replay.bytes_origin == 512);
    CHECK_NO_ERROR(t);
    free(text);
    carve_manifest_clear(&m);

    /* unknown keys, named with their line and the keys accepted */
    BAD_REPLAY(t, 2, "  reads: 10\n  colour: red\n", CARVE_E_BADKEY, WHAT " line 19, key replay.colour",
               "unknown key in the replay section",
               "accepted: runs, last, reads, hits, misses, partial, bytes_from_container, bytes_from_origin, "
               "origin_requests");
    BAD_REPLAY(t, 6, "  bytes_container: 4096\n", CARVE_E_BADKEY, "line 22, key replay.bytes_container",
               "unknown key");
    /* every key is required: the line named is where the section starts */
    BAD_REPLAY(t, 0, "", CARVE_E_BADVALUE, WHAT " line 16, key replay.runs", "missing",
               "the replay section needs it");
    BAD_REPLAY(t, 1, "", CARVE_E_BADVALUE, "line 16, key replay.last", "missing");
    BAD_REPLAY(t, 8, "", CARVE_E_BADVALUE, "line 16, key replay.origin_requests", "missing");
    /* repeated keys, and the section given twice */
    BAD_REPLAY(t, 3, "  hits: 7\n  hits: 8\n", CARVE_E_BADKEY, "line 20, key replay.hits",
               "given twice (first at line 19)");
    text = replay_text(-1, "");
    if (CHECK(t, text != NULL)) {
        const char *section = text + strlen(base_text);
        size_t      size    = strlen(text) + strlen(section) + 1;
        char       *twice   = malloc(size);

        if (twice)
            snprintf(twice, size, "%s%s", text, section);
        bad_text_at(t, __FILE__, __LINE__, twice, SIZE_MAX, CARVE_E_BADKEY, "line 25, key replay",
                    "given twice (first at line 15)", (const char *)NULL);
    }
    free(text);
    /* wrong types and ranges */
    BAD_REPLAY(t, 0, "  runs: -1\n", CARVE_E_BADVALUE, "line 16, key replay.runs", "'-1' is not a number");
    BAD_REPLAY(t, 2, "  reads: '10'\n", CARVE_E_BADVALUE, "line 18, key replay.reads", "expected a number",
               "a quoted string");
    BAD_REPLAY(t, 7, "  bytes_from_origin: 18446744073709551616\n", CARVE_E_BADVALUE,
               "line 23, key replay.bytes_from_origin", "not a number");
    BAD_REPLAY(t, 5, "  partial: 1.5\n", CARVE_E_BADVALUE, "line 21, key replay.partial", "'1.5'");
    BAD_REPLAY(t, 4, "  misses:\n", CARVE_E_BADVALUE, "key replay.misses", "expected a number", "no value");
    BAD_REPLAY(t, 1, "  last: [2026]\n", CARVE_E_BADVALUE, "line 17, key replay.last", "expected a string",
               "a sequence");
    BAD_REPLAY(t, 1, "  last: ~\n", CARVE_E_BADVALUE, "line 17, key replay.last", "no value (null)");
    BAD_APPEND(t, "replay: [1, 2]\n", CARVE_E_BADVALUE, "line 15, key replay", "expected the replay section",
               "a sequence");
    BAD_APPEND(t, "replay: 3\n", CARVE_E_BADVALUE, "line 15, key replay", "expected the replay section");
    BAD_APPEND(t, "replay:\n", CARVE_E_BADVALUE, "line 15, key replay", "expected the replay section");
}

static void
test_replay_counters_add(unit_t *t)
{
    carve_replay_counters_t sum = {0}, one = {1, 2, 3, 4, 5, 6, 7, 8}, big = {0};

    carve_replay_counters_add(&sum, &one);
    carve_replay_counters_add(&sum, &one);
    CHECK(t, sum.reads == 2 && sum.hits == 4 && sum.misses == 6 && sum.partial == 8);
    CHECK(t, sum.bytes_container == 10 && sum.bytes_origin == 12 && sum.origin_requests == 14 &&
                 sum.damaged == 16);
    /* one is unchanged */
    CHECK(t, one.reads == 1 && one.origin_requests == 7);
    /* saturating, each counter on its own */
    big.bytes_origin = UINT64_MAX - 1;
    big.reads        = UINT64_MAX;
    carve_replay_counters_add(&big, &one);
    CHECK(t, big.bytes_origin == UINT64_MAX && big.reads == UINT64_MAX && big.hits == 2 &&
                 big.origin_requests == 7);
    carve_replay_counters_add(&big, &big);
    CHECK(t, big.bytes_origin == UINT64_MAX && big.hits == 4);
    /* NULL is ignored */
    carve_replay_counters_add(NULL, &one);
    carve_replay_counters_add(&sum, NULL);
    CHECK(t, sum.reads == 2);
}

/* external_links: the text of an entry, round trips, manifests written before the list, and what the
 * parser refuses. */
static void
test_external_links(unit_t *t)
{
    carve_manifest_t m, back;
    char            *text;
    size_t           len = 0;

    /* one entry, exactly; the list sits between objects and skipped */
    carve_manifest_init(&m);
    set_text(&m.origin, "/o.h5");
    set_text(&m.container, "o.carve.h5");
    CHECK(t, carve_manifest_add_external_link(&m, "/links/external_data", "zoo_ext.h5", "/ext_data") >= 0);
    text = ROUND_TRIP(t, &m);
    CHECK_STR(t, text,
              "carve_manifest: 1\ngeneration: 0\norigin:\n  location: /o.h5\n"
              "  stamp: {kind: local, size: -1, mtime: 0.000000000}\ncontainer: o.carve.h5\n"
              "datasets: []\nattributes: []\nobjects: []\n"
              "external_links:\n- {path: /links/external_data, file: zoo_ext.h5, object: /ext_data}\n"
              "skipped: []\nruns: []\n");
    free(text);

    /* targets as links store them: relative and absolute files, names that need quoting */
    CHECK(t, carve_manifest_add_external_link(&m, "/links/abs", "/data/other file.h5", "/g/d: 1") >= 0);
    CHECK(t, carve_manifest_add_external_link(&m, "/links/up", "../up.h5", "/") >= 0);
    CHECK(t, carve_manifest_add_external_link(&m, "/links/yes", "yes", "123") >= 0);
    text = ROUND_TRIP(t, &m);
    CHECK(t, text && strstr(text, "- {path: /links/abs, file: /data/other file.h5, object: '/g/d: 1'}\n") !=
                         NULL);
    CHECK(t, text && strstr(text, "- {path: /links/yes, file: 'yes', object: '123'}\n") != NULL);
    free(text);

    /* with a replay section, which stays the last key */
    m.has_replay = 1;
    set_text(&m.replay_last, "2026-11-22T11:00:00Z");
    text = ROUND_TRIP(t, &m);
    CHECK(t, text && strstr(text, "external_links:\n") < strstr(text, "\nreplay:\n"));
    free(text);
    carve_manifest_clear(&m);

    /* a manifest written before the list has no external links; an empty list reads alike */
    carve_manifest_init(&back);
    CHECK(t, carve_manifest_parse(base_text, strlen(base_text), WHAT, &back) >= 0);
    CHECK(t, back.nelinks == 0 && back.elinks == NULL && back.ndatasets == 1);
    carve_manifest_clear(&back);
    text = append_text("external_links: []\n");
    CHECK(t, text && carve_manifest_parse(text, strlen(text), WHAT, &back) >= 0);
    CHECK(t, back.nelinks == 0 && back.ndatasets == 1);
    CHECK_NO_ERROR(t);
    free(text);
    carve_manifest_clear(&back);

    /* a list edited by hand, out of order and in block style, is read into path order (and added to) */
    text = append_text("external_links:\n"
                       "  - {path: /z, file: z.h5, object: /d}\n"
                       "  - file: a.h5\n"
                       "    object: /d\n"
                       "    path: /a\n");
    CHECK(t, text && carve_manifest_parse(text, strlen(text), WHAT, &back) >= 0);
    CHECK_NO_ERROR(t);
    free(text);
    if (CHECK(t, back.nelinks == 2)) {
        CHECK(t, unit_str_eq(back.elinks[0].path, "/a") && unit_str_eq(back.elinks[0].file, "a.h5"));
        CHECK(t, unit_str_eq(back.elinks[1].path, "/z") && unit_str_eq(back.elinks[1].object, "/d"));
        CHECK(t, carve_manifest_add_external_link(&back, "/z", "z.h5", "/d") >= 0 && back.nelinks == 2);
        CHECK(t, carve_manifest_add_external_link(&back, "/m", "m.h5", "/d") >= 0 && back.nelinks == 3 &&
                     unit_str_eq(back.elinks[1].path, "/m"));
    }
    carve_manifest_clear(&back);

    /* refused: duplicates by path (whatever the target), missing or unknown keys, wrong shapes */
    BAD_APPEND(
        t,
        "external_links:\n  - {path: /l, file: a.h5, object: /x}\n  - {path: /m, file: a.h5, object: /x}\n"
        "  - {path: /l, file: b.h5, object: /y}\n",
        CARVE_E_BADVALUE, WHAT " line 18, key external_links[2].path", "the same link path again",
        "as external_links[0] at line 16");
    BAD_APPEND(t, "external_links:\n  - {path: /l, file: a.h5}\n", CARVE_E_BADVALUE,
               WHAT " line 16, key external_links[0].object", "missing", "an external link entry needs it");
    BAD_APPEND(t, "external_links:\n  - {file: a.h5, object: /x}\n", CARVE_E_BADVALUE,
               "line 16, key external_links[0].path", "missing");
    BAD_APPEND(t, "external_links:\n  - {path: /l, file: a.h5, object: /x, flags: 0}\n", CARVE_E_BADKEY,
               "line 16, key external_links[0].flags", "unknown key in an external link entry",
               "accepted: path, file, object");
    BAD_APPEND(t, "external_links:\n  - {path: /l, file: ~, object: /x}\n", CARVE_E_BADVALUE,
               "line 16, key external_links[0].file", "expected a string", "no value (null)");
    BAD_APPEND(t, "external_links: {path: /l, file: a.h5, object: /x}\n", CARVE_E_BADVALUE,
               "line 15, key external_links", "expected a sequence of {path: ..., file: ..., object: ...}");
    BAD_APPEND(t, "external_links:\n  - /l\n", CARVE_E_BADVALUE, "line 16, key external_links[0]",
               "expected an external link entry");
    BAD_APPEND(t, "external_links: []\nexternal_links: []\n", CARVE_E_BADKEY, "line 16, key external_links",
               "given twice (first at line 15)");

    /* an entry without its target is not written (it would not read back) */
    carve_manifest_init(&m);
    set_text(&m.origin, "/o.h5");
    set_text(&m.container, "o.carve.h5");
    CHECK(t, carve_manifest_add_external_link(&m, "/l", "a.h5", "/x") >= 0);
    set_text(&m.elinks[0].object, NULL);
    text = NULL;
    CHECK(t, carve_manifest_emit(&m, &text, &len) < 0 && text == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write the manifest (key external_links[0])", "no object");
    carve_manifest_clear(&m);
}

/* ------------------------------------------------------------------------------------------------------ */

/* The quick counter update of a manifest file writes exactly what carve_manifest_emit would write for
 * the same manifest with those counters, and declines (0, file untouched) what it does not recognise. */
static void
test_file_add_replay(unit_t *t)
{
    carve_manifest_t              m, back;
    const carve_replay_counters_t run = {.reads           = 7,
                                         .hits            = 4,
                                         .misses          = 2,
                                         .partial         = 1,
                                         .bytes_container = 800,
                                         .bytes_origin    = 96,
                                         .origin_requests = 5};
    char                          path[512];
    char                         *expected = NULL, *before = NULL;
    size_t                        len = 0;

    build_rich(t, &m);
    carve_manifest_init(&back);
    m.has_replay = 0;
    snprintf(path, sizeof path, "%s/quick.carve.yaml", t->dir);
    CHECK(t, carve_manifest_write_file(path, &m) >= 0);
    for (uint64_t runs = 1; runs <= 2; runs++) {
        CHECK(t, carve_manifest_file_add_replay(path, m.generation, &run) == 1);
        CHECK_NO_ERROR(t);
        if (!CHECK(t, carve_manifest_read_file(path, &back) >= 0))
            break;
        /* what emit writes for the same manifest and counters, at the time the update wrote */
        m.has_replay  = 1;
        m.replay_runs = runs;
        memset(&m.replay, 0, sizeof m.replay);
        for (uint64_t i = 0; i < runs; i++)
            carve_replay_counters_add(&m.replay, &run);
        free(m.replay_last);
        m.replay_last = back.replay_last ? strdup(back.replay_last) : NULL;
        CHECK(t, carve_manifest_emit(&m, &expected, &len) >= 0 && file_holds(path, expected));
        free(expected);
        expected = NULL;
        carve_manifest_clear(&back);
    }
    /* another generation, or a replay section not as carve writes it: declined, the file as it was */
    CHECK(t, carve_manifest_emit(&m, &before, &len) >= 0);
    CHECK(t, carve_manifest_file_add_replay(path, m.generation + 1, &run) == 0 && file_holds(path, before));
    {
        FILE *f = fopen(path, "ab");

        CHECK(t, f && fputs("# a comment\n", f) >= 0 && fclose(f) == 0);
        CHECK(t, carve_manifest_file_add_replay(path, m.generation, &run) == 0);
    }
    snprintf(path, sizeof path, "%s/missing.carve.yaml", t->dir);
    CHECK(t, carve_manifest_file_add_replay(path, m.generation, &run) == 0);
    CHECK(t, count_temp_files(t->dir) == 0);
    CHECK_NO_ERROR(t);
    free(before);
    carve_manifest_clear(&m);
}

/* A manifest of one 2-D dataset (dims 100 x 200) whose selections are n records: points, and every
 * seventh a small block or a strided pattern. */
static void
build_scattered(unit_t *t, carve_manifest_t *m, size_t n)
{
    const hsize_t             dims[2] = {100, 200};
    unit_rng_t                r       = {0xD0C5u + n};
    carve_manifest_dataset_t *d;

    carve_manifest_init(m);
    set_text(&m->origin, "/scattered.h5");
    set_text(&m->container, "scattered.carve.h5");
    m->generation = 4;
    if (!CHECK(t, (d = carve_manifest_add_dataset(m, "/d", 2, dims, NULL)) != NULL))
        return;
    d->store = CARVE_STORE_ELEMENTS;
    while (d->selections.nrecords < n) {
        hsize_t start[2] = {unit_rng_below(&r, 90), unit_rng_below(&r, 190)}, one[2] = {1, 1};
        hsize_t count[2] = {2, 3}, stride[2] = {4, 3}, block[2] = {2, 2};
        size_t  kind = (size_t)unit_rng_below(&r, 7);

        if (carve_selection_add(&d->selections, start, kind == 1 ? stride : NULL, kind == 1 ? count : one,
                                kind == 0   ? block
                                : kind == 1 ? block
                                            : NULL) < 0)
            break;
    }
}

static int
rewrite_output(void *data, unsigned char *buffer, size_t size)
{
    return carve_dynbuf_add(data, buffer, size) == CARVE_GROW_OK;
}

/* text parsed by libyaml and each of its events handed to libyaml's emitter, set as carve's emitter is
 * (width 120, indent 2, unicode): what libyaml itself writes for that document. NULL on failure. */
static char *
libyaml_rewritten(const char *text, size_t len)
{
    yaml_parser_t  parser;
    yaml_emitter_t emitter;
    yaml_event_t   event;
    carve_dynbuf_t out;
    char          *result = NULL;
    bool           ok = true, end = false;

    carve_dynbuf_init(&out, SIZE_MAX);
    yaml_parser_initialize(&parser);
    yaml_emitter_initialize(&emitter);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_emitter_set_output(&emitter, rewrite_output, &out);
    yaml_emitter_set_unicode(&emitter, 1);
    yaml_emitter_set_width(&emitter, 120);
    yaml_emitter_set_indent(&emitter, 2);
    while (ok && !end) {
        ok  = yaml_parser_parse(&parser, &event);
        end = ok && event.type == YAML_STREAM_END_EVENT;
        ok  = ok && yaml_emitter_emit(&emitter, &event); /* the emitter frees the event */
    }
    ok     = ok && yaml_emitter_flush(&emitter);
    result = ok ? carve_dynbuf_take(&out, NULL) : NULL;
    yaml_emitter_delete(&emitter);
    yaml_parser_delete(&parser);
    carve_dynbuf_free(&out);
    return result;
}

/* The packed selections' base64 goes into the text past libyaml (carve_manifest_emit.c: emit_long_plain):
 * the text is still byte for byte what libyaml writes for the same document, with one packed dataset and
 * with several (a long scalar past libyaml's output buffer, followed by more of the document). */
static void
test_packed_text_is_libyamls(unit_t *t)
{
    carve_manifest_t m;
    char            *text = NULL, *again = NULL;
    size_t           len = 0;

    build_scattered(t, &m, 500);
    CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0);
    CHECK(t, text && (again = libyaml_rewritten(text, len)) != NULL);
    CHECK(t, text && again && strcmp(text, again) == 0);
    carve_manifest_clear(&m);
    free(text);
    free(again);
    text = again = NULL;

    build_scattered(t, &m, 20000);
    if (CHECK(t, m.ndatasets == 1)) {
        const hsize_t             dims[3] = {7, 9, 11}, chunk[3] = {2, 3, 4};
        carve_manifest_dataset_t *d = carve_manifest_add_dataset(&m, "/second", 3, dims, chunk);
        hsize_t                   at[3], one[3] = {1, 1, 1};

        CHECK(t, d != NULL);
        for (hsize_t k = 0; d && k < 7 * 9 * 11; k += 3) {
            at[0] = k / 99, at[1] = k / 11 % 9, at[2] = k % 11;
            CHECK(t, carve_selection_add(&d->selections, at, NULL, one, NULL) >= 0);
        }
        CHECK(t, carve_manifest_add_attribute(&m, "/second", "units") >= 0);
    }
    CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0);
    CHECK(t, text && unit_contains(text, "  packed_selections: {records: 20000, data: A"));
    CHECK(t, text && unit_contains(text, "  packed_selections: {records: 231, data: A"));
    CHECK(t, text && (again = libyaml_rewritten(text, len)) != NULL);
    CHECK(t, text && again && strcmp(text, again) == 0);
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&m);
    free(text);
    free(again);
}

/* Format 2: selections of more than CARVE_MANIFEST_PACK_RECORDS records are written packed and read back
 * the same; fewer stay YAML in a format-1 document; a format-1 document with many YAML records (what carve
 * wrote before packing) reads as before and is written back packed; a replay update of a format-2 file;
 * malformed packed selections refused, naming the key. */
static void
test_packed_selections(unit_t *t)
{
    carve_manifest_t m, back, again;
    char            *text = NULL, *yaml = NULL;
    size_t           len = 0;
    char             path[512];

    carve_manifest_init(&back);
    carve_manifest_init(&again);
    build_scattered(t, &m, 500);
    CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0);
    CHECK(t, text && strncmp(text, "carve_manifest: 2\n", 18) == 0);
    CHECK(t, unit_contains(text, "  packed_selections: {records: 500, data: A"));
    CHECK(t, !unit_contains(text, "selections:\n"));
    CHECK(t, text && carve_manifest_parse(text, len, WHAT, &back) >= 0);
    CHECK(t, same_manifest(&m, &back) && back.format == CARVE_MANIFEST_FORMAT);
    CHECK_NO_ERROR(t);
    /* The same records written as YAML under format 1, as carve wrote them before packing. */
    {
        carve_dynbuf_t b;
        carve_dynbuf_init(&b, SIZE_MAX);
        const char              *at   = text ? strstr(text, "  packed_selections:") : NULL;
        const char              *tail = at ? strchr(at, '\n') : NULL;
        const carve_selection_t *sel  = &m.datasets[0].selections;
        int ok = at && tail && carve_dynbuf_add(&b, "carve_manifest: 1", 17) == CARVE_GROW_OK &&
                 carve_dynbuf_add(&b, text + 17, (size_t)(at - text) - 17) == CARVE_GROW_OK &&
                 carve_dynbuf_add(&b, "  selections:\n", 14) == CARVE_GROW_OK;

        for (size_t i = 0; ok && i < sel->nrecords; i++) {
            char           line[256];
            const hsize_t *rs = CARVE_RECORD_START(sel, i);
            int            w  = snprintf(line, sizeof line,
                                         "    - {start: [%llu, %llu], stride: [%llu, %llu], count: [%llu, %llu], "
                                                     "block: [%llu, %llu]}\n",
                                         (unsigned long long)rs[0], (unsigned long long)rs[1], (unsigned long long)rs[2],
                                         (unsigned long long)rs[3], (unsigned long long)rs[4], (unsigned long long)rs[5],
                                         (unsigned long long)rs[6], (unsigned long long)rs[7]);
            ok                = carve_dynbuf_add(&b, line, (size_t)w) == CARVE_GROW_OK;
        }
        ok   = ok && carve_dynbuf_add(&b, tail + 1, strlen(tail + 1)) == CARVE_GROW_OK;
        yaml = ok ? carve_dynbuf_take(&b, &len) : NULL;
        carve_dynbuf_free(&b);
    }
    CHECK(t, yaml && carve_manifest_parse(yaml, strlen(yaml), WHAT, &again) >= 0);
    CHECK(t, same_manifest(&m, &again));
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&again);
    /* 64 records: YAML, format 1. */
    carve_manifest_clear(&m);
    free(text);
    text = NULL;
    build_scattered(t, &m, CARVE_MANIFEST_PACK_RECORDS);
    CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0);
    CHECK(t, text && strncmp(text, "carve_manifest: 1\n", 18) == 0 && !unit_contains(text, "packed"));
    carve_manifest_clear(&m);
    free(text);
    text = NULL;
    /* A replay update of a format-2 file is made in place. */
    build_scattered(t, &m, 300);
    snprintf(path, sizeof path, "%s/packed.carve.yaml", t->dir);
    CHECK(t, carve_manifest_write_file(path, &m) >= 0);
    CHECK(t, carve_manifest_file_add_replay(path, m.generation, &(carve_replay_counters_t){.reads = 1}) == 1);
    carve_manifest_clear(&back);
    CHECK(t, carve_manifest_read_file(path, &back) >= 0 && back.has_replay && back.replay.reads == 1);
    m.has_replay    = 0;
    back.has_replay = 0;
    CHECK(t, same_manifest(&m, &back));
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&m);

    /* Refusals. The records of (9, 0) block 2 x 1 packed in a 20 x 20 extent: (9, 0) reaches past 10 x 20. */
    {
        const char *head =
            "carve_manifest: 2\ngeneration: 1\norigin:\n  location: /o.h5\n  stamp: {kind: local, "
            "size: 1, mtime: 1.5}\ncontainer: c\ndatasets:\n  - path: /d\n    store: elements\n";
        char              doc[1024];
        hsize_t           dims20[2] = {20, 20}, start[2] = {9, 0}, one[2] = {1, 1}, block[2] = {2, 1};
        carve_selection_t sel;
        carve_dynbuf_t    bytes;
        char             *b64 = NULL;

        carve_selection_init(&sel, 2, dims20);
        carve_dynbuf_init(&bytes, SIZE_MAX);
        CHECK(t, carve_selection_add(&sel, start, NULL, one, block) >= 0 &&
                     carve_selection_pack(&sel, &bytes) >= 0);
        b64 = carve_base64_encode(bytes.bytes, bytes.len);
        snprintf(doc, sizeof doc, "%s    dims: [10, 20]\n    packed_selections: {records: 1, data: %s}\n",
                 head, b64);
        BAD_TEXT(t, doc, CARVE_E_BADVALUE, "key datasets[0].packed_selections", "record 0",
                 "reaches past dims in dimension 0");
        snprintf(doc, sizeof doc, "%s    dims: [20, 20]\n    packed_selections: {records: 2, data: %s}\n",
                 head, b64);
        BAD_TEXT(t, doc, CARVE_E_BADVALUE, "packed_selections", "record 1 of 2", "fewer records than said");
        snprintf(doc, sizeof doc, "%s    dims: [20, 20]\n    packed_selections: {records: 1, data: '%s='}\n",
                 head, b64);
        BAD_TEXT(t, doc, CARVE_E_BADVALUE, "packed_selections.data", "not base64");
        snprintf(doc, sizeof doc, "%s    dims: [20, 20]\n    packed_selections: {records: 1}\n", head);
        BAD_TEXT(t, doc, CARVE_E_BADVALUE, "data", "missing");
        snprintf(doc, sizeof doc,
                 "%s    dims: [20, 20]\n    packed_selections: {records: 1, data: %s, more: 1}\n", head, b64);
        BAD_TEXT(t, doc, CARVE_E_BADKEY, "unknown key");
        snprintf(doc, sizeof doc, "%s    dims: []\n    packed_selections: {records: 1, data: %s}\n", head,
                 b64);
        BAD_TEXT(t, doc, CARVE_E_BADVALUE, "scalar dataset");
        snprintf(doc, sizeof doc,
                 "carve_manifest: 1%s    dims: [20, 20]\n    packed_selections: {records: 1, data: %s}\n",
                 head + 17, b64);
        BAD_TEXT(t, doc, CARVE_E_BADVALUE, "line 11", "packed_selections needs carve_manifest: 2",
                 "the document says 1");
        /* accepted: the record in its own extent, beside a YAML record */
        snprintf(
            doc, sizeof doc,
            "%s    dims: [20, 20]\n    selections:\n      - {start: [0, 0], stride: [1, 1], count: [1, 1], "
            "block: [1, 1]}\n    packed_selections: {records: 1, data: %s}\n",
            head, b64);
        CHECK(t, carve_manifest_parse(doc, strlen(doc), WHAT, &back) >= 0 && back.ndatasets == 1 &&
                     back.datasets[0].selections.nrecords == 2 &&
                     CARVE_RECORD_START(&back.datasets[0].selections, 1)[0] == 9 &&
                     CARVE_RECORD_BLOCK(&back.datasets[0].selections, 1)[0] == 2);
        CHECK_NO_ERROR(t);
        free(b64);
        carve_dynbuf_free(&bytes);
        carve_selection_clear(&sel);
    }
    carve_manifest_clear(&back);
    free(yaml);
    free(text);
}

/* Finding datasets by path: entries added in and out of order (more than the unsorted tail allows, so
 * the list gets sorted in between), found by path every time; a parsed manifest is in path order. */
static void
test_find_datasets(unit_t *t)
{
    carve_manifest_t m, back;
    hsize_t          dims[1] = {4};
    char             path[32], *text = NULL;
    size_t           len       = 0;
    bool             all_found = true, ordered = true;

    carve_manifest_init(&m);
    carve_manifest_init(&back);
    for (int i = 0; i < 300; i++) {
        carve_manifest_dataset_t *d;

        /* 0..99 in order, then 200 in a scattered order */
        snprintf(path, sizeof path, "/d%04d", i < 100 ? i : 100 + (i * 37) % 200);
        d         = carve_manifest_add_dataset(&m, path, 1, dims, NULL);
        all_found = all_found && d != NULL && strcmp(d->path, path) == 0;
        for (int j = 0; j <= i; j += 17) {
            snprintf(path, sizeof path, "/d%04d", j < 100 ? j : 100 + (j * 37) % 200);
            d         = carve_manifest_find_dataset(&m, path);
            all_found = all_found && d != NULL && strcmp(d->path, path) == 0;
        }
    }
    CHECK(t, all_found);
    CHECK(t, m.ndatasets == 300);
    CHECK(t,
          carve_manifest_find_dataset(&m, "/d0300") == NULL && carve_manifest_find_dataset(&m, "/") == NULL);
    CHECK(t, carve_manifest_add_dataset(&m, "/d0150", 1, dims, NULL) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "dataset /d0150 is in the manifest already");
    carve_manifest_sort_datasets(&m);
    CHECK(t, m.datasets_sorted == 300);
    for (size_t i = 1; i < m.ndatasets; i++)
        ordered = ordered && strcmp(m.datasets[i - 1].path, m.datasets[i].path) < 0;
    CHECK(t, ordered);
    m.format    = CARVE_MANIFEST_FORMAT;
    m.origin    = strdup("/abs/file.h5");
    m.container = strdup("file.carve.h5");
    if (CHECK(t, carve_manifest_emit(&m, &text, &len) >= 0) &&
        CHECK(t, carve_manifest_parse(text, len, "sorted.yaml", &back) >= 0)) {
        CHECK(t, back.ndatasets == 300 && back.datasets_sorted == 300);
        CHECK(t, carve_manifest_find_dataset(&back, "/d0299") == &back.datasets[299]);
    }
    CHECK_NO_ERROR(t);
    free(text);
    carve_manifest_clear(&m);
    carve_manifest_clear(&back);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, "manifest"))
        return UNIT_CANNOT_RUN;

    test_init_and_helpers(&t);
    test_round_trip(&t);
    test_parse_valid(&t);
    test_parse_malformed(&t);
    test_emit_refusals(&t);
    test_external_links(&t);
    test_replay_round_trip(&t);
    test_replay_malformed(&t);
    test_replay_counters_add(&t);
    test_files(&t);
    test_base64(&t);
    test_utc_now(&t);
    test_large(&t);
    test_find_datasets(&t);
    test_file_add_replay(&t);
    test_packed_selections(&t);
    test_packed_text_is_libyamls(&t);

    return unit_end(&t);
}
