/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A map from a pair of token ids to a value, with open addressing: merge ranks in the
 * tokenizer, pair counts in training, n-gram lookups. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  uint64_t *keys;     /* (left << 32 | right) + 1; 0 marks an empty slot */
  uint64_t *values;
  size_t    capacity; /* a power of two */
  size_t    size;
} UthPairMap;

/* Returns false when memory runs out. */
bool      uth_pair_map_init   (UthPairMap *map,
                               size_t      expected);
void      uth_pair_map_clear  (UthPairMap *map);
/* Removes every entry, keeping the memory. */
void      uth_pair_map_reset  (UthPairMap *map);
bool      uth_pair_map_set    (UthPairMap *map,
                               uint32_t    left,
                               uint32_t    right,
                               uint64_t    value);
/* Adds delta to the value (0 when absent); returns false when memory runs out. */
bool      uth_pair_map_add    (UthPairMap *map,
                               uint32_t    left,
                               uint32_t    right,
                               uint64_t    delta);
bool      uth_pair_map_lookup (const UthPairMap *map,
                               uint32_t          left,
                               uint32_t          right,
                               uint64_t         *value);
