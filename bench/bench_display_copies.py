"""Display copies for a thin link (issue 12): bytes, SSIM and box error per setting.

A base shares ≈ 1 Mbit/s among 50 seats; the display copy of a 1080p photo has
to come down to ≤ 40 KB. This measures, for each setting (longest side, codec,
quality) and for the server's own rule (``importing.display_copy``: the sharpest
WebP within the budget), on ten 1920×1080 photo-like originals drawn
reproducibly (no network here, and no photo library to borrow from):

- bytes: median, p90 (the size 90% of copies stay within: nearest rank) and max;
- SSIM (Wang et al. 2004: 11-tap Gaussian window, σ = 1.5, on luma) of the
  decoded copy against the original shrunk to the same size (what compression
  lost), and of the copy stretched back to 1920×1080 as the canvas shows it
  against the original (what compression *and* the smaller size lost: the one
  comparable across sizes);
- box error: every image carries drawn objects of realistic size (20–360 px).
  An annotator snaps each side of a box to the strongest edge they see; we do
  that on the decoded copy (at display-pixel boundaries: what a copy offers),
  map it to original pixels as the desktop does (× original / copy size, per
  axis), and measure how far each corner lands from the same snap on the original;
- encode time (the server, at import) and decode time (the desktop, before its
  prefetch hides it).

``python -m bench display`` runs it; ADR 0008 has the table and the choice.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

W, H = 1920, 1080
TARGET_BYTES = 40_000  # issue 12: 50 seats × 1 item/min on ≈ 1 Mbit/s
SIDES = (1280, 1024, 960, 800, 720, 640)
QUALITIES = {"webp": (40, 50, 60, 75), "jpeg": (40, 50, 75), "avif": (30, 40, 50)}
# libavif's encoder speed, 0 (slowest) … 10: 9 encodes a 960-px copy in ≈ 45 ms, 8 in ≈ 210 ms
# and 6 in ≈ 650 ms, for the same bytes within 5% and SSIM within 0.01 (measured on these images)
AVIF_SPEED = 9
SEED = 2026
# real photographs that ship with tools on the bench machine, checked when present (not in the choice)
PHOTO_GLOBS = ["/root/.rustup/toolchains/*/share/doc/rust/html/embedded-book/assets/*.jp*g"]

# original pixels: a corner an annotator snaps on the copy lands within this of the same snap
# on the original for 95% of objects: one copy pixel's diagonal at 960 px (√2 × 2 / 2 ≈ 1.4)
# plus a little for the encoder moving an edge
BOX_P95 = 2.0
REACH = 5  # original pixels: how far from an object's true side an annotator looks for its edge
Box = tuple[int, int, int, int]  # x1, y1, x2, y2: pixel edges, the object covers [x1, x2) × [y1, y2)


# ------------------------------------------------------------------ the originals


@dataclass
class Scene:
    name: str
    pixels: np.ndarray  # BGR, as decoded from ``original``
    original: bytes  # the file a customer sends: JPEG q92, as a camera saves
    boxes: list[Box]


def pink(rng: np.random.Generator, shape: tuple[int, int], power: float = 1.0) -> np.ndarray:
    """A field with a 1/f^power amplitude spectrum (natural images: ≈ 1), zero mean, unit std."""
    h, w = shape
    fy, fx = np.fft.fftfreq(h).astype(np.float32)[:, None], np.fft.rfftfreq(w).astype(np.float32)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1
    out = np.fft.irfft2(np.fft.rfft2(rng.standard_normal(shape, dtype=np.float32)) / f**power, s=shape)
    return ((out - out.mean()) / out.std()).astype(np.float32)


def _colour(base, field: np.ndarray, amp: float) -> np.ndarray:
    return np.stack([b + amp * field for b in base], axis=-1)


def _u8(img: np.ndarray) -> np.ndarray:
    return np.clip(img, 0, 255).astype(np.uint8)


def luma_of(bgr: np.ndarray) -> np.ndarray:
    return (0.114 * bgr[..., 0] + 0.587 * bgr[..., 1] + 0.299 * bgr[..., 2]).astype(np.float32)


def _text(img, text: str, x: int, y: int, width: int, height: int, colour) -> None:
    """``text`` as large as fits in width × height at (x, y) (top left), anti-aliased."""
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2)
    scale = min(width / tw, height / (th + base)) * 0.8
    if scale < 0.3:
        return
    thick = max(1, round(scale * 2))
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    org = (x + (width - tw) // 2, y + (height + th) // 2 - base // 2)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


def _targets(img: np.ndarray, rng: np.random.Generator, count: int, sizes=(20, 360)) -> list[Box]:
    """Draw ``count`` objects apart from each other, each standing out from all around it:
    the boxes the annotator would draw (their edges are what the box error is measured on)."""
    boxes: list[Box] = []
    luma = luma_of(img)
    tries = 0
    while len(boxes) < count and tries < 5000:
        tries += 1
        w = int(np.exp(rng.uniform(np.log(sizes[0]), np.log(sizes[1]))))
        h = int(np.clip(w * np.exp(rng.uniform(np.log(0.4), np.log(2.5))), sizes[0], 600))
        x1, y1 = int(rng.integers(16, W - w - 16)), int(rng.integers(16, H - h - 16))
        box = (x1, y1, x1 + w, y1 + h)
        gap = 16
        if any(x1 < b[2] + gap and b[0] < box[2] + gap and y1 < b[3] + gap and b[1] < box[3] + gap for b in boxes):
            continue
        ring = [luma[y1:y1 + h, x1 - 10:x1], luma[y1:y1 + h, x1 + w:x1 + w + 10],
                luma[y1 - 10:y1, x1:x1 + w], luma[y1 + h:y1 + h + 10, x1:x1 + w]]  # fmt: skip
        lo, hi = min(float(r.mean()) for r in ring), max(float(r.mean()) for r in ring)
        step = rng.uniform(35, 80)
        if hi + step < 235:
            level = hi + step
        elif lo - step > 20:
            level = lo - step
        else:
            continue  # nowhere to stand out: a box an annotator could not draw either
        base = np.clip(level + rng.uniform(-20, 20, 3), 0, 255)
        img[y1 : y1 + h, x1 : x1 + w] = _u8(_colour(base, pink(rng, (h, w), 1.2), 8))
        if w > 50 and h > 24 and rng.random() < 0.6:  # a label or number plate on some of them
            ink = (20, 20, 20) if level > 128 else (240, 240, 240)
            _text(img, str(int(rng.integers(10, 999))), x1 + w // 6, y1 + h // 4, 2 * w // 3, h // 2, ink)
        boxes.append(box)
    return boxes


def _camera(img: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Lens softness, vignetting and sensor noise (luma and a little chroma), as uint8."""
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), 0.6)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    r2 = ((xx - W / 2) / (W / 2)) ** 2 + ((yy - H / 2) / (H / 2)) ** 2
    img *= (1 - 0.12 * r2)[..., None]
    grain = rng.normal(0, noise, (H, W, 1)) + rng.normal(0, noise * 0.4, (H, W, 3))
    return _u8(img + grain)


