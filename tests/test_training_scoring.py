"""Training's scoring (ADR 0027), the same on the PC and the server: per-item feedback with
what was missed and what was extra, the guideline line, and the attempt's score."""

from __future__ import annotations

import pytest

from sync_server.protocol import Shape
from sync_server.quality.training import (
    attempt_score,
    guideline_line,
    item_feedback,
    passes,
)

GUIDE = """# 规范
| 类别 | 说明 |
|---|---|
| 轿车 car | 小轿车、SUV |
| 行人 pedestrian | 步行或站立的人 |
- **骑行者 cyclist**：人和车画在同一个框里
"""


def box(label="car", x1=10, y1=10, x2=50, y2=40) -> Shape:
    return Shape("box", label, [[x1, y1], [x2, y2]])


def test_a_right_answer_has_no_misses_and_no_guideline():
    feedback = item_feedback("bbox", [box(x1=11)], [box()], GUIDE)
    assert feedback.right and feedback.score == 1.0
    assert (feedback.missed, feedback.extra, feedback.guideline) == ([], [], None)


def test_a_wrong_class_is_one_miss_one_extra_and_the_rule_for_the_missed_class():
    expected = [box(), box("pedestrian", 60, 10, 80, 60)]
    answer = [box(), box("cyclist", 60, 10, 80, 60)]
    feedback = item_feedback("bbox", answer, expected, GUIDE)
    assert feedback.score == pytest.approx(0.5) and not feedback.right
    assert [s.label for s in feedback.missed] == ["pedestrian"] and [s.label for s in feedback.extra] == ["cyclist"]
    assert feedback.guideline == "行人 pedestrian：步行或站立的人"  # a table row, as a person reads it


def test_an_empty_answer_to_an_empty_item_is_right_and_classes_are_compared_as_sets():
    assert item_feedback("bbox", [], []).right
    cls = [Shape("class", "complaint", [])]
    feedback = item_feedback("text_class", [Shape("class", "praise", [])], cls, "- complaint：投诉")
    assert feedback.score == 0.0 and feedback.guideline == "complaint：投诉"


def test_guideline_lines_skip_table_rules_and_markup():
    assert guideline_line(GUIDE, ["cyclist"]) == "骑行者 cyclist：人和车画在同一个框里"
    assert guideline_line(GUIDE, ["truck"]) is None
    assert guideline_line("", ["car"]) is None


def test_an_attempt_scores_unanswered_items_zero_and_passes_at_the_mark():
    expected = {1: [box()], 2: [box()], 3: [], 4: [box("pedestrian")]}
    answers = {1: [box()], 2: [box(x1=30)], 3: []}  # item 2: IoU 20/40 = 0.5 matches; 4 left out
    score = attempt_score("bbox", answers, expected)
    assert score == pytest.approx(3 / 4)
    assert passes(score, 0.75) and not passes(score, 0.8)
    assert attempt_score("bbox", {}, {}) == 0.0


def test_the_orders_threshold_decides_a_box_at_iou_07_on_both_sides():
    from sync_server.protocol import Course, LabelSchema, Order
    from sync_server.quality.training import course_threshold

    order = Order(1, "订单", "bbox", LabelSchema(1, []), "", 0)
    own, default = Course(1, "课", "bbox", 0.8, order, [], 0.8), Course(2, "课", "bbox", 0.8, order)
    assert (course_threshold(own), course_threshold(default)) == (0.8, 0.5)
    near = [box(y2=31)]  # 840 / 1200 = IoU 0.7
    assert not item_feedback("bbox", near, [box()], threshold=course_threshold(own)).right
    assert item_feedback("bbox", near, [box()], threshold=course_threshold(default)).right
    assert attempt_score("bbox", {1: near}, {1: [box()]}, course_threshold(own)) == 0.0
