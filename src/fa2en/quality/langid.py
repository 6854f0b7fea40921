"""Which language an output is in, by lingua (a real language identifier), in batches."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from fa2en.errors import ConfigError

#: the language every output should be in
TARGET = "ENGLISH"


def validate_languages(names: Sequence[str], origin: str) -> None:
    """Raise ConfigError unless ``names`` are lingua language names that include English."""
    known = {lang.name for lang in Language.all()}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            f"{origin}: off-target.languages: unknown language {unknown[0]!r} (lingua names, e.g. GERMAN)"
        )
    if TARGET not in names:
        raise ConfigError(f"{origin}: off-target.languages must include {TARGET}")


@cache
def detector(names: tuple[str, ...]) -> LanguageDetector:
    """A detector restricted to ``names`` (built once per set; models load on first use)."""
    return LanguageDetectorBuilder.from_languages(*(Language.from_str(n) for n in names)).build()


def detect(texts: Sequence[str], names: Sequence[str]) -> list[str | None]:
    """The language name of each text (None: lingua cannot tell), detected in one parallel batch."""
    if not texts:
        return []
    found = detector(tuple(names)).detect_languages_in_parallel_of(list(texts))
    return [lang.name if lang is not None else None for lang in found]
