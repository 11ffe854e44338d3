"""USB bundles (design.md, sync contract 6; docs/bundles.md; ADR 0007).

- ``container``: the zip, its signed manifest of hashes, the caps, ``VerifiedBundle``;
- ``pages``: push and pull pages in the protocol's wire shapes;
- ``office``: the server's side (import a push bundle, write a user's pull bundle);
- ``commands``: ``aidou-server bundle`` and ``aidou-server import-bundle``.

``container`` and ``pages`` need only the protocol package and are re-exported here: the
desktop reads and writes bundles through this package without the server's
dependencies, so ``office`` and ``commands`` are never imported from here.
"""

from sync_server.bundles.container import (
    FORMAT_TRAINING,
    KIND_PULL,
    KIND_PUSH,
    BundleError,
    Manifest,
    VerifiedBundle,
    key_bytes,
    key_id,
    new_bundle_key,
)
from sync_server.bundles.pages import (
    PullContent,
    attempt_pages,
    push_pages,
    read_pull_bundle,
    write_pull_bundle,
    write_push_bundle,
)

__all__ = [
    "FORMAT_TRAINING",
    "KIND_PULL",
    "KIND_PUSH",
    "BundleError",
    "Manifest",
    "PullContent",
    "VerifiedBundle",
    "attempt_pages",
    "key_bytes",
    "key_id",
    "new_bundle_key",
    "push_pages",
    "read_pull_bundle",
    "write_pull_bundle",
    "write_push_bundle",
]
