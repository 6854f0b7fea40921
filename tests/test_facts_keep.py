"""keep_facts: what a model wrote is checked, repaired where it is safe, and reported otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from fa2en.facts import FLAGS, Fact, FactRules, default_glossary, keep_facts, load_glossary

RULES = FactRules(year=1395, glossary=default_glossary())


def kept(source: str, english: str, rules: FactRules = RULES) -> tuple[str, list[str]]:
    """The repaired English and the English forms of the facts not kept."""
    facts = rules.reader().find(source)
    assert facts, "the test sentence must hold facts"
    out, lost = keep_facts(source, english, facts)
    return out, [f.english for f in lost]


@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("۲۴۴۸۹۰ نفر", "244,890 people"),
        ("۲۴۴٬۸۹۰ نفر", "244890 people"),
        ("۵ میلیون نفر", "5,000,000 people"),
        ("۳۰ هزار نفر", "30 thousand people"),
        ("۲۵ درصد", "25 percent"),
        ("در ۱۹ شهریور ماه", "on September 9th, 2016"),
        ("در ۱۹ شهریور ۱۳۹۵", "on Sept. 9, 2016"),
        ("در سال ۱۳۹۵", "in 1395 (2016-17)"),
        ("داعش", "Isis fighters"),
        ("جبهه النصره", "the Al-Nusra Front"),
    ],
)
def test_facts_written_another_way_are_kept_as_written(source: str, english: str) -> None:
    assert kept(source, english) == (english, [])


@pytest.mark.parametrize(
    ("source", "english", "repaired"),
    [
        ("۲۴۴۸۹۰ نفر کشته شدند", "24,490 people were killed", "244890 people were killed"),
        ("در 24 ساعت گذشته", "in the past twenty-four hours", "in the past 24 hours"),
        ("۵ میلیون نفر", "five million people", "5 million people"),
        ("۲/۵ درصد", "2/5 percent", "2.5%"),
        ("قطعنامه ۲۲۵۴", "Resolution ۲۲۵۴", "Resolution 2254"),
        ("در 19 شهریور ماه", "on Shahrivar 19", "on 9 September 2016"),
        ("در 19 شهریور ماه", "on 19th of Shahrivar", "on 9 September 2016"),
        ("در 19 شهریور ماه", "on September 9, 2017", "on 9 September 2016"),
        ("در 19 شهریور ماه", "on September 9", "on 9 September 2016"),
        ("در ۱۰ دی ۱۳۹۵", "on 10 December 2016", "on 30 December 2016"),  # Dey is not December
        ("در سال ۱۳۹۵", "in 1395", "in 1395 (2016–17)"),
        ("در سال ۱۳۹۵", "in 2016", "in 1395 (2016–17)"),
        ("داعش و جبهه النصره", "Daesh and the Nusra Front", "ISIS and the al-Nusra Front"),
        (
            "شورای امنیت سازمان ملل",
            "the United Nations Security Council",
            "the UN Security Council",
        ),
        ("مردم تهران", "people of تهران", "people of Tehran"),
    ],
)
def test_miswritten_facts_are_repaired(source: str, english: str, repaired: str) -> None:
    assert kept(source, english) == (repaired, [])


def test_both_policy_repairs_only_the_missing_half() -> None:
    rules = FactRules(year=1395, dates="both")
    out = kept("در ۱۹ شهریور ماه", "on 19 Shahrivar 1395 (September 9, 2015)", rules)
    assert out == ("on 19 Shahrivar 1395 (9 September 2016)", [])


def test_facts_the_model_dropped_are_reported() -> None:
    out, lost = kept("داعش در ۱۹ شهریور ۲۴ نفر را کشت", "The terrorists killed people")
    assert out == "The terrorists killed people"
    assert lost == ["ISIS", "9 September 2016", "24"]


def test_nothing_is_guessed_when_two_numbers_could_be_either() -> None:
    out, lost = kept("۱۲۳۴ و ۱۲۳۵", "1233 and 1236")
    assert (out, lost) == ("1233 and 1236", ["1234", "1235"])


def test_a_short_number_is_not_taken_for_another() -> None:
    assert kept("۳ و ۴", "three and 5") == ("3 and 5", ["4"])


def test_each_occurrence_needs_its_own_mention() -> None:
    assert kept("۲۴ و ۲۴", "24 and twenty-four") == ("24 and 24", [])
    assert kept("داعش و داعش", "ISIS and them")[1] == ["ISIS"]


def test_same_input_same_output() -> None:
    source, english = "داعش در ۱۹ شهریور ۲۴۴۸۹۰ نفر", "Daesh on Shahrivar 19, 24,490 people"
    first = kept(source, english)
    assert all(kept(source, english) == first for _ in range(3))
    assert first == ("ISIS on 9 September 2016, 244890 people", [])


def test_facts_must_come_from_the_source() -> None:
    fact = Fact(1, "number", "24", "24", 0, 2)
    with pytest.raises(ValueError, match="not at 0:2"):
        keep_facts("۲۵ نفر", "25 people", [fact])


def test_flags_name_the_review_checks() -> None:
    assert FLAGS == {"number": "numbers", "date": "date", "term": "glossary"}


def test_seed_article_translation_keeps_its_facts(data_dir: Path, tmp_path: Path) -> None:
    """The seed article's last paragraphs, as a model might garble them, come out right."""
    sheet = tmp_path / "names.tsv"
    sheet.write_text("محمدجواد ظریف\tMohammad Javad Zarif\nلاوروف\tLavrov\n", encoding="utf-8")
    names = load_glossary(sheet)
    rules = FactRules(year=1395, glossary=default_glossary())
    lines = (
        (data_dir / "seed" / "000_3c6b0e4aa1e23fa4.txt").read_text(encoding="utf-8").splitlines()
    )
    model = {
        13: "Zarif and Lavrov stressed a political settlement based on Resolution 2,254 of the "
        "United Nations Security Council as the only solution.",
        15: "In the past twenty-four hours the Russian foreign minister also consulted his "
        "American, German and Turkish counterparts.",
        23: "Since last Esfand the US promised to keep the opposition away from Daesh and the "
        "Nusra Front terrorists, yet despite a written agreement on Shahrivar 19 it refuses.",
    }
    reader = rules.reader()
    out = {}
    for number, line in enumerate(lines, 1):
        facts = reader.find(line, number)
        if number in model:
            out[number] = keep_facts(line, model[number], facts)
    assert out[13] == (
        "Zarif and Lavrov stressed a political settlement based on Resolution 2,254 of the "
        "UN Security Council as the only solution.",
        [],
    )
    assert out[15][0].startswith("In the past 24 hours") and out[15][1] == []
    english, lost = out[23]
    assert "ISIS and the al-Nusra Front" in english and "on 9 September 2016 it" in english
    assert lost == []
    talks = next(line for line in lines if "سرگئی لاوروف" in line)
    zarif = FactRules(glossary=names).reader().find(talks)
    assert [f.english for f in zarif] == ["Lavrov", "Mohammad Javad Zarif"]
    _, lost = keep_facts(talks, "talks between Lavrov and Zarif", zarif)
    assert [f.english for f in lost] == ["Mohammad Javad Zarif"]
