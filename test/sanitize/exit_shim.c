/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exit_shim.c — preloaded (after the sanitizer runtimes) into programs carve's sanitizer builds load the
 * plugin into but that are not built with sanitizers themselves (h5_api_test, the HDF5 tools, the
 * package consumer, netCDF's ncdump).
 *
 * Why: with libasan preloaded into such a program, glibc 2.36 deadlocks at exit in libp11-kit's
 * destructor (freelocale waits on the setlocale lock; libp11-kit comes in through libhdf5 -> libcurl).
 * That hang is in the platform, not in carve. This shim ends the process the way exit() would, minus
 * the exit handlers and library destructors: it first shuts HDF5 down as HDF5's own exit handler would
 * (H5close, when HDF5 is loaded — that is when carve commits its containers), flushes stdio and leaves
 * with the same status.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void
exit(int status)
{
    int (*hdf5_close)(void);

    *(void **)&hdf5_close = dlsym(RTLD_DEFAULT, "H5close");
    if (hdf5_close)
        hdf5_close();
    fflush(NULL);
    _exit(status);
}
