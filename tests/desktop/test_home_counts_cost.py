"""The home page's counts cost what they count, not everything the PC has kept.

The home page counts the work waiting to upload and the items done today and this week
after every sync and every change of the link, on the GUI thread. On a PC with 100,000
revisions the waiting counts read every revision and review the PC held (60 ms each) to
find the few in the outbox, and the week's count grouped every revision by item (180 ms).
Counted here in SQLite's own steps (a progress handler), not in milliseconds: the
machine's speed does not enter.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aidou_desktop.store import Store
from bench.fixtures import USER, fill_store
from sync_server.protocol import CHANGE_REVIEW, Change, ReviewRecord, to_wire

HISTORY = 3_000  # revisions uploaded long ago
WAITING = 5  # saved since, not uploaded yet


def _vm_steps(store: Store, count) -> int:
    """SQLite virtual machine steps (to the hundred) that ``count()`` runs on the store's connection."""
    steps = [0]

    def tick() -> int:
        steps[0] += 100
        return 0  # go on

    store.db.conn.set_progress_handler(tick, 100)
    try:
        count()
    finally:
        store.db.conn.set_progress_handler(None, 100)
    return steps[0]


@pytest.fixture(scope="module")
def busy_pc(tmp_path_factory) -> Store:
    store = fill_store(Path(tmp_path_factory.mktemp("busy-pc")), 10, files=1, labelled=WAITING, history=HISTORY)
    # the lead's verdicts on that history, read from the feed: reviews this PC holds, none waiting
    reviews = [
        Change(100_000 + n, CHANGE_REVIEW, to_wire(ReviewRecord(str(uuid.uuid4()), str(uuid.uuid4()), 11 + n, "accept",
                                                                reviewer_id=99, received_at="2026-12-01T08:00:00Z")))
        for n in range(HISTORY)
    ]  # fmt: skip
    store.apply_changes(reviews, "feed-after-reviews")
    yield store
    store.close()


def test_counting_the_waiting_revisions_reads_the_outbox_not_the_history(busy_pc):
    assert busy_pc.outbox_count(USER.id) == WAITING
    assert [(uid, n) for uid, _name, n, _token in busy_pc.waiting_by_user()] == [(USER.id, WAITING)]
    # a handful of steps per waiting row; reading the history took several per revision kept
    assert _vm_steps(busy_pc, lambda: busy_pc.outbox_count(USER.id)) < HISTORY
    assert _vm_steps(busy_pc, busy_pc.waiting_by_user) < HISTORY


def test_counting_a_leads_waiting_verdicts_reads_the_outbox_not_every_review(busy_pc):
    assert busy_pc.outbox_count(99) == 0
    assert _vm_steps(busy_pc, lambda: busy_pc.outbox_count(99)) < HISTORY


def test_counting_the_weeks_items_reads_the_weeks_saves_not_the_history(tmp_path):
    store = fill_store(tmp_path, 10, files=1, labelled=WAITING, history=HISTORY)  # history saved on earlier days
    try:
        now = datetime.now(timezone.utc)
        today = store.earnings(USER.id, now=now)
        assert today.done_today == WAITING  # the history is from yesterday and before
        next_month = store.earnings(USER.id, now=now + timedelta(days=31))
        assert (next_month.done_today, next_month.done_week) == (0, 0)
        # nothing saved in that week: a few steps, where grouping the history took several per revision
        assert _vm_steps(store, lambda: store.earnings(USER.id, now=now + timedelta(days=31))) < HISTORY
    finally:
        store.close()
