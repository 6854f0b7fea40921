"""Input discovery: mirrored folders, symbolic links followed, what is skipped and why."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from fa2en import inputs
from fa2en.errors import InputFileError
from fa2en.inputs import InputFile, discover


def _tree(root: Path, files: list[str]) -> None:
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("متن.\n", encoding="utf-8")


def _rels(found: list[InputFile]) -> list[str]:
    return [f.rel for f in found]


def test_folder_is_mirrored_with_formats(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _tree(src, ["a.txt", "sub/b.md", "sub/deeper/c.jsonl", "d.tsv"])
    found, notes = discover([src], tmp_path / "out", [], [], None)
    assert found == [
        InputFile(src / "a.txt", "a.txt", "text"),
        InputFile(src / "d.tsv", "d.tsv", "tsv"),
        InputFile(src / "sub" / "b.md", "sub/b.md", "markdown"),
        InputFile(src / "sub" / "deeper" / "c.jsonl", "sub/deeper/c.jsonl", "jsonl"),
    ]
    assert notes == []


def test_include_exclude_override_and_several_inputs(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _tree(a, ["x.txt", "y.md", "skip.txt"])
    _tree(b, ["z.txt"])
    found, _ = discover([a, b], tmp_path / "out", ["*.txt"], ["skip*"], "markdown")
    assert _rels(found) == ["a/x.txt", "b/z.txt"]
    assert {f.fmt for f in found} == {"markdown"}


def test_symlinked_files_and_folders_are_followed(tmp_path: Path) -> None:
    src, elsewhere = tmp_path / "src", tmp_path / "elsewhere"
    _tree(src, ["a.txt"])
    _tree(elsewhere, ["b.txt", "inner/c.txt"])
    (src / "linked").symlink_to(elsewhere, target_is_directory=True)
    (src / "one.txt").symlink_to(elsewhere / "b.txt")
    found, notes = discover([src], tmp_path / "out", [], [], None)
    assert _rels(found) == ["a.txt", "linked/b.txt", "linked/inner/c.txt", "one.txt"]
    assert found[1].source == src / "linked" / "b.txt"
    assert notes == []


def test_symlink_loop_is_skipped_with_a_note(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _tree(src, ["sub/a.txt"])
    (src / "sub" / "back").symlink_to(src, target_is_directory=True)
    (src / "self").symlink_to(src / "self")
    found, notes = discover([src], tmp_path / "out", [], [], None)
    assert _rels(found) == ["sub/a.txt"]
    assert (
        f"skipped {src / 'sub' / 'back'}: symbolic link loop (leads back to {src.resolve()})"
        in notes
    )
    assert any(n.startswith(f"skipped {src / 'self'}: cannot read (") for n in notes)


def test_dangling_links_fifos_sockets_and_hidden_are_noted(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _tree(src, ["ok.txt", ".draft.txt", ".git/config", "sub/.hidden.md", "sub/b.txt"])
    (src / "gone.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(src / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(src / "sock.txt"))
        found, notes = discover([src], tmp_path / "out", [], [], None)
    finally:
        sock.close()
    assert _rels(found) == ["ok.txt", "sub/b.txt"]
    assert notes == [
        f"skipped {src / 'gone.txt'}: dangling symbolic link (to {tmp_path / 'missing.txt'})",
        f"skipped {src / 'pipe.txt'}: not a regular file (FIFO)",
        f"skipped {src / 'sock.txt'}: not a regular file (socket)",
        f"skipped 2 hidden files and 1 hidden folder under {src} (names start with '.')",
    ]


def test_unreadable_folder_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    _tree(src, ["a.txt", "locked/b.txt"])
    real_scandir = os.scandir

    def scandir(path: Path) -> object:  # chmod 000 does not stop root, so refuse as the OS would
        if Path(path) == src / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    found, notes = discover([src], tmp_path / "out", [], [], None)
    assert _rels(found) == ["a.txt"]
    assert notes == [f"skipped {src / 'locked'}: cannot read the folder (Permission denied)"]


def test_named_inputs_that_cannot_be_used_are_errors(tmp_path: Path) -> None:
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "fifo.txt")
    with pytest.raises(InputFileError, match="dangling.txt: dangling symbolic link"):
        discover([tmp_path / "dangling.txt"], tmp_path / "out", [], [], None)
    with pytest.raises(InputFileError, match="fifo.txt: not a regular file or folder \\(FIFO\\)"):
        discover([tmp_path / "fifo.txt"], tmp_path / "out", [], [], None)
    with pytest.raises(InputFileError, match="missing.txt: no such file or folder"):
        discover([tmp_path / "missing.txt"], tmp_path / "out", [], [], None)


def test_named_file_through_a_symlink(tmp_path: Path) -> None:
    _tree(tmp_path, ["real.md"])
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    found, notes = discover([tmp_path / "link.md"], tmp_path / "out", [], [], None)
    assert found == [InputFile(tmp_path / "link.md", "link.md", "markdown")] and notes == []


def test_output_inside_input_is_left_out_and_overwrites_are_errors(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _tree(src, ["a.txt", "en/a.txt"])
    found, notes = discover([src], src / "en", [], [], None)
    assert _rels(found) == ["a.txt"] and notes == []
    (src / "en2").symlink_to(src / "en", target_is_directory=True)
    assert _rels(discover([src], src / "en", [], [], None)[0]) == ["a.txt"]
    with pytest.raises(InputFileError, match="would overwrite the input"):
        discover([src], src, [], [], None)
    with pytest.raises(InputFileError, match="would overwrite the input"):
        discover([src / "a.txt"], src, [], [], None)
    with pytest.raises(InputFileError, match="would both be written to"):
        discover([src / "a.txt", src / "en" / "a.txt"], tmp_path / "out", [], [], None)
