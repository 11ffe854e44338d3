"""Quality figures for leads and admins (ADR 0026): agreement between the annotators of an
overlap order, and scores against gold answers (质检题).

Thin routes: the order is found in the caller's office (``find_order``: another office's
order is unknown, 404), ``sync_server.db.quality`` reads, ``sync_server.quality`` computes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentUser, Db, protocol_header
from sync_server.api.errors import ApiError, error_response
from sync_server.api.openapi_doc import NEEDS_TOKEN, errors, json_answer
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.quality import answered_gold, count_gold, order_quality, overlap_groups, recent_work
from sync_server.orders.assignment import AssignmentError, UnknownOrder, find_order, require_lead
from sync_server.orders.leasing import OverlapSameAnnotator
from sync_server.protocol import API_PREFIX
from sync_server.quality.agreement import agreement_report, report_wire
from sync_server.quality.gold import DEFAULT_GOLD_PASS, FLAG_DAYS, gold_scores

_UNKNOWN_ORDER = "unknown_order: no such order in your office"
quality_router = APIRouter(
    prefix=API_PREFIX,
    dependencies=[Depends(protocol_header)],
    responses={**errors(400, 422, 426), **errors(401, 403, 404, s403="forbidden: only a lead or an admin sees quality figures",
                                                 s404=_UNKNOWN_ORDER)},
)  # fmt: skip

_NUM = {"type": "number"}
_INT = {"type": "integer"}
_NULL_NUM = {"type": ["number", "null"]}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


AGREEMENT_SCHEMA = _object(
    order_id=_INT, task_kind={"type": "string"}, iou_threshold=_NUM, groups=_INT, answered_groups=_INT,
    kappa=_NULL_NUM, kappa_kind={"enum": ["cohen", "fleiss", None]}, kappa_items=_INT,
    items={"type": "array", "items": _object(
        group_id=_INT, name={"type": "string"}, agreement=_NULL_NUM, answered=_INT, copies=_INT,
        item_ids={"type": "array", "items": _INT}, annotator_ids={"type": "array", "items": {"type": ["integer", "null"]}})},
    annotators={"type": "array", "items": _object(annotator_id=_INT, items=_INT, mean_score=_NUM)},
)  # fmt: skip
GOLD_SCHEMA = _object(
    order_id=_INT, gold_items=_INT, pass_mark=_NUM, since={"type": "string", "format": "date-time"},
    annotators={"type": "array", "items": _object(
        annotator_id=_INT, answered=_INT, mean_score=_NUM, flagged={"type": "boolean"},
        since={"type": ["string", "null"], "format": "date-time"}, recent_items=_INT,
        below={"type": "array", "items": _object(item_id=_INT, name={"type": "string"}, score=_NUM)})},
)  # fmt: skip


def _lead_order(conn, user, order_id: int) -> None:
    try:
        require_lead(user)
        find_order(conn, user.office_id, order_id)
    except UnknownOrder as exc:
        raise ApiError(404, "unknown_order", str(exc)) from None
    except AssignmentError as exc:
        raise ApiError(403, "forbidden", str(exc)) from None


@quality_router.get(
    "/quality/agreement",
    summary="Agreement between the annotators of an overlap order, disagreements first",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(AGREEMENT_SCHEMA)},
)
def agreement(
    user: CurrentUser,
    db: Db,
    order_id: Annotated[int, Query(ge=1, le=2**63 - 1)],
    limit: Annotated[int, Query(ge=1, le=10_000, description="items listed, lowest agreement first")] = 1000,
) -> JSONResponse:
    with db.read() as conn:
        _lead_order(conn, user, order_id)
        order = order_quality(conn, order_id)
        report = agreement_report(order.task_kind, overlap_groups(conn, order_id), order.iou_threshold)
    return JSONResponse({"order_id": order_id, **report_wire(report, limit)})


@quality_router.get(
    "/quality/gold",
    summary="Each annotator's score against the gold answers; a low one flags their recent work",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(GOLD_SCHEMA)},
)
def gold(
    user: CurrentUser,
    db: Db,
    order_id: Annotated[int, Query(ge=1, le=2**63 - 1)],
    pass_mark: Annotated[float, Query(ge=0, le=1, description="a mean below it flags the annotator")] = DEFAULT_GOLD_PASS,
) -> JSONResponse:
    since = utc_now() - timedelta(days=FLAG_DAYS)
    with db.read() as conn:
        _lead_order(conn, user, order_id)
        order = order_quality(conn, order_id)
        scores = gold_scores(order.task_kind, answered_gold(conn, order_id), pass_mark, order.iou_threshold)
        recent = recent_work(conn, order_id, since) if any(person.flagged for person in scores) else {}
        gold_items = count_gold(conn, order_id)
    return JSONResponse({
        "order_id": order_id, "gold_items": gold_items, "pass_mark": pass_mark, "since": to_iso(since),
        "annotators": [gold_wire(person, recent, to_iso(since)) for person in scores],
    })  # fmt: skip


def gold_wire(person, recent: dict[int, int], since: str | None) -> dict[str, Any]:
    """One annotator's gold figures; a flagged one's work received ``since`` is to be reviewed."""
    return {
        "annotator_id": person.annotator_id, "answered": person.answered, "mean_score": person.mean_score,
        "flagged": person.flagged, "since": since if person.flagged else None, "recent_items": recent.get(person.annotator_id, 0) if person.flagged else 0,
        "below": [{"item_id": m.item_id, "name": m.name, "score": m.score} for m in person.below],
    }  # fmt: skip


async def overlap_refused(_request: Request, exc: OverlapSameAnnotator) -> JSONResponse:
    """A lease that would give one annotator two copies of an item: 409, whichever route
    leased (the assign routes let it through: it is no ``AssignmentError``)."""
    return error_response(409, exc.code, str(exc))
