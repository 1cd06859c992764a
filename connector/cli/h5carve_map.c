/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_map.c — h5carve map: an SVG picture of one dataset's coverage in a carved container.
 *
 * The picture is a 2-D plane of the dataset (two chosen axes, the others fixed at a slice index; a rank-1
 * dataset is one row) cut into cells: a cell is a chunk of the container's chunk grid when the container
 * holds whole chunks, an element when it holds exact selections, and a block of several of them when the
 * plane has more than --cells of them along an axis (aggregated, so that the SVG stays small; the legend
 * says so). A cell is shaded by the fraction of it the container holds; the selections read (the
 * manifest's merged union) are outlined on top, in element coordinates.
 *
 * Everything comes from the core's manifest model (carve_manifest_t, its chunk set and selections); the
 * element counts of an element store are HDF5's own (H5Scombine_hyperslab over the union's dataspace).
 * The plot group carries its geometry as data-* attributes, for tests that look at rendered pixels.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5carve.h"

static const char *const map_usage =
    "usage: h5carve map [-v] CONTAINER|MANIFEST|DIR DATASET -o OUT.svg [--slice I,J,...] [--axes A,B]\n"
    "                   [--cells N]\n"
    "\n"
    "Draws the coverage of DATASET as an SVG picture: the chunk grid (or, for a dataset the container holds\n"
    "as exact selections, the element grid), each cell shaded by the fraction of it the container holds,\n"
    "and the selections programs read outlined in red.\n"
    "\n"
    "  -o OUT.svg     where to write the picture (replaced atomically)\n"
    "  --axes A,B     the dimensions shown as rows and columns (default: the last two; rank 1: one row)\n"
    "  --slice I,...  for rank > 2: one index per dimension fixing the dimensions not shown; the shown\n"
    "                 ones are written ':' (default: 0 for every dimension not shown), e.g. 5,:,:\n"
    "  --cells N      at most N cells per axis (default 64, at most 1024): a larger grid is aggregated,\n"
    "                 each cell then standing for a block of chunks or elements (the legend says so)\n"
    "\n"
    "Exit status: 0 written; 2 a usage error, a missing file, or a dataset the container does not list.\n";

#define MAP_DEFAULT_CELLS 64
#define MAP_MAX_CELLS     1024
#define MAP_PLOT_PX       640 /* the plot's larger side at most */
#define MAP_CELL_MAX_PX   48
#define MAP_MAX_OUTLINES  2000 /* rectangles drawn for the selections read; beyond: bounding boxes */
#define MAP_MARGIN        20

/* Colours: held (full), none (white), read outlines, grid lines. A partly held cell mixes held and white
 * by the fraction held. */
static const int held_rgb[3] = {31, 119, 180};

/* What is drawn, worked out from the options and the manifest entry. */
typedef struct map_plane_t {
    const carve_manifest_dataset_t *d;
    int      ax_y, ax_x;          /* dimensions shown as rows and columns; ax_y -1: rank 1, one row */
    hsize_t  slice[H5S_MAX_RANK]; /* element index of each dimension not shown */
    int      by_chunk;            /* 1: a unit is a chunk; 0: an element */
    int      whole;               /* the container holds every element ("held: all") */
    hsize_t  unit_y, unit_x;      /* elements per unit along each shown axis */
    hsize_t  units_y, units_x;    /* units along each shown axis */
    hsize_t  agg_y, agg_x;        /* units per cell */
    hsize_t  cells_y, cells_x;    /* cells */
    double  *held;                /* cells_y * cells_x fractions held */
    unsigned cell_w, cell_h;      /* a cell's width and height in pixels */
} map_plane_t;

/* ---- options -------------------------------------------------------------------------------------- */

typedef struct map_options_t {
    const char *path, *dataset, *out, *slice, *axes;
    unsigned    cells;
} map_options_t;

static int
map_usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "h5carve: map: %s%s\n%s", what, arg, map_usage);
    return H5CARVE_USAGE;
}

