/* SPDX-License-Identifier: GPL-3.0-or-later */
/* FLOPs and bytes of the ops of a forward pass, worked by hand: a matmul (m x k)(k x n)
 * costs 2 m k n FLOPs and reads its k x n weight once (uth-ops.c states the conventions). */
#include <glib.h>

#include "core-fixtures.h"
#include "core/uth-ops.h"

static UthWorkload
work (UthPhase phase,
      guint64  batch,
      guint64  tokens,
      guint64  context)
{
  UthWorkload w;

  memset (&w, 0, sizeof w);
  w.phase = phase;
  w.batch = batch;
  w.tokens = tokens;
  w.context = context;
  w.weights = UTH_DTYPE_BF16;
  w.kv = UTH_DTYPE_BF16;
  w.activations = UTH_DTYPE_BF16;
  w.flash_attention = true;
  w.tensor_parallel = 1;
  return w;
}

static const UthOp *
find (const UthOp *ops,
      gsize        n,
      const char  *id)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (ops[i].id, id))
      return &ops[i];
  g_error ("no op %s", id);
  return NULL;
}

static gboolean
has (const UthOp *ops,
     gsize        n,
     const char  *id)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (ops[i].id, id))
      return TRUE;
  return FALSE;
}

static void
test_pairs (void)
{
  /* Causal prefill of 4 tokens: 1 + 2 + 3 + 4 = 10 = 4 x 4 - 4 x 3 / 2. */
  g_assert_cmpfloat (uth_attention_pairs (4, 4, 0), ==, 10.0);
  /* Window 2: 1 + 2 + 2 + 2 = 7. */
  g_assert_cmpfloat (uth_attention_pairs (4, 4, 2), ==, 7.0);
  /* Three new tokens at the end of 10: 8 + 9 + 10 = 27; window 4: 4 + 4 + 4 = 12. */
  g_assert_cmpfloat (uth_attention_pairs (3, 10, 0), ==, 27.0);
  g_assert_cmpfloat (uth_attention_pairs (3, 10, 4), ==, 12.0);
  /* Queries at 3, 4, 5 with window 4: 3 + 4 + 4 = 11. */
  g_assert_cmpfloat (uth_attention_pairs (3, 5, 4), ==, 11.0);
  /* One decode token sees the whole context, or the window. */
  g_assert_cmpfloat (uth_attention_pairs (1, 1024, 0), ==, 1024.0);
  g_assert_cmpfloat (uth_attention_pairs (1, 1024, 256), ==, 256.0);
  g_assert_cmpfloat (uth_attention_pairs (0, 1024, 0), ==, 0.0);
}

/* Llama 3 8B, one decode step of one sequence with 1024 tokens in its cache. */
static void
test_decode_layer (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  UthOp ops[UTH_MAX_LAYER_OPS];
  gsize n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  const UthOp *op;

  g_assert_cmpuint (n, >, 10);
  /* Fused QKV: 4096 -> (32 + 2 x 8) x 128 = 6144; 2 x 4096 x 6144 = 50,331,648 FLOPs and as
   * many bytes of bf16 weights: intensity about 1 FLOP/byte at batch 1. */
  op = find (ops, n, "qkv_proj");
  g_assert_cmpint (op->kind, ==, UTH_OP_GEMM);
  g_assert_cmpuint (op->m, ==, 1);
  g_assert_cmpuint (op->k, ==, 4096);
  g_assert_cmpuint (op->n, ==, 6144);
  g_assert_cmpfloat (op->flops, ==, 50331648.0);
  g_assert_cmpfloat (op->weight_bytes, ==, 50331648.0);
  g_assert_cmpfloat_with_epsilon (uth_op_intensity (op), 1.0, 0.001);

  /* QK^T: 32 heads x (1 x 128)(128 x 1024): 2 x 128 x 1024 x 32 = 8,388,608 FLOPs; the K
   * cache read once per KV head: 1024 x 8 x 128 x 2 bytes = 2,097,152; the new token's
   * K and V written: 2 x 8 x 128 x 2 = 4,096 bytes. */
  op = find (ops, n, "attn_scores");
  g_assert_cmpint (op->kind, ==, UTH_OP_ATTN_MATMUL);
  g_assert_cmpuint (op->count, ==, 32);
  g_assert_cmpuint (op->m, ==, 1);
  g_assert_cmpuint (op->k, ==, 128);
  g_assert_cmpuint (op->n, ==, 1024);
  g_assert_cmpfloat (op->flops, ==, 8388608.0);
  g_assert_cmpfloat (op->kv_read_bytes, ==, 2097152.0);
  g_assert_cmpfloat (op->kv_write_bytes, ==, 4096.0);
  g_assert_cmpfloat (op->act_write_bytes, ==, 0.0);   /* flash: scores stay on chip */
  op = find (ops, n, "attn_pv");
  g_assert_cmpfloat (op->flops, ==, 8388608.0);
  g_assert_cmpfloat (op->kv_read_bytes, ==, 2097152.0);
  /* Softmax fused into the flash kernel: no bytes, no launch of its own. */
  op = find (ops, n, "attn_softmax");
  g_assert_cmpfloat (uth_op_bytes (op), ==, 0.0);
  g_assert_cmpfloat (op->kernels, ==, 0.0);

  /* SwiGLU: gate and up fused, 2 x 4096 x 28672; down 2 x 14336 x 4096. */
  g_assert_cmpfloat (find (ops, n, "mlp_gate_up")->flops, ==, 2.0 * 4096 * 28672);
  g_assert_cmpfloat (find (ops, n, "mlp_down")->weight_bytes, ==, 14336.0 * 4096 * 2);
  g_assert_true (has (ops, n, "rotary"));
  g_assert_false (has (ops, n, "attn_allreduce"));
  g_assert_cmpfloat (find (ops, n, "o_proj")->layer_kernels, >, 0.0);
}

