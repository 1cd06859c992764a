/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_integrity.h — checksums of what a container stores, so that replay never serves a damaged byte.
 *
 * At every commit carve measures each dataset it holds data of, as the container stores it: for a chunked
 * container dataset, every stored chunk's raw bytes (after the filters: compressed chunks as they are on
 * disk), by linear index in the container's chunk grid; for an unchunked one (a scalar), its elements read
 * with the file type. A chunk the manifest claims although the origin never wrote it (its fill value) is
 * listed with size 0. The table is embedded in the container (an anonymous dataset, like the manifest).
 * Replay checks each stored unit once per process before it serves a read from it; a mismatch, a unit the
 * manifest claims but the table does not list, or a size that differs is damage.
 *
 * The hash is a fast 64-bit non-cryptographic one: it detects damage (flipped bits, truncation, another
 * chunk's bytes), not deliberate forgery. Variable-length data lives in the container's global heap, which
 * the raw chunks only point into: heap bytes are not covered.
 *
 * The encoded table: "CARVE-INTEGRITY 1\n", then u64 count of datasets; per dataset a u32 path length,
 * the path, a u64 count of entries and the entries (u64 chunk index, u64 size, u64 hash), all little-endian,
 * datasets in path order and entries in chunk order. No VOL code.
 */
#ifndef CARVE_INTEGRITY_H
#define CARVE_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

/* The chunk index of the one entry of an unchunked dataset. */
#define CARVE_INTEGRITY_WHOLE UINT64_MAX

typedef struct carve_integrity_entry_t {
    uint64_t chunk; /* linear index in the container's chunk grid (row-major), or CARVE_INTEGRITY_WHOLE */
    uint64_t size;  /* bytes stored; 0: claimed but never written in the origin (the fill value) */
    uint64_t hash;  /* carve_integrity_hash of those bytes (0 for size 0) */
} carve_integrity_entry_t;

typedef struct carve_integrity_dataset_t {
    char                    *path;
    size_t                   n;
    carve_integrity_entry_t *entries; /* by chunk */
} carve_integrity_dataset_t;

typedef struct carve_integrity_t {
    size_t                     n;
    carve_integrity_dataset_t *datasets; /* by path */
    size_t                     capacity; /* allocated datasets (the list grows by doubling) */
} carve_integrity_t;

uint64_t carve_integrity_hash(const void *data, size_t len);

void carve_integrity_init(carve_integrity_t *t);
void carve_integrity_clear(carve_integrity_t *t);

/* Measures a dataset of an open container file (native, hid_t) into a new entry of t for `path`.
 * claimed: for a chunked dataset, chunk indices (sorted, in its chunk grid) the manifest claims: those the
 * container does not store get size-0 entries; may be NULL. */
herr_t carve_integrity_measure(carve_integrity_t *t, const char *path, hid_t dset, const uint64_t *claimed,
                               size_t nclaimed);
/* Adds a copy of another table's entry for one dataset (its measure still holds). */
herr_t carve_integrity_add_copy(carve_integrity_t *t, const carve_integrity_dataset_t *d);
/* Sorts the datasets by path (after measuring, before encoding or looking up). */
void carve_integrity_sort(carve_integrity_t *t);

herr_t carve_integrity_encode(const carve_integrity_t *t, unsigned char **buf, size_t *len);
/* Decodes into an initialised, empty t; what names the text in messages. */
herr_t carve_integrity_decode(const unsigned char *buf, size_t len, const char *what, carve_integrity_t *t);

/* The table of one dataset, or NULL. */
const carve_integrity_dataset_t *carve_integrity_find(const carve_integrity_t *t, const char *path);
/* The entry of one chunk, or NULL. */
const carve_integrity_entry_t *carve_integrity_find_chunk(const carve_integrity_dataset_t *d, uint64_t chunk);

#endif /* CARVE_INTEGRITY_H */
