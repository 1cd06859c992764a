/*
 * test_config.c — unit tests of carve_config (connector/core/carve_config.c): the connector string, the
 * CARVE_* environment, the YAML file named by CARVE_CONFIG, their precedence, and writing settings back.
 *
 * A plain program: each CHECK prints file:line when it fails; the last line is "N passed, M failed" and
 * the exit status is non-zero when anything failed. Expected failures are also checked for the message
 * they leave on the HDF5 error stack (carve's class, the right minor code, and text naming the problem).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_config.h"
#include "carve_error.h"

typedef struct tally_t {
    unsigned passed;
    unsigned failed;
    char     dir[256]; /* temporary directory for YAML files */
} tally_t;

#define MAX_NEEDLES 8

/* ------------------------------------------------------------------------------------------------------ */
/* Checks                                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

static bool
check_at(tally_t *t, bool ok, const char *what, const char *file, int line)
{
    if (ok)
        t->passed++;
    else {
        t->failed++;
        printf("%s:%d: check failed: %s\n", file, line, what);
    }
    return ok;
}

#define CHECK(t, cond) check_at((t), (cond) ? true : false, #cond, __FILE__, __LINE__)

static bool
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

typedef struct stack_search_t {
    hid_t       minor;
    const char *needles[MAX_NEEDLES];
    size_t      count;
    bool        found;
} stack_search_t;

static herr_t
search_entry(unsigned n, const H5E_error2_t *err, void *client_data)
{
    stack_search_t *search = client_data;
    bool            all    = err->cls_id == carve_err_class_g && err->min_num == search->minor && err->desc;

    (void)n;
    for (size_t i = 0; all && i < search->count; i++)
        all = strstr(err->desc, search->needles[i]) != NULL;
    if (all)
        search->found = true;
    return 0;
}

static herr_t
print_entry(unsigned n, const H5E_error2_t *err, void *client_data)
{
    (void)client_data;
    printf("    #%u %s\n", n, err->desc ? err->desc : "(no description)");
    return 0;
}

/* Takes the error stack (leaving it empty) and checks that one carve message with minor code `minor`
 * contains every needle (the list ends with NULL). */
static bool
check_error_at(tally_t *t, const char *file, int line, hid_t minor, ...)
{
    stack_search_t search = {.minor = minor};
    hid_t          stack  = H5Eget_current_stack();
    const char    *needle;
    va_list        ap;
    bool           ok;

    va_start(ap, minor);
    while ((needle = va_arg(ap, const char *)) != NULL && search.count < MAX_NEEDLES)
        search.needles[search.count++] = needle;
    va_end(ap);
    if (stack >= 0)
        H5Ewalk2(stack, H5E_WALK_DOWNWARD, search_entry, &search);
    ok = check_at(t, search.found, "error stack has the expected message", file, line);
    if (!ok) {
        printf("  wanted a message containing:");
        for (size_t i = 0; i < search.count; i++)
            printf(" [%s]", search.needles[i]);
        printf("\n  the stack holds:\n");
        if (stack >= 0)
            H5Ewalk2(stack, H5E_WALK_DOWNWARD, print_entry, NULL);
    }
    if (stack >= 0)
        H5Eclose_stack(stack);
    return ok;
}

#define CHECK_ERROR(t, minor, ...) check_error_at((t), __FILE__, __LINE__, (minor), __VA_ARGS__, (const char *)NULL)

/* Checks that the error stack is empty (after a call that should have succeeded), and clears it. */
static bool
check_no_error_at(tally_t *t, const char *file, int line)
{
    ssize_t count = H5Eget_num(H5E_DEFAULT);
    bool    ok    = check_at(t, count == 0, "error stack is empty", file, line);

    if (!ok)
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, print_entry, NULL);
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

#define CHECK_NO_ERROR(t) check_no_error_at((t), __FILE__, __LINE__)

