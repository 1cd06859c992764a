/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_lookup.c — carve_bench_lookup: what finding a file's container costs in replay (core/carve_lookup),
 * per open, against a native H5Fopen + H5Fclose of the same file in the same run.
 *
 *   carve_bench_lookup [scratch-dir] [calls]        (default: a new directory under /tmp, 20000 calls)
 *
 * Makes a small origin data/run.h5 and carves it into bundle/ (H5Pset_fapl_carve, mode carve, then H5close
 * commits), copies the bundle to shipped/, then times, each as the median of 5 rounds of `calls` calls:
 *   native       H5Fopen + H5Fclose of the origin (the reference)
 *   exact        carve_lookup_container of the origin's name, container in dir= (rule 1)
 *   lexical      the same name with the origin's directory renamed away (rule 1, placed lexically)
 *   relocated    the name from another working directory against the shipped copy (rule 2: one listing,
 *                then the candidate cache)
 *   none         a file with no container in a directory of containers (rules 1-3 all miss)
 *   replay-open  H5Fopen + H5Fclose through carve in mode replay (lookup, stamp, container open), exact
 * Prints a markdown table and one "LOOKUP kind=... us=... ratio=..." line per row (ratio: against native).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_lookup.h"
#include "carve_vol.h"

#define ROUNDS 5

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int
compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
die(const char *what)
{
    fprintf(stderr, "carve_bench_lookup: %s\n", what);
    H5Eprint2(H5E_DEFAULT, stderr);
    exit(1);
}

