/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_coverage.h — which elements of a dataset a program read, and which chunks hold them.
 *
 * A carve_selection_t is a list of hyperslab records (start, stride, count, block per dimension): the
 * exact union of the file-space selections read. Regular hyperslabs stay one record; irregular ones
 * become one record per block; points become one-element records. carve_selection_merge() keeps the
 * list short (duplicates and contained records dropped, neighbours joined) without changing the union;
 * the manifest writes long lists packed (carve_selection_codec.h).
 *
 * A carve_chunkset_t is the set of chunks of a chunk grid that such selections touch, kept as a sorted
 * array of linear chunk indices (row-major over the grid).
 *
 * Plain C over HDF5's dataspace API; no VOL code. Memory grows with the number of records and chunks,
 * never with the size of the dataset.
 */
#ifndef CARVE_COVERAGE_H
#define CARVE_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

typedef struct carve_selection_t {
    int      rank;
    hsize_t  dims[H5S_MAX_RANK]; /* extent of the dataspace the records live in */
    size_t   nrecords;
    size_t   capacity;
    size_t   merged;  /* records [0, merged) are already merged with one another */
    hsize_t *records; /* nrecords * 4 * rank: start[rank], stride[rank], count[rank], block[rank] */
} carve_selection_t;

/* Record i's four arrays. */
#define CARVE_RECORD_START(sel, i)  ((sel)->records + (size_t)(i)*4 * (size_t)(sel)->rank)
#define CARVE_RECORD_STRIDE(sel, i) (CARVE_RECORD_START(sel, i) + (sel)->rank)
#define CARVE_RECORD_COUNT(sel, i)  (CARVE_RECORD_START(sel, i) + 2 * (sel)->rank)
#define CARVE_RECORD_BLOCK(sel, i)  (CARVE_RECORD_START(sel, i) + 3 * (sel)->rank)

/* An empty selection over a dataspace of `rank` (0 for scalar) and `dims`. */
void   carve_selection_init(carve_selection_t *sel, int rank, const hsize_t *dims);
void   carve_selection_clear(carve_selection_t *sel);
herr_t carve_selection_copy(carve_selection_t *dst, const carve_selection_t *src);

/* Adds one hyperslab record; stride NULL means 1, block NULL means 1. Fails (carve error) when the
 * record does not fit in the extent, or has a zero count/block, or a stride smaller than its block. */
herr_t carve_selection_add(carve_selection_t *sel, const hsize_t *start, const hsize_t *stride,
                           const hsize_t *count, const hsize_t *block);
/* Adds the selection of a dataspace whose extent matches sel's (all, none, points, hyperslabs).
 * A scalar dataspace's "all" adds one rank-0 record. */
herr_t carve_selection_add_space(carve_selection_t *sel, hid_t space_id);
/* The same, also giving the number of elements the selection holds (0 for none). */
herr_t carve_selection_add_space_counted(carve_selection_t *sel, hid_t space_id, hsize_t *npoints);
/* The same when the dataspace's rank is known (H5Sget_simple_extent_dims returned it): one query less. */
herr_t carve_selection_add_space_of_rank(carve_selection_t *sel, hid_t space_id, int ndims, hsize_t *npoints);
/* The dataspace's extent changed (H5Dset_extent, or another process extending the dataset): records keep
 * what they cover inside the new extent. A single block is cut at it; a record of several blocks that
 * reaches past it is dropped, so the selection then says less than was read, never more. */
void carve_selection_set_extent(carve_selection_t *sel, const hsize_t *dims);
/* Adds everything (the whole extent). */
herr_t carve_selection_add_all(carve_selection_t *sel);
/* Adds every record of src (same rank and extent: appended as they are; into an empty dst, src's merged
 * prefix stays merged). */
herr_t carve_selection_union(carve_selection_t *dst, const carve_selection_t *src);
/* A cheaper shortening for the read path (duplicates, one round of joining neighbours); the union is
 * unchanged. */
herr_t carve_selection_compact(carve_selection_t *sel);
/* Shortens the list without changing the union of the elements it describes; nothing when every record is
 * merged already (merged == nrecords). Single blocks over an extent of at most 2^64 elements (points, small
 * reads) are merged in one radix sort into row-major order and linear sweeps, and stay in that order. */
herr_t carve_selection_merge(carve_selection_t *sel);

/* Number of elements in the union (overlaps counted once). */
hsize_t carve_selection_npoints(const carve_selection_t *sel);
/* 1 when the union is empty. */
int carve_selection_is_empty(const carve_selection_t *sel);
/* A new dataspace of sel's extent selecting the union (H5S_SELECT_OR of every record); none when empty. */
hid_t carve_selection_to_space(const carve_selection_t *sel);
/* 1 if every element selected in space_id (same extent) is in the union, 0 if not, -1 on failure. The
 * meaning of a selection, stated by HDF5 itself: the unit tests' oracle (carve's own paths use chunk sets
 * and carve_split, which do not build dataspaces). */
