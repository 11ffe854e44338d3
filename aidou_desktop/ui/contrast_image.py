"""The box page's image helpers on QImages: more contrast (``imaging.contrast``, key B),
the blurred / dark check (``imaging.quality``), and snapping a box or outlining the object
inside it (``imaging.grabcut``, key G).

numpy and GrabCut's module (OpenCV) are imported where used: the box page is imported
before the first paint, which must not wait for them (aidou_desktop.imaging)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from aidou_desktop.imaging.contrast import enhance_bgra
from aidou_desktop.imaging.quality import photo_problem

if TYPE_CHECKING:
    import numpy as np


def _bgra(image: QImage, copy: bool = True) -> np.ndarray:
    """The image's pixels as an H×W×4 BGRA array; ``copy=False``: a view, for use at once
    while ``image`` lives (the decoded display copies are RGB32 already: no conversion)."""
    import numpy as np

    rgb32 = image.convertToFormat(QImage.Format.Format_RGB32)  # BGRA bytes in memory on little-endian PCs
    height, width = rgb32.height(), rgb32.width()
    view = np.frombuffer(rgb32.constBits(), np.uint8).reshape(height, rgb32.bytesPerLine())[:, : width * 4]
    view = view.reshape(height, width, 4)
    return view.copy() if copy else view


def enhanced(image: QImage) -> QImage:
    bgra = enhance_bgra(_bgra(image))
    return QImage(bgra.data, bgra.shape[1], bgra.shape[0], bgra.strides[0], QImage.Format.Format_RGB32).copy()


# QImage text: the check's verdict ("" for none), noted where the image was decoded
_PROBLEM_KEY = "aidou-photo-problem"


def note_problem(image: QImage, bgra: np.ndarray) -> QImage:
    """``image`` carrying the check's verdict on ``bgra``, its own pixels: run on the decode
    thread, so showing the image costs no check (≈ 4 ms of a 1080p photo's next item)."""
    image.setText(_PROBLEM_KEY, photo_problem(bgra) or "")
    return image


def image_problem(image: QImage) -> str | None:
    """``quality.DARK``, ``quality.BLURRED`` or None: as noted at decode, else measured now."""
    if image.isNull():
        return None
    if _PROBLEM_KEY in image.textKeys():
        return image.text(_PROBLEM_KEY) or None
    return photo_problem(_bgra(image, copy=False))


def snapped_rect(image: QImage, rect: tuple[float, float, float, float], size: tuple[int, int]):
    """``rect`` (x, y, w, h in original pixels of an image ``size`` = (width, height)) snapped to
    the object inside it on the display copy ``image``; None when nothing better was found."""
    from aidou_desktop.imaging.grabcut import snap_rect

    sx, sy = image.width() / size[0], image.height() / size[1]
    x, y, w, h = rect
    found = snap_rect(_bgra(image, copy=False), (round(x * sx), round(y * sy), round(w * sx), round(h * sy)))
    if found is None:
        return None
    fx, fy, fw, fh = found
    return fx / sx, fy / sy, fw / sx, fh / sy


def outlined_polygon(image: QImage, rect: tuple[float, float, float, float], size: tuple[int, int]):
    """The outline (original pixels, a list of (x, y)) of the object inside ``rect`` (x, y, w, h
    in original pixels of an image ``size``), found on the display copy; None if none."""
    from aidou_desktop.imaging.grabcut import outline

    sx, sy = image.width() / size[0], image.height() / size[1]
    x, y, w, h = rect
    found = outline(_bgra(image, copy=False), (round(x * sx), round(y * sy), round(w * sx), round(h * sy)))
    if found is None:
        return None
    return [(min(max(px / sx, 0.0), size[0]), min(max(py / sy, 0.0), size[1])) for px, py in found]
