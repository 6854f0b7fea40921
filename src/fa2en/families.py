"""Model families: how each is recognised, how it names languages, and what it needs around the text.

One registry, :data:`FAMILIES`; adding a family is one :func:`register_family` entry here (plus a
preset YAML). :func:`detect` is the one place a checkpoint's family is decided, for loading and for
choosing a backend alike: from the config's ``model_type``, then, among families of that type, by
what each declares about its tokenizer (a class-name prefix, a marker token in the vocabulary).

NLLB-200 wants ``pes_Arab`` on the source and ``eng_Latn`` forced as the first generated token;
M2M100 ``fa`` -> ``en`` (``__en__`` forced); mBART-50 ``fa_IR`` -> ``en_XX``; MADLAD-400 takes a
target-language tag ``<2en>`` before the source and no source code; Marian/OPUS-MT and mT5
fine-tunes take plain text. A wrong code silently gives garbage, so codes are checked against the
tokenizer before any work.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fa2en.errors import LanguageCodeError


@dataclass(frozen=True)
class Family:
    """What one model family is and how it is told the languages."""

    name: str
    #: ``model_type`` values of the checkpoints' config.json
    model_types: tuple[str, ...] = ()
    #: tokenizer class name prefix that tells this family apart from others of the same model type
    tokenizer_prefix: str = ""
    #: regex of the language codes the family uses (None: plain text, no codes)
    code_pattern: str | None = None
    #: how a code is written as a vocabulary token (``{}`` is the code)
    code_token: str = "{}"
    default_src: str | None = None
    default_tgt: str | None = None
    #: text put before every source sentence (MADLAD-400: ``<2en> ``)
    source_prefix: str = ""
    #: CTranslate2's converter handles this family with the transformers version in use
    ctranslate2: bool = False
    #: a token only this family's vocabulary has, that tells it apart from others of the same model
    #: type and tokenizer class (MADLAD-400's ``<2en>`` among T5 checkpoints)
    vocabulary_marker: str = ""

    @property
    def specific(self) -> bool:
        """Whether the family declares something about its tokenizer (not just its model types)."""
        return bool(self.tokenizer_prefix or self.vocabulary_marker)

    def matches(self, tokenizer_class: str, vocabulary: Container[str]) -> bool:
        """Whether a tokenizer of class ``tokenizer_class`` with ``vocabulary`` is this family's."""
        return tokenizer_class.startswith(self.tokenizer_prefix) and (
            not self.vocabulary_marker or self.vocabulary_marker in vocabulary
        )

    @property
    def uses_codes(self) -> bool:
        """Whether the family needs source/target language codes."""
        return self.code_pattern is not None

    def valid_codes(self, tokenizer: Any) -> list[str]:
        """The language codes ``tokenizer`` knows, sorted."""
        if self.code_pattern is None:
            return []
        before, _, after = self.code_token.partition("{}")
        rx = re.compile(f"{re.escape(before)}({self.code_pattern}){re.escape(after)}")
        vocab = set(tokenizer.get_vocab()) | set(tokenizer.all_special_tokens)
        vocab |= set(getattr(tokenizer, "added_tokens_encoder", {}))
        # M2M100's tokenizer keeps its language tokens outside the vocabulary, in lang_code_to_id
        vocab |= {self.code_token.format(c) for c in getattr(tokenizer, "lang_code_to_id", {})}
        return sorted({m.group(1) for t in vocab if (m := rx.fullmatch(t))})

    def configure(self, tokenizer: Any, src: str | None, tgt: str | None) -> int | None:
        """Check the codes, set the source language on ``tokenizer``; return the forced BOS id."""
        if not self.uses_codes:
            if src or tgt:
                raise LanguageCodeError(
                    f"{self.name} models take plain text and no language codes "
                    f"(got src_lang={src!r}, tgt_lang={tgt!r}); leave them unset"
                )
            return None
        src, tgt = src or self.default_src, tgt or self.default_tgt
        valid = self.valid_codes(tokenizer)
        for role, code in (("source", src), ("target", tgt)):
            if code not in valid:
                close = difflib.get_close_matches(str(code), valid, n=3, cutoff=0.3)
                persian = [c for c in valid if c.strip("_").split("_")[0] in ("fa", "pes", "prs")]
                hint = ", ".join(dict.fromkeys(persian + close)) or "none"
                raise LanguageCodeError(
                    f"{role} language code {code!r} is not known to this {self.name} tokenizer "
                    f"(Persian/closest: {hint}); valid codes ({len(valid)}): {', '.join(valid)}"
                )
        tokenizer.src_lang = src
        if hasattr(tokenizer, "set_src_lang_special_tokens"):
            tokenizer.set_src_lang_special_tokens(src)
        return int(tokenizer.convert_tokens_to_ids(self.code_token.format(tgt)))


