"""Fitting a model's ``low-confidence`` and ``length-ratio`` thresholds on a test set with references.

The fits work on plain numbers: the forced-decoding confidences of the human references under the
model, and the reference/source length ratios. A threshold set at a low percentile of what good
translations score flags few good ones; the saved values land where the checks read them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from fa2en.errors import Fa2enError
from fa2en.quality.checks import letters
from fa2en.quality.config import Params

#: fewer usable lines than this give percentiles too noisy to trust
MIN_LINES = 50


def _need(values: Sequence[float], what: str) -> None:
    if len(values) < MIN_LINES:
        raise Fa2enError(f"calibration needs at least {MIN_LINES} {what}; got {len(values)}")


def fit_low_confidence(confidences: Sequence[float], percentile: float = 1.0) -> float:
    """The ``low-confidence`` minimum: the ``percentile``-th of the references' confidences, rounded down."""
    _need(confidences, "scored lines")
    return math.floor(float(np.percentile(confidences, percentile)) * 100) / 100


def fit_length_ratio(
    ratios: Sequence[float], low: float = 0.5, high: float = 99.5
) -> tuple[float, float]:
    """The ``length-ratio`` range: the ``low``-th and ``high``-th percentiles, rounded outwards."""
    _need(ratios, "lines with a long enough source")
    lo, hi = np.percentile(ratios, [low, high])
    return math.floor(float(lo) * 100) / 100, math.ceil(float(hi) * 100) / 100


def length_ratios(
    sources: Sequence[str], outputs: Sequence[str], min_source_chars: int
) -> list[float]:
    """Output/source letters-and-digits ratios of the pairs whose source is long enough to judge."""
    return [
        letters(out) / letters(src)
        for src, out in zip(sources, outputs, strict=True)
        if letters(src) >= min_source_chars
    ]


def fit_thresholds(
    sources: Sequence[str],
    references: Sequence[str],
    confidences: Sequence[float] | None,
    length: Params,
) -> dict[str, dict[str, float]]:
    """Both fits as quality-config sections (``low-confidence`` only when confidences are given)."""
    lo, hi = fit_length_ratio(length_ratios(sources, references, length["min_source_chars"]))
    fitted: dict[str, dict[str, float]] = {"length-ratio": {"min": lo, "max": hi}}
    if confidences is not None:
        fitted["low-confidence"] = {"min": fit_low_confidence(confidences)}
    return fitted