/* A config with every key set from the connector string, to see that failed reads leave it alone. */
static void
init_sentinel(carve_config_t *cfg)
{
    carve_config_init(cfg);
    carve_config_set(cfg, "mode", "replay", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "under_vol", "sentinel", CARVE_SOURCE_STRING, "test");
    carve_config_set(cfg, "under_info", "keep=me", CARVE_SOURCE_STRING, "test");
}

static bool
is_sentinel(const carve_config_t *cfg)
{
    return cfg->mode == CARVE_MODE_REPLAY && str_eq(cfg->under_vol, "sentinel") &&
           str_eq(cfg->under_info, "keep=me") && cfg->set_mask == 7u;
}

static bool
same_settings(const carve_config_t *a, const carve_config_t *b)
{
    return a->set_mask == b->set_mask && a->mode == b->mode && str_eq(a->under_vol, b->under_vol) &&
           str_eq(a->under_info, b->under_info);
}

/* Parses a string that must be accepted and checks the result; vol/info NULL: not set. */
/* cfg holds exactly these settings, the keys in mask set from `source` and the rest defaults. */
static void
check_settings_at(tally_t *t, const carve_config_t *cfg, carve_mode_t mode, const char *vol, const char *info,
                  unsigned mask, carve_source_t source, const char *file, int line)
{
    check_at(t, cfg->set_mask == mask, "set_mask as expected", file, line);
    check_at(t, cfg->mode == mode, "mode as expected", file, line);
    check_at(t, str_eq(cfg->under_vol, vol), "under_vol as expected", file, line);
    check_at(t, str_eq(cfg->under_info, info), "under_info as expected", file, line);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        check_at(t, cfg->source[k] == ((mask & (1u << k)) ? source : CARVE_SOURCE_DEFAULT), "source as expected",
                 file, line);
}

static void
good_string_at(tally_t *t, const char *file, int line, const char *str, carve_mode_t mode, const char *vol,
               const char *info, unsigned mask)
{
    carve_config_t cfg;
    herr_t         status;

    carve_config_init(&cfg);
    status = carve_config_parse_string(&cfg, str);
    check_at(t, status >= 0, "string is accepted", file, line);
    check_no_error_at(t, file, line);
    check_settings_at(t, &cfg, mode, vol, info, mask, CARVE_SOURCE_STRING, file, line);
    carve_config_clear(&cfg);
}

#define GOOD_STRING(t, str, mode, vol, info, mask) good_string_at((t), __FILE__, __LINE__, (str), (mode), (vol), (info), (mask))

