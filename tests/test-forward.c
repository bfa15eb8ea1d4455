/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The forward pass (core/uth-forward.c) through the loader (catalog/uth-model-weights.c)
 * against PyTorch: tests/data/forward/ holds tiny random-weight models with the logits,
 * attention weights and residual norms that tools/gen-forward-fixtures.py computed with plain
 * torch ops in float64. Tolerances are relative to the largest magnitude of the reference
 * array (so 1e-4 on logits of size 5 allows 5e-4):
 *   f32, and f16/bf16 weights against a reference run on the same rounded weights: 1e-4;
 *   bf16 weights against the f32 model's reference: 5e-2 (bf16 keeps 8 bits of mantissa;
 *   measured 2.1e-2: these random weights amplify errors more than a trained model's);
 *   Q8_0 (GGUF, written here) against the f32 model's reference: 5e-2 (8 bits per weight
 *   plus an f16 scale per 32; measured 2.8e-2). A wrong RoPE pairing or a wrong row
 *   order is off by far more than that (order 1). */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-model-weights.h"
#include "core/uth-forward.h"
#include "core/uth-sample.h"
#include "gguf-writer.h"

typedef struct
{
  GArray *tokens;          /* guint32 */
  GArray *logits;          /* float: tokens × vocab */
  GArray *attention;       /* layers × heads × T × T */
  GArray *residual_norms;  /* (layers + 1) × T */
} Expected;

static GArray *
read_floats (JsonObject *obj,
             const char *member)
{
  JsonArray *a = json_object_get_array_member (obj, member);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (float));

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      float v = (float) json_array_get_double_element (a, i);
      g_array_append_val (out, v);
    }
  return out;
}

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "forward", name, NULL);
}

static void
expected_load (const char *name,
               Expected   *e)
{
  g_autofree char *dir = fixture (name);
  g_autofree char *path = g_build_filename (dir, "expected.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *tokens;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  tokens = json_object_get_array_member (root, "tokens");
  e->tokens = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < json_array_get_length (tokens); i++)
    {
      guint32 t = (guint32) json_array_get_int_element (tokens, i);
      g_array_append_val (e->tokens, t);
    }
  e->logits = read_floats (root, "logits");
  e->attention = read_floats (root, "attention");
  e->residual_norms = read_floats (root, "residual_norms");
}

static void
expected_clear (Expected *e)
{
  g_array_unref (e->tokens);
  g_array_unref (e->logits);
  g_array_unref (e->attention);
  g_array_unref (e->residual_norms);
}

/* The largest error relative to the reference's largest magnitude. */
static double
relative_error (const float *got,
                const float *want,
                gsize        n)
{
  double scale = 0.0, worst = 0.0;

  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (want[i]));
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) got[i] - want[i]));
  return worst / MAX (scale, 1e-30);
}

