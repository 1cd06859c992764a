/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * h5carve_bundle.c — h5carve bundle (the containers and manifests a replay needs, in one tar file with a
 * README.txt) and the other half, unpacking a bundle into a cache directory for h5carve replay --bundle.
 *
 * The tar is written and read here (ustar, regular files only, gzip through zlib's gz* functions, which
 * also read an uncompressed tar as it is), not by tar(1): a bundle is flat — plain file names, no
 * directories, links or devices — and every member header is checked before anything is written, so a
 * bundle can never place a file outside its directory (no "../x", no "/abs", no symlink to follow later).
 * Running tar(1) would need a listing pass first (its quoting of names and type letters differ between
 * GNU tar and busybox) and a tar that handles gzip; neither is needed here.
 *
 * The cache: $XDG_CACHE_HOME/carve/bundles/<16 hex digits of the bundle's FNV-1a 64 hash> (else
 * ~/.cache/carve/...). It is unpacked into a temporary directory beside it and renamed into place; a list
 * of its containers' sizes and CRC-32s (.h5carve-bundle) is written last. A later replay of the same
 * bundle reuses the directory when every container listed there is intact, and unpacks it again if not.
 * Manifest files are not checked: replay adds its counters to them, and rebuilds one from its container
 * when it is missing or stale.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "carve_version.h"
#include "h5carve.h"

static const char *const bundle_usage =
    "usage: h5carve bundle [-v] DIR|CONTAINER|MANIFEST... -o OUT.tar[.gz]\n"
    "\n"
    "Packs the carved containers a replay needs — every container in each DIR, or the ones named — with\n"
    "their manifests and a README.txt saying how to replay, into one tar file (gzip-compressed when OUT\n"
    "ends in .gz or .tgz). Replay from it, anywhere, the original files gone:\n"
    "    h5carve replay --bundle OUT.tar -- PROGRAM ARGS...\n"
    "A bundle is flat: plain file names, regular files only.\n"
    "\n"
    "  -o OUT   the bundle to write (replaced atomically)\n"
    "\n"
    "Exit status: 0 written; 2 a usage error, a missing file, nothing to bundle, or two containers of the\n"
    "same name.\n";

#define TAR_BLOCK 512
/* The largest member ustar's 11 octal digits can say. */
#define TAR_MAX_SIZE ((uint64_t)077777777777)
#define BUNDLE_STAMP ".h5carve-bundle"
#define COPY_BUF     ((size_t)1 << 20)

/* ---- the ustar format ----------------------------------------------------------------------------- */

typedef struct tar_header_t {
    char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag, linkname[100],
        magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8], prefix[155], pad[12];
} tar_header_t;

static unsigned
tar_checksum(const tar_header_t *h)
{
    const unsigned char *p   = (const unsigned char *)h;
    unsigned             sum = 0;
    for (size_t i = 0; i < TAR_BLOCK; i++)
        sum += (i >= offsetof(tar_header_t, chksum) && i < offsetof(tar_header_t, chksum) + 8) ? ' ' : p[i];
    return sum;
}

