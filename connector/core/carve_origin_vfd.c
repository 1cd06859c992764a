/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_origin_vfd.c — carve's read-only driver for URL origins, tee and fetch (see carve_origin_vfd.h).
 *
 * The driver's access-list property holds the ROS3 settings it wraps (credentials included, as ROS3's own
 * property holds them), the role, and a reference to the store; copies of the property take another
 * reference, so a store lives as long as any list or open file that names it. The tee runs ROS3's own
 * callbacks below itself, so ROS3 makes exactly the requests it makes natively; the fetch role has no
 * driver below it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <H5FDdevelop.h>

#include "carve_error.h"
#include "carve_origin_vfd.h"

#ifdef H5_HAVE_ROS3_VFD

/* Not a value HDF5 registered to anybody (the registered ones are listed by The HDF Group). */
#define ORIGIN_VFD_VALUE ((H5FD_class_value_t)31911)
#define ORIGIN_VFD_NAME  "carve_origin"
#define ORIGIN_MAXADDR   ((haddr_t)(((haddr_t)1 << 62) - 1))
/* Metadata pages of the fetch role: the first miss reads 64 KiB, each further one twice the last. */
#define ORIGIN_PAGE_MIN ((uint64_t)64 * 1024)
#define ORIGIN_PAGE_MAX ((uint64_t)1024 * 1024)
/* What ROS3 reads at open (ROS3_MAX_CACHE_SIZE in H5FDros3.c, 1.14.4 and later in 1.14). */
#define ORIGIN_ROS3_FIRST_BLOCK ((haddr_t)16 * 1024 * 1024)

typedef enum origin_role_t { ORIGIN_ROLE_TEE = 1, ORIGIN_ROLE_FETCH = 2 } origin_role_t;

/* The driver's property. */
typedef struct origin_fa_t {
    origin_role_t      role;
    char              *url; /* the origin the store belongs to: a file opened under another name (an
                             * external link's target, opened with its parent's list) does not use it */
    H5FD_ros3_fapl_t   ros3;
    char              *token; /* ROS3's session token, or NULL */
    carve_bytestore_t *store;
    uint64_t           size;     /* fetch: the object's length */
    size_t            *requests; /* fetch: the caller's counter, or NULL */
} origin_fa_t;

typedef struct origin_file_t {
    H5FD_t               pub; /* first: HDF5 sees an H5FD_t */
    origin_fa_t          fa;
    char                *url;
    H5FD_t              *inner; /* tee: ROS3's file, opened by its class's own open (see origin_open) */
    const H5FD_class_t  *ros3;  /* tee: ROS3's class */
    int                  inner_public; /* tee: inner was opened by H5FDopen (closed by H5FDclose) */
    unsigned long        fileno;       /* tee: the serial number HDF5 would have given this file, or 0 */
    hid_t                sign_fapl;    /* fetch: ROS3 settings for carve_origin_fetch */
    carve_origin_conn_t *conn;         /* fetch: the connections of its requests, kept while it is open */
    haddr_t              eoa;
    uint64_t             page;      /* fetch: the next metadata miss's page */
    uint64_t             last_stop; /* fetch: where the last metadata page ended */
} origin_file_t;

static hid_t origin_vfd_id_g = H5I_INVALID_HID;
/* Why the fetch role's last read failed (origin_fetch_miss): HDF5 clears the error stack between the
 * attempts of an open, so a caller that needs the reason asks here (carve_origin_vfd_take_failure). */
static char origin_failure_g[512];

/* ROS3's class, from the first file the tee opened with H5FDopen (see origin_open); NULL after H5close. */
static const H5FD_class_t *origin_ros3_class_g = NULL;

/* Closes the tee's ROS3 file the way it was opened. */
static herr_t
origin_close_inner(origin_file_t *file)
{
    return file->inner_public ? H5FDclose(file->inner) : file->ros3->close(file->inner);
}

/* The tee's first file takes the serial number ROS3's file got (origin_open); HDF5 assigns its own after
 * the open returns, so the first callback after it puts it right. */
static void
origin_fix_fileno(const origin_file_t *file)
{
    if (file->fileno)
        ((origin_file_t *)file)->pub.fileno = file->fileno;
}

/* ---- the property --------------------------------------------------------------------------------- */

