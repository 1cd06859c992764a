/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reopen.c — carve_reopen: opens a file, reads a dataset, closes it and shuts HDF5 down (H5close), twice.
 * carve registers its error class and shutdown handlers with the first HDF5 session; the second session
 * must find them gone and register them again without a word on stderr.
 *
 *   carve_reopen <file> <dataset>      prints "carve_reopen: <sum of the first 16 elements>" per round
 */
#include <stdio.h>
#include <stdlib.h>

#include <hdf5.h>

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: carve_reopen <file> <dataset>\n");
        return 2;
    }
    for (int round = 0; round < 2; round++) {
        hid_t   file  = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT), dset, space, mspace;
        hsize_t start = 0, count = 16;
        double  v[16], sum       = 0;

        if (file < 0 || (dset = H5Dopen2(file, argv[2], H5P_DEFAULT)) < 0 ||
            (space = H5Dget_space(dset)) < 0 || (mspace = H5Screate_simple(1, &count, NULL)) < 0 ||
            H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0 ||
            H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, space, H5P_DEFAULT, v) < 0) {
            fprintf(stderr, "carve_reopen: round %d failed\n", round + 1);
            return 1;
        }
        for (int i = 0; i < 16; i++)
            sum += v[i];
        printf("carve_reopen: %g\n", sum);
        H5Sclose(mspace);
        H5Sclose(space);
        H5Dclose(dset);
        H5Fclose(file);
        H5close();
    }
    return 0;
}
