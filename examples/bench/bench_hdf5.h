/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_hdf5.h — what the benchmark programs that link HDF5 (carve_bench_read, carve_bench_prog) share;
 * bench_common.h is for all of them, the drivers included, which do not link HDF5.
 */
#ifndef CARVE_BENCH_HDF5_H
#define CARVE_BENCH_HDF5_H

#include <stddef.h>

#include <hdf5.h>

/* Reads an open attribute whole, in its file type (no conversion), into *buffer (grown as needed; *capacity
 * its size; the caller frees it); *size receives the bytes read. Returns 0, or -1 with *what naming the
 * step that failed ("opening an attribute", "allocating an attribute buffer", "H5Aread"). */
int bench_attr_read_whole(hid_t attr, unsigned char **buffer, size_t *capacity, size_t *size,
                          const char **what);

#endif
