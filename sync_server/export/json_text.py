"""JSON written piece by piece, byte for byte as ``json.dumps(doc, ensure_ascii=False, indent=1)``.

An export of a million items must not hold its document in memory (issue 12), so
the arrays are written one element at a time. Exports have always been written
with ``indent=1``; these helpers keep that exact text, so a reader (or a diff
against an earlier export) sees no change: ``value`` formats one value nested
``depth`` levels deep, and ``ArrayWriter`` writes an array's brackets, commas and
indentation around elements given one by one.

Scalars are formatted here directly (json's own indenting encoder is pure Python
and several times slower); anything else goes through ``json.dumps``.
"""

from __future__ import annotations

import json
import shutil
from json.encoder import encode_basestring  # the C one when available; ensure_ascii=False
from typing import Any, TextIO

INFINITY = float("inf")
BUFFER = 1 << 18  # file buffers and copy chunks


def number(v: float | int) -> str:
    """An int or float as json writes it (NaN and the infinities as json spells them)."""
    if type(v) is int:
        return int.__repr__(v)
    if type(v) is float:
        if v != v:
            return "NaN"
        if v == INFINITY:
            return "Infinity"
        if v == -INFINITY:
            return "-Infinity"
        return float.__repr__(v)
    return value(v, 0)


def value(v: Any, depth: int) -> str:
    """Any JSON value as it appears ``depth`` levels deep in an ``indent=1`` document."""
    kind = type(v)
    if kind is str:
        return encode_basestring(v)
    if kind is int or kind is float:
        return number(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    text = json.dumps(v, ensure_ascii=False, indent=1)
    return text.replace("\n", "\n" + " " * depth) if depth else text


def flat_object(pairs: dict[str, Any], depth: int) -> str:
    """A dict as it appears ``depth`` levels deep (its values may be anything)."""
    if not pairs:
        return "{}"
    inner = "\n" + " " * (depth + 1)
    body = ",".join(f"{inner}{encode_basestring(key)}: {value(v, depth + 1)}" for key, v in pairs.items())
    return "{" + body + "\n" + " " * depth + "}"


class ArrayWriter:
    """One JSON array ``depth`` levels deep, written to ``out`` an element at a time.

    ``add`` takes an element's text already formatted for ``depth + 1`` (``value``,
    ``flat_object``); ``close`` writes the closing bracket (``[]`` when nothing came).
    """

    def __init__(self, out: TextIO, depth: int) -> None:
        self.out = out
        self.count = 0
        self._separator = "\n" + " " * (depth + 1)
        self._end = "\n" + " " * depth + "]"
        out.write("[")

    def add(self, element: str) -> None:
        self.out.write((self._separator if not self.count else "," + self._separator) + element)
        self.count += 1

    def close(self) -> None:
        self.out.write(self._end if self.count else "]")


def append_file(out: TextIO, spool: TextIO) -> None:
    """Copy all of ``spool`` (a text file written earlier) to the end of ``out``.

    As bytes, not text: nothing is decoded and encoded again, and the newlines stay
    as the text layer wrote them (``\r\n`` on Windows) in both files."""
    spool.flush()
    spool.seek(0)
    out.flush()
    shutil.copyfileobj(spool.buffer, out.buffer, BUFFER)
