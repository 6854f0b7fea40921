"""`fa2en translate`: folders of articles, formats, resume after a kill, bad files, dry run, stdin."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import Articles, EchoEngine, build_articles
from helpers import translate_args as _args

from fa2en.cli import main


def test_folder_keeps_structure_and_translates_every_sentence(
    memorizer: Path, articles: Articles
) -> None:
    src, out, expected = articles
    assert main(_args(src, out, memorizer)) == 0
    for rel, text in expected.items():
        assert (out / rel).read_text(encoding="utf-8") == text, rel
    assert not list(out.rglob("*.fa2en-tmp"))


def test_rerun_skips_and_changes_are_redone(
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    articles: Articles,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src, out, _ = articles
    assert main(_args(src, out, memorizer)) == 0
    stamp = (out / "news1.txt").stat().st_mtime_ns
    capsys.readouterr()
    assert main(_args(src, out, memorizer)) == 0
    assert "0 done, 4 skipped" in capsys.readouterr().err
    assert (out / "news1.txt").stat().st_mtime_ns == stamp
    (src / "table.tsv").write_text(f"id\ttext\n8\t{article_pairs[13][0]}\n", encoding="utf-8")
    assert main(_args(src, out, memorizer)) == 0
    assert "1 done, 3 skipped" in capsys.readouterr().err
    assert (out / "table.tsv").read_text(
        encoding="utf-8"
    ) == f"id\ttext\n8\t{article_pairs[13][1]}\n"
    assert main(_args(src, out, memorizer, "--digits", "keep")) == 0  # options changed: all redone
    assert "4 done, 0 skipped" in capsys.readouterr().err
    assert main(_args(src, out, memorizer, "--normalize", "false")) == 0
    assert "4 done, 0 skipped" in capsys.readouterr().err


def test_include_exclude_and_several_inputs(
    tmp_path: Path, memorizer: Path, article_pairs: list[tuple[str, str]], articles: Articles
) -> None:
    src, out, _ = articles
    assert (
        main(
            _args(
                src,
                out,
                memorizer,
                "--include",
                "*.txt",
                "--include",
                "*.md",
                "--exclude",
                "news1.*",
            )
        )
        == 0
    )
    written = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    )
    assert written == ["sub/deeper/news2.md"]
    other = tmp_path / "more"
    other.mkdir()
    (other / "x.txt").write_text(article_pairs[0][0], encoding="utf-8")
    both = tmp_path / "both"
    args = _args(src, both, memorizer)
    assert main([args[0], str(other), *args[1:]]) == 0
    assert (both / "articles" / "news1.txt").is_file() and (both / "more" / "x.txt").read_text(
        encoding="utf-8"
    ) == article_pairs[0][1]


def test_bad_files_are_named_and_the_rest_translated(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    src, out = tmp_path / "mixed", tmp_path / "english"
    src.mkdir()
    (src / "good.txt").write_text(article_pairs[0][0] + "\n", encoding="utf-8")
    (src / "latin1.txt").write_bytes("Café au lait, déjà vu\n".encode("latin-1"))
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "empty.txt").write_bytes(b"")
    good_line = json.dumps({"text": article_pairs[1][0]}, ensure_ascii=False)
    (src / "broken.jsonl").write_text(good_line + '\n{"text": "ناتمام\n', encoding="utf-8")
    code = main(_args(src, out, memorizer))
    err = capsys.readouterr().err
    assert code == 1
    assert (out / "good.txt").read_text(encoding="utf-8") == article_pairs[0][1] + "\n"
    assert (out / "empty.txt").read_text(encoding="utf-8") == ""
    assert "2 done, 0 skipped, 0 kept, 3 failed" in err
    assert f"failed: {src / 'latin1.txt'}: not UTF-8 text" in err
    assert f"failed: {src / 'binary.txt'}: binary file" in err
    assert f"failed: {src / 'broken.jsonl'}: line 2: malformed JSON" in err
    for name in ("latin1.txt", "binary.txt", "broken.jsonl"):
        assert not (out / name).exists()


def test_dry_run_counts_the_seed_article(
    data_dir: Path, tmp_path: Path, memorizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = data_dir / "seed" / "000_3c6b0e4aa1e23fa4.txt"
    text = seed.read_text(encoding="utf-8")
    headline, paragraphs = 1, len([p for p in text.strip().split("\n\n") if p.strip()]) - 1
    assert main(_args(seed, tmp_path / "out", memorizer, "--dry-run")) == 0
    err = capsys.readouterr().err
    # one headline and nine paragraphs, each a single sentence ending in its only period
    assert paragraphs == 9 and text.count(".") == 9
    assert (
        f"1 files to translate (0 complete, 0 kept, 0 unreadable), {headline + paragraphs} paragraphs, 10 sentences"
        in err
    )
    assert not (tmp_path / "out").exists()


def test_stdin_to_stdout(
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    text = f"{article_pairs[0][0]}\n\n{article_pairs[1][0]}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(_args("-", None, memorizer)) == 0
    assert capsys.readouterr().out == f"{article_pairs[0][1]}\n\n{article_pairs[1][1]}\n"


def test_config_file_and_its_errors(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "in.txt"
    src.write_text(article_pairs[0][0], encoding="utf-8")
    cfg = tmp_path / "job.yaml"
    cfg.write_text(
        f"model: {memorizer}\nbackend: transformers\nbeams: 1\nquiet: true\n", encoding="utf-8"
    )
    assert main(["translate", str(src), "-o", str(tmp_path / "o"), "--config", str(cfg)]) == 0
    assert (tmp_path / "o" / "in.txt").read_text(encoding="utf-8") == article_pairs[0][1]
    cfg.write_text("modle: x\n", encoding="utf-8")
    assert main(["translate", str(src), "-o", str(tmp_path / "o"), "--config", str(cfg)]) == 2
    assert "unknown option(s) modle" in capsys.readouterr().err


def test_outputs_never_overwrite_inputs(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "articles"
    build_articles(src, article_pairs)
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    assert main(_args(src, src, memorizer)) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before
    # an output folder inside the input folder is never read back as input
    assert main(_args(src, src / "english", memorizer)) == 0
    assert main(_args(src, src / "english", memorizer)) == 0
    assert not (src / "english" / "english").exists()


def test_missing_input_and_model_are_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["translate", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "a.txt").write_text("سلام", encoding="utf-8")
    assert (
        main(
            [
                "translate",
                str(tmp_path / "a.txt"),
                "-o",
                str(tmp_path / "o"),
                "--model",
                "m2m100_418M",
            ]
        )
        == 3
    )
    assert "fa2en download m2m100_418M" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kill", "code"),
    [(signal.SIGTERM, 130), (signal.SIGKILL, -signal.SIGKILL)],
    ids=["term", "kill"],
)
def test_killed_run_resumes_without_loss_or_redoing(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    kill: signal.Signals,
    code: int,
) -> None:
    """Stopped (SIGTERM) or killed outright (SIGKILL): every output and review record is kept."""
    from fa2en.quality.review import read_review

    src, out = tmp_path / "many", tmp_path / "english"
    src.mkdir()
    n = 40

    def article(i: int, side: int) -> str:
        a, b = (
            article_pairs[i % len(article_pairs)],
            article_pairs[(i * 7 + 3) % len(article_pairs)],
        )
        return f"{a[side]}\n\n{b[side]}\n"

    for i in range(n):
        (src / f"a{i:03d}.txt").write_text(article(i, 0), encoding="utf-8")
    cmd = [sys.executable, "-m", "fa2en.cli", *_args(src, out, memorizer, "--wave-sentences", "2")]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = out / ".fa2en-manifest.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= 5:
            break
        time.sleep(0.02)
    proc.send_signal(kill)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    first = {p.name: p.stat().st_mtime_ns for p in out.glob("*.txt")}
    assert 5 <= len(first) < n, "the kill should land mid-run"
    for name in first:  # whatever exists is complete, and has its review
        assert (out / name).read_text(encoding="utf-8") == article(int(name[1:4]), 1)
    assert set(first) <= {r.file for r in read_review(out)}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{n - len(first)} done, {len(first)} skipped, 0 kept, 0 failed" in done.stderr
    left = 2 * (n - len(first))  # two one-sentence paragraphs a file: the counts of this run's work
    assert f"paragraphs: {left}  sentences: {left}" in done.stderr
    for i in range(n):
        assert (out / f"a{i:03d}.txt").read_text(encoding="utf-8") == article(i, 1)
    assert {name: (out / name).stat().st_mtime_ns for name in first} == first
    assert not list(out.rglob("*.fa2en-tmp"))
    # the review has every file once, its two sentences in order, as the page shows them
    review = read_review(out)
    assert sorted((r.file, r.sentence) for r in review) == sorted(
        (f"a{i:03d}.txt", k) for i in range(n) for k in (1, 2)
    )
    journal = (out / ".fa2en-review" / "segments.jsonl").read_text(encoding="utf-8")
    assert len(journal.splitlines()) == 2 * n  # compacted: no older block left
    page = (out / ".fa2en-review" / "index.html").read_text(encoding="utf-8")
    assert all(f"a{i:03d}.txt" in page for i in range(n))


def test_progress_bar_on_a_terminal(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n\n".join(fa for fa, _ in article_pairs[:5]), encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    args = _args(src, tmp_path / "o", memorizer)
    assert main([a for a in args if a != "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "translating" in err and "5/5" in err


def test_memory_holds_one_wave_of_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """However many files, only the current wave's contents are in memory while translating."""
    from fa2en import job

    src = tmp_path / "many"
    src.mkdir()
    for i in range(12):
        (src / f"{i:02d}.txt").write_text(f"جمله {i} یک.\n\nجمله {i} دو.\n", encoding="utf-8")
    live: set[int] = set()
    peak: list[int] = []
    real_load, real_unload = job.load_task, job.FileTask.unload

    def load(task: job.FileTask, opts: job.JobOptions) -> None:
        real_load(task, opts)
        live.add(id(task))

    def unload(task: job.FileTask) -> None:
        real_unload(task)
        live.discard(id(task))

    class Echo(EchoEngine):  # stands in for a model: this test is about memory, not translation
        def translate_detailed(
            self, sentences: list[str], *, progress: object = None, careful: bool = False
        ) -> list:
            peak.append(len(live))
            return super().translate_detailed(sentences)

    monkeypatch.setattr(job, "load_task", load)
    monkeypatch.setattr(job.FileTask, "unload", unload)
    opts = job.JobOptions(wave_sentences=4, review=False)  # about batching, not checks
    summary = job.run_job([src], tmp_path / "out", opts, Echo)
    assert summary.done == 12 and len(peak) == 6 and max(peak) == 2 and not live
    assert (tmp_path / "out" / "03.txt").read_text(
        encoding="utf-8"
    ) == "<جمله 3 یک.>\n\n<جمله 3 دو.>\n"


