"""Choosing a backend: ``transformers``, ``ctranslate2``, or ``auto`` (CTranslate2 where it can run)."""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path

from fa2en.errors import Fa2enError
from fa2en.loading import ModelSource

log = logging.getLogger("fa2en")

BACKENDS = ("auto", "transformers", "ctranslate2")

#: Families whose checkpoints CTranslate2's converter handles with the transformers version in use
#: (mBART's converter needs config fields transformers 5 dropped; M2M100 needs language tokens
#: registered the old way).
CT2_FAMILIES = {"marian", "nllb", "mt5"}


def _family_name(src: ModelSource) -> str | None:
    """The checkpoint's family, read from the preset or its config files without loading it."""
    if src.preset:
        return src.preset.family
    folder = Path(src.location)
    if not (src.local and (folder / "config.json").is_file()):
        return None
    model_type = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("model_type")
    tok_cfg = folder / "tokenizer_config.json"
    tok_class = (
        json.loads(tok_cfg.read_text(encoding="utf-8")).get("tokenizer_class", "")
        if tok_cfg.is_file()
        else ""
    )
    if model_type == "m2m_100":
        return "nllb" if str(tok_class).startswith("Nllb") else "m2m100"
    return {"marian": "marian", "mt5": "mt5", "t5": "mt5", "mbart": "mbart50"}.get(
        model_type or "", model_type
    )


def choose_backend(requested: str, src: ModelSource, device: str) -> str:
    """The backend to use; ``auto`` falls back to transformers with a one-line notice."""
    if requested not in BACKENDS:
        raise Fa2enError(f"unknown backend {requested!r}; choose from {', '.join(BACKENDS)}")
    if requested == "transformers":
        return requested
    installed = importlib.util.find_spec("ctranslate2") is not None
    family = _family_name(src)
    supported = family in CT2_FAMILIES
    usable_device = device in ("cpu",) or device.startswith("cuda")
    if installed and supported and usable_device:
        return "ctranslate2"
    why = (
        "the ctranslate2 package is not installed (pip install 'fa2en[fast]')"
        if not installed
        else f"device {device!r} is not supported by CTranslate2"
        if not usable_device
        else f"the {family!r} model family is not supported by fa2en's CTranslate2 backend"
    )
    if requested == "ctranslate2":
        raise Fa2enError(f"backend 'ctranslate2' cannot be used: {why}")
    log.warning("notice: using the transformers backend because %s", why)
    return "transformers"
