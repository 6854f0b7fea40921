"""The batch job behind ``fa2en translate``: many article files in, the same shapes in English out.

Flow: check the output folder -> discover input files -> first pass: read and segment each (bad
files are reported and skipped), skip outputs that are complete, edited by hand or not fa2en's ->
open the engine (only if there is work) -> translate the sentences of the remaining files together,
in waves of about ``wave_sentences`` -> write each file atomically as its wave finishes -> summary.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fa2en import __version__
from fa2en.checking import Checker
from fa2en.engines import open_checker
from fa2en.errors import ConfigError, Fa2enError, InputFileError
from fa2en.formats import decode, make_format
from fa2en.inputs import discover
from fa2en.interfaces import SentenceTranslator
from fa2en.manifest import Manifest, atomic_write, remove_stale_temporaries, sha256_bytes
from fa2en.options import JobOptions
from fa2en.pipeline import TranslatedDocument, translate_documents
from fa2en.quality.review import REVIEW_DIR, SegmentRecord, write_review
from fa2en.segment import Document

log = logging.getLogger("fa2en.job")


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

    def unload(self) -> None:
        """Drop the content (the job holds at most one wave of files in memory)."""
        self.text, self.docs = "", []


@dataclass
class Summary:
    """What a run did; printed at the end and written to ``OUTDIR/.fa2en-run.json``."""

    done: int = 0
    skipped: int = 0
    kept: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    sentences: int = 0
    src_tokens: int = 0
    out_tokens: int = 0
    seconds: float = 0.0
    translate_seconds: float = 0.0
    interrupted: bool = False
    #: sentences checked, and how many were flagged by each reason (when checks are on)
    checked: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    flagged_sentences: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float:
        """Source plus output tokens per second of translation (model loading not counted)."""
        return (
            (self.src_tokens + self.out_tokens) / self.translate_seconds
            if self.translate_seconds
            else 0.0
        )

    def __str__(self) -> str:
        lines = [
            f"files: {self.done} done, {self.skipped} skipped, {self.kept} kept, {len(self.failed)} failed"
            + (" (interrupted: rerun the same command to finish)" if self.interrupted else ""),
            f"paragraphs: {self.paragraphs}  sentences: {self.sentences}  source tokens: {self.src_tokens}  "
            f"output tokens: {self.out_tokens}",
            f"time: {self.seconds:.1f}s  ({self.tokens_per_second:,.0f} tokens/s while translating)",
        ]
        if self.checked:
            reasons = ", ".join(
                f"{k} {v}" for k, v in sorted(self.flagged.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            lines.append(
                f"flagged: {self.flagged_sentences} of {self.checked} sentences"
                + (f" ({reasons})" if reasons else "")
                + "; see .fa2en-review/index.html"
            )
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


def check_outdir(outdir: Path, dry_run: bool) -> None:
    """Fail before any work when ``-o`` is a file or cannot be written (a dry run only checks)."""
    if outdir.exists() and not outdir.is_dir():
        raise ConfigError(f"-o {outdir}: is a file, not a folder; give a folder for the outputs")
    ancestor = outdir
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise ConfigError(f"-o {outdir}: cannot write there ({ancestor} is not a writable folder)")
    if not dry_run:
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"-o {outdir}: cannot create the folder ({exc.strerror or exc})"
            ) from exc


def load_task(task: FileTask, opts: JobOptions) -> None:
    """Read, decode and segment one file (raises :class:`InputFileError` with the reason)."""
    try:
        data = task.source.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}") from exc
    task.text = decode(data, str(task.source))
    task.docs = _format(task.fmt, opts).parse(task.text)
    task.sha256 = sha256_bytes(data)
    task.n_sentences = sum(len(d.sentences) for d in task.docs)


def _format(name: str, opts: JobOptions) -> Any:
    return make_format(name, fields=opts.fields, column=opts.column, wrapped=opts.wrapped)


def provenance(engine: SentenceTranslator) -> str:
    """What made an output: model, checkpoint fingerprint, engine, precision, device kind, version."""
    info = engine.describe()
    keys = ("model", "fingerprint", "backend", "precision", "num_beams")
    record = {k: info.get(k) for k in keys}
    record["device"] = str(info.get("device", "")).split(":")[0]
    record["fa2en"] = __version__
    return json.dumps(record, sort_keys=True)


def run_job(
    inputs: list[Path],
    outdir: Path,
    opts: JobOptions,
    open_engine: Callable[[], SentenceTranslator],
    progress: Any = None,
) -> Summary:
    """Translate ``inputs`` into ``outdir``; return the summary.

    ``open_engine`` is called once, and only if there is work (never for a dry run).
    ``progress``: a tqdm-like bar (``total``, ``update``, ``refresh``) advanced per sentence.
    """
    t0 = time.perf_counter()
    summary = Summary()
    check_outdir(outdir, opts.dry_run)
    found, summary.notes = discover(inputs, outdir, opts.include, opts.exclude, opts.format)
    manifest = Manifest(outdir)
    if not opts.dry_run and (n := remove_stale_temporaries(outdir)):
        event("cleanup", removed_temporary_files=n)
    tasks = [FileTask(f.source, f.rel, f.fmt) for f in found]
    pending, complete = _first_pass(tasks, opts, manifest, summary)
    summary.sentences = sum(t.n_sentences for t in pending)
    if opts.dry_run:
        summary.done = len(pending)
        _count_source_tokens(pending, opts, summary)
    else:
        _translate(pending, complete, outdir, opts, manifest, summary, open_engine, progress)
    summary.seconds = time.perf_counter() - t0
    if not opts.dry_run:
        (outdir / ".fa2en-run.json").write_text(
            json.dumps(asdict(summary), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return summary


def _first_pass(
    tasks: list[FileTask], opts: JobOptions, manifest: Manifest, summary: Summary
) -> tuple[list[FileTask], list[FileTask]]:
    """Check, count and sort out every file, one in memory at a time: (to translate, complete)."""
    pending, complete = [], []
    for task in tasks:
        try:
            load_task(task, opts)
        except InputFileError as exc:
            _failed(summary, task, str(exc))
            continue
        summary.paragraphs += sum(d.n_paragraphs for d in task.docs)
        task.unload()
        status = manifest.status(task.rel, task.sha256, opts.signature(task.fmt))
        if status == "foreign":
            summary.kept += 1
            summary.notes.append(
                f"{manifest.outdir / task.rel} exists and was not written by fa2en; kept "
                "(move it away to translate this file)"
            )
        elif status == "edited" and not opts.overwrite:
            summary.kept += 1
            summary.notes.append(
                f"{manifest.outdir / task.rel} was edited after fa2en wrote it; kept (--overwrite redoes it)"
            )
        elif status == "complete" and not opts.overwrite:
            summary.skipped += 1
            complete.append(task)
            event("skipped", file=task.rel, reason="complete")
        else:
            pending.append(task)
    return pending, complete


def _count_source_tokens(pending: list[FileTask], opts: JobOptions, summary: Summary) -> None:
    """For a dry run: source tokens of the files to translate, from the tokenizer alone (no weights)."""
    from fa2en.engines import token_counter

    if not pending:
        return
    try:
        count = token_counter(opts)
    except Fa2enError as exc:
        summary.notes.append(f"source tokens not counted: {exc}")
        return
    for task in pending:
        load_task(task, opts)
        summary.src_tokens += sum(count([s for d in task.docs for s in d.sentences]))
        task.unload()


def _failed(summary: Summary, task: FileTask, why: str) -> None:
    summary.failed.append((str(task.source), why))
    event("failed", file=str(task.source), reason=why)


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


def _translate(
    pending: list[FileTask],
    complete: list[FileTask],
    outdir: Path,
    opts: JobOptions,
    manifest: Manifest,
    summary: Summary,
    open_engine: Callable[[], SentenceTranslator],
    progress: Any,
) -> None:
    """Open the engine, redo complete files another engine made, and translate wave by wave."""
    if not pending:
        return  # complete outputs are left as they are: no engine needed
    engine = open_engine()
    checker = open_checker(opts, engine)
    records: list[SegmentRecord] = []
    try:
        current = provenance(engine)
        stale = [t for t in complete if manifest.entries[t.rel].provenance != current]
        if stale:
            summary.skipped -= len(stale)
            summary.notes.append(
                f"{len(stale)} complete output(s) were made by another model, engine, precision or "
                "device kind; redone so that the folder is consistent"
            )
            pending += stale
            summary.sentences += sum(t.n_sentences for t in stale)
        if progress is not None:
            progress.total = summary.sentences
            progress.refresh()
        for wave in _waves(pending, opts.wave_sentences):
            wave_records = _translate_wave(
                wave, outdir, opts, manifest, summary, checker, current, progress
            )
            records += wave_records
    except KeyboardInterrupt:
        summary.interrupted = True
        event("interrupted", done=summary.done)
    finally:
        summary.notes += engine.notes
        checker.close()
        engine.close()
        if opts.review and records:
            update_review(outdir, records)


def _translate_wave(
    wave: list[FileTask],
    outdir: Path,
    opts: JobOptions,
    manifest: Manifest,
    summary: Summary,
    checker: Checker,
    made_by: str,
    progress: Any,
) -> list[SegmentRecord]:
    """Load the wave's files, translate their sentences together, write each file.

    Returns the review records of the files written.
    """
    engine = checker.engine
    records: list[SegmentRecord] = []
    loaded = []
    for task in wave:
        try:
            load_task(task, opts)
            loaded.append(task)
        except InputFileError as exc:  # changed or vanished since the first pass
            _failed(summary, task, str(exc))
    before = (engine.stats.src_tokens, engine.stats.out_tokens)
    t0 = time.perf_counter()
    results = translate_documents(
        [d for t in loaded for d in t.docs],
        engine,
        progress.update if progress is not None else None,
    )
    summary.translate_seconds += time.perf_counter() - t0
    summary.src_tokens += engine.stats.src_tokens - before[0]
    summary.out_tokens += engine.stats.out_tokens - before[1]
    for task in loaded:
        mine, results = results[: len(task.docs)], results[len(task.docs) :]
        errors = [e for r in mine for e in r.errors]
        if errors:
            _failed(summary, task, f"{len(errors)} sentence(s) not translated; {errors[0]}")
            task.unload()
            continue
        data = (
            _format(task.fmt, opts)
            .render(task.text, task.docs, [r.text for r in mine])
            .encode("utf-8")
        )
        atomic_write(
            outdir / task.rel,
            data,
            before_rename=lambda t=task, d=data: manifest.record(
                t.rel, t.sha256, opts.signature(t.fmt), d, t.n_sentences, made_by
            ),
        )
        summary.done += 1
        event("done", file=task.rel, sentences=task.n_sentences)
        if opts.review:
            records += _records(task, mine, summary)
        task.unload()
    return records


def _records(
    task: FileTask, results: list[TranslatedDocument], summary: Summary
) -> list[SegmentRecord]:
    """The review records of one written file (positions count from 1), counted in the summary."""
    out: list[SegmentRecord] = []
    offset = 0
    for doc, result in zip(task.docs, results, strict=True):
        paragraphs = [seg.paragraph for seg in doc.segments if seg.kind == "sentence"]
        first = min(paragraphs, default=0)
        for para, sentence, checked in zip(
            paragraphs, doc.sentences, result.sentences, strict=True
        ):
            t = checked.translation
            out.append(
                SegmentRecord.build(
                    task.rel,
                    offset + para - first + 1,
                    len(out) + 1,
                    sentence,
                    t.text,
                    t.confidence,
                    checked.flags,
                    checked.repair,
                )
            )
            for flag in checked.flags:
                summary.flagged[flag.name] = summary.flagged.get(flag.name, 0) + 1
            summary.flagged_sentences += bool(checked.flags)
        offset += len(set(paragraphs))
    summary.checked += len(out)
    return out


def update_review(outdir: Path, records: list[SegmentRecord]) -> None:
    """Write the review of the whole folder: earlier runs' records of other files, and these."""
    import dataclasses

    path = outdir / REVIEW_DIR / "segments.jsonl"
    redone = {r.file for r in records}
    kept: list[SegmentRecord] = []
    if path.is_file():
        names = {f.name for f in dataclasses.fields(SegmentRecord)}
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
                record = SegmentRecord(**{k: v for k, v in data.items() if k in names})
            except (ValueError, TypeError):
                continue
            if record.file not in redone:
                kept.append(record)
    write_review(outdir, kept + records)


def translate_stream(data: bytes, opts: JobOptions, engine: SentenceTranslator) -> str:
    """Translate one document given as bytes (``fa2en translate -``); fails on a bad sentence."""
    text = decode(data, "<stdin>")
    fmt = _format(opts.format or "text", opts)
    docs = fmt.parse(text)
    checker = open_checker(opts, engine)
    try:
        results = translate_documents(docs, engine, digits=opts.digits, checker=checker)
    finally:
        checker.close()
    errors = [e for r in results for e in r.errors]
    if errors:
        raise InputFileError(f"<stdin>: {len(errors)} sentence(s) not translated; {errors[0]}")
    return str(fmt.render(text, docs, [r.text for r in results]))


def print_summary(summary: Summary) -> None:
    """The final summary, on standard error."""
    print(str(summary), file=sys.stderr)
