# SPDX-License-Identifier: BSD-3-Clause
"""junit_compare — outcomes of a pytest run, test by test, from its JUnit XML (pytest --junitxml).

    python3 junit_compare.py <reference.xml> <run.xml>     exit 1 when any test's outcome differs

A test's outcome is the sorted set of what the XML says of it: passed, failed, error, skipped (a test that
failed and whose teardown errored is "error+failed"). Tests are named "<classname>::<name>".
"""
import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    """{test: outcome} of one JUnit XML file."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test = "%s::%s" % (case.get("classname", ""), case.get("name", ""))
        kinds = {child.tag for child in case if child.tag in ("failure", "error", "skipped")}
        kinds = {"failed" if k == "failure" else k for k in kinds} or {"passed"}
        found.setdefault(test, set()).update(kinds)
    return {test: "+".join(sorted(k - {"passed"} if len(k) > 1 else k)) for test, k in found.items()}


def counts(result):
    """passed/failed/skipped/errors as pytest's summary counts them (a test with an error counts once)."""
    c = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    for outcome in result.values():
        parts = outcome.split("+")
        if "error" in parts:
            c["errors"] += 1
            if "failed" in parts:
                c["failed"] += 1
        elif "failed" in parts:
            c["failed"] += 1
        elif "skipped" in parts:
            c["skipped"] += 1
        else:
            c["passed"] += 1
    return c


def differences(reference, run):
    """[(test, reference outcome, run outcome)] for every test whose outcome differs (or is missing)."""
    return [(t, reference.get(t, "absent"), run.get(t, "absent"))
            for t in sorted(set(reference) | set(run)) if reference.get(t) != run.get(t)]


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: junit_compare.py <reference.xml> <run.xml>")
    ref, run = outcomes(argv[1]), outcomes(argv[2])
    print("reference %s: %s" % (argv[1], counts(ref)))
    print("run       %s: %s" % (argv[2], counts(run)))
    diff = differences(ref, run)
    for test, a, b in diff:
        print("DIFF %s: %s in the reference, %s in the run" % (test, a, b))
    print("%d of %d tests differ" % (len(diff), len(set(ref) | set(run))))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
