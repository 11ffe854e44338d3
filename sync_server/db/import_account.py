"""The office's import account: the author of pre-annotations from imported files (ADR 0022).

One per office (``import@<office id>``, 预标注（导入）), made on first use: role lead, disabled,
and a password hash that is no argon2 hash, so no password ever matches it. It is not a
person: the admin's user list leaves it out (``PEOPLE``), so it cannot be enabled, given a
password or signed out, and it is never an annotator, leased a batch or paid.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from sync_server.db.clock import utc_now
from sync_server.db.tables import users

IMPORT_DISPLAY_NAME = "预标注（导入）"
NO_LOGIN = "!no login: the account that holds imported pre-annotations"
PEOPLE = users.c.password_hash != NO_LOGIN  # a WHERE clause: every account but the import accounts


class ImportAccountTaken(ValueError):
    """The import account's user name belongs to a real account (made by hand)."""


def import_account_name(office_id: int) -> str:
    # "@" is outside the user names people may choose ([A-Za-z0-9._-]): never one of theirs
    return f"import@{office_id}"


def import_account(conn: Connection, office_id: int) -> int:
    """The id of the office's import account, made on first use."""
    username = import_account_name(office_id)
    found = conn.execute(select(users.c.id, users.c.password_hash).where(users.c.username == username)).first()
    if found is not None:
        if found.password_hash != NO_LOGIN:
            raise ImportAccountTaken(f"the user name {username!r} is taken by an account that is not the import account")
        return found.id
    return conn.execute(
        users.insert().values(office_id=office_id, username=username, display_name=IMPORT_DISPLAY_NAME, role="lead",
                              password_hash=NO_LOGIN, disabled_at=utc_now())  # fmt: skip
    ).inserted_primary_key[0]
