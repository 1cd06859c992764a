/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_replay.h — private to the replay files (carve_replaying.c, carve_replay_cache.c,
 * carve_replay_view.c, carve_replay_verify.c): the state of replay mode, which no other file sees
 * (carve_vol_internal.h declares carve_replaying_t and carve_replay_dataset_t opaque), and what each of
 * those files offers the others. The mode itself is its hook table, carve_mode_replay (carve_replaying.c).
 *
 * Layering: carve_replaying.c calls the three others; they call none of it, nor each other.
 */
#ifndef CARVE_REPLAY_H
#define CARVE_REPLAY_H

#include <sys/types.h>
#include <time.h>

#include "carve_container.h"
#include "carve_integrity.h"
#include "carve_space.h"
#include "carve_split.h"
#include "carve_bytestore.h"
#include "carve_chunkmap.h"
#include "carve_vol_internal.h"

/*
 * One container opened in replay mode by this process, shared by every open of it: its parsed
 * manifest (datasets in path order), what it holds per dataset (built on first use), and the counters
 * of this process's reads, written into the manifest's replay section at shutdown.
 */
typedef struct replay_container_t {
    char                      *path; /* the container */
    dev_t                      dev;  /* identity of the file the manifest was read from */
    ino_t                      ino;
    off_t                      size;
    struct timespec            mtime;
    carve_manifest_t           manifest;
    carve_held_t             **held;   /* per manifest dataset, NULL until first needed */
    H5O_token_t               *tokens; /* per manifest dataset, its token in the container: found when a
                                         * dataset is read by another name than the manifest's (a soft
                                         * link, a second hard link, a reference) */
    unsigned char             *token_known;
    carve_integrity_t          integrity; /* the checksums of what it stores (carve_integrity.h) */
    struct replay_check_t     *checks;    /* per manifest dataset: what was verified (carve_replay_verify) */
    int                        checked;   /* 1: it has checksums; 0: carved before carve recorded them;
                                           * -1: they are unreadable (every read goes to the origin) */
    carve_replay_counters_t    counters;  /* this process, every open */
    struct carve_mpi_t        *job;       /* the MPI job that opened it with the MPI-IO driver: the counters
                                           * are summed over its ranks and written once, by rank 0 */
    unsigned                   users;     /* open files using it */
    int                        stale;     /* the file changed since: new opens parse it again */
    carve_log_t                log;       /* the most verbose log setting any open asked for */
    struct replay_container_t *next;
} replay_container_t;

/* What this process verified of one dataset's stored units (carve_replay_verify), shared by every open. */
typedef struct replay_check_t {
    int                              looked_up;
    const carve_integrity_dataset_t *table;    /* its checksums; NULL: none recorded (damage) */
    unsigned char                   *verified; /* per entry of table: 0 not yet, 1 matches, 2 damaged */
    size_t                           good;     /* entries found to match: all -> nothing left to check */
    int                              said;     /* its damage was reported on stderr */
} replay_check_t;

/* Whether the origin of an open file can serve reads. */
typedef enum replay_origin_state_t {
    ORIGIN_UNCHECKED = 0, /* not opened yet (its stamp checked at open) */
    ORIGIN_OPEN,          /* open and checked: misses are read from it */
    ORIGIN_UNAVAILABLE    /* missing, changed or unreachable: problem says why */
} replay_origin_state_t;

/* One open of a file in replay mode (carve_file_ctx_t.replaying). */
struct carve_replaying_t {
    replay_container_t *container;
    char               *open_name;    /* the name the program opened */
    char               *origin_name;  /* where misses are read: the override, or the manifest's origin */
    char               *origin_shown; /* origin_name for messages, with its location when that differs:
                                       * made at the first message (replaying_origin_shown) */
    int                 origin_overridden;
    int                 origin_url; /* origin_name is a URL */
    /* The origin's access list, selecting the connector below: made at open for a URL, else at the
     * origin's open (a first miss). */
    hid_t origin_fapl;
    /* The program's access list as it was at open, selecting the connector below (carve_file.c's copy,
     * kept: another copy costs a tenth of a native open), and the connector (carve, as the program
     * registered it) and info the program's list selected: with them again, what H5Fget_access_plist
     * answers (carve_replay_view_file_get). */
    hid_t                 under_fapl;
    hid_t                 program_vol_id;
    void                 *program_vol_info;
    void                 *origin_file; /* the origin below carve, once opened */
    replay_origin_state_t origin_state;
    int64_t               origin_size;    /* a URL origin's length from its stamp at open; -1: unknown */
    carve_bytestore_t    *origin_bytes;   /* a URL origin read through carve's fetch driver: what it holds
                                         * (metadata pages, chunks prefetched for a read), or NULL */
    char                 *origin_problem; /* ORIGIN_UNAVAILABLE: why, for messages */
    carve_on_change_t     on_change;
    carve_log_t           log;
    int                   read_through;
    void                 *lib_state; /* HDF5's API state when the program opened the file (the origin's
                                      * open, later, needs it: carve_replaying.c) */
    carve_file_ctx_t     *ctx;       /* the file context this state belongs to */
};

