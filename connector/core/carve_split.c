/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_split.c — what a container holds of a dataset, and the split of one read into the part served
 * from the container and the part served from the origin (see carve_split.h).
 *
 * Hits and misses are told without dataspaces. Chunked coverage: the chunks a file selection really
 * touches are listed per dimension (all, regular hyperslabs), per block (irregular hyperslabs) or per
 * point, and counted in the sorted chunk set, one binary search per run of consecutive chunks. Element
 * coverage: the carved records are indexed by first row; the records a read's bounding box meets are
 * found by a binary search and a short walk (none: a miss; one holding the whole box: a hit).
 *
 * Partial reads of all / hyperslab selections: the held part ("covered": the held chunks the read
 * touches, or the few records it meets, or the whole carved union, built once per dataset) is
 * intersected with the file selection and taken out of it, and HDF5's own projection carries both parts
 * over to the memory selection, keeping HDF5's pairing of the k-th file element with the k-th memory
 * element. Point reads are split here point by point, in their order, and the memory selection's
 * elements (in HDF5's iteration order) alike.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_space.h"
#include "carve_split.h"

/* Points and blocks are fetched from HDF5 in batches of this many. */
#define SPLIT_BATCH 4096

/* ---------------------------------------------------------------------------------------------------
 * What is held
 * ------------------------------------------------------------------------------------------------- */

static herr_t held_index_rows(carve_held_t *held);

void
carve_held_init_empty(carve_held_t *held, int rank, const hsize_t *dims)
{
    memset(held, 0, sizeof *held);
    held->rank = rank;
    for (int d = 0; d < rank && dims; d++)
        held->dims[d] = dims[d];
    carve_selection_init(&held->selections, rank, held->dims);
    held->space      = H5I_INVALID_HID;
    held->last_chunk = UINT64_MAX;
    held->nothing    = 1;
}

herr_t
carve_held_init(carve_held_t *held, const carve_manifest_dataset_t *entry)
{
    const char *path      = entry && entry->path ? entry->path : "(unnamed)";
    herr_t      ret_value = 0;

    if (entry && (entry->rank < 0 || entry->rank > H5S_MAX_RANK)) {
        carve_held_init_empty(held, 0, NULL);
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "manifest entry %s has rank %d", path,
                         entry->rank);
    }
    carve_held_init_empty(held, entry ? entry->rank : 0, entry ? entry->dims : NULL);
    if (!entry)
        CARVE_GOTO_DONE(0);
    if (entry->held) {
        held->everything = 1; /* a dataset stored whole (carve_container: datasets of references) */
        CARVE_GOTO_DONE(0);
    }
    if (entry->store == CARVE_STORE_CHUNKS && entry->rank > 0) {
        if (entry->chunks.rank != entry->rank)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                             "manifest entry %s: chunk set of rank %d for a dataset of rank %d", path,
                             entry->chunks.rank, entry->rank);
        if (carve_chunkset_copy(&held->chunks, &entry->chunks) < 0 ||
            carve_chunkset_finish(&held->chunks) < 0)
            CARVE_GOTO_DONE(-1);
        held->by_chunks = 1;
        held->nothing   = held->chunks.n == 0;
    }
    else {
        if (entry->selections.rank != entry->rank)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                             "manifest entry %s: selections of rank %d for a dataset of rank %d", path,
                             entry->selections.rank, entry->rank);
        if (carve_selection_copy(&held->selections, &entry->selections) < 0 || held_index_rows(held) < 0)
            CARVE_GOTO_DONE(-1);
        held->nothing = carve_selection_is_empty(&held->selections);
    }

done:
    if (ret_value < 0)
        carve_held_clear(held);
    return ret_value;
}

void
carve_held_clear(carve_held_t *held)
{
    carve_chunkset_clear(&held->chunks);
    carve_selection_clear(&held->selections);
    free(held->order);
    free(held->reach);
    free(held->dense);
    held->order       = NULL;
    held->reach       = NULL;
    held->dense       = NULL;
    held->dense_tried = 0;
    if (held->space >= 0) {
        CARVE_CLEANUP_BEGIN
        H5Sclose(held->space);
        CARVE_CLEANUP_END
    }
    held->space     = H5I_INVALID_HID;
    held->by_chunks = 0;
    held->nothing   = 1;
}

/* The element union as a dataspace, built on first use. */
static hid_t
held_space(carve_held_t *held)
{
    if (held->space < 0)
        held->space = carve_selection_to_space(&held->selections);
    return held->space;
}

/* Where a record's blocks lie in one dimension: 1 when the interval [lo, hi] meets one of them. With
 * `inside`, 1 only when [lo, hi] lies inside one of them. */
static int
record_dim_meets(const carve_selection_t *sel, size_t i, int d, hsize_t lo, hsize_t hi, int inside)
{
    hsize_t start = CARVE_RECORD_START(sel, i)[d], count = CARVE_RECORD_COUNT(sel, i)[d];
    hsize_t block = CARVE_RECORD_BLOCK(sel, i)[d];
    hsize_t step  = CARVE_RECORD_STRIDE(sel, i)[d] ? CARVE_RECORD_STRIDE(sel, i)[d] : 1, k, first;

    if (hi < start || (inside && lo < start))
        return 0;
    /* The block lo falls in or after (a record of count 1 keeps stride 1 with any block). */
    k = lo < start ? 0 : (lo - start) / step;
    if (k >= count)
        k = count - 1;
    first = start + k * step;
    if (inside)
        return hi - first < block;
    if (lo < first || lo - first < block)
        return first <= hi;
    return k + 1 < count && first + step <= hi; /* lo is in the gap after block k */
}

/* Orders the records by their first row, with each prefix's reach, so that the records a box meets
 * are found by a binary search and a short walk back. */
