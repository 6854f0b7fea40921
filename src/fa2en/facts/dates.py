"""Dates in Persian text (Solar Hijri, Lunar Hijri, Gregorian) and their English form.

:data:`DATE_RULES` is the one ordered list of date patterns; each runs on folded text (ASCII
digits) and a later rule never matches inside an earlier rule's match. A rule's ``render`` turns a
match into English under the ``--dates`` policy, or into ``None``: the span is then claimed but
holds no fact (relative dates such as ``اسفند ماه سال گذشته`` are left to the model, and
``1402/12/30``, which is no day, is not read as numbers either).

Renderings (``gregorian`` / ``original`` / ``both``):

* a day: ``9 September 2016`` / ``19 Shahrivar 1395`` / ``19 Shahrivar 1395 (9 September 2016)``;
* a month of a year: ``August–September 2016`` / ``Shahrivar 1395`` / both;
* a year alone: ``1395 (2016–17)`` / ``1395`` / ``1395 (2016–17)``;
* a day and month without a year takes the year of :class:`DateContext`; with none it is written
  as ``original`` (``19 Shahrivar``) whatever the policy, since no Gregorian day can be known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fa2en.facts.base import GAP, PERSIAN_LETTER, DatePolicy, finditer_masked, mask
from fa2en.facts.calendars import (
    GREGORIAN_IN_PERSIAN,
    GREGORIAN_MONTHS,
    LUNAR_MONTHS,
    SOLAR_MONTHS,
    day_text,
    lunar_month_span,
    lunar_to_gregorian,
    lunar_year_span,
    months_text,
    solar_month_span,
    solar_to_gregorian,
    solar_year_span,
    years_text,
)


def _alternation(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


SOLAR = _alternation(tuple(p for p, _ in SOLAR_MONTHS))
LUNAR = _alternation(tuple(p for p, _ in LUNAR_MONTHS))
GREGORIAN = _alternation(GREGORIAN_IN_PERSIAN)

#: No letter or digit may follow a date (``مهرداد`` is a name, not the month مهر).
END = rf"(?![{PERSIAN_LETTER}\d])"
#: No digit or decimal mark before a day or year.
START = r"(?<![\d.,/])"
#: The optional word ماه after a month name: ``شهریور ماه``, ``شهریورماه``.
MONTH_WORD = rf"(?:{GAP}?ماه)?"
#: The optional word سال before a year: ``شهریور ماه سال ۱۳۹۵``.
YEAR_WORD = r"\s(?:سال\s)?"
DAY = r"(?P<day>[0-3]?\d)"
#: Four-digit years of the Hijri eras that news uses.
HIJRI_YEAR = r"(?P<year>1[2-4]\d\d)"
#: Era words: ``هجری شمسی``, ``خورشیدی``, ``ه.ش``; ``هجری قمری``, ``قمری``, ``ه.ق``; ``میلادی``.
SOLAR_ERA = r"(?:\s(?:هجری\s)?(?:شمسی|خورشیدی)|\s?ه\.\s?ش\.?)"
LUNAR_ERA = r"(?:\s(?:هجری\s)?قمری|\s?ه\.\s?ق\.?)"
GREGORIAN_ERA = r"(?:\sمیلادی)"
#: Words after a month that make the date relative: last year, this year, next year...
RELATIVE = r"(?:سال\s)?(?:گذشته|قبل|پیش|جاری|آینده|آتی|بعد)|امسال|پارسال"

#: Two-digit years in numeric dates (``۹۵/۶/۱۹``): 50-99 are 13xx, 00-49 are 14xx.
TWO_DIGIT_PIVOT = 50


@dataclass
class DateContext:
    """What rendering needs besides the match: the policy and the year of day+month dates."""

    policy: DatePolicy = "gregorian"
    year: int | None = None


def _month(name: str, table: tuple[tuple[str, str], ...] | tuple[str, ...]) -> int:
    """1-based number of the month whose pattern matches ``name``."""
    for number, entry in enumerate(table, 1):
        pattern = entry if isinstance(entry, str) else entry[0]
        if re.fullmatch(f"(?:{pattern}){MONTH_WORD}", name):
            return number
    raise ValueError(name)  # unreachable: the month group only matches names of the table


def _policy(original: str, gregorian: str, policy: DatePolicy) -> str:
    if policy == "original":
        return original
    return gregorian if policy == "gregorian" else f"{original} ({gregorian})"


def solar_day(year: int | None, month: int, day: int, ctx: DateContext) -> str | None:
    """English for a Solar Hijri day (``None`` if there is no such day)."""
    name = SOLAR_MONTHS[month - 1][1]
    if year is None and ctx.year is None:
        return f"{day} {name}" if 1 <= day <= 31 else None
    year = year if year is not None else ctx.year
    assert year is not None
    try:
        gregorian = solar_to_gregorian(year, month, day)
    except ValueError:
        return None
    return _policy(f"{day} {name} {year}", day_text(gregorian), ctx.policy)


def _numeric(m: re.Match[str], ctx: DateContext) -> str | None:
    return solar_day(_full_year(m), int(m["month"]), int(m["day"]), ctx)


def _solar_day(m: re.Match[str], ctx: DateContext) -> str | None:
    year = int(m["year"]) if m["year"] else None
    return solar_day(year, _month(m["month"], SOLAR_MONTHS), int(m["day"]), ctx)


def _solar_month(m: re.Match[str], ctx: DateContext) -> str | None:
    year, month = int(m["year"]), _month(m["month"], SOLAR_MONTHS)
    original = f"{SOLAR_MONTHS[month - 1][1]} {year}"
    return _policy(original, months_text(*solar_month_span(year, month)), ctx.policy)


def _solar_year(m: re.Match[str], ctx: DateContext) -> str | None:
    year = int(m["year"])
    return (
        m["year"] if ctx.policy == "original" else f"{year} ({years_text(*solar_year_span(year))})"
    )


def _lunar_day(m: re.Match[str], ctx: DateContext) -> str | None:
    month, day = _month(m["month"], LUNAR_MONTHS), int(m["day"])
    name = LUNAR_MONTHS[month - 1][1]
    if not m["year"]:
        return f"{day} {name}" if 1 <= day <= 30 else None
    year = int(m["year"])
    try:
        gregorian = lunar_to_gregorian(year, month, day)
    except (ValueError, OverflowError):
        return None
    return _policy(f"{day} {name} {year} AH", day_text(gregorian), ctx.policy)


def _lunar_month(m: re.Match[str], ctx: DateContext) -> str | None:
    year, month = int(m["year"]), _month(m["month"], LUNAR_MONTHS)
    original = f"{LUNAR_MONTHS[month - 1][1]} {year} AH"
    try:
        span = lunar_month_span(year, month)
    except (ValueError, OverflowError):
        return original
    return _policy(original, months_text(*span), ctx.policy)


def _lunar_year(m: re.Match[str], ctx: DateContext) -> str | None:
    original = f"{m['year']} AH"
    if ctx.policy == "original":
        return original
    try:
        return f"{original} ({years_text(*lunar_year_span(int(m['year'])))})"
    except (ValueError, OverflowError):
        return original


def _gregorian_day(m: re.Match[str], ctx: DateContext) -> str | None:
    month, day = _month(m["month"], GREGORIAN_IN_PERSIAN), int(m["day"])
    if not 1 <= day <= 31:
        return None
    name = GREGORIAN_MONTHS[month - 1]
    return f"{day} {name} {m['year']}" if m["year"] else f"{day} {name}"


def _nothing(m: re.Match[str], ctx: DateContext) -> str | None:
    return None


@dataclass(frozen=True)
class DateRule:
    """One date pattern and how its match is written in English; ``sets_year`` marks a full
    Solar Hijri date, whose year later day+month dates of the same document take."""

    name: str
    pattern: re.Pattern[str]
    render: Callable[[re.Match[str], DateContext], str | None]
    sets_year: bool = False


def _rule(
    name: str, pattern: str, render: Callable[..., str | None], sets_year: bool = False
) -> DateRule:
    return DateRule(name, re.compile(pattern), render, sets_year)


#: Every date pattern, in the order they claim text.
DATE_RULES: tuple[DateRule, ...] = (
    _rule(
        "relative",
        rf"(?:{START}{DAY}\s?|(?<![{PERSIAN_LETTER}]))(?P<month>{SOLAR}|{LUNAR}){MONTH_WORD}\s(?:{RELATIVE}){END}",
        _nothing,
    ),
    _rule(
        "numeric year/month/day",
        r"(?<![\d/])(?P<year>1[2-4]\d\d|\d\d)/(?P<month>0?[1-9]|1[0-2])/(?P<day>[0-3]?\d)(?![\d/])",
        _numeric,
        sets_year=True,
    ),
    _rule(
        "numeric day/month/year",
        r"(?<![\d/])(?P<day>[0-3]?\d)/(?P<month>0?[1-9]|1[0-2])/(?P<year>1[2-4]\d\d)(?![\d/])",
        _numeric,
        sets_year=True,
    ),
    _rule("numeric, not a date", r"(?<![\d/])\d+/\d+/\d+(?:/\d+)*(?![\d/])", _nothing),
    _rule(
        "lunar day month [year]",
        rf"{START}{DAY}\s?(?P<month>{LUNAR}){MONTH_WORD}(?:{YEAR_WORD}{HIJRI_YEAR}{LUNAR_ERA}?)?{END}",
        _lunar_day,
    ),
    _rule(
        "solar day month [year]",
        rf"{START}{DAY}\s?(?P<month>{SOLAR}){MONTH_WORD}(?:{YEAR_WORD}{HIJRI_YEAR}{SOLAR_ERA}?)?{END}",
        _solar_day,
        sets_year=True,
    ),
    _rule(
        "gregorian day month [year]",
        rf"{START}{DAY}\s?(?P<month>{GREGORIAN})(?:{YEAR_WORD}(?P<year>\d{{4}}){GREGORIAN_ERA}?)?{END}",
        _gregorian_day,
    ),
    _rule(
        "lunar month year",
        rf"(?<![{PERSIAN_LETTER}])(?P<month>{LUNAR}){MONTH_WORD}{YEAR_WORD}{HIJRI_YEAR}{LUNAR_ERA}?{END}",
        _lunar_month,
    ),
    _rule(
        "solar month year",
        rf"(?<![{PERSIAN_LETTER}])(?P<month>{SOLAR}){MONTH_WORD}{YEAR_WORD}{HIJRI_YEAR}{SOLAR_ERA}?{END}",
        _solar_month,
    ),
    _rule("lunar year", rf"(?:سال\s)?{START}{HIJRI_YEAR}{LUNAR_ERA}{END}", _lunar_year),
    _rule("solar year after سال", rf"سال\s{START}{HIJRI_YEAR}{SOLAR_ERA}?{END}", _solar_year),
    _rule("solar year with its era", rf"{START}{HIJRI_YEAR}{SOLAR_ERA}{END}", _solar_year),
)


@dataclass(frozen=True)
class FoundDate:
    """A claimed span: its English (``None``: no fact) and, for a full Solar date, its year."""

    start: int
    end: int
    english: str | None
    year: int | None


def find_dates(folded: str, ctx: DateContext) -> list[FoundDate]:
    """Every date span in ``folded``, rule by rule, a later rule never inside an earlier match."""
    found: list[FoundDate] = []
    for rule in DATE_RULES:
        for m in finditer_masked(rule.pattern, folded):
            english = rule.render(m, ctx)
            year = _full_year(m) if rule.sets_year and english is not None else None
            found.append(FoundDate(m.start(), m.end(), english, year))
        for f in found:
            folded = mask(folded, f.start, f.end)
    return sorted(found, key=lambda f: f.start)


def _full_year(m: re.Match[str]) -> int | None:
    """The Solar year a full date states (two-digit years expanded), else None."""
    if not m["year"]:
        return None
    year = int(m["year"])
    if year < 100:
        year += 1300 if year >= TWO_DIGIT_PIVOT else 1400
    return year
