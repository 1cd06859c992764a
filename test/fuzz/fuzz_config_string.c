/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_config_string.c — fuzz target for carve's connector string: carve_config_parse_string and
 * carve_config_to_string (connector/core/carve_config.c), and through HDF5's public API the plugin's
 * info callbacks carve_info_from_str / carve_info_to_str (connector/vol/carve_info.c).
 *
 * The input is used as a C string (it stops at the first NUL); the NUL-separated pieces are then parsed
 * one after another into one config. Invariants, each a FUZZ_CHECK:
 *   - a refused string leaves a message on the error stack and the config untouched; an accepted one
 *     leaves no message, and only valid values with source "string" (fuzz_check_config_valid);
 *   - blanks and empty items around the string change nothing; the string twice is refused exactly when
 *     it sets a key (a key given twice is an error);
 *   - carve_config_to_string succeeds (unless the result would exceed CARVE_CONFIG_MAX_STRING), has the
 *     documented length, parses back to the same settings, and is a fixed point;
 *   - carve_config_copy is exact, carve_config_merge takes exactly the keys the source set, into a
 *     populated or an empty config, and self-merge changes nothing; clear restores the defaults; nothing
 *     carve_core allocated outlives the input (fuzz_end_input);
 *   - parsing into a populated config succeeds exactly when parsing into a fresh one does, and gives the
 *     merge of the two (or, on failure, the config as it was);
 *   - H5VLconnector_str_to_info with carve's ID refuses every string carve_config_parse_string refuses,
 *     and accepts or refuses the others as predicted where the connector below is known (none, native,
 *     carve itself); what it accepts, H5VLconnector_info_to_str writes as a string that parses, keeps the
 *     mode, the connector below and the other settings (dir, skeleton, origin, on_change, read_through,
 *     in_memory, log: unchanged), reads back to an info that compares equal, and is a fixed point; the
 *     info compares unequal to the defaults' exactly when the string sets a key.
 *
 * Not reached on purpose: a non-empty under_info for HDF5's own pass-through connector (under_vol=1 or
 * pass_through, at any depth). HDF5 1.14's H5VL_pass_through_str_to_info does not check its input (it
 * dereferences missing braces and writes one byte past a buffer), so fuzzing it would only find that.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <H5VLpassthru.h>

#include "carve_vol.h"
#include "fuzz_common.h"

/* Pieces of one input parsed in sequence into one config (after the first, the rest are rarely useful). */
#define MAX_SEGMENTS 8

/* carve's connector ID, registered once per process and kept, and the info of "" (all defaults). */
static hid_t carve_id     = H5I_INVALID_HID;
static void *default_info = NULL;

/* Counts printed at exit, to see how deep the inputs got. */
typedef struct stats_t {
    unsigned long inputs;
    unsigned long parsed;               /* accepted by carve_config_parse_string */
    unsigned long api_accepted;         /* accepted by H5VLconnector_str_to_info */
    unsigned long api_nested;           /* of those, with carve below carve */
    unsigned long skipped_pass_through; /* not given to the public API (see the header) */
} stats_t;
static stats_t stats;

typedef enum expectation_t {
    EXPECT_FAIL,            /* carve_info_from_str must refuse it */
    EXPECT_SUCCESS,         /* it must accept it */
    EXPECT_EITHER,          /* depends on a connector HDF5 may or may not find as a plugin */
    EXPECT_PASS_THROUGH_BUG /* carve would hand it to HDF5's pass-through parser, which registers whatever
                               connector value it names without checking: not run */
} expectation_t;

typedef enum connector_kind_t {
    CONNECTOR_NATIVE,
    CONNECTOR_PASS_THROUGH,
    CONNECTOR_CARVE,
    CONNECTOR_OTHER
} connector_kind_t;

static void
setup_connector(void)
{
    if (carve_id >= 0)
        return;
    carve_id = carve_vol_register();
    FUZZ_CHECK(carve_id >= 0, "cannot register carve with HDF5");
    FUZZ_CHECK(H5VLconnector_str_to_info("", carve_id, &default_info) >= 0 && default_info != NULL,
               "H5VLconnector_str_to_info refuses the empty string");
}

