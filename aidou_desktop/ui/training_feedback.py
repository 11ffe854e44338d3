"""What the training page says after 检查答案 (ADR 0027): the verdict, then what was expected,
in the words of the task kind — missed and extra marks for boxes and polygons (the expected
ones are drawn over the trainee's), the expected classes, entities or text listed for the
others — and the guideline line about the mistake. Texts in the "TrainingPage" context."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QCoreApplication

from aidou_desktop.model import Shape
from aidou_desktop.model.answer_words import answer_parts
from sync_server.protocol import (
    TASK_BBOX,
    TASK_IMAGE_CLASS,
    TASK_NER,
    TASK_POLYGON,
    TASK_TEXT_CLASS,
    TASK_TRANSCRIPTION,
    Course,
)
from sync_server.quality.training import ItemFeedback

translate = QCoreApplication.translate  # lupdate finds the literal texts of translate() calls


def percent(score: float) -> str:
    return f"{round(score * 100)}%"


def feedback_html(course: Course, position: int, feedback: ItemFeedback) -> str:
    """The feedback on lesson ``position`` of ``course``, as rich text."""
    lesson = course.items[position]
    expected = lesson.expected
    titles = {label.name: label.title for label in course.order.schema.labels}
    kind = course.task_kind
    if feedback.right:
        head = translate("TrainingPage", "Right!")
        lines = [f"<p style='color:#1b7f3b; font-size:13pt'><b>✔ {head}</b></p>"]
    else:
        head = translate("TrainingPage", "Not what was expected (this item: %1)").replace("%1", percent(feedback.score))
        lines = [f"<p style='color:#b3261e; font-size:13pt'><b>✘ {head}</b></p>"]
    if kind in (TASK_BBOX, TASK_POLYGON):
        if not feedback.right:
            lines.append(translate("TrainingPage", "The expected answer is drawn in green dashes over yours."))
        if feedback.missed:
            lines.append(translate("TrainingPage", "Missed: %1").replace("%1", _counted(feedback.missed, titles)))
        if feedback.extra:
            lines.append(translate("TrainingPage", "Extra or wrongly labelled: %1")
                         .replace("%1", _counted(feedback.extra, titles)))  # fmt: skip
    else:
        parts = [_escape(part) for part in answer_parts(kind, expected, lesson.item.text or "", titles)]
        if kind in (TASK_IMAGE_CLASS, TASK_TEXT_CLASS):
            answer = "、".join(parts) or translate("TrainingPage", "no class")
        elif kind == TASK_NER:
            answer = "、".join(parts) or translate("TrainingPage", "no entities")
        else:
            answer = "<br>".join(parts)
        lines.append(translate("TrainingPage", "Expected: %1").replace("%1", answer))
    if feedback.guideline:
        lines.append(translate("TrainingPage", "Guideline: %1").replace("%1", _escape(feedback.guideline)))
    return lines[0] + "<br>".join(lines[1:])  # the verdict is a paragraph of its own


def _counted(shapes: list[Shape], titles: dict[str, str]) -> str:
    counts = Counter(titles.get(s.label, s.label) for s in shapes)
    return _escape("、".join(f"{title} ×{n}" if n > 1 else title for title, n in counts.items()))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def kind_name(task_kind: str) -> str:
    names = {
        TASK_BBOX: translate("TrainingPage", "boxes"),
        TASK_POLYGON: translate("TrainingPage", "polygons"),
        TASK_IMAGE_CLASS: translate("TrainingPage", "image classes"),
        TASK_TEXT_CLASS: translate("TrainingPage", "text classes"),
        TASK_NER: translate("TrainingPage", "entity spans"),
        TASK_TRANSCRIPTION: translate("TrainingPage", "transcription"),
    }
    return names.get(task_kind, task_kind)
