"""What the office pays for: accepted items × the order's price, per annotator and month.

An item counts once, in the month its current head revision was accepted. The
credit goes to the annotator who made that revision; when it is a lead's
correction (the lead edited and accepted), to the annotator whose revision the
correction was based on: the work was theirs, the lead only mended it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Connection, and_, func, select

from sync_server.db.clock import as_utc
from sync_server.db.tables import annotations, items, orders, users


@dataclass
class PayRow:
    annotator_id: int
    username: str
    display_name: str
    accepted_items: int = 0
    amount_cents: int = 0
    by_order: dict[str, int] = field(default_factory=dict)  # order name -> accepted items


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) in UTC for "YYYY-MM"; ValueError otherwise."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def pay_sheet(conn: Connection, office_id: int, month: str) -> list[PayRow]:
    """One row per annotator of the office (those with nothing accepted too), by username."""
    start, end = month_bounds(month)
    head, base = annotations.alias("head"), annotations.alias("base")
    author, base_author = users.alias("author"), users.alias("base_author")
    credited = select(
        items.c.id,
        orders.c.name,
        orders.c.price_cents,
        author.c.id.label("author_id"),
        author.c.role.label("author_role"),
        base_author.c.id.label("base_author_id"),
        base_author.c.role.label("base_role"),
    ).select_from(
        items.join(orders, orders.c.id == items.c.order_id)
        .join(head, head.c.id == items.c.head_annotation_id)
        .join(author, author.c.id == head.c.annotator_id)
        .outerjoin(base, base.c.id == head.c.base_id)
        .outerjoin(base_author, base_author.c.id == base.c.annotator_id)
    ).where(
        orders.c.office_id == office_id,
        items.c.review_verdict == "accept",
        items.c.review_annotation_id == items.c.head_annotation_id,
        items.c.reviewed_at >= start,
        items.c.reviewed_at < end,
    )
    people = {
        row.id: PayRow(row.id, row.username, row.display_name)
        for row in conn.execute(
            select(users.c.id, users.c.username, users.c.display_name).where(
                users.c.office_id == office_id, users.c.role == "annotator"
            )
        )
    }
    for row in conn.execute(credited):
        if row.author_role == "annotator":
            who = row.author_id
        elif row.base_role == "annotator":
            who = row.base_author_id
        else:
            continue  # a lead's own work on an item nobody annotated: not an annotator's pay
        pay = people.get(who)
        if pay is None:
            continue
        pay.accepted_items += 1
        pay.amount_cents += row.price_cents
        pay.by_order[row.name] = pay.by_order.get(row.name, 0) + 1
    return sorted(people.values(), key=lambda p: p.username)


def throughput(conn: Connection, office_id: int, since: datetime, until: datetime) -> dict[tuple[int, str], int]:
    """(annotator id, "YYYY-MM-DD") -> items they first annotated that day (UTC), stored without conflict."""
    first = (
        select(annotations.c.annotator_id, annotations.c.item_id, func.min(annotations.c.received_at).label("at"))
        .join(items, items.c.id == annotations.c.item_id)
        .join(orders, and_(orders.c.id == items.c.order_id, orders.c.office_id == office_id))
        .where(annotations.c.conflict.is_(False))
        .group_by(annotations.c.annotator_id, annotations.c.item_id)
        .subquery()
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for annotator_id, _item, at in conn.execute(select(first).where(first.c.at >= since, first.c.at < until)):
        counts[(annotator_id, as_utc(at).strftime("%Y-%m-%d"))] += 1
    return dict(counts)
