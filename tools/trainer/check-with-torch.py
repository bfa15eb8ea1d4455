#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the app's own model folder (data/model) against an independent forward pass.

Reads config.json and model.safetensors the way a Hugging Face Llama reader does, runs the
Llama forward pass written here in PyTorch from its definition (RMSNorm, rotate-half RoPE
with inv_freq = theta^(-2i/d), causal softmax attention, SwiGLU, final norm, the head
tied to the embedding), in double precision, and compares its logits with those of the
trainer's own forward pass (`uth-train-model logits`). Not a meson test (it needs
python3-torch); its result is recorded in data/model/MODEL_CARD.md.

Usage: check-with-torch.py UTH_TRAIN_MODEL MODEL_DIR [PROMPT]
"""
import json
import math
import os
import struct
import subprocess
import sys

import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {info['dtype']}, this check reads F32")
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32)
        tensors[name] = t.reshape(info["shape"]).double()
    return tensors


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(cfg, w, ids):
    d = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    kv_heads = cfg["num_key_value_heads"]
    hd = cfg.get("head_dim", d // heads)
    eps = cfg["rms_norm_eps"]
    t = len(ids)
    assert kv_heads == heads
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((t, t), float("-inf"), dtype=torch.float64).triu(1)
    for layer in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(t, heads, hd).transpose(0, 1)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(t, heads, hd).transpose(0, 1)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(t, heads, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, dim=-1)
        o = (att @ v).transpose(0, 1).reshape(t, d)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (F.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    return x @ w["model.embed_tokens.weight"].T


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    exe, folder = sys.argv[1], sys.argv[2]
    prompt = sys.argv[3] if len(sys.argv) > 3 else "And God said, Let there be light: and there was light."
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["architectures"] == ["LlamaForCausalLM"] and cfg["tie_word_embeddings"]
    weights = load_safetensors(os.path.join(folder, "model.safetensors"))
    out = subprocess.run([exe, "logits", folder, "--tokenizer",
                          os.path.join(folder, "tokenizer.json"), "--prompt", prompt],
                         check=True, capture_output=True, text=True).stdout
    theirs = json.loads(out)
    ids = theirs["ids"]
    c_logits = torch.tensor(theirs["logits"], dtype=torch.float64)
    ref = forward(cfg, weights, ids)
    diff = (c_logits - ref).abs().max().item()
    scale = ref.abs().max().item()
    same_top = bool((c_logits.argmax(-1) == ref.argmax(-1)).all())
    print(f"{len(ids)} positions; largest |logit| {scale:.4f}; largest difference {diff:.3g} "
          f"({diff / scale:.3g} relative); same top token everywhere: {same_top}")
    if diff > 1e-4 * max(1.0, scale) or not same_top:
        sys.exit("check-with-torch: the trainer's forward pass and the reference disagree")


if __name__ == "__main__":
    main()