static UthModelWeights *
open_fixture (const char *name)
{
  g_autofree char *dir = fixture (name);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  UthModelWeights *w = uth_model_weights_open (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (w);
  return w;
}

/* Runs the whole sequence in one call with every trace, compares with expected. */
static void
check_model (UthModelWeights *weights,
             const Expected  *e,
             double           tolerance,
             gboolean         check_all)
{
  const UthForwardWeights *fw = uth_model_weights_get_forward (weights);
  const UthForwardConfig *c = &fw->config;
  UthForward *f = uth_forward_new (fw, 64);
  UthForwardTrace trace = { UTH_TRACE_EMBEDDINGS | UTH_TRACE_POSITIONS | UTH_TRACE_ATTENTION |
                            UTH_TRACE_RESIDUAL_NORMS | UTH_TRACE_LOGITS };
  guint n = e->tokens->len;

  g_assert_nonnull (f);
  g_assert_cmpint (uth_forward_eval (f, (const guint32 *) e->tokens->data, n, &trace), ==,
                   UTH_FORWARD_OK);
  g_assert_cmpuint (e->logits->len, ==, (gsize) n * c->vocab);
  g_test_message ("logits: relative error %.3g (tolerance %.3g)",
                  relative_error (trace.logits, (const float *) e->logits->data, e->logits->len),
                  tolerance);
  g_assert_cmpfloat (relative_error (trace.logits, (const float *) e->logits->data,
                                     e->logits->len), <=, tolerance);
  /* The last position's logits are kept without the trace too. */
  g_assert_cmpfloat (relative_error (uth_forward_logits (f),
                                     (const float *) e->logits->data + (gsize) (n - 1) * c->vocab,
                                     c->vocab), <=, tolerance);
  if (check_all)
    {
      g_assert_cmpuint (e->attention->len, ==, (gsize) c->layers * c->heads * n * n);
      g_assert_cmpfloat (relative_error (trace.attention, (const float *) e->attention->data,
                                         e->attention->len), <=, tolerance);
      g_assert_cmpfloat (relative_error (trace.residual_norms,
                                         (const float *) e->residual_norms->data,
                                         e->residual_norms->len), <=, tolerance);
      /* Token 0's attention is all on itself: 1 in its row's first place. */
      g_assert_cmpfloat_with_epsilon (trace.attention[0], 1.0, 1e-6);
    }
  uth_forward_trace_clear (&trace);
  uth_forward_free (f);
}

static void
test_fixture (gconstpointer data)
{
  const char *name = data;
  g_autoptr(UthModelWeights) w = open_fixture (name);
  Expected e;

  expected_load (name, &e);
  check_model (w, &e, 1e-4, TRUE);
  expected_clear (&e);
}

/* Token by token through the cache, and in two uneven parts: the same as all at once. */
static void
test_incremental (gconstpointer data)
{
  const char *name = data;
  g_autoptr(UthModelWeights) w = open_fixture (name);
  const UthForwardWeights *fw = uth_model_weights_get_forward (w);
  guint32 vocab = fw->config.vocab;
  UthForward *f = uth_forward_new (fw, 64);
  UthForwardTrace trace = { UTH_TRACE_ATTENTION | UTH_TRACE_LOGITS };
  Expected e;
  guint n;

  expected_load (name, &e);
  n = e.tokens->len;
  for (guint t = 0; t < n; t++)
    {
      const float *want = (const float *) e.logits->data + (gsize) t * vocab;

      g_assert_cmpint (uth_forward_eval (f, &g_array_index (e.tokens, guint32, t), 1, &trace), ==,
                       UTH_FORWARD_OK);
      g_assert_cmpuint (trace.first, ==, t);
      g_assert_cmpfloat (relative_error (uth_forward_logits (f), want, vocab), <=, 1e-4);
      /* Layer 0, head 0: token t's row over positions 0 … t. */
      g_assert_cmpfloat (relative_error (trace.attention,
                                         (const float *) e.attention->data + (gsize) t * n,
                                         t + 1), <=, 1e-4);
    }
  g_assert_cmpuint (uth_forward_n_past (f), ==, n);
  uth_forward_reset (f);
  g_assert_cmpint (uth_forward_eval (f, (const guint32 *) e.tokens->data, 5, NULL), ==,
                   UTH_FORWARD_OK);
  g_assert_cmpint (uth_forward_eval (f, &g_array_index (e.tokens, guint32, 5), n - 5, NULL), ==,
                   UTH_FORWARD_OK);
  g_assert_cmpfloat (relative_error (uth_forward_logits (f),
                                     (const float *) e.logits->data + (gsize) (n - 1) * vocab,
                                     vocab), <=, 1e-4);
  uth_forward_trace_clear (&trace);
  uth_forward_free (f);
  expected_clear (&e);
}

/* bf16 weights against the f32 model's reference (same random weights, rounded). */
static void
test_bf16_tolerance (void)
{
  g_autoptr(UthModelWeights) w = open_fixture ("llama-gqa-bf16");
  Expected e;

  g_assert_cmpstr (uth_model_weights_get_dtype (w), ==, "BF16");
  expected_load ("llama-gqa", &e);
  check_model (w, &e, 5e-2, FALSE);
  expected_clear (&e);
}

/* ---- a Q8_0 GGUF written from the f32 Llama fixture ---------------------------------- */

static guint16
float_to_half (float f)
{
  /* Round to nearest of f16 for the normal range the scales live in (and 0). */
  guint32 bits, sign, exp, man;

  memcpy (&bits, &f, 4);
  sign = (bits >> 16) & 0x8000;
  exp = (bits >> 23) & 0xff;
  man = bits & 0x7fffff;
  if (exp == 0 || (gint) exp - 112 <= 0)
    return (guint16) sign;
  man += 0x1000;                    /* round */
  if (man & 0x800000)
    {
      man = 0;
      exp++;
    }
  return (guint16) (sign | ((exp - 112) << 10) | (man >> 13));
}

static void
put_kv_f32 (GByteArray *a,
            const char *key,
            float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  put_str (a, key);
  put_u32 (a, 6);   /* FLOAT32 */
  put_u32 (a, bits);
}

static void
put_kv_str (GByteArray *a,
            const char *key,
            const char *v)
{
  put_str (a, key);
  put_u32 (a, 8);   /* STRING */
  put_str (a, v);
}

typedef struct
{
  char       *name;
  guint       rows, cols;   /* rows 1: a vector */
  gboolean    q8;
  GByteArray *data;
} GgufTensor;

/* A tensor of the safetensors fixture (f32 [rows, cols]); permute: llama.cpp's reordering
 * of Q and K rows for heads of head_dim so that rows 2i and 2i + 1 are the pair RoPE turns. */
static GgufTensor
gguf_tensor (const float *src,
             const char  *name,
             guint        rows,
             guint        cols,
             gboolean     q8,
             guint        permute_heads)
{
  GgufTensor t = { g_strdup (name), rows, cols, q8, g_byte_array_new () };

  for (guint r = 0; r < rows; r++)
    {
      guint from = r;

      if (permute_heads > 0)
        {
          /* Row r of head h is 2i + j (pair i, half j): it comes from row j × half + i. */
          guint hd = rows / permute_heads, h = r / hd, k = r % hd, half = hd / 2;
          from = h * hd + (k % 2) * half + k / 2;
        }
      if (!q8)
        {
          g_byte_array_append (t.data, (const guint8 *) (src + (gsize) from * cols), cols * 4);
          continue;
        }
      for (guint b = 0; b < cols / 32; b++)
        {
          const float *x = src + (gsize) from * cols + 32 * b;
          float amax = 0.0f, d;
          guint16 hd16;
          gint8 q[32];

          for (guint i = 0; i < 32; i++)
            amax = MAX (amax, fabsf (x[i]));
          d = amax / 127.0f;
          for (guint i = 0; i < 32; i++)
            q[i] = (gint8) (d > 0 ? lrintf (x[i] / d) : 0);
          hd16 = GUINT16_TO_LE (float_to_half (d));
          g_byte_array_append (t.data, (const guint8 *) &hd16, 2);
          g_byte_array_append (t.data, (const guint8 *) q, 32);
        }
    }
  return t;
}

/* The f32 values of a safetensors fixture's tensor (read from its header by hand). */
static const float *
st_tensor (GBytes     *file,
           JsonObject *header,
           const char *name)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  guint64 n;
  JsonObject *t = json_object_get_object_member (header, name);

  memcpy (&n, data, 8);
  g_assert_nonnull (t);
  g_assert_cmpstr (json_object_get_string_member (t, "dtype"), ==, "F32");
  return (const float *) (const void *) (data + 8 + n +
          json_array_get_int_element (json_object_get_array_member (t, "data_offsets"), 0));
}

