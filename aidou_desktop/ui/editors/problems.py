"""The order's rules, checked before a change is saved: the same ``check_shape`` and
``check_payload`` the server runs on every push (one rule set), their reasons told in
the person's language.

The words come from the problem's code (``REJECT_*``) and params, never from the server's
English: the check here and a refusal the server sent back are worded by one table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from aidou_desktop.model import Item, Order, Shape
from sync_server.protocol import (
    REJECT_BOX_EMPTY,
    REJECT_BOX_INVALID,
    REJECT_BOX_OUTSIDE,
    REJECT_CLASS_POINTS,
    REJECT_CLASS_TWICE,
    REJECT_LEASED_TO_OTHER,
    REJECT_NOT_LEASED,
    REJECT_ONE_CLASS_ONLY,
    REJECT_POLYGON_DUPLICATE_POINT,
    REJECT_POLYGON_INVALID,
    REJECT_POLYGON_OUTSIDE,
    REJECT_POLYGON_SELF_INTERSECTS,
    REJECT_POLYGON_TOO_FEW_POINTS,
    REJECT_POLYGON_TOO_MANY_POINTS,
    REJECT_POLYGON_ZERO_AREA,
    REJECT_SPAN_CROSSES,
    REJECT_SPAN_INVALID,
    REJECT_SPAN_OUTSIDE,
    REJECT_SPAN_OVERLAP,
    REJECT_SPAN_TWICE,
    REJECT_TEXT_MISSING,
    REJECT_TEXT_TOO_LONG,
    REJECT_TOO_LONG,
    REJECT_TOO_MANY_SHAPES,
    REJECT_TRANSCRIPTION_EMPTY,
    REJECT_UNKNOWN_ITEM,
    REJECT_UNKNOWN_LABEL,
    REJECT_UNKNOWN_SCHEMA,
    REJECT_UNKNOWN_SHAPE_KIND,
    REJECT_WRONG_SHAPE_KIND,
    Problem,
    check_payload,
    check_shape,
    quoted,
    to_wire,
)


def edit_problem(order: Order, item: Item, shapes: list[Shape], flag: str | None = None) -> Problem | None:
    """Why these shapes cannot be saved as the item's answer, or None. A ``Problem``: the
    server's English (for the log) with the code ``problem_text`` words it by."""
    labels = order.schema.names()
    text_length = len(item.text or "")
    for index, shape in enumerate(shapes):
        problem = check_shape(shape, item.width, item.height, labels, text_length)
        if problem is not None:
            return problem.at_shape(index)
    return check_payload(order.task_kind, shapes, to_wire(order.schema), flag)


def saves_anyway(order: Order, problem: Problem) -> bool:
    """A transcription passes through empty while it is retyped: saved, and the problem shown,
    so the screen and the store never part (the server refuses it if it is pushed empty)."""
    return getattr(problem, "code", None) == REJECT_TRANSCRIPTION_EMPTY


translate = QCoreApplication.translate  # lupdate finds the literal texts of translate() calls

Words = Callable[[Mapping[str, Any], Mapping[str, str]], str]


