/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One attention layer of a tiny transformer, computed exactly, to show the mechanism on
 * the reader's own tokens. Its weights are random numbers from a fixed seed, not a
 * trained model's: the patterns are illustrative, the arithmetic is real.
 *
 *   x_t      = embedding row of token t (random, fixed by the id and the seed)
 *   Q = X W_Q, K = X W_K, V = X W_V, split into heads of width hd
 *   q, k     rotated by RoPE at their positions
 *   S_ij     = q_i . k_j / sqrt (hd)
 *   A_ij     = softmax over j <= i of S_ij, 0 for j > i (the causal mask)
 *   out_i    = sum_j A_ij v_j */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTH_TOY_MAX_TOKENS 64
#define UTH_TOY_MAX_WIDTH  128

typedef struct
{
  uint32_t d_model;     /* width, a multiple of heads, <= UTH_TOY_MAX_WIDTH */
  uint32_t heads;
  uint64_t seed;
  double   rope_theta;  /* 0: no rotary encoding */
} UthToyConfig;

typedef struct
{
  UthToyConfig config;
  size_t       n;         /* tokens */
  uint32_t     head_dim;
  double      *x;         /* n x d */
  double      *q;         /* heads x n x hd, after RoPE */
  double      *k;         /* heads x n x hd, after RoPE */
  double      *v;         /* heads x n x hd */
  double      *scores;    /* heads x n x n, QK^T / sqrt (hd), every entry */
  double      *weights;   /* heads x n x n, masked softmax rows */
  double      *out;       /* heads x n x hd */
} UthToyAttention;

/* The project's default: 4 heads of width 8, seed 2024, theta 10000. */
void   uth_toy_config_init       (UthToyConfig *config);

/* The embedding row of a token id (d_model entries): the same numbers the layer uses. */
void   uth_toy_embedding         (const UthToyConfig *config,
                                  uint32_t            id,
                                  double             *row);

/* Runs the layer on up to UTH_TOY_MAX_TOKENS ids (more are cut). False for a bad config
 * or when memory runs out; out is then cleared. */
bool   uth_toy_attention_run     (const UthToyConfig *config,
                                  const uint32_t     *ids,
                                  size_t              n,
                                  UthToyAttention    *out);
void   uth_toy_attention_clear   (UthToyAttention *att);

double uth_toy_attention_score   (const UthToyAttention *att,
                                  uint32_t               head,
                                  size_t                 i,
                                  size_t                 j);
double uth_toy_attention_weight  (const UthToyAttention *att,
                                  uint32_t               head,
                                  size_t                 i,
                                  size_t                 j);
/* Row i of Q, K, V or the output of one head (hd entries). */
const double *uth_toy_attention_q   (const UthToyAttention *att, uint32_t head, size_t i);
const double *uth_toy_attention_k   (const UthToyAttention *att, uint32_t head, size_t i);
const double *uth_toy_attention_v   (const UthToyAttention *att, uint32_t head, size_t i);
const double *uth_toy_attention_out (const UthToyAttention *att, uint32_t head, size_t i);
