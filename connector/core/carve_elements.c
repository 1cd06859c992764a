/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_elements.c — the selected elements of a contiguous dataset of a URL origin, fetched by carve's
 * own validated range requests and written into the container in the file type (see carve_elements.h).
 *
 * A selection is cut into boxes (its records' blocks, halved until a box fits a batch), a box into runs of
 * consecutive bytes in the file (the innermost dimensions it covers whole are one run with the next one
 * out), and the runs of a batch of boxes go to carve_origin_fetch together, which reads neighbours with one
 * request. A box is stored only when every one of its runs came back validated: then its bytes, in the
 * box's row-major order, are written with the file type as memory type, so nothing is converted and the
 * container holds the origin's bytes.
 */
#include "carve_elements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_error.h"
#include "carve_origin.h"
#include "carve_origin_vfd.h"
#include "carve_skeleton.h"

/* What one batch of fetches holds at most: bytes in memory (as the commit's batches of chunks; each batch
 * is one libcurl session), and ranges (each carries a 160-byte reason). */
#define ELEMENTS_BATCH_BYTES  ((size_t)64 * 1024 * 1024)
#define ELEMENTS_BATCH_RANGES ((size_t)4096)
/* Boxes named on stderr per dataset when their bytes could not be validated; the rest are counted. */
#define ELEMENTS_MESSAGES_MAX 8

typedef struct elements_box_t {
    hsize_t     start[H5S_MAX_RANK];
    hsize_t     extent[H5S_MAX_RANK];
    size_t      at;  /* its bytes in the batch's buffer */
    const char *why; /* NULL: every run validated */
} elements_box_t;

typedef struct elements_batch_t {
    const carve_elements_source_t *src;
    hsize_t                        step[H5S_MAX_RANK]; /* elements between neighbours in each dimension */
    hsize_t                        ones[H5S_MAX_RANK]; /* a box is one block: count 1 */
    carve_origin_range_t          *ranges;
    size_t                         nranges;
    elements_box_t                *boxes; /* at most one per range */
    size_t                         nboxes;
    unsigned char                 *buf;
    size_t                         used, capacity;
    hid_t                          fspace;
    carve_selection_t              ok;     /* the boxes written */
    size_t                         failed; /* boxes not written */
} elements_batch_t;

int
carve_elements_fetchable(hid_t ods, hid_t dcpl, hid_t type, haddr_t *address)
{
    H5D_space_status_t status = H5D_SPACE_STATUS_ERROR;
    haddr_t            addr   = HADDR_UNDEF;
    int                external, rewrite;
    int                ret_value = 0;

    *address = HADDR_UNDEF;
    if (H5Pget_layout(dcpl) != H5D_CONTIGUOUS)
        CARVE_GOTO_DONE(0);
    if ((external = H5Pget_external_count(dcpl)) < 0 ||
        (rewrite = carve_skeleton_type_needs_rewrite(type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                         "cannot tell whether a dataset's elements can be read as byte ranges");
    if (external > 0 || rewrite)
        CARVE_GOTO_DONE(0);
    /* Unallocated storage holds no bytes (reads give the fill value); H5Dget_offset would not say so with
     * a user block (it adds the base address to an undefined one). A connector below that does not answer
     * these native queries keeps the dataset on the general path. */
    CARVE_TRY_IGNORED(H5Dget_space_status(ods, &status));
    if (status != H5D_SPACE_STATUS_ALLOCATED)
        CARVE_GOTO_DONE(0);
    CARVE_TRY_IGNORED(addr = H5Dget_offset(ods));
    if (addr == HADDR_UNDEF)
        CARVE_GOTO_DONE(0);
    *address  = addr;
    ret_value = 1;

done:
    return ret_value;
}

/* Runs of consecutive file bytes in a box: *nruns of *run_elems elements each; runs step over dimensions
 * [0, returned value). */
static int
elements_runs(const carve_elements_source_t *src, const hsize_t *extent, hsize_t *run_elems, hsize_t *nruns)
{
    int     d   = src->rank - 1;
    hsize_t len = 1, n = 1;

    if (src->rank == 0) {
        *run_elems = *nruns = 1;
        return 0;
    }
    len = extent[d];
    while (d > 0 && extent[d] == src->dims[d]) {
        d--;
        len *= extent[d];
    }
    for (int e = 0; e < d; e++)
        n *= extent[e];
    *run_elems = len;
    *nruns     = n;
    return d;
}

/* Says why a box was not stored (the first ELEMENTS_MESSAGES_MAX of a dataset; the rest are counted). */
static void
elements_report(elements_batch_t *b, const elements_box_t *box)
{
    const carve_elements_source_t *src = b->src;
    hsize_t                        last[H5S_MAX_RANK];
    char                           first_at[128], last_at[128];

    if (b->failed++ >= ELEMENTS_MESSAGES_MAX)
        return;
    if (src->rank == 0) {
        fprintf(stderr, "carve: %s: the value of %s is not stored (%s); a replay reads it from the origin\n",
                src->container_path, src->path, box->why);
        return;
    }
    for (int d = 0; d < src->rank; d++)
        last[d] = box->start[d] + box->extent[d] - 1;
    carve_coords_format(first_at, sizeof first_at, src->rank, box->start);
    carve_coords_format(last_at, sizeof last_at, src->rank, last);
    fprintf(stderr,
            "carve: %s: elements %s to %s of %s are not stored (%s); a replay reads them from the origin\n",
            src->container_path, first_at, last_at, src->path, box->why);
}

/* Fetches the batch's ranges and writes the boxes all of whose runs were validated. */
static herr_t
elements_flush(elements_batch_t *b)
{
    const carve_elements_source_t *src       = b->src;
    hid_t                          mem       = H5I_INVALID_HID;
    herr_t                         ret_value = 0;

    if (b->nranges == 0)
        return 0;
    if (carve_origin_fetch_seen(src->seen, src->url, src->fapl, b->ranges, b->nranges, src->requests) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < b->nranges; i++) {
        elements_box_t *box = b->ranges[i].udata;

        if (!b->ranges[i].ok && box->why == NULL)
            box->why = b->ranges[i].why;
    }
    for (size_t k = 0; k < b->nboxes; k++) {
        elements_box_t *box = &b->boxes[k];

        if (box->why) {
            elements_report(b, box);
            continue;
        }
        if ((mem = src->rank ? H5Screate_simple(src->rank, box->extent, NULL) : H5Screate(H5S_SCALAR)) < 0 ||
            (src->rank &&
             H5Sselect_hyperslab(b->fspace, H5S_SELECT_SET, box->start, NULL, box->extent, NULL) < 0))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot select elements to store",
                             src->path);
        if (H5Dwrite(src->cds, src->type, mem, src->rank ? b->fspace : H5S_ALL, H5P_DEFAULT,
                     b->buf + box->at) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                             "container %s: cannot write elements of %s", src->container_path, src->path);
        H5Sclose(mem);
        mem = H5I_INVALID_HID;
        if (src->rank && carve_selection_add(&b->ok, box->start, NULL, b->ones, box->extent) < 0)
            CARVE_GOTO_DONE(-1);
    }
    b->nranges = b->nboxes = b->used = 0;

done:
    CARVE_CLEANUP_BEGIN
    if (mem >= 0)
        H5Sclose(mem);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Adds a box to the batch (flushing it first when the box does not fit), halving boxes too large for one. */
static herr_t
elements_add_box(elements_batch_t *b, const hsize_t *start, const hsize_t *extent)
{
    const carve_elements_source_t *src     = b->src;
    hsize_t                        npoints = 1, run_elems, nruns, c[H5S_MAX_RANK];
    size_t                         bytes;
    elements_box_t                *box;
    int                            outer;
    herr_t                         ret_value = 0;

    for (int d = 0; d < src->rank; d++)
        npoints *= extent[d];
    outer = elements_runs(src, extent, &run_elems, &nruns);
    if (npoints > 1 && (npoints * src->elem > ELEMENTS_BATCH_BYTES || nruns > ELEMENTS_BATCH_RANGES)) {
        hsize_t s[H5S_MAX_RANK], x[H5S_MAX_RANK];
        int     d = 0;

        while (extent[d] == 1)
            d++;
        memcpy(s, start, (size_t)src->rank * sizeof *s);
        memcpy(x, extent, (size_t)src->rank * sizeof *x);
        x[d] = extent[d] / 2;
        if (elements_add_box(b, s, x) < 0)
            CARVE_GOTO_DONE(-1);
        s[d] += x[d];
        x[d] = extent[d] - x[d];
        CARVE_GOTO_DONE(elements_add_box(b, s, x));
    }
    bytes = (size_t)(npoints * src->elem);
    if ((b->used + bytes > ELEMENTS_BATCH_BYTES || b->nranges + nruns > ELEMENTS_BATCH_RANGES) &&
        elements_flush(b) < 0)
        CARVE_GOTO_DONE(-1);
    if (b->used + bytes > b->capacity) {
        /* The buffer grows with what is asked for (a small selection takes little memory); the ranges
         * already in the batch point into it, so they move with it. */
        size_t         want = b->capacity ? b->capacity : 64 * 1024;
        unsigned char *grown;

        while (want < b->used + bytes)
            want *= 2;
        if (NULL == (grown = realloc(b->buf, want)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for %zu bytes of elements",
                             want);
        for (size_t i = 0; i < b->nranges; i++)
            b->ranges[i].buf = grown + ((unsigned char *)b->ranges[i].buf - b->buf);
        b->buf      = grown;
        b->capacity = want;
    }
    box = &b->boxes[b->nboxes++];
    memcpy(box->start, start, (size_t)src->rank * sizeof *start);
    memcpy(box->extent, extent, (size_t)src->rank * sizeof *extent);
    box->at  = b->used;
    box->why = NULL;
    /* The runs in the box's row-major order: an odometer over dimensions [0, outer). */
    memcpy(c, start, (size_t)src->rank * sizeof *c);
    for (hsize_t r = 0; r < nruns; r++) {
        carve_origin_range_t *range = &b->ranges[b->nranges++];
        hsize_t               index = 0;

        for (int d = 0; d < src->rank; d++)
            index += c[d] * b->step[d];
        range->offset = src->address + index * src->elem;
        range->size   = (size_t)(run_elems * src->elem);
        range->buf    = b->buf + b->used;
        range->udata  = box;
        b->used += range->size;
        for (int d = outer - 1; d >= 0; d--) {
            if (++c[d] < start[d] + extent[d])
                break;
            c[d] = start[d];
        }
    }

done:
    return ret_value;
}

herr_t
carve_elements_fetch(const carve_elements_source_t *src, const carve_selection_t *sel,
                     carve_selection_t *stored)
{
    elements_batch_t b;
    herr_t           ret_value = 0;

    memset(&b, 0, sizeof b);
    b.src    = src;
    b.fspace = H5I_INVALID_HID;
    carve_selection_init(&b.ok, src->rank, src->dims);
    if (carve_selection_is_empty(sel))
        CARVE_GOTO_DONE(0);
    for (int d = src->rank - 1; d >= 0; d--) {
        b.step[d] = d == src->rank - 1 ? 1 : b.step[d + 1] * src->dims[d + 1];
        b.ones[d] = 1;
    }
    if (NULL == (b.ranges = calloc(ELEMENTS_BATCH_RANGES, sizeof *b.ranges)) ||
        NULL == (b.boxes = calloc(ELEMENTS_BATCH_RANGES, sizeof *b.boxes)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory to fetch elements of %s",
                         src->path);
    if ((b.fspace = H5Dget_space(src->cds)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot get its dataspace",
                         src->path);
    if (src->rank == 0) {
        hsize_t none[1] = {0};

        if (elements_add_box(&b, none, none) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else
        for (size_t i = 0; i < sel->nrecords; i++) {
            const hsize_t *start = CARVE_RECORD_START(sel, i), *stride = CARVE_RECORD_STRIDE(sel, i);
            const hsize_t *count = CARVE_RECORD_COUNT(sel, i), *block = CARVE_RECORD_BLOCK(sel, i);
            hsize_t        k[H5S_MAX_RANK] = {0}, s[H5S_MAX_RANK];
            int            d;

            /* Each block of the record is a box. */
            do {
                for (d = 0; d < src->rank; d++)
                    s[d] = start[d] + k[d] * stride[d];
                if (elements_add_box(&b, s, block) < 0)
                    CARVE_GOTO_DONE(-1);
                for (d = src->rank - 1; d >= 0; d--) {
                    if (++k[d] < count[d])
                        break;
                    k[d] = 0;
                }
            } while (d >= 0);
        }
    if (elements_flush(&b) < 0)
        CARVE_GOTO_DONE(-1);
    if (b.failed > ELEMENTS_MESSAGES_MAX)
        fprintf(
            stderr,
            "carve: %s: %zu more element boxes of %s are not stored; a replay reads them from the origin\n",
            src->container_path, b.failed - ELEMENTS_MESSAGES_MAX, src->path);
    /* Claimed: the selection as it was when nothing failed (its records as the program read them). */
    if (carve_selection_union(stored, b.failed ? &b.ok : sel) < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (b.fspace >= 0)
        H5Sclose(b.fspace);
    CARVE_CLEANUP_END
    carve_selection_clear(&b.ok);
    free(b.ranges);
    free(b.boxes);
    free(b.buf);
    return ret_value;
}
