"""USB bundles: everything a push or a pull carries, in one file (design.md, sync contract 6).

Standard library only, like ``sync_server.protocol``: the desktop reads and writes
bundles without the server's dependencies.

A bundle is a zip file (``sync_server.bundle_zip``) holding ``manifest.json``
(format and protocol version, kind, user, cursors, and every entry's name,
size and sha256) and entries in the exact wire shapes of ``sync_server.protocol``:

- a **push** bundle (``aidou-sync bundle export``): ``push/NNNNNN.json``, each a
  ``PushRequest`` of at most ``MAX_PUSH_RECORDS`` records; the manifest carries
  the PC's feed cursor and the display copies it still lacks, so the server's
  answer can start where the PC stands;
- a **pull** bundle (``aidou-server bundle``, ``aidou-server import-bundle --reply``):
  ``changes/NNNNNN.json``, each a ``ChangesResponse`` (only the last has
  ``has_more`` false; its cursor is the manifest's), ``results/NNNNNN.json``
  (``PushResponse`` pages: the answers to the push bundle it replies to), and
  ``blobs/<sha256>``, the display copies the user's batches need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync_server.bundle_zip import (
    KIND_PULL,
    KIND_PUSH,
    BundleError,
    BundleWriter,
    Manifest,
    VerifiedBundle,
    page_name,
)
from sync_server.protocol import (
    MAX_PUSH_RECORDS,
    PUSH_STATUSES,
    AnnotationRecord,
    Change,
    ChangesResponse,
    PushRequest,
    PushResponse,
    PushResult,
    WireError,
    from_wire,
    to_wire,
)

__all__ = [
    "KIND_PULL",
    "KIND_PUSH",
    "BundleError",
    "Manifest",
    "PullContent",
    "VerifiedBundle",
    "read_pull_bundle",
    "read_push_bundle",
    "write_pull_bundle",
    "write_push_bundle",
]


def write_push_bundle(path: Path | str, manifest: Manifest, records: list[AnnotationRecord]) -> Manifest:
    """The PC's outbox as ``PushRequest`` pages (one page even when empty: the
    manifest's cursor still asks the server for what is new)."""
    manifest.kind = KIND_PUSH
    with BundleWriter(path) as writer:
        pages = [records[i : i + MAX_PUSH_RECORDS] for i in range(0, len(records), MAX_PUSH_RECORDS)] or [[]]
        for n, page in enumerate(pages, 1):
            writer.add_json(page_name("push", n), to_wire(PushRequest(page)))
        return writer.finish(manifest)


def read_push_bundle(path: Path | str) -> tuple[Manifest, list[AnnotationRecord]]:
    """Verified and parsed, or BundleError; nothing is applied here."""
    with VerifiedBundle(path, KIND_PUSH) as bundle:
        records: list[AnnotationRecord] = []
        for name, data in _pages(bundle, "push"):
            request = _parse(PushRequest, data, name)
            if len(request.annotations) > MAX_PUSH_RECORDS:
                raise BundleError(f"entry {name}: more than {MAX_PUSH_RECORDS} records")
            records.extend(request.annotations)
        return bundle.manifest, records


def write_pull_bundle(
    path: Path | str,
    manifest: Manifest,
    pages: list[ChangesResponse],
    results: list[PushResult],
    blobs: Iterable[str] = (),
    blob_reader: Callable[[str], bytes | None] | None = None,
) -> Manifest:
    """A user's feed pages, the answers to their last push bundle, and blobs.

    Each sha in ``blobs`` is fetched by ``blob_reader(sha)`` as it is written (so
    the images never sit in memory together); None skips it."""
    manifest.kind = KIND_PULL
    with BundleWriter(path) as writer:
        for n, page in enumerate(pages or [ChangesResponse([], manifest.cursor, False)], 1):
            writer.add_json(page_name("changes", n), to_wire(page))
        for n, start in enumerate(range(0, len(results), MAX_PUSH_RECORDS), 1):
            writer.add_json(page_name("results", n), to_wire(PushResponse(results[start : start + MAX_PUSH_RECORDS])))
        for sha in blobs:
            data = blob_reader(sha) if blob_reader else None
            if data is not None:
                writer.add_blob(sha, data)
        return writer.finish(manifest)


@dataclass
class PullContent:
    manifest: Manifest
    changes: list[Change]
    cursor: str
    results: list[PushResult]
    blobs: list[str]


def read_pull_bundle(bundle: VerifiedBundle) -> PullContent:
    """The parsed pages of an open, verified pull bundle (blobs stay in the file)."""
    changes: list[Change] = []
    pages = _pages(bundle, "changes")
    if not pages:
        raise BundleError("the bundle has no changes page")
    cursor = bundle.manifest.since
    for index, (name, data) in enumerate(pages):
        page = _parse(ChangesResponse, data, name)
        last = index == len(pages) - 1
        if page.has_more != (not last):
            raise BundleError(f"entry {name}: pages are missing (has_more is {page.has_more})")
        changes.extend(page.changes)
        cursor = page.cursor
    if cursor != bundle.manifest.cursor:
        raise BundleError(f"the last changes page ends at cursor {cursor!r}, the manifest says {bundle.manifest.cursor!r}")
    results: list[PushResult] = []
    for name, data in _pages(bundle, "results"):
        for result in _parse(PushResponse, data, name).results:
            if result.status not in PUSH_STATUSES:
                raise BundleError(f"entry {name}: unknown answer {result.status!r} for {result.id}")
            results.append(result)
    return PullContent(bundle.manifest, changes, cursor, results, list(bundle.blobs))


def _pages(bundle: VerifiedBundle, prefix: str) -> list[tuple[str, Any]]:
    """The pages under ``prefix`` in order; a gap in the numbering means one went missing."""
    pages = bundle.page_list(prefix)
    for n, (name, _data) in enumerate(pages, 1):
        if name != page_name(prefix, n):
            raise BundleError(f"{page_name(prefix, n)} is missing from the bundle (found {name} instead)")
    return pages


def _parse(cls: type, data: Any, name: str) -> Any:
    try:
        return from_wire(cls, data, name)
    except WireError as exc:
        raise BundleError(f"entry {name} does not hold a {cls.__name__}: {exc}") from None
