# SPDX-License-Identifier: BSD-3-Clause
"""run_xarray — xarray_case.py natively, carved into a bundle, and replayed with the origin gone.

    python3 run_xarray.py <work-dir>

The netCDF-4 file is made natively in <work>/data; it is read natively, in mode carve with dir=<work>/bundle,
then <work>/data is moved away and it is read in mode replay from the bundle alone. Each run must print
native's results, the replay must be all hits (manifest counters), and every run must have used the tested
h5py (xarray_case.py asserts it, and this checks what it said).
Environment from ctest: HDF5_PLUGIN_PATH, CARVE_TEST_H5PY_SITE, CARVE_TEST_HDF5_VERSION, CARVE_TEST_HDF5_LIB.
"""
import glob
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_workloads as rw  # noqa: E402

PROGRAM = os.path.join(HERE, "xarray_case.py")


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: run_xarray.py <work-dir>")
    work = os.path.abspath(argv[1])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "data"))
    bundle = os.path.join(work, "bundle")
    os.makedirs(bundle)
    target = os.path.join("data", "air.nc")

    rw.run(work, "make", "make", None, PROGRAM, target)
    native = rw.run(work, "native", "read", None, PROGRAM, target)
    print(native)
    rw.check("mean " in native and "region " in native, "native: a region and its mean were read")
    rw.compare("carve", native, rw.run(work, "carve", "read", "carve mode=carve;dir={%s}" % bundle, PROGRAM, target))
    carved = [os.path.basename(p) for p in glob.glob(os.path.join(bundle, "air.nc-*.carve.h5"))]
    rw.check(len(carved) == 1, "carve: one container for air.nc in the bundle (%s)" % carved)

    os.rename(os.path.join(work, "data"), os.path.join(work, "data.away"))
    before = rw.counters(bundle)
    rw.compare("replay-gone", native, rw.run(work, "replay-gone", "read", "carve mode=replay;dir={%s}" % bundle,
                                             PROGRAM, target))
    rw.replay_all_hits("replay-gone", bundle, before, rw.counters(bundle))

    for label in ("native", "carve", "replay-gone"):
        with open(os.path.join(work, label + ".err")) as f:
            said = [l for l in f.read().splitlines() if l.startswith(("carve-check:", "libraries:"))]
        print("%s: %s" % (label, " | ".join(said)))
        h5py_dir = os.path.join(os.path.realpath(os.environ["CARVE_TEST_H5PY_SITE"]), "h5py")
        rw.check(any(l.startswith("libraries:") and (" in %s " % h5py_dir) in l for l in said),
                 "%s: xarray and h5netcdf ran on the tested h5py (%s)" % (label, h5py_dir))
    if rw.failures:
        print("FAIL: %d checks failed" % len(rw.failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
