/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve.c — the h5carve command: main, the subcommands, and record / replay, which run any program
 * with carve's plugin on HDF5_PLUGIN_PATH and a connector string in HDF5_VOL_CONNECTOR, then summarise
 * on stderr what the run did to the containers (from their manifests, before and after).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "carve_version.h"
#include "carve_error.h"
#include "h5carve.h"

extern char **environ;

#ifndef H5CARVE_REL_PLUGIN_DIR
#define H5CARVE_REL_PLUGIN_DIR "../lib"
#endif
/* Where --offline sends misses: a path under /dev/null, which no file can ever have. */
#define H5CARVE_OFFLINE_ORIGIN "/dev/null/h5carve-offline"

static const char *const main_usage =
    "usage: h5carve [-v] SUBCOMMAND [OPTIONS] [ARGS]\n"
    "       h5carve --help | --version\n"
    "\n"
    "Subcommands (each takes --help):\n"
    "  record   run a program under carve (mode=carve) and summarise the containers it wrote\n"
    "  replay   run a program under carve (mode=replay) and summarise what the containers served\n"
    "  inspect  show what a container, a manifest or a directory of containers holds\n"
    "  verify   check a container (or a directory of them) against its origin\n"
    "  map      draw a dataset's coverage (chunk grid, what is held, what was read) as an SVG picture\n"
    "  bundle   pack containers and their manifests into one tar file a replay can use anywhere\n"
    "  merge    merge containers of the same origin, carved separately, into one (no origin needed)\n"
    "\n"
    "Options:\n"
    "  -v, --verbose  say more on stderr (repeat for even more)\n"
    "  --help         this text\n"
    "  --version      carve's version\n"
    "\n"
    "Exit status: 0 success; 1 a check found a difference (merge: data the sources held was lost);\n"
    "2 a usage or environment error.\n"
    "record and replay exit with the program's own status (128 + N when signal N ended it), or 2 when\n"
    "it could not be started.\n";

static const char *const record_usage =
    "usage: h5carve record [-v] [--dir D] [--skeleton full|touched] -- CMD [ARGS...]\n"
    "\n"
    "Runs CMD with carve loaded in mode carve (HDF5_PLUGIN_PATH and HDF5_VOL_CONNECTOR set): every file it\n"
    "opens read-only gets a carved container holding what it read. Then prints, on stderr, one line per\n"
    "container the run wrote: its path, generation, datasets, and bytes read vs stored (totals of the\n"
    "manifest, over every run carved into it).\n"
    "\n"
    "  --dir D        write containers to directory D (it must exist); default: beside each origin\n"
    "                 (CARVE_DIR when set)\n"
    "  --skeleton S   full (the origin's whole metadata, default) or touched (only what CMD touched)\n"
    "  -v             print the environment given to CMD, and each container scanned\n"
    "\n"
    "Containers are found by scanning D (or, without --dir, the current directory and the directory of\n"
    "every argument of CMD that names a file) for manifests whose generation changed during the run.\n"
    "The plugin is looked for in CARVE_PLUGIN_DIR, else relative to h5carve (installed, or the build tree).\n"
    "Exit status: CMD's (128 + N when signal N ended it); 2 on a usage error or when CMD cannot start.\n";

