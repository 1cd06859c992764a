/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_driver.c — main() for carve's fuzz targets in builds without libFuzzer (gcc, or clang without it).
 * It owns the command line, the seed corpus, the deterministic mutator and the run loop; the target
 * (fuzz_config_*.c) owns the invariants and abort()s when one breaks.
 *
 *   carve_fuzz_<target> [-runs=N] [-seed=S] [-max_total_time=SECONDS] [-max_len=BYTES]
 *                       [-artifact_prefix=PREFIX] [corpus directory or file]...
 *
 * Every file named (directories: every regular file in them, in name order) is run first; then N mutated
 * inputs (default 20000; -runs=0: only the files, e.g. to reproduce a crash) made by a xorshift PRNG from
 * -seed (default 1), so a run is repeatable. Each is at most -max_len bytes (default 4096); the run stops
 * early after -max_total_time seconds (default 0: no limit). The options are spelled as libFuzzer's, so
 * the same command line works for the libFuzzer build of a target.
 *
 * The last line is "<program>: N passed, 0 failed (...)". When the target aborts (a broken invariant) or
 * crashes, the input is written to <artifact_prefix>crash-input (default prefix: the current directory)
 * before the process dies with the signal.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_common.h"

#define DEFAULT_RUNS    20000ul
#define DEFAULT_MAX_LEN 4096ul
/* Mutated inputs kept (beyond the seeds) as parents for later ones, and the longest kept (longer ones are
 * run but not bred from, so that inputs near the limits stay occasional and the run stays fast). */
#define POOL_GROWN_MAX  512
#define POOL_PARENT_MAX 4096

typedef struct input_t {
    uint8_t *data;
    size_t   size;
} input_t;

typedef struct pool_t {
    input_t *items;
    size_t   count;
    size_t   seeds; /* items[0..seeds) are the corpus files */
    size_t   cap;
} pool_t;

typedef struct options_t {
    unsigned long runs;
    uint64_t      seed;
    double        max_total_time;
    size_t        max_len;
    const char   *artifact_prefix;
} options_t;

/* Tokens the mutator inserts: the connector string's and YAML's syntax, carve's keys and values, numbers
 * at the edges, control characters and UTF-8 (valid, overlong, surrogate, BOM, stray bytes). */
static const char *const dictionary[] = {
    "{",
    "}",
    ";",
    "=",
    ",",
    ":",
    ": ",
    "[",
    "]",
    "'",
    "\"",
    "\\",
    "#",
    "# c\n",
    "-",
    "- ",
    "? ",
    "|\n",
    ">\n",
    "&a ",
    "*a",
    "!!str ",
    "!!map ",
    "!!seq ",
    "!!null ",
    "~",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG !e! tag:e:\n",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    "mode",
    "under_vol",
    "under_info",
    "off",
    "carve",
    "replay",
    "default",
    "native",
    "pass_through",
    "0",
    "1",
    "437",
    "2147483647",
    "2147483648",
    "-1",
    "00",
    "mode=carve;",
    "under_vol=0;",
    "under_vol=carve;",
    "under_info={",
    "under_info={}",
    "mode: replay\n",
    "under_vol: native\n",
    "under_info: \"",
    "dir",
    "skeleton",
    "full",
    "touched",
    "dir={",
    "dir={/tmp/c d;e}",
    "skeleton=touched;",
    "dir: \"",
    "skeleton: full\n",
    "origin",
    "on_change",
    "read_through",
    "in_memory",
    "log",
    "error",
    "hits",
    "trust",
    "yes",
    "no",
    "summary",
    "reads",
    "K",
    "M",
    "G",
    "4096",
    "9223372036854775807",
    "8589934591G",
    "8589934592G",
    "origin={s3://b/k;v}",
    "origin=https://h/f.h5;",
    "on_change=hits;",
    "read_through=yes;",
    "in_memory=16M;",
    "log=summary;",
    "origin: \"",
    "in_memory: 2G\n",
    "log: reads\n",
    "\"\\0\"",
    "\"\\x01\"",
    "\"\\u00e9\"",
    "\x01",
    "\x1b",
    "\x7f",
    "\xc3\xa9",
    "\xe2\x82\xac",
    "\xf0\x9f\x98\x80",
    "\xff",
    "\xfe",
    "\xc0\x80",
    "\xed\xa0\x80",
    "\xef\xbb\xbf",
    "\xc2\x85",
    "\xe2\x80\xa8",
};
#define DICTIONARY_SIZE (sizeof dictionary / sizeof dictionary[0])

