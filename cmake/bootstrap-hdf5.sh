#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bootstrap-hdf5.sh — obtains HDF5 1.14.5 for carve on systems that lack HDF5 >= 1.14.
#
# Owns: the cached HDF5 build under $CARVE_CACHE_DIR (default ~/.cache/carve).
#   1. checks (and, as root, installs) the Debian build packages it needs;
#   2. fetches Debian's hdf5 1.14.5 source package with a private apt state
#      (the system's apt sources are never touched);
#   3. builds shared C library + HL + tools, zlib, szip (libaec), ROS3 VFD;
#   4. builds HDF5's API conformance test binary h5_api_test;
#   5. writes a stamp so later runs reuse the result in a fraction of a second.
# With CARVE_HDF5_PARALLEL=1 it builds a parallel HDF5 (MPI-IO, with Open MPI's mpicc) into its own cache
# directory, hdf5-1.14.5-mpi, from the same source, and HDF5's parallel tests (testphdf5, t_*) instead of
# h5_api_test; used by carve builds configured with -DCARVE_MPI=ON (the MPI tests).
#
# Usage: bootstrap-hdf5.sh            prints the install prefix on its last line
# Environment: CARVE_CACHE_DIR, CARVE_JOBS (default: nproc), CARVE_HDF5_PARALLEL (default: 0)
set -euo pipefail

HDF5_VERSION=1.14.5
DEB_VERSION=1.14.5+repack
# Bump when the build recipe below changes, so caches built by an older recipe are rebuilt.
RECIPE=3

cache_root=${CARVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/carve}
parallel=${CARVE_HDF5_PARALLEL:-0}
# The source is shared by the serial and the parallel build; each has its own build and install.
src_root="$cache_root/hdf5-$HDF5_VERSION"
if [ "$parallel" = 1 ]; then
  root="$cache_root/hdf5-$HDF5_VERSION-mpi"
  test_binary=testphdf5
else
  root="$src_root"
  test_binary=h5_api_test
