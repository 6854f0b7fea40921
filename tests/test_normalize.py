"""Normaliser: each rule, its options, idempotency and preservation of everything else."""

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa2en.normalize import ZWNJ, Normalizer, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي كتاب", "علی کتاب"),  # Arabic YEH/KAF
        ("مصطفى", "مصطفی"),  # ALEF MAKSURA
        ("ســـلام", "سلام"),  # kashida
        ("\u200fسلام\u202b دنیا\u2066", "سلام دنیا"),  # bidi controls
        ("سلام\u200bدنیا\ufeff", "سلام\u200cدنیا"),  # zero-width space between words, BOM
        ("بَ\u200b\u200fپ", "بَ\u200cپ"),  # after harakat, beside another invisible
        ("foo\u200bbar", "foo\u200cbar"),  # any letters
        ("سلام\u200b. \u200bدنیا ۱\u200b۲", "سلام. دنیا 12"),  # not between letters: removed
        ("می\u200c\u200cروم", "می\u200cروم"),  # doubled ZWNJ
        ("کتاب \u200cها", "کتاب ها"),  # ZWNJ next to a space
        ("\u200cسلام\u200c", "سلام"),  # ZWNJ at the edges
        ("سلام\t\u00a0  دنیا", "سلام دنیا"),  # unified whitespace
        ("سال ۱۳۹۹ و ٢٠٢٠", "سال 1399 و 2020"),  # Persian and Arabic-Indic digits
        ("۳٫۵ درصد", "3.5 درصد"),  # Persian decimal separator
        ("۱٬۰۰۰", "1,000"),  # thousands separator
        ("خط اول\nخط دوم", "خط اول خط دوم"),  # one line for the model
        ("ﻻ", "لا"),  # presentation-form ligature
    ],
)
def test_rules(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_digits_configurable() -> None:
    assert normalize("۱۲۳ و 45", digits="keep") == "۱۲۳ و 45"
    assert normalize("۱۲۳ و 45", digits="persian") == "۱۲۳ و ۴۵"


def test_diacritics_only_when_asked() -> None:
    text = "كِتَابٌ"
    assert normalize(text) == "کِتَابٌ"
    assert normalize(text, remove_diacritics=True) == "کتاب"


def test_zwj_kept_in_emoji_removed_between_letters() -> None:
    family = "\U0001f468\u200d\U0001f469"
    assert normalize(family) == family
    assert normalize("ب\u200dپ") == "بپ"


def test_keeps_latin_punctuation_and_numbers() -> None:
    text = "GDP rose 3.5% (Q2) -- see https://x.org/a?b=1, «نقل قول»! ؟ ، ؛"
    assert normalize(text) == text


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["x"]])
def test_non_text_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="expects str"):
        normalize(bad)  # type: ignore[arg-type]


PERSIANISH = st.text(
    alphabet=st.sampled_from(
        list("سلام دنیا کتابيكى ـ۰۱۲۳٠١٫٬.،؟!«»\n\t")
        + ["\u200c", "\u200d", "\u200b", "\u200f", "\u00a0", "\u064e", "\ufefb", " ", "a", "1"]
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(PERSIANISH, st.booleans(), st.sampled_from(["ascii", "persian", "keep"]), st.booleans())
def test_idempotent(text: str, diacritics: bool, digits: str, one_line: bool) -> None:
    n = Normalizer(digits=digits, remove_diacritics=diacritics, one_line=one_line)  # type: ignore[arg-type]
    once = n(text)
    assert n(once) == once


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=string.ascii_letters + string.digits + string.punctuation + "آبپتثجچ؟،؛«»",
        max_size=60,
    )
)
def test_never_drops_letters_or_punctuation(text: str) -> None:
    """With nothing to change, every letter, digit and punctuation mark survives in order."""
    assert normalize(text).replace(" ", "") == text.replace(" ", "")


#: Runs of letters: what a reader sees as words or word parts (ZWNJ and spaces separate them).
LETTER_RUNS = re.compile(r"[^\W\d_]+")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="سلامدنیاکتبab", min_size=1, max_size=6), min_size=1, max_size=6),
    st.lists(st.sampled_from(["\u200b", "\u200b\u200f", "\u200f\u200b", ZWNJ, " "]), max_size=6),
)
def test_invisible_separators_merge_no_words(words: list[str], seps: list[str]) -> None:
    """Words separated by a zero-width space (with or without other invisibles) stay apart."""
    text = words[0] + "".join(s + w for s, w in zip(seps, words[1:], strict=False))
    expected = len(words[: len(seps) + 1])
    assert len(LETTER_RUNS.findall(normalize(text, arabic_letters=False))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("،\u200b\u200d", "،"), ("ا\u200b\u200dب", "ا\u200cب")],
)
def test_zero_width_joiner_left_by_a_removed_space(text: str, expected: str) -> None:
    """Found by the idempotence property: a ZWJ that a removed ZWSP leaves beside a letter goes too."""
    n = Normalizer(one_line=False)
    assert n(text) == expected and n(n(text)) == n(text)
