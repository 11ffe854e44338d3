"""Named schema migrations of the local database.

Each migration runs in its own transaction together with the row that records
it in ``migrations``, so a crash mid-upgrade leaves it pending, never half done.
Never edit a migration that has shipped: add a new one at the end.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


def _run(conn: sqlite3.Connection, statements: list[str]) -> None:
    # one statement at a time: executescript() would COMMIT behind our back
    for sql in statements:
        conn.execute(sql)


def m0001_initial(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        [
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE credentials (
                username TEXT PRIMARY KEY,
                server_url TEXT NOT NULL,
                password_hash TEXT NOT NULL,  -- argon2id, for offline login
                user_json TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            # orders/batches keep the full wire record in ``data``; the columns are for queries
            """CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                task_kind TEXT NOT NULL,
                data TEXT NOT NULL)""",
            """CREATE TABLE batches (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL,
                name TEXT NOT NULL,
                annotator_id INTEGER,
                lease_until TEXT,
                data TEXT NOT NULL)""",
            "CREATE INDEX batches_annotator ON batches(annotator_id)",
            """CREATE TABLE items (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL,
                batch_id INTEGER,
                name TEXT NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                blob TEXT NOT NULL,
                blob_size INTEGER NOT NULL,
                display_width INTEGER NOT NULL,
                display_height INTEGER NOT NULL,
                text TEXT,
                ready INTEGER NOT NULL DEFAULT 0)  -- 1 once the blob is committed""",
            "CREATE INDEX items_batch ON items(batch_id, id)",
            "CREATE INDEX items_blob ON items(blob)",
            # local revisions (origin 'local', numbered by rev per item) and the
            # read-only history other people wrote (origin 'server', from the feed)
            """CREATE TABLE annotations (
                id TEXT PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items(id),
                batch_id INTEGER,
                base_id TEXT,
                origin TEXT NOT NULL CHECK (origin IN ('local', 'server')),
                rev INTEGER,
                annotator_id INTEGER,
                shapes TEXT NOT NULL,
                time_spent_ms INTEGER NOT NULL DEFAULT 0,
                state TEXT NOT NULL
                    CHECK (state IN ('queued', 'sending', 'synced', 'conflict', 'rejected')),
                reason TEXT,
                client_time TEXT,
                schema_version INTEGER,
                received_at TEXT,
                feed_seq INTEGER,
                updated_at TEXT NOT NULL)""",
            "CREATE UNIQUE INDEX annotations_local_rev ON annotations(item_id, rev) WHERE origin = 'local'",
            "CREATE INDEX annotations_item_feed ON annotations(item_id, feed_seq)",
            "CREATE INDEX annotations_state ON annotations(state)",
            # seq keeps upload order: an old revision is re-sent before the one based on it
            """CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                annotation_id TEXT NOT NULL UNIQUE REFERENCES annotations(id) ON DELETE CASCADE)""",
            """CREATE TABLE blobs (
                sha TEXT PRIMARY KEY,
                size INTEGER NOT NULL,
                path TEXT NOT NULL,  -- relative to DATA/blobs
                committed_at TEXT NOT NULL)""",
        ],
    )


def m0002_quarantine_and_sync_runs(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        [
            # feed records this version could not apply (ADR 9): kept raw, with the reason,
            # and tried again on every pull, so an upgrade can still apply them
            """CREATE TABLE quarantine (
                seq INTEGER PRIMARY KEY,  -- the change's position in the server's feed
                kind TEXT NOT NULL,
                entity_id TEXT,  -- data.id as text: a later change to the same entity supersedes it
                data TEXT NOT NULL,  -- the change's data exactly as received (JSON)
                reason TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 1,
                first_seen TEXT NOT NULL,
                last_tried TEXT NOT NULL)""",
            "CREATE INDEX quarantine_entity ON quarantine(kind, entity_id)",
            # one row per sync run (aidou-sync or the app): the app shows the last outcome
            """CREATE TABLE sync_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                source TEXT NOT NULL,  -- 'cli' (aidou-sync, e.g. scheduled) or 'app'
                pid INTEGER NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,  -- NULL while running, or when the run was killed
                outcome TEXT,  -- ok, offline, auth, attention, error, busy, update, disk_full
                exit_code INTEGER,
                pushed INTEGER NOT NULL DEFAULT 0,
                pulled INTEGER NOT NULL DEFAULT 0,
                waiting INTEGER NOT NULL DEFAULT 0,
                message TEXT)""",
        ],
    )


def m0003_accounts_devices_and_standing(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        [
            # per user on a shared PC (ADR 0015): each user's token, feed position and the
            # server database it belongs to; sync runs only with the owner's own token
            """CREATE TABLE accounts (
                user_id INTEGER PRIMARY KEY,
                username TEXT NOT NULL,
                server_url TEXT NOT NULL,
                token TEXT,  -- NULL: logged out, or only ever logged in offline
                cursor TEXT NOT NULL DEFAULT '',
                server_id TEXT,  -- the server database the cursor belongs to
                last_sync TEXT)""",
            # which desktop install made a revision (ADR 0014)
            "ALTER TABLE annotations ADD COLUMN device_id TEXT",
            # the server's word on a revision (ADR 0014): NULL, 'conflict' (never anyone's
            # base) or 'resolved' (a lead settled the conflict)
            "ALTER TABLE annotations ADD COLUMN server_status TEXT",
            # 1 once the server is known to hold this revision (its echo came in the feed,
            # or it said so when asked): reconciliation re-sends the rest (ADR 0013)
            "ALTER TABLE annotations ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0",
            "UPDATE annotations SET confirmed = 1 WHERE feed_seq IS NOT NULL",
            "CREATE INDEX annotations_unconfirmed ON annotations(annotator_id) WHERE confirmed = 0 AND origin = 'local'",
        ],
    )
    # the single session of earlier versions becomes its user's account
    settings = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    user = json.loads(settings["user"]) if "user" in settings else None
    url = json.loads(settings["server_url"]) if "server_url" in settings else None
    if user and url:
        token = json.loads(settings["token"]) if "token" in settings else None
        cursor = json.loads(settings["cursor"]) if "cursor" in settings else ""
        last_sync = json.loads(settings["last_sync"]) if "last_sync" in settings else None
        conn.execute(
            "INSERT INTO accounts (user_id, username, server_url, token, cursor, last_sync) VALUES (?, ?, ?, ?, ?, ?)",
            (user["id"], user["username"], url, token, cursor or "", last_sync),
        )
    conn.execute("DELETE FROM settings WHERE key IN ('token', 'cursor', 'last_sync')")
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES ('device_id', ?)", (json.dumps(str(uuid.uuid4())),)
    )


def m0004_reviews(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        [
            # a lead's verdicts: made here (origin 'local', sent through review_outbox, never
            # edited: a new verdict is a new review) or read from the feed (origin 'server')
            """CREATE TABLE reviews (
                id TEXT PRIMARY KEY,
                annotation_id TEXT NOT NULL,
                item_id INTEGER NOT NULL,
                reviewer_id INTEGER,
                verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject')),
                comment TEXT,
                origin TEXT NOT NULL CHECK (origin IN ('local', 'server')),
                state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'synced', 'rejected')),
                reason TEXT,
                client_time TEXT,
                device_id TEXT,
                received_at TEXT,
                feed_seq INTEGER,
                created_at TEXT NOT NULL)""",
            "CREATE INDEX reviews_annotation ON reviews(annotation_id, created_at)",
            "CREATE INDEX reviews_item ON reviews(item_id, created_at)",
            """CREATE TABLE review_outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                review_id TEXT NOT NULL UNIQUE REFERENCES reviews(id) ON DELETE CASCADE)""",
        ],
    )


def m0005_annotation_flags(conn: sqlite3.Connection) -> None:
    # the annotator's note for the lead on a revision ("not sure", "image unclear"); NULL = none.
    # Part of the revision's content: it travels in pushes and in the feed like the shapes
    _run(conn, ["ALTER TABLE annotations ADD COLUMN flag TEXT"])


def m0006_batch_progress_indexes(conn: sqlite3.Connection) -> None:
    # issue 12: the home list's counts and the item a batch opens at, answered from indexes
    # alone (store/batches.py) on a PC holding 100,000 revisions
    _run(
        conn,
        [
            # "has this item a revision that counts?": origin, whose and standing, per item
            "CREATE INDEX annotations_item_origin ON annotations(item_id, origin, annotator_id, server_status)",
            # a batch's items, downloaded or not, in item order
            "CREATE INDEX items_batch_ready ON items(batch_id, ready, id)",
        ],
    )


def m0007_compact_read(conn: sqlite3.Connection) -> None:
    # 1 while the user's first read of the feed, a compact one (ADR 0021), is under way: a
    # read cut short by a dropped link carries on compact, not as a replay of all history
    _run(conn, ["ALTER TABLE accounts ADD COLUMN compact_read INTEGER NOT NULL DEFAULT 0"])


def m0009_ocr(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        [
            # issue 8: what the PC's OCR read on a transcription item's image, made in the
            # background before the annotator opens it; ``lines`` is a JSON list of
            # {"text", "box" [[x1, y1], [x2, y2]] in original image pixels, "score"}, reading order
            """CREATE TABLE ocr_suggestions (
                item_id INTEGER PRIMARY KEY,
                lines TEXT NOT NULL,
                made_at TEXT NOT NULL)""",
            # the revision's character error rate against that suggestion (AnnotationRecord.ocr_cer);
            # NULL: no suggestion existed when it was saved
            "ALTER TABLE annotations ADD COLUMN ocr_cer REAL",
        ],
    )


def m0010_rejection_codes(conn: sqlite3.Connection) -> None:
    # why the server answered as it did, for the PC to word it in Chinese: the answer's code
    # (REJECT_* for a rejection, CONFLICT_* for a conflict; NULL from a server too old to
    # send one) and a rejection's params as a JSON object. ``reason`` keeps the server's
    # English for the log; it never reaches the screen
    _run(
        conn,
        [
            "ALTER TABLE annotations ADD COLUMN reason_code TEXT",
            "ALTER TABLE annotations ADD COLUMN reason_params TEXT",
        ],
    )


def m0011_training(conn: sqlite3.Connection) -> None:
    # training courses (ADR 0027): each kept whole as the server sent it (order, lessons,
    # expected answers), so a trainee works and is scored offline. An attempt is made here,
    # answer by answer, and waits in ``training_attempts`` until the server has it
    _run(
        conn,
        [
            """CREATE TABLE courses (
                id INTEGER PRIMARY KEY,
                task_kind TEXT NOT NULL,
                data TEXT NOT NULL)""",
            """CREATE TABLE training_attempts (
                id TEXT PRIMARY KEY,  -- UUIDv7, stored once on the server however often sent
                user_id INTEGER NOT NULL,
                course_id INTEGER NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,  -- NULL: still being taken; then it waits to be sent
                score REAL,  -- this PC's scoring; the server scores again
                passed INTEGER NOT NULL DEFAULT 0,
                sent INTEGER NOT NULL DEFAULT 0)""",
            "CREATE INDEX training_attempts_user ON training_attempts(user_id, course_id)",
            """CREATE TABLE training_answers (
                attempt_id TEXT NOT NULL,
                item_id INTEGER NOT NULL,
                shapes TEXT NOT NULL,
                score REAL,  -- set when the trainee checked the answer
                PRIMARY KEY (attempt_id, item_id))""",
            """CREATE TABLE certificates (
                user_id INTEGER NOT NULL,
                task_kind TEXT NOT NULL,
                course_id INTEGER NOT NULL,
                score REAL NOT NULL,
                certified_at TEXT,  -- the server's clock; NULL: passed here, not confirmed yet
                PRIMARY KEY (user_id, task_kind))""",
        ],
    )


def m0012_overlap_groups(conn: sqlite3.Connection) -> None:
    # overlap (ADR 0026): copies of one item that several annotators do share the first
    # copy's id here (Item.overlap_group), so a lead's PC sets them side by side and sorts
    # its queue by how far they disagree; NULL for an ordinary item. Items stored before
    # this learn their group only when the feed sends them again
    _run(
        conn,
        [
            "ALTER TABLE items ADD COLUMN overlap_group INTEGER",
            "CREATE INDEX items_overlap_group ON items(overlap_group, id) WHERE overlap_group IS NOT NULL",
        ],
    )


def m0013_read_again_for_overlap_groups(conn: sqlite3.Connection) -> None:
    # copies of one item share its order and name. Copies stored without a group came from
    # a feed this PC read before 0012, or read with a version that passed over the field:
    # its accounts read their feeds once more from the start (compact where it can, ADR
    # 0021), and the rows the server logs again (its revision 0006) bring the groups. The
    # server is the same database: nothing it holds stops counting as held (unlike ADR 0013)
    copies_without_group = conn.execute(
        "SELECT 1 FROM items WHERE overlap_group IS NULL GROUP BY order_id, name HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if copies_without_group:
        _run(conn, ["UPDATE accounts SET cursor = ''"])


def m0014_local_saves_by_time(conn: sqlite3.Connection) -> None:
    # the home page counts the items first saved today and this week after every sync: from
    # this week's saves, not by grouping every revision the PC holds (180 ms at 100,000)
    _run(conn, ["CREATE INDEX annotations_local_saved ON annotations(annotator_id, client_time) WHERE origin = 'local'"])


MIGRATIONS: list[Migration] = [
    ("0001_initial", m0001_initial),
    ("0002_quarantine_and_sync_runs", m0002_quarantine_and_sync_runs),
    ("0003_accounts_devices_and_standing", m0003_accounts_devices_and_standing),
    ("0004_reviews", m0004_reviews),
    ("0005_annotation_flags", m0005_annotation_flags),
    ("0006_batch_progress_indexes", m0006_batch_progress_indexes),
    ("0007_compact_read", m0007_compact_read),
    ("0009_ocr", m0009_ocr),
    ("0010_rejection_codes", m0010_rejection_codes),
    ("0011_training", m0011_training),
    ("0012_overlap_groups", m0012_overlap_groups),
    ("0013_read_again_for_overlap_groups", m0013_read_again_for_overlap_groups),
    ("0014_local_saves_by_time", m0014_local_saves_by_time),
]


def applied(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied now (empty when up to date)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = []
    for name, fn in migrations if migrations is not None else MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # checked inside the transaction: two processes opening at once apply it once
            if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("COMMIT")
                continue
            fn(conn)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(timezone.utc).isoformat()),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        done.append(name)
    return done
