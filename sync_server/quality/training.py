"""Scoring a training attempt (培训, ADR 0027): each answer against the expected one with
the gold measure of its task kind, what was missed and what was extra, and the guideline
line that speaks of it. Plain Python: the PC gives this feedback offline after each item,
and the server scores the same answers again with the same code before it certifies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sync_server.protocol import TASK_BBOX, TASK_POLYGON, Course, Shape
from sync_server.quality.metrics import DEFAULT_IOU, answer_score, match_shapes

ITEM_PASS = 0.999  # an item is "right" only when it scores full marks (floats: 1 − ε)


@dataclass
class ItemFeedback:
    score: float
    missed: list[Shape] = field(default_factory=list)  # expected, not in the answer
    extra: list[Shape] = field(default_factory=list)  # in the answer, not expected
    guideline: str | None = None  # the guideline line about what went wrong

    @property
    def right(self) -> bool:
        return self.score >= ITEM_PASS


def item_feedback(task_kind: str, answer: Sequence[Shape], expected: Sequence[Shape], guidelines: str = "",
                  threshold: float = DEFAULT_IOU) -> ItemFeedback:  # fmt: skip
    score = answer_score(task_kind, answer, expected, threshold)
    if task_kind in (TASK_BBOX, TASK_POLYGON):
        matching = match_shapes(answer, expected, threshold)
        missed = [expected[j] for j in matching.b_only]
        extra = [answer[i] for i in matching.a_only]
    else:
        missed = [s for s in expected if s not in answer]
        extra = [s for s in answer if s not in expected]
    wrong_labels = [s.label for s in (*missed, *extra) if s.label]
    feedback = ItemFeedback(score, missed, extra)
    if score < ITEM_PASS:
        feedback.guideline = guideline_line(guidelines, wrong_labels)
    return feedback


def guideline_line(guidelines: str, labels: Sequence[str]) -> str | None:
    """The first guideline line naming one of ``labels`` (in the order given), else None."""
    lines = [_plain(line) for line in guidelines.splitlines()]
    lines = [line for line in lines if line]
    for label in labels:
        for line in lines:
            if label in line:
                return line
    return None


def attempt_score(task_kind: str, answers: Mapping[int, Sequence[Shape]], expected: Mapping[int, Sequence[Shape]],
                  threshold: float = DEFAULT_IOU) -> float:  # fmt: skip
    """The mean item score over the course's items (``expected``); an item not answered scores 0."""
    if not expected:
        return 0.0
    total = 0.0
    for item_id, reference in expected.items():
        answer = answers.get(item_id)
        if answer is not None:
            total += answer_score(task_kind, answer, reference, threshold)
    return total / len(expected)


def iou_threshold(threshold: float | None) -> float:
    """The IoU from which a box or polygon counts as the expected one: the order's own
    (``orders.iou_threshold``, carried on ``Course.iou_threshold``), else the default."""
    return threshold if threshold else DEFAULT_IOU


def course_threshold(course: Course) -> float:
    """The threshold the server scores ``course``'s attempts with: the PC's feedback uses it too."""
    return iou_threshold(course.iou_threshold)


def passes(score: float, pass_mark: float) -> bool:
    return score >= pass_mark - 1e-9


def _plain(line: str) -> str:
    """A Markdown line as a person reads it: no heading or list marks, a table row as
    "cell：cell，cell", a table's ---- rule as nothing."""
    line = line.strip().strip("#*- \t")
    if line.startswith("|"):
        cells = [cell.strip().strip("*") for cell in line.strip("|").split("|")]
        if all(not cell.strip("-: ") for cell in cells):
            return ""
        return cells[0] + "：" + "，".join(cells[1:]) if len(cells) > 1 else cells[0]
    return line.replace("**", "")
