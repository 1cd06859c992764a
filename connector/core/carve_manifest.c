/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_manifest.c — the manifest's model (format: carve_manifest.h): the in-memory manifest and its
 * add/find/merge helpers, the sum of replay counters, UTC times, and the manifest's files (read whole and
 * parsed, emitted and replaced atomically, the replay section rewritten in place).
 *
 * The YAML text is the emitter's (carve_manifest_emit.c) and the parser's (carve_manifest_parse.c), which
 * share the schema (carve_manifest_schema.h); base64 is carve_base64.c's.
 *
 * The lists grow by doubling (carve_dynbuf.h), their capacities kept in m->capacity: manifests of a
 * million points are built one entry at a time.
 */

#include "carve_manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_manifest_schema.h"

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

void
carve_manifest_dataset_clear(carve_manifest_dataset_t *d)
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
        carve_manifest_dataset_clear(&m->datasets[i]);
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

carve_manifest_dataset_t *
carve_manifest_add_dataset(carve_manifest_t *m, const char *path, int rank, const hsize_t *dims,
                           const hsize_t *chunk)
{
    carve_manifest_dataset_t  entry;
    carve_manifest_dataset_t *ret_value = NULL;

    memset(&entry, 0, sizeof entry);
    if (m == NULL || path == NULL || (rank > 0 && dims == NULL))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL,
                         "carve_manifest_add_dataset: NULL argument");
    if (rank < 0 || rank > H5S_MAX_RANK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL,
                         "cannot add dataset %s to the manifest: rank %d (expected 0..%d)", path, rank,
                         H5S_MAX_RANK);
    if (chunk != NULL && rank == 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL,
                         "cannot add dataset %s to the manifest: a scalar dataset has no chunk shape", path);
    if (carve_manifest_find_dataset(m, path) != NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL, "dataset %s is in the manifest already",
                         path);
    if ((entry.path = strdup(path)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, NULL,
                         "out of memory adding dataset %s to the manifest", path);
    entry.rank = rank;
    for (int d = 0; d < rank; d++)
        entry.dims[d] = dims[d];
    carve_selection_init(&entry.selections, rank, entry.dims);
    entry.store = CARVE_STORE_ELEMENTS;
    if (chunk != NULL) {
        if (carve_chunkset_init(&entry.chunks, rank, entry.dims, chunk) < 0)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL,
                             "cannot add dataset %s to the manifest: bad chunk shape", path);
        entry.chunked = 1;
        entry.store   = CARVE_STORE_CHUNKS;
        for (int d = 0; d < rank; d++)
            entry.chunk[d] = chunk[d];
    }
    if (CARVE_ARRAY_RESERVE(m->datasets, m->capacity.datasets, m->ndatasets + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, NULL,
                         "out of memory adding dataset %s to the manifest", path);
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
    carve_manifest_dataset_clear(&entry);
    return ret_value;
}

/* strdup of an optional string: NULL stays NULL. */
static bool
copy_optional(const char *text, char **copy)
{
    *copy = NULL;
    return text == NULL || (*copy = strdup(text)) != NULL;
}

