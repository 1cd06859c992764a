/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_selection_codec.c — selection records as packed bytes and back (layout: carve_selection_codec.h).
 */
#include "carve_selection_codec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_error.h"

/* Tags of a record's head (carve_selection_codec.h). */
enum { TAG_SAME = 0, TAG_BLOCK = 1, TAG_PATTERN = 2 };

/* The number of elements of sel's extent in *total; 0 when it does not fit 64 bits or the rank is 0. */
static int
extent_elements(const carve_selection_t *sel, uint64_t *total)
{
    uint64_t n = 1;

    if (sel->rank < 1 || sel->rank > H5S_MAX_RANK)
        return 0;
    for (int d = 0; d < sel->rank; d++) {
        if (sel->dims[d] != 0 && n > UINT64_MAX / sel->dims[d])
            return 0;
        n *= sel->dims[d];
    }
    *total = n;
    return 1;
}

int
carve_selection_packable(const carve_selection_t *sel)
{
    uint64_t total;

    return extent_elements(sel, &total);
}

/* ---- encoding ---------------------------------------------------------------------------------------- */

/* A byte writer over a dynbuf, with room reserved ahead so that each byte is a store. */
typedef struct pack_writer_t {
    carve_dynbuf_t *out;
    unsigned char   buf[4096];
    size_t          used;
    int             failed;
} pack_writer_t;

static void
writer_flush(pack_writer_t *w)
{
    if (w->used && !w->failed && carve_dynbuf_add(w->out, w->buf, w->used) != CARVE_GROW_OK)
        w->failed = 1;
    w->used = 0;
}

/* The longest a record can take: a head of 10 bytes and 3 varints of 10 bytes per dimension. */
#define RECORD_MAX_BYTES (10 + 3 * 10 * H5S_MAX_RANK)