static void *
origin_fa_copy(const void *from)
{
    const origin_fa_t *src = from;
    origin_fa_t       *dst = malloc(sizeof *dst);

    if (!dst)
        return NULL;
    *dst       = *src;
    dst->token = NULL;
    dst->url   = NULL;
    if ((src->token && NULL == (dst->token = strdup(src->token))) ||
        (src->url && NULL == (dst->url = strdup(src->url)))) {
        free(dst->token);
        free(dst);
        return NULL;
    }
    carve_bytestore_ref(dst->store);
    return dst;
}

static herr_t
origin_fa_free(void *fa_)
{
    origin_fa_t *fa = fa_;

    if (fa) {
        carve_bytestore_unref(fa->store);
        free(fa->token);
        free(fa->url);
        free(fa);
    }
    return 0;
}

/* A ROS3 access list with fa's settings: the tee's lower driver, the fetch's signing, restore. */
static herr_t
origin_fa_set_ros3(hid_t fapl_id, const origin_fa_t *fa)
{
    herr_t ret_value = 0;

    if (H5Pset_fapl_ros3(fapl_id, &fa->ros3) < 0 ||
        (fa->token && H5Pset_fapl_ros3_token(fapl_id, fa->token) < 0))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot set up ROS3 access");

done:
    return ret_value;
}

static hid_t
origin_ros3_fapl(const origin_fa_t *fa)
{
    hid_t fapl_id = H5Pcreate(H5P_FILE_ACCESS);

    if (fapl_id >= 0 && origin_fa_set_ros3(fapl_id, fa) < 0) {
        H5Pclose(fapl_id);
        fapl_id = H5I_INVALID_HID;
    }
    return fapl_id;
}

/* ---- the driver ----------------------------------------------------------------------------------- */

static void *
origin_fapl_get(H5FD_t *file)
{
    return origin_fa_copy(&((origin_file_t *)file)->fa);
}

/* ROS3 (HDF5 1.14.4 and later in 1.14) reads the first 16 MiB of the object at open, and answers every read
 * that ends inside them from memory: those bytes, which hold most of a file's metadata, are what the
 * program's reads there return, so the tee keeps them too, reading them from ROS3's memory (no request).
 * Other versions are left alone: there such a read would be a request the program does not make. */
static void
origin_tee_take_first_block(origin_file_t *file)
{
#if H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 14 && H5_VERS_RELEASE >= 4
    haddr_t eof = file->ros3->get_eof(file->inner, H5FD_MEM_DEFAULT);
    size_t  n;
    void   *block;

    if (!file->fa.store || eof == HADDR_UNDEF || eof < 2)
        return;
    n = (size_t)(eof < ORIGIN_ROS3_FIRST_BLOCK ? eof : ORIGIN_ROS3_FIRST_BLOCK) - 1; /* ROS3: end < block */
    if (NULL == (block = malloc(n)))
        return;
    if (file->ros3->set_eoa && file->ros3->set_eoa(file->inner, H5FD_MEM_DEFAULT, (haddr_t)n) >= 0) {
        herr_t status = -1;

        CARVE_TRY_IGNORED(
            status = file->ros3->read(file->inner, H5FD_MEM_DEFAULT, H5P_DATASET_XFER_DEFAULT, 0, n, block));
        if (status >= 0)
            carve_bytestore_put(file->fa.store, 0, n, block); /* a cache: full is fine */
        file->ros3->set_eoa(file->inner, H5FD_MEM_DEFAULT, 0);
    }
    free(block);
#else
    (void)file;
#endif
}

