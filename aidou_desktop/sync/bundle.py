"""USB bundles on the PC: a push written to a file, a pull read from one (design.md, contract 6).

``export_push_bundle`` takes the outbox exactly as a push does (rows marked
``sending`` first, so a later edit makes a new revision and a re-export sends
the same content under the same id) and signs it with the user's bundle key.
``import_pull_bundle`` checks the server's signature with the same key, then
does what a sync does after its push: stores the answers, then applies the
changes and the cursor in one transaction; the images go through ``commit_blob``
(hash-checked), before the changes, so an item is ready the moment it appears.
Nothing is written before the whole file, its signature and its fit with this
PC are checked (docs/adr/0007-usb-bundles.md).

Training travels too (ADR 0027): the export carries the user's finished attempts that
the server has not answered yet (they stay waiting until a reply settles them, so a
second export sends them again under the same ids), and the import stores the answers
to them, then the office's courses and the user's certificates when the bundle has them.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aidou_desktop.store import Store
from aidou_desktop.store.rows import now_iso
from aidou_desktop.sync.errors import AuthError
from aidou_desktop.sync.exit_codes import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK
from sync_server.bundles import (
    KIND_PULL,
    KIND_PUSH,
    BundleError,
    Manifest,
    VerifiedBundle,
    key_bytes,
    read_pull_bundle,
    write_push_bundle,
)
from sync_server.protocol import CONFLICT, REJECTED

log = logging.getLogger(__name__)

MADE_BY = "aidou-sync"
# the server-clock time of the newest pull bundle applied here: an older one is refused
LAST_BUNDLE = "last_pull_bundle_created_at"


@dataclass
class BundleExport:
    records: int
    cursor: str
    missing_blobs: int
    attempts: int = 0  # training attempts waiting for the server's answer


@dataclass
class BundleImport:
    pulled: int  # changes in the bundle
    skipped: int  # bad changes logged and skipped (as a pull does)
    answered: int  # outbox rows settled by the bundle's answers
    answers: Counter  # status -> count, over all answers in the bundle
    blobs: int  # images committed (already present ones not counted)
    attempts: Counter = field(default_factory=Counter)  # status -> count, over the training answers
    courses: int | None = None  # training courses now on the PC; None: the bundle had none to give


def export_push_bundle(store: Store, path: Path) -> BundleExport:
    """Write every waiting revision of the current user to ``path``."""
    user = store.current_user()
    if user is None:
        raise AuthError("nobody has logged in on this PC yet: log in once, then export")
    key = _key(store, user.id, user.username)
    # all of this user's rows; take_outbox marks them `sending` before we write, as a push does
    records = store.take_outbox(max(1, store.outbox_count(user.id)), user.id)
    missing = {sha for b in store.batch_summaries(user.id) for sha, _size in store.missing_blobs(b.id)}
    missing |= {sha for sha, _size in store.missing_lesson_blobs()}
    attempts = store.waiting_attempts(user.id)  # this user's only: on a shared PC each signs their own
    manifest = Manifest(
        KIND_PUSH,
        user,
        MADE_BY,
        now_iso(),
        cursor=store.cursor(),
        server_url=store.get_setting("server_url"),
        missing_blobs=sorted(missing),
        known_courses=[course.id for course in store.courses()],
    )
    write_push_bundle(path, manifest, records, key, attempts)
    log.info("bundle export %s: %d record(s), %d attempt(s), cursor %r", path, len(records), len(attempts),
             manifest.cursor)  # fmt: skip
    return BundleExport(len(records), manifest.cursor, len(missing), len(attempts))


def import_pull_bundle(store: Store, path: Path) -> BundleImport:
    """Apply a server's pull bundle, or raise BundleError having applied nothing."""
    # every entry and the signature are checked here, before anything is written
    with VerifiedBundle(path, KIND_PULL, lambda manifest: _check_user(store, manifest)) as bundle:
        content = read_pull_bundle(bundle)
        _check_fits(store, content.manifest)
        blobs = 0
        for sha in content.blobs:
            if store.blob_path(sha) is not None:
                continue
            store.partial_blob_path(sha).write_bytes(bundle.blob_bytes(sha))
            if not store.commit_blob(sha):  # verified a moment ago: the stick changed under us
                raise BundleError(f"entry blobs/{sha} changed while it was read; nothing more applied")
            blobs += 1
        # the answers first, as a sync stores its push answers before it pulls; each step is its
        # own transaction and idempotent, so a kill between them is healed by importing again.
        # The changes are read page by page from the open file inside that one transaction.
        answered = store.store_push_results(content.results)
        skipped = store.apply_changes(content.changes, content.cursor)
        # training after the feed, as an online sync does it; both steps are idempotent too
        user_id = content.manifest.user.id
        if content.attempt_results:
            store.settle_attempts(user_id, content.attempt_results)
        if content.training is not None:
            store.save_courses(content.training.courses, content.training.certificates, user_id)
    store.set_setting(LAST_BUNDLE, content.manifest.created_at)
    store.set_last_sync(now_iso())
    report = BundleImport(content.change_count, skipped, answered, Counter(r.status for r in content.results), blobs,
                          Counter(r.status for r in content.attempt_results),
                          None if content.training is None else len(content.training.courses))  # fmt: skip
    log.info("bundle import %s: %s", path, report)
    return report


