/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_coverage.c — selections read (hyperslab records) and the chunk sets they touch.
 *
 * Records are appended as reads arrive; the common sequential patterns (the same block again, a block
 * right after the previous one) are folded into the last record at once, so a program reading a
 * dataset row by row keeps one record. carve_selection_merge() does the rest at commit time.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_coverage.h"
#include "carve_dynbuf.h"
#include "carve_error.h"

/* Points and blocks are fetched from HDF5 in batches of this many. */
#define COVERAGE_BATCH 4096

/* ---------------------------------------------------------------------------------------------------
 * Selections
 * ------------------------------------------------------------------------------------------------- */

void
carve_selection_init(carve_selection_t *sel, int rank, const hsize_t *dims)
{
    memset(sel, 0, sizeof *sel);
    sel->rank = rank;
    for (int i = 0; i < rank; i++)
        sel->dims[i] = dims[i];
}

void
carve_selection_clear(carve_selection_t *sel)
{
    int     rank = sel->rank;
    hsize_t dims[H5S_MAX_RANK];

    memcpy(dims, sel->dims, sizeof dims); /* init zeroes sel->dims before copying them */
    free(sel->records);
    carve_selection_init(sel, rank, dims);
}

/* Room for one more record. */
static herr_t
selection_reserve(carve_selection_t *sel, size_t more)
{
    size_t width     = 4 * (size_t)(sel->rank > 0 ? sel->rank : 1); /* hsize_t values per record */
    size_t want      = sel->nrecords + more;
    herr_t ret_value = 0;

    if (more > SIZE_MAX - sel->nrecords || carve_array_reserve(&sel->records, &sel->capacity, want,
                                                               width * sizeof *sel->records) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1,
                         "out of memory recording %zu selection records", want);

done:
    return ret_value;
}

void
carve_selection_set_extent(carve_selection_t *sel, const hsize_t *dims)
{
    size_t kept   = 0;
    int    shrunk = 0;

    for (int d = 0; d < sel->rank; d++) {
        shrunk |= dims[d] < sel->dims[d];
        sel->dims[d] = dims[d];
    }
    if (!shrunk)
        return; /* every record still lies inside */
    for (size_t i = 0; i < sel->nrecords; i++) {
        hsize_t *start = CARVE_RECORD_START(sel, i), *stride = CARVE_RECORD_STRIDE(sel, i);
        hsize_t *count = CARVE_RECORD_COUNT(sel, i), *block = CARVE_RECORD_BLOCK(sel, i);
        int      keep = 1;

        for (int d = 0; d < sel->rank && keep; d++) {
            hsize_t end = start[d] + (count[d] - 1) * stride[d] + block[d]; /* past the last element */

            if (end <= dims[d])
                continue;
            if (count[d] == 1 && start[d] < dims[d])
                block[d] = dims[d] - start[d]; /* one block: cut at the extent */
            else
                keep = 0; /* a pattern cut at the extent is no longer one record: dropped (read less) */
        }
        if (keep) {
            if (kept != i)
                memmove(CARVE_RECORD_START(sel, kept), start, 4 * (size_t)sel->rank * sizeof *start);
            kept++;
        }
    }
    sel->nrecords = kept;
    sel->merged   = 0;
}

herr_t
carve_selection_copy(carve_selection_t *dst, const carve_selection_t *src)
{
    herr_t ret_value = 0;

    carve_selection_init(dst, src->rank, src->dims);
    if (src->nrecords == 0)
        CARVE_GOTO_DONE(0);
    if (selection_reserve(dst, src->nrecords) < 0)
        CARVE_GOTO_DONE(-1);
    memcpy(dst->records, src->records, src->nrecords * 4 * (size_t)src->rank * sizeof *src->records);
    dst->nrecords = src->nrecords;
    dst->merged   = src->merged;

done:
    return ret_value;
}

/* 1 when every count is 1: the record is one block. */
static int
record_is_block(const hsize_t *count, int rank)
{
    for (int i = 0; i < rank; i++)
        if (count[i] != 1)
            return 0;
    return 1;
}

/* Tries to fold the block (start, block) into the last record: the same block, a block inside it, or a
 * block extending it along one dimension. Returns 1 when folded. */
static int
selection_fold_into_last(carve_selection_t *sel, const hsize_t *start, const hsize_t *block)
{
    size_t   last   = sel->nrecords - 1;
    hsize_t *ls     = CARVE_RECORD_START(sel, last);
    hsize_t *lb     = CARVE_RECORD_BLOCK(sel, last);
    int      rank   = sel->rank;
    int      inside = 1, differ = -1;

    if (!record_is_block(CARVE_RECORD_COUNT(sel, last), rank))
        return 0;
    for (int i = 0; i < rank; i++)
        if (start[i] < ls[i] || start[i] + block[i] > ls[i] + lb[i])
            inside = 0;
    if (inside)
        return 1;
    for (int i = 0; i < rank; i++) {
        if (start[i] == ls[i] && block[i] == lb[i])
            continue;
        if (differ >= 0)
            return 0;
        differ = i;
    }
    if (differ < 0)
        return 1;
    /* Touching or overlapping along `differ`, identical elsewhere: one block covers both. */
    if (start[differ] > ls[differ] + lb[differ] || ls[differ] > start[differ] + block[differ])
        return 0;
    {
        hsize_t lo     = start[differ] < ls[differ] ? start[differ] : ls[differ];
        hsize_t hi_new = start[differ] + block[differ], hi_old = ls[differ] + lb[differ];
        hsize_t hi = hi_new > hi_old ? hi_new : hi_old;

        ls[differ] = lo;
        lb[differ] = hi - lo;
    }
    if (sel->merged == sel->nrecords)
        sel->merged = last; /* the last record changed: it must be merged again */
    return 1;
}

herr_t
carve_selection_add(carve_selection_t *sel, const hsize_t *start, const hsize_t *stride, const hsize_t *count,
                    const hsize_t *block)
{
    int     rank = sel->rank;
    size_t  i;
    hsize_t nstride[H5S_MAX_RANK], ncount[H5S_MAX_RANK], nblock[H5S_MAX_RANK];
    herr_t  ret_value = 0;

    for (int d = 0; d < rank; d++) {
        hsize_t st = stride ? stride[d] : 1, bl = block ? block[d] : 1;

        if (count[d] == 0 || bl == 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                             "selection record with a zero count or block in dimension %d", d);
        if (count[d] > 1 && st < bl)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                             "selection record with stride %llu smaller than block %llu in dimension %d",
                             (unsigned long long)st, (unsigned long long)bl, d);
        if (start[d] > sel->dims[d] || (count[d] - 1) > (sel->dims[d] - start[d]) / (st ? st : 1) ||
            bl > sel->dims[d] - start[d] - (count[d] - 1) * st) /* no start + ... + bl: it can wrap */
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                             "selection record outside the extent (%llu elements) in dimension %d",
                             (unsigned long long)sel->dims[d], d);
    }
    /* Normal form: stride 1 where count is 1, and blocks that touch (stride == block, as HDF5 reports a
     * start/count hyperslab) joined into one block, so that folding and merging see blocks. */
    for (int d = 0; d < rank; d++) {
        nstride[d] = count[d] > 1 ? (stride ? stride[d] : 1) : 1;
        ncount[d]  = count[d];
        nblock[d]  = block ? block[d] : 1;
        if (ncount[d] > 1 && nstride[d] == nblock[d]) {
            nblock[d] *= ncount[d];
            ncount[d]  = 1;
            nstride[d] = 1;
        }
    }
    if (rank > 0 && sel->nrecords > 0 && record_is_block(ncount, rank))
        if (selection_fold_into_last(sel, start, nblock))
            CARVE_GOTO_DONE(0);
    if (rank == 0 && sel->nrecords > 0)
        CARVE_GOTO_DONE(0); /* a scalar has one element: one record says it all */
    if (selection_reserve(sel, 1) < 0)
        CARVE_GOTO_DONE(-1);
    i = sel->nrecords++;
    for (int d = 0; d < rank; d++) {
        CARVE_RECORD_START(sel, i)[d]  = start[d];
        CARVE_RECORD_STRIDE(sel, i)[d] = nstride[d];
        CARVE_RECORD_COUNT(sel, i)[d]  = ncount[d];
        CARVE_RECORD_BLOCK(sel, i)[d]  = nblock[d];
    }

done:
    return ret_value;
}

herr_t
carve_selection_add_all(carve_selection_t *sel)
{
    hsize_t start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];

    for (int d = 0; d < sel->rank; d++) {
        if (sel->dims[d] == 0)
            return 0; /* nothing to select in an empty extent */
        count[d] = 1;
    }
    return carve_selection_add(sel, start, NULL, count, sel->dims);
}