def test_all_files_batched_together_and_repeats_translated_once(tmp_path: Path) -> None:
    from fa2en import job

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("خبر مشترک.\n\nجمله الف.\n", encoding="utf-8")
    (src / "b.txt").write_text("جمله ب.\n\nخبر مشترک.\n", encoding="utf-8")
    calls: list[list[str]] = []
    summary = job.run_job(
        [src], tmp_path / "out", job.JobOptions(review=False), lambda: EchoEngine(calls)
    )
    assert summary.done == 2 and summary.sentences == 4
    assert len(calls) == 1 and sorted(calls[0]) == sorted(["خبر مشترک.", "جمله الف.", "جمله ب."])
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "<جمله ب.>\n\n<خبر مشترک.>\n"


def test_worker_deaths_reach_the_summary_and_the_pool_is_closed(tmp_path: Path) -> None:
    from fa2en import job

    src = tmp_path / "a.txt"
    src.write_text("جمله.", encoding="utf-8")

    pool = EchoEngine(
        notes=[
            "worker 1 (cpu) died (exit code -9); its unfinished batches were redone by the others"
        ]
    )
    summary = job.run_job([src], tmp_path / "out", job.JobOptions(), lambda: pool)
    assert summary.done == 1 and pool.closed
    assert (
        "worker 1 (cpu) died (exit code -9); its unfinished batches were redone by the others"
        in str(summary)
    )


