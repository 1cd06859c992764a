/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_skeleton.c — unit tests of carve_skeleton (connector/core/carve_skeleton.c): the metadata
 * skeleton of the zoo (test/common/make_zoo.c) and of a second file written here ("extras": netCDF-4
 * style nested references, fill values of vlen and reference types, attribute references, references
 * into another file, a committed datatype on an attribute, a user-defined link), built into containers
 * and compared with h5dump; storage, order, cycles, rebuilding, the external links recorded, a touched-only
 * skeleton, attribute creation order across the build's two passes, and carve_skeleton_copy_elements.
 *
 * Usage: test_skeleton <carve_make_zoo> <h5dump>   (or CARVE_MAKE_ZOO / CARVE_H5DUMP in the environment,
 * which is how test_skeleton.cmake passes them). Without h5dump the dump comparisons are skipped.
 * CARVE_KEEP_TEST_FILES=1 keeps the temporary directory (files and dumps) for a look.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "carve_error.h"
#include "carve_skeleton.h"
#include "unit_test.h"

/* The programs the tests run (from the command line or the environment). */
static const char *make_zoo_g; /* carve_make_zoo */
static const char *h5dump_g;   /* NULL: the dump comparisons are skipped */

/* ------------------------------------------------------------------------------------------------------ */
/* Files and commands                                                                                      */
/* ------------------------------------------------------------------------------------------------------ */

static void
path_in(char *buf, size_t size, const unit_t *t, const char *sub, const char *name)
{
    snprintf(buf, size, "%s/%s%s%s", t->dir, sub, name ? "/" : "", name ? name : "");
}

static bool
copy_file(const char *from, const char *to)
{
    FILE  *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char   buf[65536];
    size_t n;
    bool   ok = in && out;

    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok;
}

/* h5dump -A -p of sub/name (run inside sub, so the file is named alike in every dump) into out. */
static bool
dump_file(const unit_t *t, const char *sub, const char *name, const char *out)
{
    char command[2048];
    char dir[1024];

    path_in(dir, sizeof dir, t, sub, NULL);
    snprintf(command, sizeof command, "cd '%s' && '%s' -A -p '%s' > '%s' 2>&1", dir, h5dump_g, name, out);
    return system(command) == 0;
}

/* h5dump 1.14.5 prints an old object reference nested in a compound, array or vlen value as
 * `DATASET <number> "/path"` where the number is a memory address of h5dump's own (it changes from run to
 * run on the same file): the number is replaced by '#'. The target's path stays and is compared. */
static void
normalize_nested_reference_numbers(char *line)
{
    static const char *const kinds[] = {"DATASET ", "GROUP ", "DATATYPE "};

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char *at = line;
        while ((at = strstr(at, kinds[k])) != NULL) {
            char *digits = at + strlen(kinds[k]);
            char *end    = digits;
            while (*end >= '0' && *end <= '9')
                end++;
            if (end > digits && end[0] == ' ' && end[1] == '"') {
                *digits = '#';
                memmove(digits + 1, end, strlen(end) + 1);
            }
            at = digits;
        }
    }
}

/* Compares two h5dump outputs line by line. The first line ("HDF5 "<file>" {") is skipped. With
 * skip_storage, the SIZE and OFFSET lines inside STORAGE_LAYOUT blocks are skipped too: they describe
 * allocated raw data (bytes stored, compression ratio, file address), and a skeleton allocates none.
 * Nothing else is filtered: types, dataspaces, layouts, filters, fill values and attribute values
 * (references print their target's path) must be identical. */
static bool
dumps_equal(const char *a_path, const char *b_path, bool skip_storage, size_t *lines_compared)
{
    FILE  *files[2] = {fopen(a_path, "r"), fopen(b_path, "r")};
    char   line[2][4096];
    size_t number[2]    = {0, 0};
    int    in_layout[2] = {0, 0};
    bool   equal        = files[0] && files[1];
    bool   more[2];

    *lines_compared = 0;
    while (equal) {
        for (int f = 0; f < 2; f++) {
            for (;;) {
                const char *text;
                more[f] = fgets(line[f], sizeof line[f], files[f]) != NULL;
                if (!more[f])
                    break;
                number[f]++;
                if (number[f] == 1)
                    continue;
                for (text = line[f]; *text == ' '; text++)
                    ;
                if (strncmp(text, "STORAGE_LAYOUT {", 16) == 0)
                    in_layout[f] = 1; /* brace depth inside the block */
                else if (in_layout[f] && text[0] == '}')
                    in_layout[f]--;
                else if (in_layout[f] && strlen(text) >= 2 && strcmp(text + strlen(text) - 2, "{\n") == 0)
                    in_layout[f]++;
                else if (skip_storage && in_layout[f] == 1 &&
                         (strncmp(text, "SIZE ", 5) == 0 || strncmp(text, "OFFSET ", 7) == 0))
                    continue;
                normalize_nested_reference_numbers(line[f]);
                break;
            }
        }
        if (!more[0] || !more[1]) {
            equal = !more[0] && !more[1];
            if (!equal)
                printf("  dumps differ in length: %s ends at line %zu, %s at line %zu\n", a_path, number[0],
                       b_path, number[1]);
            break;
        }
        if (strcmp(line[0], line[1]) != 0) {
            printf("  dumps differ: %s:%zu: %s  %s:%zu: %s", a_path, number[0], line[0], b_path, number[1],
                   line[1]);
            equal = false;
        }
        (*lines_compared)++;
    }
    for (int f = 0; f < 2; f++)
        if (files[f])
            fclose(files[f]);
    return equal;
}

/* Builds the skeleton of origin into container (created with the origin's fcpl when create, else opened
 * read-write). Returns the build's status; an error stack is printed. */
