/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_inspect.c — h5carve inspect: what a container, a manifest or a directory of them holds.
 *
 * The facts are gathered once into a small tree of values (objects, arrays, strings, integers, fractions)
 * which is printed as JSON (--json), YAML (--yaml) or, by default, as a readable table.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5carve.h"

static const char *const inspect_usage =
    "usage: h5carve inspect [-v] [--json | --yaml] CONTAINER | MANIFEST | DIR\n"
    "\n"
    "Shows what carved containers hold: the origin, its stamp, the generation, the runs that carved it and\n"
    "the replay counters; per dataset its shape, type (from the container), the origin's layout, how the\n"
    "container stores it, chunks stored (of the chunk grid), bytes read and stored, and coverage: the\n"
    "fraction of its elements that were read (union of the selections) and that the container holds.\n"
    "A container's own embedded manifest is read (with the replay counters of the manifest file beside it);\n"
    "a manifest file is read as it is; a directory lists every container (and lone manifest) in it.\n"
    "\n"
    "  --json   one JSON document: {\"containers\": [...]}\n"
    "  --yaml   the same as YAML\n"
    "\n"
    "Exit status: 0 success; 2 a usage error, or a file that is missing or not a container or manifest.\n";

/* ---- the value tree ------------------------------------------------------------------------------- */

typedef enum { V_OBJ, V_ARR, V_STR, V_UINT, V_FRAC, V_NULL } vtype_t;

typedef struct val_t {
    vtype_t        type;
    char          *key; /* a member of an object */
    char          *s;
    uint64_t       u;
    double         d;
    size_t         n;
    struct val_t **items;
} val_t;

static val_t *
v_new(vtype_t type)
{
    val_t *v = calloc(1, sizeof *v);
    if (!v) {
        h5carve_error("out of memory");
        exit(H5CARVE_USAGE);
    }
    v->type = type;
    return v;
}

static val_t *
v_add(val_t *parent, const char *key, val_t *v)
{
    val_t **grown = realloc(parent->items, (parent->n + 1) * sizeof *grown);
    if (!grown || (key && !(v->key = strdup(key)))) {
        h5carve_error("out of memory");
        exit(H5CARVE_USAGE);
    }
    parent->items              = grown;
    parent->items[parent->n++] = v;
    return v;
}

static val_t *
v_str(val_t *parent, const char *key, const char *s)
{
    val_t *v;
    if (!s)
        return v_add(parent, key, v_new(V_NULL));
    v    = v_new(V_STR);
    v->s = strdup(s);
    return v_add(parent, key, v);
}

static val_t *
v_uint(val_t *parent, const char *key, uint64_t u)
{
    val_t *v = v_new(V_UINT);
    v->u     = u;
    return v_add(parent, key, v);
}

static val_t *
v_frac(val_t *parent, const char *key, double d)
{
    val_t *v = v_new(isfinite(d) ? V_FRAC : V_NULL);
    v->d     = d;
    return v_add(parent, key, v);
}

static val_t *
v_dims(val_t *parent, const char *key, int rank, const hsize_t *dims)
{
    val_t *a = v_add(parent, key, v_new(V_ARR));
    for (int i = 0; i < rank; i++)
        v_uint(a, NULL, dims[i]);
    return a;
}

static const val_t *
v_get(const val_t *obj, const char *key)
{
    for (size_t i = 0; i < obj->n; i++)
        if (obj->items[i]->key && 0 == strcmp(obj->items[i]->key, key))
            return obj->items[i];
    return NULL;
}

static void
v_free(val_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        v_free(v->items[i]);
    free(v->items);
    free(v->key);
    free(v->s);
    free(v);
}

/* A double-quoted string: valid JSON, and valid YAML. */
static void
print_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void
print_scalar(FILE *f, const val_t *v)
{
    switch (v->type) {
        case V_STR:
            print_quoted(f, v->s);
            break;
        case V_UINT:
            fprintf(f, "%" PRIu64, v->u);
            break;
        case V_FRAC:
            fprintf(f, "%.6g", v->d);
            break;
        default:
            fputs("null", f);
            break;
    }
}

/* Arrays of scalars only (shapes, chunk shapes) are printed on one line. */
static int
is_flat(const val_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i]->type == V_OBJ || v->items[i]->type == V_ARR)
            return 0;
    return 1;
}

