/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dynbuf.c — unit tests of carve_dynbuf (connector/core/carve_dynbuf.c): the growable buffer and
 * its hard maximum (exactly the maximum fits, one byte more frees the buffer), sizes that would overflow,
 * the array reserve (doubling, content kept, overflow refused with the array untouched), and the bounded
 * whole-file read on regular files, pipes of unknown size, directories and missing files.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "carve_dynbuf.h"
#include "carve_error.h"
#include "unit_test.h"

static const carve_file_kind_t test_kind = {"test file", "TEST_MAX", true};
static const carve_file_kind_t any_kind  = {"test input", "TEST_MAX", false};

static void
test_buffer(unit_t *t)
{
    carve_dynbuf_t b;
    char          *text;
    size_t         len = 99;

    carve_dynbuf_init(&b, 10);
    text = carve_dynbuf_take(&b, &len); /* empty: "" */
    CHECK(t, text != NULL && text[0] == '\0' && len == 0);
    free(text);
    CHECK(t, carve_dynbuf_add(&b, "hello", 5) == CARVE_GROW_OK);
    CHECK(t, carve_dynbuf_add(&b, "", 0) == CARVE_GROW_OK);
    CHECK(t, carve_dynbuf_add(&b, "world", 5) == CARVE_GROW_OK); /* exactly the maximum */
    CHECK(t, b.len == 10 && b.cap <= 11 && strcmp(b.bytes, "helloworld") == 0);
    CHECK(t, carve_dynbuf_add(&b, "!", 1) == CARVE_GROW_TOO_LARGE); /* one more: refused, freed */
    CHECK(t, b.bytes == NULL && b.len == 0 && b.cap == 0 && b.max == 10);
    CHECK(t, carve_dynbuf_add(&b, "again", 5) == CARVE_GROW_OK); /* usable again */
    text = carve_dynbuf_take(&b, &len);
    CHECK(t, text != NULL && strcmp(text, "again") == 0 && len == 5 && b.bytes == NULL);
    free(text);

    /* sizes that would overflow size_t */
    carve_dynbuf_init(&b, SIZE_MAX);
    CHECK(t, carve_dynbuf_add(&b, "ab", 2) == CARVE_GROW_OK);
    CHECK(t, carve_dynbuf_add(&b, "x", SIZE_MAX) == CARVE_GROW_TOO_LARGE);
    CHECK(t, b.bytes == NULL);
    CHECK(t, carve_dynbuf_add(&b, "ab", 2) == CARVE_GROW_OK);
    CHECK(t, carve_dynbuf_add(&b, "x", SIZE_MAX - 2) == CARVE_GROW_TOO_LARGE);
    carve_dynbuf_free(&b);

    /* many small additions; reserve allocates once, within the maximum */
    carve_dynbuf_init(&b, 100000);
    CHECK(t, carve_dynbuf_reserve(&b, 1u << 30) == CARVE_GROW_OK && b.cap == 100001);
    for (int i = 0; i < 10000; i++)
        if (carve_dynbuf_add(&b, "0123456789", 10) != CARVE_GROW_OK)
            break;
    CHECK(t, b.len == 100000 && b.cap == 100001 && memcmp(b.bytes + 99990, "0123456789", 11) == 0);
    carve_dynbuf_free(&b);
}

static void
test_array(unit_t *t)
{
    int      *items   = NULL;
    size_t    cap     = 0;
    uint64_t *big     = NULL;
    size_t    big_cap = 0;
    bool      same    = true;

    CHECK(t, CARVE_ARRAY_RESERVE(items, cap, 0) == CARVE_GROW_OK && items == NULL && cap == 0);
    for (int i = 0; i < 1000; i++) {
        if (CARVE_ARRAY_RESERVE(items, cap, (size_t)i + 1) != CARVE_GROW_OK)
            break;
        items[i] = i;
    }
    CHECK(t, items != NULL && cap >= 1000 && cap < 2000 && (cap & (cap - 1)) == 0); /* 8 doubled */
    for (int i = 0; items && i < 1000; i++)
        same = same && items[i] == i;
    CHECK(t, same);
    /* asking for less changes nothing */
    {
        int   *before = items;
        size_t had    = cap;

        CHECK(t, CARVE_ARRAY_RESERVE(items, cap, 10) == CARVE_GROW_OK && items == before && cap == had);
    }
    free(items);

    /* need * item size past SIZE_MAX: refused, the array untouched */
    CHECK(t, CARVE_ARRAY_RESERVE(big, big_cap, 4) == CARVE_GROW_OK && big_cap == 8);
    CHECK(t, CARVE_ARRAY_RESERVE(big, big_cap, SIZE_MAX / 4) == CARVE_GROW_TOO_LARGE);
    CHECK(t, big != NULL && big_cap == 8);
    free(big);
}

