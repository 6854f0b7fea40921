"""The quality checks with a real model: forced-decoding scores, calibration, and the review of a job.

The memorising model (``memorizer``) knows 40 TICO-19 pairs by heart. Its memorised references score
near 0 under it, another line's reference far lower; sentences it never saw come out as fluent
English that belongs to other sources.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from helpers import translate_args

from fa2en.cli import main
from fa2en.quality import load_quality_config
from fa2en.quality.config import CONFIG_HOME_ENV, save_calibration
from fa2en.quality.review import REVIEW_DIR

#: FLORES-200 dev lines the memorizer never saw
UNSEEN_LINES = 30


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _qa(src: Path, hyp: Path, model: Path, out: Path) -> list[dict]:
    args = ["qa", "--src", str(src), "--hyp", str(hyp), "--model", str(model)]
    assert main([*args, "--device", "cpu", "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))["segments"]


def test_qa_model_scores_the_right_reference_above_another(
    tmp_path: Path, memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    src = _write(tmp_path / "src.fa", [fa for fa, _ in memorized_pairs])
    refs = [en for _, en in memorized_pairs]
    right = _qa(src, _write(tmp_path / "right.en", refs), memorizer, tmp_path / "right.json")
    other = refs[1:] + refs[:1]
    wrong = _qa(src, _write(tmp_path / "wrong.en", other), memorizer, tmp_path / "wrong.json")
    assert len(right) == len(wrong) == len(refs)
    for r, w in zip(right, wrong, strict=True):
        assert "low-confidence" not in r["flags"]
        assert r["confidence"] > w["confidence"], (r, w)


def test_qa_model_leaves_a_line_it_cannot_take_unscored_and_goes_on(
    tmp_path: Path, memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    fa, en = memorized_pairs[0]
    # 1,200 letters without a space: longer than the model's 256 positions
    src = _write(tmp_path / "src.fa", [fa, "ب" * 1200, fa])
    hyp = _write(tmp_path / "hyp.en", [en, "Something.", en])
    segments = _qa(src, hyp, memorizer, tmp_path / "qa.json")
    assert [s["confidence"] is None for s in segments] == [False, True, False]
    assert segments[0]["confidence"] == pytest.approx(segments[2]["confidence"])


def _segments(outdir: Path) -> dict[str, list[dict]]:
    by_file: dict[str, list[dict]] = {}
    for line in (outdir / REVIEW_DIR / "segments.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_file.setdefault(record["file"], []).append(record)
    return by_file


def test_calibrated_memorizer_flags_what_it_never_saw(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memorizer: Path,
    reverse_memorizer: Path,
    memorized_pairs: list[tuple[str, str]],
    data_dir: Path,
) -> None:
    monkeypatch.setenv(CONFIG_HOME_ENV, str(tmp_path / "config"))
    fa = [s for s, _ in memorized_pairs]
    en = [e for _, e in memorized_pairs]
    # the default thresholds are far below what these models give anything, so their own
    # references calibrate them; calibration needs 50 lines and the models know 40: the pairs are
    # given twice (the percentiles of a list repeated are those of the list)
    src, ref = _write(tmp_path / "cal.fa", fa * 2), _write(tmp_path / "cal.en", en * 2)
    assert load_quality_config(str(memorizer)).of("low-confidence")["min"] == -1.5
    calibrate = ["qa", "--calibrate", "--model", str(memorizer), "--src", str(src)]
    reverse = ["--reverse-model", str(reverse_memorizer)]
    assert main([*calibrate, *reverse, "--ref", str(ref), "--device", "cpu"]) == 0
    fitted = load_quality_config(str(memorizer), reverse=str(reverse_memorizer))
    assert -0.2 < fitted.of("low-confidence")["min"] < 0
    assert -0.2 < fitted.of("unrelated")["min"] < 0
    # the reverse threshold is the reverse model's own: not applied to it as a translating model
    assert load_quality_config(str(memorizer)).of("unrelated")["min"] == -3.0

    inputs = tmp_path / "in"
    inputs.mkdir()
    unseen = (data_dir / "flores200" / "dev510.fa").read_text(encoding="utf-8").splitlines()
    # one paragraph a line
    (inputs / "unseen.txt").write_text("\n\n".join(unseen[:UNSEEN_LINES]) + "\n", encoding="utf-8")
    (inputs / "memorised.txt").write_text("\n\n".join(fa) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(translate_args(inputs, out, memorizer, *reverse)) == 0
    by_file = _segments(out)

    # memorised sentences: exactly as memorised, unflagged, never touched by repair
    assert (out / "memorised.txt").read_text(encoding="utf-8") == "\n\n".join(en) + "\n"
    for record, english in zip(by_file["memorised.txt"], en, strict=True):
        assert record["output"] == english
        assert record["flags"] == [] and record["repair"] is None
        assert record["reverse"] > fitted.of("unrelated")["min"]

    # every unseen sentence is flagged (before or after repair), including those the memorizer
    # turns, sure of itself, into one of its memorised English sentences word for word: the
    # reverse model finds that English does not explain the source
    assert len(by_file["unseen.txt"]) >= UNSEEN_LINES
    verbatim = 0
    for record in by_file["unseen.txt"]:
        first = record["repair"]["flags_before"] if record["repair"] else record["flags"]
        assert first, record
        if record["repair"] and record["repair"]["chosen"] == "first" and record["output"] in en:
            verbatim += 1
            assert "unrelated" in first, record
    # the case the reverse check exists for does occur here
    assert verbatim > 0


def test_qa_reverse_model_flags_outputs_that_belong_to_other_sources(
    tmp_path: Path,
    memorizer: Path,
    reverse_memorizer: Path,
    memorized_pairs: list[tuple[str, str]],
) -> None:
    """Each memorised source with its own English passes; with another line's English: unrelated."""
    fa = [s for s, _ in memorized_pairs]
    en = [e for _, e in memorized_pairs]
    src = _write(tmp_path / "src.fa", fa)

    def qa(name: str, hyp: list[str], *extra: str) -> list[dict]:
        args = ["qa", "--src", str(src), "--hyp", str(_write(tmp_path / f"{name}.en", hyp))]
        args += ["--reverse-model", str(reverse_memorizer), "--device", "cpu", *extra]
        assert main([*args, "--json", str(tmp_path / f"{name}.json")]) == 0
        return json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))["segments"]

    # the threshold as calibration sets it: the lowest score of the right pairs, rounded down
    right = [segment["reverse"] for segment in qa("right", en)]
    assert all(-0.1 < score < 0 for score in right), right
    config = tmp_path / "q.yaml"
    config.write_text(f"defaults:\n  unrelated:\n    min: {math.floor(min(right) * 100) / 100}\n")
    for name, hyp, flagged in (("right", en, False), ("wrong", en[1:] + en[:1], True)):
        for segment in qa(name, hyp, "--quality-config", str(config)):
            assert ("unrelated" in segment["flags"]) is flagged, segment


