"""Which language an output is in, by lingua (a real language identifier), in batches."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from fa2en.errors import ConfigError

#: the language every output should be in
TARGET = "ENGLISH"
#: lingua's modes: ``high`` (all n-gram models: steadier, ~1.5 ms a sentence, a few seconds to
#: load) or ``low`` (trigrams only: ~4x faster, loads at once, more false calls on short texts)
ACCURACY = ("high", "low")


def validate_languages(names: Sequence[str], accuracy: str, origin: str) -> None:
    """Raise ConfigError unless ``names`` are lingua language names with English, and ``accuracy`` known."""
    if accuracy not in ACCURACY:
        raise ConfigError(
            f"{origin}: off-target.accuracy: expected one of {', '.join(ACCURACY)}, got {accuracy!r}"
        )
    known = {lang.name for lang in Language.all()}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            f"{origin}: off-target.languages: unknown language {unknown[0]!r} (lingua names, e.g. GERMAN)"
        )
    if TARGET not in names:
        raise ConfigError(f"{origin}: off-target.languages must include {TARGET}")


@cache
def detector(names: tuple[str, ...], accuracy: str = "high") -> LanguageDetector:
    """A detector restricted to ``names`` (built once per set; models load on first use)."""
    builder = LanguageDetectorBuilder.from_languages(*(Language.from_str(n) for n in names))
    return (builder.with_low_accuracy_mode() if accuracy == "low" else builder).build()


def detect(texts: Sequence[str], names: Sequence[str], accuracy: str = "high") -> list[str | None]:
    """The language name of each text (None: lingua cannot tell), detected in one parallel batch."""
    if not texts:
        return []
    found = detector(tuple(names), accuracy).detect_languages_in_parallel_of(list(texts))
    return [lang.name if lang is not None else None for lang in found]
