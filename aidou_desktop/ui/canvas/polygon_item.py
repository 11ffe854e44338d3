"""One polygon on the canvas, and the outline being drawn before it is closed.

Like ``BoxItem``, its vertices live in scene coordinates = original-image pixels and its
handles and lines keep their screen size at any zoom.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from aidou_desktop.ui.canvas.mark_item import HANDLE_PX, MarkItem, draw_handles
from sync_server.protocol import SHAPE_POLYGON, Shape


def _distance_to_segment(p: QPointF, a: QPointF, b: QPointF) -> tuple[float, QPointF]:
    """Distance from ``p`` to the segment a–b, and the nearest point on it."""
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length2))
    nearest = QPointF(a.x() + t * dx, a.y() + t * dy)
    return math.hypot(p.x() - nearest.x(), p.y() - nearest.y()), nearest


class PolygonItem(MarkItem):
    """A closed outline in its label's colour, with the label's title on a tag."""

    kind = SHAPE_POLYGON

    def __init__(self, label: str, title: str, color: str, points: list[QPointF]) -> None:
        self.points = [QPointF(p) for p in points]
        self.polygon = QPolygonF(self.points)
        self._top = min(self.points, key=lambda p: (p.y(), p.x()))
        super().__init__(label, title, color, self.polygon.boundingRect())
        self._place_tag()

    # ------------------------------------------------------------ geometry

    def set_points(self, points: list[QPointF]) -> None:
        self.prepareGeometryChange()
        self.points = [QPointF(p) for p in points]
        self.polygon = QPolygonF(self.points)
        self.rect = self.polygon.boundingRect()
        self._top = min(self.points, key=lambda p: (p.y(), p.x()))
        self._place_tag()
        self.update()

    def translated(self, delta: QPointF) -> list[QPointF]:
        return [p + delta for p in self.points]

    def shape_value(self) -> Shape:
        return Shape(SHAPE_POLYGON, self.label, [[p.x(), p.y()] for p in self.points])

    def tag_rect(self) -> QRectF:
        """What the label tag is placed around: the outline's top point (its bounding box's
        corner may lie far outside a slanted outline)."""
        return QRectF(self._top, self._top)

    def vertices(self) -> list[QPointF]:
        """The points a handle sits on (the selected polygon's vertices)."""
        return self.points

    def area(self) -> float:
        pts = self.points
        return abs(sum(a.x() * b.y() - b.x() * a.y() for a, b in zip(pts, pts[1:] + pts[:1]))) / 2

    def contains_point(self, pos: QPointF) -> bool:
        return self.rect.contains(pos) and self.polygon.containsPoint(pos, Qt.FillRule.OddEvenFill)

    def edge_at(self, pos: QPointF, tolerance: float) -> tuple[int, QPointF] | None:
        """(i, point): the edge from vertex i to i + 1 passes within ``tolerance`` of ``pos``
        at ``point``; None when no edge does."""
        if not self.rect.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(pos):
            return None
        best = None
        for i, a in enumerate(self.points):
            distance, nearest = _distance_to_segment(pos, a, self.points[(i + 1) % len(self.points)])
            if distance <= tolerance and (best is None or distance < best[0]):
                best = (distance, i, nearest)
        return None if best is None else (best[1], best[2])

    # ------------------------------------------------------------ painting

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pen = QPen(self.color, 3 if self.selected else 2)
        pen.setCosmetic(True)
        fill = QColor(self.color)
        fill.setAlpha(70 if self.selected else 40)
        # the tint without antialiasing (its edge is under the outline anyway), the outline
        # with it: an antialiased translucent fill was most of a zoomed frame's time
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(fill))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.drawPolygon(self.polygon)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.drawPolygon(self.polygon)
        if self.selected and self.handles:
            draw_handles(painter, self.points, self.color, self.scene_per_pixel)


class DraftOutline(QGraphicsItem):
    """The outline being drawn: its vertices so far, and a line on to the mouse. The first
    vertex is drawn larger once the outline can be closed by clicking it."""

    def __init__(self, color: str) -> None:
        super().__init__()
        self.color = QColor(color)
        self.points: list[QPointF] = []
        self.mouse: QPointF | None = None
        self.scene_per_pixel = 1.0
        self.setZValue(2)

    def set_state(self, points: list[QPointF], mouse: QPointF | None, scene_per_pixel: float) -> None:
        self.prepareGeometryChange()
        self.points, self.mouse, self.scene_per_pixel = list(points), mouse, scene_per_pixel
        self.update()

    def boundingRect(self) -> QRectF:
        pts = self.points + ([self.mouse] if self.mouse is not None else [])
        if not pts:
            return QRectF()
        pad = 2 * HANDLE_PX * self.scene_per_pixel
        return QPolygonF(pts).boundingRect().adjusted(-pad, -pad, pad, pad)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.points:
            return
        pen = QPen(self.color, 2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF(self.points))
        if self.mouse is not None:
            rubber = QPen(self.color, 1, Qt.PenStyle.DashLine)
            rubber.setCosmetic(True)
            painter.setPen(rubber)
            painter.drawLine(self.points[-1], self.mouse)
        draw_handles(painter, self.points, self.color, self.scene_per_pixel)
        if len(self.points) >= 3:  # the first vertex, larger: a click on it closes the outline
            draw_handles(painter, self.points[:1], self.color, 1.8 * self.scene_per_pixel)
