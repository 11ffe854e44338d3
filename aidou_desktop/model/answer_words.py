"""An answer of a listed task kind in words (classes, entity spans, transcribed lines): the
same on the review page, beside a lead's copy, as in training's feedback. Callers join the
parts and choose the words for an empty answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sync_server.protocol import (
    SHAPE_SPAN,
    SHAPE_TEXT,
    TASK_NER,
    TASK_TRANSCRIPTION,
    Shape,
)


def answer_parts(task_kind: str, shapes: Sequence[Shape], text: str, titles: Mapping[str, str]) -> list[str]:
    """Each class's title; or each entity as 「its text」title, in reading order (offsets are
    code points, as Python indexes a str); or each transcribed line."""
    if task_kind == TASK_NER:
        spans = sorted((s for s in shapes if s.kind == SHAPE_SPAN), key=lambda s: (s.points[0][0], s.points[0][1]))
        return [f"「{text[s.points[0][0] : s.points[0][1]]}」{titles.get(s.label, s.label)}" for s in spans]
    if task_kind == TASK_TRANSCRIPTION:
        return [s.text or "" for s in shapes if s.kind == SHAPE_TEXT]
    return [titles.get(s.label, s.label) for s in shapes]
