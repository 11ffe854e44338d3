"""``aidou-server agreement`` and ``gold-scores``, and the quality options of ``import-order``
(``--overlap``, ``--overlap-share``, ``--iou-threshold``, ``--gold``): ADR 0026.

Registered by ``sync_server.cli``; the heavy imports wait until a command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sync_server.cli_output import print_table, refuse
from sync_server.db_option import DB_HELP

OpenFn = Callable[[argparse.Namespace], tuple]


def add_import_options(imp: argparse.ArgumentParser) -> None:
    imp.add_argument(
        "--overlap", type=int, metavar="K",
        help="K annotators per item (2 or more; also 'overlap' in the schema file): each chosen item is "
        "stored K times, each copy in a batch of its own lane, and no annotator gets two copies of one item",
    )  # fmt: skip
    imp.add_argument(
        "--overlap-share", type=float, metavar="P",
        help="only this share of the items (0 < P ≤ 1, default 1) gets K annotators, chosen by a stable hash "
        "of the item name (also 'overlap_share' in the schema file)",
    )  # fmt: skip
    imp.add_argument(
        "--iou-threshold", type=float, metavar="T",
        help="boxes and polygons of two annotators (or of one and the gold answer) are one object from this "
        "IoU on (default 0.5; also 'iou_threshold' in the schema file)",
    )  # fmt: skip
    imp.add_argument(
        "--gold", metavar="FILE",
        help='gold answers (质检题), JSONL: one {"name": item file name or text id, "shapes": [...]} a line; '
        "never sent to annotators, used by `aidou-server gold-scores`. A bad line stops the import",
    )  # fmt: skip


    imp.add_argument(
        "--require-certification", action="store_true",
        help="lease this order only to annotators certified for its task kind (a passed training course, "
        "see `aidou-server make-course`; also 'requires_certification' in the schema file)",
    )  # fmt: skip


def apply_import_options(conn, office_id: int, order_id: int, spec: dict, args: argparse.Namespace) -> str:
    """Overlap copies, the IoU threshold and gold answers for the order just imported, in
    its transaction; the lines to print (starting with a line break), or ""."""
    from pathlib import Path

    from sync_server.orders.gold_import import import_gold_file
    from sync_server.orders.overlap import add_overlap, overlap_from, set_iou_threshold

    def pick(flag, key):
        return flag if flag is not None else spec.get(key)

    overlap, iou = overlap_from(pick(args.overlap, "overlap"), pick(args.overlap_share, "overlap_share"),
                                pick(args.iou_threshold, "iou_threshold"))  # fmt: skip
    lines = []
    if args.require_certification or spec.get("requires_certification"):
        from sqlalchemy import update

        from sync_server.db.tables import orders

        conn.execute(update(orders).where(orders.c.id == order_id).values(requires_certification=True))
        lines.append("leased only to annotators certified for its task kind")
    if iou is not None:
        set_iou_threshold(conn, order_id, iou)
    if overlap is not None:
        made = add_overlap(conn, office_id, order_id, overlap, int(spec.get("batch_size", 20)))
        lines.append(f"overlap: {made.groups} items × {overlap.copies} annotators: {made.copies} copies "
                     f"in {made.batches} more batches")  # fmt: skip
    if args.gold:
        lines.append(f"gold answers for {import_gold_file(conn, order_id, Path(args.gold))} items")
    return "".join(f"\n{line}" for line in lines)


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: OpenFn) -> None:
    def common(parser: argparse.ArgumentParser, func: Callable) -> None:
        parser.add_argument("order", metavar="ORDER", help="the order's id or name")
        add_data_dir(parser)
        parser.add_argument("--db", metavar="URL", help=DB_HELP)
        parser.set_defaults(func=lambda args: func(args, open_fn))

    agreement = commands.add_parser(
        "agreement",
        help="how far the annotators of an overlap order agree",
        description="For an order imported with --overlap: each item's agreement (the mean score of every "
        "pair of its answers: F1 of boxes or polygons matched by IoU, of entity spans, classes in common, "
        "1 − CER for transcriptions), lowest first, and each annotator's mean score against the others' "
        "answers. Class orders also get Cohen's kappa (two annotators per item) or Fleiss' kappa (more), "
        "over the items every copy of which is answered.",
    )
    agreement.add_argument("--limit", type=int, default=50, metavar="N", help="items listed, lowest agreement first (default 50)")
    common(agreement, cmd_agreement)

    gold = commands.add_parser(
        "gold-scores",
        help="each annotator's score against the gold answers, per order or per task kind",
        description="For an order imported with --gold: per annotator, the gold items they answered, their "
        "mean score against the gold answers and the gold items they scored below the pass mark. An "
        "annotator whose mean is below it is FLAGGED: their work on the order of the last 7 days is to be "
        "reviewed. With --by-kind (and no ORDER): per annotator and task kind over every order of the "
        "office, the gold items answered and the mean score, FLAGGED below the pass mark; items a training "
        "course teaches are left out.",
    )
    gold.add_argument("order", metavar="ORDER", nargs="?", help="the order's id or name (not with --by-kind)")
    gold.add_argument("--by-kind", action="store_true",
                      help="per task kind over every order of the office instead of one order")  # fmt: skip
    gold.add_argument("--office", metavar="NAME", help="with --by-kind: the base office (default: the first one)")
    gold.add_argument("--days", type=int, metavar="N",
                      help="with --by-kind: only gold items whose answer the server received in the last N days "
                      "(default: every one)")  # fmt: skip
    gold.add_argument("--gold-pass", type=float, default=0.8, metavar="S", help="the pass mark, 0 to 1 (default 0.8)")
    add_data_dir(gold)
    gold.add_argument("--db", metavar="URL", help=DB_HELP)
    gold.set_defaults(func=lambda args: cmd_gold_scores(args, open_fn))


def _read(args: argparse.Namespace, open_fn: OpenFn, work: Callable):
    """``work(conn, order_id)`` in a read transaction, or the refusal's exit code."""
    from sync_server.db.entities import find_order_id

    def in_order(conn):
        order_id = find_order_id(conn, args.order)
        if order_id is None:
            return refuse(f"no order with id or name {args.order!r}")
        return work(conn, order_id)

    return _read_conn(args, open_fn, in_order)


