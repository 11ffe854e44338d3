"""Classification results as CSV (``labels.csv``): one row per item and chosen class.

Columns ``id, name, label, annotator, status`` (and ``text`` last for a text order):
``name`` is the exported image's file name, or the item's name for a text. A
multi-label item has a row per class; an item marked with no class has one row with an
empty label. UTF-8 with a BOM, so Excel on a Chinese Windows opens it as UTF-8.
"""

from __future__ import annotations

import csv
from typing import TextIO

from sync_server.export.report import ExportReport
from sync_server.export.results import labels, status
from sync_server.export.selection import ExportItem
from sync_server.protocol import TASK_TEXT_CLASS

LABELS_NAME = "labels.csv"


class LabelCsvWriter:
    file_name = LABELS_NAME

    def __init__(self, task_kind: str) -> None:
        self.with_text = task_kind == TASK_TEXT_CLASS
        self.rows = None

    def start(self, out: TextIO) -> None:
        out.write("\ufeff")
        self.rows = csv.writer(out)
        self.rows.writerow(["id", "name", "label", "annotator", "status", *(["text"] if self.with_text else [])])

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        tail = [item.text] if self.with_text else []
        for label in labels(item) or [""]:
            self.rows.writerow([item.id, image or item.name, label, item.annotator or "", status(item), *tail])

    def finish(self, report: ExportReport) -> None:
        pass
