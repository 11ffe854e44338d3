"""The HTTP API of docs/interfaces.md. Each route parses, calls a function with a
connection, and returns; the SQL lives in ``sync_server.db``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse

from sync_server.api.deps import (
    LOGIN_BODY_BYTES,
    MISSING_BODY_BYTES,
    PUSH_BODY_BYTES,
    Blobs,
    CurrentUser,
    Db,
    LoginBody,
    MissingBody,
    check_protocol_version,
    protocol_header,
)
from sync_server.api.body import decode_json, raw_body
from sync_server.api.errors import ApiError
from sync_server.api.json_response import JSONResponse
from sync_server.api.openapi_doc import ERROR_TEXT, HEALTH_SCHEMA, NEEDS_TOKEN, errors, json_answer, request_body
from sync_server.api.push_decode import decode_push
from sync_server.api.throttle import LoginThrottle, admit_or_refuse
from sync_server.api.user_routes import record_sync
from sync_server.db.accounts import bundle_key, issue_token, password_matches, stored_password, user_info
from sync_server.db.blobs import display_blob_visible, is_sha256_hex
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.feed import BadCursor, changes_since
from sync_server.db.push import apply_push, missing_revisions
from sync_server.orders.importing import display_media_type
from sync_server.protocol import (
    API_PREFIX,
    MAX_CHANGES_PAGE,
    MAX_MISSING_IDS,
    MAX_PUSH_RECORDS,
    PROTOCOL_VERSION,
    REJECTED,
    SERVICE_NAME,
    ChangesResponse,
    LoginRequest,
    LoginResponse,
    MissingRequest,
    MissingResponse,
    PushRequest,
    PushResponse,
    WireError,
    from_wire,
    to_wire,
)

health_router = APIRouter()
api_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=errors(400, 422, 426))


@health_router.get("/healthz", response_model=None, responses={200: json_answer(HEALTH_SCHEMA)})
def healthz(http: Request) -> dict[str, Any]:
    # names the service and the database: a client takes only this as proof of a link
    return {
        "status": "ok",
        "service": SERVICE_NAME,
        "protocol_version": PROTOCOL_VERSION,
        "server_id": http.app.state.server_id,
    }


def _parse(cls: type, body: Any) -> Any:
    try:
        parsed = from_wire(cls, body)
    except WireError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    check_protocol_version(parsed.protocol_version)
    return parsed


def _check_count(body: Any, key: str, maximum: int, what: str) -> None:
    """413 before parsing when a list is longer than a request may carry."""
    values = body.get(key) if isinstance(body, dict) else None
    if isinstance(values, list) and len(values) > maximum:
        raise ApiError(413, "too_many_records", f"{len(values)} {what}; send at most {maximum}")


@api_router.post(
    "/login",
    response_model=LoginResponse,
    summary="Trade a username and password for a token",
    openapi_extra=request_body(LoginRequest, LOGIN_BODY_BYTES, token=False),
    responses=errors(
        401, 413, 415, 429,
        s401="bad_credentials: wrong username or password; account_disabled: the right password of a disabled account",
    ),
)
def login(body: LoginBody, db: Db, http: Request) -> JSONResponse:
    request = _parse(LoginRequest, body)
    throttle: LoginThrottle = http.app.state.login_throttle
    address = http.client.host if http.client else ""
    admit_or_refuse(throttle, request.username, address)  # may queue behind attempts being checked
    right: bool | None = None
    try:
        with db.read() as conn:  # closed before the slow hash: no connection waits on argon2
            stored = stored_password(conn, request.username)
        right = password_matches(stored, request.password)
    finally:
        throttle.settle(request.username, address, right)
    if not right:
        raise ApiError(401, "bad_credentials", "wrong username or password / 用户名或密码错误")
    if stored.disabled:
        # said only to someone who knows the password: clearer than "wrong password"
        message = "this account is disabled; ask the base admin / 此账号已停用，请联系基地管理员"
        raise ApiError(401, "account_disabled", message)
    with db.write() as conn:
        token = issue_token(conn, stored.user_id, http.app.state.token_lifetime)
        user = user_info(conn, stored.user_id)
        key = bundle_key(conn, stored.user_id) or ""
    answer = LoginResponse(
        token=token, user=user, server_time=to_iso(utc_now()), server_id=http.app.state.server_id, bundle_key=key
    )
    return JSONResponse(to_wire(answer))


@api_router.get(
    "/changes",
    response_model=ChangesResponse,
    summary="The change feed after a cursor",
    openapi_extra=NEEDS_TOKEN,
    responses=errors(400, 401, s400=f"bad_cursor: a cursor this server did not make; {ERROR_TEXT[400]}"),
)
def changes(
    user: CurrentUser,
    db: Db,
    since: Annotated[str | None, Query(description="cursor from the last answer; empty = from the start")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES_PAGE)] = MAX_CHANGES_PAGE,
    compact: Annotated[
        bool, Query(description="leave out rows a later row of the same record replaces (a first sync)")
    ] = False,
) -> JSONResponse:
    try:
        with db.read() as conn:
            page = changes_since(conn, user, since, limit, compact)
    except BadCursor as exc:
        raise ApiError(400, "bad_cursor", str(exc)) from None
    record_sync(db, user.id)  # users.last_sync_at, for the admin's list
    return JSONResponse(to_wire(page))


# the push reads its body as bytes: ``push_decode`` parses it (ADR 0025)
PushBytes = Annotated[bytes, Depends(raw_body(PUSH_BODY_BYTES))]


@api_router.post(
    "/push",
    response_model=PushResponse,
    summary="Store annotation revisions; one answer each",
    openapi_extra=request_body(PushRequest, PUSH_BODY_BYTES),
    responses=errors(
        401, 413, 415, 422,
        s413=f"too_large: the body is over {PUSH_BODY_BYTES // (1024 * 1024)} MiB; "
        f"too_many_records: more than {MAX_PUSH_RECORDS} records and reviews",
        s422="invalid_request: the body does not match the protocol; rejected: every record was rejected "
        "(the answer also carries PushResponse's results and server_id)",
    ),
)
def push(user: CurrentUser, raw: PushBytes, db: Db, http: Request) -> JSONResponse:
    # msgspec's fast path gives what the slow path would, or None (ADR 0025): then the
    # slow path's checks answer in their own words (400 bad_json, 413, 422)
    request = decode_push(raw)
    if request is None:
        body = decode_json(raw)
        _check_count(body, "annotations", MAX_PUSH_RECORDS, "records in one push")
        _check_count(body, "reviews", MAX_PUSH_RECORDS, "reviews in one push")
        request = _parse(PushRequest, body)
    else:
        check_protocol_version(request.protocol_version)
    if len(request.annotations) + len(request.reviews) > MAX_PUSH_RECORDS:
        raise ApiError(413, "too_many_records", f"send at most {MAX_PUSH_RECORDS} records and reviews in one push")
    with db.write() as conn:
        results = apply_push(conn, user, request.annotations, request.reviews)
    answer = to_wire(PushResponse(results, server_id=http.app.state.server_id))
    if results and all(result.status == REJECTED for result in results):
        # ADR 0001: nothing stored → a 4xx a person sees, with every record's reason
        first = results[0]
        return JSONResponse({"code": "rejected", "message": f"{first.id}: {first.reason}", **answer}, status_code=422)
    return JSONResponse(answer)


@api_router.post(
    "/missing",
    response_model=MissingResponse,
    summary="Which of these revision ids the server lacks",
    openapi_extra=request_body(MissingRequest, MISSING_BODY_BYTES),
    responses=errors(
        401, 413, 415,
        s413=f"too_large: the body is over {MISSING_BODY_BYTES // 1024} KiB; too_many_records: more than {MAX_MISSING_IDS} ids",
    ),
)
def missing(user: CurrentUser, body: MissingBody, db: Db, http: Request) -> JSONResponse:
    _check_count(body, "ids", MAX_MISSING_IDS, "ids in one request")
    parsed = _parse(MissingRequest, body)
    with db.read() as conn:
        lacking = missing_revisions(conn, user, parsed.ids)
    return JSONResponse(to_wire(MissingResponse(lacking, server_id=http.app.state.server_id)))


@api_router.get(
    "/blobs/{sha256}",
    response_class=FileResponse,
    summary="A display copy by its sha256; supports HTTP Range for resuming",
    openapi_extra=NEEDS_TOKEN,
    responses={
        200: {"content": {"image/webp": {}, "image/jpeg": {}}},
        206: {"description": "the requested byte range"},
        **errors(400, 401, 404, s400=f"bad_sha256: the name is not 64 lowercase hex digits; {ERROR_TEXT[400]}", s404="unknown_blob"),
    },
)
def blob(
    sha256: Annotated[str, Path(description="the display copy's sha256", json_schema_extra={"pattern": "^[0-9a-f]{64}$"})],
    user: CurrentUser,
    db: Db,
    blob_store: Blobs,
) -> FileResponse:
    if not is_sha256_hex(sha256):
        raise ApiError(400, "bad_sha256", "a blob name is a sha256: 64 lowercase hex digits")
    with db.read() as conn:
        visible = display_blob_visible(conn, user, sha256)
    path = blob_store.path(sha256)
    if not visible or not path.is_file():
        raise ApiError(404, "unknown_blob", f"no image {sha256} for you on this server")
    # the name is the content's hash: the bytes behind it never change
    with open(path, "rb") as f:
        media_type = display_media_type(f.read(12))  # WebP, or a small original sent as it is
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private, max-age=31536000, immutable"})
