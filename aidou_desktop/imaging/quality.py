"""A warning on photos too blurred or too dark to label well, so an annotator can flag
them ("image not clear") instead of guessing. Measured on a copy whose longest side is
CHECK_SIDE px (a few ms, whatever the display copy's size): the variance of the
Laplacian falls as detail blurs away (Pech-Pacheco et al.; OpenCV's usual focus measure),
the mean grey level says how dark it is.

The thresholds were set on the demo street scenes at 640 px: sharp 287–358, Gaussian
blur σ 4 (of 1280 px) 6–7; normal brightness 104–119, the same scenes at 15 % light 15–18.
They warn only on the clear cases: a flat, simple image (a form, a plain product shot)
has little detail yet is sharp, and must not be called blurred."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

CHECK_SIDE = 640
SHARPNESS_MIN = 10.0
BRIGHTNESS_MIN = 40.0
DARK, BLURRED = "dark", "blurred"


def photo_problem(bgra: np.ndarray) -> str | None:
    """DARK, BLURRED or None for a BGRA (or BGR) image."""
    import cv2

    height, width = bgra.shape[:2]
    gray = cv2.cvtColor(bgra, cv2.COLOR_BGRA2GRAY if bgra.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    scale = CHECK_SIDE / max(height, width, 1)
    if scale < 1:  # grey first: a quarter of the bytes to shrink
        gray = cv2.resize(gray, (max(1, round(width * scale)), max(1, round(height * scale))),
                          interpolation=cv2.INTER_AREA)  # fmt: skip
    if gray.mean() < BRIGHTNESS_MIN:
        return DARK
    if cv2.Laplacian(gray, cv2.CV_64F).var() < SHARPNESS_MIN:
        return BLURRED
    return None
