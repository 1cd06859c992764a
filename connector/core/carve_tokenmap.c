/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_tokenmap.c — owns the token-keyed hash map (open addressing, linear probing, power-of-two
 * capacity kept at most half full) and the hexadecimal spelling of object tokens.
 */
#include "carve_tokenmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_error.h"

#define TOKENMAP_MIN_CAPACITY 16

/* FNV-1a over the token's bytes, then a final avalanche: native tokens are file addresses whose low bits
 * vary little, so the mixing matters for a power-of-two table. */
static size_t
tokenmap_hash(const H5O_token_t *token)
{
    uint64_t hash = 1469598103934665603ull;

    for (size_t i = 0; i < sizeof token->__data; i++) {
        hash ^= token->__data[i];
        hash *= 1099511628211ull;
    }
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 33;
    return (size_t)hash;
}

static int
tokenmap_keys_equal(const H5O_token_t *a, const H5O_token_t *b)
{
    return memcmp(a->__data, b->__data, sizeof a->__data) == 0;
}

/* The slot holding token, or the empty slot where it would go. capacity must be non-zero. */
static size_t
tokenmap_find_slot(const carve_tokenmap_t *map, const H5O_token_t *token)
{
    size_t mask = map->capacity - 1;
    size_t slot = tokenmap_hash(token) & mask;

    while (map->used[slot] && !tokenmap_keys_equal(&map->keys[slot], token))
        slot = (slot + 1) & mask;
    return slot;
}

/* Rehashes every entry into a table of new_capacity slots (a power of two, more than twice n). */
static herr_t
tokenmap_grow(carve_tokenmap_t *map, size_t new_capacity)
{
    carve_tokenmap_t grown;
    herr_t           ret_value = 0;

    grown.n        = map->n;
    grown.capacity = new_capacity;
    grown.keys     = malloc(new_capacity * sizeof *grown.keys);
    grown.values   = malloc(new_capacity * sizeof *grown.values);
    grown.used     = calloc(new_capacity, sizeof *grown.used);
    if (!grown.keys || !grown.values || !grown.used) {
        free(grown.keys);
        free(grown.values);
        free(grown.used);
        CARVE_GOTO_ERROR(CARVE_E_TOKENMAP, CARVE_E_SYSTEM, -1,
                         "token map: out of memory growing to %zu slots", new_capacity);
    }
    for (size_t i = 0; i < map->capacity; i++)
        if (map->used[i]) {
            size_t slot        = tokenmap_find_slot(&grown, &map->keys[i]);
            grown.used[slot]   = 1;
            grown.keys[slot]   = map->keys[i];
            grown.values[slot] = map->values[i];
        }
    free(map->keys);
    free(map->values);
    free(map->used);
    *map = grown;

done:
    return ret_value;
}

void
carve_tokenmap_init(carve_tokenmap_t *map)
{
    memset(map, 0, sizeof *map);
}

void
carve_tokenmap_clear(carve_tokenmap_t *map, void (*free_value)(void *value))
{
    if (free_value)
        for (size_t i = 0; i < map->capacity; i++)
            if (map->used[i])
                free_value(map->values[i]);
    free(map->keys);
    free(map->values);
    free(map->used);
    carve_tokenmap_init(map);
}

void *
carve_tokenmap_get(const carve_tokenmap_t *map, const H5O_token_t *token)
{
    size_t slot;

    if (map->capacity == 0)
        return NULL;
    slot = tokenmap_find_slot(map, token);
    return map->used[slot] ? map->values[slot] : NULL;
}

herr_t
carve_tokenmap_put(carve_tokenmap_t *map, const H5O_token_t *token, void *value)
{
    size_t slot;
    herr_t ret_value = 0;

    /* Keep the table at most half full, so probe runs stay short. */
    if ((map->n + 1) * 2 > map->capacity) {
        size_t new_capacity = map->capacity ? map->capacity * 2 : TOKENMAP_MIN_CAPACITY;
        if (new_capacity < map->capacity)
            CARVE_GOTO_ERROR(CARVE_E_TOKENMAP, CARVE_E_SYSTEM, -1, "token map: too many entries (%zu)",
                             map->n);
        if (tokenmap_grow(map, new_capacity) < 0)
            CARVE_GOTO_DONE(-1);
    }
    slot = tokenmap_find_slot(map, token);
    if (!map->used[slot]) {
        map->used[slot] = 1;
        map->keys[slot] = *token;
        map->n++;
    }
    map->values[slot] = value;

done:
    return ret_value;
}

void
carve_token_to_hex(const H5O_token_t *token, char *buf)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < sizeof token->__data; i++) {
        buf[2 * i]     = digits[token->__data[i] >> 4];
        buf[2 * i + 1] = digits[token->__data[i] & 0x0f];
    }
    buf[2 * sizeof token->__data] = '\0';
}

/* The value of one hexadecimal digit (either case), or -1. */
static int
token_hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

herr_t
carve_token_from_hex(const char *hex, H5O_token_t *token)
{
    H5O_token_t parsed;
    herr_t      ret_value = 0;

    if (!hex)
        CARVE_GOTO_ERROR(CARVE_E_TOKENMAP, CARVE_E_BADVALUE, -1, "object token: no text given");
    if (strlen(hex) != 2 * sizeof parsed.__data)
        CARVE_GOTO_ERROR(CARVE_E_TOKENMAP, CARVE_E_BADVALUE, -1,
                         "object token \"%.64s\": expected %zu hexadecimal digits, found %zu characters", hex,
                         2 * sizeof parsed.__data, strlen(hex));
    for (size_t i = 0; i < sizeof parsed.__data; i++) {
        int high = token_hex_digit_value(hex[2 * i]);
        int low  = token_hex_digit_value(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            CARVE_GOTO_ERROR(CARVE_E_TOKENMAP, CARVE_E_BADVALUE, -1,
                             "object token \"%s\": character %zu is not a hexadecimal digit", hex,
                             high < 0 ? 2 * i + 1 : 2 * i + 2);
        parsed.__data[i] = (uint8_t)(high << 4 | low);
    }
    *token = parsed;

done:
    return ret_value;
}
