/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_container.c — unit tests of carve_container (connector/core/carve_container.c) around the manifest
 * file's replay section: real containers committed from a small origin written here, then
 * carve_container_add_replay. Checked: counters summed and runs counted over calls and over concurrent
 * processes; the container byte-identical throughout; everything but the replay section of the file equal
 * to the embedded manifest; a missing, unreadable or stale manifest file rebuilt from the embedded one; a
 * commit carrying the file's replay section into both copies (the file then holds exactly the embedded
 * text, as test/carve/verify.c checks); the file and lock names beside a container under any name; paths
 * that are no container refused, named, with nothing created; runs a commit carries (h5carve merge's
 * sources') listed before its own.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_access.h"
#include "carve_container.h"
#include "carve_error.h"
#include "carve_manifest.h"
#include "carve_origin.h"
#include "unit_test.h"

/* ------------------------------------------------------------------------------------------------------ */
/* Files                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

static bool
exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* The whole content of path (NUL-terminated; caller frees), or NULL. */
static char *
slurp(const char *path, size_t *len)
{
    FILE  *f   = fopen(path, "rb");
    char  *buf = NULL;
    long   size;
    size_t got = 0;

    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size + 1)) != NULL)
        got = fread(buf, 1, (size_t)size, f);
    if (f)
        fclose(f);
    if (buf) {
        buf[got] = '\0';
        if (len)
            *len = got;
    }
    return buf;
}

static bool
copy_file(const char *from, const char *to)
{
    size_t len  = 0;
    char  *data = slurp(from, &len);
    bool   ok   = data && unit_write_file(to, data, len);

    free(data);
    return ok;
}

/* Whether path holds exactly len bytes of data. */
static bool
holds(const char *path, const char *data, size_t len)
{
    size_t got  = 0;
    char  *have = slurp(path, &got);
    bool   same = have && data && got == len && memcmp(have, data, len) == 0;

    free(have);
    return same;
}

/* Entries of dir whose name contains ".tmp.". */
static int
count_temp_files(const char *dir)
{
    return unit_count_entries(dir, ".tmp.");
}