def test_repair_can_be_turned_off_without_losing_the_review(tmp_path: Path) -> None:
    from fa2en import job

    src = tmp_path / "a.txt"
    src.write_text("جمله اول.\n\nجمله دوم.\n", encoding="utf-8")
    modes: list[bool] = []

    class Copying(EchoEngine):  # echoes the Persian: every sentence is flagged untranslated
        def translate_detailed(
            self, sentences: list[str], *, progress: object = None, careful: bool = False
        ) -> list:
            modes.append(careful)
            return super().translate_detailed(sentences)

    for repair, expected in ((False, [False]), (True, [False, True])):
        modes.clear()
        out = tmp_path / f"out-{repair}"
        summary = job.run_job([src], out, job.JobOptions(repair=repair), Copying)
        assert modes == expected
        assert summary.flagged.get("untranslated") == 2
        assert (out / ".fa2en-review" / "index.html").is_file()


def test_fallback_model_repairs_what_the_first_cannot(
    tmp_path: Path, memorizer: Path, article_pairs: list[tuple[str, str]]
) -> None:
    """A first engine that copies the Persian is flagged; the --fallback-model's English wins."""
    from fa2en import job

    src = tmp_path / "a.txt"
    src.write_text(f"{article_pairs[0][0]}\n\n{article_pairs[1][0]}\n", encoding="utf-8")
    opts = job.JobOptions(fallback_model=str(memorizer), backend="transformers", beams=1)
    summary = job.run_job([src], tmp_path / "out", opts, EchoEngine)
    assert summary.done == 1
    text = (tmp_path / "out" / "a.txt").read_text(encoding="utf-8")
    assert text == f"{article_pairs[0][1]}\n\n{article_pairs[1][1]}\n"
    records = [
        json.loads(line)
        for line in (tmp_path / "out" / ".fa2en-review" / "segments.jsonl").read_text().splitlines()
    ]
    assert [r["repair"]["chosen"] for r in records] == ["fallback", "fallback"]
    assert all("untranslated" in r["repair"]["flags_before"] for r in records)
