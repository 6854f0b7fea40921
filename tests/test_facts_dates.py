"""Solar and Lunar Hijri dates in every written form, converted exactly, under every policy.

The expected Gregorian days are not computed by the library under test: each is the known
Gregorian date of Nowruz (1 Farvardin) of its year plus the day count of the Solar months before it
(six of 31 days, five of 30), so they check the conversion rather than repeat it.
"""

from __future__ import annotations

import pytest

from fa2en.errors import ConfigError
from fa2en.facts import FactRules

#: (Solar year, month, day) -> Gregorian day, including Dey-Esfand (next Gregorian year) and leap
#: years' 30 Esfand.
KNOWN_DAYS = [
    ((1357, 6, 31), "22 September 1978"),
    ((1357, 8, 15), "6 November 1978"),
    ((1357, 7, 1), "23 September 1978"),
    ((1358, 4, 1), "22 June 1979"),
    ((1358, 5, 28), "19 August 1979"),
    ((1358, 8, 15), "6 November 1979"),
    ((1378, 12, 29), "19 March 2000"),
    ((1378, 9, 30), "21 December 1999"),
    ((1378, 8, 15), "6 November 1999"),
    ((1379, 2, 10), "29 April 2000"),
    ((1379, 8, 15), "5 November 2000"),
    ((1379, 1, 1), "20 March 2000"),
    ((1390, 12, 29), "19 March 2012"),
    ((1390, 4, 1), "22 June 2011"),
    ((1390, 7, 1), "23 September 2011"),
    ((1391, 6, 31), "21 September 2012"),
    ((1391, 3, 14), "3 June 2012"),
    ((1391, 10, 1), "21 December 2012"),
    ((1392, 12, 29), "20 March 2014"),
    ((1392, 7, 1), "23 September 2013"),
    ((1392, 11, 22), "11 February 2014"),
    ((1393, 12, 29), "20 March 2015"),
    ((1393, 6, 19), "10 September 2014"),
    ((1393, 9, 30), "21 December 2014"),
    ((1394, 4, 1), "22 June 2015"),
    ((1394, 3, 14), "4 June 2015"),
    ((1394, 9, 30), "21 December 2015"),
    ((1395, 4, 1), "21 June 2016"),
    ((1395, 11, 22), "10 February 2017"),
    ((1395, 7, 1), "22 September 2016"),
    ((1395, 6, 19), "9 September 2016"),
    ((1395, 10, 1), "21 December 2016"),
    ((1396, 1, 1), "21 March 2017"),
    ((1396, 9, 30), "21 December 2017"),
    ((1396, 10, 11), "1 January 2018"),
    ((1397, 2, 10), "30 April 2018"),
    ((1397, 12, 29), "20 March 2019"),
    ((1397, 10, 11), "1 January 2019"),
    ((1398, 1, 13), "2 April 2019"),
    ((1398, 4, 1), "22 June 2019"),
    ((1398, 10, 11), "1 January 2020"),
    ((1399, 1, 1), "20 March 2020"),
    ((1399, 11, 22), "10 February 2021"),
    ((1399, 12, 1), "19 February 2021"),
    ((1400, 1, 1), "21 March 2021"),
    ((1400, 7, 1), "23 September 2021"),
    ((1400, 6, 31), "22 September 2021"),
    ((1400, 8, 15), "6 November 2021"),
    ((1401, 10, 11), "1 January 2023"),
    ((1401, 10, 1), "22 December 2022"),
    ((1401, 12, 29), "20 March 2023"),
    ((1402, 11, 22), "11 February 2024"),
    ((1402, 6, 19), "10 September 2023"),
    ((1402, 10, 1), "22 December 2023"),
    ((1403, 12, 1), "19 February 2025"),
    ((1403, 12, 29), "19 March 2025"),
    ((1403, 2, 10), "29 April 2024"),
    ((1403, 5, 28), "18 August 2024"),
    ((1403, 1, 13), "1 April 2024"),
    ((1404, 1, 13), "2 April 2025"),
    ((1404, 2, 10), "30 April 2025"),
    ((1404, 6, 31), "22 September 2025"),
    ((1395, 12, 30), "20 March 2017"),
    ((1399, 12, 30), "20 March 2021"),
    ((1403, 12, 30), "20 March 2025"),
    ((1391, 12, 30), "20 March 2013"),
    ((1379, 12, 30), "20 March 2001"),
]