static H5FD_t *
origin_open(const char *name, unsigned flags, hid_t fapl_id, haddr_t maxaddr)
{
    const origin_fa_t *fa        = H5Pget_driver_info(fapl_id);
    origin_file_t     *file      = NULL;
    hid_t              lower     = H5I_INVALID_HID;
    H5FD_t            *ret_value = NULL;

    if (!fa)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, NULL, "%s: carve's origin driver has no settings",
                         name);
    if (flags & (H5F_ACC_RDWR | H5F_ACC_CREAT | H5F_ACC_TRUNC))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNSUPPORTED, NULL, "%s: a URL origin is read-only", name);
    if (NULL == (file = calloc(1, sizeof *file)) || NULL == (file->url = strdup(name)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, NULL, "out of memory opening %s", name);
    file->fa       = *fa;
    file->fa.token = NULL;
    file->fa.url   = NULL;
    /* The store and the length belong to one origin. Another file opened with this list (an external link's
     * or a virtual dataset's source, opened with its parent's list) is read by ROS3 alone, as natively. */
    if (fa->url && strcmp(fa->url, name) == 0)
        file->fa.store = carve_bytestore_ref(fa->store);
    else {
        file->fa.store = NULL;
        file->fa.role  = ORIGIN_ROLE_TEE;
    }
    file->sign_fapl = H5I_INVALID_HID;
    file->page      = ORIGIN_PAGE_MIN;
    if (fa->token && NULL == (file->fa.token = strdup(fa->token)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, NULL, "out of memory opening %s", name);
    if ((lower = origin_ros3_fapl(fa)) < 0)
        CARVE_GOTO_DONE(NULL);
    if (file->fa.role == ORIGIN_ROLE_TEE) {
        /* ROS3's class is called directly where it can be: every H5FDopen gives a file a serial number, and
         * an extra one would make every file the program opens afterwards be numbered otherwise than
         * natively (h5ls -v prints the numbers). The class is reachable only from a file H5FDopen opened:
         * the first tee of a process opens ROS3 so, and gives its own file the number ROS3's got (the one
         * HDF5 would have given it; origin_fix_fileno); files opened later are numbered one higher. */
        if (origin_ros3_class_g) {
            file->ros3 = origin_ros3_class_g;
            /* Quiet, not ignored: ROS3's reasons stay on the stack for the program's open to print. */
            CARVE_TRY_QUIETLY(file->inner = file->ros3->open(name, flags, lower, maxaddr));
            if (file->inner)
                file->inner->cls = file->ros3;
        }
        else {
            CARVE_TRY_QUIETLY(file->inner = H5FDopen(name, flags, lower, maxaddr));
            if (file->inner) {
                file->inner_public  = 1;
                file->fileno        = file->inner->fileno;
                file->ros3          = file->inner->cls;
                origin_ros3_class_g = file->ros3;
            }
        }
        if (!file->inner)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, NULL, "cannot open %s with ROS3", name);
        origin_tee_take_first_block(file);
    }
    else {
        file->sign_fapl = lower;
        lower           = H5I_INVALID_HID;
        /* Without kept connections each miss opens its own: slower, still right. */
        CARVE_TRY_IGNORED(file->conn = carve_origin_conn_open(name));
    }
    ret_value = &file->pub;

done:
    CARVE_CLEANUP_BEGIN
    if (lower >= 0)
        H5Pclose(lower);
    if (!ret_value && file) {
        if (file->inner)
            origin_close_inner(file);
        if (file->sign_fapl >= 0)
            H5Pclose(file->sign_fapl);
        carve_origin_conn_close(file->conn);
        carve_bytestore_unref(file->fa.store);
        free(file->fa.token);
        free(file->url);
        free(file);
    }
    CARVE_CLEANUP_END
    return ret_value;
}

static herr_t
origin_close(H5FD_t *file_)
{
    origin_file_t *file      = (origin_file_t *)file_;
    herr_t         ret_value = 0;

    /* A close is also the clean-up of a failed open or read: the failure's messages are kept. */
    CARVE_CLEANUP_BEGIN
    if (file->inner && origin_close_inner(file) < 0)
        CARVE_DONE_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot close %s", file->url);
    if (file->sign_fapl >= 0)
        H5Pclose(file->sign_fapl);
    CARVE_CLEANUP_END
    carve_origin_conn_close(file->conn);
    carve_bytestore_unref(file->fa.store);
    free(file->fa.token);
    free(file->url);
    free(file);
    return ret_value;
}

static int
origin_cmp(const H5FD_t *a, const H5FD_t *b)
{
    int c = strcmp(((const origin_file_t *)a)->url, ((const origin_file_t *)b)->url);

    return c < 0 ? -1 : c > 0;
}

static herr_t
origin_query(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    if (flags)
        *flags = H5FD_FEAT_DATA_SIEVE; /* as ROS3: read-only, sieving allowed */
    return 0;
}

static haddr_t
origin_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    origin_fix_fileno((const origin_file_t *)file);
    return ((const origin_file_t *)file)->eoa;
}

static herr_t
origin_set_eoa(H5FD_t *file_, H5FD_mem_t type, haddr_t addr)
{
    origin_file_t *file      = (origin_file_t *)file_;
    herr_t         ret_value = 0;

    origin_fix_fileno(file);
    /* ROS3 keeps its own end of address space: it follows. */
    if (file->inner && file->ros3->set_eoa && file->ros3->set_eoa(file->inner, type, addr) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "%s: cannot set the end of address space",
                         file->url);
    file->eoa = addr;

done:
    return ret_value;
}

