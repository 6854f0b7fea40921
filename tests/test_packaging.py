"""A non-editable install (a wheel) carries presets, job configs, thresholds and glossary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_configs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("fa2en-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    shipped = {
        p.relative_to(site / "fa2en").as_posix() for p in (site / "fa2en").rglob("*") if p.is_file()
    }
    for name in (
        "configs/defaults.yaml",
        "configs/gpu-job.yaml",
        "configs/testsets.yaml",
        "py.typed",
    ):
        assert name in shipped
    assert sum(n.startswith("configs/models/") for n in shipped) >= 10
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("FA2EN_MODELS", None)
    run = subprocess.run(
        [sys.executable, "-m", "fa2en.cli", "models"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "nllb-200-distilled-600M" in run.stdout and "m2m100_418M" in run.stdout
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import fa2en.presets as p; print(p.config_dir()); print(p.models_dir())",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert where[0].startswith(str(site)) and where[1] == str(tmp_path / "models")
