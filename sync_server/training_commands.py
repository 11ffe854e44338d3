"""``aidou-server make-course``, ``courses`` and ``certificates``: training and certification
(培训认证, ADR 0027). Registered by ``sync_server.cli``; heavy imports wait for a command."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sync_server.cli_output import print_table, refuse
from sync_server.db_option import DB_HELP
from sync_server.quality_commands import OpenFn


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: OpenFn) -> None:
    def common(parser: argparse.ArgumentParser, func: Callable) -> None:
        add_data_dir(parser)
        parser.add_argument("--db", metavar="URL", help=DB_HELP)
        parser.set_defaults(func=lambda args: func(args, open_fn))

    make = commands.add_parser(
        "make-course",
        help="make a training course from an order's gold items",
        description="A course teaches an order's task kind with its gold items (import the order with --gold "
        "FILE): a trainee answers each item on their PC, offline too, and sees at once what was expected. "
        "An attempt whose mean score reaches the pass mark certifies them for the task kind; orders "
        "imported with --require-certification are leased only to certified annotators. Items a course "
        "teaches no longer count in gold scores: trainees have seen their answers.",
    )
    make.add_argument("order", metavar="ORDER", help="the order's id or name")
    make.add_argument("--name", required=True, help="the course's name, as trainees see it")
    make.add_argument("--pass-mark", type=float, default=0.8, metavar="S", help="0.5 to 1 (default 0.8)")
    make.add_argument("--items", type=int, metavar="N", help="the first N gold items (default all, at most 500)")
    common(make, cmd_make_course)

    listing = commands.add_parser("courses", help="the training courses and how often they were taken")
    common(listing, cmd_courses)

    certs = commands.add_parser("certificates", help="who is certified for which task kind")
    common(certs, cmd_certificates)


def _engine(args, open_fn):
    try:
        engine, _blobs = open_fn(args)
    except SystemExit as exc:
        return None, refuse(str(exc).removeprefix("error: "))
    return engine, 0


def cmd_make_course(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.engine import write_transaction
    from sync_server.db.entities import find_order_id
    from sync_server.db.training import CourseError, create_course

    if args.items is not None and args.items < 1:
        return refuse("--items must be 1 or more")
    engine, code = _engine(args, open_fn)
    if engine is None:
        return code
    try:
        with write_transaction(engine) as conn:
            order_id = find_order_id(conn, args.order)
            if order_id is None:
                return refuse(f"no order with id or name {args.order!r}")
            course_id = create_course(conn, order_id, args.name, args.pass_mark, args.items)
    except CourseError as exc:
        return refuse(str(exc))
    finally:
        engine.dispose()
    print(f"course {course_id} made from order {order_id}'s gold items; pass mark {args.pass_mark:g}")
    return 0


def cmd_courses(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sqlalchemy import func, select

    from sync_server.db.engine import read_connection
    from sync_server.db.tables import course_items, courses, training_attempts

    engine, code = _engine(args, open_fn)
    if engine is None:
        return code
    try:
        with read_connection(engine) as conn:
            lessons = select(func.count()).where(course_items.c.course_id == courses.c.id).scalar_subquery()
            taken = select(func.count()).where(training_attempts.c.course_id == courses.c.id).scalar_subquery()
            passed = (
                select(func.count())
                .where(training_attempts.c.course_id == courses.c.id, training_attempts.c.passed.is_(True))
                .scalar_subquery()
            )
            rows = conn.execute(
                select(courses.c.id, courses.c.name, courses.c.task_kind, courses.c.order_id, courses.c.pass_mark,
                       lessons, taken, passed).order_by(courses.c.id)  # fmt: skip
            ).all()
    finally:
        engine.dispose()
    print_table(["ID", "NAME", "KIND", "ORDER", "PASS MARK", "ITEMS", "ATTEMPTS", "PASSED"],
                 [[r[0], r[1], r[2], r[3], f"{r[4]:g}", r[5], r[6], r[7]] for r in rows])  # fmt: skip
    return 0


def cmd_certificates(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sqlalchemy import select

    from sync_server.db.clock import to_iso
    from sync_server.db.engine import read_connection
    from sync_server.db.tables import certificates, users

    engine, code = _engine(args, open_fn)
    if engine is None:
        return code
    try:
        with read_connection(engine) as conn:
            rows = conn.execute(
                select(users.c.username, certificates.c.task_kind, certificates.c.score, certificates.c.course_id,
                       certificates.c.certified_at)
                .join(users, users.c.id == certificates.c.user_id)
                .order_by(users.c.username, certificates.c.task_kind)
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    print_table(["USER", "KIND", "SCORE", "COURSE", "CERTIFIED AT"],
                 [[r[0], r[1], f"{r[2]:.3f}", r[3], to_iso(r[4])] for r in rows])  # fmt: skip
    return 0
