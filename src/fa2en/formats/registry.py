"""The format registry: one class per format, registered with its name and file extensions.

A format turns a file's text into :class:`~fa2en.segment.Document` objects (the units whose sentences
get translated) and renders the output from the rebuilt English of each, keeping everything else byte
for byte. Adding a format is one class decorated with :func:`register_format`, in one module that
``fa2en/formats/__init__.py`` imports.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from fa2en.errors import InputFileError
from fa2en.segment import Document


class Format(Protocol):
    """Parses a file's text into documents and renders the translated file."""

    def parse(self, text: str) -> list[Document]:
        """The documents whose sentences are to be translated, in order."""
        ...

    def render(self, text: str, docs: list[Document], rebuilt: list[str]) -> str:
        """The output file: ``text`` with each document replaced by its rebuilt translation."""
        ...


#: Format name -> class; the class is called with the options it takes (see :func:`make_format`).
FORMATS: dict[str, Callable[..., Format]] = {}

#: Lower-case file extension (with the dot) -> format name.
EXTENSIONS: dict[str, str] = {}

#: The format of a file whose extension no format claims.
DEFAULT_FORMAT = "text"

F = TypeVar("F", bound=Callable[..., Any])


def register_format(name: str, *, extensions: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Class decorator: register a format under ``name``, chosen for files with ``extensions``."""

    def register(cls: F) -> F:
        if name in FORMATS:
            raise ValueError(f"format {name!r} is already registered")
        taken = [e for e in extensions if e.lower() in EXTENSIONS]
        if taken:
            raise ValueError(f"extension {taken[0]!r} already belongs to {EXTENSIONS[taken[0]]!r}")
        FORMATS[name] = cls
        EXTENSIONS.update({e.lower(): name for e in extensions})
        return cls

    return register


def format_names() -> list[str]:
    """The registered format names, sorted (for ``--format`` choices and messages)."""
    return sorted(FORMATS)


def detect_format(path: Path, override: str | None = None) -> str:
    """The format of ``path``: ``override`` if given, else the one its extension is registered to."""
    if override:
        if override not in FORMATS:
            raise InputFileError(
                f"unknown format {override!r}; choose from {', '.join(format_names())}"
            )
        return override
    return EXTENSIONS.get(path.suffix.lower(), DEFAULT_FORMAT)


def make_format(name: str, **options: Any) -> Format:
    """A format object for ``name``, given the ``options`` its class takes (others are ignored).

    The command line passes every format option (``fields``, ``column``, ``wrapped``) whatever the
    format, so each class receives only the keyword arguments its constructor names.
    """
    if name not in FORMATS:
        raise InputFileError(f"unknown format {name!r}; choose from {', '.join(format_names())}")
    cls = FORMATS[name]
    accepted = inspect.signature(cls).parameters
    return cls(**{k: v for k, v in options.items() if k in accepted})
