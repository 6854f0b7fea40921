"""Published scores: does a model reproduce the figure its preset cites for a test set?

A preset's ``published:`` block gives scores from a cited source (see docs/reproducing.md). A measured
score is compared at the published figure's precision (33.3 against 33.3, 59.586 against 59.586), and
a model more than :data:`TOLERANCE` points below on a :data:`CHECKED_METRICS` metric gets a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fa2en.presets import PublishedScore, get_preset

#: Points a measured BLEU or chrF may fall below the published figure before it is a warning.
TOLERANCE = 1.0
#: Metrics whose shortfall is a warning (the others are reported only).
CHECKED_METRICS = ("bleu", "chrf")
ADVICE = (
    "does not reproduce the published score: check language codes, tokenizer version, "
    "normalisation, length limits (see docs/reproducing.md)"
)


def _decimals(value: float) -> int:
    """Decimal places a published figure was given with (33.3 -> 1, 59.586 -> 3; at least 1)."""
    return max(1, len(repr(float(value)).partition(".")[2].rstrip("0")))


@dataclass(frozen=True)
class Comparison:
    """A system's measured scores against the published ones for the same test set."""

    published: PublishedScore
    measured: dict[str, float]
    delta: dict[str, float]

    @property
    def reproduced(self) -> bool:
        """False when a checked metric is more than :data:`TOLERANCE` below the published figure."""
        return all(self.delta[m] >= -TOLERANCE for m in CHECKED_METRICS if m in self.delta)

    def as_json(self) -> dict[str, Any]:
        """The ``published`` entry of results.json."""
        return {
            "testset": self.published.testset,
            "scores": self.published.scores,
            "signatures": self.published.signatures,
            "source": self.published.source,
            "reproduced": self.reproduced,
        }

    def summary(self, labels: Mapping[str, str]) -> str:
        """``BLEU 33.3 / 33.3 (+0.0), ...``: published / measured (difference) per metric."""
        parts = []
        for metric, delta in self.delta.items():
            d = _decimals(self.published.scores[metric])
            parts.append(
                f"{labels.get(metric, metric)} {self.published.scores[metric]:.{d}f} / "
                f"{self.measured[metric]:.{d}f} ({delta:+.{d}f})"
            )
        return ", ".join(parts)


def compare(model: str, testset: str, scores: Mapping[str, float]) -> Comparison | None:
    """Compare ``scores`` with the published ones of preset ``model`` on ``testset``, if it has any."""
    preset = get_preset(model)
    published = preset.published_for(testset) if preset else None
    if published is None:
        return None
    shared = [m for m in published.scores if m in scores]
    if not shared:
        return None
    measured, delta = {}, {}
    for metric in shared:
        d = _decimals(published.scores[metric])
        measured[metric] = round(scores[metric], d)
        delta[metric] = round(measured[metric] - published.scores[metric], d)
    return Comparison(published, measured, delta)
