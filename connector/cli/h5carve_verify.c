/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_verify.c — verify: a carved container against its origin (a local file, or a URL over ROS3).
 *
 * Per container, in order: the origin's stamp against the manifest's; every stored byte against the
 * origin's (chunk stores: each listed chunk raw, H5Dread_chunk, with its filter mask and size; element
 * stores and datasets held whole: each selection record read with the dataset's file type, no
 * conversion); the embedded checksums re-measured (carve_integrity_measure) against the table; the
 * skeleton (links, objects, datatypes, shapes, attributes and their values) against the origin's. A stamp
 * difference is reported and the data checks still run. Variable-length and reference types are skipped,
 * with a note: their file bytes point into each file's own heap, so they cannot be compared raw.
 * Differences go to stdout, one line each; errors to stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carve_container.h"
#include "carve_integrity.h"
#include "h5carve.h"

static const char *const verify_usage =
    "usage: h5carve verify [-v] [--origin PATH] CONTAINER|DIR\n"
    "\n"
    "Checks a carved container (or every container in DIR) against its origin:\n"
    "  1. the stamp: the origin's size and mtime are those the manifest recorded;\n"
    "  2. the data: every chunk the container stores equals the origin's, raw (filter mask, size and bytes;\n"
    "     a chunk the origin never wrote is unwritten in the container too), and every selection stored as\n"
    "     elements equals the origin's, byte for byte in the file type (variable-length and reference\n"
    "     types are skipped, with a note);\n"
    "  3. the embedded checksums: re-measured against the container's stored bytes;\n"
    "  4. the skeleton: the container's links, objects (kind, datatype, shape) and attributes (type,\n"
    "     shape, value) are the origin's; a full skeleton also has every link of the origin.\n"
    "Each difference is one line on stdout: the container, the dataset, the chunk coordinates or element\n"
    "box, and the first differing byte. A stamp difference is reported and the data is still checked.\n"
    "\n"
    "  --origin PATH  compare with PATH (a file, or an http(s) URL read with ROS3, signed with the\n"
    "                 AWS_* credentials of the environment) instead of the manifest's origin\n"
    "  -v             name each dataset checked, and say when a container matches\n"
    "\n"
    "Exit status: 0 everything matches; 1 a difference was found; 2 a usage or environment error (a\n"
    "missing container or origin, a file HDF5 cannot open).\n";

typedef struct vctx_t {
    const char *container;     /* its path */
    hid_t       cf, of;        /* the container and the origin, open */
    int         diffs;         /* differences found */
    int         skipped;       /* datasets skipped (types that cannot be compared raw) */
    int         skipped_attrs; /* attributes of such types, not compared */
    int         full;          /* the skeleton is full: every object of the origin is in the container */
    int         progress;      /* stderr is a terminal */
} vctx_t;

