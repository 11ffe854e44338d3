"""Decoding JSON that may be hostile, with its cost bounded before it is decoded.

Shared by the server's request bodies (``sync_server.api.body``), the desktop's
answers (``aidou_desktop.sync.client``) and USB bundles (``sync_server.bundles``).
Decoding is orjson's (ADR 0020): the standard library's ``json.loads`` gives the
very same values, 2–3× slower, so it only runs where orjson refuses a text (then
``json.loads`` says why, in the words our answers always used) or could give
another value (an integer of 19 digits or more, which orjson turns into a float).
Three things make a small input expensive or fatal:

- nesting: ``[[[[…`` 100,000 deep makes ``json.loads`` raise RecursionError (a
  traceback, not a message), so the depth is measured first, at C speed;
- many tiny containers: ``[[],[],…]`` costs ~20 bytes of memory per byte of input,
  so the number of ``[``/``{`` can be capped as well;
- lone UTF-16 surrogates (``"\\ud800"``, or its raw UTF-8 bytes): they decode, then
  fail in every encoder and database, so they are refused here (orjson refuses them
  itself; what json.loads reads is checked); so is NUL (``"\\u0000"``), which no
  PostgreSQL text column holds.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

__all__ = ["HostileJson", "loads", "loads_bounded"]

# strings first: a bracket inside one does not nest anything
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_NOT_MARKS = bytes(b for b in range(256) if b not in b'"[]{}')  # keeps quotes and brackets
_NUL_ESCAPE = b"\\u0000"  # NUL gets into an orjson string only so: raw control characters are no JSON
# orjson reads integers in [-2**63, 2**64) exactly and larger ones as floats; every such
# larger one has 19 digits or more, so a text holding a run of 19 digits goes to json.loads
_ALL_DIGITS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_DIGIT_RUN = b"0" * 19


class HostileJson(ValueError):
    """Valid or not, this JSON is refused before decoding; the message says why."""


def _brackets(raw: bytes) -> bytes:
    """The brackets of ``raw`` outside its strings, in order."""
    if b'\\"' in raw:  # an escaped quote: only a full string pattern tells where strings end
        return _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    # Every quote opens or closes a string, in turn. Two adjacent quotes among the marks
    # are a string with no bracket inside, or two strings with none between them: either
    # way dropping both leaves every bracket as inside or outside as it was. What remains
    # of strings (only those holding brackets, rare) goes as the quotes split it.
    marks = raw.translate(None, _NOT_MARKS).replace(b'""', b"")
    return b"".join(marks.split(b'"')[::2]) if b'"' in marks else marks


def _depth_over(brackets: bytes, maximum: int) -> bool:
    """Whether the brackets nest deeper than ``maximum``: each pass drops the innermost
    pairs, so a balanced text takes as many passes as it is deep (all at C speed)."""
    for _ in range(maximum):
        if not brackets:
            return False
        # "()" stands in for a dropped pair until the pass ends: "{[]}" loses one level, not two
        marked = brackets.replace(b"[]", b"()").replace(b"{}", b"()")
        if marked == brackets:
            return False  # unbalanced: not JSON, which the decoder says better
        brackets = marked.translate(None, b"()")
    return bool(brackets)


def _loads_stdlib(raw: bytes, max_depth: int) -> Any:
    """``json.loads``: its values for every text, its words for every refusal."""
    try:
        data = json.loads(raw)
    except RecursionError:  # not reached below the depth limit; kept as a last guard
        raise HostileJson(f"nests deeper than {max_depth} levels") from None
    except ValueError as exc:  # also UnicodeDecodeError, and ints past Python's 4,300 digits
        raise ValueError(str(exc)[:200]) from None
    # Rare (orjson refused the text, or it holds a long number), so checked exactly, on what
    # was decoded: json.loads lets surrogates through as escapes, as raw UTF-8 bytes
    # (ED A0–BF: it decodes with "surrogatepass") and from UTF-16 texts alike.
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise HostileJson("holds a lone UTF-16 surrogate (\\ud800–\\udfff) in a string") from None
    if _holds_nul(data):
        raise HostileJson("holds a NUL character (\\u0000) in a string")
    return data


def _orjson_gives_the_same(raw: bytes) -> bool:
    return _LONG_DIGIT_RUN not in raw.translate(_ALL_DIGITS_ZERO)


def loads(raw: bytes) -> Any:
    """``json.loads(raw)``: the same value, or a ValueError, at orjson's speed whenever orjson
    gives the same. No bounds and no refusals of its own: for a text our own server wrote."""
    if _orjson_gives_the_same(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


def loads_bounded(raw: bytes, max_depth: int, max_containers: int | None = None) -> Any:
    """``json.loads(raw)``, or HostileJson for nesting deeper than ``max_depth``, more than
    ``max_containers`` arrays and objects, a lone surrogate or NUL; ValueError (its message
    cut to 200 characters) for text that is not JSON, not UTF-8, or has an integer of
    more than 4,300 digits."""
    brackets = _brackets(raw)
    if max_containers is not None and len(brackets) > 2 * max_containers:
        raise HostileJson(f"has more than {max_containers} arrays and objects")
    if _depth_over(brackets, max_depth):
        raise HostileJson(f"nests deeper than {max_depth} levels")
    if _orjson_gives_the_same(raw):
        try:
            # orjson refuses what json.loads refuses, and also lone surrogates, NaN, a BOM, 1e400
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if _NUL_ESCAPE in raw and _holds_nul(data):  # rare: check exactly ("\\\\u0000" is no NUL)
                raise HostileJson("holds a NUL character (\\u0000) in a string")
            return data
    return _loads_stdlib(raw, max_depth)  # json.loads says why, or reads it (NaN): its words, its values


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in key or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
