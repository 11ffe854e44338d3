"""Plain geometry of stored shapes, for the exports: a polygon's area and bounds, a box's corners.

Points are ``[[x, y], …]`` in original-image pixels (``SHAPE_POLYGON``: the vertices of a
closed, simple polygon; ``SHAPE_BOX``: top-left and bottom-right).
"""

from __future__ import annotations

from collections.abc import Sequence

from sync_server.protocol.polygon import polygon_area  # the one shoelace, as push checks areas with it

__all__ = ["box_corners", "bounds", "polygon_area"]

Points = Sequence[Sequence[float]]


def bounds(points: Points) -> tuple[float, float, float, float]:
    """``(x1, y1, x2, y2)``: the smallest box holding every point."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def box_corners(points: Points) -> list[list[float]]:
    """A box's four corners, clockwise on screen from its top-left (a polygon of the box)."""
    (x1, y1), (x2, y2) = points
    return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]]
