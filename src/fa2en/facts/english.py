"""Numbers and dates in English text: what a translation (or a fact's English form) states.

:func:`mentions` reads the model's English and the English form of each fact with the same
rules, so a fact is kept exactly when what its English form states is stated in the translation,
however the model wrote it: ``9 September 2016``, ``September 9th, 2016`` and ``Sept 9, 2016`` are
one day; ``244,890`` and ``244890`` one number; ``5 million`` and ``5,000,000`` too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fa2en.facts.base import MASK, finditer_masked, mask
from fa2en.facts.calendars import GREGORIAN_MONTHS
from fa2en.normalize import DIGITS_TO_ASCII

#: How models spell month names, per calendar, in month order.
MONTH_SPELLINGS: dict[str, tuple[str, ...]] = {
    "gregorian": tuple(
        f"{m[:3]}(?:{m[3:]}|t\\.?|\\.)?" if m == "September" else f"{m[:3]}(?:{m[3:]}|\\.)?"
        for m in GREGORIAN_MONTHS
    ),
    "solar": (
        "Farvardin|Farvardeen|Farwardin",
        "Ordibehesht|Ordibehest|Urdibihisht",
        "Khordad|Khurdad|Khordaad",
        "Tir|Teer",
        "A?mordad|Murdad|Mordaad",
        "Shahri[vw][ae]r|Shahrivar|Shahrewar",
        "Mehr|Mihr",
        "Aban|Abaan",
        "Azar|Adhar|Azer",
        "Dey|Dei",
        "Bahman",
        "Esfand|Isfand|Espand",
    ),
    "lunar": (
        "Muharram|Moharram|Muharam",
        "Safar",
        "Rabi\\W{0,2}(?:al|ul|a)\\W?Awwal|Rabi\\W?\\s?I\\b",
        "Rabi\\W{0,2}(?:al|ul|a)\\W?(?:Thani|Akhir)|Rabi\\W?\\s?II\\b",
        "Juma?da\\W{0,2}(?:al|ul)\\W?(?:Awwal|Ula)",
        "Juma?da\\W{0,2}(?:al|ul)\\W?(?:Thani|Akhira)",
        "Rajab",
        "Sha\\W?ban",
        "Rama[dz]an",
        "Shawwal",
        "Dhu\\W?al\\W?Qa\\W?dah|Dhul\\W?Qa\\W?dah|Zi\\W?qa\\W?dah",
        "Dhu\\W?al\\W?Hijjah|Dhul\\W?Hijjah|Zi\\W?hajjah",
    ),
}

ORDINAL = r"(?:st|nd|rd|th)?"
#: English scale words after a number.
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: One English number: ``244,890``, ``2.5``, ``2254``, with a scale word and a percent after it;
#: ``2/5`` (a Persian decimal the model copied) is read too so that it can be repaired.
NUMBER = re.compile(
    r"(?<![\w.,/])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[./]\d+)?)(?![\w/]|[.,]\d)"
    rf"(?:\s(?P<scale>{'|'.join(SCALES)})\b)?(?:\s?%|\s(?:percent|per\scent)\b)?"
)
#: A Hijri year with its Gregorian years, as fa2en writes it: ``1395 (2016–17)``, ``1438 AH (...)``.
YEARS = re.compile(r"(?<![\w.,])(?P<year>\d{4})(?P<ah> AH)?\s?\((?P<span>\d{4}(?:[–-]\d{2,4})?)\)")


def _month_group(calendar: str) -> str:
    """Any month name of ``calendar``, not followed by a letter (``Marching`` is no month)."""
    return "(?:" + "|".join(f"(?:{p})" for p in MONTH_SPELLINGS[calendar]) + ")(?![A-Za-z])"


def _date_patterns(calendar: str) -> list[re.Pattern[str]]:
    """``9 September 2016``, ``September 9, 2016``, ``9th of September``, ``September 2016``."""
    month = rf"(?P<month>{_month_group(calendar)})"
    year = r"(?:,?\s(?P<year>\d{4})(?P<ah> AH)?(?!\d))"
    day = rf"(?P<day>[0-3]?\d){ORDINAL}"
    return [
        re.compile(rf"(?<![\w.,]){day}\s(?:of\s)?{month}{year}?"),
        re.compile(rf"\b{month}\s(?:the\s)?{day}(?![\d,.]\d){year}?"),
        re.compile(rf"\b{month}{year}"),
    ]


#: Month spans as fa2en writes them: ``August–September 2016``, ``December 2016–January 2017``.
MONTH_SPAN = re.compile(
    rf"\b(?P<m1>{_month_group('gregorian')})(?:\s(?P<y1>\d{{4}}))?[–-](?P<m2>{_month_group('gregorian')})"
    r"\s(?P<y2>\d{4})(?!\d)"
)
DATE_PATTERNS = {c: _date_patterns(c) for c in ("solar", "lunar", "gregorian")}


@dataclass(frozen=True)
class Mention:
    """A number or date stated in English text: where, and what (``key``, comparable)."""

    start: int
    end: int
    key: tuple[object, ...]
    text: str

    @property
    def digits(self) -> str:
        """The digits of a number mention, without grouping or decimal mark."""
        return re.sub(r"\D", "", self.text.translate(DIGITS_TO_ASCII))


def month_number(name: str, calendar: str) -> int:
    """1-based number of the month ``name`` spells in ``calendar``."""
    for number, pattern in enumerate(MONTH_SPELLINGS[calendar], 1):
        if re.fullmatch(f"(?:{pattern})", name):
            return number
    raise ValueError(name)


def number_key(text: str, scale: str | None = None) -> tuple[object, ...]:
    """The key of a number: its value, or its digits when it is not one (``2/5``)."""
    if "/" in text:
        return ("digits", text.replace("/", ""))
    value = Decimal(text.replace(",", "")) * SCALES.get(scale or "", 1)
    return ("number", value.normalize())


def mentions(text: str) -> list[Mention]:
    """Every date and number ``text`` states, in order; a number inside a date is the date's."""
    found: list[Mention] = []
    folded = text.translate(DIGITS_TO_ASCII)

    def claim(m: re.Match[str], key: tuple[object, ...]) -> None:
        found.append(Mention(m.start(), m.end(), key, text[m.start() : m.end()]))

    for m in finditer_masked(YEARS, folded):
        calendar = "lunar" if m["ah"] else "solar"
        claim(m, ("years", calendar, int(m["year"]), int(m["span"][:4])))
    for m in finditer_masked(MONTH_SPAN, folded):
        m1, m2 = month_number(m["m1"], "gregorian"), month_number(m["m2"], "gregorian")
        claim(m, ("months", m1, int(m["y1"] or m["y2"]), m2, int(m["y2"])))
    folded = _masked(folded, found)
    for calendar, patterns in DATE_PATTERNS.items():
        for pattern in patterns:
            for m in finditer_masked(pattern, folded):
                day = int(m["day"]) if "day" in m.groupdict() and m["day"] else None
                year = int(m["year"]) if m["year"] else None
                claim(m, ("date", calendar, year, month_number(m["month"], calendar), day))
            folded = _masked(folded, found)
    for m in finditer_masked(NUMBER, folded):
        claim(m, number_key(m["num"], m["scale"]))
    return sorted(found, key=lambda x: x.start)


def _masked(text: str, found: list[Mention]) -> str:
    for f in found:
        if MASK not in text[f.start : f.end]:
            text = mask(text, f.start, f.end)
    return text
