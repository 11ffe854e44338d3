"""The annotation canvas: an image and its marks (boxes and polygons), with draw / edit /
pan / zoom.

Scene coordinates are original-image pixels (``Item.width`` × ``Item.height``):
the display copy may be smaller, so its pixmap item is scaled up to that size
and every mark is stored exactly as the annotator sees it.

Gestures (docs/keys.md): with the box tool a plain drag draws (also inside other
boxes) and a click selects the mark under it; with the polygon tool a click on the
image starts an outline (Ctrl+click: also on top of another mark), each click adds a
vertex, and a click on the first vertex or Enter closes it (Backspace takes the last
vertex back, Esc drops the outline); a click on a mark selects it. The selected mark's
handles resize a box or move a polygon's vertex; a drag on a selected polygon's edge
inserts a vertex there; a right-click (or Alt+click) on a vertex deletes it; Shift+drag
moves a mark; Space+drag or the middle button pans; the wheel zooms.

The canvas never saves. When a gesture ends it emits one ``CanvasEdit`` with the shapes
before and after; the page turns that into one undo step, so a whole drag, or a whole
polygon drawn click by click, is one step.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView

from aidou_desktop.model import Shape, clamp_shape, shape_rect
from aidou_desktop.ui.canvas.box_item import BoxItem
from aidou_desktop.ui.canvas.mark_item import HANDLE_PX
from aidou_desktop.ui.canvas.polygon_item import DraftOutline, PolygonItem
from aidou_desktop.ui.canvas.edits import DRAW, INSERT, MOVE, NUDGE, PAN, RESIZE, VERTEX, CanvasEdit
from aidou_desktop.ui.canvas.outline_drawing import OutlineMixin
from aidou_desktop.ui.canvas.zoom import ZoomMixin
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON

MIN_BOX_PX = 4  # a drag shorter than this on screen is a click, not a box

NUDGE_BIG_PX = 10  # Shift+arrow: screen pixels a step (a plain arrow: 1)
TAG_LAYOUT_DELAY_MS = 80
EXPECTED_COLOUR = "#00e676"  # training's expected answer: a green no label colour uses


class AnnotationCanvas(ZoomMixin, OutlineMixin, QGraphicsView):
    edited = Signal(object)  # CanvasEdit
    selection_changed = Signal(int)  # index into shapes(), -1 for none
    notice = Signal(str)  # a gesture that could not be done, and why (in the person's words)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor("#3b4048"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
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
        self.marks: list[BoxItem | PolygonItem] = []  # in the order of shapes()
        self.tool = SHAPE_BOX  # what a gesture on the empty image draws: SHAPE_BOX or SHAPE_POLYGON
        self._draft: DraftOutline | None = None  # the polygon being drawn, not yet a mark
        self._vertex = -1  # VERTEX: the selected polygon's vertex being dragged
        self._start_points: list[QPointF] = []
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
        # training feedback: the expected answer, drawn over the trainee's own (ADR 0027)
        self.expected: list[Shape] = []

    # ------------------------------------------------------------ content

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for mark in self.marks:
            mark.handles = not read_only
            mark.update()
        if read_only:
            self._drop_draft()
            self._select(-1)
            self._set_crosshair(None)

    def set_labels(self, labels: dict[str, tuple[str, str]]) -> None:
        self.labels = dict(labels)
        if self.current_label not in self.labels:
            self.current_label = next(iter(self.labels), "")

    def set_tool(self, tool: str) -> None:
        """SHAPE_BOX or SHAPE_POLYGON: what a gesture on the empty image draws."""
        self._drop_draft()
        self.tool = tool
        self.viewport().unsetCursor()

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
        """The same item's display copy drawn differently (more contrast): zoom and marks stay."""
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
        """Show these shapes; an outline being drawn is dropped (another item, or an undo)."""
        self._drop_draft()
        for mark in self.marks:
            self.scene().removeItem(mark)
        self.marks = []
        for shape in shapes:
            if shape.kind == SHAPE_POLYGON:
                self._add_polygon(shape.label, [QPointF(x, y) for x, y in shape.points])
            else:
                x, y, w, h = shape_rect(shape)
                self._add_box(shape.label, QRectF(x, y, w, h))
        self._select(selected if 0 <= selected < len(self.marks) else -1)
        self.lay_out_tags()

    def shapes(self) -> list[Shape]:
        return [mark.shape_value() for mark in self.marks]

    def select(self, index: int) -> None:
        self._select(index)

    @property
    def drawing(self) -> bool:
        """A polygon's outline is being drawn (not yet closed)."""
        return self._draft is not None

    def show_boxes(self, shown: bool) -> None:
        self.boxes_shown = shown
        for mark in self.marks:
            mark.setVisible(shown)

    def show_tags(self, shown: bool) -> None:
        self.tags_shown = shown
        for mark in self.marks:
            mark.tag.setVisible(shown)

    # ------------------------------------------------------------ keys

    def event(self, event) -> bool:
        # keys the canvas needs before the page's shortcuts can take them: an arrow with a
        # mark selected nudges it (the page's ← / → step between items); while an outline
        # is drawn, Enter closes it, Backspace takes a vertex back and Esc drops it
        if event.type() == QEvent.Type.ShortcutOverride and (
            self._nudge_step(event) is not None or self._draft_key(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def _draft_key(self, event) -> bool:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace, Qt.Key.Key_Escape)
        return self._draft is not None and (event.key() in keys or event.matches(QKeySequence.StandardKey.Undo))

    def _nudge_step(self, event) -> tuple[int, int] | None:
        """(dx, dy) in screen pixels for an arrow key (Shift: 10) while a mark is selected, else None."""
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        step = steps.get(event.key())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if step is None or self.read_only or not 0 <= self.selected < len(self.marks) or self._gesture is not None:
            return None
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return None
        size = NUDGE_BIG_PX if modifiers == Qt.KeyboardModifier.ShiftModifier else 1
        return step[0] * size, step[1] * size

    def nudge(self, dx: float, dy: float) -> None:
        """Move the selected mark by (dx, dy) screen pixels, kept whole inside the image: one edit."""
        before = self.shapes()
        scale = max(self.transform().m11(), 1e-6)
        self._move_mark(self.marks[self.selected], QPointF(dx / scale, dy / scale))
        after = self._clamped_shapes()
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

    def show_expected(self, shapes: list[Shape]) -> None:
        """Draw these shapes over the marks as dashed outlines ([]: none)."""
        self.expected = list(shapes)
        self.viewport().update()

    def _draw_expected(self, painter: QPainter) -> None:
        pen = QPen(QColor(EXPECTED_COLOUR), 3, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for shape in self.expected:
            if shape.kind == SHAPE_POLYGON:
                painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in shape.points]))
            elif shape.kind == SHAPE_BOX:
                x, y, w, h = shape_rect(shape)
                painter.drawRect(QRectF(x, y, w, h))

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.expected:
            self._draw_expected(painter)
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
        if self._draft_key(event):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._close_draft()
            elif event.key() == Qt.Key.Key_Backspace or event.matches(QKeySequence.StandardKey.Undo):
                self._take_back_vertex()
            else:
                self._drop_draft()
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
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        if self.image_rect.isEmpty() or self.read_only:
            return
        if not self.boxes_shown:
            self.show_boxes(True)  # never draw or move among marks nobody can see
        pos = self.mapToScene(event.position().toPoint())
        modifiers = event.modifiers()
        if self._draft is not None:
            if button == Qt.MouseButton.LeftButton:
                self._add_draft_vertex(pos, event.position())
            return
        self._before = self.shapes()
        self._selected_before = self.selected
        handle = self._handle_at(event.position())
        mark = self.marks[self.selected] if 0 <= self.selected < len(self.marks) else None
        if handle is not None and mark.kind == SHAPE_POLYGON:
            if button == Qt.MouseButton.RightButton or modifiers & Qt.KeyboardModifier.AltModifier:
                self._remove_vertex(handle)
            else:
                self._gesture, self._vertex = VERTEX, handle
            return
        if button != Qt.MouseButton.LeftButton:
            return
        if handle is not None:
            self._gesture, self._anchor = RESIZE, mark.corners()[(handle + 2) % 4]
            return
        if mark is not None and mark.kind == SHAPE_POLYGON:
            edge = mark.edge_at(pos, HANDLE_PX / max(self.transform().m11(), 1e-6))
            if edge is not None:  # a vertex put on the edge, and dragged from there
                index, at = edge
                mark.set_points(mark.points[: index + 1] + [at] + mark.points[index + 1 :])
                self._gesture, self._vertex = INSERT, index + 1
                return
        hit = self._mark_at(pos)
        if hit >= 0 and modifiers & Qt.KeyboardModifier.ShiftModifier:
            self._select(hit)
            self._gesture, self._anchor = MOVE, pos
            self._start_rect, self._start_points = QRectF(self.marks[hit].rect), self._points_of(self.marks[hit])
            return
        if not self.image_rect.contains(pos) or not self.current_label:
            self._select(-1)
            return
        if self.tool == SHAPE_POLYGON:
            if hit >= 0 and not modifiers & Qt.KeyboardModifier.ControlModifier:
                self._select(hit)  # a click on a mark picks it; Ctrl+click outlines on top of it
            else:
                self._select(-1)
                self._start_draft(pos)
            return
        # a plain drag always draws, even inside another box: occluded objects
        # (a person in front of a bus) are common; moving a whole box is rare
        self._gesture, self._anchor, self._click_hit = DRAW, pos, hit
        self._add_box(self.current_label, QRectF(pos, pos))
        self._select(len(self.marks) - 1)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # quick clicks while outlining are vertices, not a double-click to ignore
        self.mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._gesture == PAN:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            return
        pos = self.mapToScene(event.position().toPoint())
        self._set_crosshair(pos if self._gesture in (None, DRAW) else None)
        if self._draft is not None:
            self._draft.set_state(self._draft.points, self._clamp(pos), self._draft.scene_per_pixel)
        elif self._gesture in (DRAW, RESIZE):
            self.marks[self.selected].set_rect(QRectF(self._anchor, self._clamp(pos)).normalized())
        elif self._gesture in (VERTEX, INSERT):
            mark = self.marks[self.selected]
            points = list(mark.points)
            points[self._vertex] = self._clamp(pos)
            mark.set_points(points)
        elif self._gesture == MOVE:
            mark = self.marks[self.selected]
            self._restore(mark)
            self._move_mark(mark, pos - self._anchor)
        else:
            self._update_hover_cursor(event.position(), pos)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        gesture, self._gesture = self._gesture, None
        if gesture == PAN:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor)
            return
        if gesture is None:
            return
        if gesture == DRAW and self._too_small(self.marks[self.selected].rect):
            # not a drag but a click: it selects the mark under it (or nothing)
            self._remove_mark(self.selected)
            self._select(self._click_hit)
            return
        after = self._clamped_shapes()
        if gesture in (MOVE, RESIZE, VERTEX) and after == self._before:
            return  # a click on a mark or a handle only selects it
        self.edited.emit(CanvasEdit(gesture, self._before, after, self._selected_before, self.selected))
        self.lay_out_tags()

    # ------------------------------------------------------------ helpers

    def _add_box(self, label: str, rect: QRectF) -> None:
        title, color = self.labels.get(label, (label, "#ff3b30"))
        self._add_mark(BoxItem(label, title, color, rect))

    def _add_polygon(self, label: str, points: list[QPointF]) -> None:
        title, color = self.labels.get(label, (label, "#ff3b30"))
        self._add_mark(PolygonItem(label, title, color, points))

    def _add_mark(self, mark: BoxItem | PolygonItem) -> None:
        mark.handles = not self.read_only  # a read-only mark is outlined when selected, not offered for editing
        mark.set_scene_per_pixel(1.0 / max(self.transform().m11(), 1e-6))
        mark.setVisible(self.boxes_shown)
        mark.tag.setVisible(self.tags_shown)
        self.scene().addItem(mark)
        self.marks.append(mark)

    def _remove_mark(self, index: int) -> None:
        self.scene().removeItem(self.marks.pop(index))

    def _select(self, index: int) -> None:
        for i, mark in enumerate(self.marks):
            mark.set_selected(i == index)
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit(index)

    def _clamped_shapes(self) -> list[Shape]:
        width, height = int(self.image_rect.width()), int(self.image_rect.height())
        return [clamp_shape(shape, width, height) for shape in self.shapes()]

    def _mark_at(self, pos: QPointF) -> int:
        """The smallest mark under ``pos``: a mark inside another stays reachable."""
        hits = [(mark.area(), i) for i, mark in enumerate(self.marks) if mark.contains_point(pos)]
        return min(hits)[1] if hits else -1

    def _handle_at(self, view_pos: QPointF) -> int | None:
        if not 0 <= self.selected < len(self.marks):
            return None
        for i, vertex in enumerate(self.marks[self.selected].vertices()):
            if self._near(vertex, view_pos, HANDLE_PX):
                return i
        return None

    def _near(self, scene_point: QPointF, view_pos: QPointF, pixels: float) -> bool:
        delta = self.mapFromScene(scene_point) - view_pos.toPoint()
        return abs(delta.x()) <= pixels and abs(delta.y()) <= pixels

    def _clamp(self, pos: QPointF) -> QPointF:
        r = self.image_rect
        return QPointF(min(max(pos.x(), r.left()), r.right()), min(max(pos.y(), r.top()), r.bottom()))

    @staticmethod
    def _points_of(mark) -> list[QPointF]:
        return list(mark.points) if mark.kind == SHAPE_POLYGON else []

    def _restore(self, mark) -> None:
        """Back to where a MOVE began (each mouse move applies the whole drag from there)."""
        if mark.kind == SHAPE_POLYGON:
            mark.set_points(self._start_points)
        else:
            mark.set_rect(self._start_rect)

    def _move_mark(self, mark, delta: QPointF) -> None:
        """Shift ``mark`` by ``delta``, kept whole inside the image."""
        moved = self._moved(mark.rect, delta)
        if mark.kind == SHAPE_POLYGON:
            mark.set_points(mark.translated(moved.topLeft() - mark.rect.topLeft()))
        else:
            mark.set_rect(moved)

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
        handle = self._handle_at(view_pos)
        mark = self.marks[self.selected] if 0 <= self.selected < len(self.marks) else None
        if handle is not None and mark.kind == SHAPE_POLYGON:
            self.viewport().setCursor(Qt.CursorShape.SizeAllCursor)
        elif handle is not None:
            diagonal = Qt.CursorShape.SizeFDiagCursor if handle in (0, 2) else Qt.CursorShape.SizeBDiagCursor
            self.viewport().setCursor(diagonal)
        elif mark is not None and mark.kind == SHAPE_POLYGON and mark.edge_at(
            pos, HANDLE_PX / max(self.transform().m11(), 1e-6)
        ):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)  # a press here adds a vertex
        elif self._mark_at(pos) >= 0 and QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.viewport().setCursor(Qt.CursorShape.SizeAllCursor)
        elif self.image_rect.contains(pos):
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.viewport().unsetCursor()
