"""Helpers shared by test modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple


class Articles(NamedTuple):
    """A folder of articles made of memorised sentences, where their English goes, what it reads."""

    src: Path
    out: Path
    expected: dict[str, str]


def build_articles(root: Path, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Write a folder of articles made of memorised sentences; return the expected outputs."""
    fa = [p[0] for p in pairs]
    en = [p[1] for p in pairs]
    files = {
        "news1.txt": (
            f"## {fa[0]}\n\n{fa[1]} {fa[2]}\n\n{fa[3]}\n",
            f"## {en[0]}\n\n{en[1]} {en[2]}\n\n{en[3]}\n",
        ),
        "sub/deeper/news2.md": (
            f"# {fa[4]}\n\n- {fa[5]}\n- {fa[6]}\n\n\n{fa[7]} {fa[8]}\n\n```\nکد {fa[9]}\n```\n",
            f"# {en[4]}\n\n- {en[5]}\n- {en[6]}\n\n\n{en[7]} {en[8]}\n\n```\nکد {fa[9]}\n```\n",
        ),
        "feed.jsonl": (
            json.dumps({"id": 1, "text": fa[10], "source": "irna"}, ensure_ascii=False)
            + "\n"
            + json.dumps({"id": 2, "text": f"{fa[11]} {fa[0]}", "tags": ["a"]}, ensure_ascii=False)
            + "\n",
            json.dumps({"id": 1, "text": en[10], "source": "irna"}, ensure_ascii=False)
            + "\n"
            + json.dumps({"id": 2, "text": f"{en[11]} {en[0]}", "tags": ["a"]}, ensure_ascii=False)
            + "\n",
        ),
        "table.tsv": (f"id\ttext\n7\t{fa[12]}\n", f"id\ttext\n7\t{en[12]}\n"),
    }
    for rel, (source, _) in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(source, encoding="utf-8")
    return {rel: expected for rel, (_, expected) in files.items()}


def translate_args(src: Path | str, out: Path | None, memorizer: Path, *extra: str) -> list[str]:
    """``fa2en translate`` arguments for the memorising model, exact and quiet (no -o: stdout)."""
    return [
        "translate",
        str(src),
        *(["-o", str(out)] if out is not None else []),
        *[
            "--model",
            str(memorizer),
            "--backend",
            "transformers",
            "--beams",
            "1",
            "--quiet",
            *extra,
        ],
    ]


class EchoEngine:
    """A stand-in engine (the ``SentenceTranslator`` interface) that wraps each sentence in <>."""

    def __init__(
        self, calls: list[list[str]] | None = None, notes: list[str] | None = None
    ) -> None:
        from fa2en.interfaces import Stats

        self.stats = Stats()
        self.load_seconds = 0.0
        self.notes = list(notes or [])
        self.calls = calls if calls is not None else []
        self.closed = False

    def translate_detailed(
        self, sentences: list[str], *, progress: object = None, careful: bool = False
    ) -> list:
        from fa2en.interfaces import Translation

        self.calls.append(list(sentences))
        return [Translation(f"<{s}>") for s in sentences]

    def describe(self) -> dict[str, str]:
        return {"model": "echo", "backend": "echo", "precision": "none", "device": "cpu"}

    def close(self) -> None:
        self.closed = True
