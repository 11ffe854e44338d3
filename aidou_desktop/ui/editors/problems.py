"""The order's rules, checked before a change is saved: the same ``check_shape`` and
``check_payload`` the server runs on every push (one rule set), their reasons told in
the person's language."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from aidou_desktop.model import Item, Order, Shape
from sync_server.protocol import TASK_TRANSCRIPTION, check_payload, check_shape, to_wire


def edit_problem(order: Order, item: Item, shapes: list[Shape], flag: str | None = None) -> str | None:
    """Why these shapes cannot be saved as the item's answer (the server's words), or None."""
    labels = order.schema.names()
    text_length = len(item.text or "")
    for shape in shapes:
        reason = check_shape(shape, item.width, item.height, labels, text_length)
        if reason:
            return reason
    return check_payload(order.task_kind, shapes, to_wire(order.schema), flag)


def saves_anyway(order: Order, reason: str) -> bool:
    """A transcription passes through empty while it is retyped: saved, and the reason shown,
    so the screen and the store never part (the server refuses it if it is pushed empty)."""
    return order.task_kind == TASK_TRANSCRIPTION and reason.startswith("the transcription is empty")


translate = QCoreApplication.translate  # lupdate finds the literal texts of translate() calls

# (the server's reason, as check_shape / check_payload word it) -> what the person reads
_RULES = [
    (r"unknown label (.*)$", lambda m, titles: translate(
        "Problems",
        "The label %1 is not in this order's label list: choose a label from the list, or delete the mark.",
    ).replace("%1", m[1])),
    (r"span \[\d+, \d+\) overlaps another", lambda m, titles: translate(
        "Problems",
        "The selection overlaps an entity already marked, and this order does not allow one entity inside "
        "another. Select other text, or delete the other entity first.",
    )),
    (r"span \[\d+, \d+\) crosses another span's end", lambda m, titles: translate(
        "Problems",
        "The selection crosses the edge of an entity already marked: an entity may lie wholly inside "
        "another, but never across its edge.",
    )),
    (r"span \[\d+, \d+\) is marked twice as '(.*)'", lambda m, titles: translate(
        "Problems", "This text is already marked as %1."
    ).replace("%1", titles.get(m[1], m[1]))),
    (r"span \[(\d+), (\d+)\) lies outside the text \((\d+) characters\)", lambda m, titles: translate(
        "Problems", "The entity at characters %1–%2 lies outside the text (%3 characters)."
    ).replace("%1", m[1]).replace("%2", m[2]).replace("%3", m[3])),
    (r"a span needs one pair", lambda m, titles: translate("Problems", "An entity's position is not valid.")),
    (r"a class is chosen twice", lambda m, titles: translate("Problems", "This class is already chosen.")),
    (r"only one class may be chosen", lambda m, titles: translate(
        "Problems", "Only one class may be chosen in this order."
    )),
    (r"a class takes no points", lambda m, titles: translate("Problems", "A class mark is not valid.")),
    (r"the transcription is empty", lambda m, titles: translate(
        "Problems", "The transcription is empty: type the text, or flag the item with a reason (Q)."
    )),
    (r"transcribed line", lambda m, titles: translate(
        "Problems", "A transcribed line is missing its text or is too long."
    )),
    (r"box|corner", lambda m, titles: translate(
        "Problems", "A box is not valid: it has no size or lies outside the image."
    )),
    (r"has no place in a|unknown shape kind", lambda m, titles: translate(
        "Problems", "This kind of mark does not belong to this order."
    )),
]
_RULES = [(re.compile(pattern), words) for pattern, words in _RULES]


def problem_text(reason: str, order: Order | None = None) -> str:
    """The reason in the person's language (label names shown by their titles)."""
    titles = {label.name: label.title for label in order.schema.labels} if order else {}
    for pattern, words in _RULES:
        match = pattern.search(reason)
        if match:
            return words(match, titles)
    return translate("Problems", "This change cannot be saved: %1").replace("%1", reason)
