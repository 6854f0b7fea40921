"""Facts kept end to end: numbers, Solar Hijri dates and glossary terms through ``fa2en translate``.

Whatever the model writes, every fact of a source sentence is in its English in the house form, or
the sentence is flagged (``numbers``, ``date``, ``glossary``) in the review.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers import EchoEngine, translate_args

from fa2en.cli import main
from fa2en.facts import FLAGS, FactRules, default_glossary
from fa2en.interfaces import Translation
from fa2en.job import run_job
from fa2en.options import JobOptions
from fa2en.quality.review import REVIEW_DIR

#: sentences holding numbers, dates in several forms, and terms of the default sheet
SENTENCES = [
    "در ۱۹ شهریور ۱۳۹۵ بیش از ۲۴۴۸۹۰ نفر در تهران ثبت نام کردند.",
    "قطعنامه ۲۲۵۴ شورای امنیت سازمان ملل درباره داعش و جبهه النصره است.",
    "نرخ تورم در اصفهان به ۲/۵ درصد رسید.",
    "جلسه در ۱۰ دی ۱۳۹۵ برگزار شد و ۳۰ هزار نفر در آن شرکت کردند.",
    "این طرح در سال ۱۳۹۵ در استان خوزستان آغاز شد.",
    "گزارش در تاریخ ۱۳۹۵/۰۶/۱۹ منتشر شد.",
]
RULES = FactRules(year=1395, glossary=default_glossary())
SEED = "000_3c6b0e4aa1e23fa4.txt"


def _segments(outdir: Path) -> list[dict]:
    lines = (outdir / REVIEW_DIR / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _assert_kept_or_flagged(segments: Sequence[dict]) -> list[str]:
    """Every fact of every sentence is in its output, or the sentence carries the fact's flag.

    Returns the kinds of the facts seen.
    """
    kinds = []
    reader = RULES.reader()
    for seg in segments:
        for fact in reader.find(seg["source"]):
            kinds.append(fact.kind)
            kept = fact.english.lower() in seg["output"].lower()
            assert kept or FLAGS[fact.kind] in seg["flags"], (fact, seg)
    return kinds


def test_memorizer_output_keeps_or_flags_every_fact(tmp_path: Path, memorizer: Path) -> None:
    src = tmp_path / "facts.txt"
    src.write_text("\n\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(translate_args(src, out, memorizer, "--year", "1395")) == 0
    segments = _segments(out)
    assert [s["source"] for s in segments] == SENTENCES
    kinds = _assert_kept_or_flagged(segments)
    assert len(kinds) >= 10 and set(kinds) == {"number", "date", "term"}


class MappedEngine(EchoEngine):
    """A stand-in engine: the English of a sentence is the first rule whose Persian it contains."""

    def __init__(self, rules: Sequence[tuple[str, str]], default: Callable[[str], str]) -> None:
        super().__init__()
        self.rules = rules
        self.default = default

    def translate_detailed(
        self, sentences: list[str], *, progress: object = None, careful: bool = False
    ) -> list:
        self.calls.append(list(sentences))
        return [
            Translation(next((en for fa, en in self.rules if fa in s), self.default(s)))
            for s in sentences
        ]


def _job(inputs: Path, outdir: Path, engine: EchoEngine, **options: object) -> None:
    opts = JobOptions(quiet=True, **options)  # type: ignore[arg-type]
    summary = run_job([inputs], outdir, opts, lambda: engine)
    assert summary.done == 1 and not summary.failed


def test_a_model_s_miswritten_facts_are_repaired_to_the_house_form(tmp_path: Path) -> None:
    rules = [
        ("۲۴۴۸۹۰", "On Shahrivar 19, more than 24,490 people registered in Tehran."),
        (
            "قطعنامه",
            "Resolution 2254 of the United Nations Security Council is about Daesh and the Nusra Front.",
        ),
        ("در 19 شهریور ماه", "The talks were held on 19th of Shahrivar in Esfahan."),
    ]
    sentences = [SENTENCES[0], SENTENCES[1], "گفتگوها در 19 شهریور ماه در اصفهان برگزار شد."]
    src = tmp_path / "news.txt"
    src.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    engine = MappedEngine(rules, lambda s: "Nothing.")
    _job(src, tmp_path / "out", engine, year=1395)
    text = (tmp_path / "out" / "news.txt").read_text(encoding="utf-8")
    assert text == (
        "On 9 September 2016, more than 244890 people registered in Tehran.\n\n"
        "Resolution 2254 of the UN Security Council is about ISIS and the al-Nusra Front.\n\n"
        "The talks were held on 9 September 2016 in Isfahan.\n"
    )
    segments = _segments(tmp_path / "out")
    assert not any(
        flag in seg["flags"] for seg in segments for flag in ("numbers", "date", "glossary")
    )


def test_seed_article_keeps_its_date_and_resolution(tmp_path: Path, data_dir: Path) -> None:
    rules = [
        (
            "19 شهریور",
            "Since last Esfand, when it agreed with Russia on a ceasefire in Syria, the US has "
            "promised to keep the armed groups it protects, the so-called moderate opposition, "
            "from working with the Daesh and Nusra Front terrorists, yet even after a written "
            "agreement on 19 Shahrivar it refuses to do so.",
        ),
        (
            "2254",
            "In the statement, Zarif and Lavrov also stressed a political settlement of the Syrian "
            "crisis based on UN Security Council Resolution 2254 as the only solution.",
        ),
    ]
    engine = MappedEngine(rules, lambda s: "The Russian foreign ministry said so.")
    _job(data_dir / "seed" / SEED, tmp_path / "out", engine, year=1395)
    text = (tmp_path / "out" / SEED).read_text(encoding="utf-8")
    assert "9 September 2016" in text and "19 Shahrivar" not in text
    assert "Resolution 2254" in text
    assert "ISIS and al-Nusra Front terrorists" in text or "ISIS and the al-Nusra Front" in text
