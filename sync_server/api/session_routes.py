"""Logging out: the token used, or every token of the user ("sign out everywhere")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentUser, Db, bearer_token, protocol_header
from sync_server.api.openapi_doc import NEEDS_TOKEN, errors
from sync_server.db.accounts import revoke_token, revoke_tokens
from sync_server.protocol import API_PREFIX, SignOutResponse, to_wire

session_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=errors(400, 401, 422, 426))


@session_router.post(
    "/logout", response_model=SignOutResponse, summary="Revoke this token, or all of yours", openapi_extra=NEEDS_TOKEN
)
def logout(
    user: CurrentUser,
    db: Db,
    http: Request,
    everywhere: Annotated[bool, Query(description="revoke every token of this user (a lost PC)")] = False,
) -> JSONResponse:
    with db.write() as conn:
        revoked = revoke_tokens(conn, user.id) if everywhere else revoke_token(conn, bearer_token(http))
    return JSONResponse(to_wire(SignOutResponse(revoked)))
