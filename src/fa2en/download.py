"""``fa2en download NAME``: fetch a preset or hub model once into ``models/<name>/``.

Run it on a machine with internet; fa2en then finds the model offline by its name. Only the files a
translation needs are fetched (safetensors weights where the repository has them).
"""

from __future__ import annotations

from pathlib import Path

from fa2en.errors import ConfigError, ModelNotFoundError
from fa2en.loading import checkpoint_patterns
from fa2en.presets import get_preset, load_presets, models_dir


def download(model: str, name: str | None = None) -> Path:
    """Download ``model`` (a preset name or a hub id) into ``models/``; return the folder."""
    preset = get_preset(model)
    if preset is None and "/" not in model:
        raise ConfigError(
            f"{model!r} is not a preset ({', '.join(load_presets())}) nor a hub id (org/name)"
        )
    repo = preset.hub_id if preset else model
    target = models_dir() / (name or (preset.name if preset else repo.split("/")[-1]))
    from huggingface_hub import list_repo_files, snapshot_download

    try:
        patterns = checkpoint_patterns(
            list_repo_files(repo), bool(preset and preset.trust_remote_code)
        )
        snapshot_download(repo, local_dir=target, allow_patterns=patterns)
    except Exception as exc:  # noqa: BLE001 - network and hub errors alike
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ModelNotFoundError(
            f"could not download {repo}: {first} (is the Hugging Face hub reachable? HF_HUB_OFFLINE set?)"
        ) from exc
    return target
