"""What boxes and polygons on the canvas share: a label in its colour, a tag with the
label's title, selection, and handles that keep their screen size at any zoom."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

HANDLE_PX = 9  # corner handle size on screen, whatever the zoom


def readable_text_color(background: QColor) -> QColor:
    return QColor("#000000") if background.lightnessF() > 0.6 else QColor("#ffffff")


class LabelTag(QGraphicsItem):
    """The label title over a box's top-left corner; stays the same size on screen."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.text = ""
        self.color = QColor("#ff0000")
        self.font = QFont()
        self.font.setPixelSize(13)
        self.font.setBold(True)
        self.inside = False  # drawn just inside the box when there is no room above it
        self.offset = QPointF()  # screen pixels from its anchor (set by the canvas's tag layout)
        self.laid_out = False  # the canvas chose where it goes: the box's own default is not used
        self._size = (8.0, 2.0)

    def set_label(self, text: str, color: QColor) -> None:
        self.prepareGeometryChange()
        self.text, self.color = text, color
        metrics = QFontMetricsF(self.font)
        # kept: the view asks every tag's bounding rect on every frame of a pan
        self._size = (metrics.horizontalAdvance(text) + 8, metrics.height() + 2)
        self.update()

    def size_px(self) -> tuple[float, float]:
        return self._size

    def _box(self) -> QRectF:
        width, height = self.size_px()
        if self.laid_out:
            return QRectF(self.offset.x(), self.offset.y(), width, height)
        return QRectF(0, 0 if self.inside else -height, width, height)

    def unplace(self) -> None:
        """Back to the box's own default place (set by the box)."""
        if self.laid_out:
            self.prepareGeometryChange()  # called by the item itself: PySide6 6.12 mishandles it from outside
            self.laid_out = False

    def place(self, anchor: QPointF, offset: QPointF) -> None:
        """At scene point ``anchor``, shifted by ``offset`` screen pixels."""
        self.prepareGeometryChange()
        self.laid_out, self.offset = True, offset
        self.setPos(anchor)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._box()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        box = self._box()
        painter.fillRect(box, self.color)
        painter.setFont(self.font)
        painter.setPen(readable_text_color(self.color))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text)


class MarkItem(QGraphicsItem):
    """Base of ``BoxItem`` and ``PolygonItem``: their geometry lives in scene coordinates =
    original-image pixels; ``rect`` is the bounding rectangle, kept by the subclass."""

    kind = ""  # the protocol's SHAPE_*

    def __init__(self, label: str, title: str, color: str, rect: QRectF) -> None:
        super().__init__()
        self.label = label
        self.color = QColor(color)
        self.rect = QRectF(rect)
        self.selected = False
        self.handles = True  # handles on the selected mark; none where marks cannot be edited
        self.scene_per_pixel = 1.0  # set by the canvas on zoom: handles keep their screen size
        self.tag = LabelTag(self)
        self.set_label(label, title, color)

    def set_label(self, label: str, title: str, color: str) -> None:
        self.label = label
        self.color = QColor(color)
        self.tag.set_label(title, self.color)
        self.update()

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.setZValue(1 if selected else 0)
        self.update()

    def set_scene_per_pixel(self, value: float) -> None:
        self.prepareGeometryChange()
        self.scene_per_pixel = value
        self._place_tag()

    def tag_rect(self) -> QRectF:
        """What the label tag is placed around (``tag_layout``)."""
        return self.rect

    def _place_tag(self) -> None:
        self.tag.unplace()  # moved or resized: its own place until the canvas lays tags out again
        self.tag.inside = self.rect.top() < 20 * self.scene_per_pixel  # no room above the image's edge
        self.tag.setPos(self.tag_rect().topLeft())
        self.tag.update()

    def boundingRect(self) -> QRectF:
        pad = HANDLE_PX * self.scene_per_pixel
        return self.rect.adjusted(-pad, -pad, pad, pad)


def draw_handles(painter: QPainter, points: list[QPointF], color: QColor, scene_per_pixel: float) -> None:
    half = HANDLE_PX * scene_per_pixel / 2
    pen = QPen(color, 2)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.setBrush(QBrush(QColor("#ffffff")))
    for p in points:
        painter.drawRect(QRectF(p.x() - half, p.y() - half, 2 * half, 2 * half))
