"""The lead's and admin's figures: the month's pay sheet and daily throughput per annotator.

Thin routes over ``sync_server.db.earnings``; same protocol header and error body as
``sync_server.api.routes``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentUser, Db, protocol_header
from sync_server.api.errors import ApiError
from sqlalchemy import select

from sync_server.db.earnings import month_bounds, pay_sheet, throughput
from sync_server.db.tables import users
from sync_server.protocol import API_PREFIX, ErrorBody, UserInfo

_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorBody} for status in (400, 401, 403, 422, 426)}
report_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=_ERRORS)


def _lead_or_admin(user: UserInfo) -> None:
    if user.role not in ("lead", "admin"):
        raise ApiError(403, "forbidden", "only a lead or an admin sees the office's figures")


@report_router.get("/people", summary="The office's people by id: names for a lead's screens")
def people(user: CurrentUser, db: Db) -> JSONResponse:
    _lead_or_admin(user)
    with db.read() as conn:
        found = conn.execute(
            select(users.c.id, users.c.username, users.c.display_name, users.c.role)
            .where(users.c.office_id == user.office_id)
            .order_by(users.c.id)
        ).mappings()
        return JSONResponse({"people": [dict(row) for row in found]})


@report_router.get("/paysheet", summary="The month's pay per annotator: accepted items × price")
def paysheet(
    user: CurrentUser, db: Db, month: Annotated[str, Query(description="YYYY-MM", max_length=7)]
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


@report_router.get("/throughput", summary="Items each annotator first finished, per day (UTC)")
def daily_throughput(user: CurrentUser, db: Db, days: Annotated[int, Query(ge=1, le=92)] = 14) -> JSONResponse:
    _lead_or_admin(user)
    until = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with db.read() as conn:
        counts = throughput(conn, user.office_id, until - timedelta(days=days), until)
    rows = [{"annotator_id": who, "day": day, "items": n} for (who, day), n in sorted(counts.items())]
    return JSONResponse({"days": days, "rows": rows})
