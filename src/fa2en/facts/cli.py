"""``fa2en facts FILE --json OUT``: the facts a Persian file holds and their English form."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fa2en.errors import InputFileError
from fa2en.facts.base import DATE_POLICIES
from fa2en.facts.glossary import default_glossary, load_glossary
from fa2en.facts.reader import FactRules


def add_parser(subparsers: Any) -> None:
    """Add the ``facts`` subcommand to ``fa2en``'s subparsers."""
    p = subparsers.add_parser(
        "facts",
        help="list the numbers, dates and glossary terms of a file with their English",
        description="List the facts (numbers, dates, glossary terms) of a Persian file, one JSON "
        "object per fact and line: {line, kind, source, english}.",
    )
    p.add_argument("file", type=Path, help="a Persian text file (read line by line)")
    p.add_argument("--dates", choices=DATE_POLICIES, default="gregorian", help="date rendering")
    p.add_argument("--year", type=int, help="Solar Hijri year of dates written without one")
    p.add_argument("--glossary", type=Path, help="TSV style sheet (default: the shipped one)")
    p.add_argument(
        "--json", type=Path, required=True, metavar="OUT", help="JSON Lines output, - for stdout"
    )


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


def run(args: argparse.Namespace) -> int:
    """Run ``fa2en facts``; returns the exit code."""
    glossary = load_glossary(args.glossary) if args.glossary else default_glossary()
    reader = FactRules(dates=args.dates, year=args.year, glossary=glossary).reader()
    rows = [
        json.dumps(fact.as_json(), ensure_ascii=False)
        for number, line in enumerate(_lines(args.file), 1)
        for fact in reader.find(line, number)
    ]
    text = "".join(row + "\n" for row in rows)
    if str(args.json) == "-":
        sys.stdout.write(text)
    else:
        args.json.write_text(text, encoding="utf-8")
    return 0
