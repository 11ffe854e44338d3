"""``aidou-server conflicts`` and ``aidou-server conflicts resolve``: what push kept as conflicts
(or as late work), for a lead or admin to see and settle (``sync_server.db.conflicts``).

Registered by ``sync_server.cli``; the heavy imports wait until a command runs,
so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sync_server.cli_output import EXIT_REFUSED
from sync_server.db_option import DB_HELP

OpenFn = Callable[[argparse.Namespace], tuple]  # cli._open: (engine, blob store)


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: OpenFn) -> None:
    conflicts = commands.add_parser(
        "conflicts",
        usage="aidou-server conflicts [--order ORDER] [--all] [--data-dir DIR] [--db URL]\n"
        "       aidou-server conflicts resolve ITEM_ID --choose REVISION_ID --as USERNAME [--data-dir DIR] [--db URL]",
        help="list the revisions kept as conflicts or late work; settle one with `conflicts resolve`",
        description="List the annotation revisions push kept but could not apply (another revision was "
        "newer, the lease had moved on or run out, a label the order dropped), one line each: the item, "
        "the revision's id, who made it on which PC, why (code), when the server received it, the reason. "
        "Below the table: each item's current head revision. Only open conflicts unless --all.",
    )
    conflicts.add_argument("--order", metavar="ORDER", help="only this order's (its id or name)")
    conflicts.add_argument("--all", action="store_true", help="also the conflicts already resolved")
    add_data_dir(conflicts)
    conflicts.add_argument("--db", metavar="URL", help=DB_HELP)
    conflicts.set_defaults(func=lambda args: cmd_conflicts(args, open_fn))

    # prog given: else it is derived from the two-line usage above
    actions = conflicts.add_subparsers(dest="conflicts_action", metavar="ACTION", prog="aidou-server conflicts")
    resolve = actions.add_parser(
        "resolve",
        help="settle an item's conflicts with one of its revisions",
        description="Settle ITEM_ID's open conflicts: a new head revision, recorded as made by USERNAME "
        "(a lead or admin of the item's office), takes the shapes of REVISION_ID (a conflicted revision, "
        "the current head, or any other stored revision of the item); every open conflict of the item is "
        "marked resolved, and every PC that holds the item gets both through the change feed. "
        "Prints the new head's id.",
        # SUPPRESS: a --data-dir given before `resolve` is not reset by this parser's default
        argument_default=argparse.SUPPRESS,
    )
    resolve.add_argument("item_id", metavar="ITEM_ID", type=int, help="the item (the first column of `conflicts`)")
    resolve.add_argument("--choose", required=True, metavar="REVISION_ID", help="the revision whose shapes win")
    resolve.add_argument("--as", dest="as_user", required=True, metavar="USERNAME",
                         help="the lead or admin who decides (recorded as the resolver)")  # fmt: skip
    add_data_dir(resolve)
    resolve.add_argument("--db", metavar="URL", help=DB_HELP)
    resolve.set_defaults(func=lambda args: cmd_resolve(args, open_fn))


def _open(args: argparse.Namespace, open_fn: OpenFn):
    try:
        engine, _blob_store = open_fn(args)
    except SystemExit as exc:  # "error: no data dir at …": a refusal like any other
        print(exc, file=sys.stderr)
        return None
    return engine


def cmd_conflicts(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.conflicts import ConflictError, list_conflicts
    from sync_server.db.engine import read_connection
    from sync_server.db.entities import find_order_id

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        with read_connection(engine) as conn:
            order_id = None
            if args.order is not None:
                order_id = find_order_id(conn, args.order)
                if order_id is None:
                    print(f"error: no order with id or name {args.order!r}", file=sys.stderr)
                    return EXIT_REFUSED
            found = list_conflicts(conn, None, order_id, include_resolved=args.all)
    except ConflictError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        engine.dispose()
    _print_table(found, args.all)
    return 0


def _print_table(found, show_resolved: bool) -> None:
    header = ["ITEM", "REVISION", "WHO", "DEVICE", "CODE", "RECEIVED"] + (["RESOLVED"] if show_resolved else []) + ["REASON"]
    rows = []
    for c in found:
        row = [f"{c.item_id} {c.item_name}", c.id, c.annotator_name, c.device_id or "-", c.code or "-", c.received_at]
        if show_resolved:
            row.append(f"{c.resolved_at} by {c.resolved_by_name}" if c.resolved_at else "open")
        rows.append([*row, c.reason or ""])
    if rows:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
        for r in [header, *rows]:
            print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)) + "  " + r[-1])
    items = {c.item_id: c for c in found}
    still_open = sum(1 for c in found if c.resolved_at is None)
    what = f"{len(found)} conflicted revision(s), {still_open} open," if show_resolved else f"{len(found)} open conflict(s)"
    print(f"{what} on {len(items)} item(s)")
    if items:
        print("current heads (the revision each item shows and exports now):")
        for item_id, c in sorted(items.items()):
            print(f"  item {item_id}: {c.head_id or '(none)'}" + (f" by {c.head_annotator_name}" if c.head_id else ""))
        if still_open:
            print("settle one with: aidou-server conflicts resolve ITEM_ID --choose REVISION_ID --as USERNAME")


def cmd_resolve(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.accounts import user_id_by_name, user_info
    from sync_server.db.conflicts import ConflictError, resolve_conflict
    from sync_server.db.engine import write_transaction

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        with write_transaction(engine) as conn:
            user_id = user_id_by_name(conn, args.as_user)
            resolver = user_info(conn, user_id) if user_id is not None else None
            if resolver is None:
                print(f"error: no user {args.as_user!r} on this server", file=sys.stderr)
                return EXIT_REFUSED
            new_id = resolve_conflict(conn, resolver, args.item_id, args.choose)
    except ConflictError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        engine.dispose()
    print(f"item {args.item_id}: new head revision {new_id} (shapes of {args.choose}, by {resolver.username})")
    return 0
