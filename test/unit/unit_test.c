/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * unit_test.c — the harness the unit tests in test/unit share: check counting, the HDF5 error stack
 * checks, the temporary directory and small file helpers. See unit_test.h.
 */

#include "unit_test.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carve_error.h"

/* ------------------------------------------------------------------------------------------------------ */
/* Start and end                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

/* Makes $TMPDIR/carve_test_<name>.XXXXXX and stores its real path in t->dir. */
static bool
make_temp_dir(unit_t *t, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    char template[sizeof t->dir];
    char *real;

    snprintf(template, sizeof template, "%s/carve_test_%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (mkdtemp(template) == NULL) {
        printf("mkdtemp %s: %s\n", template, strerror(errno));
        return false;
    }
    if ((real = realpath(template, NULL)) == NULL || strlen(real) >= sizeof t->dir) {
        printf("cannot resolve the temporary directory %s: %s\n", template,
               real ? "path too long" : strerror(errno));
        free(real);
        rmdir(template);
        return false;
    }
    memcpy(t->dir, real, strlen(real) + 1);
    free(real);
    return true;
}

bool
unit_begin(unit_t *t, const char *dir_name)
{
    memset(t, 0, sizeof *t);
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep what was printed if a call under test crashes */
    if (carve_error_init() < 0) {
        printf("carve_error_init failed\n");
        return false;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return dir_name == NULL || make_temp_dir(t, dir_name);
}

int
unit_end(unit_t *t)
{
    if (t->dir[0] != '\0') {
        if (getenv("CARVE_KEEP_TEST_FILES"))
            printf("files kept in %s\n", t->dir);
        else if (!unit_remove_tree(t->dir))
            printf("note: cannot remove %s: %s\n", t->dir, strerror(errno));
    }
    carve_error_term();
    H5close();
    if (t->passed + t->failed == 0) {
        printf("no check was made: a test that asserts nothing fails\n0 passed, 1 failed\n");
        return 1;
    }
    printf("%u passed, %u failed\n", t->passed, t->failed);
    return t->failed ? 1 : 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Checks                                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

bool
unit_printing(const unit_t *t)
{
    return t->max_printed == 0 || t->failed <= t->max_printed;
}

bool
unit_check_at(unit_t *t, bool ok, const char *what, const char *file, int line)
{
    if (ok)
        t->passed++;
    else {
        t->failed++;
        if (unit_printing(t))
            printf("%s:%d: check failed: %s\n", file, line, what);
        else if (t->failed == t->max_printed + 1)
            printf("(further failures are counted, not printed)\n");
    }
    return ok;
}

void
unit_note(const unit_t *t, const char *fmt, ...)
{
    va_list ap;

    if (!unit_printing(t))
        return;
    va_start(ap, fmt);
    printf("  ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

bool
unit_str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

bool
unit_contains(const char *haystack, const char *needle)
{
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

bool
unit_check_str_at(unit_t *t, const char *got, const char *want, const char *what, const char *file, int line)
{
    bool ok = unit_check_at(t, unit_str_eq(got, want), what, file, line);

    if (!ok && unit_printing(t))
        printf("  got  [%s]\n  want [%s]\n", got ? got : "(null)", want ? want : "(null)");
    return ok;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The HDF5 error stack                                                                                    */
/* ------------------------------------------------------------------------------------------------------ */

typedef struct stack_search_t {
    hid_t       minor;
    const char *needles[UNIT_MAX_NEEDLES];
    size_t      count;
    bool        found;
} stack_search_t;

static herr_t
search_entry(unsigned n, const H5E_error2_t *err, void *client_data)
{
    stack_search_t *search = client_data;
    bool            all    = err->cls_id == carve_err_class_g && err->min_num == search->minor && err->desc;

    (void)n;
    for (size_t i = 0; all && i < search->count; i++)
        all = strstr(err->desc, search->needles[i]) != NULL;
    if (all)
        search->found = true;
    return 0;
}

static herr_t
print_entry(unsigned n, const H5E_error2_t *err, void *client_data)
{
    (void)client_data;
    printf("    #%u %s\n", n, err->desc ? err->desc : "(no description)");
    return 0;
}

void
unit_print_stack(hid_t stack)
{
    H5Ewalk2(stack, H5E_WALK_DOWNWARD, print_entry, NULL);
}

bool
unit_check_error_va(unit_t *t, const char *file, int line, hid_t minor, va_list ap)
{
    stack_search_t search = {.minor = minor};
    hid_t          stack  = H5Eget_current_stack();
    const char    *needle;
    bool           ok;

    while ((needle = va_arg(ap, const char *)) != NULL && search.count < UNIT_MAX_NEEDLES)
        search.needles[search.count++] = needle;
    if (stack >= 0)
        H5Ewalk2(stack, H5E_WALK_DOWNWARD, search_entry, &search);
    ok = unit_check_at(t, search.found, "error stack has the expected message", file, line);
    if (!ok && unit_printing(t)) {
        printf("  wanted a message containing:");
        for (size_t i = 0; i < search.count; i++)
            printf(" [%s]", search.needles[i]);
        printf("\n  the stack holds:\n");
        if (stack >= 0)
            unit_print_stack(stack);
    }
    if (stack >= 0)
        H5Eclose_stack(stack);
    return ok;
}

bool
unit_check_error_at(unit_t *t, const char *file, int line, hid_t minor, ...)
{
    va_list ap;
    bool    ok;

    va_start(ap, minor);
    ok = unit_check_error_va(t, file, line, minor, ap);
    va_end(ap);
    return ok;
}

bool
unit_check_no_error_at(unit_t *t, const char *file, int line)
{
    ssize_t count = H5Eget_num(H5E_DEFAULT);
    bool    ok    = unit_check_at(t, count == 0, "error stack is empty", file, line);

    if (!ok && unit_printing(t))
        unit_print_stack(H5E_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Files                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

bool
unit_write_file(const char *path, const void *data, size_t len)
{
    FILE *file = fopen(path, "wb");
    bool  ok;

    if (file == NULL)
        return false;
    ok = fwrite(data, 1, len, file) == len;
    return fclose(file) == 0 && ok;
}

bool
unit_write_text(const char *path, const char *text)
{
    return unit_write_file(path, text, strlen(text));
}

bool
unit_remove_tree(const char *path)
{
    struct stat    st;
    DIR           *dir;
    struct dirent *entry;
    char           child[PATH_MAX];

    if (lstat(path, &st) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode)) /* a file, or a link (never followed) */
        return unlink(path) == 0;
    if ((dir = opendir(path)) != NULL) {
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            unit_remove_tree(child);
        }
        closedir(dir);
    }
    return rmdir(path) == 0;
}

uint64_t
unit_rng_next(unit_rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

hsize_t
unit_rng_below(unit_rng_t *r, hsize_t n)
{
    return n ? (hsize_t)(unit_rng_next(r) % n) : 0;
}

int
unit_count_entries(const char *dir, const char *text)
{
    DIR           *d = opendir(dir);
    struct dirent *e;
    int            n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, text) != NULL)
            n++;
    closedir(d);
    return n;
}

void
unit_release(const hid_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= 0)
            H5Idec_ref(ids[i]);
}

H5O_token_t
unit_address_token(uint64_t address)
{
    H5O_token_t token;

    memset(&token, 0, sizeof token);
    for (int i = 0; i < 8; i++)
        token.__data[i] = (uint8_t)(address >> (8 * i));
    return token;
}