/* ------------------------------------------------------------------------------------------------------ */
/* Helpers                                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

static bool
all_digits(const char *text)
{
    if (*text == '\0')
        return false;
    for (; *text; text++)
        if (*text < '0' || *text > '9')
            return false;
    return true;
}

/* The class value an under_vol spec names, when it names a connector this process knows; -1 otherwise. */
static long
known_connector_value(const char *spec, connector_kind_t *kind)
{
    long value = -1;

    if (all_digits(spec))
        value = strtol(spec, NULL, 10); /* a valid spec is at most INT_MAX */
    else if (strcmp(spec, H5VL_NATIVE_NAME) == 0)
        value = H5_VOL_NATIVE;
    else if (strcmp(spec, H5VL_PASSTHRU_NAME) == 0)
        value = H5VL_PASSTHRU_VALUE;
    else if (strcmp(spec, CARVE_VOL_NAME) == 0)
        value = CARVE_VOL_VALUE;
    *kind = value == H5_VOL_NATIVE         ? CONNECTOR_NATIVE
            : value == H5VL_PASSTHRU_VALUE ? CONNECTOR_PASS_THROUGH
            : value == CARVE_VOL_VALUE     ? CONNECTOR_CARVE
                                           : CONNECTOR_OTHER;
    return *kind == CONNECTOR_OTHER && !all_digits(spec) ? -1 : value;
}

/* Copy of str with prefix and suffix around it. */
static char *
decorated(const char *prefix, const char *str, const char *suffix)
{
    size_t plen = strlen(prefix), slen = strlen(str), xlen = strlen(suffix);
    char  *out = malloc(plen + slen + xlen + 1);

    FUZZ_CHECK(out != NULL, "out of memory");
    memcpy(out, prefix, plen);
    memcpy(out + plen, str, slen);
    memcpy(out + plen + slen, suffix, xlen + 1);
    return out;
}

/* Parses str into a fresh config; checks the error-stack and untouched-on-failure contracts. */
static herr_t
parse_fresh(carve_config_t *cfg, const char *str, const char *what)
{
    carve_config_t fresh;
    char           why[256];
    herr_t         rc;

    carve_config_init(cfg);
    carve_config_init(&fresh);
    H5Eclear2(H5E_DEFAULT);
    rc = carve_config_parse_string(cfg, str);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_error_count() > 0, "%s: refused without a message on the error stack", what);
        FUZZ_CHECK(fuzz_config_equal(cfg, &fresh, true, why, sizeof why),
                   "%s: refused but changed the config: %s", what, why);
    }
    else {
        FUZZ_CHECK(fuzz_error_count() == 0, "%s: accepted but left %zd messages on the error stack", what,
                   fuzz_error_count());
        fuzz_check_config_valid(cfg, CARVE_SOURCE_STRING, what);
    }
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The config API                                                                                          */
/* ------------------------------------------------------------------------------------------------------ */

