/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_error.c — unit tests of carve_error (connector/core/carve_error.c), the one error idiom: messages
 * longer than any carve composes reach the stack whole; a CARVE_CLEANUP region keeps the stack across
 * HDF5 API calls, with what CARVE_DONE_ERROR records inside it; CARVE_TRY_IGNORED prints nothing and leaves
 * the stack as it was; carve_error_term releases the class while the messages already pushed still read,
 * and carve_error_init registers it anew, also after HDF5 was closed and reopened.
 *
 * With the argument --no-checks the program makes no check at all: ctest runs it so (unit.harness-no-checks)
 * and expects it to fail, which is the harness's promise that a test asserting nothing fails.
 *
 * A plain program on the shared harness (unit_test.h): each CHECK prints file:line when it fails; the last
 * line is "N passed, M failed" and the exit status is non-zero when anything failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "carve_error.h"
#include "unit_test.h"

/* The description of entry `index` (0: the first pushed) of the current stack, copied; NULL when absent. */
typedef struct entry_search_t {
    unsigned index;
    char    *desc;
    hid_t    cls;
} entry_search_t;

static herr_t
find_entry(unsigned n, const H5E_error2_t *err, void *data)
{
    entry_search_t *s = data;

    if (n == s->index && err->desc) {
        s->desc = strdup(err->desc);
        s->cls  = err->cls_id;
    }
    return 0;
}

static char *
entry_desc(unsigned index, hid_t *cls)
{
    entry_search_t s = {index, NULL, H5I_INVALID_HID};

    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, find_entry, &s);
    if (cls)
        *cls = s.cls;
    return s.desc;
}

/* A successful HDF5 API call: clears the stack on entry. */
static void
successful_api_call(void)
{
    hid_t plist = H5Pcreate(H5P_FILE_ACCESS);

    H5Pclose(plist);
}

/* Messages of 6 KiB (longer than any carve composes, within the stack buffer) and 40 KiB (on the heap)
 * reach the stack whole. */
static void
test_long_messages(unit_t *t)
{
    size_t sizes[] = {CARVE_ERROR_MESSAGE_MAX - 1, CARVE_ERROR_MESSAGE_MAX, 6 * 1024, 40 * 1024};

    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char *text = malloc(sizes[k] + 1), *got;

        if (!CHECK(t, text != NULL))
            return;
        for (size_t i = 0; i < sizes[k]; i++)
            text[i] = (char)('a' + i % 26);
        memcpy(text + sizes[k] - 4, "%end", 4); /* a '%' is printed as such */
        text[sizes[k]] = '\0';
        CARVE_ERROR(CARVE_E_MANIFEST, CARVE_E_BADVALUE, "%s", text);
        got = entry_desc(0, NULL);
        CHECK(t, H5Eget_num(H5E_DEFAULT) == 1);
        CHECK(t, got != NULL && strlen(got) == sizes[k] && strcmp(got, text) == 0);
        if (got && strlen(got) != sizes[k])
            unit_note(t, "%zu bytes pushed, %zu on the stack", sizes[k], strlen(got));
        H5Eclear2(H5E_DEFAULT);
        free(got);
        free(text);
    }
}

/* A failing cleanup step: records its failure without jumping, then goes on. */
static herr_t
cleanup_that_fails(bool *went_on)
{
    herr_t ret_value = 0;

    CARVE_GOTO_ERROR(CARVE_E_SKELETON, CARVE_E_BADVALUE, -1, "the failure being cleaned up");

done:
    CARVE_CLEANUP_BEGIN
    successful_api_call();
    CARVE_DONE_ERROR(CARVE_E_SKELETON, CARVE_E_SYSTEM, -2, "closing failed too");
    successful_api_call(); /* would clear the message above, were it not kept */
    *went_on = true;
    CARVE_CLEANUP_END
    return ret_value;
}

/* A region of its own, to be nested in the caller's. */
static void
push_in_region(const char *message)
{
    CARVE_CLEANUP_BEGIN
    CARVE_ERROR(CARVE_E_COVERAGE, CARVE_E_SYSTEM, "%s", message);
    successful_api_call();
    CARVE_CLEANUP_END
}

static void
test_cleanup_region(unit_t *t)
{
    bool  went_on = false;
    char *first, *second;

    /* the failure and the cleanup's, in order */
    CHECK(t, cleanup_that_fails(&went_on) == -2 && went_on);
    CHECK(t, H5Eget_num(H5E_DEFAULT) == 2);
    first  = entry_desc(0, NULL);
    second = entry_desc(1, NULL);
    CHECK(t, unit_str_eq(first, "the failure being cleaned up") && unit_str_eq(second, "closing failed too"));
    free(first);
    free(second);
    H5Eclear2(H5E_DEFAULT);

    /* an empty stack: what is pushed inside the region survives it; nested regions keep it too */
    CARVE_CLEANUP_BEGIN
    push_in_region("pushed in a nested region");
    successful_api_call();
    CARVE_CLEANUP_END
    CHECK_ERROR(t, CARVE_E_SYSTEM, "pushed in a nested region");

    /* nothing pushed, nothing left */
    CARVE_CLEANUP_BEGIN
    successful_api_call();
    CARVE_CLEANUP_END
    CHECK_NO_ERROR(t);
}

