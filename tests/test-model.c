/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exact parameter counts and KV-cache sizes, worked by hand from each model's config.json
 * (the fixtures cite them). */
#include <glib.h>

#include "core-fixtures.h"

typedef struct
{
  const char *name;
  UthModel  (*make) (void);
  guint64     params;
  guint64     active;
} ParamCase;

/* llama-3-8b: per layer q 4096x4096 + k, v 4096x1024 each + o 4096x4096 = 41,943,040,
 *   MLP 3 x 4096 x 14336 = 176,160,768, 2 RMSNorms 8,192: 218,112,000 x 32 = 6,979,584,000;
 *   embedding and lm-head 128256 x 4096 x 2 = 1,050,673,152; final norm 4,096.
 *   Total 8,030,261,248: Meta's published count.
 * llama-2-7b: (67,108,864 + 135,266,304 + 8,192) x 32 + 32000 x 4096 x 2 + 4096
 *   = 6,738,415,616 (Meta's published count).
 * mixtral-8x7b: (41,943,040 + 8 x 176,160,768 + router 4096 x 8 + 8,192) x 32
 *   + 32000 x 4096 x 2 + 4096 = 46,702,792,704; active: 2 experts instead of 8,
 *   (41,943,040 + 352,321,536 + 32,768 + 8,192) x 32 + 262,148,096 = 12,879,925,248.
 * gpt-2: per layer attention 4 x 768^2 + 2304 + 768 = 2,362,368, MLP 2 x 768 x 3072
 *   + 3072 + 768 = 4,722,432, 2 LayerNorms 3,072: 7,087,872 x 12 = 85,054,464;
 *   tokens 50257 x 768 + positions 1024 x 768 = 39,383,808 (lm-head tied); final
 *   LayerNorm 1,536. Total 124,439,808 (the 124M of the GPT-2 small release).
 * gemma-2-9b: q 3584 x 4096 + k, v 3584 x 2048 each + o 4096 x 3584 = 44,040,192,
 *   MLP 3 x 3584 x 14336 = 154,140,672, 4 norms 14,336: 198,195,200 x 42
 *   = 8,324,198,400; tied embedding 256000 x 3584 = 917,504,000; final norm 3,584.
 *   Total 9,241,705,984 (Google's reported 9.24B).
 * deepseek-v3 (without the multi-token-prediction module):
 *   MLA q_a 7168 x 1536 = 11,010,048, q_a_norm 1,536, q_b 1536 x 128 x 192 = 37,748,736,
 *   kv_a 7168 x 576 = 4,128,768, kv_a_norm 512, kv_b 512 x 128 x 256 = 16,777,216,
 *   o 128 x 128 x 7168 = 117,440,512: 187,107,328; norms 14,336.
 *   Dense layer MLP 3 x 7168 x 18432 = 396,361,728: layer 583,483,392, x 3.
 *   MoE layer: 257 experts of 3 x 7168 x 2048 = 44,040,192 (256 routed + 1 shared)
 *   = 11,318,329,344, router 7168 x 256 + 256 = 1,835,264: layer 11,507,286,272, x 58.
 *   Embedding and head 129280 x 7168 x 2 = 1,853,358,080; final norm 7,168.
 *   Total 671,026,419,200 (DeepSeek's "671B"); active with 8 + 1 experts:
 *   (187,107,328 + 14,336 + 9 x 44,040,192 + 1,835,264) x 58 + 1,750,450,176
 *   + 1,853,365,248 = 37,552,297,472 (DeepSeek's "37B activated"). */
static const ParamCase param_cases[] = {
  { "llama-3-8b", fixture_llama_3_8b, 8030261248u, 8030261248u },
  { "llama-2-7b", fixture_llama_2_7b, 6738415616u, 6738415616u },
  { "mixtral-8x7b", fixture_mixtral_8x7b, 46702792704u, 12879925248u },
  { "gpt-2", fixture_gpt_2, 124439808u, 124439808u },
  { "gemma-2-9b", fixture_gemma_2_9b, 9241705984u, 9241705984u },
  { "deepseek-v3", fixture_deepseek_v3, 671026419200u, 37552297472u },
};

static void
test_params (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (param_cases); i++)
    {
      UthModel m = param_cases[i].make ();

      g_test_message ("%s", param_cases[i].name);
      g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_OK);
      g_assert_cmpuint (uth_model_params (&m), ==, param_cases[i].params);
      g_assert_cmpuint (uth_model_active_params (&m), ==, param_cases[i].active);
    }
}

