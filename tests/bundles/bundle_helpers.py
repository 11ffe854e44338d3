"""Helpers for the bundle tests (a plain module: ``conftest`` names clash across test folders)."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync.bundle import import_pull_bundle
from sync_server.bundles.container import key_id, manifest_mac
from sync_server.bundles.office import write_user_bundle
from sync_server.db import tables
from sync_server.db.engine import read_connection


def stored_ids(engine) -> Counter:
    """How many server rows each annotation id has (one copy = 1)."""
    with read_connection(engine) as conn:
        return Counter(conn.execute(select(tables.annotations.c.id)).scalars())


def row_counts(engine) -> dict[str, int]:
    with read_connection(engine) as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in tables.metadata.sorted_tables}


def first_contact(store: Store, engine, blob_store, user, folder: Path) -> Path:
    """The admin's first pull bundle for this PC, imported: the batch is on the PC."""
    path = folder / f"{user.username}-first.aidou"
    write_user_bundle(engine, blob_store, user, path)
    import_pull_bundle(store, path)
    return path


def annotate(store: Store, user_id: int, shift: int = 0) -> list[str]:
    """A box on every ready item of the user's batches; returns the revision ids."""
    ids = []
    for summary in store.batch_summaries(user_id):
        for item in store.ready_items(summary.id):
            shape = box_shape("car", 10 + shift, 10, 50 + shift, 40)  # inside the 120×80 originals
            ids.append(store.save_shapes(item.id, [shape], time_spent_ms=1000).id)
    return ids


def rewrite_zip(
    src: Path,
    dst: Path,
    change: dict[str, Callable[[bytes], bytes]] | None = None,
    extra: dict[str, bytes] | None = None,
    manifest: Callable[[dict], None] | None = None,
    sign_with: str | None = None,
) -> Path:
    """A copy of a bundle with some entries' bytes changed, entries added, or the manifest
    edited; ``sign_with`` (a hex bundle key) signs the edited manifest, as someone holding
    that key could, so that the checks behind the signature are reached."""
    change = change or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        raw_manifest = None
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "manifest.json" and manifest is not None:
                doc = json.loads(data)
                manifest(doc)
                data = json.dumps(doc).encode()
            elif info.filename in change:
                data = change[info.filename](data)
            if info.filename == "manifest.json":
                raw_manifest = data
            if info.filename == "signature.json" and sign_with is not None:
                key = bytes.fromhex(sign_with)
                data = json.dumps({"alg": "HMAC-SHA256", "key_id": key_id(key), "mac": manifest_mac(key, raw_manifest)}).encode()
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def flip_byte(data: bytes, at: int | None = None) -> bytes:
    at = len(data) // 2 if at is None else at
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
