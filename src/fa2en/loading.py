"""Finding and loading a model: local path, then ``models/<name>/``, then the Hugging Face cache/hub.

Offline (``HF_HUB_OFFLINE=1``) nothing is downloaded, and a missing model gives one message naming
the model and how to fetch it. ``trust_remote_code`` is never set unless a preset says so, and
safetensors weights are used where the checkpoint has them.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fa2en.errors import ModelNotFoundError
from fa2en.families import Family, detect, family_named
from fa2en.presets import DEFAULT_MODEL, Preset, get_preset, models_dir

log = logging.getLogger("fa2en")


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from: a local folder, or a hub id (downloaded or from the cache)."""

    name: str
    location: str
    local: bool
    preset: Preset | None


def hub_offline() -> bool:
    """True when the Hugging Face hub must not be contacted."""
    return any(
        os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on")
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


@cache
def hub_reachable(timeout: float = 3.0) -> bool:
    """True when a TCP connection to the Hugging Face hub can be opened (checked once per process)."""
    host = (
        urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname
        or "huggingface.co"
    )
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def local_only(source: ModelSource) -> bool:
    """Whether ``source`` must be loaded without the network (a folder, offline mode, or no network)."""
    if source.local or hub_offline():
        return True
    if not hub_reachable():
        log.warning("notice: the Hugging Face hub cannot be reached; using the local cache only")
        return True
    return False


def checkpoint_patterns(repo_files: list[str], trust_remote_code: bool = False) -> list[str]:
    """The files of a hub repository a translation needs: configs, tokenizer, one weight format."""
    patterns = ["*.json", "*.model", "*.spm", "*.txt", *(["*.py"] if trust_remote_code else [])]
    has_safetensors = any(f.endswith(".safetensors") for f in repo_files)
    return patterns + (["*.safetensors"] if has_safetensors else ["*.bin"])


def _check_checkpoint_dir(path: Path) -> None:
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(
            f"{path} is a folder but not a model checkpoint: config.json is missing. "
            "Point --model at a Hugging Face checkpoint folder (config.json, weights, tokenizer files)."
        )


def resolve(model: str | os.PathLike[str] | None = None) -> ModelSource:
    """Resolve a preset name, hub id or path to where the model will be loaded from."""
    name = str(model or DEFAULT_MODEL)
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelNotFoundError(
                f"{path} is a file; --model needs a checkpoint folder or a model name"
            )
        _check_checkpoint_dir(path)
        return ModelSource(name, str(path.resolve()), True, None)
    preset = get_preset(name)
    local_name = preset.name if preset else name.split("/")[-1]
    local = models_dir() / local_name
    if local.is_dir():
        _check_checkpoint_dir(local)
        return ModelSource(name, str(local), True, preset)
    if preset:
        return ModelSource(name, preset.hub_id, False, preset)
    if "/" in name and not name.startswith((".", "/")) and name.count("/") == 1:
        return ModelSource(name, name, False, None)
    raise ModelNotFoundError(
        f"unknown model {name!r}: not a folder, not in {models_dir()}/, and not a preset name. "
        "Run 'fa2en models' for the presets, or pass a checkpoint folder or a hub id (org/name)."
    )


def missing_model_message(source: ModelSource, error: Exception) -> str:
    """One message naming the missing model, why it cannot be had, and how to fetch it."""
    local = models_dir() / (source.preset.name if source.preset else source.name.split("/")[-1])
    first_line = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    if hub_offline():
        why = "the hub is offline (HF_HUB_OFFLINE=1)"
    elif not hub_reachable():
        why = "the Hugging Face hub cannot be reached from this machine"
    else:
        why = f"it could not be downloaded ({first_line})"
    return (
        f"model {source.name!r} ({source.location}) is not available: it is not in {local}/ nor in the "
        f"Hugging Face cache, and {why}. Fetch it once on a machine with internet: "
        f"'fa2en download {source.preset.name if source.preset else source.location}' "
        "(saves into models/), or pass --model /path/to/checkpoint."
    )


def load_tokenizer(source: ModelSource) -> Any:
    """The tokenizer of ``source`` (no weights loaded)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(
            source.location,
            local_files_only=local_only(source),
            trust_remote_code=bool(source.preset and source.preset.trust_remote_code),
        )
    except (OSError, ValueError) as exc:
        if source.local:
            raise ModelNotFoundError(
                f"{source.location}: cannot load the tokenizer: {exc}"
            ) from exc
        raise ModelNotFoundError(missing_model_message(source, exc)) from exc


def load_config(source: ModelSource) -> Any:
    """The model config of ``source`` (read once per load), checked to be an encoder-decoder."""
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(
            source.location,
            local_files_only=local_only(source),
            trust_remote_code=bool(source.preset and source.preset.trust_remote_code),
        )
    except (OSError, ValueError) as exc:
        if source.local:
            raise ModelNotFoundError(
                f"{source.location}: cannot read the model config: {exc}"
            ) from exc
        raise ModelNotFoundError(missing_model_message(source, exc)) from exc
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelNotFoundError(
            f"{source.location} is a {config.model_type!r} model, not an encoder-decoder translation model"
        )
    return config


def family_of(source: ModelSource, tokenizer: Any, config: Any) -> Family:
    """The model family of ``source``: its preset's, else read from its config and tokenizer."""
    if source.preset:
        return family_named(source.preset.family)
    return detect(config.model_type, type(tokenizer).__name__, tokenizer.get_vocab())


def load_weights(source: ModelSource, device: str, dtype: Any) -> Any:
    """Load the transformers seq2seq model of ``source`` onto ``device`` in ``dtype``, ready to generate."""
    from transformers import AutoModelForSeq2SeqLM

    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(
            source.location,
            dtype=dtype,
            use_safetensors=None,
            local_files_only=local_only(source),
            trust_remote_code=bool(source.preset and source.preset.trust_remote_code),
        )
    except (OSError, ValueError) as exc:
        if source.local:
            raise ModelNotFoundError(f"{source.location}: cannot load the model: {exc}") from exc
        raise ModelNotFoundError(missing_model_message(source, exc)) from exc
    return model.to(device).eval()


def max_positions(config: Any) -> int | None:
    """The model's position-table size (``max_position_embeddings``): no input or output may exceed it."""
    value = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    return int(value) if value else None


def provenance(source: ModelSource, config: Any) -> str:
    """What identifies the checkpoint's content: a hash of a local folder, or the hub commit."""
    if source.local:
        from fa2en.fingerprint import content_fingerprint

        return f"sha256:{content_fingerprint(Path(source.location))}"
    return f"hub:{source.location}@{getattr(config, '_commit_hash', None) or 'unknown'}"
