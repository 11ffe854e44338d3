"""Fit marks to the object inside a loosely drawn box (keys G on the box and polygon
pages): OpenCV's GrabCut, started from the box (outside it is background, inside probably
foreground). ``snap_rect`` keeps the bounding rectangle of what it finds, ``outline``
its outline as a polygon. Run on the display copy: a few tens of ms for a box of a few
hundred pixels."""

from __future__ import annotations

import cv2
import numpy as np

from sync_server.protocol.polygon import is_simple

ITERATIONS = 3
MIN_SIDE = 8  # display pixels: smaller boxes have too little to tell object from background
# how far (in display pixels, per 100 px of outline) a polygon may stray from the mask's
# edge: a few dozen vertices for a car, not one per pixel; doubled until the outline is simple
OUTLINE_TOLERANCE = 0.6
MAX_OUTLINE_POINTS = 200


def _object(bgr: np.ndarray, rect: tuple[int, int, int, int]) -> tuple[np.ndarray, tuple[int, int]] | None:
    """The mask (255 = object) of the biggest object GrabCut keeps inside ``rect``, on a crop
    of the image, with the crop's top-left corner; None when there is nothing usable
    (nothing, or the whole box)."""
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
    bw, bh = int(stats[biggest, cv2.CC_STAT_WIDTH]), int(stats[biggest, cv2.CC_STAT_HEIGHT])
    if bw * bh >= 0.97 * w * h:
        return None  # it kept the whole box: no better edge to snap to
    return np.where(labels == biggest, 255, 0).astype(np.uint8), (x0, y0)


def snap_rect(bgr: np.ndarray, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) of the object GrabCut finds inside ``rect`` (x, y, w, h in ``bgr``'s
    pixels), or None when it finds nothing usable."""
    found = _object(bgr, rect)
    if found is None:
        return None
    mask, (x0, y0) = found
    bx, by, bw, bh = cv2.boundingRect(mask)
    return bx + x0, by + y0, bw, bh


def outline(bgr: np.ndarray, rect: tuple[int, int, int, int]) -> list[tuple[float, float]] | None:
    """The outline of the object inside ``rect`` as a simple polygon (in ``bgr``'s pixels),
    or None when GrabCut finds nothing usable."""
    found = _object(bgr, rect)
    if found is None:
        return None
    mask, (x0, y0) = found
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contour = max(contours, key=cv2.contourArea)
    tolerance = OUTLINE_TOLERANCE / 100 * cv2.arcLength(contour, True)
    for _ in range(8):
        points = cv2.approxPolyDP(contour, max(tolerance, 0.5), True).reshape(-1, 2)
        polygon = [(float(px + x0), float(py + y0)) for px, py in points]
        if 3 <= len(polygon) <= MAX_OUTLINE_POINTS and is_simple([list(p) for p in polygon]):
            return polygon
        tolerance *= 2  # a pixel-thin neck can fold the outline onto itself: coarser is simple
    return None
