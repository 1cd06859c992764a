/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_integrity.c — the checksum table of a container (see carve_integrity.h): the hash, measuring a
 * container dataset (its chunk index walked once, each stored chunk read raw), and the table's binary
 * encoding. No VOL code.
 */
#include "carve_integrity.h"

#include <stdlib.h>
#include <string.h>

#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_skeleton.h" /* carve_skeleton_type_needs_rewrite: values that point into the file */

#define INTEGRITY_MAGIC "CARVE-INTEGRITY 1\n"

/* ------------------------------------------------------------------------------------------------------ */
/* The hash: 8-byte words mixed by multiplication and rotation, then a final avalanche (fast, not crypto). */
/* ------------------------------------------------------------------------------------------------------ */

#define HASH_K1 UINT64_C(0x9E3779B185EBCA87)
#define HASH_K2 UINT64_C(0xC2B2AE3D27D4EB4F)

static uint64_t
rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

uint64_t
carve_integrity_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t             h = UINT64_C(0x27D4EB2F165667C5) ^ (uint64_t)len * HASH_K1;
    size_t               i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        h ^= rotl64(w * HASH_K2, 31) * HASH_K1;
        h = rotl64(h, 27) * HASH_K1 + UINT64_C(0x85EBCA77C2B2AE63);
    }
    for (; i < len; i++) {
        h ^= (uint64_t)p[i] * HASH_K1;
        h = rotl64(h, 11) * HASH_K2;
    }
    h ^= h >> 33;
    h *= HASH_K2;
    h ^= h >> 29;
    h *= UINT64_C(0x165667B19E3779F9);
    h ^= h >> 32;
    return h;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The table                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

void
carve_integrity_init(carve_integrity_t *t)
{
    memset(t, 0, sizeof *t);
}

void
carve_integrity_clear(carve_integrity_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->datasets[i].path);
        free(t->datasets[i].entries);
    }
    free(t->datasets);
    memset(t, 0, sizeof *t);
}

static int
entry_compare(const void *a, const void *b)
{
    uint64_t x = ((const carve_integrity_entry_t *)a)->chunk, y = ((const carve_integrity_entry_t *)b)->chunk;

    return x < y ? -1 : x > y;
}

static int
dataset_compare(const void *a, const void *b)
{
    return strcmp(((const carve_integrity_dataset_t *)a)->path, ((const carve_integrity_dataset_t *)b)->path);
}

void
carve_integrity_sort(carve_integrity_t *t)
{
    if (t->n > 1)
        qsort(t->datasets, t->n, sizeof *t->datasets, dataset_compare);
}

/* A new, empty dataset table at the end of t. NULL: out of memory. */
static carve_integrity_dataset_t *
integrity_add(carve_integrity_t *t, const char *path)
{
    carve_integrity_dataset_t *d;

    if (CARVE_ARRAY_RESERVE(t->datasets, t->capacity, t->n + 1) != CARVE_GROW_OK)
        return NULL;
    d = &t->datasets[t->n];
    memset(d, 0, sizeof *d);
    if (NULL == (d->path = strdup(path)))
        return NULL;
    t->n++;
    return d;
}

herr_t
carve_integrity_add_copy(carve_integrity_t *t, const carve_integrity_dataset_t *d)
{
    carve_integrity_dataset_t *copy      = integrity_add(t, d->path);
    herr_t                     ret_value = 0;

    if (!copy || (d->n && NULL == (copy->entries = malloc(d->n * sizeof *copy->entries))))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory for its checksums",
                         d->path);
    if (d->n)
        memcpy(copy->entries, d->entries, d->n * sizeof *copy->entries);
    copy->n = d->n;

done:
    return ret_value;
}

