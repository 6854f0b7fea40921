"""The resume manifest and atomic writes: what survives a kill at any moment."""

from __future__ import annotations

import contextlib
from pathlib import Path

from fa2en.manifest import (
    MANIFEST_NAME,
    TMP_SUFFIX,
    Manifest,
    atomic_write,
    remove_stale_temporaries,
    sha256_bytes,
)


def test_complete_only_when_source_options_and_output_match(tmp_path: Path) -> None:
    m = Manifest(tmp_path)
    atomic_write(
        tmp_path / "a.txt",
        b"english",
        before_rename=lambda: m.record("a.txt", "src1", "opts", b"english", 3),
    )
    again = Manifest(tmp_path)  # read back from disk
    assert again.status("a.txt", "src1", "opts") == "complete"
    assert again.status("a.txt", "src2", "opts") == "changed"  # the source changed
    assert again.status("a.txt", "src1", "other") == "changed"  # the options changed
    (tmp_path / "a.txt").write_bytes(b"tampered")
    assert again.status("a.txt", "src1", "opts") == "edited"  # not what fa2en wrote
    (tmp_path / "a.txt").unlink()
    assert again.status("a.txt", "src1", "opts") == "new"
    (tmp_path / "b.txt").write_bytes(b"someone else's")
    assert again.status("b.txt", "src1", "opts") == "foreign"


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    m = Manifest(tmp_path)
    m.record("a.txt", "s", "o", b"x", 1)
    (tmp_path / "a.txt").write_bytes(b"x")
    with open(tmp_path / MANIFEST_NAME, "a", encoding="utf-8") as fh:
        fh.write('{"path": "b.txt", "source_sha')  # killed mid-write
    again = Manifest(tmp_path)
    assert again.status("a.txt", "s", "o") == "complete" and "b.txt" not in again.entries


def test_record_before_rename_and_no_half_files(tmp_path: Path) -> None:
    """A kill between the record and the rename leaves the old output, which the record disowns."""
    m = Manifest(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"old")

    def killed() -> None:
        m.record("a.txt", "s", "o", b"new", 1)
        raise KeyboardInterrupt

    with contextlib.suppress(KeyboardInterrupt):
        atomic_write(tmp_path / "a.txt", b"new", before_rename=killed)
    assert (tmp_path / "a.txt").read_bytes() == b"old"
    assert Manifest(tmp_path).status("a.txt", "s", "o") == "edited"  # the old file stays: not ours
    assert not list(tmp_path.glob(f"*{TMP_SUFFIX}"))
    assert sha256_bytes(b"new") == Manifest(tmp_path).entries["a.txt"].output_sha256


def test_stale_temporaries_are_removed(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / f".a.txt.123{TMP_SUFFIX}").write_bytes(b"half")
    (tmp_path / "keep.txt").write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == 1
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["keep.txt"]


def test_a_kill_while_redoing_leaves_fa2ens_older_output_to_be_redone(tmp_path: Path) -> None:
    m = Manifest(tmp_path)
    atomic_write(
        tmp_path / "a.txt", b"v1", before_rename=lambda: m.record("a.txt", "s1", "o", b"v1", 1)
    )

    def killed() -> None:
        m.record("a.txt", "s2", "o", b"v2", 1)
        raise KeyboardInterrupt

    with contextlib.suppress(KeyboardInterrupt):
        atomic_write(tmp_path / "a.txt", b"v2", before_rename=killed)
    assert (tmp_path / "a.txt").read_bytes() == b"v1"
    assert Manifest(tmp_path).status("a.txt", "s2", "o") == "changed"  # redone, not kept as an edit