static herr_t
build_into(const char *origin_path, const char *container_path, bool create,
           const carve_skeleton_options_t *opts, carve_skeleton_t *skel)
{
    hid_t  origin = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t  fcpl = H5I_INVALID_HID, container = H5I_INVALID_HID;
    herr_t status = -1;

    if (origin < 0)
        goto done;
    if (create) {
        if ((fcpl = H5Fget_create_plist(origin)) < 0)
            goto done;
        container = H5Fcreate(container_path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    }
    else
        container = H5Fopen(container_path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (container < 0)
        goto done;
    status = carve_skeleton_build(origin, container, opts, skel);
    if (status < 0) {
        printf("  build of %s into %s failed:\n", origin_path, container_path);
        H5Eprint2(H5E_DEFAULT, stdout);
    }
done:
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (container >= 0 && H5Fclose(container) < 0)
        status = -1;
    if (origin >= 0)
        H5Fclose(origin);
    return status;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Object helpers                                                                                          */
/* ------------------------------------------------------------------------------------------------------ */

static bool
token_at(hid_t file, const char *path, H5O_token_t *token)
{
    H5O_info2_t info;

    if (H5Oget_info_by_name3(file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        return false;
    *token = info.token;
    return true;
}

static bool
tokens_equal(const H5O_token_t *a, const H5O_token_t *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* The name an open object is known by ("" when anonymous, "?" on failure). */
static void
object_name(hid_t object, char *buf, size_t size)
{
    if (H5Iget_name(object, buf, size) < 0)
        snprintf(buf, size, "?");
}

/* The path an old object reference of file points at ("" for a null reference). */
static void
old_ref_target(hid_t file, const hobj_ref_t *ref, char *buf, size_t size)
{
    hid_t object;

    buf[0] = '\0';
    if (*ref == 0)
        return;
    if ((object = H5Rdereference2(file, H5P_DEFAULT, H5R_OBJECT, ref)) < 0) {
        snprintf(buf, size, "?");
        return;
    }
    object_name(object, buf, size);
    H5Oclose(object);
}

/* The path a new reference points at ("" for a null reference). */
static void
new_ref_target(const H5R_ref_t *ref, char *buf, size_t size)
{
    static const H5R_ref_t zero;
    hid_t                  object;

    buf[0] = '\0';
    if (memcmp(ref, &zero, sizeof zero) == 0)
        return;
    if ((object = H5Ropen_object((H5R_ref_t *)ref, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
        snprintf(buf, size, "?");
        return;
    }
    object_name(object, buf, size);
    H5Oclose(object);
}

static herr_t
collect_link_name(hid_t group, const char *name, const H5L_info2_t *info, void *op_data)
{
    char *list = op_data;

    (void)group;
    (void)info;
    strncat(list, name, 4095 - strlen(list));
    strncat(list, ",", 4095 - strlen(list));
    return 0;
}

static herr_t
collect_attr_name(hid_t location, const char *name, const H5A_info_t *info, void *op_data)
{
    (void)info;
    return collect_link_name(location, name, NULL, op_data);
}

/* The link and attribute names of file:path in creation order, comma-separated. */
static bool
creation_order_names(hid_t file, const char *path, char *links, char *attrs)
{
    hid_t   group = H5Gopen2(file, path, H5P_DEFAULT);
    hsize_t idx   = 0;
    bool    ok    = group >= 0;

    links[0] = attrs[0] = '\0';
    ok  = ok && H5Literate2(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_link_name, links) >= 0;
    idx = 0;
    ok  = ok && H5Aiterate2(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attr_name, attrs) >= 0;
    if (group >= 0)
        H5Gclose(group);
    return ok;
}

typedef struct storage_check_t {
    unit_t *t;
    size_t  datasets;
    size_t  compact;
    size_t  bad;
} storage_check_t;

/* Every dataset of a skeleton holds no raw data: storage size 0. Compact datasets are the exception: their
 * raw data lives in the object header and HDF5 allocates it (filled with the fill value) at creation, so
 * their storage size is exactly the dataset's size. */
static herr_t
check_dataset_storage(hid_t file, const char *name, const H5O_info2_t *info, void *op_data)
{
    storage_check_t *check = op_data;
    hid_t            dset, dcpl, space, type;
    hsize_t          storage;
    hssize_t         points;
    H5D_layout_t     layout;

    if (info->type != H5O_TYPE_DATASET)
        return 0;
    check->datasets++;
    dset    = H5Dopen2(file, name, H5P_DEFAULT);
    dcpl    = H5Dget_create_plist(dset);
    space   = H5Dget_space(dset);
    type    = H5Dget_type(dset);
    layout  = H5Pget_layout(dcpl);
    storage = H5Dget_storage_size(dset);
    points  = H5Sget_simple_extent_npoints(space);
    if (layout == H5D_COMPACT) {
        check->compact++;
        if (storage != (hsize_t)points * H5Tget_size(type)) {
            printf("  compact dataset %s: storage %llu bytes\n", name, (unsigned long long)storage);
            check->bad++;
        }
    }
    else if (storage != 0) {
        printf("  dataset %s: storage %llu bytes, expected none\n", name, (unsigned long long)storage);
        check->bad++;
    }
    H5Tclose(type);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Dclose(dset);
    return 0;
}

typedef struct skel_summary_t {
    size_t entries;
    size_t created;
    size_t groups, datasets, types;
    size_t bad_paths;
} skel_summary_t;

static skel_summary_t
summarize(const carve_skeleton_t *skel)
{
    skel_summary_t s = {0};

    for (size_t i = 0; i < skel->by_origin.capacity; i++) {
        const carve_skeleton_object_t *object;
        if (!skel->by_origin.used[i])
            continue;
        object = skel->by_origin.values[i];
        s.entries++;
        s.created += object->created ? 1 : 0;
        s.groups += object->type == H5O_TYPE_GROUP;
        s.datasets += object->type == H5O_TYPE_DATASET;
        s.types += object->type == H5O_TYPE_NAMED_DATATYPE;
        if (!object->path || object->path[0] != '/' ||
            !tokens_equal(&object->origin_token, &skel->by_origin.keys[i]))
            s.bad_paths++;
    }
    return s;
}

/* Whether the skeleton recorded the external link path -> file:object exactly once. */
static bool
recorded_elink(const carve_skeleton_t *skel, const char *path, const char *file, const char *object)
{
    size_t found = 0;

    for (size_t i = 0; i < skel->nelinks; i++)
        if (strcmp(skel->elinks[i].path, path) == 0)
            found += strcmp(skel->elinks[i].file, file) == 0 && strcmp(skel->elinks[i].object, object) == 0
                         ? 1
                         : 2;
    return found == 1;
}

static herr_t
count_object(hid_t object, const char *name, const H5O_info2_t *info, void *op_data)
{
    (void)object;
    (void)name;
    (void)info;
    (*(size_t *)op_data)++;
    return 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The extras file                                                                                         */
/* ------------------------------------------------------------------------------------------------------ */

/* A user-defined link class (no traversal: the links are only listed and copied). */
#define TEST_UD_LINK_CLASS ((H5L_type_t)187)

static hid_t
test_ud_traverse(const char *link_name, hid_t cur_group, const void *lnkdata, size_t lnkdata_size,
                 hid_t lapl_id, hid_t dxpl_id)
{
    (void)link_name;
    (void)cur_group;
    (void)lnkdata;
    (void)lnkdata_size;
    (void)lapl_id;
    (void)dxpl_id;
    return H5I_INVALID_HID; /* leads nowhere */
}

/* The query callback is what gives H5Lget_info2 and H5Lget_val a user-defined link's value: without one,
 * HDF5 reports a size of 0 and no bytes, and nobody (carve included) can copy the value. */
static ssize_t
test_ud_query(const char *link_name, const void *lnkdata, size_t lnkdata_size, void *buf, size_t buf_size)
{
    (void)link_name;
    if (buf)
        memcpy(buf, lnkdata, lnkdata_size < buf_size ? lnkdata_size : buf_size);
    return (ssize_t)lnkdata_size;
}

static const H5L_class_t test_ud_class = {
    H5L_LINK_CLASS_T_VERS, TEST_UD_LINK_CLASS, "carve test link", NULL, NULL, NULL, test_ud_traverse, NULL,
    test_ud_query,
};

typedef struct reference_list_t {
    hobj_ref_t dataset;
    int32_t    dimension;
} reference_list_t;

/* extras.h5: netCDF-4 style dimension scales (DIMENSION_LIST: vlen of object references on the variable,
 * REFERENCE_LIST: compound {reference, index} on each scale), references in arrays, new-style attribute
 * and region references, a reference into another file, fill values of vlen and reference types (the
 * reference's target comes later in the walk), raw data in an external file, a committed datatype used
 * by an attribute and by a dataset that comes before it, a dense group tracking (not indexing) link
 * creation order, UTF-8 link names and a user-defined link. */
static bool
write_extras(const char *path, const char *other_path)
{
    hid_t   file = -1, other = -1, space = -1, scalar = -1, vstr = -1, dcpl = -1, gcpl = -1, lcpl = -1;
    hid_t   type = -1, attr = -1, dset = -1, group = -1;
    hsize_t two = 2, three = 3, four = 4;
    bool    ok = true;

#define EXTRAS(expr)                                                                                         \
    do {                                                                                                     \
        if (ok && (expr) < 0) {                                                                              \
            printf("  extras: %s failed (line %d)\n", #expr, __LINE__);                                      \
            ok = false;                                                                                      \
        }                                                                                                    \
    } while (0)

    EXTRAS(other = H5Fcreate(other_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    EXTRAS(space = H5Screate_simple(1, &four, NULL));
    EXTRAS(dset = H5Dcreate2(other, "far", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Dclose(dset);
    H5Sclose(space);

    EXTRAS(file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    EXTRAS(scalar = H5Screate(H5S_SCALAR));

    /* Dimension scales /x (3) and /y (4), a variable /var (3x4). */
    {
        hsize_t dims[2] = {3, 4};
        hid_t   x = -1, y = -1, var = -1, vspace = -1;
        EXTRAS(space = H5Screate_simple(1, &three, NULL));
        EXTRAS(x = H5Dcreate2(file, "x", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Sclose(space);
        EXTRAS(space = H5Screate_simple(1, &four, NULL));
        EXTRAS(y = H5Dcreate2(file, "y", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Sclose(space);
        EXTRAS(vspace = H5Screate_simple(2, dims, NULL));
        EXTRAS(var = H5Dcreate2(file, "var", H5T_IEEE_F32LE, vspace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Sclose(vspace);

        /* DIMENSION_LIST on /var: vlen of object references, one sequence per dimension. */
        hobj_ref_t refs[2];
        hvl_t      lists[2];
        EXTRAS(H5Rcreate(&refs[0], file, "/x", H5R_OBJECT, -1));
        EXTRAS(H5Rcreate(&refs[1], file, "/y", H5R_OBJECT, -1));
        lists[0].len = 1;
        lists[0].p   = &refs[0];
        lists[1].len = 1;
        lists[1].p   = &refs[1];
        EXTRAS(type = H5Tvlen_create(H5T_STD_REF_OBJ));
        EXTRAS(space = H5Screate_simple(1, &two, NULL));
        EXTRAS(attr = H5Acreate2(var, "DIMENSION_LIST", type, space, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(H5Awrite(attr, type, lists));
        H5Aclose(attr);
        H5Sclose(space);
        H5Tclose(type);

        /* REFERENCE_LIST on each scale: compound {dataset reference, dimension index}. */
        reference_list_t entry;
        EXTRAS(type = H5Tcreate(H5T_COMPOUND, sizeof entry));
        EXTRAS(H5Tinsert(type, "dataset", HOFFSET(reference_list_t, dataset), H5T_STD_REF_OBJ));
        EXTRAS(H5Tinsert(type, "dimension", HOFFSET(reference_list_t, dimension), H5T_NATIVE_INT32));
        EXTRAS(H5Rcreate(&entry.dataset, file, "/var", H5R_OBJECT, -1));
        hsize_t one = 1;
        EXTRAS(space = H5Screate_simple(1, &one, NULL));
        for (int d = 0; d < 2; d++) {
            entry.dimension = d;
            EXTRAS(attr =
                       H5Acreate2(d == 0 ? x : y, "REFERENCE_LIST", type, space, H5P_DEFAULT, H5P_DEFAULT));
            EXTRAS(H5Awrite(attr, type, &entry));
            H5Aclose(attr);
        }
        H5Sclose(space);
        H5Tclose(type);

        /* An array of old object references, one null. */
        hobj_ref_t array_refs[3] = {0, 0, 0};
        EXTRAS(H5Rcreate(&array_refs[0], file, "/var", H5R_OBJECT, -1));
        EXTRAS(H5Rcreate(&array_refs[2], file, "/", H5R_OBJECT, -1));
        EXTRAS(type = H5Tarray_create2(H5T_STD_REF_OBJ, 1, &three));
        EXTRAS(attr = H5Acreate2(x, "array_of_refs", type, scalar, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(H5Awrite(attr, type, array_refs));
        H5Aclose(attr);
        H5Tclose(type);

        /* New-style references: to an attribute, to a region, and a null one; and in a dataset (h5dump
         * -A does not print it), references into another file, which the container holds as null ones. */
        H5R_ref_t new_refs[4];
        hid_t     region = -1;
        hsize_t   start = 1, count = 2;
        memset(new_refs, 0, sizeof new_refs);
        EXTRAS(H5Rcreate_attr(file, "/x", "REFERENCE_LIST", H5P_DEFAULT, &new_refs[0]));
        EXTRAS(region = H5Dget_space(y));
        EXTRAS(H5Sselect_hyperslab(region, H5S_SELECT_SET, &start, NULL, &count, NULL));
        EXTRAS(H5Rcreate_region(file, "/y", region, H5P_DEFAULT, &new_refs[1]));
        H5Sclose(region);
        EXTRAS(space = H5Screate_simple(1, &three, NULL));
        EXTRAS(attr = H5Acreate2(var, "new_refs", H5T_STD_REF, space, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(H5Awrite(attr, H5T_STD_REF, new_refs));
        H5Aclose(attr);
        H5Sclose(space);
        for (int i = 0; i < 2; i++)
            H5Rdestroy(&new_refs[i]);
        EXTRAS(H5Rcreate_object(other, "/far", H5P_DEFAULT, &new_refs[0]));
        EXTRAS(H5Rcreate_object(file, "/x", H5P_DEFAULT, &new_refs[1]));
        EXTRAS(space = H5Screate_simple(1, &two, NULL));
        EXTRAS(dset =
                   H5Dcreate2(file, "far_refs", H5T_STD_REF, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(H5Dwrite(dset, H5T_STD_REF, H5S_ALL, H5S_ALL, H5P_DEFAULT, new_refs));
        H5Dclose(dset);
        H5Sclose(space);
        for (int i = 0; i < 2; i++)
            H5Rdestroy(&new_refs[i]);

        /* A dataset of vlen sequences of new object references (for copy_elements). */
        H5R_ref_t seq[3];
        hvl_t     seqs[2];
        EXTRAS(H5Rcreate_object(file, "/x", H5P_DEFAULT, &seq[0]));
        EXTRAS(H5Rcreate_object(file, "/y", H5P_DEFAULT, &seq[1]));
        EXTRAS(H5Rcreate_object(file, "/var", H5P_DEFAULT, &seq[2]));
        seqs[0].len = 2;
        seqs[0].p   = &seq[0];
        seqs[1].len = 1;
        seqs[1].p   = &seq[2];
        EXTRAS(type = H5Tvlen_create(H5T_STD_REF));
        EXTRAS(space = H5Screate_simple(1, &two, NULL));
        EXTRAS(dset = H5Dcreate2(file, "vlen_new_refs", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, seqs));
        H5Dclose(dset);
        H5Sclose(space);
        H5Tclose(type);
        for (int i = 0; i < 3; i++)
            H5Rdestroy(&seq[i]);

        /* Fill values: a vlen string and an old object reference (to /x), datasets never written. */
        const char *fill_text = "fill me";
        EXTRAS(vstr = H5Tcopy(H5T_C_S1));
        EXTRAS(H5Tset_size(vstr, H5T_VARIABLE));
        EXTRAS(dcpl = H5Pcreate(H5P_DATASET_CREATE));
        EXTRAS(H5Pset_fill_value(dcpl, vstr, &fill_text));
        EXTRAS(space = H5Screate_simple(1, &three, NULL));
        EXTRAS(dset = H5Dcreate2(file, "vlen_fill", vstr, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Dclose(dset);
        H5Pclose(dcpl);
        hobj_ref_t fill_ref;
        EXTRAS(H5Rcreate(&fill_ref, file, "/x", H5R_OBJECT, -1));
        EXTRAS(dcpl = H5Pcreate(H5P_DATASET_CREATE));
        EXTRAS(H5Pset_fill_value(dcpl, H5T_STD_REF_OBJ, &fill_ref));
        EXTRAS(dset = H5Dcreate2(file, "ref_fill", H5T_STD_REF_OBJ, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Dclose(dset);
        H5Pclose(dcpl);
        H5Sclose(space);

        /* Raw data in an external file (never written: the file need not exist). */
        EXTRAS(dcpl = H5Pcreate(H5P_DATASET_CREATE));
        EXTRAS(H5Pset_external(dcpl, "extras_raw.bin", 16, 12));
        EXTRAS(space = H5Screate_simple(1, &three, NULL));
        EXTRAS(dset = H5Dcreate2(file, "external_raw", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Dclose(dset);
        H5Sclose(space);
        H5Pclose(dcpl);

        H5Dclose(var);
        H5Dclose(y);
        H5Dclose(x);
    }

    /* A committed type /z_committed used by /a_dataset (walked first) and by an attribute of the root. */
    {
        int32_t value = 77;
        EXTRAS(type = H5Tcopy(H5T_STD_I32BE));
        EXTRAS(H5Tcommit2(file, "z_committed", type, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(dset = H5Dcreate2(file, "a_dataset", type, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Dclose(dset);
        EXTRAS(attr = H5Acreate2(file, "committed_attr", type, scalar, H5P_DEFAULT, H5P_DEFAULT));
        EXTRAS(H5Awrite(attr, H5T_NATIVE_INT32, &value));
        H5Aclose(attr);
        H5Tclose(type);
    }

    /* A dense group that tracks link creation order without indexing it; UTF-8 link names. */
    {
        EXTRAS(gcpl = H5Pcreate(H5P_GROUP_CREATE));
        EXTRAS(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED));
        EXTRAS(H5Pset_link_phase_change(gcpl, 0, 0));
        EXTRAS(group = H5Gcreate2(file, "tracked", H5P_DEFAULT, gcpl, H5P_DEFAULT));
        EXTRAS(lcpl = H5Pcreate(H5P_LINK_CREATE));
        EXTRAS(H5Pset_char_encoding(lcpl, H5T_CSET_UTF8));
        for (int i = 5; i >= 0; i--) {
            char  name[32];
            hid_t child = -1;
            snprintf(name, sizeof name, "k%d", i);
            EXTRAS(child = H5Gcreate2(group, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            H5Gclose(child);
        }
        EXTRAS(H5Lcreate_soft("/x", group, "soft \xe2\x86\x92 x", lcpl, H5P_DEFAULT));
        EXTRAS(H5Lcreate_external("zoo_ext.h5", "/ext_data", group, "ext \xc3\xa9", lcpl, H5P_DEFAULT));
        EXTRAS(H5Lcreate_ud(group, "user_defined", TEST_UD_LINK_CLASS, "opaque udata", 13, H5P_DEFAULT,
                            H5P_DEFAULT));
        H5Gclose(group);
        H5Pclose(lcpl);
        H5Pclose(gcpl);
    }

    if (vstr >= 0)
        H5Tclose(vstr);
    if (scalar >= 0)
        H5Sclose(scalar);
    if (file >= 0 && H5Fclose(file) < 0)
        ok = false;
    if (other >= 0 && H5Fclose(other) < 0)
        ok = false;
    return ok;
#undef EXTRAS
}

/* ------------------------------------------------------------------------------------------------------ */
/* Tests                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

static void
test_needs_rewrite(unit_t *t)
{
    hid_t   vstr = H5Tcopy(H5T_C_S1), fixed = H5Tcopy(H5T_C_S1), compound, array, vlen, ref_compound;
    hsize_t two = 2;

    H5Tset_size(vstr, H5T_VARIABLE);
    H5Tset_size(fixed, 12);
    compound = H5Tcreate(H5T_COMPOUND, 16);
    H5Tinsert(compound, "a", 0, H5T_NATIVE_INT);
    H5Tinsert(compound, "s", 4, fixed);
    array        = H5Tarray_create2(vstr, 1, &two);
    vlen         = H5Tvlen_create(H5T_NATIVE_INT);
    ref_compound = H5Tcreate(H5T_COMPOUND, 8 + sizeof(hobj_ref_t));
    H5Tinsert(ref_compound, "i", 0, H5T_NATIVE_INT);
    H5Tinsert(ref_compound, "r", 8, H5T_STD_REF_OBJ);

    CHECK(t, carve_skeleton_type_needs_rewrite(H5T_NATIVE_INT) == 0);
    CHECK(t, carve_skeleton_type_needs_rewrite(H5T_IEEE_F64BE) == 0);
    CHECK(t, carve_skeleton_type_needs_rewrite(fixed) == 0);
    CHECK(t, carve_skeleton_type_needs_rewrite(compound) == 0);
    CHECK(t, carve_skeleton_type_needs_rewrite(vstr) == 1);
    CHECK(t, carve_skeleton_type_needs_rewrite(array) == 1);
    CHECK(t, carve_skeleton_type_needs_rewrite(vlen) == 1);
    CHECK(t, carve_skeleton_type_needs_rewrite(ref_compound) == 1);
    CHECK(t, carve_skeleton_type_needs_rewrite(H5T_STD_REF) == 1);
    CHECK(t, carve_skeleton_type_needs_rewrite(H5T_STD_REF_DSETREG) == 1);
    CHECK_NO_ERROR(t);
    H5Tclose(ref_compound);
    H5Tclose(vlen);
    H5Tclose(array);
    H5Tclose(compound);
    H5Tclose(fixed);
    H5Tclose(vstr);
}

/* The native connector's token for an object starts with its address, which is an old object
 * reference's value (on this little-endian build). The skeleton does not rely on it (it dereferences),
 * but the VOL side may: record it. */
static void
test_token_is_address(unit_t *t, const char *origin_path)
{
    hid_t       file = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hobj_ref_t  ref  = 0;
    H5O_token_t token;
    uint64_t    address = 0;

    CHECK(t, H5Rcreate(&ref, file, "/grid2d", H5R_OBJECT, -1) >= 0);
    CHECK(t, token_at(file, "/grid2d", &token));
    for (int i = 0; i < 8; i++)
        address |= (uint64_t)token.__data[i] << (8 * i);
    CHECK(t, address == (uint64_t)ref);
    H5Fclose(file);
}

static void
test_zoo(unit_t *t)
{
    char                     origin_path[512], container_path[512], ext_from[512], ext_to[512], command[1200];
    char                     dump_origin[512], dump_container[512], dump_again[512];
    carve_skeleton_t         skel, again;
    skel_summary_t           first, second;
    size_t                   origin_objects = 0, lines;
    hid_t                    origin, container;
    H5O_token_t              g1_origin, g1_container, back_container;
    carve_skeleton_object_t *entry;

    path_in(origin_path, sizeof origin_path, t, "origin", "zoo.h5");
    path_in(container_path, sizeof container_path, t, "container", "zoo.h5");
    path_in(ext_from, sizeof ext_from, t, "origin", "zoo_ext.h5");
    path_in(ext_to, sizeof ext_to, t, "container", "zoo_ext.h5");
    snprintf(command, sizeof command, "'%s' '%s' > /dev/null", make_zoo_g, origin_path);
    if (!CHECK(t, system(command) == 0))
        return;
    /* h5dump follows the zoo's external links: the container's directory gets the same target file. */
    CHECK(t, copy_file(ext_from, ext_to));
    test_token_is_address(t, origin_path);

    /* First build, into a new container. */
    carve_skeleton_init(&skel);
    CHECK(t, build_into(origin_path, container_path, true, NULL, &skel) >= 0);
    CHECK_NO_ERROR(t);
    first  = summarize(&skel);
    origin = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    H5Ovisit3(origin, H5_INDEX_NAME, H5_ITER_INC, count_object, &origin_objects, H5O_INFO_BASIC);
    CHECK(t, origin_objects > 80);
    CHECK(t, first.entries == origin_objects);     /* every object once, aliases and cycles included */
    CHECK(t, first.created == origin_objects - 1); /* all but the root */
    CHECK(t, first.types == 2);
    CHECK(t, first.bad_paths == 0);
    CHECK(t, token_at(origin, "/groups/g1", &g1_origin));
    entry = carve_skeleton_find(&skel, &g1_origin);
    CHECK(t,
          entry && entry->type == H5O_TYPE_GROUP && entry->created && strcmp(entry->path, "/groups/g1") == 0);
    {
        H5O_token_t committed;
        CHECK(t, token_at(origin, "/types/compound_t", &committed));
        entry = carve_skeleton_find(&skel, &committed);
        /* /data/committed_typed is walked first: the type was committed anonymously, then linked. */
        CHECK(t, entry && entry->type == H5O_TYPE_NAMED_DATATYPE &&
                     strcmp(entry->path, "/types/compound_t") == 0);
    }
    /* The external links created, with their targets as the links store them. */
    CHECK(t, skel.nelinks == 2);
    CHECK(t, recorded_elink(&skel, "/links/external_data", "zoo_ext.h5", "/ext_data"));
    CHECK(t, recorded_elink(&skel, "/links/external_group", "zoo_ext.h5", "/ext_group"));

    container = H5Fopen(container_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(t, container >= 0);

    /* The cycle: back_to_g1 is a hard link to the one container group /groups/g1. */
    {
        H5L_info2_t link;
        CHECK(t, H5Lget_info2(container, "/groups/g1/g1a/back_to_g1", &link, H5P_DEFAULT) >= 0 &&
                     link.type == H5L_TYPE_HARD);
        CHECK(t, token_at(container, "/groups/g1", &g1_container));
        CHECK(t, token_at(container, "/groups/g1/g1a/back_to_g1", &back_container));
        CHECK(t, tokens_equal(&g1_container, &back_container));
        entry = carve_skeleton_find(&skel, &g1_origin);
        CHECK(t, entry && tokens_equal(&entry->container_token, &g1_container));
    }

    /* Creation order: links and attributes of /groups/ordered iterate alike (created in reverse name order,
     * so this order is not the name order). */
    {
        static char links_o[4096], attrs_o[4096], links_c[4096], attrs_c[4096];
        CHECK(t, creation_order_names(origin, "/groups/ordered", links_o, attrs_o));
        CHECK(t, creation_order_names(container, "/groups/ordered", links_c, attrs_c));
        CHECK(t, strncmp(links_o, "child_11,child_10,", 18) == 0);
        CHECK(t, strncmp(attrs_o, "attr_11,attr_10,", 16) == 0);
        CHECK(t, strcmp(links_o, links_c) == 0);
        CHECK(t, strcmp(attrs_o, attrs_c) == 0);
    }

    /* No raw data. */
    {
        storage_check_t check = {.t = t};
        H5Ovisit3(container, H5_INDEX_NAME, H5_ITER_INC, check_dataset_storage, &check, H5O_INFO_BASIC);
        CHECK(t, check.datasets == first.datasets);
        CHECK(t, check.compact == 1);
        CHECK(t, check.bad == 0);
    }
    H5Fclose(container);

    /* h5dump prints the data of a dataset an attribute's reference points at (the root's references to
     * /grid2d): give the container /grid2d's values, through copy_elements, so that nothing needs
     * filtering there. */
    {
        hid_t od = H5Dopen2(origin, "/grid2d", H5P_DEFAULT), space = H5Dget_space(od), cd;
        container = H5Fopen(container_path, H5F_ACC_RDWR, H5P_DEFAULT);
        cd        = H5Dopen2(container, "/grid2d", H5P_DEFAULT);
        CHECK(t, carve_skeleton_copy_elements(&skel, origin, container, od, cd, space) >= 0);
        CHECK_NO_ERROR(t);
        H5Dclose(cd);
        H5Fclose(container);
        H5Sclose(space);
        H5Dclose(od);
    }
    H5Fclose(origin);

    /* h5dump: headers, properties and attribute values identical. */
    path_in(dump_origin, sizeof dump_origin, t, "zoo.origin.dump", NULL);
    path_in(dump_container, sizeof dump_container, t, "zoo.container.dump", NULL);
    path_in(dump_again, sizeof dump_again, t, "zoo.again.dump", NULL);
    if (h5dump_g) {
        CHECK(t, dump_file(t, "origin", "zoo.h5", dump_origin));
        CHECK(t, dump_file(t, "container", "zoo.h5", dump_container));
        CHECK(t, dumps_equal(dump_origin, dump_container, true, &lines));
        CHECK(t, lines > 3000);
    }

    /* Second build over the same container: everything is found, nothing is created. */
    carve_skeleton_init(&again);
    CHECK(t, build_into(origin_path, container_path, false, NULL, &again) >= 0);
    CHECK_NO_ERROR(t);
    second = summarize(&again);
    CHECK(t, second.entries == first.entries);
    CHECK(t, second.created == 0);
    /* External links found in the container are recorded like created ones. */
    CHECK(t, again.nelinks == 2);
    CHECK(t, recorded_elink(&again, "/links/external_data", "zoo_ext.h5", "/ext_data"));
    CHECK(t, recorded_elink(&again, "/links/external_group", "zoo_ext.h5", "/ext_group"));
    entry = carve_skeleton_find(&again, &g1_origin);
    CHECK(t, entry && tokens_equal(&entry->container_token, &g1_container));
    if (h5dump_g) {
        CHECK(t, dump_file(t, "container", "zoo.h5", dump_again));
        CHECK(t, dumps_equal(dump_container, dump_again, false, &lines));
    }
    carve_skeleton_clear(&again);
    carve_skeleton_clear(&skel);
}

/* ------------------------------------------------------------------------------------------------------ */
/* copy_elements                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct copy_ctx_t {
    unit_t                 *t;
    const carve_skeleton_t *skel;
    hid_t                   origin;
    hid_t                   container;
} copy_ctx_t;

/* Copies the elements of path that points (NULL: all) selects; returns the number of elements. */
static hssize_t
copy_selection(copy_ctx_t *c, const char *path, const hsize_t *points, size_t npoints)
{
    hid_t    od = H5Dopen2(c->origin, path, H5P_DEFAULT), cd = H5Dopen2(c->container, path, H5P_DEFAULT);
    hid_t    space = H5Dget_space(od);
    herr_t   status;
    hssize_t n;

    if (points)
        H5Sselect_elements(space, H5S_SELECT_SET, npoints, points);
    else
        H5Sselect_all(space);
    n      = H5Sget_select_npoints(space);
    status = carve_skeleton_copy_elements(c->skel, c->origin, c->container, od, cd, space);
    if (!CHECK(c->t, status >= 0)) {
        printf("  copy_elements of %s failed:\n", path);
        H5Eprint2(H5E_DEFAULT, stdout);
    }
    CHECK_NO_ERROR(c->t);
    H5Sclose(space);
    H5Dclose(cd);
    H5Dclose(od);
    return n;
}

/* Reads all of dataset path as `type` from the origin into o and from the container into k. */
static void
read_both_at(copy_ctx_t *c, const char *path, hid_t type, void *o, void *k, const char *file, int line)
{
    hid_t od = H5Dopen2(c->origin, path, H5P_DEFAULT), cd = H5Dopen2(c->container, path, H5P_DEFAULT);

    unit_check_at(c->t, H5Dread(od, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, o) >= 0,
                  "the origin's dataset is read", file, line);
    unit_check_at(c->t, H5Dread(cd, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, k) >= 0,
                  "the container's dataset is read", file, line);
    H5Dclose(cd);
    H5Dclose(od);
}

#define READ_BOTH(c, path, type, o, k) read_both_at((c), (path), (type), (o), (k), __FILE__, __LINE__)

static void
test_copy_elements(unit_t *t)
{
    char             origin_path[512], container_path[512];
    carve_skeleton_t skel;
    copy_ctx_t       c    = {.t = t};
    hid_t            vstr = H5Tcopy(H5T_C_S1);

    H5Tset_size(vstr, H5T_VARIABLE);
    path_in(origin_path, sizeof origin_path, t, "origin", "zoo.h5");
    path_in(container_path, sizeof container_path, t, "container", "zoo.h5");
    carve_skeleton_init(&skel);
    /* The map of the existing container (found, not created). */
    CHECK(t, build_into(origin_path, container_path, false, NULL, &skel) >= 0);
    c.skel      = &skel;
    c.origin    = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    c.container = H5Fopen(container_path, H5F_ACC_RDWR, H5P_DEFAULT);

    /* Variable-length strings: elements 2 and 0 of 3. */
    {
        hsize_t points[2] = {2, 0};
        char   *o[3] = {NULL}, *k[3] = {NULL};
        CHECK(t, copy_selection(&c, "/typed/string_vlen_ascii", points, 2) == 2);
        READ_BOTH(&c, "/typed/string_vlen_ascii", vstr, o, k);
        CHECK(t, o[0] && k[0] && strcmp(o[0], "variable") == 0 && strcmp(k[0], o[0]) == 0);
        CHECK(t, o[2] && k[2] && strcmp(k[2], o[2]) == 0);
        CHECK(t, k[1] == NULL || k[1][0] == '\0'); /* not selected: never written */
        hsize_t three = 3;
        hid_t   mem   = H5Screate_simple(1, &three, NULL);
        H5Treclaim(vstr, mem, H5P_DEFAULT, o);
        H5Treclaim(vstr, mem, H5P_DEFAULT, k);
        H5Sclose(mem);
    }

    /* Old object references: they point at the same paths, through container addresses. */
    {
        hobj_ref_t o[2], k[2];
        char       on[256], kn[256];
        CHECK(t, copy_selection(&c, "/typed/ref_object_old", NULL, 0) == 2);
        READ_BOTH(&c, "/typed/ref_object_old", H5T_STD_REF_OBJ, o, k);
        for (int i = 0; i < 2; i++) {
            old_ref_target(c.origin, &o[i], on, sizeof on);
            old_ref_target(c.container, &k[i], kn, sizeof kn);
            CHECK(t, on[0] == '/' && strcmp(on, kn) == 0);
        }
        CHECK(t, strcmp(kn, "/groups/g1") == 0);
    }

    /* New object references (to a dataset, a group and the committed datatype). */
    {
        H5R_ref_t o[3], k[3];
        char      on[256], kn[256];
        hsize_t   three = 3;
        hid_t     mem   = H5Screate_simple(1, &three, NULL);
        CHECK(t, copy_selection(&c, "/typed/ref_object_new", NULL, 0) == 3);
        READ_BOTH(&c, "/typed/ref_object_new", H5T_STD_REF, o, k);
        for (int i = 0; i < 3; i++) {
            new_ref_target(&o[i], on, sizeof on);
            new_ref_target(&k[i], kn, sizeof kn);
            CHECK(t, on[0] == '/' && strcmp(on, kn) == 0);
            CHECK(t, H5Rget_type(&k[i]) == H5R_OBJECT2);
        }
        CHECK(t, strcmp(kn, "/types/compound_t") == 0);
        H5Treclaim(H5T_STD_REF, mem, H5P_DEFAULT, o);
        H5Treclaim(H5T_STD_REF, mem, H5P_DEFAULT, k);
        H5Sclose(mem);
    }

    /* Region references, old and new: same dataset, same selection. */
    {
        hdset_reg_ref_t o[2], k[2];
        H5R_ref_t       no[2], nk[2];
        hsize_t         two = 2;
        hid_t           mem = H5Screate_simple(1, &two, NULL);
        CHECK(t, copy_selection(&c, "/typed/ref_region_old", NULL, 0) == 2);
        CHECK(t, copy_selection(&c, "/typed/ref_region_new", NULL, 0) == 2);
        READ_BOTH(&c, "/typed/ref_region_old", H5T_STD_REF_DSETREG, o, k);
        READ_BOTH(&c, "/typed/ref_region_new", H5T_STD_REF, no, nk);
        for (int i = 0; i < 2; i++) {
            hid_t   ros    = H5Rget_region(c.origin, H5R_DATASET_REGION, &o[i]);
            hid_t   rcs    = H5Rget_region(c.container, H5R_DATASET_REGION, &k[i]);
            hid_t   nos    = H5Ropen_region(&no[i], H5P_DEFAULT, H5P_DEFAULT);
            hid_t   ncs    = H5Ropen_region(&nk[i], H5P_DEFAULT, H5P_DEFAULT);
            hid_t   target = H5Rdereference2(c.container, H5P_DEFAULT, H5R_DATASET_REGION, &k[i]);
            hsize_t lo[4][2], hi[4][2];
            char    name[256];
            CHECK(t, ros >= 0 && rcs >= 0 && nos >= 0 && ncs >= 0 && target >= 0);
            object_name(target, name, sizeof name);
            CHECK(t, strcmp(name, "/grid2d") == 0);
            H5Sget_select_bounds(ros, lo[0], hi[0]);
            H5Sget_select_bounds(rcs, lo[1], hi[1]);
            H5Sget_select_bounds(nos, lo[2], hi[2]);
            H5Sget_select_bounds(ncs, lo[3], hi[3]);
            CHECK(t, H5Sget_select_npoints(ros) == H5Sget_select_npoints(rcs));
            CHECK(t, H5Sget_select_npoints(nos) == H5Sget_select_npoints(ncs));
            CHECK(t, H5Sget_select_type(ros) == H5Sget_select_type(rcs));
            CHECK(t, memcmp(lo[0], lo[1], sizeof lo[0]) == 0 && memcmp(hi[0], hi[1], sizeof hi[0]) == 0);
            CHECK(t, memcmp(lo[2], lo[3], sizeof lo[2]) == 0 && memcmp(hi[2], hi[3], sizeof hi[2]) == 0);
            new_ref_target(&nk[i], name, sizeof name);
            CHECK(t, strcmp(name, "/grid2d") == 0);
            H5Oclose(target);
            H5Sclose(ros);
            H5Sclose(rcs);
            H5Sclose(nos);
            H5Sclose(ncs);
        }
        H5Treclaim(H5T_STD_REF, mem, H5P_DEFAULT, no);
        H5Treclaim(H5T_STD_REF, mem, H5P_DEFAULT, nk);
        H5Sclose(mem);
    }

    /* Compound: element 1 only; 0 and 2 stay fill (zeros). Also the committed-type dataset. */
    {
        hsize_t        point = 1;
        hid_t          od, type;
        unsigned char *o, *k, *zero;
        size_t         size;
        CHECK(t, copy_selection(&c, "/typed/compound", &point, 1) == 1);
        od   = H5Dopen2(c.origin, "/typed/compound", H5P_DEFAULT);
        type = H5Dget_type(od);
        H5Dclose(od);
        size = H5Tget_size(type);
        o    = calloc(3, size);
        k    = calloc(3, size);
        zero = calloc(1, size);
        READ_BOTH(&c, "/typed/compound", type, o, k);
        CHECK(t, memcmp(o + size, k + size, size) == 0);
        CHECK(t, memcmp(zero, k, size) == 0 && memcmp(zero, k + 2 * size, size) == 0);
        CHECK(t, memcmp(zero, o + size, size) != 0);
        free(zero);
        free(k);
        free(o);
        H5Tclose(type);

        CHECK(t, copy_selection(&c, "/data/committed_typed", NULL, 0) == 5);
        CHECK(t, copy_selection(&c, "/typed/vlen_int", NULL, 0) == 3);
        CHECK(t, copy_selection(&c, "/data/null_space", NULL, 0) == 0);
        CHECK(t, copy_selection(&c, "/data/scalar", NULL, 0) == 1);
    }
    H5Fclose(c.container);
    H5Fclose(c.origin);

    /* Whole datasets copied: h5dump -d shows the same values. */
    if (h5dump_g) {
        static const char *const names[] = {"/typed/ref_object_old", "/typed/ref_object_new",
                                            "/typed/ref_region_old", "/typed/ref_region_new",
                                            "/typed/vlen_int",       "/data/committed_typed",
                                            "/data/scalar"};
        static const char *const subs[2] = {"origin", "container"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            char   command[2048], dump[2][512], dir[512], name[32];
            size_t lines;
            for (int f = 0; f < 2; f++) {
                snprintf(name, sizeof name, "data.%s.dump", subs[f]);
                path_in(dump[f], sizeof dump[f], t, name, NULL);
                path_in(dir, sizeof dir, t, subs[f], NULL);
                snprintf(command, sizeof command, "cd '%s' && '%s' -d '%s' zoo.h5 > '%s' 2>&1", dir, h5dump_g,
                         names[i], dump[f]);
                CHECK(t, system(command) == 0);
            }
            if (!CHECK(t, dumps_equal(dump[0], dump[1], false, &lines)))
                printf("  (dataset %s)\n", names[i]);
        }
    }
    carve_skeleton_clear(&skel);
    H5Tclose(vstr);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Extras                                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

static void
test_extras(unit_t *t)
{
    char             origin_path[512], container_path[512], other_path[512], a[512], b[512];
    carve_skeleton_t skel;
    hid_t            origin, container;
    size_t           lines;

    path_in(origin_path, sizeof origin_path, t, "origin", "extras.h5");
    path_in(container_path, sizeof container_path, t, "container", "extras.h5");
    path_in(other_path, sizeof other_path, t, "other.h5", NULL);
    if (!CHECK(t, H5Lregister(&test_ud_class) >= 0) || !CHECK(t, write_extras(origin_path, other_path)))
        return;
    carve_skeleton_init(&skel);
    CHECK(t, build_into(origin_path, container_path, true, NULL, &skel) >= 0);
    CHECK_NO_ERROR(t);
    /* A UTF-8 link name, in a group walked in creation order. */
    CHECK(t, skel.nelinks == 1 && recorded_elink(&skel, "/tracked/ext \xc3\xa9", "zoo_ext.h5", "/ext_data"));
    if (h5dump_g) {
        path_in(a, sizeof a, t, "extras.origin.dump", NULL);
        path_in(b, sizeof b, t, "extras.container.dump", NULL);
        CHECK(t, dump_file(t, "origin", "extras.h5", a));
        CHECK(t, dump_file(t, "container", "extras.h5", b));
        CHECK(t, dumps_equal(a, b, true, &lines));
        CHECK(t, lines > 100);
    }

    origin    = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    container = H5Fopen(container_path, H5F_ACC_RDONLY, H5P_DEFAULT);

    /* DIMENSION_LIST: vlen sequences of old references to /x and /y, through container addresses. */
    {
        hid_t       var  = H5Dopen2(container, "/var", H5P_DEFAULT);
        hid_t       attr = H5Aopen(var, "DIMENSION_LIST", H5P_DEFAULT);
        hid_t       type = H5Tvlen_create(H5T_STD_REF_OBJ), space = H5Aget_space(attr);
        hvl_t       lists[2];
        char        name[256];
        H5O_token_t x_token;
        CHECK(t, H5Aread(attr, type, lists) >= 0);
        CHECK(t, lists[0].len == 1 && lists[1].len == 1);
        old_ref_target(container, lists[0].p, name, sizeof name);
        CHECK(t, strcmp(name, "/x") == 0);
        old_ref_target(container, lists[1].p, name, sizeof name);
        CHECK(t, strcmp(name, "/y") == 0);
        /* The value is the container's address of /x, not the origin's. */
        CHECK(t, token_at(container, "/x", &x_token));
        CHECK(t, memcmp(lists[0].p, &x_token, sizeof(hobj_ref_t)) == 0);
        H5Treclaim(type, space, H5P_DEFAULT, lists);
        H5Sclose(space);
        H5Tclose(type);
        H5Aclose(attr);
        H5Dclose(var);
    }

    /* REFERENCE_LIST on /y: {reference to /var, 1}. */
    {
        hid_t            y    = H5Dopen2(container, "/y", H5P_DEFAULT);
        hid_t            attr = H5Aopen(y, "REFERENCE_LIST", H5P_DEFAULT);
        hid_t            type = H5Tcreate(H5T_COMPOUND, sizeof(reference_list_t));
        reference_list_t entry;
        char             name[256];
        H5Tinsert(type, "dataset", HOFFSET(reference_list_t, dataset), H5T_STD_REF_OBJ);
        H5Tinsert(type, "dimension", HOFFSET(reference_list_t, dimension), H5T_NATIVE_INT32);
        CHECK(t, H5Aread(attr, type, &entry) >= 0);
        old_ref_target(container, &entry.dataset, name, sizeof name);
        CHECK(t, strcmp(name, "/var") == 0 && entry.dimension == 1);
        H5Tclose(type);
        H5Aclose(attr);
        H5Dclose(y);
    }

    /* New references: an attribute reference, a region, a null one. */
    {
        hid_t                  var  = H5Dopen2(container, "/var", H5P_DEFAULT);
        hid_t                  attr = H5Aopen(var, "new_refs", H5P_DEFAULT), space = H5Aget_space(attr);
        H5R_ref_t              refs[3];
        char                   name[512];
        static const H5R_ref_t zero;
        CHECK(t, H5Aread(attr, H5T_STD_REF, refs) >= 0);
        CHECK(t, H5Rget_type(&refs[0]) == H5R_ATTR);
        CHECK(t, H5Rget_attr_name(&refs[0], name, sizeof name) > 0 && strcmp(name, "REFERENCE_LIST") == 0);
        new_ref_target(&refs[0], name, sizeof name);
        CHECK(t, strcmp(name, "/x") == 0);
        {
            hid_t ref_attr = H5Ropen_attr(&refs[0], H5P_DEFAULT, H5P_DEFAULT);
            CHECK(t, ref_attr >= 0);
            if (ref_attr >= 0)
                H5Aclose(ref_attr);
        }
        CHECK(t, H5Rget_type(&refs[1]) == H5R_DATASET_REGION2);
        new_ref_target(&refs[1], name, sizeof name);
        CHECK(t, strcmp(name, "/y") == 0);
        CHECK(t, memcmp(&refs[2], &zero, sizeof zero) == 0);
        H5Treclaim(H5T_STD_REF, space, H5P_DEFAULT, refs);
        H5Sclose(space);
        H5Aclose(attr);
        H5Dclose(var);
    }

    /* Fill values: the vlen string, and the old reference rewritten to the container's /x. */
    {
        hid_t      vstr = H5Tcopy(H5T_C_S1), dset = H5Dopen2(container, "/vlen_fill", H5P_DEFAULT);
        char      *values[3] = {NULL, NULL, NULL};
        hobj_ref_t refs[3];
        char       name[256];
        hsize_t    three = 3;
        hid_t      mem   = H5Screate_simple(1, &three, NULL);
        H5Tset_size(vstr, H5T_VARIABLE);
        CHECK(t, H5Dread(dset, vstr, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
        CHECK(t, values[2] && strcmp(values[2], "fill me") == 0);
        H5Treclaim(vstr, mem, H5P_DEFAULT, values);
        H5Dclose(dset);
        dset = H5Dopen2(container, "/ref_fill", H5P_DEFAULT);
        CHECK(t, H5Dread(dset, H5T_STD_REF_OBJ, H5S_ALL, H5S_ALL, H5P_DEFAULT, refs) >= 0);
        old_ref_target(container, &refs[1], name, sizeof name);
        CHECK(t, strcmp(name, "/x") == 0);
        H5Dclose(dset);
        H5Sclose(mem);
        H5Tclose(vstr);
    }

    /* The committed type: one object in the container, used by /a_dataset and by the root's attribute. */
    {
        H5O_token_t committed, dataset_type, attr_type;
        hid_t       dset = H5Dopen2(container, "/a_dataset", H5P_DEFAULT), dtype = H5Dget_type(dset);
        hid_t       attr = H5Aopen(container, "committed_attr", H5P_DEFAULT), atype = H5Aget_type(attr);
        H5O_info2_t info;
        int32_t     value = 0;
        CHECK(t, token_at(container, "/z_committed", &committed));
        CHECK(t, H5Tcommitted(dtype) > 0 && H5Oget_info3(dtype, &info, H5O_INFO_BASIC) >= 0);
        dataset_type = info.token;
        CHECK(t, H5Tcommitted(atype) > 0 && H5Oget_info3(atype, &info, H5O_INFO_BASIC) >= 0);
        attr_type = info.token;
        CHECK(t, tokens_equal(&committed, &dataset_type) && tokens_equal(&committed, &attr_type));
        CHECK(t, H5Aread(attr, H5T_NATIVE_INT32, &value) >= 0 && value == 77);
        H5Tclose(atype);
        H5Aclose(attr);
        H5Tclose(dtype);
        H5Dclose(dset);
    }

    /* Tracked (not indexed) creation order, and the user-defined link. */
    {
        static char links_o[4096], attrs_o[4096], links_c[4096], attrs_c[4096];
        H5L_info2_t link;
        char        value[32];
        CHECK(t, creation_order_names(origin, "/tracked", links_o, attrs_o));
        CHECK(t, creation_order_names(container, "/tracked", links_c, attrs_c));
        CHECK(t, strncmp(links_o, "k5,k4,", 6) == 0);
        CHECK(t, strcmp(links_o, links_c) == 0);
        CHECK(t, H5Lget_info2(container, "/tracked/user_defined", &link, H5P_DEFAULT) >= 0 &&
                     link.type == TEST_UD_LINK_CLASS && link.u.val_size == 13);
        CHECK(t, H5Lget_val(container, "/tracked/user_defined", value, sizeof value, H5P_DEFAULT) >= 0 &&
                     strcmp(value, "opaque udata") == 0);
        CHECK(t, H5Lget_info2(container, "/tracked/soft \xe2\x86\x92 x", &link, H5P_DEFAULT) >= 0 &&
                     link.type == H5L_TYPE_SOFT && link.cset == H5T_CSET_UTF8);
    }

    /* copy_elements on vlen sequences of new references. */
    H5Fclose(container);
    container = H5Fopen(container_path, H5F_ACC_RDWR, H5P_DEFAULT);
    {
        copy_ctx_t c    = {.t = t, .skel = &skel, .origin = origin, .container = container};
        hid_t      type = H5Tvlen_create(H5T_STD_REF), dset;
        hvl_t      seqs[2];
        hsize_t    two = 2;
        hid_t      mem = H5Screate_simple(1, &two, NULL);
        char       name[256];
        CHECK(t, copy_selection(&c, "/vlen_new_refs", NULL, 0) == 2);
        dset = H5Dopen2(container, "/vlen_new_refs", H5P_DEFAULT);
        CHECK(t, H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, seqs) >= 0);
        CHECK(t, seqs[0].len == 2 && seqs[1].len == 1);
        new_ref_target(&((H5R_ref_t *)seqs[0].p)[1], name, sizeof name);
        CHECK(t, strcmp(name, "/y") == 0);
        new_ref_target(seqs[1].p, name, sizeof name);
        CHECK(t, strcmp(name, "/var") == 0);
        H5Treclaim(type, mem, H5P_DEFAULT, seqs);
        H5Sclose(mem);
        H5Dclose(dset);
        H5Tclose(type);
    }
    /* copy_elements on a reference into another file (null in the container) and one into the origin. */
    {
        copy_ctx_t             c = {.t = t, .skel = &skel, .origin = origin, .container = container};
        H5R_ref_t              refs[2];
        hsize_t                two = 2;
        hid_t                  mem = H5Screate_simple(1, &two, NULL), dset;
        char                   name[256];
        static const H5R_ref_t zero;
        CHECK(t, copy_selection(&c, "/far_refs", NULL, 0) == 2);
        dset = H5Dopen2(container, "/far_refs", H5P_DEFAULT);
        CHECK(t, H5Dread(dset, H5T_STD_REF, H5S_ALL, H5S_ALL, H5P_DEFAULT, refs) >= 0);
        CHECK(t, memcmp(&refs[0], &zero, sizeof zero) == 0);
        new_ref_target(&refs[1], name, sizeof name);
        CHECK(t, strcmp(name, "/x") == 0);
        H5Treclaim(H5T_STD_REF, mem, H5P_DEFAULT, refs);
        H5Sclose(mem);
        H5Dclose(dset);
    }
    H5Fclose(container);
    H5Fclose(origin);
    carve_skeleton_clear(&skel);
}

/* ------------------------------------------------------------------------------------------------------ */
/* A touched-only skeleton                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct include_list_t {
    const char *const *paths;
    size_t             count;
    unsigned           calls;
} include_list_t;

static int
include_listed(void *udata, const H5O_token_t *token, H5O_type_t type, const char *path)
{
    include_list_t *list = udata;

    (void)token;
    (void)type;
    list->calls++;
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->paths[i], path) == 0)
            return 1;
    return 0;
}

/* Chunked datasets get another chunk shape through the dcpl callback. */
static hid_t
dcpl_rechunk(void *udata, const H5O_token_t *token, const char *path, hid_t dset, hid_t origin_dcpl)
{
    hid_t   dcpl;
    hsize_t chunk[1] = {50};

    (void)token;
    (void)dset;
    (*(unsigned *)udata)++;
    if (strcmp(path, "/data/contiguous") != 0)
        return H5P_DEFAULT;
    dcpl = H5Pcopy(origin_dcpl);
    H5Pset_chunk(dcpl, 1, chunk);
    return dcpl;
}

static void
test_touched_only(unit_t *t)
{
    static const char *const included[] = {"/groups/g1/g1a/deep/deeper/leaf", "/data/committed_typed",
                                           "/data/contiguous", "/groups/g1"};
    include_list_t           list       = {included, sizeof included / sizeof included[0], 0};
    unsigned                 dcpl_calls = 0;
    carve_skeleton_options_t opts       = {include_listed, &list, dcpl_rechunk, &dcpl_calls};
    char                     origin_path[512], container_path[512];
    carve_skeleton_t         skel;
    skel_summary_t           s;
    hid_t                    container;
    H5O_token_t              token;

    path_in(origin_path, sizeof origin_path, t, "origin", "zoo.h5");
    path_in(container_path, sizeof container_path, t, "touched", "zoo.h5");
    carve_skeleton_init(&skel);
    CHECK(t, build_into(origin_path, container_path, true, &opts, &skel) >= 0);
    CHECK_NO_ERROR(t);
    s = summarize(&skel);
    CHECK(t, list.calls > 80); /* asked once per object but the root */
    CHECK(t, dcpl_calls == 3); /* the three datasets created */

    container = H5Fopen(container_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(t, H5Lexists(container, "/groups", H5P_DEFAULT) > 0);
    CHECK(t, H5Lexists(container, "/groups/g1/g1a/deep/deeper/leaf", H5P_DEFAULT) > 0);
    CHECK(t, H5Lexists(container, "/groups/g1/g1b", H5P_DEFAULT) == 0);
    CHECK(t, H5Lexists(container, "/groups/g2", H5P_DEFAULT) == 0);
    CHECK(t, H5Lexists(container, "/grid2d", H5P_DEFAULT) == 0);
    CHECK(t, H5Lexists(container, "/links", H5P_DEFAULT) == 0);
    CHECK(t, H5Lexists(container, "/types", H5P_DEFAULT) == 0);
    CHECK(t, H5Lexists(container, "/data/committed_typed", H5P_DEFAULT) > 0);
    CHECK(t, H5Lexists(container, "/data/compact", H5P_DEFAULT) == 0);
    /* The cycle's link is made: its parent and its target are both in. */
    CHECK(t, H5Lexists(container, "/groups/g1/g1a/back_to_g1", H5P_DEFAULT) > 0);
    /* Groups created on the way keep their attributes. */
    CHECK(t, H5Aexists_by_name(container, "/groups", "note", H5P_DEFAULT) > 0);
    CHECK(t, H5Aexists_by_name(container, "/groups/g1/g1a", "counts", H5P_DEFAULT) > 0);
    /* 7 groups (root, groups, g1, g1a, deep, deeper, data), 3 datasets, the anonymous committed type. */
    CHECK(t, s.groups == 7 && s.datasets == 3 && s.types == 1);
    CHECK(t, skel.nelinks == 0); /* /links, which holds the external links, is left out */
    {
        hid_t dset = H5Dopen2(container, "/data/committed_typed", H5P_DEFAULT), type = H5Dget_type(dset);
        hid_t origin = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
        carve_skeleton_object_t *entry;
        CHECK(t, H5Tcommitted(type) > 0);
        CHECK(t, token_at(origin, "/types/compound_t", &token));
        entry = carve_skeleton_find(&skel, &token);
        CHECK(t, entry && entry->type == H5O_TYPE_NAMED_DATATYPE && entry->path[0] == '\0' && entry->created);
        CHECK(t, token_at(origin, "/grid2d", &token));
        CHECK(t, carve_skeleton_find(&skel, &token) == NULL);
        H5Fclose(origin);
        H5Tclose(type);
        H5Dclose(dset);
    }
    /* The dcpl callback's list was used. */
    {
        hid_t   dset = H5Dopen2(container, "/data/contiguous", H5P_DEFAULT), dcpl = H5Dget_create_plist(dset);
        hsize_t chunk = 0;
        CHECK(t, H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 1, &chunk) == 1 && chunk == 50);
        H5Pclose(dcpl);
        H5Dclose(dset);
    }
    /* Root attributes refer to left-out objects: null references; to included ones: rewritten. */
    {
        hobj_ref_t             old[2];
        H5R_ref_t              refs[3];
        char                   name[256];
        hsize_t                three = 3;
        hid_t                  mem   = H5Screate_simple(1, &three, NULL);
        static const H5R_ref_t zero;
        hid_t                  attr = H5Aopen(container, "ref_object_old", H5P_DEFAULT);
        CHECK(t, H5Aread(attr, H5T_STD_REF_OBJ, old) >= 0);
        CHECK(t, old[0] == 0); /* /grid2d is left out */
        old_ref_target(container, &old[1], name, sizeof name);
        CHECK(t, strcmp(name, "/groups/g1") == 0);
        H5Aclose(attr);
        attr = H5Aopen(container, "ref_object_new", H5P_DEFAULT);
        CHECK(t, H5Aread(attr, H5T_STD_REF, refs) >= 0);
        CHECK(t, memcmp(&refs[0], &zero, sizeof zero) == 0);
        new_ref_target(&refs[1], name, sizeof name);
        CHECK(t, strcmp(name, "/groups/g1") == 0);
        CHECK(t, H5Rget_type(&refs[2]) == H5R_OBJECT2); /* the anonymous committed datatype */
        {
            hid_t type = H5Ropen_object(&refs[2], H5P_DEFAULT, H5P_DEFAULT);
            CHECK(t, type >= 0 && H5Iget_type(type) == H5I_DATATYPE);
            if (type >= 0)
                H5Tclose(type);
        }
        H5Treclaim(H5T_STD_REF, mem, H5P_DEFAULT, refs);
        H5Aclose(attr);
        H5Sclose(mem);
    }
    H5Fclose(container);
    carve_skeleton_clear(&skel);

    /* Completing it without a filter: the full skeleton, with the anonymous type linked at last. */
    carve_skeleton_init(&skel);
    CHECK(t, build_into(origin_path, container_path, false, NULL, &skel) >= 0);
    CHECK_NO_ERROR(t);
    container = H5Fopen(container_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    {
        hid_t dset = H5Dopen2(container, "/data/committed_typed", H5P_DEFAULT), type = H5Dget_type(dset);
        H5O_info2_t info;
        H5O_token_t linked;
        CHECK(t, H5Oget_info3(type, &info, H5O_INFO_BASIC) >= 0);
        CHECK(t, token_at(container, "/types/compound_t", &linked));
        CHECK(t, tokens_equal(&info.token, &linked));
        H5Tclose(type);
        H5Dclose(dset);
    }
    CHECK(t, H5Lexists(container, "/links/soft_to_g1", H5P_DEFAULT) > 0);
    CHECK(t, H5Lexists(container, "/groups/g2/empty", H5P_DEFAULT) > 0);
    CHECK(t, skel.nelinks == 2 && recorded_elink(&skel, "/links/external_data", "zoo_ext.h5", "/ext_data") &&
                 recorded_elink(&skel, "/links/external_group", "zoo_ext.h5", "/ext_group"));
    H5Fclose(container);
    carve_skeleton_clear(&skel);
}

/* Attribute order across the two passes: a group whose attributes (creation order tracked and indexed)
 * hold a reference to an object the walk reaches after the group, between plain values. Pass 1 copies the
 * attributes before that one, pass 2 that one and the rest: the container keeps the origin's creation
 * order, values and a rewritten reference, in compact storage and in dense storage (phase change 0/0). */
static bool
write_order(const char *path)
{
    static const char *const names[] = {"z_first", "y_second", "m_ref", "a_fourth", "b_vlen"};
    hid_t                    file = -1, gcpl = -1, scalar = -1, vstr = -1, attr = -1, group = -1, dset = -1;
    bool                     ok = true;

#define ORDER(expr)                                                                                          \
    do {                                                                                                     \
        if (ok && (expr) < 0) {                                                                              \
            printf("  order: %s failed (line %d)\n", #expr, __LINE__);                                       \
            ok = false;                                                                                      \
        }                                                                                                    \
    } while (0)

    ORDER(file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    ORDER(scalar = H5Screate(H5S_SCALAR));
    ORDER(vstr = H5Tcopy(H5T_C_S1));
    ORDER(H5Tset_size(vstr, H5T_VARIABLE));
    ORDER(gcpl = H5Pcreate(H5P_GROUP_CREATE));
    ORDER(H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
    /* "a_compact" and "b_dense" come before "later" in the walk (by name), so "later" does not exist in
     * the container when their attributes are first copied. */
    ORDER(dset = H5Dcreate2(file, "later", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Dclose(dset);
    for (int dense = 0; dense < 2 && ok; dense++) {
        if (dense)
            ORDER(H5Pset_attr_phase_change(gcpl, 0, 0));
        ORDER(group = H5Gcreate2(file, dense ? "b_dense" : "a_compact", H5P_DEFAULT, gcpl, H5P_DEFAULT));
        for (int i = 0; i < 5 && ok; i++) {
            hid_t type = i == 2 ? H5T_STD_REF_OBJ : i == 4 ? vstr : H5T_NATIVE_INT;

            ORDER(attr = H5Acreate2(group, names[i], type, scalar, H5P_DEFAULT, H5P_DEFAULT));
            if (i == 2) {
                hobj_ref_t ref;
                ORDER(H5Rcreate(&ref, file, "/later", H5R_OBJECT, -1));
                ORDER(H5Awrite(attr, H5T_STD_REF_OBJ, &ref));
            }
            else if (i == 4) {
                const char *text = "fifth";
                ORDER(H5Awrite(attr, vstr, &text));
            }
            else {
                int value = 100 + i;
                ORDER(H5Awrite(attr, H5T_NATIVE_INT, &value));
            }
            H5Aclose(attr);
        }
        H5Gclose(group);
    }
#undef ORDER
    H5Tclose(vstr);
    H5Pclose(gcpl);
    H5Sclose(scalar);
    if (file >= 0 && H5Fclose(file) < 0)
        ok = false;
    return ok;
}

static void
test_attribute_order(unit_t *t)
{
    static const char *const names[] = {"z_first", "y_second", "m_ref", "a_fourth", "b_vlen"};
    char                     origin_path[512], container_path[512];
    carve_skeleton_t         skel;
    hid_t                    container;

    path_in(origin_path, sizeof origin_path, t, "origin", "order.h5");
    path_in(container_path, sizeof container_path, t, "container", "order.h5");
    if (!CHECK(t, write_order(origin_path)))
        return;
    carve_skeleton_init(&skel);
    CHECK(t, build_into(origin_path, container_path, true, NULL, &skel) >= 0);
    CHECK_NO_ERROR(t);
    if (!CHECK(t, (container = H5Fopen(container_path, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0)) {
        carve_skeleton_clear(&skel);
        return;
    }
    for (int dense = 0; dense < 2; dense++) {
        const char *group_path = dense ? "/b_dense" : "/a_compact";
        hid_t       group      = H5Gopen2(container, group_path, H5P_DEFAULT);
        H5O_info2_t info;

        if (!CHECK(t, group >= 0))
            continue;
        CHECK(t, H5Oget_info3(group, &info, H5O_INFO_NUM_ATTRS) >= 0 && info.num_attrs == 5);
        for (hsize_t i = 0; i < 5; i++) {
            char  name[64] = "";
            hid_t attr =
                H5Aopen_by_idx(group, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);

            if (!CHECK(t, attr >= 0))
                continue;
            H5Aget_name(attr, sizeof name, name);
            CHECK_STR(t, name, names[i]);
            if (i == 2) {
                hobj_ref_t ref = 0;
                char       target[64];
                CHECK(t, H5Aread(attr, H5T_STD_REF_OBJ, &ref) >= 0);
                old_ref_target(container, &ref, target, sizeof target);
                CHECK_STR(t, target, "/later");
            }
            else if (i == 4) {
                char *text = NULL;
                hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
                CHECK(t, H5Aread(attr, type, &text) >= 0);
                CHECK_STR(t, text, "fifth");
                H5Treclaim(type, space, H5P_DEFAULT, &text);
                H5Tclose(type);
                H5Sclose(space);
            }
            else {
                int value = 0;
                CHECK(t, H5Aread(attr, H5T_NATIVE_INT, &value) >= 0 && value == 100 + (int)i);
            }
            H5Aclose(attr);
        }
        H5Gclose(group);
    }
    CHECK_NO_ERROR(t);
    H5Fclose(container);
    carve_skeleton_clear(&skel);
}

/* A failed build reports where. */
static void
test_failure_message(unit_t *t)
{
    char             origin_path[512];
    carve_skeleton_t skel;
    hid_t            origin, container;

    path_in(origin_path, sizeof origin_path, t, "origin", "zoo.h5");
    carve_skeleton_init(&skel);
    origin    = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    container = H5Fopen(origin_path, H5F_ACC_RDONLY, H5P_DEFAULT); /* read-only: nothing can be created */
    H5Eclear2(H5E_DEFAULT);
    /* The origin over itself: everything is found, so it succeeds with nothing created... */
    CHECK(t, carve_skeleton_build(origin, container, NULL, &skel) >= 0);
    CHECK(t, summarize(&skel).created == 0);
    H5Fclose(container);
    /* ...while a read-only empty container fails on the first object, naming it. */
    {
        char empty_path[512];
        path_in(empty_path, sizeof empty_path, t, "empty.h5", NULL);
        container = H5Fcreate(empty_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        H5Fclose(container);
        container = H5Fopen(empty_path, H5F_ACC_RDONLY, H5P_DEFAULT);
        CHECK(t, carve_skeleton_build(origin, container, NULL, &skel) < 0);
        CHECK_ERROR(t, CARVE_E_UNDERLYING, "container: cannot create group /data");
        H5Fclose(container);
    }
    H5Fclose(origin);
    carve_skeleton_clear(&skel);
}

int
main(int argc, char **argv)
{
    unit_t t;
    char   sub[512];

    make_zoo_g = argc > 1 ? argv[1] : getenv("CARVE_MAKE_ZOO");
    h5dump_g   = argc > 2 ? argv[2] : getenv("CARVE_H5DUMP");
    if (!make_zoo_g || access(make_zoo_g, X_OK) != 0) {
        printf("usage: test_skeleton <carve_make_zoo> [<h5dump>] (or CARVE_MAKE_ZOO, CARVE_H5DUMP)\n");
        return UNIT_CANNOT_RUN;
    }
    if (h5dump_g && access(h5dump_g, X_OK) != 0)
        h5dump_g = NULL;
    if (!h5dump_g)
        printf("note: no h5dump: the dump comparisons are skipped\n");
    if (!unit_begin(&t, "skeleton"))
        return UNIT_CANNOT_RUN;
    for (int i = 0; i < 3; i++) {
        static const char *const subs[] = {"origin", "container", "touched"};
        path_in(sub, sizeof sub, &t, subs[i], NULL);
        mkdir(sub, 0700);
    }

    test_needs_rewrite(&t);
    test_zoo(&t);
    test_copy_elements(&t);
    test_extras(&t);
    test_touched_only(&t);
    test_attribute_order(&t);
    test_failure_message(&t);

    return unit_end(&t);
}
