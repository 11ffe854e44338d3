"""Server times are ISO 8601 UTC; people read local time."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt


def parse_iso(text: str | None) -> QDateTime | None:
    if not text:
        return None
    moment = QDateTime.fromString(text.replace("Z", "+00:00"), Qt.DateFormat.ISODateWithMs)
    if not moment.isValid():
        moment = QDateTime.fromString(text.replace("Z", "+00:00"), Qt.DateFormat.ISODate)
    return moment if moment.isValid() else None


def local_text(text: str | None) -> str:
    moment = parse_iso(text)
    return moment.toLocalTime().toString("yyyy-MM-dd HH:mm") if moment else ""


def is_past(text: str | None) -> bool:
    moment = parse_iso(text)
    return bool(moment) and moment < QDateTime.currentDateTimeUtc()
