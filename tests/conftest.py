"""Shared fixtures: the real data beside the repo, and models the test session builds itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import Articles, build_articles

DATA = Path(os.environ.get("FA2EN_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _require_data() -> Path:
    if not (DATA / "tico19" / "dev.fa").is_file():
        pytest.fail(
            f"test data not found at {DATA}: the repo expects ../shared/data beside it (or FA2EN_DATA)"
        )
    return DATA


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data``: real Persian-English test sets."""
    return _require_data()


@pytest.fixture(scope="session")
def memorized_pairs(data_dir: Path) -> list[tuple[str, str]]:
    """40 real TICO-19 pairs (source normalised as the Translator normalises it)."""
    from fa2en.normalize import normalize

    fa = (data_dir / "tico19" / "dev.fa").read_text(encoding="utf-8").splitlines()
    en = (data_dir / "tico19" / "dev.en").read_text(encoding="utf-8").splitlines()
    pairs = [(normalize(f), e) for f, e in zip(fa, en, strict=True) if 40 <= len(f) <= 110]
    return pairs[:40]


@pytest.fixture(scope="session")
def article_pairs(memorized_pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Memorised pairs whose source is one sentence that ends like one (so two can share a line)."""
    from fa2en.segment import split_sentences

    chosen = [
        (fa, en) for fa, en in memorized_pairs if split_sentences(fa) == [fa] and fa[-1] in ".؟!?"
    ]
    assert len(chosen) >= 14
    return chosen


@pytest.fixture
def articles(tmp_path: Path, article_pairs: list[tuple[str, str]]) -> Articles:
    """``tmp_path/articles`` (see ``helpers.build_articles``), to be translated into ``tmp_path/english``."""

    src = tmp_path / "articles"
    return Articles(src, tmp_path / "english", build_articles(src, article_pairs))


@pytest.fixture(scope="session")
def memorizer(
    tmp_path_factory: pytest.TempPathFactory, memorized_pairs: list[tuple[str, str]]
) -> Path:
    """A tiny Marian model trained in this session to reproduce ``memorized_pairs``."""
    import torch

    from fa2en.testing.toymodels import train_memorizer

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    return train_memorizer(memorized_pairs, tmp_path_factory.mktemp("memorizer"), steps=300)


@pytest.fixture(scope="session")
def reverse_memorizer(
    tmp_path_factory: pytest.TempPathFactory, memorized_pairs: list[tuple[str, str]]
) -> Path:
    """The same kind of model trained the other way: English -> Persian on ``memorized_pairs``."""
    import torch

    from fa2en.testing.toymodels import train_memorizer

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    reverse = [(en, fa) for fa, en in memorized_pairs]
    return train_memorizer(reverse, tmp_path_factory.mktemp("reverse-memorizer"), steps=300)


@pytest.fixture(scope="session")
def toy_checkpoints(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> dict[str, Path]:
    """Random-weight checkpoints of every real family, with tokenizers trained here."""
    from fa2en.testing.toymodels import TOY_FAMILIES, build_checkpoint

    fa = (data_dir / "tico19" / "dev.fa").read_text(encoding="utf-8").splitlines()[:200]
    en = (data_dir / "tico19" / "dev.en").read_text(encoding="utf-8").splitlines()[:200]
    root = tmp_path_factory.mktemp("toys")
    return {fam: build_checkpoint(fam, fa + en, root / fam, vocab_size=600) for fam in TOY_FAMILIES}


@pytest.fixture(autouse=True)
def _isolated_models_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep CTranslate2 conversions and model lookups out of the real models/ folder."""
    monkeypatch.setenv("FA2EN_MODELS", str(tmp_path_factory.getbasetemp() / "models"))
