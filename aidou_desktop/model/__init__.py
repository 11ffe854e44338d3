"""Plain-Python domain types and their validation. No Qt, no SQL."""

from aidou_desktop.model.domain import (
    Annotation,
    BatchSummary,
    QuarantinedChange,
    SyncRun,
    SyncState,
    box_shape,
    clamp_box,
    clamp_shape,
    shape_bounds,
    shape_rect,
    validate_shapes,
)
from sync_server.protocol import Batch, Item, Label, LabelSchema, Order, Shape, UserInfo

__all__ = [
    "Annotation",
    "Batch",
    "BatchSummary",
    "Item",
    "Label",
    "LabelSchema",
    "Order",
    "QuarantinedChange",
    "Shape",
    "SyncRun",
    "SyncState",
    "UserInfo",
    "box_shape",
    "clamp_box",
    "clamp_shape",
    "shape_bounds",
    "shape_rect",
    "validate_shapes",
]
