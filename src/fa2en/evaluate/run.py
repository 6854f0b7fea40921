"""Running an evaluation: systems (models or existing outputs) over test sets, scored and compared.

Every input is checked before anything is scored: hypothesis files must exist, be non-empty and have
as many lines as the references. Model systems translate each test set with the engine the way
``fa2en translate`` does (each line segmented into sentences, translated, put back together) and
are timed: load time, sentences/s, tokens/s, peak memory, device and precision.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fa2en.errors import Fa2enError
from fa2en.evaluate.data import TestSet, read_lines
from fa2en.evaluate.documents import DOCUMENT_METRIC, document_scores
from fa2en.evaluate.flags import LineChecks, check_documents, check_lines, flag_quality
from fa2en.evaluate.metrics import (
    METRICS,
    SIGNIFICANCE_TESTS,
    Metric,
    MetricScore,
    MetricUnavailable,
    Significance,
)
from fa2en.evaluate.published import Comparison, compare
from fa2en.interfaces import SourceScorer
from fa2en.pipeline import parse_lines, translate_documents
from fa2en.profiling import measure
from fa2en.quality import QualityConfig, load_quality_config

log = logging.getLogger("fa2en.eval")
DEFAULT_SIGNIFICANCE = Significance()


@dataclass(frozen=True)
class System:
    """A system to score: a model to run, or a file of existing outputs."""

    name: str
    model: str | None = None
    hyp_file: Path | None = None

    @property
    def preset_name(self) -> str:
        """The preset whose published scores apply: the model, or a hypothesis file's name."""
        return self.model or self.name


def parse_system(spec: str, kind: str) -> System:
    """``NAME=FILE`` for ``--hyp``; ``NAME=MODEL`` or ``MODEL`` for ``--model``."""
    name, sep, value = spec.partition("=")
    if kind == "hyp":
        if not sep or not name or not value:
            raise Fa2enError(f"--hyp takes NAME=FILE, got {spec!r}")
        return System(name, hyp_file=Path(value))
    if not sep:
        name, value = Path(spec.rstrip("/")).name or spec, spec
    return System(name, model=value)


@dataclass
class Row:
    """One system on one test set: scores, CIs, signatures, p-values, speed."""

    testset: str
    system: str
    lines: int
    scores: dict[str, float] = field(default_factory=dict)
    ci: dict[str, float | None] = field(default_factory=dict)
    signature: dict[str, str] = field(default_factory=dict)
    p_value: dict[str, float] | None = None
    baseline: str | None = None
    speed: dict[str, Any] | None = None
    hyp_file: str | None = None
    published: Comparison | None = None
    #: per-document scores (``DOCUMENT_METRIC``), for test sets with document ids
    documents: dict[str, float] = field(default_factory=dict)
    #: how well the quality flags find bad lines (:func:`~fa2en.evaluate.flags.flag_quality`);
    #: None when the test set has no sources to check against
    flags: dict[str, Any] | None = None

    def add(self, metric: str, scored: MetricScore) -> None:
        """Record one metric's score, CI, signature and (against a baseline) p-value."""
        self.scores[metric], self.ci[metric] = scored.score, scored.ci
        self.signature[metric] = scored.signature
        if self.p_value is not None and scored.p_value is not None:
            self.p_value[metric] = scored.p_value

    def as_json(self) -> dict[str, Any]:
        """The row in the ``--json`` schema (metrics on sacrebleu's 0-100 scale)."""
        return {
            "testset": self.testset,
            "system": self.system,
            "lines": self.lines,
            **self.scores,
            "ci95": self.ci,
            "signature": self.signature,
            "baseline": self.baseline,
            "p_value": self.p_value,
            "speed": self.speed,
            "hyp_file": self.hyp_file,
            "published": self.published.as_json() if self.published else None,
            "delta": self.published.delta if self.published else None,
            "documents": {"metric": DOCUMENT_METRIC.name, "scores": self.documents}
            if self.documents
            else None,
            "flags": self.flags,
        }


def check_hypotheses(
    systems: Sequence[System], testsets: Sequence[TestSet]
) -> dict[tuple[str, str], list[str]]:
    """Read every hypothesis file and check it against its test set; nothing is scored on failure."""
    hyps = {}
    for ts in testsets:
        for sys_ in systems:
            if sys_.hyp_file is None:
                continue
            lines = read_lines(sys_.hyp_file)
            if not lines or not any(line.strip() for line in lines):
                raise Fa2enError(f"hypothesis file {sys_.hyp_file} is empty; nothing was scored")
            expected = ts.total or len(ts.ref)
            if len(lines) != expected:
                raise Fa2enError(
                    f"hypothesis file {sys_.hyp_file} has {len(lines)} lines but test set {ts.name!r} has "
                    f"{expected} references; nothing was scored"
                )
            hyps[(ts.name, sys_.name)] = lines[: len(ts.ref)]
    return hyps


