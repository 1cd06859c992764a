#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bootstrap-h5py.sh — provides an h5py built on the HDF5 carve uses, for carve's Python tests (test/python/).
#
# Owns: the cached h5py build under $CARVE_CACHE_DIR (default ~/.cache/carve).
#   1. the source: $CARVE_H5PY_SOURCE, else <repo>/../shared/sources/h5py-3.13.0.tar.gz when it exists;
#      its sha256 must be h5py 3.13.0's;
#   2. checks (and, as root, installs) the Debian packages the build and the tests need;
#   3. builds it once with pip (no network, no build isolation) into
#      $CARVE_CACHE_DIR/h5py-3.13.0/<hdf5-tag>-py<X.Y>/site, one entry per HDF5 prefix and Python;
#   4. checks the result imports (from outside any source tree) on exactly that HDF5, and writes a stamp so
#      later runs reuse it in a fraction of a second.
# Without a source, an h5py already importable by <python> is used when it runs on the same HDF5 (>= 1.14)
# as carve; otherwise the Python tests are skipped (exit 77) with the reason and how to enable them.
#
# Usage: bootstrap-h5py.sh <hdf5-prefix> <python>
#   prints, on its last line, the directory to put first on PYTHONPATH (the h5py to test lives there);
#   exit 77: no usable h5py (the reason is on stderr and on the last line of stdout); other: an error.
# Environment: CARVE_H5PY_SOURCE, CARVE_CACHE_DIR
set -euo pipefail

H5PY_VERSION=3.13.0
H5PY_SHA256=92fd9ad21fcdd503dddb91457aa0feb9da1a408b4d9cb2e997e94ebe48ceb0c4
# Bump when the build recipe below changes, so caches built by an older recipe are rebuilt.
RECIPE=1

