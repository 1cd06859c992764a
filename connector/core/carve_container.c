/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_container.c — commits a run into its origin's container, reads a container's embedded
 * manifest, and adds a replaying process's counters to the manifest file beside a container (see
 * carve_container.h for the file layout, the crash and concurrency rules, and which copy holds what).
 *
 * What a dataset's data becomes in the container:
 *   - chunked in the origin: the chunks the selections touch, copied raw (H5Dread_chunk/H5Dwrite_chunk,
 *     filter mask kept), so compressed bytes stay byte-for-byte; coverage is those whole chunks. Types
 *     whose stored form points into the file (vlen, references) are decoded and re-encoded instead.
 *   - contiguous, compact, virtual or external in the origin: exactly the selected elements, stored in
 *     a chunked dataset whose chunk shape follows the smallest blocks read (so a stored block carries at
 *     most a chunk's worth of padding); coverage is the selections. The origin's creation list is kept
 *     (base64) in the manifest, so that replay can present the origin's layout. A compact dataset whose
 *     values hold no pointers stays compact (the selected elements in its header, the rest fill).
 *   - scalar datasets keep their layout; empty ones have nothing to store.
 *
 * Where the data comes from (the commit's data source): the origin, for a carving run; for a merge
 * (h5carve merge, carve_commit_t.sources) the containers it was given, each unit from a source that holds
 * it intact, the origin only for what none does, and only when it is available (see "A merge's data
 * source" below). A merge's skeleton is the union of its sources' skeletons.
 *
 * Invariants of a commit (each names the function that keeps it):
 *
 *   1. The file at the container's path is always a whole container: the old one until the rename of the
 *      temporary file built beside it, the new one after (commit_open_files builds in <container>.tmp.<pid>;
 *      commit_write renames it, the commit point, after writing the header that makes it a container).
 *   2. The manifest embedded in the container is the authority; the manifest file beside it is a copy
 *      written after the rename (commit_write), so a crash between the two leaves the file behind, never
 *      ahead. Its replay section is the exception (invariant 9).
 *   3. The manifest claims only what the container stores, and the container stores only what was
 *      validated: raw chunks byte-identical with a local origin, or fetched whole and decodable from a URL
 *      (container_copy_chunks drops a chunk it could not store from the claims), or, in a merge, units of
 *      a source container that match that source's checksums, measured before they are copied (a unit no
 *      source holds intact and the origin cannot give is not claimed: merge_store_chunks,
 *      merge_store_elements, merge_store_held); every claimed unit has a checksum in the embedded table
 *      (container_embed_integrity measures what is stored).
 *   4. The origin, and a merge's sources, are only ever opened read-only (commit_open_files,
 *      merge_open_sources); a merge opens the origin only when it is available.
 *   5. One commit (or replay counter update) at a time per container, across processes: an exclusive flock
 *      on <stem>.carve.lock (carve_container_commit, carve_container_add_replay).
 *   6. A container only ever describes one origin in one state: a different origin or a changed stamp is
 *      refused and the container left as it was (commit_read_old).
 *   7. A commit leaves no temporary file behind: removed on failure (carve_container_commit), on a
 *      terminating signal (commit_on_signal), and, after a SIGKILL, by the next commit under the lock
 *      (container_remove_stale_temps).
 *   8. Damage is not inherited: data carried over from the old container is checked against its checksums
 *      and copied again from the origin where it does not match (container_check_carried); a merge
 *      without its origin drops it from the claims instead, and takes it again from the sources that hold
 *      it intact (merge_drop_damaged).
 *   9. Replay counters added to the manifest file since the last commit survive it: the commit takes the
 *      file's replay section into both copies (container_take_file_replay, called by commit_read_old); a
 *      merge adds its sources' replay sections to it (merge_add_replay).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carve_container.h"
#include "carve_dynbuf.h"
#include "carve_elements.h"
#include "carve_error.h"
#include "carve_origin.h"
#include "carve_origin_vfd.h"
#include "carve_skeleton.h"
#include "carve_version.h"

#define CONTAINER_MAGIC "CARVE-CONTAINER 1\n"
/* Largest piece of elements copied through memory at once. */
#define CONTAINER_COPY_LIMIT ((size_t)8 * 1024 * 1024)
/* Largest chunk carve chooses for a dataset it stores chunked in place of another layout. */
#define CONTAINER_CHUNK_TARGET ((size_t)64 * 1024)
/* Converted creation lists kept for reuse by datasets alike (container_choose_dcpl). */
#define CONTAINER_CONVERTED_CACHE 8

/* What the chunked creation list of an unread dataset stored in place of another layout is made of
 * (container_converted_dcpl): equal keys make equal lists. Zeroed before it is filled (compared bytewise). */
typedef struct converted_key_t {
    int              rank;
    hsize_t          dims[H5S_MAX_RANK];
    size_t           elem;
    H5D_fill_value_t fill_status;
    H5D_fill_time_t  fill_time;
    unsigned         crt_order, max_compact, min_dense;
    hbool_t          track_times;
} converted_key_t;

/* A container a merge takes data from, open read-only (merge_open_sources). */
typedef struct container_source_t {
    const carve_commit_source_t *given;
    hid_t                        file;
    carve_skeleton_t  skeleton;  /* its objects -> the new container's (its tokens, not the origin's) */
    carve_integrity_t integrity; /* its checksum table; none: nothing of it can be checked */
    int               has_integrity;
} container_source_t;

/* Everything one commit works with. */
typedef struct commit_state_t {
    const carve_commit_t *commit;
    char                 *container_path;
    char                 *manifest_path;
    char                 *lock_path;
    char                 *temp_path;
    int                   lock_fd;
    hid_t                 origin;   /* the origin, read-only, through the connector below */
    hid_t                 file;     /* the temporary container, read-write, native */
    carve_manifest_t      manifest; /* the container's manifest, updated in place */
    int                   had_container;
    int                   unchanged; /* nothing to add: the container was left as it is */
    H5O_token_t           old_bookkeeping;
    H5O_token_t           old_replay; /* the previous container's replay manifest, when had_replay */
    int                   had_replay;
    H5O_token_t           old_integrity; /* the previous container's checksum table, when had_integrity */
    int                   had_integrity;
    carve_integrity_t     carried; /* what the old container's data measured when carried over */
    const char          **changed; /* paths (the manifest's own strings) of datasets this commit
                                             * stored or repaired: measured again at the end */
    size_t                nchanged, changed_capacity;
    carve_skeleton_t      skeleton;
    size_t                requests;  /* range requests this commit made itself (URL origins) */
    container_source_t   *sources;   /* a merge's (commit->sources), open; NULL for a carving run */
    int                reads_origin; /* the origin is opened: a carving run, or a merge with it available */
    uint64_t           lost;         /* a merge: units the sources claimed that none could give intact */
    carve_bytestore_t *seen;         /* what the program's run read of a URL origin still of the same stamp
                                     * (commit_take_seen), or NULL */
    /* Lists container_choose_dcpl built for unread datasets, reused for datasets alike: a metadata-heavy
     * file has thousands, and building one takes some twenty property-list calls. Round robin. */
    converted_key_t converted_keys[CONTAINER_CONVERTED_CACHE];
    hid_t           converted[CONTAINER_CONVERTED_CACHE];
    size_t          nconverted; /* lists built and kept so far (slot: nconverted % the cache's size) */
} commit_state_t;

/* ---------------------------------------------------------------------------------------------------
 * Files: lock, copy, temporaries, header
 * ------------------------------------------------------------------------------------------------- */

/* Takes the exclusive lock of a container (its lock file, created when missing) into *fd; closing *fd
 * releases it. hint follows the message when the file cannot be created. */
static herr_t
container_lock(const char *lock_path, const char *hint, int *fd)
{
    herr_t ret_value = 0;

    if ((*fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot create the lock file %s: %s%s",
                         lock_path, strerror(errno), hint);
    while (flock(*fd, LOCK_EX) < 0)
        if (errno != EINTR)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot lock %s: %s", lock_path,
                             strerror(errno));

done:
    return ret_value;
}

/* Temporary files of commits that died (their owner held the lock we now hold): <base>.tmp.<pid> of the
 * container and of the manifest, both in the container's directory, removed in one pass over it. */
static void
container_remove_stale_temps(const char *container_path, const char *manifest_path)
{
    const char    *slash    = strrchr(container_path, '/');
    char          *dir      = slash ? strndup(container_path, (size_t)(slash - container_path)) : strdup(".");
    const char    *mslash   = strrchr(manifest_path, '/');
    const char    *bases[2] = {slash ? slash + 1 : container_path, mslash ? mslash + 1 : manifest_path};
    DIR           *d;
    struct dirent *e;

    if (!dir || NULL == (d = opendir(dir[0] ? dir : "/"))) {
        free(dir);
        return;
    }
    while ((e = readdir(d)) != NULL)
        for (int b = 0; b < 2; b++) {
            size_t blen = strlen(bases[b]);
            char   path[4096];

            if (strncmp(e->d_name, bases[b], blen) != 0 || strncmp(e->d_name + blen, ".tmp.", 5) != 0)
                continue;
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
                unlink(path);
        }
    closedir(d);
    free(dir);
}

static herr_t
container_copy_file(const char *from, const char *to)
{
    int    in = -1, out = -1;
    char  *buf       = NULL;
    herr_t ret_value = 0;

    if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot read %s: %s", from, strerror(errno));
    if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot create %s: %s", to, strerror(errno));
    for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)1 << 30, 0);

        if (n == 0)
            CARVE_GOTO_DONE(0);
        if (n < 0)
            break; /* not supported between these files: copy through memory */
    }
    if (lseek(in, 0, SEEK_SET) < 0 || ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot copy %s: %s", from, strerror(errno));
    if (NULL == (buf = malloc((size_t)1 << 20)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory copying %s", from);
    for (;;) {
        ssize_t n = read(in, buf, (size_t)1 << 20);

        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot read %s: %s", from,
                             strerror(errno));
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));

            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write %s: %s", to,
                                 strerror(errno));
            off += w;
        }
    }

done:
    free(buf);
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) < 0 && ret_value >= 0)
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, "cannot write %s: %s", to, strerror(errno)),
            ret_value = -1;
    return ret_value;
}

/* The token of a header line "<key> <32 hex digits>" among the lines from `lines` on: 1 found, 0 no such
 * line, -1 a malformed one (said). */
static int
container_header_token(const char *lines, const char *key, H5O_token_t *token, const char *path)
{
    size_t      len = strlen(key);
    const char *at  = lines;
    char        hex[33];

    while (at && strncmp(at, key, len) != 0)
        if ((at = strchr(at, '\n')) != NULL)
            at++;
    if (!at || at[len] != ' ')
        return 0;
    if (strnlen(at + len + 1, 33) < 33 || at[len + 1 + 32] != '\n') {
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, "%s: malformed %s line in carve's header", path, key);
        return -1;
    }
    memcpy(hex, at + len + 1, 32);
    hex[32] = '\0';
    if (carve_token_from_hex(hex, token) < 0) {
        CARVE_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, "%s: malformed %s token in carve's header", path,
                    key);
        return -1;
    }
    return 1;
}

/* Parses carve's user block header. Returns 1 for a container, 0 for any other file, -1 when unreadable. */
static int
container_read_header(const char *path, uint64_t *generation, H5O_token_t *token, H5O_token_t *replay_token,
                      int *has_replay, H5O_token_t *integrity_token, int *has_integrity)
{
    char        header[CARVE_CONTAINER_USERBLOCK + 1];
    const char *line;
    char       *end;
    ssize_t     n;
    int         fd;
    int         ret_value = 0;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        if (errno == ENOENT)
            return 0;
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot read %s: %s", path, strerror(errno));
    }
    n = pread(fd, header, CARVE_CONTAINER_USERBLOCK, 0);
    if (n < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot read %s: %s", path, strerror(errno));
    header[n] = '\0';
    if (strncmp(header, CONTAINER_MAGIC, strlen(CONTAINER_MAGIC)) != 0)
        CARVE_GOTO_DONE(0);
    line = header + strlen(CONTAINER_MAGIC);
    if (strncmp(line, "generation ", 11) != 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: carve header without a generation line",
                         path);
    errno       = 0;
    *generation = strtoull(line + 11, &end, 10);
    if (errno || *end != '\n')
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "%s: malformed generation in carve's header",
                         path);
    line = end + 1;
    /* bookkeeping (required), then replay (absent from containers of carve 0.1) and integrity (absent
     * before carve 0.3): the tokens of the embedded datasets. */
    if (container_header_token(line, "bookkeeping", token, path) <= 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "%s: carve header without a bookkeeping line", path);
    if (has_replay)
        *has_replay = 0;
    if (has_integrity)
        *has_integrity = 0;
    if (replay_token && (n = container_header_token(line, "replay", replay_token, path)) != 0) {
        if (n < 0)
            CARVE_GOTO_DONE(-1);
        if (has_replay)
            *has_replay = 1;
    }
    if (integrity_token && (n = container_header_token(line, "integrity", integrity_token, path)) != 0) {
        if (n < 0)
            CARVE_GOTO_DONE(-1);
        if (has_integrity)
            *has_integrity = 1;
    }
    ret_value = 1;

done:
    if (fd >= 0)
        close(fd);
    return ret_value;
}

static herr_t
container_write_header(const char *path, uint64_t generation, const H5O_token_t *token,
                       const H5O_token_t *replay_token, const H5O_token_t *integrity_token)
{
    char   header[CARVE_CONTAINER_USERBLOCK];
    char   hex[33], replay_hex[33], integrity_hex[33];
    int    fd        = -1, len;
    herr_t ret_value = 0;

    carve_token_to_hex(token, hex);
    carve_token_to_hex(replay_token, replay_hex);
    carve_token_to_hex(integrity_token, integrity_hex);
    memset(header, 0, sizeof header);
    len =
        snprintf(header, sizeof header, "%sgeneration %" PRIu64 "\nbookkeeping %s\nreplay %s\nintegrity %s\n",
                 CONTAINER_MAGIC, generation, hex, replay_hex, integrity_hex);
    if (len < 0 || (size_t)len >= sizeof header)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "carve's header does not fit its user block");
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot open %s: %s", path, strerror(errno));
    if (pwrite(fd, header, sizeof header, 0) != (ssize_t)sizeof header || fsync(fd) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot write %s: %s", path, strerror(errno));

done:
    if (fd >= 0)
        close(fd);
    return ret_value;
}

static void
container_sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char       *dir   = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    int         fd;

    if (dir && (fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* An access list for carve's own files: the native connector, whatever the program's default is.
 * evict: drop each object's metadata from the cache when carve closes it — for the commit's skeleton
 * walk, which opens every object once (HDF5 would otherwise keep about 10 KB an object cached: 1 GB
 * for 100k objects). Not for reading a container another handle may hold open: HDF5 refuses a second
 * open of a file with another eviction setting. */
static hid_t
container_native_fapl(int evict)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);

    if (fapl >= 0 &&
        (H5Pset_vol(fapl, H5VL_NATIVE, NULL) < 0 || (evict && H5Pset_evict_on_close(fapl, true) < 0))) {
        H5Pclose(fapl);
        fapl = H5I_INVALID_HID;
    }
    return fapl;
}

int
carve_container_probe(const char *path)
{
    uint64_t    generation;
    H5O_token_t token;

    return container_read_header(path, &generation, &token, NULL, NULL, NULL, NULL);
}

/* What a container embeds, by the line of carve's header naming it. */
typedef enum container_embedded_t {
    EMBEDDED_MANIFEST, /* bookkeeping: the whole manifest */
    EMBEDDED_REPLAY,   /* replay: the lean copy (the whole manifest when absent) */
    EMBEDDED_INTEGRITY /* integrity: the checksum table (*found 0 when absent) */
} container_embedded_t;

