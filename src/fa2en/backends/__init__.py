"""Generation backends: one batch-in, batch-out contract over different inference engines.

A backend turns a batch of tokenised sources into output token ids with their confidence. The
:class:`~fa2en.translator.Translator` owns tokenisation, sorting, batching, length caps and order;
a backend only generates (and scores given outputs, for ``fa2en qa --model``).

Backends are one registry, :data:`BACKENDS`: adding an engine is one module with a loader and one
:func:`register_backend` entry (see ``hf.py`` and ``ct2.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol

from fa2en.errors import ConfigError, Fa2enError, ModelNotFoundError
from fa2en.families import Family
from fa2en.loading import ModelSource

log = logging.getLogger("fa2en")


@dataclass(frozen=True)
class Decoding:
    """Decoding options every backend honours."""

    num_beams: int = 4
    do_sample: bool = False
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0
    #: the target-language token forced first (NLLB, M2M100, mBART-50); None for plain-text families
    forced_bos_token_id: int | None = None
    #: further ``generate`` keyword arguments (transformers backend only)
    extra: dict[str, Any] = field(default_factory=dict)

    def careful(self) -> Decoding:
        """Decoding for a repair: at least 4 beams, no repeated trigram, a repetition penalty."""
        return replace(
            self, num_beams=max(4, self.num_beams), no_repeat_ngram_size=3, repetition_penalty=1.2
        )


class Hypothesis(NamedTuple):
    """A generated output: its tokens and how sure the model was of them."""

    #: output token ids without the start, forced language and end-of-sentence tokens
    ids: list[int]
    #: mean log-probability per generated token (the end-of-sentence token included)
    confidence: float | None


class Backend(Protocol):
    """Generates output token ids for batches of source token ids."""

    name: str
    device: str
    decoding: Decoding

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[Hypothesis]:
        """One hypothesis per source in ``batch``, at most ``max_new_tokens`` generated tokens."""
        ...

    def score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        """Mean log-probability per token of each target (plus end-of-sentence) given its source."""
        ...

    def describe(self) -> dict[str, Any]:
        """Engine, device and precision details for logs, manifests and reports."""
        ...


@dataclass(frozen=True)
class BackendRequest:
    """Everything a backend loader is given."""

    source: ModelSource
    tokenizer: Any
    family: Family
    device: str
    dtype: str
    decoding: Decoding
    threads: int = 0


@dataclass(frozen=True)
class BackendSpec:
    """A registered backend: its loader and what it can run."""

    name: str
    load: Callable[[BackendRequest], Backend]
    #: why it cannot run this request (package missing, family or device unsupported), or None
    unusable: Callable[[BackendRequest], str | None] = lambda request: None


#: Every backend, by name; ``auto`` tries them in order (the first usable one wins).
BACKENDS: dict[str, BackendSpec] = {}


def register_backend(spec: BackendSpec) -> BackendSpec:
    """Add a backend (``auto`` tries backends in the order they were registered)."""
    BACKENDS[spec.name] = spec
    return spec


def backend_names() -> list[str]:
    """``auto`` and every registered backend (for ``--backend`` choices)."""
    _register_builtin()
    return ["auto", *BACKENDS]


def load_backend(requested: str, request: BackendRequest) -> Backend:
    """Load the backend ``requested`` (a name or ``auto``: the first usable one, with a notice)."""
    _register_builtin()
    if requested != "auto" and requested not in BACKENDS:
        raise ConfigError(
            f"--backend: unknown backend {requested!r}; choose from {', '.join(backend_names())}"
        )
    names = list(BACKENDS) if requested == "auto" else [requested]
    for name in names:
        spec = BACKENDS[name]
        why = spec.unusable(request)
        if why is None:
            try:
                return spec.load(request)
            except ModelNotFoundError:
                raise
            except Fa2enError as exc:
                why = str(exc)
                if requested != "auto":
                    raise
        if requested != "auto":
            raise ConfigError(f"--backend {name} cannot be used: {why}")
        if name != names[-1]:
            log.warning("notice: not using the %s backend because %s", name, why)
    raise Fa2enError(f"no backend can run {request.source.name} on {request.device}")


def _register_builtin() -> None:
    """Register the built-in backends once (their modules import heavy libraries lazily)."""
    if "transformers" not in BACKENDS:
        from fa2en.backends import ct2, hf

        register_backend(ct2.SPEC)
        register_backend(hf.SPEC)
