"""Which text encoding a CSV file is in: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

Chinese Excel and most HRIS exports save "CSV" in GBK; GB18030 is its superset, so a file that is
not valid UTF-8 but decodes strictly as GB18030 is read as such and the caller prints which
encoding was used. Nothing is guessed silently: a file that is neither is an error naming the line
of the first undecodable byte.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True)
class Decoded:
    """The text of a file and the encoding it was read with (``None`` text: undecodable)."""

    text: str | None
    encoding: str
    bad_line: int = 0


def decode(data: bytes) -> Decoded:
    """Decode ``data``: BOMs first, then strict UTF-8, then strict GB18030 (covers GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", "UTF-8 (BOM)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16")
    utf8 = _strict(data, "utf-8", "UTF-8")
    if utf8.text is not None:
        return utf8
    gb = _strict(data, "gb18030", "GB18030")
    if gb.text is not None:
        return gb
    return Decoded(None, "UTF-8", utf8.bad_line)


def _strict(data: bytes, codec: str, label: str) -> Decoded:
    try:
        return Decoded(data.decode(codec), label)
    except UnicodeDecodeError as exc:
        return Decoded(None, label, data[: exc.start].count(b"\n") + 1)
