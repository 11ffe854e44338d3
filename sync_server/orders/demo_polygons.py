"""The demo's polygon order: street scenes to outline (道路 / 人行道 / 植被 / 建筑 / 车辆).

Drawn here with OpenCV, as the box order's scenes are (``demo_images``): a sky, a row of
buildings (some with a gabled roof), a road narrowing to the horizon between two
pavements and grass verges, and cars whose outline (body and cabin) is concave. Every
region is filled from the polygon ``street_outlines`` returns for it, so the truth is exact;
later regions are painted over earlier ones, as the guidelines ask annotators to draw them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import Connection, select

from sync_server.db.blobs import BlobStore
from sync_server.db.tables import batches
from sync_server.orders.demo_images import HEIGHT, HORIZON, WIDTH, _sky
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import TASK_POLYGON, Label, LabelSchema

POLYGON_ORDER = "街景区域多边形标注"
POLYGON_IMAGE_COUNT = 15  # a batch of 5 for each demo annotator
POLYGON_SCHEMA = LabelSchema(
    version=1,
    labels=[
        Label("road", "道路", "#ffe119"),  # yellow: grey would vanish on the asphalt
        Label("sidewalk", "人行道", "#f032e6"),
        Label("vegetation", "植被", "#3cb44b"),
        Label("building", "建筑", "#f58231"),
        Label("vehicle", "车辆", "#4363d8"),
    ],
)
POLYGON_GUIDELINES = """\
# 街景区域多边形标注 · 标注规范

沿区域的边界逐点单击，画一个**多边形**（按 `P` 可在多边形和矩形框之间切换）。

## 1. 类别
| 类别 | 说明 |
|---|---|
| 道路 road | 车行道路面，到地平线为止 |
| 人行道 sidewalk | 道路两侧浅色的人行道 |
| 植被 vegetation | 草地、树丛 |
| 建筑 building | 每栋楼单独画一个多边形，屋顶的斜边也要贴着画 |
| 车辆 vehicle | 每辆车单独画，沿车身和车顶的外轮廓画，不要画成矩形 |

## 2. 先大后小
- 先画道路、人行道、植被、建筑，再画车辆。
- 车辆叠在道路上面：道路多边形**不必**绕开车辆。

