"""What a fact is, and the one character folding every fact rule matches on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fa2en.normalize import ARABIC_TO_PERSIAN, DIGITS_TO_ASCII

Kind = Literal["number", "date", "term"]
DatePolicy = Literal["gregorian", "original", "both"]
DATE_POLICIES: tuple[DatePolicy, ...] = ("gregorian", "original", "both")

#: Letter variants a Persian writer may use for one letter (hamza on alef, teh marbuta, heh with
#: yeh above), on top of :data:`fa2en.normalize.ARABIC_TO_PERSIAN` (Arabic yeh and kaf).
LETTER_VARIANTS = str.maketrans(
    {"\u0623": "ا", "\u0625": "ا", "\u0671": "ا", "\u0629": "ه", "\u06c0": "ه"}
)

#: Persian letters (the Arabic block): a rule that ends on a word checks none of these follows.
PERSIAN_LETTER = "\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff"

#: Space or ZERO WIDTH NON-JOINER: Persian writes compound words with either, or with nothing.
GAP = "[ \u200c]"

#: Stands in for text an earlier rule has claimed, so that later rules cannot match inside it.
MASK = "\x00"


def fold(text: str) -> str:
    """Return ``text`` with ASCII digits and one form per letter, character for character.

    Every mapping is one character to one character, so a match on the folded text has the same
    offsets in the original: digits of every set become ASCII (``٫`` becomes ``.`` and ``٬``
    becomes ``,``), Arabic yeh/kaf become Persian, and the letter variants above are merged.
    """
    return text.translate(ARABIC_TO_PERSIAN).translate(DIGITS_TO_ASCII).translate(LETTER_VARIANTS)


def mask(text: str, start: int, end: int) -> str:
    """Return ``text`` with ``[start, end)`` replaced by :data:`MASK` (same length)."""
    return text[:start] + MASK * (end - start) + text[end:]


def finditer_masked(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """All matches of ``pattern`` in ``text`` that contain no masked character."""
    return [m for m in pattern.finditer(text) if MASK not in m.group()]


@dataclass(frozen=True)
class Fact:
    """A number, date or glossary term found in a Persian sentence, with its English form.

    ``start``/``end`` are offsets of ``source`` in the text it was found in (one line or one
    sentence); ``alternatives`` are other English renderings a model may write for a term, which
    :func:`fa2en.facts.keep.keep_facts` replaces by ``english``.
    """

    line: int
    kind: Kind
    source: str
    english: str
    start: int
    end: int
    alternatives: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The object ``fa2en facts`` writes: line, kind, source, english."""
        return {
            "line": self.line,
            "kind": self.kind,
            "source": self.source,
            "english": self.english,
        }
