/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_split.h — splitting a dataset read between a carved container and its origin.
 *
 * In replay mode every dataset read (a file selection paired with a memory selection) is split into the
 * part the container holds, served from the container, and the rest, served from the origin. A
 * carve_held_t says what the container holds of one dataset (from its manifest entry): whole chunks
 * (store: chunks) or exactly the union of the selections carved (store: elements). carve_split_read()
 * classifies a read as a hit (all held), a miss (nothing held) or partial, and for a partial read gives
 * the two pairs of file and memory selections that, read one after the other, fill the program's buffer
 * exactly as the one read would.
 *
 * Hits and misses are decided without building dataspaces: chunked coverage on the chunk grid (binary
 * searches in the sorted chunk set), element coverage on the carved records (indexed by row). A read of
 * chunked coverage whose bounding box meets few chunks, all held or none, is decided from the box alone
 * (its element count and bounds, asked of HDF5's dataspace accessors: carve_space.h); a box inside one
 * chunk is looked up in O(1) (a bitmap of the held chunks for grids up to 4M chunks, else the last chunk
 * met is remembered).
 * Plain C over HDF5's dataspace API; no VOL code.
 */
#ifndef CARVE_SPLIT_H
#define CARVE_SPLIT_H

#include <hdf5.h>

#include "carve_coverage.h"
#include "carve_manifest.h"

/* What the container holds of one dataset, ready for splitting reads. */
typedef struct carve_held_t {
    int               rank;
    hsize_t           dims[H5S_MAX_RANK];
    int               by_chunks;   /* store: chunks (whole chunks, clipped to dims, are held) */
    carve_chunkset_t  chunks;      /* by_chunks: a finished copy of the manifest's chunk set */
    carve_selection_t selections;  /* store: elements: a copy of the manifest's selections */
    size_t           *order;       /* store: elements: record indices by first row (dimension 0) ... */
    hsize_t          *reach;       /* ... and reach[j], the last row any of records order[0..j] covers */
    hid_t             space;       /* store: elements: the union of the selections as a dataspace, built by
                                   * the first read that meets many records; H5I_INVALID_HID before */
    uint64_t          last_chunk;  /* by_chunks: the chunk (linear index) a read's box last met alone, */
    int               last_held;   /* and whether it is held: a run of reads in one chunk looks it up once */
    uint64_t         *dense;       /* by_chunks: a bit per chunk of the grid, set when held (small grids) */
    int               dense_tried; /* dense was considered (built when the grid is small enough) */
    int               nothing;     /* holds no element at all (no manifest entry, or an empty one) */
    int               everything;  /* holds every element (held: all) */
} carve_held_t;

/* From a dataset's manifest entry (copied: the entry may go afterwards). entry NULL: holds nothing (every
 * read a miss, whatever its extent). On failure held is left holding nothing. */
herr_t carve_held_init(carve_held_t *held, const carve_manifest_dataset_t *entry);
/* Holds nothing of a dataset of this rank and extent (dims may be NULL). */
void carve_held_init_empty(carve_held_t *held, int rank, const hsize_t *dims);
void carve_held_clear(carve_held_t *held);

typedef enum carve_split_kind_t {
    CARVE_SPLIT_HIT,    /* every element read is held (also: a read of no elements) */
    CARVE_SPLIT_MISS,   /* no element read is held */
    CARVE_SPLIT_PARTIAL /* some are */
} carve_split_kind_t;

typedef struct carve_split_t {
    carve_split_kind_t kind;
    hsize_t            hit_elements, miss_elements;
    /* PARTIAL only (H5I_INVALID_HID otherwise): the held part as file and memory selections, and the
     * rest. The file spaces have the dataset's extent, the memory spaces mem_space's. */
    hid_t hit_file, hit_mem, miss_file, miss_mem;
} carve_split_t;

/* Classifies a read. file_space: a dataspace of the dataset's extent with the read's file selection
 * (H5S_ALL already resolved by the caller); another rank or extent than held's is refused with an error,
 * unless nothing is held or, for chunked coverage, the selection's bounding box lies inside held's extent
 * and decides the read (every chunk it meets held, or none: the whole read goes to one side, where HDF5
 * reads the same elements). mem_space: the program's memory selection, as many elements (H5S_ALL /
 * H5S_BLOCK already resolved); only a partial read looks at it (a hit or a miss is told from file_space
 * alone, so mem_space may then be anything, even H5I_INVALID_HID). A read of no elements is a HIT.
 * For PARTIAL, reading (hit_mem <- hit_file) from the container and (miss_mem <- miss_file) from the
 * origin puts into the program's buffer exactly what the one read (mem_space <- file_space) would: HDF5
 * pairs the k-th element of the file selection (in its iteration order: row-major for all and
 * hyperslabs, listed order for points) with the k-th of the memory selection, and the split keeps that
 * pairing. For a point read all four are point selections in the program's order; otherwise the file
 * spaces are hyperslabs and the memory spaces hyperslabs or, for a point memory selection, points.
 * Selection offsets (H5Soffset_simple) are detected, never applied by carve: a file selection moved by
 * an offset is a MISS (the records cannot say which elements it reads) — except for chunked coverage
 * when its moved bounding box lies in held chunks only (a HIT: the bounds include the offset, and the
 * container reads the same moved selection) — and so is a read that would be
 * PARTIAL into a moved memory selection (the memory projections cannot carry the offset); the origin then
 * serves the whole read, and HDF5 applies the offsets. Neither space passed is modified; held may cache a
 * dataspace. out is always initialised (on failure: kind MISS, no spaces). */
herr_t carve_split_read(carve_held_t *held, hid_t file_space, hid_t mem_space, carve_split_t *out);
/* The cheap part of carve_split_read, for the common read: 1 when every element the file selection reads
 * is held and that is decided without building dataspaces (a read of no elements, a dataset held whole,
 * chunked coverage whose selection's bounding box meets held chunks only, as carve_split_read decides it),
 * with *elements its element count; 0 when it is not so decided (a miss, a partial read, element coverage:
 * carve_split_read says which); -1 on failure. */
int carve_split_hit(carve_held_t *held, hid_t file_space, hsize_t *elements);
/* Closes the spaces split holds. */
void carve_split_clear(carve_split_t *split);

/* A short description of a file selection for messages, e.g. "[0..9, 4..7] (40 elements)",
 * "start [0, 0] stride [4, 1] count [3, 1] block [2, 8] (48 elements)", "5 blocks within [0..9, 0..7]
 * (52 elements)", "3 points, first (1, 2)", "all of 100 x 20 (2000 elements)", "no elements". NULL when
 * out of memory or the space is invalid. Caller frees. */
char *carve_split_describe(hid_t file_space);

#endif /* CARVE_SPLIT_H */
