/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_prog.c — carve_bench_prog: the "unchanged program" of carve's carve- and replay-phase benchmarks
 * (examples/bench/bench_carve.c and bench_replay.c run it). A plain HDF5 reader: it knows nothing of
 * carve, links only HDF5 and opens files with a default access list (HDF5's ROS3 driver for a URL), so
 * HDF5_VOL_CONNECTOR decides whether it runs natively or through carve (and carve then writes its
 * container when the process exits, or serves the reads from one).
 *
 *   rows FILE        workload "a" of carve_bench_read: about 10% of /field as 10 blocks of whole rows
 *                    (1% of the rows each, one in the middle of each tenth) — the same selections
 *   misses FILE      another 10%: 10 blocks of as many rows, each in chunk rows (bands of chunk-height
 *                    rows) that "rows" does not touch — after carving "rows", every read is a miss
 *   partial FILE     10 blocks of as many rows, each straddling the end of a band "rows" touches: the
 *                    first half of its rows (rounded down) in that band, the rest in the bands after it
 *                    (untouched when the file is large enough) — after carving "rows", every read is partial
 *   all FILE         100% of /field, read one band of chunk rows at a time (a bounded buffer)
 *   open FILE        H5Fopen + H5Fclose only (the run that carves the skeleton alone)
 *   one FILE DSET    opens FILE and reads dataset DSET (a small one) whole
 *   small FILE [N]   N (100000) reads of 1x16 at random places in /field's hot band (carve_bench_read's b)
 *   points FILE [C [P]]
 *                    C (1000) selections of P (500) random points of the hot band (carve_bench_read's c)
 *   attrs FILE       the attribute walk: every object opened (H5Oopen), every attribute of it opened by
 *                    index and read (an objects file of carve_bench_make)
 *   opens FILE [N]   H5Fopen + H5Fclose, N (1000) times
 *   ocopy FILE OUT   H5Ocopy of every object linked from FILE's root group into a new file OUT (the
 *                    reference the carve commit's metadata skeleton is measured against: HDF5 copying the
 *                    same objects in one process); seconds from H5Fopen of FILE to H5Fclose of OUT
 *   chunks FILE rows|all
 *                    natively (whatever the environment says): the chunks of /field that workload
 *                    touches and the sum of their stored (compressed) sizes, by H5Dget_chunk_info_by_coord
 *
 * FILE may be an http:// or https:// URL: it is opened with H5Pset_fapl_ros3, signed with the
 * credentials in the environment variable BENCH_S3_CRED ("region,id,secret") when that is set,
 * anonymously otherwise.
 *
 * Output: one line "PROG key=value ..." on stdout — workload, connector (the connector serving the file,
 * from H5VLget_connector_name), bytes read, a checksum of the data, the seconds from H5Fopen to H5Fclose;
 * for the /field workloads also held_bytes (the bytes read that lie in bands "rows" touches: what a
 * container carved from "rows" alone holds of the read) and reads (H5Dread calls); for `chunks`: chunks,
 * chunk_bytes, raw_bytes. Exit status 0 on success, 1 on an HDF5 failure (or a file too small for the
 * misses workload), 2 on bad usage.
 *
 * Usage: carve_bench_prog rows|misses|partial|all|open|attrs FILE | one FILE DSET | chunks FILE rows|all
 *                         | small FILE [N] | points FILE [C [P]] | opens FILE [N] | ocopy FILE OUT
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hdf5.h>

#include <H5FDros3.h> /* after hdf5.h: it needs H5pubconf.h */

#include "bench_common.h"
#include "bench_hdf5.h"

#define FIELD_NAME "/field"
#define ROW_BLOCKS 10u /* workload "rows": blocks of 1% of the rows, one per tenth (as bench_read.c) */
/* small and points: as carve_bench_read's b and c */
#define SMALL_COUNT 16u         /* elements per small read (1 x 16) */
#define HOT_CACHE   (32u << 20) /* the chunk cache the hot-band workloads give /field */
#define HOT_SLOTS   12421u      /* a prime well above the chunks that cache can hold */

