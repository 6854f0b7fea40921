"""Document-level segmentation: paragraphs, structural lines and sentences, with exact separators.

``"".join(s.text for s in segment_document(text).segments) == text`` always holds, so a translated
document is rebuilt by swapping each ``sentence`` segment for its translation and keeping the rest.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from fa2en.normalize import DIGITS_TO_ASCII, DigitsOption
from fa2en.segment import rules
from fa2en.segment.sentences import sentence_spans

Kind = Literal["sentence", "markup", "space"]

_CELL_ESCAPES = {"|": "\\|", "\n": " ", "\r": " "}

_CODE_BLOCK = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[^\n]*$", re.M | re.S)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the source: a sentence to translate, markup kept as is, or whitespace."""

    text: str
    kind: Kind
    paragraph: int
    block: int


@dataclass(frozen=True)
class Document:
    """A segmented document; its segments joined give the source text back exactly."""

    segments: tuple[Segment, ...]
    wrap_width: int | None = None
    #: blocks that are table cells: rebuilt in place, never refilled to ``wrap_width``
    cell_blocks: frozenset[int] = frozenset()
    #: the document's own date as its record gives it (``--date-field``), for dates without a year
    date: str | None = None

    @property
    def text(self) -> str:
        """The source text, rebuilt from the segments."""
        return "".join(s.text for s in self.segments)

    @property
    def sentences(self) -> list[str]:
        """The texts to translate, in document order."""
        return [s.text for s in self.segments if s.kind == "sentence"]

    @property
    def n_paragraphs(self) -> int:
        """Number of paragraphs (blank-line separated regions holding text)."""
        return len({s.paragraph for s in self.segments if s.kind == "sentence"})

    def rebuild(self, translations: Sequence[str], *, digits: DigitsOption = "ascii") -> str:
        """The document with each sentence replaced by its translation, in the same shape.

        Everything else is kept byte for byte (code, URLs, e-mail addresses, table syntax), except
        that with ``digits="ascii"`` the digits of numbered list markers become ASCII (``۱. `` ->
        ``1. ``), as the English that follows them.
        """
        if len(translations) != len(self.sentences):
            raise ValueError(
                f"{len(translations)} translations given for {len(self.sentences)} sentences"
            )
        it = iter(translations)
        if self.wrap_width:
            return self._rebuild_wrapped(it, digits)
        return "".join(
            self._translated(seg, next(it)) if seg.kind == "sentence" else _kept(seg, digits)
            for seg in self.segments
        )

    def _translated(self, seg: Segment, translation: str) -> str:
        """A translation as it goes into the output: in a table cell, on one line, ``|`` escaped."""
        if seg.block not in self.cell_blocks:
            return translation
        return rules.CELL_UNSAFE.sub(lambda m: _CELL_ESCAPES.get(m.group(), m.group()), translation)

    def _rebuild_wrapped(self, it: Iterator[str], digits: DigitsOption) -> str:
        """Rebuild hard-wrapped text: each block's translations refilled to the source width."""
        out: list[str] = []
        i, segs = 0, self.segments
        while i < len(segs):
            seg = segs[i]
            if seg.kind != "sentence" or seg.block in self.cell_blocks:
                out.append(
                    self._translated(seg, next(it))
                    if seg.kind == "sentence"
                    else _kept(seg, digits)
                )
                i += 1
                continue
            parts, block = [], seg.block
            while i < len(segs) and segs[i].block == block and segs[i].kind != "markup":
                if segs[i].kind == "sentence":
                    parts.append(next(it))
                i += 1
            trailing = segs[i - 1].text if segs[i - 1].kind == "space" else ""
            width = self.wrap_width or 80
            out.append(textwrap.fill(" ".join(p for p in parts if p), width) + trailing)
        return "".join(out)


def _kept(seg: Segment, digits: DigitsOption) -> str:
    """A segment that is not translated, as it goes into the output."""
    if digits == "ascii" and seg.kind == "markup" and rules.NUMBERED_MARKER.fullmatch(seg.text):
        return seg.text.translate(DIGITS_TO_ASCII)
    return seg.text


def detect_wrap_width(text: str) -> int | None:
    """The line width if ``text`` is hard-wrapped (lines broken inside sentences), else ``None``."""
    if text.count("\n") < 2:
        return None
    total = soft = 0
    width = 0
    for para in rules.PARAGRAPH_BREAK.split(text):
        lines = para.strip("\n").split("\n")
        width = max(width, *(len(line.rstrip()) for line in lines))
        for line, nxt in zip(lines, lines[1:], strict=False):
            if (
                rules.STRUCTURAL_MARKER.match(nxt)
                or rules.VERBATIM_LINE.fullmatch(line)
                or rules.TABLE_ROW.fullmatch(line)
            ):
                continue
            total += 1
            if line.strip() and not rules.LINE_CLOSED.search(line):
                soft += 1
    return width if soft >= 2 and soft * 2 >= total else None