static const char *const replay_usage =
    "usage: h5carve replay [-v] [--dir D | --bundle B] [--origin X] [--offline] -- CMD [ARGS...]\n"
    "\n"
    "Runs CMD with carve loaded in mode replay: reads the containers hold are served from them, the rest\n"
    "from the origin. Then prints, on stderr, one line per container the run used: reads, hits, misses,\n"
    "partial reads, bytes from the container and from the origin (this run's replay counters: the change\n"
    "in the manifest's replay section).\n"
    "\n"
    "  --dir D      look for containers in directory D (default: beside each origin; CARVE_DIR when set)\n"
    "  --bundle B   use the containers of bundle B (h5carve bundle): unpacked into\n"
    "               $XDG_CACHE_HOME/carve/bundles/<hash> (~/.cache/... without it), reused while intact\n"
    "  --origin X   read misses from X (a path or URL) instead of the manifest's origin\n"
    "  --offline    never read an origin: a read the container cannot serve fails (misses are sent to\n"
    "               " H5CARVE_OFFLINE_ORIGIN ", a path no file can have). Files without a container\n"
    "               are still read as they are.\n"
    "  -v           print the environment given to CMD, carve's own replay log (log=summary), and each\n"
    "               container scanned\n"
    "\n"
    "Exit status: CMD's (128 + N when signal N ended it); 2 on a usage error or when CMD cannot start.\n";

/* ---- the directories scanned and what their manifests said ---------------------------------------- */

typedef struct snap_t {
    char                   *path; /* the manifest file */
    uint64_t                generation;
    uint64_t                replay_runs;
    carve_replay_counters_t replay;
} snap_t;

typedef struct snaps_t {
    size_t  n;
    snap_t *list;
} snaps_t;

typedef struct strlist_t {
    size_t n;
    char **list;
} strlist_t;

static void
strlist_add_unique(strlist_t *l, const char *s)
{
    char **grown;
    for (size_t i = 0; i < l->n; i++)
        if (0 == strcmp(l->list[i], s))
            return;
    if (NULL == (grown = realloc(l->list, (l->n + 1) * sizeof *grown)) || NULL == (grown[l->n] = strdup(s))) {
        h5carve_error("out of memory");
        exit(H5CARVE_USAGE);
    }
    l->list = grown;
    l->n++;
}

static void
strlist_free(strlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->list[i]);
    free(l->list);
}

/* Adds the canonical directory of an existing file named by arg (or by the part after '=' of an option
 * such as --input=x.h5). */
static void
add_dir_of_arg(strlist_t *dirs, const char *arg)
{
    const char *eq = strchr(arg, '=');
    struct stat st;
    char        real[PATH_MAX];
    char       *slash;

    if (arg[0] == '-' && eq)
        arg = eq + 1;
    if (arg[0] == '\0' || stat(arg, &st) < 0 || !S_ISREG(st.st_mode) || !realpath(arg, real))
        return;
    if ((slash = strrchr(real, '/')))
        *(slash == real ? slash + 1 : slash) = '\0';
    strlist_add_unique(dirs, real);
}

static void
snaps_take(const strlist_t *dirs, snaps_t *s)
{
    s->n    = 0;
    s->list = NULL;
    for (size_t d = 0; d < dirs->n; d++) {
        DIR           *dir = opendir(dirs->list[d]);
        struct dirent *de;
        if (!dir) {
            h5carve_note("cannot list %s: %s", dirs->list[d], strerror(errno));
            continue;
        }
        while ((de = readdir(dir))) {
            carve_manifest_t m;
            snap_t          *grown, *e;
            size_t           len;
            char            *path;
            if (!h5carve_ends_with(de->d_name, ".carve.yaml"))
                continue;
            len  = strlen(dirs->list[d]) + strlen(de->d_name) + 2;
            path = malloc(len);
            if (!path)
                break;
            snprintf(path, len, "%s/%s", dirs->list[d], de->d_name);
            carve_manifest_init(&m);
            if (carve_manifest_read_file(path, &m) < 0) {
                char *why = h5carve_hdf5_errors();
                h5carve_note("%s: not read (%s)", path, why);
                free(why);
                free(path);
                carve_manifest_clear(&m);
                continue;
            }
            if (NULL == (grown = realloc(s->list, (s->n + 1) * sizeof *grown))) {
                free(path);
                carve_manifest_clear(&m);
                break;
            }
            s->list        = grown;
            e              = &s->list[s->n++];
            e->path        = path;
            e->generation  = m.generation;
            e->replay_runs = m.has_replay ? m.replay_runs : 0;
            memset(&e->replay, 0, sizeof e->replay);
            if (m.has_replay)
                e->replay = m.replay;
            carve_manifest_clear(&m);
        }
        closedir(dir);
    }
}