static herr_t
integrity_append(carve_integrity_dataset_t *d, size_t *capacity, uint64_t chunk, uint64_t size, uint64_t hash)
{
    if (CARVE_ARRAY_RESERVE(d->entries, *capacity, d->n + 1) != CARVE_GROW_OK)
        return -1;
    d->entries[d->n].chunk = chunk;
    d->entries[d->n].size  = size;
    d->entries[d->n].hash  = hash;
    d->n++;
    return 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Measuring                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct measure_t {
    hid_t                      dset;
    int                        rank;
    hsize_t                    chunk[H5S_MAX_RANK];
    hsize_t                    grid[H5S_MAX_RANK];
    carve_integrity_dataset_t *d;
    size_t                     capacity;
    unsigned char             *buf;
    size_t                     buf_size;
    int                        failed; /* 1: out of memory, 2: a chunk unreadable */
} measure_t;

static int
measure_chunk(const hsize_t *offset, unsigned mask, haddr_t addr, hsize_t size, void *udata)
{
    measure_t *m       = udata;
    uint64_t   index   = 0;
    uint32_t   filters = mask;

    if (addr == HADDR_UNDEF)
        return H5_ITER_CONT;
    for (int k = 0; k < m->rank; k++)
        index = index * m->grid[k] + offset[k] / m->chunk[k];
    if (size > m->buf_size) {
        unsigned char *grown = realloc(m->buf, (size_t)size);

        if (!grown) {
            m->failed = 1;
            return H5_ITER_ERROR;
        }
        m->buf      = grown;
        m->buf_size = (size_t)size;
    }
    if (size && H5Dread_chunk(m->dset, H5P_DEFAULT, offset, &filters, m->buf) < 0) {
        m->failed = 2;
        return H5_ITER_ERROR;
    }
    if (integrity_append(m->d, &m->capacity, index, size,
                         size ? carve_integrity_hash(m->buf, (size_t)size) : 0) < 0) {
        m->failed = 1;
        return H5_ITER_ERROR;
    }
    return H5_ITER_CONT;
}

herr_t
carve_integrity_measure(carve_integrity_t *t, const char *path, hid_t dset, const uint64_t *claimed,
                        size_t nclaimed)
{
    measure_t m;
    hid_t     dcpl = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
    hsize_t   dims[H5S_MAX_RANK];
    void     *values    = NULL;
    int       pointers  = 0;
    herr_t    ret_value = 0;

    memset(&m, 0, sizeof m);
    m.dset = dset;
    if (NULL == (m.d = integrity_add(t, path)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory for its checksums", path);
    if ((dcpl = H5Dget_create_plist(dset)) < 0 || (space = H5Dget_space(dset)) < 0 ||
        (type = H5Dget_type(dset)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot inspect it for its checksums",
                         path);
    if (H5Pget_layout(dcpl) == H5D_CHUNKED) {
        size_t have;

        if ((m.rank = H5Sget_simple_extent_dims(space, dims, NULL)) < 0 ||
            H5Pget_chunk(dcpl, m.rank, m.chunk) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot read its chunk shape",
                             path);
        for (int k = 0; k < m.rank; k++)
            m.grid[k] = dims[k] ? (dims[k] + m.chunk[k] - 1) / m.chunk[k] : 1;
        if (H5Dchunk_iter(dset, H5P_DEFAULT, measure_chunk, &m) < 0 || m.failed)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, m.failed == 1 ? CARVE_E_SYSTEM : CARVE_E_UNDERLYING, -1,
                             "%s: cannot measure its stored chunks", path);
        if (m.d->n > 1)
            qsort(m.d->entries, m.d->n, sizeof *m.d->entries, entry_compare);
        /* Claimed chunks the container does not store: the origin never wrote them. */
        have = m.d->n;
        for (size_t i = 0; i < nclaimed; i++) {
            carve_integrity_entry_t key = {claimed[i], 0, 0};

            if (!have || !bsearch(&key, m.d->entries, have, sizeof key, entry_compare))
                if (integrity_append(m.d, &m.capacity, claimed[i], 0, 0) < 0)
                    CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1,
                                     "%s: out of memory for its checksums", path);
        }
        if (m.d->n > 1)
            qsort(m.d->entries, m.d->n, sizeof *m.d->entries, entry_compare);
    }
    else if (H5Sget_simple_extent_type(space) != H5S_NULL &&
             (pointers = carve_skeleton_type_needs_rewrite(type)) == 0) {
        /* Unchunked (a scalar): its elements with the file type. Values holding pointers are not covered. */
        hssize_t n    = H5Sget_simple_extent_npoints(space);
        size_t   size = (size_t)n * H5Tget_size(type);

        if (n < 0 || NULL == (values = calloc(1, size ? size : 1)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory for its checksums",
                             path);
        if (size && H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot read it for its checksum",
                             path);
        if (integrity_append(m.d, &m.capacity, CARVE_INTEGRITY_WHOLE, size,
                             carve_integrity_hash(values, size)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "%s: out of memory for its checksums",
                             path);
    }
    if (pointers < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    free(values);
    free(m.buf);
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Encoding                                                                                                */
/* ------------------------------------------------------------------------------------------------------ */

static void
put_u64(unsigned char **p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        *(*p)++ = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_u64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

herr_t
carve_integrity_encode(const carve_integrity_t *t, unsigned char **buf, size_t *len)
{
    size_t         size = sizeof INTEGRITY_MAGIC - 1 + 8;
    unsigned char *out, *p;
    herr_t         ret_value = 0;

    for (size_t i = 0; i < t->n; i++)
        size += 4 + strlen(t->datasets[i].path) + 8 + 24 * t->datasets[i].n;
    if (NULL == (out = malloc(size)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for the checksum table");
    p = out;
    memcpy(p, INTEGRITY_MAGIC, sizeof INTEGRITY_MAGIC - 1);
    p += sizeof INTEGRITY_MAGIC - 1;
    put_u64(&p, t->n);
    for (size_t i = 0; i < t->n; i++) {
        const carve_integrity_dataset_t *d     = &t->datasets[i];
        uint32_t                         len32 = (uint32_t)strlen(d->path);

        for (int k = 0; k < 4; k++)
            *p++ = (unsigned char)(len32 >> (8 * k));
        memcpy(p, d->path, len32);
        p += len32;
        put_u64(&p, d->n);
        for (size_t j = 0; j < d->n; j++) {
            put_u64(&p, d->entries[j].chunk);
            put_u64(&p, d->entries[j].size);
            put_u64(&p, d->entries[j].hash);
        }
    }
    *buf = out;
    *len = size;

done:
    return ret_value;
}

herr_t
carve_integrity_decode(const unsigned char *buf, size_t len, const char *what, carve_integrity_t *t)
{
    const unsigned char *p = buf, *end = buf + len;
    uint64_t             n;
    herr_t               ret_value = 0;

    if (len < sizeof INTEGRITY_MAGIC - 1 + 8 || memcmp(buf, INTEGRITY_MAGIC, sizeof INTEGRITY_MAGIC - 1) != 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: not a carve checksum table", what);
    p += sizeof INTEGRITY_MAGIC - 1;
    n = get_u64(p);
    p += 8;
    if (n > len / 12)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: damaged checksum table (%llu datasets)",
                         what, (unsigned long long)n);
    for (uint64_t i = 0; i < n; i++) {
        carve_integrity_dataset_t *d;
        uint32_t                   plen;
        uint64_t                   count;
        char                      *path;

        if (end - p < 4)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: checksum table cut short", what);
        plen = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        p += 4;
        if ((size_t)(end - p) < (size_t)plen + 8)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: checksum table cut short", what);
        if (memchr(p, '\0', plen) != NULL)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                             "%s: damaged checksum table (a path holds a NUL byte)", what);
        if (NULL == (path = malloc((size_t)plen + 1)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for the checksum table");
        memcpy(path, p, plen);
        path[plen] = '\0';
        p += plen;
        d = integrity_add(t, path);
        free(path);
        if (!d)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for the checksum table");
        count = get_u64(p);
        p += 8;
        if (count > (uint64_t)(end - p) / 24)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: checksum table cut short (%s)",
                             what, d->path);
        if (count && NULL == (d->entries = malloc((size_t)count * sizeof *d->entries)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for the checksum table");
        for (uint64_t j = 0; j < count; j++, p += 24) {
            d->entries[j].chunk = get_u64(p);
            d->entries[j].size  = get_u64(p + 8);
            d->entries[j].hash  = get_u64(p + 16);
            if (j && d->entries[j].chunk <= d->entries[j - 1].chunk)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                                 "%s: checksum table out of order (%s)", what, d->path);
        }
        d->n = (size_t)count;
        if (i && strcmp(t->datasets[i - 1].path, d->path) >= 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: checksum table out of order (%s)",
                             what, d->path);
    }
    if (p != end)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: %zu bytes after the checksum table",
                         what, (size_t)(end - p));

done:
    if (ret_value < 0)
        carve_integrity_clear(t);
    return ret_value;
}

const carve_integrity_dataset_t *
carve_integrity_find(const carve_integrity_t *t, const char *path)
{
    carve_integrity_dataset_t key;

    key.path = (char *)path;
    if (!t || t->n == 0)
        return NULL;
    return bsearch(&key, t->datasets, t->n, sizeof key, dataset_compare);
}

const carve_integrity_entry_t *
carve_integrity_find_chunk(const carve_integrity_dataset_t *d, uint64_t chunk)
{
    carve_integrity_entry_t key = {chunk, 0, 0};

    if (!d || d->n == 0)
        return NULL;
    return bsearch(&key, d->entries, d->n, sizeof key, entry_compare);
}