/* Without flash attention the 1 x 32 x 1 x 1024 score matrix goes through HBM:
 * written (65,536 bytes), read and written by softmax, read by PV. */
static void
test_no_flash (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  UthOp ops[UTH_MAX_LAYER_OPS];
  gsize n;

  w.flash_attention = false;
  n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  g_assert_cmpfloat (find (ops, n, "attn_scores")->act_write_bytes, ==, 65536.0);
  g_assert_cmpfloat (find (ops, n, "attn_softmax")->act_read_bytes, ==, 65536.0);
  g_assert_cmpfloat (find (ops, n, "attn_softmax")->act_write_bytes, ==, 65536.0);
  g_assert_cmpfloat (find (ops, n, "attn_pv")->act_read_bytes, ==, 65536.0);
  g_assert_cmpfloat (find (ops, n, "attn_softmax")->kernels, ==, 1.0);
}

/* Prefill of 2 sequences of 512: causal pairs 512 x 513 / 2 = 131,328 per head, so
 * QK^T costs 2 x 128 x 131,328 x (2 x 32) = 2,151,677,952 FLOPs, half of the unmasked
 * 2 x 128 x 512 x 512 x 64. The lm-head runs on the last position of each sequence. */
static void
test_prefill (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthWorkload w = work (UTH_PHASE_PREFILL, 2, 512, 512);
  UthOp ops[UTH_MAX_MODEL_OPS];
  gsize n = uth_model_ops (&m, &w, ops, G_N_ELEMENTS (ops));
  const UthOp *op;

  g_assert_cmpuint (n, >, 0);
  op = find (ops, n, "attn_scores");
  g_assert_cmpfloat (op->flops, ==, 2151677952.0);
  g_assert_cmpuint (op->count, ==, 64);
  g_assert_cmpfloat (op->repeat, ==, 32.0);
  g_assert_cmpfloat (find (ops, n, "qkv_proj")->flops, ==, 2.0 * 1024 * 4096 * 6144);
  op = find (ops, n, "lm_head");
  g_assert_cmpint (op->kind, ==, UTH_OP_LM_HEAD);
  g_assert_cmpuint (op->m, ==, 2);
  g_assert_cmpfloat (op->flops, ==, 2.0 * 2 * 4096 * 128256);
  g_assert_cmpfloat (op->repeat, ==, 1.0);
  g_assert_cmpint (op->layer, ==, -1);
  /* Embedding: a gather of 1024 rows of 4096 bf16. */
  g_assert_cmpfloat (find (ops, n, "embedding")->weight_bytes, ==, 1024.0 * 4096 * 2);

  /* Decode (verify) with 3 new tokens per sequence: the lm-head sees all 6 rows. */
  w = work (UTH_PHASE_DECODE, 2, 3, 1024);
  n = uth_model_ops (&m, &w, ops, G_N_ELEMENTS (ops));
  g_assert_cmpuint (find (ops, n, "lm_head")->m, ==, 6);
  /* 3 queries at the end of 1024: 1022 + 1023 + 1024 = 3069 pairs per head. */
  g_assert_cmpfloat (find (ops, n, "attn_scores")->flops, ==, 2.0 * 128 * 3069 * 64);
}

/* Whole model, one token: every weight but the embedding table is read once.
 * Per layer 218,112,000 parameters x 2 bytes x 32 = 13,959,168,000; lm-head
 * 128256 x 4096 x 2 = 1,050,673,152; one embedding row and the final norm 8,192 each:
 * 15,009,857,536 bytes. KV: 1024 x 131,072 = 134,217,728. Matmul FLOPs = 2 x the
 * parameters they use: 2 x (8,030,261,248 - 525,336,576 embedding - 266,240 norm
 * weights) = 15,009,316,864. */
