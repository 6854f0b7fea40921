"""What the machine lets this process use: CPUs from its affinity mask and its cgroup CPU quota.

``os.cpu_count()`` counts every core of the host, also inside a container limited to two of them
(``docker --cpus 2``, a Kubernetes CPU limit, a batch scheduler's cpuset); threads sized from it
oversubscribe the cores and get throttled. :func:`available_cpus` is the number to size thread
pools and worker counts from.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

#: Where cgroup file systems are mounted, relative to the file system root.
CGROUP_MOUNT = Path("sys/fs/cgroup")
#: The kernel's list of the cgroups of this process: ``hierarchy-id:controllers:path`` per line.
PROC_CGROUP = Path("proc/self/cgroup")
#: Used when /proc/self/cgroup cannot be read: the v2 hierarchy, and the v1 ``cpu`` controller.
DEFAULT_CGROUPS = ("0::/", "1:cpu:/")


def _cgroup_dirs(root: Path) -> Iterator[tuple[Path, int]]:
    """Each cgroup folder (and cgroup version) whose CPU quota applies to this process.

    A quota applies to a cgroup and everything below it, so the folder of this process's cgroup
    and every folder above it up to the mount point count. Inside a container without a cgroup
    namespace the listed path does not exist; the folders that do (the mount point) still count.
    """
    base = root / CGROUP_MOUNT
    try:
        lines = (root / PROC_CGROUP).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = list(DEFAULT_CGROUPS)
    for line in lines:
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            mounts, version = [base], 2
        elif "cpu" in controllers.split(","):
            mounts, version = [base / controllers, base / "cpu"], 1
        else:
            continue
        mount = next((m for m in mounts if m.is_dir()), None)
        if mount is None:
            continue
        relative = PurePosixPath(path).relative_to("/")
        for folder in [relative, *relative.parents]:
            yield mount / folder, version


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _quota(folder: Path, version: int) -> float | None:
    """The CPU quota set on one cgroup folder, in CPUs; None when it sets none."""
    if version == 2:
        text = _read(folder / "cpu.max")  # "max 100000" or "<quota> <period>"
        quota, _, period = (text or "max").partition(" ")
    else:
        quota = _read(folder / "cpu.cfs_quota_us") or "-1"  # -1: no quota
        period = _read(folder / "cpu.cfs_period_us") or ""
    try:
        q, p = int(quota), int(period)
    except ValueError:
        return None
    return q / p if q > 0 and p > 0 else None


def cgroup_cpu_quota(root: Path = Path("/")) -> float | None:
    """The tightest cgroup CPU quota on this process, in CPUs (1.5 = 150 ms per 100 ms); None if none.

    Reads cgroup v2 ``cpu.max`` and cgroup v1 ``cpu.cfs_quota_us``/``cpu.cfs_period_us`` under
    ``root`` (the file system root; tests pass a folder of fake files).
    """
    quotas = [q for folder, version in _cgroup_dirs(root) if (q := _quota(folder, version))]
    return min(quotas, default=None)


def available_cpus(root: Path = Path("/")) -> int:
    """CPUs this process may use: its CPU affinity, capped by the cgroup quota; at least 1.

    A fractional quota is rounded down (1.5 CPUs: 1 thread), since threads beyond the quota are
    throttled, not run.
    """
    affinity = getattr(os, "sched_getaffinity", None)  # macOS and Windows have none
    cpus = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    quota = cgroup_cpu_quota(root)
    if quota is not None:
        cpus = min(cpus, math.floor(quota))
    return max(1, cpus)
