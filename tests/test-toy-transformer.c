/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The illustrative attention layer: causal mask, softmax rows, determinism. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "core/uth-encoding.h"
#include "core/uth-toy-transformer.h"

static const guint32 ids[] = { 464, 3797, 3332, 319, 262, 2603, 13, 464 };
#define N G_N_ELEMENTS (ids)

static void
test_mask (void)
{
  UthToyConfig config;
  UthToyAttention att;
  guint32 h;
  size_t i, j;

  uth_toy_config_init (&config);
  g_assert_true (uth_toy_attention_run (&config, ids, N, &att));
  g_assert_cmpuint (att.head_dim, ==, config.d_model / config.heads);
  for (h = 0; h < config.heads; h++)
    for (i = 0; i < N; i++)
      {
        double row = 0.0;
        for (j = 0; j < N; j++)
          {
            double w = uth_toy_attention_weight (&att, h, i, j);
            if (j > i)
              g_assert_cmpfloat (w, ==, 0.0);   /* the future is masked */
            else
              g_assert_cmpfloat (w, >, 0.0);
            row += w;
          }
        g_assert_cmpfloat_with_epsilon (row, 1.0, 1e-12);
      }
  /* The first token can only attend to itself. */
  g_assert_cmpfloat (uth_toy_attention_weight (&att, 0, 0, 0), ==, 1.0);
  uth_toy_attention_clear (&att);
}

static void
test_formula (void)
{
  UthToyConfig config;
  UthToyAttention att;
  size_t i = 5, j = 2;
  guint32 h = 1, c;
  double s, out = 0.0;

  uth_toy_config_init (&config);
  g_assert_true (uth_toy_attention_run (&config, ids, N, &att));
  /* S_ij = q_i . k_j / sqrt (hd) */
  s = uth_dot (uth_toy_attention_q (&att, h, i), uth_toy_attention_k (&att, h, j), att.head_dim)
      / sqrt (att.head_dim);
  g_assert_cmpfloat_with_epsilon (uth_toy_attention_score (&att, h, i, j), s, 1e-12);
  /* out_i = sum_j A_ij v_j, first entry. */
  for (j = 0; j <= i; j++)
    out += uth_toy_attention_weight (&att, h, i, j) * uth_toy_attention_v (&att, h, j)[0];
  g_assert_cmpfloat_with_epsilon (uth_toy_attention_out (&att, h, i)[0], out, 1e-12);
  /* The same id gets the same embedding row (tokens 0 and 7). */
  for (c = 0; c < config.d_model; c++)
    g_assert_cmpfloat (att.x[c], ==, att.x[7 * config.d_model + c]);
  uth_toy_attention_clear (&att);
}

static void
test_deterministic (void)
{
  UthToyConfig config;
  UthToyAttention a, b;

  uth_toy_config_init (&config);
  g_assert_true (uth_toy_attention_run (&config, ids, N, &a));
  g_assert_true (uth_toy_attention_run (&config, ids, N, &b));
  g_assert_cmpmem (a.weights, config.heads * N * N * sizeof (double),
                   b.weights, config.heads * N * N * sizeof (double));
  uth_toy_attention_clear (&b);
  /* Another seed, other weights. */
  config.seed++;
  g_assert_true (uth_toy_attention_run (&config, ids, N, &b));
  g_assert_true (memcmp (a.weights, b.weights, config.heads * N * N * sizeof (double)) != 0);
  uth_toy_attention_clear (&a);
  uth_toy_attention_clear (&b);
  /* A width the heads do not divide is refused. */
  config.d_model = 30;
  g_assert_false (uth_toy_attention_run (&config, ids, N, &a));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy-transformer/mask", test_mask);
  g_test_add_func ("/toy-transformer/formula", test_formula);
  g_test_add_func ("/toy-transformer/deterministic", test_deterministic);
  return g_test_run ();
}
