"""Calendar tables and conversions: month names in Persian and English, and the conversions
themselves, done only by maintained libraries (jdatetime for Solar Hijri, hijridate for Lunar
Hijri, Umm al-Qura)."""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
from hijridate import Hijri

from fa2en.facts.base import GAP
from fa2en.normalize import DIGITS_TO_ASCII as DIGITS

#: The English month names (not the locale's: output is the same on every machine).
GREGORIAN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

#: Solar Hijri months: Persian spelling (a regex on folded text) and the one transliteration fa2en
#: writes.
SOLAR_MONTHS = (
    ("فروردین", "Farvardin"),
    ("اردیبهشت", "Ordibehesht"),
    ("خرداد", "Khordad"),
    ("تیر", "Tir"),
    ("ا?مرداد", "Mordad"),
    ("شهریور", "Shahrivar"),
    ("مهر", "Mehr"),
    ("آبان", "Aban"),
    ("آذر", "Azar"),
    ("دی", "Dey"),
    ("بهمن", "Bahman"),
    ("اسفند", "Esfand"),
)

#: Lunar Hijri months, as Persian writes them (with or without the space/ZWNJ inside).
LUNAR_MONTHS = (
    (f"محرم(?:{GAP}?الحرام)?", "Muharram"),
    ("صفر", "Safar"),
    (f"ربیع{GAP}?الاول", "Rabi' al-Awwal"),
    (f"ربیع{GAP}?(?:الثانی|الآخر|الاخر)", "Rabi' al-Thani"),
    (f"جمادی{GAP}?الاول(?:ی)?", "Jumada al-Awwal"),
    (f"جمادی{GAP}?(?:الثانی|الآخر|الاخر)(?:ه|ی)?", "Jumada al-Thani"),
    ("رجب", "Rajab"),
    ("شعبان", "Sha'ban"),
    ("رمضان", "Ramadan"),
    ("شوال", "Shawwal"),
    (f"ذی{GAP}?القعده|ذیقعده", "Dhu al-Qa'dah"),
    (f"ذی{GAP}?الحجه|ذیحجه", "Dhu al-Hijjah"),
)

#: Gregorian months as Persian news transliterates them (Gregorian dates need no conversion);
#: May is مه only: می is also the verb prefix (``۱۹ می‌شود``).
GREGORIAN_IN_PERSIAN = (
    "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
    "ژوئیه|جولای", "اوت|آگوست", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
)  # fmt: skip


def solar_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Solar Hijri date; ValueError if there is no such day."""
    return jdatetime.date(year, month, day).togregorian()


def solar_month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Solar Hijri month."""
    last = jdatetime.j_days_in_month[month - 1]
    if month == 12 and jdatetime.date(year, 1, 1).isleap():
        last = 30
    return solar_to_gregorian(year, month, 1), solar_to_gregorian(year, month, last)


def solar_year_span(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Solar Hijri year."""
    return solar_to_gregorian(year, 1, 1), solar_to_gregorian(year + 1, 1, 1) - dt.timedelta(1)


def lunar_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Lunar Hijri date; ValueError/OverflowError outside 1343-1500 AH."""
    return _date(Hijri(year, month, day))


def _date(hijri: Hijri) -> dt.date:
    """The Gregorian day of ``hijri`` as a standard :class:`datetime.date`."""
    year, month, day = hijri.to_gregorian().datetuple()
    return dt.date(year, month, day)


def lunar_month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Lunar Hijri month."""
    first = Hijri(year, month, 1)
    return _date(first), _date(Hijri(year, month, first.month_length()))


def lunar_year_span(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Lunar Hijri year."""
    return lunar_month_span(year, 1)[0], lunar_month_span(year, 12)[1]


def day_text(date: dt.date) -> str:
    """``9 September 2016``."""
    return f"{date.day} {GREGORIAN_MONTHS[date.month - 1]} {date.year}"


def months_text(first: dt.date, last: dt.date) -> str:
    """The Gregorian months a span touches: ``August–September 2016``, ``December 2016–January
    2017``."""
    m1, m2 = GREGORIAN_MONTHS[first.month - 1], GREGORIAN_MONTHS[last.month - 1]
    if first.year != last.year:
        return f"{m1} {first.year}–{m2} {last.year}"
    return f"{m1} {first.year}" if m1 == m2 else f"{m1}–{m2} {first.year}"


def years_text(first: dt.date, last: dt.date) -> str:
    """The Gregorian years a span touches: ``2016–17``, ``1999–2000``."""
    if first.year == last.year:
        return str(first.year)
    if first.year // 100 == last.year // 100:
        return f"{first.year}–{last.year % 100:02d}"
    return f"{first.year}–{last.year}"


#: A date as a record field may give it: year, month and day, in any digits, with - / or . between.
RECORD_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def solar_year_of(value: str) -> int | None:
    """The Solar Hijri year of a record's date: ``1395/06/19`` or ``2016-09-09`` (None: unknown)."""
    found = RECORD_DATE.search(value.translate(DIGITS))
    if found is None:
        return None
    year, month, day = (int(g) for g in found.groups())
    try:
        if year >= 1700:  # a Gregorian date
            return int(jdatetime.date.fromgregorian(date=dt.date(year, month, day)).year)
        return year if jdatetime.date(year, month, day) else None
    except ValueError:
        return None
