"""Request dependencies, named once as ``Annotated`` aliases for the routes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import Connection, Engine

from sync_server.api.body import decode_json, read_body
from sync_server.api.errors import ApiError
from sync_server.db.accounts import renew_token, use_token
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import read_connection, write_transaction
from sync_server.protocol import PROTOCOL_VERSION, VERSION_HEADER, UserInfo, quoted

OLDEST_SUPPORTED_PROTOCOL = 1


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
        raise ApiError(400, "bad_request", f"{VERSION_HEADER} must be a whole number, not {quoted(version)}") from None
    if number < OLDEST_SUPPORTED_PROTOCOL:
        raise ApiError(
            426,
            "please_update",
            f"this client speaks sync protocol {quoted(number)}; the server needs {OLDEST_SUPPORTED_PROTOCOL} "
            f"or newer. Please update AI豆 Desktop. 请更新 AI豆 客户端。",
        )
    if number > PROTOCOL_VERSION:
        raise ApiError(
            400,
            "server_too_old",
            f"this client speaks sync protocol {quoted(number)}, newer than the server's {PROTOCOL_VERSION}; "
            "ask the base admin to update the server",
        )


def protocol_header(x_aidou_protocol: Annotated[str | None, Header(alias=VERSION_HEADER)] = None) -> None:
    check_protocol_version(x_aidou_protocol)


def bearer_token(request: Request) -> str:
    """The request's bearer token; 401 ``bad_token`` without one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        error = ApiError(401, "bad_token", "this request needs a token: log in and send 'Authorization: Bearer <token>'")
        error.headers = {"WWW-Authenticate": "Bearer"}
        raise error
    return token.strip()


def _current_user(request: Request, db: Db) -> UserInfo:
    token = bearer_token(request)
    lifetime = request.app.state.token_lifetime
    with db.read() as conn:
        use = use_token(conn, token, lifetime)
    if use is None:
        error = ApiError(401, "bad_token", "the token is unknown, expired or was revoked; log in again")
        error.headers = {"WWW-Authenticate": "Bearer"}
        raise error
    if use.renew_due:  # at most once an hour per token: most requests only read
        with db.write() as conn:
            renew_token(conn, token, lifetime)
    return use.user


CurrentUser = Annotated[UserInfo, Depends(_current_user)]


# per route: what a request may carry, on the wire and unpacked (issue 10); read chunk by
# chunk and refused with 413 once past it, so a huge body is never held whole
LOGIN_BODY_BYTES = 16 * 1024
MISSING_BODY_BYTES = 256 * 1024  # 2,000 ids are ~80 kB
PUSH_BODY_BYTES = 8 * 1024 * 1024  # 500 records are ~0.5 MB; room for big ones
MAX_BODY_BYTES = 1024 * 1024  # every other route


def json_body(limit: int):
    """A dependency that reads a JSON body of at most ``limit`` bytes."""

    async def _json_body(request: Request) -> Any:
        return decode_json(await read_body(request, limit))

    return _json_body


JsonBody = Annotated[Any, Depends(json_body(MAX_BODY_BYTES))]
LoginBody = Annotated[Any, Depends(json_body(LOGIN_BODY_BYTES))]
MissingBody = Annotated[Any, Depends(json_body(MISSING_BODY_BYTES))]
PushBody = Annotated[Any, Depends(json_body(PUSH_BODY_BYTES))]