## 3. 贴边
- 顶点放在边界上，误差不超过 **3 像素**（按原图计算）；转角处一定要放一个顶点。
- 区域伸出图片边缘时，沿图片边缘画。
- 多边形的边不能交叉。
"""

GRASS = (60, 140, 70)
PAVEMENT = (170, 170, 175)
ASPHALT = (90, 90, 95)


def street_outlines(rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[str, list[list[int]]]]]:
    """One 1920×1080 BGR scene and its true polygons ((label, [[x, y], …]), in paint order)."""
    img = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    _sky(img, rng)
    shapes: list[tuple[str, list[list[int]]]] = []
    shapes += _buildings(img, rng)
    shapes += _ground(img, rng)
    shapes += _cars(img, rng, shapes[-1][1])  # on the road (the ground's last region)
    noise = rng.normal(0, 5, img.shape)
    img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (3, 3), 0), shapes


def _fill(img: np.ndarray, points: list[list[int]], color) -> None:
    cv2.fillPoly(img, [np.array(points, np.int32)], color)


def _buildings(img: np.ndarray, rng: np.random.Generator) -> list[tuple[str, list[list[int]]]]:
    found = []
    x = int(rng.integers(0, 40))
    while x < WIDTH - 80:
        right = min(x + int(rng.integers(160, 340)), WIDTH)
        top = HORIZON - int(rng.integers(140, 360))
        shade = int(rng.integers(100, 190))
        if rng.random() < 0.4:  # a gabled roof
            ridge = top - int(rng.integers(30, 60))  # top is at least 70 px down: the roof stays in the picture
            points = [[x, HORIZON], [x, top], [(x + right) // 2, ridge], [right, top], [right, HORIZON]]
        else:
            points = [[x, HORIZON], [x, top], [right, top], [right, HORIZON]]
        _fill(img, points, (shade, shade - 10, shade - 25))
        for wy in range(top + 20, HORIZON - 30, 40):
            for wx in range(x + 15, right - 25, 36):
                cv2.rectangle(img, (wx, wy), (wx + 16, wy + 22), (120, 200, 230) if rng.random() < 0.3 else (70, 70, 80), -1)
        found.append(("building", points))
        x = right + int(rng.integers(20, 70))
    return found


def _ground(img: np.ndarray, rng: np.random.Generator) -> list[tuple[str, list[list[int]]]]:
    """Grass verges, pavements and the road between them, the road last."""
    vx = WIDTH // 2 + int(rng.integers(-200, 200))
    half_top = int(rng.integers(40, 80))
    left, right = int(rng.integers(300, 560)), WIDTH - int(rng.integers(300, 560))
    walk_top, walk = int(rng.integers(20, 35)), int(rng.integers(160, 260))
    regions = [
        ("vegetation", [[0, HORIZON], [vx - half_top - walk_top, HORIZON], [left - walk, HEIGHT], [0, HEIGHT]]),
        ("vegetation", [[vx + half_top + walk_top, HORIZON], [WIDTH, HORIZON], [WIDTH, HEIGHT], [right + walk, HEIGHT]]),
        ("sidewalk", [[vx - half_top - walk_top, HORIZON], [vx - half_top, HORIZON], [left, HEIGHT], [left - walk, HEIGHT]]),
        ("sidewalk", [[vx + half_top, HORIZON], [vx + half_top + walk_top, HORIZON], [right + walk, HEIGHT], [right, HEIGHT]]),
        # top-left, top-right, bottom-right, bottom-left: _cars reads it so
        ("road", [[vx - half_top, HORIZON], [vx + half_top, HORIZON], [right, HEIGHT], [left, HEIGHT]]),
    ]
    colors = {"vegetation": GRASS, "road": ASPHALT, "sidewalk": PAVEMENT}
    for label, points in regions:
        _fill(img, points, colors[label])
    return regions


def _cars(img: np.ndarray, rng: np.random.Generator, road: list[list[int]]) -> list[tuple[str, list[list[int]]]]:
    (top_left, _), (top_right, _), (bottom_right, _), (bottom_left, _) = road
    found = []
    # far to near, so nearer cars are painted over farther ones
    for yb in sorted(int(v) for v in rng.integers(HORIZON + 120, HEIGHT - 20, int(rng.integers(1, 4)))):
        t = (yb - HORIZON) / (HEIGHT - HORIZON)
        x_left, x_right = top_left + t * (bottom_left - top_left), top_right + t * (bottom_right - top_right)
        w, h = int(0.38 * (x_right - x_left)), int(0.22 * (x_right - x_left))
        cx = int((x_left + x_right) / 2 + rng.uniform(-0.15, 0.15) * (x_right - x_left))
        x0, y0 = cx - w // 2, yb - h
        body = y0 + h // 3
        points = [[x0, yb], [x0, body], [x0 + w // 6, body], [x0 + w // 4, y0], [x0 + 3 * w // 4, y0],
                  [x0 + 5 * w // 6, body], [x0 + w, body], [x0 + w, yb]]  # fmt: skip
        color = [(40, 40, 40), (200, 200, 205), (30, 30, 150), (150, 60, 20)][int(rng.integers(4))]
        _fill(img, points, color)
        cv2.rectangle(img, (x0 + w // 4 + 4, y0 + 4), (x0 + 3 * w // 4 - 4, body - 2), (60, 50, 40), -1)  # windows
        for wx in (x0 + w // 5, x0 + 4 * w // 5):
            cv2.circle(img, (wx, yb - h // 8), max(3, h // 8), (20, 20, 20), -1)
        found.append(("vehicle", points))
    return found


def street_outline_images(folder: Path, count: int = POLYGON_IMAGE_COUNT, seed: int = 11) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths = []
    for n in range(1, count + 1):
        img, _ = street_outlines(rng)
        path = Path(folder) / f"街景_{n:02d}.jpg"
        ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 88])
        path.write_bytes(data.tobytes())
        paths.append(path)
    return paths


def seed_polygon_order(conn: Connection, blob_store: BlobStore, office_id: int, annotators: list[int], until: datetime,
                       scratch: Path) -> int:  # fmt: skip
    """The order, in the caller's transaction; batch *n* goes to ``annotators[n]``. Returns its id."""
    order_id = import_order(conn, blob_store, office_id, POLYGON_ORDER, TASK_POLYGON, POLYGON_SCHEMA,
                            POLYGON_GUIDELINES, street_outline_images(scratch), price_cents=35,
                            batch_size=POLYGON_IMAGE_COUNT // len(annotators))  # fmt: skip
    batch_ids = conn.execute(select(batches.c.id).where(batches.c.order_id == order_id).order_by(batches.c.id)).scalars()
    for batch_id, annotator in zip(batch_ids, annotators):
        lease_batch(conn, batch_id, annotator, until)
    return order_id
