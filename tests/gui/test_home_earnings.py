"""The annotator's home figures: done today, accept rate with its sample, this month's earnings."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.store import Store
from sync_server.protocol import Change, uuid7
from tests.gui.gui_helpers import ANNOTATOR, ITEM_IDS, draw_box, log_in, press, start_annotating


def test_home_shows_the_day_and_what_accepted_work_earns(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    strip = window.home_page.earnings
    assert strip.isVisible() and "Done today: 0" in strip.today.text()
    assert "nothing reviewed yet" in strip.rate.text() and "¥0.00" in strip.money.text()

    start_annotating(qtbot, window)
    canvas = window.annotate_page.canvas
    draw_box(canvas, 100, 100, 500, 400)
    press(canvas, Qt.Key.Key_D)
    draw_box(canvas, 200, 200, 600, 500)
    press(canvas, Qt.Key.Key_D)
    QTest.mouseClick(window.annotate_page.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_page)
    assert "Done today: 2" in strip.today.text() and "This week: 2" in strip.week.text()

    # a lead's verdicts arrive with the next sync: one accepted, one sent back
    with Store(data_dir) as store:
        revisions = [store.annotation(i).id for i in ITEM_IDS[:2]]
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        verdicts = [
            {"id": uuid7(), "annotation_id": revisions[0], "item_id": ITEM_IDS[0], "verdict": "accept",
             "reviewer_id": 2, "received_at": now},
            {"id": uuid7(), "annotation_id": revisions[1], "item_id": ITEM_IDS[1], "verdict": "reject",
             "comment": "漏标", "reviewer_id": 2, "received_at": now},
        ]  # fmt: skip
        store.apply_changes([Change(100 + n, "review", v) for n, v in enumerate(verdicts)], "100",
                            ANNOTATOR.id)  # fmt: skip
    window.refresh_home()
    assert "Accept rate 50% (2 reviewed)" in strip.rate.text()
    assert "¥0.12" in strip.money.text()  # one accepted item at the order's ¥0.12
