#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""test_s3server.py — unit test of s3server.py (ctest: s3.server).

Starts the server as a subprocess (port 0 + --port-file, exactly as s3ctl.sh does) on a scratch
directory, anonymous and with SigV4 keys, and checks ranges, HEAD headers, 404s, PUT then GET, the
request log, keep-alive, the limits, SigV4 acceptance and rejection, the in-flight log and a fault aimed
at one range, the connection log with a dropped request and an idle connection closed, and a clean SIGTERM
shutdown.

The SigV4 signer used here is this file's own, written step by step from AWS's documentation (canonical
request, string to sign, signing key, signature), and checked first against AWS's published example
(GET /test.txt, Range bytes=0-9, signature f0e8bdb8...). The server's own verifier is checked against
the same example.

usage: test_s3server.py [<scratch-dir>]        prints one line per check and "N passed, M failed"
"""

import datetime
import email.utils
import hashlib
import hmac
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "s3server.py")

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS: %s" % what)
    else:
        failed += 1
        print("FAIL: %s%s" % (what, (" (" + detail + ")") if detail else ""))
    sys.stdout.flush()
    return ok


# --------------------------------------------------------------------------------------------------
# An independent SigV4 signer, step by step as in AWS's "Signature Calculations for the Authorization
# Header: Transferring Payload in a Single Chunk".

EMPTY_HASH = hashlib.sha256(b"").hexdigest()


def step1_canonical_request(method, path, query, headers, payload_hash):
    """headers: list of (name, value) to sign. Returns (canonical request, signed header list)."""
    lowered = sorted((name.lower(), " ".join(value.split())) for name, value in headers)
    canonical_headers = "".join(name + ":" + value + "\n" for name, value in lowered)
    signed_headers = ";".join(name for name, _ in lowered)
    canonical_uri = urllib.parse.quote(path, safe="/-_.~")
    canonical_query = "&".join(sorted(
        urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~")
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)))
    creq = (method + "\n" + canonical_uri + "\n" + canonical_query + "\n" + canonical_headers + "\n" +
            signed_headers + "\n" + payload_hash)
    return creq, signed_headers


def step2_string_to_sign(amz_date, region, creq):
    scope = amz_date[:8] + "/" + region + "/s3/aws4_request"
    return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + hashlib.sha256(creq.encode("utf-8")).hexdigest()


def step3_signing_key(secret, date, region):
    date_key = hmac.new(b"AWS4" + secret.encode(), date.encode(), hashlib.sha256).digest()
    date_region_key = hmac.new(date_key, region.encode(), hashlib.sha256).digest()
    date_region_service_key = hmac.new(date_region_key, b"s3", hashlib.sha256).digest()
    return hmac.new(date_region_service_key, b"aws4_request", hashlib.sha256).digest()


def step4_signature(key, sts):
    return hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(key_id, secret, region, method, path, query, headers, payload_hash, amz_date):
    creq, signed = step1_canonical_request(method, path, query, headers, payload_hash)
    sts = step2_string_to_sign(amz_date, region, creq)
    sig = step4_signature(step3_signing_key(secret, amz_date[:8], region), sts)
    return "AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request,SignedHeaders=%s,Signature=%s" % (
        key_id, amz_date[:8], region, signed, sig)


def now_amz(offset=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return t.strftime("%Y%m%dT%H%M%SZ")


# --------------------------------------------------------------------------------------------------
# Server processes


class ServerProc:
    def __init__(self, scratch, name, extra):
        self.dir = os.path.join(scratch, name)
        os.makedirs(self.dir, exist_ok=True)
        self.root = os.path.join(self.dir, "root")
        self.port_file = os.path.join(self.dir, "port")
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--root", self.root, "--port", "0", "--port-file", self.port_file,
             "--bucket", "bkt"] + extra, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("server did not start: " + open(self.log_path).read())
            time.sleep(0.05)
        self.port = int(open(self.port_file).read())

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def req_lines(self):
        with open(self.log_path) as f:
            return [line.rstrip("\n") for line in f if line.startswith("REQ ")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def request(conn, method, path, headers=None, body=None, skip_host=False, host=None):
    """A request with exactly these headers (http.client adds Host unless skip_host, and
    Content-Length for a body). Returns (status, {lower header: value}, body bytes)."""
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if not skip_host:
        conn.putheader("Host", host or "127.0.0.1")
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    if body:
        conn.send(body)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def xml_code(body):
    text = body.decode(errors="replace")
    if "<Code>" not in text:
        return None
    return text.split("<Code>", 1)[1].split("</Code>", 1)[0]


# --------------------------------------------------------------------------------------------------


def test_aws_example():
    # AWS's example: GET /test.txt from examplebucket, first 10 bytes, 2013-05-24, us-east-1.
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    headers = [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
               ("x-amz-content-sha256", EMPTY_HASH), ("x-amz-date", "20130524T000000Z")]
    creq, signed = step1_canonical_request("GET", "/test.txt", "", headers, EMPTY_HASH)
    sts = step2_string_to_sign("20130524T000000Z", "us-east-1", creq)
    check(sts.endswith("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"),
          "test signer: AWS example string to sign")
    sig = step4_signature(step3_signing_key(secret, "20130524", "us-east-1"), sts)
    check(sig == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
          "test signer: AWS example signature", sig)
    check(signed == "host;range;x-amz-content-sha256;x-amz-date", "test signer: AWS example signed headers")

    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, HERE)
    import s3server
    srv_sig, _, _ = s3server.sigv4_signature(
        secret, "GET", "/test.txt", "", {k.lower(): [v] for k, v in headers},
        ["host", "range", "x-amz-content-sha256", "x-amz-date"], EMPTY_HASH, "20130524T000000Z", "us-east-1")
    check(srv_sig == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
          "server verifier: AWS example signature", srv_sig)


def test_parse_range():
    import s3server
    cases = [("bytes=0-0", 10, (0, 0)), ("bytes=2-5", 10, (2, 5)), ("bytes=7-", 10, (7, 9)),
             ("bytes=-3", 10, (7, 9)), ("bytes=-30", 10, (0, 9)), ("bytes=5-100", 10, (5, 9)),
             ("bytes=0-1,4-5", 10, None), ("bytes=5-2", 10, None), ("items=0-1", 10, None),
             ("bytes=a-b", 10, None), (None, 10, None)]
    for header, size, want in cases:
        got = s3server.parse_range(header, size)
        check(got == want, "parse_range(%r, %d) = %r" % (header, size, want), "got %r" % (got,))
    for header, size in [("bytes=10-", 10), ("bytes=10-20", 10), ("bytes=-0", 10), ("bytes=0-0", 0),
                         ("bytes=-5", 0)]:
        try:
            s3server.parse_range(header, size)
            check(False, "parse_range(%r, %d) is unsatisfiable" % (header, size))
        except s3server.S3Error as e:
            check(e.status == 416 and e.headers.get("Content-Range") == "bytes */%d" % size,
                  "parse_range(%r, %d) is unsatisfiable (416, bytes */%d)" % (header, size, size))


def test_anonymous(scratch):
    srv = ServerProc(scratch, "anon", [])
    try:
        data = bytes((i * 7 + 3) % 251 for i in range(1000))
        path = os.path.join(srv.root, "bkt", "obj.bin")
        with open(path, "wb") as f:
            f.write(data)
        os.makedirs(os.path.join(srv.root, "bkt", "sub", "dir"))
        with open(os.path.join(srv.root, "bkt", "sub", "dir", "nested.bin"), "wb") as f:
            f.write(b"nested")
        open(os.path.join(srv.root, "bkt", "empty.bin"), "wb").close()
        n_requests = 0

        c = srv.conn()

        def req(method, p, headers=None, body=None, **kw):
            nonlocal n_requests
            n_requests += 1
            return request(c, method, p, headers, body, **kw)

        # GET whole
        st, h, body = req("GET", "/bkt/obj.bin")
        check(st == 200 and body == data, "GET whole object: 200 and all bytes")
        check(h.get("content-length") == "1000", "GET whole object: Content-Length")
        sock_before = c.sock

        # Ranges
        for rng, first, last in [("bytes=0-0", 0, 0), ("bytes=0-9", 0, 9), ("bytes=100-199", 100, 199),
                                 ("bytes=990-", 990, 999), ("bytes=-1", 999, 999), ("bytes=-25", 975, 999),
                                 ("bytes=-5000", 0, 999), ("bytes=995-5000", 995, 999),
                                 ("bytes=999-999", 999, 999)]:
            st, h, body = req("GET", "/bkt/obj.bin", {"Range": rng})
            check(st == 206 and body == data[first:last + 1] and
                  h.get("content-range") == "bytes %d-%d/1000" % (first, last) and
                  h.get("content-length") == str(last - first + 1),
                  "GET Range %s: 206, exactly bytes %d-%d, Content-Range" % (rng, first, last),
                  "status %d, %d bytes, %s" % (st, len(body), h.get("content-range")))
        for rng in ["bytes=1000-", "bytes=1000-1000", "bytes=5000-6000", "bytes=-0"]:
            st, h, body = req("GET", "/bkt/obj.bin", {"Range": rng})
            check(st == 416 and xml_code(body) == "InvalidRange" and h.get("content-range") == "bytes */1000",
                  "GET Range %s (past end): 416 InvalidRange, Content-Range bytes */1000" % rng,
                  "status %d" % st)
        for rng in ["bytes=0-1,5-6", "bytes=5-2", "items=0-9", "bytes=x-y"]:
            st, h, body = req("GET", "/bkt/obj.bin", {"Range": rng})
            check(st == 200 and body == data and "content-range" not in h,
                  "GET Range %s (multi-range/invalid, ignored as S3 does): 200 whole object" % rng, "status %d" % st)
        st, h, body = req("GET", "/bkt/empty.bin")
        check(st == 200 and body == b"" and h.get("content-length") == "0", "GET empty object: 200, 0 bytes")
        st, h, body = req("GET", "/bkt/empty.bin", {"Range": "bytes=0-0"})
        check(st == 416 and h.get("content-range") == "bytes */0", "GET empty object with Range: 416")
        st, h, body = req("GET", "/bkt/sub/dir/nested.bin", {"Range": "bytes=1-3"})
        check(st == 206 and body == b"est", "GET nested key with Range")
        check(c.sock is sock_before, "keep-alive: all of these on one connection")

        # HEAD
        st_info = os.stat(path)
        st, h, body = req("HEAD", "/bkt/obj.bin")
        check(st == 200 and body == b"", "HEAD: 200, no body")
        check(h.get("content-length") == "1000", "HEAD: Content-Length is the object's size")
        check(h.get("etag") == '"%s"' % hashlib.md5(data).hexdigest(), "HEAD: ETag is the quoted md5 hex", h.get("etag"))
        lm = h.get("last-modified", "")
        parsed = email.utils.parsedate_to_datetime(lm) if lm else None
        check(parsed is not None and lm.endswith(" GMT") and int(parsed.timestamp()) == int(st_info.st_mtime),
              "HEAD: Last-Modified is the file's mtime as an HTTP date", lm)
        check(h.get("accept-ranges") == "bytes", "HEAD: Accept-Ranges: bytes")
        st, h, body = req("HEAD", "/bkt/obj.bin", {"Range": "bytes=10-19"})
        check(st == 206 and body == b"" and h.get("content-length") == "10" and
              h.get("content-range") == "bytes 10-19/1000", "HEAD with Range: 206, Content-Length of the range")

        # 404s
        st, h, body = req("GET", "/bkt/missing.bin")
        check(st == 404 and xml_code(body) == "NoSuchKey" and "<Resource>/bkt/missing.bin</Resource>" in body.decode(),
              "GET missing key: 404 NoSuchKey (S3 XML)")
        st, h, body = req("GET", "/nobucket/obj.bin")
        check(st == 404 and xml_code(body) == "NoSuchBucket", "GET missing bucket: 404 NoSuchBucket")
        st, h, body = req("HEAD", "/bkt/missing.bin")
        check(st == 404 and body == b"", "HEAD missing key: 404, no body")
        st, h, body = req("GET", "/bkt/sub")
        check(st == 404 and xml_code(body) == "NoSuchKey", "GET a 'directory' key: 404 NoSuchKey")

        # PUT then GET
        payload = os.urandom(70000)
        st, h, body = req("PUT", "/bkt/up/loaded.bin", body=payload)
        check(st == 200 and h.get("etag") == '"%s"' % hashlib.md5(payload).hexdigest(), "PUT object: 200 + ETag")
        st, h, body = req("GET", "/bkt/up/loaded.bin", {"Range": "bytes=65536-"})
        check(st == 206 and body == payload[65536:], "GET after PUT: the uploaded bytes")
        st, h, body = req("PUT", "/bkt/up/loaded.bin", body=b"replaced")
        st2, _, body2 = req("GET", "/bkt/up/loaded.bin")
        check(st == 200 and body2 == b"replaced", "PUT over an object replaces it")
        check(not [n for n in os.listdir(os.path.join(srv.root, "bkt", "up")) if n.startswith(".upload-")],
              "PUT leaves no temporary file")
        st, h, body = req("PUT", "/newbkt", body=b"")
        check(st == 200 and os.path.isdir(os.path.join(srv.root, "newbkt")), "PUT bucket: created")
        st, h, body = req("PUT", "/newbkt", body=b"")
        check(st == 409 and xml_code(body) == "BucketAlreadyOwnedByYou", "PUT existing bucket: 409")
        st, h, body = req("PUT", "/Bad_Bucket", body=b"")
        check(st == 400 and xml_code(body) == "InvalidBucketName", "PUT invalid bucket name: 400")
        st, h, body = req("PUT", "/nobucket/k", body=b"x")
        check(st == 404 and xml_code(body) == "NoSuchBucket", "PUT into a missing bucket: 404 NoSuchBucket")
        st, h, body = req("PUT", "/bkt/nolength.bin")
        check(st == 411 and xml_code(body) == "MissingContentLength", "PUT without Content-Length: 411")
        c.close()

        # Unsafe paths (each on a fresh connection: raw paths)
        for raw in ["/bkt/../anon/port", "/bkt/a/../../x", "/bkt/%2e%2e/x", "/bkt//obj.bin", "/bkt/./obj.bin"]:
            c = srv.conn()
            n_requests += 1
            st, h, body = request(c, "GET", raw)
            c.close()
            check(st == 400 and xml_code(body) == "InvalidURI", "GET %s: 400 InvalidURI" % raw, "status %d" % st)
        c = srv.conn()
        n_requests += 1
        st, h, body = request(c, "PUT", "/bkt/../escape.bin", body=b"x")
        c.close()
        check(st == 400 and not os.path.exists(os.path.join(srv.root, "escape.bin")), "PUT with '..': refused")

        # Oversized body: refused before reading it, connection closed
        c = srv.conn()
        n_requests += 1
        st, h, body = request(c, "PUT", "/bkt/huge.bin", {"Content-Length": str((1 << 30) + 1)})
        check(st == 400 and xml_code(body) == "EntityTooLarge" and h.get("connection") == "close",
              "PUT of more than 1 GiB: 400 EntityTooLarge, connection closed")
        c.close()
        c = srv.conn()
        n_requests += 1
        st, h, body = request(c, "DELETE", "/bkt/obj.bin")
        c.close()
        check(st == 501 and os.path.exists(path), "DELETE: 501 NotImplemented, object kept")

        # The log: one REQ line per request, with method, path, range, status, bytes
        time.sleep(0.1)
        lines = srv.req_lines()
        check(len(lines) == n_requests, "log: one REQ line per request (%d)" % n_requests, "%d lines" % len(lines))
        check("REQ GET /bkt/obj.bin range=bytes=0-0 status=206 bytes=1" in lines, "log: a ranged GET's line")
        check("REQ HEAD /bkt/obj.bin range=- status=200 bytes=0" in lines, "log: a HEAD's line")
        check(any(l.startswith("REQ GET /bkt/obj.bin range=bytes=1000- status=416 ") for l in lines),
              "log: a 416's line")

        # Shutdown with an idle keep-alive connection still open (as libcurl leaves them)
        idle = srv.conn()
        request(idle, "HEAD", "/bkt/obj.bin")
        t0 = time.time()
        rc = srv.stop()
        check(rc == 0 and time.time() - t0 < 5, "SIGTERM: clean exit (status 0) within 5 s, idle connection open",
              "status %s" % rc)
        idle.close()
        log = open(srv.log_path).read()
        check("s3server: stopped" in log, "SIGTERM: 'stopped' logged")
    finally:
        srv.stop()


def test_sigv4(scratch):
    region, key_id, secret = "eu-central-1", "AKIDCARVETEST", "carve/secret+key=="
    tmp_id, tmp_secret, token = "ASIACARVETMP", "tmpsecret", "session-token-123"
    srv = ServerProc(scratch, "sigv4", ["--access-key", key_id, "--secret-key", secret, "--region", region,
                                        "--temp-credentials", tmp_id, tmp_secret, token])
    try:
        data = bytes(range(256)) * 4
        with open(os.path.join(srv.root, "bkt", "obj.bin"), "wb") as f:
            f.write(data)

        def signed_get(path="/bkt/obj.bin", rng="bytes=0-9", kid=key_id, sec=secret, reg=region, date=None,
                       host="127.0.0.1", sign_range=True, send_range=None, drop=(), extra=(), payload=EMPTY_HASH,
                       method="GET", body=None, send_host=None, send_path=None):
            amz = date or now_amz()
            headers = [("Host", host), ("x-amz-content-sha256", payload), ("x-amz-date", amz)] + list(extra)
            if rng is not None and sign_range:
                headers.append(("Range", rng))
            auth = authorization(kid, sec, reg, method, urllib.parse.unquote(path), "", headers, payload, amz)
            sent = {k: v for k, v in headers if k != "Host" and k not in drop}
            if rng is not None and not sign_range:
                sent["Range"] = rng
            if send_range is not None:
                sent["Range"] = send_range
            sent["Authorization"] = auth
            c = srv.conn()
            try:
                return request(c, method, send_path or path, sent, body, host=send_host or host)
            finally:
                c.close()

        st, h, body = signed_get()
        check(st == 206 and body == data[:10], "SigV4: signed ranged GET as ROS3 signs it (Host without port)",
              "status %d %s" % (st, body[:200]))
        st, h, body = signed_get(host="127.0.0.1:%d" % srv.port)
        check(st == 206, "SigV4: Host signed with the port (as SDKs send it) is accepted too")
        st, h, body = signed_get(rng=None, method="HEAD")
        check(st == 200 and h.get("content-length") == str(len(data)), "SigV4: signed HEAD")
        st, h, body = signed_get(payload="UNSIGNED-PAYLOAD")
        check(st == 206, "SigV4: x-amz-content-sha256 UNSIGNED-PAYLOAD on GET accepted")
        st, h, body = signed_get(rng="bytes=-4", sign_range=False)
        check(st == 206 and body == data[-4:], "SigV4: an unsigned Range header is allowed (as in S3)")
        st, h, body = signed_get(path="/bkt/missing.bin")
        check(st == 404 and xml_code(body) == "NoSuchKey", "SigV4: signed GET of a missing key: 404 NoSuchKey")

        # Rejections
        c = srv.conn()
        st, h, body = request(c, "GET", "/bkt/obj.bin", {"Range": "bytes=0-9"})
        c.close()
        check(st == 403 and xml_code(body) == "AccessDenied", "SigV4: anonymous request: 403 AccessDenied")
        c = srv.conn()
        st, h, body = request(c, "HEAD", "/bkt/obj.bin")
        c.close()
        check(st == 403 and body == b"", "SigV4: anonymous HEAD: 403, no body")
        st, h, body = signed_get(sec="wrong-secret")
        check(st == 403 and xml_code(body) == "SignatureDoesNotMatch", "SigV4: wrong secret: 403 SignatureDoesNotMatch")
        st, h, body = signed_get(kid="AKIDUNKNOWN")
        check(st == 403 and xml_code(body) == "InvalidAccessKeyId", "SigV4: unknown key id: 403 InvalidAccessKeyId")
        st, h, body = signed_get(send_range="bytes=0-99")
        check(st == 403 and xml_code(body) == "SignatureDoesNotMatch", "SigV4: tampered (signed) Range: 403")
        st, h, body = signed_get(send_host="127.0.0.2")
        check(st == 403 and xml_code(body) == "SignatureDoesNotMatch", "SigV4: Host changed after signing: 403")
        st, h, body = signed_get(send_path="/bkt/put3.bin")
        check(st == 403 and xml_code(body) == "SignatureDoesNotMatch", "SigV4: path changed after signing: 403")
        st, h, body = signed_get(drop=("x-amz-date",))
        check(st == 403, "SigV4: a signed header (x-amz-date) missing from the request: 403", "status %d" % st)
        amz = now_amz()
        hdrs = [("Host", "127.0.0.1"), ("x-amz-date", amz), ("Range", "bytes=0-9")]
        auth = authorization(key_id, secret, region, "GET", "/bkt/obj.bin", "", hdrs, EMPTY_HASH, amz)
        c = srv.conn()
        st, h, body = request(c, "GET", "/bkt/obj.bin", {"x-amz-date": amz, "Range": "bytes=0-9",
                                                          "Authorization": auth})
        c.close()
        check(st == 400 and xml_code(body) == "InvalidRequest",
              "SigV4: no x-amz-content-sha256 header: 400 InvalidRequest", "status %d" % st)
        st, h, body = signed_get(extra=[("x-amz-meta-foo", "bar")], drop=())
        check(st == 206, "SigV4: a signed x-amz-meta header is fine")
        # an x-amz-* header added after signing
        amz = now_amz()
        hdrs = [("Host", "127.0.0.1"), ("x-amz-content-sha256", EMPTY_HASH), ("x-amz-date", amz)]
        auth = authorization(key_id, secret, region, "GET", "/bkt/obj.bin", "", hdrs, EMPTY_HASH, amz)
        c = srv.conn()
        st, h, body = request(c, "GET", "/bkt/obj.bin", {"x-amz-content-sha256": EMPTY_HASH, "x-amz-date": amz,
                                                          "x-amz-meta-sneaky": "1", "Authorization": auth})
        c.close()
        check(st == 403, "SigV4: an unsigned x-amz-* header: 403")
        st, h, body = signed_get(date=now_amz(-3600))
        check(st == 403 and xml_code(body) == "RequestTimeTooSkewed", "SigV4: x-amz-date an hour old: 403 RequestTimeTooSkewed")
        st, h, body = signed_get(reg="us-west-2")
        check(st == 400 and xml_code(body) == "AuthorizationHeaderMalformed", "SigV4: wrong region in scope: 400")
        st, h, body = signed_get(payload="f" * 64)
        check(st == 400 and xml_code(body) == "XAmzContentSHA256Mismatch",
              "SigV4: GET whose payload hash is not the empty body's: 400")
        c = srv.conn()
        st, h, body = request(c, "GET", "/bkt/obj.bin", {"Authorization": "AWS4-HMAC-SHA256 Credential=x"})
        c.close()
        check(st == 400 and xml_code(body) == "AuthorizationHeaderMalformed", "SigV4: malformed Authorization: 400")

        # Signed PUT: the body's hash is signed and checked
        payload = b"uploaded through sigv4\n" * 100
        st, h, body = signed_get(path="/bkt/put.bin", rng=None, method="PUT", body=payload,
                                 payload=hashlib.sha256(payload).hexdigest())
        check(st == 200, "SigV4: signed PUT", "status %d %s" % (st, body[:200]))
        st, h, body = signed_get(path="/bkt/put.bin", rng="bytes=0-21")
        check(st == 206 and body == payload[:22], "SigV4: signed GET of what was PUT")
        st, h, body = signed_get(path="/bkt/put2.bin", rng=None, method="PUT", body=payload + b"x",
                                 payload=hashlib.sha256(payload).hexdigest())
        check(st == 400 and xml_code(body) == "XAmzContentSHA256Mismatch" and
              not os.path.exists(os.path.join(srv.root, "bkt", "put2.bin")),
              "SigV4: PUT whose body does not match x-amz-content-sha256: 400, nothing stored")
        st, h, body = signed_get(path="/bkt/put3.bin", rng=None, method="PUT", body=b"abc", payload="UNSIGNED-PAYLOAD")
        check(st == 200, "SigV4: PUT with UNSIGNED-PAYLOAD")

        # Temporary credentials need their session token
        st, h, body = signed_get(kid=tmp_id, sec=tmp_secret, extra=[("x-amz-security-token", token)])
        check(st == 206, "SigV4: temporary credentials with their (signed) session token")
        st, h, body = signed_get(kid=tmp_id, sec=tmp_secret)
        check(st == 403 and xml_code(body) == "InvalidToken", "SigV4: temporary credentials without a token: 403")
        st, h, body = signed_get(kid=tmp_id, sec=tmp_secret, extra=[("x-amz-security-token", "other")])
        check(st == 403 and xml_code(body) == "InvalidToken", "SigV4: temporary credentials, wrong token: 403")
    finally:
        rc = srv.stop()
        check(rc == 0, "SigV4 server: clean exit on SIGTERM", "status %s" % rc)


def test_inflight_and_fault_offset(scratch):
    """--log-inflight counts the requests being answered; --fault-offset picks one range among several."""
    srv = ServerProc(scratch, "inflight", ["--latency-ms", "300", "--log-inflight", "--fault", "status500",
                                           "--fault-offset", "10"])
    try:
        data = bytes(i % 251 for i in range(100))
        with open(os.path.join(srv.root, "bkt", "obj.bin"), "wb") as f:
            f.write(data)
        results = {}

        def get(rng):
            results[rng] = request(srv.conn(), "GET", "/bkt/obj.bin", {"Range": rng})

        # Three requests on three connections at once (each answer waits 300 ms), then one alone.
        threads = [threading.Thread(target=get, args=(r,)) for r in ("bytes=0-9", "bytes=10-19", "bytes=20-29")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        get("bytes=30-39")
        with open(srv.log_path) as f:
            inflight = [line.split() for line in f if line.startswith("INFLIGHT ")]
        counts = {fields[4]: int(fields[1]) for fields in inflight}
        check(len(inflight) == 4 and len(srv.req_lines()) == 4,
              "--log-inflight: one INFLIGHT line per request, REQ lines unchanged", "%d lines" % len(inflight))
        check(max(counts.get("range=bytes=%d-%d" % (a, a + 9), 0) for a in (0, 10, 20)) >= 2,
              "--log-inflight: requests answered together count each other", repr(counts))
        check(counts.get("range=bytes=30-39") == 1, "--log-inflight: a request alone counts 1", repr(counts))
        check(results["bytes=10-19"][0] == 500, "--fault-offset 10: the range starting at 10 gets the fault",
              "status %d" % results["bytes=10-19"][0])
        check(all(results["bytes=%d-%d" % (a, a + 9)][0] == 206 and results["bytes=%d-%d" % (a, a + 9)][2] ==
                  data[a:a + 10] for a in (0, 20, 30)),
              "--fault-offset 10: the other ranges are answered sanely")
    finally:
        srv.stop()


def wait_for_lines(path, prefix, count, seconds=10):
    """The log's lines starting with prefix, once there are at least count of them (or the time is up)."""
    deadline = time.time() + seconds
    while True:
        with open(path) as f:
            lines = [line.split() for line in f if line.startswith(prefix)]
        if len(lines) >= count or time.time() > deadline:
            return lines
        time.sleep(0.05)


