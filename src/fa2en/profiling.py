"""Measuring a run: wall time and peak memory (process RSS sampled in a thread, and GPU peak)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Usage:
    """Seconds, peak resident memory and peak GPU memory (MiB) of a measured block."""

    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    peak_gpu_mb: float = 0.0


@contextmanager
def measure(interval: float = 0.005) -> Iterator[Usage]:
    """``with measure() as usage: ...`` fills ``usage`` with time and peak memory of the block."""
    import psutil
    import torch

    usage, process, stop = Usage(), psutil.Process(), threading.Event()
    peak = [process.memory_info().rss]

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(interval)

    thread = threading.Thread(target=sample, daemon=True)
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    thread.start()
    try:
        yield usage
    finally:
        usage.seconds = time.perf_counter() - t0
        stop.set()
        thread.join()
        usage.peak_rss_mb = max(peak[0], process.memory_info().rss) / 2**20
        if torch.cuda.is_available():
            usage.peak_gpu_mb = torch.cuda.max_memory_allocated() / 2**20