static const snap_t *
snaps_find(const snaps_t *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (0 == strcmp(s->list[i].path, path))
            return &s->list[i];
    return NULL;
}

static void
snaps_free(snaps_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->list[i].path);
    free(s->list);
}

static uint64_t
minus(uint64_t after, uint64_t before)
{
    return after >= before ? after - before : 0;
}

/* The container a manifest file stands for, else the manifest itself. */
static void
print_container_name(const char *manifest_path, const char *container)
{
    const char *slash = strrchr(manifest_path, '/');
    if (container && !strchr(container, '/') && slash)
        fprintf(stderr, "%.*s%s", (int)(slash - manifest_path + 1), manifest_path, container);
    else
        fputs(manifest_path, stderr);
}

/* One line per container the run changed (record: its generation; replay: its replay runs). */
static void
summarise(int replay, const snaps_t *before, const snaps_t *after, int status)
{
    size_t changed = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            fprintf(stderr, "h5carve %s: %zu container%s %s (exit status %d)\n", replay ? "replay" : "record",
                    changed, changed == 1 ? "" : "s", replay ? "used" : "written", status);
        for (size_t i = 0; i < after->n; i++) {
            const snap_t    *a = &after->list[i], *b = snaps_find(before, a->path);
            carve_manifest_t m;
            uint64_t         read, stored;
            if (replay ? (b && b->replay_runs == a->replay_runs) : (b && b->generation == a->generation))
                continue;
            if (pass == 0) {
                changed++;
                continue;
            }
            carve_manifest_init(&m);
            if (carve_manifest_read_file(a->path, &m) < 0) {
                H5Eclear2(H5E_DEFAULT);
                carve_manifest_clear(&m);
                continue;
            }
            h5carve_totals(&m, &read, &stored);
            fputs("  ", stderr);
            print_container_name(a->path, m.container);
            if (!replay)
                fprintf(stderr, ": origin %s, generation %llu, %zu datasets: %llu bytes read, %llu stored\n",
                        m.origin ? m.origin : "?", (unsigned long long)m.generation, m.ndatasets,
                        (unsigned long long)read, (unsigned long long)stored);
            else {
                carve_replay_counters_t z, d;
                memset(&z, 0, sizeof z);
                const carve_replay_counters_t *r = b ? &b->replay : &z;
                d.reads                          = minus(a->replay.reads, r->reads);
                d.hits                           = minus(a->replay.hits, r->hits);
                d.misses                         = minus(a->replay.misses, r->misses);
                d.partial                        = minus(a->replay.partial, r->partial);
                d.bytes_container                = minus(a->replay.bytes_container, r->bytes_container);
                d.bytes_origin                   = minus(a->replay.bytes_origin, r->bytes_origin);
                d.damaged                        = minus(a->replay.damaged, r->damaged);
                fprintf(stderr,
                        ": origin %s: %llu reads: %llu hits, %llu misses, %llu partial; %llu bytes from the "
                        "container, %llu from the origin; %llu damaged\n",
                        m.origin ? m.origin : "?", (unsigned long long)d.reads, (unsigned long long)d.hits,
                        (unsigned long long)d.misses, (unsigned long long)d.partial,
                        (unsigned long long)d.bytes_container, (unsigned long long)d.bytes_origin,
                        (unsigned long long)d.damaged);
                if (b && b->generation != a->generation)
                    fprintf(stderr, "    (read-through: the container went from generation %llu to %llu)\n",
                            (unsigned long long)b->generation, (unsigned long long)a->generation);
            }
            carve_manifest_clear(&m);
        }
    }
}

/* ---- the plugin and the environment ------------------------------------------------------------- */

