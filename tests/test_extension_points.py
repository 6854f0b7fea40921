"""Extension points: a family and a backend registered from the test run ``fa2en translate`` end to end.

A family is one :func:`~fa2en.families.register_family` entry plus a preset YAML; a backend is one
loader plus a :func:`~fa2en.backends.register_backend` entry. Formats and metrics are shown the same
way in ``test_formats.py`` and ``test_eval_metrics.py`` (see docs/extending.md).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from fa2en.backends import (
    BACKENDS,
    Backend,
    BackendRequest,
    BackendSpec,
    Hypothesis,
    backend_names,
)
from fa2en.backends import hf as hf_backend
from fa2en.cli import main
from fa2en.families import FAMILIES, Family, family_named
from fa2en.manifest import MANIFEST_NAME


def _article(root: Path, pairs: list[tuple[str, str]]) -> tuple[Path, str]:
    """A two-paragraph article of memorised sentences, and its expected translation."""
    src = root / "in.txt"
    src.write_text(f"{pairs[0][0]}\n\n{pairs[1][0]}\n", encoding="utf-8")
    return src, f"{pairs[0][1]}\n\n{pairs[1][1]}\n"


def _provenance(outdir: Path) -> dict[str, Any]:
    record = json.loads((outdir / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()[-1])
    return dict(json.loads(record["provenance"]))


def test_a_family_registered_from_the_test_runs_end_to_end(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 1. the registry entry: plain text in, and CTranslate2 not claimed for it
    monkeypatch.setitem(FAMILIES, "memo", Family("memo", ("marian",), ctranslate2=False))
    # 2. a preset naming it, in the user's presets folder; the weights under models/<name>/
    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "memo-model.yaml").write_text(
        "name: memo-model\nhub_id: example/memo-model\nfamily: memo\nlicence: MIT\n"
        "generation: {num_beams: 1}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FA2EN_PRESETS", str(presets))
    monkeypatch.setenv("FA2EN_MODELS", str(tmp_path / "models"))
    shutil.copytree(memorizer, tmp_path / "models" / "memo-model")
    src, expected = _article(tmp_path, article_pairs)
    out = tmp_path / "out"
    with caplog.at_level(logging.INFO, logger="fa2en"):
        code = main(["translate", str(src), "-o", str(out), "--model", "memo-model", "--quiet"])
    assert code == 0
    assert (out / "in.txt").read_text(encoding="utf-8") == expected
    messages = [r.getMessage() for r in caplog.records]
    assert any("(memo)" in m and "memo-model" in m for m in messages)  # loaded as the new family
    # `auto` honoured what the family declares: no CTranslate2, a notice naming the family
    assert any("'memo' model family is not supported" in m for m in messages)
    assert _provenance(out)["backend"] == "transformers"
    assert family_named("memo") is FAMILIES["memo"]


class RecordingBackend:
    """A backend that wraps the transformers one and records every batch it is given."""

    name = "recording"

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.device = inner.device
        self.decoding = inner.decoding
        self.batches: list[list[list[int]]] = []

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[Hypothesis]:
        """The wrapped backend's hypotheses, after noting the batch."""
        self.batches.append(batch)
        return self.inner.generate(batch, max_new_tokens)

    def score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        """The wrapped backend's scores."""
        return self.inner.score(sources, targets)

    def describe(self) -> dict[str, Any]:
        """The wrapped backend's details under this backend's name."""
        return {**self.inner.describe(), "backend": self.name}


def test_a_backend_registered_from_the_test_runs_end_to_end(
    tmp_path: Path,
    memorizer: Path,
    article_pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "recording" not in backend_names()  # also registers the built-in ones first
    made: list[RecordingBackend] = []

    def load(request: BackendRequest) -> Backend:
        made.append(RecordingBackend(hf_backend.load(request)))
        return made[-1]

    monkeypatch.setitem(BACKENDS, "recording", BackendSpec("recording", load))
    assert backend_names()[-1] == "recording"
    src, expected = _article(tmp_path, article_pairs)
    out = tmp_path / "out"
    args = ["translate", str(src), "-o", str(out), "--model", str(memorizer)]
    assert main([*args, "--backend", "recording", "--beams", "1", "--quiet"]) == 0
    assert (out / "in.txt").read_text(encoding="utf-8") == expected
    (backend,) = made
    assert sum(len(b) for b in backend.batches) == 2  # both sentences went through it
    assert _provenance(out)["backend"] == "recording"
