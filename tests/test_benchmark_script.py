"""scripts/benchmark.py's honesty rules: warm-up, one token count for all, the best naive baseline."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from benchlib import (  # noqa: E402
    CT2_INT8,
    NAIVE,
    SAME_ENGINE,
    Recorder,
    Row,
    Specials,
    best_baseline,
    generated_tokens,
    ratio,
    table,
)

EOS, PAD, LANG = 2, 1, 9


def test_tokens_are_counted_up_to_end_of_sentence_only() -> None:
    specials = Specials(EOS, PAD, LANG)
    # a generate row after its decoder start: language token, 3 tokens, EOS, padding
    assert generated_tokens([LANG, 5, 6, 7, EOS, PAD, PAD], specials) == 3
    # the same output as a backend hypothesis (no language token, no EOS) counts the same
    assert generated_tokens([5, 6, 7], specials) == 3
    # stopped at the cap without EOS: what was generated, nothing more
    assert generated_tokens([LANG, 5, 6], specials) == 2
    assert generated_tokens([EOS, 5, 6], specials) == 0
    assert generated_tokens([5, LANG, 6], specials) == 3  # a language id later on is content


def test_naive_rows_and_backend_hypotheses_count_alike(tmp_path: Path, data_dir: Path) -> None:
    """model.generate rows and the transformers backend's hypotheses of one batch give one count."""
    import torch

    from fa2en import Translator
    from fa2en.testing.toymodels import build_checkpoint

    fa = (data_dir / "tico19" / "dev.fa").read_text(encoding="utf-8").splitlines()[:60]
    path = build_checkpoint("marian", fa, tmp_path / "m", vocab_size=300)
    tr = Translator.load(str(path), "cpu", backend="transformers", num_beams=1, normalizer=None)
    batch = tr.encode(fa[:4])
    recorder = Recorder(tr.backend)
    hyps = recorder.generate(batch, 12)
    assert recorder.outputs == [h.ids for h in hyps]
    ids, mask = tr.backend._tensors(batch, tr.tokenizer.pad_token_id)
    with torch.inference_mode():
        rows = tr.backend.model.generate(
            input_ids=ids, attention_mask=mask, max_new_tokens=12, max_length=None, num_beams=1
        ).tolist()
    specials = Specials(tr.tokenizer.eos_token_id, tr.tokenizer.pad_token_id)
    naive = [generated_tokens(row[1:], specials) for row in rows]
    assert naive == [generated_tokens(h.ids, specials) for h in hyps]
    assert all(0 < n <= 12 for n in naive)


def _row(method: str, kind: str, seconds: float) -> Row:
    return Row(method, kind, sentences=100, tokens=1000, seconds=seconds)


def test_the_baseline_is_the_fastest_naive_row_and_ratios_compare_sentences_per_second() -> None:
    rows = [
        _row("naive-b8", NAIVE, 20.0),
        _row("naive-b32", NAIVE, 10.0),
        _row("naive-b64", NAIVE, 12.5),
        _row("fa2en-hf", SAME_ENGINE, 5.0),
        _row("fa2en-ct2-int8", CT2_INT8, 1.0),
    ]
    base = best_baseline(rows)
    assert base.method == "naive-b32"  # not the first, and never a fa2en row
    assert ratio(rows[3], base) == pytest.approx(2.0)
    assert ratio(rows[4], base) == pytest.approx(10.0)
    printed = "\n".join(table(rows, gpu=False))
    assert "fa2en's batching on the same engine" in printed and "int8 CTranslate2" in printed
    with pytest.raises(ValueError, match="naive"):
        best_baseline(rows[3:])


def test_every_method_is_warmed_up_before_it_is_timed_and_counted_from_its_outputs() -> None:
    import benchmark

    calls: list[int] = []

    class Fake:
        specials = Specials(EOS, PAD)

        def __call__(self, sentences: list[str]) -> list[list[int]]:
            calls.append(len(sentences))
            return [[5, 6, EOS, 7] for _ in sentences]

    sentences = [f"s{i}" for i in range(20)]
    row = benchmark.measure("fake", NAIVE, Fake, sentences)
    assert calls == [benchmark.WARMUP, 20]  # an untimed warm-up pass, then the timed one
    assert row.tokens == 2 * 20 and row.sentences == 20