herr_t
carve_manifest_add_attribute(carve_manifest_t *m, const char *object, const char *name)
{
    carve_manifest_attr_t entry     = {NULL, NULL};
    herr_t                ret_value = 0;

    if (m == NULL || object == NULL || name == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_add_attribute: NULL argument");
    for (size_t i = 0; i < m->nattributes; i++)
        if (strcmp(m->attributes[i].object, object) == 0 && strcmp(m->attributes[i].name, name) == 0)
            CARVE_GOTO_DONE(0);
    if ((entry.object = strdup(object)) == NULL || (entry.name = strdup(name)) == NULL ||
        CARVE_ARRAY_RESERVE(m->attributes, m->capacity.attributes, m->nattributes + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "out of memory adding attribute %s of %s to the manifest", name, object);
    m->attributes[m->nattributes++] = entry;
    entry.object = entry.name = NULL;

done:
    attribute_clear(&entry);
    return ret_value;
}

herr_t
carve_manifest_add_object(carve_manifest_t *m, const char *path)
{
    char  *copy      = NULL;
    herr_t ret_value = 0;

    if (m == NULL || path == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "carve_manifest_add_object: NULL argument");
    for (size_t i = 0; i < m->nobjects; i++)
        if (strcmp(m->objects[i], path) == 0)
            CARVE_GOTO_DONE(0);
    if ((copy = strdup(path)) == NULL ||
        CARVE_ARRAY_RESERVE(m->objects, m->capacity.objects, m->nobjects + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "out of memory adding object %s to the manifest", path);
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
sort_unique(void *items, size_t *n, size_t size, int (*compare)(const void *, const void *),
            void (*clear)(void *))
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
    herr_t ret_value = 0;

    if (m == NULL || (n > 0 && add == NULL))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_merge_attributes: NULL argument");
    if (n > 0) {
        if (n > SIZE_MAX - m->nattributes ||
            CARVE_ARRAY_RESERVE(m->attributes, m->capacity.attributes, m->nattributes + n) != CARVE_GROW_OK)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                             "out of memory adding %zu attributes to the manifest", n);
        for (size_t i = 0; i < n; i++) {
            carve_manifest_attr_t *e = &m->attributes[m->nattributes];

            if ((e->object = strdup(add[i].object)) == NULL || (e->name = strdup(add[i].name)) == NULL) {
                free(e->object);
                CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                                 "out of memory adding attributes to the manifest");
            }
            m->nattributes++;
        }
    }

done:
    /* Sorted and without duplicates, also after a failure part-way (what was added stays valid). */
    if (m)
        sort_unique(m->attributes, &m->nattributes, sizeof *m->attributes, compare_attribute_entries,
                    attribute_clear);
    return ret_value;
}

herr_t
carve_manifest_merge_objects(carve_manifest_t *m, const char *const *paths, size_t n)
{
    herr_t ret_value = 0;

    if (m == NULL || (n > 0 && paths == NULL))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_merge_objects: NULL argument");
    if (n > 0) {
        if (n > SIZE_MAX - m->nobjects ||
            CARVE_ARRAY_RESERVE(m->objects, m->capacity.objects, m->nobjects + n) != CARVE_GROW_OK)
            CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                             "out of memory adding %zu objects to the manifest", n);
        for (size_t i = 0; i < n; i++) {
            if ((m->objects[m->nobjects] = strdup(paths[i])) == NULL)
                CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                                 "out of memory adding objects to the manifest");
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
    carve_manifest_skip_t entry     = {NULL, NULL};
    herr_t                ret_value = 0;

    if (m == NULL || path == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "carve_manifest_add_skipped: NULL argument");
    for (size_t i = 0; i < m->nskipped; i++)
        if (strcmp(m->skipped[i].path, path) == 0 && same_optional(m->skipped[i].reason, reason))
            CARVE_GOTO_DONE(0);
    if ((entry.path = strdup(path)) == NULL || !copy_optional(reason, &entry.reason) ||
        CARVE_ARRAY_RESERVE(m->skipped, m->capacity.skipped, m->nskipped + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "out of memory adding skipped file %s to the manifest", path);
    m->skipped[m->nskipped++] = entry;
    entry.path = entry.reason = NULL;

done:
    free(entry.path);
    free(entry.reason);
    return ret_value;
}

int
carve_manifest_compare_elinks(const void *pa, const void *pb)
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
    carve_manifest_elink_t *listed;
    size_t                  at;
    herr_t                  ret_value = 0;

    if (m == NULL || path == NULL || file == NULL || object == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_add_external_link: NULL argument");
    at     = elink_position(m, path);
    listed = at < m->nelinks && strcmp(m->elinks[at].path, path) == 0 ? &m->elinks[at] : NULL;
    if (listed && strcmp(listed->file, file) == 0 && strcmp(listed->object, object) == 0)
        CARVE_GOTO_DONE(0);
    if ((!listed && (entry.path = strdup(path)) == NULL) || (entry.file = strdup(file)) == NULL ||
        (entry.object = strdup(object)) == NULL ||
        (!listed && CARVE_ARRAY_RESERVE(m->elinks, m->capacity.elinks, m->nelinks + 1) != CARVE_GROW_OK))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "out of memory adding external link %s to the manifest", path);
    if (listed) { /* another target at the same path: the entry takes the new one */
        free(listed->file);
        free(listed->object);
        listed->file   = entry.file;
        listed->object = entry.object;
    }
    else {
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
    carve_manifest_run_t entry     = {NULL, pid, NULL};
    herr_t               ret_value = 0;

    if (m == NULL || time == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "carve_manifest_add_run: NULL argument");
    for (size_t i = 0; i < m->nruns; i++)
        if (m->runs[i].pid == pid && strcmp(m->runs[i].time, time) == 0 &&
            same_optional(m->runs[i].program, program))
            CARVE_GOTO_DONE(0);
    if ((entry.time = strdup(time)) == NULL || !copy_optional(program, &entry.program) ||
        CARVE_ARRAY_RESERVE(m->runs, m->capacity.runs, m->nruns + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "out of memory adding a run of pid %" PRId64 " to the manifest", pid);
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

void
carve_utc_now(char *buf, size_t size)
{
    time_t    now = time(NULL);
    struct tm utc;

    if (buf == NULL || size == 0)
        return;
    if (now == (time_t)-1 || gmtime_r(&now, &utc) == NULL ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        buf[0] = '\0';
}

/* ------------------------------------------------------------------------------------------------------ */
/* Files                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

/* What a manifest file is, for carve_read_file's messages. */
static const carve_file_kind_t manifest_file = {"manifest", "CARVE_MANIFEST_MAX_BYTES", true};

herr_t
carve_manifest_read_file(const char *path, carve_manifest_t *m)
{
    char  *text      = NULL;
    size_t len       = 0;
    herr_t ret_value = 0;

    if (path == NULL || m == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "carve_manifest_read_file: NULL argument");
    if (carve_read_file(path, CARVE_MANIFEST_MAX_BYTES, CARVE_E_MANIFEST, &manifest_file, &text, &len) < 0 ||
        carve_manifest_parse(text, len, path, m) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(text);
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
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "out of memory syncing the directory of %s",
                         path);
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "wrote manifest %s but cannot open its directory %s: %s", path, dir,
                         strerror(errno));
    /* Some file systems cannot sync a directory; they say so with EINVAL. */
    if (fsync(fd) < 0 && errno != EINVAL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "wrote manifest %s but cannot sync its directory %s: %s", path, dir,
                         strerror(errno));

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
replace_file(const char *path, const char *head, size_t head_len, const char *tail, size_t tail_len,
             bool durable)
{
    char  *tmp = NULL;
    size_t tmp_size;
    int    fd         = -1;
    bool   tmp_exists = false;
    herr_t ret_value  = 0;

    tmp_size = strlen(path) + 32;
    if ((tmp = malloc(tmp_size)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "out of memory writing manifest %s", path);
    snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid());

    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "cannot write manifest %s: cannot create %s: %s", path, tmp, strerror(errno));
    tmp_exists = true;
    if (write_all(fd, head, head_len) < 0 || (tail_len && write_all(fd, tail, tail_len) < 0))
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot write manifest %s: writing %s: %s",
                         path, tmp, strerror(errno));
    if (durable && fsync(fd) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot write manifest %s: syncing %s: %s",
                         path, tmp, strerror(errno));
    if (close(fd) < 0) {
        fd = -1;
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot write manifest %s: closing %s: %s",
                         path, tmp, strerror(errno));
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1,
                         "cannot write manifest %s: renaming %s over it: %s", path, tmp, strerror(errno));
    tmp_exists = false;
    if (durable && sync_directory_of(path) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (fd >= 0)
        close(fd); /* after a failure: the file is removed below anyway */
    /* A temporary file left behind would sit beside the manifest for good: say so. */
    if (tmp_exists && unlink(tmp) < 0 && errno != ENOENT)
        CARVE_DONE_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "cannot remove the temporary file %s: %s", tmp,
                         strerror(errno));
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
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_write_file: no path or no manifest");
    if (carve_manifest_emit(m, &text, &len) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "cannot write manifest %s", path);
    ret_value = carve_manifest_write_text(path, text, len);

done:
    free(text);
    return ret_value;
}

herr_t
carve_manifest_write_text(const char *path, const char *text, size_t len)
{
    herr_t ret_value = 0;

    if (path == NULL || text == NULL || path[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1,
                         "carve_manifest_write_text: no path or no text");
    ret_value = replace_file(path, text, len, NULL, 0, true);

done:
    return ret_value;
}

int
carve_manifest_file_add_replay(const char *manifest_path, uint64_t generation,
                               const carve_replay_counters_t *run)
{
    char                   *text = NULL, *tail;
    char                    section[1024], last[64], now[32];
    size_t                  size        = 0;
    herr_t                  read_status = -1;
    int                     section_len, consumed = -1, ret_value = 0;
    carve_replay_counters_t sum;
    uint64_t                runs = 0, file_generation;

    /* A file that cannot be read is no failure here: the caller then rebuilds it the full way, which says
     * what is wrong with it. */
    CARVE_TRY_IGNORED(read_status = carve_read_file(manifest_path, CARVE_MANIFEST_MAX_BYTES, CARVE_E_MANIFEST,
                                                    &manifest_file, &text, &size));
    if (read_status < 0)
        goto done;
    /* Either format (carve_manifest.h): they differ in the datasets only. */
    if (strlen(text) != size ||
        (strncmp(text, "carve_manifest: 1\ngeneration: ", 30) != 0 &&
         strncmp(text, "carve_manifest: 2\ngeneration: ", 30) != 0) ||
        sscanf(text + 30, "%" SCNu64, &file_generation) != 1 || file_generation != generation)
        goto done;
    memset(&sum, 0, sizeof sum);
    if ((tail = strstr(text, "\nreplay:\n")) != NULL) {
        tail++;
        if (sscanf(tail, REPLAY_SECTION_SCAN "%n", &runs, last, &sum.reads, &sum.hits, &sum.misses,
                   &sum.partial, &sum.bytes_container, &sum.bytes_origin, &sum.origin_requests, &sum.damaged,
                   &consumed) != 10 ||
            consumed < 0 || tail[consumed] != '\0')
            goto done; /* not exactly carve's form (edited by hand?): the full way parses and checks it */
    }
    else
        tail = text + size;
    carve_replay_counters_add(&sum, run);
    if (runs < UINT64_MAX)
        runs++;
    carve_utc_now(now, sizeof now);
    section_len =
        snprintf(section, sizeof section, REPLAY_SECTION_FORMAT, runs, now, sum.reads, sum.hits, sum.misses,
                 sum.partial, sum.bytes_container, sum.bytes_origin, sum.origin_requests, sum.damaged);
    if (section_len < 0 || (size_t)section_len >= sizeof section)
        goto done;
    ret_value =
        replace_file(manifest_path, text, (size_t)(tail - text), section, (size_t)section_len, false) < 0 ? -1
                                                                                                          : 1;

done:
    free(text);
    return ret_value;
}
