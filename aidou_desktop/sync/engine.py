"""One sync run: push the outbox, then pull the change feed; and batch downloads.

Order matters: our answers are stored before we pull, so the echoes of our
own revisions find them already settled. Every step is stored as it
completes, so an interruption (Offline, a kill) loses nothing: the next run
picks up where this one stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from aidou_desktop.store import Store
from aidou_desktop.store.errors import DiskFull, is_disk_full
from aidou_desktop.store.rows import now_iso
from aidou_desktop.sync.client import SyncClient, office_ca
from aidou_desktop.sync.errors import AuthError, ServerError
from aidou_desktop.sync.retry import UI_POLICY, Retrier, RetryPolicy
from aidou_desktop.sync.sizing import RequestSizer
from sync_server.protocol import (
    ACCEPTED,
    CONFLICT,
    DUPLICATE,
    MAX_CHANGES_PAGE,
    MAX_MISSING_IDS,
    MAX_PUSH_RECORDS,
    REJECTED,
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
    resent: int = 0  # revisions the server had lost (a restore, a reinstall), sent again
    restarted_feed: bool = False  # the server was another database than our cursor's
    waiting: int = 0  # still in the outbox after the run (this user's)
    bytes_sent: int = 0
    bytes_received: int = 0
    last_sync: str | None = None


@dataclass
class DownloadReport:
    fetched: int = 0  # blobs committed
    bytes: int = 0  # bytes received
    failed: list[str] = field(default_factory=list)  # "sha: why"


def client_for(store: Store, timeout: tuple[float, float] = (5, 30), user_id: int | None = None) -> SyncClient:
    """A client with the user's own token (default: the current user's); AuthError when
    that user holds none (never logged in online here, or logged out)."""
    session = store.session(user_id)
    if session is None:
        raise AuthError("not logged in: no token stored")
    url, token, user = session
    client = SyncClient(url, token, timeout=timeout, ca_file=office_ca(store.data_dir))
    client.user_id = user.id
    return client


def sync_once(store: Store, client: SyncClient, progress: Progress | None = None,
              policy: RetryPolicy = UI_POLICY, user_id: int | None = None) -> SyncReport:  # fmt: skip
    """Push the user's waiting work, pull their feed until it has no more, then make sure
    the server holds every revision of theirs it answered (re-sending what it lost).

    ``user_id``: whose token ``client`` carries (default: ``client.user_id``, else the
    current user). Raises the client's errors (Offline after the retries, AuthError,
    UpdateRequired, ServerError); what was done before that is kept."""
    user_id = user_id or getattr(client, "user_id", None) or _current_user_id(store)
    retrier = Retrier(policy)
    report = SyncReport()
    sent0, recv0 = client.bytes_sent, client.bytes_received
    push_sizer, pull_sizer = client.sizer(MAX_PUSH_RECORDS, "push"), client.sizer(MAX_CHANGES_PAGE, "pull")
    try:
        _push(store, client, retrier, report, progress, push_sizer, user_id)
        _pull(store, client, retrier, report, progress, pull_sizer, user_id)
        if _reconcile(store, client, retrier, report, user_id):
            # what the server lacked goes again, and its echo confirms it arrived
            _push(store, client, retrier, report, progress, push_sizer, user_id)
            _pull(store, client, retrier, report, progress, pull_sizer, user_id)
            _reconcile(store, client, retrier, report, user_id)
        _refresh_people(store, client, user_id)
        report.last_sync = now_iso()
        store.set_last_sync(report.last_sync, user_id)
    finally:
        report.waiting = store.outbox_count(user_id)
        report.bytes_sent = client.bytes_sent - sent0
        report.bytes_received = client.bytes_received - recv0
    log.info("sync: %s", report)
    return report


def push_outbox(store: Store, client: SyncClient, progress: Progress | None = None, policy: RetryPolicy = UI_POLICY,
                user_id: int | None = None) -> SyncReport:  # fmt: skip
    """Only the push of ``sync_once``: the user's waiting work to the server, each answer
    stored. For a caller that pulls on its own (or not at all): a bench, a tool."""
    user_id = user_id or getattr(client, "user_id", None) or _current_user_id(store)
    report = SyncReport()
    _push(store, client, Retrier(policy), report, progress, client.sizer(MAX_PUSH_RECORDS, "push"), user_id)
    report.waiting = store.outbox_count(user_id)
    return report


def _refresh_people(store: Store, client: SyncClient, user_id: int | None) -> None:
    """A lead's or admin's PC keeps the office's names: the feed names people only by id."""
    session = store.session(user_id)
    if session is None or session[2].role not in ("lead", "admin"):
        return
    try:
        found = client.request_json("GET", "/people")["people"]
        store.set_people({int(p["id"]): str(p["display_name"] or p["username"]) for p in found})
    except (ServerError, KeyError, TypeError, ValueError) as exc:  # an older server: ids it is
        log.warning("could not fetch the office's names: %s", exc)


