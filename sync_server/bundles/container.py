"""The bundle container: one zip file, a signed manifest of hashes, written atomically, read verified.

No server dependency, like ``sync_server.protocol`` (the desktop imports it without the
server's dependencies). ``sync_server.bundles.pages`` puts push and pull pages
in it; the file layout is described there.

The manifest names every entry with its size and sha256, and ``signature.json``
holds an HMAC-SHA256 of the manifest's exact bytes under the user's bundle key
(``sync_server.bundles.signing``; docs/adr/0007-usb-bundles.md). ``VerifiedBundle``
checks, in this order and before the caller applies anything: the zip's own
directory (entry count, names, declared sizes against the caps, the total), the
manifest (bounded, depth-checked), the signature, then every entry's size and
sha256, streamed. A truncated, damaged, forged or oversized file is refused whole.
Nothing is ever extracted to a path taken from the archive, and pages are decoded
one at a time when the caller reads them, so memory stays bounded by one page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import secrets
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync_server.protocol import PROTOCOL_VERSION, UserInfo, WireError, from_wire
from sync_server.protocol.json_guard import HostileJson, loads_bounded

FORMAT_NAME = "aidou-bundle"
# 1: annotations, reviews' answers, feed pages, images. 2 (ADR 0027): training too, in
# entries of their own (``TRAINING_PREFIXES``). A writer stamps a file with the lowest
# format that reads it (``format_of``), so a bundle without training stays format 1 and an
# older program still reads it; ``Manifest.reads_format`` tells the other side what the
# maker reads, so the server's reply to an older PC leaves training out.
FORMAT_VERSION = 2
FORMAT_TRAINING = 2
KIND_PUSH = "push"
KIND_PULL = "pull"
KINDS = (KIND_PUSH, KIND_PULL)
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "signature.json"
SIGNATURE_ALG = "HMAC-SHA256"

# Caps: a bundle is read from a stick someone handed over; never trust its sizes. All
# are checked against the zip's directory before a byte is unpacked, and every read
# stops at the size the manifest gives. A page is decoded only when read, one at a time.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # 100,000 entries are ~12 MB
MAX_SIGNATURE_BYTES = 4096
MAX_PAGE_BYTES = 8 * 1024 * 1024  # writers keep pages under PAGE_TARGET_BYTES
PAGE_TARGET_BYTES = 2 * 1024 * 1024  # feed pages are ~1 MiB at most (the server caps them)
MAX_BLOB_BYTES = 64 * 1024 * 1024  # display copies are far smaller
MAX_JSON_TOTAL = 1024 * 1024 * 1024  # all pages together
MAX_BLOBS_TOTAL = 32 * 1024 * 1024 * 1024  # all images together
MAX_ENTRIES = 200_000
MAX_MISSING_BLOBS = 100_000
MAX_KNOWN_COURSES = 10_000
MAX_JSON_DEPTH = 32  # a page is 8 deep (page → list → record → shapes → shape → points → point)
MAX_PAGE_CONTAINERS = 500_000  # arrays and objects in one page: ~60 bytes of memory each
CHUNK = 1 << 20

KeyFor = Callable[["Manifest"], bytes]  # the bundle key of the manifest's user, or BundleError

_PAGE_RE = re.compile(r"(push|changes|results|attempts|attempt-results|courses)/[0-9]{6}\.json")
_BLOB_RE = re.compile(r"blobs/([0-9a-f]{64})")
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_PAGE_PREFIX = {
    KIND_PUSH: ("push/", "attempts/"),
    KIND_PULL: ("changes/", "results/", "blobs/", "attempt-results/", "courses/"),
}
TRAINING_PREFIXES = ("attempts/", "attempt-results/", "courses/")  # format 2
_MADE_BY = {KIND_PUSH: "`aidou-sync bundle export` on a PC", KIND_PULL: "the server (`aidou-server bundle`)"}


class BundleError(ValueError):
    """A bundle that cannot be used; the message says which entry and what is wrong."""


@dataclass
class Entry:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    kind: str  # KIND_PUSH | KIND_PULL
    user: UserInfo  # whose records (push) or whose feed (pull)
    created_by: str  # "aidou-sync" | "aidou-server"
    created_at: str  # ISO 8601 UTC of the maker's clock; a PC refuses a pull bundle older than its last
    cursor: str = ""  # push: the PC's feed cursor; pull: the cursor after the last change
    since: str = ""  # pull: where its changes start ("" = from the start of the feed)
    server_url: str | None = None  # push: the server the PC syncs with, for the admin's eyes
    missing_blobs: list[str] = field(default_factory=list)  # push: display copies the PC still lacks
    # push: the training courses the PC holds (their lesson images it has, or lists in
    # missing_blobs); the reply brings every lesson image of the others
    known_courses: list[int] = field(default_factory=list)
    reads_format: int = 1  # the newest format the maker reads (left out by format-1 makers)
    entries: list[Entry] = field(default_factory=list)
    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION
    protocol_version: int = PROTOCOL_VERSION


def format_of(names: list[str]) -> int:
    """The lowest bundle format that reads entries with these names."""
    return FORMAT_TRAINING if any(name.startswith(TRAINING_PREFIXES) for name in names) else 1


def page_name(prefix: str, n: int) -> str:
    return f"{prefix}/{n:06d}.json"


def blob_name(sha: str) -> str:
    if not isinstance(sha, str) or not _SHA_RE.fullmatch(sha):
        raise BundleError(f"not a sha256: {sha!r}")
    return f"blobs/{sha}"


def _check_name(name: Any) -> str:
    # the only names a bundle ever has: anything else (../x, /etc/x, C:\x) is refused
    if not isinstance(name, str) or not (_PAGE_RE.fullmatch(name) or _BLOB_RE.fullmatch(name)):
        raise BundleError(f"entry {name!r} has a name no bundle uses (refused)")
    return name


def _cap(name: str) -> int:
    return MAX_BLOB_BYTES if name.startswith("blobs/") else MAX_PAGE_BYTES


# ---------------------------------------------------------------- writing


def encode_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def new_bundle_key() -> str:
    """A user's bundle key as the server issues it at login: 32 random bytes, hex."""
    return secrets.token_hex(32)


