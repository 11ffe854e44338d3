"""Writing the monthly pay sheet as CSV or XLSX (openpyxl), for the office's accounts.

Besides the pay, each annotator's quality of the month (issue 11): accept rate, gold score and
agreement, in percent; an empty cell when there was nothing to measure.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sync_server.db.earnings import PayRow
from sync_server.quality.dashboard import Tally

HEADER = ["用户名 username", "姓名 name", "通过条数 accepted items", "金额(元) amount (CNY)", "按订单 by order",
          "通过率(%) accept rate", "质检题得分(%) gold score", "一致性(%) agreement"]  # fmt: skip


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def quality_cells(tally: Tally | None) -> list[float | None]:
    """Accept rate, gold score, agreement of the month; None (an empty cell) when unmeasured."""
    if tally is None:
        return [None, None, None]
    return [_percent(tally.accept_rate), _percent(tally.gold_score), _percent(tally.agreement)]


def rows_for(sheet: list[PayRow], quality: dict[int, Tally] | None = None) -> list[list]:
    """``quality``: annotator id → the month's tally (``sync_server.db.dashboard.office_figures``)."""
    quality = quality or {}
    out = []
    everyone = Tally()
    for pay in sheet:
        orders = "; ".join(f"{name}: {count}" for name, count in sorted(pay.by_order.items()))
        tally = quality.get(pay.annotator_id)
        if tally is not None:
            everyone.add(tally)
        out.append([pay.username, pay.display_name, pay.accepted_items, round(pay.amount_cents / 100, 2), orders,
                    *quality_cells(tally)])  # fmt: skip
    total = sum(p.amount_cents for p in sheet)
    out.append(["合计 total", "", sum(p.accepted_items for p in sheet), round(total / 100, 2), "", *quality_cells(everyone)])
    return out


def write_pay_sheet(sheet: list[PayRow], month: str, out: Path, quality: dict[int, Tally] | None = None) -> Path:
    """``out`` by its suffix: .csv (UTF-8 with BOM, so Excel on Chinese Windows reads it) or .xlsx."""
    out = Path(out)
    body = rows_for(sheet, quality)
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # only the admin's command needs it

        book = Workbook()
        page = book.active
        page.title = month
        page.append(HEADER)
        for row in body:
            page.append(row)
        for column, width in zip("ABCDEFGH", (16, 14, 14, 16, 40, 14, 16, 14)):
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
