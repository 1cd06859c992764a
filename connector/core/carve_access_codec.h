/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_access_codec.h — an access log (carve_access.h) as bytes, and bytes merged into a log.
 *
 * Why: under MPI every rank of a job records its own access log of one origin, and one rank commits the
 * container once for all (vol/carve_mpi). The other ranks' logs travel to it as these bytes and are merged
 * into its log before the commit, as if one process had made every read.
 *
 * The encoding is explicit little-endian, versioned, and checked field by field on decoding: a truncated
 * or foreign buffer is refused with a message, never half merged into memory it does not describe
 * (a refused merge may have added some entries; the caller then commits nothing). No VOL code, no MPI.
 */
#ifndef CARVE_ACCESS_CODEC_H
#define CARVE_ACCESS_CODEC_H

#include "carve_access.h"
#include "carve_dynbuf.h"

/* Appends the encoding of acc (its datasets with their selections and counters, the objects touched and
 * the attributes read) to out. */
herr_t carve_access_encode(const carve_access_t *acc, carve_dynbuf_t *out);

/* Merges an encoding made by carve_access_encode into acc: selections are united, counters added, objects
 * and attributes recorded once. A dataset both logs hold must have the same rank, extent and element size
 * (one file, read by one job). Fails (carve error) on a malformed or truncated encoding. */
herr_t carve_access_merge_encoded(carve_access_t *acc, const void *bytes, size_t len);

#endif /* CARVE_ACCESS_CODEC_H */
