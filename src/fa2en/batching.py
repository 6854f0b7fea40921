"""Length-sorted batches under a token budget, and splitting of inputs longer than a model allows.

Batches are built from inputs sorted by token length (longest first, so memory trouble shows at once
and the progress estimate errs on the safe side). A batch holds at most ``max_batch_size`` inputs and
``batch size x longest input <= max_tokens`` padded tokens. Callers restore input order from the
indices each batch carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

#: Clause separators to split an over-long sentence at, strongest first; the separator stays with the
#: clause before it: ``الف، ب؛ ج`` -> ``الف،`` ``ب؛`` ``ج``.
CLAUSE_SEPARATORS = ("؛;", "،,", ":")


def longest_first(lengths: Sequence[int]) -> list[int]:
    """Indices of ``lengths`` from the longest to the shortest (ties in input order)."""
    return sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))


def make_batches(
    lengths: Sequence[int],
    max_tokens: int,
    max_batch_size: int,
    caps: Sequence[int] | None = None,
) -> list[list[int]]:
    """Indices of ``lengths`` grouped into length-sorted batches under the two limits.

    ``caps`` (one output cap per input, not increasing with decreasing length): a batch only holds
    inputs of one cap, so that a batch's output limit is each member's own and batch-mates cannot
    change a result, at any beam size.
    """
    if max_tokens < 1 or max_batch_size < 1:
        raise ValueError("max_tokens and max_batch_size must be at least 1")
    order = longest_first(lengths)
    batches: list[list[int]] = []
    batch: list[int] = []
    longest = 0
    for i in order:
        size = max(longest, lengths[i])
        full = len(batch) >= max_batch_size or size * (len(batch) + 1) > max_tokens
        other_cap = caps is not None and bool(batch) and caps[batch[0]] != caps[i]
        if batch and (full or other_cap):
            batches.append(batch)
            batch, size = [], lengths[i]
        batch.append(i)
        longest = size
    if batch:
        batches.append(batch)
    return batches


#: How a Persian clause separator is written between English clauses.
ENGLISH_SEPARATOR = {"،": ",", ",": ",", "؛": ";", ";": ";", ":": ":"}

Piece = tuple[str, str]  # (text, the separator that followed it in the source, or "")


def _split_at(text: str, chars: str) -> list[Piece]:
    parts = re.split(f"\\s*([{re.escape(chars)}])\\s+", text)
    pieces = [
        (parts[i].strip(), parts[i + 1] if i + 1 < len(parts) else "")
        for i in range(0, len(parts), 2)
    ]
    return [p for p in pieces if p[0]]


def split_clauses(text: str) -> list[Piece]:
    """``text`` cut at its strongest kind of clause separator (whole when it has none)."""
    for chars in CLAUSE_SEPARATORS:
        parts = _split_at(text, chars)
        if len(parts) > 1:
            return parts
    return [(text, "")]


def _pack(pieces: list[Piece], count: Callable[[str], int], limit: int) -> list[Piece]:
    """Greedily join neighbouring pieces while the result stays within ``limit`` tokens."""
    out: list[Piece] = []
    for text, sep in pieces:
        if out:
            joined = f"{out[-1][0]}{out[-1][1]} {text}"
            if count(joined) <= limit:
                out[-1] = (joined, sep)
                continue
        out.append((text, sep))
    return out


def split_long(text: str, count: Callable[[str], int], limit: int) -> list[Piece]:
    """Split ``text`` into pieces of at most ``limit`` tokens: at clauses, else in word windows.

    ``count`` gives a text's length in model tokens. Each piece comes with the separator that
    followed it, so the translations can be joined the same way (:func:`join_pieces`). A text within
    the limit comes back whole.
    """
    if count(text) <= limit:
        return [(text, "")]
    for chars in CLAUSE_SEPARATORS:
        parts = _split_at(text, chars)
        if len(parts) > 1:
            out: list[Piece] = []
            for part, sep in _pack(parts, count, limit):
                sub = split_long(part, count, limit)
                out.extend(sub[:-1] + [(sub[-1][0], sep)])
            return out
    words = text.split()
    if len(words) > 1:
        half = len(words) // 2
        windows = [" ".join(words[:half]), " ".join(words[half:])]
        return _pack([p for w in windows for p in split_long(w, count, limit)], count, limit)
    return [(text, "")]  # one unbreakable run: the model sees it whole, not a silently cut piece


def join_pieces(translations: list[str], separators: list[str]) -> str:
    """Join the translations of split pieces, writing each source separator the English way."""
    out = []
    for text, sep in zip(translations, separators, strict=True):
        text = text.strip()
        if not text:
            continue
        mark = ENGLISH_SEPARATOR.get(sep, "")
        out.append(text + mark if mark and text[-1] not in ".,;:!?" else text)
    return " ".join(out)
