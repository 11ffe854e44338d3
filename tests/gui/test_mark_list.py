"""The list of an image's marks in the side panel: a row per box or polygon, in step with
the canvas (drawn, deleted, selected), and a click on a row picks that mark."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.gui.gui_helpers import ITEM_IDS, draw_box, log_in, press, start_annotating, view_point


@pytest.fixture
def page(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    return window.annotate_page


def rows(listing) -> list[str]:
    model = listing.model()
    return [model.data(model.index(i, 0)) for i in range(model.rowCount())]


def click_row(listing, row: int) -> None:
    rect = listing.visualRect(listing.model().index(row, 0))
    QTest.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def test_the_list_follows_the_canvas_and_a_click_on_a_row_selects_that_box(page):
    canvas, listing = page.canvas, page.editor.mark_list
    assert listing.isVisible() and rows(listing) == []
    draw_box(canvas, 400, 300, 800, 600)
    press(canvas, Qt.Key.Key_2)
    press(canvas, Qt.Key.Key_Escape)
    press(canvas, Qt.Key.Key_1)  # nothing selected: the class of the next box
    draw_box(canvas, 1000, 200, 1100, 260)
    first, second = page.store.annotation(ITEM_IDS[0]).shapes
    size = [f"{q[0] - p[0]:.0f} × {q[1] - p[1]:.0f}" for p, q in (first.points, second.points)]
    assert rows(listing) == [f"1. 货车  {size[0]}", f"2. 轿车  {size[1]}"]
    assert listing.currentIndex().row() == 1, "the box just drawn is the selected row"
    click_row(listing, 0)
    assert canvas.selected == 0 and canvas.hasFocus(), "the keys go on to the canvas"
    press(canvas, Qt.Key.Key_Delete)
    assert rows(listing) == [f"1. 轿车  {size[1]}"]
    assert [s.label for s in page.store.annotation(ITEM_IDS[0]).shapes] == ["car"]
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view_point(canvas, 1050, 230))  # fmt: skip
    assert canvas.selected == 0 and listing.currentIndex().row() == 0
    press(canvas, Qt.Key.Key_D)
    assert rows(listing) == [], "the next item's marks (none)"
    press(canvas, Qt.Key.Key_A)
    assert rows(listing) == [f"1. 轿车  {size[1]}"]


def test_a_click_on_a_row_brings_a_box_off_screen_into_view(page):
    canvas, listing = page.canvas, page.editor.mark_list
    draw_box(canvas, 1700, 900, 1800, 1000)
    press(canvas, Qt.Key.Key_Escape)
    for _ in range(10):  # wheel notches at the top-left corner: the box leaves the screen
        at = QPointF(view_point(canvas, 100, 100))
        QApplication.sendEvent(canvas.viewport(), QWheelEvent(
            at, canvas.viewport().mapToGlobal(at), QPoint(), QPoint(0, 240), Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))  # fmt: skip
    visible = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert not visible.intersects(canvas.marks[0].rect)
    click_row(listing, 0)
    visible = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert canvas.selected == 0 and visible.contains(canvas.marks[0].rect.center())
