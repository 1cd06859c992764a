/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_lookup.c — unit tests of carve_lookup (connector/core/carve_lookup.c): which container stands for a
 * name in replay, with real containers committed here (carve_container_commit of a run that touched the
 * root group) from small origins written here. Checked, each against the exact container path expected:
 * the exact container in dir= with the origin there, with the origin's directory renamed away (a name
 * placed lexically, relative or with "." and ".."), and beside the origin; a bundle copied elsewhere and
 * looked up from another working directory (relocated, by file name); a file of the same name with
 * another stamp (no container) and with the same stamp (relocated); two origins of one file name (a tie
 * is an error naming both containers; more shared directories decide); a container opened by its own
 * path; names carve cannot place; and one directory listing per directory version, however many lookups.
 *
 * A plain program on the shared harness (unit_test.h).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_access.h"
#include "carve_container.h"
#include "carve_error.h"
#include "carve_lookup.h"
#include "carve_origin.h"
#include "unit_test.h"

/* A small origin: /values (n int32, contiguous) holding `seed` + i. */
static bool
make_origin(const char *path, int seed)
{
    hid_t   file, space, dset;
    hsize_t n = 16;
    int     v[16];
    bool    ok;

    for (int i = 0; i < 16; i++)
        v[i] = seed + i;
    if ((file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        return false;
    ok = (space = H5Screate_simple(1, &n, NULL)) >= 0 &&
         (dset = H5Dcreate2(file, "values", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >=
             0 &&
         H5Dwrite(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 && H5Dclose(dset) >= 0 &&
         H5Sclose(space) >= 0;
    return H5Fclose(file) >= 0 && ok;
}

/* Commits a run that touched the origin's root group into its container in dir; the container's path. */
static char *
carve_into(const char *origin, const char *dir)
{
    carve_commit_t commit;
    carve_access_t access;
    H5O_info2_t    info;
    char          *location = NULL, *container = NULL;
    hid_t          fapl = H5Pcreate(H5P_FILE_ACCESS), file;

    carve_access_init(&access);
    if (fapl >= 0 && carve_origin_location(origin, &location) >= 0 &&
        (file = H5Fopen(origin, H5F_ACC_RDONLY, fapl)) >= 0) {
        if (H5Oget_info_by_name3(file, "/", &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0)
            carve_access_touch(&access, &info.token);
        H5Fclose(file);
        memset(&commit, 0, sizeof commit);
        commit.location    = location;
        commit.open_name   = origin;
        commit.origin_fapl = fapl;
        commit.dir         = dir;
        commit.access      = &access;
        if (carve_container_commit(&commit) >= 0)
            carve_origin_container_paths(location, dir, &container, NULL, NULL);
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    carve_access_clear(&access);
    free(location);
    return container;
}

static char *
path_in(const unit_t *t, const char *rel)
{
    char *p = NULL;

    if (asprintf(&p, "%s/%s", t->dir, rel) < 0)
        return NULL;
    return p;
}

/* Looks `name` up and checks how and which container (want NULL: none), with no error. */
static void
expect_lookup(unit_t *t, const char *name, const char *dir, carve_lookup_how_t how, const char *want)
{
    carve_lookup_t l;

    if (!CHECK(t, carve_lookup_container(name, dir, &l) >= 0)) {
        unit_note(t, "looking up %s in %s", name, dir ? dir : "(beside)");
        unit_print_stack(H5E_DEFAULT);
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    CHECK_NO_ERROR(t);
    if (!CHECK(t, l.how == how))
        unit_note(t, "%s: how %d, wanted %d", name, (int)l.how, (int)how);
    CHECK_STR(t, l.container, want);
    carve_lookup_clear(&l);
}

static void
test_placements(unit_t *t)
{
    char *a_dir = path_in(t, "data"), *origin = path_in(t, "data/run.h5"), *bundle = path_in(t, "bundle");
    char *away = path_in(t, "data.away"), *shipped = path_in(t, "shipped"), *other = path_in(t, "other");
    char *beside = NULL, *container = NULL, *copied = NULL, *cmd = NULL, *moved_origin = NULL;

    CHECK(t, mkdir(a_dir, 0755) == 0 && mkdir(bundle, 0755) == 0 && mkdir(other, 0755) == 0);
    CHECK(t, make_origin(origin, 100));
    CHECK(t, (container = carve_into(origin, bundle)) != NULL);
    CHECK(t, (beside = carve_into(origin, NULL)) != NULL);
    CHECK_NO_ERROR(t);
    if (!container || !beside)
        goto done;

    /* Exact: in dir= and beside, by absolute and relative names. */
    expect_lookup(t, origin, bundle, CARVE_LOOKUP_EXACT, container);
    expect_lookup(t, origin, NULL, CARVE_LOOKUP_EXACT, beside);
    CHECK(t, chdir(t->dir) == 0);
    expect_lookup(t, "data/run.h5", bundle, CARVE_LOOKUP_EXACT, container);
    expect_lookup(t, "./data/../data//run.h5", "bundle", CARVE_LOOKUP_EXACT, container);

    /* The origin's whole directory gone: placed lexically, still exact. */
    CHECK(t, rename(a_dir, away) == 0);
    expect_lookup(t, "data/run.h5", bundle, CARVE_LOOKUP_EXACT, container);
    expect_lookup(t, "./data/./run.h5", bundle, CARVE_LOOKUP_EXACT, container);
    expect_lookup(t, origin, bundle, CARVE_LOOKUP_EXACT, container);
    expect_lookup(t, "data/other.h5", bundle, CARVE_LOOKUP_NONE, NULL); /* no container of that name */

    /* The bundle copied elsewhere, looked up from another directory: relocated, by file name. */
    if (asprintf(&cmd, "cp -p -r '%s' '%s'", bundle, shipped) > 0)
        CHECK(t, system(cmd) == 0);
    if (asprintf(&copied, "%s/%s", shipped, strrchr(container, '/') + 1) < 0)
        copied = NULL;
    CHECK(t, chdir(other) == 0);
    expect_lookup(t, "data/run.h5", shipped, CARVE_LOOKUP_RELOCATED, copied);
    expect_lookup(t, "run.h5", shipped, CARVE_LOOKUP_RELOCATED, copied);
    expect_lookup(t, "/nowhere/at/all/run.h5", shipped, CARVE_LOOKUP_RELOCATED, copied);
    expect_lookup(t, "data/run.h6", shipped, CARVE_LOOKUP_NONE, NULL);

    /* A file of that name here: another file (its own stamp) has no container; a copy (same size and
     * mtime) is relocated to the carved one. */
    CHECK(t, make_origin("run.h5", 7));
    expect_lookup(t, "run.h5", shipped, CARVE_LOOKUP_NONE, NULL);
    free(cmd);
    if (asprintf(&moved_origin, "%s/run.h5", away) > 0 &&
        asprintf(&cmd, "cp -p '%s' run.h5", moved_origin) > 0)
        CHECK(t, system(cmd) == 0);
    expect_lookup(t, "run.h5", shipped, CARVE_LOOKUP_RELOCATED, copied);

    /* The container opened by its own path. */
    expect_lookup(t, copied, NULL, CARVE_LOOKUP_DIRECT, copied);
    /* Names carve cannot place, and a URL without a container: none, no error. */
    expect_lookup(t, "", NULL, CARVE_LOOKUP_NONE, NULL);
    expect_lookup(t, "http://127.0.0.1:1/bucket/run.h5", shipped, CARVE_LOOKUP_NONE, NULL);
    CHECK(t, chdir(t->dir) == 0);

done:
    free(a_dir);
    free(origin);
    free(bundle);
    free(away);
    free(shipped);
    free(other);
    free(beside);
    free(container);
    free(copied);
    free(cmd);
    free(moved_origin);
}

static void
test_ambiguous(unit_t *t)
{
    char *a = path_in(t, "amb/a"), *b = path_in(t, "amb/b"), *oa = path_in(t, "amb/a/x.h5");
    char *ob = path_in(t, "amb/b/x.h5"), *bundle = path_in(t, "amb/bundle"), *top = path_in(t, "amb");
    char *ca = NULL, *cb = NULL, *away_a = path_in(t, "amb/a.away"), *away_b = path_in(t, "amb/b.away");
    carve_lookup_t l;
    unsigned long  listings;

    CHECK(t, mkdir(top, 0755) == 0 && mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0 && mkdir(bundle, 0755) == 0);
    CHECK(t, make_origin(oa, 1) && make_origin(ob, 2));
    CHECK(t, (ca = carve_into(oa, bundle)) != NULL && (cb = carve_into(ob, bundle)) != NULL);
    CHECK_NO_ERROR(t);
    if (!ca || !cb)
        goto done;
    CHECK(t, rename(a, away_a) == 0 && rename(b, away_b) == 0);
    CHECK(t, chdir(bundle) == 0); /* where neither a/ nor b/ is */

    /* Only the file name: a tie, refused naming both containers and their origins. */
    CHECK(t, carve_lookup_container("x.h5", bundle, &l) < 0);
    CHECK(t, l.container == NULL && l.how == CARVE_LOOKUP_NONE);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "cannot tell which container stands for x.h5", ca, cb, oa, ob);
    /* One more directory tells them apart. */
    expect_lookup(t, "a/x.h5", bundle, CARVE_LOOKUP_RELOCATED, ca);
    expect_lookup(t, "b/x.h5", bundle, CARVE_LOOKUP_RELOCATED, cb);
    expect_lookup(t, "/elsewhere/amb/b/x.h5", bundle, CARVE_LOOKUP_RELOCATED, cb);

    /* One listing per directory version: more lookups list nothing again; a new file lists once more. */
    listings = carve_lookup_listings();
    for (int i = 0; i < 50; i++)
        expect_lookup(t, "a/x.h5", bundle, CARVE_LOOKUP_RELOCATED, ca);
    CHECK(t, carve_lookup_listings() == listings);
    CHECK(t, unit_write_text("notes.txt", "a change of the directory\n"));
    expect_lookup(t, "a/x.h5", bundle, CARVE_LOOKUP_RELOCATED, ca);
    CHECK(t, carve_lookup_listings() == listings + 1);
    carve_lookup_reset();
    expect_lookup(t, "a/x.h5", bundle, CARVE_LOOKUP_RELOCATED, ca);
    CHECK(t, carve_lookup_listings() == listings + 2);
    CHECK(t, chdir(t->dir) == 0);

done:
    free(a);
    free(b);
    free(oa);
    free(ob);
    free(bundle);
    free(top);
    free(ca);
    free(cb);
    free(away_a);
    free(away_b);
}

/* carve_origin_location_lexical on its own: made absolute, "." / ".." / "//" resolved without the disk. */
static void
test_lexical(unit_t *t)
{
    static const struct {
        const char *in, *want;
    } cases[] = {{"/a/b/../c/./d.h5", "/a/c/d.h5"},
                 {"//a///b.h5", "/a/b.h5"},
                 {"/../../x.h5", "/x.h5"},
                 {"/a/b/..", "/a"},
                 {"/", "/"},
                 {"http://h/a/../b.h5", "http://h/a/../b.h5"}};
    char *loc = NULL, *want = NULL;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(t, carve_origin_location_lexical(cases[i].in, &loc) >= 0);
        CHECK_STR(t, loc, cases[i].want);
        free(loc);
        loc = NULL;
    }
    CHECK(t, chdir(t->dir) == 0);
    CHECK(t, carve_origin_location_lexical("gone/../here/./f.h5", &loc) >= 0);
    if (asprintf(&want, "%s/here/f.h5", t->dir) > 0)
        CHECK_STR(t, loc, want);
    free(loc);
    free(want);
    CHECK(t, carve_origin_location_lexical("", &loc) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "empty");
}

int
main(void)
{
    unit_t t;

    if (!unit_begin(&t, "lookup"))
        return UNIT_CANNOT_RUN;
    test_lexical(&t);
    test_placements(&t);
    test_ambiguous(&t);
    carve_lookup_reset();
    return unit_end(&t);
}