/* Replay state of one dataset object (carve_obj_t.replay). */
struct carve_replay_dataset_t {
    int               resolved;
    int               quick;         /* resolved, of this container, something held, reads not logged: a read
                                 * may be served at once (replaying_read_hit) */
    int               verified;      /* every unit the container stores of it matched its checksum (or it has
                                 * none to check) */
    int               foreign;       /* an object of a file that is not replayed (a link's target without a
                                 * container): read as it is, from where it is */
    char             *path;          /* its path in the container, which is its path in the origin */
    size_t            entry;         /* index in the manifest, or SIZE_MAX: nothing held */
    carve_held_t     *held;          /* shared with the container entry; NULL: nothing held */
    size_t            elem_size;     /* of its datatype in the file */
    int               has_refs;      /* its values hold references (they point into the container) */
    int               has_pointers;  /* its values hold variable-length data or references */
    hid_t             dapl;          /* the access list it was opened with, for the origin's dataset */
    hid_t             space;         /* its dataspace, all selected (a read of H5S_ALL), once resolved */
    void             *origin_dset;   /* the origin's dataset below carve, once a read needed it */
    carve_chunkmap_t *origin_chunks; /* where a URL origin's chunks lie (for prefetching), once asked */
    int               origin_chunks_tried;
};

/* --- the container cache (carve_replay_cache.c) --- */
/* The shared entry of a container, parsed now unless an unchanged copy is parsed already; its counters
 * are written, and it is freed, at shutdown. */
replay_container_t *carve_replay_cache_get(const char *path);
/* Makes sure the shutdown hook that writes the counters and forgets the lookup's directory listings
 * (core/carve_lookup) is registered: whoever uses the lookup calls it first. */
void carve_replay_cache_arm(void);
/* The index of a dataset in a container's manifest, by path or else by token (o: any object of the
 * container, to look the manifest's paths up from), or SIZE_MAX. */
size_t carve_replay_cache_find_dataset(replay_container_t *c, carve_obj_t *o, const char *path,
                                       const H5O_token_t *token);

/* --- integrity of what a read takes from the container (carve_replay_verify.c) --- */
/* 0 when every stored unit the selection `space` touches matches its checksum (each checked once per
 * process), 1 on damage (what says which), -1 on failure. */
int carve_replay_verify(carve_obj_t *dset, hid_t space, char *what, size_t what_size);

/* --- what the program sees of the origin rather than the container (carve_replay_view.c) --- */
/* A resolved dataset's creation list, the origin's: 1 answered, 0 the container's stands, -1 failure. */
int carve_replay_view_dcpl(carve_obj_t *dset, H5VL_dataset_get_args_t *args);
/* 1 when a dataset optional operation is a question about how the origin stores the dataset (or a direct
 * chunk read), which the origin answers unless the container holds what it asks. */
int carve_replay_view_asks_origin(int op_type);
/* For such an operation on a resolved dataset: 0 when the container answers (a chunk it holds raw, sizes
 * of values it holds), 1 when the origin must, -1 on failure. Counts a direct chunk read. */
int carve_replay_view_origin_answers(carve_obj_t *dset, H5VL_optional_args_t *args);
/* Hooks file_get and file_optional of carve_mode_replay: the file's name and access list, and its size. */
int carve_replay_view_file_get(carve_obj_t *file, H5VL_file_get_args_t *args);
int carve_replay_view_file_optional(carve_obj_t *file, H5VL_optional_args_t *args);

#endif /* CARVE_REPLAY_H */
