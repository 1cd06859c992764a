/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_access_codec.c — an access log as bytes and back (see carve_access_codec.h).
 *
 * Layout, every integer little-endian:
 *   "CVAL" u32:version
 *   u64:ndatasets, each: token[16] u32:rank u64:dims[rank] u64:type_size u64:reads u64:elements_read
 *                        u64:bytes_read u64:nrecords, each record 4*rank u64 (start, stride, count, block)
 *   u64:nobjects, each token[16]
 *   u64:nattrs, each token[16] u32:name_length name bytes
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_access_codec.h"
#include "carve_error.h"

#define CODEC_MAGIC   "CVAL"
#define CODEC_VERSION 1u

/* ---- encoding ---------------------------------------------------------------------------------------- */

/* Appends v as n little-endian bytes (n <= 8). */
static int
put_le(carve_dynbuf_t *out, uint64_t v, int n)
{
    unsigned char b[8];

    for (int i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return carve_dynbuf_add(out, b, (size_t)n) == CARVE_GROW_OK ? 0 : -1;
}

#define put_u64(out, v) put_le(out, (uint64_t)(v), 8)
#define put_u32(out, v) put_le(out, (uint64_t)(v), 4)

static int
put_token(carve_dynbuf_t *out, const H5O_token_t *token)
{
    return carve_dynbuf_add(out, token->__data, sizeof token->__data) == CARVE_GROW_OK ? 0 : -1;
}

static int
encode_dataset(carve_dynbuf_t *out, const carve_access_dataset_t *ds)
{
    const carve_selection_t *sel = &ds->selections;
    size_t                   n   = sel->nrecords * 4 * (size_t)sel->rank;

    if (put_token(out, &ds->token) < 0 || put_u32(out, (uint32_t)ds->rank) < 0)
        return -1;
    for (int d = 0; d < ds->rank; d++)
        if (put_u64(out, ds->dims[d]) < 0)
            return -1;
    if (put_u64(out, ds->type_size) < 0 || put_u64(out, ds->reads) < 0 ||
        put_u64(out, ds->elements_read) < 0 || put_u64(out, ds->bytes_read) < 0 ||
        put_u64(out, sel->nrecords) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (put_u64(out, sel->records[i]) < 0)
            return -1;
    return 0;
}

herr_t
carve_access_encode(const carve_access_t *acc, carve_dynbuf_t *out)
{
    const carve_tokenmap_t *datasets = &acc->datasets, *objects = &acc->objects;
    herr_t                  ret_value = 0;

    if (carve_dynbuf_add(out, CODEC_MAGIC, 4) != CARVE_GROW_OK || put_u32(out, CODEC_VERSION) < 0 ||
        put_u64(out, datasets->n) < 0)
        goto nomem;
    for (size_t i = 0; i < datasets->capacity; i++)
        if (datasets->used[i] && encode_dataset(out, datasets->values[i]) < 0)
            goto nomem;
    if (put_u64(out, objects->n) < 0)
        goto nomem;
    for (size_t i = 0; i < objects->capacity; i++)
        if (objects->used[i] && put_token(out, &objects->keys[i]) < 0)
            goto nomem;
    if (put_u64(out, acc->nattrs) < 0)
        goto nomem;
    for (size_t i = 0; i < acc->nattrs; i++) {
        size_t len = strlen(acc->attrs[i].name);

        if (len > UINT32_MAX || put_token(out, &acc->attrs[i].object) < 0 ||
            put_u32(out, (uint32_t)len) < 0 ||
            carve_dynbuf_add(out, acc->attrs[i].name, len) != CARVE_GROW_OK)
            goto nomem;
    }
    CARVE_GOTO_DONE(0);

nomem:
    CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_SYSTEM, -1, "out of memory encoding an access log");
done:
    return ret_value;
}

/* ---- decoding ---------------------------------------------------------------------------------------- */

typedef struct codec_reader_t {
    const unsigned char *p, *end;
} codec_reader_t;

static int
get_bytes(codec_reader_t *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

/* Reads n little-endian bytes (n <= 8) into v. */
static int
get_le(codec_reader_t *r, uint64_t *v, int n)
{
    unsigned char b[8];

    if (get_bytes(r, b, (size_t)n) < 0)
        return -1;
    *v = 0;
    for (int i = n - 1; i >= 0; i--)
        *v = (*v << 8) | b[i];
    return 0;
}

static int
get_u64(codec_reader_t *r, uint64_t *v)
{
    return get_le(r, v, 8);
}

static int
get_u32(codec_reader_t *r, uint32_t *v)
{
    uint64_t wide;

    if (get_le(r, &wide, 4) < 0)
        return -1;
    *v = (uint32_t)wide;
    return 0;
}

static int
get_token(codec_reader_t *r, H5O_token_t *token)
{
    return get_bytes(r, token->__data, sizeof token->__data);
}

/* A count of items of at least item_bytes each that the rest of the buffer can hold (so a corrupt count
 * cannot make the loop below run for long). */
static int
get_count(codec_reader_t *r, size_t item_bytes, uint64_t *n)
{
    if (get_u64(r, n) < 0 || (item_bytes > 0 && *n > (uint64_t)(r->end - r->p) / item_bytes))
        return -1;
    return 0;
}

static herr_t
merge_dataset(carve_access_t *acc, codec_reader_t *r)
{
    H5O_token_t             token;
    uint32_t                rank;
    hsize_t                 dims[H5S_MAX_RANK], rec[4 * H5S_MAX_RANK];
    uint64_t                type_size, reads, elements, bytes, nrecords, v;
    carve_access_dataset_t *ds;
    herr_t                  ret_value = 0;

    if (get_token(r, &token) < 0 || get_u32(r, &rank) < 0 || rank > H5S_MAX_RANK)
        goto malformed;
    for (uint32_t d = 0; d < rank; d++) {
        if (get_u64(r, &v) < 0)
            goto malformed;
        dims[d] = (hsize_t)v;
    }
    if (get_u64(r, &type_size) < 0 || get_u64(r, &reads) < 0 || get_u64(r, &elements) < 0 ||
        get_u64(r, &bytes) < 0 || get_count(r, 32 * (size_t)rank, &nrecords) < 0 || type_size > SIZE_MAX ||
        (rank == 0 && nrecords > 1))
        goto malformed;
    if (NULL == (ds = carve_access_dataset(acc, &token, (int)rank, dims, (size_t)type_size)))
        CARVE_GOTO_DONE(-1);
    if (ds->rank != (int)rank || ds->type_size != type_size ||
        memcmp(ds->dims, dims, rank * sizeof *dims) != 0)
        CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_BADVALUE, -1,
                         "two access logs of one file disagree on a dataset's shape or element size");
    for (uint64_t i = 0; i < nrecords; i++) {
        for (uint32_t k = 0; k < 4 * rank; k++) {
            if (get_u64(r, &v) < 0)
                goto malformed;
            rec[k] = (hsize_t)v;
        }
        if ((rank == 0
                 ? carve_selection_add_all(&ds->selections)
                 : carve_selection_add(&ds->selections, rec, rec + rank, rec + 2 * rank, rec + 3 * rank)) < 0)
            CARVE_GOTO_DONE(-1);
    }
    if (carve_selection_merge(&ds->selections) < 0)
        CARVE_GOTO_DONE(-1);
    ds->reads += reads;
    ds->elements_read += elements;
    ds->bytes_read += bytes;
    CARVE_GOTO_DONE(0);

malformed:
    CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_CORRUPT, -1,
                     "a dataset entry of an encoded access log is truncated");
done:
    return ret_value;
}

