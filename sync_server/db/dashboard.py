"""What the lead's dashboard and the pay sheet's quality columns read (issue 11): head
revisions, verdicts, gold answers and overlap copies of a time window, each with its UTC day.
``sync_server.quality.dashboard`` computes the figures; ``order_figures`` and ``office_figures``
join the two for the route and the pay sheet, and ``month_pay_sheet`` is the pay sheet with its
quality, as ``GET /paysheet`` answers it and ``aidou-server paysheet`` writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from sync_server.db.clock import as_utc
from sync_server.db.earnings import month_bounds, pay_sheet
from sync_server.db.quality import PAGE_ROWS, _shapes, _testing, order_quality
from sync_server.db.tables import (
    annotations,
    gold_answers,
    items,
    orders,
    reviews,
    users,
)
from sync_server.protocol import PayRow, PaySheet
from sync_server.quality.dashboard import (
    DatedCopy,
    DatedGold,
    Figures,
    Tally,
    add_agreement,
    add_gold,
    add_items,
    add_verdicts,
    per_annotator,
)
from sync_server.quality.gold import GoldAnswer


def _day(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%d")


def office_annotators(conn: Connection, office_id: int) -> dict[int, tuple[str, str]]:
    """Annotator id → (username, display name): whom the figures are about."""
    rows = conn.execute(
        select(users.c.id, users.c.username, users.c.display_name)
        .where(users.c.office_id == office_id, users.c.role == "annotator")
    )  # fmt: skip
    return {user_id: (username, name) for user_id, username, name in rows}


def heads_made(conn: Connection, order_id: int, since: datetime, until: datetime) -> Iterator[tuple[int, str]]:
    """(author, day) of each of the order's items whose head revision was received in [since, until)."""
    head = annotations.alias("head")
    rows = conn.execute(
        select(head.c.annotator_id, head.c.received_at)
        .join(items, items.c.head_annotation_id == head.c.id)
        .where(items.c.order_id == order_id, head.c.received_at >= since, head.c.received_at < until)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        for annotator_id, at in rows:
            yield annotator_id, _day(at)
    finally:
        rows.close()


def verdicts(conn: Connection, order_id: int, since: datetime, until: datetime) -> Iterator[tuple[int, str, str]]:
    """(author of the judged revision, day of the verdict, verdict) of every review given in the window."""
    judged = annotations.alias("judged")
    rows = conn.execute(
        select(judged.c.annotator_id, reviews.c.received_at, reviews.c.verdict)
        .join(judged, judged.c.id == reviews.c.annotation_id)
        .join(items, items.c.id == reviews.c.item_id)
        .where(items.c.order_id == order_id, reviews.c.received_at >= since, reviews.c.received_at < until)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        for annotator_id, at, verdict in rows:
            yield annotator_id, _day(at), verdict
    finally:
        rows.close()


def dated_gold(conn: Connection, order_id: int, since: datetime, until: datetime) -> Iterator[DatedGold]:
    """The order's gold items whose head revision was received in the window, with the known answer
    (an item a training course teaches scores nobody, as in ``sync_server.db.quality``)."""
    head = annotations.alias("head")
    rows = conn.execute(
        select(items.c.id, items.c.name, head.c.annotator_id, head.c.shapes, gold_answers.c.shapes, head.c.received_at)
        .join(gold_answers, gold_answers.c.item_id == items.c.id)
        .join(head, head.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id, head.c.received_at >= since, head.c.received_at < until, _testing())
        .order_by(items.c.id)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        for item_id, name, annotator_id, answer, gold, at in rows:
            yield DatedGold(_day(at), GoldAnswer(item_id, name, annotator_id, _shapes(answer), _shapes(gold)))
    finally:
        rows.close()


def dated_groups(conn: Connection, order_id: int, since: datetime, until: datetime) -> Iterator[list[DatedCopy]]:
    """Every copy of the overlap groups with a copy answered in the window (the others are
    needed to score it against), group by group."""
    head = annotations.alias("head")
    touched = (
        select(items.c.overlap_group)
        .join(head, head.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id, items.c.overlap_group.is_not(None),
               head.c.received_at >= since, head.c.received_at < until)
    )  # fmt: skip
    rows = conn.execute(
        select(items.c.overlap_group, items.c.id, head.c.annotator_id, head.c.shapes, head.c.received_at)
        .outerjoin(head, head.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id, items.c.overlap_group.in_(touched))
        .order_by(items.c.overlap_group, items.c.id)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        group_id, copies = None, []
        for group, item_id, annotator_id, shapes, at in rows:
            if group != group_id:
                if copies:
                    yield copies
                group_id, copies = group, []
            answered = shapes is not None
            copies.append(DatedCopy(item_id, annotator_id if answered else None, _shapes(shapes) if answered else None,
                                    _day(at) if answered else None))  # fmt: skip
        if copies:
            yield copies
    finally:
        rows.close()


def order_figures(conn: Connection, order_id: int, since: datetime, until: datetime, figures: Figures | None = None) -> Figures:
    """The order's figures per (annotator, day) for [since, until), added to ``figures`` if given."""
    figures = {} if figures is None else figures
    order = order_quality(conn, order_id)
    first_day, last_day = _day(since), _day(until - timedelta(microseconds=1))
    add_items(figures, heads_made(conn, order_id, since, until))
    add_verdicts(figures, verdicts(conn, order_id, since, until))
    add_gold(figures, order.task_kind, dated_gold(conn, order_id, since, until), order.iou_threshold)
    add_agreement(figures, order.task_kind, dated_groups(conn, order_id, since, until), first_day, last_day,
                  order.iou_threshold)  # fmt: skip
    return figures


def office_figures(conn: Connection, office_id: int, since: datetime, until: datetime) -> Figures:
    """Every order of the office summed: the pay sheet's month."""
    figures: Figures = {}
    for order_id in conn.execute(select(orders.c.id).where(orders.c.office_id == office_id).order_by(orders.c.id)).scalars().all():
        order_figures(conn, order_id, since, until, figures)
    return figures


def month_pay_sheet(conn: Connection, office_id: int, month: str) -> PaySheet:
    """The month's pay per annotator (``sync_server.db.earnings.pay_sheet``) with each one's
    quality of the month over every order of the office, and everyone's. ValueError for a
    month that is not "YYYY-MM"."""
    pay = pay_sheet(conn, office_id, month)
    quality = per_annotator(office_figures(conn, office_id, *month_bounds(month)))
    everyone = Tally()
    rows = []
    for person in pay:
        tally = quality.get(person.annotator_id, Tally())
        everyone.add(tally)
        rows.append(PayRow(
            person.annotator_id, person.username, person.display_name, person.accepted_items, person.amount_cents,
            dict(person.by_order), tally.accepted + tally.rejected, tally.accept_rate, tally.gold_answered,
            tally.gold_score, tally.agreement_pairs, tally.agreement,
        ))  # fmt: skip
    total = sum(person.amount_cents for person in pay)
    return PaySheet(month, rows, total, everyone.accept_rate, everyone.gold_score, everyone.agreement)