/* The /field workloads. */
typedef enum prog_workload_t { PROG_ROWS, PROG_MISSES, PROG_PARTIAL, PROG_ALL } prog_workload_t;

/* What a run reports. */
typedef struct prog_result_t {
    uint64_t bytes;
    uint64_t checksum;
    double   seconds;
    char     connector[32];
    int      field;      /* a /field workload: held_bytes and reads are reported */
    uint64_t held_bytes; /* bytes read in bands the "rows" workload touches */
    uint64_t reads;      /* H5Dread calls */
} prog_result_t;

static int
prog_is_url(const char *name)
{
    return !strncmp(name, "http://", 7) || !strncmp(name, "https://", 8);
}

/* The access list: the default one for a file; for a URL, ROS3 with BENCH_S3_CRED's credentials. */
static hid_t
prog_fapl(const char *name)
{
    const char      *cred = getenv("BENCH_S3_CRED");
    H5FD_ros3_fapl_t fa;
    hid_t            fapl;

    if (!prog_is_url(name))
        return H5P_DEFAULT;
    memset(&fa, 0, sizeof fa);
    fa.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
    if (cred && *cred) {
        const char *c1 = strchr(cred, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

        if (!c1 || !c2 || (size_t)(c1 - cred) > H5FD_ROS3_MAX_REGION_LEN ||
            (size_t)(c2 - c1 - 1) > H5FD_ROS3_MAX_SECRET_ID_LEN ||
            strlen(c2 + 1) > H5FD_ROS3_MAX_SECRET_KEY_LEN) {
            fprintf(stderr, "carve_bench_prog: BENCH_S3_CRED must be region,id,secret\n");
            return H5I_INVALID_HID;
        }
        fa.authenticate = 1;
        memcpy(fa.aws_region, cred, (size_t)(c1 - cred));
        memcpy(fa.secret_id, c1 + 1, (size_t)(c2 - c1 - 1));
        strcpy(fa.secret_key, c2 + 1);
    }
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 || H5Pset_fapl_ros3(fapl, &fa) < 0) {
        if (fapl >= 0)
            H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

static hid_t
prog_open(const char *path, prog_result_t *result)
{
    hid_t fapl = prog_fapl(path);
    hid_t file = fapl >= 0 ? H5Fopen(path, H5F_ACC_RDONLY, fapl) : H5I_INVALID_HID;

    if (fapl >= 0 && fapl != H5P_DEFAULT)
        H5Pclose(fapl);
    if (file >= 0 && H5VLget_connector_name(file, result->connector, sizeof result->connector) < 0)
        snprintf(result->connector, sizeof result->connector, "?");
    if (file < 0)
        fprintf(stderr, "carve_bench_prog: cannot open %s\n", path);
    return file;
}

/* /field's geometry. */
typedef struct prog_field_t {
    hid_t   dset, space;
    hsize_t rows, cols, chunk_rows, chunk_cols;
} prog_field_t;

static int
prog_field_open(hid_t file, hid_t dapl, prog_field_t *field)
{
    hsize_t dims[2], chunk[2];
    hid_t   dcpl = H5I_INVALID_HID;
    int     ok;

    field->space = H5I_INVALID_HID;
    if ((field->dset = H5Dopen2(file, FIELD_NAME, dapl)) < 0)
        return -1;
    ok = (field->space = H5Dget_space(field->dset)) >= 0 && H5Sget_simple_extent_ndims(field->space) == 2 &&
         H5Sget_simple_extent_dims(field->space, dims, NULL) >= 0 &&
         (dcpl = H5Dget_create_plist(field->dset)) >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED &&
         H5Pget_chunk(dcpl, 2, chunk) == 2;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (!ok) {
        fprintf(stderr, "carve_bench_prog: %s is not a chunked 2-D dataset\n", FIELD_NAME);
        return -1;
    }
    field->rows       = dims[0];
    field->cols       = dims[1];
    field->chunk_rows = chunk[0];
    field->chunk_cols = chunk[1];
    return 0;
}

static void
prog_field_close(prog_field_t *field)
{
    if (field->space >= 0)
        H5Sclose(field->space);
    if (field->dset >= 0)
        H5Dclose(field->dset);
}

/* The row ranges a workload reads: block k is rows [start[k], start[k] + count). Returns the number of
 * blocks (at most ROW_BLOCKS for "rows", one per band of chunk rows for "all" — then start is NULL and
 * the caller walks the bands itself). */
static unsigned
prog_row_blocks(const prog_field_t *field, hsize_t start[ROW_BLOCKS], hsize_t *count)
{
    hsize_t block_rows = field->rows / 100 ? field->rows / 100 : 1;
    hsize_t tenth      = field->rows / ROW_BLOCKS;
    hsize_t offset     = tenth > block_rows ? (tenth - block_rows) / 2 : 0;

    for (unsigned block = 0; block < ROW_BLOCKS; block++) {
        start[block] = block * tenth + offset;
        if (start[block] + block_rows > field->rows)
            start[block] = field->rows - block_rows;
    }
    *count = block_rows;
    return ROW_BLOCKS;
}

/* The bands of chunk rows (band b: rows [b * chunk_rows, (b + 1) * chunk_rows)) the "rows" workload
 * touches: touched[b] != 0. NULL when out of memory; *nbands receives the number of bands. */
static unsigned char *
prog_rows_bands(const prog_field_t *field, hsize_t *nbands)
{
    hsize_t        starts[ROW_BLOCKS], block_rows;
    unsigned       nblocks = prog_row_blocks(field, starts, &block_rows);
    unsigned char *touched;

    *nbands = (field->rows + field->chunk_rows - 1) / field->chunk_rows;
    if (!(touched = calloc(*nbands ? *nbands : 1, 1)))
        return NULL;
    for (unsigned block = 0; block < nblocks; block++)
        for (hsize_t band = starts[block] / field->chunk_rows;
             band <= (starts[block] + block_rows - 1) / field->chunk_rows; band++)
            touched[band] = 1;
    return touched;
}

/* Whether rows [row0, row0 + nrows) lie in bands none of which is marked in any of the two maps. */
static int
prog_bands_free(const prog_field_t *field, const unsigned char *touched, const unsigned char *used,
                hsize_t row0, hsize_t nrows)
{
    for (hsize_t band = row0 / field->chunk_rows; band <= (row0 + nrows - 1) / field->chunk_rows; band++)
        if (touched[band] || (used && used[band]))
            return 0;
    return 1;
}

/* The row blocks of "misses" and "partial" (as many rows per block as "rows"), given the bands "rows"
 * touches. misses: block k is the first run of rows at or after the start of the k-th tenth whose bands
 * "rows" does not touch and no earlier misses block uses (band-aligned after the tenth's start).
 * partial: block k ends count - count / 2 rows after the end of the last band "rows" block k touches.
 * Returns 0, or -1 when the file has too few untouched bands for "misses". */
static int
prog_other_blocks(const prog_field_t *field, const unsigned char *touched, hsize_t nbands,
                  prog_workload_t workload, hsize_t start[ROW_BLOCKS], hsize_t *count)
{
    hsize_t        rows_starts[ROW_BLOCKS], block_rows, tenth = field->rows / ROW_BLOCKS;
    unsigned       nblocks = prog_row_blocks(field, rows_starts, &block_rows);
    unsigned char *used    = calloc(nbands ? nbands : 1, 1);
    int            status  = 0;

    if (!used)
        return -1;
    *count = block_rows;
    for (unsigned block = 0; block < nblocks && status == 0; block++) {
        if (workload == PROG_PARTIAL) {
            hsize_t end_band = (rows_starts[block] + block_rows - 1) / field->chunk_rows + 1;
            hsize_t s        = end_band * field->chunk_rows;

            s            = s >= block_rows / 2 ? s - block_rows / 2 : 0;
            start[block] = s + block_rows <= field->rows ? s : field->rows - block_rows;
            continue;
        }
        /* misses: the tenth's start, then every band start after it. */
        hsize_t s     = block * tenth;
        int     found = 0;

        while (s + block_rows <= field->rows) {
            if (prog_bands_free(field, touched, used, s, block_rows)) {
                found = 1;
                break;
            }
            s = (s / field->chunk_rows + 1) * field->chunk_rows;
        }
        if (!found) {
            fprintf(stderr,
                    "carve_bench_prog: %s has too few chunk rows that workload rows does not touch for "
                    "%u blocks of %llu rows (a larger file is needed)\n",
                    FIELD_NAME, ROW_BLOCKS, (unsigned long long)block_rows);
            status = -1;
            break;
        }
        start[block] = s;
        for (hsize_t band = s / field->chunk_rows; band <= (s + block_rows - 1) / field->chunk_rows; band++)
            used[band] = 1;
    }
    free(used);
    return status;
}

/* Reads rows [row0, row0 + nrows) whole into buffer and folds them into the result (touched: the bands
 * "rows" touches, for held_bytes). */
static int
prog_read_rows(prog_field_t *field, const unsigned char *touched, hsize_t row0, hsize_t nrows, double *buffer,
               prog_result_t *result)
{
    hsize_t start[2] = {row0, 0}, count[2] = {nrows, field->cols};
    hid_t   mspace = H5Screate_simple(2, count, NULL);
    int     ok     = mspace >= 0 &&
             H5Sselect_hyperslab(field->space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dread(field->dset, H5T_NATIVE_DOUBLE, mspace, field->space, H5P_DEFAULT, buffer) >= 0;

    if (mspace >= 0)
        H5Sclose(mspace);
    if (!ok)
        return -1;
    result->checksum = bench_digest(result->checksum, buffer, nrows * field->cols * sizeof *buffer);
    result->bytes += nrows * field->cols * sizeof *buffer;
    result->reads++;
    for (hsize_t row = row0; row < row0 + nrows; row++)
        if (touched[row / field->chunk_rows])
            result->held_bytes += field->cols * sizeof *buffer;
    return 0;
}

/* rows / misses / partial / all: row blocks of /field, or every row band by band. */
static int
prog_read_field(const char *path, prog_workload_t workload, prog_result_t *result)
{
    prog_field_t   field = {.dset = H5I_INVALID_HID, .space = H5I_INVALID_HID};
    hsize_t        starts[ROW_BLOCKS], block_rows, nbands = 0;
    unsigned char *touched = NULL;
    double        *buffer  = NULL;
    hid_t          file;
    int            status  = -1;
    double         started = bench_now();

    result->field = 1;
    if ((file = prog_open(path, result)) < 0)
        return -1;
    if (prog_field_open(file, H5P_DEFAULT, &field) < 0 || !(touched = prog_rows_bands(&field, &nbands)))
        goto done;
    if (workload == PROG_ALL) {
        if (!(buffer = malloc(field.chunk_rows * field.cols * sizeof *buffer)))
            goto done;
        for (hsize_t row0 = 0; row0 < field.rows; row0 += field.chunk_rows) {
            hsize_t nrows = field.rows - row0 < field.chunk_rows ? field.rows - row0 : field.chunk_rows;

            if (prog_read_rows(&field, touched, row0, nrows, buffer, result) < 0)
                goto done;
        }
    }
    else {
        unsigned nblocks = prog_row_blocks(&field, starts, &block_rows);

        if (workload != PROG_ROWS &&
            prog_other_blocks(&field, touched, nbands, workload, starts, &block_rows) < 0)
            goto done;
        if (!(buffer = malloc(block_rows * field.cols * sizeof *buffer)))
            goto done;
        for (unsigned block = 0; block < nblocks; block++)
            if (prog_read_rows(&field, touched, starts[block], block_rows, buffer, result) < 0)
                goto done;
    }
    status = 0;

done:
    prog_field_close(&field);
    if (H5Fclose(file) < 0)
        status = -1;
    result->seconds = bench_now() - started;
    free(buffer);
    free(touched);
    if (status < 0)
        fprintf(stderr, "carve_bench_prog: reading %s of %s failed\n", FIELD_NAME, path);
    return status;
}

/* open: the file opened and closed, nothing read. */
static int
prog_open_only(const char *path, prog_result_t *result)
{
    double started = bench_now();
    hid_t  file    = prog_open(path, result);
    int    status  = file >= 0 && H5Fclose(file) >= 0 ? 0 : -1;

    result->seconds = bench_now() - started;
    return status;
}

/* ocopy: one H5Ocopy per hard link of the root group (soft and external links are not objects). */
static herr_t
prog_ocopy_link(hid_t root, const char *name, const H5L_info2_t *info, void *op_data)
{
    hid_t out_root = *(hid_t *)op_data;

    if (info->type != H5L_TYPE_HARD)
        return 0;
    if (H5Ocopy(root, name, out_root, name, H5P_DEFAULT, H5P_DEFAULT) < 0) {
        fprintf(stderr, "carve_bench_prog: H5Ocopy of /%s failed\n", name);
        return -1;
    }
    return 0;
}

static int
prog_ocopy(const char *path, const char *out_path, prog_result_t *result)
{
    double started = bench_now();
    hid_t  file    = prog_open(path, result);
    hid_t  out  = file >= 0 ? H5Fcreate(out_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t  root = file >= 0 ? H5Gopen2(file, "/", H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t  out_root = out >= 0 ? H5Gopen2(out, "/", H5P_DEFAULT) : H5I_INVALID_HID;
    int    status   = -1;

    if (root >= 0 && out_root >= 0 &&
        H5Literate2(root, H5_INDEX_NAME, H5_ITER_INC, NULL, prog_ocopy_link, &out_root) >= 0)
        status = 0;
    else if (file >= 0)
        fprintf(stderr, "carve_bench_prog: copying the objects of %s into %s failed\n", path, out_path);
    if (out_root >= 0)
        H5Gclose(out_root);
    if (root >= 0)
        H5Gclose(root);
    if (out >= 0 && H5Fclose(out) < 0)
        status = -1;
    if (file >= 0 && H5Fclose(file) < 0)
        status = -1;
    result->seconds = bench_now() - started;
    return status;
}

/* one: a dataset read whole, in its file type (no conversion). */
static int
prog_read_one(const char *path, const char *name, prog_result_t *result)
{
    double         started = bench_now();
    hid_t          file    = prog_open(path, result);
    hid_t          dset    = file >= 0 ? H5Dopen2(file, name, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t          type    = dset >= 0 ? H5Dget_type(dset) : H5I_INVALID_HID;
    hid_t          space   = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
    hssize_t       points  = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    size_t         size    = type >= 0 && points >= 0 ? H5Tget_size(type) * (size_t)points : 0;
    unsigned char *buffer  = size ? malloc(size) : NULL;
    int            status  = -1;

    if (buffer && H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer) >= 0) {
        result->checksum = bench_digest(result->checksum, buffer, size);
        result->bytes    = size;
        status           = 0;
    }
    else if (file >= 0)
        fprintf(stderr, "carve_bench_prog: reading %s of %s failed\n", name, path);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (dset >= 0)
        H5Dclose(dset);
    if (file >= 0 && H5Fclose(file) < 0)
        status = -1;
    result->seconds = bench_now() - started;
    free(buffer);
    return status;
}

/* chunks: the chunks of /field a workload touches, and their stored sizes, from the origin (natively). */
static int
prog_touched_chunks(const char *path, int everything)
{
    prog_field_t field = {.dset = H5I_INVALID_HID, .space = H5I_INVALID_HID};
    hsize_t      starts[ROW_BLOCKS], block_rows = 0;
    hid_t        fapl = H5Pcreate(H5P_FILE_ACCESS), file = H5I_INVALID_HID;
    unsigned     nblocks;
    uint64_t     chunks = 0, chunk_bytes = 0, raw_bytes = 0;
    hsize_t      last_chunk_row = (hsize_t)-1;
    int          status         = -1;

    if (fapl < 0 || H5Pset_vol(fapl, H5VL_NATIVE, NULL) < 0 ||
        (file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0 || prog_field_open(file, H5P_DEFAULT, &field) < 0)
        goto done;
    if (everything) {
        starts[0]  = 0;
        block_rows = field.rows;
        nblocks    = 1;
    }
    else
        nblocks = prog_row_blocks(&field, starts, &block_rows);
    for (unsigned block = 0; block < nblocks; block++) {
        hsize_t first = starts[block] / field.chunk_rows,
                last  = (starts[block] + block_rows - 1) / field.chunk_rows;

        for (hsize_t chunk_row = first; chunk_row <= last; chunk_row++) {
            if (last_chunk_row != (hsize_t)-1 && chunk_row <= last_chunk_row)
                continue; /* blocks are in increasing order: a chunk row shared by two counts once */
            last_chunk_row = chunk_row;
            for (hsize_t col = 0; col < field.cols; col += field.chunk_cols) {
                hsize_t  offset[2] = {chunk_row * field.chunk_rows, col};
                unsigned filter_mask;
                haddr_t  address;
                hsize_t  size;

                if (H5Dget_chunk_info_by_coord(field.dset, offset, &filter_mask, &address, &size) < 0)
                    goto done;
                if (address == HADDR_UNDEF)
                    continue; /* never written: nothing to carve */
                chunks++;
                chunk_bytes += size;
                raw_bytes += field.chunk_rows * field.chunk_cols * sizeof(double);
            }
        }
    }
    printf("PROG workload=chunks-%s connector=native chunks=%" PRIu64 " chunk_bytes=%" PRIu64
           " raw_bytes=%" PRIu64 "\n",
           everything ? "all" : "rows", chunks, chunk_bytes, raw_bytes);
    status = 0;

done:
    if (status < 0)
        fprintf(stderr, "carve_bench_prog: cannot list the chunks of %s in %s\n", FIELD_NAME, path);
    prog_field_close(&field);
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0)
        H5Pclose(fapl);
    return status;
}

/* small / points: `calls` reads at random places in /field's hot band (carve_bench_read's b and c, the same
 * positions and the same chunk cache) — 1 x SMALL_COUNT hyperslabs when `points` is 0, else `points` random
 * points per call. Per-call overhead is what they measure. */
static int
prog_hot_band(const char *path, unsigned long calls, unsigned long points, uint64_t state,
              prog_result_t *result)
{
    const unsigned long per_call = points ? points : SMALL_COUNT;
    prog_field_t        field    = {.dset = H5I_INVALID_HID, .space = H5I_INVALID_HID};
    hsize_t             count[2] = {1, SMALL_COUNT}, mdims = per_call;
    hsize_t            *coords = points ? malloc(points * 2 * sizeof *coords) : NULL;
    double             *values = malloc(per_call * sizeof *values);
    uint64_t            band_row0, band_rows;
    double              started = bench_now();
    hid_t               file    = prog_open(path, result);
    hid_t               dapl = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
    int                 status = -1;

    if (file < 0 || (points && !coords) || !values)
        goto done;
    if ((dapl = H5Pcreate(H5P_DATASET_ACCESS)) < 0 ||
        H5Pset_chunk_cache(dapl, HOT_SLOTS, HOT_CACHE, H5D_CHUNK_CACHE_W0_DEFAULT) < 0 ||
        prog_field_open(file, dapl, &field) < 0 || field.cols < SMALL_COUNT)
        goto done;
    bench_hot_band(field.rows, field.cols, field.chunk_rows, field.chunk_cols, HOT_CACHE, &band_row0,
                   &band_rows);
    if ((mspace = points ? H5Screate_simple(1, &mdims, NULL) : H5Screate_simple(2, count, NULL)) < 0)
        goto done;
    for (unsigned long call = 0; call < calls; call++) {
        herr_t selected;

        if (points) {
            for (unsigned long p = 0; p < points; p++) {
                coords[2 * p]     = band_row0 + bench_random_below(&state, band_rows);
                coords[2 * p + 1] = bench_random_below(&state, field.cols);
            }
            selected = H5Sselect_elements(field.space, H5S_SELECT_SET, points, coords);
        }
        else {
            hsize_t start[2] = {band_row0 + bench_random_below(&state, band_rows),
                                bench_random_below(&state, field.cols - SMALL_COUNT + 1)};

            selected = H5Sselect_hyperslab(field.space, H5S_SELECT_SET, start, NULL, count, NULL);
        }
        if (selected < 0 ||
            H5Dread(field.dset, H5T_NATIVE_DOUBLE, mspace, field.space, H5P_DEFAULT, values) < 0)
            goto done;
        result->checksum = bench_digest(result->checksum, values, per_call * sizeof *values);
        result->bytes += per_call * sizeof *values;
        result->reads++;
    }
    status = 0;

done:
    if (status < 0)
        fprintf(stderr, "carve_bench_prog: the %s reads of %s failed\n", points ? "point" : "small", path);
    if (mspace >= 0)
        H5Sclose(mspace);
    if (dapl >= 0)
        H5Pclose(dapl);
    prog_field_close(&field);
    if (file >= 0 && H5Fclose(file) < 0)
        status = -1;
    result->seconds = bench_now() - started;
    result->field   = 1;
    free(values);
    free(coords);
    return status;
}

/* attrs: the attribute walk. Every object the file holds (H5Ovisit3 gives the names) is opened by name
 * with H5Oopen, each of its attributes opened by index, read whole in its file type and closed, then the
 * object closed: a metadata-heavy program (one H5Oopen and a few calls per attribute). */
typedef struct prog_attr_walk_t {
    prog_result_t *result;
    unsigned char *buffer;
    size_t         buffer_size;
    uint64_t       objects, attributes;
} prog_attr_walk_t;

static int
prog_attr_read(hid_t obj, hsize_t index, prog_attr_walk_t *walk)
{
    hid_t       attr = H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, index, H5P_DEFAULT, H5P_DEFAULT);
    size_t      size = 0;
    const char *what;
    int         status = -1;

    if (attr >= 0 && bench_attr_read_whole(attr, &walk->buffer, &walk->buffer_size, &size, &what) >= 0) {
        walk->result->checksum = bench_digest(walk->result->checksum, walk->buffer, size);
        walk->result->bytes += size;
        walk->attributes++;
        status = 0;
    }
    if (attr >= 0)
        H5Aclose(attr);
    return status;
}

static herr_t
prog_attr_object(hid_t root, const char *name, const H5O_info2_t *info, void *data)
{
    prog_attr_walk_t *walk = data;
    hid_t             obj  = H5Oopen(root, name, H5P_DEFAULT);
    herr_t            ret  = obj >= 0 ? 0 : -1;

    (void)info;
    walk->result->checksum = bench_digest(walk->result->checksum, name, strlen(name));
    for (hsize_t i = 0; ret == 0 && i < info->num_attrs; i++)
        if (prog_attr_read(obj, i, walk) < 0)
            ret = -1;
    if (obj >= 0 && H5Oclose(obj) < 0)
        ret = -1;
    walk->objects++;
    return ret;
}

static int
prog_attr_walk(const char *path, prog_result_t *result)
{
    prog_attr_walk_t walk    = {.result = result};
    double           started = bench_now();
    hid_t            file    = prog_open(path, result);
    int              status  = -1;

    if (file >= 0 && H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_INC, prog_attr_object, &walk,
                               H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS) >= 0)
        status = 0;
    if (file >= 0 && H5Fclose(file) < 0)
        status = -1;
    result->seconds = bench_now() - started;
    if (status < 0)
        fprintf(stderr, "carve_bench_prog: the attribute walk of %s failed\n", path);
    else
        fprintf(stderr, "carve_bench_prog: %" PRIu64 " objects, %" PRIu64 " attributes\n", walk.objects,
                walk.attributes);
    free(walk.buffer);
    return status;
}

/* opens: the file opened and closed `count` times. */
static int
prog_opens(const char *path, unsigned long count, prog_result_t *result)
{
    double started = bench_now();
    int    status  = 0;

    for (unsigned long i = 0; i < count && status == 0; i++) {
        hid_t file = prog_open(path, result);

        if (file < 0 || H5Fclose(file) < 0)
            status = -1;
    }
    result->seconds = bench_now() - started;
    return status;
}

static void
prog_usage(FILE *out)
{
    fprintf(
        out,
        "usage: carve_bench_prog rows|misses|partial|all|open|attrs FILE | one FILE DSET | chunks "
        "FILE rows|all\n"
        "                        | small FILE [N] | points FILE [C [P]] | opens FILE [N] | ocopy FILE OUT\n");
}

int
main(int argc, char **argv)
{
    static const struct {
        const char     *name;
        prog_workload_t workload;
    } field_workloads[] = {
        {"rows", PROG_ROWS}, {"misses", PROG_MISSES}, {"partial", PROG_PARTIAL}, {"all", PROG_ALL}};
    prog_result_t result = {0};
    const char   *what   = argc > 1 ? argv[1] : "";
    int           status = 2;

    for (size_t i = 0; i < sizeof field_workloads / sizeof field_workloads[0]; i++)
        if (argc == 3 && !strcmp(what, field_workloads[i].name))
            status = prog_read_field(argv[2], field_workloads[i].workload, &result);
    if (status != 2)
        ;
    else if (argc == 3 && !strcmp(what, "open"))
        status = prog_open_only(argv[2], &result);
    else if (argc == 3 && !strcmp(what, "attrs"))
        status = prog_attr_walk(argv[2], &result);
    else if (argc >= 3 && argc <= 5 &&
             (!strcmp(what, "small") || !strcmp(what, "points") || !strcmp(what, "opens"))) {
        unsigned long n = !strcmp(what, "small") ? 100000 : 1000, points = 500;

        if ((argc > 3 && bench_parse_count("carve_bench_prog", what, argv[3], 1, 100000000ul, &n) < 0) ||
            (argc > 4 && (strcmp(what, "points") ||
                          bench_parse_count("carve_bench_prog", what, argv[4], 1, 1000000ul, &points) < 0))) {
            prog_usage(stderr);
            return 2;
        }
        if (!strcmp(what, "opens"))
            status = prog_opens(argv[2], n, &result);
        else
            status = prog_hot_band(argv[2], n, !strcmp(what, "points") ? points : 0,
                                   !strcmp(what, "points") ? 0x5eed0002u : 0x5eed0001u, &result);
    }
    else if (argc == 4 && !strcmp(what, "ocopy"))
        status = prog_ocopy(argv[2], argv[3], &result);
    else if (argc == 4 && !strcmp(what, "one"))
        status = prog_read_one(argv[2], argv[3], &result);
    else if (argc == 4 && !strcmp(what, "chunks") && (!strcmp(argv[3], "rows") || !strcmp(argv[3], "all")))
        return prog_touched_chunks(argv[2], !strcmp(argv[3], "all")) < 0 ? 1 : 0;
    else {
        prog_usage(stderr);
        return 2;
    }
    if (status < 0)
        return 1;
    printf("PROG workload=%s connector=%s bytes=%" PRIu64 " checksum=%016" PRIx64 " seconds=%.6f", what,
           result.connector, result.bytes, result.checksum, result.seconds);
    if (result.field)
        printf(" held_bytes=%" PRIu64 " reads=%" PRIu64, result.held_bytes, result.reads);
    printf("\n");
    return 0;
}
