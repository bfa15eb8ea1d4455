#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes tests/data/forward/: tiny random-weight models in the Hugging Face layout
(config.json + model.safetensors) with what PyTorch computes for a fixed token sequence
(expected.json: logits of every position, attention weights of every layer and head, the
residual stream's norm after the embedding and after each layer).

The reference below is written from the architectures' definitions with plain torch ops
in float64, independently of the app's C (no transformers package). Run it with Debian's
python3-torch:

    /usr/bin/python3 tools/gen-forward-fixtures.py [OUTPUT_DIR]

The output is deterministic (a fixed seed per model); the tests read it, they never run it.
"""

import json
import math
import os
import struct
import sys

import torch

DT = torch.float64


def rand(gen, *shape, scale=0.3):
    return (torch.randn(*shape, generator=gen, dtype=torch.float32) * scale)


# ---- safetensors ------------------------------------------------------------------------

ST_DTYPES = {torch.float32: ("F32", 4), torch.float16: ("F16", 2), torch.bfloat16: ("BF16", 2)}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype("<f2").tobytes()
    return t.numpy().astype("<f4").tobytes()


def write_safetensors(path, tensors):
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        data = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPES[t.dtype][0], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---- the reference ----------------------------------------------------------------------

def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def causal_attention(q, k, v):
    """q [H, T, d], k and v [H, T, d] (kv heads already repeated): weights [H, T, T], out."""
    T = q.shape[1]
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(mask, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return w, w @ v


def gpt2_reference(cfg, p, tokens):
    H, nh = cfg["n_embd"], cfg["n_head"]
    d = H // nh
    eps = cfg["layer_norm_epsilon"]
    T = len(tokens)
    g = {k: v.to(DT) for k, v in p.items()}
    x = g["wte.weight"][tokens] + g["wpe.weight"][:T]
    norms = [x.norm(dim=-1)]
    atts = []
    for i in range(cfg["n_layer"]):
        pre = f"h.{i}."
        h = layer_norm(x, g[pre + "ln_1.weight"], g[pre + "ln_1.bias"], eps)
        # Conv1D: y = x @ W + b with W stored [in, out].
        qkv = h @ g[pre + "attn.c_attn.weight"] + g[pre + "attn.c_attn.bias"]
        q, k, v = qkv.split(H, dim=-1)
        heads = lambda t: t.view(T, nh, d).transpose(0, 1)
        w, o = causal_attention(heads(q), heads(k), heads(v))
        atts.append(w)
        o = o.transpose(0, 1).reshape(T, H)
        x = x + o @ g[pre + "attn.c_proj.weight"] + g[pre + "attn.c_proj.bias"]
        h = layer_norm(x, g[pre + "ln_2.weight"], g[pre + "ln_2.bias"], eps)
        m = gelu_tanh(h @ g[pre + "mlp.c_fc.weight"] + g[pre + "mlp.c_fc.bias"])
        x = x + m @ g[pre + "mlp.c_proj.weight"] + g[pre + "mlp.c_proj.bias"]
        norms.append(x.norm(dim=-1))
    x = layer_norm(x, g["ln_f.weight"], g["ln_f.bias"], eps)
    logits = x @ g["wte.weight"].T
    return logits, torch.stack(atts), torch.stack(norms)


def rope_inv_freq(cfg, d):
    theta = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=DT) / d))
    rs = cfg.get("rope_scaling")
    if not rs:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    factor = rs["factor"]
    if kind == "linear":
        return inv / factor
    assert kind == "llama3"
    low, high = rs["low_freq_factor"], rs["high_freq_factor"]
    old = rs["original_max_position_embeddings"]
    out = []
    for f in inv.tolist():
        wavelen = 2 * math.pi / f
        if wavelen < old / high:
            out.append(f)
        elif wavelen > old / low:
            out.append(f / factor)
        else:
            s = (old / wavelen - low) / (high - low)
            out.append((1 - s) * f / factor + s * f)
    return torch.tensor(out, dtype=DT)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def llama_reference(cfg, p, tokens):
    H = cfg["hidden_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim", H // nh)
    eps = cfg["rms_norm_eps"]
    T = len(tokens)
    g = {k: v.to(DT) for k, v in p.items()}
    inv = rope_inv_freq(cfg, d)
    ang = torch.arange(T, dtype=DT)[:, None] * inv[None, :]
    cos = torch.cat((ang.cos(), ang.cos()), dim=-1)
    sin = torch.cat((ang.sin(), ang.sin()), dim=-1)
    x = g["model.embed_tokens.weight"][tokens]
    norms = [x.norm(dim=-1)]
    atts = []

    def lin(name, h):
        y = h @ g[name + ".weight"].T
        if name + ".bias" in g:
            y = y + g[name + ".bias"]
        return y

    for i in range(cfg["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        h = rms_norm(x, g[pre + "input_layernorm.weight"], eps)
        q = lin(pre + "self_attn.q_proj", h).view(T, nh, d).transpose(0, 1)
        k = lin(pre + "self_attn.k_proj", h).view(T, nkv, d).transpose(0, 1)
        v = lin(pre + "self_attn.v_proj", h).view(T, nkv, d).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = nh // nkv
        k = k.repeat_interleave(rep, dim=0)
        v = v.repeat_interleave(rep, dim=0)
        w, o = causal_attention(q, k, v)
        atts.append(w)
        x = x + lin(pre + "self_attn.o_proj", o.transpose(0, 1).reshape(T, nh * d))
        h = rms_norm(x, g[pre + "post_attention_layernorm.weight"], eps)
        gate = lin(pre + "mlp.gate_proj", h)
        m = gate * torch.sigmoid(gate) * lin(pre + "mlp.up_proj", h)
        x = x + lin(pre + "mlp.down_proj", m)
        norms.append(x.norm(dim=-1))
    x = rms_norm(x, g["model.norm.weight"], eps)
    head = g["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else g["lm_head.weight"]
    return x @ head.T, torch.stack(atts), torch.stack(norms)


# ---- the models -------------------------------------------------------------------------

def gpt2_weights(cfg, seed):
    gen = torch.Generator().manual_seed(seed)
    H, inner = cfg["n_embd"], cfg["n_inner"]
    p = {"wte.weight": rand(gen, cfg["vocab_size"], H, scale=1.0),
         "wpe.weight": rand(gen, cfg["n_positions"], H, scale=0.5),
         "ln_f.weight": 1 + rand(gen, H, scale=0.1), "ln_f.bias": rand(gen, H, scale=0.1)}
    for i in range(cfg["n_layer"]):
        pre = f"h.{i}."
        for n in ("ln_1", "ln_2"):
            p[pre + n + ".weight"] = 1 + rand(gen, H, scale=0.1)
            p[pre + n + ".bias"] = rand(gen, H, scale=0.1)
        p[pre + "attn.c_attn.weight"] = rand(gen, H, 3 * H)
        p[pre + "attn.c_attn.bias"] = rand(gen, 3 * H, scale=0.1)
        p[pre + "attn.c_proj.weight"] = rand(gen, H, H)
        p[pre + "attn.c_proj.bias"] = rand(gen, H, scale=0.1)
        p[pre + "mlp.c_fc.weight"] = rand(gen, H, inner)
        p[pre + "mlp.c_fc.bias"] = rand(gen, inner, scale=0.1)
        p[pre + "mlp.c_proj.weight"] = rand(gen, inner, H)
        p[pre + "mlp.c_proj.bias"] = rand(gen, H, scale=0.1)
    return p


def llama_weights(cfg, seed, qkv_bias=False):
    gen = torch.Generator().manual_seed(seed)
    H, F = cfg["hidden_size"], cfg["intermediate_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim", H // nh)
    p = {"model.embed_tokens.weight": rand(gen, cfg["vocab_size"], H, scale=1.0),
         "model.norm.weight": 1 + rand(gen, H, scale=0.1)}
    if not cfg.get("tie_word_embeddings"):
        p["lm_head.weight"] = rand(gen, cfg["vocab_size"], H)
    for i in range(cfg["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        p[pre + "input_layernorm.weight"] = 1 + rand(gen, H, scale=0.1)
        p[pre + "post_attention_layernorm.weight"] = 1 + rand(gen, H, scale=0.1)
        for n, rows in (("q", nh * d), ("k", nkv * d), ("v", nkv * d)):
            p[pre + f"self_attn.{n}_proj.weight"] = rand(gen, rows, H)
            if qkv_bias:
                p[pre + f"self_attn.{n}_proj.bias"] = rand(gen, rows, scale=0.2)
        p[pre + "self_attn.o_proj.weight"] = rand(gen, H, nh * d)
        p[pre + "mlp.gate_proj.weight"] = rand(gen, F, H)
        p[pre + "mlp.up_proj.weight"] = rand(gen, F, H)
        p[pre + "mlp.down_proj.weight"] = rand(gen, H, F)
    return p


def llama_config(model_type="llama", **over):
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": model_type,
           "vocab_size": 64, "hidden_size": 32, "intermediate_size": 32,
           "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
           "head_dim": 8, "max_position_embeddings": 128, "rms_norm_eps": 1e-5,
           "rope_theta": 10000.0, "rope_scaling": None, "tie_word_embeddings": False,
           "torch_dtype": "float32"}
    cfg.update(over)
    return cfg


GPT2_CONFIG = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 64,
               "n_positions": 16, "n_embd": 24, "n_layer": 2, "n_head": 4, "n_inner": 48,
               "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
               "torch_dtype": "float32"}

TOKENS = [1, 17, 42, 5, 63, 0, 29, 17, 8, 50, 3, 17]


def rounded(p, dtype):
    return {k: v.to(dtype) for k, v in p.items()}


def byte_level_tokenizer():
    """A GPT-2 style byte-level BPE: the 256 byte symbols and four merges."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    sym = {b: chr(c) for b, c in zip(bs, cs)}
    vocab = {sym[b]: b for b in range(256)}
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n")]
    for a, b in merges:
        vocab[a + b] = len(vocab)
    return {"version": "1.0", "added_tokens": [], "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False,
                              "trim_offsets": True, "use_regex": True},
            "post_processor": None, "decoder": {"type": "ByteLevel"},
            "model": {"type": "BPE", "dropout": None, "unk_token": None,
                      "continuing_subword_prefix": None, "end_of_word_suffix": None,
                      "fuse_unk": False, "byte_fallback": False,
                      "vocab": vocab, "merges": [a + " " + b for a, b in merges]}}