int carve_selection_contains(const carve_selection_t *sel, hid_t space_id);
/* Sorts n record indices of sel (rank >= 1) by the records' first row (start in dimension 0), records
 * starting on the same row by index. */
herr_t carve_selection_order_by_row(const carve_selection_t *sel, size_t *records, size_t n);
/* The row-major index of coords in an extent of dims whose elements fit 64 bits. */
uint64_t carve_linear_index(int rank, const hsize_t *dims, const hsize_t *coords);
/* The bounding box of the hyperslab (start, stride, count, block) of `rank` dimensions, a record's or a
 * read's: its first and last element in each dimension, inclusive (as H5Sget_select_bounds gives them). */
void carve_hyperslab_bounds(int rank, const hsize_t *start, const hsize_t *stride, const hsize_t *count,
                            const hsize_t *block, hsize_t *lo, hsize_t *hi);

typedef struct carve_chunkset_t {
    int       rank;
    hsize_t   chunk[H5S_MAX_RANK]; /* chunk shape */
    hsize_t   grid[H5S_MAX_RANK];  /* chunks per dimension: ceil(dims / chunk), at least 1 */
    size_t    n;                   /* entries in idx */
    size_t    capacity;
    size_t    sorted; /* idx[0, sorted) is sorted and without duplicates */
    uint64_t *idx;
} carve_chunkset_t;

/* An empty set over the chunk grid of a dataset of `dims` with chunks of `chunk` (rank >= 1). */
herr_t carve_chunkset_init(carve_chunkset_t *cs, int rank, const hsize_t *dims, const hsize_t *chunk);
void   carve_chunkset_clear(carve_chunkset_t *cs);
herr_t carve_chunkset_copy(carve_chunkset_t *dst, const carve_chunkset_t *src);
/* Adds one chunk by grid coordinates (chunk indices, not element offsets). */
herr_t carve_chunkset_add_coords(carve_chunkset_t *cs, const hsize_t *coords);
/* Adds every chunk that holds at least one element of the selection. */
herr_t carve_chunkset_add_selection(carve_chunkset_t *cs, const carve_selection_t *sel);
/* The same for a dataspace's selection: the unit tests' oracle for carve_chunkset_add_selection. */
herr_t carve_chunkset_add_space(carve_chunkset_t *cs, hid_t space_id);
herr_t carve_chunkset_union(carve_chunkset_t *dst, const carve_chunkset_t *src);
/* Sorts and removes duplicates; afterwards n is the number of distinct chunks. */
herr_t carve_chunkset_finish(carve_chunkset_t *cs);
/* 1 if the chunk with these grid coordinates is in the set (finishes the set first), 0 if not. */
int carve_chunkset_contains(carve_chunkset_t *cs, const hsize_t *coords);
/* The position (0 .. n-1, in grid order) of the chunk with these grid coordinates, or SIZE_MAX when it is
 * not in the set (finishes the set first). */
size_t carve_chunkset_find(carve_chunkset_t *cs, const hsize_t *coords);
/* The linear (row-major) index of grid coordinates in the set's chunk grid, UINT64_MAX outside it; and
 * the coordinates of an index. The set's entries are such indices. */
uint64_t carve_chunkset_index(const carve_chunkset_t *cs, const hsize_t *coords);
void     carve_chunkset_index_coords(const carve_chunkset_t *cs, uint64_t index, hsize_t *coords);
/* Coordinates as messages show them, "[2, 0]" (cut to fit size, always terminated). */
void carve_coords_format(char *text, size_t size, int rank, const hsize_t *coords);
/* Grid coordinates of entry i (after carve_chunkset_finish). */
void carve_chunkset_coords(const carve_chunkset_t *cs, size_t i, hsize_t *coords);

/* The chunks one dimension of a hyperslab touches: ascending, disjoint ranges of chunk coordinates
 * r[k][0] .. r[k][1], k < n. A few ranges stay in `local` (so the structure is not to be copied), more go
 * to the heap. */
typedef struct carve_chunk_ranges_t {
    size_t n, capacity;
    hsize_t (*r)[2];
    hsize_t local[4][2];
} carve_chunk_ranges_t;

void carve_chunk_ranges_init(carve_chunk_ranges_t *cr);
void carve_chunk_ranges_free(carve_chunk_ranges_t *cr);
/* Replaces cr's ranges by the chunks (of `chunk` elements) that the blocks of `block` elements at
 * start + k * stride, k < count, touch. */
herr_t carve_chunk_ranges_of(carve_chunk_ranges_t *cr, hsize_t start, hsize_t stride, hsize_t count,
                             hsize_t block, hsize_t chunk);
/* Steps coords to the next chunk of the Cartesian product of ranges[0, rank), the last dimension fastest;
 * pos[d] is the range coords[d] is in (start from pos all 0 and coords[d] = ranges[d].r[0][0]). Returns 0
 * when the product is done (coords and pos back at the start), 1 otherwise. */
int carve_chunk_ranges_next(const carve_chunk_ranges_t *ranges, int rank, size_t *pos, hsize_t *coords);

#endif /* CARVE_COVERAGE_H */
