"""The annotate page's keys. Single keys (letters, digits, Enter) are the page's only while
the editor is not taking typed text: a pinyin composition or a text field gets them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from aidou_desktop.ui.copy_previous import copy_previous_boxes
from aidou_desktop.ui.keys_help import KeysHelp
from aidou_desktop.ui.label_list import MAX_KEYED_LABELS


def install_keys(page) -> QAction:
    """Add the page's shortcuts to ``page`` (an ``AnnotatePage``); returns the Enter action,
    which only editors that never take typed text enable."""

    def add(keys: list, handler, single_key: bool = True) -> QAction:
        action = QAction(page)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if single_key:
            action.triggered.connect(lambda _checked=False: None if page.editor.wants_keys() else handler())
        else:
            action.triggered.connect(lambda _checked=False: handler())
        page.addAction(action)
        return action

    add(["D", Qt.Key.Key_Right], page.next_item)
    add(["A", Qt.Key.Key_Left], page.previous_item)
    add([QKeySequence.StandardKey.Undo], page.undo, single_key=False)
    add(["Ctrl+Shift+Z", "Ctrl+Y"], page.redo, single_key=False)
    add([Qt.Key.Key_Delete, Qt.Key.Key_Backspace], page.delete_selected)
    add(["E"], page.mark_empty)
    add(["Q"], page.flag_current)
    add(["F"], lambda: page.editor.fit())
    add(["B"], lambda: page.editor.toggle_contrast())
    add(["V"], lambda: copy_previous_boxes(page))
    add(["G"], lambda: page.editor.snap_selected())
    add(["H"], lambda: page.editor.toggle_boxes())
    add(["L"], lambda: page.editor.toggle_tags())
    add(["P"], lambda: page.editor.toggle_tool())
    page.keys_help = KeysHelp(page)
    page.keys_help.finished.connect(page._back_from_dialog)  # noqa: SLF001 - the page's own keys again
    add([Qt.Key.Key_F1], lambda: page.keys_help.show_for(page.editor.keys_help()), single_key=False)
    add([Qt.Key.Key_Escape], lambda: page.editor.deselect())
    for n in range(1, MAX_KEYED_LABELS + 1):
        add([str(n)], lambda i=n - 1: page.choose_label(i))
    return add([Qt.Key.Key_Return, Qt.Key.Key_Enter], page.take_and_next)
