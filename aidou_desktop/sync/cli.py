"""aidou-sync: headless sync of the local AI豆 database with its server (cron / Task Scheduler).

Commands:
  aidou-sync [--data-dir DIR] login --server URL --user NAME
      log in online and store a token (password from $AIDOU_PASSWORD or a prompt)
  aidou-sync [--data-dir DIR] run [--quiet] [--no-blobs] [--no-ocr] [--retries N]
      push what waits, pull the change feed, download the images of your batches,
      then OCR the downloaded transcription items, so they open pre-filled
  aidou-sync [--data-dir DIR] status
      what waits to upload, last sync, server address (no network)
  aidou-sync [--data-dir DIR] bundle export FILE | bundle import FILE
      sync by USB stick: write what a push would send / read the server's pull bundle
      (docs/bundles.md); a refused bundle exits 5 and applies nothing

The data directory is --data-dir, else $AIDOU_DATA_DIR, else ~/.aidou.
The log is DATA/logs/sync.log (rotated).

`run` syncs every user who holds a token on this PC, each with their own token.
Its exit code tells the state after the run, not only what happened in it:

Exit codes:
  0  in sync (run): nobody's work waits, nothing waits for a person;
     logged in (login), status shown while logged in
  2  offline: the server could not be reached; nothing is lost, run again later
  3  not logged in, or the login/token was refused, or some user's work waits
     for them to log in on this PC: run `aidou-sync login`
     (status, too, answers 3 when no token is stored)
  4  some records need attention: rejected by the server, or conflicts a lead
     has not resolved yet (every run says 4 until they are)
  5  local error (disk, database, an image that failed its hash twice,
     a request the server refused); see the log. A damaged local database
     (empty after use, corrupt) or a data dir that cannot be written to: one
     line says so, nothing is changed; open the app to repair it
  6  another sync is running against this data directory (the run did nothing)
  7  the server needs a newer aidou-sync: please update

Every `run` records its outcome in the local database (the app shows the last
one); `status` prints it. A disk that is full exits 5 with "The disk is full".
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from aidou_desktop.model import domain
from aidou_desktop.store import DamagedDatabase, Store, resolve_data_dir
from aidou_desktop.store.paths import private_dir
from aidou_desktop.store.errors import DiskFull, is_disk_full
from aidou_desktop.sync import bundle
from aidou_desktop.sync.client import SyncClient, office_ca
from aidou_desktop.sync.engine import client_for, download_batch, download_blobs, download_for_review, sync_once
from aidou_desktop.sync.training_sync import sync_training
from aidou_desktop.sync.errors import AuthError, Offline, ServerError, UpdateRequired
from aidou_desktop.sync.exit_codes import (
    EXIT_ATTENTION,
    EXIT_AUTH,
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_UPDATE,
)
from aidou_desktop.sync.lock import SyncBusy, SyncLock
from aidou_desktop.sync.retry import CLI_POLICY, RetryPolicy


PASSWORD_ENV = "AIDOU_PASSWORD"
log = logging.getLogger("aidou.sync")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aidou-sync",
        description="Sync the local AI豆 database with its server.",
        epilog="exit codes: 0 in sync; 2 offline; 3 auth/needs login; 4 conflicts or rejected "
        "records need attention; 5 local error; 6 another sync running; 7 please update",
    )
    parser.add_argument("--data-dir", help="data directory (default: $AIDOU_DATA_DIR, else ~/.aidou)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    login = sub.add_parser("login", help="log in and store a token for headless sync",
                           description=f"Log in online; the password comes from ${PASSWORD_ENV} or a prompt.")  # fmt: skip
    login.add_argument("--server", required=True, help="server URL, e.g. http://10.0.0.2:8000")
    login.add_argument("--user", required=True, help="user name")
    run = sub.add_parser("run", help="one push + pull (and image downloads); exit 0 when all is in sync",
                         description="Push the outbox, pull the change feed, fetch missing images.")  # fmt: skip
    run.add_argument("--quiet", action="store_true", help="print nothing unless something is wrong")
    run.add_argument("--no-blobs", action="store_true", help="skip downloading the images of your batches")
    run.add_argument("--no-ocr", action="store_true",
                     help="skip reading the text of downloaded transcription items (the app does it later)")  # fmt: skip
    run.add_argument("--retries", type=int, default=CLI_POLICY.attempts, metavar="N",
                     help=f"tries per request while offline (default {CLI_POLICY.attempts}; 1 = no retry)")  # fmt: skip
    sub.add_parser("status", help="what waits to upload, last sync, server address",
                   description="Show the local sync state; does not contact the server.")  # fmt: skip
    bundle.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        private_dir(data_dir)
        handlers = _setup_logging(data_dir, quiet=getattr(args, "quiet", False))
    except OSError as exc:
        print(f"aidou-sync: cannot use {data_dir}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        return _dispatch(args, data_dir)
    finally:
        for handler in handlers:  # main() may run in-process (tests, the app): leave no handlers behind
            logging.getLogger().removeHandler(handler)
            handler.close()


# what each exit code means for ``sync_runs.outcome`` (the app's "last scheduled sync")
_OUTCOMES = {
    EXIT_OK: domain.RUN_OK,
    EXIT_OFFLINE: domain.RUN_OFFLINE,
    EXIT_AUTH: domain.RUN_AUTH,
    EXIT_ATTENTION: domain.RUN_ATTENTION,
    EXIT_ERROR: domain.RUN_ERROR,
    EXIT_BUSY: domain.RUN_BUSY,
    EXIT_UPDATE: domain.RUN_UPDATE,
}


@dataclasses.dataclass
class _RunResult:
    """What ``run`` tells the ``sync_runs`` row about itself."""

    pushed: int = 0
    pulled: int = 0
    message: str = ""
    disk_full: bool = False


def _dispatch(args: argparse.Namespace, data_dir: Path) -> int:
    if args.command == "run":
        return _recorded_run(args, data_dir)
    if args.command == "login":
        return _guarded(lambda: _login(data_dir, args.server, args.user))[0]
    if args.command == "bundle":
        return _guarded(lambda: _locked(data_dir, lambda: bundle.run_command(args, data_dir)))[0]
    return _guarded(lambda: _status(data_dir))[0]


def _guarded(fn, result: _RunResult | None = None) -> tuple[int, str]:
    """Run ``fn``; every failure becomes its exit code and a logged, readable message."""
    result = result or _RunResult()
    try:
        return fn(), result.message
    except DamagedDatabase as exc:  # one line, no traceback: the app repairs it (issue 10)
        log.error("%s", exc)
        return EXIT_ERROR, str(exc)
    except SyncBusy as exc:
        log.warning("%s", exc)
        return EXIT_BUSY, str(exc)
    except Offline as exc:
        log.warning("offline: %s", exc)
        return EXIT_OFFLINE, f"offline: {exc}"
    except AuthError as exc:
        log.warning("auth: %s — run `aidou-sync login`", exc)
        return EXIT_AUTH, f"auth: {exc}"
    except UpdateRequired as exc:
        log.error("please update aidou-sync: %s", exc)
        return EXIT_UPDATE, f"please update: {exc}"
    except ServerError as exc:
        log.error("the server refused: %s", exc)
        return EXIT_ERROR, f"the server refused: {exc}"
    except (DiskFull, OSError) as exc:
        if not is_disk_full(exc):
            log.exception("local error")
            return EXIT_ERROR, f"local error: {exc}"
        full = exc if isinstance(exc, DiskFull) else DiskFull("write to the disk")
        log.error("%s", full)
        result.disk_full = True
        return EXIT_ERROR, str(full)
    except Exception as exc:  # noqa: BLE001 — a scheduler needs an exit code, the log gets the trace
        log.exception("local error")
        return EXIT_ERROR, f"local error: {exc}"


def _recorded_run(args: argparse.Namespace, data_dir: Path) -> int:
    """``run``, with its outcome kept in ``sync_runs`` for the app and ``status``."""
    result = _RunResult()
    store: Store | None = None
    run_id = None

    def body() -> int:
        nonlocal store, run_id
        store = Store(data_dir)
        try:
            run_id = store.start_sync_run("cli")
        except DiskFull as exc:  # the run itself may still free nothing, but it can report
            log.warning("could not record the run: %s", exc)
        with SyncLock(data_dir):
            policy = dataclasses.replace(CLI_POLICY, attempts=max(1, args.retries))
            code = _run(store, quiet=args.quiet, blobs=not args.no_blobs, policy=policy, result=result)
        if not args.no_ocr:  # after the lock: minutes of OCR must not hold up the app's sync
            _read_transcriptions(store, args.quiet)
        return code

    try:
        code, message = _guarded(body, result)
        if store is not None and run_id is not None:
            outcome = domain.RUN_DISK_FULL if result.disk_full else _OUTCOMES.get(code, domain.RUN_ERROR)
            try:
                store.finish_sync_run(run_id, outcome, code, pushed=result.pushed, pulled=result.pulled,
                                      waiting=store.outbox_count(), message=message[:500] or None)  # fmt: skip
            except Exception as exc:  # noqa: BLE001 — the exit code matters more than the record
                log.warning("could not record the run's outcome: %s", exc)
        return code
    finally:
        if store is not None:
            store.close()


def _locked(data_dir: Path, fn) -> int:
    with SyncLock(data_dir):  # a bundle moves the outbox and the cursor just as a run does
        return fn()


def _login(data_dir: Path, server: str, user: str) -> int:
    password = os.environ.get(PASSWORD_ENV) or getpass.getpass(f"password for {user}: ")
    client = SyncClient(server, ca_file=office_ca(data_dir))
    login = client.login(user, password)
    with Store(data_dir) as store:
        store.remember_login(server, password, login)
    log.info("logged in to %s as %s", server, login.user.username)
    print(f"logged in to {server} as {login.user.username} ({login.user.role})")
    return EXIT_OK


# when users' runs end differently, the code says the most pressing thing first
_PRIORITY = (EXIT_UPDATE, EXIT_ERROR, EXIT_OFFLINE, EXIT_AUTH, EXIT_ATTENTION)


def _worst(codes: list[int]) -> int:
    return next((code for code in _PRIORITY if code in codes), EXIT_OK)


def _run(store: Store, quiet: bool, blobs: bool, policy: RetryPolicy, result: _RunResult) -> int:
    """Sync every user who holds a token on this PC, each with their own (ADR 0015); the
    exit code tells the state afterwards: anyone's work unsent, anything waiting for a person."""
    users = store.accounts_with_token()
    if not users:
        raise AuthError("not logged in: no token stored")
    codes: list[int] = []
    lines: list[str] = []
    for user_id in users:
        code, message = _guarded(lambda user_id=user_id: _run_user(store, user_id, blobs, policy, result, lines), result)
        codes.append(code)
        if code != EXIT_OK and message:
            lines.append(message)
        if code in (EXIT_OFFLINE, EXIT_UPDATE):
            break  # the same link and server serve everyone: don't wait out the retries again
    for user_id, name, count, has_token in store.waiting_by_user():
        if not has_token:
            lines.append(f"{count} revision(s) by {name or f'user {user_id}'} wait for them to log in on this PC")
            codes.append(EXIT_AUTH)
    attention = len(store.rejected()) + len(store.conflicts())
    if attention:
        lines.append(f"{attention} record(s) need attention (rejected or in conflict, waiting for a person)")
        codes.append(EXIT_ATTENTION)
    if quarantined := len(store.quarantined()):
        log.warning("%d change(s) from the server could not be applied yet (kept to retry)", quarantined)
    result.message = "; ".join(lines)
    for line in lines:
        log.info(line)
        if not quiet:
            print(line)
    return _worst(codes)


