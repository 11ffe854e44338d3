"""Revision 0006: a server that made overlap copies and IoU thresholds before its feed
carried them (revisions 0004 and 0005) tells the leads' PCs again, in new feed rows,
without changing a row already read (cursors stay good) and only once."""

from __future__ import annotations

from quality_helpers import make_overlap_order
from server_helpers import auth
from sqlalchemy import func, select, text, update

from sync_server.db import tables
from sync_server.db.engine import make_engine, write_transaction
from sync_server.protocol import CHANGE_ITEM, CHANGE_ORDER


def _as_a_0005_server_wrote_it(engine) -> None:
    """The feed rows of items and orders without the fields revision 0005's wire lacked,
    and the database marked as at 0005."""
    with write_transaction(engine) as conn:
        for seq, kind, data in conn.execute(select(tables.changes.c.seq, tables.changes.c.kind, tables.changes.c.data)
                                            .where(tables.changes.c.kind.in_([CHANGE_ITEM, CHANGE_ORDER]))).all():  # fmt: skip
            old = {k: v for k, v in data.items() if k not in ("overlap_group", "iou_threshold")}
            if old != data:
                conn.execute(update(tables.changes).where(tables.changes.c.seq == seq).values(data=old))
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))


def _read_all(client, token: str, cursor: str = "", compact: bool = True) -> tuple[list[dict], str]:
    seen = []
    while True:
        params = {"since": cursor, "limit": 500, **({"compact": "true"} if compact else {})}
        answer = client.get("/api/v1/changes", params=params, headers=auth(token))
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return seen, cursor


def _newest(changes: list[dict], kind: str) -> dict[int, dict]:
    return {c["data"]["id"]: c["data"] for c in changes if c["kind"] == kind}


def _feed_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tables.changes)).scalar_one()


def test_copies_and_thresholds_made_before_the_feed_carried_them_reach_a_lead(engine, data_dir, world, client,
                                                                              tokens):  # fmt: skip
    made = make_overlap_order(engine, data_dir, world.office, images=3, copies=3, batch_size=2, iou=0.8)
    _as_a_0005_server_wrote_it(engine)
    before, cursor = _read_all(client, tokens["lead"], compact=False)  # a lead's PC that synced before the upgrade
    assert all("overlap_group" not in data for data in _newest(before, CHANGE_ITEM).values())
    rows_before = _feed_rows(engine)

    make_engine(engine.url).dispose()  # the server started again, upgraded: opening migrates

    later, _ = _read_all(client, tokens["lead"], cursor=cursor, compact=False)  # its cursor is still good
    items, orders = _newest(later, CHANGE_ITEM), _newest(later, CHANGE_ORDER)
    copies = {copy: group for group, members in made.groups.items() for copy in members}
    assert {i: data["overlap_group"] for i, data in items.items()} == copies
    assert orders[made.order]["iou_threshold"] == 0.8
    assert orders[made.order]["name"] == _newest(before, CHANGE_ORDER)[made.order]["name"]  # the rest as it was
    assert all(c["kind"] in (CHANGE_ITEM, CHANGE_ORDER) for c in later)

    first_sync, _ = _read_all(client, tokens["lead"])  # a new PC's compact first sync sees them too
    assert {i: d.get("overlap_group") for i, d in _newest(first_sync, CHANGE_ITEM).items() if i in copies} == copies

    added = _feed_rows(engine) - rows_before
    assert added == len(copies) + 1
    with write_transaction(engine) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    make_engine(engine.url).dispose()  # run again: every newest row says it already
    assert _feed_rows(engine) - rows_before == added
