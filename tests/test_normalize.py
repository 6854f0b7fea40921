"""Normaliser: each rule, its options, idempotency and preservation of everything else."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fa2en.normalize import Normalizer, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي كتاب", "علی کتاب"),  # Arabic YEH/KAF
        ("مصطفى", "مصطفی"),  # ALEF MAKSURA
        ("ســـلام", "سلام"),  # kashida
        ("\u200fسلام\u202b دنیا\u2066", "سلام دنیا"),  # bidi controls
        ("سلام\u200bدنیا\ufeff", "سلامدنیا"),  # zero-width space, BOM
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


def test_signature_names_options() -> None:
    assert "digits:ascii" in Normalizer().signature
    assert "diacritics:drop" in Normalizer(remove_diacritics=True).signature


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
