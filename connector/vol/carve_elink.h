/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_elink.h — carve's traversal of external links under replay (carve_elink.c).
 */
#ifndef CARVE_ELINK_H
#define CARVE_ELINK_H

#include <hdf5.h>

/* Takes over the traversal of external links for this process (once per HDF5 session: HDF5 forgets the
 * override when it shuts down, and carve_elink.c's shutdown hook forgets it too). */
herr_t carve_elink_register(void);

#endif /* CARVE_ELINK_H */
