/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The forward pass of uth-forward.h. Activations are f32; weights are read a row at a time
 * (converted into a scratch row when they are not aligned f32) and multiplied against every
 * token of the call, so a prompt reads each weight once. */
#include "uth-forward.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct _UthForward
{
  const UthForwardWeights *w;
  uint32_t  max_tokens;
  uint32_t  n_past;
  uint32_t  kv_dim;     /* kv_heads × head_dim */
  uint32_t  q_dim;      /* heads × head_dim */
  float    *k_cache;    /* layers × max_tokens × kv_dim */
  float    *v_cache;
  float    *logits;     /* vocab */
  double   *inv_freq;   /* head_dim / 2, RoPE */
  float    *row;        /* scratch: one weight row */
};

/* ---- element types ---------------------------------------------------------------- */

float
uth_half_to_float (uint16_t h)
{
  uint32_t sign = (uint32_t) (h >> 15) << 31;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ff;
  uint32_t bits;
  float f;

  if (exp == 0)
    {
      /* Zero or subnormal: man × 2^-24. */
      f = ldexpf ((float) man, -24);
      return sign ? -f : f;
    }
  if (exp == 31)
    bits = sign | 0x7f800000u | (man << 13);
  else
    bits = sign | ((exp + 112) << 23) | (man << 13);
  memcpy (&f, &bits, 4);
  return f;
}

float
uth_bfloat_to_float (uint16_t b)
{
  uint32_t bits = (uint32_t) b << 16;
  float f;

  memcpy (&f, &bits, 4);
  return f;
}

static uint16_t
read_u16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | (p[1] << 8));
}

/* GCC on x86-64 Linux also compiles the conversions and matrix products for AVX2 with FMA
 * (x86-64-v3) and picks the version the CPU runs when the program starts; elsewhere the
 * portable one. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && !defined(__clang__) && \
    __GNUC__ >= 12
#define KERNEL __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define KERNEL
#endif

/* A row of little-endian bf16 (the top half of an f32): in vectors where the target has
 * them, as a row of a 135M model converts at every token. */
KERNEL static void
bf16_row (const uint8_t *p,
          float         *out,
          uint32_t       n)
{
  for (uint32_t i = 0; i < n; i++)
    {
      uint32_t bits = (uint32_t) read_u16 (p + 2 * (size_t) i) << 16;
      memcpy (&out[i], &bits, 4);
    }
}

/* Bytes of one stored row of n values. */
static size_t
row_bytes (UthWeightType type,
           uint32_t      n)
{
  switch (type)
    {
    case UTH_WEIGHT_F32:
      return (size_t) n * 4;
    case UTH_WEIGHT_F16:
    case UTH_WEIGHT_BF16:
      return (size_t) n * 2;
    case UTH_WEIGHT_Q8_0:
      return (size_t) (n / 32) * 34;
    default:
      return 0;
    }
}

/* Stored row r (of n values) as floats; returns either the stored row itself (aligned
 * f32) or out, filled. */
static const float *
stored_row (const UthTensorView *v,
            uint32_t             r,
            uint32_t             n,
            float               *out)
{
  const uint8_t *p = (const uint8_t *) v->data + row_bytes (v->type, n) * r;

  switch (v->type)
    {
    case UTH_WEIGHT_F32:
      if (((uintptr_t) p & 3) == 0)
        return (const float *) (const void *) p;
      memcpy (out, p, (size_t) n * 4);
      return out;
    case UTH_WEIGHT_F16:
      for (uint32_t i = 0; i < n; i++)
        out[i] = uth_half_to_float (read_u16 (p + 2 * i));
      return out;
    case UTH_WEIGHT_BF16:
      bf16_row (p, out, n);
      return out;
    case UTH_WEIGHT_Q8_0:
      for (uint32_t b = 0; b < n / 32; b++)
        {
          const uint8_t *block = p + 34 * (size_t) b;
          float d = uth_half_to_float (read_u16 (block));

          for (uint32_t i = 0; i < 32; i++)
            out[32 * b + i] = d * (float) (int8_t) block[2 + i];
        }
      return out;
    default:
      return out;
    }
}

void
uth_tensor_view_row (const UthTensorView *view,
                     uint32_t             row,
                     float               *out)
{
  if (!view->transposed)
    {
      const float *r = stored_row (view, row, view->cols, out);
      if (r != out)
        memcpy (out, r, (size_t) view->cols * 4);
      return;
    }
  /* Column row of the stored (cols × rows) matrix. */
  for (uint32_t i = 0; i < view->cols; i++)
    {
      const uint8_t *p = (const uint8_t *) view->data + row_bytes (view->type, view->rows) * i;
      size_t at = row;

      if (view->type == UTH_WEIGHT_F32)
        memcpy (&out[i], p + 4 * at, 4);
      else if (view->type == UTH_WEIGHT_F16)
        out[i] = uth_half_to_float (read_u16 (p + 2 * at));
      else
        out[i] = uth_bfloat_to_float (read_u16 (p + 2 * at));
    }
}

/* ---- kernels ------------------------------------------------------------------------ */

#if defined(__GNUC__)
/* Eight floats at a time through the compiler's vector extension (SSE or AVX as the target
 * allows); memcpy makes the loads unaligned and alias-safe. */
typedef float V8 __attribute__ ((vector_size (32)));
#define INLINE static inline __attribute__ ((always_inline))

