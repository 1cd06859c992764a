/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carve_origin.h — the origin of a container: where it is, its coherence stamp, and the deterministic
 * names of the container, manifest and lock file that belong to it.
 *
 * A location is either a local path (kept absolute and canonical) or an http(s) URL (as ROS3 takes it).
 * A local stamp is size + mtime from stat(2); a remote stamp is ETag, Content-Length and Last-Modified
 * from one HEAD request made with libcurl (signed with AWS SigV4 when the ROS3 access list carries
 * credentials). No VOL code.
 */
#ifndef CARVE_ORIGIN_H
#define CARVE_ORIGIN_H

#include <stdint.h>

#include <hdf5.h>

typedef struct carve_stamp_t {
    int     remote;        /* 0: local file, 1: URL */
    int64_t size;          /* bytes: st_size or Content-Length; -1 when unknown */
    int64_t mtime_sec;     /* local only */
    int64_t mtime_nsec;    /* local only */
    char   *etag;          /* remote only; NULL when the server sent none */
    char   *last_modified; /* remote only; NULL when the server sent none */
} carve_stamp_t;

/* Initialises libcurl (once per process). Stamping a URL does it on first use; calling it early makes
 * sure libcurl and its TLS library are set up (and their exit handlers registered) before a caller's
 * own exit handler, which may then still use them. */
void carve_origin_global_init(void);

/* Bounds each request carve makes from now on (a stamp's HEAD, a range probe) to `seconds` in all
 * (connecting: at most 10 of them);
 * 0 or less: the default, 30. Process-wide: each file open sets it from its `timeout` setting. */
void carve_origin_set_timeout(long seconds);

/* Up to `requests` requests of one carve_origin_fetch call are in flight at once (libcurl's multi
 * interface, each on a connection of its own, kept for the call's next requests); 1: one after another;
 * 0 or less: the default, CARVE_ORIGIN_PARALLEL_DEFAULT; at most CARVE_ORIGIN_PARALLEL_MAX. Process-wide,
 * like the timeout: each file open sets it from its `parallel` setting. */
#define CARVE_ORIGIN_PARALLEL_DEFAULT 8
#define CARVE_ORIGIN_PARALLEL_MAX     64
void carve_origin_set_parallel(int requests);

/* 1 for an http:// or https:// URL, 0 otherwise. */
int carve_origin_is_url(const char *name);

/* The canonical location of `name`: for a local file its absolute path with symlinks resolved
 * (the file must exist); for a URL the URL unchanged. Caller frees *location. */
herr_t carve_origin_location(const char *name, char **location);
/* The same, but a local file that does not exist (any more) is named by its directory's canonical path
 * and its file name: the location it had when it was carved, if it was not reached through a link. When
 * the directory is gone too, the name made absolute and normalised lexically (carve_origin_location_lexical). */
herr_t carve_origin_location_lenient(const char *name, char **location);
/* `name` made absolute against the current directory and normalised without looking at the filesystem
 * ("." and empty segments dropped, ".." removing the one before it); a URL unchanged. Caller frees. */
herr_t carve_origin_location_lexical(const char *name, char **location);

/* The settings of a ROS3 access list (credentials included): what carve's own requests are signed with and
 * what carve's origin driver wraps. */
typedef struct carve_origin_ros3_t {
    H5FD_ros3_fapl_t fa;
    char            *token; /* the session token (malloc'ed); NULL when the list has none, or an empty one */
} carve_origin_ros3_t;
/* Reads the ROS3 settings of fapl_id into *settings: 1 when it selects ROS3, 0 when it selects another
 * driver or is H5P_DEFAULT (*settings zeroed), -1 when it is not a file access list or cannot be read (the
 * error stack says why, naming url, which may be NULL). Clear *settings after a 1. */
int carve_origin_ros3_read(const char *url, hid_t fapl_id, carve_origin_ros3_t *settings);
/* Overwrites the secrets of *settings and frees its token. */
void carve_origin_ros3_clear(carve_origin_ros3_t *settings);

/* Makes fapl_id read a URL with the ROS3 driver, unless it already selects ROS3: signed with
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (and AWS_SESSION_TOKEN) when all are set in the
 * environment, anonymous otherwise. For the files carve opens itself (replay's origin, h5carve verify's). */
herr_t carve_origin_use_ros3(hid_t fapl_id, const char *url);

/* Measures the stamp of a location. For a URL, fapl_id may carry ROS3 settings (H5Pget_fapl_ros3,
 * H5Pget_fapl_ros3_token) used to sign the HEAD request; H5P_DEFAULT for none. Errors name the
 * location and the cause (missing file, HTTP status, unreachable server). */