/* Reads one embedded dataset's bytes (NUL-terminated; caller frees *bytes) and the header's generation. */
static herr_t
container_read_blob(const char *container_path, container_embedded_t which, char **bytes, size_t *nbytes,
                    uint64_t *generation, int *found)
{
    H5O_token_t token, replay_token, integrity_token;
    int         has_replay = 0, has_integrity = 0;
    hid_t    fapl = H5I_INVALID_HID, file = H5I_INVALID_HID, dset = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hssize_t len;
    char    *text = NULL;
    int      probe;
    herr_t   ret_value = 0;

    *bytes = NULL;
    *found = 0;
    if ((probe = container_read_header(container_path, generation, &token, &replay_token, &has_replay,
                                       &integrity_token, &has_integrity)) < 0)
        CARVE_GOTO_DONE(-1);
    if (probe == 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "%s is not a carve container (no carve header)", container_path);
    if (which == EMBEDDED_REPLAY && has_replay)
        token = replay_token;
    if (which == EMBEDDED_INTEGRITY) {
        if (!has_integrity)
            CARVE_GOTO_DONE(0);
        token = integrity_token;
    }
    if ((fapl = container_native_fapl(0)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot make a native access list");
    CARVE_TRY_QUIETLY(file = H5Fopen(container_path, H5F_ACC_RDONLY, fapl));
    if (file >= 0)
        CARVE_TRY_QUIETLY(dset = H5Oopen_by_token(file, token));
    if (file < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "container %s is not a readable HDF5 file",
                         container_path);
    if (dset < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "container %s has lost its %s dataset",
                         container_path, which == EMBEDDED_INTEGRITY ? "checksum" : "bookkeeping");
    if ((space = H5Dget_space(dset)) < 0 || (len = H5Sget_simple_extent_npoints(space)) <= 0 ||
        (size_t)len > CARVE_MANIFEST_MAX_BYTES)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "container %s: %s dataset of bad size",
                         container_path, which == EMBEDDED_INTEGRITY ? "checksum" : "bookkeeping");
    if (NULL == (text = malloc((size_t)len + 1)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory reading %s", container_path);
    if (H5Dread(dset, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "container %s: cannot read its %s",
                         container_path, which == EMBEDDED_INTEGRITY ? "checksums" : "bookkeeping");
    text[len] = '\0';
    *bytes    = text;
    *nbytes   = (size_t)len;
    *found    = 1;
    text      = NULL;

done:
    CARVE_CLEANUP_BEGIN
    free(text);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Reads and parses the manifest embedded in a container: the whole one, or (for_replay) the lean copy
 * replay reads when the container has one. */
static herr_t
container_read_embedded(const char *container_path, int for_replay, carve_manifest_t *m)
{
    uint64_t generation = 0;
    char    *text       = NULL, what[4200];
    size_t   len        = 0;
    int      found;
    herr_t   ret_value = 0;

    if (container_read_blob(container_path, for_replay ? EMBEDDED_REPLAY : EMBEDDED_MANIFEST, &text, &len,
                            &generation, &found) < 0)
        CARVE_GOTO_DONE(-1);
    snprintf(what, sizeof what, "the manifest embedded in %s", container_path);
    if (carve_manifest_parse(text, len, what, m) < 0)
        CARVE_GOTO_DONE(-1);
    if (m->generation != generation)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s: embedded manifest of generation %" PRIu64
                         " under a header of generation %" PRIu64,
                         container_path, m->generation, generation);

done:
    free(text);
    return ret_value;
}

herr_t
carve_container_read_integrity(const char *container_path, carve_integrity_t *t, int *found)
{
    uint64_t generation = 0;
    char    *bytes      = NULL, what[4200];
    size_t   len        = 0;
    herr_t   ret_value  = 0;

    if (container_read_blob(container_path, EMBEDDED_INTEGRITY, &bytes, &len, &generation, found) < 0)
        CARVE_GOTO_DONE(-1);
    snprintf(what, sizeof what, "the checksums embedded in %s", container_path);
    if (*found && carve_integrity_decode((const unsigned char *)bytes, len, what, t) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(bytes);
    return ret_value;
}

herr_t
carve_container_read_manifest(const char *container_path, carve_manifest_t *m)
{
    return container_read_embedded(container_path, 0, m);
}

herr_t
carve_container_read_replay_manifest(const char *container_path, carve_manifest_t *m)
{
    return container_read_embedded(container_path, 1, m);
}

/* ---------------------------------------------------------------------------------------------------
 * The replay section of the manifest file
 * ------------------------------------------------------------------------------------------------- */

/* The manifest and lock paths beside a container: a trailing ".h5" replaced by ".yaml" and ".lock"
 * (<stem>.carve.h5 -> <stem>.carve.yaml, <stem>.carve.lock, the names carve_origin_container_paths
 * gives), else ".yaml" and ".lock" appended (a container the user renamed to data.bin: data.bin.yaml).
 * Caller frees both. */
static herr_t
container_sibling_paths(const char *container_path, char **manifest_path, char **lock_path)
{
    size_t len       = strlen(container_path);
    size_t stem      = len > 3 && strcmp(container_path + len - 3, ".h5") == 0 ? len - 3 : len;
    herr_t ret_value = 0;

    *lock_path = NULL;
    if ((*manifest_path = malloc(stem + sizeof ".yaml")) == NULL ||
        (*lock_path = malloc(stem + sizeof ".lock")) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory naming the manifest of %s",
                         container_path);
    memcpy(*manifest_path, container_path, stem);
    memcpy(*manifest_path + stem, ".yaml", sizeof ".yaml");
    memcpy(*lock_path, container_path, stem);
    memcpy(*lock_path + stem, ".lock", sizeof ".lock");

done:
    if (ret_value < 0) {
        free(*manifest_path);
        *manifest_path = NULL;
    }
    return ret_value;
}

/* Reads the manifest file at path into m, quietly: 1 when it parses, 0 when it is missing or unreadable
 * (m is then empty and the error stack as it was: the caller rebuilds it). */
static int
container_read_manifest_file_quietly(const char *path, carve_manifest_t *m)
{
    herr_t status = -1;

    if (access(path, F_OK) == 0 || errno != ENOENT)
        CARVE_TRY_IGNORED(status = carve_manifest_read_file(path, m));
    if (status < 0)
        carve_manifest_clear(m);
    return status >= 0;
}

/* Makes into's replay section a copy of from's (none when from has none). */
static herr_t
container_copy_replay(carve_manifest_t *into, const carve_manifest_t *from)
{
    char  *last      = NULL;
    herr_t ret_value = 0;

    if (from->has_replay && from->replay_last && (last = strdup(from->replay_last)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory copying the replay counters");
    free(into->replay_last);
    into->replay_last = last;
    into->has_replay  = from->has_replay;
    into->replay_runs = from->has_replay ? from->replay_runs : 0;
    memset(&into->replay, 0, sizeof into->replay);
    if (from->has_replay)
        into->replay = from->replay;

done:
    return ret_value;
}

/* Takes the replay section of the manifest file beside a container into m, its embedded manifest: the
 * file's section is the authority for the counters (replaying processes write only the file). A file
 * that is missing, does not parse or names another origin has nothing to give: m keeps its own. */
static herr_t
container_take_file_replay(const char *manifest_path, carve_manifest_t *m)
{
    carve_manifest_t file;
    herr_t           ret_value = 0;

    carve_manifest_init(&file);
    if (container_read_manifest_file_quietly(manifest_path, &file) && file.origin && m->origin &&
        strcmp(file.origin, m->origin) == 0)
        ret_value = container_copy_replay(m, &file);
    carve_manifest_clear(&file);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Layout decisions
 * ------------------------------------------------------------------------------------------------- */

/* The origin's layout as the manifest names it. */
static const char *
container_layout_name(hid_t dcpl)
{
    switch (H5Pget_layout(dcpl)) {
        case H5D_CHUNKED:
            return "chunked";
        case H5D_COMPACT:
            return "compact";
        case H5D_VIRTUAL:
            return "virtual";
        case H5D_CONTIGUOUS:
            return H5Pget_external_count(dcpl) > 0 ? "external" : "contiguous";
        default:
            return "unknown";
    }
}

/* 1 when a dataset of this dataspace has elements to store in a chunked dataset (rank >= 1, none 0). */
static int
container_space_is_storable(hid_t space, int *rank, hsize_t *dims)
{
    *rank = H5Sget_simple_extent_ndims(space);
    if (*rank < 1 || H5Sget_simple_extent_type(space) != H5S_SIMPLE ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        return 0;
    for (int d = 0; d < *rank; d++)
        if (dims[d] == 0)
            return 0;
    return 1;
}

/* Chunk shape for a dataset stored chunked in place of another layout: no wider than the narrowest
 * block read in each dimension (so padding around a stored block stays within one chunk per side),
 * at most CONTAINER_CHUNK_TARGET bytes. Without reads: a balanced chunk of that size. */
static void
container_chunk_shape(const carve_selection_t *sel, int rank, const hsize_t *dims, size_t elem,
                      hsize_t *chunk)
{
    hsize_t target = CONTAINER_CHUNK_TARGET / (elem ? elem : 1);
    hsize_t total;

    if (target < 1)
        target = 1;
    for (int d = 0; d < rank; d++)
        chunk[d] = dims[d];
    for (size_t i = 0; sel && i < sel->nrecords; i++)
        for (int d = 0; d < rank; d++)
            if (CARVE_RECORD_BLOCK(sel, i)[d] < chunk[d])
                chunk[d] = CARVE_RECORD_BLOCK(sel, i)[d];
    for (;;) {
        int widest = 0;

        total = 1;
        for (int d = 0; d < rank; d++) {
            if (chunk[d] < 1)
                chunk[d] = 1;
            total *= chunk[d];
            if (chunk[d] > chunk[widest])
                widest = d;
        }
        if (total <= target || chunk[widest] == 1)
            break;
        chunk[widest] = (chunk[widest] + 1) / 2;
    }
}

/* The origin's creation list as base64 of H5Pencode2, for the manifest. A fill value of a type holding
 * variable-length data or references is left out: H5Pencode2 writes such a value in its memory form,
 * pointers included, which no other process can decode (replay takes that fill value from the
 * container's own list, where the skeleton stored it properly). */
static herr_t
container_encode_dcpl(hid_t dcpl, hid_t type, char **text)
{
    hid_t  copy = H5I_INVALID_HID;
    size_t size = 0;
    void  *enc  = NULL;
    int    pointers;
    herr_t ret_value = 0;

    if ((pointers = carve_skeleton_type_needs_rewrite(type)) < 0 || (copy = H5Pcopy(dcpl)) < 0 ||
        (pointers && H5Pset_fill_value(copy, type, NULL) < 0))
        CARVE_GOTO_DONE(-1);
    if (H5Pencode2(copy, NULL, &size, H5P_DEFAULT) < 0 || NULL == (enc = malloc(size)) ||
        H5Pencode2(copy, enc, &size, H5P_DEFAULT) < 0 || NULL == (*text = carve_base64_encode(enc, size)))
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    free(enc);
    if (copy >= 0)
        H5Pclose(copy);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Makes a new container get the origin's superblock version (netCDF and h5dump -B report it): the
 * lowest library version bound that writes it. */
static herr_t
container_match_superblock(hid_t origin, hid_t fapl)
{
    H5F_info2_t  info;
    H5F_libver_t low;
    herr_t       ret_value = 0;

    if (H5Fget_info2(origin, &info) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                         "cannot read the origin's superblock version");
    low = info.super.version >= 3   ? H5F_LIBVER_V110
          : info.super.version == 2 ? H5F_LIBVER_V18
                                    : H5F_LIBVER_EARLIEST;
    if (H5Pset_libver_bounds(fapl, low, H5F_LIBVER_LATEST) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                         "cannot set the container's format bounds");

done:
    return ret_value;
}

/* Reads what a converted creation list is made of from the origin's dataset (its datatype in *type, which
 * the caller closes) and creation list. 0, or -1 when the dataset has no elements to chunk. */
static herr_t
container_converted_key(hid_t origin_dset, hid_t origin_dcpl, converted_key_t *k, hid_t *type)
{
    hid_t  space     = H5I_INVALID_HID;
    herr_t ret_value = 0;

    memset(k, 0, sizeof *k);
    if ((*type = H5Dget_type(origin_dset)) < 0 || (space = H5Dget_space(origin_dset)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot inspect a dataset");
    k->elem = H5Tget_size(*type);
    if (!container_space_is_storable(space, &k->rank, k->dims))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1, "dataset without elements to chunk");
    if (H5Pfill_value_defined(origin_dcpl, &k->fill_status) < 0 ||
        H5Pget_fill_time(origin_dcpl, &k->fill_time) < 0 ||
        H5Pget_attr_creation_order(origin_dcpl, &k->crt_order) < 0 ||
        H5Pget_attr_phase_change(origin_dcpl, &k->max_compact, &k->min_dense) < 0 ||
        H5Pget_obj_track_times(origin_dcpl, &k->track_times) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot read a dataset's settings");

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A chunked creation list carrying the origin's fill value and object settings (k; a user-defined fill
 * value is read from origin_dcpl in type). */
static hid_t
container_converted_dcpl(const converted_key_t *k, hid_t type, hid_t origin_dcpl,
                         const carve_selection_t *sel)
{
    hid_t   dcpl      = H5I_INVALID_HID;
    hid_t   ret_value = H5I_INVALID_HID;
    hsize_t chunk[H5S_MAX_RANK];
    void   *fill = NULL;

    if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot inspect a dataset");
    container_chunk_shape(sel, k->rank, k->dims, k->elem, chunk);
    if (H5Pset_chunk(dcpl, k->rank, chunk) < 0 || H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot set a chunk shape");
    if (H5Pset_fill_time(dcpl, k->fill_time) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot copy a fill setting");
    if (k->fill_status == H5D_FILL_VALUE_USER_DEFINED) {
        if (NULL == (fill = calloc(1, k->elem)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, H5I_INVALID_HID, "out of memory");
        if (H5Pget_fill_value(origin_dcpl, type, fill) < 0 || H5Pset_fill_value(dcpl, type, fill) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot copy a fill value");
    }
    else if (k->fill_status == H5D_FILL_VALUE_UNDEFINED && H5Pset_fill_value(dcpl, type, NULL) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID, "cannot copy a fill value");
    if (H5Pset_attr_creation_order(dcpl, k->crt_order) < 0 ||
        H5Pset_attr_phase_change(dcpl, k->max_compact, k->min_dense) < 0 ||
        H5Pset_obj_track_times(dcpl, k->track_times) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot copy object settings");
    ret_value = dcpl;
    dcpl      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (fill) {
        hid_t scalar = H5Screate(H5S_SCALAR);

        if (scalar >= 0) /* frees what a variable-length (string) fill value holds; nothing otherwise */
            H5Treclaim(type, scalar, H5P_DEFAULT, fill);
        if (scalar >= 0)
            H5Sclose(scalar);
        free(fill);
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* The converted creation list of a dataset (selections: what was read of it, NULL when nothing was). An
 * unread one without a fill value of its own takes a list built for a dataset alike when there is one
 * (another reference to it: the skeleton closes what it gets), and leaves its own for the next. */
static hid_t
container_converted_dcpl_for(commit_state_t *st, hid_t origin_dset, hid_t origin_dcpl,
                             const carve_selection_t *sel)
{
    converted_key_t key;
    hid_t           type      = H5I_INVALID_HID;
    hid_t           ret_value = H5I_INVALID_HID;
    int             cacheable;
    size_t          slot;

    if (container_converted_key(origin_dset, origin_dcpl, &key, &type) < 0)
        CARVE_GOTO_DONE(H5I_INVALID_HID);
    cacheable = !sel && key.fill_status != H5D_FILL_VALUE_USER_DEFINED;
    for (size_t i = 0; cacheable && i < st->nconverted && i < CONTAINER_CONVERTED_CACHE; i++)
        if (!memcmp(&st->converted_keys[i], &key, sizeof key)) {
            if (H5Iinc_ref(st->converted[i]) < 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                                 "cannot reuse a creation list");
            CARVE_GOTO_DONE(st->converted[i]);
        }
    if ((ret_value = container_converted_dcpl(&key, type, origin_dcpl, sel)) < 0 || !cacheable)
        goto done;
    if (H5Iinc_ref(ret_value) < 0) /* the cache's own reference */
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot keep a creation list");
    slot = st->nconverted++ % CONTAINER_CONVERTED_CACHE;
    if (st->nconverted > CONTAINER_CONVERTED_CACHE)
        H5Pclose(st->converted[slot]);
    st->converted[slot] = ret_value;
    memcpy(&st->converted_keys[slot], &key, sizeof key); /* padding too: keys are compared bytewise */

done:
    CARVE_CLEANUP_BEGIN
    if (type >= 0)
        H5Tclose(type);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Skeleton callback: how each dataset is created in the container. */
static hid_t
container_choose_dcpl(void *udata, const H5O_token_t *origin_token, const char *path, hid_t origin_dset,
                      hid_t origin_dcpl)
{
    commit_state_t         *st = udata;
    carve_access_dataset_t *ds = carve_tokenmap_get(&st->commit->access->datasets, origin_token);
    hid_t                   space;
    hsize_t                 dims[H5S_MAX_RANK];
    int                     rank, storable;
    H5D_layout_t            layout = H5Pget_layout(origin_dcpl);

    (void)path;
    if ((space = H5Dget_space(origin_dset)) < 0)
        return H5I_INVALID_HID;
    storable = container_space_is_storable(space, &rank, dims);
    H5Sclose(space);
    if (layout == H5D_CHUNKED) {
        H5D_alloc_time_t alloc;
        hid_t            copy;

        /* Early allocation would write every chunk of the dataset: allocate as chunks arrive instead. */
        if (H5Pget_alloc_time(origin_dcpl, &alloc) < 0 || alloc != H5D_ALLOC_TIME_EARLY)
            return H5P_DEFAULT;
        if ((copy = H5Pcopy(origin_dcpl)) < 0 || H5Pset_alloc_time(copy, H5D_ALLOC_TIME_INCR) < 0)
            return H5I_INVALID_HID;
        return copy;
    }
    if (!storable)
        return H5P_DEFAULT;
    if (layout == H5D_COMPACT) {
        hid_t type = H5Dget_type(origin_dset);
        int   pointers;

        if (type < 0)
            return H5I_INVALID_HID;
        pointers = carve_skeleton_type_needs_rewrite(type);
        H5Tclose(type);
        if (pointers < 0)
            return H5I_INVALID_HID;
        /* Compact stays compact (at most 64 KiB, in the object header): a replay that opens the dataset
         * then builds no chunk cache or index for it, as native does not. Values holding pointers are
         * rewritten into container types of another size, which may not fit a header: chunked. */
        if (!pointers)
            return H5P_DEFAULT;
    }
    return container_converted_dcpl_for(st, origin_dset, origin_dcpl, ds ? &ds->selections : NULL);
}

/* Skeleton callback for a skeleton of touched objects only. */
static int
container_include(void *udata, const H5O_token_t *origin_token, H5O_type_t type, const char *path)
{
    commit_state_t *st  = udata;
    carve_access_t *acc = st->commit->access;

    (void)type;
    if (strcmp(path, "/") == 0 || carve_tokenmap_get(&acc->datasets, origin_token) ||
        carve_tokenmap_get(&acc->objects, origin_token) || carve_tokenmap_get(&acc->attr_index, origin_token))
        return 1;
    return 0;
}

/* ---------------------------------------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------------------------------------- */

/* Where elements copied through memory are read from: the origin, or a container a merge takes data from,
 * with the skeleton that maps its objects to the new container's (references are rewritten through it). */
typedef struct container_from_t {
    const carve_skeleton_t *skeleton;
    hid_t                   file;
    hid_t                   dset;
} container_from_t;

/* Copies the box [start, start+extent) of a dataset through memory, in pieces of bounded size. */
static herr_t
container_copy_box(commit_state_t *st, const container_from_t *from, hid_t cds, hid_t fspace, int rank,
                   const hsize_t *start, const hsize_t *extent, size_t elem)
{
    hsize_t npoints = 1, inner = 1;
    int     split     = -1;
    herr_t  ret_value = 0;

    for (int d = 0; d < rank; d++)
        npoints *= extent[d];
    if (npoints * elem <= CONTAINER_COPY_LIMIT || npoints == 1) {
        if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, extent, NULL) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot select a block to copy");
        CARVE_GOTO_DONE(
            carve_skeleton_copy_elements(from->skeleton, from->file, st->file, from->dset, cds, fspace));
    }
    /* Too big: cut along the outermost dimension that can be cut into pieces under the limit. */
    for (int d = 0; d < rank; d++) {
        inner = 1;
        for (int e = d + 1; e < rank; e++)
            inner *= extent[e];
        if (extent[d] > 1) {
            split = d;
            if (inner * elem <= CONTAINER_COPY_LIMIT)
                break;
        }
    }
    {
        hsize_t s[H5S_MAX_RANK], x[H5S_MAX_RANK];
        hsize_t step = inner * elem <= CONTAINER_COPY_LIMIT ? CONTAINER_COPY_LIMIT / (inner * elem) : 1;

        memcpy(s, start, (size_t)rank * sizeof *s);
        memcpy(x, extent, (size_t)rank * sizeof *x);
        if (step < 1)
            step = 1;
        for (hsize_t at = 0; at < extent[split]; at += step) {
            s[split] = start[split] + at;
            x[split] = extent[split] - at < step ? extent[split] - at : step;
            if (container_copy_box(st, from, cds, fspace, rank, s, x, elem) < 0)
                CARVE_GOTO_DONE(-1);
        }
    }

done:
    return ret_value;
}

/* Copies one selection record: whole when small, block by block otherwise. */
static herr_t
container_copy_record(commit_state_t *st, const container_from_t *from, hid_t cds, hid_t fspace,
                      const carve_selection_t *sel, size_t i, size_t elem)
{
    int            rank  = sel->rank;
    const hsize_t *start = CARVE_RECORD_START(sel, i), *stride = CARVE_RECORD_STRIDE(sel, i);
    const hsize_t *count = CARVE_RECORD_COUNT(sel, i), *block = CARVE_RECORD_BLOCK(sel, i);
    hsize_t        npoints = 1, k[H5S_MAX_RANK] = {0}, s[H5S_MAX_RANK];
    herr_t         ret_value = 0;

    for (int d = 0; d < rank; d++)
        npoints *= count[d] * block[d];
    if (npoints * elem <= CONTAINER_COPY_LIMIT) {
        if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride, count, block) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot select a record to copy");
        CARVE_GOTO_DONE(
            carve_skeleton_copy_elements(from->skeleton, from->file, st->file, from->dset, cds, fspace));
    }
    for (;;) {
        int d;

        for (d = 0; d < rank; d++)
            s[d] = start[d] + k[d] * stride[d];
        if (container_copy_box(st, from, cds, fspace, rank, s, block, elem) < 0)
            CARVE_GOTO_DONE(-1);
        for (d = rank - 1; d >= 0; d--) {
            if (++k[d] < count[d])
                break;
            k[d] = 0;
        }
        if (d < 0)
            break;
    }

done:
    return ret_value;
}

/* A dataset of the origin and its copy in the container, open together, with what storing it needs. */
typedef struct container_pair_t {
    const char *path;
    hid_t       ods, cds, odcpl, cdcpl, ospace, type;
    int         rank;     /* -1: a null dataspace */
    int         storable; /* a simple dataspace with elements: stored chunked in the container */
    int         origin_chunked, container_chunked;
    hsize_t     dims[H5S_MAX_RANK];
    hsize_t     chunk[H5S_MAX_RANK]; /* the container's chunk shape, when container_chunked */
    size_t      elem;
} container_pair_t;

/* Copies the elements sel selects of a dataset stored as elements (or a scalar one, whole) and adds to
 * claimed what the container now holds of them. A contiguous dataset of a URL origin is read by carve's
 * own validated requests (carve_elements_fetch): HDF5's ROS3 driver does not check a response's length,
 * so a short body read through it would be stored and served as hits; a box that could not be validated
 * is not stored and not claimed (a replay reads it from the origin). Any other is read through the
 * connector below. */
static herr_t
container_copy_selection(commit_state_t *st, const container_pair_t *p, const carve_selection_t *sel,
                         carve_selection_t *claimed)
{
    carve_selection_t whole, got;
    container_from_t  from      = {&st->skeleton, st->origin, p->ods};
    haddr_t           address   = HADDR_UNDEF;
    int               fetchable = 0;
    herr_t            ret_value = 0;

    carve_selection_init(&whole, 0, NULL);
    carve_selection_init(&got, sel->rank, sel->dims);
    if (carve_origin_is_url(st->commit->location) &&
        (fetchable = carve_elements_fetchable(p->ods, p->odcpl, p->type, &address)) < 0)
        CARVE_GOTO_DONE(-1);
    if (fetchable) {
        carve_elements_source_t src = {.url            = st->commit->location,
                                       .fapl           = st->commit->origin_fapl,
                                       .seen           = st->seen,
                                       .container_path = st->container_path,
                                       .path           = p->path,
                                       .cds            = p->cds,
                                       .type           = p->type,
                                       .rank           = p->rank,
                                       .elem           = p->elem,
                                       .address        = address,
                                       .requests       = &st->requests};

        memcpy(src.dims, p->dims, sizeof src.dims);
        /* A scalar is stored whole, whatever the record of its read says. */
        if (p->rank == 0 && carve_selection_add_all(&whole) < 0)
            CARVE_GOTO_DONE(-1);
        if (carve_elements_fetch(&src, p->rank == 0 ? &whole : sel, &got) < 0)
            CARVE_GOTO_DONE(-1);
        CARVE_GOTO_DONE(
            carve_selection_union(claimed, p->rank == 0 && !carve_selection_is_empty(&got) ? sel : &got));
    }
    if (p->rank == 0) {
        if (H5Sselect_all(p->ospace) < 0 ||
            carve_skeleton_copy_elements(&st->skeleton, st->origin, st->file, p->ods, p->cds, p->ospace) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else
        for (size_t i = 0; i < sel->nrecords; i++)
            if (container_copy_record(st, &from, p->cds, p->ospace, sel, i, p->elem) < 0)
                CARVE_GOTO_DONE(-1);
    ret_value = carve_selection_union(claimed, sel);

done:
    carve_selection_clear(&whole);
    carve_selection_clear(&got);
    return ret_value;
}

/* Where the origin stores each chunk of a set: one walk of the chunk index (H5Dchunk_iter). Looking chunks
 * up one by one (H5Dget_chunk_info_by_coord) walks the whole index for each in HDF5 1.14, which made a
 * commit quadratic in the number of chunks. */
typedef struct chunk_where_t {
    hsize_t  size; /* 0: never written in the origin */
    unsigned mask; /* filter mask */
    haddr_t  addr; /* byte offset in the origin file, user block included */
    int      skip; /* the container has it already, or the origin never wrote it */
    int      stored;
} chunk_where_t;

typedef struct chunk_walk_t {
    carve_chunkset_t *want;
    chunk_where_t    *where; /* per entry of want */
} chunk_walk_t;

static int
container_chunk_found(const hsize_t *offset, unsigned mask, haddr_t addr, hsize_t size, void *udata)
{
    chunk_walk_t *walk = udata;
    hsize_t       coords[H5S_MAX_RANK];
    size_t        at;

    for (int d = 0; d < walk->want->rank; d++)
        coords[d] = offset[d] / walk->want->chunk[d];
    if (addr != HADDR_UNDEF && (at = carve_chunkset_find(walk->want, coords)) != SIZE_MAX) {
        walk->where[at].size = size;
        walk->where[at].mask = mask;
        walk->where[at].addr = addr;
    }
    return H5_ITER_CONT;
}

/* Decoding check of chunks fetched over the network (see container_copy_fetched): an in-memory dataset
 * with the container dataset's filters and one chunk of extent, into which a raw chunk is written and
 * read back through the filter pipeline. */
typedef struct chunk_check_t {
    hid_t file, dset;
    void *decoded;
} chunk_check_t;

static void
container_check_close(chunk_check_t *ck)
{
    CARVE_CLEANUP_BEGIN
    if (ck->dset >= 0)
        H5Dclose(ck->dset);
    if (ck->file >= 0)
        H5Fclose(ck->file);
    CARVE_CLEANUP_END
    free(ck->decoded);
    ck->file = ck->dset = H5I_INVALID_HID;
    ck->decoded         = NULL;
}

static herr_t
container_check_open(chunk_check_t *ck, const container_pair_t *p)
{
    hid_t  fapl = H5I_INVALID_HID, dapl = H5I_INVALID_HID, space = H5I_INVALID_HID;
    char   name[64];
    size_t n         = p->elem;
    herr_t ret_value = 0;

    ck->file = ck->dset = H5I_INVALID_HID;
    ck->decoded         = NULL;
    for (int d = 0; d < p->rank; d++)
        n *= p->chunk[d];
    snprintf(name, sizeof name, "carve-chunk-check-%p", (void *)ck);
    if ((fapl = container_native_fapl(0)) < 0 || H5Pset_fapl_core(fapl, 1024 * 1024, 0) < 0 ||
        (dapl = H5Pcreate(H5P_DATASET_ACCESS)) < 0 || H5Pset_chunk_cache(dapl, 0, 0, 1.0) < 0 ||
        (space = H5Screate_simple(p->rank, p->chunk, NULL)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot set up the chunk check",
                         p->path);
    if ((ck->file = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0 ||
        (ck->dset = H5Dcreate_anon(ck->file, p->type, space, p->cdcpl, dapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                         "%s: cannot make a dataset with its filters to check chunks", p->path);
    if (NULL == (ck->decoded = malloc(n ? n : 1)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for a %zu-byte chunk", n);

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    if (dapl >= 0)
        H5Pclose(dapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    if (ret_value < 0)
        container_check_close(ck);
    return ret_value;
}

/* 1 when a raw chunk decodes through the dataset's filters, 0 when it does not. */
static int
container_check_decodes(chunk_check_t *ck, const container_pair_t *p, unsigned mask, const void *raw,
                        size_t size)
{
    hsize_t zero[H5S_MAX_RANK] = {0};
    herr_t  status;

    CARVE_TRY_IGNORED(status = H5Dwrite_chunk(ck->dset, H5P_DEFAULT, mask, zero, size, raw));
    if (status >= 0)
        CARVE_TRY_IGNORED(status = H5Dread(ck->dset, p->type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ck->decoded));
    return status >= 0;
}

/* Writes one raw chunk into the container. */
static herr_t
container_write_raw(const container_pair_t *p, const hsize_t *offset, unsigned mask, const void *raw,
                    size_t size)
{
    herr_t ret_value = 0;

    if (H5Dwrite_chunk(p->cds, H5P_DEFAULT, mask, offset, size, raw) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot write a raw chunk", p->path);

done:
    return ret_value;
}

/* Chunk bytes one batch of fetches holds in memory at most (a chunk larger than this is fetched alone). */
#define CONTAINER_FETCH_BATCH ((uint64_t)64 * 1024 * 1024)

/* Copies the chunks of want not marked skip from a URL origin, fetched by carve's own validated range
 * requests (carve_origin_fetch): HDF5's ROS3 driver does not check a response's length, so a one-off short
 * body would otherwise be stored, checksummed, and served as a hit by every later replay. A chunk whose
 * answer was not exactly its bytes, or (for a filtered dataset) does not decode, is not stored. */
static herr_t
container_copy_fetched(commit_state_t *st, const container_pair_t *p, carve_chunkset_t *want,
                       chunk_where_t *where)
{
    carve_origin_range_t *ranges    = NULL;
    char                 *buf       = NULL;
    chunk_check_t         ck        = {H5I_INVALID_HID, H5I_INVALID_HID, NULL};
    int                   filtered  = H5Pget_nfilters(p->cdcpl) > 0;
    herr_t                ret_value = 0;

    if (NULL == (ranges = calloc(want->n ? want->n : 1, sizeof *ranges)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for %zu chunks", want->n);
    if (filtered && container_check_open(&ck, p) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t first = 0; first < want->n;) {
        size_t   n     = 0, end;
        uint64_t bytes = 0;

        /* One batch: chunks in grid order up to CONTAINER_FETCH_BATCH bytes, in one buffer. */
        for (end = first; end < want->n && (bytes == 0 || bytes + where[end].size <= CONTAINER_FETCH_BATCH);
             end++)
            if (!where[end].skip)
                bytes += where[end].size;
        free(buf);
        if (NULL == (buf = malloc(bytes ? (size_t)bytes : 1)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for %llu bytes of chunks",
                             (unsigned long long)bytes);
        bytes = 0;
        for (size_t i = first; i < end; i++)
            if (!where[i].skip) {
                ranges[n].offset = where[i].addr;
                ranges[n].size   = (size_t)where[i].size;
                ranges[n].buf    = buf + bytes;
                ranges[n].udata  = &where[i];
                bytes += where[i].size;
                n++;
            }
        if (carve_origin_fetch_seen(st->seen, st->commit->location, st->commit->origin_fapl, ranges, n,
                                    &st->requests) < 0)
            CARVE_GOTO_DONE(-1);
        for (size_t k = 0; k < n; k++) {
            chunk_where_t *w = ranges[k].udata;
            size_t         i = (size_t)(w - where);
            hsize_t        coords[H5S_MAX_RANK], offset[H5S_MAX_RANK];
            const char    *why = ranges[k].ok ? NULL : ranges[k].why;

            if (!why && filtered && !container_check_decodes(&ck, p, w->mask, ranges[k].buf, ranges[k].size))
                why = "it does not decode through the dataset's filters";
            if (why) {
                char at[128];

                carve_chunkset_coords(want, i, coords);
                carve_coords_format(at, sizeof at, want->rank, coords);
                fprintf(stderr,
                        "carve: %s: chunk %s of %s is not stored (%s); a replay reads it from the origin\n",
                        st->container_path, at, p->path, why);
                continue;
            }
            carve_chunkset_coords(want, i, coords);
            for (int d = 0; d < want->rank; d++)
                offset[d] = coords[d] * want->chunk[d];
            if (container_write_raw(p, offset, w->mask, ranges[k].buf, ranges[k].size) < 0)
                CARVE_GOTO_DONE(-1);
            w->stored = 1;
        }
        first = end;
    }

done:
    if (filtered)
        container_check_close(&ck);
    free(ranges);
    free(buf);
    return ret_value;
}

/* Copies the chunks of want not marked skip from a local origin (H5Dread_chunk): the stored bytes are the
 * origin's, so a replay decodes exactly what a native read decodes (its errors included). */
static herr_t
container_copy_local(const container_pair_t *p, carve_chunkset_t *want, chunk_where_t *where)
{
    void  *buf       = NULL;
    size_t buf_size  = 0;
    herr_t ret_value = 0;

    for (size_t i = 0; i < want->n; i++) {
        hsize_t  coords[H5S_MAX_RANK], offset[H5S_MAX_RANK];
        uint32_t filters = where[i].mask;

        if (where[i].skip)
            continue;
        if (where[i].size > buf_size) {
            void *grown = realloc(buf, (size_t)where[i].size);

            if (!grown)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for a %llu-byte chunk",
                                 (unsigned long long)where[i].size);
            buf      = grown;
            buf_size = (size_t)where[i].size;
        }
        carve_chunkset_coords(want, i, coords);
        for (int d = 0; d < want->rank; d++)
            offset[d] = coords[d] * want->chunk[d];
        if (H5Dread_chunk(p->ods, H5P_DEFAULT, offset, &filters, buf) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                             "%s: cannot read a raw chunk of the origin", p->path);
        if (container_write_raw(p, offset, filters, buf, (size_t)where[i].size) < 0)
            CARVE_GOTO_DONE(-1);
        where[i].stored = 1;
    }

done:
    free(buf);
    return ret_value;
}

/* Copies through memory (decoded and encoded again) the chunks of want that have lacks: for types whose
 * stored form points into the file. */
static herr_t
container_copy_rewritten(commit_state_t *st, const container_pair_t *p, carve_chunkset_t *want,
                         carve_chunkset_t *have)
{
    container_from_t from      = {&st->skeleton, st->origin, p->ods};
    herr_t           ret_value = 0;

    for (size_t i = 0; i < want->n; i++) {
        hsize_t coords[H5S_MAX_RANK], offset[H5S_MAX_RANK], extent[H5S_MAX_RANK];

        carve_chunkset_coords(want, i, coords);
        if (carve_chunkset_contains(have, coords))
            continue;
        for (int d = 0; d < want->rank; d++) {
            offset[d] = coords[d] * want->chunk[d];
            extent[d] = p->dims[d] - offset[d] < want->chunk[d] ? p->dims[d] - offset[d] : want->chunk[d];
        }
        if (container_copy_box(st, &from, p->cds, p->ospace, want->rank, offset, extent, p->elem) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

/* Copies the chunks in `want` that `have` lacks, raw (filter mask kept) unless rewrite. Afterwards want
 * lists exactly the chunks the container holds of it: a chunk of a URL origin that could not be validated
 * is dropped from it (said on stderr), so the manifest never claims it and a replay reads it from the
 * origin. */
static herr_t
container_copy_chunks(commit_state_t *st, const container_pair_t *p, carve_chunkset_t *want,
                      carve_chunkset_t *have, int rewrite)
{
    chunk_walk_t walk      = {want, NULL};
    size_t       kept      = 0;
    herr_t       ret_value = 0;

    carve_chunkset_finish(want);
    if (rewrite || want->n == 0)
        CARVE_GOTO_DONE(rewrite ? container_copy_rewritten(st, p, want, have) : 0);
    /* Phase 1: where the origin stores each wanted chunk (one walk of its index). */
    if (NULL == (walk.where = calloc(want->n, sizeof *walk.where)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for %zu chunks", want->n);
    if (H5Dchunk_iter(p->ods, H5P_DEFAULT, container_chunk_found, &walk) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                         "%s: cannot walk the origin's chunk index", p->path);
    /* Phase 2: skip what the container holds already and what the origin never wrote (the container leaves
     * that unwritten too: fill value); copy the rest. */
    for (size_t i = 0; i < want->n; i++) {
        hsize_t coords[H5S_MAX_RANK];

        carve_chunkset_coords(want, i, coords);
        walk.where[i].skip = walk.where[i].size == 0 || carve_chunkset_contains(have, coords);
    }
    if ((carve_origin_is_url(st->commit->location) ? container_copy_fetched(st, p, want, walk.where)
                                                   : container_copy_local(p, want, walk.where)) < 0)
        CARVE_GOTO_DONE(-1);
    /* Phase 3: want keeps the chunks held: carried over, never written, or stored now. */
    for (size_t i = 0; i < want->n; i++)
        if (walk.where[i].skip || walk.where[i].stored)
            want->idx[kept++] = want->idx[i];
    want->n = want->sorted = kept;

done:
    free(walk.where);
    return ret_value;
}

static void
container_pair_close(container_pair_t *p)
{
    CARVE_CLEANUP_BEGIN
    if (p->type >= 0)
        H5Tclose(p->type);
    if (p->ospace >= 0)
        H5Sclose(p->ospace);
    if (p->cdcpl >= 0)
        H5Pclose(p->cdcpl);
    if (p->odcpl >= 0)
        H5Pclose(p->odcpl);
    if (p->cds >= 0)
        H5Dclose(p->cds);
    if (p->ods >= 0)
        H5Dclose(p->ods);
    CARVE_CLEANUP_END
    p->type = p->ospace = p->cdcpl = p->odcpl = p->cds = p->ods = H5I_INVALID_HID;
}

/* Reads the shape, layouts and chunking of a pair whose datasets are open. */
static herr_t
container_pair_inspect(container_pair_t *p)
{
    herr_t ret_value = 0;

    if ((p->odcpl = H5Dget_create_plist(p->ods)) < 0 || (p->cdcpl = H5Dget_create_plist(p->cds)) < 0 ||
        (p->ospace = H5Dget_space(p->ods)) < 0 || (p->type = H5Dget_type(p->ods)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot inspect the dataset",
                         p->path);
    p->elem     = H5Tget_size(p->type);
    p->storable = container_space_is_storable(p->ospace, &p->rank, p->dims);
    if (!p->storable && (p->rank = H5Sget_simple_extent_ndims(p->ospace)) > 0)
        H5Sget_simple_extent_dims(p->ospace, p->dims, NULL);
    p->origin_chunked    = H5Pget_layout(p->odcpl) == H5D_CHUNKED;
    p->container_chunked = H5Pget_layout(p->cdcpl) == H5D_CHUNKED;
    if (p->container_chunked && H5Pget_chunk(p->cdcpl, p->rank, p->chunk) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot read the chunk shape",
                         p->path);

done:
    return ret_value;
}

static void
container_pair_reset(container_pair_t *p, const char *path)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    p->ods = p->cds = p->odcpl = p->cdcpl = p->ospace = p->type = H5I_INVALID_HID;
}

/* Opens a skeleton dataset in both files and reads its shape, layouts and chunking (closed by
 * container_pair_close, also after a failure). */
static herr_t
container_pair_open(commit_state_t *st, const carve_skeleton_object_t *obj, container_pair_t *p)
{
    herr_t ret_value = 0;

    container_pair_reset(p, obj->path);
    if ((p->ods = H5Oopen_by_token(st->origin, obj->origin_token)) < 0 ||
        (p->cds = H5Oopen_by_token(st->file, obj->container_token)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot open the dataset", obj->path);
    ret_value = container_pair_inspect(p);

done:
    return ret_value;
}

/* The same for a dataset known by its path (a manifest entry). */
static herr_t
container_pair_open_path(commit_state_t *st, const char *path, container_pair_t *p)
{
    herr_t ret_value = 0;

    container_pair_reset(p, path);
    if ((p->ods = H5Dopen2(st->origin, path, H5P_DEFAULT)) < 0 ||
        (p->cds = H5Dopen2(st->file, path, H5P_DEFAULT)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot open the dataset", path);
    ret_value = container_pair_inspect(p);

done:
    return ret_value;
}

/* The manifest entry of a dataset, made on first need from its shape, layouts and chunking; for a merge
 * (like: a source's entry; p->ods is then the source's dataset, not the origin's) the origin's layout, the
 * store and the origin's creation list are the source's. NULL on failure. */
static carve_manifest_dataset_t *
container_entry(commit_state_t *st, const container_pair_t *p, const carve_manifest_dataset_t *like)
{
    carve_manifest_dataset_t *md;
    int chunks = like ? like->store == CARVE_STORE_CHUNKS && like->chunked : p->origin_chunked && p->storable;
    carve_manifest_dataset_t *ret_value = NULL;

    if ((md = carve_manifest_find_dataset(&st->manifest, p->path)) != NULL)
        return md;
    md = carve_manifest_add_dataset(&st->manifest, p->path, p->rank < 0 ? 0 : p->rank, p->dims,
                                    chunks ? (like ? like->chunk : p->chunk) : NULL);
    if (!md)
        CARVE_GOTO_DONE(NULL);
    md->store = chunks ? CARVE_STORE_CHUNKS : CARVE_STORE_ELEMENTS;
    if (p->container_chunked && !md->chunked) {
        /* Stored chunked in place of another layout: the chunk shape is recorded, no chunk set. */
        md->chunked = 1;
        memcpy(md->chunk, p->chunk, (size_t)p->rank * sizeof *p->chunk);
        if (carve_chunkset_init(&md->chunks, p->rank, p->dims, p->chunk) < 0)
            CARVE_GOTO_DONE(NULL);
    }
    if (NULL == (md->origin_layout = strdup(like && like->origin_layout ? like->origin_layout
                                                                        : container_layout_name(p->odcpl))) ||
        (like && like->origin_dcpl && NULL == (md->origin_dcpl = strdup(like->origin_dcpl))))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, NULL, "out of memory");
    ret_value = md;

done:
    return ret_value;
}

/* After a store: the bytes and chunks the container now holds of the dataset. */
static void
container_entry_sizes(const container_pair_t *p, carve_manifest_dataset_t *md)
{
    hsize_t nchunks = 0;

    md->bytes_stored = H5Dget_storage_size(p->cds);
    if (p->container_chunked && H5Dget_num_chunks(p->cds, H5S_ALL, &nchunks) >= 0)
        md->chunks_stored = nchunks;
}

/* After a store: what the container now holds of the dataset, and the origin's creation list where the
 * container's differs from it (replay presents the origin's). */
static herr_t
container_entry_stored(const container_pair_t *p, carve_manifest_dataset_t *md)
{
    herr_t ret_value = 0;

    container_entry_sizes(p, md);
    if (!md->origin_dcpl && (!p->origin_chunked || !H5Pequal(p->odcpl, p->cdcpl)) &&
        container_encode_dcpl(p->odcpl, p->type, &md->origin_dcpl) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                         "%s: cannot encode the origin's creation list", p->path);

done:
    return ret_value;
}

/* Notes that this commit stored or repaired data of a dataset (its manifest entry's own path string). */
static herr_t
container_note_changed(commit_state_t *st, const char *path)
{
    herr_t ret_value = 0;

    if (CARVE_ARRAY_RESERVE(st->changed, st->changed_capacity, st->nchanged + 1) != CARVE_GROW_OK)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory");
    st->changed[st->nchanged++] = path;

done:
    return ret_value;
}

/* Stores what the run read of one dataset and records it in the manifest. */
static herr_t
container_store_dataset(commit_state_t *st, carve_access_dataset_t *ads)
{
    carve_skeleton_object_t  *obj = carve_skeleton_find(&st->skeleton, &ads->token);
    carve_manifest_dataset_t *md;
    container_pair_t          p;
    int                       rewrite;
    carve_chunkset_t          want;
    herr_t                    ret_value = 0;

    memset(&want, 0, sizeof want);
    container_pair_reset(&p, NULL);
    if (carve_selection_is_empty(&ads->selections) && ads->reads == 0)
        return 0;
    if (!obj)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "a dataset the program read is not in the skeleton");
    if (container_pair_open(st, obj, &p) < 0 || (rewrite = carve_skeleton_type_needs_rewrite(p.type)) < 0 ||
        NULL == (md = container_entry(st, &p, NULL)))
        CARVE_GOTO_DONE(-1);
    if (md->rank != ads->rank)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "%s: rank %d in the manifest, %d in the origin", obj->path, md->rank, ads->rank);
    if (carve_selection_merge(&ads->selections) < 0)
        CARVE_GOTO_DONE(-1);

    if (md->store == CARVE_STORE_CHUNKS) {
        if (carve_chunkset_init(&want, p.rank, p.dims, md->chunks.chunk) < 0 ||
            carve_chunkset_add_selection(&want, &ads->selections) < 0)
            CARVE_GOTO_DONE(-1);
        if (container_copy_chunks(st, &p, &want, &md->chunks, rewrite) < 0 ||
            carve_chunkset_union(&md->chunks, &want) < 0 || carve_chunkset_finish(&md->chunks) < 0 ||
            carve_selection_union(&md->selections, &ads->selections) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (p.rank == 0 || p.storable) {
        if (container_copy_selection(st, &p, &ads->selections, &md->selections) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (carve_selection_union(&md->selections, &ads->selections) < 0)
        CARVE_GOTO_DONE(-1);
    if (carve_selection_merge(&md->selections) < 0)
        CARVE_GOTO_DONE(-1);
    md->elements_read += ads->elements_read;
    md->bytes_read += ads->bytes_read;
    if (container_entry_stored(&p, md) < 0 || container_note_changed(st, md->path) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (want.idx)
        carve_chunkset_clear(&want);
    container_pair_close(&p);
    return ret_value;
}

/* Datasets of references are stored whole, with the skeleton: their values are pointers into the file,
 * which replay could not take from the origin (those would point into the origin, and a container opened
 * read-only cannot take new ones), so every reference the program may read must already be in the
 * container. Such datasets are small in practice; one larger than this is stored as read, like any other. */
#define CONTAINER_WHOLE_MAX_BYTES ((hsize_t)64 * 1024 * 1024)
/* Elements copied per call (carve_skeleton_copy_elements wants bounded selections). */
#define CONTAINER_WHOLE_SLAB_BYTES ((hsize_t)1024 * 1024)

/* Copies a dataset whole, in slabs of rows of bounded size. */
static herr_t
container_copy_whole(commit_state_t *st, const container_from_t *from, const container_pair_t *p)
{
    hsize_t row       = 1, rows;
    herr_t  ret_value = 0;

    for (int d = 1; d < p->rank; d++)
        row *= p->dims[d];
    rows = p->rank == 0 || p->elem * row == 0 ? 1 : CONTAINER_WHOLE_SLAB_BYTES / (p->elem * row);
    if (rows == 0)
        rows = 1;
    for (hsize_t first = 0; p->rank == 0 ? first == 0 : first < p->dims[0]; first += rows) {
        hsize_t start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];

        if (p->rank == 0) {
            if (H5Sselect_all(p->ospace) < 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot select it", p->path);
        }
        else {
            memcpy(count, p->dims, (size_t)p->rank * sizeof *count);
            start[0] = first;
            count[0] = p->dims[0] - first < rows ? p->dims[0] - first : rows;
            if (H5Sselect_hyperslab(p->ospace, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot select rows",
                                 p->path);
        }
        if (carve_skeleton_copy_elements(from->skeleton, from->file, st->file, from->dset, p->cds,
                                         p->ospace) < 0)
            CARVE_GOTO_DONE(-1);
        if (p->rank == 0)
            break;
    }

done:
    return ret_value;
}

/* Stores one dataset of references whole (see CONTAINER_WHOLE_MAX_BYTES) unless it is already. */
static herr_t
container_store_whole(commit_state_t *st, const carve_skeleton_object_t *obj)
{
    carve_manifest_dataset_t *md;
    container_pair_t          p;
    container_from_t          from;
    herr_t                    ret_value = 0;

    container_pair_reset(&p, obj->path);
    if ((md = carve_manifest_find_dataset(&st->manifest, obj->path)) != NULL && md->held)
        return 0;
    if (container_pair_open(st, obj, &p) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Sget_simple_extent_type(p.ospace) == H5S_NULL ||
        (hsize_t)H5Sget_simple_extent_npoints(p.ospace) > CONTAINER_WHOLE_MAX_BYTES / (p.elem ? p.elem : 1))
        CARVE_GOTO_DONE(0);
    if (NULL == (md = container_entry(st, &p, NULL)))
        CARVE_GOTO_DONE(-1);
    from = (container_from_t){&st->skeleton, st->origin, p.ods};
    if (container_copy_whole(st, &from, &p) < 0)
        CARVE_GOTO_DONE(-1);
    if (NULL == (md->held = strdup("all")))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory");
    if (container_entry_stored(&p, md) < 0 || container_note_changed(st, md->path) < 0)
        CARVE_GOTO_DONE(-1);

done:
    container_pair_close(&p);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Integrity: what the container stores, measured at every commit and checked when carried over
 * ------------------------------------------------------------------------------------------------- */

static herr_t container_embed_manifest(commit_state_t *st, const char *text, size_t len,
                                       const H5O_token_t *old_token, H5O_token_t *token);

static int
container_compare_paths(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether this commit stored or repaired data of the dataset at path (st->changed, sorted first). */
static int
container_changed(commit_state_t *st, const char *path)
{
    return st->nchanged &&
           bsearch(&path, st->changed, st->nchanged, sizeof *st->changed, container_compare_paths);
}

/* Measures every dataset the manifest holds data of, as the (temporary) container now stores it; a
 * dataset this commit did not change takes its measure from `reuse` when that has it (may be NULL). */
static herr_t
container_measure(commit_state_t *st, carve_integrity_t *t, const carve_integrity_t *reuse)
{
    hid_t  cds       = H5I_INVALID_HID;
    herr_t ret_value = 0;

    if (st->nchanged > 1)
        qsort(st->changed, st->nchanged, sizeof *st->changed, container_compare_paths);
    for (size_t i = 0; i < st->manifest.ndatasets; i++) {
        carve_manifest_dataset_t        *md     = &st->manifest.datasets[i];
        int                              claims = md->store == CARVE_STORE_CHUNKS && !md->held && md->chunked;
        const carve_integrity_dataset_t *kept   = reuse ? carve_integrity_find(reuse, md->path) : NULL;

        /* Carried over untouched: measured already when it was checked (container_check_carried). */
        if (kept && !container_changed(st, md->path)) {
            if (carve_integrity_add_copy(t, kept) < 0)
                CARVE_GOTO_DONE(-1);
            continue;
        }

        if ((cds = H5Dopen2(st->file, md->path, H5P_DEFAULT)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot open it to measure it",
                             md->path);
        if (claims)
            carve_chunkset_finish(&md->chunks);
        if (carve_integrity_measure(t, md->path, cds, claims ? md->chunks.idx : NULL,
                                    claims ? md->chunks.n : 0) < 0)
            CARVE_GOTO_DONE(-1);
        H5Dclose(cds);
        cds = H5I_INVALID_HID;
    }
    carve_integrity_sort(t);

done:
    CARVE_CLEANUP_BEGIN
    if (cds >= 0)
        H5Dclose(cds);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Removes from held the chunks of asked that kept lacks (both finished): a repair that could not store a
 * chunk leaves it claimed no more. */
static void
container_unclaim(carve_chunkset_t *held, carve_chunkset_t *asked, carve_chunkset_t *kept)
{
    size_t n = 0;

    for (size_t i = 0; i < held->n; i++) {
        hsize_t coords[H5S_MAX_RANK];

        carve_chunkset_coords(held, i, coords);
        if (!carve_chunkset_contains(asked, coords) || carve_chunkset_contains(kept, coords))
            held->idx[n++] = held->idx[i];
    }
    held->n = held->sorted = n;
}

static herr_t merge_drop_damaged(carve_manifest_dataset_t *md, carve_chunkset_t *want);

/* Copies one dataset's held data again from the origin: the damaged chunks of a chunk store (want), or
 * every stored record of an element store; a dataset held whole is stored again by container_store_whole. */
static herr_t
container_repair(commit_state_t *st, carve_manifest_dataset_t *md, carve_chunkset_t *want)
{
    container_pair_t  p;
    carve_chunkset_t  none, asked;
    carve_selection_t held;
    int               rewrite;
    herr_t            ret_value = 0;

    memset(&held, 0, sizeof held);
    memset(&none, 0, sizeof none);
    memset(&asked, 0, sizeof asked);
    container_pair_reset(&p, md->path);
    if (md->held) {
        free(md->held);
        md->held = NULL; /* container_store_whole (a merge: merge_store_dataset) copies it whole again */
        CARVE_GOTO_DONE(0);
    }
    if (!st->reads_origin) /* a merge without its origin: what its sources hold intact replaces it */
        CARVE_GOTO_DONE(merge_drop_damaged(md, want));
    if (container_pair_open_path(st, md->path, &p) < 0 ||
        (rewrite = carve_skeleton_type_needs_rewrite(p.type)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot open it to repair it",
                         md->path);
    if (md->store == CARVE_STORE_CHUNKS) {
        if (carve_chunkset_init(&none, md->rank, md->dims, md->chunks.chunk) < 0 ||
            carve_chunkset_copy(&asked, want) < 0 ||
            container_copy_chunks(st, &p, want, &none, rewrite) < 0 || carve_chunkset_finish(&asked) < 0)
            CARVE_GOTO_DONE(-1);
        container_unclaim(&md->chunks, &asked, want);
    }
    else {
        /* What could not be copied again is claimed no more. */
        carve_selection_init(&held, md->selections.rank, md->selections.dims);
        if (container_copy_selection(st, &p, &md->selections, &held) < 0)
            CARVE_GOTO_DONE(-1);
        carve_selection_clear(&md->selections);
        md->selections = held;
        memset(&held, 0, sizeof held);
    }

done:
    carve_selection_clear(&held);
    if (none.idx)
        carve_chunkset_clear(&none);
    if (asked.idx)
        carve_chunkset_clear(&asked);
    container_pair_close(&p);
    return ret_value;
}

/* A re-carve carries the old container's data over: checked against the checksums the last commit
 * recorded, and what does not match is copied again from the origin (said on stderr), so that a damaged
 * container never passes damage on to the next generation. */
static herr_t
container_check_carried(commit_state_t *st)
{
    carve_integrity_t old, *now = &st->carried;
    carve_chunkset_t  want;
    int               found     = 0;
    herr_t            ret_value = 0;

    carve_integrity_init(&old);
    memset(&want, 0, sizeof want);
    if (carve_container_read_integrity(st->container_path, &old, &found) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s: its checksums are unreadable; move it away to carve anew",
                         st->container_path);
    if (container_measure(st, now, NULL) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < st->manifest.ndatasets; i++) {
        carve_manifest_dataset_t        *md      = &st->manifest.datasets[i];
        const carve_integrity_dataset_t *was     = carve_integrity_find(&old, md->path);
        const carve_integrity_dataset_t *is      = carve_integrity_find(now, md->path);
        size_t                           damaged = 0;
        int by_chunk = !md->held && md->rank > 0 && md->chunked; /* damage named by container chunk */

        if (!was)
            continue; /* not measured last time (a dataset of an older carve): nothing to compare with */
        if (by_chunk && carve_chunkset_init(&want, md->rank, md->dims, md->chunks.chunk) < 0)
            CARVE_GOTO_DONE(-1);
        for (size_t j = 0; j < was->n; j++) {
            const carve_integrity_entry_t *e = &was->entries[j];
            const carve_integrity_entry_t *f = carve_integrity_find_chunk(is, e->chunk);

            if (f && f->size == e->size && f->hash == e->hash)
                continue;
            damaged++;
            if (by_chunk) {
                hsize_t coords[H5S_MAX_RANK];

                carve_chunkset_index_coords(&want, e->chunk, coords);
                if (carve_chunkset_add_coords(&want, coords) < 0)
                    CARVE_GOTO_DONE(-1);
            }
        }
        if (damaged) {
            fprintf(stderr,
                    "carve: container %s: %zu stored unit(s) of %s do not match their checksums; %s\n",
                    st->container_path, damaged, md->path,
                    st->reads_origin ? "copied again from the origin"
                                     : "dropped (taken again from the sources that hold them intact)");
            if (container_repair(st, md, &want) < 0 || container_note_changed(st, md->path) < 0)
                CARVE_GOTO_DONE(-1);
        }
        if (by_chunk)
            carve_chunkset_clear(&want);
        memset(&want, 0, sizeof want);
    }

done:
    if (want.rank)
        carve_chunkset_clear(&want);
    carve_integrity_clear(&old);
    return ret_value;
}

/* Measures the new container and embeds its checksum table (the old one released). */
static herr_t
container_embed_integrity(commit_state_t *st, H5O_token_t *token)
{
    carve_integrity_t t;
    unsigned char    *bytes     = NULL;
    size_t            len       = 0;
    herr_t            ret_value = 0;

    carve_integrity_init(&t);
    if (container_measure(st, &t, &st->carried) < 0 || carve_integrity_encode(&t, &bytes, &len) < 0 ||
        container_embed_manifest(st, (const char *)bytes, len, st->had_integrity ? &st->old_integrity : NULL,
                                 token) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(bytes);
    carve_integrity_clear(&t);
    return ret_value;
}

/* Merges the objects and attributes the run touched into the manifest. They come in bulk (a walk over a
 * large file touches every object): merged in one sort, not added one by one. */
static herr_t
container_merge_touched(commit_state_t *st)
{
    const carve_commit_t  *c     = st->commit;
    const char           **paths = malloc((c->access->objects.n + 1) * sizeof *paths);
    carve_manifest_attr_t *attrs = malloc((c->access->nattrs + 1) * sizeof *attrs);
    size_t                 np = 0, na = 0;
    herr_t                 ret_value = 0;

    if (!paths || !attrs)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory updating the manifest");
    for (size_t i = 0; i < c->access->objects.capacity; i++) {
        carve_skeleton_object_t *obj;

        if (c->access->objects.used[i] &&
            (obj = carve_skeleton_find(&st->skeleton, &c->access->objects.keys[i])) && obj->path[0])
            paths[np++] = obj->path;
    }
    for (size_t i = 0; i < c->access->nattrs; i++) {
        carve_skeleton_object_t *obj = carve_skeleton_find(&st->skeleton, &c->access->attrs[i].object);

        if (obj && obj->path[0]) {
            attrs[na].object = obj->path;
            attrs[na].name   = c->access->attrs[i].name;
            na++;
        }
    }
    if (carve_manifest_merge_objects(&st->manifest, paths, np) < 0 ||
        carve_manifest_merge_attributes(&st->manifest, attrs, na) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(paths);
    free(attrs);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * A merge's data source: the containers it was given (carve_commit_t.sources)
 *
 * A merge needs no origin. The skeleton is the union of the sources' (each walked whole into the new
 * container, mapped through its own carve_skeleton_t: their tokens are not the origin's). Each unit of
 * data comes from the first source that claims it and where it matches that source's checksum table,
 * measured now, before it is copied: a chunk of a chunked origin (raw, filter mask kept; through memory
 * for types that point into the file); for a dataset stored as elements, what a source holds of it minus
 * the boxes of its own chunks that do not match (sources may have chosen other chunk shapes), copied
 * through memory. What no source holds intact comes from the origin when it is available
 * (st->reads_origin); otherwise it is not stored and not claimed, named on stderr and counted in st->lost.
 * ------------------------------------------------------------------------------------------------- */

/* Opens the sources read-only, natively, with their checksum tables. */
static herr_t
merge_open_sources(commit_state_t *st)
{
    const carve_commit_t *c         = st->commit;
    hid_t                 fapl      = H5I_INVALID_HID;
    herr_t                ret_value = 0;

    if (NULL == (st->sources = calloc(c->nsources, sizeof *st->sources)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for %zu sources", c->nsources);
    for (size_t i = 0; i < c->nsources; i++) {
        st->sources[i].given = &c->sources[i];
        st->sources[i].file  = H5I_INVALID_HID;
        carve_skeleton_init(&st->sources[i].skeleton);
        carve_integrity_init(&st->sources[i].integrity);
    }
    if ((fapl = container_native_fapl(1)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot make a native access list");
    for (size_t i = 0; i < c->nsources; i++) {
        container_source_t *src = &st->sources[i];

        if (carve_container_read_integrity(src->given->path, &src->integrity, &src->has_integrity) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "cannot read the checksums of %s",
                             src->given->path);
        if (!src->has_integrity)
            fprintf(
                stderr,
                "carve: merge: %s has no checksum table (carved before carve 0.3): none of its data can be "
                "checked, so none is taken from it\n",
                src->given->path);
        if ((src->file = H5Fopen(src->given->path, H5F_ACC_RDONLY, fapl)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot open %s", src->given->path);
    }

done:
    CARVE_CLEANUP_BEGIN
    if (fapl >= 0)
        H5Pclose(fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

static void
merge_close_sources(commit_state_t *st)
{
    for (size_t i = 0; st->sources && i < st->commit->nsources; i++) {
        CARVE_CLEANUP_BEGIN
        if (st->sources[i].file >= 0)
            H5Fclose(st->sources[i].file);
        CARVE_CLEANUP_END
        carve_skeleton_clear(&st->sources[i].skeleton);
        carve_integrity_clear(&st->sources[i].integrity);
    }
    free(st->sources);
    st->sources = NULL;
}

/* 1 when a source's unit (its chunk index, or CARVE_INTEGRITY_WHOLE) is as its table says: listed there, and
 * measured now with the same size and hash. An unchunked dataset whose values hold pointers has no entry
 * in either (checksums do not cover it): taken as it is, as replay serves it. */
static int
merge_intact(const carve_integrity_dataset_t *was, const carve_integrity_dataset_t *is, uint64_t unit)
{
    const carve_integrity_entry_t *e = was ? carve_integrity_find_chunk(was, unit) : NULL;
    const carve_integrity_entry_t *f = e && is ? carve_integrity_find_chunk(is, unit) : NULL;

    if (unit == CARVE_INTEGRITY_WHOLE && was && is && was->n == 0 && is->n == 0)
        return 1;
    return f && f->size == e->size && f->hash == e->hash;
}

/* A source's dataset measured now (into `now`, emptied first) beside its table: *was NULL when the table has
 * no entry for it (nothing of it can be checked). */
static herr_t
merge_measure(const container_source_t *src, const carve_manifest_dataset_t *smd, hid_t sds,
              carve_integrity_t *now, const carve_integrity_dataset_t **was,
              const carve_integrity_dataset_t **is)
{
    int    claims    = smd->store == CARVE_STORE_CHUNKS && !smd->held && smd->chunked;
    herr_t ret_value = 0;

    carve_integrity_clear(now);
    carve_integrity_init(now);
    *is  = NULL;
    *was = src->has_integrity ? carve_integrity_find(&src->integrity, smd->path) : NULL;
    if (!*was)
        CARVE_GOTO_DONE(0);
    if (carve_integrity_measure(now, smd->path, sds, claims ? smd->chunks.idx : NULL,
                                claims ? smd->chunks.n : 0) < 0)
        CARVE_GOTO_DONE(-1);
    *is = &now->datasets[0];

done:
    return ret_value;
}

/* The boxes of a set of chunks (clipped at the extent) added to a selection of that extent. */
static herr_t
merge_chunk_boxes(carve_chunkset_t *cs, carve_selection_t *boxes)
{
    hsize_t ones[H5S_MAX_RANK];
    herr_t  ret_value = 0;

    for (int d = 0; d < cs->rank; d++)
        ones[d] = 1;
    carve_chunkset_finish(cs);
    for (size_t i = 0; i < cs->n; i++) {
        hsize_t coords[H5S_MAX_RANK], start[H5S_MAX_RANK], block[H5S_MAX_RANK];

        carve_chunkset_coords(cs, i, coords);
        for (int d = 0; d < cs->rank; d++) {
            start[d] = coords[d] * cs->chunk[d];
            block[d] = boxes->dims[d] - start[d] < cs->chunk[d] ? boxes->dims[d] - start[d] : cs->chunk[d];
        }
        if (carve_selection_add(boxes, start, NULL, ones, block) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

/* a minus b (same rank and extent) added to out, through HDF5's own selection arithmetic. */
static herr_t
merge_selection_minus(const carve_selection_t *a, const carve_selection_t *b, carve_selection_t *out)
{
    hid_t  space     = H5I_INVALID_HID;
    herr_t ret_value = 0;

    if (carve_selection_is_empty(a))
        CARVE_GOTO_DONE(0);
    if ((space = carve_selection_to_space(a)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot make a dataspace of a selection");
    for (size_t i = 0; i < b->nrecords; i++)
        if (H5Sselect_hyperslab(space, H5S_SELECT_NOTB, CARVE_RECORD_START(b, i), CARVE_RECORD_STRIDE(b, i),
                                CARVE_RECORD_COUNT(b, i), CARVE_RECORD_BLOCK(b, i)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot subtract from a selection");
    if (H5Sget_select_npoints(space) > 0 && carve_selection_add_space(out, space) < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* A merge without its origin, damage in the container carried over (container_check_carried): the damaged
 * units are claimed no more (want: the container chunks that do not match; none initialised: all of the
 * dataset), and merge_store_dataset takes them again from the sources that hold them intact. */
static herr_t
merge_drop_damaged(carve_manifest_dataset_t *md, carve_chunkset_t *want)
{
    carve_selection_t boxes, kept;
    carve_chunkset_t  none;
    herr_t            ret_value = 0;

    memset(&none, 0, sizeof none);
    carve_selection_init(&boxes, md->rank, md->dims);
    carve_selection_init(&kept, md->rank, md->dims);
    if (md->store == CARVE_STORE_CHUNKS && want->idx) {
        if (carve_chunkset_init(&none, md->rank, md->dims, md->chunks.chunk) < 0)
            CARVE_GOTO_DONE(-1);
        container_unclaim(&md->chunks, want, &none);
    }
    else if (want->idx) {
        if (merge_chunk_boxes(want, &boxes) < 0 || merge_selection_minus(&md->selections, &boxes, &kept) < 0)
            CARVE_GOTO_DONE(-1);
        carve_selection_clear(&md->selections);
        md->selections = kept;
        carve_selection_init(&kept, md->rank, md->dims);
    }
    else {
        carve_selection_clear(&md->selections);
        carve_selection_init(&md->selections, md->rank, md->dims);
        md->chunks.n = md->chunks.sorted = 0;
    }

done:
    if (none.idx)
        carve_chunkset_clear(&none);
    carve_selection_clear(&boxes);
    carve_selection_clear(&kept);
    return ret_value;
}

/* One dataset of a merge: what its sources say about it, and the new container's copy of it. */
typedef struct merge_dataset_t {
    const carve_manifest_dataset_t **smd; /* per source: its manifest entry, or NULL */
    container_pair_t                 p;   /* ods: the first source's dataset (for its shape and type) */
    container_pair_t                 op;  /* the origin's and the container's, opened when first needed */
    carve_manifest_dataset_t        *md;
    carve_integrity_t                now; /* the measure of the source being copied from */
    int                              rewrite;
} merge_dataset_t;

/* The origin's copy of the dataset, for what no source holds intact (only when the origin is available). */
static herr_t
merge_origin_pair(commit_state_t *st, merge_dataset_t *m)
{
    if (m->op.cds >= 0)
        return 0;
    return container_pair_open_path(st, m->p.path, &m->op);
}

/* The manifest entry of a merged dataset (container_entry like a source's), which must agree with it. */
static carve_manifest_dataset_t *
merge_entry(commit_state_t *st, const container_pair_t *p, const carve_manifest_dataset_t *smd)
{
    carve_manifest_dataset_t *md;
    carve_manifest_dataset_t *ret_value = NULL;

    if (NULL == (md = container_entry(st, p, smd)))
        CARVE_GOTO_DONE(NULL);
    if (md->rank != smd->rank || memcmp(md->dims, smd->dims, (size_t)md->rank * sizeof *md->dims) != 0 ||
        md->store != smd->store)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, NULL,
                         "%s: the sources (or the container merged into) disagree on its shape or store",
                         smd->path);
    ret_value = md;

done:
    return ret_value;
}

/* A source's dataset held whole (a dataset of references): copied whole from the first source where all of
 * it is intact. 1 when done, 0 when no source could give it. */
static int
merge_store_held(commit_state_t *st, merge_dataset_t *m)
{
    hid_t sds       = H5I_INVALID_HID;
    int   ret_value = 0;

    for (size_t i = 0; i < st->commit->nsources && !ret_value; i++) {
        container_source_t              *src = &st->sources[i];
        const carve_integrity_dataset_t *was, *is;
        int                              intact;
        container_from_t                 from;

        if (!m->smd[i] || !m->smd[i]->held)
            continue;
        if ((sds = H5Dopen2(src->file, m->p.path, H5P_DEFAULT)) < 0 ||
            merge_measure(src, m->smd[i], sds, &m->now, &was, &is) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot read it in %s", m->p.path,
                             src->given->path);
        intact = was && is && was->n == is->n;
        for (size_t k = 0; intact && k < was->n; k++)
            intact = merge_intact(was, is, was->entries[k].chunk);
        if (!intact)
            fprintf(stderr, "carve: merge: %s of %s does not match its checksums: not taken from it\n",
                    m->p.path, src->given->path);
        from = (container_from_t){&src->skeleton, src->file, sds};
        if (intact && container_copy_whole(st, &from, &m->p) < 0)
            CARVE_GOTO_DONE(-1);
        H5Dclose(sds);
        sds       = H5I_INVALID_HID;
        ret_value = intact;
    }
    if (ret_value && NULL == (m->md->held = strdup("all")))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory");

done:
    CARVE_CLEANUP_BEGIN
    if (sds >= 0)
        H5Dclose(sds);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Copies one intact chunk of a source (its bytes as stored, or through memory for types that point into the
 * file); a chunk the origin never wrote (size 0) is claimed without bytes. */
static herr_t
merge_copy_chunk(commit_state_t *st, merge_dataset_t *m, const container_from_t *from, const hsize_t *coords,
                 uint64_t size, void **buf, size_t *buf_size)
{
    hsize_t  offset[H5S_MAX_RANK], extent[H5S_MAX_RANK];
    uint32_t filters   = 0;
    herr_t   ret_value = 0;

    for (int d = 0; d < m->p.rank; d++) {
        offset[d] = coords[d] * m->md->chunks.chunk[d];
        extent[d] = m->p.dims[d] - offset[d] < m->md->chunks.chunk[d] ? m->p.dims[d] - offset[d]
                                                                      : m->md->chunks.chunk[d];
    }
    if (size == 0)
        CARVE_GOTO_DONE(0);
    if (m->rewrite)
        CARVE_GOTO_DONE(
            container_copy_box(st, from, m->p.cds, m->p.ospace, m->p.rank, offset, extent, m->p.elem));
    if (size > *buf_size) {
        void *grown = realloc(*buf, (size_t)size);

        if (!grown)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for a %llu-byte chunk",
                             (unsigned long long)size);
        *buf      = grown;
        *buf_size = (size_t)size;
    }
    if (H5Dread_chunk(from->dset, H5P_DEFAULT, offset, &filters, *buf) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot read a raw chunk of a source",
                         m->p.path);
    ret_value = container_write_raw(&m->p, offset, filters, *buf, (size_t)size);

done:
    return ret_value;
}

/* The chunks of a chunked origin's dataset: each from the first source that claims it and holds it intact,
 * the rest of what the sources claimed or read from the origin when it is available. */
static herr_t
merge_store_chunks(commit_state_t *st, merge_dataset_t *m)
{
    carve_manifest_dataset_t *md = m->md;
    carve_chunkset_t          want, got, claimed, rest, none;
    uint64_t                 *cand      = NULL;
    void                     *buf       = NULL;
    size_t                    buf_size  = 0;
    hid_t                     sds       = H5I_INVALID_HID;
    herr_t                    ret_value = 0;

    memset(&want, 0, sizeof want);
    memset(&got, 0, sizeof got);
    memset(&claimed, 0, sizeof claimed);
    memset(&rest, 0, sizeof rest);
    memset(&none, 0, sizeof none);
    if (carve_chunkset_init(&want, md->rank, md->dims, md->chunks.chunk) < 0 ||
        carve_chunkset_init(&got, md->rank, md->dims, md->chunks.chunk) < 0 ||
        carve_chunkset_init(&claimed, md->rank, md->dims, md->chunks.chunk) < 0 ||
        carve_chunkset_init(&rest, md->rank, md->dims, md->chunks.chunk) < 0 ||
        carve_chunkset_init(&none, md->rank, md->dims, md->chunks.chunk) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < st->commit->nsources; i++)
        if (m->smd[i] && (carve_chunkset_add_selection(&want, &m->smd[i]->selections) < 0 ||
                          (m->smd[i]->chunked && carve_chunkset_union(&claimed, &m->smd[i]->chunks) < 0)))
            CARVE_GOTO_DONE(-1);
    if (carve_chunkset_union(&want, &claimed) < 0 || carve_chunkset_finish(&want) < 0 ||
        carve_chunkset_finish(&claimed) < 0 || carve_chunkset_finish(&md->chunks) < 0)
        CARVE_GOTO_DONE(-1);

    for (size_t i = 0; i < st->commit->nsources; i++) {
        const carve_manifest_dataset_t  *smd = m->smd[i];
        container_source_t              *src = &st->sources[i];
        const carve_integrity_dataset_t *was, *is;
        container_from_t                 from;
        size_t                           ncand = 0, bad = 0;

        if (!smd || !smd->chunked || smd->chunks.n == 0)
            continue;
        /* Its claims not held yet (one sort of `got` per source: nothing is added while looking). */
        free(cand);
        if (NULL == (cand = malloc(smd->chunks.n * sizeof *cand)))
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory for %zu chunks",
                             smd->chunks.n);
        for (size_t k = 0; k < smd->chunks.n; k++) {
            hsize_t coords[H5S_MAX_RANK];

            carve_chunkset_coords(&smd->chunks, k, coords);
            if (!carve_chunkset_contains(&md->chunks, coords) && !carve_chunkset_contains(&got, coords))
                cand[ncand++] = smd->chunks.idx[k];
        }
        if (ncand == 0)
            continue;
        if ((sds = H5Dopen2(src->file, m->p.path, H5P_DEFAULT)) < 0 ||
            merge_measure(src, smd, sds, &m->now, &was, &is) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot read it in %s", m->p.path,
                             src->given->path);
        from = (container_from_t){&src->skeleton, src->file, sds};
        for (size_t k = 0; k < ncand; k++) {
            hsize_t coords[H5S_MAX_RANK];

            if (!merge_intact(was, is, cand[k])) {
                bad++;
                continue;
            }
            carve_chunkset_index_coords(&got, cand[k], coords);
            if (merge_copy_chunk(st, m, &from, coords, carve_integrity_find_chunk(is, cand[k])->size, &buf,
                                 &buf_size) < 0 ||
                carve_chunkset_add_coords(&got, coords) < 0)
                CARVE_GOTO_DONE(-1);
        }
        if (bad)
            fprintf(
                stderr,
                "carve: merge: %zu chunk(s) of %s in %s do not match its checksums%s: not taken from it\n",
                bad, m->p.path, src->given->path, was ? "" : " (it has none for them)");
        H5Dclose(sds);
        sds = H5I_INVALID_HID;
    }

    /* What no source gave: from the origin, or lost when a source claimed it. */
    for (size_t k = 0; k < want.n; k++) {
        hsize_t coords[H5S_MAX_RANK];

        carve_chunkset_coords(&want, k, coords);
        if (!carve_chunkset_contains(&md->chunks, coords) && !carve_chunkset_contains(&got, coords) &&
            carve_chunkset_add_coords(&rest, coords) < 0)
            CARVE_GOTO_DONE(-1);
    }
    if (rest.n && st->reads_origin) {
        if (merge_origin_pair(st, m) < 0 || container_copy_chunks(st, &m->op, &rest, &none, m->rewrite) < 0 ||
            carve_chunkset_union(&got, &rest) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (rest.n) {
        size_t lost = 0;

        for (size_t k = 0; k < rest.n; k++) {
            hsize_t coords[H5S_MAX_RANK];

            carve_chunkset_coords(&rest, k, coords);
            lost += carve_chunkset_contains(&claimed, coords);
        }
        if (lost)
            fprintf(
                stderr,
                "carve: merge: %zu chunk(s) of %s that the sources hold are intact in none of them and the "
                "origin is not available: not stored\n",
                lost, m->p.path);
        st->lost += lost;
    }
    if (carve_chunkset_union(&md->chunks, &got) < 0 || carve_chunkset_finish(&md->chunks) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < st->commit->nsources; i++)
        if (m->smd[i] && carve_selection_union(&md->selections, &m->smd[i]->selections) < 0)
            CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (sds >= 0)
        H5Dclose(sds);
    CARVE_CLEANUP_END
    free(cand);
    free(buf);
    carve_chunkset_clear(&want);
    carve_chunkset_clear(&got);
    carve_chunkset_clear(&claimed);
    carve_chunkset_clear(&rest);
    carve_chunkset_clear(&none);
    return ret_value;
}

/* What one source holds intact of a dataset stored as elements: its selections minus the boxes of its own
 * chunks that do not match (all of it for a scalar that matches), added to valid. */
static herr_t
merge_source_valid(container_source_t *src, merge_dataset_t *m, const carve_manifest_dataset_t *smd,
                   hid_t sds, carve_selection_t *valid)
{
    const carve_integrity_dataset_t *was, *is;
    carve_chunkset_t                 held, bad;
    carve_selection_t                boxes;
    hid_t                            dcpl = H5I_INVALID_HID;
    hsize_t                          chunk[H5S_MAX_RANK];
    herr_t                           ret_value = 0;

    memset(&held, 0, sizeof held);
    memset(&bad, 0, sizeof bad);
    carve_selection_init(&boxes, smd->rank, smd->dims);
    if (merge_measure(src, smd, sds, &m->now, &was, &is) < 0)
        CARVE_GOTO_DONE(-1);
    if ((dcpl = H5Dget_create_plist(sds)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot inspect it in %s", smd->path,
                         src->given->path);
    if (m->p.rank == 0 || H5Pget_layout(dcpl) != H5D_CHUNKED) {
        if (merge_intact(was, is, CARVE_INTEGRITY_WHOLE))
            CARVE_GOTO_DONE(carve_selection_union(valid, &smd->selections));
        fprintf(stderr, "carve: merge: %s of %s does not match its checksums: not taken from it\n", smd->path,
                src->given->path);
        CARVE_GOTO_DONE(0);
    }
    if (H5Pget_chunk(dcpl, m->p.rank, chunk) < 0 ||
        carve_chunkset_init(&held, m->p.rank, m->p.dims, chunk) < 0 ||
        carve_chunkset_init(&bad, m->p.rank, m->p.dims, chunk) < 0 ||
        carve_chunkset_add_selection(&held, &smd->selections) < 0 || carve_chunkset_finish(&held) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t k = 0; k < held.n; k++)
        if (!merge_intact(was, is, held.idx[k])) {
            hsize_t coords[H5S_MAX_RANK];

            carve_chunkset_coords(&held, k, coords);
            if (carve_chunkset_add_coords(&bad, coords) < 0)
                CARVE_GOTO_DONE(-1);
        }
    if (bad.n == 0)
        CARVE_GOTO_DONE(carve_selection_union(valid, &smd->selections));
    fprintf(stderr,
            "carve: merge: %zu chunk(s) of %s in %s do not match its checksums%s: what they hold is not "
            "taken from "
            "it\n",
            bad.n, smd->path, src->given->path, was ? "" : " (it has none for them)");
    if (merge_chunk_boxes(&bad, &boxes) < 0 || merge_selection_minus(&smd->selections, &boxes, valid) < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (dcpl >= 0)
        H5Pclose(dcpl);
    CARVE_CLEANUP_END
    if (held.idx)
        carve_chunkset_clear(&held);
    if (bad.idx)
        carve_chunkset_clear(&bad);
    carve_selection_clear(&boxes);
    return ret_value;
}

/* A dataset stored as elements: what each source holds intact, copied through memory; the rest of what the
 * sources held from the origin when it is available. */
static herr_t
merge_store_elements(commit_state_t *st, merge_dataset_t *m)
{
    carve_manifest_dataset_t *md = m->md;
    carve_selection_t         claimed, held, valid, rest;
    hid_t                     sds       = H5I_INVALID_HID;
    herr_t                    ret_value = 0;

    carve_selection_init(&claimed, md->rank, md->dims);
    carve_selection_init(&held, md->rank, md->dims);
    carve_selection_init(&valid, md->rank, md->dims);
    carve_selection_init(&rest, md->rank, md->dims);
    for (size_t i = 0; i < st->commit->nsources; i++) {
        const carve_manifest_dataset_t *smd = m->smd[i];
        container_source_t             *src = &st->sources[i];
        container_from_t                from;

        if (!smd || carve_selection_is_empty(&smd->selections))
            continue;
        if (carve_selection_union(&held, &smd->selections) < 0)
            CARVE_GOTO_DONE(-1);
        if (m->p.rank == 0 && !carve_selection_is_empty(&claimed))
            continue; /* a scalar is whole: one intact source is enough */
        carve_selection_clear(&valid);
        carve_selection_init(&valid, md->rank, md->dims);
        if ((sds = H5Dopen2(src->file, m->p.path, H5P_DEFAULT)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot open it in %s", m->p.path,
                             src->given->path);
        if (merge_source_valid(src, m, smd, sds, &valid) < 0)
            CARVE_GOTO_DONE(-1);
        from = (container_from_t){&src->skeleton, src->file, sds};
        if (m->p.rank == 0 && !carve_selection_is_empty(&valid)) {
            if (H5Sselect_all(m->p.ospace) < 0 ||
                carve_skeleton_copy_elements(&src->skeleton, src->file, st->file, sds, m->p.cds,
                                             m->p.ospace) < 0)
                CARVE_GOTO_DONE(-1);
        }
        else
            for (size_t r = 0; r < valid.nrecords; r++)
                if (container_copy_record(st, &from, m->p.cds, m->p.ospace, &valid, r, m->p.elem) < 0)
                    CARVE_GOTO_DONE(-1);
        if (carve_selection_union(&claimed, &valid) < 0)
            CARVE_GOTO_DONE(-1);
        H5Dclose(sds);
        sds = H5I_INVALID_HID;
    }

    /* What the sources held but none intact: from the origin, or lost. */
    if (m->p.rank == 0
            ? carve_selection_is_empty(&claimed) && carve_selection_union(&rest, &held) < 0
            : carve_selection_merge(&claimed) < 0 || merge_selection_minus(&held, &claimed, &rest) < 0)
        CARVE_GOTO_DONE(-1);
    if (!carve_selection_is_empty(&rest) && st->reads_origin) {
        if (merge_origin_pair(st, m) < 0 || container_copy_selection(st, &m->op, &rest, &claimed) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (!carve_selection_is_empty(&rest)) {
        hsize_t n = m->p.rank == 0 ? 1 : carve_selection_npoints(&rest);

        fprintf(
            stderr,
            "carve: merge: %llu element(s) of %s that the sources hold are intact in none of them and the "
            "origin is not available: not stored\n",
            (unsigned long long)n, m->p.path);
        st->lost += n;
    }
    if (carve_selection_union(&md->selections, &claimed) < 0)
        CARVE_GOTO_DONE(-1);

done:
    CARVE_CLEANUP_BEGIN
    if (sds >= 0)
        H5Dclose(sds);
    CARVE_CLEANUP_END
    carve_selection_clear(&claimed);
    carve_selection_clear(&held);
    carve_selection_clear(&valid);
    carve_selection_clear(&rest);
    return ret_value;
}

/* One dataset any source lists, merged into the new container and its manifest. */
static herr_t
merge_store_dataset(commit_state_t *st, const char *path)
{
    const carve_commit_t *c = st->commit;
    merge_dataset_t       m;
    size_t                first     = SIZE_MAX;
    herr_t                ret_value = 0;

    memset(&m, 0, sizeof m);
    container_pair_reset(&m.p, path);
    container_pair_reset(&m.op, path);
    carve_integrity_init(&m.now);
    if (NULL == (m.smd = calloc(c->nsources, sizeof *m.smd)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory");
    for (size_t i = 0; i < c->nsources; i++)
        if ((m.smd[i] = carve_manifest_find_dataset(c->sources[i].manifest, path)) != NULL &&
            first == SIZE_MAX)
            first = i;
    if (first == SIZE_MAX)
        CARVE_GOTO_DONE(0);
    if ((m.p.ods = H5Dopen2(st->sources[first].file, path, H5P_DEFAULT)) < 0 ||
        (m.p.cds = H5Dopen2(st->file, path, H5P_DEFAULT)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "%s: cannot open the dataset", path);
    if (container_pair_inspect(&m.p) < 0 || (m.rewrite = carve_skeleton_type_needs_rewrite(m.p.type)) < 0 ||
        NULL == (m.md = merge_entry(st, &m.p, m.smd[first])))
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < c->nsources; i++)
        if (m.smd[i]) {
            if (m.smd[i]->rank != m.md->rank || m.smd[i]->store != m.md->store ||
                memcmp(m.smd[i]->dims, m.md->dims, (size_t)m.md->rank * sizeof *m.md->dims) != 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                                 "%s: %s and %s disagree on its shape or store", path, c->sources[first].path,
                                 c->sources[i].path);
            m.md->elements_read += m.smd[i]->elements_read;
            m.md->bytes_read += m.smd[i]->bytes_read;
        }
    if (m.md->held) {
        /* Held whole already (the container merged into): only the record of the reads grows. */
        for (size_t i = 0; i < c->nsources; i++)
            if (m.smd[i] && carve_selection_union(&m.md->selections, &m.smd[i]->selections) < 0)
                CARVE_GOTO_DONE(-1);
    }
    else {
        int held = 0, claimed_whole = 0;

        for (size_t i = 0; i < c->nsources; i++)
            claimed_whole |= m.smd[i] && m.smd[i]->held;
        if (claimed_whole && (held = merge_store_held(st, &m)) < 0)
            CARVE_GOTO_DONE(-1);
        if (claimed_whole && !held) {
            fprintf(stderr,
                    "carve: merge: %s, which the sources hold whole, is intact in none of them: not stored "
                    "whole\n",
                    path);
            st->lost++;
        }
        if (held)
            for (size_t i = 0; i < c->nsources; i++)
                if (m.smd[i] && carve_selection_union(&m.md->selections, &m.smd[i]->selections) < 0)
                    CARVE_GOTO_DONE(-1);
        if (!held && m.md->store == CARVE_STORE_CHUNKS && m.p.storable && merge_store_chunks(st, &m) < 0)
            CARVE_GOTO_DONE(-1);
        if (!held && m.md->store == CARVE_STORE_ELEMENTS && (m.p.rank == 0 || m.p.storable) &&
            merge_store_elements(st, &m) < 0)
            CARVE_GOTO_DONE(-1);
    }
    if (carve_selection_merge(&m.md->selections) < 0)
        CARVE_GOTO_DONE(-1);
    container_entry_sizes(&m.p, m.md);
    if (container_note_changed(st, m.md->path) < 0)
        CARVE_GOTO_DONE(-1);

done:
    container_pair_close(&m.p);
    container_pair_close(&m.op);
    carve_integrity_clear(&m.now);
    free(m.smd);
    return ret_value;
}

/* The sources' replay sections added to the container's: runs and counters summed, the latest time kept. A
 * source merged twice into the same container counts twice (nothing says it was merged before). */
static herr_t
merge_add_replay(commit_state_t *st)
{
    carve_manifest_t *m         = &st->manifest;
    herr_t            ret_value = 0;

    for (size_t i = 0; i < st->commit->nsources; i++) {
        const carve_manifest_t *sm = st->commit->sources[i].manifest;

        if (!sm->has_replay)
            continue;
        if (!m->has_replay) {
            m->replay_runs = 0;
            memset(&m->replay, 0, sizeof m->replay);
            m->has_replay = 1;
        }
        m->replay_runs =
            m->replay_runs + sm->replay_runs < m->replay_runs ? UINT64_MAX : m->replay_runs + sm->replay_runs;
        carve_replay_counters_add(&m->replay, &sm->replay);
        if (sm->replay_last && (!m->replay_last || strcmp(sm->replay_last, m->replay_last) > 0)) {
            char *last = strdup(sm->replay_last);

            if (!last)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory");
            free(m->replay_last);
            m->replay_last = last;
        }
    }

done:
    return ret_value;
}

/* Phase 3 of a merge: every source's skeleton (the union), the old data checked (invariant 8), every
 * dataset any source lists merged, and the sources' lists of objects, attributes, external links and their
 * replay counters added. */
static herr_t
merge_store(commit_state_t *st, const carve_skeleton_options_t *opts)
{
    const carve_commit_t *c         = st->commit;
    herr_t                ret_value = 0;

    for (size_t i = 0; i < c->nsources; i++)
        if (carve_skeleton_build(st->sources[i].file, st->file, opts, &st->sources[i].skeleton) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot copy the skeleton of %s",
                             c->sources[i].path);
    if (st->had_integrity && container_check_carried(st) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < c->nsources; i++) {
        const carve_manifest_t *sm = c->sources[i].manifest;

        for (size_t k = 0; k < sm->ndatasets; k++) {
            const char *path = sm->datasets[k].path;
            int         seen = 0;

            for (size_t j = 0; j < i && !seen; j++)
                seen = carve_manifest_find_dataset(c->sources[j].manifest, path) != NULL;
            if (!seen && merge_store_dataset(st, path) < 0)
                CARVE_GOTO_DONE(-1);
        }
        if (carve_manifest_merge_objects(&st->manifest, (const char *const *)sm->objects, sm->nobjects) < 0 ||
            carve_manifest_merge_attributes(&st->manifest, sm->attributes, sm->nattributes) < 0)
            CARVE_GOTO_DONE(-1);
        for (size_t k = 0; k < sm->nelinks; k++)
            if (carve_manifest_add_external_link(&st->manifest, sm->elinks[k].path, sm->elinks[k].file,
                                                 sm->elinks[k].object) < 0)
                CARVE_GOTO_DONE(-1);
    }
    ret_value = merge_add_replay(st);

done:
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Manifest and bookkeeping
 * ------------------------------------------------------------------------------------------------- */

static int
container_compare_elinks(const void *a, const void *b)
{
    return strcmp(((const carve_skeleton_elink_t *)a)->path, ((const carve_skeleton_elink_t *)b)->path);
}

static herr_t
container_update_manifest(commit_state_t *st, const carve_stamp_t *stamp)
{
    carve_manifest_t     *m = &st->manifest;
    const carve_commit_t *c = st->commit;
    char                  now[32], version[32];
    unsigned              maj, min, rel;
    const char           *slash     = strrchr(st->container_path, '/');
    herr_t                ret_value = 0;

    carve_utc_now(now, sizeof now);
    H5get_libversion(&maj, &min, &rel);
    snprintf(version, sizeof version, "%u.%u.%u", maj, min, rel);
    m->format = CARVE_MANIFEST_FORMAT;
    m->generation++;
#define CONTAINER_SET_STRING(field, value)                                                                   \
    do {                                                                                                     \
        char *copy_ = strdup(value);                                                                         \
        if (!copy_)                                                                                          \
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory updating the manifest");  \
        free(field);                                                                                         \
        (field) = copy_;                                                                                     \
    } while (0)
    CONTAINER_SET_STRING(m->carve_version, CARVE_VERSION_STRING);
    CONTAINER_SET_STRING(m->hdf5_version, version);
    if (!m->created)
        CONTAINER_SET_STRING(m->created, now);
    CONTAINER_SET_STRING(m->updated, now);
    CONTAINER_SET_STRING(m->origin, c->location);
    CONTAINER_SET_STRING(m->container, slash ? slash + 1 : st->container_path);
    if (!m->skeleton)
        CONTAINER_SET_STRING(m->skeleton, c->touched_only ? "touched" : "full");
    else if (!c->touched_only && strcmp(m->skeleton, "touched") == 0)
        CONTAINER_SET_STRING(m->skeleton, "full");
#undef CONTAINER_SET_STRING
    carve_stamp_clear(&m->stamp);
    if (carve_stamp_copy(&m->stamp, stamp) < 0)
        CARVE_GOTO_DONE(-1);

    if (container_merge_touched(st) < 0)
        CARVE_GOTO_DONE(-1);
    /* The external links the container now holds, joined to those earlier generations listed. Sorted first
     * (the skeleton's walk order is of no further use): an add keeps the list in path order, so links in
     * that order append instead of each shifting the entries after it. */
    if (st->skeleton.nelinks > 1)
        qsort(st->skeleton.elinks, st->skeleton.nelinks, sizeof *st->skeleton.elinks,
              container_compare_elinks);
    for (size_t i = 0; i < st->skeleton.nelinks; i++) {
        const carve_skeleton_elink_t *e = &st->skeleton.elinks[i];

        if (carve_manifest_add_external_link(m, e->path, e->file, e->object) < 0)
            CARVE_GOTO_DONE(-1);
    }
    for (size_t i = 0; i < c->nskipped; i++)
        if (carve_manifest_add_skipped(m, c->skipped[i].path, c->skipped[i].reason) < 0)
            CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < c->nruns; i++)
        if (carve_manifest_add_run(m, c->runs[i].time, c->runs[i].pid, c->runs[i].program) < 0)
            CARVE_GOTO_DONE(-1);
    if (carve_manifest_add_run(m, now, (int64_t)getpid(), c->program) < 0)
        CARVE_GOTO_DONE(-1);
    /* Lists in path order, so that manifests of the same accesses read the same. */
    carve_manifest_sort_datasets(m);

done:
    return ret_value;
}

/* The largest embedded text stored without deflate (container_embed_manifest). */
#define CONTAINER_EMBED_RAW_BYTES ((size_t)1 << 20)
/* The chunk of an embedded text stored without deflate: rewritten in place by the next commit. */
#define CONTAINER_EMBED_CHUNK ((hsize_t)1 << 16)

/* Whether dset, an embedded text of an earlier commit, can take a new text in place: chunked, extendible
 * and unfiltered (what container_embed_manifest writes for texts of up to CONTAINER_EMBED_RAW_BYTES;
 * containers written by earlier versions hold contiguous or deflated ones, which are replaced instead). */
static int
container_embed_rewritable(hid_t dset)
{
    hid_t   dcpl = H5Dget_create_plist(dset), space = H5Dget_space(dset);
    hsize_t maxdims = 0;
    int ok = dcpl >= 0 && space >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_nfilters(dcpl) == 0 &&
             H5Sget_simple_extent_ndims(space) == 1 &&
             H5Sget_simple_extent_dims(space, NULL, &maxdims) == 1 && maxdims == H5S_UNLIMITED;

    CARVE_TRY_QUIETLY(H5Pclose(dcpl));
    CARVE_TRY_QUIETLY(H5Sclose(space));
    return ok;
}

/* Writes a manifest text (or the checksum table) into the container: over the previous one (old: its
 * token, or NULL) when that one can take it in place, else into a new anonymous dataset, the previous one
 * dropped; returns the dataset's token.
 *
 * In place because HDF5 does not keep a file's free space across opens: a dataset dropped by one commit
 * is space no later commit reuses, so replacing the texts grew a container by their size at every re-carve
 * (0.3 MB for 500k points). Unfiltered chunks are overwritten where they are and only the chunks a longer
 * text adds are new. The commit writes into its own copy of the container (invariant 1), so a commit that
 * fails halfway leaves the old texts intact in the old container. */
static herr_t
container_embed_manifest(commit_state_t *st, const char *text, size_t len, const H5O_token_t *old_token,
                         H5O_token_t *token)
{
    hid_t   space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID, old = H5I_INVALID_HID;
    hsize_t n = len, unlimited = H5S_UNLIMITED, chunk = CONTAINER_EMBED_CHUNK;
    hsize_t big_chunk = len < ((size_t)1 << 20) ? len : ((size_t)1 << 20);
    H5O_info2_t info;
    herr_t      ret_value = 0;

    if (old_token && len <= CONTAINER_EMBED_RAW_BYTES) {
        if ((old = H5Oopen_by_token(st->file, *old_token)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "cannot open the previous bookkeeping");
        if (container_embed_rewritable(old)) {
            if (H5Dset_extent(old, &n) < 0 ||
                H5Dwrite(old, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0)
                CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1,
                                 "cannot rewrite the bookkeeping dataset");
            *token = *old_token;
            CARVE_GOTO_DONE(0);
        }
    }
    /* Texts of up to CONTAINER_EMBED_RAW_BYTES are stored as they are, in chunks the next commit rewrites
     * in place: deflate costs ~100 instructions a byte even at its fastest level (a fifth of a 500k-point
     * carve's commit, for a 0.7 MB manifest that it shrinks by 0.4 MB, less than the manifest file written
     * beside the container). Larger ones (a metadata-heavy file's lists of attributes and objects) take
     * deflate's fastest level: the large texts are packed selections in base64 or YAML lists, which harder
     * work barely shrinks more (level 6 took 3x the instructions of the whole commit's other work on 500k
     * points). Readers read either through H5Dread. */
    if ((space = H5Screate_simple(1, &n, len <= CONTAINER_EMBED_RAW_BYTES ? &unlimited : NULL)) < 0 ||
        (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        (len <= CONTAINER_EMBED_RAW_BYTES
             ? H5Pset_chunk(dcpl, 1, &chunk) < 0
             : H5Pset_chunk(dcpl, 1, &big_chunk) < 0 || H5Pset_deflate(dcpl, 1) < 0))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot prepare the bookkeeping dataset");
    if ((dset = H5Dcreate_anon(st->file, H5T_STD_U8LE, space, dcpl, H5P_DEFAULT)) < 0 ||
        H5Dwrite(dset, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0 ||
        H5Oincr_refcount(dset) < 0 || H5Oget_info3(dset, &info, H5O_INFO_BASIC) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot write the bookkeeping dataset");
    *token = info.token;
    if (old_token) {
        /* The previous manifest's dataset: no link holds it, so dropping its count frees it. */
        if (old < 0 && (old = H5Oopen_by_token(st->file, *old_token)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "cannot open the previous bookkeeping");
        if (H5Odecr_refcount(old) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                             "cannot release the previous bookkeeping");
    }

done:
    CARVE_CLEANUP_BEGIN
    if (old >= 0)
        H5Oclose(old);
    if (dset >= 0)
        H5Dclose(dset);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Embeds the replay manifest: the manifest without the selections of datasets held as whole chunks (the
 * chunk list says what is held; a program's million point reads would otherwise be parsed by every
 * replaying process). The full manifest stays the authority; this copy is rewritten with it. */
static herr_t
container_embed_replay_manifest(commit_state_t *st, H5O_token_t *token)
{
    carve_manifest_t *m           = &st->manifest;
    size_t           *kept        = NULL;
    size_t            nattributes = m->nattributes, nobjects = m->nobjects;
    char             *text      = NULL;
    size_t            len       = 0;
    herr_t            ret_value = 0;

    if (m->ndatasets && NULL == (kept = malloc(m->ndatasets * sizeof *kept)))
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory writing the replay manifest");
    for (size_t i = 0; i < m->ndatasets; i++) {
        kept[i] = m->datasets[i].selections.nrecords;
        if (m->datasets[i].store == CARVE_STORE_CHUNKS || m->datasets[i].held)
            m->datasets[i].selections.nrecords = 0;
    }
    /* Replay serves the attributes and objects from the skeleton and never reads their lists, which for a
     * metadata-heavy carve are most of the manifest (98k attributes: 1.5 G instructions of YAML per replay
     * open); the whole manifest keeps them. */
    m->nattributes = m->nobjects = 0;
    ret_value                    = carve_manifest_emit(m, &text, &len);
    m->nattributes               = nattributes;
    m->nobjects                  = nobjects;
    for (size_t i = 0; i < m->ndatasets; i++)
        m->datasets[i].selections.nrecords = kept[i];
    if (ret_value < 0)
        CARVE_GOTO_DONE(-1);
    if (container_embed_manifest(st, text, len, st->had_replay ? &st->old_replay : NULL, token) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(kept);
    free(text);
    return ret_value;
}

/* The container's creation list: the origin's, with room for carve's user block, and with the root
 * group's own creation settings (H5Fget_create_plist does not carry them: netCDF-4, for one, tracks
 * the root's creation order, which is how it orders variables and finds its named types). */
static hid_t
container_fcpl(hid_t origin)
{
    hid_t    fcpl = H5Fget_create_plist(origin), root = H5I_INVALID_HID, gcpl = H5I_INVALID_HID;
    hsize_t  ub = 0;
    unsigned link_order, attr_order, max_compact, min_dense, attr_compact, attr_dense, est_entries, est_name;
    hid_t    ret_value = H5I_INVALID_HID;

    if (fcpl < 0 || (root = H5Gopen2(origin, "/", H5P_DEFAULT)) < 0 || (gcpl = H5Gget_create_plist(root)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot read the creation lists of the origin and its root group");
    if (H5Pget_userblock(fcpl, &ub) < 0 ||
        H5Pset_userblock(fcpl, ub < CARVE_CONTAINER_USERBLOCK ? CARVE_CONTAINER_USERBLOCK : ub) < 0 ||
        H5Pget_link_creation_order(gcpl, &link_order) < 0 ||
        H5Pset_link_creation_order(fcpl, link_order) < 0 ||
        H5Pget_attr_creation_order(gcpl, &attr_order) < 0 ||
        H5Pset_attr_creation_order(fcpl, attr_order) < 0 ||
        H5Pget_link_phase_change(gcpl, &max_compact, &min_dense) < 0 ||
        H5Pset_link_phase_change(fcpl, max_compact, min_dense) < 0 ||
        H5Pget_attr_phase_change(gcpl, &attr_compact, &attr_dense) < 0 ||
        H5Pset_attr_phase_change(fcpl, attr_compact, attr_dense) < 0 ||
        H5Pget_est_link_info(gcpl, &est_entries, &est_name) < 0 ||
        H5Pset_est_link_info(fcpl, est_entries, est_name) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                         "cannot copy the origin's root group settings");
    ret_value = fcpl;
    fcpl      = H5I_INVALID_HID;

done:
    CARVE_CLEANUP_BEGIN
    if (gcpl >= 0)
        H5Pclose(gcpl);
    if (root >= 0)
        H5Gclose(root);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Commit
 * ------------------------------------------------------------------------------------------------- */

/* Phase 1 of a commit: the origin's stamp now, and the container as it stands (its embedded manifest is the
 * authority: invariant 2). Refuses a file that is not a container, a container of another origin, and an
 * origin whose stamp changed since the container was carved (invariant 6). Sets st->unchanged when the run
 * read and touched nothing, so there is nothing to add. */
static herr_t
commit_read_old(commit_state_t *st, carve_stamp_t *stamp)
{
    const carve_commit_t *c = st->commit;
    uint64_t              generation;
    int                   probe;
    herr_t                ret_value = 0;

    /* A merge has its sources' stamp (the origin may be gone); its caller compares it with the origin's. */
    if (c->nsources ? carve_stamp_copy(stamp, c->stamp) < 0
                    : carve_origin_stamp(c->location, c->origin_fapl, stamp) < 0)
        CARVE_GOTO_DONE(-1);
    if ((probe = container_read_header(st->container_path, &generation, &st->old_bookkeeping, &st->old_replay,
                                       &st->had_replay, &st->old_integrity, &st->had_integrity)) < 0)
        CARVE_GOTO_DONE(-1);
    if (probe == 0 && access(st->container_path, F_OK) == 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "%s exists but is not a carve container: carve will not overwrite it",
                         st->container_path);
    st->had_container = probe;
    if (probe && carve_container_read_manifest(st->container_path, &st->manifest) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s is unreadable; move it away to carve anew", st->container_path);
    carve_manifest_sort_datasets(&st->manifest); /* a hand-edited manifest may not be in path order */
    if (probe && strcmp(st->manifest.origin ? st->manifest.origin : "", c->location) != 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "container %s belongs to another origin (%s), not %s", st->container_path,
                         st->manifest.origin ? st->manifest.origin : "?", c->location);
    if (probe && c->nskipped == 0 && c->nsources == 0 && c->access->datasets.n == 0 &&
        c->access->objects.n == 0 && c->access->nattrs == 0) {
        /* The run read and touched nothing: the container already has the skeleton; rewriting it
         * (and re-merging every selection carved before) would only add a line to the run list. */
        st->unchanged = 1;
        CARVE_GOTO_DONE(0);
    }
    if (probe && !carve_stamp_equal(&st->manifest.stamp, stamp)) {
        char *change = carve_stamp_describe_change(&st->manifest.stamp, stamp);

        CARVE_ERROR(CARVE_E_ORIGIN, CARVE_E_CHANGED,
                    "origin %s changed since container %s was carved (%s): the container is left as it was; "
                    "remove it (and its manifest) to carve the new origin",
                    c->location, st->container_path, change ? change : "stamp differs");
        free(change);
        CARVE_GOTO_DONE(-1);
    }
    /* Replaying processes counted in the manifest file since the last commit: carried into both copies
     * (invariant 9). */
    if (probe && container_take_file_replay(st->manifest_path, &st->manifest) < 0)
        CARVE_GOTO_DONE(-1);

done:
    return ret_value;
}

/* Phase 2: the origin opened again, read-only (invariant 4), and the temporary container: a copy of the old
 * one, or a new file with the origin's superblock version and creation properties (invariant 1: the
 * container itself is not touched until the rename). Leftovers of killed commits are removed first. */
static herr_t
commit_open_files(commit_state_t *st, const carve_stamp_t *stamp)
{
    const carve_commit_t *c    = st->commit;
    hid_t                 fapl = H5I_INVALID_HID, fcpl = H5I_INVALID_HID, origin_fapl = H5I_INVALID_HID;
    herr_t                ret_value = 0;

    container_remove_stale_temps(st->container_path, st->manifest_path);
    if ((fapl = container_native_fapl(1)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot make a native access list");
    if ((origin_fapl = H5Pcopy(c->origin_fapl)) < 0 || H5Pset_evict_on_close(origin_fapl, true) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot prepare the access list of %s",
                         c->open_name);
    if (st->seen) {
        /* What the program's run read is answered from memory, the rest by validated range requests. */
        if (carve_origin_vfd_set_fetch(origin_fapl, c->open_name, c->origin_fapl, st->seen,
                                       (uint64_t)stamp->size, &st->requests) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot prepare the access list of %s",
                             c->open_name);
    }
    /* Otherwise the commit reads the origin again: over ROS3 only from a server that honours byte ranges. */
    else if (st->reads_origin && carve_origin_is_url(c->location) &&
             carve_origin_check_ranges(c->location, c->origin_fapl) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                         "cannot read the origin %s again to carve it", c->location);
    if (st->reads_origin && (st->origin = H5Fopen(c->open_name, H5F_ACC_RDONLY, origin_fapl)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot reopen the origin %s to carve it",
                         c->open_name);
    if (st->had_container) {
        if (container_copy_file(st->container_path, st->temp_path) < 0)
            CARVE_GOTO_DONE(-1);
        if ((st->file = H5Fopen(st->temp_path, H5F_ACC_RDWR, fapl)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot open %s", st->temp_path);
    }
    else {
        /* The origin's creation settings; a merge without its origin has a source's, which are the same. */
        hid_t model = st->origin >= 0 ? st->origin : st->sources[0].file;

        if ((fcpl = container_fcpl(model)) < 0 || container_match_superblock(model, fapl) < 0)
            CARVE_GOTO_DONE(-1);
        if ((st->file = H5Fcreate(st->temp_path, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot create %s", st->temp_path);
    }

done:
    CARVE_CLEANUP_BEGIN
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (origin_fapl >= 0)
        H5Pclose(origin_fapl);
    CARVE_CLEANUP_END
    return ret_value;
}

/* Phase 3: the skeleton, the old data checked (invariant 8), and the data the run read stored (invariant
 * 3), datasets of references whole. */
static herr_t
commit_store(commit_state_t *st)
{
    const carve_commit_t    *c = st->commit;
    carve_skeleton_options_t opts;
    herr_t                   ret_value = 0;

    memset(&opts, 0, sizeof opts);
    opts.dcpl       = container_choose_dcpl;
    opts.dcpl_udata = st;
    if (c->nsources)
        CARVE_GOTO_DONE(merge_store(st, &opts));
    if (c->touched_only) {
        opts.include       = container_include;
        opts.include_udata = st;
    }
    if (carve_skeleton_build(st->origin, st->file, &opts, &st->skeleton) < 0)
        CARVE_GOTO_DONE(-1);
    if (st->had_integrity && container_check_carried(st) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < c->access->datasets.capacity; i++)
        if (c->access->datasets.used[i] && container_store_dataset(st, c->access->datasets.values[i]) < 0)
            CARVE_GOTO_DONE(-1);
    for (size_t i = 0; i < st->skeleton.by_origin.capacity; i++) {
        const carve_skeleton_object_t *obj = st->skeleton.by_origin.values[i];

        if (st->skeleton.by_origin.used[i] && obj->type == H5O_TYPE_DATASET && obj->has_refs &&
            container_store_whole(st, obj) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

/* Phase 4: the manifest, its lean replay copy and the checksum table embedded, the header written, then the
 * rename over the container (the commit point: invariant 1), and the manifest file written from the
 * embedded copy (invariant 2). */
static herr_t
commit_write(commit_state_t *st, const carve_stamp_t *stamp)
{
    char       *text = NULL;
    size_t      len  = 0;
    H5O_token_t token, replay_token, integrity_token;
    herr_t      ret_value = 0;

    if (container_update_manifest(st, stamp) < 0 || carve_manifest_emit(&st->manifest, &text, &len) < 0 ||
        container_embed_manifest(st, text, len, st->had_container ? &st->old_bookkeeping : NULL, &token) <
            0 ||
        container_embed_replay_manifest(st, &replay_token) < 0 ||
        container_embed_integrity(st, &integrity_token) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Fclose(st->file) < 0) {
        st->file = H5I_INVALID_HID;
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_UNDERLYING, -1, "cannot close %s", st->temp_path);
    }
    st->file = H5I_INVALID_HID;
    if (container_write_header(st->temp_path, st->manifest.generation, &token, &replay_token,
                               &integrity_token) < 0)
        CARVE_GOTO_DONE(-1);
    if (rename(st->temp_path, st->container_path) < 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "cannot rename %s to %s: %s", st->temp_path,
                         st->container_path, strerror(errno));
    container_sync_dir(st->container_path);
    /* The text embedded above, rendered once (a manifest of a million points costs seconds to render). */
    if (carve_manifest_write_text(st->manifest_path, text, len) < 0)
        CARVE_GOTO_DONE(-1);

done:
    free(text);
    return ret_value;
}

/* What the program's run read of a URL origin (carve_commit_t.seen) serves the commit only when the origin's
 * stamp now is the one measured before the program read it: bytes of another version of the object are
 * never mixed with this one's. Said on stderr when the origin changed in between. */
static void
commit_take_seen(commit_state_t *st, const carve_stamp_t *stamp)
{
    const carve_commit_t *c = st->commit;

    st->seen = NULL;
    if (!c->seen || !c->seen_stamp || stamp->size < 0)
        return;
    if (!carve_stamp_equal(c->seen_stamp, stamp)) {
        char *change = carve_stamp_describe_change(c->seen_stamp, stamp);

        fprintf(stderr, "carve: %s changed while the program read it (%s); the commit reads it again\n",
                c->location, change ? change : "stamp differs");
        free(change);
        return;
    }
    st->seen = c->seen;
}

/* A commit, under the container's lock (invariant 5): the four phases above. */
static herr_t
commit_build(commit_state_t *st)
{
    carve_stamp_t stamp;
    herr_t        ret_value = 0;

    memset(&stamp, 0, sizeof stamp);
    if (commit_read_old(st, &stamp) < 0)
        CARVE_GOTO_DONE(-1);
    if (st->unchanged)
        CARVE_GOTO_DONE(0);
    commit_take_seen(st, &stamp);
    if ((st->commit->nsources && merge_open_sources(st) < 0) || commit_open_files(st, &stamp) < 0 ||
        commit_store(st) < 0 || commit_write(st, &stamp) < 0)
        CARVE_GOTO_DONE(-1);

done:
    carve_stamp_clear(&stamp);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Signals during a commit
 *
 * A commit builds its container in <container>.tmp.<pid> (and its manifest file in <manifest>.tmp.<pid>).
 * A signal that ends the process there (a user's Ctrl-C, a batch system's SIGTERM at its time limit, a
 * closed terminal) would leave them behind until the next commit in that directory. While a commit runs,
 * carve catches SIGTERM, SIGINT and SIGHUP where the program left them at their default (ending the
 * process; a program's own handler or ignore is never replaced), removes both files, and ends the
 * process by the same signal. SIGKILL cannot be caught: the next commit removes what it leaves.
 * ------------------------------------------------------------------------------------------------- */

static const int commit_signals_g[] = {SIGTERM, SIGINT, SIGHUP};
#define COMMIT_NSIGNALS (sizeof commit_signals_g / sizeof commit_signals_g[0])
static struct sigaction commit_saved_g[COMMIT_NSIGNALS];
static int              commit_caught_g[COMMIT_NSIGNALS];
static char             commit_temps_g[2][PATH_MAX];

static void
commit_on_signal(int sig)
{
    int saved_errno = errno;

    for (size_t i = 0; i < 2; i++)
        if (commit_temps_g[i][0])
            unlink(commit_temps_g[i]); /* async-signal-safe */
    for (size_t k = 0; k < COMMIT_NSIGNALS; k++)
        if (commit_signals_g[k] == sig)
            sigaction(sig, &commit_saved_g[k], NULL);
    errno = saved_errno;
    raise(sig); /* delivered, with the default action, when this handler returns */
}

/* Starts catching (temps: the commit's two temporary paths) or, with NULL, stops. */
static void
commit_catch_signals(const char *container_temp, const char *manifest_path)
{
    struct sigaction act;

    if (!container_temp) {
        for (size_t k = 0; k < COMMIT_NSIGNALS; k++)
            if (commit_caught_g[k]) {
                sigaction(commit_signals_g[k], &commit_saved_g[k], NULL);
                commit_caught_g[k] = 0;
            }
        commit_temps_g[0][0] = commit_temps_g[1][0] = '\0';
        return;
    }
    if ((size_t)snprintf(commit_temps_g[0], PATH_MAX, "%s", container_temp) >= PATH_MAX ||
        (size_t)snprintf(commit_temps_g[1], PATH_MAX, "%s.tmp.%ld", manifest_path, (long)getpid()) >=
            PATH_MAX) {
        commit_temps_g[0][0] = commit_temps_g[1][0] = '\0';
        return;
    }
    memset(&act, 0, sizeof act);
    act.sa_handler = commit_on_signal;
    sigemptyset(&act.sa_mask);
    for (size_t k = 0; k < COMMIT_NSIGNALS; k++) {
        struct sigaction old;

        if (sigaction(commit_signals_g[k], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
            old.sa_handler == SIG_DFL && sigaction(commit_signals_g[k], &act, &commit_saved_g[k]) == 0)
            commit_caught_g[k] = 1;
    }
}

herr_t
carve_container_commit(const carve_commit_t *commit)
{
    commit_state_t st;
    herr_t         ret_value = 0;

    memset(&st, 0, sizeof st);
    st.commit       = commit;
    st.lock_fd      = -1;
    st.reads_origin = commit->nsources == 0 || commit->origin_available;
    st.origin       = H5I_INVALID_HID;
    st.file         = H5I_INVALID_HID;
    carve_manifest_init(&st.manifest);
    carve_skeleton_init(&st.skeleton);
    carve_integrity_init(&st.carried);
    if (carve_origin_container_paths(commit->location, commit->dir, &st.container_path, &st.manifest_path,
                                     &st.lock_path) < 0)
        CARVE_GOTO_DONE(-1);
    if (asprintf(&st.temp_path, "%s.tmp.%ld", st.container_path, (long)getpid()) < 0) {
        st.temp_path = NULL;
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1, "out of memory");
    }
    if (container_lock(st.lock_path, " (set CARVE_DIR or dir= to a writable directory)", &st.lock_fd) < 0)
        CARVE_GOTO_DONE(-1);
    commit_catch_signals(st.temp_path, st.manifest_path);
    ret_value = commit_build(&st);

done:
    CARVE_CLEANUP_BEGIN
    if (st.file >= 0)
        H5Fclose(st.file);
    if (st.origin >= 0)
        H5Fclose(st.origin);
    for (size_t i = 0; i < st.nconverted && i < CONTAINER_CONVERTED_CACHE; i++)
        H5Pclose(st.converted[i]);
    if (ret_value < 0 && st.temp_path)
        unlink(st.temp_path);
    CARVE_CLEANUP_END
    merge_close_sources(&st);
    if (commit->lost)
        *commit->lost = st.lost;
    commit_catch_signals(NULL, NULL);
    if (st.lock_fd >= 0)
        close(st.lock_fd); /* releases the lock */
    carve_skeleton_clear(&st.skeleton);
    carve_manifest_clear(&st.manifest);
    carve_integrity_clear(&st.carried);
    free(st.changed);
    free(st.container_path);
    free(st.manifest_path);
    free(st.lock_path);
    free(st.temp_path);
    return ret_value;
}

/* ---------------------------------------------------------------------------------------------------
 * Recording a replay run
 * ------------------------------------------------------------------------------------------------- */

herr_t
carve_container_add_replay(const char *container_path, const carve_replay_counters_t *run)
{
    char            *manifest_path = NULL, *lock_path = NULL;
    carve_manifest_t m, file;
    uint64_t         generation = 0;
    H5O_token_t      token;
    char             now[32];
    int              lock_fd   = -1, probe, file_ok, fast;
    herr_t           ret_value = 0;

    carve_manifest_init(&m);
    carve_manifest_init(&file);
    if (container_path == NULL || run == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_BADVALUE, -1,
                         "carve_container_add_replay: NULL argument");
    /* Before the lock: a path that is no container gets no lock file beside it. */
    if ((probe = container_read_header(container_path, &generation, &token, NULL, NULL, NULL, NULL)) < 0)
        CARVE_GOTO_DONE(-1);
    if (probe == 0)
        CARVE_GOTO_ERROR(
            CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1, "cannot record replay counters in %s: %s", container_path,
            access(container_path, F_OK) == 0 ? "not a carve container (no carve header)" : "no such file");
    if (container_sibling_paths(container_path, &manifest_path, &lock_path) < 0 ||
        container_lock(lock_path, " (the replay counters are not recorded)", &lock_fd) < 0)
        CARVE_GOTO_DONE(-1);

    /* Under the lock: the container as it stands now (a commit may have replaced it meanwhile). */
    if ((probe = container_read_header(container_path, &generation, &token, NULL, NULL, NULL, NULL)) < 0)
        CARVE_GOTO_DONE(-1);
    if (probe == 0)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                         "cannot record replay counters in %s: it is no longer a carve container",
                         container_path);
    container_remove_stale_temps(container_path, manifest_path);

    /* Most often the file is current and as carve wrote it: only its replay section is rewritten. */
    if ((fast = carve_manifest_file_add_replay(manifest_path, generation, run)) != 0)
        CARVE_GOTO_DONE(fast < 0 ? -1 : 0);

    /* The manifest file when it is the current one (its generation is the container's); else the
     * embedded manifest, with the replay section of the file when that parses (it is the newest). */
    file_ok = container_read_manifest_file_quietly(manifest_path, &file);
    if (file_ok && file.generation == generation) {
        m = file;
        carve_manifest_init(&file);
    }
    else {
        if (carve_container_read_manifest(container_path, &m) < 0)
            CARVE_GOTO_ERROR(
                CARVE_E_CONTAINER, CARVE_E_CORRUPT, -1,
                "cannot record replay counters in %s: its manifest file %s is %s and its embedded "
                "manifest is unreadable",
                container_path, manifest_path, file_ok ? "of another generation" : "missing or unreadable");
        if (file_ok && file.origin && m.origin && strcmp(file.origin, m.origin) == 0 &&
            container_copy_replay(&m, &file) < 0)
            CARVE_GOTO_DONE(-1);
    }

    carve_utc_now(now, sizeof now);
    free(m.replay_last);
    if ((m.replay_last = strdup(now)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_CONTAINER, CARVE_E_SYSTEM, -1,
                         "out of memory recording replay counters in %s", manifest_path);
    if (!m.has_replay) {
        m.replay_runs = 0;
        memset(&m.replay, 0, sizeof m.replay);
    }
    m.has_replay = 1;
    if (m.replay_runs < UINT64_MAX)
        m.replay_runs++;
    carve_replay_counters_add(&m.replay, run);
    if (carve_manifest_write_file(manifest_path, &m) < 0)
        CARVE_GOTO_DONE(-1);

done:
    if (lock_fd >= 0)
        close(lock_fd); /* releases the lock */
    carve_manifest_clear(&file);
    carve_manifest_clear(&m);
    free(manifest_path);
    free(lock_path);
    return ret_value;
}
