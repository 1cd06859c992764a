/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_config.h — carve's settings: the keys, their defaults, and reading them from the connector
 * string, the environment (CARVE_*) and an optional YAML file named by CARVE_CONFIG.
 *
 * Precedence, highest first: connector string > environment > config file > defaults.
 * Every key is validated; an unknown key or a malformed value is refused with an error (on the HDF5
 * error stack, carve class) that names the key, where it came from, and the accepted form.
 */
#ifndef CARVE_CONFIG_H
#define CARVE_CONFIG_H

#include <stddef.h>

#include <hdf5.h>

#include "carve_vol.h" /* carve_mode_t */

/* Longest connector string, config file, or single value carve accepts. */
#define CARVE_CONFIG_MAX_STRING ((size_t)64 * 1024)
#define CARVE_CONFIG_MAX_FILE   ((size_t)1024 * 1024)

/* The settings carve knows. Adding one: a value here, a field in carve_config_t, a row in the key table. */
typedef enum carve_key_t {
    CARVE_KEY_MODE = 0,     /* mode=off|carve|replay                         env CARVE_MODE       */
    CARVE_KEY_UNDER_VOL,    /* under_vol=<connector name or value>           env CARVE_UNDER_VOL  */
    CARVE_KEY_UNDER_INFO,   /* under_info={<that connector's info string>}   env CARVE_UNDER_INFO */
    CARVE_KEY_DIR,          /* dir={<directory for containers>}               env CARVE_DIR        */
    CARVE_KEY_SKELETON,     /* skeleton=full|touched                          env CARVE_SKELETON   */
    CARVE_KEY_ORIGIN,       /* origin={<path or URL the origin is read from>} env CARVE_ORIGIN     */
    CARVE_KEY_ON_CHANGE,    /* on_change=error|hits|trust                     env CARVE_ON_CHANGE  */
    CARVE_KEY_READ_THROUGH, /* read_through=no|yes                          env CARVE_READ_THROUGH */
    CARVE_KEY_IN_MEMORY,    /* in_memory=no|yes|<size>[K|M|G]                 env CARVE_IN_MEMORY  */
    CARVE_KEY_LOG,          /* log=off|summary|reads                          env CARVE_LOG        */
    CARVE_KEY_TIMEOUT,      /* timeout=<seconds>                              env CARVE_TIMEOUT    */
    CARVE_KEY_PARALLEL,     /* parallel=<requests in flight>                  env CARVE_PARALLEL   */
    CARVE_KEY_COUNT
} carve_key_t;

/* Where a setting came from (for precedence and for messages). */
typedef enum carve_source_t {
    CARVE_SOURCE_DEFAULT = 0,
    CARVE_SOURCE_FILE,
    CARVE_SOURCE_ENV,
    CARVE_SOURCE_STRING
} carve_source_t;

typedef struct carve_config_t {
    carve_mode_t mode;       /* CARVE_MODE_OFF by default */
    char        *under_vol;  /* NULL: native */
    char        *under_info; /* NULL: no info for the connector below */
    char        *dir;        /* NULL: containers go beside their origin (the current directory for URLs) */
    char        *skeleton;  /* NULL or "full": the whole metadata skeleton; "touched": touched objects only */
    char        *origin;    /* replay: where misses are read from; NULL: the manifest's origin */
    char        *on_change; /* replay: NULL or "error", "hits", "trust" (carve_config_on_change) */
    char        *read_through; /* replay: NULL or "no", "yes" (carve_config_read_through) */
    char        *in_memory;    /* replay: NULL or "no", "yes", a size (carve_config_in_memory) */
    char        *log;          /* NULL or "off", "summary", "reads" (carve_config_log) */
    char        *timeout;      /* NULL or whole seconds 1..3600 (carve_config_timeout) */
    char        *parallel;     /* NULL or 1..64 (carve_config_parallel) */
    unsigned     set_mask;     /* bit (1u << key) set for every key a source gave */
    carve_source_t source[CARVE_KEY_COUNT];
} carve_config_t;

