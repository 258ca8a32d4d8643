#!/bin/sh
set -e
# As in the official image: run the arguments with node when the first one is an
# option (-e ...), is not a command, or is a non-executable file (a script path).
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
