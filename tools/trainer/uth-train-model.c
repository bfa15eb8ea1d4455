/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trainer's maths; see uth-train-model.h. Written from the equations there. */
#include "uth-train-model.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/uth-rng.h"

#ifdef UTH_TRAIN_DOUBLE
#define R_SQRT sqrt
#define R_EXP  exp
#else
#define R_SQRT sqrtf
#define R_EXP  expf
#endif

/* The hot loops get an AVX2 copy where the processor has it (same order of operations,
 * wider registers: results are the same bits as the plain copy, no fused multiply-add). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__ ((target_clones ("avx2", "default")))
#else
#define HOT
#endif

/* ---- threads ----------------------------------------------------------------------- */

typedef void (*RangeFunc) (void *data, int begin, int end);

typedef struct
{
  RangeFunc func;
  void     *data;
  int       begin, end;
} RangeJob;

static void *
run_range (void *arg)
{
  RangeJob *job = arg;

  job->func (job->data, job->begin, job->end);
  return NULL;
}

#define MAX_THREADS 16

/* Calls func on [0, n) cut into n_threads contiguous pieces, one per thread. Each item's
 * work is independent, so the results do not depend on the cut. */
static void
parallel_for (int       n,
              int       n_threads,
              RangeFunc func,
              void     *data)
{
  RangeJob jobs[MAX_THREADS];
  pthread_t threads[MAX_THREADS];
  int started[MAX_THREADS] = { 0 };
  int t;

  if (n_threads > MAX_THREADS)
    n_threads = MAX_THREADS;
  if (n_threads > n)
    n_threads = n;
  if (n_threads <= 1)
    {
      if (n > 0)
        func (data, 0, n);
      return;
    }
  for (t = 0; t < n_threads; t++)
    {
      jobs[t].func = func;
      jobs[t].data = data;
      jobs[t].begin = (int) ((long long) n * t / n_threads);
      jobs[t].end = (int) ((long long) n * (t + 1) / n_threads);
    }
  for (t = 1; t < n_threads; t++)
    started[t] = pthread_create (&threads[t], NULL, run_range, &jobs[t]) == 0;
  run_range (&jobs[0]);
  for (t = 1; t < n_threads; t++)
    {
      if (started[t])
        pthread_join (threads[t], NULL);
      else
        run_range (&jobs[t]);    /* no thread: do that piece here */
    }
}

/* ---- configuration and parameters ------------------------------------------------- */

const char *
uth_train_config_check (const UthTrainConfig *cfg)
{
  if (cfg->vocab_size < 2 || cfg->vocab_size > (1 << 20))
    return "vocab_size must be between 2 and 2^20";
  if (cfg->dim < 2 || cfg->dim > 8192)
    return "dim must be between 2 and 8192";
  if (cfg->n_layers < 1 || cfg->n_layers > 64)
    return "n_layers must be between 1 and 64";
  if (cfg->n_heads < 1 || cfg->dim % cfg->n_heads != 0 || (cfg->dim / cfg->n_heads) % 2 != 0)
    return "n_heads must divide dim into heads of an even width";
  if (cfg->hidden_dim < 1 || cfg->hidden_dim > 65536)
    return "hidden_dim must be between 1 and 65536";
  if (cfg->context < 1 || cfg->context > 65536)
    return "context must be between 1 and 65536";
  if (!(cfg->rope_theta > 1.0) || !(cfg->norm_eps > 0.0))
    return "rope_theta must be above 1 and norm_eps above 0";
  return NULL;
}

static size_t
layer_size (const UthTrainConfig *cfg)
{
  size_t d = (size_t) cfg->dim, h = (size_t) cfg->hidden_dim;

  return 2 * d + 4 * d * d + 3 * d * h;
}

size_t
uth_train_n_params (const UthTrainConfig *cfg)
{
  return (size_t) cfg->vocab_size * (size_t) cfg->dim +
         (size_t) cfg->n_layers * layer_size (cfg) + (size_t) cfg->dim;
}

uth_real *
uth_train_embed (const UthTrainConfig *cfg,
                 uth_real             *params)
{
  (void) cfg;
  return params;
}

uth_real *
uth_train_final_norm (const UthTrainConfig *cfg,
                      uth_real             *params)
{
  return params + uth_train_n_params (cfg) - (size_t) cfg->dim;
}