/* The origin: /data (100 int32, contiguous), /grid (20 x 20 float, chunked 5 x 5, deflated), /g (a group). */
static bool
make_origin(const char *path)
{
    hid_t   file, space = H5I_INVALID_HID, dset = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, group;
    hsize_t n = 100, dims[2] = {20, 20}, chunk[2] = {5, 5};
    int     data[100];
    float   grid[400];
    bool    ok;

    for (int i = 0; i < 100; i++)
        data[i] = i * 3;
    for (int i = 0; i < 400; i++)
        grid[i] = (float)i / 4;
    if ((file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        return false;
    ok =
        (space = H5Screate_simple(1, &n, NULL)) >= 0 &&
        (dset = H5Dcreate2(file, "data", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
        H5Dwrite(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
    dset  = H5I_INVALID_HID;
    space = H5I_INVALID_HID;
    ok    = ok && (space = H5Screate_simple(2, dims, NULL)) >= 0 &&
         (dcpl = H5Pcreate(H5P_DATASET_CREATE)) >= 0 && H5Pset_chunk(dcpl, 2, chunk) >= 0 &&
         H5Pset_deflate(dcpl, 4) >= 0 &&
         (dset = H5Dcreate2(file, "grid", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0 &&
         H5Dwrite(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, grid) >= 0;
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    ok = ok && (group = H5Gcreate2(file, "g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
         H5Gclose(group) >= 0;
    return H5Fclose(file) >= 0 && ok;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Commits                                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

/* Runs a commit carries into the run list before its own (carve_commit_t.runs, as h5carve merge passes
 * its sources' runs); none unless a test sets them. */
static const carve_manifest_run_t *carried_runs_g  = NULL;
static size_t                      ncarried_runs_g = 0;

/* Commits one run into the origin's container in dir: a read of count elements from start (first
 * dimension, the whole of the others) of `dataset`, with the root and the dataset touched; dataset NULL:
 * a run that read and touched nothing. */
static herr_t
commit_run(const char *origin, const char *dir, const char *dataset, hsize_t start, hsize_t count)
{
    carve_commit_t commit;
    carve_access_t access;
    char          *location = NULL;
    hid_t  fapl = H5I_INVALID_HID, file = H5I_INVALID_HID, dset = H5I_INVALID_HID, space = H5I_INVALID_HID;
    herr_t ret_value = -1;

    carve_access_init(&access);
    if (carve_origin_location(origin, &location) < 0 || (fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0)
        goto done;
    if (dataset) {
        H5O_info2_t             info;
        hsize_t                 dims[H5S_MAX_RANK], offset[H5S_MAX_RANK] = {0}, size[H5S_MAX_RANK];
        hid_t                   type;
        size_t                  type_size;
        int                     rank;
        carve_access_dataset_t *ds;

        if ((file = H5Fopen(origin, H5F_ACC_RDONLY, fapl)) < 0 ||
            H5Oget_info_by_name3(file, "/", &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
            carve_access_touch(&access, &info.token) < 0 ||
            (dset = H5Dopen2(file, dataset, H5P_DEFAULT)) < 0 ||
            H5Oget_info3(dset, &info, H5O_INFO_BASIC) < 0 || carve_access_touch(&access, &info.token) < 0 ||
            (space = H5Dget_space(dset)) < 0 || (rank = H5Sget_simple_extent_dims(space, dims, NULL)) < 1)
            goto done;
        type      = H5Dget_type(dset);
        type_size = H5Tget_size(type);
        H5Tclose(type);
        memcpy(size, dims, sizeof size);
        offset[0] = start;
        size[0]   = count;
        if (H5Sselect_hyperslab(space, H5S_SELECT_SET, offset, NULL, size, NULL) < 0 ||
            (ds = carve_access_dataset(&access, &info.token, rank, dims, type_size)) == NULL ||
            carve_access_record_read(ds, space) < 0)
            goto done;
        /* closed before the commit, as the connector does (the commit opens it with its own settings) */
        H5Sclose(space);
        H5Dclose(dset);
        H5Fclose(file);
        space = dset = file = H5I_INVALID_HID;
    }
    memset(&commit, 0, sizeof commit);
    commit.location    = location;
    commit.open_name   = origin;
    commit.origin_fapl = fapl;
    commit.dir         = dir;
    commit.access      = &access;
    commit.program     = "/usr/bin/test_container";
    commit.runs        = carried_runs_g;
    commit.nruns       = ncarried_runs_g;
    ret_value          = carve_container_commit(&commit);

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    carve_access_clear(&access);
    free(location);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Manifests                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

/* The manifest file beside a container and the embedded one. */
typedef struct both_t {
    carve_manifest_t file;
    carve_manifest_t embedded;
} both_t;

static bool
read_both(unit_t *t, const char *container, const char *manifest, both_t *b)
{
    bool ok;

    carve_manifest_init(&b->file);
    carve_manifest_init(&b->embedded);
    ok = CHECK(t, carve_manifest_read_file(manifest, &b->file) >= 0);
    ok = CHECK(t, carve_container_read_manifest(container, &b->embedded) >= 0) && ok;
    CHECK_NO_ERROR(t);
    return ok;
}

static void
clear_both(both_t *b)
{
    carve_manifest_clear(&b->file);
    carve_manifest_clear(&b->embedded);
}

static bool
same_counters(const carve_replay_counters_t *a, const carve_replay_counters_t *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* Whether the manifest file holds exactly the embedded manifest's text with the file's own replay section
 * in place of the embedded one's (replace 0: exactly the embedded text, as after a commit). */
static bool
file_is_embedded_plus_replay(const char *manifest, const both_t *b, bool replace)
{
    carve_manifest_t expect;
    char            *text = NULL, *want = NULL;
    size_t           len = 0;
    bool             same;

    expect = b->embedded; /* a shallow copy: only the replay members are changed, and put back */
    if (replace) {
        expect.has_replay  = b->file.has_replay;
        expect.replay_runs = b->file.replay_runs;
        expect.replay_last = b->file.replay_last;
        expect.replay      = b->file.replay;
    }
    if (carve_manifest_emit(&expect, &text, &len) < 0)
        return false;
    same = holds(manifest, text, len);
    if (!same && (want = slurp(manifest, NULL)) != NULL)
        printf("  ----- expected -----\n%s  ----- the file -----\n%s  --------------------\n", text, want);
    free(want);
    free(text);
    return same;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Tests                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

static const carve_replay_counters_t run1 = {.reads           = 3,
                                             .hits            = 1,
                                             .misses          = 1,
                                             .partial         = 1,
                                             .bytes_container = 40,
                                             .bytes_origin    = 20,
                                             .origin_requests = 4};
static const carve_replay_counters_t run2 = {.reads           = 5,
                                             .hits            = 5,
                                             .misses          = 0,
                                             .partial         = 0,
                                             .bytes_container = 1000,
                                             .bytes_origin    = 0,
                                             .origin_requests = 1};

/* The paths of one container and its neighbours. */
typedef struct paths_t {
    char  origin[512];
    char  dir[512];
    char *container;
    char *manifest;
    char *lock;
} paths_t;

static bool
setup(unit_t *t, paths_t *p)
{
    char *location = NULL;
    bool  ok;

    memset(p, 0, sizeof *p);
    snprintf(p->origin, sizeof p->origin, "%s/origin.h5", t->dir);
    snprintf(p->dir, sizeof p->dir, "%s/out", t->dir);
    ok = CHECK(t, make_origin(p->origin)) && CHECK(t, mkdir(p->dir, 0755) == 0) &&
         CHECK(t, carve_origin_location(p->origin, &location) >= 0) &&
         CHECK(t, carve_origin_container_paths(location, p->dir, &p->container, &p->manifest, &p->lock) >= 0);
    CHECK_NO_ERROR(t);
    free(location);
    return ok;
}

static void
teardown(paths_t *p)
{
    free(p->container);
    free(p->manifest);
    free(p->lock);
}

static void
test_add_replay(unit_t *t, paths_t *p)
{
    carve_replay_counters_t sum = {0};
    both_t                  b;
    char                   *before = NULL, *manifest_before = NULL;
    size_t                  before_len = 0, manifest_len = 0;

    /* a first commit: no replay section anywhere, the file is the embedded text */
    CHECK(t, commit_run(p->origin, p->dir, "/data", 10, 20) >= 0);
    CHECK_NO_ERROR(t);
    if (!read_both(t, p->container, p->manifest, &b))
        return;
    CHECK(t, b.file.generation == 1 && b.file.has_replay == 0 && b.embedded.has_replay == 0);
    CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, false));
    clear_both(&b);
    before = slurp(p->container, &before_len);
    CHECK(t, before != NULL && before_len > CARVE_CONTAINER_USERBLOCK);

    /* two replaying processes: runs counted, counters summed, in the file only */
    CHECK(t, carve_container_add_replay(p->container, &run1) >= 0);
    CHECK_NO_ERROR(t);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t, b.file.has_replay == 1 && b.file.replay_runs == 1 && same_counters(&b.file.replay, &run1));
        CHECK(t, b.file.replay_last != NULL && strlen(b.file.replay_last) == 20 &&
                     b.file.replay_last[19] == 'Z');
        CHECK(t, b.embedded.has_replay == 0);
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, true));
    }
    clear_both(&b);
    CHECK(t, carve_container_add_replay(p->container, &run2) >= 0);
    CHECK_NO_ERROR(t);
    carve_replay_counters_add(&sum, &run1);
    carve_replay_counters_add(&sum, &run2);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t, b.file.replay_runs == 2 && same_counters(&b.file.replay, &sum));
        CHECK(t, b.file.replay.reads == 8 && b.file.replay.bytes_container == 1040 &&
                     b.file.replay.origin_requests == 5);
        CHECK(t, b.file.generation == 1 && b.embedded.has_replay == 0);
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, true));
    }
    clear_both(&b);
    /* the container was never written; no temporary left; the lock is the commit's */
    CHECK(t, holds(p->container, before, before_len));
    CHECK(t, count_temp_files(p->dir) == 0 && exists(p->lock));

    /* a commit keeps the file's replay section, in both copies: the file is the embedded text again */
    CHECK(t, commit_run(p->origin, p->dir, "/grid", 0, 5) >= 0);
    CHECK_NO_ERROR(t);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t, b.file.generation == 2 && b.embedded.generation == 2 && b.file.ndatasets == 2);
        CHECK(t, b.embedded.has_replay == 1 && b.embedded.replay_runs == 2 &&
                     same_counters(&b.embedded.replay, &sum));
        CHECK(t, b.file.has_replay == 1 && b.file.replay_runs == 2 && same_counters(&b.file.replay, &sum));
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, false));
    }
    clear_both(&b);

    /* a run that read and touched nothing leaves container and file as they are */
    free(before);
    before          = slurp(p->container, &before_len);
    manifest_before = slurp(p->manifest, &manifest_len);
    CHECK(t, commit_run(p->origin, p->dir, NULL, 0, 0) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, holds(p->container, before, before_len) && holds(p->manifest, manifest_before, manifest_len));

    /* a missing manifest file is rebuilt from the embedded one, its replay section included */
    CHECK(t, unlink(p->manifest) == 0);
    CHECK(t, carve_container_add_replay(p->container, &run1) >= 0);
    CHECK_NO_ERROR(t);
    carve_replay_counters_add(&sum, &run1);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t, b.file.generation == 2 && b.file.replay_runs == 3 && same_counters(&b.file.replay, &sum));
        CHECK(t, b.embedded.replay_runs == 2);
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, true));
    }
    clear_both(&b);

    /* an unreadable one too: its counters are lost, the embedded copy's (as of the last commit) kept */
    CHECK(t, unit_write_text(p->manifest, "carve_manifest: 1\ngeneration: [\n"));
    CHECK(t, carve_container_add_replay(p->container, &run2) >= 0);
    CHECK_NO_ERROR(t);
    if (read_both(t, p->container, p->manifest, &b)) {
        carve_replay_counters_t want = b.embedded.replay;

        carve_replay_counters_add(&want, &run2);
        CHECK(t, b.file.replay_runs == 3 && same_counters(&b.file.replay, &want));
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, true));
        sum = b.file.replay;
    }
    clear_both(&b);

    /* a stale one (another generation: a commit killed before writing it) is rebuilt from the embedded
     * manifest, keeping its own replay section, the newest */
    if (read_both(t, p->container, p->manifest, &b)) {
        b.file.generation = 1;
        free(b.file.updated);
        b.file.updated     = strdup("2000-01-01T00:00:00Z");
        b.file.replay_runs = 10;
        CHECK(t, carve_manifest_write_file(p->manifest, &b.file) >= 0);
    }
    clear_both(&b);
    CHECK(t, carve_container_add_replay(p->container, &run1) >= 0);
    CHECK_NO_ERROR(t);
    carve_replay_counters_add(&sum, &run1);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t, b.file.generation == 2 && unit_str_eq(b.file.updated, b.embedded.updated));
        CHECK(t, b.file.replay_runs == 11 && same_counters(&b.file.replay, &sum));
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, true));
    }
    clear_both(&b);

    /* a commit over an unreadable file keeps the embedded copy's replay section */
    CHECK(t, unit_write_text(p->manifest, "not: [a manifest\n"));
    CHECK(t, commit_run(p->origin, p->dir, "/data", 50, 10) >= 0);
    CHECK_NO_ERROR(t);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t, b.file.generation == 3 && b.embedded.replay_runs == 2 && b.file.replay_runs == 2);
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, false));
    }
    clear_both(&b);

    /* still, the container was never written by a replay run: only commits changed it */
    free(before);
    before = slurp(p->container, &before_len);
    CHECK(t, carve_container_add_replay(p->container, &run2) >= 0);
    CHECK(t, holds(p->container, before, before_len));
    CHECK(t, count_temp_files(p->dir) == 0);
    CHECK_NO_ERROR(t);

    free(before);
    free(manifest_before);
}