static void
make_origin(const char *path)
{
    hsize_t n = 1024;
    int     v[1024];
    hid_t   file, space, dset;

    for (int i = 0; i < 1024; i++)
        v[i] = i;
    if ((file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        (space = H5Screate_simple(1, &n, NULL)) < 0 ||
        (dset = H5Dcreate2(file, "values", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) <
            0 ||
        H5Dwrite(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        die("cannot write the origin");
    H5Dclose(dset);
    H5Sclose(space);
    H5Fclose(file);
}

static hid_t
carve_fapl(carve_mode_t mode, const char *settings)
{
    carve_vol_info_t info;
    hid_t            fapl = H5Pcreate(H5P_FILE_ACCESS);

    memset(&info, 0, sizeof info);
    info.version      = CARVE_VOL_INFO_VERSION;
    info.mode         = mode;
    info.under_vol_id = H5I_INVALID_HID;
    info.settings     = settings;
    if (fapl < 0 || H5Pset_fapl_carve(fapl, &info) < 0)
        die("cannot select carve");
    return fapl;
}

static void
carve_it(const char *origin, const char *settings)
{
    hid_t fapl = carve_fapl(CARVE_MODE_CARVE, settings), file, dset;
    int   v[16];

    if ((file = H5Fopen(origin, H5F_ACC_RDONLY, fapl)) < 0 ||
        (dset = H5Dopen2(file, "values", H5P_DEFAULT)) < 0 ||
        H5Dread(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, (int[1024]){0}) < 0)
        die("cannot carve the origin");
    (void)v;
    H5Dclose(dset);
    H5Fclose(file);
    H5Pclose(fapl);
    H5close(); /* carve commits when HDF5 shuts down */
}

typedef enum { RUN_NATIVE, RUN_LOOKUP, RUN_REPLAY } run_kind_t;

/* Median over ROUNDS of the time per call, in microseconds. */
static double
time_calls(run_kind_t kind, const char *name, const char *dir, hid_t fapl, long calls, int expect_container)
{
    double rounds[ROUNDS];

    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_s();

        for (long i = 0; i < calls; i++) {
            if (kind == RUN_LOOKUP) {
                carve_lookup_t l;

                if (carve_lookup_container(name, dir, &l) < 0 || (l.container != NULL) != expect_container)
                    die("a lookup did not give what was expected");
                carve_lookup_clear(&l);
            }
            else {
                hid_t file = H5Fopen(name, H5F_ACC_RDONLY, fapl);

                if (file < 0 || H5Fclose(file) < 0)
                    die("cannot open the file");
            }
        }
        rounds[r] = (now_s() - t0) / (double)calls * 1e6;
    }
    qsort(rounds, ROUNDS, sizeof *rounds, compare_double);
    return rounds[ROUNDS / 2];
}

int
main(int argc, char **argv)
{
    char        dirbuf[] = "/tmp/carve_bench_lookup.XXXXXX", cmd[8300], bundle[4096], shipped[4096];
    const char *scratch  = argc > 1 ? argv[1] : mkdtemp(dirbuf);
    long        calls    = argc > 2 ? atol(argv[2]) : 20000;
    double      native, us;
    hid_t       fapl;
    char        settings[4200];
    struct {
        const char *kind;
        double      us;
    } rows[8];
    int nrows = 0;

    if (!scratch || (mkdir(scratch, 0755) < 0 && access(scratch, F_OK) != 0) || chdir(scratch) < 0 ||
        calls <= 0)
        die("usage: carve_bench_lookup [scratch-dir] [calls]");
    if (system("rm -rf data data.away bundle shipped other && mkdir -p data bundle other") != 0)
        die("cannot prepare the scratch directory");
    snprintf(bundle, sizeof bundle, "%s/bundle", scratch);
    snprintf(shipped, sizeof shipped, "%s/shipped", scratch);
    make_origin("data/run.h5");
    make_origin("data/plain.h5"); /* no container: looked up in vain */
    snprintf(settings, sizeof settings, "dir={%s}", bundle);
    carve_it("data/run.h5", settings);
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", bundle, shipped);
    if (system(cmd) != 0)
        die("cannot copy the bundle");

    native           = time_calls(RUN_NATIVE, "data/run.h5", NULL, H5P_DEFAULT, calls / 4, 0);
    rows[nrows].kind = "native H5Fopen+H5Fclose";
    rows[nrows++].us = native;
    rows[nrows].kind = "exact (origin present, dir=)";
    rows[nrows++].us = time_calls(RUN_LOOKUP, "data/run.h5", bundle, H5I_INVALID_HID, calls, 1);
    rows[nrows].kind = "none (a file without a container)";
    rows[nrows++].us = time_calls(RUN_LOOKUP, "data/plain.h5", bundle, H5I_INVALID_HID, calls, 0);
    fapl             = carve_fapl(CARVE_MODE_REPLAY, settings);
    rows[nrows].kind = "replay open (lookup, stamp, container)";
    rows[nrows++].us = time_calls(RUN_REPLAY, "data/run.h5", NULL, fapl, calls / 4, 1);
    H5Pclose(fapl);
    if (rename("data", "data.away") < 0)
        die("cannot move the origin's directory away");
    rows[nrows].kind = "lexical (origin's directory gone)";
    rows[nrows++].us = time_calls(RUN_LOOKUP, "data/run.h5", bundle, H5I_INVALID_HID, calls, 1);
    if (chdir("other") < 0)
        die("cannot change directory");
    rows[nrows].kind = "relocated (shipped bundle, another cwd)";
    rows[nrows++].us = time_calls(RUN_LOOKUP, "data/run.h5", shipped, H5I_INVALID_HID, calls, 1);

    printf("| lookup | us per call | vs a native open |\n|---|---:|---:|\n");
    for (int i = 0; i < nrows; i++) {
        us = rows[i].us;
        printf("| %s | %.2f | %.3f |\n", rows[i].kind, us, us / native);
    }
    for (int i = 0; i < nrows; i++)
        printf("LOOKUP kind=\"%s\" us=%.3f ratio=%.4f\n", rows[i].kind, rows[i].us, rows[i].us / native);
    printf("LOOKUP_DONE listings=%lu calls=%ld scratch=%s\n", carve_lookup_listings(), calls, scratch);
    return 0;
}
