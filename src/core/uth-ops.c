/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The operations of one forward pass, with their FLOPs and the bytes they move.
 *
 * Conventions, used by every page that shows these numbers:
 * - A matmul (m x k) . (k x n) costs 2 m k n FLOPs (a multiply and an add).
 * - Weights are read once per op at the weight dtype; activations are read and written
 *   at the activation dtype; the KV cache at the KV dtype.
 * - Causal attention computes only the query-key pairs below the diagonal:
 *   T new queries at the end of L positions make T L - T (T - 1) / 2 pairs, about half of
 *   T L in prefill (T == L). Kernels skip the masked tiles, so the FLOPs are halved too.
 * - With flash attention the scores and probabilities stay on chip; without it the
 *   B x H x T x L score matrix is written, read and written by softmax, and read by PV.
 * - Under tensor parallelism over tp GPUs, heads, MLP columns and the vocabulary are split;
 *   norms, routers and MLA's down-projections are replicated; each layer all-reduces
 *   its attention output and its MLP output (B T d activations), and a ring all-reduce
 *   sends 2 (tp - 1) / tp of that data per GPU.
 * - Prefill's lm-head runs on the last position of each sequence only (that is all that
 *   generation needs); decode's on every new token (B x T rows).
 * - Elementwise FLOPs are small and approximate: RMSNorm 4 per element, LayerNorm 7,
 *   rotary 3, SiLU-gate 5, GELU 8, softmax 5, residual add 1. */
#include "uth-ops.h"

#include <string.h>

#include <math.h>

typedef struct
{
  const UthModel    *model;
  const UthWorkload *work;
  UthOp             *out;
  size_t             max;
  size_t             n;
  bool               overflow;
  int32_t            layer;

  double B, T, L;          /* batch, new tokens per sequence, context */
  double tok;              /* B x T rows through the projections */
  double d;
  double wb, kb, ab;       /* bytes per element of weights, KV, activations */
  double tp;
  double h, kvh;           /* query and KV heads on this GPU */
} Ctx;

double
uth_op_bytes (const UthOp *op)
{
  return op->weight_bytes + op->act_read_bytes + op->act_write_bytes +
         op->kv_read_bytes + op->kv_write_bytes;
}

double
uth_op_intensity (const UthOp *op)
{
  double bytes = uth_op_bytes (op);

  return bytes > 0.0 ? op->flops / bytes : 0.0;
}

const char *
uth_op_kind_id (UthOpKind kind)
{
  switch (kind)
    {
    case UTH_OP_GEMM:         return "gemm";
    case UTH_OP_ATTN_MATMUL:  return "attention";
    case UTH_OP_NORM:         return "norm";
    case UTH_OP_ELEMENTWISE:  return "elementwise";
    case UTH_OP_SOFTMAX:      return "softmax";
    case UTH_OP_EMBEDDING:    return "embedding";
    case UTH_OP_LM_HEAD:      return "lm-head";
    case UTH_OP_COMM:         return "communication";
    case UTH_N_OP_KINDS:
    default:                  return "unknown";
    }
}

double
uth_attention_pairs (uint64_t tokens,
                     uint64_t context,
                     uint64_t window)
{
  double t = (double) tokens, l = (double) context, w = (double) window;
  double a, b, hi, pairs = 0.0;

  if (tokens == 0 || context == 0)
    return 0.0;
  if (t > l)
    t = l;
  /* Query at position p (1-based) sees min (p, w) keys; queries are p = a .. b. */
  a = l - t + 1.0;
  b = l;
  if (window == 0 || w >= b)
    return t * l - t * (t - 1.0) / 2.0;
  hi = w < a ? a - 1.0 : w;           /* last p with p <= w (none when w < a) */
  if (hi >= a)
    pairs += (a + hi) * (hi - a + 1.0) / 2.0;
  pairs += (b - (hi >= a ? hi : a - 1.0)) * w;
  return pairs;
}

