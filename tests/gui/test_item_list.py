"""The annotate page's item list: each item's state, a click opens it, the filter, N for the
next unlabelled item, the batch's end; and the store's one query behind it."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aidou_desktop.store import Store
from aidou_desktop.store.item_pages import PAGE_SIZE, ItemPages
from aidou_desktop.store.item_states import CONFLICT, DONE, EMPTY, REJECTED, UNLABELLED, WAITING
from aidou_desktop.ui.item_list import ItemList
from sync_server.protocol import ACCEPTED, PREANNOTATION_DEVICE, Item, LoginResponse, PushResult
from tests.desktop.conftest import ANNOTATOR as STORE_ANNOTATOR
from tests.desktop.conftest import BATCH_ID as STORE_BATCH
from tests.desktop.conftest import demo_changes
from tests.desktop.test_batch_progress import ITEMS, OTHER, Feed, car, download, statements
from tests.gui.gui_helpers import ITEM_IDS, draw_box, log_in, press, start_annotating


@pytest.fixture
def page(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    return window.annotate_page


def states(page) -> list[str]:
    """Every item's state as its row in the list says it (all rows shown)."""
    model = page.item_list.model
    return [model.data(model.index(row), Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]


def shown_items(page) -> list[int]:
    model = page.item_list.model
    return [page.items.ids[model.item_index(row)] for row in range(model.rowCount())]


def click_row(page, row: int) -> None:
    view = page.item_list.view
    rect = view.visualRect(page.item_list.model.index(row))
    assert rect.isValid() and view.viewport().rect().contains(rect.center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def choose_filter(qtbot, page, text: str) -> None:
    """Open the filter's drop-down with the mouse and click the entry starting with ``text``."""
    combo = page.item_list.filter_combo
    QTest.mouseClick(combo, Qt.MouseButton.LeftButton)
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    QTest.qWait(QApplication.doubleClickInterval() + 50)  # a release sooner is the opening click's own
    row = next(n for n in range(combo.count()) if combo.itemText(n).startswith(text))
    rect = popup.visualRect(popup.model().index(row, 0))
    QTest.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert combo.currentText().startswith(text)


# ------------------------------------------------------------ the page


def test_each_row_shows_its_items_state_as_soon_as_it_is_saved(page):
    assert page.item_list.isVisible()
    assert states(page) == [UNLABELLED] * 4
    draw_box(page.canvas, 400, 300, 800, 600)
    assert states(page) == [WAITING, UNLABELLED, UNLABELLED, UNLABELLED]
    press(page.canvas, Qt.Key.Key_D)
    press(page.canvas, Qt.Key.Key_E)  # nothing to mark here
    assert states(page) == [WAITING, EMPTY, UNLABELLED, UNLABELLED]
    model = page.item_list.model
    assert "nothing to mark" in model.data(model.index(1), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(2), Qt.ItemDataRole.DecorationRole) is not None  # its mark
    assert "Unlabelled (2)" == page.item_list.filter_combo.itemText(1)
    press(page.canvas, Qt.Key.Key_D)
    draw_box(page.canvas, 400, 300, 800, 600)
    assert states(page) == [WAITING, EMPTY, WAITING, UNLABELLED]
    press(page.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo of its first box
    assert states(page) == [WAITING, EMPTY, UNLABELLED, UNLABELLED]  # unlabelled again, not "nothing to mark"
    assert "nothing to mark" not in page.state_label.text()  # as the page's own status line says


def test_states_change_after_a_sync(page):
    draw_box(page.canvas, 400, 300, 800, 600)
    store = page.store
    sent = store.take_outbox(10)
    store.store_push_results([PushResult(record.id, ACCEPTED) for record in sent])  # as a sync does
    assert states(page)[0] == WAITING
    page.window()._synced(None)  # noqa: SLF001 - what the window does when a sync ends
    assert states(page)[0] == DONE
    assert "Uploaded" in page.state_label.text()


def test_clicking_a_row_opens_that_item_and_highlights_it(page):
    view = page.item_list.view
    assert view.currentIndex().row() == 0 and view.selectionModel().isSelected(view.currentIndex())
    click_row(page, 2)
    assert page.current_item().id == ITEM_IDS[2]
    assert page.position_label.text() == "Item 3 / 4"
    assert view.currentIndex().row() == 2
    press(page.canvas, Qt.Key.Key_D)  # the editor still has the keys, and the list follows
    assert page.current_item().id == ITEM_IDS[3] and view.currentIndex().row() == 3


def test_the_filter_shows_only_unlabelled_rows(qtbot, page):
    draw_box(page.canvas, 400, 300, 800, 600)
    press(page.canvas, Qt.Key.Key_D)
    press(page.canvas, Qt.Key.Key_E)
    choose_filter(qtbot, page, "Unlabelled")
    assert shown_items(page) == ITEM_IDS[2:]
    assert states(page) == [UNLABELLED, UNLABELLED]
    click_row(page, 0)
    assert page.current_item().id == ITEM_IDS[2]
    draw_box(page.canvas, 100, 100, 500, 400)  # labelled: it leaves the unlabelled rows
    assert shown_items(page) == ITEM_IDS[3:]
    choose_filter(qtbot, page, "Done")
    assert shown_items(page) == ITEM_IDS[1:2]  # done with nothing to mark; the others wait to upload
    choose_filter(qtbot, page, "Waiting")
    assert shown_items(page) == [ITEM_IDS[0], ITEM_IDS[2]]
    choose_filter(qtbot, page, "All")
    assert shown_items(page) == ITEM_IDS


def test_n_and_its_button_go_to_the_next_unlabelled_item(page):
    draw_box(page.canvas, 400, 300, 800, 600)
    press(page.canvas, Qt.Key.Key_N)
    assert page.current_item().id == ITEM_IDS[1]
    press(page.canvas, Qt.Key.Key_D)
    draw_box(page.canvas, 400, 300, 800, 600)  # item 3 labelled
    press(page.canvas, Qt.Key.Key_A)
    press(page.canvas, Qt.Key.Key_A)
    assert page.current_item().id == ITEM_IDS[0]
    press(page.canvas, Qt.Key.Key_N)
    assert page.current_item().id == ITEM_IDS[1]  # the next unlabelled one after item 1
    press(page.canvas, Qt.Key.Key_E)
    QTest.mouseClick(page.item_list.next_button, Qt.MouseButton.LeftButton)
    assert page.current_item().id == ITEM_IDS[3]  # item 3 is labelled: skipped
    press(page.canvas, Qt.Key.Key_E)
    assert not page.item_list.next_button.isEnabled()
    press(page.canvas, Qt.Key.Key_N)  # none left: it stays, and says so
    assert page.current_item().id == ITEM_IDS[3]
    assert page.notice_label.isVisible() and "No unlabelled" in page.notice_label.text()


def test_the_last_item_says_how_many_are_still_unlabelled(page):
    draw_box(page.canvas, 400, 300, 800, 600)
    assert not page.end_bar.isVisible()
    for _ in range(3):
        press(page.canvas, Qt.Key.Key_D)
    assert page.current_item().id == ITEM_IDS[3]
    press(page.canvas, Qt.Key.Key_D)  # D on the last item: the line is there
    bar = page.end_bar
    assert bar.isVisible() and "3 item(s) still unlabelled" in bar.text_label.text()
    press(page.canvas, Qt.Key.Key_E)
    assert "2 item(s) still unlabelled" in bar.text_label.text()
    QTest.mouseClick(bar.go_button, Qt.MouseButton.LeftButton)  # to the first of them
    assert page.current_item().id == ITEM_IDS[1]
    assert not bar.isVisible()
    press(page.canvas, Qt.Key.Key_E)
    press(page.canvas, Qt.Key.Key_D)
    press(page.canvas, Qt.Key.Key_E)
    press(page.canvas, Qt.Key.Key_D)
    assert page.current_item().id == ITEM_IDS[3]
    assert bar.isVisible() and "Batch finished" in bar.text_label.text()
    assert not bar.go_button.isVisible()


def test_the_list_fits_beside_the_editor_and_the_side_panel(page):
    window = page.window()
    window.resize(1366, 768)
    QTest.qWait(50)
    side = page.side.geometry()
    assert page.item_list.width() <= 200
    assert side.right() <= page.width() and page.item_list.geometry().right() < page.editor_stack.geometry().left()


# ------------------------------------------------------------ scale


def test_a_10000_item_list_reads_only_the_rows_on_screen(qtbot):
    fetched: list[int] = []

    def fetch(ids):
        fetched.extend(ids)
        return [Item(i, 1, 10, f"x{i}.jpg", 100, 100, "", 0, 100, 100) for i in ids]

    ids = list(range(1, 10_001))
    widget = ItemList()
    qtbot.addWidget(widget)
    widget.resize(190, 600)
    widget.set_batch(ItemPages(ids, fetch), {i: DONE for i in ids[:5000]})
    widget.set_current(7000)
    widget.show()
    qtbot.waitExposed(widget)
    assert len(fetched) <= 2 * PAGE_SIZE  # the page on screen (and the first), never the 10,000 names
    assert widget.model.first({UNLABELLED}, 7000) == 7001 and widget.model.first({UNLABELLED}, 9999) == 5000
    assert "Unlabelled (5000)" == widget.filter_combo.itemText(1)


def test_a_step_or_a_save_in_a_10000_item_list_never_lays_out_every_row(qtbot):
    """The current row turning bold, and a saved item's new mark, repaint their rows only:
    QListView lays all 10,000 rows out again after a plain dataChanged (two calls into the
    model per row: 45–90 ms at every step to the next item)."""
    import cProfile
    import pstats

    ids = list(range(1, 10_001))
    widget = ItemList()
    qtbot.addWidget(widget)
    widget.resize(190, 600)
    widget.set_batch(ItemPages(ids, lambda want: [Item(i, 1, 10, f"x{i}.jpg", 100, 100, "", 0, 100, 100) for i in want]),
                     {i: DONE for i in ids[:5000]})  # fmt: skip
    widget.set_current(5000)
    widget.show()
    qtbot.waitExposed(widget)

    def model_calls(step) -> int:
        profile = cProfile.Profile()
        profile.enable()
        step()
        QApplication.processEvents()  # the layout Qt would run next
        profile.disable()
        return sum(calls for (path, _line, name), (calls, *_rest) in pstats.Stats(profile).stats.items()
                   if name == "rowCount" and path.endswith("item_list.py"))  # fmt: skip

    assert model_calls(lambda: widget.set_current(5001)) < 200
    assert widget.model.data(widget.model.index(5001), Qt.ItemDataRole.FontRole).bold()
    assert model_calls(lambda: widget.set_state(5001, DONE)) < 200
    assert widget.model.data(widget.model.index(5000), Qt.ItemDataRole.UserRole) == DONE
    # a filter that the save changes still lays the list out, as it must: rows come and go
    choose = widget.filter_combo
    choose.setCurrentIndex(choose.findData(UNLABELLED))
    assert widget.model.rowCount() == 4999


# ------------------------------------------------------------ the store's one query


@pytest.fixture
def batch(tmp_path):
    store = Store(tmp_path / "store")
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", STORE_ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(len(ITEMS)), "30")
    download(store, ITEMS)
    yield store
    store.close()


def item_states(store):
    return store.item_states(STORE_BATCH, STORE_ANNOTATOR.id)


def test_the_states_are_one_query_however_much_work_is_done(batch):
    assert len(statements(batch, lambda: item_states(batch))) == 1
    for item_id in ITEMS[:15]:
        batch.save_shapes(item_id, car())
    found = {}
    assert len(statements(batch, lambda: found.update(item_states(batch)))) == 1
    assert list(found) == ITEMS
    assert len(statements(batch, lambda: batch.item_states(STORE_BATCH, STORE_ANNOTATOR.id, ITEMS[3]))) == 1


def test_the_states_judge_work_as_the_page_and_the_resume_point_do(batch):
    feed = Feed(batch)
    batch.save_shapes(ITEMS[0], car())  # saved here
    batch.save_shapes(ITEMS[1], [])  # E: nothing to mark
    feed.revision(ITEMS[2], 99, device_id=PREANNOTATION_DEVICE)  # a suggestion imported with the order
    mine = feed.revision(ITEMS[3], STORE_ANNOTATOR.id)  # mine, from another PC
    sent_back = feed.revision(ITEMS[4], STORE_ANNOTATOR.id)
    feed.verdict(sent_back.id, ITEMS[4], "reject", "框不准")
    feed.revision(ITEMS[5], STORE_ANNOTATOR.id)
    feed.revision(ITEMS[5], OTHER.id, status="conflict")  # someone's crossing work: the lead decides
    feed.revision(ITEMS[6], OTHER.id, status="conflict")  # only a conflict on it: still unlabelled
    feed.revision(ITEMS[7], OTHER.id)  # someone else's, shown on the page: done
    batch.save_shapes(ITEMS[8], car())
    refused = batch.take_outbox(10)
    batch.store_push_results([PushResult(r.id, "rejected", "bad label") if r.item_id == ITEMS[8]
                              else PushResult(r.id, ACCEPTED) for r in refused])  # fmt: skip
    feed.verdict(mine.id, ITEMS[3], "accept")
    got = item_states(batch)
    assert [got[i] for i in ITEMS[:10]] == [
        DONE, EMPTY, UNLABELLED, DONE, REJECTED, CONFLICT, UNLABELLED, DONE, REJECTED, UNLABELLED,
    ]  # fmt: skip
    batch.save_shapes(ITEMS[4], car(50))  # the fix: waiting to upload, no longer sent back
    batch.save_shapes(ITEMS[2], car())  # the suggestion checked: the annotator's work
    got = item_states(batch)
    assert (got[ITEMS[4]], got[ITEMS[2]]) == (WAITING, WAITING)
    # the first unlabelled item is where the batch opens
    order, items, start = batch.open_batch(STORE_BATCH, STORE_ANNOTATOR.id)
    assert items[start].id == next(i for i in ITEMS if got[i] == UNLABELLED)


def test_ten_thousand_items_answer_in_one_fast_query(tmp_path):
    store = Store(tmp_path / "big")
    try:
        store.remember_login("http://server.test", "pw", LoginResponse("tok", STORE_ANNOTATOR, "2026-01-01T00:00:00Z"))
        store.apply_changes(demo_changes(10_000), "30")
        store.db.conn.execute("UPDATE items SET ready = 1")
        store.db.conn.commit()
        for item_id in range(100, 1100):
            store.save_shapes(item_id, car())
        best = min(_timed(lambda: item_states(store)) for _ in range(3))
        assert len(item_states(store)) == 10_000
        assert best < 0.2, best  # ~10-20 ms on a laptop; generous for a busy CI machine
    finally:
        store.close()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_n_waits_while_an_input_method_composes(qtbot, tmp_path, open_window):
    from PySide6.QtGui import QInputMethodEvent

    from tests.gui.text_helpers import DIALOGUES, seed_text_order

    ids = seed_text_order(tmp_path / "text", "text_class", DIALOGUES)
    window = open_window(tmp_path / "text")
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    page = window.annotate_page
    view = page.editor.focus_widget()
    QApplication.sendEvent(view, QInputMethodEvent("n", []))  # a pinyin preedit under way
    press(view, Qt.Key.Key_N)
    assert page.current_item().id == ids[0]
    done = QInputMethodEvent()
    done.setCommitString("你")
    QApplication.sendEvent(view, done)
    press(view, Qt.Key.Key_N)
    assert page.current_item().id == ids[1]
