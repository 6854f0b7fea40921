"""Named, documented patterns for Persian sentence and paragraph segmentation.

Every rule carries examples; ``tests/test_segment_rules.py`` runs each rule on them, so a rule and its
test cases stay together. Character classes are written once here and reused.
"""

from __future__ import annotations

import re

#: Persian/Arabic letters; FA_WORD adds harakat and ZWNJ (which joins word parts); DIGIT is
#: ASCII, Persian and Arabic-Indic digits.
FA_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06fa-\u06fc\u06ff\u067e\u0686\u0698\u06a9\u06af\u06cc"
FA_WORD = f"[{FA_LETTER}\u064b-\u0655\u0670\u200c]"
DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"

#: Characters that end a sentence. ``؟`` is the Arabic question mark, ``…`` the ellipsis.
TERMINATORS = ".!?\u061f\u2026"

#: Closing quotes/brackets that belong to the sentence they follow: ``.»``, ``!")``.
CLOSERS = "»\"'\u201d\u2019)\\]}"

#: Where a sentence may end: a terminator run followed by whitespace or the end of the text, or a
#: sentence-final terminator glued to the next Persian word (missing space: ``است.وی`` / ``شد؟او``).
CANDIDATE = re.compile(
    f"[{TERMINATORS}]+[{CLOSERS}]*(?=\\s|$)"
    f"|[.!\u061f](?<=[{FA_LETTER}\u200c]{{2}}[.!\u061f])(?=[{FA_LETTER}]{{2}})"
)

#: A run that is only an ellipsis (``…``, ``...``): it ends a sentence only at the end of a line.
#: ``و...`` means "etc."; ``بلبل… باضافه`` continues the sentence.
ELLIPSIS_ONLY = re.compile("(?:\u2026|\\.{2,})+[" + CLOSERS + "]*")

#: A single letter right before a period is an initial or abbreviation, not a sentence end:
#: ``ه.ش.``, ``ج.ا.ا.``, ``ع.``, ``J. Chem.``. (Searched on the text just before the period.)
SINGLE_LETTER = re.compile(f'(?:^|[\\s.(«"])[{FA_LETTER}A-Za-z][\u064b-\u0655\u0670]?$')

#: Latin abbreviations that take a period but do not end a sentence.
LATIN_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof Sr Jr St vs etc al eg ie cf Inc Ltd Co Corp Jan Feb Mar Apr Jun Jul Aug Sep "
    "Sept Oct Nov Dec No Vol pp Fig Eq Ref Chem Phys Biol Med Sci Rev Lett Proc Natl Acad Int J Am "
    "Engl Eur Univ Dept Ed Eds Gen Gov Rep Sen Lt Col Capt Mt".split()
)

#: The Latin word right before a period (for :data:`LATIN_ABBREVIATIONS`).
LATIN_WORD_BEFORE = re.compile("([A-Za-z]+)$")

#: Words that continue a sentence after a quoted question or exclamation:
#: ``«چرا؟» پرسید.`` is one sentence. A quote ending in ``.»`` always ends the sentence.
QUOTE_CONTINUATIONS = re.compile(
    "(?:گفت|پرسید|نوشت|افزود|را|که|و|از|به|با|در|می\u200cگوید|می\u200cپرسد|فریاد|خطاب|پاسخ)"
    f"(?![{FA_LETTER}])"
)

#: A news dateline at the start of a sentence: ``تهران - ایرنا:``, ``لندن - واحد مرکزی خبر:``,
#: ``واحد مرکزی خبر:``. It is a sentence of its own (the gold standard of UD Persian agrees).
#: Form: up to three words, a dash, up to four words and a colon; or a known agency and a colon.
DATELINE = re.compile(
    f"(?:{FA_WORD}+(?:\\s{FA_WORD}+){{0,2}}\\s?[-\u2013\u2014]\\s?{FA_WORD}+(?:\\s{FA_WORD}+){{0,3}}"
    "|واحد\\sمرکزی\\sخبر|ایرنا|ایسنا|ایلنا|ایبنا|ایکنا|ایمنا)"
    "\\s?:(?=\\s)"
)

