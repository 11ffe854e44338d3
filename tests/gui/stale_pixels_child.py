"""Run under a real X server (``QT_QPA_PLATFORM=xcb``): a crowded canvas is panned,
zoomed and edited with real input events, then what the X server shows is compared with
a fresh render of the same view. The canvas repaints only what changes (Qt's smart
viewport updates: a pan scrolls the pixels on screen and paints the strip that came into
view), so a mark that misreports its bounds would leave stale pixels behind.

Prints the share of pixels that differ after a pan and after an edit, and exits 0."""

from __future__ import annotations

import math
import random
import sys

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aidou_desktop.ui.canvas import AnnotationCanvas
from sync_server.protocol import Shape


def shapes() -> list[Shape]:
    rng = random.Random(4)
    found = []
    for n in range(200):
        x, y = rng.uniform(0, 1800), rng.uniform(0, 1000)
        found.append(Shape("box", "car" if n % 2 else "bus", [[x, y], [x + rng.uniform(20, 120), y + rng.uniform(20, 80)]]))
    for _ in range(60):
        cx, cy, r = rng.uniform(100, 1800), rng.uniform(100, 980), rng.uniform(20, 70)
        found.append(Shape("polygon", "person", [[cx + r * math.cos(k / 3), cy + r * math.sin(k / 3)] for k in range(19)]))
    return found


def main() -> int:
    app = QApplication(sys.argv)
    canvas = AnnotationCanvas()
    canvas.resize(900, 560)
    canvas.set_labels({"car": ("轿车", "#e6194b"), "bus": ("公交车", "#4363d8"), "person": ("行人", "#f58231")})
    photo = QImage(1280, 720, QImage.Format.Format_RGB32)
    for y in range(0, 720, 40):  # stripes: a shifted or stale strip shows
        photo.fill(Qt.GlobalColor.darkGray) if y == 0 else None
        for x in range(0, 1280, 40):
            photo.setPixel(x, y, 0xFFFFFF)
    canvas.show_image(photo, 1920, 1080)
    canvas.set_shapes(shapes())
    canvas.show()
    canvas.activateWindow()
    QTest.qWaitForWindowExposed(canvas)
    viewport = canvas.viewport()
    centre = QPointF(450, 280)
    for _ in range(6):  # real wheel notches
        QApplication.sendEvent(viewport, QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(), QPoint(0, 120),
                                                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                                     Qt.ScrollPhase.NoScrollPhase, False))  # fmt: skip
        app.processEvents()
    at = QPoint(700, 450)
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, at)
    for step in range(80):  # across and back, and down
        at += QPoint(-9 if step < 40 else 6, 3)
        QTest.mouseMove(viewport, at)
        app.processEvents()
    QTest.mouseRelease(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, at)
    shares = [stale_share(canvas)]  # after the pan
    # select a box in view and drag its top-left handle inwards (a mouse move elsewhere
    # would repaint everything for the guide lines: the check comes before one)
    middle = canvas.mapToScene(centre.toPoint())
    boxes = [i for i, mark in enumerate(canvas.marks) if mark.kind == "box"]
    target = min(boxes, key=lambda i: (canvas.marks[i].rect.center() - middle).manhattanLength())
    canvas.select(target)
    handle = canvas.mapFromScene(canvas.marks[target].vertices()[0])
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, handle)
    for step in range(12):
        QTest.mouseMove(viewport, handle + QPoint(step * 3, step * 2))
        app.processEvents()
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, handle + QPoint(33, 22))
    shares.append(stale_share(canvas))  # after the edit
    print("stale " + " ".join(f"{share:.5f}" for share in shares))
    return 0


def stale_share(canvas) -> float:
    """The share of the viewport's pixels that differ between the X server and a fresh render."""
    QTest.qWait(200)
    viewport = canvas.viewport()
    on_screen = canvas.screen().grabWindow(canvas.winId(), viewport.x(), viewport.y(), viewport.width(),
                                           viewport.height()).toImage().convertToFormat(QImage.Format.Format_RGB32)  # fmt: skip
    fresh = viewport.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    if on_screen.size() != fresh.size():
        return 1.0
    differ = sum(1 for y in range(0, fresh.height(), 2) for x in range(0, fresh.width(), 2)
                 if on_screen.pixel(x, y) != fresh.pixel(x, y))  # fmt: skip
    return differ / ((fresh.width() // 2) * (fresh.height() // 2))


if __name__ == "__main__":
    sys.exit(main())
