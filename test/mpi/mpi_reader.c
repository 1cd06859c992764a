/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mpi_reader.c — an MPI program of the kind carve must carve and replay: every rank opens one file
 * collectively with the MPI-IO driver and reads its own rows of a chunked (deflated) and a contiguous
 * dataset, a region every rank shares, and attributes; rank 0 prints each rank's checksums in rank order,
 * so that runs compare as text.
 *
 *   mpi_reader make FILE            (one process) writes the file
 *   mpi_reader read FILE [more|die] every rank reads; more: also rows no 4-rank read touched (misses on
 *                                   replay); die: rank 1 kills itself (SIGKILL) after its reads
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <mpi.h>

#define ROWS  64
#define COLS  256
#define SLAB  8 /* rows per rank */
#define CHUNK 8

static uint64_t
fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static int
make(const char *path)
{
    hsize_t dims[2] = {ROWS, COLS}, chunk[2] = {CHUNK, 64};
    double *d = malloc(sizeof(double) * ROWS * COLS);
    int    *v = malloc(sizeof(int) * ROWS * COLS);
    hid_t   f, s, dcpl, ds, as, at, str;
    int     scale = 7;

    for (int i = 0; i < ROWS * COLS; i++) {
        d[i] = i * 0.25 - 1000.0;
        v[i] = i * 31 - 5000;
    }
    f    = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    s    = H5Screate_simple(2, dims, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_deflate(dcpl, 4);
    ds = H5Dcreate2(f, "chunked", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, d);
    as  = H5Screate(H5S_SCALAR);
    str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, 8);
    at = H5Acreate2(ds, "units", str, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(at, str, "kelvin\0");
    H5Aclose(at);
    H5Dclose(ds);
    ds = H5Dcreate2(f, "contig", H5T_STD_I32LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(ds);
    at = H5Acreate2(f, "scale", H5T_STD_I32LE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(at, H5T_NATIVE_INT, &scale);
    H5Aclose(at);
    H5Tclose(str);
    H5Sclose(as);
    H5Pclose(dcpl);
    H5Sclose(s);
    free(d);
    free(v);
    return H5Fclose(f) < 0;
}

/* Reads rows [row, row+nrows) x cols [0, ncols) of a dataset into a checksum. */
static int
read_rows(hid_t f, const char *name, hid_t memtype, size_t size, hsize_t row, hsize_t nrows, hsize_t ncols,
          hid_t dxpl, uint64_t *h)
{
    hid_t   ds = H5Dopen2(f, name, H5P_DEFAULT), fs = H5Dget_space(ds);
    hsize_t start[2] = {row, 0}, count[2] = {nrows, ncols};
    hid_t   ms  = H5Screate_simple(2, count, NULL);
    void   *buf = calloc(nrows * ncols, size);
    int     ok;

    ok = ds >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
         H5Dread(ds, memtype, ms, fs, dxpl, buf) >= 0;
    if (ok)
        *h = fnv(*h, buf, nrows * ncols * size);
    free(buf);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(ds);
    return ok ? 0 : -1;
}

int
main(int argc, char **argv)
{
    int      rank, size, failed = 0, scale = 0;
    char     line[256], units[8] = "";
    uint64_t hc = 14695981039346656037ull, hv = hc, hs = hc;
    hid_t    fapl, f, coll, indep, at, str;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc >= 3 && strcmp(argv[1], "make") == 0) {
        failed = rank == 0 ? make(argv[2]) : 0;
        MPI_Finalize();
        return failed;
    }
    if (argc < 3 || strcmp(argv[1], "read") != 0 || size * SLAB > ROWS) {
        fprintf(stderr, "usage: mpi_reader make FILE | read FILE [more|die] (at most %d ranks)\n",
                ROWS / SLAB);
        MPI_Finalize();
        return 2;
    }
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    coll  = H5Pcreate(H5P_DATASET_XFER);
    indep = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(coll, H5FD_MPIO_COLLECTIVE);
    H5Pset_dxpl_mpio(indep, H5FD_MPIO_INDEPENDENT);
    if ((f = H5Fopen(argv[2], H5F_ACC_RDONLY, fapl)) < 0)
        failed = 1;
    else {
        /* Own rows of both datasets (collective for the chunked one), the region all share, attributes. */
        failed |= read_rows(f, "chunked", H5T_NATIVE_DOUBLE, sizeof(double), (hsize_t)rank * SLAB, SLAB, COLS,
                            coll, &hc) < 0;
        failed |= read_rows(f, "contig", H5T_NATIVE_INT, sizeof(int), (hsize_t)rank * SLAB, SLAB, 100, indep,
                            &hv) < 0;
        failed |= read_rows(f, "chunked", H5T_NATIVE_DOUBLE, sizeof(double), ROWS - 4, 4, 32, indep, &hs) < 0;
        if (argc > 3 && strcmp(argv[3], "more") == 0) {
            failed |= read_rows(f, "chunked", H5T_NATIVE_DOUBLE, sizeof(double), 32 + (hsize_t)rank * 3, 3,
                                COLS, indep, &hs) < 0;
            failed |= read_rows(f, "contig", H5T_NATIVE_INT, sizeof(int), 40, 2, COLS, indep, &hs) < 0;
        }
        at = H5Aopen(f, "scale", H5P_DEFAULT);
        failed |= at < 0 || H5Aread(at, H5T_NATIVE_INT, &scale) < 0;
        H5Aclose(at);
        at  = H5Aopen_by_name(f, "chunked", "units", H5P_DEFAULT, H5P_DEFAULT);
        str = H5Tcopy(H5T_C_S1);
        H5Tset_size(str, sizeof units);
        failed |= at < 0 || H5Aread(at, str, units) < 0;
        H5Tclose(str);
        H5Aclose(at);
        if (argc > 3 && strcmp(argv[3], "die") == 0 && rank == 1)
            raise(SIGKILL);
        failed |= H5Fclose(f) < 0;
    }
    snprintf(line, sizeof line,
             "rank %d: chunked %016llx contig %016llx shared %016llx scale %d units %.7s%s", rank,
             (unsigned long long)hc, (unsigned long long)hv, (unsigned long long)hs, scale, units,
             failed ? " FAILED" : "");
    if (rank == 0) {
        puts(line);
        for (int r = 1; r < size; r++) {
            MPI_Recv(line, sizeof line, MPI_CHAR, r, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            puts(line);
        }
        fflush(stdout);
    }
    else
        MPI_Send(line, sizeof line, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
    H5Pclose(coll);
    H5Pclose(indep);
    H5Pclose(fapl);
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    MPI_Finalize();
    return failed;
}
