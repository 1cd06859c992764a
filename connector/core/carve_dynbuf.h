/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_dynbuf.h — the one growable byte buffer, the one array-reserve helper and the one bounded
 * read-whole-file helper that every core module shares (modelled on libcurl's dynbuf.c).
 *
 * Why one of each: carve used to grow arrays and read files with loops written anew in each module, each
 * with its own overflow check (or none). These check every size computation once, here.
 *
 *   carve_dynbuf_t     bytes appended up to a hard maximum; NUL-terminated; on any failure the buffer is
 *                      freed (as libcurl's), so that a caller never goes on with half an output
 *   carve_array_reserve / CARVE_ARRAY_RESERVE
 *                      room for `need` items of an array that grows by doubling
 *   carve_read_file    a whole file into memory, refusing more than max_bytes, with messages that name
 *                      the file and what it is
 *
 * The growth helpers push no message (the caller knows what was being built and says so); they return a
 * carve_grow_t. carve_read_file pushes its own, under the major its caller passes.
 */
#ifndef CARVE_DYNBUF_H
#define CARVE_DYNBUF_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

/* What a growth helper did. */
typedef enum carve_grow_t {
    CARVE_GROW_OK        = 0,
    CARVE_GROW_NOMEM     = -1, /* the allocator refused */
    CARVE_GROW_TOO_LARGE = -2  /* past the buffer's maximum, or a size that does not fit size_t */
} carve_grow_t;

/* A growable byte buffer. Zeroed by carve_dynbuf_init; bytes is NULL until something is added. */
typedef struct carve_dynbuf_t {
    char  *bytes; /* len bytes and a NUL; NULL when empty */
    size_t len;   /* bytes held, the NUL not counted */
    size_t cap;   /* bytes allocated, the NUL's included */
    size_t max;   /* the most len may reach */
} carve_dynbuf_t;

void carve_dynbuf_init(carve_dynbuf_t *b, size_t max);
/* Frees the bytes; the buffer is empty again (and usable, with the same maximum). */
void carve_dynbuf_free(carve_dynbuf_t *b);
/* Appends len bytes. On failure the buffer is freed and emptied. */
carve_grow_t carve_dynbuf_add(carve_dynbuf_t *b, const void *data, size_t len);
/* Allocates room for `more` bytes past len now (fewer reallocations when the size is known beforehand).
 * Asking for more than the maximum allows is no failure: the room is capped at it. */
carve_grow_t carve_dynbuf_reserve(carve_dynbuf_t *b, size_t more);
/* Hands the bytes to the caller (NUL-terminated, "" when empty; *len their count when len is not NULL) and
 * empties the buffer. NULL only when allocating an empty string fails. Caller frees. */
char *carve_dynbuf_take(carve_dynbuf_t *b, size_t *len);

/* Makes room for `need` items of item_size bytes in the array *items (of *capacity items): nothing when
 * there is room, else a reallocation to at least twice the capacity (8 items at first). *items is any
 * object pointer, passed as its address (CARVE_ARRAY_RESERVE does that with the right item size); on
 * failure it and *capacity are left as they were. */
carve_grow_t carve_array_reserve(void *items, size_t *capacity, size_t need, size_t item_size);

#define CARVE_ARRAY_RESERVE(items, capacity, need)                                                           \
    carve_array_reserve(&(items), &(capacity), (need), sizeof *(items))

/* What a file read by carve_read_file is, for messages. */
typedef struct carve_file_kind_t {
    const char *noun;         /* "manifest": "cannot open manifest <path>: ..." */
    const char *limit_name;   /* what the maximum is called: "... larger than N bytes (<limit_name>)" */
    bool        regular_only; /* refuse what is not a regular file (else a pipe or a device is read too) */
} carve_file_kind_t;

/* Reads the file at path whole into *data (NUL-terminated, *len bytes without the NUL; caller frees),
 * refusing a file of more than max_bytes, also one that grows past them while it is read. Messages go
 * under major `maj` and name the path and kind->noun. */
herr_t carve_read_file(const char *path, size_t max_bytes, hid_t maj, const carve_file_kind_t *kind,
                       char **data, size_t *len);

#endif /* CARVE_DYNBUF_H */
