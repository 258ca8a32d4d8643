#!/bin/sh
set -e
# Same logic as the official image's entrypoint.

# Options or a .conf file as first argument are arguments of redis-server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

# Started as root: hand /data to redis and drop privileges.
if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi

# Without a config file redis only answers loopback clients (protected mode), but a
# container is reached from other containers: put `--protected-mode no` first, so any
# --protected-mode given by the user comes later and wins, unless the config file
# passed as first argument sets it itself.
if [ "$1" = 'redis-server' ]; then
  config=
  if [ -f "${2:-}" ]; then config=$2; fi
  if [ -z "$config" ] || ! grep -q '^protected-mode' "$config"; then
    shift
    if [ -n "$config" ]; then shift; fi
    set -- --protected-mode no "$@"
    if [ -n "$config" ]; then set -- "$config" "$@"; fi
    set -- redis-server "$@"
  fi
fi

if [ "$(umask)" = '0022' ]; then
  umask 0077
fi
exec "$@"
