"""The lead's and admin's figures: the month's pay sheet (with each annotator's quality of the
month) and daily throughput per annotator.

Thin routes over ``sync_server.db.earnings`` and ``sync_server.db.dashboard``; same protocol
header and error body as ``sync_server.api.routes``.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter
from sqlalchemy import select

from sync_server.api.deps import CurrentUser, Db, protocol_header
from sync_server.api.errors import ApiError
from sync_server.api.openapi_doc import (
    NEEDS_TOKEN,
    PEOPLE_SCHEMA,
    THROUGHPUT_SCHEMA,
    errors,
    json_answer,
)
from sync_server.db.dashboard import month_pay_sheet
from sync_server.db.earnings import month_bounds, throughput
from sync_server.db.import_account import PEOPLE
from sync_server.db.tables import users
from sync_server.protocol import API_PREFIX, PayRow, PaySheet, UserInfo

_ERRORS = {
    **errors(400, 422, 426),
    **errors(401, 403, s403="forbidden: only a lead or an admin sees the office's figures"),
}
report_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=_ERRORS)
_MONTH = "^[0-9]{4}-(0[1-9]|1[0-2])$"


def _paysheet_schema() -> dict:
    """The answer is ``asdict(PaySheet)``: every field of it and of its rows is there."""
    row = TypeAdapter(PayRow).json_schema(mode="serialization")
    row["required"] = [f.name for f in fields(PayRow)]
    sheet = TypeAdapter(PaySheet).json_schema(mode="serialization")
    sheet["properties"]["rows"] = {"type": "array", "items": row}
    sheet["required"] = [f.name for f in fields(PaySheet)]
    sheet.pop("$defs", None)
    return sheet


PAYSHEET_SCHEMA = _paysheet_schema()


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
    summary="The month's pay per annotator (accepted items × price) and their quality of the month",
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
        sheet = month_pay_sheet(conn, user.office_id, month)
    return JSONResponse(asdict(sheet))


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
