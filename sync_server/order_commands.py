"""``aidou-server orders``, ``batches``, ``assign``, ``release``, ``assign-idle``: how far each
order has come, and handing its batches out (``sync_server.db.progress``,
``sync_server.orders.assignment``). The server's own command line sees every office.

Registered by ``sync_server.cli``; the heavy imports wait until a command runs,
so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sync_server.cli_output import EXIT_REFUSED, print_table, refuse
from sync_server.db_option import DB_HELP

OpenFn = Callable[[argparse.Namespace], tuple]  # cli._open: (engine, blob store)

_COUNTS_HELP = (
    "Counts: DONE = items with a head revision; SUBMITTED = done, not yet judged by a lead; "
    "ACCEPTED / REJECTED = the lead's verdict on the current head; CONFLICTED = items with an "
    "open conflict (see `aidou-server conflicts`)."
)


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: OpenFn) -> None:
    def common(parser: argparse.ArgumentParser, func: Callable) -> None:
        add_data_dir(parser)
        parser.add_argument("--db", metavar="URL", help=DB_HELP)
        parser.set_defaults(func=lambda args: func(args, open_fn))

    orders = commands.add_parser(
        "orders",
        help="list the orders and how far each has come",
        description="List every order, one line each: id, name, task kind, price per accepted item, "
        "batches, items and their progress. " + _COUNTS_HELP,
    )
    common(orders, cmd_orders)

    batches = commands.add_parser(
        "batches",
        help="an order's batches (or annotators) and their progress",
        description="List ORDER's batches, one line each: id, name, who holds it until when (EXPIRED "
        "when the lease ran out: it may be assigned again) and its items' progress. With "
        "--by-annotator: one line per person instead (the batches and items they hold, the heads "
        "they wrote and how those were judged). " + _COUNTS_HELP,
    )
    batches.add_argument("order", metavar="ORDER", help="the order's id or name")
    batches.add_argument("--by-annotator", action="store_true", help="one line per annotator instead of per batch")
    common(batches, cmd_batches)

    assign = commands.add_parser(
        "assign",
        help="lease a batch to an annotator until a deadline",
        description="Lease BATCH to the annotator USERNAME (active, in the batch's office) for N days or "
        "until a time; their PC gets the batch and its items at the next sync. Refused while another "
        "annotator holds an unexpired lease on it, unless --force. A batch whose lease ran out is "
        "simply assigned again; assigning the holder renews their lease.",
    )
    assign.add_argument("batch", metavar="BATCH", type=int, help="the batch's id (see `aidou-server batches ORDER`)")
    assign.add_argument("--to", required=True, metavar="USERNAME", help="the annotator who gets it")
    _add_deadline(assign)
    assign.add_argument("--force", action="store_true", help="take it from an annotator whose lease has not run out")
    common(assign, cmd_assign)

    release = commands.add_parser(
        "release",
        help="take a batch from its holder",
        description="Take BATCH from its holder: nobody holds it until it is assigned again. The work "
        "already made on it stays; the holder's PC learns of it at the next sync.",
    )
    release.add_argument("batch", metavar="BATCH", type=int, help="the batch's id")
    common(release, cmd_release)

    idle = commands.add_parser(
        "assign-idle",
        help="give every idle annotator the next batch of an order",
        description="Give every active annotator who holds no unexpired batch with unfinished items "
        "(of any order) the next batch of ORDER that nobody holds (or whose lease ran out) and has "
        "unfinished items: lowest batch id first, annotators by id. Prints each assignment.",
    )
    idle.add_argument("order", metavar="ORDER", help="the order's id or name")
    _add_deadline(idle)
    common(idle, cmd_assign_idle)


def _add_deadline(parser: argparse.ArgumentParser) -> None:
    deadline = parser.add_mutually_exclusive_group(required=True)
    deadline.add_argument("--days", type=float, metavar="N", help="the lease ends N days from now")
    deadline.add_argument("--until", metavar="ISO", help="the lease ends then (ISO 8601 with a zone, e.g. 2026-12-01T18:00:00Z)")


def _until(args: argparse.Namespace):
    from datetime import timedelta

    from sync_server.db.clock import to_iso, utc_now
    from sync_server.orders.assignment import BadUntil, parse_until

    if args.until is not None:
        return parse_until(args.until)
    if not 0 < args.days <= 3650:
        raise BadUntil(f"--days must be more than 0 and at most 3650, not {args.days:g}")
    return parse_until(to_iso(utc_now() + timedelta(days=args.days)))


def _open(args: argparse.Namespace, open_fn: OpenFn):
    try:
        engine, _blob_store = open_fn(args)
    except SystemExit as exc:  # "error: no data dir at …": a refusal like any other
        print(exc, file=sys.stderr)
        return None
    return engine


_COUNT_HEADER = ["ITEMS", "DONE", "SUBMITTED", "ACCEPTED", "REJECTED", "CONFLICTED"]


def _counts(p) -> list[int]:
    return [p.items, p.done, p.submitted, p.accepted, p.rejected, p.conflicted]


def cmd_orders(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.engine import read_connection
    from sync_server.db.progress import order_progress

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        with read_connection(engine) as conn:
            found = order_progress(conn, None)
    finally:
        engine.dispose()
    rows = [[o.id, o.name, o.task_kind, f"{o.price_cents / 100:.2f}", o.batches, *_counts(o)] for o in found]
    print_table(["ID", "NAME", "KIND", "PRICE", "BATCHES", *_COUNT_HEADER], rows)
    print(f"{len(found)} order(s)")
    return 0


def cmd_batches(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.engine import read_connection
    from sync_server.db.entities import find_order_id
    from sync_server.db.progress import annotator_progress, batch_progress

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        with read_connection(engine) as conn:
            order_id = find_order_id(conn, args.order)
            if order_id is None:
                return refuse(f"no order with id or name {args.order!r}")
            if args.by_annotator:
                people = annotator_progress(conn, order_id)
            else:
                found = batch_progress(conn, order_id)
    finally:
        engine.dispose()
    if args.by_annotator:
        rows = [[p.annotator_id, p.username, p.display_name, p.batches, *_counts(p)] for p in people]
        print_table(["ID", "USERNAME", "NAME", "BATCHES", "ITEMS", *_COUNT_HEADER[1:]], rows)
        print(f"{len(people)} annotator(s) in order {order_id}")
        return 0
    rows = [
        [b.id, b.name, b.annotator_name or "-", _lease_text(b), *_counts(b)]
        for b in found
    ]
    print_table(["ID", "NAME", "HOLDER", "LEASE UNTIL", *_COUNT_HEADER], rows)
    expired = sum(1 for b in found if b.expired)
    free = sum(1 for b in found if b.annotator_id is None)
    print(f"{len(found)} batch(es) in order {order_id}: {free} without a holder, {expired} with an expired lease")
    return 0


def _lease_text(b) -> str:
    if b.lease_until is None:
        return "-"
    return f"{b.lease_until} EXPIRED" if b.expired else b.lease_until


def cmd_assign(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.accounts import user_id_by_name
    from sync_server.db.engine import write_transaction
    from sync_server.db.progress import batch_progress
    from sync_server.orders.assignment import AssignmentError, assign_batch

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        until = _until(args)
        with write_transaction(engine) as conn:
            annotator_id = user_id_by_name(conn, args.to)
            if annotator_id is None:
                return refuse(f"no user {args.to!r} on this server")
            batch = assign_batch(conn, None, args.batch, annotator_id, until, force=args.force)
            now = batch_progress(conn, batch.order_id, [args.batch])[0]
    except AssignmentError as exc:
        return refuse(str(exc))
    finally:
        engine.dispose()
    print(f"batch {now.id} ({now.name}, {now.items} items) is leased to {args.to} until {now.lease_until}")
    return 0


def cmd_release(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sqlalchemy import select

    from sync_server.db.engine import write_transaction
    from sync_server.db.tables import users
    from sync_server.orders.assignment import AssignmentError, unassign_batch

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        with write_transaction(engine) as conn:
            holder = unassign_batch(conn, None, args.batch)
            name = conn.execute(select(users.c.username).where(users.c.id == holder)).scalar() if holder else None
    except AssignmentError as exc:
        return refuse(str(exc))
    finally:
        engine.dispose()
    print(f"batch {args.batch} released" + (f" (it was leased to {name}; their work stays)" if name else " (nobody held it)"))
    return 0


def cmd_assign_idle(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sqlalchemy import select

    from sync_server.db.engine import write_transaction
    from sync_server.db.entities import find_order_id
    from sync_server.db.tables import users
    from sync_server.orders.assignment import AssignmentError, assign_idle

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        until = _until(args)
        with write_transaction(engine) as conn:
            order_id = find_order_id(conn, args.order)
            if order_id is None:
                return refuse(f"no order with id or name {args.order!r}")
            assigned = assign_idle(conn, None, order_id, until)
            names = dict(conn.execute(select(users.c.id, users.c.username).where(users.c.id.in_([a for _, a in assigned]))).all())
    except AssignmentError as exc:
        return refuse(str(exc))
    finally:
        engine.dispose()
    for batch_id, annotator_id in assigned:
        print(f"batch {batch_id} → {names[annotator_id]}")
    print(f"{len(assigned)} batch(es) assigned in order {order_id}" + ("" if assigned else ": nobody idle, or no free batch left"))
    return 0


class ProgressBar:
    """``progress(done, total)`` drawn on stderr: one line redrawn with ``\\r`` on a terminal,
    else (a log, a pipe) a line at every tenth, so logs stay short. A context manager: on
    leaving, a drawn terminal line is ended, so what follows starts on its own line."""

    WIDTH = 30

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = -1  # the last percent (terminal) or tenth (log) written
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total > 0 else 100
        if self.tty:
            if percent == self.shown:
                return
            filled = self.WIDTH * percent // 100
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%")
            self.shown = percent
        else:
            tenth = percent // 10
            if tenth <= self.shown:
                return
            self.stream.write(f"{self.label}: {tenth * 10}%\n")
            self.shown = tenth
        self.drawn = True
        self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
