"""Metrics through sacrebleu: BLEU, chrF, chrF++ and TER, each with its signature and a bootstrap CI.

The scores are sacrebleu's own (defaults as in published results: BLEU 13a tokenisation and exp
smoothing, chrF with character n-grams of 6, chrF++ with word bigrams too, TER case-insensitive),
on its 0-100 scale. Confidence intervals come from sacrebleu's bootstrap resampling (1000 samples,
seed 12345 unless ``SACREBLEU_SEED`` says otherwise), as ``sacrebleu --confidence`` gives them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fa2en.errors import Fa2enError


def _bleu() -> Any:
    from sacrebleu.metrics import BLEU

    return BLEU()


def _chrf() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF()


def _chrfpp() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF(word_order=2)


def _ter() -> Any:
    from sacrebleu.metrics import TER

    return TER()


#: Metric name -> factory of a fresh sacrebleu metric object.
METRICS: dict[str, Callable[[], Any]] = {
    "bleu": _bleu,
    "chrf": _chrf,
    "chrfpp": _chrfpp,
    "ter": _ter,
}
#: Metrics where lower is better.
LOWER_IS_BETTER = frozenset({"ter"})


@dataclass(frozen=True)
class MetricScore:
    """One metric's corpus score, its 95% confidence half-width and its sacrebleu signature."""

    name: str
    score: float
    ci: float | None
    signature: str

    def __str__(self) -> str:
        ci = f" ± {self.ci:.2f}" if self.ci is not None else ""
        return f"{self.name} = {self.score:.2f}{ci}  ({self.signature})"


def check_metrics(names: Sequence[str]) -> list[str]:
    """The metric names, or a clear error naming the unknown ones."""
    unknown = [n for n in names if n not in METRICS and n != "comet"]
    if unknown:
        raise Fa2enError(
            f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join([*METRICS, 'comet'])}"
        )
    return list(names)


def bootstrap_ci(metric: Any, hyps: Sequence[str], refs: Sequence[str], n_samples: int) -> float:
    """95% confidence half-width of ``metric`` by sacrebleu's bootstrap resampling."""
    import numpy as np
    from sacrebleu.significance import _bootstrap_resample, estimate_ci

    stats = metric._extract_corpus_statistics(list(hyps), [list(refs)])
    _, scores = _bootstrap_resample(stats, metric, n_samples)
    return float(estimate_ci(np.array([s.score for s in scores]))[1])


def score_system(
    hyps: Sequence[str], refs: Sequence[str], metrics: Sequence[str], n_bootstrap: int = 1000
) -> dict[str, MetricScore]:
    """Score ``hyps`` against ``refs`` with each metric (CIs when ``n_bootstrap`` > 0)."""
    if len(hyps) != len(refs):
        raise Fa2enError(f"{len(hyps)} hypotheses for {len(refs)} references; nothing was scored")
    out = {}
    for name in metrics:
        if name == "comet":
            continue
        metric = METRICS[name]()
        result = metric.corpus_score(list(hyps), [list(refs)])
        ci = bootstrap_ci(metric, hyps, refs, n_bootstrap) if n_bootstrap > 0 else None
        out[name] = MetricScore(name, float(result.score), ci, metric.get_signature().format())
    return out