static void
test_layer_breakdown (void)
{
  UthModel ds = fixture_deepseek_v3 ();
  UthModel gpt = fixture_gpt_2 ();
  UthLayerParams dense = uth_model_layer_params (&ds, 0);
  UthLayerParams moe = uth_model_layer_params (&ds, 3);
  UthLayerParams g = uth_model_layer_params (&gpt, 5);
  UthLayerParams out = uth_model_layer_params (&ds, 61);

  /* The numbers of the comment above. */
  g_assert_cmpuint (dense.attention, ==, 187107328u);
  g_assert_cmpuint (dense.mlp, ==, 396361728u);
  g_assert_cmpuint (dense.mlp_active, ==, 396361728u);
  g_assert_cmpuint (moe.mlp, ==, 11320164608u);
  g_assert_cmpuint (moe.mlp_active, ==, 9u * 44040192u + 1835264u);
  g_assert_cmpuint (moe.norms, ==, 14336u);
  g_assert_cmpuint (g.attention, ==, 2362368u);
  g_assert_cmpuint (g.mlp, ==, 4722432u);
  g_assert_cmpuint (g.norms, ==, 3072u);
  /* A layer beyond the model is empty, not garbage. */
  g_assert_cmpuint (out.attention + out.mlp + out.norms, ==, 0);

  g_assert_cmpuint (uth_model_embedding_params (&gpt), ==, 39383808u);
  g_assert_cmpuint (uth_model_lm_head_params (&gpt), ==, 0u);
  g_assert_cmpuint (uth_model_final_norm_params (&gpt), ==, 1536u);
  g_assert_cmpuint (uth_model_lm_head_params (&ds), ==, 926679040u);
}

static void
test_kv_bytes (void)
{
  UthModel l3 = fixture_llama_3_8b ();
  UthModel l2 = fixture_llama_2_7b ();
  UthModel ds = fixture_deepseek_v3 ();
  UthModel gemma = fixture_gemma_2_9b ();
  UthModel mistral = fixture_mistral_7b ();

  /* 2 (K, V) x 32 layers x 8 KV heads x 128 x 2 bytes = 131,072. */
  g_assert_cmpfloat (uth_model_kv_bytes_per_token (&l3, 2.0), ==, 131072.0);
  /* fp8: half of it. */
  g_assert_cmpfloat (uth_model_kv_bytes_per_token (&l3, 1.0), ==, 65536.0);
  /* MHA: 2 x 32 x 32 x 128 x 2 = 524,288 (the calibration file's kv_bytes_per_token). */
  g_assert_cmpfloat (uth_model_kv_bytes_per_token (&l2, 2.0), ==, 524288.0);
  /* MLA caches the latent and the rope key: (512 + 64) x 61 layers x 2 bytes = 70,272. */
  g_assert_cmpuint (uth_model_kv_elements_per_token (&ds), ==, 576u * 61u);
  g_assert_cmpfloat (uth_model_kv_bytes_per_token (&ds, 2.0), ==, 70272.0);

  /* Full context below the window: every layer keeps every token. */
  g_assert_cmpfloat (uth_model_kv_bytes_at_context (&l3, 2.0, 1000), ==, 131072.0 * 1000);
  g_assert_cmpfloat (uth_model_kv_bytes_at_context (&gemma, 2.0, 2048), ==,
                     uth_model_kv_bytes_per_token (&gemma, 2.0) * 2048);
  /* Gemma 2 9B at 8192 tokens: 2 x 8 x 256 x 2 = 8,192 bytes per token per layer;
   * 21 global layers keep 8192 tokens, 21 sliding layers 4096:
   * 8192 x (21 x 8192 + 21 x 4096) = 2,113,929,216. */
  g_assert_cmpfloat (uth_model_kv_bytes_at_context (&gemma, 2.0, 8192), ==, 2113929216.0);
  /* Mistral 7B v0.1 windows every layer at 4096: 32 x 4096 x 4096 bytes at any length. */
  g_assert_cmpfloat (uth_model_kv_bytes_at_context (&mistral, 2.0, 32768), ==, 536870912.0);
  g_assert_cmpfloat (uth_model_kv_bytes_at_context (&mistral, 2.0, 4096), ==, 536870912.0);
}

static void
test_sliding_layers (void)
{
  UthModel gemma = fixture_gemma_2_9b ();
  UthModel mistral = fixture_mistral_7b ();
  UthModel l3 = fixture_llama_3_8b ();
  guint n = 0;

  /* Gemma 2: local, global, local, ... (transformers' Gemma2 is_sliding = not layer % 2). */
  g_assert_true (uth_model_layer_is_sliding (&gemma, 0));
  g_assert_false (uth_model_layer_is_sliding (&gemma, 1));
  g_assert_true (uth_model_layer_is_sliding (&gemma, 40));
  g_assert_false (uth_model_layer_is_sliding (&gemma, 41));
  for (guint i = 0; i < gemma.layers; i++)
    n += uth_model_layer_is_sliding (&gemma, i);
  g_assert_cmpuint (n, ==, 21);
  g_assert_true (uth_model_layer_is_sliding (&mistral, 0));
  g_assert_true (uth_model_layer_is_sliding (&mistral, 31));
  g_assert_false (uth_model_layer_is_sliding (&l3, 0));
}

