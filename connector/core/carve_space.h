/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_space.h — the two questions replay asks of every read's file selection, its element count and
 * its bounding box, at the cost of the answer.
 *
 * Each public dataspace call (H5Sget_select_npoints, H5Sget_select_bounds, ...) pushes and pops an API
 * context and clears the error stack: ~200 instructions around an answer that HDF5 keeps ready (the
 * count is a field, the box of a regular hyperslab a few loads). A read inside a VOL callback already
 * runs in the program's API context, so these ask HDF5's own accessors of the dataspace (the
 * functions behind the public calls, with the same answers) where the library exports them and is the
 * release series carve was built for (1.14); anywhere else, and whenever the accessor cannot answer,
 * they make the public call, which also reports a failure on the error stack as before.
 */
#ifndef CARVE_SPACE_H
#define CARVE_SPACE_H

#include <hdf5.h>

/* The number of elements space selects, or -1 (on the stack: not a dataspace): H5Sget_select_npoints. */
hssize_t carve_space_npoints(hid_t space);
/* The bounding box of space's selection, its offset included: rank entries each of lo and hi. Fails (-1,
 * on the stack) for a selection of nothing, as H5Sget_select_bounds does. */
herr_t carve_space_bounds(hid_t space, hsize_t *lo, hsize_t *hi);
/* 1 when the accessors are used, 0 when every question is a public call (tests compare both ways). */
int carve_space_direct(void);
/* Tests: 0 asks every question through the public calls, 1 (the default) lets the accessors answer. */
void carve_space_allow_direct(int allow);

/* carve_space_box when the accessors do not answer (not known yet whether they are there, not there, or
 * failing). */
herr_t carve_space_box_other(hid_t space, int *rank, hsize_t *npoints, hsize_t *lo, hsize_t *hi);

#if defined(__GNUC__) && H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 14
#define CARVE_SPACE_ACCESSORS 1
/* HDF5's accessors (carve_space.c); H5S_t is opaque here: carve hands HDF5 back what HDF5 gave. */
extern void   *H5I_object_verify(hid_t id, H5I_type_t type) __attribute__((weak));
extern hsize_t H5S_get_select_npoints(const void *space) __attribute__((weak));
extern herr_t  H5S_get_select_bounds(const void *space, hsize_t *start, hsize_t *end) __attribute__((weak));
extern int     H5S_get_simple_extent_ndims(const void *space) __attribute__((weak));
extern int H5S_get_simple_extent_dims(const void *space, hsize_t *dims, hsize_t *max) __attribute__((weak));
extern H5S_sel_type H5S_get_select_type(const void *space) __attribute__((weak));
extern int          carve_space_use_g; /* the accessors answer: 1 yes, 0 no, -1 not known yet */
#endif

#ifdef CARVE_SPACE_ACCESSORS
/* carve_space_box's answer from the accessors, for the dataspace s: 0, or -1 when they cannot answer. */
static inline herr_t
carve_space_box_of(const void *s, int *rank, hsize_t *npoints, hsize_t *lo, hsize_t *hi)
{
    *rank    = H5S_get_simple_extent_ndims(s);
    *npoints = H5S_get_select_npoints(s);
    return *rank >= 0 && (*npoints == 0 || H5S_get_select_bounds(s, lo, hi) >= 0) ? 0 : -1;
}
#endif

/* All three at once, one lookup of the identifier: the space's rank, the number of elements it selects,
 * and when that is not 0 the bounding box (rank entries each of lo and hi, of H5S_MAX_RANK). -1 (on the
 * stack) as a public call fails. Inline: it is asked once per replayed read. */
static inline herr_t
carve_space_box(hid_t space, int *rank, hsize_t *npoints, hsize_t *lo, hsize_t *hi)
{
#ifdef CARVE_SPACE_ACCESSORS
    const void *s;

    if (carve_space_use_g > 0 && (s = H5I_object_verify(space, H5I_DATASPACE)) != NULL &&
        carve_space_box_of(s, rank, npoints, lo, hi) == 0)
        return 0;
#endif
    return carve_space_box_other(space, rank, npoints, lo, hi);
}

/* What carve records of a read whose file selection is one block of a hyperslab, the common case of a
 * program's many small reads, with one lookup of the identifier: the space's rank and extent (dims), the
 * block (lo and hi inclusive, the selection's offset applied, as the read itself applies it) and its
 * element count. 1 when it answered so; 0 when the caller must ask the public calls (another kind of
 * selection, several blocks, or the accessors not used). Inline: it is asked once per recorded read. */
static inline int
carve_space_one_block(hid_t space, int *rank, hsize_t *dims, hsize_t *npoints, hsize_t *lo, hsize_t *hi)
{
#ifdef CARVE_SPACE_ACCESSORS
    const void *s;
    hsize_t     volume = 1;

    if (carve_space_use_g < 0)
        (void)carve_space_direct();
    if (carve_space_use_g <= 0 || (s = H5I_object_verify(space, H5I_DATASPACE)) == NULL ||
        H5S_get_select_type(s) != H5S_SEL_HYPERSLABS ||
        (*rank = H5S_get_simple_extent_dims(s, dims, NULL)) < 1 || H5S_get_select_bounds(s, lo, hi) < 0)
        return 0;
    *npoints = H5S_get_select_npoints(s);
    for (int d = 0; d < *rank; d++)
        volume *= hi[d] - lo[d] + 1;
    return volume == *npoints;
#else
    (void)space, (void)rank, (void)dims, (void)npoints, (void)lo, (void)hi;
    return 0;
#endif
}

#endif /* CARVE_SPACE_H */
