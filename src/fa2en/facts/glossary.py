"""A house style sheet of Persian terms and their one English form.

The sheet is a UTF-8 TSV file, one term a line: ``Persian<TAB>English[<TAB>note]``. Lines that
are empty or start with ``#`` are skipped. The English cell is the house form, optionally followed
by `` | `` and other renderings a model may write (``ISIS | Daesh | ISIL``): those are replaced by
the house form in the translation. fa2en ships :func:`default_glossary`
(``configs/glossary/default.tsv``); ``--glossary FILE`` replaces it.

Matching (:func:`term_pattern`) runs on folded text and forgives how Persian is
typed: Arabic or Persian yeh/kaf, a space, a ZWNJ or nothing between letters (``محمدجواد`` /
``محمد جواد``), and an inflection after the term (plural ها/های, ezafe ی, object marker را).
Terms are tried longest first, so ``شورای امنیت سازمان ملل`` wins over ``سازمان ملل``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fa2en.errors import ConfigError
from fa2en.facts.base import GAP, PERSIAN_LETTER, fold
from fa2en.presets import config_dir

#: What may follow any term and still be the term: the plural ها/های/هایی.
PLURAL = "(?:\u200c?ها(?:یی|ی)?)?"
#: After a term ending in a vowel letter (شورا, نیرو, قوه), the written ezafe or indefinite ی/ای/یی.
#: After a consonant a written ی makes another word (ایرانی, Iranian; تهرانی, Tehrani), so it is not
#: taken.
VOWEL_ENDINGS = "اوهی"
EZAFE = "(?:\u200c?(?:ای|یی|ی))?"
#: The object marker را, its own word after the term.
OBJECT_MARKER = "(?: را)?"

#: Separates the house form from alternatives in the English cell.
ALTERNATIVES_MARK = "|"


@dataclass(frozen=True)
class Term:
    """One row of the sheet."""

    persian: str
    english: str
    alternatives: tuple[str, ...] = ()
    note: str = ""


def letters(persian: str) -> str:
    """``persian`` folded, without spaces and ZWNJ: what two spellings of a term share."""
    return re.sub(GAP, "", fold(persian))


def term_pattern(persian: str) -> str:
    """A regex for ``persian`` and its inflections on folded text (see the module docstring)."""
    core = f"{GAP}?".join(re.escape(c) for c in letters(persian))
    ezafe = EZAFE if letters(persian)[-1:] in tuple(VOWEL_ENDINGS) else ""
    return f"{core}{PLURAL}{ezafe}{OBJECT_MARKER}"


@dataclass(frozen=True)
class Glossary:
    """Terms and the one regex that finds them, longest term first."""

    terms: tuple[Term, ...] = ()
    origin: str = "empty"
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        ordered = sorted(
            enumerate(self.terms), key=lambda it: (-len(letters(it[1].persian)), it[0])
        )
        if not ordered:
            return
        alternatives = "|".join(f"(?P<t{i}>{term_pattern(t.persian)})" for i, t in ordered)
        pattern = rf"(?<![{PERSIAN_LETTER}])(?:{alternatives})(?![{PERSIAN_LETTER}])"
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def find(self, folded: str) -> list[tuple[int, int, Term]]:
        """``(start, end, term)`` of every term in ``folded`` (a folded, masked sentence)."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(folded):
            assert m.lastgroup is not None
            found.append((m.start(), m.end(), self.terms[int(m.lastgroup[1:])]))
        return found


def parse_row(text: str, where: str) -> Term:
    """One TSV line as a :class:`Term`; ConfigError naming ``where`` if it is not one."""
    cells = [c.strip() for c in text.split("\t")]
    if len(cells) < 2 or len(cells) > 3 or not cells[0] or not cells[1]:
        raise ConfigError(
            f"{where}: expected 'Persian<TAB>English[<TAB>note]', got {len(cells)} column(s): {text!r}"
        )
    english, *alternatives = (a.strip() for a in cells[1].split(ALTERNATIVES_MARK))
    if not english or not all(alternatives):
        raise ConfigError(f"{where}: empty English form in {cells[1]!r}")
    return Term(cells[0], english, tuple(alternatives), cells[2] if len(cells) == 3 else "")


def load_glossary(path: Path | str) -> Glossary:
    """Read a glossary TSV; ConfigError naming the file (and line) if it cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"glossary {path}: cannot read it ({exc.strerror or exc})") from exc
    terms: list[Term] = []
    seen: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(data.split(b"\n"), 1):
        where = f"glossary {path}, line {number}"
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff").rstrip("\r")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}: not UTF-8 ({exc.reason})") from exc
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        term = parse_row(text, where)
        key = letters(term.persian)
        if key in seen and seen[key][1] != term.english:
            raise ConfigError(
                f"{where}: {term.persian!r} is already on line {seen[key][0]} as {seen[key][1]!r}"
            )
        seen.setdefault(key, (number, term.english))
        terms.append(term)
    return Glossary(tuple(terms), str(path))


def default_glossary_path() -> Path:
    """The sheet fa2en ships: Iranian provinces, major cities, months and state bodies."""
    return config_dir() / "glossary" / "default.tsv"


def default_glossary() -> Glossary:
    """The shipped sheet, parsed."""
    return load_glossary(default_glossary_path())