def _current_user_id(store: Store) -> int | None:
    user = store.current_user()
    return user.id if user else None


def _reconcile(store: Store, client: SyncClient, retrier: Retrier, report: SyncReport, user_id: int | None) -> int:
    """Ask the server about the user's revisions it answered but whose echo the feed never
    brought (after a complete pull it always does): the ones it lacks go back in the outbox
    unchanged (ADR 0013). Returns how many were queued again."""
    queued = 0
    checked: set[str] = set()
    while True:
        ids = [i for i in store.unconfirmed(MAX_MISSING_IDS + len(checked), user_id) if i not in checked]
        if not ids:
            report.resent += queued
            return queued
        ids = ids[:MAX_MISSING_IDS]
        checked.update(ids)
        missing = set(retrier.call(lambda ids=ids: client.missing(ids), "reconcile"))
        store.confirm([i for i in ids if i not in missing])
        if missing:
            log.warning("the server lacks %d revision(s) it had answered (restored or replaced?): sending again",
                        len(missing))  # fmt: skip
            queued += store.send_again(sorted(missing))


def _push(store: Store, client: SyncClient, retrier: Retrier, report: SyncReport, progress: Progress | None,
          sizer: RequestSizer, user_id: int | None) -> None:  # fmt: skip
    """The user's revisions, then their verdicts. While one request of revisions is with the
    server, this thread takes the next rows from the outbox; once its answer is back the
    next request leaves at once, and this thread stores the answer meanwhile. Each side's
    work hides behind the other's: one after the other they made a push about twice as
    long as the server's share of it. Requests still leave one at a time, in outbox order."""
    total = store.outbox_count(user_id)
    sent: set[str] = set()  # answered in this run: never taken again in it

    def request(fresh: list, reviews: bool = False) -> tuple[list, list[PushResult]]:
        # after a failure the sizer is smaller: retry with fewer records; the rest stay
        # ``sending`` in the outbox and go in the next request, with the same content.
        # Only fresh ones: each request moves at least one record on, so the loop ends.
        def attempt() -> tuple[list, list[PushResult]]:
            chunk = fresh[: sizer.size]
            if reviews:
                return chunk, sizer.timed(len(chunk), lambda: client.push([], reviews=chunk))
            return chunk, sizer.timed(len(chunk), lambda: client.push(chunk))

        return retrier.call(attempt, "push")

    def settle(chunk: list, results: list[PushResult]) -> None:
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

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aidou-push") as sender:
        flight: tuple[Future, list] | None = None  # the request with the server, and the rows it took
        while True:
            flying = [r.id for r in flight[1]] if flight else []
            records = [r for r in store.take_outbox(sizer.size, user_id, flying) if r.id not in sent]
            if flight is None:
                if not records:
                    break  # empty, or only rows the server already left unanswered in this run
                flight = (sender.submit(request, records), records)
                continue
            future, fresh = flight
            chunk, results = future.result()  # its error, if it failed for good, ends the push here
            flight = None
            if len(chunk) < len(fresh):
                # a failure made it smaller: the rest of its rows go first, taken again in order
                records = []
            if records:
                flight = (sender.submit(request, records), records)
            settle(chunk, results)
    # a verdict leaves only after the revision it judges, one request at a time (a lead's few)
    while verdicts := [v for v in store.take_review_outbox(sizer.size, user_id) if v.id not in sent]:
        settle(*request(verdicts, reviews=True))


