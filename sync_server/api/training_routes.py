"""Training and certification (培训认证, ADR 0027): the office's courses travel to the PC
whole (answers included, so a trainee is scored offline); attempts come back through
the outbox and are stored once, scored again here; the first pass certifies.

Making a course is an admin's work on the server machine (``aidou-server make-course``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from sync_server.api.deps import PUSH_BODY_BYTES, CurrentUser, Db, check_protocol_version, json_body, protocol_header
from sync_server.api.errors import ApiError, error_response
from sync_server.api.openapi_doc import NEEDS_TOKEN, errors, json_answer, request_body
from sync_server.db.training import certificates_of, office_courses, record_attempts
from sync_server.orders.leasing import NotCertified
from sync_server.protocol import (
    API_PREFIX,
    MAX_PUSH_RECORDS,
    AttemptsRequest,
    AttemptsResponse,
    CoursesResponse,
    WireError,
    from_wire,
    to_wire,
)

training_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=errors(400, 426))
AttemptsBody = Annotated[Any, Depends(json_body(PUSH_BODY_BYTES))]


_REF = "#/components/schemas/"
_CERTIFICATE = {"type": "object", "required": ["user_id", "task_kind", "course_id", "score", "certified_at"]}
# Shape is the push body's schema (with its limits): referred to, not made again from the dataclass
COURSES_SCHEMA = {"type": "object", "required": ["courses", "certificates"], "properties": {
    "courses": {"type": "array", "items": {"type": "object", "required": ["id", "name", "task_kind", "pass_mark", "order"],
        "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["item", "expected"], "properties": {
            "expected": {"type": "array", "items": {"$ref": f"{_REF}Shape"}}}}}}}},
    "certificates": {"type": "array", "items": _CERTIFICATE},
}}  # fmt: skip


@training_router.get(
    "/training/courses",
    response_model=None,
    summary="The office's training courses with their expected answers, and the caller's certificates",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(COURSES_SCHEMA), **errors(401)},
)
def courses(user: CurrentUser, db: Db) -> JSONResponse:
    with db.read() as conn:
        answer = CoursesResponse(office_courses(conn, user.office_id), certificates_of(conn, user))
    return JSONResponse(to_wire(answer))


@training_router.post(
    "/training/attempts",
    response_model=AttemptsResponse,
    summary="Store training attempts made on the PC; one answer each, the same on a replay",
    openapi_extra=request_body(AttemptsRequest, PUSH_BODY_BYTES),
    responses=errors(401, 413, 422, s422="invalid_request: the body does not match the protocol"),
)
def attempts(user: CurrentUser, body: AttemptsBody, db: Db, http: Request) -> JSONResponse:
    try:
        request = from_wire(AttemptsRequest, body)
    except WireError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    check_protocol_version(request.protocol_version)
    if len(request.attempts) > MAX_PUSH_RECORDS:
        raise ApiError(413, "too_many_records", f"send at most {MAX_PUSH_RECORDS} attempts at once")
    with db.write() as conn:
        results = record_attempts(conn, user, request.attempts)
    return JSONResponse(to_wire(AttemptsResponse(results)))


async def uncertified_refused(_request: Request, exc: NotCertified) -> JSONResponse:
    """A lease of an order that requires a certificate the annotator lacks: 403, whichever
    route leased."""
    return error_response(403, exc.code, str(exc))
