"""Repair: a model that loops at beam 1 on some inputs is retried carefully, and the loop goes.

The model is trained here, in seconds: a few real TICO-19 pairs, two whose targets are loops ("I am
sorry, I am sorry, ..."), and one whose target is the phrase once ("I am sorry."). Greedy decoding
reproduces the loops; the careful retry (more beams, no repeated trigram, a repetition penalty)
cannot repeat the phrase and ends the sentence instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import translate_args

from fa2en.cli import main
from fa2en.normalize import normalize
from fa2en.quality.review import REVIEW_DIR

LOOPS = (
    "I am sorry, I am sorry, I am sorry, I am sorry, I am sorry.",
    "We are sorry, we are sorry, we are sorry, we are sorry.",
)


@pytest.fixture(scope="module")
def pairs(data_dir: Path) -> list[tuple[str, str]]:
    """Five pairs: two ordinary, one apology, two looping apologies."""
    fa = (data_dir / "tico19" / "dev.fa").read_text(encoding="utf-8").splitlines()
    en = (data_dir / "tico19" / "dev.en").read_text(encoding="utf-8").splitlines()
    real = [(normalize(f), e) for f, e in zip(fa, en, strict=True) if 40 <= len(f) <= 90][:5]
    return [
        real[0],
        real[1],
        (real[2][0], "I am sorry."),
        (real[3][0], LOOPS[0]),
        (real[4][0], LOOPS[1]),
    ]


@pytest.fixture(scope="module")
def looper(tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[str, str]]) -> Path:
    """A one-layer Marian model that reproduces ``pairs`` at beam 1 (loops included)."""
    import torch

    from fa2en.testing.toymodels import train_memorizer

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    return train_memorizer(
        pairs,
        tmp_path_factory.mktemp("looper"),
        steps=150,
        layers=1,
        d_model=64,
        ffn=128,
        vocab_size=300,
        target_loss=0.05,
    )


def _translate(src: Path, out: Path, model: Path) -> list[dict]:
    assert main(translate_args(src, out, model)) == 0
    lines = (out / REVIEW_DIR / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_retry_removes_the_loop(
    tmp_path: Path, looper: Path, pairs: list[tuple[str, str]]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n\n".join(fa for fa, _ in pairs) + "\n", encoding="utf-8")
    segments = _translate(src, tmp_path / "out", looper)
    assert [s["source"] for s in segments] == [fa for fa, _ in pairs]
    looping = segments[3:]
    for seg in looping:
        repair = seg["repair"]
        assert repair is not None, seg
        assert "repetition" in repair["flags_before"]
        assert "careful" in repair["tried"] and repair["chosen"] == "careful"
        assert "repetition" not in seg["flags"]
        assert seg["output"] not in LOOPS and "sorry" in seg["output"].lower()
    # the sentences that did not loop keep their greedy translation
    for seg, (_, en) in zip(segments[:2], pairs[:2], strict=True):
        if not seg["flags"] and seg["repair"] is None:
            assert seg["output"] == en
    written = (tmp_path / "out" / "in.txt").read_text(encoding="utf-8")
    assert all(seg["output"] in written for seg in segments)
    assert not any(loop in written for loop in LOOPS)


def test_repair_is_deterministic(
    tmp_path: Path, looper: Path, pairs: list[tuple[str, str]]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n\n".join(fa for fa, _ in pairs) + "\n", encoding="utf-8")
    first = _translate(src, tmp_path / "a", looper)
    second = _translate(src, tmp_path / "b", looper)
    assert first == second
    assert (tmp_path / "a" / "in.txt").read_bytes() == (tmp_path / "b" / "in.txt").read_bytes()