static void
test_attention_kind (void)
{
  UthModel m = fixture_llama_3_8b ();

  g_assert_cmpint (uth_model_attention_kind (&m), ==, UTH_ATTN_GQA);
  m.kv_heads = 32;
  g_assert_cmpint (uth_model_attention_kind (&m), ==, UTH_ATTN_MHA);
  m.kv_heads = 1;
  g_assert_cmpint (uth_model_attention_kind (&m), ==, UTH_ATTN_MQA);
  m = fixture_deepseek_v3 ();
  g_assert_cmpint (uth_model_attention_kind (&m), ==, UTH_ATTN_MLA);
}

static void
test_invalid (void)
{
  UthModel m;

  g_assert_cmpint (uth_model_validate (NULL), ==, UTH_MODEL_ZERO_FIELD);

  m = fixture_llama_3_8b ();
  m.hidden = 0;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_ZERO_FIELD);
  /* An invalid model counts nothing rather than garbage. */
  g_assert_cmpuint (uth_model_params (&m), ==, 0);
  g_assert_cmpfloat (uth_model_kv_bytes_per_token (&m, 2.0), ==, 0.0);

  m = fixture_llama_3_8b ();
  m.kv_heads = 5;          /* does not divide 32 */
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_BAD_KV_HEADS);
  m.kv_heads = 64;         /* more than the query heads */
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_BAD_KV_HEADS);
  m.kv_heads = 0;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_BAD_KV_HEADS);

  m = fixture_mixtral_8x7b ();
  m.active_experts = 9;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_BAD_MOE);
  m.active_experts = 2;
  m.expert_ffn = 0;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_BAD_MOE);

  m = fixture_deepseek_v3 ();
  m.kv_lora_rank = 0;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_BAD_MLA);

  m = fixture_llama_3_8b ();
  m.hidden = 1u << 30;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_TOO_LARGE);
  m = fixture_llama_3_8b ();
  m.layers = 100000;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_TOO_LARGE);
}

/* Each dimension within its limit is not enough: the count is checked on the products,
 * which never wrap. Issue 19's config.json: hidden 2^24, heads 2^24 of width 2^24, 4096
 * layers: q and o alone are 2 x 2^24 x 2^48 = 2^73 per layer, far beyond 2^64 (the old
 * arithmetic wrapped to 3.459e18). */
static void
test_no_overflow (void)
{
  UthModel m = fixture_llama_3_8b ();

  m.layers = 4096;
  m.hidden = 1u << 24;
  m.heads = 1u << 24;
  m.kv_heads = 1u << 24;
  m.head_dim = 1u << 24;
  m.ffn = 1u << 24;
  m.vocab = 1u << 24;
  m.attention = uth_model_attention_kind (&m);
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_TOO_MANY_PARAMS);
  g_assert_cmpuint (uth_model_params (&m), ==, 0);
  g_assert_cmpuint (uth_model_layer_params (&m, 0).attention, ==, 0);

  /* Dense MLPs only: 4096 x 3 x 2^24 x 2^24 = 3.5e18, inside 64 bits but above 2^53. */
  m = fixture_llama_3_8b ();
  m.layers = 4096;
  m.hidden = 1u << 24;
  m.ffn = 1u << 24;
  m.heads = 1;
  m.kv_heads = 1;
  m.head_dim = 1;
  m.vocab = 1;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_TOO_MANY_PARAMS);

  /* Just below the limit, the count is exact: 256 layers of 3 x 2^24 x 2^20 (MLP) +
   * 4 x 2^24 (q, k, v, o of one head of width 1) + 2 x 2^24 (norms); embedding and head
   * 2 x 2^24, final norm 2^24:
   * 256 x (3 x 2^44 + 6 x 2^24) + 3 x 2^24 = 3 x 2^52 + 1,536 x 2^24 + 3 x 2^24
   * = 13,510,798,882,111,488 + 25,769,803,776 + 50,331,648 = 13,510,824,702,246,912,
   * above 2^53 (9,007,199,254,740,992): refused. With 128 layers the layers hold half
   * of that, 3 x 2^51 + 768 x 2^24, plus the same 3 x 2^24: 6,755,399,441,055,744 +
   * 12,935,233,536 (below 2^53): accepted, and counted exactly. */
  m.layers = 256;
  m.ffn = 1u << 20;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_TOO_MANY_PARAMS);
  m.layers = 128;
  g_assert_cmpint (uth_model_validate (&m), ==, UTH_MODEL_OK);
  g_assert_cmpuint (uth_model_params (&m), ==,
                    3 * (G_GUINT64_CONSTANT (1) << 51) + 771 * (G_GUINT64_CONSTANT (1) << 24));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/params", test_params);
  g_test_add_func ("/model/layer-breakdown", test_layer_breakdown);
  g_test_add_func ("/model/kv-bytes", test_kv_bytes);
  g_test_add_func ("/model/sliding-layers", test_sliding_layers);
  g_test_add_func ("/model/attention-kind", test_attention_kind);
  g_test_add_func ("/model/invalid", test_invalid);
  g_test_add_func ("/model/no-overflow", test_no_overflow);
  return g_test_run ();
}
