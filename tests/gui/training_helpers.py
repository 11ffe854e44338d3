"""Training courses for the GUI tests, made the way the server makes them: orders of each
task kind imported on a real (SQLite) server database, gold answers stored, ``create_course``
run, and the office's courses as ``GET /training/courses`` gives them put on the PC with
their lesson images, as a sync would. Then a person takes them with real mouse and keys."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.store import Store
from sync_server.db import tables
from sync_server.db.accounts import create_office
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import (
    default_db_url,
    make_engine,
    read_connection,
    write_transaction,
)
from sync_server.db.quality import store_gold_answers
from sync_server.db.training import create_course, office_courses
from sync_server.orders.importing import import_order
from sync_server.orders.text_import import import_texts
from sync_server.orders.text_sources import TextEntry
from sync_server.protocol import Course, LoginResponse, UserInfo
from tests.gui.gui_helpers import ANNOTATOR, DEAD_SERVER, PASSWORD, log_in

# a second trainee on the same PC (a shared office PC: ADR 0015)
TRAINEE_B = UserInfo(8, "anno2", "王小红", "annotator", ANNOTATOR.office_id, ANNOTATOR.office_name)

INTENTS = [("logistics", "物流"), ("complaint", "投诉"), ("refund", "退款")]
ENTITIES = [("PER", "人名"), ("LOC", "地名"), ("PHONE", "电话")]
SCENES = [("road", "道路"), ("indoor", "室内"), ("night", "夜景")]
COLORS = ["#e6194b", "#3cb44b", "#4363d8"]

MESSAGES = ["快递三天了还没到，到底发到哪里了？", "你们客服态度太差了，我要投诉！"]
MESSAGE_GOLD = ["logistics", "complaint"]
DIALOGUES = ["客户：我叫张三，住在北京市，电话13800138000。", "客户：我是李四，人在上海。"]
DIALOGUE_GOLD = [[("PER", "张三"), ("LOC", "北京市"), ("PHONE", "13800138000")], [("PER", "李四"), ("LOC", "上海")]]
SCENE_GOLD = ["road", "night"]
VEHICLES = [("car", "轿车"), ("truck", "货车")]
BOX_GOLD = [(40, 40, 200, 160)]  # one car on each lesson image (320×240)
RECEIPT_GOLD = [["超市小票", "TOTAL 12.50"], ["便利店", "CASH 8.00"]]

COURSE_NAMES = {
    "bbox": "新人培训：画框",
    "text_class": "新人培训：客服意图",
    "ner": "新人培训：实体标注",
    "image_class": "新人培训：场景分类",
    "transcription": "新人培训：小票转写",
}


def _schema(labels: list[tuple[str, str]]) -> dict:
    return {"version": 1, "labels": [{"name": n, "title": t, "color": c} for (n, t), c in zip(labels, COLORS)]}


def _images(folder: Path, count: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        path = folder / f"lesson_{seed}_{i}.jpg"
        image = np.full((240, 320, 3), rng.integers(40, 220, 3), np.uint8)
        cv2.rectangle(image, (40, 40), (200, 160), (20, 20, 20), -1)
        cv2.imwrite(str(path), image)
        paths.append(path)
    return paths


def _order_items(conn, order_id: int) -> list[int]:
    from sqlalchemy import select

    return list(conn.execute(select(tables.items.c.id).where(tables.items.c.order_id == order_id)
                             .order_by(tables.items.c.id)).scalars())  # fmt: skip


def _text_class(conn, blob_store, office: int, work: Path) -> tuple[int, list]:
    done = import_texts(conn, office, "客服消息意图分类", "text_class", _schema(INTENTS), "- complaint：投诉要安抚",
                        [TextEntry(n + 1, f"m{n}", text) for n, text in enumerate(MESSAGES)], batch_size=10)  # fmt: skip
    items = _order_items(conn, done.order_id)
    return done.order_id, [(i, [{"kind": "class", "label": g, "points": []}]) for i, g in zip(items, MESSAGE_GOLD)]


def _ner(conn, blob_store, office: int, work: Path) -> tuple[int, list]:
    done = import_texts(conn, office, "客服对话实体标注", "ner", _schema(ENTITIES), "- PHONE：电话号码整串标出",
                        [TextEntry(n + 1, f"d{n}", text) for n, text in enumerate(DIALOGUES)], batch_size=10)  # fmt: skip
    items = _order_items(conn, done.order_id)
    gold = []
    for item_id, text, spans in zip(items, DIALOGUES, DIALOGUE_GOLD):
        shapes = []
        for label, surface in spans:
            start = text.index(surface)
            shapes.append({"kind": "span", "label": label, "points": [[start, start + len(surface)]]})
        gold.append((item_id, shapes))
    return done.order_id, gold


def _image_class(conn, blob_store, office: int, work: Path) -> tuple[int, list]:
    order = import_order(conn, blob_store, office, "场景分类", "image_class", _schema(SCENES), "- night：夜景",
                         _images(work / "scenes", len(SCENE_GOLD), 3), 0, 10)  # fmt: skip
    items = _order_items(conn, order)
    return order, [(i, [{"kind": "class", "label": g, "points": []}]) for i, g in zip(items, SCENE_GOLD)]


def _transcription(conn, blob_store, office: int, work: Path) -> tuple[int, list]:
    order = import_order(conn, blob_store, office, "小票文字转写", "transcription", _schema([("line", "文字行")]),
                         "逐行照抄小票上的字", _images(work / "receipts", len(RECEIPT_GOLD), 4), 0, 10)  # fmt: skip
    items = _order_items(conn, order)
    return order, [(i, [{"kind": "text", "label": "", "points": [], "text": line} for line in lines])
                   for i, lines in zip(items, RECEIPT_GOLD)]  # fmt: skip


def _bbox(conn, blob_store, office: int, work: Path) -> tuple[int, list]:
    order = import_order(conn, blob_store, office, "车辆画框", "bbox", _schema(VEHICLES), "- car：整辆车画紧框",
                         _images(work / "streets", 2, 5), 0, 10)  # fmt: skip
    gold = [{"kind": "box", "label": "car", "points": [[x1, y1], [x2, y2]]} for x1, y1, x2, y2 in BOX_GOLD]
    return order, [(i, gold) for i in _order_items(conn, order)]


BUILDERS = {"bbox": _bbox, "text_class": _text_class, "ner": _ner, "image_class": _image_class, "transcription": _transcription}


def seed_courses(data_dir: Path, work: Path, kinds: list[str], pass_mark: float = 0.5,
                 trainees: tuple[UserInfo, ...] = (ANNOTATOR,), server: str = DEAD_SERVER,
                 iou_threshold: float | None = None) -> list[Course]:  # fmt: skip
    """A PC where ``trainees`` logged in online once (password ``PASSWORD``, token
    ``token-<username>``, a bundle key each; the server at ``server``, by default out of reach)
    and the last sync brought one course per kind in ``kinds``, their images included. The
    server's data dir stays in ``work / "server"``; ``iou_threshold`` is every order's."""
    server_dir = work / "server"
    server_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(default_db_url(server_dir))
    blob_store = BlobStore(server_dir / "blobs")
    try:
        with write_transaction(engine) as conn:
            office = create_office(conn, ANNOTATOR.office_name)
            for kind in kinds:
                order_id, gold = BUILDERS[kind](conn, blob_store, office, work)
                conn.execute(tables.orders.update().where(tables.orders.c.id == order_id)
                             .values(iou_threshold=iou_threshold))  # fmt: skip
                store_gold_answers(conn, gold)
                create_course(conn, order_id, COURSE_NAMES[kind], pass_mark)
        with read_connection(engine) as conn:
            courses = office_courses(conn, office)
    finally:
        engine.dispose()
    store = Store(data_dir)
    try:
        for n, trainee in enumerate(trainees):
            login = LoginResponse(f"token-{trainee.username}", trainee, f"2026-11-25T0{8 + n}:00:00Z",
                                  bundle_key=bundle_key(trainee))  # fmt: skip
            store.remember_login(server, PASSWORD, login)
        store.save_courses(courses, [], trainees[-1].id)
        for course in courses:
            for lesson in course.items:
                if lesson.item.blob and store.blob_path(lesson.item.blob) is None:
                    partial = store.partial_blob_path(lesson.item.blob)
                    partial.parent.mkdir(parents=True, exist_ok=True)
                    partial.write_bytes(blob_store.path(lesson.item.blob).read_bytes())
                    assert store.commit_blob(lesson.item.blob)
    finally:
        store.close()
    return courses


def bundle_key(trainee: UserInfo) -> str:
    return f"{trainee.id:02x}" * 32


def sign_in(qtbot, window, user: UserInfo = ANNOTATOR) -> None:
    log_in(qtbot, window, PASSWORD, user.username)


def open_course(qtbot, window, name: str):
    """Home → 培训 → click the course's row → 开始培训, all by mouse; the training page."""
    QTest.mouseClick(window.home_page.training_button, Qt.MouseButton.LeftButton)
    page = window.training_page
    assert window.pages.currentWidget() is page
    [row] = [r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == name]
    cell = page.table.visualItemRect(page.table.item(row, 0)).center()
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, cell)
    QTest.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentIndex() == 1 and page.course.name == name
    return page


def check(widget) -> None:
    """Ctrl+Enter where the keyboard is: check the answer, or go on once it is checked."""
    QTest.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
