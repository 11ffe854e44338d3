"""``OfficeClient``: the lead's and admin's online calls (accounts, orders, batches, figures).

A thin typed layer over ``SyncClient.request_json``: one method per endpoint, answers
parsed into the protocol's wire dataclasses (``sync_server.protocol.office``; the names are
also importable from here). Errors are ``SyncClient``'s own
(``Offline``, ``AuthError``, ``ServerError`` with ``.code``). No Qt, no local state:
these screens act on the server only.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.errors import ServerError
from sync_server.protocol import (
    Agreement,
    AgreementItem,
    AnnotatorAgreement,
    AnnotatorProgress,
    AnnotatorsResponse,
    AssignIdleRequest,
    AssignIdleResponse,
    Assignment,
    AssignRequest,
    BatchesResponse,
    BatchProgress,
    Dashboard,
    DashboardAnnotator,
    DashboardDay,
    GoldByKind,
    GoldMiss,
    GoldScore,
    GoldScores,
    KindGold,
    KindGoldItems,
    NewUserRequest,
    OrderProgress,
    OrdersResponse,
    PasswordRequest,
    PayRow,
    PaySheet,
    ResolveRequest,
    ResolveResponse,
    Throughput,
    ThroughputRow,
    UserRecord,
    UsersResponse,
    WireError,
    from_wire,
    to_wire,
)


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
        """The month's pay and quality per annotator (``GET /paysheet``)."""
        sheet = _parse(PaySheet, _with_list(self._call("GET", "/paysheet", params={"month": month}), "rows"))
        sheet.rows = [_parse(PayRow, row) for row in sheet.rows]
        return sheet

    def throughput(self, days: int = 14) -> Throughput:
        data = self._call("GET", "/throughput", params={"days": days})
        found = _parse(Throughput, _with_list(data, "rows"))
        found.rows = [_parse(ThroughputRow, row) for row in found.rows]
        return found

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

    def gold_by_kind(self, days: int | None = None, pass_mark: float = 0.8) -> GoldByKind:
        """Each annotator's gold accuracy per task kind over the office's orders; ``days``: only
        the gold items answered in the last days (None: every one)."""
        params: dict[str, Any] = {"pass_mark": pass_mark}
        if days is not None:
            params["days"] = days
        found = _parse(GoldByKind, _with_list(self._call("GET", "/quality/gold/kinds", params=params), "kinds", "annotators"))
        found.kinds = [_parse(KindGoldItems, row) for row in found.kinds]
        found.annotators = [_parse(KindGold, row) for row in found.annotators]
        return found

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
