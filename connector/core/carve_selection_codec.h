/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_selection_codec.h — a selection's records (carve_coverage.h) as compact bytes and back: the
 * manifest's packed_selections (carve_manifest.h), which keeps a carve of a million points to a few bytes
 * a record where YAML takes about a hundred.
 *
 * Layout: one version byte (1), then per record, in the selection's order:
 *   head   varint of zigzag(linear start - previous linear start) with a 2-bit tag in its first byte
 *          (bits 0-1; bits 2-6 the value's low 5 bits, bit 7 "more"; then 7 bits a byte, LEB128). The linear
 *          start is the row-major index of the record's start in the extent (the first record's previous
 *          is 0), so that records in row-major order cost a byte or two.
 *   tag 0  the same stride, count and block as the previous record (before the first: a point, all 1);
 *   tag 1  one block: rank varints block[d] - 1 (count and stride 1);
 *   tag 2  any pattern: per dimension varints count[d] - 1, stride[d], block[d] - 1.
 * Decoding is exact (the same records in the same order) and refuses truncated, overlong or trailing
 * bytes and starts outside the extent; whether a record fits HDF5's rules and the extent is the caller's
 * check (the manifest parser's, as for records written in YAML). No HDF5 calls.
 */
#ifndef CARVE_SELECTION_CODEC_H
#define CARVE_SELECTION_CODEC_H

#include <stddef.h>

#include "carve_coverage.h"
#include "carve_dynbuf.h"

#define CARVE_SELECTION_CODEC_VERSION 1

/* 1 when sel's records can be packed: rank >= 1 and an extent of at most UINT64_MAX elements (linear
 * starts fit 64 bits); 0 otherwise. */
int carve_selection_packable(const carve_selection_t *sel);

/* Appends the packed records of sel (packable) to out. Fails (carve error) when out cannot grow. */
herr_t carve_selection_pack(const carve_selection_t *sel, carve_dynbuf_t *out);

/* Decodes bytes[0..len), which must hold exactly nrecords records, into sel (initialised with the extent
 * they were packed in, packable). Returns NULL when done, else why not (no message is pushed), with *at the
 * record concerned; sel then holds the records decoded before it. */
const char *carve_selection_unpack(carve_selection_t *sel, const void *bytes, size_t len, size_t nrecords,
                                   size_t *at);

#endif /* CARVE_SELECTION_CODEC_H */