static void
print_json(FILE *f, const val_t *v, int indent)
{
    int flat;
    if (v->type != V_OBJ && v->type != V_ARR) {
        print_scalar(f, v);
        return;
    }
    flat = v->type == V_ARR && is_flat(v);
    fputc(v->type == V_OBJ ? '{' : '[', f);
    for (size_t i = 0; i < v->n; i++) {
        if (flat)
            fputs(i ? ", " : "", f);
        else
            fprintf(f, "%s\n%*s", i ? "," : "", indent + 2, "");
        if (v->type == V_OBJ) {
            print_quoted(f, v->items[i]->key);
            fputs(": ", f);
        }
        print_json(f, v->items[i], indent + 2);
    }
    if (!flat && v->n)
        fprintf(f, "\n%*s", indent, "");
    fputc(v->type == V_OBJ ? '}' : ']', f);
}

/* YAML block style; scalars as in JSON (double-quoted strings, null). With inline_first, the first
 * member goes on the line already begun (after "- "). */
static void
print_yaml(FILE *f, const val_t *v, int indent, int inline_first)
{
    for (size_t i = 0; i < v->n; i++) {
        const val_t *c   = v->items[i];
        int          pad = (i == 0 && inline_first) ? 0 : indent;
        fprintf(f, "%*s", pad, "");
        if (v->type == V_OBJ)
            fprintf(f, "%s:", c->key); /* keys are plain identifiers */
        else
            fputc('-', f);
        if ((c->type == V_OBJ || c->type == V_ARR) && c->n && !(c->type == V_ARR && is_flat(c))) {
            if (v->type == V_ARR && c->type == V_OBJ) {
                fputc(' ', f);
                print_yaml(f, c, indent + 2, 1);
            }
            else {
                fputc('\n', f);
                print_yaml(f, c, indent + 2, 0);
            }
        }
        else {
            fputc(' ', f);
            if (c->type == V_OBJ)
                fputs("{}", f);
            else
                print_json(f, c, 0);
            fputc('\n', f);
        }
    }
}

/* ---- the facts ------------------------------------------------------------------------------------ */

