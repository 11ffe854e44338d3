"""Export categories from an order's whole label schema history.

A head revision made against an older schema version may use a label the current
version dropped (ADR 0010 keeps such work). Its boxes must still be exported, so
the categories are the current labels (ids 1..n in schema order, as before any
schema change) followed by the labels only older versions had, in the order they
first appeared (oldest version first): current ids never move, and old labels get
the same ids on every export until the schema changes again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from sync_server.db.tables import order_schemas


class Categories:
    def __init__(self, current: list[dict[str, Any]], older: list[list[dict[str, Any]]]) -> None:
        self._entries: dict[str, dict[str, Any]] = {}
        for label in current:
            self._add(label["name"], label.get("title", label["name"]), current=True)
        for labels in older:
            for label in labels:
                if label["name"] not in self._entries:
                    self._add(label["name"], label.get("title", label["name"]), current=False)

    def _add(self, name: str, title: str, current: bool) -> dict[str, Any]:
        entry = {"id": len(self._entries) + 1, "name": name, "supercategory": "", "title": title}
        if not current:
            entry["in_current_schema"] = False  # so a customer sees which labels were retired
        self._entries[name] = entry
        return entry

    def id_for(self, name: str) -> int:
        """The category id of label ``name``; a label no version knows (push validates
        labels, so only hand-edited data) still gets one rather than losing its box."""
        entry = self._entries.get(name) or self._add(name, name, current=False)
        return entry["id"]

    def as_coco(self) -> list[dict[str, Any]]:
        return list(self._entries.values())


def order_categories(conn: Connection, order_id: int, current_schema: dict[str, Any]) -> Categories:
    older = conn.execute(
        select(order_schemas.c.schema)
        .where(order_schemas.c.order_id == order_id, order_schemas.c.version != current_schema["version"])
        .order_by(order_schemas.c.version)
    ).scalars()
    return Categories(current_schema["labels"], [schema["labels"] for schema in older])
