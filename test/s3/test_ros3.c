/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ros3.c — carve_test_ros3: files on S3 (HDF5's read-only S3 driver, ROS3) read through carve must
 * give what the same reads give natively over ROS3, and ROS3's failures must come back through carve
 * cleanly, with HDF5's error stack.
 *
 *   carve_test_ros3 make-big <out.h5>
 *       Writes (natively, locally) big.h5: larger than ROS3's 16 MiB open-time cache, so that reads of
 *       its later part are real ranged GETs:
 *         /big2d    int32 2304x2048 contiguous          value = i*100000 + j      (18 MiB)
 *         /bigchunk int32 512x512 chunked 64x64 + deflate  value = i*1000 + j + 7
 *
 *   carve_test_ros3 read <zoo-url> <big-url> [--cred region,id,secret] [--token T]
 *                        [--via both|native|carve] [--mode off|carve|replay]
 *       Opens both URLs read-only over ROS3 (authenticated when --cred is given; --token adds
 *       H5Pset_fapl_ros3_token) natively and/or through carve (H5Pset_fapl_ros3, then H5Pset_fapl_carve on
 *       the same access list), reads several selections (hyperslabs with stride and block of /grid2d and
 *       /grid3d, a point selection, a root attribute, /big2d rows inside and beyond ROS3's cache, a
 *       /bigchunk block across chunks) and checks each against the zoo's formulas and, with --via both,
 *       carve's values against native's. Through carve it also checks that the file is served by carve
 *       and that the file's access list still names the ROS3 driver with the same credentials.
 *       --via native|carve does one side only (the request-count test runs each under its own log).
 *
 *   carve_test_ros3 errors <base-url> <bucket> --cred region,id,secret
 *                          [--temp-cred region,id,secret --token T]
 *       Failures must be clean through carve, as natively: wrong secret, unknown key id, no credentials
 *       at an authenticating server, a missing key, a missing bucket, a server that is down, temporary
 *       credentials without/with a wrong token; each open fails (no crash), leaves an error stack that
 *       holds native's messages, and a good open afterwards still works.
 *
 * Prints one line per check and a closing "N passed, M failed"; exits non-zero on any failure.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_check.h"
#include "carve_vol.h"

#define BIG2D_ROWS    2304
#define BIG2D_COLS    2048
#define BIGCHUNK_N    512
#define BIGCHUNK_EDGE 64

/* ---------------------------------------------------------------------------------------------- */
/* Formulas (test/common/make_zoo.c for the zoo).                                                  */

static int32_t
grid2d_value(hsize_t i, hsize_t j)
{
    return (int32_t)(i * 1000 + j);
}
static int32_t
grid3d_value(hsize_t i, hsize_t j, hsize_t k)
{
    return (int32_t)(i * 10000 + j * 100 + k);
}
static int32_t
big2d_value(hsize_t i, hsize_t j)
{
    return (int32_t)(i * 100000 + j);
}
static int32_t
bigchunk_value(hsize_t i, hsize_t j)
{
    return (int32_t)(i * 1000 + j + 7);
}

/* ---------------------------------------------------------------------------------------------- */
/* make-big                                                                                         */

static int
make_big(const char *path)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
        return EXIT_FAILURE;
    int ok = 1;

    hsize_t  dims[2] = {BIG2D_ROWS, BIG2D_COLS};
    hid_t    space   = H5Screate_simple(2, dims, NULL);
    hid_t    dset    = H5Dcreate2(file, "big2d", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int32_t *buf     = malloc(sizeof(int32_t) * BIG2D_ROWS * BIG2D_COLS);
    ok               = ok && dset >= 0 && buf;
    if (ok) {
        for (hsize_t i = 0; i < BIG2D_ROWS; i++)
            for (hsize_t j = 0; j < BIG2D_COLS; j++)
                buf[i * BIG2D_COLS + j] = big2d_value(i, j);
        ok = H5Dwrite(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    }
    H5Dclose(dset);
    H5Sclose(space);

    hsize_t cdims[2] = {BIGCHUNK_N, BIGCHUNK_N}, chunk[2] = {BIGCHUNK_EDGE, BIGCHUNK_EDGE};
    hid_t   dcpl = H5Pcreate(H5P_DATASET_CREATE);
    ok           = ok && H5Pset_chunk(dcpl, 2, chunk) >= 0 && H5Pset_deflate(dcpl, 1) >= 0;
    space        = H5Screate_simple(2, cdims, NULL);
    dset         = H5Dcreate2(file, "bigchunk", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ok           = ok && dset >= 0;
    if (ok) {
        for (hsize_t i = 0; i < BIGCHUNK_N; i++)
            for (hsize_t j = 0; j < BIGCHUNK_N; j++)
                buf[i * BIGCHUNK_N + j] = bigchunk_value(i, j);
        ok = H5Dwrite(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    }
    H5Dclose(dset);
    H5Sclose(space);
    H5Pclose(dcpl);
    free(buf);
    if (H5Fclose(file) < 0)
        ok = 0;
    printf("carve_test_ros3: %s %s\n", ok ? "wrote" : "failed to write", path);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---------------------------------------------------------------------------------------------- */
/* Access lists                                                                                     */

typedef struct cred_t {
    int  set;
    char region[H5FD_ROS3_MAX_REGION_LEN + 1];
    char id[H5FD_ROS3_MAX_SECRET_ID_LEN + 1];
    char secret[H5FD_ROS3_MAX_SECRET_KEY_LEN + 1];
} cred_t;

/* "region,id,secret" */
static int
parse_cred(const char *text, cred_t *cred)
{
    memset(cred, 0, sizeof *cred);
    const char *c1 = strchr(text, ',');
    const char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c1 || !c2 || (size_t)(c1 - text) > H5FD_ROS3_MAX_REGION_LEN ||
        (size_t)(c2 - c1 - 1) > H5FD_ROS3_MAX_SECRET_ID_LEN || strlen(c2 + 1) > H5FD_ROS3_MAX_SECRET_KEY_LEN)
        return -1;
    memcpy(cred->region, text, (size_t)(c1 - text));
    memcpy(cred->id, c1 + 1, (size_t)(c2 - c1 - 1));
    strcpy(cred->secret, c2 + 1);
    cred->set = 1;
    return 0;
}

typedef enum via_t { VIA_NATIVE, VIA_CARVE } via_t;

static const char *
via_name(via_t via)
{
    return via == VIA_CARVE ? "carve" : "native";
}

static carve_mode_t carve_mode = CARVE_MODE_DEFAULT;

/* A ROS3 access list (credentials and token as given), with carve selected on top of it for VIA_CARVE. */
static hid_t
make_fapl(via_t via, const cred_t *cred, const char *token)
{
    H5FD_ros3_fapl_t fa;
    memset(&fa, 0, sizeof fa);
    fa.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
    if (cred && cred->set) {
        fa.authenticate = 1;
        strcpy(fa.aws_region, cred->region);
        strcpy(fa.secret_id, cred->id);
        strcpy(fa.secret_key, cred->secret);
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_ros3(fapl, &fa) < 0)
        goto fail;
    if (token && H5Pset_fapl_ros3_token(fapl, token) < 0)
        goto fail;
    if (via == VIA_CARVE) {
        carve_vol_info_t info;
        memset(&info, 0, sizeof info);
        info.version = CARVE_VOL_INFO_VERSION;
        info.mode    = carve_mode;
        if (H5Pset_fapl_carve(fapl, &info) < 0)
            goto fail;
    }
    return fapl;
fail:
    if (fapl >= 0)
        H5Pclose(fapl);
    return H5I_INVALID_HID;
}

static int
served_by_carve(hid_t obj)
{
    char name[64] = "";
    return H5VLget_connector_name(obj, name, sizeof name) > 0 && strcmp(name, CARVE_VOL_NAME) == 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* read                                                                                             */

/* One read: a dataset (or root attribute), a file selection, the values read, and their expected
 * values from the formulas. */
#define MAX_READ 20000

typedef struct selection_t {
    const char *what;
    int         big; /* 0: zoo file, 1: big file */
    int (*select)(hid_t space, hid_t *mem_space, int32_t *expected, size_t *count);
    const char *dataset;
} selection_t;

static int
sel_grid2d_strided(hid_t space, hid_t *mem, int32_t *exp, size_t *n)
{
    hsize_t start[2] = {7, 3}, stride[2] = {3, 4}, count[2] = {15, 10}, block[2] = {2, 2};
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block) < 0)
        return -1;
    *n = 0;
    for (hsize_t a = 0; a < count[0]; a++)
        for (hsize_t r = 0; r < block[0]; r++)
            for (hsize_t b = 0; b < count[1]; b++)
                for (hsize_t c = 0; c < block[1]; c++)
                    exp[(*n)++] = grid2d_value(start[0] + a * stride[0] + r, start[1] + b * stride[1] + c);
    /* (a, r, b, c) is the selection's row-major order in the file: the order H5Dread delivers. */
    hsize_t mdims = *n;
    *mem          = H5Screate_simple(1, &mdims, NULL);
    return 0;
}

static int
sel_grid2d_points(hid_t space, hid_t *mem, int32_t *exp, size_t *n)
{
    static const hsize_t pts[][2] = {{0, 0}, {59, 49}, {31, 7}, {2, 48}, {58, 1}, {30, 25}};
    size_t               np       = sizeof pts / sizeof pts[0];
    if (H5Sselect_elements(space, H5S_SELECT_SET, np, &pts[0][0]) < 0)
        return -1;
    for (size_t i = 0; i < np; i++)
        exp[i] = grid2d_value(pts[i][0], pts[i][1]);
    *n            = np;
    hsize_t mdims = np;
    *mem          = H5Screate_simple(1, &mdims, NULL);
    return 0;
}

static int
sel_grid3d_block(hid_t space, hid_t *mem, int32_t *exp, size_t *n)
{
    hsize_t start[3] = {2, 5, 7}, count[3] = {5, 10, 12};
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
        return -1;
    *n = 0;
    for (hsize_t i = 0; i < count[0]; i++)
        for (hsize_t j = 0; j < count[1]; j++)
            for (hsize_t k = 0; k < count[2]; k++)
                exp[(*n)++] = grid3d_value(start[0] + i, start[1] + j, start[2] + k);
    *mem = H5Screate_simple(3, count, NULL);
    return 0;
}

static int
sel_big2d_rows(hid_t space, hid_t *mem, int32_t *exp, size_t *n)
{
    /* Row 1000 lies in ROS3's open-time cache (the file's first 16 MiB); rows 2100-2109 lie beyond. */
    hsize_t start[2] = {1000, 100}, count[2] = {1, 300};
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
        return -1;
    hsize_t start2[2] = {2100, 1500}, count2[2] = {10, 40};
    if (H5Sselect_hyperslab(space, H5S_SELECT_OR, start2, NULL, count2, NULL) < 0)
        return -1;
    *n = 0;
    for (hsize_t j = 0; j < count[1]; j++)
        exp[(*n)++] = big2d_value(start[0], start[1] + j);
    for (hsize_t i = 0; i < count2[0]; i++)
        for (hsize_t j = 0; j < count2[1]; j++)
            exp[(*n)++] = big2d_value(start2[0] + i, start2[1] + j);
    hsize_t mdims = *n;
    *mem          = H5Screate_simple(1, &mdims, NULL);
    return 0;
}

static int
sel_bigchunk_block(hid_t space, hid_t *mem, int32_t *exp, size_t *n)
{
    hsize_t start[2] = {100, 300}, count[2] = {130, 90}; /* crosses 3x3 chunks of 64x64 */
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
        return -1;
    *n = 0;
    for (hsize_t i = 0; i < count[0]; i++)
        for (hsize_t j = 0; j < count[1]; j++)
            exp[(*n)++] = bigchunk_value(start[0] + i, start[1] + j);
    *mem = H5Screate_simple(2, count, NULL);
    return 0;
}

static const selection_t selections[] = {
    {"/grid2d strided blocks", 0, sel_grid2d_strided, "grid2d"},
    {"/grid2d points", 0, sel_grid2d_points, "grid2d"},
    {"/grid3d hyperslab (chunked, deflate)", 0, sel_grid3d_block, "grid3d"},
    {"/big2d rows inside and beyond ROS3's cache", 1, sel_big2d_rows, "big2d"},
    {"/bigchunk block across chunks", 1, sel_bigchunk_block, "bigchunk"},
};
#define N_SELECTIONS (sizeof selections / sizeof selections[0])

/* Values read, per side and selection, for the native/carve comparison. */
static int32_t read_values[2][N_SELECTIONS + 1][MAX_READ];
static size_t  read_counts[2][N_SELECTIONS + 1];

/* The name of ROS3's session token property (H5FDros3.c). */
#define ROS3_TOKEN_PROP "ros3_token_prop"
/* Whether the open file's access list had the token property, per side (compared: carve = native). */
static int token_on_file_fapl[2] = {-1, -1};

/* The checks on an open file's access list: still the ROS3 driver, same credentials and token. */
static void
check_file_fapl(hid_t file, via_t via, const cred_t *cred, const char *token, const char *url)
{
    hid_t fapl = H5Fget_access_plist(file);
    carve_check(fapl >= 0, "%s: H5Fget_access_plist(%s)", via_name(via), url);
    if (fapl < 0)
        return;
    carve_check(H5Pget_driver(fapl) == H5FD_ROS3, "%s: the open file's driver is ROS3", via_name(via));
    H5FD_ros3_fapl_t fa;
    memset(&fa, 0, sizeof fa);
    herr_t got = H5Pget_fapl_ros3(fapl, &fa);
    carve_check(got >= 0 && fa.authenticate == (cred && cred->set) &&
                    (!(cred && cred->set) ||
                     (strcmp(fa.aws_region, cred->region) == 0 && strcmp(fa.secret_id, cred->id) == 0)),
                "%s: the open file's ROS3 settings are the program's (authenticate=%d region='%s' id='%s')",
                via_name(via), (int)fa.authenticate, fa.aws_region, fa.secret_id);
    if (token) {
        /* HDF5 1.14.5's H5Fget_access_plist does not copy the token property to the list it returns, and
         * H5Pget_fapl_ros3_token on a list without it reads an uninitialised pointer (crash): look first. */
        htri_t has              = H5Pexist(fapl, ROS3_TOKEN_PROP);
        token_on_file_fapl[via] = has > 0;
        if (has > 0) {
            char got_token[256] = "";
            carve_check(H5Pget_fapl_ros3_token(fapl, sizeof got_token, got_token) >= 0 &&
                            strcmp(got_token, token) == 0,
                        "%s: the open file's access list keeps the session token", via_name(via));
        }
    }
    H5Pclose(fapl);
}

static void
read_side(via_t via, const char *zoo_url, const char *big_url, const cred_t *cred, const char *token)
{
    const char *urls[2] = {zoo_url, big_url};
    hid_t       files[2];
    int         side = via == VIA_CARVE;

    for (int f = 0; f < 2; f++) {
        hid_t fapl = make_fapl(via, cred, token);
        carve_check(fapl >= 0, "%s: access list for %s", via_name(via), urls[f]);
        if (via == VIA_CARVE && f == 0) {
            carve_check(H5Pget_driver(fapl) == H5FD_ROS3,
                        "carve: H5Pset_fapl_carve kept the ROS3 driver on the same access list");
            if (token) {
                char got_token[256] = "";
                carve_check(H5Pexist(fapl, ROS3_TOKEN_PROP) > 0 &&
                                H5Pget_fapl_ros3_token(fapl, sizeof got_token, got_token) >= 0 &&
                                strcmp(got_token, token) == 0,
                            "carve: and kept the session token on it");
            }
        }
        files[f] = fapl >= 0 ? H5Fopen(urls[f], H5F_ACC_RDONLY, fapl) : H5I_INVALID_HID;
        carve_check(files[f] >= 0, "%s: H5Fopen(%s) over ROS3", via_name(via), urls[f]);
        if (fapl >= 0)
            H5Pclose(fapl);
        if (files[f] < 0)
            continue;
        carve_check(served_by_carve(files[f]) == (via == VIA_CARVE), "%s: %s is served by %s", via_name(via),
                    urls[f], via == VIA_CARVE ? "carve" : "the native connector");
        check_file_fapl(files[f], via, cred, token, urls[f]);
    }

    for (size_t s = 0; s < N_SELECTIONS; s++) {
        const selection_t *sel = &selections[s];
        read_counts[side][s]   = 0;
        if (files[sel->big] < 0)
            continue;
        static int32_t expected[MAX_READ];
        size_t         n    = 0;
        hid_t          dset = H5Dopen2(files[sel->big], sel->dataset, H5P_DEFAULT);
        hid_t          fsp  = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
        hid_t          msp  = H5I_INVALID_HID;
        int            ok   = fsp >= 0 && sel->select(fsp, &msp, expected, &n) >= 0 && msp >= 0;
        int32_t       *got  = read_values[side][s];
        memset(got, 0x5a, sizeof read_values[side][s]);
        ok = ok && H5Dread(dset, H5T_NATIVE_INT32, msp, fsp, H5P_DEFAULT, got) >= 0;
        carve_check(ok, "%s: read %s (%zu values)", via_name(via), sel->what, n);
        if (ok) {
            size_t bad = 0, first_bad = 0;
            for (size_t i = 0; i < n; i++)
                if (got[i] != expected[i] && bad++ == 0)
                    first_bad = i;
            carve_check(bad == 0, "%s: %s equals the formula%s", via_name(via), sel->what,
                        bad ? " (mismatch)" : "");
            if (bad)
                printf("  %zu wrong values, first at %zu: got %d, expected %d\n", bad, first_bad,
                       (int)got[first_bad], (int)expected[first_bad]);
            read_counts[side][s] = n;
        }
        if (msp >= 0)
            H5Sclose(msp);
        if (fsp >= 0)
            H5Sclose(fsp);
        if (dset >= 0)
            H5Dclose(dset);
    }

    /* A root attribute of the zoo: int32_le = {INT32_MIN, -3, 4, INT32_MAX}. */
    read_counts[side][N_SELECTIONS] = 0;
    if (files[0] >= 0) {
        hid_t    attr = H5Aopen(files[0], "int32_le", H5P_DEFAULT);
        int32_t *v    = read_values[side][N_SELECTIONS];
        int      ok   = attr >= 0 && H5Aread(attr, H5T_NATIVE_INT32, v) >= 0;
        carve_check(ok && v[0] == INT32_MIN && v[1] == -3 && v[2] == 4 && v[3] == INT32_MAX,
                    "%s: root attribute int32_le", via_name(via));
        if (ok)
            read_counts[side][N_SELECTIONS] = 4;
        if (attr >= 0)
            H5Aclose(attr);
    }

    for (int f = 0; f < 2; f++)
        if (files[f] >= 0)
            carve_check(H5Fclose(files[f]) >= 0, "%s: H5Fclose(%s)", via_name(via), urls[f]);
}

/* ---------------------------------------------------------------------------------------------- */
/* errors                                                                                           */

/* The descriptions on an error stack, joined by '\n'. */
typedef struct stack_text_t {
    char   text[16384];
    size_t len;
    int    count;
} stack_text_t;

static herr_t
stack_walk_cb(unsigned n, const H5E_error2_t *err, void *data)
{
    stack_text_t *st = data;
    (void)n;
    int w = snprintf(st->text + st->len, sizeof st->text - st->len, "%s: %s\n",
                     err->func_name ? err->func_name : "?", err->desc ? err->desc : "");
    if (w > 0 && (size_t)w < sizeof st->text - st->len)
        st->len += (size_t)w;
    st->count++;
    return 0;
}

/* Opens url with the given access list, expecting failure; the error stack's text into st. */
static int
open_must_fail(const char *url, hid_t fapl, stack_text_t *st)
{
    hid_t file;
    memset(st, 0, sizeof *st);
    H5E_BEGIN_TRY
    {
        file = H5Fopen(url, H5F_ACC_RDONLY, fapl);
    }
    H5E_END_TRY
    hid_t stack = H5Eget_current_stack();
    if (stack >= 0) {
        H5Ewalk2(stack, H5E_WALK_DOWNWARD, stack_walk_cb, st);
        H5Eclose_stack(stack);
    }
    if (file >= 0) {
        H5Fclose(file);
        return 0;
    }
    return 1;
}

/* Native's stack ends with what the native connector's own file open put there (from the last
 * "H5VL__native_file_open" line down to ROS3 and curl): that block must be on carve's stack as it is. (Before
 * it, natively, come the entries of HDF5 asking every plugin on HDF5_PLUGIN_PATH whether it can open the
 * file, which an open through carve does not do.) */
static int
stack_holds_native_open(const stack_text_t *carve, const stack_text_t *native)
{
    const char *block = NULL, *p = native->text;
    while ((p = strstr(p, "H5VL__native_file_open:")) != NULL)
        block = p++;
    if (!block) {
        printf("  no H5VL__native_file_open entry on native's stack\n");
        return 0;
    }
    if (!strstr(carve->text, block)) {
        printf("  native's open failure is not on carve's stack:\n%s", block);
        return 0;
    }
    return 1;
}

static void
expect_clean_failure(const char *what, const char *url, const cred_t *cred, const char *token,
                     const char *must_mention)
{
    stack_text_t native, carve;
    hid_t        fapl_n = make_fapl(VIA_NATIVE, cred, token);
    hid_t        fapl_c = make_fapl(VIA_CARVE, cred, token);
    carve_check(fapl_n >= 0 && fapl_c >= 0, "%s: access lists", what);
    if (fapl_n < 0 || fapl_c < 0)
        return;
    int before   = carve_check_failures();
    int failed_n = open_must_fail(url, fapl_n, &native);
    int failed_c = open_must_fail(url, fapl_c, &carve);
    carve_check(failed_n, "%s: the native open fails", what);
    carve_check(failed_c, "%s: the open through carve fails (no crash)", what);
    carve_check(carve.count > 0, "%s: carve leaves HDF5's error stack (%d entries; native %d)", what,
                carve.count, native.count);
    carve_check(stack_holds_native_open(&carve, &native),
                "%s: carve's error stack holds native's open failure, down to ROS3", what);
    if (must_mention)
        carve_check(strstr(carve.text, must_mention) != NULL, "%s: the stack says \"%s\"", what,
                    must_mention);
    if (carve_check_failures() > before) {
        printf("  native stack:\n%s  carve stack:\n%s", native.text, carve.text);
    }
    H5Pclose(fapl_n);
    H5Pclose(fapl_c);
}

/* A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
static int
closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family      = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len        = sizeof addr;
    int       port       = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

static void
run_errors(const char *base, const char *bucket, const cred_t *cred, const cred_t *temp, const char *token)
{
    char url[1024], good[1024];
    snprintf(good, sizeof good, "%s/%s/zoo.h5", base, bucket);

    cred_t wrong = *cred;
    strcpy(wrong.secret, "not-the-secret");
    expect_clean_failure("wrong secret", good, &wrong, NULL, "could not open");
    cred_t unknown = *cred;
    strcpy(unknown.id, "AKIDNOBODY");
    expect_clean_failure("unknown key id", good, &unknown, NULL, NULL);
    expect_clean_failure("no credentials at an authenticating server", good, NULL, NULL, NULL);

    snprintf(url, sizeof url, "%s/%s/no-such-key.h5", base, bucket);
    expect_clean_failure("missing key", url, cred, NULL, NULL);
    snprintf(url, sizeof url, "%s/no-such-bucket/zoo.h5", base);
    expect_clean_failure("missing bucket", url, cred, NULL, NULL);
    int port = closed_port();
    carve_check(port > 0, "a free loopback port for the server-down case (%d)", port);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/%s/zoo.h5", port, bucket);
    expect_clean_failure("server down", url, cred, NULL, NULL);
    expect_clean_failure("not a URL", "no-scheme-here/zoo.h5", cred, NULL, NULL);

    if (temp && temp->set) {
        expect_clean_failure("temporary credentials without their token", good, temp, NULL, NULL);
        expect_clean_failure("temporary credentials with a wrong token", good, temp, "wrong-token", NULL);
        for (via_t via = VIA_NATIVE; via <= VIA_CARVE; via++) {
            hid_t fapl = make_fapl(via, temp, token);
            hid_t file = fapl >= 0 ? H5Fopen(good, H5F_ACC_RDONLY, fapl) : H5I_INVALID_HID;
            carve_check(file >= 0 && served_by_carve(file) == (via == VIA_CARVE),
                        "%s: temporary credentials with their token (H5Pset_fapl_ros3_token) open the file",
                        via_name(via));
            if (file >= 0)
                H5Fclose(file);
            if (fapl >= 0)
                H5Pclose(fapl);
        }
    }

    /* After all of that, a good open through carve still works. */
    hid_t fapl = make_fapl(VIA_CARVE, cred, NULL);
    hid_t file = fapl >= 0 ? H5Fopen(good, H5F_ACC_RDONLY, fapl) : H5I_INVALID_HID;
    carve_check(file >= 0 && served_by_carve(file), "carve: a good open after the failures works");
    if (file >= 0) {
        hid_t   dset = H5Dopen2(file, "grid2d", H5P_DEFAULT);
        int32_t all[60][50];
        int     ok = dset >= 0 && H5Dread(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, all) >= 0;
        for (int i = 0; ok && i < 60; i++)
            for (int j = 0; ok && j < 50; j++)
                ok = all[i][j] == grid2d_value((hsize_t)i, (hsize_t)j);
        carve_check(ok, "carve: and reads all of /grid2d correctly");
        if (dset >= 0)
            H5Dclose(dset);
        H5Fclose(file);
    }
    if (fapl >= 0)
        H5Pclose(fapl);
}

/* ---------------------------------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr, "usage: carve_test_ros3 make-big <out.h5>\n"
                    "       carve_test_ros3 read <zoo-url> <big-url> [--cred r,id,secret] [--token T]\n"
                    "                            [--via both|native|carve] [--mode off|carve|replay]\n"
                    "       carve_test_ros3 errors <base-url> <bucket> --cred r,id,secret\n"
                    "                            [--temp-cred r,id,secret --token T]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "make-big") == 0)
        return argc == 3 ? make_big(argv[2]) : usage();

    int npos = strcmp(argv[1], "read") == 0 || strcmp(argv[1], "errors") == 0 ? 2 : -1;
    if (npos < 0 || argc < 2 + npos)
        return usage();
    cred_t      cred, temp;
    const char *token = NULL, *via = "both";
    memset(&cred, 0, sizeof cred);
    memset(&temp, 0, sizeof temp);
    for (int i = 2 + npos; i < argc; i++) {
        if (i + 1 >= argc)
            return usage();
        const char *opt = argv[i], *val = argv[++i];
        if (strcmp(opt, "--cred") == 0) {
            if (parse_cred(val, &cred) < 0)
                return usage();
        }
        else if (strcmp(opt, "--temp-cred") == 0) {
            if (parse_cred(val, &temp) < 0)
                return usage();
        }
        else if (strcmp(opt, "--token") == 0)
            token = val;
        else if (strcmp(opt, "--via") == 0)
            via = val;
        else if (strcmp(opt, "--mode") == 0) {
            if (strcmp(val, "off") == 0)
                carve_mode = CARVE_MODE_OFF;
            else if (strcmp(val, "carve") == 0)
                carve_mode = CARVE_MODE_CARVE;
            else if (strcmp(val, "replay") == 0)
                carve_mode = CARVE_MODE_REPLAY;
            else
                return usage();
        }
        else
            return usage();
    }

    if (strcmp(argv[1], "errors") == 0) {
        if (!cred.set)
            return usage();
        run_errors(argv[2], argv[3], &cred, &temp, token);
        return carve_check_finish();
    }

    int do_native = strcmp(via, "both") == 0 || strcmp(via, "native") == 0;
    int do_carve  = strcmp(via, "both") == 0 || strcmp(via, "carve") == 0;
    if (!do_native && !do_carve)
        return usage();
    printf("reading %s and %s over ROS3 (%s, carve mode %s)\n", argv[2], argv[3],
           cred.set ? "signed" : "anonymous", carve_mode_name(carve_mode));
    if (do_native)
        read_side(VIA_NATIVE, argv[2], argv[3], &cred, token);
    if (do_carve)
        read_side(VIA_CARVE, argv[2], argv[3], &cred, token);
    if (do_native && do_carve) {
        if (token)
            carve_check(token_on_file_fapl[VIA_NATIVE] == token_on_file_fapl[VIA_CARVE],
                        "carve = native: the open file's access list %s the token property",
                        token_on_file_fapl[VIA_NATIVE] ? "has" : "lacks");
        for (size_t s = 0; s <= N_SELECTIONS; s++) {
            const char *what = s < N_SELECTIONS ? selections[s].what : "root attribute int32_le";
            size_t      n    = read_counts[0][s];
            carve_check(n > 0 && n == read_counts[1][s] &&
                            memcmp(read_values[0][s], read_values[1][s], n * sizeof(int32_t)) == 0,
                        "carve = native: %s", what);
        }
    }
    return carve_check_finish();
}
