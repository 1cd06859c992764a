# SPDX-License-Identifier: BSD-3-Clause
# debian-lib.sh — Debian plumbing shared by carve's build scripts (setup-build.sh, bootstrap-hdf5.sh,
# bootstrap-netcdf.sh). Sourced, not run. The caller defines log() and die().

# debian_ensure_packages <package...>: installs the missing ones as root, or dies naming them.
debian_ensure_packages() {
  local p missing=()
  command -v dpkg-query >/dev/null 2>&1 || die "not a Debian-like system: install the equivalents of: $*"
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} — run: sudo apt-get install ${missing[*]}"
  log "installing: ${missing[*]}"
  apt-get update -qq || log "apt-get update reported problems; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

# debian_fetch_source <package[=version]> <apt-state-dir> <download-dir> <log-file>: downloads a source
# package of Debian trixie with a private apt state, never touching the system's apt configuration.
# Returns apt-get's status; the caller checks for the files it needs (a mirror may serve the upstream
# tarball but not the .dsc: the tarball is then still checked against the signed Sources index).
debian_fetch_source() {
  local package=$1 apt_dir=$2 download_dir=$3 log_file=$4
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
                  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
                  -o APT::Sandbox::User=root)
  [ -f "$keyring" ] || die "$keyring not found (package debian-archive-keyring)"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$download_dir"
  echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian trixie main" > "$apt_dir/sources.list"
  log "fetching Debian's ${package%%=*} source (private apt state in $apt_dir)"
  apt-get "${apt_opts[@]}" update -qq || die "apt-get update of the private trixie deb-src list failed"
  (cd "$download_dir" && apt-get "${apt_opts[@]}" source --download-only "$package" > "$log_file" 2>&1)
}
