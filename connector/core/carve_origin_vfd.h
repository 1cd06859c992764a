/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_origin_vfd.h — carve's read-only file driver for URL origins, in two roles, around one byte store
 * (carve_bytestore.h) per origin:
 *
 *   tee    during the program's own run (mode carve): every read goes to HDF5's ROS3 driver exactly as it
 *          would natively (the same requests), and what ROS3 returned is also kept in the store, up to the
 *          store's limit. The program's results are ROS3's.
 *   fetch  for the files carve opens itself (the commit's reopen of the origin): a read the store holds is
 *          answered from it, without a request; any other is read with carve's own validated range
 *          requests (carve_origin_fetch: 206, the range asked for, exactly its length), and kept. Metadata
 *          misses are read in pages that double while misses follow each other (64 KiB up to 1 MiB), so a walk of a whole
 *          skeleton costs a few requests, not one per object header; raw data is read exactly. While the
 *          file is open, the connections of carve's requests to its URL are kept (carve_origin_conn_open):
 *          its misses, and the other fetches of that URL meanwhile, reuse them.
 *
 * So a commit asks the server only for what the program's run did not read, and stores the bytes the
 * program saw. An access list with the tee driver is never handed to the program: carve_origin_vfd_restore
 * puts the program's ROS3 settings back into a file's access list (H5Fget_access_plist). No VOL code.
 */
#ifndef CARVE_ORIGIN_VFD_H
#define CARVE_ORIGIN_VFD_H

#include <stdint.h>

#include <hdf5.h>

#include "carve_bytestore.h"
#include "carve_origin.h"

/* The most a store of one origin holds (bytes): what a commit can take from the program's run. */
#define CARVE_ORIGIN_SEEN_LIMIT ((size_t)64 * 1024 * 1024)

/* 1 when fapl_id selects HDF5's ROS3 driver, 0 when not, -1 on error. */
int carve_origin_vfd_is_ros3(hid_t fapl_id);

/* Makes fapl_id (which selects ROS3) select the tee over the same ROS3 settings, keeping what is read of url
 * into store (a file of another name opened with the list, an external link's target, is not kept). */
herr_t carve_origin_vfd_set_tee(hid_t fapl_id, const char *url, carve_bytestore_t *store);

/* Makes fapl_id select the fetch driver: reads answered from store or fetched with the ROS3 settings of
 * ros3_fapl_id (for signing); size is the object's length (its stamp's). *requests (may be NULL) counts
 * the requests made, as long as the driver's files are open. */
herr_t carve_origin_vfd_set_fetch(hid_t fapl_id, const char *url, hid_t ros3_fapl_id,
                                  carve_bytestore_t *store, uint64_t size, size_t *requests);

/* When fapl_id selects carve's driver (tee or fetch), makes it select ROS3 again with the settings the
 * driver wraps; otherwise leaves it as it is. */
herr_t carve_origin_vfd_restore(hid_t fapl_id);

/* Why the last read of the fetch role failed since the last call, into buf: 1 when there was one, 0 if
 * not. Clears it. (HDF5 drops a driver's messages between the attempts of an open.) */
int carve_origin_vfd_take_failure(char *buf, size_t size);

/* carve_origin_fetch with a store in front: ranges the store holds are copied from it (ok = 1, no
 * request); the others are fetched (not kept: the commit writes them once). ranges keep their order.
 * store may be NULL. */
herr_t carve_origin_fetch_seen(carve_bytestore_t *store, const char *url, hid_t fapl_id,
                               carve_origin_range_t *ranges, size_t n, size_t *requests);

#endif /* CARVE_ORIGIN_VFD_H */
