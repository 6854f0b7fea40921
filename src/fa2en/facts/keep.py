"""Keep the facts of a Persian sentence in its English translation: verify, repair, or report.

The rule, the same for every model family (it reads only the model's output text):

1. A **term** is kept when its house form is in the English (any case, any spacing). Otherwise,
   if one of the sheet's alternatives for it, or the Persian term itself (copied untranslated),
   is there, that is replaced by the house form.
2. A **number or date** is kept when every value its English form states (:func:`mentions`) is
   stated in the English in plain digits: ``244,890`` keeps ``244890``, ``September 9th, 2016``
   keeps ``9 September 2016``. A fact whose values are missing is *repaired* only when one
   unclaimed number or date of the English can be tied to it alone: similar digits (``24,490``,
   ``2/5``, Persian digits), the number in words (``twenty-four``), the same day in another
   calendar or spelling (``Shahrivar 19``), the same month with a wrong year or day, a Hijri or
   Gregorian year of a year fact; or, for dates, the only unclaimed date left for the only date
   fact left. That span is replaced by the fact's English form (or by the missing part of it).
3. Every other fact is returned as not kept; nothing is guessed.

Same input, same output: no randomness, no model, no order but the text's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from num2words import num2words

from fa2en.facts.base import Fact
from fa2en.facts.calendars import solar_to_gregorian
from fa2en.facts.english import Mention, mentions

#: Digit strings this close are one number miswritten: a dropped, added or changed digit or two.
MAX_DIGIT_SLIP = 2
#: Numbers shorter than this are only similar when equal (any digit is one slip from any other).
MIN_SLIP_DIGITS = 3


@dataclass(frozen=True)
class Edit:
    """Replace ``english[start:end]`` by ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Missing:
    """What a number/date fact still needs: the keys to state and the text that states them."""

    fact: Fact
    keys: tuple[tuple[object, ...], ...]
    text: str


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` as a whole-word, any-case, any-spacing regex."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _first_free(
    pattern: re.Pattern[str], text: str, busy: list[tuple[int, int]]
) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if not _overlaps(*m.span(), busy)), None)


def keep_terms(
    english: str, terms: Sequence[Fact], busy: list[tuple[int, int]]
) -> tuple[list[Edit], list[Fact]]:
    """Edits that put each term's house form in ``english``, and the terms that cannot be kept."""
    pending = []
    for fact in terms:
        m = _first_free(phrase_pattern(fact.english), english, busy)
        if m:
            busy.append(m.span())
        else:
            pending.append(fact)
    edits, lost = [], []
    for fact in pending:
        for other in (*fact.alternatives, fact.source):
            m = _first_free(phrase_pattern(other), english, busy)
            if m:
                busy.append(m.span())
                edits.append(Edit(m.start(), m.end(), fact.english))
                break
        else:
            lost.append(fact)
    return edits, lost


def _states(wanted: tuple[object, ...], said: tuple[object, ...]) -> bool:
    """True if ``said`` states ``wanted`` (a date without a year in ``wanted`` matches any year)."""
    return len(wanted) == len(said) and all(
        w is None or w == s for w, s in zip(wanted, said, strict=True)
    )


def _digits(value: object) -> str:
    return re.sub(r"\D", "", format(value, "f") if isinstance(value, Decimal) else str(value))


def _slipped(a: str, b: str) -> bool:
    """True if digit strings ``a`` and ``b`` differ by at most :data:`MAX_DIGIT_SLIP` slips."""
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_SLIP_DIGITS:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) > MAX_DIGIT_SLIP or not short:
        return False
    rest = iter(long)
    return all(c in rest for c in short)


def _same_day_other_spelling(wanted: tuple[Any, ...], said: tuple[Any, ...]) -> bool:
    """A Solar Hijri date in the English that is the wanted Gregorian day (its year or a guess)."""
    _, _, year, month, day = wanted
    if said[1] != "solar" or year is None or day is None or said[4] is None:
        return False
    solar_years = [said[2]] if said[2] else [int(year) - 622, int(year) - 621]
    for solar_year in solar_years:
        try:
            if solar_to_gregorian(solar_year, said[3], said[4]).timetuple()[:3] == (
                year,
                month,
                day,
            ):
                return True
        except ValueError:
            continue
    return False


def similar(wanted: tuple[object, ...], said: Mention) -> bool:
    """True if ``said`` is plausibly the model's miswriting of ``wanted``."""
    kind, key = wanted[0], said.key
    if kind == "number":
        if key[0] == "number" and key[1] == wanted[1]:
            return True  # the same value in words or in other digits
        return key[0] in ("number", "digits") and _slipped(_digits(wanted[1]), said.digits)
    if kind == "date" and key[0] == "date":
        same_month = key[1] == wanted[1] and key[3] == wanted[3]
        return same_month or (wanted[1] == "gregorian" and _same_day_other_spelling(wanted, key))
    if kind == "years" and key[0] == "number":
        hijri, gregorian = int(wanted[2]), int(wanted[3])  # type: ignore[call-overload]
        return key[1] in {y + d for y in (hijri, gregorian) for d in (-1, 0, 1, 2)}
    if kind == "months" and key[0] == "date":
        return key[1] == "gregorian" and key[3] in (wanted[1], wanted[3])
    return False


def _number_words(value: Any, english: str, busy: list[tuple[int, int]]) -> list[Mention]:
    """Spans of ``english`` that write ``value`` in words (``twenty-four``)."""
    number = int(value) if value == int(value) else float(value)
    try:
        words = [w for w in re.findall(r"[a-z]+", num2words(number)) if w != "and"]
    except (TypeError, ValueError, OverflowError, NotImplementedError):
        return []
    pattern = re.compile(r"\b" + r"[\s,-]+(?:and\s+)?".join(words) + r"\b", re.IGNORECASE)
    found = [m for m in pattern.finditer(english) if not _overlaps(*m.span(), busy)]
    return [Mention(m.start(), m.end(), ("number", value), m.group()) for m in found]


def _plain(mention: Mention) -> bool:
    """True if the mention is written in ASCII digits (Persian digits in English are a slip)."""
    return mention.text.isascii()


def find_missing(
    english: str, facts: Sequence[Fact], busy: list[tuple[int, int]]
) -> tuple[list[Missing], list[Mention]]:
    """What each number/date fact still needs, and the English mentions no fact has claimed."""
    said = mentions(english)
    free = [not _overlaps(m.start, m.end, busy) for m in said]
    missing = []
    for fact in facts:
        own = mentions(fact.english)
        found = []
        for wanted in own:
            i = next(
                (
                    i
                    for i, m in enumerate(said)
                    if free[i] and _plain(m) and _states(wanted.key, m.key)
                ),
                None,
            )
            if i is not None:
                free[i] = False
                found.append(wanted)
        if not own:
            missing.append(Missing(fact, (), fact.english))
        elif not found:
            missing.append(Missing(fact, tuple(m.key for m in own), fact.english))
        else:
            missing.extend(Missing(fact, (m.key,), m.text) for m in own if m not in found)
    busy.extend((m.start, m.end) for m, f in zip(said, free, strict=True) if not f)
    return missing, [m for m, f in zip(said, free, strict=True) if f]


def pair(missing: list[Missing], candidates: list[Mention]) -> dict[int, Mention]:
    """Tie a missing fact to a candidate when each is the other's only similar partner."""
    links = [[c for c in candidates if any(similar(k, c) for k in need.keys)] for need in missing]
    pairs = {}
    for i, cands in enumerate(links):
        if len(cands) == 1 and sum(cands[0] in other for other in links) == 1:
            pairs[i] = cands[0]
    dates = [i for i, need in enumerate(missing) if i not in pairs and need.fact.kind == "date"]
    left = [
        c for c in candidates if c.key[0] in ("date", "months", "years") and c not in pairs.values()
    ]
    if len(dates) == 1 and len(left) == 1:
        pairs[dates[0]] = left[0]
    return pairs


def keep_facts(source: str, english: str, facts: Sequence[Fact]) -> tuple[str, list[Fact]]:
    """Check ``facts`` (found in ``source``) in the model's ``english``; return the repaired
    English and the facts it could not keep (see the module docstring for the rule)."""
    for fact in facts:
        if source[fact.start : fact.end] != fact.source:
            raise ValueError(
                f"fact {fact.source!r} is not at {fact.start}:{fact.end} of the source"
            )
    busy: list[tuple[int, int]] = []
    edits, lost = keep_terms(english, [f for f in facts if f.kind == "term"], busy)
    busy.extend((e.start, e.end) for e in edits)
    missing, free = find_missing(english, [f for f in facts if f.kind != "term"], busy)
    for need in missing:
        for key in need.keys:
            if key[0] == "number":
                words = _number_words(key[1], english, busy + [(c.start, c.end) for c in free])
                free.extend(w for w in words if w not in free)
    pairs = pair(missing, sorted(free, key=lambda m: m.start))
    for i, need in enumerate(missing):
        if i in pairs and not _overlaps(
            pairs[i].start, pairs[i].end, [(e.start, e.end) for e in edits]
        ):
            edits.append(Edit(pairs[i].start, pairs[i].end, need.text))
        elif need.fact not in lost:
            lost.append(need.fact)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        english = english[: edit.start] + edit.text + english[edit.end :]
    return english, sorted(lost, key=lambda f: (f.start, f.end))