/* Processes adding counters at once take turns on the lock: none is lost. */
static void
test_concurrent(unit_t *t, paths_t *p)
{
    enum { NPROC = 6, NEACH = 5 };
    const carve_replay_counters_t one = {1, 1, 0, 0, 8, 0, 1, 0};
    both_t                        b;
    uint64_t                      runs0 = 0, reads0 = 0;
    pid_t                         pids[NPROC];
    int                           ok = 0;

    if (read_both(t, p->container, p->manifest, &b)) {
        runs0  = b.file.replay_runs;
        reads0 = b.file.replay.reads;
    }
    clear_both(&b);
    fflush(stdout);
    for (int i = 0; i < NPROC; i++) {
        if ((pids[i] = fork()) == 0) {
            int failed = 0;
            for (int k = 0; k < NEACH; k++)
                failed |= carve_container_add_replay(p->container, &one) < 0;
            _exit(failed);
        }
        CHECK(t, pids[i] > 0);
    }
    for (int i = 0; i < NPROC; i++) {
        int status = 0;
        if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0)
            ok++;
    }
    CHECK(t, ok == NPROC);
    if (read_both(t, p->container, p->manifest, &b)) {
        CHECK(t,
              b.file.replay_runs == runs0 + NPROC * NEACH && b.file.replay.reads == reads0 + NPROC * NEACH);
        CHECK(t, file_is_embedded_plus_replay(p->manifest, &b, true));
    }
    clear_both(&b);
    CHECK(t, count_temp_files(p->dir) == 0);
}

