"""Snap a loosely drawn box to the object inside it (key G on the box page): OpenCV's
GrabCut, started from the box (outside it is background, inside probably foreground),
then the bounding rectangle of what it keeps. Run on the display copy: a few tens of ms
for a box of a few hundred pixels."""

from __future__ import annotations

import cv2
import numpy as np

ITERATIONS = 3
MIN_SIDE = 8  # display pixels: smaller boxes have too little to tell object from background


def snap_rect(bgr: np.ndarray, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) of the object GrabCut finds inside ``rect`` (x, y, w, h in ``bgr``'s
    pixels), or None when it finds nothing usable (nothing, or the whole box)."""
    height, width = bgr.shape[:2]
    x, y, w, h = rect
    x, y = max(0, x), max(0, y)
    w, h = min(w, width - x), min(h, height - y)
    if w < MIN_SIDE or h < MIN_SIDE:
        return None
    # GrabCut needs background on every side of the box: work on the box and a margin around it
    margin = max(8, (w + h) // 8)
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(width, x + w + margin), min(height, y + h + margin)
    crop = np.ascontiguousarray(bgr[y0:y1, x0:x1, :3])
    mask = np.zeros(crop.shape[:2], np.uint8)
    background, foreground = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(crop, mask, (x - x0, y - y0, w, h), background, foreground, ITERATIONS, cv2.GC_INIT_WITH_RECT)
    kept = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(kept)
    if count < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))  # stray specks are not the object
    bx, by, bw, bh = (int(v) for v in stats[biggest, :4])
    if bw * bh >= 0.97 * w * h:
        return None  # it kept the whole box: no better edge to snap to
    return bx + x0, by + y0, bw, bh
