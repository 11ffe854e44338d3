"""Synthetic street scenes for the demo order.

The machine that builds the demo has no network, so the demo images are drawn:
a sky, buildings, a road in perspective with lane marks, and vehicles and
people sized by their distance. They are plausible enough to label for real,
and deterministic (same seed, same pictures).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

WIDTH, HEIGHT = 1920, 1080
HORIZON = 430

CAR_COLORS = [(40, 40, 40), (200, 200, 205), (30, 30, 150), (150, 60, 20), (230, 230, 230), (60, 90, 60)]
CLOTHES = [(50, 50, 160), (160, 80, 40), (40, 40, 40), (90, 140, 200), (130, 40, 120), (200, 200, 200)]


def _sky(img: np.ndarray, rng: np.random.Generator) -> None:
    top = np.array([rng.integers(150, 200), rng.integers(110, 160), rng.integers(60, 100)], float)
    bottom = np.array([235, 225, 210], float)
    t = np.linspace(0, 1, HORIZON)[:, None]
    img[:HORIZON] = (top * (1 - t) + bottom * t)[:, None, :].astype(np.uint8)


def _buildings(img: np.ndarray, rng: np.random.Generator) -> None:
    x = 0
    while x < WIDTH:
        w = int(rng.integers(120, 320))
        h = int(rng.integers(120, 380))
        shade = int(rng.integers(90, 190))
        color = (shade, shade + int(rng.integers(-15, 15)), shade - int(rng.integers(0, 30)))
        cv2.rectangle(img, (x, HORIZON - h), (x + w, HORIZON), color, -1)
        for wy in range(HORIZON - h + 20, HORIZON - 30, 38):
            for wx in range(x + 15, x + w - 25, 34):
                lit = rng.random() < 0.3
                c = (120, 200, 230) if lit else (70, 70, 80)
                cv2.rectangle(img, (wx, wy), (wx + 16, wy + 22), c, -1)
        x += w + int(rng.integers(0, 40))


def _road(img: np.ndarray) -> None:
    img[HORIZON:] = (95, 95, 98)
    cv2.fillPoly(img, [np.array([[0, HORIZON + 40], [WIDTH, HORIZON + 40], [WIDTH, HORIZON], [0, HORIZON]])], (150, 150, 150))
    vx = WIDTH // 2
    for lane in (-1.5, -0.5, 0.5, 1.5):
        for k in range(12):
            d0, d1 = k / 12, (k + 0.5) / 12
            y0 = int(HORIZON + 40 + (HEIGHT - HORIZON - 40) * d0 ** 1.6)
            y1 = int(HORIZON + 40 + (HEIGHT - HORIZON - 40) * d1 ** 1.6)
            x0 = int(vx + lane * 760 * (y0 - HORIZON) / (HEIGHT - HORIZON))
            x1 = int(vx + lane * 760 * (y1 - HORIZON) / (HEIGHT - HORIZON))
            thick = max(2, int(14 * (y1 - HORIZON) / (HEIGHT - HORIZON)))
            cv2.line(img, (x0, y0), (x1, y1), (235, 235, 235), thick)


def _scale_at(y_bottom: int) -> float:
    """How big a thing standing on the road at this row looks (1.0 near the camera)."""
    return max(0.08, (y_bottom - HORIZON) / (HEIGHT - HORIZON))


def _vehicle(img, rng, cx, yb, kind) -> tuple[str, list[int]]:
    s = _scale_at(yb)
    base_w, base_h = {"car": (520, 300), "truck": (640, 520), "bus": (700, 560)}[kind]
    w, h = int(base_w * s), int(base_h * s)
    x0, y0 = cx - w // 2, yb - h
    color = tuple(int(c) for c in CAR_COLORS[rng.integers(len(CAR_COLORS))])
    if kind == "car":
        cv2.rectangle(img, (x0, y0 + h // 3), (x0 + w, yb - h // 8), color, -1)
        cv2.rectangle(img, (x0 + w // 6, y0), (x0 + 5 * w // 6, y0 + h // 3), color, -1)
        cv2.rectangle(img, (x0 + w // 5, y0 + h // 14), (x0 + 4 * w // 5, y0 + h // 3), (60, 50, 40), -1)
    else:
        body = (30, 140, 230) if kind == "bus" else color
        cv2.rectangle(img, (x0, y0), (x0 + w, yb - h // 10), body, -1)
        rows = 1 if kind == "truck" else 2
        for r in range(rows):
            wy = y0 + h // 10 + r * h // 4
            cv2.rectangle(img, (x0 + w // 12, wy), (x0 + 11 * w // 12, wy + h // 6), (70, 60, 50), -1)
    wheel = max(3, h // 7)
    for wx in (x0 + w // 5, x0 + 4 * w // 5):
        cv2.circle(img, (wx, yb - wheel), wheel, (20, 20, 20), -1)
    cv2.rectangle(img, (x0 + w // 16, yb - h // 4), (x0 + w // 16 + w // 10, yb - h // 4 + h // 14), (60, 60, 230), -1)
    cv2.rectangle(img, (x0 + w - w // 16 - w // 10, yb - h // 4), (x0 + w - w // 16, yb - h // 4 + h // 14), (60, 60, 230), -1)
    return kind, [x0, y0, x0 + w, yb]


def _person(img, rng, cx, yb, on_bike: bool) -> tuple[str, list[int]]:
    s = _scale_at(yb)
    h = int(340 * s)
    w = int(110 * s) if not on_bike else int(260 * s)
    clothes = tuple(int(c) for c in CLOTHES[rng.integers(len(CLOTHES))])
    head = max(2, h // 9)
    top = yb - h
    body_bottom = yb - (h // 3 if on_bike else h // 2)
    cv2.circle(img, (cx, top + head), head, (140, 170, 210), -1)
    cv2.rectangle(img, (cx - w // 6 if not on_bike else cx - h // 10, top + 2 * head), (cx + (w // 6 if not on_bike else h // 10), body_bottom), clothes, -1)
    if on_bike:
        r = max(3, h // 6)
        cv2.circle(img, (cx - w // 2 + r, yb - r), r, (30, 30, 30), max(1, r // 5))
        cv2.circle(img, (cx + w // 2 - r, yb - r), r, (30, 30, 30), max(1, r // 5))
        cv2.line(img, (cx - w // 2 + r, yb - r), (cx + w // 2 - r, yb - r), (20, 20, 160), max(1, r // 5))
        return "cyclist", [cx - w // 2, top, cx + w // 2, yb]
    leg = max(1, w // 8)
    cv2.line(img, (cx - w // 10, body_bottom), (cx - w // 5, yb), (60, 50, 40), leg)
    cv2.line(img, (cx + w // 10, body_bottom), (cx + w // 5, yb), (60, 50, 40), leg)
    return "pedestrian", [cx - w // 2, top, cx + w // 2, yb]


def demo_scene(rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[str, list[int]]]]:
    """One 1920×1080 BGR street scene and its true boxes ((label, [x1, y1, x2, y2]))."""
    img = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    _sky(img, rng)
    _buildings(img, rng)
    _road(img)
    objects = []
    # far to near, so nearer things are painted over farther ones
    for yb in sorted(int(v) for v in rng.integers(HORIZON + 70, HEIGHT - 10, int(rng.integers(3, 8)))):
        kind = rng.choice(["car", "car", "car", "truck", "bus", "pedestrian", "cyclist"])
        if kind in ("pedestrian", "cyclist"):
            side = rng.choice([-1, 1])
            cx = int(WIDTH // 2 + side * (0.55 + 0.35 * rng.random()) * 900 * _scale_at(yb) + side * 120)
            objects.append(_person(img, rng, cx, yb, kind == "cyclist"))
        else:
            lane = rng.choice([-1.0, 0.0, 1.0])
            cx = int(WIDTH // 2 + lane * 760 * _scale_at(yb) + rng.integers(-40, 40))
            objects.append(_vehicle(img, rng, cx, yb, kind))
    noise = rng.normal(0, 6, img.shape)
    img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    img = cv2.GaussianBlur(img, (3, 3), 0)
    boxes = []
    for label, (x1, y1, x2, y2) in objects:
        x1, x2 = max(0, x1), min(WIDTH, x2)
        y1, y2 = max(0, y1), min(HEIGHT, y2)
        if x2 - x1 > 4 and y2 - y1 > 4:
            boxes.append((label, [x1, y1, x2, y2]))
    return img, boxes


def make_demo_images(dest_dir: Path, count: int = 60, seed: int = 7) -> list[Path]:
    """Write ``count`` street scenes as JPEG files; returns their paths in order."""
    return [path for path, _boxes in make_demo_scenes(dest_dir, count, seed)]


def make_demo_scenes(dest_dir: Path, count: int = 60, seed: int = 7) -> list[tuple[Path, list[tuple[str, list[int]]]]]:
    """Write ``count`` street scenes as JPEG files; returns each path with the scene's true
    boxes (the demo's finished batch and its training course use them: drawn once)."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    scenes = []
    for i in range(count):
        img, boxes = demo_scene(rng)
        path = dest_dir / f"street_{i + 1:03d}.jpg"
        if not path.exists():
            cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 88])
        scenes.append((path, boxes))
    return scenes