/* A short name of an HDF5 datatype: int32, uint8, float64, string, compound{3}, enum, array, vlen... */
static void
describe_type(hid_t type, char *buf, size_t size)
{
    size_t bits = H5Tget_size(type) * 8;
    switch (H5Tget_class(type)) {
        case H5T_INTEGER:
            snprintf(buf, size, "%sint%zu", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", bits);
            break;
        case H5T_FLOAT:
            snprintf(buf, size, "float%zu", bits);
            break;
        case H5T_STRING:
            if (H5Tis_variable_str(type) > 0)
                snprintf(buf, size, "string");
            else
                snprintf(buf, size, "string%zu", bits / 8);
            break;
        case H5T_COMPOUND:
            snprintf(buf, size, "compound{%d}", H5Tget_nmembers(type));
            break;
        case H5T_ENUM:
            snprintf(buf, size, "enum");
            break;
        case H5T_ARRAY:
            snprintf(buf, size, "array");
            break;
        case H5T_VLEN:
            snprintf(buf, size, "vlen");
            break;
        case H5T_REFERENCE:
            snprintf(buf, size, "reference");
            break;
        case H5T_OPAQUE:
            snprintf(buf, size, "opaque%zu", bits / 8);
            break;
        case H5T_BITFIELD:
            snprintf(buf, size, "bitfield%zu", bits);
            break;
        case H5T_TIME:
            snprintf(buf, size, "time");
            break;
        default:
            snprintf(buf, size, "?");
            break;
    }
}

static uint64_t
product(int rank, const hsize_t *dims)
{
    uint64_t p = 1;
    for (int i = 0; i < rank; i++)
        p *= dims[i];
    return p;
}

static void
add_dataset(val_t *list, const carve_manifest_dataset_t *d, hid_t file)
{
    val_t   *o     = v_add(list, NULL, v_new(V_OBJ));
    uint64_t total = product(d->rank, d->dims), covered, chunks_total = 0;
    char     type[64];
    int      whole = d->held && 0 == strcmp(d->held, "all");
    hid_t    dset = H5I_INVALID_HID, t = H5I_INVALID_HID;

    v_str(o, "path", d->path);
    v_dims(o, "shape", d->rank, d->dims);
    type[0] = '\0';
    if (file >= 0) {
        H5E_BEGIN_TRY
        {
            if ((dset = H5Dopen2(file, d->path, H5P_DEFAULT)) >= 0 && (t = H5Dget_type(dset)) >= 0)
                describe_type(t, type, sizeof type);
            if (t >= 0)
                H5Tclose(t);
            if (dset >= 0)
                H5Dclose(dset);
        }
        H5E_END_TRY
    }
    v_str(o, "type", type[0] ? type : NULL);
    v_str(o, "layout", d->origin_layout);
    v_str(o, "store", whole ? "all" : d->store == CARVE_STORE_CHUNKS ? "chunks" : "elements");
    if (d->chunked)
        v_dims(o, "chunk", d->rank, d->chunk);
    else
        v_str(o, "chunk", NULL);
    v_uint(o, "chunks_stored", d->chunks_stored);
    if (d->chunked && d->rank > 0) {
        chunks_total = 1;
        for (int i = 0; i < d->rank; i++)
            chunks_total *= d->chunk[i] ? (d->dims[i] + d->chunk[i] - 1) / d->chunk[i] : 0;
        v_uint(o, "chunks_total", chunks_total);
    }
    else
        v_str(o, "chunks_total", NULL);
    v_uint(o, "elements", total);
    v_uint(o, "elements_read", d->elements_read);
    covered = carve_selection_npoints(&d->selections);
    v_uint(o, "elements_covered", covered);
    v_uint(o, "bytes_read", d->bytes_read);
    v_uint(o, "bytes_stored", d->bytes_stored);
    v_frac(o, "coverage", total ? (double)covered / (double)total : NAN);
    if (whole)
        v_frac(o, "held", 1.0);
    else if (d->store == CARVE_STORE_CHUNKS && chunks_total)
        v_frac(o, "held", (double)d->chunks_stored / (double)chunks_total);
    else
        v_frac(o, "held", total ? (double)covered / (double)total : NAN);
}

static val_t *
describe_entry(const h5carve_entry_t *e)
{
    const carve_manifest_t *m = &e->m;
    val_t                  *o = v_new(V_OBJ), *s, *r, *list;
    uint64_t                read, stored;
    hid_t                   file = H5I_INVALID_HID;
    char                    buf[64];

    v_str(o, "container", e->container_path);
    v_str(o, "manifest", e->manifest_path);
    v_str(o, "origin", m->origin);
    s = v_add(o, "stamp", v_new(V_OBJ));
    v_str(s, "kind", m->stamp.remote ? "remote" : "local");
    if (m->stamp.size >= 0)
        v_uint(s, "size", (uint64_t)m->stamp.size);
    else
        v_str(s, "size", NULL);
    if (m->stamp.remote) {
        v_str(s, "etag", m->stamp.etag);
        v_str(s, "last_modified", m->stamp.last_modified);
    }
    else {
        snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64, m->stamp.mtime_sec, m->stamp.mtime_nsec);
        v_str(s, "mtime", buf);
    }
    v_uint(o, "generation", m->generation);
    v_str(o, "carve_version", m->carve_version);
    v_str(o, "hdf5_version", m->hdf5_version);
    v_str(o, "created", m->created);
    v_str(o, "updated", m->updated);
    v_str(o, "skeleton", m->skeleton);
    list = v_add(o, "runs", v_new(V_ARR));
    for (size_t i = 0; i < m->nruns; i++) {
        val_t *run = v_add(list, NULL, v_new(V_OBJ));
        v_str(run, "time", m->runs[i].time);
        v_uint(run, "pid", (uint64_t)m->runs[i].pid);
        v_str(run, "program", m->runs[i].program);
    }
    if (m->has_replay) {
        r = v_add(o, "replay", v_new(V_OBJ));
        v_uint(r, "runs", m->replay_runs);
        v_str(r, "last", m->replay_last);
        v_uint(r, "reads", m->replay.reads);
        v_uint(r, "hits", m->replay.hits);
        v_uint(r, "misses", m->replay.misses);
        v_uint(r, "partial", m->replay.partial);
        v_uint(r, "bytes_from_container", m->replay.bytes_container);
        v_uint(r, "bytes_from_origin", m->replay.bytes_origin);
        v_uint(r, "origin_requests", m->replay.origin_requests);
        v_uint(r, "damaged", m->replay.damaged);
    }
    else
        v_str(o, "replay", NULL);
    h5carve_totals(m, &read, &stored);
    v_uint(o, "bytes_read", read);
    v_uint(o, "bytes_stored", stored);
    if (e->container_path) {
        H5E_BEGIN_TRY
        {
            file = H5Fopen(e->container_path, H5F_ACC_RDONLY, H5P_DEFAULT);
        }
        H5E_END_TRY
        if (file < 0)
            h5carve_note("%s: cannot open the container for the datasets' types", e->container_path);
    }
    list = v_add(o, "datasets", v_new(V_ARR));
    for (size_t i = 0; i < m->ndatasets; i++)
        add_dataset(list, &m->datasets[i], file);
    if (file >= 0)
        H5Fclose(file);
    return o;
}

