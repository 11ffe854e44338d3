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
from sync_server.protocol import TASK_BBOX, TASK_IMAGE_CLASS, TASK_NER, TASK_TEXT_CLASS, TASK_TRANSCRIPTION

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
        editor = self.editors.editor
        if editor is not None:  # an order of texts (or image classes): its own editor
            self._original = self.editors.shapes()
            self.editors.set_editable(True)
            self._note(_correct_help(editor.order.task_kind if editor.order else ""), "correct")
            self._update_buttons()
            editor.focus_widget().setFocus()
            return
        self._original = self.canvas.shapes()
        self.canvas.set_read_only(False)
        self._note(_correct_help(TASK_BBOX), "correct")
        self._update_buttons()
        self.canvas.setFocus()

    def _save_correction(self) -> None:
        entry = self.current_entry()
        shapes = self.editors.shapes() if self.editors.editor is not None else self.canvas.shapes()
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
        self.editors.set_editable(False)
        entry = self.current_entry()
        if reload_shapes and entry is not None:
            annotation = self.store.annotation(entry.item_id)
            shapes = annotation.shapes if annotation else []
            if self.editors.editor is not None:
                self.editors.set_shapes(shapes)
            else:
                self.canvas.set_shapes(shapes)
        self.note_label.hide()
        if entry is not None:
            self._describe(entry)
        self._update_buttons()

    def _editor_confirmed(self) -> None:
        """The editor's own "this is the answer" (Ctrl+Enter in a transcription): in correct
        mode it saves the correction, as Enter does where Enter is not typing."""
        if self.correcting:
            self._save_correction()

    def _canvas_edited(self, edit: CanvasEdit) -> None:
        # kept on the canvas only until Enter: a correction is one revision, not one per gesture
        if self.canvas.shapes() != edit.after:
            self.canvas.set_shapes(edit.after, edit.selected_after)

    def choose_label(self, index: int) -> None:
        order = self._order(self.current_entry().order_id) if self.current_entry() else None
        if not self.correcting or order is None or not 0 <= index < len(order.schema.labels):
            return
        if self.editors.editor is not None:
            self.editors.editor.choose_label(index)  # its edit comes back through ReviewEditors
            return
        name = order.schema.labels[index].name
        self.canvas.current_label = name
        selected = self.canvas.selected
        if selected >= 0:
            shapes = [Shape(s.kind, name if i == selected else s.label, s.points)
                      for i, s in enumerate(self.canvas.shapes())]  # fmt: skip
            self.canvas.set_shapes(shapes, selected)

    def delete_selected(self) -> None:
        if self.correcting and self.editors.editor is not None:
            self.editors.editor.delete_selected()
            return
        selected = self.canvas.selected
        if self.correcting and selected >= 0:
            shapes = self.canvas.shapes()
            self.canvas.set_shapes(shapes[:selected] + shapes[selected + 1 :])


def _correct_help(task_kind: str) -> str:
    """What the lead can do in correct mode, for the order's task kind (literal texts: lupdate reads them)."""
    if task_kind in (TASK_TEXT_CLASS, TASK_IMAGE_CLASS):
        return QCoreApplication.translate(
            "ReviewPage",
            "Correcting: 1–9 choose or drop a class, Del clears. Enter saves your version and accepts it; "
            "Esc leaves without saving.",
        )
    if task_kind == TASK_NER:
        return QCoreApplication.translate(
            "ReviewPage",
            "Correcting: select text with the mouse or Shift+arrows, then 1–9 to mark it; click an entity to "
            "select it, 1–9 re-labels it, Del deletes it. Enter saves your version and accepts it; Esc leaves "
            "without saving.",
        )
    if task_kind == TASK_TRANSCRIPTION:
        return QCoreApplication.translate(
            "ReviewPage",
            "Correcting: type in the text. Ctrl+Enter saves your version and accepts it; Esc leaves the text, "
            "Esc again leaves without saving.",
        )
    return QCoreApplication.translate(
        "ReviewPage",
        "Correcting: drag to draw, drag a corner to resize, Shift+drag to move, 1–9 class, Del delete. "
        "Enter saves your version and accepts it; Esc leaves without saving.",
    )
