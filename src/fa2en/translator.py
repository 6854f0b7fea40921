"""``Translator``: one object, a list of Persian sentences in, their English translations out.

Inside: normalisation, de-duplication, splitting of over-long inputs at clause boundaries,
length-sorted batches under a token budget, output limits derived from each batch's input length,
halving a batch on out-of-memory, and the input order restored at the end.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fa2en.backends import Backend, GenerationOptions
from fa2en.batching import join_pieces, make_batches, split_long
from fa2en.errors import Fa2enError, ModelNotFoundError
from fa2en.families import Family
from fa2en.loading import ModelSource, load_model, resolve
from fa2en.normalize import DEFAULT as DEFAULT_NORMALIZER
from fa2en.normalize import Normalizer
from fa2en.presets import GenerationDefaults as Generation

log = logging.getLogger("fa2en")


@dataclass
class Stats:
    """Running totals of the work a translator did."""

    sentences: int = 0
    unique: int = 0
    pieces: int = 0
    batches: int = 0
    src_tokens: int = 0
    out_tokens: int = 0
    oom_splits: int = 0
    seconds: float = 0.0
    split_inputs: list[int] = field(default_factory=list)


def _is_oom(exc: BaseException) -> bool:
    import torch

    oom = getattr(torch, "OutOfMemoryError", None) or torch.cuda.OutOfMemoryError
    return isinstance(exc, oom) or "out of memory" in str(exc).lower()


def default_max_tokens(backend: str, device: str) -> int:
    """Token budget per batch that measured fastest (``scripts/benchmark.py``) for backend and device."""
    if device.startswith("cuda"):
        return 16384
    return 1024 if backend == "ctranslate2" else 2048


class _Piece(NamedTuple):
    """A unit of generation: a whole input, or a clause group of an over-long one."""

    ids: list[int]
    source: int  # index of the unique input text it belongs to
    sep: str  # the separator that followed it in the source ("" for a whole text)
    first: bool  # the first piece of its text (progress counts each text once)


class Translator:
    """Translate Persian sentences to English with a seq2seq model; see :meth:`load`."""

    def __init__(
        self,
        tokenizer: Any,
        backend: Backend,
        family: Family,
        *,
        source: ModelSource | None = None,
        generation: Generation | None = None,
        max_tokens: int = 4096,
        max_batch_size: int = 64,
        normalizer: Normalizer | None = DEFAULT_NORMALIZER,
        max_input_tokens: int | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.backend = backend
        self.family = family
        self.source = source
        self.generation = generation or Generation()
        self.max_tokens = max_tokens
        self.max_batch_size = max_batch_size
        self.normalizer = normalizer
        model_limit = getattr(tokenizer, "model_max_length", None) or 10**9
        if model_limit > 10**6:
            model_limit = 10**9
        self.max_input_tokens = min(
            max_input_tokens or self.generation.max_input_tokens, model_limit
        )
        self.stats = Stats()
        self.load_seconds = 0.0

    @classmethod
    def load(
        cls,
        model: str | None = None,
        device: str = "auto",
        *,
        dtype: str = "auto",
        backend: str = "transformers",
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        num_beams: int | None = None,
        max_tokens: int | None = None,
        max_batch_size: int = 64,
        normalize: Normalizer | bool = True,
        max_input_tokens: int | None = None,
        **options: Any,
    ) -> Translator:
        """Load a model by preset name, hub id or path and return a ready translator.

        ``options`` are decoding options (``do_sample``, ``top_p``, ``length_penalty``, ...) passed
        to every backend; ``backend`` is ``transformers`` (the reference, the library's default),
        ``ctranslate2`` or ``auto`` (CTranslate2 where it can run: the command line's default).
        ``max_tokens`` (padded source tokens per batch) defaults to what measured fastest for the
        backend and device (:func:`default_max_tokens`).
        """
        from fa2en.backends.hf import TransformersBackend, pick_device, pick_dtype
        from fa2en.backends.select import choose_backend

        t0 = time.perf_counter()
        src = resolve(model)
        generation = src.preset.generation if src.preset else Generation()
        src_lang = src_lang or (src.preset.src_lang if src.preset else None)
        tgt_lang = tgt_lang or (src.preset.tgt_lang if src.preset else None)
        dev = pick_device(device)
        engine = choose_backend(backend, src, dev)
        ct2_options = options.pop("ct2", {})
        if engine == "ctranslate2":
            from fa2en.backends.ct2 import load_ct2

            try:
                tokenizer, gen_backend, family = load_ct2(src, dev, dtype, **ct2_options)
            except Fa2enError as exc:
                if backend == "ctranslate2" or isinstance(exc, ModelNotFoundError):
                    raise
                log.warning("notice: using the transformers backend because %s", exc)
                engine = "transformers"
        if engine == "transformers":
            tokenizer, hf_model, family = load_model(src, dev, pick_dtype(dtype, dev))
        forced = family.configure(tokenizer, src_lang, tgt_lang)
        opts = GenerationOptions(
            num_beams=num_beams or generation.num_beams,
            forced_bos_token_id=forced,
            **{k: v for k, v in options.items() if k in GenerationOptions.__dataclass_fields__},
            extra={
                k: v for k, v in options.items() if k not in GenerationOptions.__dataclass_fields__
            },
        )
        if engine == "ctranslate2":
            gen_backend.options = opts
        else:
            gen_backend = TransformersBackend(hf_model, tokenizer.pad_token_id, opts)
        normalizer = Normalizer() if normalize is True else (normalize or None)
        max_tokens = max_tokens or default_max_tokens(engine, dev)
        translator = cls(
            tokenizer,
            gen_backend,
            family,
            source=src,
            generation=generation,
            max_tokens=max_tokens,
            max_batch_size=max_batch_size,
            normalizer=normalizer,
            max_input_tokens=max_input_tokens,
        )
        translator.load_seconds = time.perf_counter() - t0
        log.info(
            "loaded %s (%s) %s in %.1fs",
            src.name,
            family.name,
            gen_backend.describe(),
            translator.load_seconds,
        )
        return translator

    # -- the pipeline -------------------------------------------------------------------------

    def prepare(self, text: str) -> str:
        """The text the model sees for ``text`` (normalised)."""
        return self.normalizer(text) if self.normalizer else " ".join(text.split())

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of ``texts`` with the family's special tokens, never truncated."""
        if not texts:
            return []
        return list(
            self.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source-token counts of ``texts`` as the model would see them."""
        return [len(ids) for ids in self.encode([self.prepare(t) for t in texts])]

    def max_new_tokens(self, src_len: int) -> int:
        """The output limit for inputs of ``src_len`` tokens (``a * len + b``, capped)."""
        g = self.generation
        return max(1, min(g.max_new_tokens, math.ceil(g.max_length_a * src_len + g.max_length_b)))

    def translate(
        self, sentences: Sequence[str], *, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Translate ``sentences``; the result has the same length and order.

        Empty or whitespace-only strings come back empty; identical inputs are translated once.
        ``progress`` is called with the number of input sentences each finished batch completes.
        """
        if isinstance(sentences, str) or not isinstance(sentences, Sequence):
            raise TypeError("translate() expects a list of strings, e.g. translate(['سلام'])")
        bad = [i for i, s in enumerate(sentences) if not isinstance(s, str)]
        if bad:
            raise TypeError(
                f"translate() expects strings; item {bad[0]} is {type(sentences[bad[0]]).__name__}"
            )
        t0 = time.perf_counter()
        prepared = [self.prepare(s) for s in sentences]
        counts = Counter(p for p in prepared if p)
        unique = list(counts)
        pieces = self._pieces(unique)
        outputs = self._run(
            pieces, progress, [counts[unique[p.source]] if p.first else 0 for p in pieces]
        )
        texts: dict[int, list[str]] = defaultdict(list)
        seps: dict[int, list[str]] = defaultdict(list)
        for piece, text in zip(pieces, outputs, strict=True):
            texts[piece.source].append(text)
            seps[piece.source].append(piece.sep)
        result = {unique[u]: join_pieces(texts[u], seps[u]) for u in texts}
        self.stats.sentences += len(sentences)
        self.stats.unique += len(unique)
        self.stats.seconds += time.perf_counter() - t0
        return [result[p] if p else "" for p in prepared]

    def _pieces(self, unique: list[str]) -> list[_Piece]:
        """What to generate: each text whole, or split at clauses when it is over the input limit."""
        pieces: list[_Piece] = []
        for u, (text, ids) in enumerate(zip(unique, self.encode(unique), strict=True)):
            if len(ids) <= self.max_input_tokens:
                pieces.append(_Piece(ids, u, "", True))
                continue
            parts = split_long(text, lambda t: len(self.encode([t])[0]), self.max_input_tokens)
            self.stats.split_inputs.append(len(ids))
            log.info(
                "input of %d tokens split into %d pieces (limit %d)",
                len(ids),
                len(parts),
                self.max_input_tokens,
            )
            for k, (part_ids, (_, sep)) in enumerate(
                zip(self.encode([p for p, _ in parts]), parts, strict=True)
            ):
                if len(part_ids) > self.max_input_tokens:
                    log.warning(
                        "a %d-token run without spaces or clauses is cut to %d tokens",
                        len(part_ids),
                        self.max_input_tokens,
                    )
                    part_ids = part_ids[: self.max_input_tokens - 1] + part_ids[-1:]
                pieces.append(_Piece(part_ids, u, sep, k == 0))
        return pieces

    def _run(
        self, pieces: list[_Piece], progress: Callable[[int], None] | None, weights: list[int]
    ) -> list[str]:
        """Generate every piece in length-sorted batches; return the texts in piece order.

        ``weights``: how many input sentences each piece completes, for ``progress``.
        """
        ids = [p.ids for p in pieces]
        outputs: list[str] = [""] * len(pieces)
        forced = getattr(getattr(self.backend, "options", None), "forced_bos_token_id", None)
        for batch in make_batches([len(x) for x in ids], self.max_tokens, self.max_batch_size):
            for i, out_ids in self._generate_safely(batch, ids):
                if out_ids and out_ids[0] == forced:
                    out_ids = out_ids[1:]
                outputs[i] = self.tokenizer.decode(out_ids, skip_special_tokens=True)
                self.stats.out_tokens += len(out_ids)
            self.stats.batches += 1
            self.stats.pieces += len(batch)
            self.stats.src_tokens += sum(len(ids[i]) for i in batch)
            if progress:
                progress(sum(weights[i] for i in batch))
        return outputs

    def _generate_safely(
        self, batch: list[int], pieces: list[list[int]]
    ) -> list[tuple[int, list[int]]]:
        """Generate ``batch``; on out-of-memory, halve it and retry each half."""
        try:
            src = [pieces[i] for i in batch]
            outs = self.backend.generate(src, self.max_new_tokens(max(len(s) for s in src)))
            # each output obeys its own input's limit, so batch-mates never change a result
            eos_slot = 1 if getattr(self.backend, "forces_eos_at_limit", False) else 0
            return [
                (
                    i,
                    out
                    if len(out) < (cap := self.max_new_tokens(len(s)))
                    else out[: cap - eos_slot],
                )
                for i, s, out in zip(batch, src, outs, strict=True)
            ]
        except RuntimeError as exc:
            if not _is_oom(exc) or len(batch) == 1:
                raise
            self._free_memory()
            self.stats.oom_splits += 1
            half = len(batch) // 2
            log.warning(
                "out of memory on a batch of %d; retrying as %d + %d",
                len(batch),
                half,
                len(batch) - half,
            )
            return self._generate_safely(batch[:half], pieces) + self._generate_safely(
                batch[half:], pieces
            )

    @staticmethod
    def _free_memory() -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def describe(self) -> dict[str, Any]:
        """Model, family, engine, device and precision, for logs, manifests and reports."""
        return {
            "model": self.source.name if self.source else "?",
            "location": self.source.location if self.source else "?",
            "family": self.family.name,
            **self.backend.describe(),
            "num_beams": getattr(getattr(self.backend, "options", None), "num_beams", None),
        }
