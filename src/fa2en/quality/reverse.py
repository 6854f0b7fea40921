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
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from fa2en.errors import ConfigError, Fa2enError, naming

if TYPE_CHECKING:
    from fa2en.interfaces import SentenceTranslator, SourceScorer
    from fa2en.translator import Translator

log = logging.getLogger("fa2en")

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
def _named(reverse: str) -> Iterator[None]:
    """Lead an error about the reverse model with ``--reverse-model`` (not one about ``--model``)."""
    try:
        yield
    except Fa2enError as exc:
        if reverse == SAME or str(exc).startswith("--reverse-model"):
            raise  # a problem of --model itself (same), or already named
        raise naming("--reverse-model", exc) from exc


def check_reverse(reverse: str, model: str | None) -> None:
    """Fail at once, naming the option, on a ``--reverse-model`` that cannot work (no weights read)."""
    with _named(reverse):
        reverse_languages(reverse_name(reverse, model), same=reverse == SAME)


def reverse_languages(name: str, *, same: bool) -> tuple[str | None, str | None]:
    """Source and target codes that make ``name`` translate English to Persian.

    A model that uses language codes is turned around: its preset's (or family's) Persian->English
    codes swapped. A plain-text model is taken as it is (an English->Persian checkpoint), except as
    ``same``: a plain-text Persian->English model cannot score the other direction.
    """
    from fa2en.loading import family_of, load_config, load_tokenizer, resolve

    source = resolve(name)
    preset = source.preset
    if preset is not None and preset.src_lang:
        return preset.tgt_lang, preset.src_lang
    tokenizer = load_tokenizer(source)
    family = family_of(source, tokenizer, load_config(source))
    if family.source_prefix:
        raise ConfigError(
            f"--reverse-model: {name} is a {family.name} model, which fa2en runs with a fixed "
            f"target tag ({family.source_prefix.strip()}); give an English->Persian model"
        )
    if family.uses_codes:
        return family.default_tgt, family.default_src
    if same:
        raise ConfigError(
            f"--reverse-model same: {name} is a {family.name} model, which translates one way "
            "only; give an English->Persian model (e.g. persiannlp/mt5-base-parsinlu-translation_en_fa)"
        )
    return None, None


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
        reverse: str,
        model: str | None,
        device: str,
        prepare_source: Callable[[str], str],
        engine: SentenceTranslator | None = None,
    ) -> ReverseScorer:
        """Load ``--reverse-model`` (``same``: ``model`` turned around) on ``device``.

        ``engine``: the job's translating engine; for ``same`` and an in-process
        :class:`~fa2en.translator.Translator` its loaded weights are shared.
        """
        from fa2en.translator import Translator

        with _named(reverse):
            name = reverse_name(reverse, model)
            src_lang, tgt_lang = reverse_languages(name, same=reverse == SAME)
            if reverse == SAME and isinstance(engine, Translator) and src_lang and tgt_lang:
                return cls(turned_around(engine, src_lang, tgt_lang), prepare_source, name)
            # English in: no Persian normalisation (spaces are folded)
            translator = Translator.load(
                name, device, src_lang=src_lang, tgt_lang=tgt_lang, num_beams=1, normalizer=None
            )
        return cls(translator, prepare_source, name)

    def score(self, outputs: Sequence[str], sources: Sequence[str]) -> list[float | None]:
        """Mean log-probability per token of each source given its output, log p(source | output).

        None where it cannot be scored: a side longer than the reverse model takes, or a batch the
        model failed on (logged; the check is then skipped for those sentences, nothing stops).
        """
        t = self.translator
        prepared = [self.prepare_source(s) for s in sources]
        target_lengths = [
            len(ids) + 2
            for ids in t.tokenizer(text_target=prepared, add_special_tokens=False)["input_ids"]
        ]
        fits = [
            i
            for i, (n, m) in enumerate(zip(t.count_tokens(outputs), target_lengths, strict=True))
            if n <= t.max_input_tokens and m <= t.positions
        ]
        found: list[float | None] = [None] * len(outputs)
        if not fits:
            return found
        try:
            scores = t.score([outputs[i] for i in fits], [prepared[i] for i in fits])
        except Exception as exc:  # noqa: BLE001 - the check is skipped, the job goes on
            log.warning("the reverse model could not score %d sentences: %s", len(fits), exc)
            return found
        for i, value in zip(fits, scores, strict=True):
            found[i] = value
        return found

    def describe(self) -> str:
        """The reverse model's name and languages, for notes and reports."""
        t = self.translator
        name = t.source.name if t.source else "?"
        return f"{name} ({t.backend.name}, English->Persian)"

    def close(self) -> None:
        """Release the reverse model."""
        self.translator.close()
