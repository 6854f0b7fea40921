"""Every real model family: language codes, forced BOS tokens, batching and devices."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fa2en import Translator
from fa2en.errors import LanguageCodeError
from fa2en.families import FAMILIES, detect

CODES = {
    "nllb": ("pes_Arab", "eng_Latn", "pes_Arab", "eng_Latn"),
    "m2m100": ("fa", "en", "__fa__", "__en__"),
    "mbart50": ("fa_IR", "en_XX", "fa_IR", "en_XX"),
}


@pytest.mark.parametrize("family", ["marian", "nllb", "m2m100", "mbart50", "mt5"])
def test_family_detected_from_checkpoint(toy_checkpoints: dict[str, Path], family: str) -> None:
    t = Translator.load(str(toy_checkpoints[family]), backend="transformers", num_beams=1)
    assert t.family.name == family


@pytest.mark.parametrize("family", list(CODES))
def test_codes_and_forced_bos(toy_checkpoints: dict[str, Path], family: str) -> None:
    src, tgt, src_tok, tgt_tok = CODES[family]
    t = Translator.load(
        str(toy_checkpoints[family]),
        src_lang=src,
        tgt_lang=tgt,
        backend="transformers",
        num_beams=1,
    )
    ids = t.encode(["سلام دنیا"])[0]
    assert (
        src_tok in t.tokenizer.convert_ids_to_tokens(ids)[:2]
    )  # the source code leads (or follows BOS)
    forced = t.backend.decoding.forced_bos_token_id
    assert forced == t.tokenizer.convert_tokens_to_ids(tgt_tok)
    raw = t.backend.model.generate(
        input_ids=__import__("torch").tensor([ids]), forced_bos_token_id=forced, max_new_tokens=4
    )
    assert raw[0, 1].item() == forced  # the first generated token is the target language
    out = t.backend.generate([ids], max_new_tokens=4)
    assert len(out[0].ids) <= 3  # content tokens only: the forced language token is not returned
    assert tgt_tok not in t.translate(["سلام دنیا"])[0]


@pytest.mark.parametrize("family", list(CODES))
def test_wrong_code_lists_valid_ones(toy_checkpoints: dict[str, Path], family: str) -> None:
    with pytest.raises(LanguageCodeError) as err:
        Translator.load(str(toy_checkpoints[family]), src_lang="farsi", backend="transformers")
    assert "'farsi'" in str(err.value) and CODES[family][0] in str(err.value)


@pytest.mark.parametrize("family", ["marian", "mt5"])
def test_plain_text_families_refuse_codes(toy_checkpoints: dict[str, Path], family: str) -> None:
    with pytest.raises(LanguageCodeError, match="plain text"):
        Translator.load(str(toy_checkpoints[family]), src_lang="fa", backend="transformers")


@pytest.mark.parametrize("family", ["marian", "nllb", "m2m100", "mbart50", "mt5"])
def test_batching_matches_one_by_one(
    toy_checkpoints: dict[str, Path], family: str, data_dir: Path
) -> None:
    sentences = (data_dir / "tico19" / "test.fa").read_text(encoding="utf-8").splitlines()[:12]
    t = Translator.load(
        str(toy_checkpoints[family]), backend="transformers", num_beams=1, max_batch_size=1
    )
    # random weights rarely end a sentence: a short cap keeps the test quick and changes nothing else
    t.generation = replace(t.generation, max_new_tokens=24)
    one = t.translate(sentences)
    t.max_batch_size = 12
    assert t.translate(sentences) == one
    assert len(one) == len(sentences)


def test_unknown_architecture_is_generic() -> None:
    assert detect("bart", "BartTokenizer") is FAMILIES["seq2seq"]
    assert detect("m2m_100", "NllbTokenizerFast") is FAMILIES["nllb"]
    assert detect("m2m_100", "M2M100Tokenizer") is FAMILIES["m2m100"]
    assert detect("mbart", "MBartTokenizer") is FAMILIES["seq2seq"]