/* H5CARVE_OK to go on, else the exit status. */
static int
map_parse(int argc, char **argv, map_options_t *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (0 == strcmp(a, "--help") || 0 == strcmp(a, "-h")) {
            fputs(map_usage, stdout);
            return -1;
        }
    }
    o->cells = MAP_DEFAULT_CELLS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (0 == strcmp(a, "-v") || 0 == strcmp(a, "--verbose"))
            h5carve_verbose++;
        else if (0 == strcmp(a, "-o") && i + 1 < argc)
            o->out = argv[++i];
        else if (0 == strcmp(a, "--slice") && i + 1 < argc)
            o->slice = argv[++i];
        else if (0 == strcmp(a, "--axes") && i + 1 < argc)
            o->axes = argv[++i];
        else if (0 == strcmp(a, "--cells") && i + 1 < argc) {
            char         *end;
            unsigned long n = strtoul(argv[++i], &end, 10);
            if (*end || end == argv[i] || n < 1 || n > MAP_MAX_CELLS)
                return map_usage_error("--cells takes a number from 1 to 1024, not ", argv[i]);
            o->cells = (unsigned)n;
        }
        else if (a[0] == '-' && a[1] != '\0')
            return map_usage_error("unknown option or missing value: ", a);
        else if (!o->path)
            o->path = a;
        else if (!o->dataset)
            o->dataset = a;
        else
            return map_usage_error("one container and one dataset, not also ", a);
    }
    if (!o->path || !o->dataset)
        return map_usage_error("needs a container (or manifest, or directory) and a dataset", "");
    if (!o->out)
        return map_usage_error("needs -o OUT.svg", "");
    return H5CARVE_OK;
}

/* Parses "a,b" (two distinct dimensions below rank). */
static int
parse_axes(const char *text, int rank, int *ay, int *ax)
{
    char *end;
    long  a = strtol(text, &end, 10), b;
    if (end == text || *end != ',')
        return -1;
    text = end + 1;
    b    = strtol(text, &end, 10);
    if (end == text || *end || a < 0 || b < 0 || a >= rank || b >= rank || a == b)
        return -1;
    *ay = (int)a;
    *ax = (int)b;
    return 0;
}

/* Parses one index per dimension, ':' for the shown ones, each below its extent. */
static int
parse_slice(const char *text, map_plane_t *p)
{
    const carve_manifest_dataset_t *d = p->d;
    for (int k = 0; k < d->rank; k++) {
        int shown = k == p->ax_x || k == p->ax_y;
        if (*text == ':') {
            if (!shown) {
                h5carve_error("map: --slice: ':' for dimension %d, which is not shown (--axes)", k);
                return -1;
            }
            text++;
        }
        else {
            char              *end;
            unsigned long long v;
            errno = 0;
            v     = strtoull(text, &end, 10);
            if (end == text || errno || *text == '-') {
                h5carve_error("map: --slice: dimension %d: an index or ':', not '%s'", k, text);
                return -1;
            }
            if (v >= d->dims[k]) {
                h5carve_error("map: --slice: index %llu of dimension %d is past its extent %llu", v, k,
                              (unsigned long long)d->dims[k]);
                return -1;
            }
            if (!shown)
                p->slice[k] = (hsize_t)v;
            text = end;
        }
        if (k + 1 < d->rank && *text++ != ',') {
            h5carve_error("map: --slice takes %d comma-separated indices (the dataset's rank)", d->rank);
            return -1;
        }
    }
    if (*text) {
        h5carve_error("map: --slice takes %d comma-separated indices (the dataset's rank)", d->rank);
        return -1;
    }
    return 0;
}

/* ---- the dataset ---------------------------------------------------------------------------------- */

/* The entry holding the dataset; NULL (said) when none or several do. */
static h5carve_entry_t *
find_dataset(h5carve_entries_t *entries, const char *path, const char *name, carve_manifest_dataset_t **d)
{
    h5carve_entry_t *found = NULL;
    for (size_t i = 0; i < entries->n; i++) {
        carve_manifest_dataset_t *x = carve_manifest_find_dataset(&entries->list[i].m, name);
        if (!x)
            continue;
        if (found) {
            h5carve_error("map: %s: dataset %s is in more than one container (%s, %s); name one", path, name,
                          found->container_path ? found->container_path : found->manifest_path,
                          entries->list[i].container_path ? entries->list[i].container_path
                                                          : entries->list[i].manifest_path);
            return NULL;
        }
        found = &entries->list[i];
        *d    = x;
    }
    if (!found) {
        h5carve_error("map: %s: no dataset %s in %s (it lists %zu dataset%s%s%s)", path, name,
                      entries->n == 1 ? "the container" : "any container",
                      entries->n ? entries->list[0].m.ndatasets : 0,
                      entries->n && entries->list[0].m.ndatasets == 1 ? "" : "s",
                      entries->n && entries->list[0].m.ndatasets ? ", e.g. " : "",
                      entries->n && entries->list[0].m.ndatasets ? entries->list[0].m.datasets[0].path : "");
    }
    return found;
}

