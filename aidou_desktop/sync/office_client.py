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

    def _call(self, method: str, path: str, body: Any = None, params: dict | None = None) -> Any:
        return self.client.request_json(method, path, body=body, params=params)


def _parse(cls: type, data: Any) -> Any:
    try:
        return from_wire(cls, data)
    except WireError as exc:
        raise ServerError(f"unexpected answer from the server: {exc}") from exc