static void
test_model_totals (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  UthOp ops[UTH_MAX_MODEL_OPS];
  gsize n = uth_model_ops (&m, &w, ops, G_N_ELEMENTS (ops));
  UthOpTotals t = uth_ops_total (ops, n);
  double gemm_flops = 0.0;

  g_assert_cmpfloat (t.weight_bytes, ==, 15009857536.0);
  g_assert_cmpfloat (t.kv_read_bytes, ==, 134217728.0);
  for (gsize i = 0; i < n; i++)
    if (ops[i].kind == UTH_OP_GEMM || ops[i].kind == UTH_OP_LM_HEAD)
      gemm_flops += ops[i].flops * ops[i].repeat;
  g_assert_cmpfloat (gemm_flops, ==, 15009316864.0);
  g_assert_cmpfloat (t.flops, >, gemm_flops);
  g_assert_cmpfloat (t.group_flops[UTH_OP_GROUP_MLP], ==,
                     32.0 * (2.0 * 176160768.0 + 5.0 * 14336));
}

static void
test_tensor_parallel (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  UthOp ops[UTH_MAX_LAYER_OPS];
  gsize n;
  const UthOp *op;

  w.tensor_parallel = 2;
  n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  /* Half the heads on each GPU: (16 + 2 x 4) x 128 columns. */
  g_assert_cmpfloat (find (ops, n, "qkv_proj")->weight_bytes, ==, 4096.0 * 3072 * 2);
  g_assert_cmpfloat (find (ops, n, "attn_scores")->kv_read_bytes, ==, 1024.0 * 4 * 128 * 2);
  /* Two all-reduces of 1 x 4096 bf16 = 8,192 bytes; a ring sends 2 (2 - 1) / 2 of it. */
  op = find (ops, n, "attn_allreduce");
  g_assert_cmpint (op->kind, ==, UTH_OP_COMM);
  g_assert_cmpfloat (op->comm_bytes, ==, 8192.0);
  g_assert_true (has (ops, n, "mlp_allreduce"));
  /* Eight GPUs: 2 x 7 / 8 x 8,192 = 14,336. */
  w.tensor_parallel = 8;
  n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  g_assert_cmpfloat (find (ops, n, "mlp_allreduce")->comm_bytes, ==, 14336.0);
  /* Sixteen GPUs: 2 query heads each, the 8 KV heads replicated one per GPU. */
  w.tensor_parallel = 16;
  n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  g_assert_cmpfloat (find (ops, n, "qkv_proj")->weight_bytes, ==, 4096.0 * 4 * 128 * 2);
  /* Three GPUs cannot split 32 heads. */
  w.tensor_parallel = 3;
  g_assert_cmpint (uth_workload_validate (&m, &w), ==, UTH_OPS_BAD_TP);
  g_assert_cmpuint (uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops)), ==, 0);
}

/* Mixtral: batch 1 reads its 2 experts; batch 4 touches 8 (1 - (6/8)^4) = 5.46875
 * experts on average, each 4096 x 28672 x 2 bytes of gate/up weights. */
static void
test_moe (void)
{
  UthModel m = fixture_mixtral_8x7b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  UthOp ops[UTH_MAX_LAYER_OPS];
  gsize n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  double expert = 4096.0 * 28672 * 2;

  g_assert_cmpfloat (find (ops, n, "experts_gate_up")->weight_bytes, ==, 2.0 * expert);
  g_assert_cmpfloat (find (ops, n, "router")->flops, ==, 2.0 * 4096 * 8);
  w.batch = 4;
  n = uth_layer_ops (&m, &w, 0, ops, G_N_ELEMENTS (ops));
  g_assert_cmpfloat_with_epsilon (find (ops, n, "experts_gate_up")->weight_bytes,
                                  5.46875 * expert, 1.0);
  /* FLOPs follow the 8 assignments, not the experts read. */
  g_assert_cmpfloat (find (ops, n, "experts_gate_up")->flops, ==, 2.0 * 8 * 4096 * 28672);
  g_assert_false (has (ops, n, "mlp_gate_up"));
}

/* DeepSeek-V3: 3 dense layers and 58 MoE layers; MLA decode reads the latent cache once:
 * 4096 x (512 + 64) x 2 = 4,718,592 bytes per layer for one sequence. */
