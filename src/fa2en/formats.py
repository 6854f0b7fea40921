"""Document formats: reading a file into segmented documents and writing the translation back.

Each format parses a file's text into :class:`~fa2en.segment.Document` objects (the units whose
sentences get translated) and renders the output from the rebuilt English of each, keeping
everything else byte for byte: Markdown markup and code, other JSONL fields, other TSV columns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from fa2en.errors import InputFileError
from fa2en.segment import Document, segment_document

EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".tsv": "tsv",
}
FORMATS = ("text", "markdown", "jsonl", "tsv")


class Format(Protocol):
    """Parses a file's text into documents and renders the translated file."""

    def parse(self, text: str) -> list[Document]:
        """The documents whose sentences are to be translated, in order."""
        ...

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """The output file: ``text`` with each document replaced by its rebuilt translation."""
        ...


@dataclass(frozen=True)
class PlainText:
    """Plain text or Markdown: one document, structure kept (code blocks and URLs untouched)."""

    markdown: bool = False
    wrapped: bool | None = None

    def parse(self, text: str) -> list[Document]:
        """One document for the whole file."""
        return [segment_document(text, wrapped=self.wrapped, markdown=self.markdown, protect=True)]

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """The rebuilt document."""
        return rebuilt[0]


def _segment_value(value: str, wrapped: bool | None) -> Document:
    return segment_document(value, wrapped=wrapped, markdown=False, protect=True)


@dataclass(frozen=True)
class JsonLines:
    """JSON Lines: the named string fields of each record are translated, every other field kept."""

    fields: tuple[str, ...] = ("text",)
    wrapped: bool | None = None

    def _records(self, text: str) -> list[tuple[int, dict[str, Any] | None]]:
        records: list[tuple[int, dict[str, Any] | None]] = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                records.append((number, None))
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    f"line {number}: malformed JSON ({exc.msg} at column {exc.colno})"
                ) from exc
            if not isinstance(obj, dict):
                raise InputFileError(
                    f"line {number}: expected a JSON object, got {type(obj).__name__}"
                )
            records.append((number, obj))
        return records

    def _targets(self, obj: dict[str, Any], number: int) -> list[str]:
        found = [f for f in self.fields if f in obj]
        for f in found:
            if not isinstance(obj[f], str):
                raise InputFileError(
                    f"line {number}: field {f!r} is {type(obj[f]).__name__}, not a string"
                )
        return found

    def parse(self, text: str) -> list[Document]:
        """One document per translated field of each record."""
        docs = []
        for number, obj in self._records(text):
            if obj is not None:
                docs += [_segment_value(obj[f], self.wrapped) for f in self._targets(obj, number)]
        return docs

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """Each record with its translated fields replaced, in the same key order."""
        out, it = [], iter(rebuilt)
        for (number, obj), line in zip(self._records(text), text.split("\n"), strict=True):
            if obj is None:
                out.append(line)
                continue
            for f in self._targets(obj, number):
                obj[f] = next(it)
            out.append(json.dumps(obj, ensure_ascii=False))
        return "\n".join(out)


@dataclass(frozen=True)
class TabSeparated:
    """TSV with a header row: one named column is translated, the others kept as they are."""

    column: str = "text"
    wrapped: bool | None = None

    def _index(self, header: str) -> int:
        names = header.rstrip("\r").split("\t")
        if self.column in names:
            return names.index(self.column)
        if self.column.isdigit() and int(self.column) < len(names):
            return int(self.column)
        raise InputFileError(
            f"no column {self.column!r} in the header (columns: {', '.join(names)})"
        )

    def _cells(self, text: str) -> tuple[list[str], int]:
        lines = text.split("\n")
        return lines, self._index(lines[0]) if lines and lines[0].strip() else -1

    def parse(self, text: str) -> list[Document]:
        """One document per data row's cell in the column."""
        lines, col = self._cells(text)
        docs = []
        for number, line in enumerate(lines[1:], 2):
            if not line.strip():
                continue
            cells = line.rstrip("\r").split("\t")
            if col >= len(cells):
                raise InputFileError(
                    f"line {number}: {len(cells)} columns, but {self.column!r} is column {col + 1}"
                )
            docs.append(_segment_value(cells[col], self.wrapped))
        return docs

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """The table with the column's cells replaced."""
        lines, col = self._cells(text)
        it = iter(rebuilt)
        out = lines[:1]
        for line in lines[1:]:
            if not line.strip():
                out.append(line)
                continue
            cr = "\r" if line.endswith("\r") else ""
            cells = line.rstrip("\r").split("\t")
            cells[col] = next(it).replace("\t", " ").replace("\n", " ")
            out.append("\t".join(cells) + cr)
        return "\n".join(out)


def detect_format(path: Path, override: str | None = None) -> str:
    """The format of ``path`` from its extension (``.txt``, ``.md``, ``.jsonl``, ``.tsv``)."""
    if override:
        if override not in FORMATS:
            raise InputFileError(f"unknown format {override!r}; choose from {', '.join(FORMATS)}")
        return override
    return EXTENSIONS.get(path.suffix.lower(), "text")


def make_format(
    name: str,
    *,
    fields: Sequence[str] = ("text",),
    column: str = "text",
    wrapped: bool | None = None,
) -> Format:
    """A format object for ``name`` with its options."""
    if name == "jsonl":
        return JsonLines(tuple(fields), wrapped)
    if name == "tsv":
        return TabSeparated(column, wrapped)
    return PlainText(markdown=name == "markdown", wrapped=wrapped)


def decode(data: bytes, name: str = "") -> str:
    """Decode a file's bytes as UTF-8 text, or raise :class:`InputFileError` saying why not."""
    if b"\x00" in data[:8192]:
        raise InputFileError(
            f"{name + ': ' if name == '<stdin>' else ''}binary data (contains NUL bytes), not text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{name + ': ' if name == '<stdin>' else ''}not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); convert it, "
            "e.g. iconv -f windows-1256 -t utf-8"
        ) from exc
    return text[1:] if text.startswith("\ufeff") else text
