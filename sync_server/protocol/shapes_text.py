"""A revision's shapes kept as the JSON text ``to_wire`` wrote, decoded only when read.

The desktop stores each revision's shapes as that text. A push sends thousands of them:
decoding each into ``Shape`` objects only to encode them straight back was most of the
client's side of a push. ``to_wire`` writes a ``ShapesText`` as its text parsed into
plain lists and dicts (orjson, in C); whoever reads the shapes gets ``Shape`` objects,
as from a list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from sync_server.protocol.wire import Shape


class ShapesText(Sequence):
    """``Sequence[Shape]`` over the wire JSON text of a list of shapes."""

    __slots__ = ("_shapes", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._shapes: list[Shape] | None = None

    def plain(self) -> list[Any]:
        """The text as JSON-ready data: what ``to_wire`` gives for these shapes."""
        try:
            return orjson.loads(self.text)
        except orjson.JSONDecodeError:  # text an older version wrote that orjson reads stricter
            return json.loads(self.text)

    def _decoded(self) -> list[Shape]:
        if self._shapes is None:
            self._shapes = [Shape(s["kind"], s["label"], s["points"], s.get("text")) for s in self.plain()]
        return self._shapes

    def __len__(self) -> int:
        return len(self._decoded())

    def __getitem__(self, index):
        return self._decoded()[index]

    def __iter__(self) -> Iterator[Shape]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ShapesText):
            return self._decoded() == other._decoded()
        if isinstance(other, list):
            return self._decoded() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list, which has none

    def __repr__(self) -> str:
        return f"ShapesText({self._decoded()!r})"