/* Defaults; nothing set. */
void carve_config_init(carve_config_t *cfg);
/* Frees what cfg owns and re-initialises it. */
void carve_config_clear(carve_config_t *cfg);
/* Deep copy into an uninitialised dst. */
herr_t carve_config_copy(carve_config_t *dst, const carve_config_t *src);
/* Copies into dst every key that src has set (dst's other keys stay). */
herr_t carve_config_merge(carve_config_t *dst, const carve_config_t *src);

/* Sets one key from text, validating it. `origin` is used in messages ("connector string",
 * "environment variable CARVE_MODE", "config file /x.yaml line 3"; NULL: "settings"). Every value must be at
 * most CARVE_CONFIG_MAX_STRING bytes without control characters (tab allowed); under_info's braces must
 * balance, so that carve_config_to_string can always write it back. */
herr_t carve_config_set(carve_config_t *cfg, const char *key, const char *value, carve_source_t source,
                        const char *origin);

/* Parses a connector info string: "key=value;key=value", whitespace around items ignored, values may be
 * braced ({...}, nesting allowed, may contain ';') — braces around a value are removed. NULL or "" sets
 * nothing. A key given twice is an error. */
herr_t carve_config_parse_string(carve_config_t *cfg, const char *str);
/* Reads the CARVE_* environment variables (an empty variable counts as unset). */
herr_t carve_config_read_env(carve_config_t *cfg);
/* Reads a YAML file: one mapping of key: scalar (same keys as the string). An empty file (or only
 * comments) sets nothing.
 * The three readers above are all-or-nothing: on failure cfg is unchanged. */
herr_t carve_config_read_file(carve_config_t *cfg, const char *path);

/* Full resolution for a file open: defaults <- CARVE_CONFIG file <- environment <- `explicit_cfg`
 * (may be NULL). out is initialised by this call; on failure it holds nothing to free. */
herr_t carve_config_resolve(carve_config_t *out, const carve_config_t *explicit_cfg);

/* The keys that are set, as a connector string that carve_config_parse_string reads back to the same
 * settings ("mode=carve;under_vol=0;under_info={...}"; "" when nothing is set). Caller frees with free().
 * NULL on failure, including settings that could not be read back (e.g. longer than
 * CARVE_CONFIG_MAX_STRING in total). */
char *carve_config_to_string(const carve_config_t *cfg);

/* What replay does when the origin's stamp differs from the manifest's. */
typedef enum carve_on_change_t {
    CARVE_ON_CHANGE_ERROR = 0, /* refuse the file (default) */
    CARVE_ON_CHANGE_HITS,      /* serve reads the container holds; a read needing the origin fails */
    CARVE_ON_CHANGE_TRUST      /* serve misses from the changed origin anyway */
} carve_on_change_t;

/* What carve reports on stderr. */
typedef enum carve_log_t {
    CARVE_LOG_OFF = 0, /* nothing but errors (default) */
    CARVE_LOG_SUMMARY, /* replay counters per container at exit */
    CARVE_LOG_READS    /* also one line per dataset read: hit, miss or partial */
} carve_log_t;

/* The typed values of the validated text settings (defaults when unset). */
carve_on_change_t carve_config_on_change(const carve_config_t *cfg);
int               carve_config_read_through(const carve_config_t *cfg);
/* in_memory: 0 never, -1 always, > 0: when the container is at most that many bytes. */
long long   carve_config_in_memory(const carve_config_t *cfg);
carve_log_t carve_config_log(const carve_config_t *cfg);
/* The bound, in seconds, of each request carve makes itself (a stamp's HEAD): 30 unless set. */
long carve_config_timeout(const carve_config_t *cfg);
/* How many of its own range requests carve keeps in flight at once (carve_origin_set_parallel): 8 unless
 * set. */
int carve_config_parallel(const carve_config_t *cfg);

/* Parses a mode name; CARVE_MODE_DEFAULT when the name is not one. */
carve_mode_t carve_mode_parse(const char *name);

/* Name of a key, its environment variable (the tests clear each by it); NULL for a key out of range. */
const char *carve_key_name(carve_key_t key);
const char *carve_key_env(carve_key_t key);

#endif /* CARVE_CONFIG_H */
