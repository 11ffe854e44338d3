"""Decoding cached display copies with OpenCV.

``cv2.imdecode`` is faster than Qt's own JPEG decoder (design.md, budgets), and
reading the bytes with numpy first works with non-ASCII Windows paths, which
``cv2.imread`` does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


class DecodeError(ValueError):
    """The file is missing or not an image OpenCV can read."""


def decode_bgra(path: Path) -> np.ndarray:
    """The image at ``path`` as a contiguous H×W×4 uint8 array in B, G, R, A order.

    B,G,R,A bytes are what Qt's ``Format_RGB32`` holds on little-endian machines
    (every PC we ship to), so the UI wraps the array without another conversion
    and ``QPixmap.fromImage`` is a plain copy.
    """
    import cv2
    import numpy as np

    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise DecodeError(f"cannot read {path}: {exc}") from exc
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if bgr is None:
        raise DecodeError(f"not a readable image: {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