/* A plain file name: what a member of a bundle may be called. */
static int
plain_name(const char *name)
{
    return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

static int
gz_write_all(gzFile gz, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        unsigned n = len > (1u << 30) ? 1u << 30 : (unsigned)len;
        int      w = gzwrite(gz, p, n);
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Appends one regular file as member `name` (its contents from `path`, or `text` when path is NULL). */
static int
tar_add(gzFile gz, const char *name, const char *path, const char *text)
{
    tar_header_t      h;
    struct stat       st;
    uint64_t          size, done = 0;
    int               fd = -1;
    char             *buf;
    static const char zeros[TAR_BLOCK];

    if (strlen(name) >= sizeof h.name) {
        h5carve_error("bundle: the name %s is longer than a tar member's 99 characters", name);
        return -1;
    }
    if (path) {
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
            h5carve_error("bundle: cannot read %s: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        size = (uint64_t)st.st_size;
    }
    else
        size = strlen(text);
    if (size > TAR_MAX_SIZE) {
        h5carve_error("bundle: %s has %" PRIu64 " bytes, more than a ustar member holds (8 GiB)", name, size);
        close(fd);
        return -1;
    }
    memset(&h, 0, sizeof h);
    memcpy(h.name, name, strlen(name));
    snprintf(h.mode, sizeof h.mode, "%07o", 0644);
    snprintf(h.uid, sizeof h.uid, "%07o", 0);
    snprintf(h.gid, sizeof h.gid, "%07o", 0);
    snprintf(h.size, sizeof h.size, "%011" PRIo64, size);
    snprintf(h.mtime, sizeof h.mtime, "%011llo", (unsigned long long)(path ? st.st_mtime : time(NULL)));
    h.typeflag = '0';
    memcpy(h.magic, "ustar", 6);
    memcpy(h.version, "00", 2);
    snprintf(h.chksum, sizeof h.chksum, "%06o", tar_checksum(&h));
    h.chksum[7] = ' ';
    if (gz_write_all(gz, &h, sizeof h) < 0)
        goto write_failed;
    if (!path) {
        if (gz_write_all(gz, text, size) < 0)
            goto write_failed;
    }
    else {
        if (NULL == (buf = malloc(COPY_BUF))) {
            h5carve_error("out of memory");
            close(fd);
            return -1;
        }
        while (done < size) {
            ssize_t n = read(fd, buf, COPY_BUF);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                h5carve_error("bundle: %s: %s while reading it", path, n < 0 ? strerror(errno) : "it shrank");
                free(buf);
                close(fd);
                return -1;
            }
            if ((uint64_t)n > size - done)
                n = (ssize_t)(size - done); /* it grew: the header said size */
            if (gz_write_all(gz, buf, (size_t)n) < 0) {
                free(buf);
                goto write_failed;
            }
            done += (uint64_t)n;
        }
        free(buf);
        close(fd);
        fd = -1;
    }
    if (size % TAR_BLOCK && gz_write_all(gz, zeros, TAR_BLOCK - size % TAR_BLOCK) < 0)
        goto write_failed;
    return 0;

write_failed:
    if (fd >= 0)
        close(fd);
    h5carve_error("bundle: cannot write the bundle: %s", strerror(errno));
    return -1;
}

/* ---- h5carve bundle ------------------------------------------------------------------------------- */

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* README.txt: how to replay, and what the bundle holds. */
static char *
bundle_readme(const h5carve_entries_t *all, const char *out)
{
    char  *text = NULL, now[32];
    size_t len  = 0;
    FILE  *f    = open_memstream(&text, &len);

    if (!f)
        return NULL;
    carve_utc_now(now, sizeof now);
    fprintf(
        f,
        "carve bundle: carved containers of HDF5 files and their manifests, for a replay.\n"
        "Made by h5carve %s on %s.\n"
        "\n"
        "Replay a program with them (the original files are only needed for what was not carved):\n"
        "\n"
        "    h5carve replay --bundle %s -- PROGRAM ARGS...\n"
        "\n"
        "or unpack it into a directory DIR (tar xf %s -C DIR) and run\n"
        "\n"
        "    HDF5_PLUGIN_PATH=<carve's lib directory> HDF5_VOL_CONNECTOR=\"carve mode=replay;dir={DIR}\" \\\n"
        "        PROGRAM ARGS...\n"
        "\n"
        "A container is found by its origin's absolute path: name the files as the recorded run did (the\n"
        "same paths, or relative paths from the same directory).\n"
        "\n"
        "Containers:\n",
        CARVE_VERSION_STRING, now, base_name(out), base_name(out));
    for (size_t i = 0; i < all->n; i++) {
        const h5carve_entry_t *e = &all->list[i];
        uint64_t               read, stored;
        if (!e->container_path)
            continue;
        h5carve_totals(&e->m, &read, &stored);
        fprintf(f, "  %s\n    origin %s, generation %" PRIu64 ", %zu datasets, %" PRIu64 " bytes stored\n",
                base_name(e->container_path), e->m.origin ? e->m.origin : "?", e->m.generation,
                e->m.ndatasets, stored);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Every container (and its manifest) once; two of the same name are refused. */
static int
bundle_collect(int npaths, char **paths, h5carve_entries_t *all)
{
    size_t kept = 0;
    for (int i = 0; i < npaths; i++)
        if (h5carve_load(paths[i], all) < 0)
            return -1;
    for (size_t i = 0; i < all->n; i++) {
        h5carve_entry_t *e = &all->list[i];
        if (!e->container_path) {
            h5carve_error("bundle: %s: its container (%s) is not there; the manifest alone cannot replay: "
                          "left out",
                          e->manifest_path, e->m.container ? e->m.container : "?");
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const h5carve_entry_t *o = &all->list[j];
            if (o->container_path &&
                0 == strcmp(base_name(o->container_path), base_name(e->container_path))) {
                char a[PATH_MAX], b[PATH_MAX];
                if (realpath(o->container_path, a) && realpath(e->container_path, b) && 0 == strcmp(a, b)) {
                    free(e->container_path); /* named twice: bundled once */
                    e->container_path = NULL;
                    break;
                }
                h5carve_error("bundle: two containers named %s (%s and %s): a bundle is flat; bundle them "
                              "separately or merge them (h5carve merge)",
                              base_name(e->container_path), o->container_path, e->container_path);
                return -1;
            }
        }
        kept += e->container_path != NULL;
    }
    if (kept == 0) {
        h5carve_error("bundle: no container to bundle");
        return -1;
    }
    return 0;
}

static int
bundle_write(const h5carve_entries_t *all, const char *out)
{
    size_t            len  = strlen(out) + 32;
    char             *temp = malloc(len), *readme = NULL;
    int               gzipped = h5carve_ends_with(out, ".gz") || h5carve_ends_with(out, ".tgz"), ret = -1;
    gzFile            gz = NULL;
    static const char end[2 * TAR_BLOCK];

    if (!temp || NULL == (readme = bundle_readme(all, out))) {
        h5carve_error("out of memory");
        goto done;
    }
    snprintf(temp, len, "%s.tmp.%ld", out, (long)getpid());
    if (NULL == (gz = gzopen(temp, gzipped ? "wb6" : "wbT"))) {
        h5carve_error("bundle: cannot create %s: %s", temp, strerror(errno));
        goto done;
    }
    if (tar_add(gz, "README.txt", NULL, readme) < 0)
        goto done;
    for (size_t i = 0; i < all->n; i++) {
        const h5carve_entry_t *e = &all->list[i];
        if (!e->container_path)
            continue;
        h5carve_note("bundle: %s", e->container_path);
        if (tar_add(gz, base_name(e->container_path), e->container_path, NULL) < 0 ||
            (e->manifest_path && tar_add(gz, base_name(e->manifest_path), e->manifest_path, NULL) < 0))
            goto done;
    }
    if (gz_write_all(gz, end, sizeof end) < 0) {
        h5carve_error("bundle: cannot write %s: %s", temp, strerror(errno));
        goto done;
    }
    ret = 0;

done:
    if (gz && gzclose(gz) != Z_OK && ret == 0) {
        h5carve_error("bundle: cannot write %s: %s", temp, strerror(errno));
        ret = -1;
    }
    if (ret == 0 && rename(temp, out) < 0) {
        h5carve_error("bundle: cannot write %s: %s", out, strerror(errno));
        ret = -1;
    }
    if (ret < 0 && temp)
        unlink(temp);
    free(temp);
    free(readme);
    return ret;
}

/* One line on stderr: what went in, and the bundle's size. */
static void
bundle_summary(const h5carve_entries_t *all, const char *out)
{
    struct stat st;
    uint64_t    bytes = 0;
    size_t      n     = 0;

    for (size_t i = 0; i < all->n; i++)
        if (all->list[i].container_path && 0 == stat(all->list[i].container_path, &st)) {
            bytes += (uint64_t)st.st_size;
            n++;
        }
    fprintf(stderr, "h5carve bundle: %zu container%s (%" PRIu64 " bytes) and %s in %s (%lld bytes)\n", n,
            n == 1 ? "" : "s", bytes, n == 1 ? "its manifest" : "their manifests", out,
            0 == stat(out, &st) ? (long long)st.st_size : -1LL);
}

int
h5carve_bundle(int argc, char **argv)
{
    const char       *out = NULL;
    char            **paths;
    int               npaths = 0, ret = H5CARVE_USAGE;
    h5carve_entries_t all = {0, NULL};

    for (int i = 1; i < argc; i++)
        if (0 == strcmp(argv[i], "--help") || 0 == strcmp(argv[i], "-h")) {
            fputs(bundle_usage, stdout);
            return H5CARVE_OK;
        }
    if (NULL == (paths = calloc((size_t)argc, sizeof *paths)))
        return H5CARVE_USAGE;
    for (int i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "-v") || 0 == strcmp(argv[i], "--verbose"))
            h5carve_verbose++;
        else if (0 == strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "h5carve: bundle: unknown option or missing value: %s\n%s", argv[i],
                    bundle_usage);
            goto done;
        }
        else
            paths[npaths++] = argv[i];
    }
    if (!out || npaths == 0) {
        fprintf(stderr, "h5carve: bundle needs %s\n%s", out ? "a directory or container" : "-o OUT.tar",
                bundle_usage);
        goto done;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (bundle_collect(npaths, paths, &all) < 0 || bundle_write(&all, out) < 0)
        goto done;
    bundle_summary(&all, out);
    ret = H5CARVE_OK;

done:
    h5carve_entries_free(&all);
    free(paths);
    return ret;
}

/* ---- unpacking, for replay --bundle ------------------------------------------------------------------- */

/* Calls each(block, len, udata) on a file's bytes, block by block; -1 when it cannot be opened or read
 * (errno says why). */
static int
for_each_block(const char *path, int flags, void (*each)(const unsigned char *, size_t, void *), void *udata)
{
    int            fd = open(path, O_RDONLY | O_CLOEXEC | flags);
    unsigned char *buf;
    ssize_t        n;
    int            saved;

    if (fd < 0)
        return -1;
    if (NULL == (buf = malloc(COPY_BUF))) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    while ((n = read(fd, buf, COPY_BUF)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        each(buf, (size_t)n, udata);
    }
    saved = errno;
    free(buf);
    close(fd);
    errno = saved;
    return n < 0 ? -1 : 0;
}

static void
fnv_block(const unsigned char *block, size_t len, void *udata)
{
    uint64_t *h = udata;
    for (size_t i = 0; i < len; i++)
        *h = (*h ^ block[i]) * UINT64_C(0x100000001b3);
}

/* FNV-1a 64 of a file's bytes (as stored: a gzipped bundle's compressed bytes). */
static int
hash_file(const char *path, uint64_t *hash)
{
    *hash = UINT64_C(0xcbf29ce484222325);
    if (for_each_block(path, 0, fnv_block, hash) < 0) {
        h5carve_error("--bundle %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

typedef struct crc_size_t {
    uLong    crc;
    uint64_t size;
} crc_size_t;

static void
crc_block(const unsigned char *block, size_t len, void *udata)
{
    crc_size_t *c = udata;
    c->crc        = crc32(c->crc, block, (uInt)len);
    c->size += len;
}

/* CRC-32 and size of a file (never through a link); -1 when it cannot be read. */
static int
crc_file(const char *path, uLong *crc, uint64_t *size)
{
    crc_size_t c   = {crc32(0L, Z_NULL, 0), 0};
    int        ret = for_each_block(path, O_NOFOLLOW, crc_block, &c);
    *crc           = c.crc;
    *size          = c.size;
    return ret;
}

/* 1 when dir was unpacked whole (its stamp lists each container, and each is there as it was), else 0. */
static int
unpacked_intact(const char *dir)
{
    char          path[PATH_MAX], name[256];
    FILE         *f;
    int           ok = 1, listed = 0;
    unsigned long want_crc;
    uint64_t      want_size;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, BUNDLE_STAMP) >= sizeof path ||
        NULL == (f = fopen(path, "r")))
        return 0;
    while (ok && 3 == fscanf(f, "%lx %" SCNu64 " %255s", &want_crc, &want_size, name)) {
        uLong    crc;
        uint64_t size;
        listed++;
        if (!plain_name(name) || (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
            crc_file(path, &crc, &size) < 0 || crc != want_crc || size != want_size) {
            h5carve_note("--bundle: %s is not as unpacked; unpacking again", path);
            ok = 0;
        }
    }
    if (!feof(f))
        ok = 0;
    fclose(f);
    return ok && listed > 0;
}

/* Removes a flat directory this tool unpacked (its files, then itself). */
static void
remove_flat_dir(const char *dir)
{
    DIR           *d = opendir(dir);
    struct dirent *de;
    char           path[PATH_MAX];

    if (d) {
        while ((de = readdir(d)))
            if (plain_name(de->d_name) &&
                (size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < sizeof path)
                unlink(path);
        closedir(d);
    }
    rmdir(dir);
}

/* Reads exactly len bytes; 0 on a clean end before any byte, -1 on a short or failed read. */
static int
gz_read_all(gzFile gz, void *data, size_t len)
{
    char  *p    = data;
    size_t have = 0;
    while (have < len) {
        int n = gzread(gz, p + have, (unsigned)(len - have > (1u << 30) ? 1u << 30 : len - have));
        if (n < 0)
            return -1;
        if (n == 0)
            return have == 0 ? 0 : -1;
        have += (size_t)n;
    }
    return 1;
}

static int
octal_field(const char *field, size_t size, uint64_t *value)
{
    size_t i = 0;
    *value   = 0;
    while (i < size && field[i] == ' ')
        i++;
    if (i == size || field[i] < '0' || field[i] > '7')
        return -1;
    for (; i < size && field[i] >= '0' && field[i] <= '7'; i++)
        *value = *value * 8 + (uint64_t)(field[i] - '0');
    return (i == size || field[i] == '\0' || field[i] == ' ') ? 0 : -1;
}

/* One member's contents into dir/name (created new, never through a link). */
static int
unpack_member(gzFile gz, const char *bundle, const char *dir, const char *name, uint64_t size, FILE *stamp)
{
    char     path[PATH_MAX], *buf;
    int      fd;
    uint64_t left = size;
    uLong    crc  = crc32(0L, Z_NULL, 0);
    int      ret  = 0;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
        (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
        h5carve_error("--bundle %s: cannot create %s: %s (a member named twice?)", bundle, path,
                      strerror(errno));
        return -1;
    }
    if (NULL == (buf = malloc(COPY_BUF))) {
        close(fd);
        return -1;
    }
    while (left && ret == 0) {
        size_t n = left > COPY_BUF ? COPY_BUF : (size_t)left;
        if (gz_read_all(gz, buf, n) != 1) {
            h5carve_error("--bundle %s: it ends inside member %s (truncated or damaged)", bundle, name);
            ret = -1;
        }
        else {
            for (size_t off = 0; off < n && ret == 0;) {
                ssize_t w = write(fd, buf + off, n - off);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0) {
                    h5carve_error("--bundle %s: cannot write %s: %s", bundle, path, strerror(errno));
                    ret = -1;
                }
                else
                    off += (size_t)w;
            }
            crc = crc32(crc, (const Bytef *)buf, (uInt)n);
            left -= n;
        }
    }
    free(buf);
    if (close(fd) < 0 && ret == 0) {
        h5carve_error("--bundle %s: cannot write %s: %s", bundle, path, strerror(errno));
        ret = -1;
    }
    if (ret == 0 && size % TAR_BLOCK) {
        char pad[TAR_BLOCK];
        if (gz_read_all(gz, pad, TAR_BLOCK - size % TAR_BLOCK) != 1) {
            h5carve_error("--bundle %s: it ends inside member %s (truncated or damaged)", bundle, name);
            ret = -1;
        }
    }
    if (ret == 0 && h5carve_ends_with(name, ".carve.h5"))
        fprintf(stamp, "%08lx %" PRIu64 " %s\n", (unsigned long)crc, size, name);
    return ret;
}

/* Every member of the bundle into dir (empty, ours); the stamp listing the containers last. */
static int
unpack_into(const char *bundle, const char *dir)
{
    gzFile       gz = gzopen(bundle, "rb");
    tar_header_t h;
    char         stamp_path[PATH_MAX];
    char        *stamp_text = NULL;
    size_t       stamp_len  = 0;
    FILE        *stamp      = open_memstream(&stamp_text, &stamp_len);
    int          ret = -1, containers = 0, r;

    if (!gz || !stamp) {
        h5carve_error("--bundle %s: cannot read it: %s", bundle, strerror(errno));
        goto done;
    }
    while ((r = gz_read_all(gz, &h, sizeof h)) == 1) {
        char     name[sizeof h.prefix + sizeof h.name + 2];
        uint64_t size, sum;
        int      zero = 1;
        for (size_t i = 0; i < sizeof h && zero; i++)
            zero = ((const char *)&h)[i] == 0;
        if (zero)
            break; /* the end blocks */
        if (octal_field(h.chksum, sizeof h.chksum, &sum) < 0 || sum != tar_checksum(&h) ||
            memcmp(h.magic, "ustar", 5) != 0 || octal_field(h.size, sizeof h.size, &size) < 0) {
            h5carve_error("--bundle %s: not a tar file h5carve reads (a damaged or foreign header)", bundle);
            goto done;
        }
        snprintf(name, sizeof name, "%.*s%s%.*s", (int)strnlen(h.prefix, sizeof h.prefix), h.prefix,
                 h.prefix[0] ? "/" : "", (int)strnlen(h.name, sizeof h.name), h.name);
        if (h.typeflag != '0' && h.typeflag != '\0') {
            h5carve_error("--bundle %s: member %s is not a regular file (type '%c'): refused, a bundle holds "
                          "plain files only",
                          bundle, name, h.typeflag);
            goto done;
        }
        if (!plain_name(name) || 0 == strcmp(name, BUNDLE_STAMP)) {
            h5carve_error("--bundle %s: member '%s' is not a plain file name: refused (it could be written "
                          "outside the bundle's directory)",
                          bundle, name);
            goto done;
        }
        if (unpack_member(gz, bundle, dir, name, size, stamp) < 0)
            goto done;
        containers += h5carve_ends_with(name, ".carve.h5");
    }
    if (r < 0) {
        h5carve_error("--bundle %s: it ends inside a header (truncated or damaged)", bundle);
        goto done;
    }
    if (containers == 0) {
        h5carve_error("--bundle %s: it holds no container (*.carve.h5)", bundle);
        goto done;
    }
    if (fclose(stamp) != 0) {
        stamp = NULL;
        goto done;
    }
    stamp = NULL;
    if ((size_t)snprintf(stamp_path, sizeof stamp_path, "%s/%s", dir, BUNDLE_STAMP) < sizeof stamp_path) {
        FILE *f = fopen(stamp_path, "w");
        if (f && fputs(stamp_text, f) >= 0 && fclose(f) == 0)
            ret = 0;
        else
            h5carve_error("--bundle: cannot write %s: %s", stamp_path, strerror(errno));
    }

done:
    if (stamp)
        fclose(stamp);
    free(stamp_text);
    if (gz)
        gzclose(gz);
    return ret;
}

/* mkdir -p of an absolute path. */
static int
make_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf)
        return -1;
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

char *
h5carve_bundle_unpack(const char *bundle)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char        cache[PATH_MAX], dir[PATH_MAX], temp[PATH_MAX];
    uint64_t    hash;

    if (hash_file(bundle, &hash) < 0)
        return NULL;
    if (xdg && xdg[0] == '/')
        snprintf(cache, sizeof cache, "%s/carve/bundles", xdg);
    else if (home && home[0] == '/')
        snprintf(cache, sizeof cache, "%s/.cache/carve/bundles", home);
    else {
        h5carve_error(
            "--bundle: neither XDG_CACHE_HOME nor HOME is an absolute path: no cache to unpack into");
        return NULL;
    }
    if ((size_t)snprintf(dir, sizeof dir, "%s/%016" PRIx64, cache, hash) >= sizeof dir ||
        (size_t)snprintf(temp, sizeof temp, "%s.tmp.%ld", dir, (long)getpid()) >= sizeof temp) {
        h5carve_error("--bundle: the cache path %s is too long", cache);
        return NULL;
    }
    if (unpacked_intact(dir)) {
        h5carve_note("--bundle: %s already unpacked in %s", bundle, dir);
        return strdup(dir);
    }
    if (make_dirs(cache) < 0 || (remove_flat_dir(temp), mkdir(temp, 0755) < 0)) {
        h5carve_error("--bundle: cannot create %s: %s", temp, strerror(errno));
        return NULL;
    }
    if (unpack_into(bundle, temp) < 0) {
        remove_flat_dir(temp);
        return NULL;
    }
    /* A damaged earlier unpacking makes way; another process that unpacked the same bundle meanwhile
     * wins (its directory is as good as ours). */
    if (rename(temp, dir) < 0) {
        if (unpacked_intact(dir)) {
            remove_flat_dir(temp);
            return strdup(dir);
        }
        remove_flat_dir(dir);
        if (rename(temp, dir) < 0) {
            h5carve_error("--bundle: cannot move %s to %s: %s", temp, dir, strerror(errno));
            remove_flat_dir(temp);
            return NULL;
        }
    }
    h5carve_note("--bundle: %s unpacked in %s", bundle, dir);
    return strdup(dir);
}
