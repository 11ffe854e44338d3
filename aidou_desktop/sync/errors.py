"""What can go wrong talking to the server, as the caller needs to tell it apart."""

from __future__ import annotations


class SyncError(Exception):
    """Base of the sync errors."""


class Offline(SyncError):
    """No link, a timeout, or the server failed (5xx): try again later; nothing is lost.

    ``received``: bytes a download kept before it was cut. A request that made
    progress proves the link works, so the retry policy starts afresh."""

    def __init__(self, message: str = "", received: int = 0):
        super().__init__(message)
        self.received = received


class AuthError(SyncError):
    """401: the token is missing or no longer valid (or bad credentials at login)."""


class UpdateRequired(SyncError):
    """426: this client speaks a protocol the server no longer accepts."""


class ServerError(SyncError):
    """Any other 4xx: the server refused the request; ``message`` says why.

    ``retry_after``: seconds the server asked us to wait (its ``Retry-After``, as on a
    429 ``too_many_attempts`` login), else None."""

    def __init__(self, message: str, status: int = 0, code: str = "", retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after
