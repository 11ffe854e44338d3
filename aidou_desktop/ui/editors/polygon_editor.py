"""Polygon orders: outlines drawn click by click, and boxes, on the box page's canvas.

A polygon order takes polygons and boxes (``TASK_SHAPES``); P switches what a gesture on
the empty image draws, and G turns the selected box into the outline of the object inside
it (GrabCut's mask, the same one the box page snaps to).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aidou_desktop.model import Order, Shape, shape_rect
from aidou_desktop.ui.canvas import CanvasEdit
from aidou_desktop.ui.contrast_image import outlined_polygon
from aidou_desktop.ui.editors.base import EditorEdit
from aidou_desktop.ui.editors.box_editor import BoxEditor
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON


class PolygonEditor(BoxEditor):
    def set_order(self, order: Order) -> None:
        super().set_order(order)
        self.canvas.set_tool(SHAPE_POLYGON)

    def toggle_tool(self) -> None:
        """P: polygons ⇄ boxes, for every item until pressed again."""
        polygon = self.canvas.tool != SHAPE_POLYGON
        self.canvas.set_tool(SHAPE_POLYGON if polygon else SHAPE_BOX)
        self.notice.emit(self.tr("Now drawing polygons (P: boxes)") if polygon else self.tr(
            "Now drawing boxes (P: polygons)"))  # fmt: skip
        self.selection_changed.emit(self.canvas.selected)  # the side panel's count line names the tool

    def flush(self) -> None:
        """Leaving the item (or undo) with an outline half drawn: closed and kept when it can
        be (three points or more, not crossing itself), like text typed and not yet saved."""
        self.canvas.close_outline()

    def snap_selected(self) -> None:
        """G: the selected box becomes the outline of the object inside it."""
        selected = self.canvas.selected
        before = self.canvas.shapes()
        if selected < 0 or before[selected].kind != SHAPE_BOX or self._image is None or self._item is None:
            self.notice.emit(self.tr("Select a box drawn loosely around an object, then press G to outline it."))
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = outlined_polygon(self._image, shape_rect(before[selected]), (self._item.width, self._item.height))
        finally:
            QApplication.restoreOverrideCursor()
        if found is None:
            self.notice.emit(self.tr("No clear object edge inside this box: the box stays as drawn."))
            return
        outline = Shape(SHAPE_POLYGON, before[selected].label, [[x, y] for x, y in found])
        after = [outline if i == selected else s for i, s in enumerate(before)]
        self.edited.emit(EditorEdit(self.tr("Outline the object"), before, after, selected, selected))

    def edit_text(self, edit: CanvasEdit) -> str:
        if edit.kind == "draw" and edit.after and edit.after[-1].kind == SHAPE_BOX:
            return super().edit_text(edit)
        texts = {"draw": self.tr("Draw polygon"), "move": self.tr("Move shape"), "nudge": self.tr("Nudge shape"),
                 "resize": self.tr("Resize box"), "vertex": self.tr("Move point"), "insert": self.tr("Add point"),
                 "remove_vertex": self.tr("Delete point")}  # fmt: skip
        return texts.get(edit.kind, edit.kind)

    # ------------------------------------------------------------ side panel

    def count_text(self) -> str:
        count = self.tr("%n shape(s) on this image", "", len(self.canvas.marks))
        tool = self.tr("drawing polygons") if self.canvas.tool == SHAPE_POLYGON else self.tr("drawing boxes")
        return f"{count} · {tool}"

    def delete_step_text(self) -> str:
        return self.tr("Delete shape")

    def delete_text(self) -> str:
        return self.tr("Delete shape (Del)")

    def keys_help(self) -> str:
        return self.tr(
            "Click around an object to outline it; click the first point or press Enter to close it. Backspace takes the last point back, Esc drops the outline. Ctrl+click starts an outline on top of another shape.\nClick a shape to select it: drag a point to move it, drag an edge to add a point, right-click (or Alt+click) a point to delete it; Shift+drag moves the shape; the arrow keys nudge it (Shift: 10×).\nP: draw boxes instead (drag), and back · G: outline the object inside the selected box\nD / → next · A / ← previous (arrows step only while nothing is selected)\nCtrl+Z undo · Ctrl+Shift+Z redo · Del delete · Esc deselect\nWheel: zoom · Space+drag: pan · F: fit · B: more contrast · V: copy the previous item's shapes · H: hide/show shapes · L: hide/show labels"
        )

    def keys_brief(self) -> str:
        return self.tr(
            "Click around an object; the first point or Enter closes it; 1–9 its class.\n"
            "Drag a point to move it, an edge to add one; right-click a point deletes it.\n"
            "P: polygons / boxes · D next · A previous · Ctrl+Z undo · F1: all keys"
        )

    def empty_tip(self) -> str:
        return self.tr("This image has nothing to outline: mark it as done without shapes")
