"""Sentence boundaries inside one block of running text (no blank lines, no structural lines).

The work is one pass of :data:`~fa2en.segment.rules.CANDIDATE` over the block, a few bounded look-backs
per candidate, and one :data:`~fa2en.segment.rules.DATELINE` match per sentence: linear in the length
of the text, whatever its shape.
"""

from __future__ import annotations

from bisect import bisect_right

from fa2en.segment import rules

_DIGITS = frozenset("0123456789\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9")
_QUESTION_OR_BANG = frozenset("!?\u061f")
_WS = " \t\n\r\f\v\u00a0\u200c"
_LOOKBACK = 24
_QUOTE_LOOKBACK = 400


def _is_list_number(block: str, start: int) -> bool:
    """True when digits end at ``start`` and stand alone at the start of a line (``۱.``)."""
    j = start
    while j > 0 and block[j - 1] in _DIGITS:
        j -= 1
    if j == start or start - j > 3:
        return False
    while j > 0 and block[j - 1] in " \t":
        j -= 1
    return j == 0 or block[j - 1] == "\n"


def _ends_sentence(block: str, start: int, end: int) -> bool:
    """Decide whether the terminator run ``block[start:end]`` closes a sentence."""
    run = block[start:end]
    if rules.ELLIPSIS_ONLY.fullmatch(run):
        return False  # "و..." / "بلبل… باضافه": a line end decides, not the ellipsis
    if run[0] == "." and (len(run) == 1 or run[1] not in rules.TERMINATORS):
        before = block[max(0, start - _LOOKBACK) : start]
        if rules.SINGLE_LETTER.search(before):
            return False
        latin = rules.LATIN_WORD_BEFORE.search(before)
        if latin and latin.group(1) in rules.LATIN_ABBREVIATIONS:
            return False
        if _is_list_number(block, start):
            return False
    if _QUESTION_OR_BANG.intersection(run) and "." not in run:
        lo = max(0, start - _QUOTE_LOOKBACK)
        if "»" not in run and block.rfind("«", lo, start) > block.rfind("»", lo, start):
            return False  # «... چرا؟ ...» : still inside the quotation
        if "»" in run:
            nxt = end
            while nxt < len(block) and block[nxt] in " \t":
                nxt += 1
            if rules.QUOTE_CONTINUATIONS.match(block, nxt):
                return False  # «چرا؟» پرسید.
    return True


def _line_break_ends_sentence(block: str, nl: int, width: int | None) -> bool:
    """A newline ends a sentence in ordinary text; in hard-wrapped text only after a short line."""
    if width is None:
        return True
    line_start = block.rfind("\n", 0, nl) + 1
    line_len = len(block[line_start:nl].rstrip())
    nxt = nl + 1
    while nxt < len(block) and block[nxt] in " \t":
        nxt += 1
    word_end = nxt
    while word_end < len(block) and not block[word_end].isspace():
        word_end += 1
    return line_len + 1 + (word_end - nxt) <= width


def _in_spans(starts: list[int], spans: list[tuple[int, int]], pos: int) -> bool:
    """True when ``pos`` lies inside one of the sorted, disjoint ``spans`` (``starts``: their starts)."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < spans[i][1]


def boundaries(block: str, width: int | None = None) -> list[int]:
    """Offsets in ``block`` where a sentence ends (``width``: hard-wrap width, ``None`` if not wrapped).

    A terminator inside a URL, e-mail address or inline code (``rules.PROTECTED_SPAN``) ends nothing.
    """
    protected = [m.span() for m in rules.PROTECTED_SPAN.finditer(block)]
    starts = [start for start, _ in protected]
    ends = [
        m.end()
        for m in rules.CANDIDATE.finditer(block)
        if not _in_spans(starts, protected, m.start()) and _ends_sentence(block, *m.span())
    ]
    if "\n" in block:
        breaks, i = [], block.find("\n")
        while i != -1:
            if _line_break_ends_sentence(block, i, width):
                breaks.append(i)
            i = block.find("\n", i + 1)
        ends = sorted(set(ends).union(breaks))
    return ends


def sentence_spans(block: str, width: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``block``, whitespace excluded, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(block)
    for end in [*boundaries(block, width), n]:
        while start < end and block[start] in _WS:
            start += 1
        stop = end
        while stop > start and block[stop - 1] in _WS:
            stop -= 1
        if stop <= start:
            continue
        dateline = rules.DATELINE.match(block, start, stop)
        if dateline and dateline.end() < stop:
            spans.append((start, dateline.end()))
            start = dateline.end()
            while block[start] in _WS:
                start += 1
        if spans and not any(ch.isalnum() for ch in block[start:stop]):
            spans[-1] = (
                spans[-1][0],
                stop,
            )  # a stray closing quote or dash belongs to the sentence before
        else:
            spans.append((start, stop))
        start = end
    return spans
