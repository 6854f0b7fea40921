"""Measuring a run: wall time and peak memory (process RSS sampled in a thread, and GPU peak)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class Usage:
    """Seconds, peak resident memory and peak GPU memory (MiB) of a measured block."""

    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    peak_gpu_mb: float = 0.0


class measure:  # noqa: N801 - used as a context manager, like a function
    """``with measure() as usage: ...`` fills ``usage`` with time and peak memory of the block."""

    def __init__(self, interval: float = 0.005) -> None:
        import psutil

        self.usage = Usage()
        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._peak = 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, self._proc.memory_info().rss)
            time.sleep(self._interval)

    def __enter__(self) -> Usage:
        import torch

        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        self._t0 = time.perf_counter()
        self._thread.start()
        return self.usage

    def __exit__(self, *exc: object) -> None:
        import torch

        self.usage.seconds = time.perf_counter() - self._t0
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, self._proc.memory_info().rss)
        self.usage.peak_rss_mb = self._peak / 2**20
        if torch.cuda.is_available():
            self.usage.peak_gpu_mb = torch.cuda.max_memory_allocated() / 2**20
