"""Scale-out: CPU worker processes and a local Ray session give the single-process result."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers import build_articles
from helpers import translate_args as _args

from fa2en.cli import main
from fa2en.parallel import WorkerPool, parse_devices, threads_for
from fa2en.system import available_cpus


def _tree(root: Path) -> dict[str, bytes]:
    """The outputs (not the manifest or run record), and the review without model confidences
    (batches of other shapes change the last digits of a float, never a word)."""
    tree = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".fa2en") for part in p.relative_to(root).parts)
    }
    review = root / ".fa2en-review" / "segments.jsonl"
    records = [json.loads(line) for line in review.read_text(encoding="utf-8").splitlines()]
    for r in records:
        r.pop("confidence")
    tree["review"] = json.dumps(sorted(records, key=lambda r: (r["file"], r["sentence"]))).encode()
    return tree


@pytest.fixture(scope="module")
def single(
    tmp_path_factory: pytest.TempPathFactory, memorizer: Path, article_pairs: list[tuple[str, str]]
) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("scale")
    src = root / "articles"
    build_articles(src, article_pairs)
    for i in range(6):
        (src / f"extra{i}.txt").write_text(
            f"{article_pairs[i][0]} {article_pairs[i + 1][0]}\n\n{article_pairs[i + 2][0]}\n",
            encoding="utf-8",
        )
    assert main(_args(src, root / "single", memorizer)) == 0
    return src, _tree(root / "single")


def test_two_cpu_workers_match_single_process(
    single: tuple[Path, dict[str, bytes]], memorizer: Path, tmp_path: Path
) -> None:
    src, expected = single
    assert (
        main(_args(src, tmp_path / "two", memorizer, "--workers", "2", "--max-tokens", "64")) == 0
    )
    assert _tree(tmp_path / "two") == expected


def test_a_killed_worker_leaves_a_complete_result(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    from fa2en.engines import token_counter
    from fa2en.options import JobOptions

    opts = JobOptions(model=str(memorizer))
    sentences = [fa for fa, _ in memorized_pairs] * 3
    pool = WorkerPool(
        ["cpu", "cpu"],
        {"model": str(memorizer), "backend": "transformers", "num_beams": 1},
        token_counter(opts),
        threads_per_worker=1,
        max_tokens=40,
        max_batch_size=2,
    )
    result: dict[str, list[str]] = {}
    try:
        thread = threading.Thread(
            target=lambda: result.setdefault(
                "out", [t.text for t in pool.translate_detailed(sentences)]
            )
        )
        thread.start()
        victim = pool.workers[1]
        deadline = time.time() + 60
        while time.time() < deadline and not (pool.stats.batches >= 2 and victim.busy is not None):
            time.sleep(0.005)
        os.kill(victim.process.pid, signal.SIGKILL)
        thread.join(timeout=300)
    finally:
        pool.close()
    assert result["out"] == [en for _, en in memorized_pairs] * 3
    assert len(pool.report.died) == 1 and "worker 1" in pool.report.died[0]
    assert pool.report.redone_batches == 1


def test_parse_devices() -> None:
    assert parse_devices("0,1", None) == ["cuda:0", "cuda:1"]
    assert parse_devices(None, 2) == ["cpu", "cpu"]
    assert parse_devices(None, 1) is None
    assert threads_for(2) == max(1, available_cpus() // 2)


def test_ray_matches_single_process(
    single: tuple[Path, dict[str, bytes]], memorizer: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ray")
    src, expected = single
    assert main(_args(src, tmp_path / "ray", memorizer, "--engine", "ray", "--workers", "2")) == 0
    assert _tree(tmp_path / "ray") == expected


def test_a_batch_that_raises_fails_only_its_sentences(
    memorizer: Path, memorized_pairs: list[tuple[str, str]]
) -> None:
    """A batch whose translation raises in a worker is reported; the pool and the rest go on."""
    good = [fa for fa, _ in memorized_pairs[:3]]
    pool = WorkerPool(
        ["cpu"],
        {"model": str(memorizer), "backend": "transformers", "num_beams": 1},
        lambda texts: [1] * len(texts),  # the parent does not look at the items
        threads_per_worker=1,
        max_batch_size=1,
    )
    try:
        # an item that is not a string makes the worker's translator raise TypeError
        out = pool.translate_detailed([good[0], 5, good[1], good[2]])  # type: ignore[list-item]
    finally:
        pool.close()
    assert out[1].text == "" and "TypeError" in (out[1].error or "")
    assert [o.text for k, o in enumerate(out) if k != 1] == [en for _, en in memorized_pairs[:3]]
    assert all(o.error is None for k, o in enumerate(out) if k != 1)
    assert pool.stats.failed == 1 and not pool.report.died
