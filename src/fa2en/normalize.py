"""Persian text normalisation for machine-translation input.

Each rule is a named, documented table or pattern; :class:`Normalizer` applies them in a fixed order
that makes the whole idempotent (``n(n(x)) == n(x)``). Nothing outside the rules is touched: no letter,
number or punctuation mark disappears unless a rule names it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, get_args

ZWNJ = "\u200c"

#: The ``digits`` option: Persian digits to ASCII, ASCII digits to Persian, or left as they are.
DigitsOption = Literal["ascii", "persian", "keep"]
#: The same choices as values (for ``--digits`` and config validation).
DIGIT_MODES: tuple[str, ...] = get_args(DigitsOption)

#: Arabic code points that have a distinct Persian counterpart (YEH, ALEF MAKSURA, KAF).
ARABIC_TO_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})

#: Persian (U+06F0..9) and Arabic-Indic (U+0660..9) digits, and the Arabic decimal/thousands marks.
DIGITS_TO_ASCII = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        **{chr(0x0660 + i): str(i) for i in range(10)},
        "\u066b": ".",  # ARABIC DECIMAL SEPARATOR  ٫
        "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR ٬
    }
)

#: ASCII and Arabic-Indic digits to Persian digits (for ``digits="persian"``).
DIGITS_TO_PERSIAN = str.maketrans(
    {
        **{str(i): chr(0x06F0 + i) for i in range(10)},
        **{chr(0x0660 + i): chr(0x06F0 + i) for i in range(10)},
    }
)

#: Kashida / tatweel, a purely typographic stretch: ``ســلام`` -> ``سلام``.
KASHIDA = re.compile("\u0640+")

#: Bidi controls (LRM, RLM, embeddings, overrides, isolates) and stray invisible characters
#: (word joiner, BOM, soft hyphen). ZWNJ and the zero-width space are handled separately.
INVISIBLES = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u2060\ufeff\u00ad]")

#: A zero-width space (U+200B) between two letters (a letter may carry harakat) becomes a ZWNJ: it
#: separates the two the same way (in Persian both break the cursive joining without a visible gap,
#: and editors often type one for the other), so no two words are merged: ``سلام\u200bدنیا`` ->
#: ``سلام\u200cدنیا``. Anywhere else (next to a space, a digit, punctuation) it is removed.
ZWSP_BETWEEN_LETTERS = re.compile(
    "(?:(?<=[^\\W\\d_])|(?<=[\u064b-\u0655\u0670]))\u200b+(?=[^\\W\\d_])"
)
ZWSP = re.compile("\u200b+")

#: ZERO WIDTH JOINER next to an Arabic-script letter is stray in Persian text (emoji keep theirs).
STRAY_ZWJ = re.compile("(?<=[\u0600-\u06ff])\u200d+|\u200d+(?=[\u0600-\u06ff])")

#: Arabic harakat (fathatan..sukun) and the superscript alef: optional removal.
DIACRITICS = re.compile("[\u064b-\u0652\u0670]")

#: Any horizontal space other than a plain space (tabs, NBSP, en/em spaces, ideographic space...).
ODD_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")

#: Runs of spaces collapse to one.
MULTI_SPACE = re.compile(" {2,}")

#: ZWNJ cleanup: runs of ZWNJ collapse to one, and a ZWNJ touching a space, another separator,
#: or the start/end of the text is removed.
ZWNJ_RUN = re.compile(ZWNJ + "{2,}")
ZWNJ_AT_SPACE = re.compile(f"(?:(?<=\\s)|^){ZWNJ}|{ZWNJ}(?=\\s|$)")

#: Arabic presentation forms (ligatures such as ﻻ and isolated/final glyph variants) -> base letters.
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")


@dataclass(frozen=True)
class Normalizer:
    """Configurable, idempotent Persian normaliser; call it on a string."""

    digits: DigitsOption = "ascii"
    remove_diacritics: bool = False
    arabic_letters: bool = True
    one_line: bool = True

    def __call__(self, text: str) -> str:
        """Return ``text`` normalised by the configured rules."""
        if not isinstance(text, str):
            raise TypeError(f"normalize() expects str, got {type(text).__name__}")
        text = PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        if self.arabic_letters:
            text = text.translate(ARABIC_TO_PERSIAN)
        if self.digits == "ascii":
            text = text.translate(DIGITS_TO_ASCII)
        elif self.digits == "persian":
            text = text.translate(DIGITS_TO_PERSIAN)
        text = KASHIDA.sub("", text)
        text = INVISIBLES.sub("", text)
        text = STRAY_ZWJ.sub("", text)
        text = ZWSP.sub("", ZWSP_BETWEEN_LETTERS.sub(ZWNJ, text))
        # a zero-width space removed above can leave a ZWJ beside a letter: remove that one too
        text = STRAY_ZWJ.sub("", text)
        if self.remove_diacritics:
            text = DIACRITICS.sub("", text)
        text = ODD_SPACES.sub(" ", text)
        if self.one_line:
            text = re.sub(r"\s*[\r\n\v\f\u2028\u2029]+\s*", " ", text)
        text = ZWNJ_RUN.sub(ZWNJ, text)
        text = ZWNJ_AT_SPACE.sub("", text)
        text = MULTI_SPACE.sub(" ", text)
        return text.strip() if self.one_line else text


DEFAULT = Normalizer()


def normalize(text: str, **options: object) -> str:
    """Normalise Persian ``text`` for translation (see :class:`Normalizer` for ``options``)."""
    return (Normalizer(**options) if options else DEFAULT)(text)  # type: ignore[arg-type]
