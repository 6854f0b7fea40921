"""Reference-free checks of one translated sentence: each a small function, all in one registry.

A check takes the :class:`Evidence` about one sentence and its own thresholds (its section of
``configs/quality.yaml``) and returns why the sentence is suspect, or None. Adding a check is one
function and one :data:`CHECKS` entry (plus a YAML section if it has thresholds).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from fa2en.quality.config import Params, QualityConfig
from fa2en.quality.langid import TARGET, detect
from fa2en.quality.numbers import missing_numbers


class Candidate(NamedTuple):
    """A source sentence and one proposed English output, with what the model said about it."""

    source: str
    output: str
    #: mean log-probability per output token (None: not known, low-confidence is skipped)
    confidence: float | None = None
    #: generation stopped at the length cap without an end-of-sentence token
    truncated: bool = False
    #: mean log-probability per token of the source given the output under a reverse model
    #: (English->Persian; None: no reverse model, unrelated is skipped)
    reverse: float | None = None


class Evidence(NamedTuple):
    """A candidate plus what is computed once per batch for it (the output's language)."""

    source: str
    output: str
    confidence: float | None
    truncated: bool
    reverse: float | None
    #: lingua's language name for the output (None: not judged, too short or undecided)
    language: str | None = None


class Flag(NamedTuple):
    """One check that fired: its name (e.g. ``repetition``) and a one-line reason."""

    name: str
    reason: str


#: Persian/Arabic-script letters (Arabic, Arabic Supplement, presentation forms)
PERSIAN_SCRIPT = re.compile(
    r"[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]"
)
#: a run of Persian-script words, quoted in reasons
PERSIAN_RUN = re.compile(
    r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF\u200c]+(?:\s+[\u0600-\u06FF\u200c]+)*"
)
#: the words of an output, as the repetition check compares them
WORD = re.compile(r"\w+(?:['’]\w+)*")


def letters(text: str) -> int:
    """Letters and digits in ``text`` (the length unit of length-ratio and the minimum sizes)."""
    return sum(c.isalnum() for c in text)


def check_empty(e: Evidence, p: Params) -> str | None:
    """An empty output for a non-empty source."""
    if e.source.strip() and not e.output.strip():
        return "empty output for a non-empty source"
    return None


def check_low_confidence(e: Evidence, p: Params) -> str | None:
    """The model's mean token log-probability below the model's threshold (skipped when unknown)."""
    if e.confidence is not None and e.confidence < p["min"]:
        return f"mean token log-probability {e.confidence:.3f} < {p['min']:.2f}"
    return None


def check_unrelated(e: Evidence, p: Params) -> str | None:
    """The output explains its source badly: log p(source | output) under the reverse model is low.

    Catches fluent outputs unrelated to the source, which the translating model itself can be sure
    of (see :mod:`fa2en.quality.reverse`); skipped without ``--reverse-model``.
    """
    if e.reverse is not None and e.reverse < p["min"]:
        return f"the source is unlikely given the output: reverse log-probability {e.reverse:.3f} < {p['min']:.2f}"
    return None


def check_truncated(e: Evidence, p: Params) -> str | None:
    """Generation stopped at the output length cap without ending the sentence."""
    return "stopped at the output length cap" if e.truncated else None


def _loop(words: list[str], max_ngram: int, min_repeats: int, min_unigram: int) -> str | None:
    for n in range(1, max_ngram + 1):
        need = min_unigram if n == 1 else min_repeats
        for start in range(len(words) - n * need + 1):
            gram = words[start : start + n]
            count = 1
            while words[start + count * n : start + (count + 1) * n] == gram:
                count += 1
            if count >= need:
                return f"{' '.join(gram)!r} {count} times in a row"
    return None


def check_repetition(e: Evidence, p: Params) -> str | None:
    """A word n-gram looping back to back, or an output that compresses too well."""
    words = [w.lower() for w in WORD.findall(e.output)]
    loop = _loop(words, p["max_ngram"], p["min_repeats"], p["min_repeats_unigram"])
    if loop:
        return loop
    data = e.output.encode("utf-8")
    if len(e.output) >= p["compression_min_chars"]:
        ratio = len(data) / len(zlib.compress(data))
        if ratio > p["compression_ratio"]:
            return f"compression ratio {ratio:.2f} > {p['compression_ratio']}"
    return None


