"""The one document path: segmented documents in, rebuilt English documents out.

``fa2en translate`` (files and standard input) and ``fa2en eval`` all go through
:func:`translate_documents`: the sentences of all given documents are translated together (identical
sentences once), then each document is rebuilt in its own shape. A document with a sentence that
could not be translated is not rebuilt; its errors say which sentence and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fa2en.checking import Checked, Checker
from fa2en.formats import make_format
from fa2en.interfaces import Progress, SentenceTranslator
from fa2en.normalize import DigitsOption
from fa2en.segment import Document


@dataclass
class TranslatedDocument:
    """One document's English (None when a sentence failed) and each sentence's checked result."""

    text: str | None
    sentences: list[Checked] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def translate_documents(
    docs: Sequence[Document],
    engine: SentenceTranslator,
    progress: Progress | None = None,
    digits: DigitsOption = "ascii",
    checker: Checker | None = None,
) -> list[TranslatedDocument]:
    """Translate the sentences of ``docs`` together and rebuild each document.

    ``digits``: how list markers' digits are written (the ``--digits`` option). ``checker``: keep
    facts, flag and repair each sentence (:mod:`fa2en.checking`); without it nothing is checked.
    """
    unique = list(dict.fromkeys(s for d in docs for s in d.sentences))
    table = dict(zip(unique, engine.translate_detailed(unique, progress=progress), strict=True))
    if progress is not None:  # repeated sentences were translated once; count them done too
        progress(sum(len(d.sentences) for d in docs) - len(unique))
    if checker is not None:
        checked = checker.check(docs, table)
    else:
        checked = [[Checked(table[s]) for s in doc.sentences] for doc in docs]
    out = []
    for doc, results in zip(docs, checked, strict=True):
        errors = [
            f"sentence {k}: {c.translation.error}"
            for k, c in enumerate(results, 1)
            if c.translation.error
        ]
        text = None if errors else doc.rebuild([c.translation.text for c in results], digits=digits)
        out.append(TranslatedDocument(text, results, errors))
    return out


def parse_lines(lines: Sequence[str], wrapped: bool | None = None) -> list[Document]:
    """Each line as a plain-text document, segmented exactly as ``fa2en translate`` segments files."""
    fmt = make_format("text", wrapped=wrapped)
    return [doc for line in lines for doc in fmt.parse(line)]