def _key(store: Store, user_id: int, username: str) -> bytes:
    key = store.bundle_key(user_id)
    if not key:
        raise AuthError(
            f"this PC has no bundle key for {username} yet (bundles are signed since this version): "
            "log in online once, then use bundles"
        )
    return key_bytes(key)


def _check_user(store: Store, manifest: Manifest) -> bytes:
    """The bundle is for this PC's user; their bundle key checks its signature."""
    user = store.current_user()
    theirs = manifest.user
    if user is None:
        raise AuthError("nobody has logged in on this PC yet: log in once, then import")
    if (user.id, user.office_id) != (theirs.id, theirs.office_id) or user.username != theirs.username:
        raise BundleError(
            f"the bundle is for {theirs.username} ({theirs.office_name}); "
            f"this PC's user is {user.username} ({user.office_name})"
        )
    return _key(store, user.id, user.username)


def _check_fits(store: Store, manifest: Manifest) -> None:
    """The bundle starts where this PC's feed stands, and is not older than the last one."""
    theirs = manifest.user
    # cursors are opaque: "" (the whole feed) or exactly ours is the only start we can trust
    # not to leave a gap; an older start would only repeat changes, but we cannot tell which
    if manifest.since not in ("", store.cursor()):
        raise BundleError(
            f"the bundle starts at cursor {manifest.since!r}, but this PC is at {store.cursor()!r}: "
            f"ask for a new one (`aidou-server bundle --user {theirs.username} --since '{store.cursor()}'`, "
            "or without --since for the whole feed)"
        )
    # a full-feed bundle fits anywhere, but an old one would step this PC back (a batch that has
    # since gone to someone else would reappear); both times are the server's own clock, and
    # signed, so a forged "future" bundle cannot lock the genuine ones out
    newest = store.get_setting(LAST_BUNDLE)
    if newest and manifest.created_at < newest:
        raise BundleError(
            f"the bundle was made at {manifest.created_at}, before the one this PC read last "
            f"({newest}): it is out of date; ask the admin for a new one"
        )


# ---------------------------------------------------------------- the `aidou-sync bundle` command


def add_parser(sub: argparse._SubParsersAction) -> None:
    bundle = sub.add_parser(
        "bundle",
        help="carry sync on a USB stick: export a push bundle, import a pull bundle",
        description="Sync without a network: `export` writes what a push would send; the admin runs "
        "`aidou-server import-bundle FILE --reply REPLY`; `import` reads the reply (or any pull bundle).",
    )
    actions = bundle.add_subparsers(dest="bundle_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write everything waiting to upload to FILE",
                                description="Write the outbox (and this PC's feed cursor) to FILE.")  # fmt: skip
    export.add_argument("file", metavar="FILE", help="bundle file to write, e.g. E:\\anno1-push.aidou")
    imp = actions.add_parser("import", help="read a pull bundle made by the server",
                             description="Apply a pull bundle: answers, changes, images.")  # fmt: skip
    imp.add_argument("file", metavar="FILE", help="bundle file to read")


def run_command(args: argparse.Namespace, data_dir: Path) -> int:
    """``aidou-sync bundle export|import FILE``; exit codes as ``aidou-sync run``."""
    path = Path(args.file)
    with Store(data_dir) as store:
        try:
            if args.bundle_command == "export":
                done = export_push_bundle(store, path)
                print(f"wrote {path}: {done.records} record(s) and {done.attempts} training attempt(s) to upload, "
                      f"feed cursor {done.cursor!r}, {done.missing_blobs} image(s) asked for. On the server: "
                      f"aidou-server import-bundle {path.name} --reply REPLY")  # fmt: skip
                return EXIT_OK
            got = import_pull_bundle(store, path)
        except BundleError as exc:
            log.error("bundle refused: %s", exc)
            return EXIT_ERROR
        except OSError as exc:
            log.error("bundle %s: %s", path, exc)
            return EXIT_ERROR
        answers = ", ".join(f"{status} {n}" for status, n in sorted(got.answers.items())) or "none"
        print(f"read {path}: {got.pulled} change(s) ({got.skipped} skipped), {got.blobs} image(s), "
              f"answers: {answers}; waiting {store.outbox_count(store.current_user().id)}")  # fmt: skip
        if got.attempts or got.courses is not None:
            tried = ", ".join(f"{status} {n}" for status, n in sorted(got.attempts.items())) or "none"
            courses = "unchanged" if got.courses is None else str(got.courses)
            print(f"training: attempt answers: {tried}; courses: {courses}")
        if store.rejected() or got.answers[CONFLICT] or got.answers[REJECTED]:
            log.warning("some records need attention (rejected or in conflict)")
            return EXIT_ATTENTION
        return EXIT_OK
