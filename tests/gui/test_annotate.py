"""Drawing, class keys, navigation, undo and delete — each saved to the store at once."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aidou_desktop.store import Store
from aidou_desktop.store.item_pages import ItemPages
from aidou_desktop.ui import contrast_image
from tests.gui.gui_helpers import (
    DISPLAY_SIZE,
    ITEM_IDS,
    ORIGINAL_SIZE,
    click,
    drag,
    draw_box,
    log_in,
    press,
    start_annotating,
    view_point,
)


@pytest.fixture
def page(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    return window.annotate_page


def saved_shapes(page, item_id):
    annotation = page.store.annotation(item_id)
    return annotation.shapes if annotation else None


def close_to(points, expected, tolerance):
    return all(abs(a - b) <= tolerance for p, q in zip(points, expected) for a, b in zip(p, q))


def test_box_survives_a_restart_with_its_class(qtbot, data_dir, open_window, page):
    canvas = page.canvas
    assert page.current_item().id == ITEM_IDS[0]
    # the display copy is half size: the pixmap is scaled so the scene is in original pixels
    assert page.canvas.pixmap_item.transform().m11() == pytest.approx(ORIGINAL_SIZE[0] / DISPLAY_SIZE[0])
    draw_box(canvas, 400, 300, 800, 600)
    press(canvas, Qt.Key.Key_2)  # second label: 货车 / truck
    shapes = saved_shapes(page, ITEM_IDS[0])
    assert len(shapes) == 1 and shapes[0].label == "truck"
    tolerance = 2 / canvas.transform().m11()  # two screen pixels, in image pixels
    assert close_to(shapes[0].points, [[400, 300], [800, 600]], tolerance)
    assert "Item 1 / 4" == page.position_label.text()
    assert "Waiting to upload" in page.state_label.text()

    press(canvas, Qt.Key.Key_D)
    assert page.current_item().id == ITEM_IDS[1]
    assert page.position_label.text() == "Item 2 / 4"
    page.window().close()

    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    fresh = window.annotate_page
    assert fresh.current_item().id == ITEM_IDS[1]  # opens on the first unlabelled item
    press(fresh.canvas, Qt.Key.Key_Left)
    assert fresh.current_item().id == ITEM_IDS[0]
    shown = fresh.canvas.shapes()
    assert len(shown) == 1 and shown[0].label == "truck"
    assert fresh.canvas.marks[0].tag.text == "货车"


def test_undo_removes_the_box_and_saves(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    assert len(saved_shapes(page, ITEM_IDS[0])) == 1
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.shapes() == [] and saved_shapes(page, ITEM_IDS[0]) is None  # unlabelled again, not "empty"
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(canvas.shapes()) == 1 and len(saved_shapes(page, ITEM_IDS[0])) == 1


def test_delete_key_deletes_the_selected_box(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    draw_box(canvas, 900, 500, 1200, 800)
    assert canvas.selected == 1
    press(canvas, Qt.Key.Key_Delete)
    shapes = saved_shapes(page, ITEM_IDS[0])
    assert len(shapes) == 1 and shapes[0].points[0][0] == pytest.approx(100, abs=3)


def test_a_whole_move_is_one_undo_step(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    shift = Qt.KeyboardModifier.ShiftModifier
    drag(canvas, view_point(canvas, 300, 250), view_point(canvas, 700, 450), shift)
    moved = saved_shapes(page, ITEM_IDS[0])[0].points
    assert moved[0][0] == pytest.approx(500, abs=5) and moved[0][1] == pytest.approx(300, abs=5)
    assert page.undo_stack.count() == 2  # draw + move, not one step per mouse event
    page.undo_stack.undo()
    assert saved_shapes(page, ITEM_IDS[0])[0].points[0][0] == pytest.approx(100, abs=3)


def test_a_drag_inside_a_box_draws_a_new_one_and_a_click_selects(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 900, 700)  # a bus
    draw_box(canvas, 300, 200, 500, 650)  # a person in front of it, drawn from inside the bus's box
    press(canvas, Qt.Key.Key_3)
    shapes = saved_shapes(page, ITEM_IDS[0])
    assert [s.label for s in shapes] == ["car", "bus"]
    assert shapes[0].points[1][0] == pytest.approx(900, abs=3)  # the outer box did not move
    press(canvas, Qt.Key.Key_Escape)
    assert canvas.selected == -1
    click(canvas, 150, 150)
    assert canvas.selected == 0
    click(canvas, 400, 400)
    assert canvas.selected == 1  # the smaller box wins where boxes overlap
    assert page.undo_stack.count() == 3


def test_resize_by_corner_and_boxes_stay_inside_the_image(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    # drag the bottom-right handle far outside the image: the box stops at the edge
    drag(canvas, view_point(canvas, 500, 400), view_point(canvas, 2500, 1500))
    (x1, y1), (x2, y2) = saved_shapes(page, ITEM_IDS[0])[0].points
    assert (x2, y2) == (ORIGINAL_SIZE[0], ORIGINAL_SIZE[1])
    assert x1 == pytest.approx(100, abs=3)


def test_class_keys_merge_into_one_undo_step(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    press(canvas, Qt.Key.Key_2)
    press(canvas, Qt.Key.Key_3)
    assert saved_shapes(page, ITEM_IDS[0])[0].label == "bus"
    assert page.undo_stack.count() == 2
    page.undo_stack.undo()
    assert saved_shapes(page, ITEM_IDS[0])[0].label == "car"


def test_undo_after_moving_on_goes_back_to_that_item(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    press(canvas, Qt.Key.Key_D)
    assert page.current_item().id == ITEM_IDS[1]
    page.undo_stack.undo()
    assert page.current_item().id == ITEM_IDS[0]
    assert saved_shapes(page, ITEM_IDS[0]) is None


def test_a_click_is_not_a_box_and_no_objects_marks_done(page):
    canvas = page.canvas
    point = view_point(canvas, 600, 600)
    drag(canvas, point, point)
    assert canvas.shapes() == [] and saved_shapes(page, ITEM_IDS[0]) is None
    press(canvas, Qt.Key.Key_E)
    assert saved_shapes(page, ITEM_IDS[0]) == []
    assert "nothing to mark" in page.state_label.text()  # the item says so, not only "waiting to upload"
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # a slip of E is undone like any edit
    assert saved_shapes(page, ITEM_IDS[0]) is None and page.store.outbox_count() == 0  # unlabelled again
    assert "nothing to mark" not in page.state_label.text()


def test_undoing_an_items_first_box_leaves_it_unlabelled_not_empty(page):
    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert saved_shapes(page, ITEM_IDS[0]) is None and canvas.shapes() == []  # not "no objects here"
    assert page.store.outbox_count() == 0
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(saved_shapes(page, ITEM_IDS[0])) == 1 and page.store.outbox_count() == 1


def test_e_on_an_image_with_boxes_says_why_it_does_nothing(page):
    draw_box(page.canvas, 100, 100, 500, 400)
    press(page.canvas, Qt.Key.Key_E)
    assert len(saved_shapes(page, ITEM_IDS[0])) == 1
    assert page.notice_label.isVisible() and "already has marks" in page.notice_label.text()



def open_flag_dialog(qtbot, page):
    press(page.canvas, Qt.Key.Key_Q)
    dialog = page.flag_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def back_on_the_page(qtbot, page):
    """The dialog closed: keys reach the page once its window is active again."""
    assert not page.flag_dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window())


def test_q_then_1_and_enter_flags_the_item_for_the_lead_and_ctrl_z_takes_it_back(qtbot, page):
    store, canvas = page.store, page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    assert not page.flag_banner.isVisible()
    dialog = open_flag_dialog(qtbot, page)
    assert not dialog.clear_button.isVisible()  # nothing to remove yet
    press(QApplication.focusWidget(), Qt.Key.Key_1)  # not sure
    press(QApplication.focusWidget(), Qt.Key.Key_Return)
    back_on_the_page(qtbot, page)
    flagged = store.annotation(ITEM_IDS[0])
    assert flagged.flag == "Not sure" and len(flagged.shapes) == 1  # the box stays with the flag
    assert page.flag_banner.isVisible() and page.flag_banner.text() == "Flagged for the lead: Not sure"
    draw_box(canvas, 600, 100, 900, 400)  # an edit of the boxes keeps the flag
    assert store.annotation(ITEM_IDS[0]).flag == "Not sure" and page.flag_banner.isVisible()

    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the second box
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the flag
    assert store.annotation(ITEM_IDS[0]).flag is None and len(saved_shapes(page, ITEM_IDS[0])) == 1
    assert not page.flag_banner.isVisible()
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert store.annotation(ITEM_IDS[0]).flag == "Not sure" and page.flag_banner.isVisible()


def test_a_typed_note_flags_an_item_without_boxes_and_remove_flag_clears_it(qtbot, page):
    store = page.store
    dialog = open_flag_dialog(qtbot, page)
    QTest.mouseClick(dialog.text_edit, Qt.MouseButton.LeftButton)
    QTest.keyClicks(dialog.text_edit, "q1 too dark")  # Q and 1 typed into the note are text, not keys
    assert dialog.text_edit.text() == "q1 too dark" and not dialog.reason_boxes[0].isChecked()
    assert dialog.isVisible() and store.annotation(ITEM_IDS[0]) is None
    press(dialog.text_edit, Qt.Key.Key_Return)
    back_on_the_page(qtbot, page)
    assert (store.annotation(ITEM_IDS[0]).flag, saved_shapes(page, ITEM_IDS[0])) == ("q1 too dark", [])
    assert page.flag_banner.text() == "Flagged for the lead: q1 too dark"

    dialog = open_flag_dialog(qtbot, page)  # an item already flagged: its note, and a way to remove it
    assert dialog.clear_button.isVisible() and dialog.text_edit.text() == "q1 too dark"
    QTest.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    back_on_the_page(qtbot, page)
    assert store.annotation(ITEM_IDS[0]).flag is None
    assert not page.flag_banner.isVisible()
    dialog = open_flag_dialog(qtbot, page)
    press(QApplication.focusWidget(), Qt.Key.Key_2)
    press(QApplication.focusWidget(), Qt.Key.Key_Escape)  # cancel: nothing saved
    back_on_the_page(qtbot, page)
    assert store.annotation(ITEM_IDS[0]).flag is None
    press(page.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo Remove flag
    assert store.annotation(ITEM_IDS[0]).flag == "q1 too dark" and page.flag_banner.isVisible()


def test_navigation_keys_and_buttons(page):
    press(page.canvas, Qt.Key.Key_Right)
    press(page.canvas, Qt.Key.Key_D)
    assert page.current_item().id == ITEM_IDS[2]
    press(page.canvas, Qt.Key.Key_A)
    assert page.current_item().id == ITEM_IDS[1]
    page.prev_button.click()
    assert page.current_item().id == ITEM_IDS[0] and not page.prev_button.isEnabled()


def wheel(canvas, at: QPoint, notches: int) -> None:
    """Turn the mouse wheel over ``at`` on the canvas, as Qt delivers it (one notch = 120)."""
    viewport = canvas.viewport()
    QTest.mouseMove(viewport, at)
    global_at = QPointF(viewport.mapToGlobal(at))
    for _ in range(abs(notches)):
        event = QWheelEvent(QPointF(at), global_at, QPoint(), QPoint(0, 120 if notches > 0 else -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)  # fmt: skip
        QApplication.sendEvent(viewport, event)


@pytest.mark.parametrize("pixel", [(1500, 820), (300, 200), (960, 540)])
def test_wheel_zoom_keeps_the_point_under_the_mouse(page, pixel):
    canvas = page.canvas
    fit = canvas.transform().m11()
    at = view_point(canvas, *pixel)  # a pedestrian, say, under the mouse
    wheel(canvas, at, 3)
    assert canvas.transform().m11() > fit * 1.5
    under = canvas.mapToScene(at)
    assert abs(under.x() - pixel[0]) < 3 and abs(under.y() - pixel[1]) < 3  # still under the mouse
    wheel(canvas, at, -1)
    under = canvas.mapToScene(at)
    assert abs(under.x() - pixel[0]) < 3 and abs(under.y() - pixel[1]) < 3


def test_zoom_and_fit(page):
    canvas = page.canvas
    fit = canvas.transform().m11()
    wheel(canvas, view_point(canvas, 960, 540), 4)
    assert canvas.transform().m11() > fit * 1.5
    press(canvas, Qt.Key.Key_F)
    assert canvas.transform().m11() == pytest.approx(fit)


def test_back_home_shows_progress(qtbot, page):
    draw_box(page.canvas, 100, 100, 500, 400)
    window = page.window()
    page.back_button.click()
    assert window.pages.currentWidget() is window.home_page
    summary = window.home_page.selected_batch()
    assert summary.done == 1
    assert "1" in window.home_page.sync_bar.waiting_label.text()
    with Store(page.store.data_dir) as other:
        assert other.outbox_count() == 1


def test_a_damaged_image_says_so_and_takes_no_boxes(page):
    item = page.items[1]
    page.store.blob_path(item.blob).write_bytes(b"not a jpeg any more")
    page.cache.clear()
    page.go_to(1)
    assert page.error_label.isVisible() and "damaged" in page.error_label.text()
    draw_box(page.canvas, 100, 100, 500, 400)
    assert page.canvas.shapes() == [] and saved_shapes(page, item.id) is None


def test_a_full_disk_is_said_plainly_and_earlier_work_stays(page, monkeypatch):
    from aidou_desktop.store.errors import DiskFull

    canvas = page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    kept = saved_shapes(page, ITEM_IDS[0])

    def full(*_args, **_kwargs):
        raise DiskFull("save your change")

    monkeypatch.setattr(page.store, "save_shapes", full)
    draw_box(canvas, 600, 500, 900, 800)
    assert page.error_label.isVisible()
    assert "disk is full" in page.error_label.text()
    monkeypatch.undo()
    assert saved_shapes(page, ITEM_IDS[0]) == kept  # the earlier box is still saved


def test_images_downloaded_while_annotating_join_the_open_batch(page):
    everything = list(page.items)
    page.go_to(1)
    current = page.current_item()
    # as if only two images had arrived when the batch was opened
    page.items = ItemPages(page.items.ids[:2], page.store.items_with_ids)
    page.index = 1
    window = page.window()
    window._downloaded(current.batch_id, None)
    assert [item.id for item in page.items] == [item.id for item in everything]
    assert page.current_item().id == current.id  # still on the same item
    assert page.position_label.text() == f"Item 2 / {len(everything)}"


def test_arrow_keys_nudge_the_selected_box_and_step_items_when_none_is(page):
    canvas = page.canvas
    draw_box(canvas, 400, 300, 800, 600)  # the new box is selected
    scale = canvas.transform().m11()
    before = saved_shapes(page, ITEM_IDS[0])[0].points
    press(canvas, Qt.Key.Key_Right)
    press(canvas, Qt.Key.Key_Right)
    press(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # Shift: ten screen pixels
    after = saved_shapes(page, ITEM_IDS[0])[0].points
    assert page.current_item().id == ITEM_IDS[0]  # still here: the box moved, not the page
    assert after[0][0] - before[0][0] == pytest.approx(2 / scale, abs=0.01)
    assert after[0][1] - before[0][1] == pytest.approx(10 / scale, abs=0.01)
    assert after[1][0] - after[0][0] == pytest.approx(before[1][0] - before[0][0], abs=0.01)  # same size
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the nudges in a row are one step
    assert saved_shapes(page, ITEM_IDS[0])[0].points == before
    press(canvas, Qt.Key.Key_Escape)  # nothing selected: → steps to the next item again
    press(canvas, Qt.Key.Key_Right)
    assert page.current_item().id == ITEM_IDS[1]


def test_a_nudge_stops_at_the_image_edge(page):
    canvas = page.canvas
    draw_box(canvas, 5, 5, 300, 300)
    (x1, _), (x2, _) = saved_shapes(page, ITEM_IDS[0])[0].points
    for _ in range(5):
        press(canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    points = saved_shapes(page, ITEM_IDS[0])[0].points
    assert points[0][0] == 0 and points[1][0] == pytest.approx(x2 - x1, abs=0.01)  # whole, at the edge


def row_pixels(canvas, y: int) -> list[int]:
    image = canvas.viewport().grab().toImage()
    return [image.pixel(x, y) for x in range(0, image.width(), 2)]


def test_guide_lines_cross_the_whole_image_through_the_mouse(page):
    canvas = page.canvas
    viewport = canvas.viewport()
    at, elsewhere = view_point(canvas, 1500, 300), view_point(canvas, 300, 900)
    QTest.mouseMove(viewport, elsewhere)
    plain = row_pixels(canvas, at.y())
    QTest.mouseMove(viewport, at)
    lined = row_pixels(canvas, at.y())
    left_of_image, right_of_image = view_point(canvas, 0, 300).x(), view_point(canvas, 1920, 300).x()
    changed = [2 * i for i, (a, b) in enumerate(zip(plain, lined)) if a != b]
    assert len(changed) > (right_of_image - left_of_image) / 2 / 3  # a dashed line along the row ...
    assert min(changed) < left_of_image + 40 and max(changed) > right_of_image - 40  # ... from edge to edge


def test_no_guide_lines_for_a_lead_only_looking(page):
    canvas = page.canvas
    canvas.set_read_only(True)  # the review page's canvas
    QTest.mouseMove(canvas.viewport(), view_point(canvas, 1500, 300))
    assert canvas.crosshair is None


def test_f1_shows_the_keys_and_esc_closes_them(qtbot, page):
    press(page.canvas, Qt.Key.Key_F1)
    help_window = page.keys_help
    qtbot.waitUntil(lambda: QApplication.activeWindow() is help_window)
    text = help_window.text_label.text()
    assert "nudge" in text and "Ctrl+Z" in text and "nothing to mark" in text
    press(QApplication.focusWidget() or help_window, Qt.Key.Key_Escape)
    assert not help_window.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window())
    press(page.canvas, Qt.Key.Key_D)  # the page's keys work again
    assert page.current_item().id == ITEM_IDS[1]


def test_b_gives_more_contrast_on_screen_only(page):
    canvas = page.canvas
    draw_box(canvas, 400, 300, 800, 600)
    saved = saved_shapes(page, ITEM_IDS[0])
    plain = canvas.pixmap_item.pixmap().toImage()
    scale = canvas.transform().m11()
    press(canvas, Qt.Key.Key_B)
    brighter = canvas.pixmap_item.pixmap().toImage()
    assert brighter.size() == plain.size() and brighter != plain
    assert canvas.transform().m11() == scale and saved_shapes(page, ITEM_IDS[0]) == saved  # nothing else moved
    press(canvas, Qt.Key.Key_Escape)
    press(canvas, Qt.Key.Key_D)  # stays on for the next photo
    next_plain = page.cache.get(page.store.blob_path(page.current_item().blob))
    assert canvas.pixmap_item.pixmap().toImage() != next_plain.convertToFormat(canvas.pixmap_item.pixmap().toImage().format())
    press(canvas, Qt.Key.Key_A)
    press(canvas, Qt.Key.Key_B)
    assert canvas.pixmap_item.pixmap().toImage() == plain


def test_v_copies_the_previous_items_boxes_as_one_undo_step(page):
    canvas = page.canvas
    press(canvas, Qt.Key.Key_V)  # the first item: nothing before it
    assert saved_shapes(page, ITEM_IDS[0]) is None
    draw_box(canvas, 100, 100, 500, 400)
    press(canvas, Qt.Key.Key_2)
    draw_box(canvas, 900, 300, 1300, 700)
    first = saved_shapes(page, ITEM_IDS[0])
    press(canvas, Qt.Key.Key_Escape)
    press(canvas, Qt.Key.Key_D)
    press(canvas, Qt.Key.Key_V)
    assert saved_shapes(page, ITEM_IDS[1]) == first and canvas.shapes() == first
    press(canvas, Qt.Key.Key_V)  # again: nothing doubled, and it says so
    assert saved_shapes(page, ITEM_IDS[1]) == first and "already" in page.notice_label.text()
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.shapes() == []


def street_texture(blur_sigma: float = 0, light: float = 1.0) -> bytes:
    """A detailed photo-like image (noise over shapes), optionally blurred or darkened."""
    rng = np.random.default_rng(5)
    width, height = DISPLAY_SIZE
    image = rng.integers(40, 220, (height, width, 3), dtype=np.uint8)
    cv2.rectangle(image, (200, 150), (600, 400), (30, 30, 160), -1)
    if blur_sigma:
        image = cv2.GaussianBlur(image, (0, 0), blur_sigma)
    image = (image * light).astype(np.uint8)
    return cv2.imencode(".jpg", image)[1].tobytes()


def test_a_blurred_or_dark_photo_is_said_so_with_the_way_to_skip_it(page):
    page.store.blob_path(page.items[1].blob).write_bytes(street_texture(blur_sigma=6))
    page.store.blob_path(page.items[2].blob).write_bytes(street_texture(light=0.12))
    page.store.blob_path(page.items[3].blob).write_bytes(street_texture())
    page.cache.clear()
    warning = page.editor.quality_label
    assert not warning.isVisible()  # the first photo is fine
    press(page.canvas, Qt.Key.Key_D)
    assert warning.isVisible() and "blurred" in warning.text() and "Image not clear" in warning.text()
    press(page.canvas, Qt.Key.Key_D)
    assert warning.isVisible() and "dark" in warning.text() and "B" in warning.text()
    press(page.canvas, Qt.Key.Key_D)
    assert not warning.isVisible()  # sharp and light: nothing to say


def test_the_photo_check_runs_where_the_photo_is_decoded_not_on_the_keypress(page, monkeypatch):
    checked_on: list[str] = []
    real_check = contrast_image.photo_problem

    def check(bgra):
        checked_on.append(threading.current_thread().name)
        return real_check(bgra)

    monkeypatch.setattr(contrast_image, "photo_problem", check)
    page.store.blob_path(page.items[2].blob).write_bytes(street_texture(light=0.12))
    page.cache.clear()
    press(page.canvas, Qt.Key.Key_D)
    press(page.canvas, Qt.Key.Key_D)
    assert page.editor.quality_label.isVisible() and "dark" in page.editor.quality_label.text()
    # the key press only shows what a decode thread measured (≈ 4 ms of a 1080p next item)
    assert checked_on and threading.main_thread().name not in checked_on, checked_on


def object_on_texture() -> bytes:
    """A red car (display px 300–500 × 200–320, original px ×2) on a grey, textured road."""
    rng = np.random.default_rng(9)
    width, height = DISPLAY_SIZE
    image = rng.integers(90, 150, (height, width, 3), dtype=np.uint8)
    cv2.rectangle(image, (300, 200), (500, 320), (30, 30, 200), -1)
    return cv2.imencode(".png", image)[1].tobytes()


def test_g_snaps_a_loose_box_to_the_object_inside_it(page):
    page.store.blob_path(page.items[1].blob).write_bytes(object_on_texture())
    page.cache.clear()
    canvas = page.canvas
    press(canvas, Qt.Key.Key_D)
    draw_box(canvas, 520, 320, 1100, 740)  # loose, around the car at (600, 400)–(1000, 640)
    press(canvas, Qt.Key.Key_G)
    (x1, y1), (x2, y2) = saved_shapes(page, ITEM_IDS[1])[0].points
    for got, want in ((x1, 600), (y1, 400), (x2, 1002), (y2, 642)):
        assert abs(got - want) <= 8, (x1, y1, x2, y2)
    press(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo step back to the loose box
    (x1, y1), _ = saved_shapes(page, ITEM_IDS[1])[0].points
    assert abs(x1 - 520) <= 3 and abs(y1 - 320) <= 3


def test_g_without_a_box_says_what_to_do(page):
    press(page.canvas, Qt.Key.Key_G)
    assert page.notice_label.isVisible() and "Select a box first" in page.notice_label.text()


def test_h_hides_the_boxes_and_l_the_labels_on_screen_only(page):
    canvas = page.canvas
    draw_box(canvas, 400, 300, 800, 600)
    press(canvas, Qt.Key.Key_Escape)
    saved = saved_shapes(page, ITEM_IDS[0])
    press(canvas, Qt.Key.Key_L)
    assert canvas.marks[0].isVisible() and not canvas.marks[0].tag.isVisible()
    press(canvas, Qt.Key.Key_H)
    assert not canvas.marks[0].isVisible()
    press(canvas, Qt.Key.Key_D)
    press(canvas, Qt.Key.Key_A)  # hidden stays hidden from item to item
    assert not canvas.marks[0].isVisible() and saved_shapes(page, ITEM_IDS[0]) == saved
    draw_box(canvas, 900, 300, 1300, 600)  # drawing shows them all again
    assert all(box.isVisible() for box in canvas.marks) and len(saved_shapes(page, ITEM_IDS[0])) == 2
    press(canvas, Qt.Key.Key_L)
    assert all(box.tag.isVisible() for box in canvas.marks)


def tag_on_screen(canvas, box) -> QRectF:
    """Where a box's label tag is drawn on the viewport (tags keep their screen size)."""
    at = canvas.mapFromScene(box.tag.scenePos())
    return box.tag.boundingRect().translated(at.x(), at.y())


def test_label_tags_of_boxes_close_together_do_not_cover_each_other(qtbot, page):
    canvas = page.canvas
    for x, y in ((400, 300), (430, 312), (460, 324), (1200, 700)):  # three cars nose to tail, one apart
        draw_box(canvas, x, y, x + 300, y + 200)
        press(canvas, Qt.Key.Key_Escape)
    tags = [tag_on_screen(canvas, box) for box in canvas.marks]
    for i, a in enumerate(tags):
        for b in tags[i + 1 :]:
            assert not a.intersects(b), (a, b)
    wheel(canvas, view_point(canvas, 500, 400), 3)  # zoomed in: laid out again once the wheel rests

    def apart() -> bool:
        tags = [tag_on_screen(canvas, box) for box in canvas.marks]
        return not any(a.intersects(b) for i, a in enumerate(tags) for b in tags[i + 1 :])

    qtbot.waitUntil(apart, timeout=2000)
