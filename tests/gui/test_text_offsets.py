"""Spans are code-point offsets into the exact text (Python str indices), while Qt counts
UTF-16 units: emoji and CJK Extension B characters (two units each), "\\r\\n" and a leading
byte-order mark (folded by Qt's text document) must not move any entity."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aidou_desktop.store import Store
from aidou_desktop.ui.editors.text_offsets import Utf16Index, display_text
from sync_server.protocol import Shape
from tests.gui.gui_helpers import log_in, press, start_annotating
from tests.gui.text_helpers import drag_select, seed_text_order, shift_select, utf16

WIDE = "客户😀：我叫𠀀张三👍🏽，电话13800138000。\r\n客服：好的😀，张三先生。"
NAMES = [i for i in range(len(WIDE)) if WIDE.startswith("张三", i)]
ODD = "\ufeff张三\r\n\r\n李四"


@pytest.mark.parametrize("text", [WIDE, ODD, "", "a", "😀", "\U00020000\U00020001x", "x\ud800y"])
def test_positions_cross_both_ways(text):
    index = Utf16Index(text)
    assert index.length16 == len(text.encode("utf-16-le", "surrogatepass")) // 2
    for offset in range(len(text) + 1):
        position = utf16(text, offset) if "\ud800" not in text else offset
        assert index.to_utf16(offset) == position
        assert index.to_code_point(position) == offset
    shown = display_text(text)
    assert len(shown) == len(text) and len(shown.encode("utf-16-le")) == 2 * index.length16


def open_ner(qtbot, open_window, tmp_path, texts, saved=None):
    data_dir = tmp_path / "data"
    ids = seed_text_order(data_dir, "ner", texts)
    if saved:
        with Store(data_dir) as store:
            store.save_shapes(ids[0], saved)
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    if saved:
        press(window.annotate_page.editor.view, Qt.Key.Key_A)  # it opened at the first unlabelled item
    return window.annotate_page, ids


def stored(page, item_id):
    return [(s.label, *s.points[0]) for s in page.store.annotation(item_id).shapes]


def test_marks_after_wide_characters_are_code_point_offsets(qtbot, tmp_path, open_window):
    page, ids = open_ner(qtbot, open_window, tmp_path, [WIDE])
    view = page.editor.view
    assert view.toPlainText().replace("\u200b\n", "\r\n") == WIDE  # shown unchanged, "\r\n" as one break
    first, second = NAMES
    drag_select(view, WIDE, first, first + 2)
    assert view.textCursor().selectedText() == "张三"
    press(view, Qt.Key.Key_1)
    shift_select(view, WIDE, second, 2)  # after an emoji, an Ext-B character and "\r\n"
    assert view.textCursor().selectedText() == "张三"
    press(view, Qt.Key.Key_1)
    assert stored(page, ids[0]) == [("PER", first, first + 2), ("PER", second, second + 2)]
    assert [WIDE[s:e] for _l, s, e in stored(page, ids[0])] == ["张三", "张三"]


def test_shift_right_takes_a_wide_character_whole(qtbot, tmp_path, open_window):
    page, ids = open_ner(qtbot, open_window, tmp_path, [WIDE])
    view = page.editor.view
    start = WIDE.index("😀")
    shift_select(view, WIDE, start, 1)
    press(view, Qt.Key.Key_4)
    assert stored(page, ids[0]) == [("PROD", start, start + 1)]  # one code point: the emoji
    thumb = WIDE.index("👍🏽")  # an emoji and its skin tone: two code points, four UTF-16 units
    drag_select(view, WIDE, thumb, thumb + 2)
    press(view, Qt.Key.Key_4)
    assert stored(page, ids[0])[1] == ("PROD", thumb, thumb + 2)


def test_saved_spans_are_shown_over_the_right_characters(qtbot, tmp_path, open_window):
    texts = [WIDE, ODD]
    saved = [Shape("span", "PER", [[n, n + 2]]) for n in NAMES] + [Shape("span", "PHONE", [[WIDE.index("138"), WIDE.index("。")]])]
    page, ids = open_ner(qtbot, open_window, tmp_path, texts, saved)
    view = page.editor.view
    shown = [sel.cursor.selectedText() for sel in view.extraSelections()]
    assert sorted(shown) == sorted(["张三", "张三", "13800138000"])
    press(view, Qt.Key.Key_D)
    view = page.editor.view
    assert view.document().characterCount() - 1 == len(ODD)  # nothing folded away: positions line up
    name = ODD.index("李四")
    drag_select(view, ODD, name, name + 2)
    assert view.textCursor().selectedText() == "李四"
    press(view, Qt.Key.Key_1)
    assert stored(page, ids[1]) == [("PER", name, name + 2)]
