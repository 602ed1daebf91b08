"""Decode an export's bytes, detecting its encoding, and say which one was used.

Databases and reference managers write UTF-8 (with or without BOM), UTF-16 (EndNote, with or without
BOM) and Windows cp1252 or latin-1.  The checks run in that order; a file with NUL bytes that is not
UTF-16 is refused as binary.  Mixed line endings are normalised to ``\\n``.
"""

from __future__ import annotations

import codecs

from review_tools.io.problems import ImportFileError

_SAMPLE = 4096


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:_SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`ImportFileError` for empty or binary files."""
    if not data or (data[:_SAMPLE].isspace() and data.isspace()):
        raise ImportFileError(f"{source}: the file is empty")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            label = {"utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16 with BOM"}[name]
            return _text(data, name, source), label
    if b"\x00" in data[:_SAMPLE]:
        name = _utf16_without_bom(data)
        if name is None:
            raise ImportFileError(f"{source}: binary file (NUL bytes), not a text export")
        return _text(data, name, source), f"UTF-16 {'LE' if name.endswith('le') else 'BE'} without BOM"
    try:
        return _text(data, "utf-8", source, strict=True), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return _text(data, "cp1252", source, strict=True), "cp1252"
    except UnicodeDecodeError:
        return _text(data, "latin-1", source), "latin-1"


def _text(data: bytes, encoding: str, source: str, strict: bool = False) -> str:
    try:
        text = data.decode(encoding, errors="strict")
    except UnicodeDecodeError:
        if strict:
            raise
        raise ImportFileError(f"{source}: cannot be decoded as {encoding}") from None
    if "\x00" in text:
        raise ImportFileError(f"{source}: binary content (NUL characters) after decoding as {encoding}")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
