"""MADLAD-400: a T5 told apart from the mT5 fine-tunes by its ``<2en>`` tag, which leads every source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fa2en import Translator
from fa2en.errors import LanguageCodeError
from fa2en.families import FAMILIES, detect, detect_in_folder
from fa2en.presets import get_preset

SENTENCES = [
    "سلام دنیا.",
    "این یک آزمایش است.",
    "ویروس کرونا در سراسر جهان گسترش یافته است.",
    "بیماران باید در خانه بمانند.",
    "آزمایش‌ها نشان می‌دهد که ماسک مؤثر است.",
    "دولت قوانین جدیدی اعلام کرد.",
]


def test_detect_tells_madlad_from_mt5_by_its_tag() -> None:
    assert detect("t5", "T5Tokenizer", {"<2en>", "<2fa>", "▁the"}) is FAMILIES["madlad"]
    assert detect("t5", "T5TokenizerFast", {"▁the"}) is FAMILIES["mt5"]
    assert detect("t5", "T5Tokenizer") is FAMILIES["mt5"]
    assert detect("mt5", "T5Tokenizer", {"<2en>"}) is FAMILIES["mt5"]  # MADLAD is a plain T5


def test_family_detected_from_the_checkpoint(toy_checkpoints: dict[str, Path]) -> None:
    for family in ("madlad", "mt5"):
        assert detect_in_folder(toy_checkpoints[family]) is FAMILIES[family]
        t = Translator.load(str(toy_checkpoints[family]), backend="transformers", num_beams=1)
        assert t.family.name == family


def test_the_tag_leads_the_encoded_source(toy_checkpoints: dict[str, Path]) -> None:
    t = Translator.load(str(toy_checkpoints["madlad"]), backend="transformers", num_beams=1)
    tag = t.tokenizer.convert_tokens_to_ids("<2en>")
    assert tag != t.tokenizer.unk_token_id
    for ids, plain in zip(t.encode(SENTENCES), t.tokenizer(SENTENCES)["input_ids"], strict=True):
        assert tag in ids[:2]  # SentencePiece may put a word-start piece before it
        assert tag not in plain  # the family adds it, not the tokenizer
        assert ids[-len(plain) + 1 :] == plain[1:]  # then the sentence itself, unchanged
    assert t.count_tokens(["سلام"])[0] > len(t.tokenizer(["سلام"])["input_ids"][0])


def test_no_language_codes(toy_checkpoints: dict[str, Path]) -> None:
    t = Translator.load(str(toy_checkpoints["madlad"]), backend="transformers", num_beams=1)
    assert t.family.configure(t.tokenizer, None, None) is None
    assert t.backend.decoding.forced_bos_token_id is None
    with pytest.raises(LanguageCodeError, match="plain text"):
        t.family.configure(t.tokenizer, "fa", None)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_outputs_in_order_through_each_backend(
    toy_checkpoints: dict[str, Path], backend: str
) -> None:
    t = Translator.load(
        str(toy_checkpoints["madlad"]),
        backend=backend,
        dtype="float32",
        num_beams=1,
        max_batch_size=1,
    )
    assert t.describe()["backend"] == backend and t.family.name == "madlad"
    one_by_one = t.translate(SENTENCES)
    t.max_batch_size = len(SENTENCES)
    batched = t.translate(SENTENCES)
    assert len(batched) == len(SENTENCES)
    assert len(set(one_by_one)) >= 4  # outputs differ, so a misordered batch would show
    assert batched == one_by_one
    assert not any("<2en>" in s for s in batched)


def test_both_backends_agree(toy_checkpoints: dict[str, Path]) -> None:
    """CTranslate2 is given the same tagged source: at float32 it generates what transformers does."""
    outputs = [
        Translator.load(
            str(toy_checkpoints["madlad"]), backend=b, dtype="float32", num_beams=1
        ).translate(SENTENCES)
        for b in ("transformers", "ctranslate2")
    ]
    assert outputs[0] == outputs[1]


def test_preset(
    toy_checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preset = get_preset("madlad400-3b-mt")
    assert preset is not None
    assert (preset.hub_id, preset.family, preset.licence) == (
        "google/madlad400-3b-mt",
        "madlad",
        "Apache-2.0",
    )
    assert not preset.non_commercial and preset.src_lang is None and preset.tgt_lang is None
    # the preset name finds a checkpoint saved under models/<name>/
    monkeypatch.setenv("FA2EN_MODELS", str(tmp_path))
    shutil.copytree(toy_checkpoints["madlad"], tmp_path / preset.name)
    by_name = Translator.load(preset.name, backend="transformers", num_beams=1)
    by_path = Translator.load(str(toy_checkpoints["madlad"]), backend="transformers", num_beams=1)
    assert by_name.family is FAMILIES["madlad"]
    assert by_name.translate(SENTENCES[:2]) == by_path.translate(SENTENCES[:2])
