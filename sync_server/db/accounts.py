"""Offices, users, passwords (argon2) and bearer tokens (only their sha256 is stored).

Tokens expire ``lifetime`` after their last renewal; using one renews it, written at most
once per ``RENEW_EVERY`` (a request reads, and only a due renewal writes).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select

from sync_server.bundles.container import new_bundle_key
from sync_server.db.clock import as_utc, utc_now
from sync_server.db.tables import offices, tokens, users
from sync_server.protocol import ROLES, UserInfo

password_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = password_hasher.hash("not a real password")
# each argon2 check takes 64 MiB and ~50 ms of a core: a burst of logins waits here
# instead of exhausting the server's memory
MAX_HASHES_IN_FLIGHT = 4
_hashing_slots = threading.BoundedSemaphore(MAX_HASHES_IN_FLIGHT)

DEFAULT_TOKEN_LIFETIME = timedelta(days=14)
RENEW_EVERY = timedelta(hours=1)


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


@dataclass(frozen=True)
class StoredPassword:
    user_id: int
    password_hash: str
    disabled: bool


def stored_password(conn: Connection, username: str) -> StoredPassword | None:
    """The user's argon2 hash, read so the connection can close before the slow check."""
    row = conn.execute(
        select(users.c.id, users.c.password_hash, users.c.disabled_at).where(users.c.username == username)
    ).first()
    return StoredPassword(row.id, row.password_hash, row.disabled_at is not None) if row else None


def verify_hash(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(stored: StoredPassword | None, password: str) -> bool:
    """Whether the password is right, at most ``MAX_HASHES_IN_FLIGHT`` at once (call it
    holding no connection). An unknown user is checked against a dummy hash, so a wrong
    name costs as long as a wrong password."""
    with _hashing_slots:
        right = verify_hash(stored.password_hash if stored else _DUMMY_HASH, password)
    return right and stored is not None


def check_password(conn: Connection, username: str, password: str) -> UserInfo | None:
    """The user when the password is right, else None; ``AccountDisabled`` for a disabled
    account, only once the password proved right (a guesser learns nothing new).
    Holds ``conn`` during the hash: for commands, not for the login route."""
    stored = stored_password(conn, username)
    if not password_matches(stored, password):
        return None
    if stored.disabled:
        raise AccountDisabled(username)
    return user_info(conn, stored.user_id)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(conn: Connection, user_id: int, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> str:
    """A new token for the user, valid for ``lifetime`` (renewed on use); the user's
    expired tokens are deleted on the way, so logins do not pile them up."""
    now = utc_now()
    conn.execute(tokens.delete().where(tokens.c.user_id == user_id, tokens.c.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = dict(token_sha256=_token_digest(token), user_id=user_id, created_at=now, expires_at=now + lifetime, last_used_at=now)
    conn.execute(tokens.insert().values(**row))
    return token


@dataclass(frozen=True)
class TokenUse:
    user: UserInfo
    renew_due: bool  # the token was last renewed over ``RENEW_EVERY`` ago: write ``renew_token``


def use_token(
    conn: Connection, token: str, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME, now: datetime | None = None
) -> TokenUse | None:
    """The token's user and whether its renewal is due; None for an unknown or expired
    token or a disabled user (checked on every request, so disabling cuts a user off at
    once even before their tokens are deleted). Reads only."""
    now = now or utc_now()
    query = _user_info_query().add_columns(tokens.c.created_at, tokens.c.expires_at, tokens.c.last_used_at)
    query = query.join(tokens, tokens.c.user_id == users.c.id)
    query = query.where(tokens.c.token_sha256 == _token_digest(token), users.c.disabled_at.is_(None))
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    # a token from before expiry existed has no expires_at: it lives its lifetime from creation
    expires_at = as_utc(row["expires_at"]) if row["expires_at"] else as_utc(row["created_at"]) + lifetime
    if expires_at <= now:
        return None
    last_used_at = row["last_used_at"]
    due = last_used_at is None or as_utc(last_used_at) <= now - RENEW_EVERY
    user = UserInfo(**{name: row[name] for name in ("id", "username", "display_name", "role", "office_id", "office_name")})
    return TokenUse(user, due)


def user_for_token(
    conn: Connection, token: str, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME, now: datetime | None = None
) -> UserInfo | None:
    """The token's user; None for an unknown or expired token or a disabled user."""
    use = use_token(conn, token, lifetime, now)
    return use.user if use else None


def renew_token(conn: Connection, token: str, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME, now: datetime | None = None) -> None:
    """Slide the token's expiry to ``now + lifetime``, unless renewed within ``RENEW_EVERY``
    (two requests racing write once)."""
    now = now or utc_now()
    stale = tokens.c.last_used_at.is_(None) | (tokens.c.last_used_at <= now - RENEW_EVERY)
    query = tokens.update().where(tokens.c.token_sha256 == _token_digest(token), stale)
    conn.execute(query.values(expires_at=now + lifetime, last_used_at=now))


def revoke_token(conn: Connection, token: str) -> int:
    """Delete this one token (a logout); how many (0 or 1)."""
    return conn.execute(tokens.delete().where(tokens.c.token_sha256 == _token_digest(token))).rowcount


def revoke_tokens(conn: Connection, user_id: int) -> int:
    """Delete every token of the user (a new password, a disabled account, signing out
    everywhere), and their bundle key with them: a lost PC can no longer sign a bundle
    either. How many tokens."""
    conn.execute(users.update().where(users.c.id == user_id).values(bundle_key=None))
    return conn.execute(tokens.delete().where(tokens.c.user_id == user_id)).rowcount


def bundle_key(conn: Connection, user_id: int, create: bool = True) -> str | None:
    """The user's bundle key (ADR 0007), made when they have none and ``create``; None for
    a disabled user or, without ``create``, one who has not logged in since the last revoke."""
    found = conn.execute(select(users.c.bundle_key, users.c.disabled_at).where(users.c.id == user_id)).first()
    if found is None or found.disabled_at is not None:
        return None
    if found.bundle_key or not create:
        return found.bundle_key
    key = new_bundle_key()
    # conditional: two logins at once end with one key, the one both read back
    conn.execute(users.update().where(users.c.id == user_id, users.c.bundle_key.is_(None)).values(bundle_key=key))
    return conn.execute(select(users.c.bundle_key).where(users.c.id == user_id)).scalar()


def first_office_id(conn: Connection) -> int | None:
    return conn.execute(select(offices.c.id).order_by(offices.c.id).limit(1)).scalar()


def user_id_by_name(conn: Connection, username: str) -> int | None:
    return conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
