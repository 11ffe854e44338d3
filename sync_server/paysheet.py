"""Writing the monthly pay sheet as CSV or XLSX (openpyxl), for the office's accounts."""

from __future__ import annotations

import csv
from pathlib import Path

from sync_server.db.earnings import PayRow

HEADER = ["用户名 username", "姓名 name", "通过条数 accepted items", "金额(元) amount (CNY)", "按订单 by order"]


def rows_for(sheet: list[PayRow]) -> list[list]:
    out = []
    for pay in sheet:
        orders = "; ".join(f"{name}: {count}" for name, count in sorted(pay.by_order.items()))
        out.append([pay.username, pay.display_name, pay.accepted_items, round(pay.amount_cents / 100, 2), orders])
    total = sum(p.amount_cents for p in sheet)
    out.append(["合计 total", "", sum(p.accepted_items for p in sheet), round(total / 100, 2), ""])
    return out


def write_pay_sheet(sheet: list[PayRow], month: str, out: Path) -> Path:
    """``out`` by its suffix: .csv (UTF-8 with BOM, so Excel on Chinese Windows reads it) or .xlsx."""
    out = Path(out)
    body = rows_for(sheet)
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # only the admin's command needs it

        book = Workbook()
        page = book.active
        page.title = month
        page.append(HEADER)
        for row in body:
            page.append(row)
        for column, width in zip("ABCDE", (16, 14, 14, 16, 40)):
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
