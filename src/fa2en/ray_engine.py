"""Translation on a Ray cluster with Ray Data: an actor pool, one model per actor.

:class:`RayTranslator` has the ``Translator`` interface, so ``fa2en translate --engine ray`` runs the
same job (segmentation, waves, manifest, atomic writes) on the driver and sends only the sentences
to the cluster: each wave becomes a Ray dataset of ``(index, text)`` rows sorted by length, mapped
with ``map_batches`` over a pool of actors that each load the model once (``num_gpus`` per actor
configurable). Results are put back in order by index. Needs ``pip install 'fa2en[ray]'``; every
node needs fa2en and the model (a shared ``models/`` folder or the hub cache).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from fa2en.batching import longest_first
from fa2en.errors import Fa2enError
from fa2en.translator import Stats

log = logging.getLogger("fa2en")


class _TranslateActor:
    """A Ray actor holding one loaded model; called with a batch of rows."""

    def __init__(self, load_kwargs: dict[str, Any], threads: int) -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)
        from fa2en.translator import Translator

        kwargs = dict(load_kwargs)
        self.translator = Translator.load(kwargs.pop("model"), "auto", **kwargs)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        texts = [str(t) for t in batch["text"]]
        before = (self.translator.stats.src_tokens, self.translator.stats.out_tokens)
        out = self.translator.translate(texts)
        n = len(texts)
        src = self.translator.stats.src_tokens - before[0]
        tgt = self.translator.stats.out_tokens - before[1]
        return {
            "index": batch["index"],
            "translation": np.array(out, dtype=object),
            "src_tokens": np.array([src] + [0] * (n - 1)),
            "out_tokens": np.array([tgt] + [0] * (n - 1)),
        }


class RayTranslator:
    """Translate through a Ray Data actor pool; same ``translate`` contract as ``Translator``."""

    def __init__(
        self,
        load_kwargs: dict[str, Any],
        count_tokens: Callable[[list[str]], list[int]],
        *,
        address: str | None = None,
        actors: int = 1,
        gpus_per_actor: float = 0.0,
        max_batch_size: int = 64,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise Fa2enError("--engine ray needs Ray: pip install 'fa2en[ray]'") from exc
        if not ray.is_initialized():
            ray.init(
                address=address,
                include_dashboard=False,
                log_to_driver=False,
                ignore_reinit_error=True,
            )
        self.load_kwargs = load_kwargs
        self.count_tokens = count_tokens
        self.actors = max(1, actors)
        self.gpus_per_actor = gpus_per_actor
        self.max_batch_size = max_batch_size
        self.stats = Stats()
        self.load_seconds = 0.0
        cpus = int(ray.cluster_resources().get("CPU", os.cpu_count() or 1))
        self.threads = max(1, cpus // self.actors) if not gpus_per_actor else 0
        log.info(
            "event=ray actors=%d gpus_per_actor=%s threads_per_actor=%d",
            self.actors,
            gpus_per_actor,
            self.threads,
        )

    def describe(self) -> dict[str, Any]:
        """Engine details."""
        return {"backend": f"ray({self.load_kwargs.get('backend', 'auto')})", "actors": self.actors}

    def translate(
        self, sentences: Sequence[str], *, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Translate ``sentences`` on the cluster; same length and order as the input."""
        import ray

        sentences = list(sentences)
        if not sentences:
            return []
        order = longest_first(self.count_tokens(sentences))  # as the single-process batches
        ds = ray.data.from_items([{"index": i, "text": sentences[i]} for i in order])
        mapped = ds.map_batches(
            _TranslateActor,
            fn_constructor_kwargs={"load_kwargs": self.load_kwargs, "threads": self.threads},
            batch_size=self.max_batch_size,
            compute=ray.data.ActorPoolStrategy(size=self.actors),
            num_gpus=self.gpus_per_actor or None,
            num_cpus=self.threads or None,
            batch_format="numpy",
        )
        out: list[str] = [""] * len(sentences)
        for row in mapped.iter_rows():
            out[int(row["index"])] = str(row["translation"])
            self.stats.src_tokens += int(row["src_tokens"])
            self.stats.out_tokens += int(row["out_tokens"])
            if progress:
                progress(1)
        self.stats.sentences += len(sentences)
        return out

    def close(self) -> None:
        """Leave the Ray session (a local one is shut down)."""
        import ray

        if ray.is_initialized():
            ray.shutdown()