static void
test_mla (void)
{
  UthModel m = fixture_deepseek_v3 ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 4096);
  UthOp ops[UTH_MAX_MODEL_OPS];
  gsize n = uth_model_ops (&m, &w, ops, G_N_ELEMENTS (ops));
  UthOpTotals t;
  double dense = 0.0, moe = 0.0;

  g_assert_cmpuint (n, >, 0);
  for (gsize i = 0; i < n; i++)
    {
      if (g_str_equal (ops[i].id, "mlp_down"))
        dense = ops[i].repeat;
      if (g_str_equal (ops[i].id, "experts_down"))
        moe = ops[i].repeat;
    }
  g_assert_cmpfloat (dense, ==, 3.0);
  g_assert_cmpfloat (moe, ==, 58.0);
  g_assert_cmpfloat (find (ops, n, "attn_scores")->kv_read_bytes, ==, 4718592.0);
  g_assert_cmpfloat (find (ops, n, "attn_pv")->kv_read_bytes, ==, 0.0);
  t = uth_ops_total (ops, n);
  g_assert_cmpfloat (t.kv_read_bytes, ==, 61.0 * 4718592.0);
  /* Prefill expands the latent into per-head keys instead. */
  w = work (UTH_PHASE_PREFILL, 1, 256, 256);
  n = uth_model_ops (&m, &w, ops, G_N_ELEMENTS (ops));
  g_assert_true (has (ops, n, "kv_b_proj"));
  g_assert_false (has (ops, n, "q_absorb"));
}

static void
test_gpt2_and_gemma (void)
{
  UthModel g = fixture_gpt_2 ();
  UthModel gemma = fixture_gemma_2_9b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 8192);
  UthOp ops[UTH_MAX_MODEL_OPS];
  gsize n;
  guint kinds = 0;

  /* Learned positions: no rotary; the embedding gathers a token and a position row. */
  w.context = 1024;
  n = uth_model_ops (&g, &w, ops, G_N_ELEMENTS (ops));
  g_assert_false (has (ops, n, "rotary"));
  g_assert_cmpfloat (find (ops, n, "embedding")->weight_bytes, ==, 2.0 * 768 * 2);
  g_assert_true (has (ops, n, "mlp_up"));

  /* Gemma 2: two kinds of layer (sliding, global), 21 each; four norms per layer. */
  w.context = 8192;
  n = uth_model_ops (&gemma, &w, ops, G_N_ELEMENTS (ops));
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (ops[i].id, "attn_scores"))
      {
        kinds++;
        g_assert_cmpfloat (ops[i].repeat, ==, 21.0);
        /* Sliding layer 0 reads 4096 keys, the global layer 1 all 8192. */
        g_assert_cmpuint (ops[i].n, ==, ops[i].layer == 0 ? 4096 : 8192);
      }
  g_assert_cmpuint (kinds, ==, 2);
  g_assert_true (has (ops, n, "attn_post_norm"));
}

static void
test_invalid (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthWorkload w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  UthOp ops[UTH_MAX_MODEL_OPS];

  w.batch = 0;
  g_assert_cmpuint (uth_model_ops (&m, &w, ops, G_N_ELEMENTS (ops)), ==, 0);
  w = work (UTH_PHASE_DECODE, 1, 8, 4);     /* more new tokens than context */
  g_assert_cmpint (uth_workload_validate (&m, &w), ==, UTH_OPS_BAD_WORKLOAD);
  w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  w.weights = UTH_DTYPE_TF32;               /* not a storage type */
  g_assert_cmpint (uth_workload_validate (&m, &w), ==, UTH_OPS_BAD_WORKLOAD);
  w = work (UTH_PHASE_DECODE, 1, 1, 1024);
  /* Too small a buffer yields nothing rather than a truncated list. */
  g_assert_cmpuint (uth_model_ops (&m, &w, ops, 5), ==, 0);
  g_assert_cmpuint (uth_layer_ops (&m, &w, 32, ops, G_N_ELEMENTS (ops)), ==, 0);
  m.hidden = 0;
  g_assert_cmpint (uth_workload_validate (&m, &w), ==, UTH_OPS_BAD_MODEL);
  g_assert_cmpstr (uth_op_kind_id (UTH_OP_LM_HEAD), ==, "lm-head");
  g_assert_cmpstr (uth_op_kind_id (UTH_N_OP_KINDS), ==, "unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/attention-pairs", test_pairs);
  g_test_add_func ("/ops/decode-layer", test_decode_layer);
  g_test_add_func ("/ops/no-flash", test_no_flash);
  g_test_add_func ("/ops/prefill", test_prefill);
  g_test_add_func ("/ops/model-totals", test_model_totals);
  g_test_add_func ("/ops/tensor-parallel", test_tensor_parallel);
  g_test_add_func ("/ops/moe", test_moe);
  g_test_add_func ("/ops/mla", test_mla);
  g_test_add_func ("/ops/gpt2-gemma", test_gpt2_and_gemma);
  g_test_add_func ("/ops/invalid", test_invalid);
  return g_test_run ();
}
