#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the build into a temporary folder with `meson install --destdir`, then checks that
# what a desktop needs is in place and that the installed binary runs headless:
# `--version` and `render PAGE --output FILE.png`. The command line must not need GSettings,
# so the schema is deliberately out of reach while the binary runs.
set -euo pipefail

build=${1:?usage: install-test.sh BUILD_DIR [PAGE]}
page=${2:-home}
app_id=io.github.underthehood.UnderTheHood

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail=0
check () {
  if [ -e "$1" ]; then
    echo "ok: ${1#"$dest"}"
  else
    echo "missing: ${1#"$dest"}" >&2
    fail=1
  fi
}

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest/install.log" 2>&1 || {
  cat "$dest/install.log" >&2
  echo "install-test: meson install failed" >&2
  exit 1
}

bin=$(find "$dest" -path '*/bin/under-the-hood' -type f | head -n 1)
if [ -z "$bin" ]; then
  echo "install-test: no bin/under-the-hood under $dest" >&2
  exit 1
fi
share=$(dirname "$(dirname "$bin")")/share

check "$share/applications/$app_id.desktop"
check "$share/metainfo/$app_id.metainfo.xml"
check "$share/icons/hicolor/scalable/apps/$app_id.svg"
check "$share/under-the-hood/model/model.safetensors"
check "$share/under-the-hood/model/config.json"
check "$share/under-the-hood/model/tokenizer.json"
check "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
check "$share/glib-2.0/schemas/$app_id.gschema.xml"
check "$share/doc/under-the-hood/gpt2-tokenizer-LICENSE"

# Every language in LINGUAS is installed as a message catalog.
linguas=$(dirname "$0")/../po/LINGUAS
if [ -f "$linguas" ]; then
  for lang in $(sed -e 's/#.*//' "$linguas"); do
    check "$share/locale/$lang/LC_MESSAGES/under-the-hood.mo"
  done
fi

if [ -f "$share/applications/$app_id.desktop" ]; then
  desktop-file-validate "$share/applications/$app_id.desktop" || fail=1
  grep -q '^Exec=under-the-hood' "$share/applications/$app_id.desktop" || {
    echo "install-test: the desktop file does not start under-the-hood" >&2
    fail=1
  }
fi

# The installed schema compiles and holds the keys the window restores.
if [ -f "$share/glib-2.0/schemas/$app_id.gschema.xml" ]; then
  mkdir -p "$dest/schemas"
  cp "$share/glib-2.0/schemas/$app_id.gschema.xml" "$dest/schemas/"
  glib-compile-schemas --strict "$dest/schemas"
  keys=$(GSETTINGS_SCHEMA_DIR="$dest/schemas" gsettings list-keys "$app_id")
  for key in window-width window-height window-maximized last-page model gpu zoom presentation-mode; do
    grep -qx "$key" <<<"$keys" || { echo "install-test: schema lacks key $key" >&2; fail=1; }
  done
fi

# Run the installed binary with no schema anywhere in reach.
unset GSETTINGS_SCHEMA_DIR
export XDG_DATA_DIRS="$dest/empty"
version=$("$bin" --version)
echo "version: $version"
grep -q '[0-9]\+\.[0-9]\+' <<<"$version" || { echo "install-test: --version printed no version" >&2; fail=1; }

"$bin" render "$page" --output "$dest/figure.png"
if [ "$(head -c 8 "$dest/figure.png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
  echo "install-test: render $page did not write a PNG" >&2
  fail=1
else
  echo "ok: render $page wrote $(wc -c <"$dest/figure.png") bytes"
fi

exit $fail
