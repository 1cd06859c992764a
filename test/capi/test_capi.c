/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_capi.c — selecting carve from C, and the edge paths of the file interface through carve.
 *
 *   carve_test_capi select <work-dir> <plugin-dir>     (ctest: capi.select)
 *     H5Pset_fapl_carve(fapl, NULL), H5Pset_fapl_carve with an info struct, H5Pset_vol with
 *     carve_vol_register(): create, write, reopen read-only, read back, and check the file really is
 *     served by carve; H5Fis_accessible and H5Fdelete through carve; a failed open keeps HDF5's errno
 *     message on the error stack; a wrong info version is refused; H5Pget_vol_info round-trip;
 *     H5Literate/H5Ovisit see the same names as natively; a non-HDF5 file opened natively while HDF5
 *     probes the plugin directory fails cleanly.
 *
 *   carve_test_capi under_vol <work-dir> <plugin-dir>  (ctest: capi.under_vol)
 *     carve stacked over HDF5's pass-through connector over native, selected by HDF5_VOL_CONNECTOR
 *     (set here, before the library initialises) = "carve under_vol=1;under_info={under_vol=0;under_info={}}":
 *     round-trip a file; then the same stack built from C (carve_vol_info_t.under_vol_id).
 *
 * Prints one line per check and a closing "N passed, M failed"; exits non-zero on any failure.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include <H5VLpassthru.h>

#include "carve_check.h"
#include "carve_vol.h"

extern char **environ;

#define CAPI_ROWS 24
#define CAPI_COLS 36

static const char *capi_work_dir = ".";

/* <work-dir>/<name> into buf. */
static const char *
capi_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", capi_work_dir, name);
    return buf;
}

static int
capi_value(int row, int col)
{
    return row * 1000 + col * 7 - 11;
}

/* ---------------------------------------------------------------------------------------------- */
/* Which connector serves an object.                                                               */

/* 1 when the object's connector is carve (the name HDF5 reports for its connector ID). */
static int
capi_served_by_carve(hid_t obj_id)
{
    hid_t connector = H5VLget_connector_id(obj_id);
    if (connector < 0)
        return 0;
    char    name[64] = "";
    ssize_t len      = H5VLget_connector_name(obj_id, name, sizeof name);
    H5VLclose(connector);
    return len > 0 && strcmp(name, CARVE_VOL_NAME) == 0;
}