static haddr_t
origin_get_eof(const H5FD_t *file_, H5FD_mem_t type)
{
    const origin_file_t *file = (const origin_file_t *)file_;

    origin_fix_fileno(file);
    return file->inner ? file->ros3->get_eof(file->inner, type) : (haddr_t)file->fa.size;
}

static herr_t
origin_get_handle(H5FD_t *file_, hid_t fapl_id, void **handle)
{
    origin_file_t *file      = (origin_file_t *)file_;
    herr_t         ret_value = 0;

    if (!file->inner || !file->ros3->get_handle)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNSUPPORTED, -1, "%s: carve's fetch driver has no handle",
                         file->url);
    if (file->ros3->get_handle(file->inner, fapl_id, handle) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "%s: no ROS3 handle", file->url);

done:
    return ret_value;
}

/* The fetch role's miss: a metadata read grows to a page (doubling with each miss), clipped to the object;
 * raw data is read exactly. Validated by carve_origin_fetch, then kept in the store. */
static herr_t
origin_fetch_miss(origin_file_t *file, H5FD_mem_t type, haddr_t addr, size_t size, void *buf)
{
    carve_origin_range_t r;
    uint64_t             start = addr, stop = addr + size;
    void                *page      = NULL;
    herr_t               ret_value = 0;

    if (type != H5FD_MEM_DRAW && size < file->page) {
        /* A page from the read on, up to the first byte already held (never fetched twice). */
        uint64_t held = carve_bytestore_next_held(file->fa.store, addr);

        /* Pages grow while misses follow each other (a walk through neighbouring metadata); a miss
         * elsewhere (a B-tree node far away) starts small again. */
        if (addr < file->last_stop || addr - file->last_stop > ORIGIN_PAGE_MIN)
            file->page = ORIGIN_PAGE_MIN;
        stop = addr + file->page;
        if (stop > file->fa.size)
            stop = file->fa.size;
        if (held > addr && held < stop && held >= addr + size)
            stop = held;
        if (stop < addr + size)
            stop = addr + size;
        file->page      = file->page * 2 > ORIGIN_PAGE_MAX ? ORIGIN_PAGE_MAX : file->page * 2;
        file->last_stop = stop;
    }
    memset(&r, 0, sizeof r);
    r.offset = start;
    r.size   = (size_t)(stop - start);
    if (NULL == (r.buf = page = (stop - start == size ? buf : malloc(r.size))))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "out of memory reading %s", file->url);
    if (carve_origin_fetch(file->url, file->sign_fapl, &r, 1, file->fa.requests) < 0)
        CARVE_GOTO_DONE(-1);
    if (!r.ok) {
        snprintf(origin_failure_g, sizeof origin_failure_g, "%s: cannot read %zu bytes at %llu: %s",
                 file->url, r.size, (unsigned long long)r.offset, r.why);
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "%s", origin_failure_g);
    }
    carve_bytestore_put(file->fa.store, r.offset, r.size, r.buf); /* a cache: full is fine */
    if (page != buf)
        memcpy(buf, (char *)page + (addr - start), size);

done:
    if (page != buf)
        free(page);
    return ret_value;
}

static herr_t
origin_read(H5FD_t *file_, H5FD_mem_t type, hid_t dxpl_id, haddr_t addr, size_t size, void *buf)
{
    origin_file_t *file      = (origin_file_t *)file_;
    herr_t         ret_value = 0;

    if (size == 0)
        CARVE_GOTO_DONE(0);
    if (carve_bytestore_get(file->fa.store, addr, size, buf))
        CARVE_GOTO_DONE(0);
    if (file->inner) {
        /* Quiet, not ignored: ROS3's reasons stay under carve's. */
        herr_t status;

        CARVE_TRY_QUIETLY(status = file->ros3->read(file->inner, type, dxpl_id, addr, size, buf));
        if (status < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "%s: ROS3 cannot read %zu bytes at %llu",
                             file->url, size, (unsigned long long)addr);
        carve_bytestore_put(file->fa.store, addr, size, buf); /* a cache: full is fine */
    }
    else {
        if (addr + size > file->fa.size)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1,
                             "%s: %zu bytes at %llu are past its end (%llu bytes)", file->url, size,
                             (unsigned long long)addr, (unsigned long long)file->fa.size);
        if (origin_fetch_miss(file, type, addr, size, buf) < 0)
            CARVE_GOTO_DONE(-1);
    }

done:
    return ret_value;
}

