/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A few training steps of the trainer (tools/trainer, single precision as it trains) on a
 * tiny corpus: the loss goes down, and the same seed gives the same losses bit for bit,
 * with one thread or two. The loop is the trainer's (uth-train-main.c, cmd_train): sample
 * windows with the seeded generator, forward and backward, clip, AdamW at the scheduled
 * rate. Tokens are the corpus's bytes (vocabulary 256 + one BOS). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "core/uth-rng.h"
#include "uth-train-model.h"

#define STEPS 40
#define BOS   256

static const char corpus[] =
  "In the beginning God created the heaven and the earth. "
  "And the earth was without form, and void; and darkness was upon the face of the deep. "
  "And the Spirit of God moved upon the face of the waters. "
  "And God said, Let there be light: and there was light. "
  "And God saw the light, that it was good: and God divided the light from the darkness.";

static void
train (int     n_threads,
       guint64 seed,
       double *losses)
{
  UthTrainConfig cfg = { .vocab_size = 257, .dim = 32, .n_layers = 2, .n_heads = 2,
                         .hidden_dim = 64, .context = 16, .rope_theta = 10000.0,
                         .norm_eps = 1e-5 };
  UthTrainOptim opt = { .lr_peak = 1e-2, .lr_min = 1e-3, .warmup_steps = 5,
                        .total_steps = STEPS, .beta1 = 0.9, .beta2 = 0.95, .eps = 1e-8,
                        .weight_decay = 0.1, .clip_norm = 1.0 };
  enum { B = 4, T = 16 };
  size_t n = uth_train_n_params (&cfg), len = strlen (corpus);
  float *params = g_new (float, n), *grads = g_new (float, n);
  float *m = g_new0 (float, n), *v = g_new0 (float, n);
  int32_t inputs[B * T], targets[B * T];
  UthTrainWork *work = uth_train_work_new (&cfg, B, T);
  UthRng rng;

  g_assert_nonnull (work);
  uth_train_init_params (&cfg, params, seed);
  uth_rng_init (&rng, seed ^ 0x9E3779B97F4A7C15ull);
  for (int step = 0; step < STEPS; step++)
    {
      for (int b = 0; b < B; b++)
        {
          size_t off = (size_t) (uth_rng_uniform (&rng) * (double) (len - T));

          inputs[b * T] = BOS;
          for (int t = 0; t < T; t++)
            {
              if (t > 0)
                inputs[b * T + t] = (unsigned char) corpus[off + t - 1];
              targets[b * T + t] = (unsigned char) corpus[off + t];
            }
        }
      memset (grads, 0, n * sizeof (float));
      losses[step] = uth_train_forward_backward (&cfg, params, grads, inputs, targets, work,
                                                 n_threads, NULL);
      uth_train_clip (grads, n, opt.clip_norm);
      uth_train_adamw (&cfg, &opt, params, grads, m, v, step, uth_train_lr (&opt, step));
    }
  uth_train_work_free (work);
  g_free (params);
  g_free (grads);
  g_free (m);
  g_free (v);
}

static void
test_loss_goes_down (void)
{
  double losses[STEPS];

  train (1, 1, losses);
  g_test_message ("loss: step 0 %.4f, step 20 %.4f, step 39 %.4f", losses[0], losses[20],
                  losses[39]);
  /* Before training every byte is about equally likely: ln 257 = 5.549 nats. */
  g_assert_cmpfloat (fabs (losses[0] - log (257.0)), <, 0.05);
  /* After 40 steps on 300 bytes of text the mean of the last five is under 3.5 nats
   * (a model that only learnt the byte frequencies of this text would be at about 3). */
  g_assert_cmpfloat ((losses[35] + losses[36] + losses[37] + losses[38] + losses[39]) / 5,
                     <, 3.5);
  for (int i = 0; i < STEPS; i++)
    g_assert_true (isfinite (losses[i]));
}

static void
test_deterministic (void)
{
  double a[STEPS], b[STEPS], c[STEPS], d[STEPS];

  train (1, 7, a);
  train (1, 7, b);
  train (2, 7, c);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);   /* same seed: same bits */
  g_assert_cmpmem (a, sizeof a, c, sizeof c);   /* two threads: same bits */
  train (1, 8, d);
  g_assert_cmpfloat (a[STEPS - 1], !=, d[STEPS - 1]);   /* another seed: another run */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/steps/loss-goes-down", test_loss_goes_down);
  g_test_add_func ("/train/steps/deterministic", test_deterministic);
  return g_test_run ();
}
