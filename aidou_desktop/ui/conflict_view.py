"""Competing revisions of one item side by side, for a lead to pick the one that stands.

The item's current revision comes first, then each revision kept as a conflict (one
account on two PCs, a batch re-leased, work after the lease ran out). Choosing is done
on the server (it makes the chosen revision the new head, by the lead), so it needs the
link; everything shown here is what the lead's PC already holds.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aidou_desktop.model.review import Candidate
from aidou_desktop.ui.canvas import AnnotationCanvas


class ConflictView(QWidget):
    chosen = Signal(int, str)  # item id, the revision that should stand

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_id = 0
        self.candidates: list[Candidate] = []
        self.panels: list[tuple[AnnotationCanvas, QPushButton]] = []
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)

    def show_candidates(self, item_id: int, candidates: list[Candidate], image: QImage | None, width: int,
                        height: int, labels: dict[str, tuple[str, str]], names: dict[int, str]) -> None:  # fmt: skip
        self.item_id, self.candidates = item_id, candidates
        while self.row.count():
            widget = self.row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.panels = []
        for n, candidate in enumerate(candidates, 1):
            frame = QFrame()
            frame.setObjectName("card")
            column = QVBoxLayout(frame)
            who = names.get(candidate.annotator_id or 0) or self.tr("annotator #%1").replace(
                "%1", str(candidate.annotator_id))
            kind = self.tr("Current revision") if candidate.is_head else self.tr("In conflict")
            caption = QLabel(self.tr("%1 · %2 · %3 box(es) · PC %4").replace("%1", kind).replace("%2", who)
                             .replace("%3", str(len(candidate.shapes)))
                             .replace("%4", _short(candidate.device_id)))  # fmt: skip
            caption.setWordWrap(True)
            canvas = read_only_canvas(candidate.shapes, image, width, height, labels)
            button = QPushButton(self.tr("Keep this one (%1)").replace("%1", str(n)))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, c=candidate: self.chosen.emit(self.item_id, c.annotation_id))
            column.addWidget(caption)
            column.addWidget(canvas, 1)
            column.addWidget(button)
            self.row.addWidget(frame, 1)
            self.panels.append((canvas, button))

    def choose(self, number: int) -> None:
        """Key 1, 2, …: the candidate with that number."""
        if 1 <= number <= len(self.candidates):
            self.chosen.emit(self.item_id, self.candidates[number - 1].annotation_id)


def read_only_canvas(shapes: list, image: QImage | None, width: int, height: int,
                     labels: dict[str, tuple[str, str]]) -> AnnotationCanvas:  # fmt: skip
    """One answer drawn on its own canvas, to look at beside another: a conflict's side, or
    an overlap copy (``review_copies``)."""
    canvas = AnnotationCanvas()
    canvas.set_read_only(True)
    canvas.set_labels(labels)
    if image is not None:
        canvas.show_image(image, width, height)
    canvas.set_shapes(shapes)
    return canvas


def _short(device_id: str | None) -> str:
    """A PC's id as people can compare it: a uuid's first 8 digits, a short name whole."""
    if not device_id:
        return "-"
    return device_id if len(device_id) <= 12 else device_id[:8]
