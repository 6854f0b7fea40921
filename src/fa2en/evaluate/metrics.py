"""Metrics: one :class:`Metric` interface, sacrebleu's BLEU, chrF, chrF++ and TER, and COMET.

A metric scores every system of a test set at once: its corpus score, a 95% confidence interval,
its signature and a paired p-value against the first system (the baseline). The sacrebleu metrics
use sacrebleu's public API only: ``PairedTest`` scores all systems in one go, with the baseline's
statistics computed once, and signatures as ``sacrebleu --confidence`` prints them (with ``bs:`` and
``seed:``, which ``--short`` abbreviates to ``rs:``). Scores are on sacrebleu's 0-100 scale.

Adding a metric: a class with the :class:`Metric` members, and one entry in :data:`METRICS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from fa2en.errors import ConfigError, Fa2enError
from fa2en.evaluate.data import TestSet

#: Significance tests sacrebleu's ``PairedTest`` runs: paired bootstrap, approximate randomisation.
SIGNIFICANCE_TESTS = {"bs": "paired-bootstrap", "ar": "approximate-randomisation"}


@dataclass(frozen=True)
class Significance:
    """How confidence intervals and paired p-values are computed."""

    method: str = "bs"
    samples: int = 1000


@dataclass(frozen=True)
class MetricScore:
    """One system's corpus score, 95% CI half-width, signature and p-value against the baseline."""

    score: float
    ci: float | None
    signature: str
    p_value: float | None = None


class MetricUnavailable(Fa2enError):
    """A metric that cannot run here (a missing package or model); the message says what to install."""


class Metric(Protocol):
    """What the evaluation needs from a metric."""

    #: the registry key and ``--metrics`` name
    name: ClassVar[str]
    #: how reports name it
    label: ClassVar[str]
    higher_is_better: ClassVar[bool]

    def score(
        self, systems: Mapping[str, Sequence[str]], testset: TestSet, significance: Significance
    ) -> dict[str, MetricScore]:
        """Score each system (the first is the baseline): corpus score, CI, signature, p-value."""
        ...

    def corpus_score(self, hyps: Sequence[str], refs: Sequence[str], srcs: Sequence[str]) -> float:
        """The corpus score of ``hyps`` alone, without CI (for parts of a test set)."""
        ...

    def sentence_score(self, hyp: str, ref: str, src: str) -> float:
        """The score of one sentence."""
        ...


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


class SacrebleuMetric:
    """A sacrebleu metric: scores, CIs and p-values from ``sacrebleu.significance.PairedTest``."""

    name: ClassVar[str]
    label: ClassVar[str]
    higher_is_better: ClassVar[bool] = True

    def make(self) -> Any:
        """A fresh sacrebleu metric object with the published defaults."""
        raise NotImplementedError

    def score(
        self, systems: Mapping[str, Sequence[str]], testset: TestSet, significance: Significance
    ) -> dict[str, MetricScore]:
        """Score each system in one ``PairedTest`` (baseline first); see :class:`Metric`.

        A system whose outputs equal the baseline's gets the baseline's figures and p = 1.0: sacrebleu
        deliberately gives identical systems its smallest p-value, which would read as "different".
        """
        from sacrebleu.significance import PairedTest

        (base, base_hyps), *others = ((name, list(hyps)) for name, hyps in systems.items())
        named: list[tuple[str, Sequence[str]]] = [
            (base, base_hyps),
            *((n, h) for n, h in others if h != base_hyps),
        ]
        test = PairedTest(
            named,
            {self.name: self.make()},
            [list(testset.ref)],
            test_type=significance.method,
            n_samples=significance.samples,
            n_ar_confidence=significance.samples if significance.method == "ar" else -1,
        )
        signatures, table = test()
        signature = next(iter(signatures.values())).format()
        results: list[Any] = next(v for k, v in table.items() if k != "System")
        scored = {
            name: MetricScore(float(res.score), _float(res.ci), signature, _float(res.p_value))
            for (name, _), res in zip(named, results, strict=True)
        }
        same = dataclasses.replace(scored[base], p_value=1.0)
        return {name: scored.get(name, same) for name in systems}

    def corpus_score(self, hyps: Sequence[str], refs: Sequence[str], srcs: Sequence[str]) -> float:
        """sacrebleu's corpus score."""
        return float(self.make().corpus_score(list(hyps), [list(refs)]).score)

    def sentence_score(self, hyp: str, ref: str, src: str) -> float:
        """sacrebleu's sentence score."""
        return float(self.make().sentence_score(hyp, [ref]).score)


