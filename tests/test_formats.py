"""File formats: parse into documents, render translations back, keep everything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fa2en.errors import InputFileError
from fa2en.formats import decode, detect_format, make_format


def _roundtrip(name: str, text: str, **options: object) -> tuple[list[str], str]:
    """The sentences of ``text``, and the file rendered with each sentence as T<n>."""
    fmt = make_format(name, **options)  # type: ignore[arg-type]
    docs = fmt.parse(text)
    n = 0
    rebuilt = []
    for d in docs:
        rebuilt.append(d.rebuild([f"T{n + i}" for i in range(len(d.sentences))]))
        n += len(d.sentences)
    return [s for d in docs for s in d.sentences], fmt.render(text, docs, rebuilt)


def test_jsonl_translates_named_fields_and_keeps_the_rest() -> None:
    text = '{"id": 1, "title": "تیتر", "text": "جمله یک. جمله دو.", "n": 2}\n\n{"id": 2}\n'
    sentences, out = _roundtrip("jsonl", text, fields=("title", "text"))
    assert sentences == ["تیتر", "جمله یک.", "جمله دو."]
    lines = out.split("\n")
    assert json.loads(lines[0]) == {"id": 1, "title": "T0", "text": "T1 T2", "n": 2}
    assert lines[1] == "" and json.loads(lines[2]) == {"id": 2} and lines[3] == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"text": 5}\n', "line 1: field 'text' is int, not a string"),
        ("[1, 2]\n", "line 1: expected a JSON object, got list"),
        ('{"text": "x"}\n{"text": \n', "line 2: malformed JSON"),
    ],
)
def test_jsonl_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        make_format("jsonl").parse(text)


def test_tsv_translates_one_column_and_keeps_crlf() -> None:
    text = "id\ttext\tnote\r\n1\tسلام.\tx\r\n2\tخداحافظ.\ty\r\n"
    sentences, out = _roundtrip("tsv", text)
    assert sentences == ["سلام.", "خداحافظ."]
    assert out == "id\ttext\tnote\r\n1\tT0\tx\r\n2\tT1\ty\r\n"


def test_tsv_unknown_column() -> None:
    with pytest.raises(
        InputFileError, match="no column 'body' in the header \\(columns: id, text\\)"
    ):
        make_format("tsv", column="body").parse("id\ttext\n1\tx\n")


def test_markdown_keeps_code_and_markup() -> None:
    text = "# تیتر\n\n> نقل قول.\n\n```python\nprint('سلام')\n```\n\nمتن با `کد` و https://a.ir/x تمام.\n"
    sentences, out = _roundtrip("markdown", text)
    assert "print('سلام')" not in " ".join(sentences)
    assert out.startswith("# T0\n\n> T1\n\n```python\nprint('سلام')\n```\n\n")
    assert "`کد`" in out and "https://a.ir/x" in out


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "text"),
        ("a.MD", "markdown"),
        ("a.jsonl", "jsonl"),
        ("a.tsv", "tsv"),
        ("a.xyz", "text"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(Path(name)) == fmt


def test_decode_reports_why() -> None:
    assert decode("\ufeffسلام".encode()) == "سلام"
    with pytest.raises(InputFileError, match="binary file"):
        decode(b"abc\x00def")
    with pytest.raises(InputFileError, match="not UTF-8 text \\(byte 0xe9 at offset 3\\)"):
        decode("Café".encode("latin-1"))
