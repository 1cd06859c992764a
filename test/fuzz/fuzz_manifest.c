/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_manifest.c — fuzz target for carve's manifest parser, carve_manifest_parse (connector/core/
 * carve_manifest.c, on libyaml): the text of a .carve.yaml file, or of the manifest a container embeds,
 * which a damaged or hand-edited container hands to replay.
 *
 * Invariants, each a FUZZ_CHECK:
 *   - a refused text leaves a message on the error stack; an accepted one none;
 *   - an accepted manifest can be written again (carve_manifest_emit), the text written parses, and
 *     writing that again gives the same text (emit(parse(emit(m))) == emit(m));
 *   - nothing carve_core allocated outlives the input (fuzz_end_input).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_manifest.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    carve_manifest_t m, back;
    char            *text = NULL, *again = NULL;
    size_t           len = 0, len2 = 0;
    herr_t           rc;

    fuzz_setup();
    fuzz_begin_input(data, size);
    carve_manifest_init(&m);
    carve_manifest_init(&back);
    rc = carve_manifest_parse((const char *)data, size, "the fuzzed manifest", &m);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_error_count() > 0, "a refused manifest leaves no message");
        H5Eclear2(H5E_DEFAULT);
    }
    else {
        FUZZ_CHECK(fuzz_error_count() == 0, "an accepted manifest leaves %zd messages", fuzz_error_count());
        fuzz_note_depth(1 + (m.ndatasets > 0) + (m.has_replay != 0));
        FUZZ_CHECK(carve_manifest_emit(&m, &text, &len) >= 0, "an accepted manifest cannot be written again");
        FUZZ_CHECK(carve_manifest_parse(text, len, "the manifest written again", &back) >= 0,
                   "the manifest written again does not parse");
        FUZZ_CHECK(carve_manifest_emit(&back, &again, &len2) >= 0,
                   "the manifest read back cannot be written");
        FUZZ_CHECK(len == len2 && memcmp(text, again, len) == 0,
                   "writing, reading and writing again changes the text (%zu bytes, then %zu)", len, len2);
    }
    free(text);
    free(again);
    carve_manifest_clear(&m);
    carve_manifest_clear(&back);
    fuzz_end_input();
    return 0;
}