static herr_t
held_index_rows(carve_held_t *held)
{
    const carve_selection_t *sel       = &held->selections;
    size_t                   n         = sel->nrecords;
    herr_t                   ret_value = 0;

    if (n == 0 || held->rank == 0)
        CARVE_GOTO_DONE(0);
    if (NULL == (held->order = malloc(n * sizeof *held->order)) ||
        NULL == (held->reach = malloc(n * sizeof *held->reach)))
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, -1,
                         "out of memory indexing %zu carved selection records", n);
    for (size_t i = 0; i < n; i++)
        held->order[i] = i;
    if (carve_selection_order_by_row(sel, held->order, n) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t j = 0; j < n; j++) {
        size_t  i = held->order[j];
        hsize_t first, last;

        /* Rank 1 over the record's arrays: its rows (dimension 0) only. */
        carve_hyperslab_bounds(1, CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                               CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i), &first, &last);
        held->reach[j] = j > 0 && held->reach[j - 1] > last ? held->reach[j - 1] : last;
    }

done:
    return ret_value;
}

/* The records a box [lo, hi] meets: how many, the first NEAR_MAX of them, and whether one holds the whole
 * box (the scan stops there when stop_inside is set). */
#define NEAR_MAX 32

typedef struct near_t {
    size_t n;
    size_t records[NEAR_MAX];
    int    inside;
} near_t;

static void
records_near(const carve_held_t *held, const hsize_t *lo, const hsize_t *hi, int stop_inside, near_t *near)
{
    const carve_selection_t *sel = &held->selections;
    size_t                   a = 0, b = sel->nrecords;

    near->n      = 0;
    near->inside = 0;
    /* Records starting at or before row hi[0], walked back while some earlier one reaches row lo[0]. */
    while (a < b) {
        size_t mid = a + (b - a) / 2;

        if (CARVE_RECORD_START(sel, held->order[mid])[0] <= hi[0])
            a = mid + 1;
        else
            b = mid;
    }
    for (size_t j = a; j-- > 0 && held->reach[j] >= lo[0];) {
        size_t i = held->order[j];
        int    d, inside = 1;

        for (d = 0; d < held->rank; d++) {
            if (!record_dim_meets(sel, i, d, lo[d], hi[d], 0))
                break;
            inside = inside && record_dim_meets(sel, i, d, lo[d], hi[d], 1);
        }
        if (d < held->rank)
            continue;
        if (near->n < NEAR_MAX)
            near->records[near->n] = i;
        near->n++;
        if (inside) {
            near->inside = 1;
            if (stop_inside)
                return;
        }
    }
}

