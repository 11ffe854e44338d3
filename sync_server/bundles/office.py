"""The server's side of USB bundles: import a PC's push bundle, write a user's pull bundle.

A push bundle must be signed with its user's current bundle key (ADR 0007): the
manifest's user is only a claim until the signature proves it. It then goes
through ``apply_push``, the very code an online push runs, in one write
transaction, a page at a time: importing it twice, or importing it and then
syncing online, stores each revision once (the second time answers ``duplicate``).

The answers go back in the reply: ``import_push_bundle`` returns them and
``write_user_bundle`` puts them in the pull bundle it writes for that user,
starting at the cursor the PC recorded in its push bundle (docs/adr/0007).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from sync_server.bundles.container import KIND_PUSH, BundleError, Manifest, VerifiedBundle, key_bytes
from sync_server.bundles.pages import push_pages, write_pull_bundle
from sync_server.db.accounts import bundle_key, user_id_by_name, user_info
from sync_server.db.blobs import BlobStore, display_blob_visible
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.feed import BadCursor, changes_since
from sync_server.db.push import apply_push
from sync_server.protocol import (
    CHANGE_BATCH,
    CHANGE_ITEM,
    MAX_CHANGES_PAGE,
    MAX_PUSH_RECORDS,
    ChangesResponse,
    PushResult,
    UserInfo,
)

MADE_BY = "aidou-server"


@dataclass
class PushImport:
    manifest: Manifest  # the PC's: its cursor and missing images shape the reply
    user: UserInfo
    results: list[PushResult]

    def counts(self) -> Counter:
        return Counter(r.status for r in self.results)


@dataclass
class PullExport:
    user: UserInfo
    since: str
    cursor: str
    changes: int
    results: int
    blobs: int
    skipped_blobs: list[str] = field(default_factory=list)  # "sha: why"


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
    return PushImport(manifest, user, results)


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


def write_user_bundle(
    engine: Engine,
    blob_store: BlobStore,
    user: UserInfo,
    out: Path,
    since: str = "",
    results: list[PushResult] | None = None,
    wanted_blobs: list[str] | None = None,
    blobs: bool = True,
) -> PullExport:
    """Write ``user``'s change feed after ``since`` (all of it when empty), the answers
    in ``results``, and the display copies their batches need, to ``out``.

    The feed is read in one transaction, so the pages and their final cursor are one
    consistent snapshot, exactly what successive online pulls would have brought."""
    with read_connection(engine) as conn:
        pages = _feed(conn, user, since)
        shas = _needed_blobs(conn, user, pages, wanted_blobs or []) if blobs else []
    cursor = pages[-1].cursor
    report = PullExport(user, since, cursor, sum(len(p.changes) for p in pages), len(results or []), 0)

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
        write_pull_bundle(out, manifest, pages, results or [], key, shas, read_blob)
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
