/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_base64.h — base64 (RFC 4648, standard alphabet, padded, no line breaks), strictly: decoding
 * refuses anything but the one canonical spelling of some bytes. The manifest holds the origin's dataset
 * creation lists (origin_dcpl) so; the container code decodes them back.
 */
#ifndef CARVE_BASE64_H
#define CARVE_BASE64_H

#include <stddef.h>

#include <hdf5.h>

/* The base64 text of data[0..len), NUL-terminated; NULL on failure (with a message). Caller frees. */
char *carve_base64_encode(const void *data, size_t len);
/* Decodes the NUL-terminated text into *data (*len bytes; caller frees). A text that is not canonical
 * base64 is refused with a message that quotes it and says where and why. */
herr_t carve_base64_decode(const char *text, void **data, size_t *len);
/* Checks text[0..len) without decoding it: NULL when it is canonical base64 (*decoded_len then the size
 * it decodes to), else the reason, *bad being the offset of the offending character. No message. */
const char *carve_base64_check(const char *text, size_t len, size_t *decoded_len, size_t *bad);

#endif /* CARVE_BASE64_H */