static void diff(vctx_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
diff(vctx_t *v, const char *fmt, ...)
{
    va_list ap;
    if (v->progress)
        fputs("\r\033[K", stderr);
    printf("%s: ", v->container);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    v->diffs++;
}

/* The first byte where a and b differ, or SIZE_MAX. */
static size_t
first_difference(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return i;
    return SIZE_MAX;
}

/* ---- chunk stores ------------------------------------------------------------------------------------ */

static void
verify_chunks(vctx_t *v, carve_manifest_dataset_t *d, hid_t cds, hid_t ods)
{
    hid_t   dcpl = H5Dget_create_plist(ods);
    hsize_t ochunk[H5S_MAX_RANK];
    void   *cbuf = NULL, *obuf = NULL;
    size_t  cap = 0;
    char    at[256];
    hsize_t coords[H5S_MAX_RANK], offset[H5S_MAX_RANK];

    if (dcpl < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, d->rank, ochunk) != d->rank ||
        memcmp(ochunk, d->chunk, (size_t)d->rank * sizeof *ochunk) != 0) {
        diff(v, "%s: the origin's chunk shape is not the container's", d->path);
        if (dcpl >= 0)
            H5Pclose(dcpl);
        return;
    }
    H5Pclose(dcpl);
    carve_chunkset_finish(&d->chunks);
    for (size_t i = 0; i < d->chunks.n; i++) {
        unsigned cmask = 0, omask = 0;
        uint32_t cf = 0, of = 0;
        haddr_t  caddr = HADDR_UNDEF, oaddr = HADDR_UNDEF;
        hsize_t  csize = 0, osize = 0;
        size_t   where;

        carve_chunkset_coords(&d->chunks, i, coords);
        for (int k = 0; k < d->rank; k++)
            offset[k] = coords[k] * d->chunk[k];
        carve_coords_format(at, sizeof at, d->rank, coords);
        if (H5Dget_chunk_info_by_coord(ods, offset, &omask, &oaddr, &osize) < 0) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: chunk %s: cannot be looked up in the origin (%s)", d->path, at, why);
            free(why);
            continue;
        }
        if (H5Dget_chunk_info_by_coord(cds, offset, &cmask, &caddr, &csize) < 0) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: chunk %s: cannot be looked up in the container (%s)", d->path, at, why);
            free(why);
            continue;
        }
        if (oaddr == HADDR_UNDEF || caddr == HADDR_UNDEF) {
            if (oaddr != caddr)
                diff(v, "%s: chunk %s: %s", d->path, at,
                     oaddr == HADDR_UNDEF ? "the origin never wrote it, the container stores it"
                                          : "the container does not store it");
            continue;
        }
        if (cmask != omask || csize != osize) {
            diff(v, "%s: chunk %s: filter mask %#x, %llu bytes in the container; %#x, %llu in the origin",
                 d->path, at, cmask, (unsigned long long)csize, omask, (unsigned long long)osize);
            continue;
        }
        if (osize > cap) {
            free(cbuf);
            free(obuf);
            cap  = (size_t)osize;
            cbuf = malloc(cap);
            obuf = malloc(cap);
            if (!cbuf || !obuf) {
                h5carve_error("out of memory for a chunk of %llu bytes", (unsigned long long)osize);
                exit(H5CARVE_USAGE);
            }
        }
        if (H5Dread_chunk(ods, H5P_DEFAULT, offset, &of, obuf) < 0 ||
            H5Dread_chunk(cds, H5P_DEFAULT, offset, &cf, cbuf) < 0) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: chunk %s: cannot be read (%s)", d->path, at, why);
            free(why);
            continue;
        }
        if ((where = first_difference(cbuf, obuf, (size_t)osize)) != SIZE_MAX)
            diff(v, "%s: chunk %s: differs from the origin at byte %zu of %llu", d->path, at, where,
                 (unsigned long long)osize);
    }
    free(cbuf);
    free(obuf);
}

/* ---- element stores and datasets held whole --------------------------------------------------------- */

/* Reads one selection (a hyperslab record, or everything when rec is NULL) of a dataset with its file
 * type into a new buffer; *n is its size in bytes. NULL on failure (the error stack says why). */
static void *
read_selection(hid_t ds, const carve_selection_t *sel, size_t rec, int all, size_t *n)
{
    hid_t    space = H5Dget_space(ds), type = H5Dget_type(ds), mem = H5I_INVALID_HID;
    hssize_t npoints;
    void    *buf = NULL;

    if (space < 0 || type < 0)
        goto done;
    if (!all && H5Sselect_hyperslab(space, H5S_SELECT_SET, CARVE_RECORD_START(sel, rec),
                                    CARVE_RECORD_STRIDE(sel, rec), CARVE_RECORD_COUNT(sel, rec),
                                    CARVE_RECORD_BLOCK(sel, rec)) < 0)
        goto done;
    if ((npoints = H5Sget_select_npoints(space)) < 0)
        goto done;
    *n = (size_t)npoints * H5Tget_size(type);
    if (NULL == (buf = calloc(1, *n ? *n : 1)))
        goto done;
    if (*n) {
        hsize_t count = (hsize_t)npoints;
        if ((mem = H5Screate_simple(1, &count, NULL)) < 0 ||
            H5Dread(ds, type, mem, space, H5P_DEFAULT, buf) < 0) {
            free(buf);
            buf = NULL;
        }
    }
done:
    if (mem >= 0)
        H5Sclose(mem);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return buf;
}

