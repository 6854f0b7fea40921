"""The ``fa2en`` command line: it parses and prints; the work is done by the modules it calls.

Exit codes: 0 all done, 1 some files (or sentences) failed, 2 usage or configuration error, 3 model
or device unavailable, 4 a published score not reproduced (``eval --check``), 130 interrupted.
Errors are one line on standard error; ``--debug`` shows the traceback too.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fa2en.errors import Fa2enError, InputFileError, exit_code

log = logging.getLogger("fa2en")

#: Loggers of libraries fa2en uses that speak up too much unless ``-v``.
NOISY_LOGGERS = (
    "httpx",
    "huggingface_hub",
    "transformers",
    "urllib3",
    "filelock",
    "sacrebleu",
    "ray",
)


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def translate_parser(sub: Any) -> None:
    """Options of ``fa2en translate`` (every default is None: configs/defaults.yaml fills them)."""
    from fa2en.backends import backend_names
    from fa2en.backends.ct2 import COMPUTE_TYPES
    from fa2en.backends.hf import PRECISIONS
    from fa2en.facts import DATE_POLICIES
    from fa2en.formats import format_names
    from fa2en.normalize import DIGIT_MODES
    from fa2en.options import ENGINES

    p = sub.add_parser(
        "translate",
        help="translate files, folders or stdin",
        description="Translate Persian files to English.",
    )
    p.add_argument("inputs", nargs="+", help="files, folders (recursive) or - for stdin to stdout")
    job = p.add_argument_group("job")
    job.add_argument("-o", "--output", type=Path, help="output folder (mirrors the input folders)")
    job.add_argument("--config", type=Path, help="YAML file of options (see configs/gpu-job.yaml)")
    job.add_argument(
        "--overwrite",
        action="store_true",
        default=None,
        help="redo complete and hand-edited outputs",
    )
    job.add_argument(
        "--dry-run",
        action="store_true",
        default=None,
        help="count files, sentences and tokens only",
    )
    job.add_argument("--quiet", action="store_true", default=None, help="no progress bar")
    job.add_argument(
        "--wave-sentences", type=int, help="sentences translated together before writing"
    )
    model = p.add_argument_group("model and decoding")
    model.add_argument("--model", help="preset name, hub id or checkpoint folder")
    model.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps")
    model.add_argument("--backend", choices=backend_names())
    model.add_argument(
        "--dtype",
        "--precision",
        dest="dtype",
        choices=["auto", *dict.fromkeys([*PRECISIONS, *COMPUTE_TYPES])],
    )
    model.add_argument("--beams", type=int, help="beam size (default: the preset's)")
    model.add_argument("--max-tokens", type=int, help="padded source tokens per batch")
    model.add_argument("--batch-size", type=int, help="most sentences per batch")
    inputs = p.add_argument_group("input")
    inputs.add_argument("--format", choices=format_names(), help="override the extension")
    inputs.add_argument("--fields", nargs="+", help="JSONL fields to translate (default: text)")
    inputs.add_argument("--column", help="TSV column to translate (default: text)")
    inputs.add_argument(
        "--wrapped", type=_bool, metavar="BOOL", help="the input is hard-wrapped (default: detect)"
    )
    inputs.add_argument(
        "--include", action="append", help="glob of files to take from folders (repeatable)"
    )
    inputs.add_argument(
        "--exclude", action="append", help="glob of files to leave out (repeatable)"
    )
    norm = p.add_argument_group("normalisation")
    norm.add_argument(
        "--normalize", type=_bool, metavar="BOOL", help="normalise Persian first (default true)"
    )
    norm.add_argument("--digits", choices=DIGIT_MODES, help="normalise digits to (default ascii)")
    norm.add_argument("--remove-diacritics", type=_bool, metavar="BOOL")
    check = p.add_argument_group("checks, repair and facts")
    check.add_argument(
        "--no-review",
        dest="review",
        action="store_false",
        default=None,
        help="no quality checks, repair or review page (OUTDIR/.fa2en-review/)",
    )
    check.add_argument(
        "--repair", type=_bool, metavar="BOOL", help="retranslate flagged sentences (default true)"
    )
    check.add_argument("--quality-config", help="YAML file overriding the quality thresholds")
    check.add_argument(
        "--fallback-model", help="a second model that retranslates flagged sentences"
    )
    check.add_argument(
        "--reverse-model",
        metavar="NAME",
        help="an English->Persian model (or 'same': the multilingual model itself) that scores how "
        "well each output explains its source (the unrelated check)",
    )
    check.add_argument(
        "--facts",
        type=_bool,
        metavar="BOOL",
        help="keep numbers, dates and glossary terms (default true)",
    )
    check.add_argument(
        "--dates", choices=DATE_POLICIES, help="write Persian calendar dates as (default gregorian)"
    )
    check.add_argument(
        "--year", type=int, help="Solar Hijri year of dates written without one, e.g. 1395"
    )
    check.add_argument("--glossary", help="TSV style sheet: Persian, English, optional note")
    check.add_argument(
        "--date-field", help="JSONL field or TSV column with each record's date (completes years)"
    )
    scale = p.add_argument_group("scale-out")
    scale.add_argument(
        "--threads", type=int, help="CPU threads (0: all; with --workers: per worker)"
    )
    scale.add_argument("--devices", help="GPUs to use, one worker each: 0,1,2,3 or all")
    scale.add_argument(
        "--workers", type=int, help="CPU worker processes (each loads the model once)"
    )
    scale.add_argument(
        "--engine", choices=ENGINES, help="local processes (default) or a Ray cluster"
    )
    scale.add_argument(
        "--ray-address", help="Ray cluster address (default: start Ray on this machine)"
    )
    scale.add_argument("--gpus-per-actor", type=float, help="GPUs per Ray actor (0: CPU actors)")


def cmd_translate(args: argparse.Namespace) -> int:
    """Run ``fa2en translate``."""
    from fa2en.engines import open_engine
    from fa2en.job import run_job, translate_stream
    from fa2en.options import merge_options
    from fa2en.summary import print_summary

    opts = merge_options(args.config, vars(args))
    _licence_notice(opts.model)
    if args.inputs == ["-"]:
        data = sys.stdin.buffer.read()
        from fa2en.formats import decode

        decode(data, "<stdin>")  # a bad input fails before the model loads
        engine = open_engine(opts)
        try:
            sys.stdout.write(translate_stream(data, opts, engine))
        finally:
            engine.close()
        return 0
    if "-" in args.inputs:
        raise Fa2enError("'-' (stdin) cannot be mixed with files or folders")
    if args.output is None:
        raise Fa2enError("an output folder is needed: -o OUTDIR")
    bar = None
    if not opts.quiet and not opts.dry_run and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="sent", dynamic_ncols=True, desc="translating")
    summary = run_job(
        [Path(p) for p in args.inputs], args.output, opts, lambda: open_engine(opts), bar
    )
    if bar is not None:
        bar.close()
    if opts.dry_run:
        print(
            f"dry run: {summary.done} files to translate ({summary.skipped} complete, {summary.kept} kept, "
            f"{len(summary.failed)} unreadable), {summary.paragraphs} paragraphs, {summary.sentences} sentences, "
            f"{summary.src_tokens} source tokens",
            file=sys.stderr,
        )
        for note in summary.notes:
            print(f"note: {note}", file=sys.stderr)
        for path, why in summary.failed:
            print(f"failed: {path}: {why}", file=sys.stderr)
    else:
        print_summary(summary)
    if summary.interrupted:
        return 130
    return 1 if summary.failed else 0


def _licence_notice(model: str | None) -> None:
    """One notice line on standard error when the model's licence forbids commercial use."""
    from fa2en.presets import DEFAULT_MODEL, get_preset, licence_notice

    preset = get_preset(model or DEFAULT_MODEL)
    notice = licence_notice(preset) if preset else None
    if notice:
        print(notice, file=sys.stderr)


