"""The files of a job: each input file's task, reading and segmenting it, and the output folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fa2en.errors import ConfigError, InputFileError
from fa2en.formats import decode, make_format
from fa2en.manifest import sha256_bytes
from fa2en.options import JobOptions
from fa2en.segment import Document


@dataclass
class FileTask:
    """One input file on its way through the job; its content is loaded only while in use."""

    source: Path
    rel: str
    fmt: str
    sha256: str = ""
    n_sentences: int = 0
    n_paragraphs: int = 0
    text: str = ""
    docs: list[Document] = field(default_factory=list)

    def unload(self) -> None:
        """Drop the content (the job holds at most one wave of files in memory)."""
        self.text, self.docs = "", []


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
    task.text = decode(data)
    task.docs = file_format(task.fmt, opts).parse(task.text)
    task.sha256 = sha256_bytes(data)
    task.n_sentences = sum(len(d.sentences) for d in task.docs)
    task.n_paragraphs = sum(d.n_paragraphs for d in task.docs)


def file_format(name: str, opts: JobOptions) -> Any:
    """The format object for ``name`` with the job's format options."""
    return make_format(
        name,
        fields=opts.fields,
        column=opts.column,
        wrapped=opts.wrapped,
        date_field=opts.date_field,
    )
