"""Local annotation revisions and the outbox: functions over one connection.

The rules (design.md, sync contract 1–2):
- a revision that was never sent (``queued``) is edited in place;
- once it has been handed to the network (``sending``) or answered, its id is
  frozen: an edit makes a new revision whose ``base_id`` names the old one, so a
  retry never sends different content under an old id;
- an outbox row leaves only together with the stored answer for it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from aidou_desktop.model.domain import CONFLICTED, QUEUED, REJECTED, SENDING, SYNCED
from aidou_desktop.store import ocr_suggestions
from aidou_desktop.store.db import one, rows, scalar
from aidou_desktop.store.rows import now_iso, shapes_json, stored_shapes
from sync_server.protocol import ACCEPTED, CONFLICT, DUPLICATE, MAX_FLAG_LENGTH, PushResult, Shape, uuid7
from sync_server.protocol import REJECTED as PUSH_REJECTED

# What each push answer makes of the local revision.
_STATE_FOR_ANSWER = {ACCEPTED: SYNCED, DUPLICATE: SYNCED, CONFLICT: CONFLICTED, PUSH_REJECTED: REJECTED}


class _KeepFlag:
    """``save_shapes(flag=KEEP)``: an edit of the boxes keeps the flag the annotator set."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _KeepFlag()


class _FromSuggestion:
    """``save_shapes(ocr_cer=FROM_SUGGESTION)``: the error rate against the item's stored OCR
    suggestion, worked out in the same transaction (None when there is none)."""

    def __repr__(self) -> str:
        return "FROM_SUGGESTION"


FROM_SUGGESTION = _FromSuggestion()


def clean_flag(note: str | None) -> str | None:
    """The flag as stored: trimmed, None for no text; ValueError when it is too long."""
    note = note.strip() if note else None
    if note and len(note) > MAX_FLAG_LENGTH:
        raise ValueError(f"the flag is longer than {MAX_FLAG_LENGTH} characters")
    return note or None


def local_head(conn: sqlite3.Connection, item_id: int) -> dict[str, Any] | None:
    return one(
        conn,
        "SELECT * FROM annotations WHERE item_id = ? AND origin = 'local' ORDER BY rev DESC LIMIT 1",
        (item_id,),
    )


def current_row(conn: sqlite3.Connection, item_id: int) -> dict[str, Any] | None:
    """The revision the annotator sees and edits next.

    Our own newest revision, unless it is settled (synced / conflict) and the
    feed has since brought a newer revision by someone else (a lead's
    correction, say): then that one, so our next edit is based on it.
    """
    head = local_head(conn, item_id)
    if head is not None and head["state"] in (QUEUED, SENDING, REJECTED):
        return head
    # a conflicted revision (someone's late or crossing work) waits for a person: it
    # never becomes anybody's base by arriving later in the feed (ADR 0014)
    newest_server = one(
        conn,
        "SELECT * FROM annotations WHERE item_id = ? AND origin = 'server' AND server_status IS NULL "
        "ORDER BY feed_seq DESC LIMIT 1",
        (item_id,),
    )
    if head is None:
        return newest_server
    if newest_server is not None and head["feed_seq"] is not None:
        if newest_server["feed_seq"] > head["feed_seq"]:
            return newest_server
    return head


def save_shapes(
    conn: sqlite3.Connection,
    item_id: int,
    shapes: list[Shape],
    time_spent_ms: int,
    annotator_id: int | None,
    device_id: str | None = None,
    flag: str | None | _KeepFlag = KEEP,
    ocr_cer: float | None | _FromSuggestion = FROM_SUGGESTION,
) -> dict[str, Any]:
    item = one(conn, "SELECT id, batch_id, order_id FROM items WHERE id = ?", (item_id,))
    if item is None:
        raise KeyError(f"unknown item {item_id}")
    now = now_iso()
    body = shapes_json(shapes)
    # the label schema the annotator sees now: the server validates against this version
    schema_version = scalar(
        conn, "SELECT json_extract(data, '$.schema.version') FROM orders WHERE id = ?", (item["order_id"],)
    )
    current = current_row(conn, item_id)
    if flag is KEEP:
        # a revision based on someone else's (a lead's) starts unflagged: their note is not ours
        flag = current["flag"] if current is not None and current["origin"] == "local" else None
    else:
        flag = clean_flag(flag)
    if ocr_cer is FROM_SUGGESTION:
        ocr_cer = ocr_suggestions.error_rate(conn, item_id, shapes)
    if current is not None and current["origin"] == "local" and current["state"] == QUEUED:
        conn.execute(
            "UPDATE annotations SET shapes = ?, time_spent_ms = time_spent_ms + ?, "
            "client_time = ?, schema_version = ?, updated_at = ?, flag = ?, ocr_cer = ? WHERE id = ?",
            (body, time_spent_ms, now, schema_version, now, flag, ocr_cer, current["id"]),
        )
        return one(conn, "SELECT * FROM annotations WHERE id = ?", (current["id"],))
    if current is None:
        base_id, total_ms = None, 0
    elif current["origin"] == "server":
        base_id, total_ms = current["id"], 0  # their time is not ours
    elif current["state"] == REJECTED:
        # the server never stored a rejected id: the fix replaces what the server has
        base_id, total_ms = current["base_id"], current["time_spent_ms"]
    else:
        base_id, total_ms = current["id"], current["time_spent_ms"]
    rev = (scalar(conn, "SELECT max(rev) FROM annotations WHERE item_id = ? AND origin = 'local'", (item_id,)) or 0) + 1
    new_id = uuid7()
    conn.execute(
        "INSERT INTO annotations (id, item_id, batch_id, base_id, origin, rev, annotator_id, shapes,"
        " time_spent_ms, state, client_time, schema_version, updated_at, device_id, flag, ocr_cer)"
        " VALUES (?, ?, ?, ?, 'local', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id, item_id, item["batch_id"], base_id, rev, annotator_id, body,
         total_ms + time_spent_ms, QUEUED, now, schema_version, now, device_id, flag, ocr_cer),
    )  # fmt: skip
    conn.execute("INSERT INTO outbox (annotation_id) VALUES (?)", (new_id,))
    return one(conn, "SELECT * FROM annotations WHERE id = ?", (new_id,))


