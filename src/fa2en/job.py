"""The batch job behind ``fa2en translate``: many article files in, the same shapes in English out.

Flow: check the output folder -> discover input files -> first pass: read and segment each (bad
files are reported and skipped), skip outputs that are complete, edited by hand or not fa2en's ->
open the engine (only if there is work) -> translate the sentences of the remaining files together,
in waves of about ``wave_sentences`` -> write each file atomically as its wave finishes -> summary.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fa2en import __version__
from fa2en.checking import Checker
from fa2en.engines import check_reverse, open_checker, open_reverse
from fa2en.errors import Fa2enError, InputFileError
from fa2en.files import FileTask, check_outdir, file_format, load_task
from fa2en.formats import decode
from fa2en.inputs import discover
from fa2en.interfaces import SentenceTranslator
from fa2en.manifest import Manifest, atomic_write, remove_stale_temporaries
from fa2en.options import JobOptions
from fa2en.pipeline import TranslatedDocument, translate_documents
from fa2en.quality.reverse import ReversePlan
from fa2en.quality.review import SegmentRecord, append_review, rebuild_review, review_is_stale
from fa2en.summary import Summary, event

log = logging.getLogger("fa2en.job")


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
    reverse = check_reverse(opts)  # a wrong --reverse-model fails before any work, dry runs too
    found, summary.notes = discover(inputs, outdir, opts.include, opts.exclude, opts.format)
    manifest = Manifest(outdir)
    if not opts.dry_run and (n := remove_stale_temporaries(outdir)):
        event("cleanup", removed_temporary_files=n)
    tasks = [FileTask(f.source, f.rel, f.fmt) for f in found]
    pending, complete = _first_pass(tasks, opts, manifest, summary)
    summary.sentences = sum(t.n_sentences for t in pending)
    summary.paragraphs = sum(t.n_paragraphs for t in pending)
    if opts.dry_run:
        summary.done = len(pending)
        _count_source_tokens(pending, opts, summary)
    else:
        _translate(
            pending, complete, outdir, opts, manifest, summary, open_engine, reverse, progress
        )
        if opts.review and review_is_stale(outdir):  # an interrupted run's last records, or a
            rebuild_review(outdir)  # killed earlier run's: the page shows every record
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
    reverse: ReversePlan | None,
    progress: Any,
) -> None:
    """Open the engine (and the planned reverse model), redo complete files another engine made,
    and translate wave by wave."""
    if not pending:
        return  # complete outputs are left as they are: no engine needed
    engine = open_engine()
    checker = open_checker(opts, engine, open_reverse(opts, engine, reverse))
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
            summary.paragraphs += sum(t.n_paragraphs for t in stale)
        if progress is not None:
            progress.total = summary.sentences
            progress.refresh()
        for wave in _waves(pending, opts.wave_sentences):
            written = _translate_wave(
                wave, outdir, opts, manifest, summary, checker, current, progress
            )
            if written:  # the page follows a long run wave by wave
                rebuild_review(outdir)
    except KeyboardInterrupt:
        summary.interrupted = True
        event("interrupted", done=summary.done)
    finally:
        summary.notes += engine.notes
        checker.close()
        engine.close()


def _translate_wave(
    wave: list[FileTask],
    outdir: Path,
    opts: JobOptions,
    manifest: Manifest,
    summary: Summary,
    checker: Checker,
    made_by: str,
    progress: Any,
) -> int:
    """Load the wave's files, translate their sentences together, write each file.

    Each file's review records go into the review journal just before the file is recorded done.
    Returns how many review records were written.
    """
    engine = checker.engine
    written = 0
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
        opts.digits,
        checker,
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
            file_format(task.fmt, opts)
            .render(task.text, task.docs, [r.text for r in mine])
            .encode("utf-8")
        )
        records = _records(task, mine) if opts.review else []

        def done(t: FileTask = task, d: bytes = data, r: list[SegmentRecord] = records) -> None:
            append_review(outdir, r)
            manifest.record(t.rel, t.sha256, opts.signature(t.fmt), d, t.n_sentences, made_by)

        atomic_write(outdir / task.rel, data, before_rename=done)
        summary.done += 1
        event("done", file=task.rel, sentences=task.n_sentences)
        _count_flags(records, summary)
        written += len(records)
        task.unload()
    return written


def _count_flags(records: list[SegmentRecord], summary: Summary) -> None:
    """Count a written file's checked and flagged sentences in the summary."""
    for record in records:
        for name in record.flags:
            summary.flagged[name] = summary.flagged.get(name, 0) + 1
        summary.flagged_sentences += bool(record.flags)
    summary.checked += len(records)


def _records(task: FileTask, results: list[TranslatedDocument]) -> list[SegmentRecord]:
    """The review records of one translated file (positions count from 1)."""
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
                    checked.reverse,
                )
            )
        offset += len(set(paragraphs))
    return out


def translate_stream(data: bytes, opts: JobOptions, engine: SentenceTranslator) -> str:
    """Translate one document given as bytes (``fa2en translate -``); fails on a bad sentence."""
    text = decode(data, "<stdin>")
    fmt = file_format(opts.format or "text", opts)
    docs = fmt.parse(text)
    checker = open_checker(opts, engine, open_reverse(opts, engine, check_reverse(opts)))
    try:
        results = translate_documents(docs, engine, digits=opts.digits, checker=checker)
    finally:
        checker.close()
    errors = [e for r in results for e in r.errors]
    if errors:
        raise InputFileError(f"<stdin>: {len(errors)} sentence(s) not translated; {errors[0]}")
    return str(fmt.render(text, docs, [r.text for r in results]))
