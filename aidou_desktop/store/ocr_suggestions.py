"""OCR suggestions for transcription items: kept per item, and the error rate of a saved
text against them. Functions over one connection, and their part of ``Store``."""

from __future__ import annotations

import sqlite3

from aidou_desktop.model import Item
from sync_server.quality.cer import character_error_rate
from aidou_desktop.ocr.lines import OcrLine, lines_from_json, lines_to_json, suggestion_text
from aidou_desktop.store.db import rows, scalar
from aidou_desktop.store.rows import ITEM_COLUMNS, item_from_row, now_iso
from sync_server.protocol import SHAPE_TEXT, TASK_TRANSCRIPTION, Shape

# transcription items of batches leased to someone who works on this PC (a lead's review
# images are not theirs to transcribe), image here, no suggestion yet
_WAITING = f"""
SELECT {", ".join("i." + c for c in ITEM_COLUMNS)} FROM items i JOIN orders o ON o.id = i.order_id
WHERE o.task_kind = '{TASK_TRANSCRIPTION}' AND i.ready = 1
AND i.batch_id IN (SELECT b.id FROM batches b JOIN accounts a ON a.user_id = b.annotator_id
                   WHERE :annotator IS NULL OR b.annotator_id = :annotator)
AND (:batch IS NULL OR i.batch_id = :batch)
AND NOT EXISTS (SELECT 1 FROM ocr_suggestions s WHERE s.item_id = i.id)
ORDER BY i.id
"""


def suggestion(conn: sqlite3.Connection, item_id: int) -> list[OcrLine] | None:
    text = scalar(conn, "SELECT lines FROM ocr_suggestions WHERE item_id = ?", (item_id,))
    return None if text is None else lines_from_json(text)


def transcribed_text(shapes: list[Shape]) -> str:
    """A transcription's text: its lines, one per text shape, in order."""
    return "\n".join(shape.text or "" for shape in shapes if shape.kind == SHAPE_TEXT)


def error_rate(conn: sqlite3.Connection, item_id: int, shapes: list[Shape]) -> float | None:
    """The character error rate of the item's OCR suggestion against these shapes' text;
    None when the item has no suggestion (OCR had not run, or it is not a transcription)."""
    lines = suggestion(conn, item_id)
    if lines is None:
        return None
    return character_error_rate(suggestion_text(lines), transcribed_text(shapes))


class OcrSuggestionMethods:
    """Mixed into ``Store`` (uses its ``_w`` writer)."""

    def ocr_suggestion(self, item_id: int) -> list[OcrLine] | None:
        """What OCR read on the item's image (reading order; [] = no text found), or None
        when it has not run on this item yet."""
        return self._w.read(lambda c: suggestion(c, item_id))

    def store_ocr_suggestion(self, item_id: int, lines: list[OcrLine]) -> None:
        body = lines_to_json(lines)
        self._w.write(
            lambda c: c.execute(
                "INSERT INTO ocr_suggestions (item_id, lines, made_at) VALUES (?, ?, ?)"
                " ON CONFLICT (item_id) DO UPDATE SET lines = excluded.lines, made_at = excluded.made_at",
                (item_id, body, now_iso()),
            ),
            "store an OCR suggestion",
        )

    def items_waiting_for_ocr(self, batch_id: int | None = None, annotator_id: int | None = None) -> list[Item]:
        """Transcription items whose image is here and that OCR has not read yet, in item
        order: of ``batch_id`` (default: every batch), leased to ``annotator_id`` (default:
        anyone with an account on this PC)."""
        params = {"batch": batch_id, "annotator": annotator_id}
        return [item_from_row(r) for r in self._w.read(lambda c: rows(c, _WAITING, params))]
