"""Shared by the benchmark scripts: where the data is, and a random-weight model of a real shape."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fa2en.testing.toymodels import build_shaped

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CORPORA = ("ntrex128/ntrex128", "flores200/dev510", "tico19/test", "tatoeba/test")


def random_model(shape: str) -> Path:
    """A random-weight ``shape`` checkpoint, its tokenizer trained on the local Persian-English data."""
    texts: list[str] = []
    for name in CORPORA:
        for ext in ("fa", "en"):
            texts += (DATA / f"{name}.{ext}").read_text(encoding="utf-8").splitlines()
    return build_shaped(shape, texts, Path(tempfile.mkdtemp(prefix="fa2en-bench-")))
