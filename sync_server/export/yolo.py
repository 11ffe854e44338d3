"""YOLO (Ultralytics) datasets: ``data.yaml``, ``images/`` and ``labels/<image stem>.txt``.

One label file per exported image (an empty one: an image marked "no objects"), one
object a line, coordinates as fractions 0–1 of the image's width and height (upright
original pixels), class = category id − 1 (the order's labels in schema order, then
labels only older schema versions had: ``categories``):

- a bbox order: ``class x_center y_center width height`` (YOLO detection);
- a polygon order: ``class x1 y1 x2 y2 …``, the polygon's vertices (Ultralytics'
  segmentation format). A box in a polygon order is written as its four corners, so one
  file holds one format (Ultralytics reads a file as segments when any line is longer
  than a box's, and would misread a box line among them).

``data.yaml`` names the classes and points ``train`` and ``val`` at ``images`` (every
exported image: split them as you like). It leaves ``path`` out, so Ultralytics takes
the file's own folder as the dataset root. It is written last, after the label files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from sync_server.export.categories import Categories
from sync_server.export.geometry import bounds, box_corners
from sync_server.export.report import ExportReport
from sync_server.export.selection import ExportItem
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON, TASK_POLYGON

DATA_NAME = "data.yaml"
LABELS_FOLDER = "labels"


class YoloWriter:
    file_name = DATA_NAME
    per_image = True

    def __init__(self, task_kind: str, out_dir: Path, categories: Categories) -> None:
        self.segments = task_kind == TASK_POLYGON
        self.categories = categories
        self.labels_dir = Path(out_dir) / LABELS_FOLDER
        self.labels_dir.mkdir(parents=True, exist_ok=True)
        self.out: TextIO | None = None

    def start(self, out: TextIO) -> None:
        self.out = out

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        lines = [line for shape in item.shapes if (line := self._line(shape, item.width, item.height))]
        label_file = self.labels_dir / (image.rsplit(".", 1)[0] + ".txt")
        with open(label_file, "w", encoding="utf-8", newline="\n") as labels:
            labels.writelines(f"{line}\n" for line in lines)

    def _line(self, shape: dict, width: int, height: int) -> str | None:
        kind = shape["kind"]
        if kind not in (SHAPE_BOX, SHAPE_POLYGON):
            return None
        points = shape["points"]
        cls = self.categories.id_for(shape["label"]) - 1
        if self.segments:
            corners = box_corners(points) if kind == SHAPE_BOX else points
            return f"{cls} " + " ".join(f"{_fraction(x, width)} {_fraction(y, height)}" for x, y in corners)
        x1, y1, x2, y2 = bounds(points)
        return (f"{cls} {_fraction((x1 + x2) / 2, width)} {_fraction((y1 + y2) / 2, height)} "
                f"{_fraction(x2 - x1, width)} {_fraction(y2 - y1, height)}")  # fmt: skip

    def finish(self, report: ExportReport) -> None:
        form = ("class x1 y1 x2 y2 … (polygon vertices; a box as its 4 corners)" if self.segments
                else "class x_center y_center width height")  # fmt: skip
        names = self.categories.as_coco()
        self.out.write(
            "# YOLO dataset written by aidou-server export (Ultralytics layout)\n"
            f"# labels/<image stem>.txt: one object a line, {form}, as fractions 0-1 of the image size\n"
            "# no 'path': Ultralytics takes this file's folder as the dataset root\n"
            "train: images\nval: images\n"
            f"nc: {len(names)}\nnames:\n"
        )
        for category in names:  # a JSON string is a valid YAML double-quoted scalar
            self.out.write(f"  {category['id'] - 1}: {json.dumps(category['name'], ensure_ascii=False)}\n")


def _fraction(value: float, size: int) -> str:
    return f"{min(max(value / size, 0.0), 1.0):.6f}"
