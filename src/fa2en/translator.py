"""``Translator``: one object, a list of Persian sentences in, their English translations out.

Inside: normalisation, de-duplication, splitting of over-long inputs at clause boundaries,
length-sorted batches under a token budget, output caps derived from each input's length (one cap
per batch, so batch-mates never change a result), halving a batch on out-of-memory, isolating a
sentence that makes the model fail, and the input order restored at the end.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fa2en.backends import Backend, BackendRequest, Decoding, Hypothesis, load_backend
from fa2en.batching import make_batches
from fa2en.devices import default_max_tokens, free_memory, is_oom, pick_device
from fa2en.families import Family
from fa2en.interfaces import Progress, Stats, Translation
from fa2en.loading import (
    ModelSource,
    family_of,
    load_config,
    load_tokenizer,
    max_positions,
    provenance,
    resolve,
)
from fa2en.normalize import DEFAULT as DEFAULT_NORMALIZER
from fa2en.normalize import Normalizer
from fa2en.presets import GenerationDefaults
from fa2en.units import SourceEncoder, Unit, join_units, make_units

log = logging.getLogger("fa2en")

#: How much longer a careful (repair) translation may be than the preset's output cap.
LONGER = 1.5

#: Input lengths are rounded up to a multiple of this before their output cap is computed, so that
#: inputs of nearby lengths share a cap (and a batch) without changing any result.
CAP_BUCKET = 16


class Translator:
    """Translate Persian sentences to English with a seq2seq model; see :meth:`load`."""

    def __init__(
        self,
        tokenizer: Any,
        backend: Backend,
        family: Family,
        *,
        source: ModelSource | None = None,
        generation: GenerationDefaults | None = None,
        max_tokens: int = 4096,
        max_batch_size: int = 64,
        normalizer: Normalizer | None = None,
        positions: int | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.backend = backend
        self.family = family
        self.source = source
        self.generation = generation or GenerationDefaults()
        self.max_tokens = max_tokens
        self.max_batch_size = max_batch_size
        self.inputs = SourceEncoder(tokenizer, family.source_prefix, normalizer)
        self.positions = positions or 10**9
        tokenizer_limit = getattr(tokenizer, "model_max_length", None) or 10**9
        self.max_input_tokens = min(
            self.generation.max_input_tokens,
            tokenizer_limit if tokenizer_limit < 10**6 else 10**9,
            self.positions,
        )
        self.stats = Stats()
        self.load_seconds = 0.0
        self.fingerprint = ""
        self.notes: list[str] = []

    @classmethod
    def load(
        cls,
        model: str | None = None,
        device: str = "auto",
        *,
        backend: str = "auto",
        dtype: str = "auto",
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        num_beams: int | None = None,
        max_tokens: int | None = None,
        max_batch_size: int = 64,
        normalizer: Normalizer | None = DEFAULT_NORMALIZER,
        threads: int = 0,
        **decoding: Any,
    ) -> Translator:
        """Load a model by preset name, hub id or path and return a ready translator.

        ``backend``: ``auto`` (CTranslate2 where it can run, else transformers: as on the command
        line), or a name from :data:`fa2en.backends.BACKENDS`. ``decoding``: further
        :class:`~fa2en.backends.Decoding` options (``do_sample``, ``length_penalty``, ...).
        ``max_tokens`` (padded source tokens per batch) defaults to what measured fastest.
        """
        t0 = time.perf_counter()
        source = resolve(model)
        dev = pick_device(device)
        preset = source.preset
        generation = preset.generation if preset else GenerationDefaults()
        tokenizer = load_tokenizer(source)
        config = load_config(source)
        family = family_of(source, tokenizer, config)
        forced = family.configure(
            tokenizer,
            src_lang or (preset.src_lang if preset else None),
            tgt_lang or (preset.tgt_lang if preset else None),
        )
        settings = Decoding(num_beams=num_beams or generation.num_beams, forced_bos_token_id=forced)
        settings = Decoding(**{**settings.__dict__, **decoding})
        request = BackendRequest(source, tokenizer, family, dev, dtype, settings, threads)
        chosen = load_backend(backend, request)
        translator = cls(
            tokenizer,
            chosen,
            family,
            source=source,
            generation=generation,
            max_tokens=max_tokens or default_max_tokens(chosen.name, dev),
            max_batch_size=max_batch_size,
            normalizer=normalizer,
            positions=max_positions(config),
        )
        translator.fingerprint = provenance(source, config)
        translator.load_seconds = time.perf_counter() - t0
        log.info(
            "loaded %s (%s) %s in %.1fs",
            source.name,
            family.name,
            chosen.describe(),
            translator.load_seconds,
        )
        return translator

    # -- the pipeline -------------------------------------------------------------------------

    def prepare(self, text: str) -> str:
        """The text the model sees for ``text`` (normalised)."""
        return self.inputs.prepare(text)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of ``texts`` with the family's prefix and special tokens, never truncated."""
        return self.inputs.encode(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source-token counts of ``texts`` as the model would see them."""
        return self.inputs.count(texts)

    def output_cap(self, src_len: int) -> int:
        """Tokens generated at most for an input of ``src_len`` tokens (``a * len + b``, capped).

        The length is first rounded up to a multiple of :data:`CAP_BUCKET`; the cap never exceeds
        the model's position table.
        """
        g = self.generation
        bucket = math.ceil(src_len / CAP_BUCKET) * CAP_BUCKET
        cap = min(g.max_new_tokens, math.ceil(g.max_length_a * bucket + g.max_length_b))
        return max(2, min(cap, self.positions - 1))

    def translate(self, sentences: Sequence[str], *, progress: Progress | None = None) -> list[str]:
        """English for each of ``sentences`` (same length and order; a failed sentence gives "")."""
        return [t.text for t in self.translate_detailed(sentences, progress=progress)]

    def translate_detailed(
        self, sentences: Sequence[str], *, progress: Progress | None = None, careful: bool = False
    ) -> list[Translation]:
        """Translate ``sentences``; each result carries its confidence, truncation and any error.

        Empty or whitespace-only strings come back empty; identical inputs are translated once.
        ``progress`` is called with the number of input sentences each finished batch completes.
        ``careful``: decode for a repair (:meth:`~fa2en.backends.Decoding.careful`, and outputs
        up to :data:`LONGER` times as long).
        """
        if careful:
            with self._careful():
                return self.translate_detailed(sentences, progress=progress)
        if isinstance(sentences, str) or not isinstance(sentences, Sequence):
            raise TypeError("translate() expects a list of strings, e.g. translate(['سلام'])")
        bad = [i for i, s in enumerate(sentences) if not isinstance(s, str)]
        if bad:
            raise TypeError(
                f"translate() expects strings; item {bad[0]} is {type(sentences[bad[0]]).__name__}"
            )
        prepared = [self.prepare(s) for s in sentences]
        counts = Counter(p for p in prepared if p)
        unique = list(counts)
        units = self._units(unique)
        weights = [counts[unique[u.text_index]] if u.first else 0 for u in units]
        results = self._run(units, progress, weights)
        result = {unique[i]: r for i, r in join_units(units, results).items()}
        self.stats.sentences += len(sentences)
        self.stats.failed += sum(1 for r in result.values() if r.error)
        return [result[p] if p else Translation("") for p in prepared]

    @contextmanager
    def _careful(self) -> Iterator[None]:
        """Decode carefully inside the block (:meth:`~fa2en.backends.Decoding.careful`)."""
        decoding, generation = self.backend.decoding, self.generation
        self.backend.decoding, self.generation = decoding.careful(), generation.longer(LONGER)
        try:
            yield
        finally:
            self.backend.decoding, self.generation = decoding, generation

    def score(self, sources: Sequence[str], hypotheses: Sequence[str]) -> list[float | None]:
        """Mean log-probability per token of each hypothesis given its source (forced decoding).

        None for a pair the model cannot take (a source over its input limit, a hypothesis over its
        position table) or a batch it fails on (logged): one bad line never stops the others.
        """
        src_ids = self.encode([self.prepare(s) for s in sources])
        # content tokens only: the backend adds the forced language token and end-of-sentence
        tgt = self.tokenizer(text_target=list(hypotheses), add_special_tokens=False)["input_ids"]
        fits = [
            i
            for i, (s, t) in enumerate(zip(src_ids, tgt, strict=True))
            if len(s) <= self.max_input_tokens and len(t) + 2 <= self.positions
        ]
        scores: list[float | None] = [None] * len(src_ids)
        lengths = [len(src_ids[i]) for i in fits]
        for batch in make_batches(lengths, self.max_tokens, self.max_batch_size):
            rows = [fits[k] for k in batch]
            try:
                values = self.backend.score([src_ids[i] for i in rows], [tgt[i] for i in rows])
            except Exception as exc:  # noqa: BLE001 - those lines stay unscored, the rest go on
                log.warning("%d line(s) could not be scored: %s", len(rows), exc)
                continue
            for i, value in zip(rows, values, strict=True):
                scores[i] = value
        return scores

    def _units(self, unique: list[str]) -> list[Unit]:
        """What to generate: each text whole, or split at clauses when over the input limit."""
        return make_units(unique, self.encode, self.max_input_tokens)

    def _run(
        self, units: list[Unit], progress: Progress | None, weights: list[int]
    ) -> list[Translation]:
        """Generate every unit in batches of one output cap each; return results in unit order."""
        results = [Translation("", error=u.error) for u in units]
        todo = [i for i, u in enumerate(units) if u.error is None]
        lengths = [len(units[i].ids) for i in todo]
        caps = [self.output_cap(n) for n in lengths]
        for batch in make_batches(lengths, self.max_tokens, self.max_batch_size, caps):
            members = [todo[k] for k in batch]
            cap = caps[batch[0]]
            for i, outcome in self._generate_safely(members, [units[i].ids for i in members], cap):
                results[i] = self._decode(outcome, cap)
            self.stats.batches += 1
            self.stats.src_tokens += sum(lengths[k] for k in batch)
            if progress:
                progress(sum(weights[i] for i in members))
        if progress and len(todo) < len(units):
            progress(sum(weights[i] for i, u in enumerate(units) if u.error))
        return results

    def _decode(self, outcome: Hypothesis | str, cap: int) -> Translation:
        """A unit's :class:`Translation` from its hypothesis (or the error that stopped it).

        Every backend's output is held to the same content length: the cap less a slot for the
        end-of-sentence token and one for the forced language token, so backends agree at the cap.
        """
        if isinstance(outcome, str):
            return Translation("", error=outcome)
        room = cap - 1 - (self.backend.decoding.forced_bos_token_id is not None)
        ids = outcome.ids[:room]
        self.stats.out_tokens += len(ids)
        text = self.tokenizer.decode(ids, skip_special_tokens=True)
        return Translation(text, outcome.confidence, truncated=len(outcome.ids) >= room)

    def _generate_safely(
        self, members: list[int], batch: list[list[int]], cap: int
    ) -> list[tuple[int, Hypothesis | str]]:
        """Generate ``batch``; halve it on out-of-memory; on another error, find the culprit(s).

        A batch that fails for a reason other than memory is bisected until the sentences that
        fail alone are found: they get the error message, every other sentence is translated.
        """
        try:
            return list(zip(members, self.backend.generate(batch, cap), strict=True))
        except Exception as exc:  # noqa: BLE001 - a model error must not stop the other sentences
            if len(batch) == 1:
                if is_oom(exc):
                    free_memory()
                reason = (
                    f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                )
                log.warning("a sentence could not be translated: %s", reason)
                return [(members[0], reason)]
            half = len(batch) // 2
            if is_oom(exc):
                free_memory()
                self.stats.oom_splits += 1
                log.warning(
                    "out of memory on a batch of %d; retrying as %d + %d",
                    len(batch),
                    half,
                    len(batch) - half,
                )
            return self._generate_safely(members[:half], batch[:half], cap) + self._generate_safely(
                members[half:], batch[half:], cap
            )

    def describe(self) -> dict[str, Any]:
        """Model, checkpoint fingerprint, family, engine, device and precision."""
        return {
            "model": self.source.name if self.source else "?",
            "location": self.source.location if self.source else "?",
            "fingerprint": self.fingerprint,
            "family": self.family.name,
            **self.backend.describe(),
            "num_beams": self.backend.decoding.num_beams,
        }

    def close(self) -> None:
        """Nothing to release for an in-process model (the interface asks for it)."""
