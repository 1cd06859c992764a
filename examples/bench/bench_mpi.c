/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_mpi.c — the MPI benchmark's program (examples/bench/run_mpi_bench.sh): an MPI job reading a share
 * of one chunked dataset, each rank its own contiguous block of rows, through the MPI-IO driver.
 *
 *   carve_bench_mpi make FILE MIB        (one process) a MIB-MiB float64 dataset /data, rows of 64 KiB,
 *                                        chunks of 32 rows (2 MiB), uncompressed
 *   carve_bench_mpi read FILE PERCENT    every rank reads its part of the first PERCENT % of the rows
 *                                        (collectively); rank 0 prints the bytes read and a checksum
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <mpi.h>

#define COLS       8192
#define CHUNK_ROWS 32

static int
make(const char *path, long mib)
{
    hsize_t rows = (hsize_t)mib * 16, dims[2] = {rows, COLS}, chunk[2] = {CHUNK_ROWS, COLS};
    hsize_t start[2] = {0, 0}, count[2] = {CHUNK_ROWS, COLS};
    double *buf = malloc(sizeof(double) * CHUNK_ROWS * COLS);
    hid_t   f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), s = H5Screate_simple(2, dims, NULL);
    hid_t   dcpl = H5Pcreate(H5P_DATASET_CREATE), ds, ms = H5Screate_simple(2, count, NULL);
    int     failed = 0;

    H5Pset_chunk(dcpl, 2, chunk);
    ds = H5Dcreate2(f, "data", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    for (hsize_t r = 0; r < rows; r += CHUNK_ROWS) {
        for (size_t i = 0; i < (size_t)CHUNK_ROWS * COLS; i++)
            buf[i] = (double)(r * COLS + i) * 0.5;
        start[0] = r;
        failed |= H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                  H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, s, H5P_DEFAULT, buf) < 0;
    }
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(ms);
    H5Sclose(s);
    free(buf);
    return failed | (H5Fclose(f) < 0);
}

int
main(int argc, char **argv)
{
    int      rank, size, failed = 0;
    uint64_t sum = 0, total = 0, bytes = 0, all_bytes = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc == 4 && strcmp(argv[1], "make") == 0) {
        failed = rank == 0 ? make(argv[2], atol(argv[3])) : 0;
    }
    else if (argc == 4 && strcmp(argv[1], "read") == 0) {
        hid_t   fapl = H5Pcreate(H5P_FILE_ACCESS), dxpl = H5Pcreate(H5P_DATASET_XFER), f, ds, fs, ms;
        hsize_t dims[2], want, per, start[2] = {0, 0}, count[2] = {0, COLS};

        H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
        f  = H5Fopen(argv[2], H5F_ACC_RDONLY, fapl);
        ds = H5Dopen2(f, "data", H5P_DEFAULT);
        fs = H5Dget_space(ds);
        H5Sget_simple_extent_dims(fs, dims, NULL);
        want     = dims[0] * (hsize_t)atol(argv[3]) / 100;
        per      = (want + (hsize_t)size - 1) / (hsize_t)size;
        start[0] = per * (hsize_t)rank;
        count[0] = start[0] >= want ? 0 : (start[0] + per > want ? want - start[0] : per);
        {
            double *buf = malloc(sizeof(double) * (count[0] ? count[0] : 1) * COLS);

            ms = H5Screate_simple(2, count[0] ? count : (hsize_t[]){1, COLS}, NULL);
            if (count[0])
                H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
            else {
                H5Sselect_none(fs);
                H5Sselect_none(ms);
            }
            failed |= H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, dxpl, buf) < 0;
            for (hsize_t i = 0; i < count[0] * COLS; i++)
                sum += (uint64_t)buf[i];
            bytes = count[0] * COLS * sizeof(double);
            free(buf);
        }
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(ds);
        failed |= H5Fclose(f) < 0;
        H5Pclose(dxpl);
        H5Pclose(fapl);
        MPI_Reduce(&sum, &total, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        MPI_Reduce(&bytes, &all_bytes, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0)
            printf("bench_mpi: %d ranks read %llu bytes, checksum %llu\n", size,
                   (unsigned long long)all_bytes, (unsigned long long)total);
    }
    else {
        if (rank == 0)
            fprintf(stderr, "usage: carve_bench_mpi make FILE MIB | read FILE PERCENT\n");
        failed = 2;
    }
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return failed;
}
