"""The server's tables, as SQLAlchemy Core (no ORM): SQL stays visible and cheap.

Times are stored as timezone-aware UTC datetimes; ``sync_server.db.clock`` turns
them into the ISO 8601 strings the wire carries.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()

# SQLite's INTEGER is 64 bits, PostgreSQL's 32: ids and counts are 64-bit on both, so a
# number a client sends cannot fit one engine and overflow the other (an INTEGER PRIMARY
# KEY stays SQLite's rowid; on PostgreSQL it becomes a BIGINT identity)
Int = Integer().with_variant(BigInteger(), "postgresql")

server_info = Table(
    "server_info",
    metadata,
    # one row, made with the database: its id tells clients which database answers them,
    # so a reinstalled server is noticed and reconciled against (ADR 0013)
    Column("id", Int, primary_key=True),
    Column("database_id", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

offices = Table(
    "offices",
    metadata,
    Column("id", Int, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Int, primary_key=True),
    Column("office_id", ForeignKey("offices.id"), nullable=False),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), CheckConstraint("role IN ('annotator', 'lead', 'admin')"), nullable=False),
    Column("password_hash", String(200), nullable=False),  # argon2id, never the password
    # a disabled user's tokens stop working at once; their synced work stays
    Column("disabled_at", DateTime(timezone=True)),
    Column("last_sync_at", DateTime(timezone=True)),  # their last feed read (kept to the minute)
    # signs their USB bundles both ways (hex; ADR 0007): made at login, dropped with their tokens
    Column("bundle_key", String(64)),
)

tokens = Table(
    "tokens",
    metadata,
    # only the sha256 of the bearer token: a leaked database cannot be replayed
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # refused after this; moved to now + the lifetime on use (NULL: created_at + the lifetime)
    Column("expires_at", DateTime(timezone=True)),
    # when expires_at was last moved: renewed at most once an hour, not written per request
    Column("last_used_at", DateTime(timezone=True)),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Int, primary_key=True),
    Column("office_id", ForeignKey("offices.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("task_kind", String(30), nullable=False),
    Column("schema", JSON, nullable=False),  # to_wire(LabelSchema), includes its version
    Column("guidelines", Text, nullable=False, default=""),
    Column("price_cents", Int, nullable=False, default=0),
    Column("due", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # overlap (revision 0004, ADR 0026): ``overlap`` annotators per item (NULL: one) on the
    # share ``overlap_share`` of the items (NULL: all), each copy an item of its own
    Column("overlap", Int),
    Column("overlap_share", Float),
    # two marks of two annotators are one object from this IoU on (NULL: metrics.DEFAULT_IOU)
    Column("iou_threshold", Float),
    # revision 0005 (ADR 0027): leased only to annotators certified for its task kind
    Column("requires_certification", Boolean, nullable=False, server_default=false()),
)

order_schemas = Table(
    "order_schemas",
    metadata,
    # every label schema an order has had: work made against an older version is
    # validated against that version and kept (ADR 10). ``orders.schema`` stays the
    # current one; a version is written here when it is replaced (and the new one too).
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("version", Int, primary_key=True),
    Column("schema", JSON, nullable=False),  # to_wire(LabelSchema)
    Column("created_at", DateTime(timezone=True), nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("kind", String(10), CheckConstraint("kind IN ('original', 'display')"), nullable=False),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Int, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    # the current lease, denormalised from ``leases`` so the feed and push read one row
    Column("annotator_id", ForeignKey("users.id")),
    Column("lease_until", DateTime(timezone=True)),
)

items = Table(
    "items",
    metadata,
    Column("id", Int, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("batch_id", ForeignKey("batches.id"), index=True),
    Column("name", String(500), nullable=False),
    # an image item: the upright original (shapes live in these pixels) and its display copy.
    # A text item (text_class, ner) has no image: NULL blobs and 0 for the sizes (revision 0003)
    Column("width", Int, nullable=False),
    Column("height", Int, nullable=False),
    Column("original_sha256", ForeignKey("blobs.sha256")),
    Column("display_sha256", ForeignKey("blobs.sha256"), index=True),
    Column("display_size", Int, nullable=False),
    Column("display_width", Int, nullable=False),
    Column("display_height", Int, nullable=False),
    # a text item's text, exactly as imported: spans are offsets into it, in code points
    Column("text", Text),
    # what the customer's file said of the item besides its text (JSONL "meta"): given back on export
    Column("meta", JSON),
    # the latest revision stored without conflict: what conflicts are judged against and
    # what exports use. Kept here so push never sorts revisions by (client-made) ids.
    Column("head_annotation_id", String(36)),
    Column("head_annotator_id", ForeignKey("users.id")),
    # the lead's latest verdict and the revision it judged: the item counts as accepted or
    # rejected only while that revision is still the head (a fix makes it "submitted" again)
    Column("review_verdict", String(10)),
    Column("review_annotation_id", String(36)),
    Column("reviewer_id", ForeignKey("users.id")),
    Column("reviewed_at", DateTime(timezone=True)),
    # overlap (revision 0004, ADR 0026): the copies of one item share its blob, name and text,
    # sit in different batches and carry the id of the first copy here (NULL: no copies)
    Column("overlap_group", Int, index=True),
)

leases = Table(
    "leases",
    metadata,
    # history, never updated: "was this batch ever leased to me" stays answerable
    Column("id", Int, primary_key=True),
    Column("batch_id", ForeignKey("batches.id"), nullable=False),
    Column("annotator_id", ForeignKey("users.id"), nullable=False),
    Column("leased_at", DateTime(timezone=True), nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
    Index("ix_leases_batch_annotator", "batch_id", "annotator_id"),
)

annotations = Table(
    "annotations",
    metadata,
    Column("id", String(36), primary_key=True),  # the client's UUIDv7: time-ordered inserts
    Column("item_id", ForeignKey("items.id"), nullable=False, index=True),
    Column("batch_id", ForeignKey("batches.id")),
    Column("annotator_id", ForeignKey("users.id"), nullable=False),
    Column("base_id", String(36)),
    Column("shapes", JSON, nullable=False),
    Column("schema_version", Int),
    Column("time_spent_ms", Int, nullable=False, default=0),
    Column("client_time", String(40)),  # informational only, as the client sent it
    Column("received_at", DateTime(timezone=True), nullable=False),  # the server's clock
    Column("conflict", Boolean, nullable=False, default=False),
    Column("conflict_code", String(20)),  # protocol.CONFLICT_*: why it waits for a person
    Column("conflict_reason", Text),  # the answer its push got, given again on a replay
    Column("device_id", String(64)),  # the desktop install that made it
    # a conflict a lead or admin settled (``sync_server.db.conflicts``): who and when
    Column("resolved_by", ForeignKey("users.id")),
    Column("resolved_at", DateTime(timezone=True)),
    # the annotator's note for the lead ("not sure", "image unclear"), part of the revision
    Column("flag", Text),
    # transcription: the character error rate of the PC's OCR suggestion against the final text
    Column("ocr_cer", Float),
)

reviews = Table(
    "reviews",
    metadata,
    # a lead's verdict on one revision, made offline with a client-made UUIDv7 and pushed
    # through the outbox like an annotation: stored once, answered the same on a replay
    Column("id", String(36), primary_key=True),
    Column("annotation_id", String(36), ForeignKey("annotations.id"), nullable=False, index=True),
    Column("item_id", ForeignKey("items.id"), nullable=False, index=True),
    Column("reviewer_id", ForeignKey("users.id"), nullable=False),
    Column("verdict", String(10), CheckConstraint("verdict IN ('accept', 'reject')"), nullable=False),
    Column("comment", Text),
    Column("client_time", String(40)),
    Column("device_id", String(64)),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

gold_answers = Table(
    "gold_answers",
    metadata,
    # 质检题 (revision 0004, ADR 0026): an item's known answer, to score annotators against.
    # Read by the quality figures only: no feed, pull or bundle ever carries it
    Column("item_id", ForeignKey("items.id"), primary_key=True),
    Column("shapes", JSON, nullable=False),  # the wire form of the shapes
    Column("created_at", DateTime(timezone=True), nullable=False),
)

courses = Table(
    "courses",
    metadata,
    # 培训 (revision 0005, ADR 0027): gold items of one order with their answers, taught to
    # new annotators of the office; passing certifies them for the order's task kind
    Column("id", Int, primary_key=True),
    Column("office_id", ForeignKey("offices.id"), nullable=False, index=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False),  # schema, guidelines, images
    Column("name", String(200), nullable=False),
    Column("task_kind", String(30), nullable=False),
    Column("pass_mark", Float, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

course_items = Table(
    "course_items",
    metadata,
    Column("course_id", ForeignKey("courses.id"), primary_key=True),
    Column("item_id", ForeignKey("items.id"), primary_key=True, index=True),  # a gold item
    Column("position", Int, nullable=False),
)

training_attempts = Table(
    "training_attempts",
    metadata,
    # one run through a course, made on the PC (offline too) with a client-made UUIDv7:
    # stored once however often it is sent. The server scores the answers itself
    Column("id", String(36), primary_key=True),
    Column("course_id", ForeignKey("courses.id"), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("answers", JSON, nullable=False),  # {item id: shapes in the wire form}
    Column("score", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("client_time", String(40)),
    Column("device_id", String(64)),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    # 认证: the first passed attempt certifies a person for a task kind, once
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("task_kind", String(30), primary_key=True),
    Column("course_id", ForeignKey("courses.id"), nullable=False),
    Column("attempt_id", String(36), ForeignKey("training_attempts.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("certified_at", DateTime(timezone=True), nullable=False),
)

changes = Table(
    "changes",
    metadata,
    # sqlite_autoincrement: a seq is never reused, even after the newest row is deleted
    Column("seq", Int, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("office_id", ForeignKey("offices.id"), nullable=False),
    # NULL: the office-wide feed (leads, admins); else the one annotator who reads it
    Column("audience_user_id", ForeignKey("users.id")),
    Column("data", JSON, nullable=False),
    # what the row is about (``sync_server.db.feed_entities``): a compact read skips a row once a
    # later row of the same entity went to the same reader (ADR 0021). NULL: never skipped
    Column("entity_id", String(60)),
    Index("ix_changes_audience", "audience_user_id", "seq"),
    Index("ix_changes_office", "office_id", "seq"),
    # "is there a later row of this entity for this reader": one index probe per row read
    Index("ix_changes_entity", "entity_id", "audience_user_id", "seq"),
    sqlite_autoincrement=True,
)
