/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_token.c — object tokens (addresses of objects in a file): compared and converted by the
 * connector below, since carve's objects are the same objects.
 */
#include "carve_vol_internal.h"

herr_t
carve_token_cmp(void *obj, const H5O_token_t *token1, const H5O_token_t *token2, int *cmp_value)
{
    carve_obj_t *o = obj;

    return H5VLtoken_cmp(o->under_object, o->under_vol_id, token1, token2, cmp_value);
}

herr_t
carve_token_to_str(void *obj, H5I_type_t obj_type, const H5O_token_t *token, char **token_str)
{
    carve_obj_t *o = obj;

    return H5VLtoken_to_str(o->under_object, obj_type, o->under_vol_id, token, token_str);
}

herr_t
carve_token_from_str(void *obj, H5I_type_t obj_type, const char *token_str, H5O_token_t *token)
{
    carve_obj_t *o = obj;

    return H5VLtoken_from_str(o->under_object, obj_type, o->under_vol_id, token_str, token);
}