/* 1 when a connector ID (not an object ID) is carve's: same class as the connector registered as "carve". */
static int
capi_connector_is_carve(hid_t connector_id)
{
    hid_t carve_id;
    H5E_BEGIN_TRY
    {
        carve_id = H5VLget_connector_id_by_name(CARVE_VOL_NAME); /* fails when carve is not registered */
    }
    H5E_END_TRY
    if (carve_id < 0 || connector_id < 0)
        return 0;
    int cmp = -1;
    if (H5VLcmp_connector_cls(&cmp, connector_id, carve_id) < 0)
        cmp = -1;
    H5VLclose(carve_id);
    return cmp == 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Round trip: create, write, close, reopen read-only, read back.                                  */

static int
capi_write_file(const char *path, hid_t fapl, const char *what)
{
    int   ok   = 0;
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (file < 0) {
        carve_check(0, "%s: H5Fcreate(%s)", what, path);
        return 0;
    }
    carve_check(capi_served_by_carve(file), "%s: created file is served by carve", what);

    static int values[CAPI_ROWS][CAPI_COLS];
    for (int r = 0; r < CAPI_ROWS; r++)
        for (int c = 0; c < CAPI_COLS; c++)
            values[r][c] = capi_value(r, c);
    hsize_t dims[2] = {CAPI_ROWS, CAPI_COLS}, chunk[2] = {8, 12};
    hid_t   space = H5Screate_simple(2, dims, NULL);
    hid_t   dcpl  = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_deflate(dcpl, 1);
    hid_t group = H5Gcreate2(file, "group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t dset  = H5Dcreate2(group, "values", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (group >= 0 && dset >= 0 &&
        H5Dwrite(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0) {
        hid_t  scalar = H5Screate(H5S_SCALAR);
        hid_t  attr   = H5Acreate2(dset, "scale", H5T_IEEE_F64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
        double scale  = 2.5;
        ok            = attr >= 0 && H5Awrite(attr, H5T_NATIVE_DOUBLE, &scale) >= 0;
        if (attr >= 0)
            H5Aclose(attr);
        H5Sclose(scalar);
    }
    if (dset >= 0)
        H5Dclose(dset);
    if (group >= 0)
        H5Gclose(group);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (H5Fclose(file) < 0)
        ok = 0;
    carve_check(ok, "%s: wrote /group/values and its attribute", what);
    return ok;
}

static void
capi_read_file(const char *path, hid_t fapl, const char *what)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (file < 0) {
        carve_check(0, "%s: H5Fopen(%s, RDONLY)", what, path);
        return;
    }
    carve_check(capi_served_by_carve(file), "%s: reopened file is served by carve", what);

    static int values[CAPI_ROWS][CAPI_COLS];
    memset(values, 0, sizeof values);
    hid_t dset       = H5Dopen2(file, "/group/values", H5P_DEFAULT);
    int   read_ok    = dset >= 0 && H5Dread(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0;
    int   mismatches = 0;
    for (int r = 0; r < CAPI_ROWS; r++)
        for (int c = 0; c < CAPI_COLS; c++)
            if (values[r][c] != capi_value(r, c))
                mismatches++;
    carve_check(read_ok && mismatches == 0, "%s: read back %d values (%d mismatches)", what,
                CAPI_ROWS * CAPI_COLS, mismatches);
    if (dset >= 0) {
        carve_check(capi_served_by_carve(dset), "%s: dataset is served by carve", what);
        double scale   = 0;
        hid_t  attr    = H5Aopen(dset, "scale", H5P_DEFAULT);
        int    attr_ok = attr >= 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, &scale) >= 0;
        carve_check(attr_ok && scale == 2.5, "%s: attribute read back (%g)", what, scale);
        if (attr >= 0)
            H5Aclose(attr);
        H5Dclose(dset);
    }
    carve_check(H5Fclose(file) >= 0, "%s: H5Fclose", what);
}

static void
capi_round_trip(const char *name, hid_t fapl, const char *what)
{
    char path[4096];
    capi_path(path, sizeof path, name);
    if (capi_write_file(path, fapl, what))
        capi_read_file(path, fapl, what);
    /* The same file read natively must hold the same thing (carve is a pass-through today). */
    hid_t native = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_vol(native, H5VL_NATIVE, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, native);
    carve_check(file >= 0 && !capi_served_by_carve(file), "%s: file opens natively afterwards", what);
    if (file >= 0)
        H5Fclose(file);
    H5Pclose(native);
}

/* ---------------------------------------------------------------------------------------------- */
/* The three ways of selecting carve from C.                                                       */

static void
capi_test_fapl_null(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    carve_check(H5Pset_fapl_carve(fapl, NULL) >= 0, "H5Pset_fapl_carve(fapl, NULL)");
    capi_round_trip("select_null.h5", fapl, "fapl_carve(NULL)");
    H5Pclose(fapl);
}

static void
capi_test_fapl_info(void)
{
    carve_vol_info_t info;
    memset(&info, 0, sizeof info);
    info.version = CARVE_VOL_INFO_VERSION;
    info.mode    = CARVE_MODE_CARVE;
    hid_t fapl   = H5Pcreate(H5P_FILE_ACCESS);
    carve_check(H5Pset_fapl_carve(fapl, &info) >= 0, "H5Pset_fapl_carve(fapl, {mode=carve})");
    capi_round_trip("select_info.h5", fapl, "fapl_carve(info)");
    H5Pclose(fapl);
}

static void
capi_test_set_vol(void)
{
    hid_t carve_id = carve_vol_register();
    carve_check(carve_id >= 0, "carve_vol_register()");
    hid_t again = carve_vol_register();
    carve_check(again >= 0, "carve_vol_register() again (idempotent)");
    if (again >= 0)
        H5VLclose(again);
    if (carve_id < 0)
        return;
    carve_check(capi_connector_is_carve(carve_id),
                "carve_vol_register()'s ID is the connector named \"carve\"");
    carve_check(H5VLis_connector_registered_by_name(CARVE_VOL_NAME) > 0, "carve is registered by name");
    carve_check(H5VLis_connector_registered_by_value(CARVE_VOL_VALUE) > 0, "carve is registered by value %d",
                (int)CARVE_VOL_VALUE);

    carve_vol_info_t info;
    memset(&info, 0, sizeof info);
    info.version = CARVE_VOL_INFO_VERSION;
    info.mode    = CARVE_MODE_CARVE;
    hid_t fapl   = H5Pcreate(H5P_FILE_ACCESS);
    carve_check(H5Pset_vol(fapl, carve_id, &info) >= 0, "H5Pset_vol(fapl, carve_vol_register(), &info)");
    capi_round_trip("select_set_vol.h5", fapl, "H5Pset_vol");
    H5Pclose(fapl);
    H5VLclose(carve_id);
}

/* ---------------------------------------------------------------------------------------------- */
/* Info: a wrong version is refused; H5Pget_vol_info gives back what was set.                      */

static void
capi_test_info_version_and_round_trip(void)
{
    carve_vol_info_t info;
    memset(&info, 0, sizeof info);
    info.version = CARVE_VOL_INFO_VERSION + 41;
    info.mode    = CARVE_MODE_CARVE;
    hid_t  fapl  = H5Pcreate(H5P_FILE_ACCESS);
    herr_t status;
    H5E_BEGIN_TRY
    {
        status = H5Pset_fapl_carve(fapl, &info);
    }
    H5E_END_TRY
    carve_check(status < 0, "H5Pset_fapl_carve with info version %u is refused", info.version);
    /* "Cleanly": the property list is still usable afterwards. */
    carve_check(H5Pset_fapl_carve(fapl, NULL) >= 0, "the fapl is still usable after the refusal");
    H5Pclose(fapl);

    memset(&info, 0, sizeof info);
    info.version = CARVE_VOL_INFO_VERSION;
    info.mode    = CARVE_MODE_REPLAY;
    fapl         = H5Pcreate(H5P_FILE_ACCESS);
    carve_check(H5Pset_fapl_carve(fapl, &info) >= 0, "H5Pset_fapl_carve(fapl, {mode=replay})");
    hid_t vol_id = H5I_INVALID_HID;
    H5Pget_vol_id(fapl, &vol_id);
    carve_check(capi_connector_is_carve(vol_id), "H5Pget_vol_id gives carve");
    void *got = NULL;
    carve_check(H5Pget_vol_info(fapl, &got) >= 0 && got != NULL, "H5Pget_vol_info returns an info");
    if (got) {
        const carve_vol_info_t *back = got;
        carve_check(back->version == CARVE_VOL_INFO_VERSION && back->mode == CARVE_MODE_REPLAY,
                    "H5Pget_vol_info round-trip: version %u mode %s", back->version,
                    carve_mode_name(back->mode));
        H5VLfree_connector_info(vol_id, got);
    }
    if (vol_id >= 0)
        H5VLclose(vol_id);
    H5Pclose(fapl);
}

/* ---------------------------------------------------------------------------------------------- */
/* File operations that reach the connector without an object: is_accessible, delete; failed open. */

static void
capi_test_file_specifics(void)
{
    char path[4096], text[4096], missing[4096];
    capi_path(path, sizeof path, "specific.h5");
    capi_path(text, sizeof text, "not_hdf5.txt");
    capi_path(missing, sizeof missing, "no_such_file.h5");
    unlink(missing);

    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_carve(fapl, NULL);
    if (!capi_write_file(path, fapl, "specifics"))
        return;
    FILE *f = fopen(text, "w");
    if (f) {
        fputs("This is a text file, not HDF5.\n", f);
        fclose(f);
    }

    carve_check(H5Fis_accessible(path, fapl) > 0, "H5Fis_accessible(HDF5 file) through carve is true");
    htri_t text_accessible;
    H5E_BEGIN_TRY
    {
        text_accessible = H5Fis_accessible(text, fapl);
    }
    H5E_END_TRY
    carve_check(text_accessible == 0, "H5Fis_accessible(text file) through carve is false (%d)",
                (int)text_accessible);
    htri_t missing_native, missing_carve;
    H5E_BEGIN_TRY
    {
        missing_native = H5Fis_accessible(missing, H5P_DEFAULT);
        missing_carve  = H5Fis_accessible(missing, fapl);
    }
    H5E_END_TRY
    carve_check((missing_native > 0) == (missing_carve > 0) && missing_carve <= 0,
                "H5Fis_accessible(missing file) through carve as natively (native %d, carve %d)",
                (int)missing_native, (int)missing_carve);

    carve_check(H5Fdelete(path, fapl) >= 0, "H5Fdelete through carve");
    carve_check(access(path, F_OK) != 0 && errno == ENOENT, "the file is gone after H5Fdelete");
    H5Pclose(fapl);
}

/* Error-stack walk: remembers whether any description mentions errno. */
typedef struct capi_errno_search_t {
    int  found;
    int  entries;
    char first_match[256];
} capi_errno_search_t;

static herr_t
capi_errno_walk(unsigned n, const H5E_error2_t *err, void *data)
{
    capi_errno_search_t *search = data;
    (void)n;
    search->entries++;
    if (err->desc && (strstr(err->desc, "No such file or directory") || strstr(err->desc, "errno"))) {
        if (!search->found)
            snprintf(search->first_match, sizeof search->first_match, "%s", err->desc);
        search->found = 1;
    }
    return 0;
}

static capi_errno_search_t
capi_open_missing(const char *path, hid_t fapl)
{
    capi_errno_search_t search;
    memset(&search, 0, sizeof search);
    H5Eclear2(H5E_DEFAULT);
    hid_t file;
    H5E_BEGIN_TRY
    {
        file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    }
    H5E_END_TRY
    if (file >= 0) {
        H5Fclose(file);
        search.entries = -1;
        return search;
    }
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, capi_errno_walk, &search);
    return search;
}

static void
capi_test_open_missing(void)
{
    char missing[4096];
    capi_path(missing, sizeof missing, "no_such_file.h5");
    unlink(missing);

    capi_errno_search_t native = capi_open_missing(missing, H5P_DEFAULT);
    carve_check(native.entries > 0 && native.found,
                "native: opening a missing file fails with errno on the stack (%d entries; \"%s\")",
                native.entries, native.first_match);

    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_carve(fapl, NULL);
    capi_errno_search_t carve = capi_open_missing(missing, fapl);
    carve_check(carve.entries > 0, "carve: opening a missing file fails (%d error stack entries)",
                carve.entries);
    carve_check(carve.found, "carve: the error stack keeps HDF5's errno message (\"%s\")", carve.first_match);
    H5Pclose(fapl);
}

/* ---------------------------------------------------------------------------------------------- */
/* Iteration: H5Literate and H5Ovisit through carve see the same names as natively.               */

#define CAPI_MAX_NAMES 64

typedef struct capi_names_t {
    int  count;
    char names[CAPI_MAX_NAMES][64];
} capi_names_t;

static void
capi_names_add(capi_names_t *names, const char *name)
{
    if (names->count < CAPI_MAX_NAMES)
        snprintf(names->names[names->count++], sizeof names->names[0], "%s", name);
}

static herr_t
capi_literate_cb(hid_t group, const char *name, const H5L_info2_t *info, void *data)
{
    (void)group;
    (void)info;
    capi_names_add(data, name);
    return 0;
}

static herr_t
capi_ovisit_cb(hid_t obj, const char *name, const H5O_info2_t *info, void *data)
{
    (void)obj;
    char entry[64];
    snprintf(entry, sizeof entry, "%s:%d", name, (int)info->type);
    capi_names_add(data, entry);
    return 0;
}

static int
capi_names_equal(const capi_names_t *a, const capi_names_t *b)
{
    if (a->count != b->count)
        return 0;
    for (int i = 0; i < a->count; i++)
        if (strcmp(a->names[i], b->names[i]) != 0)
            return 0;
    return 1;
}

/* The names found by H5Literate2 (root, by name and by creation order) and H5Ovisit3 (whole file). */
static int
capi_collect_names(const char *path, hid_t fapl, capi_names_t *links, capi_names_t *by_order,
                   capi_names_t *objects)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (file < 0)
        return 0;
    hsize_t idx = 0;
    int     ok  = H5Literate2(file, H5_INDEX_NAME, H5_ITER_INC, &idx, capi_literate_cb, links) >= 0;
    idx         = 0;
    ok = ok && H5Literate_by_name2(file, "/ordered", H5_INDEX_CRT_ORDER, H5_ITER_DEC, &idx, capi_literate_cb,
                                   by_order, H5P_DEFAULT) >= 0;
    ok = ok && H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_INC, capi_ovisit_cb, objects, H5O_INFO_BASIC) >= 0;
    H5Fclose(file);
    return ok;
}

