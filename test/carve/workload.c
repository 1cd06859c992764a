/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * workload.c — carve_workload: an ordinary HDF5 reader (it knows nothing of carve) that performs one
 * named workload on the zoo (test/common/make_zoo.c), logs every file selection it read, and prints a
 * checksum of the values it read. Run natively and under HDF5_VOL_CONNECTOR="carve mode=carve", it gives
 * the carve-phase tests (run_carve.sh, carve_verify) their reads and their expected coverage.
 *
 * Usage: carve_workload <file-or-URL> <workload> <expected-out.txt> [options]
 *   The file is opened read-only with a fresh default access list, so HDF5_VOL_CONNECTOR decides the
 *   connector. A URL (http:// or https://) is opened with HDF5's ROS3 driver (H5Pset_fapl_ros3).
 *   Options:
 *     --cred region,id,secret   ROS3 credentials (default: the environment's CARVE_TEST_S3_CRED, if set;
 *                               otherwise anonymous)
 *     --token T                 ROS3 session token (H5Pset_fapl_ros3_token)
 *     --write <path>            also create <path> and write a dataset to it (a file carve must skip)
 *     --modify <path>           also open the existing <path> read-write and write an attribute to it
 *     --leave-open              return from main with the file and its objects still open (no H5Fclose)
 *     --h5close                 call H5close() after H5Fclose (HDF5 shuts down before main returns)
 *
 * Workloads (each reads a part of the zoo, never all of it):
 *   rows strided points union none all convert compound_subset vlen refs multi attrs edge szip
 *   fletcher32 shuffle vds compact types links iterate scatter
 *   band  (not on the zoo: a block of /field of carve_bench_make's file, chosen by CARVE_TEST_BAND; the
 *          crash test's reader, see workload_band)
 * (`carve_workload --list` prints them, one per line.)
 *
 * The expected-out file (written completely before the file is closed), one record per line:
 *   dataset <path>                 one read (H5Dread, or one dataset of an H5Dread_multi) of the dataset at
 *                                  <path> as the program named it; the lines below it, up to the next
 *                                  record that is not a selection, are that read's file selection:
 *     all                          the whole extent (H5S_ALL or an "all" selection)
 *     none                         nothing (an empty selection)
 *     slab <start> <stride> <count> <block>   one hyperslab record; each field is comma-separated per
 *                                  dimension ("-" for a scalar)
 *     point <coords>               one element, comma-separated coordinates
 *   attribute <object> <name>      one attribute read (H5Aread)
 *   checksum <16 hex digits>       FNV-1a 64 of the values read (vlen data by content, references by the
 *                                  names and regions they point at), the last line
 * Paths and names are written with every byte <= 0x20, 0x7f and '%' as %XX; lines starting with '#'
 * are comments. Only reads of datasets in the file itself are records; a read through an external link
 * is a comment.
 *
 * Prints "carve_workload: connector <name>" (the connector serving the file) and
 * "carve_workload: <workload> checksum <hex>". Exit status: 0 success; 1 a read or another HDF5 call
 * failed (HDF5's error stack is printed); 2 usage; 3 everything was read and logged but a close failed
 * (H5Oclose, H5Aclose, H5Fclose or H5close; the error stack is printed). carve commits when HDF5 shuts
 * down, so a failed commit may instead be reported on stderr after main returns, with exit status 0.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

/* ---------------------------------------------------------------------------------------------- */
/* State of one run                                                                                */

typedef struct workload_run_t {
    hid_t    file;
    FILE    *log;
    uint64_t checksum;
    int      failed;       /* an HDF5 call failed */
    int      close_failed; /* an H5Oclose/H5Fclose failed (carve reports a failed commit there) */
    int      leave_open;   /* --leave-open: objects opened are never closed */
    int      h5close;      /* --h5close: H5close() before main returns */
} workload_run_t;

static workload_run_t run_g = {H5I_INVALID_HID, NULL, 0xcbf29ce484222325ull, 0, 0, 0, 0};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports a failed step with HDF5's error stack and remembers the failure. */
static void
fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "carve_workload: FAILED: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    H5Eprint2(H5E_DEFAULT, stderr);
    run_g.failed = 1;
}

static void
hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        run_g.checksum ^= p[i];
        run_g.checksum *= 0x100000001b3ull;
    }
}

static void
hash_u64(uint64_t v)
{
    hash_bytes(&v, sizeof v);
}

static void
hash_string(const char *s)
{
    if (!s) {
        hash_u64(UINT64_MAX);
        return;
    }
    hash_u64(strlen(s));
    hash_bytes(s, strlen(s));
}

/* Closes an HDF5 object unless --leave-open; a failure is reported (with the stack) and remembered. */
static void
close_object(hid_t id)
{
    if (id < 0 || run_g.leave_open)
        return;
    if (H5Oclose(id) < 0) {
        fprintf(stderr, "carve_workload: closing an object failed:\n");
        H5Eprint2(H5E_DEFAULT, stderr);
        run_g.close_failed = 1;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* The log                                                                                          */

/* Writes text with bytes <= 0x20, 0x7f and '%' escaped as %XX. */
static void
log_escaped(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f || *p == '%')
            fprintf(run_g.log, "%%%02X", *p);
        else
            fputc(*p, run_g.log);
    }
}

static void
log_list(const hsize_t *v, int rank)
{
    fputc(' ', run_g.log);
    if (rank == 0)
        fputc('-', run_g.log);
    for (int d = 0; d < rank; d++)
        fprintf(run_g.log, "%s%llu", d ? "," : "", (unsigned long long)v[d]);
}

static void
log_dataset(const char *path)
{
    fputs("dataset ", run_g.log);
    log_escaped(path);
    fputc('\n', run_g.log);
}

static void
log_slab(int rank, const hsize_t *start, const hsize_t *stride, const hsize_t *count, const hsize_t *block)
{
    fputs("  slab", run_g.log);
    log_list(start, rank);
    log_list(stride, rank);
    log_list(count, rank);
    log_list(block, rank);
    fputc('\n', run_g.log);
}

