"""Decode an export's bytes, detecting its encoding, and say which one was used and what was damaged.

Databases and reference managers write UTF-8 (with or without BOM), UTF-16 (EndNote, Web of Science
tab-delimited; with or without BOM) and Windows cp1252 or latin-1.  A file is decoded as the encoding it
mostly is: one bad byte in a UTF-8 file is replaced (U+FFFD) and reported with its line, and does not
switch the whole file to cp1252 (which would alter every non-ASCII character of every record); stray NUL
bytes are removed and reported.  A truly binary file (PNG, ZIP, PDF, executables, mostly control bytes)
is refused.  Mixed line endings are normalised to ``\\n``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from review_tools.io.problems import ImportFileError

_SAMPLE = 4096
_MAGIC = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"GIF8": "a GIF image", b"\xff\xd8\xff": "a JPEG image",
          b"\x1f\x8b": "a gzip archive", b"\x7fELF": "a program", b"MZ": "a Windows program",
          b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}
MAX_REPORTED = 20


@dataclass
class Decoded:
    """The text, the encoding's name, and ``damage``: (line, what) for every byte that was not text."""

    text: str
    encoding: str
    damage: list[tuple[int, str]] = field(default_factory=list)
    errors: int = 0  # undecodable byte sequences, reported or not


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:_SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def wide(data: bytes) -> bool:
    """True when bytes from a file's start are UTF-16 (with or without byte order mark)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" in data[:_SAMPLE] and _utf16_without_bom(data) is not None


def _binary(data: bytes, source: str) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(f"{source}: {what}, not a text export")
    sample = data[:_SAMPLE]
    control = sum(1 for b in sample if b < 9 or (13 < b < 32 and b != 27))
    if control > 0.1 * len(sample):
        raise ImportFileError(f"{source}: binary file ({control} control bytes in the first {len(sample)}), "
                              "not a text export")


def decode(data: bytes, source: str, *, start: bool = True) -> Decoded:
    """The decoded text; raise :class:`ImportFileError` for empty or binary files.  ``start`` is False
    for a later piece of a file read in pieces (:mod:`.pieces`): the file's start was already checked
    for a byte order mark, UTF-16 and binary content, and a piece of blank lines is no error."""
    if not start:
        return _piece(data)
    if not data or (data[:_SAMPLE].isspace() and data.isspace()):
        raise ImportFileError(f"{source}: the file is empty")
    for bom, name, label in ((codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"), (codecs.BOM_UTF16_LE, "utf-16-le",
                                                                          "UTF-16 with BOM"),
                             (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 with BOM")):
        if data.startswith(bom):
            n = len(bom)
            if not data[n:n + _SAMPLE].strip(b"\x00 \t\r\n") and not data[n:].strip(b"\x00 \t\r\n"):
                raise ImportFileError(f"{source}: the file is empty (only a byte order mark)")
            if name == "utf-8":
                fast = _valid_utf8(data, "utf-8-sig", label)
                if fast is not None:
                    return fast
            return _finish(_decode_reporting(data[n:], name), label)
    if b"\x00" in data[:_SAMPLE]:
        name = _utf16_without_bom(data)
        if name is not None:
            return _finish(_decode_reporting(data, name), f"UTF-16 {'LE' if name.endswith('le') else 'BE'} "
                                                          "without BOM")
    _binary(data, source)
    return _piece(data)


def _piece(data: bytes) -> Decoded:
    """Bytes without a byte order mark: UTF-8 where they mostly are, else cp1252 or latin-1."""
    fast = _valid_utf8(data, "utf-8", "UTF-8")
    if fast is not None:
        return fast
    utf8 = _decode_reporting(data, "utf-8")
    valid_multibyte = sum(1 for c in utf8.text if ord(c) > 127 and c != "\ufffd")
    if valid_multibyte >= utf8.errors:  # mostly UTF-8: keep it, report the bad bytes
        return _finish(utf8, "UTF-8")
    try:
        return _finish(_single_byte(data, "cp1252"), "cp1252")
    except UnicodeDecodeError:
        return _finish(_single_byte(data, "latin-1"), "latin-1")


def _valid_utf8(data: bytes, codec: str, label: str) -> Decoded | None:
    """``data`` decoded when it is valid UTF-8, else None.  NUL and CR are looked for in the bytes (the
    same answer for UTF-8, in a fifth of the time a search of the text takes), so a clean file is decoded
    and not copied again."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if b"\x00" in data or b"\r" in data:
        return _finish(Decoded(text, "utf-8"), label)
    return Decoded(text, label)


def _single_byte(data: bytes, encoding: str) -> Decoded:
    """A file that is not UTF-8, read as a Windows/ISO single-byte encoding: every byte is some character,
    so the guess is never an error -- the warning names the lines with non-ASCII characters to check (a
    damaged byte in an ASCII file reads as a letter such as 'ÿ')."""
    text = data.decode(encoding)
    lines = [(n, "".join(sorted({c for c in line if ord(c) > 127})))
             for n, line in enumerate(text.splitlines(), 1) if not line.isascii()]
    shown = "; ".join(f"line {n}: {chars[:10]!r}" for n, chars in lines[:5])
    more = f" and {len(lines) - 5} more lines" if len(lines) > 5 else ""
    return Decoded(text, encoding, [(lines[0][0], f"not UTF-8, read as {encoding}; check the non-ASCII characters "
                                                  f"({shown}{more})")])


def _decode_reporting(data: bytes, encoding: str) -> Decoded:
    """Decode, replacing every undecodable byte sequence with U+FFFD and noting its line."""
    parts: list[str] = []
    damage: list[tuple[int, str]] = []
    start = 0
    decoder_errors = 0
    while True:
        try:
            parts.append(data[start:].decode(encoding))
            break
        except UnicodeDecodeError as exc:
            bad_at = start + exc.start
            parts.append(data[start:bad_at].decode(encoding))
            parts.append("\ufffd")
            decoder_errors += 1
            if decoder_errors <= MAX_REPORTED:
                line = data.count(b"\n", 0, bad_at) + 1 if encoding == "utf-8" else \
                    data.count("\n".encode(encoding), 0, bad_at) + 1
                damage.append((line, f"byte(s) {data[bad_at:start + exc.end].hex(' ')} are not {encoding.upper()}: "
                                     "replaced by \ufffd"))
            start += exc.end
    if decoder_errors > MAX_REPORTED:
        damage.append((0, f"{decoder_errors - MAX_REPORTED} more undecodable byte sequences replaced"))
    return Decoded("".join(parts), encoding, damage, decoder_errors)


def _finish(decoded: Decoded, label: str) -> Decoded:
    text = decoded.text
    if "\x00" in text:
        lines = [n for n, line in enumerate(text.split("\n"), 1) if "\x00" in line]
        count = text.count("\x00")
        decoded.damage.append((lines[0], f"{count} NUL byte(s) removed (lines {', '.join(map(str, lines[:10]))}"
                                         f"{' ...' if len(lines) > 10 else ''})"))
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    decoded.text = text
    decoded.encoding = label
    return decoded