static herr_t
count_prints(hid_t stack, void *data)
{
    (void)stack;
    (*(int *)data)++;
    return 0;
}

static void
test_tried_ignored(unit_t *t)
{
    int    prints = 0;
    herr_t status = 0;

    H5Eset_auto2(H5E_DEFAULT, count_prints, &prints);
    /* sanity: a failing API call prints through the automatic handler */
    H5Pclose(H5I_INVALID_HID);
    CHECK(t, prints == 1);
    H5Eclear2(H5E_DEFAULT);

    /* an empty stack stays empty, and nothing is printed */
    prints = 0;
    CARVE_TRY_IGNORED(status = H5Pclose(H5I_INVALID_HID));
    CHECK(t, status < 0 && prints == 0);
    CHECK_NO_ERROR(t);

    /* a stack with a failure keeps exactly it, also when carve's own code pushes while tried */
    CARVE_ERROR(CARVE_E_ACCESS, CARVE_E_BADVALUE, "the failure before");
    CARVE_TRY_IGNORED({
        H5Pclose(H5I_INVALID_HID);
        CARVE_ERROR(CARVE_E_ACCESS, CARVE_E_SYSTEM, "a tried call's message");
    });
    CHECK(t, prints == 0 && H5Eget_num(H5E_DEFAULT) == 1);
    CHECK_ERROR(t, CARVE_E_BADVALUE, "the failure before");

    /* inside a cleanup region: the tried call's messages are dropped, the region's are kept */
    CARVE_CLEANUP_BEGIN
    CARVE_ERROR(CARVE_E_SPLIT, CARVE_E_SYSTEM, "kept by the region");
    CARVE_TRY_IGNORED(CARVE_ERROR(CARVE_E_SPLIT, CARVE_E_BADVALUE, "dropped"));
    successful_api_call();
    CARVE_CLEANUP_END
    CHECK(t, H5Eget_num(H5E_DEFAULT) == 1);
    CHECK_ERROR(t, CARVE_E_SYSTEM, "kept by the region");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* Releasing the class keeps what was pushed readable; registering again gives a working class, also after
 * HDF5 itself was closed and reopened. */
static void
test_term_and_again(unit_t *t)
{
    hid_t old_class = carve_err_class_g, cls = H5I_INVALID_HID;
    char *desc, printed[1024]                = "";
    FILE *out;

    CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, "pushed before the class went");
    carve_error_term();
    CHECK(t, carve_err_class_g == H5I_INVALID_HID && CARVE_E_CONFIG == H5I_INVALID_HID);
    CHECK(t, H5Eget_num(H5E_DEFAULT) == 1);
    desc = entry_desc(0, &cls);
    CHECK(t, unit_str_eq(desc, "pushed before the class went") && cls == old_class);
    free(desc);
    /* the entry's references keep the class and its messages alive: the stack prints whole */
    if (CHECK(t, (out = tmpfile()) != NULL)) {
        CHECK(t, H5Eprint2(H5E_DEFAULT, out) >= 0);
        rewind(out);
        printed[fread(printed, 1, sizeof printed - 1, out)] = '\0';
        fclose(out);
        CHECK(t, unit_contains(printed, "Error detected in carve VOL connector") &&
                     unit_contains(printed, "major: carve configuration") &&
                     unit_contains(printed, "minor: unknown setting"));
    }
    CHECK(t, H5Iis_valid(old_class) <= 0); /* carve's own reference is gone (this call clears the stack) */

    CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, "no class: not pushed");
    CHECK_NO_ERROR(t);
    CHECK(t, carve_error_init() >= 0 && carve_err_class_g >= 0 && CARVE_E_SPLIT >= 0);
    CARVE_ERROR(CARVE_E_CONFIG, CARVE_E_BADKEY, "pushed under the new class");
    CHECK_ERROR(t, CARVE_E_BADKEY, "under the new class");
    CHECK(t, carve_error_init() >= 0); /* registered already: unchanged */

    /* HDF5 closed and reopened: its IDs are gone, carve registers anew */
    carve_error_term();
    H5close();
    CHECK(t, H5open() >= 0 && carve_error_init() >= 0);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "after a reopen");
    CHECK_ERROR(t, CARVE_E_UNDERLYING, "after a reopen");
    H5close(); /* without carve_error_term: the next init must see the stale ID */
    CHECK(t, H5open() >= 0 && carve_error_init() >= 0);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    CARVE_ERROR(CARVE_E_VOL, CARVE_E_UNDERLYING, "after a reopen without term");
    CHECK_ERROR(t, CARVE_E_UNDERLYING, "without term");
}

int
main(int argc, char **argv)
{
    unit_t t;

    if (!unit_begin(&t, NULL))
        return UNIT_CANNOT_RUN;
    if (argc > 1 && strcmp(argv[1], "--no-checks") == 0)
        return unit_end(&t); /* must fail: see the top of this file */
    test_long_messages(&t);
    test_cleanup_region(&t);
    test_tried_ignored(&t);
    test_term_and_again(&t);
    return unit_end(&t);
}
