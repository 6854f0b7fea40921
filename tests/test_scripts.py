"""The scripts' own logic: model download errors, the segmentation benchmark's scoring."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fa2en.loading import checkpoint_patterns

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def test_checkpoint_patterns_prefer_safetensors() -> None:
    assert (
        checkpoint_patterns(["config.json", "model.safetensors", "pytorch_model.bin"])[-1]
        == "*.safetensors"
    )
    assert checkpoint_patterns(["config.json", "pytorch_model.bin"])[-1] == "*.bin"
    assert "*.py" not in checkpoint_patterns([]) and "*.py" in checkpoint_patterns(
        [], trust_remote_code=True
    )


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("not-a-preset", "is not a preset"),
        ("m2m100_418M", "could not download facebook/m2m100_418M"),
    ],
)
def test_download_model_errors(model: str, message: str, tmp_path: Path) -> None:
    env = {"HF_HUB_OFFLINE": "1", "FA2EN_MODELS": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "download_model.py"), model],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode != 0 and message in done.stderr
    assert not any(tmp_path.iterdir())


def test_bench_segment_scoring(data_dir: Path) -> None:
    from bench_segment import build_variants, score

    gold = ["جمله اول است.", "جمله دوم است.", "سوم.", "چهارم؟"]
    assert score(gold, gold) == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "exact": 1.0}
    merged = score(gold, ["جمله اول است. جمله دوم است.", "سوم.", "چهارم؟"])
    assert (
        merged["precision"] == 1.0
        and merged["recall"] == pytest.approx(2 / 3)
        and merged["exact"] == 0.5
    )
    variants = build_variants(gold * 10)
    assert set(variants) == {"running", "newlines", "wrapped"}
    assert max(len(line) for line in variants["wrapped"].split("\n")) <= 80