/* A dataspace selecting the union of a few records. */
static hid_t
records_space(const carve_held_t *held, const size_t *records, size_t n)
{
    const carve_selection_t *sel       = &held->selections;
    hid_t                    space     = H5Screate_simple(held->rank, held->dims, NULL);
    hid_t                    ret_value = H5I_INVALID_HID;

    if (space < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot create a dataspace");
    for (size_t k = 0; k < n; k++)
        if (H5Sselect_hyperslab(space, k ? H5S_SELECT_OR : H5S_SELECT_SET,
                                CARVE_RECORD_START(sel, records[k]), CARVE_RECORD_STRIDE(sel, records[k]),
                                CARVE_RECORD_COUNT(sel, records[k]), CARVE_RECORD_BLOCK(sel, records[k])) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot select carved record %zu", records[k]);
    ret_value = space;
    space     = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Chunks touched by a selection, counted in the held set
 * ------------------------------------------------------------------------------------------------- */

/* First position in the sorted set whose index is >= x. */
static size_t
chunk_lower_bound(const carve_chunkset_t *cs, uint64_t x)
{
    size_t lo = 0, hi = cs->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cs->idx[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Chunks a selection touches, counted as held or missing (a chunk touched by several blocks or points
 * counts once per block or point: only "any held" and "any missing" matter). With `touched` (a chunk set
 * over the held grid, not finished), the held ones are listed there too, for building the covered
 * dataspace of a partial read. */
typedef struct chunk_tally_t {
    uint64_t          held, missing;
    carve_chunkset_t *touched;
} chunk_tally_t;

/* Appends n ascending chunk indices (a run of the held set) to t->touched. */
static herr_t
tally_list(chunk_tally_t *t, const uint64_t *idx, size_t n)
{
    carve_chunkset_t *cs        = t->touched;
    herr_t            ret_value = 0;

    if (n > SIZE_MAX - cs->n || CARVE_ARRAY_RESERVE(cs->idx, cs->capacity, cs->n + n) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, -1, "out of memory listing %zu held chunks of a read",
                         cs->n + n);
    if (cs->sorted == cs->n && (cs->n == 0 || cs->idx[cs->n - 1] < idx[0]))
        cs->sorted += n; /* still sorted without duplicates */
    memcpy(cs->idx + cs->n, idx, n * sizeof *idx);
    cs->n += n;

done:
    return ret_value;
}

/* Counts the consecutive chunk indices [x, y] (one row of the grid). */
static herr_t
tally_index_range(const carve_chunkset_t *cs, chunk_tally_t *t, uint64_t x, uint64_t y)
{
    uint64_t len = y - x + 1, held = 0;
    size_t   a = chunk_lower_bound(cs, x);

    if (a < cs->n && cs->idx[a] <= y) {
        /* The set is sorted without duplicates: all of [x, y] is held iff the entry len-1 further is y. */
        if (len - 1 < cs->n - a && cs->idx[a + (len - 1)] == y)
            held = len;
        else
            held = chunk_lower_bound(cs, y + 1) - a;
    }
    t->held += held;
    t->missing += len - held;
    return t->touched && held > 0 ? tally_list(t, cs->idx + a, (size_t)held) : 0;
}

/* Tallies the Cartesian product of every dimension's chunk ranges: an odometer over the leading
 * dimensions, whole ranges of the last one at a time. */
static herr_t
tally_product(const carve_chunkset_t *cs, const carve_chunk_ranges_t *ranges, chunk_tally_t *t)
{
    int     last              = cs->rank - 1;
    size_t  pos[H5S_MAX_RANK] = {0};
    hsize_t c[H5S_MAX_RANK];

    for (int d = 0; d < last; d++)
        c[d] = ranges[d].r[0][0];
    do {
        uint64_t base = 0;

        for (int d = 0; d < last; d++)
            base = base * cs->grid[d] + c[d];
        base *= cs->grid[last];
        for (size_t k = 0; k < ranges[last].n; k++)
            if (tally_index_range(cs, t, base + ranges[last].r[k][0], base + ranges[last].r[k][1]) < 0)
                return -1;
    } while (carve_chunk_ranges_next(ranges, last, pos, c));
    return 0;
}

/* A file selection that is all or a hyperslab, read once. */
typedef struct query_t {
    int          rank;
    hsize_t      dims[H5S_MAX_RANK];
    hsize_t      npoints;
    H5S_sel_type type;    /* H5S_SEL_ALL or H5S_SEL_HYPERSLABS */
    int          regular; /* all, or a regular hyperslab: start/stride/count/block below */
    hsize_t      start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];
} query_t;

/* Tallies the chunks of a regular selection. */
static herr_t
tally_regular(const carve_chunkset_t *cs, const query_t *q, chunk_tally_t *t)
{
    carve_chunk_ranges_t ranges[H5S_MAX_RANK];
    herr_t               ret_value = 0;

    for (int d = 0; d < q->rank; d++)
        carve_chunk_ranges_init(&ranges[d]);
    for (int d = 0; d < q->rank; d++)
        if (carve_chunk_ranges_of(&ranges[d], q->start[d], q->stride[d], q->count[d], q->block[d],
                                  cs->chunk[d]) < 0)
            CARVE_GOTO_DONE(-1);
    ret_value = tally_product(cs, ranges, t);

done:
    for (int d = 0; d < q->rank; d++)
        carve_chunk_ranges_free(&ranges[d]);
    return ret_value;
}

/* Tallies the chunks of an irregular hyperslab, block by block. */
static herr_t
tally_blocks(const carve_chunkset_t *cs, hid_t space, int rank, chunk_tally_t *t)
{
    hssize_t             nblocks = H5Sget_select_hyper_nblocks(space);
    hsize_t             *buf     = NULL;
    carve_chunk_ranges_t ranges[H5S_MAX_RANK];
    herr_t               ret_value = 0;

    for (int d = 0; d < rank; d++)
        carve_chunk_ranges_init(&ranges[d]);
    if (nblocks < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot count the blocks of a read's selection");
    if (NULL == (buf = malloc(SPLIT_BATCH * 2 * (size_t)rank * sizeof *buf)))
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, -1,
                         "out of memory reading the blocks of a read's selection");
    for (hsize_t first = 0; first < (hsize_t)nblocks; first += SPLIT_BATCH) {
        hsize_t n = (hsize_t)nblocks - first < SPLIT_BATCH ? (hsize_t)nblocks - first : SPLIT_BATCH;

        if (H5Sget_select_hyper_blocklist(space, first, n, buf) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                             "cannot read the blocks of a read's selection");
        for (hsize_t b = 0; b < n; b++) {
            const hsize_t *lo = buf + b * 2 * (hsize_t)rank, *hi = lo + rank;

            for (int d = 0; d < rank; d++)
                if (carve_chunk_ranges_of(&ranges[d], lo[d], 1, 1, hi[d] - lo[d] + 1, cs->chunk[d]) < 0)
                    CARVE_GOTO_DONE(-1);
            if (tally_product(cs, ranges, t) < 0)
                CARVE_GOTO_DONE(-1);
        }
    }

done:
    for (int d = 0; d < rank; d++)
        carve_chunk_ranges_free(&ranges[d]);
    free(buf);
    return ret_value;
}

/* The covered dataspace of a partial read: the union of the touched held chunks (clipped to the extent),
 * one box per run of consecutive chunks along the last dimension. Finishes `touched`. */
static hid_t
covered_from_chunks(const carve_held_t *held, carve_chunkset_t *touched)
{
    int               rank = held->rank, last = rank - 1;
    carve_selection_t sel;
    hsize_t           ones[H5S_MAX_RANK], c[H5S_MAX_RANK], start[H5S_MAX_RANK], block[H5S_MAX_RANK];
    hid_t             ret_value = H5I_INVALID_HID;

    carve_selection_init(&sel, rank, held->dims);
    if (carve_chunkset_finish(touched) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    for (int d = 0; d < rank; d++)
        ones[d] = 1;
    for (size_t i = 0, j; i < touched->n; i = j) {
        const uint64_t *idx = touched->idx;
        hsize_t         end;

        for (j = i + 1; j < touched->n && idx[j] == idx[j - 1] + 1 && idx[j] % touched->grid[last] != 0; j++)
            ;
        carve_chunkset_coords(touched, i, c);
        for (int d = 0; d < rank; d++) {
            start[d] = c[d] * touched->chunk[d];
            end = start[d] + touched->chunk[d] < held->dims[d] ? start[d] + touched->chunk[d] : held->dims[d];
            block[d] = end - start[d];
        }
        /* The run ends with chunk idx[j - 1] along the last dimension. */
        end         = (idx[j - 1] % touched->grid[last] + 1) * touched->chunk[last];
        block[last] = (end < held->dims[last] ? end : held->dims[last]) - start[last];
        if (carve_selection_add(&sel, start, NULL, ones, block) < 0)
            CARVE_GOTO_DONE(H5I_INVALID_HID);
    }
    ret_value = carve_selection_to_space(&sel);

done:
    carve_selection_clear(&sel);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Partial reads
 * ------------------------------------------------------------------------------------------------- */

/* A copy of an all or hyperslab file selection as a hyperslab (HDF5's set operations need one). */
static hid_t
file_as_hyperslab(hid_t file_space, const query_t *q)
{
    hid_t   copy                = H5Scopy(file_space);
    hsize_t start[H5S_MAX_RANK] = {0}, ones[H5S_MAX_RANK];
    hid_t   ret_value           = H5I_INVALID_HID;

    if (copy < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot copy a read's file selection");
    if (q->type == H5S_SEL_ALL) {
        for (int d = 0; d < q->rank; d++)
            ones[d] = 1;
        if (H5Sselect_hyperslab(copy, H5S_SELECT_SET, start, NULL, ones, q->dims) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot turn a read of the whole extent into a hyperslab");
    }
    ret_value = copy;
    copy      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (copy >= 0)
        H5Sclose(copy);
    CARVE_CLEANUP_END
    return ret_value;
}

/* file AND covered, with its number of elements. */
static hid_t
intersect_covered(hid_t file_hyper, hid_t covered, hsize_t *n)
{
    hid_t    hit = H5Scopy(file_hyper);
    hssize_t count;
    hid_t    ret_value = H5I_INVALID_HID;

    if (hit < 0 || H5Smodify_select(hit, H5S_SELECT_AND, covered) < 0 ||
        (count = H5Sget_select_npoints(hit)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot intersect a read's file selection with what the container holds");
    *n        = (hsize_t)count;
    ret_value = hit;
    hit       = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (hit >= 0)
        H5Sclose(hit);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The linear offsets (in its extent) of the elements of a selection, in HDF5's iteration order. */
static herr_t
selection_offsets(hid_t space, hsize_t n, hsize_t *offsets)
{
    enum { NSEQ = 1024 };
    hid_t   iter = H5Ssel_iter_create(space, 1, 0);
    hsize_t off[NSEQ];
    size_t  len[NSEQ], nseq, nbytes, got = 0;
    herr_t  ret_value = 0;

    if (iter < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot iterate over a read's memory selection");
    while (got < n) {
        if (H5Ssel_iter_get_seq_list(iter, NSEQ, SIZE_MAX, &nseq, &nbytes, off, len) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                             "cannot iterate over a read's memory selection");
        if (nseq == 0)
            break;
        for (size_t s = 0; s < nseq; s++)
            for (size_t k = 0; k < len[s] && got < n; k++)
                offsets[got++] = off[s] + k;
    }
    if (got != n)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_BADVALUE, -1,
                         "the memory selection holds %zu elements, the read %llu", got,
                         (unsigned long long)n);

done:
    CARVE_CLEANUP_BEGIN
    if (iter >= 0)
        H5Ssel_iter_close(iter);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A new dataspace of extent (rank, dims) selecting the listed points. */
static hid_t
points_space(int rank, const hsize_t *dims, const hsize_t *coords, size_t n)
{
    hid_t space     = H5Screate_simple(rank, dims, NULL);
    hid_t ret_value = H5I_INVALID_HID;

    if (space < 0 || H5Sselect_elements(space, H5S_SELECT_SET, n, coords) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot select %zu points of a split read", n);
    ret_value = space;
    space     = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Splits n coordinates by their flags into two point selections over the extent (rank, dims), each
 * keeping the coordinates' order: the flagged ones (hit) and the others (miss). */
static herr_t
split_coordinates(int rank, const hsize_t *dims, const hsize_t *coords, const uint8_t *flags, size_t n,
                  hid_t *hit, hid_t *miss)
{
    size_t   w = (size_t)rank, nhit = 0, h, m;
    hsize_t *parts     = malloc(n * w * sizeof *parts);
    herr_t   ret_value = 0;

    if (!parts)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, -1, "out of memory splitting %zu points", n);
    for (size_t i = 0; i < n; i++)
        nhit += flags[i] != 0;
    /* The hit points at the front of `parts`, the others after them. */
    h = 0, m = nhit;
    for (size_t i = 0; i < n; i++)
        memcpy(parts + (flags[i] ? h++ : m++) * w, coords + i * w, w * sizeof *parts);
    if ((*hit = points_space(rank, dims, parts, nhit)) < 0 ||
        (*miss = points_space(rank, dims, parts + nhit * w, n - nhit)) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(parts);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Classifying a read
 * ------------------------------------------------------------------------------------------------- */

static void
split_whole(carve_split_t *out, carve_split_kind_t kind, hsize_t n)
{
    out->kind          = kind;
    out->hit_elements  = kind == CARVE_SPLIT_HIT ? n : 0;
    out->miss_elements = kind == CARVE_SPLIT_HIT ? 0 : n;
}

/* 1 when a selection is moved by an offset (H5Soffset_simple), which HDF5 applies when it reads and the
 * coverage records do not know. HDF5 has no getter for the offset: a selection's bounds include it, its
 * regular hyperslab parameters and a copy's bounds with the offset reset do not. start: the regular
 * hyperslab's start when already known (NULL otherwise). */
static int
space_moved(hid_t space, H5S_sel_type type, int rank, const hsize_t *start)
{
    hsize_t  lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], lo0[H5S_MAX_RANK], hi0[H5S_MAX_RANK];
    hssize_t zero[H5S_MAX_RANK];
    hid_t    copy;
    int      moved = 0;

    if (type == H5S_SEL_ALL || type == H5S_SEL_NONE || rank <= 0 || H5Sget_select_bounds(space, lo, hi) < 0)
        return 0;
    if (start) {
        for (int d = 0; d < rank; d++)
            moved |= start[d] != lo[d];
        return moved;
    }
    memset(zero, 0, sizeof zero);
    if ((copy = H5Scopy(space)) < 0)
        return 0;
    if (H5Soffset_simple(copy, zero) >= 0 && H5Sget_select_bounds(copy, lo0, hi0) >= 0)
        for (int d = 0; d < rank; d++)
            moved |= lo0[d] != lo[d];
    H5Sclose(copy);
    return moved;
}

/* The most chunks a read's bounding box may meet for split_by_box to look each up. */
#define BOX_MAX_CHUNKS 64
/* Held chunk grids up to this many chunks get a bitmap (held->dense, at most 512 KiB), built at the first
 * read decided by its box: one chunk is then looked up in O(1); larger grids search the sorted set. */
#define DENSE_MAX_CHUNKS ((uint64_t)1 << 22)

/* The bitmap of held chunks, when the grid is small enough and memory allows (else the sorted set is
 * searched: nothing pushed, a cache). */
static void
held_make_dense(carve_held_t *held)
{
    const carve_chunkset_t *cs    = &held->chunks;
    uint64_t                total = 1;

    held->dense_tried = 1;
    for (int d = 0; d < cs->rank; d++) {
        if (cs->grid[d] > DENSE_MAX_CHUNKS / total)
            return;
        total *= cs->grid[d];
    }
    if (NULL == (held->dense = calloc((size_t)((total + 63) / 64), sizeof *held->dense)))
        return;
    for (size_t i = 0; i < cs->n; i++)
        held->dense[cs->idx[i] / 64] |= (uint64_t)1 << (cs->idx[i] % 64);
}

/* Whether chunk `index` of the held grid is held; without the bitmap, the last one asked for alone is
 * remembered. */
static int
box_chunk_held(carve_held_t *held, uint64_t index, int alone)
{
    size_t at;
    int    in;

    if (held->dense)
        return (int)(held->dense[index / 64] >> (index % 64)) & 1;
    if (alone && index == held->last_chunk)
        return held->last_held;
    at = chunk_lower_bound(&held->chunks, index);
    in = at < held->chunks.n && held->chunks.idx[at] == index;
    if (alone) {
        held->last_chunk = index;
        held->last_held  = in;
    }
    return in;
}

/* A read of chunked coverage decided by its file selection's bounding box [lo, hi] (HDF5's bounds, written
 * for the selection's own rank over entries preset to lo > hi up to held's rank, inclusive): every chunk the
 * box meets held (a hit: every element read lies in one) or none (a miss). The bounds include a selection
 * offset (H5Soffset_simple), so the box is where HDF5 reads, and the container reads the same elements
 * through the same selection. Returns 1 when decided (out set), 0 when the box meets held and missing
 * chunks, more than BOX_MAX_CHUNKS, reaches past the dataset's extent or has another rank (the full path
 * decides).
 *
 * The space's rank comes with the bounds (HDF5 writes exactly rank entries: the first entry left preset
 * ends a smaller rank, one written at held's rank shows a larger one), and its extent is not asked for: a
 * box inside the dataset's extent reads the same elements of the container's copy (same extent, same
 * chunks) as of the origin, whatever the space's own extent, so the whole read goes to one side and HDF5
 * treats it there as it would in the origin. */
static int
split_box_decide(carve_held_t *held, const hsize_t *lo, const hsize_t *hi, hsize_t npoints,
                 carve_split_t *out)
{
    const carve_chunkset_t *cs = &held->chunks;
    hsize_t                 first[H5S_MAX_RANK], last[H5S_MAX_RANK], c[H5S_MAX_RANK];
    uint64_t                nchunks = 1, nheld = 0, index = 0;
    int                     d, rank = held->rank;

    if (rank < H5S_MAX_RANK && lo[rank] <= hi[rank])
        return 0;
    if (!held->dense_tried)
        held_make_dense(held);
    for (d = 0; d < rank; d++) {
        if (lo[d] > hi[d] || hi[d] >= held->dims[d])
            return 0;
        first[d] = c[d] = lo[d] / cs->chunk[d];
        last[d]         = hi[d] / cs->chunk[d];
        nchunks *= last[d] - first[d] + 1;
        index = index * cs->grid[d] + first[d];
    }
    if (nchunks == 1) { /* the common read: inside one chunk */
        split_whole(out, box_chunk_held(held, index, 1) ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS, npoints);
        return 1;
    }
    if (nchunks > BOX_MAX_CHUNKS)
        return 0;
    for (uint64_t k = 0; k < nchunks; k++) {
        nheld += (uint64_t)box_chunk_held(held, carve_chunkset_index(cs, c), 0);
        for (d = rank - 1; d >= 0 && ++c[d] > last[d]; d--) /* the next chunk, last dimension fastest */
            c[d] = first[d];
    }
    if (nheld != 0 && nheld != nchunks)
        return 0;
    split_whole(out, nheld ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS, npoints);
    return 1;
}

/* Bounds preset for split_box_decide: lo > hi up to held's rank, inclusive. */
static void
box_preset(const carve_held_t *held, hsize_t *lo, hsize_t *hi)
{
    for (int d = 0; d <= held->rank && d < H5S_MAX_RANK; d++) {
        lo[d] = 1;
        hi[d] = 0;
    }
}

/* split_box_decide on a file selection's bounds: one question to HDF5 besides the element count. Returns
 * as split_box_decide, or -1 on failure. */
static int
split_by_box(carve_held_t *held, hid_t file_space, hsize_t npoints, carve_split_t *out)
{
    hsize_t lo[H5S_MAX_RANK], hi[H5S_MAX_RANK];

    box_preset(held, lo, hi);
    if (carve_space_bounds(file_space, lo, hi) < 0) {
        CARVE_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, "cannot read the bounds of a read's file selection");
        return -1;
    }
    return split_box_decide(held, lo, hi, npoints, out);
}

/* Reads an all or hyperslab file selection's shape into q (rank, dims and npoints already set). */
static herr_t
query_read(hid_t file_space, H5S_sel_type type, query_t *q)
{
    htri_t regular;
    herr_t ret_value = 0;

    q->type = type;
    if (type == H5S_SEL_ALL) {
        q->regular = 1;
        for (int d = 0; d < q->rank; d++) {
            q->start[d]  = 0;
            q->stride[d] = 1;
            q->count[d]  = 1;
            q->block[d]  = q->dims[d];
        }
        CARVE_GOTO_DONE(0);
    }
    if (type != H5S_SEL_HYPERSLABS)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNSUPPORTED, -1,
                         "a read's file selection is of unknown kind %d", (int)type);
    if ((regular = H5Sis_regular_hyperslab(file_space)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot inspect a read's hyperslab selection");
    q->regular = regular > 0;
    if (q->regular && H5Sget_regular_hyperslab(file_space, q->start, q->stride, q->count, q->block) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1, "cannot read a read's regular hyperslab");

done:
    return ret_value;
}

/* Splits an all / hyperslab read by `covered` (the held part near it; not taken over): the file selection
 * as a hyperslab, intersected with covered, is the hit part and the rest the miss part, both projected by
 * HDF5 onto the memory selection. A read covered wholly or not at all is a hit or a miss. */
static herr_t
split_covered(hid_t file_space, hid_t mem_space, const query_t *q, hid_t covered, carve_split_t *out)
{
    hid_t    file_hyper = H5I_INVALID_HID, hit = H5I_INVALID_HID;
    hsize_t  nhit;
    hssize_t nmiss;
    herr_t   ret_value = 0;

    if ((file_hyper = file_as_hyperslab(file_space, q)) < 0 ||
        (hit = intersect_covered(file_hyper, covered, &nhit)) < 0)
        CARVE_GOTO_DONE(-1);
    if (nhit == q->npoints || nhit == 0) {
        split_whole(out, nhit ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS, q->npoints);
        CARVE_GOTO_DONE(0);
    }
    out->kind         = CARVE_SPLIT_PARTIAL;
    out->hit_file     = hit;
    out->miss_file    = file_hyper;
    out->hit_elements = nhit;
    file_hyper = hit = H5I_INVALID_HID; /* out has them */
    if (H5Smodify_select(out->miss_file, H5S_SELECT_NOTB, covered) < 0 ||
        (nmiss = H5Sget_select_npoints(out->miss_file)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot take what the container holds out of a read's file selection");
    out->miss_elements = (hsize_t)nmiss;
    if ((out->hit_mem = H5Sselect_project_intersection(file_space, mem_space, out->hit_file)) < 0 ||
        (out->miss_mem = H5Sselect_project_intersection(file_space, mem_space, out->miss_file)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot carry the split of a read's file selection over to its memory selection");

done:
    CARVE_CLEANUP_BEGIN
    if (hit >= 0)
        H5Sclose(hit);
    if (file_hyper >= 0)
        H5Sclose(file_hyper);
    CARVE_CLEANUP_END
    return ret_value;
}

/* An all / hyperslab read of chunked coverage: decided on the chunk grid; a partial read gets the held
 * chunks it touches as its covered space. */
static herr_t
split_by_chunks(carve_held_t *held, hid_t file_space, hid_t mem_space, const query_t *q, carve_split_t *out)
{
    chunk_tally_t    t = {0, 0, NULL};
    carve_chunkset_t touched;
    hid_t            covered   = H5I_INVALID_HID;
    herr_t           ret_value = 0;

    for (int pass = 0; pass < 2; pass++) {
        t.held = t.missing = 0;
        if (pass == 1) {                /* the second pass, for partial reads only, lists the held chunks */
            touched     = held->chunks; /* the held grid, no chunk listed yet */
            touched.idx = NULL;
            touched.n = touched.capacity = touched.sorted = 0;
            t.touched                                     = &touched;
        }
        if ((q->regular ? tally_regular(&held->chunks, q, &t)
                        : tally_blocks(&held->chunks, file_space, q->rank, &t)) < 0)
            CARVE_GOTO_DONE(-1);
        if (t.missing == 0 || t.held == 0) {
            split_whole(out, t.missing == 0 ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS, q->npoints);
            CARVE_GOTO_DONE(0);
        }
    }
    if ((covered = covered_from_chunks(held, t.touched)) < 0)
        CARVE_GOTO_DONE(-1);
    ret_value = split_covered(file_space, mem_space, q, covered, out);

done:
    CARVE_CLEANUP_BEGIN
    if (covered >= 0)
        H5Sclose(covered);
    CARVE_CLEANUP_END
    if (t.touched)
        carve_chunkset_clear(t.touched);
    return ret_value;
}

/* An all / hyperslab read of element coverage. The carved records the selection's bounding box meets
 * decide most reads: none is a miss; a box (or regular selection) inside one record is a hit. Otherwise
 * the file selection is intersected with those records (when few) or with the whole carved union. */
static herr_t
split_by_elements(carve_held_t *held, hid_t file_space, hid_t mem_space, const query_t *q, carve_split_t *out)
{
    hsize_t lo[H5S_MAX_RANK], hi[H5S_MAX_RANK];
    hid_t   covered = H5I_INVALID_HID, mine = H5I_INVALID_HID;
    near_t  near;
    herr_t  ret_value = 0;

    if (q->regular)
        carve_hyperslab_bounds(q->rank, q->start, q->stride, q->count, q->block, lo, hi);
    else if (H5Sget_select_bounds(file_space, lo, hi) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot read the bounds of a read's file selection");
    records_near(held, lo, hi, q->regular, &near);
    if (near.n == 0 || (q->regular && near.inside)) {
        split_whole(out, near.n ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS, q->npoints);
        CARVE_GOTO_DONE(0);
    }
    if (near.n <= NEAR_MAX)
        covered = mine = records_space(held, near.records, near.n);
    else
        covered = held_space(held);
    if (covered < 0)
        CARVE_GOTO_DONE(-1);
    ret_value = split_covered(file_space, mem_space, q, covered, out);

done:
    CARVE_CLEANUP_BEGIN
    if (mine >= 0)
        H5Sclose(mine);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Sets flags[i] to whether point i (of n, coords row after row) is held; returns how many are. */
static size_t
points_flag_held(const carve_held_t *held, const hsize_t *coords, size_t n, uint8_t *flags)
{
    const carve_chunkset_t *cs   = &held->chunks;
    int                     rank = held->rank;
    uint64_t                prev = UINT64_MAX;
    uint8_t                 in   = 0;
    size_t                  nhit = 0;

    for (size_t i = 0; i < n; i++) {
        const hsize_t *p = coords + i * (size_t)rank;

        if (held->by_chunks) { /* consecutive points often share a chunk: one search per chunk */
            uint64_t index = 0;

            for (int d = 0; d < rank; d++)
                index = index * cs->grid[d] + p[d] / cs->chunk[d];
            if (index != prev) {
                size_t at = chunk_lower_bound(cs, index);

                in   = at < cs->n && cs->idx[at] == index;
                prev = index;
            }
        }
        else {
            near_t near;

            records_near(held, p, p, 1, &near);
            in = near.n > 0;
        }
        nhit += flags[i] = in;
    }
    return nhit;
}

/* The coordinates of the npoints elements of a memory selection, in HDF5's iteration order (the order a
 * read pairs them with the file's points), into *mcoords (malloc'ed), its rank and extent into *mrank and
 * mdims. */
static herr_t
memory_point_coords(hid_t mem_space, hsize_t npoints, hsize_t **mcoords, int *mrank, hsize_t *mdims)
{
    size_t   n = (size_t)npoints;
    hssize_t mpoints;
    herr_t   ret_value = 0;

    if ((mpoints = H5Sget_select_npoints(mem_space)) < 0 ||
        (*mrank = H5Sget_simple_extent_dims(mem_space, mdims, NULL)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1, "cannot read a read's memory selection");
    if ((hsize_t)mpoints != npoints)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_BADVALUE, -1,
                         "a read of %llu elements into a memory selection of %lld elements",
                         (unsigned long long)npoints, (long long)mpoints);
    if (NULL == (*mcoords = malloc(n * (size_t)(*mrank > 0 ? *mrank : 1) * sizeof **mcoords)))
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, -1, "out of memory splitting a memory selection");
    if (H5Sget_select_type(mem_space) == H5S_SEL_POINTS) {
        if (H5Sget_select_elem_pointlist(mem_space, 0, npoints, *mcoords) < 0)
            CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                             "cannot read the points of a memory selection");
        CARVE_GOTO_DONE(0);
    }
    /* Linear offsets in iteration order, turned into coordinates in place (last element first). */
    if (selection_offsets(mem_space, npoints, *mcoords) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = n; i-- > 0;) {
        hsize_t lin = (*mcoords)[i];

        for (int d = *mrank - 1; d >= 0; d--) {
            (*mcoords)[i * (size_t)*mrank + (size_t)d] = lin % mdims[d];
            lin /= mdims[d];
        }
    }

done:
    return ret_value;
}

/* A point read: each point looked up (in the chunk set, or among the carved records); for a partial read
 * the file points are split in their order, and the memory selection's elements, taken in HDF5's
 * iteration order, are split alike. */
static herr_t
split_points(carve_held_t *held, hid_t file_space, hid_t mem_space, hsize_t npoints, carve_split_t *out)
{
    int      rank = held->rank, mrank = 0;
    size_t   n      = (size_t)npoints, nhit;
    hsize_t *coords = NULL, *mcoords = NULL, mdims[H5S_MAX_RANK];
    uint8_t *flags     = NULL;
    herr_t   ret_value = 0;

    if (NULL == (coords = malloc(n * (size_t)rank * sizeof *coords)) || NULL == (flags = malloc(n)))
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, -1, "out of memory reading a selection of %zu points",
                         n);
    if (H5Sget_select_elem_pointlist(file_space, 0, npoints, coords) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot read the points of a read's file selection");
    nhit = points_flag_held(held, coords, n, flags);
    if (nhit == n || nhit == 0) {
        split_whole(out, nhit ? CARVE_SPLIT_HIT : CARVE_SPLIT_MISS, npoints);
        CARVE_GOTO_DONE(0);
    }

    out->kind          = CARVE_SPLIT_PARTIAL;
    out->hit_elements  = nhit;
    out->miss_elements = n - nhit;
    if (memory_point_coords(mem_space, npoints, &mcoords, &mrank, mdims) < 0)
        CARVE_GOTO_DONE(-1);
    if (split_coordinates(rank, held->dims, coords, flags, n, &out->hit_file, &out->miss_file) < 0 ||
        split_coordinates(mrank, mdims, mcoords, flags, n, &out->hit_mem, &out->miss_mem) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(mcoords);
    free(flags);
    free(coords);
    return ret_value;
}

herr_t
carve_split_read(carve_held_t *held, hid_t file_space, hid_t mem_space, carve_split_t *out)
{
    query_t      q;
    hssize_t     npoints;
    H5S_sel_type type;
    herr_t       ret_value = 0;

    memset(out, 0, sizeof *out);
    out->kind     = CARVE_SPLIT_MISS;
    out->hit_file = out->hit_mem = out->miss_file = out->miss_mem = H5I_INVALID_HID;
    if ((npoints = carve_space_npoints(file_space)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot count the elements of a read's file selection");
    q.npoints = (hsize_t)npoints;
    if (npoints == 0 || held->everything) {
        split_whole(out, CARVE_SPLIT_HIT, q.npoints);
        CARVE_GOTO_DONE(0);
    }
    if (held->nothing) {
        split_whole(out, CARVE_SPLIT_MISS, q.npoints);
        CARVE_GOTO_DONE(0);
    }
    if (held->by_chunks) {
        int decided = split_by_box(held, file_space, q.npoints, out);

        if (decided != 0)
            CARVE_GOTO_DONE(decided < 0 ? -1 : 0);
    }
    if ((q.rank = H5Sget_simple_extent_dims(file_space, q.dims, NULL)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot read the extent of a read's file selection");
    if (q.rank != held->rank)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_BADVALUE, -1,
                         "a read's file selection has rank %d, the carved dataset %d", q.rank, held->rank);
    for (int d = 0; d < q.rank; d++)
        if (q.dims[d] != held->dims[d])
            CARVE_GOTO_ERROR(
                CARVE_E_SPLIT, CARVE_E_BADVALUE, -1,
                "a read's file selection has %llu elements in dimension %d, the carved dataset %llu",
                (unsigned long long)q.dims[d], d, (unsigned long long)held->dims[d]);
    if (q.rank == 0) {
        split_whole(out, CARVE_SPLIT_HIT, q.npoints); /* a scalar held is held whole */
        CARVE_GOTO_DONE(0);
    }
    if ((type = H5Sget_select_type(file_space)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, -1,
                         "cannot read the kind of a read's file selection");
    if (type != H5S_SEL_POINTS && query_read(file_space, type, &q) < 0)
        CARVE_GOTO_DONE(-1);
    if (space_moved(file_space, type, q.rank, type == H5S_SEL_HYPERSLABS && q.regular ? q.start : NULL)) {
        split_whole(out, CARVE_SPLIT_MISS, q.npoints); /* the records cannot say which elements it reads */
        CARVE_GOTO_DONE(0);
    }
    if (type == H5S_SEL_POINTS)
        ret_value = split_points(held, file_space, mem_space, q.npoints, out);
    else if (held->by_chunks)
        ret_value = split_by_chunks(held, file_space, mem_space, &q, out);
    else
        ret_value = split_by_elements(held, file_space, mem_space, &q, out);
    if (ret_value >= 0 && out->kind == CARVE_SPLIT_PARTIAL && mem_space != file_space) {
        H5S_sel_type mem_type = H5Sget_select_type(mem_space);

        /* The memory projections cannot carry a memory offset: the rest reads it whole. */
        if (space_moved(mem_space, mem_type, H5Sget_simple_extent_ndims(mem_space), NULL)) {
            carve_split_clear(out);
            split_whole(out, CARVE_SPLIT_MISS, q.npoints);
        }
    }

done:
    if (ret_value < 0) {
        CARVE_CLEANUP_BEGIN
        carve_split_clear(out);
        CARVE_CLEANUP_END
        split_whole(out, CARVE_SPLIT_MISS, 0);
    }
    return ret_value;
}

int
carve_split_hit(carve_held_t *held, hid_t file_space, hsize_t *elements)
{
    const carve_chunkset_t *cs = &held->chunks;
    carve_split_t           out;
    hsize_t                 lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], c;
    uint64_t                index = 0;
    int                     d, rank = held->rank, space_rank;

    if (!held->by_chunks || held->nothing || held->everything) {
        hssize_t npoints = carve_space_npoints(file_space);

        if (npoints < 0) {
            CARVE_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING,
                        "cannot count the elements of a read's file selection");
            return -1;
        }
        *elements = (hsize_t)npoints;
        return npoints == 0 || held->everything;
    }
    /* Rank, count and bounds together: one lookup of the selection. */
    if (carve_space_box(file_space, &space_rank, elements, lo, hi) < 0) {
        CARVE_ERROR(CARVE_E_SPLIT, CARVE_E_UNDERLYING, "cannot read the extent of a read's file selection");
        return -1;
    }
    if (*elements == 0)
        return 1;
    if (space_rank != rank)
        return 0; /* refused by carve_split_read */
    /* split_box_decide's common case, inline: a box inside one chunk. */
    for (d = 0; d < rank; d++) {
        if (hi[d] >= held->dims[d])
            return 0;
        if ((c = lo[d] / cs->chunk[d]) != hi[d] / cs->chunk[d])
            return split_by_box(held, file_space, *elements, &out) > 0 && out.kind == CARVE_SPLIT_HIT;
        index = index * cs->grid[d] + c;
    }
    if (!held->dense_tried)
        held_make_dense(held);
    if (held->dense)
        return (int)(held->dense[index / 64] >> (index % 64)) & 1;
    return box_chunk_held(held, index, 1);
}

void
carve_split_clear(carve_split_t *split)
{
    hid_t *spaces[] = {&split->hit_file, &split->hit_mem, &split->miss_file, &split->miss_mem};

    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
        if (*spaces[i] >= 0)
            H5Sclose(*spaces[i]);
        *spaces[i] = H5I_INVALID_HID;
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Descriptions for messages
 * ------------------------------------------------------------------------------------------------- */

/* Text builder over a fixed buffer (large enough for every description of rank <= H5S_MAX_RANK). */
typedef struct text_t {
    char  *buf;
    size_t len, size;
} text_t;

static void __attribute__((format(printf, 2, 3))) text_add(text_t *t, const char *fmt, ...)
{
    va_list ap;
    int     n;

    if (t->len >= t->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len = t->len + (size_t)n < t->size ? t->len + (size_t)n : t->size - 1;
}

/* "[a, b, c]" */
static void
text_list(text_t *t, const hsize_t *v, int rank)
{
    text_add(t, "[");
    for (int d = 0; d < rank; d++)
        text_add(t, "%s%llu", d ? ", " : "", (unsigned long long)v[d]);
    text_add(t, "]");
}

/* "[lo..hi, lo..hi]" */
static void
text_box(text_t *t, const hsize_t *lo, const hsize_t *hi, int rank)
{
    text_add(t, "[");
    for (int d = 0; d < rank; d++)
        text_add(t, "%s%llu..%llu", d ? ", " : "", (unsigned long long)lo[d], (unsigned long long)hi[d]);
    text_add(t, "]");
}

char *
carve_split_describe(hid_t file_space)
{
    text_t       t = {NULL, 0, 64 + 4 * H5S_MAX_RANK * 48};
    hsize_t      dims[H5S_MAX_RANK], a[H5S_MAX_RANK], b[H5S_MAX_RANK], c[H5S_MAX_RANK], e[H5S_MAX_RANK];
    hssize_t     n;
    int          rank;
    H5S_sel_type type;
    char        *ret_value = NULL;

    if ((n = H5Sget_select_npoints(file_space)) < 0 ||
        (rank = H5Sget_simple_extent_dims(file_space, dims, NULL)) < 0 ||
        (type = H5Sget_select_type(file_space)) < 0 || NULL == (t.buf = malloc(t.size)))
        CARVE_GOTO_DONE(NULL);
    t.buf[0] = '\0';
    if (n == 0)
        text_add(&t, "no elements");
    else if (rank == 0)
        text_add(&t, "the scalar element");
    else if (type == H5S_SEL_ALL) {
        text_add(&t, "all of ");
        for (int d = 0; d < rank; d++)
            text_add(&t, "%s%llu", d ? " x " : "", (unsigned long long)dims[d]);
        text_add(&t, " (%lld elements)", (long long)n);
    }
    else if (type == H5S_SEL_POINTS) {
        if (H5Sget_select_elem_pointlist(file_space, 0, 1, a) < 0)
            CARVE_GOTO_DONE(NULL);
        text_add(&t, "%lld point%s, first (", (long long)n, n == 1 ? "" : "s");
        for (int d = 0; d < rank; d++)
            text_add(&t, "%s%llu", d ? ", " : "", (unsigned long long)a[d]);
        text_add(&t, ")");
    }
    else {
        htri_t regular = H5Sis_regular_hyperslab(file_space);

        if (regular < 0)
            CARVE_GOTO_DONE(NULL);
        if (regular) {
            int one_block = 1;

            if (H5Sget_regular_hyperslab(file_space, a, b, c, e) < 0)
                CARVE_GOTO_DONE(NULL);
            for (int d = 0; d < rank; d++)
                one_block = one_block && c[d] == 1;
            if (one_block) {
                for (int d = 0; d < rank; d++)
                    b[d] = a[d] + e[d] - 1;
                text_box(&t, a, b, rank);
            }
            else {
                text_add(&t, "start ");
                text_list(&t, a, rank);
                text_add(&t, " stride ");
                text_list(&t, b, rank);
                text_add(&t, " count ");
                text_list(&t, c, rank);
                text_add(&t, " block ");
                text_list(&t, e, rank);
            }
        }
        else {
            hssize_t nblocks = H5Sget_select_hyper_nblocks(file_space);

            if (nblocks < 0 || H5Sget_select_bounds(file_space, a, b) < 0)
                CARVE_GOTO_DONE(NULL);
            text_add(&t, "%lld blocks within ", (long long)nblocks);
            text_box(&t, a, b, rank);
        }
        text_add(&t, " (%lld element%s)", (long long)n, n == 1 ? "" : "s");
    }
    ret_value = t.buf;
    t.buf     = NULL;

done:
    free(t.buf);
    return ret_value;
}
