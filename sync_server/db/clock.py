"""The server's clock and the ISO 8601 strings the wire carries."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands DateTime columns back naive; everything we store is UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def to_iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")
