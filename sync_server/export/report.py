"""What an export took and what it left out: counts, one summary line, ``export_report.json``.

The lists (``left_out``, ``conflicted``) may hold most of a million-item order, so
their entries are spooled to anonymous temporary files as they come and copied
into the report at the end: the report is the same text ``json.dumps(..., indent=1)``
of the whole would be, without the whole ever being in memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, TextIO

from sync_server.export.json_text import BUFFER, ArrayWriter, append_file, flat_object, value
from sync_server.export.selection import (
    CONFLICTED_NOTE,
    DONE,
    EMPTY,
    NOT_ACCEPTED,
    ONLY_CONFLICTED,
    REASONS,
    UNFINISHED,
    ExportItem,
)

REPORT_NAME = "export_report.json"
NO_IMAGES_NOTE = (
    "images not written (--annotations-only): file_name is the name a full export gives each image, and "
    "boxes are in upright pixels, so an original with an EXIF orientation must be read with it applied"
)


class _Spool:
    """One of the report's lists, written as JSON array text to a temporary file."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.file: TextIO | None = None
        self.array: ArrayWriter | None = None

    def add(self, entry: dict[str, Any]) -> None:
        if self.file is None:
            self.file = tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.directory)
            self.array = ArrayWriter(self.file, depth=1)
        self.array.add(flat_object(entry, depth=2))

    def copy_to(self, out: TextIO) -> None:
        if self.file is None:
            out.write("[]")
            return
        self.array.close()
        append_file(out, self.file)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = self.array = None


class ExportReport:
    """Counts and lists of one export; ``write()`` makes ``export_report.json``.

    ``spool_dir`` is where the lists wait (the export's folder; None: the system's
    temporary folder); ``report_dir`` where the report goes (default: beside the annotations). ``images_written`` is False for an ``--annotations-only`` export,
    None for an order of texts (it has no images). ``notes`` go into the report as they are.
    """

    def __init__(self, order_id: int, order_name: str, format: str, annotations_path: Path,
                 images_written: bool | None = True, spool_dir: Path | None = None,
                 report_dir: Path | None = None) -> None:  # fmt: skip
        self.order_id = order_id
        # the export's folder; the annotation file may sit deeper (VOC's ImageSets/Main/…)
        self.report_dir = Path(report_dir) if report_dir is not None else Path(annotations_path).parent
        self.order_name = order_name
        self.format = format
        self.annotations_path = Path(annotations_path)
        self.images_written = images_written
        self.notes: list[str] = []
        self.counts: dict[str, int] = dict.fromkeys(
            ("items", "exported", DONE, EMPTY, UNFINISHED, ONLY_CONFLICTED, NOT_ACCEPTED, "conflicted",
             "turned_upright"), 0)  # fmt: skip
        self._left_out = _Spool(spool_dir)
        self._conflicted = _Spool(spool_dir)

    @property
    def report_path(self) -> Path:
        return self.report_dir / REPORT_NAME

    def count(self, item: ExportItem, file_name: str | None) -> None:
        """Note one item; ``file_name`` is its exported image (None when left out)."""
        outcome = item.outcome
        exported = outcome in (DONE, EMPTY)
        self.counts["items"] += 1
        self.counts[outcome] += 1
        self.counts["exported"] += exported
        if item.overlap_copies:  # counted only for orders with overlap: other reports stay as they were
            self.counts["overlap_groups"] = self.counts.get("overlap_groups", 0) + 1
            self.counts["overlap_copies_not_exported"] = (
                self.counts.get("overlap_copies_not_exported", 0) + item.overlap_copies - (1 if exported else 0))
        if not exported:
            self._left_out.add({"item_id": item.id, "name": item.name, "reason": REASONS[outcome]})
        if item.open_conflicts:
            self.counts["conflicted"] += 1
            entry = {"item_id": item.id, "name": item.name, "open_conflicts": item.open_conflicts}
            if file_name is not None:
                entry["file_name"] = file_name
            entry["note"] = CONFLICTED_NOTE if exported else REASONS[outcome]
            self._conflicted.add(entry)

    def summary(self) -> str:
        c = self.counts
        line = (
            f"exported {c['exported']} of {c['items']} items ({c[DONE]} done, {c[EMPTY]} marked no objects); "
            f"left out {c[UNFINISHED]} unfinished and {c[ONLY_CONFLICTED]} with only conflicted work"
            + (f" and {c[NOT_ACCEPTED]} not accepted" if c[NOT_ACCEPTED] else "")
            + "; "
            f"{c['conflicted']} with open conflicts"
        )
        if c.get("overlap_groups"):
            line += f"; {c['overlap_groups']} overlap items, each exported once (one copy of several)"
        if c["turned_upright"]:
            line += f"; {c['turned_upright']} photos re-encoded upright"
        if self.images_written is False:
            line += "; images not written (annotations only)"
        return line

    def write(self) -> Path:
        """Write ``export_report.json`` (whole or not at all) and let go of the spooled lists."""
        head: dict[str, Any] = {
            "order": {"id": self.order_id, "name": self.order_name},
            "format": self.format,
            "annotations": self.annotations_path.relative_to(self.report_dir).as_posix(),
        }
        if self.images_written is False:
            head.update(images=None, note=NO_IMAGES_NOTE)
        head.update(summary=self.summary(), counts=self.counts)
        if self.notes:
            head["notes"] = self.notes
        partial = self.report_path.with_name(REPORT_NAME + ".partial")
        try:
            with open(partial, "w", encoding="utf-8", buffering=BUFFER) as out:
                out.write("{")
                for key, entry in head.items():
                    out.write(f"\n {value(key, 1)}: {value(entry, 1)},")
                out.write('\n "left_out": ')
                self._left_out.copy_to(out)
                out.write(',\n "conflicted": ')
                self._conflicted.copy_to(out)
                out.write("\n}")
            os.replace(partial, self.report_path)
        finally:
            partial.unlink(missing_ok=True)
            self.close()
        return self.report_path

    def close(self) -> None:
        """Drop the spooled lists (``write`` does; an export that failed calls this)."""
        self._left_out.close()
        self._conflicted.close()
