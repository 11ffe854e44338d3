"""The image canvas: boxes and polygons in original-image pixel coordinates over a display copy."""

from aidou_desktop.ui.canvas.box_item import BoxItem
from aidou_desktop.ui.canvas.canvas_view import AnnotationCanvas
from aidou_desktop.ui.canvas.edits import CanvasEdit
from aidou_desktop.ui.canvas.polygon_item import PolygonItem

__all__ = ["AnnotationCanvas", "BoxItem", "CanvasEdit", "PolygonItem"]