def cmd_models(args: argparse.Namespace) -> int:
    """List the presets, and whether each is already in models/."""
    from fa2en.presets import load_presets, models_dir

    print(
        f"{'name':<32}{'family':<9}{'codes':<20}{'params':>7}{'disk':>9}  {'licence':<20}hub id / local"
    )
    for p in load_presets().values():
        codes = f"{p.src_lang}->{p.tgt_lang}" if p.src_lang else "(plain text)"
        local = models_dir() / p.name
        where = f"{local} (local)" if local.is_dir() else p.hub_id
        licence = p.licence + (" (non-commercial)" if p.non_commercial else "")
        print(f"{p.name:<32}{p.family:<9}{codes:<20}{p.params:>7}{p.disk:>9}  {licence:<20}{where}")
    print("\nAny checkpoint folder or hub id works too: fa2en translate --model PATH_OR_ID ...")
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    """Fetch a model into models/."""
    from fa2en.download import download

    print(f"saved {args.model} to {download(args.model, args.name)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``fa2en`` argument parser with every subcommand."""
    from fa2en.evaluate.cli import eval_parser

    ap = argparse.ArgumentParser(
        prog="fa2en", description="Persian to English machine translation of news articles."
    )
    ap.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="debug logging, library warnings and progress bars",
    )
    ap.add_argument("--debug", action="store_true", help="show the traceback of an error")
    ap.add_argument(
        "--presets", type=Path, metavar="DIR", help="a folder of your own preset YAML files"
    )
    sub = ap.add_subparsers(dest="command", required=True)
    translate_parser(sub)
    sub.add_parser("models", help="list the model presets")
    dl = sub.add_parser("download", help="fetch a model into models/ (needs the Hugging Face hub)")
    dl.add_argument("model", help="a preset name (see 'fa2en models') or a hub id such as org/name")
    dl.add_argument(
        "--name", help="folder name under models/ (default: the preset name or the id's last part)"
    )
    eval_parser(sub)
    for module in _feature_commands().values():
        module.add_parser(sub)
    return ap