def _box(params: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    return translate("Problems", "A box is not valid: it has no size or lies outside the image.")


def _kind(params: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    return translate("Problems", "This kind of mark does not belong to this order.")


def _line(params: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    return translate("Problems", "A transcribed line is missing its text or is too long.")


def _batch_gone(params: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    return translate(
        "Problems", "This batch is no longer yours, so the server did not take this change. Tell your team lead."
    )


def _too_long(params: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    if params.get("field") == "flag":
        return translate("Problems", "The note for the lead is longer than %1 characters: shorten it.").replace(
            "%1", str(params.get("max", ""))
        )
    return _technical(params, titles)


def _technical(params: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """A refusal no edit of the marks can fix (an id, a field the app fills in)."""
    return translate(
        "Problems", "The server could not take this change. Your work is kept on this PC; tell your base admin."
    )


# (code → words): every problem check_shape / check_payload / the server's push can give;
# a code not here (from a newer server) gets ``_technical``'s sentence
_WORDS: dict[str, Words] = {
    REJECT_UNKNOWN_LABEL: lambda p, titles: translate(
        "Problems",
        "The label %1 is not in this order's label list: choose a label from the list, or delete the mark.",
    ).replace("%1", quoted(str(p.get("label", "")))),  # quoted: a name the order does not know, as it was sent
    REJECT_SPAN_OVERLAP: lambda p, titles: translate(
        "Problems",
        "The selection overlaps an entity already marked, and this order does not allow one entity inside "
        "another. Select other text, or delete the other entity first.",
    ),
    REJECT_SPAN_CROSSES: lambda p, titles: translate(
        "Problems",
        "The selection crosses the edge of an entity already marked: an entity may lie wholly inside "
        "another, but never across its edge.",
    ),
    REJECT_SPAN_TWICE: lambda p, titles: translate("Problems", "This text is already marked as %1.").replace(
        "%1", titles.get(str(p.get("label", "")), str(p.get("label", "")))
    ),
    REJECT_SPAN_OUTSIDE: lambda p, titles: translate(
        "Problems", "The entity at characters %1–%2 lies outside the text (%3 characters)."
    ).replace("%1", str(p.get("start", ""))).replace("%2", str(p.get("end", "")))
    .replace("%3", str(p.get("length", ""))),
    REJECT_SPAN_INVALID: lambda p, titles: translate("Problems", "An entity's position is not valid."),
    REJECT_CLASS_TWICE: lambda p, titles: translate("Problems", "This class is already chosen."),
    REJECT_ONE_CLASS_ONLY: lambda p, titles: translate("Problems", "Only one class may be chosen in this order."),
    REJECT_CLASS_POINTS: lambda p, titles: translate("Problems", "A class mark is not valid."),
    REJECT_TRANSCRIPTION_EMPTY: lambda p, titles: translate(
        "Problems", "The transcription is empty: type the text, or flag the item with a reason (Q)."
    ),
    REJECT_TEXT_MISSING: _line,
    REJECT_TEXT_TOO_LONG: _line,
    REJECT_BOX_INVALID: _box,
    REJECT_BOX_EMPTY: _box,
    REJECT_BOX_OUTSIDE: _box,
    REJECT_WRONG_SHAPE_KIND: _kind,
    REJECT_UNKNOWN_SHAPE_KIND: _kind,
    REJECT_POLYGON_SELF_INTERSECTS: lambda p, titles: translate(
        "Problems", "The polygon's outline crosses or touches itself: move its points so that no two edges meet."
    ),
    REJECT_POLYGON_TOO_FEW_POINTS: lambda p, titles: translate("Problems", "A polygon needs at least three points."),
    REJECT_POLYGON_TOO_MANY_POINTS: lambda p, titles: translate(
        "Problems", "A polygon may have at most %1 points."
    ).replace("%1", str(p.get("max", ""))),
    REJECT_POLYGON_OUTSIDE: lambda p, titles: translate("Problems", "A point of the polygon lies outside the image."),
    REJECT_POLYGON_DUPLICATE_POINT: lambda p, titles: translate(
        "Problems", "Two points of the polygon, one after the other, are in the same place: delete one of them."
    ),
    REJECT_POLYGON_ZERO_AREA: lambda p, titles: translate(
        "Problems", "The polygon has no area: its points lie on one line."
    ),
    REJECT_POLYGON_INVALID: lambda p, titles: translate("Problems", "A polygon's points are not valid."),
    REJECT_TOO_MANY_SHAPES: lambda p, titles: translate(
        "Problems", "Too many marks on one item: at most %1."
    ).replace("%1", str(p.get("max", ""))),
    REJECT_TOO_LONG: _too_long,
    REJECT_UNKNOWN_ITEM: lambda p, titles: translate(
        "Problems", "The server no longer has this item. Tell your team lead."
    ),
    REJECT_UNKNOWN_SCHEMA: lambda p, titles: translate(
        "Problems", "This order's label list changed on the server. Sync, check the labels, and save again."
    ),
    REJECT_NOT_LEASED: _batch_gone,
    REJECT_LEASED_TO_OTHER: _batch_gone,
}


def code_text(code: str | None, params: Mapping[str, Any] | None = None, order: Order | None = None) -> str:
    """A problem's code and params (``REJECT_*``) in the person's language (label names
    shown by their titles when the order is known). No code: a server too old to send one."""
    if not code:
        return translate(
            "Problems", "The server did not take this change. Check the marks, fix what is wrong, and save again."
        )
    titles = {label.name: label.title for label in order.schema.labels} if order else {}
    return _WORDS.get(code, _technical)(params or {}, titles)


def problem_text(problem: Problem, order: Order | None = None) -> str:
    """What ``edit_problem`` (or the server) found, in the person's language."""
    return code_text(getattr(problem, "code", None), getattr(problem, "params", None), order)
