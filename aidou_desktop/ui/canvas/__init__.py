"""The image canvas: boxes in original-image pixel coordinates over a display copy."""

from aidou_desktop.ui.canvas.box_item import BoxItem
from aidou_desktop.ui.canvas.canvas_view import AnnotationCanvas, CanvasEdit

__all__ = ["AnnotationCanvas", "BoxItem", "CanvasEdit"]
