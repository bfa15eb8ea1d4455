#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one UI test under an X server of its own: xvfb-test.sh PROGRAM [ARGS...].
#
# Not xvfb-run -a: it picks a display number that has no lock file and only then starts
# the server, so tests started together can pick the same number; one of them then talks to
# another test's server with the wrong cookie, cannot open the display and fails (seen: 16
# started at once, two on :111, one could not connect). Xvfb -displayfd picks a free number
# itself, taking its lock atomically, and reports it once it accepts connections.
#
# The test's exit status is this script's. When no server starts, it fails (status 1): a UI
# test without a display is a failure, never a skip.
set -u

tmp=$(mktemp -d "${TMPDIR:-/tmp}/uth-xvfb.XXXXXX") || exit 1
pid=
cleanup () {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# A cookie for any display number (xauth's wildcard family, empty number): the number is
# only known once the server runs.
cookie=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
: >"$tmp/Xauthority"
printf 'ffff 0000  0000  0012 4d49542d4d414749432d434f4f4b49452d31 0010 %s\n' "$cookie" \
  | xauth -q -f "$tmp/Xauthority" nmerge - || exit 1

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -auth "$tmp/Xauthority" \
  3>"$tmp/display" >"$tmp/log" 2>&1 &
pid=$!

# -displayfd writes "N\n" when the server is ready; give up after 60 s or if it exits.
tries=600
while ! grep -q '^[0-9][0-9]*$' "$tmp/display" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -le 0 ]; then
    echo "xvfb-test.sh: Xvfb did not start:" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
  tries=$((tries - 1))
  sleep 0.1
done

DISPLAY=":$(cat "$tmp/display")" XAUTHORITY="$tmp/Xauthority" "$@"
