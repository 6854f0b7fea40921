"""Build small checkpoints of each real model family locally, with no download.

Tests and benchmarks need models but cannot reach the hub. :func:`build_checkpoint` trains a small
tokenizer of the family's real kind (SentencePiece or BPE) on the given text, creates a model of the
family's real architecture with random weights, and saves both as a normal Hugging Face checkpoint
folder that :func:`fa2en.loading.load_model` opens like any downloaded model.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TOY_FAMILIES = ("marian", "nllb", "m2m100", "mbart50", "mt5", "madlad")

#: MADLAD-400's target-language tags (a few of its 419): whole vocabulary pieces, as in the real model.
MADLAD_TAGS = ("<2en>", "<2fa>", "<2de>", "<2fr>", "<2ar>")

#: Real model shapes for benchmarks with random weights (vocabulary as large as the text allows).
SHAPES = {
    "opus": {
        "family": "marian",
        "d_model": 512,
        "layers": 6,
        "heads": 8,
        "ffn": 2048,
        "vocab_size": 32000,
    },
    "nllb600m": {
        "family": "nllb",
        "d_model": 1024,
        "layers": 12,
        "heads": 16,
        "ffn": 4096,
        "vocab_size": 32000,
    },
}
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def train_sentencepiece(
    texts: Sequence[str], prefix: Path, vocab_size: int, symbols: Sequence[str] = ()
) -> Path:
    """Train a unigram SentencePiece model (ids: <s>=0 <pad>=1 </s>=2 <unk>=3) and return its path.

    ``symbols`` become pieces of their own that are never split (MADLAD-400's ``<2en>`` tags).
    """
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(texts)),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        hard_vocab_limit=False,
        user_defined_symbols=list(symbols),
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def _spm_pieces(model: Path) -> list[tuple[str, float]]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    return [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]


def _train_bpe(texts: Sequence[str], vocab_size: int) -> tuple[dict[str, int], list[Any]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False
    )
    tok.train_from_iterator(list(texts), trainer)
    data = json.loads(tok.to_str())["model"]
    merges: list[Any] = [
        tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["merges"]
    ]
    return data["vocab"], merges


def build_tokenizer(family: str, texts: Sequence[str], vocab_size: int = 800) -> Any:
    """A tokenizer of ``family``'s real class, trained on ``texts``."""
    import transformers as tf

    work = Path(tempfile.mkdtemp(prefix="fa2en-tok-"))
    if family == "nllb":
        vocab, merges = _train_bpe(texts, vocab_size)
        return tf.NllbTokenizer(
            vocab=vocab, merges=merges, src_lang="pes_Arab", tgt_lang="eng_Latn"
        )
    tags = MADLAD_TAGS if family == "madlad" else ()
    spm_file = train_sentencepiece(texts, work / "sp", vocab_size, tags)
    if family == "marian":
        # OPUS-MT layout: </s>=0, <unk>=1, the pieces, and <pad> last (CTranslate2 relies on it).
        names = [p for p, _ in _spm_pieces(spm_file) if p not in SPECIALS]
        vocab = {tok: i for i, tok in enumerate(["</s>", "<unk>", *names, "<pad>"])}
        (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        return tf.MarianTokenizer(str(spm_file), str(spm_file), str(work / "vocab.json"))
    if family == "m2m100":
        vocab = {piece: i for i, (piece, _) in enumerate(_spm_pieces(spm_file))}
        (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        return tf.M2M100Tokenizer(
            str(work / "vocab.json"), str(spm_file), src_lang="fa", tgt_lang="en"
        )
    if family == "mbart50":
        return tf.MBart50Tokenizer(vocab=_spm_pieces(spm_file), src_lang="fa_IR", tgt_lang="en_XX")
    if family in ("mt5", "madlad"):  # T5 layout: <pad>=0, </s>=1, <unk>=2, then the pieces
        scored = [(p, s) for p, s in _spm_pieces(spm_file) if p != "<s>"]
        pieces: list[Any] = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [
            p for p in scored if p[0] not in SPECIALS
        ]
        return tf.T5Tokenizer(vocab=pieces, extra_ids=0)
    raise ValueError(f"unknown family {family!r}; choose from {', '.join(TOY_FAMILIES)}")


def vocab_size_of(tokenizer: Any) -> int:
    """Embedding rows a model needs for every id ``tokenizer`` can produce (language codes too)."""
    ids = list(tokenizer.get_vocab().values())
    ids += tokenizer.convert_tokens_to_ids(list(tokenizer.all_special_tokens))
    ids += list(getattr(tokenizer, "lang_code_to_id", {}).values())
    return max(len(tokenizer), max(ids) + 1)


def build_model(family: str, tokenizer: Any, **dims: int) -> Any:
    """A random-weight model of ``family``'s real architecture sized for ``tokenizer``."""
    import torch
    import transformers as tf

    d = {"d_model": 64, "layers": 2, "heads": 4, "ffn": 128, "max_positions": 256} | dims
    vocab = vocab_size_of(tokenizer)
    torch.manual_seed(d.get("seed", 0))
    common = {
        "vocab_size": vocab,
        "d_model": d["d_model"],
        "encoder_layers": d["layers"],
        "decoder_layers": d.get("decoder_layers", d["layers"]),
        "encoder_attention_heads": d["heads"],
        "decoder_attention_heads": d["heads"],
        "encoder_ffn_dim": d["ffn"],
        "decoder_ffn_dim": d["ffn"],
        "max_position_embeddings": d["max_positions"],
        "pad_token_id": tokenizer.pad_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "bos_token_id": 0,
        "dropout": 0.0,
        "attention_dropout": 0.0,
        "activation_dropout": 0.0,
    }
    cfg: Any
    if family == "marian":
        cfg = tf.MarianConfig(
            **common,
            decoder_start_token_id=tokenizer.pad_token_id,
            share_encoder_decoder_embeddings=True,
        )
        return tf.MarianMTModel(cfg)
    if family in ("nllb", "m2m100"):
        cfg = tf.M2M100Config(
            **common, decoder_start_token_id=tokenizer.eos_token_id, scale_embedding=True
        )
        return tf.M2M100ForConditionalGeneration(cfg)
    if family == "mbart50":
        cfg = tf.MBartConfig(
            **common, decoder_start_token_id=tokenizer.eos_token_id, scale_embedding=True
        )
        return tf.MBartForConditionalGeneration(cfg)
    if family in ("mt5", "madlad"):
        t5 = {
            "vocab_size": vocab,
            "d_model": d["d_model"],
            "d_kv": d["d_model"] // d["heads"],
            "d_ff": d["ffn"],
            "num_layers": d["layers"],
            "num_decoder_layers": d.get("decoder_layers", d["layers"]),
            "num_heads": d["heads"],
            "pad_token_id": tokenizer.pad_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "decoder_start_token_id": tokenizer.pad_token_id,
            "dropout_rate": 0.0,
        }
        if family == "mt5":
            return tf.MT5ForConditionalGeneration(tf.MT5Config(**t5))
        # MADLAD-400 is a plain T5 (model_type "t5") with gated-GELU and untied output embeddings.
        # At T5's default initialisation scale random weights generate only <pad>; at 5x each input
        # gets an output of its own, so a test can tell outputs apart (and see them misordered).
        options: dict[str, Any] = {"tie_word_embeddings": False, "initializer_factor": 5.0}
        cfg = tf.T5Config(**t5, feed_forward_proj="gated-gelu", **options)
        return tf.T5ForConditionalGeneration(cfg)
    raise ValueError(f"unknown family {family!r}; choose from {', '.join(TOY_FAMILIES)}")


def build_checkpoint(
    family: str, texts: Sequence[str], out: Path, vocab_size: int = 800, **dims: int
) -> Path:
    """Save a random-weight ``family`` checkpoint with a tokenizer trained on ``texts`` to ``out``."""
    tokenizer = build_tokenizer(family, texts, vocab_size)
    model = build_model(family, tokenizer, **dims)
    model.generation_config.max_length = 200
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def train_memorizer(
    pairs: Sequence[tuple[str, str]],
    out: Path,
    *,
    steps: int = 400,
    lr: float = 3e-3,
    seed: int = 0,
    target_loss: float = 0.02,
    **dims: int,
) -> Path:
    """Train a small Marian model until it reproduces ``pairs`` (source, target); save it to ``out``.

    Sources should already be normalised the way :class:`fa2en.Translator` normalises its input.
    Used by the tests: a pipeline that scrambles, truncates or misorders anything cannot score well
    with it, while a correct pipeline gets the memorised targets back exactly.
    """
    import torch

    torch.manual_seed(seed)
    texts = [s for pair in pairs for s in pair]
    tokenizer = build_tokenizer("marian", texts, vocab_size=dims.pop("vocab_size", 1000))
    dims = {"d_model": 128, "layers": 2, "heads": 4, "ffn": 256, "seed": seed} | dims
    model = build_model("marian", tokenizer, **dims)
    batch = tokenizer(
        [s for s, _ in pairs], text_target=[t for _, t in pairs], padding=True, return_tensors="pt"
    )
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    model.train()
    for _ in range(steps):
        loss = model(**batch).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        with (
            torch.no_grad()
        ):  # Marian decodes from a zero <pad> embedding (real OPUS-MT models do too)
            model.get_input_embeddings().weight[tokenizer.pad_token_id].zero_()
        if loss.item() < target_loss:
            break
    model.eval()
    model.generation_config.max_length = 256
    model.generation_config.num_beams = 1
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_shaped(shape: str, texts: Sequence[str], out: Path) -> Path:
    """A random-weight checkpoint of a real model shape (see :data:`SHAPES`) in ``out``."""
    dims: dict[str, Any] = dict(SHAPES[shape])
    family = str(dims.pop("family"))
    vocab = int(dims.pop("vocab_size"))
    return build_checkpoint(family, texts, out, vocab_size=vocab, max_positions=1024, **dims)
