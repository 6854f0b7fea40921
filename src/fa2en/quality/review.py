"""The review a translation job leaves beside its output: ``segments.jsonl`` and one HTML page.

``OUTDIR/.fa2en-review/segments.jsonl`` has one :class:`SegmentRecord` per sentence;
``index.html`` is a self-contained page (inline CSS, no script, no network) listing the files by
their share of flagged sentences, each with the Persian beside the English, flagged rows marked.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from html import escape
from pathlib import Path
from typing import Any

from fa2en.manifest import atomic_write
from fa2en.quality.checks import CHECKS, Flag

#: the folder of the review, inside the job's output folder
REVIEW_DIR = ".fa2en-review"


@dataclass
class SegmentRecord:
    """One translated sentence as the review shows it (positions count from 1)."""

    file: str
    paragraph: int
    sentence: int
    source: str
    output: str
    confidence: float | None = None
    #: flag names, in check order
    flags: list[str] = field(default_factory=list)
    #: flag name -> one-line reason
    reasons: dict[str, str] = field(default_factory=dict)
    #: what repair tried, when it ran (None: no repair)
    repair: dict[str, Any] | None = None
    #: log p(source | output) under the reverse model (None: no --reverse-model)
    reverse: float | None = None

    @classmethod
    def build(
        cls,
        file: str,
        paragraph: int,
        sentence: int,
        source: str,
        output: str,
        confidence: float | None,
        flags: Sequence[Flag],
        repair: dict[str, Any] | None = None,
        reverse: float | None = None,
    ) -> SegmentRecord:
        """A record from the checks' flags."""
        return cls(
            file,
            paragraph,
            sentence,
            source,
            output,
            confidence,
            [f.name for f in flags],
            {f.name: f.reason for f in flags},
            repair,
            reverse,
        )


def flag_counts(flag_lists: Iterable[Sequence[str]]) -> Counter[str]:
    """How many sentences raised each flag."""
    return Counter(name for names in flag_lists for name in names)


def summary_line(flag_lists: Sequence[Sequence[str]]) -> str:
    """``flagged: N of M sentences (repetition 3, numbers 1)`` for each sentence's flag names."""
    flagged = sum(1 for names in flag_lists if names)
    line = f"flagged: {flagged} of {len(flag_lists)} sentences"
    counts = flag_counts(flag_lists)
    if counts:
        order = list(CHECKS)
        ranked = sorted(counts, key=lambda n: (-counts[n], order.index(n) if n in order else 99))
        line += " (" + ", ".join(f"{name} {counts[name]}" for name in ranked) + ")"
    return line


CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2em}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:start}
td.fa{font-family:"Vazirmatn","Noto Naskh Arabic","DejaVu Sans",sans-serif;width:42%}
td.en{width:42%}
td.pos{color:#888;white-space:nowrap}
tr.flagged{background:#fff1e6}
tr.flagged td.pos{border-left:4px solid #e8590c}
ul.reasons{margin:.2em 0 0;padding-left:1.2em;color:#a33;font-size:.9em}
.share{color:#a33}
"""


def _file_rows(records: Sequence[SegmentRecord]) -> str:
    rows = []
    for r in records:
        css = ' class="flagged"' if r.flags else ""
        reasons = "".join(
            f"<li><b>{escape(n)}</b>: {escape(r.reasons.get(n, ''))}</li>" for n in r.flags
        )
        conf = "" if r.confidence is None else f" · {r.confidence:.2f}"
        rows.append(
            f'<tr{css}><td class="pos">{r.paragraph}.{r.sentence}{escape(conf)}</td>'
            f'<td class="fa" dir="rtl" lang="fa">{escape(r.source)}</td>'
            f'<td class="en" lang="en">{escape(r.output)}'
            + (f'<ul class="reasons">{reasons}</ul>' if reasons else "")
            + "</td></tr>"
        )
    return "\n".join(rows)


def _by_file(records: Sequence[SegmentRecord]) -> list[tuple[str, list[SegmentRecord]]]:
    """Files with their records, the largest share of flagged sentences first."""
    files: dict[str, list[SegmentRecord]] = {}
    for r in records:
        files.setdefault(r.file, []).append(r)

    def share(item: tuple[str, list[SegmentRecord]]) -> tuple[float, str]:
        name, recs = item
        return (-sum(1 for r in recs if r.flags) / len(recs), name)

    return sorted(files.items(), key=share)


def render_html(records: Sequence[SegmentRecord]) -> str:
    """The review page: one self-contained HTML document."""
    files = _by_file(records)
    index, sections = [], []
    for i, (name, recs) in enumerate(files, 1):
        flagged = sum(1 for r in recs if r.flags)
        share = f'<span class="share">{flagged} of {len(recs)} flagged</span>'
        index.append(f'<li><a href="#f{i}">{escape(name)}</a> — {share}</li>')
        sections.append(
            f'<section id="f{i}"><h2>{escape(name)}</h2><p>{share}</p>'
            "<table><thead><tr><th>¶.sentence</th><th>Persian</th><th>English</th></tr></thead>"
            f"<tbody>\n{_file_rows(recs)}\n</tbody></table></section>"
        )
    summary = summary_line([r.flags for r in records])
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>fa2en review</title><style>{CSS}</style></head><body>"
        f"<h1>fa2en review</h1><p>{escape(summary)}</p>"
        f"<ol>{''.join(index)}</ol>{''.join(sections)}</body></html>\n"
    )


#: the journal's size when the page was last built from it (its own file, beside the page)
BUILT_MARKER = ".built"


def _jsonl(records: Sequence[SegmentRecord]) -> bytes:
    """Records as JSON lines."""
    return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records).encode()


def write_review(outdir: Path, records: list[SegmentRecord]) -> None:
    """Write ``OUTDIR/.fa2en-review/segments.jsonl`` and ``index.html`` for ``records``.

    Each through a temporary file and a rename: a run stopped while it writes loses nothing.
    """
    folder = outdir / REVIEW_DIR
    journal = _jsonl(records)
    atomic_write(folder / "segments.jsonl", journal)
    atomic_write(folder / "index.html", render_html(records).encode("utf-8"))
    atomic_write(folder / BUILT_MARKER, str(len(journal)).encode())


def append_review(outdir: Path, records: Sequence[SegmentRecord]) -> None:
    """Add one file's records to ``segments.jsonl`` in one write, before the file is recorded done.

    The file is a journal while a job runs: a run killed at any point keeps the review of every
    file it finished. A file translated again appends a new block; its latest block is the one
    that counts (:func:`read_review`).
    """
    if not records:
        return
    folder = outdir / REVIEW_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "segments.jsonl").open("a+b") as journal:
        size = journal.tell()
        cut = False
        if size:  # a write cut short by a kill left no line end: start on a new line
            journal.seek(size - 1)
            cut = journal.read(1) != b"\n"
        journal.write((b"\n" if cut else b"") + _jsonl(records))


def review_is_stale(outdir: Path) -> bool:
    """Whether ``segments.jsonl`` has records the page does not show yet (it grew since)."""
    folder = outdir / REVIEW_DIR
    journal = folder / "segments.jsonl"
    if not journal.is_file():
        return False
    try:
        built = int((folder / BUILT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return journal.stat().st_size != built


def read_review(outdir: Path) -> list[SegmentRecord]:
    """The records of ``segments.jsonl``, each file's latest block (a block starts at sentence 1).

    Unreadable lines (a write cut by a kill) are skipped.
    """
    path = outdir / REVIEW_DIR / "segments.jsonl"
    if not path.is_file():
        return []
    names = {f.name for f in fields(SegmentRecord)}
    by_file: dict[str, list[SegmentRecord]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            record = SegmentRecord(**{k: v for k, v in data.items() if k in names})
        except (ValueError, TypeError):
            continue
        if record.sentence == 1 or record.file not in by_file:
            by_file[record.file] = []
        by_file[record.file].append(record)
    return [r for records in by_file.values() for r in records]


def rebuild_review(outdir: Path) -> None:
    """Compact ``segments.jsonl`` to each file's latest records and write ``index.html`` from it."""
    write_review(outdir, read_review(outdir))
