"""A QImage with more contrast (``imaging.contrast``), for the B key of the box page."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from aidou_desktop.imaging.contrast import enhance_bgra


def enhanced(image: QImage) -> QImage:
    rgb32 = image.convertToFormat(QImage.Format.Format_RGB32)  # BGRA bytes in memory on little-endian PCs
    height, width = rgb32.height(), rgb32.width()
    view = np.frombuffer(rgb32.constBits(), np.uint8).reshape(height, rgb32.bytesPerLine())[:, : width * 4]
    bgra = enhance_bgra(view.reshape(height, width, 4))
    return QImage(bgra.data, width, height, bgra.strides[0], QImage.Format.Format_RGB32).copy()