/* The manifest and lock beside a container under another name: ".h5" replaced, else appended. */
static void
test_other_names(unit_t *t, paths_t *p)
{
    char   renamed[600], yaml[600], lock[600], noext[600], noext_yaml[620], noext_lock[620];
    both_t b;

    snprintf(renamed, sizeof renamed, "%s/renamed.h5", t->dir);
    snprintf(yaml, sizeof yaml, "%s/renamed.yaml", t->dir);
    snprintf(lock, sizeof lock, "%s/renamed.lock", t->dir);
    CHECK(t, copy_file(p->container, renamed));
    CHECK(t, carve_container_add_replay(renamed, &run1) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, exists(yaml) && exists(lock));
    if (read_both(t, renamed, yaml, &b)) {
        CHECK(t, b.file.replay_runs == b.embedded.replay_runs + 1);
        CHECK(t, file_is_embedded_plus_replay(yaml, &b, true));
    }
    clear_both(&b);

    snprintf(noext, sizeof noext, "%s/container.bin", t->dir);
    snprintf(noext_yaml, sizeof noext_yaml, "%s.yaml", noext);
    snprintf(noext_lock, sizeof noext_lock, "%s.lock", noext);
    CHECK(t, copy_file(p->container, noext));
    CHECK(t, carve_container_add_replay(noext, &run1) >= 0);
    CHECK_NO_ERROR(t);
    CHECK(t, exists(noext_yaml) && exists(noext_lock));
    /* the original's manifest was not touched by either */
    {
        both_t orig;
        if (read_both(t, p->container, p->manifest, &orig))
            CHECK(t, file_is_embedded_plus_replay(p->manifest, &orig, true));
        clear_both(&orig);
    }
}