UthOpsError
uth_workload_validate (const UthModel    *model,
                       const UthWorkload *work)
{
  const uint64_t limit = (uint64_t) 1 << 40;

  if (model == NULL || uth_model_validate (model) != UTH_MODEL_OK)
    return UTH_OPS_BAD_MODEL;
  if (work == NULL || work->batch == 0 || work->tokens == 0 || work->context < work->tokens ||
      work->batch > limit || work->context > limit ||
      !uth_dtype_is_storage (work->weights) || !uth_dtype_is_kv (work->kv) ||
      !uth_dtype_is_storage (work->activations) || !uth_dtype_is_compute (work->activations) ||
      (work->phase != UTH_PHASE_PREFILL && work->phase != UTH_PHASE_DECODE))
    return UTH_OPS_BAD_WORKLOAD;
  if (work->tensor_parallel == 0 || work->tensor_parallel > 1024)
    return UTH_OPS_BAD_WORKLOAD;
  if (model->heads % work->tensor_parallel != 0)
    return UTH_OPS_BAD_TP;
  if (model->attention != UTH_ATTN_MLA && model->kv_heads >= work->tensor_parallel &&
      model->kv_heads % work->tensor_parallel != 0)
    return UTH_OPS_BAD_TP;
  return UTH_OPS_OK;
}

static UthOp *
add (Ctx        *c,
     const char *id,
     UthOpKind   kind,
     UthOpGroup  group)
{
  UthOp *op;

  if (c->n >= c->max)
    {
      c->overflow = true;
      return NULL;
    }
  op = &c->out[c->n++];
  *op = (UthOp) { 0 };
  op->id = id;
  op->kind = kind;
  op->group = group;
  op->count = 1;
  op->repeat = 1.0;
  op->kernels = 1.0;
  op->layer = c->layer;
  return op;
}

static uint64_t
to_u64 (double v)
{
  if (!(v > 0.0))
    return 0;
  if (v > 1.8e19)
    return UINT64_MAX;
  return (uint64_t) llround (v);
}

/* A weight GEMM: rows x k activations times a k x n weight, plus an optional bias of n. */
static UthOp *
gemm (Ctx        *c,
      const char *id,
      UthOpGroup  group,
      double      rows,
      double      k,
      double      n,
      bool        bias)
{
  UthOp *op = add (c, id, UTH_OP_GEMM, group);

  if (op == NULL)
    return NULL;
  op->m = to_u64 (rows);
  op->k = to_u64 (k);
  op->n = to_u64 (n);
  op->flops = 2.0 * rows * k * n + (bias ? rows * n : 0.0);
  op->weight_bytes = (k * n + (bias ? n : 0.0)) * c->wb;
  op->rows = rows;
  op->dequantize = uth_dtype_is_block (c->work->weights);
  op->act_read_bytes = rows * k * c->ab;
  op->act_write_bytes = rows * n * c->ab;
  return op;
}

static void
norm (Ctx        *c,
      const char *id,
      double      rows,
      double      width)
{
  UthOp *op = add (c, id, UTH_OP_NORM, UTH_OP_GROUP_OTHER);
  bool layer_norm = c->model->norm == UTH_NORM_LAYER;

  if (op == NULL)
    return;
  op->m = to_u64 (rows);
  op->n = to_u64 (width);
  op->flops = (layer_norm ? 7.0 : 4.0) * rows * width;
  op->weight_bytes = (layer_norm ? 2.0 : 1.0) * width * c->wb;
  op->act_read_bytes = rows * width * c->ab;
  op->act_write_bytes = rows * width * c->ab;
}

/* An elementwise op reading `in` elements per output and writing `elements`. */
static void
elementwise (Ctx        *c,
             const char *id,
             UthOpGroup  group,
             double      elements,
             double      inputs,
             double      flops_each)
{
  UthOp *op = add (c, id, UTH_OP_ELEMENTWISE, group);

  if (op == NULL)
    return;
  op->m = to_u64 (elements);
  op->n = 1;
  op->flops = flops_each * elements;
  op->act_read_bytes = inputs * elements * c->ab;
  op->act_write_bytes = elements * c->ab;
}

static void
allreduce (Ctx        *c,
           const char *id)
{
  UthOp *op;

  if (c->tp <= 1.0)
    return;
  op = add (c, id, UTH_OP_COMM, UTH_OP_GROUP_OTHER);
  if (op == NULL)
    return;
  op->m = to_u64 (c->tok);
  op->n = to_u64 (c->d);
  op->comm_bytes = 2.0 * (c->tp - 1.0) / c->tp * c->tok * c->d * c->ab;
}

