/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-pair-map.h"

#include <stdlib.h>
#include <string.h>

static uint64_t
pair_key (uint32_t left,
          uint32_t right)
{
  return (((uint64_t) left << 32) | right) + 1;
}

static size_t
pair_hash (uint64_t key)
{
  /* splitmix64's finaliser: spreads consecutive ids over the table. */
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ULL;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebULL;
  key ^= key >> 31;
  return (size_t) key;
}

static size_t
find_slot (const UthPairMap *map,
           uint64_t          key)
{
  size_t mask = map->capacity - 1;
  size_t i = pair_hash (key) & mask;

  while (map->keys[i] != 0 && map->keys[i] != key)
    i = (i + 1) & mask;
  return i;
}

bool
uth_pair_map_init (UthPairMap *map,
                   size_t      expected)
{
  size_t capacity = 16;

  while (capacity < expected * 2 + 1)
    capacity *= 2;
  map->keys = calloc (capacity, sizeof (uint64_t));
  map->values = calloc (capacity, sizeof (uint64_t));
  map->capacity = capacity;
  map->size = 0;
  if (map->keys == NULL || map->values == NULL)
    {
      uth_pair_map_clear (map);
      return false;
    }
  return true;
}

void
uth_pair_map_clear (UthPairMap *map)
{
  free (map->keys);
  free (map->values);
  map->keys = NULL;
  map->values = NULL;
  map->capacity = 0;
  map->size = 0;
}

void
uth_pair_map_reset (UthPairMap *map)
{
  if (map->keys != NULL)
    memset (map->keys, 0, map->capacity * sizeof (uint64_t));
  map->size = 0;
}

static bool
grow (UthPairMap *map)
{
  UthPairMap bigger;
  size_t i;

  if (!uth_pair_map_init (&bigger, map->capacity))
    return false;
  for (i = 0; i < map->capacity; i++)
    if (map->keys[i] != 0)
      {
        size_t slot = find_slot (&bigger, map->keys[i]);
        bigger.keys[slot] = map->keys[i];
        bigger.values[slot] = map->values[i];
        bigger.size++;
      }
  uth_pair_map_clear (map);
  *map = bigger;
  return true;
}

static uint64_t *
slot_for_insert (UthPairMap *map,
                 uint32_t    left,
                 uint32_t    right)
{
  uint64_t key = pair_key (left, right);
  size_t slot;

  if (map->capacity == 0 && !uth_pair_map_init (map, 8))
    return NULL;
  /* Keep the load under one half so probes stay short. */
  if ((map->size + 1) * 2 > map->capacity && !grow (map))
    return NULL;
  slot = find_slot (map, key);
  if (map->keys[slot] == 0)
    {
      map->keys[slot] = key;
      map->values[slot] = 0;
      map->size++;
    }
  return &map->values[slot];
}

bool
uth_pair_map_set (UthPairMap *map,
                  uint32_t    left,
                  uint32_t    right,
                  uint64_t    value)
{
  uint64_t *v = slot_for_insert (map, left, right);

  if (v == NULL)
    return false;
  *v = value;
  return true;
}

bool
uth_pair_map_add (UthPairMap *map,
                  uint32_t    left,
                  uint32_t    right,
                  uint64_t    delta)
{
  uint64_t *v = slot_for_insert (map, left, right);

  if (v == NULL)
    return false;
  *v += delta;
  return true;
}

bool
uth_pair_map_lookup (const UthPairMap *map,
                     uint32_t          left,
                     uint32_t          right,
                     uint64_t         *value)
{
  uint64_t key = pair_key (left, right);
  size_t slot;

  if (map->capacity == 0)
    return false;
  slot = find_slot (map, key);
  if (map->keys[slot] != key)
    return false;
  if (value != NULL)
    *value = map->values[slot];
  return true;
}
