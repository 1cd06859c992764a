/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_origin.c — the origin of a container: its canonical location, its coherence stamp (stat(2) for
 * a local file, one libcurl HEAD request for a URL, signed with AWS SigV4 when the ROS3 access list
 * carries credentials), the comparison and description of two stamps, validated range reads of a URL
 * (carve_origin_fetch: neighbours coalesced, several requests in flight on libcurl's multi interface, the
 * connections kept between calls while an origin is open: carve_origin_conn_open), the reading of a ROS3
 * access list's settings, and the deterministic paths of the container, manifest and lock file that belong
 * to a location.
 *
 * No VOL code. The process-wide state is libcurl's one-time initialisation (see curl_init_once), two
 * settings: the timeout (each file open sets it) and the requests in flight (carve_origin_set_parallel), and
 * the list of URLs whose connections are kept (behind a lock).
 */

#include "carve_origin.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <H5FDros3.h>
#include <curl/curl.h>

#include "carve_error.h"
#include "carve_version.h"

/* HEAD request limits: a stamp is taken when a file is opened, so an unreachable or stalled server must
 * fail the open in bounded time rather than hang it. The total is the `timeout` setting
 * (carve_origin_set_timeout); connecting gets at most HEAD_CONNECT_TIMEOUT_S of it. */
#define HEAD_CONNECT_TIMEOUT_S 10L
#define HEAD_TOTAL_TIMEOUT_S   30L

/* The bound of the next HEAD requests, in seconds; set by each file open from its settings. */
static long head_timeout_g = HEAD_TOTAL_TIMEOUT_S;

/* SHA-256 of the empty string: the payload hash of a bodiless request, as S3 expects it. */
#define EMPTY_PAYLOAD_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Container file names: <base>-<hash><suffix>. */
#define BASE_NAME_MAX     CARVE_ORIGIN_BASE_MAX
#define BASE_NAME_DEFAULT "origin"
#define FNV1A64_OFFSET    UINT64_C(14695981039346656037)
#define FNV1A64_PRIME     UINT64_C(1099511628211)

