#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shipped model's corpus, remade from the installed bible-kjv-text package: the same
# text as the record says (sha256 in data/model/training.json), the held-out split the
# same as tests/data/kjv-valid.txt, and the shipped tokenizer round-trips all of it (the
# trainer refuses a text whose tokens do not spell it back). Skipped (77) without the
# package's `bible` program.
#
# Usage: check-corpus.sh UTH_TRAIN_MODEL SOURCE_ROOT
set -eu
trainer=${1:?usage: check-corpus.sh UTH_TRAIN_MODEL SOURCE_ROOT}
root=${2:?usage: check-corpus.sh UTH_TRAIN_MODEL SOURCE_ROOT}
command -v bible >/dev/null 2>&1 || { echo "skip: no bible program (bible-kjv)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$root/tools/trainer/prepare-kjv.sh" "$dir"
cmp "$dir/valid.txt" "$root/tests/data/kjv-valid.txt"
want=$(sed -n 's/.*"corpus_train_sha256": *"\([0-9a-f]*\)".*/\1/p' "$root/data/model/training.json")
got=$(sha256sum "$dir/train.txt" | cut -d' ' -f1)
[ "$want" = "$got" ] || { echo "train.txt: sha256 $got, the record says $want" >&2; exit 1; }
for split in train valid; do
  "$trainer" eval "$root/data/model" --tokenizer "$root/data/model/tokenizer.json" \
    --text "$dir/$split.txt" --windows 1 --threads 1
done
echo "ok: corpus as recorded, and its tokens spell it back"
