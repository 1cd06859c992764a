/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_manifests.c — finding and loading what the subcommands look at: a container (its embedded
 * manifest, the authority, with the replay counters of the file beside it, which only that file holds), a
 * manifest file, or a directory of them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carve_container.h"
#include "h5carve.h"

int h5carve_verbose = 0;

void
h5carve_error(const char *fmt, ...)
{
    va_list ap;
    fputs("h5carve: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void
h5carve_note(const char *fmt, ...)
{
    va_list ap;
    if (!h5carve_verbose)
        return;
    fputs("h5carve: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

typedef struct errors_t {
    char  *text;
    size_t len;
} errors_t;

static herr_t
collect_error(unsigned n, const H5E_error2_t *e, void *data)
{
    errors_t   *acc  = data;
    const char *desc = e->desc ? e->desc : "";
    size_t      add  = strlen(desc);
    char       *grown;
    (void)n;
    if (add == 0 || (acc->text && strstr(acc->text, desc)))
        return 0;
    if (NULL == (grown = realloc(acc->text, acc->len + add + 3)))
        return -1;
    acc->text = grown;
    if (acc->len)
        memcpy(acc->text + acc->len, "; ", 2), acc->len += 2;
    memcpy(acc->text + acc->len, desc, add + 1);
    acc->len += add;
    return 0;
}

char *
h5carve_hdf5_errors(void)
{
    errors_t acc = {NULL, 0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_error, &acc);
    H5Eclear2(H5E_DEFAULT);
    if (!acc.text)
        acc.text = strdup("no further detail");
    return acc.text;
}

int
h5carve_ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && 0 == strcmp(name + n - s, suffix);
}

static char *
concat(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char  *s = malloc(la + lb + lc + 1);
    if (!s) {
        h5carve_error("out of memory");
        exit(H5CARVE_USAGE);
    }
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

char *
h5carve_manifest_path_of(const char *container_path)
{
    char *s;
    if (!h5carve_ends_with(container_path, ".h5"))
        return concat(container_path, ".yaml", "");
    s                             = concat(container_path, "", ".yaml");
    s[strlen(container_path) - 3] = '\0';
    return strcat(s, ".yaml");
}

hid_t
h5carve_native_fapl(const char *path)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);

    if (fapl >= 0 && (H5Pset_vol(fapl, H5VL_NATIVE, NULL) < 0 ||
                      (carve_origin_is_url(path) && carve_origin_use_ros3(fapl, path) < 0))) {
        H5Pclose(fapl);
        fapl = H5I_INVALID_HID;
    }
    return fapl;
}

void
h5carve_totals(const carve_manifest_t *m, uint64_t *bytes_read, uint64_t *bytes_stored)
{
    *bytes_read = *bytes_stored = 0;
    for (size_t i = 0; i < m->ndatasets; i++) {
        *bytes_read += m->datasets[i].bytes_read;
        *bytes_stored += m->datasets[i].bytes_stored;
    }
}

static int
add_entry(h5carve_entries_t *out, h5carve_entry_t *e)
{
    h5carve_entry_t *grown = realloc(out->list, (out->n + 1) * sizeof *grown);
    if (!grown) {
        h5carve_error("out of memory");
        return -1;
    }
    out->list           = grown;
    out->list[out->n++] = *e;
    return 0;
}

static void
entry_free(h5carve_entry_t *e)
{
    free(e->manifest_path);
    free(e->container_path);
    carve_manifest_clear(&e->m);
}

/* A container: its embedded manifest, with the replay section of the file beside it when that file is
 * of the same generation (replaying processes count only in the file). */
static int
load_container(const char *path, h5carve_entries_t *out)
{
    h5carve_entry_t  e;
    carve_manifest_t file;
    struct stat      st;

    memset(&e, 0, sizeof e);
    carve_manifest_init(&e.m);
    if (carve_container_read_manifest(path, &e.m) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("%s: cannot read the container's manifest: %s", path, why);
        free(why);
        carve_manifest_clear(&e.m);
        return -1;
    }
    e.container_path = strdup(path);
    e.manifest_path  = h5carve_manifest_path_of(path);
    carve_manifest_init(&file);
    if (0 == stat(e.manifest_path, &st)) {
        if (carve_manifest_read_file(e.manifest_path, &file) >= 0 && file.generation == e.m.generation &&
            file.has_replay) {
            e.m.has_replay  = 1;
            e.m.replay_runs = file.replay_runs;
            e.m.replay      = file.replay;
            free(e.m.replay_last);
            e.m.replay_last  = file.replay_last;
            file.replay_last = NULL;
        }
        H5Eclear2(H5E_DEFAULT);
    }
    else {
        free(e.manifest_path);
        e.manifest_path = NULL;
    }
    carve_manifest_clear(&file);
    return add_entry(out, &e);
}

/* A manifest file; its container is the one it names in its directory, when that is there. */
static int
load_manifest(const char *path, h5carve_entries_t *out)
{
    h5carve_entry_t e;
    const char     *slash = strrchr(path, '/');

    memset(&e, 0, sizeof e);
    carve_manifest_init(&e.m);
    if (carve_manifest_read_file(path, &e.m) < 0) {
        char *why = h5carve_hdf5_errors();
        h5carve_error("%s: neither a carve container nor a manifest carve can read (%s)", path, why);
        free(why);
        carve_manifest_clear(&e.m);
        return -1;
    }
    e.manifest_path = strdup(path);
    if (e.m.container && !strchr(e.m.container, '/')) {
        char *dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
        char *c   = concat(dir, e.m.container, "");
        free(dir);
        H5E_BEGIN_TRY
        {
            if (1 == carve_container_probe(c))
                e.container_path = c;
            else
                free(c);
        }
        H5E_END_TRY
    }
    return add_entry(out, &e);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_dir(const char *dir, h5carve_entries_t *out)
{
    DIR           *d = opendir(dir);
    struct dirent *de;
    char         **names = NULL;
    size_t         n = 0, failed = 0;

    if (!d) {
        h5carve_error("%s: cannot list the directory: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        char **grown;
        if (!h5carve_ends_with(de->d_name, ".carve.h5") && !h5carve_ends_with(de->d_name, ".carve.yaml"))
            continue;
        if (NULL == (grown = realloc(names, (n + 1) * sizeof *names)))
            break;
        names      = grown;
        names[n++] = concat(dir, "/", de->d_name);
    }
    closedir(d);
    if (n > 1) /* qsort of no array: NULL, which it must not be given */
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        if (h5carve_ends_with(names[i], ".carve.h5")) {
            int is;
            H5E_BEGIN_TRY
            {
                is = carve_container_probe(names[i]);
            }
            H5E_END_TRY
            if (is == 1) {
                if (load_container(names[i], out) < 0)
                    failed++;
            }
            else
                h5carve_note("%s: not a carve container (no carve header); skipped", names[i]);
        }
        else {
            /* A manifest whose container is listed too was loaded with it. */
            char *c = concat(names[i], "", "");
            strcpy(c + strlen(c) - strlen(".carve.yaml"), ".carve.h5");
            if (!bsearch(&c, names, n, sizeof *names, compare_names)) {
                if (load_manifest(names[i], out) < 0)
                    failed++;
            }
            free(c);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return failed ? -1 : 0;
}

int
h5carve_load(const char *path, h5carve_entries_t *out)
{
    struct stat st;
    int         is;

    if (stat(path, &st) < 0) {
        h5carve_error("%s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(path, out);
    H5E_BEGIN_TRY
    {
        is = carve_container_probe(path);
    }
    H5E_END_TRY
    if (is == 1)
        return load_container(path, out);
    return load_manifest(path, out);
}

void
h5carve_entries_free(h5carve_entries_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        entry_free(&e->list[i]);
    free(e->list);
    e->list = NULL;
    e->n    = 0;
}
