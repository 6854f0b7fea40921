"""The ``fa2en`` command line: a thin layer over :mod:`fa2en.job`, :mod:`fa2en.presets` and evaluation."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import yaml

from fa2en.errors import Fa2enError
from fa2en.evaluate.cli import cmd_eval, eval_parser
from fa2en.facts import cli as facts_cli
from fa2en.presets import config_dir, load_presets, models_dir

log = logging.getLogger("fa2en")


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def translate_parser(sub: Any) -> None:
    """Options of ``fa2en translate`` (every default is None: configs/defaults.yaml fills them)."""
    p = sub.add_parser(
        "translate",
        help="translate files, folders or stdin",
        description="Translate Persian files to English.",
    )
    p.add_argument("inputs", nargs="+", help="files, folders (recursive) or - for stdin to stdout")
    p.add_argument("-o", "--output", type=Path, help="output folder (mirrors the input folders)")
    p.add_argument("--config", type=Path, help="YAML file of options (see configs/gpu-job.yaml)")
    p.add_argument("--model", help="preset name, hub id or checkpoint folder")
    p.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps")
    p.add_argument("--backend", choices=["auto", "transformers", "ctranslate2"])
    p.add_argument(
        "--dtype",
        "--precision",
        dest="dtype",
        help="auto, float32, bfloat16, float16, int8, int8_float16",
    )
    p.add_argument("--beams", type=int)
    p.add_argument("--max-tokens", type=int, help="padded source tokens per batch")
    p.add_argument("--batch-size", type=int, help="most sentences per batch")
    p.add_argument(
        "--normalize",
        type=_bool,
        metavar="BOOL",
        help="normalise Persian before translating (default true)",
    )
    p.add_argument(
        "--digits", choices=["ascii", "persian", "keep"], help="normalise digits to (default ascii)"
    )
    p.add_argument("--remove-diacritics", type=_bool, metavar="BOOL")
    p.add_argument(
        "--format", choices=["text", "markdown", "jsonl", "tsv"], help="override the extension"
    )
    p.add_argument("--fields", nargs="+", help="JSONL fields to translate (default: text)")
    p.add_argument("--column", help="TSV column to translate (default: text)")
    p.add_argument(
        "--wrapped", type=_bool, metavar="BOOL", help="the input is hard-wrapped (default: detect)"
    )
    p.add_argument(
        "--include", action="append", help="glob of files to take from folders (repeatable)"
    )
    p.add_argument("--exclude", action="append", help="glob of files to leave out (repeatable)")
    p.add_argument(
        "--overwrite", action="store_true", default=None, help="redo complete outputs too"
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        default=None,
        help="count files, sentences and tokens only",
    )
    p.add_argument("--quiet", action="store_true", default=None, help="no progress bar")
    p.add_argument(
        "--wave-sentences", type=int, help="sentences translated together before writing"
    )
    p.add_argument("--threads", type=int, help="CPU threads (0: all; with --workers: per worker)")
    p.add_argument("--devices", help="GPUs to use, one worker each: 0,1,2,3 or all")
    p.add_argument("--workers", type=int, help="CPU worker processes (each loads the model once)")
    p.add_argument(
        "--engine", choices=["local", "ray"], help="local processes (default) or a Ray cluster"
    )
    p.add_argument("--ray-address", help="Ray cluster address (default: start Ray on this machine)")
    p.add_argument("--gpus-per-actor", type=float, help="GPUs per Ray actor (0: CPU actors)")


def merged_options(args: argparse.Namespace) -> Any:
    """JobOptions from configs/defaults.yaml, then --config, then the command line."""
    from fa2en.job import JobOptions

    known = {f.name for f in dataclasses.fields(JobOptions)}
    values: dict[str, Any] = {}
    for path in [config_dir() / "defaults.yaml", args.config]:
        if path is None:
            continue
        if not path.is_file():
            raise Fa2enError(f"config file not found: {path}")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = set(data) - known
        if unknown:
            raise Fa2enError(
                f"{path}: unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        values |= data
    values |= {k: v for k, v in vars(args).items() if k in known and v is not None}
    return JobOptions(**values)


def _load_kwargs(opts: Any, threads: int) -> dict[str, Any]:
    """Translator.load arguments (all but the device) for these options."""

    return {
        "model": opts.model,
        "backend": opts.backend,
        "dtype": opts.dtype,
        "num_beams": opts.beams,
        "max_tokens": opts.max_tokens,
        "max_batch_size": opts.batch_size,
        "normalize": opts.normalizer() or False,
        **({"ct2": {"threads": threads}} if threads else {}),
    }


def _translator_factory(opts: Any) -> Any:
    """A loader of the translator these options ask for: one process, a worker pool, or Ray."""
    from fa2en.parallel import WorkerPool, parse_devices, threads_for

    def load() -> Any:
        devices = parse_devices(opts.devices, opts.workers)
        if opts.engine == "ray":
            from fa2en.ray_engine import RayTranslator

            return RayTranslator(
                _load_kwargs(opts, opts.threads),
                _token_counter_factory(opts)(),
                address=opts.ray_address,
                actors=len(devices or [opts.device]),
                gpus_per_actor=opts.gpus_per_actor,
                max_batch_size=opts.batch_size,
            )
        if devices:
            threads = opts.threads or (threads_for(len(devices)) if devices[0] == "cpu" else 0)
            log.info(
                "event=workers count=%d devices=%s threads_per_worker=%d",
                len(devices),
                ",".join(devices),
                threads,
            )
            return WorkerPool(
                devices,
                _load_kwargs(opts, threads),
                _token_counter_factory(opts)(),
                threads_per_worker=threads,
                max_tokens=opts.max_tokens,
                max_batch_size=opts.batch_size,
            )
        if opts.threads:
            import torch

            torch.set_num_threads(opts.threads)
        from fa2en import Translator

        kwargs = _load_kwargs(opts, opts.threads)
        return Translator.load(kwargs.pop("model"), opts.device, **kwargs)

    return load


def _token_counter_factory(opts: Any) -> Any:
    """For --dry-run: a token counter from the tokenizer alone (no weights)."""

    def load() -> Any:
        from fa2en.loading import load_tokenizer, resolve

        tok = load_tokenizer(resolve(opts.model))
        norm = opts.normalizer() or (lambda t: " ".join(t.split()))
        return lambda texts: (
            [len(ids) for ids in tok([norm(t) for t in texts])["input_ids"]] if texts else []
        )

    return load


def cmd_translate(args: argparse.Namespace) -> int:
    """Run ``fa2en translate``."""
    from fa2en.job import print_summary, run_job, translate_stream

    opts = merged_options(args)
    if args.inputs == ["-"]:
        text = sys.stdin.read()
        sys.stdout.write(translate_stream(text, opts, _translator_factory(opts)()))
        return 0
    if "-" in args.inputs:
        raise Fa2enError("'-' (stdin) cannot be mixed with files or folders")
    if args.output is None:
        raise Fa2enError("an output folder is needed: -o OUTDIR")
    bar = None
    if not opts.quiet and not opts.dry_run and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="sent", dynamic_ncols=True, desc="translating")
    factory = _token_counter_factory(opts) if opts.dry_run else _translator_factory(opts)
    summary = run_job([Path(p) for p in args.inputs], args.output, opts, factory, bar)
    if bar is not None:
        bar.close()
    if opts.dry_run:
        print(
            f"dry run: {summary.done} files to translate ({summary.skipped} complete, {len(summary.failed)} unreadable), "
            f"{summary.paragraphs} paragraphs, {summary.sentences} sentences, "
            + (
                f"{summary.src_tokens} source tokens"
                if not summary.notes
                else "source tokens not counted"
            ),
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


def cmd_models(args: argparse.Namespace) -> int:
    """List the presets, and whether each is already in models/."""
    print(
        f"{'name':<32}{'family':<9}{'codes':<20}{'params':>7}{'disk':>9}  {'licence':<16}hub id / local"
    )
    for p in load_presets().values():
        codes = f"{p.src_lang}->{p.tgt_lang}" if p.src_lang else "(plain text)"
        local = models_dir() / p.name
        where = f"{local} (local)" if local.is_dir() else p.hub_id
        print(
            f"{p.name:<32}{p.family:<9}{codes:<20}{p.params:>7}{p.disk:>9}  {p.licence:<16}{where}"
        )
    print("\nAny checkpoint folder or hub id works too: fa2en translate --model PATH_OR_ID ...")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fa2en`` command."""
    ap = argparse.ArgumentParser(
        prog="fa2en", description="Persian to English machine translation of news articles."
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = ap.add_subparsers(dest="command", required=True)
    translate_parser(sub)
    sub.add_parser("models", help="list the model presets")
    eval_parser(sub)
    facts_cli.add_parser(sub)
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "huggingface_hub", "transformers", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if args.command == "translate":
            return cmd_translate(args)
        if args.command == "models":
            return cmd_models(args)
        if args.command == "facts":
            return facts_cli.run(args)
        return cmd_eval(args)
    except Fa2enError as exc:
        print(f"fa2en: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fa2en: interrupted", file=sys.stderr)
        return 130


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM behaves like Ctrl-C: the job stops cleanly and keeps what it finished."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