def run_model(
    translator: Any,
    ts: TestSet,
    quality: QualityConfig | None = None,
    reverse: SourceScorer | None = None,
) -> tuple[list[str], dict[str, Any], LineChecks | None]:
    """Translate a test set with ``translator``: the outputs, speed figures and (with ``quality``)
    each line's flags and confidence.

    Lines are translated as ``fa2en translate`` translates files: each line a document. A line with
    a sentence the model could not translate comes back empty (and scores as such). The checks run
    after the timed translation and repair nothing, so the flags describe the outputs scored.
    """
    if not ts.src:
        raise Fa2enError(f"test set {ts.name!r} has no sources; a model cannot be run on it")
    before_src, before_out = translator.stats.src_tokens, translator.stats.out_tokens
    docs = parse_lines(ts.src)
    with measure() as usage:
        results = translate_documents(docs, translator)
    hyps = [" ".join((r.text or "").split()) for r in results]
    src_tok = translator.stats.src_tokens - before_src
    out_tok = translator.stats.out_tokens - before_out
    info = translator.describe()
    speed = {
        "load_seconds": round(translator.load_seconds, 3),
        "seconds": round(usage.seconds, 3),
        "sentences_per_second": round(len(ts.src) / usage.seconds, 3),
        "source_tokens_per_second": round(src_tok / usage.seconds, 1),
        "output_tokens_per_second": round(out_tok / usage.seconds, 1),
        "peak_rss_mb": round(usage.peak_rss_mb, 1),
        "peak_gpu_mb": round(usage.peak_gpu_mb, 1),
        "device": info.get("device"),
        "precision": info.get("precision"),
        "backend": info.get("backend"),
    }
    if quality is None:
        return hyps, speed, None
    return hyps, speed, check_documents(docs, results, quality, reverse)


def evaluate(
    testsets: Sequence[TestSet],
    systems: Sequence[System],
    metric_names: Sequence[str],
    *,
    baseline: str | None = None,
    significance: Significance = DEFAULT_SIGNIFICANCE,
    load_translator: Any = None,
    reverse: SourceScorer | None = None,
) -> tuple[list[Row], dict[tuple[str, str], list[str]], list[str]]:
    """Score every system on every test set; return rows, hypotheses and notes.

    ``reverse``: the ``--reverse-model`` scorer; every system's lines are then checked for
    ``unrelated`` too.
    """
    if not systems:
        raise Fa2enError("no systems to evaluate: give --model and/or --hyp NAME=FILE")
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        raise Fa2enError(f"system names must be unique, got {', '.join(names)}")
    base = baseline or names[0]
    if base not in names:
        raise Fa2enError(f"baseline {base!r} is not one of the systems ({', '.join(names)})")
    hyps = check_hypotheses(systems, testsets)
    metrics: dict[str, Metric] = {n: METRICS[n]() for n in metric_names}  # one instance per run
    notes: list[str] = []
    speeds: dict[tuple[str, str], dict[str, Any]] = {}
    checks: dict[tuple[str, str], LineChecks | None] = {}
    reverse_key = reverse.name if reverse is not None else None
    for sys_ in systems:
        if sys_.model is None:
            continue
        translator = load_translator(sys_.model)
        quality = load_quality_config(sys_.model, reverse=reverse_key)
        for ts in testsets:
            t0 = time.perf_counter()
            key = (ts.name, sys_.name)
            hyps[key], speeds[key], checks[key] = run_model(translator, ts, quality, reverse)
            log.info("translated %s with %s in %.1fs", ts.name, sys_.name, time.perf_counter() - t0)
    for ts in testsets:  # existing outputs: checked without a model (no confidence)
        for sys_ in systems:
            if sys_.hyp_file is not None and ts.src:
                key = (ts.name, sys_.name)
                checks[key] = check_lines(
                    ts.src, hyps[key], load_quality_config(reverse=reverse_key), reverse
                )
    rows = []
    # the baseline first, as Metric.score takes them
    ordered = [base, *(n for n in names if n != base)]
    for ts in testsets:
        outputs = {n: hyps[(ts.name, n)] for n in ordered}
        scored: dict[str, dict[str, MetricScore]] = {}
        for name, metric in list(metrics.items()):
            try:
                scored[name] = metric.score(outputs, ts, significance)
            except MetricUnavailable as exc:
                notes.append(str(exc))
                del metrics[name]
        for sys_ in systems:
            row = Row(
                ts.name,
                sys_.name,
                len(ts.ref),
                speed=speeds.get((ts.name, sys_.name)),
                hyp_file=str(sys_.hyp_file) if sys_.hyp_file else None,
            )
            if sys_.name != base:
                row.baseline, row.p_value = base, {}
                row.signature["significance"] = (
                    f"{SIGNIFICANCE_TESTS[significance.method]}|n:{significance.samples}"
                )
            for name, by_system in scored.items():
                row.add(name, by_system[sys_.name])
            row.published = compare(sys_.preset_name, ts.name, row.scores)
            if ts.documents:
                row.documents = document_scores(outputs[sys_.name], ts)
            line_checks = checks.get((ts.name, sys_.name))
            if line_checks is not None:
                row.flags = flag_quality(line_checks, outputs[sys_.name], ts.ref)
            rows.append(row)
    return rows, hyps, notes