static hsize_t
ceil_div(hsize_t a, hsize_t b)
{
    return (a + b - 1) / b;
}

/* A cell's side in pixels when `cells` share the plot's side. */
static unsigned
cell_side(hsize_t cells)
{
    unsigned side = (unsigned)(MAP_PLOT_PX / cells);
    return side > MAP_CELL_MAX_PX ? MAP_CELL_MAX_PX : side < 1 ? 1 : side;
}

/* Units, aggregation, cell size. */
static int
plane_layout(map_plane_t *p, unsigned max_cells)
{
    const carve_manifest_dataset_t *d = p->d;

    p->whole    = d->held && 0 == strcmp(d->held, "all");
    p->by_chunk = !p->whole && d->store == CARVE_STORE_CHUNKS && d->chunked;
    for (int k = 0; k < d->rank; k++)
        if (d->dims[k] == 0) {
            h5carve_error("map: %s has no elements (dimension %d is 0)", d->path, k);
            return -1;
        }
    p->unit_x  = p->by_chunk ? d->chunk[p->ax_x] : 1;
    p->units_x = ceil_div(d->dims[p->ax_x], p->unit_x);
    if (p->ax_y >= 0) {
        p->unit_y  = p->by_chunk ? d->chunk[p->ax_y] : 1;
        p->units_y = ceil_div(d->dims[p->ax_y], p->unit_y);
    }
    else
        p->unit_y = p->units_y = 1;
    p->agg_x   = ceil_div(p->units_x, max_cells);
    p->agg_y   = ceil_div(p->units_y, max_cells);
    p->cells_x = ceil_div(p->units_x, p->agg_x);
    p->cells_y = ceil_div(p->units_y, p->agg_y);
    p->cell_w  = cell_side(p->cells_x);
    p->cell_h  = cell_side(p->cells_y);
    if (NULL == (p->held = calloc(p->cells_x * p->cells_y, sizeof *p->held))) {
        h5carve_error("out of memory");
        return -1;
    }
    return 0;
}

/* Units of the plane in cell (cy, cx): fewer at the far edges. */
static double
cell_units(const map_plane_t *p, hsize_t cy, hsize_t cx)
{
    hsize_t ny = p->units_y - cy * p->agg_y, nx = p->units_x - cx * p->agg_x;
    return (double)(ny < p->agg_y ? ny : p->agg_y) * (double)(nx < p->agg_x ? nx : p->agg_x);
}

/* Chunk stores: each held chunk in the slice counts for its cell. */
static void
held_by_chunk(map_plane_t *p)
{
    carve_chunkset_t *cs = (carve_chunkset_t *)&p->d->chunks;
    hsize_t           coords[H5S_MAX_RANK];

    carve_chunkset_finish(cs);
    for (size_t i = 0; i < cs->n; i++) {
        int in = 1;
        carve_chunkset_coords(cs, i, coords);
        for (int k = 0; k < cs->rank; k++)
            if (k != p->ax_x && k != p->ax_y && coords[k] != p->slice[k] / p->d->chunk[k])
                in = 0;
        if (in) {
            hsize_t cy = p->ax_y >= 0 ? coords[p->ax_y] / p->agg_y : 0, cx = coords[p->ax_x] / p->agg_x;
            p->held[cy * p->cells_x + cx] += 1;
        }
    }
    for (hsize_t cy = 0; cy < p->cells_y; cy++)
        for (hsize_t cx = 0; cx < p->cells_x; cx++)
            p->held[cy * p->cells_x + cx] /= cell_units(p, cy, cx);
}

/* The box of cell (cy, cx) in the dataset (the slice's index in the dimensions not shown), cut at the
 * extent. */
static void
cell_box(const map_plane_t *p, hsize_t cy, hsize_t cx, hsize_t *start, hsize_t *count)
{
    for (int k = 0; k < p->d->rank; k++) {
        start[k] = p->slice[k];
        count[k] = 1;
    }
    for (int s = 0; s < 2; s++) {
        int     k    = s ? p->ax_x : p->ax_y;
        hsize_t c    = s ? cx : cy;
        hsize_t size = (s ? p->agg_x * p->unit_x : p->agg_y * p->unit_y);
        if (k < 0)
            continue;
        start[k] = c * size;
        count[k] = start[k] + size > p->d->dims[k] ? p->d->dims[k] - start[k] : size;
    }
}