def key_bytes(key_hex: str) -> bytes:
    """The key a bundle is signed with, from its hex form (BundleError when it is not one)."""
    try:
        key = bytes.fromhex(key_hex)
    except (TypeError, ValueError):
        key = b""
    if len(key) < 16:
        raise BundleError("the bundle key kept here is not a key: log in online once to get a new one")
    return key


def manifest_mac(key: bytes, raw_manifest: bytes) -> str:
    """The signature of a manifest's exact bytes; the label keeps this key's MACs apart
    from anything else it might ever sign."""
    return hmac.new(key, b"aidou-bundle manifest\0" + raw_manifest, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short public name of a key: which key signed, without telling the key."""
    return hashlib.sha256(b"aidou-bundle key id\0" + key).hexdigest()[:16]


class BundleWriter:
    """Writes ``path`` + ".part" and renames it into place on ``finish``, so a
    half-written bundle (stick pulled out, disk full) never carries the final name."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._part = self.path.with_name(self.path.name + ".part")
        self._zip = zipfile.ZipFile(self._part, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.entries: list[Entry] = []

    def __enter__(self) -> BundleWriter:
        return self

    def __exit__(self, exc_type, *_exc: object) -> None:
        if exc_type is not None:
            self.abort()

    def add_json(self, name: str, data: Any) -> None:
        self.add_page(name, encode_json(data))

    def add_page(self, name: str, raw: bytes) -> None:
        self._add(_check_name(name), raw, zipfile.ZIP_DEFLATED)

    def add_blob(self, sha: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha:
            raise BundleError(f"blob {sha} does not match its sha256; not written")
        self._add(blob_name(sha), data, zipfile.ZIP_STORED)  # JPEG/WebP: deflate gains nothing

    def _add(self, name: str, data: bytes, compress: int) -> None:
        if len(data) > _cap(name):
            raise BundleError(f"entry {name} is {len(data)} bytes, over the cap of {_cap(name)}")
        self._write(name, data, compress)
        self.entries.append(Entry(name, len(data), hashlib.sha256(data).hexdigest()))

    def _write(self, name: str, data: bytes, compress: int) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = compress
        self._zip.writestr(info, data)

    def finish(self, manifest: Manifest, key: bytes) -> Manifest:
        """The manifest, signed with ``key`` (the user's bundle key), and the file in place."""
        manifest.entries = list(self.entries)
        manifest.format_version = format_of([entry.name for entry in self.entries])
        manifest.reads_format = FORMAT_VERSION
        raw = json.dumps(dataclasses.asdict(manifest), ensure_ascii=False, indent=1).encode("utf-8")
        if len(raw) > MAX_MANIFEST_BYTES:
            raise BundleError(f"the manifest would be {len(raw)} bytes, over the cap of {MAX_MANIFEST_BYTES}")
        signature = {"alg": SIGNATURE_ALG, "key_id": key_id(key), "mac": manifest_mac(key, raw)}
        self._write(MANIFEST_NAME, raw, zipfile.ZIP_DEFLATED)
        self._write(SIGNATURE_NAME, encode_json(signature), zipfile.ZIP_DEFLATED)
        self._zip.close()
        with open(self._part, "rb+") as f:  # on the stick before the name says "complete"
            os.fsync(f.fileno())
        os.replace(self._part, self.path)
        return manifest

    def abort(self) -> None:
        try:
            self._zip.close()
        finally:
            self._part.unlink(missing_ok=True)


# ---------------------------------------------------------------- reading


class VerifiedBundle:
    """An open bundle whose every entry matched its signed manifest when it was opened.

    ``key_for(manifest)`` gives the bundle key of the manifest's user (or raises
    BundleError: an unknown user, no key yet); it is called after the manifest is read
    and before anything else is trusted. Pages are decoded by ``page`` when asked for
    and blobs read by ``blob_bytes``; both check the hash again (a stick can change
    under us), so nothing decoded is held here."""

    def __init__(self, path: Path | str, kind: str, key_for: KeyFor) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise BundleError(f"{self.path}: no such file") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BundleError(
                f"{self.path} is not a complete bundle (truncated, damaged, or not a bundle at all): {exc}"
            ) from None
        try:
            self._check_directory()
            raw = self._read(MANIFEST_NAME, MAX_MANIFEST_BYTES)
            self.manifest = self._parse_manifest(raw, kind)
            self._check_signature(raw, key_for(self.manifest))
            self._entries = self._verify_entries()
            self.blobs = [n.removeprefix("blobs/") for n in sorted(self._entries) if n.startswith("blobs/")]
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> VerifiedBundle:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _check_directory(self) -> None:
        """The zip's own directory, before anything is unpacked: how many entries, their
        names, how they are packed, and the sizes they claim."""
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES + 2:
            raise BundleError(f"{self.path}: {len(infos)} entries, more than a bundle ever has")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise BundleError(f"{self.path}: an entry name appears twice (refused)")
        if MANIFEST_NAME not in names:
            raise BundleError(f"{self.path}: no {MANIFEST_NAME}; this is not an AI豆 bundle")
        json_total = blobs_total = 0
        for info in infos:
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BundleError(f"entry {info.filename}: encrypted or compressed in a way bundles never are")
            cap = {MANIFEST_NAME: MAX_MANIFEST_BYTES, SIGNATURE_NAME: MAX_SIGNATURE_BYTES}.get(info.filename)
            if cap is None:
                cap = _cap(_check_name(info.filename))
            if info.file_size > cap:
                raise BundleError(f"entry {info.filename} unpacks to {info.file_size} bytes, over the cap of {cap} (refused)")
            if info.filename.startswith("blobs/"):
                blobs_total += info.file_size
            else:
                json_total += info.file_size
        if json_total > MAX_JSON_TOTAL or blobs_total > MAX_BLOBS_TOTAL:
            raise BundleError(
                f"{self.path} unpacks to {json_total} bytes of pages and {blobs_total} of images, over the caps "
                f"of {MAX_JSON_TOTAL} and {MAX_BLOBS_TOTAL} (refused)"
            )

    def _parse_manifest(self, raw: bytes, kind: str) -> Manifest:
        try:
            manifest = _manifest_from_json(loads_bounded(raw, MAX_JSON_DEPTH, 4 * MAX_ENTRIES + 100))
        except (ValueError, TypeError, KeyError, WireError) as exc:
            raise BundleError(f"{MANIFEST_NAME} is damaged: {exc}") from None
        if manifest.format != FORMAT_NAME:
            raise BundleError(f"{MANIFEST_NAME}: format {manifest.format!r} is not {FORMAT_NAME!r}")
        if manifest.format_version > FORMAT_VERSION:
            raise BundleError(
                f"bundle format {manifest.format_version} is newer than this program reads ({FORMAT_VERSION}); please update"
            )
        if manifest.protocol_version > PROTOCOL_VERSION:
            raise BundleError(
                f"the bundle speaks sync protocol {manifest.protocol_version}, newer than this program's "
                f"{PROTOCOL_VERSION}; please update"
            )
        if manifest.kind != kind:
            raise BundleError(
                f"{self.path} is a {manifest.kind} bundle made by {_MADE_BY.get(manifest.kind, '?')} "
                f"for {manifest.user.username}; this command reads {kind} bundles made by {_MADE_BY[kind]}"
            )
        return manifest

    def _check_signature(self, raw_manifest: bytes, key: bytes) -> None:
        who = self.manifest.user.username
        if SIGNATURE_NAME not in self._zip.namelist():
            raise BundleError(f"{self.path} is not signed (made by an older version?): refused; make it again")
        try:
            signature = loads_bounded(self._read(SIGNATURE_NAME, MAX_SIGNATURE_BYTES), 4, 4)
            alg, signed_by, mac = signature["alg"], signature["key_id"], signature["mac"]
        except (ValueError, TypeError, KeyError) as exc:
            raise BundleError(f"{SIGNATURE_NAME} is damaged: {exc}") from None
        if alg != SIGNATURE_ALG or not isinstance(mac, str):
            raise BundleError(f"{SIGNATURE_NAME}: signature kind {alg!r} is not {SIGNATURE_ALG!r}")
        if signed_by != key_id(key):
            raise BundleError(
                f"the bundle is signed with a key that is not {who}'s current bundle key (key {str(signed_by)[:16]!r}): "
                "made before they signed out everywhere, changed password or were disabled, or by someone else; "
                f"{who} logs in online once, then makes the bundle again"
            )
        if not hmac.compare_digest(mac, manifest_mac(key, raw_manifest)):
            raise BundleError("the signature does not match the manifest: the bundle was altered or forged (refused)")

    def _verify_entries(self) -> dict[str, Entry]:
        listed: dict[str, Entry] = {}
        for entry in self.manifest.entries:
            _check_name(entry.name)
            if entry.name in listed:
                raise BundleError(f"{MANIFEST_NAME} lists {entry.name} twice")
            if not entry.name.startswith(_PAGE_PREFIX[self.manifest.kind]):
                raise BundleError(f"entry {entry.name} does not belong in a {self.manifest.kind} bundle")
            listed[entry.name] = entry
        present = {i.filename: i for i in self._zip.infolist() if i.filename not in (MANIFEST_NAME, SIGNATURE_NAME)}
        for name in sorted(listed.keys() - present.keys()):
            raise BundleError(f"entry {name} is in the manifest but missing from the file (truncated?)")
        for name in sorted(present.keys() - listed.keys()):
            raise BundleError(f"entry {name} is in the file but not in the manifest (refused)")
        for name, entry in sorted(listed.items()):
            if present[name].file_size != entry.size:
                raise BundleError(
                    f"entry {name} is {present[name].file_size} bytes, the manifest says {entry.size} (truncated or altered)"
                )
            blob = _BLOB_RE.fullmatch(name)
            if blob and entry.sha256 != blob.group(1):
                raise BundleError(f"entry {name}: the manifest gives it another sha256 ({entry.sha256})")
            self._read(name, entry.size, entry.sha256, keep=False)  # streamed: only its hash is kept
        return listed

    def _read(self, name: str, limit: int, sha256: str | None = None, keep: bool = True) -> bytes:
        """The entry's bytes, never more than ``limit``; checked against ``sha256``."""
        digest = hashlib.sha256()
        parts = []
        total = 0
        try:
            with self._zip.open(name) as f:
                while chunk := f.read(min(CHUNK, limit + 1 - total)):
                    total += len(chunk)
                    if total > limit:
                        raise BundleError(f"entry {name} is bigger than the manifest or the cap allows (refused)")
                    digest.update(chunk)
                    if keep:
                        parts.append(chunk)
                    if total == limit:
                        if f.read(1):  # anything past the promised size: a lie, or a zip bomb
                            raise BundleError(f"entry {name} is bigger than the manifest or the cap allows (refused)")
                        break
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BundleError(f"entry {name} is damaged: {exc}") from None
        if sha256 is not None:
            if total != limit:
                raise BundleError(f"entry {name} is {total} bytes, the manifest says {limit} (truncated?)")
            if digest.hexdigest() != sha256:
                raise BundleError(f"entry {name} is damaged or altered: its sha256 does not match the manifest")
        return b"".join(parts)

    def _entry_bytes(self, name: str) -> bytes:
        entry = self._entries.get(name)
        if entry is None:
            raise BundleError(f"no {name} in this bundle")
        return self._read(name, entry.size, entry.sha256)

    def blob_bytes(self, sha: str) -> bytes:
        return self._entry_bytes(blob_name(sha))

    def page_names(self, prefix: str) -> list[str]:
        return sorted(n for n in self._entries if n.startswith(prefix + "/"))

    def page(self, name: str) -> Any:
        """One page, read again (hash-checked) and decoded within the depth and size caps."""
        try:
            return loads_bounded(self._entry_bytes(name), MAX_JSON_DEPTH, MAX_PAGE_CONTAINERS)
        except HostileJson as exc:
            raise BundleError(f"entry {name} {exc} (refused)") from None
        except ValueError as exc:
            raise BundleError(f"entry {name} is not valid JSON: {exc}") from None


def _manifest_from_json(data: Any) -> Manifest:
    if not isinstance(data, dict):
        raise TypeError("expected an object")
    known = {f.name for f in dataclasses.fields(Manifest)}
    fields = {k: v for k, v in data.items() if k in known}  # a newer maker may add fields
    fields["user"] = from_wire(UserInfo, data["user"], "manifest.user")
    entries = data.get("entries", [])
    missing = data.get("missing_blobs", [])
    if not isinstance(entries, list) or not isinstance(missing, list) or len(missing) > MAX_MISSING_BLOBS:
        raise ValueError("entries and missing_blobs must be lists")
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"{len(entries)} entries, more than a bundle ever has")
    if not all(isinstance(e, dict) and set(e) == {"name", "size", "sha256"} for e in entries):
        raise ValueError("an entry is not {name, size, sha256}")
    fields["entries"] = [Entry(**e) for e in entries]
    for e in fields["entries"]:
        if not isinstance(e.size, int) or isinstance(e.size, bool) or not 0 <= e.size <= _cap(_check_name(e.name)):
            raise ValueError(f"entry {e.name}: size {e.size!r} is not allowed")
        if not isinstance(e.sha256, str) or not _SHA_RE.fullmatch(e.sha256):
            raise ValueError(f"entry {e.name}: {e.sha256!r} is not a sha256")
    fields["missing_blobs"] = [s for s in missing if isinstance(s, str) and _SHA_RE.fullmatch(s)]
    known = data.get("known_courses", [])
    if not isinstance(known, list) or len(known) > MAX_KNOWN_COURSES:
        raise ValueError(f"known_courses must be a list of at most {MAX_KNOWN_COURSES} course ids")
    fields["known_courses"] = [c for c in known if type(c) is int and 0 < c < 2**63]
    manifest = Manifest(**fields)
    for name in ("kind", "created_by", "created_at", "cursor", "since", "format"):
        if not isinstance(getattr(manifest, name), str):
            raise TypeError(f"field '{name}' must be a string")
    for name in ("format_version", "protocol_version", "reads_format"):
        if not isinstance(getattr(manifest, name), int):
            raise TypeError(f"field '{name}' must be a whole number")
    return manifest
