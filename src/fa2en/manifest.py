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

#: An output's state: ``new`` (not there), ``complete`` (intact, same source and options),
#: ``changed`` (source or options changed since, or an older output of fa2en's), ``edited`` (changed by hand after fa2en wrote it),
#: ``foreign`` (there, but fa2en never wrote it).
STATUSES = ("new", "complete", "changed", "edited", "foreign")


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    #: what made the output: engine, precision, device kind, checkpoint fingerprint, fa2en version
    provenance: str = ""


class Manifest:
    """Read and append records of finished outputs in an output folder."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.path = outdir / MANIFEST_NAME
        self.entries: dict[str, Entry] = {}
        #: every output hash fa2en ever recorded per path (an older output is fa2en's, not an edit)
        self.written: dict[str, set[str]] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = Entry(**json.loads(line))
                except (ValueError, TypeError):
                    continue  # a line torn by a kill is simply ignored
                self.entries[entry.path] = entry
                self.written.setdefault(entry.path, set()).add(entry.output_sha256)

    def status(self, rel: str, source_sha256: str, options: str) -> str:
        """What the output ``rel`` is now, one of :data:`STATUSES`."""
        entry = self.entries.get(rel)
        on_disk = sha256_file(self.outdir / rel)
        if entry is None:
            return "new" if on_disk is None else "foreign"
        if on_disk is None:
            return "new"
        if on_disk not in self.written.get(rel, set()):
            return "edited"
        if (
            on_disk != entry.output_sha256
            or entry.source_sha256 != source_sha256
            or entry.options != options
        ):
            return "changed"
        return "complete"

    def record(
        self,
        rel: str,
        source_sha256: str,
        options: str,
        output: bytes,
        sentences: int,
        provenance: str = "",
    ) -> None:
        """Append a record for an output about to be put in place."""
        entry = Entry(
            rel, source_sha256, options, sha256_bytes(output), sentences, time.time(), provenance
        )
        self.outdir.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry.__dict__, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.entries[rel] = entry
        self.written.setdefault(rel, set()).add(entry.output_sha256)


def atomic_write(path: Path, data: bytes, before_rename: Any = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; never a half-written file.

    ``before_rename`` is called after the data is on disk and before it replaces ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0600
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
