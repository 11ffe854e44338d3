"""Helpers shared by the server tests (a plain module: ``conftest`` names clash across test folders)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sync_server.db import tables
from sync_server.db.engine import read_connection
from sync_server.protocol import PROTOCOL_VERSION, VERSION_HEADER, uuid7

IMAGE_WIDTH, IMAGE_HEIGHT = 120, 80
PASSWORD = "secret-pass"
SCHEMA = {
    "version": 1,
    "labels": [
        {"name": "car", "title": "轿车", "color": "#e6194b"},
        {"name": "pedestrian", "title": "行人", "color": "#f58231"},
    ],
}


@dataclass
class World:
    """Ids of what the template holds; tokens are made fresh per test."""

    office: int
    other_office: int
    lead: int
    anno1: int
    anno2: int
    far_anno: int  # in the other office
    order: int
    batch1: int
    batch2: int
    batch1_items: list[int]
    batch2_items: list[int]
    far_item: int


def write_images(folder: Path, count: int, width: int = IMAGE_WIDTH, height: int = IMAGE_HEIGHT, seed: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        path = folder / f"img_{i:02d}.jpg"
        cv2.imwrite(str(path), rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
        paths.append(path)
    return paths


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", VERSION_HEADER: str(PROTOCOL_VERSION)}


def box(label: str = "car", x1: float = 10, y1: float = 10, x2: float = 50, y2: float = 40) -> dict:
    return {"kind": "box", "label": label, "points": [[x1, y1], [x2, y2]]}


def record(item_id: int, shapes: list[dict] | None = None, base_id: str | None = None, **extra) -> dict:
    return {
        "id": extra.pop("id", None) or uuid7(),
        "item_id": item_id,
        "batch_id": extra.pop("batch_id", None),
        "base_id": base_id,
        "shapes": [box()] if shapes is None else shapes,
        "time_spent_ms": extra.pop("time_spent_ms", 1500),
        "client_time": "2026-11-25T10:00:00Z",
        **extra,
    }


def push(client: TestClient, token: str, *records: dict):
    return client.post("/api/v1/push", json={"annotations": list(records)}, headers=auth(token))


def row_counts(engine) -> dict[str, int]:
    """Rows per table: 'writes nothing' is checked as equal counts before and after."""
    with read_connection(engine) as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar()
            for table in tables.metadata.sorted_tables
            if table.name != "tokens"
        }


def feed(client: TestClient, token: str, since: str = "", limit: int = 500) -> dict:
    answer = client.get("/api/v1/changes", params={"since": since, "limit": limit}, headers=auth(token))
    assert answer.status_code == 200, answer.text
    return answer.json()
