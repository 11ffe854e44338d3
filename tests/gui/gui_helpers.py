"""Shared pieces of the GUI tests: the seeded data dir, logging in, mouse and keys."""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import, whoever imports us first

from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]  # the checkout: where tests start the real server from

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from aidou_desktop.store import Store  # noqa: E402
from sync_server.protocol import (  # noqa: E402
    Batch,
    Change,
    Item,
    Label,
    LabelSchema,
    LoginResponse,
    Order,
    UserInfo,
    to_wire,
)

ANNOTATOR = UserInfo(7, "anno1", "马小燕", "annotator", 1, "积石山 AI豆 基地")
PASSWORD = "anno123"
# nothing listens on port 9 (discard): login falls back to offline at once
DEAD_SERVER = "http://127.0.0.1:9"
ORDER_ID, BATCH_ID = 1, 10
ITEM_IDS = [100, 101, 102, 103]
ORIGINAL_SIZE = (1920, 1080)
DISPLAY_SIZE = (960, 540)  # the display copy is half size: shapes must still be in original pixels
SCHEMA = LabelSchema(
    1, [Label("car", "轿车", "#e6194b"), Label("truck", "货车", "#3cb44b"), Label("bus", "公交车", "#4363d8")]
)


def jpeg_bytes(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    width, height = DISPLAY_SIZE
    image = np.full((height, width, 3), rng.integers(60, 200, 3), np.uint8)
    cv2.rectangle(image, (100, 100), (400, 300), (20, 20, 20), -1)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


def seed_store(data_dir: Path, task_kind: str = "bbox") -> None:
    """An annotator who logged in online once, one batch, its images in the cache."""
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, PASSWORD, LoginResponse("token", ANNOTATOR, "2026-11-25T08:00:00Z"))
    order = Order(ORDER_ID, "道路场景车辆标注", task_kind, SCHEMA, "# 标注规范\n\n框要**贴紧**目标。", 12)
    batch = Batch(BATCH_ID, ORDER_ID, "批次 1", ANNOTATOR.id, "2030-01-01T00:00:00Z", ITEM_IDS)
    changes = [Change(1, "order", to_wire(order)), Change(2, "batch", to_wire(batch))]
    for n, item_id in enumerate(ITEM_IDS):
        data = jpeg_bytes(item_id)
        sha = hashlib.sha256(data).hexdigest()
        item = Item(item_id, ORDER_ID, BATCH_ID, f"street_{n:03}.jpg", *ORIGINAL_SIZE, sha, len(data), *DISPLAY_SIZE)
        changes.append(Change(3 + n, "item", to_wire(item)))
        partial = store.partial_blob_path(sha)
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
    store.apply_changes(changes, str(len(changes)))
    for change in changes[2:]:
        assert store.commit_blob(change.data["blob"])
    store.close()


def log_in(qtbot, window, password: str = PASSWORD, username: str = ANNOTATOR.username, timeout: int = 10_000) -> None:
    """Type the name and password and click 登录, as a person does; wait for the home page."""
    page = window.login_page
    page.username_edit.setText(username)
    page.password_edit.setText(password)
    QTest.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_page, timeout=timeout)


def open_review_page(qtbot, window):
    """From home, the lead clicks 审核; returns the review page."""
    QTest.mouseClick(window.home_page.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    return window.review_page


def start_annotating(qtbot, window) -> None:
    QTest.mouseClick(window.home_page.annotate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.annotate_page)


def view_point(canvas, x: float, y: float) -> QPoint:
    """Where original-image pixel (x, y) is on the canvas viewport."""
    return canvas.mapFromScene(QPointF(x, y))


def drag(canvas, start: QPoint, end: QPoint, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    viewport = canvas.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, start)
    for k in range(1, 5):
        QTest.mouseMove(viewport, start + (end - start) * (k / 4))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, end)


def click(canvas, x: float, y: float) -> None:
    point = view_point(canvas, x, y)
    drag(canvas, point, point)


def draw_box(canvas, x1: float, y1: float, x2: float, y2: float) -> None:
    drag(canvas, view_point(canvas, x1, y1), view_point(canvas, x2, y2))


def press(widget, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifiers)