static herr_t
origin_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl_id, haddr_t addr, size_t size, const void *buf)
{
    herr_t ret_value = 0;

    (void)type, (void)dxpl_id, (void)addr, (void)size, (void)buf;
    CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNSUPPORTED, -1, "%s: a URL origin is read-only",
                     ((origin_file_t *)file)->url);

done:
    return ret_value;
}

static herr_t
origin_truncate(H5FD_t *file, hid_t dxpl_id, hbool_t closing)
{
    (void)file, (void)dxpl_id, (void)closing;
    return 0; /* read-only: nothing to truncate (as ROS3) */
}

static const H5FD_class_t origin_vfd_class = {
    .version    = H5FD_CLASS_VERSION,
    .value      = ORIGIN_VFD_VALUE,
    .name       = ORIGIN_VFD_NAME,
    .maxaddr    = ORIGIN_MAXADDR,
    .fc_degree  = H5F_CLOSE_WEAK,
    .fapl_size  = sizeof(origin_fa_t),
    .fapl_get   = origin_fapl_get,
    .fapl_copy  = origin_fa_copy,
    .fapl_free  = origin_fa_free,
    .open       = origin_open,
    .close      = origin_close,
    .cmp        = origin_cmp,
    .query      = origin_query,
    .get_eoa    = origin_get_eoa,
    .set_eoa    = origin_set_eoa,
    .get_eof    = origin_get_eof,
    .get_handle = origin_get_handle,
    .read       = origin_read,
    .write      = origin_write,
    .truncate   = origin_truncate,
    .fl_map     = H5FD_FLMAP_DICHOTOMY,
};

/* Forgets the driver's ID when the library closes (H5close): a reopened library registers it anew. */
static void
origin_vfd_forget(void *ctx)
{
    (void)ctx;
    origin_vfd_id_g     = H5I_INVALID_HID;
    origin_ros3_class_g = NULL;
}

static hid_t
origin_vfd_id(void)
{
    hid_t ret_value = H5I_INVALID_HID;

    if (origin_vfd_id_g < 0) {
        if ((origin_vfd_id_g = H5FDregister(&origin_vfd_class)) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot register carve's origin driver");
        if (H5atclose(origin_vfd_forget, NULL) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, H5I_INVALID_HID,
                             "cannot register carve's origin driver");
    }
    ret_value = origin_vfd_id_g;

done:
    return ret_value;
}

/* ---- the API -------------------------------------------------------------------------------------- */

int
carve_origin_vfd_is_ros3(hid_t fapl_id)
{
    hid_t driver = H5Pget_driver(fapl_id);

    return driver < 0 ? -1 : driver == H5FD_ROS3;
}

/* fa's ROS3 settings from a list that selects ROS3 (fa takes the token). */
static herr_t
origin_fa_from_ros3(origin_fa_t *fa, const char *url, hid_t ros3_fapl_id)
{
    carve_origin_ros3_t settings;
    int                 is_ros3;
    herr_t              ret_value = 0;

    memset(fa, 0, sizeof *fa);
    if ((is_ros3 = carve_origin_ros3_read(url, ros3_fapl_id, &settings)) < 0)
        CARVE_GOTO_DONE(-1);
    if (!is_ros3)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "the access list does not select ROS3");
    fa->ros3  = settings.fa;
    fa->token = settings.token;

done:
    return ret_value;
}

/* Sets the driver on fapl_id with fa (whose token and store reference it takes over). */
static herr_t
origin_vfd_set(hid_t fapl_id, origin_fa_t *fa)
{
    hid_t  id;
    herr_t ret_value = 0;

    if ((id = origin_vfd_id()) < 0)
        CARVE_GOTO_DONE(-1);
    if (H5Pset_driver(fapl_id, id, fa) < 0) /* copies fa (origin_fa_copy) */
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot select carve's origin driver");

done:
    free(fa->token);
    return ret_value;
}

/* Selects the driver in role on fapl_id, with the ROS3 settings of ros3_fapl_id. */
static herr_t
origin_vfd_select(hid_t fapl_id, hid_t ros3_fapl_id, origin_role_t role, const char *url,
                  carve_bytestore_t *store, uint64_t size, size_t *requests)
{
    origin_fa_t fa;

    if (origin_fa_from_ros3(&fa, url, ros3_fapl_id) < 0)
        return -1;
    fa.role     = role;
    fa.store    = store;
    fa.url      = (char *)url; /* copied by H5Pset_driver (origin_fa_copy) */
    fa.size     = size;
    fa.requests = requests;
    return origin_vfd_set(fapl_id, &fa);
}