#: Paragraph separator: a line break, optional blank-ish lines, and another line break.
PARAGRAPH_BREAK = re.compile("[ \\t\\r\\f\\v]*\\n(?:[ \\t\\r\\f\\v]*\\n)+[ \\t\\r\\f\\v]*")

#: Markdown and plain-text structural line prefixes, kept outside the text to translate:
#: headings (``## ``), list items (``- ``, ``* ``, ``+ ``, ``• ``, ``1. ``, ``۱) ``), blockquotes (``> ``).
STRUCTURAL_MARKER = re.compile(
    f"[ \\t]*(?:#{{1,6}}[ \\t]+|[-*+\u2022][ \\t]+|[{DIGIT}]{{1,3}}[.)][ \\t]+|>[ \\t]?)"
)

#: Lines kept verbatim, never translated: a Markdown table's delimiter row (``|---|:--:|``),
#: horizontal rules, code fences.
VERBATIM_LINE = re.compile("[ \\t]*(?:\\|[ \\t:|]*-[ \\t:|-]*\r?|(?:[-*_][ \\t]*){3,}|```.*|~~~.*)")

#: A Markdown table row (a line starting with ``|``): its cells are translated, its pipes kept.
TABLE_ROW = re.compile("[ \\t]*\\|.*")

#: The text of one table cell: up to the next ``|`` that is neither escaped (``\\|``) nor inside
#: inline code (`` `a|b` ``).
TABLE_CELL = re.compile(r"(?:\\.|`[^`\n]+`|[^|\n])+")

#: Emphasis delimiters in a table cell (``**bold**``, ``*em*``, ``__x__``, ``_x_``, ``~~del~~``): a run
#: of ``*``, ``_`` or ``~`` that opens (after a space or the start, before a non-space) or closes
#: (after a non-space, before a space or the end). They are kept as markup and the text between is
#: translated on its own; ``snake_case`` and ``2 * 3`` are not delimiters.
EMPHASIS_DELIMITER = re.compile(r"(?:^|(?<=\s))[*_~]+(?=\S)|(?<=\S)[*_~]+(?=\s|$)")

#: Spans inside a sentence left untouched: ``inline code``, the syntax of Markdown links and images
#: (``[``/``![`` and ``](url)``: the link text is translated), URLs and e-mail addresses.
PROTECTED_SPAN = re.compile(
    r"`[^`\n]+`"
    r"|!?\[(?=[^\]\n]*\]\([^)\s]*\))|\]\([^)\s]*\)"
    r"|(?:https?://|www\.)[^\s<>«»\"'()]+[^\s<>«»\"'.,;:!?؟،()]|[\w.+-]+@[\w-]+\.[\w.-]*\w"
)

#: What a table cell keeps out of its sentences: the protected spans, and emphasis delimiters.
CELL_PROTECTED_SPAN = re.compile(f"{PROTECTED_SPAN.pattern}|{EMPHASIS_DELIMITER.pattern}")

#: What a translation may not bring into a table cell: an unescaped ``|`` (escaped as ``\\|``) or a
#: line break (a space instead). Inline code is matched first and left as it is: a ``|`` inside it
#: does not end the cell (:data:`TABLE_CELL`), so a cell given back unchanged stays byte for byte.
CELL_UNSAFE = re.compile(r"`[^`\n]+`|(?<!\\)\||[\r\n]")

#: A numbered list marker (``۱. ``, ``2) ``): the one markup whose digits may change (to ASCII).
NUMBERED_MARKER = re.compile(f"[ \\t]*[{DIGIT}]{{1,3}}[.)][ \\t]+")

#: Line end that already closes a sentence (terminator, optional closers, or a colon).
LINE_CLOSED = re.compile(f"(?:[{TERMINATORS}:][{CLOSERS}]*)[ \\t]*$")