log() { printf 'carve-bootstrap-h5py: %s\n' "$*" >&2; }
die() { printf 'carve-bootstrap-h5py: error: %s\n' "$*" >&2; exit 1; }
skip() { printf 'carve-bootstrap-h5py: %s\n' "$*" >&2; echo "$*"; exit 77; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=debian-lib.sh
source "$here/debian-lib.sh"

[ $# -eq 2 ] || die "usage: $0 <hdf5-prefix> <python>"
hdf5=$(cd "$1" 2>/dev/null && pwd) || die "HDF5 prefix '$1' does not exist"
python=$2
[ -f "$hdf5/include/H5pubconf.h" ] || die "$hdf5/include/H5pubconf.h not found: '$1' is not an HDF5 install prefix"
hdf5_lib=$(readlink -f "$(ls "$hdf5"/lib/libhdf5.so.[0-9]* 2>/dev/null | head -n1)") ||
  die "no shared libhdf5 in $hdf5/lib"
hdf5_version=$(sed -n 's/^#define H5_VERSION "\(.*\)"$/\1/p' "$hdf5/include/H5pubconf.h")
how_to="set CARVE_H5PY_SOURCE to h5py-$H5PY_VERSION.tar.gz (sha256 $H5PY_SHA256) and configure again"

# check_h5py <site-dir or ""> : the h5py <python> imports (with <site-dir> first) runs on $hdf5_lib.
# Prints "version hdf5-version libhdf5-path h5py-dir" and fails when it is another HDF5.
check_h5py() {
  (cd / && env -u HDF5_VOL_CONNECTOR -u HDF5_PLUGIN_PATH PYTHONPATH="$1${1:+${PYTHONPATH:+:}}${PYTHONPATH:-}" \
     "$python" - "$hdf5_lib" <<'EOF'
import os, sys
import h5py
libs = set()
with open("/proc/self/maps") as maps:
    for line in maps:
        path = line.split()[-1]
        if "/libhdf5.so" in path or "/libhdf5_serial.so" in path:
            libs.add(os.path.realpath(path))
print(h5py.version.version, h5py.version.hdf5_version, ",".join(sorted(libs)), os.path.dirname(h5py.__file__))
sys.exit(0 if libs == {sys.argv[1]} else 3)
EOF
  )
}

# --- 1. the source ------------------------------------------------------------------------
src=${CARVE_H5PY_SOURCE:-}
if [ -z "$src" ] && [ -f "$repo/../shared/sources/h5py-$H5PY_VERSION.tar.gz" ]; then
  src=$(cd "$repo/../shared/sources" && pwd)/h5py-$H5PY_VERSION.tar.gz
fi
if [ -z "$src" ]; then
  # No source: an h5py the system already has, if it is built on carve's HDF5.
  if info=$(check_h5py "" 2>/dev/null); then
    read -r v hv lib dir <<<"$info"
    log "no h5py source (CARVE_H5PY_SOURCE unset); using the system's h5py $v (HDF5 $hv, $lib) from $dir"
    dirname "$dir"
    exit 0
  fi
  if info=$(check_h5py "" 2>/dev/null; true) && [ -n "$info" ]; then
    read -r v hv lib dir <<<"$info"
    skip "the system's h5py $v runs on HDF5 $hv ($lib), not on carve's HDF5 $hdf5_version ($hdf5_lib), and no h5py source was given: $how_to"
  fi
  skip "no h5py built on carve's HDF5 $hdf5_version and no h5py source was given: $how_to"
fi
[ -f "$src" ] || die "CARVE_H5PY_SOURCE '$src' is not a file"
src=$(cd "$(dirname "$src")" && pwd)/$(basename "$src")
sum=$(sha256sum "$src" | cut -d' ' -f1)
[ "$sum" = "$H5PY_SHA256" ] || die "$src has sha256 $sum, not h5py $H5PY_VERSION's $H5PY_SHA256"

pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || die "'$python' does not run"
cache_root=${CARVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/carve}
hdf5_tag=$(printf '%s' "$hdf5" | cksum | cut -d' ' -f1)
base="$cache_root/h5py-$H5PY_VERSION"
root="$base/$hdf5_tag-py$pyver"
site="$root/site"
stamp="$root/.carve-bootstrap-$RECIPE"

ready() { [ -f "$stamp" ] && [ -f "$site/h5py/__init__.py" ] && check_h5py "$site" >/dev/null 2>&1; }

# --- 2. packages (also the tests': pytest for h5py's suite, xarray and h5netcdf for test/python/xarray) ---
packages=(cython3 python3-numpy python3-pkgconfig python3-setuptools python3-dev python3-pip python3-pytest
          python3-xarray python3-h5netcdf python3-dask gcc)
if command -v dpkg-query >/dev/null 2>&1; then
  debian_ensure_packages "${packages[@]}"
fi

if ready; then
  echo "$site"
  exit 0
fi
mkdir -p "$base"
# Two builds (e.g. two checkouts configured at once) must not race on the cache.
exec 9>"$base/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if ready; then
  echo "$site"
  exit 0
fi

"$python" -c 'import numpy, Cython, pkgconfig, setuptools, pip' 2>/dev/null ||
  die "'$python' lacks numpy, Cython, pkgconfig, setuptools or pip (Debian: ${packages[*]})"

# --- 3. build -------------------------------------------------------------------------------
rm -rf "$root" && mkdir -p "$root"
log "building h5py $H5PY_VERSION against HDF5 $hdf5_version in $hdf5 for Python $pyver (about 100 s on 2 cores)"
# From a scratch directory: pip unpacks the tarball itself; nothing is fetched (--no-index).
(cd "$root" && env -u HDF5_VOL_CONNECTOR -u HDF5_PLUGIN_PATH HDF5_DIR="$hdf5" HDF5_VERSION="$hdf5_version" \
   H5PY_SETUP_REQUIRES=0 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
   "$python" -m pip install --no-build-isolation --no-deps --no-index --target "$site" "$src") \
  > "$root/build.log" 2>&1 || die "building h5py failed; see $root/build.log"

# --- 4. check -----------------------------------------------------------------------------
info=$(check_h5py "$site") ||
  die "the new h5py does not run on $hdf5_lib alone (got: ${info:-no output}); see $root/build.log"
read -r v hv lib dir <<<"$info"
[ "$v" = "$H5PY_VERSION" ] && [ "$hv" = "$hdf5_version" ] && [ "$dir" = "$site/h5py" ] ||
  die "the new h5py is $v on HDF5 $hv from $dir, not $H5PY_VERSION on $hdf5_version from $site/h5py"
touch "$stamp"
log "h5py $H5PY_VERSION (HDF5 $hv) ready in $site"
echo "$site"
