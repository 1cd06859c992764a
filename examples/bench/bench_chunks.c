/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_chunks.c — carve_bench_chunks: the commit's cost against the number of chunks a dataset has and
 * the number a program touches (issue 13's scale target: linear in chunks touched, never in chunks²).
 *
 *   make N FILE        writes FILE with /grid, a square int32 dataset of N 1x1 chunks (side = sqrt(N)
 *                      rounded up), every chunk written, with HDF5's default file format (a v1 B-tree
 *                      chunk index, what most files have)
 *   read FILE all      reads /grid whole, in one H5Dread: every chunk touched
 *   read FILE permille reads N/1000 points (at least 1), one per chunk, spread evenly over /grid, in one
 *                      H5Dread of a point selection: 0.1% of the chunks touched
 *
 * A plain HDF5 program: it knows nothing of carve, so HDF5_VOL_CONNECTOR decides whether it runs natively
 * or is carved (the commit then runs at exit). run_chunk_scaling.sh times it both ways. Output: one line
 * "CHUNKS key=value ..." (chunks, touched, a checksum of what was read).
 */

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#define GRID "/grid"

static int
fail(const char *what)
{
    fprintf(stderr, "carve_bench_chunks: %s failed\n", what);
    return 1;
}

static hsize_t
side_of(unsigned long long chunks)
{
    hsize_t side = (hsize_t)ceil(sqrt((double)chunks));

    while (side * side < chunks)
        side++;
    return side;
}

static int
make(unsigned long long chunks, const char *path)
{
    hsize_t  side = side_of(chunks), dims[2] = {side, side}, one[2] = {1, 1};
    hid_t    file = -1, space = -1, dcpl = -1, dset = -1;
    int32_t *values = NULL;
    int      rc     = 1;

    if (!(values = malloc(sizeof *values * side * side)))
        return fail("malloc");
    for (hsize_t i = 0; i < side * side; i++)
        values[i] = (int32_t)(i * 2654435761u >> 7);
    if ((file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto done;
    if ((space = H5Screate_simple(2, dims, NULL)) < 0 || (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        H5Pset_chunk(dcpl, 2, one) < 0)
        goto done;
    if ((dset = H5Dcreate2(file, GRID, H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0 ||
        H5Dwrite(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        goto done;
    printf("CHUNKS make chunks=%llu side=%llu\n", (unsigned long long)(side * side),
           (unsigned long long)side);
    rc = 0;
done:
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (file >= 0 && H5Fclose(file) < 0)
        rc = 1;
    free(values);
    return rc ? fail("make") : 0;
}

static int
read_grid(const char *path, int all)
{
    hid_t    file = -1, dset = -1, space = -1, mem = -1;
    hsize_t  dims[2], count, *coords = NULL;
    int32_t *values = NULL;
    uint64_t sum    = 0;
    int      rc     = 1;

    if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0 ||
        (dset = H5Dopen2(file, GRID, H5P_DEFAULT)) < 0 || (space = H5Dget_space(dset)) < 0 ||
        H5Sget_simple_extent_dims(space, dims, NULL) != 2)
        goto done;
    if (all)
        count = dims[0] * dims[1];
    else {
        hsize_t n = dims[0] * dims[1], step;

        count = n / 1000 ? n / 1000 : 1;
        step  = n / count;
        if (!(coords = malloc(sizeof *coords * 2 * count)))
            goto done;
        for (hsize_t i = 0; i < count; i++) {
            hsize_t at = i * step + (i * 7919) % step; /* one point per stretch of step chunks */

            coords[2 * i]     = at / dims[1];
            coords[2 * i + 1] = at % dims[1];
        }
        if (H5Sselect_elements(space, H5S_SELECT_SET, (size_t)count, coords) < 0)
            goto done;
    }
    if (!(values = malloc(sizeof *values * count)) || (mem = H5Screate_simple(1, &count, NULL)) < 0)
        goto done;
    if (H5Dread(dset, H5T_NATIVE_INT32, mem, space, H5P_DEFAULT, values) < 0)
        goto done;
    for (hsize_t i = 0; i < count; i++)
        sum = sum * 31 + (uint32_t)values[i];
    printf("CHUNKS read chunks=%llu touched=%llu checksum=%016" PRIx64 "\n",
           (unsigned long long)(dims[0] * dims[1]), (unsigned long long)count, sum);
    rc = 0;
done:
    if (mem >= 0)
        H5Sclose(mem);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    if (file >= 0 && H5Fclose(file) < 0)
        rc = 1;
    free(values);
    free(coords);
    return rc ? fail("read") : 0;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "make"))
        return make(strtoull(argv[2], NULL, 10), argv[3]);
    if (argc == 4 && !strcmp(argv[1], "read") && (!strcmp(argv[3], "all") || !strcmp(argv[3], "permille")))
        return read_grid(argv[2], !strcmp(argv[3], "all"));
    fprintf(stderr, "usage: carve_bench_chunks make N FILE | read FILE all|permille\n");
    return 2;
}
