/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_origin.c — unit tests of carve_origin (connector/core/carve_origin.c): locations, local stamps
 * (size and mtime), the comparison and description of stamps, the container/manifest/lock paths, and
 * remote stamps taken with a HEAD request against the project's loopback S3 server (test/s3/s3server.py):
 * anonymous, signed with AWS SigV4 from a ROS3 access list (keys, temporary keys with a session token),
 * and the failures (missing key, wrong secret, server down); and validated range reads (carve_origin_fetch)
 * one request at a time and with several in flight: byte-exact, one request per group of neighbours,
 * concurrency seen by the server (its INFLIGHT log lines, never a timing), signed per handle, and a fault
 * aimed at one request of a parallel batch failing exactly that group, with the reason; connections kept
 * between fetches of a URL while it has them open (counted by the server), and replaced when the server
 * closed or dropped one.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed. Expected failures are
 * checked for the message they leave on the HDF5 error stack.
 *
 * The remote part runs when CARVE_TEST_S3_DIR (test/s3 of the source tree) and CARVE_TEST_PYTHON are set
 * (test_origin.cmake sets them); the program then starts two servers with test/s3/s3ctl.sh (one
 * anonymous, one verifying SigV4) in CARVE_TEST_S3_STATE, and a third one restarted with the options each
 * parallel fetch test needs (--latency-ms, --log-inflight, --fault ... --fault-offset), uploads with
 * test/s3/s3client.py, and stops them before it exits.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <H5FDros3.h> /* after hdf5.h: it needs H5pubconf.h */

#include "carve_error.h"
#include "carve_origin.h"
#include "unit_test.h"

/* Credentials of the SigV4 server (loopback only; nothing secret about them). */
#define S3_BUCKET     "carve-test"
#define S3_REGION     "us-east-1"
#define S3_ID         "AKIDCARVETEST"
#define S3_SECRET     "carve-test-secret"
#define S3_TMP_ID     "ASIACARVETEMP"
#define S3_TMP_SECRET "carve-temp-secret"
#define S3_TOKEN      "carve-session-token"

/* ------------------------------------------------------------------------------------------------------ */
/* Helpers                                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

static char *
join_path(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char  *out = malloc(len);

    if (out)
        snprintf(out, len, "%s/%s", dir, name);
    return out;
}

/* Writes `size` bytes of `fill` to path (truncating). */
static bool
write_file(const char *path, size_t size, char fill)
{
    FILE *f = fopen(path, "wb");
    bool  ok;

    if (f == NULL)
        return false;
    ok = true;
    for (size_t i = 0; i < size && ok; i++)
        ok = fputc(fill, f) != EOF;
    return fclose(f) == 0 && ok;
}

static bool
set_mtime(const char *path, int64_t sec, int64_t nsec)
{
    struct timespec times[2];

    times[0].tv_sec  = (time_t)sec;
    times[0].tv_nsec = (long)nsec;
    times[1]         = times[0];
    return utimensat(AT_FDCWD, path, times, 0) == 0;
}

