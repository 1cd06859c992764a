/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_lifecycle.c — owns carve's shutdown: the H5atclose and atexit() handlers, the ordered shutdown
 * hooks of the modes (carve_lifecycle.h says the order and why), and the release of the IDs the program
 * left open before the hooks run.
 *
 * Process-wide state, touched only from VOL callbacks (which HDF5 serialises) and from the handlers.
 */
#include <dlfcn.h>
#include <stdlib.h>

#include <hdf5.h>

#include "carve_lifecycle.h"
#include "carve_origin.h"

static carve_shutdown_hook_t hooks_g[CARVE_SHUTDOWN_NSTEPS]; /* per step; run is NULL when unset */
static int                   atclose_registered_g = 0; /* H5atclose has no unregister; HDF5 forgets it */
static int                   atexit_registered_g  = 0; /* atexit() is per process: registered once */

/* Releases every reference the program still holds to IDs of one kind (H5F_OBJ_*) of any file: what
 * HDF5 is about to do anyway. */
static void
lifecycle_release_ids(unsigned kind)
{
    ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, kind);
    hid_t  *ids;

    if (n <= 0 || NULL == (ids = malloc((size_t)n * sizeof *ids)))
        return;
    n = H5Fget_obj_ids(H5F_OBJ_ALL, kind, (size_t)n, ids);
    for (ssize_t i = 0; i < n; i++)
        while (H5Iis_valid(ids[i]) > 0 && H5Idec_ref(ids[i]) > 0)
            ;
    free(ids);
}

/* H5Iiterate callback: drops the program's references to a (transient) datatype. */
static herr_t
lifecycle_release_datatype(hid_t id, void *unused)
{
    (void)unused;
    while (H5Iget_ref(id) > 0 && H5Idec_ref(id) > 0)
        ;
    return 0;
}

/*
 * Runs when HDF5 shuts down (H5close, or its own exit handler), first, while the library is still whole;
 * and at exit. Files the program left open are closed first (their IDs released, as HDF5 is about to do),
 * object by object, so that each is finished exactly as if the program had closed it; then every step.
 */
static void
lifecycle_shutdown(void)
{
    int pending = 0;

    for (int s = 0; s < CARVE_SHUTDOWN_NSTEPS; s++)
        if (hooks_g[s].pending && hooks_g[s].pending())
            pending = 1;
    if (pending) {
        lifecycle_release_ids(H5F_OBJ_ATTR);
        lifecycle_release_ids(H5F_OBJ_DATASET);
        lifecycle_release_ids(H5F_OBJ_GROUP);
        lifecycle_release_ids(H5F_OBJ_DATATYPE);
        H5Iiterate(H5I_DATATYPE, lifecycle_release_datatype, NULL); /* a reference type holds its file */
        lifecycle_release_ids(H5F_OBJ_FILE);
    }
    for (int s = 0; s < CARVE_SHUTDOWN_NSTEPS; s++)
        if (hooks_g[s].run)
            hooks_g[s].run();
}

/* HDF5 shutting down (H5close, or HDF5's own exit handler). */
static void
lifecycle_at_library_close(void *unused)
{
    (void)unused;
    atclose_registered_g = 0;
    lifecycle_shutdown();
}

/* Process exit. Registered again after libcurl and its TLS library set up their own exit handlers (see
 * carve_lifecycle_use_network), so it runs before them: committing a remote origin still needs both. */
static void
lifecycle_at_exit(void)
{
    static int done = 0; /* registered twice when the process uses the network */

    if (done)
        return;
    done = 1;
    lifecycle_shutdown();
}

void
carve_lifecycle_hook(carve_shutdown_step_t step, const carve_shutdown_hook_t *hook)
{
    if (hook && !hooks_g[step].run)
        hooks_g[step] = *hook;
    if (!atclose_registered_g && H5atclose(lifecycle_at_library_close, NULL) >= 0)
        atclose_registered_g = 1;
    if (!atexit_registered_g) {
        Dl_info info;

        /* The exit handler lives in this library: keep it loaded even after HDF5 unloads its plugins
         * (H5close before exit), so that the handler never points into unmapped code. */
        if (dladdr((void *)lifecycle_at_exit, &info) && info.dli_fname)
            (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE | RTLD_NOLOAD);
        if (atexit(lifecycle_at_exit) == 0)
            atexit_registered_g = 1;
    }
}

void
carve_lifecycle_use_network(void)
{
    static int registered = 0;

    carve_origin_global_init();
    /* libcurl and its TLS library register their own exit handlers when they are set up, and handlers run
     * in reverse order: carve's is registered (again) after theirs, so that a commit at exit that needs
     * the network (a carve or a read-through of a URL) runs while they still work. Only processes that
     * use a URL pay for setting them up. */
    if (!registered && atexit(lifecycle_at_exit) == 0)
        registered = 1;
}
