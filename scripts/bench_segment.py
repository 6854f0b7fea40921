#!/usr/bin/env python
"""Sentence-splitter benchmark on UD Persian gold: boundary P/R/F1, exact-sentence accuracy, speed.

The gold file has one sentence a line, in text order. It is built into three documents:
  running   paragraphs of 5-10 sentences joined by spaces, blank lines between paragraphs;
  newlines  the whole text, a newline at about a quarter of the boundaries, spaces elsewhere;
  wrapped   the 'running' paragraphs hard-wrapped at 80 columns, blank lines between paragraphs.
Each splitter's sentences are aligned to the gold by their non-whitespace characters, so splitters
that change whitespace are scored fairly. Other splitters (hazm, pysbd, spaCy) are scored when
installed: install them in the benchmark's own environment, not as project dependencies.

    python scripts/bench_segment.py [--gold ../shared/data/ud_persian/seraji-dev.sentences.txt]
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from fa2en.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "ud_persian" / "seraji-dev.sentences.txt"


def build_variants(gold: list[str], seed: int = 13) -> dict[str, str]:
    """The three benchmark documents built from gold sentences."""
    rng = random.Random(seed)
    paragraphs, i = [], 0
    while i < len(gold):
        n = rng.randint(5, 10)
        paragraphs.append(gold[i : i + n])
        i += n
    running = "\n\n".join(" ".join(p) for p in paragraphs)
    parts = [gold[0]]
    for sent in gold[1:]:
        parts.append("\n" if rng.random() < 0.25 else " ")
        parts.append(sent)
    newlines = "".join(parts)
    wrapped = "\n\n".join(textwrap.fill(" ".join(p), 80) for p in paragraphs)
    return {"running": running, "newlines": newlines, "wrapped": wrapped}


def _spans(sentences: list[str]) -> list[tuple[int, int]]:
    """Spans of sentences in the stream of non-whitespace characters."""
    spans, pos = [], 0
    for s in sentences:
        n = sum(1 for ch in s if not ch.isspace())
        if n:
            spans.append((pos, pos + n))
            pos += n
    return spans


def score(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Boundary precision/recall/F1 and exact-sentence accuracy of ``predicted`` against ``gold``."""
    g, p = _spans(gold), _spans(predicted)
    if g[-1][1] != (p[-1][1] if p else 0):
        raise ValueError("the splitter changed the text's characters; cannot align")
    gb, pb = {e for _, e in g[:-1]}, {e for _, e in p[:-1]}
    tp = len(gb & pb)
    prec = tp / len(pb) if pb else 1.0
    rec = tp / len(gb) if gb else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    exact = len(set(g) & set(p)) / len(g)
    return {"precision": prec, "recall": rec, "f1": f1, "exact": exact}


def splitters() -> dict[str, Callable[[str], list[str]]]:
    """fa2en and whichever other splitters are installed."""
    found: dict[str, Callable[[str], list[str]]] = {"fa2en": split_sentences}
    try:
        from hazm import SentenceTokenizer

        found["hazm"] = SentenceTokenizer().tokenize
    except Exception:  # noqa: BLE001 - optional competitor
        pass
    try:
        import pysbd

        seg = pysbd.Segmenter(language="fa", clean=False)
        found["pysbd"] = seg.segment
    except Exception:  # noqa: BLE001
        pass
    try:
        import spacy

        nlp = spacy.blank("fa")
        nlp.add_pipe("sentencizer")
        nlp.max_length = 50_000_000
        found["spacy-sentencizer"] = lambda t: [s.text for s in nlp(t).sents]
    except Exception:  # noqa: BLE001
        pass
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the table of scores and speeds."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--speed-mb", type=float, default=10.0, help="MB of text for the speed test")
    args = ap.parse_args(argv)
    if not args.gold.is_file():
        print(f"error: gold file not found: {args.gold}", file=sys.stderr)
        return 2
    gold = [
        line.strip() for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    variants = build_variants(gold)
    print(f"gold: {args.gold} ({len(gold)} sentences)")
    print(f"{'splitter':<18} {'variant':<9} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6}  chars/s")
    for name, split in splitters().items():
        for vname, text in variants.items():
            t0 = time.perf_counter()
            pred = split(text)
            dt = time.perf_counter() - t0
            try:
                s = score(gold, pred)
                row = f"{s['precision']:6.4f} {s['recall']:6.4f} {s['f1']:6.4f} {s['exact']:6.4f}"
            except ValueError as exc:
                row = f"  ({exc})"
            print(f"{name:<18} {vname:<9} {row}  {len(text) / dt:,.0f}")
    big = (variants["running"] + "\n\n") * max(
        1, int(args.speed_mb * 1e6 / len(variants["running"]))
    )
    t0 = time.perf_counter()
    n = len(split_sentences(big))
    dt = time.perf_counter() - t0
    print(
        f"speed: fa2en split_sentences on {len(big) / 1e6:.1f} M chars: {len(big) / dt / 1e6:.2f} M chars/s ({n} sentences)"
    )
    line = variants["running"].replace("\n\n", " ")
    one_line = line * max(1, int(args.speed_mb * 1e6 / len(line)))
    t0 = time.perf_counter()
    split_sentences(one_line)
    dt = time.perf_counter() - t0
    print(
        f"speed: one {len(one_line) / 1e6:.1f} M-char line: {len(one_line) / dt / 1e6:.2f} M chars/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
