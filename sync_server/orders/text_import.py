"""Bringing a text order in (text_class, ner): texts → items in batches, pre-annotations → revisions.

One pass over the records (``text_sources``), in the caller's transaction: items are
written a batch at a time while every record so far is good; once one is not, nothing
more is written but the reading goes on, so the admin gets every bad line at once (the
first ``MAX_LISTED``, and how many there were), and ``OrderImportError`` rolls the whole
import back. Memory holds one batch and the item names seen (ids must be unique).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from sync_server.db.entities import load_order
from sync_server.db.feed import log_changes
from sync_server.db.tables import items
from sync_server.orders.importing import (
    FileProblem,
    OrderImportError,
    Progress,
    batch_name,
    checked_schema,
    insert_batch,
    insert_order,
)
from sync_server.db.import_account import ImportAccountTaken, import_account
from sync_server.orders.preannotations import store_preannotations
from sync_server.orders.text_sources import TextEntry, count_lines, gbk_hint, read_texts, text_format
from sync_server.protocol import (
    CHANGE_BATCH,
    CHANGE_ITEM,
    CHANGE_ORDER,
    SHAPE_CLASS,
    SHAPE_SPAN,
    TASK_NER,
    TASK_TEXT_CLASS,
    TEXT_TASKS,
    Batch,
    Item,
    LabelSchema,
    Shape,
    check_payload,
    check_shape,
    to_wire,
)

MAX_LISTED = 100  # bad lines listed in full; the rest are counted


@dataclass
class TextImport:
    order_id: int
    items: int
    batches: int
    preannotated: int  # items that came with labels or spans


def import_text_file(
    conn: Connection, office_id: int, path: Path, spec: dict[str, Any], name: str | None = None,
    text_field: str = "text", progress: Progress | None = None,
) -> TextImport:  # fmt: skip
    """Import the texts of ``path`` (.jsonl, .ndjson, .csv, .txt) as one order, in the
    caller's transaction. ``spec`` is the schema file's content, as for a folder of images
    (its ``task_kind`` must be text_class or ner). ``progress(done, total)`` counts lines."""
    path = Path(path)
    if text_format(path) is None:
        raise OrderImportError(f"{path.name}: a text order is imported from a .jsonl, .ndjson, .csv or .txt file")
    task_kind = spec.get("task_kind")
    if task_kind not in TEXT_TASKS:
        raise OrderImportError(f"{path.name} holds texts: the schema file must say \"task_kind\": "
                               f"{' or '.join(map(repr, TEXT_TASKS))} (it says {task_kind!r})")  # fmt: skip
    try:
        total = count_lines(path)

        def lines_done(entry: TextEntry) -> None:
            if progress is not None:
                progress(entry.line, total)

        done = import_texts(conn, office_id, name or spec.get("name") or path.stem, task_kind,
                            spec.get("schema", spec), spec.get("guidelines", ""), read_texts(path, text_field),
                            price_cents=int(spec.get("price_cents", 0)), batch_size=int(spec.get("batch_size", 20)),
                            on_entry=lines_done)  # fmt: skip
    except OSError as exc:
        raise OrderImportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except OrderImportError as exc:
        hint = gbk_hint(path) if "not UTF-8" in str(exc) else None
        raise OrderImportError(f"{exc}\n{hint}" if hint else str(exc)) from None
    if progress is not None:
        progress(total, total)
    return done


def import_texts(
    conn: Connection, office_id: int, name: str, task_kind: str, schema: LabelSchema | dict, guidelines: str,
    records: Iterable[TextEntry | FileProblem], price_cents: int = 0, batch_size: int = 20,
    due: datetime | None = None, on_entry: Callable[[TextEntry], None] | None = None,
) -> TextImport:  # fmt: skip
    """Create a text order from ``records`` (entries, and problems found reading them);
    raises ``OrderImportError`` listing every problem, and then the caller's transaction
    must be rolled back (it holds what was written before the first one)."""
    schema = checked_schema(task_kind, schema, batch_size)
    if task_kind not in TEXT_TASKS:
        raise OrderImportError(f"a {task_kind} order takes images: import a folder of them")
    order_id = insert_order(conn, office_id, name, task_kind, schema, guidelines, price_cents, due)
    log_changes(conn, office_id, [(CHANGE_ORDER, to_wire(load_order(conn, order_id)), None)])
    writer = _BatchWriter(conn, office_id, order_id, schema.version, batch_size)
    labels, options = set(schema.names()), to_wire(schema)
    problems: list[FileProblem] = []
    good = bad = 0
    first_line: dict[str, int] = {}
    for entry in records:
        if isinstance(entry, TextEntry):
            if on_entry is not None:
                on_entry(entry)
            reason, shapes = _shapes(entry, task_kind, labels, options)
            if reason is None and entry.name in first_line:
                reason = f"id {entry.name!r} is used again (first on line {first_line[entry.name]})"
            first_line.setdefault(entry.name, entry.line)
            if reason is None:
                good += 1
                if not bad:
                    writer.add(entry, shapes)
                continue
            entry = FileProblem(f"line {entry.line}", reason)
        bad += 1
        if len(problems) < MAX_LISTED:
            problems.append(entry)
    if bad:
        raise OrderImportError(_refusal(problems, bad, good))
    writer.flush()
    if not writer.items:
        raise OrderImportError("no text to import: the file holds no records")
    return TextImport(order_id, writer.items, writer.batches, writer.preannotated)


def _shapes(entry: TextEntry, task_kind: str, labels: set[str], options: dict) -> tuple[str | None, list[Shape]]:
    """The entry's pre-annotation as shapes, or why it cannot be one for this order."""
    if task_kind == TASK_TEXT_CLASS and entry.spans:
        return '"spans" are for ner orders; a text_class order takes "labels"', []
    if task_kind == TASK_NER and entry.labels:
        return '"labels" are for classification orders; a ner order takes "spans"', []
    if task_kind == TASK_TEXT_CLASS:
        shapes, what = [Shape(SHAPE_CLASS, label, []) for label in entry.labels or ()], "label"
    else:
        shapes, what = [Shape(SHAPE_SPAN, label, [[start, end]]) for start, end, label in entry.spans or ()], "span"
    length = len(entry.text)
    for index, shape in enumerate(shapes):
        reason = check_shape(shape, 0, 0, labels, length)
        if reason:
            return f"{what} {index + 1}: {reason}", []
    return check_payload(task_kind, shapes, options), shapes