static char *
write_q8_gguf (const char *dir)
{
  g_autofree char *src = fixture ("llama-gqa");
  g_autofree char *st_path = g_build_filename (src, "model.safetensors", NULL);
  g_autofree char *out = g_build_filename (dir, "llama-q8.gguf", NULL);
  g_autoptr(GBytes) st = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GArray) tensors = g_array_new (FALSE, FALSE, sizeof (GgufTensor));
  g_autoptr(GError) error = NULL;
  JsonObject *header;
  gchar *contents;
  gsize len;
  guint64 n, offset = 0;
  GgufTensor t;

  g_assert_true (g_file_get_contents (st_path, &contents, &len, &error));
  st = g_bytes_new_take (contents, len);
  memcpy (&n, contents, 8);
  g_assert_true (json_parser_load_from_data (parser, contents + 8, (gssize) n, &error));
  header = json_node_get_object (json_parser_get_root (parser));

#define ADD(hf, gg, r, c, q, perm) \
  do { t = gguf_tensor (st_tensor (st, header, hf), gg, r, c, q, perm); \
       g_array_append_val (tensors, t); } while (0)
  ADD ("model.embed_tokens.weight", "token_embd.weight", 64, 32, TRUE, 0);
  ADD ("model.norm.weight", "output_norm.weight", 1, 32, FALSE, 0);
  ADD ("lm_head.weight", "output.weight", 64, 32, TRUE, 0);
  for (guint i = 0; i < 2; i++)
    {
      char hf[128], gg[128];
#define LAYER(hfn, ggn, r, c, q, perm) \
  do { g_snprintf (hf, sizeof hf, "model.layers.%u.%s", i, hfn); \
       g_snprintf (gg, sizeof gg, "blk.%u.%s", i, ggn); ADD (hf, gg, r, c, q, perm); } while (0)
      LAYER ("input_layernorm.weight", "attn_norm.weight", 1, 32, FALSE, 0);
      LAYER ("post_attention_layernorm.weight", "ffn_norm.weight", 1, 32, FALSE, 0);
      LAYER ("self_attn.q_proj.weight", "attn_q.weight", 32, 32, TRUE, 4);
      LAYER ("self_attn.k_proj.weight", "attn_k.weight", 16, 32, TRUE, 2);
      LAYER ("self_attn.v_proj.weight", "attn_v.weight", 16, 32, TRUE, 0);
      LAYER ("self_attn.o_proj.weight", "attn_output.weight", 32, 32, TRUE, 0);
      LAYER ("mlp.gate_proj.weight", "ffn_gate.weight", 32, 32, TRUE, 0);
      LAYER ("mlp.up_proj.weight", "ffn_up.weight", 32, 32, TRUE, 0);
      LAYER ("mlp.down_proj.weight", "ffn_down.weight", 32, 32, TRUE, 0);
#undef LAYER
    }
