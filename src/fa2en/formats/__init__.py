"""Document formats: reading a file into segmented documents and writing the translation back.

Each format is one class in one module here, registered by name and file extensions with
:func:`register_format`; :data:`FORMATS`, :func:`detect_format`, :func:`make_format` and
:func:`format_names` all come from that registry.
"""

from fa2en.formats import jsonl, text, tsv  # noqa: F401  (importing registers the formats)
from fa2en.formats.decoding import decode
from fa2en.formats.registry import (
    DEFAULT_FORMAT,
    EXTENSIONS,
    FORMATS,
    Format,
    detect_format,
    format_names,
    make_format,
    register_format,
)

__all__ = [
    "DEFAULT_FORMAT",
    "EXTENSIONS",
    "FORMATS",
    "Format",
    "decode",
    "detect_format",
    "format_names",
    "make_format",
    "register_format",
]
