"""On-PC OCR: RapidOCR (PP-OCRv4 Chinese + English) on ONNX Runtime.

The models ship inside the ``rapidocr_onnxruntime`` wheel: nothing is downloaded,
ever (tests/desktop/test_ocr.py runs it with the network cut). The engine loads on
first use, in whichever thread asks first — the background OCR worker, never the
UI thread — and is shared after that (ONNX Runtime sessions may run from any thread).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from aidou_desktop.ocr.lines import OcrLine, Piece, in_reading_order

# office PCs have two cores: OCR may take both while it runs, no more, so the UI thread
# still gets its share between ONNX Runtime's operators
MAX_THREADS = 2
# the engine's own settings (rapidocr_onnxruntime/config.yaml names)
SETTINGS: dict[str, Any] = {
    "intra_op_num_threads": min(MAX_THREADS, os.cpu_count() or 1),
    "inter_op_num_threads": 1,
}
# Lines are found on a copy at most this long (the detector's cost grows with the pixels:
# half of a 1080p photo's time at full size) and read from the full-size image (reading
# from the reduced copy doubled the error rate on the bench's receipts)
DETECT_MAX_SIDE = 1280
MIN_SCORE = 0.5  # a line read with less confidence is left out (RapidOCR's own default)


class OcrError(RuntimeError):
    """The image could not be read, or the engine failed on it."""


_engine: Any = None
_engine_lock = threading.Lock()


def _load() -> Any:
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR  # imported here: onnxruntime alone takes ~0.3 s

            _engine = RapidOCR(**SETTINGS)
        return _engine


def load_engine() -> None:
    """Load the models now (a benchmark's load time; otherwise the first ``recognize`` does)."""
    _load()


def recognize(image: str | Path | np.ndarray) -> list[OcrLine]:
    """The text lines of ``image`` (a file, or an H×W×3 BGR / H×W grey uint8 array), in
    reading order, their boxes in the image's own pixels. An empty list: no text found."""
    if isinstance(image, (str, Path)):
        image = _read(Path(image))
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    engine = _load()
    try:
        pieces = _read_lines(engine, image)
    except Exception as exc:  # noqa: BLE001 - the engine's own errors carry no type worth keeping
        raise OcrError(f"OCR failed: {exc}") from exc
    return in_reading_order([p for p in pieces if p.text.strip() and p.score >= MIN_SCORE])


def _read_lines(engine: Any, image: np.ndarray) -> list[Piece]:
    """RapidOCR's own steps (det, crop, rec: what ``RapidOCR.__call__`` does, less the
    180° classifier: a receipt or sign photographed upside down is rare, and it costs a pass
    over every line), with detection on a reduced copy."""
    height, width = image.shape[:2]
    factor = min(1.0, DETECT_MAX_SIDE / max(height, width))
    small = image if factor == 1.0 else cv2.resize(
        image, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA
    )
    quads, _elapsed = engine.text_det(small)
    if quads is None or len(quads) == 0:
        return []
    quads = [np.asarray(quad, dtype=np.float32) / factor for quad in quads]
    crops = engine.get_crop_img_list(image, quads)
    read, _elapsed = engine.text_rec(crops)
    return [Piece(quad.tolist(), str(text), float(score)) for quad, (text, score, *_rest) in zip(quads, read)]


def _read(path: Path) -> np.ndarray:
    # np.fromfile + imdecode: cv2.imread cannot open non-ASCII Windows paths
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise OcrError(f"cannot read {path}: {exc}") from exc
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise OcrError(f"not a readable image: {path}")
    return image