void
uth_train_layer (const UthTrainConfig *cfg,
                 uth_real             *params,
                 int                   layer,
                 UthTrainLayer        *out)
{
  size_t d = (size_t) cfg->dim, h = (size_t) cfg->hidden_dim;
  uth_real *p = params + (size_t) cfg->vocab_size * d + (size_t) layer * layer_size (cfg);

  out->attn_norm = p; p += d;
  out->wq = p; p += d * d;
  out->wk = p; p += d * d;
  out->wv = p; p += d * d;
  out->wo = p; p += d * d;
  out->mlp_norm = p; p += d;
  out->gate = p; p += h * d;
  out->up = p; p += h * d;
  out->down = p;
}

/* Standard normal by Box–Muller from the core's splitmix64 generator. */
static double
normal (UthRng *rng)
{
  double u1 = uth_rng_uniform (rng), u2 = uth_rng_uniform (rng);

  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt (-2.0 * log (u1)) * cos (2.0 * M_PI * u2);
}

static void
fill_normal (uth_real *p, size_t n, double std, UthRng *rng)
{
  for (size_t i = 0; i < n; i++)
    p[i] = (uth_real) (std * normal (rng));
}

static void
fill_ones (uth_real *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    p[i] = 1;
}

void
uth_train_init_params (const UthTrainConfig *cfg,
                       uth_real             *params,
                       uint64_t              seed)
{
  size_t d = (size_t) cfg->dim, h = (size_t) cfg->hidden_dim;
  double std = 0.02, std_out = 0.02 / sqrt (2.0 * cfg->n_layers);
  UthRng rng;

  uth_rng_init (&rng, seed);
  fill_normal (uth_train_embed (cfg, params), (size_t) cfg->vocab_size * d, std, &rng);
  for (int l = 0; l < cfg->n_layers; l++)
    {
      UthTrainLayer L;

      uth_train_layer (cfg, params, l, &L);
      fill_ones (L.attn_norm, d);
      fill_normal (L.wq, d * d, std, &rng);
      fill_normal (L.wk, d * d, std, &rng);
      fill_normal (L.wv, d * d, std, &rng);
      fill_normal (L.wo, d * d, std_out, &rng);
      fill_ones (L.mlp_norm, d);
      fill_normal (L.gate, h * d, std, &rng);
      fill_normal (L.up, h * d, std, &rng);
      fill_normal (L.down, d * h, std_out, &rng);
    }
  fill_ones (uth_train_final_norm (cfg, params), d);
}

/* ---- matrix products --------------------------------------------------------------- */

/* y[0..n) += a * x[0..n): no reduction, so the compiler may vectorise it freely. */
HOT static void
axpy (uth_real *restrict y, uth_real a, const uth_real *restrict x, int n)
{
  for (int i = 0; i < n; i++)
    y[i] += a * x[i];
}

typedef struct
{
  uth_real       *y, *dx, *dw;
  const uth_real *x, *w, *dy;
  uth_real       *wt;
  int             n, in, out;
} MatmulJob;

/* Forward, rows [begin, end): y[r] = Σ_i x[r][i] · wt[i] (wt = Wᵀ, in × out). */
static void
matmul_rows (void *data, int begin, int end)
{
  MatmulJob *job = data;

  for (int r = begin; r < end; r++)
    {
      uth_real *y = job->y + (size_t) r * job->out;
      const uth_real *x = job->x + (size_t) r * job->in;

      memset (y, 0, sizeof (uth_real) * (size_t) job->out);
      for (int i = 0; i < job->in; i++)
        axpy (y, x[i], job->wt + (size_t) i * job->out, job->out);
    }
}

void
uth_train_matmul (uth_real       *y,
                  const uth_real *x,
                  const uth_real *w,
                  int             n,
                  int             in,
                  int             out,
                  int             n_threads)
{
  MatmulJob job = { .y = y, .x = x, .n = n, .in = in, .out = out };
  uth_real *wt = malloc (sizeof (uth_real) * (size_t) in * (size_t) out);

  if (wt == NULL)
    abort ();
  for (int o = 0; o < out; o++)
    for (int i = 0; i < in; i++)
      wt[(size_t) i * out + o] = w[(size_t) o * in + i];
  job.wt = wt;
  parallel_for (n, n_threads, matmul_rows, &job);
  free (wt);
}

