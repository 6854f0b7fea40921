"""The batch job behind ``fa2en translate``: many article files in, the same shapes in English out.

Flow: discover input files -> read and segment each (bad files are reported and skipped) -> skip
outputs the manifest says are complete -> translate the sentences of all remaining files together,
in waves of about ``wave_sentences`` (one model load; length-sorted batches across files; identical
sentences translated once) -> write each file atomically as its wave finishes -> summary.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fa2en.errors import Fa2enError, InputFileError
from fa2en.formats import decode, detect_format, make_format
from fa2en.manifest import Manifest, atomic_write, remove_stale_temporaries, sha256_bytes
from fa2en.normalize import Normalizer
from fa2en.segment import Document

log = logging.getLogger("fa2en.job")


@dataclass
class JobOptions:
    """Everything ``fa2en translate`` can be told; defaults come from ``configs/defaults.yaml``."""

    model: str | None = None
    device: str = "auto"
    backend: str = "auto"
    dtype: str = "auto"
    beams: int | None = None
    max_tokens: int | None = None
    batch_size: int = 64
    normalize: bool = True
    digits: str = "ascii"
    remove_diacritics: bool = False
    format: str | None = None
    fields: list[str] = field(default_factory=lambda: ["text"])
    column: str = "text"
    wrapped: bool | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    overwrite: bool = False
    dry_run: bool = False
    quiet: bool = False
    wave_sentences: int = 20000
    threads: int = 0
    devices: str | None = None
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    gpus_per_actor: float = 0.0

    def normalizer(self) -> Normalizer | None:
        """The normaliser these options ask for (``None``: ``--normalize false``)."""
        return (
            Normalizer(digits=self.digits, remove_diacritics=self.remove_diacritics)
            if self.normalize
            else None
        )

    def signature(self, fmt: str) -> str:
        """What an output depends on: model, decoding, normalisation and format options."""
        keep = {
            k: getattr(self, k)
            for k in (
                "model",
                "backend",
                "dtype",
                "beams",
                "normalize",
                "digits",
                "remove_diacritics",
                "wrapped",
            )
        }
        keep |= {
            "format": fmt,
            "fields": self.fields if fmt == "jsonl" else None,
            "column": self.column if fmt == "tsv" else None,
        }
        return json.dumps(keep, sort_keys=True)


@dataclass
class FileTask:
    """One input file on its way through the job; its content is loaded only while in use."""

    source: Path
    rel: str
    fmt: str
    sha256: str = ""
    n_sentences: int = 0
    text: str = ""
    docs: list[Document] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        """All sentences of the file, in order."""
        return [s for d in self.docs for s in d.sentences]

    def unload(self) -> None:
        """Drop the content (the job holds at most one wave of files in memory)."""
        self.text, self.docs = "", []


@dataclass
class Summary:
    """What a run did; printed at the end and written to ``OUTDIR/.fa2en-run.json``."""

    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    sentences: int = 0
    src_tokens: int = 0
    out_tokens: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float:
        """Source plus output tokens per second of the run."""
        return (self.src_tokens + self.out_tokens) / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        lines = [
            f"files: {self.done} done, {self.skipped} skipped, {len(self.failed)} failed"
            + (" (interrupted: rerun the same command to finish)" if self.interrupted else ""),
            f"paragraphs: {self.paragraphs}  sentences: {self.sentences}  source tokens: {self.src_tokens}  "
            f"output tokens: {self.out_tokens}",
            f"time: {self.seconds:.1f}s  ({self.tokens_per_second:,.0f} tokens/s)",
        ]
        lines += [f"failed: {path}: {why}" for path, why in self.failed]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def event(name: str, **fields: Any) -> None:
    """A structured log line: ``event=NAME key=value ...``."""
    log.info(
        "event=%s %s",
        name,
        " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()),
    )


def _matches(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(Path(rel).name, p) for p in patterns)


def _folder_files(root: Path, out_resolved: Path) -> Iterator[tuple[Path, str]]:
    """Files under ``root`` with their relative paths (hidden files and the output folder left out)."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and out_resolved not in path.resolve().parents
            and not any(part.startswith(".") for part in rel.parts)
        ):
            yield path, rel.as_posix()


