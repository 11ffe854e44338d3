"""The annotator's figures on the home screen: done today and this week, the accept rate
(with how many items it rests on) and what this month's accepted work earns."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from aidou_desktop.model.review import Earnings


class EarningsStrip(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.today = QLabel()
        self.week = QLabel()
        self.rate = QLabel()
        self.money = QLabel()
        self.money.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1a7f37;")
        self.note = QLabel(self.tr("(from this PC's data; corrected by each sync)"))
        self.note.setObjectName("muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(24)
        for label in (self.today, self.week, self.rate, self.money):
            layout.addWidget(label)
        layout.addStretch(1)
        layout.addWidget(self.note)

    def show_earnings(self, earnings: Earnings) -> None:
        self.today.setText(self.tr("Done today: %1").replace("%1", str(earnings.done_today)))
        self.week.setText(self.tr("This week: %1").replace("%1", str(earnings.done_week)))
        if earnings.judged:
            percent = round(100 * earnings.accepted / earnings.judged)
            self.rate.setText(self.tr("Accept rate %1% (%2 reviewed)").replace("%1", str(percent))
                              .replace("%2", str(earnings.judged)))  # fmt: skip
        else:
            self.rate.setText(self.tr("Accept rate: nothing reviewed yet"))
        self.money.setText(self.tr("Earned this month: ¥%1").replace("%1", f"{earnings.month_cents / 100:.2f}"))
