"""Save review_copies.png: a lead's review queue sorted 分歧最大优先 over an overlap order
(three annotators per street scene, ADR 0026), the least agreeing copy in hand and the
other two copies beside it. Offline: the lead's PC holds what its feed brought.

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_review_copies_screenshot.py
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

import cv2  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from aidou_desktop.store import Store  # noqa: E402
from sync_server.orders.demo import DEMO_SCHEMA  # noqa: E402
from sync_server.orders.demo_images import make_demo_scenes  # noqa: E402
from sync_server.protocol import (  # noqa: E402
    AnnotationRecord,
    Batch,
    Change,
    Item,
    LoginResponse,
    Order,
    Shape,
    UserInfo,
    to_wire,
    uuid7,
)
from take_screenshots import settle, wait_for  # noqa: E402

OUT = Path(__file__).resolve().parent
SERVER = "http://127.0.0.1:9"  # nobody there: the lead works offline
LEAD = UserInfo(3, "lead", "王组长", "lead", 1, "积石山 AI豆 基地")
PASSWORD = "lead123"
PEOPLE = {7: "马小燕", 8: "李娜", 9: "张伟"}
SCENES = 4
DISPLAY_WIDTH = 1280


def boxes(truth, drop: int = 0, relabel: dict[int, str] | None = None, shift: float = 0) -> list[Shape]:
    """A person's answer: the true boxes, some missed, some called something else, some off."""
    out = []
    for n, (label, (x1, y1, x2, y2)) in enumerate(truth[drop:]):
        label = (relabel or {}).get(n, label)
        out.append(Shape("box", label, [[x1 + shift, y1 + shift], [x2 + shift, y2 + shift]]))
    return out


def seed(data_dir: Path) -> None:
    store = Store(data_dir)
    store.remember_login(SERVER, PASSWORD, LoginResponse("token", LEAD, "2026-12-08T08:00:00Z"))
    store.set_people(PEOPLE)
    scenes = make_demo_scenes(data_dir / "scenes", SCENES)
    order = Order(1, "道路场景车辆标注（三人交叉）", "bbox", DEMO_SCHEMA, "# 标注规范\n车辆整体框住。", 8)
    changes = [Change(1, "order", to_wire(order))]

    def add(kind: str, obj) -> None:
        changes.append(Change(len(changes) + 1, kind, to_wire(obj)))

    blobs = {}  # the copies of one scene share its display copy
    for lane, annotator in enumerate(PEOPLE):
        batch_id = 10 + lane
        ids = [100 * (lane + 1) + n for n in range(SCENES)]
        add("batch", Batch(batch_id, order.id, f"批次 {lane + 1}", annotator, "2030-01-01T00:00:00Z", ids))
        for n, (path, truth) in enumerate(scenes):
            image = cv2.imread(str(path))
            height, width = image.shape[:2]
            scale = DISPLAY_WIDTH / width
            small = cv2.resize(image, (DISPLAY_WIDTH, round(height * scale)), interpolation=cv2.INTER_AREA)
            data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
            sha = hashlib.sha256(data).hexdigest()
            blobs[sha] = data
            item_id = ids[n]
            add("item", Item(item_id, order.id, batch_id, path.name, width, height, sha, len(data), *small.shape[1::-1],
                             overlap_group=100 + n))  # fmt: skip
    answers = {}
    for n, (_path, truth) in enumerate(scenes):
        answers[100 + n] = boxes(truth)
        answers[200 + n] = boxes(truth, shift=6)
        # scene 2: the third annotator missed one and called a truck a car
        answers[300 + n] = boxes(truth, drop=1, relabel={0: "truck"}) if n == 1 else boxes(truth, shift=-4)
    for lane, annotator in enumerate(PEOPLE):
        for n in range(SCENES):
            item_id = 100 * (lane + 1) + n
            add("annotation", AnnotationRecord(uuid7(), item_id, 10 + lane, None, answers[item_id], 41_000,
                                               annotator_id=annotator, received_at="2026-12-08T09:00:00Z"))  # fmt: skip
    for sha, data in blobs.items():
        store.partial_blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(sha).write_bytes(data)
    store.apply_changes(changes, str(len(changes)))
    for sha in blobs:
        assert store.commit_blob(sha)
    store.close()


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="aidou-review-copies-shot-"))
    seed(data_dir)
    create_application("zh_CN")
    window = create_main_window(data_dir, SERVER)
    window.move(0, 0)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)
    login = window.login_page
    login.username_edit.setText(LEAD.username)
    login.password_edit.setText(PASSWORD)
    login.login_button.click()
    wait_for(lambda: window.pages.currentWidget() is window.home_page, 20)
    window.home_page.review_button.click()
    page = window.review_page
    wait_for(lambda: window.pages.currentWidget() is page, 10)
    combo = page.filters.sort_combo
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_End)  # the last choice: 分歧最大优先
    settle(1.0)
    window.grab().save(str(OUT / "review_copies.png"))
    print(f"saved {OUT / 'review_copies.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
