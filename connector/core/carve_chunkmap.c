/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_chunkmap.c — chunk places of a dataset and the chunks a selection touches (see carve_chunkmap.h).
 *
 * Chunks are kept as (linear index in the chunk grid, place), sorted by index on first query. The chunks
 * a selection touches are found from its bounding box: every grid cell in the box, kept when the
 * selection meets the cell (one H5Sselect_intersect_block each, skipped when the selection is the box
 * itself), looked up by binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_chunkmap.h"

typedef struct chunk_entry_t {
    uint64_t            linear;
    carve_chunk_place_t place;
} chunk_entry_t;

struct carve_chunkmap_t {
    int            rank;
    hsize_t        dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK], grid[H5S_MAX_RANK];
    chunk_entry_t *entries;
    size_t         n, cap;
    int            sorted;
};

carve_chunkmap_t *
carve_chunkmap_new(int rank, const hsize_t *dims, const hsize_t *chunk)
{
    carve_chunkmap_t *m;

    if (rank < 1 || rank > H5S_MAX_RANK)
        return NULL;
    for (int d = 0; d < rank; d++)
        if (chunk[d] == 0)
            return NULL;
    if (NULL == (m = calloc(1, sizeof *m)))
        return NULL;
    m->rank = rank;
    for (int d = 0; d < rank; d++) {
        m->dims[d]  = dims[d];
        m->chunk[d] = chunk[d];
        m->grid[d]  = (dims[d] + chunk[d] - 1) / chunk[d];
    }
    m->sorted = 1;
    return m;
}

void
carve_chunkmap_free(carve_chunkmap_t *m)
{
    if (m) {
        free(m->entries);
        free(m);
    }
}

/* Row-major index of grid cell coords. */
static uint64_t
chunkmap_linear(const carve_chunkmap_t *m, const hsize_t *cell)
{
    uint64_t linear = 0;

    for (int d = 0; d < m->rank; d++)
        linear = linear * m->grid[d] + cell[d];
    return linear;
}

int
carve_chunkmap_add(carve_chunkmap_t *m, const hsize_t *offset, uint64_t addr, uint64_t size)
{
    hsize_t cell[H5S_MAX_RANK];

    for (int d = 0; d < m->rank; d++) {
        if (offset[d] >= m->dims[d] && !(m->dims[d] == 0 && offset[d] == 0))
            return -1;
        cell[d] = offset[d] / m->chunk[d];
    }
    if (m->n == m->cap) {
        size_t         cap = m->cap ? m->cap * 2 : 64;
        chunk_entry_t *e   = realloc(m->entries, cap * sizeof *e);

        if (!e)
            return -1;
        m->entries = e;
        m->cap     = cap;
    }
    m->entries[m->n].linear     = chunkmap_linear(m, cell);
    m->entries[m->n].place.addr = addr;
    m->entries[m->n].place.size = size;
    if (m->n > 0 && m->entries[m->n - 1].linear >= m->entries[m->n].linear)
        m->sorted = 0;
    m->n++;
    return 0;
}

static int
chunkmap_compare(const void *a, const void *b)
{
    const chunk_entry_t *x = a, *y = b;

    return x->linear < y->linear ? -1 : x->linear > y->linear;
}

static const chunk_entry_t *
chunkmap_find(const carve_chunkmap_t *m, uint64_t linear)
{
    size_t lo = 0, hi = m->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->entries[mid].linear < linear)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->entries[lo].linear == linear ? &m->entries[lo] : NULL;
}

size_t
carve_chunkmap_touched(carve_chunkmap_t *m, hid_t space, carve_chunk_place_t *out, size_t max)
{
    hsize_t  start[H5S_MAX_RANK], end[H5S_MAX_RANK], lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], cell[H5S_MAX_RANK];
    hsize_t  cstart[H5S_MAX_RANK], cend[H5S_MAX_RANK];
    hssize_t npoints;
    uint64_t cells = 1, box = 1;
    int      exact;
    size_t   n = 0;

    if (!m->sorted) {
        qsort(m->entries, m->n, sizeof *m->entries, chunkmap_compare);
        m->sorted = 1;
    }
    if (H5Sget_simple_extent_ndims(space) != m->rank || (npoints = H5Sget_select_npoints(space)) < 0)
        return (size_t)-1;
    if (npoints == 0)
        return 0;
    if (H5Sget_select_bounds(space, start, end) < 0)
        return (size_t)-1;
    for (int d = 0; d < m->rank; d++) {
        if (end[d] >= m->dims[d])
            return (size_t)-1;
        lo[d] = start[d] / m->chunk[d];
        hi[d] = end[d] / m->chunk[d];
        cells *= hi[d] - lo[d] + 1;
        box *= end[d] - start[d] + 1;
        if (cells > 16 * (uint64_t)max + 1024)
            return (size_t)-1; /* a sparse selection over a huge box: not worth walking */
    }
    /* A selection that fills its bounding box touches every cell of it. */
    exact = (uint64_t)npoints == box;
    memcpy(cell, lo, sizeof(hsize_t) * (size_t)m->rank);
    for (;;) {
        const chunk_entry_t *e     = chunkmap_find(m, chunkmap_linear(m, cell));
        htri_t               meets = 1;

        if (e && !exact) {
            for (int d = 0; d < m->rank; d++) {
                cstart[d] = cell[d] * m->chunk[d];
                cend[d]   = cstart[d] + m->chunk[d] - 1;
            }
            meets = H5Sselect_intersect_block(space, cstart, cend);
            if (meets < 0)
                return (size_t)-1;
        }
        if (e && meets > 0) {
            if (n == max)
                return (size_t)-1;
            out[n++] = e->place;
        }
        /* Next cell of the box, row-major. */
        {
            int d = m->rank - 1;

            while (d >= 0 && cell[d] == hi[d]) {
                cell[d] = lo[d];
                d--;
            }
            if (d < 0)
                break;
            cell[d]++;
        }
    }
    return n;
}
