"""What each change-feed row is about: its entity key (``changes.entity_id``, ADR 0021).

A compact read of the feed (a PC's first sync) skips a row once a later row with the
same key went to the same reader, so a key must name exactly the state a later row
replaces on the desktop (``aidou_desktop.store.feed``):

- ``order:N``, ``batch:N``, ``item:N`` — each row is the whole record, upserted by id.
- ``work:ITEM:USER`` — a revision stored normally, by USER on ITEM: only their newest
  counts. The item's head is one of these (the newest of all), and "has this annotator
  a revision here" (the batch list's done count) still finds one.
- ``rev:ID`` — a revision kept as a conflict: open or resolved, it is its own entity (its
  resolution re-sends it with the new status; a reader that saw it open must see that).
- ``verdict:ITEM`` — a review of the item's head when it was written: only the newest
  verdict on the current head counts anywhere on the desktop.
- ``late-verdict:ITEM`` — a review of an older revision: it never counts, keep one.
- ``review:ANNOTATION`` — a review whose writer did not say (rows from before 0002, or
  ``log_changes``): the newest verdict on each revision, always safe.

Ids are the database's own (global, never reused), so a key names one entity in one
office. A row without a key (None) is never skipped.
"""

from __future__ import annotations

from typing import Any

from sync_server.protocol import CHANGE_ANNOTATION, CHANGE_BATCH, CHANGE_ITEM, CHANGE_ORDER, CHANGE_REVIEW

_WHOLE_RECORDS = {CHANGE_ORDER: "order", CHANGE_BATCH: "batch", CHANGE_ITEM: "item"}


def revision_entity(revision_id: str, item_id: int, annotator_id: int, conflict: bool) -> str:
    """The key of an annotation row: see the module's docstring."""
    return f"rev:{revision_id}" if conflict else f"work:{item_id}:{annotator_id}"


def review_entity(item_id: int, on_head: bool) -> str:
    return f"verdict:{item_id}" if on_head else f"late-verdict:{item_id}"


def entity_of(kind: str, data: Any) -> str | None:
    """The key of a row from its kind and data alone (``log_changes``); None when the data
    does not say (a test's bare row, a kind this server does not know)."""
    if not isinstance(data, dict):
        return None
    try:
        if kind in _WHOLE_RECORDS:
            return f"{_WHOLE_RECORDS[kind]}:{int(data['id'])}"
        if kind == CHANGE_ANNOTATION:
            return revision_entity(str(data["id"]), int(data["item_id"]), int(data["annotator_id"]),
                                   data.get("status") is not None)  # fmt: skip
        if kind == CHANGE_REVIEW:
            return f"review:{data['annotation_id']}"
    except (KeyError, TypeError, ValueError):
        return None
    return None
