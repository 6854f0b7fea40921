"""Generation backends: the same batch-in, batch-out contract over different inference engines.

A backend turns a batch of tokenised sources into output token ids. The :class:`~fa2en.Translator`
owns tokenisation, sorting, batching and order; a backend only generates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding options shared by all backends."""

    num_beams: int = 4
    do_sample: bool = False
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0
    forced_bos_token_id: int | None = None
    #: benchmarks with random weights: always generate up to the length limit (equal work)
    force_length: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    """Generates output token ids for a batch of source token ids."""

    name: str
    device: str

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        """Output ids (without padding) for each source in ``batch``."""
        ...

    def describe(self) -> dict[str, Any]:
        """Device, precision and engine details for logs and reports."""
        ...
