#!/usr/bin/env bash
# Install and configure podman for real-container tests on a Debian 12 host without
# a Docker engine. Idempotent: safe to run again; skips work already done.
# See shared notes "containers-here.md" for why each setting exists.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
# catatonit: podman builds its local pause image (pods, `podman kube play`) from it.
# dnsname: with Debian's CNI network backend, containers on a user network (one per
# podman-compose project) resolve each other by name only through this plugin.
packages=(podman podman-compose buildah runc debootstrap catatonit
  golang-github-containernetworking-plugin-dnsname)
conf=/etc/containers/containers.conf

log() { printf '[podman.sh] %s\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
else
  log "packages already installed: ${packages[*]}"
fi

# runc: crun refuses this host's hybrid cgroups. cgroupfs/file: there is no systemd.
# default_ulimits: podman's defaults exceed the sandbox's hard nofile limit, which
# cannot be raised, so every container start would fail.
desired='# Written by scripts/setup/podman.sh
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
'
if [[ -f $conf ]] && [[ "$(cat "$conf")" == "$(printf '%s' "$desired")" ]]; then
  log "$conf already configured"
else
  if [[ -f $conf ]]; then
    cp "$conf" "$conf.bak"
    log "backed up existing $conf to $conf.bak"
  fi
  mkdir -p "$(dirname "$conf")"
  printf '%s' "$desired" >"$conf"
  log "wrote $conf"
fi

log "smoke test: podman info"
podman info --format 'podman {{.Version.Version}}, runtime {{.Host.OCIRuntime.Name}}, cgroups {{.Host.CgroupManager}}, events {{.Host.EventLogger}}, graph driver {{.Store.GraphDriverName}}'
log "done"
