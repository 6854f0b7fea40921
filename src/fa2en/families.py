"""Model families: how each names languages, and how Persian and English are set for it.

NLLB-200 wants ``pes_Arab`` on the source and ``eng_Latn`` forced as the first generated token;
M2M100 ``fa`` -> ``en`` (``__en__`` forced); mBART-50 ``fa_IR`` -> ``en_XX``; Marian/OPUS-MT and mT5
fine-tunes take plain text. A wrong code silently gives garbage, so codes are checked against the
tokenizer before any work.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from fa2en.errors import LanguageCodeError


@dataclass(frozen=True)
class Family:
    """One model family's language-code conventions."""

    name: str
    code_pattern: str | None = None  # a regex that the tokens naming languages match
    default_src: str | None = None
    default_tgt: str | None = None

    @property
    def uses_codes(self) -> bool:
        """Whether the family needs source/target language codes."""
        return self.code_pattern is not None

    def valid_codes(self, tokenizer: Any) -> list[str]:
        """The language codes ``tokenizer`` knows, sorted."""
        if not self.uses_codes:
            return []
        if self.name == "m2m100":
            return sorted(getattr(tokenizer, "lang_code_to_id", {}))
        rx = re.compile(self.code_pattern or "")
        vocab = set(tokenizer.get_vocab()) | set(tokenizer.all_special_tokens)
        return sorted(t for t in vocab if rx.fullmatch(t))

    def code_token(self, code: str) -> str:
        """The vocabulary token for a language code (``en`` -> ``__en__`` for M2M100)."""
        return f"__{code}__" if self.name == "m2m100" else code

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
        return int(tokenizer.convert_tokens_to_ids(self.code_token(tgt)))


FAMILIES: dict[str, Family] = {
    "nllb": Family("nllb", r"[a-z]{3}_[A-Z][a-z]{3}", "pes_Arab", "eng_Latn"),
    "m2m100": Family("m2m100", r"__[a-z]{2,3}__", "fa", "en"),
    "mbart50": Family("mbart50", r"[a-z]{2}_[A-Z]{2}", "fa_IR", "en_XX"),
    "marian": Family("marian"),
    "mt5": Family("mt5"),
    "seq2seq": Family("seq2seq"),
}


def detect_family(config: Any, tokenizer: Any) -> Family:
    """The family of a checkpoint, read from its config and tokenizer classes."""
    model_type = getattr(config, "model_type", "")
    tok_class = type(tokenizer).__name__
    if model_type == "m2m_100":
        return FAMILIES["nllb" if tok_class.startswith("Nllb") else "m2m100"]
    if model_type == "mbart" and tok_class.startswith("MBart50"):
        return FAMILIES["mbart50"]
    if model_type == "marian":
        return FAMILIES["marian"]
    if model_type in ("mt5", "t5"):
        return FAMILIES["mt5"]
    return FAMILIES["seq2seq"]
