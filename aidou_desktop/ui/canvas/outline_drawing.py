"""Drawing a polygon's outline click by click on the canvas, and deleting a vertex. Mixed
into ``AnnotationCanvas`` (its ``_draft``, ``marks``, ``labels`` and ``edited``)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF
from PySide6.QtGui import QColor

from aidou_desktop.ui.canvas.mark_item import HANDLE_PX
from aidou_desktop.ui.canvas.edits import DRAW, REMOVE_VERTEX, CanvasEdit
from aidou_desktop.ui.canvas.polygon_item import DraftOutline
from sync_server.protocol.polygon import is_simple


# the canvas's context: ``self.tr`` in a mixin would look the texts up under the mixin's name
translate = QCoreApplication.translate


class OutlineMixin:
    def _start_draft(self, pos: QPointF) -> None:
        title, color = self.labels.get(self.current_label, (self.current_label, "#ff3b30"))
        self._draft = DraftOutline(color)
        self.scene().addItem(self._draft)
        self._draft.set_state([pos], pos, 1.0 / max(self.transform().m11(), 1e-6))

    def _add_draft_vertex(self, pos: QPointF, view_pos: QPointF) -> None:
        points = self._draft.points
        if len(points) >= 3 and self._near(points[0], view_pos, HANDLE_PX):
            self._close_draft()
            return
        if self._near(points[-1], view_pos, 2):
            return  # the second click of a double-click: the same vertex
        self._draft.set_state(points + [self._clamp(pos)], self._clamp(pos), self._draft.scene_per_pixel)

    def _take_back_vertex(self) -> None:
        points = self._draft.points[:-1]
        if not points:
            self._drop_draft()
        else:
            self._draft.set_state(points, self._draft.mouse, self._draft.scene_per_pixel)

    def _close_draft(self) -> None:
        points = self._draft.points
        if len(points) < 3:
            self.notice.emit(translate("AnnotationCanvas", "An outline needs at least three points: click around the object, "
                                     "then click the first point or press Enter."))  # fmt: skip
            return
        if not is_simple([[p.x(), p.y()] for p in points]):
            self.notice.emit(translate("AnnotationCanvas", "The outline crosses itself. Press Backspace to take points back, "
                                     "and go around the object in one direction."))  # fmt: skip
            return
        before, selected_before = self.shapes(), self.selected
        self._drop_draft()
        self._add_polygon(self.current_label, points)
        self._select(len(self.marks) - 1)
        self.edited.emit(CanvasEdit(DRAW, before, self._clamped_shapes(), selected_before, self.selected))
        self.lay_out_tags()

    def close_outline(self) -> None:
        """Close the outline being drawn if it can be, else drop it; nothing when none is drawn."""
        if self._draft is not None:
            points = [[p.x(), p.y()] for p in self._draft.points]
            if len(points) >= 3 and is_simple(points):
                self._close_draft()
            else:
                self._drop_draft()

    def set_current_label(self, name: str) -> None:
        """The class for the next mark (and the outline being drawn)."""
        self.current_label = name
        if self._draft is not None:
            self._draft.color = QColor(self.labels.get(name, (name, "#ff3b30"))[1])
            self._draft.update()

    def _drop_draft(self) -> None:
        if self._draft is not None:
            self.scene().removeItem(self._draft)
            self._draft = None

    def _remove_vertex(self, index: int) -> None:
        mark = self.marks[self.selected]
        if len(mark.points) <= 3:
            self.notice.emit(translate("AnnotationCanvas", "A polygon keeps at least three points: delete the whole polygon with Del."))
            return
        mark.set_points(mark.points[:index] + mark.points[index + 1 :])
        self.edited.emit(CanvasEdit(REMOVE_VERTEX, self._before, self._clamped_shapes(), self.selected,
                                    self.selected))  # fmt: skip
        self.lay_out_tags()