def flat(t):
    return [float(f"{v:.9g}") for v in t.reshape(-1).tolist()]


def write_model(out, name, cfg, weights, reference, store_dtype=None, note=""):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    stored = rounded(weights, store_dtype) if store_dtype else weights
    cfg = dict(cfg)
    if store_dtype is not None:
        cfg["torch_dtype"] = {torch.bfloat16: "bfloat16", torch.float16: "float16"}[store_dtype]
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(folder, "model.safetensors"), stored)
    # The reference sees exactly the stored values (f16 and bf16 rounded), in float64.
    logits, att, norms = reference(cfg, {k: v.to(torch.float32) for k, v in stored.items()},
                                   TOKENS)
    expected = {"note": note, "tokens": TOKENS, "logits": flat(logits),
                "attention": flat(att), "residual_norms": flat(norms)}
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "forward")
    os.makedirs(out, exist_ok=True)

    gpt2 = gpt2_weights(GPT2_CONFIG, 1)
    write_model(out, "gpt2", GPT2_CONFIG, gpt2, gpt2_reference,
                note="GPT-2: LayerNorm, learned positions, GELU tanh, fused c_attn, tied")
    write_model(out, "gpt2-f16", GPT2_CONFIG, gpt2, gpt2_reference, torch.float16,
                note="the gpt2 fixture's weights rounded to f16")

    cfg = llama_config()
    llama = llama_weights(cfg, 2)
    write_model(out, "llama-gqa", cfg, llama, llama_reference,
                note="Llama: 4 query heads over 2 KV heads, untied lm_head")
    write_model(out, "llama-gqa-bf16", cfg, llama, llama_reference, torch.bfloat16,
                note="the llama-gqa fixture's weights rounded to bf16")

    cfg = llama_config("qwen2", num_key_value_heads=1, rope_theta=1000000.0,
                       tie_word_embeddings=True, architectures=["Qwen2ForCausalLM"])
    write_model(out, "qwen2-bias", cfg, llama_weights(cfg, 3, qkv_bias=True), llama_reference,
                note="Qwen2: QKV bias, one KV head, θ 1e6, tied embeddings")

    cfg = llama_config(rope_scaling={"rope_type": "llama3", "factor": 8.0,
                                     "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                     "original_max_position_embeddings": 64},
                       tie_word_embeddings=True)
    write_model(out, "llama3-scaling", cfg, llama_weights(cfg, 4), llama_reference,
                note="Llama 3.1 RoPE scaling (one frequency kept, one blended, two slowed), tied")

    cfg = llama_config("mistral", num_key_value_heads=4,
                       rope_scaling={"type": "linear", "factor": 4.0},
                       architectures=["MistralForCausalLM"])
    write_model(out, "mistral-linear", cfg, llama_weights(cfg, 5), llama_reference,
                note="Mistral layout with linear RoPE scaling (factor 4), full attention")

    # For the command line: a tokenizer.json beside the weights.
    cfg = llama_config(vocab_size=260, hidden_size=16, intermediate_size=32,
                       num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                       tie_word_embeddings=True)
    write_model(out, "cli-llama", cfg, llama_weights(cfg, 6), llama_reference,
                note="a byte-level BPE model for the run command's tests")
    with open(os.path.join(out, "cli-llama", "tokenizer.json"), "w") as f:
        json.dump(byte_level_tokenizer(), f, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