static void
capi_test_iteration(void)
{
    char path[4096];
    capi_path(path, sizeof path, "iterate.h5");
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) {
        carve_check(0, "iteration: create %s natively", path);
        return;
    }
    const char *groups[] = {"alpha", "beta", "gamma", "alpha/one", "alpha/two", "alpha/one/deep", "beta/x"};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        H5Gclose(H5Gcreate2(file, groups[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    hsize_t n     = 4;
    hid_t   space = H5Screate_simple(1, &n, NULL);
    H5Dclose(H5Dcreate2(file, "beta/data", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Dclose(H5Dcreate2(file, "top_data", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
    hid_t type = H5Tcopy(H5T_STD_U16BE);
    H5Tcommit2(file, "named_type", type, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Tclose(type);
    H5Lcreate_soft("/alpha/one", file, "soft", H5P_DEFAULT, H5P_DEFAULT);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t       ordered    = H5Gcreate2(file, "ordered", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    const char *children[] = {"zeta", "eta", "theta", "iota"};
    for (size_t i = 0; i < 4; i++)
        H5Gclose(H5Gcreate2(ordered, children[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(ordered);
    H5Pclose(gcpl);
    H5Fclose(file);

    static capi_names_t native_links, native_order, native_objects, carve_links, carve_order, carve_objects;
    carve_check(capi_collect_names(path, H5P_DEFAULT, &native_links, &native_order, &native_objects),
                "iteration natively");
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_carve(fapl, NULL);
    carve_check(capi_collect_names(path, fapl, &carve_links, &carve_order, &carve_objects),
                "iteration through carve");
    H5Pclose(fapl);

    carve_check(native_links.count > 0 && capi_names_equal(&native_links, &carve_links),
                "H5Literate2 over / visits the same %d names", native_links.count);
    carve_check(native_order.count == 4 && capi_names_equal(&native_order, &carve_order),
                "H5Literate_by_name2 by creation order visits the same %d names (first \"%s\")",
                native_order.count, native_order.count ? native_order.names[0] : "");
    carve_check(native_objects.count > 0 && capi_names_equal(&native_objects, &carve_objects),
                "H5Ovisit3 visits the same %d objects", native_objects.count);
    if (!capi_names_equal(&native_objects, &carve_objects))
        for (int i = 0; i < native_objects.count || i < carve_objects.count; i++)
            printf("      native %-28s carve %s\n", i < native_objects.count ? native_objects.names[i] : "-",
                   i < carve_objects.count ? carve_objects.names[i] : "-");
}

/* ---------------------------------------------------------------------------------------------- */
/* A text file opened natively, with carve in HDF5_PLUGIN_PATH: HDF5 asks every VOL plugin whether it
 * can open the file. That must fail cleanly (no crash, a negative ID). Runs first, before this program
 * registers carve itself, so the plugin is really found through the path. */

static void
capi_test_probe_text_file(void)
{
    char text[4096];
    capi_path(text, sizeof text, "probe.txt");
    FILE *f = fopen(text, "w");
    if (!f) {
        carve_check(0, "probe: write %s", text);
        return;
    }
    fputs("Not an HDF5 file.\nJust two lines.\n", f);
    fclose(f);

    carve_check(H5VLis_connector_registered_by_name(CARVE_VOL_NAME) == 0,
                "probe: carve is not registered before the probe");
    hid_t file;
    H5E_BEGIN_TRY
    {
        file = H5Fopen(text, H5F_ACC_RDONLY, H5P_DEFAULT);
    }
    H5E_END_TRY
    carve_check(file < 0, "probe: natively opening a text file fails cleanly (HDF5_PLUGIN_PATH=%s)",
                getenv("HDF5_PLUGIN_PATH") ? getenv("HDF5_PLUGIN_PATH") : "(unset)");
    if (file >= 0)
        H5Fclose(file);
    htri_t accessible;
    H5E_BEGIN_TRY
    {
        accessible = H5Fis_accessible(text, H5P_DEFAULT);
    }
    H5E_END_TRY
    carve_check(accessible == 0, "probe: H5Fis_accessible(text file) natively is false (%d)",
                (int)accessible);
    /* The library is still healthy. */
    char path[4096];
    capi_path(path, sizeof path, "after_probe.h5");
    hid_t after = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    carve_check(after >= 0 && H5Fclose(after) >= 0, "probe: native create works afterwards");
}

/* ---------------------------------------------------------------------------------------------- */
/* carve over pass-through over native, selected by HDF5_VOL_CONNECTOR.                            */

/* The same stack built from C: carve's info names the pass-through connector (registered by this
 * program), whose info names native. Independent of how carve resolves under_vol strings. */
static void
capi_test_under_vol_from_c(void)
{
    hid_t passthru = H5VL_pass_through_register();
    hid_t native   = H5VLget_connector_id_by_value(H5_VOL_NATIVE);
    carve_check(passthru >= 0 && native >= 0, "C stack: pass-through and native connector IDs");
    if (passthru < 0 || native < 0)
        return;
    H5VL_pass_through_info_t passthru_info = {native, NULL};
    carve_vol_info_t         info;
    memset(&info, 0, sizeof info);
    info.version        = CARVE_VOL_INFO_VERSION;
    info.mode           = CARVE_MODE_CARVE;
    info.under_vol_id   = passthru;
    info.under_vol_info = &passthru_info;
    hid_t fapl          = H5Pcreate(H5P_FILE_ACCESS);
    carve_check(H5Pset_fapl_carve(fapl, &info) >= 0,
                "C stack: H5Pset_fapl_carve(carve -> pass-through -> native)");
    capi_round_trip("under_vol_from_c.h5", fapl, "C stack carve over pass-through");
    H5Pclose(fapl);
    H5VLclose(native);
    H5VLclose(passthru);
}

static void
capi_test_under_vol(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS); /* the default VOL comes from HDF5_VOL_CONNECTOR */
    hid_t vol  = H5I_INVALID_HID;
    H5Pget_vol_id(fapl, &vol);
    carve_check(capi_connector_is_carve(vol), "the default fapl's connector is carve (HDF5_VOL_CONNECTOR=%s)",
                getenv("HDF5_VOL_CONNECTOR") ? getenv("HDF5_VOL_CONNECTOR") : "(unset)");
    int selected = capi_connector_is_carve(vol);
    if (vol >= 0)
        H5VLclose(vol);
    if (!selected) {
        printf("      (HDF5 did not accept HDF5_VOL_CONNECTOR: see the HDF5 error stack above; "
               "the environment round trip is skipped)\n");
        H5Pclose(fapl);
        return;
    }
    carve_check(H5VLis_connector_registered_by_value(H5VL_PASSTHRU_VALUE) > 0,
                "HDF5's pass-through connector (value %d) is registered", (int)H5VL_PASSTHRU_VALUE);
    capi_round_trip("under_vol.h5", fapl, "carve over pass-through");
    capi_round_trip("under_vol_default.h5", H5P_DEFAULT, "carve over pass-through (H5P_DEFAULT)");
    H5Pclose(fapl);
}

/* ---------------------------------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "select") != 0 && strcmp(argv[1], "under_vol") != 0)) {
        fprintf(stderr, "usage: carve_test_capi select|under_vol <work-dir> <plugin-dir>\n");
        return 2;
    }
    capi_work_dir = argv[2];

    /* HDF5 reads these at initialisation: set them before the first HDF5 call. */
    setenv("HDF5_PLUGIN_PATH", argv[3], 1);
    for (char **env = environ; *env;) {
        if (strncmp(*env, "CARVE_", 6) == 0) {
            char   key[256];
            size_t len = strcspn(*env, "=");
            snprintf(key, sizeof key, "%.*s", (int)len, *env);
            unsetenv(key);
            env = environ; /* unsetenv may have moved entries */
        }
        else
            env++;
    }
    if (strcmp(argv[1], "select") == 0)
        unsetenv("HDF5_VOL_CONNECTOR");
    else
        setenv("HDF5_VOL_CONNECTOR", "carve under_vol=1;under_info={under_vol=0;under_info={}}", 1);

    if (strcmp(argv[1], "select") == 0) {
        capi_test_probe_text_file();
        capi_test_fapl_null();
        capi_test_fapl_info();
        capi_test_set_vol();
        capi_test_info_version_and_round_trip();
        capi_test_file_specifics();
        capi_test_open_missing();
        capi_test_iteration();
    }
    else {
        capi_test_under_vol();
        capi_test_under_vol_from_c();
    }

    if (H5close() < 0)
        carve_check(0, "H5close");
    return carve_check_finish();
}