/* carve_config_to_string writes what carve_config_parse_string reads back to the same settings. */
static void
check_round_trip(const carve_config_t *cfg)
{
    size_t         expected = fuzz_expected_string_length(cfg);
    char          *text     = carve_config_to_string(cfg);
    char          *again    = NULL;
    carve_config_t back;
    char           why[256];

    if (expected > CARVE_CONFIG_MAX_STRING) {
        FUZZ_CHECK(text == NULL, "carve_config_to_string wrote %zu bytes, more than CARVE_CONFIG_MAX_STRING",
                   expected);
        FUZZ_CHECK(fuzz_error_count() > 0, "carve_config_to_string refused without a message");
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    FUZZ_CHECK(text != NULL, "carve_config_to_string failed for settings carve_config_parse_string accepted");
    FUZZ_CHECK(strlen(text) == expected, "carve_config_to_string wrote %zu bytes, expected %zu: '%s'",
               strlen(text), expected, text);
    FUZZ_CHECK(parse_fresh(&back, text, "carve_config_to_string's output") >= 0,
               "carve_config_to_string wrote '%s', which carve_config_parse_string refuses", text);
    FUZZ_CHECK(fuzz_config_equal(&back, cfg, true, why, sizeof why),
               "'%s' (from carve_config_to_string) reads back to other settings: %s", text, why);
    again = carve_config_to_string(&back);
    FUZZ_CHECK(again != NULL && strcmp(again, text) == 0,
               "carve_config_to_string is not a fixed point: '%s' then '%s'", text, again ? again : "(null)");
    free(again);
    free(text);
    carve_config_clear(&back);
}

static void
check_copy_merge_clear(const carve_config_t *cfg)
{
    carve_config_t copy, base, merged, empty, defaults;
    char           why[256];

    carve_config_init(&defaults);
    FUZZ_CHECK(carve_config_copy(&copy, cfg) >= 0, "carve_config_copy failed");
    FUZZ_CHECK(fuzz_config_equal(&copy, cfg, true, why, sizeof why), "carve_config_copy is not exact: %s",
               why);
    FUZZ_CHECK(carve_config_copy(&copy, &copy) < 0 && fuzz_error_count() > 0,
               "carve_config_copy onto itself is not refused with a message");
    H5Eclear2(H5E_DEFAULT);
    FUZZ_CHECK(fuzz_config_equal(&copy, cfg, true, why, sizeof why),
               "a refused self-copy changed the config: %s", why);
    FUZZ_CHECK(carve_config_merge(&copy, &copy) >= 0, "carve_config_merge of a config into itself failed");
    FUZZ_CHECK(fuzz_config_equal(&copy, cfg, true, why, sizeof why), "a self-merge changed the config: %s",
               why);

    fuzz_config_populated(&base, CARVE_SOURCE_ENV);
    FUZZ_CHECK(carve_config_copy(&merged, &base) >= 0, "carve_config_copy failed");
    FUZZ_CHECK(carve_config_merge(&merged, cfg) >= 0, "carve_config_merge into a populated config failed");
    fuzz_check_merged(&merged, &base, cfg, "merge into a populated config");

    carve_config_init(&empty);
    FUZZ_CHECK(carve_config_merge(&empty, cfg) >= 0, "carve_config_merge into an empty config failed");
    FUZZ_CHECK(fuzz_config_equal(&empty, cfg, true, why, sizeof why),
               "merge into an empty config is not a copy: %s", why);

    carve_config_clear(&copy);
    carve_config_clear(&base);
    carve_config_clear(&merged);
    carve_config_clear(&empty);
    FUZZ_CHECK(fuzz_config_equal(&merged, &defaults, true, why, sizeof why),
               "carve_config_clear does not restore the defaults: %s", why);
    carve_config_clear(&merged); /* clearing twice is harmless */
    FUZZ_CHECK(fuzz_config_equal(&merged, &defaults, true, why, sizeof why),
               "a second clear changed the config: %s", why);
}

/* Blanks and empty items around the string change nothing; the string twice repeats every key it sets. */
static void
check_equivalent_forms(const char *str, herr_t rc, const carve_config_t *cfg)
{
    carve_config_t other;
    char           why[256];
    char          *padded = decorated(";\t ;", str, " ; ");
    char          *twice  = decorated(str, ";", str);

    if (strlen(padded) <= CARVE_CONFIG_MAX_STRING) {
        herr_t rc_padded = parse_fresh(&other, padded, "the string with blanks and empty items around it");
        FUZZ_CHECK((rc < 0) == (rc_padded < 0),
                   "blanks and empty items around the string changed the outcome (%s)",
                   rc < 0 ? "now accepted" : "now refused");
        if (rc >= 0)
            FUZZ_CHECK(fuzz_config_equal(&other, cfg, true, why, sizeof why),
                       "blanks and empty items around the string changed the settings: %s", why);
        carve_config_clear(&other);
    }
    if (rc >= 0 && strlen(twice) <= CARVE_CONFIG_MAX_STRING) {
        herr_t rc_twice = parse_fresh(&other, twice, "the string twice");
        FUZZ_CHECK((rc_twice < 0) == (cfg->set_mask != 0),
                   "the string twice (\"s;s\") was %s although the string sets %s",
                   rc_twice < 0 ? "refused" : "accepted",
                   cfg->set_mask ? "keys (each given twice now)" : "no key");
        carve_config_clear(&other);
    }
    free(padded);
    free(twice);
}

/* The pieces of data between NULs, parsed in sequence into one populated config: each accepted piece
 * merges in exactly what it sets on its own; a refused one changes nothing. */
static void
check_segments(const char *text, size_t size)
{
    carve_config_t state;
    size_t         start = 0;
    char           why[256];

    fuzz_config_populated(&state, CARVE_SOURCE_ENV);
    for (int n = 0; n < MAX_SEGMENTS && start <= size; n++) {
        const char    *piece = text + start;
        carve_config_t before, fresh;
        herr_t         rc_fresh, rc;

        FUZZ_CHECK(carve_config_copy(&before, &state) >= 0, "carve_config_copy failed");
        rc_fresh = parse_fresh(&fresh, piece, "a NUL-separated piece");
        H5Eclear2(H5E_DEFAULT);
        rc = carve_config_parse_string(&state, piece);
        FUZZ_CHECK((rc < 0) == (rc_fresh < 0),
                   "piece %d is %s into a populated config but %s into a fresh one", n,
                   rc < 0 ? "refused" : "accepted", rc_fresh < 0 ? "refused" : "accepted");
        if (rc < 0)
            FUZZ_CHECK(fuzz_config_equal(&state, &before, true, why, sizeof why),
                       "a refused piece %d changed the populated config: %s", n, why);
        else
            fuzz_check_merged(&state, &before, &fresh, "parse into a populated config");
        H5Eclear2(H5E_DEFAULT);
        carve_config_clear(&before);
        carve_config_clear(&fresh);
        start += strlen(piece) + 1;
    }
    carve_config_clear(&state);
}

/* ------------------------------------------------------------------------------------------------------ */
/* The public API: H5VLconnector_str_to_info / H5VLconnector_info_to_str with carve's ID                   */
/* ------------------------------------------------------------------------------------------------------ */

/* The one under_info form carve hands to HDF5's pass-through parser (which crashes or overflows its heap
 * on anything else): "under_vol=<digits>;under_info={}". */
static bool
pass_through_info_is_safe(const char *text)
{
    size_t digits = 0;

    if (text == NULL || strncmp(text, "under_vol=", 10) != 0)
        return false;
    while (text[10 + digits] >= '0' && text[10 + digits] <= '9')
        digits++;
    return digits > 0 && strcmp(text + 10 + digits, ";under_info={}") == 0;
}

/* What carve_info_from_str must do with str (it registers the connector below and hands a given
 * under_info, even an empty one, to that connector's own parser). */
static expectation_t
predict_from_str(const char *str)
{
    carve_config_t   cfg;
    connector_kind_t kind;
    expectation_t    expect;

    carve_config_init(&cfg);
    if (carve_config_parse_string(&cfg, str) < 0)
        expect = EXPECT_FAIL;
    else if (!(cfg.set_mask & (1u << CARVE_KEY_UNDER_VOL)))
        expect = (cfg.set_mask & (1u << CARVE_KEY_UNDER_INFO)) ? EXPECT_FAIL : EXPECT_SUCCESS;
    else {
        bool has_info = cfg.under_info != NULL;
        known_connector_value(cfg.under_vol, &kind);
        switch (kind) {
            case CONNECTOR_NATIVE:
                expect = EXPECT_SUCCESS; /* native has no info parser: under_info is dropped */
                break;
            case CONNECTOR_CARVE:
                expect = has_info ? predict_from_str(cfg.under_info) : EXPECT_SUCCESS;
                break;
            case CONNECTOR_PASS_THROUGH:
                expect = pass_through_info_is_safe(cfg.under_info) ? EXPECT_PASS_THROUGH_BUG : EXPECT_FAIL;
                break;
            case CONNECTOR_OTHER:
            default:
                expect = EXPECT_EITHER;
                break;
        }
    }
    carve_config_clear(&cfg);
    return expect;
}

/* info_to_str(info) parses, keeps what `given` set (mode, the connector below, the other settings), reads
 * back to an equal info, and is a fixed point. */
static void
check_info_round_trip(void *info, const carve_config_t *given, size_t given_length)
{
    carve_config_t   back;
    connector_kind_t kind;
    char            *text  = NULL;
    char            *again = NULL;
    void            *info2 = NULL;
    int              cmp   = -1;

    H5Eclear2(H5E_DEFAULT);
    if (H5VLconnector_info_to_str(info, carve_id, &text) < 0) {
        /* Only a string near the limit can grow past it (the connector below's info is written braced). */
        FUZZ_CHECK(given_length + 256 > CARVE_CONFIG_MAX_STRING,
                   "H5VLconnector_info_to_str failed for the info of a %zu-byte string", given_length);
        return;
    }
    FUZZ_CHECK(text != NULL, "H5VLconnector_info_to_str gave no string for carve's info");
    FUZZ_CHECK(parse_fresh(&back, text, "carve_info_to_str's output") >= 0,
               "carve_info_to_str wrote '%s', which carve_config_parse_string refuses", text);
    FUZZ_CHECK((back.set_mask & (1u << CARVE_KEY_MODE)) == (given->set_mask & (1u << CARVE_KEY_MODE)) &&
                   back.mode == given->mode,
               "carve_info_to_str wrote '%s': mode %s, given %s", text,
               (back.set_mask & (1u << CARVE_KEY_MODE)) ? carve_mode_name(back.mode) : "unset",
               (given->set_mask & (1u << CARVE_KEY_MODE)) ? carve_mode_name(given->mode) : "unset");
    if (given->set_mask & (1u << CARVE_KEY_UNDER_VOL)) {
        long value      = known_connector_value(given->under_vol, &kind);
        bool info_given = (given->set_mask & (1u << CARVE_KEY_UNDER_INFO)) != 0;
        bool info_back  = (back.set_mask & (1u << CARVE_KEY_UNDER_INFO)) != 0;
        FUZZ_CHECK(back.set_mask & (1u << CARVE_KEY_UNDER_VOL),
                   "carve_info_to_str wrote '%s' without under_vol, given under_vol=%s", text,
                   given->under_vol);
        /* under_info is written exactly when the connector below made an info: native never does, carve
         * below carve does whenever it was given one (even an empty one). */
        if (kind == CONNECTOR_NATIVE)
            FUZZ_CHECK(!info_back, "carve_info_to_str wrote '%s': an under_info for native, which keeps none",
                       text);
        else if (kind == CONNECTOR_CARVE)
            FUZZ_CHECK(info_back == info_given, "carve_info_to_str wrote '%s': under_info %s, given %s", text,
                       info_back ? "written" : "missing", info_given ? "one" : "none");
        FUZZ_CHECK(all_digits(back.under_vol), "carve_info_to_str wrote under_vol '%s', not a class value",
                   back.under_vol);
        if (value >= 0)
            FUZZ_CHECK(strtol(back.under_vol, NULL, 10) == value,
                       "carve_info_to_str wrote under_vol=%s, given under_vol=%s (value %ld)", back.under_vol,
                       given->under_vol, value);
    }
    else
        FUZZ_CHECK(!(back.set_mask & ((1u << CARVE_KEY_UNDER_VOL) | (1u << CARVE_KEY_UNDER_INFO))),
                   "carve_info_to_str wrote '%s' with a connector below, none given", text);
    /* The other settings (dir, skeleton, origin, on_change, read_through, in_memory, log) are kept as text in
     * the info and written back unchanged. */
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++) {
        char why[256] = "";
        if (k == CARVE_KEY_MODE || k == CARVE_KEY_UNDER_VOL || k == CARVE_KEY_UNDER_INFO)
            continue;
        FUZZ_CHECK((back.set_mask & (1u << k)) == (given->set_mask & (1u << k)) &&
                       fuzz_key_equal(&back, given, (carve_key_t)k, why, sizeof why),
                   "carve_info_to_str wrote '%s': %s %s, given %s %s", text, carve_key_name((carve_key_t)k),
                   (back.set_mask & (1u << k)) ? "written" : "missing",
                   (given->set_mask & (1u << k)) ? "set" : "not set", why);
    }

    H5Eclear2(H5E_DEFAULT);
    FUZZ_CHECK(H5VLconnector_str_to_info(text, carve_id, &info2) >= 0 && info2 != NULL,
               "H5VLconnector_str_to_info refuses '%s', which carve_info_to_str wrote", text);
    FUZZ_CHECK(H5VLcmp_connector_info(&cmp, carve_id, info, info2) >= 0 && cmp == 0,
               "the info read back from '%s' does not compare equal (cmp %d)", text, cmp);
    /* ...and an info differs from the defaults' exactly when it sets anything: a mode, a connector below, or
     * a setting it keeps as text (under_info alone is refused). */
    FUZZ_CHECK(H5VLcmp_connector_info(&cmp, carve_id, info, default_info) >= 0 &&
                   (cmp != 0) == (given->set_mask != 0),
               "the info of '%s' compares %s to the info of \"\"", text, cmp ? "unequal" : "equal");
    FUZZ_CHECK(H5VLconnector_info_to_str(info2, carve_id, &again) >= 0 && again != NULL &&
                   strcmp(again, text) == 0,
               "carve_info_to_str is not a fixed point: '%s' then '%s'", text, again ? again : "(null)");
    FUZZ_CHECK(H5VLfree_connector_info(carve_id, info2) >= 0, "H5VLfree_connector_info failed");
    H5free_memory(again);
    H5free_memory(text);
    carve_config_clear(&back);
}

