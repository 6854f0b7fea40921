"""After translation: keep the facts, check every sentence, repair what can be repaired.

For each sentence of each document, in order:

1. facts (numbers, dates, glossary terms) found in the source are made to appear in the English in
   their house form (:func:`fa2en.facts.keep_facts`); a fact that cannot be kept is flagged
   ``numbers``, ``date`` or ``glossary``;
2. the reference-free checks of :mod:`fa2en.quality` flag what looks wrong (with a reverse model,
   ``--reverse-model``, each output is also scored as an explanation of its source: ``unrelated``);
3. a flagged sentence is translated again, carefully (more beams, no repeated trigrams, a repetition
   penalty, room for a longer output; a truncated one also clause by clause), and by a second model
   when one is given (``--fallback-model``); the candidate with the fewest flags, then the best
   confidence, wins (the first translation on a tie). What was tried is recorded.

Same input, same output: nothing here is random.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fa2en.batching import split_clauses
from fa2en.facts import FLAGS as FACT_FLAGS
from fa2en.facts import Fact, FactRules, keep_facts
from fa2en.facts.calendars import solar_year_of
from fa2en.interfaces import SentenceTranslator, SourceScorer, Translation
from fa2en.quality import Candidate, Flag, QualityConfig, run_checks
from fa2en.quality.reverse import reverse_scores_of
from fa2en.segment import Document
from fa2en.units import join_translations


@dataclass(frozen=True)
class CheckSettings:
    """What the checking stage does: checks (None: off), facts (None: off), repair on or off."""

    quality: QualityConfig | None = None
    facts: FactRules | None = None
    repair: bool = True


@dataclass
class Checked:
    """One sentence after checking: its final translation, flags, and what repair tried."""

    translation: Translation
    flags: list[Flag] = field(default_factory=list)
    repair: dict[str, Any] | None = None
    #: log p(source | output) under the reverse model (None: no reverse model, or not scored)
    reverse: float | None = None


class _Occurrence(NamedTuple):
    """A sentence where it stands in a document, with its facts."""

    source: str
    facts: list[Fact]


def _assess(
    occurrences: Sequence[_Occurrence],
    candidates: Sequence[Translation],
    settings: CheckSettings,
    reverse: SourceScorer | None = None,
) -> list[Checked]:
    """Keep facts in each candidate and run the checks (batched): one :class:`Checked` each."""
    kept: list[tuple[Translation, list[Flag]]] = []
    for occ, t in zip(occurrences, candidates, strict=True):
        text, lost = (
            keep_facts(occ.source, t.text, occ.facts) if occ.facts and t.text else (t.text, [])
        )
        flags = [Flag(FACT_FLAGS[f.kind], f"{f.source} should read {f.english!r}") for f in lost]
        kept.append((t._replace(text=text), flags))
    reverse_scores: list[float | None] = [None] * len(kept)
    if settings.quality is not None:
        reverse_scores = reverse_scores_of(
            reverse, [o.source for o in occurrences], [t.text for t, _ in kept]
        )
        checks = run_checks(
            [
                Candidate(o.source, t.text, t.confidence, t.truncated, r)
                for o, (t, _), r in zip(occurrences, kept, reverse_scores, strict=True)
            ],
            settings.quality,
        )
    else:
        checks = [[] for _ in kept]
    out = []
    for (t, fact_flags), flags, reverse_score in zip(kept, checks, reverse_scores, strict=True):
        seen = {f.name for f in flags}
        merged = [
            Flag(name, "; ".join(f.reason for f in fact_flags if f.name == name))
            for name in dict.fromkeys(f.name for f in fact_flags if f.name not in seen)
        ]
        out.append(Checked(t, flags + merged, reverse=reverse_score))
    return out


def _rank(c: Checked) -> tuple[int, float]:
    return len(c.flags), -(
        c.translation.confidence if c.translation.confidence is not None else -1e9
    )


class Checker:
    """The checking stage for one job: settings, the engine, an optional second model and reverse model."""

    def __init__(
        self,
        settings: CheckSettings,
        engine: SentenceTranslator,
        fallback: Callable[[], SentenceTranslator] | None = None,
        reverse: SourceScorer | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.reverse = reverse
        self._open_fallback = fallback
        self._fallback: SentenceTranslator | None = None

    def check(self, docs: Sequence[Document], table: dict[str, Translation]) -> list[list[Checked]]:
        """The checked sentences of each document, from the first translations in ``table``."""
        occurrences: list[_Occurrence] = []
        for doc in docs:
            year = solar_year_of(doc.date) if doc.date else None
            reader = self.settings.facts.reader(year) if self.settings.facts else None
            for line, sentence in enumerate(doc.sentences, 1):
                occurrences.append(
                    _Occurrence(sentence, reader.find(sentence, line) if reader else [])
                )
        first = [table[o.source] for o in occurrences]
        checked = _assess(occurrences, first, self.settings, self.reverse)
        flagged = [i for i, c in enumerate(checked) if c.flags and not c.translation.error]
        if flagged and self.settings.repair:
            self._repair(occurrences, checked, flagged)
        out, k = [], 0
        for doc in docs:
            out.append(checked[k : k + len(doc.sentences)])
            k += len(doc.sentences)
        return out

    def _repair(
        self, occurrences: list[_Occurrence], checked: list[Checked], flagged: list[int]
    ) -> None:
        """Translate the flagged sentences again; keep the best candidate of each."""
        sources = list(dict.fromkeys(occurrences[i].source for i in flagged))
        tries: dict[str, dict[str, Translation]] = {s: {} for s in sources}
        careful = self.engine.translate_detailed(sources, careful=True)
        for s, t in zip(sources, careful, strict=True):
            tries[s]["careful"] = t
        truncated = [
            s for s in sources if tries[s]["careful"].truncated and len(split_clauses(s)) > 1
        ]
        if truncated:
            pieces = [split_clauses(s) for s in truncated]
            flat = list(dict.fromkeys(p for ps in pieces for p, _ in ps))
            done = dict(zip(flat, self.engine.translate_detailed(flat, careful=True), strict=True))
            for s, ps in zip(truncated, pieces, strict=True):
                tries[s]["clauses"] = join_translations(
                    [done[p] for p, _ in ps], [sep for _, sep in ps]
                )
        if self._open_fallback is not None:
            if self._fallback is None:
                self._fallback = self._open_fallback()
            for s, t in zip(sources, self._fallback.translate_detailed(sources), strict=True):
                tries[s]["fallback"] = t
        for i in flagged:
            occ, first = occurrences[i], checked[i]
            names = [n for n, t in tries[occ.source].items() if not t.error]
            assessed = _assess(
                [occ] * len(names),
                [tries[occ.source][n] for n in names],
                self.settings,
                self.reverse,
            )
            best_name, best = "first", first
            for name, cand in zip(names, assessed, strict=True):
                if _rank(cand) < _rank(best):
                    best_name, best = name, cand
            checked[i] = Checked(
                best.translation,
                best.flags,
                {
                    "tried": names,
                    "chosen": best_name,
                    "flags_before": [f.name for f in first.flags],
                },
                best.reverse,
            )

    def close(self) -> None:
        """Close the second model if it was opened, and the reverse model."""
        if self._fallback is not None:
            self._fallback.close()
        if self.reverse is not None:
            self.reverse.close()
