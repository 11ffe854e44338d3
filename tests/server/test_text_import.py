"""Bringing text orders in: JSONL, CSV and plain text; pre-annotations as revisions of the import
account; every bad line reported with its reason and nothing imported; image kinds from folders."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from server_helpers import SCHEMA, auth, feed, push, record, row_counts, write_images
from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.accounts import issue_token
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.importing import OrderImportError
from sync_server.orders.leasing import lease_batch
from sync_server.db.import_account import IMPORT_DISPLAY_NAME, import_account_name
from sync_server.orders.text_import import MAX_LISTED, import_text_file
from sync_server.protocol import PREANNOTATION_DEVICE
from text_helpers import schema, span


def _spec(task_kind: str = "ner", **extra) -> dict:
    return {"task_kind": task_kind, "schema": schema(**extra.pop("options", {})), **extra}


def _write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _import(engine, world, path, spec, **options):
    with write_transaction(engine) as conn:
        return import_text_file(conn, world.office, path, spec, **options)


def _items(engine, order_id):
    with read_connection(engine) as conn:
        rows = conn.execute(select(tables.items).where(tables.items.c.order_id == order_id).order_by(tables.items.c.id))
        return rows.mappings().all()


def test_jsonl_texts_ids_meta_and_pre_annotated_spans(engine, world, tmp_path):
    path = tmp_path / "对话.jsonl"
    _write_jsonl(path, [
        {"id": "d-1", "text": "我是王建华，电话13912345678", "meta": {"channel": "app"}, "spans": [[2, 5, "person"], [8, 19, "phone"]]},
        {"id": 2, "text": "  前后的空格也是文本  "},
        {"text": "兰州", "spans": [{"start": 0, "end": 2, "label": "place", "text": "兰州"}]},
    ])  # fmt: skip
    done = _import(engine, world, path, _spec(batch_size=2))
    assert (done.items, done.batches, done.preannotated) == (3, 2, 2)
    rows = _items(engine, done.order_id)
    assert [(r["name"], r["text"], r["meta"]) for r in rows] == [
        ("d-1", "我是王建华，电话13912345678", {"channel": "app"}),
        ("2", "  前后的空格也是文本  ", None),
        ("对话.jsonl:3", "兰州", None),
    ]
    assert {(r["original_sha256"], r["display_sha256"], r["width"], r["display_size"]) for r in rows} == {(None, None, 0, 0)}
    with read_connection(engine) as conn:
        order = conn.execute(select(tables.orders).where(tables.orders.c.id == done.order_id)).mappings().one()
        assert (order["name"], order["task_kind"]) == ("对话", "ner")
        revisions = conn.execute(select(tables.annotations).where(tables.annotations.c.item_id.in_([r["id"] for r in rows]))
                                 .order_by(tables.annotations.c.item_id)).mappings().all()  # fmt: skip
        account = conn.execute(select(tables.users).where(tables.users.c.id == revisions[0]["annotator_id"])).mappings().one()
    assert [(r["item_id"], r["shapes"]) for r in revisions] == [
        (rows[0]["id"], [span(2, 5), span(8, 19, "phone")]), (rows[2]["id"], [span(0, 2, "place")])]  # fmt: skip
    assert {(r["device_id"], r["base_id"], r["conflict"], r["schema_version"]) for r in revisions} == {(PREANNOTATION_DEVICE, None, False, 1)}
    assert (account["username"], account["display_name"], account["role"]) == (import_account_name(world.office), IMPORT_DISPLAY_NAME, "lead")
    assert account["disabled_at"] is not None
    # a suggestion, not work: the items are not done
    assert {r["head_annotation_id"] for r in rows} == {None}


def test_an_annotator_sees_pre_annotations_and_saving_on_them_is_accepted(client, tokens, engine, world, tmp_path):
    path = tmp_path / "n.jsonl"
    _write_jsonl(path, [{"text": "张三在西宁", "spans": [[0, 2, "person"]]}])
    done = _import(engine, world, path, _spec())
    item = _items(engine, done.order_id)[0]
    with write_transaction(engine) as conn:
        lease_batch(conn, item["batch_id"], world.anno1, utc_now() + timedelta(days=1))
    changes = feed(client, tokens["anno1"])["changes"]
    sent = [c["data"] for c in changes if c["kind"] == "annotation" and c["data"]["item_id"] == item["id"]]
    assert len(sent) == 1 and sent[0]["device_id"] == PREANNOTATION_DEVICE and sent[0]["shapes"] == [span(0, 2)]
    fixed = record(item["id"], [span(0, 2), span(3, 5, "place")], base_id=sent[0]["id"])
    assert push(client, tokens["anno1"], fixed).json()["results"][0]["status"] == "accepted"
    assert _items(engine, done.order_id)[0]["head_annotation_id"] == fixed["id"]
    login = client.post("/api/v1/login", json={"username": import_account_name(world.office), "password": ""})
    assert login.status_code == 401  # the import account never logs in


def test_leads_never_get_pre_annotations_nor_the_import_account(client, tokens, engine, world, tmp_path):
    path = tmp_path / "n.jsonl"
    _write_jsonl(path, [{"text": "张三", "spans": [[0, 2, "person"]]}])
    _import(engine, world, path, _spec())
    office = feed(client, tokens["lead"])["changes"]
    assert [c for c in office if c["kind"] == "annotation"] == []  # nothing to review: a suggestion is no work
    assert {c["data"]["text"] for c in office if c["kind"] == "item" and c["data"].get("text")} == {"张三"}
    with write_transaction(engine) as conn:
        admin = conn.execute(tables.users.insert().values(office_id=world.office, username="boss", display_name="管理员",
                                                          role="admin", password_hash="x")).inserted_primary_key[0]  # fmt: skip
        admin_token = issue_token(conn, admin)
    names = {u["username"] for u in client.get("/api/v1/users", headers=auth(admin_token)).json()["users"]}
    people = {p["username"] for p in client.get("/api/v1/people", headers=auth(tokens["lead"])).json()["people"]}
    assert import_account_name(world.office) not in names | people and {"lead", "anno1", "boss"} <= names & people


def test_csv_with_a_named_text_column_id_and_meta(engine, world, tmp_path):
    path = tmp_path / "messages.csv"
    path.write_bytes("\ufeffid,渠道,内容\nm1,app,\"我要退款，\n订单号 123\"\nm2,电话,\"他说\"\"快递丢了\"\"\"\n\n".encode())
    done = _import(engine, world, path, _spec("text_class"), text_field="内容")
    assert [(r["name"], r["text"], r["meta"]) for r in _items(engine, done.order_id)] == [
        ("m1", "我要退款，\n订单号 123", {"渠道": "app"}),
        ("m2", '他说"快递丢了"', {"渠道": "电话"}),
    ]
    with pytest.raises(OrderImportError, match=r"line 1: no column 'text' \(the columns are 'id', '渠道', '内容'\)"):
        _import(engine, world, path, _spec("text_class"))
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("text,id\n好的,1\n多了,2,3\n\"跨\n行\",3\n空,\n", encoding="utf-8")
    with pytest.raises(OrderImportError) as caught:
        _import(engine, world, ragged, _spec("text_class"))
    assert "line 3: 3 fields, but the header has 2" in str(caught.value)
    assert "line 6: \"id\" is empty" in str(caught.value) and "line 4" not in str(caught.value)


def test_plain_text_one_item_a_line(engine, world, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes("\ufeff第一条\r\n\r\n 第二条 \n第三条".encode())
    done = _import(engine, world, path, _spec("text_class"))
    assert [(r["name"], r["text"]) for r in _items(engine, done.order_id)] == [
        ("lines.txt:1", "第一条"), ("lines.txt:3", " 第二条 "), ("lines.txt:4", "第三条")]  # fmt: skip


def test_every_bad_line_is_reported_and_nothing_is_imported(engine, world, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"text": "张三", "spans": [[0, 5, "person"]]}, ensure_ascii=False),  # 1
        json.dumps({"text": ""}),  # 2
        "{not json",  # 3
        json.dumps({"text": "abc", "spans": [[0, 1, "city"]]}),  # 4
        json.dumps({"text": "abcd", "spans": [[0, 2, "person"], [1, 3, "place"]]}),  # 5
        json.dumps({"id": "x", "text": "好"}),  # 6
        json.dumps({"id": "x", "text": "好"}),  # 7
        json.dumps({"text": "好", "labels": ["person"]}),  # 8
        json.dumps({"words": "好"}),  # 9
        json.dumps(["好"]),  # 10
        json.dumps({"text": "a\u0000b"}),  # 11
        json.dumps({"text": "\ud800"}),  # 12: a lone surrogate, as JSON may escape it
        json.dumps({"text": "好", "spans": [[0, True, "person"]]}),  # 13
        json.dumps({"text": "好", "meta": [1]}),  # 14
        json.dumps({"text": "好好", "spans": [[0, 1, "person"]]}, ensure_ascii=False),  # 15: good
        '{"text": "好", "meta": {"score": NaN}}',  # 16: PostgreSQL's json has no NaN
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe oops\n")
    before = row_counts(engine)
    with pytest.raises(OrderImportError) as caught:
        _import(engine, world, path, _spec())
    assert str(caught.value).splitlines() == [
        "15 of 17 records cannot be imported; nothing was imported.",
        "  line 1: span 1: span [0, 5) lies outside the text (2 characters)",
        "  line 2: empty text",
        "  line 3: not JSON (Expecting property name enclosed in double quotes at column 2)",
        "  line 4: span 1: unknown label 'city'",
        "  line 5: span [1, 3) overlaps another; this order does not allow nested spans",
        "  line 7: id 'x' is used again (first on line 6)",
        '  line 8: "labels" are for classification orders; a ner order takes "spans"',
        '  line 9: no "text" field',
        "  line 10: not a JSON object but list",
        "  line 11: the text holds a NUL character (U+0000)",
        "  line 12: the text holds a lone surrogate (\\ud800–\\udfff): not valid Unicode",
        '  line 13: "spans" must be a list of [start, end, label], start and end whole numbers',
        '  line 14: "meta" must be a JSON object',
        "  line 16: not JSON (NaN is not a JSON number)",
        "  line 17: not UTF-8 (byte 0xff at byte 1 of the line)",
    ]
    assert row_counts(engine) == before


def test_classification_pre_annotations_follow_the_schema_options(engine, world, tmp_path):
    path = tmp_path / "c.jsonl"
    _write_jsonl(path, [{"text": "退款加投诉", "labels": ["person", "place"]}, {"text": "x", "spans": [[0, 1, "person"]]}])
    with pytest.raises(OrderImportError) as caught:
        _import(engine, world, path, _spec("text_class"))
    assert "line 1: only one class may be chosen in this order, not 2" in str(caught.value)
    assert 'line 2: "spans" are for ner orders' in str(caught.value)
    _write_jsonl(path, [{"text": "退款加投诉", "labels": ["person", "place"]}, {"text": "空的", "labels": []}])
    done = _import(engine, world, path, _spec("text_class", options={"multi_label": True}))
    assert (done.items, done.preannotated) == (2, 1)


def test_a_long_list_of_problems_is_capped_and_counted(engine, world, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("".join(f"第{n}条消息\n" for n in range(MAX_LISTED + 20)).encode("gbk"))
    with pytest.raises(OrderImportError) as caught:
        _import(engine, world, path, _spec("text_class"))
    message = str(caught.value).splitlines()
    assert message[0] == f"{MAX_LISTED + 20} of {MAX_LISTED + 20} records cannot be imported; nothing was imported."
    assert len(message) == 1 + MAX_LISTED + 2
    assert message[-2] == "  … and 20 more"
    assert message[-1] == "gbk.txt looks like GBK (GB18030) text: save it as UTF-8 and import it again"


def test_kinds_and_sources_must_match(engine, world, tmp_path, data_dir):
    path = tmp_path / "t.txt"
    path.write_text("好\n", encoding="utf-8")
    with pytest.raises(OrderImportError, match="the schema file must say \"task_kind\": 'text_class' or 'ner'"):
        _import(engine, world, path, _spec("bbox"))
    with pytest.raises(OrderImportError, match="a .jsonl, .ndjson, .csv or .txt file"):
        _import(engine, world, tmp_path / "t.json", _spec())
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(OrderImportError, match="no text to import"):
        _import(engine, world, empty, _spec())
    folder = tmp_path / "imgs"
    write_images(folder, 1)
    (folder / "schema.json").write_text(json.dumps({**SCHEMA, "task_kind": "ner"}), encoding="utf-8")
    assert main(["import-order", str(folder), "--data-dir", str(data_dir)]) == 2


def test_the_command_imports_texts_and_transcription_images(app, engine, data_dir, tmp_path, capsys):
    path = tmp_path / "客服.jsonl"
    _write_jsonl(path, [{"text": f"消息{n}", "labels": ["place"]} for n in range(5)])
    (tmp_path / "schema.json").write_text(json.dumps(_spec("text_class", batch_size=2), ensure_ascii=False), encoding="utf-8")
    assert main(["import-order", str(path), "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"from {path}: 5 texts in 3 batches, 5 with pre-annotations")

    path.write_text('{"text": ""}\n', encoding="utf-8")
    assert main(["import-order", str(path), "--data-dir", str(data_dir), "--name", "坏的"]) == 2
    assert "line 1: empty text" in capsys.readouterr().err

    folder = tmp_path / "receipts"
    write_images(folder, 3)
    (folder / "schema.json").write_text(json.dumps({"task_kind": "transcription", "schema": schema(("line",))}), encoding="utf-8")
    assert main(["import-order", str(folder), "--data-dir", str(data_dir)]) == 0
    assert "receipts: 3 items in 1 batches" in capsys.readouterr().out
    with read_connection(engine) as conn:
        kinds = dict(conn.execute(select(tables.orders.c.name, tables.orders.c.task_kind)).all())
    assert (kinds["客服"], kinds["receipts"]) == ("text_class", "transcription") and "坏的" not in kinds


def test_the_import_account_name_of_a_real_user_is_refused(client, engine, world, tmp_path):
    with write_transaction(engine) as conn:
        conn.execute(tables.users.insert().values(office_id=world.office, username=import_account_name(world.office),
                                                  display_name="冒名", role="annotator", password_hash="x"))  # fmt: skip
    path = tmp_path / "p.jsonl"
    _write_jsonl(path, [{"text": "张三", "spans": [[0, 2, "person"]]}])
    with pytest.raises(OrderImportError, match="is taken by an account that is not the import account"):
        _import(engine, world, path, _spec())
    assert client.get("/api/v1/changes", headers=auth("no-token")).status_code == 401
