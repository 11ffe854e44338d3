"""The home strip's figures, counted by SQLite: items first saved today, and since Monday
(an item edited again counts once, on the day it was first saved); the accept rate and
the month's pay from the verdicts on each item's current revision."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aidou_desktop.model import box_shape
from sync_server.protocol import AnnotationRecord, Change, ReviewRecord, Shape, to_wire, uuid7

from tests.desktop.conftest import ANNOTATOR, BATCH_ID


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


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_rate_and_month_pay_come_from_the_verdicts_on_current_revisions(seeded):
    now = datetime.now(timezone.utc)
    last_month = _iso(now.replace(day=1) - timedelta(days=3))
    box = [Shape("box", "car", [[10.0, 10.0], [50.0, 40.0]])]
    changes = []

    def add(kind, record):
        changes.append(Change(8 + len(changes), kind, to_wire(record)))

    def revision(item_id, status=None):
        record = AnnotationRecord(uuid7(), item_id, BATCH_ID, None, box, 9000, annotator_id=ANNOTATOR.id,
                                  received_at=_iso(now), status=status)  # fmt: skip
        add("annotation", record)
        return record.id

    def verdict(annotation_id, item_id, kind, when):
        add("review", ReviewRecord(uuid7(), annotation_id, item_id, kind, "框太松" if kind == "reject" else None,
                                   reviewer_id=3, received_at=when))  # fmt: skip

    verdict(revision(100), 100, "accept", _iso(now))  # this month: rate and pay
    verdict(revision(101), 101, "accept", last_month)  # the rate, not this month's pay
    verdict(revision(102), 102, "reject", _iso(now))  # judged, not accepted
    verdict(revision(103), 103, "accept", _iso(now))
    revision(103, status="conflict")  # a conflict waits: neither in the rate, but the accept was paid
    verdict(revision(104), 104, "accept", _iso(now))
    revision(104)  # edited again after the accept: its current revision waits for a verdict
    seeded.apply_changes(changes, str(7 + len(changes)))
    earned = seeded.earnings(ANNOTATOR.id)
    assert (earned.accepted, earned.judged) == (2, 3)  # 100 and 101 of 100, 101, 102
    assert earned.month_cents == 2 * 12  # 100 and 103, at the order's 12 cents
    assert seeded.accept_rate(annotator_id=ANNOTATOR.id) == (2, 3)
    assert seeded.accept_rate(annotator_id=ANNOTATOR.id + 1) == (0, 0)  # another's work is not theirs