/* dX rows [begin, end): dx[r] += Σ_o dy[r][o] · w[o]. */
static void
matmul_dx_rows (void *data, int begin, int end)
{
  MatmulJob *job = data;

  for (int r = begin; r < end; r++)
    {
      uth_real *dx = job->dx + (size_t) r * job->in;
      const uth_real *dy = job->dy + (size_t) r * job->out;

      for (int o = 0; o < job->out; o++)
        axpy (dx, dy[o], job->w + (size_t) o * job->in, job->in);
    }
}

/* dW rows [begin, end): dw[o] += Σ_r dy[r][o] · x[r]. */
static void
matmul_dw_rows (void *data, int begin, int end)
{
  MatmulJob *job = data;

  for (int o = begin; o < end; o++)
    {
      uth_real *dw = job->dw + (size_t) o * job->in;

      for (int r = 0; r < job->n; r++)
        axpy (dw, job->dy[(size_t) r * job->out + o], job->x + (size_t) r * job->in, job->in);
    }
}

void
uth_train_matmul_backward (uth_real       *dx,
                           uth_real       *dw,
                           const uth_real *dy,
                           const uth_real *x,
                           const uth_real *w,
                           int             n,
                           int             in,
                           int             out,
                           int             n_threads)
{
  MatmulJob job = { .dx = dx, .dw = dw, .dy = dy, .x = x, .w = w,
                    .n = n, .in = in, .out = out };

  if (dx != NULL)
    parallel_for (n, n_threads, matmul_dx_rows, &job);
  if (dw != NULL)
    parallel_for (out, n_threads, matmul_dw_rows, &job);
}

/* ---- RMSNorm ------------------------------------------------------------------------ */

void
uth_train_rmsnorm (uth_real       *y,
                   uth_real       *rstd,
                   const uth_real *x,
                   const uth_real *w,
                   int             n,
                   int             dim,
                   double          eps)
{
  for (int r = 0; r < n; r++)
    {
      const uth_real *xr = x + (size_t) r * dim;
      uth_real *yr = y + (size_t) r * dim;
      uth_real ss = 0, s;

      for (int i = 0; i < dim; i++)
        ss += xr[i] * xr[i];
      s = 1 / R_SQRT (ss / (uth_real) dim + (uth_real) eps);
      rstd[r] = s;
      for (int i = 0; i < dim; i++)
        yr[i] = xr[i] * s * w[i];
    }
}

/* y_i = w_i x_i s with s = (mean(x²) + ε)^(-1/2), ∂s/∂x_j = −s³ x_j / dim, so
 *   ∂L/∂w_i += dy_i x_i s
 *   ∂L/∂x_j += s dy_j w_j − (s³ / dim) x_j Σ_i dy_i w_i x_i */
void
uth_train_rmsnorm_backward (uth_real       *dx,
                            uth_real       *dw,
                            const uth_real *dy,
                            const uth_real *x,
                            const uth_real *w,
                            const uth_real *rstd,
                            int             n,
                            int             dim)
{
  for (int r = 0; r < n; r++)
    {
      const uth_real *xr = x + (size_t) r * dim, *dyr = dy + (size_t) r * dim;
      uth_real *dxr = dx + (size_t) r * dim;
      uth_real s = rstd[r], dot = 0, c;

      for (int i = 0; i < dim; i++)
        {
          dot += dyr[i] * w[i] * xr[i];
          if (dw != NULL)
            dw[i] += dyr[i] * xr[i] * s;
        }
      c = s * s * s * dot / (uth_real) dim;
      for (int i = 0; i < dim; i++)
        dxr[i] += s * dyr[i] * w[i] - c * xr[i];
    }
}

/* ---- RoPE --------------------------------------------------------------------------- */

/* Rotate-half, as Hugging Face's Llama: the pair (i, i + d/2) of each head turns by
 * position · θ^(−2i/d). The inverse turns the other way (the transpose of the rotation). */
void
uth_train_rope (uth_real *x,
                int       n_rows,
                int       seq_len,
                int       n_heads,
                int       head_dim,
                double    theta,
                int       inverse)
{
  int half = head_dim / 2;

  for (int r = 0; r < n_rows; r++)
    {
      int pos = r % seq_len;

      for (int i = 0; i < half; i++)
        {
          double freq = pow (theta, -2.0 * i / head_dim);
          uth_real c = (uth_real) cos (pos * freq), s = (uth_real) sin (pos * freq);

          if (inverse)
            s = -s;
          for (int h = 0; h < n_heads; h++)
            {
              uth_real *p = x + (size_t) r * n_heads * head_dim + (size_t) h * head_dim;
              uth_real a = p[i], b = p[i + half];

              p[i] = a * c - b * s;
              p[i + half] = b * c + a * s;
            }
        }
    }
}

