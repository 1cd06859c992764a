/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_lifecycle.h — when carve's process-wide state is released: the one owner of carve's H5atclose and
 * atexit() handlers, and of the ordered list of shutdown hooks the modes register.
 *
 * Knows nothing of files or modes: a module that keeps process-wide state registers a hook for its step,
 * and this module runs the steps in their order when HDF5 shuts down (or, at the latest, at exit).
 */
#ifndef CARVE_LIFECYCLE_H
#define CARVE_LIFECYCLE_H

/*
 * The steps of a shutdown, run in this order. Why this order:
 *  - links first: HDF5 forgets its registered link classes when it shuts down, so carve's external link
 *    traversal must be registered again by the next session (nothing else depends on it);
 *  - replay before carve: replay's counters go into each container's manifest, and a read-through commit
 *    (carve step) rewrites that manifest keeping its replay section, so the counters must be there first.
 */
typedef enum carve_shutdown_step_t {
    CARVE_SHUTDOWN_LINKS = 0, /* carve_elink.c: the external link class is HDF5's own again */
    CARVE_SHUTDOWN_REPLAY,    /* carve_replay_cache.c: counters into manifests, containers freed */
    CARVE_SHUTDOWN_CARVE,     /* carve_carving.c: every origin committed into its container */
    CARVE_SHUTDOWN_NSTEPS
} carve_shutdown_step_t;

/* One module's part of a shutdown. */
typedef struct carve_shutdown_hook_t {
    /* 1 while a file this module serves is still open inside HDF5 (may be NULL). When any hook says so,
     * the program's remaining IDs are released before the first step, as HDF5 is about to do anyway:
     * carve may only reopen (commit) a file that nothing else holds open. */
    int (*pending)(void);
    void (*run)(void);
} carve_shutdown_hook_t;

/* Sets the hook of a step (a step has one owner; setting it again is a no-op) and makes sure the handlers
 * are registered for this HDF5 session (H5atclose is forgotten by HDF5 at each shutdown; atexit() lasts
 * the process). Call it whenever the module acquires state that the shutdown must release. */
void carve_lifecycle_hook(carve_shutdown_step_t step, const carve_shutdown_hook_t *hook);

/* The process uses a URL: sets up libcurl now and registers the exit handler again after libcurl's and its
 * TLS library's own (after carve_lifecycle_hook), so that a commit at exit still has both. */
void carve_lifecycle_use_network(void);

#endif /* CARVE_LIFECYCLE_H */
