"""Units of generation: each input text whole, or the clause groups of one that is too long.

A text over the model's input limit is split at clause separators (else in word windows,
:func:`fa2en.batching.split_long`); each piece is generated on its own and the English pieces are
joined back with the separators written the English way. A piece that still does not fit (a run
with no space or clause break) cannot be generated: it carries the reason instead.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from fa2en.batching import join_pieces, split_long
from fa2en.interfaces import Translation

log = logging.getLogger("fa2en")


def prepare_text(text: str, normalizer: Callable[[str], str] | None) -> str:
    """The text a model sees for ``text``: normalised, or only its spaces folded."""
    return normalizer(text) if normalizer else " ".join(text.split())


@dataclass(frozen=True)
class SourceEncoder:
    """How a sentence becomes model input: normalised, the family's prefix, the tokenizer's ids."""

    tokenizer: Any
    prefix: str = ""
    normalizer: Callable[[str], str] | None = None

    def prepare(self, text: str) -> str:
        """The text the model sees for ``text`` (normalised, or only its spaces folded)."""
        return prepare_text(text, self.normalizer)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of already prepared ``texts``, with prefix and special tokens, never cut."""
        if not texts:
            return []
        prefixed = [self.prefix + t for t in texts]
        return list(
            self.tokenizer(prefixed, add_special_tokens=True, truncation=False)["input_ids"]
        )

    def count(self, texts: Sequence[str]) -> list[int]:
        """Source-token counts of raw ``texts`` as the model would see them."""
        return [len(ids) for ids in self.encode([self.prepare(t) for t in texts])]


class Unit(NamedTuple):
    """A unit of generation: a whole input text, or a clause group of an over-long one."""

    ids: list[int]
    text_index: int  # which input text it belongs to
    sep: str  # the separator that followed it in the source ("" for a whole text)
    first: bool  # the first unit of its text (progress counts each text once)
    error: str | None = None  # why it cannot be generated at all


def make_units(
    texts: Sequence[str], encode: Callable[[Sequence[str]], list[list[int]]], limit: int
) -> list[Unit]:
    """The units of ``texts``: whole where within ``limit`` tokens, else split (see the module)."""
    units: list[Unit] = []
    for u, (text, ids) in enumerate(zip(texts, encode(texts), strict=True)):
        if len(ids) <= limit:
            units.append(Unit(ids, u, "", True))
            continue
        parts = split_long(text, lambda t: len(encode([t])[0]), limit)
        log.info("input of %d tokens split into %d pieces (limit %d)", len(ids), len(parts), limit)
        encoded = encode([p for p, _ in parts])
        for k, (part_ids, (_, sep)) in enumerate(zip(encoded, parts, strict=True)):
            error = None
            if len(part_ids) > limit:
                error = (
                    f"a run of {len(part_ids)} tokens without spaces or clause breaks is longer "
                    f"than the model takes ({limit} tokens)"
                )
            units.append(Unit(part_ids, u, sep, k == 0, error))
    return units


def join_translations(parts: Sequence[Translation], separators: Sequence[str]) -> Translation:
    """One translation from those of a text's pieces: joined text, lowest confidence, any error."""
    errors = [p.error for p in parts if p.error]
    if errors:
        return Translation("", error=errors[0])
    scores = [p.confidence for p in parts if p.confidence is not None]
    return Translation(
        join_pieces([p.text for p in parts], list(separators)),
        min(scores) if scores else None,
        any(p.truncated for p in parts),
    )


def join_units(units: Sequence[Unit], results: Sequence[Translation]) -> dict[int, Translation]:
    """One :class:`Translation` per input text (by index) from the results of its units."""
    parts: dict[int, list[tuple[Unit, Translation]]] = defaultdict(list)
    for unit, r in zip(units, results, strict=True):
        parts[unit.text_index].append((unit, r))
    return {
        index: join_translations([r for _, r in pairs], [u.sep for u, _ in pairs])
        for index, pairs in parts.items()
    }
