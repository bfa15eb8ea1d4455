#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Prepares the corpus of the app's own small model: the King James Bible (public domain)
# as Debian's bible-kjv-text package ships it, read out with the package's `bible` program
# (bible-kjv). Writes OUTDIR/train.txt and OUTDIR/valid.txt:
#
#   - every chapter as "Book N" on a line, then one verse per line without its number,
#     then a blank line;
#   - every 20th chapter (the 20th, 40th, ... of the 1,189 in canonical order) goes to
#     valid.txt, the rest to train.txt.
#
# Usage: tools/trainer/prepare-kjv.sh OUTDIR
set -eu
out=${1:?usage: prepare-kjv.sh OUTDIR}
command -v bible >/dev/null 2>&1 || { echo "prepare-kjv.sh: needs the bible program (Debian packages bible-kjv, bible-kjv-text)" >&2; exit 1; }
mkdir -p "$out"
# -l100000: one verse per line (no wrapping). LC_ALL=C: awk counts bytes.
bible -l100000 "Gen1:1-Rev22:21" | LC_ALL=C awk -v train="$out/train.txt" -v valid="$out/valid.txt" '
  BEGIN { chapter = 0; dest = "" }
  /^$/ { next }
  /^[^ ]/ {
    # A chapter heading: "Genesis 1", "1 Kings 3", "Song of Solomon 2".
    if (dest != "") printf "\n" > dest
    chapter++
    dest = (chapter % 20 == 0) ? valid : train
    printf "%s\n", $0 > dest
    next
  }
  {
    # A verse: "  12 text": drop the indent and the number.
    sub(/^ +[0-9]+ /, "")
    printf "%s\n", $0 > dest
  }
  END {
    if (dest != "") printf "\n" > dest
    if (chapter != 1189) { print "prepare-kjv.sh: expected 1189 chapters, read " chapter > "/dev/stderr"; exit 1 }
  }'
