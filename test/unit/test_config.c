/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_config.c — unit tests of carve_config (connector/core/carve_config.c): the connector string, the
 * CARVE_* environment, the YAML file named by CARVE_CONFIG, their precedence, writing settings back, and the
 * typed values of the replay settings (carve_config_on_change, _read_through, _in_memory, _log).
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed. Expected failures are
 * also checked for the message they leave on the HDF5 error stack (carve's class, the right minor code, and
 * text naming the problem).
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "carve_config.h"
#include "carve_error.h"
#include "unit_test.h"

/* Every key set. */
#define ALL_KEYS ((1u << CARVE_KEY_COUNT) - 1u)
/* The list of keys in messages about an unknown key. */
#define ACCEPTED_KEYS                                                                                        \
    "mode, under_vol, under_info, dir, skeleton, origin, on_change, read_through, in_memory, log, timeout, " \
    "parallel"
/* The accepted forms of the text settings, as messages quote them. */
#define DIR_FORM          "a directory path (braces in it must balance)"
#define SKELETON_FORM     "full, touched"
#define ORIGIN_FORM       "a file path or an http(s) URL (braces in it must balance)"
#define ON_CHANGE_FORM    "error, hits, trust"
#define READ_THROUGH_FORM "no, yes"
#define IN_MEMORY_FORM                                                                                       \
    "no, yes, or a size in bytes with an optional K, M or G suffix (load when at most that)"
#define LOG_FORM      "off, summary, reads"
#define TIMEOUT_FORM  "whole seconds from 1 to 3600"
#define PARALLEL_FORM "a whole number of requests from 1 to 64"

/* The replay settings' bits (the five keys after skeleton). */
#define REPLAY_KEYS                                                                                          \
    ((1u << CARVE_KEY_ORIGIN) | (1u << CARVE_KEY_ON_CHANGE) | (1u << CARVE_KEY_READ_THROUGH) |               \
     (1u << CARVE_KEY_IN_MEMORY) | (1u << CARVE_KEY_LOG))

/* A config with every key set from the connector string, to see that failed reads leave it alone. */
static void
init_sentinel(carve_config_t *cfg)
{
    carve_config_init(cfg);
    carve_config_set(cfg, "mode", "replay", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "under_vol", "sentinel", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "under_info", "keep=me", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "dir", "/keep/dir", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "skeleton", "full", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "origin", "/keep/origin.h5", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "on_change", "hits", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "read_through", "yes", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "in_memory", "4096", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "log", "summary", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "timeout", "7", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "parallel", "3", CARVE_SOURCE_STRING, "test");
}

static bool
is_sentinel(const carve_config_t *cfg)
{
    return cfg->mode == CARVE_MODE_REPLAY && unit_str_eq(cfg->under_vol, "sentinel") &&
           unit_str_eq(cfg->under_info, "keep=me") && unit_str_eq(cfg->dir, "/keep/dir") &&
           unit_str_eq(cfg->skeleton, "full") && unit_str_eq(cfg->origin, "/keep/origin.h5") &&
           unit_str_eq(cfg->on_change, "hits") && unit_str_eq(cfg->read_through, "yes") &&
           unit_str_eq(cfg->in_memory, "4096") && unit_str_eq(cfg->log, "summary") &&
           unit_str_eq(cfg->timeout, "7") && unit_str_eq(cfg->parallel, "3") && cfg->set_mask == ALL_KEYS;
}

static bool
same_settings(const carve_config_t *a, const carve_config_t *b)
{
    return a->set_mask == b->set_mask && a->mode == b->mode && unit_str_eq(a->under_vol, b->under_vol) &&
           unit_str_eq(a->under_info, b->under_info) && unit_str_eq(a->dir, b->dir) &&
           unit_str_eq(a->skeleton, b->skeleton) && unit_str_eq(a->origin, b->origin) &&
           unit_str_eq(a->on_change, b->on_change) && unit_str_eq(a->read_through, b->read_through) &&
           unit_str_eq(a->in_memory, b->in_memory) && unit_str_eq(a->log, b->log) &&
           unit_str_eq(a->timeout, b->timeout) && unit_str_eq(a->parallel, b->parallel);
}

/* The value of key k as text (the mode by its name); NULL for a text key that holds none. */
static const char *
value_of(const carve_config_t *cfg, carve_key_t k)
{
    switch (k) {
        case CARVE_KEY_MODE:
            return carve_mode_name(cfg->mode);
        case CARVE_KEY_UNDER_VOL:
            return cfg->under_vol;
        case CARVE_KEY_UNDER_INFO:
            return cfg->under_info;
        case CARVE_KEY_DIR:
            return cfg->dir;
        case CARVE_KEY_SKELETON:
            return cfg->skeleton;
        case CARVE_KEY_ORIGIN:
            return cfg->origin;
        case CARVE_KEY_ON_CHANGE:
            return cfg->on_change;
        case CARVE_KEY_READ_THROUGH:
            return cfg->read_through;
        case CARVE_KEY_IN_MEMORY:
            return cfg->in_memory;
        case CARVE_KEY_LOG:
            return cfg->log;
        case CARVE_KEY_TIMEOUT:
            return cfg->timeout;
        case CARVE_KEY_PARALLEL:
            return cfg->parallel;
        case CARVE_KEY_COUNT:
            break;
    }
    return NULL;
}

/* cfg holds exactly these settings, the keys in mask set from `source` and the rest defaults (text NULL: not
 * set; the replay settings, origin to log, are checked unset). */
static void
check_settings_at(unit_t *t, const carve_config_t *cfg, carve_mode_t mode, const char *vol, const char *info,
                  const char *dir, const char *skeleton, unsigned mask, carve_source_t source,
                  const char *file, int line)
{
    unit_check_at(t, cfg->set_mask == mask, "set_mask as expected", file, line);
    unit_check_at(t, cfg->mode == mode, "mode as expected", file, line);
    unit_check_at(t, unit_str_eq(cfg->under_vol, vol), "under_vol as expected", file, line);
    unit_check_at(t, unit_str_eq(cfg->under_info, info), "under_info as expected", file, line);
    unit_check_at(t, unit_str_eq(cfg->dir, dir), "dir as expected", file, line);
    unit_check_at(t, unit_str_eq(cfg->skeleton, skeleton), "skeleton as expected", file, line);
    unit_check_at(t,
                  cfg->origin == NULL && cfg->on_change == NULL && cfg->read_through == NULL &&
                      cfg->in_memory == NULL && cfg->log == NULL,
                  "replay settings not set", file, line);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        unit_check_at(t, cfg->source[k] == ((mask & (1u << k)) ? source : CARVE_SOURCE_DEFAULT),
                      "source as expected", file, line);
}

/* Parses a string that must be accepted and checks the result. */
static void
good_string_at(unit_t *t, const char *file, int line, const char *str, carve_mode_t mode, const char *vol,
               const char *info, const char *dir, const char *skeleton, unsigned mask)
{
    carve_config_t cfg;
    herr_t         status;

    carve_config_init(&cfg);
    status = carve_config_parse_string(&cfg, str);
    unit_check_at(t, status >= 0, "string is accepted", file, line);
    unit_check_no_error_at(t, file, line);
    check_settings_at(t, &cfg, mode, vol, info, dir, skeleton, mask, CARVE_SOURCE_STRING, file, line);
    carve_config_clear(&cfg);
}

/* dir and skeleton not set */
#define GOOD_STRING(t, str, mode, vol, info, mask)                                                           \
    good_string_at((t), __FILE__, __LINE__, (str), (mode), (vol), (info), NULL, NULL, (mask))
#define GOOD_STRING_ALL(t, str, mode, vol, info, dir, skeleton, mask)                                        \
    good_string_at((t), __FILE__, __LINE__, (str), (mode), (vol), (info), (dir), (skeleton), (mask))

/* Parses a string that must be refused, leaving the config as it was; then checks the error message. */
#define BAD_STRING(t, str, minor, ...)                                                                       \
    do {                                                                                                     \
        carve_config_t bad_cfg_;                                                                             \
        init_sentinel(&bad_cfg_);                                                                            \
        H5Eclear2(H5E_DEFAULT);                                                                              \
        CHECK((t), carve_config_parse_string(&bad_cfg_, (str)) < 0);                                         \
        CHECK_ERROR((t), (minor), __VA_ARGS__);                                                              \
        CHECK((t), is_sentinel(&bad_cfg_));                                                                  \
        carve_config_clear(&bad_cfg_);                                                                       \
    } while (0)

/* A string of `len` copies of c (caller frees). */
static char *
repeat(char c, size_t len)
{
    char *s = malloc(len + 1);

    if (s) {
        memset(s, c, len);
        s[len] = '\0';
    }
    return s;
}

/* Writes a file in the test directory; path receives its name. */
static bool
write_file(const unit_t *t, const char *name, const char *content, size_t len, char *path, size_t path_size)
{
    snprintf(path, path_size, "%s/%s", t->dir, name);
    return unit_write_file(path, content, len);
}

static void
unset_carve_env(void)
{
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        unsetenv(carve_key_env((carve_key_t)k));
    unsetenv("CARVE_CONFIG");
}

/* ------------------------------------------------------------------------------------------------------ */
/* Tests                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

static void
test_names(unit_t *t)
{
    CHECK(t, carve_mode_parse("off") == CARVE_MODE_OFF);
    CHECK(t, carve_mode_parse("carve") == CARVE_MODE_CARVE);
    CHECK(t, carve_mode_parse("replay") == CARVE_MODE_REPLAY);
    CHECK(t, carve_mode_parse("Carve") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse("carve ") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse("default") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse("") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse(NULL) == CARVE_MODE_DEFAULT);

    CHECK(t, unit_str_eq(carve_mode_name(CARVE_MODE_DEFAULT), "default"));
    CHECK(t, unit_str_eq(carve_mode_name(CARVE_MODE_OFF), "off"));
    CHECK(t, unit_str_eq(carve_mode_name(CARVE_MODE_CARVE), "carve"));
    CHECK(t, unit_str_eq(carve_mode_name(CARVE_MODE_REPLAY), "replay"));
    CHECK(t, unit_str_eq(carve_mode_name((carve_mode_t)42), "unknown"));
    for (int m = CARVE_MODE_OFF; m <= CARVE_MODE_REPLAY; m++)
        CHECK(t, carve_mode_parse(carve_mode_name((carve_mode_t)m)) == (carve_mode_t)m);

    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_MODE), "mode"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_UNDER_VOL), "under_vol"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_UNDER_INFO), "under_info"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_DIR), "dir"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_SKELETON), "skeleton"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_ORIGIN), "origin"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_ON_CHANGE), "on_change"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_READ_THROUGH), "read_through"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_IN_MEMORY), "in_memory"));
    CHECK(t, unit_str_eq(carve_key_name(CARVE_KEY_LOG), "log"));
    CHECK(t, carve_key_name(CARVE_KEY_COUNT) == NULL);
    CHECK(t, carve_key_name((carve_key_t)-1) == NULL);
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_MODE), "CARVE_MODE"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_UNDER_VOL), "CARVE_UNDER_VOL"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_UNDER_INFO), "CARVE_UNDER_INFO"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_DIR), "CARVE_DIR"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_SKELETON), "CARVE_SKELETON"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_ORIGIN), "CARVE_ORIGIN"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_ON_CHANGE), "CARVE_ON_CHANGE"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_READ_THROUGH), "CARVE_READ_THROUGH"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_IN_MEMORY), "CARVE_IN_MEMORY"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_LOG), "CARVE_LOG"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_TIMEOUT), "CARVE_TIMEOUT"));
    CHECK(t, unit_str_eq(carve_key_env(CARVE_KEY_PARALLEL), "CARVE_PARALLEL"));
    CHECK(t, CARVE_KEY_COUNT == 12);
    CHECK(t, carve_key_env(CARVE_KEY_COUNT) == NULL);
    CHECK(t, carve_key_env((carve_key_t)-1) == NULL);

    /* every key: its variable is CARVE_ and its name in capitals; names are distinct */
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++) {
        const char *name = carve_key_name((carve_key_t)k), *env = carve_key_env((carve_key_t)k);
        char        upper[64] = "CARVE_";
        if (!CHECK(t, name != NULL && env != NULL && strlen(name) < sizeof upper - 7))
            continue;
        for (size_t i = 0; name[i]; i++)
            upper[6 + i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
        upper[6 + strlen(name)] = '\0';
        CHECK(t, unit_str_eq(env, upper));
        for (int j = 0; j < k; j++)
            CHECK(t, !unit_str_eq(name, carve_key_name((carve_key_t)j)));
    }
}

static void
test_init_clear(unit_t *t)
{
    carve_config_t cfg;

    carve_config_init(&cfg);
    CHECK(t, cfg.mode == CARVE_MODE_OFF);
    CHECK(t, cfg.under_vol == NULL);
    CHECK(t, cfg.under_info == NULL);
    CHECK(t, cfg.dir == NULL);
    CHECK(t, cfg.skeleton == NULL);
    CHECK(t, cfg.origin == NULL && cfg.on_change == NULL && cfg.read_through == NULL &&
                 cfg.in_memory == NULL && cfg.log == NULL);
    CHECK(t, cfg.set_mask == 0);
    /* the typed values of unset settings are the defaults */
    CHECK(t, carve_config_on_change(&cfg) == CARVE_ON_CHANGE_ERROR);
    CHECK(t, carve_config_read_through(&cfg) == 0);
    CHECK(t, carve_config_in_memory(&cfg) == 0);
    CHECK(t, carve_config_log(&cfg) == CARVE_LOG_OFF);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, cfg.source[k] == CARVE_SOURCE_DEFAULT);

    init_sentinel(&cfg);
    CHECK_NO_ERROR(t);
    CHECK(t, is_sentinel(&cfg));
    carve_config_clear(&cfg);
    CHECK(t,
          cfg.mode == CARVE_MODE_OFF && cfg.under_vol == NULL && cfg.under_info == NULL && cfg.set_mask == 0);
    CHECK(t, cfg.dir == NULL && cfg.skeleton == NULL);
    CHECK(t, cfg.origin == NULL && cfg.on_change == NULL && cfg.read_through == NULL &&
                 cfg.in_memory == NULL && cfg.log == NULL);
    CHECK(t, carve_config_on_change(&cfg) == CARVE_ON_CHANGE_ERROR && carve_config_read_through(&cfg) == 0 &&
                 carve_config_in_memory(&cfg) == 0 && carve_config_log(&cfg) == CARVE_LOG_OFF);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, cfg.source[k] == CARVE_SOURCE_DEFAULT);
    carve_config_clear(&cfg); /* twice is fine */
    carve_config_clear(NULL);
    CHECK(t, cfg.set_mask == 0);
}

