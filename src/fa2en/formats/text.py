"""Plain text and Markdown: one document per file, its structure kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fa2en.formats.registry import register_format
from fa2en.segment import Document, segment_document


@register_format("text", extensions=(".txt", ".text"))
@dataclass(frozen=True)
class PlainText:
    """Plain text: one document; paragraphs, list markers, URLs and e-mail addresses kept."""

    wrapped: bool | None = None
    #: keep fenced code blocks verbatim
    markdown: ClassVar[bool] = False

    def parse(self, text: str) -> list[Document]:
        """One document for the whole file."""
        return [segment_document(text, wrapped=self.wrapped, markdown=self.markdown, protect=True)]

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """The rebuilt document."""
        return rebuilt[0]


@register_format("markdown", extensions=(".md", ".markdown"))
@dataclass(frozen=True)
class Markdown(PlainText):
    """Markdown: as plain text, and fenced code blocks are kept verbatim too."""

    markdown: ClassVar[bool] = True
