"""Numbers in a Persian source and in its English output, compared by value.

Persian text writes digits as Persian (``۰-۹``), Arabic-Indic (``٠-٩``) or ASCII digits, with ``٫``
(or ``/`` between digits) as the decimal mark and ``٬`` as the thousands separator; English writes
``1,000.5``. A number counts as present in the output when the output has the same value in any of
these spellings, scaled by a following magnitude word (``5 million`` = 5000000), or spelled out in
English words (``three``, ``twenty-fifth``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

from fa2en.facts.base import fold
from fa2en.facts.dates import DATE_RULES

#: every digit a Persian or English text may use, mapped to ASCII
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

#: a number in the Persian source: digits, optional thousands groups (``٬``, ``،`` or ``,`` before
#: three digits), optional decimals (``٫``, ``.``, or a ``/`` between digits that is not part of a
#: date like ۱۳۹۵/۰۵/۱۲: such dates are not compared, translations convert them), optionally
#: followed by a magnitude word
SOURCE_NUMBER = re.compile(
    r"(?<![\d/])(\d+(?:[٬،,]\d{3})*(?:[٫.]\d+|/\d{1,2}(?![\d/]))?)(?![\d/])\s*(میلیارد|میلیون|هزار)?"
)

#: a number in the English output: 1,000 / 1000 / 1.5, optionally followed by a magnitude word
#: (``1930s``, ``25th``, ``90kg`` and ``H5N1`` count too)
OUTPUT_NUMBER = re.compile(
    r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d,]*\d)(?:\s*(billion|million|thousand)\b|(bn|m|k)\b)?",
    re.IGNORECASE,
)

#: what a magnitude word after a number multiplies it by, in either language
MAGNITUDES = {
    "هزار": 1e3,
    "میلیون": 1e6,
    "میلیارد": 1e9,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
}


def _values(number: str, magnitude: str | None) -> frozenset[float]:
    value = float(number)
    scale = MAGNITUDES.get((magnitude or "").lower())
    return frozenset({value, value * scale} if scale else {value})


#: the one date form of :mod:`fa2en.facts` whose numbers an English translation writes as they are
KEPT_DATES = {"gregorian day month [year]"}
#: every other date form (Solar and Lunar Hijri days, months and years, numeric dates): a
#: translation converts it (``۱۹ شهریور ۱۳۹۵`` -> ``9 September 2016``), so its digits are not
#: compared here; the ``date`` flag of the facts stage checks those dates
CONVERTED_DATES = tuple(rule.pattern for rule in DATE_RULES if rule.name not in KEPT_DATES)


def without_converted_dates(text: str) -> str:
    """``text`` with the dates a translation converts blanked out (same length)."""
    folded = fold(text)  # character for character: offsets hold in ``text``
    for pattern in CONVERTED_DATES:
        for m in pattern.finditer(folded):
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text


def source_numbers(text: str) -> list[tuple[str, frozenset[float]]]:
    """Each number of a Persian text, outside converted dates: its spelling and the values an
    output may show it as."""
    ascii_text = text.translate(DIGITS)
    if not any(c.isdigit() for c in ascii_text):
        return []
    ascii_text = without_converted_dates(ascii_text)
    found = []
    for m in SOURCE_NUMBER.finditer(ascii_text):
        number = re.sub("[٬،,]", "", m.group(1))
        number = number.replace("٫", ".").replace("/", ".")
        found.append((m.group(1), _values(number, m.group(2))))
    return found


def output_values(text: str) -> set[float]:
    """Every numeric value an English text states in digits (with magnitude words applied).

    A dotted number also gives its parts, since English writes clock times as ``7.55am``.
    """
    values: set[float] = set()
    for m in OUTPUT_NUMBER.finditer(text.translate(DIGITS)):
        number = m.group(1).replace(",", "")
        values |= _values(number, m.group(2) or m.group(3))
        if "." in number:
            values |= {float(part) for part in number.split(".")}
    return values


@lru_cache(maxsize=4096)
def spellings(value: int) -> tuple[str, ...]:
    """English words for an integer: cardinal and ordinal, hyphenated and spaced."""
    words = {num2words(value), num2words(value, to="ordinal")}
    words |= {w.replace("-", " ") for w in words} | {w.replace(" and ", " ") for w in words}
    if value in (100, 1000):
        words |= {"hundred" if value == 100 else "thousand"}
    return tuple(sorted(words))


def _spelled(value: float, lowered_output: str, spelled_max: int) -> bool:
    if value != int(value) or not 0 <= value <= spelled_max:
        return False
    return any(re.search(rf"\b{re.escape(w)}\b", lowered_output) for w in spellings(int(value)))


def missing_numbers(source: str, output: str, spelled_max: int = 1000) -> list[str]:
    """The source's numbers (as written there) that the output states nowhere.

    Integers up to ``spelled_max`` also count when spelled out in English words.
    """
    numbers = source_numbers(source)
    if not numbers:
        return []
    present = output_values(output)
    lowered = output.lower()
    return [
        written
        for written, values in numbers
        if not values & present
        and written.translate(DIGITS) not in output
        and not any(_spelled(v, lowered, spelled_max) for v in values)
    ]
