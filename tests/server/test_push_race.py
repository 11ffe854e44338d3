"""Pushes racing on one item: exactly one becomes the head, the rest are kept as conflicts
(ADR 0014), on each engine. On PostgreSQL the push locks its items before it reads their
heads (``sync_server.db.locks``); without that, READ COMMITTED lets every racer read the
same head and "apply", one silently overwriting the others."""

from __future__ import annotations

from sqlalchemy import select

from sync_server.db.accounts import user_info
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.push import apply_push
from sync_server.db.tables import annotations, items
from sync_server.protocol import ACCEPTED, CONFLICT, AnnotationRecord, PushResult, Shape, uuid7
from tests.all_at_once import all_at_once

RACERS = 6


def test_racing_pushes_on_one_item_make_one_head_and_keep_the_rest(engine, world):
    item_id = world.batch1_items[0]
    with read_connection(engine) as conn:
        anno1 = user_info(conn, world.anno1)
    records = [
        AnnotationRecord(uuid7(), item_id, None, None, [Shape("box", "car", [[1 + n, 1], [40, 30]])],
                         time_spent_ms=100 * n, device_id=f"pc-{n}")  # fmt: skip
        for n in range(RACERS)
    ]

    def push(record: AnnotationRecord) -> tuple[str, PushResult]:
        with write_transaction(engine) as conn:  # one account on six PCs, all from the same base
            [answer] = apply_push(conn, anno1, [record])
        return record.id, answer

    results, errors = all_at_once(push, [(r,) for r in records])
    assert not errors, errors
    answers = dict(results)
    statuses = sorted(a.status for a in answers.values())
    assert statuses == [ACCEPTED] + [CONFLICT] * (RACERS - 1)
    [winner] = [i for i, a in answers.items() if a.status == ACCEPTED]
    with read_connection(engine) as conn:
        head = conn.execute(select(items.c.head_annotation_id).where(items.c.id == item_id)).scalar()
        stored = dict(conn.execute(select(annotations.c.id, annotations.c.conflict)
                                   .where(annotations.c.item_id == item_id)).all())  # fmt: skip
    assert head == winner
    assert stored == {r.id: r.id != winner for r in records}  # every one kept, the losers as conflicts