/* What is not a container is refused, named, and nothing is created beside it. */
static void
test_refusals(unit_t *t, paths_t *p)
{
    char missing[600], missing_lock[600], origin_yaml[600], origin_lock[600], plain[600];

    /* an HDF5 file that is no container (the origin) */
    snprintf(origin_yaml, sizeof origin_yaml, "%s/origin.yaml", t->dir);
    snprintf(origin_lock, sizeof origin_lock, "%s/origin.lock", t->dir);
    CHECK(t, carve_container_add_replay(p->origin, &run1) < 0);
    CHECK_ERROR(t, CARVE_E_CORRUPT, "cannot record replay counters in", p->origin, "not a carve container");
    CHECK(t, !exists(origin_yaml) && !exists(origin_lock));

    /* a text file */
    snprintf(plain, sizeof plain, "%s/plain.carve.h5", t->dir);
    CHECK(t, unit_write_text(plain, "hello\n"));
    CHECK(t, carve_container_add_replay(plain, &run1) < 0);
    CHECK_ERROR(t, CARVE_E_CORRUPT, plain, "not a carve container");

    /* no file at all */
    snprintf(missing, sizeof missing, "%s/nothing-0123456789abcdef.carve.h5", t->dir);
    snprintf(missing_lock, sizeof missing_lock, "%s/nothing-0123456789abcdef.carve.lock", t->dir);
    CHECK(t, carve_container_add_replay(missing, &run1) < 0);
    CHECK_ERROR(t, CARVE_E_CORRUPT, missing, "no such file");
    CHECK(t, !exists(missing_lock));

    /* NULL */
    CHECK(t, carve_container_add_replay(NULL, &run1) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");
    CHECK(t, carve_container_add_replay(p->container, NULL) < 0);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "NULL");

    /* a container whose lock cannot be created (its directory read-only; root writes anyway: skipped) */
    if (geteuid() != 0) {
        char ro[600], inside[700], inside_yaml[700];
        snprintf(ro, sizeof ro, "%s/ro", t->dir);
        snprintf(inside, sizeof inside, "%s/c.carve.h5", ro);
        snprintf(inside_yaml, sizeof inside_yaml, "%s/c.carve.yaml", ro);
        CHECK(t, mkdir(ro, 0755) == 0 && copy_file(p->container, inside) && chmod(ro, 0555) == 0);
        CHECK(t, carve_container_add_replay(inside, &run1) < 0);
        CHECK_ERROR(t, CARVE_E_SYSTEM, "cannot create the lock file", "c.carve.lock", strerror(EACCES),
                    "not recorded");
        CHECK(t, !exists(inside_yaml));
        chmod(ro, 0755);
    }
    else
        printf("  (running as root: the read-only directory case is skipped)\n");
}