#undef ADD

  g_byte_array_append (a, (const guint8 *) "GGUF", 4);
  put_u32 (a, 3);
  put_u64 (a, tensors->len);
  put_u64 (a, 9);
  put_kv_str (a, "general.architecture", "llama");
  put_kv_u32 (a, "llama.block_count", 2);
  put_kv_u32 (a, "llama.embedding_length", 32);
  put_kv_u32 (a, "llama.attention.head_count", 4);
  put_kv_u32 (a, "llama.attention.head_count_kv", 2);
  put_kv_u32 (a, "llama.feed_forward_length", 32);
  put_kv_u32 (a, "llama.context_length", 128);
  put_kv_f32 (a, "llama.rope.freq_base", 10000.0f);
  put_kv_f32 (a, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
  for (guint i = 0; i < tensors->len; i++)
    {
      GgufTensor *x = &g_array_index (tensors, GgufTensor, i);

      put_str (a, x->name);
      put_u32 (a, x->rows == 1 ? 1 : 2);
      put_u64 (a, x->cols);
      if (x->rows != 1)
        put_u64 (a, x->rows);
      put_u32 (a, x->q8 ? 8 : 0);
      put_u64 (a, offset);
      offset += x->data->len;
      offset = (offset + 31) / 32 * 32;
    }
  while (a->len % 32 != 0)
    g_byte_array_append (a, (const guint8 *) "", 1);
  for (guint i = 0; i < tensors->len; i++)
    {
      GgufTensor *x = &g_array_index (tensors, GgufTensor, i);

      g_byte_array_append (a, x->data->data, x->data->len);
      while (i + 1 < tensors->len && a->len % 32 != 0)
        g_byte_array_append (a, (const guint8 *) "", 1);
      g_byte_array_unref (x->data);
      g_free (x->name);
    }
  g_assert_true (g_file_set_contents (out, (const char *) a->data, a->len, &error));
  return g_steal_pointer (&out);
}

