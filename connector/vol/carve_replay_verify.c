/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_replay_verify.c — replay's integrity check: before a read is served from the container, every
 * stored unit its container part touches must match the checksum the commit recorded (core/
 * carve_integrity). Each unit is checked once per process, whoever opened the dataset; once every unit
 * of a dataset matched, a read costs one comparison.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_replay.h"

#include <H5VLnative.h> /* after hdf5.h */

/* Reads one stored chunk of the container raw and compares it with its checksum: 1 matches, 0 not. */
static int
verify_chunk_matches(carve_obj_t *o, const hsize_t *offset, const carve_integrity_entry_t *e)
{
    H5VL_optional_args_t                args;
    H5VL_native_dataset_optional_args_t native;
    hsize_t                             size = 0;
    void                               *buf;
    herr_t                              got = -1;
    int                                 ok  = 0;

    args.op_type                         = H5VL_NATIVE_DATASET_GET_CHUNK_STORAGE_SIZE;
    args.args                            = &native;
    native.get_chunk_storage_size.offset = offset;
    native.get_chunk_storage_size.size   = &size;
    /* Tried and ignored: a chunk that cannot be looked up does not match. */
    CARVE_TRY_IGNORED(
        got = H5VLdataset_optional(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL));
    if (got < 0 || size != e->size || NULL == (buf = malloc((size_t)size)))
        return 0;
    args.op_type              = H5VL_NATIVE_DATASET_CHUNK_READ;
    native.chunk_read.offset  = offset;
    native.chunk_read.filters = 0;
    native.chunk_read.buf     = buf;
    /* Tried and ignored: an unreadable chunk does not match. */
    CARVE_TRY_IGNORED(
        got = H5VLdataset_optional(o->under_object, o->under_vol_id, &args, H5P_DATASET_XFER_DEFAULT, NULL));
    if (got >= 0)
        ok = carve_integrity_hash(buf, (size_t)size) == e->hash;
    free(buf);
    return ok;
}

/* An unchunked dataset (a scalar) read whole with its file type, against its checksum: 1 matches, 0 not. */
static int
verify_whole_matches(carve_obj_t *o, const carve_integrity_entry_t *e)
{
    H5VL_dataset_get_args_t get;
    hid_t                   type, all   = H5S_ALL;
    void                   *buf, *under = o->under_object;
    herr_t                  got = -1;
    int                     ok  = 0;

    /* Tried and ignored, as for a chunk: a dataset that cannot be read does not match. */
    get.op_type               = H5VL_DATASET_GET_TYPE;
    get.args.get_type.type_id = H5I_INVALID_HID;
    CARVE_TRY_IGNORED(
        got = H5VLdataset_get(o->under_object, o->under_vol_id, &get, H5P_DATASET_XFER_DEFAULT, NULL));
    if (got < 0)
        return 0;
    type = get.args.get_type.type_id;
    if ((buf = calloc(1, e->size ? (size_t)e->size : 1)) != NULL) {
        CARVE_TRY_IGNORED(got = H5VLdataset_read(1, &under, o->under_vol_id, &type, &all, &all,
                                                 H5P_DATASET_XFER_DEFAULT, &buf, NULL));
        if (got >= 0)
            ok = carve_integrity_hash(buf, (size_t)e->size) == e->hash;
        free(buf);
    }
    H5Tclose(type);
    return ok;
}

/* Checks one chunk (grid coordinates) a read's container part touches. 0: it matches (or the read takes
 * nothing from it), 1: damage, described in what. */
static int
verify_chunk(carve_obj_t *o, replay_check_t *chk, const carve_manifest_dataset_t *md, hid_t space,
             const hsize_t *coords, char *what, size_t what_size)
{
    hsize_t  start[H5S_MAX_RANK], end[H5S_MAX_RANK];
    uint64_t index                    = carve_chunkset_index(&md->chunks, coords); /* the container's grid */
    const carve_integrity_entry_t *e  = carve_integrity_find_chunk(chk->table, index);
    size_t                         at = e ? (size_t)(e - chk->table->entries) : 0;
    char                           shown[160];

    /* A chunk that matched already is served whether the read touches it or not: no question to HDF5
     * (each costs an API context) on the way of a read of verified chunks. */
    if (e && chk->verified[at] == 1)
        return 0;
    for (int d = 0; d < md->rank; d++) {
        start[d] = coords[d] * md->chunk[d];
        end[d] =
            start[d] + md->chunk[d] - 1 < md->dims[d] - 1 ? start[d] + md->chunk[d] - 1 : md->dims[d] - 1;
    }
    if (H5Sselect_intersect_block(space, start, end) <= 0)
        return 0;
    carve_coords_format(shown, sizeof shown, md->rank, coords);
    if (!e) {
        snprintf(what, what_size, "the manifest claims chunk %s, which the container's checksums do not list",
                 shown);
        return 1;
    }
    if (chk->verified[at] == 0) {
        chk->verified[at] = e->size == 0 || verify_chunk_matches(o, start, e) ? 1 : 2;
        if (chk->verified[at] == 1)
            chk->good++;
    }
    if (chk->verified[at] == 2) {
        snprintf(what, what_size, "chunk %s does not match its checksum", shown);
        return 1;
    }
    return 0;
}

/* The dataset's check state, its checksum table looked up on first use. NULL with *what set when there
 * is nothing to check against (damage); NULL with what empty on failure. */
