"""``Store``: the desktop's local database, outbox and blob cache (see docs/interfaces.md)."""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from aidou_desktop.model import Annotation, BatchSummary, Item, Order, QuarantinedChange, SyncRun, UserInfo
from aidou_desktop.model.domain import CONFLICTED, REJECTED
from aidou_desktop.store import accounts, batches, download_order, feed, item_states, reviews, runs
from aidou_desktop.store import annotations as ann
from aidou_desktop.store.blobs import BlobDir, check_sha
from aidou_desktop.store.db import Writer, one, open_database, rows, scalar
from aidou_desktop.store.errors import DiskFull, is_disk_full
from aidou_desktop.store.health import check_database, classify_open_error
from aidou_desktop.store.item_pages import ItemPages
from aidou_desktop.store.migrations import migrate
from aidou_desktop.store.ocr_suggestions import OcrSuggestionMethods
from aidou_desktop.store.paths import DB_NAME, private_dir
from aidou_desktop.store.review_store import ReviewMethods
from aidou_desktop.store.training import TrainingMethods
from aidou_desktop.store.rows import annotation_from_row, dumps, item_from_row, now_iso, record_from_row
from sync_server.protocol import AnnotationRecord, Change, LoginResponse, PushResult, Shape, from_wire, to_wire

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

# settings keys (per-user sync state lives in the ``accounts`` table: ADR 0015)
SERVER_URL = "server_url"  # the address the login page offers first: the last one used
USER = "user"  # who works on this PC now
DEVICE_ID = "device_id"  # this install, made once (migration 0003)
PEOPLE = "people"  # a lead's PC: the office's names by user id (the feed carries only ids)


