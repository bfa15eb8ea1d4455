/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small n-gram language model over token ids, for the Generation page: it predicts
 * the next token from the previous one or two by counting a corpus. Not a transformer,
 * and it says so where it is shown; but its output is a real next-token distribution
 * and the sampling loop around it is the one every LLM runs.
 *
 * Smoothing: interpolated Witten-Bell (Witten and Bell 1991; Chen and Goodman 1998,
 * section 2.5). For a history h followed by N1+(h) distinct tokens in c(h) occurrences:
 *   P(w | h) = (c(h, w) + N1+(h) P(w | shorter h)) / (c(h) + N1+(h))
 * down to an add-one unigram P(w) = (c(w) + 1) / (N + V). Every token keeps a
 * probability above zero. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _UthNgram UthNgram;

/* Counts the corpus ids (each < vocab) up to the given order (1 to 3). NULL for a bad
 * argument or when memory runs out. */
UthNgram *uth_ngram_new          (const uint32_t *ids,
                                  size_t          n,
                                  uint32_t        vocab,
                                  uint32_t        order);
void      uth_ngram_free         (UthNgram *ngram);

uint32_t  uth_ngram_get_order    (const UthNgram *ngram);
uint32_t  uth_ngram_get_vocab    (const UthNgram *ngram);
/* Tokens counted. */
size_t    uth_ngram_get_n_tokens (const UthNgram *ngram);

/* How often the sequence gram[0..n) occurs (n from 1 to the order). */
uint64_t  uth_ngram_count        (const UthNgram *ngram,
                                  const uint32_t *gram,
                                  size_t          n);

/* The next-token distribution after context (its last order - 1 ids count) into probs
 * (vocab entries, summing to 1). Returns the order of the longest history seen in the
 * corpus (1 when even the last token was never seen). */
uint32_t  uth_ngram_distribution (const UthNgram *ngram,
                                  const uint32_t *context,
                                  size_t          n_context,
                                  double         *probs);
