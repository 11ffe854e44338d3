"""Save training.png: anno1 in the demo's training course (新人培训：道路车辆画框), the first
item answered with one car missed and one pedestrian drawn as a car, then 检查答案: the
expected boxes in green dashes over the trainee's own, and what went wrong beside them.

    Xvfb :99 -screen 0 1366x768x24 &
    python -m sync_server.cli serve --demo --data-dir /tmp/shots --port 8790 &
    DISPLAY=:99 python docs/screenshots/take_training_screenshot.py --server http://127.0.0.1:8790
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from take_screenshots import settle, wait_for  # noqa: E402

OUT = Path(__file__).resolve().parent


def draw(canvas, x1: float, y1: float, x2: float, y2: float) -> None:
    start, end = canvas.mapFromScene(QPointF(x1, y1)), canvas.mapFromScene(QPointF(x2, y2))
    QTest.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 6):
        QTest.mouseMove(canvas.viewport(), start + (end - start) * k / 5)
    QTest.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    settle(0.05)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:8790")
    args = parser.parse_args()
    create_application("zh_CN")
    window = create_main_window(Path(tempfile.mkdtemp(prefix="aidou-training-shot-")), args.server)
    window.move(0, 0)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)
    login = window.login_page
    login.username_edit.setText("anno1")
    login.password_edit.setText("anno123")
    login.login_button.click()
    store = window.store
    wait_for(lambda: window.pages.currentWidget() is window.home_page and not window.controller.busy()
             and store.courses() and not store.missing_lesson_blobs())  # fmt: skip
    window.home_page.training_button.click()
    page = window.training_page
    settle(0.3)
    window.grab().save(str(OUT / "training_list.png"))
    page.start_button.click()
    settle(0.5)
    canvas = page.editor.canvas
    names = [label.name for label in page.course.order.schema.labels]
    expected = page.course.items[0].expected
    for n, shape in enumerate(expected[1:]):  # the first object missed
        (x1, y1), (x2, y2) = shape.points
        draw(canvas, x1, y1, x2, y2)
        label = "car" if n == 0 else shape.label  # and one drawn with the wrong class
        QTest.keyClick(canvas, getattr(Qt.Key, f"Key_{names.index(label) + 1}"))
        QTest.keyClick(canvas, Qt.Key.Key_Escape)
    QTest.keyClick(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(0.5)
    window.grab().save(str(OUT / "training.png"))
    print("training:", page.feedback.text())
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