def _run_user(store: Store, user_id: int, blobs: bool, policy: RetryPolicy, result: _RunResult,
              lines: list[str]) -> int:  # fmt: skip
    client = client_for(store, user_id=user_id)
    name = store.session(user_id)[2].username
    try:
        report = sync_once(store, client, policy=policy, user_id=user_id)
    except AuthError:
        store.forget_token(user_id)  # a refused token is dead: the next run asks for a login
        raise
    sync_training(store, client, user_id)  # attempts made on this PC up, courses down
    result.pushed += report.pushed
    result.pulled += report.pulled
    line = (f"{name}: pushed {report.pushed} (accepted {report.accepted}, duplicate {report.duplicates}, "
            f"conflict {report.conflicts}, rejected {report.rejected}), pulled {report.pulled}, "
            f"waiting {report.waiting}")  # fmt: skip
    if report.restarted_feed:
        line += "; the server was restored or replaced: read its feed again from the start"
    if report.resent:
        line += f"; re-sent {report.resent} revision(s) the server had lost"
    lines.append(line)
    failed: list[str] = []
    if blobs:
        for summary in store.batch_summaries(user_id):
            if summary.downloaded < summary.total:
                failed += download_batch(store, client, summary.id, policy=policy).failed
        if store.session(user_id)[2].role in ("lead", "admin"):  # what their review queue shows
            failed += download_for_review(store, client, policy=policy).failed
        failed += download_blobs(store, client, store.missing_lesson_blobs(), policy=policy).failed
    if failed:
        for f in failed:
            log.error("image not downloaded: %s", f)
        lines.append(f"{name}: {len(failed)} image(s) not downloaded")
        return EXIT_ERROR
    return EXIT_OK


