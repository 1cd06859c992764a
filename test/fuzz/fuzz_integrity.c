/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_integrity.c — fuzz target for the checksum table a container embeds, carve_integrity_decode
 * (connector/core/carve_integrity.c): binary data replay reads from a container that may be damaged.
 *
 * Invariants, each a FUZZ_CHECK:
 *   - a refused table leaves a message on the error stack and the table empty; an accepted one no message;
 *   - an accepted table encodes to exactly the input bytes (the format has one encoding);
 *   - every entry of an accepted table is found by carve_integrity_find / _find_chunk;
 *   - nothing carve_core allocated outlives the input (fuzz_end_input).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_integrity.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    carve_integrity_t t;
    unsigned char    *copy, *out = NULL;
    size_t            len = 0;

    fuzz_setup();
    fuzz_begin_input(data, size);
    carve_integrity_init(&t);
    /* An exact-size heap copy: a read past the input's end is a sanitizer finding, not luck. */
    copy = malloc(size ? size : 1);
    FUZZ_CHECK(copy != NULL, "out of memory");
    memcpy(copy, data, size);
    if (carve_integrity_decode(copy, size, "the fuzzed table", &t) < 0) {
        FUZZ_CHECK(fuzz_error_count() > 0, "a refused table leaves no message");
        FUZZ_CHECK(t.n == 0 && t.datasets == NULL, "a refused table is left with %zu datasets", t.n);
        H5Eclear2(H5E_DEFAULT);
    }
    else {
        FUZZ_CHECK(fuzz_error_count() == 0, "an accepted table leaves %zd messages", fuzz_error_count());
        fuzz_note_depth(1 + (t.n > 0));
        FUZZ_CHECK(carve_integrity_encode(&t, &out, &len) >= 0, "an accepted table cannot be encoded");
        FUZZ_CHECK(len == size && memcmp(out, data, size) == 0,
                   "the table encodes to other bytes (%zu, not %zu)", len, size);
        for (size_t i = 0; i < t.n; i++) {
            const carve_integrity_dataset_t *d = carve_integrity_find(&t, t.datasets[i].path);

            FUZZ_CHECK(d == &t.datasets[i], "dataset %zu is not found by its path", i);
            for (size_t j = 0; j < d->n; j++)
                FUZZ_CHECK(carve_integrity_find_chunk(d, d->entries[j].chunk) == &d->entries[j],
                           "entry %zu of dataset %zu is not found by its chunk", j, i);
        }
    }
    free(out);
    free(copy);
    carve_integrity_clear(&t);
    fuzz_end_input();
    return 0;
}
