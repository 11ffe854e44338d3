"""One item's result as plain data: what a line of the JSONL export holds.

Common to every order: ``id``, ``name``, the text (``text``) or the exported image
(``image``, ``width``, ``height``: original pixels, upright), ``meta`` when the imported
file gave one, then the result, then who and when: ``annotator``, ``reviewer`` (who
accepted it), ``status`` ("accepted", "rejected" — sent back by a lead — or "submitted")
and ``time`` (when the server stored the revision, ISO 8601 UTC).

The result by task kind:
- text_class, image_class: ``labels``, the class names chosen ([] = none);
- ner: ``spans``, each ``{start, end, label, text}``: code points start ≤ i < end of the
  text, and ``text[start:end]``, sorted by start (a longer span first);
- transcription: ``lines``, each ``{text, label, box}`` (box: [[x1, y1], [x2, y2]] in
  original pixels, or null for the whole image), ``transcription`` (the lines joined with
  "\\n") and ``ocr_cer`` (how far the PC's OCR suggestion was from it; null: none made);
- bbox, polygon: ``shapes`` as stored (``{kind, label, points}``).
A shape of another kind than the order's (pushed before the server checked kinds) is
kept under ``shapes`` as well: nothing is dropped unsaid.
"""

from __future__ import annotations

from typing import Any

from sync_server.db.clock import to_iso
from sync_server.export.selection import ExportItem
from sync_server.protocol import (
    SHAPE_CLASS,
    SHAPE_SPAN,
    SHAPE_TEXT,
    TASK_IMAGE_CLASS,
    TASK_NER,
    TASK_TEXT_CLASS,
    TASK_TRANSCRIPTION,
)

_OWN_KINDS = {
    TASK_TEXT_CLASS: (SHAPE_CLASS,),
    TASK_IMAGE_CLASS: (SHAPE_CLASS,),
    TASK_NER: (SHAPE_SPAN,),
    TASK_TRANSCRIPTION: (SHAPE_TEXT,),
}


def status(item: ExportItem) -> str:
    return {"accept": "accepted", "reject": "rejected"}.get(item.verdict, "submitted")


def spans(item: ExportItem) -> list[dict[str, Any]]:
    """The head's spans, sorted, each with its surface text."""
    text = item.text or ""
    found = sorted(((*s["points"][0], s["label"]) for s in item.shapes if s["kind"] == SHAPE_SPAN),
                   key=lambda s: (s[0], -s[1], s[2]))  # fmt: skip
    return [{"start": start, "end": end, "label": label, "text": text[start:end]} for start, end, label in found]


def labels(item: ExportItem) -> list[str]:
    return [s["label"] for s in item.shapes if s["kind"] == SHAPE_CLASS]


def item_result(task_kind: str, item: ExportItem, image: str | None) -> dict[str, Any]:
    """The JSONL object of one exported item (see the module's docstring)."""
    result: dict[str, Any] = {"id": item.id, "name": item.name}
    if image is None:
        result["text"] = item.text
    else:
        result.update(image=image, width=item.width, height=item.height)
    if item.meta is not None:
        result["meta"] = item.meta
    if task_kind in (TASK_TEXT_CLASS, TASK_IMAGE_CLASS):
        result["labels"] = labels(item)
    elif task_kind == TASK_NER:
        result["spans"] = spans(item)
    elif task_kind == TASK_TRANSCRIPTION:
        lines = [{"text": s.get("text") or "", "label": s["label"], "box": s["points"] or None}
                 for s in item.shapes if s["kind"] == SHAPE_TEXT]  # fmt: skip
        result.update(lines=lines, transcription="\n".join(line["text"] for line in lines), ocr_cer=item.ocr_cer)
    own = _OWN_KINDS.get(task_kind, ())
    other = [s for s in item.shapes if s["kind"] not in own]
    if other or not own:
        result["shapes"] = other
    result.update(annotator=item.annotator, reviewer=item.reviewer, status=status(item), time=to_iso(item.received_at))
    return result
