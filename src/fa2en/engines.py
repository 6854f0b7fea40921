"""Opening the translation engine a job asks for: one process, a local worker pool, or Ray.

Each returns a :class:`~fa2en.interfaces.SentenceTranslator`, so the job does not care which.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from fa2en.checking import Checker, CheckSettings
from fa2en.interfaces import SentenceTranslator, SourceScorer
from fa2en.options import JobOptions
from fa2en.quality.reverse import ReversePlan
from fa2en.units import prepare_text

log = logging.getLogger("fa2en")


def load_kwargs(opts: JobOptions, threads: int) -> dict[str, Any]:
    """``Translator.load`` arguments (all but the device) for these options."""
    return {
        "model": opts.model,
        "backend": opts.backend,
        "dtype": opts.dtype,
        "num_beams": opts.beams,
        "max_tokens": opts.max_tokens,
        "max_batch_size": opts.batch_size,
        "normalizer": opts.normalizer(),
        "threads": threads,
    }


def token_counter(opts: JobOptions) -> Callable[[list[str]], list[int]]:
    """Source-token counts from the tokenizer alone (no weights): for dry runs and worker pools."""
    from fa2en.loading import family_of, load_config, load_tokenizer, resolve
    from fa2en.units import SourceEncoder

    source = resolve(opts.model)
    tokenizer = load_tokenizer(source)
    family = family_of(source, tokenizer, load_config(source))
    return SourceEncoder(tokenizer, family.source_prefix, opts.normalizer()).count


def open_engine(opts: JobOptions) -> SentenceTranslator:
    """The engine these options ask for, loaded and ready."""
    from fa2en.parallel import WorkerPool, parse_devices, threads_for

    devices = parse_devices(opts.devices, opts.workers)
    if opts.engine == "ray":
        from fa2en.ray_engine import RayTranslator

        return RayTranslator(
            load_kwargs(opts, opts.threads),
            token_counter(opts),
            address=opts.ray_address,
            actors=len(devices or [opts.device]),
            gpus_per_actor=opts.gpus_per_actor,
            max_batch_size=opts.batch_size,
        )
    if devices:
        threads = opts.threads or (threads_for(len(devices)) if devices[0] == "cpu" else 0)
        log.info(
            "event=workers count=%d devices=%s threads_per_worker=%d",
            len(devices),
            ",".join(devices),
            threads,
        )
        return WorkerPool(
            devices,
            load_kwargs(opts, threads),
            token_counter(opts),
            threads_per_worker=threads,
            max_tokens=opts.max_tokens,
            max_batch_size=opts.batch_size,
        )
    if opts.threads:
        import torch

        torch.set_num_threads(opts.threads)
    from fa2en.translator import Translator

    kwargs = load_kwargs(opts, opts.threads)
    return Translator.load(kwargs.pop("model"), opts.device, **kwargs)


def check_settings(opts: JobOptions) -> CheckSettings:
    """The checking stage these options ask for (quality checks and repair, facts)."""
    from pathlib import Path

    from fa2en.facts import FactRules, default_glossary, load_glossary
    from fa2en.quality import load_quality_config, warm_up
    from fa2en.quality.reverse import reverse_name

    quality = None
    if opts.review:
        quality = load_quality_config(
            opts.model,
            Path(opts.quality_config) if opts.quality_config else None,
            reverse_name(opts.reverse_model, opts.model) if opts.reverse_model else None,
        )
        warm_up(quality)
    facts = None
    if opts.facts:
        glossary = load_glossary(Path(opts.glossary)) if opts.glossary else default_glossary()
        facts = FactRules(dates=opts.dates, year=opts.year, glossary=glossary)
    return CheckSettings(quality=quality, facts=facts, repair=opts.review and opts.repair)


def check_reverse(opts: JobOptions) -> ReversePlan | None:
    """The ``--reverse-model`` plan; a wrong one fails here, before any model is loaded."""
    if not opts.reverse_model:
        return None
    if not opts.review:
        log.warning("note: --reverse-model has no effect with --no-review (no checks are run)")
        return None
    from fa2en.quality.reverse import plan_reverse

    return plan_reverse(opts.reverse_model, opts.model)


def open_reverse(
    opts: JobOptions, engine: SentenceTranslator, plan: ReversePlan | None
) -> SourceScorer | None:
    """The scorer of the ``unrelated`` check (None: no ``--reverse-model``, or no checks).

    ``same`` with an in-process engine shares its loaded weights (no second copy in memory).
    """
    if plan is None:
        return None
    from fa2en.quality.reverse import ReverseScorer

    prepare = partial(prepare_text, normalizer=opts.normalizer())
    reverse = ReverseScorer.load(plan, opts.device, prepare, engine)
    log.info("event=reverse_model %s", reverse.describe())
    return reverse


def open_checker(
    opts: JobOptions, engine: SentenceTranslator, reverse: SourceScorer | None = None
) -> Checker:
    """The checking stage for a job, with the ``--fallback-model`` opened only if it is needed."""
    fallback = None
    if opts.fallback_model:
        single = replace(opts, model=opts.fallback_model, devices=None, workers=1, engine="local")

        def fallback() -> SentenceTranslator:
            return open_engine(single)

    return Checker(check_settings(opts), engine, fallback, reverse)
