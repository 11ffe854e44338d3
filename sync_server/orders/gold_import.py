"""Gold answers (质检题) from a JSONL file: ``aidou-server import-order … --gold FILE``.

One object a line: ``name`` (the item's file name, or a text's id) and ``shapes`` in the
wire form, checked as a push checks an annotation (``check_shape``, ``check_payload``).
Every bad line is listed at once and nothing is stored (the caller's transaction, the
order's import, rolls back). A name held by several overlap copies gives each of them the
answer. Gold answers are read by the quality figures only (``sync_server.db.quality``):
no feed, pull or bundle carries them (ADR 0026).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, select

from sync_server.db.quality import items_named, store_gold_answers
from sync_server.db.tables import orders
from sync_server.orders.importing import FileProblem, OrderImportError
from sync_server.protocol import LabelSchema, Shape, WireError, check_payload, check_shape, from_wire, to_wire

MAX_LINE_BYTES = 1_000_000  # one gold answer; a longer line is not one
MAX_LISTED = 100  # bad lines listed in full; the rest are counted


def import_gold_file(conn: Connection, order_id: int, path: Path) -> int:
    """Store the gold answers of ``path`` for the order's items; returns how many items got
    one. Raises ``OrderImportError`` listing every bad line."""
    try:
        with open(path, "rb") as source:
            entries = list(_read(source))
    except OSError as exc:
        raise OrderImportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return store_gold(conn, order_id, entries, Path(path).name)


def _read(source) -> Iterator[tuple[int, object]]:
    """(line number, decoded JSON, or the reason it is not) for each line with text on it."""
    for number, raw in enumerate(source, 1):
        if len(raw) > MAX_LINE_BYTES:
            yield number, FileProblem(f"line {number}", f"longer than {MAX_LINE_BYTES:,} bytes")
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError:
            yield number, FileProblem(f"line {number}", "not UTF-8")
            continue
        if not text:
            continue
        try:
            yield number, json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield number, FileProblem(f"line {number}", f"not JSON ({exc})")


def store_gold(conn: Connection, order_id: int, entries: list[tuple[int, object]], source: str = "the gold file") -> int:
    task_kind, schema_wire = conn.execute(select(orders.c.task_kind, orders.c.schema).where(orders.c.id == order_id)).one()
    schema = from_wire(LabelSchema, schema_wire)
    labels, options = set(schema.names()), to_wire(schema)
    names = [e.get("name") for _, e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]
    known = items_named(conn, order_id, names)
    problems: list[FileProblem] = []
    bad = 0
    found: list[tuple[int, list[dict]]] = []
    first_line: dict[str, int] = {}
    for number, entry in entries:
        if isinstance(entry, FileProblem):
            reason: str | None = entry.reason
        else:
            reason, shapes = _checked(entry, known, task_kind, labels, options)
            if reason is None and entry["name"] in first_line:
                reason = f"item {entry['name']!r} has a gold answer already (line {first_line[entry['name']]})"
            if reason is None:
                first_line[entry["name"]] = number
                wire = [to_wire(shape) for shape in shapes]
                found.extend((item_id, wire) for item_id, *_ in known[entry["name"]])
                continue
        bad += 1
        if len(problems) < MAX_LISTED:
            problems.append(FileProblem(f"line {number}", reason))
    if bad:
        lines = [f"{bad} gold answers in {source} cannot be imported; nothing was imported.", *(f"  {p}" for p in problems)]
        if bad > len(problems):
            lines.append(f"  … and {bad - len(problems)} more")
        raise OrderImportError("\n".join(lines))
    if not first_line:
        raise OrderImportError(f"{source} holds no gold answer")
    return store_gold_answers(conn, found)


def _checked(entry: object, known: dict, task_kind: str, labels: set[str], options: dict) -> tuple[str | None, list[Shape]]:
    if not isinstance(entry, dict):
        return "not a JSON object with name and shapes", []
    extra = set(entry) - {"name", "shapes"}
    if extra:
        return f"unknown field(s) {', '.join(sorted(map(repr, extra)))}: a gold answer has name and shapes", []
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        return '"name" must be the item\'s file name or text id', []
    if name not in known:
        return f"no item named {name!r} in this order", []
    raw = entry.get("shapes")
    if not isinstance(raw, list):
        return '"shapes" must be a list of shapes (an empty list: nothing there)', []
    try:
        shapes = [from_wire(Shape, shape, f"shapes[{index}]") for index, shape in enumerate(raw)]
    except WireError as exc:
        return str(exc), []
    _, width, height, length = known[name][0]
    for index, shape in enumerate(shapes):
        problem = check_shape(shape, width, height, labels, length)
        if problem:
            return f"shape {index + 1}: {problem}", []
    problem = check_payload(task_kind, shapes, options)
    return (str(problem) if problem else None), shapes
