/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * make_example.c — carve_make_example: writes the example input file used by examples/run.sh.
 *
 * Usage: carve_make_example <output.h5>
 *
 * Contents (deterministic, object time stamps off):
 *   /measurements/temperature   float64 1000x1000, chunked 100x100, deflate level 4,
 *                               value(i, j) = i + j / 1000.0   (row i, column j)
 *   /measurements               group with attributes: title (string), instrument_id (int32),
 *                               calibration (float64[3]), units (string)
 *   /measurements/pressure      float32 1000, contiguous (not read by read_subset)
 */
#include <stdio.h>
#include <stdlib.h>

#include <hdf5.h>

#define EXAMPLE_ROWS  1000
#define EXAMPLE_COLS  1000
#define EXAMPLE_CHUNK 100

static void
example_fail(const char *what)
{
    fprintf(stderr, "carve_make_example: %s failed\n", what);
    exit(EXIT_FAILURE);
}

static void
example_write_string_attribute(hid_t loc, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr  = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, type, &value) < 0)
        example_fail(name);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

static void
example_write_group_attributes(hid_t group)
{
    example_write_string_attribute(group, "title", "carve example: a 1000x1000 temperature field");
    example_write_string_attribute(group, "units", "kelvin");

    hid_t   scalar = H5Screate(H5S_SCALAR);
    int32_t id     = 4711;
    hid_t   attr   = H5Acreate2(group, "instrument_id", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, H5T_NATIVE_INT32, &id) < 0)
        example_fail("instrument_id");
    H5Aclose(attr);
    H5Sclose(scalar);

    hsize_t three          = 3;
    double  calibration[3] = {0.5, 1.25, -3.0};
    hid_t   space          = H5Screate_simple(1, &three, NULL);
    attr = H5Acreate2(group, "calibration", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, H5T_NATIVE_DOUBLE, calibration) < 0)
        example_fail("calibration");
    H5Aclose(attr);
    H5Sclose(space);
}

static void
example_write_temperature(hid_t group)
{
    double *values = malloc(sizeof(double) * EXAMPLE_ROWS * EXAMPLE_COLS);
    if (!values)
        example_fail("malloc");
    for (size_t i = 0; i < EXAMPLE_ROWS; i++)
        for (size_t j = 0; j < EXAMPLE_COLS; j++)
            values[i * EXAMPLE_COLS + j] = (double)i + (double)j / 1000.0;

    hsize_t dims[2] = {EXAMPLE_ROWS, EXAMPLE_COLS}, chunk[2] = {EXAMPLE_CHUNK, EXAMPLE_CHUNK};
    hid_t   space = H5Screate_simple(2, dims, NULL);
    hid_t   dcpl  = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_deflate(dcpl, 4);
    hid_t dset = H5Dcreate2(group, "temperature", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dset < 0 || H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        example_fail("temperature");
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
    free(values);
}

static void
example_write_pressure(hid_t group)
{
    float   values[EXAMPLE_ROWS];
    hsize_t n = EXAMPLE_ROWS;
    for (int i = 0; i < EXAMPLE_ROWS; i++)
        values[i] = 1000.0f + (float)(i % 50) * 0.5f;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t dcpl  = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t dset = H5Dcreate2(group, "pressure", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dset < 0 || H5Dwrite(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        example_fail("pressure");
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: carve_make_example <output.h5>\n");
        return 2;
    }
    /* The example input is always written natively, whatever HDF5_VOL_CONNECTOR says. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_vol(fapl, H5VL_NATIVE, NULL);
    hid_t file = H5Fcreate(argv[1], H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (file < 0)
        example_fail(argv[1]);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, 0);
    hid_t group = H5Gcreate2(file, "measurements", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (group < 0)
        example_fail("group /measurements");
    example_write_group_attributes(group);
    example_write_temperature(group);
    example_write_pressure(group);
    H5Gclose(group);
    H5Pclose(gcpl);
    H5Pclose(fapl);
    if (H5Fclose(file) < 0)
        example_fail("H5Fclose");
    printf("wrote %s\n", argv[1]);
    return EXIT_SUCCESS;
}