/* ------------------------------------------------------------------------------------------------------ */
/* Small helpers                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

static char *
duplicate_string(const char *s)
{
    size_t len  = strlen(s) + 1;
    char  *copy = malloc(len);

    if (copy)
        memcpy(copy, s, len);
    return copy;
}

/* A malloc'ed printf. NULL on failure. */
static char *format_string(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *
format_string(const char *fmt, ...)
{
    va_list ap;
    int     len;
    char   *out;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || (out = malloc((size_t)len + 1)) == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(out, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return out;
}

/* Overwrites a buffer that held a secret; volatile so that the stores are not optimised away. */
static void
wipe_secret(void *buf, size_t len)
{
    volatile unsigned char *p = buf;

    while (len--)
        *p++ = 0;
}

/* The current working directory, malloc'ed; NULL with errno set on failure. */
static char *
current_directory(void)
{
    size_t size = 256;

    for (;;) {
        char *buf = malloc(size);

        if (buf == NULL)
            return NULL;
        if (getcwd(buf, size) != NULL)
            return buf;
        free(buf);
        if (errno != ERANGE || size > (SIZE_MAX / 2))
            return NULL;
        size *= 2;
    }
}

static int
starts_with_nocase(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Location                                                                                                */
/* ------------------------------------------------------------------------------------------------------ */

void
carve_origin_set_timeout(long seconds)
{
    head_timeout_g = seconds > 0 ? seconds : HEAD_TOTAL_TIMEOUT_S;
}

int
carve_origin_is_url(const char *name)
{
    if (name == NULL)
        return 0;
    return starts_with_nocase(name, "http://") || starts_with_nocase(name, "https://");
}

herr_t
carve_origin_location(const char *name, char **location)
{
    char  *resolved  = NULL;
    herr_t ret_value = 0;

    if (location == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "carve_origin_location: no output pointer");
    *location = NULL;
    if (name == NULL || name[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin: the file name is empty");
    if (carve_origin_is_url(name)) {
        if ((resolved = duplicate_string(name)) == NULL)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", name);
    }
    else if ((resolved = realpath(name, NULL)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot resolve the path: %s", name,
                         strerror(errno));
    *location = resolved;
    resolved  = NULL;

done:
    free(resolved);
    return ret_value;
}

/* `path` made absolute against the current directory and normalised without looking at the filesystem:
 * empty and "." segments dropped, ".." removing the segment before it (never above "/"), one '/' between
 * segments, none at the end. NULL with errno set when the current directory cannot be read (or no memory). */
static char *
lexical_absolute(const char *path)
{
    char  *cwd = NULL, *joined, *out;
    size_t n, used = 0;

    if (path[0] != '/') {
        if ((cwd = current_directory()) == NULL)
            return NULL;
        joined = format_string("%s/%s", cwd, path);
        free(cwd);
    }
    else
        joined = duplicate_string(path);
    if (joined == NULL)
        return NULL;
    n = strlen(joined);
    if ((out = malloc(n + 2)) == NULL) {
        free(joined);
        return NULL;
    }
    for (const char *seg = joined; *seg;) {
        size_t len = strcspn(seg, "/");

        if (len == 0 || (len == 1 && seg[0] == '.'))
            ; /* "//" or "/./" */
        else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            while (used > 0 && out[used - 1] != '/')
                used--;
            if (used > 0)
                used--; /* the '/' before the removed segment */
        }
        else {
            out[used++] = '/';
            memcpy(out + used, seg, len);
            used += len;
        }
        seg += len;
        if (*seg == '/')
            seg++;
    }
    if (used == 0)
        out[used++] = '/';
    out[used] = '\0';
    free(joined);
    return out;
}

herr_t
carve_origin_location_lexical(const char *name, char **location)
{
    herr_t ret_value = 0;

    if (location == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1,
                         "carve_origin_location_lexical: no output pointer");
    *location = NULL;
    if (name == NULL || name[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin: the file name is empty");
    if (carve_origin_is_url(name))
        *location = duplicate_string(name);
    else
        *location = lexical_absolute(name);
    if (*location == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot make the path absolute: %s",
                         name, strerror(errno));

done:
    return ret_value;
}

herr_t
carve_origin_location_lenient(const char *name, char **location)
{
    const char *slash;
    char       *dir = NULL, *resolved_dir = NULL, *joined = NULL;
    size_t      n;
    herr_t      ret_value = 0;

    if (location == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1,
                         "carve_origin_location_lenient: no output pointer");
    *location = NULL;
    if (name == NULL || name[0] == '\0' || carve_origin_is_url(name) || access(name, F_OK) == 0)
        CARVE_GOTO_DONE(carve_origin_location(name, location));
    /* A missing file: its directory's canonical path and its own name. */
    slash = strrchr(name, '/');
    if (slash && slash[1] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin '%s': not a file name", name);
    n = slash ? (size_t)(slash - name) : 0;
    if (NULL == (dir = malloc(n + 2)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", name);
    if (slash && n == 0)
        strcpy(dir, "/");
    else if (slash) {
        memcpy(dir, name, n);
        dir[n] = '\0';
    }
    else
        strcpy(dir, ".");
    /* A directory that is gone too (renamed, unmounted, another machine): the name as the program spelled
     * it, made absolute and normalised lexically, is the best guess of where it was. */
    if ((resolved_dir = realpath(dir, NULL)) == NULL)
        CARVE_GOTO_DONE(carve_origin_location_lexical(name, location));
    n = strlen(resolved_dir) + strlen(slash ? slash + 1 : name) + 2;
    if (NULL == (joined = malloc(n)))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", name);
    snprintf(joined, n, "%s%s%s", resolved_dir, strcmp(resolved_dir, "/") == 0 ? "" : "/",
             slash ? slash + 1 : name);
    *location = joined;
    joined    = NULL;

done:
    free(dir);
    free(resolved_dir);
    free(joined);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Stamps: local                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

static void
stamp_reset(carve_stamp_t *stamp)
{
    memset(stamp, 0, sizeof *stamp);
    stamp->size = -1;
}

static herr_t
stamp_local(const char *path, carve_stamp_t *stamp)
{
    struct stat st;
    herr_t      ret_value = 0;

    if (stat(path, &st) != 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot stat the file: %s", path,
                         strerror(errno));
    if (!S_ISREG(st.st_mode))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin '%s': not a regular file", path);
    stamp->remote     = 0;
    stamp->size       = (int64_t)st.st_size;
    stamp->mtime_sec  = (int64_t)st.st_mtim.tv_sec;
    stamp->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Stamps: remote (libcurl HEAD)                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

/*
 * libcurl must be initialised once per process before the first handle, and curl_global_init is not
 * thread-safe in every libcurl version: pthread_once makes the one call safe when files are opened from
 * several threads. The once-control and the result it records are the only process-wide state of this
 * file; both are written once, inside the once routine, and only read afterwards. libcurl is never
 * cleaned up here: HDF5's ROS3 driver shares it, and the process exit releases it.
 */
static pthread_once_t curl_init_once   = PTHREAD_ONCE_INIT;
static CURLcode       curl_init_result = CURLE_FAILED_INIT;

static void
curl_init_routine(void)
{
    curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
carve_origin_global_init(void)
{
    pthread_once(&curl_init_once, curl_init_routine);
}

/* ------------------------------------------------------------------------------------------------------ */
/* ROS3 settings                                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

void
carve_origin_ros3_clear(carve_origin_ros3_t *settings)
{
    if (settings == NULL)
        return;
    if (settings->token) {
        wipe_secret(settings->token, strlen(settings->token));
        free(settings->token);
    }
    wipe_secret(&settings->fa, sizeof settings->fa);
    settings->token = NULL;
}

int
carve_origin_ros3_read(const char *url, hid_t fapl_id, carve_origin_ros3_t *settings)
{
    const char *name = url ? url : "(no name)";
    hid_t       driver;
    htri_t      is_fapl, has_token;
    size_t      token_size = H5FD_ROS3_MAX_SECRET_TOK_LEN + 1;
    int         ret_value  = 0;

    memset(settings, 0, sizeof *settings);
    if (fapl_id == H5P_DEFAULT)
        CARVE_GOTO_DONE(0);
    if ((is_fapl = H5Pisa_class(fapl_id, H5P_FILE_ACCESS)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1,
                         "origin '%s': the access property list is not valid", name);
    if (!is_fapl)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1,
                         "origin '%s': the property list given is not a file access list", name);
    if ((driver = H5Pget_driver(fapl_id)) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                         "origin '%s': cannot read the access list's driver", name);
    if (driver != H5FD_ROS3)
        CARVE_GOTO_DONE(0);
    if (H5Pget_fapl_ros3(fapl_id, &settings->fa) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "origin '%s': cannot read the ROS3 settings",
                         name);
    /* H5Pget_fapl_ros3_token reads an unset pointer when no token was ever set (HDF5 1.14.5): look first. */
    if ((has_token = H5Pexist(fapl_id, "ros3_token_prop")) < 0)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                         "origin '%s': cannot look for a ROS3 session token", name);
    if (has_token) {
        if ((settings->token = calloc(1, token_size)) == NULL)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", name);
        if (H5Pget_fapl_ros3_token(fapl_id, token_size, settings->token) < 0)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                             "origin '%s': cannot read the ROS3 session token", name);
        if (settings->token[0] == '\0') {
            free(settings->token);
            settings->token = NULL;
        }
    }
    ret_value = 1;

done:
    if (ret_value < 0)
        carve_origin_ros3_clear(settings);
    return ret_value;
}

/* The settings of an access list that matter for signing: sign only with a ROS3 list that authenticates. */
typedef struct sigv4_settings_t {
    bool                sign;
    carve_origin_ros3_t ros3;
} sigv4_settings_t;

static void
sigv4_settings_clear(sigv4_settings_t *settings)
{
    carve_origin_ros3_clear(&settings->ros3);
    settings->sign = false;
}

static herr_t
sigv4_settings_read(const char *url, hid_t fapl_id, sigv4_settings_t *settings)
{
    int is_ros3;

    settings->sign = false;
    if ((is_ros3 = carve_origin_ros3_read(url, fapl_id, &settings->ros3)) < 0)
        return -1;
    settings->sign = is_ros3 && settings->ros3.fa.authenticate;
    return 0;
}

/* What the header callback collects from one response. */
typedef struct head_response_t {
    int64_t content_length; /* -1: none */
    char   *etag;
    char   *last_modified;
    bool    out_of_memory;
} head_response_t;

static void
head_response_clear(head_response_t *resp)
{
    free(resp->etag);
    free(resp->last_modified);
    resp->etag           = NULL;
    resp->last_modified  = NULL;
    resp->content_length = -1;
}

static bool
is_header_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* If `line` (length len, not NUL-terminated) is the header `name`, returns its trimmed value (malloc'ed;
 * *matched = true). NULL with *matched = true means out of memory. */
static char *
header_value(const char *line, size_t len, const char *name, bool *matched)
{
    size_t name_len = strlen(name);
    size_t start, end;
    char  *value;

    *matched = false;
    if (len <= name_len || line[name_len] != ':' || strncasecmp(line, name, name_len) != 0)
        return NULL;
    *matched = true;
    start    = name_len + 1;
    end      = len;
    while (start < end && is_header_space(line[start]))
        start++;
    while (end > start && is_header_space(line[end - 1]))
        end--;
    if ((value = malloc(end - start + 1)) == NULL)
        return NULL;
    memcpy(value, line + start, end - start);
    value[end - start] = '\0';
    return value;
}

/* Parses a Content-Length value: decimal digits only; -1 when malformed. */
static int64_t
parse_content_length(const char *value)
{
    int64_t n = 0;

    if (*value == '\0')
        return -1;
    for (; *value; value++) {
        if (*value < '0' || *value > '9' || n > (INT64_MAX - 9) / 10)
            return -1;
        n = n * 10 + (*value - '0');
    }
    return n;
}

/* CURLOPT_HEADERFUNCTION: one header line per call, the status line included. */
static size_t
collect_head_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
    head_response_t *resp = userdata;
    size_t           len  = size * nitems;
    bool             matched;
    char            *value;

    /* A new status line (after an interim 1xx response) starts a new set of headers. */
    if (len >= 5 && strncmp(buffer, "HTTP/", 5) == 0) {
        head_response_clear(resp);
        return len;
    }
    if ((value = header_value(buffer, len, "ETag", &matched)) != NULL || matched) {
        free(resp->etag);
        resp->etag = value;
    }
    else if ((value = header_value(buffer, len, "Last-Modified", &matched)) != NULL || matched) {
        free(resp->last_modified);
        resp->last_modified = value;
    }
    else if ((value = header_value(buffer, len, "Content-Length", &matched)) != NULL || matched) {
        if (value)
            resp->content_length = parse_content_length(value);
        free(value);
    }
    if (matched && value == NULL) {
        resp->out_of_memory = true;
        return 0; /* aborts the transfer */
    }
    return len;
}

/* The host of a URL as it goes into a Host header without the port (as ROS3 sends and signs it).
 * Caller frees with curl_free. */
static herr_t
url_host(const char *url, char **host)
{
    CURLU    *parsed = NULL;
    CURLUcode rc;
    herr_t    ret_value = 0;

    *host = NULL;
    if ((parsed = curl_url()) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", url);
    if ((rc = curl_url_set(parsed, CURLUPART_URL, url, 0)) != CURLUE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin '%s': not a valid URL: %s", url,
                         curl_url_strerror(rc));
    if ((rc = curl_url_get(parsed, CURLUPART_HOST, host, 0)) != CURLUE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin '%s': the URL has no host: %s", url,
                         curl_url_strerror(rc));

done:
    curl_url_cleanup(parsed);
    return ret_value;
}

static bool
is_valid_region(const char *region)
{
    if (region[0] == '\0')
        return false;
    for (; *region; region++)
        if (!((*region >= 'a' && *region <= 'z') || (*region >= 'A' && *region <= 'Z') ||
              (*region >= '0' && *region <= '9') || *region == '-' || *region == '_'))
            return false;
    return true;
}

/*
 * Adds AWS SigV4 signing to a HEAD request, the way ROS3 signs its own requests. libcurl's
 * CURLOPT_AWS_SIGV4 signs every header set with CURLOPT_HTTPHEADER, so the request carries, and signs:
 *   - Host without the port, as ROS3 sends it. libcurl 7.86 and later sign the Host they send, but older
 *     ones (7.75..7.85) sign the bare host name while sending host:port; setting Host ourselves makes the
 *     signed and the sent value one string with every version;
 *   - x-amz-content-sha256, the hash of the empty body: S3 requires it and libcurl before 8.1 does not
 *     add it (without it the test server answers 400 InvalidRequest);
 *   - with temporary credentials, x-amz-security-token.
 */
static herr_t
sigv4_prepare(CURL *curl, const char *url, const sigv4_settings_t *settings, struct curl_slist **headers,
              char **provider)
{
    char              *host = NULL;
    char              *line = NULL;
    struct curl_slist *appended;
    herr_t             ret_value = 0;

#if LIBCURL_VERSION_NUM < 0x074b00
    (void)curl;
    (void)settings;
    (void)headers;
    (void)provider;
    (void)appended;
    CARVE_GOTO_ERROR(
        CARVE_E_ORIGIN, CARVE_E_UNSUPPORTED, -1,
        "origin '%s': this libcurl (%s) cannot sign requests with AWS SigV4 (needs 7.75 or later)", url,
        LIBCURL_VERSION);
#else
    if (!is_valid_region(settings->ros3.fa.aws_region))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1,
                         "origin '%s': the ROS3 region '%s' is not a valid AWS region name", url,
                         settings->ros3.fa.aws_region);
    if (url_host(url, &host) < 0)
        CARVE_GOTO_DONE(-1);
    if ((line = format_string("Host: %s", host)) == NULL ||
        (appended = curl_slist_append(*headers, line)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", url);
    *headers = appended;
    if ((appended = curl_slist_append(*headers, "x-amz-content-sha256: " EMPTY_PAYLOAD_SHA256)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", url);
    *headers = appended;
    if (settings->ros3.token) {
        free(line);
        if ((line = format_string("x-amz-security-token: %s", settings->ros3.token)) == NULL ||
            (appended = curl_slist_append(*headers, line)) == NULL)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", url);
        *headers = appended;
    }
    if ((*provider = format_string("aws:amz:%s:s3", settings->ros3.fa.aws_region)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", url);
    /* Username and password separately: an access key id with a ':' would split CURLOPT_USERPWD wrongly. */
    if (curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, *provider) != CURLE_OK ||
        curl_easy_setopt(curl, CURLOPT_USERNAME, settings->ros3.fa.secret_id) != CURLE_OK ||
        curl_easy_setopt(curl, CURLOPT_PASSWORD, settings->ros3.fa.secret_key) != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1,
                         "origin '%s': libcurl refused the SigV4 settings", url);
#endif

done:
    if (line) {
        wipe_secret(line, strlen(line)); /* may hold the session token */
        free(line);
    }
    curl_free(host);
    return ret_value;
}

/* Counts a probe's body (carve_origin_check_ranges); stops the transfer past the one byte asked for. */
static size_t
count_probe_body(char *data, size_t size, size_t nitems, void *userdata)
{
    size_t *received = userdata;

    (void)data;
    *received += size * nitems;
    return *received > 1 ? 0 : size * nitems;
}

/* A libcurl handle set up for requests to one origin: HTTP(S) only, no redirects, no signals, carve's user
 * agent, bounded connect time, and AWS SigV4 signing when the access list carries ROS3 credentials. One
 * session serves several requests (the connection is kept alive between them). */
typedef struct remote_session_t {
    const char        *url;
    CURL              *curl;
    struct curl_slist *headers;
    char              *provider;
    sigv4_settings_t   sigv4; /* read by remote_session_open; unset in carve_origin_fetch's pool (shared) */
    char               errbuf[CURL_ERROR_SIZE];
} remote_session_t;

static void
remote_session_close(remote_session_t *s)
{
    if (s->curl) {
        /* Drop the credentials from the handle before it is freed (libcurl keeps copies of them). */
        curl_easy_setopt(s->curl, CURLOPT_USERNAME, "");
        curl_easy_setopt(s->curl, CURLOPT_PASSWORD, "");
        curl_easy_cleanup(s->curl);
    }
    curl_slist_free_all(s->headers); /* after the handle: it points at the list */
    free(s->provider);
    sigv4_settings_clear(&s->sigv4);
    s->curl     = NULL;
    s->headers  = NULL;
    s->provider = NULL;
}

/* Sets up s's handle for requests to url, signed with `sigv4` when it says so: s->sigv4 (remote_session_open),
 * or settings the caller read once for several sessions (carve_origin_fetch's pool: libcurl copies what
 * it keeps, so they need only live through this call). On failure s is closed. */
static herr_t
remote_session_setup(remote_session_t *s, const char *url, const sigv4_settings_t *sigv4)
{
    herr_t ret_value = 0;

    s->url = url;
    pthread_once(&curl_init_once, curl_init_routine);
    if (curl_init_result != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': libcurl failed to initialise: %s",
                         url, curl_easy_strerror(curl_init_result));
    if ((s->curl = curl_easy_init()) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot create a libcurl handle",
                         url);
    if (curl_easy_setopt(s->curl, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf) != CURLE_OK ||
        curl_easy_setopt(s->curl, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
        curl_easy_setopt(s->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1) != CURLE_OK ||
        curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT,
                         head_timeout_g < HEAD_CONNECT_TIMEOUT_S ? head_timeout_g : HEAD_CONNECT_TIMEOUT_S) !=
            CURLE_OK ||
        /* No SIGALRM for resolver timeouts: the program may be multi-threaded. */
        curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "carve/" CARVE_VERSION_STRING) != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot set up a request: %s", url,
                         s->errbuf[0] ? s->errbuf : "libcurl refused an option");
#if LIBCURL_VERSION_NUM >= 0x075500
    if (curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1,
                         "origin '%s': cannot restrict libcurl to HTTP(S)", url);
#endif
    if (sigv4->sign) {
        if (sigv4_prepare(s->curl, url, sigv4, &s->headers, &s->provider) < 0)
            CARVE_GOTO_DONE(-1);
        if (curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, s->headers) != CURLE_OK)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1,
                             "origin '%s': cannot set the request headers", url);
    }

done:
    if (ret_value < 0)
        remote_session_close(s);
    return ret_value;
}

static herr_t
remote_session_open(remote_session_t *s, const char *url, hid_t fapl_id)
{
    memset(s, 0, sizeof *s);
    if (sigv4_settings_read(url, fapl_id, &s->sigv4) < 0)
        return -1;
    return remote_session_setup(s, url, &s->sigv4);
}

/* One request carve makes itself: the stamp's HEAD, or (probe) a GET of the object's first byte that must
 * be answered 206 with exactly that byte. */
static herr_t
remote_request(const char *url, hid_t fapl_id, int probe, carve_stamp_t *stamp)
{
    remote_session_t s;
    head_response_t  response = {.content_length = -1};
    CURLcode         rc;
    long             status    = 0;
    size_t           received  = 0;
    const char      *method    = probe ? "GET" : "HEAD";
    herr_t           ret_value = 0;

    if (remote_session_open(&s, url, fapl_id) < 0)
        return -1;
    if (curl_easy_setopt(s.curl, CURLOPT_NOBODY, 1L) != CURLE_OK ||
        curl_easy_setopt(s.curl, CURLOPT_TIMEOUT, head_timeout_g) != CURLE_OK ||
        curl_easy_setopt(s.curl, CURLOPT_HEADERFUNCTION, collect_head_header) != CURLE_OK ||
        curl_easy_setopt(s.curl, CURLOPT_HEADERDATA, &response) != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot set up the %s request: %s",
                         url, method, s.errbuf[0] ? s.errbuf : "libcurl refused an option");
    if (probe && (curl_easy_setopt(s.curl, CURLOPT_NOBODY, 0L) != CURLE_OK ||
                  curl_easy_setopt(s.curl, CURLOPT_RANGE, "0-0") != CURLE_OK ||
                  curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, count_probe_body) != CURLE_OK ||
                  curl_easy_setopt(s.curl, CURLOPT_WRITEDATA, &received) != CURLE_OK))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot set up a ranged request",
                         url);

    rc = curl_easy_perform(s.curl);
    if (probe && received > 1)
        CARVE_GOTO_ERROR(
            CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
            "GET %s with Range bytes=0-0 was answered with more than the byte asked for: the server "
            "does not honour byte ranges, and HDF5's ROS3 driver would write past its buffer reading "
            "it again",
            url);
    if (response.out_of_memory)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "%s %s: out of memory reading the response",
                         method, url);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1,
                         "%s %s timed out after %ld s (the timeout setting): %s", method, url, head_timeout_g,
                         s.errbuf[0] ? s.errbuf : curl_easy_strerror(rc));
    if (rc != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "%s %s failed: %s", method, url,
                         s.errbuf[0] ? s.errbuf : curl_easy_strerror(rc));
    if (curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "%s %s: no HTTP status", method, url);
    if (status >= 400)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "%s %s returned HTTP %ld%s", method, url, status,
                         status == 403 ? " (access denied: check the ROS3 credentials)" : "");
    /* Redirects are not followed (ROS3 does not follow them either): a 3xx would stamp the redirect. */
    if (status < 200 || status >= 300)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "%s %s returned HTTP %ld, not a success", method,
                         url, status);
    if (probe) {
        if (status != 206 || received != 1)
            CARVE_GOTO_ERROR(
                CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1,
                "GET %s with Range bytes=0-0 returned HTTP %ld and %zu bytes, not 206 and the one byte: "
                "the server does not honour byte ranges, which HDF5's ROS3 driver relies on",
                url, status, received);
        CARVE_GOTO_DONE(0);
    }

    stamp->remote          = 1;
    stamp->size            = response.content_length;
    stamp->etag            = response.etag;
    stamp->last_modified   = response.last_modified;
    response.etag          = NULL;
    response.last_modified = NULL;

done:
    head_response_clear(&response);
    remote_session_close(&s);
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Validated range reads (carve_origin_fetch)                                                              */
/* ------------------------------------------------------------------------------------------------------ */

/* Ranges closer than this are fetched by one request (the gap's bytes are read and dropped), up to
 * FETCH_GROUP_MAX bytes per request: fewer round trips, as h5coro coalesces its reads. */
#define FETCH_GAP_MAX   ((uint64_t)64 * 1024)
#define FETCH_GROUP_MAX ((uint64_t)16 * 1024 * 1024)
/* A request's total time: the timeout setting plus one second per FETCH_MIN_RATE bytes. */
#define FETCH_MIN_RATE ((uint64_t)256 * 1024)
/* Requests in flight at once (carve_origin_set_parallel): by default 8, as many as a read's missing chunks
 * usually need to hide the latency of an object store; at most 64 (connections to one server). */
#define FETCH_PARALLEL_DEFAULT CARVE_ORIGIN_PARALLEL_DEFAULT
#define FETCH_PARALLEL_MAX     CARVE_ORIGIN_PARALLEL_MAX
/* The longest wait for a socket before libcurl is asked again (its own timeouts end a wait earlier). */
#define FETCH_POLL_MS 1000

/* The requests carve_origin_fetch keeps in flight; set process-wide like the timeout. */
static int fetch_parallel_g = FETCH_PARALLEL_DEFAULT;

void
carve_origin_set_parallel(int requests)
{
    if (requests <= 0)
        requests = FETCH_PARALLEL_DEFAULT;
    fetch_parallel_g = requests < FETCH_PARALLEL_MAX ? requests : FETCH_PARALLEL_MAX;
}

/* The connections kept for one URL (carve_origin_conn_open). libcurl keeps a finished request's connection
 * in its multi handle's cache, for the next request to the same server: kept, the multi handle keeps them
 * from one carve_origin_fetch call to the next. */
struct carve_origin_conn_t {
    char                       *url;
    unsigned                    opens; /* carve_origin_conn_open calls not yet closed */
    CURLM                      *multi;
    bool                        busy;   /* a carve_origin_fetch is using multi */
    bool                        closed; /* out of the list: the fetch using it frees it */
    struct carve_origin_conn_t *next;
};

/* Every URL with connections kept, and the lock of the list and of each entry's opens and busy: the
 * program may open files, hence origins, from several threads. */
static pthread_mutex_t      conn_lock_g = PTHREAD_MUTEX_INITIALIZER;
static carve_origin_conn_t *conn_list_g = NULL;

/* A multi handle for carve_origin_fetch's requests: its cache holds as many idle connections as requests
 * can be in flight, so none that a later call could reuse is closed for want of room. */
static CURLM *
fetch_multi_new(void)
{
    CURLM *multi = curl_multi_init();

    if (multi && curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)FETCH_PARALLEL_MAX) != CURLM_OK) {
        curl_multi_cleanup(multi);
        multi = NULL;
    }
    return multi;
}

/* The entry of url in the list, or NULL; under conn_lock_g. */
static carve_origin_conn_t *
conn_find(const char *url)
{
    carve_origin_conn_t *conn = conn_list_g;

    while (conn && strcmp(conn->url, url) != 0)
        conn = conn->next;
    return conn;
}

carve_origin_conn_t *
carve_origin_conn_open(const char *url)
{
    carve_origin_conn_t *fresh     = NULL, *found;
    carve_origin_conn_t *ret_value = NULL;

    if (url == NULL || !carve_origin_is_url(url))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, NULL,
                         "origin '%s': not a URL, no connections to keep", url ? url : "(null)");
    pthread_once(&curl_init_once, curl_init_routine);
    if (curl_init_result != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, NULL,
                         "origin '%s': libcurl failed to initialise: %s", url,
                         curl_easy_strerror(curl_init_result));
    /* Made before the lock is taken (dropped when the URL turns out to have its entry already), so that
     * two threads opening one URL at once share one entry. */
    if ((fresh = calloc(1, sizeof *fresh)) == NULL || (fresh->url = duplicate_string(url)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, NULL, "origin '%s': out of memory", url);
    if ((fresh->multi = fetch_multi_new()) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, NULL,
                         "origin '%s': cannot create a libcurl multi handle", url);
    pthread_mutex_lock(&conn_lock_g);
    if ((found = conn_find(url)) != NULL)
        found->opens++;
    else {
        fresh->opens = 1;
        fresh->next  = conn_list_g;
        conn_list_g  = fresh;
        found        = fresh;
        fresh        = NULL;
    }
    pthread_mutex_unlock(&conn_lock_g);
    ret_value = found;

done:
    if (fresh) {
        if (fresh->multi)
            curl_multi_cleanup(fresh->multi);
        free(fresh->url);
        free(fresh);
    }
    return ret_value;
}

/* Closes the connections and frees what conn holds. */
static void
conn_free(carve_origin_conn_t *conn)
{
    curl_multi_cleanup(conn->multi);
    free(conn->url);
    free(conn);
}

void
carve_origin_conn_close(carve_origin_conn_t *conn)
{
    bool free_now = false;

    if (conn == NULL)
        return;
    pthread_mutex_lock(&conn_lock_g);
    if (--conn->opens == 0) {
        for (carve_origin_conn_t **p = &conn_list_g; *p; p = &(*p)->next)
            if (*p == conn) {
                *p = conn->next;
                break;
            }
        /* A fetch of another thread still running on it frees it when it ends (fetch_conn_release). */
        conn->closed = true;
        free_now     = !conn->busy;
    }
    pthread_mutex_unlock(&conn_lock_g);
    if (free_now)
        conn_free(conn);
}

/* The multi handle kept for url, taken for one carve_origin_fetch call; NULL when there is none or another
 * call is using it. */
static carve_origin_conn_t *
fetch_conn_take(const char *url)
{
    carve_origin_conn_t *conn;

    pthread_mutex_lock(&conn_lock_g);
    conn = conn_find(url);
    if (conn && conn->busy)
        conn = NULL;
    if (conn)
        conn->busy = true;
    pthread_mutex_unlock(&conn_lock_g);
    return conn;
}

/* Gives back what fetch_conn_take took (its connections stay), or frees it when it was closed meanwhile. */
static void
fetch_conn_release(carve_origin_conn_t *conn)
{
    bool closed;

    pthread_mutex_lock(&conn_lock_g);
    conn->busy = false;
    closed     = conn->closed;
    pthread_mutex_unlock(&conn_lock_g);
    if (closed)
        conn_free(conn);
}

/* One request's response: its Content-Range, and the body scattered into the ranges it covers. */
typedef struct fetch_group_t {
    carve_origin_range_t *ranges;           /* sorted by offset */
    size_t                first, end;       /* ranges[first, end) are in this request */
    uint64_t              start, stop;      /* bytes [start, stop) asked for */
    uint64_t              received;         /* body bytes so far */
    size_t                at;               /* the range the next body byte may belong to */
    int64_t               cr_start, cr_end; /* Content-Range's first and last byte; -1: none */
    int                   overflow;         /* the server sent more than was asked for */
} fetch_group_t;

static size_t
fetch_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
    fetch_group_t *g   = userdata;
    size_t         len = size * nitems;
    bool           matched;
    char          *value = header_value(buffer, len, "Content-Range", &matched);

    if (matched && value) {
        unsigned long long a, b;

        if (sscanf(value, "bytes %llu-%llu", &a, &b) == 2) {
            g->cr_start = (int64_t)a;
            g->cr_end   = (int64_t)b;
        }
    }
    free(value);
    return matched && !value ? 0 : len; /* out of memory: abort the transfer */
}

/* Scatters body bytes into the ranges of the group; stops the transfer when the server sends more than
 * was asked for. */
static size_t
fetch_body(char *data, size_t size, size_t nitems, void *userdata)
{
    fetch_group_t *g   = userdata;
    size_t         len = size * nitems;
    uint64_t       pos = g->start + g->received; /* file offset of data[0] */

    if (g->received + len > g->stop - g->start) {
        g->overflow = 1;
        return 0; /* more than asked for: not a range answer */
    }
    for (size_t i = g->at; i < g->end && len > 0; i++) {
        carve_origin_range_t *r = &g->ranges[i];
        uint64_t              lo, hi;

        if (r->offset + r->size <= pos) {
            if (i == g->at) /* only past a prefix of finished ranges: an earlier, longer one may overlap */
                g->at = i + 1;
            continue;
        }
        if (r->offset >= pos + len)
            break;
        lo = r->offset > pos ? r->offset : pos;
        hi = r->offset + r->size < pos + len ? r->offset + r->size : pos + len;
        memcpy((char *)r->buf + (lo - r->offset), data + (lo - pos), (size_t)(hi - lo));
    }
    g->received += len;
    return len;
}

static int
fetch_compare_offsets(const void *a, const void *b)
{
    const carve_origin_range_t *x = a, *y = b;

    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sets up s's handle for g's request (one range of bytes, the whole group) and resets what the callbacks
 * collect. false when libcurl refuses an option. */
static bool
fetch_prepare(remote_session_t *s, fetch_group_t *g)
{
    char range[64];

    snprintf(range, sizeof range, "%llu-%llu", (unsigned long long)g->start,
             (unsigned long long)(g->stop - 1));
    g->received = 0;
    g->at       = g->first;
    g->cr_start = g->cr_end = -1;
    g->overflow             = 0;
    s->errbuf[0]            = '\0';
    return curl_easy_setopt(s->curl, CURLOPT_RANGE, range) == CURLE_OK &&
           curl_easy_setopt(s->curl, CURLOPT_TIMEOUT,
                            (long)(head_timeout_g + (long)((g->stop - g->start) / FETCH_MIN_RATE))) ==
               CURLE_OK &&
           curl_easy_setopt(s->curl, CURLOPT_HEADERDATA, g) == CURLE_OK &&
           curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, g) == CURLE_OK;
}

/* Judges g's finished request (rc: the transfer's result): true, and every range of the group marked ok,
 * when the answer is exactly the bytes asked for (206, the Content-Range asked for, the body's length);
 * else the group's ranges carry the reason. `failure`, when not NULL, is a reason found before the
 * transfer could run (rc is then not looked at). */
static bool
fetch_judge(remote_session_t *s, fetch_group_t *g, CURLcode rc, const char *failure)
{
    char why[sizeof g->ranges->why];
    long status = 0;

    why[0] = '\0';
    if (failure)
        snprintf(why, sizeof why, "%s", failure);
    else if (rc == CURLE_WRITE_ERROR && g->overflow)
        snprintf(why, sizeof why, "the server sent more bytes than the range asked for");
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(why, sizeof why, "timed out after %ld s (the timeout setting)", head_timeout_g);
    else if (rc != CURLE_OK)
        snprintf(why, sizeof why, "%.*s", (int)sizeof why - 1,
                 s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
    else if (curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 206)
        snprintf(why, sizeof why, "HTTP %ld, not 206 (a byte range)", status);
    else if (g->cr_start != (int64_t)g->start || g->cr_end != (int64_t)(g->stop - 1))
        snprintf(why, sizeof why, "Content-Range %lld-%lld, not the bytes %llu-%llu asked for",
                 (long long)g->cr_start, (long long)g->cr_end, (unsigned long long)g->start,
                 (unsigned long long)(g->stop - 1));
    else if (g->received != g->stop - g->start)
        snprintf(why, sizeof why, "a short body: %llu of %llu bytes", (unsigned long long)g->received,
                 (unsigned long long)(g->stop - g->start));
    for (size_t i = g->first; i < g->end; i++) {
        g->ranges[i].ok = why[0] == '\0';
        memcpy(g->ranges[i].why, why, sizeof why);
    }
    return why[0] == '\0';
}

/* The next group of sorted ranges from ranges[*next]: neighbours less than FETCH_GAP_MAX apart, or
 * overlapping, up to FETCH_GROUP_MAX bytes. Groups with nothing to read (empty ranges) are marked ok and
 * skipped. false when no ranges are left. */
static bool
fetch_plan_group(carve_origin_range_t *ranges, size_t n, size_t *next, fetch_group_t *g)
{
    while (*next < n) {
        size_t i = *next;

        memset(g, 0, sizeof *g);
        g->ranges = ranges;
        g->first  = i;
        g->start  = ranges[i].offset;
        g->stop   = ranges[i].offset + ranges[i].size;
        for (g->end = i + 1; g->end < n; g->end++) {
            const carve_origin_range_t *r = &ranges[g->end];

            /* Overlapping ranges (element boxes of overlapping selections) share the request too. */
            if ((r->offset > g->stop && r->offset - g->stop > FETCH_GAP_MAX) ||
                r->offset + r->size - g->start > FETCH_GROUP_MAX)
                break;
            if (r->offset + r->size > g->stop)
                g->stop = r->offset + r->size;
        }
        *next = g->end;
        if (g->stop > g->start)
            return true;
        for (size_t k = g->first; k < g->end; k++)
            ranges[k].ok = 1; /* nothing to read */
    }
    return false;
}

/* One request slot of carve_origin_fetch: a handle of its own, which signs each of its requests itself
 * (libcurl's SigV4 at the time the request is sent), and the group it is reading. The connections belong
 * to the batch's multi handle, so a slot's next request reuses whichever one is free (and, when the URL's
 * connections are kept, so does the next call's). */
typedef struct fetch_slot_t {
    remote_session_t session;
    fetch_group_t    group;
    int              attempt; /* 0: the first request of the group, 1: the retry */
    bool             busy;    /* its handle is in the multi handle */
} fetch_slot_t;

/* One call of carve_origin_fetch: the ranges, the groups not yet started, and the slots in flight. */
typedef struct fetch_batch_t {
    const char           *url;
    carve_origin_range_t *ranges;
    size_t                n;
    size_t                next; /* the first range no group has taken yet */
    CURLM                *multi;
    carve_origin_conn_t  *kept;  /* the URL's kept connections whose multi handle this is, or NULL */
    sigv4_settings_t      sigv4; /* read once, for every slot's handle */
    fetch_slot_t         *slots;
    size_t                capacity; /* slots allocated: the parallel setting */
    size_t                opened;   /* slots whose handle is set up: slots[0, opened) */
    size_t                busy;     /* slots in flight */
    size_t               *requests;
} fetch_batch_t;

/* Starts slot's group (its current attempt), or judges it failed when the request cannot start; a failed
 * first attempt is tried once more (a one-off bad answer, a reset connection, should not cost the data).
 * The slot is busy afterwards only when a request is in flight. */
static void
fetch_start(fetch_batch_t *b, fetch_slot_t *slot)
{
    for (; slot->attempt < 2; slot->attempt++) {
        const char *failure = NULL;
        CURLMcode   mc;

        if (b->requests)
            (*b->requests)++;
        if (!fetch_prepare(&slot->session, &slot->group))
            failure = "libcurl refused the request's options";
        else if ((mc = curl_multi_add_handle(b->multi, slot->session.curl)) != CURLM_OK)
            failure = curl_multi_strerror(mc);
        else {
            slot->busy = true;
            b->busy++;
            return;
        }
        fetch_judge(&slot->session, &slot->group, CURLE_OK, failure);
    }
}

/* Sets up the handle of the batch's next slot (slots[opened]) for ranged requests. */
static herr_t
fetch_slot_open(fetch_batch_t *b)
{
    fetch_slot_t *slot      = &b->slots[b->opened];
    herr_t        ret_value = 0;

    if (remote_session_setup(&slot->session, b->url, &b->sigv4) < 0)
        CARVE_GOTO_DONE(-1);
    if (curl_easy_setopt(slot->session.curl, CURLOPT_PRIVATE, (void *)slot) != CURLE_OK ||
        curl_easy_setopt(slot->session.curl, CURLOPT_HEADERFUNCTION, fetch_header) != CURLE_OK ||
        curl_easy_setopt(slot->session.curl, CURLOPT_WRITEFUNCTION, fetch_body) != CURLE_OK)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': cannot set up ranged requests",
                         b->url);
    b->opened++;

done:
    if (ret_value < 0)
        remote_session_close(&slot->session);
    return ret_value;
}

/* A free slot with its handle set up (opening one more while below the parallel setting), or NULL. A
 * handle that cannot be set up only lowers the parallelism (the first one was opened before any request,
 * so at least one works). */
static fetch_slot_t *
fetch_free_slot(fetch_batch_t *b)
{
    herr_t opened = -1;

    for (size_t i = 0; i < b->opened; i++)
        if (!b->slots[i].busy)
            return &b->slots[i];
    if (b->opened == b->capacity)
        return NULL;
    CARVE_TRY_IGNORED(opened = fetch_slot_open(b));
    if (opened < 0) {
        b->capacity = b->opened;
        return NULL;
    }
    return &b->slots[b->opened - 1];
}

/* Starts groups while slots are free. */
static void
fetch_fill(fetch_batch_t *b)
{
    fetch_slot_t *slot;

    while (b->next < b->n && (slot = fetch_free_slot(b)) != NULL) {
        if (!fetch_plan_group(b->ranges, b->n, &b->next, &slot->group))
            return;
        slot->attempt = 0;
        fetch_start(b, slot);
    }
}

/* Judges the requests that finished; a group that failed its first request is started again. */
static void
fetch_collect(fetch_batch_t *b)
{
    CURLMsg *msg;
    int      left;

    while ((msg = curl_multi_info_read(b->multi, &left)) != NULL) {
        fetch_slot_t *slot;
        char         *slot_data = NULL;
        CURLcode      rc        = msg->data.result;

        if (msg->msg != CURLMSG_DONE)
            continue;
        if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot_data) != CURLE_OK || !slot_data)
            continue; /* every handle of the batch has its slot: cannot happen */
        slot = (fetch_slot_t *)(void *)slot_data;
        curl_multi_remove_handle(b->multi, slot->session.curl);
        slot->busy = false;
        b->busy--;
        if (!fetch_judge(&slot->session, &slot->group, rc, NULL) && slot->attempt == 0) {
            slot->attempt = 1;
            fetch_start(b, slot);
        }
    }
}

/* Waits until a transfer's socket is ready or libcurl's next timeout (at most FETCH_POLL_MS). */
static CURLMcode
fetch_wait(CURLM *multi)
{
#if LIBCURL_VERSION_NUM >= 0x074200
    return curl_multi_poll(multi, NULL, 0, FETCH_POLL_MS, NULL);
#else
    return curl_multi_wait(multi, NULL, 0, FETCH_POLL_MS, NULL);
#endif
}

/* libcurl's multi interface failed as a whole: every range not yet read says so. */
static void
fetch_abandon(fetch_batch_t *b, CURLMcode mc)
{
    char why[sizeof b->ranges->why];

    snprintf(why, sizeof why, "libcurl failed: %s", curl_multi_strerror(mc));
    for (size_t i = 0; i < b->opened; i++) {
        fetch_slot_t *slot = &b->slots[i];

        if (!slot->busy)
            continue;
        curl_multi_remove_handle(b->multi, slot->session.curl);
        slot->busy = false;
        fetch_judge(&slot->session, &slot->group, CURLE_OK, why);
    }
    b->busy = 0;
    for (size_t i = b->next; i < b->n; i++)
        memcpy(b->ranges[i].why, why, sizeof why);
    b->next = b->n;
}

herr_t
carve_origin_fetch(const char *url, hid_t fapl_id, carve_origin_range_t *ranges, size_t n, size_t *requests)
{
    fetch_batch_t b;
    herr_t        ret_value = 0;

    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < n; i++) {
        ranges[i].ok     = 0;
        ranges[i].why[0] = '\0';
    }
    if (n == 0)
        return 0;
    b.url      = url;
    b.ranges   = ranges;
    b.n        = n;
    b.requests = requests;
    b.capacity = (size_t)fetch_parallel_g < n ? (size_t)fetch_parallel_g : n; /* no more slots than ranges */
    if (sigv4_settings_read(url, fapl_id, &b.sigv4) < 0)
        CARVE_GOTO_DONE(-1);
    if ((b.slots = calloc(b.capacity, sizeof *b.slots)) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", url);
    /* The first handle before any request (it initialises libcurl): when even one cannot be set up, no
     * request can be made. */
    if (fetch_slot_open(&b) < 0)
        CARVE_GOTO_DONE(-1);
    /* The connections kept for the URL, if it has them and no other call is using them; else this call's
     * own, closed at its end. */
    if ((b.kept = fetch_conn_take(url)) != NULL)
        b.multi = b.kept->multi;
    else if ((b.multi = fetch_multi_new()) == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1,
                         "origin '%s': cannot create a libcurl multi handle", url);
    qsort(ranges, n, sizeof *ranges, fetch_compare_offsets);
    for (int running = 0;;) {
        CURLMcode mc;

        fetch_fill(&b); /* before any wait: a slot freed by the last collect starts its next group now */
        if (b.busy == 0)
            break;
        /* Waits for the sockets (or libcurl's next timeout) only when every request in the multi handle is
         * running already: one just added (a new group, a retry) is started by the perform without waiting. */
        if ((size_t)running == b.busy && (mc = fetch_wait(b.multi)) != CURLM_OK) {
            fetch_abandon(&b, mc);
            break;
        }
        if ((mc = curl_multi_perform(b.multi, &running)) != CURLM_OK) {
            fetch_abandon(&b, mc);
            break;
        }
        fetch_collect(&b);
    }

done:
    for (size_t i = 0; i < b.opened; i++) {
        if (b.slots[i].busy)
            curl_multi_remove_handle(b.multi, b.slots[i].session.curl);
        remote_session_close(&b.slots[i].session);
    }
    if (b.kept)
        fetch_conn_release(b.kept); /* the connections stay for the next call */
    else if (b.multi)
        curl_multi_cleanup(b.multi); /* after the handles are removed: closes the connections */
    free(b.slots);
    sigv4_settings_clear(&b.sigv4);
    return ret_value;
}

/* *stamp is overwritten without being freed (an output); it is reset on failure, so the caller may
 * always carve_stamp_clear it. */
herr_t
carve_origin_check_ranges(const char *url, hid_t fapl_id)
{
    carve_stamp_t unused;
    herr_t        ret_value;

    stamp_reset(&unused);
    ret_value = remote_request(url, fapl_id, 1, &unused);
    carve_stamp_clear(&unused);
    return ret_value;
}

herr_t
carve_origin_use_ros3(hid_t fapl_id, const char *url)
{
    H5FD_ros3_fapl_t fa;
    const char      *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    const char      *region = getenv("AWS_REGION"), *token = getenv("AWS_SESSION_TOKEN");
    herr_t           ret_value = 0;

    if (H5Pget_driver(fapl_id) == H5FD_ROS3)
        CARVE_GOTO_DONE(0);
    memset(&fa, 0, sizeof fa);
    fa.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
    if (id && secret && region && *id && *secret && *region) {
        fa.authenticate = 1;
        snprintf(fa.aws_region, sizeof fa.aws_region, "%s", region);
        snprintf(fa.secret_id, sizeof fa.secret_id, "%s", id);
        snprintf(fa.secret_key, sizeof fa.secret_key, "%s", secret);
    }
    if (H5Pset_fapl_ros3(fapl_id, &fa) < 0 ||
        (fa.authenticate && token && *token && H5Pset_fapl_ros3_token(fapl_id, token) < 0))
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_UNDERLYING, -1, "cannot set up the ROS3 driver to read %s",
                         url);

done:
    return ret_value;
}

