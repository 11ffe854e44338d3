"""Contrast for dark or hazy photos, on the display copy only: what is stored (boxes in
original pixels) never depends on it. CLAHE on the lightness channel, as OpenCV's docs
show: local contrast without washing out the bright parts or shifting colours."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

CLIP_LIMIT = 2.0
TILES = (8, 8)


def enhance_bgra(bgra: np.ndarray) -> np.ndarray:
    """A new BGRA array (same size) with CLAHE applied to its L channel in Lab."""
    import cv2
    import numpy as np

    lab = cv2.cvtColor(np.ascontiguousarray(bgra[:, :, :3]), cv2.COLOR_BGR2LAB)
    lightness, a, b = cv2.split(lab)
    lightness = cv2.createCLAHE(clipLimit=CLIP_LIMIT, tileGridSize=TILES).apply(lightness)
    bgr = cv2.cvtColor(cv2.merge((lightness, a, b)), cv2.COLOR_LAB2BGR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
