/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_lookup.h — which carved container stands for a file a program opens in replay mode, wherever
 * the container and its origin are now: beside the origin, in dir=, with the origin's directory gone, or
 * in a bundle copied to another machine and replayed from another working directory.
 *
 * The rule, first match wins (README, "Which files"):
 *  1. exact: the container named after the name's canonical location (carve_origin_location), in dir= or
 *     beside the origin; a name whose file or directory is gone is placed by its directory's canonical
 *     path, or else lexically (carve_origin_location_lenient);
 *  2. relocated: in that same container directory, a container whose manifest's origin has the name's
 *     file name and, when the named file exists, the file's stamp. Among several, the one whose origin
 *     shares the most trailing path segments with the name's location; a tie is an error naming them all.
 *     Not for URLs (a URL is the same everywhere, so rule 1 finds its container);
 *  3. direct: the name is a container itself.
 * Anchored (carve_lookup_anchor_begin: while replay follows an external link of a file whose container
 * was found relocated), rule 2 is narrower: a name under the anchor's current directory stands for the
 * same relative name under the directory the anchor was carved in, exactly. A target is then found
 * where the program's own search (HDF5_EXT_PREFIX, link prefixes, the parent's directory) would find it
 * relative to its parent, never merely by its file name.
 *
 * The container directory is listed once per process and listed again only when its mtime changes; the
 * origin and stamp of each candidate are read from its embedded manifest once per container version.
 * Process-wide state, touched only from HDF5's (serialised) VOL callbacks; carve_lookup_reset frees it.
 * No VOL code.
 */
#ifndef CARVE_LOOKUP_H
#define CARVE_LOOKUP_H

#include <hdf5.h>

typedef enum carve_lookup_how_t {
    CARVE_LOOKUP_NONE = 0,  /* no container: the file is read as it is */
    CARVE_LOOKUP_EXACT,     /* rule 1 */
    CARVE_LOOKUP_RELOCATED, /* rule 2: the manifest's origin is another location than the name's */
    CARVE_LOOKUP_DIRECT     /* rule 3 */
} carve_lookup_how_t;

typedef struct carve_lookup_t {
    carve_lookup_how_t how;
    char              *container; /* absolute path of the container; NULL for CARVE_LOOKUP_NONE */
    char              *location;  /* the name's location (canonical or lexical); NULL when carve cannot
                                   * place the name (a driver's pattern) or for CARVE_LOOKUP_DIRECT */
} carve_lookup_t;

/* Finds the container for `name` (as the program opened it) under the container setting `dir` (NULL:
 * beside the origin). Fills *out (cleared first); a name with no container is not an error. Fails only
 * when two or more containers stand for the name equally (the message names each and its origin) or on
 * a system error. */
herr_t carve_lookup_container(const char *name, const char *dir, carve_lookup_t *out);
void   carve_lookup_clear(carve_lookup_t *lookup);

/* Anchors lookups (see above) until carve_lookup_anchor_end: absolute, lexically normal directories. */
herr_t carve_lookup_anchor_begin(const char *from_dir, const char *to_dir);
void   carve_lookup_anchor_end(void);

/* Forgets every directory listing and candidate (at shutdown, and in tests). */
void carve_lookup_reset(void);

/* Directory listings made by this process so far (for tests and the benchmark: one per directory and
 * change, not one per open). */
unsigned long carve_lookup_listings(void);

#endif /* CARVE_LOOKUP_H */
