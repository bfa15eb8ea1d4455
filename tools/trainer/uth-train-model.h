/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The maths of the trainer of the app's own small model (tools/trainer): a decoder-only
 * transformer in the Llama style, its forward and backward passes, and AdamW.
 *
 *   x   = E[token]                                       (E: vocab × dim, tied with the head)
 *   per layer:
 *     h = RMSNorm(x) · w_attn_norm
 *     q, k, v = h Wqᵀ, h Wkᵀ, h Wvᵀ;  q, k rotated by RoPE (rotate-half pairs i, i + d/2,
 *               angle = position · θ^(−2i/d), as Hugging Face's Llama)
 *     x  += softmax_causal(q kᵀ / √d) v · Woᵀ              (per head, d = dim / heads)
 *     h  = RMSNorm(x) · w_mlp_norm
 *     x  += (silu(h Wgateᵀ) ⊙ h Wupᵀ) Wdownᵀ
 *   logits = (RMSNorm(x) · w_norm) Eᵀ;  loss = mean cross-entropy of the targets
 *
 * RMSNorm(x) = x / √(mean(x²) + ε). Matrices are stored as PyTorch's nn.Linear: W[out][in].
 *
 * Plain C17 and libm (threads through pthreads). Compiled in single precision for training
 * and, with UTH_TRAIN_DOUBLE defined, in double precision for the finite-difference
 * gradient checks (tests/test-train-grad.c). Results do not depend on the number of
 * threads: each output element is summed in the same order whatever the split. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef UTH_TRAIN_DOUBLE
typedef double uth_real;
#else
typedef float uth_real;
#endif

typedef struct
{
  int    vocab_size;
  int    dim;
  int    n_layers;
  int    n_heads;
  int    hidden_dim;     /* the MLP's intermediate size */
  int    context;        /* the longest sequence (max_position_embeddings) */
  double rope_theta;
  double norm_eps;
} UthTrainConfig;

/* NULL when the configuration can be used, else what is wrong with it. */
const char *uth_train_config_check   (const UthTrainConfig *cfg);
size_t      uth_train_n_params       (const UthTrainConfig *cfg);

/* The parameters, all in one array, in this order: embed (vocab × dim); per layer
 * attn_norm (dim), wq, wk, wv, wo (dim × dim), mlp_norm (dim), gate, up (hidden × dim),
 * down (dim × hidden); final norm (dim). These point into it (or into a gradient array
 * of the same layout). */
typedef struct
{
  uth_real *attn_norm, *wq, *wk, *wv, *wo, *mlp_norm, *gate, *up, *down;
} UthTrainLayer;

uth_real   *uth_train_embed          (const UthTrainConfig *cfg,
                                      uth_real             *params);
uth_real   *uth_train_final_norm     (const UthTrainConfig *cfg,
                                      uth_real             *params);
void        uth_train_layer          (const UthTrainConfig *cfg,
                                      uth_real             *params,
                                      int                   layer,
                                      UthTrainLayer        *out);

/* Normal(0, 0.02) for the matrices (the residual projections wo and down scaled by
 * 1/√(2·layers)), ones for the norms; deterministic for a seed. */
void        uth_train_init_params    (const UthTrainConfig *cfg,
                                      uth_real             *params,
                                      uint64_t              seed);

/* ---- layers, exposed for the gradient checks ---------------------------------------- */

/* Y[n][o] = Σ_i X[n][i] W[o][i] (nn.Linear without bias). */
void uth_train_matmul          (uth_real *y, const uth_real *x, const uth_real *w,
                                int n, int in, int out, int n_threads);
/* dX += dY W and dW += dYᵀ X (either may be NULL). */
void uth_train_matmul_backward (uth_real *dx, uth_real *dw, const uth_real *dy,
                                const uth_real *x, const uth_real *w,
                                int n, int in, int out, int n_threads);

/* y = x / √(mean(x²) + eps) · w per row; rstd[row] keeps 1/√(...) for the backward. */
void uth_train_rmsnorm          (uth_real *y, uth_real *rstd, const uth_real *x,
                                 const uth_real *w, int n, int dim, double eps);
/* dX += ..., dW += ... */
void uth_train_rmsnorm_backward (uth_real *dx, uth_real *dw, const uth_real *dy,
                                 const uth_real *x, const uth_real *w, const uth_real *rstd,
                                 int n, int dim);

/* Rotates the heads of x (rows of seq_len positions, n_rows = batch · seq_len, each row
 * n_heads × head_dim) in place; inverse applies the transpose (the backward pass). */
void uth_train_rope             (uth_real *x, int n_rows, int seq_len, int n_heads,
                                 int head_dim, double theta, int inverse);

/* Causal attention per batch row and head: out (n_rows × dim) from q, k, v (already
 * rotated); probs (batch × heads × seq × seq) keeps the weights. */
void uth_train_attention          (uth_real *out, uth_real *probs, const uth_real *q,
                                   const uth_real *k, const uth_real *v, int batch,
                                   int seq_len, int n_heads, int head_dim, int n_threads);
/* dq, dk, dv are written (not accumulated). */
void uth_train_attention_backward (uth_real *dq, uth_real *dk, uth_real *dv,
                                   const uth_real *dout, const uth_real *probs,
                                   const uth_real *q, const uth_real *k, const uth_real *v,
                                   int batch, int seq_len, int n_heads, int head_dim,
                                   int n_threads);

/* a = silu(g) ⊙ u and its backward (dg, du written). */
void uth_train_swiglu          (uth_real *a, const uth_real *g, const uth_real *u, size_t n);
void uth_train_swiglu_backward (uth_real *dg, uth_real *du, const uth_real *da,
                                const uth_real *g, const uth_real *u, size_t n);

/* Mean cross-entropy of logits (n × vocab) against targets (a target < 0 is not counted);
 * with dlogits non-NULL writes the gradient of that mean. Returns the loss in nats and
 * the number of counted targets in n_counted. */
double uth_train_cross_entropy (uth_real *dlogits, const uth_real *logits,
                                const int32_t *targets, int n, int vocab, int *n_counted);

/* ---- the whole model --------------------------------------------------------------- */

typedef struct _UthTrainWork UthTrainWork;

/* Room for the activations of batch × seq_len tokens (seq_len ≤ cfg->context). */
UthTrainWork *uth_train_work_new  (const UthTrainConfig *cfg,
                                   int                   batch,
                                   int                   seq_len);
void          uth_train_work_free (UthTrainWork *work);

/* Runs the model on inputs (batch × seq_len ids) and returns the mean cross-entropy of
 * targets (same shape; < 0 ignored). With grads non-NULL, adds the gradient of that mean
 * to grads (same layout as params). n_counted may be NULL. */
double uth_train_forward_backward (const UthTrainConfig *cfg,
                                   const uth_real       *params,
                                   uth_real             *grads,
                                   const int32_t        *inputs,
                                   const int32_t        *targets,
                                   UthTrainWork         *work,
                                   int                   n_threads,
                                   int                  *n_counted);

/* After a forward pass: the attention weights of a layer, batch × heads × seq × seq
 * (row t is where position t looks), and the logits, (batch · seq) × vocab. */
const uth_real *uth_train_work_attention (const UthTrainWork *work,
                                          int                 layer);
const uth_real *uth_train_work_logits    (const UthTrainWork *work);

/* ---- optimisation ------------------------------------------------------------------ */

typedef struct
{
  double lr_peak, lr_min;
  int    warmup_steps, total_steps;
  double beta1, beta2, eps, weight_decay, clip_norm;
} UthTrainOptim;

/* Linear warm-up from 0 to lr_peak over warmup_steps, then cosine down to lr_min at
 * total_steps. step counts from 0. */
double uth_train_lr           (const UthTrainOptim *opt,
                               int                  step);
/* Scales grads so that their L2 norm is at most clip_norm (when > 0); returns the norm
 * before clipping. */
double uth_train_clip         (uth_real *grads,
                               size_t    n,
                               double    clip_norm);
/* One AdamW step (step counts from 0; weight decay on the matrices and the embedding,
 * not on the norms' weights). m and v start at zero. */
void   uth_train_adamw        (const UthTrainConfig *cfg,
                               const UthTrainOptim  *opt,
                               uth_real             *params,
                               const uth_real       *grads,
                               uth_real             *m,
                               uth_real             *v,
                               int                   step,
                               double               lr);
