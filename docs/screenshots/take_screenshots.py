"""Drive the real app against a demo server and save the README screenshots.

    python -m sync_server.cli serve --demo --data-dir /tmp/uidemo --port 8790 &
    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_screenshots.py --server http://127.0.0.1:8790

Logs in as the demo annotator, syncs, downloads the first batch, draws the
demo images' true boxes through real mouse drags and number keys, and saves
login.png, home.png and annotate.png next to this file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from sync_server.orders.demo import DEMO_SCHEMA  # noqa: E402
from sync_server.orders.demo_images import demo_scene  # noqa: E402

OUT = Path(__file__).resolve().parent
LABEL_KEYS = {label.name: getattr(Qt.Key, f"Key_{i + 1}") for i, label in enumerate(DEMO_SCHEMA.labels)}


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        QApplication.processEvents()
        time.sleep(0.02)


def settle(seconds: float = 0.3) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def true_boxes(count: int = 20) -> list[list[tuple[str, list[int]]]]:
    """The demo scenes' true boxes, in the order the server drew them (same seed)."""
    rng = np.random.default_rng(7)
    return [demo_scene(rng)[1] for _ in range(count)]


def draw(canvas, label: str, box: list[int]) -> None:
    viewport = canvas.viewport()
    start = canvas.mapFromScene(QPointF(box[0], box[1]))
    end = canvas.mapFromScene(QPointF(box[2], box[3]))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    QTest.keyClick(canvas, LABEL_KEYS[label])  # the new box is selected: the number key sets its class


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:8790")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    create_application(args.lang)
    window = create_main_window(Path(tempfile.mkdtemp(prefix="aidou-shots-")), args.server)
    window.move(0, 0)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()  # no window manager under Xvfb: shortcuts need an active window
    wait_for(window.isActiveWindow, 10)
    settle(0.5)

    login = window.login_page
    login.username_edit.setText("anno1")
    login.password_edit.setText("anno123")
    settle()
    window.grab().save(str(OUT / "login.png"))

    login.login_button.click()
    home = window.home_page
    wait_for(
        lambda: window.pages.currentWidget() is home and home.model.rowCount() > 0 and not window.controller.busy()
    )
    home.table.selectRow(0)
    home.download_button.click()
    wait_for(lambda: not window.controller.busy() and home.selected_batch().downloaded == home.selected_batch().total)

    truths = true_boxes()
    home.annotate_button.click()
    page = window.annotate_page
    wait_for(lambda: window.pages.currentWidget() is page)
    settle()
    # label the first four items the way an annotator would, then show the busiest one
    counts = []
    for step in range(4):
        item = page.current_item()
        truth = truths[int(item.name.split("_")[1].split(".")[0]) - 1]
        for label, box in truth:
            draw(page.canvas, label, box)
        counts.append(len(truth))
        if step < 3:
            QTest.keyClick(page.canvas, Qt.Key.Key_D)
            settle(0.2)
    best = counts.index(max(counts))
    for _ in range(3 - best):
        QTest.keyClick(page.canvas, Qt.Key.Key_A)
    shown_item = page.current_item()
    labels = [box.label for box in page.canvas.marks]
    page.canvas.select(labels.index("bus") if "bus" in labels else 0)  # show the corner handles on a big box
    settle(0.5)
    window.grab().save(str(OUT / "annotate.png"))
    print("annotated", shown_item.name)

    page.back_button.click()
    settle(0.5)
    window.grab().save(str(OUT / "home.png"))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
