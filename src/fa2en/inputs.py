"""Finding a job's input files: files named on the command line, and folders walked and mirrored.

Folders are walked in name order and symbolic links are followed, to files and to folders (a link
that leads back to a folder being walked is a loop, and is skipped). What is not read is skipped with
a note saying why: hidden files and folders (names starting with ``.``), dangling symbolic links,
FIFOs, sockets and devices, and folders that cannot be read. The output folder, when it lies inside
an input folder, is left out without a note. A named input that cannot be used is an error.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fa2en.errors import InputFileError
from fa2en.formats import detect_format

#: What a path that is neither a regular file nor a folder is, for the notes.
SPECIAL_FILES: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


@dataclass(frozen=True)
class InputFile:
    """One input file: where it is, its output path relative to the output folder, its format."""

    source: Path
    rel: str
    fmt: str


def _kind(mode: int) -> str:
    return next((name for test, name in SPECIAL_FILES if test(mode)), "special file")


def _matches(rel: str, patterns: list[str]) -> bool:
    """True when ``rel`` or its file name matches one of the glob ``patterns``."""
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(Path(rel).name, p) for p in patterns)


def _plural(n: int, word: str) -> str:
    return f"{n} hidden {word}{'' if n == 1 else 's'}"


@dataclass
class _Walk:
    """One input folder's walk: the output folder to leave out, and what was skipped."""

    out_resolved: Path
    notes: list[str]
    hidden: dict[str, int] = field(default_factory=lambda: {"file": 0, "folder": 0})

    def files(
        self, folder: Path, rel: str, ancestors: frozenset[tuple[int, int]]
    ) -> Iterator[tuple[Path, str]]:
        """``(path, relative path)`` of the files under ``folder``, in name order."""
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries)
        except OSError as exc:
            self.notes.append(f"skipped {folder}: cannot read the folder ({exc.strerror or exc})")
            return
        for name in names:
            path, sub = folder / name, f"{rel}{name}"
            if name.startswith("."):
                self.hidden["folder" if path.is_dir() else "file"] += 1
                continue
            try:
                st = path.stat()
            except OSError as exc:
                why = (
                    f"dangling symbolic link (to {os.readlink(path)})"
                    if isinstance(exc, FileNotFoundError) and path.is_symlink()
                    else f"cannot read ({exc.strerror or exc})"
                )
                self.notes.append(f"skipped {path}: {why}")
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    self.notes.append(
                        f"skipped {path}: symbolic link loop (leads back to {path.resolve()})"
                    )
                elif path.resolve() != self.out_resolved:
                    yield from self.files(path, f"{sub}/", ancestors | {key})
            elif not stat.S_ISREG(st.st_mode):
                self.notes.append(f"skipped {path}: not a regular file ({_kind(st.st_mode)})")
            elif self.out_resolved not in path.resolve().parents:
                yield path, sub

    def hidden_note(self, root: Path) -> list[str]:
        """The note on hidden entries skipped under ``root`` (none if there were none)."""
        parts = [_plural(n, word) for word, n in self.hidden.items() if n]
        if not parts:
            return []
        return [f"skipped {' and '.join(parts)} under {root} (names start with '.')"]


def _named_stat(inp: Path) -> os.stat_result:
    """The stat of a named input, or an error saying why it cannot be used."""
    try:
        return inp.stat()
    except FileNotFoundError:
        if inp.is_symlink():
            raise InputFileError(f"{inp}: dangling symbolic link (to {os.readlink(inp)})") from None
        raise InputFileError(f"{inp}: no such file or folder") from None
    except OSError as exc:
        raise InputFileError(f"{inp}: cannot read ({exc.strerror or exc})") from exc


def discover(
    inputs: list[Path],
    outdir: Path,
    include: list[str],
    exclude: list[str],
    format_override: str | None,
) -> tuple[list[InputFile], list[str]]:
    """The input files with their output paths relative to ``outdir`` (folders mirrored), and notes.

    With several inputs, each folder's files go under a folder of its name. ``include`` globs select
    files inside folders; ``exclude`` globs leave out files, named or found. The notes say what was
    skipped and why.
    """
    out_resolved = outdir.resolve()
    found: list[InputFile] = []
    notes: list[str] = []
    for inp in inputs:
        mode = _named_stat(inp).st_mode
        if stat.S_ISREG(mode):
            if not _matches(inp.name, exclude):
                found.append(InputFile(inp, inp.name, detect_format(inp, format_override)))
            continue
        if not stat.S_ISDIR(mode):
            raise InputFileError(f"{inp}: not a regular file or folder ({_kind(mode)})")
        root = inp.resolve()
        if root == out_resolved or out_resolved in root.parents:
            raise InputFileError(
                f"{inp}: the output folder {outdir} would overwrite the input; choose another -o folder"
            )
        prefix = f"{root.name}/" if len(inputs) > 1 else ""
        walk = _Walk(out_resolved, notes)
        st = root.stat()
        for path, rel in walk.files(inp, "", frozenset({(st.st_dev, st.st_ino)})):
            if (include and not _matches(rel, include)) or _matches(rel, exclude):
                continue
            found.append(InputFile(path, prefix + rel, detect_format(path, format_override)))
        notes += walk.hidden_note(inp)
    _check_outputs(found, outdir)
    return found, notes


def _check_outputs(found: list[InputFile], outdir: Path) -> None:
    """Raise if two inputs share an output path, or an output would overwrite its input."""
    seen: dict[str, Path] = {}
    for f in found:
        if f.rel in seen:
            raise InputFileError(
                f"{f.source} and {seen[f.rel]} would both be written to {outdir / f.rel}"
            )
        seen[f.rel] = f.source
        if (outdir / f.rel).resolve() == f.source.resolve():
            raise InputFileError(
                f"{f.source}: the output would overwrite the input; choose another -o folder"
            )