herr_t carve_origin_stamp(const char *location, hid_t fapl_id, carve_stamp_t *stamp);
/* Asks a URL for its first byte (GET, Range bytes=0-0, signed like the stamp) and fails, naming the
 * server's answer, unless it is 206 with exactly that byte: a server that ignores byte ranges makes HDF5's
 * ROS3 driver write past its buffer (a crash), so carve reads such an origin no more. */
herr_t carve_origin_check_ranges(const char *url, hid_t fapl_id);
/* One byte range of a URL origin to read (carve_origin_fetch): size bytes at offset (an address in the
 * object, user block included) into buf. ok and why are outputs. */
typedef struct carve_origin_range_t {
    uint64_t offset;
    size_t   size;
    void    *buf;
    void    *udata;    /* the caller's, untouched */
    int      ok;       /* 1: buf holds exactly the bytes of the range, as the server sent them */
    char     why[160]; /* when !ok: why the range could not be read (the server's answer) */
} carve_origin_range_t;
/* Reads ranges of a URL origin with carve's own GET requests (signed like the stamp), validating every
 * answer: it must be 206 with the Content-Range asked for and exactly that many body bytes. Ranges less
 * than 64 KiB apart, or overlapping, are read by one request (up to 16 MiB); up to the parallel setting
 * (carve_origin_set_parallel) of these requests are in flight at once; a request that fails is tried once
 * more. Connections are kept between calls while the URL has a carve_origin_conn_open, else closed at
 * the end of the call. Each range says whether it was read (ok) or why not; ranges are sorted by offset in
 * place. Returns -1 only when no request could be made (the error stack says why); *requests (may be NULL)
 * counts requests made. */
herr_t carve_origin_fetch(const char *url, hid_t fapl_id, carve_origin_range_t *ranges, size_t n,
                          size_t *requests);

/* Connections kept for one URL origin between carve_origin_fetch calls: while at least one is open for a
 * URL, the fetches of that URL (exactly that string) reuse the connections the earlier ones left idle,
 * instead of each opening its own (a TCP and TLS set-up per call); libcurl replaces one the server closed
 * meanwhile, and makes a request again itself on a fresh connection when a kept one turns out dead as it is
 * reused. Opened by whoever holds the origin open (carve's fetch driver, for as long as its file is open);
 * the last close for a URL closes its connections. Calls for one URL are counted and share one set of
 * connections; a fetch while another thread's fetch of that URL is running makes connections of its own. */
typedef struct carve_origin_conn_t carve_origin_conn_t;
/* NULL on failure (the error stack says why): fetches still work, with connections of their own. */
carve_origin_conn_t *carve_origin_conn_open(const char *url);
/* NULL: nothing to do. */
void carve_origin_conn_close(carve_origin_conn_t *conn);

void   carve_stamp_clear(carve_stamp_t *stamp);
herr_t carve_stamp_copy(carve_stamp_t *dst, const carve_stamp_t *src);
/* 1 when two stamps describe the same unchanged origin, 0 otherwise. Fields one side does not know
 * (NULL etag, size -1) are not compared. */
int carve_stamp_equal(const carve_stamp_t *a, const carve_stamp_t *b);
/* A short human description of how two stamps differ ("size 100 -> 120", "ETag \"a\" -> \"b\""),
 * for error messages. Caller frees. */
char *carve_stamp_describe_change(const carve_stamp_t *before, const carve_stamp_t *after);

/* Where a location's container lives. dir NULL or "": beside the origin for a local file, the current
 * directory for a URL. Names are <base>-<16 hex digits of a 64-bit FNV-1a hash of the location>
 * followed by ".carve.h5", ".carve.yaml" and ".carve.lock"; <base> is the origin's file name (the
 * last path segment of a URL, query removed) reduced to [A-Za-z0-9._-]. Caller frees each output;
 * any output pointer may be NULL. */
/* The longest <base> of container names. */
#define CARVE_ORIGIN_BASE_MAX 100
/* <base> of a location's container names (above). */
void carve_origin_container_base(const char *location, char base[CARVE_ORIGIN_BASE_MAX + 1]);
/* The file name of a location: its last path segment (for a URL, of its path, query removed), as a
 * pointer into location and a length; length 0 when there is none. */
const char *carve_origin_file_name(const char *location, size_t *len);

herr_t carve_origin_container_paths(const char *location, const char *dir, char **container_path,
                                    char **manifest_path, char **lock_path);

#endif /* CARVE_ORIGIN_H */