def _read_conn(args: argparse.Namespace, open_fn: OpenFn, work: Callable):
    """``work(conn)`` in a read transaction, or the refusal's exit code."""
    from sync_server.db.engine import read_connection

    try:
        engine, _blob_store = open_fn(args)
    except SystemExit as exc:
        return refuse(str(exc).removeprefix("error: "))
    try:
        with read_connection(engine) as conn:
            return work(conn)
    finally:
        engine.dispose()


def _names(conn) -> dict[int, str]:
    from sqlalchemy import select

    from sync_server.db.tables import users

    return dict(conn.execute(select(users.c.id, users.c.username)).all())


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def cmd_agreement(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.quality import order_quality, overlap_groups
    from sync_server.quality.agreement import agreement_report

    if args.limit < 1:
        return refuse("--limit must be 1 or more")

    def work(conn, order_id):
        order = order_quality(conn, order_id)
        if order.overlap is None:
            return refuse(f"order {order_id} has no overlap (import it with --overlap K): nothing to compare")
        return order_id, agreement_report(order.task_kind, overlap_groups(conn, order_id), order.iou_threshold), _names(conn)

    found = _read(args, open_fn, work)
    if isinstance(found, int):
        return found
    order_id, report, names = found
    print(f"order {order_id} ({report.task_kind}): {report.answered_groups} of {report.groups} overlap items "
          f"answered by two or more; IoU threshold {report.iou_threshold:g}")  # fmt: skip
    if report.kappa is not None:
        print(f"{'Cohen' if report.kappa_kind == 'cohen' else 'Fleiss'}'s kappa {report.kappa:.3f} "
              f"over {report.kappa_items} items answered by every copy")  # fmt: skip
    rows = [[it.group_id, it.name, _figure(it.agreement), f"{it.answered}/{it.copies}",
             ", ".join(names.get(a, "-") if a is not None else "-" for a in it.annotator_ids)]
            for it in report.items[: args.limit]]  # fmt: skip
    print_table(["GROUP", "NAME", "AGREEMENT", "ANSWERED", "ANNOTATORS"], rows)
    if len(report.items) > args.limit:
        print(f"… and {len(report.items) - args.limit} more items (--limit)")
    print()
    print_table(["ANNOTATOR", "ITEMS", "MEAN SCORE"],
                 [[names.get(a.annotator_id, a.annotator_id), a.items, _figure(a.mean_score)] for a in report.annotators])  # fmt: skip
    return 0


def cmd_gold_scores(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from datetime import timedelta

    from sync_server.db.clock import utc_now
    from sync_server.db.quality import (
        answered_gold,
        count_gold,
        order_quality,
        recent_work,
    )
    from sync_server.quality.gold import FLAG_DAYS, gold_scores

    if not 0 <= args.gold_pass <= 1:
        return refuse("--gold-pass must be from 0 to 1")
    if args.by_kind:
        return cmd_gold_by_kind(args, open_fn)
    if args.order is None:
        return refuse("name the ORDER, or ask --by-kind for every order of the office")
    if args.office is not None or args.days is not None:
        return refuse("--office and --days go with --by-kind")
    since = utc_now() - timedelta(days=FLAG_DAYS)

    def work(conn, order_id):
        order = order_quality(conn, order_id)
        scores = gold_scores(order.task_kind, answered_gold(conn, order_id), args.gold_pass, order.iou_threshold)
        return order_id, count_gold(conn, order_id), scores, recent_work(conn, order_id, since), _names(conn)

    found = _read(args, open_fn, work)
    if isinstance(found, int):
        return found
    order_id, gold_items, scores, recent, names = found
    print(f"order {order_id}: {gold_items} gold items; pass mark {args.gold_pass:g}")
    rows = [[names.get(p.annotator_id, p.annotator_id), p.answered, _figure(p.mean_score),
             f"FLAGGED: review {recent.get(p.annotator_id, 0)} items of the last {FLAG_DAYS} days" if p.flagged else "ok",
             ", ".join(f"{m.name} ({m.score:.2f})" for m in p.below[:5]) + (" …" if len(p.below) > 5 else "")]
            for p in scores]  # fmt: skip
    print_table(["ANNOTATOR", "ANSWERED", "MEAN SCORE", "STATUS", "BELOW THE PASS MARK"], rows)
    return 0


def cmd_gold_by_kind(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from datetime import timedelta

    from sqlalchemy import select

    from sync_server.db.accounts import first_office_id
    from sync_server.db.clock import utc_now
    from sync_server.db.dashboard import office_annotators
    from sync_server.db.quality import gold_items_by_kind, office_gold_answers
    from sync_server.db.tables import offices
    from sync_server.quality.gold import gold_by_kind

    if args.order is not None:
        return refuse("--by-kind reads every order of the office: leave the ORDER out")
    if args.days is not None and args.days < 1:
        return refuse("--days must be 1 or more")
    since = None if args.days is None else utc_now() - timedelta(days=args.days)

    def work(conn):
        if args.office:
            office_id = conn.execute(select(offices.c.id).where(offices.c.name == args.office)).scalar()
        else:
            office_id = first_office_id(conn)
        if office_id is None:
            return refuse(f"no office {args.office or ''}".rstrip())
        name = conn.execute(select(offices.c.name).where(offices.c.id == office_id)).scalar_one()
        scores = gold_by_kind(office_gold_answers(conn, office_id, since), args.gold_pass)
        return name, gold_items_by_kind(conn, office_id), scores, office_annotators(conn, office_id)

    found = _read_conn(args, open_fn, work)
    if isinstance(found, int):
        return found
    office, kinds, scores, people = found
    span = "every answer" if args.days is None else f"answers of the last {args.days} days"
    print(f"office {office}: gold accuracy per task kind over every order ({span}); pass mark {args.gold_pass:g}")
    print("gold items: " + (", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none"))
    rows = [[p.task_kind, people[p.annotator_id][0], p.answered, _figure(p.mean_score), "FLAGGED" if p.flagged else "ok"]
            for p in scores if p.annotator_id in people]  # fmt: skip
    print_table(["TASK KIND", "ANNOTATOR", "ITEMS", "ACCURACY", "STATUS"], rows)
    return 0