/* ---- the table ------------------------------------------------------------------------------------ */

static char *
text_of(const val_t *v)
{
    char  *buf = NULL;
    size_t len = 0;
    FILE  *f   = open_memstream(&buf, &len);
    if (!f)
        exit(H5CARVE_USAGE);
    if (!v || v->type == V_NULL)
        fputs("-", f);
    else if (v->type == V_STR)
        fputs(v->s, f);
    else if (v->type == V_FRAC)
        fprintf(f, "%.4f", v->d);
    else if (v->type == V_ARR) {
        for (size_t i = 0; i < v->n; i++)
            fprintf(f, "%s%" PRIu64, i ? "x" : "", v->items[i]->u);
        if (!v->n)
            fputs("scalar", f);
    }
    else
        print_scalar(f, v);
    fclose(f);
    return buf;
}

static void
print_summary(FILE *f, const val_t *c)
{
    const val_t *ds = v_get(c, "datasets"), *replay = v_get(c, "replay"), *runs = v_get(c, "runs");
    const val_t *stamp = v_get(c, "stamp");
    char        *t;

#define FIELD(label, key)                                                                                    \
    do {                                                                                                     \
        t = text_of(v_get(c, key));                                                                          \
        fprintf(f, "%-12s %s\n", label, t);                                                                  \
        free(t);                                                                                             \
    } while (0)
    FIELD("container", "container");
    FIELD("manifest", "manifest");
    FIELD("origin", "origin");
    if (0 == strcmp(v_get(stamp, "kind")->s, "local")) {
        char *size = text_of(v_get(stamp, "size")), *mtime = text_of(v_get(stamp, "mtime"));
        fprintf(f, "%-12s local: %s bytes, mtime %s\n", "stamp", size, mtime);
        free(size), free(mtime);
    }
    else {
        char *size = text_of(v_get(stamp, "size")), *etag = text_of(v_get(stamp, "etag")),
             *lm = text_of(v_get(stamp, "last_modified"));
        fprintf(f, "%-12s remote: %s bytes, ETag %s, Last-Modified %s\n", "stamp", size, etag, lm);
        free(size), free(etag), free(lm);
    }
    FIELD("generation", "generation");
    FIELD("created", "created");
    FIELD("updated", "updated");
    FIELD("skeleton", "skeleton");
    fprintf(f, "%-12s %zu", "runs", runs->n);
    if (runs->n) {
        const val_t *last = runs->items[runs->n - 1];
        char        *time = text_of(v_get(last, "time")), *prog = text_of(v_get(last, "program"));
        fprintf(f, " (last: %s, pid %" PRIu64 ", %s)", time, v_get(last, "pid")->u, prog);
        free(time), free(prog);
    }
    fputc('\n', f);
    if (replay->type == V_OBJ)
        fprintf(f,
                "%-12s %" PRIu64 " runs: %" PRIu64 " reads: %" PRIu64 " hits, %" PRIu64 " misses, %" PRIu64
                " partial; %" PRIu64 " bytes from the container, %" PRIu64 " from the origin; %" PRIu64
                " damaged\n",
                "replay", v_get(replay, "runs")->u, v_get(replay, "reads")->u, v_get(replay, "hits")->u,
                v_get(replay, "misses")->u, v_get(replay, "partial")->u,
                v_get(replay, "bytes_from_container")->u, v_get(replay, "bytes_from_origin")->u,
                v_get(replay, "damaged")->u);
    else
        fprintf(f, "%-12s none\n", "replay");
    fprintf(f, "%-12s %zu: %" PRIu64 " bytes read, %" PRIu64 " stored\n", "datasets", ds->n,
            v_get(c, "bytes_read")->u, v_get(c, "bytes_stored")->u);
#undef FIELD
}