static int
holds_plugin(const char *dir)
{
    char        path[PATH_MAX];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/libcarve_vol.so", dir) >= sizeof path)
        return 0;
    return 0 == stat(path, &st) && S_ISREG(st.st_mode);
}

/* CARVE_PLUGIN_DIR, else the install's plugin directory relative to the executable, else the build
 * tree's (the executable is built in connector/cli/, the plugin in connector/). */
static char *
find_plugin_dir(void)
{
    const char *env   = getenv("CARVE_PLUGIN_DIR");
    const char *rel[] = {H5CARVE_REL_PLUGIN_DIR, "..", "."};
    char        exe[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
    ssize_t     n;
    char       *slash;

    if (env && *env) {
        if (!holds_plugin(env)) {
            h5carve_error("CARVE_PLUGIN_DIR (%s) does not hold libcarve_vol.so", env);
            return NULL;
        }
        return strdup(env);
    }
    if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) < 0) {
        h5carve_error("cannot find h5carve's own path (/proc/self/exe: %s); set CARVE_PLUGIN_DIR",
                      strerror(errno));
        return NULL;
    }
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/')))
        *slash = '\0';
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        if ((size_t)snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]) < sizeof cand && holds_plugin(cand) &&
            realpath(cand, real))
            return strdup(real);
    }
    h5carve_error(
        "cannot find carve's plugin (libcarve_vol.so) in %s/%s or the build tree; set CARVE_PLUGIN_DIR", exe,
        H5CARVE_REL_PLUGIN_DIR);
    return NULL;
}

/* Appends ";key={value}" to the connector string; a value with unbalanced braces cannot be given. */
static int
add_setting(char **conn, const char *key, const char *value)
{
    int    depth = 0;
    size_t len;
    char  *grown;
    for (const char *p = value; *p; p++) {
        depth += (*p == '{') - (*p == '}');
        if (depth < 0)
            break;
    }
    if (depth != 0) {
        h5carve_error("%s '%s' cannot be passed to carve: its braces are unbalanced", key, value);
        return -1;
    }
    len = strlen(*conn) + strlen(key) + strlen(value) + 5;
    if (NULL == (grown = realloc(*conn, len))) {
        h5carve_error("out of memory");
        return -1;
    }
    *conn = grown;
    snprintf(grown + strlen(grown), len - strlen(grown), ";%s={%s}", key, value);
    return 0;
}

static int
run_child(char **cmd)
{
    pid_t             pid;
    int               err, status;
    posix_spawnattr_t attr;
    sigset_t          defaults;
    struct sigaction  ign, old_int, old_quit;

    /* Like a shell waiting for a job: a ^C goes to the program; h5carve waits and summarises. */
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGQUIT);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    err = posix_spawnp(&pid, cmd[0], NULL, &attr, cmd, environ);
    posix_spawnattr_destroy(&attr);
    if (err != 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        h5carve_error("cannot run %s: %s", cmd[0], strerror(err));
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            h5carve_error("waiting for %s: %s", cmd[0], strerror(errno));
            return -1;
        }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        h5carve_note("%s was ended by signal %d", cmd[0], WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return 128;
}

