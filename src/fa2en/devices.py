"""Devices: naming and choosing one, running out of its memory, and what batch size suits it."""

from __future__ import annotations

import re

from fa2en.errors import ConfigError, DeviceUnavailableError

#: ``--device`` values: auto, cpu, mps, cuda or cuda:N.
DEVICE_PATTERN = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


def check_device_name(device: str) -> str:
    """``device`` if it is a valid device name, else a :class:`ConfigError` listing the forms."""
    if not isinstance(device, str) or not DEVICE_PATTERN.fullmatch(device):
        raise ConfigError(
            f"--device: {device!r} is not a device; choose from auto, cpu, cuda, cuda:N, mps"
        )
    return device


def pick_device(device: str = "auto") -> str:
    """Resolve ``auto`` to CUDA, then Apple MPS, then CPU; check an explicit choice exists."""
    import torch

    check_device_name(device)
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if mps else "cpu"
    if device.startswith("cuda"):
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        index = int(device.partition(":")[2] or 0)
        if index >= count:
            raise DeviceUnavailableError(
                f"--device {device}: no such CUDA GPU here ({count} visible); use --device cpu or auto"
            )
    if device == "mps" and not mps:
        raise DeviceUnavailableError(
            "--device mps: Apple MPS is not available here; use --device cpu"
        )
    return device


def is_oom(exc: BaseException) -> bool:
    """Whether ``exc`` says the device ran out of memory."""
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower()


def default_max_tokens(backend: str, device: str) -> int:
    """Token budget per batch that measured fastest (``scripts/benchmark.py``) for backend and device."""
    if device.startswith("cuda"):
        return 16384
    return 1024 if backend == "ctranslate2" else 2048


def free_memory() -> None:
    """Give cached GPU memory back after an out-of-memory error."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