/* Scores, softmax and PV of one layer. qk and v are the per-head widths of the score and
 * value products; group the query heads that share one key stream; units the independent
 * (sequence, key stream) pairs; k_elems and v_elems the elements of one key's K and V that are read
 * (from the cache, or from activations when `k_from_cache` is false, as in MLA prefill;
 * MLA decode reads its latent once, for both); kv_write_elems what each new token adds. */
static void
attention (Ctx    *c,
           double  qk,
           double  v,
           double  group,
           double  units,
           double  k_elems,
           double  v_elems,
           double  kv_write_elems,
           bool    k_from_cache,
           bool    sliding)
{
  const UthWorkload *w = c->work;
  uint64_t window = sliding ? c->model->sliding_window : 0;
  double pairs = uth_attention_pairs (w->tokens, w->context, window);
  double keys = window > 0 ? fmin (c->L, (double) window + c->T - 1.0) : c->L;
  double heads = c->B * c->h;
  double scores = heads * c->T * keys;   /* the materialized matrix (mask included) */
  double src = k_from_cache ? c->kb : c->ab;
  bool flash = w->flash_attention;
  UthOp *op;

  op = add (c, "attn_scores", UTH_OP_ATTN_MATMUL, UTH_OP_GROUP_ATTN_MATMUL);
  if (op != NULL)
    {
      op->m = to_u64 (c->T);
      op->k = to_u64 (qk);
      op->n = to_u64 (keys);
      op->count = to_u64 (heads);
      op->rows = c->T * group;
      op->parallel = units;
      op->flops = 2.0 * qk * pairs * heads;
      op->act_read_bytes = c->tok * c->h * qk * c->ab;
      if (k_from_cache)
        op->kv_read_bytes = c->B * keys * k_elems * src;
      else
        op->act_read_bytes += c->B * keys * k_elems * src;
      op->act_write_bytes = flash ? 0.0 : scores * c->ab;
      op->kv_write_bytes = c->tok * kv_write_elems * c->kb;
    }

  op = add (c, "attn_softmax", UTH_OP_SOFTMAX, UTH_OP_GROUP_ATTN_MATMUL);
  if (op != NULL)
    {
      op->m = to_u64 (c->T);
      op->n = to_u64 (keys);
      op->count = to_u64 (heads);
      op->flops = 5.0 * (flash ? pairs * heads : scores);
      op->act_read_bytes = flash ? 0.0 : scores * c->ab;
      op->act_write_bytes = flash ? 0.0 : scores * c->ab;
      op->kernels = flash ? 0.0 : 1.0;
    }

  op = add (c, "attn_pv", UTH_OP_ATTN_MATMUL, UTH_OP_GROUP_ATTN_MATMUL);
  if (op != NULL)
    {
      op->m = to_u64 (c->T);
      op->k = to_u64 (keys);
      op->n = to_u64 (v);
      op->count = to_u64 (heads);
      op->rows = c->T * group;
      op->parallel = units;
      op->flops = 2.0 * v * pairs * heads;
      op->act_read_bytes = flash ? 0.0 : scores * c->ab;
      if (k_from_cache)
        op->kv_read_bytes = c->B * keys * v_elems * src;
      else
        op->act_read_bytes += c->B * keys * v_elems * src;
      op->act_write_bytes = c->tok * c->h * v * c->ab;
      op->kernels = flash ? 0.0 : 1.0;
    }
}

