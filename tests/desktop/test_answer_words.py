"""An answer in words, as the review page's copies and training's feedback both show it."""

from __future__ import annotations

from aidou_desktop.model.answer_words import answer_parts
from sync_server.protocol import TASK_IMAGE_CLASS, TASK_NER, TASK_TRANSCRIPTION, Shape

TITLES = {"person": "人名", "place": "地名", "cat": "猫"}


def test_entities_come_in_reading_order_with_their_text():
    text = "张三住在北京市"
    spans = [Shape("span", "place", [[4, 7]]), Shape("span", "person", [[0, 2]]), Shape("span", "phone", [[2, 3]])]
    # drawn in any order; a label the schema no longer has shows its name
    assert answer_parts(TASK_NER, spans, text, TITLES) == ["「张三」人名", "「住」phone", "「北京市」地名"]


def test_classes_are_their_titles_and_lines_their_text():
    assert answer_parts(TASK_IMAGE_CLASS, [Shape("class", "cat", [])], "", TITLES) == ["猫"]
    lines = [Shape("text", "", [[0, 0], [10, 10]], text="发票号码 001"), Shape("text", "", [[0, 20], [10, 30]], text="")]
    assert answer_parts(TASK_TRANSCRIPTION, lines, "", TITLES) == ["发票号码 001", ""]