def _read_transcriptions(store: Store, quiet: bool) -> None:
    """OCR the transcription items whose image is here and that have no suggestion yet, so
    they open pre-filled in the morning. A failure is logged and leaves the exit code alone:
    the app tries again."""
    waiting = store.items_waiting_for_ocr()
    if not waiting:
        return
    from aidou_desktop.ocr.engine import OcrError  # ONNX Runtime loads only when there is work
    from aidou_desktop.ocr.suggest import suggest

    done = 0
    for item in waiting:
        try:
            done += suggest(store, item) is not None
        except OcrError as exc:
            log.warning("OCR of item %s failed: %s", item.id, exc)
    line = f"OCR: read {done} of {len(waiting)} transcription item(s)"
    log.info(line)
    if not quiet:
        print(line)


def _status(data_dir: Path) -> int:
    with Store(data_dir) as store:
        session = store.session()
        user = store.current_user()
        print(f"data dir:   {data_dir}")
        print(f"server:     {store.get_setting('server_url') or '-'}")
        print(f"user:       {user.username if user else '-'}{'' if session else ' (not logged in)'}")
        print(f"waiting:    {store.outbox_count()}")
        for user_id, name, count, has_token in store.waiting_by_user():
            who = name or f"user {user_id}"
            print(f"  {who}: {count}" + ("" if has_token else f" (waits for {who} to log in on this PC)"))
        print(f"rejected:   {len(store.rejected())}")
        print(f"conflicts:  {len(store.conflicts())}")
        print(f"quarantine: {len(store.quarantined())}")
        print(f"last sync:  {store.last_sync() or 'never'}")
        if unconfirmed := len(store.unconfirmed(100_000, user.id)) if user else 0:
            print(f"unconfirmed: {unconfirmed} revision(s) not yet seen back from the server (checked on the next run)")
        run = store.last_sync_run("cli")
        if run is None:
            print("last run:   never")
        else:
            ended = run.outcome or ("running" if run.finished_at is None else "?")
            print(f"last run:   {ended} (exit {run.exit_code if run.exit_code is not None else '-'}) "
                  f"started {run.started_at}" + (f": {run.message}" if run.message else ""))  # fmt: skip
        return EXIT_OK if session else EXIT_AUTH


def _setup_logging(data_dir: Path, quiet: bool) -> list[logging.Handler]:
    logs = data_dir / "logs"
    private_dir(logs)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = logging.handlers.RotatingFileHandler(
        logs / "sync.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.ERROR if quiet else logging.WARNING)
    console.setFormatter(logging.Formatter("aidou-sync: %(message)s"))
    root.addHandler(console)
    return [handler, console]


if __name__ == "__main__":
    sys.exit(main())