/* Element stores: HDF5 counts the union's elements in each cell. */
static int
held_by_element(map_plane_t *p)
{
    hid_t space = carve_selection_to_space(&p->d->selections);
    int   ret   = 0;

    if (space < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("map: %s: cannot build its selections: %s", p->d->path, why);
        free(why);
        return -1;
    }
    for (hsize_t cy = 0; cy < p->cells_y && ret == 0; cy++)
        for (hsize_t cx = 0; cx < p->cells_x && ret == 0; cx++) {
            hsize_t start[H5S_MAX_RANK], count[H5S_MAX_RANK], end[H5S_MAX_RANK], cells = 1;
            hid_t   part;
            htri_t  meets;
            cell_box(p, cy, cx, start, count);
            for (int k = 0; k < p->d->rank; k++) {
                end[k] = start[k] + count[k] - 1;
                cells *= count[k];
            }
            if ((meets = H5Sselect_intersect_block(space, start, end)) < 0)
                ret = -1;
            else if (meets == 0)
                continue;
            else if ((part = H5Scombine_hyperslab(space, H5S_SELECT_AND, start, NULL, count, NULL)) < 0)
                ret = -1;
            else {
                hssize_t n = H5Sget_select_npoints(part);
                H5Sclose(part);
                if (n < 0)
                    ret = -1;
                else
                    p->held[cy * p->cells_x + cx] = (double)n / (double)cells;
            }
        }
    H5Sclose(space);
    if (ret < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("map: %s: cannot count its elements: %s", p->d->path, why);
        free(why);
    }
    return ret;
}

/* ---- the picture ------------------------------------------------------------------------------------ */

/* Pixels per element along x and y. */
static double
px_per_element(const map_plane_t *p, int x)
{
    return (double)(x ? p->cell_w : p->cell_h) / (double)(x ? p->agg_x * p->unit_x : p->agg_y * p->unit_y);
}

/* The dataset's extent along x or y in pixels (a rank-1 dataset's one row: a cell high). */
static double
extent_px(const map_plane_t *p, int x)
{
    if (!x && p->ax_y < 0)
        return (double)p->cell_h;
    return (double)p->d->dims[x ? p->ax_x : p->ax_y] * px_per_element(p, x);
}

static void
svg_cells(FILE *f, const map_plane_t *p, int x0, int y0)
{
    /* Runs of equal shade in a row are one rectangle. */
    for (hsize_t cy = 0; cy < p->cells_y; cy++)
        for (hsize_t cx = 0; cx < p->cells_x;) {
            double  h   = p->held[cy * p->cells_x + cx];
            hsize_t run = 1;
            while (cx + run < p->cells_x && p->held[cy * p->cells_x + cx + run] == h)
                run++;
            if (h > 0) {
                int rgb[3];
                for (int c = 0; c < 3; c++)
                    rgb[c] = (int)(255.0 + (held_rgb[c] - 255.0) * (h > 1 ? 1 : h) + 0.5);
                fprintf(f,
                        "<rect x=\"%llu\" y=\"%llu\" width=\"%llu\" height=\"%u\" fill=\"#%02x%02x%02x\"/>\n",
                        (unsigned long long)(x0 + cx * p->cell_w), (unsigned long long)(y0 + cy * p->cell_h),
                        (unsigned long long)(run * p->cell_w), p->cell_h, rgb[0], rgb[1], rgb[2]);
            }
            cx += run;
        }
}

static void
svg_grid(FILE *f, const map_plane_t *p, int x0, int y0)
{
    unsigned long long w = p->cells_x * p->cell_w, h = p->cells_y * p->cell_h;

    /* Cell lines only when cells are big enough to see between them. */
    if (p->cell_w >= 4 && p->cell_h >= 4) {
        fputs("<path stroke=\"#bbbbbb\" stroke-width=\"1\" fill=\"none\" d=\"", f);
        for (hsize_t cx = 0; cx <= p->cells_x; cx++)
            fprintf(f, "M%llu.5 %dv%llu", (unsigned long long)(x0 + cx * p->cell_w) - (cx == p->cells_x), y0,
                    h);
        for (hsize_t cy = 0; cy <= p->cells_y; cy++)
            fprintf(f, "M%d %llu.5h%llu", x0, (unsigned long long)(y0 + cy * p->cell_h) - (cy == p->cells_y),
                    w);
        fputs("\"/>\n", f);
    }
    /* The dataset's extent (the last chunks may reach past it). */
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#000000\" "
            "stroke-width=\"1\"/>\n",
            x0, y0, extent_px(p, 1), extent_px(p, 0));
}

