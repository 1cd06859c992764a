/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_dynbuf.c — the shared growable byte buffer, array reserve and bounded whole-file read (see
 * carve_dynbuf.h). Every size computation is checked for overflow here, once.
 */

#include "carve_dynbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carve_error.h"

/* First allocation of a buffer or an array: small enough for the many tiny ones, big enough that the
 * common ones grow a few times at most. */
#define DYNBUF_FIRST 64
#define ARRAY_FIRST  8
/* Room added at a time while reading a file whose size is not known beforehand (a pipe). */
#define READ_CHUNK 65536

void
carve_dynbuf_init(carve_dynbuf_t *b, size_t max)
{
    b->bytes = NULL;
    b->len   = 0;
    b->cap   = 0;
    b->max   = max;
}

void
carve_dynbuf_free(carve_dynbuf_t *b)
{
    free(b->bytes);
    b->bytes = NULL;
    b->len   = 0;
    b->cap   = 0;
}

/* Room for len + more bytes and a NUL, within the maximum. Frees the buffer on failure. */
static carve_grow_t
dynbuf_grow(carve_dynbuf_t *b, size_t more)
{
    size_t need, cap;
    char  *grown;

    if (more > b->max || b->len > b->max - more) {
        carve_dynbuf_free(b);
        return CARVE_GROW_TOO_LARGE;
    }
    need = b->len + more + 1; /* no overflow: len + more <= max < SIZE_MAX would need max == SIZE_MAX */
    if (need == 0) {
        carve_dynbuf_free(b);
        return CARVE_GROW_TOO_LARGE;
    }
    if (need <= b->cap)
        return CARVE_GROW_OK;
    cap = b->cap ? b->cap : DYNBUF_FIRST;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* Never more than the maximum and its NUL, unless the maximum is so large that this does not fit. */
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1 >= need ? b->max + 1 : need;
    if ((grown = realloc(b->bytes, cap)) == NULL) {
        carve_dynbuf_free(b);
        return CARVE_GROW_NOMEM;
    }
    b->bytes = grown;
    b->cap   = cap;
    return CARVE_GROW_OK;
}

carve_grow_t
carve_dynbuf_add(carve_dynbuf_t *b, const void *data, size_t len)
{
    carve_grow_t status = dynbuf_grow(b, len);

    if (status != CARVE_GROW_OK)
        return status;
    if (len > 0)
        memcpy(b->bytes + b->len, data, len);
    b->len += len;
    b->bytes[b->len] = '\0';
    return CARVE_GROW_OK;
}

carve_grow_t
carve_dynbuf_reserve(carve_dynbuf_t *b, size_t more)
{
    size_t allowed = b->max - (b->len < b->max ? b->len : b->max);

    return dynbuf_grow(b, more < allowed ? more : allowed);
}

char *
carve_dynbuf_take(carve_dynbuf_t *b, size_t *len)
{
    char *bytes = b->bytes;

    if (len)
        *len = b->len;
    if (bytes == NULL)
        bytes = calloc(1, 1);
    else
        bytes[b->len] = '\0';
    b->bytes = NULL;
    b->len   = 0;
    b->cap   = 0;
    return bytes;
}

carve_grow_t
carve_array_reserve(void *items, size_t *capacity, size_t need, size_t item_size)
{
    void  *array, *grown;
    size_t cap;

    if (need <= *capacity)
        return CARVE_GROW_OK;
    if (item_size == 0 || need > SIZE_MAX / item_size)
        return CARVE_GROW_TOO_LARGE;
    cap = *capacity ? *capacity : ARRAY_FIRST;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > SIZE_MAX / item_size)
        cap = need; /* doubling would overflow; exactly what is needed still fits */
    /* items is the address of some T *: its bytes are copied rather than read through a void ** (a T ** is
     * not a void **), which is well defined for any object pointer type. */
    memcpy(&array, items, sizeof array);
    if ((grown = realloc(array, cap * item_size)) == NULL)
        return CARVE_GROW_NOMEM;
    memcpy(items, &grown, sizeof grown);
    *capacity = cap;
    return CARVE_GROW_OK;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Reading a whole file                                                                                    */
/* ------------------------------------------------------------------------------------------------------ */

/* Pushes the message for a failed growth of the buffer holding path. */
static void
report_growth(carve_grow_t status, const char *path, size_t max_bytes, hid_t maj,
              const carve_file_kind_t *kind)
{
    if (status == CARVE_GROW_TOO_LARGE)
        CARVE_ERROR(maj, CARVE_E_BADVALUE, "%s %s is larger than %zu bytes (%s)", kind->noun, path, max_bytes,
                    kind->limit_name);
    else
        CARVE_ERROR(maj, CARVE_E_SYSTEM, "out of memory reading %s %s", kind->noun, path);
}