/* The dataset table: one aligned row per dataset, numbers right-aligned. */
static void
print_datasets(FILE *f, const val_t *ds)
{
    static const char *const head[] = {"dataset", "shape", "type",   "layout",   "store",
                                       "chunks",  "read",  "stored", "coverage", "held"};
    enum { NCOL = sizeof head / sizeof head[0] };
    size_t nrow = ds->n + 1, width[NCOL] = {0};
    char **cell = calloc(nrow * NCOL, sizeof *cell);

    if (!cell)
        exit(H5CARVE_USAGE);
    for (size_t k = 0; k < NCOL; k++)
        cell[k] = strdup(head[k]);
    for (size_t r = 1; r < nrow; r++) {
        const val_t *d   = ds->items[r - 1];
        char       **row = cell + r * NCOL;
        row[0]           = text_of(v_get(d, "path"));
        row[1]           = text_of(v_get(d, "shape"));
        row[2]           = text_of(v_get(d, "type"));
        row[3]           = text_of(v_get(d, "layout"));
        row[4]           = text_of(v_get(d, "store"));
        if (v_get(d, "chunks_total")->type == V_UINT) {
            if (asprintf(&row[5], "%" PRIu64 "/%" PRIu64, v_get(d, "chunks_stored")->u,
                         v_get(d, "chunks_total")->u) < 0)
                exit(H5CARVE_USAGE);
        }
        else
            row[5] = strdup("-");
        row[6] = text_of(v_get(d, "bytes_read"));
        row[7] = text_of(v_get(d, "bytes_stored"));
        row[8] = text_of(v_get(d, "coverage"));
        row[9] = text_of(v_get(d, "held"));
    }
    for (size_t r = 0; r < nrow; r++)
        for (size_t k = 0; k < NCOL; k++)
            if (strlen(cell[r * NCOL + k]) > width[k])
                width[k] = strlen(cell[r * NCOL + k]);
    fputc('\n', f);
    for (size_t r = 0; r < nrow; r++) {
        fputs("  ", f);
        for (size_t k = 0; k < NCOL; k++) {
            /* Numbers right-aligned, text left-aligned. */
            int right = k >= 5;
            fprintf(f, right ? "%*s" : "%-*s", (int)width[k], cell[r * NCOL + k]);
            fputs(k + 1 < NCOL ? "  " : "\n", f);
            free(cell[r * NCOL + k]);
        }
    }
    free(cell);
}

static void
print_table(FILE *f, const val_t *c)
{
    const val_t *ds = v_get(c, "datasets");

    print_summary(f, c);
    if (ds->n)
        print_datasets(f, ds);
}

int
h5carve_inspect(int argc, char **argv)
{
    enum { TABLE, JSON, YAML } format = TABLE;
    const char       *path            = NULL;
    h5carve_entries_t entries         = {0, NULL};
    val_t            *root, *list;
    int               ret = H5CARVE_OK;

    for (int i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "--help") || 0 == strcmp(argv[i], "-h")) {
            fputs(inspect_usage, stdout);
            return H5CARVE_OK;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (0 == strcmp(a, "--json"))
            format = JSON;
        else if (0 == strcmp(a, "--yaml"))
            format = YAML;
        else if (0 == strcmp(a, "-v") || 0 == strcmp(a, "--verbose"))
            h5carve_verbose++;
        else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "h5carve: unknown option: %s\n%s", a, inspect_usage);
            return H5CARVE_USAGE;
        }
        else if (path) {
            fprintf(stderr, "h5carve: inspect takes one path, not also %s\n%s", a, inspect_usage);
            return H5CARVE_USAGE;
        }
        else
            path = a;
    }
    if (!path) {
        fprintf(stderr, "h5carve: inspect needs a container, a manifest or a directory\n%s", inspect_usage);
        return H5CARVE_USAGE;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (h5carve_load(path, &entries) < 0)
        ret = H5CARVE_USAGE;
    root = v_new(V_OBJ);
    list = v_add(root, "containers", v_new(V_ARR));
    for (size_t i = 0; i < entries.n; i++)
        v_add(list, NULL, describe_entry(&entries.list[i]));
    if (format == JSON) {
        print_json(stdout, root, 0);
        fputc('\n', stdout);
    }
    else if (format == YAML)
        print_yaml(stdout, root, 0, 0);
    else
        for (size_t i = 0; i < list->n; i++) {
            if (i)
                fputc('\n', stdout);
            print_table(stdout, list->items[i]);
        }
    if (format == TABLE && list->n == 0 && ret == H5CARVE_OK)
        fprintf(stderr, "h5carve: %s: no containers\n", path);
    v_free(root);
    h5carve_entries_free(&entries);
    return ret;
}
