"""The server's side of USB bundles: import a PC's push bundle, write a user's pull bundle.

A push bundle must be signed with its user's current bundle key (ADR 0007): the
manifest's user is only a claim until the signature proves it. It then goes
through ``apply_push``, the very code an online push runs, in one write
transaction, a page at a time: importing it twice, or importing it and then
syncing online, stores each revision once (the second time answers ``duplicate``).

Training attempts in the bundle go through ``record_attempts``, the code of
``POST /training/attempts``, in the same transaction: stored once, scored here, the
first pass certifies (ADR 0027).

The answers go back in the reply: ``import_push_bundle`` returns them and
``write_reply`` puts them in the pull bundle it writes for that user, starting at
the cursor the PC recorded in its push bundle (docs/adr/0007), with the office's
courses, the user's certificates and the lesson images the PC lacks, when the PC
reads them (its manifest's ``reads_format``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from sync_server.bundles.container import (
    FORMAT_TRAINING,
    KIND_PUSH,
    BundleError,
    Manifest,
    VerifiedBundle,
    key_bytes,
)
from sync_server.bundles.pages import attempt_pages, push_pages, write_pull_bundle
from sync_server.db.accounts import bundle_key, user_id_by_name, user_info
from sync_server.db.blobs import BlobStore, display_blob_visible
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.feed import BadCursor, changes_since
from sync_server.db.push import apply_push
from sync_server.db.training import certificates_of, office_courses, record_attempts
from sync_server.protocol import (
    CHANGE_BATCH,
    CHANGE_ITEM,
    MAX_CHANGES_PAGE,
    AttemptResult,
    ChangesResponse,
    CoursesResponse,
    PushResult,
    UserInfo,
)

MADE_BY = "aidou-server"


@dataclass
class PushImport:
    manifest: Manifest  # the PC's: its cursor and missing images shape the reply
    user: UserInfo
    results: list[PushResult]
    attempt_results: list[AttemptResult] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(r.status for r in self.results)

    def attempt_counts(self) -> Counter:
        return Counter(r.status for r in self.attempt_results)


@dataclass
class PullExport:
    user: UserInfo
    since: str
    cursor: str
    changes: int
    results: int
    blobs: int
    skipped_blobs: list[str] = field(default_factory=list)  # "sha: why"
    attempt_results: int = 0
    courses: int | None = None  # None: no training in the bundle (a reply to an older PC)
    certificates: int = 0


def import_push_bundle(engine: Engine, path: Path) -> PushImport:
    """Verify the whole file and its signature first, then apply every record in one
    transaction. BundleError (nothing applied) for a damaged or forged file, or a user
    who is not this server's."""
    with VerifiedBundle(path, KIND_PUSH, lambda manifest: _signing_key(engine, manifest)) as bundle:
        manifest = bundle.manifest
        with write_transaction(engine) as conn:
            user = _bundle_user(conn, manifest.user)
            results: list[PushResult] = []
            for records in push_pages(bundle):  # a page is at most a request's worth
                results.extend(apply_push(conn, user, records))
            attempts: list[AttemptResult] = []
            for page in attempt_pages(bundle):
                attempts.extend(record_attempts(conn, user, page))
    return PushImport(manifest, user, results, attempts)


def _signing_key(engine: Engine, manifest: Manifest) -> bytes:
    """The bundle key of the manifest's user, who must be this server's (same id and office)."""
    with read_connection(engine) as conn:
        user = _bundle_user(conn, manifest.user)
        key = bundle_key(conn, user.id, create=False)
    if key is None:
        raise BundleError(
            f"{user.username} has no bundle key on this server (disabled, signed out everywhere, or not logged "
            "in since): their bundles are refused until they log in online once and export again"
        )
    return key_bytes(key)


def _bundle_user(conn: Connection, claimed: UserInfo) -> UserInfo:
    """The manifest's user as this server knows them; the same name, id and office, or refused."""
    user_id = user_id_by_name(conn, claimed.username)
    user = user_info(conn, user_id) if user_id is not None else None
    if user is None:
        raise BundleError(f"the bundle was made by {claimed.username!r}, who has no account on this server")
    if (user.id, user.office_id, user.office_name) != (claimed.id, claimed.office_id, claimed.office_name):
        raise BundleError(
            f"the bundle was made by {claimed.username!r} (user {claimed.id}) of office "
            f"{claimed.office_name!r}; this server's {user.username!r} is user {user.id} of office "
            f"{user.office_name!r}: it belongs to another server"
        )
    return user


def find_user(engine: Engine, username: str) -> UserInfo:
    with read_connection(engine) as conn:
        user_id = user_id_by_name(conn, username)
        user = user_info(conn, user_id) if user_id is not None else None
    if user is None:
        raise BundleError(f"no user {username!r} on this server")
    return user