def _feature_commands() -> dict[str, Any]:
    """Subcommands that live beside their feature, by name: modules with ``add_parser`` and ``run``."""
    from fa2en.facts import cli as facts_cli
    from fa2en.quality import cli as qa_cli

    return {"qa": qa_cli, "facts": facts_cli}


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "translate": cmd_translate,
    "models": cmd_models,
    "download": cmd_download,
}


def quiet_libraries(verbose: bool) -> None:
    """Silence library loggers and progress bars (transformers' weight loading, sacrebleu INFO)."""
    level = logging.DEBUG if verbose else logging.ERROR
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    if not verbose:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fa2en`` command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    quiet_libraries(args.verbose)
    if args.presets:
        from fa2en.presets import PRESETS_ENV

        os.environ[PRESETS_ENV] = os.pathsep.join(
            p for p in (str(args.presets), os.environ.get(PRESETS_ENV)) if p
        )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from fa2en.evaluate.cli import cmd_eval

        features = _feature_commands()
        if args.command in features:
            return int(features[args.command].run(args))
        return COMMANDS.get(args.command, cmd_eval)(args)
    except Fa2enError as exc:
        if args.debug:
            raise
        print(f"fa2en: error: {exc}", file=sys.stderr)
        stdin = args.command == "translate" and args.inputs == ["-"]
        return 1 if isinstance(exc, InputFileError) and stdin else exit_code(exc)
    except KeyboardInterrupt:
        print("fa2en: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line, the traceback with --debug
        if args.debug:
            raise
        print(
            f"fa2en: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


def entry() -> int:
    """The ``fa2en`` console command: :func:`main`, ending quietly when its output pipe closes."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `fa2en models | head`
    return main()


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM behaves like Ctrl-C: the job stops cleanly and keeps what it finished."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(entry())