/* Logs a file selection exactly as it was passed to H5Dread (H5S_ALL: the whole extent). */
static void
log_selection(hid_t space)
{
    H5S_sel_type type;
    int          rank;

    if (space == H5S_ALL) {
        fputs("  all\n", run_g.log);
        return;
    }
    type = H5Sget_select_type(space);
    rank = H5Sget_simple_extent_ndims(space);
    if (type == H5S_SEL_NONE || (type != H5S_SEL_ALL && H5Sget_select_npoints(space) == 0)) {
        fputs("  none\n", run_g.log);
    }
    else if (type == H5S_SEL_ALL) {
        fputs("  all\n", run_g.log);
    }
    else if (type == H5S_SEL_POINTS) {
        hssize_t n      = H5Sget_select_elem_npoints(space);
        hsize_t *coords = n > 0 ? malloc((size_t)n * (size_t)rank * sizeof *coords) : NULL;

        if (!coords || H5Sget_select_elem_pointlist(space, 0, (hsize_t)n, coords) < 0) {
            fail("cannot list the points of a selection");
            free(coords);
            return;
        }
        for (hssize_t i = 0; i < n; i++) {
            fputs("  point", run_g.log);
            log_list(coords + (size_t)i * (size_t)rank, rank);
            fputc('\n', run_g.log);
        }
        free(coords);
    }
    else if (H5Sis_regular_hyperslab(space) > 0) {
        hsize_t start[H5S_MAX_RANK], stride[H5S_MAX_RANK], count[H5S_MAX_RANK], block[H5S_MAX_RANK];

        if (H5Sget_regular_hyperslab(space, start, stride, count, block) < 0) {
            fail("cannot read a regular hyperslab");
            return;
        }
        log_slab(rank, start, stride, count, block);
    }
    else {
        hssize_t n       = H5Sget_select_hyper_nblocks(space);
        hsize_t *corners = n > 0 ? malloc((size_t)n * 2 * (size_t)rank * sizeof *corners) : NULL;
        hsize_t  ones[H5S_MAX_RANK], extent[H5S_MAX_RANK];

        if (!corners || H5Sget_select_hyper_blocklist(space, 0, (hsize_t)n, corners) < 0) {
            fail("cannot list the blocks of a selection");
            free(corners);
            return;
        }
        for (int d = 0; d < rank; d++)
            ones[d] = 1;
        for (hssize_t b = 0; b < n; b++) {
            const hsize_t *lo = corners + (size_t)b * 2 * (size_t)rank, *hi = lo + rank;

            for (int d = 0; d < rank; d++)
                extent[d] = hi[d] - lo[d] + 1;
            log_slab(rank, lo, ones, ones, extent);
        }
        free(corners);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Checksum of values in memory (by content: no pointers, no padding)                              */

static void hash_region(hid_t space);

/* The name an object or region reference of any kind points at (and its region). */
static void
hash_reference(hid_t type, const void *ref)
{
    char name[1024] = "";

    if (H5Tequal(type, H5T_STD_REF_OBJ) > 0) {
        if (H5Rget_name(run_g.file, H5R_OBJECT, ref, name, sizeof name) < 0)
            fail("H5Rget_name of an object reference");
        hash_string(name);
    }
    else if (H5Tequal(type, H5T_STD_REF_DSETREG) > 0) {
        hid_t region;

        if (H5Rget_name(run_g.file, H5R_DATASET_REGION, ref, name, sizeof name) < 0)
            fail("H5Rget_name of a region reference");
        hash_string(name);
        if ((region = H5Rget_region(run_g.file, H5R_DATASET_REGION, ref)) < 0)
            fail("H5Rget_region");
        else {
            hash_region(region);
            H5Sclose(region);
        }
    }
    else if (H5Tequal(type, H5T_STD_REF) > 0) {
        const H5R_ref_t *r    = ref;
        H5R_type_t       kind = H5Rget_type(r);

        hash_u64((uint64_t)kind);
        if (H5Rget_obj_name((H5R_ref_t *)r, H5P_DEFAULT, name, sizeof name) < 0)
            fail("H5Rget_obj_name");
        hash_string(name);
        if (kind == H5R_DATASET_REGION2) {
            hid_t region = H5Ropen_region((H5R_ref_t *)r, H5P_DEFAULT, H5P_DEFAULT);

            if (region < 0)
                fail("H5Ropen_region");
            else {
                hash_region(region);
                H5Sclose(region);
            }
        }
    }
    else
        fail("a reference type the workload does not know");
}

/* A region by its selection: points or blocks, in the library's order. */
static void
hash_region(hid_t space)
{
    int          rank = H5Sget_simple_extent_ndims(space);
    H5S_sel_type type = H5Sget_select_type(space);
    hssize_t     n    = 0;
    hsize_t     *list = NULL;

    hash_u64((uint64_t)type);
    if (type == H5S_SEL_POINTS && (n = H5Sget_select_elem_npoints(space)) > 0 &&
        (list = malloc((size_t)n * (size_t)rank * sizeof *list)) &&
        H5Sget_select_elem_pointlist(space, 0, (hsize_t)n, list) >= 0)
        hash_bytes(list, (size_t)n * (size_t)rank * sizeof *list);
    else if (type == H5S_SEL_HYPERSLABS && (n = H5Sget_select_hyper_nblocks(space)) > 0 &&
             (list = malloc((size_t)n * 2 * (size_t)rank * sizeof *list)) &&
             H5Sget_select_hyper_blocklist(space, 0, (hsize_t)n, list) >= 0)
        hash_bytes(list, (size_t)n * 2 * (size_t)rank * sizeof *list);
    free(list);
}

/* Hashes one value of a memory type by content. */
static void
hash_value(hid_t type, const unsigned char *p)
{
    H5T_class_t cls  = H5Tget_class(type);
    size_t      size = H5Tget_size(type);

    switch (cls) {
        case H5T_STRING:
            if (H5Tis_variable_str(type) > 0)
                hash_string(*(char *const *)(const void *)p);
            else
                hash_bytes(p, size);
            break;
        case H5T_COMPOUND: {
            int n = H5Tget_nmembers(type);

            for (int i = 0; i < n; i++) {
                hid_t member = H5Tget_member_type(type, (unsigned)i);

                hash_value(member, p + H5Tget_member_offset(type, (unsigned)i));
                H5Tclose(member);
            }
            break;
        }
        case H5T_ARRAY: {
            hid_t  base  = H5Tget_super(type);
            size_t bsize = H5Tget_size(base);

            for (size_t off = 0; off + bsize <= size; off += bsize)
                hash_value(base, p + off);
            H5Tclose(base);
            break;
        }
        case H5T_VLEN: {
            const hvl_t *v     = (const hvl_t *)(const void *)p;
            hid_t        base  = H5Tget_super(type);
            size_t       bsize = H5Tget_size(base);

            hash_u64(v->len);
            for (size_t i = 0; i < v->len; i++)
                hash_value(base, (const unsigned char *)v->p + i * bsize);
            H5Tclose(base);
            break;
        }
        case H5T_REFERENCE:
            hash_reference(type, p);
            break;
        default:
            hash_bytes(p, size);
            break;
    }
}

static void
hash_values(hid_t type, const void *buf, size_t n)
{
    size_t size = H5Tget_size(type);

    for (size_t i = 0; i < n; i++)
        hash_value(type, (const unsigned char *)buf + i * size);
}

/* ---------------------------------------------------------------------------------------------- */
/* Reading                                                                                          */

/* The native memory type of a dataset's file type (caller closes). */
static hid_t
native_type_of(hid_t dset)
{
    hid_t ftype = H5Dget_type(dset);
    hid_t mtype = ftype >= 0 ? H5Tget_native_type(ftype, H5T_DIR_DEFAULT) : H5I_INVALID_HID;

    if (ftype >= 0)
        H5Tclose(ftype);
    return mtype;
}

/* 1 when the values of this memory type must be released with H5Treclaim (vlen data, new references). */
static int
needs_reclaim(hid_t type)
{
    return H5Tdetect_class(type, H5T_VLEN) > 0 || H5Tdetect_class(type, H5T_STRING) > 0 ||
           H5Tdetect_class(type, H5T_REFERENCE) > 0;
}

/* Number of elements a file selection (H5S_ALL: the whole extent) of dset holds. */
static hsize_t
selection_size(hid_t dset, hid_t file_space)
{
    hid_t    space = file_space == H5S_ALL ? H5Dget_space(dset) : file_space;
    hssize_t n = file_space == H5S_ALL ? H5Sget_simple_extent_npoints(space) : H5Sget_select_npoints(space);

    if (file_space == H5S_ALL)
        H5Sclose(space);
    return n < 0 ? 0 : (hsize_t)n;
}

/* One H5Dread of an open dataset: the file selection (H5S_ALL or a space), read with mem_type (<0: the
 * dataset's native type) into a dense buffer, hashed, logged under `path`, reclaimed. */
static void
read_open_dataset(hid_t dset, const char *path, hid_t mem_type, hid_t file_space)
{
    hid_t   mtype  = mem_type >= 0 ? H5Tcopy(mem_type) : native_type_of(dset);
    hsize_t n      = selection_size(dset, file_space);
    hsize_t one    = n ? n : 1;
    hid_t   mspace = H5S_ALL;
    void   *buf;

    if (mtype < 0) {
        fail("no memory type for %s", path);
        return;
    }
    if (file_space != H5S_ALL) {
        mspace = H5Screate_simple(1, &one, NULL);
        if (n == 0)
            H5Sselect_none(mspace);
    }
    buf = calloc((size_t)one, H5Tget_size(mtype));
    if (!buf || H5Dread(dset, mtype, mspace, file_space, H5P_DEFAULT, buf) < 0)
        fail("H5Dread of %s", path);
    else {
        log_dataset(path);
        log_selection(file_space);
        hash_u64(n);
        hash_values(mtype, buf, (size_t)n);
        if (n && needs_reclaim(mtype)) {
            hid_t rspace = H5Screate_simple(1, &one, NULL);

            if (H5Treclaim(mtype, rspace, H5P_DEFAULT, buf) < 0)
                fail("H5Treclaim after reading %s", path);
            H5Sclose(rspace);
        }
    }
    free(buf);
    if (mspace != H5S_ALL)
        H5Sclose(mspace);
    H5Tclose(mtype);
}

static hid_t
open_dataset(const char *path)
{
    hid_t dset = H5Dopen2(run_g.file, path, H5P_DEFAULT);

    if (dset < 0)
        fail("H5Dopen2(%s)", path);
    return dset;
}

/* The dataspace of a dataset, to select in (caller closes). */
static hid_t
space_of(const char *path)
{
    hid_t dset  = open_dataset(path);
    hid_t space = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;

    if (dset >= 0)
        close_object(dset);
    return space;
}

/* Reads file_space (owned: closed here; H5S_ALL allowed) of the dataset at path. */
static void
read_space(const char *path, hid_t mem_type, hid_t file_space)
{
    hid_t dset = open_dataset(path);

    if (dset >= 0 && (file_space == H5S_ALL || file_space >= 0))
        read_open_dataset(dset, path, mem_type, file_space);
    else if (dset >= 0)
        fail("no file selection for %s", path);
    if (file_space >= 0 && file_space != H5S_ALL)
        H5Sclose(file_space);
    close_object(dset);
}

static void
read_all(const char *path, hid_t mem_type)
{
    read_space(path, mem_type, H5S_ALL);
}

/* A hyperslab (stride/block NULL: 1) of the dataset at path. */
static void
read_slab(const char *path, hid_t mem_type, const hsize_t *start, const hsize_t *stride, const hsize_t *count,
          const hsize_t *block)
{
    hid_t space = space_of(path);

    if (space >= 0 && H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block) < 0) {
        fail("H5Sselect_hyperslab on %s", path);
        H5Sclose(space);
        return;
    }
    if (space >= 0)
        read_space(path, mem_type, space);
}

static void
read_points(const char *path, hid_t mem_type, size_t n, const hsize_t *coords)
{
    hid_t space = space_of(path);

    if (space >= 0 && H5Sselect_elements(space, H5S_SELECT_SET, n, coords) < 0) {
        fail("H5Sselect_elements on %s", path);
        H5Sclose(space);
        return;
    }
    if (space >= 0)
        read_space(path, mem_type, space);
}

static void
read_attribute(const char *object, const char *name)
{
    hid_t    attr  = H5Aopen_by_name(run_g.file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t    ftype = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    hid_t    mtype = ftype >= 0 ? H5Tget_native_type(ftype, H5T_DIR_DEFAULT) : H5I_INVALID_HID;
    hid_t    space = attr >= 0 ? H5Aget_space(attr) : H5I_INVALID_HID;
    hssize_t n     = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    void    *buf   = NULL;

    if (mtype < 0 || n < 0 || NULL == (buf = calloc(n ? (size_t)n : 1, H5Tget_size(mtype))) ||
        H5Aread(attr, mtype, buf) < 0)
        fail("reading attribute %s of %s", name, object);
    else {
        fputs("attribute ", run_g.log);
        log_escaped(object);
        fputc(' ', run_g.log);
        log_escaped(name);
        fputc('\n', run_g.log);
        hash_string(object);
        hash_string(name);
        hash_values(mtype, buf, (size_t)n);
        if (n && needs_reclaim(mtype))
            H5Treclaim(mtype, space, H5P_DEFAULT, buf);
    }
    free(buf);
    if (space >= 0)
        H5Sclose(space);
    if (mtype >= 0)
        H5Tclose(mtype);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (attr >= 0 && !run_g.leave_open && H5Aclose(attr) < 0) {
        fprintf(stderr, "carve_workload: closing attribute %s of %s failed:\n", name, object);
        H5Eprint2(H5E_DEFAULT, stderr);
        run_g.close_failed = 1;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* The workloads                                                                                   */

#define NPTS(a) (sizeof(a) / sizeof((a)[0]))

/* Hyperslab blocks of chunked and contiguous datasets. */
static void
workload_rows(void)
{
    hsize_t s2[2] = {5, 0}, c2[2] = {5, 50};
    read_slab("/grid2d", H5T_NATIVE_INT32, s2, NULL, c2, NULL);
    hsize_t s2b[2] = {40, 10}, c2b[2] = {2, 30};
    read_slab("/grid2d", H5T_NATIVE_INT32, s2b, NULL, c2b, NULL);
    hsize_t s3[3] = {1, 2, 3}, c3[3] = {2, 5, 10};
    read_slab("/grid3d", H5T_NATIVE_INT32, s3, NULL, c3, NULL);
    hsize_t sp[2] = {8, 0}, cp[2] = {8, 30};
    read_slab("/data/chunked_plain", H5T_NATIVE_DOUBLE, sp, NULL, cp, NULL);
    hsize_t s1 = 10, c1 = 20;
    read_slab("/data/contiguous", H5T_NATIVE_INT32, &s1, NULL, &c1, NULL);
}

/* Regular hyperslabs with stride and block. */
static void
workload_strided(void)
{
    hsize_t s2[2] = {1, 2}, st2[2] = {4, 5}, c2[2] = {5, 3}, b2[2] = {2, 2};
    read_slab("/grid2d", H5T_NATIVE_INT32, s2, st2, c2, b2);
    hsize_t sd[2] = {0, 0}, std[2] = {20, 20}, cd[2] = {3, 3}, bd[2] = {2, 3};
    read_slab("/data/chunked_deflate", H5T_NATIVE_INT32, sd, std, cd, bd);
    hsize_t s3[3] = {0, 1, 2}, st3[3] = {5, 7, 9}, c3[3] = {2, 2, 3}, b3[3] = {1, 2, 3};
    read_slab("/grid3d", H5T_NATIVE_INT32, s3, st3, c3, b3);
    hsize_t s1 = 3, st1 = 10, c1 = 15, b1 = 4;
    read_slab("/data/contiguous", H5T_NATIVE_INT32, &s1, &st1, &c1, &b1);
}

/* Point selections (H5Sselect_elements). */
static void
workload_points(void)
{
    static const hsize_t g2[][2] = {{0, 0}, {10, 20}, {59, 49}, {30, 25}, {31, 25}};
    read_points("/grid2d", H5T_NATIVE_INT32, NPTS(g2), &g2[0][0]);
    static const hsize_t fl[] = {0, 500, 999, 128};
    read_points("/data/chunked_fletcher32", H5T_NATIVE_UINT16, NPTS(fl), fl);
    static const hsize_t g3[][3] = {{9, 19, 29}, {0, 0, 0}, {4, 8, 16}};
    read_points("/grid3d", H5T_NATIVE_INT32, NPTS(g3), &g3[0][0]);
    static const hsize_t ct[] = {199, 3, 77};
    read_points("/data/contiguous", H5T_NATIVE_INT32, NPTS(ct), ct);
}

/* Many random points (a fixed sequence): more selection records than the manifest writes as YAML, so that
 * they are written packed (packed_selections) — in chunked datasets over several chunks (/grid3d,
 * /data/chunked_deflate) and in a contiguous one, stored as the elements read (/grid2d, where replay
 * serves reads from the records themselves). */
static void
workload_scatter(void)
{
    static const struct {
        const char *path;
        int         rank;
        hsize_t     dims[3];
        size_t      reads, points;
    } targets[]    = {{"/grid3d", 3, {10, 20, 30}, 3, 300},
                      {"/grid2d", 2, {60, 50}, 2, 400},
                      {"/data/chunked_deflate", 2, {64, 64}, 1, 500}};
    uint64_t state = 0x5ca77e4ull;
    hsize_t  coords[500 * 3];

    for (size_t t = 0; t < NPTS(targets); t++)
        for (size_t r = 0; r < targets[t].reads; r++) {
            for (size_t p = 0; p < targets[t].points; p++)
                for (int d = 0; d < targets[t].rank; d++) {
                    state = state * 6364136223846793005ull + 1442695040888963407ull;
                    coords[p * (size_t)targets[t].rank + (size_t)d] = (state >> 33) % targets[t].dims[d];
                }
            read_points(targets[t].path, H5T_NATIVE_INT32, targets[t].points, coords);
        }
}

/* Unions (H5S_SELECT_OR) of overlapping hyperslabs. */
static void
workload_union(void)
{
    hid_t   space = space_of("/grid2d");
    hsize_t rs[2] = {0, 0}, rc[2] = {3, 50}, cs[2] = {0, 10}, cc[2] = {60, 3}, bs[2] = {20, 20},
            bc[2] = {10, 10};

    if (space < 0 || H5Sselect_hyperslab(space, H5S_SELECT_SET, rs, NULL, rc, NULL) < 0 ||
        H5Sselect_hyperslab(space, H5S_SELECT_OR, cs, NULL, cc, NULL) < 0 ||
        H5Sselect_hyperslab(space, H5S_SELECT_OR, bs, NULL, bc, NULL) < 0)
        fail("building a union on /grid2d");
    else
        read_space("/grid2d", H5T_NATIVE_INT32, space);

    space        = space_of("/data/chunked_plain");
    hsize_t a[2] = {2, 3}, ac[2] = {10, 10}, b[2] = {7, 8}, bcnt[2] = {12, 5}, st[2] = {30, 0},
            stc[2] = {4, 2}, sst[2] = {3, 12};
    if (space < 0 || H5Sselect_hyperslab(space, H5S_SELECT_SET, a, NULL, ac, NULL) < 0 ||
        H5Sselect_hyperslab(space, H5S_SELECT_OR, b, NULL, bcnt, NULL) < 0 ||
        H5Sselect_hyperslab(space, H5S_SELECT_OR, st, sst, stc, NULL) < 0)
        fail("building a union on /data/chunked_plain");
    else
        read_space("/data/chunked_plain", H5T_NATIVE_DOUBLE, space);
}

/* Reads with empty selections. */
static void
workload_none(void)
{
    const char *paths[] = {"/grid2d", "/grid3d", "/data/contiguous"};

    for (size_t i = 0; i < NPTS(paths); i++) {
        hid_t space = space_of(paths[i]);

        if (space < 0 || H5Sselect_none(space) < 0)
            fail("H5Sselect_none on %s", paths[i]);
        else
            read_space(paths[i], H5T_NATIVE_INT32, space);
    }
}

/* H5S_ALL on a few datasets of several layouts. */
static void
workload_all(void)
{
    read_all("/data/contiguous", H5T_NATIVE_INT32);
    read_all("/data/compact", H5T_NATIVE_INT16);
    read_all("/data/chunked_fletcher32", H5T_NATIVE_UINT16);
    read_all("/typed/int16_be", H5T_NATIVE_INT16);
    read_all("/groups/g1/g1a/deep/deeper/leaf", H5T_NATIVE_INT32);
}

/* Type conversion on read: integers as doubles, floats as integers, big-endian as native. */
static void
workload_convert(void)
{
    hsize_t s[2] = {10, 5}, c[2] = {4, 6};
    read_slab("/grid2d", H5T_NATIVE_DOUBLE, s, NULL, c, NULL);
    hsize_t fs[2] = {12, 3}, fc[2] = {9, 11};
    read_slab("/data/chunked_shuffle_deflate", H5T_NATIVE_INT, fs, NULL, fc, NULL);
    hsize_t one = 1, three = 3;
    read_slab("/typed/float64_be", H5T_NATIVE_FLOAT, &one, NULL, &three, NULL);
    read_slab("/typed/int32_be", H5T_NATIVE_INT64, &one, NULL, &three, NULL);
}

/* One or two fields of a compound, read through a memory compound with fewer members. */
typedef struct subset_id_weight_t {
    int32_t id;
    struct {
        double weight;
    } inner;
} subset_id_weight_t;

typedef struct subset_label_t {
    char label[8];
} subset_label_t;

static void
workload_compound_subset(void)
{
    hid_t inner = H5Tcreate(H5T_COMPOUND, sizeof(((subset_id_weight_t *)0)->inner));
    hid_t idw   = H5Tcreate(H5T_COMPOUND, sizeof(subset_id_weight_t));
    hid_t lab   = H5Tcreate(H5T_COMPOUND, sizeof(subset_label_t));
    hid_t str8  = H5Tcopy(H5T_C_S1);

    if (inner < 0 || idw < 0 || lab < 0 || str8 < 0 || H5Tset_size(str8, 8) < 0 ||
        H5Tinsert(inner, "weight", 0, H5T_NATIVE_DOUBLE) < 0 ||
        H5Tinsert(idw, "id", HOFFSET(subset_id_weight_t, id), H5T_NATIVE_INT32) < 0 ||
        H5Tinsert(idw, "inner", HOFFSET(subset_id_weight_t, inner), inner) < 0 ||
        H5Tinsert(lab, "label", HOFFSET(subset_label_t, label), str8) < 0)
        fail("building the subset compound types");
    else {
        read_all("/typed/compound", idw);
        hsize_t s = 1, c = 3;
        read_slab("/data/committed_typed", lab, &s, NULL, &c, NULL);
        hsize_t pt[] = {4, 0};
        read_points("/data/committed_typed", idw, NPTS(pt), pt);
    }
    H5Tclose(str8);
    H5Tclose(lab);
    H5Tclose(idw);
    H5Tclose(inner);
}

/* Variable-length sequences and strings (reclaimed after each read). */
static void
workload_vlen(void)
{
    read_all("/typed/vlen_int", -1);
    hsize_t s = 1, c = 2;
    read_slab("/typed/string_vlen_ascii", -1, &s, NULL, &c, NULL);
    hsize_t pt = 1;
    read_points("/typed/string_vlen_utf8", -1, 1, &pt);
    read_all("/typed/string_vlen_scalar", -1);
}

/* Datasets of references: read, then dereference each and read what it points at. */
static void
workload_refs(void)
{
    hid_t      dset;
    hobj_ref_t objs[2];

    /* Old-style object references: the objects' names. */
    if ((dset = open_dataset("/typed/ref_object_old")) >= 0) {
        if (H5Dread(dset, H5T_STD_REF_OBJ, H5S_ALL, H5S_ALL, H5P_DEFAULT, objs) < 0)
            fail("H5Dread of /typed/ref_object_old");
        else {
            log_dataset("/typed/ref_object_old");
            log_selection(H5S_ALL);
            for (int i = 0; i < 2; i++) {
                hid_t obj       = H5Rdereference2(dset, H5P_DEFAULT, H5R_OBJECT, &objs[i]);
                char  name[256] = "";

                if (obj < 0 || H5Iget_name(obj, name, sizeof name) < 0)
                    fail("dereferencing /typed/ref_object_old[%d]", i);
                hash_string(name);
                close_object(obj);
            }
        }
        close_object(dset);
    }

    /* Old-style region references: read each region of the dataset it names. */
    if ((dset = open_dataset("/typed/ref_region_old")) >= 0) {
        hdset_reg_ref_t regions[2];

        if (H5Dread(dset, H5T_STD_REF_DSETREG, H5S_ALL, H5S_ALL, H5P_DEFAULT, regions) < 0)
            fail("H5Dread of /typed/ref_region_old");
        else {
            log_dataset("/typed/ref_region_old");
            log_selection(H5S_ALL);
            for (int i = 0; i < 2; i++) {
                hid_t target    = H5Rdereference2(dset, H5P_DEFAULT, H5R_DATASET_REGION, &regions[i]);
                hid_t region    = H5Rget_region(dset, H5R_DATASET_REGION, &regions[i]);
                char  name[256] = "";

                if (target < 0 || region < 0 || H5Iget_name(target, name, sizeof name) < 0)
                    fail("dereferencing /typed/ref_region_old[%d]", i);
                else
                    read_open_dataset(target, name, H5T_NATIVE_INT32, region);
                if (region >= 0)
                    H5Sclose(region);
                close_object(target);
            }
        }
        close_object(dset);
    }

    /* New references (H5R_ref_t): objects and regions. */
    const char *news[] = {"/typed/ref_object_new", "/typed/ref_region_new"};
    for (size_t k = 0; k < NPTS(news); k++) {
        H5R_ref_t refs[3];
        hsize_t   n;

        if ((dset = open_dataset(news[k])) < 0)
            continue;
        n = selection_size(dset, H5S_ALL);
        memset(refs, 0, sizeof refs);
        if (n > 3 || H5Dread(dset, H5T_STD_REF, H5S_ALL, H5S_ALL, H5P_DEFAULT, refs) < 0) {
            fail("H5Dread of %s", news[k]);
            close_object(dset);
            continue;
        }
        log_dataset(news[k]);
        log_selection(H5S_ALL);
        for (hsize_t i = 0; i < n; i++) {
            hid_t obj       = H5Ropen_object(&refs[i], H5P_DEFAULT, H5P_DEFAULT);
            char  name[256] = "";

            if (obj < 0 || H5Iget_name(obj, name, sizeof name) < 0)
                fail("H5Ropen_object on %s[%llu]", news[k], (unsigned long long)i);
            else {
                hash_string(name);
                if (H5Rget_type(&refs[i]) == H5R_DATASET_REGION2) {
                    hid_t region = H5Ropen_region(&refs[i], H5P_DEFAULT, H5P_DEFAULT);

                    if (region < 0)
                        fail("H5Ropen_region on %s[%llu]", news[k], (unsigned long long)i);
                    else {
                        read_open_dataset(obj, name, H5T_NATIVE_INT32, region);
                        H5Sclose(region);
                    }
                }
            }
            close_object(obj);
            H5Rdestroy(&refs[i]);
        }
        close_object(dset);
    }
}

/* One H5Dread_multi over three datasets (two layouts, one of them compressed). */
static void
workload_multi(void)
{
    const char *paths[3] = {"/grid2d", "/grid3d", "/data/chunked_deflate"};
    hid_t       dsets[3], mtypes[3], mspaces[3], fspaces[3];
    void       *bufs[3] = {NULL, NULL, NULL};
    hsize_t     n[3];
    hsize_t     s2[2] = {20, 7}, c2[2] = {6, 9};
    hsize_t     s3[3] = {3, 0, 10}, st3[3] = {1, 10, 1}, c3[3] = {1, 2, 1}, b3[3] = {3, 5, 12};
    hsize_t     sd[2] = {30, 30}, cd[2] = {5, 20};
    int         ok = 1;

    for (int i = 0; i < 3; i++) {
        dsets[i]   = open_dataset(paths[i]);
        mtypes[i]  = H5T_NATIVE_INT32;
        fspaces[i] = dsets[i] >= 0 ? H5Dget_space(dsets[i]) : H5I_INVALID_HID;
        mspaces[i] = H5I_INVALID_HID;
        ok         = ok && fspaces[i] >= 0;
    }
    ok = ok && H5Sselect_hyperslab(fspaces[0], H5S_SELECT_SET, s2, NULL, c2, NULL) >= 0 &&
         H5Sselect_hyperslab(fspaces[1], H5S_SELECT_SET, s3, st3, c3, b3) >= 0 &&
         H5Sselect_hyperslab(fspaces[2], H5S_SELECT_SET, sd, NULL, cd, NULL) >= 0;
    for (int i = 0; ok && i < 3; i++) {
        n[i]       = (hsize_t)H5Sget_select_npoints(fspaces[i]);
        mspaces[i] = H5Screate_simple(1, &n[i], NULL);
        bufs[i]    = calloc((size_t)n[i], sizeof(int32_t));
        ok         = mspaces[i] >= 0 && bufs[i];
    }
    if (!ok || H5Dread_multi(3, dsets, mtypes, mspaces, fspaces, H5P_DEFAULT, bufs) < 0)
        fail("H5Dread_multi over %s, %s, %s", paths[0], paths[1], paths[2]);
    else
        for (int i = 0; i < 3; i++) {
            log_dataset(paths[i]);
            log_selection(fspaces[i]);
            hash_u64(n[i]);
            hash_bytes(bufs[i], (size_t)n[i] * sizeof(int32_t));
        }
    for (int i = 0; i < 3; i++) {
        free(bufs[i]);
        if (mspaces[i] >= 0)
            H5Sclose(mspaces[i]);
        if (fspaces[i] >= 0)
            H5Sclose(fspaces[i]);
        close_object(dsets[i]);
    }
}

/* Attributes of several objects: the root, datasets, groups (a UTF-8 one, a dense one), a committed
 * datatype, every kind of value (strings, compound, references). */
static void
workload_attrs(void)
{
    read_attribute("/", "int32_le");
    read_attribute("/", "float64_be");
    read_attribute("/", "string_vlen_utf8");
    read_attribute("/", "compound");
    read_attribute("/", "vlen_int");
    read_attribute("/", "ref_object_new");
    read_attribute("/", "ref_region_old");
    read_attribute("/grid3d", "note");
    read_attribute("/grid3d", "counts");
    read_attribute("/groups/g1", "scale");
    read_attribute("/groups/gr\xc3\xbcppe \xe2\x98\x83", "\xce\xb1\xce\xb2\xce\xb3");
    read_attribute("/groups/ordered", "attr_05");
    read_attribute("/types/compound_t", "note");
    read_attribute("/data", "counts");
    read_attribute("/data", "null_space");
}

/* Edges: partial edge chunks of an unlimited dataset, chunks never written, empty, scalar and null
 * dataspaces. */
static void
workload_edge(void)
{
    hsize_t us[2] = {15, 20}, uc[2] = {2, 3};
    read_slab("/data/unlimited", H5T_NATIVE_INT32, us, NULL, uc, NULL);
    hsize_t ur[2] = {16, 0}, urc[2] = {1, 23};
    read_slab("/data/unlimited", H5T_NATIVE_INT32, ur, NULL, urc, NULL);
    hsize_t ss[2] = {45, 65}, sc[2] = {10, 10};
    read_slab("/data/sparse_fill", H5T_NATIVE_DOUBLE, ss, NULL, sc, NULL);
    hsize_t ns[2] = {0, 0}, nc[2] = {5, 5};
    read_slab("/data/never_written", H5T_NATIVE_INT32, ns, NULL, nc, NULL);
    hsize_t ne[2] = {28, 17}, nec[2] = {2, 13};
    read_slab("/data/never_written", H5T_NATIVE_INT32, ne, NULL, nec, NULL);
    read_all("/data/zero_sized", H5T_NATIVE_INT32);
    read_all("/data/zero_sized_extendible", H5T_NATIVE_FLOAT);
    read_all("/data/scalar", H5T_NATIVE_DOUBLE);
    read_all("/data/null_space", H5T_NATIVE_INT32);
}

static void
workload_szip(void)
{
    hsize_t s = 150, c = 300;
    read_slab("/data/chunked_szip", H5T_NATIVE_INT32, &s, NULL, &c, NULL);
    hsize_t e = 1990, ec = 10;
    read_slab("/data/chunked_szip", H5T_NATIVE_INT32, &e, NULL, &ec, NULL);
}

static void
workload_fletcher32(void)
{
    hsize_t s = 120, c = 140;
    read_slab("/data/chunked_fletcher32", H5T_NATIVE_UINT16, &s, NULL, &c, NULL);
    hsize_t e = 990, ec = 10; /* inside the partial last chunk */
    read_slab("/data/chunked_fletcher32", H5T_NATIVE_UINT16, &e, NULL, &ec, NULL);
}

static void
workload_shuffle(void)
{
    hsize_t s[2] = {12, 5}, c[2] = {16, 10};
    read_slab("/data/chunked_shuffle_deflate", H5T_NATIVE_FLOAT, s, NULL, c, NULL);
    hsize_t p[][2] = {{49, 39}};
    read_points("/data/chunked_shuffle_deflate", H5T_NATIVE_FLOAT, 1, &p[0][0]);
}

/* The virtual dataset: a mapped row part, and the unmapped row (fill value). */
static void
workload_vds(void)
{
    hsize_t s[2] = {0, 2}, c[2] = {2, 6};
    read_slab("/vds/virtual", H5T_NATIVE_INT32, s, NULL, c, NULL);
    hsize_t u[2] = {2, 0}, uc[2] = {1, 5};
    read_slab("/vds/virtual", H5T_NATIVE_INT32, u, NULL, uc, NULL);
}

static void
workload_compact(void)
{
    hsize_t s[2] = {1, 0}, c[2] = {2, 4};
    read_slab("/data/compact", H5T_NATIVE_INT16, s, NULL, c, NULL);
    hsize_t p[][2] = {{4, 3}};
    read_points("/data/compact", H5T_NATIVE_INT16, 1, &p[0][0]);
}

/* Parts of the datasets of every other datatype: enums, arrays, opaque, bitfields, fixed strings,
 * floats and integers of both byte orders. */
static void
workload_types(void)
{
    const char *some[] = {"/typed/enum",
                          "/typed/enum_u8be",
                          "/typed/opaque",
                          "/typed/bitfield8_le",
                          "/typed/bitfield16_be",
                          "/typed/bitfield32_le",
                          "/typed/bitfield64_be",
                          "/typed/string_fixed_ascii_nullterm",
                          "/typed/string_fixed_ascii_nullpad",
                          "/typed/string_fixed_ascii_spacepad",
                          "/typed/int8_be",
                          "/typed/uint64_be",
                          "/typed/float32_be",
                          "/typed/uint16_le"};
    hsize_t     zero = 0, two = 2;

    for (size_t i = 0; i < NPTS(some); i++)
        read_slab(some[i], -1, &zero, NULL, &two, NULL);
    hsize_t pt = 1;
    read_points("/typed/array", -1, 1, &pt);
    read_points("/typed/string_fixed_utf8", -1, 1, &pt);
}

/* Through links: a soft link to a dataset of the file, and an external link into another file. */
static void
workload_links(void)
{
    hsize_t s[2] = {50, 40}, c[2] = {3, 10};
    read_slab("/links/soft_to_grid2d", H5T_NATIVE_INT32, s, NULL, c, NULL);

    hid_t ext = H5Dopen2(run_g.file, "/links/external_data", H5P_DEFAULT);
    int   v[6];

    if (ext < 0 || H5Dread(ext, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        fail("reading /links/external_data (external link)");
    else {
        fprintf(run_g.log, "# read /links/external_data: a dataset of another file (not a record)\n");
        hash_bytes(v, sizeof v);
    }
    close_object(ext);
}

/* No data read: a group iterated, a subtree visited, an object queried (the manifest's objects list). */
static herr_t
count_link(hid_t group, const char *name, const H5L_info2_t *info, void *count)
{
    (void)group, (void)name, (void)info;
    (*(int *)count)++;
    return 0;
}

static herr_t
count_object(hid_t object, const char *name, const H5O_info2_t *info, void *count)
{
    (void)object, (void)name, (void)info;
    (*(int *)count)++;
    return 0;
}

static void
workload_iterate(void)
{
    int         links = 0, objects = 0;
    H5O_info2_t info;

    if (H5Literate_by_name2(run_g.file, "/groups/g1", H5_INDEX_NAME, H5_ITER_INC, NULL, count_link, &links,
                            H5P_DEFAULT) < 0 ||
        links == 0)
        fail("iterating /groups/g1");
    if (H5Ovisit_by_name3(run_g.file, "/groups/g2", H5_INDEX_NAME, H5_ITER_INC, count_object, &objects,
                          H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
        objects == 0)
        fail("visiting /groups/g2");
    if (H5Oget_info_by_name3(run_g.file, "/types/compound_t", &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        fail("querying /types/compound_t");
    hash_bytes(&links, sizeof links);
    hash_bytes(&objects, sizeof objects);
}

/* The crash test's reader (test/carve/crash.sh), on carve_bench_make's /field (examples/bench), not on
 * the zoo: band N (the environment's CARVE_TEST_BAND, default 0) is one block of 5 rows and 1500 columns
 * inside the N-th band of chunk rows (modulo their number), at a row and column offset that vary with N,
 * so that each N reads a block of its own (in one or two chunks). */
static void
workload_band(void)
{
    const char   *env  = getenv("CARVE_TEST_BAND");
    unsigned long band = env ? strtoul(env, NULL, 10) : 0;
    hid_t         dset = open_dataset("/field"), dcpl = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hsize_t       dims[2], chunk[2];

    if (dset < 0)
        return;
    if ((space = H5Dget_space(dset)) < 0 || H5Sget_simple_extent_ndims(space) != 2 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0 || (dcpl = H5Dget_create_plist(dset)) < 0 ||
        H5Pget_chunk(dcpl, 2, chunk) != 2 || chunk[0] < 8 || dims[1] < 1600 || dims[0] < chunk[0])
        fail("/field is not carve_bench_make's 2-D chunked dataset");
    else {
        hsize_t bands    = dims[0] / chunk[0];
        hsize_t b        = (hsize_t)band % bands;
        hsize_t start[2] = {b * chunk[0] + (hsize_t)band % (chunk[0] - 5),
                            ((hsize_t)band * 1777) % (dims[1] - 1500)};
        hsize_t count[2] = {5, 1500};

        if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
            fail("H5Sselect_hyperslab on /field");
        else
            read_open_dataset(dset, "/field", H5T_NATIVE_DOUBLE, space);
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    close_object(dset);
}

typedef struct workload_t {
    const char *name;
    void (*run)(void);
} workload_t;

static const workload_t workloads[] = {
    {"rows", workload_rows},
    {"strided", workload_strided},
    {"points", workload_points},
    {"union", workload_union},
    {"none", workload_none},
    {"all", workload_all},
    {"convert", workload_convert},
    {"compound_subset", workload_compound_subset},
    {"vlen", workload_vlen},
    {"refs", workload_refs},
    {"multi", workload_multi},
    {"attrs", workload_attrs},
    {"edge", workload_edge},
    {"szip", workload_szip},
    {"fletcher32", workload_fletcher32},
    {"shuffle", workload_shuffle},
    {"vds", workload_vds},
    {"compact", workload_compact},
    {"types", workload_types},
    {"links", workload_links},
    {"iterate", workload_iterate},
    {"scatter", workload_scatter},
    {"band", workload_band},
};

/* ---------------------------------------------------------------------------------------------- */
/* Other files the program writes (carve must list them as skipped and not carve them)             */

static int
write_other_file(const char *path)
{
    hsize_t n     = 8;
    int     v[8]  = {1, 2, 3, 4, 5, 6, 7, 8};
    hid_t   file  = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t   space = H5Screate_simple(1, &n, NULL);
    hid_t   dset =
        file >= 0 ? H5Dcreate2(file, "written", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                    : H5I_INVALID_HID;
    int ok = dset >= 0 && H5Dwrite(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    /* Read back what was written: a read of a written file must not make it an origin either. */
    int back[8];
    ok = ok && H5Dread(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0 && back[7] == 8;
    if (dset >= 0)
        ok = H5Dclose(dset) >= 0 && ok;
    H5Sclose(space);
    if (file >= 0)
        ok = H5Fclose(file) >= 0 && ok;
    if (!ok)
        fail("creating and writing %s", path);
    return ok;
}

static int
modify_other_file(const char *path)
{
    hid_t file  = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t space = H5Screate(H5S_SCALAR);
    int   v     = 7;
    hid_t attr  = file >= 0 ? H5Acreate2(file, "carve_workload_was_here", H5T_STD_I32LE, space, H5P_DEFAULT,
                                         H5P_DEFAULT)
                            : H5I_INVALID_HID;
    int   ok    = attr >= 0 && H5Awrite(attr, H5T_NATIVE_INT, &v) >= 0;

    if (attr >= 0)
        ok = H5Aclose(attr) >= 0 && ok;
    H5Sclose(space);
    if (file >= 0)
        ok = H5Fclose(file) >= 0 && ok;
    if (!ok)
        fail("opening %s read-write and writing an attribute", path);
    return ok;
}

/* ---------------------------------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr,
            "usage: carve_workload <file-or-URL> <workload> <expected-out.txt> [--cred region,id,secret] "
            "[--token T] [--write path] [--modify path] [--leave-open] [--h5close]\n"
            "       carve_workload --list\n");
    return 2;
}

/* The access list: a fresh default one (HDF5_VOL_CONNECTOR decides the connector), with the ROS3
 * driver for a URL. */
static hid_t
make_fapl(const char *name, const char *cred, const char *token)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);

    if (fapl < 0)
        return H5I_INVALID_HID;
    if (strncmp(name, "http://", 7) == 0 || strncmp(name, "https://", 8) == 0) {
        H5FD_ros3_fapl_t fa;

        memset(&fa, 0, sizeof fa);
        fa.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
        if (cred && *cred) {
            const char *c1 = strchr(cred, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

            if (!c1 || !c2 || (size_t)(c1 - cred) > H5FD_ROS3_MAX_REGION_LEN ||
                (size_t)(c2 - c1 - 1) > H5FD_ROS3_MAX_SECRET_ID_LEN ||
                strlen(c2 + 1) > H5FD_ROS3_MAX_SECRET_KEY_LEN) {
                fprintf(stderr, "carve_workload: credentials must be region,id,secret\n");
                H5Pclose(fapl);
                return H5I_INVALID_HID;
            }
            fa.authenticate = 1;
            memcpy(fa.aws_region, cred, (size_t)(c1 - cred));
            memcpy(fa.secret_id, c1 + 1, (size_t)(c2 - c1 - 1));
            strcpy(fa.secret_key, c2 + 1);
        }
        if (H5Pset_fapl_ros3(fapl, &fa) < 0 || (token && H5Pset_fapl_ros3_token(fapl, token) < 0)) {
            H5Pclose(fapl);
            return H5I_INVALID_HID;
        }
    }
    return fapl;
}

int
main(int argc, char **argv)
{
    const char       *name, *out_path, *cred = getenv("CARVE_TEST_S3_CRED"), *token = NULL;
    const char       *write_path = NULL, *modify_path = NULL;
    const workload_t *wl = NULL;
    hid_t             fapl;
    char              connector[64] = "";

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < NPTS(workloads); i++)
            printf("%s\n", workloads[i].name);
        return 0;
    }
    if (argc < 4)
        return usage();
    name     = argv[1];
    out_path = argv[3];
    for (size_t i = 0; i < NPTS(workloads); i++)
        if (strcmp(workloads[i].name, argv[2]) == 0)
            wl = &workloads[i];
    if (!wl) {
        fprintf(stderr, "carve_workload: unknown workload '%s' (--list lists them)\n", argv[2]);
        return 2;
    }
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--leave-open") == 0)
            run_g.leave_open = 1;
        else if (strcmp(argv[i], "--h5close") == 0)
            run_g.h5close = 1;
        else if (i + 1 < argc && strcmp(argv[i], "--cred") == 0)
            cred = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--token") == 0)
            token = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--write") == 0)
            write_path = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--modify") == 0)
            modify_path = argv[++i];
        else
            return usage();
    }
    if (NULL == (run_g.log = fopen(out_path, "w"))) {
        perror(out_path);
        return 1;
    }
    fprintf(run_g.log, "# carve_workload %s on ", wl->name);
    log_escaped(name);
    fputc('\n', run_g.log);

    if (write_path)
        write_other_file(write_path);
    if ((fapl = make_fapl(name, cred, token)) < 0 || (run_g.file = H5Fopen(name, H5F_ACC_RDONLY, fapl)) < 0) {
        fail("H5Fopen(%s) read-only", name);
        fclose(run_g.log);
        return 1;
    }
    H5Pclose(fapl);
    if (H5VLget_connector_name(run_g.file, connector, sizeof connector) < 0)
        strcpy(connector, "?");
    printf("carve_workload: connector %s\n", connector);

    wl->run();
    if (modify_path)
        modify_other_file(modify_path);

    fprintf(run_g.log, "checksum %016" PRIx64 "\n", run_g.checksum);
    if (fclose(run_g.log) != 0) {
        perror(out_path);
        run_g.failed = 1;
    }
    printf("carve_workload: %s checksum %016" PRIx64 "\n", wl->name, run_g.checksum);
    fflush(stdout);
    if (run_g.leave_open)
        return run_g.failed ? 1 : 0; /* the file and everything opened stay open: exit closes them */

    if (H5Fclose(run_g.file) < 0) {
        fprintf(stderr, "carve_workload: H5Fclose(%s) failed:\n", name);
        H5Eprint2(H5E_DEFAULT, stderr);
        run_g.close_failed = 1;
    }
    if (run_g.h5close && H5close() < 0) {
        fprintf(stderr, "carve_workload: H5close failed\n");
        run_g.close_failed = 1;
    }
    if (run_g.failed)
        return 1;
    return run_g.close_failed ? 3 : 0;
}