def write_reply(engine: Engine, blob_store: BlobStore, done: PushImport, out: Path) -> PullExport:
    """The answer to an imported push bundle: its answers, the changes since the PC's
    cursor, the images it lacks, and training when the PC reads it."""
    manifest = done.manifest
    return write_user_bundle(engine, blob_store, done.user, out, manifest.cursor, done.results, manifest.missing_blobs,
                             attempt_results=done.attempt_results, training=manifest.reads_format >= FORMAT_TRAINING,
                             known_courses=manifest.known_courses)  # fmt: skip


def write_user_bundle(
    engine: Engine,
    blob_store: BlobStore,
    user: UserInfo,
    out: Path,
    since: str = "",
    results: list[PushResult] | None = None,
    wanted_blobs: list[str] | None = None,
    blobs: bool = True,
    *,
    attempt_results: list[AttemptResult] | None = None,
    training: bool = True,
    known_courses: list[int] | None = None,
) -> PullExport:
    """Write ``user``'s change feed after ``since`` (all of it when empty), the answers
    in ``results`` and ``attempt_results``, and the display copies their batches need,
    to ``out``. With ``training`` (a PC that reads bundle format 2): the office's courses,
    the user's certificates and the lesson images of every course not in
    ``known_courses`` (None: the PC's are unknown, so all of them).

    The feed is read in one transaction, so the pages and their final cursor are one
    consistent snapshot, exactly what successive online pulls would have brought."""
    course_feed = None
    with read_connection(engine) as conn:
        pages = _feed(conn, user, since)
        shas = _needed_blobs(conn, user, pages, wanted_blobs or []) if blobs else []
        if training:
            course_feed = CoursesResponse(office_courses(conn, user.office_id), certificates_of(conn, user))
            if blobs:
                shas += _lesson_blobs(course_feed, known_courses, set(shas))
    cursor = pages[-1].cursor
    report = PullExport(user, since, cursor, sum(len(p.changes) for p in pages), len(results or []), 0,
                        attempt_results=len(attempt_results or []))  # fmt: skip
    if course_feed is not None:
        report.courses, report.certificates = len(course_feed.courses), len(course_feed.certificates)

    def read_blob(sha: str) -> bytes | None:
        path = blob_store.path(sha)
        if not path.is_file():
            report.skipped_blobs.append(f"{sha}: not on this server's disk")
            return None
        report.blobs += 1
        return path.read_bytes()

    manifest = Manifest("pull", user, MADE_BY, to_iso(utc_now()), cursor=cursor, since=since)
    key = _user_key(engine, user)
    try:
        write_pull_bundle(out, manifest, pages, results or [], key, shas, read_blob,
                          attempt_results=attempt_results or [], training=course_feed)  # fmt: skip
    except BundleError as exc:  # a blob on our disk that no longer matches its hash
        raise BundleError(f"could not write {out}: {exc}") from None
    return report


def _user_key(engine: Engine, user: UserInfo) -> bytes:
    """The key the user's PC checks our pull bundle with: the one their last login gave
    it. Made now when they have none; their PC then needs an online login to read it."""
    with write_transaction(engine) as conn:
        key = bundle_key(conn, user.id)
    if key is None:
        raise BundleError(f"{user.username}'s account is disabled: no bundle is made for it")
    return key_bytes(key)


def _feed(conn: Connection, user: UserInfo, since: str) -> list[ChangesResponse]:
    pages: list[ChangesResponse] = []
    cursor = since
    while True:
        try:
            page = changes_since(conn, user, cursor, MAX_CHANGES_PAGE)
        except BadCursor as exc:
            raise BundleError(str(exc)) from None
        pages.append(page)
        if not page.has_more:
            return pages
        cursor = page.cursor


def _lesson_blobs(found: CoursesResponse, known: list[int] | None, have: set[str]) -> list[str]:
    """The lesson images of the courses the PC does not hold yet (all when ``known`` is None);
    those of the courses it holds come when it lists them as missing."""
    shas: dict[str, None] = {}
    for course in found.courses:
        if known is not None and course.id in known:
            continue
        for lesson in course.items:
            if lesson.item.blob and lesson.item.blob not in have:
                shas[lesson.item.blob] = None
    return list(shas)


def _needed_blobs(conn: Connection, user: UserInfo, pages: list[ChangesResponse], wanted: list[str]) -> list[str]:
    """The display copies of the items in these pages whose batch the user holds now
    (leads and admins: every item), plus those the PC said it still lacks."""
    holder: dict[int, int | None] = {}
    items: list[tuple[int | None, str]] = []
    for page in pages:
        for change in page.changes:
            if change.kind == CHANGE_BATCH:
                holder[change.data["id"]] = change.data.get("annotator_id")
            elif change.kind == CHANGE_ITEM and change.data.get("blob"):
                items.append((change.data.get("batch_id"), change.data["blob"]))
    shas: dict[str, None] = {}  # ordered, once each
    for batch_id, sha in items:
        # a batch not in these pages was leased to the user before `since`: theirs
        if user.role != "annotator" or holder.get(batch_id, user.id) == user.id:
            shas[sha] = None
    for sha in wanted:
        if sha not in shas and display_blob_visible(conn, user, sha):  # never someone else's images
            shas[sha] = None
    return list(shas)
