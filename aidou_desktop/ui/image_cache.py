"""Decoded images, kept and decoded ahead so the next item shows at once.

The budget is ≤ 10 ms median / ≤ 12 ms p95 from key press to the next image on screen,
while an OpenCV decode of a 1080p JPEG alone takes ≈ 9 ms on the reference PC: the only
way to meet it is to decode the next few items in the background while the annotator
works on this one. Decoding releases the GIL, so plain threads help. The keeping policy
(an LRU whose prefetches refresh recency) is ``aidou_desktop.imaging.prefetch``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from aidou_desktop.imaging import DecodeAhead, decode_bgra
from aidou_desktop.ui.contrast_image import note_problem

FRAME_1080P = 1920 * 1080 * 4  # bytes of a decoded 1080p RGB32 frame (≈ 8 MB)


def load_qimage(path: Path) -> QImage:
    """Decode with OpenCV and wrap as a QImage that owns its pixels, with the blurred / dark
    check's verdict noted on it (this runs on the decode threads)."""
    bgra = decode_bgra(path)
    height, width = bgra.shape[:2]
    # QImage would only borrow the numpy buffer; copy() makes it own the pixels
    return note_problem(QImage(bgra.data, width, height, bgra.strides[0], QImage.Format.Format_RGB32).copy(), bgra)


class ImageCache(DecodeAhead[Path, QImage]):
    """An LRU of decoded images keyed by file path, filled ahead of need."""

    # the current item, two ahead and one behind: 4 × 8 MB at 1080p, well inside the
    # 200 MiB memory budget; the byte bound holds it there for bigger display copies too
    def __init__(self, capacity: int = 4, threads: int = 2, max_bytes: int | None = 4 * FRAME_1080P) -> None:
        super().__init__(load_qimage, QImage.sizeInBytes, capacity=capacity, max_bytes=max_bytes, threads=threads)
