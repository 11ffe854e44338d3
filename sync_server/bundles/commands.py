"""``aidou-server bundle`` and ``aidou-server import-bundle``: sync by USB stick (docs/bundles.md).

Registered by ``sync_server.cli``; the heavy imports wait until a command runs,
so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sync_server.db_option import DB_HELP

EXIT_REFUSED = 2  # as the other admin commands answer bad input

OpenFn = Callable[[argparse.Namespace], tuple]  # cli._open: (engine, blob store)


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: OpenFn) -> None:
    bundle = commands.add_parser(
        "bundle",
        help="write a user's pull bundle (changes and images) for a USB stick",
        description="Write what a pull would bring USER: their change feed since CURSOR (default: all "
        "of it) and the images their batches need. The PC reads it with `aidou-sync bundle import`.",
    )
    bundle.add_argument("--user", required=True, metavar="NAME", help="whose feed")
    bundle.add_argument("--out", required=True, metavar="FILE", help="bundle file to write")
    bundle.add_argument("--since", default="", metavar="CURSOR",
                        help="the PC's cursor (printed by `aidou-sync bundle export`); default: the whole feed")  # fmt: skip
    bundle.add_argument("--no-blobs", action="store_true", help="leave the images out (the PC has them)")
    bundle.add_argument("--format", type=int, choices=(1, 2), default=2,
                        help="2 (default): with the training courses, certificates and lesson images; "
                        "1: for a PC from before training travelled in bundles, which refuses format 2")  # fmt: skip
    add_data_dir(bundle)
    bundle.add_argument("--db", metavar="URL", help=DB_HELP)
    bundle.set_defaults(func=lambda args: cmd_bundle(args, open_fn))

    imp = commands.add_parser(
        "import-bundle",
        help="import a PC's push bundle (as an online push would)",
        description="Store the annotations in a push bundle made by `aidou-sync bundle export`, through the "
        "same rules as an online push: importing twice, or importing and then syncing, keeps one copy. "
        "With --reply, also write the answer for the PC: the results, the changes since its cursor "
        "and the images it lacks.",
    )
    imp.add_argument("file", metavar="FILE", help="the push bundle")
    imp.add_argument("--reply", metavar="OUT", help="write the PC's answer (a pull bundle) to OUT")
    add_data_dir(imp)
    imp.add_argument("--db", metavar="URL", help=DB_HELP)
    imp.set_defaults(func=lambda args: cmd_import_bundle(args, open_fn))


def cmd_bundle(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.bundles.container import BundleError
    from sync_server.bundles.office import find_user, write_user_bundle

    engine, blob_store = open_fn(args)
    try:
        user = find_user(engine, args.user)
        report = write_user_bundle(engine, blob_store, user, Path(args.out), args.since, blobs=not args.no_blobs,
                                   training=args.format >= 2)  # fmt: skip
    except (BundleError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    _print_pull(report, args.out)
    return 0


def cmd_import_bundle(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.bundles.container import BundleError
    from sync_server.bundles.office import import_push_bundle, write_reply

    engine, blob_store = open_fn(args)
    try:
        done = import_push_bundle(engine, Path(args.file))
    except (BundleError, OSError) as exc:
        print(f"error: {exc}; nothing was imported", file=sys.stderr)
        return EXIT_REFUSED
    counts = done.counts()
    print(f"imported {len(done.results)} record(s) from {done.user.username}: "
          + ", ".join(f"{s} {counts[s]}" for s in ("accepted", "duplicate", "conflict", "rejected")))  # fmt: skip
    for result in done.results:
        if result.status == "rejected":
            print(f"  rejected {result.id}: {result.reason}")
    if done.attempt_results:
        tried = done.attempt_counts()
        print(f"imported {len(done.attempt_results)} training attempt(s): "
              + ", ".join(f"{s} {tried[s]}" for s in ("accepted", "duplicate", "rejected"))
              + f"; {sum(1 for r in done.attempt_results if r.passed)} passed")  # fmt: skip
        for result in done.attempt_results:
            if result.status == "rejected":
                print(f"  rejected attempt {result.id}: {result.reason}")
    if not args.reply:
        print("no --reply: the PC gets these answers when it sends the records again (bundle or online)")
        return 0
    try:
        report = write_reply(engine, blob_store, done, Path(args.reply))
    except (BundleError, OSError) as exc:
        print(f"error: the records are imported, but the reply was not written: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    _print_pull(report, args.reply)
    return 0


def _print_pull(report, out: str) -> None:
    print(f"wrote {out} for {report.user.username}: {report.changes} change(s) since "
          f"{report.since or 'the start'} up to cursor {report.cursor}, {report.results} answer(s), "
          f"{report.blobs} image(s)")  # fmt: skip
    if report.courses is not None:
        print(f"  training: {report.courses} course(s), {report.certificates} certificate(s), "
              f"{report.attempt_results} attempt answer(s)")  # fmt: skip
    else:
        print("  training left out (bundle format 1, for a PC from before training travelled in bundles)")
    for line in report.skipped_blobs:
        print(f"  image left out: {line}", file=sys.stderr)
