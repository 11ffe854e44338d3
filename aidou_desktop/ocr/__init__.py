"""Text recognition on the PC, offline: the engine, its lines, and how far a final text is from them.

No Qt and no SQL here: the UI runs ``recognize`` in a worker thread, the store keeps the lines.
The engine (OpenCV, ONNX Runtime) loads only when first asked for: the store imports this
package for ``OcrLine`` and the error rate, and ``aidou-sync status`` should not pay for OpenCV.
"""

from sync_server.quality.cer import character_error_rate
from aidou_desktop.ocr.lines import OcrLine, lines_from_json, lines_to_json, suggestion_text

_ENGINE_NAMES = ("OcrError", "load_engine", "recognize")


def __getattr__(name: str):
    if name in _ENGINE_NAMES:
        from aidou_desktop.ocr import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "OcrError",
    "OcrLine",
    "character_error_rate",
    "lines_from_json",
    "lines_to_json",
    "load_engine",
    "recognize",
    "suggestion_text",
]