def _pull(store: Store, client: SyncClient, retrier: Retrier, report: SyncReport, progress: Progress | None,
          sizer: RequestSizer, user_id: int | None) -> None:  # fmt: skip
    cursor = store.cursor(user_id)
    known_server = store.server_id(user_id)
    compact = _start_read(store, user_id)
    while True:
        try:
            page = retrier.call(
                lambda: sizer.timed(sizer.size, lambda: client.changes(cursor, sizer.size, compact)), "pull"
            )
        except ServerError as exc:
            if exc.code != "bad_cursor" or not cursor:
                raise
            # the server cannot honour our cursor (restored from a backup, replaced): read
            # the feed again from the start (applying a change twice is harmless) and check
            # afterwards that it holds everything we sent
            log.warning("server refused cursor %r (%s); pulling from the start", cursor, exc)
            store.start_feed_again(None, user_id)
            report.restarted_feed = True
            cursor, known_server = "", None
            compact = _start_read(store, user_id)
            continue
        if page.server_id and page.server_id != known_server:
            if known_server is not None or cursor:
                # another database answers at this address: our positions mean nothing there
                log.warning("the server is another database (%s, was %s): pulling from the start",
                            page.server_id, known_server)  # fmt: skip
                store.start_feed_again(page.server_id, user_id)
                report.restarted_feed = True
                cursor, known_server = "", page.server_id
                compact = _start_read(store, user_id)
                continue
            store.set_server_id(page.server_id, user_id)
            known_server = page.server_id
        report.skipped += store.apply_changes(page.changes, page.cursor, user_id)
        report.pulled += len(page.changes)
        if progress:
            progress(report.pulled, report.pulled + (1 if page.has_more else 0), "pull")
        if not page.has_more:
            if compact:
                store.set_compact_read(False, user_id)
            return
        if page.cursor == cursor and not page.changes:
            raise ServerError("the change feed says has_more but does not advance")
        cursor = page.cursor


def _start_read(store: Store, user_id: int | None) -> bool:
    """Whether this read of the feed asks for a compact one: the office's current state
    instead of its whole history (ADR 0021; ``Store.compact_read`` says when). Noted as
    under way, so a read a dropped link cuts short carries on compact next time."""
    compact = store.compact_read(user_id)
    if compact and not store.cursor(user_id):
        store.set_compact_read(True, user_id)
    return compact


def download_batch(store: Store, client: SyncClient, batch_id: int, progress: Progress | None = None,
                   policy: RetryPolicy = UI_POLICY, on_ready: Callable[[str], None] | None = None) -> DownloadReport:  # fmt: skip
    """Fetch every missing image of a batch (see ``download_blobs``) in the order the annotator
    will open its items: where the batch resumes first (``Store.missing_blobs``), so the page
    can show it after one image, while the rest come behind it."""
    missing = store.missing_blobs(batch_id, getattr(client, "user_id", None))
    return download_blobs(store, client, missing, progress, policy, on_ready)


def download_for_review(store: Store, client: SyncClient, progress: Progress | None = None,
                        policy: RetryPolicy = UI_POLICY) -> DownloadReport:  # fmt: skip
    """A lead's PC: fetch the images of every item with work on it (what the review queue shows)."""
    return download_blobs(store, client, store.missing_review_blobs(), progress, policy)


def download_blobs(store: Store, client: SyncClient, missing: list[tuple[str, int]], progress: Progress | None = None,
                   policy: RetryPolicy = UI_POLICY, on_ready: Callable[[str], None] | None = None) -> DownloadReport:  # fmt: skip
    """Fetch these blobs ((sha, size), in order), resuming partial files; ``on_ready(sha)``
    hears of each as soon as it is stored (its items are ready to open).

    A blob whose hash does not match is fetched once more from scratch, then
    reported in ``failed``; a 4xx for one blob is reported and the rest go on.
    Offline propagates (after the retries); partial files stay for the resume."""
    retrier = Retrier(policy)
    report = DownloadReport()
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
                if on_ready:
                    on_ready(sha)
            else:
                report.failed.append(f"{sha}: hash mismatch twice")
        base += size
        if progress:
            progress(min(base, total), total, label)
    return report