static void
test_q8_gguf (void)
{
  g_autofree char *dir = g_dir_make_tmp ("uth-forward-XXXXXX", NULL);
  g_autofree char *path = write_q8_gguf (dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelWeights) w = uth_model_weights_open (file, &error);
  Expected e;

  g_assert_no_error (error);
  g_assert_cmpstr (uth_model_weights_get_dtype (w), ==, "Q8_0");
  g_assert_cmpint (uth_model_weights_get_forward (w)->config.rope_style, ==,
                   UTH_ROPE_INTERLEAVED);
  expected_load ("llama-gqa", &e);
  check_model (w, &e, 5e-2, FALSE);
  /* Token by token (each row multiplied block by block without a copy): the same logits
   * as the whole sequence at once, to float rounding. */
  {
    const UthForwardWeights *fw = uth_model_weights_get_forward (w);
    UthForward *all = uth_forward_new (fw, 64), *one = uth_forward_new (fw, 64);
    guint n = e.tokens->len;

    g_assert_cmpint (uth_forward_eval (all, (const guint32 *) e.tokens->data, n, NULL), ==,
                     UTH_FORWARD_OK);
    for (guint t = 0; t < n; t++)
      g_assert_cmpint (uth_forward_eval (one, &g_array_index (e.tokens, guint32, t), 1, NULL), ==,
                       UTH_FORWARD_OK);
    g_assert_cmpfloat (relative_error (uth_forward_logits (one), uth_forward_logits (all),
                                       fw->config.vocab), <=, 1e-5);
    uth_forward_free (all);
    uth_forward_free (one);
  }
  expected_clear (&e);
  g_clear_pointer (&w, uth_model_weights_free);
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- refusals ------------------------------------------------------------------------ */

/* A copy of the llama-gqa fixture whose config.json (or, with in_weights, the header of its
 * model.safetensors, by a text of the same length) has one text replaced. */
static UthModelWeights *
open_edited (const char *from,
             const char *to,
             gboolean    in_weights,
             GError    **error)
{
  g_autofree char *src = fixture ("llama-gqa");
  g_autofree char *dir = g_dir_make_tmp ("uth-forward-XXXXXX", NULL);
  g_autofree char *config_src = g_build_filename (src, "config.json", NULL);
  g_autofree char *model_src = g_build_filename (src, "model.safetensors", NULL);
  g_autofree char *config = g_build_filename (dir, "config.json", NULL);
  g_autofree char *model = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *text = NULL;
  g_autofree char *weights = NULL;
  g_autoptr(GString) edited = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  gsize len;
  UthModelWeights *w;

  g_assert_true (g_file_get_contents (config_src, &text, NULL, NULL));
  g_assert_true (g_file_get_contents (model_src, &weights, &len, NULL));
  edited = g_string_new (text);
  if (in_weights)
    {
      char *at = g_strstr_len (weights + 8, 4096, from);

      g_assert_nonnull (at);
      g_assert_cmpuint (strlen (from), ==, strlen (to));
      memcpy (at, to, strlen (to));
    }
  else
    {
      g_assert_nonnull (strstr (text, from));
      g_string_replace (edited, from, to, 1);
    }
  g_assert_true (g_file_set_contents (config, edited->str, -1, NULL));
  g_assert_true (g_file_set_contents (model, weights, (gssize) len, NULL));
  w = uth_model_weights_open (file, error);
  g_unlink (config);
  g_unlink (model);
  g_rmdir (dir);
  return w;
}

static void
test_refusals (void)
{
  static const struct
  {
    const char *from, *to, *message;
    gboolean    in_weights;
  } cases[] = {
    /* A third layer: its tensors are not in the file. */
    { "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3",
      "tensor 'model.layers.2.input_layernorm.weight' is missing" },
    /* gate_proj holds 32 rows, not 48. */
    { "\"intermediate_size\": 32", "\"intermediate_size\": 48",
      "tensor 'model.layers.0.mlp.gate_proj.weight' has shape [32, 32], expected [48, 32]" },
    { "\"model_type\": \"llama\"", "\"model_type\": \"gemma\"",
      "architecture 'gemma' is not supported" },
    { "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}",
      "rope_scaling of type 'yarn' is not supported" },
    /* I32 has F32's 4 bytes: the header stays valid, the type is refused. */
    { "\"model.norm.weight\":{\"dtype\":\"F32\"", "\"model.norm.weight\":{\"dtype\":\"I32\"",
      "tensor 'model.norm.weight' is stored as I32; the forward pass reads F32, F16, BF16 and "
      "GGUF's Q8_0", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UthModelWeights) w = NULL;

      w = open_edited (cases[i].from, cases[i].to, cases[i].in_weights, &error);
      g_assert_null (w);
      g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: '%s' does not say '%s'", i, error->message, cases[i].message);
    }
}

static void
test_folder_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("uth-forward-XXXXXX", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFile) missing = g_file_get_child (file, "nothing-here");
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelWeights) w = uth_model_weights_open (file, &error);

  g_assert_null (w);
  g_assert_nonnull (strstr (error->message, "no config.json"));
  g_clear_error (&error);
  w = uth_model_weights_open (missing, &error);
  g_assert_null (w);
  g_assert_nonnull (strstr (error->message, "no such file or folder"));
  g_rmdir (dir);
}

/* ---- the core's own checks --------------------------------------------------------- */