static replay_check_t *
verify_checks(replay_container_t *c, const carve_manifest_dataset_t *md, size_t entry, char *what,
              size_t what_size)
{
    replay_check_t *chk = &c->checks[entry];

    if (!chk->looked_up) {
        if ((chk->table = carve_integrity_find(&c->integrity, md->path)) != NULL && chk->table->n &&
            NULL == (chk->verified = calloc(chk->table->n, 1))) {
            CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, "out of memory checking %s", md->path);
            return NULL;
        }
        chk->looked_up = 1;
    }
    if (!chk->table) {
        snprintf(what, what_size, "the container records no checksums for it");
        return NULL;
    }
    return chk;
}

/* An unchunked dataset: its one stored unit, read whole. */
static int
verify_whole(carve_obj_t *o, replay_check_t *chk, char *what, size_t what_size)
{
    const carve_integrity_entry_t *e = carve_integrity_find_chunk(chk->table, CARVE_INTEGRITY_WHOLE);

    if (!e)
        return 0; /* values holding pointers: not covered (carve_integrity.h) */
    if (chk->verified[0] == 0) {
        chk->verified[0] = verify_whole_matches(o, e) ? 1 : 2;
        chk->good += chk->verified[0] == 1;
    }
    if (chk->verified[0] == 2) {
        snprintf(what, what_size, "its stored values do not match their checksum");
        return 1;
    }
    return 0;
}

/* The chunks of a read's bounding box [clo, chi] (grid coordinates), when there are few: every one the
 * read takes something from. */
static int
verify_box(carve_obj_t *o, replay_check_t *chk, const carve_manifest_dataset_t *md, hid_t space,
           const hsize_t *clo, const hsize_t *chi, char *what, size_t what_size)
{
    hsize_t coords[H5S_MAX_RANK];

    memcpy(coords, clo, (size_t)md->rank * sizeof *coords);
    for (;;) {
        int d;

        if (verify_chunk(o, chk, md, space, coords, what, what_size))
            return 1;
        for (d = md->rank - 1; d >= 0; d--) {
            if (coords[d] < chi[d]) {
                coords[d]++;
                break;
            }
            coords[d] = clo[d];
        }
        if (d < 0)
            return 0;
    }
}

/* A read spanning many chunks: each stored chunk in its box, from the list of what is stored (the chunks
 * the manifest claims for a chunk store, the checksummed chunks for an element store). */
static int
verify_stored(carve_obj_t *o, replay_check_t *chk, const carve_manifest_dataset_t *md, hid_t space,
              const hsize_t *clo, const hsize_t *chi, char *what, size_t what_size)
{
    const carve_held_t *held      = o->replay->held;
    int                 by_chunks = held && held->by_chunks;
    size_t              n         = by_chunks ? held->chunks.n : chk->table->n;
    hsize_t             coords[H5S_MAX_RANK];

    for (size_t i = 0; i < n; i++) {
        int inside = 1;

        if (by_chunks)
            carve_chunkset_coords(&held->chunks, i, coords);
        else
            carve_chunkset_index_coords(&md->chunks, chk->table->entries[i].chunk, coords);
        for (int d = 0; d < md->rank; d++)
            inside = inside && coords[d] >= clo[d] && coords[d] <= chi[d];
        if (inside && verify_chunk(o, chk, md, space, coords, what, what_size))
            return 1;
    }
    return 0;
}

/*
 * Checks, in order: whether there is anything to check (a container carved before checksums has
 * nothing; unreadable checksums are damage); the dataset's checksum table; whether everything it stores
 * matched already; then the units the read touches: the one unit of an unchunked dataset, the chunks of
 * a small bounding box one by one, or for a larger box the stored chunks inside it.
 */
int
carve_replay_verify(carve_obj_t *o, hid_t space, char *what, size_t what_size)
{
    carve_replay_dataset_t         *rd = o->replay;
    replay_container_t             *c  = o->ctx->replaying->container;
    const carve_manifest_dataset_t *md;
    replay_check_t                 *chk;
    hsize_t                         lo[H5S_MAX_RANK], hi[H5S_MAX_RANK], clo[H5S_MAX_RANK], chi[H5S_MAX_RANK];
    hsize_t                         nbox = 1;

    if (c->checked == 0 || rd->entry == SIZE_MAX)
        return 0;
    chk = &c->checks[rd->entry];
    if (chk->table && chk->good == chk->table->n)
        return 0; /* everything it stores was checked already: the common read costs this test */
    if (c->checked < 0) {
        snprintf(what, what_size, "its checksums are unreadable");
        return 1;
    }
    md      = &c->manifest.datasets[rd->entry];
    what[0] = '\0';
    if (NULL == (chk = verify_checks(c, md, rd->entry, what, what_size)))
        return what[0] ? 1 : -1;
    if (chk->good == chk->table->n)
        return 0;
    if (!md->chunked)
        return verify_whole(o, chk, what, what_size);
    if (carve_space_npoints(space) == 0)
        return 0; /* an empty selection (H5Sselect_none) reads nothing, and has no bounds */
    if (carve_space_bounds(space, lo, hi) < 0) {
        CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "cannot bound a read of %s", md->path);
        return -1;
    }
    for (int d = 0; d < md->rank; d++) {
        clo[d] = lo[d] / md->chunk[d];
        chi[d] = hi[d] / md->chunk[d];
        /* Counted up to just past the limit below: a product of large extents must not wrap around. */
        nbox = nbox > 4096 ? nbox : nbox * (chi[d] - clo[d] + 1);
    }
    if (nbox <= 4096)
        return verify_box(o, chk, md, space, clo, chi, what, what_size);
    return verify_stored(o, chk, md, space, clo, chi, what, what_size);
}
