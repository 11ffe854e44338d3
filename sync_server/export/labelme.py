"""labelme: one JSON per image beside it in ``images/`` (``<image stem>.json``), as labelme
saves them, and ``labels.txt``.

Each file has labelme's keys: ``version``, ``flags`` ({}), ``shapes``, ``imagePath`` (the
image's name in the same folder), ``imageData`` (null: labelme reads the image from
``imagePath``), ``imageHeight``, ``imageWidth`` (upright original pixels). A box is a
``shape_type`` "rectangle" with its two corners, a polygon a "polygon" with its vertices
(labelme closes it); points in pixels from 0, as stored. Every shape has ``group_id``
null, ``description`` "", ``flags`` {} and ``mask`` null. An image marked "no objects"
gets a file with no shapes. ``labels.txt`` lists the label names, one a line, for
``labelme images/ --labels labels.txt``; it is written last. With ``--annotations-only``
the JSON files are written to ``images/`` all the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import orjson

from sync_server.export.categories import Categories
from sync_server.export.report import ExportReport
from sync_server.export.selection import ExportItem
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON

LABELS_NAME = "labels.txt"
LABELME_VERSION = "5.5.0"  # the file layout of labelme 5 (description and mask per shape)
_SHAPE_TYPES = {SHAPE_BOX: "rectangle", SHAPE_POLYGON: "polygon"}


class LabelmeWriter:
    file_name = LABELS_NAME
    per_image = True

    def __init__(self, task_kind: str, out_dir: Path, categories: Categories) -> None:
        self.categories = categories
        self.json_dir = Path(out_dir) / "images"
        self.json_dir.mkdir(parents=True, exist_ok=True)
        self.out: TextIO | None = None

    def start(self, out: TextIO) -> None:
        self.out = out

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        shapes = []
        for shape in item.shapes:
            shape_type = _SHAPE_TYPES.get(shape["kind"])
            if shape_type is not None:
                self.categories.id_for(shape["label"])  # a label no schema knows still reaches labels.txt
                shapes.append({"label": shape["label"], "points": shape["points"], "group_id": None,
                               "description": "", "shape_type": shape_type, "flags": {}, "mask": None})  # fmt: skip
        document = {
            "version": LABELME_VERSION,
            "flags": {},
            "shapes": shapes,
            "imagePath": image,
            "imageData": None,
            "imageHeight": item.height,
            "imageWidth": item.width,
        }
        (self.json_dir / (image.rsplit(".", 1)[0] + ".json")).write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))

    def finish(self, report: ExportReport) -> None:
        for category in self.categories.as_coco():
            self.out.write(category["name"].replace("\n", " ") + "\n")
