#!/bin/sh
# Like the official image's entrypoint: before starting nginx, run the executable *.sh
# and source the *.envsh files in /docker-entrypoint.d/, in name order.
set -e

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
  for f in $(find /docker-entrypoint.d/ -follow -type f | sort); do
    [ -x "$f" ] || continue
    case "$f" in
      *.envsh)
        # shellcheck source=/dev/null
        . "$f"
        ;;
      *.sh) "$f" ;;
    esac
  done
fi

exec "$@"