herr_t
carve_origin_stamp(const char *location, hid_t fapl_id, carve_stamp_t *stamp)
{
    carve_stamp_t measured;
    herr_t        ret_value = 0;

    stamp_reset(&measured);
    if (stamp == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "carve_origin_stamp: no output stamp");
    stamp_reset(stamp);
    if (location == NULL || location[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin: the location is empty");
    if (carve_origin_is_url(location)) {
        if (remote_request(location, fapl_id, 0, &measured) < 0)
            CARVE_GOTO_DONE(-1);
    }
    else if (stamp_local(location, &measured) < 0)
        CARVE_GOTO_DONE(-1);
    *stamp = measured;
    stamp_reset(&measured);

done:
    carve_stamp_clear(&measured);
    return ret_value;
}

void
carve_stamp_clear(carve_stamp_t *stamp)
{
    if (stamp == NULL)
        return;
    free(stamp->etag);
    free(stamp->last_modified);
    stamp_reset(stamp);
}

herr_t
carve_stamp_copy(carve_stamp_t *dst, const carve_stamp_t *src)
{
    carve_stamp_t copy;
    herr_t        ret_value = 0;

    if (dst == NULL || src == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "carve_stamp_copy: NULL stamp");
    copy               = *src;
    copy.etag          = NULL;
    copy.last_modified = NULL;
    if ((src->etag && (copy.etag = duplicate_string(src->etag)) == NULL) ||
        (src->last_modified && (copy.last_modified = duplicate_string(src->last_modified)) == NULL)) {
        carve_stamp_clear(&copy);
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "carve_stamp_copy: out of memory");
    }
    *dst = copy;

done:
    return ret_value;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Comparing stamps                                                                                        */
/* ------------------------------------------------------------------------------------------------------ */

/* Which fields of two stamps differ; the same rules for carve_stamp_equal and the description. */
typedef struct stamp_diff_t {
    bool kind; /* one local, one remote: nothing else is compared */
    bool size;
    bool mtime;
    bool etag;
    bool last_modified;
} stamp_diff_t;

static stamp_diff_t
stamp_compare(const carve_stamp_t *a, const carve_stamp_t *b)
{
    stamp_diff_t diff = {false, false, false, false, false};

    if ((a->remote != 0) != (b->remote != 0)) {
        diff.kind = true;
        return diff;
    }
    if (a->remote) {
        diff.etag = a->etag && b->etag && strcmp(a->etag, b->etag) != 0;
        diff.size = a->size >= 0 && b->size >= 0 && a->size != b->size;
        diff.last_modified =
            a->last_modified && b->last_modified && strcmp(a->last_modified, b->last_modified) != 0;
    }
    else {
        diff.size  = a->size != b->size;
        diff.mtime = a->mtime_sec != b->mtime_sec || a->mtime_nsec != b->mtime_nsec;
    }
    return diff;
}

int
carve_stamp_equal(const carve_stamp_t *a, const carve_stamp_t *b)
{
    stamp_diff_t diff;

    if (a == NULL || b == NULL)
        return a == b;
    diff = stamp_compare(a, b);
    return !(diff.kind || diff.size || diff.mtime || diff.etag || diff.last_modified);
}

/* Appends ", " (unless first) and a formatted part to *text; false on failure (then *text is freed). */
static bool append_part(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool
append_part(char **text, const char *fmt, ...)
{
    va_list ap;
    int     len;
    char   *part, *joined;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || (part = malloc((size_t)len + 1)) == NULL)
        goto fail;
    va_start(ap, fmt);
    vsnprintf(part, (size_t)len + 1, fmt, ap);
    va_end(ap);
    joined = *text ? format_string("%s, %s", *text, part) : duplicate_string(part);
    free(part);
    if (joined == NULL)
        goto fail;
    free(*text);
    *text = joined;
    return true;
fail:
    free(*text);
    *text = NULL;
    return false;
}

char *
carve_stamp_describe_change(const carve_stamp_t *before, const carve_stamp_t *after)
{
    stamp_diff_t diff;
    char        *text = NULL;

    if (before == NULL || after == NULL)
        return duplicate_string("no stamp to compare");
    diff = stamp_compare(before, after);
    if (diff.kind)
        return format_string("origin kind %s -> %s", before->remote ? "URL" : "local file",
                             after->remote ? "URL" : "local file");
    if (diff.size && !append_part(&text, "size %" PRId64 " -> %" PRId64, before->size, after->size))
        return NULL;
    if (diff.mtime &&
        !append_part(&text, "mtime %" PRId64 ".%09" PRId64 " -> %" PRId64 ".%09" PRId64, before->mtime_sec,
                     before->mtime_nsec, after->mtime_sec, after->mtime_nsec))
        return NULL;
    if (diff.etag && !append_part(&text, "ETag %s -> %s", before->etag, after->etag))
        return NULL;
    if (diff.last_modified &&
        !append_part(&text, "Last-Modified %s -> %s", before->last_modified, after->last_modified))
        return NULL;
    return text ? text : duplicate_string("unchanged");
}

/* ------------------------------------------------------------------------------------------------------ */
/* Container paths                                                                                         */
/* ------------------------------------------------------------------------------------------------------ */

static uint64_t
fnv1a64(const char *s)
{
    uint64_t hash = FNV1A64_OFFSET;

    for (; *s; s++) {
        hash ^= (uint64_t)(unsigned char)*s;
        hash *= FNV1A64_PRIME;
    }
    return hash;
}

static bool
is_safe_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* The last path segment of a location: for a URL after removing the query and fragment, and only
 * within the path (a URL without a path has no segment). Returns a pointer into location and its length. */
static const char *
last_segment(const char *location, size_t *len)
{
    const char *start = location;
    const char *end   = location + strlen(location);
    const char *seg;

    if (carve_origin_is_url(location)) {
        const char *authority = strstr(location, "://") + 3;
        const char *path;

        end  = authority + strcspn(authority, "?#");
        path = memchr(authority, '/', (size_t)(end - authority));
        if (path == NULL) {
            *len = 0;
            return end;
        }
        start = path;
    }
    seg = end;
    while (seg > start && seg[-1] != '/')
        seg--;
    *len = (size_t)(end - seg);
    return seg;
}

/* <base> of the container names: the last segment reduced to [A-Za-z0-9._-], at most BASE_NAME_MAX. */
static void
container_base_name(const char *location, char base[BASE_NAME_MAX + 1])
{
    size_t      len;
    const char *seg = last_segment(location, &len);

    if (len == 0) {
        strcpy(base, BASE_NAME_DEFAULT);
        return;
    }
    if (len > BASE_NAME_MAX)
        len = BASE_NAME_MAX;
    for (size_t i = 0; i < len; i++)
        base[i] = is_safe_name_char(seg[i]) ? seg[i] : '_';
    base[len] = '\0';
}

/* The directory part of a local path: "/" for a file in the root, "." for a bare name. NULL: no memory. */
static char *
local_parent_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char       *parent;

    if (slash == NULL)
        return duplicate_string(".");
    if (slash == path)
        return duplicate_string("/");
    if ((parent = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(parent, path, (size_t)(slash - path));
        parent[slash - path] = '\0';
    }
    return parent;
}

/* The directory of the container files, absolute and without trailing '/' (except "/" itself): `dir`
 * when given, else beside a local origin, else (a URL) the current directory. A relative directory is
 * taken relative to the current directory, so that every path returned is absolute. */
static herr_t
container_directory(const char *location, const char *dir, char **out)
{
    char  *cwd    = NULL;
    char  *result = NULL;
    size_t len;
    herr_t ret_value = 0;

    *out = NULL;
    if (dir != NULL && dir[0] != '\0')
        result = duplicate_string(dir);
    else if (carve_origin_is_url(location))
        result = duplicate_string(".");
    else
        result = local_parent_directory(location);
    if (result == NULL)
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", location);

    if (result[0] != '/') {
        char *joined;

        if ((cwd = current_directory()) == NULL)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1,
                             "origin '%s': cannot read the current directory for the container: %s", location,
                             strerror(errno));
        joined = strcmp(result, ".") == 0 ? duplicate_string(cwd) : format_string("%s/%s", cwd, result);
        if (joined == NULL)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", location);
        free(result);
        result = joined;
    }
    len = strlen(result);
    while (len > 1 && result[len - 1] == '/')
        result[--len] = '\0';
    *out   = result;
    result = NULL;

done:
    free(cwd);
    free(result);
    return ret_value;
}

herr_t
carve_origin_container_paths(const char *location, const char *dir, char **container_path,
                             char **manifest_path, char **lock_path)
{
    static const char *const suffixes[3] = {".carve.h5", ".carve.yaml", ".carve.lock"};
    char                   **outputs[3]  = {container_path, manifest_path, lock_path};
    char                    *results[3]  = {NULL, NULL, NULL};
    char                     base[BASE_NAME_MAX + 1];
    char                    *directory = NULL;
    const char              *sep;
    herr_t                   ret_value = 0;

    for (int i = 0; i < 3; i++)
        if (outputs[i])
            *outputs[i] = NULL;
    if (location == NULL || location[0] == '\0')
        CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_BADVALUE, -1, "origin: the location is empty");
    if (container_directory(location, dir, &directory) < 0)
        CARVE_GOTO_DONE(-1);
    container_base_name(location, base);
    sep = strcmp(directory, "/") == 0 ? "" : "/";
    for (int i = 0; i < 3; i++) {
        if (outputs[i] == NULL)
            continue;
        results[i] =
            format_string("%s%s%s-%016" PRIx64 "%s", directory, sep, base, fnv1a64(location), suffixes[i]);
        if (results[i] == NULL)
            CARVE_GOTO_ERROR(CARVE_E_ORIGIN, CARVE_E_SYSTEM, -1, "origin '%s': out of memory", location);
    }
    for (int i = 0; i < 3; i++) {
        if (outputs[i])
            *outputs[i] = results[i];
        results[i] = NULL;
    }

done:
    for (int i = 0; i < 3; i++)
        free(results[i]);
    free(directory);
    return ret_value;
}

void
carve_origin_container_base(const char *location, char base[CARVE_ORIGIN_BASE_MAX + 1])
{
    container_base_name(location, base);
}

const char *
carve_origin_file_name(const char *location, size_t *len)
{
    return last_segment(location, len);
}