/* ---- attention ---------------------------------------------------------------------- */

typedef struct
{
  uth_real       *out, *probs, *dq, *dk, *dv;
  const uth_real *q, *k, *v, *dout, *cprobs;
  int             seq, heads, hd;
} AttnJob;

/* Items are (batch row, head) pairs. */
static void
attention_items (void *data, int begin, int end)
{
  AttnJob *job = data;
  int T = job->seq, H = job->heads, hd = job->hd, D = H * hd;
  uth_real scale = 1 / R_SQRT ((uth_real) hd);

  for (int item = begin; item < end; item++)
    {
      int b = item / H, h = item % H;
      uth_real *P = job->probs + (size_t) item * T * T;

      for (int t = 0; t < T; t++)
        {
          const uth_real *qt = job->q + ((size_t) b * T + t) * D + (size_t) h * hd;
          uth_real *pt = P + (size_t) t * T, maxv = -INFINITY, sum = 0;
          uth_real *ot = job->out + ((size_t) b * T + t) * D + (size_t) h * hd;

          for (int j = 0; j <= t; j++)
            {
              const uth_real *kj = job->k + ((size_t) b * T + j) * D + (size_t) h * hd;
              uth_real s = 0;

              for (int i = 0; i < hd; i++)
                s += qt[i] * kj[i];
              pt[j] = s * scale;
              if (pt[j] > maxv)
                maxv = pt[j];
            }
          for (int j = 0; j <= t; j++)
            {
              pt[j] = R_EXP (pt[j] - maxv);
              sum += pt[j];
            }
          for (int j = 0; j <= t; j++)
            pt[j] /= sum;
          for (int j = t + 1; j < T; j++)
            pt[j] = 0;
          memset (ot, 0, sizeof (uth_real) * (size_t) hd);
          for (int j = 0; j <= t; j++)
            axpy (ot, pt[j], job->v + ((size_t) b * T + j) * D + (size_t) h * hd, hd);
        }
    }
}

void
uth_train_attention (uth_real       *out,
                     uth_real       *probs,
                     const uth_real *q,
                     const uth_real *k,
                     const uth_real *v,
                     int             batch,
                     int             seq_len,
                     int             n_heads,
                     int             head_dim,
                     int             n_threads)
{
  AttnJob job = { .out = out, .probs = probs, .q = q, .k = k, .v = v,
                  .seq = seq_len, .heads = n_heads, .hd = head_dim };

  parallel_for (batch * n_heads, n_threads, attention_items, &job);
}

/* With s_tj = q_t·k_j / √d, P = softmax_j(s), out_t = Σ_j P_tj v_j:
 *   dP_tj = dout_t · v_j          dv_j += P_tj dout_t
 *   ds_tj = P_tj (dP_tj − Σ_j' P_tj' dP_tj')
 *   dq_t += ds_tj k_j / √d        dk_j += ds_tj q_t / √d */
static void
attention_backward_items (void *data, int begin, int end)
{
  AttnJob *job = data;
  int T = job->seq, H = job->heads, hd = job->hd, D = H * hd;
  uth_real scale = 1 / R_SQRT ((uth_real) hd);
  uth_real *dp = malloc (sizeof (uth_real) * (size_t) T);

  if (dp == NULL)
    abort ();
  for (int item = begin; item < end; item++)
    {
      int b = item / H, h = item % H;
      const uth_real *P = job->cprobs + (size_t) item * T * T;

#define ROW(base, t) ((base) + ((size_t) b * T + (t)) * D + (size_t) h * hd)
      for (int t = 0; t < T; t++)
        {
          memset (ROW (job->dq, t), 0, sizeof (uth_real) * (size_t) hd);
          memset (ROW (job->dk, t), 0, sizeof (uth_real) * (size_t) hd);
          memset (ROW (job->dv, t), 0, sizeof (uth_real) * (size_t) hd);
        }
      for (int t = 0; t < T; t++)
        {
          const uth_real *pt = P + (size_t) t * T, *dot = ROW (job->dout, t);
          const uth_real *qt = ROW (job->q, t);
          uth_real *dqt = ROW (job->dq, t), sum = 0;

          for (int j = 0; j <= t; j++)
            {
              const uth_real *vj = ROW (job->v, j);
              uth_real s = 0;

              for (int i = 0; i < hd; i++)
                s += dot[i] * vj[i];
              dp[j] = s;
              sum += pt[j] * s;
              axpy (ROW (job->dv, j), pt[j], dot, hd);
            }
          for (int j = 0; j <= t; j++)
            {
              uth_real ds = pt[j] * (dp[j] - sum) * scale;

              axpy (dqt, ds, ROW (job->k, j), hd);
              axpy (ROW (job->dk, j), ds, qt, hd);
            }
        }
#undef ROW
    }
  free (dp);
}