herr_t
carve_origin_vfd_set_tee(hid_t fapl_id, const char *url, carve_bytestore_t *store)
{
    return origin_vfd_select(fapl_id, fapl_id, ORIGIN_ROLE_TEE, url, store, 0, NULL);
}

herr_t
carve_origin_vfd_set_fetch(hid_t fapl_id, const char *url, hid_t ros3_fapl_id, carve_bytestore_t *store,
                           uint64_t size, size_t *requests)
{
    return origin_vfd_select(fapl_id, ros3_fapl_id, ORIGIN_ROLE_FETCH, url, store, size, requests);
}

herr_t
carve_origin_vfd_restore(hid_t fapl_id)
{
    const origin_fa_t *fa;
    hid_t              driver;
    herr_t             ret_value = 0;

    if ((driver = H5Pget_driver(fapl_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot read an access list's driver");
    if (origin_vfd_id_g < 0 || driver != origin_vfd_id_g)
        CARVE_GOTO_DONE(0);
    if (NULL == (fa = H5Pget_driver_info(fapl_id)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "carve's origin driver has no settings");
    {
        origin_fa_t keep = *fa; /* H5Pset_fapl_ros3 frees fa: keep what it points to alive meanwhile */

        carve_bytestore_ref(keep.store);
        keep.token = fa->token ? strdup(fa->token) : NULL;
        if (fa->token && !keep.token)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "out of memory");
        ret_value = origin_fa_set_ros3(fapl_id, &keep);
        free(keep.token);
        carve_bytestore_unref(keep.store);
    }

done:
    return ret_value;
}

#else /* HDF5 without ROS3: no URL origin is read with it, so there is nothing to tee or restore. */

int
carve_origin_vfd_is_ros3(hid_t fapl_id)
{
    (void)fapl_id;
    return 0;
}

herr_t
carve_origin_vfd_set_tee(hid_t fapl_id, const char *url, carve_bytestore_t *store)
{
    herr_t ret_value = 0;

    (void)fapl_id, (void)store;
    CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNSUPPORTED, -1, "this HDF5 has no ROS3 driver");

done:
    return ret_value;
}

herr_t
carve_origin_vfd_set_fetch(hid_t fapl_id, const char *url, hid_t ros3_fapl_id, carve_bytestore_t *store,
                           uint64_t size, size_t *requests)
{
    herr_t ret_value = 0;

    (void)fapl_id, (void)url, (void)ros3_fapl_id, (void)store, (void)size, (void)requests;
    CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNSUPPORTED, -1, "this HDF5 has no ROS3 driver");

done:
    return ret_value;
}

herr_t
carve_origin_vfd_restore(hid_t fapl_id)
{
    (void)fapl_id;
    return 0;
}

#endif /* H5_HAVE_ROS3_VFD */

int
carve_origin_vfd_take_failure(char *buf, size_t size)
{
    int found = origin_failure_g[0] != '\0';

    if (found && buf && size)
        snprintf(buf, size, "%s", origin_failure_g);
    origin_failure_g[0] = '\0';
    return found;
}

herr_t
carve_origin_fetch_seen(carve_bytestore_t *store, const char *url, hid_t fapl_id,
                        carve_origin_range_t *ranges, size_t n, size_t *requests)
{
    carve_origin_range_t *batch     = NULL;
    size_t                nmiss     = 0;
    herr_t                ret_value = 0;

    for (size_t i = 0; i < n; i++) {
        ranges[i].ok     = 0;
        ranges[i].why[0] = '\0';
    }
    if (NULL == (batch = malloc((n ? n : 1) * sizeof *batch)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "out of memory for %zu ranges", n);
    for (size_t i = 0; i < n; i++) {
        if (carve_bytestore_get(store, ranges[i].offset, ranges[i].size, ranges[i].buf))
            ranges[i].ok = 1;
        else {
            batch[nmiss]         = ranges[i];
            batch[nmiss++].udata = &ranges[i]; /* back to the caller's range after the sort */
        }
    }
    if (nmiss && carve_origin_fetch(url, fapl_id, batch, nmiss, requests) < 0)
        CARVE_GOTO_DONE(-1);
    for (size_t k = 0; k < nmiss; k++) {
        carve_origin_range_t *r = batch[k].udata;

        r->ok = batch[k].ok;
        memcpy(r->why, batch[k].why, sizeof r->why);
    }

done:
    free(batch);
    return ret_value;
}
