"""The resume manifest: which outputs in OUTDIR are complete, for which source and options.

It is an append-only JSON Lines file, ``OUTDIR/.fa2en-manifest.jsonl``: one record per finished
file, the last record for a path winning. A record is appended *before* the output's temporary file
is renamed into place, and holds the output's hash, so a run killed at any moment leaves either a
record that matches the file on disk (complete) or one that does not (redone next time).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_NAME = ".fa2en-manifest.jsonl"
TMP_SUFFIX = ".fa2en-tmp"


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """Hex SHA-256 of a file's content, or ``None`` if it does not exist."""
    try:
        return sha256_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Entry:
    """One finished output: what it was made from and what it contains."""

    path: str
    source_sha256: str
    options: str
    output_sha256: str
    sentences: int
    finished: float


class Manifest:
    """Read and append records of finished outputs in an output folder."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.path = outdir / MANIFEST_NAME
        self.entries: dict[str, Entry] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = Entry(**json.loads(line))
                except (ValueError, TypeError):
                    continue  # a line torn by a kill is simply ignored
                self.entries[entry.path] = entry

    def is_complete(self, rel: str, source_sha256: str, options: str) -> bool:
        """True when ``rel`` was made from this source with these options and is intact on disk."""
        entry = self.entries.get(rel)
        if not entry or entry.source_sha256 != source_sha256 or entry.options != options:
            return False
        return sha256_file(self.outdir / rel) == entry.output_sha256

    def knows(self, rel: str) -> bool:
        """True when fa2en ever wrote ``rel`` in this folder."""
        return rel in self.entries

    def record(
        self, rel: str, source_sha256: str, options: str, output: bytes, sentences: int
    ) -> None:
        """Append a record for an output about to be put in place."""
        entry = Entry(rel, source_sha256, options, sha256_bytes(output), sentences, time.time())
        self.outdir.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry.__dict__, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.entries[rel] = entry


def atomic_write(path: Path, data: bytes, before_rename: Any = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; never a half-written file.

    ``before_rename`` is called after the data is on disk and before it replaces ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if before_rename:
            before_rename()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(outdir: Path) -> int:
    """Delete temporary files a killed run left in ``outdir``; return how many."""
    if not outdir.is_dir():
        return 0
    stale = list(outdir.rglob(f"*{TMP_SUFFIX}"))
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)
