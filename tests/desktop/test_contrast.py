"""More contrast for dark photos (B on the box page): brighter detail, same colours, same size."""

from __future__ import annotations

import cv2
import numpy as np

from aidou_desktop.imaging.contrast import enhance_bgra


def dark_photo() -> np.ndarray:
    rng = np.random.default_rng(3)
    bgr = np.clip(rng.normal(30, 8, (240, 320, 3)), 0, 255).astype(np.uint8)  # a night street, noisy
    bgr[80:160, 100:200] = (20, 20, 90)  # a dim red car
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)


def test_a_dark_photo_gets_more_contrast_and_keeps_its_colours():
    photo = dark_photo()
    out = enhance_bgra(photo)
    assert out.shape == photo.shape and out.dtype == np.uint8
    gray_in = cv2.cvtColor(photo, cv2.COLOR_BGRA2GRAY)
    gray_out = cv2.cvtColor(out, cv2.COLOR_BGRA2GRAY)
    assert gray_out.std() > 1.5 * gray_in.std()  # local contrast up
    car = out[90:150, 110:190, :3].reshape(-1, 3).mean(axis=0)
    assert car[2] > car[0] + 20 and car[2] > car[1] + 20  # still red (BGR order kept)


def test_the_input_is_left_as_it_was():
    photo = dark_photo()
    copy = photo.copy()
    enhance_bgra(photo)
    assert np.array_equal(photo, copy)


def test_grabcut_finds_nothing_to_snap_to_in_plain_texture():
    from aidou_desktop.imaging.grabcut import snap_rect

    rng = np.random.default_rng(2)
    texture = rng.integers(90, 150, (300, 400, 3), dtype=np.uint8)
    assert snap_rect(texture, (5, 5, 4, 4)) is None  # too small to tell anything
    found = snap_rect(texture, (100, 80, 150, 120))
    assert found is None or found[2] * found[3] < 150 * 120  # never grows the box
