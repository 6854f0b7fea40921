"""The review writer, the summary line, ``fa2en qa`` and calibration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fa2en.cli import main
from fa2en.errors import Fa2enError
from fa2en.quality import Flag
from fa2en.quality import cli as qa_cli
from fa2en.quality.calibrate import fit_length_ratio, fit_low_confidence, length_ratios
from fa2en.quality.config import load_quality_config, packaged_path, read_file
from fa2en.quality.review import (
    SegmentRecord,
    append_review,
    read_review,
    rebuild_review,
    render_html,
    review_is_stale,
    summary_line,
    write_review,
)


@pytest.fixture(autouse=True)
def _config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FA2EN_CONFIG_HOME", str(tmp_path / "config-home"))


def records() -> list[SegmentRecord]:
    loop = Flag("repetition", "'sorry' 5 times in a row")
    return [
        SegmentRecord.build("a.txt", 1, 1, "سلام <b>دنیا</b>", "Hello <b>world</b> & co", -0.2, []),
        SegmentRecord.build("b.txt", 1, 1, "متن", "sorry sorry sorry sorry sorry", -2.5, [loop]),
        SegmentRecord.build("b.txt", 2, 1, "۵ نفر", "people", None, [Flag("numbers", "5 missing")]),
        SegmentRecord.build("c.txt", 1, 2, "خوب", "Good", -0.1, [], repair={"tried": ["beam 8"]}),
    ]


def test_summary_line_counts_by_reason() -> None:
    assert summary_line([["repetition"], [], ["numbers", "repetition"], ["repetition"]]) == (
        "flagged: 3 of 4 sentences (repetition 3, numbers 1)"
    )
    assert summary_line([[], []]) == "flagged: 0 of 2 sentences"


def test_write_review_writes_segments_and_page(tmp_path: Path) -> None:
    write_review(tmp_path, records())
    lines = (tmp_path / ".fa2en-review" / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows[1] == {
        "file": "b.txt",
        "paragraph": 1,
        "sentence": 1,
        "source": "متن",
        "output": "sorry sorry sorry sorry sorry",
        "confidence": -2.5,
        "flags": ["repetition"],
        "reasons": {"repetition": "'sorry' 5 times in a row"},
        "repair": None,
        "reverse": None,
    }
    assert rows[3]["repair"] == {"tried": ["beam 8"]}
    assert (tmp_path / ".fa2en-review" / "index.html").is_file()


def test_journal_keeps_each_files_latest_block_and_skips_a_cut_line(tmp_path: Path) -> None:
    def rec(file: str, sentence: int, output: str) -> SegmentRecord:
        return SegmentRecord.build(file, 1, sentence, "متن", output, -0.1, [])

    append_review(tmp_path, [rec("a.txt", 1, "old 1"), rec("a.txt", 2, "old 2")])
    append_review(tmp_path, [rec("b.txt", 1, "b 1")])
    append_review(tmp_path, [rec("a.txt", 1, "new 1")])  # a.txt translated again: one sentence
    journal = tmp_path / ".fa2en-review" / "segments.jsonl"
    with journal.open("a", encoding="utf-8") as f:
        f.write('{"file": "c.txt", "paragr')  # a write cut short by a kill
    assert [(r.file, r.output) for r in read_review(tmp_path)] == [
        ("a.txt", "new 1"),
        ("b.txt", "b 1"),
    ]
    assert review_is_stale(tmp_path)
    rebuild_review(tmp_path)
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 2
    assert "new 1" in (tmp_path / ".fa2en-review" / "index.html").read_text(encoding="utf-8")
    assert not review_is_stale(tmp_path)  # a run that finished needs no second rebuild
    append_review(tmp_path, [rec("c.txt", 1, "c 1")])
    assert review_is_stale(tmp_path)


def test_page_is_escaped_ordered_and_self_contained() -> None:
    page = render_html(records())
    assert "<b>world</b>" not in page and "Hello &lt;b&gt;world&lt;/b&gt; &amp; co" in page
    assert "<script" not in page and "http" not in page.replace('content="width', "")
    # b.txt (2 of 2 flagged) before a.txt and c.txt (0 flagged, by name)
    assert page.index("<h2>b.txt") < page.index("<h2>a.txt") < page.index("<h2>c.txt")
    assert page.count('<tr class="flagged">') == 2
    assert page.count('dir="rtl" lang="fa"') == 4
    assert "flagged: 2 of 4 sentences (repetition 1, numbers 1)" in page


def _files(tmp_path: Path, src: list[str], hyp: list[str]) -> tuple[Path, Path]:
    s, h = tmp_path / "s.fa", tmp_path / "h.en"
    s.write_text("".join(x + "\n" for x in src), encoding="utf-8")
    h.write_text("".join(x + "\n" for x in hyp), encoding="utf-8")
    return s, h


SRC = ["دولت روز دوشنبه اعلام کرد که قیمت نان در سال آینده افزایش نخواهد یافت.", "۵ نفر آمدند."]
HYP = [
    "The government announced on Monday that the price of bread will not rise next year.",
    "People came.",
]


def test_qa_json_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s, h = _files(tmp_path, SRC, HYP)
    out = tmp_path / "qa.json"
    assert main(["qa", "--src", str(s), "--hyp", str(h), "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(x["line"], x["flags"], x["confidence"]) for x in data["segments"]] == [
        (1, [], None),
        (2, ["numbers"], None),
    ]
    assert data["summary"]["flagged"] == 1 and data["summary"]["by_flag"] == {"numbers": 1}
    text = capsys.readouterr().out
    assert "low-confidence: skipped" in text and "flagged: 1 of 2 sentences (numbers 1)" in text


def test_qa_misaligned_files_name_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s, h = _files(tmp_path, SRC, HYP[:1])
    assert main(["qa", "--src", str(s), "--hyp", str(h)]) == 2
    err = capsys.readouterr().err
    assert f"{s} has 2 lines but {h} has 1" in err


def test_qa_reads_utf16_like_translate_and_names_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s, h = _files(tmp_path, SRC, HYP)
    h.write_bytes("".join(x + "\n" for x in HYP).encode("utf-16"))  # with its byte-order mark
    out = tmp_path / "qa.json"
    assert main(["qa", "--src", str(s), "--hyp", str(h), "--json", str(out)]) == 0
    assert [x["flags"] for x in json.loads(out.read_text(encoding="utf-8"))["segments"]] == [
        [],
        ["numbers"],
    ]
    capsys.readouterr()
    assert main(["qa", "--src", str(tmp_path), "--hyp", str(h)]) == 2
    assert f"{tmp_path} is a folder" in capsys.readouterr().err


def test_qa_with_a_model_scores_low_confidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    class Fake:  # stands in for a loaded model: forced-decoding scores, given
        def score(self, sources: list[str], hyps: list[str]) -> list[float]:
            calls.append(len(sources))
            return [-0.2, -3.0]

        def close(self) -> None:
            calls.append("closed")

    def load(model: str, device: str | None) -> Fake:
        calls.append((model, device))
        return Fake()

    monkeypatch.setattr(qa_cli, "load_model", load)
    s, h = _files(tmp_path, SRC, HYP)
    out = tmp_path / "qa.json"
    assert (
        main(
            [
                "qa",
                "--src",
                str(s),
                "--hyp",
                str(h),
                "--model",
                "m",
                "--device",
                "cpu",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert calls == [("m", "cpu"), 2, "closed"]  # loaded once, scored once, released
    assert data["segments"][1]["flags"] == ["low-confidence", "numbers"]
    assert data["segments"][0]["confidence"] == -0.2
    assert data["summary"]["skipped"] == [
        "unrelated: skipped (no --reverse-model to score the sources)"
    ]


def test_fits_on_plain_numbers() -> None:
    confidences = [-0.01 * i for i in range(1, 101)]
    assert fit_low_confidence(confidences) == -1.0
    lo, hi = fit_length_ratio([1.0] * 98 + [0.5, 2.0])
    assert lo < 1.0 < hi and lo >= 0.5 and hi <= 2.0
    with pytest.raises(Fa2enError, match="at least 50"):
        fit_low_confidence([-0.5] * 10)


def test_shipped_length_ratio_refits_from_the_human_dev_references(data_dir: Path) -> None:
    sources, refs = [], []
    for name in ["flores200/dev510", "tico19/dev"]:
        sources += (data_dir / f"{name}.fa").read_text(encoding="utf-8").splitlines()
        refs += (data_dir / f"{name}.en").read_text(encoding="utf-8").splitlines()
    shipped = read_file(packaged_path())["defaults"]["length-ratio"]
    ratios = length_ratios(sources, refs, shipped["min_source_chars"])
    assert fit_length_ratio(ratios) == (shipped["min"], shipped["max"])


def test_calibrate_saves_thresholds_the_checks_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    src = (data_dir / "flores200/dev510.fa").read_text(encoding="utf-8").splitlines()[:100]
    ref = (data_dir / "flores200/dev510.en").read_text(encoding="utf-8").splitlines()[:100]

    class Fake:
        def score(self, s: list[str], h: list[str]) -> list[float]:
            return [-0.4 - i / 100 for i in range(len(s))]

        def close(self) -> None:
            pass

    monkeypatch.setattr(qa_cli, "load_model", lambda m, d: Fake())
    s, r = _files(tmp_path, src, ref)
    assert main(["qa", "--calibrate", "--model", "toy", "--src", str(s), "--ref", str(r)]) == 0
    config = load_quality_config("toy")
    assert config.of("low-confidence")["min"] == -1.39
    assert 0.3 < config.of("length-ratio")["min"] < 1 < config.of("length-ratio")["max"] < 3
    assert load_quality_config("other").of("low-confidence")["min"] == -1.5


def test_calibrate_needs_model_and_ref(tmp_path: Path) -> None:
    s, r = _files(tmp_path, SRC, HYP)
    assert main(["qa", "--calibrate", "--src", str(s), "--ref", str(r)]) == 2
