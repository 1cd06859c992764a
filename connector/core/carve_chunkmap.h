/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_chunkmap.h — where a chunked dataset's chunks lie in its file, and which of them a selection
 * touches: what a replay reading misses from a URL origin fetches together before HDF5 reads the chunks
 * one by one (carve_origin_fetch coalesces neighbours and keeps several requests in flight).
 *
 * A map is filled once from one walk of the chunk index (the caller's: H5Dchunk_iter or the native
 * connector's CHUNK_ITER operation; one lookup per chunk walks the whole index in HDF5 1.14) and answers
 * in O(log chunks) per chunk touched.
 */
#ifndef CARVE_CHUNKMAP_H
#define CARVE_CHUNKMAP_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

typedef struct carve_chunkmap_t carve_chunkmap_t;

/* One chunk's place in the file. */
typedef struct carve_chunk_place_t {
    uint64_t addr; /* byte offset in the file */
    uint64_t size; /* bytes stored */
} carve_chunk_place_t;

/* An empty map of a dataset of rank dims (current extent) and chunk shape; NULL when out of memory or for
 * a shape carve cannot index (rank 0 or more than H5S_MAX_RANK, a zero chunk dimension). */
carve_chunkmap_t *carve_chunkmap_new(int rank, const hsize_t *dims, const hsize_t *chunk);
void              carve_chunkmap_free(carve_chunkmap_t *m);
/* Adds a chunk (offset: its first element's coordinates, as H5Dchunk_iter gives them). 0, or -1 when out
 * of memory or the offset is outside the extent (nothing pushed: a cache). Chunks may come in any order. */
int carve_chunkmap_add(carve_chunkmap_t *m, const hsize_t *offset, uint64_t addr, uint64_t size);
/* The places of the stored chunks that the selection of space touches, at most max of them, into out.
 * Returns how many, or (size_t)-1 when there are more than max or the selection cannot be read (the
 * caller then does without). */
size_t carve_chunkmap_touched(carve_chunkmap_t *m, hid_t space, carve_chunk_place_t *out, size_t max);

#endif /* CARVE_CHUNKMAP_H */
