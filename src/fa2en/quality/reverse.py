"""The ``unrelated`` check's model: how well an English output accounts for its Persian source.

A fluent output unrelated to its source (a hallucination) can score well under the model that made
it: once the model has committed to a sentence, every following token is likely. Scored the other
way round, under an English->Persian model, such an output explains its source badly: the mean
log-probability per token of the Persian given the English, log p(source | output), is low.
This is the reverse ("channel") score of noisy-channel reranking (Yee et al., EMNLP 2019), used
here as a reference-free adequacy check.

The reverse model is ``--reverse-model NAME``: an English->Persian checkpoint, or a multilingual
model (NLLB-200, M2M100, mBART-50) used with its languages swapped. ``same`` is the translating
model itself, when it is multilingual: no second download, and in one process no second copy in
memory either (:func:`turned_around` shares the loaded weights).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from fa2en.errors import ConfigError, Fa2enError, naming

if TYPE_CHECKING:
    from fa2en.interfaces import SentenceTranslator, SourceScorer
    from fa2en.translator import Translator

#: ``--reverse-model same``: the translating model, with its languages swapped
SAME = "same"


def reverse_name(reverse: str, model: str | None) -> str:
    """The model ``--reverse-model`` names (``same``: the translating model ``model``)."""
    if reverse != SAME:
        return reverse
    if not model:
        raise ConfigError("--reverse-model same needs --model (the translating model)")
    return model


@contextmanager
def _named(same: bool) -> Iterator[None]:
    """Lead a model-loading error with ``--reverse-model`` (with ``same`` it is ``--model``'s own)."""
    try:
        yield
    except Fa2enError as exc:
        if same:
            raise
        raise naming("--reverse-model", exc) from exc


class ReversePlan(NamedTuple):
    """Which model scores backwards, and the codes that make it translate English to Persian."""

    name: str
    src_lang: str | None
    tgt_lang: str | None
    #: ``--reverse-model same``: the translating model itself
    same: bool


def plan_reverse(reverse: str, model: str | None) -> ReversePlan:
    """The plan for ``--reverse-model`` (no weights read): fails at once, naming the option, on one
    that cannot work.

    A model that uses language codes is turned around: its preset's (or family's) Persian->English
    codes swapped. A plain-text model is taken as it is (an English->Persian checkpoint), except as
    ``same``: a plain-text Persian->English model cannot score the other direction.
    """
    from fa2en.loading import family_of, load_config, load_tokenizer, resolve

    name, same = reverse_name(reverse, model), reverse == SAME
    with _named(same):
        source = resolve(name)
    preset = source.preset
    if preset is not None and preset.src_lang:
        return ReversePlan(name, preset.tgt_lang, preset.src_lang, same)
    with _named(same):
        tokenizer = load_tokenizer(source)
        family = family_of(source, tokenizer, load_config(source))
    if family.source_prefix:
        raise ConfigError(
            f"--reverse-model: {name} is a {family.name} model, which fa2en runs with a fixed "
            f"target tag ({family.source_prefix.strip()}); give an English->Persian model"
        )
    if family.uses_codes:
        return ReversePlan(name, family.default_tgt, family.default_src, same)
    if same:
        raise ConfigError(
            f"--reverse-model same: {name} is a {family.name} model, which translates one way "
            "only; give an English->Persian model (e.g. persiannlp/mt5-base-parsinlu-translation_en_fa)"
        )
    return ReversePlan(name, None, None, same)


def turned_around(translator: Translator, src_lang: str, tgt_lang: str) -> Translator:
    """The same loaded model translating the other way: its own tokenizer and decoding, the weights
    shared (a multilingual model scores English->Persian without a second copy in memory)."""
    from fa2en.loading import load_tokenizer
    from fa2en.translator import Translator

    assert translator.source is not None, "a loaded translator knows its source"
    tokenizer = load_tokenizer(translator.source)  # its own: the source language is set on it
    forced = translator.family.configure(tokenizer, src_lang, tgt_lang)
    backend = copy.copy(translator.backend)  # the model object is shared, the decoding is not
    backend.decoding = replace(backend.decoding, num_beams=1, forced_bos_token_id=forced)
    reverse = Translator(
        tokenizer,
        backend,
        translator.family,
        source=translator.source,
        generation=translator.generation,
        max_tokens=translator.max_tokens,
        max_batch_size=translator.max_batch_size,
        normalizer=None,
        positions=translator.positions,
    )
    reverse.fingerprint = translator.fingerprint
    return reverse


def reverse_scores_of(
    reverse: SourceScorer | None, sources: Sequence[str], outputs: Sequence[str]
) -> list[float | None]:
    """log p(source | output) of each non-empty output under ``reverse`` (else None)."""
    found: list[float | None] = [None] * len(outputs)
    scored = [i for i, text in enumerate(outputs) if text.strip()]
    if reverse is None or not scored:
        return found
    values = reverse.score([outputs[i] for i in scored], [sources[i] for i in scored])
    for i, value in zip(scored, values, strict=True):
        found[i] = value
    return found


class ReverseScorer:
    """Scores Persian sources given English outputs under an English->Persian model."""

    def __init__(
        self, translator: Translator, prepare_source: Callable[[str], str], name: str = ""
    ) -> None:
        self.translator = translator
        #: the model's name as given (its quality thresholds are kept under it)
        self.name = name or (translator.source.name if translator.source else "?")
        self.prepare_source = prepare_source

    @classmethod
    def load(
        cls,
        plan: ReversePlan,
        device: str,
        prepare_source: Callable[[str], str],
        engine: SentenceTranslator | None = None,
    ) -> ReverseScorer:
        """Load the planned reverse model on ``device`` (:func:`plan_reverse`).

        ``engine``: the translating engine; for ``same`` and an in-process
        :class:`~fa2en.translator.Translator` its loaded weights are shared.
        """
        from fa2en.translator import Translator

        if plan.same and isinstance(engine, Translator) and plan.src_lang and plan.tgt_lang:
            shared = turned_around(engine, plan.src_lang, plan.tgt_lang)
            return cls(shared, prepare_source, plan.name)
        with _named(plan.same):
            # English in: no Persian normalisation (spaces are folded)
            translator = Translator.load(
                plan.name,
                device,
                src_lang=plan.src_lang,
                tgt_lang=plan.tgt_lang,
                num_beams=1,
                normalizer=None,
            )
        return cls(translator, prepare_source, plan.name)

    def score(self, outputs: Sequence[str], sources: Sequence[str]) -> list[float | None]:
        """Mean log-probability per token of each source given its output, log p(source | output).

        None where it cannot be scored (see :meth:`~fa2en.translator.Translator.score`): the check
        is then skipped for that sentence, nothing stops.
        """
        return self.translator.score(outputs, [self.prepare_source(s) for s in sources])

    def describe(self) -> str:
        """The reverse model's name and languages, for notes and reports."""
        t = self.translator
        name = t.source.name if t.source else "?"
        return f"{name} ({t.backend.name}, English->Persian)"

    def close(self) -> None:
        """Release the reverse model."""
        self.translator.close()
