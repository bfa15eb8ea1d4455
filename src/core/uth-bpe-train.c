/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-bpe-train.h"

#include <stdlib.h>
#include <string.h>

#include "uth-pair-map.h"

typedef struct
{
  const uint8_t *bytes;
  size_t         length;
} Word;

static int
word_compare (const void *a,
              const void *b)
{
  const Word *x = a, *y = b;
  size_t n = x->length < y->length ? x->length : y->length;
  int c = memcmp (x->bytes, y->bytes, n);

  if (c != 0)
    return c;
  return (x->length > y->length) - (x->length < y->length);
}

/* Unique words of the text with how often each occurs, as symbols (bytes to start). */
typedef struct
{
  uint32_t *symbols;   /* all words back to back */
  size_t   *start;     /* per word */
  size_t   *length;    /* per word, shrinks as pairs merge */
  uint64_t *count;
  size_t    n_words;
} Words;

static void
words_clear (Words *w)
{
  free (w->symbols);
  free (w->start);
  free (w->length);
  free (w->count);
}

static bool
words_init (Words       *w,
            const char  *text,
            size_t       length,
            UthBpeSplit  split)
{
  size_t *starts = malloc ((length + 1) * sizeof (size_t));
  Word *all = malloc ((length + 1) * sizeof (Word));
  size_t n, i, pos = 0;
  bool ok;

  memset (w, 0, sizeof *w);
  w->symbols = malloc ((length + 1) * sizeof (uint32_t));
  w->start = malloc ((length + 1) * sizeof (size_t));
  w->length = malloc ((length + 1) * sizeof (size_t));
  w->count = malloc ((length + 1) * sizeof (uint64_t));
  ok = starts != NULL && all != NULL && w->symbols != NULL && w->start != NULL &&
       w->length != NULL && w->count != NULL;
  if (ok)
    {
      n = uth_bpe_split_words (split, text, length, starts, length + 1);
      for (i = 0; i < n; i++)
        {
          all[i].bytes = (const uint8_t *) text + starts[i];
          all[i].length = (i + 1 < n ? starts[i + 1] : length) - starts[i];
        }
      qsort (all, n, sizeof (Word), word_compare);
      for (i = 0; i < n; i++)
        {
          size_t j;
          if (w->n_words > 0 && word_compare (&all[i], &all[i - 1]) == 0)
            {
              w->count[w->n_words - 1]++;
              continue;
            }
          w->start[w->n_words] = pos;
          w->length[w->n_words] = all[i].length;
          w->count[w->n_words] = 1;
          for (j = 0; j < all[i].length; j++)
            w->symbols[pos++] = all[i].bytes[j];
          w->n_words++;
        }
    }
  free (starts);
  free (all);
  if (!ok)
    words_clear (w);
  return ok;
}

static void
merge_words (Words    *w,
             uint32_t  left,
             uint32_t  right,
             uint32_t  result)
{
  size_t k, i, out;

  for (k = 0; k < w->n_words; k++)
    {
      uint32_t *s = w->symbols + w->start[k];
      size_t n = w->length[k];

      for (i = 0, out = 0; i < n; out++)
        {
          if (i + 1 < n && s[i] == left && s[i + 1] == right)
            {
              s[out] = result;
              i += 2;
            }
          else
            s[out] = s[i++];
        }
      w->length[k] = out;
    }
}

size_t
uth_bpe_train (const char       *text,
               size_t            length,
               UthBpeSplit       split,
               size_t            max_merges,
               uint64_t          min_count,
               UthBpeTrainMerge *merges)
{
  Words w;
  UthPairMap pairs;
  size_t learned = 0, k, i;

  if (!words_init (&w, text, length, split))
    return SIZE_MAX;
  if (!uth_pair_map_init (&pairs, 4096))
    {
      words_clear (&w);
      return SIZE_MAX;
    }
  while (learned < max_merges)
    {
      uint64_t best_count = 0, best_key = 0;

      uth_pair_map_reset (&pairs);
      for (k = 0; k < w.n_words; k++)
        for (i = 0; i + 1 < w.length[k]; i++)
          if (!uth_pair_map_add (&pairs, w.symbols[w.start[k] + i],
                                 w.symbols[w.start[k] + i + 1], w.count[k]))
            {
              learned = SIZE_MAX;
              goto out;
            }
      /* Keys order pairs by (left, right), so the smallest key wins a tie. */
      for (i = 0; i < pairs.capacity; i++)
        if (pairs.keys[i] != 0 &&
            (pairs.values[i] > best_count ||
             (pairs.values[i] == best_count && pairs.keys[i] < best_key)))
          {
            best_count = pairs.values[i];
            best_key = pairs.keys[i];
          }
      if (best_count == 0 || best_count < min_count)
        break;
      merges[learned].left = (uint32_t) ((best_key - 1) >> 32);
      merges[learned].right = (uint32_t) ((best_key - 1) & 0xFFFFFFFFu);
      merges[learned].count = best_count;
      merge_words (&w, merges[learned].left, merges[learned].right, (uint32_t) (256 + learned));
      learned++;
    }
out:
  uth_pair_map_clear (&pairs);
  words_clear (&w);
  return learned;
}
