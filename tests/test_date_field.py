"""``--date-field``: a record's own date completes the dates its text gives without a year."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import EchoEngine

from fa2en import job
from fa2en.interfaces import Translation
from fa2en.options import JobOptions


class DayMonthEngine(EchoEngine):
    """Answers every sentence with an English day and month, as a model would write them."""

    def translate_detailed(
        self, sentences: list[str], *, progress: object = None, careful: bool = False
    ) -> list:
        return [Translation("The talks began on 19 Shahrivar.") for _ in sentences]


def test_record_date_sets_the_year(tmp_path: Path) -> None:
    src = tmp_path / "feed.jsonl"
    records = [
        {"date": "2016-09-01", "text": "مذاکرات در ۱۹ شهریور آغاز شد."},
        {"date": "1396/01/10", "text": "مذاکرات در ۱۹ شهریور آغاز شد."},
        {"text": "مذاکرات در ۱۹ شهریور آغاز شد."},
    ]
    src.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    opts = JobOptions(date_field="date", review=False)
    summary = job.run_job([src], tmp_path / "out", opts, DayMonthEngine)
    assert summary.done == 1
    lines = [json.loads(x) for x in (tmp_path / "out" / "feed.jsonl").read_text().splitlines()]
    assert lines[0]["text"] == "The talks began on 9 September 2016."  # 1395 from 2016-09-01
    assert lines[1]["text"] == "The talks began on 10 September 2017."  # 1396
    assert "19 Shahrivar" in lines[2]["text"]  # no year anywhere: written as in the original
    assert lines[0]["date"] == "2016-09-01"  # the other fields are kept


def test_tsv_date_column_and_a_missing_one(tmp_path: Path) -> None:
    src = tmp_path / "feed.tsv"
    src.write_text(
        "id\tdate\ttext\n1\t1395/06/01\tمذاکرات در ۱۹ شهریور آغاز شد.\n", encoding="utf-8"
    )
    summary = job.run_job(
        [src], tmp_path / "out", JobOptions(date_field="date", review=False), DayMonthEngine
    )
    assert summary.done == 1
    row = (tmp_path / "out" / "feed.tsv").read_text(encoding="utf-8").splitlines()[1]
    assert row == "1\t1395/06/01\tThe talks began on 9 September 2016."
    bad = job.run_job(
        [src], tmp_path / "out2", JobOptions(date_field="when", review=False), DayMonthEngine
    )
    assert bad.failed and "no column 'when' for --date-field" in bad.failed[0][1]
