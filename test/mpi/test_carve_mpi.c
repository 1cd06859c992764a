/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_carve_mpi.c — unit test of carve_mpi (connector/core/carve_mpi.c), run by mpirun on 3 ranks (ctest
 * mpi.unit): a job joined from an MPI-IO access list has the communicator's rank and size; an access list
 * made independent selects sec2 and can then be copied by one rank alone (its communicator is local); a
 * gather brings every rank's bytes to rank 0, a rank sending nothing as a missing part; verdicts reach
 * their ranks; counters sum on rank 0; a collective transfer list becomes HDF5's default list, or an
 * independent copy when it carries more (a data transform); an independent one is kept as it is.
 *
 * Every rank runs the checks; the exit status is non-zero when any rank failed one.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>
#include <mpi.h>

#include "carve_mpi.h"
#include "unit_test.h"

static void
test_job(unit_t *t, int rank, int size)
{
    hid_t         fapl = H5Pcreate(H5P_FILE_ACCESS), copy = H5I_INVALID_HID;
    carve_mpi_t  *job;
    void        **parts = NULL;
    size_t       *lens  = NULL;
    unsigned char mine[16];
    int           verdicts[16], verdict = -1;
    uint64_t      counters[2] = {(uint64_t)rank, 1};

    CHECK(t, H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL) >= 0);
    CHECK(t, carve_mpi_is_mpio(fapl) == 1 && carve_mpi_usable() == 1);
    job = carve_mpi_join(fapl);
    if (!CHECK(t, job != NULL))
        return;
    CHECK(t, carve_mpi_rank(job) == rank && carve_mpi_size(job) == size);

    /* Independent: sec2, and copied by rank 0 alone without waiting for the others. */
    CHECK(t, (copy = H5Pcopy(fapl)) >= 0 && carve_mpi_make_independent(copy) == 1);
    CHECK(t, H5Pget_driver(copy) == H5FD_SEC2 && carve_mpi_is_mpio(copy) == 0);
    CHECK(t, carve_mpi_make_independent(copy) == 0);
    if (rank == 0) {
        hid_t again = H5Pcopy(copy);

        CHECK(t, again >= 0);
        H5Pclose(again);
    }

    /* Rank r sends 3r bytes of value r (rank 0 none: a missing part). */
    memset(mine, rank, sizeof mine);
    CHECK(t, carve_mpi_gather(job, mine, (size_t)(3 * rank), &parts, &lens) >= 0);
    if (rank == 0 && CHECK(t, parts != NULL && lens != NULL)) {
        CHECK(t, parts[0] == NULL && lens[0] == 0);
        for (int r = 1; r < size; r++) {
            unsigned char want[16];

            memset(want, r, sizeof want);
            CHECK(t, lens[r] == (size_t)(3 * r) && parts[r] && memcmp(parts[r], want, lens[r]) == 0);
        }
    }
    else
        CHECK(t, parts == NULL && lens == NULL);
    carve_mpi_parts_free(job, parts, lens);

    for (int r = 0; r < size; r++)
        verdicts[r] = 10 + r;
    CHECK(t, carve_mpi_scatter_verdicts(job, rank == 0 ? verdicts : NULL, &verdict) >= 0);
    CHECK(t, verdict == 10 + rank);

    CHECK(t, carve_mpi_sum(job, counters, 2) >= 0);
    if (rank == 0)
        CHECK(t, counters[0] == (uint64_t)(size * (size - 1) / 2) && counters[1] == (uint64_t)size);
    else
        CHECK(t, counters[0] == (uint64_t)rank && counters[1] == 1);
    CHECK_NO_ERROR(t);
    carve_mpi_leave(job);
    H5Pclose(copy);
    H5Pclose(fapl);
}

static void
test_xfer(unit_t *t)
{
    hid_t            coll = H5Pcreate(H5P_DATASET_XFER), indep = H5Pcreate(H5P_DATASET_XFER), got;
    H5FD_mpio_xfer_t mode  = H5FD_MPIO_COLLECTIVE;
    int              owned = -1;

    CHECK(t, H5Pset_dxpl_mpio(coll, H5FD_MPIO_COLLECTIVE) >= 0 &&
                 H5Pset_dxpl_mpio(indep, H5FD_MPIO_INDEPENDENT) >= 0);
    CHECK(t, carve_mpi_independent_xfer(indep, &owned) == indep && owned == 0);
    CHECK(t, carve_mpi_independent_xfer(H5P_DATASET_XFER_DEFAULT, &owned) == H5P_DATASET_XFER_DEFAULT &&
                 owned == 0);
    CHECK(t, carve_mpi_independent_xfer(coll, &owned) == H5P_DATASET_XFER_DEFAULT && owned == 0);
    /* A list that carries more than the transfer mode keeps it, as a copy. */
    CHECK(t, H5Pset_data_transform(coll, "x*2") >= 0);
    got = carve_mpi_independent_xfer(coll, &owned);
    if (CHECK(t, got >= 0 && got != coll && owned == 1)) {
        char expr[8] = "";

        CHECK(t, H5Pget_dxpl_mpio(got, &mode) >= 0 && mode == H5FD_MPIO_INDEPENDENT);
        CHECK(t, H5Pget_data_transform(got, expr, sizeof expr) > 0 && strcmp(expr, "x*2") == 0);
        H5Pclose(got);
    }
    CHECK_NO_ERROR(t);
    H5Pclose(coll);
    H5Pclose(indep);
}

int
main(int argc, char **argv)
{
    unit_t t;
    int    rank, size, failed;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size > 16 || !unit_begin(&t, NULL)) {
        MPI_Finalize();
        return UNIT_CANNOT_RUN;
    }
    test_job(&t, rank, size);
    test_xfer(&t);
    failed = unit_end(&t) != 0;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    MPI_Finalize();
    return failed;
}