void
uth_train_attention_backward (uth_real       *dq,
                              uth_real       *dk,
                              uth_real       *dv,
                              const uth_real *dout,
                              const uth_real *probs,
                              const uth_real *q,
                              const uth_real *k,
                              const uth_real *v,
                              int             batch,
                              int             seq_len,
                              int             n_heads,
                              int             head_dim,
                              int             n_threads)
{
  AttnJob job = { .dq = dq, .dk = dk, .dv = dv, .dout = dout, .cprobs = probs,
                  .q = q, .k = k, .v = v, .seq = seq_len, .heads = n_heads, .hd = head_dim };

  parallel_for (batch * n_heads, n_threads, attention_backward_items, &job);
}

/* ---- SwiGLU ------------------------------------------------------------------------- */

void
uth_train_swiglu (uth_real       *a,
                  const uth_real *g,
                  const uth_real *u,
                  size_t          n)
{
  for (size_t i = 0; i < n; i++)
    a[i] = g[i] / (1 + R_EXP (-g[i])) * u[i];
}

/* silu(g) = g σ(g), silu'(g) = σ(g) (1 + g (1 − σ(g))). */
void
uth_train_swiglu_backward (uth_real       *dg,
                           uth_real       *du,
                           const uth_real *da,
                           const uth_real *g,
                           const uth_real *u,
                           size_t          n)
{
  for (size_t i = 0; i < n; i++)
    {
      uth_real sig = 1 / (1 + R_EXP (-g[i]));

      dg[i] = da[i] * u[i] * sig * (1 + g[i] * (1 - sig));
      du[i] = da[i] * g[i] * sig;
    }
}

/* ---- loss --------------------------------------------------------------------------- */

double
uth_train_cross_entropy (uth_real       *dlogits,
                         const uth_real *logits,
                         const int32_t  *targets,
                         int             n,
                         int             vocab,
                         int            *n_counted)
{
  double total = 0;
  int counted = 0;

  for (int r = 0; r < n; r++)
    if (targets[r] >= 0 && targets[r] < vocab)
      counted++;
  for (int r = 0; r < n; r++)
    {
      const uth_real *lr = logits + (size_t) r * vocab;
      uth_real *dr = dlogits != NULL ? dlogits + (size_t) r * vocab : NULL;
      double maxv = -INFINITY, sum = 0;

      if (targets[r] < 0 || targets[r] >= vocab)
        {
          if (dr != NULL)
            memset (dr, 0, sizeof (uth_real) * (size_t) vocab);
          continue;
        }
      for (int i = 0; i < vocab; i++)
        if (lr[i] > maxv)
          maxv = lr[i];
      for (int i = 0; i < vocab; i++)
        sum += exp ((double) lr[i] - maxv);
      total += log (sum) + maxv - lr[targets[r]];
      if (dr != NULL)
        {
          for (int i = 0; i < vocab; i++)
            dr[i] = (uth_real) (exp ((double) lr[i] - maxv) / sum / counted);
          dr[targets[r]] -= (uth_real) (1.0 / counted);
        }
    }
  if (n_counted != NULL)
    *n_counted = counted;
  return counted > 0 ? total / counted : 0.0;
}

/* ---- the whole model ---------------------------------------------------------------- */

typedef struct
{
  uth_real *x_in, *rstd1, *h1, *q, *k, *v, *probs, *att, *x_mid, *rstd2, *h2, *g, *u, *a;
} LayerActs;

