"""USB bundles: everything a push or a pull carries, in one file (design.md, sync contract 6).

No server dependency, like ``sync_server.protocol``: the desktop reads and writes
bundles without the server's dependencies.

A bundle is a zip file (``sync_server.bundles.container``) holding ``manifest.json``
(format and protocol version, kind, user, cursors, and every entry's name,
size and sha256), ``signature.json`` (the manifest's HMAC under the user's bundle
key) and entries in the exact wire shapes of ``sync_server.protocol``:

- a **push** bundle (``aidou-sync bundle export``): ``push/NNNNNN.json``, each a
  ``PushRequest`` of at most ``MAX_PUSH_RECORDS`` records and about
  ``PAGE_TARGET_BYTES``, and ``attempts/NNNNNN.json``, ``AttemptsRequest`` pages of
  the training attempts waiting on the PC (format 2); the manifest carries the PC's
  feed cursor, the display copies it still lacks and the courses it holds, so the
  server's answer can start where the PC stands;
- a **pull** bundle (``aidou-server bundle``, ``aidou-server import-bundle --reply``):
  ``changes/NNNNNN.json``, each a ``ChangesResponse`` (only the last has
  ``has_more`` false; its cursor is the manifest's), ``results/NNNNNN.json``
  (``PushResponse`` pages: the answers to the push bundle it replies to),
  ``blobs/<sha256>``, the display copies the user's batches and lessons need, and
  (format 2) ``attempt-results/NNNNNN.json`` (``AttemptsResponse`` pages: the answers
  to its attempts) and ``courses/NNNNNN.json`` (``CoursesResponse`` pages: the office's
  courses, split between pages, with the user's certificates on the first). No
  ``courses/`` entry means the maker sent no training (an older server, or a reply to
  an older PC): the PC keeps the courses it has. At least one means these are all of them.

Readers take pages one at a time (``push_pages``, ``PullContent.changes``), so a
bundle of any size is read in the memory of one page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync_server.bundles.container import (
    KIND_PULL,
    KIND_PUSH,
    PAGE_TARGET_BYTES,
    BundleError,
    BundleWriter,
    Manifest,
    VerifiedBundle,
    encode_json,
    page_name,
)
from sync_server.protocol import (
    ATTEMPT_ACCEPTED,
    ATTEMPT_DUPLICATE,
    ATTEMPT_REJECTED,
    MAX_PUSH_RECORDS,
    PUSH_STATUSES,
    AnnotationRecord,
    AttemptResult,
    AttemptsRequest,
    AttemptsResponse,
    Change,
    ChangesResponse,
    CoursesResponse,
    PushRequest,
    PushResponse,
    PushResult,
    TrainingAttempt,
    WireError,
    from_wire,
    to_wire,
)

__all__ = [
    "PullContent",
    "attempt_pages",
    "push_pages",
    "read_pull_bundle",
    "write_pull_bundle",
    "write_push_bundle",
]


def write_push_bundle(path: Path | str, manifest: Manifest, records: list[AnnotationRecord], key: bytes,
                      attempts: list[TrainingAttempt] = ()) -> Manifest:  # fmt: skip
    """The PC's outbox as ``PushRequest`` pages (one page even when empty: the
    manifest's cursor still asks the server for what is new) and its waiting training
    ``attempts`` as ``AttemptsRequest`` pages (none when there are none: the file stays
    format 1), signed with ``key``."""
    manifest.kind = KIND_PUSH
    with BundleWriter(path) as writer:
        _add_pages(writer, "push", list(records), PushRequest, always=True)
        _add_pages(writer, "attempts", list(attempts), AttemptsRequest)
        return writer.finish(manifest, key)


def _add_pages(writer: BundleWriter, prefix: str, found: list, wrap: Callable[[list], Any], always: bool = False) -> None:
    """``found`` as ``wrap(page)`` entries ``prefix/NNNNNN.json`` of at most MAX_PUSH_RECORDS
    each and about PAGE_TARGET_BYTES; one empty page when there are none and ``always``."""
    pages = [found[i : i + MAX_PUSH_RECORDS] for i in range(0, len(found), MAX_PUSH_RECORDS)]
    if always and not pages:
        pages = [[]]
    n = 0
    for page in pages:
        for raw in _sized_pages(page, wrap):
            n += 1
            writer.add_page(page_name(prefix, n), raw)


def _sized_pages(found: list, wrap: Callable[[list], Any]) -> Iterator[bytes]:
    """``found`` as encoded ``wrap(part)`` pages of about PAGE_TARGET_BYTES each (halved
    until they fit; a single record over the reader's cap is refused by the writer)."""
    raw = encode_json(to_wire(wrap(found)))
    if len(raw) <= PAGE_TARGET_BYTES or len(found) <= 1:
        yield raw
        return
    half = len(found) // 2
    yield from _sized_pages(found[:half], wrap)
    yield from _sized_pages(found[half:], wrap)


def push_pages(bundle: VerifiedBundle) -> Iterator[list[AnnotationRecord]]:
    """The records of an open, verified push bundle, a page at a time (BundleError for a
    page that does not parse: the caller applies inside a transaction it then rolls back)."""
    for name in _page_names(bundle, "push"):
        request = _parse(PushRequest, bundle.page(name), name)
        if len(request.annotations) > MAX_PUSH_RECORDS:
            raise BundleError(f"entry {name}: more than {MAX_PUSH_RECORDS} records")
        yield request.annotations


def attempt_pages(bundle: VerifiedBundle) -> Iterator[list[TrainingAttempt]]:
    """The training attempts of an open, verified push bundle, a page at a time (none in
    a bundle from before training travelled in bundles)."""
    for name in _page_names(bundle, "attempts"):
        request = _parse(AttemptsRequest, bundle.page(name), name)
        if len(request.attempts) > MAX_PUSH_RECORDS:
            raise BundleError(f"entry {name}: more than {MAX_PUSH_RECORDS} attempts")
        yield request.attempts


def write_pull_bundle(
    path: Path | str,
    manifest: Manifest,
    pages: list[ChangesResponse],
    results: list[PushResult],
    key: bytes,
    blobs: Iterable[str] = (),
    blob_reader: Callable[[str], bytes | None] | None = None,
    *,
    attempt_results: list[AttemptResult] = (),
    training: CoursesResponse | None = None,
) -> Manifest:
    """A user's feed pages, the answers to their last push bundle (annotations in
    ``results``, training attempts in ``attempt_results``), the office's courses and the
    user's certificates (``training``; None: no training in this bundle), and blobs,
    signed with ``key`` (the user's bundle key).

    Each sha in ``blobs`` is fetched by ``blob_reader(sha)`` as it is written (so
    the images never sit in memory together); None skips it."""
    manifest.kind = KIND_PULL
    with BundleWriter(path) as writer:
        for n, page in enumerate(pages or [ChangesResponse([], manifest.cursor, False)], 1):
            writer.add_json(page_name("changes", n), to_wire(page))
        for n, start in enumerate(range(0, len(results), MAX_PUSH_RECORDS), 1):
            writer.add_json(page_name("results", n), to_wire(PushResponse(results[start : start + MAX_PUSH_RECORDS])))
        _add_pages(writer, "attempt-results", list(attempt_results), AttemptsResponse)
        if training is not None:
            for n, raw in enumerate(_course_pages(training), 1):
                writer.add_page(page_name("courses", n), raw)
        for sha in blobs:
            data = blob_reader(sha) if blob_reader else None
            if data is not None:
                writer.add_blob(sha, data)
        return writer.finish(manifest, key)


def _course_pages(training: CoursesResponse) -> Iterator[bytes]:
    """The courses as CoursesResponse pages of about PAGE_TARGET_BYTES, whole courses each
    (one course over the reader's cap is refused by the writer); the certificates ride on
    the first page. Always at least one page: "these are all the courses", even none."""
    page: list = []
    size = 0
    certificates = training.certificates
    for course in training.courses:
        raw = encode_json(to_wire(course))
        if page and size + len(raw) > PAGE_TARGET_BYTES:
            yield encode_json(to_wire(CoursesResponse(page, certificates)))
            page, size, certificates = [], 0, []
        page.append(course)
        size += len(raw)
    yield encode_json(to_wire(CoursesResponse(page, certificates)))


class _Changes:
    """The changes of a verified pull bundle, decoded a page at a time on each pass."""

    def __init__(self, bundle: VerifiedBundle, names: list[str]) -> None:
        self._bundle = bundle
        self._names = names

    def __iter__(self) -> Iterator[Change]:
        for name in self._names:
            yield from _parse(ChangesResponse, self._bundle.page(name), name).changes


@dataclass
class PullContent:
    manifest: Manifest
    changes: Iterable[Change]  # read from the file as it is iterated: keep the bundle open
    change_count: int
    cursor: str
    results: list[PushResult]
    blobs: list[str]
    attempt_results: list[AttemptResult] = field(default_factory=list)
    training: CoursesResponse | None = None  # None: the bundle carries no training (keep what the PC has)


def read_pull_bundle(bundle: VerifiedBundle) -> PullContent:
    """Check every page of an open, verified pull bundle (one decoded at a time); the
    changes are read again, page by page, when the caller iterates them."""
    names = _page_names(bundle, "changes")
    if not names:
        raise BundleError("the bundle has no changes page")
    cursor = bundle.manifest.since
    count = 0
    for index, name in enumerate(names):
        page = _parse(ChangesResponse, bundle.page(name), name)
        last = index == len(names) - 1
        if page.has_more != (not last):
            raise BundleError(f"entry {name}: pages are missing (has_more is {page.has_more})")
        count += len(page.changes)
        cursor = page.cursor
    if cursor != bundle.manifest.cursor:
        raise BundleError(f"the last changes page ends at cursor {cursor!r}, the manifest says {bundle.manifest.cursor!r}")
    results: list[PushResult] = []
    for name in _page_names(bundle, "results"):
        for result in _parse(PushResponse, bundle.page(name), name).results:
            if result.status not in PUSH_STATUSES:
                raise BundleError(f"entry {name}: unknown answer {result.status!r} for {result.id}")
            results.append(result)
    attempt_results: list[AttemptResult] = []
    for name in _page_names(bundle, "attempt-results"):
        for answer in _parse(AttemptsResponse, bundle.page(name), name).results:
            if answer.status not in _ATTEMPT_STATUSES:
                raise BundleError(f"entry {name}: unknown answer {answer.status!r} for attempt {answer.id}")
            attempt_results.append(answer)
    training = None
    for name in _page_names(bundle, "courses"):
        page = _parse(CoursesResponse, bundle.page(name), name)
        if training is None:
            training = page
        else:
            training.courses.extend(page.courses)
            training.certificates.extend(page.certificates)
    return PullContent(bundle.manifest, _Changes(bundle, names), count, cursor, results, list(bundle.blobs),
                       attempt_results, training)  # fmt: skip


_ATTEMPT_STATUSES = (ATTEMPT_ACCEPTED, ATTEMPT_DUPLICATE, ATTEMPT_REJECTED)


def _page_names(bundle: VerifiedBundle, prefix: str) -> list[str]:
    """The pages under ``prefix`` in order; a gap in the numbering means one went missing."""
    names = bundle.page_names(prefix)
    for n, name in enumerate(names, 1):
        if name != page_name(prefix, n):
            raise BundleError(f"{page_name(prefix, n)} is missing from the bundle (found {name} instead)")
    return names


def _parse(cls: type, data: Any, name: str) -> Any:
    try:
        return from_wire(cls, data, name)
    except WireError as exc:
        raise BundleError(f"entry {name} does not hold a {cls.__name__}: {exc}") from None
