"""Save polygon.png: the demo's polygon order (街景区域多边形标注) on the annotate page, the
first street scene outlined click by click (road, pavements, a building, the cars) the
way an annotator does it, with the last outline still open under the mouse.

    Xvfb :99 -screen 0 1366x768x24 &
    python -m sync_server.cli serve --demo --data-dir /tmp/shots --port 8790 &
    DISPLAY=:99 python docs/screenshots/take_polygon_screenshot.py --server http://127.0.0.1:8790
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from sync_server.orders.demo_polygons import POLYGON_SCHEMA, street_outlines  # noqa: E402
from sync_server.protocol import TASK_POLYGON  # noqa: E402
from take_screenshots import settle, wait_for  # noqa: E402

OUT = Path(__file__).resolve().parent


def scene_outlines(index: int) -> list[tuple[str, list[list[int]]]]:
    """The true outlines of demo scene ``index`` (0-based), as ``street_outline_images`` drew it."""
    rng = np.random.default_rng(11)
    for _ in range(index):
        street_outlines(rng)
    return street_outlines(rng)[1]


def click(canvas, x: float, y: float, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    point = canvas.mapFromScene(QPointF(x, y))
    QTest.mouseMove(canvas.viewport(), point)
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, modifiers, point)
    settle(0.02)


def outline(canvas, label: str, points: list[list[int]], close: bool = True) -> None:
    names = POLYGON_SCHEMA.names()
    QTest.keyClick(canvas, Qt.Key.Key_Escape)
    QTest.keyClick(canvas, getattr(Qt.Key, f"Key_{names.index(label) + 1}"))
    for n, (x, y) in enumerate(points):
        # Ctrl on the first click: start on top of the regions drawn before
        click(canvas, x, y, Qt.KeyboardModifier.ControlModifier if n == 0 else Qt.KeyboardModifier.NoModifier)
    if close:
        QTest.keyClick(canvas, Qt.Key.Key_Return)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:8790")
    args = parser.parse_args()
    create_application("zh_CN")
    window = create_main_window(Path(tempfile.mkdtemp(prefix="aidou-polygon-shot-")), args.server)
    window.move(0, 0)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)
    login = window.login_page
    login.username_edit.setText("anno1")
    login.password_edit.setText("anno123")
    login.login_button.click()
    home = window.home_page
    wait_for(lambda: window.pages.currentWidget() is home and home.model.rowCount() > 0 and not window.controller.busy())
    row = next(r for r in range(home.model.rowCount())
               if window.store.order(home.model.summary(r).order_id).task_kind == TASK_POLYGON)  # fmt: skip
    home.table.selectRow(row)
    home.download_button.click()
    wait_for(lambda: not window.controller.busy() and home.selected_batch().downloaded == home.selected_batch().total)
    home.annotate_button.click()
    wait_for(lambda: window.pages.currentWidget() is window.annotate_page)
    settle(0.5)
    page = window.annotate_page
    canvas = page.canvas
    name = page.current_item().name  # 街景_NN.jpg
    shapes = scene_outlines(int(name.split("_")[1].split(".")[0]) - 1)
    wanted = ["building", "building", "building", "road", "sidewalk", "sidewalk", "vehicle"]
    drawn = []
    for label in wanted:  # in paint order: big regions first, then the cars over the road
        drawn.append(next(s for s in shapes if s[0] == label and s not in drawn))
    drawn.sort(key=shapes.index)
    for label, points in drawn:
        outline(canvas, label, points)
    last = next((s for s in shapes if s[0] == "vehicle" and s not in drawn), None)
    if last is not None:  # the next car half outlined, the mouse where the next click goes
        outline(canvas, last[0], last[1][: len(last[1]) // 2 + 1], close=False)
        x, y = last[1][len(last[1]) // 2 + 1]
        QTest.mouseMove(canvas.viewport(), canvas.mapFromScene(QPointF(x, y)))
    settle(0.5)
    window.grab().save(str(OUT / "polygon.png"))
    print("polygon:", name, [s.kind for s in page.store.annotation(page.current_item().id).shapes])
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
