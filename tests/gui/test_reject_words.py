"""What the person reads about a refused change is Chinese, chosen by the problem's code:
the desktop's own check before a save and the server's answer after a push share one
table (``problems.code_text``); the server's English never reaches the screen."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

import sync_server.protocol as protocol
from aidou_desktop.app import TRANSLATIONS
from aidou_desktop.model import Annotation, Item, Label, LabelSchema, Order, Shape, box_shape
from aidou_desktop.ui.annotate_header import AnnotateHeader
from aidou_desktop.ui.editors.problems import _WORDS, code_text, edit_problem, problem_text, saves_anyway
from aidou_desktop.ui.messages import sync_state_text
from sync_server.protocol import TASK_POLYGON, TASK_TRANSCRIPTION, check_payload

translate = QCoreApplication.translate
CROSSES = "The polygon's outline crosses or touches itself: move its points so that no two edges meet."
SCHEMA = LabelSchema(1, [Label("car", "轿车", "#e6194b"), Label("person", "行人", "#3cb44b")])
ITEM = Item(1, 1, 1, "a.jpg", 120, 80, "", 0, 120, 80)
# codes no edit of the marks can fix: one sentence that sends the person to the admin
TECHNICAL = {
    "bad_id", "bad_base_id", "id_reused", "out_of_range", "not_in_batch", "not_reviewer", "unknown_verdict",
    "comment_missing", "unknown_annotation", "not_on_item", "open_conflict",
}  # fmt: skip


def order(task_kind: str) -> Order:
    return Order(1, "订单", task_kind, SCHEMA, "", 10)


@pytest.fixture
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_every_code_is_worded_on_purpose():
    codes = {value for name, value in vars(protocol).items() if name.startswith("REJECT_")}
    assert set(_WORDS) | TECHNICAL == codes, sorted(codes - set(_WORDS) - TECHNICAL)
    assert not set(_WORDS) & TECHNICAL


def test_a_self_intersecting_polygon_is_refused_before_saving_in_chinese(qapp):
    bow_tie = Shape("polygon", "car", [[10, 10], [50, 10], [10, 50], [50, 50]])
    good = Shape("polygon", "car", [[10, 10], [60, 10], [60, 60], [35, 30], [10, 60]])
    assert edit_problem(order(TASK_POLYGON), ITEM, [good]) is None
    problem = edit_problem(order(TASK_POLYGON), ITEM, [good, bow_tie])
    assert problem.code == "polygon_self_intersects" and problem.params["shape"] == 2
    assert not saves_anyway(order(TASK_POLYGON), problem)
    assert problem_text(problem, order(TASK_POLYGON)) == translate("Problems", CROSSES)
    outside = edit_problem(order(TASK_POLYGON), ITEM, [Shape("polygon", "car", [[10, 10], [500, 10], [10, 50]])])
    assert problem_text(outside) == translate("Problems", "A point of the polygon lies outside the image.")


def test_an_empty_transcription_is_saved_anyway_by_its_code(qapp):
    problem = check_payload(TASK_TRANSCRIPTION, [Shape("text", "", [], " ")], {})
    assert saves_anyway(order(TASK_TRANSCRIPTION), problem)


def test_label_titles_come_from_the_order(chinese):
    text = code_text("span_twice", {"start": 0, "end": 2, "label": "person"}, order("ner"))
    assert "行人" in text and "person" not in text


def test_the_status_line_words_a_refusal_from_its_code(chinese):
    text = sync_state_text("rejected", "box_outside", {"width": 120, "height": 80, "shape": 1})
    assert text == "被退回：框无效：大小为零，或超出了图片范围。"
    label = code_text("unknown_label", {"label": "ORG", "shape": 2})
    assert label.startswith("标签 'ORG' 不在本订单的标签列表中")
    # an older server sent no code: our own sentence, never its English
    old = sync_state_text("rejected")
    assert old.startswith("被退回：") and old == "被退回：" + translate(
        "Problems", "The server did not take this change. Check the marks, fix what is wrong, and save again."
    )


def test_the_header_never_shows_the_servers_english(chinese, qtbot):
    header = AnnotateHeader()
    qtbot.addWidget(header)
    marks = [box_shape("car", 10, 10, 50, 40)]
    refused = Annotation("r1", 1, 1, None, marks, state="rejected", reason="shape 1: box lies outside the 120×80 image",
                         reason_code="box_outside", reason_params={"width": 120, "height": 80, "shape": 1})  # fmt: skip
    header.show_annotation(refused, None)
    assert header.state_label.text() == "被退回：框无效：大小为零，或超出了图片范围。"
    old = Annotation("r2", 1, 1, None, marks, state="rejected", reason="box has zero or negative size")
    header.show_annotation(old, None)
    assert "zero" not in header.state_label.text() and header.state_label.text().startswith("被退回：")
    # the lead's comment (a person's words) is shown as it was written, apart from the status
    header.show_annotation(refused, "框画歪了")
    assert "框画歪了" in header.review_banner.text() and header.review_banner.isVisibleTo(header)
    assert not re.search(r"[A-Za-z]{3,}", header.state_label.text())