def test_connections_and_drop(scratch):
    """--log-connections logs each connection; --fault drop closes one without an answer; --idle-timeout
    closes an idle kept-alive connection."""
    srv = ServerProc(scratch, "connections", ["--log-connections", "--idle-timeout", "0.5", "--fault", "drop",
                                              "--fault-after", "2", "--fault-count", "1"])
    try:
        data = bytes(i % 251 for i in range(100))
        with open(os.path.join(srv.root, "bkt", "obj.bin"), "wb") as f:
            f.write(data)
        c = srv.conn()
        st, _, body = request(c, "GET", "/bkt/obj.bin", {"Range": "bytes=0-9"})
        st2, _, body2 = request(c, "GET", "/bkt/obj.bin", {"Range": "bytes=10-19"})  # kept alive: same one
        check(st == 206 and body == data[:10] and st2 == 206 and body2 == data[10:20],
              "keep-alive: two answers on one connection")
        try:
            request(c, "GET", "/bkt/obj.bin", {"Range": "bytes=20-29"})
            dropped = False
        except (http.client.HTTPException, OSError):
            dropped = True
        c.close()
        check(dropped, "--fault drop: the request is not answered, its connection is closed")
        with open(srv.log_path) as f:
            text = f.read()
        check("FAULT drop GET /bkt/obj.bin" in text and len(srv.req_lines()) == 2,
              "--fault drop: logged as a FAULT, without a REQ line")
        c = srv.conn()
        st, _, body = request(c, "GET", "/bkt/obj.bin", {"Range": "bytes=20-29"})
        check(st == 206 and body == data[20:30], "--fault-count 1: the next connection is answered sanely")
        closed = wait_for_lines(srv.log_path, "DISCONNECT ", 2)
        check(len(closed) == 2, "--idle-timeout 0.5: the idle connection is closed by the server",
              "%d DISCONNECT lines" % len(closed))
        c.close()
        opened = wait_for_lines(srv.log_path, "CONNECT ", 2)
        check([fields[1] for fields in opened] == ["1", "2"], "--log-connections: CONNECT 1, CONNECT 2",
              repr(opened))
    finally:
        srv.stop()


