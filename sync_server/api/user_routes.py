"""Accounts for the base admin: list, add, new password, disable, enable, sign out
everywhere (own office only).

Thin routes over ``sync_server.db.users_admin``; same protocol header and error body as
``sync_server.api.routes``. Also ``record_sync``, which the change feed calls per page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from sync_server.api.deps import (
    MAX_BODY_BYTES,
    CurrentUser,
    Database,
    Db,
    JsonBody,
    check_protocol_version,
    protocol_header,
)
from sync_server.api.errors import ApiError
from sync_server.api.openapi_doc import NEEDS_TOKEN, errors, request_body
from sync_server.db.clock import utc_now
from sync_server.db.users_admin import (
    AccountError,
    CannotDisableSelf,
    InvalidAccount,
    NotAllowed,
    UnknownUser,
    UsernameTaken,
    add_user,
    disable_user,
    enable_user,
    list_users,
    mark_synced,
    require_admin,
    set_password,
    sign_out_user,
    sync_mark_due,
)
from sync_server.protocol import (
    API_PREFIX,
    NewUserRequest,
    PasswordRequest,
    SignOutResponse,
    UserRecord,
    UsersResponse,
    WireError,
    from_wire,
    to_wire,
)

# (HTTP status, error code) per refusal
_STATUS: dict[type[AccountError], tuple[int, str]] = {
    NotAllowed: (403, "forbidden"),
    UnknownUser: (404, "unknown_user"),
    UsernameTaken: (409, "username_taken"),
    CannotDisableSelf: (409, "cannot_disable_self"),
    InvalidAccount: (422, "invalid_request"),
}

user_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=errors(400, 422, 426))
_ADMINS = errors(401, 403, s403="forbidden: only the base admin manages accounts")
_UNKNOWN_USER = errors(404, s404="unknown_user: no such account in your office")
_BODY = errors(413, 415)


def _refused(exc: AccountError) -> ApiError:
    status, code = _STATUS.get(type(exc), (400, "bad_request"))
    return ApiError(status, code, str(exc))


def _parse(cls: type, body: Any) -> Any:
    try:
        parsed = from_wire(cls, body)
    except WireError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    check_protocol_version(parsed.protocol_version)
    return parsed


def record_sync(db: Database, user_id: int) -> None:
    """Note the user's feed read in ``last_sync_at``: read first, and write (a short write
    transaction) only when the stored time is over a minute old, not once per page."""
    now = utc_now()
    with db.read() as conn:
        due = sync_mark_due(conn, user_id, now)
    if due:
        with db.write() as conn:
            mark_synced(conn, user_id, now)


@user_router.get(
    "/users",
    response_model=UsersResponse,
    summary="The accounts of your office (admins)",
    openapi_extra=NEEDS_TOKEN,
    responses=_ADMINS,
)
def users(user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_admin(user)
        with db.read() as conn:
            found = list_users(conn, user.office_id)
    except AccountError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(UsersResponse(found)))


@user_router.post(
    "/users",
    status_code=201,
    response_model=UserRecord,
    summary="Add an account to your office (admins)",
    openapi_extra=request_body(NewUserRequest, MAX_BODY_BYTES),
    responses={**_ADMINS, **_BODY, **errors(409, s409="username_taken")},
)
def new_user(user: CurrentUser, db: Db, body: JsonBody) -> JSONResponse:
    try:
        require_admin(user)
        request = _parse(NewUserRequest, body)
        with db.write() as conn:
            added = add_user(conn, user.office_id, request.username, request.display_name, request.role, request.password)
    except AccountError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(added), status_code=201)


@user_router.post(
    "/users/{user_id}/password",
    response_model=UserRecord,
    summary="Set a new password; the user's tokens stop working",
    openapi_extra=request_body(PasswordRequest, MAX_BODY_BYTES),
    responses={**_ADMINS, **_UNKNOWN_USER, **_BODY},
)
def new_password(user_id: int, user: CurrentUser, db: Db, body: JsonBody) -> JSONResponse:
    try:
        require_admin(user)
        request = _parse(PasswordRequest, body)
        with db.write() as conn:
            changed = set_password(conn, user.office_id, user_id, request.password)
    except AccountError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(changed))


@user_router.post(
    "/users/{user_id}/disable",
    response_model=UserRecord,
    summary="Disable an account at once; its work stays",
    openapi_extra=NEEDS_TOKEN,
    responses={**_ADMINS, **_UNKNOWN_USER, **errors(409, s409="cannot_disable_self")},
)
def disable(user_id: int, user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_admin(user)
        with db.write() as conn:
            changed = disable_user(conn, user.office_id, user_id, by_user_id=user.id)
    except AccountError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(changed))


@user_router.post(
    "/users/{user_id}/enable",
    response_model=UserRecord,
    summary="Let a disabled account log in again",
    openapi_extra=NEEDS_TOKEN,
    responses={**_ADMINS, **_UNKNOWN_USER},
)
def enable(user_id: int, user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_admin(user)
        with db.write() as conn:
            changed = enable_user(conn, user.office_id, user_id)
    except AccountError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(changed))


@user_router.post(
    "/users/{user_id}/signout",
    response_model=SignOutResponse,
    summary="Revoke every token of an account (a lost PC)",
    openapi_extra=NEEDS_TOKEN,
    responses={**_ADMINS, **_UNKNOWN_USER},
)
def sign_out(user_id: int, user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_admin(user)
        with db.write() as conn:
            revoked = sign_out_user(conn, user.office_id, user_id)
    except AccountError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(SignOutResponse(revoked)))