static void
test_bounds (void)
{
  g_autoptr(UthModelWeights) w = open_fixture ("gpt2");
  const UthForwardWeights *fw = uth_model_weights_get_forward (w);
  UthForward *f = uth_forward_new (fw, 64);
  guint32 tokens[17] = { 0 };
  guint32 bad = 64;   /* the vocabulary is 0 … 63 */

  g_assert_cmpint (uth_forward_eval (f, &bad, 1, NULL), ==, UTH_FORWARD_BAD_TOKEN);
  g_assert_cmpuint (uth_forward_n_past (f), ==, 0);
  /* GPT-2's position table has 16 rows. */
  g_assert_cmpint (uth_forward_eval (f, tokens, 17, NULL), ==, UTH_FORWARD_CONTEXT_FULL);
  g_assert_cmpint (uth_forward_eval (f, tokens, 16, NULL), ==, UTH_FORWARD_OK);
  g_assert_cmpint (uth_forward_eval (f, tokens, 1, NULL), ==, UTH_FORWARD_CONTEXT_FULL);
  uth_forward_free (f);
}

static void
test_conversions (void)
{
  /* f16: sign, 5 exponent bits (bias 15), 10 mantissa bits. */
  g_assert_cmpfloat (uth_half_to_float (0x3c00), ==, 1.0f);
  g_assert_cmpfloat (uth_half_to_float (0xc000), ==, -2.0f);
  g_assert_cmpfloat (uth_half_to_float (0x7bff), ==, 65504.0f);
  g_assert_cmpfloat (uth_half_to_float (0x0001), ==, ldexpf (1.0f, -24));
  g_assert_cmpfloat (uth_half_to_float (0x3555), ==, 0.333251953125f);
  g_assert_true (isinf (uth_half_to_float (0x7c00)));
  /* bf16: the top 16 bits of an f32. */
  g_assert_cmpfloat (uth_bfloat_to_float (0x3f80), ==, 1.0f);
  g_assert_cmpfloat (uth_bfloat_to_float (0xc040), ==, -3.0f);
}

