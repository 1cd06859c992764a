/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * make_climate.c — carve_make_climate: writes a climate-like HDF5 file for the story in
 * examples/climate/run.sh, a few hundred MB in seconds at the default size.
 *
 * Usage: carve_make_climate OUT.h5 [--days N] [--nlat N] [--nlon N]
 *   defaults: 1460 days (4 years of a 365-day calendar) on a 1-degree grid (180 x 360): 378 MB of
 *   float32 before compression.
 *
 * Contents (deterministic: the same arguments give the same values; object time stamps off):
 *   /            attributes title, institution, Conventions, history
 *   /time        float64 [days]: days since 2000-01-01 (calendar noleap), attributes units, calendar,
 *                standard_name, axis
 *   /lat, /lon   float32 cell centres, degrees north (-90..90) and east (-180..180), with units,
 *                standard_name, axis
 *   /tas         float32 [time, lat, lon], chunks of 30 days x a quarter of the grid each way, shuffle and
 *                deflate level 1; attributes units (K), standard_name, long_name, coordinates. The value
 *                is a zonal climate with a seasonal cycle (opposite in the two hemispheres), a wave in
 *                longitude, a slow warming and a little deterministic noise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#define CLIMATE_CHUNK_DAYS 30
#define CLIMATE_PI         3.14159265358979323846

static void
climate_check(long long status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "carve_make_climate: %s failed\n", what);
        exit(EXIT_FAILURE);
    }
}

static void
climate_string_attribute(hid_t loc, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), attr;

    climate_check(H5Tset_size(type, strlen(value) + 1), "H5Tset_size");
    climate_check(attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT), name);
    climate_check(H5Awrite(attr, type, value), name);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

/* A 1-D coordinate variable with its attributes. */
static void
climate_coordinate(hid_t file, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
                   const void *values, const char *units, const char *standard_name, const char *axis)
{
    hid_t space = H5Screate_simple(1, &n, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), dset;

    climate_check(H5Pset_obj_track_times(dcpl, 0), "H5Pset_obj_track_times");
    climate_check(dset = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), name);
    climate_check(H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), name);
    climate_string_attribute(dset, "units", units);
    climate_string_attribute(dset, "standard_name", standard_name);
    climate_string_attribute(dset, "axis", axis);
    H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
}

static unsigned long
climate_arg(int argc, char **argv, int *i)
{
    char         *end;
    unsigned long v;
    if (*i + 1 >= argc || (v = strtoul(argv[*i + 1], &end, 10)) == 0 || *end) {
        fprintf(stderr, "carve_make_climate: %s takes a positive number\n", argv[*i]);
        exit(2);
    }
    (*i)++;
    return v;
}

/* A small deterministic noise in [-0.5, 0.5). */
static float
climate_noise(uint64_t k)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    return (float)(k & 0xffff) / 65536.0f - 0.5f;
}

