/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_replay_view.c — what the program sees of the origin rather than the container, where the two
 * differ: a dataset's creation list (the container may store it with another layout), questions about
 * how the origin stores a dataset's chunks (the container stores only part of it), the file's name and
 * access list (the program opened the origin's name, with its own list) and its size (the origin's).
 *
 * Each answer is computed from the replay state (carve_replay.h); opening the origin, when it must answer,
 * is carve_replaying.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_replay.h"

#include <H5VLnative.h> /* after hdf5.h */

/*
 * The origin's creation list of a dataset whose values hold variable-length data or references, stored
 * in the container with another layout: the container's list (its fill value is the origin's, stored
 * properly by the skeleton) with the origin's layout. The encoded list in the manifest is not decoded for
 * these types: containers carved by carve 0.1 encoded such a fill value with its memory pointers, which
 * HDF5 would follow when the decoded list is used or closed.
 */
static int
view_presented_dcpl(carve_obj_t *o, const carve_manifest_dataset_t *entry, H5VL_dataset_get_args_t *args)
{
    H5VL_dataset_get_args_t get;
    const char             *layout = entry->origin_layout ? entry->origin_layout : "";
    hid_t                   dcpl;
    herr_t                  status;

    get.op_type               = H5VL_DATASET_GET_DCPL;
    get.args.get_dcpl.dcpl_id = H5I_INVALID_HID;
    if (H5VLdataset_get(o->under_object, o->under_vol_id, &get, H5P_DATASET_XFER_DEFAULT, NULL) < 0) {
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, "cannot read the creation list of %s",
                    entry->path);
        return -1;
    }
    dcpl = get.args.get_dcpl.dcpl_id;
    if (strcmp(layout, "chunked") == 0) /* stored chunked there too: only the allocation time differs */
        status = H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
    else
        status = H5Pset_layout(dcpl, strcmp(layout, "compact") == 0 ? H5D_COMPACT : H5D_CONTIGUOUS) < 0 ||
                         H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_DEFAULT) < 0
                     ? -1
                     : 0;
    if (status < 0) {
        H5Pclose(dcpl);
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, "cannot present the creation list of %s",
                    entry->path);
        return -1;
    }
    args->args.get_dcpl.dcpl_id = dcpl;
    return 1;
}

