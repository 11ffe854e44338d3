"""Orders and batches for leads and admins: progress, and handing batches out.

Thin routes over ``sync_server.db.progress`` and ``sync_server.orders.assignment``;
same protocol header and error body as ``sync_server.api.routes``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from sync_server.api.deps import MAX_BODY_BYTES, CurrentUser, Db, JsonBody, check_protocol_version, protocol_header
from sync_server.api.errors import ApiError
from sync_server.api.openapi_doc import NEEDS_TOKEN, errors, request_body
from sync_server.db.progress import annotator_progress, batch_progress, order_progress
from sync_server.orders.assignment import (
    AssignmentError,
    BadUntil,
    BatchLeased,
    NotAllowed,
    NotAnAnnotator,
    UnknownBatch,
    UnknownOrder,
    assign_batch,
    assign_idle,
    find_batch,
    find_order,
    parse_until,
    require_lead,
    unassign_batch,
)
from sync_server.protocol import (
    API_PREFIX,
    AnnotatorsResponse,
    AssignIdleRequest,
    AssignIdleResponse,
    Assignment,
    AssignRequest,
    BatchesResponse,
    BatchProgress,
    OrdersResponse,
    WireError,
    from_wire,
    to_wire,
)

# (HTTP status, error code) per refusal
_STATUS: dict[type[AssignmentError], tuple[int, str]] = {
    NotAllowed: (403, "forbidden"),
    UnknownOrder: (404, "unknown_order"),
    UnknownBatch: (404, "unknown_batch"),
    BatchLeased: (409, "batch_leased"),
    NotAnAnnotator: (422, "not_an_annotator"),
    BadUntil: (422, "bad_until"),
}

order_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=errors(400, 422, 426))
_UNKNOWN_ORDER = "unknown_order: no such order in your office"
_UNKNOWN_BATCH = "unknown_batch: no such batch in your office"
_BAD_ASSIGN = "invalid_request, not_an_annotator, or bad_until: not an ISO 8601 time with a zone in the future"


def _refused(exc: AssignmentError) -> ApiError:
    status, code = _STATUS.get(type(exc), (400, "bad_request"))
    return ApiError(status, code, str(exc))


def _parse(cls: type, body: Any) -> Any:
    try:
        request = from_wire(cls, body)
    except WireError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    check_protocol_version(request.protocol_version)
    return request


def _batch(conn, batch_id: int) -> BatchProgress:
    batch = find_batch(conn, None, batch_id)
    return batch_progress(conn, batch.order_id, [batch_id])[0]


@order_router.get(
    "/orders",
    response_model=OrdersResponse,
    summary="The office's orders and their progress (leads, admins)",
    openapi_extra=NEEDS_TOKEN,
    responses=errors(401, 403),
)
def list_orders(user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_lead(user)
        with db.read() as conn:
            found = order_progress(conn, user.office_id)
    except AssignmentError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(OrdersResponse(found)))


@order_router.get(
    "/orders/{order_id}/batches",
    response_model=BatchesResponse,
    summary="An order's batches, holders, progress",
    openapi_extra=NEEDS_TOKEN,
    responses=errors(401, 403, 404, s404=_UNKNOWN_ORDER),
)
def list_batches(order_id: int, user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_lead(user)
        with db.read() as conn:
            find_order(conn, user.office_id, order_id)
            found = batch_progress(conn, order_id)
    except AssignmentError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(BatchesResponse(found)))


@order_router.get(
    "/orders/{order_id}/annotators",
    response_model=AnnotatorsResponse,
    summary="Each annotator's part in an order",
    openapi_extra=NEEDS_TOKEN,
    responses=errors(401, 403, 404, s404=_UNKNOWN_ORDER),
)
def list_annotators(order_id: int, user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_lead(user)
        with db.read() as conn:
            find_order(conn, user.office_id, order_id)
            found = annotator_progress(conn, order_id)
    except AssignmentError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(AnnotatorsResponse(found)))


@order_router.post(
    "/batches/{batch_id}/assign",
    response_model=BatchProgress,
    summary="Lease a batch to an annotator",
    openapi_extra=request_body(AssignRequest, MAX_BODY_BYTES),
    responses=errors(
        401, 403, 404, 409, 413, 415, 422,
        s404=_UNKNOWN_BATCH,
        s409="batch_leased: another annotator's lease has not run out (send force: true to take it)",
        s422=_BAD_ASSIGN,
    ),
)
def assign(batch_id: int, user: CurrentUser, db: Db, body: JsonBody) -> JSONResponse:
    try:
        require_lead(user)
        request = _parse(AssignRequest, body)
        until = parse_until(request.until)
        with db.write() as conn:
            assign_batch(conn, user.office_id, batch_id, request.annotator_id, until, force=request.force)
            answer = _batch(conn, batch_id)
    except AssignmentError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(answer))


@order_router.post(
    "/batches/{batch_id}/release",
    response_model=BatchProgress,
    summary="Take a batch from its holder",
    openapi_extra=NEEDS_TOKEN,
    responses=errors(401, 403, 404, s404=_UNKNOWN_BATCH),
)
def release(batch_id: int, user: CurrentUser, db: Db) -> JSONResponse:
    try:
        require_lead(user)
        with db.write() as conn:
            unassign_batch(conn, user.office_id, batch_id)
            answer = _batch(conn, batch_id)
    except AssignmentError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(answer))


@order_router.post(
    "/orders/{order_id}/assign-idle",
    response_model=AssignIdleResponse,
    summary="The next batch to every idle annotator",
    openapi_extra=request_body(AssignIdleRequest, MAX_BODY_BYTES),
    responses=errors(401, 403, 404, 413, 415, 422, s404=_UNKNOWN_ORDER, s422=_BAD_ASSIGN),
)
def give_idle(order_id: int, user: CurrentUser, db: Db, body: JsonBody) -> JSONResponse:
    try:
        require_lead(user)
        request = _parse(AssignIdleRequest, body)
        until = parse_until(request.until)
        with db.write() as conn:
            assigned = assign_idle(conn, user.office_id, order_id, until)
    except AssignmentError as exc:
        raise _refused(exc) from None
    return JSONResponse(to_wire(AssignIdleResponse([Assignment(b, a) for b, a in assigned])))
