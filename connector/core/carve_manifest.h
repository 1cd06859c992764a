/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_manifest.h — the manifest of a carved container: where its origin is, the origin's stamp, and
 * per dataset what the programs read and what the container holds. One YAML document (libyaml), written
 * beside the container (<stem>.carve.yaml) for people and embedded, hidden, in the container itself; the
 * connector parses it back. No VOL code.
 *
 * In four files: the model and the manifest's files (carve_manifest.c), the emitter
 * (carve_manifest_emit.c), the parser (carve_manifest_parse.c), and the schema both follow
 * (carve_manifest_schema.h, private to the three).
 *
 * Document layout (format 2; format 1 is the same without packed_selections):
 *
 *   carve_manifest: 1                  # 2 when a dataset's selections are packed
 *   generation: 3                      # +1 on every commit; equals the container's embedded copy
 *   carve_version: 0.1.0
 *   hdf5_version: 1.14.5
 *   created: 2026-11-22T10:00:00Z
 *   updated: 2026-11-22T10:05:00Z
 *   origin:
 *     location: /abs/path/file.h5      # or an http(s) URL
 *     stamp: {kind: local, size: 123, mtime: 1732269600.123456789}
 *     # remote: {kind: remote, size: 123, etag: '"abc"', last_modified: 'Fri, 22 Nov 2026 10:00:00 GMT'}
 *   container: file-0123456789abcdef.carve.h5
 *   skeleton: full                     # or touched
 *   datasets:
 *     - path: /group/dataset
 *       origin_layout: chunked         # chunked | contiguous | compact | virtual | external
 *       store: chunks                  # chunks: whole chunks held | elements: exactly the selections
 *       dims: [1000, 200]
 *       chunk: [100, 20]               # chunk shape in the container (absent when not chunked)
 *       elements_read: 4000
 *       bytes_read: 32000
 *       bytes_stored: 16384
 *       chunks_stored: 4
 *       selections:                    # merged union of the file selections read
 *         - {start: [0, 0], stride: [1, 1], count: [1, 1], block: [20, 200]}
 *       packed_selections: {records: 221034, data: <base64>}   # in place of selections when they have
 *                                      # more than CARVE_MANIFEST_PACK_RECORDS records (format 2): the
 *                                      # records packed by carve_selection_codec.h; both keys may be given
 *                                      # (the union of their records, YAML's first)
 *       chunks: [[0, 0], [0, 1]]       # chunk grid coordinates held (store: chunks)
 *       origin_dcpl: <base64>          # H5Pencode2 of the origin's creation list, when the container
 *                                      # stores the dataset with another layout
 *   attributes:                        # attributes the programs read
 *     - {object: /group/dataset, name: units}
 *   objects:                           # objects opened, iterated or queried
 *     - /group
 *   external_links:                    # the origin's external links the container holds, in path
 *     - {path: /links/ext, file: other.h5, object: /data}   # order: where each leads, as it stores it
 *   skipped:                           # files the programs wrote, not carved
 *     - {path: /abs/out.h5, reason: opened for writing}
 *   runs:
 *     - {time: 2026-11-22T10:00:00Z, pid: 1234, program: /usr/bin/h5dump}
 *   replay:                            # what replaying processes did (absent until one ran)
 *     runs: 2                          # replaying processes that recorded their counters
 *     last: 2026-11-22T11:00:00Z       # when the latest one did (UTC)
 *     reads: 10                        # dataset reads served (a multi-dataset read counts per dataset)
 *     hits: 7                          # reads served entirely from the container
 *     misses: 2                        # reads served entirely from the origin
 *     partial: 1                       # reads split between both
 *     bytes_from_container: 4096       # elements x element size served from the container
 *     bytes_from_origin: 512           # ... and from the origin
 *     origin_requests: 5               # calls made to the origin: opens, reads, stamp checks
 *
 * Runs are the carving processes; replay counts the replaying ones. A replaying process adds its counters
 * to the manifest FILE only (carve_container_add_replay), never to the container, so the file's replay
 * section is the authority for them and may be newer than the embedded copy's; a commit carries the
 * file's section into both copies. Everything else in the file equals the embedded copy.
 */
#ifndef CARVE_MANIFEST_H
#define CARVE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "carve_base64.h" /* origin_dcpl's encoding; declared here before it had a file of its own */
#include "carve_coverage.h"
#include "carve_origin.h"

/* The newest format, which carve reads and the model holds. Format 2 adds packed_selections; a manifest
 * that packs no selections is written as format 1, which carve before packing reads too. */
