"""``OfficeClient``: the lead's and admin's online calls (accounts, orders, batches, figures).

A thin typed layer over ``SyncClient.request_json``: one method per endpoint, answers
parsed into the protocol's wire dataclasses. Errors are ``SyncClient``'s own
(``Offline``, ``AuthError``, ``ServerError`` with ``.code``). No Qt, no local state:
these screens act on the server only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.errors import ServerError
from sync_server.protocol import (
    AnnotatorProgress,
    AnnotatorsResponse,
    AssignIdleRequest,
    AssignIdleResponse,
    Assignment,
    AssignRequest,
    BatchesResponse,
    BatchProgress,
    NewUserRequest,
    OrderProgress,
    OrdersResponse,
    PasswordRequest,
    ResolveRequest,
    ResolveResponse,
    UserRecord,
    UsersResponse,
    WireError,
    from_wire,
    to_wire,
)


# The figures routes answer plain JSON (``sync_server.api.report_routes``) with no wire type
# in the protocol yet; these mirror their shape so the page gets objects, not dicts.
@dataclass
class PayRow:
    annotator_id: int
    username: str
    display_name: str
    accepted_items: int = 0
    amount_cents: int = 0
    by_order: dict[str, int] = field(default_factory=dict)  # order name -> accepted items


@dataclass
class PaySheet:
    month: str  # YYYY-MM
    rows: list[PayRow]
    total_cents: int = 0


@dataclass
class ThroughputRow:
    annotator_id: int
    day: str  # YYYY-MM-DD, UTC
    items: int


@dataclass
class Throughput:
    days: int
    rows: list[ThroughputRow]


# ``GET /quality/agreement`` and ``/quality/gold`` (docs/interfaces.md "Quality"): plain JSON too.
@dataclass
class AgreementItem:
    group_id: int
    name: str
    agreement: float | None  # 0..1; None with fewer than two answers
    answered: int
    copies: int
    item_ids: list[int] = field(default_factory=list)
    annotator_ids: list[int | None] = field(default_factory=list)  # per copy; None = nobody answered it


@dataclass
class AnnotatorAgreement:
    annotator_id: int
    items: int  # overlap items they answered
    mean_score: float  # 0..1, against the other copies' answers


@dataclass
class Agreement:
    order_id: int
    task_kind: str
    groups: int  # overlap items; 0 = the order has no overlap
    answered_groups: int
    kappa: float | None = None
    kappa_kind: str | None = None  # "cohen" | "fleiss" | None (not a class order)
    kappa_items: int = 0
    items: list[AgreementItem] = field(default_factory=list)  # lowest agreement first
    annotators: list[AnnotatorAgreement] = field(default_factory=list)


@dataclass
class GoldMiss:
    item_id: int
    name: str
    score: float


@dataclass
class GoldScore:
    annotator_id: int
    answered: int  # gold items whose head they made
    mean_score: float  # 0..1
    flagged: bool  # below the pass mark: their recent work needs review
    since: str | None = None  # ISO 8601 UTC, flagged only
    recent_items: int = 0
    below: list[GoldMiss] = field(default_factory=list)


@dataclass
class GoldScores:
    order_id: int
    gold_items: int  # 0 = the order has no gold answers
    pass_mark: float
    annotators: list[GoldScore] = field(default_factory=list)  # lowest mean first


# ``GET /quality/dashboard`` (docs/interfaces.md "Quality"): one order, per annotator and UTC day.
@dataclass
class DashboardDay:
    day: str  # YYYY-MM-DD, UTC
    items: int = 0  # head revisions they made that day
    accepted: int = 0  # the lead's verdicts that day on revisions they made
    rejected: int = 0
    accept_rate: float | None = None  # 0..1; None: no verdict
    gold_answered: int = 0
    gold_score: float | None = None  # 0..1; None: no gold item answered
    agreement_pairs: int = 0
    agreement: float | None = None  # 0..1; None: no overlap copy to compare with


@dataclass
class DashboardAnnotator:
    annotator_id: int
    username: str
    display_name: str
    items: int = 0  # the window's totals, as in DashboardDay
    accepted: int = 0
    rejected: int = 0
    accept_rate: float | None = None
    gold_answered: int = 0
    gold_score: float | None = None
    agreement_pairs: int = 0
    agreement: float | None = None
    days: list[DashboardDay] = field(default_factory=list)  # days with a figure, oldest first


@dataclass
class Dashboard:
    order_id: int
    days: int
    first_day: str
    last_day: str
    annotators: list[DashboardAnnotator] = field(default_factory=list)  # by username


def iso_until(until: datetime) -> str:
    """A lease end as the server wants it: ISO 8601 in UTC with ``Z``."""
    if until.tzinfo is None:
        raise ValueError("a lease end needs a time zone")
    return until.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def days_from_now(days: int, now: datetime | None = None) -> datetime:
    return (now or datetime.now(timezone.utc)) + timedelta(days=days)


class OfficeClient:
    def __init__(self, client: SyncClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------ accounts (admins)

    def users(self) -> list[UserRecord]:
        return _parse(UsersResponse, self._call("GET", "/users")).users

    def add_user(self, username: str, display_name: str, role: str, password: str) -> UserRecord:
        body = to_wire(NewUserRequest(username, display_name, role, password))
        return _parse(UserRecord, self._call("POST", "/users", body))

    def set_password(self, user_id: int, password: str) -> UserRecord:
        return _parse(UserRecord, self._call("POST", f"/users/{user_id}/password", to_wire(PasswordRequest(password))))

    def disable_user(self, user_id: int) -> UserRecord:
        return _parse(UserRecord, self._call("POST", f"/users/{user_id}/disable"))

    def enable_user(self, user_id: int) -> UserRecord:
        return _parse(UserRecord, self._call("POST", f"/users/{user_id}/enable"))

    # ------------------------------------------------------------ orders and batches (leads, admins)

    def orders(self) -> list[OrderProgress]:
        return _parse(OrdersResponse, self._call("GET", "/orders")).orders

    def batches(self, order_id: int) -> list[BatchProgress]:
        return _parse(BatchesResponse, self._call("GET", f"/orders/{order_id}/batches")).batches

    def annotators(self, order_id: int) -> list[AnnotatorProgress]:
        return _parse(AnnotatorsResponse, self._call("GET", f"/orders/{order_id}/annotators")).annotators

    def assign_batch(self, batch_id: int, annotator_id: int, until: datetime, force: bool = False) -> BatchProgress:
        body = to_wire(AssignRequest(annotator_id, iso_until(until), force))
        return _parse(BatchProgress, self._call("POST", f"/batches/{batch_id}/assign", body))

    def release_batch(self, batch_id: int) -> BatchProgress:
        return _parse(BatchProgress, self._call("POST", f"/batches/{batch_id}/release"))

    def assign_idle(self, order_id: int, until: datetime) -> list[Assignment]:
        body = to_wire(AssignIdleRequest(iso_until(until)))
        return _parse(AssignIdleResponse, self._call("POST", f"/orders/{order_id}/assign-idle", body)).assigned

    # ------------------------------------------------------------ conflicts (leads, admins)

    def resolve_conflict(self, item_id: int, choose: str) -> str:
        """Make revision ``choose`` the item's head (a new revision by the caller); its id."""
        body = to_wire(ResolveRequest(item_id, choose))
        return _parse(ResolveResponse, self._call("POST", "/conflicts/resolve", body)).id

    # ------------------------------------------------------------ figures (leads, admins)

    def pay_sheet(self, month: str) -> PaySheet:
        data = self._call("GET", "/paysheet", params={"month": month})
        rows = data.get("rows") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ServerError("unexpected answer from the server: no pay sheet rows")
        return PaySheet(
            month=str(data.get("month", month)),
            rows=[_parse(PayRow, row) for row in rows],
            total_cents=int(data.get("total_cents") or 0),
        )

    def throughput(self, days: int = 14) -> Throughput:
        data = self._call("GET", "/throughput", params={"days": days})
        rows = data.get("rows") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ServerError("unexpected answer from the server: no throughput rows")
        return Throughput(days=int(data.get("days") or days), rows=[_parse(ThroughputRow, row) for row in rows])

    # ------------------------------------------------------------ quality (leads, admins)

    def agreement(self, order_id: int) -> Agreement:
        data = self._call("GET", "/quality/agreement", params={"order_id": order_id})
        report = _parse(Agreement, _with_list(data, "items", "annotators"))
        report.items = [_parse(AgreementItem, row) for row in report.items]
        report.annotators = [_parse(AnnotatorAgreement, row) for row in report.annotators]
        return report

    def gold_scores(self, order_id: int, pass_mark: float = 0.8) -> GoldScores:
        data = self._call("GET", "/quality/gold", params={"order_id": order_id, "pass_mark": pass_mark})
        scores = _parse(GoldScores, _with_list(data, "annotators"))
        scores.annotators = [_parse(GoldScore, row) for row in scores.annotators]
        for person in scores.annotators:
            person.below = [_parse(GoldMiss, miss) for miss in person.below]
        return scores

    def dashboard(self, order_id: int, days: int = 30) -> Dashboard:
        data = self._call("GET", "/quality/dashboard", params={"order_id": order_id, "days": days})
        board = _parse(Dashboard, _with_list(data, "annotators"))
        board.annotators = [_parse(DashboardAnnotator, _with_list(row, "days")) for row in board.annotators]
        for person in board.annotators:
            person.days = [_parse(DashboardDay, day) for day in person.days]
        return board

    def _call(self, method: str, path: str, body: Any = None, params: dict | None = None) -> Any:
        return self.client.request_json(method, path, body=body, params=params)


def _with_list(data: Any, *keys: str) -> Any:
    """``data`` once each of ``keys`` holds a list (the wire decoder leaves nested rows as dicts)."""
    if not isinstance(data, dict) or not all(isinstance(data.get(key), list) for key in keys):
        raise ServerError(f"unexpected answer from the server: no {' or '.join(keys)} list")
    return data


def _parse(cls: type, data: Any) -> Any:
    try:
        return from_wire(cls, data)
    except WireError as exc:
        raise ServerError(f"unexpected answer from the server: {exc}") from exc
