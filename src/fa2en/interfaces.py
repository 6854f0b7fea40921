"""What the job layer needs from a translation engine, and what it gets back per sentence.

:class:`~fa2en.translator.Translator` (one process), :class:`~fa2en.parallel.WorkerPool` (worker
processes) and :class:`~fa2en.ray_engine.RayTranslator` (a Ray cluster) all implement
:class:`SentenceTranslator`, so the job, the evaluation harness and quality checks treat them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

#: Called with the number of input sentences each finished batch completes.
Progress = Callable[[int], None]


class Translation(NamedTuple):
    """One sentence's result: its English, and what the model knew about it."""

    text: str
    #: mean log-probability per output token under the model that made it (None: not known)
    confidence: float | None = None
    #: generation stopped at the output length cap without an end-of-sentence token
    truncated: bool = False
    #: why the sentence could not be translated (``text`` is then empty); None when it was
    error: str | None = None


@dataclass
class Stats:
    """Running totals of the work an engine did (tokens are counted as the model saw them)."""

    sentences: int = 0
    batches: int = 0
    src_tokens: int = 0
    out_tokens: int = 0
    oom_splits: int = 0
    failed: int = 0


class SentenceTranslator(Protocol):
    """Sentences in, :class:`Translation` objects out: same length, same order."""

    stats: Stats
    load_seconds: float
    #: what the user should hear about at the end of a run (e.g. a worker that died)
    notes: list[str]

    def translate_detailed(
        self, sentences: Sequence[str], *, progress: Progress | None = None, careful: bool = False
    ) -> list[Translation]:
        """Translate ``sentences``; a sentence that fails gets ``error`` set, the rest go on.

        ``careful``: decode for a repair: slower and less prone to loops and cut-offs.
        """
        ...

    def describe(self) -> dict[str, Any]:
        """What made the translations: model, engine, precision, device kind, fingerprint."""
        ...

    def close(self) -> None:
        """Release processes, devices or cluster sessions."""
        ...


class SourceScorer(Protocol):
    """How well each English output accounts for its Persian source (the ``unrelated`` check)."""

    #: the scoring model's name as given (its thresholds are kept under it)
    name: str

    def score(self, outputs: Sequence[str], sources: Sequence[str]) -> list[float | None]:
        """Mean log-probability per token of each source given its output (None: not scored)."""
        ...

    def describe(self) -> str:
        """The scoring model, for notes and reports."""
        ...

    def close(self) -> None:
        """Release the scoring model."""
        ...
