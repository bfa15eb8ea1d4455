/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Models and GPUs written out by hand for the core tests, so that the core's tests do not
 * depend on the catalog. Each number is copied from the cited primary source. */
#pragma once

#include <string.h>

#include "core/uth-engine.h"
#include "core/uth-gpu.h"
#include "core/uth-model.h"

/* https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/config.json */
static inline UthModel
fixture_llama_3_8b (void)
{
  UthModel m;

  memset (&m, 0, sizeof m);
  m.hidden = 4096; m.layers = 32; m.heads = 32; m.kv_heads = 8; m.head_dim = 128;
  m.ffn = 14336; m.gated_mlp = true; m.vocab = 128256; m.tied_embeddings = false;
  m.norm = UTH_NORM_RMS; m.norms_per_layer = 2; m.attention = UTH_ATTN_GQA;
  m.max_context = 8192;
  return m;
}

/* https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json */
static inline UthModel
fixture_llama_2_7b (void)
{
  UthModel m = fixture_llama_3_8b ();

  m.kv_heads = 32; m.ffn = 11008; m.vocab = 32000; m.attention = UTH_ATTN_MHA;
  m.max_context = 4096;
  return m;
}

/* https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json */
static inline UthModel
fixture_mixtral_8x7b (void)
{
  UthModel m = fixture_llama_3_8b ();

  m.vocab = 32000; m.experts = 8; m.active_experts = 2; m.expert_ffn = 14336;
  m.max_context = 32768;
  return m;
}

/* https://huggingface.co/mistralai/Mistral-7B-v0.1/blob/main/config.json:
 * sliding_window 4096 in every layer. */
static inline UthModel
fixture_mistral_7b (void)
{
  UthModel m = fixture_llama_3_8b ();

  m.vocab = 32000; m.sliding_window = 4096; m.sliding_layers = 32;
  m.max_context = 32768;
  return m;
}

/* https://huggingface.co/openai-community/gpt2/blob/main/config.json: n_embd 768,
 * n_layer 12, n_head 12, n_inner 4 x 768, vocab 50257, n_positions 1024, LayerNorm,
 * biases everywhere, tied lm-head. */
static inline UthModel
fixture_gpt_2 (void)
{
  UthModel m;

  memset (&m, 0, sizeof m);
  m.hidden = 768; m.layers = 12; m.heads = 12; m.kv_heads = 12; m.head_dim = 64;
  m.ffn = 3072; m.gated_mlp = false; m.vocab = 50257; m.tied_embeddings = true;
  m.learned_positions = 1024; m.norm = UTH_NORM_LAYER; m.norms_per_layer = 2;
  m.qkv_bias = true; m.out_bias = true; m.mlp_bias = true; m.attention = UTH_ATTN_MHA;
  m.max_context = 1024;
  return m;
}

/* https://huggingface.co/google/gemma-2-9b/blob/main/config.json: head_dim 256 (not
 * 3584 / 16), four norms per layer, tied, sliding window 4096 on every other layer. */
static inline UthModel
fixture_gemma_2_9b (void)
{
  UthModel m;

  memset (&m, 0, sizeof m);
  m.hidden = 3584; m.layers = 42; m.heads = 16; m.kv_heads = 8; m.head_dim = 256;
  m.ffn = 14336; m.gated_mlp = true; m.vocab = 256000; m.tied_embeddings = true;
  m.norm = UTH_NORM_RMS; m.norms_per_layer = 4; m.attention = UTH_ATTN_GQA;
  m.sliding_window = 4096; m.sliding_layers = 21; m.max_context = 8192;
  return m;
}

/* https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json: MLA with
 * q_lora_rank 1536, kv_lora_rank 512, rope 64, nope 128, v 128; 3 dense layers of
 * 18432, then 256 routed experts (8 active) + 1 shared of 2048; router bias. head_dim is
 * the query/key head width, nope + rope = 192, as the bundled catalog has it. */
static inline UthModel
fixture_deepseek_v3 (void)
{
  UthModel m;

  memset (&m, 0, sizeof m);
  m.hidden = 7168; m.layers = 61; m.heads = 128; m.kv_heads = 128; m.head_dim = 192;
  m.ffn = 18432; m.gated_mlp = true; m.vocab = 129280; m.tied_embeddings = false;
  m.norm = UTH_NORM_RMS; m.norms_per_layer = 2;
  m.experts = 256; m.active_experts = 8; m.shared_experts = 1; m.expert_ffn = 2048;
  m.dense_layers = 3; m.router_bias = true;
  m.attention = UTH_ATTN_MLA; m.q_lora_rank = 1536; m.kv_lora_rank = 512;
  m.qk_rope_dim = 64; m.qk_nope_dim = 128; m.v_head_dim = 128;
  m.max_context = 163840;
  return m;
}

/* https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet
 * (H100 SXM5: dense bf16 989.4 TFLOP/s, i.e. the sparse 1979 halved; 3.35 TB/s). */
static inline UthGpu
fixture_h100_sxm (void)
{
  UthGpu g;

  memset (&g, 0, sizeof g);
  g.peak_flops[UTH_DTYPE_FP32] = 66.9e12;
  g.peak_flops[UTH_DTYPE_TF32] = 494.7e12;
  g.peak_flops[UTH_DTYPE_BF16] = 989.4e12;
  g.peak_flops[UTH_DTYPE_FP16] = 989.4e12;
  g.peak_flops[UTH_DTYPE_FP8] = 1978.9e12;
  g.peak_flops[UTH_DTYPE_INT8] = 1978.9e12;
  g.memory_bytes = 85899345920.0;
  g.memory_bandwidth = 3.35e12;
  g.sms = 132;
  g.l2_bytes = 52428800.0;
  g.smem_per_sm_bytes = 233472.0;
  g.interconnect_bandwidth = 450e9;
  g.price_per_hour = 2.99;
  return g;
}

/* https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/
 * nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf (SXM 80GB: bf16 312 TFLOP/s dense,
 * 2,039 GB/s). */
static inline UthGpu
fixture_a100_sxm_80gb (void)
{
  UthGpu g;

  memset (&g, 0, sizeof g);
  g.peak_flops[UTH_DTYPE_FP32] = 19.5e12;
  g.peak_flops[UTH_DTYPE_TF32] = 156e12;
  g.peak_flops[UTH_DTYPE_BF16] = 312e12;
  g.peak_flops[UTH_DTYPE_FP16] = 312e12;
  g.peak_flops[UTH_DTYPE_INT8] = 624e12;
  g.memory_bytes = 85899345920.0;
  g.memory_bandwidth = 2.039e12;
  g.sms = 108;
  g.l2_bytes = 41943040.0;
  g.smem_per_sm_bytes = 167936.0;
  g.interconnect_bandwidth = 300e9;
  g.price_per_hour = 1.79;
  return g;
}
