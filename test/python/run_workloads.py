# SPDX-License-Identifier: BSD-3-Clause
"""run_workloads — workloads.py natively, carved and replayed, its digests compared line by line.

    python3 run_workloads.py <placement> <work-dir>

placement beside: containers beside the origin (no dir=): native, carve, replay with the origin present.
placement bundle: containers in <work>/bundle (dir=): native, carve, replay with the origin present, then
                  the origin's whole directory moved away and replay again (the bundle alone).
placement ros3:   the files in a bucket of test/s3's server, read with driver="ros3" (h5py's S3 access):
                  native, carve (dir=), replay, then the container directory copied elsewhere and replayed
                  from the copy, with the server up and once it is stopped (the containers alone).
Every run must print native's digests; each replay must be all hits (the replay counters it adds to the
manifests: misses 0, partial 0, hits = reads > 0), since it reads exactly what the carve read. The
programs open the files by the same relative name (data/zoo.h5) from <work>.
Environment from ctest: HDF5_PLUGIN_PATH, CARVE_TEST_H5PY_SITE, CARVE_TEST_HDF5_VERSION, CARVE_TEST_HDF5_LIB.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "workloads.py")
failures = []


def check(ok, what):
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def env_for(connector):
    env = dict(os.environ)
    env.pop("HDF5_VOL_CONNECTOR", None)
    if connector:
        env["HDF5_VOL_CONNECTOR"] = connector
    else:
        env.pop("HDF5_PLUGIN_PATH", None)
    site = os.environ["CARVE_TEST_H5PY_SITE"]
    env["PYTHONPATH"] = os.pathsep.join([site] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(work, label, action, connector, program=PROGRAM, target="data"):
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, program, action, target], cwd=work, env=env_for(connector),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    with open(os.path.join(work, label + ".out"), "w") as f:
        f.write(p.stdout)
    with open(os.path.join(work, label + ".err"), "w") as f:
        f.write(p.stderr)
    print("%s: %s (%s) exit %d in %.1f s" % (label, action, connector or "native", p.returncode,
                                             time.monotonic() - t0))
    if p.returncode != 0 or os.environ.get("CARVE_TEST_VERBOSE"):
        print(p.stderr[-3000:])
    check(p.returncode == 0, "%s: the program succeeded" % label)
    return p.stdout


def compare(label, native, out):
    a, b = native.splitlines(), out.splitlines()
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    for x, y in diff:
        print("  native: %s\n  %-6s: %s" % (x, label, y))
    check(len(a) == len(b) and not diff and a,
          "%s: all %d digests equal native's (%d differ, %d vs %d lines)" % (label, len(a), len(diff), len(a), len(b)))


COUNTERS = ("reads", "hits", "misses", "partial")


def counters(containers):
    """{manifest name: {counter: value}} of the replay sections in a directory."""
    out = {}
    for manifest in sorted(glob.glob(os.path.join(containers, "*.carve.yaml"))):
        with open(manifest) as f:
            text = f.read()
        m = re.search(r"^replay:\n((?:[ -].*\n?)*)", text, re.M)
        values = {}
        for key in COUNTERS:
            v = re.search(r"^\s+%s:\s*(\d+)\s*$" % key, m.group(1), re.M) if m else None
            values[key] = int(v.group(1)) if v else 0
        out[os.path.basename(manifest)] = values
    return out


def replay_all_hits(label, containers, before, after):
    reads = 0
    for name, now in after.items():
        was = before.get(name, dict.fromkeys(COUNTERS, 0))
        d = {k: now[k] - was[k] for k in COUNTERS}
        print("  %s: %s" % (name, d))
        reads += d["reads"]
        check(d["misses"] == 0 and d["partial"] == 0 and d["hits"] == d["reads"],
              "%s: %s: every read a hit (reads %d, hits %d, misses %d, partial %d)" %
              (label, name, d["reads"], d["hits"], d["misses"], d["partial"]))
    check(reads > 0, "%s: the replay counted %d reads in %s" % (label, reads, containers))


S3 = os.path.join(HERE, "..", "s3")


def s3(*args):
    """test/s3's fixture script (start: a server holding data/*.h5 in a bucket; stop), its output shown."""
    p = subprocess.run(["bash", os.path.join(S3, "s3_fixture.sh")] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    print(p.stdout.rstrip())
    return p.returncode


def over_s3(work):
    """placement ros3: the files in a bucket of the test S3 server, read with driver="ros3"."""
    data, state = os.path.join(work, "data"), os.path.join(work, "s3")
    run(work, "make", "make", None)
    check(s3("start", state, data, "pybucket") == 0, "ros3: the test S3 server holds the files")
    try:
        with open(os.path.join(state, "port")) as f:
            url = "http://127.0.0.1:%s/pybucket" % f.read().strip()
        bundle, copied = os.path.join(work, "bundle"), os.path.join(work, "elsewhere", "copied")
        os.makedirs(bundle)
        native = run(work, "native", "read", None, target=url)
        check(native.count("\n") > 40, "native: %d cases read over S3" % native.count("\n"))
        compare("carve", native, run(work, "carve", "read", "carve mode=carve;dir={%s}" % bundle, target=url))
        carved = sorted(os.path.basename(p) for p in glob.glob(os.path.join(bundle, "*.carve.h5")))
        print("carve: containers: %s" % ", ".join(carved))
        check(any(c.startswith("zoo.h5-") for c in carved), "carve: zoo.h5 has a container in %s" % bundle)
        check(any(c.startswith("ext.h5-") for c in carved), "carve: ext.h5 (an external link's target, a URL "
              "too) has a container")
        before = counters(bundle)
        compare("replay", native, run(work, "replay", "read", "carve mode=replay;dir={%s}" % bundle, target=url))
        replay_all_hits("replay", bundle, before, counters(bundle))
        # The container directory copied to another place, with the server up, then stopped.
        shutil.copytree(bundle, copied)
        for label in ("replay-copied", "replay-copied-server-gone"):
            if label == "replay-copied-server-gone":
                check(s3("stop", state) == 0, "ros3: the server stopped")
            before = counters(copied)
            compare(label, native, run(work, label, "read", "carve mode=replay;dir={%s}" % copied, target=url))
            replay_all_hits(label, copied, before, counters(copied))
    finally:
        s3("stop", state)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("beside", "bundle", "ros3"):
        raise SystemExit("usage: run_workloads.py beside|bundle|ros3 <work-dir>")
    placement, work = argv[1], os.path.abspath(argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if placement == "ros3":
        over_s3(work)
        return finish()
    data = os.path.join(work, "data")
    if placement == "beside":
        containers, where = data, ""
    else:
        containers = os.path.join(work, "bundle")
        os.makedirs(containers)
        where = ";dir={%s}" % containers

    run(work, "make", "make", None)
    native = run(work, "native", "read", None)
    check(native.count("\n") > 40, "native: %d cases read" % native.count("\n"))
    compare("carve", native, run(work, "carve", "read", "carve mode=carve" + where))
    carved = sorted(os.path.basename(p) for p in glob.glob(os.path.join(containers, "*.carve.h5")))
    print("carve: containers: %s" % ", ".join(carved))
    check(any(c.startswith("zoo.h5-") for c in carved), "carve: zoo.h5 has a container in %s" % containers)
    check(any(c.startswith("ext.h5-") for c in carved), "carve: ext.h5 (an external link's target) has a container")

    before = counters(containers)
    compare("replay", native, run(work, "replay", "read", "carve mode=replay" + where))
    replay_all_hits("replay", containers, before, counters(containers))

    if placement == "bundle":
        away = os.path.join(work, "data.away")
        os.rename(data, away)
        try:
            before = counters(containers)
            compare("replay-gone", native, run(work, "replay-gone", "read", "carve mode=replay" + where))
            replay_all_hits("replay-gone", containers, before, counters(containers))
        finally:
            os.rename(away, data)
    return finish()


def finish():
    if failures:
        print("FAIL: %d checks failed" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
