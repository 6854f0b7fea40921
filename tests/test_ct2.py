"""CTranslate2 backend: equivalence with transformers, conversion cache, fallbacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sacrebleu

from fa2en import Translator
from fa2en.errors import Fa2enError

pytest.importorskip("ctranslate2")


@pytest.fixture(scope="module")
def reference(memorizer: Path, memorized_pairs: list[tuple[str, str]]) -> list[str]:
    t = Translator.load(str(memorizer), backend="transformers", num_beams=1)
    return t.translate([fa for fa, _ in memorized_pairs])


def test_float32_greedy_equals_transformers(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], reference: list[str]
) -> None:
    t = Translator.load(str(memorizer), backend="ctranslate2", dtype="float32", num_beams=1)
    assert t.describe()["backend"] == "ctranslate2" and t.describe()["precision"] == "float32"
    assert t.translate([fa for fa, _ in memorized_pairs]) == reference


def test_int8_within_one_bleu(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], reference: list[str]
) -> None:
    t = Translator.load(str(memorizer), backend="ctranslate2", num_beams=1)  # CPU default: int8
    assert t.describe()["precision"] == "int8"
    out = t.translate([fa for fa, _ in memorized_pairs])
    refs = [en for _, en in memorized_pairs]
    assert (
        sacrebleu.corpus_bleu(out, [refs]).score
        >= sacrebleu.corpus_bleu(reference, [refs]).score - 1
    )


def test_beam_search_and_over_long_inputs(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    t = Translator.load(str(memorizer), backend="ctranslate2", dtype="float32", num_beams=4)
    sources = [fa for fa, _ in memorized_pairs[:10]]
    out = t.translate(sources)
    assert sacrebleu.corpus_bleu(out, [[en for _, en in memorized_pairs[:10]]]).score >= 95


def test_auto_prefers_ctranslate2(memorizer: Path) -> None:
    assert (
        Translator.load(str(memorizer), backend="auto", num_beams=1).describe()["backend"]
        == "ctranslate2"
    )


def test_conversion_is_cached_and_redone_when_the_checkpoint_changes(
    memorizer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fa2en.backends import ct2

    model = tmp_path / "model"
    shutil.copytree(memorizer, model)
    cache = tmp_path / "models"
    monkeypatch.setenv("FA2EN_MODELS", str(cache))
    calls = []
    real = ct2.convert

    def counting(src: object, quantization: str) -> Path:
        path = real(src, quantization)  # type: ignore[arg-type]
        calls.append(path)
        return path

    monkeypatch.setattr(ct2, "convert", counting)
    Translator.load(str(model), backend="ctranslate2", num_beams=1)
    first = sorted((cache / ".ct2").iterdir())
    Translator.load(str(model), backend="ctranslate2", num_beams=1)
    assert sorted((cache / ".ct2").iterdir()) == first and len(first) == 1  # reused
    Translator.load(str(model), backend="ctranslate2", dtype="float32", num_beams=1)
    assert len(list((cache / ".ct2").iterdir())) == 2  # another quantisation, another conversion
    (model / "generation_config.json").write_text(
        (model / "generation_config.json").read_text() + " ", encoding="utf-8"
    )
    Translator.load(str(model), backend="ctranslate2", num_beams=1)
    assert len(list((cache / ".ct2").iterdir())) == 3  # changed checkpoint: converted again
    assert not [p for p in (cache / ".ct2").iterdir() if p.name.startswith(".tmp")]


def test_missing_package_falls_back_or_errors(
    memorizer: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ctranslate2" else real(name, *a),
    )
    with caplog.at_level("WARNING", logger="fa2en"):
        t = Translator.load(str(memorizer), backend="auto", num_beams=1)
    assert t.describe()["backend"] == "transformers"
    notices = [r.getMessage() for r in caplog.records if "notice" in r.getMessage()]
    assert len(notices) == 1 and "ctranslate2 package is not installed" in notices[0]
    with pytest.raises(
        Fa2enError,
        match="backend 'ctranslate2' cannot be used: the ctranslate2 package is not installed",
    ):
        Translator.load(str(memorizer), backend="ctranslate2")


def test_unsupported_family_falls_back_or_errors(
    toy_checkpoints: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="fa2en"):
        t = Translator.load(str(toy_checkpoints["mbart50"]), backend="auto", num_beams=1)
    assert t.describe()["backend"] == "transformers"
    assert any("'mbart50' model family is not supported" in r.getMessage() for r in caplog.records)
    with pytest.raises(Fa2enError, match="'mbart50' model family is not supported"):
        Translator.load(str(toy_checkpoints["mbart50"]), backend="ctranslate2")


@pytest.mark.parametrize("family", ["nllb", "mt5"])
def test_other_families_convert_and_run(toy_checkpoints: dict[str, Path], family: str) -> None:
    """Random weights give near-tied logits, so only the mechanics are checked here."""
    t = Translator.load(
        str(toy_checkpoints[family]), backend="ctranslate2", dtype="float32", num_beams=1
    )
    sentences = ["سلام دنیا.", "این یک آزمایش است."]
    ids = t.encode(sentences)
    out = t.backend.generate(ids, max_new_tokens=5)
    assert len(out) == 2 and all(len(o) <= 5 for o in out)
    if family == "nllb":  # the target language is forced as the first token
        assert all(o[0] == t.tokenizer.convert_tokens_to_ids("eng_Latn") for o in out)
    assert all("eng_Latn" not in s for s in t.translate(sentences))


def test_unknown_precision(memorizer: Path) -> None:
    with pytest.raises(Fa2enError, match="unknown CTranslate2 precision 'int4'"):
        Translator.load(str(memorizer), backend="ctranslate2", dtype="int4")
