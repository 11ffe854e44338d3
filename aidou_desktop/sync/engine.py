"""One sync run: push the outbox, then pull the change feed; and batch downloads.

Order matters: our answers are stored before we pull, so the echoes of our
own revisions find them already settled. Every step is stored as it
completes, so an interruption (Offline, a kill) loses nothing: the next run
picks up where this one stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aidou_desktop.store import Store
from aidou_desktop.store.errors import DiskFull, is_disk_full
from aidou_desktop.store.rows import now_iso
from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.errors import AuthError, ServerError
from aidou_desktop.sync.retry import UI_POLICY, Retrier, RetryPolicy
from aidou_desktop.sync.sizing import RequestSizer
from sync_server.protocol import (
    ACCEPTED,
    CONFLICT,
    DUPLICATE,
    MAX_CHANGES_PAGE,
    MAX_PUSH_RECORDS,
    REJECTED,
    AnnotationRecord,
    PushResult,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass
class SyncReport:
    pushed: int = 0  # records sent (re-sends included)
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0  # changes received
    skipped: int = 0  # bad changes logged and skipped
    waiting: int = 0  # still in the outbox after the run
    bytes_sent: int = 0
    bytes_received: int = 0
    last_sync: str | None = None


@dataclass
class DownloadReport:
    fetched: int = 0  # blobs committed
    bytes: int = 0  # bytes received
    failed: list[str] = field(default_factory=list)  # "sha: why"


def client_for(store: Store, timeout: tuple[float, float] = (5, 30)) -> SyncClient:
    """A client for the stored session; AuthError when nobody has logged in online."""
    session = store.session()
    if session is None:
        raise AuthError("not logged in: no token stored")
    url, token, _user = session
    return SyncClient(url, token, timeout=timeout)


def sync_once(store: Store, client: SyncClient, progress: Progress | None = None,
              policy: RetryPolicy = UI_POLICY) -> SyncReport:  # fmt: skip
    """Push everything waiting, then pull until the feed has no more.

    Raises the client's errors (Offline after the retries, AuthError,
    UpdateRequired, ServerError); what was done before that is kept."""
    retrier = Retrier(policy)
    report = SyncReport()
    sent0, recv0 = client.bytes_sent, client.bytes_received
    try:
        _push(store, client, retrier, report, progress, client.sizer(MAX_PUSH_RECORDS, "push"))
        _pull(store, client, retrier, report, progress, client.sizer(MAX_CHANGES_PAGE, "pull"))
        report.last_sync = now_iso()
        store.set_last_sync(report.last_sync)
    finally:
        report.waiting = store.outbox_count()
        report.bytes_sent = client.bytes_sent - sent0
        report.bytes_received = client.bytes_received - recv0
    log.info("sync: %s", report)
    return report


def _push(store: Store, client: SyncClient, retrier: Retrier, report: SyncReport, progress: Progress | None,
          sizer: RequestSizer) -> None:  # fmt: skip
    total = store.outbox_count()
    sent: set[str] = set()
    while True:
        records = store.take_outbox(sizer.size)
        fresh = [r for r in records if r.id not in sent]
        if not fresh:
            # empty, or only rows the server already left unanswered in this run: stop, not spin
            return

        def attempt(fresh: list[AnnotationRecord] = fresh) -> tuple[list[AnnotationRecord], list[PushResult]]:
            # after a failure the sizer is smaller: retry with fewer records; the rest stay
            # ``sending`` in the outbox and go in the next request, with the same content.
            # Only fresh ones: each request moves at least one record on, so the loop ends.
            chunk = fresh[: sizer.size]
            return chunk, sizer.timed(len(chunk), lambda: client.push(chunk))

        chunk, results = retrier.call(attempt, "push")
        sent.update(r.id for r in chunk)
        store.store_push_results(results)
        report.pushed += len(chunk)
        for r in results:
            if r.status == ACCEPTED:
                report.accepted += 1
            elif r.status == DUPLICATE:
                report.duplicates += 1
            elif r.status == CONFLICT:
                report.conflicts += 1
            elif r.status == REJECTED:
                report.rejected += 1
                log.warning("rejected %s: %s", r.id, r.reason)
        if progress:
            progress(min(report.pushed, total), max(total, report.pushed), "push")


def _pull(store: Store, client: SyncClient, retrier: Retrier, report: SyncReport, progress: Progress | None,
          sizer: RequestSizer) -> None:  # fmt: skip
    cursor = store.cursor()
    while True:
        try:
            page = retrier.call(lambda: sizer.timed(sizer.size, lambda: client.changes(cursor, sizer.size)), "pull")
        except ServerError as exc:
            if exc.code != "bad_cursor" or not cursor:
                raise
            # the server does not know our cursor (its database was replaced): read the
            # feed again from the start; applying a change twice is harmless
            log.warning("server refused cursor %r (%s); pulling from the start", cursor, exc)
            cursor = ""
            continue
        report.skipped += store.apply_changes(page.changes, page.cursor)
        report.pulled += len(page.changes)
        if progress:
            progress(report.pulled, report.pulled + (1 if page.has_more else 0), "pull")
        if not page.has_more:
            return
        if page.cursor == cursor and not page.changes:
            raise ServerError("the change feed says has_more but does not advance")
        cursor = page.cursor


def download_batch(store: Store, client: SyncClient, batch_id: int, progress: Progress | None = None,
                   policy: RetryPolicy = UI_POLICY) -> DownloadReport:  # fmt: skip
    """Fetch every missing blob of a batch, resuming partial files.

    A blob whose hash does not match is fetched once more from scratch, then
    reported in ``failed``; a 4xx for one blob is reported and the rest go on.
    Offline propagates (after the retries); partial files stay for the resume."""
    retrier = Retrier(policy)
    report = DownloadReport()
    missing = store.missing_blobs(batch_id)
    total = sum(size for _sha, size in missing) or len(missing)
    base = 0
    for n, (sha, size) in enumerate(missing, 1):
        label = f"{n}/{len(missing)}"

        def on_bytes(done: int, _total: int, _text: str, base: int = base) -> None:
            if progress:
                progress(min(base + done, total), total, label)

        ok = False
        try:
            for _attempt in range(2):  # the second attempt starts clean: commit deleted the bad file
                part = store.partial_blob_path(sha)
                report.bytes += retrier.call(lambda: client.fetch_blob(sha, part, on_bytes), f"blob {sha[:12]}")
                if store.commit_blob(sha):
                    ok = True
                    break
                log.warning("blob %s: hash mismatch, fetching again", sha)
        except ServerError as exc:
            report.failed.append(f"{sha}: {exc}")
            log.warning("blob %s: %s", sha, exc)
        except OSError as exc:
            if is_disk_full(exc) and not isinstance(exc, DiskFull):
                # the partial file keeps what arrived: the download resumes once there is space
                raise DiskFull("download an image") from exc
            raise
        else:
            if ok:
                report.fetched += 1
            else:
                report.failed.append(f"{sha}: hash mismatch twice")
        base += size
        if progress:
            progress(min(base, total), total, label)
    return report
