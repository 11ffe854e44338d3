"""Display copies for a thin link (issue 12, ADR 0008): the sharpest WebP within the
budget, and a box snapped on the copy lands where it would on the original.

The photos are ``bench.bench_display_copies``'s 1080p photo-like originals; the bench
measures every setting, these hold the server's rule to what the ADR records.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from bench.bench_display_copies import corner_error, luma_of, make_scenes, snap_box
from sync_server.orders import importing
from sync_server.orders.importing import (
    DISPLAY_BUDGET_BYTES,
    DISPLAY_QUALITIES,
    DISPLAY_SIDES,
    display_copy,
    display_media_type,
)


@pytest.fixture(scope="module")
def photos():
    """Easy scenes (a room, a drawn street), a detailed one (a park), text (a shop shelf) and
    one too detailed for any budget (1/f noise over the whole frame)."""
    return {s.name.split()[0]: s for s in make_scenes(only=("room", "street", "park", "shop", "1/f"))}


@pytest.fixture
def encodes(monkeypatch):
    """Every WebP the server encodes, as (longest side, quality, bytes)."""
    seen: list[tuple[int, int, int]] = []
    real = cv2.imencode

    def counting(ext, pixels, params=()):
        ok, data = real(ext, pixels, params)
        seen.append((max(pixels.shape[:2]), dict(zip(params[::2], params[1::2]))[cv2.IMWRITE_WEBP_QUALITY], data.size))
        return ok, data

    monkeypatch.setattr(importing.cv2, "imencode", counting)
    return seen


def decoded(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def test_an_easy_photo_gets_the_largest_side_at_the_best_quality(photos, encodes):
    room = photos["room"]
    data, width, height = display_copy(room.pixels, room.original)
    assert (width, height) == (DISPLAY_SIDES[0], DISPLAY_SIDES[0] * 1080 // 1920)
    assert len(data) <= DISPLAY_BUDGET_BYTES and display_media_type(data[:12]) == "image/webp"
    # the lowest quality first, then halving (75, 60, 50, 40): 60, then 75
    assert [(side, q) for side, q, _b in encodes] == [(960, 40), (960, 60), (960, 75)]
    small = cv2.resize(room.pixels, (width, height), interpolation=cv2.INTER_AREA)
    assert data == cv2.imencode(".webp", small, [cv2.IMWRITE_WEBP_QUALITY, DISPLAY_QUALITIES[0]])[1].tobytes()


@pytest.mark.parametrize("name", ["street", "park", "shop"])
def test_a_detailed_photo_fits_the_budget_as_sharp_as_it_can(photos, encodes, name):
    photo = photos[name]
    data, width, height = display_copy(photo.pixels, photo.original)
    assert len(data) <= DISPLAY_BUDGET_BYTES
    assert decoded(data).shape == (height, width, 3)
    assert width / height == pytest.approx(1920 / 1080, abs=0.01)
    side, quality, size = next(e for e in encodes if e[2] == len(data))
    assert side == width in DISPLAY_SIDES and quality in DISPLAY_QUALITIES
    # nothing sharper fitted: no larger side held the budget even at the lowest quality,
    # and at this side the next better quality is over it
    assert all(b > DISPLAY_BUDGET_BYTES for s, q, b in encodes if s > side)
    better = [b for s, q, b in encodes if s == side and q > quality]
    assert quality == DISPLAY_QUALITIES[0] or (better and min(better) > DISPLAY_BUDGET_BYTES)
    assert len(encodes) <= len(DISPLAY_SIDES) + 2


def test_a_photo_no_side_can_hold_goes_at_the_smallest_and_lowest(photos, encodes):
    noise = photos["1/f"]
    data, width, _height = display_copy(noise.pixels, noise.original)
    assert width == DISPLAY_SIDES[-1]  # never less legible than this, even over the budget
    assert encodes[-1] == (DISPLAY_SIDES[-1], DISPLAY_QUALITIES[-1], len(data))
    assert len(encodes) == len(DISPLAY_SIDES)  # one try per side


def test_a_small_image_is_not_enlarged(encodes):
    pixels = np.random.default_rng(3).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    data, width, height = display_copy(pixels)
    assert (width, height) == (400, 300) and decoded(data).shape == (300, 400, 3)
    assert {side for side, _q, _b in encodes} == {400}  # each smaller side is the same image: tried once


@pytest.mark.parametrize("name", ["street", "park", "shop", "1/f"])
def test_a_box_snapped_on_the_copy_lands_where_it_would_on_the_original(photos, name):
    """The desktop shows the copy stretched to the original's size (× original / copy, per
    axis): an annotator snapping a box to an object's edges on it is within 2.3 original
    pixels of the same snap on the original — one copy pixel at 640 px is 3."""
    photo = photos[name]
    data, width, height = display_copy(photo.pixels, photo.original)
    sx, sy = 1920 / width, 1080 / height
    copy = luma_of(decoded(data).astype(np.float32))
    original = luma_of(photo.pixels.astype(np.float32))
    errors = [corner_error(snap_box(copy, box, sx, sy), snap_box(original, box, 1.0, 1.0)) for box in photo.boxes]
    assert len(errors) >= 5
    assert max(errors) <= 2.3, errors