MONTHS = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
NAMES = (
    "Farvardin Ordibehesht Khordad Tir Mordad Shahrivar Mehr Aban Azar Dey Bahman Esfand".split()
)
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def facts(text: str, **rules: object) -> list[tuple[str, str, str]]:
    """(kind, source, english) of each fact of one line."""
    reader = FactRules(**rules).reader()  # type: ignore[arg-type]
    return [(f.kind, f.source, f.english) for f in reader.find(text)]


def written_forms(year: int, month: int, day: int) -> list[str]:
    """Every way the issue lists to write one Solar day."""
    name = MONTHS[month - 1]
    forms = [
        f"{day} {name} {year}",
        f"{day} {name}ماه {year}",
        f"{day} {name} ماه سال {year}",
        f"{year}/{month:02d}/{day:02d}",
        f"{year}/{month}/{day}",
        f"{year % 100:02d}/{month}/{day}",
        f"{day}/{month}/{year}",
    ]
    return [form.translate(PERSIAN) for form in forms] + [
        forms[0],
        forms[4].translate(ARABIC_INDIC),
    ]


def test_at_least_fifty_distinct_known_days() -> None:
    assert len({day for day, _ in KNOWN_DAYS}) >= 60


@pytest.mark.parametrize(("day", "gregorian"), KNOWN_DAYS)
def test_known_day_in_every_form(day: tuple[int, int, int], gregorian: str) -> None:
    for form in written_forms(*day):
        assert facts(f"در {form} گفت.") == [("date", form, gregorian)], form


@pytest.mark.parametrize(
    ("policy", "english"),
    [
        ("gregorian", "9 September 2016"),
        ("original", "19 Shahrivar 1395"),
        ("both", "19 Shahrivar 1395 (9 September 2016)"),
    ],
)
def test_policies(policy: str, english: str) -> None:
    assert facts("روز ۱۹ شهریور ۱۳۹۵", dates=policy) == [("date", "۱۹ شهریور ۱۳۹۵", english)]


def test_month_names_have_one_transliteration() -> None:
    for number, (month, name) in enumerate(zip(MONTHS, NAMES, strict=True), 1):
        assert facts(f"روز ۱ {month} ۱۴۰۰", dates="original")[0][2] == f"1 {name} 1400", number


def test_day_and_month_take_the_year_option() -> None:
    assert facts("در 19 شهریور ماه نیز", year=1395) == [
        ("date", "19 شهریور ماه", "9 September 2016")
    ]
    assert facts("۱۰ دی", year=1395) == [("date", "۱۰ دی", "30 December 2016")]


def test_day_and_month_without_a_year_are_written_as_original() -> None:
    assert facts("در 19 شهریور ماه نیز") == [("date", "19 شهریور ماه", "19 Shahrivar")]
    assert facts("در 19 شهریور ماه نیز", dates="both") == [
        ("date", "19 شهریور ماه", "19 Shahrivar")
    ]


def test_an_earlier_full_date_sets_the_year_of_the_document() -> None:
    reader = FactRules().reader()
    reader.find("این خبر در ۲۰ اسفند ۱۳۹۴ منتشر شد.", 1)
    later = reader.find("و در ۵ اسفند گفت", 2)
    assert [(f.line, f.english) for f in later] == [(2, "24 February 2016")]
    assert FactRules().reader(year=1403).find("۳۰ اسفند")[0].english == "20 March 2025"


def test_the_year_option_wins_over_the_document() -> None:
    reader = FactRules(year=1395).reader()
    reader.find("۲۰ اسفند ۱۳۹۰", 1)
    assert reader.find("۱۹ شهریور", 2)[0].english == "9 September 2016"


