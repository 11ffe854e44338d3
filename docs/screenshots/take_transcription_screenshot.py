"""Drive the real app against a demo server and save transcription.png: a receipt from the
demo's transcription order, pre-filled by the PC's OCR, one line clicked and corrected.

    python -m sync_server.cli serve --demo --data-dir /tmp/uidemo --port 8790 &
    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_transcription_screenshot.py --server http://127.0.0.1:8790
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from take_screenshots import settle, wait_for  # noqa: E402
from sync_server.protocol import TASK_TRANSCRIPTION  # noqa: E402

OUT = Path(__file__).resolve().parent


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

    login = window.login_page
    login.username_edit.setText("anno1")
    login.password_edit.setText("anno123")
    login.login_button.click()
    home = window.home_page
    wait_for(lambda: window.pages.currentWidget() is home and home.model.rowCount() > 0
             and not window.controller.busy())  # fmt: skip
    store = window.store
    row = next(r for r in range(home.model.rowCount())
               if store.order(home.model.summary(r).order_id).task_kind == TASK_TRANSCRIPTION)  # fmt: skip
    home.table.selectRow(row)
    home.download_button.click()
    wait_for(lambda: not window.controller.busy() and home.selected_batch().downloaded == home.selected_batch().total)
    batch = home.selected_batch().id
    # the background OCR reads the receipts as they arrive
    wait_for(lambda: not store.items_waiting_for_ocr(batch) and not window.ocr.busy(), timeout=120)

    home.annotate_button.click()
    page = window.annotate_page
    wait_for(lambda: window.pages.currentWidget() is page)
    settle(0.5)
    edit = page.editor.text
    line = 3  # an item line: click it (its box is outlined and brought into view), fix its end
    QTest.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(edit.viewport().width() // 2, edit.line_top(line) + 6))  # fmt: skip
    QTest.keyClick(edit, Qt.Key.Key_End)
    settle(0.5)
    window.grab().save(str(OUT / "transcription.png"))
    print("shown", page.current_item().name)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
