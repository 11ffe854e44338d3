"""Conflicts for leads and admins: list the revisions kept as conflicts, settle an item.

Thin routes over ``sync_server.db.conflicts``; same protocol header and error body as
``sync_server.api.routes``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from sync_server.api.deps import MAX_BODY_BYTES, CurrentUser, Db, JsonBody, check_protocol_version, protocol_header
from sync_server.api.errors import ApiError
from sync_server.api.openapi_doc import NEEDS_TOKEN, errors, request_body
from sync_server.db.conflicts import (
    ConflictError,
    NoOpenConflict,
    NotAllowed,
    UnknownItem,
    UnknownOrder,
    UnknownRevision,
    list_conflicts,
    require_lead,
    resolve_conflict,
)
from sync_server.protocol import (
    API_PREFIX,
    ConflictsResponse,
    ResolveRequest,
    ResolveResponse,
    WireError,
    from_wire,
    to_wire,
)

# (HTTP status, error code) per refusal
_STATUS: dict[type[ConflictError], tuple[int, str]] = {
    NotAllowed: (403, "forbidden"),
    UnknownItem: (404, "unknown_item"),
    UnknownOrder: (404, "unknown_order"),
    NoOpenConflict: (409, "no_open_conflict"),
    UnknownRevision: (422, "unknown_revision"),
}

conflict_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=errors(400, 422, 426))


def _refused(exc: ConflictError) -> ApiError:
    status, code = _STATUS.get(type(exc), (400, "bad_request"))
    return ApiError(status, code, str(exc))


@conflict_router.get(
    "/conflicts",
    response_model=ConflictsResponse,
    summary="Revisions kept as conflicts (leads, admins)",
    openapi_extra=NEEDS_TOKEN,
    responses=errors(401, 403, 404, s404="unknown_order"),
)
def conflicts(
    user: CurrentUser,
    db: Db,
    order_id: Annotated[int | None, Query(description="only this order's")] = None,
    include_resolved: Annotated[bool, Query(description="also the ones already settled")] = False,
) -> JSONResponse:
    try:
        require_lead(user)
        with db.read() as conn:
            found = list_conflicts(conn, user.office_id, order_id, include_resolved)
    except ConflictError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(ConflictsResponse(found)))


@conflict_router.post(
    "/conflicts/resolve",
    response_model=ResolveResponse,
    summary="Settle an item's conflicts with one of its revisions",
    openapi_extra=request_body(ResolveRequest, MAX_BODY_BYTES),
    responses=errors(
        401, 403, 404, 409, 413, 415, 422,
        s404="unknown_item",
        s409="no_open_conflict: the item has no open conflict",
        s422="invalid_request, or unknown_revision: the item has no revision of that id",
    ),
)
def resolve(user: CurrentUser, db: Db, body: JsonBody) -> JSONResponse:
    try:
        request = from_wire(ResolveRequest, body)
    except WireError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    check_protocol_version(request.protocol_version)
    try:
        with db.write() as conn:
            new_id = resolve_conflict(conn, user, request.item_id, request.choose)
    except ConflictError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(ResolveResponse(new_id)))
