"""The push's fast write path stores exactly what the plain SQLAlchemy path would."""

import json

from sqlalchemy import create_engine

from sync_server.db.bulk import execute_many
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.push import (
    _ANNOTATION_COLUMNS,
    _ANNOTATION_KEYS,
    _INSERT_ANNOTATION,
    feed_json,
)
from sync_server.db.tables import annotations, metadata


def _row(annotation_id: str, **changes):
    row = {
        "id": annotation_id,
        "item_id": 3,
        "batch_id": None,
        "annotator_id": 7,
        "base_id": None,
        "shapes": [{"kind": "box", "label": "轿车 \"x\"", "points": [[1.5, 2], [3, 4.25]]}],
        "schema_version": 2,
        "time_spent_ms": 1500,
        "client_time": 'a "quoted" time\\',
        "received_at": utc_now(),
        "conflict": False,
        "conflict_code": None,
        "conflict_reason": None,
        "device_id": None,
        "resolved_by": None,
        "resolved_at": None,
        "flag": None,
        "ocr_cer": None,
    }
    return {**row, **changes}


def test_feed_text_reads_back_as_the_wire_record_in_wire_order():
    row = _row("0193a3c4-0000-7000-8000-000000000001", base_id="0193a3c4-0000-7000-8000-000000000000", batch_id=4)
    wire = {
        "id": row["id"], "item_id": 3, "batch_id": 4, "base_id": row["base_id"], "shapes": row["shapes"],
        "time_spent_ms": 1500, "client_time": row["client_time"], "annotator_id": 7,
        "received_at": to_iso(row["received_at"]), "schema_version": 2,
    }  # fmt: skip
    text = feed_json(row, json.dumps(row["shapes"]))
    assert json.loads(text) == wire
    assert list(json.loads(text)) == list(wire)  # keys in wire order, the shapes spliced in place
    # a conflict says so, with the device that made it
    flagged = {**row, "conflict": True, "device_id": "pc-7"}
    assert json.loads(feed_json(flagged)) == {**wire, "device_id": "pc-7", "status": "conflict"}
    # an annotator's flag for the lead travels last, as the wire type lists it
    noted = {**row, "flag": "拿不准 \"车\""}
    assert list(json.loads(feed_json(noted)).items()) == list({**wire, "flag": noted["flag"]}.items())


def test_execute_many_stores_the_same_bytes_as_sqlalchemy():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    now = utc_now()
    with engine.begin() as conn:
        conn.execute(annotations.insert(), [_row("a", received_at=now, conflict=True)])
        fast = _row("b", received_at=now, conflict=True)
        values = (*[fast[name] for name in _ANNOTATION_COLUMNS], json.dumps(fast["shapes"]))
        execute_many(conn, _INSERT_ANNOTATION, _ANNOTATION_KEYS, [values])
        raw = conn.exec_driver_sql("SELECT * FROM annotations ORDER BY id").all()
        read = [dict(r) for r in conn.execute(annotations.select().order_by(annotations.c.id)).mappings()]
    assert raw[0][1:] == raw[1][1:]
    assert {**read[0], "id": "b"} == read[1]
    assert read[1]["shapes"] == fast["shapes"]
