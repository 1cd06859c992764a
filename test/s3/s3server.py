#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""s3server.py — a small S3-compatible server for carve's tests (stdlib only, loopback only).

Serves a directory as buckets: object <bucket>/<key> is the file <root>/<bucket>/<key>. Path-style URLs
only (http://127.0.0.1:PORT/<bucket>/<key>), HTTP/1.1 with keep-alive, one thread per connection.

usage: s3server.py --root DIR [--port N] [--port-file FILE] [--bucket NAME]...
                   [--access-key ID --secret-key SECRET --region R]
                   [--temp-credentials ID SECRET TOKEN] [--max-lifetime SECONDS] [--latency-ms MS]
                   [--fault KIND [--fault-after N] [--fault-count M] [--fault-agent PREFIX]
                    [--fault-offset N]] [--log-inflight] [--log-connections]
                   [--connect-latency-ms MS] [--idle-timeout SECONDS]

  --port 0 (the default) picks a free port; --port-file receives the chosen port (written atomically
  once the socket listens, so a reader that sees the file can connect). --bucket creates the bucket's
  directory at start-up. --max-lifetime makes the server stop by itself after that many seconds (a
  safety net for test fixtures whose clean-up never ran). SIGTERM and SIGINT stop it cleanly (exit 0).
  --latency-ms delays every GET and HEAD of an object by that many milliseconds before it is answered,
  to play a remote store's time to first byte (benchmarks; 0, the default: no delay).
  --connect-latency-ms delays the first request of each new connection by that many milliseconds more, to
  play the set-up of a connection over a real network (TCP and TLS handshakes: about two round trips);
  requests on a kept-alive connection do not pay it (benchmarks of clients that reuse connections).
  --idle-timeout closes a kept-alive connection that has been idle that many seconds (default 120), without
  a word to the client, as a store closes the idle connections it no longer wants.
  --fault makes the server misbehave on object GETs and HEADs, as a hostile or broken store would (tests of
  what clients do then): after the first N such requests (--fault-after, default 0), the next M
  (--fault-count, default: all) get the fault. KIND:
    status500    503-like failure: 500 InternalError
    full200      a Range ignored: 200 and the whole object
    short        a ranged GET answered 206 with consistent headers for only the first half of the range
    close        the headers of the full answer, half the body, then the connection closed
    garble       a ranged GET answered 206 with the right headers and length, its middle bytes inverted
    stall        no answer for 60 s
    head-length  a HEAD whose Content-Length is one byte more than the object
    drop         the request read, then the connection closed without an answer (a kept-alive connection
                 the server dropped just as the client reused it)
  The body faults short, close, garble and drop count only GETs of a range longer than one byte. With
  --fault-agent, only requests whose User-Agent starts with PREFIX count (e.g. carve/: carve's own
  requests, not those of HDF5's ROS3 driver, which sends none). With --fault-offset, only requests whose
  Range starts at byte N (`bytes=N-...`) count: one chosen request among several in flight.
  Each faulty answer is logged as "FAULT <kind> <method> <path>" (a dropped request has no REQ line).
  --log-inflight logs, right before each REQ line, "INFLIGHT <n> <METHOD> <path> range=<Range or ->": n is
  the number of requests the server is answering at that moment, this one included (tests of clients that
  keep several requests in flight, on connections of their own).
  --log-connections logs "CONNECT <n>" when the server accepts its n-th connection (counting from 1) and
  "DISCONNECT <n>" when that connection has ended (tests of clients that keep connections between requests).

Operations (what HDF5's read-only S3 driver needs, and what tests need to prepare files):
  HEAD /b/k       Content-Length, ETag (quoted md5 hex), Last-Modified (HTTP date), Accept-Ranges: bytes,
                  Content-Type; honours a Range like GET (206 + Content-Range), sends no body.
  GET  /b/k       200 and the whole object, or with one Range `bytes=a-b`, `bytes=a-`, `bytes=-n`: 206
                  and exactly those bytes with Content-Range (an end past the object is clipped to it).
                  Unsatisfiable ranges (start >= size, `bytes=-0`, any range on an empty object) give 416
                  InvalidRange with `Content-Range: bytes */size`. As S3 does, a Range header S3 does not
                  support — several ranges (`bytes=0-1,5-6`), another unit, a malformed or reversed spec —
                  is ignored: 200 and the whole object.
  PUT  /b         create a bucket (200; 409 BucketAlreadyOwnedByYou if it exists; 400 InvalidBucketName).
  PUT  /b/k       store an object (Content-Length required, at most 1 GiB; written atomically). 200 + ETag.
  anything else   501 NotImplemented. GET/HEAD of a missing object: 404 NoSuchKey; of a missing bucket:
                  404 NoSuchBucket. Error bodies are S3's XML <Error><Code>..</Code><Message>..</Message>
                  <Resource>..</Resource><RequestId>..</RequestId></Error> (HEAD: no body).
  Paths with a `.` or `..` segment, an empty segment, a NUL byte or a backslash: 400 InvalidURI.

Authentication. Without --access-key, every request is served anonymously (an Authorization header, if
any, is ignored, as a public bucket would). With --access-key/--secret-key/--region, every request must
carry an AWS Signature Version 4 `Authorization` header, verified as S3 does:
  - canonical request: method, URI-encoded path (each segment encoded once, `/` kept), canonical query
    string (sorted, encoded), the signed headers as `name:value` (lower-cased names, values trimmed and
    inner runs of spaces collapsed, repeated headers joined by `,`), the signed header list, and the
    payload hash = the x-amz-content-sha256 header;
  - string to sign: `AWS4-HMAC-SHA256`, x-amz-date, scope `<yyyymmdd>/<region>/s3/aws4_request`,
    hex sha256 of the canonical request; signing key: HMAC chain over "AWS4"+secret, date, region,
    "s3", "aws4_request"; signature: hex HMAC of the string to sign;
  - the signed headers must include host and x-amz-date; x-amz-content-sha256 must be present and
    signed, and be the hex sha256 of the body (PUT) or UNSIGNED-PAYLOAD, or for bodiless requests the
    hash of the empty string; every x-amz-* header present must be signed; x-amz-date must be within
    15 minutes of the server's clock and on the credential scope's date; the scope's region must be
    --region and its service s3.
  The Host header is signed as the client sent it (HDF5's ROS3 driver sends and signs it without the
  port). Errors: 403 AccessDenied (anonymous), InvalidAccessKeyId, SignatureDoesNotMatch,
  RequestTimeTooSkewed, InvalidToken; 400 AuthorizationHeaderMalformed, XAmzContentSHA256Mismatch,
  InvalidArgument. --temp-credentials adds a second key pair that, like AWS temporary credentials, is only
  accepted with a matching (signed) x-amz-security-token header.

Log: one line per request on stderr, flushed before the response is sent (so a client that has its
answer finds its line in the log):
    REQ <METHOD> <path> range=<Range header or -> status=<code> bytes=<body bytes sent>
plus `s3server: ...` lines at start-up and shutdown. Tests count REQ lines.
"""

import argparse
import datetime
import email.utils
import hashlib
import hmac
import http.server
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape as xml_escape

MAX_BODY = 1 << 30  # largest PUT body accepted (1 GiB)
MAX_SKEW = 15 * 60  # seconds x-amz-date may differ from the server's clock, as AWS allows
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
COPY_CHUNK = 1 << 20

_log_lock = threading.Lock()


def log(line):
    with _log_lock:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


class DropConnection(Exception):
    """The request is not answered: the connection is closed (the fault drop)."""


class S3Error(Exception):
    """An S3 error response: HTTP status, S3 error code, message, extra headers."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


# --------------------------------------------------------------------------------------------------
# Ranges


def parse_range(header, size):
    """Returns (first, last) inclusive for a satisfiable single range, None to serve the whole object
    (no header, or one S3 ignores), or raises S3Error 416 for an unsatisfiable one."""
    if header is None:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m:
        return None  # other units, several ranges, garbage: S3 ignores the header
    a, b = m.group(1), m.group(2)
    unsatisfiable = S3Error(416, "InvalidRange", "The requested range is not satisfiable",
                            {"Content-Range": "bytes */%d" % size})
    if a == "" and b == "":
        return None
    if a == "":  # suffix: the last n bytes
        n = int(b)
        if n == 0 or size == 0:
            raise unsatisfiable
        return (max(0, size - n), size - 1)
    first = int(a)
    if b != "" and int(b) < first:
        return None  # reversed: syntactically invalid, ignored
    if first >= size:
        raise unsatisfiable
    last = size - 1 if b == "" else min(int(b), size - 1)
    return (first, last)


# --------------------------------------------------------------------------------------------------
# SigV4


def _uri_encode(text, keep_slash):
    return urllib.parse.quote(text, safe="/~" if keep_slash else "~")


def canonical_uri(raw_path):
    return _uri_encode(urllib.parse.unquote(raw_path), keep_slash=True) or "/"


def canonical_query(raw_query):
    if not raw_query:
        return ""
    pairs = []
    for item in raw_query.split("&"):
        if item == "":
            continue
        k, _, v = item.partition("=")
        pairs.append((_uri_encode(urllib.parse.unquote(k), False), _uri_encode(urllib.parse.unquote(v), False)))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def canonical_header_value(values):
    return ",".join(re.sub(r" +", " ", v.strip()) for v in values)


def signing_key(secret, date, region, service="s3"):
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def sigv4_signature(secret, method, raw_path, raw_query, headers, signed, payload_hash, amz_date, region):
    """headers: {lower-name: [values]}; signed: list of lower-case names. Returns (signature, creq, sts)."""
    creq = "\n".join([
        method,
        canonical_uri(raw_path),
        canonical_query(raw_query),
        "".join("%s:%s\n" % (h, canonical_header_value(headers.get(h, []))) for h in signed),
        ";".join(signed),
        payload_hash,
    ])
    scope = "%s/%s/s3/aws4_request" % (amz_date[:8], region)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = signing_key(secret, amz_date[:8], region)
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest(), creq, sts


class Credentials:
    def __init__(self, region):
        self.region = region
        self.keys = {}  # access key id -> (secret, required session token or None)

    def add(self, key_id, secret, token=None):
        self.keys[key_id] = (secret, token)


def verify_sigv4(creds, method, raw_path, raw_query, headers):
    """Raises S3Error unless the request is correctly signed. headers: {lower-name: [values]}.
    Returns the payload hash the client declared (the caller checks it against a PUT body)."""
    auth = headers.get("authorization")
    if not auth:
        raise S3Error(403, "AccessDenied", "Access Denied")
    auth = auth[0].strip()
    malformed = S3Error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        raise S3Error(400, "InvalidArgument", "Unsupported Authorization Type")
    fields = {}
    for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        k, eq, v = part.strip().partition("=")
        if not eq or k in fields:
            raise malformed
        fields[k] = v
    if set(fields) != {"Credential", "SignedHeaders", "Signature"}:
        raise malformed
    cred = fields["Credential"].split("/")
    if len(cred) != 5 or cred[4] != "aws4_request" or cred[3] != "s3":
        raise malformed
    key_id, scope_date, scope_region = cred[0], cred[1], cred[2]
    if scope_region != creds.region:
        raise S3Error(400, "AuthorizationHeaderMalformed",
                      "the region '%s' is wrong; expecting '%s'" % (scope_region, creds.region))
    if key_id not in creds.keys:
        raise S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    secret, required_token = creds.keys[key_id]

    signed = fields["SignedHeaders"].split(";")
    if signed != sorted(signed) or len(set(signed)) != len(signed) or any(s != s.lower() or not s for s in signed):
        raise malformed
    if "host" not in signed:
        raise S3Error(403, "AccessDenied", "host must be a signed header")
    for name in headers:
        if name.startswith("x-amz-") and name not in signed:
            raise S3Error(403, "AccessDenied", "There were headers present in the request which were not signed: %s" % name)
    for name in signed:
        if name not in headers:
            raise S3Error(403, "SignatureDoesNotMatch", "signed header '%s' is missing from the request" % name)
    if "x-amz-content-sha256" not in headers:
        raise S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    payload_hash = headers["x-amz-content-sha256"][0].strip()
    if payload_hash != UNSIGNED and not re.fullmatch(r"[0-9a-f]{64}", payload_hash):
        raise S3Error(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a SHA256 hex digest")

    if "x-amz-date" not in headers or "x-amz-date" not in signed:
        raise S3Error(403, "AccessDenied", "AWS authentication requires a signed x-amz-date header")
    amz_date = headers["x-amz-date"][0].strip()
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise S3Error(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
    if abs(when.timestamp() - time.time()) > MAX_SKEW:
        raise S3Error(403, "RequestTimeTooSkewed",
                      "The difference between the request time and the current time is too large.")
    if scope_date != amz_date[:8]:
        raise S3Error(403, "SignatureDoesNotMatch", "credential scope date does not match x-amz-date")

    expected, creq, sts = sigv4_signature(secret, method, raw_path, raw_query, headers, signed, payload_hash,
                                          amz_date, creds.region)
    if not hmac.compare_digest(expected, fields["Signature"]):
        raise S3Error(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you provided. "
                      "Check your key and signing method.")
    token = headers.get("x-amz-security-token", [None])[0]
    if required_token is not None and token != required_token:
        raise S3Error(403, "InvalidToken", "The provided token is malformed or otherwise invalid.")
    return payload_hash


# --------------------------------------------------------------------------------------------------
# Files


class Store:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self._etags = {}
        self._etag_lock = threading.Lock()

    def split(self, raw_path):
        """'/bucket/key' -> (bucket, key or ''); raises S3Error 400 for unsafe paths."""
        path = urllib.parse.unquote(raw_path)
        bad = S3Error(400, "InvalidURI", "Couldn't parse the specified URI.")
        if not path.startswith("/") or "\0" in path or "\\" in path:
            raise bad
        bucket, _, key = path[1:].partition("/")
        parts = [bucket] + (key.split("/") if key else [])
        if any(p in ("", ".", "..") for p in parts) and path != "/":
            raise bad
        return bucket, key

    def bucket_dir(self, bucket):
        return os.path.join(self.root, bucket)

    def object_path(self, bucket, key):
        path = os.path.realpath(os.path.join(self.root, bucket, key))
        if not path.startswith(self.bucket_dir(bucket) + os.sep):
            raise S3Error(400, "InvalidURI", "Couldn't parse the specified URI.")
        return path

    def has_bucket(self, bucket):
        return bool(bucket) and os.path.isdir(self.bucket_dir(bucket))

    def etag(self, path, st):
        ident = (path, st.st_size, st.st_mtime_ns, st.st_ino)
        with self._etag_lock:
            if ident in self._etags:
                return self._etags[ident]
        md5 = hashlib.md5()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(COPY_CHUNK), b""):
                md5.update(chunk)
        tag = '"%s"' % md5.hexdigest()
        with self._etag_lock:
            self._etags[ident] = tag
        return tag


# --------------------------------------------------------------------------------------------------
# HTTP


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120  # an idle keep-alive connection is closed after this many seconds (--idle-timeout)
    server_version = "carve-s3server/1"
    sys_version = ""

    # the server object carries: store, creds (None = anonymous)

    def log_message(self, fmt, *args):  # BaseHTTPRequestHandler's own access log: replaced by REQ lines
        pass

    def log_error(self, fmt, *args):
        log("s3server: " + (fmt % args))

    # --- connections ----------------------------------------------------------------------------

    def setup(self):
        self.timeout = self.server.idle_timeout
        super().setup()
        self.connection_id = self.server.count_connection()
        self.connection_fresh = True  # its first request pays --connect-latency-ms
        if self.server.log_connections:
            log("CONNECT %d" % self.connection_id)

    def finish(self):
        try:
            super().finish()
        finally:
            if self.server.log_connections:
                log("DISCONNECT %d" % self.connection_id)

    # --- plumbing -------------------------------------------------------------------------------

    def _headers_map(self):
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        return headers

    def _send(self, status, headers, body=b"", body_len=None, file_range=None):
        """Sends a response; body is bytes, or file_range = (path, first, length) streamed from disk.
        The REQ log line is written first."""
        send_body = self.command != "HEAD"
        length = len(body) if file_range is None else file_range[2]
        if body_len is None:
            body_len = length
        rng = self.headers.get("Range")
        if self.server.log_inflight:
            log("INFLIGHT %d %s %s range=%s" % (self.server.inflight, self.command, self.path,
                                                rng if rng is not None else "-"))
        log("REQ %s %s range=%s status=%d bytes=%d" % (self.command, self.path, rng if rng is not None else "-",
                                                       status, length if send_body else 0))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(body_len))
        self.send_header("x-amz-request-id", self.request_id)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not send_body:
            return
        if file_range is None:
            self.wfile.write(body)
            return
        path, first, remaining = file_range
        with open(path, "rb") as f:
            f.seek(first)
            while remaining > 0:
                chunk = f.read(min(COPY_CHUNK, remaining))
                if not chunk:
                    raise IOError("object shrank while being sent")
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _send_error(self, err):
        if self.body_pending:
            self.close_connection = True  # an unread request body: the connection cannot be reused
        resource = urllib.parse.urlsplit(self.path).path
        body = b""
        headers = dict(err.headers)
        if self.command != "HEAD":
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
                    "<Resource>%s</Resource><RequestId>%s</RequestId></Error>" %
                    (xml_escape(err.code), xml_escape(err.message), xml_escape(resource),
                     self.request_id)).encode()
            headers["Content-Type"] = "application/xml"
        self._send(err.status, headers, body)

    def _handle(self):
        self.request_id = uuid.uuid4().hex[:16].upper()
        self.body_pending = False
        self.server.enter()
        try:
            self._dispatch()
        except S3Error as err:
            self._send_error(err)
        except DropConnection:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug in the server: answer 500 and say so in the log
            log("s3server: internal error: %r" % (exc,))
            self.close_connection = True
            try:
                self._send_error(S3Error(500, "InternalError", "We encountered an internal error."))
            except OSError:
                pass
        finally:
            self.server.leave()

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def _read_body(self):
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise S3Error(501, "NotImplemented", "Transfer-Encoding is not supported")
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            self.close_connection = True
            raise S3Error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
        length = int(length)
        self.body_pending = length > 0
        if length > MAX_BODY:
            self.close_connection = True
            raise S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
        return length

    def _dispatch(self):
        split = urllib.parse.urlsplit(self.path)
        raw_path, raw_query = split.path, split.query
        method = self.command
        headers = self._headers_map()
        store = self.server.store
        body_length = self._read_body() if method == "PUT" else 0
        if method != "PUT" and (self.headers.get("Content-Length") not in (None, "0")
                                or self.headers.get("Transfer-Encoding")):
            self.close_connection = True  # a body we will not read
        bucket, key = store.split(raw_path)
        if self.connection_fresh:
            self.connection_fresh = False
            if self.server.connect_latency > 0:
                time.sleep(self.server.connect_latency)
        if self.server.latency > 0 and method in ("GET", "HEAD") and key:
            time.sleep(self.server.latency)
        self.fault = None
        if self.server.fault and method in ("GET", "HEAD") and key:
            rng = self.headers.get("Range") or ""
            self.fault = self.server.take_fault(method, rng, self.headers.get("User-Agent") or "")
            if self.fault:
                log("FAULT %s %s %s" % (self.fault, method, self.path))
            if self.fault == "stall":
                time.sleep(60)
            elif self.fault == "drop":
                raise DropConnection()
            elif self.fault == "status500":
                raise S3Error(500, "InternalError", "We encountered an internal error. Please try again.")

        payload_hash = None
        if self.server.creds is not None:
            payload_hash = verify_sigv4(self.server.creds, method, raw_path, raw_query, headers)
            if method != "PUT" and payload_hash not in (EMPTY_SHA256, UNSIGNED):
                raise S3Error(400, "XAmzContentSHA256Mismatch",
                              "The provided 'x-amz-content-sha256' header does not match what was computed.")

        if method in ("GET", "HEAD"):
            if raw_query:
                raise S3Error(501, "NotImplemented", "query parameters are not supported")
            if not bucket:
                raise S3Error(501, "NotImplemented", "listing buckets is not supported")
            if not store.has_bucket(bucket):
                raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist")
            if not key:
                raise S3Error(501, "NotImplemented", "bucket listing is not supported")
            self._get_object(store, bucket, key)
        elif method == "PUT":
            if raw_query:
                raise S3Error(501, "NotImplemented", "query parameters are not supported")
            if not key:
                self._put_bucket(store, bucket, body_length)
            else:
                self._put_object(store, bucket, key, body_length, payload_hash)
        else:
            raise S3Error(501, "NotImplemented", "A header you provided implies functionality that is not implemented")

    def _get_object(self, store, bucket, key):
        path = store.object_path(bucket, key)
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is None or not os.path.isfile(path) or os.path.basename(path).startswith(".upload-"):
            raise S3Error(404, "NoSuchKey", "The specified key does not exist.")
        size = st.st_size
        headers = {
            "ETag": store.etag(path, st),
            "Last-Modified": email.utils.formatdate(st.st_mtime, usegmt=True),
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        rng = parse_range(self.headers.get("Range"), size)
        if self.fault == "full200":
            rng = None
        if self.fault == "head-length" and self.command == "HEAD":
            self._send(200, headers, file_range=(path, 0, size), body_len=size + 1)
            return
        if rng is None:
            self._send(200, headers, file_range=(path, 0, size))
            return
        first, last = rng
        length = last - first + 1
        if self.fault == "short" and self.command == "GET" and length > 1:
            half = length // 2
            headers["Content-Range"] = "bytes %d-%d/%d" % (first, first + half - 1, size)
            self._send(206, headers, file_range=(path, first, half))
            return
        headers["Content-Range"] = "bytes %d-%d/%d" % (first, last, size)
        if self.fault == "garble" and self.command == "GET" and length > 1:
            with open(path, "rb") as f:
                f.seek(first)
                body = bytearray(f.read(length))
            for i in range(length // 4, max(length // 4 + 1, length // 2)):
                body[i] ^= 0xFF
            self._send(206, headers, body=bytes(body))
            return
        if self.fault == "close" and self.command == "GET" and length > 1:
            self.close_connection = True
            self._send(206, headers, file_range=(path, first, length // 2), body_len=length)
            return
        self._send(206, headers, file_range=(path, first, length))

    def _put_bucket(self, store, bucket, body_length):
        self.rfile.read(body_length)  # a CreateBucketConfiguration, if any: ignored
        self.body_pending = False
        if not BUCKET_RE.fullmatch(bucket) or ".." in bucket:
            raise S3Error(400, "InvalidBucketName", "The specified bucket is not valid.")
        try:
            os.mkdir(store.bucket_dir(bucket))
        except FileExistsError:
            raise S3Error(409, "BucketAlreadyOwnedByYou",
                          "Your previous request to create the named bucket succeeded and you already own it.")
        self._send(200, {"Location": "/" + bucket})

    def _put_object(self, store, bucket, key, body_length, payload_hash):
        if not store.has_bucket(bucket):
            self.close_connection = True  # body not read
            raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist")
        path = store.object_path(bucket, key)
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        sha = hashlib.sha256()
        md5 = hashlib.md5()
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                remaining = body_length
                while remaining > 0:
                    chunk = self.rfile.read(min(COPY_CHUNK, remaining))
                    if not chunk:
                        self.close_connection = True
                        raise S3Error(400, "IncompleteBody",
                                      "You did not provide the number of bytes specified by the Content-Length HTTP header")
                    out.write(chunk)
                    sha.update(chunk)
                    md5.update(chunk)
                    remaining -= len(chunk)
            self.body_pending = False
            if payload_hash not in (None, UNSIGNED) and sha.hexdigest() != payload_hash:
                raise S3Error(400, "XAmzContentSHA256Mismatch",
                              "The provided 'x-amz-content-sha256' header does not match what was computed.")
            if os.path.isdir(path):
                raise S3Error(409, "InvalidRequest", "a key with this name is a prefix of other keys")
            os.replace(tmp, path)
            tmp = None
        finally:
            if tmp is not None:
                os.unlink(tmp)
        self._send(200, {"ETag": '"%s"' % md5.hexdigest()})


class Server(http.server.ThreadingHTTPServer):
    fault = None
    fault_after = 0
    fault_count = -1
    fault_lock = threading.Lock()

    fault_agent = None
    fault_offset = None

    log_inflight = False
    inflight = 0  # requests being answered
    log_connections = False
    connect_latency = 0.0
    idle_timeout = 120.0
    connections = 0  # accepted so far
    connections_lock = threading.Lock()

    def count_connection(self):
        with self.connections_lock:
            self.connections += 1
            return self.connections
    inflight_lock = threading.Lock()

    def enter(self):
        with self.inflight_lock:
            self.inflight += 1

    def leave(self):
        with self.inflight_lock:
            self.inflight -= 1

    def take_fault(self, method, rng, agent):
        """The fault the next object GET/HEAD gets (None: a sane answer), counting requests. rng: the
        Range header ("" when none)."""
        ranged = rng not in ("", "bytes=0-0")
        with self.fault_lock:
            if self.fault_offset is not None and not rng.startswith("bytes=%d-" % self.fault_offset):
                return None
            if self.fault == "head-length" and method != "HEAD":
                return None
            if self.fault in ("short", "close", "garble", "drop") and not (method == "GET" and ranged):
                return None
            if self.fault_agent is not None and not agent.startswith(self.fault_agent):
                return None
            if self.fault_after > 0:
                self.fault_after -= 1
                return None
            if self.fault_count == 0:
                return None
            if self.fault_count > 0:
                self.fault_count -= 1
            return self.fault

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def close_inherited_descriptors():
    """Closes every descriptor above stderr the server was started with. A server started in the background
    by a test outlives the command that started it: a descriptor inherited from above (the lock file of
    `flock LOCK ctest ...`, ctest's log pipes) would stay open, and a lock stay held, as long as the server
    runs (up to --max-lifetime when the test's clean-up never ran)."""
    try:
        limit = os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        limit = 1024
    os.closerange(3, limit)


def main(argv=None):
    close_inherited_descriptors()
    ap = argparse.ArgumentParser(description="A small S3-compatible server for tests (loopback only).")
    ap.add_argument("--root", required=True, help="directory served: <root>/<bucket>/<key>")
    ap.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: pick a free one)")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--bucket", action="append", default=[], help="create this bucket at start-up")
    ap.add_argument("--access-key")
    ap.add_argument("--secret-key")
    ap.add_argument("--region")
    ap.add_argument("--temp-credentials", nargs=3, metavar=("ID", "SECRET", "TOKEN"),
                    help="a further key pair accepted only with x-amz-security-token TOKEN")
    ap.add_argument("--max-lifetime", type=float, default=0, help="stop after this many seconds (0: never)")
    ap.add_argument("--latency-ms", type=float, default=0,
                    help="delay every GET/HEAD of an object by this many milliseconds (0: none)")
    ap.add_argument("--fault", choices=["status500", "full200", "short", "close", "garble", "stall", "head-length",
                                        "drop"],
                    help="misbehave on object GETs/HEADs (see the module's help)")
    ap.add_argument("--fault-after", type=int, default=0, help="object GETs/HEADs answered sanely first")
    ap.add_argument("--fault-agent", default=None,
                    help="only requests whose User-Agent starts with this get faults (and are counted)")
    ap.add_argument("--fault-count", type=int, default=-1, help="faulty answers, then sane again (-1: all)")
    ap.add_argument("--fault-offset", type=int, default=None,
                    help="only requests whose Range starts at this byte get faults (and are counted)")
    ap.add_argument("--log-inflight", action="store_true",
                    help="log the number of requests being answered before each REQ line (INFLIGHT lines)")
    ap.add_argument("--log-connections", action="store_true",
                    help="log each connection accepted and ended (CONNECT <n> / DISCONNECT <n> lines)")
    ap.add_argument("--connect-latency-ms", type=float, default=0,
                    help="delay the first request of each new connection by this many milliseconds (0: none)")
    ap.add_argument("--idle-timeout", type=float, default=120,
                    help="close a kept-alive connection idle this many seconds (default 120)")
    args = ap.parse_args(argv)

    keyed = [args.access_key, args.secret_key, args.region]
    if any(keyed) and not all(keyed):
        ap.error("--access-key, --secret-key and --region go together")
    if args.temp_credentials and not all(keyed):
        ap.error("--temp-credentials needs --access-key, --secret-key and --region")
    if not (0 <= args.port <= 65535):
        ap.error("--port must be 0..65535")
    os.makedirs(args.root, exist_ok=True)
    for b in args.bucket:
        if not BUCKET_RE.fullmatch(b):
            ap.error("invalid bucket name %r" % b)
        os.makedirs(os.path.join(args.root, b), exist_ok=True)

    server = Server(("127.0.0.1", args.port), Handler)
    server.store = Store(args.root)
    if args.latency_ms < 0:
        ap.error("--latency-ms must be >= 0")
    server.latency = args.latency_ms / 1000.0
    server.fault = args.fault
    server.fault_after = max(0, args.fault_after)
    server.fault_count = args.fault_count
    server.fault_agent = args.fault_agent
    server.fault_offset = args.fault_offset
    server.log_inflight = args.log_inflight
    server.log_connections = args.log_connections
    if args.connect_latency_ms < 0:
        ap.error("--connect-latency-ms must be >= 0")
    server.connect_latency = args.connect_latency_ms / 1000.0
    if args.idle_timeout <= 0:
        ap.error("--idle-timeout must be > 0")
    server.idle_timeout = args.idle_timeout
    server.creds = None
    if args.access_key:
        server.creds = Credentials(args.region)
        server.creds.add(args.access_key, args.secret_key)
        if args.temp_credentials:
            server.creds.add(*args.temp_credentials)
    port = server.server_address[1]

    stopping = threading.Event()

    def stop(reason):
        if not stopping.is_set():
            stopping.set()
            log("s3server: stopping (%s)" % reason)
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, lambda *_: stop("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: stop("SIGINT"))
    if args.max_lifetime > 0:
        timer = threading.Timer(args.max_lifetime, stop, args=("max lifetime reached",))
        timer.daemon = True
        timer.start()

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    log("s3server: listening on http://127.0.0.1:%d root=%s auth=%s pid=%d" %
        (port, server.store.root, "sigv4" if server.creds else "anonymous", os.getpid()))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    log("s3server: stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