int
carve_replay_view_dcpl(carve_obj_t *o, H5VL_dataset_get_args_t *args)
{
    const carve_manifest_dataset_t *entry;
    const char                     *path    = o->ctx->replaying->container->path;
    void                           *encoded = NULL;
    size_t                          len     = 0;
    hid_t                           dcpl;
    int                             ret_value = 0;

    if (o->replay->foreign || o->replay->entry == SIZE_MAX)
        return 0;
    entry = &o->ctx->replaying->container->manifest.datasets[o->replay->entry];
    if (!entry->origin_dcpl)
        return 0; /* stored with the origin's own layout: the container's list is the origin's */
    if (o->replay->has_pointers)
        return view_presented_dcpl(o, entry, args);
    /* Stored with another layout: present the origin's creation list, kept in the manifest. */
    if (carve_base64_decode(entry->origin_dcpl, &encoded, &len) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s: the creation list of %s is unreadable", path, entry->path);
    if ((dcpl = H5Pdecode(encoded)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s: the creation list of %s is unreadable", path, entry->path);
    args->args.get_dcpl.dcpl_id = dcpl;
    ret_value                   = 1;

done:
    free(encoded);
    return ret_value;
}

/* 1 when the container holds this chunk exactly as the origin stores it (raw, filters and all). */
static int
view_holds_raw_chunk(carve_obj_t *o, const hsize_t *offset)
{
    carve_replay_dataset_t *rd   = o->replay;
    carve_held_t           *held = rd->held;
    hsize_t                 coords[H5S_MAX_RANK];

    if (!held || !held->by_chunks || held->nothing ||
        o->ctx->replaying->container->manifest.datasets[rd->entry].origin_dcpl)
        return 0;
    for (int d = 0; d < held->rank; d++) {
        if (offset[d] % held->chunks.chunk[d] != 0)
            return 0; /* not a chunk's first element: the origin reports the error */
        coords[d] = offset[d] / held->chunks.chunk[d];
        if (coords[d] >= held->chunks.grid[d])
            return 0;
    }
    return carve_chunkset_contains(&held->chunks, coords) == 1;
}

int
carve_replay_view_asks_origin(int op)
{
    return op == H5VL_NATIVE_DATASET_CHUNK_READ || op == H5VL_NATIVE_DATASET_GET_CHUNK_STORAGE_SIZE ||
           op == H5VL_NATIVE_DATASET_GET_NUM_CHUNKS || op == H5VL_NATIVE_DATASET_GET_CHUNK_INFO_BY_IDX ||
           op == H5VL_NATIVE_DATASET_GET_CHUNK_INFO_BY_COORD || op == H5VL_NATIVE_DATASET_GET_OFFSET ||
           op == H5VL_NATIVE_DATASET_CHUNK_ITER || op == H5VL_NATIVE_DATASET_GET_VLEN_BUF_SIZE;
}

int
carve_replay_view_origin_answers(carve_obj_t *o, H5VL_optional_args_t *args)
{
    H5VL_native_dataset_optional_args_t *opt = args->args;
    replay_container_t                  *c   = o->ctx->replaying->container;

    if (args->op_type == H5VL_NATIVE_DATASET_CHUNK_READ) {
        c->counters.reads++;
        if (view_holds_raw_chunk(o, opt->chunk_read.offset)) {
            c->counters.hits++;
            return 0; /* the container's copy */
        }
        c->counters.misses++;
    }
    if (args->op_type == H5VL_NATIVE_DATASET_GET_VLEN_BUF_SIZE && o->replay->held) {
        /* The sizes of variable-length values: the container's when it holds every one selected. */
        carve_split_t split;
        int           held;

        if (carve_split_read(o->replay->held, opt->get_vlen_buf_size.space_id,
                             opt->get_vlen_buf_size.space_id, &split) < 0)
            return -1;
        held = split.kind == CARVE_SPLIT_HIT;
        carve_split_clear(&split);
        if (held)
            return 0;
    }
    return 1;
}

/* The program's own access list (its driver: ROS3 for a URL), not the container's: the copy of it taken at
 * open, which selects the connector below, with carve selected again as the program's list did. */
static int
view_program_fapl(const carve_replaying_t *r, H5VL_file_get_args_t *args)
{
    hid_t fapl      = H5I_INVALID_HID;
    int   ret_value = 1;

    if ((fapl = H5Pcopy(r->under_fapl)) < 0 || H5Pset_vol(fapl, r->program_vol_id, r->program_vol_info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, -1, "cannot copy the access list of %s",
                         r->open_name);
    args->args.get_fapl.fapl_id = fapl;
    fapl                        = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

int
carve_replay_view_file_get(carve_obj_t *o, H5VL_file_get_args_t *args)
{
    carve_replaying_t *r = o->ctx->replaying;
    size_t             len;

    if (!r || (args->op_type != H5VL_FILE_GET_NAME && args->op_type != H5VL_FILE_GET_FAPL))
        return 0;
    if (args->op_type == H5VL_FILE_GET_FAPL)
        return view_program_fapl(r, args);
    /* The program opened the origin's name: that is the file's name, not the container's. */
    len = strlen(r->open_name);
    if (args->args.get_name.file_name_len)
        *args->args.get_name.file_name_len = len;
    if (args->args.get_name.buf && args->args.get_name.buf_size > 0) {
        size_t n = len < args->args.get_name.buf_size - 1 ? len : args->args.get_name.buf_size - 1;

        memcpy(args->args.get_name.buf, r->open_name, n);
        args->args.get_name.buf[n] = '\0';
    }
    return 1;
}

int
carve_replay_view_file_optional(carve_obj_t *o, H5VL_optional_args_t *args)
{
    carve_replaying_t                *r = o->ctx->replaying;
    H5VL_native_file_optional_args_t *opt;

    if (!r || args->op_type != H5VL_NATIVE_FILE_GET_SIZE || r->container->manifest.stamp.size < 0)
        return 0;
    /* H5Fget_filesize: the origin's size, as its stamp recorded it, not the container's. */
    opt                 = args->args;
    *opt->get_size.size = (hsize_t)r->container->manifest.stamp.size;
    return 1;
}
