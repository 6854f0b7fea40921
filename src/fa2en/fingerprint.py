"""Checkpoint fingerprints: what identifies a model's content, for provenance and caches.

A fingerprint hashes the names and contents of the files a translation reads (configs, tokenizer
files, one weight format), so a changed checkpoint is noticed even when names, sizes and times stay.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from filelock import FileLock

from fa2en.loading import checkpoint_patterns
from fa2en.presets import models_dir

#: Cached per-file content hashes of checkpoints (see :func:`content_fingerprint`), in ``models/``.
FINGERPRINT_CACHE = ".fingerprints.json"


def model_lock(name: str) -> FileLock:
    """An inter-process lock named ``name`` under ``models/.locks/``."""
    folder = models_dir() / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(folder / f"{name}.lock")


def _checkpoint_files(folder: Path) -> list[Path]:
    """The files of ``folder`` a translation reads (configs, tokenizer, weights); no hidden ones."""
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    patterns = checkpoint_patterns([p.name for p in files], trust_remote_code=True)
    return sorted(p for p in files if any(fnmatch.fnmatch(p.name, pat) for pat in patterns))


def _hash_files(folder: Path, cache: dict[str, list[Any]]) -> tuple[str, bool]:
    """The content hash of ``folder``'s checkpoint files, reusing and updating ``cache``.

    Returns the hash and whether ``cache`` changed.
    """
    h = hashlib.sha256()
    changed = False
    for path in _checkpoint_files(folder):
        st = path.stat()
        key = str(path.resolve())
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        entry = cache.get(key)
        if not entry or entry[:3] != stamp:
            with path.open("rb") as f:
                entry = [*stamp, hashlib.file_digest(f, "sha256").hexdigest()]
            cache[key] = entry
            changed = True
        h.update(f"{path.relative_to(folder).as_posix()}\0{entry[3]}\n".encode())
    return h.hexdigest()[:16], changed


def content_fingerprint(folder: Path) -> str:
    """A hash of the names and contents of a checkpoint's configs, tokenizer files and weights.

    Each file's SHA-256 is cached in ``models/.fingerprints.json`` under its real path with its
    size, modification time and inode change time, so a multi-gigabyte checkpoint is read once and
    a file written again in any way (even to the same size and time) is read again. Where
    ``models/`` cannot be written, every call reads the files.
    """
    cache_path = models_dir() / FINGERPRINT_CACHE
    try:
        lock = model_lock("fingerprints")
        lock.acquire()
    except OSError:
        return _hash_files(folder, {})[0]
    try:
        try:
            cache = json.loads(cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cache = {}
        digest, changed = _hash_files(folder, cache)
        if changed:
            with contextlib.suppress(OSError):
                tmp = cache_path.with_name(f"{cache_path.name}.tmp")
                tmp.write_text(json.dumps(cache, indent=0, sort_keys=True), encoding="utf-8")
                os.replace(tmp, cache_path)
        return digest
    finally:
        lock.release()
