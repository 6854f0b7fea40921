"""Translation on a Ray cluster: one pool of actors per job, each holding one loaded model.

:class:`RayTranslator` implements :class:`~fa2en.interfaces.SentenceTranslator`, so
``fa2en translate --engine ray`` runs the same job (segmentation, waves, manifest, atomic writes) on
the driver and sends only the sentences to the cluster. The actors are created, and load the model,
once when the translator is made; every wave is cut into batches (longest first, as in one process)
handed to whichever actor is free, and results are put back in input order. Each actor reserves,
and runs with, an equal share of the cluster's CPUs (``num_gpus`` per actor is configurable). A
batch that raises in an actor, or kills it, fails only its own sentences. Needs
``pip install 'fa2en[ray]'``; every node needs fa2en and the model (a shared ``models/`` folder or
the hub cache).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import Any

from fa2en.batching import longest_first
from fa2en.errors import Fa2enError
from fa2en.interfaces import Progress, Stats, Translation
from fa2en.system import available_cpus

log = logging.getLogger("fa2en")


class TranslateActor:
    """The work of one Ray actor: a model loaded once, then batches of sentences translated."""

    def __init__(self, load_kwargs: dict[str, Any], threads: int) -> None:
        import torch

        torch.set_num_threads(threads)
        from fa2en.translator import Translator

        kwargs = dict(load_kwargs)
        kwargs["threads"] = kwargs.get("threads") or threads
        self.translator = Translator.load(kwargs.pop("model"), "auto", **kwargs)

    def describe(self) -> dict[str, Any]:
        """The loaded translator's engine details."""
        return self.translator.describe()

    def translate_batch(
        self, texts: list[str], careful: bool = False
    ) -> tuple[list[Translation], int, int]:
        """Translations of ``texts``, and the source and output tokens the model handled."""
        stats = self.translator.stats
        before = (stats.src_tokens, stats.out_tokens)
        out = self.translator.translate_detailed(texts, careful=careful)
        return (
            out,
            stats.src_tokens - before[0],
            stats.out_tokens - before[1],
        )


def _reason(exc: BaseException) -> str:
    """One line saying why a Ray call failed (the actor's own exception where there is one)."""
    cause = getattr(exc, "cause", None) or exc
    first = (str(cause).strip().splitlines() or [""])[0][:300]
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__


class RayTranslator:
    """Translate through a pool of Ray actors made once per job (see the module docstring)."""

    def __init__(
        self,
        load_kwargs: dict[str, Any],
        count_tokens: Callable[[list[str]], list[int]],
        *,
        address: str | None = None,
        actors: int = 1,
        gpus_per_actor: float = 0.0,
        max_batch_size: int = 64,
        actor_class: type = TranslateActor,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise Fa2enError("--engine ray needs Ray: pip install 'fa2en[ray]'") from exc
        self.owns_session = not ray.is_initialized()
        if self.owns_session:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        self.load_kwargs = load_kwargs
        self.count_tokens = count_tokens
        self.max_batch_size = max_batch_size
        self.stats = Stats()
        self.notes: list[str] = []
        n = max(1, actors)
        cpus = ray.cluster_resources().get("CPU", available_cpus())
        self.threads = max(1, int(cpus) // n)  # each actor's torch and CTranslate2 threads
        log.info(
            "event=ray actors=%d gpus_per_actor=%s threads_per_actor=%d",
            n,
            gpus_per_actor,
            self.threads,
        )
        t0 = time.perf_counter()
        remote: Any = ray.remote(actor_class).options(
            num_cpus=min(self.threads, cpus / n), num_gpus=gpus_per_actor or None
        )
        self.actors: list[Any] = [remote.remote(load_kwargs, self.threads) for _ in range(n)]
        try:
            self.info: dict[str, Any] = ray.get([a.describe.remote() for a in self.actors])[0]
        except ray.exceptions.RayError as exc:
            self.close()
            raise Fa2enError(f"the Ray actors could not load the model: {_reason(exc)}") from exc
        self.load_seconds = time.perf_counter() - t0

    def describe(self) -> dict[str, Any]:
        """The actors' engine details, their number and threads."""
        return {
            **self.info,
            "engine": "ray",
            "actors": len(self.actors),
            "threads_per_actor": self.threads,
        }

    def translate_detailed(
        self, sentences: Sequence[str], *, progress: Progress | None = None, careful: bool = False
    ) -> list[Translation]:
        """Translate ``sentences`` on the cluster; same length and order as the input.

        Identical sentences are sent once. A batch that raises in an actor, or whose actor dies,
        gives its sentences an empty text and the reason as ``error``; the other batches go on
        (on the actors left).
        """
        import ray

        uses = Counter(sentences)
        unique = list(uses)
        order = longest_first(self.count_tokens(unique)) if unique else []  # as in one process
        batches = [
            [unique[i] for i in order[k : k + self.max_batch_size]]
            for k in range(0, len(order), self.max_batch_size)
        ]
        todo = deque(range(len(batches)))  # longest first
        idle = list(self.actors)
        running: dict[Any, tuple[Any, int]] = {}
        done: dict[str, Translation] = {}
        while todo or running:
            while idle and todo:
                actor, k = idle.pop(), todo.popleft()
                running[actor.translate_batch.remote(batches[k], careful)] = (actor, k)
            if not running:
                raise Fa2enError("every Ray actor has died; rerun the same command to resume")
            [ref], _ = ray.wait(list(running), num_returns=1)
            actor, k = running.pop(ref)
            batch = batches[k]
            try:
                out, src_tokens, out_tokens = ray.get(ref)
                idle.append(actor)
            except ray.exceptions.RayActorError as exc:  # the actor died: the others go on
                self.actors.remove(actor)
                log.warning("a Ray actor died; %d left", len(self.actors))
                self.notes.append(f"a Ray actor died ({_reason(exc)}); its batch failed")
                out, src_tokens, out_tokens = self._failed(batch, exc, uses)
            except ray.exceptions.RayError as exc:  # the batch raised: the actor goes on
                idle.append(actor)
                out, src_tokens, out_tokens = self._failed(batch, exc, uses)
            done.update(zip(batch, out, strict=True))
            self.stats.batches += 1
            self.stats.src_tokens += src_tokens
            self.stats.out_tokens += out_tokens
            if progress:
                progress(sum(uses[s] for s in batch))
        self.stats.sentences += len(sentences)
        return [done[s] for s in sentences]

    def _failed(
        self, batch: list[str], exc: BaseException, uses: Counter[str]
    ) -> tuple[list[Translation], int, int]:
        """The result of a batch that failed: each sentence empty, with the reason."""
        reason = _reason(exc)
        log.warning("a batch of %d sentence(s) failed on Ray: %s", len(batch), reason)
        self.stats.failed += sum(uses[s] for s in batch)
        return [Translation("", error=reason)] * len(batch), 0, 0

    def translate(self, sentences: Sequence[str], *, progress: Progress | None = None) -> list[str]:
        """The texts of :meth:`translate_detailed` (failed sentences come back empty)."""
        return [t.text for t in self.translate_detailed(sentences, progress=progress)]

    def close(self) -> None:
        """Kill the actors, and shut down the Ray session if this translator started it."""
        import ray

        if not ray.is_initialized():
            return
        for actor in self.actors:
            ray.kill(actor)
        if self.owns_session:
            ray.shutdown()
