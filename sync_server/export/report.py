"""What an export took and what it left out: counts, one summary line, ``export_report.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass
class ExportReport:
    order_id: int
    order_name: str
    format: str
    annotations_path: Path
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("items", "exported", DONE, EMPTY, UNFINISHED, ONLY_CONFLICTED, NOT_ACCEPTED, "conflicted",
         "turned_upright"), 0))  # fmt: skip
    left_out: list[dict[str, Any]] = field(default_factory=list)
    conflicted: list[dict[str, Any]] = field(default_factory=list)

    @property
    def report_path(self) -> Path:
        return self.annotations_path.parent / REPORT_NAME

    def count(self, item: ExportItem, file_name: str | None) -> None:
        """Note one item; ``file_name`` is its exported image (None when left out)."""
        outcome = item.outcome
        self.counts["items"] += 1
        self.counts[outcome] += 1
        self.counts["exported"] += item.exported
        if not item.exported:
            self.left_out.append({"item_id": item.id, "name": item.name, "reason": REASONS[outcome]})
        if item.open_conflicts:
            self.counts["conflicted"] += 1
            entry = {"item_id": item.id, "name": item.name, "open_conflicts": item.open_conflicts}
            if file_name is not None:
                entry.update(file_name=file_name, note=CONFLICTED_NOTE)
            else:
                entry["note"] = REASONS[outcome]
            self.conflicted.append(entry)

    def summary(self) -> str:
        c = self.counts
        line = (
            f"exported {c['exported']} of {c['items']} items ({c[DONE]} done, {c[EMPTY]} marked no objects); "
            f"left out {c[UNFINISHED]} unfinished and {c[ONLY_CONFLICTED]} with only conflicted work"
            + (f" and {c[NOT_ACCEPTED]} not accepted" if c[NOT_ACCEPTED] else "")
            + "; "
            f"{c['conflicted']} with open conflicts"
        )
        if c["turned_upright"]:
            line += f"; {c['turned_upright']} photos re-encoded upright"
        return line

    def as_json(self) -> dict[str, Any]:
        return {
            "order": {"id": self.order_id, "name": self.order_name},
            "format": self.format,
            "annotations": self.annotations_path.name,
            "summary": self.summary(),
            "counts": self.counts,
            "left_out": self.left_out,
            "conflicted": self.conflicted,
        }

    def write(self) -> Path:
        self.report_path.write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        return self.report_path
