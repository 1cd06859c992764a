/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve.h — what the parts of the h5carve command share: exit codes, messages, verbosity, and finding
 * and loading the manifests of carved containers (h5carve_manifests.c).
 *
 *   h5carve.c            main, the subcommand table, record and replay (running a program under carve)
 *   h5carve_manifests.c  a container, a manifest or a directory of them, loaded for the subcommands
 *   h5carve_inspect.c    inspect: a table, JSON or YAML of what containers hold
 *   h5carve_verify.c     verify: a container against its origin (stamp, stored bytes, checksums)
 *   h5carve_map.c        map: an SVG picture of a dataset's coverage
 *   h5carve_bundle.c     bundle: containers and manifests in one tar file; unpacking one for replay
 *   h5carve_merge.c      merge: containers of one origin carved separately, committed into one
 */
#ifndef H5CARVE_H
#define H5CARVE_H

#include <stddef.h>
#include <stdint.h>

#include "carve_manifest.h"

/* Exit codes (documented in --help and README). */
#define H5CARVE_OK         0 /* success */
#define H5CARVE_DIFFERENCE 1 /* a check found a difference */
#define H5CARVE_USAGE      2 /* a usage or environment error */

extern int h5carve_verbose; /* -v: 1, -v -v: 2 */

/* "h5carve: <message>\n" on stderr. */
void h5carve_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, only when -v was given. */
void h5carve_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The descriptions on HDF5's error stack (innermost first, joined by "; "), or a fallback; the caller
 * frees it. The stack is cleared. */
char *h5carve_hdf5_errors(void);

/* One manifest as a subcommand sees it. */
typedef struct h5carve_entry_t {
    char            *manifest_path;  /* the manifest file (<stem>.carve.yaml); may be NULL */
    char            *container_path; /* the container (<stem>.carve.h5); NULL when not found */
    carve_manifest_t m;              /* the container's embedded manifest with the file's replay section, or
                                      * the file's manifest when there is no container */
} h5carve_entry_t;

typedef struct h5carve_entries_t {
    size_t           n;
    h5carve_entry_t *list;
} h5carve_entries_t;

/* The manifest file beside a container: a trailing ".h5" replaced by ".yaml", else ".yaml" appended. */
char *h5carve_manifest_path_of(const char *container_path);
/* 1 if name ends with suffix. */
int h5carve_ends_with(const char *name, const char *suffix);

/* Loads what `path` names: a container, a manifest file, or a directory (every container in it, and
 * every manifest without its container, in name order). Returns 0, or -1 after printing why. */
int  h5carve_load(const char *path, h5carve_entries_t *out);
void h5carve_entries_free(h5carve_entries_t *e);

/* An access list reading path with the native connector: over ROS3 for a URL (signed with the AWS_*
 * credentials of the environment, as replay reads a URL origin). */
hid_t h5carve_native_fapl(const char *path);

/* Sums over a manifest's datasets. */
void h5carve_totals(const carve_manifest_t *m, uint64_t *bytes_read, uint64_t *bytes_stored);

int h5carve_inspect(int argc, char **argv);
int h5carve_verify(int argc, char **argv);
int h5carve_map(int argc, char **argv);
int h5carve_bundle(int argc, char **argv);
int h5carve_merge(int argc, char **argv);

/* Unpacks a bundle into its cache directory (reused when already unpacked and intact) and returns that
 * directory (the caller frees it), or NULL after saying why. */
char *h5carve_bundle_unpack(const char *bundle);

#endif /* H5CARVE_H */
