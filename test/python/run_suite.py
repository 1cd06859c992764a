# SPDX-License-Identifier: BSD-3-Clause
"""run_suite — h5py's own test suite (pytest --pyargs h5py) natively and through carve, test by test.

    python3 run_suite.py <mode> <work-dir> <native-work-dir>      mode: native | off | carve | replay

native   runs the suite without carve; its JUnit XML is the reference of the other modes.
off      HDF5_VOL_CONNECTOR="carve mode=off"  (pass-through)
carve    HDF5_VOL_CONNECTOR="carve mode=carve;dir=<work>/containers": h5py's read-only files (its data
         files, the tests' own files) are carved; at least one container must be written.
replay   a carve pass of the suite into <work>/containers first (its outcomes are the carve mode's
         business), then the asserted pass with "carve mode=replay;dir=<work>/containers": the files that
         keep their names between runs (h5py's data files) are served from their containers, which must
         count replay hits.
Every asserted pass must give each test the native run's outcome (junit_compare.py), and must have loaded
the h5py, HDF5 and connector the environment names (carve_h5py_check, loaded as a pytest plugin).

Each pass runs from a fresh scratch directory (with TMPDIR inside it) with -p no:cacheprovider, and is
bounded by CARVE_SUITE_BUDGET seconds (default 150). Environment from ctest: CARVE_TEST_H5PY_SITE,
CARVE_TEST_HDF5_VERSION, CARVE_TEST_HDF5_LIB, HDF5_PLUGIN_PATH.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import junit_compare  # noqa: E402

BUDGET = float(os.environ.get("CARVE_SUITE_BUDGET", "150"))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_pass(label, work, connector):
    """One run of the suite; returns (junit path, identity dict, seconds)."""
    scratch = os.path.join(work, label)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(os.path.join(scratch, "tmp"))
    env = dict(os.environ)
    env.pop("HDF5_VOL_CONNECTOR", None)
    if not connector:
        # Natively, HDF5 must not even probe carve (it asks the plugins on the path when an open fails).
        env.pop("HDF5_PLUGIN_PATH", None)
    else:
        env["HDF5_VOL_CONNECTOR"] = connector
    site = os.environ["CARVE_TEST_H5PY_SITE"]
    env["PYTHONPATH"] = os.pathsep.join([site, HERE] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["TMPDIR"] = os.path.join(scratch, "tmp")
    env["CARVE_TEST_IDENTITY"] = os.path.join(scratch, "identity.json")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    junit = os.path.join(scratch, "junit.xml")
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "h5py", "-rA", "-p", "no:cacheprovider",
           "-p", "carve_h5py_check", "--junitxml=" + junit]
    print("%s: %s%s" % (label, "HDF5_VOL_CONNECTOR=%r " % connector if connector else "", " ".join(cmd)))
    t0 = time.monotonic()
    with open(os.path.join(scratch, "pytest.log"), "w") as log:
        try:
            rc = subprocess.run(cmd, cwd=scratch, env=env, stdout=log, stderr=subprocess.STDOUT,
                                timeout=BUDGET).returncode
        except subprocess.TimeoutExpired:
            fail("%s: the suite took more than %.0f s (CARVE_SUITE_BUDGET); see %s" % (label, BUDGET, log.name))
    seconds = time.monotonic() - t0
    with open(os.path.join(scratch, "pytest.log")) as log:
        lines = log.read().splitlines()
    tail = [l for l in lines if re.match(r"^=+ .*(passed|failed|error).* =+$", l)]
    print("%s: exit %d in %.1f s: %s" % (label, rc, seconds, tail[-1] if tail else "(no summary line)"))
    if not os.path.exists(junit):
        print("\n".join(lines[-30:]))
        fail("%s: pytest wrote no JUnit XML (exit %d); see %s" % (label, rc, log.name))
    try:
        with open(env["CARVE_TEST_IDENTITY"]) as f:
            ident = json.load(f)
    except OSError:
        fail("%s: the carve_h5py_check plugin recorded nothing" % label)
    print("%s: h5py %s from %s, HDF5 %s %s, connector %s, libcarve_vol %s" %
          (label, ident["h5py"], ident["h5py_dir"], ident["hdf5_version"], ident["libhdf5"],
           ident["connector"], ident["libcarve_vol"] or "not loaded"))
    if ident["problems"]:
        fail("%s: %s" % (label, "; ".join(ident["problems"])))
    return junit, ident, seconds


def manifests_counters(containers):
    """Sum of the replay counters (reads, hits, misses, partial) over the manifests in a directory."""
    total = {"reads": 0, "hits": 0, "misses": 0, "partial": 0}
    for manifest in glob.glob(os.path.join(containers, "*.carve.yaml")):
        with open(manifest) as f:
            text = f.read()
        m = re.search(r"^replay:\n((?:[ -].*\n?)*)", text, re.M)
        if not m:
            continue
        for key in total:
            v = re.search(r"^\s+%s:\s*(\d+)\s*$" % key, m.group(1), re.M)
            total[key] += int(v.group(1)) if v else 0
    return total


def main(argv):
    if len(argv) != 4 or argv[1] not in ("native", "off", "carve", "replay"):
        raise SystemExit("usage: run_suite.py native|off|carve|replay <work-dir> <native-work-dir>")
    mode, work, native_work = argv[1], os.path.abspath(argv[2]), os.path.abspath(argv[3])
    os.makedirs(work, exist_ok=True)
    containers = os.path.join(work, "containers")
    shutil.rmtree(containers, ignore_errors=True)
    os.makedirs(containers)

    if mode == "native":
        junit, _, _ = run_pass("native", work, None)
        result = junit_compare.outcomes(junit)
        print("native: %s (%d tests): the reference of the other modes" % (junit_compare.counts(result), len(result)))
        if not result:
            fail("native: no test ran")
        return 0

    reference = os.path.join(native_work, "native", "junit.xml")
    if not os.path.exists(reference):
        fail("no native run to compare with (%s): run python.suite.native first" % reference)
    if mode == "off":
        junit, _, _ = run_pass("off", work, "carve mode=off")
    elif mode == "carve":
        junit, _, _ = run_pass("carve", work, "carve mode=carve;dir={%s}" % containers)
    else:
        run_pass("carve-first", work, "carve mode=carve;dir={%s}" % containers)
        carved = sorted(os.path.basename(p) for p in glob.glob(os.path.join(containers, "*.carve.h5")))
        print("carve-first: %d containers for the replay: %s" % (len(carved), ", ".join(carved)))
        junit, _, _ = run_pass("replay", work, "carve mode=replay;dir={%s}" % containers)

    status = 0
    if mode in ("carve", "replay"):
        carved = glob.glob(os.path.join(containers, "*.carve.h5"))
        data_files = [p for p in carved if os.path.basename(p).startswith("vlen_string")]
        print("%s: %d containers written, %d of h5py's data files" % (mode, len(carved), len(data_files)))
        if not data_files:
            print("FAIL: %s: no container of h5py's data files (tests/data_files/*.h5) in %s" % (mode, containers))
            status = 1
    if mode == "replay":
        c = manifests_counters(containers)
        print("replay: counters over the containers: %s" % c)
        if c["hits"] == 0:
            print("FAIL: replay: no read was served from a container")
            status = 1

    ref, run = junit_compare.outcomes(reference), junit_compare.outcomes(junit)
    print("\n| run | passed | failed | skipped | errors |\n|---|---:|---:|---:|---:|")
    for label, r in (("native", ref), (mode, run)):
        c = junit_compare.counts(r)
        print("| %s | %d | %d | %d | %d |" % (label, c["passed"], c["failed"], c["skipped"], c["errors"]))
    diff = junit_compare.differences(ref, run)
    for test, a, b in diff:
        print("DIFF %s: %s natively, %s in mode %s" % (test, a, b, mode))
        if b in ("failed", "error"):
            show_failure(junit, test)
    if diff:
        print("FAIL: %s: %d of %d tests have another outcome than natively" % (mode, len(diff), len(ref)))
        status = 1
    else:
        print("%s: all %d tests have the native outcome" % (mode, len(ref)))
    print("PASS" if status == 0 else "FAIL")
    return status


def show_failure(junit, test):
    """The first lines of a failing test's message, from the JUnit XML."""
    import xml.etree.ElementTree as ET
    for case in ET.parse(junit).getroot().iter("testcase"):
        if "%s::%s" % (case.get("classname"), case.get("name")) == test:
            for child in case:
                if child.tag in ("failure", "error"):
                    print("    " + (child.get("message") or "").splitlines()[0][:300])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