def withdraw_unsent(conn: sqlite3.Connection, item_id: int) -> bool:
    """Take back the item's only revision while it is still waiting here (queued, made from
    nothing, never sent): the item is unlabelled again, as before its first edit. False (and
    nothing changed) once anything about it has left the PC or came from elsewhere."""
    current = current_row(conn, item_id)
    if current is None:
        return True
    if current["origin"] != "local" or current["state"] != QUEUED or current["base_id"] is not None:
        return False
    if scalar(conn, "SELECT count(*) FROM annotations WHERE item_id = ? AND id != ?", (item_id, current["id"])):
        return False
    conn.execute("DELETE FROM outbox WHERE annotation_id = ?", (current["id"],))
    conn.execute("DELETE FROM annotations WHERE id = ?", (current["id"],))
    return True


def flag_item(
    conn: sqlite3.Connection, item_id: int, note: str | None, annotator_id: int | None, device_id: str | None
) -> dict[str, Any]:
    """Set (or clear, with None) the flag: the current shapes, or none, saved with it as any edit is."""
    note = clean_flag(note)  # before anything is written
    current = current_row(conn, item_id)
    shapes = stored_shapes(current["shapes"]) if current is not None else []
    return save_shapes(conn, item_id, shapes, 0, annotator_id, device_id, note)


def take_outbox(
    conn: sqlite3.Connection, limit: int, annotator_id: int | None, exclude: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The user's oldest outbox rows, marked ``sending`` (in the caller's transaction), but
    for the ids in ``exclude`` (a request in flight). Only the user's own: on a shared PC
    each user's work goes with their own token."""
    found = rows(
        conn,
        "SELECT a.* FROM outbox o JOIN annotations a ON a.id = o.annotation_id"
        " WHERE a.annotator_id IS ? AND o.annotation_id NOT IN (SELECT value FROM json_each(?))"
        " ORDER BY o.seq LIMIT ?",
        (annotator_id, json.dumps(list(exclude)), limit),
    )
    # one statement for all (the ids as one JSON array): a statement per row was a quarter to a third of taking them
    conn.execute(
        "UPDATE annotations SET state = ? WHERE id IN (SELECT value FROM json_each(?))",
        (SENDING, json.dumps([r["id"] for r in found])),
    )
    return found


def _answer(state: str, result: PushResult) -> tuple[str, str | None, str | None, str | None]:
    """(state, reason, code, params as JSON) as stored for an answer: the server's English
    reason for the log, its code and params for the words on screen (none from an old server)."""
    if state not in (REJECTED, CONFLICTED):
        return state, None, None, None
    code = result.code if isinstance(result.code, str) else None
    params = result.params if state == REJECTED and isinstance(result.params, dict) and code else None
    return state, result.reason, code, json.dumps(params, ensure_ascii=False) if params else None


def store_push_results(conn: sqlite3.Connection, results: list[PushResult]) -> int:
    """Store each answer and drop its outbox row; returns how many rows were answered."""
    answers: dict[str, tuple[str, str | None, str | None, str | None]] = {}
    for result in results:
        state = _STATE_FOR_ANSWER.get(result.status)
        if state is None:
            raise ValueError(f"unknown push status {result.status!r} for {result.id}")
        # the first answer for an id counts; a repeat finds its outbox row already gone
        if result.id not in answers:
            answers[result.id] = _answer(state, result)
    # set-based (one lookup, then executemany): per-answer queries were most of storing a
    # 500-record answer. The ids go in as one JSON array: one bound parameter, any count.
    ids = list(answers)
    waiting = {
        r[0]
        for r in conn.execute(
            "SELECT annotation_id FROM outbox WHERE annotation_id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
    }
    answered = [i for i in ids if i in waiting]  # others: already stored, or never asked for
    # one UPDATE per distinct answer (a push's are mostly "accepted"), not one per revision
    by_answer: dict[tuple[str, str | None, str | None, str | None], list[str]] = defaultdict(list)
    for i in answered:
        by_answer[answers[i]].append(i)
    now = now_iso()
    conn.executemany(
        "UPDATE annotations SET state = ?, reason = ?, reason_code = ?, reason_params = ?, updated_at = ?"
        " WHERE id IN (SELECT value FROM json_each(?))",
        [(*answer, now, json.dumps(group)) for answer, group in by_answer.items()],
    )
    conn.execute("DELETE FROM outbox WHERE annotation_id IN (SELECT value FROM json_each(?))", (json.dumps(answered),))
    return len(answered)


def heads_in_state(conn: sqlite3.Connection, states: tuple[str, ...]) -> list[dict[str, Any]]:
    """Newest local revision of each item, when it is in one of ``states``."""
    marks = ",".join("?" for _ in states)
    return rows(
        conn,
        "SELECT a.* FROM annotations a WHERE a.origin = 'local'"
        " AND a.rev = (SELECT max(b.rev) FROM annotations b WHERE b.item_id = a.item_id AND b.origin = 'local')"
        # a conflict a lead has resolved needs nobody any more
        f" AND a.state IN ({marks}) AND a.server_status IS NOT 'resolved' ORDER BY a.item_id",
        states,
    )