def _detail(rng, amp: float, power: float = 0.9) -> np.ndarray:
    """A surface's fine texture (paint, asphalt, fabric), multiplied into what is drawn."""
    return (1 + amp * pink(rng, (H, W), power))[..., None]


def _leaves(img, rng, n: int, area: tuple[int, int, int, int], greens=(20, 90, 80, 170, 40, 120)) -> None:
    x0, y0, x1, y1 = area
    for _ in range(n):
        c = (int(rng.uniform(greens[0], greens[1])), int(rng.uniform(greens[2], greens[3])),
             int(rng.uniform(greens[4], greens[5])))  # fmt: skip
        centre = (int(rng.integers(x0, x1)), int(rng.integers(y0, y1)))
        axes = (int(rng.integers(3, 14)), int(rng.integers(2, 7)))
        cv2.ellipse(img, centre, axes, float(rng.uniform(0, 180)), 0, 360, c, -1, cv2.LINE_AA)


def _street(rng):
    from sync_server.orders.demo_images import HORIZON, demo_scene

    img, _ = demo_scene(rng)
    img = img.astype(np.float32) * _detail(rng, 0.07)  # facades and asphalt are not flat paint
    img = _u8(img)
    _leaves(img, rng, 900, (0, HORIZON - 200, W, HORIZON + 30))  # street trees
    return img, 1.5


