"""Boxes on the image canvas: the canvas's gestures as edits (polygon orders: ``PolygonEditor``)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from aidou_desktop.imaging.quality import DARK
from aidou_desktop.model import Item, Order, Shape, box_shape, shape_rect
from aidou_desktop.ui.canvas import AnnotationCanvas, CanvasEdit
from aidou_desktop.ui.contrast_image import enhanced, image_problem, snapped_rect
from aidou_desktop.ui.editors.base import EditorEdit, ItemEditor
from aidou_desktop.ui.editors.mark_list import MarkList
from aidou_desktop.ui.undo_commands import CHANGE_CLASS_ID, NUDGE_ID
from sync_server.protocol import SHAPE_POLYGON

# its texts name their context: ``self.tr`` in a PolygonEditor would look them up under
# "PolygonEditor", where lupdate never put them
translate = QCoreApplication.translate

MARK_LIST_HEIGHT = 150  # about six rows: the guidelines keep the rest of the side panel


class BoxEditor(ItemEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = AnnotationCanvas()
        self.canvas.edited.connect(self._canvas_edited)
        self.canvas.selection_changed.connect(self.selection_changed)
        self.canvas.notice.connect(self.notice)
        self.canvas.selection_changed.connect(lambda index: self.mark_list.show_selected(index))
        # the item's marks as a list (in the side panel): find and pick one among many
        self.mark_list = MarkList()
        self.mark_list.setMaximumHeight(MARK_LIST_HEIGHT)
        self.mark_list.row_chosen.connect(self._choose_mark)
        # a photo too blurred or too dark to label well: say so, and how to skip it
        self.quality_label = QLabel()
        self.quality_label.setWordWrap(True)
        self.quality_label.setStyleSheet("background: #fff4d6; color: #7a4d00; padding: 6px;")
        self.quality_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.quality_label)
        layout.addWidget(self.canvas)
        self.setFocusProxy(self.canvas)
        self._image: QImage | None = None  # the item's display copy as decoded
        self._item: Item | None = None
        self.contrast = False

    def set_order(self, order: Order) -> None:
        super().set_order(order)
        self.canvas.set_shapes([])
        self.canvas.set_labels({label.name: (label.title, label.color) for label in order.schema.labels})
        # new boxes take the first label until a number key says otherwise
        self.canvas.current_label = order.schema.labels[0].name if order.schema.labels else ""

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None, selected: int = -1) -> None:
        self._image = image
        self._item = item
        self._warn_about(image_problem(image) if image is not None else None)
        if image is not None:
            self.canvas.show_image(self._shown(image), item.width, item.height)
        else:
            self.canvas.clear_image()  # never leave the previous image under this item's boxes
        self.canvas.set_shapes(shapes, selected)
        self._show_rows()

    def _warn_about(self, problem: str | None) -> None:
        if problem == DARK:
            text = translate("BoxEditor", "This photo is very dark: press B for more contrast. If you still cannot see the "
                           "objects, flag it (Q) as “Image not clear” instead of guessing.")  # fmt: skip
        elif problem is not None:
            text = translate("BoxEditor", "This photo looks blurred. If you cannot tell the objects apart, flag it (Q) as "
                           "“Image not clear” instead of guessing.")  # fmt: skip
        self.quality_label.setVisible(problem is not None)
        if problem is not None:
            self.quality_label.setText(text)

    def snap_selected(self) -> None:
        """G: the selected box shrinks to the object inside it (GrabCut on the display copy)."""
        selected = self.canvas.selected
        if selected < 0 or self._image is None or self._item is None:
            self.notice.emit(translate("BoxEditor", "Select a box first (draw it loosely around the object), then press G."))
            return
        before = self.canvas.shapes()
        x, y, w, h = shape_rect(before[selected])
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = snapped_rect(self._image, (x, y, w, h), (self._item.width, self._item.height))
        finally:
            QApplication.restoreOverrideCursor()
        if found is None:
            self.notice.emit(translate("BoxEditor", "No clear object edge inside this box: the box stays as drawn."))
            return
        fx, fy, fw, fh = found
        snapped = box_shape(before[selected].label, fx, fy, fx + fw, fy + fh)
        after = [snapped if i == selected else s for i, s in enumerate(before)]
        self.edited.emit(EditorEdit(translate("BoxEditor", "Snap box to the object"), before, after, selected, selected))

    def toggle_boxes(self) -> None:
        """H: hide the boxes to see the image under them (a click or a drag brings them back)."""
        self.canvas.show_boxes(not self.canvas.boxes_shown)

    def toggle_tags(self) -> None:
        """L: hide the label tags where boxes crowd together (the colours still tell the classes)."""
        self.canvas.show_tags(not self.canvas.tags_shown)

    def toggle_contrast(self) -> None:
        """B: more contrast on dark or hazy photos (CLAHE on the display copy), on or off for
        every item until pressed again; the boxes and what is saved stay as they are."""
        self.contrast = not self.contrast
        if self._image is not None:
            self.canvas.replace_image(self._shown(self._image))

    def _shown(self, image: QImage) -> QImage:
        return enhanced(image) if self.contrast else image

    def set_shapes(self, shapes: list[Shape], selected: int = -1) -> None:
        if self.canvas.shapes() != shapes:
            self.canvas.set_shapes(shapes, selected)
        else:
            self.canvas.select(selected)  # a gesture just drew these: keep its items
        self._show_rows()

    def _show_rows(self) -> None:
        titles = {label.name: (label.title, label.color) for label in self.order.schema.labels} if self.order else {}
        rows = []
        for n, shape in enumerate(self.canvas.shapes(), 1):
            title, color = titles.get(shape.label, (shape.label, "#ff3b30"))
            if shape.kind == SHAPE_POLYGON:
                size = translate("BoxEditor", "%n point(s)", "", len(shape.points))
            else:
                _x, _y, w, h = shape_rect(shape)
                size = f"{w:.0f} × {h:.0f}"
            rows.append((f"{n}. {title}", color, size))
        self.mark_list.show_rows(rows, self.canvas.selected)

    def _choose_mark(self, index: int) -> None:
        """A click on the list: that mark is selected, and shown if it is off screen."""
        self.canvas.select(index)
        self.canvas.show_mark(index)
        self.canvas.setFocus()

    def side_widget(self) -> QWidget | None:
        return self.mark_list

    def shapes(self) -> list[Shape]:
        return self.canvas.shapes()

    @property
    def selected(self) -> int:
        return self.canvas.selected

    def choose_label(self, index: int) -> None:
        """The class for new boxes, and for the selected box."""
        if self.order is None or not 0 <= index < len(self.order.schema.labels):
            return
        name = self.order.schema.labels[index].name
        self.canvas.set_current_label(name)
        selected = self.canvas.selected
        if selected >= 0 and self.canvas.marks[selected].label != name:
            before = self.canvas.shapes()
            after = [Shape(s.kind, name if i == selected else s.label, s.points) for i, s in enumerate(before)]
            self.edited.emit(EditorEdit(translate("BoxEditor", "Change class"), before, after, selected, selected, CHANGE_CLASS_ID))

    def delete_selected(self) -> None:
        selected = self.canvas.selected
        if selected < 0:
            return
        before = self.canvas.shapes()
        self.edited.emit(EditorEdit(self.delete_step_text(), before, before[:selected] + before[selected + 1 :],
                                    selected, -1))  # fmt: skip

    def deselect(self) -> None:
        self.canvas.select(-1)

    def fit(self) -> None:
        self.canvas.fit_to_window()

    def focus_widget(self) -> QWidget:
        return self.canvas

    def _canvas_edited(self, edit: CanvasEdit) -> None:
        merge = NUDGE_ID if edit.kind == "nudge" else -1  # arrow presses in a row: one undo step
        self.edited.emit(EditorEdit(self.edit_text(edit), edit.before, edit.after,
                                    edit.selected_before, edit.selected_after, merge))  # fmt: skip

    def edit_text(self, edit: CanvasEdit) -> str:
        """The undo step's name for a canvas gesture."""
        texts = {"draw": translate("BoxEditor", "Draw box"), "move": translate("BoxEditor", "Move box"), "resize": translate("BoxEditor", "Resize box"),
                 "nudge": translate("BoxEditor", "Nudge box")}  # fmt: skip
        return texts.get(edit.kind, edit.kind)

    # ------------------------------------------------------------ side panel

    def current_label(self) -> int:
        names = self.order.schema.names() if self.order else []
        return names.index(self.canvas.current_label) if self.canvas.current_label in names else -1

    def count_text(self) -> str:
        return translate("BoxEditor", "%n box(es) on this image", "", len(self.canvas.marks))

    def keys_help(self) -> str:
        return translate("BoxEditor", 
            "Drag to draw a box (also inside another box). Click a box to select it; drag its corners to resize; Shift+drag moves it; the arrow keys nudge it (Shift: 10×).\nD / → next · A / ← previous (arrows step only while no box is selected)\nCtrl+Z undo · Ctrl+Shift+Z redo · Del delete · Esc deselect\nWheel: zoom · Space+drag: pan · F: fit · B: more contrast (on dark photos) · V: copy the previous item's boxes · G: snap the selected box to the object · H: hide/show boxes · L: hide/show labels"
        )

    def keys_brief(self) -> str:
        return translate("BoxEditor", 
            "Drag to draw a box; 1–9 its class; click a box to select it, drag its corners to resize.\n"
            "D / → next · A / ← previous · Ctrl+Z undo · Del delete\nWheel: zoom · F1: all keys"
        )

    def delete_step_text(self) -> str:
        return translate("BoxEditor", "Delete box")

    def delete_text(self) -> str:
        return translate("BoxEditor", "Delete box (Del)")

    def empty_text(self) -> str:
        return translate("BoxEditor", "No objects (E)")

    def empty_tip(self) -> str:
        return translate("BoxEditor", "This image has nothing to label: mark it as done without boxes")