class _Builder:
    """Accumulates segments while walking the text once."""

    def __init__(self, width: int | None, protect: bool) -> None:
        self.segments: list[Segment] = []
        self.width = width
        self.protect = protect
        self.paragraph = 0
        self.block = 0
        self.cell_blocks: set[int] = set()

    def add(self, text: str, kind: Kind) -> None:
        if not text:
            return
        if kind == "space" and self.segments and self.segments[-1].kind == "space":
            prev = self.segments.pop()
            text = prev.text + text
        self.segments.append(Segment(text, kind, self.paragraph, self.block))

    def add_sentence(self, text: str, protected: re.Pattern[str] = rules.PROTECTED_SPAN) -> None:
        if not self.protect:
            self.add(text, "sentence")
            return
        pos = 0
        for m in protected.finditer(text):
            self._add_trimmed(text[pos : m.start()])
            self.add(m.group(), "markup")
            pos = m.end()
        self._add_trimmed(text[pos:])

    def _add_trimmed(self, text: str) -> None:
        core = text.strip()
        if not core or not any(ch.isalpha() for ch in core):
            self.add(text, "markup" if core else "space")
            return
        lead = text[: len(text) - len(text.lstrip())]
        self.add(lead, "space")
        self.add(core, "sentence")
        self.add(text[len(lead) + len(core) :], "space")

    def add_block(self, block: str, protected: re.Pattern[str] = rules.PROTECTED_SPAN) -> None:
        pos = 0
        for start, end in sentence_spans(block, self.width):
            self.add(block[pos:start], "space")
            self.add_sentence(block[start:end], protected)
            pos = end
        self.add(block[pos:], "space")
        self.block += 1

    def add_table_row(self, row: str) -> None:
        """A table row: pipes as markup, each cell a block of its own, never refilled."""
        pos = 0
        for m in rules.TABLE_CELL.finditer(row):
            self.add(row[pos : m.start()], "markup")
            self.cell_blocks.add(self.block)
            self.add_block(m.group(), rules.CELL_PROTECTED_SPAN)
            pos = m.end()
        self.add(row[pos:], "markup")

    def add_paragraph(self, para: str) -> None:
        lines = para.split("\n")
        plain: list[str] = []
        for i, line in enumerate(lines):
            sep = "\n" if i < len(lines) - 1 else ""
            marker = rules.STRUCTURAL_MARKER.match(line)
            if rules.VERBATIM_LINE.fullmatch(line) or (marker and not line[marker.end() :].strip()):
                self._flush(plain)
                self.add(line, "markup")
                self.add(sep, "space")
            elif rules.TABLE_ROW.fullmatch(line):
                self._flush(plain)
                self.add_table_row(line)
                self.add(sep, "space")
            elif marker and not self._continues_wrapped_line(plain, line):
                self._flush(plain)
                self.add(marker.group(), "markup")
                self.add_block(line[marker.end() :] + sep)
            else:
                plain.append(line + sep)
        self._flush(plain)
        self.paragraph += 1

    def _continues_wrapped_line(self, plain: list[str], line: str) -> bool:
        """In hard-wrapped text a ``- `` or ``12. `` after an unfinished line is wrapped prose."""
        if not (self.width and plain) or line.lstrip()[:1] in "#>":
            return False
        return not rules.LINE_CLOSED.search(plain[-1].rstrip("\n"))

    def _flush(self, plain: list[str]) -> None:
        if plain:
            self.add_block("".join(plain))
            plain.clear()


def segment_document(
    text: str, *, wrapped: bool | None = None, markdown: bool = True, protect: bool = False
) -> Document:
    """Segment ``text`` into paragraphs, structural lines and sentences, keeping every character.

    ``wrapped``: ``None`` detects hard-wrapped text, ``True``/``False`` says which it is.
    ``markdown``: keep fenced code blocks verbatim. ``protect``: keep URLs, e-mail addresses and
    inline code out of the sentences to translate.
    """
    if not isinstance(text, str):
        raise TypeError(f"segment_document() expects str, got {type(text).__name__}")
    width = detect_wrap_width(text) if wrapped is None else None
    if wrapped:
        width = max((len(line.rstrip()) for line in text.split("\n")), default=0) or None
    b = _Builder(width, protect)
    pos = 0
    for m in _CODE_BLOCK.finditer(text) if markdown else ():
        _add_prose(b, text[pos : m.start()])
        b.add(m.group(), "markup")
        b.paragraph += 1
        pos = m.end()
    _add_prose(b, text[pos:])
    return Document(tuple(b.segments), width, frozenset(b.cell_blocks))


def _add_prose(b: _Builder, text: str) -> None:
    """Add the paragraphs of a region without code blocks."""
    pos = 0
    for m in rules.PARAGRAPH_BREAK.finditer(text):
        _add_trimmed_paragraph(b, text[pos : m.start()])
        b.add(m.group(), "space")
        pos = m.end()
    _add_trimmed_paragraph(b, text[pos:])


def _add_trimmed_paragraph(b: _Builder, para: str) -> None:
    core = para.strip()
    if not core:
        b.add(para, "space")
        return
    lead_len = len(para) - len(para.lstrip())
    b.add(para[:lead_len], "space")
    b.add_paragraph(core)
    b.add(para[lead_len + len(core) :], "space")


def split_sentences(text: str, *, wrapped: bool | None = None) -> list[str]:
    """Split Persian ``text`` into sentences (headings and list items are sentences of their own)."""
    return segment_document(text, wrapped=wrapped, markdown=False).sentences
