"""OpenCV image helpers and decoding ahead. No Qt: the UI turns these arrays into QImages.

cv2 and numpy are imported inside the functions that use them: the app imports these
modules before its first paint, which must not wait ~0.13 s for them (the window loads
them on a pool thread while the person logs in: ui/main_window.load_ahead)."""

from aidou_desktop.imaging.decode import DecodeError, decode_bgra
from aidou_desktop.imaging.prefetch import CacheStats, DecodeAhead

__all__ = ["CacheStats", "DecodeAhead", "DecodeError", "decode_bgra"]