def discover(inputs: list[Path], outdir: Path, opts: JobOptions) -> list[FileTask]:
    """Input files with their output paths relative to ``outdir`` (folders mirrored)."""
    out_resolved = outdir.resolve()
    tasks: list[FileTask] = []
    for inp in inputs:
        if not inp.exists():
            raise InputFileError(f"{inp}: no such file or folder")
        if inp.is_file():
            if not _matches(inp.name, opts.exclude):
                tasks.append(FileTask(inp, inp.name, detect_format(inp, opts.format)))
            continue
        root = inp.resolve()
        if root == out_resolved or out_resolved in root.parents:
            raise InputFileError(
                f"{inp}: the output folder {outdir} would overwrite the input; choose another -o folder"
            )
        prefix = f"{root.name}/" if len(inputs) > 1 else ""
        for path, rel in _folder_files(root, out_resolved):
            if (opts.include and not _matches(rel, opts.include)) or _matches(rel, opts.exclude):
                continue
            tasks.append(FileTask(path, prefix + rel, detect_format(path, opts.format)))
    seen: dict[str, Path] = {}
    for t in tasks:
        if t.rel in seen:
            raise InputFileError(
                f"{t.source} and {seen[t.rel]} would both be written to {outdir / t.rel}"
            )
        seen[t.rel] = t.source
        if (outdir / t.rel).resolve() == t.source.resolve():
            raise InputFileError(
                f"{t.source}: the output would overwrite the input; choose another -o folder"
            )
    return tasks


def load_task(task: FileTask, opts: JobOptions) -> None:
    """Read, decode and segment one file (raises :class:`InputFileError` with the reason)."""
    try:
        data = task.source.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}") from exc
    task.text = decode(data)
    fmt = make_format(task.fmt, fields=opts.fields, column=opts.column, wrapped=opts.wrapped)
    task.docs = fmt.parse(task.text)
    task.sha256 = sha256_bytes(data)
    task.n_sentences = len(task.sentences)


def render(task: FileTask, translations: dict[str, str], opts: JobOptions) -> bytes:
    """The translated file's bytes."""
    fmt = make_format(task.fmt, fields=opts.fields, column=opts.column, wrapped=opts.wrapped)
    rebuilt = [d.rebuild([translations[s] for s in d.sentences]) for d in task.docs]
    return fmt.render(task.text, task.docs, rebuilt).encode("utf-8")


def _waves(tasks: list[FileTask], size: int) -> Iterator[list[FileTask]]:
    wave: list[FileTask] = []
    count = 0
    for t in tasks:
        wave.append(t)
        count += t.n_sentences
        if count >= size:
            yield wave
            wave, count = [], 0
    if wave:
        yield wave