fi
prefix="$root/install"
build="$root/build"
stamp="$prefix/.carve-bootstrap-$RECIPE"
jobs=${CARVE_JOBS:-$(nproc 2>/dev/null || echo 2)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf 'carve-bootstrap: %s\n' "$*" >&2; }
die() { printf 'carve-bootstrap: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=debian-lib.sh
source "$here/debian-lib.sh"

if [ -f "$stamp" ] && [ -x "$prefix/bin/h5dump" ] && [ -x "$build/bin/$test_binary" ]; then
  echo "$prefix"
  exit 0
fi

mkdir -p "$root"
# Two builds (e.g. two checkouts configured at once) must not race on the cache.
exec 9>"$root/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if [ -f "$stamp" ] && [ -x "$prefix/bin/h5dump" ] && [ -x "$build/bin/$test_binary" ]; then
  echo "$prefix"
  exit 0
fi

# --- 1. build packages ---------------------------------------------------------------
command -v dpkg-query >/dev/null 2>&1 ||
  die "no system HDF5 >= 1.14 was found and this is not a Debian-like system; install HDF5 >= 1.14 and pass -DHDF5_ROOT=<prefix>"
debian_ensure_packages libcurl4-openssl-dev libssl-dev zlib1g-dev libaec-dev libyaml-dev ninja-build cmake \
  pkg-config dpkg-dev ca-certificates
if [ "$parallel" = 1 ]; then
  debian_ensure_packages libopenmpi-dev openmpi-bin
  command -v mpicc >/dev/null 2>&1 || die "a parallel HDF5 needs mpicc (Debian: libopenmpi-dev)"
fi

# --- 2. source ------------------------------------------------------------------------
# (The parallel build reuses the serial build's source, fetched here the first time under its own lock.)
mkdir -p "$src_root"
exec 8>"$src_root/.source-lock"
if command -v flock >/dev/null 2>&1; then
  flock 8
fi
root_src="$root"
root="$src_root"
src_dir="$root/src/hdf5-$HDF5_VERSION"
if [ ! -f "$src_dir/CMakeLists.txt" ]; then
  mkdir -p "$root/src"
  orig=$(ls "$root/src"/hdf5_"$DEB_VERSION"*.orig.tar.* 2>/dev/null | head -n1 || true)
  if [ -z "$orig" ]; then
    debian_fetch_source "hdf5=${DEB_VERSION}-3" "$root/apt" "$root/src" "$root/fetch.log" ||
      debian_fetch_source hdf5 "$root/apt" "$root/src" "$root/fetch.log" ||
      log "apt-get source hdf5 reported errors (see $root/fetch.log); using the upstream tarball if it came"
    orig=$(ls "$root/src"/hdf5_"$DEB_VERSION"*.orig.tar.* 2>/dev/null | head -n1 || true)
  fi
  [ -n "$orig" ] || die "no hdf5_${DEB_VERSION}*.orig.tar.* was downloaded (Debian may have moved past $HDF5_VERSION); see $root/fetch.log"
  rm -rf "$root/src/extract" && mkdir -p "$root/src/extract"
  tar -xf "$orig" -C "$root/src/extract"
  top=$(find "$root/src/extract" -mindepth 1 -maxdepth 2 -name CMakeLists.txt -printf '%h\n' | head -n1)
  [ -n "$top" ] || die "unexpected layout of $orig"
  rm -rf "$src_dir" && mv "$top" "$src_dir"
  rm -rf "$root/src/extract"
fi
root="$root_src"
exec 8>&-

# --- 3. configure, build, install ----------------------------------------------------
common=(-G Ninja -S "$src_dir" -B "$build"
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix"
        -DCMAKE_MODULE_PATH="$here/bootstrap"
        -DCMAKE_INSTALL_RPATH="$prefix/lib" -DCMAKE_INSTALL_RPATH_USE_LINK_PATH=ON
        -DBUILD_SHARED_LIBS=ON -DBUILD_STATIC_LIBS=OFF -DONLY_SHARED_LIBS=ON
        -DHDF5_BUILD_HL_LIB=ON -DHDF5_BUILD_TOOLS=ON -DHDF5_BUILD_UTILS=OFF
        -DHDF5_BUILD_EXAMPLES=OFF -DHDF5_BUILD_DOC=OFF -DHDF5_BUILD_FORTRAN=OFF
        -DHDF5_BUILD_CPP_LIB=OFF -DHDF5_BUILD_JAVA=OFF
        -DHDF5_ENABLE_Z_LIB_SUPPORT=ON -DHDF5_ENABLE_SZIP_SUPPORT=ON -DHDF5_ENABLE_SZIP_ENCODING=ON
        -DHDF5_ENABLE_ROS3_VFD=ON -DHDF5_ALLOW_EXTERNAL_SUPPORT=NO
        -DHDF5_ENABLE_PLUGIN_SUPPORT=OFF)
if [ "$parallel" = 1 ]; then
  # mpicc as the compiler, as HDF5's parallel build expects; Open MPI's C++ bindings are not needed.
  common+=(-DCMAKE_C_COMPILER=mpicc -DHDF5_ENABLE_PARALLEL=ON -DMPIEXEC_MAX_NUMPROCS=4
           -DMPIEXEC_PREFLAGS=--oversubscribe)
fi
log "configuring HDF5 $HDF5_VERSION (build in $build)"
cmake "${common[@]}" -DBUILD_TESTING=OFF > "$root/configure.log" 2>&1 ||
  die "HDF5 configure failed; see $root/configure.log"
log "building HDF5 with $jobs jobs (about 1.5 minutes on 2 cores)"
cmake --build "$build" -j "$jobs" > "$root/build.log" 2>&1 || die "HDF5 build failed; see $root/build.log"
cmake --install "$build" > "$root/install.log" 2>&1 || die "HDF5 install failed; see $root/install.log"

# Upstream 1.14.5 writes -lzlib-static into hdf5.pc; carve does not use it, but fix it for users.
for pc in "$prefix"/lib/pkgconfig/hdf5*.pc; do
  [ -f "$pc" ] && sed -i 's/-lzlib-static/-lz/g; s/-lzlib\b/-lz/g' "$pc"
done

# --- 4. API conformance tests (serial) or HDF5's parallel tests ------------------------
log "building $test_binary"
if [ "$parallel" = 1 ]; then
  test_options=(-DHDF5_TEST_API=OFF -DHDF5_TEST_SERIAL=OFF -DHDF5_TEST_PARALLEL=ON)
  test_targets=(testphdf5 t_shapesame t_filters_parallel)
else
  test_options=(-DHDF5_TEST_API=ON -DHDF5_TEST_SERIAL=ON -DHDF5_TEST_PARALLEL=OFF)
  test_targets=(h5_api_test)
fi
cmake "${common[@]}" -DBUILD_TESTING=ON "${test_options[@]}" \
  -DHDF5_TEST_TOOLS=OFF -DHDF5_TEST_VFD=OFF > "$root/configure-tests.log" 2>&1 ||
  die "HDF5 test configure failed; see $root/configure-tests.log"
for target in "${test_targets[@]}"; do
  cmake --build "$build" -j "$jobs" --target "$target" >> "$root/build-tests.log" 2>&1 ||
    die "$target build failed; see $root/build-tests.log"
done
[ -x "$build/bin/$test_binary" ] || die "$test_binary was not produced in $build/bin"

# Confirm the features carve relies on.
cfg=$("$prefix/bin/h5cc" -showconfig 2>/dev/null || true)
echo "$cfg" | grep -q 'S3 VFD: ON' || die "the HDF5 build lacks the ROS3 VFD; see $root/configure.log"
grep -q '^#define H5_HAVE_FILTER_SZIP 1' "$prefix/include/H5pubconf.h" ||
  die "the HDF5 build lacks szip (libaec); see $root/configure.log"
if [ "$parallel" = 1 ]; then
  grep -q '^#define H5_HAVE_PARALLEL 1' "$prefix/include/H5pubconf.h" ||
    die "the HDF5 build is not parallel; see $root/configure.log"
fi

touch "$stamp"
log "HDF5 $HDF5_VERSION ready in $prefix"
echo "$prefix"
