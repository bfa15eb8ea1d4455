#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes data/reference.json: measured inference timings transcribed from public sources
(each cited with its URL) plus the project's calibration run.

    tools/update-reference.py [CALIBRATION.json] [OUTPUT.json]

Defaults: ../shared/calibration/h100-sxm-bf16.json and data/reference.json, relative to
the repository root. Python 3 standard library only. Edit the tables below to add points;
tools/uth-calibrate and tests/test-calibration check them against the engine profiles."""
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cal_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "calibration",
                                                              "h100-sxm-bf16.json")
out_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "data", "reference.json")
pts = []
GF = "https://github.com/pytorch-labs/gpt-fast/blob/main/README.md"
gf_note = ("gpt-fast README benchmark table: batch 1, a 5-token prompt, about 200 tokens generated "
           "(context taken as 128), A100-80GB power-limited to 330 W (its README: about 1700 GB/s "
           "achievable); tokens/s is per sequence")
def gpf(idn, model, prec, gpus, tps, tol=0.25, extra="", more=""):
    pts.append(dict(id=idn, source=GF, measured_with="gpt-fast (torch.compile, CUDA graphs)" + extra,
                    engine="tuned", gpu="a100-sxm-80gb", model=model, precision=prec, kv="bf16",
                    phase="decode", gpus=gpus, batch=1, context=128, step_tokens=1,
                    tokens_per_second=tps, tolerance=tol, note=gf_note + more))
gpf("gpt-fast/llama-2-7b/bf16", "llama-2-7b", "bf16", 1, 104.9)
QN = ("; gpt-fast's weight-only kernels dequantize at a cost (its int4 reads 863 GB/s against 1397 GB/s "
      "in bf16), while Marlin-class kernels reach close to the ideal 4x "
      "(https://github.com/IST-DASLab/marlin), which the tuned profile assumes: it predicts faster")
gpf("gpt-fast/llama-2-7b/int8", "llama-2-7b", "int8", 1, 155.58, 0.4, ", int8 weight-only", QN)
gpf("gpt-fast/llama-2-7b/int4", "llama-2-7b", "int4", 1, 196.80, 0.6, ", int4 weight-only, group 32", QN)
gpf("gpt-fast/llama-2-70b/int8", "llama-2-70b", "int8", 1, 19.13, 0.4, ", int8 weight-only", QN)
gpf("gpt-fast/llama-2-70b/int4", "llama-2-70b", "int4", 1, 25.25, 0.6, ", int4 weight-only, group 32", QN)
gpf("gpt-fast/llama-2-7b/bf16/tp2", "llama-2-7b", "bf16", 2, 168.84)
gpf("gpt-fast/llama-2-7b/bf16/tp4", "llama-2-7b", "bf16", 4, 254.02)
gpf("gpt-fast/llama-2-7b/bf16/tp8", "llama-2-7b", "bf16", 8, 328.43)
gpf("gpt-fast/llama-2-70b/bf16/tp2", "llama-2-70b", "bf16", 2, 21.32)
gpf("gpt-fast/llama-2-70b/bf16/tp4", "llama-2-70b", "bf16", 4, 38.01)
gpf("gpt-fast/llama-2-70b/bf16/tp8", "llama-2-70b", "bf16", 8, 62.50)
gpf("gpt-fast/llama-2-70b/int8/tp8", "llama-2-70b", "int8", 8, 80.44, 0.4, ", int8 weight-only", QN)
gpf("gpt-fast/llama-2-70b/int4/tp8", "llama-2-70b", "int4", 8, 90.77, 0.6, ", int4 weight-only, group 32", QN)

TR = "https://github.com/NVIDIA/TensorRT-LLM/blob/v0.6.1/docs/source/performance.md"
ttft_note = ("TensorRT-LLM performance.md, Low Latency table (data from v0.5): 1st token latency "
             "at batch 1, i.e. the prefill pass")
def ttft(idn, model, gpu, prec, gpus, prompt, ms, tol):
    pts.append(dict(id=idn, source=TR, measured_with="TensorRT-LLM 0.5", engine="tuned", gpu=gpu,
                    model=model, precision=prec, kv=prec, phase="prefill", gpus=gpus, batch=1,
                    prompt=prompt, seconds=ms / 1000.0, tolerance=tol, note=ttft_note +
                    ("; FP8 GEMMs of TensorRT-LLM 0.5 reached a smaller share of the fp8 peak than "
                     "later releases" if prec == "fp8" else "")))
ttft("trtllm-0.5/ttft/llama-2-7b/h100/fp8/128", "llama-2-7b", "h100-sxm", "fp8", 1, 128, 7, 0.5)
ttft("trtllm-0.5/ttft/llama-2-7b/h100/fp8/2048", "llama-2-7b", "h100-sxm", "fp8", 1, 2048, 36, 0.35)
ttft("trtllm-0.5/ttft/llama-2-70b/h100/fp8/tp4/128", "llama-2-70b", "h100-sxm", "fp8", 4, 128, 26, 0.5)
ttft("trtllm-0.5/ttft/llama-2-70b/h100/fp8/tp4/2048", "llama-2-70b", "h100-sxm", "fp8", 4, 2048, 109, 0.35)
ttft("trtllm-0.5/ttft/llama-2-7b/a100/fp16/128", "llama-2-7b", "a100-sxm-80gb", "fp16", 1, 128, 16, 0.5)
ttft("trtllm-0.5/ttft/llama-2-7b/a100/fp16/2048", "llama-2-7b", "a100-sxm-80gb", "fp16", 1, 2048, 133, 0.25)
ttft("trtllm-0.5/ttft/llama-2-70b/a100/fp16/tp4/128", "llama-2-70b", "a100-sxm-80gb", "fp16", 4, 128, 47, 0.5)
ttft("trtllm-0.5/ttft/llama-2-70b/a100/fp16/tp4/2048", "llama-2-70b", "a100-sxm-80gb", "fp16", 4, 2048, 377, 0.25)

thr_note = ("TensorRT-LLM performance.md, Peak Throughput table (v0.6.1): a static batch of "
            "`batch` requests, output tokens/s per GPU x GPUs")
XQ = ("; measured before TensorRT-LLM's XQA kernel for grouped-query attention, which its authors "
      "report raised Llama-70B throughput 2.4x at ISL/OSL 128/2048 "
      "(https://github.com/NVIDIA/TensorRT-LLM/blob/main/docs/source/blogs/XQA-kernel.md); the tuned "
      "profile assumes GQA-aware attention, so it predicts faster where the KV cache dominates")
def thr(idn, model, gpu, prec, gpus, batch, isl, osl, per_gpu, tol=0.25, src=TR, ver="0.6.1", note=None):
    if model == "llama-2-70b" and osl >= 2048:
        tol = max(tol, 0.75)
        note = (note or thr_note) + XQ
    pts.append(dict(id=idn, source=src, measured_with="TensorRT-LLM " + ver, engine="tuned", gpu=gpu,
                    model=model, precision=prec, kv=prec, phase="request", gpus=gpus, batch=batch,
                    prompt=isl, output_tokens=osl, tokens_per_second=per_gpu * gpus, tolerance=tol,
                    note=note or thr_note))
thr("trtllm-0.6.1/llama-2-7b/h100/fp8/b768/128-128", "llama-2-7b", "h100-sxm", "fp8", 1, 768, 128, 128, 19694)
thr("trtllm-0.6.1/llama-2-7b/h100/fp8/b112/128-2048", "llama-2-7b", "h100-sxm", "fp8", 1, 112, 128, 2048, 6818)
thr("trtllm-0.6.1/llama-2-7b/h100/fp8/b80/2048-128", "llama-2-7b", "h100-sxm", "fp8", 1, 80, 2048, 128, 2244)
thr("trtllm-0.6.1/llama-2-7b/h100/fp8/b48/2048-2048", "llama-2-7b", "h100-sxm", "fp8", 1, 48, 2048, 2048, 2740)
thr("trtllm-0.6.1/llama-2-70b/h100/fp8/tp2/b1024/128-128", "llama-2-70b", "h100-sxm", "fp8", 2, 1024, 128, 128, 2657)
thr("trtllm-0.6.1/llama-2-70b/h100/fp8/tp4/b480/128-2048", "llama-2-70b", "h100-sxm", "fp8", 4, 480, 128, 2048, 1486)
thr("trtllm-0.6.1/llama-2-70b/h100/fp8/tp2/b96/2048-128", "llama-2-70b", "h100-sxm", "fp8", 2, 96, 2048, 128, 306)
thr("trtllm-0.6.1/llama-2-70b/h100/fp8/tp2/b64/2048-2048", "llama-2-70b", "h100-sxm", "fp8", 2, 64, 2048, 2048, 547)
thr("trtllm-0.6.1/llama-2-7b/a100/fp16/b384/128-128", "llama-2-7b", "a100-sxm-80gb", "fp16", 1, 384, 128, 128, 5586)
thr("trtllm-0.6.1/llama-2-7b/a100/fp16/b60/128-2048", "llama-2-7b", "a100-sxm-80gb", "fp16", 1, 60, 128, 2048, 1928)
thr("trtllm-0.6.1/llama-2-7b/a100/fp16/b52/2048-128", "llama-2-7b", "a100-sxm-80gb", "fp16", 1, 52, 2048, 128, 591)
thr("trtllm-0.6.1/llama-2-7b/a100/fp16/tp2/b64/2048-2048", "llama-2-7b", "a100-sxm-80gb", "fp16", 2, 64, 2048, 2048, 782)
thr("trtllm-0.6.1/llama-2-70b/a100/fp16/tp4/b1280/128-128", "llama-2-70b", "a100-sxm-80gb", "fp16", 4, 1280, 128, 128, 670)
thr("trtllm-0.6.1/llama-2-70b/a100/fp16/tp4/b240/128-2048", "llama-2-70b", "a100-sxm-80gb", "fp16", 4, 240, 128, 2048, 525)
thr("trtllm-0.6.1/llama-2-70b/a100/fp16/tp4/b120/2048-128", "llama-2-70b", "a100-sxm-80gb", "fp16", 4, 120, 2048, 128, 79)
H2 = "https://github.com/NVIDIA/TensorRT-LLM/blob/main/docs/source/blogs/H200launch.md"
h2note = ("TensorRT-LLM H200 launch blog, H200 FP8 max-throughput table (v0.5, preliminary): a static "
          "batch, output tokens/s per GPU x GPUs")
for (idn, model, gpus, b, i, o, v) in [
    ("llama-2-13b/b1024/128-128", "llama-2-13b", 1, 1024, 128, 128, 11819),
    ("llama-2-13b/b128/128-2048", "llama-2-13b", 1, 128, 128, 2048, 4750),
    ("llama-2-13b/b64/2048-128", "llama-2-13b", 1, 64, 2048, 128, 1349),
    ("llama-2-70b/b512/128-128", "llama-2-70b", 1, 512, 128, 128, 3014),
    ("llama-2-70b/tp2/b512/128-2048", "llama-2-70b", 2, 512, 128, 2048, 1654),
    ("llama-2-70b/b64/2048-128", "llama-2-70b", 1, 64, 2048, 128, 341),
    ("llama-2-70b/b32/2048-128", "llama-2-70b", 1, 32, 2048, 128, 303)]:
    thr("trtllm-0.5/h200/fp8/" + idn, model, "h200", "fp8", gpus, b, i, o, v, 0.3, H2, "0.5", h2note)

# The calibration measurements (engine torch-cudagraph).
CAL = "../shared/calibration/h100-sxm-bf16.json"
cal = json.load(open(cal_path))
calnote = ("measured on one H100 SXM 80GB with PyTorch 2.11 / CUDA 13.0 on 2026-11-27, LLaMA-shaped "
           "random bf16 weights; see that folder's README")
for model, m in cal["models"].items():
    for ph in ("decode", "verify", "prefill"):
        for q in m.get(ph, []):
            t = q.get("s") if ph == "prefill" else q.get("step_s")
            if not t:
                continue
            d = dict(source=CAL, measured_with="PyTorch eager kernels" + ("" if ph == "prefill" else ", replayed as a CUDA graph"),
                     engine="torch-cudagraph", gpu="h100-sxm", model=model, precision="bf16", kv="bf16",
                     phase=ph, gpus=1, batch=q["batch"], seconds=t, note=calnote)
            if ph == "prefill":
                d["id"] = "calibration/%s/prefill/b%d/s%d" % (model, q["batch"], q["prompt"])
                d["prompt"] = q["prompt"]
                # Short prefills are dominated by Python launch overhead (outside the target).
                d["tolerance"] = 0.25 if q["batch"] * q["prompt"] >= 1024 else 3.0
            else:
                nt = q.get("new_tokens", 1)
                d["id"] = "calibration/%s/%s/b%d/ctx%d/t%d" % (model, ph, q["batch"], q["ctx"], nt)
                d["context"] = q["ctx"] + nt
                d["step_tokens"] = nt
                d["tolerance"] = 0.25
            pts.append(d)
order = ["id", "source", "measured_with", "engine", "gpu", "model", "precision", "kv", "phase", "gpus",
         "batch", "prompt", "context", "step_tokens", "output_tokens", "seconds", "tokens_per_second",
         "tolerance", "note"]
out = {"about": ("Measured inference timings from public sources and from the project's calibration run. "
                 "Each point names the engine profile expected to reproduce it within its tolerance "
                 "(relative error of the estimated time). Times in seconds; tokens_per_second of all GPUs."),
       "points": [{k: p[k] for k in order if k in p} for p in pts]}
json.dump(out, open(out_path, "w"), indent=1)
print("%d points written to %s" % (len(pts), out_path))
