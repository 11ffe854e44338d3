"""A push takes the next rows while the server works on a request, and still sends in order.

One after the other, the client's work (taking rows from the outbox, encoding them,
storing the answers) and the server's made a 10,000-revision push about twice as long
as the server's share of it. Now the next rows are taken while a request is with the
server, and its answer is stored while the next request is. The requests still leave
one at a time, in the outbox's order: a revision must reach the server after the one
it was edited from, or the server keeps it as a conflict for the lead.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import time

from aidou_desktop.model import box_shape
from aidou_desktop.sync import NO_RETRY, RetryPolicy, SyncClient
from aidou_desktop.sync.engine import push_outbox
from sync_server.protocol import LoginResponse
from tests.desktop.conftest import ANNOTATOR, demo_changes
from tests.desktop.fake_server import FakeServer, json_reply


def _logged_in(store, items: int):
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(items), "7")
    return store


def _save(store, item_id: int, x: int = 1):
    return store.save_shapes(item_id, [box_shape("car", x, 1, 9, 9)])


class OrderedServer:
    """Stores pushes by id; a revision whose base it does not hold yet is a conflict, as on
    the real server. ``before_answer(records)`` runs before each answer."""

    def __init__(self, before_answer=None):
        self.stored: dict[str, dict] = {}
        self.received: list[list[str]] = []  # the ids of each push it answered
        self.before_answer = before_answer

    def __call__(self, req):
        if not req.path.startswith("/api/v1/push"):
            return json_reply(404, {"code": "not_found", "message": req.path})
        records = json.loads(gzip.decompress(req.body))["annotations"]
        if self.before_answer and self.before_answer(records) is False:
            return json_reply(503, {"code": "lost", "message": "this request is never answered"})
        self.received.append([r["id"] for r in records])
        results = []
        for r in records:
            if r["base_id"] is not None and r["base_id"] not in self.stored:
                results.append({"id": r["id"], "status": "conflict", "reason": "base unknown", "code": "not_head"})
            else:
                results.append({"id": r["id"], "status": "accepted"})
            self.stored[r["id"]] = r
        return json_reply(200, {"results": results})


def test_the_next_rows_are_taken_while_the_server_works_on_a_request(store, monkeypatch):
    monkeypatch.setattr("aidou_desktop.sync.engine.MAX_PUSH_RECORDS", 4)
    _logged_in(store, 12)
    saved = [_save(store, item_id).id for item_id in range(100, 112)]
    database = store.db.conn.execute("PRAGMA database_list").fetchone()[2]
    taken_meanwhile: list[int] = []

    def watch_the_pc(records) -> None:
        # while this request is here, the PC may mark its next rows sending (a second
        # connection to its database, as another process would read it)
        if taken_meanwhile:
            return  # the first request tells; the rest answer at once
        with sqlite3.connect(database) as peek:
            deadline = time.monotonic() + 3
            while True:
                sending = peek.execute("SELECT count(*) FROM annotations WHERE state = 'sending'").fetchone()[0]
                if sending > len(records) or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        taken_meanwhile.append(sending - len(records))

    server = OrderedServer(watch_the_pc)
    with FakeServer(server) as srv:
        report = push_outbox(store, SyncClient(srv.url, "tok"), policy=NO_RETRY)
    assert taken_meanwhile == [4]  # the second request's rows, taken before the first was answered
    assert [i for ids in server.received for i in ids] == saved  # one at a time, in the outbox's order
    assert [len(ids) for ids in server.received] == [4, 4, 4]
    assert (report.pushed, report.accepted, report.conflicts, report.waiting) == (12, 12, 0, 0)
    assert store.outbox_count() == 0


def test_after_a_failed_request_its_rest_goes_before_the_rows_taken_meanwhile(store, monkeypatch):
    monkeypatch.setattr("aidou_desktop.sync.engine.MAX_PUSH_RECORDS", 4)
    _logged_in(store, 5)
    first = [_save(store, item_id).id for item_id in (100, 101, 102, 104)]
    store.take_outbox(10)  # an earlier push sent them, its answer never came: they are ``sending``
    edit = _save(store, 104, x=2)  # so an edit of 104 is a new revision, based on the one sent
    assert edit.base_id == first[3]
    last = _save(store, 103).id
    # outbox: 100, 101, 102, 104 | 104 edited, 103. The first request (4 rows) is lost on
    # the way, the sizer halves, the retry carries 100 and 101: 102 and the first 104 must
    # then go before the edit of 104 the client took while the lost request was out.
    lost = []

    def lose_the_first(records):
        if not lost:
            lost.append(len(records))
            return False
        return None

    server = OrderedServer(lose_the_first)
    quick = RetryPolicy(attempts=3, base_s=0.001, cap_s=0.001)
    with FakeServer(server) as srv:
        report = push_outbox(store, SyncClient(srv.url, "tok"), policy=quick)
    assert lost == [4]
    assert server.received == [first[:2], [first[2], first[3], edit.id, last]]
    assert (report.accepted, report.conflicts, report.waiting) == (6, 0, 0)
