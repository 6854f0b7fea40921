"""Input bytes to text: UTF-8 (with or without a byte-order mark) or UTF-16/UTF-32 with one.

Outputs are always written in UTF-8, whatever the input's encoding: a UTF-16 article comes back as
UTF-8 English (without a byte-order mark).
"""

from __future__ import annotations

import codecs

from fa2en.errors import InputFileError

#: Byte-order marks and the codec that reads text starting with each (UTF-32 before UTF-16: the
#: UTF-32-LE mark begins with the UTF-16-LE one). The codecs drop the mark.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: How many leading bytes are searched for a NUL (which text without a byte-order mark never has).
BINARY_PROBE = 8192


def decode(data: bytes, name: str = "") -> str:
    """Decode an input's bytes to text, or raise :class:`InputFileError` saying why not.

    ``name`` (a path, or ``"<stdin>"``) starts the message when given.
    """
    where = f"{name}: " if name else ""
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                label = codec.removesuffix("-sig").upper()
                raise InputFileError(
                    f"{where}not {label} text although it starts with a {label} byte-order mark "
                    f"({exc.reason} at offset {exc.start})"
                ) from exc
    if b"\x00" in data[:BINARY_PROBE]:
        raise InputFileError(f"{where}binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{where}not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); convert "
            "it, e.g. iconv -f windows-1256 -t utf-8"
        ) from exc
