"""What the canvas hands on when a gesture ends: one ``CanvasEdit``, one undo step."""

from __future__ import annotations

from dataclasses import dataclass

from aidou_desktop.model import Shape

DRAW, MOVE, RESIZE, PAN, NUDGE = "draw", "move", "resize", "pan", "nudge"
VERTEX, INSERT, REMOVE_VERTEX = "vertex", "insert", "remove_vertex"  # polygon edits


@dataclass
class CanvasEdit:
    kind: str  # DRAW / MOVE / RESIZE / NUDGE / VERTEX / INSERT / REMOVE_VERTEX
    before: list[Shape]
    after: list[Shape]
    selected_before: int
    selected_after: int
