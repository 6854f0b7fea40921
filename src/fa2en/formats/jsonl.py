"""JSON Lines: the named string fields of each record are translated, every other byte kept."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fa2en.errors import InputFileError
from fa2en.formats.registry import register_format
from fa2en.segment import Document, segment_document

_DECODER = json.JSONDecoder()


def value_spans(line: str) -> dict[str, tuple[int, int]]:
    """Where each top-level value of the JSON object on ``line`` is: key -> ``(start, end)``.

    ``line`` must already be known to hold one valid JSON object. A repeated key maps to its last
    occurrence, the one JSON readers keep.
    """
    spans: dict[str, tuple[int, int]] = {}
    pos = _skip_space(line, _skip_space(line, 0) + 1)  # past "{"
    while line[pos] != "}":
        key, pos = json.decoder.scanstring(line, pos + 1)  # type: ignore[attr-defined]
        start = _skip_space(line, _skip_space(line, pos) + 1)  # past ":"
        _, end = _DECODER.raw_decode(line, start)
        spans[key] = (start, end)
        pos = _skip_space(line, end)
        if line[pos] == ",":
            pos = _skip_space(line, pos + 1)
    return spans


def _skip_space(line: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not JSON whitespace."""
    while pos < len(line) and line[pos] in " \t\n\r":
        pos += 1
    return pos


@dataclass(frozen=True)
class _Record:
    number: int
    line: str
    targets: dict[str, str]  # the named fields this record has (in --fields order) -> value
    date: str | None = None  # the value of the --date-field, if the record has it


@register_format("jsonl", extensions=(".jsonl", ".ndjson"))
@dataclass(frozen=True)
class JsonLines:
    """JSON Lines: only the named fields' string values change; every other byte of a line stays.

    A translated value is written in place of the original JSON string, escaped as JSON; it keeps
    non-ASCII characters as they are unless the original value was all ASCII (``\\u0633`` escapes),
    then it is escaped the same way. A record without the fields is kept as it is, but a file in which
    no record has any of them is an error (the fields were probably misnamed).
    """

    fields: Sequence[str] = ("text",)
    wrapped: bool | None = None
    #: a field holding the record's date (its year completes dates written without one)
    date_field: str | None = None

    def _records(self, text: str) -> Iterator[_Record | str]:
        """Each line: a record, or the line itself when blank."""
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                yield line
                continue
            try:
                obj: Any = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    f"line {number}: malformed JSON ({exc.msg} at column {exc.colno})"
                ) from exc
            if not isinstance(obj, dict):
                raise InputFileError(
                    f"line {number}: expected a JSON object, got {type(obj).__name__}"
                )
            targets = {f: obj[f] for f in self.fields if f in obj}
            for f, value in targets.items():
                if not isinstance(value, str):
                    raise InputFileError(
                        f"line {number}: field {f!r} is {type(value).__name__}, not a string"
                    )
            date = obj.get(self.date_field) if self.date_field else None
            yield _Record(number, line, targets, str(date) if date is not None else None)

    def _checked_records(self, text: str) -> list[_Record | str]:
        records = list(self._records(text))
        found = [r for r in records if isinstance(r, _Record)]
        if found and not any(r.targets for r in found):
            names = " or ".join(repr(f) for f in self.fields)
            keys = ", ".join(json.loads(found[0].line)) or "none"
            raise InputFileError(
                f"no record has a field {names} to translate (choose with --fields; "
                f"line {found[0].number} has: {keys})"
            )
        return records

    def parse(self, text: str) -> list[Document]:
        """One document per translated field of each record."""
        docs = []
        for r in self._checked_records(text):
            if isinstance(r, _Record):
                docs += [
                    replace(
                        segment_document(value, wrapped=self.wrapped, markdown=False, protect=True),
                        date=r.date,
                    )
                    for value in r.targets.values()
                ]
        return docs

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """Each line with its translated values' JSON strings replaced, nothing else touched."""
        out, it = [], iter(rebuilt)
        for r in self._checked_records(text):
            if isinstance(r, str):
                out.append(r)
                continue
            spans = value_spans(r.line)
            line = r.line
            for start, end, value in sorted(
                ((*spans[f], next(it)) for f in r.targets), reverse=True
            ):
                original = r.line[start:end]
                encoded = json.dumps(value, ensure_ascii=original.isascii())
                line = line[:start] + encoded + line[end:]
            out.append(line)
        return "\n".join(out)
