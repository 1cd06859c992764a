/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_mpi.c — the ranks of an MPI job that opened one file together (see carve_mpi.h).
 *
 * With CARVE_HAVE_MPI (a build against a parallel HDF5), a job is a duplicate of the file's communicator
 * with MPI_ERRORS_RETURN, so that a failed collective becomes carve's error, never an abort of the
 * program. Without it, there is no job: join returns NULL and the rest is never reached with one.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "carve_error.h"
#include "carve_mpi.h"

#ifdef CARVE_HAVE_MPI
#include <mpi.h>

struct carve_mpi_t {
    MPI_Comm comm;
    int      rank;
    int      size;
    int     *sizes; /* size entries, for carve_mpi_gather: allocated at join, so that the shutdown's first */
    int *displs;    /* collective needs no memory it might not get (a rank that cannot join would hang all) */
};

int
carve_mpi_usable(void)
{
    int initialized = 0, finalized = 1;

    return MPI_Initialized(&initialized) == MPI_SUCCESS && initialized &&
           MPI_Finalized(&finalized) == MPI_SUCCESS && !finalized;
}

int
carve_mpi_is_mpio(hid_t fapl_id)
{
    return H5Pget_driver(fapl_id) == H5FD_MPIO;
}

int
carve_mpi_make_independent(hid_t fapl_id)
{
    if (!carve_mpi_is_mpio(fapl_id))
        return 0;
    /* The list keeps its communicator after a driver change, and HDF5 duplicates it (MPI_Comm_dup: a
     * collective) whenever the list is copied, as opening a file does: MPI_COMM_SELF makes that local. */
    return H5Pset_fapl_sec2(fapl_id) < 0 || H5Pset_mpi_params(fapl_id, MPI_COMM_SELF, MPI_INFO_NULL) < 0 ? -1
                                                                                                         : 1;
}

hid_t
carve_mpi_independent_xfer(hid_t dxpl_id, int *owned)
{
    H5FD_mpio_xfer_t mode = H5FD_MPIO_INDEPENDENT;
    hid_t            copy = H5I_INVALID_HID, ret_value = dxpl_id;

    *owned = 0;
    if (dxpl_id == H5P_DEFAULT || H5Pget_dxpl_mpio(dxpl_id, &mode) < 0 || mode == H5FD_MPIO_INDEPENDENT) {
        H5Eclear2(H5E_DEFAULT); /* a list without the MPI-IO property asks for nothing collective */
        CARVE_GOTO_DONE(dxpl_id);
    }
    if ((copy = H5Pcopy(dxpl_id)) < 0 || H5Pset_dxpl_mpio(copy, H5FD_MPIO_INDEPENDENT) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot make an independent transfer list for a collective read");
    /* The usual case, a list that asks for nothing but collective transfer: HDF5's default list then says
     * the same. Preferred because HDF5 1.14.5 leaks free-list memory (and prints "infinite loop closing
     * library" at exit) after independent reads with a list of the program's inside its collective read. */
    if (H5Pequal(copy, H5P_DATASET_XFER_DEFAULT) > 0)
        CARVE_GOTO_DONE(H5P_DATASET_XFER_DEFAULT);
    *owned    = 1;
    ret_value = copy;
    copy      = H5I_INVALID_HID;

done:
    if (copy >= 0)
        H5Pclose(copy);
    return ret_value;
}

carve_mpi_t *
carve_mpi_join(hid_t fapl_id)
{
    MPI_Comm     comm = MPI_COMM_NULL;
    MPI_Info     info = MPI_INFO_NULL;
    carve_mpi_t *job = NULL, *ret_value = NULL;

    if (!carve_mpi_is_mpio(fapl_id) || !carve_mpi_usable())
        CARVE_GOTO_DONE(NULL);
    /* H5Pget_fapl_mpio hands out duplicates of the list's communicator and info (MPI_Comm_dup: collective,
     * as the program's open that brings carve here). */
    if (H5Pget_fapl_mpio(fapl_id, &comm, &info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_UNDERLYING, NULL,
                         "cannot take the communicator of an MPI-IO open");
    if (NULL == (job = calloc(1, sizeof *job)))
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, NULL, "out of memory joining an MPI job");
    if (MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN) != MPI_SUCCESS ||
        MPI_Comm_rank(comm, &job->rank) != MPI_SUCCESS || MPI_Comm_size(comm, &job->size) != MPI_SUCCESS)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, NULL,
                         "cannot query the communicator of an MPI-IO open");
    if (NULL == (job->sizes = calloc((size_t)job->size, sizeof *job->sizes)) ||
        NULL == (job->displs = calloc((size_t)job->size, sizeof *job->displs)))
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, NULL, "out of memory joining an MPI job of %d ranks",
                         job->size);
    job->comm = comm;
    comm      = MPI_COMM_NULL;
    ret_value = job;
    job       = NULL;

done:
    if (info != MPI_INFO_NULL)
        MPI_Info_free(&info);
    if (comm != MPI_COMM_NULL)
        MPI_Comm_free(&comm);
    if (job) {
        free(job->sizes);
        free(job->displs);
        free(job);
    }
    return ret_value;
}

int
carve_mpi_rank(const carve_mpi_t *job)
{
    return job ? job->rank : 0;
}

int
carve_mpi_size(const carve_mpi_t *job)
{
    return job ? job->size : 1;
}