/* Folds a point into the last record (a block): inside it, or right beside it where it is one element thick
 * in every other dimension. selection_fold_into_last for a one-element block, in one pass that stops at
 * the second dimension the point is off the record (the common answer for scattered points). */
static int
selection_fold_point(carve_selection_t *sel, const hsize_t *point)
{
    int      rank = sel->rank, along = -1;
    size_t   last = sel->nrecords - 1;
    hsize_t *ls = CARVE_RECORD_START(sel, last), *lb = CARVE_RECORD_BLOCK(sel, last);

    if (!record_is_block(CARVE_RECORD_COUNT(sel, last), rank))
        return 0;
    for (int d = 0, outside = 0, thick = 0; d < rank; d++) {
        int in = point[d] >= ls[d] && point[d] - ls[d] < lb[d];

        outside += !in;
        thick += !(in && lb[d] == 1);
        if (outside > 1 || (outside && thick > 1))
            return 0;
        if (!in)
            along = d;
    }
    if (along < 0)
        return 1; /* inside */
    if (point[along] == ls[along] + lb[along])
        lb[along]++;
    else if (point[along] + 1 == ls[along]) {
        ls[along]--;
        lb[along]++;
    }
    else
        return 0;
    if (sel->merged == sel->nrecords)
        sel->merged = last; /* the last record changed: it must be merged again */
    return 1;
}

/* Adds the npoints points of a point selection, in batches: the per-point step of a point selection, which
 * may list millions — carve_selection_add's checks, fold and append without its general normalisation. */
static herr_t
selection_add_points(carve_selection_t *sel, hid_t space_id, hsize_t npoints)
{
    int      rank      = sel->rank;
    hsize_t *buf       = NULL;
    herr_t   ret_value = 0;

    if (NULL == (buf = malloc(COVERAGE_BATCH * (size_t)rank * sizeof *buf)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory reading a point selection");
    for (hsize_t first = 0; first < npoints; first += COVERAGE_BATCH) {
        hsize_t n = npoints - first < COVERAGE_BATCH ? npoints - first : COVERAGE_BATCH;

        if (H5Sget_select_elem_pointlist(space_id, first, n, buf) < 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1,
                             "cannot read the points of a selection");
        if (selection_reserve(sel, (size_t)n) < 0)
            CARVE_GOTO_DONE(-1);
        for (hsize_t p = 0; p < n; p++) {
            const hsize_t *point = buf + p * (hsize_t)rank;
            hsize_t       *rec;

            for (int d = 0; d < rank; d++)
                if (point[d] >= sel->dims[d])
                    CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                                     "selection record outside the extent (%llu elements) in dimension %d",
                                     (unsigned long long)sel->dims[d], d);
            if (sel->nrecords > 0 && selection_fold_point(sel, point))
                continue;
            rec = CARVE_RECORD_START(sel, sel->nrecords++);
            for (int d = 0; d < rank; d++) {
                rec[d]            = point[d];
                rec[rank + d]     = 1; /* stride */
                rec[2 * rank + d] = 1; /* count */
                rec[3 * rank + d] = 1; /* block */
            }
        }
    }

done:
    free(buf);
    return ret_value;
}

/* Adds an irregular hyperslab selection block by block, in batches. */
static herr_t
selection_add_blocks(carve_selection_t *sel, hid_t space_id)
{
    hssize_t nblocks = H5Sget_select_hyper_nblocks(space_id);
    int      rank    = sel->rank;
    hsize_t *buf     = NULL;
    hsize_t  ones[H5S_MAX_RANK], block[H5S_MAX_RANK];
    herr_t   ret_value = 0;

    if (nblocks < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1, "cannot count the blocks of a selection");
    if (NULL == (buf = malloc(COVERAGE_BATCH * 2 * (size_t)rank * sizeof *buf)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory reading a hyperslab selection");
    for (int d = 0; d < rank; d++)
        ones[d] = 1;
    for (hsize_t first = 0; first < (hsize_t)nblocks; first += COVERAGE_BATCH) {
        hsize_t n = (hsize_t)nblocks - first < COVERAGE_BATCH ? (hsize_t)nblocks - first : COVERAGE_BATCH;

        if (H5Sget_select_hyper_blocklist(space_id, first, n, buf) < 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1,
                             "cannot read the blocks of a selection");
        for (hsize_t b = 0; b < n; b++) {
            const hsize_t *lo = buf + b * 2 * (hsize_t)rank, *hi = lo + rank;

            for (int d = 0; d < rank; d++)
                block[d] = hi[d] - lo[d] + 1;
            if (carve_selection_add(sel, lo, NULL, ones, block) < 0)
                CARVE_GOTO_DONE(-1);
        }
    }

done:
    free(buf);
    return ret_value;
}

herr_t
carve_selection_add_space_counted(carve_selection_t *sel, hid_t space_id, hsize_t *npoints)
{
    int ndims;

    if ((ndims = H5Sget_simple_extent_ndims(space_id)) < 0) {
        CARVE_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, "cannot read the rank of a selection's dataspace");
        return -1;
    }
    return carve_selection_add_space_of_rank(sel, space_id, ndims, npoints);
}

herr_t
carve_selection_add_space_of_rank(carve_selection_t *sel, hid_t space_id, int ndims, hsize_t *npoints)
{
    H5S_sel_type type;
    hsize_t      n         = 0;
    herr_t       ret_value = 0;

    /* On the read path of every recorded H5Dread: as few calls into HDF5 as the selection needs. */
    if (ndims == 0 && H5Sget_simple_extent_type(space_id) == H5S_NULL)
        CARVE_GOTO_DONE(0);
    if (ndims != sel->rank)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                         "selection of rank %d on a dataset of rank %d", ndims, sel->rank);
    if ((type = H5Sget_select_type(space_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1, "cannot read the kind of a selection");
    switch (type) {
        case H5S_SEL_NONE:
            break;
        case H5S_SEL_ALL:
            n = 1;
            for (int d = 0; d < sel->rank; d++)
                n *= sel->dims[d];
            ret_value = carve_selection_add_all(sel);
            break;
        case H5S_SEL_POINTS: {
            hssize_t np = H5Sget_select_elem_npoints(space_id);

            if (np < 0)
                CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1,
                                 "cannot count the points of a selection");
            n         = (hsize_t)np;
            ret_value = selection_add_points(sel, space_id, n);
            break;
        }
        case H5S_SEL_HYPERSLABS: {
            htri_t regular = H5Sis_regular_hyperslab(space_id);

            if (regular < 0)
                CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1,
                                 "cannot inspect a hyperslab selection");
            if (regular) {
                hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];

                if (H5Sget_regular_hyperslab(space_id, start, stride, count, block) < 0)
                    CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1,
                                     "cannot read a regular hyperslab");
                n = 1;
                for (int d = 0; d < sel->rank; d++)
                    n *= count[d] * block[d];
                ret_value = carve_selection_add(sel, start, stride, count, block);
            }
            else {
                hssize_t np = H5Sget_select_npoints(space_id);

                if (np < 0)
                    CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1, "cannot count a selection");
                n         = (hsize_t)np;
                ret_value = selection_add_blocks(sel, space_id);
            }
            break;
        }
        default:
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNSUPPORTED, -1, "unknown selection kind %d",
                             (int)type);
    }

done:
    if (npoints)
        *npoints = ret_value < 0 ? 0 : n;
    return ret_value;
}

herr_t
carve_selection_add_space(carve_selection_t *sel, hid_t space_id)
{
    return carve_selection_add_space_counted(sel, space_id, NULL);
}

herr_t
carve_selection_union(carve_selection_t *dst, const carve_selection_t *src)
{
    herr_t ret_value = 0;

    if (dst->rank != src->rank)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1, "union of selections of rank %d and %d",
                         dst->rank, src->rank);
    if (dst->rank > 0 && src->nrecords > 0 &&
        memcmp(dst->dims, src->dims, (size_t)dst->rank * sizeof *dst->dims) == 0) {
        /* The same extent: src's records fit as they are, appended in one copy (a commit adds a run's
         * hundreds of thousands of points so); into an empty dst, what src had merged stays merged. */
        size_t width = 4 * (size_t)dst->rank, had = dst->nrecords;

        if (selection_reserve(dst, src->nrecords) < 0)
            CARVE_GOTO_DONE(-1);
        memcpy(dst->records + had * width, src->records, src->nrecords * width * sizeof *src->records);
        dst->nrecords += src->nrecords;
        if (had == 0)
            dst->merged = src->merged;
        CARVE_GOTO_DONE(0);
    }
    for (size_t i = 0; i < src->nrecords; i++)
        if (carve_selection_add(dst, CARVE_RECORD_START(src, i), CARVE_RECORD_STRIDE(src, i),
                                CARVE_RECORD_COUNT(src, i), CARVE_RECORD_BLOCK(src, i)) < 0)
            CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* qsort has no context argument: the merge sorts an index of record pointers with a comparison that
 * needs the rank and the dimension being merged, passed through this per-call structure instead. */
