"""The review loop's part of ``Store``: the annotator's flags for the lead, verdicts, their
outbox and the lead's queue."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from aidou_desktop.model import Annotation
from aidou_desktop.model.review import (
    ACCEPTED,
    CONFLICT,
    FLAGGED,
    Candidate,
    REJECTED,
    SUBMITTED,
    Earnings,
    QueueEntry,
    Review,
    review_problem,
)
from aidou_desktop.store import annotations, copies, reviews
from aidou_desktop.store.copies import CopyAnswer, GroupAgreement
from aidou_desktop.store.rows import annotation_from_row, shapes_from_json
from sync_server.protocol import ReviewRecord


def _review(row) -> Review:
    return Review(row["id"], row["annotation_id"], row["item_id"], row["verdict"], row["comment"],
                  row["reviewer_id"], row["state"], row["reason"])  # fmt: skip


def _entry(row) -> QueueEntry:
    verdict, _, comment = (row["verdict"] or "").partition(":")
    if row["conflicted"]:
        status = CONFLICT
    else:
        status = {"accept": ACCEPTED, "reject": REJECTED}.get(verdict, SUBMITTED)
    return QueueEntry(row["item_id"], row["item_name"], row["batch_id"], row["order_id"], row["annotation_id"],
                      row["annotator_id"], status, comment or None, row["flag"])  # fmt: skip


def in_sample(item_id: int, percent: int, seed: str) -> bool:
    """A stable random share of items: the same items stay in a lead's sample all day."""
    digest = hashlib.sha256(f"{seed}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


class ReviewMethods:
    """Mixed into ``Store`` (uses its ``_w`` writer, ``current_user`` and ``device_id``)."""

    def flag_item(self, item_id: int, note: str | None) -> Annotation:
        """Flag the item for the lead with ``note`` ("not sure", …), or clear the flag (None):
        its current shapes (or none) saved with it like any edit — in place while queued,
        else as a new revision. ValueError for a note over ``MAX_FLAG_LENGTH`` characters."""
        user = self.current_user()
        device = self.device_id()
        row = self._w.write(
            lambda c: annotations.flag_item(c, item_id, note, user and user.id, device), "save the flag"
        )
        return annotation_from_row(row)

    def save_review(self, annotation_id: str, verdict: str, comment: str | None = None) -> Review:
        """A verdict on a revision, saved durably and queued to upload; ValueError for a verdict
        that cannot be saved (a rejection without a comment), KeyError for an unknown revision."""
        comment = comment.strip() if comment else None
        problem = review_problem(verdict, comment)
        if problem:
            raise ValueError(problem)
        user = self.current_user()
        device = self.device_id()
        row = self._w.write(
            lambda c: reviews.save(c, annotation_id, verdict, comment, user and user.id, device), "save the review"
        )
        return _review(row)

    def take_review_outbox(self, limit: int, user_id: int | None = None) -> list[ReviewRecord]:
        """The reviewer's waiting reviews whose revision the server already has, marked ``sending``."""
        uid = self._user_id(user_id)
        return self._w.write(lambda c: reviews.take_outbox(c, limit, uid))

    def latest_review(self, annotation_id: str) -> Review | None:
        """The newest verdict on a revision, or None."""
        row = self._w.read(lambda c: reviews.latest_for_revision(c, annotation_id))
        return _review(row) if row else None

    def review_queue(self, status: str | None = None, order_id: int | None = None, annotator_id: int | None = None,
                     sample_percent: int | None = None, seed: str = "") -> list[QueueEntry]:  # fmt: skip
        """Items with work, oldest first: their current revision and where review stands
        (``aidou_desktop.model.review``: submitted / accepted / rejected / conflict).
        ``status=FLAGGED``: the items whose current revision the annotator flagged, any status,
        all of them (a flag asks the lead to look: no sample hides it).
        ``sample_percent``: a stable random share of the items (per ``seed``)."""
        found = [_entry(r) for r in self._w.read(lambda c: reviews.queue_rows(c, order_id, annotator_id))]
        if status == FLAGGED:
            return [e for e in found if e.flag]
        if sample_percent is not None and sample_percent < 100:
            found = [e for e in found if in_sample(e.item_id, sample_percent, seed)]
        return [e for e in found if status is None or e.status == status]

    def conflict_candidates(self, item_id: int) -> list[Candidate]:
        """The item's current revision and the revisions in open conflict with it, to show
        side by side; the lead picks one (``aidou-server conflicts resolve`` or the API)."""
        found = self._w.read(lambda c: reviews.candidates(c, item_id))
        return [Candidate(r["id"], r["annotator_id"], r["device_id"], shapes_from_json(r["shapes"]), bool(r["is_head"]))
                for r in found]  # fmt: skip

    def copy_agreements(self, item_ids: Iterable[int]) -> dict[int, GroupAgreement]:
        """{item id: how far its group's answers agree} for every copy of every overlap group
        (ADR 0026) one of ``item_ids`` belongs to, when two copies or more are on this PC;
        items without copies are left out. Worked out here, offline, with the server's measures."""
        ids = list(item_ids)
        return copies.agreements(self._w.read(lambda c: copies.group_copies(c, ids)))

    def other_copies(self, item_id: int) -> list[CopyAnswer]:
        """The other copies of the item's overlap group with their current answers, by id;
        empty for an item without copies."""
        found = self._w.read(lambda c: copies.group_copies(c, [item_id]))
        return [answer for answer in copies.copy_answers(found) if answer.item_id != item_id]

    def accept_rate(self, annotator_id: int | None = None, order_id: int | None = None) -> tuple[int, int]:
        """(accepted, judged) over the items whose current revision has a verdict."""
        return self._w.read(lambda c: reviews.verdict_counts(c, order_id, annotator_id))

    def earnings(self, annotator_id: int, now: datetime | None = None) -> Earnings:
        """The annotator's day, week and month on this PC's data (local time for "today")."""
        now = (now or datetime.now(timezone.utc)).astimezone()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        week_start = midnight - timedelta(days=midnight.weekday())  # Monday
        month_start = midnight.replace(day=1)

        def iso(moment: datetime) -> str:  # stored times are UTC ISO 8601 text: compare as text
            return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")

        # counted by SQLite: a PC holding 100,000 revisions took seconds in Python per home refresh
        today, week = self._w.read(lambda c: reviews.items_first_saved(c, annotator_id, iso(midnight), iso(week_start)))
        accepted, judged, cents = self._w.read(lambda c: reviews.rate_and_pay(c, annotator_id, iso(month_start)))
        return Earnings(done_today=today, done_week=week, accepted=accepted, judged=judged, month_cents=cents)
