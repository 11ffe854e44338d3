"""Reading a request's JSON body within a size limit, and refusing hostile JSON
before it costs more than reading it (issue 10, bounded inputs).

The body is read chunk by chunk and dropped with 413 as soon as it passes the
route's limit, on the wire and (for gzip) unpacked; a ``Content-Length`` over the
limit is refused before reading anything. Nesting deeper than ``MAX_JSON_DEPTH``
and strings with lone UTF-16 surrogates (``"\\ud800"``: no database or JSON
encoder takes them) answer 400 ``bad_json`` instead of failing later with a 500.
"""

from __future__ import annotations

import zlib
from typing import Any

from fastapi import Request

from sync_server.api.errors import ApiError
from sync_server.protocol.json_guard import HostileJson, loads_bounded

MAX_JSON_DEPTH = 64  # a push is 7 deep (request → list → record → shapes → shape → points → point)


def _too_large(limit: int, what: str = "") -> ApiError:
    size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
    return ApiError(413, "too_large", f"the body is over {size}{what}; this request may carry at most that")


def _inflate(inflater: Any, chunk: bytes, room: int) -> bytes:
    try:
        return inflater.decompress(chunk, room + 1)  # one byte over the room: enough to know it is too big
    except zlib.error as exc:
        raise ApiError(400, "bad_request", f"the body says Content-Encoding: gzip but is not gzip ({exc})") from None


async def read_body(request: Request, limit: int) -> bytes:
    """The body, unpacked when gzip, never more than ``limit`` bytes read or unpacked."""
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("gzip", "identity", ""):
        raise ApiError(415, "unsupported_media_type", f"Content-Encoding {encoding[:40]!r} is not supported; use gzip")
    declared = request.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None  # 16+: a gzip header
    parts: list[bytes] = []
    received = size = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        if inflater is not None and chunk:
            chunk = _inflate(inflater, chunk, limit - size)
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, " unpacked")
        parts.append(chunk)
    if inflater is not None and not inflater.eof:
        raise ApiError(400, "bad_request", "the gzip body is cut short")
    return b"".join(parts)


def raw_body(limit: int):
    """A dependency that reads a body of at most ``limit`` bytes and leaves decoding to the
    route: the push decodes its own (``push_decode``, ADR 0025), else ``decode_json``."""

    async def _raw_body(request: Request) -> bytes:
        return await read_body(request, limit)

    return _raw_body


def decode_json(raw: bytes) -> Any:
    """``json.loads`` for a body that may be hostile: 400 ``bad_json`` instead of a 500."""
    if not raw:
        raise ApiError(400, "bad_json", "the request needs a JSON body")
    try:
        return loads_bounded(raw, MAX_JSON_DEPTH)
    except HostileJson as exc:
        raise ApiError(400, "bad_json", f"the body {exc}") from None
    except ValueError as exc:
        raise ApiError(400, "bad_json", f"the body is not valid JSON: {exc}") from None
