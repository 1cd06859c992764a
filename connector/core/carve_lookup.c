/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_lookup.c — finding the container that stands for a file opened in replay mode (the rule is in
 * carve_lookup.h): the exact name, a relocated origin's container found by file name in the container
 * directory, or the name being a container. Owns the process's directory listings and the origin and
 * stamp of each candidate container, so that many opens cost one listing per directory, not a scan each.
 *
 * No VOL code.
 */

#include "carve_lookup.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carve_container.h"
#include "carve_dynbuf.h"
#include "carve_error.h"
#include "carve_manifest.h"
#include "carve_origin.h"

/* "-" + 16 hex digits + ".carve.h5": what follows <base> in a container's file name (carve_origin.h). */
#define CONTAINER_SUFFIX   ".carve.h5"
#define CONTAINER_TAIL_LEN (1 + 16 + sizeof CONTAINER_SUFFIX - 1)

/* A directory's container file names, as last listed. */
typedef struct lookup_dir_t {
    char                *path;
    dev_t                dev;
    ino_t                ino;
    struct timespec      mtime;
    char               **names; /* container file names in it */
    size_t               nnames;
    size_t               names_capacity;
    struct lookup_dir_t *next;
} lookup_dir_t;

/* A candidate container's origin and stamp, as read from one version of the file. */
typedef struct lookup_candidate_t {
    char                      *path;
    dev_t                      dev;
    ino_t                      ino;
    off_t                      size;
    struct timespec            mtime;
    int                        readable; /* 0: not a container carve can read (skipped) */
    char                      *origin;
    carve_stamp_t              stamp;
    struct lookup_candidate_t *next;
} lookup_candidate_t;

/* While set (carve_lookup_anchor_begin): names under `from` stand for the same names under `to`. */
static char *anchor_from_g = NULL, *anchor_to_g = NULL;

/* Rule 1's container path of the last location looked up: a program opening one file again and again
 * names its container once (the name is a hash of the location, formatted: a few thousand instructions
 * against a native open's million). Kept only where the path is the strings' alone, not the current
 * directory's: dir= absolute, or beside an absolute local location. */
static char *exact_location_g = NULL, *exact_dir_g = NULL, *exact_container_g = NULL;

static lookup_dir_t       *dirs_g       = NULL;
static lookup_candidate_t *candidates_g = NULL;
static unsigned long       listings_g   = 0;

static bool
same_version(const struct stat *st, dev_t dev, ino_t ino, const struct timespec *mtime)
{
    return st->st_dev == dev && st->st_ino == ino && st->st_mtim.tv_sec == mtime->tv_sec &&
           st->st_mtim.tv_nsec == mtime->tv_nsec;
}

static void
dir_free(lookup_dir_t *d)
{
    for (size_t i = 0; i < d->nnames; i++)
        free(d->names[i]);
    free(d->names);
    free(d->path);
    free(d);
}

/* 1 when a file name has the form of a container's: <something>-<16 hex digits>.carve.h5. */
static int
is_container_name(const char *name)
{
    size_t      len = strlen(name);
    const char *tail;

    if (len <= CONTAINER_TAIL_LEN ||
        strcmp(name + len - (sizeof CONTAINER_SUFFIX - 1), CONTAINER_SUFFIX) != 0)
        return 0;
    tail = name + len - CONTAINER_TAIL_LEN;
    if (tail[0] != '-')
        return 0;
    for (int i = 1; i <= 16; i++)
        if (!((tail[i] >= '0' && tail[i] <= '9') || (tail[i] >= 'a' && tail[i] <= 'f')))
            return 0;
    return 1;
}

