"""The client side of the sync protocol: pull, push, blobs, retries, the ``aidou-sync`` CLI. No Qt."""

from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.engine import (
    DownloadReport,
    SyncReport,
    client_for,
    download_batch,
    download_for_review,
    sync_once,
)
from aidou_desktop.sync.errors import AuthError, Offline, ServerError, SyncError, UpdateRequired
from aidou_desktop.sync.lock import SyncBusy, SyncLock
from aidou_desktop.sync.retry import CLI_POLICY, NO_RETRY, UI_POLICY, Retrier, RetryPolicy

__all__ = [
    "CLI_POLICY",
    "NO_RETRY",
    "UI_POLICY",
    "AuthError",
    "DownloadReport",
    "Offline",
    "Retrier",
    "RetryPolicy",
    "ServerError",
    "SyncBusy",
    "SyncClient",
    "SyncError",
    "SyncLock",
    "SyncReport",
    "UpdateRequired",
    "client_for",
    "download_batch",
    "download_for_review",
    "sync_once",
]