/* Runs argv (NULL-terminated) and waits; true when it exits with status 0. */
static bool
run_command(char *const argv[])
{
    pid_t pid;
    int   status;

    fflush(stdout);
    fflush(stderr);
    if ((pid = fork()) < 0)
        return false;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);

        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        execvp(argv[0], argv);
        fprintf(stderr, "test_origin: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A TCP port on 127.0.0.1 that nothing listens on (bound, read, released). 0 on failure. */
static int
unused_port(void)
{
    struct sockaddr_in addr;
    socklen_t          len  = sizeof addr;
    int                fd   = socket(AF_INET, SOCK_STREAM, 0);
    int                port = 0;

    if (fd < 0)
        return 0;
    memset(&addr, 0, sizeof addr);
    addr.sin_family      = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Locations                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

static void
test_is_url(unit_t *t)
{
    CHECK(t, carve_origin_is_url("http://example.com/a.h5") == 1);
    CHECK(t, carve_origin_is_url("https://example.com/a.h5") == 1);
    CHECK(t, carve_origin_is_url("HTTPS://example.com/a.h5") == 1);
    CHECK(t, carve_origin_is_url("Http://x") == 1);
    CHECK(t, carve_origin_is_url("/data/http://x") == 0);
    CHECK(t, carve_origin_is_url("http:/x") == 0);
    CHECK(t, carve_origin_is_url("s3://bucket/key") == 0);
    CHECK(t, carve_origin_is_url("file.h5") == 0);
    CHECK(t, carve_origin_is_url("") == 0);
    CHECK(t, carve_origin_is_url(NULL) == 0);
}

static void
test_location(unit_t *t)
{
    char *file     = join_path(t->dir, "loc.h5");
    char *link     = join_path(t->dir, "loc-link.h5");
    char *missing  = join_path(t->dir, "no-such-dir/missing.h5");
    char *location = NULL;

    CHECK(t, write_file(file, 10, 'x'));
    CHECK(t, symlink(file, link) == 0);

    /* Absolute, relative (the current directory is t->dir), through a symlink and a "..": one location. */
    CHECK(t, carve_origin_location(file, &location) >= 0);
    CHECK_NO_ERROR(t);
    CHECK_STR(t, location, file);
    free(location);
    location = NULL;
    CHECK(t, carve_origin_location("loc.h5", &location) >= 0);
    CHECK_STR(t, location, file);
    free(location);
    location = NULL;
    CHECK(t, mkdir("d", 0700) == 0);
    CHECK(t, carve_origin_location("d/../loc.h5", &location) >= 0);
    CHECK_STR(t, location, file);
    free(location);
    location = NULL;
    CHECK(t, carve_origin_location(link, &location) >= 0);
    CHECK_STR(t, location, file);
    free(location);
    location = NULL;

    /* URLs are kept exactly. */
    CHECK(t, carve_origin_location("HTTPS://Example.com/b/k%20.h5?x=1", &location) >= 0);
    CHECK_NO_ERROR(t);
    CHECK_STR(t, location, "HTTPS://Example.com/b/k%20.h5?x=1");
    free(location);
    location = NULL;

    /* A missing file: the message names the path and the cause. */
    CHECK(t, carve_origin_location(missing, &location) < 0);
    CHECK(t, location == NULL);
    CHECK_ERROR(t, CARVE_E_SYSTEM, missing, strerror(ENOENT));
    CHECK(t, carve_origin_location("", &location) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "empty");

    rmdir("d");
    unlink(link);
    unlink(file);
    free(file);
    free(link);
    free(missing);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Local stamps                                                                                            */
/* ------------------------------------------------------------------------------------------------------ */

static void
test_local_stamp(unit_t *t)
{
    char         *file    = join_path(t->dir, "stamp.h5");
    char         *missing = join_path(t->dir, "stamp-missing.h5");
    carve_stamp_t before = {0}, again = {0}, after = {0};
    struct stat   st;
    char         *text;

    CHECK(t, write_file(file, 100, 'a'));
    CHECK(t, set_mtime(file, 1700000000, 123456789));
    CHECK(t, carve_origin_stamp(file, H5P_DEFAULT, &before) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, before.remote == 0);
    CHECK(t, before.size == 100);
    CHECK(t, before.mtime_sec == 1700000000);
    CHECK(t, before.mtime_nsec == 123456789);
    CHECK(t, before.etag == NULL && before.last_modified == NULL);
    CHECK(t, stat(file, &st) == 0 && st.st_size == 100);

    /* Unchanged: equal, described as unchanged. */
    CHECK(t, carve_origin_stamp(file, H5P_DEFAULT, &again) >= 0);
    CHECK(t, carve_stamp_equal(&before, &again) == 1);
    text = carve_stamp_describe_change(&before, &again);
    CHECK_STR(t, text, "unchanged");
    free(text);
    carve_stamp_clear(&again);

    /* Each change, from the stamp before: the file rewritten (size > 0) or only touched (size 0), then its
     * mtime set. The stamps are unequal either way round, and the change is described exactly. */
    {
        static const struct {
            size_t      size; /* 0: not rewritten */
            char        fill;
            int64_t     sec, nsec;
            const char *described;
        } changes[] = {
            /* rewritten with another size, the mtime put back: only the size tells */
            {120, 'b', 1700000000, 123456789, "size 100 -> 120"},
            /* same size, only the mtime's nanoseconds moved (utimensat) */
            {100, 'c', 1700000000, 123456790, "mtime 1700000000.123456789 -> 1700000000.123456790"},
            /* only the seconds moved */
            {0, 0, 1700000001, 123456789, "mtime 1700000000.123456789 -> 1700000001.123456789"},
            /* both */
            {7, 'd', 1600000000, 5, "size 100 -> 7, mtime 1700000000.123456789 -> 1600000000.000000005"},
        };
        int64_t size = before.size;

        for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
            if (changes[i].size > 0) {
                CHECK(t, write_file(file, changes[i].size, changes[i].fill));
                size = (int64_t)changes[i].size;
            }
            CHECK(t, set_mtime(file, changes[i].sec, changes[i].nsec));
            CHECK(t, carve_origin_stamp(file, H5P_DEFAULT, &after) >= 0);
            CHECK_NO_ERROR(t);
            CHECK(t, after.size == size && after.mtime_sec == changes[i].sec &&
                         after.mtime_nsec == changes[i].nsec);
            CHECK(t, carve_stamp_equal(&before, &after) == 0);
            CHECK(t, carve_stamp_equal(&after, &before) == 0);
            text = carve_stamp_describe_change(&before, &after);
            CHECK_STR(t, text, changes[i].described);
            free(text);
            carve_stamp_clear(&after);
        }
    }

    /* A missing file: the error names the path and the cause; the output stamp is reset. */
    after.size = 55;
    CHECK(t, carve_origin_stamp(missing, H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, missing, strerror(ENOENT));
    CHECK(t, after.size == -1 && after.etag == NULL);
    carve_stamp_clear(&after);

    /* A directory is not an origin. */
    CHECK(t, carve_origin_stamp(t->dir, H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, t->dir, "not a regular file");
    CHECK(t, carve_origin_stamp("", H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "empty");

    carve_stamp_clear(&before);
    carve_stamp_clear(&before); /* clearing twice is harmless */
    unlink(file);
    free(file);
    free(missing);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Comparing and copying stamps (built by hand)                                                            */
/* ------------------------------------------------------------------------------------------------------ */

static carve_stamp_t
remote_stamp(const char *etag, int64_t size, const char *last_modified)
{
    carve_stamp_t s = {0};

    s.remote        = 1;
    s.size          = size;
    s.etag          = etag ? strdup(etag) : NULL;
    s.last_modified = last_modified ? strdup(last_modified) : NULL;
    return s;
}

static void
test_stamp_rules(unit_t *t)
{
    const char   *date1 = "Tue, 14 Nov 2023 22:13:20 GMT";
    const char   *date2 = "Wed, 15 Nov 2023 08:00:00 GMT";
    carve_stamp_t a     = remote_stamp("\"aaa\"", 100, date1);
    carve_stamp_t b     = remote_stamp("\"aaa\"", 100, date1);
    carve_stamp_t c     = {0};
    carve_stamp_t local = {0};
    char         *text;

    CHECK(t, carve_stamp_equal(&a, &b) == 1);

    /* ETag differs. */
    free(b.etag);
    b.etag = strdup("\"bbb\"");
    CHECK(t, carve_stamp_equal(&a, &b) == 0);
    text = carve_stamp_describe_change(&a, &b);
    CHECK_STR(t, text, "ETag \"aaa\" -> \"bbb\"");
    free(text);

    /* An ETag one side does not know is not compared; the others still are. */
    free(b.etag);
    b.etag = NULL;
    CHECK(t, carve_stamp_equal(&a, &b) == 1);
    b.size = 101;
    CHECK(t, carve_stamp_equal(&a, &b) == 0);
    b.size = -1;
    CHECK(t, carve_stamp_equal(&a, &b) == 1);
    CHECK(t, carve_stamp_equal(&b, &a) == 1);
    free(b.last_modified);
    b.last_modified = strdup(date2);
    CHECK(t, carve_stamp_equal(&a, &b) == 0);
    text = carve_stamp_describe_change(&a, &b);
    CHECK(t,
          unit_contains(text, "Last-Modified") && unit_contains(text, date1) && unit_contains(text, date2));
    CHECK(t, !unit_contains(text, "ETag") && !unit_contains(text, "size"));
    CHECK_STR(t, text, "Last-Modified Tue, 14 Nov 2023 22:13:20 GMT -> Wed, 15 Nov 2023 08:00:00 GMT");
    free(text);

    /* Several fields: all named. */
    b.size = 5;
    b.etag = strdup("\"ccc\"");
    text   = carve_stamp_describe_change(&a, &b);
    CHECK(t, unit_contains(text, "size 100 -> 5") && unit_contains(text, "ETag \"aaa\" -> \"ccc\"") &&
                 unit_contains(text, "Last-Modified"));
    CHECK_STR(t, text,
              "size 100 -> 5, ETag \"aaa\" -> \"ccc\", "
              "Last-Modified Tue, 14 Nov 2023 22:13:20 GMT -> Wed, 15 Nov 2023 08:00:00 GMT");
    free(text);

    /* A local stamp never equals a remote one, even with the same size. */
    local.remote = 0;
    local.size   = 100;
    CHECK(t, carve_stamp_equal(&a, &local) == 0);
    CHECK(t, carve_stamp_equal(&local, &a) == 0);
    text = carve_stamp_describe_change(&local, &a);
    CHECK(t, unit_contains(text, "local file") && unit_contains(text, "URL"));
    CHECK_STR(t, text, "origin kind local file -> URL");
    free(text);

    /* A local stamp's unknown fields are not a wildcard: mtime is always compared. */
    c            = local;
    c.mtime_nsec = 1;
    CHECK(t, carve_stamp_equal(&local, &c) == 0);

    /* Deep copy. */
    CHECK(t, carve_stamp_copy(&c, &a) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, c.remote == 1 && c.size == 100);
    CHECK(t, unit_str_eq(c.etag, a.etag) && c.etag != a.etag);
    CHECK(t, unit_str_eq(c.last_modified, a.last_modified) && c.last_modified != a.last_modified);
    CHECK(t, carve_stamp_equal(&a, &c) == 1);
    carve_stamp_clear(&a); /* the copy outlives the original */
    CHECK_STR(t, c.etag, "\"aaa\"");
    carve_stamp_clear(&c);
    CHECK(t, c.etag == NULL && c.last_modified == NULL && c.size == -1);

    carve_stamp_clear(&b);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Container paths                                                                                         */
/* ------------------------------------------------------------------------------------------------------ */

/* True when `path` is <dir>/<base>-<16 lowercase hex><suffix>. */
static bool
path_has_form(const char *path, const char *dir, const char *base, const char *suffix)
{
    size_t dlen = strlen(dir), blen = strlen(base), slen = strlen(suffix);

    if (path == NULL || strlen(path) != dlen + 1 + blen + 1 + 16 + slen)
        return false;
    if (strncmp(path, dir, dlen) != 0 || path[dlen] != '/' || strncmp(path + dlen + 1, base, blen) != 0 ||
        path[dlen + 1 + blen] != '-' || strcmp(path + dlen + 1 + blen + 1 + 16, suffix) != 0)
        return false;
    for (size_t i = 0; i < 16; i++) {
        char c = path[dlen + 1 + blen + 1 + i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

/* The 16 hex digits of a container path (just before the suffix), copied into hex[17]. */
static void
path_hash(const char *path, const char *suffix, char hex[17])
{
    size_t len = strlen(path), slen = strlen(suffix);

    hex[0] = '\0';
    if (len >= slen + 16) {
        memcpy(hex, path + len - slen - 16, 16);
        hex[16] = '\0';
    }
}

/* carve_origin_container_paths(location, dir) names the container <want_dir>/<want_base>-<hash>.carve.h5. */
static void
container_form_at(unit_t *t, const char *location, const char *dir, const char *want_dir,
                  const char *want_base, const char *file, int line)
{
    char *container = NULL;

    unit_check_at(t, carve_origin_container_paths(location, dir, &container, NULL, NULL) >= 0,
                  "carve_origin_container_paths succeeds", file, line);
    if (!unit_check_at(t, path_has_form(container, want_dir, want_base, ".carve.h5"), "the container's name",
                       file, line))
        unit_note(t, "%s in %s: got %s, want %s/%s-<hash>.carve.h5", location, dir ? dir : "(default)",
                  container ? container : "(null)", want_dir, want_base);
    free(container);
}

#define CHECK_CONTAINER_FORM(t, location, dir, want_dir, want_base)                                          \
    container_form_at((t), (location), (dir), (want_dir), (want_base), __FILE__, __LINE__)

static void
test_names(unit_t *t)
{
    char *c1 = NULL, *m1 = NULL, *l1 = NULL, *c2 = NULL, *other = NULL;
    char  h1[17], h2[17], expect[512];
    char  long_name[300];
    char *url_long;

    /* The three names share one stem. */
    CHECK(t, carve_origin_container_paths("/data/a", NULL, &c1, &m1, &l1) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, path_has_form(c1, "/data", "a", ".carve.h5"));
    CHECK(t, path_has_form(m1, "/data", "a", ".carve.yaml"));
    CHECK(t, path_has_form(l1, "/data", "a", ".carve.lock"));
    path_hash(c1, ".carve.h5", h1);
    path_hash(m1, ".carve.yaml", h2);
    CHECK_STR(t, h1, h2);
    path_hash(l1, ".carve.lock", h2);
    CHECK_STR(t, h1, h2);
    free(c1), free(m1), free(l1);
    c1 = m1 = l1 = NULL;

    /* The hash is FNV-1a 64 of the location string: known test vectors. A relative location "a" lives in
     * the current directory. */
    CHECK(t, carve_origin_container_paths("a", NULL, &c1, NULL, NULL) >= 0);
    snprintf(expect, sizeof expect, "%s/a-af63dc4c8601ec8c.carve.h5", t->dir);
    CHECK_STR(t, c1, expect);
    free(c1);
    c1 = NULL;
    CHECK(t, carve_origin_container_paths("foobar", "/out", NULL, &m1, NULL) >= 0);
    CHECK_STR(t, m1, "/out/foobar-85944171f73967e8.carve.yaml");
    free(m1);
    m1 = NULL;

    /* Deterministic. */
    CHECK(t, carve_origin_container_paths("/data/run1/file.h5", NULL, &c1, NULL, NULL) >= 0);
    CHECK(t, carve_origin_container_paths("/data/run1/file.h5", NULL, &c2, NULL, NULL) >= 0);
    CHECK_STR(t, c1, c2);
    CHECK(t, path_has_form(c1, "/data/run1", "file.h5", ".carve.h5"));
    free(c2);
    c2 = NULL;

    /* Same base name in another directory: another name, even in one shared container directory. */
    CHECK(t, carve_origin_container_paths("/data/run2/file.h5", NULL, &c2, NULL, NULL) >= 0);
    CHECK(t, path_has_form(c2, "/data/run2", "file.h5", ".carve.h5"));
    path_hash(c1, ".carve.h5", h1);
    path_hash(c2, ".carve.h5", h2);
    CHECK(t, strcmp(h1, h2) != 0);
    free(c1), free(c2);
    c1 = c2 = NULL;
    CHECK(t, carve_origin_container_paths("/data/run1/file.h5", "/shared", &c1, NULL, NULL) >= 0);
    CHECK(t, carve_origin_container_paths("/data/run2/file.h5", "/shared", &c2, NULL, NULL) >= 0);
    CHECK(t, path_has_form(c1, "/shared", "file.h5", ".carve.h5") &&
                 path_has_form(c2, "/shared", "file.h5", ".carve.h5"));
    CHECK(t, !unit_str_eq(c1, c2));
    free(c1), free(c2);
    c1 = c2 = NULL;

    /* Directory override: a trailing '/' (or several) is dropped; "/" itself works; a relative directory is
     * taken from the current directory. */
    CHECK(t, carve_origin_container_paths("/data/run1/file.h5", "/shared/", &c1, NULL, NULL) >= 0);
    CHECK(t, carve_origin_container_paths("/data/run1/file.h5", "/shared//", &c2, NULL, NULL) >= 0);
    CHECK(t, path_has_form(c1, "/shared", "file.h5", ".carve.h5"));
    CHECK_STR(t, c1, c2);
    free(c1), free(c2);
    c1 = c2 = NULL;
    CHECK_CONTAINER_FORM(t, "/data/run1/file.h5", "/", "", "file.h5");
    snprintf(expect, sizeof expect, "%s/sub", t->dir);
    CHECK_CONTAINER_FORM(t, "/data/run1/file.h5", "sub/", expect, "file.h5");
    /* An empty dir is the default. */
    CHECK_CONTAINER_FORM(t, "/data/run1/file.h5", "", "/data/run1", "file.h5");
    /* A file in the root directory. */
    CHECK(t, carve_origin_container_paths("/top.h5", NULL, &c1, NULL, NULL) >= 0);
    CHECK(t, c1 && strncmp(c1, "/top.h5-", 8) == 0 && path_has_form(c1, "", "top.h5", ".carve.h5"));
    free(c1);
    c1 = NULL;

    /* Unsafe characters in a local name. */
    CHECK_CONTAINER_FORM(t, "/d/my file (v2)+ü.h5", NULL, "/d", "my_file__v2____.h5");

    /* URLs: the last path segment, query and fragment removed, unsafe characters replaced; the default
     * directory is the (absolute) current directory. */
    CHECK(t, carve_origin_container_paths(
                 "https://host.example:9000/bucket/dir/my%20data.h5?versionId=7&x=/y#frag", NULL, &c1, &m1,
                 NULL) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, path_has_form(c1, t->dir, "my_20data.h5", ".carve.h5"));
    CHECK(t, path_has_form(m1, t->dir, "my_20data.h5", ".carve.yaml"));
    free(c1), free(m1);
    c1 = m1 = NULL;
    /* The query is not part of the name, but is part of the location (hence of the hash). */
    CHECK(t, carve_origin_container_paths("http://h/b/k.h5?v=1", "/o", &c1, NULL, NULL) >= 0);
    CHECK(t, carve_origin_container_paths("http://h/b/k.h5?v=2", "/o", &c2, NULL, NULL) >= 0);
    CHECK(t, path_has_form(c1, "/o", "k.h5", ".carve.h5") && path_has_form(c2, "/o", "k.h5", ".carve.h5"));
    CHECK(t, !unit_str_eq(c1, c2));
    free(c1), free(c2);
    c1 = c2 = NULL;
    /* A fragment before a '/' does not make a path segment. */
    CHECK_CONTAINER_FORM(t, "http://h/b/k.h5#a/b", "/o", "/o", "k.h5");
    /* No segment: "origin". */
    CHECK_CONTAINER_FORM(t, "http://h/b/", "/o", "/o", "origin");
    CHECK_CONTAINER_FORM(t, "https://h.example", "/o", "/o", "origin");
    CHECK_CONTAINER_FORM(t, "https://h.example?x=/a.h5", "/o", "/o", "origin");
    /* The same object through two hosts: different containers. */
    CHECK(t, carve_origin_container_paths("http://a/b/k.h5", "/o", &c1, NULL, NULL) >= 0);
    CHECK(t, carve_origin_container_paths("http://c/b/k.h5", "/o", &c2, NULL, NULL) >= 0);
    CHECK(t, !unit_str_eq(c1, c2));
    free(c1), free(c2);
    c1 = c2 = NULL;

    /* Long names are cut at 100 characters. */
    memset(long_name, 'n', 250);
    long_name[250] = '\0';
    url_long       = join_path("http://h/b", long_name);
    CHECK(t, url_long && carve_origin_container_paths(url_long, "/o", &c1, NULL, NULL) >= 0);
    long_name[100] = '\0';
    CHECK(t, path_has_form(c1, "/o", long_name, ".carve.h5"));
    free(c1);
    free(url_long);
    c1 = NULL;

    /* All outputs NULL is allowed; an empty location is not. */
    CHECK(t, carve_origin_container_paths("/x/y.h5", NULL, NULL, NULL, NULL) >= 0);
    CHECK_NO_ERROR(t);
    other = (char *)"sentinel";
    CHECK(t, carve_origin_container_paths("", NULL, &other, NULL, NULL) < 0);
    CHECK(t, other == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "empty");
}

/* ------------------------------------------------------------------------------------------------------ */
/* Remote stamps against the loopback S3 server                                                            */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct s3_env_t {
    const char *s3_dir; /* test/s3 in the source tree */
    const char *python;
    char        state[512];
    char        anon_state[600];
    char        sigv4_state[600];
    char        anon_base[128]; /* http://127.0.0.1:PORT */
    char        sigv4_base[128];
    char        extra_state[600]; /* a third server, started with the options a test needs */
    char        extra_base[128];
    bool        anon_started;
    bool        sigv4_started;
    bool        extra_started;
} s3_env_t;

static bool
s3ctl(const s3_env_t *env, const char *command, const char *state, const char *const extra[])
{
    char        script[600];
    const char *argv[32];
    size_t      n = 0;

    snprintf(script, sizeof script, "%s/s3ctl.sh", env->s3_dir);
    argv[n++] = "bash";
    argv[n++] = script;
    argv[n++] = command;
    argv[n++] = state;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return run_command((char *const *)argv);
}

static bool
read_base_url(const char *state, char *base, size_t size)
{
    char  path[700];
    FILE *f;
    int   port = 0;

    snprintf(path, sizeof path, "%s/port", state);
    if ((f = fopen(path, "r")) == NULL)
        return false;
    if (fscanf(f, "%d", &port) != 1)
        port = 0;
    fclose(f);
    snprintf(base, size, "http://127.0.0.1:%d", port);
    return port > 0;
}

/* Uploads `file` to <base>/carve-test/<key>, signed when `signed_upload`. */
static bool
s3_upload(const s3_env_t *env, const char *base, bool signed_upload, const char *key, const char *file)
{
    char        client[600], url[300];
    const char *argv[16];
    size_t      n = 0;

    snprintf(client, sizeof client, "%s/s3client.py", env->s3_dir);
    snprintf(url, sizeof url, "%s/%s/%s", base, S3_BUCKET, key);
    argv[n++] = env->python;
    argv[n++] = client;
    if (signed_upload) {
        argv[n++] = "--access-key";
        argv[n++] = S3_ID;
        argv[n++] = "--secret-key";
        argv[n++] = S3_SECRET;
        argv[n++] = "--region";
        argv[n++] = S3_REGION;
    }
    argv[n++] = url;
    argv[n++] = "put";
    argv[n++] = file;
    argv[n]   = NULL;
    return run_command((char *const *)argv);
}

static bool
s3_start(unit_t *t, s3_env_t *env)
{
    const char *anon_args[]  = {"--bucket", S3_BUCKET, NULL};
    const char *sigv4_args[] = {
        "--bucket", S3_BUCKET, "--access-key",       S3_ID,     "--secret-key", S3_SECRET,
        "--region", S3_REGION, "--temp-credentials", S3_TMP_ID, S3_TMP_SECRET,  S3_TOKEN,
        NULL};

    snprintf(env->anon_state, sizeof env->anon_state, "%s/anon", env->state);
    snprintf(env->sigv4_state, sizeof env->sigv4_state, "%s/sigv4", env->state);
    env->anon_started  = CHECK(t, s3ctl(env, "start", env->anon_state, anon_args));
    env->sigv4_started = CHECK(t, s3ctl(env, "start", env->sigv4_state, sigv4_args));
    if (!env->anon_started || !env->sigv4_started)
        return false;
    return CHECK(t, read_base_url(env->anon_state, env->anon_base, sizeof env->anon_base)) &&
           CHECK(t, read_base_url(env->sigv4_state, env->sigv4_base, sizeof env->sigv4_base));
}

static void
s3_stop(s3_env_t *env)
{
    if (env->anon_started)
        s3ctl(env, "stop", env->anon_state, NULL);
    if (env->sigv4_started)
        s3ctl(env, "stop", env->sigv4_state, NULL);
    if (env->extra_started)
        s3ctl(env, "stop", env->extra_state, NULL);
}

/* (Re)starts the third server with the bucket and `args` (NULL-terminated; at most 16); it keeps the objects
 * uploaded to an earlier one. */
static bool
s3_start_extra(unit_t *t, s3_env_t *env, const char *const args[])
{
    const char *all[20] = {"--bucket", S3_BUCKET};
    size_t      n       = 2;

    for (size_t i = 0; args[i] && n < 19; i++)
        all[n++] = args[i];
    all[n] = NULL;
    snprintf(env->extra_state, sizeof env->extra_state, "%s/extra", env->state);
    env->extra_started = CHECK(t, s3ctl(env, "start", env->extra_state, all));
    return env->extra_started &&
           CHECK(t, read_base_url(env->extra_state, env->extra_base, sizeof env->extra_base));
}

static hid_t
ros3_fapl(bool authenticate, const char *id, const char *secret, const char *token)
{
    H5FD_ros3_fapl_t fa;
    hid_t            fapl = H5Pcreate(H5P_FILE_ACCESS);

    memset(&fa, 0, sizeof fa);
    fa.version      = H5FD_CURR_ROS3_FAPL_T_VERSION;
    fa.authenticate = authenticate;
    if (authenticate) {
        snprintf(fa.aws_region, sizeof fa.aws_region, "%s", S3_REGION);
        snprintf(fa.secret_id, sizeof fa.secret_id, "%s", id);
        snprintf(fa.secret_key, sizeof fa.secret_key, "%s", secret);
    }
    if (fapl < 0 || H5Pset_fapl_ros3(fapl, &fa) < 0 || (token && H5Pset_fapl_ros3_token(fapl, token) < 0)) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

/* The byte at offset i of the file the range test reads: no two neighbours alike, no period of a power of 2. */
static unsigned char
pattern_byte(uint64_t i)
{
    return (unsigned char)(i % 251);
}

/* Writes `size` bytes of pattern_byte to a file in the test's directory and uploads it as `key` to base
 * (signed when signed_upload). */
static bool
upload_pattern(unit_t *t, const s3_env_t *env, const char *base, bool signed_upload, const char *key,
               uint64_t size)
{
    char *file = join_path(t->dir, key);
    FILE *f    = fopen(file, "wb");
    bool  ok;

    for (uint64_t i = 0; f && i < size; i++)
        fputc(pattern_byte(i), f);
    ok = CHECK(t, f != NULL && fclose(f) == 0) && CHECK(t, s3_upload(env, base, signed_upload, key, file));
    unlink(file);
    free(file);
    return ok;
}

/* carve_origin_fetch with `parallel` requests in flight: overlapping, nested, adjacent and distant ranges,
 * one past the object's end. Each range that is read holds exactly the object's bytes; neighbours share a
 * request; the bad one fails alone (tried twice) with the server's answer as its reason. */
static void
test_fetch(unit_t *t, const s3_env_t *env, int parallel)
{
    enum { SIZE = 200 * 1024, N = 6 };
    static const uint64_t offsets[N] = {0, 10, 500, 1500, 100000, SIZE - 10};
    static const size_t   sizes[N]   = {1000, 10, 1000, 100, 100, 100};
    char                  url[300];
    unsigned char        *bufs[N] = {NULL};
    carve_origin_range_t  ranges[N];
    size_t                requests = 0;

    carve_origin_set_parallel(parallel);
    CHECK(t, upload_pattern(t, env, env->anon_base, false, "ranges.bin", SIZE));
    snprintf(url, sizeof url, "%s/%s/ranges.bin", env->anon_base, S3_BUCKET);
    memset(ranges, 0, sizeof ranges);
    /* Given out of order: the fetch sorts them by offset. */
    for (int i = 0; i < N; i++) {
        int k = N - 1 - i;

        bufs[k]          = calloc(1, sizes[k]);
        ranges[i].offset = offsets[k];
        ranges[i].size   = sizes[k];
        ranges[i].buf    = bufs[k];
        ranges[i].udata  = &bufs[k];
    }
    CHECK(t, carve_origin_fetch(url, H5P_DEFAULT, ranges, N, &requests) >= 0);
    CHECK_NO_ERROR(t);
    /* [0, 1600) in one request, 100000 in another, the one past the end twice. */
    CHECK(t, requests == 4);
    for (int i = 0; i < N; i++) {
        int  k    = (int)((unsigned char **)ranges[i].udata - bufs);
        bool same = true;

        CHECK(t, ranges[i].offset == offsets[i]); /* sorted */
        if (k == N - 1) {
            CHECK(t, !ranges[i].ok && ranges[i].why[0] != '\0');
            continue;
        }
        CHECK(t, ranges[i].ok);
        for (size_t j = 0; j < sizes[k] && same; j++)
            same = bufs[k][j] == pattern_byte(offsets[k] + j);
        CHECK(t, same);
    }
    for (int i = 0; i < N; i++)
        free(bufs[i]);
    carve_origin_set_parallel(0);
}

/* The spread object of the parallel tests: SPREAD_GROUPS places SPREAD_STEP apart (more than the 64 KiB
 * that joins neighbours into one request), each read as three ranges that share its request: one, one
 * nested in it, one adjacent to it (5000 bytes in all). */
enum {
    SPREAD_GROUPS    = 40,
    SPREAD_STEP      = 256 * 1024,
    SPREAD_SIZE      = SPREAD_GROUPS * SPREAD_STEP,
    SPREAD_PER_GROUP = 3,
    SPREAD_RANGES    = SPREAD_GROUPS * SPREAD_PER_GROUP,
    SPREAD_FAULTY    = 17 /* the group a fault is aimed at (--fault-offset) */
};

/* Where group g starts: not aligned, so that a shifted answer cannot look right. */
static uint64_t
spread_group_start(size_t g)
{
    return (uint64_t)g * SPREAD_STEP + (uint64_t)(g % 7) * 1000;
}

/* The first `groups` groups' ranges, in reverse order (the fetch sorts them), each with a buffer of its
 * own filled with 0xEE. */
static void
spread_ranges(carve_origin_range_t *ranges, size_t groups)
{
    static const uint64_t offsets[SPREAD_PER_GROUP] = {0, 1000, 3000};
    static const size_t   sizes[SPREAD_PER_GROUP]   = {3000, 500, 2000};
    size_t                n                         = groups * SPREAD_PER_GROUP;

    memset(ranges, 0, n * sizeof *ranges);
    for (size_t i = 0; i < n; i++) {
        carve_origin_range_t *r = &ranges[n - 1 - i];

        r->offset = spread_group_start(i / SPREAD_PER_GROUP) + offsets[i % SPREAD_PER_GROUP];
        r->size   = sizes[i % SPREAD_PER_GROUP];
        if ((r->buf = malloc(r->size)) != NULL)
            memset(r->buf, 0xEE, r->size);
    }
}

static void
spread_free(carve_origin_range_t *ranges, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ranges[i].buf);
}

static bool
range_exact(const carve_origin_range_t *r)
{
    const unsigned char *buf = r->buf;

    for (size_t j = 0; j < r->size; j++)
        if (buf == NULL || buf[j] != pattern_byte(r->offset + j))
            return false;
    return true;
}

/* How many ranges are ok and hold exactly the object's bytes, leaving out those of group `skip` (-1: none). */
static size_t
spread_exact(const carve_origin_range_t *ranges, size_t n, long skip)
{
    size_t exact = 0;

    for (size_t i = 0; i < n; i++)
        if ((long)(ranges[i].offset / SPREAD_STEP) != skip && ranges[i].ok && range_exact(&ranges[i]))
            exact++;
    return exact;
}

/* Lines of a server's log that start with `prefix`, after its first `skip` such lines; with max_field,
 * the largest number in the second field of those lines instead (INFLIGHT <n> ...). */
static long
log_lines(const char *state, const char *prefix, long skip, bool max_field)
{
    char  path[700], line[1024];
    FILE *f;
    long  seen = 0, result = 0;

    snprintf(path, sizeof path, "%s/server.log", state);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, prefix, strlen(prefix)) == 0 && seen++ >= skip) {
            long value = strtol(line + strlen(prefix), NULL, 10);

            result = max_field ? (value > result ? value : result) : result + 1;
        }
    fclose(f);
    return result;
}

/* Many distant ranges over a server that answers each request after 100 ms: with 8 requests in flight,
 * every range is read exactly, one request per group, and the server saw more than one request at once
 * (its INFLIGHT lines; no timing is asserted) but never more than 8; with 1, never more than one. */
static void
test_fetch_parallel(unit_t *t, s3_env_t *env)
{
    static const char *const slow[] = {"--latency-ms", "100", "--log-inflight", NULL};
    carve_origin_range_t     ranges[SPREAD_RANGES];
    char                     url[300];
    size_t                   requests = 0;
    long                     before;

    if (!s3_start_extra(t, env, slow) ||
        !upload_pattern(t, env, env->extra_base, false, "spread.bin", SPREAD_SIZE))
        return;
    snprintf(url, sizeof url, "%s/%s/spread.bin", env->extra_base, S3_BUCKET);

    carve_origin_set_parallel(8);
    before = log_lines(env->extra_state, "INFLIGHT ", 0, false);
    spread_ranges(ranges, SPREAD_GROUPS);
    CHECK(t, carve_origin_fetch(url, H5P_DEFAULT, ranges, SPREAD_RANGES, &requests) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, requests == SPREAD_GROUPS);
    CHECK(t, spread_exact(ranges, SPREAD_RANGES, -1) == SPREAD_RANGES);
    for (size_t i = 1; i < SPREAD_RANGES; i++)
        CHECK(t, ranges[i - 1].offset <= ranges[i].offset);
    CHECK(t, log_lines(env->extra_state, "INFLIGHT ", before, false) == SPREAD_GROUPS);
    /* Each request's count is taken 100 ms after it arrived: the one its slot made before it has long
     * left the server by then. */
    CHECK(t, log_lines(env->extra_state, "INFLIGHT ", before, true) > 1);
    CHECK(t, log_lines(env->extra_state, "INFLIGHT ", before, true) <= 8);
    spread_free(ranges, SPREAD_RANGES);

    /* One at a time: the first 8 groups, one request each, never two at once. */
    carve_origin_set_parallel(1);
    requests = 0;
    before   = log_lines(env->extra_state, "INFLIGHT ", 0, false);
    spread_ranges(ranges, 8);
    CHECK(t, carve_origin_fetch(url, H5P_DEFAULT, ranges, 8 * SPREAD_PER_GROUP, &requests) >= 0);
    CHECK(t, requests == 8);
    CHECK(t, spread_exact(ranges, 8 * SPREAD_PER_GROUP, -1) == 8 * SPREAD_PER_GROUP);
    CHECK(t, log_lines(env->extra_state, "INFLIGHT ", before, false) == 8);
    CHECK(t, log_lines(env->extra_state, "INFLIGHT ", before, true) == 1);
    spread_free(ranges, 8 * SPREAD_PER_GROUP);
    carve_origin_set_parallel(0);
}

/* Many distant ranges with 8 requests in flight, each handle signing its own requests: keys, temporary keys
 * with their session token; a wrong secret fails every range (each group tried twice) with the server's
 * answer. */
static void
test_fetch_parallel_signed(unit_t *t, const s3_env_t *env)
{
    carve_origin_range_t ranges[SPREAD_RANGES];
    char                 url[300];
    size_t               requests;
    size_t               refused = 0;
    hid_t                fapl;

    if (!upload_pattern(t, env, env->sigv4_base, true, "spread.bin", SPREAD_SIZE))
        return;
    snprintf(url, sizeof url, "%s/%s/spread.bin", env->sigv4_base, S3_BUCKET);
    carve_origin_set_parallel(8);
    for (int kind = 0; kind < 3; kind++) {
        fapl = kind == 0   ? ros3_fapl(true, S3_ID, S3_SECRET, NULL)
               : kind == 1 ? ros3_fapl(true, S3_TMP_ID, S3_TMP_SECRET, S3_TOKEN)
                           : ros3_fapl(true, S3_ID, "wrong-secret", NULL);
        CHECK(t, fapl >= 0);
        requests = 0;
        spread_ranges(ranges, SPREAD_GROUPS);
        CHECK(t, carve_origin_fetch(url, fapl, ranges, SPREAD_RANGES, &requests) >= 0);
        CHECK_NO_ERROR(t);
        if (kind < 2) {
            CHECK(t, requests == SPREAD_GROUPS);
            CHECK(t, spread_exact(ranges, SPREAD_RANGES, -1) == SPREAD_RANGES);
        }
        else {
            CHECK(t, requests == 2 * SPREAD_GROUPS);
            for (size_t i = 0; i < SPREAD_RANGES; i++)
                refused += !ranges[i].ok && unit_contains(ranges[i].why, "HTTP 403");
            CHECK(t, refused == SPREAD_RANGES);
        }
        spread_free(ranges, SPREAD_RANGES);
        H5Pclose(fapl);
    }
    carve_origin_set_parallel(0);
}

/* A fault aimed at one group of a parallel batch (--fault-offset: both its requests get it): exactly that
 * group's ranges are not ok, with the reason; every other range is ok and exact. A garbled body of the right
 * length cannot be told from a good one here: its ranges are ok with other bytes (the documented limit). */
static void
test_fetch_parallel_faults(unit_t *t, s3_env_t *env)
{
    static const struct {
        const char *kind;
        const char *why;    /* in the faulty group's reasons; NULL: the group is ok (garble) */
        long        faults; /* FAULT lines: 2 when the request is tried again */
    } faults[] = {
        {"short", "Content-Range", 2},       {"status500", "HTTP 500, not 206", 2},
        {"close", "transfer closed", 2},     {"full200", "more bytes than the range asked for", 2},
        {"stall", "timed out after 1 s", 2}, {"garble", NULL, 1},
    };
    carve_origin_range_t ranges[SPREAD_RANGES];
    char                 offset[32], url[300];
    size_t               requests;

    snprintf(offset, sizeof offset, "%llu", (unsigned long long)spread_group_start(SPREAD_FAULTY));
    carve_origin_set_parallel(8);
    for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++) {
        const char *args[]    = {"--latency-ms",   "100",  "--fault", faults[k].kind,
                                 "--fault-offset", offset, NULL};
        size_t      faulty_ok = 0, faulty_why = 0, faulty_exact = 0;

        unit_note(t, "fault %s in group %d of %d, 8 requests in flight", faults[k].kind, SPREAD_FAULTY,
                  SPREAD_GROUPS);
        if (!s3_start_extra(t, env, args)) /* the object uploaded by test_fetch_parallel stays */
            break;
        snprintf(url, sizeof url, "%s/%s/spread.bin", env->extra_base, S3_BUCKET);
        carve_origin_set_timeout(strcmp(faults[k].kind, "stall") == 0 ? 1 : 0);
        requests = 0;
        spread_ranges(ranges, SPREAD_GROUPS);
        CHECK(t, carve_origin_fetch(url, H5P_DEFAULT, ranges, SPREAD_RANGES, &requests) >= 0);
        CHECK_NO_ERROR(t);
        CHECK(t, spread_exact(ranges, SPREAD_RANGES, SPREAD_FAULTY) == SPREAD_RANGES - SPREAD_PER_GROUP);
        for (size_t i = 0; i < SPREAD_RANGES; i++) {
            if (ranges[i].offset / SPREAD_STEP != SPREAD_FAULTY)
                continue;
            faulty_ok += ranges[i].ok != 0;
            faulty_exact += ranges[i].ok && range_exact(&ranges[i]);
            faulty_why += faults[k].why && unit_contains(ranges[i].why, faults[k].why);
            if (!ranges[i].ok)
                unit_note(t, "  group %d: %s", SPREAD_FAULTY, ranges[i].why);
        }
        if (faults[k].why) {
            CHECK(t, faulty_ok == 0 && faulty_why == SPREAD_PER_GROUP);
            CHECK(t, requests == SPREAD_GROUPS + 1);
        }
        else {
            /* garble inverts the middle of the group's 5000 bytes: the first two ranges, not the third */
            CHECK(t, faulty_ok == SPREAD_PER_GROUP && faulty_exact == 1);
            CHECK(t, requests == SPREAD_GROUPS);
        }
        CHECK(t, log_lines(env->extra_state, "FAULT ", 0, false) == faults[k].faults);
        spread_free(ranges, SPREAD_RANGES);
    }
    carve_origin_set_timeout(0);
    carve_origin_set_parallel(0);
}

/* Waits (up to 10 s) until the server's log has at least `count` lines starting with prefix after its first
 * `skip` such lines (a connection's end is logged when the server's thread notices it); returns them. */
static long
log_lines_wait(const char *state, const char *prefix, long skip, long count)
{
    long seen = log_lines(state, prefix, skip, false);

    for (int i = 0; i < 200 && seen < count; i++) {
        usleep(50 * 1000);
        seen = log_lines(state, prefix, skip, false);
    }
    return seen;
}

/* Fetches group g of spread_ranges(ranges, groups) alone (its ranges are contiguous: the list is reversed). */
static bool
fetch_one_group(const char *url, carve_origin_range_t *ranges, size_t groups, size_t g, size_t *requests)
{
    size_t first = (groups - 1 - g) * SPREAD_PER_GROUP;

    return carve_origin_fetch(url, H5P_DEFAULT, &ranges[first], SPREAD_PER_GROUP, requests) >= 0;
}

/* Connections kept for a URL between carve_origin_fetch calls (carve_origin_conn_open), counted by the
 * server (its CONNECT and DISCONNECT lines; no timing is asserted). One request at a time, 8 calls make 8
 * requests on one connection; 4 in flight, two calls of 40 requests open 3 more, and no further one (each
 * request waits 100 ms at the server, so the first 4 are in flight together); closing the URL's
 * connections ends them at the server; without them kept, each call opens its own. A kept connection the
 * server closed while it was idle, or dropped as it was reused, fails nothing: libcurl replaces it, making
 * the request again on a fresh connection itself (carve's own retry, which counts, is not needed); one
 * that stalls is ended by the timeout setting, and carve's retry reads on a new one. */
static void
test_fetch_connections(unit_t *t, s3_env_t *env)
{
    static const char *const slow[]   = {"--latency-ms", "100", "--log-connections", NULL};
    static const char *const idle[]   = {"--log-connections", "--idle-timeout", "0.3", NULL};
    static const char *const drops[]  = {"--log-connections", "--fault", "drop", "--fault-after", "1",
                                         "--fault-count",     "1",       NULL};
    static const char *const stalls[] = {"--log-connections", "--fault", "stall", "--fault-after", "1",
                                         "--fault-count",     "1",       NULL};
    carve_origin_range_t     ranges[SPREAD_RANGES];
    carve_origin_conn_t     *conn, *again;
    char                     url[300];
    size_t                   requests = 0;
    long                     before;

    if (!s3_start_extra(t, env, slow) ||
        !upload_pattern(t, env, env->extra_base, false, "spread.bin", SPREAD_SIZE))
        return;
    snprintf(url, sizeof url, "%s/%s/spread.bin", env->extra_base, S3_BUCKET);
    before = log_lines(env->extra_state, "CONNECT ", 0, false);

    /* One at a time, kept: 8 calls, 8 requests, one connection. Opened twice, closed twice: counted. */
    carve_origin_set_parallel(1);
    conn  = carve_origin_conn_open(url);
    again = carve_origin_conn_open(url);
    CHECK(t, conn != NULL && again == conn);
    CHECK_NO_ERROR(t);
    carve_origin_conn_close(again);
    spread_ranges(ranges, 8);
    for (size_t g = 0; g < 8; g++)
        CHECK(t, fetch_one_group(url, ranges, 8, g, &requests));
    CHECK_NO_ERROR(t);
    CHECK(t, requests == 8);
    CHECK(t, spread_exact(ranges, 8 * SPREAD_PER_GROUP, -1) == 8 * SPREAD_PER_GROUP);
    CHECK(t, log_lines(env->extra_state, "CONNECT ", before, false) == 1);
    spread_free(ranges, 8 * SPREAD_PER_GROUP);

    /* 4 in flight: the idle connection and 3 new ones, kept for the second call. */
    carve_origin_set_parallel(4);
    requests = 0;
    for (int call = 0; call < 2; call++) {
        spread_ranges(ranges, SPREAD_GROUPS);
        CHECK(t, carve_origin_fetch(url, H5P_DEFAULT, ranges, SPREAD_RANGES, &requests) >= 0);
        CHECK(t, spread_exact(ranges, SPREAD_RANGES, -1) == SPREAD_RANGES);
        spread_free(ranges, SPREAD_RANGES);
    }
    CHECK_NO_ERROR(t);
    CHECK(t, requests == 2 * SPREAD_GROUPS);
    CHECK(t, log_lines(env->extra_state, "CONNECT ", before, false) == 4);
    CHECK(t, log_lines(env->extra_state, "DISCONNECT ", 0, false) ==
                 log_lines(env->extra_state, "CONNECT ", 0, false) - 4);
    carve_origin_conn_close(conn);
    CHECK(t, log_lines_wait(env->extra_state, "DISCONNECT ", 0,
                            log_lines(env->extra_state, "CONNECT ", 0, false)) ==
                 log_lines(env->extra_state, "CONNECT ", 0, false));

    /* Not kept: each call its own connection. */
    carve_origin_set_parallel(1);
    requests = 0;
    before   = log_lines(env->extra_state, "CONNECT ", 0, false);
    spread_ranges(ranges, 3);
    for (size_t g = 0; g < 3; g++)
        CHECK(t, fetch_one_group(url, ranges, 3, g, &requests));
    CHECK(t, requests == 3 && spread_exact(ranges, 3 * SPREAD_PER_GROUP, -1) == 3 * SPREAD_PER_GROUP);
    CHECK(t, log_lines(env->extra_state, "CONNECT ", before, false) == 3);
    spread_free(ranges, 3 * SPREAD_PER_GROUP);

    /* Closed by the server while idle: the next call opens another, and reads. */
    if (!s3_start_extra(t, env, idle))
        return;
    snprintf(url, sizeof url, "%s/%s/spread.bin", env->extra_base, S3_BUCKET);
    before   = log_lines(env->extra_state, "CONNECT ", 0, false);
    requests = 0;
    conn     = carve_origin_conn_open(url);
    CHECK(t, conn != NULL);
    spread_ranges(ranges, 2);
    CHECK(t, fetch_one_group(url, ranges, 2, 0, &requests));
    CHECK(t, log_lines_wait(env->extra_state, "DISCONNECT ", 0, before + 1) == before + 1);
    CHECK(t, fetch_one_group(url, ranges, 2, 1, &requests));
    CHECK_NO_ERROR(t);
    CHECK(t, requests == 2 && spread_exact(ranges, 2 * SPREAD_PER_GROUP, -1) == 2 * SPREAD_PER_GROUP);
    CHECK(t, log_lines(env->extra_state, "CONNECT ", before, false) == 2);
    spread_free(ranges, 2 * SPREAD_PER_GROUP);
    carve_origin_conn_close(conn);

    /* Dropped as it is reused (the server reads the second request and closes the connection without an
     * answer): libcurl asks again on a new connection; carve counts one request per call, no retry. */
    if (!s3_start_extra(t, env, drops))
        return;
    snprintf(url, sizeof url, "%s/%s/spread.bin", env->extra_base, S3_BUCKET);
    before = log_lines(env->extra_state, "CONNECT ", 0, false);
    conn   = carve_origin_conn_open(url);
    CHECK(t, conn != NULL);
    spread_ranges(ranges, 2);
    requests = 0;
    CHECK(t, fetch_one_group(url, ranges, 2, 0, &requests) && requests == 1);
    requests = 0;
    CHECK(t, fetch_one_group(url, ranges, 2, 1, &requests) && requests == 1);
    CHECK_NO_ERROR(t);
    CHECK(t, spread_exact(ranges, 2 * SPREAD_PER_GROUP, -1) == 2 * SPREAD_PER_GROUP);
    CHECK(t, log_lines(env->extra_state, "FAULT drop", 0, false) == 1);
    CHECK(t, log_lines(env->extra_state, "REQ GET", 0, false) == 2);
    CHECK(t, log_lines(env->extra_state, "CONNECT ", before, false) == 2);
    spread_free(ranges, 2 * SPREAD_PER_GROUP);
    carve_origin_conn_close(conn);

    /* Stalled on a kept connection: the timeout setting ends the request, and carve's retry reads the group
     * on a new connection, which the next call reuses. */
    if (!s3_start_extra(t, env, stalls))
        return;
    snprintf(url, sizeof url, "%s/%s/spread.bin", env->extra_base, S3_BUCKET);
    before = log_lines(env->extra_state, "CONNECT ", 0, false);
    conn   = carve_origin_conn_open(url);
    CHECK(t, conn != NULL);
    carve_origin_set_timeout(1);
    spread_ranges(ranges, 3);
    requests = 0;
    CHECK(t, fetch_one_group(url, ranges, 3, 0, &requests) && requests == 1);
    requests = 0;
    CHECK(t, fetch_one_group(url, ranges, 3, 1, &requests) && requests == 2);
    requests = 0;
    CHECK(t, fetch_one_group(url, ranges, 3, 2, &requests) && requests == 1);
    CHECK_NO_ERROR(t);
    CHECK(t, spread_exact(ranges, 3 * SPREAD_PER_GROUP, -1) == 3 * SPREAD_PER_GROUP);
    CHECK(t, log_lines(env->extra_state, "FAULT stall", 0, false) == 1);
    CHECK(t, log_lines(env->extra_state, "CONNECT ", before, false) == 2);
    spread_free(ranges, 3 * SPREAD_PER_GROUP);
    carve_origin_conn_close(conn);
    carve_origin_set_timeout(0);

    /* Only a URL has connections to keep. */
    CHECK(t, carve_origin_conn_open("/not/a/url.h5") == NULL);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "not a URL");
    carve_origin_conn_close(NULL);
    carve_origin_set_parallel(0);
}

static void
test_remote(unit_t *t, s3_env_t *env)
{
    char         *file = join_path(t->dir, "remote.h5");
    char          url[300], sig_url[300], missing_url[300], upper_url[300], down_url[300];
    carve_stamp_t first = {0}, again = {0}, after = {0};
    hid_t         fapl;
    char         *text;
    int           port;

    if (!s3_start(t, env))
        goto done;
    CHECK(t, write_file(file, 4096, 'r'));
    CHECK(t, s3_upload(env, env->anon_base, false, "remote.h5", file));
    CHECK(t, s3_upload(env, env->sigv4_base, true, "remote.h5", file));
    snprintf(url, sizeof url, "%s/%s/remote.h5", env->anon_base, S3_BUCKET);
    snprintf(sig_url, sizeof sig_url, "%s/%s/remote.h5", env->sigv4_base, S3_BUCKET);

    test_fetch(t, env, 1);
    test_fetch(t, env, 8);
    test_fetch_parallel(t, env);
    test_fetch_parallel_signed(t, env);
    test_fetch_parallel_faults(t, env);
    test_fetch_connections(t, env);

    /* Anonymous: size, quoted ETag, Last-Modified. */
    CHECK(t, carve_origin_stamp(url, H5P_DEFAULT, &first) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, first.remote == 1);
    CHECK(t, first.size == 4096);
    CHECK(t, first.etag != NULL && first.etag[0] == '"' && strlen(first.etag) == 34);
    CHECK(t, unit_contains(first.last_modified, "GMT"));
    CHECK(t, carve_origin_stamp(url, H5P_DEFAULT, &again) >= 0);
    CHECK(t, carve_stamp_equal(&first, &again) == 1);
    carve_stamp_clear(&again);

    /* An upper-case scheme is a URL too. */
    snprintf(upper_url, sizeof upper_url, "HTTP%s", url + 4);
    CHECK(t, carve_origin_stamp(upper_url, H5P_DEFAULT, &again) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, unit_str_eq(again.etag, first.etag));
    carve_stamp_clear(&again);

    /* A ROS3 access list without credentials: anonymous HEAD. */
    fapl = ros3_fapl(false, NULL, NULL, NULL);
    CHECK(t, fapl >= 0);
    CHECK(t, carve_origin_stamp(url, fapl, &again) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, carve_stamp_equal(&first, &again) == 1);
    carve_stamp_clear(&again);
    H5Pclose(fapl);

    /* Re-uploaded with other content of the same size: the ETag tells. */
    CHECK(t, write_file(file, 4096, 's'));
    CHECK(t, s3_upload(env, env->anon_base, false, "remote.h5", file));
    CHECK(t, carve_origin_stamp(url, H5P_DEFAULT, &after) >= 0);
    CHECK(t, after.size == 4096);
    CHECK(t, carve_stamp_equal(&first, &after) == 0);
    text = carve_stamp_describe_change(&first, &after);
    CHECK(t,
          unit_contains(text, "ETag") && unit_contains(text, first.etag) && unit_contains(text, after.etag));
    CHECK(t, !unit_contains(text, "size"));
    free(text);
    carve_stamp_clear(&after);

    /* Missing key and missing bucket: 404, naming the URL. */
    snprintf(missing_url, sizeof missing_url, "%s/%s/no-such-key.h5", env->anon_base, S3_BUCKET);
    after.size = 9;
    CHECK(t, carve_origin_stamp(missing_url, H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, missing_url, "HTTP 404");
    CHECK(t, after.size == -1 && after.etag == NULL);
    snprintf(missing_url, sizeof missing_url, "%s/no-such-bucket/remote.h5", env->anon_base);
    CHECK(t, carve_origin_stamp(missing_url, H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, missing_url, "HTTP 404");

    /* Nothing listening: the error names the URL (and curl's reason). */
    port = unused_port();
    CHECK(t, port > 0);
    snprintf(down_url, sizeof down_url, "http://127.0.0.1:%d/%s/remote.h5", port, S3_BUCKET);
    CHECK(t, carve_origin_stamp(down_url, H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, down_url, "onnect");

    /* SigV4 server: anonymous is refused, the right keys pass, a wrong secret is refused. */
    CHECK(t, carve_origin_stamp(sig_url, H5P_DEFAULT, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, sig_url, "HTTP 403");
    fapl = ros3_fapl(true, S3_ID, S3_SECRET, NULL);
    CHECK(t, fapl >= 0);
    CHECK(t, carve_origin_stamp(sig_url, fapl, &after) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, after.remote == 1 && after.size == 4096 && after.etag != NULL);
    CHECK_STR(t, after.etag, first.etag); /* the first content, uploaded there too */
    carve_stamp_clear(&after);
    H5Pclose(fapl);

    fapl = ros3_fapl(true, S3_ID, "wrong-secret", NULL);
    CHECK(t, fapl >= 0);
    CHECK(t, carve_origin_stamp(sig_url, fapl, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, sig_url, "HTTP 403");
    H5Pclose(fapl);

    /* Temporary credentials: the signed session token is required. */
    fapl = ros3_fapl(true, S3_TMP_ID, S3_TMP_SECRET, S3_TOKEN);
    CHECK(t, fapl >= 0);
    CHECK(t, carve_origin_stamp(sig_url, fapl, &after) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, after.size == 4096);
    carve_stamp_clear(&after);
    H5Pclose(fapl);
    fapl = ros3_fapl(true, S3_TMP_ID, S3_TMP_SECRET, NULL);
    CHECK(t, fapl >= 0);
    CHECK(t, carve_origin_stamp(sig_url, fapl, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, sig_url, "HTTP 403");
    H5Pclose(fapl);
    fapl = ros3_fapl(true, S3_TMP_ID, S3_TMP_SECRET, "wrong-token");
    CHECK(t, carve_origin_stamp(sig_url, fapl, &after) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, sig_url, "HTTP 403");
    H5Pclose(fapl);

    /* A property list that is not a file access list. */
    fapl = H5Pcreate(H5P_DATASET_CREATE);
    CHECK(t, carve_origin_stamp(sig_url, fapl, &after) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, sig_url, "not a file access list");
    H5Pclose(fapl);

done:
    s3_stop(env);
    carve_stamp_clear(&first);
    carve_stamp_clear(&after);
    unlink(file);
    free(file);
}

/* ------------------------------------------------------------------------------------------------------ */

int
main(void)
{
    unit_t   t;
    s3_env_t env;

    if (!unit_begin(&t, "origin"))
        return UNIT_CANNOT_RUN;
    if (chdir(t.dir) != 0) {
        printf("cannot enter %s: %s\n", t.dir, strerror(errno));
        return UNIT_CANNOT_RUN;
    }

    test_is_url(&t);
    test_location(&t);
    test_local_stamp(&t);
    test_stamp_rules(&t);
    test_names(&t);

    memset(&env, 0, sizeof env);
    env.s3_dir = getenv("CARVE_TEST_S3_DIR");
    env.python = getenv("CARVE_TEST_PYTHON");
    if (env.s3_dir && env.s3_dir[0] && env.python && env.python[0]) {
        const char *state = getenv("CARVE_TEST_S3_STATE");

        snprintf(env.state, sizeof env.state, "%s", state && state[0] ? state : t.dir);
        setenv("PYTHON", env.python, 1);
        setenv("S3CTL_MAX_LIFETIME", "300", 1); /* a crashed test leaves no server behind for long */
        setenv("no_proxy", "127.0.0.1", 1);
        test_remote(&t, &env);
    }
    else
        printf("remote stamps not tested: CARVE_TEST_S3_DIR and CARVE_TEST_PYTHON are not set\n");

    if (chdir("/") != 0)
        printf("note: cannot leave %s: %s\n", t.dir, strerror(errno));
    return unit_end(&t);
}
