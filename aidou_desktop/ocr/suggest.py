"""Making an item's suggestion: OCR of its display copy, the boxes put in original pixels.

Shared by the app's background worker and ``aidou-sync run``; it takes the store as an
argument (never imports it: the store imports ``ocr.lines``)."""

from __future__ import annotations

import numpy as np

from aidou_desktop.imaging import DecodeError, decode_bgra
from aidou_desktop.ocr.engine import OcrError, recognize
from aidou_desktop.ocr.lines import OcrLine


def suggest(store, item) -> list[OcrLine] | None:
    """Read ``item``'s image and keep what OCR found in ``store``; None (nothing done) when
    it has a suggestion already. ``OcrError`` when its image is missing or unreadable."""
    if store.ocr_suggestion(item.id) is not None:
        return None
    path = store.blob_path(item.blob)
    if path is None:
        raise OcrError(f"the image of item {item.id} is not here")
    try:
        bgra = decode_bgra(path)
    except DecodeError as exc:
        raise OcrError(str(exc)) from exc
    # the display copy may be smaller than the original: shapes live in the original's pixels
    height, width = bgra.shape[:2]
    found = recognize(np.ascontiguousarray(bgra[..., :3]))
    lines = [line.scaled(item.width / width, item.height / height) for line in found]
    store.store_ocr_suggestion(item.id, lines)
    return lines
