"""Pascal VOC: ``Annotations/<image stem>.xml`` per image, ``JPEGImages/``, and
``ImageSets/Main/trainval.txt`` (the exported images' stems, one a line, in id order).

Each shape is an ``<object>`` with ``name`` (the label), ``pose`` Unspecified,
``truncated`` 0, ``difficult`` 0 and a ``bndbox`` in VOC's own convention: whole pixels
counted from 1, both ends inclusive (xmin = floor(x1) + 1, xmax = ceil(x2), upright
original pixels), so the devkit and readers that take it as is see the pixels the box
covers. A polygon is written as its bounding box plus a ``polygon`` element (``x1``,
``y1``, ``x2``, ``y2``, … — the layout some VOC readers and converters take) holding its
vertices as stored: pixel coordinates from 0, fractions kept, like COCO's. Readers that
know only VOC's elements skip it and keep the box. ``segmented`` is 0 (no masks are
written); ``depth`` is 3. An image marked "no objects" has an annotation file without
objects.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from sync_server.export.categories import Categories
from sync_server.export.geometry import bounds
from sync_server.export.json_text import number
from sync_server.export.report import ExportReport
from sync_server.export.selection import ExportItem
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON

IMAGE_SET = "ImageSets/Main/trainval.txt"
IMAGE_FOLDER = "JPEGImages"  # VOC's name; PNG and other originals go there too, as they are
ANNOTATIONS_FOLDER = "Annotations"


class VocWriter:
    file_name = IMAGE_SET
    image_folder = IMAGE_FOLDER
    per_image = True

    def __init__(self, task_kind: str, out_dir: Path, categories: Categories) -> None:
        self.annotations_dir = Path(out_dir) / ANNOTATIONS_FOLDER
        self.annotations_dir.mkdir(parents=True, exist_ok=True)

    def start(self, out: TextIO) -> None:
        pass

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        stem = image.rsplit(".", 1)[0]
        root = ET.Element("annotation")
        _text(root, "folder", IMAGE_FOLDER)
        _text(root, "filename", image)
        size = ET.SubElement(root, "size")
        for tag, v in (("width", item.width), ("height", item.height), ("depth", 3)):
            _text(size, tag, str(v))
        _text(root, "segmented", "0")
        for shape in item.shapes:
            if shape["kind"] in (SHAPE_BOX, SHAPE_POLYGON):
                _object(root, shape, item.width, item.height)
        ET.indent(root)
        ET.ElementTree(root).write(self.annotations_dir / f"{stem}.xml", encoding="utf-8")
        out.write(f"{stem}\n")

    def finish(self, report: ExportReport) -> None:
        pass


def _object(root: ET.Element, shape: dict, width: int, height: int) -> None:
    obj = ET.SubElement(root, "object")
    _text(obj, "name", shape["label"])
    for tag, v in (("pose", "Unspecified"), ("truncated", "0"), ("difficult", "0")):
        _text(obj, tag, v)
    x1, y1, x2, y2 = bounds(shape["points"])
    xmin, ymin = _first_pixel(x1, width), _first_pixel(y1, height)
    xmax, ymax = max(_last_pixel(x2, width), xmin), max(_last_pixel(y2, height), ymin)
    box = ET.SubElement(obj, "bndbox")
    for tag, v in (("xmin", xmin), ("ymin", ymin), ("xmax", xmax), ("ymax", ymax)):
        _text(box, tag, str(v))
    if shape["kind"] == SHAPE_POLYGON:
        polygon = ET.SubElement(obj, "polygon")
        for n, (x, y) in enumerate(shape["points"], 1):
            _text(polygon, f"x{n}", number(x))
            _text(polygon, f"y{n}", number(y))


def _first_pixel(v: float, size: int) -> int:
    """The 1-based index of the pixel an edge at ``v`` (0-based, continuous) starts in."""
    return min(max(math.floor(v) + 1, 1), size)


def _last_pixel(v: float, size: int) -> int:
    """The 1-based index of the last pixel before an edge at ``v``."""
    return min(max(math.ceil(v), 1), size)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element
