"""``fa2en qa``: the quality checks on an existing translation, line by line, no reference needed."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fa2en.errors import InputFileError
from fa2en.evaluate.data import read_lines
from fa2en.quality.calibrate import MIN_LINES, fit_low_confidence, fit_thresholds
from fa2en.quality.checks import Candidate, run_checks
from fa2en.quality.config import QualityConfig, load_quality_config, save_calibration
from fa2en.quality.reverse import reverse_name
from fa2en.quality.review import flag_counts, summary_line


def add_parser(subparsers: Any) -> None:
    """Register ``fa2en qa`` and its options."""
    p = subparsers.add_parser(
        "qa",
        help="flag suspect lines of an existing translation (no reference needed)",
        description="Run fa2en's quality checks on a translation, line by line.",
    )
    p.add_argument("--src", type=Path, required=True, help="Persian source, one sentence a line")
    p.add_argument("--hyp", type=Path, help="English translation, line-aligned with --src")
    p.add_argument("--json", type=Path, metavar="OUT", help="write every line's flags to OUT")
    p.add_argument(
        "--quality-config", type=Path, metavar="FILE", help="thresholds overriding the defaults"
    )
    p.add_argument(
        "--model", help="score the translation under this model (enables low-confidence)"
    )
    p.add_argument(
        "--reverse-model",
        metavar="NAME",
        help="score how well each line explains its source under this English->Persian model "
        "('same': --model turned around; enables unrelated)",
    )
    p.add_argument(
        "--device", help="device of --model and --reverse-model: auto, cpu, cuda, cuda:N"
    )
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="fit --model's low-confidence and length-ratio thresholds (and --reverse-model's "
        "unrelated threshold) on --src/--ref and save them",
    )
    p.add_argument("--ref", type=Path, help="human reference for --calibrate")


def load_model(model: str, device: str | None) -> Any:
    """``--model`` loaded as ``fa2en translate`` loads it (backend ``auto``: CTranslate2's
    ``score_batch`` where it runs, else transformers teacher forcing)."""
    from fa2en.translator import Translator

    return Translator.load(model, device or "auto")


Scores = list[float | None]


def model_scores(
    args: argparse.Namespace, sources: Sequence[str], outputs: Sequence[str]
) -> tuple[Scores, Scores]:
    """Each line's forced-decoding confidence under ``--model`` and its reverse score,
    log p(source | output), under ``--reverse-model`` (None where not asked or not scored).

    Each model is loaded once; ``--reverse-model same`` shares ``--model``'s loaded weights.
    """
    from fa2en.normalize import DEFAULT as DEFAULT_NORMALIZER
    from fa2en.quality.reverse import ReverseScorer, plan_reverse, reverse_scores_of

    none: Scores = [None] * len(sources)
    # a wrong --reverse-model fails before any model is loaded
    plan = plan_reverse(args.reverse_model, args.model) if args.reverse_model else None
    translator = load_model(args.model, args.device) if args.model else None
    try:
        confidences = translator.score(sources, outputs) if translator else none
        reverse = none
        if plan is not None:
            scorer = ReverseScorer.load(plan, args.device or "auto", DEFAULT_NORMALIZER, translator)
            try:
                reverse = reverse_scores_of(scorer, sources, outputs)
            finally:
                scorer.close()
        return confidences, reverse
    finally:
        if translator is not None:
            translator.close()


def _config(args: argparse.Namespace) -> QualityConfig:
    """The thresholds for ``--model`` and ``--reverse-model``, with ``--quality-config`` over them."""
    reverse = reverse_name(args.reverse_model, args.model) if args.reverse_model else None
    return load_quality_config(args.model, args.quality_config, reverse)


def _aligned(src: Path, other: Path) -> tuple[list[str], list[str]]:
    sources, lines = read_lines(src), read_lines(other)
    if len(sources) != len(lines):
        raise InputFileError(
            f"{src} has {len(sources)} lines but {other} has {len(lines)}: the files must be line-aligned"
        )
    return sources, lines


def calibrate(args: argparse.Namespace) -> int:
    """``fa2en qa --calibrate``: fit and save ``--model``'s and ``--reverse-model``'s thresholds."""
    if not (args.model or args.reverse_model) or not args.ref:
        raise InputFileError(
            "--calibrate needs --model NAME and/or --reverse-model NAME, and --ref FILE (with --src)"
        )
    sources, refs = _aligned(args.src, args.ref)
    if len(sources) < MIN_LINES:  # said before any model is loaded
        raise InputFileError(
            f"{args.src}: calibration needs at least {MIN_LINES} lines with references; "
            f"it has {len(sources)}"
        )
    config = _config(args)
    confidences, reverse = model_scores(args, sources, refs)
    if args.model:
        known = [c for c in confidences if c is not None]
        fitted = fit_thresholds(sources, refs, known, config.of("length-ratio"))
        path = save_calibration(args.model, fitted)
        print(
            f"calibrated {args.model} on {len(known)} lines: {json.dumps(fitted)}; saved to {path}"
        )
    if args.reverse_model:
        name = reverse_name(args.reverse_model, args.model)
        scores = [r for r in reverse if r is not None]
        fitted = {"unrelated": {"min": fit_low_confidence(scores)}}
        path = save_calibration(name, fitted)
        print(
            f"calibrated {name} as reverse model on {len(scores)} lines: {json.dumps(fitted)}; "
            f"saved to {path}"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``fa2en qa``; flags are reported, never an error (exit 0)."""
    if args.calibrate:
        return calibrate(args)
    if args.hyp is None:
        raise InputFileError("fa2en qa needs --hyp FILE (the translation to check)")
    sources, outputs = _aligned(args.src, args.hyp)
    config = _config(args)
    confidences, reverse = model_scores(args, sources, outputs)
    skipped = []
    if not args.model:
        skipped.append("low-confidence: skipped (no --model to score the translation)")
    if not args.reverse_model:
        skipped.append("unrelated: skipped (no --reverse-model to score the sources)")
    flags = run_checks(
        [
            Candidate(s, o, c, reverse=r)
            for s, o, c, r in zip(sources, outputs, confidences, reverse, strict=True)
        ],
        config,
    )
    names = [[f.name for f in fl] for fl in flags]
    for line, fl in enumerate(flags, 1):
        if fl:
            print(f"line {line}: " + "; ".join(f"{f.name} ({f.reason})" for f in fl))
    for note in skipped:
        print(note)
    print(summary_line(names))
    if args.json:
        segments = [
            {
                "line": line,
                "flags": [f.name for f in fl],
                "reasons": {f.name: f.reason for f in fl},
                "confidence": conf,
                "reverse": rev,
            }
            for line, (fl, conf, rev) in enumerate(zip(flags, confidences, reverse, strict=True), 1)
        ]
        summary = {
            "lines": len(sources),
            "flagged": sum(1 for n in names if n),
            "by_flag": dict(flag_counts(names)),
            "skipped": skipped,
            "thresholds": list(config.sources),
        }
        args.json.write_text(
            json.dumps({"segments": segments, "summary": summary}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0
