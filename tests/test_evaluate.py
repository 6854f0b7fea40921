"""Evaluation harness: exact sacrebleu numbers, significance, end-to-end reports, input errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from fa2en.evaluate.cli import main
from fa2en.evaluate.data import catalogue, load_testset, read_lines


def _flores(data_dir: Path, tmp_path: Path, systems: dict[str, Path], *extra: str) -> dict:
    """Score ``systems`` (name -> hypothesis file) on FLORES-200 devtest; the parsed --json."""
    hyps = [a for name, path in systems.items() for a in ("--hyp", f"{name}={path}")]
    return _run(tmp_path, "--ref", str(data_dir / "flores200" / "devtest.en"), *hyps, *extra)


def _run(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "r.json"
    assert main([*args, "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_reproduces_the_published_leaderboard_scores(data_dir: Path, tmp_path: Path) -> None:
    with open(data_dir / "leaderboard" / "published.tsv", encoding="utf-8") as fh:
        published = list(csv.DictReader(fh, delimiter="\t"))
    for pub in published:
        hyp = data_dir / "leaderboard" / Path(pub["hyp_file"]).name
        res = _run(
            tmp_path, "--ref", str(data_dir / pub["ref_file"]), "--hyp", f"{pub['system']}={hyp}"
        )
        (row,) = res["results"]
        assert row["testset"] == pub["testset"]
        assert row["lines"] == int(pub["lines"])
        assert round(row["bleu"], 1) == float(pub["bleu"])
        assert round(row["chrf"], 3) == float(pub["chrf"])
        assert round(row["chrfpp"], 3) == float(pub["chrfpp"])
        assert row["signature"]["bleu"].startswith(
            "nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:"
        )  # as `sacrebleu --confidence` prints it
        assert "nw:2" in row["signature"]["chrfpp"]
        assert 0 < row["ter"] < 100
        # the system is named after its preset, whose published figures are these: delta 0
        assert row["delta"] == {"bleu": 0.0, "chrf": 0.0, "chrfpp": 0.0}
        assert row["published"]["source"].startswith("https://")


def test_paired_significance_and_self_comparison(data_dir: Path, tmp_path: Path) -> None:
    hyp = data_dir / "leaderboard" / "flores200-devtest.nllb-200-distilled-600M.en"
    worse = tmp_path / "worse.en"
    lines = [line.lower() if i % 2 else line for i, line in enumerate(read_lines(hyp))]
    worse.write_text("\n".join(lines) + "\n", encoding="utf-8")
    systems = {"a": hyp, "same": hyp, "worse": worse}
    res = _flores(data_dir, tmp_path, systems, "--metrics", "bleu,chrf", "--samples", "200")
    rows = {r["system"]: r for r in res["results"]}
    assert rows["a"]["p_value"] is None
    assert rows["same"]["p_value"] == {"bleu": 1.0, "chrf": 1.0}  # not significantly different
    assert rows["worse"]["p_value"]["bleu"] < 0.05 and rows["worse"]["baseline"] == "a"
    assert rows["worse"]["bleu"] < rows["a"]["bleu"]
    assert "paired-bootstrap" in rows["worse"]["signature"]["significance"]
    ar = _flores(
        data_dir,
        tmp_path,
        {"a": hyp, "worse": worse},
        "--metrics",
        "bleu",
        "--significance",
        "ar",
        "--samples",
        "200",
    )
    assert ar["results"][1]["p_value"]["bleu"] < 0.05


def test_end_to_end_with_a_model(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    src, ref = tmp_path / "t.fa", tmp_path / "t.en"
    src.write_text("\n".join(fa for fa, _ in memorized_pairs) + "\n", encoding="utf-8")
    ref.write_text("\n".join(en for _, en in memorized_pairs) + "\n", encoding="utf-8")
    out = tmp_path / "eval"
    res = _run(
        tmp_path,
        "--src",
        str(src),
        "--ref",
        str(ref),
        "--model",
        f"mem={memorizer}",
        "--backend",
        "transformers",
        "--beams",
        "1",
        "--metrics",
        "bleu,chrf",
        "--samples",
        "100",
        "--out",
        str(out),
    )
    (row,) = res["results"]
    assert row["bleu"] >= 95
    speed = row["speed"]
    assert (
        speed["sentences_per_second"] > 0
        and speed["output_tokens_per_second"] > 0
        and speed["peak_rss_mb"] > 0
    )
    assert (
        speed["device"] == "cpu" and speed["precision"] == "float32" and speed["load_seconds"] > 0
    )
    assert (
        (out / "results.json").is_file()
        and (out / "report.md").is_file()
        and (out / "chart.png").is_file()
    )
    assert (out / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert read_lines(out / "hyps" / "t" / "mem.en") == [en for _, en in memorized_pairs]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| mem |" in report and "nrefs:1" in report


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("short", "has 3 lines but test set 'flores200-devtest' has 1012 references"),
        ("empty", "is empty"),
        ("missing", "file not found"),
    ],
)
def test_bad_hypothesis_files(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    hyp = tmp_path / "h.en"
    if setup == "short":
        hyp.write_text("a\nb\nc\n", encoding="utf-8")
    elif setup == "empty":
        hyp.write_text("", encoding="utf-8")
    good = data_dir / "leaderboard" / "flores200-devtest.nllb-200-distilled-600M.en"
    code = main(
        [
            "--ref",
            str(data_dir / "flores200" / "devtest.en"),
            "--hyp",
            f"good={good}",
            "--hyp",
            f"bad={hyp}",
            "--json",
            str(tmp_path / "r.json"),
        ]
    )
    err = capsys.readouterr()
    assert code == 2
    assert message in err.err and str(hyp) in err.err
    assert not (tmp_path / "r.json").exists()  # nothing scored
    assert "BLEU" not in err.out


def test_misaligned_source_and_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.fa").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "r.en").write_text("a\n", encoding="utf-8")
    assert (
        main(["--src", str(tmp_path / "s.fa"), "--ref", str(tmp_path / "r.en"), "--hyp", "x=y"])
        == 2
    )
    assert "line counts differ" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--testset", "no-such-set", "--hyp", "a=b"], "unknown test set 'no-such-set'"),
        (
            ["--testset", "tatoeba", "--hyp", "a=b", "--metrics", "bleu,meteor"],
            "unknown metric(s) meteor",
        ),
        (["--testset", "tatoeba", "idioms", "--hyp", "a=b"], "belong to one test set"),
        (["--testset", "tatoeba"], "no systems to evaluate"),
        (["--testset", "tatoeba", "--hyp", "nofile"], "--hyp takes NAME=FILE"),
    ],
)
def test_argument_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_every_local_testset_loads_aligned(data_dir: Path) -> None:
    _, sets = catalogue()
    local = [n for n, spec in sets.items() if "hub" not in spec]
    assert len(local) >= 8
    for name in local:
        ts = load_testset(name, data_dir, limit=5)
        assert len(ts.src) == len(ts.ref) == 5
        assert ts.as_dataset().num_rows == 5


def test_hub_testset_offline_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    assert main(["--testset", "flores-plus-devtest", "--hyp", "a=b"]) == 2
    assert "comes from the Hugging Face hub" in capsys.readouterr().err


def test_comet_is_skipped_with_a_note_when_unavailable(data_dir: Path, tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("comet") is not None:
        pytest.skip("unbabel-comet is installed here")
    hyp = data_dir / "leaderboard" / "flores200-devtest.nllb-200-distilled-600M.en"
    res = _flores(
        data_dir,
        tmp_path,
        {"a": hyp},
        "--metrics",
        "bleu,comet",
        "--samples",
        "10",
        "--limit",
        "50",
    )
    (row,) = res["results"]
    assert "comet" not in row and row["lines"] == 50
    assert any(n.startswith("COMET skipped") for n in res["notes"])
