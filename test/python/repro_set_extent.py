# SPDX-License-Identifier: BSD-3-Clause
"""repro_set_extent — carve bug reproducer: a read after H5Dset_extent is refused in mode carve.

    python3 repro_set_extent.py <work-dir>

In a file h5py creates (open for writing, so carve passes it through), a chunked dataset is read, extended
with Dataset.resize (H5Dset_extent) and read whole again with a hyperslab of the new extent (h5py's way).
Natively and in mode off the second read gives the fill values; in mode carve it fails with
"selection record outside the extent (10 elements) in dimension 0" (carve keeps the extent the dataset had
at its first read). Carving must never change what a program sees: this asserts mode carve reads what
native reads. (h5py's own suite shows it as TestFillTime::test_resize_chunk_fill_time_default/_never and
TestDatasetSwmrWrite::test_extend_dset_multiple in python.suite.carve.)
"""
import os
import subprocess
import sys

CHILD = r"""
import sys, h5py
with h5py.File(sys.argv[1], "w") as f:
    d = f.create_dataset("d", (10,), maxshape=(None,), chunks=(5,), dtype="i4", fillvalue=3)
    first = d[:]
    d.resize((11,))
    try:
        print("ok", first.tolist(), d[:].tolist())
    except OSError as e:
        print("OSError", e)
"""


def main(argv):
    work = os.path.abspath(argv[1])
    os.makedirs(work, exist_ok=True)
    out = {}
    for mode in ("native", "off", "carve"):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.environ["CARVE_TEST_H5PY_SITE"]
        if mode == "native":
            env.pop("HDF5_VOL_CONNECTOR", None)
            env.pop("HDF5_PLUGIN_PATH", None)
        else:
            env["HDF5_VOL_CONNECTOR"] = "carve mode=%s;dir={%s}" % (mode, work)
        p = subprocess.run([sys.executable, "-c", CHILD, os.path.join(work, mode + ".h5")], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        out[mode] = p.stdout.strip() or ("exit %d: %s" % (p.returncode, p.stderr.strip()[-500:]))
        print("%-6s: %s" % (mode, out[mode]))
    bad = [m for m in ("off", "carve") if out[m] != out["native"]]
    if bad or not out["native"].startswith("ok"):
        print("FAIL: mode %s reads otherwise than natively after H5Dset_extent" % " and ".join(bad))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
