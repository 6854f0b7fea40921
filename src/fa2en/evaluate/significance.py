"""Paired significance against a baseline: sacrebleu's paired bootstrap resampling or approximate
randomisation, per metric. A p-value under 0.05 means the difference is unlikely to be chance.
"""

from __future__ import annotations

from collections.abc import Sequence

from fa2en.evaluate.metrics import METRICS


def paired_test(
    baseline: Sequence[str],
    system: Sequence[str],
    refs: Sequence[str],
    metrics: Sequence[str],
    method: str = "bs",
    n_samples: int = 1000,
) -> dict[str, float]:
    """p-value of ``system`` against ``baseline`` for each metric (``bs`` or ``ar``)."""
    from sacrebleu.significance import PairedTest

    if list(system) == list(baseline):
        return {m: 1.0 for m in metrics if m in METRICS}  # identical outputs: no difference at all
    chosen = {m: METRICS[m]() for m in metrics if m in METRICS}
    test = PairedTest(
        [("baseline", list(baseline)), ("system", list(system))],
        chosen,
        [list(refs)],
        test_type=method,
        n_samples=n_samples,
    )
    _, scores = test()
    names = list(chosen)
    results = [v for k, v in scores.items() if k != "System"]
    return {name: float(col[1].p_value) for name, col in zip(names, results, strict=True)}
