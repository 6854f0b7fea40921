"""``fa2en facts``: the seed article's facts, one JSON object per fact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fa2en.cli import main

SEED = "seed/000_3c6b0e4aa1e23fa4.txt"


def run_facts(tmp_path: Path, *args: str) -> list[dict[str, object]]:
    out = tmp_path / "facts.jsonl"
    assert main(["facts", *args, "--json", str(out)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_seed_article_facts(data_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "names.tsv"
    sheet.write_text("محمدجواد ظریف\tMohammad Javad Zarif\nداعش\tISIS\n", encoding="utf-8")
    seed = str(data_dir / SEED)
    rows = run_facts(tmp_path, seed, "--year", "1395")
    facts = {(r["kind"], r["source"], r["english"]) for r in rows}
    assert {
        ("number", "2254", "2254"),
        ("number", "24", "24"),
        ("date", "19 شهریور ماه", "9 September 2016"),
        ("term", "داعش", "ISIS"),
        ("term", "جبهه النصره", "al-Nusra Front"),
        ("term", "شورای امنیت سازمان ملل", "UN Security Council"),
    } <= facts
    assert all(set(r) == {"line", "kind", "source", "english"} for r in rows)
    lines = Path(seed).read_text(encoding="utf-8").splitlines()
    for row in rows:
        assert str(row["source"]) in lines[int(row["line"]) - 1]  # type: ignore[call-overload]
    named = run_facts(tmp_path, seed, "--glossary", str(sheet), "--dates", "both")
    assert ("term", "محمدجواد ظریف را", "Mohammad Javad Zarif") in {
        (r["kind"], r["source"], r["english"]) for r in named
    }
    assert ("date", "19 شهریور ماه", "19 Shahrivar") in {
        (r["kind"], r["source"], r["english"]) for r in named
    }


def test_a_full_date_earlier_in_the_file_sets_the_year(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("تهران، ۱۰ شهریور ۱۳۹۵\n\nدر ۱۹ شهریور گفت ۲۵٪\n", encoding="utf-8")
    rows = run_facts(tmp_path, str(text))
    assert rows == [
        {"line": 1, "kind": "term", "source": "تهران", "english": "Tehran"},
        {"line": 1, "kind": "date", "source": "۱۰ شهریور ۱۳۹۵", "english": "31 August 2016"},
        {"line": 3, "kind": "date", "source": "۱۹ شهریور", "english": "9 September 2016"},
        {"line": 3, "kind": "number", "source": "۲۵٪", "english": "25%"},
    ]


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"bad.tsv": "داعش\n"}, ["--glossary", "bad.tsv"], "bad.tsv, line 1: expected"),
        ({}, ["--glossary", "none.tsv"], "none.tsv: cannot read it"),
        ({}, ["--year", "2016"], "--year takes a Solar Hijri year"),
    ],
)
def test_errors_exit_2_naming_the_problem(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    args: list[str],
    message: str,
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("۲۴ نفر\n", encoding="utf-8")
    args = [str(tmp_path / a) if a.endswith(".tsv") else a for a in args]
    assert main(["facts", str(text), *args, "--json", str(tmp_path / "o.jsonl")]) == 2
    assert message in capsys.readouterr().err


def test_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "latin.txt"
    bad.write_bytes("caf\u00e9".encode("latin-1"))
    assert main(["facts", str(bad), "--json", "-"]) == 2
    assert "not UTF-8" in capsys.readouterr().err