typedef struct merge_key_t {
    const hsize_t *record;
    int            rank;
    int            along; /* dimension compared last (the one blocks are joined along); -1: plain order */
} merge_key_t;

static int
merge_key_compare(const void *pa, const void *pb)
{
    const merge_key_t *a = pa, *b = pb;
    int                rank = a->rank, along = a->along;

    /* Order: every field of every dimension except `along`, then along's start. Records equal in all
     * but along's start/block are then neighbours. */
    for (int f = 0; f < 4; f++)
        for (int d = 0; d < rank; d++) {
            hsize_t x, y;

            if (d == along && (f == 0 || f == 3))
                continue;
            x = a->record[f * rank + d];
            y = b->record[f * rank + d];
            if (x != y)
                return x < y ? -1 : 1;
        }
    if (along >= 0) {
        hsize_t x = a->record[along], y = b->record[along];

        if (x != y)
            return x < y ? -1 : 1;
        x = a->record[3 * rank + along];
        y = b->record[3 * rank + along];
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* 1 when two records are equal in every field except the start and block of dimension `along`. */
static int
records_agree_except(const hsize_t *a, const hsize_t *b, int rank, int along)
{
    for (int f = 0; f < 4; f++)
        for (int d = 0; d < rank; d++)
            if (!(d == along && (f == 0 || f == 3)) && a[f * rank + d] != b[f * rank + d])
                return 0;
    return 1;
}

/* One pass joining single-block records that touch or overlap along `along` and agree elsewhere;
 * with along == -1 only exact duplicates go. Returns the number of records removed, -1 on failure. */
static long
selection_merge_pass(carve_selection_t *sel, int along)
{
    int          rank  = sel->rank;
    size_t       width = 4 * (size_t)rank, n = sel->nrecords, out = 0;
    merge_key_t *keys      = NULL;
    hsize_t     *merged    = NULL;
    long         ret_value = 0;

    if (n < 2)
        return 0;
    if (NULL == (keys = malloc(n * sizeof *keys)) || NULL == (merged = malloc(n * width * sizeof *merged)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory merging %zu selection records",
                         n);
    for (size_t i = 0; i < n; i++) {
        keys[i].record = CARVE_RECORD_START(sel, i);
        keys[i].rank   = rank;
        keys[i].along  = along;
    }
    qsort(keys, n, sizeof *keys, merge_key_compare);
    for (size_t i = 0; i < n; i++) {
        hsize_t *prev = out ? merged + (out - 1) * width : NULL;

        if (prev && merge_key_compare(&(merge_key_t){prev, rank, -1}, &keys[i]) == 0)
            continue; /* exact duplicate */
        if (prev && along >= 0 && record_is_block(prev + 2 * rank, rank) &&
            record_is_block(keys[i].record + 2 * rank, rank) &&
            records_agree_except(prev, keys[i].record, rank, along) &&
            keys[i].record[along] <= prev[along] + prev[3 * rank + along]) {
            hsize_t pend = prev[along] + prev[3 * rank + along];
            hsize_t cend = keys[i].record[along] + keys[i].record[3 * rank + along];

            if (cend > pend)
                prev[3 * rank + along] = cend - prev[along];
            continue; /* joined into prev */
        }
        memcpy(merged + out * width, keys[i].record, width * sizeof *merged);
        out++;
    }
    memcpy(sel->records, merged, out * width * sizeof *merged);
    ret_value     = (long)(n - out);
    sel->nrecords = out;

done:
    free(keys);
    free(merged);
    return ret_value;
}

uint64_t
carve_linear_index(int rank, const hsize_t *dims, const hsize_t *coords)
{
    uint64_t index = 0;

    for (int d = 0; d < rank; d++)
        index = index * dims[d] + coords[d];
    return index;
}

void
carve_hyperslab_bounds(int rank, const hsize_t *start, const hsize_t *stride, const hsize_t *count,
                       const hsize_t *block, hsize_t *lo, hsize_t *hi)
{
    for (int d = 0; d < rank; d++) {
        lo[d] = start[d];
        hi[d] = start[d] + (count[d] - 1) * stride[d] + block[d] - 1;
    }
}

/* Record i's bounding box. */
static void
record_bounds(const carve_selection_t *sel, size_t i, hsize_t *lo, hsize_t *hi)
{
    carve_hyperslab_bounds(sel->rank, CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                           CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i), lo, hi);
}

/* qsort has no context argument: records are sorted through this index of (first row, record). */
typedef struct row_key_t {
    hsize_t row;
    size_t  record;
} row_key_t;

static int
row_key_compare(const void *pa, const void *pb)
{
    const row_key_t *a = pa, *b = pb;

    if (a->row != b->row)
        return a->row < b->row ? -1 : 1;
    return a->record < b->record ? -1 : a->record > b->record;
}

herr_t
carve_selection_order_by_row(const carve_selection_t *sel, size_t *records, size_t n)
{
    row_key_t *keys      = NULL;
    herr_t     ret_value = 0;

    if (n < 2)
        return 0;
    if (NULL == (keys = malloc(n * sizeof *keys)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory ordering %zu selection records",
                         n);
    for (size_t k = 0; k < n; k++) {
        keys[k].row    = CARVE_RECORD_START(sel, records[k])[0];
        keys[k].record = records[k];
    }
    qsort(keys, n, sizeof *keys, row_key_compare);
    for (size_t k = 0; k < n; k++)
        records[k] = keys[k].record;

done:
    free(keys);
    return ret_value;
}

/* How many of the single blocks starting at or before a record are tried as its container: enough for
 * the common cases (points or slabs inside a large read), bounded so that merging stays near-linear. */
#define COVERAGE_CONTAINER_CANDIDATES 16

/* Removes the records marked in dropped[0, nrecords), keeping the others in order; returns how many went. */
static size_t
selection_remove_dropped(carve_selection_t *sel, const char *dropped)
{
    size_t n = sel->nrecords, out = 0, width = 4 * (size_t)sel->rank;

    for (size_t i = 0; i < n; i++) {
        if (dropped[i])
            continue;
        if (out != i)
            memmove(CARVE_RECORD_START(sel, out), CARVE_RECORD_START(sel, i), width * sizeof *sel->records);
        out++;
    }
    sel->nrecords = out;
    return n - out;
}

/* Drops every record whose bounding box lies inside a single-block record (not itself). */
static herr_t
selection_drop_contained(carve_selection_t *sel)
{
    int     rank = sel->rank;
    size_t  n = sel->nrecords, nblocks = 0;
    size_t *blocks    = NULL; /* the single blocks, by first row */
    char   *dropped   = NULL;
    herr_t  ret_value = 0;

    if (n < 2)
        return 0;
    if (NULL == (blocks = malloc(n * sizeof *blocks)) || NULL == (dropped = calloc(n, 1)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory merging %zu selection records",
                         n);
    /* A one-element block contains nothing but its duplicates, which the merge removed. */
    for (size_t i = 0; i < n; i++)
        if (record_is_block(CARVE_RECORD_COUNT(sel, i), rank) &&
            !record_is_block(CARVE_RECORD_BLOCK(sel, i), rank))
            blocks[nblocks++] = i;
    if (nblocks == 0)
        CARVE_GOTO_DONE(0);
    if (carve_selection_order_by_row(sel, blocks, nblocks) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < n; i++) {
        hsize_t lo[H5S_MAX_RANK], hi[H5S_MAX_RANK];
        size_t  lo_idx = 0, hi_idx = nblocks, tried = 0;

        record_bounds(sel, i, lo, hi);
        while (lo_idx < hi_idx) { /* first block starting after this record in dim 0 */
            size_t mid = lo_idx + (hi_idx - lo_idx) / 2;

            if (CARVE_RECORD_START(sel, blocks[mid])[0] <= lo[0])
                lo_idx = mid + 1;
            else
                hi_idx = mid;
        }
        for (size_t k = lo_idx; k-- > 0 && tried < COVERAGE_CONTAINER_CANDIDATES; tried++) {
            size_t  j = blocks[k];
            hsize_t blo[H5S_MAX_RANK], bhi[H5S_MAX_RANK];
            int     inside = 1;

            if (j == i || dropped[j])
                continue;
            record_bounds(sel, j, blo, bhi);
            for (int d = 0; d < rank && inside; d++)
                inside = blo[d] <= lo[d] && hi[d] <= bhi[d];
            if (inside) {
                dropped[i] = 1;
                break;
            }
        }
    }
    selection_remove_dropped(sel, dropped);

done:
    free(blocks);
    free(dropped);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Merging single blocks in row-major order
 *
 * Points and small reads arrive as single blocks (count 1 everywhere), hundreds of thousands of them. For
 * them merging is linear but for one radix sort: the records are put in row-major order of their starts
 * once (which keeps, within any set of records agreeing on all starts but one dimension's, the order of
 * that dimension's start), and each pass along a dimension then joins every record into the latest record
 * of its group (the same starts and blocks in every other dimension) when it touches or overlaps it, through
 * a hash table of groups, in one sweep. Contained records are dropped in one sweep too. The general passes
 * above serve selections holding patterns, and extents of more than 2^64 elements.
 * ------------------------------------------------------------------------------------------------- */

/* Bits of a radix digit. */
#define COVERAGE_RADIX_BITS 11

/* 1 when every record is one block and the extent's elements fit 64 bits (rank >= 1). */
static int
selection_blocks_only(const carve_selection_t *sel)
{
    uint64_t total = 1;

    if (sel->rank < 1)
        return 0;
    for (int d = 0; d < sel->rank; d++) {
        if (sel->dims[d] != 0 && total > UINT64_MAX / sel->dims[d])
            return 0;
        total *= sel->dims[d];
    }
    for (size_t i = 0; i < sel->nrecords; i++)
        if (!record_is_block(CARVE_RECORD_COUNT(sel, i), sel->rank))
            return 0;
    return 1;
}

/* Elements of record i's block. */
static hsize_t
record_volume(const carve_selection_t *sel, size_t i)
{
    const hsize_t *block = CARVE_RECORD_BLOCK(sel, i);
    hsize_t        v     = 1;

    for (int d = 0; d < sel->rank; d++)
        v *= block[d];
    return v;
}

/* Puts the records in row-major order of their starts (an LSD radix sort of their linear indices, digits
 * all keys share skipped), records of one start largest first. */
static herr_t
selection_sort_rowmajor(carve_selection_t *sel)
{
    enum { NDIGITS = (64 + COVERAGE_RADIX_BITS - 1) / COVERAGE_RADIX_BITS, RADIX = 1 << COVERAGE_RADIX_BITS };
    typedef struct keyed_t {
        uint64_t key;
        size_t   record;
    } keyed_t;
    int      rank = sel->rank;
    size_t   n = sel->nrecords, width = 4 * (size_t)rank, sorted = 1;
    keyed_t *a = NULL, *b = NULL;
    size_t  *counts    = NULL;
    herr_t   ret_value = 0;

    if (n < 2)
        return 0;
    if (NULL == (a = malloc(n * sizeof *a)) || NULL == (b = malloc(n * sizeof *b)) ||
        NULL == (counts = calloc((size_t)NDIGITS * RADIX, sizeof *counts)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory sorting %zu selection records",
                         n);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = carve_linear_index(rank, sel->dims, CARVE_RECORD_START(sel, i));

        a[i].key    = key;
        a[i].record = i;
        sorted &= i == 0 || a[i - 1].key <= key;
        for (int g = 0; g < NDIGITS; g++)
            counts[(size_t)g * RADIX + ((key >> (g * COVERAGE_RADIX_BITS)) & (RADIX - 1))]++;
    }
    for (int g = 0; g < NDIGITS && !sorted; g++) {
        size_t  *count = counts + (size_t)g * RADIX, sum = 0;
        keyed_t *swap;

        if (count[(a[0].key >> (g * COVERAGE_RADIX_BITS)) & (RADIX - 1)] == n)
            continue; /* every key has this digit */
        for (size_t v = 0; v < RADIX; v++) {
            size_t c = count[v];

            count[v] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i].key >> (g * COVERAGE_RADIX_BITS)) & (RADIX - 1)]++] = a[i];
        swap = a, a = b, b = swap;
    }
    /* Records of one start: the largest block first (it may contain the others). Such runs are short. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && a[k - 1].key == a[k].key &&
                           record_volume(sel, a[k - 1].record) < record_volume(sel, a[k].record);
             k--) {
            keyed_t t = a[k];

            a[k]     = a[k - 1];
            a[k - 1] = t;
            sorted   = 0;
        }
    free(b);
    b = NULL;
    if (sorted)
        CARVE_GOTO_DONE(0);
    /* In place, cycle by cycle (record i takes record a[i].record's place): no second copy of a list that may
     * hold a million records. */
    for (size_t i = 0; i < n; i++) {
        hsize_t held[4 * H5S_MAX_RANK];
        size_t  j = i;

        if (a[i].record == SIZE_MAX || a[i].record == i)
            continue;
        memcpy(held, CARVE_RECORD_START(sel, i), width * sizeof *held);
        while (a[j].record != i) {
            size_t from = a[j].record;

            memcpy(CARVE_RECORD_START(sel, j), CARVE_RECORD_START(sel, from), width * sizeof *held);
            a[j].record = SIZE_MAX;
            j           = from;
        }
        memcpy(CARVE_RECORD_START(sel, j), held, width * sizeof *held);
        a[j].record = SIZE_MAX;
    }

done:
    free(a);
    free(b);
    free(counts);
    return ret_value;
}

/* The hash of record i's group along `along`: its starts and blocks in the other dimensions. */
static uint64_t
group_hash(const hsize_t *rec, int rank, int along)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;

    for (int d = 0; d < rank; d++)
        if (d != along) {
            h = (h ^ rec[d]) * 0x100000001b3ull;
            h = (h ^ rec[3 * rank + d]) * 0x100000001b3ull;
        }
    return h ^ (h >> 29);
}

/* 1 when two single blocks have the same start and block in every dimension but `along`. */
static int
blocks_agree_except(const hsize_t *a, const hsize_t *b, int rank, int along)
{
    for (int d = 0; d < rank; d++)
        if (d != along && (a[d] != b[d] || a[3 * rank + d] != b[3 * rank + d]))
            return 0;
    return 1;
}

/* One sweep along `along` over records in row-major order: each single block joins the latest record of
 * its group when it touches or overlaps it. Returns the number of records removed, -1 on failure. */
static long
selection_join_rowmajor(carve_selection_t *sel, int along)
{
    int     rank = sel->rank;
    size_t  n = sel->nrecords, width = 4 * (size_t)rank, out = 0, slots = 16;
    size_t *table     = NULL; /* 1 + output position of a group's latest record; 0: empty */
    long    ret_value = 0;

    if (n < 2)
        return 0;
    while (slots < 2 * n)
        slots *= 2;
    if (NULL == (table = calloc(slots, sizeof *table)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory merging %zu selection records",
                         n);
    for (size_t i = 0; i < n; i++) {
        hsize_t *rec  = CARVE_RECORD_START(sel, i);
        size_t   slot = (size_t)group_hash(rec, rank, along) & (slots - 1);
        hsize_t *latest;

        for (; table[slot]; slot = (slot + 1) & (slots - 1)) {
            latest = CARVE_RECORD_START(sel, table[slot] - 1);
            if (blocks_agree_except(latest, rec, rank, along))
                break;
        }
        if (table[slot] && rec[along] <= latest[along] + latest[3 * rank + along]) {
            hsize_t end = rec[along] + rec[3 * rank + along];

            if (end > latest[along] + latest[3 * rank + along])
                latest[3 * rank + along] = end - latest[along];
            continue; /* joined into latest */
        }
        if (out != i)
            memcpy(CARVE_RECORD_START(sel, out), rec, width * sizeof *rec);
        table[slot] = ++out;
    }
    ret_value     = (long)(n - out);
    sel->nrecords = out;

done:
    free(table);
    return ret_value;
}

/* How many of the candidates before a record (the nearest in row-major order first) are tried as its
 * container by the row-major drop: the same row's, to its left, are the likeliest. */
#define COVERAGE_ROWMAJOR_CANDIDATES 4

/* Drops every record (single blocks in row-major order) inside another one that extends in two
 * dimensions or more (one that extends in one only has its contents joined by the sweeps). Returns the
 * number removed, -1 on failure. */
static long
selection_drop_contained_rowmajor(carve_selection_t *sel)
{
    int     rank = sel->rank;
    size_t  n = sel->nrecords, ncand = 0, seen = 0;
    size_t *cand      = NULL; /* the candidates, in row-major order */
    char   *dropped   = NULL;
    hsize_t tallest   = 0; /* the most rows of a candidate seen so far */
    long    ret_value = 0;

    if (n < 2)
        return 0;
    if (NULL == (cand = malloc(n * sizeof *cand)) || NULL == (dropped = calloc(n, 1)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory merging %zu selection records",
                         n);
    for (size_t i = 0; i < n; i++) {
        const hsize_t *block = CARVE_RECORD_BLOCK(sel, i);
        int            wide  = 0;

        for (int d = 0; d < rank; d++)
            wide += block[d] > 1;
        if (wide >= 2)
            cand[ncand++] = i;
    }
    for (size_t i = 0; i < n && ncand > 0; i++) {
        const hsize_t *start = CARVE_RECORD_START(sel, i), *block = CARVE_RECORD_BLOCK(sel, i);
        size_t         tried = 0;

        while (seen < ncand && cand[seen] < i) { /* candidates before i: starts not after its start */
            hsize_t rows = CARVE_RECORD_BLOCK(sel, cand[seen])[0];

            tallest = rows > tallest ? rows : tallest;
            seen++;
        }
        for (size_t k = seen; k-- > 0 && tried < COVERAGE_ROWMAJOR_CANDIDATES;) {
            const hsize_t *cs = CARVE_RECORD_START(sel, cand[k]), *cb = CARVE_RECORD_BLOCK(sel, cand[k]);
            int            inside = 1;

            if (cs[0] + tallest <= start[0])
                break; /* it and every candidate before it end above this record's first row */
            if (dropped[cand[k]])
                continue;
            tried++;
            for (int d = 0; d < rank && inside; d++)
                inside = cs[d] <= start[d] && start[d] + block[d] <= cs[d] + cb[d];
            if (inside) {
                dropped[i] = 1;
                break;
            }
        }
    }
    ret_value = (long)selection_remove_dropped(sel, dropped);

done:
    free(cand);
    free(dropped);
    return ret_value;
}

/* Rows (the product of the extents in every dimension but the last) of record i's block, at most cap + 1. */
static hsize_t
record_rows(const carve_selection_t *sel, size_t i, hsize_t cap)
{
    const hsize_t *block = CARVE_RECORD_BLOCK(sel, i);
    hsize_t        rows  = 1;

    for (int d = 0; d < sel->rank - 1 && rows <= cap; d++)
        rows = block[d] > cap ? cap + 1 : rows * block[d];
    return rows;
}

/* Splits the blocks of several rows into their rows (runs along the last dimension) when they are few
 * against the list (a point that arrived right below the previous one makes a block of two rows): the
 * union is the same, and runs alone merge in one round. Returns 1 when the list holds runs only. */
static int
selection_split_rows(carve_selection_t *sel)
{
    int     rank = sel->rank;
    size_t  n = sel->nrecords, width = 4 * (size_t)rank, extra = 0, cap = n / 8, at = n;
    herr_t  reserved = -1;
    hsize_t coords[H5S_MAX_RANK];

    for (size_t i = 0; i < n && extra <= cap; i++) {
        hsize_t rows = record_rows(sel, i, cap);

        extra = rows > cap ? cap + 1 : extra + (size_t)rows - 1; /* a block of more rows: not split */
    }
    if (extra == 0)
        return 1;
    if (extra <= cap) /* no room to split is no failure: the general rounds do without */
        CARVE_TRY_IGNORED(reserved = selection_reserve(sel, extra));
    if (reserved < 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        hsize_t *rec = CARVE_RECORD_START(sel, i), *block = rec + 3 * rank;

        if (record_rows(sel, i, cap) == 1)
            continue;
        /* Every row but the first appended as a run (the odometer over the leading dimensions), then the
         * record itself cut to its first row. */
        for (int d = 0; d < rank - 1; d++)
            coords[d] = 0;
        for (;;) {
            int d = rank - 2;

            while (d >= 0 && ++coords[d] == block[d])
                coords[d--] = 0;
            if (d < 0)
                break;
            {
                hsize_t *run = CARVE_RECORD_START(sel, at++);

                memcpy(run, rec, width * sizeof *rec);
                for (int k = 0; k < rank - 1; k++) {
                    run[k]            = rec[k] + coords[k];
                    run[3 * rank + k] = 1;
                }
            }
        }
        for (int d = 0; d < rank - 1; d++)
            block[d] = 1;
    }
    sel->nrecords = at;
    return 1;
}

/* ---------------------------------------------------------------------------------------------------
 * Merging runs
 *
 * The commonest lists (points, small reads, a few rows each) are single blocks one row thick, or so after
 * cutting the few thicker ones into rows: runs along the last dimension. Such a run is its start's linear
 * index and its length, 16 bytes; the runs are sorted as such pairs (a radix sort over the bits their
 * indices differ in), joined along the last dimension in one sequential sweep (runs of one row are
 * neighbours once sorted), and written back as records in row-major order: in rank 2 by a sweep along the
 * rows on the runs themselves, in higher ranks as they are, for the hash-table sweeps along the other
 * dimensions. The result is the row-major merge's (selection_merge_rowmajor) for the same list, at a
 * fraction of its cost: no record is moved twice, and nothing hashed along the last dimension.
 * ------------------------------------------------------------------------------------------------- */

/* The widest digit of the runs' sort: 2^12 counters stay in the first-level cache, and two passes cover
 * the indices of a 16M-element extent. */
#define COVERAGE_RUN_RADIX_BITS 12

typedef struct coverage_run_t {
    uint64_t key; /* the linear index of its start */
    uint64_t len; /* its elements along the last dimension */
} coverage_run_t;

/* Sorts runs[0, n) by key (stably); *runs may end up pointing at the spare array, and *spare at the
 * other. */
static void
runs_sort(coverage_run_t **runs, coverage_run_t **spare, size_t n, size_t *counts)
{
    coverage_run_t *a = *runs, *b = *spare;
    uint64_t        any = 0, all = UINT64_MAX;
    int             sorted = 1, lo, bits, passes, width;

    for (size_t i = 0; i < n; i++) {
        any |= a[i].key;
        all &= a[i].key;
        sorted &= i == 0 || a[i - 1].key <= a[i].key;
    }
    if (sorted)
        return;
    /* Digits only over the bits the keys differ in, as few passes as digits of COVERAGE_RUN_RADIX_BITS
     * allow, evenly wide. */
    lo     = __builtin_ctzll(any ^ all);
    bits   = 64 - __builtin_clzll(any ^ all) - lo;
    passes = (bits + COVERAGE_RUN_RADIX_BITS - 1) / COVERAGE_RUN_RADIX_BITS;
    width  = (bits + passes - 1) / passes;
    for (int g = 0; g < passes; g++) {
        int      shift = lo + g * width;
        uint64_t mask  = ((uint64_t)1 << width) - 1;
        size_t   sum   = 0;

        memset(counts, 0, ((size_t)1 << width) * sizeof *counts);
        for (size_t i = 0; i < n; i++)
            counts[(a[i].key >> shift) & mask]++;
        for (size_t v = 0; v <= mask; v++) {
            size_t c = counts[v];

            counts[v] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[counts[(a[i].key >> shift) & mask]++] = a[i];
        {
            coverage_run_t *swap = a;

            a = b, b = swap;
        }
    }
    *runs  = a;
    *spare = b;
}

/* Merges sel when it is made of runs (see above), after cutting blocks of several rows into rows when
 * they add at most an eighth to the list. Returns 1 when merged so, 0 when the list is not such (nothing
 * changed), -1 on failure. */
static int
selection_merge_runs(carve_selection_t *sel)
{
    int             rank = sel->rank, last = rank - 1;
    size_t          n = sel->nrecords, width = 4 * (size_t)rank, cap = n / 8, extra = 0, m = 0, out = 0;
    uint64_t        total = 1;
    coverage_run_t *runs = NULL, *spare = NULL;
    size_t         *counts    = NULL;
    int             ret_value = 1;

    if (rank < 1 || n < 2)
        return 0;
    for (int d = 0; d < rank; d++) {
        if (sel->dims[d] == 0 || total > UINT64_MAX / sel->dims[d])
            return 0;
        total *= sel->dims[d];
    }
    /* Room for the runs of the rows added by cutting, at most cap of them. */
    if (NULL == (runs = malloc((n + cap) * sizeof *runs)) ||
        NULL == (spare = malloc((n + cap) * sizeof *spare)) ||
        NULL == (counts = malloc(((size_t)1 << COVERAGE_RUN_RADIX_BITS) * sizeof *counts)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory merging %zu selection records",
                         n);
    for (size_t i = 0; i < n; i++) {
        const hsize_t *start = CARVE_RECORD_START(sel, i), *count = CARVE_RECORD_COUNT(sel, i);
        const hsize_t *block = CARVE_RECORD_BLOCK(sel, i);
        hsize_t        coords[H5S_MAX_RANK], rows = 1;
        uint64_t       key = 0;

        for (int d = 0; d < rank; d++) {
            if (count[d] != 1)
                CARVE_GOTO_DONE(0);
            key = key * sel->dims[d] + start[d];
        }
        runs[m].key   = key;
        runs[m++].len = block[last];
        for (int d = 0; d < last; d++)
            if (block[d] != 1) {
                rows = block[d] > cap ? cap + 1 : rows * block[d];
                if (rows > cap)
                    CARVE_GOTO_DONE(0); /* a block of too many rows: not cut */
            }
        if (rows == 1)
            continue;
        if ((extra += (size_t)rows - 1) > cap)
            CARVE_GOTO_DONE(0);
        /* Every further row (the odometer over the leading dimensions). */
        for (int d = 0; d < last; d++)
            coords[d] = 0;
        for (;;) {
            int      d = last - 1;
            uint64_t row;

            while (d >= 0 && ++coords[d] == block[d])
                coords[d--] = 0;
            if (d < 0)
                break;
            row = 0;
            for (int e = 0; e < last; e++)
                row = row * sel->dims[e] + start[e] + coords[e];
            runs[m].key   = row * sel->dims[last] + start[last];
            runs[m++].len = block[last];
        }
    }
    /* Room for every run as a record: the sweep may join none. No room is no failure: the row-major
     * merge does without. */
    if (extra > 0) {
        herr_t reserved = -1;

        CARVE_TRY_IGNORED(reserved = selection_reserve(sel, extra));
        if (reserved < 0)
            CARVE_GOTO_DONE(0);
    }
    runs_sort(&runs, &spare, m, counts);
    /* The sweep along the last dimension: a run joins the previous one when in the same row and touching
     * or overlapping it. */
    {
        uint64_t end = 0, row_end = 0; /* of the run written last, and of its row */

        for (size_t i = 0; i < m; i++) {
            uint64_t key = runs[i].key;

            if (out > 0 && key < row_end && key <= end) {
                if (key + runs[i].len > end) {
                    end                = key + runs[i].len;
                    spare[out - 1].len = end - spare[out - 1].key;
                }
                continue;
            }
            spare[out++] = runs[i];
            end          = key + runs[i].len;
            row_end      = (key / sel->dims[last] + 1) * sel->dims[last];
        }
    }
    if (rank == 2) {
        /* The sweep along the rows, on the runs: a run joins the latest record of its column group (the
         * same start and length along the last dimension) when in the row right below it or inside it,
         * as selection_join_rowmajor(sel, 0) would join their records. */
        size_t  slots = 16, kept = 0;
        size_t *table = NULL; /* 1 + the record of a group's latest run; 0: empty */
        hsize_t cols  = sel->dims[1];

        while (slots < 2 * out)
            slots *= 2;
        if (NULL == (table = calloc(slots, sizeof *table)))
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1,
                             "out of memory merging %zu selection records", n);
        for (size_t i = 0; i < out; i++) {
            hsize_t  row = spare[i].key / cols, col = spare[i].key % cols, len = spare[i].len;
            uint64_t h      = ((col * 0x9e3779b97f4a7c15ull) ^ len) * 0x100000001b3ull;
            size_t   slot   = (size_t)(h ^ (h >> 29)) & (slots - 1);
            hsize_t *latest = NULL;

            for (; table[slot]; slot = (slot + 1) & (slots - 1)) {
                latest = CARVE_RECORD_START(sel, table[slot] - 1);
                if (latest[1] == col && latest[7] == len)
                    break;
            }
            if (table[slot] && row <= latest[0] + latest[6]) {
                if (row + 1 > latest[0] + latest[6])
                    latest[6] = row + 1 - latest[0];
                continue;
            }
            {
                hsize_t *rec = CARVE_RECORD_START(sel, kept);

                rec[0] = row, rec[1] = col;
                rec[2] = rec[3] = rec[4] = rec[5] = rec[6] = 1;
                rec[7]                                     = len;
            }
            table[slot] = ++kept;
        }
        free(table);
        sel->nrecords = kept;
        CARVE_GOTO_DONE(1);
    }
    for (size_t i = 0; i < out; i++) {
        hsize_t *rec = CARVE_RECORD_START(sel, i);
        uint64_t key = spare[i].key;

        for (int d = last; d >= 0; d--) {
            rec[d] = key % sel->dims[d];
            key /= sel->dims[d];
        }
        for (size_t k = (size_t)rank; k < width; k++)
            rec[k] = 1;
        rec[width - 1] = spare[i].len;
    }
    sel->nrecords = out;
    for (int d = last - 1; d >= 0; d--)
        if (selection_join_rowmajor(sel, d) < 0)
            CARVE_GOTO_DONE(-1);

done:
    free(runs);
    free(spare);
    free(counts);
    return ret_value;
}

/* Merges a selection of single blocks (selection_blocks_only): sorted once, then sweeps along every
 * dimension (the last first) and, unless `rounds` is 1, drops of contained records, until nothing
 * changes. */
static herr_t
selection_merge_rowmajor(carve_selection_t *sel, int rounds)
{
    herr_t ret_value = 0;

    /* Runs along the last dimension (points among them) need one round: the first sweep makes each row's
     * runs maximal and apart, so the later sweeps only stack equal ones, which no sweep can then join, and
     * no record lies inside another. */
    if (selection_split_rows(sel))
        rounds = 1;
    if (selection_sort_rowmajor(sel) < 0)
        CARVE_GOTO_DONE(-1);
    for (int round = 0; rounds == 0 || round < rounds; round++) {
        long removed = 0, r;

        for (int d = sel->rank - 1; d >= 0; d--) {
            if ((r = selection_join_rowmajor(sel, d)) < 0)
                CARVE_GOTO_DONE(-1);
            removed += r;
        }
        if (rounds != 1) {
            if ((r = selection_drop_contained_rowmajor(sel)) < 0)
                CARVE_GOTO_DONE(-1);
            removed += r;
        }
        if (removed == 0)
            break;
    }

done:
    return ret_value;
}

herr_t
carve_selection_compact(carve_selection_t *sel)
{
    int    runs;
    herr_t ret_value = 0;

    if (sel->rank == 0 || sel->nrecords < 2) {
        sel->merged = sel->nrecords;
        return 0;
    }
    /* Duplicates go and neighbours join, once along each dimension: cheap enough to run while a
     * program reads; carve_selection_merge does the rest at commit. */
    if ((runs = selection_merge_runs(sel)) < 0)
        CARVE_GOTO_DONE(-1);
    if (runs == 0 && selection_blocks_only(sel)) {
        if (selection_merge_rowmajor(sel, 1) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (runs == 0) {
        if (selection_merge_pass(sel, -1) < 0)
            CARVE_GOTO_DONE(-1);
        for (int d = sel->rank - 1; d >= 0; d--)
            if (selection_merge_pass(sel, d) < 0)
                CARVE_GOTO_DONE(-1);
    }
    sel->merged = sel->nrecords;

done:
    return ret_value;
}

herr_t
carve_selection_merge(carve_selection_t *sel)
{
    int    runs;
    herr_t ret_value = 0;

    if (sel->merged == sel->nrecords)
        return 0; /* merged (or compacted) already, nothing added since */
    if ((runs = selection_merge_runs(sel)) < 0)
        CARVE_GOTO_DONE(-1);
    if (runs == 1 || (sel->rank > 0 && sel->nrecords > 1 && selection_blocks_only(sel))) {
        if (runs == 0 && selection_merge_rowmajor(sel, 0) < 0)
            CARVE_GOTO_DONE(-1);
        sel->merged = sel->nrecords;
        CARVE_GOTO_DONE(0);
    }
    if (carve_selection_compact(sel) < 0)
        CARVE_GOTO_DONE(-1);
    /* Then, until nothing changes, drop contained records and join again: every round that changes
     * something removes a record, so this ends. */
    while (sel->rank > 0 && sel->nrecords > 1) {
        size_t before = sel->nrecords;

        if (selection_drop_contained(sel) < 0)
            CARVE_GOTO_DONE(-1);
        for (int d = sel->rank - 1; d >= 0; d--)
            if (selection_merge_pass(sel, d) < 0)
                CARVE_GOTO_DONE(-1);
        if (sel->nrecords == before)
            break;
    }
    sel->merged = sel->nrecords;

done:
    return ret_value;
}

int
carve_selection_is_empty(const carve_selection_t *sel)
{
    return sel->nrecords == 0;
}

/* Records at most this many are OR-ed into one dataspace one by one; more are split in halves whose
 * dataspaces are OR-ed together, which keeps HDF5's span trees small while they grow (one by one,
 * the cost grows about fivefold per doubling). */
#define COVERAGE_SEQUENTIAL_OR 32

/* A dataspace of sel's extent selecting the union of records [first, last). */
static hid_t
selection_range_to_space(const carve_selection_t *sel, size_t first, size_t last)
{
    hid_t space = H5I_INVALID_HID, right = H5I_INVALID_HID;
    hid_t ret_value = H5I_INVALID_HID;

    if (last - first > COVERAGE_SEQUENTIAL_OR) {
        size_t middle = first + (last - first) / 2;

        if ((space = selection_range_to_space(sel, first, middle)) < 0 ||
            (right = selection_range_to_space(sel, middle, last)) < 0)
            CARVE_GOTO_DONE(H5I_INVALID_HID);
        if (H5Smodify_select(space, H5S_SELECT_OR, right) < 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot join two selections");
    }
    else {
        if ((space = H5Screate_simple(sel->rank, sel->dims, NULL)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot create a dataspace");
        for (size_t i = first; i < last; i++)
            if (H5Sselect_hyperslab(space, i == first ? H5S_SELECT_SET : H5S_SELECT_OR,
                                    CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                                    CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i)) < 0)
                CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                                 "cannot build the selection of record %zu", i);
    }
    ret_value = space;
    space     = H5I_INVALID_HID;

done:
    if (right >= 0)
        H5Sclose(right);
    if (space >= 0)
        H5Sclose(space);
    return ret_value;
}

hid_t
carve_selection_to_space(const carve_selection_t *sel)
{
    hid_t space     = H5I_INVALID_HID;
    hid_t ret_value = H5I_INVALID_HID;

    if (sel->rank > 0 && sel->nrecords > 0)
        return selection_range_to_space(sel, 0, sel->nrecords);
    if (sel->rank == 0) {
        if ((space = H5Screate(H5S_SCALAR)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot create a scalar dataspace");
    }
    else if ((space = H5Screate_simple(sel->rank, sel->dims, NULL)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot create a dataspace");
    if (sel->nrecords == 0 && H5Sselect_none(space) < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot clear a selection");
    ret_value = space;
    space     = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

hsize_t
carve_selection_npoints(const carve_selection_t *sel)
{
    hid_t    space = carve_selection_to_space(sel);
    hssize_t n;

    if (space < 0)
        return 0;
    n = H5Sget_select_npoints(space);
    H5Sclose(space);
    return n < 0 ? 0 : (hsize_t)n;
}

/* sel: a new selection of space_id's extent holding space_id's selection (to be cleared even on failure). */
static herr_t
selection_of_space(carve_selection_t *sel, hid_t space_id)
{
    hsize_t dims[H5S_MAX_RANK];
    int     rank      = H5Sget_simple_extent_ndims(space_id);
    herr_t  ret_value = 0;

    carve_selection_init(sel, 0, NULL);
    if (rank < 0 || H5Sget_simple_extent_dims(space_id, dims, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1, "cannot read a selection's dataspace");
    carve_selection_init(sel, rank, dims);
    ret_value = carve_selection_add_space(sel, space_id);

done:
    return ret_value;
}

/* A hyperslab-kind copy of a selection (points become one-element blocks), for set operations. */
static hid_t
space_as_hyperslabs(hid_t space_id)
{
    carve_selection_t tmp;
    hid_t             ret_value = H5I_INVALID_HID;

    if (selection_of_space(&tmp, space_id) >= 0)
        ret_value = carve_selection_to_space(&tmp);
    carve_selection_clear(&tmp);
    return ret_value;
}

int
carve_selection_contains(const carve_selection_t *sel, hid_t space_id)
{
    hid_t    cover = H5I_INVALID_HID, query = H5I_INVALID_HID;
    hssize_t wanted, before, after;
    int      ret_value = -1;

    if ((wanted = H5Sget_select_npoints(space_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1, "cannot count a selection");
    if (wanted == 0)
        CARVE_GOTO_DONE(1);
    if (sel->nrecords == 0)
        CARVE_GOTO_DONE(0);
    if (sel->rank == 0)
        CARVE_GOTO_DONE(1);
    if ((cover = carve_selection_to_space(sel)) < 0 || (query = space_as_hyperslabs(space_id)) < 0)
        CARVE_GOTO_DONE(-1);
    /* query is inside cover when adding it to cover adds nothing. (Not H5Scombine_select(query, NOTB,
     * cover): HDF5 1.14.5 and older dereference NULL when that result is empty, HDFGroup/hdf5#5296.) */
    if ((before = H5Sget_select_npoints(cover)) < 0 || H5Smodify_select(cover, H5S_SELECT_OR, query) < 0 ||
        (after = H5Sget_select_npoints(cover)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNDERLYING, -1,
                         "cannot compare a selection with the coverage");
    ret_value = after == before;

done:
    CARVE_CLEANUP_BEGIN
    if (query >= 0)
        H5Sclose(query);
    if (cover >= 0)
        H5Sclose(cover);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Chunk sets
 * ------------------------------------------------------------------------------------------------- */

herr_t
carve_chunkset_init(carve_chunkset_t *cs, int rank, const hsize_t *dims, const hsize_t *chunk)
{
    uint64_t total     = 1;
    herr_t   ret_value = 0;

    memset(cs, 0, sizeof *cs);
    if (rank < 1 || rank > H5S_MAX_RANK)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1, "chunk set of rank %d", rank);
    cs->rank = rank;
    for (int d = 0; d < rank; d++) {
        if (chunk[d] == 0)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1, "zero chunk size in dimension %d", d);
        cs->chunk[d] = chunk[d];
        cs->grid[d]  = dims[d] == 0 ? 1 : (dims[d] + chunk[d] - 1) / chunk[d];
        if (total > UINT64_MAX / cs->grid[d])
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_UNSUPPORTED, -1,
                             "chunk grid of more than 2^64 chunks");
        total *= cs->grid[d];
    }

done:
    return ret_value;
}

void
carve_chunkset_clear(carve_chunkset_t *cs)
{
    free(cs->idx);
    cs->idx      = NULL;
    cs->n        = 0;
    cs->capacity = 0;
    cs->sorted   = 0;
}

herr_t
carve_chunkset_copy(carve_chunkset_t *dst, const carve_chunkset_t *src)
{
    herr_t ret_value = 0;

    *dst          = *src;
    dst->idx      = NULL;
    dst->capacity = 0;
    if (src->n == 0)
        CARVE_GOTO_DONE(0);
    if (NULL == (dst->idx = malloc(src->n * sizeof *dst->idx)))
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory copying a chunk set");
    memcpy(dst->idx, src->idx, src->n * sizeof *dst->idx);
    dst->capacity = src->n;

done:
    return ret_value;
}

static int
chunk_index_compare(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

    return a < b ? -1 : a > b;
}

herr_t
carve_chunkset_finish(carve_chunkset_t *cs)
{
    size_t out = 0;

    if (cs->sorted == cs->n)
        return 0;
    qsort(cs->idx, cs->n, sizeof *cs->idx, chunk_index_compare);
    for (size_t i = 0; i < cs->n; i++)
        if (out == 0 || cs->idx[out - 1] != cs->idx[i])
            cs->idx[out++] = cs->idx[i];
    cs->n      = out;
    cs->sorted = out;
    return 0;
}

static herr_t
chunkset_add_index(carve_chunkset_t *cs, uint64_t index)
{
    herr_t ret_value = 0;

    if (cs->n == cs->capacity) {
        /* Duplicates pile up when reads revisit chunks: squeeze them out before growing. */
        if (cs->n > 2 * cs->sorted + 1024)
            carve_chunkset_finish(cs);
        if (CARVE_ARRAY_RESERVE(cs->idx, cs->capacity, cs->n + 1) != CARVE_GROW_OK)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory recording %zu chunks",
                             cs->n + 1);
    }
    if (cs->sorted == cs->n && cs->n > 0 && cs->idx[cs->n - 1] >= index) {
        if (cs->idx[cs->n - 1] == index)
            CARVE_GOTO_DONE(0); /* the chunk just recorded, again */
        cs->idx[cs->n++] = index;
    }
    else {
        int keep_sorted = cs->sorted == cs->n;

        cs->idx[cs->n++] = index;
        if (keep_sorted)
            cs->sorted = cs->n;
    }

done:
    return ret_value;
}

herr_t
carve_chunkset_add_coords(carve_chunkset_t *cs, const hsize_t *coords)
{
    uint64_t index     = 0;
    herr_t   ret_value = 0;

    for (int d = 0; d < cs->rank; d++) {
        if (coords[d] >= cs->grid[d])
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                             "chunk coordinate %llu outside the grid (%llu chunks) in dimension %d",
                             (unsigned long long)coords[d], (unsigned long long)cs->grid[d], d);
        index = index * cs->grid[d] + coords[d];
    }
    ret_value = chunkset_add_index(cs, index);

done:
    return ret_value;
}

void
carve_chunk_ranges_init(carve_chunk_ranges_t *cr)
{
    cr->n        = 0;
    cr->capacity = sizeof cr->local / sizeof cr->local[0];
    cr->r        = cr->local;
}

void
carve_chunk_ranges_free(carve_chunk_ranges_t *cr)
{
    if (cr->r != cr->local)
        free(cr->r);
    carve_chunk_ranges_init(cr);
}

static herr_t
chunk_ranges_append(carve_chunk_ranges_t *cr, hsize_t lo, hsize_t hi)
{
    herr_t ret_value = 0;

    if (cr->n > 0 && lo <= cr->r[cr->n - 1][1] + 1) {
        if (hi > cr->r[cr->n - 1][1])
            cr->r[cr->n - 1][1] = hi;
        return 0;
    }
    if (cr->n == cr->capacity && cr->r == cr->local) {
        /* The first ranges live in the structure itself: past them, all move to the heap. */
        hsize_t(*heap)[2] = NULL;
        size_t heap_cap   = 0;

        if (CARVE_ARRAY_RESERVE(heap, heap_cap, 2 * cr->capacity) != CARVE_GROW_OK)
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory listing chunks");
        memcpy(heap, cr->local, sizeof cr->local);
        cr->r        = heap;
        cr->capacity = heap_cap;
    }
    else if (CARVE_ARRAY_RESERVE(cr->r, cr->capacity, cr->n + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, -1, "out of memory listing chunks");
    cr->r[cr->n][0] = lo;
    cr->r[cr->n][1] = hi;
    cr->n++;

done:
    return ret_value;
}

herr_t
carve_chunk_ranges_of(carve_chunk_ranges_t *cr, hsize_t start, hsize_t stride, hsize_t count, hsize_t block,
                      hsize_t chunk)
{
    cr->n = 0;
    /* Gaps narrower than a chunk cannot skip one: every chunk from the first to the last is touched.
     * Otherwise each block has its own chunks, and there are at most as many blocks as chunks in the
     * dimension. */
    if (count == 1 || stride - block < chunk)
        return chunk_ranges_append(cr, start / chunk, (start + (count - 1) * stride + block - 1) / chunk);
    for (hsize_t k = 0; k < count; k++) {
        hsize_t lo = start + k * stride;

        if (chunk_ranges_append(cr, lo / chunk, (lo + block - 1) / chunk) < 0)
            return -1;
    }
    return 0;
}

int
carve_chunk_ranges_next(const carve_chunk_ranges_t *ranges, int rank, size_t *pos, hsize_t *coords)
{
    for (int d = rank - 1; d >= 0; d--) {
        if (coords[d] < ranges[d].r[pos[d]][1]) {
            coords[d]++;
            return 1;
        }
        if (pos[d] + 1 < ranges[d].n) {
            pos[d]++;
            coords[d] = ranges[d].r[pos[d]][0];
            return 1;
        }
        pos[d]    = 0;
        coords[d] = ranges[d].r[0][0];
    }
    return 0;
}

/* Slots of carve_chunkset_add_selection's table of the chunks added lately. */
#define CHUNKSET_RECENT 64

herr_t
carve_chunkset_add_selection(carve_chunkset_t *cs, const carve_selection_t *sel)
{
    uint64_t             recent[CHUNKSET_RECENT]; /* 1 + the index of a chunk added lately; 0: none */
    carve_chunk_ranges_t ranges[H5S_MAX_RANK];
    int                  rank      = cs->rank;
    herr_t               ret_value = 0;

    for (int d = 0; d < rank; d++)
        carve_chunk_ranges_init(&ranges[d]);
    if (sel->rank != rank)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                         "selection of rank %d on a chunk grid of rank %d", sel->rank, rank);
    memset(recent, 0, sizeof recent);
    for (size_t i = 0; i < sel->nrecords; i++) {
        size_t   pos[H5S_MAX_RANK];
        hsize_t  coords[H5S_MAX_RANK];
        int      one_chunk = record_is_block(CARVE_RECORD_COUNT(sel, i), rank);
        uint64_t index;

        /* A block inside one chunk (points, small reads: most records): its chunk, added unless it is one
         * added lately. Records in row-major order come row by row, each row of chunks visited again and
         * again (a read of the hot band's rows crosses its chunks): a small table of the chunks added
         * lately, by index, keeps the set from piling up a duplicate per record. */
        index = 0;
        for (int d = 0; d < rank && one_chunk; d++) {
            hsize_t first = CARVE_RECORD_START(sel, i)[d];

            coords[d] = first / cs->chunk[d];
            one_chunk = (first + CARVE_RECORD_BLOCK(sel, i)[d] - 1) / cs->chunk[d] == coords[d];
            index =
                coords[d] < cs->grid[d] && index != UINT64_MAX ? index * cs->grid[d] + coords[d] : UINT64_MAX;
        }
        if (one_chunk) {
            if (index != UINT64_MAX && recent[index % CHUNKSET_RECENT] == index + 1)
                continue;
            if (carve_chunkset_add_coords(cs, coords) < 0)
                CARVE_GOTO_DONE(-1);
            if (index != UINT64_MAX)
                recent[index % CHUNKSET_RECENT] = index + 1;
            continue;
        }
        memset(pos, 0, (size_t)rank * sizeof *pos);
        for (int d = 0; d < rank; d++)
            if (carve_chunk_ranges_of(&ranges[d], CARVE_RECORD_START(sel, i)[d],
                                      CARVE_RECORD_STRIDE(sel, i)[d], CARVE_RECORD_COUNT(sel, i)[d],
                                      CARVE_RECORD_BLOCK(sel, i)[d], cs->chunk[d]) < 0)
                CARVE_GOTO_DONE(-1);
        /* Odometer over the Cartesian product of every dimension's ranges. */
        for (int d = 0; d < rank; d++)
            coords[d] = ranges[d].r[0][0];
        do
            if (carve_chunkset_add_coords(cs, coords) < 0)
                CARVE_GOTO_DONE(-1);
        while (carve_chunk_ranges_next(ranges, rank, pos, coords));
    }

done:
    for (int d = 0; d < rank; d++)
        carve_chunk_ranges_free(&ranges[d]);
    return ret_value;
}

herr_t
carve_chunkset_add_space(carve_chunkset_t *cs, hid_t space_id)
{
    carve_selection_t sel;
    herr_t            ret_value = 0;

    if (selection_of_space(&sel, space_id) < 0 || carve_chunkset_add_selection(cs, &sel) < 0)
        ret_value = -1;
    carve_selection_clear(&sel);
    return ret_value;
}

herr_t
carve_chunkset_union(carve_chunkset_t *dst, const carve_chunkset_t *src)
{
    herr_t ret_value = 0;

    if (dst->rank != src->rank)
        CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1, "union of chunk sets of rank %d and %d",
                         dst->rank, src->rank);
    for (int d = 0; d < dst->rank; d++)
        if (dst->grid[d] != src->grid[d] || dst->chunk[d] != src->chunk[d])
            CARVE_GOTO_ERROR(CARVE_E_COVERAGE, CARVE_E_BADVALUE, -1,
                             "union of chunk sets over different chunk grids");
    for (size_t i = 0; i < src->n; i++)
        if (chunkset_add_index(dst, src->idx[i]) < 0)
            CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

uint64_t
carve_chunkset_index(const carve_chunkset_t *cs, const hsize_t *coords)
{
    uint64_t index = 0;

    for (int d = 0; d < cs->rank; d++) {
        if (coords[d] >= cs->grid[d])
            return UINT64_MAX;
        index = index * cs->grid[d] + coords[d];
    }
    return index;
}

void
carve_chunkset_index_coords(const carve_chunkset_t *cs, uint64_t index, hsize_t *coords)
{
    for (int d = cs->rank - 1; d >= 0; d--) {
        coords[d] = index % cs->grid[d];
        index /= cs->grid[d];
    }
}

int
carve_chunkset_contains(carve_chunkset_t *cs, const hsize_t *coords)
{
    return carve_chunkset_find(cs, coords) != SIZE_MAX;
}

size_t
carve_chunkset_find(carve_chunkset_t *cs, const hsize_t *coords)
{
    uint64_t        index = carve_chunkset_index(cs, coords);
    const uint64_t *found;

    if (index == UINT64_MAX)
        return SIZE_MAX;
    carve_chunkset_finish(cs);
    if (cs->n == 0 || (found = bsearch(&index, cs->idx, cs->n, sizeof *cs->idx, chunk_index_compare)) == NULL)
        return SIZE_MAX;
    return (size_t)(found - cs->idx);
}

void
carve_chunkset_coords(const carve_chunkset_t *cs, size_t i, hsize_t *coords)
{
    carve_chunkset_index_coords(cs, cs->idx[i], coords);
}

void
carve_coords_format(char *text, size_t size, int rank, const hsize_t *coords)
{
    size_t used = 0;

    if (size == 0)
        return;
    text[0] = '\0';
    for (int d = 0; d < rank && used < size; d++)
        used += (size_t)snprintf(text + used, size - used, "%s%llu", d ? ", " : "[",
                                 (unsigned long long)coords[d]);
    if (used < size)
        snprintf(text + used, size - used, rank > 0 ? "]" : "[]");
}
