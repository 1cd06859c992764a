/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * climate_season.c — carve_climate_season: an ordinary HDF5 analysis (it knows nothing of carve) of one
 * region and one season of carve_make_climate's file: the seasonal mean, minimum and maximum of /tas per
 * year and over all years, in the units the file names.
 *
 * Usage: carve_climate_season FILE.h5|URL [--region LAT0,LAT1,LON0,LON1] [--season DJF|MAM|JJA|SON]
 *   a URL (http:// or https://) is read with HDF5's ROS3 driver, anonymously.
 *   defaults: Europe (35..70 N, -10..40 E) in summer (JJA). The year has 365 days (the file's noleap
 *   calendar); DJF takes December of the year before, so it starts in the second year.
 *
 * It reads the coordinate variables whole (small), the attributes it prints, and one hyperslab of /tas per
 * year: [the season's days, the region's latitudes, the region's longitudes]. The output is text only, so
 * that runs can be compared with cmp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

static void
season_fail(const char *what)
{
    fprintf(stderr, "carve_climate_season: %s failed\n", what);
    H5Eprint2(H5E_DEFAULT, stderr);
    exit(1);
}

/* A string attribute of an object, into buf. */
static void
season_attribute(hid_t obj, const char *name, char *buf, size_t size)
{
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT), type = H5I_INVALID_HID, mem = H5Tcopy(H5T_C_S1);
    if (attr < 0 || (type = H5Aget_type(attr)) < 0 || H5Tget_size(type) >= size ||
        H5Tset_size(mem, size) < 0 || H5Aread(attr, mem, buf) < 0)
        season_fail(name);
    buf[size - 1] = '\0';
    H5Tclose(mem);
    H5Tclose(type);
    H5Aclose(attr);
}

/* A 1-D float32 coordinate variable, whole. */
static float *
season_coordinate(hid_t file, const char *name, hsize_t *n)
{
    hid_t  dset = H5Dopen2(file, name, H5P_DEFAULT), space;
    float *values;
    if (dset < 0 || (space = H5Dget_space(dset)) < 0 || H5Sget_simple_extent_dims(space, n, NULL) != 1)
        season_fail(name);
    if (NULL == (values = malloc(*n * sizeof *values)) ||
        H5Dread(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        season_fail(name);
    H5Sclose(space);
    H5Dclose(dset);
    return values;
}

/* The first and last index of values (ascending) within [lo, hi]; 0 when none is. */
static int
season_range(const float *values, hsize_t n, double lo, double hi, hsize_t *first, hsize_t *last)
{
    int found = 0;
    for (hsize_t i = 0; i < n; i++)
        if (values[i] >= lo && values[i] <= hi) {
            if (!found)
                *first = i;
            *last = i;
            found = 1;
        }
    return found;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int         first_day, ndays; /* day of the year (0 = 1 January), days */
    } seasons[]           = {{"DJF", 334, 90}, {"MAM", 59, 92}, {"JJA", 151, 92}, {"SON", 243, 91}};
    double      region[4] = {35, 70, -10, 40};
    const char *season    = "JJA";
    int         s         = -1;
    hid_t       fapl, file, tas, tspace, time;
    hsize_t     nlat, nlon, dims[3], lat0 = 0, lat1 = 0, lon0 = 0, lon1 = 0;
    float      *lat, *lon, *block;
    char        units[64], long_name[128], time_units[64], calendar[32];
    double      sum_all = 0;
    size_t      years   = 0;

    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: carve_climate_season FILE.h5 [--region LAT0,LAT1,LON0,LON1] "
                        "[--season DJF|MAM|JJA|SON]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (0 == strcmp(argv[i], "--region") && i + 1 < argc &&
            4 == sscanf(argv[i + 1], "%lf,%lf,%lf,%lf", &region[0], &region[1], &region[2], &region[3]))
            i++;
        else if (0 == strcmp(argv[i], "--season") && i + 1 < argc)
            season = argv[++i];
        else {
            fprintf(stderr, "carve_climate_season: bad argument %s\n", argv[i]);
            return 2;
        }
    }
    for (int k = 0; k < 4; k++)
        if (0 == strcmp(season, seasons[k].name))
            s = k;
    if (s < 0) {
        fprintf(stderr, "carve_climate_season: --season takes DJF, MAM, JJA or SON, not %s\n", season);
        return 2;
    }

    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0)
        season_fail("H5Pcreate");
    if (0 == strncmp(argv[1], "http://", 7) || 0 == strncmp(argv[1], "https://", 8)) {
#ifdef H5_HAVE_ROS3_VFD
        H5FD_ros3_fapl_t ros3; /* anonymous */
        memset(&ros3, 0, sizeof ros3);
        ros3.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
        if (H5Pset_fapl_ros3(fapl, &ros3) < 0)
            season_fail("H5Pset_fapl_ros3");
#else
        fprintf(stderr, "carve_climate_season: this HDF5 has no ROS3 driver to read %s\n", argv[1]);
        return 2;
#endif
    }
    if ((file = H5Fopen(argv[1], H5F_ACC_RDONLY, fapl)) < 0)
        season_fail(argv[1]);
    H5Pclose(fapl);
    lat = season_coordinate(file, "lat", &nlat);
    lon = season_coordinate(file, "lon", &nlon);
    if ((time = H5Dopen2(file, "time", H5P_DEFAULT)) < 0)
        season_fail("time");
    season_attribute(time, "units", time_units, sizeof time_units);
    season_attribute(time, "calendar", calendar, sizeof calendar);
    H5Dclose(time);
    if ((tas = H5Dopen2(file, "tas", H5P_DEFAULT)) < 0 || (tspace = H5Dget_space(tas)) < 0 ||
        H5Sget_simple_extent_dims(tspace, dims, NULL) != 3 || dims[1] != nlat || dims[2] != nlon)
        season_fail("tas");
    season_attribute(tas, "units", units, sizeof units);
    season_attribute(tas, "long_name", long_name, sizeof long_name);
    if (!season_range(lat, nlat, region[0], region[1], &lat0, &lat1) ||
        !season_range(lon, nlon, region[2], region[3], &lon0, &lon1)) {
        fprintf(stderr, "carve_climate_season: no grid point in the region\n");
        return 2;
    }
    printf("%s (%s), %s, time in %s (%s calendar)\n", long_name, units, season, time_units, calendar);
    printf("region: latitudes %.2f..%.2f (%llu points), longitudes %.2f..%.2f (%llu points)\n", lat[lat0],
           lat[lat1], (unsigned long long)(lat1 - lat0 + 1), lon[lon0], lon[lon1],
           (unsigned long long)(lon1 - lon0 + 1));
    if (NULL ==
        (block = malloc((size_t)seasons[s].ndays * (lat1 - lat0 + 1) * (lon1 - lon0 + 1) * sizeof *block)))
        season_fail("malloc");
    for (hsize_t year = 0;; year++) {
        hsize_t first = year * 365 + (hsize_t)seasons[s].first_day;
        hsize_t start[3], count[3], n;
        hid_t   mem;
        double  sum = 0;
        float   lo = 1e30f, hi = -1e30f;

        if (s == 0) { /* DJF: December of the year before */
            if (year == 0)
                continue;
            first -= 365;
        }
        if (first + (hsize_t)seasons[s].ndays > dims[0])
            break;
        start[0] = first, start[1] = lat0, start[2] = lon0;
        count[0] = (hsize_t)seasons[s].ndays, count[1] = lat1 - lat0 + 1, count[2] = lon1 - lon0 + 1;
        n = count[0] * count[1] * count[2];
        if ((mem = H5Screate_simple(3, count, NULL)) < 0 ||
            H5Sselect_hyperslab(tspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dread(tas, H5T_NATIVE_FLOAT, mem, tspace, H5P_DEFAULT, block) < 0)
            season_fail("reading tas");
        H5Sclose(mem);
        for (hsize_t i = 0; i < n; i++) {
            sum += block[i];
            lo = block[i] < lo ? block[i] : lo;
            hi = block[i] > hi ? block[i] : hi;
        }
        printf("year %llu: mean %.4f, min %.4f, max %.4f %s (days %llu..%llu)\n",
               (unsigned long long)year + 1, sum / (double)n, lo, hi, units, (unsigned long long)first,
               (unsigned long long)(first + count[0] - 1));
        sum_all += sum / (double)n;
        years++;
    }
    if (years == 0)
        printf("no complete %s in %llu days\n", season, (unsigned long long)dims[0]);
    else
        printf("%s mean over %zu years: %.4f %s\n", season, years, sum_all / (double)years, units);
    free(block);
    free(lat);
    free(lon);
    H5Sclose(tspace);
    H5Dclose(tas);
    if (H5Fclose(file) < 0)
        season_fail("H5Fclose");
    return 0;
}
