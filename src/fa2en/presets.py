"""Model presets: one YAML file per model, read into :class:`Preset`.

The presets that ship with fa2en are package data (``fa2en/configs/models/*.yaml``, also reachable as
``configs/models/`` in a checkout). A user's own presets folders add to them: ``FA2EN_PRESETS``
(folders separated by ``:``) or ``fa2en --presets DIR``; a user preset replaces a shipped one of the
same name.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fa2en.errors import ConfigError

DEFAULT_MODEL = "nllb-200-distilled-600M"
PRESETS_ENV = "FA2EN_PRESETS"


@dataclass(frozen=True)
class GenerationDefaults:
    """A preset's decoding defaults: beams and length limits (output cap = a * input tokens + b)."""

    num_beams: int = 4
    max_input_tokens: int = 512
    max_length_a: float = 2.0
    max_length_b: int = 16
    max_new_tokens: int = 512

    def longer(self, factor: float) -> GenerationDefaults:
        """The same limits with room for outputs ``factor`` times as long."""
        return replace(
            self,
            max_length_a=self.max_length_a * factor,
            max_length_b=math.ceil(self.max_length_b * factor),
            max_new_tokens=math.ceil(self.max_new_tokens * factor),
        )


#: Licence identifiers that forbid commercial use (CC "NC" variants and explicit wording).
NON_COMMERCIAL = re.compile(r"\bNC\b|non-?commercial", re.IGNORECASE)


@dataclass(frozen=True)
class PublishedScore:
    """A score published for a preset's model on one test set, with where it was published."""

    testset: str
    # the dicts are left out of the hash, so presets stay hashable
    scores: dict[str, float] = field(hash=False)
    source: str
    #: metric -> the sacrebleu signature the figure was computed with, where the source gives it
    signatures: dict[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def from_dict(cls, data: Any, origin: str) -> PublishedScore:
        """Build one ``published:`` entry (test set, scores, source, optional signatures)."""
        if not isinstance(data, dict):
            raise ConfigError(f"{origin}: each published entry must be a mapping")
        try:
            entry = cls(**data)
        except TypeError as exc:
            raise ConfigError(f"{origin}: published entry: {exc}") from exc
        if not entry.source.strip() or not entry.scores:
            raise ConfigError(f"{origin}: a published entry needs scores and a source")
        return entry


@dataclass(frozen=True)
class Preset:
    """A model a user can pick by name: where it lives, its family and language codes."""

    name: str
    hub_id: str
    family: str
    src_lang: str | None = None
    tgt_lang: str | None = None
    params: str = ""
    disk: str = ""
    licence: str = ""
    note: str = ""
    trust_remote_code: bool = False
    generation: GenerationDefaults = field(default_factory=GenerationDefaults)
    published: tuple[PublishedScore, ...] = ()

    @property
    def non_commercial(self) -> bool:
        """True when the model's licence forbids commercial use."""
        return bool(NON_COMMERCIAL.search(self.licence))

    def published_for(self, testset: str) -> PublishedScore | None:
        """The published score on ``testset``, if this preset carries one."""
        return next((p for p in self.published if p.testset == testset), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "preset") -> Preset:
        """Build a preset from a parsed YAML mapping (unknown keys are an error naming ``origin``)."""
        if not isinstance(data, dict):
            raise ConfigError(f"{origin}: a preset must be a YAML mapping")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"{origin}: unknown preset key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        data = dict(data)
        try:
            data["generation"] = GenerationDefaults(**(data.get("generation") or {}))
            data["published"] = tuple(
                PublishedScore.from_dict(p, origin) for p in data.get("published") or ()
            )
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(f"{origin}: {exc}") from exc


def config_dir() -> Path:
    """The packaged ``configs/`` folder: job defaults, job configs, test sets, presets."""
    return Path(str(resources.files("fa2en") / "configs"))


def checkout_root() -> Path | None:
    """The source checkout fa2en runs from (``pyproject.toml`` beside ``src/``), else ``None``."""
    root = Path(__file__).resolve().parents[2]
    return (
        root if (root / "pyproject.toml").is_file() and (root / "src" / "fa2en").is_dir() else None
    )


def models_dir() -> Path:
    """Where local checkpoints live: ``FA2EN_MODELS``, else the checkout's or the current ``models/``."""
    env = os.environ.get("FA2EN_MODELS")
    if env:
        return Path(env)
    root = checkout_root()
    return (root or Path.cwd()) / "models"


def preset_dirs() -> list[Path]:
    """Folders presets are read from: the packaged ones, then the user's (later ones win)."""
    user = [Path(p) for p in os.environ.get(PRESETS_ENV, "").split(os.pathsep) if p]
    missing = [p for p in user if not p.is_dir()]
    if missing:
        raise ConfigError(
            f"presets folder not found: {missing[0]} (from {PRESETS_ENV} or --presets)"
        )
    return [config_dir() / "models", *user]


@cache
def _load(folders: tuple[Path, ...]) -> dict[str, Preset]:
    presets: dict[str, Preset] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
            preset = Preset.from_dict(data, str(path))
            presets[preset.name] = preset
    return presets


def load_presets() -> dict[str, Preset]:
    """All presets, by name (packaged, then the user's folders)."""
    return _load(tuple(preset_dirs()))


def get_preset(name: str) -> Preset | None:
    """The preset called ``name`` (or whose hub id is ``name``), else ``None``."""
    presets = load_presets()
    if name in presets:
        return presets[name]
    return next((p for p in presets.values() if p.hub_id == name), None)


def licence_notice(preset: Preset) -> str | None:
    """One notice line when ``preset``'s licence forbids commercial use, else ``None``."""
    if not preset.non_commercial:
        return None
    return f"notice: {preset.name} is licensed {preset.licence} (non-commercial use only)"
