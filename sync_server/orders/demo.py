"""The demo base office: people, a bounding-box order and one of each other kind worked end to end
(text classification, entities, transcription: ``demo_text_orders``; polygons: ``demo_polygons``),
a batch of each leased to every annotator.

``aidou-server serve --demo`` and ``aidou-server demo`` call ``seed_demo``. The
passwords are public on purpose (they are in the README): never seed a real server.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from sync_server.db.accounts import create_office, create_user
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.db.private_files import private_dir
from sync_server.db.tables import batches, items, offices
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import TASK_BBOX, Label, LabelSchema

DEMO_OFFICE = "积石山 AI豆 基地"
DEMO_ORDER = "道路场景车辆标注"
DEMO_IMAGE_COUNT = 60
DEMO_BATCH_SIZE = 20
DEMO_LEASE_DAYS = 7

# (username, display name, role, password)
DEMO_ACCOUNTS = [
    ("admin", "马建国（管理员）", "admin", "admin123"),
    ("lead", "韩秀英（组长）", "lead", "lead123"),
    ("anno1", "马小燕", "annotator", "anno123"),
    ("anno2", "韩志强", "annotator", "anno123"),
    ("anno3", "王春花", "annotator", "anno123"),
]

DEMO_SCHEMA = LabelSchema(
    version=1,
    labels=[
        Label("car", "轿车", "#e6194b"),
        Label("truck", "货车", "#3cb44b"),
        Label("bus", "公交车", "#4363d8"),
        Label("pedestrian", "行人", "#f58231"),
        Label("cyclist", "骑行者", "#911eb4"),
    ],
)

DEMO_GUIDELINES = """\
# 道路场景车辆标注 · 标注规范

请为图中每一个 **轿车、货车、公交车、行人、骑行者** 画一个矩形框。

## 1. 框要贴紧
- 框的四条边紧贴目标最外侧的像素，不留空隙，也不要切掉目标的任何部分。
- 后视镜、天线等细小突出部分可以不包含在框内。

## 2. 类别怎么选
| 类别 | 说明 |
|---|---|
| 轿车 car | 小轿车、SUV、面包车、皮卡 |
| 货车 truck | 厢式货车、卡车、工程车 |
| 公交车 bus | 公交车、大巴、校车 |
| 行人 pedestrian | 步行或站立的人 |
| 骑行者 cyclist | 骑自行车、电动车、摩托车的人，**人和车画在同一个框里** |

## 3. 遮挡
- 目标被其他物体挡住时，只框**看得见的部分**，不要去猜被挡住的轮廓。
- 被挡住超过 80%、已经认不出类别的目标不标。

## 4. 太小的目标
- 框的宽或高小于 **10 像素**（按原图计算）的目标不标。

## 5. 图片边缘被截断的目标
- 目标伸出图片边缘时，框画到图片边缘为止，照常标注。

