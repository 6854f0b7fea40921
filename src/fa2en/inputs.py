"""Finding the input files of a job: files and folders given on the command line, mirrored under -o.

(Interim version: the lead's copy of the old discovery; replaced by the formats branch.)
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fa2en.errors import InputFileError
from fa2en.formats import detect_format


@dataclass(frozen=True)
class InputFile:
    """An input file, its output path relative to the output folder, and its format."""

    source: Path
    rel: str
    fmt: str


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


def discover(
    inputs: list[Path], outdir: Path, include: list[str], exclude: list[str], fmt: str | None
) -> tuple[list[InputFile], list[str]]:
    """Input files with their output paths relative to ``outdir`` (folders mirrored)."""
    out_resolved = outdir.resolve()
    tasks: list[InputFile] = []
    for inp in inputs:
        if not inp.exists():
            raise InputFileError(f"{inp}: no such file or folder")
        if inp.is_file():
            if not _matches(inp.name, exclude):
                tasks.append(InputFile(inp, inp.name, detect_format(inp, fmt)))
            continue
        root = inp.resolve()
        if root == out_resolved or out_resolved in root.parents:
            raise InputFileError(
                f"{inp}: the output folder {outdir} would overwrite the input; choose another -o folder"
            )
        prefix = f"{root.name}/" if len(inputs) > 1 else ""
        for path, rel in _folder_files(root, out_resolved):
            if (include and not _matches(rel, include)) or _matches(rel, exclude):
                continue
            tasks.append(InputFile(path, prefix + rel, detect_format(path, fmt)))
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
    return tasks, []
