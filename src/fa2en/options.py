"""The options of a translation job: one schema, merged from three layers, validated once.

Layers, later ones winning: the packaged ``configs/defaults.yaml`` < a ``--config`` YAML file < the
command line. Every value is checked against :data:`RULES` before any work starts, and a bad one
is a :class:`~fa2en.errors.ConfigError` naming the option (and the file it came from) and the
allowed values, whether it was typed on the command line or written in a YAML file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from fa2en.errors import ConfigError
from fa2en.facts.base import DatePolicy
from fa2en.normalize import DIGIT_MODES, DigitsOption, Normalizer
from fa2en.presets import config_dir

#: Where work runs: ``local`` (this machine: one process or a worker pool) or ``ray`` (a cluster).
ENGINES = ("local", "ray")


@dataclass
class JobOptions:
    """Everything ``fa2en translate`` can be told; defaults come from ``configs/defaults.yaml``."""

    model: str | None = None
    device: str = "auto"
    backend: str = "auto"
    dtype: str = "auto"
    beams: int | None = None
    max_tokens: int | None = None
    batch_size: int = 64
    normalize: bool = True
    digits: DigitsOption = "ascii"
    remove_diacritics: bool = False
    format: str | None = None
    fields: list[str] = field(default_factory=lambda: ["text"])
    column: str = "text"
    wrapped: bool | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    overwrite: bool = False
    dry_run: bool = False
    quiet: bool = False
    wave_sentences: int = 20000
    threads: int = 0
    devices: str | None = None
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    gpus_per_actor: float = 0.0
    review: bool = True
    repair: bool = True
    quality_config: str | None = None
    fallback_model: str | None = None
    reverse_model: str | None = None
    facts: bool = True
    dates: DatePolicy = "gregorian"
    year: int | None = None
    glossary: str | None = None
    date_field: str | None = None

    def normalizer(self) -> Normalizer | None:
        """The normaliser these options ask for (``None``: ``--normalize false``)."""
        if not self.normalize:
            return None
        return Normalizer(digits=self.digits, remove_diacritics=self.remove_diacritics)

    def signature(self, fmt: str) -> str:
        """What an output depends on among the options: model, decoding, normalisation, format."""
        keep: dict[str, Any] = {
            k: getattr(self, k)
            for k in (
                "model",
                "beams",
                "normalize",
                "digits",
                "remove_diacritics",
                "wrapped",
                "review",
                "repair",
                "fallback_model",
                "reverse_model",
                "facts",
                "dates",
                "year",
                "date_field",
            )
        }
        keep["glossary"] = _file_hash(self.glossary) if self.facts else None
        keep["quality_config"] = _file_hash(self.quality_config) if self.review else None
        keep |= {
            "format": fmt,
            "fields": self.fields if fmt == "jsonl" else None,
            "column": self.column if fmt == "tsv" else None,
        }
        return json.dumps(keep, sort_keys=True)


def _file_hash(path: str | None) -> str | None:
    """The SHA-256 of a file's content (an output depends on what the file says, not its name)."""
    if path is None:
        return None
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return f"unreadable:{path}"


# -- rules: each returns None for a good value, else what is allowed ---------------------------


def _int(low: int, optional: bool = False) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if optional and v is None:
            return None
        ok = isinstance(v, int) and not isinstance(v, bool) and v >= low
        return None if ok else f"a whole number >= {low}" + (" or null" if optional else "")

    return check


def _choice(
    values: Callable[[], list[str]] | tuple[str, ...], optional: bool = False
) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        allowed = list(values() if callable(values) else values)
        if (optional and v is None) or v in allowed:
            return None
        return "one of " + ", ".join(allowed) + (" (or null)" if optional else "")

    return check


def _of(
    kind: type | tuple[type, ...], text: str, optional: bool = False
) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if optional and v is None:
            return None
        ok = isinstance(v, kind) and not (kind is not bool and isinstance(v, bool))
        return None if ok else text

    return check


def _strings(v: Any) -> str | None:
    ok = isinstance(v, list) and all(isinstance(x, str) and x for x in v)
    return None if ok else "a list of non-empty strings"


def _non_negative(v: Any) -> str | None:
    ok = isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
    return None if ok else "a number >= 0"


