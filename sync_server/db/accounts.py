"""Offices, users, passwords (argon2) and bearer tokens (only their sha256 is stored)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select

from sync_server.db.clock import utc_now
from sync_server.db.tables import offices, tokens, users
from sync_server.protocol import ROLES, UserInfo

password_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = password_hasher.hash("not a real password")


class AccountDisabled(Exception):
    """The password is right but the base admin disabled this account."""


def create_office(conn: Connection, name: str) -> int:
    return conn.execute(offices.insert().values(name=name)).inserted_primary_key[0]


def create_user(
    conn: Connection, office_id: int, username: str, display_name: str, role: str, password: str
) -> int:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    row = dict(
        office_id=office_id,
        username=username,
        display_name=display_name,
        role=role,
        password_hash=password_hasher.hash(password),
    )
    return conn.execute(users.insert().values(**row)).inserted_primary_key[0]


def _user_info_query():
    return select(
        users.c.id,
        users.c.username,
        users.c.display_name,
        users.c.role,
        users.c.office_id,
        offices.c.name.label("office_name"),
    ).join(offices, offices.c.id == users.c.office_id)


def user_info(conn: Connection, user_id: int) -> UserInfo | None:
    row = conn.execute(_user_info_query().where(users.c.id == user_id)).mappings().first()
    return UserInfo(**row) if row else None


def check_password(conn: Connection, username: str, password: str) -> UserInfo | None:
    """The user when the password is right, else None; ``AccountDisabled`` for a disabled
    account, only once the password proved right (a guesser learns nothing new)."""
    row = conn.execute(
        select(users.c.id, users.c.password_hash, users.c.disabled_at).where(users.c.username == username)
    ).first()
    try:
        password_hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if row.disabled_at is not None:
        raise AccountDisabled(username)
    return user_info(conn, row.id)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(conn: Connection, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute(tokens.insert().values(token_sha256=_token_digest(token), user_id=user_id, created_at=utc_now()))
    return token


def user_for_token(conn: Connection, token: str) -> UserInfo | None:
    """The token's user; None for an unknown token or a disabled user (checked on every
    request, so disabling cuts a user off at once even before their tokens are deleted)."""
    query = _user_info_query().join(tokens, tokens.c.user_id == users.c.id)
    query = query.where(tokens.c.token_sha256 == _token_digest(token), users.c.disabled_at.is_(None))
    row = conn.execute(query).mappings().first()
    return UserInfo(**row) if row else None


def revoke_tokens(conn: Connection, user_id: int) -> int:
    """Delete every token of the user (a new password, a disabled account); how many."""
    return conn.execute(tokens.delete().where(tokens.c.user_id == user_id)).rowcount


def first_office_id(conn: Connection) -> int | None:
    return conn.execute(select(offices.c.id).order_by(offices.c.id).limit(1)).scalar()


def user_id_by_name(conn: Connection, username: str) -> int | None:
    return conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
