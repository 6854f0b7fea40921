"""Several devices or CPU workers behind the ``Translator`` interface.

:class:`WorkerPool` starts one process per device (``--devices 0,1``) or per CPU worker
(``--workers N``); each loads the model once. The parent cuts each wave's sentences into
length-sorted batches (longest first, under the same token budget) and hands the next batch to
whichever worker is free, so no device idles while another works through a long tail. A worker
that dies has its unfinished batch handed to the others, and the run reports it. The parent keeps
the order, so the job writes exactly what the single-process path writes.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fa2en.batching import make_batches
from fa2en.errors import Fa2enError
from fa2en.translator import Stats

log = logging.getLogger("fa2en")


def _worker_main(
    rank: int, device: str, threads: int, load_kwargs: dict[str, Any], tasks: Any, results: Any
) -> None:
    """A worker process: load the model once, then translate batches until told to stop."""
    import signal

    import torch

    signal.signal(
        signal.SIGINT, signal.SIG_IGN
    )  # Ctrl-C reaches the whole group; the parent decides

    if threads:
        torch.set_num_threads(threads)
    from fa2en.translator import Translator

    try:
        translator = Translator.load(device=device, **load_kwargs)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        results.put(("error", rank, None, f"{type(exc).__name__}: {exc}", None))
        return
    results.put(
        ("ready", rank, None, {**translator.describe(), "max_tokens": translator.max_tokens}, None)
    )
    while True:
        task = tasks.get()
        if task is None:
            return
        batch_id, sentences = task
        before = (translator.stats.src_tokens, translator.stats.out_tokens)
        out = translator.translate(sentences)
        tokens = (translator.stats.src_tokens - before[0], translator.stats.out_tokens - before[1])
        results.put(("done", rank, batch_id, out, tokens))


@dataclass
class _Worker:
    rank: int
    device: str
    process: Any
    tasks: Any
    busy: int | None = None
    ready: bool = False


@dataclass
class PoolReport:
    """What happened to the workers during a run."""

    workers: int = 0
    died: list[str] = field(default_factory=list)
    redone_batches: int = 0
    batches_per_worker: dict[int, int] = field(default_factory=dict)


class WorkerPool:
    """A pool of model workers with the ``translate(sentences, progress=...)`` interface."""

    def __init__(
        self,
        devices: Sequence[str],
        load_kwargs: dict[str, Any],
        count_tokens: Callable[[list[str]], list[int]],
        *,
        threads_per_worker: int = 0,
        max_tokens: int | None = None,
        max_batch_size: int = 64,
        start_timeout: float = 600.0,
    ) -> None:
        if not devices:
            raise Fa2enError("a worker pool needs at least one device")
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.max_batch_size = max_batch_size
        self.stats = Stats()
        self.report = PoolReport(workers=len(devices))
        self.load_seconds = 0.0
        ctx = mp.get_context("spawn")
        self._results = ctx.Queue()
        self.workers: list[_Worker] = []
        t0 = time.perf_counter()
        for rank, device in enumerate(devices):
            tasks = ctx.Queue()
            proc = ctx.Process(
                target=_worker_main,
                args=(rank, device, threads_per_worker, load_kwargs, tasks, self._results),
                daemon=True,
            )
            proc.start()
            self.workers.append(_Worker(rank, device, proc, tasks))
        self._wait_ready(start_timeout)
        self.load_seconds = time.perf_counter() - t0

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while not all(w.ready for w in self.workers):
            try:
                kind, rank, _, info, _ = self._results.get(timeout=1.0)
            except queue.Empty:
                if time.time() > deadline or all(
                    not w.process.is_alive() for w in self.workers if not w.ready
                ):
                    self.close()
                    raise Fa2enError("workers did not start (see the log above)") from None
                continue
            if kind == "error":
                self.close()
                raise Fa2enError(f"worker {rank} could not load the model: {info}")
            self.workers[rank].ready = True
            self.info = info
            # batch exactly as a single Translator would, so results do not depend on the workers
            self.max_tokens = self.max_tokens or info["max_tokens"]
            log.info("worker %d ready on %s", rank, self.workers[rank].device)

    def describe(self) -> dict[str, Any]:
        """The workers' engine details plus their number."""
        return {
            **getattr(self, "info", {}),
            "workers": len(self.workers),
            "devices": [w.device for w in self.workers],
        }

    def translate(
        self, sentences: Sequence[str], *, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Translate ``sentences`` across the workers; same length and order as the input."""
        sentences = list(sentences)
        if not sentences:
            return []
        lengths = self.count_tokens(sentences)
        pending = make_batches(lengths, self.max_tokens, self.max_batch_size)  # longest first
        batches = {i: b for i, b in enumerate(pending)}
        todo = list(batches)
        out: list[str | None] = [None] * len(sentences)
        left = len(batches)
        while left:
            for w in self.workers:
                if w.busy is None and todo and w.process.is_alive():
                    w.busy = todo.pop(0)
                    w.tasks.put((w.busy, [sentences[i] for i in batches[w.busy]]))
            try:
                kind, rank, batch_id, result, tokens = self._results.get(timeout=0.5)
            except queue.Empty:
                self._reap(todo)
                continue
            if kind != "done" or self.workers[rank].busy != batch_id:
                continue
            self.workers[rank].busy = None
            for i, text in zip(batches[batch_id], result, strict=True):
                out[i] = text
            self.stats.src_tokens += tokens[0]
            self.stats.out_tokens += tokens[1]
            self.stats.batches += 1
            self.report.batches_per_worker[rank] = self.report.batches_per_worker.get(rank, 0) + 1
            left -= 1
            if progress:
                progress(len(batches[batch_id]))
        self.stats.sentences += len(sentences)
        return [t or "" for t in out]

    def _reap(self, todo: list[int]) -> None:
        """Hand the batch of every dead worker back to the queue; fail when none is left."""
        for w in self.workers:
            if w.process.is_alive():
                continue
            if w.busy is not None or w.ready:
                why = f"worker {w.rank} ({w.device}) died (exit code {w.process.exitcode})"
                if why not in self.report.died:
                    self.report.died.append(why)
                    log.warning("%s; its work goes to the others", why)
                if w.busy is not None:
                    todo.insert(0, w.busy)
                    self.report.redone_batches += 1
                    w.busy = None
                w.ready = False
        if not any(w.process.is_alive() for w in self.workers):
            raise Fa2enError("every worker has died; rerun the same command to resume")

    def close(self) -> None:
        """Stop the workers."""
        for w in self.workers:
            if w.process.is_alive():
                w.tasks.put(None)
        for w in self.workers:
            w.process.join(timeout=10)
            if w.process.is_alive():
                w.process.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_devices(devices: str | None, workers: int | None) -> list[str] | None:
    """Device list from ``--devices 0,1`` / ``all`` or ``--workers N``; None means one process."""
    if devices:
        if devices == "all":
            import torch

            n = torch.cuda.device_count()
            if n == 0:
                raise Fa2enError(
                    "--devices all: no CUDA GPU is visible; use --workers N for CPU workers"
                )
            return [f"cuda:{i}" for i in range(n)]
        out = []
        for d in devices.split(","):
            d = d.strip()
            out.append(f"cuda:{d}" if d.isdigit() else d)
        return out
    if workers and workers > 1:
        return ["cpu"] * workers
    return None


def threads_for(workers: int) -> int:
    """CPU threads each of ``workers`` CPU workers gets: the cores shared out, at least one."""
    return max(1, (os.cpu_count() or 1) // workers)
