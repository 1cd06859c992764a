/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_mpi.h — the ranks of an MPI job that opened one file together: what carve needs of MPI to commit
 * a job's reads once, by one rank, and to sum its replay counters.
 *
 * Why a module of its own: carve must build and load without MPI. In a build configured with
 * -DCARVE_MPI=ON against a parallel HDF5 (CARVE_HAVE_MPI), a file opened with the MPI-IO driver gives a
 * job (a duplicate of the file's communicator, taken during the program's collective open); in any other
 * build, or for any other driver, there is no job and every function here is a no-op, so callers never
 * test for MPI themselves.
 *
 * The collective calls (carve_mpi_gather, carve_mpi_sum, carve_mpi_leave) must be made by every rank of
 * the job, in the same order: carve makes them from its shutdown, which HDF5 runs inside MPI_Finalize
 * (while MPI is still usable) on every rank. When MPI is already finalized (a program that called
 * MPI_Finalize before HDF5 closed, then exit), they fail without a collective, and each rank then commits
 * its own reads through the container lock, losing nothing. No VOL code.
 */
#ifndef CARVE_MPI_H
#define CARVE_MPI_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

typedef struct carve_mpi_t carve_mpi_t;

/* The job of an access list that selects the MPI-IO driver: collective over the list's communicator (call
 * it where the program's open is collective). NULL, with no error, for any other driver or without MPI;
 * NULL with an error on the stack when the communicator cannot be duplicated. */
carve_mpi_t *carve_mpi_join(hid_t fapl_id);
/* 1 when the list selects the MPI-IO driver. */
int carve_mpi_is_mpio(hid_t fapl_id);
/* Replaces an MPI-IO driver in fapl_id by sec2 (0: it had none, 1: replaced, -1: failed): for the files
 * carve opens on one rank alone (the commit's origin, a replay's origin on a miss), which must not start
 * a collective open the other ranks do not join. */
int carve_mpi_make_independent(hid_t fapl_id);
/* A transfer list for reading carve's own files (opened with sec2, where HDF5 refuses collective
 * transfers) in place of the program's: dxpl_id itself when it asks for no collective transfer, else a
 * copy asking for independent transfer (*owned set to 1: the caller closes it). H5I_INVALID_HID on
 * failure. */
hid_t carve_mpi_independent_xfer(hid_t dxpl_id, int *owned);

int carve_mpi_rank(const carve_mpi_t *job);
int carve_mpi_size(const carve_mpi_t *job);
/* 1 while MPI can still run a collective (initialized, not finalized). */
int carve_mpi_usable(void);

/* Gathers every rank's bytes to rank 0. On rank 0, parts[r] / lens[r] (arrays of carve_mpi_size entries,
 * caller frees with carve_mpi_parts_free) hold rank r's bytes (its own included); other ranks get none. A
 * rank that cannot send (too large, out of memory) sends 0 bytes, which rank 0 sees as a missing part.
 * Collective. */
herr_t carve_mpi_gather(carve_mpi_t *job, const void *bytes, size_t len, void ***parts, size_t **lens);
void   carve_mpi_parts_free(const carve_mpi_t *job, void **parts, size_t *lens);
/* Rank 0 tells each rank r whether it still has work of its own (verdicts[r], an array on rank 0 only;
 * NULL there: 1 for every rank); every rank gets its own verdict in *mine. Collective. */
herr_t carve_mpi_scatter_verdicts(carve_mpi_t *job, const int *verdicts, int *mine);
/* Sums n counters over the ranks into rank 0's values (the others keep theirs). Collective. */
herr_t carve_mpi_sum(carve_mpi_t *job, uint64_t *values, size_t n);
/* Releases the job (its communicator, while MPI is usable). Collective. NULL is a no-op. */
void carve_mpi_leave(carve_mpi_t *job);

#endif /* CARVE_MPI_H */
