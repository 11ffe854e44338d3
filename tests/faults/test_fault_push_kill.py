"""The sync client SIGKILLed at each point of a push (issue 3, item 1, and item 2).

A child process runs the real ``aidou-sync run`` against the real server through
the fault proxy; the test kills it (a) before the request is sent, (b) while the
request is in flight, (c) after the server committed but before the answer was
stored. After a restart and one more sync, the server's own database holds every
revision exactly once and the outbox is empty.
"""

from __future__ import annotations

import signal

from aidou_desktop.store import Store
from aidou_desktop.sync import sync_once
from tests.faults.helpers import (
    batch_item_ids,
    driver,
    local_ids,
    login,
    my_batch,
    run_driver,
    save_boxes,
    wait_for,
)
from tests.faults.world import server_annotation_ids


def prepare(tmp_path, proxy, user: str) -> tuple[object, list[str]]:
    """A desk with 20 saved items, 8 of them edited again while their first push was
    unacknowledged (rows ``sending``): 28 revisions wait."""
    data = tmp_path / user
    store, client = login(data, proxy.url, user)
    sync_once(store, client)
    items = batch_item_ids(store, my_batch(store))
    first = save_boxes(store, items)
    in_flight = store.take_outbox(8)  # handed to the network, never answered
    edits = save_boxes(store, items[:8], n=5)
    # item 2: an edit of a revision whose push is unacknowledged names the one it replaces
    assert [store.annotation(i).base_id for i in items[:8]] == [r.id for r in in_flight]
    assert set(edits).isdisjoint(first)
    store.close()
    client.close()
    return data, first + edits


def finish_and_check(data, server, expected: list[str]) -> None:
    done = run_driver("run", str(data))
    assert done.returncode == 0, done.stderr
    with Store(data) as store:
        assert store.outbox_count() == 0
        assert sorted(local_ids(store)) == sorted(expected)
        assert all(r[0] == "synced" for r in store.db.execute("SELECT state FROM annotations WHERE origin = 'local'"))
    stored = server_annotation_ids(server.data_dir)
    assert {i: stored[i] for i in expected} == {i: 1 for i in expected}


def kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def test_killed_before_send(tmp_path, server, proxy):
    data, expected = prepare(tmp_path, proxy, "anno1")
    child = driver("run", str(data), env={"FAULT_PAUSE_BEFORE_PUSH": "1"})
    line = child.stdout.readline()
    assert line.startswith("PUSH_READY"), child.stderr.read()
    kill(child)
    assert not proxy.finished("/api/v1/push")
    stored = server_annotation_ids(server.data_dir)
    assert not any(stored[i] for i in expected)  # nothing left the PC
    with Store(data) as store:
        assert store.outbox_count() == len(expected)  # nothing lost
    finish_and_check(data, server, expected)


def test_killed_mid_request(tmp_path, server, proxy):
    data, expected = prepare(tmp_path, proxy, "anno2")
    proxy.rate_up = 300  # bytes/s: the push body trickles towards the server
    child = driver("run", str(data))
    wait_for(lambda: [e for e in proxy.exchanges if e.path == "/api/v1/push" and e.up_bytes > 200],
             timeout=30, what="a push in flight")  # fmt: skip
    kill(child)
    assert not proxy.finished("/api/v1/push")  # no answer came back
    stored = server_annotation_ids(server.data_dir)
    assert not any(stored[i] for i in expected)  # half a request stores nothing
    proxy.rate_up = None
    finish_and_check(data, server, expected)


def test_killed_after_commit_before_answer_stored(tmp_path, server, proxy):
    data, expected = prepare(tmp_path, proxy, "anno3")
    proxy.drop_responses(1, "/api/v1/push", "hold")  # the server answers; the client never hears it
    child = driver("run", str(data))
    wait_for(lambda: [e for e in proxy.exchanges if e.fault == "held"], timeout=30, what="a held answer")
    stored = server_annotation_ids(server.data_dir)
    assert {i: stored[i] for i in expected} == {i: 1 for i in expected}  # committed
    kill(child)
    with Store(data) as store:
        assert store.outbox_count() == len(expected)  # but not known to be: all still wait
    finish_and_check(data, server, expected)  # the resend answers "duplicate": still one copy


def test_resend_after_kill_reports_duplicates(tmp_path, server, proxy):
    """After (c) the resend is answered ``duplicate``, never stored twice (checked in-process)."""
    user = "anno1"
    data, expected = prepare(tmp_path / "again", proxy, user)
    proxy.drop_responses(1, "/api/v1/push", "hold")
    child = driver("run", str(data))
    wait_for(lambda: [e for e in proxy.exchanges if e.fault == "held"], timeout=30, what="a held answer")
    kill(child)
    store, client = login(data, proxy.url, user)
    report = sync_once(store, client)
    assert report.duplicates == len(expected) and report.accepted == 0 and report.waiting == 0
    store.close()
