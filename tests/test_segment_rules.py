"""Each named rule in fa2en.segment.rules, with the cases it is documented to handle."""

import pytest

from fa2en.segment import rules


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("تهران - ایرنا: متن", "تهران - ایرنا:"),
        ("لندن - واحد مرکزی خبر: متن", "لندن - واحد مرکزی خبر:"),
        ("واحد مرکزی خبر: متن", "واحد مرکزی خبر:"),
        ("دهلی نو - ایرنا: متن", "دهلی نو - ایرنا:"),
        ("وی گفت: متن", None),  # a speech colon is not a dateline
    ],
)
def test_dateline(text: str, matches: str | None) -> None:
    m = rules.DATELINE.match(text)
    assert (m.group() if m else None) == matches


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("است. وی", ["."]),
        ("است.» وی", [".»"]),
        ("چرا؟! نه", ["؟!"]),
        ("است.وی رفت", ["."]),  # missing space after the period
        ("ج.ا.ا کشور", []),  # initials are not glued sentence ends
        ("3.5 درصد", []),
        ("irna.ir است", []),
    ],
)
def test_candidate(text: str, runs: list[str]) -> None:
    assert [m.group() for m in rules.CANDIDATE.finditer(text)] == runs


@pytest.mark.parametrize(
    ("run", "only"), [("…", True), ("...", True), ("…»", True), ("….", False), (".", False)]
)
def test_ellipsis_only(run: str, only: bool) -> None:
    assert bool(rules.ELLIPSIS_ONLY.fullmatch(run)) is only


@pytest.mark.parametrize(
    ("before", "single"),
    [
        ("سال ه", True),
        ("ج.ا.ا", True),
        ("(ع", True),
        ("J", True),
        ("انجام شد", False),
        ("او", False),
    ],
)
def test_single_letter(before: str, single: bool) -> None:
    assert bool(rules.SINGLE_LETTER.search(before)) is single


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("## عنوان", "## "),
        ("- مورد", "- "),
        ("۱. مورد", "۱. "),
        ("2) مورد", "2) "),
        ("> نقل", "> "),
        ("متن", None),
    ],
)
def test_structural_marker(line: str, marker: str | None) -> None:
    m = rules.STRUCTURAL_MARKER.match(line)
    assert (m.group() if m else None) == marker


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("ببینید https://irna.ir/news/1. را", ["https://irna.ir/news/1"]),
        ("دستور `pip install fa2en` را", ["`pip install fa2en`"]),
        ("به info@example.com بنویسید", ["info@example.com"]),
        ("[اینجا](https://irna.ir/a) را ببینید", ["[", "](https://irna.ir/a)"]),
        ("![عکس](img/a.png)", ["![", "](img/a.png)"]),
        ("(منبع: https://irna.ir/a)", ["https://irna.ir/a"]),
    ],
)
def test_protected_span(text: str, spans: list[str]) -> None:
    assert [m.group() for m in rules.PROTECTED_SPAN.finditer(text)] == spans


@pytest.mark.parametrize(
    ("line", "closed"), [("است.", True), ("گفت:", True), ("«چرا؟»", True), ("و هم", False)]
)
def test_line_closed(line: str, closed: bool) -> None:
    assert bool(rules.LINE_CLOSED.search(line)) is closed


@pytest.mark.parametrize(
    ("line", "verbatim"),
    [
        ("|---|:--:|", True),
        ("  | :--- | ---: |\r", True),
        ("| نام | مقدار |", False),  # a table row: its cells are translated
        ("---", True),
        ("```python", True),
    ],
)
def test_verbatim_line(line: str, verbatim: bool) -> None:
    assert bool(rules.VERBATIM_LINE.fullmatch(line)) is verbatim


@pytest.mark.parametrize(
    ("row", "cells"),
    [
        ("| الف | ب |", [" الف ", " ب "]),
        ("| a \\| b | `x|y` |", [" a \\| b ", " `x|y` "]),
        ("||ج|", ["ج"]),
    ],
)
def test_table_cell(row: str, cells: list[str]) -> None:
    assert rules.TABLE_ROW.fullmatch(row)
    assert rules.TABLE_CELL.findall(row) == cells


@pytest.mark.parametrize(
    ("cell", "delimiters"),
    [
        ("**پررنگ**", ["**", "**"]),
        ("*کج* و __زیر__", ["*", "*", "__", "__"]),
        ("~~حذف~~", ["~~", "~~"]),
        ("file_name و 2 * 3", []),
    ],
)
def test_emphasis_delimiter(cell: str, delimiters: list[str]) -> None:
    assert rules.EMPHASIS_DELIMITER.findall(cell) == delimiters


@pytest.mark.parametrize(
    ("text", "unsafe"),
    [
        ("a | b", ["|"]),
        ("a \\| b", []),
        ("a\r\nb", ["\r", "\n"]),
        ("`a|b` | c", ["`a|b`", "|"]),  # inline code is matched whole and left as it is
    ],
)
def test_cell_unsafe(text: str, unsafe: list[str]) -> None:
    assert rules.CELL_UNSAFE.findall(text) == unsafe


@pytest.mark.parametrize(
    ("markup", "numbered"), [("۱. ", True), ("  12) ", True), ("- ", False), ("۱۲۳", False)]
)
def test_numbered_marker(markup: str, numbered: bool) -> None:
    assert bool(rules.NUMBERED_MARKER.fullmatch(markup)) is numbered