@pytest.mark.parametrize(
    ("text", "policy", "english"),
    [
        ("سال ۱۳۹۵", "gregorian", "1395 (2016–17)"),
        ("سال ۱۳۹۵", "original", "1395"),
        ("سال ۱۳۹۵", "both", "1395 (2016–17)"),
        ("سال ۱۳۷۸", "gregorian", "1378 (1999–2000)"),
        ("۱۴۰۳ هجری شمسی", "gregorian", "1403 (2024–25)"),
        ("شهریور ماه ۱۳۹۵", "gregorian", "August–September 2016"),
        ("مهر ۱۳۹۵", "original", "Mehr 1395"),
        ("دی ماه سال ۱۳۹۵", "gregorian", "December 2016–January 2017"),
        ("اسفند ۱۴۰۳", "both", "Esfand 1403 (February–March 2025)"),
    ],
)
def test_months_and_years(text: str, policy: str, english: str) -> None:
    assert facts(text, dates=policy) == [("date", text, english)]


#: Umm al-Qura days announced by Saudi Arabia (Ramadan, Eid al-Fitr, Eid al-Adha, Ashura).
KNOWN_LUNAR = [
    ("۱ رمضان ۱۴۴۵", "11 March 2024"),
    ("۱ شوال ۱۴۴۵", "10 April 2024"),
    ("۱۰ ذی‌الحجه ۱۴۴۵", "16 June 2024"),
    ("۱ رمضان ۱۴۴۴", "23 March 2023"),
    ("۱ شوال ۱۴۴۴ قمری", "21 April 2023"),
    ("۱۰ محرم ۱۴۳۸", "11 October 2016"),
    ("۱ محرم الحرام ۱۴۳۸ هجری قمری", "2 October 2016"),
]


@pytest.mark.parametrize(("text", "gregorian"), KNOWN_LUNAR)
def test_lunar_days(text: str, gregorian: str) -> None:
    assert facts(text) == [("date", text, gregorian)]


def test_lunar_original_and_without_year() -> None:
    assert facts("۱۰ محرم ۱۴۳۸", dates="original")[0][2] == "10 Muharram 1438 AH"
    assert facts("روز ۱۰ محرم", year=1395)[0][2] == "10 Muharram"
    assert facts("۱۵ ربیع‌الاول ۱۴۴۰", dates="original")[0][2] == "15 Rabi' al-Awwal 1440 AH"
    assert facts("سال ۱۴۳۸ قمری") == [("date", "سال ۱۴۳۸ قمری", "1438 AH (2016–17)")]


@pytest.mark.parametrize(
    "text",
    [
        "اسفند ماه سال گذشته",
        "۱۹ شهریور سال گذشته",
        "مهر امسال",
        "آبان ماه آینده",
    ],
)
def test_relative_dates_are_left_alone(text: str) -> None:
    assert facts(f"از {text} تا کنون", glossary=_months_sheet()) == []


def test_not_a_day_is_neither_a_date_nor_numbers() -> None:
    assert facts("۱۴۰۲/۱۲/۳۰ و ۱۴۰۲/۱۳/۰۱ و ۱/۲/۳/۴") == []


def test_words_that_contain_a_month_are_no_date() -> None:
    assert facts("۵ مهرداد و ۳ تیرانداز") == [("number", "۵", "5"), ("number", "۳", "3")]


def test_gregorian_dates_in_persian() -> None:
    assert facts("۹ سپتامبر ۲۰۱۶ میلادی") == [("date", "۹ سپتامبر ۲۰۱۶ میلادی", "9 September 2016")]
    assert facts("۲۲ مه") == [("date", "۲۲ مه", "22 May")]
    assert facts("به ۱۹ می‌رسد") == [("number", "۱۹", "19")]


def test_year_option_must_be_solar() -> None:
    with pytest.raises(ConfigError, match="--year"):
        FactRules(year=2016)
    with pytest.raises(ConfigError, match="--dates"):
        FactRules(dates="julian")  # type: ignore[arg-type]


def _months_sheet():  # type: ignore[no-untyped-def]
    from fa2en.facts import default_glossary

    return default_glossary()
