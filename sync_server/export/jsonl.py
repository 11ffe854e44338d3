"""JSON Lines: one object a line per exported item (``results.jsonl``), any task kind.

What each object holds is ``results.item_result``'s. UTF-8, "\\n" line ends, no
escaping of non-ASCII text: a line is what ``json.dumps(obj, ensure_ascii=False)``
would read back as.
"""

from __future__ import annotations

from typing import TextIO

import orjson

from sync_server.export.report import ExportReport
from sync_server.export.results import item_result
from sync_server.export.selection import ExportItem

RESULTS_NAME = "results.jsonl"


class JsonlWriter:
    file_name = RESULTS_NAME

    def __init__(self, task_kind: str) -> None:
        self.task_kind = task_kind

    def start(self, out: TextIO) -> None:
        pass

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        out.write(orjson.dumps(item_result(self.task_kind, item, image)).decode())
        out.write("\n")

    def finish(self, report: ExportReport) -> None:
        pass
