"""质量 (leads, admins): how well one order's annotators agree with each other and with the gold
answers, and each annotator's gold accuracy per task kind over every order of the office.

The figures come from the server (``GET /quality/agreement``, ``/quality/gold`` and
``/quality/gold/kinds``, ADR 0026) for the order chosen here; they load as ``OrderFiguresTab``
says: when the tab is shown after a change, when another order or pass mark is chosen, and on
the page's Refresh while this tab is on screen (computing them is not free on a big order).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.sync.office_client import OfficeClient
from aidou_desktop.ui.office_models import Column, RecordTableModel, make_table, percent
from aidou_desktop.ui.office_tab import OrderFiguresTab, RunJob
from aidou_desktop.ui.time_format import local_text
from aidou_desktop.ui.training_page import kind_name
from sync_server.protocol import Agreement, GoldByKind, GoldScores, KindGold

DEFAULT_PASS_PERCENT = (
    80  # the server's default pass mark (sync_server.quality.gold.DEFAULT_GOLD_PASS)
)
LOW_AGREEMENT = 0.5  # an item below it is shown red: half or less of the answers match


@dataclass
class QualityFigures:
    """One order's figures and the office's per kind, fetched in one job so the tables agree."""

    order_id: int
    agreement: Agreement
    gold: GoldScores
    names: dict[int, str]  # annotator id → "姓名 (username)"
    kinds: GoldByKind | None = None  # None: not asked for


@dataclass
class AnnotatorQuality:
    """One row of the annotators table: gold and agreement side by side."""

    annotator_id: int
    name: str
    gold_answered: int = 0
    gold_score: float | None = None
    agreement: float | None = None
    overlap_items: int = 0
    flagged: bool = False
    since: str | None = None
    recent_items: int = 0


def annotator_rows(figures: QualityFigures) -> list[AnnotatorQuality]:
    """Everyone with a gold or overlap answer; the flagged first, then the lowest gold score."""
    rows: dict[int, AnnotatorQuality] = {}

    def row(annotator_id: int) -> AnnotatorQuality:
        name = figures.names.get(annotator_id, f"#{annotator_id}")
        return rows.setdefault(annotator_id, AnnotatorQuality(annotator_id, name))

    for score in figures.gold.annotators:
        person = row(score.annotator_id)
        person.gold_answered, person.gold_score, person.flagged = (
            score.answered,
            score.mean_score,
            score.flagged,
        )
        person.since, person.recent_items = score.since, score.recent_items
    for mean in figures.agreement.annotators:
        person = row(mean.annotator_id)
        person.agreement, person.overlap_items = mean.mean_score, mean.items

    def order(person: AnnotatorQuality) -> tuple:
        gold = person.gold_score if person.gold_score is not None else 2.0
        agreement = person.agreement if person.agreement is not None else 2.0
        return (not person.flagged, gold, agreement, person.name)

    return sorted(rows.values(), key=order)


class QualityTab(OrderFiguresTab):
    def __init__(self, run: RunJob, parent: QWidget | None = None) -> None:
        super().__init__(run, parent)
        self._names: dict[int, str] = {}  # annotator id → name, for the items table
        self.order_combo.setToolTip(self.tr("The order whose quality figures are shown"))
        self.pass_spin = QSpinBox()
        self.pass_spin.setRange(0, 100)
        self.pass_spin.setSuffix("%")
        self.pass_spin.setValue(DEFAULT_PASS_PERCENT)
        self.pass_spin.setKeyboardTracking(False)  # a typed mark counts on Enter, not at each digit
        self.pass_spin.setToolTip(self.tr("A gold score below this marks the annotator's work for review"))
        self.pass_spin.valueChanged.connect(lambda _value: self.load())

        self.people_model = RecordTableModel(
            [
                Column(self.tr("Annotator"), lambda r: r.name),
                Column(self.tr("Gold items answered"), lambda r: r.gold_answered),
                Column(
                    self.tr("Gold score"),
                    lambda r: percent(r.gold_score),
                    warn=lambda r: r.flagged,
                ),
                Column(self.tr("Agreement"), lambda r: percent(r.agreement)),
                Column(self.tr("Review"), self._review_text, warn=lambda r: r.flagged),
            ],
            key=lambda r: r.annotator_id,
            parent=self,
        )
        self.items_model = RecordTableModel(
            [
                Column(self.tr("Item"), lambda r: r.name),
                Column(
                    self.tr("Agreement"),
                    lambda r: percent(r.agreement),
                    warn=_low_agreement,
                ),
                Column(
                    self.tr("Answers"),
                    lambda r: (
                        self.tr("%1 of %2")
                        .replace("%1", str(r.answered))
                        .replace("%2", str(r.copies))
                    ),
                ),
                Column(self.tr("Annotators"), self._item_people),
            ],
            key=lambda r: r.group_id,
            parent=self,
        )
        self.kinds_model = RecordTableModel(
            [
                Column(self.tr("Annotator"), lambda r: f"{r.display_name} ({r.username})"),
                Column(self.tr("Task kind"), lambda r: kind_name(r.task_kind)),
                Column(self.tr("Gold items"), lambda r: r.answered),
                Column(self.tr("Accuracy"), lambda r: percent(r.mean_score), warn=lambda r: r.flagged),
                Column(self.tr("Flagged"), self._flag_text, warn=lambda r: r.flagged),
            ],
            key=lambda r: (r.annotator_id, r.task_kind),
            parent=self,
        )
        self.people_table = make_table(self.people_model, stretch=4)
        self.items_table = make_table(self.items_model, stretch=3)
        self.kinds_table = make_table(self.kinds_model, stretch=0)
        self.kinds_table.setToolTip(self.tr("Each annotator's mean gold score on each task kind, over every order"))
        self.people_note = _note()
        self.items_note = _note()
        self.kinds_note = _note()
        self.kappa_label = QLabel()
        self.kappa_label.setStyleSheet("font-weight: bold;")
        self.kappa_hint = _note()

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("Order")))
        chooser.addWidget(self.order_combo)
        chooser.addSpacing(16)
        chooser.addWidget(QLabel(self.tr("Gold pass mark")))
        chooser.addWidget(self.pass_spin)
        chooser.addStretch(1)
        # the office's figures beside the order's: is a low score the person's or the order's?
        top = QGridLayout()  # titles, notes and tables each on one line: the two tables start level
        top.setHorizontalSpacing(12)
        top.addWidget(_title(self.tr("Annotators")), 0, 0)
        top.addWidget(self.people_note, 1, 0)
        top.addWidget(self.people_table, 2, 0)
        top.addWidget(_title(self.tr("Gold accuracy per task kind, all orders")), 0, 1)
        top.addWidget(self.kinds_note, 1, 1)
        top.addWidget(self.kinds_table, 2, 1)
        top.setColumnStretch(0, 3)
        top.setColumnStretch(1, 2)
        top.setRowStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addLayout(top, 1)
        layout.addWidget(_title(self.tr("Items, lowest agreement first")))
        layout.addWidget(self.kappa_label)
        layout.addWidget(self.kappa_hint)
        layout.addWidget(self.items_note)
        layout.addWidget(self.items_table, 2)
        layout.addStretch(0)  # takes the room only while the tables are hidden (an order without figures)
        self.show_nothing(self.tr("Choose an order to see its quality figures."))
        self.update_buttons()

    def update_buttons(self, *_args) -> None:
        super().update_buttons()
        self.pass_spin.setEnabled(not self.busy and self.has_orders())

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        """Fetch the chosen order's figures (agreement, gold scores, the names behind the ids)
        and the office's gold accuracy per task kind, at the pass mark chosen."""
        order_id, pass_mark = self.order_id(), self.pass_spin.value() / 100
        if order_id is None:
            return
        self.loading()

        def work(office: OfficeClient) -> QualityFigures:
            agreement, gold = office.agreement(order_id), office.gold_scores(order_id, pass_mark)
            names = {a.annotator_id: f"{a.display_name} ({a.username})" for a in office.annotators(order_id)}
            return QualityFigures(order_id, agreement, gold, names, office.gold_by_kind(pass_mark=pass_mark))

        self.run(work, self.show_figures)

    def show_figures(self, figures: QualityFigures) -> None:
        if figures.order_id != self.order_id():
            return  # another order was chosen while this one loaded: its own answer follows
        self._names = figures.names
        if figures.kinds is not None:
            self._show_kinds(figures.kinds)
        agreement, gold = figures.agreement, figures.gold
        people = annotator_rows(figures)
        self.people_model.set_rows(people)
        if not gold.gold_items and not agreement.groups:
            self.people_note.setText(
                self.tr(
                    "This order has no gold items and no overlap, so there are no quality figures for its annotators."
                )
            )
        elif not people:
            self.people_note.setText(
                self.tr(
                    "Nobody has answered a gold item or an overlap item of this order yet."
                )
            )
        elif not gold.gold_items:
            self.people_note.setText(
                self.tr("This order has no gold items: only agreement is shown.")
            )
        elif not agreement.groups:
            self.people_note.setText(
                self.tr("This order has no overlap: only gold scores are shown.")
            )
        else:
            self.people_note.setText("")
        self.people_note.setVisible(bool(self.people_note.text()))
        self.people_table.setVisible(bool(people))

        self.items_model.set_rows(agreement.items)
        self._show_kappa(agreement)
        if not agreement.groups:
            self.items_note.setText(
                self.tr(
                    "This order has no overlap: each item goes to one annotator, so there is no agreement to show."
                )
            )
        else:
            self.items_note.setText(self.tr("%1 of %2 overlap items have two or more answers to compare.")
                                    .replace("%1", str(agreement.answered_groups)).replace("%2", str(agreement.groups)))  # fmt: skip
        self.items_note.show()
        self.items_table.setVisible(bool(agreement.groups))

    # ------------------------------------------------------------ internals

    def show_nothing(self, text: str) -> None:
        for model in (self.people_model, self.items_model, self.kinds_model):
            model.set_rows([])
        for widget in (self.people_table, self.items_table, self.kinds_table, self.kinds_note, self.kappa_label,
                       self.kappa_hint, self.items_note):  # fmt: skip
            widget.hide()
        self.people_note.setText(text)
        self.people_note.show()

    def _show_kinds(self, kinds: GoldByKind) -> None:
        rows = list(kinds.annotators)
        self.kinds_model.set_rows(rows)
        if not kinds.kinds:
            self.kinds_note.setText(self.tr("No order of this office has gold items."))
        elif not rows:
            self.kinds_note.setText(self.tr("Nobody has answered a gold item yet."))
        self.kinds_note.setVisible(not rows)  # a table beside the annotators' starts level with it
        self.kinds_table.setVisible(bool(rows))

    def _show_kappa(self, agreement: Agreement) -> None:
        names = {"cohen": self.tr("Cohen's κ"), "fleiss": self.tr("Fleiss' κ")}
        name = names.get(agreement.kappa_kind or "")
        if name is None:
            self.kappa_label.hide()
            self.kappa_hint.hide()
            return
        if agreement.kappa is None:
            self.kappa_label.setText(
                self.tr("%1: not enough answers yet").replace("%1", name)
            )
            self.kappa_hint.setText(
                self.tr(
                    "κ needs items that every annotator of the overlap has answered."
                )
            )
        else:
            value = f"{agreement.kappa:.2f}"
            self.kappa_label.setText(self.tr("%1 = %2 (over %n item(s))", "", agreement.kappa_items)
                                     .replace("%1", name).replace("%2", value))  # fmt: skip
            self.kappa_hint.setText(self._kappa_hint(agreement.kappa))
        self.kappa_label.show()
        self.kappa_hint.show()

    def _kappa_hint(self, kappa: float) -> str:
        """The usual reading of a kappa (Landis and Koch), in one plain sentence."""
        if kappa < 0.2:
            return self.tr(
                "κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here barely better than guessing; the guidelines or the labels are unclear."
            )
        if kappa < 0.4:
            return self.tr(
                "κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here fair; many items are labelled differently."
            )
        if kappa < 0.6:
            return self.tr(
                "κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here moderate; check the items below."
            )
        if kappa < 0.8:
            return self.tr(
                "κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here good."
            )
        return self.tr(
            "κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here almost perfect."
        )

    def _flag_text(self, row: KindGold) -> str:
        return self.tr("Below the pass mark") if row.flagged else ""

    def _review_text(self, person: AnnotatorQuality) -> str:
        if not person.flagged:
            return ""
        since = local_text(person.since)[:10]
        return self.tr(
            "Needs review: %n item(s) since %1", "", person.recent_items
        ).replace("%1", since)

    def _item_people(self, item) -> str:
        return "、".join(
            self._names.get(who, f"#{who}")
            for who in item.annotator_ids
            if who is not None
        )


def _low_agreement(item) -> bool:
    return item.agreement is not None and item.agreement < LOW_AGREEMENT


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold;")
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return label


def _note() -> QLabel:
    label = QLabel()
    label.setObjectName("muted")
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return label