#: Every known family, by name. ``seq2seq`` is the fallback for other encoder-decoder models.
FAMILIES: dict[str, Family] = {}


def register_family(family: Family) -> Family:
    """Add ``family`` to the registry (a later entry of the same name replaces it)."""
    FAMILIES[family.name] = family
    return family


register_family(
    Family(
        "nllb",
        ("m2m_100",),
        "Nllb",
        r"[a-z]{3}_[A-Z][a-z]{3}",
        default_src="pes_Arab",
        default_tgt="eng_Latn",
        ctranslate2=True,
    )
)
register_family(
    Family("m2m100", ("m2m_100",), "", r"[a-z]{2,3}", "__{}__", default_src="fa", default_tgt="en")
)
register_family(
    Family("mbart50", ("mbart",), "MBart50", r"[a-z]{2}_[A-Z]{2}", "{}", "fa_IR", "en_XX")
)
register_family(Family("marian", ("marian",), ctranslate2=True))
register_family(Family("mt5", ("mt5", "t5"), ctranslate2=True))
# MADLAD-400 (google/madlad400-*-mt): a T5 with a T5 tokenizer like the mT5 fine-tunes, told apart by
# its target-language tags; ``<2en> `` before the source asks for English, and no source code is
# given. CTranslate2's T5 converter handles it (tests/test_madlad.py runs both backends).
register_family(
    Family("madlad", ("t5",), vocabulary_marker="<2en>", source_prefix="<2en> ", ctranslate2=True)
)
register_family(Family("seq2seq"))


def detect(
    model_type: str, tokenizer_class: str = "", vocabulary: Container[str] = frozenset()
) -> Family:
    """The family of a checkpoint from its config's ``model_type``, tokenizer class and vocabulary.

    Among the families of ``model_type``, one whose tokenizer declarations
    (:attr:`Family.tokenizer_prefix`, :attr:`Family.vocabulary_marker`) all match wins over one
    that declares none; a checkpoint no family claims is the generic ``seq2seq``.
    """
    candidates = [f for f in FAMILIES.values() if model_type in f.model_types]
    specific = [f for f in candidates if f.specific and f.matches(tokenizer_class, vocabulary)]
    generic = [f for f in candidates if not f.specific]
    return (specific or generic or [FAMILIES["seq2seq"]])[0]


def folder_vocabulary(folder: Path) -> set[str]:
    """The tokens of a checkpoint folder's ``tokenizer.json`` (vocabulary and added tokens)."""
    path = folder / "tokenizer.json"
    if not path.is_file():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    vocab = data.get("model", {}).get("vocab") or {}
    # a Unigram model lists [piece, score] pairs, a BPE or WordPiece model maps token -> id
    tokens = {entry[0] for entry in vocab} if isinstance(vocab, list) else set(vocab)
    return tokens | {t["content"] for t in data.get("added_tokens", [])}


def detect_in_folder(folder: Path) -> Family | None:
    """The family of a checkpoint folder, read from its JSON files (None: not a checkpoint)."""
    config = folder / "config.json"
    if not config.is_file():
        return None
    model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type", "")
    tok_config = folder / "tokenizer_config.json"
    tok_class = (
        json.loads(tok_config.read_text(encoding="utf-8")).get("tokenizer_class") or ""
        if tok_config.is_file()
        else ""
    )
    markers = any(f.vocabulary_marker for f in FAMILIES.values() if model_type in f.model_types)
    return detect(str(model_type), str(tok_class), folder_vocabulary(folder) if markers else set())


def family_named(name: str) -> Family:
    """The registered family called ``name`` (a preset's ``family:``), or a clear error."""
    if name not in FAMILIES:
        from fa2en.errors import ConfigError

        raise ConfigError(f"unknown model family {name!r}; known: {', '.join(FAMILIES)}")
    return FAMILIES[name]
