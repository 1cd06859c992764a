/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_bytestore.h — byte ranges of a file held in memory: what a program's run already read from a URL
 * origin, so that the commit (and a replay's prefetch) need not ask the server for it again.
 *
 * A store is a sorted set of disjoint extents [offset, offset + size), each with its bytes; a range put
 * next to or over extents already held is merged with them (bytes already held are kept: both came from
 * the same file). A store holds at most `limit` bytes; a put past the limit is refused (returns 0), so
 * that memory stays bounded whatever the program reads. Stores are reference-counted because a file
 * driver's access list may hold one beyond the open that filled it. No HDF5 calls.
 */
#ifndef CARVE_BYTESTORE_H
#define CARVE_BYTESTORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct carve_bytestore_t carve_bytestore_t;

/* A new, empty store of at most limit bytes (one reference), or NULL when out of memory. */
carve_bytestore_t *carve_bytestore_new(size_t limit);
/* Another reference to s (s may be NULL). */
carve_bytestore_t *carve_bytestore_ref(carve_bytestore_t *s);
/* Drops a reference; the last one frees the store. NULL is allowed. */
void carve_bytestore_unref(carve_bytestore_t *s);

/* Holds size bytes of the file at offset. Returns 1 when they are held, 0 when the store is full or out of
 * memory (nothing changed: a store is only ever a cache). */
int carve_bytestore_put(carve_bytestore_t *s, uint64_t offset, size_t size, const void *bytes);
/* Copies size bytes at offset into buf when the store holds all of them; returns 1 then, 0 otherwise. */
int carve_bytestore_get(const carve_bytestore_t *s, uint64_t offset, size_t size, void *buf);
/* 1 when the store holds all size bytes at offset, 0 otherwise. */
int carve_bytestore_holds(const carve_bytestore_t *s, uint64_t offset, size_t size);
/* The first byte at or after offset that the store holds, or UINT64_MAX when none. */
uint64_t carve_bytestore_next_held(const carve_bytestore_t *s, uint64_t offset);
/* Forgets everything held (the limit stays). */
void carve_bytestore_clear(carve_bytestore_t *s);
/* The most the store may hold. */
size_t carve_bytestore_limit(const carve_bytestore_t *s);
/* Bytes held. */
size_t carve_bytestore_bytes(const carve_bytestore_t *s);
/* Extents held (after merging). */
size_t carve_bytestore_extents(const carve_bytestore_t *s);

#endif /* CARVE_BYTESTORE_H */
