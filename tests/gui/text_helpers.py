"""Text (and image-class) orders for the GUI tests: a seeded data dir, and mouse and keys
on the text views, through real QTest events."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from aidou_desktop.store import Store
from sync_server.protocol import Batch, Change, Item, Label, LabelSchema, LoginResponse, Order, to_wire
from tests.gui.gui_helpers import ANNOTATOR, DEAD_SERVER, DISPLAY_SIZE, ORIGINAL_SIZE, PASSWORD, jpeg_bytes

ORDER_ID, BATCH_ID = 2, 20
INTENTS = [Label("complaint", "投诉", "#e6194b"), Label("consult", "咨询", "#3cb44b"),
           Label("refund", "退款", "#4363d8"), Label("praise", "表扬", "#f58231")]  # fmt: skip
ENTITIES = [Label("PER", "人名", "#e6194b"), Label("LOC", "地名", "#3cb44b"),
            Label("PHONE", "电话", "#4363d8"), Label("PROD", "产品", "#911eb4")]  # fmt: skip
DIALOGUES = [
    "客服：您好，请问有什么可以帮您？\n客户：我叫张三，住在北京市朝阳区，电话13800138000。我上周买的华为手机屏幕坏了，想退货。",
    "客户：你们的快递太慢了，我在上海等了五天还没到！\n客服：非常抱歉，我马上帮您查一下。",
    "客户：请问这款小米电视支持壁挂吗？\n客服：支持的，包装里有挂架。",
]


def seed_text_order(data_dir: Path, task_kind: str, texts: list[str], labels: list[Label] | None = None,
                    first_item: int = 1000, **schema_options) -> list[int]:  # fmt: skip
    """An annotator who logged in online once and one batch of a text order: its items carry
    no image (blob ""), ready as soon as they are stored. Returns the item ids."""
    schema = LabelSchema(1, labels or (ENTITIES if task_kind == "ner" else INTENTS), **schema_options)
    ids = list(range(first_item, first_item + len(texts)))
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, PASSWORD, LoginResponse("token", ANNOTATOR, "2026-11-25T08:00:00Z"))
    order = Order(ORDER_ID, "客服对话标注", task_kind, schema, "# 标注规范\n\n按对话内容选择。", 8)
    changes = [Change(1, "order", to_wire(order)),
               Change(2, "batch", to_wire(Batch(BATCH_ID, ORDER_ID, "批次 1", ANNOTATOR.id, "2030-01-01T00:00:00Z", ids)))]  # fmt: skip
    for n, (item_id, text) in enumerate(zip(ids, texts)):
        item = Item(item_id, ORDER_ID, BATCH_ID, f"对话_{n + 1:05}", 0, 0, "", 0, 0, 0, text)
        changes.append(Change(3 + n, "item", to_wire(item)))
    store.apply_changes(changes, str(len(changes)))
    store.close()
    return ids


def seed_image_class_order(data_dir: Path, count: int = 3, **schema_options) -> list[int]:
    schema = LabelSchema(1, [Label("road", "道路", "#3cb44b"), Label("indoor", "室内", "#4363d8"),
                             Label("night", "夜景", "#911eb4")], **schema_options)  # fmt: skip
    ids = list(range(3000, 3000 + count))
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, PASSWORD, LoginResponse("token", ANNOTATOR, "2026-11-25T08:00:00Z"))
    order = Order(ORDER_ID, "场景分类", "image_class", schema, "# 标注规范", 5)
    changes = [Change(1, "order", to_wire(order)),
               Change(2, "batch", to_wire(Batch(BATCH_ID, ORDER_ID, "批次 1", ANNOTATOR.id, "2030-01-01T00:00:00Z", ids)))]  # fmt: skip
    for n, item_id in enumerate(ids):
        data = jpeg_bytes(item_id)
        sha = hashlib.sha256(data).hexdigest()
        item = Item(item_id, ORDER_ID, BATCH_ID, f"scene_{n:03}.jpg", *ORIGINAL_SIZE, sha, len(data), *DISPLAY_SIZE)
        changes.append(Change(3 + n, "item", to_wire(item)))
        store.partial_blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(sha).write_bytes(data)
    store.apply_changes(changes, str(len(changes)))
    for change in changes[2:]:
        assert store.commit_blob(change.data["blob"])
    store.close()
    return ids


def utf16(text: str, offset: int) -> int:
    """The UTF-16 position of code-point ``offset`` of ``text`` (what Qt counts)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def point_at(view, position16: int) -> QPoint:
    """Where text position ``position16`` (a caret between two characters) is in the viewport."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(position16)
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def inside_char(view, position16: int) -> QPoint:
    """The middle of the character that starts at ``position16``."""
    left, right = point_at(view, position16), point_at(view, position16 + 1)
    if right.y() != left.y():  # the character ends a line: its middle is a few pixels in
        return QPoint(left.x() + 4, left.y())
    return QPoint((left.x() + right.x()) // 2, left.y())


def drag_select(view, text: str, start: int, end: int) -> None:
    """Select code points ``start`` ≤ i < ``end`` of ``text`` with a mouse drag."""
    view.ensureCursorVisible()
    a, b = point_at(view, utf16(text, start)), point_at(view, utf16(text, end))
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for k in range(1, 5):
        QTest.mouseMove(viewport, a + (b - a) * (k / 4))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def click_char(view, text: str, offset: int) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     inside_char(view, utf16(text, offset)))  # fmt: skip


def shift_select(view, text: str, start: int, length: int) -> None:
    """Click just before character ``start``, then Shift+Right ``length`` times."""
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     point_at(view, utf16(text, start)))  # fmt: skip
    for _ in range(length):
        QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
