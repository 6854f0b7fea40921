"""Numbers in every digit set and with every separator Persian news uses."""

from __future__ import annotations

import pytest

from fa2en.facts import FactRules


def numbers(text: str) -> list[tuple[str, str]]:
    """(source, english) of each number fact of one line."""
    return [(f.source, f.english) for f in FactRules().reader().find(text) if f.kind == "number"]


@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("۲۲۵۴", "2254"),  # Persian digits
        ("٢٢٥٤", "2254"),  # Arabic-Indic digits
        ("2254", "2254"),  # ASCII
        ("۲۴۴۸۹۰", "244890"),  # no grouping: none is added
        ("۲۴۴٬۸۹۰", "244,890"),  # Arabic thousands separator
        ("۱,۲۰۰,۰۰۰", "1,200,000"),  # ASCII comma between groups of three
        ("۵،۱۴۳", "5,143"),  # Persian comma between groups of three
        ("۲٫۵", "2.5"),  # Arabic decimal separator
        ("۲/۵", "2.5"),  # slash as decimal mark
        ("٣٫٥", "3.5"),
        ("2.75", "2.75"),
        ("۲۵٪", "25%"),
        ("۲۵ ٪", "25%"),
        ("٪۲۵", "25%"),
        ("25%", "25%"),
        ("۲۵ درصد", "25%"),
        ("۲/۵ درصد", "2.5%"),
        ("۱۰ تا ۲۰", "10–20"),
        ("۱۰-۲۰", "10–20"),
        ("۱۰ تا ۲۰ درصد", "10–20%"),
        ("۳۰ هزار", "30,000"),
        ("۳ هزار و ۵۰۰", "3,500"),
        ("۵ میلیون", "5 million"),
        ("۲/۵ میلیارد", "2.5 billion"),
        ("۲ تا ۳ میلیون", "2–3 million"),
        ("۵ میلیون و ۳۰۰ هزار", "5,300,000"),
    ],
)
def test_number_forms(source: str, english: str) -> None:
    assert numbers(f"گفت {source} نفر") == [(source, english)]


def test_numbers_side_by_side_stay_apart() -> None:
    assert numbers("۳ و ۴ و 1,2") == [("۳", "3"), ("۴", "4"), ("1", "1"), ("2", "2")]
    assert numbers("۵، ۱۴۳") == [("۵", "5"), ("۱۴۳", "143")]


def test_digits_inside_latin_names_are_no_number() -> None:
    assert numbers("ویروس OC43 و کووید-19") == [("19", "19")]


def test_offsets_point_into_the_original_text() -> None:
    text = "قطعنامه ۲۲۵۴ و ٢٥٪"
    for fact in FactRules().reader().find(text):
        assert text[fact.start : fact.end] == fact.source


def test_seed_sentence_numbers() -> None:
    text = "وزیر خارجه روسیه همچنین در 24 ساعت گذشته بر اساس قطعنامه 2254 رایزنی کرد."
    assert numbers(text) == [("24", "24"), ("2254", "2254")]
