"""Promises at the edges: bad options, over-long sentences, hand edits, provenance, byte-exact output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Articles
from helpers import translate_args as _args

from fa2en.cli import main

# -- options are checked before any work ---------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--beams", "0"], "--beams"),
        (["--beams", "-1"], "--beams"),
        (["--max-tokens", "0"], "--max-tokens"),
        (["--max-tokens", "-5"], "--max-tokens"),
        (["--batch-size", "0"], "--batch-size"),
        (["--threads", "-1"], "--threads"),
        (["--device", "gpu"], "--device"),
        (["--workers", "0"], "--workers"),
        (["--wave-sentences", "0"], "--wave-sentences"),
    ],
)
def test_bad_option_is_one_line_exit_2(
    tmp_path: Path, extra: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("سلام.\n", encoding="utf-8")
    # the model does not exist: a message about it would mean the options were checked too late
    code = main(["translate", str(src), "-o", str(tmp_path / "o"), "--model", "no-such", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"fa2en: error: {named}: ")
    assert "expected" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("value", ["float8", "int4"])
def test_bad_precision_is_refused_by_the_parser(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["translate", str(tmp_path), "-o", str(tmp_path / "o"), "--dtype", value])
    assert exit_.value.code == 2
    assert "--dtype" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("beams: 0\n", "beams: 0 is not allowed; expected a whole number >= 1"),
        ("dtype: float8\n", "dtype: 'float8' is not allowed; expected one of auto"),
        ("device: gpu\n", "device: 'gpu' is not allowed"),
        ("batch_size: [1]\n", "batch_size: [1] is not allowed"),
        ("beams: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_bad_config_file_is_one_line_exit_2(
    tmp_path: Path, yaml_text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "job.yaml"
    cfg.write_text(yaml_text, encoding="utf-8")
    code = main(["translate", str(tmp_path), "-o", str(tmp_path / "o"), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert str(cfg) in err and expected in err


def test_cuda_without_a_gpu_is_exit_3(
    tmp_path: Path, memorizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    src = tmp_path / "in.txt"
    src.write_text("سلام.\n", encoding="utf-8")
    code = main(_args(src, tmp_path / "o", memorizer, "--device", "cuda"))
    err = capsys.readouterr().err
    assert code == 3
    assert err.strip().splitlines()[-1].startswith("fa2en: error: --device cuda: no such CUDA GPU")
    assert "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "job.yaml"
    cfg.write_text("beams: 0\n", encoding="utf-8")
    from fa2en.errors import ConfigError

    with pytest.raises(ConfigError):
        main(
            ["--debug", "translate", str(tmp_path), "-o", str(tmp_path / "o"), "--config", str(cfg)]
        )


def test_output_folder_that_is_a_file_fails_before_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("سلام.\n", encoding="utf-8")
    blocker = tmp_path / "taken"
    blocker.write_text("x", encoding="utf-8")
    for out in (blocker, blocker / "sub"):
        assert main(["translate", str(src), "-o", str(out), "--model", "no-such"]) == 2
        err = capsys.readouterr().err
        assert f"-o {out}" in err and "no-such" not in err


def test_binary_standard_input_is_a_clear_error(tmp_path: Path, memorizer: Path) -> None:
    for data, expected in (
        (b"\xff\xfe\x00\x01abc", "<stdin>"),
        (b"caf\xe9\n", "<stdin>: not UTF-8"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "fa2en.cli", *_args("-", None, memorizer)],
            input=data,
            capture_output=True,
            timeout=300,
        )
        err = run.stderr.decode()
        assert run.returncode == 1, err
        assert expected in err and "Traceback" not in err


# -- one bad sentence never loses a run ----------------------------------------------------------


def test_over_long_line_is_reported_and_every_other_file_written(
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    articles: Articles,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src, out, expected = articles
    # 400+ tokens with no space and no clause break: longer than the model's 256 positions
    (src / "long.txt").write_text("ب" * 1200 + "\n", encoding="utf-8")
    # 400+ tokens of words without punctuation: split into word windows and translated
    words = " ".join(fa.rstrip(".؟!") for fa, _ in article_pairs[:12])
    (src / "unpunctuated.txt").write_text(words + "\n", encoding="utf-8")
    code = main(_args(src, out, memorizer))
    err = capsys.readouterr().err
    assert code == 1
    for rel, text in expected.items():
        assert (out / rel).read_text(encoding="utf-8") == text, rel
    assert (out / "unpunctuated.txt").read_text(encoding="utf-8").strip()
    assert not (out / "long.txt").exists()
    assert f"failed: {src / 'long.txt'}: 1 sentence(s) not translated; sentence 1:" in err
    assert "longer than the model takes (256 tokens)" in err
    assert "5 done" in err


# -- never destroy a user's edit --------------------------------------------------------------


def test_hand_edits_and_foreign_files_are_kept(
    memorizer: Path,
    articles: Articles,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src, out, _ = articles
    out.mkdir()
    (out / "table.tsv").write_text("mine\n", encoding="utf-8")  # not fa2en's
    assert main(_args(src, out, memorizer)) == 0
    assert (out / "table.tsv").read_text(encoding="utf-8") == "mine\n"
    edited = "An editor's better headline.\n"
    (out / "news1.txt").write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(_args(src, out, memorizer)) == 0
    err = capsys.readouterr().err
    assert (out / "news1.txt").read_text(encoding="utf-8") == edited
    assert "news1.txt was edited after fa2en wrote it; kept (--overwrite redoes it)" in err
    assert main(_args(src, out, memorizer, "--dry-run")) == 0
    assert "dry run: 0 files to translate (2 complete, 2 kept" in capsys.readouterr().err
    assert main(_args(src, out, memorizer, "--overwrite")) == 0
    assert (out / "news1.txt").read_text(encoding="utf-8") != edited
    assert (out / "table.tsv").read_text(encoding="utf-8") == "mine\n"  # --overwrite: still kept


def test_outputs_honour_the_umask(tmp_path: Path, memorizer: Path, article_pairs: list) -> None:
    src = tmp_path / "in.txt"
    src.write_text(article_pairs[0][0] + "\n", encoding="utf-8")
    old = os.umask(0o027)
    try:
        assert main(_args(src, tmp_path / "o", memorizer)) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "o" / "in.txt").stat().st_mode & 0o777 == 0o640


# -- provenance ------------------------------------------------------------------------------------


def test_outputs_of_another_engine_or_checkpoint_are_redone(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    articles: Articles,
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = tmp_path / "model"
    shutil.copytree(memorizer, model)
    src, out, _ = articles
    assert main(_args(src, out, model)) == 0
    entries = [json.loads(x) for x in (out / ".fa2en-manifest.jsonl").read_text().splitlines()]
    made = json.loads(entries[0]["provenance"])
    assert made["backend"] == "transformers" and made["device"] == "cpu"
    assert made["precision"] == "float32" and made["fingerprint"].startswith("sha256:")
    # a new file forces a model load; the complete ones were made with the same setup: kept
    (src / "new.txt").write_text(article_pairs[13][0] + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(_args(src, out, model)) == 0
    assert "1 done, 4 skipped" in capsys.readouterr().err
    # the checkpoint changes (same names and sizes would not fool a content hash)
    (src / "new2.txt").write_text(article_pairs[12][0] + "\n", encoding="utf-8")
    config = model / "generation_config.json"
    config.write_text(config.read_text() + " ", encoding="utf-8")
    assert main(_args(src, out, model)) == 0
    err = capsys.readouterr().err
    assert "6 done, 0 skipped" in err and "made by another model" in err


# -- the same answer either way ---------------------------------------------------------------------


def test_beam_search_results_do_not_depend_on_batch_mates(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    from fa2en import Translator

    t = Translator.load(str(memorizer), backend="transformers", num_beams=4)
    sources = [fa for fa, _ in memorized_pairs[:16]]
    together = t.translate(sources)
    t.max_batch_size = 1
    alone = t.translate(sources)
    assert together == alone


def test_both_backends_stop_at_the_same_cap(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    from dataclasses import replace

    from fa2en import Translator

    sources = [fa for fa, _ in memorized_pairs[:12]]
    outputs = []
    for backend in ("transformers", "ctranslate2"):
        t = Translator.load(str(memorizer), backend=backend, dtype="float32", num_beams=1)
        t.generation = replace(t.generation, max_new_tokens=7, max_length_b=0)
        outputs.append(t.translate_detailed(sources))
    assert [r.text for r in outputs[0]] == [r.text for r in outputs[1]]
    assert all(r.truncated for r in outputs[0] + outputs[1])
    for a, b in zip(*outputs, strict=True):
        assert a.confidence is not None and b.confidence is not None
        assert abs(a.confidence - b.confidence) < 0.05


# -- quiet by default --------------------------------------------------------------------------


def test_translate_prints_no_library_noise(
    tmp_path: Path, memorizer: Path, article_pairs: list
) -> None:
    src = tmp_path / "in.txt"
    src.write_text(article_pairs[0][0] + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "fa2en.cli", *_args(src, tmp_path / "o", memorizer)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Loading weights" not in run.stderr
    assert "max_new_tokens" not in run.stderr and "Token indices" not in run.stderr
    assert "files: 1 done" in run.stderr


# -- presets and downloads ----------------------------------------------------------------------


def test_own_presets_folder_adds_to_the_shipped_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fa2en.presets import PRESETS_ENV

    monkeypatch.setenv(PRESETS_ENV, "")  # restored after the test (main adds --presets to it)
    (tmp_path / "mine.yaml").write_text(
        "name: my-news-model\nhub_id: org/my-news-model\nfamily: marian\nlicence: CC-BY-NC-4.0\n",
        encoding="utf-8",
    )
    assert main(["--presets", str(tmp_path), "models"]) == 0
    out = capsys.readouterr().out
    assert "my-news-model" in out and "nllb-200-distilled-600M" in out
    assert "CC-BY-NC-4.0 (non-commercial)" in out
    (tmp_path / "bad.yaml").write_text(
        "name: x\nhub_id: y\nfamily: marian\nsize: 3\n", encoding="utf-8"
    )
    assert main(["--presets", str(tmp_path), "models"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: unknown preset key(s) size" in err


def test_download_without_the_hub_is_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["download", "m2m100_418M"]) == 3
    err = capsys.readouterr().err
    assert (
        err.startswith("fa2en: error: could not download facebook/m2m100_418M")
        and err.count("\n") == 1
    )
    assert main(["download", "no-such-thing"]) == 2