#define CARVE_MANIFEST_FORMAT       2
#define CARVE_MANIFEST_FORMAT_PLAIN 1
/* A dataset's selections of more records than this are written packed (packed_selections, format 2):
 * base64 of carve_selection_codec's bytes, a few bytes a record where YAML takes about a hundred. Fewer
 * stay YAML records, for people to read. */
#define CARVE_MANIFEST_PACK_RECORDS 64
/* Largest manifest text carve parses. */
#define CARVE_MANIFEST_MAX_BYTES ((size_t)1024 * 1024 * 1024)

typedef enum carve_store_t {
    CARVE_STORE_CHUNKS = 0, /* whole chunks of the origin, copied raw: coverage = the chunks */
    CARVE_STORE_ELEMENTS    /* exactly the selected elements: coverage = the selections */
} carve_store_t;

typedef struct carve_manifest_dataset_t {
    char             *path;
    char             *origin_layout; /* "chunked", "contiguous", "compact", "virtual", "external" */
    carve_store_t     store;
    int               rank;
    hsize_t           dims[H5S_MAX_RANK];
    int               chunked;             /* the container stores the dataset chunked */
    hsize_t           chunk[H5S_MAX_RANK]; /* its chunk shape when chunked */
    uint64_t          elements_read;
    uint64_t          bytes_read;
    uint64_t          bytes_stored;
    uint64_t          chunks_stored;
    carve_selection_t selections;  /* rank/dims as above */
    carve_chunkset_t  chunks;      /* valid when store == CARVE_STORE_CHUNKS (rank >= 1) */
    char             *origin_dcpl; /* base64 text, may be NULL */
    char             *held;        /* NULL: what selections/chunks say; "all": every element (a
                                           * dataset of references, stored whole with the skeleton) */
} carve_manifest_dataset_t;

typedef struct carve_manifest_attr_t {
    char *object;
    char *name;
} carve_manifest_attr_t;

typedef struct carve_manifest_skip_t {
    char *path;
    char *reason;
} carve_manifest_skip_t;

/* An external link of the origin that the container holds (at the same path): which file and object it
 * leads to, exactly as the link stores them (H5Lunpack_elink_val), so that a reader of the manifest sees
 * which other files the container's links need. Replay does not use the list. */
typedef struct carve_manifest_elink_t {
    char *path;
    char *file;
    char *object;
} carve_manifest_elink_t;

typedef struct carve_manifest_run_t {
    char   *time;
    int64_t pid;
    char   *program; /* may be NULL */
} carve_manifest_run_t;

/* The counters of replaying processes (one process's, or the sum over many). */
typedef struct carve_replay_counters_t {
    uint64_t reads;           /* dataset reads served (each dataset of a multi-dataset read counts once) */
    uint64_t hits;            /* reads served entirely from the container */
    uint64_t misses;          /* reads served entirely from the origin */
    uint64_t partial;         /* reads split between both */
    uint64_t bytes_container; /* bytes (elements x dataset element size) served from the container */
    uint64_t bytes_origin;    /* bytes served from the origin */
    uint64_t origin_requests; /* calls carve made to the origin: opening it, its datasets, reads, stamp
                               * checks */
    uint64_t damaged;         /* reads the container held but could not serve: what they needed of it did not
                               * match its checksums, so the origin served them (or they failed) */
} carve_replay_counters_t;

typedef struct carve_manifest_t {
    unsigned                  format;
    uint64_t                  generation;
    char                     *carve_version;
    char                     *hdf5_version;
    char                     *created;
    char                     *updated;
    char                     *origin;
    carve_stamp_t             stamp;
    char                     *container;
    char                     *skeleton; /* "full" or "touched" */
    size_t                    ndatasets;
    carve_manifest_dataset_t *datasets;
    size_t                    datasets_sorted; /* datasets[0, datasets_sorted) are in path order */
    size_t                    nattributes;
    carve_manifest_attr_t    *attributes;
    size_t                    nobjects;
    char                    **objects;
    size_t                    nelinks;
    carve_manifest_elink_t   *elinks; /* in path order, one per path (manifests before the list: none) */
    size_t                    nskipped;
    carve_manifest_skip_t    *skipped;
    size_t                    nruns;
    carve_manifest_run_t     *runs;
    int                       has_replay;  /* 0: no replay section (the fields below are not written) */
    uint64_t                  replay_runs; /* replaying processes counted */
    char                     *replay_last; /* UTC time of the latest; required when has_replay */
    carve_replay_counters_t   replay;      /* their counters, summed */
    /* Allocated entries of each list above, which grow by doubling. Kept by the functions below; code that
     * shortens a list leaves them, code that replaced a list's array would have to set them. */
    struct {
        size_t datasets, attributes, objects, elinks, skipped, runs;
    } capacity;
} carve_manifest_t;