INLINE float
hsum (V8 s)
{
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

INLINE float
dot (const float *a,
     const float *b,
     uint32_t     n)
{
  V8 s0 = { 0 }, s1 = { 0 };
  uint32_t i = 0;
  float sum;

  for (; i + 16 <= n; i += 16)
    {
      V8 a0, a1, b0, b1;

      memcpy (&a0, a + i, 32);
      memcpy (&b0, b + i, 32);
      memcpy (&a1, a + i + 8, 32);
      memcpy (&b1, b + i + 8, 32);
      s0 += a0 * b0;
      s1 += a1 * b1;
    }
  sum = hsum (s0 + s1);
  for (; i < n; i++)
    sum += a[i] * b[i];
  return sum;
}

INLINE void
axpy (float        a,
      const float *x,
      float       *y,
      uint32_t     n)
{
  uint32_t i = 0;

  for (; i + 8 <= n; i += 8)
    {
      V8 vx, vy;

      memcpy (&vx, x + i, 32);
      memcpy (&vy, y + i, 32);
      vy += a * vx;
      memcpy (y + i, &vy, 32);
    }
  for (; i < n; i++)
    y[i] += a * x[i];
}

/* out[t × stride] = row · x[t] for n tokens of in values: four tokens share each load of
 * the row. */
KERNEL static void
row_times_tokens (const float *row,
                  const float *x,
                  uint32_t     n,
                  uint32_t     in,
                  float       *out,
                  size_t       stride)
{
  uint32_t t = 0;

  for (; t + 4 <= n; t += 4)
    {
      const float *x0 = x + (size_t) t * in, *x1 = x0 + in, *x2 = x1 + in, *x3 = x2 + in;
      V8 s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
      float r0, r1, r2, r3;
      uint32_t i = 0;

      for (; i + 8 <= in; i += 8)
        {
          V8 w, a;

          memcpy (&w, row + i, 32);
          memcpy (&a, x0 + i, 32);
          s0 += w * a;
          memcpy (&a, x1 + i, 32);
          s1 += w * a;
          memcpy (&a, x2 + i, 32);
          s2 += w * a;
          memcpy (&a, x3 + i, 32);
          s3 += w * a;
        }
      r0 = hsum (s0);
      r1 = hsum (s1);
      r2 = hsum (s2);
      r3 = hsum (s3);
      for (; i < in; i++)
        {
          r0 += row[i] * x0[i];
          r1 += row[i] * x1[i];
          r2 += row[i] * x2[i];
          r3 += row[i] * x3[i];
        }
      out[(size_t) t * stride] = r0;
      out[(size_t) (t + 1) * stride] = r1;
      out[(size_t) (t + 2) * stride] = r2;
      out[(size_t) (t + 3) * stride] = r3;
    }
  for (; t < n; t++)
    out[(size_t) t * stride] = dot (x + (size_t) t * in, row, in);
}

/* bf16 and Q8_0 rows multiplied without a converted copy (little-endian hosts). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HAVE_FUSED_BF16 1
typedef uint16_t U16x8 __attribute__ ((vector_size (16)));
typedef uint32_t U32x8 __attribute__ ((vector_size (32)));

/* A bf16 row times x without a converted copy: what one generated token does with every
 * weight of the model, so the conversion rides in the same loads as the product. */
KERNEL static float
dot_bf16 (const uint8_t *p,
          const float   *x,
          uint32_t       n)
{
  V8 s0 = { 0 }, s1 = { 0 };
  uint32_t i = 0;
  float sum;

  for (; i + 16 <= n; i += 16)
    {
      U16x8 h0, h1;
      U32x8 w0, w1;
      V8 f0, f1, a0, a1;

      memcpy (&h0, p + 2 * (size_t) i, 16);
      memcpy (&h1, p + 2 * (size_t) i + 16, 16);
      w0 = __builtin_convertvector (h0, U32x8) << 16;
      w1 = __builtin_convertvector (h1, U32x8) << 16;
      memcpy (&f0, &w0, 32);
      memcpy (&f1, &w1, 32);
      memcpy (&a0, x + i, 32);
      memcpy (&a1, x + i + 8, 32);
      s0 += f0 * a0;
      s1 += f1 * a1;
    }
  sum = hsum (s0 + s1);
  for (; i < n; i++)
    sum += uth_bfloat_to_float (read_u16 (p + 2 * (size_t) i)) * x[i];
  return sum;
}

typedef int8_t I8x8 __attribute__ ((vector_size (8)));

/* A Q8_0 row times x, block by block: each block's 32 int8 widened in registers, its f16
 * scale applied to the block's sum. */
KERNEL static float
dot_q8_0 (const uint8_t *p,
          const float   *x,
          uint32_t       n)
{
  float sum = 0.0f;

  for (uint32_t b = 0; b < n / 32; b++)
    {
      const uint8_t *block = p + 34 * (size_t) b;
      V8 s = { 0 };

      for (uint32_t j = 0; j < 32; j += 8)
        {
          I8x8 q;
          V8 f, a;

          memcpy (&q, block + 2 + j, 8);
          f = __builtin_convertvector (q, V8);
          memcpy (&a, x + 32 * (size_t) b + j, 32);
          s += f * a;
        }
      sum += uth_half_to_float (read_u16 (block)) * hsum (s);
    }
  return sum;
}
#endif

/* out[t] += x[t][i] × row for n tokens: the transposed layout's product, one stored row. */
KERNEL static void
tokens_times_row (const float *row,
                  const float *x,
                  uint32_t     i,
                  uint32_t     in,
                  uint32_t     n,
                  float       *out,
                  size_t       stride,
                  uint32_t     outs)
{
  for (uint32_t t = 0; t < n; t++)
    if (x[(size_t) t * in + i] != 0.0f)
      axpy (x[(size_t) t * in + i], row, out + t * stride, outs);
}
#else
static float
dot (const float *a,
     const float *b,
     uint32_t     n)
{
  float s[4] = { 0, 0, 0, 0 };
  uint32_t i = 0;

  for (; i + 4 <= n; i += 4)
    for (uint32_t j = 0; j < 4; j++)
      s[j] += a[i + j] * b[i + j];
  for (; i < n; i++)
    s[0] += a[i] * b[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

static void
axpy (float        a,
      const float *x,
      float       *y,
      uint32_t     n)
{
  for (uint32_t i = 0; i < n; i++)
    y[i] += a * x[i];
}

static void
row_times_tokens (const float *row,
                  const float *x,
                  uint32_t     n,
                  uint32_t     in,
                  float       *out,
                  size_t       stride)
{
  for (uint32_t t = 0; t < n; t++)
    out[(size_t) t * stride] = dot (x + (size_t) t * in, row, in);
}

static void
tokens_times_row (const float *row,
                  const float *x,
                  uint32_t     i,
                  uint32_t     in,
                  uint32_t     n,
                  float       *out,
                  size_t       stride,
                  uint32_t     outs)
{
  for (uint32_t t = 0; t < n; t++)
    if (x[(size_t) t * in + i] != 0.0f)
      axpy (x[(size_t) t * in + i], row, out + t * stride, outs);
}
#endif

/* out[t][o] = Σ_i x[t][i] W[o][i] + bias[o] for n tokens; x rows are w->cols long, out
 * rows out_stride apart. row is scratch of max(rows, cols) floats. */
static void
matmul (const UthTensorView *w,
        const UthTensorView *bias,
        const float         *x,
        uint32_t             n,
        float               *out,
        size_t               out_stride,
        float               *row)
{
  uint32_t in = w->cols, outs = w->rows;

#ifdef HAVE_FUSED_BF16
  if (!w->transposed && (w->type == UTH_WEIGHT_BF16 || w->type == UTH_WEIGHT_Q8_0) && n < 4)
    for (uint32_t o = 0; o < outs; o++)
      {
        const uint8_t *p = (const uint8_t *) w->data + row_bytes (w->type, in) * o;

        for (uint32_t t = 0; t < n; t++)
          out[(size_t) t * out_stride + o] = w->type == UTH_WEIGHT_BF16
                                             ? dot_bf16 (p, x + (size_t) t * in, in)
                                             : dot_q8_0 (p, x + (size_t) t * in, in);
      }
  else
#endif
  if (!w->transposed)
    for (uint32_t o = 0; o < outs; o++)
      row_times_tokens (stored_row (w, o, in, row), x, n, in, out + o, out_stride);
  else
    {
      for (uint32_t t = 0; t < n; t++)
        memset (out + t * out_stride, 0, (size_t) outs * 4);
      /* Stored row i holds W[·][i]: every token adds x[t][i] times it. */
      for (uint32_t i = 0; i < in; i++)
        tokens_times_row (stored_row (w, i, outs, row), x, i, in, n, out, out_stride, outs);
    }
  if (bias != NULL && bias->data != NULL)
    {
      const float *b = stored_row (bias, 0, outs, row);

      for (uint32_t t = 0; t < n; t++)
        for (uint32_t o = 0; o < outs; o++)
          out[t * out_stride + o] += b[o];
    }
}

/* In place over n rows of d values: LayerNorm (with bias) or RMSNorm (bias NULL data and
 * layer false). */
static void
norm (const UthTensorView *weight,
      const UthTensorView *bias,
      bool                 layer,
      float                eps,
      const float         *x,
      float               *y,
      uint32_t             n,
      uint32_t             d,
      float               *row,
      float               *row2)
{
  const float *g = stored_row (weight, 0, d, row);
  const float *b = layer && bias->data != NULL ? stored_row (bias, 0, d, row2) : NULL;

  for (uint32_t t = 0; t < n; t++)
    {
      const float *xt = x + (size_t) t * d;
      float *yt = y + (size_t) t * d;
      double mean = 0.0, var = 0.0;
      float scale;

      if (layer)
        {
          for (uint32_t i = 0; i < d; i++)
            mean += xt[i];
          mean /= d;
        }
      for (uint32_t i = 0; i < d; i++)
        var += (xt[i] - mean) * (xt[i] - mean);
      scale = (float) (1.0 / sqrt (var / d + eps));
      for (uint32_t i = 0; i < d; i++)
        yt[i] = (float) (xt[i] - mean) * scale * g[i] + (b != NULL ? b[i] : 0.0f);
    }
}

static float
gelu_tanh (float x)
{
  const float c = 0.7978845608028654f;   /* sqrt (2 / π) */

  return 0.5f * x * (1.0f + tanhf (c * (x + 0.044715f * x * x * x)));
}

static float
silu (float x)
{
  return x / (1.0f + expf (-x));
}

/* ---- checks ------------------------------------------------------------------------- */

static bool
view_type_ok (const UthTensorView *v)
{
  if (v->type > UTH_WEIGHT_Q8_0)
    return false;
  if (v->type == UTH_WEIGHT_Q8_0)
    return !v->transposed && v->cols % 32 == 0;
  return true;
}

/* Checks one view: present when required, of rows × cols. */
static UthForwardStatus
check_view (const UthTensorView *v,
            bool                 required,
            uint32_t             rows,
            uint32_t             cols)
{
  if (v->data == NULL)
    return required ? UTH_FORWARD_MISSING_TENSOR : UTH_FORWARD_OK;
  if (v->rows != rows || v->cols != cols)
    return UTH_FORWARD_BAD_SHAPE;
  if (!view_type_ok (v))
    return UTH_FORWARD_BAD_TYPE;
  return UTH_FORWARD_OK;
}

#define CHECK(view, req, r, c, name) \
  do { \
    UthForwardStatus s_ = check_view ((view), (req), (r), (c)); \
    if (s_ != UTH_FORWARD_OK) \
      { \
        *what = (name); \
        return s_; \
      } \
  } while (0)

static UthForwardStatus
check_layer (const UthForwardConfig *c,
             const UthForwardLayer  *l,
             const char            **what)
{
  bool gpt2 = c->arch == UTH_ARCH_GPT2;
  uint32_t qd = c->heads * c->head_dim, kvd = c->kv_heads * c->head_dim;

  CHECK (&l->attn_norm, true, 1, c->hidden, "attn_norm");
  CHECK (&l->attn_norm_bias, gpt2, 1, c->hidden, "attn_norm_bias");
  CHECK (&l->mlp_norm, true, 1, c->hidden, "mlp_norm");
  CHECK (&l->mlp_norm_bias, gpt2, 1, c->hidden, "mlp_norm_bias");
  CHECK (&l->o, true, c->hidden, qd, "o");
  CHECK (&l->o_bias, gpt2, 1, c->hidden, "o_bias");
  CHECK (&l->up, true, c->ffn, c->hidden, "up");
  CHECK (&l->down, true, c->hidden, c->ffn, "down");
  if (gpt2)
    {
      CHECK (&l->qkv, true, 3 * qd, c->hidden, "qkv");
      CHECK (&l->qkv_bias, true, 1, 3 * qd, "qkv_bias");
      CHECK (&l->up_bias, true, 1, c->ffn, "up_bias");
      CHECK (&l->down_bias, true, 1, c->hidden, "down_bias");
      return UTH_FORWARD_OK;
    }
  CHECK (&l->q, true, qd, c->hidden, "q");
  CHECK (&l->k, true, kvd, c->hidden, "k");
  CHECK (&l->v, true, kvd, c->hidden, "v");
  CHECK (&l->q_bias, false, 1, qd, "q_bias");
  CHECK (&l->k_bias, false, 1, kvd, "k_bias");
  CHECK (&l->v_bias, false, 1, kvd, "v_bias");
  CHECK (&l->gate, true, c->ffn, c->hidden, "gate");
  CHECK (&l->up_bias, false, 1, c->ffn, "up_bias");
  CHECK (&l->down_bias, false, 1, c->hidden, "down_bias");
  return UTH_FORWARD_OK;
}

UthForwardStatus
uth_forward_weights_check (const UthForwardWeights *weights,
                           int                     *layer,
                           const char             **what)
{
  const UthForwardConfig *c = &weights->config;
  bool gpt2 = c->arch == UTH_ARCH_GPT2;
  const char *dummy;

  if (what == NULL)
    what = &dummy;
  *layer = -1;
  *what = "config";
  if (c->vocab == 0 || c->hidden == 0 || c->layers == 0 || c->heads == 0 || c->kv_heads == 0 ||
      c->head_dim == 0 || c->ffn == 0 || c->heads % c->kv_heads != 0 ||
      !(c->norm_eps >= 0.0f) || (c->arch != UTH_ARCH_GPT2 && c->arch != UTH_ARCH_LLAMA))
    return UTH_FORWARD_BAD_CONFIG;
  if (gpt2 && (c->kv_heads != c->heads || c->max_positions == 0))
    return UTH_FORWARD_BAD_CONFIG;
  if (!gpt2 && (c->head_dim % 2 != 0 || !(c->rope_theta > 0.0) ||
                (c->rope_scaling != UTH_ROPE_SCALING_NONE && !(c->rope_factor > 0.0)) ||
                (c->rope_scaling == UTH_ROPE_SCALING_LLAMA3 &&
                 !(c->rope_high_freq_factor > c->rope_low_freq_factor &&
                   c->rope_low_freq_factor > 0.0 && c->rope_original_max_positions > 0.0))))
    return UTH_FORWARD_BAD_CONFIG;

  CHECK (&weights->token_embedding, true, c->vocab, c->hidden, "token_embedding");
  if (gpt2)
    CHECK (&weights->position_embedding, true, c->max_positions, c->hidden, "position_embedding");
  CHECK (&weights->final_norm, true, 1, c->hidden, "final_norm");
  CHECK (&weights->final_norm_bias, gpt2, 1, c->hidden, "final_norm_bias");
  CHECK (&weights->lm_head, false, c->vocab, c->hidden, "lm_head");
  CHECK (&weights->rope_factors, false, 1, c->head_dim / 2, "rope_factors");
  if (weights->layers == NULL)
    {
      *what = "layers";
      return UTH_FORWARD_MISSING_TENSOR;
    }
  for (uint32_t i = 0; i < c->layers; i++)
    {
      UthForwardStatus s = check_layer (c, &weights->layers[i], what);
      if (s != UTH_FORWARD_OK)
        {
          *layer = (int) i;
          return s;
        }
    }
  *what = NULL;
  return UTH_FORWARD_OK;
}

/* ---- RoPE --------------------------------------------------------------------------- */

void
uth_forward_rope_frequencies (const UthForwardConfig *c,
                              double                 *out)
{
  uint32_t half = c->head_dim / 2;
  const double two_pi = 6.283185307179586;

  for (uint32_t i = 0; i < half; i++)
    {
      double f = pow (c->rope_theta, -(double) (2 * i) / c->head_dim);

      if (c->rope_scaling == UTH_ROPE_SCALING_LINEAR)
        f /= c->rope_factor;
      else if (c->rope_scaling == UTH_ROPE_SCALING_LLAMA3)
        {
          /* Wavelengths longer than the original context over low_freq_factor are slowed by
           * factor; shorter than it over high_freq_factor kept; a smooth blend between. */
          double wavelen = two_pi / f;
          double low_wavelen = c->rope_original_max_positions / c->rope_low_freq_factor;
          double high_wavelen = c->rope_original_max_positions / c->rope_high_freq_factor;

          if (wavelen > low_wavelen)
            f /= c->rope_factor;
          else if (wavelen >= high_wavelen)
            {
              double smooth = (c->rope_original_max_positions / wavelen - c->rope_low_freq_factor) /
                              (c->rope_high_freq_factor - c->rope_low_freq_factor);
              f = (1.0 - smooth) * f / c->rope_factor + smooth * f;
            }
        }
      out[i] = f;
    }
}

/* Rotates one head's vector (head_dim values) by the angles whose cosines and sines are
 * given (head_dim / 2 of each). */
static void
rope (float        *x,
      const float  *cosines,
      const float  *sines,
      uint32_t      head_dim,
      UthRopeStyle  style)
{
  uint32_t half = head_dim / 2;

  for (uint32_t i = 0; i < half; i++)
    {
      float c = cosines[i], s = sines[i];
      uint32_t a = style == UTH_ROPE_HALVES ? i : 2 * i;
      uint32_t b = style == UTH_ROPE_HALVES ? i + half : 2 * i + 1;
      float x1 = x[a], x2 = x[b];

      x[a] = x1 * c - x2 * s;
      x[b] = x2 * c + x1 * s;
    }
}

/* ---- the pass ----------------------------------------------------------------------- */

static uint32_t
max_u32 (uint32_t a,
         uint32_t b)
{
  return a > b ? a : b;
}

/* Whether a × b × c × d floats can be addressed (and allocated without overflow). */
static bool
fits (double a,
      double b,
      double c,
      double d)
{
  return a * b * c * d * sizeof (float) < (double) SIZE_MAX / 2;
}

UthForward *
uth_forward_new (const UthForwardWeights *weights,
                 uint32_t                 max_tokens)
{
  const UthForwardConfig *c = &weights->config;
  UthForward *self;
  size_t cache;
  uint32_t widest;

  if (max_tokens == 0 ||
      !fits (c->layers, max_tokens, c->kv_heads, c->head_dim) ||
      !fits (c->heads, c->head_dim, 3, 1))
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->w = weights;
  self->max_tokens = max_tokens;
  self->kv_dim = c->kv_heads * c->head_dim;
  self->q_dim = c->heads * c->head_dim;
  cache = (size_t) c->layers * max_tokens * self->kv_dim;
  widest = max_u32 (max_u32 (c->hidden, c->ffn), max_u32 (3 * self->q_dim, c->vocab));
  self->k_cache = malloc (cache * sizeof (float));
  self->v_cache = malloc (cache * sizeof (float));
  self->logits = calloc (c->vocab, sizeof (float));
  self->inv_freq = calloc (c->head_dim / 2 + 1, sizeof (double));
  self->row = malloc ((size_t) widest * sizeof (float));
  if (self->k_cache == NULL || self->v_cache == NULL || self->logits == NULL ||
      self->inv_freq == NULL || self->row == NULL)
    {
      uth_forward_free (self);
      return NULL;
    }
  if (c->arch == UTH_ARCH_LLAMA)
    {
      uth_forward_rope_frequencies (c, self->inv_freq);
      if (weights->rope_factors.data != NULL)
        {
          uth_tensor_view_row (&weights->rope_factors, 0, self->row);
          for (uint32_t i = 0; i < c->head_dim / 2; i++)
            self->inv_freq[i] /= self->row[i];
        }
    }
  return self;
}

void
uth_forward_free (UthForward *self)
{
  if (self == NULL)
    return;
  free (self->k_cache);
  free (self->v_cache);
  free (self->logits);
  free (self->inv_freq);
  free (self->row);
  free (self);
}

void
uth_forward_reset (UthForward *self)
{
  self->n_past = 0;
}

void
uth_forward_truncate (UthForward *self,
                      uint32_t    n)
{
  if (n < self->n_past)
    self->n_past = n;
}

uint32_t
uth_forward_n_past (const UthForward *self)
{
  return self->n_past;
}

const float *
uth_forward_logits (const UthForward *self)
{
  return self->logits;
}

void
uth_forward_trace_clear (UthForwardTrace *trace)
{
  free (trace->embeddings);
  free (trace->positions);
  free (trace->attention);
  free (trace->residual_norms);
  free (trace->logits);
  free (trace->scores);
  free (trace->q);
  free (trace->k);
  free (trace->v);
  free (trace->heads);
  trace->embeddings = trace->positions = trace->attention = NULL;
  trace->residual_norms = trace->logits = NULL;
  trace->scores = trace->q = trace->k = trace->v = trace->heads = NULL;
  trace->n_tokens = trace->first = trace->n_angles = 0;
}

static bool
trace_alloc (UthForwardTrace        *trace,
             const UthForwardConfig *c,
             uint32_t                first,
             uint32_t                n)
{
  size_t span = (size_t) first + n;

  uth_forward_trace_clear (trace);
  if (!fits (c->layers, c->heads, n, (double) span) || !fits (n, c->vocab, 1, 1) ||
      !fits (n, c->hidden, 1, 1))
    return false;
  trace->n_tokens = n;
  trace->first = first;
  trace->n_angles = c->arch == UTH_ARCH_LLAMA ? c->head_dim / 2 : 0;
  if (trace->flags & UTH_TRACE_EMBEDDINGS)
    trace->embeddings = calloc ((size_t) n * c->hidden, sizeof (float));
  if (trace->flags & UTH_TRACE_POSITIONS)
    trace->positions = calloc ((size_t) n * (c->arch == UTH_ARCH_GPT2 ? c->hidden
                                                                      : trace->n_angles + 1),
                               sizeof (float));
  if (trace->flags & UTH_TRACE_ATTENTION)
    trace->attention = calloc ((size_t) c->layers * c->heads * n * span, sizeof (float));
  if (trace->flags & UTH_TRACE_RESIDUAL_NORMS)
    trace->residual_norms = calloc ((size_t) (c->layers + 1) * n, sizeof (float));
  if (trace->flags & UTH_TRACE_LOGITS)
    trace->logits = calloc ((size_t) n * c->vocab, sizeof (float));
  if (trace->flags & UTH_TRACE_SCORES)
    trace->scores = calloc ((size_t) c->layers * c->heads * n * span, sizeof (float));
  if (trace->flags & UTH_TRACE_VECTORS)
    {
      size_t size = (size_t) c->layers * c->heads * n * c->head_dim;

      trace->q = calloc (size, sizeof (float));
      trace->k = calloc (size, sizeof (float));
      trace->v = calloc (size, sizeof (float));
      trace->heads = calloc (size, sizeof (float));
    }
  if (((trace->flags & UTH_TRACE_EMBEDDINGS) && trace->embeddings == NULL) ||
      ((trace->flags & UTH_TRACE_POSITIONS) && trace->positions == NULL) ||
      ((trace->flags & UTH_TRACE_ATTENTION) && trace->attention == NULL) ||
      ((trace->flags & UTH_TRACE_RESIDUAL_NORMS) && trace->residual_norms == NULL) ||
      ((trace->flags & UTH_TRACE_LOGITS) && trace->logits == NULL) ||
      ((trace->flags & UTH_TRACE_SCORES) && trace->scores == NULL) ||
      ((trace->flags & UTH_TRACE_VECTORS) && (trace->q == NULL || trace->k == NULL ||
                                              trace->v == NULL || trace->heads == NULL)))
    {
      uth_forward_trace_clear (trace);
      return false;
    }
  return true;
}

static void
record_norms (UthForwardTrace *trace,
              uint32_t         row,
              const float     *x,
              uint32_t         n,
              uint32_t         d)
{
  if (trace == NULL || trace->residual_norms == NULL)
    return;
  for (uint32_t t = 0; t < n; t++)
    {
      double s = 0.0;
      for (uint32_t i = 0; i < d; i++)
        s += (double) x[(size_t) t * d + i] * x[(size_t) t * d + i];
      trace->residual_norms[(size_t) row * n + t] = (float) sqrt (s);
    }
}

/* Work buffers of one call. */
typedef struct
{
  float *x, *h, *q, *k, *v, *att, *ff1, *ff2, *scores, *row2;
  float *cosines, *sines;   /* RoPE: n × head_dim / 2, the call's positions */
} Buffers;

static void
buffers_free (Buffers *b)
{
  free (b->x);
  free (b->h);
  free (b->q);
  free (b->k);
  free (b->v);
  free (b->att);
  free (b->ff1);
  free (b->ff2);
  free (b->scores);
  free (b->row2);
  free (b->cosines);
  free (b->sines);
}

static bool
buffers_alloc (Buffers                *b,
               const UthForwardConfig *c,
               const UthForward       *self,
               uint32_t                n)
{
  memset (b, 0, sizeof *b);
  if (!fits (n, max_u32 (c->hidden, c->ffn), 1, 1) || !fits (n, self->q_dim + 2.0 * self->kv_dim, 1, 1))
    return false;
  b->x = malloc ((size_t) n * c->hidden * sizeof (float));
  b->h = malloc ((size_t) n * c->hidden * sizeof (float));
  b->q = malloc ((size_t) n * (self->q_dim + 2 * self->kv_dim) * sizeof (float));
  b->att = malloc ((size_t) n * self->q_dim * sizeof (float));
  b->ff1 = malloc ((size_t) n * c->ffn * sizeof (float));
  b->ff2 = malloc ((size_t) n * c->ffn * sizeof (float));
  b->scores = malloc (((size_t) self->n_past + n) * sizeof (float));
  b->row2 = malloc ((size_t) max_u32 (c->hidden, c->ffn) * sizeof (float));
  b->cosines = malloc (((size_t) n * (c->head_dim / 2) + 1) * sizeof (float));
  b->sines = malloc (((size_t) n * (c->head_dim / 2) + 1) * sizeof (float));
  if (b->x == NULL || b->h == NULL || b->q == NULL || b->att == NULL || b->ff1 == NULL ||
      b->ff2 == NULL || b->scores == NULL || b->row2 == NULL || b->cosines == NULL ||
      b->sines == NULL)
    {
      buffers_free (b);
      return false;
    }
  if (c->arch == UTH_ARCH_LLAMA)
    for (uint32_t t = 0; t < n; t++)
      for (uint32_t i = 0; i < c->head_dim / 2; i++)
        {
          double angle = (double) (self->n_past + t) * self->inv_freq[i];
          size_t at = (size_t) t * (c->head_dim / 2) + i;

          b->cosines[at] = (float) cos (angle);
          b->sines[at] = (float) sin (angle);
        }
  return true;
}

/* Embeddings (and GPT-2's positions) of the call's tokens into b->x. */
static void
embed (UthForward      *self,
       const uint32_t  *tokens,
       uint32_t         n,
       Buffers         *b,
       UthForwardTrace *trace)
{
  const UthForwardWeights *w = self->w;
  const UthForwardConfig *c = &w->config;
  uint32_t d = c->hidden;

  for (uint32_t t = 0; t < n; t++)
    {
      float *xt = b->x + (size_t) t * d;
      uint32_t pos = self->n_past + t;

      uth_tensor_view_row (&w->token_embedding, tokens[t], xt);
      if (trace != NULL && trace->embeddings != NULL)
        memcpy (trace->embeddings + (size_t) t * d, xt, (size_t) d * 4);
      if (c->arch == UTH_ARCH_GPT2)
        {
          uth_tensor_view_row (&w->position_embedding, pos, b->row2);
          if (trace != NULL && trace->positions != NULL)
            memcpy (trace->positions + (size_t) t * d, b->row2, (size_t) d * 4);
          for (uint32_t i = 0; i < d; i++)
            xt[i] += b->row2[i];
        }
      else if (trace != NULL && trace->positions != NULL)
        for (uint32_t i = 0; i < c->head_dim / 2; i++)
          trace->positions[(size_t) t * trace->n_angles + i] =
            (float) ((double) pos * self->inv_freq[i]);
    }
}

/* Causal attention of the call's n tokens (queries in b->q, rows q_dim apart) over the
 * cache of layer l, into b->att. */
static void
attend (UthForward      *self,
        uint32_t         l,
        uint32_t         n,
        Buffers         *b,
        UthForwardTrace *trace)
{
  const UthForwardConfig *c = &self->w->config;
  uint32_t hd = c->head_dim, group = c->heads / c->kv_heads;
  size_t layer_at = (size_t) l * self->max_tokens * self->kv_dim;
  size_t span = (size_t) self->n_past + n;
  float scale = 1.0f / sqrtf ((float) hd);

  for (uint32_t t = 0; t < n; t++)
    {
      uint32_t last = self->n_past + t;

      for (uint32_t h = 0; h < c->heads; h++)
        {
          const float *q = b->q + (size_t) t * self->q_dim + (size_t) h * hd;
          size_t kv_at = layer_at + (size_t) (h / group) * hd;
          float *out = b->att + (size_t) t * self->q_dim + (size_t) h * hd;
          float max = -INFINITY;
          double sum = 0.0;

          for (uint32_t j = 0; j <= last; j++)
            {
              b->scores[j] = dot (q, self->k_cache + kv_at + (size_t) j * self->kv_dim, hd) * scale;
              if (b->scores[j] > max)
                max = b->scores[j];
            }
          if (trace != NULL && trace->scores != NULL)
            memcpy (trace->scores + (((size_t) l * c->heads + h) * n + t) * span, b->scores,
                    ((size_t) last + 1) * 4);
          for (uint32_t j = 0; j <= last; j++)
            {
              b->scores[j] = expf (b->scores[j] - max);
              sum += b->scores[j];
            }
          memset (out, 0, (size_t) hd * 4);
          for (uint32_t j = 0; j <= last; j++)
            {
              b->scores[j] = (float) (b->scores[j] / sum);
              axpy (b->scores[j], self->v_cache + kv_at + (size_t) j * self->kv_dim, out, hd);
            }
          if (trace != NULL && trace->attention != NULL)
            memcpy (trace->attention + (((size_t) l * c->heads + h) * n + t) * span, b->scores,
                    ((size_t) last + 1) * 4);
          if (trace != NULL && trace->q != NULL)
            {
              size_t at = (((size_t) l * c->heads + h) * n + t) * hd;
              size_t kv = kv_at + (size_t) last * self->kv_dim;

              memcpy (trace->q + at, q, (size_t) hd * 4);
              memcpy (trace->k + at, self->k_cache + kv, (size_t) hd * 4);
              memcpy (trace->v + at, self->v_cache + kv, (size_t) hd * 4);
              memcpy (trace->heads + at, out, (size_t) hd * 4);
            }
        }
    }
}

/* Queries, keys and values of layer l from b->h; keys and values go to the cache. */
static void
project_qkv (UthForward            *self,
             const UthForwardLayer *L,
             uint32_t               l,
             uint32_t               n,
             Buffers               *b)
{
  const UthForwardConfig *c = &self->w->config;
  uint32_t qd = self->q_dim, kvd = self->kv_dim, stride = qd + 2 * kvd;
  size_t layer_at = (size_t) l * self->max_tokens * kvd;

  if (c->arch == UTH_ARCH_GPT2)
    matmul (&L->qkv, &L->qkv_bias, b->h, n, b->q, stride, self->row);
  else
    {
      matmul (&L->q, &L->q_bias, b->h, n, b->q, stride, self->row);
      matmul (&L->k, &L->k_bias, b->h, n, b->q + qd, stride, self->row);
      matmul (&L->v, &L->v_bias, b->h, n, b->q + qd + kvd, stride, self->row);
    }
  for (uint32_t t = 0; t < n; t++)
    {
      float *qt = b->q + (size_t) t * stride;
      uint32_t pos = self->n_past + t;
      const float *cosines = b->cosines + (size_t) t * (c->head_dim / 2);
      const float *sines = b->sines + (size_t) t * (c->head_dim / 2);

      if (c->arch == UTH_ARCH_LLAMA)
        {
          for (uint32_t h = 0; h < c->heads; h++)
            rope (qt + (size_t) h * c->head_dim, cosines, sines, c->head_dim, c->rope_style);
          for (uint32_t h = 0; h < c->kv_heads; h++)
            rope (qt + qd + (size_t) h * c->head_dim, cosines, sines, c->head_dim, c->rope_style);
        }
      memcpy (self->k_cache + layer_at + (size_t) pos * kvd, qt + qd, (size_t) kvd * 4);
      memcpy (self->v_cache + layer_at + (size_t) pos * kvd, qt + qd + kvd, (size_t) kvd * 4);
    }
  /* Queries packed q_dim apart for attend. */
  for (uint32_t t = 1; t < n; t++)
    memmove (b->q + (size_t) t * qd, b->q + (size_t) t * stride, (size_t) qd * 4);
}

static void
mlp (UthForward            *self,
     const UthForwardLayer *L,
     uint32_t               n,
     Buffers               *b)
{
  const UthForwardConfig *c = &self->w->config;
  size_t all = (size_t) n * c->ffn;

  if (c->arch == UTH_ARCH_GPT2)
    {
      matmul (&L->up, &L->up_bias, b->h, n, b->ff1, c->ffn, self->row);
      for (size_t i = 0; i < all; i++)
        b->ff1[i] = gelu_tanh (b->ff1[i]);
    }
  else
    {
      matmul (&L->gate, NULL, b->h, n, b->ff1, c->ffn, self->row);
      matmul (&L->up, &L->up_bias, b->h, n, b->ff2, c->ffn, self->row);
      for (size_t i = 0; i < all; i++)
        b->ff1[i] = silu (b->ff1[i]) * b->ff2[i];
    }
  matmul (&L->down, &L->down_bias, b->ff1, n, b->h, c->hidden, self->row);
}

static void
add (float       *x,
     const float *y,
     size_t       n)
{
  for (size_t i = 0; i < n; i++)
    x[i] += y[i];
}

static void
final_logits (UthForward      *self,
              uint32_t         n,
              Buffers         *b,
              UthForwardTrace *trace)
{
  const UthForwardWeights *w = self->w;
  const UthForwardConfig *c = &w->config;
  const UthTensorView *head = w->lm_head.data != NULL ? &w->lm_head : &w->token_embedding;
  bool all = trace != NULL && trace->logits != NULL;
  uint32_t from = all ? 0 : n - 1;

  norm (&w->final_norm, &w->final_norm_bias, c->arch == UTH_ARCH_GPT2, c->norm_eps,
        b->x + (size_t) from * c->hidden, b->h, n - from, c->hidden, self->row, b->row2);
  if (all)
    {
      matmul (head, NULL, b->h, n, trace->logits, c->vocab, self->row);
      memcpy (self->logits, trace->logits + (size_t) (n - 1) * c->vocab, (size_t) c->vocab * 4);
    }
  else
    matmul (head, NULL, b->h, 1, self->logits, c->vocab, self->row);
}

UthForwardStatus
uth_forward_eval (UthForward      *self,
                  const uint32_t  *tokens,
                  uint32_t         n,
                  UthForwardTrace *trace)
{
  const UthForwardWeights *w = self->w;
  const UthForwardConfig *c = &w->config;
  bool gpt2 = c->arch == UTH_ARCH_GPT2;
  size_t nd;
  Buffers b;

  if (n == 0)
    return UTH_FORWARD_OK;
  for (uint32_t t = 0; t < n; t++)
    if (tokens[t] >= c->vocab)
      return UTH_FORWARD_BAD_TOKEN;
  if (n > self->max_tokens - self->n_past ||
      (gpt2 && (uint64_t) self->n_past + n > c->max_positions))
    return UTH_FORWARD_CONTEXT_FULL;
  if (trace != NULL && trace->flags != 0 && !trace_alloc (trace, c, self->n_past, n))
    return UTH_FORWARD_NO_MEMORY;
  if (!buffers_alloc (&b, c, self, n))
    return UTH_FORWARD_NO_MEMORY;
  nd = (size_t) n * c->hidden;

  embed (self, tokens, n, &b, trace);
  record_norms (trace, 0, b.x, n, c->hidden);
  for (uint32_t l = 0; l < c->layers; l++)
    {
      const UthForwardLayer *L = &w->layers[l];

      norm (&L->attn_norm, &L->attn_norm_bias, gpt2, c->norm_eps, b.x, b.h, n, c->hidden,
            self->row, b.row2);
      project_qkv (self, L, l, n, &b);
      attend (self, l, n, &b, trace);
      matmul (&L->o, &L->o_bias, b.att, n, b.h, c->hidden, self->row);
      add (b.x, b.h, nd);
      norm (&L->mlp_norm, &L->mlp_norm_bias, gpt2, c->norm_eps, b.x, b.h, n, c->hidden,
            self->row, b.row2);
      mlp (self, L, n, &b);
      add (b.x, b.h, nd);
      record_norms (trace, l + 1, b.x, n, c->hidden);
    }
  final_logits (self, n, &b, trace);
  self->n_past += n;
  buffers_free (&b);
  return UTH_FORWARD_OK;
}