/* Single bytes worth trying more often than chance. */
static const uint8_t interesting_bytes[] = {0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7f, 0x80, 0xff,
                                            '{',  '}',  ';',  '=',  ':',  '#',  '-',  '\'', '"',
                                            '\\', '&',  '*',  '!',  '|',  '>',  '0',  '9'};

/* Lengths at the edges of carve's limits (CARVE_CONFIG_MAX_STRING) and common buffer sizes. */
static const size_t interesting_lengths[] = {63,   64,   65,    255,   256,   1023,  1024, 4095,
                                             4096, 4097, 65534, 65535, 65536, 65537, 65540};

/* ------------------------------------------------------------------------------------------------------ */
/* The current input, saved by the signal handler                                                          */
/* ------------------------------------------------------------------------------------------------------ */

static const uint8_t *volatile running_data;
static volatile size_t running_size;
static char            crash_path[4096];

static void
write_all(int fd, const void *buf, size_t size)
{
    const char *p = buf;

    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n <= 0)
            return;
        p += n;
        size -= (size_t)n;
    }
}

/* Async-signal-safe: open, write, close, then die of the same signal. */
static void
on_fatal_signal(int sig)
{
    static const char note[] = "\nfuzz_driver: the input that failed is in ";

    if (running_data) {
        int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            write_all(fd, (const void *)running_data, running_size);
            close(fd);
            write_all(STDERR_FILENO, note, sizeof note - 1);
            write_all(STDERR_FILENO, crash_path, strlen(crash_path));
            write_all(STDERR_FILENO, "\n", 1);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
install_signal_handlers(const char *prefix)
{
    static const int signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

    snprintf(crash_path, sizeof crash_path, "%scrash-input", prefix);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        signal(signals[i], on_fatal_signal);
}

static void
run_one(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so that a sanitizer sees a read past the end. */
    uint8_t *copy = malloc(size ? size : 1);

    if (copy == NULL) {
        fprintf(stderr, "fuzz_driver: out of memory\n");
        exit(2);
    }
    if (size)
        memcpy(copy, data, size);
    running_data = copy;
    running_size = size;
    LLVMFuzzerTestOneInput(copy, size);
    running_data = NULL;
    free(copy);
}

/* ------------------------------------------------------------------------------------------------------ */
/* PRNG and mutator                                                                                        */
/* ------------------------------------------------------------------------------------------------------ */

static uint64_t
next_random(uint64_t *state)
{
    /* xorshift64* */
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Uniform-enough in [0, n); n > 0. */
static size_t
random_below(uint64_t *state, size_t n)
{
    return (size_t)(next_random(state) % n);
}

/* A growable byte buffer the mutations edit. */
typedef struct buffer_t {
    uint8_t *data;
    size_t   size;
    size_t   cap;
    size_t   max; /* -max_len */
} buffer_t;

static void
buffer_reserve(buffer_t *buf, size_t size)
{
    if (size <= buf->cap)
        return;
    buf->cap  = size > 2 * buf->cap ? size : 2 * buf->cap;
    buf->data = realloc(buf->data, buf->cap);
    if (buf->data == NULL) {
        fprintf(stderr, "fuzz_driver: out of memory\n");
        exit(2);
    }
}

/* Inserts bytes at pos, as many as fit under the maximum length. */
static void
buffer_insert(buffer_t *buf, size_t pos, const uint8_t *bytes, size_t count)
{
    if (count == 0 || buf->size >= buf->max)
        return;
    if (count > buf->max - buf->size)
        count = buf->max - buf->size;
    buffer_reserve(buf, buf->size + count);
    memmove(buf->data + pos + count, buf->data + pos, buf->size - pos);
    memcpy(buf->data + pos, bytes, count);
    buf->size += count;
}

/* Inserts count copies of the unit bytes[0..len) at pos. */
static void
buffer_insert_run(buffer_t *buf, size_t pos, const uint8_t *unit, size_t len, size_t count)
{
    uint8_t *run;
    size_t   total = len * count;

    if (total == 0)
        return;
    if ((run = malloc(total)) == NULL) {
        fprintf(stderr, "fuzz_driver: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < count; i++)
        memcpy(run + i * len, unit, len);
    buffer_insert(buf, pos, run, total);
    free(run);
}

static void
buffer_erase(buffer_t *buf, size_t pos, size_t count)
{
    memmove(buf->data + pos, buf->data + pos + count, buf->size - pos - count);
    buf->size -= count;
}

static const uint8_t *
random_token(uint64_t *rng, size_t *len)
{
    const char *token = dictionary[random_below(rng, DICTIONARY_SIZE)];

    *len = strlen(token); /* tokens hold no NUL: mutation case 2 inserts that byte */
    return (const uint8_t *)token;
}

/* One random edit of buf; other: a parent to splice from. */
static void
mutate_once(buffer_t *buf, uint64_t *rng, const input_t *other)
{
    size_t pos = buf->size ? random_below(rng, buf->size + 1) : 0;

    switch (random_below(rng, 13)) {
        case 0: /* flip a bit */
            if (buf->size)
                buf->data[random_below(rng, buf->size)] ^= (uint8_t)(1u << random_below(rng, 8));
            break;
        case 1: /* a random byte */
            if (buf->size)
                buf->data[random_below(rng, buf->size)] = (uint8_t)next_random(rng);
            break;
        case 2: /* an interesting byte, replaced or inserted */
        {
            uint8_t byte = interesting_bytes[random_below(rng, sizeof interesting_bytes)];
            if (buf->size && random_below(rng, 2))
                buf->data[random_below(rng, buf->size)] = byte;
            else
                buffer_insert(buf, pos, &byte, 1);
            break;
        }
        case 3: /* a dictionary token */
        case 4: {
            size_t         len;
            const uint8_t *token = random_token(rng, &len);
            buffer_insert(buf, pos, token, len);
            break;
        }
        case 5: /* delete a range */
            if (buf->size) {
                size_t at = random_below(rng, buf->size);
                size_t n  = 1 + random_below(rng, buf->size - at < 16 ? buf->size - at : 16);
                buffer_erase(buf, at, n);
            }
            break;
        case 6: /* duplicate a range elsewhere (nesting, repeated items) */
            if (buf->size) {
                size_t   at    = random_below(rng, buf->size);
                size_t   n     = 1 + random_below(rng, buf->size - at);
                uint8_t *chunk = malloc(n);
                if (chunk) {
                    memcpy(chunk, buf->data + at, n);
                    buffer_insert(buf, pos, chunk, n);
                    free(chunk);
                }
            }
            break;
        case 7: /* a long run of a byte or a token */
        {
            size_t         len, count = 1 + random_below(rng, random_below(rng, 4) ? 64 : 2048);
            const uint8_t *unit;
            uint8_t        byte;
            if (random_below(rng, 2)) {
                unit = random_token(rng, &len);
            }
            else {
                byte = random_below(rng, 2) ? interesting_bytes[random_below(rng, sizeof interesting_bytes)]
                                            : (uint8_t)('a' + random_below(rng, 26));
                unit = &byte;
                len  = 1;
            }
            buffer_insert_run(buf, pos, unit, len, count);
            break;
        }
        case 8: /* wrap a range in braces */
            if (buf->size) {
                size_t  at          = random_below(rng, buf->size + 1);
                size_t  end         = at + random_below(rng, buf->size - at + 1);
                uint8_t open_brace  = '{';
                uint8_t close_brace = '}';
                buffer_insert(buf, end, &close_brace, 1);
                buffer_insert(buf, at, &open_brace, 1);
            }
            break;
        case 9: /* splice: the tail from another input */
            if (other && other->size) {
                size_t from = random_below(rng, other->size);
                buf->size   = pos;
                buffer_insert(buf, pos, other->data + from, other->size - from);
            }
            break;
        case 10: /* truncate */
            buf->size = pos;
            break;
        case 11: /* swap two bytes */
            if (buf->size > 1) {
                size_t  a = random_below(rng, buf->size), b = random_below(rng, buf->size);
                uint8_t t    = buf->data[a];
                buf->data[a] = buf->data[b];
                buf->data[b] = t;
            }
            break;
        case 12: /* rarely: grow to a length at a limit's edge, with a run of one letter */
            if (random_below(rng, 16) == 0) {
                size_t want =
                    interesting_lengths[random_below(rng, sizeof interesting_lengths / sizeof(size_t))];
                uint8_t letter = (uint8_t)('a' + random_below(rng, 26));
                if (want > buf->size)
                    buffer_insert_run(buf, pos, &letter, 1, want - buf->size);
            }
            break;
    }
}

/* ------------------------------------------------------------------------------------------------------ */
/* Corpus                                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

static void
pool_add(pool_t *pool, const uint8_t *data, size_t size)
{
    input_t item;

    if (pool->count == pool->cap) {
        pool->cap   = pool->cap ? 2 * pool->cap : 64;
        pool->items = realloc(pool->items, pool->cap * sizeof *pool->items);
        if (pool->items == NULL) {
            fprintf(stderr, "fuzz_driver: out of memory\n");
            exit(2);
        }
    }
    item.data = malloc(size ? size : 1);
    if (item.data == NULL) {
        fprintf(stderr, "fuzz_driver: out of memory\n");
        exit(2);
    }
    if (size)
        memcpy(item.data, data, size);
    item.size                  = size;
    pool->items[pool->count++] = item;
}

static bool
read_whole_file(const char *path, pool_t *pool)
{
    FILE    *file = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t   size = 0, cap = 0;

    if (file == NULL) {
        fprintf(stderr, "fuzz_driver: cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    for (;;) {
        size_t got;
        if (size == cap) {
            cap  = cap ? 2 * cap : 4096;
            data = realloc(data, cap);
            if (data == NULL) {
                fprintf(stderr, "fuzz_driver: out of memory\n");
                exit(2);
            }
        }
        got = fread(data + size, 1, cap - size, file);
        size += got;
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        fprintf(stderr, "fuzz_driver: cannot read %s\n", path);
        fclose(file);
        free(data);
        return false;
    }
    fclose(file);
    pool_add(pool, data, size);
    free(data);
    return true;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order. */
static bool
read_directory(const char *dir, pool_t *pool)
{
    DIR           *d = opendir(dir);
    struct dirent *entry;
    char         **names = NULL;
    size_t         count = 0, cap = 0;
    bool           ok = true;

    if (d == NULL) {
        fprintf(stderr, "fuzz_driver: cannot open directory %s: %s\n", dir, strerror(errno));
        return false;
    }
    while ((entry = readdir(d)) != NULL) {
        char        path[4096];
        struct stat st;
        if (entry->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (count == cap) {
            cap   = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            if (names == NULL) {
                fprintf(stderr, "fuzz_driver: out of memory\n");
                exit(2);
            }
        }
        names[count] = malloc(strlen(path) + 1);
        if (names[count] == NULL) {
            fprintf(stderr, "fuzz_driver: out of memory\n");
            exit(2);
        }
        strcpy(names[count++], path);
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        ok = read_whole_file(names[i], pool) && ok;
        free(names[i]);
    }
    free(names);
    return ok;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Command line and main loop                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool
parse_number(const char *text, unsigned long long *value)
{
    char *end = NULL;

    errno  = 0;
    *value = strtoull(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && text[0] != '-';
}

static void
usage(const char *program)
{
    fprintf(
        stderr,
        "usage: %s [-runs=N] [-seed=S] [-max_total_time=SECONDS] [-max_len=BYTES] [-artifact_prefix=PREFIX]\n"
        "          [corpus directory or file]...\n"
        "Runs every corpus file, then N (default %lu) inputs mutated from them; aborts on a broken "
        "invariant.\n",
        program, DEFAULT_RUNS);
}

/* Parses argv into options; the corpus arguments are left in argv[first..argc). */
static bool
parse_options(int argc, char **argv, options_t *opt, int *first)
{
    int i;

    opt->runs            = DEFAULT_RUNS;
    opt->seed            = 1;
    opt->max_total_time  = 0;
    opt->max_len         = DEFAULT_MAX_LEN;
    opt->artifact_prefix = "./";
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char        *arg = argv[i];
        unsigned long long value;
        if (strncmp(arg, "-runs=", 6) == 0 && parse_number(arg + 6, &value))
            opt->runs = (unsigned long)value;
        else if (strncmp(arg, "-seed=", 6) == 0 && parse_number(arg + 6, &value))
            opt->seed = value;
        else if (strncmp(arg, "-max_total_time=", 16) == 0 && parse_number(arg + 16, &value))
            opt->max_total_time = (double)value;
        else if (strncmp(arg, "-max_len=", 9) == 0 && parse_number(arg + 9, &value) && value > 0)
            opt->max_len = (size_t)value;
        else if (strncmp(arg, "-artifact_prefix=", 17) == 0)
            opt->artifact_prefix = arg + 17;
        else {
            fprintf(stderr, "%s: unknown or malformed option '%s'\n", argv[0], arg);
            return false;
        }
    }
    *first = i;
    return true;
}

int
main(int argc, char **argv)
{
    options_t     opt;
    pool_t        pool = {0};
    buffer_t      buf  = {0};
    uint64_t      rng;
    int           first;
    unsigned long passed = 0, mutated = 0;
    double        start       = now_seconds();
    bool          out_of_time = false;

    if (!parse_options(argc, argv, &opt, &first)) {
        usage(argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        struct stat st;
        bool        ok;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: no such corpus file or directory: %s\n", argv[0], argv[i]);
            return 2;
        }
        ok = S_ISDIR(st.st_mode) ? read_directory(argv[i], &pool) : read_whole_file(argv[i], &pool);
        if (!ok)
            return 2;
    }
    pool.seeds = pool.count;
    install_signal_handlers(opt.artifact_prefix);

    for (size_t i = 0; i < pool.seeds; i++) {
        run_one(pool.items[i].data, pool.items[i].size);
        passed++;
    }
    if (pool.count == 0)
        pool_add(&pool, (const uint8_t *)"", 0); /* mutate from nothing */

    rng     = opt.seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    buf.max = opt.max_len;
    for (unsigned long n = 0; n < opt.runs; n++) {
        const input_t *parent = &pool.items[random_below(&rng, pool.count)];
        const input_t *other  = &pool.items[random_below(&rng, pool.count)];
        size_t         edits  = 1;
        unsigned       depth;

        if (opt.max_total_time > 0 && (n & 63) == 0 && now_seconds() - start >= opt.max_total_time) {
            out_of_time = true;
            break;
        }
        while (edits < 8 && random_below(&rng, 2)) /* 1 edit half the time, 2 a quarter, ... */
            edits++;
        buf.size = 0;
        buffer_insert(&buf, 0, parent->data, parent->size);
        for (size_t e = 0; e < edits; e++)
            mutate_once(&buf, &rng, other);
        run_one(buf.data, buf.size);
        passed++;
        mutated++;
        /* Keep some children as parents, so that edits accumulate. There is no coverage feedback here: the
         * target's depth (refused early, accepted, accepted with settings...) stands in for it. */
        depth = fuzz_last_depth();
        if (buf.size <= POOL_PARENT_MAX && random_below(&rng, depth >= 2 ? 4 : depth == 1 ? 16 : 64) == 0) {
            if (pool.count - pool.seeds < POOL_GROWN_MAX)
                pool_add(&pool, buf.data, buf.size);
            else {
                input_t *slot = &pool.items[pool.seeds + random_below(&rng, POOL_GROWN_MAX)];
                free(slot->data);
                slot->data = malloc(buf.size ? buf.size : 1);
                if (slot->data == NULL) {
                    fprintf(stderr, "fuzz_driver: out of memory\n");
                    return 2;
                }
                if (buf.size)
                    memcpy(slot->data, buf.data, buf.size);
                slot->size = buf.size;
            }
        }
    }

    printf("%s: %lu passed, 0 failed (%zu corpus files, %lu mutated inputs, seed %llu, max_len %zu, %.1f "
           "s%s%s)\n",
           argv[0], passed, pool.seeds, mutated, (unsigned long long)opt.seed, opt.max_len,
           now_seconds() - start, out_of_time ? ", stopped by -max_total_time" : "",
           fuzz_allocations_counted() ? ", allocations counted" : "");
    for (size_t i = 0; i < pool.count; i++)
        free(pool.items[i].data);
    free(pool.items);
    free(buf.data);
    return 0;
}
