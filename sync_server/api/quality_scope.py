"""Who may see quality figures, and the document pieces the quality routes share.

A lead or an admin sees the figures of their own office: ``lead_order`` checks the role
and finds the order in the caller's office (another office's order is unknown: 404, so
its existence does not leak), ``lead_office`` checks the role for the office-wide figures.
Used by ``quality_routes`` and ``dashboard_routes``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from sync_server.api.errors import ApiError
from sync_server.api.openapi_doc import errors
from sync_server.orders.assignment import (
    AssignmentError,
    UnknownOrder,
    find_order,
    require_lead,
)
from sync_server.protocol import UserInfo

UNKNOWN_ORDER = "unknown_order: no such order in your office"
FORBIDDEN = "forbidden: only a lead or an admin sees quality figures"
# the error answers every quality route may give (a route without an order never gives the 404)
QUALITY_ERRORS = {**errors(400, 422, 426), **errors(401, 403, 404, s403=FORBIDDEN, s404=UNKNOWN_ORDER)}


def lead_office(user: UserInfo) -> int:
    """The caller's office, once they are a lead or an admin; 403 ``forbidden`` otherwise."""
    try:
        require_lead(user)
    except AssignmentError as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    return user.office_id


def lead_order(conn: Connection, user: UserInfo, order_id: int) -> None:
    """403 ``forbidden`` unless a lead or an admin; 404 ``unknown_order`` unless the order is
    in their office."""
    lead_office(user)
    try:
        find_order(conn, user.office_id, order_id)
    except UnknownOrder as exc:
        raise ApiError(404, "unknown_order", str(exc)) from None
    except AssignmentError as exc:
        raise ApiError(403, "forbidden", str(exc)) from None


def json_object(**properties: Any) -> dict[str, Any]:
    """A JSON schema object whose every property is required (the answers are ``asdict``)."""
    return {"type": "object", "properties": properties, "required": list(properties)}