struct _UthTrainWork
{
  UthTrainConfig cfg;
  int            batch, seq;
  LayerActs     *layers;
  uth_real      *x_final, *rstdf, *hf, *logits;
  /* backward scratch */
  uth_real      *dx, *dh, *dq, *dk, *dv, *datt, *dg, *du, *da, *dlogits;
  uth_real      *block;   /* one allocation for everything */
};

UthTrainWork *
uth_train_work_new (const UthTrainConfig *cfg,
                    int                   batch,
                    int                   seq_len)
{
  UthTrainWork *w;
  size_t N = (size_t) batch * seq_len, D = (size_t) cfg->dim, Hd = (size_t) cfg->hidden_dim;
  size_t V = (size_t) cfg->vocab_size, PP = (size_t) batch * cfg->n_heads * seq_len * seq_len;
  size_t per_layer = N * D * 8 + N * 2 + PP + N * Hd * 3;
  size_t total = (size_t) cfg->n_layers * per_layer + N * D * 2 + N + N * V * 2 +
                 N * D * 6 + N * Hd * 3;
  uth_real *p;

  if (uth_train_config_check (cfg) != NULL || batch < 1 || seq_len < 1 ||
      seq_len > cfg->context)
    return NULL;
  w = calloc (1, sizeof (UthTrainWork));
  if (w == NULL)
    return NULL;
  w->cfg = *cfg;
  w->batch = batch;
  w->seq = seq_len;
  w->layers = calloc ((size_t) cfg->n_layers, sizeof (LayerActs));
  w->block = calloc (total, sizeof (uth_real));
  if (w->layers == NULL || w->block == NULL)
    {
      uth_train_work_free (w);
      return NULL;
    }
  p = w->block;
#define TAKE(field, count) do { field = p; p += (count); } while (0)
  for (int l = 0; l < cfg->n_layers; l++)
    {
      LayerActs *A = &w->layers[l];

      TAKE (A->x_in, N * D);
      TAKE (A->rstd1, N);
      TAKE (A->h1, N * D);
      TAKE (A->q, N * D);
      TAKE (A->k, N * D);
      TAKE (A->v, N * D);
      TAKE (A->probs, PP);
      TAKE (A->att, N * D);
      TAKE (A->x_mid, N * D);
      TAKE (A->rstd2, N);
      TAKE (A->h2, N * D);
      TAKE (A->g, N * Hd);
      TAKE (A->u, N * Hd);
      TAKE (A->a, N * Hd);
    }
  TAKE (w->x_final, N * D);
  TAKE (w->rstdf, N);
  TAKE (w->hf, N * D);
  TAKE (w->logits, N * V);
  TAKE (w->dlogits, N * V);
  TAKE (w->dx, N * D);
  TAKE (w->dh, N * D);
  TAKE (w->dq, N * D);
  TAKE (w->dk, N * D);
  TAKE (w->dv, N * D);
  TAKE (w->datt, N * D);
  TAKE (w->dg, N * Hd);
  TAKE (w->du, N * Hd);
  TAKE (w->da, N * Hd);
#undef TAKE
  return w;
}

void
uth_train_work_free (UthTrainWork *work)
{
  if (work == NULL)
    return;
  free (work->layers);
  free (work->block);
  free (work);
}

const uth_real *
uth_train_work_attention (const UthTrainWork *work,
                          int                 layer)
{
  return work->layers[layer].probs;
}

const uth_real *
uth_train_work_logits (const UthTrainWork *work)
{
  return work->logits;
}

