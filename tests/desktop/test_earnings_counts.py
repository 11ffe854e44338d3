"""The home strip's day and week counts, counted by SQLite: items first saved today, and
since Monday; an item edited again counts once, on the day it was first saved."""

from __future__ import annotations

from datetime import datetime, timedelta

from aidou_desktop.model import box_shape

from tests.desktop.conftest import ANNOTATOR


def test_items_count_on_the_day_they_were_first_saved(seeded):
    for item_id in (100, 101, 102):
        seeded.save_shapes(item_id, [box_shape("car", 10, 10, 50, 50)])
    seeded.save_shapes(100, [box_shape("car", 12, 10, 50, 50)])  # edited again: still one item
    now = datetime.now().astimezone()
    today = seeded.earnings(ANNOTATOR.id, now)
    assert (today.done_today, today.done_week) == (3, 3)
    tomorrow = seeded.earnings(ANNOTATOR.id, now + timedelta(days=1))
    same_week = (now + timedelta(days=1)).weekday() != 0
    assert (tomorrow.done_today, tomorrow.done_week) == (0, 3 if same_week else 0)
    later = seeded.earnings(ANNOTATOR.id, now + timedelta(days=8))
    assert (later.done_today, later.done_week) == (0, 0)
