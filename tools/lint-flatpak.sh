#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Lints the Flatpak manifest: valid JSON, and flatpak-builder reads it without a word on
# stderr (unknown keys only warn there). Runs in a temporary folder because
# --show-manifest leaves a .flatpak-builder/ folder behind in the current one.
set -euo pipefail

manifest=${1:?usage: lint-flatpak.sh MANIFEST}
manifest=$(cd "$(dirname "$manifest")" && pwd)/$(basename "$manifest")

python3 -m json.tool "$manifest" >/dev/null

if ! command -v flatpak-builder >/dev/null; then
  echo "lint-flatpak: flatpak-builder is not installed (tools/setup installs it)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! flatpak-builder --show-manifest "$manifest" >"$work/out" 2>"$work/err"; then
  cat "$work/err" >&2
  echo "lint-flatpak: flatpak-builder could not read $manifest" >&2
  exit 1
fi
if [ -s "$work/err" ]; then
  cat "$work/err" >&2
  echo "lint-flatpak: flatpak-builder complained about $manifest" >&2
  exit 1
fi

# The finish-args are part of the contract: nothing beyond what a GTK app on a display needs.
python3 - "$manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
want = {"--share=ipc", "--socket=fallback-x11", "--socket=wayland", "--device=dri"}
got = set(m.get("finish-args", []))
errors = []
if got != want:
    errors.append("finish-args are %s, expected exactly %s" % (sorted(got), sorted(want)))
if m.get("command") != "under-the-hood":
    errors.append("command is %r, expected 'under-the-hood'" % m.get("command"))
if m.get("runtime") != "org.gnome.Platform" or m.get("sdk") != "org.gnome.Sdk":
    errors.append("runtime/sdk must be org.gnome.Platform/org.gnome.Sdk")
last = m.get("modules", [{}])[-1]
if last.get("buildsystem") != "meson":
    errors.append("the last module must build this repository with meson")
for e in errors:
    print("lint-flatpak: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
echo "lint-flatpak: $manifest is well-formed"