/* Parses a string that must be refused, leaving the config as it was; then checks the error message. */
#define BAD_STRING(t, str, minor, ...)                                                                             \
    do {                                                                                                           \
        carve_config_t bad_cfg_;                                                                                   \
        init_sentinel(&bad_cfg_);                                                                                  \
        H5Eclear2(H5E_DEFAULT);                                                                                    \
        CHECK((t), carve_config_parse_string(&bad_cfg_, (str)) < 0);                                               \
        CHECK_ERROR((t), (minor), __VA_ARGS__);                                                                    \
        CHECK((t), is_sentinel(&bad_cfg_));                                                                        \
        carve_config_clear(&bad_cfg_);                                                                             \
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
write_file(const tally_t *t, const char *name, const char *content, size_t len, char *path, size_t path_size)
{
    FILE *file;
    bool  ok;

    snprintf(path, path_size, "%s/%s", t->dir, name);
    if ((file = fopen(path, "wb")) == NULL)
        return false;
    ok = fwrite(content, 1, len, file) == len;
    return fclose(file) == 0 && ok;
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
test_names(tally_t *t)
{
    CHECK(t, carve_mode_parse("off") == CARVE_MODE_OFF);
    CHECK(t, carve_mode_parse("carve") == CARVE_MODE_CARVE);
    CHECK(t, carve_mode_parse("replay") == CARVE_MODE_REPLAY);
    CHECK(t, carve_mode_parse("Carve") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse("carve ") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse("default") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse("") == CARVE_MODE_DEFAULT);
    CHECK(t, carve_mode_parse(NULL) == CARVE_MODE_DEFAULT);

    CHECK(t, str_eq(carve_mode_name(CARVE_MODE_DEFAULT), "default"));
    CHECK(t, str_eq(carve_mode_name(CARVE_MODE_OFF), "off"));
    CHECK(t, str_eq(carve_mode_name(CARVE_MODE_CARVE), "carve"));
    CHECK(t, str_eq(carve_mode_name(CARVE_MODE_REPLAY), "replay"));
    CHECK(t, str_eq(carve_mode_name((carve_mode_t)42), "unknown"));
    for (int m = CARVE_MODE_OFF; m <= CARVE_MODE_REPLAY; m++)
        CHECK(t, carve_mode_parse(carve_mode_name((carve_mode_t)m)) == (carve_mode_t)m);

    CHECK(t, str_eq(carve_key_name(CARVE_KEY_MODE), "mode"));
    CHECK(t, str_eq(carve_key_name(CARVE_KEY_UNDER_VOL), "under_vol"));
    CHECK(t, str_eq(carve_key_name(CARVE_KEY_UNDER_INFO), "under_info"));
    CHECK(t, carve_key_name(CARVE_KEY_COUNT) == NULL);
    CHECK(t, str_eq(carve_key_env(CARVE_KEY_MODE), "CARVE_MODE"));
    CHECK(t, str_eq(carve_key_env(CARVE_KEY_UNDER_VOL), "CARVE_UNDER_VOL"));
    CHECK(t, str_eq(carve_key_env(CARVE_KEY_UNDER_INFO), "CARVE_UNDER_INFO"));
    CHECK(t, carve_key_env(CARVE_KEY_COUNT) == NULL);
}

static void
test_init_clear(tally_t *t)
{
    carve_config_t cfg;

    carve_config_init(&cfg);
    CHECK(t, cfg.mode == CARVE_MODE_OFF);
    CHECK(t, cfg.under_vol == NULL);
    CHECK(t, cfg.under_info == NULL);
    CHECK(t, cfg.set_mask == 0);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, cfg.source[k] == CARVE_SOURCE_DEFAULT);

    init_sentinel(&cfg);
    CHECK_NO_ERROR(t);
    CHECK(t, is_sentinel(&cfg));
    carve_config_clear(&cfg);
    CHECK(t, cfg.mode == CARVE_MODE_OFF && cfg.under_vol == NULL && cfg.under_info == NULL && cfg.set_mask == 0);
    carve_config_clear(&cfg); /* twice is fine */
    carve_config_clear(NULL);
    CHECK(t, cfg.set_mask == 0);
}

static void
test_string_valid(tally_t *t)
{
    const unsigned M = 1u << CARVE_KEY_MODE, V = 1u << CARVE_KEY_UNDER_VOL, I = 1u << CARVE_KEY_UNDER_INFO;
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
    GOOD_STRING(t, " mode=replay ; under_vol = 0 ; under_info = {x} ; ", CARVE_MODE_REPLAY, "0", "x", M | V | I);

    /* braces: stripped once, nested, ';' and '=' inside belong to the value, inner blanks kept */
    GOOD_STRING(t, "under_info={under_vol=0;under_info={}}", CARVE_MODE_OFF, NULL, "under_vol=0;under_info={}", I);
    GOOD_STRING(t, "under_vol=0;under_info={under_vol=0;under_info={a;b={c}}};mode=carve", CARVE_MODE_CARVE, "0",
                "under_vol=0;under_info={a;b={c}}", M | V | I);
    GOOD_STRING(t, "under_info={ a b }", CARVE_MODE_OFF, NULL, " a b ", I);
    GOOD_STRING(t, "under_info={{x}}", CARVE_MODE_OFF, NULL, "{x}", I);
    GOOD_STRING(t, "under_info = {x} ;mode=off", CARVE_MODE_OFF, NULL, "x", I | M);
    GOOD_STRING(t, "under_info=a{b;c}d", CARVE_MODE_OFF, NULL, "a{b;c}d", I);
    GOOD_STRING(t, "mode={carve}", CARVE_MODE_CARVE, NULL, NULL, M);

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
        CHECK(t, str_eq(cfg.under_info, value));
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
        CHECK(t, cfg.mode == CARVE_MODE_CARVE && str_eq(cfg.under_vol, "sentinel") &&
                     str_eq(cfg.under_info, "keep=me") && cfg.set_mask == 7u);
        CHECK(t, cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV);
        CHECK(t, cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING);
        carve_config_clear(&cfg);
    }
}

