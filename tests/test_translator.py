"""Translator end to end on the memorising model, and its contracts on bad input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sacrebleu

from fa2en import Translator
from fa2en.errors import DeviceUnavailableError, ModelNotFoundError


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
    probe = Translator.load(str(memorizer), backend="transformers", num_beams=1)
    lengths = probe.count_tokens([fa for fa, _ in memorized_pairs])
    limit = max(lengths) + 2
    chosen = [
        p
        for p, n in zip(memorized_pairs, lengths, strict=True)
        if n > limit / 2 and not set("،,:؛;") & set(p[0])
    ][:4]
    assert len(chosen) >= 3
    long_input = "، ".join(fa for fa, _ in chosen)
    probe.max_input_tokens = limit
    assert probe.count_tokens([long_input])[0] > limit
    (out,) = probe.translate([long_input])
    for _, en in chosen:
        assert en.rstrip(".?!") in out


def test_output_cap_follows_input_length_within_the_position_table(translator: Translator) -> None:
    assert translator.output_cap(10) == 2 * 16 + 16  # lengths are rounded up to a multiple of 16
    assert translator.output_cap(9) == translator.output_cap(16) != translator.output_cap(17)
    assert translator.positions == 256  # the memorising model's max_position_embeddings
    assert translator.output_cap(100_000) == 255  # never past the decoder's position table
    assert translator.max_input_tokens == 256


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

    t = Translator.load(str(memorizer), backend="transformers", num_beams=1, max_batch_size=16)
    real = t.backend.generate

    def flaky(batch: list[list[int]], max_new_tokens: int) -> list:
        if len(batch) > 4:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch, max_new_tokens)

    monkeypatch.setattr(t.backend, "generate", flaky)
    out = t.translate([fa for fa, _ in memorized_pairs])
    assert _bleu(out, [en for _, en in memorized_pairs]) >= 95
    assert t.stats.oom_splits > 0


def test_a_failing_sentence_is_isolated_and_the_rest_translated(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    t = Translator.load(str(memorizer), backend="transformers", num_beams=1, max_batch_size=64)
    bad = t.encode([memorized_pairs[3][0]])[0]
    real = t.backend.generate
    calls = []

    def broken(batch: list[list[int]], max_new_tokens: int) -> list:
        calls.append(len(batch))
        if bad in batch:
            raise IndexError("index out of range in self")
        return real(batch, max_new_tokens)

    monkeypatch.setattr(t.backend, "generate", broken)
    out = t.translate_detailed([fa for fa, _ in memorized_pairs])
    assert out[3].text == "" and "IndexError: index out of range" in (out[3].error or "")
    good = [
        (o.text, en)
        for k, (o, (_, en)) in enumerate(zip(out, memorized_pairs, strict=True))
        if k != 3
    ]
    assert all(o.error is None for k, o in enumerate(out) if k != 3)
    assert _bleu([o for o, _ in good], [en for _, en in good]) >= 95
    assert t.stats.failed == 1 and max(calls) > 1  # bisected, not retried one by one from the start


def test_missing_preset_offline_says_how_to_fetch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelNotFoundError) as err:
        Translator.load("m2m100_418M")
    msg = str(err.value)
    assert "m2m100_418M" in msg and "fa2en download m2m100_418M" in msg and "HF_HUB_OFFLINE" in msg


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
    assert "fa2en download nllb-200-distilled-600M" in str(err.value)


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
    with pytest.raises(DeviceUnavailableError, match="no such CUDA GPU"):
        Translator.load(str(memorizer), device="cuda")


def test_half_precision_on_request(memorizer: Path, memorized_pairs: list[tuple[str, str]]) -> None:
    t = Translator.load(
        str(memorizer), backend="transformers", num_beams=1, dtype="bfloat16", device="cpu"
    )
    assert t.describe()["precision"] == "bfloat16"
    out = t.translate([fa for fa, _ in memorized_pairs[:10]])
    assert _bleu(out, [en for _, en in memorized_pairs[:10]]) >= 80
