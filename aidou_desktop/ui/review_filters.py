"""The review queue's filters: status, order, annotator, the share to check and the
order the items come in (as stored, or the overlap copies that disagree most first).

Only binds controls to values; the page asks the store with them. The controls
take focus by click only and hand it back, so the page's one-key verdicts keep
working after a filter was changed with the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from aidou_desktop.model.review import ACCEPTED, CONFLICT, FLAGGED, REJECTED, SUBMITTED

# how the queue is sorted: None, the store's order (by item); or overlap copies (ADR 0026)
# by their group's agreement, lowest first, each group's copies together
SORT_DISAGREEMENT = "disagreement"


class ReviewFilters(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_combo = QComboBox()
        for text, status in (
            (self.tr("Waiting for review"), SUBMITTED),
            (self.tr("Sent back"), REJECTED),
            (self.tr("Conflict"), CONFLICT),
            (self.tr("Flagged by the annotator"), FLAGGED),  # any status: the annotator asks the lead to look
            (self.tr("Accepted"), ACCEPTED),
            (self.tr("All"), None),
        ):
            self.status_combo.addItem(text, status)
        self.order_combo = QComboBox()
        self.annotator_combo = QComboBox()
        self.sort_combo = QComboBox()
        self.sort_combo.addItem(self.tr("Item order"), None)
        self.sort_combo.addItem(self.tr("Most disagreement first"), SORT_DISAGREEMENT)
        self.sort_combo.setToolTip(
            self.tr("Items that several annotators did: the copies whose answers agree least come first, side by side")
        )
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(1, 100)
        self.sample_spin.setValue(100)
        self.sample_spin.setSuffix("%")
        self.sample_spin.setKeyboardTracking(False)  # typing "50" asks once, not for 5 % first
        self.sample_spin.setToolTip(
            self.tr("Check this share of each annotator's items; the same items stay in the sample all day")
        )
        for combo in (self.status_combo, self.order_combo, self.annotator_combo, self.sort_combo):
            combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._changed)
        self.sample_spin.valueChanged.connect(self._changed)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, widget in (
            (self.tr("Status"), self.status_combo),
            (self.tr("Order"), self.order_combo),
            (self.tr("Annotator"), self.annotator_combo),
            (self.tr("Review share"), self.sample_spin),
            (self.tr("Sort"), self.sort_combo),
        ):
            layout.addWidget(QLabel(text))
            layout.addWidget(widget)
            layout.addSpacing(12)
        layout.addStretch(1)
        self._quiet = False

    def set_choices(self, orders: list[tuple[int, str]], annotators: list[tuple[int, str]]) -> None:
        """Fill the order and annotator lists (from the queue); keeps what was chosen when still there."""
        self._quiet = True
        for combo, everyone, choices in (
            (self.order_combo, self.tr("All orders"), orders),
            (self.annotator_combo, self.tr("All annotators"), annotators),
        ):
            chosen = combo.currentData()
            combo.clear()
            combo.addItem(everyone, None)
            for value, text in choices:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
        self._quiet = False

    def status(self) -> str | None:
        return self.status_combo.currentData()

    def order_id(self) -> int | None:
        return self.order_combo.currentData()

    def annotator_id(self) -> int | None:
        return self.annotator_combo.currentData()

    def sort(self) -> str | None:
        return self.sort_combo.currentData()

    def restore(self, sort: str | None, share: int) -> None:
        """What the lead chose last time (the window's settings), quietly: the page asks the
        store when it opens."""
        self._quiet = True
        self.sort_combo.setCurrentIndex(max(self.sort_combo.findData(sort), 0) if sort else 0)
        self.sample_spin.setValue(share)
        self._quiet = False

    def sample_percent(self) -> int | None:
        value = self.sample_spin.value()
        return None if value >= 100 else value

    def _changed(self, *_args) -> None:
        if not self._quiet:
            self.changed.emit()
