"""Find the facts of a document sentence by sentence: dates first, then numbers, then terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from fa2en.errors import ConfigError
from fa2en.facts.base import DATE_POLICIES, DatePolicy, Fact, fold, mask
from fa2en.facts.dates import DateContext, find_dates
from fa2en.facts.glossary import Glossary
from fa2en.facts.numbers import find_numbers

#: Solar Hijri years ``--year`` accepts (a Gregorian year there is a mistake worth reporting).
YEAR_RANGE = range(1200, 1600)


@dataclass(frozen=True)
class FactRules:
    """How facts are found and written, the same for every document of a job."""

    dates: DatePolicy = "gregorian"
    year: int | None = None
    glossary: Glossary = field(default_factory=Glossary)

    def __post_init__(self) -> None:
        if self.dates not in DATE_POLICIES:
            raise ConfigError(
                f"--dates must be one of {', '.join(DATE_POLICIES)}, got {self.dates!r}"
            )
        if self.year is not None and self.year not in YEAR_RANGE:
            raise ConfigError(f"--year takes a Solar Hijri year such as 1395, got {self.year}")

    def reader(self, year: int | None = None) -> FactReader:
        """A reader for one document; ``year`` is the document's own (Solar Hijri) year if known."""
        return FactReader(self, year)


class FactReader:
    """Finds facts in the sentences of one document, in order.

    The year of a day+month date is ``rules.year`` if given, else the document's year: the one
    passed in, or else the year of the last full Solar Hijri date read in an earlier sentence.
    """

    def __init__(self, rules: FactRules, year: int | None = None) -> None:
        self.rules = rules
        self.document_year = year

    def find(self, text: str, line: int = 1) -> list[Fact]:
        """The facts of ``text`` (one sentence or line), in order, offsets into ``text``."""
        folded = fold(text)
        ctx = DateContext(self.rules.dates, self.rules.year or self.document_year)
        spans: list[tuple[int, int, str, str]] = []
        for date in find_dates(folded, ctx):
            folded = mask(folded, date.start, date.end)
            if date.english is not None:
                spans.append((date.start, date.end, "date", date.english))
            if date.year is not None:
                self.document_year = date.year
        for start, end, english in find_numbers(folded):
            folded = mask(folded, start, end)
            spans.append((start, end, "number", english))
        facts = [Fact(line, kind, text[s:e], english, s, e) for s, e, kind, english in spans]  # type: ignore[arg-type]
        for start, end, term in self.rules.glossary.find(folded):
            facts.append(
                Fact(line, "term", text[start:end], term.english, start, end, term.alternatives)
            )
        return sorted(facts, key=lambda f: f.start)