int
main(int argc, char **argv)
{
    hsize_t days = 1460, nlat = 180, nlon = 360;
    hsize_t dims[3], chunk[3];
    hid_t   fcpl, file, space, dcpl, tas;
    double *time;
    float  *lat, *lon, *base, *season_amp, *wave, *block;

    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: carve_make_climate OUT.h5 [--days N] [--nlat N] [--nlon N]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (0 == strcmp(argv[i], "--days"))
            days = climate_arg(argc, argv, &i);
        else if (0 == strcmp(argv[i], "--nlat"))
            nlat = climate_arg(argc, argv, &i);
        else if (0 == strcmp(argv[i], "--nlon"))
            nlon = climate_arg(argc, argv, &i);
        else {
            fprintf(stderr, "carve_make_climate: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    time       = malloc(days * sizeof *time);
    lat        = malloc(nlat * sizeof *lat);
    lon        = malloc(nlon * sizeof *lon);
    base       = malloc(nlat * sizeof *base);
    season_amp = malloc(nlat * sizeof *season_amp);
    wave       = malloc(nlon * sizeof *wave);
    block      = malloc((size_t)CLIMATE_CHUNK_DAYS * nlat * nlon * sizeof *block);
    if (!time || !lat || !lon || !base || !season_amp || !wave || !block) {
        fprintf(stderr, "carve_make_climate: out of memory\n");
        return 1;
    }
    for (hsize_t t = 0; t < days; t++)
        time[t] = (double)t;
    for (hsize_t j = 0; j < nlat; j++) {
        double phi    = (-90.0 + (j + 0.5) * 180.0 / nlat) * CLIMATE_PI / 180.0;
        lat[j]        = (float)(-90.0 + (j + 0.5) * 180.0 / nlat);
        base[j]       = (float)(300.0 - 50.0 * sin(phi) * sin(phi));
        season_amp[j] = (float)(15.0 * sin(phi)); /* summer in July north, in January south */
    }
    for (hsize_t k = 0; k < nlon; k++) {
        lon[k]  = (float)(-180.0 + (k + 0.5) * 360.0 / nlon);
        wave[k] = (float)(3.0 * sin(3.0 * lon[k] * CLIMATE_PI / 180.0));
    }

    climate_check(fcpl = H5Pcreate(H5P_FILE_CREATE), "H5Pcreate");
    climate_check(file = H5Fcreate(argv[1], H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), argv[1]);
    climate_string_attribute(file, "title", "carve example: a synthetic daily near-surface temperature");
    climate_string_attribute(file, "institution", "carve examples/climate");
    climate_string_attribute(file, "Conventions", "CF-1.8");
    climate_string_attribute(file, "history", "written by carve_make_climate");
    climate_coordinate(file, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, days, time, "days since 2000-01-01",
                       "time", "T");
    {
        hid_t tset;
        climate_check(tset = H5Dopen2(file, "time", H5P_DEFAULT), "time");
        climate_string_attribute(tset, "calendar", "noleap");
        H5Dclose(tset);
    }
    climate_coordinate(file, "lat", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, nlat, lat, "degrees_north", "latitude",
                       "Y");
    climate_coordinate(file, "lon", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, nlon, lon, "degrees_east", "longitude",
                       "X");

    dims[0]  = days;
    dims[1]  = nlat;
    dims[2]  = nlon;
    chunk[0] = days < CLIMATE_CHUNK_DAYS ? days : CLIMATE_CHUNK_DAYS;
    chunk[1] = (nlat + 3) / 4;
    chunk[2] = (nlon + 3) / 4;
    climate_check(space = H5Screate_simple(3, dims, NULL), "H5Screate_simple");
    climate_check(dcpl = H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
    climate_check(H5Pset_chunk(dcpl, 3, chunk), "H5Pset_chunk");
    climate_check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
    climate_check(H5Pset_deflate(dcpl, 1), "H5Pset_deflate");
    climate_check(H5Pset_obj_track_times(dcpl, 0), "H5Pset_obj_track_times");
    climate_check(tas = H5Dcreate2(file, "tas", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                  "tas");
    climate_string_attribute(tas, "units", "K");
    climate_string_attribute(tas, "standard_name", "air_temperature");
    climate_string_attribute(tas, "long_name", "Near-Surface Air Temperature");
    climate_string_attribute(tas, "coordinates", "time lat lon");

    /* Blocks of whole chunks in time, so that every chunk is written once, whole. */
    for (hsize_t t0 = 0; t0 < days; t0 += CLIMATE_CHUNK_DAYS) {
        hsize_t n        = days - t0 < CLIMATE_CHUNK_DAYS ? days - t0 : CLIMATE_CHUNK_DAYS;
        hsize_t start[3] = {t0, 0, 0}, count[3] = {n, nlat, nlon};
        hid_t   mem, file_space;

        for (hsize_t t = 0; t < n; t++) {
            float  season = (float)-cos(2.0 * CLIMATE_PI * ((double)((t0 + t) % 365) - 15.0) / 365.0);
            float *plane  = block + t * nlat * nlon;
            float  trend  = 0.0001f * (float)(t0 + t); /* a warming of 0.0365 K a year */
            for (hsize_t j = 0; j < nlat; j++)
                for (hsize_t k = 0; k < nlon; k++)
                    plane[j * nlon + k] = base[j] + season_amp[j] * season + wave[k] + trend +
                                          climate_noise(((t0 + t) * nlat + j) * nlon + k);
        }
        climate_check(mem = H5Screate_simple(3, count, NULL), "H5Screate_simple");
        climate_check(file_space = H5Dget_space(tas), "H5Dget_space");
        climate_check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL), "select");
        climate_check(H5Dwrite(tas, H5T_NATIVE_FLOAT, mem, file_space, H5P_DEFAULT, block), "H5Dwrite tas");
        H5Sclose(file_space);
        H5Sclose(mem);
    }
    H5Dclose(tas);
    H5Pclose(dcpl);
    H5Sclose(space);
    climate_check(H5Fclose(file), "H5Fclose");
    H5Pclose(fcpl);
    printf("carve_make_climate: %s: tas %llu days x %llu x %llu (%.1f MB of float32), chunks %llu x %llu x "
           "%llu\n",
           argv[1], (unsigned long long)days, (unsigned long long)nlat, (unsigned long long)nlon,
           (double)(days * nlat * nlon * 4) / 1e6, (unsigned long long)chunk[0], (unsigned long long)chunk[1],
           (unsigned long long)chunk[2]);
    free(time);
    free(lat);
    free(lon);
    free(base);
    free(season_amp);
    free(wave);
    free(block);
    return 0;
}
