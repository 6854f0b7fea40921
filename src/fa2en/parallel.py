"""Several devices or CPU workers behind the ``Translator`` interface.

:class:`WorkerPool` starts one process per device (``--devices 0,1``) or per CPU worker
(``--workers N``); each loads the model once. The parent cuts each wave's sentences into
length-sorted batches (longest first, under the same token budget) and hands the next batch to
whichever worker is free, so no device idles while another works through a long tail. A worker
that dies has its unfinished batch handed to the others, and the run reports it. The parent keeps
the order, so the job writes exactly what the single-process path writes.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from fa2en.batching import make_batches
from fa2en.errors import Fa2enError
from fa2en.interfaces import Progress, Stats, Translation
from fa2en.system import available_cpus

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
        results.send(("error", None, f"{type(exc).__name__}: {exc}", None))
        return
    results.send(
        ("ready", None, {**translator.describe(), "max_tokens": translator.max_tokens}, None)
    )
    while (task := tasks.recv()) is not None:
        batch_id, sentences, careful = task
        before = (translator.stats.src_tokens, translator.stats.out_tokens)
        try:
            out = translator.translate_detailed(sentences, careful=careful)
        except Exception as exc:  # noqa: BLE001 - the batch fails, the worker and the pool go on
            out = [Translation("", error=f"{type(exc).__name__}: {exc}")] * len(sentences)
        tokens = (translator.stats.src_tokens - before[0], translator.stats.out_tokens - before[1])
        results.send(("done", batch_id, [tuple(t) for t in out], tokens))


@dataclass
class _Worker:
    """The parent's handle on a worker: its process and its own two pipes (no shared locks, so a
    worker killed mid-message can only break its own pipe)."""

    rank: int
    device: str
    process: Any
    tasks: Any  # parent -> worker
    results: Any  # worker -> parent
    busy: int | None = None
    ready: bool = False
    dead: bool = False


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
        self.notes: list[str] = []
        self.info: dict[str, Any] = {}
        ctx = mp.get_context("spawn")
        self.workers: list[_Worker] = []
        t0 = time.perf_counter()
        for rank, device in enumerate(devices):
            task_out, task_in = ctx.Pipe(duplex=False)
            result_out, result_in = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_worker_main,
                args=(rank, device, threads_per_worker, load_kwargs, task_out, result_in),
                daemon=True,
            )
            proc.start()
            task_out.close()  # the parent keeps only its ends, so a dead worker reads as EOF
            result_in.close()
            self.workers.append(_Worker(rank, device, proc, task_in, result_out))
        self._wait_ready(start_timeout)
        self.load_seconds = time.perf_counter() - t0

    def _messages(self, timeout: float) -> list[tuple[_Worker, Any]]:
        """Messages that arrived within ``timeout``; a worker whose pipe broke is marked dead."""
        live: dict[Any, _Worker] = {w.results: w for w in self.workers if not w.dead}
        got = []
        for conn in wait(list(live), timeout=timeout):
            w = live[conn]
            assert isinstance(conn, Connection)
            try:
                got.append((w, conn.recv()))
            except (EOFError, OSError):
                w.dead = True
        return got

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while not all(w.ready or w.dead for w in self.workers):
            for w, (kind, _, info, _) in self._messages(1.0):
                if kind == "error":
                    self.close()
                    raise Fa2enError(f"worker {w.rank} could not load the model: {info}")
                w.ready = True
                self.info = info
                log.info("worker %d ready on %s", w.rank, w.device)
            if time.time() > deadline:
                self.close()
                raise Fa2enError("workers did not start in time")
        if not any(w.ready for w in self.workers):
            self.close()
            raise Fa2enError("no worker started (see the log above)")
        # batch exactly as a single Translator would, so results do not depend on the workers
        self.max_tokens = self.max_tokens or self.info["max_tokens"]

    def describe(self) -> dict[str, Any]:
        """The workers' engine details plus their number."""
        return {
            **self.info,
            "workers": len(self.workers),
            "devices": [w.device for w in self.workers],
        }

    def translate_detailed(
        self, sentences: Sequence[str], *, progress: Progress | None = None, careful: bool = False
    ) -> list[Translation]:
        """Translate ``sentences`` across the workers; same length and order as the input."""
        sentences = list(sentences)
        if not sentences:
            return []
        budget = self.max_tokens or self.info["max_tokens"]
        batches = make_batches(self.count_tokens(sentences), budget, self.max_batch_size)
        todo = list(range(len(batches)))  # longest first
        out: list[Translation] = [Translation("")] * len(sentences)
        left = len(batches)
        while left:
            for w in self.workers:
                if w.busy is None and todo and w.ready and not w.dead:
                    w.busy = todo.pop(0)
                    try:
                        w.tasks.send((w.busy, [sentences[i] for i in batches[w.busy]], careful))
                    except OSError:
                        w.dead = True
            for w, (_, batch_id, result, tokens) in self._messages(0.5):
                if w.busy != batch_id:
                    continue
                w.busy = None
                for i, fields in zip(batches[batch_id], result, strict=True):
                    out[i] = Translation(*fields)
                    self.stats.failed += out[i].error is not None
                self.stats.src_tokens += tokens[0]
                self.stats.out_tokens += tokens[1]
                self.stats.batches += 1
                self.report.batches_per_worker[w.rank] = (
                    self.report.batches_per_worker.get(w.rank, 0) + 1
                )
                left -= 1
                if progress:
                    progress(len(batches[batch_id]))
            self._reap(todo)
        self.stats.sentences += len(sentences)
        return out

    def _reap(self, todo: list[int]) -> None:
        """Hand the batch of every newly dead worker back to the queue; fail when none is left."""
        for w in self.workers:
            newly_dead = w.ready and (w.dead or not w.process.is_alive())
            if not newly_dead:
                continue
            why = f"worker {w.rank} ({w.device}) died (exit code {w.process.exitcode})"
            self.report.died.append(why)
            self.notes.append(f"{why}; its unfinished batches were redone by the others")
            log.warning("%s; its work goes to the others", why)
            w.dead, w.ready = True, False
            if w.busy is not None:
                todo.insert(0, w.busy)
                self.report.redone_batches += 1
                w.busy = None
        if not any(w.ready for w in self.workers):
            raise Fa2enError("every worker has died; rerun the same command to resume")

    def close(self) -> None:
        """Stop the workers."""
        for w in self.workers:
            with contextlib.suppress(OSError):
                w.tasks.send(None)
        for w in self.workers:
            w.process.join(timeout=10)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=5)

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
    """CPU threads each of ``workers`` CPU workers gets: the available CPUs shared out, at least one."""
    return max(1, available_cpus() // workers)
