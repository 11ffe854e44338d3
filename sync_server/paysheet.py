"""Writing the monthly pay sheet as CSV or XLSX (openpyxl), for the office's accounts.

Besides the pay, each annotator's quality of the month (issue 11): accept rate, gold score and
agreement, in percent; an empty cell when there was nothing to measure.

One file format wherever it is written: ``aidou-server paysheet`` writes the sheet
``sync_server.db.dashboard.month_pay_sheet`` makes, the desktop's 统计 tab the same sheet as
``GET /paysheet`` answers it. So this module reads the protocol's ``PaySheet`` only (standard
library; openpyxl when an .xlsx is asked for): the desktop imports it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sync_server.protocol import PaySheet

HEADER = ["用户名 username", "姓名 name", "通过条数 accepted items", "金额(元) amount (CNY)", "按订单 by order",
          "通过率(%) accept rate", "质检题得分(%) gold score", "一致性(%) agreement"]  # fmt: skip
WIDTHS = (16, 14, 14, 16, 40, 14, 16, 14)  # of the XLSX columns, in characters


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def by_order_text(by_order: dict[str, int]) -> str:
    return "; ".join(f"{name}: {count}" for name, count in sorted(by_order.items()))


def sheet_rows(sheet: PaySheet) -> list[list]:
    """One row per annotator, then the total (everyone's quality): the cells under ``HEADER``."""
    out = []
    for pay in sheet.rows:
        out.append([pay.username, pay.display_name, pay.accepted_items, round(pay.amount_cents / 100, 2),
                    by_order_text(pay.by_order), _percent(pay.accept_rate), _percent(pay.gold_score),
                    _percent(pay.agreement)])  # fmt: skip
    out.append(["合计 total", "", sum(p.accepted_items for p in sheet.rows), round(sheet.total_cents / 100, 2), "",
                _percent(sheet.accept_rate), _percent(sheet.gold_score), _percent(sheet.agreement)])  # fmt: skip
    return out


def write_pay_sheet(sheet: PaySheet, out: Path) -> Path:
    """``out`` by its suffix: .csv (UTF-8 with BOM, so Excel on Chinese Windows reads it) or .xlsx."""
    out = Path(out)
    body = sheet_rows(sheet)
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # only an export needs it

        book = Workbook()
        page = book.active
        page.title = sheet.month
        page.append(HEADER)
        for row in body:
            page.append(row)
        for column, width in zip("ABCDEFGH", WIDTHS):
            page.column_dimensions[column].width = width
        book.save(out)
    elif out.suffix.lower() == ".csv":
        with open(out, "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(body)
    else:
        raise ValueError(f"a pay sheet is .csv or .xlsx, not {out.suffix or 'no suffix'}")
    return out