/* 1 if element i of a dimension is in a record's blocks there. */
static int
in_blocks(hsize_t start, hsize_t stride, hsize_t count, hsize_t block, hsize_t i)
{
    hsize_t off, q;
    if (i < start)
        return 0;
    off = i - start;
    q   = stride ? off / stride : 0;
    if (q >= count)
        q = count - 1;
    return off - q * stride < block;
}

/* The selections read, in the plane: one rectangle per block (blocks that touch along an axis drawn as
 * one), a dashed bounding box for a record with too many blocks. Returns the records drawn as boxes. */
static size_t
svg_outlines(FILE *f, const map_plane_t *p, int x0, int y0, size_t *drawn)
{
    const carve_selection_t *sel = &p->d->selections;
    double                   sx = px_per_element(p, 1), sy = px_per_element(p, 0);
    size_t                   boxes = 0;

    *drawn = 0;
    fputs("<g fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\">\n", f);
    for (size_t r = 0; r < sel->nrecords; r++) {
        const hsize_t *st = CARVE_RECORD_START(sel, r), *sd = CARVE_RECORD_STRIDE(sel, r),
                      *ct = CARVE_RECORD_COUNT(sel, r), *bl = CARVE_RECORD_BLOCK(sel, r);
        hsize_t n[2], step[2], len[2], first[2];
        int     in = 1;

        for (int k = 0; k < sel->rank; k++)
            if (k != p->ax_x && k != p->ax_y && !in_blocks(st[k], sd[k], ct[k], bl[k], p->slice[k]))
                in = 0;
        if (!in)
            continue;
        for (int s = 0; s < 2; s++) {
            int k = s ? p->ax_x : p->ax_y;
            if (k < 0) {
                n[s] = 1, step[s] = 0, len[s] = 1, first[s] = 0;
                continue;
            }
            first[s] = st[k];
            /* Blocks that touch (stride == block) are one. */
            if (ct[k] == 1 || sd[k] == bl[k])
                n[s] = 1, step[s] = 0, len[s] = (ct[k] - 1) * sd[k] + bl[k];
            else
                n[s] = ct[k], step[s] = sd[k], len[s] = bl[k];
        }
        if (*drawn + n[0] * n[1] > MAP_MAX_OUTLINES) {
            hsize_t h = (n[0] - 1) * step[0] + len[0], w = (n[1] - 1) * step[1] + len[1];
            fprintf(f,
                    "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" stroke-dasharray=\"4 3\"/>\n",
                    x0 + (double)first[1] * sx, y0 + (double)first[0] * sy, (double)w * sx,
                    p->ax_y >= 0 ? (double)h * sy : (double)p->cell_h);
            boxes++;
            continue;
        }
        for (hsize_t i = 0; i < n[0]; i++)
            for (hsize_t j = 0; j < n[1]; j++) {
                double y = y0 + (double)(first[0] + i * step[0]) * sy;
                fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>\n",
                        x0 + (double)(first[1] + j * step[1]) * sx, p->ax_y >= 0 ? y : (double)y0,
                        (double)len[1] * sx, p->ax_y >= 0 ? (double)len[0] * sy : (double)p->cell_h);
                (*drawn)++;
            }
    }
    fputs("</g>\n", f);
    return boxes;
}

/* Text as XML character data. */
static void
xml_escaped(FILE *f, const char *text)
{
    for (const char *c = text; *c; c++) {
        if (*c == '<')
            fputs("&lt;", f);
        else if (*c == '>')
            fputs("&gt;", f);
        else if (*c == '&')
            fputs("&amp;", f);
        else
            fputc(*c, f);
    }
}

static void
svg_text(FILE *f, int x, int y, const char *text)
{
    fprintf(f, "<text x=\"%d\" y=\"%d\">", x, y);
    xml_escaped(f, text);
    fputs("</text>\n", f);
}