/* Lists a directory's container names into d (emptied first). */
static herr_t
dir_list(lookup_dir_t *d)
{
    DIR           *dp;
    struct dirent *e;
    herr_t         ret_value = 0;

    for (size_t i = 0; i < d->nnames; i++)
        free(d->names[i]);
    free(d->names);
    d->names          = NULL;
    d->nnames         = 0;
    d->names_capacity = 0;
    if ((dp = opendir(d->path)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot list the container directory %s: %s",
                         d->path, strerror(errno));
    listings_g++;
    while ((e = readdir(dp)) != NULL) {
        if (!is_container_name(e->d_name))
            continue;
        if (CARVE_ARRAY_RESERVE(d->names, d->names_capacity, d->nnames + 1) != CARVE_GROW_OK ||
            NULL == (d->names[d->nnames] = strdup(e->d_name))) {
            closedir(dp);
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory listing %s", d->path);
        }
        d->nnames++;
    }
    closedir(dp);

done:
    return ret_value;
}

/* The listing of a directory, made now unless the one kept is of its current version. NULL (no error)
 * when the directory does not exist. */
static lookup_dir_t *
dir_get(const char *path)
{
    struct stat   st;
    lookup_dir_t *d;
    lookup_dir_t *ret_value = NULL;

    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return NULL;
    for (d = dirs_g; d; d = d->next)
        if (strcmp(d->path, path) == 0)
            break;
    if (d && same_version(&st, d->dev, d->ino, &d->mtime))
        return d;
    if (!d) {
        if (NULL == (d = calloc(1, sizeof *d)) || NULL == (d->path = strdup(path))) {
            free(d);
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory listing %s", path);
        }
        d->next = dirs_g;
        dirs_g  = d;
    }
    d->dev   = st.st_dev;
    d->ino   = st.st_ino;
    d->mtime = st.st_mtim;
    if (dir_list(d) < 0) {
        d->mtime.tv_sec = d->mtime.tv_nsec = -1; /* list it again next time */
        CARVE_GOTO_DONE(NULL);
    }
    ret_value = d;

done:
    return ret_value;
}

/* A candidate's origin and stamp, read from its embedded manifest unless known for this version of the
 * file. NULL (no error) when the file is gone or is not a container carve can read. */
static lookup_candidate_t *
candidate_get(const char *path)
{
    struct stat         st;
    lookup_candidate_t *c;
    carve_manifest_t    m;
    herr_t              status = -1;

    if (stat(path, &st) < 0)
        return NULL;
    for (c = candidates_g; c; c = c->next)
        if (strcmp(c->path, path) == 0)
            break;
    if (c && same_version(&st, c->dev, c->ino, &c->mtime) && c->size == st.st_size)
        return c->readable ? c : NULL;
    if (!c) {
        if (NULL == (c = calloc(1, sizeof *c)) || NULL == (c->path = strdup(path))) {
            free(c);
            return NULL; /* out of memory: not a candidate (the open goes on without it) */
        }
        c->next      = candidates_g;
        candidates_g = c;
    }
    free(c->origin);
    carve_stamp_clear(&c->stamp);
    c->origin   = NULL;
    c->readable = 0;
    c->dev      = st.st_dev;
    c->ino      = st.st_ino;
    c->size     = st.st_size;
    c->mtime    = st.st_mtim;
    carve_manifest_init(&m);
    /* Tried, ignored: a damaged or foreign file is no candidate. */
    CARVE_TRY_IGNORED(status = carve_container_read_replay_manifest(path, &m));
    if (status < 0 || !m.origin) {
        carve_manifest_clear(&m);
        return NULL;
    }
    c->origin = m.origin;
    m.origin  = NULL;
    c->stamp  = m.stamp;
    memset(&m.stamp, 0, sizeof m.stamp);
    carve_manifest_clear(&m);
    c->readable = 1;
    return c;
}

/* How many trailing path segments two locations share (the file name counts as one). */
static unsigned
shared_tail(const char *a, const char *b)
{
    const char *pa = a + strlen(a), *pb = b + strlen(b);
    unsigned    n = 0;

    for (;;) {
        const char *sa = pa, *sb = pb;

        while (sa > a && sa[-1] != '/')
            sa--;
        while (sb > b && sb[-1] != '/')
            sb--;
        if (pa - sa != pb - sb || pa == sa || memcmp(sa, sb, (size_t)(pa - sa)) != 0)
            return n;
        n++;
        if (sa == a || sb == b)
            return n;
        pa = sa - 1;
        pb = sb - 1;
    }
}

/* Rule 2: in the container directory of `location`, the container of a relocated origin with the same
 * file name (and stamp, when `name` exists). *found is NULL when there is none. */
static herr_t
lookup_relocated(const char *name, const char *location, const char *container_dir, char **found)
{
    char                 base[CARVE_ORIGIN_BASE_MAX + 1];
    size_t               base_len, file_len, nbest = 0, cap = 0;
    const char          *file = carve_origin_file_name(location, &file_len);
    lookup_dir_t        *d;
    carve_stamp_t        now;
    int                  have_now  = 0;
    unsigned             best_tail = 0;
    lookup_candidate_t **best      = NULL;
    char                *path      = NULL;
    herr_t               ret_value = 0;

    *found = NULL;
    memset(&now, 0, sizeof now);
    if (file_len == 0 || (d = dir_get(container_dir)) == NULL)
        CARVE_GOTO_DONE(0);
    if (access(name, F_OK) == 0) {
        if (carve_origin_stamp(location, H5P_DEFAULT, &now) < 0)
            CARVE_GOTO_DONE(-1);
        have_now = 1;
    }
    carve_origin_container_base(location, base);
    base_len = strlen(base);
    for (size_t i = 0; i < d->nnames; i++) {
        const char         *n = d->names[i];
        lookup_candidate_t *c;
        size_t              cfile_len;
        const char         *cfile;
        unsigned            tail;

        if (strlen(n) != base_len + CONTAINER_TAIL_LEN || strncmp(n, base, base_len) != 0)
            continue;
        free(path);
        if (NULL == (path = malloc(strlen(container_dir) + strlen(n) + 2)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory looking for a container");
        sprintf(path, "%s%s%s", container_dir, strcmp(container_dir, "/") == 0 ? "" : "/", n);
        if ((c = candidate_get(path)) == NULL)
            continue;
        cfile = carve_origin_file_name(c->origin, &cfile_len);
        if (cfile_len != file_len || memcmp(cfile, file, file_len) != 0 || carve_origin_is_url(c->origin))
            continue;
        if (have_now && !carve_stamp_equal(&c->stamp, &now))
            continue; /* another file of that name: its container does not stand for this one */
        tail = shared_tail(c->origin, location);
        if (tail < best_tail)
            continue;
        if (tail > best_tail)
            nbest = 0;
        best_tail = tail;
        if (CARVE_ARRAY_RESERVE(best, cap, nbest + 1) != CARVE_GROW_OK)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory looking for a container");
        best[nbest++] = c;
    }
    if (nbest == 1) {
        if (NULL == (*found = strdup(best[0]->path)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory looking for a container");
    }
    else if (nbest > 1) {
        char  *list = NULL;
        size_t len  = 0;
        FILE  *f    = open_memstream(&list, &len);

        if (f) {
            for (size_t i = 0; i < nbest; i++)
                fprintf(f, "%s%s (carved from %s)", i ? ", " : "", best[i]->path, best[i]->origin);
            fclose(f);
        }
        CARVE_ERROR(
            CARVE_E_CONTAINER, CARVE_E_BADVALUE,
            "cannot tell which container stands for %s: %zu in %s match it equally: %s; open the file by "
            "a path that tells them apart (more of the directories it was carved from), set origin= to "
            "the file itself, or keep one container per file name in that directory",
            name, nbest, container_dir, list ? list : "(no memory to list them)");
        free(list);
        CARVE_GOTO_DONE(-1);
    }

done:
    carve_stamp_clear(&now);
    free(best);
    free(path);
    return ret_value;
}

/* The directory part of an absolute path ("/" for a file in the root). NULL: no memory. */
static char *
parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char       *out;

    if (slash == NULL || slash == path)
        return strdup("/");
    if ((out = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(out, path, (size_t)(slash - path));
        out[slash - path] = '\0';
    }
    return out;
}

static void
exact_forget(void)
{
    free(exact_location_g);
    free(exact_dir_g);
    free(exact_container_g);
    exact_location_g = exact_dir_g = exact_container_g = NULL;
}

/* carve_origin_container_paths' container path, remembered for the last location (see exact_location_g). */
static herr_t
exact_container_path(const char *location, const char *dir, char **container)
{
    int absolute = dir && dir[0] ? dir[0] == '/' : location[0] == '/' && !carve_origin_is_url(location);

    if (exact_container_g && strcmp(location, exact_location_g) == 0 &&
        (dir && dir[0] ? exact_dir_g && strcmp(dir, exact_dir_g) == 0 : !exact_dir_g)) {
        if (NULL == (*container = strdup(exact_container_g)))
            CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, "out of memory looking for a container");
        return *container ? 0 : -1;
    }
    if (carve_origin_container_paths(location, dir, container, NULL, NULL) < 0)
        return -1;
    exact_forget();
    if (absolute && (NULL == (exact_location_g = strdup(location)) ||
                     (dir && dir[0] && NULL == (exact_dir_g = strdup(dir))) ||
                     NULL == (exact_container_g = strdup(*container))))
        exact_forget(); /* a cache: without it, the next lookup formats the path again */
    return 0;
}

herr_t
carve_lookup_container(const char *name, const char *dir, carve_lookup_t *out)
{
    char  *container = NULL, *container_dir = NULL;
    int    probe     = -1;
    herr_t placed    = -1;
    herr_t ret_value = 0;

    memset(out, 0, sizeof *out);
    if (name == NULL || name[0] == '\0')
        CARVE_GOTO_DONE(0);
    /* Tried, ignored: a name carve cannot place (a driver's pattern) is looked up by rule 3 only. */
    CARVE_TRY_IGNORED(placed = carve_origin_location_lenient(name, &out->location));
    if (placed >= 0) {
        /* Rule 1: the exact container. */
        if (exact_container_path(out->location, dir, &container) < 0)
            CARVE_GOTO_DONE(-1);
        if (access(container, F_OK) == 0) {
            out->how       = CARVE_LOOKUP_EXACT;
            out->container = container;
            container      = NULL;
            CARVE_GOTO_DONE(0);
        }
        /* Rule 2, anchored: the same place relative to the anchor's carved directory, exactly. */
        if (anchor_from_g) {
            size_t n     = strlen(anchor_from_g);
            char  *moved = NULL;

            if (strcmp(anchor_from_g, anchor_to_g) != 0 && strncmp(out->location, anchor_from_g, n) == 0 &&
                out->location[n] == '/' && asprintf(&moved, "%s%s", anchor_to_g, out->location + n) > 0) {
                free(container);
                container = NULL;
                if (carve_origin_container_paths(moved, dir, &container, NULL, NULL) < 0) {
                    free(moved);
                    CARVE_GOTO_DONE(-1);
                }
                free(moved);
                if (access(container, F_OK) == 0) {
                    out->how       = CARVE_LOOKUP_RELOCATED;
                    out->container = container;
                    container      = NULL;
                    CARVE_GOTO_DONE(0);
                }
            }
        }
        /* Rule 2: a relocated origin's container in the same directory. */
        else if (!carve_origin_is_url(out->location)) {
            if (NULL == (container_dir = parent_of(container)))
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1,
                                 "out of memory looking for a container");
            if (lookup_relocated(name, out->location, container_dir, &out->container) < 0)
                CARVE_GOTO_DONE(-1);
            if (out->container) {
                out->how = CARVE_LOOKUP_RELOCATED;
                CARVE_GOTO_DONE(0);
            }
        }
    }
    /* Rule 3: the name is a container itself. */
    if (!carve_origin_is_url(name) && access(name, F_OK) == 0) {
        /* Tried, ignored: a file not readable as a container is no container; the open says what it is. */
        CARVE_TRY_IGNORED(probe = carve_container_probe(name));
        if (probe > 0) {
            if (NULL == (out->container = realpath(name, NULL)))
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot resolve %s: %s", name,
                                 strerror(errno));
            out->how = CARVE_LOOKUP_DIRECT;
            free(out->location);
            out->location = NULL;
        }
    }

done:
    free(container);
    free(container_dir);
    if (ret_value < 0)
        carve_lookup_clear(out);
    return ret_value;
}

void
carve_lookup_clear(carve_lookup_t *lookup)
{
    if (!lookup)
        return;
    free(lookup->container);
    free(lookup->location);
    memset(lookup, 0, sizeof *lookup);
}

herr_t
carve_lookup_anchor_begin(const char *from_dir, const char *to_dir)
{
    carve_lookup_anchor_end();
    if (NULL == (anchor_from_g = strdup(from_dir)) || NULL == (anchor_to_g = strdup(to_dir))) {
        carve_lookup_anchor_end();
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, "out of memory looking for a container");
        return -1;
    }
    return 0;
}

void
carve_lookup_anchor_end(void)
{
    free(anchor_from_g);
    free(anchor_to_g);
    anchor_from_g = anchor_to_g = NULL;
}

void
carve_lookup_reset(void)
{
    carve_lookup_anchor_end();
    exact_forget();
    while (dirs_g) {
        lookup_dir_t *d = dirs_g;

        dirs_g = d->next;
        dir_free(d);
    }
    while (candidates_g) {
        lookup_candidate_t *c = candidates_g;

        candidates_g = c->next;
        free(c->origin);
        carve_stamp_clear(&c->stamp);
        free(c->path);
        free(c);
    }
}

unsigned long
carve_lookup_listings(void)
{
    return listings_g;
}
