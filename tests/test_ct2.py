"""CTranslate2 backend: equivalence with transformers, conversion cache, fallbacks."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import sacrebleu

from fa2en import Translator
from fa2en.errors import Fa2enError

pytest.importorskip("ctranslate2")


@pytest.fixture(scope="module")
def reference(memorizer: Path, memorized_pairs: list[tuple[str, str]]) -> list[str]:
    t = Translator.load(str(memorizer), backend="transformers", num_beams=1)
    return t.translate([fa for fa, _ in memorized_pairs])


def test_forced_decoding_scores_equal_transformers_row_by_row(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    """score_batch in token sub-batches (CPU) gives every pair its own score, in order."""
    sources = [fa for fa, _ in memorized_pairs]
    # each source with its own English and with another line's: scores far apart, so a
    # reordering anywhere would show
    hyps = [en for _, en in memorized_pairs]
    hyps = hyps + hyps[1:] + hyps[:1]
    sources = sources + sources
    hf = Translator.load(str(memorizer), backend="transformers", num_beams=1).score(sources, hyps)
    ct2 = Translator.load(str(memorizer), backend="ctranslate2", dtype="float32", num_beams=1)
    for a, b in zip(hf, ct2.score(sources, hyps), strict=True):
        assert abs(a - b) < 0.01, (a, b)


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
        match="--backend ctranslate2 cannot be used: the ctranslate2 package is not installed",
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
    assert len(out) == 2 and all(len(o.ids) <= 5 for o in out)
    assert all(o.confidence is not None and o.confidence <= 0 for o in out)
    if family == "nllb":  # the target language is forced as the first token, then dropped
        assert t.backend.decoding.forced_bos_token_id == t.tokenizer.convert_tokens_to_ids(
            "eng_Latn"
        )
    assert all("eng_Latn" not in s for s in t.translate(sentences))


def test_unknown_precision(memorizer: Path) -> None:
    with pytest.raises(Fa2enError, match="--dtype: 'int4' is not a CTranslate2 precision"):
        Translator.load(str(memorizer), backend="ctranslate2", dtype="int4")


def _convert_in_process(model: str, start: Any, results: Any) -> None:
    """One of several processes converting the same checkpoint at once (run in a spawned process)."""
    import torch  # noqa: F401 - the slow imports happen before the start line
    import transformers  # noqa: F401

    from fa2en.backends.ct2 import convert
    from fa2en.loading import resolve

    start.wait(timeout=300)
    try:
        results.put(("ok", str(convert(resolve(model), "int8"))))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(("error", repr(exc)))


def test_concurrent_conversions_take_turns(
    toy_checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "models"
    monkeypatch.setenv("FA2EN_MODELS", str(cache))  # the spawned processes inherit it
    ctx = mp.get_context("spawn")
    start, results = ctx.Barrier(4), ctx.Queue()
    procs = [
        ctx.Process(
            target=_convert_in_process, args=(str(toy_checkpoints["marian"]), start, results)
        )
        for _ in range(4)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [kind for kind, _ in got] == ["ok"] * 4, got
    assert len({path for _, path in got}) == 1
    assert [str(p) for p in (cache / ".ct2").iterdir()] == [got[0][1]]  # one, no temp folders
    assert (Path(got[0][1]) / "model.bin").is_file()


def test_content_fingerprint_follows_contents_not_times(
    toy_checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fa2en import fingerprint

    model = tmp_path / "model"
    shutil.copytree(toy_checkpoints["marian"], model)
    first = fingerprint.content_fingerprint(model)
    assert fingerprint.content_fingerprint(shutil.copytree(model, tmp_path / "copy")) == first

    reads: list[str] = []
    real = hashlib.file_digest

    def counting(f: Any, digest: str) -> Any:
        reads.append(Path(f.name).name)
        return real(f, digest)

    monkeypatch.setattr(fingerprint.hashlib, "file_digest", counting)
    assert (
        fingerprint.content_fingerprint(model) == first and reads == []
    )  # cached: nothing read again
    os.utime(model / "config.json", ns=(10**18, 10**18))  # only the time changes
    assert fingerprint.content_fingerprint(model) == first and reads == ["config.json"]
    (model / "README.md").write_text("not part of the checkpoint", encoding="utf-8")
    assert fingerprint.content_fingerprint(model) == first

    weights = next(model.glob("*.safetensors"))
    st = weights.stat()
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # one byte, same size, and the old modification time put back
    weights.write_bytes(data)
    os.utime(weights, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fingerprint.content_fingerprint(model) != first


def test_content_fingerprint_without_a_writable_models_folder(
    toy_checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fa2en.backends.ct2 import content_fingerprint

    expected = content_fingerprint(toy_checkpoints["marian"])
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv("FA2EN_MODELS", str(tmp_path / "file" / "models"))  # cannot be made
    assert content_fingerprint(toy_checkpoints["marian"]) == expected
