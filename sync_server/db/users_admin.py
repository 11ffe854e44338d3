"""The base admin's accounts: list, add, new password, disable, enable; and each user's
last sync. Functions take a connection; ``office_id`` None means any office (the
``aidou-server users`` commands run on the server itself, for every office).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from sync_server.db.accounts import create_user, password_hasher, revoke_tokens
from sync_server.db.clock import as_utc, to_iso, utc_now
from sync_server.db.import_account import PEOPLE
from sync_server.db.tables import offices, users
from sync_server.protocol import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    ROLES,
    UserInfo,
    UserRecord,
)

# a feed read marks ``last_sync_at`` only when the stored one is older: no write per page
SYNC_MARK_EVERY = timedelta(seconds=60)
_USERNAME = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_USERNAME_LENGTH}}}")
_MAX_INT64 = 2**63 - 1  # ids past it cannot be ours; the database driver would refuse them outright


class AccountError(Exception):
    """A refusal; the message is for people."""


class NotAllowed(AccountError):
    pass


class UnknownUser(AccountError):
    pass


class UnknownOffice(AccountError):
    pass


class UsernameTaken(AccountError):
    pass


class InvalidAccount(AccountError):
    pass


class CannotDisableSelf(AccountError):
    pass


def require_admin(user: UserInfo) -> None:
    if user.role != "admin":
        raise NotAllowed("only the base admin manages accounts / 只有基地管理员可以管理账号")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidAccount(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


def check_new_user(username: str, display_name: str, role: str, password: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise InvalidAccount(
            f"a username is 1–{MAX_USERNAME_LENGTH} letters, digits, '.', '_' or '-' (no spaces), not {username!r}"
        )
    if not display_name.strip() or len(display_name.strip()) > MAX_DISPLAY_NAME_LENGTH:
        raise InvalidAccount(f"a display name is 1–{MAX_DISPLAY_NAME_LENGTH} characters")
    if role not in ROLES:
        raise InvalidAccount(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    check_password_rules(password)


def _record_query():
    # people only: an office's import account (pre-annotations) is no one to manage
    return select(
        users.c.id, users.c.username, users.c.display_name, users.c.role, users.c.disabled_at, users.c.last_sync_at
    ).where(PEOPLE)


def _record(row) -> UserRecord:
    return UserRecord(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        disabled=row.disabled_at is not None,
        last_sync_at=to_iso(row.last_sync_at),
    )


def list_users(conn: Connection, office_id: int | None) -> list[UserRecord]:
    query = _record_query().order_by(users.c.id)
    if office_id is not None:
        query = query.where(users.c.office_id == office_id)
    return [_record(row) for row in conn.execute(query)]


def get_user(conn: Connection, office_id: int | None, user_id: int) -> UserRecord:
    """The user, if in ``office_id``; another office's user is as unknown as none."""
    if not 0 < user_id <= _MAX_INT64:
        raise UnknownUser(f"no user {user_id} in your office")
    query = _record_query().where(users.c.id == user_id)
    if office_id is not None:
        query = query.where(users.c.office_id == office_id)
    row = conn.execute(query).first()
    if row is None:
        raise UnknownUser(f"no user {user_id} in your office")
    return _record(row)


def add_user(conn: Connection, office_id: int, username: str, display_name: str, role: str, password: str) -> UserRecord:
    check_new_user(username, display_name, role, password)
    if conn.execute(select(users.c.id).where(users.c.username == username)).first() is not None:
        # usernames are unique across offices: a login names no office
        raise UsernameTaken(f"the username {username!r} is taken; choose another")
    user_id = create_user(conn, office_id, username, display_name.strip(), role, password)
    return get_user(conn, office_id, user_id)


def set_password(conn: Connection, office_id: int | None, user_id: int, password: str) -> UserRecord:
    """A new argon2 hash; every token of the user is revoked (a lost PC is cut off)."""
    get_user(conn, office_id, user_id)
    check_password_rules(password)
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hasher.hash(password)))
    revoke_tokens(conn, user_id)
    return get_user(conn, office_id, user_id)


def disable_user(conn: Connection, office_id: int | None, user_id: int, by_user_id: int | None = None) -> UserRecord:
    """Tokens deleted, login refused; their annotations and reviews stay. Again changes nothing."""
    if user_id == by_user_id:
        raise CannotDisableSelf("you cannot disable your own account; ask another admin")
    if not get_user(conn, office_id, user_id).disabled:
        conn.execute(users.update().where(users.c.id == user_id).values(disabled_at=utc_now()))
    revoke_tokens(conn, user_id)
    return get_user(conn, office_id, user_id)


def enable_user(conn: Connection, office_id: int | None, user_id: int) -> UserRecord:
    """The user can log in again (with the password they had, or a new one)."""
    get_user(conn, office_id, user_id)
    conn.execute(users.update().where(users.c.id == user_id).values(disabled_at=None))
    return get_user(conn, office_id, user_id)


def sign_out_user(conn: Connection, office_id: int | None, user_id: int) -> int:
    """Revoke every token of the user (a lost PC cut off); they may log in again. How many."""
    get_user(conn, office_id, user_id)
    return revoke_tokens(conn, user_id)


def _stale_before(now: datetime) -> datetime:
    return now - SYNC_MARK_EVERY


def sync_mark_due(conn: Connection, user_id: int, now: datetime) -> bool:
    """Whether a feed read at ``now`` should write ``last_sync_at`` (read first: most pages need no write)."""
    last = conn.execute(select(users.c.last_sync_at).where(users.c.id == user_id)).scalar()
    return last is None or as_utc(last) < _stale_before(now)


def mark_synced(conn: Connection, user_id: int, now: datetime) -> None:
    stale = users.c.last_sync_at.is_(None) | (users.c.last_sync_at < _stale_before(now))
    conn.execute(users.update().where(users.c.id == user_id, stale).values(last_sync_at=now))


def office_id_by_name(conn: Connection, name: str) -> int:
    office_id = conn.execute(select(offices.c.id).where(offices.c.name == name)).scalar()
    if office_id is None:
        known = ", ".join(conn.execute(select(offices.c.name).order_by(offices.c.id)).scalars()) or "none yet"
        raise UnknownOffice(f"no office named {name!r} (offices: {known})")
    return office_id


def list_offices(conn: Connection) -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in conn.execute(select(offices.c.id, offices.c.name).order_by(offices.c.id))]
