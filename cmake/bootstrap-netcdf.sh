#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bootstrap-netcdf.sh — builds netCDF-C (libnetcdf, ncgen, ncdump) against a given HDF5 for carve's
# client-compatibility tests (test/netcdf/).
#
# Owns: the cached netCDF-C build under $CARVE_CACHE_DIR (default ~/.cache/carve).
#   1. checks (and, as root, installs) the Debian build packages it needs (m4);
#   2. fetches Debian's trixie netcdf source package with a private apt state
#      (the system's apt sources are never touched);
#   3. configures a minimal build (netCDF-4/HDF5 on; DAP, byte-range, NCZarr, docs, tests, examples,
#      filter plugins off) against <hdf5-prefix>, builds and installs it;
#   4. writes a stamp so later runs reuse the result in a fraction of a second.
#
# Usage: bootstrap-netcdf.sh <hdf5-prefix>     prints the install prefix on its last line
# Environment: CARVE_CACHE_DIR, CARVE_JOBS (default: nproc)
set -euo pipefail

# Bump when the build recipe below changes, so caches built by an older recipe are rebuilt.
RECIPE=1

log() { printf 'carve-bootstrap-netcdf: %s\n' "$*" >&2; }
die() { printf 'carve-bootstrap-netcdf: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=debian-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debian-lib.sh"

[ $# -eq 1 ] || die "usage: $0 <hdf5-prefix>"
hdf5=$(cd "$1" 2>/dev/null && pwd) || die "HDF5 prefix '$1' does not exist"
[ -f "$hdf5/include/hdf5.h" ] || die "$hdf5/include/hdf5.h not found: '$1' is not an HDF5 install prefix"
ls "$hdf5"/lib/libhdf5.so* >/dev/null 2>&1 || die "no shared libhdf5 in $hdf5/lib"

cache_root=${CARVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/carve}
jobs=${CARVE_JOBS:-$(nproc 2>/dev/null || echo 2)}
# The build depends on the HDF5 it links: one cache entry per HDF5 prefix.
hdf5_tag=$(printf '%s' "$hdf5" | cksum | cut -d' ' -f1)

# The version is whatever Debian trixie serves; a previous run records it (fast path, no apt).
base="$cache_root/netcdf"
mkdir -p "$base"
ready() { # ready <root>: the stamp and the tools are there
  [ -f "$1/install/.carve-bootstrap-$RECIPE-$hdf5_tag" ] && [ -x "$1/install/bin/ncgen" ] &&
    [ -x "$1/install/bin/ncdump" ]
}
if [ -f "$base/current-$hdf5_tag" ]; then
  root=$(cat "$base/current-$hdf5_tag")
  if ready "$root"; then
    echo "$root/install"
    exit 0
  fi
fi

# Two builds (e.g. two checkouts configured at once) must not race on the cache.
exec 9>"$base/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if [ -f "$base/current-$hdf5_tag" ]; then
  root=$(cat "$base/current-$hdf5_tag")
  if ready "$root"; then
    echo "$root/install"
    exit 0
  fi
fi

# --- 1. build packages ---------------------------------------------------------------
debian_ensure_packages m4 make gcc dpkg-dev ca-certificates zlib1g-dev

# --- 2. source ------------------------------------------------------------------------
src_root="$base/src"
apt_dir="$base/apt"
mkdir -p "$src_root"
find_orig() { # the upstream tarball apt fetched (not its .asc signature), or nothing
  local f
  for f in "$src_root"/netcdf_*.orig.tar.*; do
    if [[ -f $f && $f != *.asc ]]; then
      echo "$f"
      return 0
    fi
  done
  return 0
}
orig=$(find_orig)
if [ -z "$orig" ]; then
  debian_fetch_source netcdf "$apt_dir" "$src_root" "$base/fetch.log" ||
    log "apt-get source netcdf reported errors (see $base/fetch.log); using the upstream tarball if it came"
  orig=$(find_orig)
  [ -n "$orig" ] || die "could not download the netcdf source package (no netcdf_*.orig.tar.* in $src_root); see $base/fetch.log"
fi
# netcdf_4.9.3.orig.tar.xz -> 4.9.3 (a "+ds"/"+dfsg" repack suffix is dropped)
version=$(basename "$orig" | sed -E 's/^netcdf_([0-9][0-9.]*[0-9]).*/\1/')
[[ $version =~ ^[0-9.]+$ ]] || die "cannot read a version from $(basename "$orig")"
root="$cache_root/netcdf-$version"
prefix="$root/install"
stamp="$prefix/.carve-bootstrap-$RECIPE-$hdf5_tag"
if ready "$root"; then
  echo "$root" > "$base/current-$hdf5_tag"
  echo "$prefix"
  exit 0
fi

src_dir="$root/src"
if [ ! -x "$src_dir/configure" ]; then
  rm -rf "$root/extract" "$src_dir" && mkdir -p "$root/extract"
  tar -xf "$orig" -C "$root/extract" || die "could not unpack $orig"
  top=$(find "$root/extract" -mindepth 1 -maxdepth 2 -name configure -printf '%h\n' | head -n1)
  [ -n "$top" ] || die "unexpected layout of $orig (no configure script)"
  mv "$top" "$src_dir"
  rm -rf "$root/extract"
fi

# --- 3. configure, build, install ----------------------------------------------------
# Ask configure which switches this version knows (as --enable-X or --disable-X), and pass only those.
help=$(cd "$src_dir" && ./configure --help) || die "$src_dir/configure --help failed"
opts=(--prefix="$prefix" --enable-shared --disable-static --enable-netcdf-4 --enable-hdf5)
off=(dap dap-remote-tests byterange nczarr nczarr-filters s3 libxml2 doxygen testsets examples
     filter-testing plugins unit-tests large-file-tests benchmarks hdf4 pnetcdf parallel4)
for f in "${off[@]}"; do
  if grep -qE -- "^ *--(en|dis)able-${f}([[ ,=]|$)" <<<"$help"; then
    opts+=("--disable-$f")
  fi
done

build="$root/build"
rm -rf "$build" "$prefix" && mkdir -p "$build"
log "configuring netCDF-C $version against $hdf5 (build in $build)"
log "configure ${opts[*]}"
(cd "$build" && CPPFLAGS="-I$hdf5/include" LDFLAGS="-L$hdf5/lib -Wl,-rpath,$hdf5/lib" \
   "$src_dir/configure" "${opts[@]}") > "$root/configure.log" 2>&1 ||
  die "netCDF-C configure failed; see $root/configure.log (and $build/config.log)"
grep -q '^#define USE_HDF5 1' "$build/config.h" ||
  die "netCDF-C was configured without HDF5 support; see $root/configure.log"
log "building netCDF-C with $jobs jobs (about half a minute on 2 cores)"
make -C "$build" -j "$jobs" > "$root/build.log" 2>&1 || die "netCDF-C build failed; see $root/build.log"
make -C "$build" install > "$root/install.log" 2>&1 || die "netCDF-C install failed; see $root/install.log"

# Confirm the result: the tools run, link the HDF5 given, and write netCDF-4.
for t in ncgen ncdump nc-config; do
  [ -x "$prefix/bin/$t" ] || die "$prefix/bin/$t was not installed; see $root/install.log"
done
[ "$("$prefix/bin/nc-config" --has-nc4)" = yes ] || die "the netCDF-C build lacks netCDF-4; see $root/configure.log"
if command -v ldd >/dev/null 2>&1; then
  ldd "$prefix/bin/ncdump" | grep -q "$hdf5/lib/libhdf5" ||
    die "$prefix/bin/ncdump does not link $hdf5/lib/libhdf5 (ldd: $(ldd "$prefix/bin/ncdump" | grep hdf5 | tr -s ' \t' ' '))"
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/carve-netcdf.XXXXXX")
trap 'rm -rf "$probe"' EXIT
printf 'netcdf probe {\ndimensions:\n  x = 2 ;\nvariables:\n  int v(x) ;\ndata:\n  v = 1, 2 ;\n}\n' > "$probe/p.cdl"
env -u HDF5_VOL_CONNECTOR "$prefix/bin/ncgen" -k nc4 -o "$probe/p.nc" "$probe/p.cdl" ||
  die "the new ncgen cannot write a netCDF-4 file"
env -u HDF5_VOL_CONNECTOR "$prefix/bin/ncdump" "$probe/p.nc" | grep -q 'v = 1, 2' ||
  die "the new ncdump cannot read back a netCDF-4 file"

touch "$stamp"
echo "$root" > "$base/current-$hdf5_tag"
log "netCDF-C $version ready in $prefix"
echo "$prefix"
