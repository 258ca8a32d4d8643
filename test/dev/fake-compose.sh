#!/bin/sh
# A stand-in for `docker` (with `docker compose`), `podman-compose` and `podman`, for
# test/dev/makefile.test.ts; installed under those names. Driven by the environment:
#   FAKE_LOG     file: one line per compose call, "<style> <subcommand> [<service>]"
#   FAKE_STATES  "svc=state ...": the containers there are (running, exited...), in order;
#                "exited:N" is a container that exited with status N
#   FAKE_BUILD   "fail": the build of an image fails
#   FAKE_ROOT    folder with one folder per service: `run` executes its command there
#   FAKE_FILES   file (optional): one line per compose call, the -f files it was given
# docker compose reports failures in its exit status; podman-compose 1.0.x exits 0 whatever
# happened and prints each podman command, then "exit code: N".
set -u
name=$(basename "$0")

# Container ids: c0ffee + the index of the service in FAKE_STATES.
ids() { # [running-only]
  i=0
  for entry in ${FAKE_STATES:-}; do
    i=$((i + 1))
    if [ "${1:-}" = running ] && [ "${entry#*=}" != running ]; then continue; fi
    printf 'c0ffee%06x\n' "$i"
  done
}
inspect() { # [--format F] ids...
  if [ "${1:-}" = --format ] || [ "${1:-}" = -f ]; then shift 2; fi
  for id; do
    n=$(printf '%d' "0x${id#c0ffee}")
    i=0
    for entry in ${FAKE_STATES:-}; do
      i=$((i + 1))
      state=${entry#*=}
      if [ "$i" = "$n" ]; then printf '%s %s %s\n' "${entry%%=*}" "${state%%:*}" "$(if [ "$state" != "${state#*:}" ]; then echo "${state#*:}"; else echo 0; fi)"; fi
    done
  done
}

case $name in
  podman)
    case ${1:-} in
      inspect) shift; inspect "$@"; exit 0 ;;
      --version) echo "podman version 4.3.1"; exit 0 ;;
    esac
    exit 0 ;;
  docker)
    case ${1:-} in
      inspect) shift; inspect "$@"; exit 0 ;;
      compose) shift; style=docker ;;
      *) exit 0 ;;
    esac ;;
  podman-compose) style=podman ;;
  *) echo "fake-compose: unknown name $name" >&2; exit 2 ;;
esac

# Compose: skip the global options (noting the -f files), find the subcommand.
files=""
while [ $# -gt 0 ]; do
  case $1 in
    -f | --file) files="$files $2"; shift 2 ;;
    -p | --project-name) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
sub=${1:-}
[ $# -gt 0 ] && shift
if [ -n "${FAKE_FILES:-}" ]; then echo "$sub:$files" >> "$FAKE_FILES"; fi
if [ "$style" = podman ]; then echo "using podman version: 4.3.1"; fi

case $sub in
  version) echo "Docker Compose version v2.29.0"; exit 0 ;;
  build)
    echo "$style build" >> "$FAKE_LOG"
    if [ "${FAKE_BUILD:-}" = fail ]; then
      echo "Error: building at STEP \"RUN npm ci\": exit status 1" >&2
      if [ "$style" = podman ]; then echo "exit code: 1"; exit 0; fi
      exit 1
    fi
    if [ "$style" = podman ]; then echo "podman build -t shop-api ."; echo "exit code: 0"; fi
    exit 0 ;;
  up)
    # up --build builds first: docker compose stops at a failed build, podman-compose goes on.
    case " $* " in
      *" --build "*)
        if [ "${FAKE_BUILD:-}" = fail ]; then
          echo "Error: building at STEP \"RUN npm ci\": exit status 1" >&2
          if [ "$style" = docker ]; then exit 1; fi
          echo "exit code: 1"
        fi ;;
    esac
    echo "$style up" >> "$FAKE_LOG"
    if [ "$style" = podman ]; then echo "exit code: 0"; fi
    exit 0 ;;
  down | logs)
    echo "$style $sub" >> "$FAKE_LOG"
    if [ "$style" = podman ]; then echo "exit code: 0"; fi
    exit 0 ;;
  ps)
    echo "$style ps" >> "$FAKE_LOG"
    if [ "$style" = podman ]; then
      echo "podman ps -a --format {{.ID}} --filter label=io.podman.compose.project=shop"
      ids
      echo "exit code: 0"
    else
      # docker compose ps lists running containers unless given --all
      case " $* " in
        *" --all "* | *" -a "*) ids ;;
        *) ids running ;;
      esac
    fi
    exit 0 ;;
  run)
    while [ $# -gt 0 ]; do
      case $1 in
        -e | --name | -w | --workdir | -u | --user) shift 2 ;;
        -*) shift ;;
        *) break ;;
      esac
    done
    svc=$1
    shift
    echo "$style run $svc" >> "$FAKE_LOG"
    (cd "$FAKE_ROOT/$svc" && "$@")
    status=$?
    if [ "$style" = podman ]; then echo "exit code: $status"; exit 0; fi
    exit "$status" ;;
  *)
    echo "$style $sub" >> "$FAKE_LOG"
    exit 0 ;;
esac
