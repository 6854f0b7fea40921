"""The style sheet: matching through Persian inflection and spelling, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fa2en.errors import ConfigError
from fa2en.facts import FactRules, default_glossary, load_glossary
from fa2en.facts.glossary import default_glossary_path

SHEET = (
    "# test sheet\n"
    "محمدجواد ظریف\tMohammad Javad Zarif\tforeign minister 2013-2021\n"
    "ظریف\tZarif\n"
    "داعش\tISIS | Daesh | ISIL\n"
    "شورای امنیت\tSecurity Council\n"
    "شورای امنیت سازمان ملل\tUN Security Council\n"
    "نیروی قدس\tQuds Force\n"
    "کشور\tcountry\n"
)


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.tsv"
    path.write_text(SHEET, encoding="utf-8")
    return path


def terms(text: str, sheet: Path) -> list[tuple[str, str]]:
    reader = FactRules(glossary=load_glossary(sheet)).reader()
    return [(f.source, f.english) for f in reader.find(text) if f.kind == "term"]


@pytest.mark.parametrize(
    ("text", "source", "english"),
    [
        ("محمدجواد ظریف گفت", "محمدجواد ظریف", "Mohammad Javad Zarif"),
        ("محمد جواد ظریف گفت", "محمد جواد ظریف", "Mohammad Javad Zarif"),  # space inside
        ("محمد\u200cجواد ظریف گفت", "محمد\u200cجواد ظریف", "Mohammad Javad Zarif"),  # ZWNJ
        ("ظريف گفت", "ظريف", "Zarif"),  # Arabic yeh
        ("داعش را شکست دادند", "داعش را", "ISIS"),  # object marker
        ("نیروهای داعش", "داعش", "ISIS"),
        ("کشورها", "کشورها", "country"),  # plural
        ("کشور\u200cهای همسایه", "کشور\u200cهای", "country"),
        ("نیروی قدس", "نیروی قدس", "Quds Force"),
        ("شورای امنیت سازمان ملل", "شورای امنیت سازمان ملل", "UN Security Council"),  # longest
    ],
)
def test_inflections_and_spellings(text: str, source: str, english: str, sheet: Path) -> None:
    assert terms(text, sheet) == [(source, english)]


def test_longest_first_and_alternatives(sheet: Path) -> None:
    found = FactRules(glossary=load_glossary(sheet)).reader().find("داعش و شورای امنیت")
    assert [(f.english, f.alternatives) for f in found] == [
        ("ISIS", ("Daesh", "ISIL")),
        ("Security Council", ()),
    ]


def test_a_consonant_then_ye_is_another_word(sheet: Path) -> None:
    assert terms("ظریفی و کشوری و شورای امنیتی", sheet) == []


def test_default_sheet_loads_and_finds_provinces_and_bodies() -> None:
    reader = FactRules(glossary=default_glossary()).reader()
    found = reader.find(
        "استانداران خوزستان و سیستان و بلوچستان در مجلس شورای اسلامی و شورای نگهبان"
    )
    assert [f.english for f in found] == [
        "Khuzestan",
        "Sistan and Baluchestan",
        "Islamic Consultative Assembly",
        "Guardian Council",
    ]
    assert (
        default_glossary_path().read_text(encoding="utf-8").startswith("# fa2en default glossary")
    )
    assert len(default_glossary().terms) >= 60


def test_farsi_is_not_fars_province() -> None:
    assert FactRules(glossary=default_glossary()).reader().find("زبان فارسی") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("داعش\tISIS\nفقط یک ستون\n", r"line 2: expected 'Persian<TAB>English"),
        ("داعش\t\n", r"line 1: expected"),
        ("الف\tA\tnote\textra\n", r"line 1: expected"),
        ("داعش\tISIS\nداعش\tDaesh\n", r"line 2: 'داعش' is already on line 1"),
        ("داعش\tISIS | \n", r"line 1: empty English form"),
    ],
)
def test_bad_sheet_is_a_config_error_naming_file_and_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_glossary(path)
    assert str(path) in str(err.value)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.tsv"
    path.write_bytes(b"ok\tOK\n" + "caf\u00e9\tcafe\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin.tsv, line 2: not UTF-8"):
        load_glossary(path)


def test_missing_sheet(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nothere.tsv: cannot read it"):
        load_glossary(tmp_path / "nothere.tsv")
