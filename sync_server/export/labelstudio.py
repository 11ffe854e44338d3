"""Label Studio: ``labelstudio.json``, a JSON array of tasks as Label Studio's own JSON
export writes them, one task a line (streamed), for import into a Label Studio project.

A task: ``id`` (the item's), ``data.image`` ("images/<file name>": point Label Studio's
local-files storage or a web server at the export folder), ``meta`` (``name``,
``annotator``, ``reviewer``, ``status``) and one annotation whose ``result`` holds the
shapes, each with ``original_width`` / ``original_height`` (upright original pixels),
``image_rotation`` 0, ``to_name`` "image" and ``value`` in percent (0–100) of the image:

- a box: ``type`` "rectanglelabels", ``value`` {x, y, width, height, rotation 0,
  rectanglelabels [label]};
- a polygon: ``type`` "polygonlabels", ``value`` {points [[x %, y %], …], closed true,
  polygonlabels [label]}.

``from_name`` is "label" for the order's own kind (boxes of a bbox order, polygons of a
polygon order), as Label Studio's templates name the control, and "box" for a box in a
polygon order. ``labelstudio_config.xml`` is the labeling config those names fit (written
after the tasks).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import quoteattr

import orjson

from sync_server.db.clock import to_iso
from sync_server.export.categories import Categories
from sync_server.export.json_text import ArrayWriter
from sync_server.export.report import ExportReport
from sync_server.export.results import status
from sync_server.export.selection import ExportItem
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON, TASK_POLYGON

TASKS_NAME = "labelstudio.json"
CONFIG_NAME = "labelstudio_config.xml"


class LabelStudioWriter:
    file_name = TASKS_NAME

    def __init__(self, task_kind: str, out_dir: Path, categories: Categories) -> None:
        self.polygons = task_kind == TASK_POLYGON
        self.box_control = "box" if self.polygons else "label"
        self.categories = categories
        self.config_path = Path(out_dir) / CONFIG_NAME
        self.tasks: ArrayWriter | None = None

    def start(self, out: TextIO) -> None:
        self.tasks = ArrayWriter(out, depth=0)

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        results = []
        for n, shape in enumerate(item.shapes, 1):
            value = self._value(shape, item.width, item.height)
            if value is not None:
                kind, value = value
                self.categories.id_for(shape["label"])  # a label no schema knows still reaches the config
                results.append({
                    "id": f"{item.id}-{n}", "type": kind,
                    "from_name": "label" if kind == "polygonlabels" else self.box_control, "to_name": "image",
                    "original_width": item.width, "original_height": item.height, "image_rotation": 0,
                    "value": value,
                })  # fmt: skip
        annotation = {"result": results, "was_cancelled": False, "ground_truth": False,
                      "created_at": to_iso(item.received_at) if item.received_at else None}  # fmt: skip
        task = {
            "id": item.id,
            "data": {"image": f"images/{image}"},
            "meta": {"name": item.name, "annotator": item.annotator, "reviewer": item.reviewer, "status": status(item)},
            "annotations": [annotation],
        }
        self.tasks.add(orjson.dumps(task).decode())

    def _value(self, shape: dict, width: int, height: int) -> tuple[str, dict] | None:
        points = shape["points"]
        if shape["kind"] == SHAPE_POLYGON:
            percent = [[100 * x / width, 100 * y / height] for x, y in points]
            return "polygonlabels", {"points": percent, "closed": True, "polygonlabels": [shape["label"]]}
        if shape["kind"] == SHAPE_BOX:
            (x1, y1), (x2, y2) = points
            return "rectanglelabels", {
                "x": 100 * x1 / width, "y": 100 * y1 / height,
                "width": 100 * (x2 - x1) / width, "height": 100 * (y2 - y1) / height,
                "rotation": 0, "rectanglelabels": [shape["label"]],
            }  # fmt: skip
        return None

    def finish(self, report: ExportReport) -> None:
        self.tasks.close()
        self.tasks.out.write("\n")
        labels = "".join(f"    <Label value={quoteattr(c['name'])}/>\n" for c in self.categories.as_coco())
        controls = [("RectangleLabels", self.box_control)] + ([("PolygonLabels", "label")] if self.polygons else [])
        body = "".join(f'  <{tag} name="{name}" toName="image">\n{labels}  </{tag}>\n' for tag, name in controls)
        self.config_path.write_text(f'<View>\n  <Image name="image" value="$image"/>\n{body}</View>\n', encoding="utf-8")