class Bleu(SacrebleuMetric):
    """BLEU: 13a tokenisation, exponential smoothing (sacrebleu's defaults)."""

    name, label = "bleu", "BLEU"

    def make(self) -> Any:
        """sacrebleu's BLEU."""
        from sacrebleu.metrics import BLEU

        return BLEU()


class Chrf(SacrebleuMetric):
    """chrF: character 6-grams, beta 2."""

    name, label = "chrf", "chrF"
    word_order: ClassVar[int] = 0

    def make(self) -> Any:
        """sacrebleu's chrF (with word n-grams up to ``word_order``)."""
        from sacrebleu.metrics import CHRF

        return CHRF(word_order=self.word_order)


class ChrfPlusPlus(Chrf):
    """chrF++: chrF plus word unigrams and bigrams."""

    name, label = "chrfpp", "chrF++"
    word_order = 2


class Ter(SacrebleuMetric):
    """TER, case-insensitive (sacrebleu's default); lower is better."""

    name, label = "ter", "TER"
    higher_is_better = False

    def make(self) -> Any:
        """sacrebleu's TER."""
        from sacrebleu.metrics import TER

        return TER()


class Comet:
    """COMET (Unbabel/wmt22-comet-da), 0-100; the model is loaded once per instance (one per run)."""

    name: ClassVar[str] = "comet"
    label: ClassVar[str] = "COMET"
    higher_is_better: ClassVar[bool] = True
    model_id: ClassVar[str] = "Unbabel/wmt22-comet-da"

    def __init__(self) -> None:
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from comet import download_model, load_from_checkpoint

                self._model = load_from_checkpoint(download_model(self.model_id))
            except Exception as exc:  # noqa: BLE001 - missing package, model or network alike
                first = str(exc).splitlines()[0][:160] if str(exc) else ""
                raise MetricUnavailable(
                    f"COMET skipped: {type(exc).__name__}: {first} "
                    f"(pip install unbabel-comet, and the {self.model_id} model from the hub)"
                ) from exc
        return self._model

    def _segments(self, hyps: Sequence[str], refs: Sequence[str], srcs: Sequence[str]) -> Any:
        data = [{"src": s, "mt": m, "ref": r} for s, m, r in zip(srcs, hyps, refs, strict=True)]
        return self._load().predict(data, batch_size=32, progress_bar=False)

    def score(
        self, systems: Mapping[str, Sequence[str]], testset: TestSet, significance: Significance
    ) -> dict[str, MetricScore]:
        """COMET system scores (no CI or paired test)."""
        if not testset.src:
            raise MetricUnavailable(f"COMET skipped on {testset.name}: it needs the sources")
        return {
            name: MetricScore(
                self.corpus_score(hyps, testset.ref, testset.src), None, self.model_id
            )
            for name, hyps in systems.items()
        }

    def corpus_score(self, hyps: Sequence[str], refs: Sequence[str], srcs: Sequence[str]) -> float:
        """The COMET system score (mean of segment scores), 0-100."""
        return 100 * float(self._segments(hyps, refs, srcs).system_score)

    def sentence_score(self, hyp: str, ref: str, src: str) -> float:
        """The COMET segment score, 0-100."""
        return 100 * float(self._segments([hyp], [ref], [src]).scores[0])


#: ``--metrics`` name -> metric class. One entry per metric.
_BUILTIN: tuple[type[Metric], ...] = (Bleu, Chrf, ChrfPlusPlus, Ter, Comet)
METRICS: dict[str, type[Metric]] = {m.name: m for m in _BUILTIN}
DEFAULT_METRICS = "bleu,chrf,chrfpp,ter"


def parse_metrics(text: str) -> list[str]:
    """The metric names of a ``--metrics`` comma list, or a one-line error naming the allowed ones."""
    names = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise ConfigError(
            f"--metrics: unknown metric(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(METRICS)}"
        )
    return list(dict.fromkeys(names))
