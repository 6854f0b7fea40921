"""Shared by the benchmark scripts: data, random-weight models, token counting, memory, results.

The honesty rules of ``benchmark.py`` live here as small pure functions so that a test holds them:
every method's generated tokens are counted by :func:`generated_tokens` from its own output ids,
and the baseline a ratio compares with is the best naive row (:func:`best_baseline`).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from fa2en.backends import Backend, Decoding, Hypothesis
from fa2en.testing.toymodels import build_shaped

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CORPORA = ("ntrex128/ntrex128", "flores200/dev510", "tico19/test", "tatoeba/test")

#: Row kinds: the naive baselines a ratio compares with, and what each other row is measured as.
NAIVE = "naive"
SAME_ENGINE = "fa2en's batching on the same engine"
CT2_INT8 = "int8 CTranslate2"
OTHER = "other fa2en engines and one-by-one"
JOB = "whole translate job"
KINDS = (NAIVE, SAME_ENGINE, CT2_INT8, OTHER, JOB)


def random_model(shape: str) -> Path:
    """A random-weight ``shape`` checkpoint, its tokenizer trained on the local Persian-English data."""
    texts: list[str] = []
    for name in CORPORA:
        for ext in ("fa", "en"):
            texts += (DATA / f"{name}.{ext}").read_text(encoding="utf-8").splitlines()
    return build_shaped(shape, texts, Path(tempfile.mkdtemp(prefix="fa2en-bench-")))


# -- counting generated tokens: one function for every method ------------------------------------


class Specials(NamedTuple):
    """The ids that are not generated content: end-of-sentence, padding, the forced language token."""

    eos: int
    pad: int
    forced: int | None = None


def generated_tokens(ids: Sequence[int], specials: Specials) -> int:
    """Tokens generated before the first end-of-sentence (padding and the language token not counted).

    ``ids`` is what a method generated after its decoder prompt: a ``model.generate`` row without
    its first (decoder start) token, or a backend hypothesis. Both give the same count for the same
    output, so every method is counted alike.
    """
    count = 0
    for position, token in enumerate(ids):
        if token == specials.eos:
            break
        if token == specials.pad or (position == 0 and token == specials.forced):
            continue
        count += 1
    return count


class Recorder:
    """A backend that passes every call to ``inner`` and keeps the ids of each hypothesis it returns."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.device = inner.device
        self.decoding: Decoding = inner.decoding
        self.outputs: list[list[int]] = []

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[Hypothesis]:
        """The inner backend's hypotheses, their ids recorded."""
        hyps = self.inner.generate(batch, max_new_tokens)
        self.outputs += [h.ids for h in hyps]
        return hyps

    def score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        """The inner backend's scores."""
        return self.inner.score(sources, targets)

    def describe(self) -> dict[str, Any]:
        """The inner backend's description."""
        return self.inner.describe()


# -- results -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One measured method."""

    method: str
    kind: str
    sentences: int
    tokens: int
    seconds: float
    rss_mb: float = 0.0
    gpu_mb: float = 0.0

    @property
    def sent_s(self) -> float:
        """Input sentences translated per second."""
        return self.sentences / self.seconds

    @property
    def tok_s(self) -> float:
        """Generated output tokens per second."""
        return self.tokens / self.seconds


def best_baseline(rows: Sequence[Row]) -> Row:
    """The naive row with the most sentences per second (the baseline every ratio compares with)."""
    naive = [r for r in rows if r.kind == NAIVE]
    if not naive:
        raise ValueError("no naive baseline was measured; a ratio needs one")
    return max(naive, key=lambda r: r.sent_s)


def ratio(row: Row, base: Row) -> float:
    """``row``'s sentences per second over the baseline's (same sentences, same model)."""
    return row.sent_s / base.sent_s


def best_of(rows: Sequence[Row]) -> list[Row]:
    """One row per method, the fastest of its repeats, in first-seen order."""
    best: dict[str, Row] = {}
    for r in rows:
        if r.method not in best or r.sent_s > best[r.method].sent_s:
            best[r.method] = r
    return list(best.values())


def table(rows: Sequence[Row], gpu: bool) -> list[str]:
    """The result lines: rows grouped by kind, each with its ratio to the best naive baseline."""
    base = best_baseline(rows)
    head = f"  {'method':<28}{'sent/s':>9}{'out tok/s':>11}{'tok/sent':>10}{'x best naive':>14}"
    head += f"{'peak RSS MB':>13}" + (f"{'GPU MB':>9}" if gpu else "")
    lines = [head]
    for kind in KINDS:
        members = [r for r in rows if r.kind == kind]
        if members:
            lines.append(f"  -- {kind} --")
        for r in members:
            line = (
                f"  {r.method:<28}{r.sent_s:>9.2f}{r.tok_s:>11.1f}{r.tokens / r.sentences:>10.1f}"
            )
            line += f"{ratio(r, base):>14.2f}{r.rss_mb:>13.0f}" + (
                f"{r.gpu_mb:>9.0f}" if gpu else ""
            )
            lines.append(line)
    return lines


# -- memory --------------------------------------------------------------------------------------


class Meter:
    """``with Meter() as m: ...`` records seconds, peak process RSS and peak GPU memory in use.

    GPU memory is the device's used memory (``cudaMemGetInfo``), sampled: unlike torch's own
    counter it also sees CTranslate2's allocations.
    """

    def __init__(self, interval: float = 0.005) -> None:
        import psutil
        import torch

        self._proc = psutil.Process()
        self._cuda = torch.cuda.is_available()
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.seconds = self.rss_mb = self.gpu_mb = 0.0

    def _take(self) -> None:
        self.rss_mb = max(self.rss_mb, self._proc.memory_info().rss / 2**20)
        if self._cuda:
            import torch

            free, total = torch.cuda.mem_get_info()
            self.gpu_mb = max(self.gpu_mb, (total - free) / 2**20)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._take()
            time.sleep(self._interval)

    def __enter__(self) -> Meter:
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0
        self._stop.set()
        self._thread.join()
        self._take()


# -- articles for the job rows -------------------------------------------------------------------


def write_articles(out: Path, lines: Sequence[str], doc_ids: Sequence[str]) -> int:
    """Write ``lines`` as one text file per article (``doc_ids``: each line's article), a line a paragraph."""
    out.mkdir(parents=True, exist_ok=True)
    articles: dict[str, list[str]] = {}
    for doc, line in zip(doc_ids, lines, strict=False):
        articles.setdefault(doc, []).append(line)
    for k, (doc, paragraphs) in enumerate(articles.items()):
        (out / f"{k:03d}_{doc}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return len(articles)