static void
test_rope_frequencies (void)
{
  UthForwardConfig c = { .arch = UTH_ARCH_LLAMA, .head_dim = 8, .rope_theta = 10000.0 };
  double f[4];

  /* θ^(-2i/8): 1, 0.1, 0.01, 0.001. */
  uth_forward_rope_frequencies (&c, f);
  g_assert_cmpfloat_with_epsilon (f[1], 0.1, 1e-12);
  c.rope_scaling = UTH_ROPE_SCALING_LINEAR;
  c.rope_factor = 4.0;
  uth_forward_rope_frequencies (&c, f);
  g_assert_cmpfloat_with_epsilon (f[1], 0.025, 1e-12);
  /* llama3, original 64, low 1, high 4: wavelengths 6.3 (< 16: kept), 62.8 (between 16 and
   * 64: blended with smooth = (64 / 62.832 − 1) / 3 = 0.0061973), 628 and 6283 (> 64: / 8). */
  c.rope_scaling = UTH_ROPE_SCALING_LLAMA3;
  c.rope_factor = 8.0;
  c.rope_low_freq_factor = 1.0;
  c.rope_high_freq_factor = 4.0;
  c.rope_original_max_positions = 64.0;
  uth_forward_rope_frequencies (&c, f);
  g_assert_cmpfloat_with_epsilon (f[0], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (f[1], (1 - 0.0061973) * 0.1 / 8 + 0.0061973 * 0.1, 1e-7);
  g_assert_cmpfloat_with_epsilon (f[2], 0.01 / 8, 1e-12);
}

static void
test_sampling (void)
{
  /* Probabilities 0.5, 0.3, 0.2. */
  float logits[3] = { logf (0.5f), logf (0.3f), logf (0.2f) };
  UthSampleParams greedy = { 0.0, 0, 1.0 }, plain = { 1.0, 0, 1.0 };
  UthSampleParams top1 = { 1.0, 1, 1.0 }, nucleus = { 1.0, 0, 0.6 }, half = { 1.0, 0, 0.5 };
  UthSampleParams hot = { 2.0, 0, 1.0 };
  guint32 ids[3];
  float p[3];

  g_assert_cmpuint (uth_sample_token (logits, 3, &greedy, 0.99), ==, 0);
  /* Cumulative 0.5, 0.8, 1.0. */
  g_assert_cmpuint (uth_sample_token (logits, 3, &plain, 0.49), ==, 0);
  g_assert_cmpuint (uth_sample_token (logits, 3, &plain, 0.51), ==, 1);
  g_assert_cmpuint (uth_sample_token (logits, 3, &plain, 0.85), ==, 2);
  g_assert_cmpuint (uth_sample_token (logits, 3, &top1, 0.99), ==, 0);
  /* top_p 0.6 keeps 0.5 + 0.3 = 0.8: u 0.7 → 0.56 of 0.8, past 0.5: token 1; never 2. */
  g_assert_cmpuint (uth_sample_token (logits, 3, &nucleus, 0.7), ==, 1);
  g_assert_cmpuint (uth_sample_token (logits, 3, &nucleus, 0.999), ==, 1);
  g_assert_cmpuint (uth_sample_token (logits, 3, &half, 0.999), ==, 0);
  g_assert_cmpuint (uth_sample_token (logits, 3, &plain, 1.0), ==, 3);   /* u outside [0, 1) */
  /* T 2: p ∝ √p: 0.7071, 0.5477, 0.4472 over 1.7020. */
  g_assert_cmpuint (uth_sample_top (logits, 3, hot.temperature, 3, ids, p), ==, 3);
  g_assert_cmpuint (ids[0], ==, 0);
  g_assert_cmpuint (ids[2], ==, 2);
  g_assert_cmpfloat_with_epsilon (p[0], 0.41545, 1e-4);
  g_assert_cmpfloat_with_epsilon (p[2], 0.26276, 1e-4);
  g_assert_cmpuint (uth_sample_top (logits, 3, 1.0, 2, ids, p), ==, 2);
  g_assert_cmpfloat_with_epsilon (p[1], 0.3, 1e-6);
}

/* top-k over a shuffled vocabulary: the logit of id i is −((7919 i) mod 1000) / 10, so the
 * five best are the ids with 7919 i ≡ 0 … 4 (mod 1000): 0, 679, 358, 37, 716 (7919 × 679 =
 * 5,377,001). Every draw is one of them; u near 0 the best, u near 1 the fifth. */
static void
test_sampling_top_k (void)
{
  float logits[1000];
  guint32 best[5];
  UthSampleParams k5 = { 1.0, 5, 1.0 };

  for (guint i = 0; i < 1000; i++)
    {
      guint r = (7919u * i) % 1000u;

      logits[i] = -(float) r / 10.0f;
      if (r < 5)
        best[r] = i;
    }
  g_assert_cmpuint (best[1], ==, 679);
  g_assert_cmpuint (best[4], ==, 716);
  /* u = 0 takes the most likely; just below 1 the fifth. */
  g_assert_cmpuint (uth_sample_token (logits, 1000, &k5, 0.0), ==, best[0]);
  g_assert_cmpuint (uth_sample_token (logits, 1000, &k5, 0.999999), ==, best[4]);
  for (guint j = 0; j < 100; j++)
    {
      guint32 id = uth_sample_token (logits, 1000, &k5, j / 100.0);
      gboolean found = FALSE;

      for (guint b = 0; b < 5; b++)
        found |= id == best[b];
      g_assert_true (found);
    }
}

int
main (int    argc,
      char **argv)
{
  static const char * const fixtures[] = {
    "gpt2", "gpt2-f16", "llama-gqa", "llama-gqa-bf16", "qwen2-bias", "llama3-scaling",
    "mistral-linear", "cli-llama",
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/forward/pytorch/%s", fixtures[i]);
      g_autofree char *inc = g_strdup_printf ("/forward/incremental/%s", fixtures[i]);

      g_test_add_data_func (path, fixtures[i], test_fixture);
      g_test_add_data_func (inc, fixtures[i], test_incremental);
    }
  g_test_add_func ("/forward/bf16-tolerance", test_bf16_tolerance);
  g_test_add_func ("/forward/q8-gguf", test_q8_gguf);
  g_test_add_func ("/forward/refusals", test_refusals);
  g_test_add_func ("/forward/folder-errors", test_folder_errors);
  g_test_add_func ("/forward/bounds", test_bounds);
  g_test_add_func ("/forward/conversions", test_conversions);
  g_test_add_func ("/forward/rope-frequencies", test_rope_frequencies);
  g_test_add_func ("/forward/sampling", test_sampling);
  g_test_add_func ("/forward/sampling-top-k", test_sampling_top_k);
  return g_test_run ();
}
