"""Model presets: one YAML file per model under ``configs/models/``, read into :class:`Preset`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_MODEL = "nllb-200-distilled-600M"


@dataclass(frozen=True)
class Generation:
    """Generation defaults: beams and length limits (output length = a * input tokens + b)."""

    num_beams: int = 4
    max_input_tokens: int = 512
    max_length_a: float = 2.0
    max_length_b: int = 16
    max_new_tokens: int = 512


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
    trust_remote_code: bool = False
    generation: Generation = field(default_factory=Generation)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preset:
        """Build a preset from a parsed YAML mapping."""
        data = dict(data)
        data["generation"] = Generation(**(data.get("generation") or {}))
        return cls(**data)


def project_root() -> Path:
    """The project folder (holding ``configs/`` and ``models/``); ``FA2EN_HOME`` overrides it."""
    env = os.environ.get("FA2EN_HOME")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def config_dir() -> Path:
    """The ``configs/`` folder."""
    return project_root() / "configs"


def models_dir() -> Path:
    """The ``models/`` folder where local checkpoints live; ``FA2EN_MODELS`` overrides it."""
    env = os.environ.get("FA2EN_MODELS")
    return Path(env) if env else project_root() / "models"


@cache
def load_presets(folder: Path | None = None) -> dict[str, Preset]:
    """All presets in ``configs/models/``, by name."""
    folder = folder or config_dir() / "models"
    presets = {}
    for path in sorted(folder.glob("*.yaml")):
        preset = Preset.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
        presets[preset.name] = preset
    return presets


def get_preset(name: str) -> Preset | None:
    """The preset called ``name`` (or whose hub id is ``name``), else ``None``."""
    presets = load_presets()
    if name in presets:
        return presets[name]
    return next((p for p in presets.values() if p.hub_id == name), None)
