"""A lead reviews a polygon order: the annotator's outlines on the review canvas, and a
correction made with the polygon page's gestures (C, drag a point, a new outline closed
with Enter, then Enter saves the lead's revision and accepts it)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sync_server.protocol import Shape
from tests.gui.gui_helpers import drag, log_in, open_review_page, press, view_point
from tests.gui.test_review_page import FIRST, LEAD, LEAD_PASSWORD, ORDER, seed_lead_store

SQUARE = [[300.0, 300.0], [900.0, 300.0], [900.0, 800.0], [300.0, 800.0]]


@pytest.fixture
def page(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "lead-polygons"
    seed_lead_store(data_dir, replace(ORDER, task_kind="polygon"), [Shape("polygon", "car", SQUARE)])
    window = open_window(data_dir)
    log_in(qtbot, window, LEAD_PASSWORD, LEAD.username)
    return open_review_page(qtbot, window)


def click_at(canvas, x, y):
    point = view_point(canvas, x, y)
    QTest.mouseMove(canvas.viewport(), point)
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def test_a_lead_corrects_an_outline_and_adds_one_then_enter_accepts(page):
    canvas, store = page.canvas, page.store
    before = store.annotation(FIRST[0])
    assert canvas.read_only and [m.kind for m in canvas.marks] == ["polygon"]
    click_at(canvas, 1400, 300)
    assert not canvas.drawing, "looking draws nothing"
    press(canvas, Qt.Key.Key_C)
    click_at(canvas, 600, 550)  # select the annotator's outline
    drag(canvas, view_point(canvas, 900, 300), view_point(canvas, 1000, 250))
    for x, y in [(1200, 200), (1500, 200), (1500, 500)]:
        click_at(canvas, x, y)
    press(canvas, Qt.Key.Key_Return)  # closes the new outline, still correcting
    assert not canvas.read_only and len(canvas.shapes()) == 2
    assert store.annotation(FIRST[0]).id == before.id, "nothing saved before the lead says so"
    press(canvas, Qt.Key.Key_Return)  # saves the correction and accepts it
    after = store.annotation(FIRST[0])
    assert after.id != before.id and after.base_id == before.id
    assert [s.kind for s in after.shapes] == ["polygon", "polygon"]
    moved = after.shapes[0].points[1]
    tolerance = 2 / canvas.transform().m11()
    assert abs(moved[0] - 1000) <= tolerance and abs(moved[1] - 250) <= tolerance
    assert store.latest_review(after.id).verdict == "accept"
    assert canvas.read_only and page.current_entry().item_id == FIRST[1]
