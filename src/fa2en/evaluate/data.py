"""Test sets: line-aligned source/reference files, local or from the Hugging Face hub.

Files are read exactly as the sacrebleu command line reads them (split on ``\\n`` only, trailing
whitespace stripped from each line), so scores match published sacrebleu figures to the digit.
Each set is held as a :class:`datasets.Dataset` with ``src`` and ``ref`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from fa2en.errors import Fa2enError
from fa2en.formats.decoding import decode
from fa2en.presets import checkout_root, config_dir


@dataclass(frozen=True)
class TestSet:
    """A named test set: sources and references, line-aligned."""

    __test__ = False  # not a pytest class

    name: str
    src: list[str]
    ref: list[str]
    domain: str = ""
    origin: str = ""
    total: int = 0  # lines in the full set when this is a --limit subset (0: not a subset)
    #: each line's document (article) id, where the set says; empty otherwise
    documents: tuple[str, ...] = ()

    def limited(self, limit: int | None) -> TestSet:
        """The first ``limit`` lines (remembering the full length, to check hypothesis files)."""
        if not limit or limit >= len(self.ref):
            return self
        return replace(
            self,
            src=self.src[:limit],
            ref=self.ref[:limit],
            total=len(self.ref),
            documents=self.documents[:limit],
        )

    def __len__(self) -> int:
        return len(self.src)

    def as_dataset(self) -> Any:
        """The set as a ``datasets.Dataset`` with ``src`` and ``ref`` columns."""
        import datasets

        return datasets.Dataset.from_dict({"src": self.src, "ref": self.ref})


def read_lines(path: Path) -> list[str]:
    """The lines of a text file as sacrebleu reads them (UTF-8; UTF-16/32 with a byte-order mark
    are read too, as ``fa2en translate`` reads them); clear errors for folders and missing files."""
    if path.is_dir():
        raise Fa2enError(f"{path} is a folder; give a file with one sentence a line")
    if not path.is_file():
        raise Fa2enError(f"file not found: {path}")
    try:
        text = decode(path.read_bytes(), str(path))
    except OSError as exc:
        raise Fa2enError(f"{path}: cannot read it ({exc.strerror})") from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def catalogue() -> tuple[Path, dict[str, dict[str, Any]]]:
    """The default data folder and the test-set entries of ``configs/testsets.yaml``."""
    data = yaml.safe_load((config_dir() / "testsets.yaml").read_text(encoding="utf-8"))
    return ((checkout_root() or Path.cwd()) / data["data_dir"]).resolve(), data["testsets"]


def from_files(src: Path, ref: Path, name: str | None = None) -> TestSet:
    """A test set from two line-aligned files; refuses misaligned or empty ones."""
    s, r = read_lines(src), read_lines(ref)
    if not s:
        raise Fa2enError(f"{src} is empty")
    if len(s) != len(r):
        raise Fa2enError(
            f"line counts differ: {src} has {len(s)} lines, {ref} has {len(r)}; nothing was scored"
        )
    return TestSet(name or src.stem, s, r, origin=f"{src} | {ref}")


def _from_hub(name: str, spec: dict[str, Any]) -> TestSet:
    import datasets

    try:
        src = datasets.load_dataset(spec["path"], spec["src_config"], split=spec["split"])[
            spec["field"]
        ]
        ref = datasets.load_dataset(spec["path"], spec["ref_config"], split=spec["split"])[
            spec["field"]
        ]
    except Exception as exc:  # noqa: BLE001 - the hub raises many kinds
        raise Fa2enError(
            f"test set {name!r} comes from the Hugging Face hub ({spec['path']}) and could not be loaded: "
            f"{str(exc).splitlines()[0][:200]}"
        ) from exc
    return TestSet(
        name, [s.rstrip() for s in src], [r.rstrip() for r in ref], origin=f"hub:{spec['path']}"
    )


def load_testset(name: str, data_dir: Path | None = None, limit: int | None = None) -> TestSet:
    """Load a named test set from ``configs/testsets.yaml`` (the first ``limit`` lines if given)."""
    default_dir, sets = catalogue()
    if name not in sets:
        raise Fa2enError(f"unknown test set {name!r}; known: {', '.join(sets)}")
    spec = sets[name]
    if "hub" in spec:
        ts = _from_hub(name, spec["hub"])
    else:
        root = data_dir or default_dir
        ts = from_files(root / spec["src"], root / spec["ref"], name)
        if "documents" in spec:
            ts = replace(ts, documents=_document_ids(root / spec["documents"], len(ts.ref)))
    return replace(ts, domain=spec.get("domain", "")).limited(limit)


def _document_ids(path: Path, lines: int) -> tuple[str, ...]:
    """A test set's per-line document ids (one per line, aligned with its references)."""
    ids = tuple(read_lines(path))
    if len(ids) != lines:
        raise Fa2enError(f"{path} has {len(ids)} document ids for {lines} lines")
    return ids
