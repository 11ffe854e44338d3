"""The lead's dashboard (issue 11): one order's figures per annotator and UTC day over the
last days, for the desktop's 看板 charts.

Thin: the same permission check as the other quality routes (``quality_scope.lead_order``: a
lead or admin of the order's office), ``sync_server.db.dashboard`` reads, ``sync_server.quality.dashboard``
computes and words the answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentUser, Db, protocol_header
from sync_server.api.openapi_doc import NEEDS_TOKEN, json_answer
from sync_server.api.quality_scope import QUALITY_ERRORS, json_object, lead_order
from sync_server.db.clock import utc_now
from sync_server.db.dashboard import office_annotators, order_figures
from sync_server.protocol import API_PREFIX
from sync_server.quality.dashboard import dashboard_wire

MAX_DAYS = 92  # a quarter: the figures are computed on each request
dashboard_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=QUALITY_ERRORS)

_INT = {"type": "integer"}
_RATE = {"type": ["number", "null"]}
_DAY = {"type": "string", "format": "date"}
_TALLY = {"items": _INT, "accepted": _INT, "rejected": _INT, "accept_rate": _RATE, "gold_answered": _INT,
          "gold_score": _RATE, "agreement_pairs": _INT, "agreement": _RATE}  # fmt: skip
DASHBOARD_SCHEMA = json_object(
    order_id=_INT, days=_INT, first_day=_DAY, last_day=_DAY,
    annotators={"type": "array", "items": json_object(
        annotator_id=_INT, username={"type": "string"}, display_name={"type": "string"}, **_TALLY,
        days={"type": "array", "items": json_object(day=_DAY, **_TALLY)})},
)  # fmt: skip


@dashboard_router.get(
    "/quality/dashboard",
    summary="Per annotator and UTC day: items done, accept rate, gold score, agreement",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(DASHBOARD_SCHEMA)},
)
def dashboard(
    user: CurrentUser,
    db: Db,
    order_id: Annotated[int, Query(ge=1, le=2**63 - 1)],
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="the last days, today (UTC) included")] = 30,
) -> JSONResponse:
    until = utc_now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    since = until - timedelta(days=days)
    with db.read() as conn:
        lead_order(conn, user, order_id)
        figures = order_figures(conn, order_id, since, until)
        people = office_annotators(conn, user.office_id)
    body: dict[str, Any] = {
        "order_id": order_id, "days": days, "first_day": since.date().isoformat(),
        "last_day": (until - timedelta(days=1)).date().isoformat(), "annotators": dashboard_wire(figures, people),
    }  # fmt: skip
    return JSONResponse(body)
