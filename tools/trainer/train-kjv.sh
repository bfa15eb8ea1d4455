#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Remakes the app's own model from nothing, as data/model/ was made (MODEL_CARD.md):
# the corpus, its tokenizer, the training run, and the numbers and samples of the record.
# Takes about 45 minutes on two shared cores. The build does not run this.
#
# Usage: tools/trainer/train-kjv.sh BUILD_DIR WORK_DIR
#   then compare WORK_DIR/model with data/model and copy it there.
set -eu
build=${1:?usage: train-kjv.sh BUILD_DIR WORK_DIR}
work=${2:?usage: train-kjv.sh BUILD_DIR WORK_DIR}
here=$(dirname "$0")
trainer=$build/tools/trainer/uth-train-model
mkdir -p "$work/model"

# 1. The corpus: train.txt (1,130 chapters) and valid.txt (every 20th chapter, 59).
"$here/prepare-kjv.sh" "$work/kjv"
sha256sum "$work/kjv/train.txt" "$work/kjv/valid.txt"

# 2. The tokenizer: the app's byte-level BPE trainer, 1,791 merges + <|endoftext|> = 2,048.
"$build/data/uth-train-bpe" --merges 1791 --min-count 2 --special '<|endoftext|>' \
  --output "$work/model/tokenizer.json" "$work/kjv/train.txt"

# 3. The model (the trainer's defaults: dim 128, 4 layers, 4 heads, hidden 384, context 64).
nice -n 10 "$trainer" train --tokenizer "$work/model/tokenizer.json" \
  --train "$work/kjv/train.txt" --valid "$work/kjv/valid.txt" --out "$work/model" \
  --batch 8 --steps 2200 --warmup 100 --lr 0.002 --lr-min 0.0002 --seed 1 --threads 2 \
  --eval-every 250 | tee "$work/train.log"

# 4. The record: the slice the test recomputes, the heads, samples.
"$trainer" eval "$work/model" --tokenizer "$work/model/tokenizer.json" \
  --text "$work/kjv/valid.txt" --windows 16
"$trainer" heads "$work/model" --tokenizer "$work/model/tokenizer.json" \
  --text "$work/kjv/valid.txt" --windows 200 --seed 1
for prompt in "And God said" "The LORD is my shepherd" "In the beginning" "Jesus answered and said"; do
  "$trainer" generate "$work/model" --tokenizer "$work/model/tokenizer.json" \
    --prompt "$prompt" --tokens 60 --temperature 0.8 --top-k 40 --seed 1
done
