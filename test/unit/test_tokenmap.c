/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_tokenmap.c — unit tests of carve_tokenmap (connector/core/carve_tokenmap.c): put/get through many
 * growths, replacement, iteration, clearing with a value destructor, and the hex spelling of tokens.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "carve_error.h"
#include "carve_tokenmap.h"
#include "unit_test.h"

static void
count_free(void *value)
{
    (*(unsigned *)value)++;
}

static void
test_put_get(unit_t *t)
{
    enum { COUNT = 20000 };
    carve_tokenmap_t map;
    static uintptr_t values[COUNT];
    bool             all_found = true, none_extra = true;
    size_t           iterated = 0;

    carve_tokenmap_init(&map);
    CHECK(t, map.n == 0 && map.capacity == 0);
    {
        H5O_token_t missing = unit_address_token(96);
        CHECK(t, carve_tokenmap_get(&map, &missing) == NULL); /* empty map: no table at all */
    }
    /* Addresses 8 bytes apart from a typical superblock end: clustered keys. */
    for (uintptr_t i = 0; i < COUNT; i++) {
        H5O_token_t token = unit_address_token(96 + 8 * (uint64_t)i);
        values[i]         = i + 1;
        if (carve_tokenmap_put(&map, &token, &values[i]) < 0)
            all_found = false;
    }
    CHECK(t, all_found);
    CHECK(t, map.n == COUNT);
    CHECK(t, map.capacity >= 2 * COUNT && (map.capacity & (map.capacity - 1)) == 0);
    for (uintptr_t i = 0; i < COUNT; i++) {
        H5O_token_t token = unit_address_token(96 + 8 * (uint64_t)i);
        uintptr_t  *value = carve_tokenmap_get(&map, &token);
        if (!value || *value != i + 1)
            all_found = false;
        token = unit_address_token(100 + 8 * (uint64_t)i); /* between keys: absent */
        if (carve_tokenmap_get(&map, &token))
            none_extra = false;
    }
    CHECK(t, all_found);
    CHECK(t, none_extra);

    /* Replacement keeps the count. */
    {
        H5O_token_t token       = unit_address_token(96 + 8 * 7);
        uintptr_t   replacement = 12345;
        CHECK(t, carve_tokenmap_put(&map, &token, &replacement) >= 0);
        CHECK(t, map.n == COUNT);
        CHECK(t, carve_tokenmap_get(&map, &token) == &replacement);
        CHECK(t, carve_tokenmap_put(&map, &token, &values[7]) >= 0);
    }

    /* Iteration as the header describes it sees every entry once. */
    for (size_t i = 0; i < map.capacity; i++)
        if (map.used[i]) {
            iterated++;
            if (carve_tokenmap_get(&map, &map.keys[i]) != map.values[i])
                all_found = false;
        }
    CHECK(t, iterated == COUNT);
    CHECK(t, all_found);

    carve_tokenmap_clear(&map, NULL);
    CHECK(t, map.n == 0 && map.capacity == 0 && map.keys == NULL);
}

static void
test_clear_frees_values(unit_t *t)
{
    carve_tokenmap_t map;
    unsigned         freed = 0;

    carve_tokenmap_init(&map);
    for (uint64_t i = 0; i < 100; i++) {
        H5O_token_t token = unit_address_token(1000 + i);
        CHECK(t, carve_tokenmap_put(&map, &token, &freed) >= 0);
    }
    carve_tokenmap_clear(&map, count_free);
    CHECK(t, freed == 100);
    carve_tokenmap_clear(&map, count_free); /* clearing an empty map is harmless */
    CHECK(t, freed == 100);
}

static void
test_hex(unit_t *t)
{
    H5O_token_t token, back;
    char        hex[33];

    for (int i = 0; i < 16; i++)
        token.__data[i] = (uint8_t)(0x10 * i + 15 - i);
    carve_token_to_hex(&token, hex);
    CHECK(t, strcmp(hex, "0f1e2d3c4b5a69788796a5b4c3d2e1f0") == 0);
    CHECK(t, carve_token_from_hex(hex, &back) >= 0);
    CHECK(t, memcmp(&token, &back, sizeof token) == 0);
    CHECK(t, carve_token_from_hex("0F1E2D3C4B5A69788796A5B4C3D2E1F0", &back) >= 0);
    CHECK(t, memcmp(&token, &back, sizeof token) == 0);

    /* Malformed: refused with a message, the output left alone. */
    memset(&back, 0xab, sizeof back);
    H5Eclear2(H5E_DEFAULT);
    CHECK(t, carve_token_from_hex("0f1e", &back) < 0);
    CHECK(t, H5Eget_num(H5E_DEFAULT) > 0);
    CHECK(t, carve_token_from_hex("0f1e2d3c4b5a69788796a5b4c3d2e1fg", &back) < 0);
    CHECK(t, carve_token_from_hex("0f1e2d3c4b5a69788796a5b4c3d2e1f00", &back) < 0);
    CHECK(t, carve_token_from_hex(NULL, &back) < 0);
    CHECK(t, back.__data[0] == 0xab && back.__data[15] == 0xab);
    H5Eclear2(H5E_DEFAULT);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    test_put_get(&t);
    test_clear_frees_values(&t);
    test_hex(&t);
    return unit_end(&t);
}
