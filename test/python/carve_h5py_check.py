# SPDX-License-Identifier: BSD-3-Clause
"""carve_h5py_check — which h5py, which HDF5, which connector: asserted in every Python test of carve.

Imported by the test programs (check()) and loaded into h5py's own suite as a pytest plugin
(``-p carve_h5py_check``), it checks that:
  * h5py is imported from $CARVE_TEST_H5PY_SITE (the h5py built on carve's HDF5, not a distribution's);
  * h5py.version.hdf5_version is $CARVE_TEST_HDF5_VERSION;
  * exactly one libhdf5 is mapped in the process (/proc/self/maps), and it is $CARVE_TEST_HDF5_LIB
    (resolved) when that is set: never two HDF5 libraries in one process;
  * a file opened with h5py's defaults is served by the connector HDF5_VOL_CONNECTOR names ("native"
    without it; "carve" with it), asked with H5VLget_connector_name, and libcarve_vol.so is mapped
    exactly when carve is selected.
The result is written as JSON to $CARVE_TEST_IDENTITY (the test drivers read it) and printed.
"""
import ctypes
import json
import os
import sys
import tempfile


def mapped_libraries():
    """The resolved paths of the libhdf5 and libcarve_vol objects mapped in this process."""
    hdf5, carve = set(), set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) < 6:
                continue
            path = fields[-1]
            name = os.path.basename(path)
            if name.startswith(("libhdf5.so", "libhdf5_serial.so")):
                hdf5.add(os.path.realpath(path))
            elif name.startswith("libcarve_vol"):
                carve.add(os.path.realpath(path))
    return sorted(hdf5), sorted(carve)


def connector_of(h5py, fid):
    """H5VLget_connector_name of an open file id, through the libhdf5 h5py loaded."""
    hdf5, _ = mapped_libraries()
    lib = ctypes.CDLL(hdf5[0])
    lib.H5VLget_connector_name.restype = ctypes.c_ssize_t
    lib.H5VLget_connector_name.argtypes = [ctypes.c_int64, ctypes.c_char_p, ctypes.c_size_t]
    buf = ctypes.create_string_buffer(64)
    n = lib.H5VLget_connector_name(fid.id, buf, len(buf))
    return buf.value.decode() if n >= 0 else "?"


def identity():
    import h5py
    with tempfile.TemporaryDirectory(prefix="carve-h5py-check.") as d:
        with h5py.File(os.path.join(d, "probe.h5"), "w") as f:
            f["x"] = [1, 2, 3]
            connector = connector_of(h5py, f.id)
    hdf5, carve = mapped_libraries()
    return {
        "h5py": h5py.version.version,
        "h5py_dir": os.path.dirname(os.path.realpath(h5py.__file__)),
        "hdf5_version": h5py.version.hdf5_version,
        "libhdf5": hdf5,
        "libcarve_vol": carve,
        "connector": connector,
        "python": sys.executable,
    }


def problems(ident):
    """What is wrong with an identity() against the environment's expectations (an empty list: nothing)."""
    out = []
    site = os.environ.get("CARVE_TEST_H5PY_SITE")
    if site and ident["h5py_dir"] != os.path.join(os.path.realpath(site), "h5py"):
        out.append("h5py comes from %s, not from %s" % (ident["h5py_dir"], site))
    want = os.environ.get("CARVE_TEST_HDF5_VERSION")
    if want and ident["hdf5_version"] != want:
        out.append("h5py runs on HDF5 %s, carve on %s" % (ident["hdf5_version"], want))
    if len(ident["libhdf5"]) != 1:
        out.append("%d HDF5 libraries are mapped: %s" % (len(ident["libhdf5"]), ident["libhdf5"]))
    lib = os.environ.get("CARVE_TEST_HDF5_LIB")
    if lib and ident["libhdf5"] != [os.path.realpath(lib)]:
        out.append("the HDF5 mapped is %s, not carve's %s" % (ident["libhdf5"], os.path.realpath(lib)))
    connector = os.environ.get("HDF5_VOL_CONNECTOR", "").split(" ")[0] or "native"
    if ident["connector"] != connector:
        out.append("files are served by connector %r, not %r" % (ident["connector"], connector))
    if (connector == "carve") != bool(ident["libcarve_vol"]):
        out.append("libcarve_vol.so is %smapped with connector %r" %
                   ("" if ident["libcarve_vol"] else "not ", connector))
    return out


def recorded_identity():
    """The identity with its problems, written to CARVE_TEST_IDENTITY when that is set."""
    ident = identity()
    ident["problems"] = problems(ident)
    path = os.environ.get("CARVE_TEST_IDENTITY")
    if path:
        with open(path, "w") as out:
            json.dump(ident, out, indent=1)
    return ident


def check():
    """Asserts the identity (raises SystemExit naming the problems), records it, and returns it."""
    ident = recorded_identity()
    print("carve-check: h5py %s from %s on HDF5 %s (%s), connector %s" %
          (ident["h5py"], ident["h5py_dir"], ident["hdf5_version"], ",".join(ident["libhdf5"]),
           ident["connector"]), file=sys.stderr)
    if ident["problems"]:
        raise SystemExit("carve-check: " + "; ".join(ident["problems"]))
    return ident


# --- the pytest plugin: checked once the session ends (every library the suite loaded is mapped) ---------
def pytest_sessionfinish(session, exitstatus):
    ident = recorded_identity()
