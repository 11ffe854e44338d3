"""Pre-annotations from an imported file, stored as revisions the annotator sees pre-filled.

They are made by the office's import account (``sync_server.db.import_account``) and carry
``device_id`` ``PREANNOTATION_DEVICE``, so a PC can tell them from work.

A pre-annotation is a suggestion, not a result: it is stored but never becomes the
item's head, so the item stays "not annotated yet" in progress counts and exports until
someone saves a revision of their own (based on it: that is accepted, not a conflict).
It goes to no feed when imported: leasing the batch sends it to its annotator with the
items, as it does every revision of them. The office-wide feed never carries one, so a
lead's PC never lists a suggestion as work to review.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from sync_server.db.clock import utc_now
from sync_server.db.tables import annotations
from sync_server.protocol import PREANNOTATION_DEVICE, Shape, uuid7


def store_preannotations(
    conn: Connection, account_id: int, schema_version: int, found: Iterable[tuple[int, int, list[Shape]]]
) -> int:
    """Store ``(item id, batch id, shapes)`` as revisions of the import account ``account_id``;
    returns how many. Runs in the caller's transaction."""
    now = utc_now()
    rows = [_row(item_id, batch_id, account_id, schema_version, shapes, now) for item_id, batch_id, shapes in found]
    if rows:
        conn.execute(annotations.insert(), rows)
    return len(rows)


def _row(item_id: int, batch_id: int, account_id: int, schema_version: int, shapes: list[Shape], now) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "item_id": item_id,
        "batch_id": batch_id,
        "annotator_id": account_id,
        "base_id": None,
        "shapes": [{"kind": s.kind, "label": s.label, "points": s.points} for s in shapes],
        "schema_version": schema_version,
        "time_spent_ms": 0,
        "client_time": None,
        "received_at": now,
        "conflict": False,
        "conflict_code": None,
        "conflict_reason": None,
        "device_id": PREANNOTATION_DEVICE,
        "resolved_by": None,
        "resolved_at": None,
        "flag": None,
        "ocr_cer": None,
    }