class Store(ReviewMethods, OcrSuggestionMethods, TrainingMethods):
    def __init__(self, data_dir: Path | str):
        """Open (or make) ``data_dir/aidou.db``. ``DamagedDatabase`` when the file is there but
        cannot be used (empty after use, corrupt, unreadable), or the dir cannot be written
        to, or the disk is full: a damaged file is never replaced (issue 10, store/health.py)."""
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        conn = None
        try:
            private_dir(self.data_dir)  # 0700: the PC's tokens, work and images are this user's alone
            check_database(self.path).raise_if_damaged()
            conn = open_database(self.path)
            self._w = Writer(conn)
            self.applied_migrations = migrate(conn)
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                conn.close()
            damaged = classify_open_error(exc, self.path)
            if damaged is None:
                raise
            raise damaged from exc
        self.blobs = BlobDir(private_dir(self.data_dir / "blobs"))
        self._hasher = PasswordHasher()

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the store's connection, for whoever looks inside (tests, scripts,
        salvage). Made on first use: importing sqlite-utils (click, pluggy, dateutil and its
        own modules, ~0.1 s) is not something the app's first paint should wait for."""
        import sqlite_utils

        return sqlite_utils.Database(self._w.conn, execute_plugins=False)

    def close(self) -> None:
        with self._w.lock:
            self._w.conn.close()

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
        """Keep the user's token (their own account row) and an argon2 hash of the password
        for offline login; they become the current user."""
        pw_hash = self._hasher.hash(password)  # slow on purpose: outside the transaction
        user = login.user

        def fn(c):
            c.execute(
                "INSERT INTO credentials (username, server_url, password_hash, user_json, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET"
                " server_url = excluded.server_url, password_hash = excluded.password_hash,"
                " user_json = excluded.user_json, updated_at = excluded.updated_at",
                (user.username, server_url, pw_hash, dumps(to_wire(user)), now_iso()),
            )
            accounts.remember(c, user.id, user.username, server_url, login.token)
            if login.bundle_key:  # an older server gives none: bundles then cannot be signed here
                accounts.remember_bundle_key(c, user.id, login.bundle_key)
            _set(c, SERVER_URL, server_url)
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

    def people(self) -> dict[int, str]:
        """Names of the office's people by user id, as a lead's PC last fetched them."""
        return {int(k): v for k, v in (self.get_setting(PEOPLE) or {}).items()}

    def set_people(self, names: dict[int, str]) -> None:
        self.set_setting(PEOPLE, {str(k): v for k, v in names.items()})

    def device_id(self) -> str:
        """This desktop install's id, stored with every revision it makes."""
        return self.get_setting(DEVICE_ID)

    def _user_id(self, user_id: int | None) -> int | None:
        if user_id is not None:
            return user_id
        user = self.current_user()
        return user.id if user else None

    def session(self, user_id: int | None = None) -> tuple[str, str, UserInfo] | None:
        """(server_url, token, user) of the current user (or ``user_id``) when they hold a
        token, else None: a user who logged in offline has none, and never borrows one."""
        uid = self._user_id(user_id)
        account = None if uid is None else self._w.read(lambda c: accounts.get(c, uid))
        if account is None or not account["token"]:
            return None
        cred = self._w.read(lambda c: one(c, "SELECT user_json FROM credentials WHERE username = ?",
                                          (account["username"],)))  # fmt: skip
        if cred is not None:
            user = from_wire(UserInfo, json.loads(cred["user_json"]))
        else:  # a session an older version kept (it stored no password hash)
            user = self.current_user()
            if user is None or user.id != uid:
                return None
        return account["server_url"], account["token"], user

    def _account_state(self, user_id: int | None) -> dict[str, Any] | None:
        """The user's account row without the token (``accounts.state``): no keyring read."""
        uid = self._user_id(user_id)
        return None if uid is None else self._w.read(lambda c: accounts.state(c, uid))

    def server_url(self, user_id: int | None = None) -> str | None:
        """The server the user last logged in to online, None if never; the token is not read."""
        account = self._account_state(user_id)
        return account["server_url"] if account else None

    def has_token(self, user_id: int | None = None) -> bool:
        """Whether the user's account says a token was kept (``session`` reads it)."""
        account = self._account_state(user_id)
        return bool(account and account["has_token"])

    def bundle_key(self, user_id: int | None = None) -> str | None:
        """The user's USB bundle key from their last online login (ADR 0007), or None."""
        uid = self._user_id(user_id)
        return None if uid is None else self._w.read(lambda c: accounts.bundle_key(c, uid))

    def forget_token(self, user_id: int | None = None) -> None:
        """Drop the user's token (logout / 401); the password hash stays for offline login."""
        uid = self._user_id(user_id)
        if uid is not None:
            self._w.write(lambda c: accounts.forget_token(c, uid))

    def accounts_with_token(self) -> list[int]:
        """Users who can sync from this PC now (each with their own token)."""
        return [a["user_id"] for a in self._w.read(accounts.with_token)]

    def waiting_by_user(self) -> list[tuple[int | None, str | None, int, bool]]:
        """(user id, name, revisions waiting to upload, has a token) per user with work waiting."""
        return self._w.read(accounts.waiting_by_user)

    # ------------------------------------------------------------ feed

    def cursor(self, user_id: int | None = None) -> str:
        account = self._account_state(user_id)
        return account["cursor"] if account else ""

    def server_id(self, user_id: int | None = None) -> str | None:
        """The server database the user's cursor belongs to (None: not known yet)."""
        account = self._account_state(user_id)
        return account["server_id"] if account else None

    def set_server_id(self, server_id: str, user_id: int | None = None) -> None:
        uid = self._user_id(user_id)
        self._w.write(lambda c: accounts.set_server_id(c, uid, server_id))

    def start_feed_again(self, server_id: str | None, user_id: int | None = None) -> None:
        """The user's server is another database than their cursor's (restored, replaced):
        every account on that server reads its feed from the start, and revisions count as
        held by the server only once seen there again (ADR 0013)."""
        uid = self._user_id(user_id)

        def fn(c):
            account = accounts.state(c, uid)
            if account is not None:
                accounts.start_feed_again(c, account["server_url"], server_id)

        self._w.write(fn, "start the change feed again")

    def apply_changes(self, changes: list[Change], cursor: str, user_id: int | None = None) -> int:
        """Apply a page of the feed and store the user's cursor, in one transaction.

        A record that cannot be applied is kept in quarantine (raw, with the reason)
        and retried after every page (ADR 9). Returns how many of this page went there.
        ``DiskFull``: nothing of the page was stored, the cursor stays where it was."""
        uid = self._user_id(user_id)

        def fn(c):
            quarantined = feed.apply_changes(c, changes)
            accounts.set_cursor(c, uid, cursor)
            return quarantined

        return self._w.write(fn, "store the changes pulled from the server")

    def compact_read(self, user_id: int | None = None) -> bool:
        """Whether the user's pull should ask for a compact feed (ADR 0021): from an empty
        cursor, or carrying on a compact read a dropped link cut short, and only while every
        revision and review that left this PC has been placed by its echo in the feed."""
        uid = self._user_id(user_id)
        return self._w.read(lambda c: accounts.compact_read(c, uid))

    def set_compact_read(self, under_way: bool, user_id: int | None = None) -> None:
        """Note that the user's compact read started (True) or reached the end of the feed."""
        uid = self._user_id(user_id)
        self._w.write(lambda c: accounts.set_compact_read(c, uid, under_way))

    def unconfirmed(self, limit: int, user_id: int | None = None) -> list[str]:
        """The user's revisions the server answered but that its feed has not shown since."""
        uid = self._user_id(user_id)
        return self._w.read(lambda c: accounts.unconfirmed(c, uid, limit))

    def confirm(self, ids: list[str]) -> None:
        """The server said it holds these revisions."""
        self._w.write(lambda c: accounts.confirm(c, ids))

    def send_again(self, ids: list[str]) -> int:
        """Queue revisions the server lacks to be sent again, unchanged; returns how many."""
        return self._w.write(lambda c: accounts.send_again(c, ids), "queue revisions to send again")

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
        """The annotator's batches with their counts, for the home list (one query)."""
        return [BatchSummary(**r) for r in self._w.read(lambda c: batches.summaries(c, annotator_id))]

    def open_batch(self, batch_id: int, annotator_id: int) -> tuple[Order, ItemPages, int] | None:
        """What the annotate page opens: the batch's order, its items that can be shown (image
        here, or a text), and the index among them to start at — the first item the lead sent
        back, else the first unlabelled one, else 0. The resume point is one query however far
        into the batch it is; the items are read a page at a time when shown (``ItemPages``).
        None when the batch is not leased to ``annotator_id``."""

        def fn(c):
            data = batches.order_data(c, batch_id, annotator_id)
            if data is None:
                return None
            return data, batches.ready_item_ids(c, batch_id), batches.resume_item(c, batch_id, annotator_id)

        opened = self._w.read(fn)
        if opened is None:
            return None
        data, ids, resume = opened
        items = ItemPages(ids, self.items_with_ids)
        start = items.index_of(resume) if resume is not None else None
        return from_wire(Order, json.loads(data)), items, start or 0

    def item_states(self, batch_id: int, annotator_id: int | None, item_id: int | None = None) -> dict[int, str]:
        """{item id: state} for the annotate page's item list, one query (``store/item_states.py``)."""
        return self._w.read(lambda c: item_states.item_states(c, batch_id, annotator_id, item_id))

    def ready_items(self, batch_id: int) -> list[Item]:
        return self._w.read(lambda c: batches.ready_items(c, batch_id))

    def ready_item_pages(self, batch_id: int) -> ItemPages:
        """``ready_items`` read a page at a time: only the ids now."""
        return ItemPages(self._w.read(lambda c: batches.ready_item_ids(c, batch_id)), self.items_with_ids)

    def items_with_ids(self, ids: list[int]) -> list[Item]:
        return self._w.read(lambda c: batches.items_with_ids(c, ids))

    def missing_blobs(self, batch_id: int, annotator_id: int | None = None) -> list[tuple[str, int]]:
        """The batch's images not here yet, (sha, size), in the order ``annotator_id`` (default:
        the current user) will open their items: where the batch resumes, then on from there
        (``download_order``), so the first one on screen waits for one image only."""
        uid = self._user_id(annotator_id)
        return self._w.read(lambda c: download_order.missing_blobs(c, batch_id, uid))

    def missing_review_blobs(self) -> list[tuple[str, int]]:
        """Images a lead needs to review: of items with work on them, not downloaded yet."""
        found = self._w.read(
            lambda c: c.execute(
                "SELECT blob, max(blob_size) FROM items i WHERE ready = 0 AND blob != ''"
                " AND EXISTS (SELECT 1 FROM annotations a WHERE a.item_id = i.id)"
                " GROUP BY blob ORDER BY min(id)"
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

    def save_shapes(self, item_id: int, shapes: list[Shape], time_spent_ms: int = 0, flag=ann.KEEP,
                    ocr_cer=ann.FROM_SUGGESTION) -> Annotation:  # fmt: skip
        """Save the item's shapes durably (one transaction); ``time_spent_ms`` is added to the
        revision's total (pass the time since the previous save); ``flag``: KEEP the current one;
        ``ocr_cer``: by default the text's error rate against the item's OCR suggestion, if any."""
        user = self.current_user()
        device = self.device_id()
        row = self._w.write(
            lambda c: ann.save_shapes(c, item_id, shapes, time_spent_ms, user and user.id, device, flag, ocr_cer),
            "save the annotation",
        )
        return annotation_from_row(row, shapes)

    def withdraw(self, item_id: int) -> bool:
        """Undo of an item's first edit: its revision is taken back while nothing of it has
        left the PC, so the item is unlabelled again; False when that is no longer possible."""
        return self._w.write(lambda c: ann.withdraw_unsent(c, item_id), "undo the first edit")

    def outbox_count(self, user_id: int | None = None) -> int:
        """Revisions and reviews waiting to upload: the user's, or everybody's when ``user_id`` is None."""
        return self._w.read(lambda c: accounts.outbox_count(c, user_id) + reviews.outbox_count(c, user_id))

    def take_outbox(self, limit: int, user_id: int | None = None, exclude: Collection[str] = ()) -> list[AnnotationRecord]:
        """The user's (default: the current user's) oldest waiting revisions, marked
        ``sending`` before they are returned, but for the ids in ``exclude`` (a push
        request in flight). Only theirs: they go with their token."""
        uid = self._user_id(user_id)
        found = self._w.write(lambda c: ann.take_outbox(c, limit, uid, exclude))
        return [record_from_row(r) for r in found]

    def store_push_results(self, results: list[PushResult]) -> int:
        """Store the server's answers (to revisions and reviews); returns how many outbox rows they settled."""
        return self._w.write(lambda c: ann.store_push_results(c, results) + reviews.store_results(c, results))

    def rejected(self) -> list[Annotation]:
        """Items whose newest revision the server refused: the annotator should fix them."""
        return [annotation_from_row(r) for r in self._w.read(lambda c: ann.heads_in_state(c, (REJECTED,)))]

    def conflicts(self) -> list[Annotation]:
        """Items whose newest revision the server kept but flagged for the lead."""
        return [annotation_from_row(r) for r in self._w.read(lambda c: ann.heads_in_state(c, (CONFLICTED,)))]

    # ------------------------------------------------------------ sync bookkeeping

    def last_sync(self, user_id: int | None = None) -> str | None:
        account = self._account_state(user_id)
        return account["last_sync"] if account else None

    def set_last_sync(self, iso: str, user_id: int | None = None) -> None:
        uid = self._user_id(user_id)
        self._w.write(lambda c: accounts.set_last_sync(c, uid, iso))

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