static void
test_string_malformed(tally_t *t)
{
    char *big, *key;

    /* unknown and empty keys, missing '=' */
    BAD_STRING(t, "mdoe=carve", CARVE_E_BADKEY,
               "unknown key 'mdoe' in connector string (accepted: mode, under_vol, under_info)");
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
    BAD_STRING(t, "under_info={a};under_vol=0;under_info=", CARVE_E_BADKEY, "key 'under_info' is given twice");

    /* bad values */
    BAD_STRING(t, "mode=carv", CARVE_E_BADVALUE,
               "bad value 'carv' for mode in connector string (accepted: off, carve, replay)");
    BAD_STRING(t, "mode=Carve", CARVE_E_BADVALUE, "bad value 'Carve' for mode");
    BAD_STRING(t, "mode=", CARVE_E_BADVALUE, "bad value '' for mode in connector string");
    BAD_STRING(t, "mode={ carve }", CARVE_E_BADVALUE, "bad value ' carve ' for mode");
    BAD_STRING(t, "under_vol=", CARVE_E_BADVALUE, "bad value '' for under_vol in connector string", "empty");
    BAD_STRING(t, "under_vol=my conn", CARVE_E_BADVALUE, "bad value 'my conn' for under_vol", "accepted:");
    BAD_STRING(t, "under_vol=a/b", CARVE_E_BADVALUE, "bad value 'a/b' for under_vol");
    BAD_STRING(t, "under_vol=2147483648", CARVE_E_BADVALUE, "bad value '2147483648' for under_vol", "out of range");
    BAD_STRING(t, "under_vol=99999999999999999999999", CARVE_E_BADVALUE, "for under_vol", "out of range");
    BAD_STRING(t, "mode=carve;under_vol={a;b}", CARVE_E_BADVALUE, "bad value 'a;b' for under_vol");

    /* braces */
    BAD_STRING(t, "under_info={abc", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'", "connector string",
               "offset 11", "never closed");
    BAD_STRING(t, "under_info={a{b}", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'", "never closed");
    BAD_STRING(t, "under_info={a}}", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'", "'}' at offset 14");
    BAD_STRING(t, "under_info={a} };mode=off", CARVE_E_BADVALUE, "unbalanced braces", "'}' at offset 15");
    BAD_STRING(t, "under_info=a}", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'", "no matching '{'");
    BAD_STRING(t, "mode=carve}", CARVE_E_BADVALUE, "unbalanced braces in the value of 'mode'");
    BAD_STRING(t, "under_info=a{b;mode=carve", CARVE_E_BADVALUE, "unbalanced braces", "'under_info'",
               "'{' at offset 12");
    BAD_STRING(t, "under_info={a}b", CARVE_E_BADVALUE, "unexpected text 'b'", "'under_info'", "connector string");
    BAD_STRING(t, "under_info={a} b;mode=off", CARVE_E_BADVALUE, "unexpected text 'b;mode=off'");

    /* control characters */
    BAD_STRING(t, "mode=ca\001rve", CARVE_E_BADVALUE, "control character 0x01 at offset 7 in connector string");
    BAD_STRING(t, "mode=carve\n", CARVE_E_BADVALUE, "control character 0x0a", "connector string");
    BAD_STRING(t, "mode=carve;\r\nunder_vol=0", CARVE_E_BADVALUE, "control character 0x0d");
    BAD_STRING(t, "under_info={\033[31m}", CARVE_E_BADVALUE, "control character 0x1b");
    BAD_STRING(t, "\177", CARVE_E_BADVALUE, "control character 0x7f");

    /* everything before the bad item is dropped too */
    BAD_STRING(t, "mode=carve;under_vol=native;mdoe=x", CARVE_E_BADKEY, "unknown key 'mdoe'");

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
test_set(tally_t *t)
{
    carve_config_t cfg;
    char          *big;

    carve_config_init(&cfg);
    CHECK(t, carve_config_set(&cfg, "mode", "carve", CARVE_SOURCE_ENV, "somewhere") >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.mode == CARVE_MODE_CARVE && cfg.set_mask == 1u && cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_ENV);
    CHECK(t, carve_config_set(&cfg, "under_info", "", CARVE_SOURCE_FILE, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, str_eq(cfg.under_info, "") && cfg.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_FILE);
    CHECK(t, carve_config_set(&cfg, "under_info", "{}", CARVE_SOURCE_FILE, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, str_eq(cfg.under_info, "{}"));
    CHECK(t, carve_config_set(&cfg, "under_info", "tab\there", CARVE_SOURCE_FILE, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, str_eq(cfg.under_info, "tab\there"));

    CHECK(t, carve_config_set(&cfg, "mdoe", "carve", CARVE_SOURCE_ENV, "my origin") < 0);
    CHECK_ERROR(t, CARVE_E_BADKEY, "unknown key 'mdoe' in my origin (accepted: mode, under_vol, under_info)");
    CHECK(t, carve_config_set(&cfg, "mode", "carv", CARVE_SOURCE_ENV, "environment variable CARVE_MODE") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE,
                "bad value 'carv' for mode in environment variable CARVE_MODE (accepted: off, carve, replay)");
    CHECK(t, carve_config_set(&cfg, "mode", NULL, CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "no value for mode in here");
    CHECK(t, carve_config_set(&cfg, "under_info", "a}{b", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'a}{b' for under_info in here", "braces do not balance");
    CHECK(t, carve_config_set(&cfg, "under_info", "{", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "for under_info", "braces do not balance");
    CHECK(t, carve_config_set(&cfg, "under_info", "two\nlines", CARVE_SOURCE_ENV, "here") < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "bad value 'two?lines' for under_info in here", "control character 0x0a");
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
}

static void
test_env(tally_t *t)
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
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.set_mask == 0 && cfg.under_info == NULL);

    setenv("CARVE_MODE", "carve", 1);
    setenv("CARVE_UNDER_VOL", "native", 1);
    setenv("CARVE_UNDER_INFO", "under_vol=0;under_info={}", 1);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.mode == CARVE_MODE_CARVE);
    CHECK(t, str_eq(cfg.under_vol, "native"));
    CHECK(t, str_eq(cfg.under_info, "under_vol=0;under_info={}"));
    CHECK(t, cfg.set_mask == 7u);
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, cfg.source[k] == CARVE_SOURCE_ENV);
    carve_config_clear(&cfg);

    /* only what is set is taken */
    unset_carve_env();
    setenv("CARVE_UNDER_VOL", "3", 1);
    init_sentinel(&cfg);
    CHECK(t, carve_config_read_env(&cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, cfg.mode == CARVE_MODE_REPLAY && str_eq(cfg.under_vol, "3") && str_eq(cfg.under_info, "keep=me"));
    CHECK(t, cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV && cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING);
    carve_config_clear(&cfg);

    /* bad values name the variable; a failure leaves the config alone, even the good variables */
    unset_carve_env();
    setenv("CARVE_MODE", "carv", 1);
    init_sentinel(&cfg);
    CHECK(t, carve_config_read_env(&cfg) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE,
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
    carve_config_clear(&cfg);
    unset_carve_env();
}

/* Reads YAML text from a file named name; expects success. */
static void
good_yaml_at(tally_t *t, const char *file, int line, const char *name, const char *text, carve_mode_t mode,
             const char *vol, const char *info, unsigned mask)
{
    carve_config_t cfg;
    char           path[512];

    carve_config_init(&cfg);
    if (!check_at(t, write_file(t, name, text, strlen(text), path, sizeof path), "test file written", file, line))
        return;
    check_at(t, carve_config_read_file(&cfg, path) >= 0, "file is accepted", file, line);
    check_no_error_at(t, file, line);
    check_settings_at(t, &cfg, mode, vol, info, mask, CARVE_SOURCE_FILE, file, line);
    carve_config_clear(&cfg);
}

#define GOOD_YAML(t, name, text, mode, vol, info, mask)                                                            \
    good_yaml_at((t), __FILE__, __LINE__, (name), (text), (mode), (vol), (info), (mask))

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
bad_yaml_at(tally_t *t, const char *file, int line, const char *name, const char *text, hid_t minor,
            const char *with_path, const char *other)
{
    carve_config_t cfg;
    char           path[512];
    char           needle[1024];

    init_sentinel(&cfg);
    H5Eclear2(H5E_DEFAULT);
    if (!check_at(t, write_file(t, name, text, strlen(text), path, sizeof path), "test file written", file, line))
        return;
    check_at(t, carve_config_read_file(&cfg, path) < 0, "file is refused", file, line);
    splice_path(needle, sizeof needle, with_path, path);
    check_error_at(t, file, line, minor, needle, other, (const char *)NULL);
    check_at(t, is_sentinel(&cfg), "config unchanged", file, line);
    carve_config_clear(&cfg);
}

#define BAD_YAML(t, name, text, minor, with_path, other)                                                           \
    bad_yaml_at((t), __FILE__, __LINE__, (name), (text), (minor), (with_path), (other))

static void
test_file(tally_t *t)
{
    const unsigned M = 1u << CARVE_KEY_MODE, V = 1u << CARVE_KEY_UNDER_VOL, I = 1u << CARVE_KEY_UNDER_INFO;
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
    BAD_YAML(t, "toplist.yaml", "- mode: carve\n", CARVE_E_BADVALUE, "config file %s line 1: the top level is a sequence",
             "expected a mapping");
    BAD_YAML(t, "topscalar.yaml", "mode=carve\n", CARVE_E_BADVALUE, "config file %s line 1: the top level is a scalar",
             NULL);
    BAD_YAML(t, "complexkey.yaml", "? [mode]\n: carve\n", CARVE_E_BADKEY, "config file %s line 1: a key is a sequence",
             NULL);
    BAD_YAML(t, "twodocs.yaml", "mode: carve\n---\nmode: off\n", CARVE_E_BADVALUE,
             "config file %s line 3: a second YAML document", NULL);

    /* keys and values */
    BAD_YAML(t, "unknown.yaml", "mode: carve\nmdoe: off\n", CARVE_E_BADKEY,
             "unknown key 'mdoe' in config file %s line 2 (accepted: mode, under_vol, under_info)", NULL);
    BAD_YAML(t, "dup.yaml", "mode: carve\nunder_vol: 0\nmode: off\n", CARVE_E_BADKEY,
             "key 'mode' is given twice in config file %s (lines 1 and 3)", NULL);
    BAD_YAML(t, "badmode.yaml", "under_vol: 0\nmode: carv\n", CARVE_E_BADVALUE,
             "bad value 'carv' for mode in config file %s line 2 (accepted: off, carve, replay)", NULL);
    BAD_YAML(t, "nomode.yaml", "mode:\n", CARVE_E_BADVALUE, "bad value '' for mode in config file %s line", NULL);
    BAD_YAML(t, "badvol.yaml", "under_vol: -1 x\n", CARVE_E_BADVALUE, "bad value '-1 x' for under_vol in config file %s line 1",
             NULL);
    BAD_YAML(t, "braces.yaml", "under_info: \"a{\"\n", CARVE_E_BADVALUE, "for under_info in config file %s line 1",
             "braces do not balance");
    BAD_YAML(t, "newline.yaml", "under_info: \"a\\nb\"\n", CARVE_E_BADVALUE, "for under_info in config file %s line 1",
             "control character 0x0a");
    BAD_YAML(t, "nul.yaml", "mode: \"car\\0ve\"\n", CARVE_E_BADVALUE, "value of mode in config file %s line 1",
             "NUL character");

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
        snprintf(needle, sizeof needle, "config file %s is larger than 1048576 bytes (CARVE_CONFIG_MAX_FILE)", path);
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
    CHECK(t, cfg.mode == CARVE_MODE_REPLAY && str_eq(cfg.under_vol, "native") && str_eq(cfg.under_info, "keep=me"));
    CHECK(t, cfg.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_FILE && cfg.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING);
    carve_config_clear(&cfg);
}

static void
test_resolve(tally_t *t)
{
    carve_config_t out, explicit_cfg;
    char           path[512];
    char           needle[1024];
    const char    *text = "mode: replay\nunder_vol: filevol\nunder_info: fileinfo\n";

    unset_carve_env();

    /* nothing anywhere: defaults */
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_OFF && out.under_vol == NULL && out.under_info == NULL && out.set_mask == 0);
    carve_config_clear(&out);

    /* the file alone */
    if (!CHECK(t, write_file(t, "resolve.yaml", text, strlen(text), path, sizeof path)))
        return;
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_REPLAY && str_eq(out.under_vol, "filevol") && str_eq(out.under_info, "fileinfo"));
    for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
        CHECK(t, out.source[k] == CARVE_SOURCE_FILE);
    carve_config_clear(&out);

    /* the environment over the file */
    setenv("CARVE_UNDER_VOL", "envvol", 1);
    setenv("CARVE_MODE", "carve", 1);
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_CARVE && str_eq(out.under_vol, "envvol") && str_eq(out.under_info, "fileinfo"));
    CHECK(t, out.source[CARVE_KEY_MODE] == CARVE_SOURCE_ENV && out.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_FILE);
    carve_config_clear(&out);

    /* the connector string over both */
    carve_config_init(&explicit_cfg);
    CHECK(t, carve_config_parse_string(&explicit_cfg, "under_info={strinfo};mode=off") >= 0);
    CHECK(t, carve_config_resolve(&out, &explicit_cfg) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.mode == CARVE_MODE_OFF && str_eq(out.under_vol, "envvol") && str_eq(out.under_info, "strinfo"));
    CHECK(t, out.source[CARVE_KEY_MODE] == CARVE_SOURCE_STRING && out.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_ENV &&
                 out.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_STRING);
    CHECK(t, out.set_mask == 7u);
    CHECK(t, out.under_info != explicit_cfg.under_info); /* a copy */
    carve_config_clear(&out);
    carve_config_clear(&explicit_cfg);

    /* an empty CARVE_CONFIG is unset */
    setenv("CARVE_CONFIG", "", 1);
    unsetenv("CARVE_MODE");
    CHECK(t, carve_config_resolve(&out, NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, out.set_mask == (1u << CARVE_KEY_UNDER_VOL) && str_eq(out.under_vol, "envvol"));
    carve_config_clear(&out);

    /* failures leave out empty, and say where the file's name came from */
    snprintf(path, sizeof path, "%s/nowhere.yaml", t->dir);
    setenv("CARVE_CONFIG", path, 1);
    CHECK(t, carve_config_resolve(&out, NULL) < 0);
    snprintf(needle, sizeof needle, "cannot use config file %s, named by environment variable CARVE_CONFIG", path);
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
    CHECK(t, out.set_mask == 0 && out.under_vol == NULL && out.under_info == NULL); /* the file's settings freed */

    unset_carve_env();
}

static void
roundtrip_at(tally_t *t, const char *file, int line, const char *str, const char *expected)
{
    carve_config_t first, second;
    char          *text = NULL, *again = NULL;

    carve_config_init(&first);
    carve_config_init(&second);
    check_at(t, carve_config_parse_string(&first, str) >= 0, "parse", file, line);
    text = carve_config_to_string(&first);
    check_at(t, text != NULL, "to_string", file, line);
    if (expected)
        check_at(t, str_eq(text, expected), "to_string gives the expected text", file, line);
    check_at(t, carve_config_parse_string(&second, text) >= 0, "parse the written text", file, line);
    check_at(t, same_settings(&first, &second), "same settings after a round trip", file, line);
    again = carve_config_to_string(&second);
    check_at(t, str_eq(text, again), "written twice the same", file, line);
    check_no_error_at(t, file, line);
    free(text);
    free(again);
    carve_config_clear(&first);
    carve_config_clear(&second);
}

#define ROUNDTRIP(t, str, expected) roundtrip_at((t), __FILE__, __LINE__, (str), (expected))

static void
test_to_string(tally_t *t)
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

    /* values set from other sources round-trip too */
    carve_config_init(&cfg);
    carve_config_init(&back);
    CHECK(t, carve_config_set(&cfg, "under_info", " ;=x; ", CARVE_SOURCE_ENV, "test") >= 0);
    CHECK(t, carve_config_set(&cfg, "under_vol", "pass_through", CARVE_SOURCE_FILE, "test") >= 0);
    text = carve_config_to_string(&cfg);
    CHECK(t, str_eq(text, "under_vol=pass_through;under_info={ ;=x; }"));
    CHECK(t, carve_config_parse_string(&back, text) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, same_settings(&cfg, &back));
    free(text);
    carve_config_clear(&back);

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
}

static void
test_copy_merge(tally_t *t)
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
    carve_config_clear(&src);
    CHECK(t, str_eq(copy.under_vol, "sentinel") && str_eq(copy.under_info, "keep=me"));
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
    CHECK(t, str_eq(dst.under_vol, "b") && dst.source[CARVE_KEY_UNDER_VOL] == CARVE_SOURCE_STRING);
    CHECK(t, str_eq(dst.under_info, "x") && dst.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_STRING);
    CHECK(t, dst.set_mask == 7u);
    CHECK(t, dst.under_vol != src.under_vol);

    /* merging nothing, or into itself, changes nothing */
    carve_config_clear(&src);
    CHECK(t, carve_config_merge(&dst, &src) >= 0);
    CHECK(t, carve_config_merge(&dst, &dst) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, dst.mode == CARVE_MODE_CARVE && str_eq(dst.under_vol, "b") && str_eq(dst.under_info, "x"));

    /* merge overrides over and over without leaking (valgrind watches) */
    for (int i = 0; i < 10; i++) {
        carve_config_set(&src, "under_info", i % 2 ? "odd" : "even", CARVE_SOURCE_FILE, "test");
        CHECK(t, carve_config_merge(&dst, &src) >= 0);
    }
    CHECK(t, str_eq(dst.under_info, "odd") && dst.source[CARVE_KEY_UNDER_INFO] == CARVE_SOURCE_FILE);
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

/* ------------------------------------------------------------------------------------------------------ */

static void
remove_dir(const char *dir)
{
    DIR           *d = opendir(dir);
    struct dirent *entry;
    char           path[512];

    if (d == NULL)
        return;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int
main(void)
{
    tally_t     t   = {0};
    const char *tmp = getenv("TMPDIR");

    if (carve_error_init() < 0) {
        printf("carve_error_init failed\n");
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    snprintf(t.dir, sizeof t.dir, "%s/carve_test_config.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(t.dir) == NULL) {
        printf("mkdtemp %s: %s\n", t.dir, strerror(errno));
        return 2;
    }
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

    remove_dir(t.dir);
    carve_error_term();
    H5close();
    printf("%u passed, %u failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