/* The replay manifest: the same manifest, without the selections of datasets held as whole chunks. */
static void
test_replay_manifest(unit_t *t, paths_t *p)
{
    carve_manifest_t full, lean;

    carve_manifest_init(&full);
    carve_manifest_init(&lean);
    if (CHECK(t, commit_run(p->origin, p->dir, "grid", 3, 4) >= 0) &&
        CHECK(t, commit_run(p->origin, p->dir, "data", 10, 20) >= 0) &&
        CHECK(t, carve_container_read_manifest(p->container, &full) >= 0) &&
        CHECK(t, carve_container_read_replay_manifest(p->container, &lean) >= 0)) {
        const carve_manifest_dataset_t *fg = carve_manifest_find_dataset(&full, "/grid");
        const carve_manifest_dataset_t *lg = carve_manifest_find_dataset(&lean, "/grid");
        const carve_manifest_dataset_t *fd = carve_manifest_find_dataset(&full, "/data");
        const carve_manifest_dataset_t *ld = carve_manifest_find_dataset(&lean, "/data");

        CHECK(t, lean.generation == full.generation && lean.ndatasets == full.ndatasets);
        CHECK_STR(t, lean.origin, full.origin);
        if (CHECK(t, fg && lg && fd && ld)) {
            CHECK(t, fg->store == CARVE_STORE_CHUNKS && fg->selections.nrecords > 0);
            CHECK(t, lg->store == CARVE_STORE_CHUNKS && lg->selections.nrecords == 0);
            CHECK(t, lg->chunks.n == fg->chunks.n && lg->chunks.n > 0 &&
                         memcmp(lg->chunks.idx, fg->chunks.idx, lg->chunks.n * sizeof *lg->chunks.idx) == 0);
            CHECK(t,
                  fd->store == CARVE_STORE_ELEMENTS && ld->selections.nrecords == fd->selections.nrecords &&
                      carve_selection_npoints(&ld->selections) == carve_selection_npoints(&fd->selections));
            CHECK_STR(t, ld->origin_dcpl, fd->origin_dcpl);
        }
    }
    CHECK_NO_ERROR(t);
    carve_manifest_clear(&full);
    carve_manifest_clear(&lean);
}

