"""Request dependencies, named once as ``Annotated`` aliases for the routes."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import Connection, Engine

from sync_server.api.errors import ApiError
from sync_server.db.accounts import user_for_token
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import read_connection, write_transaction
from sync_server.protocol import PROTOCOL_VERSION, VERSION_HEADER, UserInfo

OLDEST_SUPPORTED_PROTOCOL = 1
MAX_BODY_BYTES = 64 * 1024 * 1024  # after gunzip: 500 records are ~0.5 MB; this only stops abuse


class Database:
    """The engine, handed to routes as short read or write transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with read_connection(self.engine) as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with write_transaction(self.engine) as conn:
            yield conn


def _database(request: Request) -> Database:
    return request.app.state.database


def _blob_store(request: Request) -> BlobStore:
    return request.app.state.blob_store


Db = Annotated[Database, Depends(_database)]
Blobs = Annotated[BlobStore, Depends(_blob_store)]


def check_protocol_version(version: int | str | None) -> None:
    """426 for a client older than the server supports; missing means current."""
    if version is None or version == "":
        return
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise ApiError(400, "bad_request", f"{VERSION_HEADER} must be a whole number, not {version!r}") from None
    if number < OLDEST_SUPPORTED_PROTOCOL:
        raise ApiError(
            426,
            "please_update",
            f"this client speaks sync protocol {number}; the server needs {OLDEST_SUPPORTED_PROTOCOL} "
            f"or newer. Please update AI豆 Desktop. 请更新 AI豆 客户端。",
        )
    if number > PROTOCOL_VERSION:
        raise ApiError(
            400,
            "server_too_old",
            f"this client speaks sync protocol {number}, newer than the server's {PROTOCOL_VERSION}; "
            "ask the base admin to update the server",
        )


def protocol_header(x_aidou_protocol: Annotated[str | None, Header(alias=VERSION_HEADER)] = None) -> None:
    check_protocol_version(x_aidou_protocol)


def _current_user(request: Request, db: Db) -> UserInfo:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        error = ApiError(401, "bad_token", "this request needs a token: log in and send 'Authorization: Bearer <token>'")
        error.headers = {"WWW-Authenticate": "Bearer"}
        raise error
    with db.read() as conn:
        user = user_for_token(conn, token.strip())
    if user is None:
        error = ApiError(401, "bad_token", "the token is unknown or was revoked; log in again")
        error.headers = {"WWW-Authenticate": "Bearer"}
        raise error
    return user


CurrentUser = Annotated[UserInfo, Depends(_current_user)]


def _gunzip(data: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # 16+: expect a gzip header
    try:
        out = inflater.decompress(data, MAX_BODY_BYTES + 1)
    except zlib.error as exc:
        raise ApiError(400, "bad_request", f"the body says Content-Encoding: gzip but is not gzip ({exc})") from None
    if len(out) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body is over {MAX_BODY_BYTES // (1024 * 1024)} MiB unpacked")
    if not inflater.eof:
        raise ApiError(400, "bad_request", "the gzip body is cut short")
    return out


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw)
    elif encoding not in ("identity", ""):
        raise ApiError(415, "unsupported_media_type", f"Content-Encoding {encoding!r} is not supported; use gzip")
    if not raw:
        raise ApiError(400, "bad_json", "the request needs a JSON body")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "bad_json", f"the body is not valid JSON: {exc}") from None


JsonBody = Annotated[Any, Depends(_json_body)]