herr_t
carve_access_merge_encoded(carve_access_t *acc, const void *bytes, size_t len)
{
    codec_reader_t r = {bytes, (const unsigned char *)bytes + len};
    char           magic[4];
    uint32_t       version, name_len;
    uint64_t       n;
    H5O_token_t    token;
    char          *name      = NULL;
    herr_t         ret_value = 0;

    if (get_bytes(&r, magic, 4) < 0 || memcmp(magic, CODEC_MAGIC, 4) != 0 || get_u32(&r, &version) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_CORRUPT, -1, "not an encoded access log (%zu bytes)", len);
    if (version != CODEC_VERSION)
        CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_UNSUPPORTED, -1,
                         "an encoded access log of version %u (this carve reads version %u)", version,
                         CODEC_VERSION);
    if (get_count(&r, 16 + 4 + 40, &n) < 0)
        goto malformed;
    for (uint64_t i = 0; i < n; i++)
        if (merge_dataset(acc, &r) < 0)
            CARVE_GOTO_DONE(-1);
    if (get_count(&r, 16, &n) < 0)
        goto malformed;
    for (uint64_t i = 0; i < n; i++) {
        if (get_token(&r, &token) < 0)
            goto malformed;
        if (carve_access_touch(acc, &token) < 0)
            CARVE_GOTO_DONE(-1);
    }
    if (get_count(&r, 16 + 4, &n) < 0)
        goto malformed;
    for (uint64_t i = 0; i < n; i++) {
        if (get_token(&r, &token) < 0 || get_u32(&r, &name_len) < 0 || name_len > (size_t)(r.end - r.p) ||
            memchr(r.p, '\0', name_len) != NULL)
            goto malformed;
        if (NULL == (name = strndup((const char *)r.p, name_len)))
            CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_SYSTEM, -1, "out of memory merging an access log");
        r.p += name_len;
        if (carve_access_record_attr(acc, &token, name) < 0)
            CARVE_GOTO_DONE(-1);
        free(name);
        name = NULL;
    }
    if (r.p != r.end)
        goto malformed;
    CARVE_GOTO_DONE(0);

malformed:
    CARVE_GOTO_ERROR(CARVE_E_ACCESS, CARVE_E_CORRUPT, -1, "an encoded access log is truncated or malformed");
done:
    free(name);
    return ret_value;
}
