"""Correct mode of the review page: the lead fixes the boxes, Enter saves the fix as
the lead's own revision (based on the annotator's) and accepts it, Esc drops it.

Edits stay on the canvas until Enter: a correction is one revision, not one per
gesture, and nothing reaches the outbox when the lead changes their mind.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from aidou_desktop.model import Shape
from aidou_desktop.ui.canvas import CanvasEdit
from aidou_desktop.ui.messages import error_text

log = logging.getLogger(__name__)


class CorrectModeMixin:
    """Mixed into ``ReviewPage`` (uses its canvas, store, user, current_entry, _order,
    _verdict, _note, _describe and _update_buttons). Texts use ReviewPage's translation
    context: ``self.tr`` here would look them up under a context of the mixin's own."""

    def start_correcting(self) -> None:
        entry = self.current_entry()
        if entry is None or self.correcting or not self._may_judge(entry):
            return
        self.correcting = True
        self._original = self.canvas.shapes()
        self.canvas.set_read_only(False)
        self._note(
            QCoreApplication.translate(
                "ReviewPage",
                "Correcting: drag to draw, drag a corner to resize, Shift+drag to move, 1–9 class, Del delete. "
                "Enter saves your version and accepts it; Esc leaves without saving."
            ),
            "correct",
        )
        self._update_buttons()
        self.canvas.setFocus()

    def _save_correction(self) -> None:
        entry = self.current_entry()
        shapes = self.canvas.shapes()
        if entry is None:
            return
        if shapes == self._original:
            self._leave_correcting()
            self._verdict(entry, entry.annotation_id, "accept")  # nothing changed: accept the annotator's work
            return
        try:
            revision = self.store.save_shapes(entry.item_id, shapes)
        except Exception as exc:  # noqa: BLE001
            log.exception("saving the correction of item %s failed", entry.item_id)
            text = QCoreApplication.translate("ReviewPage", "The correction could not be saved: %1")
            self._note(text.replace("%1", error_text(exc)), "error")
            return
        self._leave_correcting(reload_shapes=False)
        self._verdict(entry, revision.id, "accept", annotator_id=self.user.id if self.user else None)

    def _leave_correcting(self, reload_shapes: bool = True) -> None:
        if not self.correcting:
            return
        self.correcting = False
        self.canvas.set_read_only(True)
        entry = self.current_entry()
        if reload_shapes and entry is not None:
            annotation = self.store.annotation(entry.item_id)
            self.canvas.set_shapes(annotation.shapes if annotation else [])
        self.note_label.hide()
        if entry is not None:
            self._describe(entry)
        self._update_buttons()

    def _canvas_edited(self, edit: CanvasEdit) -> None:
        # kept on the canvas only until Enter: a correction is one revision, not one per gesture
        if self.canvas.shapes() != edit.after:
            self.canvas.set_shapes(edit.after, edit.selected_after)

    def choose_label(self, index: int) -> None:
        order = self._order(self.current_entry().order_id) if self.current_entry() else None
        if not self.correcting or order is None or not 0 <= index < len(order.schema.labels):
            return
        name = order.schema.labels[index].name
        self.canvas.current_label = name
        selected = self.canvas.selected
        if selected >= 0:
            shapes = [Shape(s.kind, name if i == selected else s.label, s.points)
                      for i, s in enumerate(self.canvas.shapes())]  # fmt: skip
            self.canvas.set_shapes(shapes, selected)

    def delete_selected(self) -> None:
        selected = self.canvas.selected
        if self.correcting and selected >= 0:
            shapes = self.canvas.shapes()
            self.canvas.set_shapes(shapes[:selected] + shapes[selected + 1 :])
