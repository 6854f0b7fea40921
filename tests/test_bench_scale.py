"""scripts/bench_scale.py fails when the configurations it compares give different outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))


def _fake_job(outputs: dict[str, str]) -> object:
    """A stand-in for one translate job: writes the output ``outputs`` gives for its options."""

    def run(src: Path, out: Path, model: str, extra: list[str]) -> tuple[float, dict]:
        out.mkdir(parents=True)
        text = next((t for opts, t in outputs.items() if " ".join(extra).endswith(opts)), "same")
        (out / "a.txt").write_text(text, encoding="utf-8")
        summary = {"src_tokens": 10, "out_tokens": 10}
        (out / ".fa2en-run.json").write_text(json.dumps(summary), encoding="utf-8")
        return 1.0, summary

    return run


@pytest.mark.parametrize(
    ("outputs", "code"),
    [({}, 0), ({"--workers 2": "different"}, 1)],
    ids=["identical", "different"],
)
def test_exit_code_follows_the_comparison(
    outputs: dict[str, str],
    code: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import bench_scale

    monkeypatch.setattr(bench_scale, "run", _fake_job(outputs))
    monkeypatch.setattr(bench_scale, "write_articles", lambda out, n: n)
    monkeypatch.setattr(bench_scale.tempfile, "mkdtemp", lambda prefix: str(tmp_path))
    assert bench_scale.main(["--model", "m", "--articles", "1", "--workers", "1,2"]) == code
    assert ("outputs differ" in capsys.readouterr().err) == bool(code)
