/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * read_subset.c — carve_read_subset: the example "job". Opens an HDF5 file read-only with the default
 * file access property list (so HDF5_VOL_CONNECTOR decides the connector: native, or carve), reads a
 * part of it — a hyperslab of /measurements/temperature and two attributes of /measurements — and
 * prints a checksum and a few values.
 *
 * Usage: carve_read_subset <file.h5>
 *
 * stdout is deterministic and identical whatever connector serves the file; the connector's name goes
 * to stderr ("connector: carve") so a caller can check which one was used.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

/* The hyperslab: rows 250..309, columns 400..519 (60 x 120), inside a 1000x1000 dataset. */
#define SUBSET_ROW0 250
#define SUBSET_COL0 400
#define SUBSET_ROWS 60
#define SUBSET_COLS 120

/* FNV-1a over bytes: a checksum that changes if any bit of the data does. */
static uint64_t
subset_fnv1a(const void *data, size_t size, uint64_t hash)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

static int
subset_report_connector(hid_t file)
{
    char name[64] = "";
    if (H5VLget_connector_name(file, name, sizeof name) < 0)
        return -1;
    fprintf(stderr, "connector: %s\n", name);
    return 0;
}

static int
subset_read_hyperslab(hid_t file)
{
    hid_t dset = H5Dopen2(file, "/measurements/temperature", H5P_DEFAULT);
    if (dset < 0)
        return -1;
    hid_t   fspace = H5Dget_space(dset);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(fspace, dims, NULL);
    hsize_t       start[2] = {SUBSET_ROW0, SUBSET_COL0}, count[2] = {SUBSET_ROWS, SUBSET_COLS};
    hid_t         mspace = H5Screate_simple(2, count, NULL);
    static double values[SUBSET_ROWS][SUBSET_COLS];
    int           status = -1;
    if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, values) >= 0) {
        double sum = 0;
        for (int i = 0; i < SUBSET_ROWS; i++)
            for (int j = 0; j < SUBSET_COLS; j++)
                sum += values[i][j];
        printf("dataset /measurements/temperature: %llu x %llu\n", (unsigned long long)dims[0],
               (unsigned long long)dims[1]);
        printf("hyperslab rows %d..%d, columns %d..%d (%d values)\n", SUBSET_ROW0,
               SUBSET_ROW0 + SUBSET_ROWS - 1, SUBSET_COL0, SUBSET_COL0 + SUBSET_COLS - 1,
               SUBSET_ROWS * SUBSET_COLS);
        printf("  sum      %.6f\n", sum);
        printf("  fnv1a64  %016llx\n",
               (unsigned long long)subset_fnv1a(values, sizeof values, 14695981039346656037ull));
        printf("  [%d,%d] = %.3f   [%d,%d] = %.3f   [%d,%d] = %.3f\n", SUBSET_ROW0, SUBSET_COL0, values[0][0],
               SUBSET_ROW0 + 30, SUBSET_COL0 + 60, values[30][60], SUBSET_ROW0 + SUBSET_ROWS - 1,
               SUBSET_COL0 + SUBSET_COLS - 1, values[SUBSET_ROWS - 1][SUBSET_COLS - 1]);
        status = 0;
    }
    H5Sclose(mspace);
    H5Sclose(fspace);
    H5Dclose(dset);
    return status;
}

static int
subset_read_attributes(hid_t file)
{
    hid_t group = H5Gopen2(file, "/measurements", H5P_DEFAULT);
    if (group < 0)
        return -1;
    int   status = -1;
    hid_t attr   = H5Aopen(group, "title", H5P_DEFAULT);
    if (attr >= 0) {
        hid_t type  = H5Tcopy(H5T_C_S1); /* memory type: variable-length UTF-8 string */
        char *title = NULL;
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        if (H5Aread(attr, type, &title) >= 0 && title) {
            printf("attribute /measurements/title = \"%s\"\n", title);
            status = 0;
            H5free_memory(title);
        }
        H5Tclose(type);
        H5Aclose(attr);
    }
    double calibration[3] = {0, 0, 0};
    attr                  = H5Aopen(group, "calibration", H5P_DEFAULT);
    if (status == 0 && attr >= 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, calibration) >= 0)
        printf("attribute /measurements/calibration = %.3f %.3f %.3f\n", calibration[0], calibration[1],
               calibration[2]);
    else
        status = -1;
    if (attr >= 0)
        H5Aclose(attr);
    H5Gclose(group);
    return status;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: carve_read_subset <file.h5>\n");
        return 2;
    }
    hid_t file = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        fprintf(stderr, "carve_read_subset: cannot open %s\n", argv[1]);
        return EXIT_FAILURE;
    }
    int status = subset_report_connector(file);
    if (status == 0)
        status = subset_read_hyperslab(file);
    if (status == 0)
        status = subset_read_attributes(file);
    if (H5Fclose(file) < 0)
        status = -1;
    if (status != 0) {
        fprintf(stderr, "carve_read_subset: reading %s failed\n", argv[1]);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
