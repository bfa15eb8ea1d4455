/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Learning byte-level BPE merges from a corpus, the way GPT-2's vocabulary was made:
 * split the text into words, start from the 256 bytes, and repeatedly merge the most
 * frequent adjacent pair into a new token. Deterministic: ties go to the smaller
 * (left, right) pair of ids. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uth-bpe.h"

typedef struct
{
  uint32_t left;    /* ids: 0..255 are the bytes, 256 + r is the result of merge r */
  uint32_t right;
  uint64_t count;   /* how often the pair occurred when it was chosen */
} UthBpeTrainMerge;

/* Learns up to max_merges merges, stopping early when the most frequent pair occurs fewer
 * than min_count times. Returns how many were learned, or SIZE_MAX when memory runs out. */
size_t uth_bpe_train (const char       *text,
                      size_t            length,
                      UthBpeSplit       split,
                      size_t            max_merges,
                      uint64_t          min_count,
                      UthBpeTrainMerge *merges);