/* Runs a commit carries (h5carve merge's sources') are listed before its own, each once, in both copies. */
static void
test_carried_runs(unit_t *t, paths_t *p)
{
    static const carve_manifest_run_t carried[] = {{"2020-01-02T03:04:05Z", 42, "/elsewhere/reader"},
                                                   {"2020-01-02T03:04:05Z", 42, "/elsewhere/reader"},
                                                   {"2021-06-07T08:09:10Z", 43, NULL}};
    both_t                            b;
    size_t                            before = 0;

    carve_manifest_t m;
    carve_manifest_init(&m);
    if (CHECK(t, carve_container_read_manifest(p->container, &m) >= 0))
        before = m.nruns;
    carve_manifest_clear(&m);
    carried_runs_g  = carried;
    ncarried_runs_g = sizeof carried / sizeof carried[0];
    CHECK(t, commit_run(p->origin, p->dir, "/data", 0, 3) >= 0);
    carried_runs_g  = NULL;
    ncarried_runs_g = 0;
    CHECK_NO_ERROR(t);
    /* The commit's own run may equal one listed already (same pid, same second): then it is not added. */
    if (read_both(t, p->container, p->manifest, &b) &&
        CHECK(t, b.embedded.nruns == before + 2 || b.embedded.nruns == before + 3)) {
        const carve_manifest_run_t *r    = b.embedded.runs + before;
        const carve_manifest_run_t *last = b.embedded.runs + b.embedded.nruns - 1;
        CHECK(t, r[0].pid == 42 && unit_str_eq(r[0].time, "2020-01-02T03:04:05Z") &&
                     unit_str_eq(r[0].program, "/elsewhere/reader"));
        CHECK(t, r[1].pid == 43 && r[1].program == NULL);
        CHECK(t, b.embedded.nruns == before + 2 || (last->pid == (int64_t)getpid() &&
                                                    unit_str_eq(last->program, "/usr/bin/test_container")));
        CHECK(t, b.file.nruns == b.embedded.nruns);
    }
    clear_both(&b);
}

/* ------------------------------------------------------------------------------------------------------ */

int
main(void)
{
    unit_t  t;
    paths_t p;

    if (!unit_begin(&t, "container"))
        return UNIT_CANNOT_RUN;

    if (setup(&t, &p)) {
        test_add_replay(&t, &p);
        test_concurrent(&t, &p);
        test_other_names(&t, &p);
        test_refusals(&t, &p);
        test_replay_manifest(&t, &p);
        test_carried_runs(&t, &p);
    }
    teardown(&p);

    return unit_end(&t);
}
