"""Issue 3, point 10: upgrading with unsynced work in the outbox, and an old client vs a newer server.

Each older schema version is built by running the migrations up to it, filled
the way the app of that version wrote its database (frozen SQL, never the
current code), then opened with today's ``Store`` (which migrates) and synced.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from aidou_desktop.store import Store
from aidou_desktop.store.migrations import MIGRATIONS, migrate
from aidou_desktop.sync import SyncClient, UpdateRequired, sync_once
from aidou_desktop.sync import cli as sync_cli
from aidou_desktop.sync import client as client_module
from sync_server.protocol import to_wire, uuid7
from tests.robustness.helpers import PASSWORDS, stored_annotations

UNSYNCED = 4


def _fill_v1(conn: sqlite3.Connection, url: str, user: str, skip: int = 0) -> list[str]:
    """What the app with schema 0001 left behind: a session, a pulled batch, unsynced work
    (one revision already ``sending`` when the old app was closed). Returns the ids."""
    client = SyncClient(url)
    login = client.login(user, PASSWORDS[user])
    page = client.changes("", 500)
    changes = list(page.changes)
    while page.has_more:  # the demo's text and transcription orders make the feed longer than a page
        page = client.changes(page.cursor, 500)
        changes += page.changes
    j = lambda v: json.dumps(v, ensure_ascii=False)
    settings = {"server_url": url, "token": login.token, "user": to_wire(login.user), "cursor": page.cursor}
    conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", [(k, j(v)) for k, v in settings.items()])
    for change in changes:
        d = change.data
        if change.kind == "order":
            conn.execute("INSERT OR REPLACE INTO orders (id, name, task_kind, data) VALUES (?, ?, ?, ?)",
                         (d["id"], d["name"], d["task_kind"], j(d)))  # fmt: skip
        elif change.kind == "batch":
            conn.execute("INSERT OR REPLACE INTO batches (id, order_id, name, annotator_id, lease_until, data)"
                         " VALUES (?, ?, ?, ?, ?, ?)", (d["id"], d["order_id"], d["name"], d.get("annotator_id"),
                                                        d.get("lease_until"), j(d)))  # fmt: skip
        elif change.kind == "item":
            conn.execute("INSERT OR REPLACE INTO items (id, order_id, batch_id, name, width, height, blob,"
                         " blob_size, display_width, display_height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (d["id"], d["order_id"], d.get("batch_id"), d["name"], d["width"], d["height"],
                          d["blob"], d["blob_size"], d["display_width"], d["display_height"]))  # fmt: skip
    # items no earlier test run annotated on this server: fresh work, not edits of it. The
    # box order has too few for every version: the demo's other orders add more
    item_ids = [r[0] for r in conn.execute("SELECT i.id FROM items i JOIN orders o ON o.id = i.order_id"
                                           " WHERE o.task_kind IN ('bbox', 'text_class', 'polygon', 'ner',"
                                           " 'transcription')"
                                           " ORDER BY i.id LIMIT ? OFFSET ?", (UNSYNCED, skip))]  # fmt: skip
    ids = []
    for n, item_id in enumerate(item_ids):
        ann_id = uuid7()
        kind, order = conn.execute("SELECT o.task_kind, o.data FROM items i JOIN orders o ON o.id = i.order_id"
                                   " WHERE i.id = ?", (item_id,)).fetchone()  # fmt: skip
        schema = json.loads(order)["schema"]
        schema_version = schema["version"]
        if kind == "bbox":
            shapes = [{"kind": "box", "label": "car", "points": [[10 + n, 20], [200, 220]]}]
        elif kind == "polygon":
            shapes = [{"kind": "polygon", "label": schema["labels"][0]["name"], "points": [[10 + n, 20], [200, 20], [100, 220]]}]
        elif kind == "ner":
            shapes = [{"kind": "span", "label": schema["labels"][0]["name"], "points": [[0, 1]]}]
        elif kind == "transcription":
            shapes = [{"kind": "text", "label": schema["labels"][0]["name"], "points": [], "text": "合计 12.50"}]
        else:
            shapes = [{"kind": "class", "label": schema["labels"][0]["name"], "points": []}]
        conn.execute(
            "INSERT INTO annotations (id, item_id, batch_id, base_id, origin, rev, annotator_id, shapes,"
            " time_spent_ms, state, client_time, schema_version, updated_at)"
            " VALUES (?, ?, (SELECT batch_id FROM items WHERE id = ?), NULL, 'local', 1, ?, ?, 900, ?, ?, ?, ?)",
            (ann_id, item_id, item_id, login.user.id, j(shapes), "sending" if n == 0 else "queued",
             "2026-11-01T08:00:00+00:00", schema_version, "2026-11-01T08:00:00+00:00"),
        )  # fmt: skip
        conn.execute("INSERT INTO outbox (annotation_id) VALUES (?)", (ann_id,))
        ids.append(ann_id)
    return ids


def _fill_v3(conn: sqlite3.Connection, url: str, user: str, skip: int = 0) -> list[str]:
    """Schema 0003 keeps the session per user in ``accounts``, not in settings."""
    ids = _fill_v1(conn, url, user, skip)
    settings = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM settings")}
    who = settings["user"]
    conn.execute("INSERT INTO accounts (user_id, username, server_url, token, cursor) VALUES (?, ?, ?, ?, ?)",
                 (who["id"], who["username"], url, settings["token"], settings["cursor"]))  # fmt: skip
    conn.execute("DELETE FROM settings WHERE key IN ('token', 'cursor')")
    conn.execute("UPDATE annotations SET device_id = 'old-pc'")
    return ids


# the filler for each schema version that changed what the app writes; newer versions reuse the last
FILLERS = {1: _fill_v1, 3: _fill_v3}


def _filler(version: int):
    return FILLERS[max(v for v in FILLERS if v <= version)]


def _build_old_database(path, version: int, url: str, user: str) -> list[str]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        assert migrate(conn, MIGRATIONS[:version]) == [name for name, _ in MIGRATIONS[:version]]
        conn.execute("BEGIN")
        ids = _filler(version)(conn, url, user, (version - 1) * UNSYNCED)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return ids


OLDER_VERSIONS = list(range(1, len(MIGRATIONS)))


def test_there_is_an_older_version_to_upgrade_from():
    assert OLDER_VERSIONS, "add the newest migration's predecessor here once there is one"


@pytest.mark.parametrize("version", OLDER_VERSIONS, ids=lambda v: MIGRATIONS[v - 1][0])
def test_upgrade_keeps_and_syncs_unsynced_work(live, tmp_path, version):
    data = tmp_path / "desk"
    data.mkdir()
    user = "anno3"
    ids = _build_old_database(data / "aidou.db", version, live.url, user)

    store = Store(data)  # today's app opens yesterday's database
    assert store.applied_migrations == [name for name, _ in MIGRATIONS[version:]]
    assert store.outbox_count() == UNSYNCED and store.integrity_check() == "ok"
    assert store.current_user().username == user
    report = sync_once(store, SyncClient(live.url, store.session()[1]))
    assert (report.accepted, report.rejected, report.waiting) == (UNSYNCED, 0, 0)
    assert set(stored_annotations(live, ids)) == set(ids)
    store.close()
    assert Store(data).applied_migrations == []  # nothing left to do on the next start


def test_an_old_client_is_told_to_update(live, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 0)  # what an outdated app sends
    with pytest.raises(UpdateRequired) as caught:
        SyncClient(live.url).login("anno1", PASSWORDS["anno1"])
    assert "Please update" in str(caught.value) and "请更新" in str(caught.value)

    data = tmp_path / "desk"
    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 1)
    store = Store(data)
    client = SyncClient(live.url)
    store.remember_login(live.url, PASSWORDS["anno1"], client.login("anno1", PASSWORDS["anno1"]))
    store.close()
    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 0)
    assert sync_cli.main(["--data-dir", str(data), "run", "--quiet"]) == sync_cli.EXIT_UPDATE
    assert "please update" in capsys.readouterr().err.lower()
    with Store(data) as store:
        run = store.last_sync_run()
        assert (run.outcome, run.exit_code) == ("update", 7) and "Please update" in run.message