double
uth_train_forward_backward (const UthTrainConfig *cfg,
                            const uth_real       *params,
                            uth_real             *grads,
                            const int32_t        *inputs,
                            const int32_t        *targets,
                            UthTrainWork         *w,
                            int                   n_threads,
                            int                  *n_counted)
{
  int B = w->batch, T = w->seq, N = B * T, D = cfg->dim, Hd = cfg->hidden_dim;
  int V = cfg->vocab_size, H = cfg->n_heads, hd = D / H;
  uth_real *P = (uth_real *) params;
  const uth_real *E = uth_train_embed (cfg, P);
  double loss;

  /* forward */
  for (int r = 0; r < N; r++)
    {
      int id = inputs[r] >= 0 && inputs[r] < V ? inputs[r] : 0;
      memcpy (w->layers[0].x_in + (size_t) r * D, E + (size_t) id * D,
              sizeof (uth_real) * (size_t) D);
    }
  for (int l = 0; l < cfg->n_layers; l++)
    {
      LayerActs *A = &w->layers[l];
      uth_real *x_out = l + 1 < cfg->n_layers ? w->layers[l + 1].x_in : w->x_final;
      UthTrainLayer L;

      uth_train_layer (cfg, P, l, &L);
      uth_train_rmsnorm (A->h1, A->rstd1, A->x_in, L.attn_norm, N, D, cfg->norm_eps);
      uth_train_matmul (A->q, A->h1, L.wq, N, D, D, n_threads);
      uth_train_matmul (A->k, A->h1, L.wk, N, D, D, n_threads);
      uth_train_matmul (A->v, A->h1, L.wv, N, D, D, n_threads);
      uth_train_rope (A->q, N, T, H, hd, cfg->rope_theta, 0);
      uth_train_rope (A->k, N, T, H, hd, cfg->rope_theta, 0);
      uth_train_attention (A->att, A->probs, A->q, A->k, A->v, B, T, H, hd, n_threads);
      uth_train_matmul (A->x_mid, A->att, L.wo, N, D, D, n_threads);
      for (size_t i = 0; i < (size_t) N * D; i++)
        A->x_mid[i] += A->x_in[i];
      uth_train_rmsnorm (A->h2, A->rstd2, A->x_mid, L.mlp_norm, N, D, cfg->norm_eps);
      uth_train_matmul (A->g, A->h2, L.gate, N, D, Hd, n_threads);
      uth_train_matmul (A->u, A->h2, L.up, N, D, Hd, n_threads);
      uth_train_swiglu (A->a, A->g, A->u, (size_t) N * Hd);
      uth_train_matmul (x_out, A->a, L.down, N, Hd, D, n_threads);
      for (size_t i = 0; i < (size_t) N * D; i++)
        x_out[i] += A->x_mid[i];
    }
  uth_train_rmsnorm (w->hf, w->rstdf, w->x_final, uth_train_final_norm (cfg, P), N, D,
                     cfg->norm_eps);
  uth_train_matmul (w->logits, w->hf, E, N, D, V, n_threads);
  loss = uth_train_cross_entropy (grads != NULL ? w->dlogits : NULL, w->logits, targets, N, V,
                                  n_counted);
  if (grads == NULL)
    return loss;

  /* backward: w->dx is the gradient of the residual stream, walked from the top */
  {
    uth_real *dE = uth_train_embed (cfg, grads);

    memset (w->dh, 0, sizeof (uth_real) * (size_t) N * D);
    uth_train_matmul_backward (w->dh, dE, w->dlogits, w->hf, E, N, D, V, n_threads);
    memset (w->dx, 0, sizeof (uth_real) * (size_t) N * D);
    uth_train_rmsnorm_backward (w->dx, uth_train_final_norm (cfg, grads), w->dh, w->x_final,
                                uth_train_final_norm (cfg, P), w->rstdf, N, D);
    for (int l = cfg->n_layers - 1; l >= 0; l--)
      {
        LayerActs *A = &w->layers[l];
        UthTrainLayer L, G;

        uth_train_layer (cfg, P, l, &L);
        uth_train_layer (cfg, grads, l, &G);
        /* MLP: x_out = x_mid + down(a); dx carries through, and into the MLP. */
        memset (w->da, 0, sizeof (uth_real) * (size_t) N * Hd);
        uth_train_matmul_backward (w->da, G.down, w->dx, A->a, L.down, N, Hd, D, n_threads);
        uth_train_swiglu_backward (w->dg, w->du, w->da, A->g, A->u, (size_t) N * Hd);
        memset (w->dh, 0, sizeof (uth_real) * (size_t) N * D);
        uth_train_matmul_backward (w->dh, G.gate, w->dg, A->h2, L.gate, N, D, Hd, n_threads);
        uth_train_matmul_backward (w->dh, G.up, w->du, A->h2, L.up, N, D, Hd, n_threads);
        uth_train_rmsnorm_backward (w->dx, G.mlp_norm, w->dh, A->x_mid, L.mlp_norm, A->rstd2,
                                    N, D);
        /* attention: x_mid = x_in + wo(att) */
        memset (w->datt, 0, sizeof (uth_real) * (size_t) N * D);
        uth_train_matmul_backward (w->datt, G.wo, w->dx, A->att, L.wo, N, D, D, n_threads);
        uth_train_attention_backward (w->dq, w->dk, w->dv, w->datt, A->probs, A->q, A->k, A->v,
                                      B, T, H, hd, n_threads);
        uth_train_rope (w->dq, N, T, H, hd, cfg->rope_theta, 1);
        uth_train_rope (w->dk, N, T, H, hd, cfg->rope_theta, 1);
        memset (w->dh, 0, sizeof (uth_real) * (size_t) N * D);
        uth_train_matmul_backward (w->dh, G.wq, w->dq, A->h1, L.wq, N, D, D, n_threads);
        uth_train_matmul_backward (w->dh, G.wk, w->dk, A->h1, L.wk, N, D, D, n_threads);
        uth_train_matmul_backward (w->dh, G.wv, w->dv, A->h1, L.wv, N, D, D, n_threads);
        uth_train_rmsnorm_backward (w->dx, G.attn_norm, w->dh, A->x_in, L.attn_norm, A->rstd1,
                                    N, D);
      }
    for (int r = 0; r < N; r++)
      {
        int id = inputs[r] >= 0 && inputs[r] < V ? inputs[r] : 0;
        uth_real *row = dE + (size_t) id * D;
        const uth_real *g = w->dx + (size_t) r * D;

        for (int i = 0; i < D; i++)
          row[i] += g[i];
      }
  }
  return loss;
}

