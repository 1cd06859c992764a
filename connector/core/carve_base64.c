/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_base64.c — base64 encoding and strict decoding (see carve_base64.h): one decoder serves both
 * checking (the manifest parser, without allocating) and decoding.
 */
#include "carve_base64.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_error.h"

/* Longest part of a bad text quoted in a message. */
#define QUOTED_MAX 64

/* Up to QUOTED_MAX bytes of text[0..len) for a message, control characters as '?', "..." marking a cut.
 * buf holds QUOTED_MAX + 4 bytes. */
static const char *
quoted(char *buf, const char *text, size_t len)
{
    size_t n = len < QUOTED_MAX ? len : QUOTED_MAX;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        buf[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : text[i];
    }
    if (len > QUOTED_MAX) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

char *
carve_base64_encode(const void *data, size_t len)
{
    const unsigned char *in        = data;
    char                *out       = NULL;
    size_t               o         = 0;
    char                *ret_value = NULL;

    if (data == NULL && len > 0)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL, "carve_base64_encode: NULL data");
    if (len / 3 >= (SIZE_MAX - 5) / 4)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, NULL, "cannot base64-encode %zu bytes: too long",
                         len);
    if ((out = malloc((len + 2) / 3 * 4 + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, NULL, "out of memory base64-encoding %zu bytes",
                         len);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t group = (uint32_t)in[i] << 16;
        size_t   left  = len - i;

        if (left > 1)
            group |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            group |= in[i + 2];
        out[o++] = base64_alphabet[(group >> 18) & 63];
        out[o++] = base64_alphabet[(group >> 12) & 63];
        out[o++] = left > 1 ? base64_alphabet[(group >> 6) & 63] : '=';
        out[o++] = left > 2 ? base64_alphabet[group & 63] : '=';
    }
    out[o]    = '\0';
    ret_value = out;
    out       = NULL;

done:
    free(out);
    return ret_value;
}

/* Decodes text[0..len) into out (room for len / 4 * 3 bytes; NULL to check only). Returns NULL on success
 * with *out_len set, else the reason, *bad being the offending offset. */
static const char *
base64_decode_into(const char *text, size_t len, unsigned char *out, size_t *out_len, size_t *bad)
{
    size_t o = 0;

    *bad = len;
    if (len % 4 != 0)
        return "its length is not a multiple of 4";
    for (size_t i = 0; i < len; i += 4) {
        int      v[4];
        size_t   pad  = 0;
        bool     last = i + 4 == len;
        uint32_t group;

        for (size_t k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)text[i + k];
            if (c == '=' && last && k >= 2) {
                if (k == 2 && text[i + 3] != '=') {
                    *bad = i + k;
                    return "'=' padding is only allowed at the end";
                }
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad > 0 || (v[k] = base64_value(c)) < 0) {
                *bad = i + k;
                return c == '=' ? "'=' padding is only allowed at the end"
                                : "a character outside the base64 alphabet";
            }
        }
        group = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        if ((pad == 1 && (group & 0xff) != 0) || (pad == 2 && (group & 0xffff) != 0)) {
            *bad = i + 3 - pad;
            return "non-zero bits before the padding (not canonical base64)";
        }
        if (out) {
            out[o] = (unsigned char)(group >> 16);
            if (pad < 2)
                out[o + 1] = (unsigned char)(group >> 8);
            if (pad < 1)
                out[o + 2] = (unsigned char)group;
        }
        o += 3 - pad;
    }
    *out_len = o;
    return NULL;
}

const char *
carve_base64_check(const char *text, size_t len, size_t *decoded_len, size_t *bad)
{
    return base64_decode_into(text, len, NULL, decoded_len, bad);
}

herr_t
carve_base64_decode(const char *text, void **data, size_t *len)
{
    unsigned char *out = NULL;
    const char    *reason;
    size_t         text_len, bad = 0, out_len = 0;
    char           shown[QUOTED_MAX + 4];
    herr_t         ret_value = 0;

    if (text == NULL || data == NULL || len == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "carve_base64_decode: NULL argument");
    *data    = NULL;
    *len     = 0;
    text_len = strlen(text);
    if ((out = malloc(text_len / 4 * 3 + 1)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_SYSTEM, -1, "out of memory decoding %zu bytes of base64",
                         text_len);
    if ((reason = base64_decode_into(text, text_len, out, &out_len, &bad)) != NULL)
        CARVE_GOTO_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, -1, "bad base64 text '%s': %s (at offset %zu)",
                         quoted(shown, text, text_len), reason, bad);
    *data = out;
    *len  = out_len;
    out   = NULL;

done:
    free(out);
    return ret_value;
}
