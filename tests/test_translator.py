"""Translator end to end on the memorising model, and its contracts on bad input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sacrebleu

from fa2en import Translator
from fa2en.errors import ModelNotFoundError


@pytest.fixture(scope="module")
def translator(memorizer: Path) -> Translator:
    return Translator.load(str(memorizer), backend="transformers", num_beams=1)


def _bleu(hyps: list[str], refs: list[str]) -> float:
    return sacrebleu.corpus_bleu(hyps, [refs]).score


@pytest.mark.parametrize(("batch", "budget"), [(1, 4096), (7, 4096), (64, 4096), (64, 120)])
def test_memorised_sentences_shuffled_and_mixed(
    translator: Translator, memorized_pairs: list[tuple[str, str]], batch: int, budget: int
) -> None:
    rng = random.Random(batch + budget)
    pairs = memorized_pairs * 2  # duplicates too
    rng.shuffle(pairs)
    translator.max_batch_size, translator.max_tokens = batch, budget
    out = translator.translate([fa for fa, _ in pairs])
    assert _bleu(out, [en for _, en in pairs]) >= 95
    assert sum(o == en for o, (_, en) in zip(out, pairs, strict=True)) >= 0.95 * len(pairs)


def test_batch_and_order_invariance(
    translator: Translator, memorized_pairs: list[tuple[str, str]]
) -> None:
    sources = [fa for fa, _ in memorized_pairs]
    translator.max_batch_size, translator.max_tokens = 64, 4096
    reference = translator.translate(sources)
    for batch in (1, 3, 16):
        translator.max_batch_size = batch
        shuffled = list(range(len(sources)))
        random.Random(batch).shuffle(shuffled)
        out = translator.translate([sources[i] for i in shuffled])
        assert [out[shuffled.index(i)] for i in range(len(sources))] == reference


def test_over_long_input_is_split_at_clauses_not_truncated(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    probe = Translator.load(str(memorizer), num_beams=1)
    lengths = probe.count_tokens([fa for fa, _ in memorized_pairs])
    limit = max(lengths) + 2
    chosen = [
        p
        for p, n in zip(memorized_pairs, lengths, strict=True)
        if n > limit / 2 and not set("،,:؛;") & set(p[0])
    ][:4]
    assert len(chosen) >= 3
    long_input = "، ".join(fa for fa, _ in chosen)
    t = Translator.load(str(memorizer), num_beams=1, max_input_tokens=limit)
    assert t.count_tokens([long_input])[0] > limit
    (out,) = t.translate([long_input])
    for _, en in chosen:
        assert en.rstrip(".?!") in out
    assert t.stats.split_inputs


def test_output_length_follows_input_length(translator: Translator) -> None:
    assert translator.max_new_tokens(10) == 2 * 10 + 16
    assert translator.max_new_tokens(100_000) == translator.generation.max_new_tokens


def test_empty_inputs(translator: Translator) -> None:
    assert translator.translate([]) == []
    assert translator.translate(["", "  ", "\u200c"]) == ["", "", ""]


@pytest.mark.parametrize("bad", ["a string", None, 5, [1, 2], ["ok", None]])
def test_bad_input_types(translator: Translator, bad: object) -> None:
    with pytest.raises(TypeError, match="translate\\(\\) expects"):
        translator.translate(bad)  # type: ignore[arg-type]


def test_out_of_memory_halves_the_batch(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    t = Translator.load(str(memorizer), num_beams=1, max_batch_size=16)
    real = t.backend.generate

    def flaky(batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        if len(batch) > 4:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch, max_new_tokens)

    monkeypatch.setattr(t.backend, "generate", flaky)
    out = t.translate([fa for fa, _ in memorized_pairs])
    assert _bleu(out, [en for _, en in memorized_pairs]) >= 95
    assert t.stats.oom_splits > 0


def test_other_errors_are_not_swallowed(memorizer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = Translator.load(str(memorizer), num_beams=1)

    def broken(batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        raise RuntimeError("shape mismatch")

    monkeypatch.setattr(t.backend, "generate", broken)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        t.translate(["سلام"])


def test_missing_preset_offline_says_how_to_fetch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelNotFoundError) as err:
        Translator.load("m2m100_418M")
    msg = str(err.value)
    assert (
        "m2m100_418M" in msg
        and "scripts/download_model.py m2m100_418M" in msg
        and "HF_HUB_OFFLINE" in msg
    )


def test_missing_preset_without_network_fails_fast(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from fa2en import loading

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(loading, "hub_reachable", lambda timeout=3.0: False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelNotFoundError, match="the Hugging Face hub cannot be reached") as err:
        Translator.load("nllb-200-distilled-600M", backend="transformers")
    assert "scripts/download_model.py nllb-200-distilled-600M" in str(err.value)


def test_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="unknown model 'no-such-model'"):
        Translator.load("no-such-model")


def test_directory_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "weights.txt").write_text("nothing", encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match="config.json is missing"):
        Translator.load(str(tmp_path))


def test_local_model_found_in_models_dir(
    memorizer: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    shutil.copytree(memorizer, tmp_path / "my-model")
    monkeypatch.setenv("FA2EN_MODELS", str(tmp_path))
    t = Translator.load("my-model", num_beams=1)
    assert t.source is not None and t.source.location == str(tmp_path / "my-model")


def test_cuda_asked_without_gpu_is_clear(memorizer: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ValueError, match="no CUDA GPU is available"):
        Translator.load(str(memorizer), device="cuda")


def test_half_precision_on_request(memorizer: Path, memorized_pairs: list[tuple[str, str]]) -> None:
    t = Translator.load(str(memorizer), num_beams=1, dtype="bfloat16", device="cpu")
    assert t.describe()["precision"] == "bfloat16"
    out = t.translate([fa for fa, _ in memorized_pairs[:10]])
    assert _bleu(out, [en for _, en in memorized_pairs[:10]]) >= 80