def _refusal(problems: list[FileProblem], bad: int, good: int) -> str:
    lines = [f"{bad} of {bad + good} records cannot be imported; nothing was imported.", *(f"  {p}" for p in problems)]
    if bad > len(problems):
        lines.append(f"  … and {bad - len(problems)} more")
    return "\n".join(lines)


class _BatchWriter:
    """Items written a batch at a time: the batch, its items and their pre-annotations,
    and their feed rows in that order (a PC meets an item before a revision of it)."""

    def __init__(self, conn: Connection, office_id: int, order_id: int, schema_version: int, batch_size: int) -> None:
        self.conn, self.office_id, self.order_id = conn, office_id, order_id
        self.schema_version, self.batch_size = schema_version, batch_size
        self.pending: list[tuple[TextEntry, list[Shape]]] = []
        self.items = self.batches = self.preannotated = 0
        self.account_id: int | None = None

    def add(self, entry: TextEntry, shapes: list[Shape]) -> None:
        self.pending.append((entry, shapes))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        conn = self.conn
        self.batches += 1
        batch_id = insert_batch(conn, self.order_id, self.batches)
        rows = [
            {"order_id": self.order_id, "batch_id": batch_id, "name": entry.name, "width": 0, "height": 0,
             "original_sha256": None, "display_sha256": None, "display_size": 0, "display_width": 0,
             "display_height": 0, "text": entry.text, "meta": entry.meta}
            for entry, _ in self.pending
        ]  # fmt: skip
        item_ids = conn.execute(items.insert().returning(items.c.id, sort_by_parameter_order=True), rows).scalars().all()
        # the wire records from what was just written: reading them back was half an import's time
        batch = Batch(batch_id, self.order_id, batch_name(self.batches), None, None, list(item_ids))
        changes = [(CHANGE_BATCH, to_wire(batch), None)]
        changes.extend(
            (CHANGE_ITEM, to_wire(Item(item_id, self.order_id, batch_id, row["name"], 0, 0, "", 0, 0, 0, row["text"])), None)
            for item_id, row in zip(item_ids, rows)
        )
        log_changes(conn, self.office_id, changes)
        found = [(item_id, batch_id, shapes) for item_id, (_, shapes) in zip(item_ids, self.pending) if shapes]
        if found:
            self.preannotated += store_preannotations(conn, self._account(), self.schema_version, found)
        self.items += len(rows)
        self.pending = []

    def _account(self) -> int:
        if self.account_id is None:
            try:
                self.account_id = import_account(self.conn, self.office_id)
            except ImportAccountTaken as exc:
                raise OrderImportError(str(exc)) from None
        return self.account_id