/* Checks what fd is before reading it, and reserves its size when it is a regular file. */
static herr_t
read_file_start(int fd, const char *path, carve_dynbuf_t *buf, hid_t maj, const carve_file_kind_t *kind)
{
    struct stat  st;
    carve_grow_t status;
    herr_t       ret_value = 0;

    if (fstat(fd, &st) < 0)
        CARVE_GOTO_ERROR(maj, CARVE_E_SYSTEM, -1, "cannot stat %s %s: %s", kind->noun, path, strerror(errno));
    if (kind->regular_only && !S_ISREG(st.st_mode))
        CARVE_GOTO_ERROR(maj, CARVE_E_BADVALUE, -1, "%s %s is not a regular file", kind->noun, path);
    if (!S_ISREG(st.st_mode) || st.st_size <= 0)
        CARVE_GOTO_DONE(0);
    if ((uint64_t)st.st_size > buf->max) {
        report_growth(CARVE_GROW_TOO_LARGE, path, buf->max, maj, kind);
        CARVE_GOTO_DONE(-1);
    }
    /* One byte past the size: a file that grew while it is read is still seen whole (or refused). */
    if ((status = carve_dynbuf_reserve(buf, (size_t)st.st_size + 1)) != CARVE_GROW_OK) {
        report_growth(status, path, buf->max, maj, kind);
        CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

/* Reads fd to its end into buf, straight into the buffer's free room. At the maximum, one more byte is
 * asked for only to tell a file of exactly the maximum from a longer one. */
static herr_t
read_file_body(int fd, const char *path, carve_dynbuf_t *buf, hid_t maj, const carve_file_kind_t *kind)
{
    herr_t ret_value = 0;

    for (;;) {
        char         probe;
        char        *into = &probe;
        size_t       room = 1;
        ssize_t      got;
        carve_grow_t status;

        if (buf->len < buf->max) {
            size_t more = buf->max - buf->len < READ_CHUNK ? buf->max - buf->len : READ_CHUNK;

            if ((buf->cap == 0 || buf->cap - buf->len <= 1) &&
                (status = dynbuf_grow(buf, more)) != CARVE_GROW_OK) {
                report_growth(status, path, buf->max, maj, kind);
                CARVE_GOTO_DONE(-1);
            }
            into = buf->bytes + buf->len;
            room = buf->cap - buf->len - 1;
        }
        if ((got = read(fd, into, room)) < 0 && errno == EINTR)
            continue;
        if (got < 0)
            CARVE_GOTO_ERROR(maj, CARVE_E_SYSTEM, -1, "cannot read %s %s: %s", kind->noun, path,
                             strerror(errno));
        if (got == 0)
            break;
        if (into == &probe) {
            report_growth(CARVE_GROW_TOO_LARGE, path, buf->max, maj, kind);
            CARVE_GOTO_DONE(-1);
        }
        buf->len += (size_t)got;
        buf->bytes[buf->len] = '\0';
    }

done:
    return ret_value;
}

herr_t
carve_read_file(const char *path, size_t max_bytes, hid_t maj, const carve_file_kind_t *kind, char **data,
                size_t *len)
{
    carve_dynbuf_t buf;
    int            fd        = -1;
    herr_t         ret_value = 0;

    carve_dynbuf_init(&buf, max_bytes);
    if (data)
        *data = NULL;
    if (len)
        *len = 0;
    if (path == NULL || kind == NULL || data == NULL || len == NULL)
        CARVE_GOTO_ERROR(maj, CARVE_E_BADVALUE, -1, "carve_read_file: NULL argument");
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        CARVE_GOTO_ERROR(maj, CARVE_E_SYSTEM, -1, "cannot open %s %s: %s", kind->noun, path, strerror(errno));
    if (read_file_start(fd, path, &buf, maj, kind) < 0 || read_file_body(fd, path, &buf, maj, kind) < 0)
        CARVE_GOTO_DONE(-1);
    if ((*data = carve_dynbuf_take(&buf, len)) == NULL)
        CARVE_GOTO_ERROR(maj, CARVE_E_SYSTEM, -1, "out of memory reading %s %s", kind->noun, path);

done:
    if (fd >= 0)
        close(fd);
    carve_dynbuf_free(&buf);
    return ret_value;
}
