"""``fa2en eval`` / ``scripts/eval.py``: score and compare systems on test sets."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from fa2en.errors import ConfigError, Fa2enError, exit_code
from fa2en.evaluate.data import TestSet, catalogue, from_files, load_testset, read_lines
from fa2en.evaluate.metrics import (
    DEFAULT_METRICS,
    METRICS,
    SIGNIFICANCE_TESTS,
    Significance,
    parse_metrics,
)
from fa2en.evaluate.published import TOLERANCE
from fa2en.presets import get_preset, licence_notice

#: Exit code of ``--check`` when a model does not reproduce its published score.
EXIT_NOT_REPRODUCED = 4
#: Options that must be positive integers when given (argparse dest -> option).
POSITIVE_OPTIONS = {
    "limit": "--limit",
    "samples": "--samples",
    "beams": "--beams",
    "max_tokens": "--max-tokens",
}

EXAMPLES = """examples:
  score an existing output (no model needed):
    scripts/eval.py --ref ../shared/data/flores200/devtest.en --hyp nllb600m=out.en --json r.json
  compare two models on two test sets, with a report:
    scripts/eval.py --testset flores200-devtest ntrex128 --model nllb-200-distilled-600M --model m2m100_418M --out eval/
"""


def eval_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``eval`` subcommand (or build a standalone parser when ``sub`` is None)."""
    kw: dict[str, Any] = {
        "description": "Score and compare Persian-English MT systems with sacrebleu.",
        "epilog": EXAMPLES,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
    p = (
        sub.add_parser("eval", help="score and compare systems", **kw)
        if sub
        else argparse.ArgumentParser(prog="eval.py", **kw)
    )
    p.add_argument("--testset", nargs="+", default=[], help="test sets from configs/testsets.yaml")
    p.add_argument("--list", action="store_true", help="list the test sets and exit")
    p.add_argument("--src", type=Path, help="source file (line-aligned with --ref)")
    p.add_argument("--ref", type=Path, help="reference file")
    p.add_argument(
        "--data-dir", type=Path, help="folder of the local test sets (default ../shared/data)"
    )
    p.add_argument("--limit", type=int, help="only the first N lines of each test set")
    p.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="[NAME=]MODEL",
        help="a model system (repeatable)",
    )
    p.add_argument(
        "--hyp",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="existing outputs (repeatable)",
    )
    p.add_argument(
        "--metrics",
        default=DEFAULT_METRICS,
        help=f"comma list from: {', '.join(METRICS)} (default {DEFAULT_METRICS})",
    )
    p.add_argument("--baseline", help="system the others are compared with (default: the first)")
    p.add_argument(
        "--significance",
        choices=list(SIGNIFICANCE_TESTS),
        default="bs",
        help="paired bootstrap resampling (bs) or approximate randomisation (ar)",
    )
    p.add_argument(
        "--samples", type=int, default=1000, help="bootstrap samples / randomisation trials"
    )
    p.add_argument(
        "--out", type=Path, help="write hypotheses, results.json, report.md and chart.png here"
    )
    p.add_argument("--json", type=Path, help="write the results as JSON to this file")
    p.add_argument(
        "--check",
        action="store_true",
        help=f"exit {EXIT_NOT_REPRODUCED} when a model's BLEU or chrF is more than {TOLERANCE:g} "
        "below its published score",
    )
    p.add_argument(
        "--reverse-model",
        metavar="NAME",
        help="an English->Persian model that scores every system's lines backwards: adds the "
        "unrelated flag to the flag counts, precision and recall",
    )
    p.add_argument("--device", default="auto")
    p.add_argument("--backend", default="auto", choices=["auto", "transformers", "ctranslate2"])
    p.add_argument("--dtype", default="auto")
    p.add_argument("--beams", type=int)
    p.add_argument("--max-tokens", type=int)
    if not sub:  # ``fa2en`` has its own -v before the subcommand
        p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p


def check_options(args: argparse.Namespace) -> Significance:
    """Check option values before any work (one-line errors); return the significance settings."""
    values = vars(args)
    for dest, option in POSITIVE_OPTIONS.items():
        if values.get(dest) is not None and values[dest] < 1:
            raise ConfigError(f"{option} must be a positive integer, got {values[dest]}")
    if args.significance not in SIGNIFICANCE_TESTS:
        raise ConfigError(
            f"--significance must be one of {', '.join(SIGNIFICANCE_TESTS)}, got {args.significance!r}"
        )
    return Significance(args.significance, args.samples)


