/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_common.c — helpers shared by the benchmark programs of examples/bench (see bench_common.h).
 */

#include "bench_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t
bench_digest(uint64_t hash, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    size_t               words = size / 8, i;

    for (i = 0; i < words; i++) {
        uint64_t word;

        memcpy(&word, bytes + i * 8, 8);
        hash = (hash ^ word) * 0x100000001b3ull;
        hash ^= hash >> 32;
    }
    for (i = words * 8; i < size; i++) {
        hash = (hash ^ bytes[i]) * 0x100000001b3ull;
        hash ^= hash >> 32;
    }
    return hash;
}

uint64_t
bench_random_below(uint64_t *state, uint64_t bound)
{
    uint64_t x = (*state += 0x9e3779b97f4a7c15ull);

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    return bound ? x % bound : 0;
}

void
bench_hot_band(uint64_t rows, uint64_t cols, uint64_t chunk_rows, uint64_t chunk_cols, uint64_t cache_bytes,
               uint64_t *row0, uint64_t *nrows)
{
    uint64_t chunks_across  = (cols + chunk_cols - 1) / chunk_cols;
    uint64_t chunk_row_size = chunks_across * chunk_rows * chunk_cols * sizeof(double);
    uint64_t chunk_rows_fit = chunk_row_size ? (cache_bytes / 2) / chunk_row_size : 1;

    if (chunk_rows_fit < 1)
        chunk_rows_fit = 1;
    if (chunk_rows_fit > 4)
        chunk_rows_fit = 4;
    *nrows = chunk_rows_fit * chunk_rows;
    if (*nrows > rows)
        *nrows = rows;
    *row0 = (rows - *nrows) / 2 / chunk_rows * chunk_rows;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double
bench_median_of(const double *values, unsigned n)
{
    double sorted[BENCH_MAX_VALUES];

    if (n > BENCH_MAX_VALUES)
        n = BENCH_MAX_VALUES;
    if (!n)
        return 0;
    memcpy(sorted, values, n * sizeof *values);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double
bench_min_of(const double *values, unsigned n)
{
    double least = n ? values[0] : 0;

    for (unsigned i = 1; i < n; i++)
        if (values[i] < least)
            least = values[i];
    return least;
}

double
bench_ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

double
bench_load_average(void)
{
    FILE  *loadavg = fopen("/proc/loadavg", "r");
    double load    = -1;

    if (loadavg) {
        if (fscanf(loadavg, "%lf", &load) != 1)
            load = -1;
        fclose(loadavg);
    }
    return load;
}

int
bench_parse_count(const char *prog, const char *flag, const char *text, unsigned long min, unsigned long max,
                  unsigned long *value)
{
    char         *end = NULL;
    unsigned long parsed;

    errno  = 0;
    parsed = strtoul(text ? text : "", &end, 10);
    if (!text || text[0] == '-' || errno || end == text || *end || parsed < min || parsed > max) {
        fprintf(stderr, "%s: %s needs a whole number in %lu..%lu, got '%s'\n", prog, flag, min, max,
                text ? text : "");
        return -1;
    }
    *value = parsed;
    return 0;
}

/* Appends what fd has to buf (keeping its start, NUL-terminated); returns 0 at end of file. */
static int
drain_into(int fd, char *buf, size_t size, size_t *used)
{
    char    sink[4096];
    ssize_t n;

    if (*used < size - 1)
        n = read(fd, buf + *used, size - 1 - *used);
    else
        n = read(fd, sink, sizeof sink);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (n > 0 && *used < size - 1) {
        *used += (size_t)n;
        buf[*used] = '\0';
    }
    return n > 0;
}

int
bench_run_child(const char *path, char *const argv[], char *const envp[], unsigned flags,
                bench_child_t *child)
{
    int           out_fds[2] = {-1, -1}, err_fds[2] = {-1, -1}, wstatus = 0;
    size_t        out_used = 0, err_used = 0;
    struct rusage usage;
    double        started;
    pid_t         pid;

    memset(child, 0, sizeof *child);
    fflush(stdout);
    fflush(stderr);
    if (pipe(out_fds) < 0 || pipe(err_fds) < 0) {
        snprintf(child->message, sizeof child->message, "pipe: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (out_fds[i] >= 0)
                close(out_fds[i]);
            if (err_fds[i] >= 0)
                close(err_fds[i]);
        }
        return -1;
    }
    started = bench_now();
    if ((pid = fork()) < 0) {
        snprintf(child->message, sizeof child->message, "fork: %s", strerror(errno));
        close(out_fds[0]);
        close(out_fds[1]);
        close(err_fds[0]);
        close(err_fds[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out_fds[1], STDOUT_FILENO) < 0 ||
            (!(flags & BENCH_CHILD_PASS_STDERR) && dup2(err_fds[1], STDERR_FILENO) < 0))
            _exit(126);
        close(null);
        close(out_fds[0]);
        close(out_fds[1]);
        close(err_fds[0]);
        close(err_fds[1]);
        execve(path, argv, envp);
        if (flags &
            BENCH_CHILD_PASS_STDERR) /* straight to the terminal: named as the parent's own messages */
            fprintf(stderr, "%s: cannot run %s: %s\n", program_invocation_short_name, path, strerror(errno));
        else /* captured: it ends up in the parent's message */
            fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(out_fds[1]);
    close(err_fds[1]);
    {
        struct pollfd fds[2]   = {{.fd = out_fds[0], .events = POLLIN}, {.fd = err_fds[0], .events = POLLIN}};
        int           open_fds = 2;

        while (open_fds > 0) {
            if (poll(fds, 2, -1) < 0) {
                if (errno == EINTR)
                    continue;
                break;
            }
            for (int i = 0; i < 2; i++) {
                if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                if (!(i == 0 ? drain_into(fds[i].fd, child->out, sizeof child->out, &out_used)
                             : drain_into(fds[i].fd, child->err, sizeof child->err, &err_used))) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    open_fds--;
                }
            }
        }
        for (int i = 0; i < 2; i++)
            if (fds[i].fd >= 0)
                close(fds[i].fd);
    }
    while (wait4(pid, &wstatus, 0, &usage) < 0 && errno == EINTR)
        ;
    child->wall       = bench_now() - started;
    child->maxrss_kib = usage.ru_maxrss;
    child->minflt     = usage.ru_minflt;
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
        child->ok = 1;
        return 0;
    }
    if (WIFSIGNALED(wstatus))
        snprintf(child->message, sizeof child->message, "died of signal %d", WTERMSIG(wstatus));
    else
        snprintf(child->message, sizeof child->message, "exit status %d", WEXITSTATUS(wstatus));
    return -1;
}

int
bench_remove_flat_dir(const char *path)
{
    DIR           *dir = opendir(path);
    struct dirent *entry;
    char           file[4096];
    int            status = 0;

    if (!dir)
        return errno == ENOENT ? 0 : -1;
    while ((entry = readdir(dir))) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        snprintf(file, sizeof file, "%s/%s", path, entry->d_name);
        if (unlink(file) < 0)
            status = -1;
    }
    closedir(dir);
    if (rmdir(path) < 0)
        status = -1;
    return status;
}