static void
test_string_valid(unit_t *t)
{
    const unsigned M = 1u << CARVE_KEY_MODE, V = 1u << CARVE_KEY_UNDER_VOL, I = 1u << CARVE_KEY_UNDER_INFO;
    const unsigned D = 1u << CARVE_KEY_DIR, S = 1u << CARVE_KEY_SKELETON;
    char          *big, *value;

    /* nothing */
    GOOD_STRING(t, NULL, CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_STRING(t, "", CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_STRING(t, "   ", CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_STRING(t, ";", CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_STRING(t, " ;\t; ;; ", CARVE_MODE_OFF, NULL, NULL, 0);

    /* each mode, each key */
    GOOD_STRING(t, "mode=off", CARVE_MODE_OFF, NULL, NULL, M);
    GOOD_STRING(t, "mode=carve", CARVE_MODE_CARVE, NULL, NULL, M);
    GOOD_STRING(t, "mode=replay", CARVE_MODE_REPLAY, NULL, NULL, M);
    GOOD_STRING(t, "under_vol=native", CARVE_MODE_OFF, "native", NULL, V);
    GOOD_STRING(t, "under_vol=pass_through", CARVE_MODE_OFF, "pass_through", NULL, V);
    GOOD_STRING(t, "under_vol=0", CARVE_MODE_OFF, "0", NULL, V);
    GOOD_STRING(t, "under_vol=2147483647", CARVE_MODE_OFF, "2147483647", NULL, V);
    GOOD_STRING(t, "under_vol=my.conn-2_x", CARVE_MODE_OFF, "my.conn-2_x", NULL, V);
    GOOD_STRING(t, "under_info=abc", CARVE_MODE_OFF, NULL, "abc", I);
    GOOD_STRING(t, "under_info=", CARVE_MODE_OFF, NULL, "", I);
    GOOD_STRING(t, "under_info=  ;mode=carve", CARVE_MODE_CARVE, NULL, "", I | M);
    GOOD_STRING(t, "under_info={}", CARVE_MODE_OFF, NULL, "", I);
    GOOD_STRING(t, "under_info=some text with spaces", CARVE_MODE_OFF, NULL, "some text with spaces", I);
    GOOD_STRING(t, "under_info=caf\xc3\xa9", CARVE_MODE_OFF, NULL, "caf\xc3\xa9", I);

    /* whitespace around items and '=' */
    GOOD_STRING(t, " mode = carve ", CARVE_MODE_CARVE, NULL, NULL, M);
    GOOD_STRING(t, "\tmode\t=\tcarve\t;\t", CARVE_MODE_CARVE, NULL, NULL, M);
    GOOD_STRING(t, "mode=carve;", CARVE_MODE_CARVE, NULL, NULL, M);
    GOOD_STRING(t, ";;mode=carve;;under_vol=native;;", CARVE_MODE_CARVE, "native", NULL, M | V);
    GOOD_STRING(t, " mode=replay ; under_vol = 0 ; under_info = {x} ; ", CARVE_MODE_REPLAY, "0", "x",
                M | V | I);

    /* braces: stripped once, nested, ';' and '=' inside belong to the value, inner blanks kept */
    GOOD_STRING(t, "under_info={under_vol=0;under_info={}}", CARVE_MODE_OFF, NULL,
                "under_vol=0;under_info={}", I);
    GOOD_STRING(t, "under_vol=0;under_info={under_vol=0;under_info={a;b={c}}};mode=carve", CARVE_MODE_CARVE,
                "0", "under_vol=0;under_info={a;b={c}}", M | V | I);
    GOOD_STRING(t, "under_info={ a b }", CARVE_MODE_OFF, NULL, " a b ", I);
    GOOD_STRING(t, "under_info={{x}}", CARVE_MODE_OFF, NULL, "{x}", I);
    GOOD_STRING(t, "under_info = {x} ;mode=off", CARVE_MODE_OFF, NULL, "x", I | M);
    GOOD_STRING(t, "under_info=a{b;c}d", CARVE_MODE_OFF, NULL, "a{b;c}d", I);
    GOOD_STRING(t, "mode={carve}", CARVE_MODE_CARVE, NULL, NULL, M);

    /* dir: any non-empty path; plain up to ';' (outer blanks trimmed) or braced (kept as is, ';' allowed) */
    GOOD_STRING_ALL(t, "dir=/tmp/carve", CARVE_MODE_OFF, NULL, NULL, "/tmp/carve", NULL, D);
    GOOD_STRING_ALL(t, "dir=.", CARVE_MODE_OFF, NULL, NULL, ".", NULL, D);
    GOOD_STRING_ALL(t, "dir=relative/sub dir", CARVE_MODE_OFF, NULL, NULL, "relative/sub dir", NULL, D);
    GOOD_STRING_ALL(t, " dir = /tmp/x ; ", CARVE_MODE_OFF, NULL, NULL, "/tmp/x", NULL, D);
    GOOD_STRING_ALL(t, "dir={/tmp/a;b}", CARVE_MODE_OFF, NULL, NULL, "/tmp/a;b", NULL, D);
    GOOD_STRING_ALL(t, "dir={ /tmp/with spaces/ }", CARVE_MODE_OFF, NULL, NULL, " /tmp/with spaces/ ", NULL,
                    D);
    GOOD_STRING_ALL(t, "dir={\t/tab}", CARVE_MODE_OFF, NULL, NULL, "\t/tab", NULL, D);
    GOOD_STRING_ALL(t, "dir={{x}}", CARVE_MODE_OFF, NULL, NULL, "{x}", NULL, D);
    GOOD_STRING_ALL(t, "dir={/a/{b}/{c;d}}", CARVE_MODE_OFF, NULL, NULL, "/a/{b}/{c;d}", NULL, D);
    GOOD_STRING_ALL(t, "dir=/a{b;c}d", CARVE_MODE_OFF, NULL, NULL, "/a{b;c}d", NULL, D);
    GOOD_STRING_ALL(t, "dir={mode=carve;under_vol=0}", CARVE_MODE_OFF, NULL, NULL, "mode=carve;under_vol=0",
                    NULL, D);
    GOOD_STRING_ALL(t, "dir=/tmp/caf\xc3\xa9", CARVE_MODE_OFF, NULL, NULL, "/tmp/caf\xc3\xa9", NULL, D);
    GOOD_STRING_ALL(t, "dir=C:\\data\\out", CARVE_MODE_OFF, NULL, NULL, "C:\\data\\out", NULL, D);

    /* skeleton: full or touched */
    GOOD_STRING_ALL(t, "skeleton=full", CARVE_MODE_OFF, NULL, NULL, NULL, "full", S);
    GOOD_STRING_ALL(t, "skeleton=touched", CARVE_MODE_OFF, NULL, NULL, NULL, "touched", S);
    GOOD_STRING_ALL(t, "\tskeleton = touched ;", CARVE_MODE_OFF, NULL, NULL, NULL, "touched", S);
    GOOD_STRING_ALL(t, "skeleton={full}", CARVE_MODE_OFF, NULL, NULL, NULL, "full", S);

    /* every key at once, in any order; a braced value naming other keys stays one value */
    GOOD_STRING_ALL(t, "skeleton=touched;dir={/data/out;x};under_info=;under_vol=0;mode=carve",
                    CARVE_MODE_CARVE, "0", "", "/data/out;x", "touched", M | V | I | D | S);
    GOOD_STRING_ALL(t, "under_vol=0;under_info={dir={/x};skeleton=full};dir={under_info={y}}", CARVE_MODE_OFF,
                    "0", "dir={/x};skeleton=full", "under_info={y}", NULL, V | I | D);

    /* a string of exactly CARVE_CONFIG_MAX_STRING bytes is accepted */
    big   = malloc(CARVE_CONFIG_MAX_STRING + 1);
    value = repeat('x', CARVE_CONFIG_MAX_STRING - strlen("under_info={}"));
    if (CHECK(t, big != NULL && value != NULL)) {
        carve_config_t cfg;
        snprintf(big, CARVE_CONFIG_MAX_STRING + 1, "under_info={%s}", value);
        CHECK(t, strlen(big) == CARVE_CONFIG_MAX_STRING);
        carve_config_init(&cfg);
        CHECK(t, carve_config_parse_string(&cfg, big) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, unit_str_eq(cfg.under_info, value));
        carve_config_clear(&cfg);
    }
    free(big);
    free(value);

    /* a string adds to what the config holds, overriding the keys it gives */
    {
        carve_config_t cfg;
        init_sentinel(&cfg);
        cfg.source[CARVE_KEY_UNDER_VOL] = CARVE_SOURCE_ENV;
        CHECK(t, carve_config_parse_string(&cfg, "mode=carve") >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.mode == CARVE_MODE_CARVE && unit_str_eq(cfg.under_vol, "sentinel") &&
                     unit_str_eq(cfg.under_info, "keep=me") && cfg.set_mask == ALL_KEYS);
        CHECK(t, cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV);
        CHECK(t, cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING);
        cfg.source[CARVE_KEY_DIR] = CARVE_SOURCE_FILE;
        CHECK(t, carve_config_parse_string(&cfg, "dir={/new;dir};skeleton=touched") >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, unit_str_eq(cfg.dir, "/new;dir") && unit_str_eq(cfg.skeleton, "touched") &&
                     cfg.set_mask == ALL_KEYS);
        CHECK(t, cfg.source[CARVE_KEY_DIR] == CARVE_SOURCE_STRING &&
                     cfg.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_STRING);
        CHECK(t, cfg.mode == CARVE_MODE_CARVE && unit_str_eq(cfg.under_vol, "sentinel"));
        carve_config_clear(&cfg);
    }

    /* the longest dir value is accepted */
    big   = malloc(CARVE_CONFIG_MAX_STRING + 1);
    value = repeat('d', CARVE_CONFIG_MAX_STRING - strlen("dir={}"));
    if (CHECK(t, big != NULL && value != NULL)) {
        carve_config_t cfg;
        snprintf(big, CARVE_CONFIG_MAX_STRING + 1, "dir={%s}", value);
        carve_config_init(&cfg);
        CHECK(t, carve_config_parse_string(&cfg, big) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, unit_str_eq(cfg.dir, value) && cfg.set_mask == D);
        carve_config_clear(&cfg);
    }
    free(big);
    free(value);
}

static void
test_string_malformed(unit_t *t)
{
    char *big, *key;

    /* unknown and empty keys, missing '=' */
    BAD_STRING(t, "mdoe=carve", CARVE_E_BADKEY,
               "unknown key 'mdoe' in connector string (accepted: " ACCEPTED_KEYS ")");
    BAD_STRING(t, "mode=carve;colour=red", CARVE_E_BADKEY, "unknown key 'colour'", "connector string");
    BAD_STRING(t, "MODE=carve", CARVE_E_BADKEY, "unknown key 'MODE'");
    BAD_STRING(t, "mo de=carve", CARVE_E_BADKEY, "unknown key 'mo de'");
    BAD_STRING(t, "{mode=carve}", CARVE_E_BADKEY, "unknown key '{mode'");
    BAD_STRING(t, "=carve", CARVE_E_BADKEY, "empty key", "offset 0", "connector string");
    BAD_STRING(t, "mode=carve; =x", CARVE_E_BADKEY, "empty key", "offset 12");
    BAD_STRING(t, "mode", CARVE_E_BADVALUE, "item 'mode' in connector string has no '='");
    BAD_STRING(t, "mode=carve;under_vol ;", CARVE_E_BADVALUE, "item 'under_vol'", "no '='");
    BAD_STRING(t, "carve", CARVE_E_BADVALUE, "item 'carve'", "no '='", "expected key=value");

    /* duplicates */
    BAD_STRING(t, "mode=carve;mode=carve", CARVE_E_BADKEY, "key 'mode' is given twice in connector string");
    BAD_STRING(t, "under_info={a};under_vol=0;under_info=", CARVE_E_BADKEY,
               "key 'under_info' is given twice");

    /* bad values */
    BAD_STRING(t, "mode=carv", CARVE_E_BADVALUE,
               "bad value 'carv' for mode in connector string (accepted: off, carve, replay)");
    BAD_STRING(t, "mode=Carve", CARVE_E_BADVALUE, "bad value 'Carve' for mode");
    BAD_STRING(t, "mode=", CARVE_E_BADVALUE, "bad value '' for mode in connector string");
    BAD_STRING(t, "mode={ carve }", CARVE_E_BADVALUE, "bad value ' carve ' for mode");
    BAD_STRING(t, "under_vol=", CARVE_E_BADVALUE, "bad value '' for under_vol in connector string", "empty");
    BAD_STRING(t, "under_vol=my conn", CARVE_E_BADVALUE, "bad value 'my conn' for under_vol", "accepted:");
    BAD_STRING(t, "under_vol=a/b", CARVE_E_BADVALUE, "bad value 'a/b' for under_vol");
    BAD_STRING(t, "under_vol=2147483648", CARVE_E_BADVALUE, "bad value '2147483648' for under_vol",
               "out of range");
    BAD_STRING(t, "under_vol=99999999999999999999999", CARVE_E_BADVALUE, "for under_vol", "out of range");
    BAD_STRING(t, "mode=carve;under_vol={a;b}", CARVE_E_BADVALUE, "bad value 'a;b' for under_vol");

    /* braces */
    BAD_STRING(t, "under_info={abc", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'",
               "connector string", "offset 11", "never closed");
    BAD_STRING(t, "under_info={a{b}", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'", "never closed");
    BAD_STRING(t, "under_info={a}}", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'",
               "'}' at offset 14");
    BAD_STRING(t, "under_info={a} };mode=off", CARVE_E_BADVALUE, "unbalanced braces", "'}' at offset 15");
    BAD_STRING(t, "under_info=a}", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'", "no matching '{'");
    BAD_STRING(t, "mode=carve}", CARVE_E_BADVALUE, "unbalanced braces in the value of 'mode'");
    BAD_STRING(t, "under_info=a{b;mode=carve", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'",
               "'{' at offset 12");
    BAD_STRING(t, "under_info={a}b", CARVE_E_BADVALUE, "unexpected text 'b'", "'under_info'",
               "connector string");
    BAD_STRING(t, "under_info={a} b;mode=off", CARVE_E_BADVALUE, "unexpected text 'b;mode=off'");

    /* control characters */
    BAD_STRING(t, "mode=ca\001rve", CARVE_E_BADVALUE,
               "control character 0x01 at offset 7 in connector string");
    BAD_STRING(t, "mode=carve\n", CARVE_E_BADVALUE, "control character 0x0a", "connector string");
    BAD_STRING(t, "mode=carve;\r\nunder_vol=0", CARVE_E_BADVALUE, "control character 0x0d");
    BAD_STRING(t, "under_info={\033[31m}", CARVE_E_BADVALUE, "control character 0x1b");
    BAD_STRING(t, "\177", CARVE_E_BADVALUE, "control character 0x7f");

    /* everything before the bad item is dropped too */
    BAD_STRING(t, "mode=carve;under_vol=native;mdoe=x", CARVE_E_BADKEY, "unknown key 'mdoe'");

    /* dir: names the key and the accepted form */
    BAD_STRING(t, "dir=", CARVE_E_BADVALUE,
               "bad value '' for dir in connector string: it is empty (accepted: " DIR_FORM ")");
    BAD_STRING(t, "dir={}", CARVE_E_BADVALUE, "bad value '' for dir in connector string: it is empty");
    BAD_STRING(t, "dir=  ;mode=carve", CARVE_E_BADVALUE, "bad value '' for dir", "it is empty");
    BAD_STRING(t, "dir={/tmp", CARVE_E_BADVALUE,
               "unbalanced braces in the value of 'dir' in connector string",
               "'{' at offset 4 is never closed");
    BAD_STRING(t, "dir=/tmp}", CARVE_E_BADVALUE, "unbalanced braces in the value of 'dir'", "'}' at offset 8",
               "no matching '{'");
    BAD_STRING(t, "dir=/a{b;mode=carve", CARVE_E_BADVALUE, "unbalanced braces in the value of 'dir'",
               "'{' at offset 6");
    BAD_STRING(t, "dir={/a}/b", CARVE_E_BADVALUE, "unexpected text '/b'", "braced value of 'dir'");
    BAD_STRING(t, "dir={/a} }", CARVE_E_BADVALUE, "unbalanced braces in the value of 'dir'",
               "'}' at offset 9");
    BAD_STRING(t, "dir={/tmp\n}", CARVE_E_BADVALUE, "control character 0x0a", "connector string");
    BAD_STRING(t, "dir=/a;dir=/b", CARVE_E_BADKEY, "key 'dir' is given twice in connector string");
    BAD_STRING(t, "dir=/a;dir=/a", CARVE_E_BADKEY, "key 'dir' is given twice");
    BAD_STRING(t, "DIR=/tmp", CARVE_E_BADKEY,
               "unknown key 'DIR' in connector string (accepted: " ACCEPTED_KEYS ")");
    BAD_STRING(t, "dirs=/tmp", CARVE_E_BADKEY, "unknown key 'dirs'");
    BAD_STRING(t, "dir /tmp", CARVE_E_BADVALUE, "item 'dir /tmp' in connector string has no '='");

    /* skeleton */
    BAD_STRING(t, "skeleton=partial", CARVE_E_BADVALUE,
               "bad value 'partial' for skeleton in connector string (accepted: " SKELETON_FORM ")");
    BAD_STRING(t, "skeleton=Full", CARVE_E_BADVALUE, "bad value 'Full' for skeleton", SKELETON_FORM);
    BAD_STRING(t, "skeleton=", CARVE_E_BADVALUE, "bad value '' for skeleton in connector string",
               SKELETON_FORM);
    BAD_STRING(t, "skeleton={ full }", CARVE_E_BADVALUE, "bad value ' full ' for skeleton");
    BAD_STRING(t, "skeleton=full touched", CARVE_E_BADVALUE, "bad value 'full touched' for skeleton");
    BAD_STRING(t, "skeleton={touched;full}", CARVE_E_BADVALUE, "bad value 'touched;full' for skeleton");
    BAD_STRING(t, "skeleton=touched;skeleton=touched", CARVE_E_BADKEY, "key 'skeleton' is given twice");
    BAD_STRING(t, "skeletons=full", CARVE_E_BADKEY, "unknown key 'skeletons'", ACCEPTED_KEYS);

    /* a good dir before a bad skeleton (or the reverse) is dropped too: the sentinel's stay */
    BAD_STRING(t, "dir={/new};skeleton=partial", CARVE_E_BADVALUE, "for skeleton");
    BAD_STRING(t, "skeleton=touched;dir={}", CARVE_E_BADVALUE, "for dir", "it is empty");

    /* too long: one byte over the limit, and a long key quoted with a cut */
    big = repeat(' ', CARVE_CONFIG_MAX_STRING + 1);
    if (CHECK(t, big != NULL)) {
        memcpy(big, "mode=carve", 10);
        BAD_STRING(t, big, CARVE_E_BADVALUE, "connector string is longer than 65536 bytes",
                   "CARVE_CONFIG_MAX_STRING");
    }
    free(big);
    key = repeat('k', 1000);
    if (CHECK(t, key != NULL)) {
        key[999] = '=';
        BAD_STRING(t, key, CARVE_E_BADKEY, "unknown key 'kkkkkkkkkkkkkkkk", "...' in connector string");
    }
    free(key);
}

static void
test_set(unit_t *t)
{
    carve_config_t cfg;
    char          *big;

    carve_config_init(&cfg);
    CHECK(t, carve_config_set(&cfg, "mode", "carve", CARVE_SOURCE_ENV, "somewhere") >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.mode == CARVE_MODE_CARVE && cfg.set_mask == 1u &&
                 cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_ENV);
    CHECK(t, carve_config_set(&cfg, "under_info", "", CARVE_SOURCE_FILE, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(cfg.under_info, "") && cfg.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_FILE);
    CHECK(t, carve_config_set(&cfg, "under_info", "{}", CARVE_SOURCE_FILE, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(cfg.under_info, "{}"));
    CHECK(t, carve_config_set(&cfg, "under_info", "tab\there", CARVE_SOURCE_FILE, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(cfg.under_info, "tab\there"));

    CHECK(t, carve_config_set(&cfg, "mdoe", "carve", CARVE_SOURCE_ENV, "my origin") < 0);
    CHECK_ERROR(t, CARVE_E_BADKEY, "unknown key 'mdoe' in my origin (accepted: " ACCEPTED_KEYS ")");
    CHECK(t, carve_config_set(&cfg, "mode", "carv", CARVE_SOURCE_ENV, "environment variable CARVE_MODE") < 0);
    CHECK_ERROR(
        t, CARVE_E_BADVALUE,
        "bad value 'carv' for mode in environment variable CARVE_MODE (accepted: off, carve, replay)");
    CHECK(t, carve_config_set(&cfg, "mode", NULL, CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "no value for mode in here");
    CHECK(t, carve_config_set(&cfg, "under_info", "a}{b", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'a}{b' for under_info in here", "braces do not balance");
    CHECK(t, carve_config_set(&cfg, "under_info", "{", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "for under_info", "braces do not balance");
    CHECK(t, carve_config_set(&cfg, "under_info", "two\nlines", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'two?lines' for under_info in here",
                "control character 0x0a");
    CHECK(t, carve_config_set(&cfg, "under_vol", "nat ive", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'nat ive' for under_vol in here");
    CHECK(t, carve_config_set(NULL, "mode", "carve", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");

    big = repeat('x', CARVE_CONFIG_MAX_STRING + 1);
    if (CHECK(t, big != NULL)) {
        CHECK(t, carve_config_set(&cfg, "under_info", big, CARVE_SOURCE_ENV, "here") < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "value for under_info in here is longer than 65536 bytes");
        CHECK(t, carve_config_set(&cfg, big, "x", CARVE_SOURCE_ENV, "here") < 0);
        CHECK_ERROR(t, CARVE_E_BADKEY, "unknown key 'xxxxxxxx", "...' in here");
        big[CARVE_CONFIG_MAX_STRING] = '\0';
        CHECK(t, carve_config_set(&cfg, "under_info", big, CARVE_SOURCE_ENV, "here") >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.under_info && strlen(cfg.under_info) == CARVE_CONFIG_MAX_STRING);
    }
    free(big);

    /* failed sets changed nothing */
    CHECK(t, cfg.mode == CARVE_MODE_CARVE && cfg.under_vol == NULL && cfg.set_mask == 5u);
    carve_config_clear(&cfg);

    /* dir and skeleton */
    carve_config_init(&cfg);
    CHECK(t, carve_config_set(&cfg, "dir", "/tmp/a dir;with {braces}", CARVE_SOURCE_ENV, "here") >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t,
          unit_str_eq(cfg.dir, "/tmp/a dir;with {braces}") && cfg.source[CARVE_KEY_DIR] == CARVE_SOURCE_ENV);
    CHECK(t, carve_config_set(&cfg, "dir", " ", CARVE_SOURCE_FILE, "here") >= 0); /* a blank is a name */
    CHECK(t, unit_str_eq(cfg.dir, " ") && cfg.source[CARVE_KEY_DIR] == CARVE_SOURCE_FILE);
    CHECK(t, carve_config_set(&cfg, "dir", "{x}", CARVE_SOURCE_FILE, "here") >= 0); /* braces are kept */
    CHECK(t, unit_str_eq(cfg.dir, "{x}"));
    CHECK(t, carve_config_set(&cfg, "skeleton", "touched", CARVE_SOURCE_STRING, "here") >= 0);
    CHECK(t, carve_config_set(&cfg, "skeleton", "full", CARVE_SOURCE_FILE, "here") >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(cfg.skeleton, "full") && cfg.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_FILE);

    CHECK(t, carve_config_set(&cfg, "dir", "", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value '' for dir in here: it is empty (accepted: " DIR_FORM ")");
    CHECK(t, carve_config_set(&cfg, "dir", NULL, CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "no value for dir in here (accepted: " DIR_FORM ")");
    CHECK(t, carve_config_set(&cfg, "dir", "/a}{b", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value '/a}{b' for dir in here: its braces do not balance",
                DIR_FORM);
    CHECK(t, carve_config_set(&cfg, "dir", "/a{", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "for dir in here", "braces do not balance");
    CHECK(t, carve_config_set(&cfg, "dir", "/a\rb", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value '/a?b' for dir in here: control character 0x0d at offset 2",
                DIR_FORM);
    CHECK(t, carve_config_set(&cfg, "skeleton", "none", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'none' for skeleton in here (accepted: " SKELETON_FORM ")");
    CHECK(t, carve_config_set(&cfg, "skeleton", "", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value '' for skeleton in here (accepted: " SKELETON_FORM ")");
    CHECK(t, carve_config_set(&cfg, "skeleton", "touched ", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'touched ' for skeleton");
    CHECK(t, carve_config_set(&cfg, "skeleton", NULL, CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "no value for skeleton in here (accepted: " SKELETON_FORM ")");
    CHECK(t, carve_config_set(&cfg, "Dir", "/x", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADKEY, "unknown key 'Dir' in here (accepted: " ACCEPTED_KEYS ")");

    big = repeat('/', CARVE_CONFIG_MAX_STRING + 1);
    if (CHECK(t, big != NULL)) {
        CHECK(t, carve_config_set(&cfg, "dir", big, CARVE_SOURCE_ENV, "here") < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "value for dir in here is longer than 65536 bytes");
        big[CARVE_CONFIG_MAX_STRING] = '\0';
        CHECK(t, carve_config_set(&cfg, "dir", big, CARVE_SOURCE_ENV, "here") >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.dir && strlen(cfg.dir) == CARVE_CONFIG_MAX_STRING);
        CHECK(t, carve_config_set(&cfg, "dir", "{x}", CARVE_SOURCE_FILE, "here") >= 0);
    }
    free(big);

    /* failed sets changed nothing */
    CHECK(t, unit_str_eq(cfg.dir, "{x}") && unit_str_eq(cfg.skeleton, "full"));
    CHECK(t, cfg.set_mask == ((1u << CARVE_KEY_DIR) | (1u << CARVE_KEY_SKELETON)));
    carve_config_clear(&cfg);
}

static void
test_env(unit_t *t)
{
    carve_config_t cfg;

    unset_carve_env();
    carve_config_init(&cfg);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.set_mask == 0);

    /* empty variables count as unset */
    setenv("CARVE_MODE", "", 1);
    setenv("CARVE_UNDER_VOL", "", 1);
    setenv("CARVE_UNDER_INFO", "", 1);
    setenv("CARVE_DIR", "", 1);
    setenv("CARVE_SKELETON", "", 1);
    setenv("CARVE_ORIGIN", "", 1);
    setenv("CARVE_ON_CHANGE", "", 1);
    setenv("CARVE_READ_THROUGH", "", 1);
    setenv("CARVE_IN_MEMORY", "", 1);
    setenv("CARVE_LOG", "", 1);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.set_mask == 0 && cfg.under_info == NULL && cfg.dir == NULL && cfg.skeleton == NULL);
    CHECK(t, cfg.origin == NULL && cfg.on_change == NULL && cfg.read_through == NULL &&
                 cfg.in_memory == NULL && cfg.log == NULL);

    setenv("CARVE_MODE", "carve", 1);
    setenv("CARVE_UNDER_VOL", "native", 1);
    setenv("CARVE_UNDER_INFO", "under_vol=0;under_info={}", 1);
    setenv("CARVE_DIR", " /tmp/env dir;x={y} ", 1); /* taken as it is: no braces to strip, blanks kept */
    setenv("CARVE_SKELETON", "touched", 1);
    setenv("CARVE_ORIGIN", "https://example.org/data/file.h5", 1);
    setenv("CARVE_ON_CHANGE", "trust", 1);
    setenv("CARVE_READ_THROUGH", "yes", 1);
    setenv("CARVE_IN_MEMORY", "2G", 1);
    setenv("CARVE_LOG", "reads", 1);
    setenv("CARVE_TIMEOUT", "12", 1);
    setenv("CARVE_PARALLEL", "16", 1);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(cfg.origin, "https://example.org/data/file.h5") &&
                 unit_str_eq(cfg.on_change, "trust") && unit_str_eq(cfg.read_through, "yes") &&
                 unit_str_eq(cfg.in_memory, "2G") && unit_str_eq(cfg.log, "reads") &&
                 unit_str_eq(cfg.timeout, "12") && carve_config_timeout(&cfg) == 12 &&
                 unit_str_eq(cfg.parallel, "16") && carve_config_parallel(&cfg) == 16);
    CHECK(t, cfg.mode == CARVE_MODE_CARVE);
    CHECK(t, unit_str_eq(cfg.under_vol, "native"));
    CHECK(t, unit_str_eq(cfg.under_info, "under_vol=0;under_info={}"));
    CHECK(t, unit_str_eq(cfg.dir, " /tmp/env dir;x={y} "));
    CHECK(t, unit_str_eq(cfg.skeleton, "touched"));
    CHECK(t, cfg.set_mask == ALL_KEYS);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, cfg.source[k] == CARVE_SOURCE_ENV);
    carve_config_clear(&cfg);

    /* only what is set is taken */
    unset_carve_env();
    setenv("CARVE_UNDER_VOL", "3", 1);
    init_sentinel(&cfg);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.mode == CARVE_MODE_REPLAY && unit_str_eq(cfg.under_vol, "3") &&
                 unit_str_eq(cfg.under_info, "keep=me"));
    CHECK(t, cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV &&
                 cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING);
    carve_config_clear(&cfg);

    /* bad values name the variable; a failure leaves the config alone, even the good variables */
    unset_carve_env();
    setenv("CARVE_MODE", "carv", 1);
    init_sentinel(&cfg);
    CHECK(t, carve_config_read_env(&cfg) < 0);
    CHECK_ERROR(
        t, CARVE_E_BADVALUE,
        "bad value 'carv' for mode in environment variable CARVE_MODE (accepted: off, carve, replay)");
    CHECK(t, is_sentinel(&cfg));
    setenv("CARVE_MODE", "carve", 1);
    setenv("CARVE_UNDER_VOL", "a b", 1);
    CHECK(t, carve_config_read_env(&cfg) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'a b' for under_vol in environment variable CARVE_UNDER_VOL");
    CHECK(t, is_sentinel(&cfg));
    unsetenv("CARVE_UNDER_VOL");
    setenv("CARVE_UNDER_INFO", "x={", 1);
    CHECK(t, carve_config_read_env(&cfg) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "for under_info in environment variable CARVE_UNDER_INFO",
                "braces do not balance");
    CHECK(t, is_sentinel(&cfg));
    unsetenv("CARVE_UNDER_INFO");
    setenv("CARVE_DIR", "/tmp/a}b", 1);
    CHECK(t, carve_config_read_env(&cfg) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE,
                "bad value '/tmp/a}b' for dir in environment variable CARVE_DIR: its braces do not balance "
                "(accepted: " DIR_FORM ")");
    CHECK(t, is_sentinel(&cfg));
    setenv("CARVE_DIR", "/tmp/ok", 1);
    setenv("CARVE_SKELETON", "TOUCHED", 1);
    CHECK(t, carve_config_read_env(&cfg) < 0);
    CHECK_ERROR(
        t, CARVE_E_BADVALUE,
        "bad value 'TOUCHED' for skeleton in environment variable CARVE_SKELETON (accepted: " SKELETON_FORM
        ")");
    CHECK(t, is_sentinel(&cfg));
    setenv("CARVE_SKELETON", "touched", 1);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(cfg.dir, "/tmp/ok") && unit_str_eq(cfg.skeleton, "touched") &&
                 cfg.mode == CARVE_MODE_CARVE);
    CHECK(t, cfg.source[CARVE_KEY_DIR] == CARVE_SOURCE_ENV &&
                 cfg.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_ENV &&
                 cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_STRING);
    carve_config_clear(&cfg);
    unset_carve_env();
}

/* Reads YAML text from a file named name; expects success. */
static void
good_yaml_at(unit_t *t, const char *file, int line, const char *name, const char *text, carve_mode_t mode,
             const char *vol, const char *info, const char *dir, const char *skeleton, unsigned mask)
{
    carve_config_t cfg;
    char           path[512];

    carve_config_init(&cfg);
    if (!unit_check_at(t, write_file(t, name, text, strlen(text), path, sizeof path), "test file written",
                       file, line))
        return;
    unit_check_at(t, carve_config_read_file(&cfg, path) >= 0, "file is accepted", file, line);
    unit_check_no_error_at(t, file, line);
    check_settings_at(t, &cfg, mode, vol, info, dir, skeleton, mask, CARVE_SOURCE_FILE, file, line);
    carve_config_clear(&cfg);
}

/* dir and skeleton not set */
#define GOOD_YAML(t, name, text, mode, vol, info, mask)                                                      \
    good_yaml_at((t), __FILE__, __LINE__, (name), (text), (mode), (vol), (info), NULL, NULL, (mask))
#define GOOD_YAML_ALL(t, name, text, mode, vol, info, dir, skeleton, mask)                                   \
    good_yaml_at((t), __FILE__, __LINE__, (name), (text), (mode), (vol), (info), (dir), (skeleton), (mask))

/* with_path with its "%s" replaced by path (not through printf: the pattern is data). */
static void
splice_path(char *out, size_t size, const char *with_path, const char *path)
{
    const char *mark = strstr(with_path, "%s");

    if (mark == NULL)
        snprintf(out, size, "%s", with_path);
    else
        snprintf(out, size, "%.*s%s%s", (int)(mark - with_path), with_path, path, mark + 2);
}

/* Reads YAML text that must be refused, leaving the config alone; the message must hold the file's path
 * (first needle is formatted with it: use "%s" where the path goes). */
static void
bad_yaml_at(unit_t *t, const char *file, int line, const char *name, const char *text, hid_t minor,
            const char *with_path, const char *other)
{
    carve_config_t cfg;
    char           path[512];
    char           needle[1024];

    init_sentinel(&cfg);
    H5Eclear2(H5E_DEFAULT);
    if (!unit_check_at(t, write_file(t, name, text, strlen(text), path, sizeof path), "test file written",
                       file, line))
        return;
    unit_check_at(t, carve_config_read_file(&cfg, path) < 0, "file is refused", file, line);
    splice_path(needle, sizeof needle, with_path, path);
    unit_check_error_at(t, file, line, minor, needle, other, (const char *)NULL);
    unit_check_at(t, is_sentinel(&cfg), "config unchanged", file, line);
    carve_config_clear(&cfg);
}

#define BAD_YAML(t, name, text, minor, with_path, other)                                                     \
    bad_yaml_at((t), __FILE__, __LINE__, (name), (text), (minor), (with_path), (other))

static void
test_file(unit_t *t)
{
    const unsigned M = 1u << CARVE_KEY_MODE, V = 1u << CARVE_KEY_UNDER_VOL, I = 1u << CARVE_KEY_UNDER_INFO;
    const unsigned D = 1u << CARVE_KEY_DIR, S = 1u << CARVE_KEY_SKELETON;
    carve_config_t cfg;
    char           path[512];
    char           needle[1024];
    char          *big;

    /* valid */
    GOOD_YAML(t, "full.yaml",
              "# carve settings\n"
              "mode: carve   # record\n"
              "under_vol: 0\n"
              "under_info: \"under_vol=0;under_info={}\"\n",
              CARVE_MODE_CARVE, "0", "under_vol=0;under_info={}", M | V | I);
    GOOD_YAML(t, "some.yaml", "---\nunder_vol: pass_through\n...\n", CARVE_MODE_OFF, "pass_through", NULL, V);
    GOOD_YAML(t, "flow.yaml", "{mode: replay, under_info: 'a b'}", CARVE_MODE_REPLAY, NULL, "a b", M | I);
    GOOD_YAML(t, "emptyinfo.yaml", "under_info:\n", CARVE_MODE_OFF, NULL, "", I);
    GOOD_YAML(t, "quotedinfo.yaml", "under_info: ''\n", CARVE_MODE_OFF, NULL, "", I);
    GOOD_YAML(t, "empty.yaml", "", CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_YAML(t, "comments.yaml", "# nothing here\n\n   # at all\n", CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_YAML(t, "dashes.yaml", "---\n", CARVE_MODE_OFF, NULL, NULL, 0);
    GOOD_YAML(t, "crlf.yaml", "mode: off\r\nunder_vol: native\r\n", CARVE_MODE_OFF, "native", NULL, M | V);

    /* dir and skeleton: plain, quoted (';', braces, blanks kept inside quotes) */
    GOOD_YAML_ALL(t, "all.yaml",
                  "mode: carve\nunder_vol: 0\nunder_info: ''\ndir: /data/carve out   # where containers go\n"
                  "skeleton: touched\n",
                  CARVE_MODE_CARVE, "0", "", "/data/carve out", "touched", M | V | I | D | S);
    GOOD_YAML_ALL(t, "dirquoted.yaml", "dir: \" /tmp/a;b {c} \"\n", CARVE_MODE_OFF, NULL, NULL,
                  " /tmp/a;b {c} ", NULL, D);
    GOOD_YAML_ALL(t, "dirsingle.yaml", "dir: '{x}'\nskeleton: full\n", CARVE_MODE_OFF, NULL, NULL, "{x}",
                  "full", D | S);
    GOOD_YAML_ALL(t, "dirflow.yaml", "{dir: \"/a,b\", skeleton: \"touched\"}", CARVE_MODE_OFF, NULL, NULL,
                  "/a,b", "touched", D | S);

    /* syntax errors: path, line, libyaml's problem */
    BAD_YAML(t, "syntax1.yaml", "mode: carve\nunder_vol: [0\n", CARVE_E_BADVALUE, "config file %s line 3",
             "YAML syntax error: did not find expected ',' or ']'");
    BAD_YAML(t, "syntax2.yaml", "mode: carve\n  under_vol: 0\n", CARVE_E_BADVALUE, "config file %s line 2",
             "YAML syntax error: mapping values are not allowed");
    BAD_YAML(t, "syntax3.yaml", "mode: \"carve\n", CARVE_E_BADVALUE, "config file %s line 2",
             "YAML syntax error: found unexpected end of stream");
    BAD_YAML(t, "utf8.yaml", "mode: \xff\xfe\n", CARVE_E_BADVALUE, "config file %s", "invalid");

    /* structure */
    BAD_YAML(t, "nested.yaml", "mode: carve\nunder_info:\n  under_vol: 0\n", CARVE_E_BADVALUE,
             "value of under_info in config file %s line 3 is a mapping", "expected a scalar");
    BAD_YAML(t, "seq.yaml", "under_vol: [native, 0]\n", CARVE_E_BADVALUE,
             "value of under_vol in config file %s line 1 is a sequence", NULL);
    BAD_YAML(t, "toplist.yaml", "- mode: carve\n", CARVE_E_BADVALUE,
             "config file %s line 1: the top level is a sequence", "expected a mapping");
    BAD_YAML(t, "topscalar.yaml", "mode=carve\n", CARVE_E_BADVALUE,
             "config file %s line 1: the top level is a scalar", NULL);
    BAD_YAML(t, "complexkey.yaml", "? [mode]\n: carve\n", CARVE_E_BADKEY,
             "config file %s line 1: a key is a sequence", NULL);
    BAD_YAML(t, "twodocs.yaml", "mode: carve\n---\nmode: off\n", CARVE_E_BADVALUE,
             "config file %s line 3: a second YAML document", NULL);

    /* keys and values */
    BAD_YAML(t, "unknown.yaml", "mode: carve\nmdoe: off\n", CARVE_E_BADKEY,
             "unknown key 'mdoe' in config file %s line 2 (accepted: " ACCEPTED_KEYS ")", NULL);
    BAD_YAML(t, "dup.yaml", "mode: carve\nunder_vol: 0\nmode: off\n", CARVE_E_BADKEY,
             "key 'mode' is given twice in config file %s (lines 1 and 3)", NULL);
    BAD_YAML(t, "badmode.yaml", "under_vol: 0\nmode: carv\n", CARVE_E_BADVALUE,
             "bad value 'carv' for mode in config file %s line 2 (accepted: off, carve, replay)", NULL);
    BAD_YAML(t, "nomode.yaml", "mode:\n", CARVE_E_BADVALUE, "bad value '' for mode in config file %s line",
             NULL);
    BAD_YAML(t, "badvol.yaml", "under_vol: -1 x\n", CARVE_E_BADVALUE,
             "bad value '-1 x' for under_vol in config file %s line 1", NULL);
    BAD_YAML(t, "braces.yaml", "under_info: \"a{\"\n", CARVE_E_BADVALUE,
             "for under_info in config file %s line 1", "braces do not balance");
    BAD_YAML(t, "newline.yaml", "under_info: \"a\\nb\"\n", CARVE_E_BADVALUE,
             "for under_info in config file %s line 1", "control character 0x0a");
    BAD_YAML(t, "nul.yaml", "mode: \"car\\0ve\"\n", CARVE_E_BADVALUE,
             "value of mode in config file %s line 1", "NUL character");

    /* dir and skeleton */
    BAD_YAML(t, "dirempty.yaml", "mode: carve\ndir: ''\n", CARVE_E_BADVALUE,
             "bad value '' for dir in config file %s line 2: it is empty (accepted: " DIR_FORM ")", NULL);
    BAD_YAML(t, "dirnone.yaml", "dir:\n", CARVE_E_BADVALUE, "bad value '' for dir in config file %s line",
             "it is empty");
    BAD_YAML(t, "dirbraces.yaml", "dir: \"/a}{b\"\n", CARVE_E_BADVALUE,
             "bad value '/a}{b' for dir in config file %s line 1: its braces do not balance", DIR_FORM);
    BAD_YAML(t, "dirnewline.yaml", "dir: \"/a\\nb\"\n", CARVE_E_BADVALUE, "for dir in config file %s line 1",
             "control character 0x0a");
    BAD_YAML(t, "dirseq.yaml", "dir: [/a, /b]\n", CARVE_E_BADVALUE,
             "value of dir in config file %s line 1 is a sequence (expected a scalar: " DIR_FORM ")", NULL);
    BAD_YAML(t, "dirmap.yaml", "dir: {a: b}\n", CARVE_E_BADVALUE,
             "value of dir in config file %s line 1 is a mapping", NULL);
    BAD_YAML(t, "dirdup.yaml", "dir: /a\nskeleton: full\ndir: /b\n", CARVE_E_BADKEY,
             "key 'dir' is given twice in config file %s (lines 1 and 3)", NULL);
    BAD_YAML(t, "skelbad.yaml", "dir: /ok\nskeleton: partial\n", CARVE_E_BADVALUE,
             "bad value 'partial' for skeleton in config file %s line 2 (accepted: " SKELETON_FORM ")", NULL);
    BAD_YAML(t, "skelcase.yaml", "skeleton: Full\n", CARVE_E_BADVALUE,
             "bad value 'Full' for skeleton in config file %s", SKELETON_FORM);
    BAD_YAML(t, "skelbool.yaml", "skeleton: true\n", CARVE_E_BADVALUE,
             "bad value 'true' for skeleton in config file %s", NULL);
    BAD_YAML(t, "skelseq.yaml", "skeleton:\n  - full\n", CARVE_E_BADVALUE,
             "value of skeleton in config file %s line 2 is a sequence (expected a scalar: " SKELETON_FORM
             ")",
             NULL);
    BAD_YAML(t, "skelunknown.yaml", "skeletons: full\n", CARVE_E_BADKEY,
             "unknown key 'skeletons' in config file %s line 1 (accepted: " ACCEPTED_KEYS ")", NULL);

    /* missing file, a directory, no path */
    init_sentinel(&cfg);
    snprintf(path, sizeof path, "%s/missing.yaml", t->dir);
    CHECK(t, carve_config_read_file(&cfg, path) < 0);
    snprintf(needle, sizeof needle, "cannot open config file %s: %s", path, strerror(ENOENT));
    CHECK_ERROR(t, CARVE_E_SYSTEM, needle);
    CHECK(t, carve_config_read_file(&cfg, t->dir) < 0);
    snprintf(needle, sizeof needle, "config file %s: ", t->dir);
    CHECK_ERROR(t, CARVE_E_SYSTEM, needle);
    CHECK(t, carve_config_read_file(&cfg, "") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "no config file path given");
    CHECK(t, carve_config_read_file(&cfg, NULL) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "no config file path given");
    CHECK(t, is_sentinel(&cfg));
    carve_config_clear(&cfg);

    /* size: exactly the limit is read, one byte more is refused */
    big = repeat('#', CARVE_CONFIG_MAX_FILE + 1);
    if (CHECK(t, big != NULL)) {
        memcpy(big, "mode: replay\n", 13);
        big[CARVE_CONFIG_MAX_FILE - 1] = '\n';
        carve_config_init(&cfg);
        CHECK(t, write_file(t, "limit.yaml", big, CARVE_CONFIG_MAX_FILE, path, sizeof path));
        CHECK(t, carve_config_read_file(&cfg, path) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.mode == CARVE_MODE_REPLAY && cfg.set_mask == M);
        carve_config_clear(&cfg);

        big[CARVE_CONFIG_MAX_FILE] = '\n';
        init_sentinel(&cfg);
        CHECK(t, write_file(t, "huge.yaml", big, CARVE_CONFIG_MAX_FILE + 1, path, sizeof path));
        CHECK(t, carve_config_read_file(&cfg, path) < 0);
        snprintf(needle, sizeof needle, "config file %s is larger than 1048576 bytes (CARVE_CONFIG_MAX_FILE)",
                 path);
        CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
        CHECK(t, is_sentinel(&cfg));
        carve_config_clear(&cfg);
    }
    free(big);

    /* a file adds to what the config holds */
    init_sentinel(&cfg);
    CHECK(t, write_file(t, "vol.yaml", "under_vol: native\n", 18, path, sizeof path));
    CHECK(t, carve_config_read_file(&cfg, path) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.mode == CARVE_MODE_REPLAY && unit_str_eq(cfg.under_vol, "native") &&
                 unit_str_eq(cfg.under_info, "keep=me"));
    CHECK(t, cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_FILE &&
                 cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING);
    carve_config_clear(&cfg);
}

static void
test_resolve(unit_t *t)
{
    carve_config_t out, explicit_cfg;
    char           path[512];
    char           needle[1024];
    const char    *text =
        "mode: replay\nunder_vol: filevol\nunder_info: fileinfo\ndir: /file/dir\nskeleton: full\n"
        "origin: /file/origin.h5\non_change: hits\nread_through: yes\nin_memory: 1g\nlog: summary\n"
        "timeout: 3600\nparallel: 64\n";

    unset_carve_env();

    /* nothing anywhere: defaults */
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t,
          out.mode == CARVE_MODE_OFF && out.under_vol == NULL && out.under_info == NULL && out.set_mask == 0);
    CHECK(t, out.dir == NULL && out.skeleton == NULL);
    CHECK(t, out.origin == NULL && out.on_change == NULL && out.read_through == NULL &&
                 out.in_memory == NULL && out.log == NULL);
    CHECK(t, carve_config_on_change(&out) == CARVE_ON_CHANGE_ERROR && carve_config_read_through(&out) == 0 &&
                 carve_config_in_memory(&out) == 0 && carve_config_log(&out) == CARVE_LOG_OFF &&
                 carve_config_timeout(&out) == 30 && carve_config_parallel(&out) == 8);
    carve_config_clear(&out);

    /* the file alone */
    if (!CHECK(t, write_file(t, "resolve.yaml", text, strlen(text), path, sizeof path)))
        return;
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_REPLAY && unit_str_eq(out.under_vol, "filevol") &&
                 unit_str_eq(out.under_info, "fileinfo"));
    CHECK(t,
          unit_str_eq(out.dir, "/file/dir") && unit_str_eq(out.skeleton, "full") && out.set_mask == ALL_KEYS);
    CHECK(t, unit_str_eq(out.origin, "/file/origin.h5") && unit_str_eq(out.on_change, "hits") &&
                 unit_str_eq(out.read_through, "yes") && unit_str_eq(out.in_memory, "1g") &&
                 unit_str_eq(out.log, "summary"));
    CHECK(t, unit_str_eq(out.parallel, "64") && carve_config_parallel(&out) == 64);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, out.source[k] == CARVE_SOURCE_FILE);
    carve_config_clear(&out);

    /* the environment over the file */
    setenv("CARVE_UNDER_VOL", "envvol", 1);
    setenv("CARVE_MODE", "carve", 1);
    setenv("CARVE_DIR", "/env/dir;x", 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_CARVE && unit_str_eq(out.under_vol, "envvol") &&
                 unit_str_eq(out.under_info, "fileinfo"));
    CHECK(t, unit_str_eq(out.dir, "/env/dir;x") && unit_str_eq(out.skeleton, "full"));
    CHECK(t, out.source[CARVE_KEY_MODE] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_FILE);
    CHECK(t, out.source[CARVE_KEY_DIR] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_FILE);
    carve_config_clear(&out);
    setenv("CARVE_SKELETON", "touched", 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(out.skeleton, "touched") && out.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_ENV);
    carve_config_clear(&out);

    /* the connector string over both */
    carve_config_init(&explicit_cfg);
    CHECK(t, carve_config_parse_string(
                 &explicit_cfg, "under_info={strinfo};mode=off;dir={/str dir;{y}};skeleton=full") >= 0);
    CHECK(t, carve_config_resolve(&out, &explicit_cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_OFF && unit_str_eq(out.under_vol, "envvol") &&
                 unit_str_eq(out.under_info, "strinfo"));
    CHECK(t, unit_str_eq(out.dir, "/str dir;{y}") && unit_str_eq(out.skeleton, "full"));
    CHECK(t, out.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING &&
                 out.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_STRING);
    CHECK(t, out.source[CARVE_KEY_DIR] == CARVE_SOURCE_STRING &&
                 out.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_STRING);
    CHECK(t, out.set_mask == ALL_KEYS);
    CHECK(t, out.under_info != explicit_cfg.under_info && out.dir != explicit_cfg.dir); /* copies */
    carve_config_clear(&out);
    carve_config_clear(&explicit_cfg);

    /* a connector string without dir and skeleton leaves the environment's */
    carve_config_init(&explicit_cfg);
    CHECK(t, carve_config_parse_string(&explicit_cfg, "mode=replay") >= 0);
    CHECK(t, carve_config_resolve(&out, &explicit_cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(out.dir, "/env/dir;x") && unit_str_eq(out.skeleton, "touched") &&
                 out.mode == CARVE_MODE_REPLAY);
    CHECK(t, out.source[CARVE_KEY_DIR] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_ENV);
    carve_config_clear(&out);
    carve_config_clear(&explicit_cfg);

    /* an empty CARVE_CONFIG is unset */
    setenv("CARVE_CONFIG", "", 1);
    unsetenv("CARVE_MODE");
    unsetenv("CARVE_SKELETON");
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.set_mask == ((1u << CARVE_KEY_UNDER_VOL) | (1u << CARVE_KEY_DIR)) &&
                 unit_str_eq(out.under_vol, "envvol"));
    CHECK(t, unit_str_eq(out.dir, "/env/dir;x") && out.skeleton == NULL);
    carve_config_clear(&out);
    unsetenv("CARVE_DIR");

    /* failures leave out empty, and say where the file's name came from */
    snprintf(path, sizeof path, "%s/nowhere.yaml", t->dir);
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    snprintf(needle, sizeof needle, "cannot use config file %s, named by environment variable CARVE_CONFIG",
             path);
    CHECK(t, out.set_mask == 0 && out.under_vol == NULL && out.under_info == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
    CHECK(t, carve_config_resolve(&out, NULL) < 0); /* and the file's own message below it */
    snprintf(needle, sizeof needle, "cannot open config file %s", path);
    CHECK_ERROR(t, CARVE_E_SYSTEM, needle);

    CHECK(t, write_file(t, "resolve.yaml", text, strlen(text), path, sizeof path));
    setenv("CARVE_CONFIG", path, 1);
    setenv("CARVE_MODE", "bogus", 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'bogus' for mode in environment variable CARVE_MODE");
    CHECK(t, out.set_mask == 0 && out.under_vol == NULL &&
                 out.under_info == NULL); /* the file's settings freed */
    CHECK(t, out.dir == NULL && out.skeleton == NULL);
    unsetenv("CARVE_MODE");
    setenv("CARVE_SKELETON", "some", 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    CHECK_ERROR(
        t, CARVE_E_BADVALUE,
        "bad value 'some' for skeleton in environment variable CARVE_SKELETON (accepted: " SKELETON_FORM ")");
    CHECK(t, out.set_mask == 0 && out.dir == NULL && out.skeleton == NULL);
    unsetenv("CARVE_SKELETON");

    /* a bad dir in the file: refused, naming the file, its line and CARVE_CONFIG */
    text = "mode: carve\ndir: \"/x{\"\n";
    CHECK(t, write_file(t, "resolve-baddir.yaml", text, strlen(text), path, sizeof path));
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    snprintf(needle, sizeof needle,
             "bad value '/x{' for dir in config file %s line 2: its braces do not balance", path);
    CHECK_ERROR(t, CARVE_E_BADVALUE, needle, DIR_FORM);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    snprintf(needle, sizeof needle, "cannot use config file %s, named by environment variable CARVE_CONFIG",
             path);
    CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
    CHECK(t, out.set_mask == 0 && out.dir == NULL);

    unset_carve_env();
}

static void
roundtrip_at(unit_t *t, const char *file, int line, const char *str, const char *expected)
{
    carve_config_t first, second;
    char          *text = NULL, *again = NULL;

    carve_config_init(&first);
    carve_config_init(&second);
    unit_check_at(t, carve_config_parse_string(&first, str) >= 0, "parse", file, line);
    text = carve_config_to_string(&first);
    unit_check_at(t, text != NULL, "to_string", file, line);
    if (expected)
        unit_check_at(t, unit_str_eq(text, expected), "to_string gives the expected text", file, line);
    unit_check_at(t, carve_config_parse_string(&second, text) >= 0, "parse the written text", file, line);
    unit_check_at(t, same_settings(&first, &second), "same settings after a round trip", file, line);
    again = carve_config_to_string(&second);
    unit_check_at(t, unit_str_eq(text, again), "written twice the same", file, line);
    unit_check_no_error_at(t, file, line);
    free(text);
    free(again);
    carve_config_clear(&first);
    carve_config_clear(&second);
}

#define ROUNDTRIP(t, str, expected) roundtrip_at((t), __FILE__, __LINE__, (str), (expected))

/* A value of key k that makes a connector string of exactly CARVE_CONFIG_MAX_STRING bytes is written as want
 * and read back; one byte more is refused. value holds that one byte more (value[fit], put back before
 * returning): the value that fits is its first fit bytes. */
static void
string_limit_at(unit_t *t, const char *file, int line, carve_key_t k, char *value, size_t fit,
                const char *want)
{
    carve_config_t cfg, back;
    const char    *name = carve_key_name(k);
    char           last = value[fit];
    char          *text;

    carve_config_init(&cfg);
    carve_config_init(&back);
    value[fit] = '\0';
    unit_check_at(t, carve_config_set(&cfg, name, value, CARVE_SOURCE_ENV, "test") >= 0,
                  "set the value that fits", file, line);
    text = carve_config_to_string(&cfg);
    unit_check_at(t, text != NULL && strlen(text) == CARVE_CONFIG_MAX_STRING,
                  "the text is CARVE_CONFIG_MAX_STRING bytes", file, line);
    unit_check_str_at(t, text, want, "the text is the one wanted", file, line);
    unit_check_at(t, carve_config_parse_string(&back, text) >= 0, "parse the written text", file, line);
    unit_check_no_error_at(t, file, line);
    unit_check_str_at(t, value_of(&back, k), value, "the value read back", file, line);
    free(text);
    value[fit] = last;
    unit_check_at(t, carve_config_set(&cfg, name, value, CARVE_SOURCE_ENV, "test") >= 0, "set one byte more",
                  file, line);
    unit_check_at(t, carve_config_to_string(&cfg) == NULL, "one byte more is not written", file, line);
    unit_check_error_at(t, file, line, CARVE_E_BADVALUE, "connector string of 65537 bytes",
                        "CARVE_CONFIG_MAX_STRING", (const char *)NULL);
    carve_config_clear(&cfg);
    carve_config_clear(&back);
}

#define STRING_LIMIT(t, k, value, fit, want)                                                                 \
    string_limit_at((t), __FILE__, __LINE__, (k), (value), (fit), (want))

static void
test_to_string(unit_t *t)
{
    carve_config_t cfg, back;
    char          *text, *big;

    ROUNDTRIP(t, "", "");
    ROUNDTRIP(t, "mode=carve", "mode=carve");
    ROUNDTRIP(t, " under_vol = native ; mode = off ", "mode=off;under_vol=native");
    ROUNDTRIP(t, "under_info=", "under_info={}");
    ROUNDTRIP(t, "under_info={ spaced out }", "under_info={ spaced out }");
    ROUNDTRIP(t, "mode=replay;under_vol=0;under_info={under_vol=0;under_info={}}",
              "mode=replay;under_vol=0;under_info={under_vol=0;under_info={}}");
    ROUNDTRIP(t, "under_info=a{b;c=d}e", "under_info={a{b;c=d}e}");
    ROUNDTRIP(t, "under_info={{}{{}}}", "under_info={{}{{}}}");
    ROUNDTRIP(t, "under_info={\ttab=1}", "under_info={\ttab=1}");

    /* dir is written plain unless the plain form could not carry it: braced when it is empty, has a blank
     * at either end, or any ';', '{' or '}' (so ';', blanks and balanced braces survive); skeleton is
     * written bare */
    ROUNDTRIP(t, "dir=/tmp/x", "dir=/tmp/x");
    ROUNDTRIP(t, "dir={/tmp/x}", "dir=/tmp/x");
    ROUNDTRIP(t, "dir = /tmp/inner blanks\tkept ", "dir=/tmp/inner blanks\tkept");
    ROUNDTRIP(t, "dir={/tmp/a;b}", "dir={/tmp/a;b}");
    ROUNDTRIP(t, "dir={ /tmp/with spaces/ }", "dir={ /tmp/with spaces/ }");
    ROUNDTRIP(t, "dir={/trailing/tab\t}", "dir={/trailing/tab\t}");
    ROUNDTRIP(t, "dir=/tmp/with spaces ", "dir=/tmp/with spaces");
    ROUNDTRIP(t, "dir=/a{b}c", "dir=/a{b}c");
    ROUNDTRIP(t, "dir=/a{b;c}d", "dir=/a{b;c}d");
    ROUNDTRIP(t, "dir={{x}}", "dir={{x}}");
    ROUNDTRIP(t, "dir={{a}{b}}", "dir={{a}{b}}");
    ROUNDTRIP(t, "dir={ {a} ;{b} }", "dir={ {a} ;{b} }");
    ROUNDTRIP(t, "dir={mode=carve;under_vol=0}", "dir={mode=carve;under_vol=0}");
    ROUNDTRIP(t, "dir={\t/tab;x}", "dir={\t/tab;x}");
    ROUNDTRIP(t, "skeleton=full", "skeleton=full");
    ROUNDTRIP(t, "skeleton={touched}", "skeleton=touched");
    ROUNDTRIP(t, " skeleton = touched ; dir = /d ", "dir=/d;skeleton=touched");
    ROUNDTRIP(t, "skeleton=full;dir=/d;under_info={x};mode=off",
              "mode=off;under_info={x};dir=/d;skeleton=full");
    ROUNDTRIP(t, "skeleton=touched;dir={/d;x};under_info=;under_vol=0;mode=carve",
              "mode=carve;under_vol=0;under_info={};dir={/d;x};skeleton=touched");
    ROUNDTRIP(t, "under_vol=0;under_info={dir={/x};skeleton=full};dir={under_info={y}}",
              "under_vol=0;under_info={dir={/x};skeleton=full};dir=under_info={y}");

    /* values set from other sources round-trip too */
    carve_config_init(&cfg);
    carve_config_init(&back);
    CHECK(t, carve_config_set(&cfg, "under_info", " ;=x; ", CARVE_SOURCE_ENV, "test") >= 0);
    CHECK(t, carve_config_set(&cfg, "under_vol", "pass_through", CARVE_SOURCE_FILE, "test") >= 0);
    text = carve_config_to_string(&cfg);
    CHECK(t, unit_str_eq(text, "under_vol=pass_through;under_info={ ;=x; }"));
    CHECK(t, carve_config_parse_string(&back, text) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, same_settings(&cfg, &back));
    free(text);
    carve_config_clear(&back);

    /* a dir from the environment or a file, with what a plain value could not hold: written braced */
    {
        static const char *const dirs[] = {" ;=x; {y} ", "{a}{b}", "{a} ", " {a}", "\t", "a;b", "/x ", "}{"};
        for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
            carve_config_t from_env;
            bool           valid = strcmp(dirs[i], "}{") != 0;
            carve_config_init(&from_env);
            carve_config_init(&back);
            CHECK(t, (carve_config_set(&from_env, "dir", dirs[i], CARVE_SOURCE_ENV, "test") >= 0) == valid);
            if (!valid) {
                CHECK_ERROR(t, CARVE_E_BADVALUE, "for dir in test: its braces do not balance");
                continue;
            }
            text = carve_config_to_string(&from_env);
            CHECK(t, text != NULL && strncmp(text, "dir={", 5) == 0 && strlen(text) == strlen(dirs[i]) + 6);
            CHECK(t, carve_config_parse_string(&back, text) >= 0);
            CHECK_NO_ERROR(t);
            CHECK(t, unit_str_eq(back.dir, dirs[i]) && back.set_mask == (1u << CARVE_KEY_DIR));
            free(text);
            carve_config_clear(&back);
            carve_config_clear(&from_env);
        }
    }

    /* what cannot be written back is refused */
    cfg.set_mask |= 1u << CARVE_KEY_MODE;
    cfg.mode = CARVE_MODE_DEFAULT;
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write mode");
    cfg.mode = CARVE_MODE_OFF;
    free(cfg.under_info);
    cfg.under_info = strdup("a}b{");
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write under_info");
    free(cfg.under_info);
    cfg.under_info = NULL;
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write under_info", "no value");
    CHECK(t, carve_config_to_string(NULL) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
    carve_config_clear(&cfg);

    /* ...for dir and skeleton too, naming the key and the accepted form */
    carve_config_init(&cfg);
    cfg.set_mask = 1u << CARVE_KEY_DIR;
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write dir: it is marked set but has no value");
    cfg.dir = strdup("");
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write dir: its value is not valid (accepted: " DIR_FORM ")");
    free(cfg.dir);
    cfg.dir = strdup("/a{");
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write dir: its value is not valid", DIR_FORM);
    free(cfg.dir);
    cfg.dir = strdup("/a\nb");
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write dir: its value has control character 0x0a at offset 2");
    free(cfg.dir);
    cfg.dir = strdup("/ok");
    cfg.set_mask |= 1u << CARVE_KEY_SKELETON;
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot write skeleton: it is marked set but has no value");
    cfg.skeleton = strdup("partial");
    CHECK(t, carve_config_to_string(&cfg) == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE,
                "cannot write skeleton: its value is not valid (accepted: " SKELETON_FORM ")");
    free(cfg.skeleton);
    cfg.skeleton = strdup("touched");
    text         = carve_config_to_string(&cfg);
    CHECK(t, unit_str_eq(text, "dir=/ok;skeleton=touched"));
    CHECK_NO_ERROR(t);
    free(text);
    carve_config_clear(&cfg);

    /* the longest value fits a config, but not a connector string */
    big = repeat('y', CARVE_CONFIG_MAX_STRING);
    if (CHECK(t, big != NULL)) {
        carve_config_init(&cfg);
        CHECK(t, carve_config_set(&cfg, "under_info", big, CARVE_SOURCE_ENV, "test") >= 0);
        CHECK(t, carve_config_to_string(&cfg) == NULL);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "connector string of 65549 bytes", "CARVE_CONFIG_MAX_STRING");
        carve_config_clear(&cfg);
    }
    free(big);

    /* a dir that makes exactly CARVE_CONFIG_MAX_STRING bytes is written and read back; one byte more is not:
     * plain ("dir=..."), and braced where the value needs braces ("dir={ ...}") */
    {
        for (int braced = 0; braced <= 1; braced++) {
            size_t fit = CARVE_CONFIG_MAX_STRING - strlen(braced ? "dir={}" : "dir="); /* longest value */
            char  *expected = malloc(CARVE_CONFIG_MAX_STRING + 1);
            big             = repeat('/', fit + 1);
            if (CHECK(t, big != NULL && expected != NULL)) {
                big[0]   = braced ? ' ' : '/'; /* a leading blank needs braces */
                big[fit] = '\0';
                snprintf(expected, CARVE_CONFIG_MAX_STRING + 1, braced ? "dir={%s}" : "dir=%s", big);
                big[fit] = '/';
                STRING_LIMIT(t, CARVE_KEY_DIR, big, fit, expected);
            }
            free(expected);
            free(big);
        }
    }

    /* a plain "dir=..." string carve reads is written back unchanged, never longer: at one byte under the
     * limit (the plugin's regression, corpus/string/regression-dir-plain-at-limit) and at the limit */
    for (size_t length = CARVE_CONFIG_MAX_STRING - 1; length <= CARVE_CONFIG_MAX_STRING; length++) {
        big = repeat('d', length);
        if (CHECK(t, big != NULL)) {
            memcpy(big, "dir=", 4);
            CHECK(t, strlen(big) == length);
            ROUNDTRIP(t, big, big);
        }
        free(big);
    }
}

static void
test_copy_merge(unit_t *t)
{
    carve_config_t src, dst, copy;

    /* copy is deep and exact */
    init_sentinel(&src);
    src.source[CARVE_KEY_UNDER_VOL] = CARVE_SOURCE_FILE;
    CHECK(t, carve_config_copy(&copy, &src) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, same_settings(&copy, &src));
    CHECK(t, memcmp(copy.source, src.source, sizeof src.source) == 0);
    CHECK(t, copy.under_vol != src.under_vol && copy.under_info != src.under_info);
    CHECK(t, copy.dir != src.dir && copy.skeleton != src.skeleton);
    CHECK(t, copy.origin != src.origin && copy.on_change != src.on_change &&
                 copy.read_through != src.read_through && copy.in_memory != src.in_memory &&
                 copy.log != src.log);
    carve_config_clear(&src);
    CHECK(t, is_sentinel(&copy));
    carve_config_clear(&copy);

    /* copy of an empty config */
    carve_config_init(&src);
    CHECK(t, carve_config_copy(&copy, &src) >= 0);
    CHECK(t, same_settings(&copy, &src) && copy.under_vol == NULL);
    carve_config_clear(&copy);

    /* merge takes only what src set */
    carve_config_init(&dst);
    carve_config_set(&dst, "mode", "carve", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "under_vol", "a", CARVE_SOURCE_ENV, "test");
    carve_config_set(&src, "under_vol", "b", CARVE_SOURCE_STRING, "test");
    carve_config_set(&src, "under_info", "x", CARVE_SOURCE_STRING, "test");
    CHECK(t, carve_config_merge(&dst, &src) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, dst.mode == CARVE_MODE_CARVE && dst.source[CARVE_KEY_MODE] == CARVE_SOURCE_ENV);
    CHECK(t, unit_str_eq(dst.under_vol, "b") && dst.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_STRING);
    CHECK(t, unit_str_eq(dst.under_info, "x") && dst.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_STRING);
    CHECK(t, dst.set_mask == 7u);
    CHECK(t, dst.under_vol != src.under_vol);

    /* merging nothing, or into itself, changes nothing */
    carve_config_clear(&src);
    CHECK(t, carve_config_merge(&dst, &src) >= 0);
    CHECK(t, carve_config_merge(&dst, &dst) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, dst.mode == CARVE_MODE_CARVE && unit_str_eq(dst.under_vol, "b") &&
                 unit_str_eq(dst.under_info, "x"));

    /* merge overrides over and over without leaking (valgrind watches) */
    for (int i = 0; i < 10; i++) {
        carve_config_set(&src, "under_info", i % 2 ? "odd" : "even", CARVE_SOURCE_FILE, "test");
        CHECK(t, carve_config_merge(&dst, &src) >= 0);
    }
    CHECK(t, unit_str_eq(dst.under_info, "odd") && dst.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_FILE);
    CHECK_NO_ERROR(t);

    /* dir and skeleton merge like the others */
    carve_config_clear(&src);
    carve_config_set(&dst, "dir", "/dst", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "skeleton", "full", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "origin", "/dst/origin.h5", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "on_change", "hits", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "read_through", "no", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "in_memory", "no", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "log", "off", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "timeout", "30", CARVE_SOURCE_ENV, "test");
    carve_config_set(&dst, "parallel", "8", CARVE_SOURCE_ENV, "test");
    carve_config_set(&src, "dir", "/src;{x}", CARVE_SOURCE_STRING, "test");
    CHECK(t, carve_config_merge(&dst, &src) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(dst.dir, "/src;{x}") && dst.dir != src.dir &&
                 dst.source[CARVE_KEY_DIR] == CARVE_SOURCE_STRING);
    CHECK(t, unit_str_eq(dst.skeleton, "full") && dst.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_ENV);
    CHECK(t, dst.set_mask == ALL_KEYS);
    for (int i = 0; i < 10; i++) {
        carve_config_set(&src, "skeleton", i % 2 ? "touched" : "full", CARVE_SOURCE_FILE, "test");
        carve_config_set(&src, "dir", i % 2 ? "/odd" : "/even", CARVE_SOURCE_FILE, "test");
        CHECK(t, carve_config_merge(&dst, &src) >= 0);
    }
    CHECK(t, unit_str_eq(dst.skeleton, "touched") && unit_str_eq(dst.dir, "/odd") &&
                 dst.source[CARVE_KEY_SKELETON] == CARVE_SOURCE_FILE);
    CHECK_NO_ERROR(t);

    /* the replay settings merge like the others: only what src set, deep, over and over without leaking */
    carve_config_clear(&src);
    carve_config_set(&src, "origin", "s3://bucket/key;v={2}", CARVE_SOURCE_STRING, "test");
    carve_config_set(&src, "in_memory", "64K", CARVE_SOURCE_FILE, "test");
    CHECK(t, carve_config_merge(&dst, &src) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(dst.origin, "s3://bucket/key;v={2}") && dst.origin != src.origin &&
                 dst.source[CARVE_KEY_ORIGIN] == CARVE_SOURCE_STRING);
    CHECK(t, unit_str_eq(dst.in_memory, "64K") && dst.source[CARVE_KEY_IN_MEMORY] == CARVE_SOURCE_FILE &&
                 carve_config_in_memory(&dst) == 64 * 1024);
    CHECK(t, unit_str_eq(dst.on_change, "hits") && dst.source[CARVE_KEY_ON_CHANGE] == CARVE_SOURCE_ENV);
    CHECK(t, unit_str_eq(dst.read_through, "no") && unit_str_eq(dst.log, "off") &&
                 dst.source[CARVE_KEY_LOG] == CARVE_SOURCE_ENV);
    CHECK(t, dst.set_mask == ALL_KEYS);
    for (int i = 0; i < 10; i++) {
        carve_config_set(&src, "on_change", i % 2 ? "trust" : "error", CARVE_SOURCE_FILE, "test");
        carve_config_set(&src, "read_through", i % 2 ? "yes" : "no", CARVE_SOURCE_FILE, "test");
        carve_config_set(&src, "log", i % 2 ? "reads" : "summary", CARVE_SOURCE_FILE, "test");
        carve_config_set(&src, "origin", i % 2 ? "/odd.h5" : "/even.h5", CARVE_SOURCE_FILE, "test");
        CHECK(t, carve_config_merge(&dst, &src) >= 0);
    }
    CHECK(t, unit_str_eq(dst.on_change, "trust") && unit_str_eq(dst.read_through, "yes") &&
                 unit_str_eq(dst.log, "reads") && unit_str_eq(dst.origin, "/odd.h5"));
    CHECK(t, carve_config_on_change(&dst) == CARVE_ON_CHANGE_TRUST && carve_config_read_through(&dst) == 1 &&
                 carve_config_log(&dst) == CARVE_LOG_READS);
    CHECK(t, dst.source[CARVE_KEY_ON_CHANGE] == CARVE_SOURCE_FILE &&
                 dst.source[CARVE_KEY_LOG] == CARVE_SOURCE_FILE);
    CHECK_NO_ERROR(t);

    CHECK(t, carve_config_merge(NULL, &src) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
    CHECK(t, carve_config_copy(&copy, NULL) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
    CHECK(t, carve_config_copy(&dst, &dst) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "the same");
    carve_config_clear(&src);
    carve_config_clear(&dst);
}

/* One row per key: a value each reader accepts (written to a string as `written`), and one set_key refuses
 * (`bad`; `bad_in_string` for the connector string, NULL where the string's own syntax refuses it first). */
typedef struct key_case_t {
    carve_key_t key;
    const char *name;
    const char *accepted;
    const char *good;
    const char *written;
    const char *bad;
    const char *bad_in_string;
} key_case_t;

static const key_case_t key_cases[] = {
    {CARVE_KEY_MODE, "mode", "off, carve, replay", "replay", "mode=replay", "carv", "carv"},
    {CARVE_KEY_UNDER_VOL, "under_vol", "a connector name of letters, digits, '_', '.', '-'", "native",
     "under_vol=native", "a b", "a b"},
    {CARVE_KEY_UNDER_INFO, "under_info", "any text whose braces { } balance, possibly empty", "x=1;y={2}",
     "under_info={x=1;y={2}}", "a}{b", NULL},
    {CARVE_KEY_DIR, "dir", DIR_FORM, "/tmp/a b;c{d}", "dir={/tmp/a b;c{d}}", "/a}{b", ""},
    {CARVE_KEY_SKELETON, "skeleton", SKELETON_FORM, "touched", "skeleton=touched", "partial", "partial"},
    {CARVE_KEY_ORIGIN, "origin", ORIGIN_FORM, "s3://b/k;v{1}", "origin={s3://b/k;v{1}}", "/a}{b", ""},
    {CARVE_KEY_ON_CHANGE, "on_change", ON_CHANGE_FORM, "trust", "on_change=trust", "maybe", "maybe"},
    {CARVE_KEY_READ_THROUGH, "read_through", READ_THROUGH_FORM, "no", "read_through=no", "1", "1"},
    {CARVE_KEY_IN_MEMORY, "in_memory", IN_MEMORY_FORM, "16M", "in_memory=16M", "12X", "-5"},
    {CARVE_KEY_LOG, "log", LOG_FORM, "reads", "log=reads", "verbose", "verbose"},
    {CARVE_KEY_TIMEOUT, "timeout", TIMEOUT_FORM, "5", "timeout=5", "5s", "0"},
    {CARVE_KEY_PARALLEL, "parallel", PARALLEL_FORM, "16", "parallel=16", "many", "65"},
};

/* parallel's accepted values, the bounds included, from the connector string and the environment, and its
 * typed value; unset it is 8. */
static void
test_parallel_values(unit_t *t)
{
    static const struct {
        const char *value;
        int         requests;
    } cases[] = {{"1", 1}, {"8", 8}, {"63", 63}, {"64", 64}, {"007", 7}};
    carve_config_t cfg;
    char           str[64];

    unset_carve_env();
    carve_config_init(&cfg);
    CHECK(t, carve_config_parallel(&cfg) == 8);
    carve_config_clear(&cfg);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(str, sizeof str, "mode=replay;parallel=%s", cases[i].value);
        carve_config_init(&cfg);
        CHECK(t, carve_config_parse_string(&cfg, str) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t,
              unit_str_eq(cfg.parallel, cases[i].value) && carve_config_parallel(&cfg) == cases[i].requests);
        CHECK(t, cfg.source[CARVE_KEY_PARALLEL] == CARVE_SOURCE_STRING);
        carve_config_clear(&cfg);

        setenv("CARVE_PARALLEL", cases[i].value, 1);
        carve_config_init(&cfg);
        CHECK(t, carve_config_read_env(&cfg) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, carve_config_parallel(&cfg) == cases[i].requests &&
                     cfg.source[CARVE_KEY_PARALLEL] == CARVE_SOURCE_ENV);
        carve_config_clear(&cfg);
        unsetenv("CARVE_PARALLEL");
    }
}

/* Every key through every reader, the writer, copy and merge: the value, set_mask and source, and for a
 * bad value a message naming the key, where it came from and the accepted form. */
static void
test_every_key(unit_t *t)
{
    const size_t count = sizeof key_cases / sizeof key_cases[0];
    char         str[256], needle[1024], path[512];

    unset_carve_env();
    CHECK(t, count == CARVE_KEY_COUNT); /* a new key needs a row here */
    for (size_t i = 0; i < count; i++) {
        const key_case_t *c   = &key_cases[i];
        const unsigned    bit = 1u << c->key;
        const char       *env = carve_key_env(c->key);
        carve_config_t    cfg, other;
        char             *text;

        if (!CHECK(t, unit_str_eq(carve_key_name(c->key), c->name) && env != NULL))
            continue;

        /* connector string, plain and braced */
        carve_config_init(&cfg);
        snprintf(str, sizeof str, "%s={%s}", c->name, c->good);
        CHECK(t, carve_config_parse_string(&cfg, str) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.set_mask == bit && cfg.source[c->key] == CARVE_SOURCE_STRING &&
                     unit_str_eq(value_of(&cfg, c->key), c->good));
        text = carve_config_to_string(&cfg);
        CHECK(t, unit_str_eq(text, c->written));
        carve_config_init(&other);
        CHECK(t, carve_config_parse_string(&other, text) >= 0 && same_settings(&cfg, &other));
        CHECK_NO_ERROR(t);
        free(text);
        carve_config_clear(&other);

        /* copy is exact and deep; merge into a populated config replaces only this key */
        CHECK(t, carve_config_copy(&other, &cfg) >= 0 && same_settings(&other, &cfg));
        CHECK(t, c->key == CARVE_KEY_MODE || value_of(&other, c->key) != value_of(&cfg, c->key));
        carve_config_clear(&other);
        init_sentinel(&other);
        CHECK(t, carve_config_merge(&other, &cfg) >= 0);
        CHECK(t, unit_str_eq(value_of(&other, c->key), c->good) && other.set_mask == ALL_KEYS);
        for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
            CHECK(t, other.source[k] == CARVE_SOURCE_STRING);
        CHECK(t, c->key == CARVE_KEY_UNDER_VOL || unit_str_eq(other.under_vol, "sentinel"));
        CHECK(t, c->key == CARVE_KEY_DIR || unit_str_eq(other.dir, "/keep/dir"));
        carve_config_clear(&other);
        carve_config_clear(&cfg);

        if (c->bad_in_string) {
            snprintf(str, sizeof str, "%s={%s}", c->name, c->bad_in_string);
            snprintf(needle, sizeof needle, "bad value '%s' for %s in connector string", c->bad_in_string,
                     c->name);
            BAD_STRING(t, str, CARVE_E_BADVALUE, needle, c->accepted);
        }

        /* environment */
        carve_config_init(&cfg);
        setenv(env, c->good, 1);
        CHECK(t, carve_config_read_env(&cfg) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.set_mask == bit && cfg.source[c->key] == CARVE_SOURCE_ENV &&
                     unit_str_eq(value_of(&cfg, c->key), c->good));
        carve_config_clear(&cfg);
        setenv(env, c->bad, 1);
        init_sentinel(&cfg);
        CHECK(t, carve_config_read_env(&cfg) < 0);
        snprintf(needle, sizeof needle, "bad value '%s' for %s in environment variable %s", c->bad, c->name,
                 env);
        CHECK_ERROR(t, CARVE_E_BADVALUE, needle, c->accepted);
        CHECK(t, is_sentinel(&cfg));
        carve_config_clear(&cfg);
        unsetenv(env);

        /* YAML file (double-quoted: none of the values holds '"' or '\\') */
        carve_config_init(&cfg);
        snprintf(str, sizeof str, "# %s\n%s: \"%s\"\n", c->name, c->name, c->good);
        if (CHECK(t, write_file(t, "every.yaml", str, strlen(str), path, sizeof path))) {
            CHECK(t, carve_config_read_file(&cfg, path) >= 0);
            CHECK_NO_ERROR(t);
            CHECK(t, cfg.set_mask == bit && cfg.source[c->key] == CARVE_SOURCE_FILE &&
                         unit_str_eq(value_of(&cfg, c->key), c->good));
        }
        carve_config_clear(&cfg);
        snprintf(str, sizeof str, "# %s\n%s: \"%s\"\n", c->name, c->name, c->bad);
        init_sentinel(&cfg);
        if (CHECK(t, write_file(t, "every-bad.yaml", str, strlen(str), path, sizeof path))) {
            CHECK(t, carve_config_read_file(&cfg, path) < 0);
            snprintf(needle, sizeof needle, "bad value '%s' for %s in config file %s line 2", c->bad, c->name,
                     path);
            CHECK_ERROR(t, CARVE_E_BADVALUE, needle, c->accepted);
            CHECK(t, is_sentinel(&cfg));
        }
        carve_config_clear(&cfg);

        /* carve_config_set */
        carve_config_init(&cfg);
        CHECK(t, carve_config_set(&cfg, c->name, c->good, CARVE_SOURCE_FILE, "somewhere") >= 0);
        CHECK(t, cfg.set_mask == bit && cfg.source[c->key] == CARVE_SOURCE_FILE);
        CHECK(t, carve_config_set(&cfg, c->name, c->bad, CARVE_SOURCE_ENV, "somewhere") < 0);
        snprintf(needle, sizeof needle, "bad value '%s' for %s in somewhere", c->bad, c->name);
        CHECK_ERROR(t, CARVE_E_BADVALUE, needle, c->accepted);
        CHECK(t, unit_str_eq(value_of(&cfg, c->key), c->good) && cfg.source[c->key] == CARVE_SOURCE_FILE);
        carve_config_clear(&cfg);
    }
    unset_carve_env();
}

/* ------------------------------------------------------------------------------------------------------ */
/* The replay settings: origin, on_change, read_through, in_memory, log                                    */
/* ------------------------------------------------------------------------------------------------------ */

#define KIB 1024LL
#define MIB (1024LL * KIB)
#define GIB (1024LL * MIB)

/* The typed values of cfg's settings are these. */
static void
check_typed_at(unit_t *t, const carve_config_t *cfg, carve_on_change_t on_change, int read_through,
               long long in_memory, carve_log_t log, const char *file, int line)
{
    unit_check_at(t, carve_config_on_change(cfg) == on_change, "carve_config_on_change as expected", file,
                  line);
    unit_check_at(t, carve_config_read_through(cfg) == read_through, "carve_config_read_through as expected",
                  file, line);
    unit_check_at(t, carve_config_in_memory(cfg) == in_memory, "carve_config_in_memory as expected", file,
                  line);
    if (carve_config_in_memory(cfg) != in_memory && unit_printing(t))
        unit_note(t, "carve_config_in_memory: %lld, expected %lld", carve_config_in_memory(cfg), in_memory);
    unit_check_at(t, carve_config_log(cfg) == log, "carve_config_log as expected", file, line);
}

#define CHECK_TYPED(t, cfg, on_change, read_through, in_memory, log)                                         \
    check_typed_at((t), (cfg), (on_change), (read_through), (in_memory), (log), __FILE__, __LINE__)

/* One accepted value of a replay setting: as the environment and the YAML file give it (and as it is
 * stored), the item that gives it in a connector string, what carve_config_to_string writes, and the typed
 * values it makes (the other settings unset: their defaults). */
typedef struct replay_case_t {
    carve_key_t       key;
    const char       *value;
    const char       *in_string;
    const char       *written;
    carve_on_change_t on_change;
    int               read_through;
    long long         in_memory;
    carve_log_t       log;
} replay_case_t;

#define NO_CHANGE CARVE_ON_CHANGE_ERROR
#define NO_LOG    CARVE_LOG_OFF

static const replay_case_t replay_cases[] = {
    {CARVE_KEY_ON_CHANGE, "error", "on_change=error", "on_change=error", CARVE_ON_CHANGE_ERROR, 0, 0, NO_LOG},
    {CARVE_KEY_ON_CHANGE, "hits", "on_change = hits ", "on_change=hits", CARVE_ON_CHANGE_HITS, 0, 0, NO_LOG},
    {CARVE_KEY_ON_CHANGE, "trust", "on_change={trust}", "on_change=trust", CARVE_ON_CHANGE_TRUST, 0, 0,
     NO_LOG},
    {CARVE_KEY_READ_THROUGH, "yes", "read_through=yes", "read_through=yes", NO_CHANGE, 1, 0, NO_LOG},
    {CARVE_KEY_READ_THROUGH, "no", "read_through=no", "read_through=no", NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "no", "in_memory=no", "in_memory=no", NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "yes", "in_memory=yes", "in_memory=yes", NO_CHANGE, 0, -1, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "4096", "in_memory=4096", "in_memory=4096", NO_CHANGE, 0, 4096, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "64K", "in_memory=64K", "in_memory=64K", NO_CHANGE, 0, 64 * KIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "16M", "in_memory=16M", "in_memory=16M", NO_CHANGE, 0, 16 * MIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "2G", "in_memory=2G", "in_memory=2G", NO_CHANGE, 0, 2 * GIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "1g", "in_memory=1g", "in_memory=1g", NO_CHANGE, 0, GIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "64k", "in_memory={64k}", "in_memory=64k", NO_CHANGE, 0, 64 * KIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "256m", "in_memory=256m", "in_memory=256m", NO_CHANGE, 0, 256 * MIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "1", "in_memory=1", "in_memory=1", NO_CHANGE, 0, 1, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "1K", "in_memory=1K", "in_memory=1K", NO_CHANGE, 0, KIB, NO_LOG},
    /* the largest sizes: LLONG_MAX bytes, and the most gigabytes that fit in it */
    {CARVE_KEY_IN_MEMORY, "9223372036854775807", "in_memory=9223372036854775807",
     "in_memory=9223372036854775807", NO_CHANGE, 0, LLONG_MAX, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "8589934591G", "in_memory=8589934591G", "in_memory=8589934591G", NO_CHANGE, 0,
     8589934591LL * GIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "8796093022207M", "in_memory=8796093022207M", "in_memory=8796093022207M", NO_CHANGE,
     0, 8796093022207LL * MIB, NO_LOG},
    {CARVE_KEY_IN_MEMORY, "9007199254740991k", "in_memory=9007199254740991k", "in_memory=9007199254740991k",
     NO_CHANGE, 0, 9007199254740991LL * KIB, NO_LOG},
    {CARVE_KEY_LOG, "off", "log=off", "log=off", NO_CHANGE, 0, 0, CARVE_LOG_OFF},
    {CARVE_KEY_LOG, "summary", "log=summary", "log=summary", NO_CHANGE, 0, 0, CARVE_LOG_SUMMARY},
    {CARVE_KEY_LOG, "reads", " log\t=\treads ;", "log=reads", NO_CHANGE, 0, 0, CARVE_LOG_READS},
    /* origin: a path or a URL; plain up to ';' (outer blanks trimmed), braced to hold ';' or outer blanks */
    {CARVE_KEY_ORIGIN, "/data/moved/file.h5", "origin=/data/moved/file.h5", "origin=/data/moved/file.h5",
     NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, "relative/dir with blanks/f.h5", "origin = relative/dir with blanks/f.h5 ",
     "origin=relative/dir with blanks/f.h5", NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, "https://example.org/data/file.h5?a=1&b=2",
     "origin=https://example.org/data/file.h5?a=1&b=2", "origin=https://example.org/data/file.h5?a=1&b=2",
     NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, "s3://bucket/carve/file.h5", "origin={s3://bucket/carve/file.h5}",
     "origin=s3://bucket/carve/file.h5", NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, "https://host/f.h5?sig=a;b=c", "origin={https://host/f.h5?sig=a;b=c}",
     "origin={https://host/f.h5?sig=a;b=c}", NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, "/data/a;b.h5", "origin={/data/a;b.h5}", "origin={/data/a;b.h5}", NO_CHANGE, 0, 0,
     NO_LOG},
    {CARVE_KEY_ORIGIN, "/data/{x;y}/f.h5", "origin=/data/{x;y}/f.h5", "origin=/data/{x;y}/f.h5", NO_CHANGE, 0,
     0, NO_LOG},
    {CARVE_KEY_ORIGIN, "{s3;x}", "origin={{s3;x}}", "origin={{s3;x}}", NO_CHANGE, 0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, " /lead/blank.h5", "origin={ /lead/blank.h5}", "origin={ /lead/blank.h5}", NO_CHANGE,
     0, 0, NO_LOG},
    {CARVE_KEY_ORIGIN, "C:\\data\\f.h5", "origin=C:\\data\\f.h5", "origin=C:\\data\\f.h5", NO_CHANGE, 0, 0,
     NO_LOG},
};

/* Checks one config that holds exactly the case's setting, from `source`. */
static void
check_replay_case_at(unit_t *t, const carve_config_t *cfg, const replay_case_t *c, carve_source_t source,
                     const char *file, int line)
{
    const unsigned bit = 1u << c->key;

    unit_check_at(t, cfg->set_mask == bit, "only the case's key is set", file, line);
    unit_check_at(t, cfg->source[c->key] == source, "the key's source as expected", file, line);
    unit_check_at(t, unit_str_eq(value_of(cfg, c->key), c->value), "the key's value as expected", file, line);
    if (!unit_str_eq(value_of(cfg, c->key), c->value) && unit_printing(t))
        unit_note(t, "%s: '%s', expected '%s'", carve_key_name(c->key), value_of(cfg, c->key), c->value);
    check_typed_at(t, cfg, c->on_change, c->read_through, c->in_memory, c->log, file, line);
}

/* Every accepted value of every replay setting from the connector string, the environment, the YAML file
 * (quoted and, where YAML reads it as the same text, plain) and carve_config_set; written back by
 * carve_config_to_string and read again. */
static void
test_replay_values(unit_t *t)
{
    char path[512], yaml[512];

    unset_carve_env();
    for (size_t i = 0; i < sizeof replay_cases / sizeof replay_cases[0]; i++) {
        const replay_case_t *c   = &replay_cases[i];
        const char          *env = carve_key_env(c->key);
        carve_config_t       cfg, back;
        char                *text;

        carve_config_init(&cfg);
        carve_config_init(&back);

        /* connector string */
        CHECK(t, carve_config_parse_string(&cfg, c->in_string) >= 0);
        CHECK_NO_ERROR(t);
        check_replay_case_at(t, &cfg, c, CARVE_SOURCE_STRING, __FILE__, __LINE__);

        /* written back, and read again to the same */
        text = carve_config_to_string(&cfg);
        CHECK(t, unit_str_eq(text, c->written));
        if (!unit_str_eq(text, c->written) && unit_printing(t))
            unit_note(t, "wrote '%s', expected '%s'", text ? text : "(null)", c->written);
        CHECK(t, carve_config_parse_string(&back, text) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, same_settings(&back, &cfg));
        check_replay_case_at(t, &back, c, CARVE_SOURCE_STRING, __FILE__, __LINE__);
        free(text);
        carve_config_clear(&back);
        carve_config_clear(&cfg);

        /* environment, taken as it is */
        setenv(env, c->value, 1);
        CHECK(t, carve_config_read_env(&cfg) >= 0);
        CHECK_NO_ERROR(t);
        check_replay_case_at(t, &cfg, c, CARVE_SOURCE_ENV, __FILE__, __LINE__);
        unsetenv(env);
        /* ...and written so that the string reads it back (braced where the plain form cannot hold it) */
        text = carve_config_to_string(&cfg);
        CHECK(t, carve_config_parse_string(&back, text) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, unit_str_eq(value_of(&back, c->key), c->value) && back.set_mask == cfg.set_mask);
        free(text);
        carve_config_clear(&back);
        carve_config_clear(&cfg);

        /* YAML file, single-quoted (no value holds a quote) */
        snprintf(yaml, sizeof yaml, "# replay settings\n%s: '%s'\n", carve_key_name(c->key), c->value);
        if (CHECK(t, write_file(t, "replay.yaml", yaml, strlen(yaml), path, sizeof path))) {
            CHECK(t, carve_config_read_file(&cfg, path) >= 0);
            CHECK_NO_ERROR(t);
            check_replay_case_at(t, &cfg, c, CARVE_SOURCE_FILE, __FILE__, __LINE__);
        }
        carve_config_clear(&cfg);
        /* ...and plain, for the values YAML reads as the same text (yes, no, off and numbers are text here) */
        if (c->value[0] != ' ' && c->value[0] != '{') {
            snprintf(yaml, sizeof yaml, "%s: %s   # comment\n", carve_key_name(c->key), c->value);
            if (CHECK(t, write_file(t, "replay-plain.yaml", yaml, strlen(yaml), path, sizeof path))) {
                CHECK(t, carve_config_read_file(&cfg, path) >= 0);
                CHECK_NO_ERROR(t);
                check_replay_case_at(t, &cfg, c, CARVE_SOURCE_FILE, __FILE__, __LINE__);
            }
            carve_config_clear(&cfg);
        }

        /* carve_config_set */
        CHECK(t, carve_config_set(&cfg, carve_key_name(c->key), c->value, CARVE_SOURCE_ENV, "here") >= 0);
        CHECK_NO_ERROR(t);
        check_replay_case_at(t, &cfg, c, CARVE_SOURCE_ENV, __FILE__, __LINE__);
        carve_config_clear(&cfg);
        /* cleared: the defaults again */
        CHECK_TYPED(t, &cfg, CARVE_ON_CHANGE_ERROR, 0, 0, CARVE_LOG_OFF);
    }
    unset_carve_env();

    /* all five at once, in any order, with the other keys; each typed value from its own key */
    {
        carve_config_t cfg;
        carve_config_init(&cfg);
        CHECK(t, carve_config_parse_string(&cfg, "log=reads;in_memory=64K;mode=replay;read_through=yes;"
                                                 "origin={s3://bucket/k;v};on_change=hits;dir=/d") >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, cfg.set_mask == (REPLAY_KEYS | (1u << CARVE_KEY_MODE) | (1u << CARVE_KEY_DIR)));
        CHECK(t, unit_str_eq(cfg.origin, "s3://bucket/k;v") && unit_str_eq(cfg.on_change, "hits") &&
                     unit_str_eq(cfg.read_through, "yes") && unit_str_eq(cfg.in_memory, "64K") &&
                     unit_str_eq(cfg.log, "reads"));
        CHECK_TYPED(t, &cfg, CARVE_ON_CHANGE_HITS, 1, 64 * KIB, CARVE_LOG_READS);
        carve_config_clear(&cfg);

        /* a braced origin naming other keys stays one value */
        CHECK(t, carve_config_parse_string(&cfg, "origin={log=reads;on_change=trust};log=summary") >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, unit_str_eq(cfg.origin, "log=reads;on_change=trust") && unit_str_eq(cfg.log, "summary") &&
                     cfg.set_mask == ((1u << CARVE_KEY_ORIGIN) | (1u << CARVE_KEY_LOG)));
        CHECK_TYPED(t, &cfg, CARVE_ON_CHANGE_ERROR, 0, 0, CARVE_LOG_SUMMARY);
        carve_config_clear(&cfg);

        /* a later set replaces the earlier value and its typed value */
        CHECK(t, carve_config_set(&cfg, "in_memory", "yes", CARVE_SOURCE_FILE, "here") >= 0);
        CHECK(t, carve_config_in_memory(&cfg) == -1);
        CHECK(t, carve_config_set(&cfg, "in_memory", "2G", CARVE_SOURCE_ENV, "here") >= 0);
        CHECK(t,
              carve_config_in_memory(&cfg) == 2 * GIB && cfg.source[CARVE_KEY_IN_MEMORY] == CARVE_SOURCE_ENV);
        CHECK(t, carve_config_set(&cfg, "in_memory", "no", CARVE_SOURCE_STRING, "here") >= 0);
        CHECK(t, carve_config_in_memory(&cfg) == 0 && cfg.set_mask == (1u << CARVE_KEY_IN_MEMORY));
        CHECK_NO_ERROR(t);
        carve_config_clear(&cfg);
    }
}

/* A refused value of a replay setting; `reason` is what the message adds before the accepted form ("" for
 * nothing); `in_string`: whether the connector string can carry it braced to the check (no braces of its own,
 * no control characters). */
typedef struct replay_bad_t {
    carve_key_t key;
    const char *value;
    const char *reason;
    const char *form;
    bool        in_string;
} replay_bad_t;

static const replay_bad_t replay_bad[] = {
    {CARVE_KEY_ON_CHANGE, "maybe", "", ON_CHANGE_FORM, true},
    {CARVE_KEY_ON_CHANGE, "ERROR", "", ON_CHANGE_FORM, true},
    {CARVE_KEY_ON_CHANGE, "Hits", "", ON_CHANGE_FORM, true},
    {CARVE_KEY_ON_CHANGE, "", "", ON_CHANGE_FORM, true},
    {CARVE_KEY_ON_CHANGE, " trust", "", ON_CHANGE_FORM, true},
    {CARVE_KEY_ON_CHANGE, "hits,trust", "", ON_CHANGE_FORM, true},
    {CARVE_KEY_READ_THROUGH, "1", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_READ_THROUGH, "0", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_READ_THROUGH, "true", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_READ_THROUGH, "Yes", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_READ_THROUGH, "y", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_READ_THROUGH, "", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_READ_THROUGH, "no ", "", READ_THROUGH_FORM, true},
    {CARVE_KEY_IN_MEMORY, "0", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "00", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "0K", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "-5", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "+5", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "12X", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "1T", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "16MB", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "16 M", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "16M ", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, " 16M", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "1.5G", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "0x10", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "G", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "K", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "YES", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "99999999999999999999G", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "99999999999999999999", "", IN_MEMORY_FORM, true},
    {CARVE_KEY_IN_MEMORY, "9223372036854775808", "", IN_MEMORY_FORM, true},  /* LLONG_MAX + 1 */
    {CARVE_KEY_IN_MEMORY, "8589934592G", "", IN_MEMORY_FORM, true},          /* 2^63 */
    {CARVE_KEY_IN_MEMORY, "8796093022208M", "", IN_MEMORY_FORM, true},       /* 2^63 */
    {CARVE_KEY_IN_MEMORY, "9007199254740992K", "", IN_MEMORY_FORM, true},    /* 2^63 */
    {CARVE_KEY_IN_MEMORY, "18446744073709551616", "", IN_MEMORY_FORM, true}, /* 2^64 */
    {CARVE_KEY_IN_MEMORY, "18446744073709551617", "", IN_MEMORY_FORM, true}, /* 2^64 + 1 */
    /* sizes whose bytes, unchecked, would wrap around 2^64 to 0 or to a small positive size */
    {CARVE_KEY_IN_MEMORY, "17179869184G", "", IN_MEMORY_FORM, true},       /* 2^64: 0 */
    {CARVE_KEY_IN_MEMORY, "17179869185G", "", IN_MEMORY_FORM, true},       /* 2^64 + 2^30: 1G */
    {CARVE_KEY_IN_MEMORY, "17592186044417M", "", IN_MEMORY_FORM, true},    /* 2^64 + 2^20: 1M */
    {CARVE_KEY_IN_MEMORY, "18014398509481985K", "", IN_MEMORY_FORM, true}, /* 2^64 + 2^10: 1K */
    {CARVE_KEY_IN_MEMORY, "25769803777G", "", IN_MEMORY_FORM, true},       /* 1.5 * 2^64 + 2^30: 2^63 + 1G */
    {CARVE_KEY_LOG, "verbose", "", LOG_FORM, true},
    {CARVE_KEY_LOG, "Summary", "", LOG_FORM, true},
    {CARVE_KEY_LOG, "on", "", LOG_FORM, true},
    {CARVE_KEY_LOG, "read", "", LOG_FORM, true},
    {CARVE_KEY_LOG, "", "", LOG_FORM, true},
    {CARVE_KEY_TIMEOUT, "0", "", TIMEOUT_FORM, true},
    {CARVE_KEY_TIMEOUT, "3601", "", TIMEOUT_FORM, true},
    {CARVE_KEY_TIMEOUT, "-5", "", TIMEOUT_FORM, true},
    {CARVE_KEY_TIMEOUT, "1.5", "", TIMEOUT_FORM, true},
    {CARVE_KEY_TIMEOUT, "99999999999999999999", "", TIMEOUT_FORM, true},
    {CARVE_KEY_TIMEOUT, "", "", TIMEOUT_FORM, true},
    {CARVE_KEY_PARALLEL, "0", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "65", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "-1", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "+8", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "8x", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "eight", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, " 8", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "2.5", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "4294967297", "", PARALLEL_FORM, true}, /* 2^32 + 1: 1 if cut to 32 bits */
    {CARVE_KEY_PARALLEL, "99999999999999999999", "", PARALLEL_FORM, true},
    {CARVE_KEY_PARALLEL, "", "", PARALLEL_FORM, true},
    {CARVE_KEY_ORIGIN, "", ": it is empty", ORIGIN_FORM, true},
    {CARVE_KEY_ORIGIN, "/a}{b", ": its braces do not balance", ORIGIN_FORM, false},
    {CARVE_KEY_ORIGIN, "s3://b/{k", ": its braces do not balance", ORIGIN_FORM, false},
    {CARVE_KEY_ORIGIN, "}", ": its braces do not balance", ORIGIN_FORM, false},
};

/* Refused values from the connector string, the environment, the YAML file and carve_config_set: the
 * message names the value, the key, where it came from and the accepted form; nothing changes. */
static void
test_replay_refused(unit_t *t)
{
    char str[512], needle[1024], path[512];

    unset_carve_env();
    for (size_t i = 0; i < sizeof replay_bad / sizeof replay_bad[0]; i++) {
        const replay_bad_t *b    = &replay_bad[i];
        const char         *name = carve_key_name(b->key);
        const char         *env  = carve_key_env(b->key);
        carve_config_t      cfg;

        /* carve_config_set */
        init_sentinel(&cfg);
        CHECK(t, carve_config_set(&cfg, name, b->value, CARVE_SOURCE_STRING, "here") < 0);
        snprintf(needle, sizeof needle, "bad value '%s' for %s in here%s (accepted: %s)", b->value, name,
                 b->reason, b->form);
        CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
        CHECK(t, is_sentinel(&cfg));
        carve_config_clear(&cfg);

        /* connector string, braced (so that blanks reach the check) */
        if (b->in_string) {
            snprintf(str, sizeof str, "mode=carve;%s={%s};log=off", name, b->value);
            snprintf(needle, sizeof needle, "bad value '%s' for %s in connector string%s (accepted: %s)",
                     b->value, name, b->reason, b->form);
            BAD_STRING(t, str, CARVE_E_BADVALUE, needle);
        }

        /* environment (an empty variable is unset) */
        if (b->value[0] != '\0') {
            init_sentinel(&cfg);
            setenv(env, b->value, 1);
            setenv("CARVE_MODE", "carve", 1); /* a good variable with it is dropped too */
            CHECK(t, carve_config_read_env(&cfg) < 0);
            snprintf(needle, sizeof needle,
                     "bad value '%s' for %s in environment variable %s%s (accepted: %s)", b->value, name, env,
                     b->reason, b->form);
            CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
            CHECK(t, is_sentinel(&cfg));
            carve_config_clear(&cfg);
            unsetenv(env);
            unsetenv("CARVE_MODE");
        }

        /* YAML file, single-quoted on line 2 */
        snprintf(str, sizeof str, "mode: replay\n%s: '%s'\n", name, b->value);
        init_sentinel(&cfg);
        if (CHECK(t, write_file(t, "replay-bad.yaml", str, strlen(str), path, sizeof path))) {
            CHECK(t, carve_config_read_file(&cfg, path) < 0);
            snprintf(needle, sizeof needle, "bad value '%s' for %s in config file %s line 2%s (accepted: %s)",
                     b->value, name, path, b->reason, b->form);
            CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
            CHECK(t, is_sentinel(&cfg));
        }
        carve_config_clear(&cfg);
    }
    unset_carve_env();

    /* the forms named in the brief, plain in the connector string */
    BAD_STRING(t, "on_change=maybe", CARVE_E_BADVALUE,
               "bad value 'maybe' for on_change in connector string (accepted: " ON_CHANGE_FORM ")");
    BAD_STRING(t, "read_through=1", CARVE_E_BADVALUE,
               "bad value '1' for read_through in connector string (accepted: " READ_THROUGH_FORM ")");
    BAD_STRING(t, "in_memory=0", CARVE_E_BADVALUE,
               "bad value '0' for in_memory in connector string (accepted: " IN_MEMORY_FORM ")");
    BAD_STRING(t, "in_memory=-5", CARVE_E_BADVALUE, "bad value '-5' for in_memory in connector string",
               IN_MEMORY_FORM);
    BAD_STRING(t, "in_memory=12X", CARVE_E_BADVALUE, "bad value '12X' for in_memory in connector string",
               IN_MEMORY_FORM);
    BAD_STRING(t, "in_memory=99999999999999999999G", CARVE_E_BADVALUE,
               "bad value '99999999999999999999G' for in_memory in connector string", IN_MEMORY_FORM);
    BAD_STRING(t, "log=verbose", CARVE_E_BADVALUE,
               "bad value 'verbose' for log in connector string (accepted: " LOG_FORM ")");
    BAD_STRING(t, "origin=", CARVE_E_BADVALUE,
               "bad value '' for origin in connector string: it is empty (accepted: " ORIGIN_FORM ")");
    BAD_STRING(t, "origin={}", CARVE_E_BADVALUE, "bad value '' for origin in connector string: it is empty");
    BAD_STRING(t, "origin=  ;mode=replay", CARVE_E_BADVALUE, "bad value '' for origin", "it is empty");
    BAD_STRING(t, "in_memory= 16 M ", CARVE_E_BADVALUE, "bad value '16 M' for in_memory", IN_MEMORY_FORM);

    /* the connector string's own syntax around the new keys */
    BAD_STRING(t, "origin={/tmp/f.h5", CARVE_E_BADVALUE,
               "unbalanced braces in the value of 'origin' in connector string",
               "'{' at offset 7 is never closed");
    BAD_STRING(t, "origin=/tmp}", CARVE_E_BADVALUE, "unbalanced braces in the value of 'origin'",
               "no matching '{'");
    BAD_STRING(t, "origin=s3://b/{k;log=reads", CARVE_E_BADVALUE,
               "unbalanced braces in the value of 'origin'", "'{' at offset 14");
    BAD_STRING(t, "origin={s3://b/k}v", CARVE_E_BADVALUE, "unexpected text 'v'", "braced value of 'origin'");
    BAD_STRING(t, "origin=/a;origin=/a", CARVE_E_BADKEY, "key 'origin' is given twice in connector string");
    BAD_STRING(t, "on_change=hits;log=off;on_change=trust", CARVE_E_BADKEY, "key 'on_change' is given twice");
    BAD_STRING(t, "read_through=yes;read_through=yes", CARVE_E_BADKEY, "key 'read_through' is given twice");
    BAD_STRING(t, "in_memory=1;in_memory=2", CARVE_E_BADKEY, "key 'in_memory' is given twice");
    BAD_STRING(t, "log=off;log=off", CARVE_E_BADKEY, "key 'log' is given twice");
    BAD_STRING(t, "Origin=/x", CARVE_E_BADKEY,
               "unknown key 'Origin' in connector string (accepted: " ACCEPTED_KEYS ")");
    BAD_STRING(t, "onchange=hits", CARVE_E_BADKEY, "unknown key 'onchange'", ACCEPTED_KEYS);
    BAD_STRING(t, "read-through=yes", CARVE_E_BADKEY, "unknown key 'read-through'", ACCEPTED_KEYS);
    BAD_STRING(t, "inmemory=yes", CARVE_E_BADKEY, "unknown key 'inmemory'", ACCEPTED_KEYS);
    BAD_STRING(t, "logs=reads", CARVE_E_BADKEY, "unknown key 'logs'", ACCEPTED_KEYS);
    BAD_STRING(t, "log", CARVE_E_BADVALUE, "item 'log' in connector string has no '='", ACCEPTED_KEYS);
    BAD_STRING(t, "origin={/tmp\n}", CARVE_E_BADVALUE, "control character 0x0a", "connector string");
    /* a good replay setting before a bad one is dropped too */
    BAD_STRING(t, "origin=/new.h5;on_change=trust;in_memory=0", CARVE_E_BADVALUE, "for in_memory");

    /* YAML: non-scalars, duplicates, unknown keys, control characters */
    BAD_YAML(t, "replay-seq.yaml", "log: [summary]\n", CARVE_E_BADVALUE,
             "value of log in config file %s line 1 is a sequence (expected a scalar: " LOG_FORM ")", NULL);
    BAD_YAML(t, "replay-map.yaml", "origin: {a: b}\n", CARVE_E_BADVALUE,
             "value of origin in config file %s line 1 is a mapping (expected a scalar: " ORIGIN_FORM ")",
             NULL);
    BAD_YAML(t, "replay-dup.yaml", "in_memory: 1K\nlog: off\nin_memory: 2K\n", CARVE_E_BADKEY,
             "key 'in_memory' is given twice in config file %s (lines 1 and 3)", NULL);
    BAD_YAML(t, "replay-unknown.yaml", "on-change: hits\n", CARVE_E_BADKEY,
             "unknown key 'on-change' in config file %s line 1 (accepted: " ACCEPTED_KEYS ")", NULL);
    BAD_YAML(t, "replay-bool.yaml", "read_through: true\n", CARVE_E_BADVALUE,
             "bad value 'true' for read_through in config file %s line 1 (accepted: " READ_THROUGH_FORM ")",
             NULL);
    BAD_YAML(t, "replay-none.yaml", "on_change:\n", CARVE_E_BADVALUE,
             "bad value '' for on_change in config file %s line", ON_CHANGE_FORM);
    BAD_YAML(t, "replay-origin-none.yaml", "origin:\n", CARVE_E_BADVALUE,
             "bad value '' for origin in config file %s line", "it is empty");
    BAD_YAML(t, "replay-newline.yaml", "origin: \"/a\\nb\"\n", CARVE_E_BADVALUE,
             "for origin in config file %s line 1", "control character 0x0a");

    /* environment: a control character, named with its variable */
    {
        carve_config_t cfg;
        init_sentinel(&cfg);
        setenv("CARVE_ORIGIN", "/a\rb", 1);
        CHECK(t, carve_config_read_env(&cfg) < 0);
        CHECK_ERROR(
            t, CARVE_E_BADVALUE,
            "bad value '/a?b' for origin in environment variable CARVE_ORIGIN: control character 0x0d at "
            "offset 2",
            ORIGIN_FORM);
        CHECK(t, is_sentinel(&cfg));
        CHECK(t, carve_config_set(&cfg, "log", NULL, CARVE_SOURCE_ENV, "here") < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "no value for log in here (accepted: " LOG_FORM ")");
        CHECK(t, carve_config_set(&cfg, "in_memory", NULL, CARVE_SOURCE_ENV, "here") < 0);
        CHECK_ERROR(t, CARVE_E_BADVALUE, "no value for in_memory in here (accepted: " IN_MEMORY_FORM ")");
        CHECK(t, is_sentinel(&cfg));
        carve_config_clear(&cfg);
        unset_carve_env();
    }
}

/* Precedence for the replay settings: connector string > environment > config file > defaults, per key. */
static void
test_replay_precedence(unit_t *t)
{
    const char *text =
        "origin: /file/origin.h5\non_change: hits\nread_through: yes\nin_memory: 1g\nlog: summary\n";
    carve_config_t out, explicit_cfg;
    char           path[512];

    unset_carve_env();

    /* nothing anywhere: the defaults */
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, (out.set_mask & REPLAY_KEYS) == 0 && out.origin == NULL);
    CHECK_TYPED(t, &out, CARVE_ON_CHANGE_ERROR, 0, 0, CARVE_LOG_OFF);
    carve_config_clear(&out);

    /* the environment alone */
    setenv("CARVE_ORIGIN", "https://example.org/env.h5", 1);
    setenv("CARVE_ON_CHANGE", "trust", 1);
    setenv("CARVE_READ_THROUGH", "yes", 1);
    setenv("CARVE_IN_MEMORY", "yes", 1);
    setenv("CARVE_LOG", "reads", 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.set_mask == REPLAY_KEYS && unit_str_eq(out.origin, "https://example.org/env.h5"));
    CHECK_TYPED(t, &out, CARVE_ON_CHANGE_TRUST, 1, -1, CARVE_LOG_READS);
    for (int k = CARVE_KEY_ORIGIN; k <= CARVE_KEY_LOG; k++)
        CHECK(t, out.source[k] == CARVE_SOURCE_ENV);
    carve_config_clear(&out);
    unset_carve_env();

    /* the file alone */
    if (!CHECK(t, write_file(t, "replay-resolve.yaml", text, strlen(text), path, sizeof path)))
        return;
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.set_mask == REPLAY_KEYS && unit_str_eq(out.origin, "/file/origin.h5") &&
                 unit_str_eq(out.in_memory, "1g"));
    CHECK_TYPED(t, &out, CARVE_ON_CHANGE_HITS, 1, GIB, CARVE_LOG_SUMMARY);
    for (int k = CARVE_KEY_ORIGIN; k <= CARVE_KEY_LOG; k++)
        CHECK(t, out.source[k] == CARVE_SOURCE_FILE);
    carve_config_clear(&out);

    /* the environment over the file, key by key (an empty variable is unset: the file's stays) */
    setenv("CARVE_ON_CHANGE", "trust", 1);
    setenv("CARVE_IN_MEMORY", "16M", 1);
    setenv("CARVE_LOG", "reads", 1);
    setenv("CARVE_READ_THROUGH", "", 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(out.origin, "/file/origin.h5") && out.source[CARVE_KEY_ORIGIN] == CARVE_SOURCE_FILE);
    CHECK(t, unit_str_eq(out.on_change, "trust") && out.source[CARVE_KEY_ON_CHANGE] == CARVE_SOURCE_ENV);
    CHECK(t, unit_str_eq(out.read_through, "yes") && out.source[CARVE_KEY_READ_THROUGH] == CARVE_SOURCE_FILE);
    CHECK(t, unit_str_eq(out.in_memory, "16M") && out.source[CARVE_KEY_IN_MEMORY] == CARVE_SOURCE_ENV);
    CHECK(t, unit_str_eq(out.log, "reads") && out.source[CARVE_KEY_LOG] == CARVE_SOURCE_ENV);
    CHECK_TYPED(t, &out, CARVE_ON_CHANGE_TRUST, 1, 16 * MIB, CARVE_LOG_READS);
    carve_config_clear(&out);

    /* the connector string over both */
    carve_config_init(&explicit_cfg);
    CHECK(t, carve_config_parse_string(&explicit_cfg, "origin={s3://bucket/k;v=1};read_through=no;log=off") >=
                 0);
    CHECK(t, carve_config_resolve(&out, &explicit_cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(out.origin, "s3://bucket/k;v=1") &&
                 out.source[CARVE_KEY_ORIGIN] == CARVE_SOURCE_STRING);
    CHECK(t, unit_str_eq(out.on_change, "trust") && out.source[CARVE_KEY_ON_CHANGE] == CARVE_SOURCE_ENV);
    CHECK(t,
          unit_str_eq(out.read_through, "no") && out.source[CARVE_KEY_READ_THROUGH] == CARVE_SOURCE_STRING);
    CHECK(t, unit_str_eq(out.in_memory, "16M") && out.source[CARVE_KEY_IN_MEMORY] == CARVE_SOURCE_ENV);
    CHECK(t, unit_str_eq(out.log, "off") && out.source[CARVE_KEY_LOG] == CARVE_SOURCE_STRING);
    CHECK(t, out.set_mask == REPLAY_KEYS && out.origin != explicit_cfg.origin);
    CHECK_TYPED(t, &out, CARVE_ON_CHANGE_TRUST, 0, 16 * MIB, CARVE_LOG_OFF);
    carve_config_clear(&out);
    carve_config_clear(&explicit_cfg);

    /* the string over the environment for every replay key */
    carve_config_init(&explicit_cfg);
    CHECK(t, carve_config_parse_string(
                 &explicit_cfg, "origin=/str.h5;on_change=error;read_through=yes;in_memory=no;log=summary") >=
                 0);
    CHECK(t, carve_config_resolve(&out, &explicit_cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(out.origin, "/str.h5") && unit_str_eq(out.on_change, "error") &&
                 unit_str_eq(out.read_through, "yes") && unit_str_eq(out.in_memory, "no") &&
                 unit_str_eq(out.log, "summary"));
    for (int k = CARVE_KEY_ORIGIN; k <= CARVE_KEY_LOG; k++)
        CHECK(t, out.source[k] == CARVE_SOURCE_STRING);
    CHECK_TYPED(t, &out, CARVE_ON_CHANGE_ERROR, 1, 0, CARVE_LOG_SUMMARY);
    carve_config_clear(&out);
    carve_config_clear(&explicit_cfg);

    /* a bad value in the environment fails the resolution, naming the variable; out holds nothing */
    setenv("CARVE_IN_MEMORY", "12X", 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    CHECK_ERROR(
        t, CARVE_E_BADVALUE,
        "bad value '12X' for in_memory in environment variable CARVE_IN_MEMORY (accepted: " IN_MEMORY_FORM
        ")");
    CHECK(t, out.set_mask == 0 && out.origin == NULL && out.in_memory == NULL && out.log == NULL);
    unsetenv("CARVE_IN_MEMORY");

    /* a bad value in the file fails it, naming the file, its line and CARVE_CONFIG */
    unset_carve_env();
    text = "log: summary\non_change: maybe\n";
    CHECK(t, write_file(t, "replay-resolve-bad.yaml", text, strlen(text), path, sizeof path));
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    {
        char needle[1024];
        snprintf(needle, sizeof needle,
                 "bad value 'maybe' for on_change in config file %s line 2 (accepted: " ON_CHANGE_FORM ")",
                 path);
        CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
        CHECK(t, carve_config_resolve(&out, NULL) < 0);
        snprintf(needle, sizeof needle,
                 "cannot use config file %s, named by environment variable CARVE_CONFIG", path);
        CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
    }
    CHECK(t, out.set_mask == 0 && out.log == NULL && out.on_change == NULL);
    unset_carve_env();
}

/* carve_config_to_string and the replay settings: written in key order, origin braced only when it must be,
 * read back to the same; what cannot be read back is refused. */
static void
test_replay_to_string(unit_t *t)
{
    carve_config_t cfg, back;
    char          *text, *big;

    ROUNDTRIP(t, "origin=/data/f.h5", "origin=/data/f.h5");
    ROUNDTRIP(t, "origin={/data/f.h5}", "origin=/data/f.h5");
    ROUNDTRIP(t, "origin={s3://bucket/key;v=1}", "origin={s3://bucket/key;v=1}");
    ROUNDTRIP(t, "origin={https://h/x.h5?a=1;b=2}", "origin={https://h/x.h5?a=1;b=2}");
    ROUNDTRIP(t, "origin=/a/{b;c}.h5", "origin=/a/{b;c}.h5");
    ROUNDTRIP(t, "origin={ /lead and trail\t}", "origin={ /lead and trail\t}");
    ROUNDTRIP(t, "origin={{x};y}", "origin={{x};y}");
    ROUNDTRIP(t, "origin={log=reads;mode=carve}", "origin={log=reads;mode=carve}");
    ROUNDTRIP(t, "on_change={hits}", "on_change=hits");
    ROUNDTRIP(t, " in_memory = 2G ", "in_memory=2G");
    ROUNDTRIP(t, "in_memory=8589934591G", "in_memory=8589934591G");
    ROUNDTRIP(t, "log=reads;in_memory=64K;read_through=yes;on_change=trust;origin=https://h/x.h5;mode=replay",
              "mode=replay;origin=https://h/x.h5;on_change=trust;read_through=yes;in_memory=64K;log=reads");
    ROUNDTRIP(
        t,
        "log=summary;in_memory=no;read_through=no;on_change=error;origin={/o;p};skeleton=touched;dir={/d;x};"
        "under_info=;under_vol=0;mode=carve",
        "mode=carve;under_vol=0;under_info={};dir={/d;x};skeleton=touched;origin={/o;p};on_change=error;"
        "read_through=no;in_memory=no;log=summary");

    /* an origin from the environment or a file, with what a plain value could not hold: written braced */
    {
        static const char *const origins[] = {" ;=x; {y} ", "{a}{b}",     "{a} ", " {a}",
                                              "\t",         "s3://b/k;v", "/x ",  "{s3://b}/k"};
        for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
            carve_config_t from_env;
            carve_config_init(&from_env);
            carve_config_init(&back);
            CHECK(t, carve_config_set(&from_env, "origin", origins[i], CARVE_SOURCE_ENV, "test") >= 0);
            text = carve_config_to_string(&from_env);
            CHECK(t, text != NULL && strncmp(text, "origin={", 8) == 0 &&
                         strlen(text) == strlen(origins[i]) + 9);
            CHECK(t, carve_config_parse_string(&back, text) >= 0);
            CHECK_NO_ERROR(t);
            CHECK(t, unit_str_eq(back.origin, origins[i]) && back.set_mask == (1u << CARVE_KEY_ORIGIN));
            free(text);
            carve_config_clear(&back);
            carve_config_clear(&from_env);
        }
    }

    /* what cannot be written back is refused, naming the key and the accepted form */
    {
        static const struct {
            carve_key_t key;
            const char *bad;
            const char *form;
        } refused[] = {
            {CARVE_KEY_ORIGIN, "", ORIGIN_FORM},
            {CARVE_KEY_ORIGIN, "/a}{", ORIGIN_FORM},
            {CARVE_KEY_ON_CHANGE, "maybe", ON_CHANGE_FORM},
            {CARVE_KEY_READ_THROUGH, "1", READ_THROUGH_FORM},
            {CARVE_KEY_IN_MEMORY, "0", IN_MEMORY_FORM},
            {CARVE_KEY_IN_MEMORY, "99999999999999999999G", IN_MEMORY_FORM},
            {CARVE_KEY_LOG, "verbose", LOG_FORM},
        };
        char needle[256];
        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
            const char *name = carve_key_name(refused[i].key);
            char      **field;
            carve_config_init(&cfg);
            switch (refused[i].key) {
                case CARVE_KEY_ORIGIN:
                    field = &cfg.origin;
                    break;
                case CARVE_KEY_ON_CHANGE:
                    field = &cfg.on_change;
                    break;
                case CARVE_KEY_READ_THROUGH:
                    field = &cfg.read_through;
                    break;
                case CARVE_KEY_IN_MEMORY:
                    field = &cfg.in_memory;
                    break;
                default:
                    field = &cfg.log;
                    break;
            }
            cfg.set_mask = 1u << refused[i].key;
            CHECK(t, carve_config_to_string(&cfg) == NULL);
            snprintf(needle, sizeof needle, "cannot write %s: it is marked set but has no value", name);
            CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
            *field = strdup(refused[i].bad);
            CHECK(t, carve_config_to_string(&cfg) == NULL);
            snprintf(needle, sizeof needle, "cannot write %s: its value is not valid (accepted: %s)", name,
                     refused[i].form);
            CHECK_ERROR(t, CARVE_E_BADVALUE, needle);
            carve_config_clear(&cfg);
        }
        carve_config_init(&cfg);
        cfg.set_mask = 1u << CARVE_KEY_ORIGIN;
        cfg.origin   = strdup("/a\nb");
        CHECK(t, carve_config_to_string(&cfg) == NULL);
        CHECK_ERROR(t, CARVE_E_BADVALUE,
                    "cannot write origin: its value has control character 0x0a at offset 2");
        free(cfg.origin);
        cfg.origin = strdup("/ok.h5");
        cfg.set_mask |= 1u << CARVE_KEY_LOG;
        cfg.log = strdup("reads");
        text    = carve_config_to_string(&cfg);
        CHECK(t, unit_str_eq(text, "origin=/ok.h5;log=reads"));
        CHECK_NO_ERROR(t);
        free(text);
        carve_config_clear(&cfg);
    }

    /* an origin that makes exactly CARVE_CONFIG_MAX_STRING bytes is written and read back; one more is not */
    {
        size_t fit      = CARVE_CONFIG_MAX_STRING - strlen("origin=");
        char  *expected = malloc(CARVE_CONFIG_MAX_STRING + 1);
        big             = repeat('o', fit + 1);
        if (CHECK(t, big != NULL && expected != NULL)) {
            big[fit] = '\0';
            snprintf(expected, CARVE_CONFIG_MAX_STRING + 1, "origin=%s", big);
            big[fit] = 'o';
            STRING_LIMIT(t, CARVE_KEY_ORIGIN, big, fit, expected);
        }
        free(expected);
        free(big);
    }
}

/* ------------------------------------------------------------------------------------------------------ */

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, "config"))
        return UNIT_CANNOT_RUN;
    unset_carve_env();

    test_names(&t);
    test_init_clear(&t);
    test_string_valid(&t);
    test_string_malformed(&t);
    test_set(&t);
    test_env(&t);
    test_file(&t);
    test_resolve(&t);
    test_to_string(&t);
    test_copy_merge(&t);
    test_every_key(&t);
    test_parallel_values(&t);
    test_replay_values(&t);
    test_replay_refused(&t);
    test_replay_precedence(&t);
    test_replay_to_string(&t);

    return unit_end(&t);
}
