"""Quality figures for leads and admins (ADR 0026): agreement between the annotators of an
overlap order, scores against gold answers (质检题) per order, and gold accuracy per task kind
across the office's orders.

Thin routes: the caller's role and office are checked by ``quality_scope`` (another office's
order is unknown, 404), ``sync_server.db.quality`` reads, ``sync_server.quality`` computes;
the answers are the protocol's wire types (``sync_server.protocol.office``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentUser, Db, protocol_header
from sync_server.api.errors import error_response
from sync_server.api.openapi_doc import NEEDS_TOKEN, json_answer
from sync_server.api.quality_scope import (
    QUALITY_ERRORS,
    json_object,
    lead_office,
    lead_order,
)
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.dashboard import office_annotators
from sync_server.db.quality import (
    answered_gold,
    count_gold,
    gold_items_by_kind,
    office_gold_answers,
    order_quality,
    overlap_groups,
    recent_work,
)
from sync_server.orders.leasing import OverlapSameAnnotator
from sync_server.protocol import (
    API_PREFIX,
    GoldByKind,
    GoldMiss,
    GoldScore,
    GoldScores,
    KindGold,
    KindGoldItems,
)
from sync_server.quality.agreement import agreement_report, report_wire
from sync_server.quality.gold import (
    DEFAULT_GOLD_PASS,
    FLAG_DAYS,
    AnnotatorGold,
    gold_by_kind,
    gold_scores,
)

MAX_KIND_DAYS = 3660  # ten years: the per-kind figures read every gold answer of the span
quality_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol_header)], responses=QUALITY_ERRORS)

_NUM = {"type": "number"}
_INT = {"type": "integer"}
_STR = {"type": "string"}
_NULL_NUM = {"type": ["number", "null"]}

AGREEMENT_SCHEMA = json_object(
    order_id=_INT, task_kind=_STR, iou_threshold=_NUM, groups=_INT, answered_groups=_INT,
    kappa=_NULL_NUM, kappa_kind={"enum": ["cohen", "fleiss", None]}, kappa_items=_INT,
    items={"type": "array", "items": json_object(
        group_id=_INT, name=_STR, agreement=_NULL_NUM, answered=_INT, copies=_INT,
        item_ids={"type": "array", "items": _INT}, annotator_ids={"type": "array", "items": {"type": ["integer", "null"]}})},
    annotators={"type": "array", "items": json_object(annotator_id=_INT, items=_INT, mean_score=_NUM)},
)  # fmt: skip
GOLD_SCHEMA = json_object(
    order_id=_INT, gold_items=_INT, pass_mark=_NUM, since={"type": "string", "format": "date-time"},
    annotators={"type": "array", "items": json_object(
        annotator_id=_INT, answered=_INT, mean_score=_NUM, flagged={"type": "boolean"},
        since={"type": ["string", "null"], "format": "date-time"}, recent_items=_INT,
        below={"type": "array", "items": json_object(item_id=_INT, name=_STR, score=_NUM)})},
)  # fmt: skip
GOLD_KINDS_SCHEMA = json_object(
    pass_mark=_NUM, days={"type": ["integer", "null"]}, since={"type": ["string", "null"], "format": "date-time"},
    kinds={"type": "array", "items": json_object(task_kind=_STR, gold_items=_INT)},
    annotators={"type": "array", "items": json_object(
        annotator_id=_INT, username=_STR, display_name=_STR, task_kind=_STR, answered=_INT, mean_score=_NUM,
        flagged={"type": "boolean"})},
)  # fmt: skip
_PASS_MARK = Query(ge=0, le=1, description="a mean below it flags the annotator")


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
        lead_order(conn, user, order_id)
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
    pass_mark: Annotated[float, _PASS_MARK] = DEFAULT_GOLD_PASS,
) -> JSONResponse:
    since = utc_now() - timedelta(days=FLAG_DAYS)
    with db.read() as conn:
        lead_order(conn, user, order_id)
        order = order_quality(conn, order_id)
        scores = gold_scores(order.task_kind, answered_gold(conn, order_id), pass_mark, order.iou_threshold)
        recent = recent_work(conn, order_id, since) if any(person.flagged for person in scores) else {}
        gold_items = count_gold(conn, order_id)
    answer = GoldScores(order_id, gold_items, pass_mark, to_iso(since), [gold_score(p, recent, to_iso(since)) for p in scores])
    return JSONResponse(asdict(answer))


def gold_score(person: AnnotatorGold, recent: dict[int, int], since: str | None) -> GoldScore:
    """One annotator's gold figures; a flagged one's work received ``since`` is to be reviewed."""
    flagged = person.flagged
    return GoldScore(
        person.annotator_id, person.answered, person.mean_score, flagged, since if flagged else None,
        recent.get(person.annotator_id, 0) if flagged else 0, [GoldMiss(m.item_id, m.name, m.score) for m in person.below],
    )  # fmt: skip


@quality_router.get(
    "/quality/gold/kinds",
    summary="Each annotator's gold accuracy per task kind, over every order of the office",
    openapi_extra=NEEDS_TOKEN,
    responses={200: json_answer(GOLD_KINDS_SCHEMA)},
)
def gold_kinds(
    user: CurrentUser,
    db: Db,
    days: Annotated[int | None, Query(ge=1, le=MAX_KIND_DAYS, description="only gold items answered in the last "
                                      "days (the server received the head); left out: every one")] = None,
    pass_mark: Annotated[float, _PASS_MARK] = DEFAULT_GOLD_PASS,
) -> JSONResponse:  # fmt: skip
    office_id = lead_office(user)
    since = None if days is None else utc_now() - timedelta(days=days)
    with db.read() as conn:
        scores = gold_by_kind(office_gold_answers(conn, office_id, since), pass_mark)
        kinds = gold_items_by_kind(conn, office_id)
        people = office_annotators(conn, office_id)
    answer = GoldByKind(
        pass_mark, days, to_iso(since), [KindGoldItems(kind, count) for kind, count in sorted(kinds.items())],
        [KindGold(p.annotator_id, *people[p.annotator_id], p.task_kind, p.answered, p.mean_score, p.flagged)
         for p in scores if p.annotator_id in people],  # a lead's own correction of a gold item is no annotator's
    )  # fmt: skip
    return JSONResponse(asdict(answer))


async def overlap_refused(_request: Request, exc: OverlapSameAnnotator) -> JSONResponse:
    """A lease that would give one annotator two copies of an item: 409, whichever route
    leased (the assign routes let it through: it is no ``AssignmentError``)."""
    return error_response(409, exc.code, str(exc))