/* str through H5VLconnector_str_to_info; given: what carve_config_parse_string made of it (NULL: refused). */
static void
check_public_api(const char *str, const carve_config_t *given)
{
    expectation_t expect = given ? predict_from_str(str) : EXPECT_FAIL;
    void         *info   = NULL;
    herr_t        rc;

    H5Eclear2(H5E_DEFAULT);
    if (expect == EXPECT_PASS_THROUGH_BUG) {
        stats.skipped_pass_through++;
        return;
    }
    rc = H5VLconnector_str_to_info(str, carve_id, &info);
    if (expect == EXPECT_FAIL)
        FUZZ_CHECK(rc < 0, "H5VLconnector_str_to_info accepted a string carve refuses (%s)",
                   given ? "under_info without under_vol, or a bad under_info for carve below"
                         : "carve_config_parse_string refuses it");
    else if (expect == EXPECT_SUCCESS)
        FUZZ_CHECK(rc >= 0,
                   "H5VLconnector_str_to_info refused a string with a known connector below (or none)");
    if (rc < 0) {
        FUZZ_CHECK(fuzz_error_count() > 0, "H5VLconnector_str_to_info refused without a message");
        FUZZ_CHECK(info == NULL, "H5VLconnector_str_to_info failed but returned an info");
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    FUZZ_CHECK(info != NULL, "H5VLconnector_str_to_info succeeded without an info");
    stats.api_accepted++;
    fuzz_note_depth(3);
    if (given->under_vol) {
        connector_kind_t kind;
        known_connector_value(given->under_vol, &kind);
        stats.api_nested += kind == CONNECTOR_CARVE;
    }
    check_info_round_trip(info, given, strlen(str));
    FUZZ_CHECK(H5VLfree_connector_info(carve_id, info) >= 0, "H5VLfree_connector_info failed");
    H5Eclear2(H5E_DEFAULT);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Entry                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

static void
check_string(const char *str)
{
    carve_config_t cfg;
    herr_t         rc = parse_fresh(&cfg, str, "the input");

    stats.inputs++;
    if (rc >= 0) {
        stats.parsed++;
        fuzz_note_depth(cfg.set_mask ? 2 : 1);
        check_round_trip(&cfg);
        check_copy_merge_clear(&cfg);
    }
    check_equivalent_forms(str, rc, &cfg);
    check_public_api(str, rc >= 0 ? &cfg : NULL);
    carve_config_clear(&cfg);
}

static void
report_stats(void)
{
    fprintf(stderr,
            "fuzz_config_string: %lu inputs, %lu parsed, %lu accepted by H5VLconnector_str_to_info (%lu with "
            "carve "
            "below carve), %lu not given to it (non-empty under_info for HDF5's pass-through connector)\n",
            stats.inputs, stats.parsed, stats.api_accepted, stats.api_nested, stats.skipped_pass_through);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool first = true;
    char       *text;

    fuzz_setup();
    setup_connector();
    if (first) {
        first = false;
        atexit(report_stats);
    }
    fuzz_begin_input(data, size);
    text = fuzz_text_copy(data, size);
    check_string(text);
    check_segments(text, size);
    free(text);
    fuzz_end_input();
    return 0;
}