static void
put_varint(pack_writer_t *w, uint64_t v)
{
    while (v >= 0x80) {
        w->buf[w->used++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    w->buf[w->used++] = (unsigned char)v;
}

static void
put_head(pack_writer_t *w, uint64_t v, unsigned tag)
{
    unsigned char first = (unsigned char)(tag | (unsigned)(v & 0x1f) << 2);

    v >>= 5;
    if (v) {
        w->buf[w->used++] = first | 0x80;
        put_varint(w, v);
    }
    else
        w->buf[w->used++] = first;
}

herr_t
carve_selection_pack(const carve_selection_t *sel, carve_dynbuf_t *out)
{
    int            rank        = sel->rank;
    size_t         shape_bytes = 3 * (size_t)rank * sizeof(hsize_t);
    hsize_t        shape[3 * H5S_MAX_RANK]; /* the previous record's stride, count, block */
    uint64_t       previous  = 0;
    pack_writer_t *w         = NULL;
    herr_t         ret_value = 0;

    if (!carve_selection_packable(sel))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNSUPPORTED, -1,
                         "cannot pack the selection records of an extent of rank %d beyond 2^64 elements",
                         sel->rank);
    if (NULL == (w = calloc(1, sizeof *w)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory packing selection records");
    w->out = out;
    for (int k = 0; k < 3 * rank; k++)
        shape[k] = 1;
    w->buf[w->used++] = CARVE_SELECTION_CODEC_VERSION;
    for (size_t i = 0; i < sel->nrecords && !w->failed; i++) {
        const hsize_t *start = CARVE_RECORD_START(sel, i), *stride = CARVE_RECORD_STRIDE(sel, i);
        const hsize_t *count = CARVE_RECORD_COUNT(sel, i), *block = CARVE_RECORD_BLOCK(sel, i);
        uint64_t       index = 0, delta, zigzag;
        unsigned       tag   = TAG_SAME;

        for (int d = 0; d < rank; d++) /* carve_linear_index, without a call per record */
            index = index * sel->dims[d] + start[d];
        delta  = index - previous;
        zigzag = (delta << 1) ^ (0 - (delta >> 63));

        if (w->used > sizeof w->buf - RECORD_MAX_BYTES)
            writer_flush(w);
        if (memcmp(stride, shape, shape_bytes) != 0) { /* stride, count, block follow one another */
            tag = TAG_BLOCK;
            for (int d = 0; d < rank && tag == TAG_BLOCK; d++)
                if (count[d] != 1 || stride[d] != 1)
                    tag = TAG_PATTERN;
            memcpy(shape, stride, shape_bytes);
        }
        put_head(w, zigzag, tag);
        for (int d = 0; d < rank && tag == TAG_BLOCK; d++)
            put_varint(w, block[d] - 1);
        for (int d = 0; d < rank && tag == TAG_PATTERN; d++) {
            put_varint(w, count[d] - 1);
            put_varint(w, stride[d]);
            put_varint(w, block[d] - 1);
        }
        previous = index;
    }
    writer_flush(w);
    if (w->failed)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory packing %zu selection records",
                         sel->nrecords);

done:
    free(w);
    return ret_value;
}

/* ---- decoding ---------------------------------------------------------------------------------------- */

typedef struct unpack_reader_t {
    const unsigned char *p, *end;
} unpack_reader_t;

/* Continues a varint whose first `shift` bits are in *v; NULL when done, else why not. */
static const char *
get_varint_rest(unpack_reader_t *r, uint64_t *v, unsigned shift)
{
    for (;;) {
        unsigned char b;

        if (r->p == r->end)
            return "the bytes end inside a number";
        b = *r->p++;
        if (shift > 63 || (shift > 57 && (b & 0x7f) >> (64 - shift)) != 0)
            return "a number does not fit 64 bits";
        *v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            return NULL;
    }
}

static const char *
get_varint(unpack_reader_t *r, uint64_t *v)
{
    *v = 0;
    return get_varint_rest(r, v, 0);
}

/* A value of a record field given as value - 1 (block, count): at least 1. */
static const char *
get_plus_one(unpack_reader_t *r, hsize_t *v)
{
    uint64_t    raw;
    const char *why = get_varint(r, &raw);

    if (why)
        return why;
    if (raw == UINT64_MAX)
        return "a count or block does not fit 64 bits";
    *v = (hsize_t)raw + 1;
    return NULL;
}

const char *
carve_selection_unpack(carve_selection_t *sel, const void *bytes, size_t len, size_t nrecords, size_t *at)
{
    unpack_reader_t r     = {bytes, (const unsigned char *)bytes + len};
    int             rank  = sel->rank;
    size_t          width = 4 * (size_t)rank;
    hsize_t         shape[3 * H5S_MAX_RANK];
    uint64_t        total, previous = 0;

    *at = 0;
    if (!extent_elements(sel, &total))
        return "records of an extent beyond 2^64 elements cannot be packed";
    if (len == 0 || r.p[0] != CARVE_SELECTION_CODEC_VERSION)
        return len == 0 ? "no bytes" : "unknown encoding (the first byte is not 1)";
    r.p++;
    if (nrecords > len - 1)
        return "more records than bytes";
    if (nrecords > 0 && carve_array_reserve(&sel->records, &sel->capacity, sel->nrecords + nrecords,
                                            width * sizeof *sel->records) != CARVE_GROW_OK)
        return "out of memory";
    for (int k = 0; k < 3 * rank; k++)
        shape[k] = 1;
    for (size_t i = 0; i < nrecords; i++) {
        hsize_t    *rec = sel->records + sel->nrecords * width;
        uint64_t    zigzag, index;
        unsigned    tag;
        const char *why;

        *at = i;
        if (r.p == r.end)
            return "fewer records than said";
        tag    = *r.p & 3u;
        zigzag = (*r.p & 0x7fu) >> 2;
        if ((*r.p++ & 0x80) && (why = get_varint_rest(&r, &zigzag, 5)) != NULL)
            return why;
        index = previous + ((zigzag >> 1) ^ (0 - (zigzag & 1)));
        if (index >= total)
            return "a start outside the extent";
        previous = index;
        if (tag == TAG_BLOCK)
            for (int d = 0; d < rank; d++) {
                shape[d] = shape[rank + d] = 1; /* stride, count */
                if ((why = get_plus_one(&r, &shape[2 * rank + d])) != NULL)
                    return why;
            }
        else if (tag == TAG_PATTERN)
            for (int d = 0; d < rank; d++) {
                uint64_t stride;

                if ((why = get_plus_one(&r, &shape[rank + d])) != NULL ||
                    (why = get_varint(&r, &stride)) != NULL ||
                    (why = get_plus_one(&r, &shape[2 * rank + d])) != NULL)
                    return why;
                shape[d] = (hsize_t)stride;
            }
        if (tag > TAG_PATTERN)
            return "an unknown record tag (3)";
        for (int d = rank - 1; d >= 0; d--) { /* the start from its row-major index */
            rec[d] = index % sel->dims[d];
            index /= sel->dims[d];
        }
        memcpy(rec + rank, shape, 3 * (size_t)rank * sizeof *rec);
        sel->nrecords++;
    }
    *at = nrecords;
    if (r.p != r.end)
        return "bytes left after the last record";
    return NULL;
}