const char *
bench_prog_line(const char *out, char *connector, size_t connector_size, uint64_t *bytes, uint64_t *checksum,
                double *seconds)
{
    const char *line = strstr(out, "PROG ");
    const char *v;

    if (!line)
        return NULL;
    if ((v = bench_prog_field(line, "connector"))) {
        size_t len = strcspn(v, " \n");

        if (len >= connector_size)
            len = connector_size - 1;
        memcpy(connector, v, len);
        connector[len] = '\0';
    }
    if ((v = bench_prog_field(line, "bytes")))
        *bytes = strtoull(v, NULL, 10);
    if ((v = bench_prog_field(line, "checksum")))
        *checksum = strtoull(v, NULL, 16);
    if ((v = bench_prog_field(line, "seconds")))
        *seconds = strtod(v, NULL);
    return line;
}

const char *
bench_prog_field(const char *line, const char *key)
{
    char        pattern[64];
    const char *at;

    snprintf(pattern, sizeof pattern, " %s=", key);
    at = strstr(line, pattern);
    return at ? at + strlen(pattern) : NULL;
}

int
bench_report_open(bench_report_t *report, const char *prog, const char *markdown_path)
{
    memset(report, 0, sizeof *report);
    report->prog = prog;
    if (markdown_path && !(report->markdown = fopen(markdown_path, "w"))) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, markdown_path, strerror(errno));
        return -1;
    }
    return 0;
}

void
bench_emit(bench_report_t *report, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    if (report->markdown) {
        va_start(args, fmt);
        vfprintf(report->markdown, fmt, args);
        va_end(args);
    }
}

void
bench_record(bench_report_t *report, const char *fmt, ...)
{
    va_list args;
    int     n;
    char   *grown;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (n < 0 || !(grown = realloc(report->lines, report->lines_len + (size_t)n + 1)))
        return;
    report->lines = grown;
    va_start(args, fmt);
    vsnprintf(report->lines + report->lines_len, (size_t)n + 1, fmt, args);
    va_end(args);
    report->lines_len += (size_t)n;
}

void
bench_fail(bench_report_t *report, const char *fmt, ...)
{
    va_list args;

    report->failures++;
    fprintf(stderr, "%s: FAILED: ", report->prog);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n");
}

void
bench_report_end(bench_report_t *report, double load_end, double elapsed_s)
{
    bench_emit(report, "\nload average %.2f at the end; %d correctness failure%s; %.0f s.\n", load_end,
               report->failures, report->failures == 1 ? "" : "s", elapsed_s);
    printf("\n%s", report->lines ? report->lines : "");
}

void
bench_report_close(bench_report_t *report)
{
    if (report->markdown)
        fclose(report->markdown);
    report->markdown = NULL;
    free(report->lines);
    report->lines     = NULL;
    report->lines_len = 0;
}