def test_lifetime_and_port(scratch):
    srv = ServerProc(scratch, "lifetime", ["--max-lifetime", "1"])
    try:
        srv.proc.wait(timeout=10)
        check(srv.proc.returncode == 0, "--max-lifetime: the server stops by itself, status 0")
    except subprocess.TimeoutExpired:
        check(False, "--max-lifetime: the server stops by itself")
    finally:
        srv.stop()
    # a port in use: start-up fails with a message, not a hang
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    proc = subprocess.run([sys.executable, SERVER, "--root", os.path.join(scratch, "busy"), "--port", str(port)],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    blocker.close()
    check(proc.returncode != 0, "a busy port: start-up fails")
    proc = subprocess.run([sys.executable, SERVER, "--root", os.path.join(scratch, "x"), "--access-key", "a"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    check(proc.returncode == 2, "--access-key without secret/region: refused (usage error)")


def main():
    own = len(sys.argv) < 2
    scratch = tempfile.mkdtemp(prefix="carve-s3server.") if own else sys.argv[1]
    if not own:
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(scratch)
    try:
        test_aws_example()
        test_parse_range()
        test_anonymous(scratch)
        test_sigv4(scratch)
        test_inflight_and_fault_offset(scratch)
        test_connections_and_drop(scratch)
        test_lifetime_and_port(scratch)
    except Exception as exc:
        import traceback
        traceback.print_exc()
        check(False, "unexpected exception: %r" % (exc,))
    finally:
        if own:
            shutil.rmtree(scratch, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
