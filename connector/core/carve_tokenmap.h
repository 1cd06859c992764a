/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_tokenmap.h — a hash map from HDF5 object tokens (H5O_token_t) to caller values.
 *
 * Used to key what carve learns about objects by their identity in a file (a dataset reached through
 * two links is one object), independent of names. Open addressing; no VOL code.
 */
#ifndef CARVE_TOKENMAP_H
#define CARVE_TOKENMAP_H

#include <stddef.h>

#include <hdf5.h>

typedef struct carve_tokenmap_t {
    size_t         n;        /* entries */
    size_t         capacity; /* slots: 0 or a power of two */
    H5O_token_t   *keys;
    void         **values;
    unsigned char *used;
} carve_tokenmap_t;

void carve_tokenmap_init(carve_tokenmap_t *map);
/* Frees the map's own storage; free_value (may be NULL) is called on every value first. */
void carve_tokenmap_clear(carve_tokenmap_t *map, void (*free_value)(void *value));
/* The value stored for token, or NULL. */
void *carve_tokenmap_get(const carve_tokenmap_t *map, const H5O_token_t *token);
/* Stores value for token (replacing any earlier value, which is not freed). */
herr_t carve_tokenmap_put(carve_tokenmap_t *map, const H5O_token_t *token, void *value);
/* Iteration: for (size_t i = 0; i < map->capacity; i++) if (map->used[i]) use map->keys[i], map->values[i]. */

/* Token as 32 lowercase hex digits (buf of at least 33 bytes), and back. */
void   carve_token_to_hex(const H5O_token_t *token, char *buf);
herr_t carve_token_from_hex(const char *hex, H5O_token_t *token);

#endif /* CARVE_TOKENMAP_H */
