#!/usr/bin/env python
"""Throughput and peak memory of fa2en against the naive way, on one model and one set of sentences.

Rows, per beam size:
  naive-bN          model.generate on batches of N in file order (--batch-sizes); the BEST of
                    them is the baseline every ratio compares with
  fa2en-hf          fa2en, transformers backend: fa2en's batching on the same engine as naive
  fa2en-ct2-int8    fa2en, CTranslate2 int8: fa2en's default on CPU (GPU: int8_float16)
  fa2en-ct2-fp32    fa2en, CTranslate2 float32 (GPU: float16)
  one-by-one        model.generate on one sentence at a time (--single sentences; 0: not run)
  job ...           with --job-rows: the whole `fa2en translate` job on the same sentences written
                    as NTREX articles: plain, +facts, +checks and review, +repair, +the unrelated
                    check's reverse model (the same checkpoint scoring backwards), all on

Rules that keep the figures honest:
  - every row's method is loaded, warmed up (one untimed pass on a few sentences), timed, and freed
    before the next; rows run in a shuffled order (--seed), reshuffled on each --repeats round;
  - every method's generated tokens are counted by one function (benchlib.generated_tokens) from
    its own output ids: the tokens generated before end-of-sentence, nothing credited;
  - every method decodes its output ids to text the same way (skip_special_tokens) inside the timing;
  - every output is capped by the same length rule (a * source tokens + b, fa2en's default); naive
    uses its batch's longest sentence's cap, as one `generate` call takes one max_new_tokens.

Without --model the model has RANDOM weights in a real shape (opus: Marian 6+6, d=512; nllb600m:
M2M100 12+12, d=1024): it never emits end-of-sentence, so every output runs to its cap.

    python scripts/benchmark.py --shape opus --beams 1,4 --sentences 128
    python scripts/benchmark.py --shape nllb600m --beams 4 --batch-sizes 16,64,256 --sentences 512
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from benchlib import (
    CT2_INT8,
    DATA,
    JOB,
    NAIVE,
    OTHER,
    SAME_ENGINE,
    Meter,
    Row,
    best_baseline,
    best_of,
    generated_tokens,
    random_model,
    ratio,
    table,
)
from benchmethods import Fa2en, Job, Naive

from fa2en.options import JobOptions
from fa2en.presets import GenerationDefaults
from fa2en.testing.toymodels import SHAPES

WARMUP = 8  # sentences of the untimed warm-up pass
#: The whole-job rows: what each turns on (JobOptions fields); the first is the plain job.
JOB_ROWS = {
    "job plain": {"review": False, "repair": False, "facts": False},
    "job +facts": {"review": False, "repair": False, "facts": True},
    "job +checks+review": {"review": True, "repair": False, "facts": False},
    "job +checks+review+repair": {"review": True, "repair": True, "facts": False},
    # reverse_model True: a second copy of the benchmark's model scores every sentence the other
    # way round (the time of an equal-size --reverse-model; `same` takes as long, sharing weights)
    "job +checks+review+reverse": {
        "review": True,
        "repair": False,
        "facts": False,
        "reverse_model": True,
    },
    "job default (all on)": {"review": True, "repair": True, "facts": True},
}
JOB_SWITCHES = {k for row in JOB_ROWS.values() for k in row}

#: fa2en rows per device kind: (row name, row kind, backend, precision).
ENGINES = {
    "cpu": [
        ("fa2en-hf", SAME_ENGINE, "transformers", "float32"),
        ("fa2en-ct2-int8", CT2_INT8, "ctranslate2", "int8"),
        ("fa2en-ct2-fp32", OTHER, "ctranslate2", "float32"),
    ],
    "gpu": [
        ("fa2en-hf-bf16", SAME_ENGINE, "transformers", "bfloat16"),
        ("fa2en-ct2-int8fp16", CT2_INT8, "ctranslate2", "int8_float16"),
        ("fa2en-ct2-fp16", OTHER, "ctranslate2", "float16"),
    ],
}


def measure(name: str, kind: str, load: Callable[[], Any], sentences: list[str]) -> Row:
    """Load a method, warm it up untimed, time it on ``sentences``, count its tokens, free it."""
    method = load()
    method(sentences[:WARMUP])
    gc.collect()
    with Meter() as meter:
        outputs = method(sentences)
    tokens = sum(generated_tokens(ids, method.specials) for ids in outputs)
    del method
    free_memory()
    return Row(name, kind, len(sentences), tokens, meter.seconds, meter.rss_mb, meter.gpu_mb)


def free_memory() -> None:
    """Release the last method's memory before the next one loads."""
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def plan(
    args: argparse.Namespace, path: Path, device: str, beams: int
) -> list[tuple[str, str, Callable[[], Any], int]]:
    """Every (name, kind, loader, sentences) to measure at ``beams``."""
    sizes = [int(b) for b in args.batch_sizes.split(",")]
    engines = ENGINES["gpu" if device.startswith("cuda") else "cpu"]
    todo: list[tuple[str, str, Callable[[], Any], int]] = [
        (f"naive-b{b}", NAIVE, lambda b=b: Naive(path, device, b, beams), args.sentences)
        for b in sizes
    ]
    todo += [
        (
            name,
            kind,
            lambda be=be, dt=dt: Fa2en.load(path, device, be, dt, beams, max(sizes)),
            args.sentences,
        )
        for name, kind, be, dt in engines
    ]
    if args.single:
        todo.append(("one-by-one", OTHER, lambda: Naive(path, device, 1, beams), args.single))
    if args.job_rows:
        known = {f.name for f in fields(JobOptions)}
        if not set(JOB_SWITCHES) <= known:
            print(
                f"note: job rows skipped: JobOptions has no {', '.join(sorted(set(JOB_SWITCHES) - known))} yet"
            )
        else:
            for name, switches in JOB_ROWS.items():
                todo.append(
                    (name, JOB, lambda s=switches: Job(path, device, beams, s), args.sentences)
                )
    wanted = set(args.methods.split(",")) if args.methods else None
    return [t for t in todo if not wanted or t[0] in wanted or t[1] == NAIVE]


