"""Persian segmentation: documents into paragraphs and sentences, with exact separators kept."""

from fa2en.segment.document import (
    Document,
    Segment,
    detect_wrap_width,
    segment_document,
    split_sentences,
)

__all__ = ["Document", "Segment", "detect_wrap_width", "segment_document", "split_sentences"]