/* Writes data (len bytes) into a pipe from a child process; returns the read end's /proc path in path.
 * The child frees its copy of data before it exits, so that valgrind finds no leak in it either. */
static pid_t
pipe_from_child(char *data, size_t len, int *read_end, char *path, size_t size)
{
    int   fds[2];
    pid_t pid;

    if (pipe(fds) < 0)
        return -1;
    if ((pid = fork()) == 0) {
        const char *at     = data;
        int         status = 0;

        close(fds[0]);
        while (len > 0 && status == 0) {
            ssize_t n = write(fds[1], at, len);

            if (n <= 0)
                status = 1;
            else {
                at += n;
                len -= (size_t)n;
            }
        }
        free(data);
        _exit(status);
    }
    close(fds[1]);
    *read_end = fds[0];
    snprintf(path, size, "/proc/self/fd/%d", fds[0]);
    return pid;
}

static void
test_read_file(unit_t *t)
{
    char   path[512], needle[600], *data = NULL, *big = malloc(200000);
    size_t len = 0;
    int    fd = -1, status = 0;
    pid_t  pid;

    snprintf(path, sizeof path, "%s/exact", t->dir);
    CHECK(t, unit_write_text(path, "0123456789"));
    CHECK(t, carve_read_file(path, 10, CARVE_E_MANIFEST, &test_kind, &data, &len) >= 0);
    CHECK(t, data != NULL && len == 10 && strcmp(data, "0123456789") == 0);
    CHECK_NO_ERROR(t);
    free(data);
    CHECK(t, carve_read_file(path, 9, CARVE_E_MANIFEST, &test_kind, &data, &len) < 0 && data == NULL);
    snprintf(needle, sizeof needle, "test file %s is larger than 9 bytes (TEST_MAX)", path);
    CHECK_ERROR(t, CARVE_E_BADVALUE, needle);

    /* empty */
    snprintf(path, sizeof path, "%s/empty", t->dir);
    CHECK(t, unit_write_text(path, ""));
    CHECK(t, carve_read_file(path, 10, CARVE_E_MANIFEST, &test_kind, &data, &len) >= 0);
    CHECK(t, data != NULL && len == 0 && data[0] == '\0');
    free(data);

    /* missing; a directory; a device */
    snprintf(path, sizeof path, "%s/missing", t->dir);
    CHECK(t, carve_read_file(path, 10, CARVE_E_MANIFEST, &test_kind, &data, &len) < 0);
    snprintf(needle, sizeof needle, "cannot open test file %s: %s", path, strerror(ENOENT));
    CHECK_ERROR(t, CARVE_E_SYSTEM, needle);
    CHECK(t, carve_read_file(t->dir, 10, CARVE_E_MANIFEST, &test_kind, &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, t->dir, "not a regular file");
    CHECK(t, carve_read_file(t->dir, 10, CARVE_E_MANIFEST, &any_kind, &data, &len) < 0);
    CHECK_ERROR(t, CARVE_E_SYSTEM, "cannot read test input", t->dir);
    CHECK(t, carve_read_file("/dev/null", 10, CARVE_E_MANIFEST, &any_kind, &data, &len) >= 0 && len == 0);
    free(data);

    /* a pipe of unknown size, longer than one chunk; and one past the maximum */
    if (CHECK(t, big != NULL)) {
        for (size_t i = 0; i < 200000; i++)
            big[i] = (char)('a' + i % 26);
        if (CHECK(t, (pid = pipe_from_child(big, 200000, &fd, path, sizeof path)) > 0)) {
            CHECK(t, carve_read_file(path, 200000, CARVE_E_MANIFEST, &any_kind, &data, &len) >= 0);
            CHECK(t, data != NULL && len == 200000 && memcmp(data, big, len) == 0 && data[len] == '\0');
            free(data);
            close(fd);
            waitpid(pid, &status, 0);
        }
        if (CHECK(t, (pid = pipe_from_child(big, 200000, &fd, path, sizeof path)) > 0)) {
            CHECK(t, carve_read_file(path, 199999, CARVE_E_MANIFEST, &any_kind, &data, &len) < 0);
            CHECK_ERROR(t, CARVE_E_BADVALUE, "larger than 199999 bytes (TEST_MAX)");
            close(fd); /* the child may be blocked writing: closing ends it */
            waitpid(pid, &status, 0);
        }
    }
    free(big);
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, "dynbuf"))
        return UNIT_CANNOT_RUN;
    test_buffer(&t);
    test_array(&t);
    test_read_file(&t);
    return unit_end(&t);
}
