"""``aidou-server paysheet``: the month's pay per annotator (accepted items × price), as CSV or XLSX.

Registered by ``sync_server.cli``; the heavy imports wait until the command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sync_server.cli_output import EXIT_REFUSED
from sync_server.db_option import DB_HELP


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: Callable) -> None:
    sheet = commands.add_parser(
        "paysheet",
        help="write the month's pay sheet (accepted items × price per annotator) as CSV or XLSX",
        description="Write one row per annotator of the office: items accepted in MONTH (the current "
        "revision accepted by a lead; a lead's correction counts for the annotator whose work it mended), "
        "the amount in yuan, the count per order, and the month's quality: the accept rate of the lead's "
        "verdicts, the mean gold score and the mean agreement with other annotators, in percent (empty when "
        "there was nothing to measure); then a total. FILE ending in .xlsx writes an Excel workbook, .csv a "
        "UTF-8 CSV that Excel opens.",
    )
    sheet.add_argument("--month", default=datetime.now(timezone.utc).strftime("%Y-%m"), metavar="YYYY-MM",
                       help="the month (default: this month, UTC)")  # fmt: skip
    sheet.add_argument("--out", required=True, metavar="FILE", help="pay.csv or pay.xlsx")
    sheet.add_argument("--office", metavar="NAME", help="the base office (default: the first one)")
    add_data_dir(sheet)
    sheet.add_argument("--db", metavar="URL", help=DB_HELP)
    sheet.set_defaults(func=lambda args: cmd_paysheet(args, open_fn))


def cmd_paysheet(args: argparse.Namespace, open_fn: Callable) -> int:
    from sqlalchemy import select

    from sync_server.db.accounts import first_office_id
    from sync_server.db.dashboard import month_pay_sheet
    from sync_server.db.earnings import month_bounds
    from sync_server.db.engine import read_connection
    from sync_server.db.tables import offices
    from sync_server.paysheet import write_pay_sheet

    try:
        month_bounds(args.month)
    except ValueError:
        print(f"error: --month must look like 2026-12, not {args.month!r}", file=sys.stderr)
        return EXIT_REFUSED
    if Path(args.out).suffix.lower() not in (".csv", ".xlsx"):
        print("error: --out must end in .csv or .xlsx", file=sys.stderr)
        return EXIT_REFUSED
    try:
        engine, _blobs = open_fn(args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return EXIT_REFUSED
    with read_connection(engine) as conn:
        if args.office:
            office_id = conn.execute(select(offices.c.id).where(offices.c.name == args.office)).scalar()
        else:
            office_id = first_office_id(conn)
        if office_id is None:
            print(f"error: no office {args.office or ''}".rstrip(), file=sys.stderr)
            return EXIT_REFUSED
        sheet = month_pay_sheet(conn, office_id, args.month)
    written = write_pay_sheet(sheet, Path(args.out))
    print(f"wrote {written}: {len(sheet.rows)} annotator(s), {sum(p.accepted_items for p in sheet.rows)} accepted "
          f"item(s), ¥{sheet.total_cents / 100:.2f} for {args.month}")  # fmt: skip
    return 0