static int
wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (0 == strcmp(argv[i], "--help") || 0 == strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static int
usage_error(const char *usage, const char *what, const char *arg)
{
    fprintf(stderr, "h5carve: %s%s\n", what, arg);
    fputs(usage, stderr);
    return H5CARVE_USAGE;
}

/* The options of record and replay. */
typedef struct run_options_t {
    const char *usage;
    int         replay;
    const char *dir, *skeleton, *origin, *bundle;
    int         offline;
    char      **cmd; /* the program and its arguments */
} run_options_t;

/* Phase 1: the options; H5CARVE_OK to go on, else the exit status (help shown, or a usage error said). */
static int
run_parse(int argc, char **argv, run_options_t *o)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (0 == strcmp(a, "--")) {
            i++;
            break;
        }
        if (a[0] != '-')
            break;
        if (0 == strcmp(a, "-v") || 0 == strcmp(a, "--verbose"))
            h5carve_verbose++;
        else if (0 == strcmp(a, "--dir") && i + 1 < argc)
            o->dir = argv[++i];
        else if (!o->replay && 0 == strcmp(a, "--skeleton") && i + 1 < argc)
            o->skeleton = argv[++i];
        else if (o->replay && 0 == strcmp(a, "--origin") && i + 1 < argc)
            o->origin = argv[++i];
        else if (o->replay && 0 == strcmp(a, "--bundle") && i + 1 < argc)
            o->bundle = argv[++i];
        else if (o->replay && 0 == strcmp(a, "--offline"))
            o->offline = 1;
        else
            return usage_error(o->usage, "unknown option or missing value: ", a);
    }
    if (i >= argc)
        return usage_error(o->usage, "no command to run (give it after --)", "");
    o->cmd = argv + i;
    if (o->skeleton && strcmp(o->skeleton, "full") && strcmp(o->skeleton, "touched"))
        return usage_error(o->usage, "--skeleton takes full or touched, not ", o->skeleton);
    if (o->offline && o->origin)
        return usage_error(o->usage, "--offline and --origin exclude each other", "");
    if (o->bundle && o->dir)
        return usage_error(o->usage, "--bundle and --dir exclude each other", "");
    if (o->dir) {
        struct stat st;

        if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            h5carve_error("--dir %s: not a directory%s", o->dir,
                          o->replay ? "" : " (carve needs it to exist)");
            return H5CARVE_USAGE;
        }
    }
    return H5CARVE_OK;
}

/* Phase 2: the program's environment: carve's plugin directory first on HDF5_PLUGIN_PATH, and the
 * connector string of the options. Returns 0, or -1 (said). */
static int
run_set_environment(const run_options_t *o)
{
    char       *plugin = NULL, *conn = NULL, *path_env = NULL;
    const char *old_path;
    int         ret_value = -1;

    if (NULL == (plugin = find_plugin_dir()))
        goto done;
    if (NULL == (conn = strdup(o->replay ? "carve mode=replay" : "carve mode=carve")) ||
        (o->dir && add_setting(&conn, "dir", o->dir) < 0) ||
        (o->skeleton && add_setting(&conn, "skeleton", o->skeleton) < 0) ||
        (o->origin && add_setting(&conn, "origin", o->origin) < 0) ||
        (o->offline && add_setting(&conn, "origin", H5CARVE_OFFLINE_ORIGIN) < 0) ||
        (o->replay && h5carve_verbose && add_setting(&conn, "log", "summary") < 0))
        goto done;
    old_path = getenv("HDF5_PLUGIN_PATH");
    if (old_path && *old_path) {
        size_t len = strlen(plugin) + strlen(old_path) + 2;

        if ((path_env = malloc(len)))
            snprintf(path_env, len, "%s:%s", plugin, old_path);
    }
    else
        path_env = strdup(plugin);
    if (!path_env || setenv("HDF5_PLUGIN_PATH", path_env, 1) < 0 ||
        setenv("HDF5_VOL_CONNECTOR", conn, 1) < 0) {
        h5carve_error("cannot set the environment: %s", strerror(errno));
        goto done;
    }
    h5carve_note("HDF5_PLUGIN_PATH=%s", path_env);
    h5carve_note("HDF5_VOL_CONNECTOR=%s", conn);
    ret_value = 0;

done:
    free(plugin);
    free(conn);
    free(path_env);
    return ret_value;
}

/* Phase 3: where the manifests the run changes are: the container directory, else the current directory
 * and beside the files the command names. */