def _landscape(rng):
    t = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    img = np.array([210, 160, 110], np.float32) * (1 - t) + np.array([240, 225, 215], np.float32) * t
    img = img + 18 * pink(rng, (H, W), 1.6)[..., None]  # clouds
    ridge = 430 + 90 * np.cumsum(rng.normal(0, 1, W)) / np.sqrt(W) + 40 * pink(rng, (1, W), 1.0)[0]
    rows = np.arange(H)[:, None]
    hills = _colour((60, 110, 90), pink(rng, (H, W), 0.9), 30)
    field = _colour((70, 150, 140), pink(rng, (H, W), 0.8), 28)
    img = np.where((rows > ridge[None, :])[..., None], hills, img)
    img = np.where((rows > ridge[None, :] + 180)[..., None], field, img)
    img = _u8(img)
    _leaves(img, rng, 1500, (0, int(ridge.min()) - 30, W, int(ridge.max()) + 120))  # a wood on the hill
    return img, 1.5


def _foliage(rng):
    img = _u8(_colour((50, 105, 70), pink(rng, (H, W), 1.0), 30))
    _leaves(img, rng, 3000, (0, 0, W, H))  # a park: the most fine detail a photo holds
    return img, 2.0


def _aerial(rng):
    img = _u8(_colour((90, 120, 130), pink(rng, (H, W), 0.9), 28))
    for _ in range(6):
        p = rng.integers(0, (W, H), (2, 2))
        cv2.line(img, tuple(map(int, p[0])), tuple(map(int, p[1])), (120, 122, 125), int(rng.integers(8, 22)), cv2.LINE_AA)
    for _ in range(300):  # roofs and their shadows
        x, y = int(rng.integers(0, W - 40)), int(rng.integers(0, H - 40))
        w, h = int(rng.integers(8, 40)), int(rng.integers(8, 40))
        cv2.rectangle(img, (x + w, y + 2), (x + w + 3, y + h + 3), (40, 45, 45), -1)
        cv2.rectangle(img, (x, y), (x + w, y + h), tuple(int(v) for v in rng.integers(60, 220, 3)), -1)
    _leaves(img, rng, 900, (0, 0, W, H))  # tree crowns
    return img, 2.0


