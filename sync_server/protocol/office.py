"""Wire types of the lead's and admin's endpoints: conflicts, accounts, orders and batches
with their progress, and the figures (pay sheet, throughput, quality). Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field

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

# ---------------------------------------------------------------- figures (leads, admins)
# The answers of the figures and quality routes (docs/interfaces.md "Quality"). The server
# writes them with ``dataclasses.asdict`` (every field, as the OpenAPI document promises);
# the desktop reads them with ``from_wire``, nested rows one by one.


@dataclass
class PayRow:
    """One annotator's month (``GET /paysheet``): the pay, then the month's quality over
    every order of the office (issue 11). A rate is None when there was nothing to measure."""

    annotator_id: int
    username: str
    display_name: str
    accepted_items: int = 0  # whose current head a lead accepted this month
    amount_cents: int = 0
    by_order: dict[str, int] = field(default_factory=dict)  # order name -> accepted items
    reviewed: int = 0  # the lead's verdicts given this month on revisions they made
    accept_rate: float | None = None  # 0..1
    gold_answered: int = 0  # gold items whose head they made this month
    gold_score: float | None = None  # 0..1, the mean
    agreement_pairs: int = 0  # their overlap answers of the month scored against another copy's
    agreement: float | None = None  # 0..1, the mean


@dataclass
class PaySheet:
    month: str  # YYYY-MM
    rows: list[PayRow]  # by username
    total_cents: int = 0
    accept_rate: float | None = None  # everyone's of the month, as the rows' counts weigh them
    gold_score: float | None = None
    agreement: float | None = None


@dataclass
class ThroughputRow:
    annotator_id: int
    day: str  # YYYY-MM-DD, UTC
    items: int


@dataclass
class Throughput:
    days: int
    rows: list[ThroughputRow]


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
    """``GET /quality/agreement``: one overlap order."""

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
    """``GET /quality/gold``: one order."""

    order_id: int
    gold_items: int  # 0 = the order has no gold answers
    pass_mark: float
    since: str | None = None  # ISO 8601 UTC: a flagged annotator's work from then on is to be reviewed
    annotators: list[GoldScore] = field(default_factory=list)  # lowest mean first


@dataclass
class KindGold:
    """One annotator's gold accuracy on one task kind, over every order of the office."""

    annotator_id: int
    username: str
    display_name: str
    task_kind: str
    answered: int  # gold items of that kind whose head they made
    mean_score: float  # 0..1
    flagged: bool  # the mean is below the pass mark


@dataclass
class KindGoldItems:
    task_kind: str
    gold_items: int  # the office's gold items of that kind (training items left out)


@dataclass
class GoldByKind:
    """``GET /quality/gold/kinds``: the office's gold accuracy per annotator and task kind."""

    pass_mark: float
    days: int | None = None  # None: every answer ever made
    since: str | None = None  # ISO 8601 UTC: heads received from then on count
    kinds: list[KindGoldItems] = field(default_factory=list)  # by task kind
    annotators: list[KindGold] = field(default_factory=list)  # by task kind, then lowest mean first


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
    """``GET /quality/dashboard``: one order, per annotator and UTC day."""

    order_id: int
    days: int
    first_day: str
    last_day: str
    annotators: list[DashboardAnnotator] = field(default_factory=list)  # by username


# (end of figures wire types)