/* ---- optimisation ------------------------------------------------------------------ */

double
uth_train_lr (const UthTrainOptim *opt,
              int                  step)
{
  double progress;

  if (step < opt->warmup_steps)
    return opt->lr_peak * (step + 1) / opt->warmup_steps;
  if (opt->total_steps <= opt->warmup_steps)
    return opt->lr_peak;
  progress = (double) (step - opt->warmup_steps) / (opt->total_steps - opt->warmup_steps);
  if (progress > 1)
    progress = 1;
  return opt->lr_min + 0.5 * (opt->lr_peak - opt->lr_min) * (1 + cos (M_PI * progress));
}

double
uth_train_clip (uth_real *grads,
                size_t    n,
                double    clip_norm)
{
  double ss = 0, norm;

  for (size_t i = 0; i < n; i++)
    ss += (double) grads[i] * grads[i];
  norm = sqrt (ss);
  if (clip_norm > 0 && norm > clip_norm)
    {
      uth_real scale = (uth_real) (clip_norm / norm);

      for (size_t i = 0; i < n; i++)
        grads[i] *= scale;
    }
  return norm;
}

static void
adamw_range (const UthTrainOptim *opt,
             uth_real            *p,
             const uth_real      *g,
             uth_real            *m,
             uth_real            *v,
             size_t               n,
             int                  step,
             double               lr,
             int                  decay)
{
  double b1 = opt->beta1, b2 = opt->beta2;
  double c1 = 1 - pow (b1, step + 1), c2 = 1 - pow (b2, step + 1);

  for (size_t i = 0; i < n; i++)
    {
      double mi = b1 * m[i] + (1 - b1) * g[i];
      double vi = b2 * v[i] + (1 - b2) * (double) g[i] * g[i];
      double update = (mi / c1) / (sqrt (vi / c2) + opt->eps);

      m[i] = (uth_real) mi;
      v[i] = (uth_real) vi;
      if (decay)
        update += opt->weight_decay * p[i];
      p[i] = (uth_real) (p[i] - lr * update);
    }
}

void
uth_train_adamw (const UthTrainConfig *cfg,
                 const UthTrainOptim  *opt,
                 uth_real             *params,
                 const uth_real       *grads,
                 uth_real             *m,
                 uth_real             *v,
                 int                   step,
                 double               lr)
{
  size_t d = (size_t) cfg->dim, h = (size_t) cfg->hidden_dim, off = 0;
  /* The layout's runs: (length, decayed?) */
  size_t n_params = uth_train_n_params (cfg);

#define RUN(len, decay) do { \
    adamw_range (opt, params + off, grads + off, m + off, v + off, (len), step, lr, (decay)); \
    off += (len); } while (0)
  RUN ((size_t) cfg->vocab_size * d, 1);
  for (int l = 0; l < cfg->n_layers; l++)
    {
      RUN (d, 0);
      RUN (4 * d * d, 1);
      RUN (d, 0);
      RUN (3 * d * h, 1);
    }
  RUN (d, 0);
#undef RUN
  if (off != n_params)
    abort ();
}
