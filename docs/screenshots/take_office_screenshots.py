"""The lead's and the admin's screens against a demo server, saved next to this file.

    python -m sync_server.cli serve --demo --data-dir /tmp/uidemo --port 8790 &
    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_office_screenshots.py --server http://127.0.0.1:8790

The demo's anno2 has finished a batch, so the lead has a review queue; the lead sends
one item back (the reason dialog is saved too) and accepts another; then the admin's
office screens: orders and batches, people, figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from aidou_desktop.sync import SyncClient  # noqa: E402
from sync_server.protocol import AnnotationRecord, Shape, uuid7  # noqa: E402
from docs.screenshots.take_screenshots import OUT, settle, wait_for  # noqa: E402


def open_as(server: str, username: str, password: str):
    window = create_main_window(Path(tempfile.mkdtemp(prefix="aidou-shots-")), server)
    window.move(0, 0)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)
    login = window.login_page
    login.username_edit.setText(username)
    login.password_edit.setText(password)
    QTest.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: window.pages.currentWidget() is window.home_page and not window.controller.busy(), 90)
    settle(1.0)
    wait_for(lambda: not window.controller.busy(), 90)
    return window


def a_conflict(server: str) -> None:
    """anno2 labels one finished item again on a second PC, from no base: kept as a conflict."""
    anno2 = SyncClient(server)
    anno2.login("anno2", "anno123")
    done = [c.data for c in anno2.changes("", 500).changes if c.kind == "annotation"]
    item = done[5]
    shapes = [Shape(s["kind"], s["label"], s["points"]) for s in item["shapes"]][1:]  # one box fewer
    anno2.push([AnnotationRecord(uuid7(), item["item_id"], None, None, shapes, device_id="demo-pc-9")])


def lead(server: str) -> None:
    a_conflict(server)
    window = open_as(server, "lead", "lead123")
    window.refresh_home()
    settle(0.5)
    window.grab().save(str(OUT / "lead_home.png"))
    QTest.mouseClick(window.home_page.review_button, Qt.MouseButton.LeftButton)
    review = window.review_page
    wait_for(lambda: window.pages.currentWidget() is review)
    QTest.keyClick(review.canvas, Qt.Key.Key_Return)  # the first is right: accepted, on to the next
    settle(0.3)
    QTest.keyClick(review.canvas, Qt.Key.Key_J)
    settle(0.3)
    QTest.keyClick(review.canvas, Qt.Key.Key_J)  # an item that misses a box
    settle(0.5)
    window.grab().save(str(OUT / "review.png"))
    QTest.keyClick(review.canvas, Qt.Key.Key_R)
    wait_for(review.reject_dialog.isVisible, 5)
    QTest.keyClick(review.reject_dialog, Qt.Key.Key_1)  # 漏标
    settle(0.5)
    # the dialog is a window of its own: take the screen, not the main window
    QApplication.primaryScreen().grabWindow(0, 0, 0, 1366, 768).save(str(OUT / "review_reject.png"))
    QTest.keyClick(review.reject_dialog, Qt.Key.Key_Escape)
    combo = review.filters.status_combo
    combo.setCurrentIndex(combo.findData("conflict"))
    settle(0.8)
    window.grab().save(str(OUT / "review_conflict.png"))
    window.close()


def admin(server: str) -> None:
    window = open_as(server, "admin", "admin123")
    QTest.mouseClick(window.home_page.office_button, Qt.MouseButton.LeftButton)
    office = window.office_page
    wait_for(lambda: office is not None and not office.busy(), 30)
    settle(1.0)
    names = ["office_orders.png", "office_people.png", "office_stats.png"]
    for index, name in enumerate(names):
        office.tabs.setCurrentIndex(index)
        settle(0.5)
        window.grab().save(str(OUT / name))
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:8790")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    create_application(args.lang)
    lead(args.server)
    admin(args.server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
