"""One box on the canvas, in its label's colour with the label's title."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from aidou_desktop.model import Shape, box_shape
from aidou_desktop.ui.canvas.mark_item import MarkItem, draw_handles
from sync_server.protocol import SHAPE_BOX


class BoxItem(MarkItem):
    kind = SHAPE_BOX

    def __init__(self, label: str, title: str, color: str, rect: QRectF) -> None:
        super().__init__(label, title, color, QRectF(rect).normalized())
        self._place_tag()

    def set_rect(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.rect = QRectF(rect).normalized()
        self._place_tag()
        self.update()

    def shape_value(self) -> Shape:
        r = self.rect
        return box_shape(self.label, r.left(), r.top(), r.right(), r.bottom())

    def corners(self) -> list[QPointF]:
        r = self.rect
        return [r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()]

    def vertices(self) -> list[QPointF]:
        """The points a handle sits on (the selected box's corners)."""
        return self.corners()

    def area(self) -> float:
        return self.rect.width() * self.rect.height()

    def contains_point(self, pos: QPointF) -> bool:
        return self.rect.contains(pos)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pen = QPen(self.color, 3 if self.selected else 2)
        pen.setCosmetic(True)  # line width in screen pixels at any zoom
        painter.setPen(pen)
        if self.selected:  # only the selected box is tinted (as in labelme): a thousand tinted
            fill = QColor(self.color)  # boxes were most of a frame's time while panning
            fill.setAlpha(60)
            painter.setBrush(QBrush(fill))
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
        # an upright rectangle needs no antialiasing, and a translucent antialiased fill
        # is most of a frame's time with a thousand boxes
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.drawRect(self.rect)
        if self.selected and self.handles:
            draw_handles(painter, self.corners(), self.color, self.scene_per_pixel)
