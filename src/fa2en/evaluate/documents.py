"""Per-document scores: a test set whose lines carry article ids (NTREX-128) scored article by article,
since users translate articles, not lines. The score is chrF over each article's lines."""

from __future__ import annotations

from collections.abc import Sequence

from fa2en.evaluate.data import TestSet
from fa2en.evaluate.metrics import Chrf

#: The metric documents are scored with, and how many of the worst a report names.
DOCUMENT_METRIC = Chrf
WORST_SHOWN = 5


def document_scores(hyps: Sequence[str], testset: TestSet) -> dict[str, float]:
    """Each document's score (``DOCUMENT_METRIC`` over its lines), in test-set order."""
    lines: dict[str, list[int]] = {}
    for i, doc in enumerate(testset.documents):
        lines.setdefault(doc, []).append(i)
    metric = DOCUMENT_METRIC()
    srcs = testset.src or [""] * len(testset.ref)
    return {
        doc: metric.corpus_score(
            [hyps[i] for i in idx], [testset.ref[i] for i in idx], [srcs[i] for i in idx]
        )
        for doc, idx in lines.items()
    }


def worst(scores: dict[str, float], n: int = WORST_SHOWN) -> list[tuple[str, float]]:
    """The ``n`` lowest-scoring documents, worst first."""
    return sorted(scores.items(), key=lambda kv: kv[1])[:n]