def test_eval_of_a_model_reports_its_flags_and_confidence_correlation(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], data_dir: Path
) -> None:
    from fa2en.evaluate.data import TestSet
    from fa2en.evaluate.run import System, evaluate
    from fa2en.translator import Translator

    unseen_fa = (data_dir / "flores200" / "dev510.fa").read_text(encoding="utf-8").splitlines()
    unseen_en = (data_dir / "flores200" / "dev510.en").read_text(encoding="utf-8").splitlines()
    ts = TestSet(
        "mixed",
        [fa for fa, _ in memorized_pairs[:20]] + unseen_fa[:10],
        [en for _, en in memorized_pairs[:20]] + unseen_en[:10],
    )
    rows, _, _ = evaluate(
        [ts],
        [System("memorizer", model=str(memorizer))],
        ["chrf"],
        load_translator=lambda m: Translator.load(m, "cpu", backend="transformers", num_beams=1),
    )
    flags = rows[0].flags
    assert flags is not None and flags["lines"] == 30 and flags["confidence_lines"] == 30
    # the 10 unseen lines are the bad ones; memorised lines are never flagged
    assert flags["bad"] == 10 and flags["precision"] == 1.0
    assert flags["spearman_confidence_chrf"] > 0.3


def test_eval_with_a_reverse_model_flags_outputs_of_other_sources(
    tmp_path: Path,
    reverse_memorizer: Path,
    memorized_pairs: list[tuple[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scripts/eval.py --reverse-model``: unrelated joins the flags, precision and recall."""
    from fa2en.evaluate.cli import main as eval_main

    fa = [s for s, _ in memorized_pairs]
    en = [e for _, e in memorized_pairs]
    # the first 30 lines right, the last 10 another line's English (fluent, unrelated, chrF low)
    shuffled = en[:30] + en[31:] + en[30:31]
    src, ref = _write(tmp_path / "src.fa", fa), _write(tmp_path / "ref.en", en)
    hyp = _write(tmp_path / "hyp.en", shuffled)
    out = tmp_path / "eval"
    args = ["--src", str(src), "--ref", str(ref), "--hyp", f"mixed={hyp}", "--metrics", "chrf"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CONFIG_HOME_ENV, str(tmp_path / "config"))
        # the threshold is the reverse model's own (as --calibrate --reverse-model saves it)
        save_calibration(str(reverse_memorizer), {"unrelated": {"min": -1.0}})
        rev = ["--reverse-model", str(reverse_memorizer), "--device", "cpu"]
        assert eval_main([*args, *rev, "--out", str(out)]) == 0
    flags = json.loads((out / "results.json").read_text())["results"][0]["flags"]
    # the 10 bad lines, all found by unrelated; the right ones may carry a human reference's
    # length-ratio or numbers flag (as without a reverse model)
    assert flags["bad"] == 10 and flags["by_flag"]["unrelated"] == 10 and flags["recall"] == 1.0
    capsys.readouterr()
    assert eval_main([*args, "--reverse-model", "same"]) == 2
    assert "--reverse-model same" in capsys.readouterr().err