def _shelf(rng):
    img = _u8(np.full((H, W, 3), (190, 195, 200), np.float32) * _detail(rng, 0.03))
    for row in range(5):
        y = 40 + row * 205
        cv2.rectangle(img, (0, y + 170), (W, y + 190), (150, 150, 155), -1)  # shelf board
        x = int(rng.integers(5, 40))
        while x < W - 60:
            w, h = int(rng.integers(40, 130)), int(rng.integers(90, 165))
            colour = tuple(int(v) for v in rng.integers(30, 230, 3))
            cv2.rectangle(img, (x, y + 170 - h), (x + w, y + 170), colour, -1)
            for _ in range(3):  # a pack's graphics
                sx, sy = x + int(rng.integers(0, w - 10)), y + 170 - int(rng.integers(10, h))
                cv2.circle(img, (sx, sy), int(rng.integers(4, 16)), tuple(int(v) for v in rng.integers(0, 255, 3)), -1, cv2.LINE_AA)
            brand = "".join(rng.choice(list("ABCDEFGHKMNPRSTXZ"), 4))
            _text(img, brand, x, y + 170 - h + 4, w, h // 3, (255, 255, 255))
            _text(img, f"{int(rng.integers(1, 99))}.90", x, y + 172, w, 18, (20, 20, 20))
            x += w + int(rng.integers(2, 12))
    return img, 1.5


def _document(rng):
    light = np.linspace(1.0, 0.8, W, dtype=np.float32)[None, :, None]
    img = _u8(np.full((H, W, 3), (225, 232, 236), np.float32) * light * _detail(rng, 0.02, 1.2))
    for column in (50, 990):
        y = 50
        while y < H - 30:
            words = int(rng.integers(6, 12))
            text = " ".join("".join(rng.choice(list("abcdefghilmnoprstuvwy"), int(rng.integers(2, 9)))) for _ in range(words))
            cv2.putText(img, text, (column + int(rng.integers(0, 20)), y), cv2.FONT_HERSHEY_SIMPLEX,
                        float(rng.choice([0.45, 0.55, 0.7])), (40, 35, 30), 1, cv2.LINE_AA)  # fmt: skip
            y += int(rng.integers(20, 30))
    return img, 1.5


def _night(rng):
    img = _colour((30, 25, 22), pink(rng, (H, W), 1.1), 14)
    glow = np.zeros((H, W), np.float32)
    for _ in range(12):
        glow[int(rng.integers(0, H)), int(rng.integers(0, W))] = 1
    glow = cv2.GaussianBlur(glow, (0, 0), 25)
    img = _u8(img + (glow / glow.max() * 200)[..., None] * np.array([0.6, 0.85, 1.0], np.float32))
    for _ in range(120):  # lit and dark windows
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H // 2))
        lit = (80, 170, 220) if rng.random() < 0.5 else (50, 50, 60)
        cv2.rectangle(img, (x, y), (x + int(rng.integers(8, 30)), y + int(rng.integers(10, 30))), lit, -1)
    return img, 5.0  # high ISO


def _crowd(rng):
    img = _u8(_colour((150, 160, 170), pink(rng, (H, W), 1.0), 20))
    cloth_texture = _u8(128 + 40 * pink(rng, (H, W), 0.7))
    for _ in range(160):
        x, y = int(rng.integers(0, W)), int(rng.integers(200, H))
        s = (y - 150) / (H - 150) * 1.4 + 0.2
        skin = (int(rng.uniform(90, 140)), int(rng.uniform(130, 175)), int(rng.uniform(170, 220)))
        body = (max(0, x - int(30 * s)), y - int(110 * s), min(W, x + int(30 * s)), min(H, y + int(60 * s)))
        cloth = rng.uniform(20, 220, 3)
        patch = cloth_texture[body[1]:body[3], body[0]:body[2]].astype(np.float32)[..., None] / 128
        img[body[1]:body[3], body[0]:body[2]] = _u8(cloth * patch)
        cv2.circle(img, (x, y - int(135 * s)), int(24 * s), skin, -1, cv2.LINE_AA)
        cv2.circle(img, (x, y - int(145 * s)), int(22 * s), (30, 30, 35), -1, cv2.LINE_AA)  # hair
    return img, 2.0


def _room(rng):
    wall = np.linspace(0.75, 1.0, W, dtype=np.float32)[None, :, None]
    img = np.full((H, W, 3), (200, 210, 220), np.float32) * wall * _detail(rng, 0.03)
    grain = pink(rng, (H - 700, W), 1.0) + 0.6 * np.sin(np.arange(H - 700, dtype=np.float32) / 3)[:, None]
    img[700:] = _colour((80, 110, 150), grain, 20)  # wooden floor
    img = _u8(img)
    cv2.rectangle(img, (1300, 120), (1750, 560), (235, 220, 200), -1)  # window
    cv2.rectangle(img, (200, 500), (900, 800), (60, 70, 90), -1)  # sofa
    for shelf in range(4):  # a bookcase
        x, y = 60, 60 + shelf * 100
        while x < 1000:
            w = int(rng.integers(8, 26))
            cv2.rectangle(img, (x, y + int(rng.integers(0, 25))), (x + w, y + 90), tuple(int(v) for v in rng.integers(30, 220, 3)), -1)
            x += w + 1
    _leaves(img, rng, 500, (1000, 450, 1250, 800))  # a plant
    return img, 1.5


def _pink_frame(rng):
    from bench.bench_images import pink_frame  # 1/f over the whole frame plus sensor noise: the worst case

    return pink_frame(rng), 0.0


SCENES = [("street (demo drawing)", _street, 6), ("landscape", _landscape, 5), ("park foliage", _foliage, 6),
          ("aerial", _aerial, 8), ("shop shelf, text", _shelf, 5), ("document, text", _document, 4),
          ("night, high ISO", _night, 5), ("crowd", _crowd, 6), ("room", _room, 6), ("1/f noise frame", _pink_frame, 6)]  # fmt: skip


def make_scenes(seed: int = SEED, only: tuple[str, ...] = ()) -> list[Scene]:
    """The ten 1920×1080 originals with their drawn objects (same seed, same images);
    ``only``: those whose names start so (each is the same image alone as among all)."""
    out = []
    for n, (name, draw, count) in enumerate(SCENES):
        if only and not name.startswith(only):
            continue
        rng = np.random.default_rng([seed, n])
        img, noise = draw(rng)
        boxes = _targets(img, rng, count)
        pixels = _camera(img, rng, noise) if noise else img
        original = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
        out.append(Scene(name, cv2.imdecode(np.frombuffer(original, np.uint8), cv2.IMREAD_COLOR), original, boxes))
    return out


def tiled_photos() -> list[bytes]:
    """Real photographs found on this machine, tiled to 1920×1080 at their own scale."""
    from bench.bench_images import _tiled_photos

    return _tiled_photos()


# ------------------------------------------------------------------ the measures


def encode(image: np.ndarray, codec: str, quality: int) -> bytes:
    if codec == "webp":
        params = [cv2.IMWRITE_WEBP_QUALITY, quality]
    elif codec == "jpeg":
        params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1, cv2.IMWRITE_JPEG_PROGRESSIVE, 1]
    else:
        params = [cv2.IMWRITE_AVIF_QUALITY, quality, cv2.IMWRITE_AVIF_SPEED, AVIF_SPEED]
    ok, data = cv2.imencode({"webp": ".webp", "jpeg": ".jpg", "avif": ".avif"}[codec], image, params)
    if not ok:
        raise RuntimeError(f"OpenCV cannot encode {codec}")
    return data.tobytes()