static void
dims_text(char *buf, size_t size, int rank, const hsize_t *dims, const char *sep)
{
    size_t used = 0;
    buf[0]      = '\0';
    for (int k = 0; k < rank && used < size; k++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%llu", k ? sep : "", (unsigned long long)dims[k]);
}

/* The legend's lines below the plot; returns the next y. */
static int
svg_legend(FILE *f, const map_plane_t *p, const char *where, int y, size_t drawn, size_t boxes)
{
    const carve_manifest_dataset_t *d = p->d;
    char                            line[512], a[128], b[128];
    int                             lx = MAP_MARGIN;

    fputs("<g font-family=\"sans-serif\" font-size=\"12\" fill=\"#000000\">\n", f);
    dims_text(a, sizeof a, d->rank, d->dims, " x ");
    snprintf(line, sizeof line, "%s %s in %s", d->path, a, where);
    svg_text(f, lx, y += 16, line);
    if (d->rank > 1) {
        size_t used = (size_t)snprintf(
            line, sizeof line, "rows: dimension %d, columns: dimension %d; slice [", p->ax_y, p->ax_x);
        for (int k = 0; k < d->rank && used < sizeof line; k++) {
            if (k == p->ax_x || k == p->ax_y)
                used += (size_t)snprintf(line + used, sizeof line - used, "%s:", k ? ", " : "");
            else
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%llu", k ? ", " : "",
                                         (unsigned long long)p->slice[k]);
        }
        if (used < sizeof line)
            snprintf(line + used, sizeof line - used, "]");
        svg_text(f, lx, y += 16, line);
    }
    if (p->by_chunk) {
        dims_text(a, sizeof a, d->rank, d->chunk, " x ");
        snprintf(b, sizeof b, "%llu x %llu chunks", (unsigned long long)p->agg_y,
                 (unsigned long long)p->agg_x);
        snprintf(line, sizeof line, "cell: %s of %s elements (store: chunks)",
                 p->agg_x * p->agg_y > 1 ? b : "one chunk", a);
    }
    else {
        snprintf(b, sizeof b, "%llu x %llu elements", (unsigned long long)p->agg_y,
                 (unsigned long long)p->agg_x);
        snprintf(line, sizeof line, "cell: %s (store: %s)", p->agg_x * p->agg_y > 1 ? b : "one element",
                 p->whole ? "the whole dataset" : "elements");
    }
    svg_text(f, lx, y += 16, line);
    if (p->agg_x * p->agg_y > 1) {
        snprintf(line, sizeof line,
                 "aggregated: %llu x %llu %s shown as %llu x %llu cells, shaded by the fraction held",
                 (unsigned long long)p->units_y, (unsigned long long)p->units_x,
                 p->by_chunk ? "chunks" : "elements", (unsigned long long)p->cells_y,
                 (unsigned long long)p->cells_x);
        svg_text(f, lx, y += 16, line);
    }
    y += 8;
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#%02x%02x%02x\"/>\n", lx, y,
            held_rgb[0], held_rgb[1], held_rgb[2]);
    svg_text(f, lx + 16, y + 11, "held");
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#ffffff\" stroke=\"#bbbbbb\"/>\n",
            lx + 70, y);
    svg_text(f, lx + 86, y + 11, "not held");
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#d62728\" "
            "stroke-width=\"2\"/>\n",
            lx + 160, y);
    snprintf(line, sizeof line, "read (%zu rectangle%s%s)", drawn, drawn == 1 ? "" : "s",
             boxes ? ", dashed: bounding boxes of records with many blocks" : "");
    svg_text(f, lx + 176, y + 11, line);
    fputs("</g>\n", f);
    return y + 20;
}

