"""Handing out batches: to one annotator for some days, or the next batch to every idle one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sync_server.protocol import AnnotatorProgress

DEFAULT_LEASE_DAYS = 7  # the demo's lease; a week suits the offices' pace
MAX_LEASE_DAYS = 60


class _DaysDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, MAX_LEASE_DAYS)
        self.days_spin.setValue(DEFAULT_LEASE_DAYS)
        self.days_spin.setSuffix(self.tr(" days"))
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)

    def days(self) -> int:
        return self.days_spin.value()


class AssignDialog(_DaysDialog):
    """Who gets the batch, for how many days; ``force`` takes it from a holder whose lease still runs."""

    def __init__(self, batch_name: str, annotators: list[AnnotatorProgress], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assign batch"))
        self.ok_button.setText(self.tr("Assign"))
        self.annotator_combo = QComboBox()
        # the username first: typing it on the closed list picks the person
        for person in annotators:
            self.annotator_combo.addItem(f"{person.username} · {person.display_name}", person.annotator_id)
        self.force_box = QCheckBox(self.tr("Take it from the holder even if the lease has not run out"))
        self.form.addRow(QLabel(self.tr("Batch: %1").replace("%1", batch_name)))
        self.form.addRow(self.tr("Annotator"), self.annotator_combo)
        self.form.addRow(self.tr("Lease"), self.days_spin)
        self.form.addRow(self.force_box)
        self.ok_button.setEnabled(bool(annotators))

    def annotator_id(self) -> int | None:
        return self.annotator_combo.currentData()

    def force(self) -> bool:
        return self.force_box.isChecked()


class IdleDialog(_DaysDialog):
    def __init__(self, order_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Next batch to idle annotators"))
        self.ok_button.setText(self.tr("Assign"))
        note = QLabel(self.tr("Every active annotator without unfinished work gets the next free batch of “%1”.").replace("%1", order_name))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.form.addRow(self.tr("Lease"), self.days_spin)
