#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""s3client.py — the few S3 requests carve's test fixtures need, against s3server.py (stdlib only).

usage: s3client.py [--access-key ID --secret-key SECRET --region R] URL mb
       s3client.py [...] URL put FILE
       s3client.py [...] URL get OUTPUT
  URL is path style: http://127.0.0.1:PORT/bucket (mb: make bucket; an existing one is fine) or
  http://127.0.0.1:PORT/bucket/key (put: upload FILE; get: download to OUTPUT). With keys, requests are
  signed with AWS SigV4 (x-amz-content-sha256 = the body's sha256). Exit status 0 on success; on an HTTP
  error the status and the S3 error body go to stderr, exit 1.
"""

import argparse
import datetime
import hashlib
import hmac
import http.client
import sys
import urllib.parse


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign(method, url, headers, payload_hash, access_key, secret_key, region):
    """Adds x-amz-date, x-amz-content-sha256 and Authorization to headers (a dict, Host included)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    headers["x-amz-date"] = amz_date
    headers["x-amz-content-sha256"] = payload_hash
    parts = urllib.parse.urlsplit(url)
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    signed = sorted(lower)
    creq = "\n".join([
        method,
        urllib.parse.quote(urllib.parse.unquote(parts.path), safe="/~"),
        "",
        "".join("%s:%s\n" % (k, lower[k]) for k in signed),
        ";".join(signed),
        payload_hash,
    ])
    scope = "%s/%s/s3/aws4_request" % (amz_date[:8], region)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = _hmac(("AWS4" + secret_key).encode(), amz_date[:8])
    for part in (region, "s3", "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s,SignedHeaders=%s,Signature=%s" % (
        access_key, scope, ";".join(signed), signature)


def request(method, url, body, args):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit("s3client: only http://host:port/... URLs are supported")
    headers = {"Host": parts.hostname}  # signed without the port, as HDF5's ROS3 driver does
    if args.access_key:
        sign(method, url, headers, hashlib.sha256(body).hexdigest(), args.access_key, args.secret_key, args.region)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    try:
        conn.putrequest(method, parts.path, skip_host=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body:
            conn.send(body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--access-key")
    ap.add_argument("--secret-key")
    ap.add_argument("--region")
    ap.add_argument("url")
    ap.add_argument("op", choices=["mb", "put", "get"])
    ap.add_argument("file", nargs="?")
    args = ap.parse_args(argv)
    if args.access_key and not (args.secret_key and args.region):
        ap.error("--access-key needs --secret-key and --region")
    if args.op in ("put", "get") and not args.file:
        ap.error("%s needs a file" % args.op)

    try:
        return run(args)
    except OSError as exc:
        sys.stderr.write("s3client: %s %s: %s\n" % (args.op, args.url, exc))
        return 1


def run(args):
    if args.op == "mb":
        status, data = request("PUT", args.url, b"", args)
        ok = status == 200 or (status == 409 and b"BucketAlreadyOwnedByYou" in data)
    elif args.op == "put":
        with open(args.file, "rb") as f:
            body = f.read()
        status, data = request("PUT", args.url, body, args)
        ok = status == 200
    else:
        status, data = request("GET", args.url, b"", args)
        ok = status == 200
        if ok:
            with open(args.file, "wb") as f:
                f.write(data)
    if not ok:
        sys.stderr.write("s3client: %s %s: HTTP %d\n%s\n" % (args.op, args.url, status, data.decode(errors="replace")))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