herr_t
carve_mpi_gather(carve_mpi_t *job, const void *bytes, size_t len, void ***parts, size_t **lens)
{
    int   *sizes = job->sizes, *displs = job->displs;
    int    mine  = len <= INT_MAX && (bytes || len == 0) ? (int)len : 0;
    char  *all   = NULL;
    void **p     = NULL;
    size_t total = 0, *l = NULL;
    int    root      = job->rank == 0;
    herr_t ret_value = 0;

    *parts = NULL;
    *lens  = NULL;
    if (!carve_mpi_usable())
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_UNSUPPORTED, -1, "MPI is no longer usable (finalized)");
    if (MPI_Gather(&mine, 1, MPI_INT, sizes, 1, MPI_INT, 0, job->comm) != MPI_SUCCESS)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, -1, "gathering sizes over %d ranks failed", job->size);
    if (root) {
        for (int r = 0; r < job->size; r++) {
            if (total + (size_t)sizes[r] > INT_MAX)
                sizes[r] = 0; /* past what one MPI_Gatherv can place: that rank's part is missing */
            displs[r] = (int)total;
            total += (size_t)sizes[r];
        }
        /* Without room, rank 0 still joins the collective, receiving nothing: the senders' data is then
         * refused (an error on rank 0), and every rank commits its own reads. */
        if (NULL == (all = malloc(total ? total : 1)))
            memset(sizes, 0, (size_t)job->size * sizeof *sizes);
    }
    if (MPI_Gatherv(bytes, mine, MPI_BYTE, all, sizes, displs, MPI_BYTE, 0, job->comm) != MPI_SUCCESS)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, -1, "gathering access logs over %d ranks failed",
                         job->size);
    if (!root)
        CARVE_GOTO_DONE(0);
    /* The parts point into the one receive buffer, kept behind the last of them (parts_free frees it). */
    if (!all || NULL == (p = calloc((size_t)job->size + 1, sizeof *p)) ||
        NULL == (l = calloc((size_t)job->size, sizeof *l)))
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, -1, "out of memory gathering from %d ranks", job->size);
    for (int r = 0; r < job->size; r++)
        if (sizes[r] > 0) {
            p[r] = all + displs[r];
            l[r] = (size_t)sizes[r];
        }
    p[job->size] = all;
    all          = NULL;
    *parts       = p;
    *lens        = l;
    p            = NULL;
    l            = NULL;

done:
    free(p);
    free(l);
    free(all);
    return ret_value;
}

void
carve_mpi_parts_free(const carve_mpi_t *job, void **parts, size_t *lens)
{
    if (parts)
        free(parts[job->size]); /* the receive buffer every part points into */
    free(parts);
    free(lens);
}

herr_t
carve_mpi_scatter_verdicts(carve_mpi_t *job, const int *verdicts, int *mine)
{
    herr_t ret_value = 0;

    /* Rank 0 without its verdicts (out of memory) tells every rank to do its own work. */
    if (job->rank == 0 && !verdicts) {
        for (int r = 0; r < job->size; r++)
            job->sizes[r] = 1;
        verdicts = job->sizes;
    }
    if (!carve_mpi_usable() ||
        MPI_Scatter(verdicts, 1, MPI_INT, mine, 1, MPI_INT, 0, job->comm) != MPI_SUCCESS)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, -1, "telling %d ranks what rank 0 committed failed",
                         job->size);

done:
    return ret_value;
}

herr_t
carve_mpi_sum(carve_mpi_t *job, uint64_t *values, size_t n)
{
    uint64_t *sums      = NULL;
    herr_t    ret_value = 0;

    if (n > INT_MAX || (job->rank == 0 && NULL == (sums = calloc(n ? n : 1, sizeof *sums))))
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, -1, "out of memory summing counters");
    if (!carve_mpi_usable() ||
        MPI_Reduce(values, sums, (int)n, MPI_UINT64_T, MPI_SUM, 0, job->comm) != MPI_SUCCESS)
        CARVE_GOTO_ERROR(CARVE_E_MPI, CARVE_E_SYSTEM, -1, "summing counters over %d ranks failed", job->size);
    if (sums)
        memcpy(values, sums, n * sizeof *sums);

done:
    free(sums);
    return ret_value;
}

void
carve_mpi_leave(carve_mpi_t *job)
{
    if (!job)
        return;
    if (carve_mpi_usable())
        MPI_Comm_free(&job->comm);
    free(job->sizes);
    free(job->displs);
    free(job);
}

#else /* no MPI in this build: there is never a job */

int
carve_mpi_usable(void)
{
    return 0;
}

int
carve_mpi_is_mpio(hid_t fapl_id)
{
    (void)fapl_id;
    return 0;
}

int
carve_mpi_make_independent(hid_t fapl_id)
{
    (void)fapl_id;
    return 0;
}

hid_t
carve_mpi_independent_xfer(hid_t dxpl_id, int *owned)
{
    *owned = 0;
    return dxpl_id;
}

carve_mpi_t *
carve_mpi_join(hid_t fapl_id)
{
    (void)fapl_id;
    return NULL;
}

int
carve_mpi_rank(const carve_mpi_t *job)
{
    (void)job;
    return 0;
}

int
carve_mpi_size(const carve_mpi_t *job)
{
    (void)job;
    return 1;
}

herr_t
carve_mpi_gather(carve_mpi_t *job, const void *bytes, size_t len, void ***parts, size_t **lens)
{
    (void)job, (void)bytes, (void)len;
    *parts = NULL;
    *lens  = NULL;
    return -1;
}

void
carve_mpi_parts_free(const carve_mpi_t *job, void **parts, size_t *lens)
{
    (void)job, (void)parts, (void)lens;
}

herr_t
carve_mpi_scatter_verdicts(carve_mpi_t *job, const int *verdicts, int *mine)
{
    (void)job, (void)verdicts, (void)mine;
    return -1;
}

herr_t
carve_mpi_sum(carve_mpi_t *job, uint64_t *values, size_t n)
{
    (void)job, (void)values, (void)n;
    return -1;
}

void
carve_mpi_leave(carve_mpi_t *job)
{
    (void)job;
}

#endif
