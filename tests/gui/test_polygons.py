"""Polygon orders on the annotate page, driven by real mouse and key events on the canvas:
outlines drawn click by click, closed on the first point or Enter, vertices dragged,
inserted and deleted, whole polygons moved, self-crossing outlines refused, boxes with P,
and G outlining the object inside a box. Each change is saved at once, one undo step."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sync_server.protocol.polygon import polygon_area
from tests.gui.gui_helpers import (
    DISPLAY_SIZE,
    ITEM_IDS,
    drag,
    draw_box,
    log_in,
    press,
    seed_store,
    start_annotating,
    view_point,
)

SQUARE = [(300, 300), (900, 300), (900, 800), (300, 800)]


@pytest.fixture
def page(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "polygons"
    seed_store(data_dir, task_kind="polygon")
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    return window.annotate_page


def saved(page, item_id=ITEM_IDS[0]):
    annotation = page.store.annotation(item_id)
    return annotation.shapes if annotation else None


def click_at(canvas, x, y, button=Qt.MouseButton.LeftButton, modifiers=Qt.KeyboardModifier.NoModifier):
    point = view_point(canvas, x, y)
    QTest.mouseMove(canvas.viewport(), point)
    QTest.mouseClick(canvas.viewport(), button, modifiers, point)


def outline(canvas, points, close_by_click=True):
    for x, y in points:
        click_at(canvas, x, y)
    if close_by_click:
        click_at(canvas, *points[0])


def near(points, expected, canvas, pixels=2.0):
    tolerance = pixels / canvas.transform().m11()
    return len(points) == len(expected) and all(
        abs(a - b) <= tolerance for p, q in zip(points, expected) for a, b in zip(p, q)
    )


def test_an_outline_clicked_point_by_point_closes_on_its_first_point_and_is_one_undo_step(page):
    canvas = page.canvas
    assert page.editor.count_text().endswith("drawing polygons")
    outline(canvas, SQUARE[:3], close_by_click=False)
    assert saved(page) is None, "nothing is saved while the outline is open"
    assert canvas.drawing
    click_at(canvas, *SQUARE[3])
    click_at(canvas, *SQUARE[0])  # the first point closes it
    shapes = saved(page)
    assert len(shapes) == 1 and shapes[0].kind == "polygon" and shapes[0].label == "car"
    assert near(shapes[0].points, SQUARE, canvas)
    assert not canvas.drawing and canvas.selected == 0
    press(canvas, Qt.Key.Key_2)  # the class of the outline just closed
    assert saved(page)[0].label == "truck"
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not saved(page), "two undo steps: the class, then the whole outline"


def test_enter_closes_backspace_takes_a_point_back_and_esc_drops_the_outline(page):
    canvas = page.canvas
    outline(canvas, SQUARE + [(600, 1000)], close_by_click=False)
    press(canvas, Qt.Key.Key_Backspace)  # the stray fifth point goes
    press(canvas, Qt.Key.Key_3)  # a number while drawing: the class the outline will have
    press(canvas, Qt.Key.Key_Return)
    shapes = saved(page)
    assert len(shapes) == 1 and shapes[0].label == "bus" and near(shapes[0].points, SQUARE, canvas)

    press(canvas, Qt.Key.Key_Escape)  # deselect
    outline(canvas, [(1000, 200), (1400, 200), (1400, 600)], close_by_click=False)
    press(canvas, Qt.Key.Key_Escape)
    assert not canvas.drawing and len(saved(page)) == 1, "Esc drops an open outline, nothing saved"
    outline(canvas, [(1000, 200), (1400, 200)], close_by_click=False)
    press(canvas, Qt.Key.Key_Return)
    assert canvas.drawing and "three points" in page.notice_label.text()
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # while drawing, undo takes a point back
    assert canvas.drawing and len(saved(page)) == 1


def test_a_self_crossing_outline_is_refused_with_a_message_and_can_be_mended(page):
    canvas = page.canvas
    bow_tie = [(300, 300), (900, 800), (900, 300), (300, 800)]
    outline(canvas, bow_tie, close_by_click=False)
    press(canvas, Qt.Key.Key_Return)
    assert canvas.drawing and saved(page) is None
    assert page.notice_label.isVisible() and "crosses itself" in page.notice_label.text()
    for _ in range(3):
        press(canvas, Qt.Key.Key_Backspace)
    outline(canvas, SQUARE[1:], close_by_click=False)
    press(canvas, Qt.Key.Key_Return)
    assert near(saved(page)[0].points, SQUARE, canvas) and not canvas.drawing


def test_vertices_drag_insert_and_delete_each_as_one_saved_step(page):
    canvas = page.canvas
    outline(canvas, SQUARE)
    # drag a vertex
    drag(canvas, view_point(canvas, 900, 300), view_point(canvas, 1000, 250))
    assert near(saved(page)[0].points, [(300, 300), (1000, 250), (900, 800), (300, 800)], canvas)
    # a drag on an edge inserts a vertex there and moves it
    drag(canvas, view_point(canvas, 300, 550), view_point(canvas, 200, 550))
    points = saved(page)[0].points
    assert len(points) == 5 and near([points[4]], [(200, 550)], canvas)
    # a right-click on a vertex deletes it; Alt+click too
    click_at(canvas, 200, 550, Qt.MouseButton.RightButton)
    assert len(saved(page)[0].points) == 4
    click_at(canvas, 1000, 250, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier)
    assert near(saved(page)[0].points, [(300, 300), (900, 800), (300, 800)], canvas)
    click_at(canvas, 300, 300, Qt.MouseButton.RightButton)  # three points stay
    assert len(saved(page)[0].points) == 3 and "at least three points" in page.notice_label.text()
    for _ in range(4):
        press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert near(saved(page)[0].points, SQUARE, canvas), "each vertex edit was one undo step"


def test_a_vertex_dragged_across_the_outline_is_refused_and_snaps_back(page):
    canvas = page.canvas
    outline(canvas, SQUARE)
    drag(canvas, view_point(canvas, 900, 300), view_point(canvas, 600, 1000))  # folds the square over itself
    assert near(saved(page)[0].points, SQUARE, canvas)
    assert page.notice_label.isVisible() and page.notice_label.text()
    assert near(canvas.shapes()[0].points, SQUARE, canvas), "the screen shows what is saved"


def test_shift_drag_moves_the_polygon_and_arrows_nudge_it_inside_the_image(page):
    canvas = page.canvas
    outline(canvas, SQUARE)
    drag(canvas, view_point(canvas, 600, 500), view_point(canvas, 700, 600), Qt.KeyboardModifier.ShiftModifier)
    moved = [(x + 100, y + 100) for x, y in SQUARE]
    assert near(saved(page)[0].points, moved, canvas, pixels=3)
    drag(canvas, view_point(canvas, 700, 600), view_point(canvas, 1900, 1200), Qt.KeyboardModifier.ShiftModifier)
    xs = [p[0] for p in saved(page)[0].points]
    ys = [p[1] for p in saved(page)[0].points]
    assert max(xs) == pytest.approx(1920, abs=0.01) and max(ys) == pytest.approx(1080, abs=0.01), "stops at the edge"
    before = saved(page)[0].points
    press(canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    step = 10 / canvas.transform().m11()
    assert saved(page)[0].points[0][0] == pytest.approx(before[0][0] - step, abs=0.01)
    assert page.current_item().id == ITEM_IDS[0]


def test_a_click_selects_a_polygon_and_ctrl_click_outlines_on_top_of_it(page):
    canvas = page.canvas
    outline(canvas, SQUARE)
    press(canvas, Qt.Key.Key_Escape)
    assert canvas.selected == -1
    click_at(canvas, 600, 500)
    assert canvas.selected == 0 and not canvas.drawing, "a click on a polygon selects it"
    press(canvas, Qt.Key.Key_Escape)
    inner = [(500, 450), (700, 450), (700, 650)]
    for n, (x, y) in enumerate(inner):
        click_at(canvas, x, y, modifiers=Qt.KeyboardModifier.ControlModifier if n == 0 else Qt.KeyboardModifier.NoModifier)
    press(canvas, Qt.Key.Key_Return)
    shapes = saved(page)
    assert len(shapes) == 2 and near(shapes[1].points, inner, canvas)
    click_at(canvas, 650, 500)
    assert canvas.selected == 1, "the smaller shape under the mouse is the one picked"


TRIANGLE = [(300, 300), (500, 120), (620, 320)]  # display pixels; original pixels are ×2


def triangle_on_texture() -> bytes:
    """A red triangle on a grey, textured road (a lossless PNG: edges are where they were drawn)."""
    rng = np.random.default_rng(9)
    width, height = DISPLAY_SIZE
    image = rng.integers(90, 150, (height, width, 3), dtype=np.uint8)
    cv2.fillPoly(image, [np.array(TRIANGLE, np.int32)], (30, 30, 200))
    return cv2.imencode(".png", image)[1].tobytes()


def test_p_switches_to_boxes_and_g_outlines_the_object_inside_a_box(page):
    page.store.blob_path(page.items[1].blob).write_bytes(triangle_on_texture())
    page.cache.clear()
    canvas = page.canvas
    press(canvas, Qt.Key.Key_D)
    press(canvas, Qt.Key.Key_P)
    assert page.editor.count_text().endswith("drawing boxes")
    draw_box(canvas, 520, 160, 1320, 720)  # loose, around the triangle at (600, 240)–(1240, 640)
    assert [s.kind for s in saved(page, ITEM_IDS[1])] == ["box"]
    press(canvas, Qt.Key.Key_G)
    shape = saved(page, ITEM_IDS[1])[0]
    assert shape.kind == "polygon" and 3 <= len(shape.points) <= 12, shape.points
    xs, ys = [p[0] for p in shape.points], [p[1] for p in shape.points]
    for got, want in ((min(xs), 600), (max(xs), 1240), (min(ys), 240), (max(ys), 640)):
        assert abs(got - want) <= 8, shape.points
    want_area = polygon_area([[2 * x, 2 * y] for x, y in TRIANGLE])
    assert polygon_area(shape.points) == pytest.approx(want_area, rel=0.06)
    press(canvas, Qt.Key.Key_G)  # a polygon is outlined already
    assert "Select a box" in page.notice_label.text()
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert saved(page, ITEM_IDS[1])[0].kind == "box", "the outline was one undo step"
    press(canvas, Qt.Key.Key_P)
    assert page.editor.count_text().endswith("drawing polygons")


def test_leaving_the_item_keeps_an_outline_of_three_points(page):
    canvas = page.canvas
    outline(canvas, SQUARE[:3], close_by_click=False)
    press(canvas, Qt.Key.Key_D)
    assert page.current_item().id == ITEM_IDS[1]
    assert saved(page, ITEM_IDS[0])[0].kind == "polygon" and len(saved(page, ITEM_IDS[0])[0].points) == 3
    assert not canvas.drawing and canvas.shapes() == []


def test_a_double_click_while_outlining_adds_one_point_not_two(page):
    canvas = page.canvas
    click_at(canvas, *SQUARE[0])
    click_at(canvas, *SQUARE[1])
    point = view_point(canvas, *SQUARE[2])
    QTest.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    click_at(canvas, *SQUARE[3])
    press(canvas, Qt.Key.Key_Return)
    assert near(saved(page)[0].points, SQUARE, canvas)


def test_a_polygon_survives_a_restart(qtbot, tmp_path, open_window, page):
    canvas = page.canvas
    outline(canvas, SQUARE)
    page.window().close()
    window = open_window(tmp_path / "polygons")
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    fresh = window.annotate_page
    press(fresh.canvas, Qt.Key.Key_A)
    assert fresh.current_item().id == ITEM_IDS[0]
    assert fresh.canvas.marks[0].kind == "polygon" and near(fresh.canvas.shapes()[0].points, SQUARE, fresh.canvas)
    assert fresh.canvas.marks[0].tag.text == "轿车"


def test_v_copies_the_previous_items_outlines(page):
    canvas = page.canvas
    outline(canvas, SQUARE)
    press(canvas, Qt.Key.Key_D)
    press(canvas, Qt.Key.Key_V)
    shapes = saved(page, ITEM_IDS[1])
    assert [s.kind for s in shapes] == ["polygon"] and near(shapes[0].points, SQUARE, canvas)
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not saved(page, ITEM_IDS[1]), "one undo step"
