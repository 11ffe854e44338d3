"""Wire types of the lead's and admin's endpoints: conflicts, accounts, orders and batches
with their progress. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass

from sync_server.protocol.wire import PROTOCOL_VERSION

@dataclass
class ConflictInfo:
    """One revision kept as a conflict, as a lead's list shows it (``GET /api/v1/conflicts``)."""

    id: str  # the conflicted revision
    item_id: int
    item_name: str
    order_id: int
    order_name: str
    batch_id: int | None
    annotator_id: int  # who made it
    annotator_name: str  # their username
    code: str | None  # CONFLICT_*: why it waits for a person
    reason: str | None
    received_at: str  # the server's clock
    device_id: str | None = None  # the desktop install that made it
    head_id: str | None = None  # the item's head revision now
    head_annotator_id: int | None = None
    head_annotator_name: str | None = None
    resolved_by: int | None = None  # set once a lead or admin settled the item
    resolved_by_name: str | None = None
    resolved_at: str | None = None


@dataclass
class ConflictsResponse:
    conflicts: list[ConflictInfo]


@dataclass
class ResolveRequest:
    """Settle an item's open conflicts: its new head gets the shapes of revision ``choose``."""

    item_id: int
    choose: str  # any stored revision of the item: a conflicted one or the head
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class ResolveResponse:
    id: str  # the new head revision, made by the resolver


# ---------------------------------------------------------------- accounts (admin)

MIN_PASSWORD_LENGTH = 6
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only stops abuse
MAX_USERNAME_LENGTH = 100  # letters, digits and . _ - (the users table's column)
MAX_DISPLAY_NAME_LENGTH = 200


@dataclass
class UserRecord:
    """One account as the base admin's list shows it (``GET /api/v1/users``)."""

    id: int
    username: str
    display_name: str
    role: str  # one of ROLES
    disabled: bool  # a disabled user's tokens and password open nothing; their work stays
    last_sync_at: str | None = None  # their last change-feed read (to the minute); absent = never


@dataclass
class UsersResponse:
    users: list[UserRecord]


@dataclass
class NewUserRequest:
    """A new account in the admin's own office; the new hire logs in with ``password``."""

    username: str
    display_name: str
    role: str
    password: str
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class PasswordRequest:
    """A new password for an account; every token of that user stops working."""

    password: str
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class SignOutResponse:
    """The answer to a logout or an admin's sign-out: how many tokens stopped working."""

    revoked: int


# (end of accounts wire types)

# ---------------------------------------------------------------- orders, batches, progress
# Counts of items (``sync_server.db.progress``): done = has a head revision; accepted /
# rejected = the lead's verdict judged the current head; submitted = done, neither;
# conflicted = has an open conflict revision (counted whether or not it is done).


@dataclass
class OrderProgress:
    """One order as the lead's list shows it (``GET /api/v1/orders``)."""

    id: int
    name: str
    task_kind: str
    price_cents: int
    batches: int
    items: int
    done: int
    submitted: int
    accepted: int
    rejected: int
    conflicted: int


@dataclass
class OrdersResponse:
    orders: list[OrderProgress]


@dataclass
class BatchProgress:
    """One batch of an order, its holder and its items' progress."""

    id: int
    name: str
    expired: bool  # the lease ran out (lease_until < now): it may be assigned again
    items: int
    done: int
    submitted: int
    accepted: int
    rejected: int
    conflicted: int
    annotator_id: int | None = None  # the holder now; None = nobody
    annotator_name: str | None = None  # their username
    lease_until: str | None = None  # ISO 8601 UTC


@dataclass
class BatchesResponse:
    batches: list[BatchProgress]


@dataclass
class AnnotatorProgress:
    """One person's part in an order: the batches they hold and the heads they wrote."""

    annotator_id: int
    username: str
    display_name: str
    batches: int  # of this order they hold now (an expired lease included)
    items: int  # in those batches
    done: int  # items of this order whose head revision they wrote
    submitted: int  # of those, not judged yet on that head
    accepted: int
    rejected: int
    conflicted: int  # items of this order with an open conflict revision of theirs


@dataclass
class AnnotatorsResponse:
    annotators: list[AnnotatorProgress]


@dataclass
class AssignRequest:
    """Lease a batch to an annotator until ``until`` (ISO 8601 with a zone, in the future)."""

    annotator_id: int
    until: str
    force: bool = False  # take it from another annotator whose lease has not run out
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class AssignIdleRequest:
    """Give every idle annotator of the office the next free batch of the order, until ``until``."""

    until: str
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class Assignment:
    batch_id: int
    annotator_id: int


@dataclass
class AssignIdleResponse:
    assigned: list[Assignment]


# (end of progress wire types)
