"""fa2en: Persian to English machine translation of news articles, in batch, on GPU or CPU."""

from fa2en.normalize import Normalizer, normalize
from fa2en.segment import Document, segment_document, split_sentences

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Normalizer",
    "Translator",
    "normalize",
    "segment_document",
    "split_sentences",
]


def __getattr__(name: str) -> object:
    """Import the engine lazily so that the text layer works without loading torch."""
    if name == "Translator":
        from fa2en.translator import Translator

        return Translator
    raise AttributeError(f"module 'fa2en' has no attribute {name!r}")
