"""Published scores: presets cite them, eval compares with them, and --check turns a shortfall into exit 4."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from fa2en.evaluate.cli import main
from fa2en.evaluate.published import ADVICE
from fa2en.presets import licence_notice, load_presets

LEADERBOARD_HYP = "leaderboard/flores200-devtest.nllb-200-distilled-600M.en"
#: A source a reader can open: a web address, or a paper cited by arXiv/DOI.
CITABLE = re.compile(r"https?://\S+|arXiv:\d{4}\.\d{4,5}|doi:\S+")


def test_every_published_figure_has_a_source_a_reader_can_open() -> None:
    published = [(p.name, entry) for p in load_presets().values() for entry in p.published]
    assert len(published) >= 3  # the NLLB presets at least
    for name, entry in published:
        assert CITABLE.search(entry.source), f"{name}: {entry.source!r} is not a URL or citation"
        assert entry.scores and all(0 <= v <= 100 for v in entry.scores.values()), name


def test_non_commercial_licences_get_a_notice() -> None:
    presets = load_presets()
    assert licence_notice(presets["nllb-200-distilled-600M"]) == (
        "notice: nllb-200-distilled-600M is licensed CC-BY-NC-4.0 (non-commercial use only)"
    )
    assert presets["mt5-base-parsinlu-fa-en"].non_commercial  # CC-BY-NC-SA-4.0
    assert not presets["opus-mt-iir-en"].non_commercial
    assert presets["opus-mt-iir-en"].licence == "Apache-2.0"
    assert "5.6" in presets["opus-mt-iir-en"].note
    assert licence_notice(presets["m2m100_418M"]) is None


def test_eval_prints_the_licence_notice_for_a_model_system(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The weights are not here, so loading fails after the notice (a clear error, exit 3 as in
    # translate: the model is not available)
    code = main(["--testset", "tatoeba", "--limit", "2", "--model", "nllb-200-distilled-600M"])
    err = capsys.readouterr().err
    assert code == 3
    assert "notice: nllb-200-distilled-600M is licensed CC-BY-NC-4.0" in err


def _score(tmp_path: Path, *args: str) -> tuple[int, dict]:
    out = tmp_path / "r.json"
    code = main([*args, "--json", str(out)])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_a_hypothesis_file_named_after_a_preset_is_compared_and_checked(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = str(data_dir / "flores200" / "devtest.en")
    hyp = data_dir / LEADERBOARD_HYP
    common = ["--ref", ref, "--metrics", "bleu,chrf", "--samples", "10"]
    # The 600M model's published output, scored as the 3.3B model's: 3.7 BLEU below its figure.
    code, res = _score(tmp_path, *common, "--hyp", f"nllb-200-3.3B={hyp}")
    out = capsys.readouterr().out
    (row,) = res["results"]
    assert code == 0  # without --check a shortfall is a warning only
    assert row["delta"] == {"bleu": -3.7, "chrf": -3.096}
    assert row["published"]["scores"]["bleu"] == 37.0 and not row["published"]["reproduced"]
    assert f"warning: nllb-200-3.3B on flores200-devtest {ADVICE}" in out
    assert "BLEU 37.0 / 33.3 (-3.7)" in out
    code, _ = _score(tmp_path, *common, "--hyp", f"nllb-200-3.3B={hyp}", "--check")
    assert code == 4
    capsys.readouterr()
    code, res = _score(tmp_path, *common, "--hyp", f"nllb-200-distilled-600M={hyp}", "--check")
    assert code == 0 and res["results"][0]["delta"] == {"bleu": 0.0, "chrf": 0.0}
    assert "warning:" not in capsys.readouterr().out
    code, res = _score(tmp_path, *common, "--hyp", f"mine={hyp}", "--check")
    assert code == 0 and res["results"][0]["published"] is None  # not a preset: nothing to compare


def _memo_preset(folder: Path, published: dict[str, float] | None) -> None:
    folder.mkdir()
    preset = {
        "name": "memo-published",
        "hub_id": "local/memo-published",
        "family": "marian",
        "licence": "MIT",
    }
    if published:
        preset["published"] = [
            {"testset": "memorised", "scores": published, "source": "https://example.org/memo"}
        ]
    (folder / "memo-published.yaml").write_text(yaml.safe_dump(preset), encoding="utf-8")


def test_memorising_model_reproduces_its_published_figure(
    memorizer: Path,
    memorized_pairs: list[tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    models = Path(os.environ["FA2EN_MODELS"])
    models.mkdir(parents=True, exist_ok=True)
    if not (models / "memo-published").exists():
        (models / "memo-published").symlink_to(memorizer, target_is_directory=True)
    src, ref = tmp_path / "memorised.fa", tmp_path / "memorised.en"
    src.write_text("\n".join(fa for fa, _ in memorized_pairs[:20]) + "\n", encoding="utf-8")
    ref.write_text("\n".join(en for _, en in memorized_pairs[:20]) + "\n", encoding="utf-8")
    args = ["--src", str(src), "--ref", str(ref), "--model", "memo-published"]
    args += [
        "--backend",
        "transformers",
        "--beams",
        "1",
        "--metrics",
        "bleu,chrf",
        "--samples",
        "10",
    ]

    def run(name: str, published: dict[str, float] | None, *extra: str) -> tuple[int, dict]:
        _memo_preset(tmp_path / name, published)
        monkeypatch.setenv("FA2EN_PRESETS", str(tmp_path / name))
        code, res = _score(tmp_path, *args, *extra)
        return code, res["results"][0]

    _, first = run("none", None)
    assert first["published"] is None
    measured = {m: round(first[m], 2) for m in ("bleu", "chrf")}
    capsys.readouterr()
    code, row = run("equal", measured, "--check")
    assert code == 0 and row["delta"] == {"bleu": 0.0, "chrf": 0.0}
    assert "warning:" not in capsys.readouterr().out
    higher = {m: v + 5 for m, v in measured.items()}
    code, row = run("higher", higher, "--check", "--out", str(tmp_path / "eval"))
    assert code == 4 and row["delta"] == {"bleu": -5.0, "chrf": -5.0}
    assert f"warning: memo-published on memorised {ADVICE}" in capsys.readouterr().out
    report = (tmp_path / "eval" / "report.md").read_text(encoding="utf-8")
    assert "## Published scores" in report and ADVICE in report
    saved = json.loads((tmp_path / "eval" / "results.json").read_text(encoding="utf-8"))
    assert saved["results"][0]["delta"] == {"bleu": -5.0, "chrf": -5.0}