static int
write_svg(const map_plane_t *p, const char *where, const char *out)
{
    size_t len  = strlen(out) + 32;
    char  *temp = malloc(len);
    FILE  *f;
    int    x0 = MAP_MARGIN, y0 = MAP_MARGIN, width, height, legend_lines, ok;
    size_t drawn = 0, boxes;

    if (!temp) {
        h5carve_error("out of memory");
        return -1;
    }
    snprintf(temp, len, "%s.tmp.%ld", out, (long)getpid());
    if (NULL == (f = fopen(temp, "w"))) {
        h5carve_error("map: cannot create %s: %s", temp, strerror(errno));
        free(temp);
        return -1;
    }
    width        = (int)(p->cells_x * p->cell_w) + 2 * MAP_MARGIN;
    legend_lines = 3 + (p->d->rank > 1) + (p->agg_x * p->agg_y > 1);
    height       = (int)(p->cells_y * p->cell_h) + 2 * MAP_MARGIN + legend_lines * 16 + 28;
    if (width < 560)
        width = 560;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
            "<title>carve coverage of ",
            width, height, width, height);
    xml_escaped(f, p->d->path);
    fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", f);
    fprintf(f,
            "<g id=\"plot\" data-x0=\"%d\" data-y0=\"%d\" data-cell-w=\"%u\" data-cell-h=\"%u\" "
            "data-cells-x=\"%llu\" "
            "data-cells-y=\"%llu\" data-elements-per-cell-x=\"%llu\" data-elements-per-cell-y=\"%llu\" "
            "data-unit=\"%s\" data-extent-px-x=\"%.2f\" data-extent-px-y=\"%.2f\">\n",
            x0, y0, p->cell_w, p->cell_h, (unsigned long long)p->cells_x, (unsigned long long)p->cells_y,
            (unsigned long long)(p->agg_x * p->unit_x), (unsigned long long)(p->agg_y * p->unit_y),
            p->by_chunk ? "chunk" : "element", extent_px(p, 1), extent_px(p, 0));
    svg_cells(f, p, x0, y0);
    svg_grid(f, p, x0, y0);
    boxes = svg_outlines(f, p, x0, y0, &drawn);
    fputs("</g>\n", f);
    svg_legend(f, p, where, y0 + (int)(p->cells_y * p->cell_h) + 4, drawn, boxes);
    fputs("</svg>\n", f);
    ok = !ferror(f);
    if (fclose(f) != 0)
        ok = 0;
    if (!ok || rename(temp, out) < 0) {
        h5carve_error("map: cannot write %s: %s", out, strerror(errno));
        unlink(temp);
        free(temp);
        return -1;
    }
    free(temp);
    return 0;
}

/* ---- the subcommand ------------------------------------------------------------------------------------ */

/* The plane's axes and slice from the options. */
static int
plane_choose(map_plane_t *p, const map_options_t *o)
{
    int rank = p->d->rank;

    if (rank == 0) {
        h5carve_error("map: %s is scalar: it has no grid to draw", p->d->path);
        return -1;
    }
    p->ax_y = rank >= 2 ? rank - 2 : -1;
    p->ax_x = rank - 1;
    if (o->axes) {
        if (rank < 2 || parse_axes(o->axes, rank, &p->ax_y, &p->ax_x) < 0) {
            h5carve_error("map: --axes takes two different dimensions below %d (the dataset's rank), not %s",
                          rank, o->axes);
            return -1;
        }
    }
    if (o->slice && parse_slice(o->slice, p) < 0)
        return -1;
    return 0;
}

int
h5carve_map(int argc, char **argv)
{
    map_options_t             o;
    h5carve_entries_t         entries = {0, NULL};
    h5carve_entry_t          *e;
    carve_manifest_dataset_t *d = NULL;
    map_plane_t               p;
    char                     *name = NULL;
    int                       ret  = H5CARVE_USAGE;

    memset(&o, 0, sizeof o);
    memset(&p, 0, sizeof p);
    if ((ret = map_parse(argc, argv, &o)) != H5CARVE_OK)
        return ret < 0 ? H5CARVE_OK : ret;
    ret = H5CARVE_USAGE;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (h5carve_load(o.path, &entries) < 0)
        goto done;
    if (o.dataset[0] != '/') {
        if (asprintf(&name, "/%s", o.dataset) < 0)
            goto done;
    }
    else if (NULL == (name = strdup(o.dataset)))
        goto done;
    if (NULL == (e = find_dataset(&entries, o.path, name, &d)))
        goto done;
    p.d = d;
    if (plane_choose(&p, &o) < 0 || plane_layout(&p, o.cells) < 0)
        goto done;
    if (p.whole)
        for (hsize_t i = 0; i < p.cells_x * p.cells_y; i++)
            p.held[i] = 1;
    else if (p.by_chunk)
        held_by_chunk(&p);
    else if (held_by_element(&p) < 0)
        goto done;
    if (write_svg(&p, e->container_path ? e->container_path : e->manifest_path, o.out) < 0)
        goto done;
    h5carve_note("map: %s: %llu x %llu cells of %u x %u px written to %s", d->path,
                 (unsigned long long)p.cells_y, (unsigned long long)p.cells_x, p.cell_w, p.cell_h, o.out);
    ret = H5CARVE_OK;

done:
    free(p.held);
    free(name);
    h5carve_entries_free(&entries);
    return ret;
}