def _named_by_catalogue(ref: Path) -> str:
    """The catalogue name of a reference file when it is one of the known sets, else its stem."""
    root, sets = catalogue()
    for name, spec in sets.items():
        if "ref" in spec and (root / spec["ref"]).resolve() == ref.resolve():
            return name
    return ref.stem


def testsets_from(args: argparse.Namespace) -> list[TestSet]:
    """The test sets the arguments name."""
    sets = [load_testset(n, args.data_dir, args.limit) for n in args.testset]
    if args.ref:
        name = _named_by_catalogue(args.ref)
        if args.src:
            ts = from_files(args.src, args.ref, name)
        else:
            ref = read_lines(args.ref)
            if not ref:
                raise Fa2enError(f"{args.ref} is empty")
            ts = TestSet(name, [], ref, origin=str(args.ref))
        sets.append(ts.limited(args.limit))
    elif args.src:
        raise Fa2enError("--src needs --ref")
    if not sets:
        raise Fa2enError("no test set: give --testset NAME (see --list) or --ref FILE")
    return sets


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the evaluation described by ``args``; 0, or 4 under ``--check`` when a score is short."""
    from fa2en.evaluate.report import comparison_lines, results_json, table, write_outputs
    from fa2en.evaluate.run import evaluate, parse_system

    if args.list:
        root, sets = catalogue()
        for name, spec in sets.items():
            where = f"hub:{spec['hub']['path']}" if "hub" in spec else f"{root}/{spec['src']}"
            print(f"{name:<22}{spec.get('domain', ''):<42}{where}")
        return 0
    significance = check_options(args)
    metrics = parse_metrics(args.metrics)
    # sacrebleu logs INFO lines per metric and system: only with -v
    logging.getLogger("sacrebleu").setLevel(logging.NOTSET if args.verbose else logging.WARNING)
    testsets = testsets_from(args)
    systems = [parse_system(s, "model") for s in args.model] + [
        parse_system(s, "hyp") for s in args.hyp
    ]
    if any(s.hyp_file for s in systems) and len(testsets) > 1:
        raise Fa2enError(
            "--hyp files belong to one test set; give a single --testset (or --ref) with them"
        )
    for model in dict.fromkeys(s.model for s in systems if s.model):
        preset = get_preset(model)
        notice = licence_notice(preset) if preset else None
        if notice:
            print(notice, file=sys.stderr)

    def load(model: str) -> Any:
        from fa2en.translator import Translator

        return Translator.load(
            model,
            args.device,
            backend=args.backend,
            dtype=args.dtype,
            num_beams=args.beams,
            max_tokens=args.max_tokens,
        )

    reverse = None
    if args.reverse_model:
        from fa2en.normalize import DEFAULT as DEFAULT_NORMALIZER
        from fa2en.quality.reverse import SAME, ReverseScorer, plan_reverse

        if args.reverse_model == SAME:
            raise ConfigError(
                "--reverse-model same: eval scores several systems; name the reverse model "
                "(e.g. the multilingual model itself: --reverse-model nllb-200-distilled-600M)"
            )
        plan = plan_reverse(args.reverse_model, None)
        reverse = ReverseScorer.load(plan, args.device, DEFAULT_NORMALIZER)
    try:
        rows, hyps, notes = evaluate(
            testsets,
            systems,
            metrics,
            baseline=args.baseline,
            significance=significance,
            load_translator=load,
            reverse=reverse,
        )
    finally:
        if reverse is not None:
            reverse.close()
    for ts in dict.fromkeys(r.testset for r in rows):
        print(f"\n{ts}\n{table(rows, ts)}")
    for sig in dict.fromkeys(v for r in rows for v in r.signature.values()):
        print(f"signature: {sig}")
    compared = comparison_lines(rows)
    if compared:
        print("", *compared, sep="\n")
    if args.out:
        notes = write_outputs(args.out, rows, hyps, notes)
        print(
            f"\nwrote {args.out}/report.md, results.json, hyps/"
            + (", chart.png" if (args.out / "chart.png").exists() else "")
        )
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(results_json(rows, notes), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    short = any(r.published and not r.published.reproduced for r in rows)
    return EXIT_NOT_REPRODUCED if args.check and short else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``scripts/eval.py``."""
    args = eval_parser(None).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "huggingface_hub", "transformers", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return cmd_eval(args)
    except Fa2enError as exc:
        print(f"eval: error: {exc}", file=sys.stderr)
        return exit_code(exc)