def _device(v: Any) -> str | None:
    from fa2en.devices import DEVICE_PATTERN

    ok = isinstance(v, str) and DEVICE_PATTERN.fullmatch(v)
    return None if ok else "auto, cpu, cuda, cuda:N or mps"


def _backends() -> list[str]:
    from fa2en.backends import backend_names

    return backend_names()


def _precisions() -> list[str]:
    from fa2en.backends.ct2 import COMPUTE_TYPES
    from fa2en.backends.hf import PRECISIONS

    return ["auto", *dict.fromkeys([*PRECISIONS, *COMPUTE_TYPES])]


def _formats() -> list[str]:
    from fa2en.formats import format_names

    return list(format_names())


def _date_policies() -> list[str]:
    from fa2en.facts import DATE_POLICIES

    return list(DATE_POLICIES)


#: One rule per option.
RULES: dict[str, Callable[[Any], str | None]] = {
    "model": _of(str, "a preset name, hub id or checkpoint folder", optional=True),
    "device": _device,
    "backend": _choice(_backends),
    "dtype": _choice(_precisions),
    "beams": _int(1, optional=True),
    "max_tokens": _int(1, optional=True),
    "batch_size": _int(1),
    "normalize": _of(bool, "true or false"),
    "digits": _choice(DIGIT_MODES),
    "remove_diacritics": _of(bool, "true or false"),
    "format": _choice(_formats, optional=True),
    "fields": _strings,
    "column": _of(str, "a column name or 0-based index"),
    "wrapped": _of(bool, "true, false or null (detect)", optional=True),
    "include": _strings,
    "exclude": _strings,
    "overwrite": _of(bool, "true or false"),
    "dry_run": _of(bool, "true or false"),
    "quiet": _of(bool, "true or false"),
    "wave_sentences": _int(1),
    "threads": _int(0),
    "devices": _of(str, "GPU indices such as 0,1 or all", optional=True),
    "workers": _int(1),
    "engine": _choice(ENGINES),
    "ray_address": _of(str, "a Ray address such as auto or ray://host:10001", optional=True),
    "gpus_per_actor": _non_negative,
    "review": _of(bool, "true or false"),
    "repair": _of(bool, "true or false"),
    "quality_config": _of(str, "a YAML file of quality thresholds", optional=True),
    "fallback_model": _of(str, "a preset name, hub id or checkpoint folder", optional=True),
    "reverse_model": _of(
        str, "same, or an English->Persian preset name, hub id or checkpoint folder", optional=True
    ),
    "facts": _of(bool, "true or false"),
    "dates": _choice(_date_policies),
    "year": _int(1, optional=True),
    "glossary": _of(str, "a TSV file: Persian, English, note", optional=True),
    "date_field": _of(str, "a JSONL field or TSV column holding each record's date", optional=True),
}


def option_name(key: str) -> str:
    """The command-line spelling of an option key (``max_tokens`` -> ``--max-tokens``)."""
    return "--" + key.replace("_", "-")


def _read_yaml(path: Path) -> dict[str, Any]:
    """A config file's mapping, or a :class:`ConfigError` naming the file."""
    if not path.is_file():
        raise ConfigError(f"--config: {path}: no such file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{path}: not valid YAML ({first})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of option: value, got {type(data).__name__}")
    unknown = sorted(set(data) - set(RULES))
    if unknown:
        raise ConfigError(
            f"{path}: unknown option(s) {', '.join(unknown)}; known: {', '.join(RULES)}"
        )
    return data


def merge_options(config: Path | None, command_line: dict[str, Any]) -> JobOptions:
    """Defaults < ``config`` < ``command_line`` (keys of :class:`JobOptions`; None means unset)."""
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for path in [config_dir() / "defaults.yaml", config]:
        if path is not None:
            data = _read_yaml(path)
            values |= data
            origin |= dict.fromkeys(data, f"{path}: {{}}")
    given = {k: v for k, v in command_line.items() if k in RULES and v is not None}
    values |= given
    origin |= {k: f"{option_name(k)}" for k in given}
    for key, value in values.items():
        allowed = RULES[key](value)
        if allowed:
            where = origin[key].format(key) if "{}" in origin[key] else origin[key]
            raise ConfigError(f"{where}: {value!r} is not allowed; expected {allowed}")
    known = {f.name for f in fields(JobOptions)}
    return JobOptions(**{k: v for k, v in values.items() if k in known})
