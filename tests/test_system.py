"""CPUs available to the process: affinity mask and cgroup CPU quota (fake cgroup file systems)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fa2en.system import available_cpus, cgroup_cpu_quota


def _fake_root(tmp_path: Path, proc_cgroup: str | None, files: dict[str, str]) -> Path:
    """A file system root holding ``proc/self/cgroup`` and files under ``sys/fs/cgroup``."""
    if proc_cgroup is not None:
        (tmp_path / "proc/self").mkdir(parents=True)
        (tmp_path / "proc/self/cgroup").write_text(proc_cgroup, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / "sys/fs/cgroup" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def many_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """An affinity mask of 16 CPUs, so that the quotas below are the tighter limit."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)


@pytest.mark.parametrize(
    ("proc_cgroup", "files", "quota"),
    [
        pytest.param("0::/\n", {"cpu.max": "max 100000"}, None, id="v2-unlimited"),
        pytest.param("0::/\n", {"cpu.max": "200000 100000"}, 2.0, id="v2-root"),
        pytest.param(
            "0::/jobs/job7\n",
            {"cpu.max": "max 100000", "jobs/cpu.max": "300000 100000", "jobs/job7/cpu.max": "max"},
            3.0,
            id="v2-limit-on-a-parent",
        ),
        pytest.param(
            "0::/host/path/not/mounted\n",
            {"cpu.max": "150000 100000"},
            1.5,
            id="v2-container-without-cgroup-namespace",
        ),
        pytest.param(
            "4:memory:/x\n2:cpu,cpuacct:/\n",
            {"cpu,cpuacct/cpu.cfs_quota_us": "400000", "cpu,cpuacct/cpu.cfs_period_us": "100000"},
            4.0,
            id="v1-combined-controllers",
        ),
        pytest.param(
            "1:cpu:/\n0::/\n",
            {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"},
            None,
            id="v1-no-quota",
        ),
        pytest.param(
            None,
            {"cpu/cpu.cfs_quota_us": "50000", "cpu/cpu.cfs_period_us": "100000"},
            0.5,
            id="no-proc-file-reads-the-mount-points",
        ),
        pytest.param("0::/\n", {"cpu.max": "garbage"}, None, id="unreadable-value"),
    ],
)
def test_cgroup_cpu_quota(
    tmp_path: Path, proc_cgroup: str | None, files: dict[str, str], quota: float | None
) -> None:
    assert cgroup_cpu_quota(_fake_root(tmp_path, proc_cgroup, files)) == quota


@pytest.mark.usefixtures("many_cores")
def test_available_cpus_takes_the_quota_rounded_down(tmp_path: Path) -> None:
    root = _fake_root(tmp_path, "0::/\n", {"cpu.max": "250000 100000"})
    assert available_cpus(root) == 2


@pytest.mark.usefixtures("many_cores")
def test_available_cpus_without_quota_is_the_affinity(tmp_path: Path) -> None:
    assert available_cpus(_fake_root(tmp_path, "0::/\n", {"cpu.max": "max 100000"})) == 16


@pytest.mark.usefixtures("many_cores")
def test_available_cpus_is_at_least_one(tmp_path: Path) -> None:
    assert available_cpus(_fake_root(tmp_path, "0::/\n", {"cpu.max": "10000 100000"})) == 1


def test_available_cpus_never_exceeds_the_affinity_mask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    root = _fake_root(tmp_path, "0::/\n", {"cpu.max": "800000 100000"})
    assert available_cpus(root) == 2


def test_available_cpus_on_this_machine() -> None:
    assert 1 <= available_cpus() <= len(os.sched_getaffinity(0))
