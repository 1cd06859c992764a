/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_config_yaml.c — fuzz target for carve's YAML config file reader, carve_config_read_file
 * (connector/core/carve_config.c, on libyaml).
 *
 * The input is written, byte for byte, to one temporary file per process (in $TMPDIR, else /dev/shm,
 * else /tmp; created on the first input, rewritten in place for every input, removed at exit) and read twice: into a fresh config and into one
 * whose every key is already set (from the environment). Invariants, each a FUZZ_CHECK:
 *   - both reads accept or both refuse (the reader's outcome does not depend on the config it fills);
 *   - a refused file leaves a message on the error stack and the config exactly as it was (compared with
 *     a snapshot); an accepted one leaves no message;
 *   - what an accepted file sets is valid: known keys only, source "config file", mode off/carve/replay,
 *     under_vol a connector name or value, under_info with balanced braces, dir and origin non-empty with
 *     balanced braces, skeleton full or touched, on_change error/hits/trust, read_through no/yes, in_memory
 *     no/yes/a size, log off/summary/reads, no control characters; unset keys keep their defaults, and the
 *     typed accessors agree with the text;
 *   - reading into the populated config gives the merge of it and the fresh result;
 *   - the settings from the file go through carve_config_to_string and carve_config_parse_string to the
 *     same values;
 *   - nothing carve_core allocated outlives the input (fuzz_end_input).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

/* The per-process file the inputs are written to. */
static char yaml_path[4096];
static int  yaml_fd = -1;

/* Counts printed at exit, to see how deep the inputs got. */
static unsigned long inputs_run, inputs_accepted, keys_set;

static void
report_stats(void)
{
    fprintf(stderr,
            "fuzz_config_yaml: %lu inputs, %lu accepted by carve_config_read_file, setting %lu keys\n",
            inputs_run, inputs_accepted, keys_set);
}

static void
remove_yaml_file(void)
{
    if (yaml_fd >= 0) {
        close(yaml_fd);
        unlink(yaml_path);
        yaml_fd = -1;
    }
}

static void
setup_yaml_file(void)
{
    const char *dir = getenv("TMPDIR");

    if (yaml_fd >= 0)
        return;
    /* Memory-backed when there is one: every input is a rewrite of this file. */
    if (dir == NULL || dir[0] == '\0')
        dir = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(yaml_path, sizeof yaml_path, "%s/carve-fuzz-yaml-XXXXXX", dir);
    yaml_fd = mkstemp(yaml_path);
    FUZZ_CHECK(yaml_fd >= 0, "cannot create a temporary file in %s: %s", dir, strerror(errno));
    atexit(remove_yaml_file);
    atexit(report_stats);
}

/* Replaces the file's content with data[0..size). */
static void
write_yaml_file(const uint8_t *data, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t n = pwrite(yaml_fd, data + done, size - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        FUZZ_CHECK(n > 0, "cannot write %s: %s", yaml_path, strerror(errno));
        done += (size_t)n;
    }
    FUZZ_CHECK(ftruncate(yaml_fd, (off_t)size) == 0, "cannot truncate %s: %s", yaml_path, strerror(errno));
}

/* Reads the file into cfg; checks the message and untouched-on-failure contracts against a snapshot. */
static herr_t
read_checked(carve_config_t *cfg, const char *what)
{
    carve_config_t snapshot;
    char           why[256];
    herr_t         rc;

    FUZZ_CHECK(carve_config_copy(&snapshot, cfg) >= 0, "carve_config_copy failed");
    H5Eclear2(H5E_DEFAULT);
    rc = carve_config_read_file(cfg, yaml_path);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_error_count() > 0, "%s: refused without a message on the error stack", what);
        FUZZ_CHECK(fuzz_config_equal(cfg, &snapshot, true, why, sizeof why),
                   "%s: refused but changed the config: %s", what, why);
    }
    else
        FUZZ_CHECK(fuzz_error_count() == 0, "%s: accepted but left %zd messages on the error stack", what,
                   fuzz_error_count());
    H5Eclear2(H5E_DEFAULT);
    carve_config_clear(&snapshot);
    return rc;
}

/* The file's settings in connector-string form read back to the same values (sources differ: string). */
static void
check_as_string(const carve_config_t *from_file)
{
    char          *text = NULL;
    carve_config_t back;
    char           why[256];

    if (fuzz_expected_string_length(from_file) > CARVE_CONFIG_MAX_STRING)
        return; /* a value near the limit, braced: too long for a connector string, as documented */
    text = carve_config_to_string(from_file);
    FUZZ_CHECK(text != NULL, "carve_config_to_string failed for settings a config file gave");
    carve_config_init(&back);
    FUZZ_CHECK(carve_config_parse_string(&back, text) >= 0,
               "the config file's settings written as '%s' are refused by carve_config_parse_string", text);
    FUZZ_CHECK(back.set_mask == from_file->set_mask &&
                   fuzz_config_equal(&back, from_file, false, why, sizeof why),
               "the config file's settings written as '%s' read back to other settings: %s", text,
               back.set_mask == from_file->set_mask ? why : "other keys set");
    free(text);
    carve_config_clear(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    carve_config_t fresh, populated, base;
    herr_t         rc_fresh, rc_populated;

    fuzz_setup();
    setup_yaml_file();
    fuzz_begin_input(data, size);
    write_yaml_file(data, size);

    carve_config_init(&fresh);
    rc_fresh = read_checked(&fresh, "reading into a fresh config");
    fuzz_config_populated(&populated, CARVE_SOURCE_ENV);
    fuzz_config_populated(&base, CARVE_SOURCE_ENV);
    rc_populated = read_checked(&populated, "reading into a populated config");
    FUZZ_CHECK((rc_fresh < 0) == (rc_populated < 0),
               "the file is %s into a fresh config but %s into a populated one",
               rc_fresh < 0 ? "refused" : "accepted", rc_populated < 0 ? "refused" : "accepted");
    inputs_run++;
    if (rc_fresh >= 0) {
        inputs_accepted++;
        fuzz_note_depth(fresh.set_mask ? 2 : 1);
        for (int k = 0; k < (int)CARVE_KEY_COUNT; k++)
            keys_set += (fresh.set_mask >> k) & 1u;
        fuzz_check_config_valid(&fresh, CARVE_SOURCE_FILE, "settings from the config file");
        fuzz_check_merged(&populated, &base, &fresh, "reading into a populated config");
        check_as_string(&fresh);
    }
    carve_config_clear(&fresh);
    carve_config_clear(&populated);
    carve_config_clear(&base);
    fuzz_end_input();
    return 0;
}
