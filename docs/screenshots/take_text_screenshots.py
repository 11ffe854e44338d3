"""Drive the real app against a demo server and save text_class.png and ner.png: the demo's
text-classification order with a class chosen by its number key, and a dialogue of its NER
order pre-annotated with the order, one more entity marked by a mouse drag and a number key
(it stays selected: full colour, its tag outlined, its row in the list chosen).

    python -m sync_server.cli serve --demo --data-dir /tmp/uidemo --port 8790 &
    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_text_screenshots.py --server http://127.0.0.1:8790
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
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from take_screenshots import settle, wait_for  # noqa: E402
from sync_server.orders.demo_texts import MESSAGES  # noqa: E402
from sync_server.protocol import TASK_NER, TASK_TEXT_CLASS  # noqa: E402

OUT = Path(__file__).resolve().parent


def open_order_of_kind(window, task_kind: str):
    """From the home page, Start labelling on the annotator's batch of an order of ``task_kind``."""
    home, store = window.home_page, window.store
    window.show_home()
    settle(0.3)
    row = next(r for r in range(home.model.rowCount())
               if store.order(home.model.summary(r).order_id).task_kind == task_kind)  # fmt: skip
    home.table.selectRow(row)
    wait_for(lambda: home.selected_batch().downloaded == home.selected_batch().total)  # texts: nothing to download
    home.annotate_button.click()
    wait_for(lambda: window.pages.currentWidget() is window.annotate_page)
    settle(0.5)
    return window.annotate_page


def caret_point(view, position: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def mark(view, text: str, surface: str, key: Qt.Key) -> None:
    """Drag over ``surface`` (its first place in ``text``, no character outside the BMP before
    it in the demo texts) and press the label's number key."""
    start = text.index(surface)
    a, b = caret_point(view, start), caret_point(view, start + len(surface))
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(view.viewport(), (a + b) / 2)
    QTest.mouseMove(view.viewport(), b)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    QTest.keyClick(view, key)


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

    page = open_order_of_kind(window, TASK_TEXT_CLASS)
    view = page.editor.focus_widget()
    names = [label.name for label in page.order.schema.labels]
    truth = dict(MESSAGES)  # the demo's messages with the class each was written for
    for step in range(2):  # the first two messages, each by the key of its class; Enter between
        QTest.keyClick(view, getattr(Qt.Key, f"Key_{names.index(truth[page.current_item().text]) + 1}"))
        if step == 0:
            QTest.keyClick(view, Qt.Key.Key_Return)
    settle(0.5)
    window.grab().save(str(OUT / "text_class.png"))
    print("text class:", page.current_item().name)

    page = open_order_of_kind(window, TASK_NER)
    while not page.editor.shapes() and page.index > 0:  # back to a dialogue pre-annotated with the order
        QTest.keyClick(page.editor.view, Qt.Key.Key_A)
    view, text = page.editor.view, page.current_item().text
    names = [label.name for label in page.order.schema.labels]
    marked = {text[s.points[0][0] : s.points[0][1]] for s in page.editor.shapes()}
    for surface, label in (("王先生", "person"), ("手机", "product"), ("上海", "place")):
        if surface in text and surface not in marked:
            mark(view, text, surface, getattr(Qt.Key, f"Key_{names.index(label) + 1}"))  # selected once marked
            break
    settle(0.5)
    window.grab().save(str(OUT / "ner.png"))
    print("ner:", page.current_item().name, len(page.editor.shapes()), "entities")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
