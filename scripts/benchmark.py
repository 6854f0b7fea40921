#!/usr/bin/env python
"""Throughput and peak memory of fa2en's Translator against the naive ways, in one run.

Methods, all on the same model and the same Persian sentences:
  naive-b32        model.generate on batches of 32 in file order (what most scripts do)
  one-by-one       model.generate on one sentence at a time (on a subset; a rate is a rate)
  fa2en-hf         Translator, transformers backend (length-sorted, token-budget batches)
  fa2en-ct2-int8   Translator, CTranslate2 backend, int8 (CPU default)   } when ctranslate2
  fa2en-ct2-fp32   Translator, CTranslate2 backend, float32                } is installed
  (on a GPU: fa2en-hf-bf16, fa2en-ct2-fp16, fa2en-ct2-int8fp16 instead)

Without --model, a random-weight model of a real shape is built here (opus: Marian 6+6, d=512, the
OPUS-MT shape; nllb600m: M2M100 12+12, d=1024, ffn 4096) and every method is forced to generate
exactly each sentence's length limit (ceil(a * source tokens + b)), so all do equal work. Tokens/s
counts those useful output tokens; padding and over-generation are the naive methods' loss.

    python scripts/benchmark.py --shape opus --beams 1,4
    python scripts/benchmark.py --model models/opus-mt-iir-en --sentences 256
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import DATA, random_model

from fa2en.profiling import measure
from fa2en.testing.toymodels import SHAPES

LENGTH_A, LENGTH_B = 1.0, 8  # output ~ as long as the input, as in fa->en news


def matmul_peak_gflops(device: str, dtype: Any, n: int = 2048, reps: int = 10) -> float:
    """Measured dense matmul rate of this machine (GFLOP/s), the ceiling a model can approach."""
    import torch

    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    (a @ b).sum().item()
    t0 = time.perf_counter()
    for _ in range(reps):
        c = a @ b
    c.sum().item()
    return 2 * n**3 * reps / (time.perf_counter() - t0) / 1e9


def flops_per_token(model: Any, src_per_out: float) -> float:
    """Approximate forward FLOPs per generated token: decoder + output layer + its share of encoder."""
    cfg = model.config
    d, vocab = cfg.d_model, cfg.vocab_size
    enc = sum(p.numel() for n, p in model.named_parameters() if ".encoder.layers." in n)
    dec = sum(p.numel() for n, p in model.named_parameters() if ".decoder.layers." in n)
    return 2 * (dec + d * vocab) + 2 * enc * src_per_out


def caps(lengths: list[int]) -> list[int]:
    """Each sentence's output length limit."""
    return [math.ceil(LENGTH_A * n + LENGTH_B) for n in lengths]


def naive(model: Any, tok: Any, sentences: list[str], batch: int, beams: int, forced: bool) -> int:
    """model.generate on fixed-size batches in file order; returns useful output tokens."""
    import torch

    useful = 0
    for i in range(0, len(sentences), batch):
        chunk = sentences[i : i + batch]
        enc = tok(chunk, padding=True, return_tensors="pt").to(model.device)
        lengths = enc["attention_mask"].sum(1).tolist()
        limit = max(caps(lengths))
        kw = {"min_new_tokens": limit} if forced else {}
        with torch.inference_mode():
            out = model.generate(
                **enc, max_new_tokens=limit, max_length=None, num_beams=beams, **kw
            )
        for row, cap in zip(out.tolist(), caps(lengths), strict=True):
            useful += min(cap, sum(1 for t in row[1:] if t not in tok.all_special_ids))
    return useful


def fa2en_useful(tr: Any, sentences: list[str], lengths: list[int], forced: bool) -> int:
    """Translate with fa2en; returns useful output tokens (as for the naive methods)."""
    out = tr.translate(sentences)
    if forced:
        return sum(caps(lengths))
    produced = [len(ids) - 1 for ids in tr.tokenizer(text_target=out)["input_ids"]]
    return sum(min(c, n) for c, n in zip(caps(lengths), produced, strict=True))


def run_method(name: str, fn: Callable[[], int], n_sentences: int) -> dict[str, Any]:
    """Time ``fn`` and its peak memory."""
    with measure() as usage:
        tokens = fn()
    return {
        "method": name,
        "tokens": tokens,
        "seconds": usage.seconds,
        "tok_s": tokens / usage.seconds,
        "sent_s": n_sentences / usage.seconds,
        "rss_mb": usage.peak_rss_mb,
        "gpu_mb": usage.peak_gpu_mb,
    }


