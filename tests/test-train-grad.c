/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finite-difference gradient checks of every backward pass of the trainer
 * (tools/trainer/uth-train-model.c), built in double precision (UTH_TRAIN_DOUBLE).
 *
 * Each layer f is checked on random inputs through the scalar L = Σ r ⊙ f(inputs) with a
 * fixed random r: the analytic gradient (the backward pass given dY = r) must match the
 * central difference (L(θ + h) − L(θ − h)) / 2h with h = 1e-6. In double precision its
 * truncation error is h²/6 times the third derivative (≈ 1e-12 · f''') and its rounding
 * error about 1e-16 · |L| / h ≈ 1e-10 · |L|, so the tolerance is 1e-7 · max(1, |gradient|).
 * (With h = 1e-4 the whole model's check is off by 2e-5 on one element, with 1e-5 by
 * 4e-6, shrinking as h²: the truncation error, not a wrong gradient.) A wrong sign, a
 * missing term or a transposed index is off by far more; the tests also check that the
 * gradients are not all zero. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "uth-train-model.h"

#define H_STEP 1e-6
#define TOL    1e-7

static void
fill_random (double *x, size_t n, GRand *rand, double scale)
{
  for (size_t i = 0; i < n; i++)
    x[i] = scale * g_rand_double_range (rand, -1.0, 1.0);
}

static double
dot (const double *a, const double *b, size_t n)
{
  double s = 0;

  for (size_t i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* A layer as a function of its parameters (all inputs and weights in one array). */
typedef double (*LossFunc) (double *theta, void *data);

/* Compares grad with central differences over every element of theta; returns the
 * largest |grad| so the caller can check the gradient is not trivially zero. */
static double
check_gradient (const char *what, LossFunc f, void *data, double *theta, const double *grad,
                size_t n)
{
  double largest = 0;

  for (size_t i = 0; i < n; i++)
    {
      double keep = theta[i], plus, minus, numeric;

      theta[i] = keep + H_STEP;
      plus = f (theta, data);
      theta[i] = keep - H_STEP;
      minus = f (theta, data);
      theta[i] = keep;
      numeric = (plus - minus) / (2 * H_STEP);
      if (fabs (numeric - grad[i]) > TOL * fmax (1.0, fabs (grad[i])))
        g_error ("%s: element %zu: backward gives %.10g, finite difference %.10g", what, i,
                 grad[i], numeric);
      largest = fmax (largest, fabs (grad[i]));
    }
  return largest;
}

/* ---- matmul ---------------------------------------------------------------------------- */

enum { MM_N = 3, MM_IN = 5, MM_OUT = 4 };

typedef struct { double r[MM_N * MM_OUT]; } MatmulData;

static double
matmul_loss (double *theta, void *data)
{
  MatmulData *d = data;
  double y[MM_N * MM_OUT];

  uth_train_matmul (y, theta, theta + MM_N * MM_IN, MM_N, MM_IN, MM_OUT, 1);
  return dot (y, d->r, MM_N * MM_OUT);
}

static void
test_matmul (void)
{
  GRand *rand = g_rand_new_with_seed (1);
  MatmulData d;
  double theta[MM_N * MM_IN + MM_OUT * MM_IN], grad[G_N_ELEMENTS (theta)] = { 0 };
  double y[MM_N * MM_OUT], y2[MM_N * MM_OUT];

  fill_random (theta, G_N_ELEMENTS (theta), rand, 1.0);
  fill_random (d.r, G_N_ELEMENTS (d.r), rand, 1.0);
  uth_train_matmul_backward (grad, grad + MM_N * MM_IN, d.r, theta, theta + MM_N * MM_IN, MM_N,
                             MM_IN, MM_OUT, 1);
  g_assert_cmpfloat (check_gradient ("matmul", matmul_loss, &d, theta, grad,
                                     G_N_ELEMENTS (theta)), >, 0.1);

  /* Known answer: Y[0][0] = Σ_i X[0][i] W[0][i]; and two threads give the same bits. */
  uth_train_matmul (y, theta, theta + MM_N * MM_IN, MM_N, MM_IN, MM_OUT, 1);
  g_assert_cmpfloat_with_epsilon (y[0], dot (theta, theta + MM_N * MM_IN, MM_IN), 1e-15);
  uth_train_matmul (y2, theta, theta + MM_N * MM_IN, MM_N, MM_IN, MM_OUT, 2);
  g_assert_cmpmem (y, sizeof y, y2, sizeof y2);
  g_rand_free (rand);
}

/* ---- RMSNorm --------------------------------------------------------------------------- */

enum { RN_N = 3, RN_D = 6 };

typedef struct { double r[RN_N * RN_D]; } NormData;

static double
rmsnorm_loss (double *theta, void *data)
{
  NormData *d = data;
  double y[RN_N * RN_D], rstd[RN_N];

  uth_train_rmsnorm (y, rstd, theta, theta + RN_N * RN_D, RN_N, RN_D, 1e-5);
  return dot (y, d->r, RN_N * RN_D);
}

static void
test_rmsnorm (void)
{
  GRand *rand = g_rand_new_with_seed (2);
  NormData d;
  double theta[RN_N * RN_D + RN_D], grad[G_N_ELEMENTS (theta)] = { 0 };
  double y[RN_N * RN_D], rstd[RN_N];
  const double x[4] = { 1, 2, 3, 4 }, w[4] = { 1, 1, 1, 2 };
  double yk[4], rk[1];

  fill_random (theta, G_N_ELEMENTS (theta), rand, 1.0);
  fill_random (d.r, G_N_ELEMENTS (d.r), rand, 1.0);
  uth_train_rmsnorm (y, rstd, theta, theta + RN_N * RN_D, RN_N, RN_D, 1e-5);
  uth_train_rmsnorm_backward (grad, grad + RN_N * RN_D, d.r, theta, theta + RN_N * RN_D, rstd,
                              RN_N, RN_D);
  g_assert_cmpfloat (check_gradient ("rmsnorm", rmsnorm_loss, &d, theta, grad,
                                     G_N_ELEMENTS (theta)), >, 0.1);

  /* Known answer: mean(x²) = (1 + 4 + 9 + 16) / 4 = 7.5, so y = x / √(7.5 + ε) · w:
   * y[3] = 4 · 2 / √7.50001 = 8 / 2.7386146... = 2.921185... */
  uth_train_rmsnorm (yk, rk, x, w, 1, 4, 1e-5);
  g_assert_cmpfloat_with_epsilon (yk[3], 8.0 / sqrt (7.5 + 1e-5), 1e-12);
  g_assert_cmpfloat_with_epsilon (yk[3], 2.921185, 1e-6);
  g_rand_free (rand);
}

/* ---- RoPE -------------------------------------------------------------------------------- */

static void
test_rope_known (void)
{
  /* One head of width 4 at position 1 (θ = 10000): pair (0, 2) turns by 1 radian, pair
   * (1, 3) by 10000^(−2/4) = 0.01 radian. x = (1, 0, 0, 1): x0' = cos 1, x2' = sin 1,
   * x1' = −sin 0.01, x3' = cos 0.01 (rotate-half: out_i = x_i cos − x_{i+2} sin,
   * out_{i+2} = x_{i+2} cos + x_i sin). Position 0 is left alone. */
  double x[8] = { 5, 6, 7, 8, 1, 0, 0, 1 };

  uth_train_rope (x, 2, 2, 1, 4, 10000.0, 0);
  g_assert_cmpfloat (x[0], ==, 5);
  g_assert_cmpfloat (x[3], ==, 8);
  g_assert_cmpfloat_with_epsilon (x[4], cos (1.0), 1e-15);
  g_assert_cmpfloat_with_epsilon (x[6], sin (1.0), 1e-15);
  g_assert_cmpfloat_with_epsilon (x[5], -sin (0.01), 1e-15);
  g_assert_cmpfloat_with_epsilon (x[7], cos (0.01), 1e-15);
  /* The inverse turns it back. */
  uth_train_rope (x, 2, 2, 1, 4, 10000.0, 1);
  g_assert_cmpfloat_with_epsilon (x[4], 1, 1e-15);
  g_assert_cmpfloat_with_epsilon (x[5], 0, 1e-15);
  g_assert_cmpfloat_with_epsilon (x[6], 0, 1e-15);
  g_assert_cmpfloat_with_epsilon (x[7], 1, 1e-15);
}

/* ---- attention with RoPE ---------------------------------------------------------------- */

enum { AT_B = 2, AT_T = 4, AT_H = 2, AT_HD = 4, AT_D = AT_H * AT_HD, AT_N = AT_B * AT_T };

typedef struct { double r[AT_N * AT_D]; } AttnData;

/* theta = q, k, v (before RoPE), each AT_N × AT_D. */
static double
attention_loss (double *theta, void *data)
{
  AttnData *d = data;
  double q[AT_N * AT_D], k[AT_N * AT_D], out[AT_N * AT_D];
  double probs[AT_B * AT_H * AT_T * AT_T];

  memcpy (q, theta, sizeof q);
  memcpy (k, theta + AT_N * AT_D, sizeof k);
  uth_train_rope (q, AT_N, AT_T, AT_H, AT_HD, 10000.0, 0);
  uth_train_rope (k, AT_N, AT_T, AT_H, AT_HD, 10000.0, 0);
  uth_train_attention (out, probs, q, k, theta + 2 * AT_N * AT_D, AT_B, AT_T, AT_H, AT_HD, 1);
  return dot (out, d->r, AT_N * AT_D);
}

static void
test_attention (void)
{
  GRand *rand = g_rand_new_with_seed (3);
  AttnData d;
  double theta[3 * AT_N * AT_D], grad[G_N_ELEMENTS (theta)];
  double q[AT_N * AT_D], k[AT_N * AT_D], out[AT_N * AT_D];
  double probs[AT_B * AT_H * AT_T * AT_T];

  fill_random (theta, G_N_ELEMENTS (theta), rand, 1.5);
  fill_random (d.r, G_N_ELEMENTS (d.r), rand, 1.0);
  memcpy (q, theta, sizeof q);
  memcpy (k, theta + AT_N * AT_D, sizeof k);
  uth_train_rope (q, AT_N, AT_T, AT_H, AT_HD, 10000.0, 0);
  uth_train_rope (k, AT_N, AT_T, AT_H, AT_HD, 10000.0, 0);
  uth_train_attention (out, probs, q, k, theta + 2 * AT_N * AT_D, AT_B, AT_T, AT_H, AT_HD, 1);
  uth_train_attention_backward (grad, grad + AT_N * AT_D, grad + 2 * AT_N * AT_D, d.r, probs,
                                q, k, theta + 2 * AT_N * AT_D, AT_B, AT_T, AT_H, AT_HD, 2);
  /* The backward of RoPE is the inverse rotation. */
  uth_train_rope (grad, AT_N, AT_T, AT_H, AT_HD, 10000.0, 1);
  uth_train_rope (grad + AT_N * AT_D, AT_N, AT_T, AT_H, AT_HD, 10000.0, 1);
  g_assert_cmpfloat (check_gradient ("attention with RoPE", attention_loss, &d, theta, grad,
                                     G_N_ELEMENTS (theta)), >, 0.1);

  /* Causal: position 0 looks only at itself; every row sums to 1. */
  for (int bh = 0; bh < AT_B * AT_H; bh++)
    for (int t = 0; t < AT_T; t++)
      {
        double s = 0;

        for (int j = 0; j < AT_T; j++)
          {
            double p = probs[(bh * AT_T + t) * AT_T + j];

            if (j > t)
              g_assert_cmpfloat (p, ==, 0);
            s += p;
          }
        g_assert_cmpfloat_with_epsilon (s, 1, 1e-12);
      }
  g_assert_cmpfloat (probs[0], ==, 1);
  g_rand_free (rand);
}

/* ---- SwiGLU ---------------------------------------------------------------------------- */

enum { SW_N = 7 };

typedef struct { double r[SW_N]; } SwigluData;

static double
swiglu_loss (double *theta, void *data)
{
  SwigluData *d = data;
  double a[SW_N];

  uth_train_swiglu (a, theta, theta + SW_N, SW_N);
  return dot (a, d->r, SW_N);
}

static void
test_swiglu (void)
{
  GRand *rand = g_rand_new_with_seed (4);
  SwigluData d;
  double theta[2 * SW_N], grad[2 * SW_N];
  const double g1 = 1.0, u1 = 2.0;
  double a1;

  fill_random (theta, G_N_ELEMENTS (theta), rand, 3.0);
  fill_random (d.r, G_N_ELEMENTS (d.r), rand, 1.0);
  uth_train_swiglu_backward (grad, grad + SW_N, d.r, theta, theta + SW_N, SW_N);
  g_assert_cmpfloat (check_gradient ("swiglu", swiglu_loss, &d, theta, grad,
                                     G_N_ELEMENTS (theta)), >, 0.1);
  /* Known answer: silu(1) · 2 = 2 / (1 + e^−1) = 1.462117... */
  uth_train_swiglu (&a1, &g1, &u1, 1);
  g_assert_cmpfloat_with_epsilon (a1, 1.4621171572600098, 1e-12);
  g_rand_free (rand);
}

/* ---- cross-entropy --------------------------------------------------------------------- */

enum { CE_N = 3, CE_V = 5 };

static const int32_t ce_targets[CE_N] = { 4, -1, 0 };

static double
ce_loss (double *theta, void *data)
{
  (void) data;
  return uth_train_cross_entropy (NULL, theta, ce_targets, CE_N, CE_V, NULL);
}

static void
test_cross_entropy (void)
{
  GRand *rand = g_rand_new_with_seed (5);
  double theta[CE_N * CE_V], grad[CE_N * CE_V];
  const double uniform[4] = { 0, 0, 0, 0 };
  const int32_t t0[1] = { 2 };
  int counted = 0;

  fill_random (theta, G_N_ELEMENTS (theta), rand, 2.0);
  uth_train_cross_entropy (grad, theta, ce_targets, CE_N, CE_V, &counted);
  g_assert_cmpint (counted, ==, 2);   /* the −1 target is not counted */
  g_assert_cmpfloat (check_gradient ("cross-entropy", ce_loss, NULL, theta, grad,
                                     G_N_ELEMENTS (theta)), >, 0.1);
  /* Known answer: equal logits over 4 tokens cost ln 4 = 1.386294 nats. */
  g_assert_cmpfloat_with_epsilon (uth_train_cross_entropy (NULL, uniform, t0, 1, 4, NULL),
                                  log (4.0), 1e-15);
  g_rand_free (rand);
}

/* ---- the whole model: embedding, every layer, final norm, tied head, loss ---------------- */

typedef struct
{
  UthTrainConfig cfg;
  UthTrainWork  *work;
  int32_t        inputs[2 * 5], targets[2 * 5];
} ModelData;

static double
model_loss (double *theta, void *data)
{
  ModelData *d = data;

  return uth_train_forward_backward (&d->cfg, theta, NULL, d->inputs, d->targets, d->work, 1,
                                     NULL);
}

static void
test_model (void)
{
  ModelData d = {
    .cfg = { .vocab_size = 11, .dim = 8, .n_layers = 2, .n_heads = 2, .hidden_dim = 12,
             .context = 5, .rope_theta = 10000.0, .norm_eps = 1e-5 },
    .inputs = { 10, 3, 1, 4, 1, 10, 5, 9, 2, 6 },
    .targets = { 3, 1, 4, 1, 5, 5, 9, 2, 6, -1 },
  };
  size_t n = uth_train_n_params (&d.cfg);
  double *theta = g_new (double, n), *grad = g_new0 (double, n), *grad2 = g_new0 (double, n);
  double loss, loss2;

  /* 11·8 embedding + 2 · (2·8 + 4·64 + 3·8·12) + 8 = 88 + 2 · 560 + 8 */
  g_assert_cmpuint (n, ==, 88 + 2 * 560 + 8);
  d.work = uth_train_work_new (&d.cfg, 2, 5);
  g_assert_nonnull (d.work);
  /* Larger than the trainer's 0.02 so that every path carries a visible gradient. */
  uth_train_init_params (&d.cfg, theta, 7);
  for (size_t i = 0; i < n; i++)
    theta[i] *= 20;
  {
    /* the norms' weights away from exactly 1 */
    UthTrainLayer L;

    uth_train_layer (&d.cfg, theta, 1, &L);
    for (int i = 0; i < 8; i++)
      L.mlp_norm[i] = 0.5 + 0.1 * i;
  }
  loss = uth_train_forward_backward (&d.cfg, theta, grad, d.inputs, d.targets, d.work, 1, NULL);
  g_assert_true (isfinite (loss));
  check_gradient ("whole model", model_loss, &d, theta, grad, n);
  /* Every parameter group gets a gradient (the embedding rows of unused ids excepted:
   * they still get one through the tied head). */
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (grad[i]), >, 0);
  /* Gradients add up: a second backward doubles them; two threads give the same bits. */
  loss2 = uth_train_forward_backward (&d.cfg, theta, grad2, d.inputs, d.targets, d.work, 2, NULL);
  g_assert_cmpfloat (loss, ==, loss2);
  g_assert_cmpmem (grad, n * sizeof (double), grad2, n * sizeof (double));
  uth_train_work_free (d.work);
  g_free (theta);
  g_free (grad);
  g_free (grad2);
}

static void
test_config_check (void)
{
  UthTrainConfig ok = { 11, 8, 2, 2, 12, 5, 10000.0, 1e-5 }, bad = ok;

  g_assert_null (uth_train_config_check (&ok));
  bad.n_heads = 3;          /* 8 is not divisible into 3 heads */
  g_assert_nonnull (uth_train_config_check (&bad));
  bad = ok;
  bad.dim = 6;              /* 2 heads of width 3: RoPE needs an even width */
  bad.n_heads = 2;
  g_assert_nonnull (uth_train_config_check (&bad));
  bad = ok;
  bad.norm_eps = 0;
  g_assert_nonnull (uth_train_config_check (&bad));
  bad.norm_eps = 1e-5;
  g_assert_null (uth_train_work_new (&ok, 1, 6));   /* longer than the context */
}

static void
test_schedule (void)
{
  UthTrainOptim opt = { .lr_peak = 1e-3, .lr_min = 1e-4, .warmup_steps = 10,
                        .total_steps = 110 };
  double g[2] = { 3, 4 };

  /* Warm-up: step 0 is 1/10 of the peak, step 9 the peak. */
  g_assert_cmpfloat_with_epsilon (uth_train_lr (&opt, 0), 1e-4, 1e-15);
  g_assert_cmpfloat_with_epsilon (uth_train_lr (&opt, 9), 1e-3, 1e-15);
  /* Cosine: half-way (step 60) is the mean of peak and floor; the end is the floor. */
  g_assert_cmpfloat_with_epsilon (uth_train_lr (&opt, 60), 5.5e-4, 1e-15);
  g_assert_cmpfloat_with_epsilon (uth_train_lr (&opt, 110), 1e-4, 1e-15);
  g_assert_cmpfloat_with_epsilon (uth_train_lr (&opt, 500), 1e-4, 1e-15);
  /* Clipping (3, 4) of norm 5 to 1 gives (0.6, 0.8). */
  g_assert_cmpfloat_with_epsilon (uth_train_clip (g, 2, 1.0), 5, 1e-15);
  g_assert_cmpfloat_with_epsilon (g[0], 0.6, 1e-15);
  g_assert_cmpfloat_with_epsilon (g[1], 0.8, 1e-15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/grad/matmul", test_matmul);
  g_test_add_func ("/train/grad/rmsnorm", test_rmsnorm);
  g_test_add_func ("/train/grad/rope", test_rope_known);
  g_test_add_func ("/train/grad/attention", test_attention);
  g_test_add_func ("/train/grad/swiglu", test_swiglu);
  g_test_add_func ("/train/grad/cross-entropy", test_cross_entropy);
  g_test_add_func ("/train/grad/model", test_model);
  g_test_add_func ("/train/config", test_config_check);
  g_test_add_func ("/train/schedule", test_schedule);
  return g_test_run ();
}
