"""The annotation canvas: an image and its boxes, with draw / move / resize / pan / zoom.

Scene coordinates are original-image pixels (``Item.width`` × ``Item.height``):
the display copy may be smaller, so its pixmap item is scaled up to that size
and every box is stored exactly as the annotator sees it.

Gestures: a plain drag draws (also inside other boxes); a click selects the
box under it; the selected box's corner handles resize it; Shift+drag moves a
box; Space+drag or the middle button pans; the wheel zooms.

The canvas never saves. When a gesture ends (mouse release) it emits one
``CanvasEdit`` with the shapes before and after; the page turns that into one
undo command, so a whole drag is one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView

from aidou_desktop.model import Shape, clamp_box, shape_rect
from aidou_desktop.ui.canvas.box_item import HANDLE_PX, BoxItem

MIN_BOX_PX = 4  # a drag shorter than this on screen is a click, not a box
MAX_ZOOM = 40.0

DRAW, MOVE, RESIZE, PAN, NUDGE = "draw", "move", "resize", "pan", "nudge"
NUDGE_BIG_PX = 10  # Shift+arrow: screen pixels a step (a plain arrow: 1)
TAG_LAYOUT_DELAY_MS = 80


@dataclass
class CanvasEdit:
    kind: str  # DRAW / MOVE / RESIZE / NUDGE
    before: list[Shape]
    after: list[Shape]
    selected_before: int
    selected_after: int


class AnnotationCanvas(QGraphicsView):
    edited = Signal(object)  # CanvasEdit
    selection_changed = Signal(int)  # index into shapes(), -1 for none

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor("#3b4048"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMouseTracking(True)
        # panning moves the (hidden) scroll bars; shown, they only take room from the image
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.pixmap_item)
        self.image_rect = QRectF()
        self.labels: dict[str, tuple[str, str]] = {}  # name -> (title, colour)
        self.current_label = ""
        self.boxes: list[BoxItem] = []
        self.selected = -1
        self._fit_on_resize = True
        self._space_down = False
        self._gesture: str | None = None
        self._anchor = QPointF()  # draw / resize: the fixed corner; move: where the drag began
        self._start_rect = QRectF()
        self._click_hit = -1  # the box under a press that may turn out to be a click
        self._before: list[Shape] = []
        self._pan_from = QPointF()
        self.read_only = False  # a lead looking at work: zoom and pan only, no edits
        # the mouse's point on the image while boxes can be drawn: guide lines across the
        # whole image through it, so a box's edge can be lined up with an object's far side
        self.crosshair: QPointF | None = None
        self.boxes_shown = True  # H hides the boxes to see the image under them
        self._tag_timer = QTimer(self, singleShot=True, interval=TAG_LAYOUT_DELAY_MS, timeout=self.lay_out_tags)
        self.tags_shown = True  # L hides the label tags where boxes crowd together

    # ------------------------------------------------------------ content

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for box in self.boxes:
            box.handles = not read_only
            box.update()
        if read_only:
            self._select(-1)
            self._set_crosshair(None)

    def set_labels(self, labels: dict[str, tuple[str, str]]) -> None:
        self.labels = dict(labels)
        if self.current_label not in self.labels:
            self.current_label = next(iter(self.labels), "")

    def show_image(self, image: QImage, width: int, height: int) -> None:
        """Show a display copy stretched to the original ``width`` × ``height``."""
        self.pixmap_item.setPixmap(QPixmap.fromImage(image))
        sx = width / image.width() if image.width() else 1.0
        sy = height / image.height() if image.height() else 1.0
        self.pixmap_item.setTransform(QTransform.fromScale(sx, sy))
        self.image_rect = QRectF(0, 0, width, height)
        margin = max(width, height) * 0.25
        self.setSceneRect(self.image_rect.adjusted(-margin, -margin, margin, margin))
        self.fit_to_window()

    def replace_image(self, image: QImage) -> None:
        """The same item's display copy drawn differently (more contrast): zoom and boxes stay."""
        if self.image_rect.isEmpty() or image.isNull():
            return
        self.pixmap_item.setPixmap(QPixmap.fromImage(image))
        self.pixmap_item.setTransform(QTransform.fromScale(self.image_rect.width() / image.width(),
                                                           self.image_rect.height() / image.height()))  # fmt: skip

    def clear_image(self) -> None:
        """No image (a missing or damaged file): nothing to draw on."""
        self.pixmap_item.setPixmap(QPixmap())
        self.image_rect = QRectF()

    def set_shapes(self, shapes: list[Shape], selected: int = -1) -> None:
        for box in self.boxes:
            self.scene().removeItem(box)
        self.boxes = []
        for shape in shapes:
            x, y, w, h = shape_rect(shape)
            self._add_box(shape.label, QRectF(x, y, w, h))
        self._select(selected if 0 <= selected < len(self.boxes) else -1)
        self.lay_out_tags()

    def shapes(self) -> list[Shape]:
        return [box.shape_value() for box in self.boxes]

    def select(self, index: int) -> None:
        self._select(index)

    def show_boxes(self, shown: bool) -> None:
        self.boxes_shown = shown
        for box in self.boxes:
            box.setVisible(shown)

    def show_tags(self, shown: bool) -> None:
        self.tags_shown = shown
        for box in self.boxes:
            box.tag.setVisible(shown)

    # ------------------------------------------------------------ zoom

    def fit_to_window(self) -> None:
        if self.image_rect.isEmpty():
            return
        self.fitInView(self.image_rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._fit_on_resize = True
        self._zoom_changed()

    def zoom_by(self, factor: float) -> None:
        fit = self._fit_scale()
        target = min(max(self.transform().m11() * factor, fit * 0.5), MAX_ZOOM)
        factor = target / self.transform().m11()
        self.scale(factor, factor)
        self._fit_on_resize = False
        self._zoom_changed()

    def show_rect(self, rect: QRectF, min_height_px: float = 28.0) -> None:
        """Centre ``rect`` (original-image pixels) in the view, first zooming in until it
        stands ``min_height_px`` tall on screen (a line of text to read) as far as its width
        still fits; never zooms out."""
        if self.image_rect.isEmpty() or rect.isEmpty():
            return
        scale = self.transform().m11()
        viewport = self.viewport().rect()
        wanted = min(min_height_px / rect.height(), 0.95 * viewport.width() / rect.width())
        if wanted > scale:
            self.zoom_by(wanted / scale)
        self._fit_on_resize = False
        self.centerOn(rect.center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        # wheel and ctrl+wheel both zoom, about the point under the mouse
        delta = event.angleDelta().y()
        if delta:
            self.zoom_at(event.position(), 1.0015**delta)
        event.accept()

    def zoom_at(self, viewport_pos: QPointF, factor: float) -> None:
        """Zoom keeping the image point under ``viewport_pos`` where it is. Worked out here
        from the event's own position: Qt's AnchorUnderMouse uses the last mouse move the
        view saw, and our mouseMoveEvent (drawing, hover cursors) never hands those on, so
        it anchored at a stale point and the object under the mouse left the screen."""
        at = viewport_pos.toPoint()
        scene_point = self.mapToScene(at)
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        try:
            self.zoom_by(factor)
        finally:
            self.setTransformationAnchor(anchor)
        drift = self.mapFromScene(scene_point) - at
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + drift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + drift.y())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_on_resize:
            self.fit_to_window()

    def _fit_scale(self) -> float:
        viewport = self.viewport().rect()
        if self.image_rect.isEmpty() or viewport.isEmpty():
            return 1.0
        return min(viewport.width() / self.image_rect.width(), viewport.height() / self.image_rect.height())

    def _zoom_changed(self) -> None:
        per_pixel = 1.0 / max(self.transform().m11(), 1e-6)
        for box in self.boxes:
            box.set_scene_per_pixel(per_pixel)
        # once the wheel rests: laying out a thousand tags (~30 ms) on every notch would stutter
        self._tag_timer.start()

    def lay_out_tags(self) -> None:
        """Put each box's label tag where it covers no tag placed before it: above the box's
        left corner, else above its right corner, inside its top-left corner, or under it;
        the first place if all are taken. Tags keep their screen size, so this runs again on
        zoom. A grid of tag-sized cells keeps it near-linear for a thousand boxes."""
        per_pixel = 1.0 / max(self.transform().m11(), 1e-6)
        cell = 60.0 * per_pixel
        grid: dict[tuple[int, int], list[QRectF]] = {}

        def cells(r: QRectF):
            for cx in range(int(r.left() // cell), int(r.right() // cell) + 1):
                for cy in range(int(r.top() // cell), int(r.bottom() // cell) + 1):
                    yield cx, cy

        def free(r: QRectF) -> bool:
            return not any(r.intersects(other) for c in cells(r) for other in grid.get(c, ()))

        for box in self.boxes:
            w_px, h_px = box.tag.size_px()
            w, h = w_px * per_pixel, h_px * per_pixel
            r = box.rect
            places = [  # (anchor, offset in screen px, the tag's scene rect)
                (r.topLeft(), QPointF(0, -h_px), QRectF(r.left(), r.top() - h, w, h)),
                (r.topRight(), QPointF(-w_px, -h_px), QRectF(r.right() - w, r.top() - h, w, h)),
                (r.topLeft(), QPointF(0, 0), QRectF(r.left(), r.top(), w, h)),
                (r.bottomLeft(), QPointF(0, 0), QRectF(r.left(), r.bottom(), w, h)),
            ]
            if r.top() - h < self.image_rect.top():
                places = places[2:] + places[:2]  # no room above the image's edge
            anchor, offset, rect = next(((a, o, t) for a, o, t in places if free(t)), places[0])
            box.tag.place(anchor, offset)
            for c in cells(rect):
                grid.setdefault(c, []).append(rect)

    # ------------------------------------------------------------ keys for panning

    def event(self, event) -> bool:
        # an arrow key with a box selected nudges it: claimed before the page's shortcut
        # (← / → step between items) can take it
        if event.type() == QEvent.Type.ShortcutOverride and self._nudge_step(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def _nudge_step(self, event) -> tuple[int, int] | None:
        """(dx, dy) in screen pixels for an arrow key (Shift: 10) while a box is selected, else None."""
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        step = steps.get(event.key())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if step is None or self.read_only or not 0 <= self.selected < len(self.boxes) or self._gesture is not None:
            return None
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return None
        size = NUDGE_BIG_PX if modifiers == Qt.KeyboardModifier.ShiftModifier else 1
        return step[0] * size, step[1] * size

    def nudge(self, dx: float, dy: float) -> None:
        """Move the selected box by (dx, dy) screen pixels, kept whole inside the image: one edit."""
        before = self.shapes()
        scale = max(self.transform().m11(), 1e-6)
        box = self.boxes[self.selected]
        box.set_rect(self._moved(box.rect, QPointF(dx / scale, dy / scale)))
        width, height = int(self.image_rect.width()), int(self.image_rect.height())
        after = [clamp_box(shape, width, height) for shape in self.shapes()]
        if after != before:
            self.edited.emit(CanvasEdit(NUDGE, before, after, self.selected, self.selected))
        self.lay_out_tags()

    def _set_crosshair(self, pos: QPointF | None) -> None:
        if pos is not None and (self.read_only or not self.image_rect.contains(pos)):
            pos = None
        if pos != self.crosshair:
            self.crosshair = pos
            self.viewport().update()

    def leaveEvent(self, event) -> None:
        self._set_crosshair(None)
        super().leaveEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.crosshair is None:
            return
        pen = QPen(QColor(255, 255, 255, 200), 1, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)  # one screen pixel at any zoom
        painter.setPen(pen)
        r, at = self.image_rect, self.crosshair
        painter.drawLine(QPointF(r.left(), at.y()), QPointF(r.right(), at.y()))
        painter.drawLine(QPointF(at.x(), r.top()), QPointF(at.x(), r.bottom()))

    def keyPressEvent(self, event) -> None:
        step = self._nudge_step(event)
        if step is not None:
            self.nudge(*step)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_down = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_down = False
                self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------ mouse gestures

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space_down):
            self._gesture, self._pan_from = PAN, event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if button != Qt.MouseButton.LeftButton or self.image_rect.isEmpty() or self.read_only:
            return
        if not self.boxes_shown:
            self.show_boxes(True)  # never draw or move among boxes nobody can see
        pos = self.mapToScene(event.position().toPoint())
        self._before = self.shapes()
        self._selected_before = self.selected
        corner = self._handle_at(event.position())
        if corner is not None:
            box = self.boxes[self.selected]
            self._gesture, self._anchor = RESIZE, box.corners()[(corner + 2) % 4]
            return
        hit = self._box_at(pos)
        if hit >= 0 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._select(hit)
            self._gesture, self._anchor, self._start_rect = MOVE, pos, QRectF(self.boxes[hit].rect)
            return
        if self.image_rect.contains(pos) and self.current_label:
            # a plain drag always draws, even inside another box: occluded objects
            # (a person in front of a bus) are common; moving a whole box is rare
            self._gesture, self._anchor, self._click_hit = DRAW, pos, hit
            self._add_box(self.current_label, QRectF(pos, pos))
            self._select(len(self.boxes) - 1)
            return
        self._select(-1)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._gesture == PAN:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            return
        pos = self.mapToScene(event.position().toPoint())
        self._set_crosshair(pos if self._gesture in (None, DRAW) else None)
        if self._gesture in (DRAW, RESIZE):
            self.boxes[self.selected].set_rect(QRectF(self._anchor, self._clamp(pos)).normalized())
        elif self._gesture == MOVE:
            self.boxes[self.selected].set_rect(self._moved(self._start_rect, pos - self._anchor))
        else:
            self._update_hover_cursor(event.position(), pos)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        gesture, self._gesture = self._gesture, None
        if gesture == PAN:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor)
            return
        if gesture is None:
            return
        if gesture == DRAW and self._too_small(self.boxes[self.selected].rect):
            # not a drag but a click: it selects the box under it (or nothing)
            self._remove_box(self.selected)
            self._select(self._click_hit)
            return
        width, height = int(self.image_rect.width()), int(self.image_rect.height())
        after = [clamp_box(shape, width, height) for shape in self.shapes()]
        if gesture in (MOVE, RESIZE) and after == self._before:
            return  # a click on a box only selects it
        self.edited.emit(CanvasEdit(gesture, self._before, after, self._selected_before, self.selected))
        self.lay_out_tags()

    # ------------------------------------------------------------ helpers

    def _add_box(self, label: str, rect: QRectF) -> None:
        title, color = self.labels.get(label, (label, "#ff3b30"))
        box = BoxItem(label, title, color, rect)
        box.handles = not self.read_only  # a read-only box is outlined when selected, not offered for resizing
        box.set_scene_per_pixel(1.0 / max(self.transform().m11(), 1e-6))
        box.setVisible(self.boxes_shown)
        box.tag.setVisible(self.tags_shown)
        self.scene().addItem(box)
        self.boxes.append(box)

    def _remove_box(self, index: int) -> None:
        self.scene().removeItem(self.boxes.pop(index))

    def _select(self, index: int) -> None:
        for i, box in enumerate(self.boxes):
            box.set_selected(i == index)
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit(index)

    def _box_at(self, pos: QPointF) -> int:
        """The smallest box under ``pos``: a box inside another stays reachable."""
        hits = [(box.rect.width() * box.rect.height(), i) for i, box in enumerate(self.boxes) if box.rect.contains(pos)]
        return min(hits)[1] if hits else -1

    def _handle_at(self, view_pos: QPointF) -> int | None:
        if not 0 <= self.selected < len(self.boxes):
            return None
        for i, corner in enumerate(self.boxes[self.selected].corners()):
            delta = self.mapFromScene(corner) - view_pos.toPoint()
            if abs(delta.x()) <= HANDLE_PX and abs(delta.y()) <= HANDLE_PX:
                return i
        return None

    def _clamp(self, pos: QPointF) -> QPointF:
        r = self.image_rect
        return QPointF(min(max(pos.x(), r.left()), r.right()), min(max(pos.y(), r.top()), r.bottom()))

    def _moved(self, rect: QRectF, delta: QPointF) -> QRectF:
        """``rect`` shifted by ``delta`` but kept whole inside the image."""
        moved = rect.translated(delta)
        dx = min(max(moved.left(), 0.0), self.image_rect.width() - rect.width()) - moved.left()
        dy = min(max(moved.top(), 0.0), self.image_rect.height() - rect.height()) - moved.top()
        return moved.translated(dx, dy)

    def _too_small(self, rect: QRectF) -> bool:
        scale = self.transform().m11()
        return rect.width() * scale < MIN_BOX_PX or rect.height() * scale < MIN_BOX_PX

    def _update_hover_cursor(self, view_pos: QPointF, pos: QPointF) -> None:
        if self._space_down:
            return
        if self.read_only:
            self.viewport().unsetCursor()
            return
        corner = self._handle_at(view_pos)
        if corner is not None:
            diagonal = Qt.CursorShape.SizeFDiagCursor if corner in (0, 2) else Qt.CursorShape.SizeBDiagCursor
            self.viewport().setCursor(diagonal)
        elif self._box_at(pos) >= 0 and QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.viewport().setCursor(Qt.CursorShape.SizeAllCursor)
        elif self.image_rect.contains(pos):
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.viewport().unsetCursor()
