# SPDX-License-Identifier: BSD-3-Clause
"""xarray_case — xarray (engine h5netcdf, on the h5py built on carve's HDF5) reading a netCDF-4 file.

    python3 xarray_case.py make <path>    writes a netCDF-4 file natively: temperature(time, lat, lon),
                                          chunked and deflated, with coordinates and attributes
    python3 xarray_case.py read <path>    opens it with xr.open_dataset(engine="h5netcdf"), selects a region
                                          and a time range, computes means (eagerly, and with dask when it is
                                          installed), and prints what it got: the same lines natively, carved
                                          and replayed.
Both assert (carve_h5py_check) that the h5py xarray and h5netcdf use is the tested one, on carve's HDF5.
"""
import hashlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carve_h5py_check  # noqa: E402


def libraries():
    """Imports xarray and h5netcdf, and checks they run on the tested h5py."""
    import h5py
    import h5netcdf
    import xarray as xr
    ident = carve_h5py_check.check()
    used = os.path.dirname(os.path.realpath(h5netcdf.core.h5py.__file__))
    if used != ident["h5py_dir"]:
        raise SystemExit("h5netcdf uses the h5py in %s, not the tested one in %s" % (used, ident["h5py_dir"]))
    print("libraries: xarray %s, h5netcdf %s, h5py %s in %s (HDF5 %s)" %
          (xr.__version__, h5netcdf.__version__, h5py.version.version, used, h5py.version.hdf5_version),
          file=sys.stderr)
    return xr


def make(path):
    xr = libraries()
    import pandas as pd
    time = pd.date_range("2000-01-01", periods=48, freq="6H")
    lat = np.linspace(-60, 60, 61, dtype="f4")
    lon = np.linspace(0, 358, 180, dtype="f4")
    t, y, x = np.meshgrid(np.arange(48), lat, lon, indexing="ij")
    temp = (15 + 10 * np.cos(np.radians(y)) + np.sin(np.radians(x) + t / 8.0)).astype("f4")
    temp[5, 10:20, 30:40] = np.nan
    ds = xr.Dataset(
        {"temperature": (("time", "lat", "lon"), temp, {"units": "degC", "long_name": "air temperature"}),
         "station": (("lat",), np.arange(61, dtype="i4"), {"comment": "an index per latitude"})},
        coords={"time": time, "lat": ("lat", lat, {"units": "degrees_north"}),
                "lon": ("lon", lon, {"units": "degrees_east"})},
        attrs={"title": "carve xarray test", "history": "made by test/python/xarray_case.py"})
    encoding = {"temperature": {"zlib": True, "complevel": 4, "chunksizes": (8, 16, 32), "_FillValue": -999.0},
                "station": {"zlib": True}}
    ds.to_netcdf(path, engine="h5netcdf", format="NETCDF4", encoding=encoding)


def read(path):
    xr = libraries()
    out = []
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        out.append("dims %s" % sorted(ds.sizes.items()))
        out.append("attrs %s" % sorted(ds.attrs.items()))
        out.append("temperature attrs %s" % sorted((k, str(v)) for k, v in ds.temperature.attrs.items()))
        sub = ds.temperature.sel(lat=slice(-20, 30), lon=slice(100, 200),
                                 time=slice("2000-01-03", "2000-01-07T12:00"))
        out.append("region %s" % (dict(sub.sizes),))
        out.append("mean %.9g" % float(sub.mean()))
        out.append("time-mean digest %s" % hashlib.sha256(sub.mean("time").values.tobytes()).hexdigest()[:16])
        out.append("nan-count %d" % int(ds.temperature.isel(time=5).isnull().sum()))
        out.append("times %s .. %s" % (sub.time.values[0], sub.time.values[-1]))
    try:
        import dask  # noqa: F401
    except ImportError:
        out.append("dask: not installed")
    else:
        # With chunks=, xarray stats the path (os.path.getmtime, for dask's token) and fails where the origin
        # is gone: hand it an opened h5netcdf file instead, which carve serves from the container.
        import h5netcdf
        store = xr.backends.H5NetCDFStore(h5netcdf.File(path, "r"))
        with xr.open_dataset(store, chunks={"time": 8, "lat": 16, "lon": 32}) as ds:
            sub = ds.temperature.sel(lat=slice(-20, 30), lon=slice(100, 200),
                                     time=slice("2000-01-03", "2000-01-07T12:00"))
            out.append("dask mean %.9g" % float(sub.mean().compute(scheduler="synchronous")))
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "read"):
        raise SystemExit("usage: xarray_case.py make|read <path>")
    (make if sys.argv[1] == "make" else read)(sys.argv[2])
