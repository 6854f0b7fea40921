"""``fa2en eval`` reports how well the quality flags find bad lines (no model needed here)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from fa2en.evaluate.cli import main
from fa2en.evaluate.flags import LineChecks, flag_quality, spearman

REFS = [
    "The minister said that 25 people were injured in the accident on Monday.",
    "Schools will reopen next week after the holidays, the ministry announced.",
    "The new bridge will connect the two halves of the city by the end of the year.",
    "Prices rose sharply in the capital last month, according to the central bank.",
]


def test_precision_recall_and_correlation_on_plain_lines() -> None:
    outputs = [REFS[0], REFS[1], "sorry sorry sorry sorry", "Prices rose sharply in the capital."]
    checks = LineChecks(
        [[], ["numbers"], ["repetition"], []],
        [-0.1, -0.2, -2.5, -0.8],
    )
    result = flag_quality(checks, outputs, REFS)
    assert result["lines"] == 4 and result["flagged"] == 2 and result["bad"] == 1
    assert result["by_flag"] == {"numbers": 1, "repetition": 1}
    assert result["precision"] == 0.5 and result["recall"] == 1.0
    # ranks of confidence 4 3 1 2, of chrF 3.5 3.5 1 2 (the two exact lines tie): Pearson of ranks
    assert result["spearman_confidence_chrf"] == pytest.approx(4.5 / math.sqrt(5 * 4.5))
    assert result["confidence_lines"] == 4


def test_spearman_is_none_where_undefined() -> None:
    assert spearman([1.0, 2.0], [1.0, 2.0]) is None
    assert spearman([1.0, 1.0, 1.0], [3.0, 2.0, 1.0]) is None
    assert spearman([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)


def test_eval_reports_flags_of_existing_outputs(tmp_path: Path, data_dir: Path) -> None:
    src = (data_dir / "flores200" / "dev510.fa").read_text(encoding="utf-8").splitlines()[:40]
    ref = (data_dir / "flores200" / "dev510.en").read_text(encoding="utf-8").splitlines()[:40]
    # every other line broken the way models break them: a loop, or cut to a few words
    broken = [
        r if i % 2 == 0 else ("I'm sorry, " * 8 if i % 4 == 1 else " ".join(r.split()[:3]))
        for i, r in enumerate(ref)
    ]
    files = {}
    for name, lines in {"src.fa": src, "ref.en": ref, "human.en": ref, "broken.en": broken}.items():
        files[name] = tmp_path / name
        files[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "eval"
    args = ["--src", str(files["src.fa"]), "--ref", str(files["ref.en"]), "--metrics", "chrf"]
    args += ["--hyp", f"human={files['human.en']}", "--hyp", f"broken={files['broken.en']}"]
    assert main([*args, "--out", str(out)]) == 0
    results = {r["system"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    human, bad = results["human"]["flags"], results["broken"]["flags"]
    assert human["bad"] == 0 and human["recall"] is None and human["flagged"] <= 2
    # a line cut to three words may keep chrF >= 30 when its reference is short
    assert bad["flagged"] == 20 and 18 <= bad["bad"] <= 20
    assert bad["recall"] == 1.0 and bad["precision"] == bad["bad"] / 20
    assert bad["by_flag"]["repetition"] == 10
    assert bad["spearman_confidence_chrf"] is None and bad["confidence_lines"] == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "flag P / R (chrF < 30)" in report and "| broken |" in report
