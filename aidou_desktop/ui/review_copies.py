"""The other copies of an overlap item (ADR 0026) beside the one a lead reviews: each
copy's answer, read-only, with who made it, so the lead sees where the annotators differ
before accepting, sending back or correcting the copy in hand (as on any item).

Boxes and polygons are drawn each on a canvas of its own, as a conflict's sides are
(``conflict_view.read_only_canvas``); classes, entity spans and transcriptions are listed
as text. Nothing here saves, and nothing takes the keyboard: the page's one-key verdicts
stay with the copy in hand.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.model import Item, Order, Shape
from aidou_desktop.model.answer_words import answer_parts
from aidou_desktop.store.copies import CopyAnswer, GroupAgreement
from aidou_desktop.ui.conflict_view import read_only_canvas
from sync_server.protocol import (
    TASK_BBOX,
    TASK_IMAGE_CLASS,
    TASK_NER,
    TASK_POLYGON,
    TASK_TEXT_CLASS,
    TASK_TRANSCRIPTION,
)

DRAWN_TASKS = (TASK_BBOX, TASK_POLYGON)  # answers drawn on the image; the others are listed


class CopiesView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copies: list[CopyAnswer] = []
        self.panels: list[tuple[QLabel, QWidget]] = []  # per copy: its caption, and its canvas or its answer as text
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.row, 1)
        self.hide()

    def show_copies(self, copies: list[CopyAnswer], agreement: GroupAgreement | None, order: Order | None,
                    item: Item | None, image: QImage | None, names: dict[int, str]) -> None:  # fmt: skip
        """Show ``copies`` (the item's other copies) beside ``item``; hidden when there are none."""
        self._clear()
        self.copies = list(copies)
        if not copies or order is None or item is None:
            self.hide()
            return
        self.heading.setText(self._heading(agreement))
        labels = {label.name: (label.title, label.color) for label in order.schema.labels}
        drawn = order.task_kind in DRAWN_TASKS
        for copy in copies:
            frame = QFrame()
            frame.setObjectName("card")
            column = QVBoxLayout(frame)
            caption = QLabel(self._caption(copy, names, drawn))
            caption.setWordWrap(True)
            if drawn:
                body: QWidget = read_only_canvas(copy.shapes or [], image, item.width, item.height, labels)
                # a canvas asks for its photo's size: ignored, so the copy in hand keeps the
                # larger share of the page and the copies share the rest
                body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
                body.setMinimumSize(160, 90)
            else:
                body = QLabel(self._answer_text(order.task_kind, copy.shapes, item.text or "", labels))
                body.setTextFormat(Qt.TextFormat.PlainText)
                body.setWordWrap(True)
                body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            body.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the copy in hand
            column.addWidget(caption)
            column.addWidget(body, 1)
            self.row.addWidget(frame, 1)
            self.panels.append((caption, body))
        self.show()

    def _clear(self) -> None:
        while self.row.count():
            widget = self.row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.panels = []

    def _heading(self, agreement: GroupAgreement | None) -> str:
        if agreement is None or agreement.agreement is None:
            return self.tr("Other annotators' copies of this item (too few answers to compare yet)")
        text = self.tr("Other annotators' copies of this item · agreement %1%")
        return text.replace("%1", str(round(100 * agreement.agreement)))

    def _caption(self, copy: CopyAnswer, names: dict[int, str], drawn: bool) -> str:
        person = copy.annotator_id if copy.annotator_id is not None else copy.holder_id
        who = names.get(person) if person is not None else None
        if who is None:
            who = (self.tr("Annotator #%1").replace("%1", str(person)) if person is not None
                   else self.tr("Copy %1").replace("%1", str(copy.item_id)))  # fmt: skip
        if copy.shapes is None:
            return self.tr("%1 · not answered yet").replace("%1", who)
        if drawn:
            return self.tr("%1 · %n mark(s)", "", len(copy.shapes)).replace("%1", who)
        return who

    def _answer_text(self, task_kind: str, shapes: list[Shape] | None, text: str,
                     labels: dict[str, tuple[str, str]]) -> str:  # fmt: skip
        """A copy's answer in words: its classes, its entities with their text, or its lines."""
        if shapes is None:
            return ""
        parts = answer_parts(task_kind, shapes, text, {name: title for name, (title, _color) in labels.items()})
        if task_kind in (TASK_IMAGE_CLASS, TASK_TEXT_CLASS):
            return "、".join(parts) or self.tr("No class chosen")
        if task_kind == TASK_NER:
            return "\n".join(parts) or self.tr("No entities marked")
        if task_kind == TASK_TRANSCRIPTION:
            return "\n".join(parts).strip() or self.tr("No text")
        return "\n".join(parts)
