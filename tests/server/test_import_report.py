"""import-order accounts for every file: subfolders, .jfif, unsupported formats, hidden damage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from server_helpers import SCHEMA, row_counts
from sync_server.db import tables
from sync_server.db.engine import read_connection
from sync_server.orders.importing import image_problem

AIDOU_SERVER = Path(sys.executable).parent / "aidou-server"


def _aidou_server(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(AIDOU_SERVER), *args], capture_output=True, text=True, timeout=120)


def _jpeg(seed: int, size=(160, 120)) -> bytes:
    noise = np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    return cv2.imencode(".jpg", noise)[1].tobytes()


def _corrupt_middle_jpeg() -> bytes:
    """A JPEG whose entropy-coded data is overwritten halfway; SOI and the FFD9 end stay."""
    data = bytearray(_jpeg(7))
    scan = data.index(b"\xff\xda")
    middle = (scan + len(data)) // 2
    data[middle : middle + 64] = b"\xff\xd3" + bytes(range(62))  # a stray restart marker and junk
    assert data[-2:] == b"\xff\xd9"
    return bytes(data)


def _cut_short_but_ended_jpeg() -> bytes:
    """Half a JPEG with an end marker pasted on: the end-marker check alone cannot see it."""
    data = _jpeg(8)
    return data[: len(data) // 2] + b"\xff\xd9"


@pytest.mark.parametrize("make", [_corrupt_middle_jpeg, _cut_short_but_ended_jpeg])
def test_libjpeg_warnings_make_an_image_bad(make):
    data = make()
    # the premise: OpenCV returns an image anyway (grey where the data was lost)
    assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) is not None
    problem = image_problem(data)
    assert problem is not None and problem.startswith("corrupt data (")
    assert "Corrupt JPEG data" in problem or "Premature end of JPEG file" in problem
    assert image_problem(_jpeg(9)) is None


def _order_folder(root: Path) -> Path:
    folder = root / "街景"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "good.jpg").write_bytes(_jpeg(1))
    (folder / "photo.jfif").write_bytes(_jpeg(2))
    (folder / "sub" / "inner.jpg").write_bytes(_jpeg(3))
    (folder / "sub" / "deeper" / "last.png").write_bytes(cv2.imencode(".png", np.zeros((20, 30, 3), np.uint8))[1].tobytes())
    (folder / "schema.json").write_text(json.dumps({**SCHEMA, "batch_size": 2}), encoding="utf-8")
    (folder / "README.txt").write_text("客户的说明", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


def _add_bad_files(folder: Path) -> None:
    (folder / "broken.jpg").write_bytes(_corrupt_middle_jpeg())
    (folder / "anim.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00;")
    (folder / "sub" / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")


def _item_names(engine, order_name: str) -> list[str]:
    with read_connection(engine) as conn:
        order = conn.execute(select(tables.orders.c.id).where(tables.orders.c.name == order_name)).scalar_one()
        return list(conn.execute(select(tables.items.c.name).where(tables.items.c.order_id == order).order_by(tables.items.c.id)).scalars())


def test_subfolders_and_jfif_are_taken_and_non_images_listed(engine, data_dir, tmp_path):
    folder = _order_folder(tmp_path)
    done = _aidou_server("import-order", str(folder), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("4 items in 2 batches")
    assert lines[1:] == [
        "left out 3 files:",
        "  .DS_Store: not an image, ignored",
        "  README.txt: not an image, ignored",
        "  schema.json: not an image, ignored",
    ]
    assert _item_names(engine, "街景") == ["good.jpg", "photo.jfif", "sub/deeper/last.png", "sub/inner.jpg"]


def test_bad_images_stop_the_import_with_the_whole_list(engine, data_dir, tmp_path):
    folder = _order_folder(tmp_path)
    _add_bad_files(folder)
    before = row_counts(engine)
    done = _aidou_server("import-order", str(folder), "--data-dir", str(data_dir))
    assert done.returncode == 2
    error = done.stderr
    assert "3 of 7 images cannot be imported; nothing was imported" in error
    assert "--skip-bad to import the other 4" in error
    assert "broken.jpg: corrupt data (Corrupt JPEG data" in error
    assert "anim.gif: unsupported format GIF" in error and "convert it to PNG" in error
    assert "sub/IMG_0001.HEIC: unsupported format HEIC" in error and "convert it to JPEG" in error
    assert "README.txt: not an image, ignored" in error  # listed, but not a reason to stop
    assert row_counts(engine) == before


def test_skip_bad_imports_the_rest_and_lists_every_file_left_out(engine, data_dir, tmp_path):
    folder = _order_folder(tmp_path)
    _add_bad_files(folder)
    done = _aidou_server("import-order", str(folder), "--data-dir", str(data_dir), "--skip-bad", "--name", "跳过坏图")
    assert done.returncode == 0, done.stderr
    summary, heading, *left_out = done.stdout.splitlines()
    assert summary.endswith("4 items in 2 batches") and heading == "left out 6 files:"
    reasons = dict(line.strip().split(": ", 1) for line in left_out)
    assert sorted(reasons) == [".DS_Store", "README.txt", "anim.gif", "broken.jpg", "schema.json", "sub/IMG_0001.HEIC"]
    assert reasons["broken.jpg"].startswith("corrupt data")
    assert _item_names(engine, "跳过坏图") == ["good.jpg", "photo.jfif", "sub/deeper/last.png", "sub/inner.jpg"]


def test_a_folder_without_images_is_an_error(data_dir, tmp_path):
    folder = tmp_path / "空"
    folder.mkdir()
    (folder / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (folder / "anim.gif").write_bytes(b"GIF89a")
    done = _aidou_server("import-order", str(folder), "--data-dir", str(data_dir), "--skip-bad")
    assert done.returncode == 2
    assert "no image to import" in done.stderr and "anim.gif: unsupported format GIF" in done.stderr
