"""Thresholds of the quality checks: packaged defaults, saved calibrations and a user's file.

The packaged ``configs/quality.yaml`` is also the schema: a later source may only set the sections
and keys it has, with values of the same type (an integer where a number is expected is fine).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fa2en.errors import ConfigError
from fa2en.presets import config_dir

#: folder of the user's fa2en settings (default: $XDG_CONFIG_HOME/fa2en or ~/.config/fa2en)
CONFIG_HOME_ENV = "FA2EN_CONFIG_HOME"
#: top-level keys of a quality file
SECTIONS = ("defaults", "models")

Params = Mapping[str, Any]


@dataclass(frozen=True)
class QualityConfig:
    """The thresholds in force for one model: ``params[flag][key]``, and the files they came from."""

    params: Mapping[str, Params]
    sources: tuple[str, ...] = ()
    model: str | None = None

    def of(self, flag: str) -> Params:
        """The thresholds of one check (empty for a check without any)."""
        return self.params.get(flag, {})


def packaged_path() -> Path:
    """The thresholds fa2en ships: ``configs/quality.yaml``."""
    return config_dir() / "quality.yaml"


def calibration_path() -> Path:
    """Where ``fa2en qa --calibrate`` saves per-model thresholds, and the checks look for them."""
    home = os.environ.get(CONFIG_HOME_ENV)
    if not home:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        home = str(Path(base) / "fa2en")
    return Path(home) / "quality-calibrated.yaml"


def read_file(path: Path) -> dict[str, Any]:
    """A quality file's parsed content (missing sections become empty)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the quality config ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a quality config must be a YAML mapping")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}; known: {', '.join(SECTIONS)}")
    return data


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def _merge(params: dict[str, dict[str, Any]], layer: Any, schema: Params, where: str) -> None:
    """Validate ``layer`` (flag -> key -> value) against ``schema`` and write it over ``params``."""
    if not isinstance(layer, dict):
        raise ConfigError(f"{where}: expected a mapping of flag names to thresholds")
    for flag, values in layer.items():
        if flag not in schema:
            raise ConfigError(f"{where}: unknown check {flag!r}; known: {', '.join(schema)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}.{flag}: expected a mapping of thresholds")
        for key, value in values.items():
            if key not in schema[flag]:
                known = ", ".join(schema[flag])
                raise ConfigError(f"{where}.{flag}: unknown key {key!r}; known: {known}")
            default = schema[flag][key]
            if not _same_type(default, value):
                raise ConfigError(
                    f"{where}.{flag}.{key}: expected {type(default).__name__}, got {value!r}"
                )
            params[flag][key] = float(value) if isinstance(default, float) else value


#: the sections a reverse model's own entry sets (``models: {REVERSE: {unrelated: ...}}``)
REVERSE_SECTIONS = ("unrelated",)


def model_key(name: str) -> str:
    """How a model is named in a quality file: a checkpoint folder by its absolute path (so that
    ``models/x``, ``./models/x/`` and ``/abs/models/x`` are one model), a preset or hub id as given."""
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


def _entry(models: dict[str, Any], name: str | None) -> Any:
    """The ``models`` entry of ``name`` (matched as :func:`model_key` names it), or None."""
    if name is None:
        return None
    key = model_key(name)
    return next((v for k, v in models.items() if model_key(str(k)) == key), None)


def load_quality_config(
    model: str | None = None, override: Path | None = None, reverse: str | None = None
) -> QualityConfig:
    """Thresholds for ``model``: packaged, then saved calibrations, then ``override`` (--quality-config).

    In each source the ``models`` entry of ``model`` applies, then the ``unrelated`` section of the
    ``reverse`` model's entry (its threshold belongs to the model that scores it).
    """
    packaged = packaged_path()
    schema = read_file(packaged)["defaults"]
    params = {flag: dict(values) for flag, values in schema.items()}
    calibrated = calibration_path()
    if override is not None and not override.is_file():
        raise ConfigError(f"quality config not found: {override} (--quality-config)")
    files = [
        packaged,
        *([calibrated] if calibrated.is_file() else []),
        *([override] if override else []),
    ]
    for path in files:
        data = read_file(path)
        _merge(params, data.get("defaults") or {}, schema, f"{path}: defaults")
        models = data.get("models") or {}
        if not isinstance(models, dict):
            raise ConfigError(f"{path}: models: expected a mapping of model names")
        entry = _entry(models, model)
        if entry is not None:
            _merge(params, entry or {}, schema, f"{path}: models.{model}")
        reverse_entry = _entry(models, reverse)
        if isinstance(reverse_entry, dict):
            own = {k: v for k, v in reverse_entry.items() if k in REVERSE_SECTIONS}
            _merge(params, own, schema, f"{path}: models.{reverse}")
    from fa2en.quality.langid import validate_languages

    off_target = params["off-target"]
    validate_languages(off_target["languages"], off_target["accuracy"], str(files[-1]))
    return QualityConfig(params, tuple(str(f) for f in files), model)


def save_calibration(model: str, thresholds: Mapping[str, Params]) -> Path:
    """Store ``model``'s fitted thresholds (flag -> key -> value) in the calibration file."""
    path = calibration_path()
    data = read_file(path) if path.is_file() else {}
    schema = read_file(packaged_path())["defaults"]
    check = {flag: dict(values) for flag, values in schema.items()}
    _merge(check, dict(thresholds), schema, f"calibration of {model}")
    models = data.setdefault("models", {}) or {}
    model = model_key(model)
    entry: dict[str, Any] = {}
    for other in [k for k in models if model_key(str(k)) == model]:  # one entry per model
        for flag, values in (models.pop(other) or {}).items():
            entry.setdefault(flag, {}).update(values)
    for flag, values in thresholds.items():
        entry.setdefault(flag, {}).update({k: float(v) for k, v in values.items()})
    models[model] = entry
    data["models"] = models
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# thresholds fitted by `fa2en qa --calibrate` (fa2en.quality); safe to edit\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    return path
