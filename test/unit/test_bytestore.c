/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_bytestore.c — unit tests of carve_bytestore (connector/core/carve_bytestore.c) against a model: a
 * file whose byte at offset o is a function of o, and a bitmap of what was put. 20 000 random puts
 * (sequential runs, overlaps, gaps, touching neighbours) then gets of random ranges: a get succeeds exactly
 * when every byte of the range was put, and returns the file's bytes; the extents stay merged (no two
 * touch). A put past the limit is refused and changes nothing; references keep a store alive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_bytestore.h"
#include "unit_test.h"

#define FILE_SIZE 200000

static unsigned char
file_byte(uint64_t o)
{
    return (unsigned char)((o * 2654435761u) >> 13);
}

static void
fill(unsigned char *buf, uint64_t offset, size_t size)
{
    for (size_t i = 0; i < size; i++)
        buf[i] = file_byte(offset + i);
}

/* Extents of the model: maximal runs of put bytes. */
static size_t
model_extents(const unsigned char *held)
{
    size_t n = 0;

    for (size_t i = 0; i < FILE_SIZE; i++)
        if (held[i] && (i == 0 || !held[i - 1]))
            n++;
    return n;
}

static void
test_against_model(unit_t *t)
{
    carve_bytestore_t *s    = carve_bytestore_new(SIZE_MAX / 4);
    unsigned char     *held = calloc(FILE_SIZE, 1), *buf = malloc(4096), *want = malloc(4096);
    size_t             bytes = 0, wrong = 0, cursor = 0;

    if (!CHECK(t, s && held && buf && want))
        goto done;
    srand(7);
    for (int round = 0; round < 20000; round++) {
        uint64_t off  = (round % 3 == 0) ? cursor : (uint64_t)(rand() % (FILE_SIZE - 4096));
        size_t   size = 1 + (size_t)(rand() % (round % 5 == 0 ? 4000 : 64));

        if (off + size > FILE_SIZE)
            off = FILE_SIZE - size;
        fill(buf, off, size);
        if (carve_bytestore_put(s, off, size, buf) != 1)
            wrong++;
        for (size_t i = 0; i < size; i++)
            if (!held[off + i]) {
                held[off + i] = 1;
                bytes++;
            }
        cursor = off + size + (size_t)(rand() % 3); /* sequential: touching or a byte or two apart */
        if (cursor >= FILE_SIZE - 4096)
            cursor = 0;
        if (round % 97 == 0) {
            /* Gets of random ranges: held exactly when the model holds every byte. */
            for (int g = 0; g < 50; g++) {
                uint64_t go    = (uint64_t)(rand() % (FILE_SIZE - 4096));
                size_t   gsize = 1 + (size_t)(rand() % 300);
                int      all   = 1;

                for (size_t i = 0; i < gsize; i++)
                    all &= held[go + i];
                memset(buf, 0xee, gsize);
                fill(want, go, gsize);
                if (carve_bytestore_get(s, go, gsize, buf) != all || (all && memcmp(buf, want, gsize) != 0))
                    wrong++;
            }
        }
    }
    CHECK(t, wrong == 0);
    CHECK(t, carve_bytestore_bytes(s) == bytes);
    CHECK(t, carve_bytestore_extents(s) == model_extents(held));
    CHECK(t, carve_bytestore_get(s, 0, 0, buf) == 0 && carve_bytestore_get(NULL, 0, 1, buf) == 0);

done:
    carve_bytestore_unref(s);
    free(held);
    free(buf);
    free(want);
}

static void
test_limit_and_references(unit_t *t)
{
    carve_bytestore_t *s = carve_bytestore_new(100), *again;
    unsigned char      buf[200], out[200];

    if (!CHECK(t, s != NULL))
        return;
    fill(buf, 0, sizeof buf);
    CHECK(t, carve_bytestore_put(s, 0, 60, buf) == 1);
    CHECK(t, carve_bytestore_put(s, 100, 50, buf + 100) == 0); /* 110 bytes: past the limit */
    CHECK(t, carve_bytestore_bytes(s) == 60 && carve_bytestore_extents(s) == 1);
    CHECK(t, carve_bytestore_put(s, 30, 70, buf + 30) == 1); /* 40 new bytes: exactly the limit */
    CHECK(t, carve_bytestore_bytes(s) == 100 && carve_bytestore_extents(s) == 1);
    CHECK(t, carve_bytestore_get(s, 0, 100, out) == 1 && memcmp(out, buf, 100) == 0);
    CHECK(t, carve_bytestore_get(s, 0, 101, out) == 0);
    CHECK(t, carve_bytestore_put(s, 10, 20, buf + 10) == 1);        /* nothing new: allowed when full */
    CHECK(t, carve_bytestore_put(s, UINT64_MAX - 2, 10, buf) == 0); /* wraps: refused */
    again = carve_bytestore_ref(s);
    carve_bytestore_unref(s);
    CHECK(t, carve_bytestore_get(again, 50, 10, out) == 1 && memcmp(out, buf + 50, 10) == 0);
    carve_bytestore_unref(again);
    carve_bytestore_unref(NULL);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    test_against_model(&t);
    test_limit_and_references(&t);
    return unit_end(&t);
}