def check_untranslated(e: Evidence, p: Params) -> str | None:
    """Persian/Arabic-script text left in the English, or an output that copies the source."""
    if len(PERSIAN_SCRIPT.findall(e.output)) >= p["min_script_letters"]:
        run = max(PERSIAN_RUN.findall(e.output), key=len, default="")
        return f"Persian script in the output: {run[:40]!r}"
    if letters(e.source) >= p["copy_min_chars"]:
        matcher = SequenceMatcher(None, e.source, e.output, autojunk=False)
        # the cheap upper bounds first: an English output shares few characters with Persian
        if (
            matcher.real_quick_ratio() >= p["copy_similarity"]
            and matcher.quick_ratio() >= p["copy_similarity"]
            and matcher.ratio() >= p["copy_similarity"]
        ):
            return f"output copies the source ({matcher.ratio():.0%} similar)"
    return None


def check_off_target(e: Evidence, p: Params) -> str | None:
    """The output is in a language other than English (by lingua)."""
    if e.language is not None and e.language != TARGET:
        return f"output language is {e.language.title()}, not English"
    return None


def check_numbers(e: Evidence, p: Params) -> str | None:
    """A number of the source missing from the output (formatting differences tolerated)."""
    missing = missing_numbers(e.source, e.output, p["spelled_max"])
    if missing:
        return "source number(s) missing from the output: " + ", ".join(missing[:5])
    return None


def check_length_ratio(e: Evidence, p: Params) -> str | None:
    """Output/source length (letters and digits) outside the model's calibrated range."""
    source = letters(e.source)
    if source < p["min_source_chars"]:
        return None
    ratio = letters(e.output) / source
    if not p["min"] <= ratio <= p["max"]:
        return f"length ratio {ratio:.3f} outside [{p['min']:.2f}, {p['max']:.2f}]"
    return None


class Check(NamedTuple):
    """A registered check: its function, and whether a firing stops the checks after it."""

    function: Callable[[Evidence, Params], str | None]
    #: when it fires, later checks are not run (an empty output is only ``empty``)
    final: bool = False


#: every check by flag name, run in this order
CHECKS: dict[str, Check] = {
    "empty": Check(check_empty, final=True),
    "low-confidence": Check(check_low_confidence),
    "unrelated": Check(check_unrelated),
    "truncated": Check(check_truncated),
    "repetition": Check(check_repetition),
    "untranslated": Check(check_untranslated),
    "off-target": Check(check_off_target),
    "numbers": Check(check_numbers),
    "length-ratio": Check(check_length_ratio),
}


def languages(outputs: Sequence[str], config: QualityConfig) -> list[str | None]:
    """The language of each output long enough to judge (None for the rest), in one batch."""
    p = config.of("off-target")
    judged = [i for i, text in enumerate(outputs) if letters(text) >= p["min_letters"]]
    found: list[str | None] = [None] * len(outputs)
    texts = [outputs[i] for i in judged]
    for i, lang in zip(judged, detect(texts, p["languages"], p["accuracy"]), strict=True):
        found[i] = lang
    return found


def warm_up(config: QualityConfig) -> None:
    """Load the language models now (the first off-target call otherwise pays for it)."""
    languages(["This sentence only loads the language identification models."], config)


def evaluate(evidence: Evidence, config: QualityConfig) -> list[Flag]:
    """The flags one sentence raises."""
    flags = []
    for name, check in CHECKS.items():
        reason = check.function(evidence, config.of(name))
        if reason is not None:
            flags.append(Flag(name, reason))
            if check.final:
                break
    return flags


def run_checks(candidates: Sequence[Candidate], config: QualityConfig) -> list[list[Flag]]:
    """The flags of each candidate (language identification batched over all of them)."""
    langs = languages([c.output for c in candidates], config)
    return [
        evaluate(Evidence(*c, language=lang), config)
        for c, lang in zip(candidates, langs, strict=True)
    ]
