"""The demo office, seeded for real (once: drawing 60 street scenes takes seconds)."""

from datetime import timedelta

from fastapi.testclient import TestClient

from server_helpers import auth, feed
from sync_server.api.app import create_app
from sync_server.db.clock import as_utc, to_iso, utc_now
from sync_server.orders.demo import DEMO_ACCOUNTS, seed_demo
from sync_server.orders.demo_polygons import POLYGON_ORDER, street_outlines
from sync_server.orders.demo_text_orders import ENTITY_ORDER, INTENT_ORDER, RECEIPT_ORDER
from sync_server.orders.importing import DISPLAY_MAX_SIDE
from sync_server.protocol.polygon import is_simple, polygon_area


def test_demo_seed_gives_each_annotator_a_batch_and_is_idempotent(tmp_path):
    data_dir = tmp_path / "demo"
    assert seed_demo(data_dir) is True
    assert seed_demo(data_dir) is False
    app = create_app(data_dir)
    with TestClient(app) as client:
        passwords = {username: password for username, _, _, password in DEMO_ACCOUNTS}
        assert passwords == {"admin": "admin123", "lead": "lead123", "anno1": "anno123", "anno2": "anno123", "anno3": "anno123"}
        batches_seen = set()
        for username in ("anno1", "anno2", "anno3"):
            login = client.post("/api/v1/login", json={"username": username, "password": passwords[username]}).json()
            assert login["user"]["office_name"] == "积石山 AI豆 基地"
            changes = feed(client, login["token"])["changes"]
            orders = {c["data"]["name"]: c["data"] for c in changes if c["kind"] == "order"}
            batches = [c["data"] for c in changes if c["kind"] == "batch"]
            items = [c["data"] for c in changes if c["kind"] == "item"]
            assert list(orders) == ["道路场景车辆标注", INTENT_ORDER, ENTITY_ORDER, RECEIPT_ORDER, POLYGON_ORDER]
            assert [o["task_kind"] for o in orders.values()] == ["bbox", "text_class", "ner", "transcription", "polygon"]
            assert [l["title"] for l in orders[POLYGON_ORDER]["schema"]["labels"]] == ["道路", "人行道", "植被", "建筑", "车辆"]
            labels = orders["道路场景车辆标注"]["schema"]["labels"]
            assert [(l["name"], l["title"], l["color"]) for l in labels] == [
                ("car", "轿车", "#e6194b"), ("truck", "货车", "#3cb44b"), ("bus", "公交车", "#4363d8"),
                ("pedestrian", "行人", "#f58231"), ("cyclist", "骑行者", "#911eb4"),
            ]
            assert "遮挡" in orders["道路场景车辆标注"]["guidelines"]
            by_order = {o["id"]: [i for i in items if i["order_id"] == o["id"]] for o in orders.values()}
            assert len(batches) == 5 and [len(v) for v in by_order.values()] == [20, 20, 10, 3, 5]
            scenes, messages, dialogues, receipts, outlines = by_order.values()
            assert {(i["width"], i["height"]) for i in outlines} == {(1920, 1080)} and all(i["blob"] for i in outlines)
            assert {(i["width"], i["height"], i["display_width"]) for i in scenes} == {(1920, 1080, DISPLAY_MAX_SIDE)}
            assert all(i["text"] and not i.get("blob") for i in messages + dialogues)
            assert {(i["width"], i["height"]) for i in receipts} == {(810, 1080)} and all(i["blob"] for i in receipts)
            suggested = [c["data"] for c in changes if c["kind"] == "annotation" and c["data"].get("device_id") == "aidou-import"]
            assert len(suggested) in (3, 4) and {d["item_id"] for d in suggested} <= {i["id"] for i in dialogues}
            assert to_iso(utc_now() + timedelta(days=6)) < batches[0]["lease_until"] <= to_iso(as_utc(utc_now()) + timedelta(days=7))
            assert all(lease["lease_until"] == batches[0]["lease_until"] for lease in batches)
            batches_seen.add(batches[0]["id"])
        assert len(batches_seen) == 3
        lead = client.post("/api/v1/login", json={"username": "lead", "password": "lead123"}).json()["token"]
        office = feed(client, lead)["changes"]
        items = {c["data"]["id"] for c in office if c["kind"] == "item"}
        assert len(items) == 60 + 60 + 30 + 9 + 15
        # anno2's batch is finished, for the lead's review queue: every box inside its image
        done = [c["data"] for c in office if c["kind"] == "annotation" and c["data"].get("device_id") == "demo-pc-2"]
        assert len(done) == 20 and {d.get("status") for d in done} == {None}
        assert all(0 <= s["points"][0][0] < s["points"][1][0] <= 1920 for d in done for s in d["shapes"])
        assert client.get("/api/v1/changes", headers=auth(lead)).status_code == 200
    app.state.database.engine.dispose()


def test_demo_outlines_are_simple_polygons_inside_their_image():
    import numpy as np

    rng = np.random.default_rng(11)
    for _ in range(3):
        image, shapes = street_outlines(rng)
        assert image.shape == (1080, 1920, 3)
        assert {label for label, _ in shapes} == {"road", "sidewalk", "vegetation", "building", "vehicle"}
        for _label, points in shapes:
            assert len(points) >= 3 and all(0 <= x <= 1920 and 0 <= y <= 1080 for x, y in points)
            assert is_simple(points) and polygon_area(points) > 0

