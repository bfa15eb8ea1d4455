#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Lints the Flatpak manifests: valid JSON, and flatpak-builder reads each without a word on
# stderr (unknown keys only warn there). Runs in a temporary folder because
# --show-manifest leaves a .flatpak-builder/ folder behind in the current one.
#
#   lint-flatpak.sh MANIFEST [MANIFEST...]
#
# A manifest named *.Devel.json is the development build: it takes the app from the local
# folder (a "dir" source, path ".."). Any other is a store build: it takes the app from the
# project's git repository at the tag of this version (v + meson.build's version), so what a
# store builds is what was released.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: lint-flatpak.sh MANIFEST [MANIFEST...]" >&2
  exit 2
fi
if [ "$#" -gt 1 ]; then
  status=0
  for m in "$@"; do
    "$0" "$m" || status=1
  done
  exit "$status"
fi

manifest=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(dirname "$(dirname "$manifest")")
version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" "$root/meson.build" | head -n 1)
if [ -z "$version" ]; then
  echo "lint-flatpak: no version in $root/meson.build" >&2
  exit 1
fi

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
python3 - "$manifest" "$version" <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1]))
version = sys.argv[2]
devel = os.path.basename(sys.argv[1]).endswith(".Devel.json")
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
sources = last.get("sources", [])
if len(sources) != 1:
    errors.append("the app's module must have exactly one source, has %d" % len(sources))
else:
    src = sources[0]
    if devel:
        if src.get("type") != "dir" or src.get("path") != "..":
            errors.append("a development manifest builds the local folder: a \"dir\" source with path \"..\"")
    else:
        if src.get("type") != "git":
            errors.append("a store manifest builds a tagged release: a \"git\" source, not %r" % src.get("type"))
        if not str(src.get("url", "")).startswith("https://"):
            errors.append("the git source needs an https url, not %r" % src.get("url"))
        if src.get("tag") != "v" + version:
            errors.append("the git source's tag is %r; this version (meson.build) is tagged %r"
                          % (src.get("tag"), "v" + version))
        if "branch" in src:
            errors.append("a store build takes a tag, not a branch")
        if "commit" in src and len(str(src["commit"])) != 40:
            errors.append("the git source's commit must be a full 40-digit hash")
for e in errors:
    print("lint-flatpak: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
echo "lint-flatpak: $manifest is well-formed"
