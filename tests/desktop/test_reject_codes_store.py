"""A refused revision keeps the server's code and params with it (``annotations.reason_code``,
``reason_params``, migration 0010), for the screen to word in Chinese; an older server's
answer without a code keeps none, and the English reason stays for the log only."""

from __future__ import annotations

import sqlite3

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.store.migrations import MIGRATIONS, migrate
from sync_server.protocol import REJECT_BOX_OUTSIDE, Problem, PushResult, rejection


def car(x: float = 10) -> list:
    return [box_shape("car", x, 10, x + 100, 110)]


def test_a_rejection_keeps_its_code_and_params(seeded):
    ids = {i: seeded.save_shapes(i, car()).id for i in (100, 101, 102, 103)}
    seeded.take_outbox(10)
    outside = Problem(REJECT_BOX_OUTSIDE, "box lies outside the 120×80 image", width=120, height=80).at_shape(0)
    seeded.store_push_results([
        rejection(ids[100], outside),
        PushResult(ids[101], "rejected", "box has zero or negative size"),  # an older server: no code
        PushResult(ids[102], "conflict", "batch 3 went to another annotator …", "lease_moved"),
        PushResult(ids[103], "accepted"),
    ])  # fmt: skip
    refused, old = sorted(seeded.rejected(), key=lambda a: a.item_id)
    assert (refused.reason_code, refused.reason_params) == ("box_outside", {"width": 120, "height": 80, "shape": 1})
    assert refused.reason == "shape 1: box lies outside the 120×80 image"  # English, for the log
    assert (old.reason_code, old.reason_params, old.reason) == (None, None, "box has zero or negative size")
    [conflict] = seeded.conflicts()
    assert (conflict.reason_code, conflict.reason_params) == ("lease_moved", None)
    accepted = seeded.annotation(103)
    assert (accepted.state, accepted.reason, accepted.reason_code, accepted.reason_params) == ("synced", None, None, None)
    # the fix is a new revision: no reason, no code
    fixed = seeded.save_shapes(100, car(5))
    assert (fixed.state, fixed.reason_code, fixed.reason_params) == ("queued", None, None)


def test_an_older_database_gets_the_columns_and_keeps_its_rejections(tmp_path):
    data = tmp_path / "old"
    data.mkdir()
    conn = sqlite3.connect(data / "aidou.db", isolation_level=None)
    before = [m for m in MIGRATIONS if m[0] != "0010_rejection_codes"]
    migrate(conn, before)
    conn.execute("INSERT INTO items (id, order_id, batch_id, name, width, height, blob, blob_size, display_width,"
                 " display_height) VALUES (7, 1, 1, 'a.jpg', 100, 100, '', 0, 100, 100)")  # fmt: skip
    conn.execute("INSERT INTO annotations (id, item_id, batch_id, origin, rev, annotator_id, shapes, state, reason,"
                 " updated_at) VALUES ('r1', 7, 1, 'local', 1, 5, '[]', 'rejected', 'box has zero or negative size',"
                 " '2026-11-25T10:00:00+00:00')")  # fmt: skip
    conn.close()
    with Store(data) as store:
        assert "0010_rejection_codes" in store.applied_migrations
        [old] = store.rejected()
        assert (old.reason, old.reason_code, old.reason_params) == ("box has zero or negative size", None, None)
