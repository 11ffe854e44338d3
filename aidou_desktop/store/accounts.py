"""Per-user sync state on a shared PC (ADR 0015): functions over one connection.

Each user who logged in online on this PC has an account row: their server, their
token, their feed cursor and the id of the server database that cursor belongs to.
Sync runs only with the owner's own token, so one shift's work is never sent, nor
credited, under another's name, and no user's cursor skips another's changes.

The token itself is kept in the token vault (the OS keyring, or a private file);
the ``token`` column holds only ``vault`` or NULL (issue 10). ``get`` and
``with_token`` fill the row's ``token`` from the vault; ``state`` leaves it out, for
what needs no token (the cursor, the server id, the last sync time): the OS keyring's
first use costs 0.1–0.2 s, and a locked one may ask for its password.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from aidou_desktop.store.db import one, rows, scalar
from aidou_desktop.store.token_vault import BUNDLE_KEY, MARKER, vault_for


def get(conn: sqlite3.Connection, user_id: int) -> dict[str, Any] | None:
    """The user's account row, its ``token`` the real one (None when the vault lost it)."""
    account = one(conn, "SELECT * FROM accounts WHERE user_id = ?", (user_id,))
    return None if account is None else _with_vault_token(conn, account)


def state(conn: sqlite3.Connection, user_id: int) -> dict[str, Any] | None:
    """The user's account row, read without the vault: ``token`` is replaced by
    ``has_token``, whether the row says a token was kept."""
    account = one(conn, "SELECT * FROM accounts WHERE user_id = ?", (user_id,))
    if account is None:
        return None
    if account["token"] not in (None, MARKER):
        _with_vault_token(conn, account)  # an older version's plain token moves to the vault at once, as ever
    account["has_token"] = account.pop("token") is not None
    return account


def remember(conn: sqlite3.Connection, user_id: int, username: str, server_url: str, token: str) -> None:
    """A new token for the user; a different server address starts their feed again."""
    vault_for(conn).put(user_id, token)  # before the row says "vault"
    before = one(conn, "SELECT server_url FROM accounts WHERE user_id = ?", (user_id,))
    if before is None:
        conn.execute(
            "INSERT INTO accounts (user_id, username, server_url, token) VALUES (?, ?, ?, ?)",
            (user_id, username, server_url, MARKER),
        )
        return
    if before["server_url"] != server_url:
        conn.execute("UPDATE accounts SET cursor = '', server_id = NULL WHERE user_id = ?", (user_id,))
    conn.execute(
        "UPDATE accounts SET username = ?, server_url = ?, token = ? WHERE user_id = ?",
        (username, server_url, MARKER, user_id),
    )


def remember_bundle_key(conn: sqlite3.Connection, user_id: int, key: str) -> None:
    """The key the server gave at login for the user's USB bundles; kept across logouts
    (a bundle is how an offline PC syncs), replaced by the next online login."""
    vault_for(conn).put(user_id, key, BUNDLE_KEY)


def bundle_key(conn: sqlite3.Connection, user_id: int) -> str | None:
    return vault_for(conn).get(user_id, BUNDLE_KEY)


def forget_token(conn: sqlite3.Connection, user_id: int) -> None:
    conn.execute("UPDATE accounts SET token = NULL WHERE user_id = ?", (user_id,))
    vault_for(conn).delete(user_id)


def set_cursor(conn: sqlite3.Connection, user_id: int | None, cursor: str) -> None:
    if conn.execute("UPDATE accounts SET cursor = ? WHERE user_id IS ?", (cursor, user_id)).rowcount != 1:
        # a feed read for nobody: storing it would lose the position without a word
        raise LookupError(f"no account on this PC for user {user_id}: log in online first")


def compact_read(conn: sqlite3.Connection, user_id: int | None) -> bool:
    """Whether the user's next pull asks for a compact feed (ADR 0021): their read starts
    from the beginning (or carries on such a read), and no revision or review that left
    this PC lacks its place in the feed. Only a row's echo says where our own work stands
    against others'; a compact feed leaves out the echoes of replaced work, so a PC
    holding such work (after ``start_feed_again``, say) reads the whole feed instead."""
    account = one(conn, "SELECT cursor, compact_read FROM accounts WHERE user_id IS ?", (user_id,))
    if account is None or (account["cursor"] and not account["compact_read"]):
        return False
    return not _unplaced_work(conn)


def _unplaced_work(conn: sqlite3.Connection) -> bool:
    # queued and rejected work never reached the server: nothing in the feed speaks of it
    return bool(scalar(
        conn,
        "SELECT EXISTS (SELECT 1 FROM annotations WHERE origin = 'local' AND feed_seq IS NULL"
        "               AND state NOT IN ('queued', 'rejected'))"
        " OR EXISTS (SELECT 1 FROM reviews WHERE origin = 'local' AND feed_seq IS NULL"
        "            AND state NOT IN ('queued', 'rejected'))",
    ))  # fmt: skip


