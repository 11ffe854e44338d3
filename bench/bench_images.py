"""Image bytes pulled vs the originals: the server's display copies (orientation
fixed, longest side capped, re-encoded; ``sync_server.orders.importing``) against
the files the customer sent, on three kinds of 1920×1080 original:

- the demo's drawn street scenes (flat colours: easy to compress);
- photo-like frames: 1/f ("pink") noise, which has the spectrum of natural
  photographs, plus sensor noise, saved as a camera would (JPEG quality 92);
- real photographs found on this machine (docs assets), tiled to 1920×1080 at
  their own scale, so their detail is a photo's and not an upscale's.

Also the desktop's decode time for a display copy (``aidou_desktop.imaging``),
which the prefetch has to hide (next item ≤ 10 ms p95 budget).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from aidou_desktop.imaging.decode import decode_bgra
from sync_server.orders.demo_images import make_demo_images
from sync_server.orders.importing import (
    DISPLAY_BUDGET_BYTES,
    DISPLAY_QUALITIES,
    DISPLAY_SIDES,
    decode_upright,
    display_copy,
)

BUDGET = 0.25
W, H = 1920, 1080
# real photographs that happen to ship with tools on the bench machine; any missing is skipped
PHOTO_GLOBS = ["/root/.rustup/toolchains/*/share/doc/rust/html/embedded-book/assets/*.jp*g"]


def pink_frame(rng: np.random.Generator) -> np.ndarray:
    """A 1920×1080 BGR frame with a natural image's 1/f spectrum, some colour, and sensor noise."""
    fy, fx = np.fft.fftfreq(H)[:, None], np.fft.rfftfreq(W)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1

    def field(power: float) -> np.ndarray:
        out = np.fft.irfft2(np.fft.rfft2(rng.normal(size=(H, W))) / f**power, s=(H, W))
        return (out - out.mean()) / out.std()

    luma = field(1.0)
    frame = np.stack([120 + 45 * luma + 15 * field(1.2) for _ in range(3)], axis=-1)
    frame += rng.normal(0, 3, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def _jpeg(pixels: np.ndarray, quality: int) -> bytes:
    return cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def _tiled_photos() -> list[bytes]:
    found = sorted({p for pattern in PHOTO_GLOBS for p in Path("/").glob(pattern.lstrip("/"))})
    out, seen = [], set()
    for path in found:
        photo = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if photo is None or path.name in seen or min(photo.shape[:2]) < 300:
            continue
        seen.add(path.name)  # the same asset ships with several toolchains
        row = np.concatenate([photo, photo[:, ::-1]] * (W // (2 * photo.shape[1]) + 1), axis=1)
        tiled = np.concatenate([row, row[::-1]] * (H // (2 * photo.shape[0]) + 1), axis=0)[:H, :W]
        out.append(_jpeg(np.ascontiguousarray(tiled), 92))
    return out


def _measure(originals: list[bytes], scratch: Path) -> tuple[float, float, list[float], float]:
    """(pulled / original bytes, mean original KiB, desktop decode times in ms, mean copy KB)."""
    pulled, decode_ms = 0, []
    for i, original in enumerate(originals):
        copy, _, _ = display_copy(decode_upright(original), original)
        pulled += len(copy)
        path = scratch / f"copy{i}"
        path.write_bytes(copy)
        for _ in range(3):
            t0 = time.perf_counter()
            decode_bgra(path)
            decode_ms.append((time.perf_counter() - t0) * 1000)
    total = sum(len(o) for o in originals)
    return pulled / total, total / len(originals) / 1024, decode_ms, pulled / len(originals) / 1000


def run() -> str:
    rng = np.random.default_rng(11)
    lines = [
        f"image bytes pulled vs originals (display copy: the sharpest WebP within {DISPLAY_BUDGET_BYTES / 1000:.0f} KB, "
        f"longest side {DISPLAY_SIDES[0]}→{DISPLAY_SIDES[-1]}, quality {DISPLAY_QUALITIES[0]}→{DISPLAY_QUALITIES[-1]})"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        sets = {
            "demo street scenes (drawn)": [p.read_bytes() for p in make_demo_images(scratch / "demo", 20)],
            "photo-like 1/f frames, q92": [_jpeg(pink_frame(rng), 92) for _ in range(4)],
            "real photos tiled, q92": _tiled_photos(),
        }
        worst = 0.0
        for name, originals in sets.items():
            if not originals:
                lines.append(f"  {name:28s} (none found on this machine)")
                continue
            ratio, kib, decode_ms, copy_kb = _measure(originals, scratch)
            worst = max(worst, ratio)
            lines.append(
                f"  {name:28s} {ratio * 100:5.1f}% of {kib:6.0f} KiB = {copy_kb:5.1f} KB a copy  (n={len(originals)})   "
                f"budget ≤ 25% → {ratio / BUDGET:.2f}× budget   desktop decode median {statistics.median(decode_ms):5.1f} ms"
            )
        lines.append(f"  worst set                    {worst * 100:5.1f}%   budget ≤ 25%")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