def run_job(
    inputs: list[Path],
    outdir: Path,
    opts: JobOptions,
    load_translator: Callable[[], Any],
    progress: Any = None,
) -> Summary:
    """Translate ``inputs`` into ``outdir``; return the summary.

    ``load_translator`` is called once, and only if there is work: it returns a translator, or for a
    dry run (``opts.dry_run``) a function that counts the source tokens of a list of sentences.

    ``progress``: a tqdm-like bar (``total``, ``update``, ``refresh``) advanced per sentence.
    """
    t0 = time.perf_counter()
    summary = Summary()
    tasks = discover(inputs, outdir, opts)
    manifest = Manifest(outdir)
    if not opts.dry_run and (n := remove_stale_temporaries(outdir)):
        event("cleanup", removed_temporary_files=n)
    pending: list[FileTask] = []
    counter = _TokenCounter(load_translator) if opts.dry_run else None
    for task in tasks:  # first pass: check, count and skip, one file in memory at a time
        try:
            load_task(task, opts)
        except InputFileError as exc:
            _failed(summary, task, exc)
            continue
        summary.paragraphs += sum(d.n_paragraphs for d in task.docs)
        if _skip(task, outdir, opts, manifest, summary):
            continue
        if counter:
            summary.src_tokens += counter(task.sentences)
        task.unload()
        pending.append(task)
    summary.sentences = sum(t.n_sentences for t in pending)
    if opts.dry_run:
        summary.done = len(pending)
        summary.notes += counter.notes if counter else []
    elif pending:
        translator = load_translator()
        try:
            _translate(pending, outdir, opts, manifest, summary, translator, progress)
        except KeyboardInterrupt:
            summary.interrupted = True
            event("interrupted", done=summary.done)
        finally:
            report = getattr(translator, "report", None)
            if report is not None:
                summary.notes += [
                    f"{d}; its unfinished batches were redone by the others" for d in report.died
                ]
            if hasattr(translator, "close"):
                translator.close()
    summary.seconds = time.perf_counter() - t0
    if not opts.dry_run:
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / ".fa2en-run.json").write_text(
            json.dumps(asdict(summary), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return summary


def _failed(summary: Summary, task: FileTask, exc: InputFileError) -> None:
    summary.failed.append((str(task.source), str(exc)))
    event("failed", file=str(task.source), reason=str(exc))


def _skip(
    task: FileTask, outdir: Path, opts: JobOptions, manifest: Manifest, summary: Summary
) -> bool:
    """True (and counted) when the output is complete, or is a file fa2en did not write."""
    if opts.overwrite or opts.dry_run:
        return False
    if manifest.is_complete(task.rel, task.sha256, opts.signature(task.fmt)):
        summary.skipped += 1
        event("skipped", file=task.rel, reason="complete")
        return True
    if (outdir / task.rel).exists() and not manifest.knows(task.rel):
        summary.skipped += 1
        summary.notes.append(
            f"{outdir / task.rel} exists and was not written by fa2en; kept (use --overwrite)"
        )
        return True
    return False


class _TokenCounter:
    """For --dry-run: counts source tokens with the tokenizer, loaded on first use (no weights)."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self.load = load
        self.count: Any = None
        self.notes: list[str] = []

    def __call__(self, sentences: list[str]) -> int:
        if self.count is None and not self.notes:
            try:
                self.count = self.load()
            except Fa2enError as exc:
                self.notes.append(f"tokens not counted: {exc}")
        return sum(self.count(sentences)) if self.count and sentences else 0


def _translate(
    pending: list[FileTask],
    outdir: Path,
    opts: JobOptions,
    manifest: Manifest,
    summary: Summary,
    translator: Any,
    progress: Any,
) -> None:
    """Second pass: wave by wave, load the files, translate their sentences together, write them."""
    if progress is not None:
        progress.total = summary.sentences
        progress.refresh()
    for wave in _waves(pending, opts.wave_sentences):
        loaded = []
        for task in wave:
            try:
                load_task(task, opts)
                loaded.append(task)
            except InputFileError as exc:  # changed or vanished since the first pass
                _failed(summary, task, exc)
        sentences = list(dict.fromkeys(s for t in loaded for s in t.sentences))
        before_src, before_out = translator.stats.src_tokens, translator.stats.out_tokens
        outputs = translator.translate(
            sentences, progress=progress.update if progress is not None else None
        )
        if progress is not None:  # repeated sentences were translated once; count them done too
            progress.update(sum(t.n_sentences for t in loaded) - len(sentences))
        summary.src_tokens += translator.stats.src_tokens - before_src
        summary.out_tokens += translator.stats.out_tokens - before_out
        translations = dict(zip(sentences, outputs, strict=True))
        for task in loaded:
            data = render(task, translations, opts)
            atomic_write(
                outdir / task.rel,
                data,
                before_rename=lambda t=task, d=data: manifest.record(
                    t.rel, t.sha256, opts.signature(t.fmt), d, t.n_sentences
                ),
            )
            summary.done += 1
            event("done", file=task.rel, sentences=task.n_sentences)
            task.unload()


def translate_stream(text: str, opts: JobOptions, translator: Any) -> str:
    """Translate one document given as text (``fa2en translate -``)."""
    fmt = make_format(
        opts.format or "text", fields=opts.fields, column=opts.column, wrapped=opts.wrapped
    )
    task = FileTask(Path("-"), "-", opts.format or "text", text=text, docs=fmt.parse(text))
    sentences = list(dict.fromkeys(task.sentences))
    translations = dict(zip(sentences, translator.translate(sentences), strict=True))
    return render(task, translations, opts).decode("utf-8")


def print_summary(summary: Summary) -> None:
    """The final summary, on standard error."""
    print(str(summary), file=sys.stderr)
