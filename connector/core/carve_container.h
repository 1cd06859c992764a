/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_container.h — a carved container: committing one run's access log into it, and reading back
 * the manifest it embeds.
 *
 * A container <stem>.carve.h5 is an HDF5 file with a 512-byte user block. The user block starts with
 * carve's header ("CARVE-CONTAINER 1", the generation, the token of the bookkeeping dataset, and the token
 * of the replay manifest's); both datasets are anonymous (no link reaches them: no listing or iteration
 * ever shows them). The bookkeeping dataset holds the manifest text; the replay manifest is the same
 * document without the selections of datasets held as whole chunks (replay needs their chunk lists
 * only), written with it on every commit. Containers of carve 0.1 have no replay line: replay reads
 * their full manifest. Everything else in the file is the origin's skeleton and carved data, at the
 * origin's own paths. The manifest beside it (<stem>.carve.yaml) is a copy of the embedded one.
 *
 * A commit takes its data from the origin (a carving run) or, for h5carve merge, from other containers of
 * the same origin (carve_commit_t.sources: no origin needed). It happens under an exclusive lock on
 * <stem>.carve.lock: it checks the origin's stamp (a merge: its sources') against the container's, copies
 * the container (if any) to a temporary file, adds the skeleton and the data read, embeds the updated
 * manifest, then renames the temporary file over the container and writes the manifest file the same way. A process killed at any point leaves the old container (or none) and at
 * worst a stale manifest file, which the next commit rewrites from the embedded copy (the authority).
 *
 * The one exception to "the file is a copy of the embedded manifest" is its replay section: replaying
 * processes add their counters to the file only (carve_container_add_replay), under the same lock, so
 * the file's replay section is the authority for them and may be newer than the embedded one. A commit
 * takes the file's replay section (when the file parses and names the same origin) into the manifest it
 * embeds and writes, so that right after a commit both copies are equal again, replay section included.
 */
#ifndef CARVE_CONTAINER_H
#define CARVE_CONTAINER_H

#include <hdf5.h>

#include "carve_access.h"
#include "carve_bytestore.h"
#include "carve_integrity.h"
#include "carve_manifest.h"

/* Size of carve's user block at the start of a container. */
#define CARVE_CONTAINER_USERBLOCK 512

/* A container a merge takes data from (h5carve merge): its path and its manifest (the embedded one, with the
 * file's replay section). */
typedef struct carve_commit_source_t {
    const char             *path;
    const carve_manifest_t *manifest;
} carve_commit_source_t;

typedef struct carve_commit_t {
    const char     *location;     /* the origin's canonical location (carve_origin_location) */
    const char     *open_name;    /* the name to open the origin with (as the program did) */
    hid_t           origin_fapl;  /* access list selecting the connector below (native, ROS3 driver...) */
    const char     *dir;          /* where containers go; NULL: the default (carve_origin.h) */
    int             touched_only; /* 1: skeleton of the objects the program touched only */
    carve_access_t *access;       /* what the run did (its selections get merged) */
    size_t          nskipped;     /* files the same process wrote (listed, not carved) */
    const carve_manifest_skip_t *skipped;
    const char                  *program; /* the program's path, for the manifest's run list; may be NULL */
    size_t                       nruns;   /* runs listed before this one's (h5carve merge: the sources'); */
    const carve_manifest_run_t  *runs;    /* may be 0 / NULL */
    /* A URL origin: what the program's run read of it (carve_origin_vfd's tee) and the origin's stamp then;
     * NULL when nothing was kept. Used only when the stamp is still the origin's. */
    carve_bytestore_t   *seen;
    const carve_stamp_t *seen_stamp;
    /* The data source. nsources 0: the origin (a carving run). Otherwise a merge: the skeleton is the union of
     * the sources' (each walked whole: touched_only only names the result), the data what the sources claim,
     * each unit taken from the first source where it matches that source's checksums, else from the origin
     * when origin_available (then opened with open_name and origin_fapl), else not stored and counted in
     * *lost (may be NULL). The stamp is the sources' (`stamp`): the caller compares it with the origin's when
     * it can reach the origin. The sources' replay sections are added to the container's; access may be
     * empty (the sources' manifests say what was read). */
    size_t                       nsources;
    const carve_commit_source_t *sources;
    int                          origin_available;
    const carve_stamp_t         *stamp;
    uint64_t                    *lost;
} carve_commit_t;

/* Commits a run into its origin's container (created on first use). On failure the container and its
 * manifest are unchanged and the error stack says why (changed origin, unwritable directory, ...).
 * A run that read and touched nothing leaves an existing container as it is. */
herr_t carve_container_commit(const carve_commit_t *commit);

/* 1 if path is a container (carve's user block header), 0 if not (including a missing file), -1 on error. */
int carve_container_probe(const char *path);

/* Parses the manifest embedded in a container into an initialised, empty m. */
herr_t carve_container_read_manifest(const char *container_path, carve_manifest_t *m);
/* The same for replay: the container's lean copy, where datasets held as whole chunks have no selections
 * (their chunk lists say what is held) and the attribute and object lists are empty, or the whole
 * manifest for a container without one. */
herr_t carve_container_read_replay_manifest(const char *container_path, carve_manifest_t *m);

/* The checksum table a container embeds (carve_integrity.h), into an initialised, empty t; *found is 0
 * (and t stays empty) for a container carved before carve embedded one. */
herr_t carve_container_read_integrity(const char *container_path, carve_integrity_t *t, int *found);

/* Adds one replaying process's counters to the replay section of the manifest file beside a container
 * (<stem>.carve.yaml; the lock is <stem>.carve.lock, the same exclusive flock a commit takes): runs + 1,
 * last = now, counters summed. The container itself is never written.
 *
 * The file is taken as it is when it parses and its generation is the container's. When it is missing,
 * unreadable or of another generation (a commit killed before writing it), it is rebuilt from the
 * container's embedded manifest first, keeping the replay section of a file that parses (the newest one)
 * or else the embedded copy's (as of the last commit: runs counted in a lost file since then are lost).
 * The write is atomic (carve_manifest_write_file).
 *
 * The file's paths come from the container's: a trailing ".h5" replaced by ".yaml" and ".lock", else
 * ".yaml" and ".lock" appended (a container renamed to data.bin: data.bin.yaml, data.bin.lock). A path
 * that is not a container (no carve header, or no file) is refused, naming it, and nothing is created. */
herr_t carve_container_add_replay(const char *container_path, const carve_replay_counters_t *run);

#endif /* CARVE_CONTAINER_H */