## 6. 拿不准怎么办
- 先按最接近的类别标注，完成后在批次里告诉组长，由组长统一处理。
- 不要为了赶速度漏标：质检题会混在普通题目里，准确率直接影响收入。
"""


def seed_demo(data_dir: Path, db_url: str | None = None) -> bool:
    """Create the demo office in ``data_dir``; False (and nothing done) when it has data already."""
    data_dir = private_dir(Path(data_dir))
    engine = make_engine(db_url or default_db_url(data_dir))
    try:
        with write_transaction(engine) as conn:
            if conn.execute(select(offices.c.id).limit(1)).first() is not None:
                return False
            _seed(conn, BlobStore(data_dir / "blobs"))
        return True
    finally:
        engine.dispose()


def _seed(conn, blob_store: BlobStore) -> None:
    from sync_server.orders.demo_images import make_demo_scenes  # drawing needs only the demo
    from sync_server.orders.demo_polygons import seed_polygon_order
    from sync_server.orders.demo_text_orders import seed_text_orders

    office_id = create_office(conn, DEMO_OFFICE)
    user_ids = {
        username: create_user(conn, office_id, username, display_name, role, password)
        for username, display_name, role, password in DEMO_ACCOUNTS
    }
    with tempfile.TemporaryDirectory(prefix="aidou-demo-") as scratch:
        scenes = make_demo_scenes(Path(scratch), DEMO_IMAGE_COUNT)
        truths = [boxes for _path, boxes in scenes]
        order_id = import_order(
            conn,
            blob_store,
            office_id,
            DEMO_ORDER,
            TASK_BBOX,
            DEMO_SCHEMA,
            DEMO_GUIDELINES,
            [path for path, _boxes in scenes],
            price_cents=12,
            batch_size=DEMO_BATCH_SIZE,
        )
    batch_ids = conn.execute(
        select(batches.c.id).where(batches.c.order_id == order_id).order_by(batches.c.id)
    ).scalars().all()
    until = utc_now() + timedelta(days=DEMO_LEASE_DAYS)
    annotators = [user_ids[username] for username in ("anno1", "anno2", "anno3")]
    for batch_id, annotator in zip(batch_ids, annotators):
        lease_batch(conn, batch_id, annotator, until)
    _finished_batch(conn, batch_ids[1], user_ids["anno2"], truths[DEMO_BATCH_SIZE : 2 * DEMO_BATCH_SIZE])
    _training_course(conn, order_id, batch_ids[2], truths[2 * DEMO_BATCH_SIZE :])
    with tempfile.TemporaryDirectory(prefix="aidou-demo-") as scratch:
        seed_text_orders(conn, blob_store, office_id, annotators, until, Path(scratch))
    with tempfile.TemporaryDirectory(prefix="aidou-demo-") as scratch:
        seed_polygon_order(conn, blob_store, office_id, annotators, until, Path(scratch))


DEMO_COURSE = "新人培训：道路车辆画框"
DEMO_COURSE_ITEMS = 6


def _training_course(conn, order_id: int, batch_id: int, truths: list) -> None:
    """Gold answers (the drawn truth) for the first items of the third batch, and a course
    of them (ADR 0027): the README's tour can take it, offline too."""
    from sync_server.db.quality import store_gold_answers
    from sync_server.db.training import create_course

    item_ids = conn.execute(select(items.c.id).where(items.c.batch_id == batch_id).order_by(items.c.id)).scalars()
    gold = [(item_id, [{"kind": "box", "label": label, "points": [[x1, y1], [x2, y2]]} for label, (x1, y1, x2, y2) in truth])
            for item_id, truth in list(zip(item_ids, truths))[:DEMO_COURSE_ITEMS]]  # fmt: skip
    store_gold_answers(conn, gold)
    create_course(conn, order_id, DEMO_COURSE, 0.8)


# anno2 has finished their batch, so the lead has a review queue from the first login;
# a few items miss a box, for the lead to send back
DEMO_MISSED = (3, 9, 16)


def _finished_batch(conn, batch_id: int, annotator_id: int, truths: list) -> None:
    from sync_server.db.accounts import user_info
    from sync_server.db.push import apply_push
    from sync_server.protocol import AnnotationRecord, Shape, uuid7

    item_ids = conn.execute(select(items.c.id).where(items.c.batch_id == batch_id).order_by(items.c.id)).scalars()
    records = []
    for n, (item_id, truth) in enumerate(zip(item_ids, truths)):
        kept = truth[1:] if n in DEMO_MISSED and len(truth) > 1 else truth
        shapes = [Shape("box", label, [[x1, y1], [x2, y2]]) for label, (x1, y1, x2, y2) in kept]
        records.append(AnnotationRecord(uuid7(), item_id, batch_id, None, shapes, time_spent_ms=40_000 + 1000 * n,
                                        device_id="demo-pc-2"))  # fmt: skip
    apply_push(conn, user_info(conn, annotator_id), records)
