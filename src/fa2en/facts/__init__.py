"""Facts a translation must keep: numbers, dates (Solar/Lunar Hijri to Gregorian) and glossary
terms. Find them with :class:`FactRules` / :class:`FactReader`, keep them with :func:`keep_facts`.

Per job build ``rules = FactRules(dates=..., year=..., glossary=load_glossary(path) or
default_glossary())``; per document ``reader = rules.reader()``; per source sentence, in document
order, ``facts = reader.find(sentence)``, and after translation
``english, lost = keep_facts(sentence, english, facts)``.
"""

from fa2en.facts.base import DATE_POLICIES, DatePolicy, Fact, Kind
from fa2en.facts.glossary import Glossary, Term, default_glossary, load_glossary
from fa2en.facts.keep import keep_facts
from fa2en.facts.reader import FactReader, FactRules

#: The review flag of each kind of fact that could not be kept.
FLAGS = {"number": "numbers", "date": "date", "term": "glossary"}

__all__ = [
    "DATE_POLICIES",
    "FLAGS",
    "DatePolicy",
    "Fact",
    "FactReader",
    "FactRules",
    "Glossary",
    "Kind",
    "Term",
    "default_glossary",
    "keep_facts",
    "load_glossary",
]
