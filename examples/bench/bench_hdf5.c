/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_hdf5.c — the helpers of bench_hdf5.h (benchmark programs that link HDF5).
 */
#include <stdlib.h>

#include "bench_hdf5.h"

int
bench_attr_read_whole(hid_t attr, unsigned char **buffer, size_t *capacity, size_t *size, const char **what)
{
    hid_t    type   = H5Aget_type(attr);
    hid_t    space  = H5Aget_space(attr);
    hssize_t points = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    size_t   bytes  = type >= 0 && points >= 0 ? H5Tget_size(type) * (size_t)points : 0;
    int      status = -1;

    *what = "opening an attribute";
    if (!bytes)
        goto done;
    if (bytes > *capacity) {
        unsigned char *bigger = realloc(*buffer, bytes);

        *what = "allocating an attribute buffer";
        if (!bigger)
            goto done;
        *buffer   = bigger;
        *capacity = bytes;
    }
    *what = "H5Aread";
    if (H5Aread(attr, type, *buffer) < 0)
        goto done;
    *size  = bytes;
    *what  = NULL;
    status = 0;

done:
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return status;
}
