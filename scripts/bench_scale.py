#!/usr/bin/env python
"""Scaling of `fa2en translate` with worker processes (CPU here; GPUs with --devices).

Rebuilds real news articles from NTREX-128 (DOCUMENT_IDS.tsv gives each line's article), writes
them as files, and runs the whole job (segment, batch, translate, write) single-process and with
N workers, printing tokens/s and the threads each worker used. Times are whole jobs, model loads
included (a CTranslate2 conversion is done once before timing). All runs must give byte-identical
outputs, so they do equal work: the script exits with 1 when they differ. Without --model, a
random-weight OPUS-MT-shaped model.

    python scripts/bench_scale.py --articles 30 --workers 1,2
    python scripts/bench_scale.py --model nllb-200-distilled-600M --devices 0,1   # on a GPU machine
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchlib import DATA, random_model

from fa2en.cli import main as fa2en_main
from fa2en.system import available_cpus


def write_articles(out: Path, n: int) -> int:
    """Write the first ``n`` NTREX-128 articles (3 sentences a paragraph); return sentences."""
    ids = (DATA / "ntrex128" / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").split("\n")
    lines = (DATA / "ntrex128" / "ntrex128.fa").read_text(encoding="utf-8").split("\n")
    docs: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(ids, lines, strict=False):
        if doc.strip():
            docs[doc.strip()].append(line)
    total = 0
    for k, (doc, sents) in enumerate(list(docs.items())[:n]):
        paras = [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]
        (out / f"{k:03d}_{doc}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        total += len(sents)
    return total


def run(src: Path, out: Path, model: str, extra: list[str]) -> tuple[float, dict]:
    """Run one job; return seconds and its summary."""
    import json

    t0 = time.perf_counter()
    code = fa2en_main(["translate", str(src), "-o", str(out), "--model", model, "--quiet", *extra])
    seconds = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"job failed with exit code {code}")
    return seconds, json.loads((out / ".fa2en-run.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Print tokens/s per configuration; 1 when the configurations' outputs differ."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", help="checkpoint or preset (default: random OPUS-MT-shaped model)")
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--workers", default="1,2", help="CPU worker counts to compare")
    ap.add_argument(
        "--devices", help="GPU runs instead: e.g. 0 and 0,1 are compared as 1 and 2 devices"
    )
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--beams", default="1")
    args = ap.parse_args(argv)
    model = args.model or str(random_model("opus"))
    work = Path(tempfile.mkdtemp(prefix="fa2en-scale-"))
    src = work / "articles"
    src.mkdir()
    n_sent = write_articles(src, args.articles)
    os.environ.setdefault("FA2EN_MODELS", str(work / "models"))
    common = ["--backend", args.backend, "--beams", args.beams]
    configs: list[tuple[str, list[str]]] = []
    if args.devices:
        devs = args.devices.split(",")
        configs = [(f"{k} GPU", ["--devices", ",".join(devs[:k])]) for k in range(1, len(devs) + 1)]
    else:
        cores = available_cpus()
        for w in (int(x) for x in args.workers.split(",")):
            if w == 1:
                configs.append((f"1 process, {cores} threads", []))
            else:
                configs.append(
                    (f"{w} workers x {max(1, cores // w)} thread(s)", ["--workers", str(w)])
                )
                if cores // w < cores:
                    configs.append(
                        (
                            f"{w} workers x {cores} threads",
                            ["--workers", str(w), "--threads", str(cores)],
                        )
                    )
    print(
        f"{args.articles} NTREX-128 articles, {n_sent} sentences; model: {args.model or 'random OPUS-MT shape'}; "
        f"backend {args.backend}, beams {args.beams}; {available_cpus()} CPUs"
    )
    warm = work / "warm"
    warm.mkdir()
    write_articles(warm, 1)
    run(
        warm, work / "warm-out", model, common
    )  # converts and caches the model once, outside the timings
    reference: dict[str, bytes] | None = None
    differing: list[str] = []
    base = None
    for name, extra in configs:
        out = work / name.replace(" ", "_").replace(",", "")
        seconds, summary = run(src, out, model, common + extra)
        tree = {p.name: p.read_bytes() for p in sorted(out.glob("*.txt"))}
        if reference is None:
            reference = tree
        same = tree == reference
        if not same:
            differing.append(name)
        tokens = summary["src_tokens"] + summary["out_tokens"]
        base = base or tokens / seconds
        print(
            f"  {name:<32} {seconds:7.1f}s  {tokens / seconds:8.0f} tokens/s  x{tokens / seconds / base:4.2f}"
            f"  outputs identical: {same}"
        )
    if differing:
        print(
            f"error: outputs differ from {configs[0][0]!r} with: {', '.join(differing)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
