/*
 * exit_shim.c — preloaded (after the sanitizer runtimes) into programs carve's sanitizer builds load the
 * plugin into but that are not built with sanitizers themselves (h5_api_test, the HDF5 tools, the
 * package consumer).
 *
 * Why: with libasan preloaded into such a program, glibc 2.36 deadlocks at exit in libp11-kit's
 * destructor (freelocale waits on the setlocale lock; libp11-kit comes in through libhdf5 -> libcurl).
 * That hang is in the platform, not in carve. This shim ends the process the way exit() would, minus
 * the library destructors: it flushes stdio and leaves with the same status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void
exit(int status)
{
    fflush(NULL);
    _exit(status);
}