static void
verify_elements(vctx_t *v, const carve_manifest_dataset_t *d, hid_t cds, hid_t ods)
{
    int    all  = (d->held && 0 == strcmp(d->held, "all")) || d->rank == 0;
    size_t nrec = all ? 1 : d->selections.nrecords;

    for (size_t r = 0; r < nrec; r++) {
        size_t         cn = 0, on = 0, where;
        unsigned char *cb, *ob;
        char           box[512] = "everything";

        if (!all) {
            hsize_t lo[H5S_MAX_RANK], hi[H5S_MAX_RANK];
            char    a[240], b[240];
            carve_hyperslab_bounds(
                d->rank, CARVE_RECORD_START(&d->selections, r), CARVE_RECORD_STRIDE(&d->selections, r),
                CARVE_RECORD_COUNT(&d->selections, r), CARVE_RECORD_BLOCK(&d->selections, r), lo, hi);
            carve_coords_format(a, sizeof a, d->rank, lo);
            carve_coords_format(b, sizeof b, d->rank, hi);
            snprintf(box, sizeof box, "elements %s..%s", a, b);
        }
        ob = read_selection(ods, &d->selections, r, all, &on);
        cb = read_selection(cds, &d->selections, r, all, &cn);
        if (!ob || !cb) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: %s: cannot be read from the %s (%s)", d->path, box, ob ? "container" : "origin",
                 why);
            free(why);
        }
        else if (cn != on)
            diff(v, "%s: %s: %zu bytes in the container, %zu in the origin", d->path, box, cn, on);
        else if ((where = first_difference(cb, ob, cn)) != SIZE_MAX)
            diff(v, "%s: %s: differs from the origin at byte %zu of %zu (in row-major order of the box)",
                 d->path, box, where, cn);
        free(ob);
        free(cb);
    }
}

/* 1 when a type's file bytes cannot be compared between files (they point into the file). */
static int
pointer_type_of(hid_t type)
{
    return type < 0 || H5Tdetect_class(type, H5T_VLEN) > 0 || H5Tdetect_class(type, H5T_REFERENCE) > 0 ||
           (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0);
}

static int
pointer_type(hid_t ds)
{
    hid_t type = H5Dget_type(ds);
    int   yes  = pointer_type_of(type);

    if (type >= 0)
        H5Tclose(type);
    return yes;
}

static void
verify_dataset(vctx_t *v, carve_manifest_dataset_t *d)
{
    hid_t cds, ods;

    h5carve_note("  %s (%s)", d->path,
                 d->held                          ? "held whole"
                 : d->store == CARVE_STORE_CHUNKS ? "chunks"
                                                  : "elements");
    if ((ods = H5Dopen2(v->of, d->path, H5P_DEFAULT)) < 0) {
        char *why = h5carve_hdf5_errors();
        diff(v, "%s: cannot be opened in the origin (%s)", d->path, why);
        free(why);
        return;
    }
    if ((cds = H5Dopen2(v->cf, d->path, H5P_DEFAULT)) < 0) {
        char *why = h5carve_hdf5_errors();
        diff(v, "%s: cannot be opened in the container (%s)", d->path, why);
        free(why);
        H5Dclose(ods);
        return;
    }
    if (!d->held && d->store == CARVE_STORE_CHUNKS && d->rank > 0)
        verify_chunks(v, d, cds, ods);
    else if (pointer_type(ods)) {
        h5carve_note("%s: %s: skipped (a variable-length or reference type: not compared)", v->container,
                     d->path);
        v->skipped++;
    }
    else
        verify_elements(v, d, cds, ods);
    H5Dclose(cds);
    H5Dclose(ods);
}

/* ---- the embedded checksums ------------------------------------------------------------------------- */

