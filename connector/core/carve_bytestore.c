/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_bytestore.c — byte ranges of a file held in memory (see carve_bytestore.h).
 *
 * Extents are kept sorted by offset, disjoint and not touching (a put merges everything it overlaps or
 * touches into one extent), so that a range is held exactly when one extent contains it: a get is one
 * binary search. A program's reads mostly arrive in increasing order, so a put that extends the last
 * extent grows its buffer geometrically instead of copying it each time.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_bytestore.h"

typedef struct extent_t {
    uint64_t       offset;
    size_t         size;
    size_t         cap; /* bytes allocated at data */
    unsigned char *data;
} extent_t;

struct carve_bytestore_t {
    unsigned  refs;
    size_t    limit;
    size_t    bytes; /* sum of the extents' sizes */
    size_t    n, cap;
    extent_t *ext;
};

carve_bytestore_t *
carve_bytestore_new(size_t limit)
{
    carve_bytestore_t *s = calloc(1, sizeof *s);

    if (s) {
        s->refs  = 1;
        s->limit = limit;
    }
    return s;
}

carve_bytestore_t *
carve_bytestore_ref(carve_bytestore_t *s)
{
    if (s)
        s->refs++;
    return s;
}

void
carve_bytestore_unref(carve_bytestore_t *s)
{
    if (!s || --s->refs > 0)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->ext[i].data);
    free(s->ext);
    free(s);
}

size_t
carve_bytestore_bytes(const carve_bytestore_t *s)
{
    return s ? s->bytes : 0;
}

size_t
carve_bytestore_extents(const carve_bytestore_t *s)
{
    return s ? s->n : 0;
}

/* The index of the first extent that ends at or after offset (it may touch or contain offset); n if none. */
static size_t
first_reaching(const carve_bytestore_t *s, uint64_t offset)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->ext[mid].offset + s->ext[mid].size < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The extent holding all size bytes at offset, or NULL. */
static const extent_t *
holding(const carve_bytestore_t *s, uint64_t offset, size_t size)
{
    size_t          i;
    const extent_t *e;

    if (!s || size == 0 || offset + size < offset)
        return NULL;
    i = first_reaching(s, offset + 1); /* the extent holding byte `offset`, if any, ends after it */
    if (i >= s->n)
        return NULL;
    e = &s->ext[i];
    return e->offset > offset || e->offset + e->size < offset + size ? NULL : e;
}

int
carve_bytestore_get(const carve_bytestore_t *s, uint64_t offset, size_t size, void *buf)
{
    const extent_t *e = holding(s, offset, size);

    if (!e)
        return 0;
    memcpy(buf, e->data + (offset - e->offset), size);
    return 1;
}

int
carve_bytestore_holds(const carve_bytestore_t *s, uint64_t offset, size_t size)
{
    return holding(s, offset, size) != NULL;
}

uint64_t
carve_bytestore_next_held(const carve_bytestore_t *s, uint64_t offset)
{
    size_t i;

    if (!s)
        return UINT64_MAX;
    i = first_reaching(s, offset + 1); /* the first extent ending after offset */
    if (i >= s->n)
        return UINT64_MAX;
    return s->ext[i].offset > offset ? s->ext[i].offset : offset;
}

void
carve_bytestore_clear(carve_bytestore_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->ext[i].data);
    s->n     = 0;
    s->bytes = 0;
}

size_t
carve_bytestore_limit(const carve_bytestore_t *s)
{
    return s ? s->limit : 0;
}

int
carve_bytestore_put(carve_bytestore_t *s, uint64_t offset, size_t size, const void *bytes)
{
    uint64_t       end = offset + size, lo, hi;
    size_t         first, last, grown = 0, cap;
    unsigned char *data;

    if (!s || size == 0 || end < offset)
        return 0;
    first = first_reaching(s, offset);
    /* [first, last): the extents that overlap or touch [offset, end). */
    for (last = first; last < s->n && s->ext[last].offset <= end; last++)
        ;
    lo = offset;
    hi = end;
    if (last > first) {
        lo = s->ext[first].offset < lo ? s->ext[first].offset : lo;
        hi = s->ext[last - 1].offset + s->ext[last - 1].size > hi
                 ? s->ext[last - 1].offset + s->ext[last - 1].size
                 : hi;
    }
    for (size_t i = first; i < last; i++)
        grown += s->ext[i].size;
    if (hi - lo > SIZE_MAX / 2 || (size_t)(hi - lo) - grown > s->limit - s->bytes || s->bytes > s->limit)
        return 0;                      /* full: the store stays as it was */
    grown = (size_t)(hi - lo) - grown; /* new bytes */

    if (last - first == 1 && s->ext[first].offset == lo) {
        /* One extent grows at its end (the common, sequential case): amortised by doubling. */
        extent_t *e = &s->ext[first];

        if ((size_t)(hi - lo) > e->cap) {
            cap = e->cap * 2 > (size_t)(hi - lo) ? e->cap * 2 : (size_t)(hi - lo);
            if (NULL == (data = realloc(e->data, cap)))
                return 0;
            e->data = data;
            e->cap  = cap;
        }
        if (end > e->offset + e->size)
            memcpy(e->data + e->size, (const unsigned char *)bytes + (e->offset + e->size - offset),
                   (size_t)(end - (e->offset + e->size)));
        e->size = (size_t)(hi - lo);
        s->bytes += grown;
        return 1;
    }

    /* A new extent spanning [lo, hi): the new bytes, then the old extents over them (kept as held). */
    cap = (size_t)(hi - lo);
    if (NULL == (data = malloc(cap)))
        return 0;
    memcpy(data + (offset - lo), bytes, size);
    for (size_t i = first; i < last; i++)
        memcpy(data + (s->ext[i].offset - lo), s->ext[i].data, s->ext[i].size);
    if (last == first) {
        /* Insert at first. */
        if (s->n == s->cap) {
            size_t    ncap = s->cap ? s->cap * 2 : 16;
            extent_t *ext  = realloc(s->ext, ncap * sizeof *ext);

            if (!ext) {
                free(data);
                return 0;
            }
            s->ext = ext;
            s->cap = ncap;
        }
        memmove(&s->ext[first + 1], &s->ext[first], (s->n - first) * sizeof *s->ext);
        s->n++;
    }
    else {
        for (size_t i = first; i < last; i++)
            free(s->ext[i].data);
        memmove(&s->ext[first + 1], &s->ext[last], (s->n - last) * sizeof *s->ext);
        s->n -= last - first - 1;
    }
    s->ext[first] = (extent_t){lo, (size_t)(hi - lo), cap, data};
    s->bytes += grown;
    return 1;
}
