"""The metric registry: a metric added from a test runs through `fa2en eval`; option checks; documents."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU

from fa2en.evaluate.data import TestSet, read_lines
from fa2en.evaluate.metrics import METRICS, MetricScore, Significance

LEADERBOARD_HYP = "leaderboard/flores200-devtest.nllb-200-distilled-600M.en"


class LengthRatio:
    """A fake metric: output length as a percentage of the reference length."""

    name, label, higher_is_better = "lenratio", "Len%", True

    def score(
        self, systems: Mapping[str, Sequence[str]], testset: TestSet, significance: Significance
    ) -> dict[str, MetricScore]:
        return {
            n: MetricScore(self.corpus_score(h, testset.ref, testset.src), None, "lenratio|v:1")
            for n, h in systems.items()
        }

    def corpus_score(self, hyps: Sequence[str], refs: Sequence[str], srcs: Sequence[str]) -> float:
        return 100 * sum(map(len, hyps)) / sum(map(len, refs))

    def sentence_score(self, hyp: str, ref: str, src: str) -> float:
        return 100 * len(hyp) / len(ref)


def test_a_metric_registered_from_the_test_runs_end_to_end(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fa2en.cli import main as fa2en_main

    monkeypatch.setitem(METRICS, LengthRatio.name, LengthRatio)
    hyp, ref = data_dir / LEADERBOARD_HYP, data_dir / "flores200" / "devtest.en"
    out = tmp_path / "eval"
    args = ["eval", "--ref", str(ref), "--hyp", f"a={hyp}", "--metrics", "lenratio,bleu"]
    assert fa2en_main([*args, "--samples", "10", "--out", str(out)]) == 0
    (row,) = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    expected = LengthRatio().corpus_score(read_lines(hyp), read_lines(ref), [])
    assert (
        row["lenratio"] == pytest.approx(expected)
        and row["signature"]["lenratio"] == "lenratio|v:1"
    )
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| system | Len% | BLEU |" in report and "`lenratio|v:1`" in report


def test_sacrebleu_metrics_through_the_interface() -> None:
    refs = ["The cat sat on the mat.", "It rained all day in Tehran."]
    hyps = ["The cat sat on a mat.", "It rained all day in Tehran."]
    bleu, chrf, ter = METRICS["bleu"](), METRICS["chrf"](), METRICS["ter"]()
    assert bleu.corpus_score(hyps, refs, []) == pytest.approx(
        BLEU().corpus_score(hyps, [refs]).score
    )
    assert chrf.sentence_score(refs[1], refs[1], "") == 100.0
    assert ter.sentence_score(refs[1], refs[1], "") == 0.0
    assert not ter.higher_is_better and bleu.higher_is_better
    assert METRICS["chrfpp"]().label == "chrF++"


def test_confidence_interval_matches_sacrebleu_confidence(data_dir: Path) -> None:
    hyps = read_lines(data_dir / LEADERBOARD_HYP)[:200]
    refs = read_lines(data_dir / "flores200" / "devtest.en")[:200]
    ts = TestSet("t", [], refs)
    scored = METRICS["bleu"]().score({"a": hyps}, ts, Significance("bs", 100))["a"]
    bleu = BLEU()  # what `sacrebleu --confidence --confidence-n 100` computes
    result = bleu.corpus_score(hyps, [refs], n_bootstrap=100)
    sig = bleu.get_signature().format()
    expected = json.loads(result.format(4, signature=sig, is_json=True))
    assert scored.ci == pytest.approx(expected["confidence_var"], abs=1e-4)
    assert scored.signature == sig and "|bs:100|seed:12345|" in sig and scored.p_value is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "0"], "--limit must be a positive integer, got 0"),
        (["--limit", "-3"], "--limit must be a positive integer, got -3"),
        (["--samples", "0"], "--samples must be a positive integer, got 0"),
        (["--samples", "-1"], "--samples must be a positive integer, got -1"),
        (["--beams", "0"], "--beams must be a positive integer, got 0"),
        (["--metrics", "bleu,meteor"], "--metrics: unknown metric(s) meteor; choose from bleu,"),
        (["--metrics", ","], "--metrics: unknown metric(s) (none given)"),
    ],
)
def test_bad_options_are_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from fa2en.evaluate.cli import main

    assert main(["--testset", "tatoeba", "--hyp", "a=b", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_sacrebleu_info_lines_only_with_verbose(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from fa2en.evaluate.cli import main

    caplog.set_level(logging.INFO)
    args = ["--ref", str(data_dir / "flores200" / "devtest.en"), "--limit", "20"]
    args += ["--hyp", f"a={data_dir / LEADERBOARD_HYP}", "--metrics", "bleu", "--samples", "5"]
    assert main(args) == 0
    assert not [r for r in caplog.records if r.name.startswith("sacrebleu")]
    assert main([*args, "-v"]) == 0
    assert any("Pre-computing" in r.getMessage() for r in caplog.records)


def test_ntrex_is_scored_per_article(data_dir: Path, tmp_path: Path) -> None:
    from fa2en.evaluate.cli import main

    refs = read_lines(data_dir / "ntrex128" / "ntrex128.en")
    ids = read_lines(data_dir / "ntrex128" / "DOCUMENT_IDS.tsv")
    spoiled = sorted(set(ids))[:2]  # two articles whose output is nonsense
    hyp = tmp_path / "h.en"
    lines = ["zzz qqq" if doc in spoiled else ref for ref, doc in zip(refs, ids, strict=True)]
    hyp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "eval"
    args = ["--testset", "ntrex128", "--hyp", f"h={hyp}", "--metrics", "chrf", "--samples", "5"]
    assert main([*args, "--out", str(out)]) == 0
    (row,) = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    docs = row["documents"]
    assert docs["metric"] == "chrf" and len(docs["scores"]) == len(set(ids)) == 123
    assert sorted(docs["scores"], key=docs["scores"].get)[:2] == sorted(
        spoiled, key=docs["scores"].get
    )
    assert all(docs["scores"][d] == 100.0 for d in set(ids) - set(spoiled))
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Per-document chrF" in report
    worst_line = next(line for line in report.splitlines() if "worst:" in line)
    assert all(doc in worst_line for doc in spoiled) and "123 documents" in worst_line


def test_comet_model_is_loaded_once_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    from fa2en.evaluate.run import System, evaluate

    loads: list[str] = []

    class FakeModel:
        def predict(self, data: list[dict], batch_size: int, progress_bar: bool) -> object:
            scores = [float(d["mt"] == d["ref"]) for d in data]
            return types.SimpleNamespace(system_score=sum(scores) / len(scores), scores=scores)

    fake = types.ModuleType("comet")
    fake.download_model = lambda model_id: loads.append(model_id) or "/nowhere"  # type: ignore[attr-defined]
    fake.load_from_checkpoint = lambda path: FakeModel()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "comet", fake)
    hyp = tmp_path / "h.en"
    hyp.write_text("a\nb\nc\nd\n", encoding="utf-8")
    sets = [TestSet(n, ["x"] * 4, ["a", "b", "c", n]) for n in ("one", "two")]
    systems = [System("s", hyp_file=hyp), System("t", hyp_file=hyp)]
    rows, _, notes = evaluate(sets, systems, ["comet"])
    assert loads == ["Unbabel/wmt22-comet-da"] and not notes  # two test sets, two systems, one load
    assert [r.scores["comet"] for r in rows] == [75.0, 75.0, 75.0, 75.0]