def set_compact_read(conn: sqlite3.Connection, user_id: int | None, under_way: bool) -> None:
    conn.execute("UPDATE accounts SET compact_read = ? WHERE user_id IS ?", (int(under_way), user_id))


def set_last_sync(conn: sqlite3.Connection, user_id: int, iso: str) -> None:
    conn.execute("UPDATE accounts SET last_sync = ? WHERE user_id = ?", (iso, user_id))


def with_token(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Accounts whose token the vault holds, ``token`` filled in."""
    found = rows(conn, "SELECT * FROM accounts WHERE token IS NOT NULL ORDER BY user_id")
    return [a for a in (_with_vault_token(conn, a) for a in found) if a["token"]]


def waiting_by_user(conn: sqlite3.Connection) -> list[tuple[int | None, str | None, int, bool]]:
    """(user id, name, revisions in the outbox, has a token) for every user with work waiting."""
    found = conn.execute(
        "SELECT a.annotator_id, c.username, count(*), c.token IS NOT NULL"
        # CROSS JOIN: SQLite's way to keep the outbox outermost. Left to itself it read every
        # revision on the PC and looked each up in the outbox (60 ms at 100,000)
        " FROM outbox o CROSS JOIN annotations a ON a.id = o.annotation_id"
        " LEFT JOIN accounts c ON c.user_id = a.annotator_id"
        " GROUP BY a.annotator_id ORDER BY a.annotator_id"
    ).fetchall()
    return [(uid, name, count, bool(has_token)) for uid, name, count, has_token in found]


def start_feed_again(conn: sqlite3.Connection, server_url: str, server_id: str | None) -> None:
    """The server at ``server_url`` is not the database our feed positions came from (a
    restore, a reinstall): every account on it reads its feed again from the start, every
    feed position is forgotten, and no revision counts as held by the server until it is
    seen in the new feed or the server says so (ADR 0013)."""
    conn.execute(
        "UPDATE accounts SET cursor = '', server_id = ? WHERE server_url = ?", (server_id, server_url)
    )
    conn.execute("UPDATE annotations SET feed_seq = NULL, confirmed = 0 WHERE feed_seq IS NOT NULL OR confirmed = 1")


def set_server_id(conn: sqlite3.Connection, user_id: int, server_id: str) -> None:
    conn.execute("UPDATE accounts SET server_id = ? WHERE user_id = ?", (server_id, user_id))


def unconfirmed(conn: sqlite3.Connection, user_id: int, limit: int) -> list[str]:
    """Ids of this user's revisions the server answered (synced / conflict) but that were
    not seen in its feed since: the server may have lost them."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM annotations WHERE annotator_id = ? AND origin = 'local' AND confirmed = 0"
            " AND state IN ('synced', 'conflict') ORDER BY item_id, rev LIMIT ?",
            (user_id, limit),
        )
    ]


def confirm(conn: sqlite3.Connection, ids: list[str]) -> None:
    conn.executemany("UPDATE annotations SET confirmed = 1 WHERE id = ?", [(i,) for i in ids])


def send_again(conn: sqlite3.Connection, ids: list[str]) -> int:
    """Put revisions the server lacks back in the outbox, unchanged (same id, same content:
    the server stores them, or answers as it did the first time). Bases go first."""
    ordered = rows(
        conn,
        "SELECT id FROM annotations WHERE id IN (SELECT value FROM json_each(?)) ORDER BY item_id, rev",
        (_json_list(ids),),
    )
    for row in ordered:
        conn.execute("UPDATE annotations SET state = 'sending', reason = NULL WHERE id = ?", (row["id"],))
        conn.execute("INSERT OR IGNORE INTO outbox (annotation_id) VALUES (?)", (row["id"],))
    return len(ordered)


def outbox_count(conn: sqlite3.Connection, user_id: int | None) -> int:
    if user_id is None:
        return scalar(conn, "SELECT count(*) FROM outbox")
    return scalar(
        conn,
        # the outbox outermost (CROSS JOIN), as in ``waiting_by_user``: the home page counts it after every sync
        "SELECT count(*) FROM outbox o CROSS JOIN annotations a ON a.id = o.annotation_id WHERE a.annotator_id = ?",
        (user_id,),
    )


def _with_vault_token(conn: sqlite3.Connection, account: dict[str, Any]) -> dict[str, Any]:
    """Put the vault's token in ``account["token"]``. A plain token an older version kept
    in the table moves to the vault first, and its bytes are wiped from the file."""
    stored = account["token"]
    if stored is None:
        return account
    vault = vault_for(conn)
    if stored == MARKER:
        return {**account, "token": vault.get(account["user_id"])}
    vault.put(account["user_id"], stored)
    conn.execute("PRAGMA secure_delete = ON")  # the old cell's bytes are zeroed, not just freed
    conn.execute("UPDATE accounts SET token = ? WHERE user_id = ?", (MARKER, account["user_id"]))
    if not conn.in_transaction:  # else the caller's COMMIT writes it; the next checkpoint clears it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return account


def _json_list(values: list[str]) -> str:
    return json.dumps(list(values))  # one bound parameter, any count
