"""``Store``: the desktop's local database, outbox and blob cache (see docs/interfaces.md)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from aidou_desktop.model import Annotation, BatchSummary, Item, Order, QuarantinedChange, SyncRun, UserInfo
from aidou_desktop.model.domain import CONFLICTED, REJECTED
from aidou_desktop.store import annotations as ann
from aidou_desktop.store import feed, runs
from aidou_desktop.store.blobs import BlobDir, check_sha
from aidou_desktop.store.db import Writer, one, open_database, rows, scalar
from aidou_desktop.store.errors import DiskFull, is_disk_full
from aidou_desktop.store.migrations import migrate
from aidou_desktop.store.paths import DB_NAME
from aidou_desktop.store.rows import annotation_from_row, dumps, item_from_row, now_iso, record_from_row
from sync_server.protocol import AnnotationRecord, Change, LoginResponse, PushResult, Shape, from_wire, to_wire

log = logging.getLogger(__name__)

# settings keys
SERVER_URL = "server_url"
TOKEN = "token"
USER = "user"
CURSOR = "cursor"
LAST_SYNC = "last_sync"


class Store:
    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / DB_NAME
        self.db = open_database(self.path)  # sqlite_utils.Database
        self._w = Writer(self.db.conn)
        self.applied_migrations = migrate(self.db.conn)
        self.blobs = BlobDir(self.data_dir / "blobs")
        self._hasher = PasswordHasher()

    def close(self) -> None:
        with self._w.lock:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        value = self._w.read(lambda c: scalar(c, "SELECT value FROM settings WHERE key = ?", (key,)))
        return default if value is None else json.loads(value)

    def set_setting(self, key: str, value: Any) -> None:
        self._w.write(lambda c: _set(c, key, value))

    # ------------------------------------------------------------ session

    def remember_login(self, server_url: str, password: str, login: LoginResponse) -> None:
        """Keep the token and user, and an argon2 hash of the password for offline login."""
        pw_hash = self._hasher.hash(password)  # slow on purpose: outside the transaction
        user = login.user

        def fn(c):
            before = (_get(c, SERVER_URL), (_get(c, USER) or {}).get("id"))
            if before != (server_url, user.id):
                _set(c, CURSOR, "")  # the feed is per user and server: start it again
            c.execute(
                "INSERT INTO credentials (username, server_url, password_hash, user_json, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET"
                " server_url = excluded.server_url, password_hash = excluded.password_hash,"
                " user_json = excluded.user_json, updated_at = excluded.updated_at",
                (user.username, server_url, pw_hash, dumps(to_wire(user)), now_iso()),
            )
            _set(c, SERVER_URL, server_url)
            _set(c, TOKEN, login.token)
            _set(c, USER, to_wire(user))

        self._w.write(fn)

    def offline_login(self, username: str, password: str) -> UserInfo | None:
        """The user whose password was saved at their last online login, or None."""
        row = self._w.read(lambda c: one(c, "SELECT * FROM credentials WHERE username = ?", (username,)))
        if row is None:
            return None
        try:
            self._hasher.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        user = from_wire(UserInfo, json.loads(row["user_json"]))
        self.set_setting(USER, to_wire(user))
        return user

    def current_user(self) -> UserInfo | None:
        """Who works on this PC now (after an online or offline login)."""
        data = self.get_setting(USER)
        return from_wire(UserInfo, data) if data else None

    def session(self) -> tuple[str, str, UserInfo] | None:
        """(server_url, token, user) when a token is stored, else None."""
        url, token, user = self.get_setting(SERVER_URL), self.get_setting(TOKEN), self.current_user()
        if not url or not token or user is None:
            return None
        return url, token, user

    def forget_token(self) -> None:
        """Drop the token (logout / 401); the password hash stays for offline login."""
        self._w.write(lambda c: c.execute("DELETE FROM settings WHERE key = ?", (TOKEN,)))

    # ------------------------------------------------------------ feed

    def cursor(self) -> str:
        return self.get_setting(CURSOR) or ""

    def apply_changes(self, changes: list[Change], cursor: str) -> int:
        """Apply a page of the feed and store its cursor, in one transaction.

        A record that cannot be applied is kept in quarantine (raw, with the reason)
        and retried after every page (ADR 9). Returns how many of this page went there.
        ``DiskFull``: nothing of the page was stored, the cursor stays where it was."""

        def fn(c):
            quarantined = feed.apply_changes(c, changes)
            _set(c, CURSOR, cursor)
            return quarantined

        return self._w.write(fn, "store the changes pulled from the server")

    def quarantined(self) -> list[QuarantinedChange]:
        """Feed records not applied yet (oldest first): shown in status, retried on each pull."""
        found = self._w.read(
            lambda c: rows(c, "SELECT seq, kind, entity_id, reason, attempts, first_seen FROM quarantine ORDER BY seq")
        )
        return [QuarantinedChange(**r) for r in found]

    def retry_quarantine(self) -> int:
        """Try the quarantined records again now; returns how many were applied."""
        return self._w.write(feed.retry_quarantine, "apply quarantined changes")

    # ------------------------------------------------------------ reading

    def order(self, order_id: int) -> Order | None:
        data = self._w.read(lambda c: scalar(c, "SELECT data FROM orders WHERE id = ?", (order_id,)))
        return from_wire(Order, json.loads(data)) if data else None

    def item(self, item_id: int) -> Item | None:
        row = self._w.read(lambda c: one(c, "SELECT * FROM items WHERE id = ?", (item_id,)))
        return item_from_row(row) if row else None

    def batch_summaries(self, annotator_id: int) -> list[BatchSummary]:
        found = self._w.read(
            lambda c: rows(
                c,
                "SELECT b.id, b.order_id, coalesce(o.name, '') AS order_name, b.name, b.lease_until,"
                " (SELECT count(*) FROM items i WHERE i.batch_id = b.id) AS total,"
                " (SELECT count(*) FROM items i WHERE i.batch_id = b.id AND EXISTS ("
                "   SELECT 1 FROM annotations a WHERE a.item_id = i.id"
                "   AND (a.origin = 'local' OR a.annotator_id = ?))) AS done,"
                " (SELECT count(*) FROM items i WHERE i.batch_id = b.id AND i.ready = 1) AS downloaded"
                " FROM batches b LEFT JOIN orders o ON o.id = b.order_id"
                " WHERE b.annotator_id = ? ORDER BY b.id",
                (annotator_id, annotator_id),
            )
        )
        return [BatchSummary(**r) for r in found]

    def ready_items(self, batch_id: int) -> list[Item]:
        found = self._w.read(
            lambda c: rows(c, "SELECT * FROM items WHERE batch_id = ? AND ready = 1 ORDER BY id", (batch_id,))
        )
        return [item_from_row(r) for r in found]

    def missing_blobs(self, batch_id: int) -> list[tuple[str, int]]:
        found = self._w.read(
            lambda c: c.execute(
                "SELECT blob, max(blob_size) FROM items WHERE batch_id = ? AND ready = 0 AND blob != ''"
                " GROUP BY blob ORDER BY min(id)",
                (batch_id,),
            ).fetchall()
        )
        return [(sha, size) for sha, size in found]

    def annotation(self, item_id: int) -> Annotation | None:
        row = self._w.read(lambda c: ann.current_row(c, item_id))
        return annotation_from_row(row) if row else None

    # ------------------------------------------------------------ blobs

    def blob_path(self, sha: str) -> Path | None:
        rel = self._w.read(lambda c: scalar(c, "SELECT path FROM blobs WHERE sha = ?", (sha,)))
        if rel is None:
            return None
        path = self.blobs.root / rel
        return path if path.exists() else None

    def partial_blob_path(self, sha: str) -> Path:
        return self.blobs.partial_path(sha)

    def commit_blob(self, sha: str) -> bool:
        """Verify the partial download and move it in place; False (and deleted) on a bad hash."""
        check_sha(sha)
        try:
            size = self.blobs.promote(sha)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull("store a downloaded image") from exc
            raise
        if size is None:
            log.warning("blob %s: hash mismatch or no partial file", sha)
            return False

        def fn(c):
            c.execute(
                "INSERT INTO blobs (sha, size, path, committed_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (sha) DO UPDATE SET size = excluded.size, path = excluded.path,"
                " committed_at = excluded.committed_at",
                (sha, size, self.blobs.relative(sha), now_iso()),
            )
            c.execute("UPDATE items SET ready = 1 WHERE blob = ?", (sha,))

        self._w.write(fn, "store a downloaded image")
        return True

    # ------------------------------------------------------------ saving and the outbox

    def save_shapes(self, item_id: int, shapes: list[Shape], time_spent_ms: int = 0) -> Annotation:
        """Save the item's shapes durably (one transaction); ``time_spent_ms`` is added to the
        revision's total (pass the time since the previous save)."""
        user = self.current_user()
        row = self._w.write(
            lambda c: ann.save_shapes(c, item_id, shapes, time_spent_ms, user and user.id), "save the annotation"
        )
        return annotation_from_row(row)

    def outbox_count(self) -> int:
        return self._w.read(lambda c: scalar(c, "SELECT count(*) FROM outbox"))

    def take_outbox(self, limit: int) -> list[AnnotationRecord]:
        """The oldest waiting revisions, marked ``sending`` before they are returned."""
        user = self.current_user()
        found = self._w.write(lambda c: ann.take_outbox(c, limit, user and user.id))
        return [record_from_row(r) for r in found]

    def store_push_results(self, results: list[PushResult]) -> int:
        """Store the server's answers; returns how many outbox rows they settled."""
        return self._w.write(lambda c: ann.store_push_results(c, results))

    def rejected(self) -> list[Annotation]:
        """Items whose newest revision the server refused: the annotator should fix them."""
        return [annotation_from_row(r) for r in self._w.read(lambda c: ann.heads_in_state(c, (REJECTED,)))]

    def conflicts(self) -> list[Annotation]:
        """Items whose newest revision the server kept but flagged for the lead."""
        return [annotation_from_row(r) for r in self._w.read(lambda c: ann.heads_in_state(c, (CONFLICTED,)))]

    # ------------------------------------------------------------ sync bookkeeping

    def last_sync(self) -> str | None:
        return self.get_setting(LAST_SYNC)

    def set_last_sync(self, iso: str) -> None:
        self.set_setting(LAST_SYNC, iso)

    def start_sync_run(self, source: str = "cli") -> int:
        """Record that a sync run starts; returns its id for ``finish_sync_run``."""
        return self._w.write(lambda c: runs.start(c, source), "record the sync run")

    def finish_sync_run(self, run_id: int, outcome: str, exit_code: int | None = None, *, pushed: int = 0,
                        pulled: int = 0, waiting: int = 0, message: str | None = None) -> None:  # fmt: skip
        """Record how the run ended (``outcome``: one of ``aidou_desktop.model.domain.RUN_*``)."""
        self._w.write(
            lambda c: runs.finish(c, run_id, outcome, exit_code, pushed, pulled, waiting, message),
            "record the sync run",
        )

    def last_sync_run(self, source: str | None = None) -> SyncRun | None:
        """The newest sync run (of ``source`` "cli"/"app" when given), finished or not."""
        return self._w.read(lambda c: runs.last(c, source))

    def integrity_check(self) -> str:
        return self._w.read(lambda c: scalar(c, "PRAGMA integrity_check"))


def _get(conn, key: str) -> Any:
    value = scalar(conn, "SELECT value FROM settings WHERE key = ?", (key,))
    return None if value is None else json.loads(value)


def _set(conn, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, ensure_ascii=False)),
    )