/* The chunk grid of a container dataset, to name the chunks of its checksum table (rank 0: not chunked). */
static void
verify_chunk_grid(hid_t ds, carve_chunkset_t *grid)
{
    hsize_t dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
    hid_t   space = H5Dget_space(ds), dcpl = H5Dget_create_plist(ds);
    int     rank = space >= 0 ? H5Sget_simple_extent_dims(space, dims, NULL) : -1;

    memset(grid, 0, sizeof *grid);
    if (rank > 0 && dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED &&
        H5Pget_chunk(dcpl, rank, chunk) == rank && carve_chunkset_init(grid, rank, dims, chunk) < 0)
        memset(grid, 0, sizeof *grid);
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
}

static void
verify_integrity(vctx_t *v)
{
    carve_integrity_t t, now;
    int               found = 0;

    carve_integrity_init(&t);
    carve_integrity_init(&now);
    if (carve_container_read_integrity(v->container, &t, &found) < 0) {
        char *why = h5carve_hdf5_errors();
        diff(v, "its checksum table cannot be read (%s)", why);
        free(why);
        goto done;
    }
    if (!found) {
        h5carve_note("%s: no checksum table (a container from before them)", v->container);
        goto done;
    }
    for (size_t i = 0; i < t.n; i++) {
        const carve_integrity_dataset_t *d = &t.datasets[i], *m;
        carve_chunkset_t                 grid;
        uint64_t                        *claimed;
        hid_t                            ds;
        size_t                           a = 0, b = 0;

        if ((ds = H5Dopen2(v->cf, d->path, H5P_DEFAULT)) < 0) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: has checksums but cannot be opened (%s)", d->path, why);
            free(why);
            continue;
        }
        if (NULL == (claimed = malloc((d->n ? d->n : 1) * sizeof *claimed))) {
            h5carve_error("out of memory");
            exit(H5CARVE_USAGE);
        }
        for (size_t k = 0; k < d->n; k++)
            claimed[k] = d->entries[k].chunk;
        if (carve_integrity_measure(&now, d->path, ds, claimed, d->n) < 0 ||
            NULL == (m = carve_integrity_find(&now, d->path))) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: its checksums cannot be measured (%s)", d->path, why);
            free(why);
            free(claimed);
            H5Dclose(ds);
            continue;
        }
        free(claimed);
        verify_chunk_grid(ds, &grid);
        /* Both lists are in chunk order: walk them together. */
        while (a < d->n || b < m->n) {
            const carve_integrity_entry_t *e = a < d->n ? &d->entries[a] : NULL,
                                          *f = b < m->n ? &m->entries[b] : NULL;
            uint64_t idx                     = e && (!f || e->chunk <= f->chunk) ? e->chunk : f->chunk;
            char     at[256]                 = "(whole)";

            if (idx != CARVE_INTEGRITY_WHOLE && grid.rank > 0) {
                hsize_t c[H5S_MAX_RANK];

                carve_chunkset_index_coords(&grid, idx, c);
                memcpy(at, "chunk ", 7);
                carve_coords_format(at + 6, sizeof at - 6, grid.rank, c);
            }
            if (e && f && e->chunk == f->chunk) {
                if (e->size != f->size)
                    diff(v, "%s: %s: the checksum table says %llu bytes, the container stores %llu", d->path,
                         at, (unsigned long long)e->size, (unsigned long long)f->size);
                else if (e->hash != f->hash)
                    diff(v, "%s: %s: does not match its checksum", d->path, at);
                a++, b++;
            }
            else if (e && e->chunk == idx) {
                diff(v, "%s: %s: in the checksum table, not stored", d->path, at);
                a++;
            }
            else {
                diff(v, "%s: %s: stored, not in the checksum table", d->path, at);
                b++;
            }
        }
        if (grid.rank > 0)
            carve_chunkset_clear(&grid);
        H5Dclose(ds);
    }
done:
    carve_integrity_clear(&t);
    carve_integrity_clear(&now);
}

/* ---- the skeleton ------------------------------------------------------------------------------------ */

