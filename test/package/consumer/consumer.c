/* SPDX-License-Identifier: BSD-3-Clause */
/* consumer.c — a downstream program: selects carve with H5Pset_fapl_carve, writes and reads a file
 * through it, and checks that the file really went through carve. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carve_vol.h>

int
main(int argc, char **argv)
{
    const char      *path    = argc > 1 ? argv[1] : "consumer.h5";
    carve_vol_info_t info    = {.version = CARVE_VOL_INFO_VERSION, .mode = CARVE_MODE_OFF};
    int              data[4] = {1, 2, 3, 4}, back[4] = {0};
    hsize_t          dims[1]  = {4};
    char             name[64] = "";
    hid_t            fapl, file, space, dset, vol;

    fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (H5Pset_fapl_carve(fapl, &info) < 0)
        return 1;
    if ((file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0)
        return 1;
    space = H5Screate_simple(1, dims, NULL);
    dset  = H5Dcreate2(file, "d", H5T_NATIVE_INT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (dset < 0 || H5Dwrite(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        return 1;
    H5Dclose(dset);
    H5Sclose(space);
    H5Fclose(file);

    if ((file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0)
        return 1;
    vol = H5VLget_connector_id(file);
    H5VLget_connector_name(file, name, sizeof name);
    dset = H5Dopen2(file, "d", H5P_DEFAULT);
    if (dset < 0 || H5Dread(dset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) < 0)
        return 1;
    H5Dclose(dset);
    H5VLclose(vol);
    H5Fclose(file);
    H5Pclose(fapl);
    if (strcmp(name, CARVE_VOL_NAME) != 0 || memcmp(data, back, sizeof data) != 0) {
        fprintf(stderr, "consumer: connector '%s', data %s\n", name,
                memcmp(data, back, sizeof data) ? "differs" : "ok");
        return 1;
    }
    printf("consumer: read back through '%s'\n", name);
    exit(EXIT_SUCCESS);
}
