"""How well fa2en's quality flags find bad segments, measured against the references.

Per system and test set: how many lines each flag marks; precision and recall of "flagged" against
"bad", a line whose sentence chrF is below :data:`BAD_CHRF`; and the Spearman rank correlation of
the model's confidence with sentence chrF (model systems only: existing outputs have no confidence).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from fa2en.interfaces import SourceScorer
from fa2en.pipeline import TranslatedDocument
from fa2en.quality import Candidate, QualityConfig, run_checks
from fa2en.quality.reverse import reverse_scores_of
from fa2en.quality.review import flag_counts
from fa2en.segment import Document

#: a line whose sentence chrF (0-100) is below this is a bad line, the flags' target
BAD_CHRF = 30.0


class LineChecks(NamedTuple):
    """Each test-set line's flag names and its confidence (None: not known)."""

    flags: list[list[str]]
    confidences: list[float | None]


def check_documents(
    docs: Sequence[Document],
    results: Sequence[TranslatedDocument],
    config: QualityConfig,
    reverse: SourceScorer | None = None,
) -> LineChecks:
    """The checks of a model's translation, sentence by sentence, gathered per line (document).

    A line carries every flag of its sentences, and the confidence of its least confident one.
    """
    candidates = [
        Candidate(source, c.translation.text, c.translation.confidence, c.translation.truncated)
        for doc, result in zip(docs, results, strict=True)
        for source, c in zip(doc.sentences, result.sentences, strict=True)
    ]
    scores = reverse_scores_of(
        reverse, [c.source for c in candidates], [c.output for c in candidates]
    )
    candidates = [c._replace(reverse=r) for c, r in zip(candidates, scores, strict=True)]
    flags = run_checks(candidates, config)
    lines, confidences, k = [], [], 0
    for doc in docs:
        mine = range(k, k + len(doc.sentences))
        k += len(doc.sentences)
        lines.append(list(dict.fromkeys(f.name for i in mine for f in flags[i])))
        scores = [candidates[i].confidence for i in mine]
        known = [s for s in scores if s is not None]
        confidences.append(min(known) if known and len(known) == len(scores) else None)
    return LineChecks(lines, confidences)


def check_lines(
    sources: Sequence[str],
    outputs: Sequence[str],
    config: QualityConfig,
    reverse: SourceScorer | None = None,
) -> LineChecks:
    """The checks of an existing translation, line by line, without its model (no confidence)."""
    scores = reverse_scores_of(reverse, sources, outputs)
    flags = run_checks(
        [Candidate(s, o, reverse=r) for s, o, r in zip(sources, outputs, scores, strict=True)],
        config,
    )
    return LineChecks([[f.name for f in fl] for fl in flags], [None] * len(outputs))


def sentence_chrf(outputs: Sequence[str], references: Sequence[str]) -> list[float]:
    """sacrebleu's sentence-level chrF of each output against its reference."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    return [chrf.sentence_score(o, [r]).score for o, r in zip(outputs, references, strict=True)]


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (scipy), or None when it is undefined (few or constant values)."""
    from scipy.stats import spearmanr

    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    rho = float(spearmanr(xs, ys).statistic)
    return None if math.isnan(rho) else rho


def flag_quality(
    checks: LineChecks, outputs: Sequence[str], references: Sequence[str]
) -> dict[str, Any]:
    """Flag counts, precision/recall of the flags against bad lines, and confidence's correlation."""
    chrf = sentence_chrf(outputs, references)
    flagged = [bool(names) for names in checks.flags]
    bad = [score < BAD_CHRF for score in chrf]
    hits = sum(f and b for f, b in zip(flagged, bad, strict=True))
    scored = [(c, s) for c, s in zip(checks.confidences, chrf, strict=True) if c is not None]
    return {
        "lines": len(outputs),
        "flagged": sum(flagged),
        "by_flag": dict(flag_counts(checks.flags).most_common()),
        "bad_below_chrf": BAD_CHRF,
        "bad": sum(bad),
        "precision": hits / sum(flagged) if any(flagged) else None,
        "recall": hits / sum(bad) if any(bad) else None,
        "spearman_confidence_chrf": spearman([c for c, _ in scored], [s for _, s in scored]),
        "confidence_lines": len(scored),
    }
