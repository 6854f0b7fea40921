"""Numbers in Persian text, in any digit set, and their English form.

Rules run on :func:`fa2en.facts.base.fold`-ed text, where every digit is ASCII, ``٫`` is ``.`` and
``٬`` is ``,``. The English form keeps the writer's digits and grouping (``2254`` stays ``2254``,
``۱٬۲۰۰`` becomes ``1,200``), uses ``.`` as the decimal mark, ``%`` for percentages, an en dash
for ranges, writes one scale word میلیون/میلیارد/تریلیون as million/billion/trillion,
and multiplies out هزار and chains (``۳۰ هزار`` is ``30,000``, ``۳ هزار و ۵۰۰`` is ``3,500``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from fa2en.facts.base import GAP, PERSIAN_LETTER, finditer_masked

#: One number: ``1,200,000`` (``,``, ``٬`` or the Persian comma ``،`` only before groups of three:
#: ``۵،۱۴۳`` is 5,143, ``۵، ۱۴۳`` two numbers), ``2.5`` or ``2/5`` (a single ``/`` between digits is
#: the decimal mark Persian keyboards give: ``۲/۵`` is 2.5), ``2254``.
NUM = r"(?:\d{1,3}(?:[,،]\d{3})+(?:\.\d+)?|\d+(?:[./]\d+)?)"

#: No digit, decimal mark or Latin letter before a number (``OC43`` is a name), and no digit or
#: decimal mark after it (so ``1/2/3`` is never a number: the dates rules claim or block it first).
NUM_EDGE_BEFORE = r"(?<![\d./A-Za-z])"
NUM_EDGE_AFTER = r"(?!\d|[./]\d)"

#: Scale words after a number, and what they multiply by.
SCALE_WORDS = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "تریلیون": 10**12}
SCALE_ENGLISH = {10**6: "million", 10**9: "billion", 10**12: "trillion"}

#: Range words between two numbers: ``۱۰ تا ۲۰``, ``۱۰-۲۰``, ``۱۰–۲۰``.
RANGE_MARK = r"-|–|تا"

#: Percent: ``٪`` / ``%`` on either side, or the word درصد after.
PERCENT_AFTER = rf"٪|%|درصد(?![{PERSIAN_LETTER}])"
PERCENT_BEFORE = r"[٪%]"

#: A number with a scale word, possibly a chain joined by و and ending in a plain number
#: (``۵ میلیون و ۳۰۰ هزار و ۵۰۰``).
SCALE = rf"{GAP}?(?:{'|'.join(SCALE_WORDS)})(?![{PERSIAN_LETTER}])"
SCALED = rf"{NUM}{SCALE}(?:\sو\s{NUM}{SCALE})*(?:\sو\s{NUM}{NUM_EDGE_AFTER})?"
#: One side of a range: a scaled chain or a plain number.
AMOUNT = rf"{NUM_EDGE_BEFORE}(?:{SCALED}|(?:{NUM}){NUM_EDGE_AFTER})"

#: A whole number fact: optional leading percent sign, an amount, optionally ``تا``/dash and a
#: second amount (a range), and a trailing percent.
NUMBER = re.compile(
    rf"(?P<pre>{PERCENT_BEFORE})?(?P<a>{AMOUNT})"
    rf"(?:\s?(?:{RANGE_MARK})\s?(?P<b>{AMOUNT}))?"
    rf"(?:{GAP}?(?P<pct>{PERCENT_AFTER}))?"
)
#: The parts of an amount: each number and the scale word after it, if any.
PART = re.compile(rf"(?P<num>{NUM})(?:{GAP}?(?P<scale>{'|'.join(SCALE_WORDS)}))?")


def number_value(text: str) -> Decimal:
    """The value of one ASCII number as :data:`NUM` matches it (``2/5`` is 2.5)."""
    return Decimal(re.sub("[,،]", "", text).replace("/", "."))


def grouped(value: Decimal) -> str:
    """``value`` with thousands grouped by commas and no trailing ``.0``."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def amount_english(amount: str) -> str:
    """English for one :data:`AMOUNT`: ``5 million`` for a single large scale word, else digits
    (``۳ هزار و ۵۰۰`` is ``3,500``; a plain number keeps its own grouping)."""
    parts = [(m["num"], m["scale"]) for m in PART.finditer(amount)]
    if len(parts) == 1 and not parts[0][1]:
        return parts[0][0].replace("/", ".").replace("،", ",")
    if len(parts) == 1 and SCALE_WORDS[parts[0][1]] in SCALE_ENGLISH:
        return f"{parts[0][0].replace('/', '.')} {SCALE_ENGLISH[SCALE_WORDS[parts[0][1]]]}"
    return grouped(
        sum((number_value(n) * SCALE_WORDS.get(s or "", 1) for n, s in parts), Decimal(0))
    )


def number_english(match: re.Match[str]) -> str:
    """The English form of one :data:`NUMBER` match."""
    text = amount_english(match["a"])
    if match["b"]:
        text += "–" + amount_english(match["b"])
    if match["pre"] or match["pct"]:
        text += "%"
    return text


def find_numbers(folded: str) -> list[tuple[int, int, str]]:
    """``(start, end, english)`` of every number in ``folded`` (a folded, masked sentence)."""
    return [(m.start(), m.end(), number_english(m)) for m in finditer_masked(NUMBER, folded)]
