"""Tab-separated values: one named column is translated, every other byte kept."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fa2en.errors import InputFileError
from fa2en.formats.registry import register_format
from fa2en.segment import Document, segment_document


@register_format("tsv", extensions=(".tsv",))
@dataclass(frozen=True)
class TabSeparated:
    """TSV with a header row: one column, by name or 0-based number, is translated.

    The header is the first line that is not blank; blank lines (before it or among the rows) are
    kept as they are. A translation's tabs and line breaks become spaces, so the table keeps its shape.
    """

    column: str = "text"
    #: a column holding the row's date (its year completes dates written without one)
    date_field: str | None = None
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

    def _rows(self, text: str) -> tuple[list[str], int, int]:
        """The lines, the index of the header line (``len(lines)``: none) and the column."""
        lines = text.split("\n")
        header = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
        column = self._index(lines[header]) if header < len(lines) else -1
        return lines, header, column

    def _date_column(self, header: str) -> int:
        """The index of the ``date_field`` column (-1 when none is asked for)."""
        if self.date_field is None:
            return -1
        names = header.rstrip("\r").split("\t")
        if self.date_field not in names:
            raise InputFileError(
                f"no column {self.date_field!r} for --date-field (columns: {', '.join(names)})"
            )
        return names.index(self.date_field)

    def parse(self, text: str) -> list[Document]:
        """One document per data row's cell in the column."""
        lines, header, col = self._rows(text)
        dates = self._date_column(lines[header]) if header < len(lines) else -1
        docs = []
        for number, line in enumerate(lines[header + 1 :], header + 2):
            if not line.strip():
                continue
            cells = line.rstrip("\r").split("\t")
            if col >= len(cells):
                raise InputFileError(
                    f"line {number}: {len(cells)} columns, but {self.column!r} is column {col + 1}"
                )
            doc = segment_document(cells[col], wrapped=self.wrapped, markdown=False, protect=True)
            docs.append(replace(doc, date=cells[dates] if 0 <= dates < len(cells) else None))
        return docs

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """The table with the column's cells replaced."""
        lines, header, col = self._rows(text)
        it = iter(rebuilt)
        out = lines[: header + 1]
        for line in lines[header + 1 :]:
            if not line.strip():
                out.append(line)
                continue
            cr = "\r" if line.endswith("\r") else ""
            cells = line.rstrip("\r").split("\t")
            cells[col] = next(it).replace("\t", " ").replace("\n", " ")
            out.append("\t".join(cells) + cr)
        return "\n".join(out)