def main(argv: list[str] | None = None) -> int:
    """Measure every row at every beam size and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--model", help="a real checkpoint (path or preset); default: random weights of --shape"
    )
    ap.add_argument("--shape", choices=SHAPES, default="opus")
    ap.add_argument("--source", type=Path, default=DATA / "ntrex128" / "ntrex128.fa")
    ap.add_argument("--sentences", type=int, default=128)
    ap.add_argument("--single", type=int, default=24, help="sentences for one-by-one (0: skip it)")
    ap.add_argument("--beams", default="1,4")
    ap.add_argument(
        "--batch-sizes",
        default="8,16,32,64",
        help="naive batch sizes; the largest is fa2en's batch limit",
    )
    ap.add_argument("--device", default="auto")
    ap.add_argument(
        "--methods", default="", help="comma list of rows to run (naive rows always run)"
    )
    ap.add_argument("--job-rows", action="store_true", help="also time the whole translate job")
    ap.add_argument("--repeats", type=int, default=1, help="rounds; each row keeps its fastest")
    ap.add_argument("--seed", type=int, default=0, help="seed of the row order")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)

    import torch

    from fa2en.devices import pick_device

    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    gpu = device.startswith("cuda")
    lines = args.source.read_text(encoding="utf-8").split("\n")
    sentences = [s for s in lines if s.strip()][: args.sentences]
    args.sentences, args.single = len(sentences), min(args.single, len(sentences))
    random_weights = args.model is None
    if random_weights:
        path = random_model(args.shape)
    else:
        from fa2en.loading import resolve

        path = Path(resolve(args.model).location)
    os.environ.setdefault("FA2EN_MODELS", tempfile.mkdtemp(prefix="fa2en-bench-models-"))
    rss0 = Meter()
    rss0._take()
    g = GenerationDefaults()
    print(
        f"fa2en benchmark, {date.today()}: device {device}, {torch.get_num_threads()} torch threads"
    )
    if random_weights:
        print(
            f"MODEL HAS RANDOM WEIGHTS ({args.shape} shape, {SHAPES[args.shape]}): translations are "
            "meaningless and never end early, so every output runs to its length cap; only speed is measured"
        )
    else:
        print(f"model: {args.model} ({path})")
    print(
        f"inputs: first {len(sentences)} lines of {args.source}; output cap {g.max_length_a:g} x source "
        f"tokens + {g.max_length_b} for every method; process RSS before any model: {rss0.rss_mb:.0f} MB"
    )
    print(
        "x best naive = sentences/s over the fastest naive-bN row's sentences/s (same sentences, same "
        "model, same run); tokens = generated output tokens before end-of-sentence, counted alike"
    )
    for beams in [int(b) for b in args.beams.split(",")]:
        todo = plan(args, path, device, beams)
        rows = []
        for round_ in range(args.repeats):
            order = list(todo)
            random.Random(f"{args.seed}-{beams}-{round_}").shuffle(order)
            print(
                f"\nbeam {beams}, round {round_ + 1}: order {', '.join(t[0] for t in order)}",
                flush=True,
            )
            for name, kind, load, n in order:
                rows.append(measure(name, kind, load, sentences[:n]))
                print(f"  measured {name}: {rows[-1].sent_s:.2f} sentences/s", flush=True)
        rows = best_of(rows)
        base = best_baseline(rows)
        print(f"\nbeam {beams}: baseline = {base.method} ({base.sent_s:.2f} sentences/s)")
        print("\n".join(table(rows, gpu)))
        for kind in (SAME_ENGINE, CT2_INT8):
            for r in (r for r in rows if r.kind == kind):
                print(f"  {kind}: {r.method} {ratio(r, base):.2f}x {base.method}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