def main(argv: list[str] | None = None) -> int:
    """Run every method and print the table and ratios."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--model", help="a real checkpoint (path or preset); default: random weights of --shape"
    )
    ap.add_argument("--shape", choices=SHAPES, default="opus")
    ap.add_argument("--source", type=Path, default=DATA / "ntrex128" / "ntrex128.fa")
    ap.add_argument("--sentences", type=int, default=128)
    ap.add_argument("--single", type=int, default=24, help="sentences for one-by-one")
    ap.add_argument("--beams", default="1,4")
    ap.add_argument("--batch-sizes", default="32", help="naive batch sizes (GPU runs: 16,64,256)")
    ap.add_argument(
        "--max-tokens", type=int, default=0, help="fa2en token budget (0: fa2en's default)"
    )
    ap.add_argument("--methods", default="", help="comma list to run a subset")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)

    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from fa2en import Translator
    from fa2en.backends.hf import pick_device

    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device("auto")
    gpu = device.startswith("cuda")
    sentences = [s for s in args.source.read_text(encoding="utf-8").splitlines() if s.strip()][
        : args.sentences
    ]
    forced = args.model is None
    if forced:
        model_path = random_model(args.shape)
    else:
        from fa2en.loading import resolve

        model_path = Path(resolve(args.model).location)
    os.environ.setdefault("FA2EN_MODELS", tempfile.mkdtemp(prefix="fa2en-bench-ct2-"))
    tok = AutoTokenizer.from_pretrained(model_path)
    dtype = torch.bfloat16 if gpu else torch.float32
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path, dtype=dtype).to(device).eval()
    lengths = [len(ids) for ids in tok(sentences)["input_ids"]]
    fpt = flops_per_token(model, sum(lengths) / sum(caps(lengths)))
    peak = matmul_peak_gflops(device, dtype)
    print(
        f"model: {'random ' + args.shape if forced else args.model} ({sum(p.numel() for p in model.parameters()) / 1e6:.0f}M params), "
        f"device: {device}, threads: {torch.get_num_threads()}"
    )
    print(
        f"inputs: {len(sentences)} sentences of {args.source.name}, {sum(lengths)} source tokens; "
        f"forced output lengths: {forced}"
    )
    print(
        f"FLOPs per output token (forward, approx.): {fpt / 1e9:.3f} GFLOP; measured matmul peak: {peak:,.0f} GFLOP/s"
    )

    budget = args.max_tokens or None
    wanted = set(args.methods.split(",")) if args.methods else None
    engines = (
        [
            ("fa2en-hf-bf16", "transformers", "bfloat16"),
            ("fa2en-ct2-fp16", "ctranslate2", "float16"),
            ("fa2en-ct2-int8fp16", "ctranslate2", "int8_float16"),
        ]
        if gpu
        else [
            ("fa2en-hf", "transformers", "float32"),
            ("fa2en-ct2-int8", "ctranslate2", "int8"),
            ("fa2en-ct2-fp32", "ctranslate2", "float32"),
        ]
    )
    for beams in [int(b) for b in args.beams.split(",")]:
        rows = []
        for bs in [int(b) for b in args.batch_sizes.split(",")]:
            if wanted and f"naive-b{bs}" not in wanted:
                continue
            rows.append(
                run_method(
                    f"naive-b{bs}",
                    lambda bs=bs, beams=beams: naive(model, tok, sentences, bs, beams, forced),
                    len(sentences),
                )
            )
        if not wanted or "one-by-one" in wanted:
            sub = sentences[: args.single]
            rows.append(
                run_method(
                    "one-by-one",
                    lambda sub=sub, beams=beams: naive(model, tok, sub, 1, beams, forced),
                    len(sub),
                )
            )
        for name, backend, prec in engines:
            if wanted and name not in wanted:
                continue
            try:
                tr = Translator.load(
                    str(model_path),
                    device=device,
                    backend=backend,
                    dtype=prec,
                    num_beams=beams,
                    max_tokens=budget,
                    max_batch_size=256,
                    force_length=forced,
                    normalize=False,
                )
            except Exception as exc:  # noqa: BLE001 - report and go on with the other methods
                print(f"  {name}: skipped ({exc})")
                continue
            tr.generation = type(tr.generation)(
                num_beams=beams, max_length_a=LENGTH_A, max_length_b=LENGTH_B
            )
            rows.append(
                run_method(
                    name, lambda tr=tr: fa2en_useful(tr, sentences, lengths, forced), len(sentences)
                )
            )
        base = rows[0]["tok_s"]
        single = next((r["tok_s"] for r in rows if r["method"] == "one-by-one"), None)
        print(f"\nbeam {beams}:")
        print(
            f"  {'method':<20}{'tokens/s':>10}{'sent/s':>9}{'peak RSS MB':>13}{'GPU MB':>9}{'x naive':>9}{'x single':>10}{'% peak':>8}"
        )
        for r in rows:
            frac = r["tok_s"] * fpt * beams / (peak * 1e9) * 100
            print(
                f"  {r['method']:<20}{r['tok_s']:>10.1f}{r['sent_s']:>9.2f}{r['rss_mb']:>13.0f}{r['gpu_mb']:>9.0f}"
                f"{r['tok_s'] / base:>9.2f}{(r['tok_s'] / single) if single else float('nan'):>10.2f}{frac:>8.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
