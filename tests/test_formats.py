"""File formats: parse into documents, render translations back, keep everything else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fa2en.errors import InputFileError
from fa2en.formats import (
    EXTENSIONS,
    FORMATS,
    decode,
    detect_format,
    format_names,
    make_format,
    register_format,
)
from fa2en.normalize import DigitsOption
from fa2en.segment import Document, segment_document


def _roundtrip(
    name: str, text: str, digits: DigitsOption = "ascii", **options: object
) -> tuple[list[str], str]:
    """The sentences of ``text``, and the file rendered with each sentence as T<n>."""
    fmt = make_format(name, **options)
    docs = fmt.parse(text)
    n = 0
    rebuilt = []
    for d in docs:
        rebuilt.append(d.rebuild([f"T{n + i}" for i in range(len(d.sentences))], digits=digits))
        n += len(d.sentences)
    return [s for d in docs for s in d.sentences], fmt.render(text, docs, rebuilt)


@pytest.fixture
def clean_registry() -> Iterator[None]:
    """Whatever a test registers is gone afterwards."""
    formats, extensions = dict(FORMATS), dict(EXTENSIONS)
    yield
    FORMATS.clear()
    FORMATS.update(formats)
    EXTENSIONS.clear()
    EXTENSIONS.update(extensions)


def test_a_format_is_one_registered_class(clean_registry: None) -> None:
    @register_format("lines", extensions=(".lines",))
    @dataclass(frozen=True)
    class Lines:
        """Every line is a document; ``prefix`` is put before each rendered line."""

        prefix: str = ""

        def parse(self, text: str) -> list[Document]:
            return [segment_document(line) for line in text.split("\n")]

        def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
            return "\n".join(self.prefix + r for r in rebuilt)

    assert "lines" in format_names() and format_names() == [
        "jsonl",
        "lines",
        "markdown",
        "text",
        "tsv",
    ]
    assert detect_format(Path("notes.LINES")) == "lines"
    assert detect_format(Path("a.txt"), "lines") == "lines"
    # options a format does not take (the CLI passes them all) are not given to it
    sentences, out = _roundtrip("lines", "سلام.\nخداحافظ.", prefix="> ", fields=["x"], column="y")
    assert sentences == ["سلام.", "خداحافظ."] and out == "> T0\n> T1"
    with pytest.raises(ValueError, match="format 'lines' is already registered"):
        register_format("lines")(Lines)
    with pytest.raises(ValueError, match="extension '.md' already belongs to 'markdown'"):
        register_format("other", extensions=(".md",))(Lines)


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(
        InputFileError, match="unknown format 'xml'; choose from jsonl, markdown, text, tsv"
    ):
        make_format("xml")
    with pytest.raises(InputFileError, match="unknown format 'xml'"):
        detect_format(Path("a.txt"), "xml")


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


def test_jsonl_changes_only_the_named_values() -> None:
    line = (
        '{"id":1e5,  "text" :"\u0633\u0644\u0627\u0645.",\t"meta": {"text": "درون"}, '
        '"title": "تیتر «یک»", "n": [1, 2.50], "s": "\\u0633"}'
    )
    text = f'{line}\r\n\n{{ "id": 2, "tags": ["الف"] }}\n'
    fmt = make_format("jsonl", fields=["title", "text"])
    docs = fmt.parse(text)
    assert [d.sentences for d in docs] == [["تیتر «یک»"], ["سلام."]]
    out = fmt.render(text, docs, ['Headline "one"', "Hello."])
    expected = line.replace('"تیتر «یک»"', '"Headline \\"one\\""').replace(
        '"\u0633\u0644\u0627\u0645."', '"Hello."'
    )
    assert out == f'{expected}\r\n\n{{ "id": 2, "tags": ["الف"] }}\n'


def test_jsonl_keeps_escaped_values_escaped() -> None:
    text = '{"text": "\\u0633\\u0644\\u0627\\u0645."}\n{"text": "سلام."}\n'
    fmt = make_format("jsonl")
    docs = fmt.parse(text)
    assert [d.sentences for d in docs] == [["سلام."], ["سلام."]]
    assert fmt.render(text, docs, ["«Hi»", "«Hi»"]) == (
        '{"text": "\\u00abHi\\u00bb"}\n{"text": "«Hi»"}\n'
    )


def test_jsonl_repeated_key_translates_the_one_readers_keep() -> None:
    text = '{"text": "اول.", "text": "دوم."}'
    sentences, out = _roundtrip("jsonl", text)
    assert sentences == ["دوم."] and out == '{"text": "اول.", "text": "T0"}'


def test_jsonl_without_the_fields_is_an_error() -> None:
    text = '{"id": 1, "body": "سلام."}\n{"id": 2}\n'
    with pytest.raises(
        InputFileError,
        match="no record has a field 'text' or 'title' to translate \\(choose with --fields; "
        "line 1 has: id, body\\)",
    ):
        make_format("jsonl", fields=("text", "title")).parse(text)
    assert make_format("jsonl").parse("\n\n") == []  # no records at all: nothing to say


def test_tsv_header_is_the_first_non_blank_line() -> None:
    text = "\n \nid\ttext\n1\tسلام.\n\n2\tخداحافظ.\n"
    sentences, out = _roundtrip("tsv", text)
    assert sentences == ["سلام.", "خداحافظ."]
    assert out == "\n \nid\ttext\n1\tT0\n\n2\tT1\n"
    assert _roundtrip("tsv", "\n\n") == ([], "\n\n")


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


PERSIAN_DIGITS_KEPT = (
    "# گزارش ۱۴۰۲\n\n"
    "```\nx = ۱۲۳  # ۴۵۶\n```\n\n"
    "۱. مورد با `n=۷` و https://fa.wikipedia.org/wiki/۱۳۵۷ و ali۲@mail.ir\n"
    "۲) منبع: https://fa.wikipedia.org/wiki/انقلاب.ایران را ببینید.\n\n"
    "| سال | مقدار |\n|:---|---:|\n| ۱۳۹۹ | **زیاد** |\n"
)


def test_kept_text_keeps_persian_digits_byte_for_byte() -> None:
    sentences, out = _roundtrip("markdown", PERSIAN_DIGITS_KEPT)
    assert sentences == [
        "گزارش ۱۴۰۲",
        "مورد با",
        "و",
        "و",
        "منبع:",
        "را ببینید.",
        "سال",
        "مقدار",
        "زیاد",
    ]
    assert out == (
        "# T0\n\n```\nx = ۱۲۳  # ۴۵۶\n```\n\n"
        "1. T1 `n=۷` T2 https://fa.wikipedia.org/wiki/۱۳۵۷ T3 ali۲@mail.ir\n"
        "2) T4 https://fa.wikipedia.org/wiki/انقلاب.ایران T5\n\n"
        "| T6 | T7 |\n|:---|---:|\n| ۱۳۹۹ | **T8** |\n"
    )


def test_digits_keep_changes_nothing_outside_the_translations() -> None:
    _, out = _roundtrip("markdown", PERSIAN_DIGITS_KEPT, digits="keep")
    assert out.startswith("# T0\n\n```\nx = ۱۲۳  # ۴۵۶\n```\n\n۱. T1 `n=۷`")
    assert "\n۲) T4 https://fa.wikipedia.org/wiki/انقلاب.ایران T5\n" in out


def test_markdown_table_cells_are_translated_and_the_syntax_kept() -> None:
    text = (
        "جدول زیر:\n\n"
        "  | نام  |  توضیح \\| کوتاه | کد |\r\n"
        "  | :--- | :----: | --- |\r\n"
        "  | *الف* | __بسیار__ خوب است. عالی! | `a|b` |\r\n"
        "|| ~~حذف~~ |\r\n"
    )
    sentences, out = _roundtrip("markdown", text)
    assert sentences == [
        "جدول زیر:",
        "نام",
        "توضیح \\| کوتاه",
        "کد",
        "الف",
        "بسیار",
        "خوب است.",
        "عالی!",
        "حذف",
    ]
    assert out == (
        "T0\n\n"
        "  | T1  |  T2 | T3 |\r\n"
        "  | :--- | :----: | --- |\r\n"
        "  | *T4* | __T5__ T6 T7 | `a|b` |\r\n"
        "|| ~~T8~~ |\r\n"
    )


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


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_decode_reads_text_with_a_byte_order_mark(codec: str) -> None:
    text = "سلام دنیا\n۱۲۳ abc\n"
    data = ("" if codec in ("utf-16", "utf-32", "utf-8-sig") else "\ufeff") + text
    assert decode(data.encode(codec), "a.txt") == text


def test_decode_names_the_input() -> None:
    with pytest.raises(
        InputFileError, match="^<stdin>: not UTF-8 text \\(byte 0xe9 at offset 3\\)"
    ):
        decode("Café".encode("latin-1"), "<stdin>")
    with pytest.raises(InputFileError, match="^a.txt: binary file"):
        decode(b"abc\x00def", "a.txt")
    with pytest.raises(
        InputFileError, match="^b.txt: not UTF-16 text although it starts with a UTF-16 byte-order"
    ):
        decode("سلام".encode("utf-16") + b"\x00", "b.txt")


def test_decode_reports_why() -> None:
    assert decode("\ufeffسلام".encode()) == "سلام"
    with pytest.raises(InputFileError, match="binary file"):
        decode(b"abc\x00def")
    with pytest.raises(InputFileError, match="not UTF-8 text \\(byte 0xe9 at offset 3\\)"):
        decode("Café".encode("latin-1"))
