"""The desktop checks every change with the server's own rules (``check_shape`` and
``check_payload``) before it is saved, and says why in Chinese."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator

from aidou_desktop.app import TRANSLATIONS
from aidou_desktop.store import Store
from aidou_desktop.ui.editors.problems import problem_text
from sync_server.protocol import (
    TASK_BBOX,
    TASK_IMAGE_CLASS,
    TASK_NER,
    TASK_TEXT_CLASS,
    TASK_TRANSCRIPTION,
    Shape,
    check_payload,
    check_shape,
)
from tests.gui.gui_helpers import log_in, press, start_annotating
from tests.gui.text_helpers import DIALOGUES, click_char, drag_select, seed_text_order

LABELS = ["PER", "LOC"]


def span(label, start, end):
    return Shape("span", label, [[start, end]])


# every reason the rules give, as the server words it
REASONS = [
    check_shape(span("ORG", 0, 2), 0, 0, LABELS, 10),  # unknown label
    check_shape(span("PER", 5, 12), 0, 0, LABELS, 10),  # past the end of the text
    check_shape(Shape("span", "PER", [[1.5, 3]]), 0, 0, LABELS, 10),
    check_shape(Shape("class", "PER", [[1, 2]]), 0, 0, LABELS, 10),
    check_shape(Shape("box", "PER", [[5, 5], [1, 1]]), 100, 100, LABELS),
    check_shape(Shape("box", "PER", [[5, 5], [500, 50]]), 100, 100, LABELS),
    check_shape(Shape("text", "", [], None), 100, 100, LABELS),
    check_payload(TASK_NER, [span("PER", 0, 4), span("LOC", 2, 3)], {}),  # nested, not allowed
    check_payload(TASK_NER, [span("PER", 0, 4), span("LOC", 2, 6)], {"nested_spans": True}),  # crossing
    check_payload(TASK_NER, [span("PER", 0, 4), span("PER", 0, 4)], {"nested_spans": True}),  # twice
    check_payload(TASK_TEXT_CLASS, [Shape("class", "PER", []), Shape("class", "LOC", [])], {}),
    check_payload(TASK_IMAGE_CLASS, [Shape("class", "PER", []), Shape("class", "PER", [])], {"multi_label": True}),
    check_payload(TASK_TRANSCRIPTION, [Shape("text", "", [], "  ")], {}),
    check_payload(TASK_BBOX, [span("PER", 0, 1)], {}),
]


def test_every_rule_gives_a_reason():
    assert all(REASONS), REASONS


@pytest.fixture
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize("reason", REASONS)
def test_each_reason_is_told_in_chinese(chinese, reason):
    text = problem_text(reason)
    assert re.search(r"[\u4e00-\u9fff]{4}", text), text
    assert "cannot be saved" not in text and "无法保存" not in text, f"no words of our own for: {reason}"
    # what stays Latin is a label name the order does not know, or a key
    assert set(re.findall(r"[A-Za-z]{2,}", text)) <= {"ORG", "PER"}, text


def test_a_saved_entity_whose_label_the_order_dropped_must_be_fixed_first(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "data"
    ids = seed_text_order(data_dir, "ner", DIALOGUES)
    text = DIALOGUES[0]
    name = text.index("张三")
    with Store(data_dir) as store:  # made against an older label list that had "ORG"
        store.save_shapes(ids[0], [span("ORG", 0, 2)])
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    page = window.annotate_page
    press(page.editor.view, Qt.Key.Key_A)
    assert page.current_item().id == ids[0]
    assert page.editor.view.marks[0].title == "ORG"  # shown by its name, in grey
    drag_select(page.editor.view, text, name, name + 2)
    press(page.editor.view, Qt.Key.Key_1)
    assert "'ORG' is not in this order's label list" in page.notice_label.text()
    assert [s.label for s in page.store.annotation(ids[0]).shapes] == ["ORG"]
    click_char(page.editor.view, text, 0)
    press(page.editor.view, Qt.Key.Key_1)  # re-labelled: allowed, the message goes
    assert not page.notice_label.isVisible()
    assert page.store.annotation(ids[0]).shapes == [span("PER", 0, 2)]
