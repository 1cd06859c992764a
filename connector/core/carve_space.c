/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_space.c — a selection's element count and bounding box through HDF5's own dataspace accessors
 * when the library offers them, else through the public calls (see carve_space.h).
 *
 * The accessors are HDF5's library-private functions behind H5Sget_select_npoints and
 * H5Sget_select_bounds (H5Sprivate.h, H5Iprivate.h), exported by its shared library. They are declared
 * weak (carve_space.h, with the inline carve_space_box, which replay asks at every read): a library that does not export them leaves them NULL, and carve makes the public calls. Their
 * signatures are those of the 1.14 series, so they are used only when carve was built against 1.14, the
 * library loaded is 1.14 as well, and they answer a probe as the public calls do (space_accessors_agree).
 */
#include "carve_space.h"

#include <string.h>

static int space_direct      = -1; /* the accessors are there: -1 not known yet */
static int space_allowed     = 1;
int        carve_space_use_g = -1; /* space_direct && space_allowed: -1 not known yet */

#ifdef CARVE_SPACE_ACCESSORS
/* Whether the accessors give the public calls' answers on a probe: a strided hyperslab, shifted by
 * an offset, in a rank-3 extent (its kind, extent, count and bounds). A release of the series whose private functions took other arguments
 * or meant something else would fail here, and carve would make the public calls: the accessors are
 * never trusted on their names alone. */
static int
space_accessors_agree(void)
{
    hsize_t  dims[3] = {7, 11, 13}, start[3] = {1, 2, 3}, count[3] = {2, 1, 3}, stride[3] = {3, 1, 4};
    hsize_t  lo[3], hi[3], plo[3], phi[3];
    hssize_t offset[3] = {1, 0, -1}, np;
    hid_t    space     = H5Screate_simple(3, dims, NULL);
    int      agree     = 0;

    if (space >= 0 && H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, NULL) >= 0 &&
        H5Soffset_simple(space, offset) >= 0 && (np = H5Sget_select_npoints(space)) == 6 &&
        H5Sget_select_bounds(space, plo, phi) >= 0) {
        const void *s = H5I_object_verify(space, H5I_DATASPACE);

        hsize_t d[3] = {0, 0, 0};

        agree = s != NULL && H5S_get_simple_extent_ndims(s) == 3 &&
                H5S_get_select_npoints(s) == (hsize_t)np && H5S_get_select_bounds(s, lo, hi) >= 0 &&
                memcmp(lo, plo, sizeof lo) == 0 && memcmp(hi, phi, sizeof hi) == 0 &&
                H5S_get_select_type(s) == H5S_SEL_HYPERSLABS && H5S_get_simple_extent_dims(s, d, NULL) == 3 &&
                memcmp(d, dims, sizeof d) == 0;
    }
    if (space >= 0)
        H5Sclose(space);
    return agree;
}
#endif

/* Whether the accessors are there and answer as the public calls do, learnt once. */
static int
space_check(void)
{
    if (space_direct < 0) {
        space_direct = 0;
#ifdef CARVE_SPACE_ACCESSORS
        {
            unsigned major = 0, minor = 0, release = 0;

            if (H5I_object_verify && H5S_get_select_npoints && H5S_get_select_bounds &&
                H5S_get_simple_extent_dims && H5S_get_select_type && H5S_get_simple_extent_ndims &&
                H5get_libversion(&major, &minor, &release) >= 0 && major == 1 && minor == 14 &&
                space_accessors_agree())
                space_direct = 1;
        }
#endif
    }
    carve_space_use_g = space_direct && space_allowed;
    return carve_space_use_g;
}

int
carve_space_direct(void)
{
    return space_check();
}

void
carve_space_allow_direct(int allow)
{
    space_allowed = allow != 0;
    space_check();
}

/* The dataspace behind an identifier, or NULL: not a dataspace, or the accessors are not used (the public
 * call then answers, and says what is wrong). */
static inline const void *
space_object(hid_t space)
{
#ifdef CARVE_SPACE_ACCESSORS
    if (carve_space_use_g > 0 || (carve_space_use_g < 0 && space_check()))
        return H5I_object_verify(space, H5I_DATASPACE);
#else
    (void)space;
#endif
    return NULL;
}

hssize_t
carve_space_npoints(hid_t space)
{
#ifdef CARVE_SPACE_ACCESSORS
    const void *s = space_object(space);

    if (s)
        return (hssize_t)H5S_get_select_npoints(s);
#endif
    return H5Sget_select_npoints(space);
}

herr_t
carve_space_bounds(hid_t space, hsize_t *lo, hsize_t *hi)
{
#ifdef CARVE_SPACE_ACCESSORS
    const void *s = space_object(space);

    /* A failure (a selection of nothing, an offset moving it out of its extent) is asked again publicly,
     * which reports it as before. */
    if (s && H5S_get_select_bounds(s, lo, hi) >= 0)
        return 0;
#endif
    return H5Sget_select_bounds(space, lo, hi);
}

herr_t
carve_space_box_other(hid_t space, int *rank, hsize_t *npoints, hsize_t *lo, hsize_t *hi)
{
    hssize_t n;

#ifdef CARVE_SPACE_ACCESSORS
    const void *s = space_object(space);

    if (s && carve_space_box_of(s, rank, npoints, lo, hi) == 0)
        return 0;
#endif
    if ((*rank = H5Sget_simple_extent_ndims(space)) < 0 || (n = H5Sget_select_npoints(space)) < 0)
        return -1;
    *npoints = (hsize_t)n;
    return n == 0 ? 0 : H5Sget_select_bounds(space, lo, hi);
}