void carve_manifest_init(carve_manifest_t *m);
void carve_manifest_clear(carve_manifest_t *m);

/* Writes m as YAML text (NUL-terminated). Caller frees *text. */
herr_t carve_manifest_emit(const carve_manifest_t *m, char **text, size_t *len);
/* Parses YAML text into an initialised, empty m. `what` names the text in messages (a file path, "the
 * manifest embedded in X"). Unknown keys are refused; every error names the key and line. */
herr_t carve_manifest_parse(const char *text, size_t len, const char *what, carve_manifest_t *m);
/* Reads and parses a manifest file. */
herr_t carve_manifest_read_file(const char *path, carve_manifest_t *m);
/* Writes the manifest to path atomically: a temporary file beside it, fsync, rename, fsync of the
 * directory. The old file stays whole if anything fails. */
herr_t carve_manifest_write_file(const char *path, const carve_manifest_t *m);
/* The same for text carve_manifest_emit made already (a commit embeds the same text in the container). */
herr_t carve_manifest_write_text(const char *path, const char *text, size_t len);

/* The entry for a dataset path, or NULL: a binary search over the part of the list in path order (a
 * parsed manifest is in path order, as carve emits it), a scan over entries added since. */
carve_manifest_dataset_t *carve_manifest_find_dataset(const carve_manifest_t *m, const char *path);
/* Puts the datasets in path order (entries move: pointers into the list are stale afterwards). */
void carve_manifest_sort_datasets(carve_manifest_t *m);
/* Appends an entry with path, rank and dims (selections initialised empty; chunks initialised when
 * chunk is not NULL). Once more than a few entries are out of path order, the list is sorted (entries
 * move: pointers taken before are stale). Returns the new entry, or NULL on failure. */
carve_manifest_dataset_t *carve_manifest_add_dataset(carve_manifest_t *m, const char *path, int rank,
                                                     const hsize_t *dims, const hsize_t *chunk);
/* Adds an attribute / object / skipped file / run unless an equal entry is there already. */
herr_t carve_manifest_add_attribute(carve_manifest_t *m, const char *object, const char *name);
herr_t carve_manifest_add_object(carve_manifest_t *m, const char *path);
herr_t carve_manifest_add_skipped(carve_manifest_t *m, const char *path, const char *reason);
herr_t carve_manifest_add_run(carve_manifest_t *m, const char *time, int64_t pid, const char *program);
/* Adds an external link, keeping the list in path order with one entry per path: the same link again
 * changes nothing; another target at a listed path replaces the listed one (the latest sighting is what
 * the container holds). */
herr_t carve_manifest_add_external_link(carve_manifest_t *m, const char *path, const char *file,
                                        const char *object);

/* Adds many attributes / objects at once, in O((old + new) log(old + new)): the list ends up sorted
 * (attributes by object, then name) without duplicates. Entries are copied. */
herr_t carve_manifest_merge_attributes(carve_manifest_t *m, const carve_manifest_attr_t *add, size_t n);
herr_t carve_manifest_merge_objects(carve_manifest_t *m, const char *const *paths, size_t n);

/* Adds each counter of `add` to `into` (saturating at UINT64_MAX). */
void carve_replay_counters_add(carve_replay_counters_t *into, const carve_replay_counters_t *add);

/* Adds one run's counters to the replay section of a manifest FILE of the given generation by
 * rewriting only its last lines (the replay section is the document's last key), so that a manifest
 * listing a million carved points is not parsed and emitted again for every replaying process. Returns 1
 * when done; 0 when the file is missing, of another generation or not exactly as carve_manifest_emit
 * writes it (the caller then rebuilds it the full way); -1 when it cannot be written. The file is
 * replaced atomically (temporary file, rename) but not fsynced: counters are informational, and the next
 * commit rewrites the file from its container. */
int carve_manifest_file_add_replay(const char *manifest_path, uint64_t generation,
                                   const carve_replay_counters_t *run);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void carve_utc_now(char *buf, size_t size);

#endif /* CARVE_MANIFEST_H */