static void
run_manifest_dirs(const run_options_t *o, strlist_t *dirs)
{
    const char *dir = o->dir ? o->dir : getenv("CARVE_DIR");
    char        cwd[PATH_MAX], real[PATH_MAX];

    if (dir && *dir) {
        if (realpath(dir, real))
            strlist_add_unique(dirs, real);
    }
    else {
        if (getcwd(cwd, sizeof cwd))
            strlist_add_unique(dirs, cwd);
        for (int k = 1; o->cmd[k]; k++)
            add_dir_of_arg(dirs, o->cmd[k]);
    }
    for (size_t k = 0; k < dirs->n; k++)
        h5carve_note("scanning %s for manifests", dirs->list[k]);
}

/* record and replay: the options, the environment, the manifests before, the program, the manifests after
 * and the summary of the difference. The program's exit status is h5carve's. */
static int
run_under_carve(int argc, char **argv, int replay)
{
    run_options_t o        = {replay ? replay_usage : record_usage, replay, NULL, NULL, NULL, NULL, 0, NULL};
    char         *unpacked = NULL;
    strlist_t     dirs     = {0, NULL};
    snaps_t       before, after;
    int           status;

    if (wants_help(argc, argv)) {
        fputs(o.usage, stdout);
        return H5CARVE_OK;
    }
    if ((status = run_parse(argc, argv, &o)) != H5CARVE_OK)
        return status;
    if (o.bundle) {
        if (NULL == (unpacked = h5carve_bundle_unpack(o.bundle)))
            return H5CARVE_USAGE;
        o.dir = unpacked;
    }
    if (run_set_environment(&o) < 0) {
        free(unpacked);
        return H5CARVE_USAGE;
    }
    run_manifest_dirs(&o, &dirs);
    snaps_take(&dirs, &before);
    status = run_child(o.cmd);
    if (status < 0)
        status = H5CARVE_USAGE;
    else {
        snaps_take(&dirs, &after);
        summarise(replay, &before, &after, status);
        snaps_free(&after);
    }
    snaps_free(&before);
    strlist_free(&dirs);
    free(unpacked);
    return status;
}

static int
cmd_record(int argc, char **argv)
{
    return run_under_carve(argc, argv, 0);
}

static int
cmd_replay(int argc, char **argv)
{
    return run_under_carve(argc, argv, 1);
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subcommands[] = {{"record", cmd_record},     {"replay", cmd_replay}, {"inspect", h5carve_inspect},
                       {"verify", h5carve_verify}, {"map", h5carve_map},   {"bundle", h5carve_bundle},
                       {"merge", h5carve_merge}};
    int i;

    /* h5carve's own HDF5 calls (reading containers) are native, whatever the caller's environment says;
     * the programs record and replay run get their connector from run_under_carve. */
    unsetenv("HDF5_VOL_CONNECTOR");
    for (i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "-v") || 0 == strcmp(argv[i], "--verbose"))
            h5carve_verbose++;
        else if (0 == strcmp(argv[i], "--help") || 0 == strcmp(argv[i], "-h")) {
            fputs(main_usage, stdout);
            return H5CARVE_OK;
        }
        else if (0 == strcmp(argv[i], "--version")) {
            printf("h5carve (carve) %s\n", CARVE_VERSION_STRING);
            return H5CARVE_OK;
        }
        else
            break;
    }
    if (i >= argc) {
        fputs("h5carve: no subcommand given\n", stderr);
        fputs(main_usage, stderr);
        return H5CARVE_USAGE;
    }
    /* The core's messages (a stamp's HTTP failure, a manifest's bad line) go onto HDF5's error stack under
     * carve's class: without it registered they would be dropped, and the tool could only say "no further
     * detail". */
    if (carve_error_init() < 0) {
        fputs("h5carve: cannot register carve's error class with HDF5\n", stderr);
        return H5CARVE_USAGE;
    }
    for (size_t k = 0; k < sizeof subcommands / sizeof subcommands[0]; k++)
        if (0 == strcmp(argv[i], subcommands[k].name))
            return subcommands[k].run(argc - i, argv + i);
    fprintf(stderr, "h5carve: unknown subcommand '%s'\n", argv[i]);
    fputs(main_usage, stderr);
    return H5CARVE_USAGE;
}