def avif_available() -> bool:
    """Whether this OpenCV build writes (and reads back) AVIF."""
    try:
        probe = np.full((16, 16, 3), 128, np.uint8)
        return cv2.imdecode(np.frombuffer(encode(probe, "avif", 50), np.uint8), cv2.IMREAD_COLOR) is not None
    except (cv2.error, RuntimeError):
        return False


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two same-sized BGR images on luma (Wang et al. 2004: 11-tap Gaussian, σ 1.5)."""
    x, y = luma_of(a.astype(np.float32)), luma_of(b.astype(np.float32))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(z: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(z, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s[5:-5, 5:-5].mean())  # the border rows see mirrored pixels


def display_size(side: int, width: int = W, height: int = H) -> tuple[int, int]:
    scale = side / max(width, height)
    return (max(1, round(width * scale)), max(1, round(height * scale))) if scale < 1 else (width, height)


def _edge(luma: np.ndarray, vertical: bool, at: float, span: tuple[float, float], reach: float) -> float:
    """Where an annotator snaps one side of a box: the pixel boundary (k: between pixels
    k-1 and k) within ``reach`` of ``at`` with the strongest step, the profile averaged along
    the middle of the side (all in this image's pixels)."""
    limit = luma.shape[1] if vertical else luma.shape[0]
    first, last = max(1, int(np.ceil(at - reach))), min(limit - 1, int(np.floor(at + reach)))
    a, b = int(np.floor(span[0])), int(np.ceil(span[1]))
    strip = luma[a:b, first - 1 : last + 1] if vertical else luma[first - 1 : last + 1, a:b].T
    steps = np.abs(np.diff(strip.mean(axis=0)))  # steps[i]: at boundary first + i
    return float(first + int(np.argmax(steps)))


def snap_box(luma: np.ndarray, box: Box, sx: float, sy: float) -> tuple[float, float, float, float]:
    """The box an annotator snaps to the object's edges on an image ``sx`` × ``sy`` times
    smaller than the original, in original pixels (× sx, × sy: how the desktop maps the copy)."""
    x1, y1, x2, y2 = box[0] / sx, box[1] / sy, box[2] / sx, box[3] / sy
    w, h = x2 - x1, y2 - y1
    rows = (y1 + 0.25 * h, y2 - 0.25 * h)
    cols = (x1 + 0.25 * w, x2 - 0.25 * w)
    # the annotator knows where the object is to a few pixels
    snapped = (_edge(luma, True, x1, rows, REACH / sx), _edge(luma, False, y1, cols, REACH / sy),
               _edge(luma, True, x2, rows, REACH / sx), _edge(luma, False, y2, cols, REACH / sy))  # fmt: skip
    return snapped[0] * sx, snapped[1] * sy, snapped[2] * sx, snapped[3] * sy


def corner_error(a, b) -> float:
    """The farthest any of the four corners of box ``a`` is from ``b``'s (Euclidean, pixels)."""
    return max(np.hypot(a[i] - b[i], a[j] - b[j]) for i in (0, 2) for j in (1, 3))


def nearest_rank(values: list[float], q: float) -> float:
    """The value ``q`` percent of ``values`` stay within (nearest rank: one of them)."""
    ordered = sorted(values)
    return ordered[max(0, int(np.ceil(q / 100 * len(ordered))) - 1)]


@dataclass
class Row:
    name: str
    key: tuple = ()  # (side, codec, quality) of a fixed setting
    sizes: list[int] = field(default_factory=list)
    sides: list[int] = field(default_factory=list)  # the copy's longest side, per image
    ssim_copy: list[float] = field(default_factory=list)
    ssim_full: list[float] = field(default_factory=list)
    box_errors: list[float] = field(default_factory=list)
    encode_ms: list[float] = field(default_factory=list)
    decode_ms: list[float] = field(default_factory=list)

    def fits(self) -> bool:
        return statistics.median(self.sizes) <= TARGET_BYTES and nearest_rank(self.sizes, 90) <= TARGET_BYTES

    def box_p95(self) -> float:
        return float(np.percentile(self.box_errors, 95))


class Reference:
    """Per image: the original's luma and the boxes snapped on it; its shrunk copies by size."""

    def __init__(self, scenes: list[Scene]) -> None:
        self.scenes = scenes
        self.truth = [[snap_box(luma_of(s.pixels.astype(np.float32)), b, 1.0, 1.0) for b in s.boxes] for s in scenes]
        self._shrunk: dict[tuple[int, tuple[int, int]], np.ndarray] = {}

    def shrunk(self, n: int, size: tuple[int, int]) -> np.ndarray:
        pixels = self.scenes[n].pixels
        if size == (pixels.shape[1], pixels.shape[0]):
            return pixels
        if (n, size) not in self._shrunk:
            self._shrunk[(n, size)] = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
        return self._shrunk[(n, size)]


def score(row: Row, ref: Reference, n: int, data: bytes, encode_ms: float) -> None:
    """Add one image's copy (``data``) to ``row``'s figures."""
    scene = ref.scenes[n]
    t0 = time.perf_counter()
    copy = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    row.decode_ms.append((time.perf_counter() - t0) * 1000)
    row.encode_ms.append(encode_ms)
    row.sizes.append(len(data))
    row.sides.append(max(copy.shape[:2]))
    height, width = scene.pixels.shape[:2]
    row.ssim_copy.append(ssim(copy, ref.shrunk(n, (copy.shape[1], copy.shape[0]))))
    # the canvas stretches the copy to the original's size with smooth (bilinear) scaling
    shown = cv2.resize(copy, (width, height), interpolation=cv2.INTER_LINEAR)
    row.ssim_full.append(ssim(shown, scene.pixels))
    sx, sy = width / copy.shape[1], height / copy.shape[0]
    luma = luma_of(copy.astype(np.float32))
    row.box_errors.extend(corner_error(snap_box(luma, b, sx, sy), t) for b, t in zip(scene.boxes, ref.truth[n]))


def measure(ref: Reference, side: int, codec: str, quality: int) -> Row:
    """A fixed setting: every copy at this longest side, codec and quality."""
    name = f"{'WebP' if codec == 'webp' else codec.upper()} q{quality}, {side}"
    row = Row(name, (side, codec, quality))
    for n, scene in enumerate(ref.scenes):
        small = ref.shrunk(n, display_size(side, scene.pixels.shape[1], scene.pixels.shape[0]))
        t0 = time.perf_counter()
        data = encode(small, codec, quality)
        score(row, ref, n, data, (time.perf_counter() - t0) * 1000)
    return row


def measure_server(ref: Reference) -> Row:
    """What the server makes now: ``importing.display_copy`` (resizing included in its time)."""
    from sync_server.orders import importing

    row = Row(server_rule_name())
    for n, scene in enumerate(ref.scenes):
        t0 = time.perf_counter()
        data, _w, _h = importing.display_copy(scene.pixels)
        score(row, ref, n, data, (time.perf_counter() - t0) * 1000)
    return row


def server_rule_name() -> str:
    from sync_server.orders import importing as i

    if not hasattr(i, "DISPLAY_BUDGET_BYTES"):
        return f"server: WebP q{i.DISPLAY_QUALITY}, {i.DISPLAY_MAX_SIDE}"
    sides, qs = i.DISPLAY_SIDES, i.DISPLAY_QUALITIES
    return f"server: WebP ≤ {i.DISPLAY_BUDGET_BYTES / 1000:.0f} KB, {sides[0]}→{sides[-1]} px, q{qs[0]}→{qs[-1]}"


def settings(with_avif: bool) -> list[tuple[int, str, int]]:
    codecs = [c for c in QUALITIES if with_avif or c != "avif"]
    return [(side, codec, q) for side in SIDES for codec in codecs for q in QUALITIES[codec]]


def choose(rows: list[Row], usable=lambda row: True) -> Row | None:
    """Of the settings the desktop can decode (``usable``) whose median and p90 fit the budget,
    those whose box corners land within BOX_P95 original pixels for 95% of the objects; of
    them, the one the annotator sees best: the highest median SSIM as the canvas shows it.
    None when none fits."""
    fitting = [r for r in rows if usable(r) and r.fits()]
    accurate = [r for r in fitting if r.box_p95() <= BOX_P95] or fitting
    return max(accurate, key=lambda r: statistics.median(r.ssim_full), default=None)


def _line(r: Row, mark: str = "") -> str:
    kb = [s / 1000 for s in r.sizes]
    return (f"| {mark}{r.name}{mark} | {statistics.median(kb):5.1f} | {nearest_rank(kb, 90):5.1f} | {max(kb):5.1f} "
            f"| {statistics.median(r.ssim_copy):.3f} / {min(r.ssim_copy):.3f} "
            f"| {statistics.median(r.ssim_full):.3f} / {min(r.ssim_full):.3f} "
            f"| {statistics.median(r.box_errors):.2f} / {r.box_p95():.2f} / {max(r.box_errors):.2f} "
            f"| {statistics.median(r.encode_ms):4.0f} | {statistics.median(r.decode_ms):4.1f} |")  # fmt: skip


def _real_photo_sizes(row: Row) -> list[int]:
    from sync_server.orders import importing

    sizes = []
    for original in tiled_photos():
        pixels = cv2.imdecode(np.frombuffer(original, np.uint8), cv2.IMREAD_COLOR)
        if row.key:
            side, codec, quality = row.key
            small = cv2.resize(pixels, display_size(side, pixels.shape[1], pixels.shape[0]), interpolation=cv2.INTER_AREA)
            sizes.append(len(encode(small, codec, quality)))
        else:
            sizes.append(len(importing.display_copy(pixels)[0]))
    return sizes


def run() -> str:
    scenes = make_scenes()
    with_avif = avif_available()
    ref = Reference(scenes)
    rows = [measure(ref, *s) for s in settings(with_avif)]
    server = measure_server(ref)
    # the desktop decodes with opencv-python's wheels; their Windows build has no libavif (ADR 0008)
    fixed = choose(rows, usable=lambda r: r.key[1] != "avif")
    best = choose(rows + [server], usable=lambda r: not r.key or r.key[1] != "avif")
    base_truth = [corner_error(t, b) for n, s in enumerate(scenes) for b, t in zip(s.boxes, ref.truth[n])]
    lines = [
        f"display copies of {len(scenes)} photo-like 1920×1080 originals (JPEG q92, median "
        f"{statistics.median(len(s.original) for s in scenes) / 1000:.0f} KB), {sum(len(s.boxes) for s in scenes)} drawn objects",
        f"AVIF: {'written and read by this OpenCV ' + cv2.__version__ if with_avif else 'not available in this OpenCV ' + cv2.__version__}",
        f"snap on the original vs the drawn box: max {max(base_truth):.2f} px (copies are held to the snap on the original)",
        "",
        "| setting | KB median | KB p90 | KB max | SSIM at copy size, median / min | SSIM as shown (1920×1080), median / min "
        "| box corner error, original px: median / p95 / max | encode ms | decode ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_line(r, "**" if r is fixed else "") for r in rows]
    lines.append(_line(server, "**"))
    sides = ", ".join(f"{scene.name} {side}" for scene, side in zip(scenes, server.sides))
    lines += [
        "",
        f"the server's copies per image (longest side): {sides}",
        f"best fixed setting (median and p90 ≤ {TARGET_BYTES / 1000:.0f} KB, box p95 ≤ {BOX_P95} px, "
        f"then SSIM as shown; no AVIF): {fixed.name if fixed else 'none fits'}",
        f"best of all, the server's rule included: {best.name if best else 'none fits'}",
    ]
    if with_avif:
        avif = choose(rows)
        lines.append(f"were AVIF decodable on the desktop, the best fixed setting: {avif.name if avif else 'none fits'}")
    for r in (row for row in (fixed, server) if row is not None):
        found = _real_photo_sizes(r)
        if found:
            lines.append(f"real photos on this machine, tiled to 1920×1080, as {r.name}: "
                         + ", ".join(f"{s / 1000:.1f} KB" for s in found))  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
