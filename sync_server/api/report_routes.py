"""The lead's and admin's figures: the month's pay sheet and daily throughput per annotator.

Thin routes over ``sync_server.db.earnings``; same protocol header and error body as
``sync_server.api.routes``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentUser, Db, protocol_header
from sync_server.api.errors import ApiError
from sync_server.api.openapi_doc import (
    NEEDS_TOKEN,
    PAYSHEET_SCHEMA,
    PEOPLE_SCHEMA,
    THROUGHPUT_SCHEMA,
    errors,
    json_answer,
)
from sqlalchemy import select

from sync_server.db.earnings import month_bounds, pay_sheet, throughput
from sync_server.db.import_account import PEOPLE
from sync_server.db.tables import users
from sync_server.protocol import API_PREFIX, UserInfo

_ERRORS = {
    **errors(400, 422, 426),
    **errors(401, 403, s403="forbidden: only a lead or an admin sees the office's figures"),
}
report_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=_ERRORS)
_MONTH = "^[0-9]{4}-(0[1-9]|1[0-2])$"


def _lead_or_admin(user: UserInfo) -> None:
    if user.role not in ("lead", "admin"):
        raise ApiError(403, "forbidden", "only a lead or an admin sees the office's figures")


@report_router.get(
    "/people",
    summary="The office's people by id: names for a lead's screens",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(PEOPLE_SCHEMA)},
)
def people(user: CurrentUser, db: Db) -> JSONResponse:
    _lead_or_admin(user)
    with db.read() as conn:
        found = conn.execute(
            select(users.c.id, users.c.username, users.c.display_name, users.c.role)
            .where(users.c.office_id == user.office_id, PEOPLE)
            .order_by(users.c.id)
        ).mappings()
        return JSONResponse({"people": [dict(row) for row in found]})


@report_router.get(
    "/paysheet",
    summary="The month's pay per annotator: accepted items × price",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(PAYSHEET_SCHEMA), **errors(422, s422="invalid_request: month is not YYYY-MM")},
)
def paysheet(
    user: CurrentUser,
    db: Db,
    # the pattern is for the document: a month it lets through that is no month still answers 422
    month: Annotated[str, Query(description="YYYY-MM", max_length=7, json_schema_extra={"pattern": _MONTH})],
) -> JSONResponse:
    _lead_or_admin(user)
    try:
        month_bounds(month)
    except ValueError:
        raise ApiError(422, "invalid_request", f"month must look like 2026-12, not {month!r}") from None
    with db.read() as conn:
        rows = pay_sheet(conn, user.office_id, month)
    return JSONResponse({"month": month, "rows": [asdict(row) for row in rows],
                         "total_cents": sum(row.amount_cents for row in rows)})  # fmt: skip


@report_router.get(
    "/throughput",
    summary="Items each annotator first finished, per day (UTC)",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(THROUGHPUT_SCHEMA)},
)
def daily_throughput(user: CurrentUser, db: Db, days: Annotated[int, Query(ge=1, le=92)] = 14) -> JSONResponse:
    _lead_or_admin(user)
    until = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with db.read() as conn:
        counts = throughput(conn, user.office_id, until - timedelta(days=days), until)
    rows = [{"annotator_id": who, "day": day, "items": n} for (who, day), n in sorted(counts.items())]
    return JSONResponse({"days": days, "rows": rows})