static void
attention_block (Ctx *c,
                 bool sliding)
{
  const UthModel *m = c->model;
  bool rotary = m->learned_positions == 0;
  UthOp *op;

  if (m->attention == UTH_ATTN_MLA)
    {
      double nope = m->qk_nope_dim, rope = m->qk_rope_dim, v = m->v_head_dim;
      double lora = m->kv_lora_rank;
      bool absorbed = c->work->phase == UTH_PHASE_DECODE;

      if (m->q_lora_rank > 0)
        {
          gemm (c, "q_a_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, c->d, m->q_lora_rank, false);
          norm (c, "q_a_norm", c->tok, m->q_lora_rank);
          gemm (c, "q_b_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, m->q_lora_rank,
                c->h * (nope + rope), false);
        }
      else
        gemm (c, "q_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, c->d, c->h * (nope + rope), false);
      gemm (c, "kv_a_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, c->d, lora + rope, false);
      norm (c, "kv_a_norm", c->tok, lora);
      elementwise (c, "rotary", UTH_OP_GROUP_OTHER, c->tok * (c->h + 1.0) * rope, 1.0, 3.0);

      if (absorbed)
        {
          /* Decode: fold kv_b_proj's key half into the query and attend in the latent
           * space, so the cache is read once as a single shared "head" of lora + rope. */
          op = gemm (c, "q_absorb", UTH_OP_GROUP_ATTN_PROJ, c->tok, nope, lora, false);
          if (op != NULL)
            {
              op->count = to_u64 (c->h);
              op->flops *= c->h;
              op->weight_bytes *= c->h;
              op->act_read_bytes *= c->h;
              op->act_write_bytes *= c->h;
            }
          attention (c, lora + rope, lora, c->h, c->B, lora + rope, 0.0, lora + rope, true, sliding);
          op = gemm (c, "v_absorb", UTH_OP_GROUP_ATTN_PROJ, c->tok, lora, v, false);
          if (op != NULL)
            {
              op->count = to_u64 (c->h);
              op->flops *= c->h;
              op->weight_bytes *= c->h;
              op->act_read_bytes *= c->h;
              op->act_write_bytes *= c->h;
            }
        }
      else
        {
          /* Prefill: expand the latent of every key into per-head K and V. */
          double keys = c->B * c->L;

          op = gemm (c, "kv_b_proj", UTH_OP_GROUP_ATTN_PROJ, keys, lora, c->h * (nope + v), false);
          if (op != NULL)
            {
              op->act_read_bytes = keys * lora * c->kb;
              op->kv_write_bytes = c->tok * (lora + rope) * c->kb;
            }
          attention (c, nope + rope, v, 1.0, c->B * c->h, c->h * (nope + rope), c->h * v, 0.0, false,
                     sliding);
        }
      gemm (c, "o_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, c->h * v, c->d, m->out_bias);
      return;
    }

  {
    double hd = m->head_dim;

    gemm (c, "qkv_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, c->d, (c->h + 2.0 * c->kvh) * hd,
          m->qkv_bias);
    if (rotary)
      elementwise (c, "rotary", UTH_OP_GROUP_OTHER, c->tok * (c->h + c->kvh) * hd, 1.0, 3.0);
    attention (c, hd, hd, c->h / c->kvh, c->B * c->kvh, c->kvh * hd, c->kvh * hd, 2.0 * c->kvh * hd, true, sliding);
    gemm (c, "o_proj", UTH_OP_GROUP_ATTN_PROJ, c->tok, c->h * hd, c->d, m->out_bias);
  }
}

/* Gate/up, activation and down of an MLP of intermediate size f (already split by tp),
 * over `rows` rows, with `weights` distinct weight copies read (experts touched). */
static void
mlp (Ctx        *c,
     const char *up_id,
     const char *act_id,
     const char *down_id,
     double      rows,
     double      f,
     double      copies,
     bool        bias)
{
  const UthModel *m = c->model;
  double up = m->gated_mlp ? 2.0 * f : f;
  UthOp *op;

  op = gemm (c, up_id, UTH_OP_GROUP_MLP, rows, c->d, up, bias);
  if (op != NULL && copies != 1.0)
    {
      op->weight_bytes *= copies;
      op->count = to_u64 (copies);
      op->m = to_u64 (rows / fmax (copies, 1.0));
      op->rows = rows / fmax (copies, 1.0);
    }
  elementwise (c, act_id, UTH_OP_GROUP_MLP, rows * f, m->gated_mlp ? 2.0 : 1.0,
               m->gated_mlp ? 5.0 : 8.0);
  op = gemm (c, down_id, UTH_OP_GROUP_MLP, rows, f, c->d, bias);
  if (op != NULL && copies != 1.0)
    {
      op->weight_bytes *= copies;
      op->count = to_u64 (copies);
      op->m = to_u64 (rows / fmax (copies, 1.0));
      op->rows = rows / fmax (copies, 1.0);
    }
}

static void
moe_block (Ctx *c)
{
  const UthModel *m = c->model;
  double e = m->experts, k = m->active_experts;
  double assignments = c->tok * k;
  /* Tokens pick experts about independently: each expert is missed by all tokens with
   * probability (1 - k/E)^tokens, so E (1 - (1 - k/E)^tokens) distinct experts are read. */
  double touched = e * (1.0 - pow (1.0 - k / e, c->tok));
  UthOp *op;

  op = gemm (c, "router", UTH_OP_GROUP_MLP, c->tok, c->d, e, false);
  if (op != NULL && m->router_bias)
    op->weight_bytes += e * c->wb;
  if (touched < 1.0)
    touched = 1.0;
  mlp (c, "experts_gate_up", "experts_act", "experts_down", assignments,
       m->expert_ffn / c->tp, touched, m->mlp_bias);
  if (m->shared_experts > 0)
    mlp (c, "shared_gate_up", "shared_act", "shared_down", c->tok,
         (double) m->shared_experts * m->expert_ffn / c->tp, 1.0, m->mlp_bias);
}

static void
set_layer_kernels (UthOp  *ops,
                   size_t  n)
{
  double sum = 0.0;
  size_t i;

  for (i = 0; i < n; i++)
    sum += ops[i].kernels;
  for (i = 0; i < n; i++)
    ops[i].layer_kernels = sum;
}

static void
ctx_init (Ctx               *c,
          const UthModel    *model,
          const UthWorkload *work,
          UthOp             *out,
          size_t             max)
{
  *c = (Ctx) { 0 };
  c->model = model;
  c->work = work;
  c->out = out;
  c->max = max;
  c->layer = -1;
  c->B = (double) work->batch;
  c->T = (double) work->tokens;
  c->L = (double) work->context;
  c->tok = c->B * c->T;
  c->d = model->hidden;
  c->wb = uth_dtype_bytes (work->weights);
  c->kb = uth_dtype_bytes (work->kv);
  c->ab = uth_dtype_bytes (work->activations);
  c->tp = work->tensor_parallel;
  c->h = (double) model->heads / c->tp;
  /* KV heads are split while there are enough of them, else each GPU keeps one. */
  c->kvh = model->kv_heads >= work->tensor_parallel ?
           (double) model->kv_heads / c->tp : 1.0;
}

static void
layer_ops (Ctx      *c,
           uint32_t  layer)
{
  const UthModel *m = c->model;
  bool post_norms = m->norms_per_layer >= 4;
  size_t first = c->n;

  c->layer = (int32_t) layer;
  norm (c, "attn_norm", c->tok, c->d);
  attention_block (c, uth_model_layer_is_sliding (m, layer));
  if (post_norms)
    norm (c, "attn_post_norm", c->tok, c->d);
  allreduce (c, "attn_allreduce");
  elementwise (c, "attn_residual", UTH_OP_GROUP_OTHER, c->tok * c->d, 2.0, 1.0);
  norm (c, "mlp_norm", c->tok, c->d);
  if (uth_model_layer_is_moe (m, layer))
    moe_block (c);
  else
    mlp (c, m->gated_mlp ? "mlp_gate_up" : "mlp_up", "mlp_act", "mlp_down", c->tok,
         m->ffn / c->tp, 1.0, m->mlp_bias);
  if (post_norms)
    norm (c, "mlp_post_norm", c->tok, c->d);
  allreduce (c, "mlp_allreduce");
  elementwise (c, "mlp_residual", UTH_OP_GROUP_OTHER, c->tok * c->d, 2.0, 1.0);
  if (!c->overflow)
    set_layer_kernels (c->out + first, c->n - first);
  c->layer = -1;
}

size_t
uth_layer_ops (const UthModel    *model,
               const UthWorkload *work,
               uint32_t           layer,
               UthOp             *out,
               size_t             max)
{
  Ctx c;

  if (out == NULL || uth_workload_validate (model, work) != UTH_OPS_OK || layer >= model->layers)
    return 0;
  ctx_init (&c, model, work, out, max);
  layer_ops (&c, layer);
  return c.overflow ? 0 : c.n;
}

static void
embedding (Ctx *c)
{
  const UthModel *m = c->model;
  UthOp *op = add (c, "embedding", UTH_OP_EMBEDDING, UTH_OP_GROUP_OTHER);
  double rows;

  if (op == NULL)
    return;
  /* A gather: each token reads its row (and its position's row for GPT-2). */
  rows = fmin (c->tok, m->vocab);
  if (m->learned_positions > 0)
    rows += fmin (c->tok, m->learned_positions);
  op->m = to_u64 (c->tok);
  op->n = to_u64 (c->d);
  op->flops = m->learned_positions > 0 ? c->tok * c->d : 0.0;
  op->weight_bytes = rows * c->d * c->wb;
  op->act_write_bytes = c->tok * c->d * c->ab;
}

static void
lm_head (Ctx *c)
{
  double rows = c->work->phase == UTH_PHASE_PREFILL ? c->B : c->tok;
  double vocab = (double) c->model->vocab / c->tp;
  UthOp *op = gemm (c, "lm_head", UTH_OP_GROUP_OTHER, rows, c->d, vocab, false);

  if (op != NULL)
    op->kind = UTH_OP_LM_HEAD;
}

size_t
uth_model_ops (const UthModel    *model,
               const UthWorkload *work,
               UthOp             *out,
               size_t             max)
{
  Ctx c;
  bool seen[4] = { false, false, false, false };
  uint32_t counts[4] = { 0, 0, 0, 0 };
  uint32_t first[4] = { 0, 0, 0, 0 };
  uint32_t i;
  unsigned kind;

  if (out == NULL || uth_workload_validate (model, work) != UTH_OPS_OK)
    return 0;
  ctx_init (&c, model, work, out, max);

  /* Layers differ only in being MoE or dense and sliding or full: four kinds at most. */
  for (i = 0; i < model->layers; i++)
    {
      kind = (uth_model_layer_is_moe (model, i) ? 2u : 0u) +
             (uth_model_layer_is_sliding (model, i) ? 1u : 0u);
      if (!seen[kind])
        {
          seen[kind] = true;
          first[kind] = i;
        }
      counts[kind]++;
    }

  embedding (&c);
  /* Emit the kinds in the order their first layer appears. */
  for (i = 0; i < model->layers; i++)
    {
      for (kind = 0; kind < 4; kind++)
        {
          size_t start, j;

          if (!seen[kind] || first[kind] != i)
            continue;
          start = c.n;
          layer_ops (&c, i);
          if (c.overflow)
            return 0;
          for (j = start; j < c.n; j++)
            out[j].repeat = counts[kind];
        }
    }
  norm (&c, "final_norm", c.tok, c.d);
  lm_head (&c);
  return c.overflow ? 0 : c.n;
}

UthOpTotals
uth_ops_total (const UthOp *ops,
               size_t       n_ops)
{
  UthOpTotals t = { 0 };
  size_t i;

  for (i = 0; i < n_ops; i++)
    {
      const UthOp *op = &ops[i];
      double r = op->repeat >= 1.0 ? op->repeat : 1.0;

      t.flops += op->flops * r;
      t.bytes += uth_op_bytes (op) * r;
      t.weight_bytes += op->weight_bytes * r;
      t.kv_read_bytes += op->kv_read_bytes * r;
      if ((unsigned) op->group < UTH_N_OP_GROUPS)
        t.group_flops[op->group] += op->flops * r;
    }
  return t;
}

void
uth_gemm_op (uint64_t  m,
             uint64_t  k,
             uint64_t  n,
             double    bytes,
             UthOp    *op)
{
  memset (op, 0, sizeof *op);
  op->id = "gemm";
  op->kind = UTH_OP_GEMM;
  op->group = UTH_OP_GROUP_OTHER;
  op->m = m;
  op->k = k;
  op->n = n;
  op->count = 1;
  op->repeat = 1.0;
  op->flops = 2.0 * (double) m * (double) k * (double) n;
  op->weight_bytes = (double) k * (double) n * bytes;
  op->act_read_bytes = (double) m * (double) k * bytes;
  op->act_write_bytes = (double) m * (double) n * bytes;
  op->kernels = 1.0;
  op->layer = -1;
  op->rows = (double) m;
}
