/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * verify.c — carve_verify: checks one carved container against its origin, its manifest and what the
 * program said it read (the expected files of carve_workload, see workload.c for their format).
 *
 * Usage: carve_verify <origin> <container> <manifest.yaml> <expected.txt> [options]
 *   --also-expected <file>      union with the reads of another run (repeatable: carve.again, concurrent)
 *   --generation N              the manifest's generation (default 1)
 *   --runs N                    entries in its run list (default: the generation)
 *   --origin-location <loc>     the manifest's origin is <loc> (a URL) and <origin> is a local copy of it:
 *                               the stamp must then be remote, with an ETag and <origin>'s size
 *   --etag <etag>               ... and this ETag (quotes included)
 *   --skeleton full|touched     the skeleton the container must have (default full)
 *   --expect-skipped <path>     the manifest lists <path> as skipped (repeatable); without this option the
 *                               skipped list must be empty
 *
 * Both files are opened with the native connector explicitly (H5Pset_vol(fapl, H5VL_NATIVE)), so that
 * HDF5_VOL_CONNECTOR cannot interfere. The checks, one PASS/FAIL line each (details indented below a
 * FAIL), closing with "N passed, M failed" (exit status 0 only when nothing failed):
 *
 *  1. data: every element the container claims equals the origin's. Claimed: for `store: chunks` each
 *     listed chunk's box clipped to the extent, for `store: elements` each selection record. Read from
 *     both with the dataset's own file type (no conversion: compared byte for byte); types holding
 *     variable-length data or references are read with their native type and compared by value:
 *     sequences and strings by content, references by the name of the object they point at and by
 *     their region's selection.
 *  2. raw chunks: for a chunked origin dataset of a fixed-size type, every listed chunk is byte-identical
 *     raw (H5Dread_chunk) with the same filter mask and size in both files (compression preserved); a
 *     chunk the origin never wrote is not written in the container either; and the container holds no
 *     chunk that is not listed.
 *  3. unread datasets: a dataset of the container without an entry in the manifest holds no data
 *     (H5Dget_storage_size == 0). The one exception a layout forces: compact storage, and contiguous
 *     storage with early allocation (which carve keeps for datasets it cannot store chunked: scalars),
 *     always take their full size, so exactly the dataset's size is accepted there, and said.
 *  4. coverage: per dataset, the manifest's selections equal, as element sets, the union of what the
 *     expected files say was read (compared element by element); elements_read and bytes_read equal the
 *     sums over the reads; for `store: chunks` the chunk list is exactly the chunks those elements lie in.
 *     No dataset appears in the manifest that was not read; every dataset read with a non-empty
 *     selection appears. Datasets are matched by object identity (token in the origin), so a read
 *     through a soft link or an alias counts for the object. Attributes likewise (both ways).
 *  5. sizes: `store: chunks`: H5Dget_storage_size of the container dataset equals the sum of the origin's
 *     stored sizes of the listed chunks (H5Dget_chunk_info_by_coord). `store: elements` (stored chunked,
 *     no filter, chunk shape c, element size e, union U):
 *       exact: storage == (number of chunks of the c-grid holding an element of U) * prod(c) * e;
 *       bound: storage <= e * (|U| + sum over blocks B of the manifest's records of
 *              (prod_d (b_d + 2 (c_d - 1)) - prod_d b_d)),
 *         because the chunks that touch an interval [s, s+b) of one dimension span at most
 *         [s - (c-1), s + b + (c-1)): every stored element outside U lies in such a hull of a block;
 *       and for a container of one run, the chunk-shape rule of container_chunk_shape() in
 *       connector/core/carve_container.c: c_d <= max(1, min(dims_d, smallest block_d read)) and
 *       prod(c) * H5Tget_size <= 64 KiB unless every c_d is 1 (carve halves the widest dimension until
 *       then). The rule holds for the manifest's merged records too: merging only joins or drops records,
 *       so the narrowest merged block is no narrower than the narrowest block read. Its consequence, also
 *       checked: with c_d <= b_d a block's hull is at most prod(3 b_d - 2) elements, so the container
 *       stores less than 3^rank times the blocks read. After later runs the chunk shape stays the first
 *       run's: blocks narrower than a chunk then cost up to a chunk each, and only the hull bound applies.
 *       The manifest's bytes_stored and chunks_stored equal the container's.
 *  6. manifest: it parses (carve_manifest_read_file); format 1; origin location and stamp match the
 *     origin file (size and mtime, or remote size and ETag); generation and run list as given; container
 *     name <base>-<16 hex>.carve.h5 beside <stem>.carve.yaml; skeleton; HDF5 version; per dataset
 *     origin_layout, store, dims, chunk shape and the origin's creation list (origin_dcpl) where the
 *     container's layout differs; the container's datasets keep the origin's type and extent.
 *  7. the manifest embedded in the container (carve_container_read_manifest) emits the same text as the
 *     file beside it, and that file holds exactly that text.
 *     A dataset held whole (`held: all`: carve stores datasets of references whole) is checked as a
 *     whole instead: references in its type, every element equal, bytes_stored, and the reads recorded.
 *  8. skeleton: `full`: every object of the origin is at its path in the container and the container has
 *     no other (carve's bookkeeping is invisible to a walk); `touched`: the container holds exactly the
 *     objects the manifest lists as touched (objects, datasets, attribute holders) and the groups on their
 *     paths.
 *  9. external links (both files walked with H5Lvisit2): every external link of the container is the
 *     origin's at the same path with the same target (file and object as the link stores them); `full`:
 *     the container holds every one of the origin's; the manifest's external_links are exactly the
 *     origin's external links the container holds, path, file and object alike.
 *
 * Limits: element sets are kept as one byte per element; a dataset of more than 2^26 elements is refused
 * with a message (the zoo's largest has 10^4).
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "carve_check.h"
#include "carve_container.h"
#include "carve_error.h"
#include "carve_manifest.h"

#define VERIFY_MAX_ELEMENTS ((hsize_t)1 << 26)
#define VERIFY_MAX_FILES    16
/* container_chunk_shape()'s size target (CONTAINER_CHUNK_TARGET in carve_container.c). */
#define VERIFY_CHUNK_TARGET ((hsize_t)64 * 1024)

/* ---------------------------------------------------------------------------------------------- */
/* Reporting                                                                                        */

static void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An indented line explaining the FAIL (or NOTE) around it. */
static void
detail(const char *fmt, ...)
{
    va_list ap;

    printf("    ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
note(const char *fmt, ...)
{
    va_list ap;

    printf("NOTE: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void
print_hdf5_stack(void)
{
    H5Eprint2(H5E_DEFAULT, stdout);
    H5Eclear2(H5E_DEFAULT);
}

static const char *
dims_text(char *buf, size_t size, int rank, const hsize_t *v)
{
    size_t at = 0;

    buf[0] = '\0';
    at += (size_t)snprintf(buf, size, "(");
    for (int d = 0; d < rank && at < size; d++)
        at += (size_t)snprintf(buf + at, size - at, "%s%llu", d ? "," : "", (unsigned long long)v[d]);
    if (at < size)
        snprintf(buf + at, size - at, ")");
    return buf;
}

/* ---------------------------------------------------------------------------------------------- */
/* Files, objects                                                                                   */

static hid_t
open_native(const char *path)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = H5I_INVALID_HID;

    if (fapl >= 0 && H5Pset_vol(fapl, H5VL_NATIVE, NULL) >= 0)
        file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    return file;
}

/* Opens an object by path without printing HDF5's stack on failure. */
static hid_t
open_quietly(hid_t file, const char *path)
{
    hid_t obj = H5I_INVALID_HID;

    H5E_BEGIN_TRY
    {
        obj = H5Oopen(file, path, H5P_DEFAULT);
    }
    H5E_END_TRY
    return obj;
}

static int
token_of(hid_t file, const char *path, H5O_token_t *token, H5O_type_t *type)
{
    H5O_info2_t info;
    herr_t      status = -1;

    H5E_BEGIN_TRY
    {
        status = H5Oget_info_by_name3(file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT);
    }
    H5E_END_TRY
    if (status < 0)
        return -1;
    *token = info.token;
    if (type)
        *type = info.type;
    return 0;
}

static int
same_token(const H5O_token_t *a, const H5O_token_t *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Element sets (one byte per element, row-major)                                                   */

typedef struct elemset_t {
    int      rank;
    hsize_t  dims[H5S_MAX_RANK];
    hsize_t  n; /* elements in the extent */
    uint8_t *bits;
} elemset_t;

static int
elemset_init(elemset_t *s, int rank, const hsize_t *dims, hsize_t npoints)
{
    memset(s, 0, sizeof *s);
    s->rank = rank;
    for (int d = 0; d < rank; d++)
        s->dims[d] = dims[d];
    s->n = npoints;
    if (npoints > VERIFY_MAX_ELEMENTS)
        return -1;
    s->bits = calloc(npoints ? (size_t)npoints : 1, 1);
    return s->bits ? 0 : -1;
}

static void
elemset_clear(elemset_t *s)
{
    free(s->bits);
    s->bits = NULL;
}

static hsize_t
elemset_count(const elemset_t *s)
{
    hsize_t c = 0;

    for (hsize_t i = 0; i < s->n; i++)
        c += s->bits[i] != 0;
    return c;
}

static hsize_t
linear_index(int rank, const hsize_t *dims, const hsize_t *coords)
{
    hsize_t idx = 0;

    for (int d = 0; d < rank; d++)
        idx = idx * dims[d] + coords[d];
    return idx;
}

static void
coords_of(int rank, const hsize_t *dims, hsize_t idx, hsize_t *coords)
{
    for (int d = rank - 1; d >= 0; d--) {
        coords[d] = dims[d] ? idx % dims[d] : 0;
        idx       = dims[d] ? idx / dims[d] : 0;
    }
}

/* Marks one hyperslab record (rank 0: the scalar's element). Returns the number of elements it names,
 * or -1 (with *why) when it leaves the extent or is malformed. */
static int64_t
elemset_add_record(elemset_t *s, const hsize_t *start, const hsize_t *stride, const hsize_t *count,
                   const hsize_t *block, const char **why)
{
    int     rank  = s->rank;
    hsize_t total = 1, coords[H5S_MAX_RANK];

    if (rank == 0) {
        if (s->n == 0) {
            *why = "a record in a dataspace without elements";
            return -1;
        }
        s->bits[0] = 1;
        return 1;
    }
    for (int d = 0; d < rank; d++) {
        if (count[d] == 0 || block[d] == 0 || (count[d] > 1 && stride[d] < block[d])) {
            *why = "zero count/block or a stride smaller than the block";
            return -1;
        }
        if (start[d] + (count[d] - 1) * stride[d] + block[d] > s->dims[d]) {
            *why = "the record leaves the extent";
            return -1;
        }
        total *= count[d] * block[d];
    }
    /* Element i of the record: per dimension (last fastest) an index into count * block. */
    for (hsize_t i = 0; i < total; i++) {
        hsize_t rest = i;

        for (int d = rank - 1; d >= 0; d--) {
            hsize_t span = count[d] * block[d];
            hsize_t at   = rest % span;

            rest /= span;
            coords[d] = start[d] + (at / block[d]) * stride[d] + at % block[d];
        }
        s->bits[linear_index(rank, s->dims, coords)] = 1;
    }
    return (int64_t)total;
}

/* Reports up to 5 elements in a and not in b. Returns how many there are. */
static hsize_t
elemset_report_difference(const elemset_t *a, const elemset_t *b, const char *what)
{
    hsize_t n = 0;
    char    buf[256];

    for (hsize_t i = 0; i < a->n; i++)
        if (a->bits[i] && !b->bits[i]) {
            if (n < 5) {
                hsize_t c[H5S_MAX_RANK];

                coords_of(a->rank, a->dims, i, c);
                detail("%s: element %s", what, dims_text(buf, sizeof buf, a->rank, c));
            }
            n++;
        }
    if (n > 5)
        detail("%s: ... %llu elements in all", what, (unsigned long long)n);
    return n;
}

/* ---------------------------------------------------------------------------------------------- */
/* The expected reads                                                                               */

typedef struct expected_ds_t {
    char       *path; /* the first path a read named */
    H5O_token_t token;
    int         rank;
    hsize_t     dims[H5S_MAX_RANK];
    size_t      type_size;
    elemset_t   read; /* union of the reads */
    uint64_t    reads;
    uint64_t    elements_read; /* sum over reads */
    int         matched;       /* a manifest entry was found for it */
} expected_ds_t;

typedef struct expected_attr_t {
    char       *object;
    char       *name;
    H5O_token_t token;
    int         matched;
} expected_attr_t;

typedef struct expected_t {
    size_t           nds;
    expected_ds_t   *ds;
    size_t           nattrs;
    expected_attr_t *attrs;
} expected_t;

static expected_ds_t *
expected_find(expected_t *e, const H5O_token_t *token)
{
    for (size_t i = 0; i < e->nds; i++)
        if (same_token(&e->ds[i].token, token))
            return &e->ds[i];
    return NULL;
}

/* Decodes %XX escapes in place. */
static int
unescape(char *s)
{
    char *out = s;

    for (char *p = s; *p; p++) {
        if (*p == '%') {
            unsigned v;

            if (sscanf(p + 1, "%2x", &v) != 1)
                return -1;
            *out++ = (char)v;
            p += 2;
        }
        else
            *out++ = *p;
    }
    *out = '\0';
    return 0;
}

/* "a,b,c" (or "-" for rank 0) into v; returns the number of values or -1. */
static int
parse_list(const char *text, hsize_t *v)
{
    int         n = 0;
    const char *p = text;

    if (strcmp(text, "-") == 0)
        return 0;
    while (*p) {
        char *end;

        if (n == H5S_MAX_RANK)
            return -1;
        errno  = 0;
        v[n++] = strtoull(p, &end, 10);
        if (errno || end == p || (*end && *end != ','))
            return -1;
        p = *end ? end + 1 : end;
    }
    return n;
}

static expected_ds_t *
expected_dataset(expected_t *e, hid_t origin, const char *path, const char *where)
{
    H5O_token_t    token;
    H5O_type_t     type;
    expected_ds_t *ds;
    hid_t          dset, space, ftype;
    hssize_t       npoints;

    if (token_of(origin, path, &token, &type) < 0 || type != H5O_TYPE_DATASET) {
        carve_check(0, "%s: the dataset %s read by the program exists in the origin", where, path);
        return NULL;
    }
    if ((ds = expected_find(e, &token)))
        return ds;
    if (NULL == (e->ds = realloc(e->ds, (e->nds + 1) * sizeof *e->ds)))
        return NULL;
    ds = &e->ds[e->nds];
    memset(ds, 0, sizeof *ds);
    ds->path  = strdup(path);
    ds->token = token;
    dset      = H5Dopen2(origin, path, H5P_DEFAULT);
    space     = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
    ftype     = dset >= 0 ? H5Dget_type(dset) : H5I_INVALID_HID;
    npoints   = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    ds->rank  = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (ds->rank > 0)
        H5Sget_simple_extent_dims(space, ds->dims, NULL);
    ds->type_size = ftype >= 0 ? H5Tget_size(ftype) : 0;
    if (ftype >= 0)
        H5Tclose(ftype);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    if (ds->rank < 0 || npoints < 0 || elemset_init(&ds->read, ds->rank, ds->dims, (hsize_t)npoints) < 0) {
        carve_check(0, "%s: %s can be inspected (at most %llu elements)", where, path,
                    (unsigned long long)VERIFY_MAX_ELEMENTS);
        return NULL;
    }
    e->nds++;
    return ds;
}

/* Reads one expected file into e. Returns 0, or -1 after a FAIL line. */
static int
expected_read(expected_t *e, hid_t origin, const char *file)
{
    FILE          *f = fopen(file, "r");
    char           line[8192], where[4200];
    unsigned       lineno        = 0;
    expected_ds_t *cur           = NULL;
    int            have_checksum = 0, ok = 1;

    if (!f) {
        carve_check(0, "the expected file %s can be read (%s)", file, strerror(errno));
        return -1;
    }
    while (ok && fgets(line, sizeof line, f)) {
        char *tok[6];
        int   ntok = 0;
        char *save = NULL;

        lineno++;
        snprintf(where, sizeof where, "%s:%u", file, lineno);
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        for (char *t = strtok_r(line, " ", &save); t && ntok < 6; t = strtok_r(NULL, " ", &save))
            tok[ntok++] = t;
        if (ntok == 2 && strcmp(tok[0], "dataset") == 0) {
            if (unescape(tok[1]) < 0 || NULL == (cur = expected_dataset(e, origin, tok[1], where)))
                ok = 0;
            else
                cur->reads++;
        }
        else if (ntok == 3 && strcmp(tok[0], "attribute") == 0) {
            expected_attr_t a;

            memset(&a, 0, sizeof a);
            if (unescape(tok[1]) < 0 || unescape(tok[2]) < 0 ||
                token_of(origin, tok[1], &a.token, NULL) < 0) {
                carve_check(0, "%s: the attribute's object %s exists in the origin", where, tok[1]);
                ok = 0;
                break;
            }
            cur = NULL;
            for (size_t i = 0; i < e->nattrs; i++)
                if (same_token(&e->attrs[i].token, &a.token) && strcmp(e->attrs[i].name, tok[2]) == 0)
                    a.name = e->attrs[i].name;
            if (a.name)
                continue;
            a.object = strdup(tok[1]);
            a.name   = strdup(tok[2]);
            if (NULL == (e->attrs = realloc(e->attrs, (e->nattrs + 1) * sizeof *e->attrs)))
                ok = 0;
            else
                e->attrs[e->nattrs++] = a;
        }
        else if (ntok == 2 && strcmp(tok[0], "checksum") == 0) {
            have_checksum = 1;
            cur           = NULL;
        }
        else if (cur && ntok == 1 && strcmp(tok[0], "all") == 0) {
            memset(cur->read.bits, 1, cur->read.n ? (size_t)cur->read.n : 0);
            cur->elements_read += cur->read.n;
        }
        else if (cur && ntok == 1 && strcmp(tok[0], "none") == 0) {
            /* nothing read */
        }
        else if (cur && ((ntok == 5 && strcmp(tok[0], "slab") == 0) ||
                         (ntok == 2 && strcmp(tok[0], "point") == 0))) {
            hsize_t     v[4][H5S_MAX_RANK];
            int         n[4];
            const char *why = NULL;
            int64_t     got;

            if (tok[0][0] == 'p') {
                n[0] = parse_list(tok[1], v[0]);
                for (int d = 0; d < H5S_MAX_RANK; d++)
                    v[1][d] = v[2][d] = v[3][d] = 1;
                n[1] = n[2] = n[3] = n[0];
            }
            else
                for (int k = 0; k < 4; k++)
                    n[k] = parse_list(tok[k + 1], v[k]);
            for (int k = 0; k < 4; k++)
                if (n[k] != cur->rank)
                    why = "a field's rank differs from the dataset's";
            if (!why && (got = elemset_add_record(&cur->read, v[0], v[1], v[2], v[3], &why)) >= 0)
                cur->elements_read += (uint64_t)got;
            if (why) {
                carve_check(0, "%s: a valid selection record for %s (%s)", where, cur->path, why);
                ok = 0;
            }
        }
        else {
            carve_check(0, "%s: a line of the expected-reads format (see workload.c)", where);
            ok = 0;
        }
    }
    fclose(f);
    if (ok && !have_checksum) {
        carve_check(0, "%s ends with its checksum line (the workload finished)", file);
        ok = 0;
    }
    return ok ? 0 : -1;
}

/* ---------------------------------------------------------------------------------------------- */
/* Comparing values                                                                                 */

/* 1 when a type's stored form refers into the file: variable-length sequences or strings, references,
 * anywhere inside it (H5Tdetect_class does not see variable-length strings as H5T_VLEN). */
static int
type_needs_decoding(hid_t type)
{
    int result = 0;

    switch (H5Tget_class(type)) {
        case H5T_VLEN:
        case H5T_REFERENCE:
            return 1;
        case H5T_STRING:
            return H5Tis_variable_str(type) > 0;
        case H5T_COMPOUND:
            for (int i = 0, n = H5Tget_nmembers(type); i < n && !result; i++) {
                hid_t member = H5Tget_member_type(type, (unsigned)i);

                result = type_needs_decoding(member);
                H5Tclose(member);
            }
            return result;
        case H5T_ARRAY: {
            hid_t base = H5Tget_super(type);

            result = type_needs_decoding(base);
            H5Tclose(base);
            return result;
        }
        default:
            return 0;
    }
}

/* The selection of a region as a comparable text: type, then points or blocks. */
static char *
region_text(hid_t space)
{
    int          rank  = H5Sget_simple_extent_ndims(space);
    H5S_sel_type type  = H5Sget_select_type(space);
    hssize_t     n     = 0;
    hsize_t     *list  = NULL;
    size_t       nvals = 0, size, at;
    char        *text;

    if (type == H5S_SEL_POINTS && (n = H5Sget_select_elem_npoints(space)) > 0) {
        nvals = (size_t)n * (size_t)rank;
        if ((list = malloc(nvals * sizeof *list)))
            H5Sget_select_elem_pointlist(space, 0, (hsize_t)n, list);
    }
    else if (type == H5S_SEL_HYPERSLABS && (n = H5Sget_select_hyper_nblocks(space)) > 0) {
        nvals = (size_t)n * 2 * (size_t)rank;
        if ((list = malloc(nvals * sizeof *list)))
            H5Sget_select_hyper_blocklist(space, 0, (hsize_t)n, list);
    }
    size = 32 + nvals * 24;
    if (NULL == (text = malloc(size))) {
        free(list);
        return NULL;
    }
    at = (size_t)snprintf(text, size, "type %d:", (int)type);
    for (size_t i = 0; list && i < nvals && at < size; i++)
        at += (size_t)snprintf(text + at, size - at, " %llu", (unsigned long long)list[i]);
    free(list);
    return text;
}

typedef struct value_ctx_t {
    hid_t       origin, container;
    const char *path;
    hsize_t     element; /* index in the current read, for messages */
    int         reported;
} value_ctx_t;

static void value_mismatch(value_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
value_mismatch(value_ctx_t *ctx, const char *fmt, ...)
{
    char    msg[1024];
    va_list ap;

    if (ctx->reported++ >= 5)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    detail("%s, element %llu of the read: %s", ctx->path, (unsigned long long)ctx->element, msg);
}

/* What a reference points at, in one file, as text: "<name>" or "<name> <region>". */
static char *
reference_text(hid_t type, hid_t file, const void *ref)
{
    char  name[2048] = "";
    char *region     = NULL, *text;
    hid_t space      = H5I_INVALID_HID;

    H5E_BEGIN_TRY
    {
        if (H5Tequal(type, H5T_STD_REF_OBJ) > 0) {
            if (H5Rget_name(file, H5R_OBJECT, ref, name, sizeof name) < 0)
                strcpy(name, "<unresolvable>");
        }
        else if (H5Tequal(type, H5T_STD_REF_DSETREG) > 0) {
            if (H5Rget_name(file, H5R_DATASET_REGION, ref, name, sizeof name) < 0)
                strcpy(name, "<unresolvable>");
            space = H5Rget_region(file, H5R_DATASET_REGION, ref);
        }
        else {
            H5R_ref_t *r = (H5R_ref_t *)(uintptr_t)ref;

            if (H5Rget_obj_name(r, H5P_DEFAULT, name, sizeof name) < 0)
                strcpy(name, "<unresolvable>");
            if (H5Rget_type(r) == H5R_DATASET_REGION2)
                space = H5Ropen_region(r, H5P_DEFAULT, H5P_DEFAULT);
            else if (H5Rget_type(r) == H5R_ATTR) {
                size_t len = strlen(name);

                name[len] = '@';
                H5Rget_attr_name(r, name + len + 1, sizeof name - len - 1);
            }
        }
    }
    H5E_END_TRY
    if (space >= 0) {
        region = region_text(space);
        H5Sclose(space);
    }
    if (NULL != (text = malloc(strlen(name) + (region ? strlen(region) : 0) + 2)))
        sprintf(text, "%s%s%s", name, region ? " " : "", region ? region : "");
    free(region);
    return text;
}

/* Compares one value of a memory type read from the origin (a) and the container (b). */
static void
compare_value(value_ctx_t *ctx, hid_t type, const unsigned char *a, const unsigned char *b)
{
    size_t size = H5Tget_size(type);

    switch (H5Tget_class(type)) {
        case H5T_STRING:
            if (H5Tis_variable_str(type) > 0) {
                const char *sa = *(char *const *)(const void *)a, *sb = *(char *const *)(const void *)b;

                if ((sa == NULL) != (sb == NULL) || (sa && strcmp(sa, sb) != 0))
                    value_mismatch(ctx, "string \"%s\" in the origin, \"%s\" in the container",
                                   sa ? sa : "(null)", sb ? sb : "(null)");
            }
            else if (memcmp(a, b, size) != 0)
                value_mismatch(ctx, "fixed-size string differs");
            break;
        case H5T_COMPOUND:
            for (int i = 0, n = H5Tget_nmembers(type); i < n; i++) {
                hid_t  member = H5Tget_member_type(type, (unsigned)i);
                size_t off    = H5Tget_member_offset(type, (unsigned)i);

                compare_value(ctx, member, a + off, b + off);
                H5Tclose(member);
            }
            break;
        case H5T_ARRAY: {
            hid_t  base  = H5Tget_super(type);
            size_t bsize = H5Tget_size(base);

            for (size_t off = 0; off + bsize <= size; off += bsize)
                compare_value(ctx, base, a + off, b + off);
            H5Tclose(base);
            break;
        }
        case H5T_VLEN: {
            const hvl_t *va = (const hvl_t *)(const void *)a, *vb = (const hvl_t *)(const void *)b;
            hid_t        base  = H5Tget_super(type);
            size_t       bsize = H5Tget_size(base);

            if (va->len != vb->len)
                value_mismatch(ctx, "sequence of %zu in the origin, %zu in the container", va->len, vb->len);
            else
                for (size_t i = 0; i < va->len; i++)
                    compare_value(ctx, base, (const unsigned char *)va->p + i * bsize,
                                  (const unsigned char *)vb->p + i * bsize);
            H5Tclose(base);
            break;
        }
        case H5T_REFERENCE: {
            char *ta = reference_text(type, ctx->origin, a), *tb = reference_text(type, ctx->container, b);

            if (!ta || !tb || strcmp(ta, tb) != 0)
                value_mismatch(ctx, "reference to %s in the origin, to %s in the container", ta ? ta : "?",
                               tb ? tb : "?");
            free(ta);
            free(tb);
            break;
        }
        default:
            if (memcmp(a, b, size) != 0)
                value_mismatch(ctx, "bytes differ");
            break;
    }
}

/* Reads file_space (a selection of both datasets' common extent; H5S_ALL: everything) from both and
 * compares. Returns the number of mismatches (0: equal), or -1 when a read failed (details printed). */
static int
compare_selection(hid_t origin, hid_t container, hid_t ods, hid_t cds, const char *path, hid_t file_space)
{
    hid_t       ftype  = H5Dget_type(ods);
    int         decode = type_needs_decoding(ftype);
    hid_t       mtype  = decode ? H5Tget_native_type(ftype, H5T_DIR_DEFAULT) : H5Tcopy(ftype);
    hsize_t     n;
    hid_t       mspace = H5S_ALL;
    size_t      esize  = H5Tget_size(mtype);
    void       *a = NULL, *b = NULL;
    value_ctx_t ctx;
    int         result = 0;

    if (file_space == H5S_ALL) {
        hid_t    s  = H5Dget_space(ods);
        hssize_t np = H5Sget_simple_extent_npoints(s);

        n = np > 0 ? (hsize_t)np : 0;
        H5Sclose(s);
    }
    else {
        hssize_t np = H5Sget_select_npoints(file_space);

        n = np > 0 ? (hsize_t)np : 0;
        if (n == 0) {
            H5Tclose(mtype);
            H5Tclose(ftype);
            return 0;
        }
        mspace = H5Screate_simple(1, &n, NULL);
    }
    a = calloc(n ? (size_t)n : 1, esize);
    b = calloc(n ? (size_t)n : 1, esize);
    if (!a || !b || H5Dread(ods, mtype, mspace, file_space, H5P_DEFAULT, a) < 0) {
        detail("%s: cannot read the origin", path);
        print_hdf5_stack();
        result = -1;
    }
    else if (H5Dread(cds, mtype, mspace, file_space, H5P_DEFAULT, b) < 0) {
        detail("%s: cannot read the container", path);
        print_hdf5_stack();
        result = -1;
        if (decode) {
            hid_t rs = H5Screate_simple(1, &n, NULL);

            H5Treclaim(mtype, rs, H5P_DEFAULT, a);
            H5Sclose(rs);
        }
    }
    else {
        memset(&ctx, 0, sizeof ctx);
        ctx.origin    = origin;
        ctx.container = container;
        ctx.path      = path;
        for (hsize_t i = 0; i < n; i++) {
            ctx.element = i;
            compare_value(&ctx, mtype, (unsigned char *)a + i * esize, (unsigned char *)b + i * esize);
        }
        result = ctx.reported;
        if (decode && n) {
            hid_t rs = H5Screate_simple(1, &n, NULL);

            H5Treclaim(mtype, rs, H5P_DEFAULT, a);
            H5Treclaim(mtype, rs, H5P_DEFAULT, b);
            H5Sclose(rs);
        }
    }
    free(a);
    free(b);
    if (mspace != H5S_ALL)
        H5Sclose(mspace);
    H5Tclose(mtype);
    H5Tclose(ftype);
    return result;
}

/* ---------------------------------------------------------------------------------------------- */
/* One manifest dataset                                                                             */

typedef struct verify_t {
    const char        *origin_path, *container_path, *manifest_path;
    hid_t              origin, container;
    carve_manifest_t   manifest;
    expected_t         expected;
    unsigned long long generation, runs;
    const char        *origin_location; /* NULL: the realpath of origin_path */
    const char        *etag;
    const char        *skeleton;
    size_t             nskipped;
    const char        *skipped[VERIFY_MAX_FILES];
} verify_t;

static const char *
layout_name(hid_t dcpl)
{
    switch (H5Pget_layout(dcpl)) {
        case H5D_CHUNKED:
            return "chunked";
        case H5D_COMPACT:
            return "compact";
        case H5D_VIRTUAL:
            return "virtual";
        case H5D_CONTIGUOUS:
            return H5Pget_external_count(dcpl) > 0 ? "external" : "contiguous";
        default:
            return "unknown";
    }
}

/* The manifest's selection records as an element set; -1 on a malformed record (FAIL printed). */
static int
manifest_elements(const carve_manifest_dataset_t *md, const expected_ds_t *like, elemset_t *set)
{
    const carve_selection_t *sel = &md->selections;

    if (elemset_init(set, like->rank, like->dims, like->read.n) < 0)
        return -1;
    if (sel->nrecords && (sel->rank != like->rank)) {
        carve_check(0, "%s: the manifest's selections have the dataset's rank (%d, not %d)", md->path,
                    sel->rank, like->rank);
        return -1;
    }
    for (size_t i = 0; i < sel->nrecords; i++) {
        const char *why = NULL;

        if (elemset_add_record(set, CARVE_RECORD_START(sel, i), CARVE_RECORD_STRIDE(sel, i),
                               CARVE_RECORD_COUNT(sel, i), CARVE_RECORD_BLOCK(sel, i), &why) < 0) {
            carve_check(0, "%s: the manifest's selection record %zu is valid (%s)", md->path, i, why);
            return -1;
        }
    }
    return 0;
}

/* Chunk grid helpers: grid[d] = ceil(dims[d] / chunk[d]). */
static hsize_t
grid_of(int rank, const hsize_t *dims, const hsize_t *chunk, hsize_t *grid)
{
    hsize_t n = 1;

    for (int d = 0; d < rank; d++) {
        grid[d] = chunk[d] ? (dims[d] + chunk[d] - 1) / chunk[d] : 0;
        n *= grid[d];
    }
    return n;
}

/* Marks in `chunks` (over the grid) every chunk holding an element of `elems`. */
static int
chunks_of_elements(const elemset_t *elems, const hsize_t *chunk, elemset_t *chunks)
{
    hsize_t grid[H5S_MAX_RANK], n = grid_of(elems->rank, elems->dims, chunk, grid);

    if (elemset_init(chunks, elems->rank, grid, n) < 0)
        return -1;
    for (hsize_t i = 0; i < elems->n; i++)
        if (elems->bits[i]) {
            hsize_t c[H5S_MAX_RANK];

            coords_of(elems->rank, elems->dims, i, c);
            for (int d = 0; d < elems->rank; d++)
                c[d] /= chunk[d];
            chunks->bits[linear_index(elems->rank, grid, c)] = 1;
        }
    return 0;
}

/* Selects the box of chunk `coords` clipped to the extent. */
static int
select_chunk_box(hid_t space, int rank, const hsize_t *dims, const hsize_t *chunk, const hsize_t *coords)
{
    hsize_t start[H5S_MAX_RANK], count[H5S_MAX_RANK];

    for (int d = 0; d < rank; d++) {
        start[d] = coords[d] * chunk[d];
        count[d] = dims[d] - start[d] < chunk[d] ? dims[d] - start[d] : chunk[d];
    }
    return H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ? -1 : 0;
}

/* Check 2 for one chunk: raw bytes, mask and size equal; unwritten in both. Returns 0 when equal. */
static int
compare_raw_chunk(hid_t ods, hid_t cds, const char *path, int rank, const hsize_t *offset,
                  hsize_t *origin_size)
{
    unsigned omask = 0, cmask = 0;
    haddr_t  oaddr = HADDR_UNDEF, caddr = HADDR_UNDEF;
    hsize_t  osize = 0, csize = 0;
    char     buf[256];
    int      bad = 0;
    herr_t   cstatus;

    *origin_size = 0;
    if (H5Dget_chunk_info_by_coord(ods, offset, &omask, &oaddr, &osize) < 0) {
        detail("%s: chunk at %s: H5Dget_chunk_info_by_coord fails on the origin", path,
               dims_text(buf, sizeof buf, rank, offset));
        print_hdf5_stack();
        return 1;
    }
    H5E_BEGIN_TRY
    {
        cstatus = H5Dget_chunk_info_by_coord(cds, offset, &cmask, &caddr, &csize);
    }
    H5E_END_TRY
    if (cstatus < 0) {
        caddr = HADDR_UNDEF;
        csize = 0;
    }
    if (oaddr == HADDR_UNDEF || osize == 0) {
        if (caddr != HADDR_UNDEF && csize != 0) {
            detail("%s: chunk at %s: never written in the origin, but stored (%llu bytes) in the container",
                   path, dims_text(buf, sizeof buf, rank, offset), (unsigned long long)csize);
            return 1;
        }
        return 0;
    }
    *origin_size = osize;
    if (caddr == HADDR_UNDEF || csize == 0) {
        detail("%s: chunk at %s: %llu bytes in the origin, missing from the container", path,
               dims_text(buf, sizeof buf, rank, offset), (unsigned long long)osize);
        return 1;
    }
    if (osize != csize || omask != cmask) {
        detail("%s: chunk at %s: %llu bytes, filter mask %#x in the origin; %llu bytes, mask %#x in the "
               "container",
               path, dims_text(buf, sizeof buf, rank, offset), (unsigned long long)osize, omask,
               (unsigned long long)csize, cmask);
        return 1;
    }
    {
        unsigned char *a = malloc((size_t)osize), *b = malloc((size_t)csize);
        uint32_t       fa = 0, fb = 0;

        if (!a || !b || H5Dread_chunk(ods, H5P_DEFAULT, offset, &fa, a) < 0 ||
            H5Dread_chunk(cds, H5P_DEFAULT, offset, &fb, b) < 0) {
            detail("%s: chunk at %s: H5Dread_chunk failed", path, dims_text(buf, sizeof buf, rank, offset));
            print_hdf5_stack();
            bad = 1;
        }
        else if (fa != fb || memcmp(a, b, (size_t)osize) != 0) {
            detail("%s: chunk at %s: raw bytes differ (filter masks %#x, %#x)", path,
                   dims_text(buf, sizeof buf, rank, offset), (unsigned)fa, (unsigned)fb);
            bad = 1;
        }
        free(a);
        free(b);
    }
    return bad;
}

/* Every chunk stored in the container dataset must be in `allowed` (chunk grid coordinates). */
static int
container_chunks_within(hid_t cds, const char *path, int rank, const hsize_t *chunk, const elemset_t *allowed,
                        hsize_t *nstored)
{
    hid_t   space = H5Dget_space(cds);
    hsize_t n     = 0;
    int     bad   = 0;
    char    buf[256];

    *nstored = 0;
    if (space < 0 || H5Dget_num_chunks(cds, space, &n) < 0) {
        detail("%s: cannot count the container's chunks", path);
        print_hdf5_stack();
        if (space >= 0)
            H5Sclose(space);
        return 1;
    }
    *nstored = n;
    for (hsize_t i = 0; i < n; i++) {
        hsize_t  offset[H5S_MAX_RANK], c[H5S_MAX_RANK];
        unsigned mask;
        haddr_t  addr;
        hsize_t  size;

        if (H5Dget_chunk_info(cds, space, i, offset, &mask, &addr, &size) < 0) {
            detail("%s: cannot read the container's chunk %llu", path, (unsigned long long)i);
            bad = 1;
            break;
        }
        for (int d = 0; d < rank; d++)
            c[d] = offset[d] / chunk[d];
        if (!allowed->bits[linear_index(rank, allowed->dims, c)]) {
            if (bad < 5)
                detail("%s: the container stores chunk %s, which holds nothing claimed", path,
                       dims_text(buf, sizeof buf, rank, c));
            bad++;
        }
    }
    H5Sclose(space);
    return bad;
}

/* Bytes one element takes in the file. H5Tget_size gives it for fixed-size types; for variable-length data
 * and references it gives the size in memory (hvl_t, char *, H5R_ref_t), not the stored form (a global heap
 * ID, an encoded reference): then it is measured on the origin, whose contiguous or compact storage holds
 * exactly one stored form per element. 0 when it cannot be known (the size checks then say so). */
static size_t
disk_element_size(hid_t ods, hid_t odcpl, hid_t type, int decode, hsize_t npoints)
{
    H5D_layout_t layout = H5Pget_layout(odcpl);
    hsize_t      storage;

    if (!decode)
        return H5Tget_size(type);
    if ((layout != H5D_CONTIGUOUS && layout != H5D_COMPACT) || npoints == 0 ||
        (storage = H5Dget_storage_size(ods)) == 0 || storage % npoints != 0)
        return 0;
    return (size_t)(storage / npoints);
}

/* A dataset the container holds whole (held: all): carve stores datasets of references whole, with the
 * skeleton. Checked: its type holds references; every element equals the origin's; bytes_stored is the
 * container's; and what the run read is still recorded exactly (nothing when it was not read). */
static void
verify_whole_dataset(verify_t *v, carve_manifest_dataset_t *md, const H5O_token_t *token)
{
    const char    *path = md->path;
    expected_ds_t *ex   = expected_find(&v->expected, token);
    hid_t          ods = H5I_INVALID_HID, cds = H5I_INVALID_HID, type = H5I_INVALID_HID;
    elemset_t      claimed;
    int            r;

    memset(&claimed, 0, sizeof claimed);
    printf("--- %s (held: all)\n", path);
    carve_check(strcmp(md->held, "all") == 0, "%s: held is 'all' ('%s')", path, md->held);
    if ((ods = H5Dopen2(v->origin, path, H5P_DEFAULT)) < 0 ||
        (cds = H5Dopen2(v->container, path, H5P_DEFAULT)) < 0 || (type = H5Dget_type(ods)) < 0) {
        carve_check(0, "%s: the dataset is in the origin and the container", path);
        goto done;
    }
    carve_check(H5Tdetect_class(type, H5T_REFERENCE) > 0, "%s: a dataset held whole holds references", path);
    r = compare_selection(v->origin, v->container, ods, cds, path, H5S_ALL);
    carve_check(r == 0, "%s: every element equals the origin's (references by what they point at)", path);
    carve_check(md->bytes_stored == H5Dget_storage_size(cds),
                "%s: manifest bytes_stored %" PRIu64 " is the container's", path, md->bytes_stored);
    if (ex) {
        ex->matched = 1;
        carve_check(md->elements_read == ex->elements_read,
                    "%s: elements_read %" PRIu64 " is the sum read (%" PRIu64 ")", path, md->elements_read,
                    ex->elements_read);
        if (manifest_elements(md, ex, &claimed) >= 0)
            carve_check(
                elemset_report_difference(&claimed, &ex->read, "in the manifest, never read") == 0 &&
                    elemset_report_difference(&ex->read, &claimed, "read, missing from the manifest") == 0,
                "%s: manifest selections = the union read", path);
    }
    else
        carve_check(md->elements_read == 0 && carve_selection_is_empty(&md->selections),
                    "%s: not read by the program: no reads recorded (%" PRIu64 " elements)", path,
                    md->elements_read);

done:
    elemset_clear(&claimed);
    if (type >= 0)
        H5Tclose(type);
    if (cds >= 0)
        H5Dclose(cds);
    if (ods >= 0)
        H5Dclose(ods);
}

static void
verify_dataset(verify_t *v, carve_manifest_dataset_t *md)
{
    const char    *path = md->path;
    H5O_token_t    token;
    H5O_type_t     otype;
    expected_ds_t *ex;
    hid_t ods = H5I_INVALID_HID, cds = H5I_INVALID_HID, odcpl = H5I_INVALID_HID, cdcpl = H5I_INVALID_HID;
    hid_t ospace = H5I_INVALID_HID, cspace = H5I_INVALID_HID, otype_id = H5I_INVALID_HID,
          ctype_id = H5I_INVALID_HID;
    elemset_t claimed, chunks_touched, manifest_chunks;
    hsize_t   dims[H5S_MAX_RANK], maxd[H5S_MAX_RANK], cdims[H5S_MAX_RANK], cmaxd[H5S_MAX_RANK];
    hsize_t   ochunk[H5S_MAX_RANK], cchunk[H5S_MAX_RANK];
    int       rank, origin_chunked, container_chunked, storable, decode;
    size_t    elem;
    char      b1[256], b2[256];

    memset(&claimed, 0, sizeof claimed);
    memset(&chunks_touched, 0, sizeof chunks_touched);
    memset(&manifest_chunks, 0, sizeof manifest_chunks);
    printf("--- %s (store: %s)\n", path, md->store == CARVE_STORE_CHUNKS ? "chunks" : "elements");

    /* Check 4 (identity): the dataset was read. */
    if (token_of(v->origin, path, &token, &otype) < 0 || otype != H5O_TYPE_DATASET) {
        carve_check(0, "%s: the manifest's dataset is a dataset of the origin", path);
        return;
    }
    if (md->held) {
        verify_whole_dataset(v, md, &token);
        return;
    }
    ex = expected_find(&v->expected, &token);
    carve_check(ex != NULL, "%s: was read by the program (the manifest lists no dataset that was not read)",
                path);
    if (!ex)
        return;
    ex->matched = 1;

    if ((ods = H5Dopen2(v->origin, path, H5P_DEFAULT)) < 0 || (odcpl = H5Dget_create_plist(ods)) < 0 ||
        (ospace = H5Dget_space(ods)) < 0 || (otype_id = H5Dget_type(ods)) < 0) {
        carve_check(0, "%s: the origin's dataset can be inspected", path);
        print_hdf5_stack();
        goto done;
    }
    H5E_BEGIN_TRY
    {
        cds = H5Dopen2(v->container, path, H5P_DEFAULT);
    }
    H5E_END_TRY
    carve_check(cds >= 0, "%s: is in the container at the same path", path);
    if (cds < 0 || (cdcpl = H5Dget_create_plist(cds)) < 0 || (cspace = H5Dget_space(cds)) < 0 ||
        (ctype_id = H5Dget_type(cds)) < 0)
        goto done;

    /* Check 6 (per dataset): type, extent, layout, store, chunk shape, origin_dcpl. */
    rank = H5Sget_simple_extent_ndims(ospace);
    H5Sget_simple_extent_dims(ospace, dims, maxd);
    H5Sget_simple_extent_dims(cspace, cdims, cmaxd);
    decode            = type_needs_decoding(otype_id);
    elem              = disk_element_size(ods, odcpl, otype_id, decode, ex->read.n);
    origin_chunked    = H5Pget_layout(odcpl) == H5D_CHUNKED;
    container_chunked = H5Pget_layout(cdcpl) == H5D_CHUNKED;
    storable          = rank >= 1 && H5Sget_simple_extent_type(ospace) == H5S_SIMPLE && ex->read.n > 0;
    carve_check(H5Tequal(otype_id, ctype_id) > 0, "%s: the container's datatype equals the origin's", path);
    carve_check(H5Sget_simple_extent_type(ospace) == H5Sget_simple_extent_type(cspace) &&
                    H5Sget_simple_extent_ndims(cspace) == rank &&
                    memcmp(dims, cdims, (size_t)rank * sizeof *dims) == 0 &&
                    memcmp(maxd, cmaxd, (size_t)rank * sizeof *maxd) == 0,
                "%s: the container's dataspace equals the origin's %s", path,
                dims_text(b1, sizeof b1, rank, dims));
    carve_check(md->rank == rank && memcmp(md->dims, dims, (size_t)rank * sizeof *dims) == 0,
                "%s: manifest dims %s equal the origin's", path,
                dims_text(b1, sizeof b1, md->rank, md->dims));
    carve_check(md->origin_layout && strcmp(md->origin_layout, layout_name(odcpl)) == 0,
                "%s: manifest origin_layout '%s' is the origin's (%s)", path,
                md->origin_layout ? md->origin_layout : "(none)", layout_name(odcpl));
    carve_check(md->store == (origin_chunked && storable ? CARVE_STORE_CHUNKS : CARVE_STORE_ELEMENTS),
                "%s: store is %s for a %s dataset%s", path,
                origin_chunked && storable ? "chunks" : "elements", layout_name(odcpl),
                storable ? "" : " without elements to chunk");
    if (origin_chunked) {
        H5Pget_chunk(odcpl, rank, ochunk);
        carve_check(container_chunked && H5Pget_chunk(cdcpl, rank, cchunk) == rank &&
                        memcmp(ochunk, cchunk, (size_t)rank * sizeof *ochunk) == 0,
                    "%s: the container keeps the origin's chunk shape %s", path,
                    dims_text(b1, sizeof b1, rank, ochunk));
        {
            int nf = H5Pget_nfilters(odcpl), same = nf == H5Pget_nfilters(cdcpl);

            for (int i = 0; same && i < nf; i++) {
                unsigned     fo = 0, fc = 0;
                size_t       no = 16, nc = 16;
                unsigned     vo[16], vc[16];
                H5Z_filter_t ido = H5Pget_filter2(odcpl, (unsigned)i, &fo, &no, vo, 0, NULL, NULL);
                H5Z_filter_t idc = H5Pget_filter2(cdcpl, (unsigned)i, &fc, &nc, vc, 0, NULL, NULL);

                same = ido == idc && fo == fc && no == nc && memcmp(vo, vc, no * sizeof *vo) == 0;
            }
            carve_check(same, "%s: the container keeps the origin's %d filter(s) and their parameters", path,
                        nf);
        }
    }
    else if (H5Pget_layout(odcpl) == H5D_COMPACT)
        carve_check(H5Pget_layout(cdcpl) == H5D_COMPACT,
                    "%s: compact in the origin, compact in the container", path);
    else if (storable)
        carve_check(container_chunked, "%s: stored chunked in the container in place of %s", path,
                    layout_name(odcpl));
    if (container_chunked) {
        H5Pget_chunk(cdcpl, rank, cchunk);
        carve_check(md->chunked && memcmp(md->chunk, cchunk, (size_t)rank * sizeof *cchunk) == 0,
                    "%s: manifest chunk %s is the container's chunk shape %s", path,
                    md->chunked ? dims_text(b1, sizeof b1, rank, md->chunk) : "(absent)",
                    dims_text(b2, sizeof b2, rank, cchunk));
    }
    else
        carve_check(!md->chunked, "%s: no manifest chunk shape for a dataset the container stores unchunked",
                    path);
    if (H5Pget_layout(odcpl) != H5Pget_layout(cdcpl) || md->origin_dcpl) {
        void  *enc = NULL, *own = NULL;
        size_t len = 0, own_len = 0;
        hid_t  decoded = H5I_INVALID_HID, expected = H5Pcopy(odcpl);
        int    same = 0;

        /* The manifest carries H5Pencode2 of the origin's list: the same bytes as encoding it here (H5Pequal
         * cannot compare a virtual layout: it compares the mappings' internal state). It must decode too.
         * A fill value whose type holds pointers (variable-length data, references) is left out: HDF5
         * encodes it in memory form, pointers included, which another process cannot decode. */
        if (expected >= 0 && decode)
            H5Pset_fill_value(expected, otype_id, NULL);
        if (md->origin_dcpl && carve_base64_decode(md->origin_dcpl, &enc, &len) >= 0 && expected >= 0 &&
            H5Pencode2(expected, NULL, &own_len, H5P_DEFAULT) >= 0 && own_len == len &&
            (own = malloc(own_len)) && H5Pencode2(expected, own, &own_len, H5P_DEFAULT) >= 0 &&
            memcmp(own, enc, len) == 0 && (decoded = H5Pdecode(enc)) >= 0)
            same = H5Pget_layout(decoded) == H5Pget_layout(odcpl);
        carve_check(same, "%s: manifest origin_dcpl %s the origin's creation list (%s layout%s)", path,
                    md->origin_dcpl ? "is the encoding of" : "is missing; it must carry", layout_name(odcpl),
                    decode ? ", fill value left out" : "");
        if (decoded >= 0)
            H5Pclose(decoded);
        if (expected >= 0)
            H5Pclose(expected);
        free(enc);
        free(own);
        H5Eclear2(H5E_DEFAULT);
    }

    /* Check 4: the read counts are the sums; the selections are exactly the union read. */
    carve_check(md->elements_read == ex->elements_read && md->bytes_read == ex->elements_read * ex->type_size,
                "%s: elements_read %" PRIu64 " and bytes_read %" PRIu64 " are the sums over %" PRIu64
                " reads (%" PRIu64 ", %" PRIu64 ")",
                path, md->elements_read, md->bytes_read, ex->reads, ex->elements_read,
                ex->elements_read * (uint64_t)ex->type_size);
    if (manifest_elements(md, ex, &claimed) < 0)
        goto done;
    {
        hsize_t extra   = elemset_report_difference(&claimed, &ex->read, "in the manifest, never read");
        hsize_t missing = elemset_report_difference(&ex->read, &claimed, "read, missing from the manifest");

        carve_check(extra == 0 && missing == 0,
                    "%s: manifest selections (%zu records) = the union read (%llu elements)", path,
                    md->selections.nrecords, (unsigned long long)elemset_count(&ex->read));
    }

    if (md->store == CARVE_STORE_CHUNKS) {
        hsize_t  grid[H5S_MAX_RANK], nchunks, sum = 0, stored = 0, nstored = 0;
        int      bad_data = 0, bad_raw = 0, read_failed = 0;
        hssize_t storage;

        if (!origin_chunked || chunks_of_elements(&ex->read, ochunk, &chunks_touched) < 0)
            goto done;
        nchunks = grid_of(rank, dims, ochunk, grid);
        if (elemset_init(&manifest_chunks, rank, grid, nchunks) < 0)
            goto done;
        carve_chunkset_finish(&md->chunks);
        for (size_t i = 0; i < md->chunks.n; i++) {
            hsize_t c[H5S_MAX_RANK];
            int     inside = 1;

            carve_chunkset_coords(&md->chunks, i, c);
            for (int d = 0; d < rank; d++)
                inside = inside && c[d] < grid[d];
            if (!inside) {
                detail("%s: manifest chunk %s lies outside the chunk grid %s", path,
                       dims_text(b1, sizeof b1, rank, c), dims_text(b2, sizeof b2, rank, grid));
                bad_data++;
                continue;
            }
            manifest_chunks.bits[linear_index(rank, grid, c)] = 1;
        }
        {
            hsize_t extra = elemset_report_difference(&manifest_chunks, &chunks_touched,
                                                      "chunk listed, nothing read in it");
            hsize_t missing =
                elemset_report_difference(&chunks_touched, &manifest_chunks, "chunk read, not listed");

            carve_check(extra == 0 && missing == 0 && bad_data == 0,
                        "%s: manifest chunks (%zu) = the chunks holding the elements read (%llu)", path,
                        md->chunks.n, (unsigned long long)elemset_count(&chunks_touched));
        }
        /* Checks 1, 2 and 5 over the listed chunks. */
        for (hsize_t ci = 0; ci < manifest_chunks.n; ci++) {
            hsize_t c[H5S_MAX_RANK], offset[H5S_MAX_RANK], osize = 0;
            int     r;

            if (!manifest_chunks.bits[ci])
                continue;
            coords_of(rank, grid, ci, c);
            for (int d = 0; d < rank; d++)
                offset[d] = c[d] * ochunk[d];
            if (select_chunk_box(ospace, rank, dims, ochunk, c) < 0 ||
                (r = compare_selection(v->origin, v->container, ods, cds, path, ospace)) < 0)
                read_failed++;
            else if (r > 0) {
                detail("%s: chunk %s: the container's elements differ from the origin's", path,
                       dims_text(b1, sizeof b1, rank, c));
                bad_data++;
            }
            if (!decode)
                bad_raw += compare_raw_chunk(ods, cds, path, rank, offset, &osize);
            else {
                unsigned m;
                haddr_t  a;

                if (H5Dget_chunk_info_by_coord(ods, offset, &m, &a, &osize) < 0)
                    osize = 0;
            }
            sum += osize;
        }
        carve_check(bad_data == 0 && read_failed == 0,
                    "%s: every element of the listed chunks equals the origin's (read with the file type%s)",
                    path, decode ? ", decoded" : "");
        if (!decode)
            carve_check(bad_raw == 0,
                        "%s: every listed chunk is raw byte-identical, same filter mask and size", path);
        else
            note("%s: a type with variable-length data or references: chunks are re-encoded, not raw copies",
                 path);
        {
            int outside = container_chunks_within(cds, path, rank, ochunk, &manifest_chunks, &nstored);

            carve_check(outside == 0,
                        "%s: the container stores no chunk outside the listed ones (%llu stored)", path,
                        (unsigned long long)nstored);
        }
        storage = (hssize_t)H5Dget_storage_size(cds);
        stored  = (hsize_t)storage;
        if (!decode)
            carve_check(stored == sum,
                        "%s: bytes stored %llu = the origin's stored sizes of the listed chunks %llu", path,
                        (unsigned long long)stored, (unsigned long long)sum);
        carve_check(md->bytes_stored == stored && md->chunks_stored == nstored,
                    "%s: manifest bytes_stored %" PRIu64 ", chunks_stored %" PRIu64
                    " are the container's (%llu, %llu)",
                    path, md->bytes_stored, md->chunks_stored, (unsigned long long)stored,
                    (unsigned long long)nstored);
    }
    else {
        /* store: elements. Check 1 record by record. */
        const carve_selection_t *sel = &md->selections;
        int                      bad = 0, failed = 0;
        hsize_t                  stored = H5Dget_storage_size(cds), nstored = 0;

        for (size_t i = 0; i < sel->nrecords; i++) {
            int r;

            if (rank == 0)
                r = compare_selection(v->origin, v->container, ods, cds, path, H5S_ALL);
            else if (H5Sselect_hyperslab(ospace, H5S_SELECT_SET, CARVE_RECORD_START(sel, i),
                                         CARVE_RECORD_STRIDE(sel, i), CARVE_RECORD_COUNT(sel, i),
                                         CARVE_RECORD_BLOCK(sel, i)) < 0)
                r = -1;
            else
                r = compare_selection(v->origin, v->container, ods, cds, path, ospace);
            if (r < 0)
                failed++;
            else if (r > 0) {
                detail("%s: selection record %zu: the container's elements differ from the origin's", path,
                       i);
                bad++;
            }
        }
        carve_check(bad == 0 && failed == 0,
                    "%s: every element of the %zu selection record(s) equals the origin's (read with the "
                    "file type%s)",
                    path, sel->nrecords, decode ? ", decoded" : "");

        /* Check 5: exact size, bound, chunk-shape rule. */
        if (container_chunked && rank >= 1) {
            hsize_t chunk_elems = 1, touched_chunks, exact, bound_elems,
                    union_elems = elemset_count(&ex->read);
            int nfilters = H5Pget_nfilters(cdcpl), all_ones = 1;

            for (int d = 0; d < rank; d++) {
                chunk_elems *= cchunk[d];
                all_ones = all_ones && cchunk[d] == 1;
            }
            if (chunks_of_elements(&claimed, cchunk, &chunks_touched) < 0)
                goto done;
            touched_chunks = elemset_count(&chunks_touched);
            exact          = touched_chunks * chunk_elems * elem;
            bound_elems    = union_elems;
            for (size_t i = 0; i < sel->nrecords; i++) {
                hsize_t nblocks = 1, hull = 1, box = 1;

                for (int d = 0; d < rank; d++) {
                    hsize_t b = CARVE_RECORD_BLOCK(sel, i)[d];

                    nblocks *= CARVE_RECORD_COUNT(sel, i)[d];
                    hull *= b + 2 * (cchunk[d] - 1);
                    box *= b;
                }
                bound_elems += nblocks * (hull - box);
            }
            {
                int outside = container_chunks_within(cds, path, rank, cchunk, &chunks_touched, &nstored);

                carve_check(outside == 0,
                            "%s: the container stores no chunk without a selected element (%llu stored)",
                            path, (unsigned long long)nstored);
            }
            if (elem == 0)
                note("%s: the stored size of one element is unknown (variable-length type, origin not "
                     "contiguous): "
                     "no size checks",
                     path);
            else if (nfilters == 0)
                carve_check(
                    stored == exact,
                    "%s: bytes stored %llu = %llu chunks touched x %llu elements x %zu bytes (chunk %s)",
                    path, (unsigned long long)stored, (unsigned long long)touched_chunks,
                    (unsigned long long)chunk_elems, elem, dims_text(b1, sizeof b1, rank, cchunk));
            else
                note("%s: the container's chunks are filtered: only the bound applies", path);
            if (elem)
                carve_check(
                    stored <= bound_elems * elem,
                    "%s: bytes stored %llu <= touched %llu + padding bound %llu (one chunk minus one element "
                    "per side per dimension of each block)",
                    path, (unsigned long long)stored, (unsigned long long)(union_elems * elem),
                    (unsigned long long)((bound_elems - union_elems) * elem));
            if (!origin_chunked && v->manifest.nruns == 1 && v->manifest.generation == 1) {
                /* carve sizes chunks by H5Tget_size (a variable-length string counts as a pointer). */
                int ok = all_ones || chunk_elems * H5Tget_size(otype_id) <= VERIFY_CHUNK_TARGET;

                for (int d = 0; d < rank; d++) {
                    hsize_t limit = dims[d];

                    for (size_t i = 0; i < sel->nrecords; i++)
                        if (CARVE_RECORD_BLOCK(sel, i)[d] < limit)
                            limit = CARVE_RECORD_BLOCK(sel, i)[d];
                    if (limit < 1)
                        limit = 1;
                    if (cchunk[d] > limit) {
                        detail("%s: chunk dimension %d is %llu, wider than the narrowest block read (%llu)",
                               path, d, (unsigned long long)cchunk[d], (unsigned long long)limit);
                        ok = 0;
                    }
                }
                carve_check(
                    ok, "%s: chunk shape %s follows the rule (no wider than the narrowest block, <= 64 KiB)",
                    path, dims_text(b1, sizeof b1, rank, cchunk));
                /* The rule's consequence: with c_d <= b_d a block's hull is at most prod(3 b_d - 2) elements. */
                if (elem) {
                    hsize_t limit = 0;

                    for (size_t i = 0; i < sel->nrecords; i++) {
                        hsize_t nblocks = 1, hull = 1;

                        for (int d = 0; d < rank; d++) {
                            nblocks *= CARVE_RECORD_COUNT(sel, i)[d];
                            hull *= 3 * CARVE_RECORD_BLOCK(sel, i)[d] - 2;
                        }
                        limit += nblocks * hull;
                    }
                    carve_check(
                        stored <= limit * elem,
                        "%s: bytes stored %llu <= %llu: each block read costs at most prod(3 b - 2) elements",
                        path, (unsigned long long)stored, (unsigned long long)(limit * elem));
                }
            }
        }
        else {
            /* Scalars and datasets without elements keep a layout without chunks; a compact dataset stays
             * compact, all its elements in its header (fill where nothing was read). */
            int     compact = H5Pget_layout(cdcpl) == H5D_COMPACT;
            hsize_t expect  = compact ? (hsize_t)H5Sget_simple_extent_npoints(cspace) * elem
                              : rank == 0 && ex->read.n > 0 && !carve_selection_is_empty(&md->selections)
                                  ? elem
                                  : 0;

            if ((compact || (rank == 0 && ex->read.n > 0)) && elem == 0)
                note("%s: the stored size of one element is unknown: no size check", path);
            else
                carve_check(stored == expect, "%s: bytes stored %llu = %llu (%s)", path,
                            (unsigned long long)stored, (unsigned long long)expect,
                            compact  ? "the compact dataset's elements"
                            : expect ? "the scalar's element"
                                     : "no elements");
        }
        carve_check(md->bytes_stored == stored,
                    "%s: manifest bytes_stored %" PRIu64 " is the container's %llu", path, md->bytes_stored,
                    (unsigned long long)stored);
        if (container_chunked)
            carve_check(md->chunks_stored == nstored,
                        "%s: manifest chunks_stored %" PRIu64 " is the container's %llu", path,
                        md->chunks_stored, (unsigned long long)nstored);
    }

done:
    elemset_clear(&claimed);
    elemset_clear(&chunks_touched);
    elemset_clear(&manifest_chunks);
    if (otype_id >= 0)
        H5Tclose(otype_id);
    if (ctype_id >= 0)
        H5Tclose(ctype_id);
    if (ospace >= 0)
        H5Sclose(ospace);
    if (cspace >= 0)
        H5Sclose(cspace);
    if (odcpl >= 0)
        H5Pclose(odcpl);
    if (cdcpl >= 0)
        H5Pclose(cdcpl);
    if (ods >= 0)
        H5Dclose(ods);
    if (cds >= 0)
        H5Dclose(cds);
}

/* ---------------------------------------------------------------------------------------------- */
/* Walking the files                                                                                */

typedef struct object_list_t {
    size_t       n;
    char       **paths;
    H5O_type_t  *types;
    H5O_token_t *tokens;
} object_list_t;

static herr_t
collect_object(hid_t obj, const char *name, const H5O_info2_t *info, void *udata)
{
    object_list_t *list = udata;
    char          *path = malloc(strlen(name) + 2);

    (void)obj;
    if (!path)
        return -1;
    if (strcmp(name, ".") == 0)
        strcpy(path, "/");
    else
        sprintf(path, "/%s", name);
    list->paths  = realloc(list->paths, (list->n + 1) * sizeof *list->paths);
    list->types  = realloc(list->types, (list->n + 1) * sizeof *list->types);
    list->tokens = realloc(list->tokens, (list->n + 1) * sizeof *list->tokens);
    if (!list->paths || !list->types || !list->tokens) {
        free(path);
        return -1;
    }
    list->paths[list->n]  = path;
    list->types[list->n]  = info->type;
    list->tokens[list->n] = info->token;
    list->n++;
    return 0;
}

/* Every object reachable by hard links, once each, with the first path the walk reached it by. */
static int
collect_objects(hid_t file, object_list_t *list)
{
    memset(list, 0, sizeof *list);
    return H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_INC, collect_object, list, H5O_INFO_BASIC) < 0 ? -1 : 0;
}

static void
free_objects(object_list_t *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->paths[i]);
    free(list->paths);
    free(list->types);
    free(list->tokens);
}

static carve_manifest_dataset_t *
manifest_dataset_by_token(verify_t *v, const H5O_token_t *token)
{
    for (size_t i = 0; i < v->manifest.ndatasets; i++) {
        H5O_token_t t;

        if (token_of(v->origin, v->manifest.datasets[i].path, &t, NULL) == 0 && same_token(&t, token))
            return &v->manifest.datasets[i];
    }
    return NULL;
}

/* Check 3: datasets of the container without a manifest entry hold nothing. */
static void
verify_unread_datasets(verify_t *v, const object_list_t *cobjs)
{
    int     bad = 0, checked = 0;
    hsize_t allowed_total = 0;

    for (size_t i = 0; i < cobjs->n; i++) {
        H5O_token_t otoken;
        hid_t       cds, dcpl, type, space;
        hsize_t     size;

        if (cobjs->types[i] != H5O_TYPE_DATASET)
            continue;
        if (token_of(v->origin, cobjs->paths[i], &otoken, NULL) == 0 && manifest_dataset_by_token(v, &otoken))
            continue;
        checked++;
        if ((cds = H5Dopen2(v->container, cobjs->paths[i], H5P_DEFAULT)) < 0) {
            detail("%s: cannot open it in the container", cobjs->paths[i]);
            bad++;
            continue;
        }
        size = H5Dget_storage_size(cds);
        if (size != 0) {
            H5D_layout_t     layout;
            H5D_alloc_time_t alloc = H5D_ALLOC_TIME_DEFAULT;
            hssize_t         np;

            dcpl   = H5Dget_create_plist(cds);
            type   = H5Dget_type(cds);
            space  = H5Dget_space(cds);
            layout = H5Pget_layout(dcpl);
            H5Pget_alloc_time(dcpl, &alloc);
            np = H5Sget_simple_extent_npoints(space);
            if ((layout == H5D_COMPACT || (layout == H5D_CONTIGUOUS && alloc == H5D_ALLOC_TIME_EARLY)) &&
                np >= 0 && size == (hsize_t)np * H5Tget_size(type)) {
                note("%s: unread, %llu bytes allocated: %s storage always takes the dataset's full size "
                     "(fill values)",
                     cobjs->paths[i], (unsigned long long)size,
                     layout == H5D_COMPACT ? "compact" : "contiguous storage with early allocation");
                allowed_total += size;
            }
            else {
                detail("%s: not in the manifest, but %llu bytes stored (%s layout)", cobjs->paths[i],
                       (unsigned long long)size, layout_name(dcpl));
                bad++;
            }
            H5Sclose(space);
            H5Tclose(type);
            H5Pclose(dcpl);
        }
        H5Dclose(cds);
    }
    carve_check(bad == 0, "the %d container dataset(s) without a manifest entry hold no data%s", checked,
                allowed_total ? " (beyond the layout exceptions noted)" : "");
}

/* Check 4's remainder: every dataset read with elements is in the manifest; attributes both ways. */
static void
verify_coverage_complete(verify_t *v)
{
    int bad = 0;

    for (size_t i = 0; i < v->expected.nds; i++) {
        expected_ds_t *ex = &v->expected.ds[i];

        if (ex->matched)
            continue;
        if (elemset_count(&ex->read) == 0)
            note("%s: read with an empty selection only, and not in the manifest (nothing to store)",
                 ex->path);
        else {
            detail("%s: read (%llu elements) but not in the manifest", ex->path,
                   (unsigned long long)elemset_count(&ex->read));
            bad++;
        }
    }
    carve_check(bad == 0, "every dataset read (%zu) is in the manifest (%zu entries)", v->expected.nds,
                v->manifest.ndatasets);

    bad = 0;
    for (size_t i = 0; i < v->manifest.nattributes; i++) {
        carve_manifest_attr_t *ma = &v->manifest.attributes[i];
        H5O_token_t            t;
        int                    found = 0;

        if (token_of(v->origin, ma->object, &t, NULL) == 0)
            for (size_t k = 0; k < v->expected.nattrs; k++)
                if (same_token(&t, &v->expected.attrs[k].token) &&
                    strcmp(ma->name, v->expected.attrs[k].name) == 0) {
                    v->expected.attrs[k].matched = 1;
                    found                        = 1;
                }
        if (!found) {
            detail("manifest attribute %s of %s was not read by the program", ma->name, ma->object);
            bad++;
        }
    }
    for (size_t k = 0; k < v->expected.nattrs; k++)
        if (!v->expected.attrs[k].matched) {
            detail("attribute %s of %s was read, but the manifest does not list it",
                   v->expected.attrs[k].name, v->expected.attrs[k].object);
            bad++;
        }
    carve_check(bad == 0, "the manifest's attributes (%zu) are exactly those read (%zu)",
                v->manifest.nattributes, v->expected.nattrs);

    /* Every dataset read was opened: it is in the objects list. */
    bad = 0;
    for (size_t i = 0; i < v->expected.nds; i++) {
        const H5O_token_t *want  = &v->expected.ds[i].token;
        const char        *name  = v->expected.ds[i].path;
        int                found = 0;

        if (!v->expected.ds[i].matched)
            continue;
        for (size_t k = 0; k < v->manifest.nobjects && !found; k++) {
            H5O_token_t t;

            found = token_of(v->origin, v->manifest.objects[k], &t, NULL) == 0 && same_token(&t, want);
        }
        if (!found) {
            detail("%s was read, but is not in the manifest's objects", name);
            bad++;
        }
    }
    carve_check(bad == 0, "every dataset read is in the manifest's objects list (%zu)", v->manifest.nobjects);
}

/* Check 8: the skeleton. */
static void
verify_skeleton(verify_t *v, const object_list_t *oobjs, const object_list_t *cobjs)
{
    int bad = 0;

    if (strcmp(v->skeleton, "full") == 0) {
        for (size_t i = 0; i < oobjs->n; i++) {
            hid_t obj = open_quietly(v->container, oobjs->paths[i]);

            if (obj < 0) {
                if (bad < 10)
                    detail("%s: in the origin, missing from the container", oobjs->paths[i]);
                bad++;
            }
            else
                H5Oclose(obj);
        }
        carve_check(bad == 0, "full skeleton: every object of the origin (%zu) is in the container",
                    oobjs->n);
        carve_check(
            cobjs->n == oobjs->n,
            "full skeleton: the container holds as many objects as the origin (%zu, %zu): nothing extra, "
            "carve's bookkeeping invisible",
            cobjs->n, oobjs->n);
        return;
    }

    /* touched: allowed = the touched objects and every group on their paths. */
    {
        size_t       ntouched = 0, cap = 0;
        H5O_token_t *allowed  = NULL;
        size_t       nallowed = 0;
        const char **touched  = NULL;

        for (size_t i = 0; i < v->manifest.nobjects + v->manifest.ndatasets + v->manifest.nattributes; i++) {
            const char *p =
                i < v->manifest.nobjects ? v->manifest.objects[i]
                : i < v->manifest.nobjects + v->manifest.ndatasets
                    ? v->manifest.datasets[i - v->manifest.nobjects].path
                    : v->manifest.attributes[i - v->manifest.nobjects - v->manifest.ndatasets].object;

            if (ntouched == cap) {
                cap     = cap ? 2 * cap : 16;
                touched = realloc(touched, cap * sizeof *touched);
            }
            touched[ntouched++] = p;
        }
        for (size_t i = 0; i < ntouched; i++) {
            size_t len    = strlen(touched[i]);
            char  *prefix = malloc(len + 2);

            /* The object itself, then every group on its path: "/", "/a", "/a/b" for "/a/b/c". */
            for (size_t at = len + 1; prefix && at-- > 0;) {
                H5O_token_t t;

                if (at < len && touched[i][at] != '/')
                    continue;
                memcpy(prefix, touched[i], at ? at : 1);
                prefix[at ? at : 1] = '\0';
                if (token_of(v->origin, prefix, &t, NULL) == 0) {
                    allowed             = realloc(allowed, (nallowed + 1) * sizeof *allowed);
                    allowed[nallowed++] = t;
                }
            }
            free(prefix);
            {
                hid_t obj = open_quietly(v->container, touched[i]);

                if (obj < 0) {
                    detail("%s: touched, but missing from the container", touched[i]);
                    bad++;
                }
                else
                    H5Oclose(obj);
            }
        }
        for (size_t i = 0; i < cobjs->n; i++) {
            H5O_token_t t;
            int         ok = 0;

            if (token_of(v->origin, cobjs->paths[i], &t, NULL) == 0)
                for (size_t k = 0; k < nallowed && !ok; k++)
                    ok = same_token(&t, &allowed[k]);
            if (!ok) {
                if (bad < 10)
                    detail("%s: in the container, but neither touched nor a group on a touched object's path",
                           cobjs->paths[i]);
                bad++;
            }
        }
        carve_check(
            bad == 0,
            "touched skeleton: the container's %zu objects are exactly the touched ones (%zu names) and "
            "their parent groups",
            cobjs->n, ntouched);
        carve_check(cobjs->n < oobjs->n, "touched skeleton: smaller than the origin's (%zu of %zu objects)",
                    cobjs->n, oobjs->n);
        free(touched);
        free(allowed);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* External links                                                                                   */

typedef struct elink_list_t {
    size_t                  n;
    carve_manifest_elink_t *links; /* in path order once collected */
} elink_list_t;

static herr_t
collect_elink(hid_t group, const char *name, const H5L_info2_t *info, void *udata)
{
    elink_list_t           *list  = udata;
    char                   *value = NULL;
    const char             *file, *object;
    carve_manifest_elink_t *grown, *e;
    unsigned                flags;
    herr_t                  status = -1;

    if (info->type != H5L_TYPE_EXTERNAL)
        return 0;
    if ((value = malloc(info->u.val_size)) &&
        H5Lget_val(group, name, value, info->u.val_size, H5P_DEFAULT) >= 0 &&
        H5Lunpack_elink_val(value, info->u.val_size, &flags, &file, &object) >= 0 &&
        (grown = realloc(list->links, (list->n + 1) * sizeof *grown))) {
        list->links = grown;
        e           = &grown[list->n++];
        e->path     = malloc(strlen(name) + 2);
        e->file     = strdup(file);
        e->object   = strdup(object);
        if (e->path)
            sprintf(e->path, "/%s", name);
        status = e->path && e->file && e->object ? 0 : -1;
    }
    free(value);
    return status;
}

static int
compare_elinks(const void *a, const void *b)
{
    return strcmp(((const carve_manifest_elink_t *)a)->path, ((const carve_manifest_elink_t *)b)->path);
}

/* Every external link of the file (reachable by hard links), in path order. */
static int
collect_elinks(hid_t file, elink_list_t *list)
{
    memset(list, 0, sizeof *list);
    if (H5Lvisit2(file, H5_INDEX_NAME, H5_ITER_INC, collect_elink, list) < 0)
        return -1;
    if (list->n > 1)
        qsort(list->links, list->n, sizeof *list->links, compare_elinks);
    return 0;
}

static void
free_elinks(elink_list_t *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->links[i].path);
        free(list->links[i].file);
        free(list->links[i].object);
    }
    free(list->links);
}

static const carve_manifest_elink_t *
find_elink(const elink_list_t *list, const char *path)
{
    carve_manifest_elink_t key = {.path = (char *)(uintptr_t)path};

    return list->n ? bsearch(&key, list->links, list->n, sizeof *list->links, compare_elinks) : NULL;
}

static int
same_elink(const carve_manifest_elink_t *a, const carve_manifest_elink_t *b)
{
    return strcmp(a->path, b->path) == 0 && strcmp(a->file, b->file) == 0 &&
           strcmp(a->object, b->object) == 0;
}

/* Check 9: the container's external links are the origin's, and the manifest lists exactly them. */
static void
verify_external_links(verify_t *v)
{
    elink_list_t      olinks, clinks, held;
    carve_manifest_t *m   = &v->manifest;
    int               bad = 0;

    memset(&held, 0, sizeof held);
    memset(&clinks, 0, sizeof clinks);
    if (collect_elinks(v->origin, &olinks) < 0 || collect_elinks(v->container, &clinks) < 0) {
        carve_check(0, "both files' links can be walked (H5Lvisit2)");
        print_hdf5_stack();
        goto done;
    }
    /* held: the origin's external links at the paths the container has one, in path order. */
    held.links = malloc((clinks.n + 1) * sizeof *held.links);
    for (size_t i = 0; held.links && i < clinks.n; i++) {
        const carve_manifest_elink_t *o = find_elink(&olinks, clinks.links[i].path);

        if (o)
            held.links[held.n++] = *o;
        if ((!o || !same_elink(o, &clinks.links[i])) && bad++ < 10)
            detail("container link %s -> %s:%s is %s", clinks.links[i].path, clinks.links[i].file,
                   clinks.links[i].object,
                   o ? "not the origin's (another target)" : "not an external link of the origin");
    }
    carve_check(held.links && bad == 0,
                "the container's %zu external link(s) are the origin's, same paths and targets", clinks.n);
    if (strcmp(v->skeleton, "full") == 0)
        carve_check(clinks.n == olinks.n,
                    "full skeleton: the container holds every external link of the origin (%zu, %zu)",
                    clinks.n, olinks.n);

    bad = 0;
    for (size_t i = 0; i < m->nelinks || i < held.n; i++) {
        const carve_manifest_elink_t *listed = i < m->nelinks ? &m->elinks[i] : NULL;
        const carve_manifest_elink_t *want   = i < held.n ? &held.links[i] : NULL;

        if (listed && want && same_elink(listed, want))
            continue;
        if (bad++ < 10)
            detail("external_links[%zu]: the manifest lists %s -> %s:%s, the container holds %s -> %s:%s", i,
                   listed ? listed->path : "(nothing)", listed ? listed->file : "",
                   listed ? listed->object : "", want ? want->path : "(nothing)", want ? want->file : "",
                   want ? want->object : "");
    }
    carve_check(
        bad == 0,
        "the manifest's external_links (%zu) are the origin's external links the container holds (%zu of the "
        "origin's %zu), path, file and object alike",
        m->nelinks, held.n, olinks.n);

done:
    free(held.links); /* its entries are olinks' */
    free_elinks(&clinks);
    free_elinks(&olinks);
}

/* Check 6: the manifest's own fields. */
static void
verify_manifest_fields(verify_t *v)
{
    carve_manifest_t *m = &v->manifest;
    struct stat       st;
    char             *real = NULL, version[32];
    unsigned          maj, min, rel;
    const char       *cbase = strrchr(v->container_path, '/'), *mbase = strrchr(v->manifest_path, '/');
    const char       *obase;
    size_t            blen;
    int               ok;

    cbase = cbase ? cbase + 1 : v->container_path;
    mbase = mbase ? mbase + 1 : v->manifest_path;
    carve_check(m->format == CARVE_MANIFEST_FORMAT, "manifest format %u is %d", m->format,
                CARVE_MANIFEST_FORMAT);
    carve_check(m->generation == v->generation, "manifest generation %" PRIu64 " is %llu", m->generation,
                v->generation);
    carve_check(m->nruns == v->runs, "manifest lists %zu run(s), expected %llu", m->nruns, v->runs);
    ok = 1;
    for (size_t i = 0; i < m->nruns; i++)
        ok = ok && m->runs[i].time && m->runs[i].time[0] && m->runs[i].pid > 0 &&
             (!m->runs[i].program || m->runs[i].program[0] == '/');
    carve_check(ok, "every run has a time, a pid and (if any) an absolute program path");
    if (v->origin_location) {
        carve_check(m->origin && strcmp(m->origin, v->origin_location) == 0, "manifest origin '%s' is '%s'",
                    m->origin ? m->origin : "(none)", v->origin_location);
        carve_check(m->stamp.remote == 1 && m->stamp.etag && m->stamp.etag[0] &&
                        stat(v->origin_path, &st) == 0 && m->stamp.size == (int64_t)st.st_size,
                    "remote stamp: size %" PRId64 " = the local copy's, ETag %s", m->stamp.size,
                    m->stamp.etag ? m->stamp.etag : "(none)");
        if (v->etag)
            carve_check(m->stamp.etag && strcmp(m->stamp.etag, v->etag) == 0, "remote stamp ETag is %s",
                        v->etag);
    }
    else {
        real = realpath(v->origin_path, NULL);
        carve_check(real && m->origin && strcmp(m->origin, real) == 0,
                    "manifest origin '%s' is the origin's real path '%s'", m->origin ? m->origin : "(none)",
                    real ? real : "?");
        carve_check(stat(v->origin_path, &st) == 0 && !m->stamp.remote &&
                        m->stamp.size == (int64_t)st.st_size &&
                        m->stamp.mtime_sec == (int64_t)st.st_mtim.tv_sec &&
                        m->stamp.mtime_nsec == (int64_t)st.st_mtim.tv_nsec,
                    "local stamp (size %" PRId64 ", mtime %" PRId64 ".%09" PRId64 ") matches the origin file",
                    m->stamp.size, m->stamp.mtime_sec, m->stamp.mtime_nsec);
    }
    carve_check(m->container && strcmp(m->container, cbase) == 0,
                "manifest container '%s' is the container's name '%s'",
                m->container ? m->container : "(none)", cbase);
    /* <base>-<16 hex>.carve.h5 and <base>-<16 hex>.carve.yaml, same stem, base from the origin's name. */
    obase =
        v->origin_location ? strrchr(v->origin_location, '/') : strrchr(real ? real : v->origin_path, '/');
    obase = obase ? obase + 1 : (v->origin_location ? v->origin_location : v->origin_path);
    blen  = strlen(obase);
    ok    = strlen(cbase) == blen + 1 + 16 + strlen(".carve.h5") && strncmp(cbase, obase, blen) == 0 &&
         cbase[blen] == '-' && strcmp(cbase + blen + 17, ".carve.h5") == 0;
    for (size_t i = 0; ok && i < 16; i++)
        ok = strchr("0123456789abcdef", cbase[blen + 1 + i]) != NULL;
    ok = ok && strlen(mbase) == blen + 17 + strlen(".carve.yaml") && strncmp(mbase, cbase, blen + 17) == 0 &&
         strcmp(mbase + blen + 17, ".carve.yaml") == 0;
    carve_check(ok, "container '%s' and manifest '%s' are named <origin name>-<16 hex>.carve.{h5,yaml}",
                cbase, mbase);
    carve_check(m->skeleton && strcmp(m->skeleton, v->skeleton) == 0, "manifest skeleton '%s' is '%s'",
                m->skeleton ? m->skeleton : "(none)", v->skeleton);
    H5get_libversion(&maj, &min, &rel);
    snprintf(version, sizeof version, "%u.%u.%u", maj, min, rel);
    carve_check(m->hdf5_version && strcmp(m->hdf5_version, version) == 0, "manifest hdf5_version '%s' is %s",
                m->hdf5_version ? m->hdf5_version : "(none)", version);
    carve_check(m->carve_version && m->carve_version[0] && m->created && m->updated &&
                    strlen(m->created) == 20 && strcmp(m->created, m->updated) <= 0,
                "carve_version '%s', created %s <= updated %s", m->carve_version ? m->carve_version : "",
                m->created ? m->created : "?", m->updated ? m->updated : "?");

    /* skipped: exactly the files given. */
    ok = m->nskipped == v->nskipped;
    for (size_t i = 0; i < v->nskipped; i++) {
        char *want  = realpath(v->skipped[i], NULL);
        int   found = 0;

        for (size_t k = 0; k < m->nskipped; k++)
            found = found ||
                    (m->skipped[k].path && strcmp(m->skipped[k].path, want ? want : v->skipped[i]) == 0 &&
                     m->skipped[k].reason && m->skipped[k].reason[0]);
        if (!found)
            detail("%s is not in the manifest's skipped list (with a reason)", want ? want : v->skipped[i]);
        ok = ok && found;
        free(want);
    }
    for (size_t k = 0; k < m->nskipped; k++)
        detail("skipped: %s (%s)", m->skipped[k].path ? m->skipped[k].path : "?",
               m->skipped[k].reason ? m->skipped[k].reason : "?");
    carve_check(ok, "manifest skipped list (%zu) is the %zu file(s) the program wrote", m->nskipped,
                v->nskipped);
    free(real);
}

/* Check 7: the embedded manifest is the one beside the container. */
static void
verify_embedded(verify_t *v)
{
    carve_manifest_t embedded;
    char            *te = NULL, *tf = NULL, *raw = NULL;
    size_t           le = 0, lf = 0, lraw = 0;
    FILE            *f;

    carve_manifest_init(&embedded);
    if (carve_container_read_manifest(v->container_path, &embedded) < 0) {
        carve_check(0, "the container's embedded manifest can be read (carve_container_read_manifest)");
        print_hdf5_stack();
        carve_manifest_clear(&embedded);
        return;
    }
    if (carve_manifest_emit(&embedded, &te, &le) < 0 || carve_manifest_emit(&v->manifest, &tf, &lf) < 0) {
        carve_check(0, "both manifests can be emitted (carve_manifest_emit)");
        print_hdf5_stack();
    }
    else
        carve_check(le == lf && memcmp(te, tf, le) == 0,
                    "the embedded manifest emits the same text as the manifest file (%zu, %zu bytes)", le,
                    lf);
    if ((f = fopen(v->manifest_path, "rb"))) {
        struct stat st;

        if (fstat(fileno(f), &st) == 0 && (raw = malloc((size_t)st.st_size + 1)))
            lraw = fread(raw, 1, (size_t)st.st_size, f);
        fclose(f);
    }
    carve_check(te && raw && lraw == le && memcmp(raw, te, le) == 0,
                "the manifest file holds exactly the embedded manifest's text (%zu bytes)", lraw);
    if (te && raw && (lraw != le || memcmp(raw, te, le) != 0)) {
        size_t at = 0;

        while (at < le && at < lraw && raw[at] == te[at])
            at++;
        detail("first difference at byte %zu", at);
    }
    free(raw);
    free(te);
    free(tf);
    carve_manifest_clear(&embedded);
}

/* ---------------------------------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr,
            "usage: carve_verify <origin> <container> <manifest.yaml> <expected.txt> [--also-expected F]... "
            "[--generation N] [--runs N] [--origin-location LOC] [--etag E] [--skeleton full|touched] "
            "[--expect-skipped PATH]...\n");
    return 2;
}

int
main(int argc, char **argv)
{
    verify_t      v;
    const char   *expected_files[VERIFY_MAX_FILES];
    size_t        nexpected  = 0;
    int           runs_given = 0;
    object_list_t oobjs, cobjs;

    memset(&v, 0, sizeof v);
    v.generation = 1;
    v.skeleton   = "full";
    if (argc < 5)
        return usage();
    v.origin_path               = argv[1];
    v.container_path            = argv[2];
    v.manifest_path             = argv[3];
    expected_files[nexpected++] = argv[4];
    for (int i = 5; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!val)
            return usage();
        i++;
        if (strcmp(opt, "--also-expected") == 0 && nexpected < VERIFY_MAX_FILES)
            expected_files[nexpected++] = val;
        else if (strcmp(opt, "--generation") == 0)
            v.generation = strtoull(val, NULL, 10);
        else if (strcmp(opt, "--runs") == 0) {
            v.runs     = strtoull(val, NULL, 10);
            runs_given = 1;
        }
        else if (strcmp(opt, "--origin-location") == 0)
            v.origin_location = val;
        else if (strcmp(opt, "--etag") == 0)
            v.etag = val;
        else if (strcmp(opt, "--skeleton") == 0 && (strcmp(val, "full") == 0 || strcmp(val, "touched") == 0))
            v.skeleton = val;
        else if (strcmp(opt, "--expect-skipped") == 0 && v.nskipped < VERIFY_MAX_FILES)
            v.skipped[v.nskipped++] = val;
        else
            return usage();
    }
    if (!runs_given)
        v.runs = v.generation;
    if (carve_error_init() < 0) /* carve_core's messages go onto HDF5's stack under carve's class */
        fprintf(stderr,
                "carve_verify: cannot register carve's error class: core errors will lack messages\n");
    printf("carve_verify: origin %s, container %s, manifest %s\n", v.origin_path, v.container_path,
           v.manifest_path);

    v.origin    = open_native(v.origin_path);
    v.container = open_native(v.container_path);
    carve_check(v.origin >= 0, "the origin %s opens natively", v.origin_path);
    carve_check(v.container >= 0, "the container %s opens natively (stock HDF5)", v.container_path);
    carve_manifest_init(&v.manifest);
    if (carve_manifest_read_file(v.manifest_path, &v.manifest) < 0) {
        carve_check(0, "the manifest %s parses (carve_manifest_read_file)", v.manifest_path);
        print_hdf5_stack();
        return carve_check_finish();
    }
    carve_check(1, "the manifest %s parses (%zu datasets, generation %" PRIu64 ")", v.manifest_path,
                v.manifest.ndatasets, v.manifest.generation);
    if (v.origin < 0 || v.container < 0)
        return carve_check_finish();
    for (size_t i = 0; i < nexpected; i++)
        if (expected_read(&v.expected, v.origin, expected_files[i]) < 0)
            return carve_check_finish();
    carve_check(1, "the expected reads parse (%zu file(s): %zu datasets, %zu attributes)", nexpected,
                v.expected.nds, v.expected.nattrs);

    verify_manifest_fields(&v);
    verify_embedded(&v);
    for (size_t i = 0; i < v.manifest.ndatasets; i++)
        verify_dataset(&v, &v.manifest.datasets[i]);
    printf("--- the file as a whole\n");
    verify_coverage_complete(&v);
    if (collect_objects(v.origin, &oobjs) < 0 || collect_objects(v.container, &cobjs) < 0)
        carve_check(0, "both files can be walked (H5Ovisit3)");
    else {
        verify_unread_datasets(&v, &cobjs);
        verify_skeleton(&v, &oobjs, &cobjs);
        free_objects(&oobjs);
        free_objects(&cobjs);
    }
    verify_external_links(&v);

    for (size_t i = 0; i < v.expected.nds; i++) {
        free(v.expected.ds[i].path);
        elemset_clear(&v.expected.ds[i].read);
    }
    free(v.expected.ds);
    for (size_t i = 0; i < v.expected.nattrs; i++) {
        free(v.expected.attrs[i].object);
        free(v.expected.attrs[i].name);
    }
    free(v.expected.attrs);
    carve_manifest_clear(&v.manifest);
    H5Fclose(v.container);
    H5Fclose(v.origin);
    return carve_check_finish();
}
