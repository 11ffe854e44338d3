"""Decoding JSON that may be hostile, with its cost bounded before ``json.loads`` runs.

Shared by the server's request bodies (``sync_server.api.body``) and USB bundles
(``sync_server.bundles``), on both sides; standard library only, like the rest of
the protocol package. Three things make a small input expensive or fatal:

- nesting: ``[[[[…`` 100,000 deep makes ``json.loads`` raise RecursionError (a
  traceback, not a message), so the depth is measured first, at C speed;
- many tiny containers: ``[[],[],…]`` costs ~20 bytes of memory per byte of input,
  so the number of ``[``/``{`` can be capped as well;
- lone UTF-16 surrogates (``"\\ud800"``): they decode, then fail in every encoder
  and database, so they are refused here; so is NUL (``"\\u0000"``), which no
  PostgreSQL text column holds.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["HostileJson", "loads_bounded"]

# strings first: a bracket inside one does not nest anything
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_EMPTY_PAIR = re.compile(rb"\[\]|\{\}")
# a surrogate only gets into a decoded string through a \u escape (raw ones fail UTF-8)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_NUL_ESCAPE = re.compile(rb"\\u0000")  # likewise NUL: raw control characters are no JSON


class HostileJson(ValueError):
    """Valid or not, this JSON is refused before decoding; the message says why."""


def _brackets(raw: bytes) -> bytes:
    """The brackets of ``raw`` outside its strings, in order."""
    if b'\\"' in raw:  # an escaped quote: only a full string pattern tells where strings end
        outside = _JSON_STRING.sub(b"", raw)
    else:  # every quote opens or closes a string: 5x quicker than the pattern
        outside = b"".join(raw.split(b'"')[::2])
    return outside.translate(None, _NOT_BRACKETS)


def _depth_over(brackets: bytes, maximum: int) -> bool:
    """Whether the brackets nest deeper than ``maximum``: each pass drops the innermost
    pairs, so a balanced text takes as many passes as it is deep (all at C speed)."""
    for _ in range(maximum):
        if not brackets:
            return False
        brackets, dropped = _EMPTY_PAIR.subn(b"", brackets)
        if not dropped:
            return False  # unbalanced: not JSON, which json.loads says better
    return bool(brackets)


def loads_bounded(raw: bytes, max_depth: int, max_containers: int | None = None) -> Any:
    """``json.loads(raw)``, or HostileJson for nesting deeper than ``max_depth``, more than
    ``max_containers`` arrays and objects, or a lone surrogate; ValueError (its message
    cut to 200 characters) for text that is not JSON, not UTF-8, or has an integer of
    more than 4,300 digits."""
    brackets = _brackets(raw)
    if max_containers is not None and len(brackets) > 2 * max_containers:
        raise HostileJson(f"has more than {max_containers} arrays and objects")
    if _depth_over(brackets, max_depth):
        raise HostileJson(f"nests deeper than {max_depth} levels")
    try:
        data = json.loads(raw)
    except RecursionError:  # not reached below the depth limit; kept as a last guard
        raise HostileJson(f"nests deeper than {max_depth} levels") from None
    except ValueError as exc:  # also UnicodeDecodeError, and ints past Python's 4,300 digits
        raise ValueError(str(exc)[:200]) from None
    if _SURROGATE_ESCAPE.search(raw):  # rare (escaped emoji pairs are fine): check exactly
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise HostileJson("holds a lone UTF-16 surrogate (\\ud800–\\udfff) in a string") from None
    if _NUL_ESCAPE.search(raw) and _holds_nul(data):  # rare: check exactly ("\\\\u0000" is no NUL)
        raise HostileJson("holds a NUL character (\\u0000) in a string")
    return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in key or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