/* A variable-length string attribute's values, compared as strings. */
static int
vlen_strings_equal(hid_t ca, hid_t oa, hid_t ftype, hssize_t n)
{
    hid_t  mtype = H5Tcopy(H5T_C_S1), space = H5Screate_simple(1, (hsize_t[]){(hsize_t)n}, NULL);
    char **a = calloc((size_t)n, sizeof *a), **b = calloc((size_t)n, sizeof *b);
    int    equal = -1;

    if (mtype >= 0 && space >= 0 && a && b && H5Tset_size(mtype, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(mtype, H5Tget_cset(ftype)) >= 0 && H5Aread(ca, mtype, a) >= 0 &&
        H5Aread(oa, mtype, b) >= 0) {
        equal = 1;
        for (hssize_t i = 0; i < n && equal; i++)
            equal = (!a[i] && !b[i]) || (a[i] && b[i] && strcmp(a[i], b[i]) == 0);
        H5Treclaim(mtype, space, H5P_DEFAULT, a);
        H5Treclaim(mtype, space, H5P_DEFAULT, b);
    }
    free(a);
    free(b);
    if (space >= 0)
        H5Sclose(space);
    if (mtype >= 0)
        H5Tclose(mtype);
    return equal;
}

/* One attribute of an object the container holds, against the origin's. */
static void
verify_attribute(vctx_t *v, const char *path, hid_t cobj, hid_t oobj, const char *name)
{
    hid_t    ca = H5I_INVALID_HID, oa = H5I_INVALID_HID, ct = H5I_INVALID_HID, ot = H5I_INVALID_HID;
    hid_t    cs = H5I_INVALID_HID, os = H5I_INVALID_HID;
    hssize_t n;
    void    *a = NULL, *b = NULL;

    if (H5Aexists(oobj, name) <= 0) {
        diff(v, "%s: attribute %s: not in the origin", path, name);
        goto done;
    }
    if ((ca = H5Aopen(cobj, name, H5P_DEFAULT)) < 0 || (oa = H5Aopen(oobj, name, H5P_DEFAULT)) < 0 ||
        (ct = H5Aget_type(ca)) < 0 || (ot = H5Aget_type(oa)) < 0 || (cs = H5Aget_space(ca)) < 0 ||
        (os = H5Aget_space(oa)) < 0 || (n = H5Sget_simple_extent_npoints(cs)) < 0) {
        char *why = h5carve_hdf5_errors();
        diff(v, "%s: attribute %s: cannot be read (%s)", path, name, why);
        free(why);
        goto done;
    }
    if (H5Tequal(ct, ot) <= 0)
        diff(v, "%s: attribute %s: its type differs from the origin's", path, name);
    else if (H5Sextent_equal(cs, os) <= 0)
        diff(v, "%s: attribute %s: its shape differs from the origin's", path, name);
    else if (H5Tget_class(ct) == H5T_STRING && H5Tis_variable_str(ct) > 0) {
        if (vlen_strings_equal(ca, oa, ct, n) != 1)
            diff(v, "%s: attribute %s: its strings differ from the origin's", path, name);
    }
    else if (pointer_type_of(ct))
        v->skipped_attrs++;
    else {
        size_t bytes = H5Tget_size(ct) * (size_t)n, at;

        if (bytes == 0)
            goto done;
        if (NULL == (a = malloc(bytes)) || NULL == (b = malloc(bytes)) || H5Aread(ca, ct, a) < 0 ||
            H5Aread(oa, ot, b) < 0) {
            char *why = h5carve_hdf5_errors();
            diff(v, "%s: attribute %s: cannot be read (%s)", path, name, why);
            free(why);
        }
        else if ((at = first_difference(a, b, bytes)) != SIZE_MAX)
            diff(v, "%s: attribute %s: differs from the origin at byte %zu of %zu", path, name, at, bytes);
    }
done:
    free(a);
    free(b);
    H5E_BEGIN_TRY
    {
        H5Sclose(cs);
        H5Sclose(os);
        H5Tclose(ct);
        H5Tclose(ot);
        H5Aclose(ca);
        H5Aclose(oa);
    }
    H5E_END_TRY
}

typedef struct skeleton_walk_t {
    vctx_t     *v;
    const char *path; /* the object whose attributes are walked */
    hid_t       cobj, oobj;
} skeleton_walk_t;

static herr_t
skeleton_attribute(hid_t loc, const char *name, const H5A_info_t *info, void *op)
{
    skeleton_walk_t *w = op;

    (void)loc, (void)info;
    verify_attribute(w->v, w->path, w->cobj, w->oobj, name);
    return 0;
}

/* A link of the container's tree: the origin has it, of the same kind and target; the object it reaches
 * has the origin's kind, type, shape and attributes. */
static herr_t
skeleton_link(hid_t root, const char *name, const H5L_info2_t *cinfo, void *op)
{
    vctx_t     *v = op;
    H5L_info2_t oinfo;
    H5O_info2_t ci, oi;
    htri_t      exists = -1;
    char        path[4096];

    snprintf(path, sizeof path, "/%s", name);
    H5E_BEGIN_TRY /* Quiet, not ignored: a link whose parent the origin lacks is reported below. */
    {
        exists = H5Lexists(v->of, name, H5P_DEFAULT);
    }
    H5E_END_TRY
    if (exists <= 0) {
        diff(v, "%s: a link the origin does not have", path);
        return 0;
    }
    if (H5Lget_info2(v->of, name, &oinfo, H5P_DEFAULT) < 0 || oinfo.type != cinfo->type) {
        diff(v, "%s: a link of another kind than the origin's", path);
        return 0;
    }
    if (cinfo->type != H5L_TYPE_HARD) {
        char cval[4096], oval[4096];

        if (cinfo->u.val_size != oinfo.u.val_size || cinfo->u.val_size > sizeof cval ||
            H5Lget_val(root, name, cval, sizeof cval, H5P_DEFAULT) < 0 ||
            H5Lget_val(v->of, name, oval, sizeof oval, H5P_DEFAULT) < 0 ||
            memcmp(cval, oval, cinfo->u.val_size) != 0)
            diff(v, "%s: the link's target differs from the origin's", path);
        return 0;
    }
    if (H5Oget_info_by_name3(root, name, &ci, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0 ||
        H5Oget_info_by_name3(v->of, name, &oi, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0) {
        char *why = h5carve_hdf5_errors();
        diff(v, "%s: cannot be looked up (%s)", path, why);
        free(why);
        return 0;
    }
    if (ci.type != oi.type) {
        diff(v, "%s: an object of another kind than the origin's", path);
        return 0;
    }
    {
        skeleton_walk_t w = {v, path, H5I_INVALID_HID, H5I_INVALID_HID};
        hid_t ct = H5I_INVALID_HID, ot = H5I_INVALID_HID, cs = H5I_INVALID_HID, os = H5I_INVALID_HID;

        w.cobj = H5Oopen(root, name, H5P_DEFAULT);
        w.oobj = H5Oopen(v->of, name, H5P_DEFAULT);
        if (w.cobj >= 0 && w.oobj >= 0 && ci.type == H5O_TYPE_DATASET) {
            ct = H5Dget_type(w.cobj), ot = H5Dget_type(w.oobj), cs = H5Dget_space(w.cobj),
            os = H5Dget_space(w.oobj);
            if (H5Tequal(ct, ot) <= 0)
                diff(v, "%s: its datatype differs from the origin's", path);
            else if (H5Sextent_equal(cs, os) <= 0)
                diff(v, "%s: its shape differs from the origin's", path);
        }
        else if (w.cobj >= 0 && w.oobj >= 0 && ci.type == H5O_TYPE_NAMED_DATATYPE &&
                 H5Tequal(w.cobj, w.oobj) <= 0)
            diff(v, "%s: the named datatype differs from the origin's", path);
        if (w.cobj >= 0 && w.oobj >= 0)
            H5Aiterate2(w.cobj, H5_INDEX_NAME, H5_ITER_INC, NULL, skeleton_attribute, &w);
        if (v->full && ci.num_attrs != oi.num_attrs)
            diff(v, "%s: %llu attributes, the origin %llu", path, (unsigned long long)ci.num_attrs,
                 (unsigned long long)oi.num_attrs);
        H5E_BEGIN_TRY
        {
            H5Tclose(ct);
            H5Tclose(ot);
            H5Sclose(cs);
            H5Sclose(os);
            H5Oclose(w.cobj);
            H5Oclose(w.oobj);
        }
        H5E_END_TRY
    }
    return 0;
}

/* A link of the origin's tree the container of a full skeleton must have too. */
static herr_t
skeleton_origin_link(hid_t root, const char *name, const H5L_info2_t *info, void *op)
{
    vctx_t *v      = op;
    htri_t  exists = -1;

    (void)root, (void)info;
    H5E_BEGIN_TRY /* Quiet, not ignored: a link under a missing group was reported with the group. */
    {
        exists = H5Lexists(v->cf, name, H5P_DEFAULT);
    }
    H5E_END_TRY
    if (exists <= 0)
        diff(v, "/%s: in the origin, not in the container (whose skeleton is full)", name);
    return 0;
}

/* The skeleton: the container's links and objects against the origin's (kinds, link targets, datatypes,
 * shapes, attributes and their values), and for a full skeleton the origin's links in the container. */
static void
verify_skeleton(vctx_t *v)
{
    H5O_info2_t     ci, oi;
    skeleton_walk_t w = {v, "/", H5I_INVALID_HID, H5I_INVALID_HID};

    h5carve_note("  the skeleton (%s)", v->full ? "full" : "touched");
    /* Native order: in increasing name order HDF5 1.14.5 builds a table of a dense group's links, and a
     * read failing while it fills (a damaged container, an origin server that stops answering) frees the
     * table's unfilled entries, a crash; native order reads the B-tree and fails cleanly. */
    H5Lvisit2(v->cf, H5_INDEX_NAME, H5_ITER_NATIVE, skeleton_link, v);
    if (v->full)
        H5Lvisit2(v->of, H5_INDEX_NAME, H5_ITER_NATIVE, skeleton_origin_link, v);
    /* The root group's own attributes. */
    w.cobj = v->cf;
    w.oobj = v->of;
    H5Aiterate2(v->cf, H5_INDEX_NAME, H5_ITER_INC, NULL, skeleton_attribute, &w);
    if (v->full && H5Oget_info3(v->cf, &ci, H5O_INFO_NUM_ATTRS) >= 0 &&
        H5Oget_info3(v->of, &oi, H5O_INFO_NUM_ATTRS) >= 0 && ci.num_attrs != oi.num_attrs)
        diff(v, "/: %llu attributes, the origin %llu", (unsigned long long)ci.num_attrs,
             (unsigned long long)oi.num_attrs);
    H5Eclear2(H5E_DEFAULT);
}

/* ---- one container ---------------------------------------------------------------------------------- */

static hid_t
open_native(const char *path)
{
    hid_t fapl = h5carve_native_fapl(path), f = H5I_INVALID_HID;

    if (fapl >= 0) {
        f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
        H5Pclose(fapl);
    }
    return f;
}

/* Returns H5CARVE_OK, H5CARVE_DIFFERENCE or H5CARVE_USAGE. */
static int
verify_one(h5carve_entry_t *e, const char *origin_arg, int progress, size_t index, size_t total)
{
    vctx_t        v;
    const char   *origin = origin_arg ? origin_arg : e->m.origin;
    carve_stamp_t now;
    hid_t         fapl = H5I_INVALID_HID;
    int           ret  = H5CARVE_OK;

    memset(&v, 0, sizeof v);
    memset(&now, 0, sizeof now);
    v.container = e->container_path;
    v.progress  = progress;
    v.cf = v.of = H5I_INVALID_HID;
    if (!e->container_path) {
        h5carve_error("%s: its container is missing", e->manifest_path ? e->manifest_path : "?");
        return H5CARVE_USAGE;
    }
    if (!origin) {
        h5carve_error("%s: its manifest names no origin: give one with --origin", v.container);
        return H5CARVE_USAGE;
    }
    h5carve_note("%s: origin %s", v.container, origin);

    /* 1. The stamp (a URL's HEAD signed like the reads). */
    if ((fapl = h5carve_native_fapl(origin)) < 0 || carve_origin_stamp(origin, fapl, &now) < 0) {
        char *why = h5carve_hdf5_errors(); /* before H5Pclose, which clears the error stack */

        h5carve_error("%s: origin %s: %s", v.container, origin, why);
        free(why);
        if (fapl >= 0)
            H5Pclose(fapl);
        return H5CARVE_USAGE;
    }
    if (!carve_stamp_equal(&e->m.stamp, &now)) {
        char *how = carve_stamp_describe_change(&e->m.stamp, &now);
        diff(&v, "stamp: the origin %s changed since it was carved (%s)", origin, how ? how : "?");
        free(how);
    }
    carve_stamp_clear(&now);

    /* 2. The data (the origin opened with the stamp's access list). */
    if ((v.of = H5Fopen(origin, H5F_ACC_RDONLY, fapl)) < 0 || (v.cf = open_native(v.container)) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("%s: cannot open %s: %s", v.container, v.of < 0 ? origin : v.container, why);
        free(why);
        ret = H5CARVE_USAGE;
        goto done;
    }
    for (size_t i = 0; i < e->m.ndatasets; i++) {
        if (progress)
            fprintf(stderr, "\r\033[Kh5carve verify: container %zu/%zu, dataset %zu/%zu", index + 1, total,
                    i + 1, e->m.ndatasets);
        verify_dataset(&v, &e->m.datasets[i]);
    }

    /* 3. The embedded checksums. */
    verify_integrity(&v);

    /* 4. The skeleton. */
    v.full = !e->m.skeleton || strcmp(e->m.skeleton, "touched") != 0;
    verify_skeleton(&v);
    if (progress)
        fputs("\r\033[K", stderr);
    if (v.skipped_attrs)
        fprintf(stderr,
                "h5carve: %s: %d attributes of variable-length (other than strings) or reference types not "
                "compared\n",
                v.container, v.skipped_attrs);
    if (v.skipped && !h5carve_verbose)
        fprintf(
            stderr,
            "h5carve: %s: %d datasets of variable-length or reference types not compared (-v names them)\n",
            v.container, v.skipped);
    if (v.diffs)
        ret = H5CARVE_DIFFERENCE;
    else
        h5carve_note("%s: matches its origin (%zu datasets%s)", v.container, e->m.ndatasets,
                     v.skipped ? ", some skipped" : "");
done:
    H5Pclose(fapl);
    if (v.cf >= 0)
        H5Fclose(v.cf);
    if (v.of >= 0)
        H5Fclose(v.of);
    return ret;
}

int
h5carve_verify(int argc, char **argv)
{
    const char       *path = NULL, *origin = NULL;
    h5carve_entries_t entries  = {0, NULL};
    int               ret      = H5CARVE_OK, progress;
    size_t            verified = 0;

    for (int i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "--help") || 0 == strcmp(argv[i], "-h")) {
            fputs(verify_usage, stdout);
            return H5CARVE_OK;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (0 == strcmp(a, "-v") || 0 == strcmp(a, "--verbose"))
            h5carve_verbose++;
        else if (0 == strcmp(a, "--origin")) {
            if (++i >= argc) {
                fprintf(stderr, "h5carve: --origin needs a path\n%s", verify_usage);
                return H5CARVE_USAGE;
            }
            origin = argv[i];
        }
        else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "h5carve: unknown option: %s\n%s", a, verify_usage);
            return H5CARVE_USAGE;
        }
        else if (path) {
            fprintf(stderr, "h5carve: verify takes one path, not also %s\n%s", a, verify_usage);
            return H5CARVE_USAGE;
        }
        else
            path = a;
    }
    if (!path) {
        fprintf(stderr, "h5carve: verify needs a container or a directory\n%s", verify_usage);
        return H5CARVE_USAGE;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (h5carve_load(path, &entries) < 0) {
        h5carve_entries_free(&entries);
        return H5CARVE_USAGE;
    }
    progress = isatty(STDERR_FILENO);
    for (size_t i = 0; i < entries.n; i++) {
        int r = verify_one(&entries.list[i], origin, progress, i, entries.n);
        verified += entries.list[i].container_path != NULL;
        if (r > ret)
            ret = r;
    }
    if (entries.n == 0 || verified == 0) {
        h5carve_error("%s: no containers to verify", path);
        ret = H5CARVE_USAGE;
    }
    h5carve_entries_free(&entries);
    return ret;
}
