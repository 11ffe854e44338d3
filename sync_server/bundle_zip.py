"""The bundle container: one zip file, a manifest of hashes, written atomically, read verified.

Standard library only, like ``sync_server.protocol`` (the desktop imports it without the
server's dependencies). ``sync_server.bundle_format`` puts push and pull pages
in it; the file layout is described there.

The manifest names every entry with its size and sha256. ``VerifiedBundle``
checks every entry against it when it opens the file, *before* the caller
applies anything, so a truncated, damaged or tampered file is refused whole.
Nothing is ever extracted to a path taken from the archive: names must match
the few patterns a bundle uses, and every read is capped. The hashes catch
accidents and casual edits, not a forger (docs/adr/0007-usb-bundles.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync_server.protocol import PROTOCOL_VERSION, UserInfo, WireError, from_wire

FORMAT_NAME = "aidou-bundle"
FORMAT_VERSION = 1
KIND_PUSH = "push"
KIND_PULL = "pull"
KINDS = (KIND_PUSH, KIND_PULL)
MANIFEST_NAME = "manifest.json"

# Caps: a bundle is read from a stick someone handed over; never trust its sizes.
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_PAGE_BYTES = 64 * 1024 * 1024  # 500 records are ~0.5 MB of JSON
MAX_BLOB_BYTES = 256 * 1024 * 1024  # display copies are far smaller
MAX_ENTRIES = 200_000
MAX_MISSING_BLOBS = 100_000
CHUNK = 1 << 20

_PAGE_RE = re.compile(r"(push|changes|results)/[0-9]{6}\.json")
_BLOB_RE = re.compile(r"blobs/([0-9a-f]{64})")
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_PAGE_PREFIX = {KIND_PUSH: ("push/",), KIND_PULL: ("changes/", "results/", "blobs/")}
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
    created_at: str  # ISO 8601 UTC of the maker's clock; informational only
    cursor: str = ""  # push: the PC's feed cursor; pull: the cursor after the last change
    since: str = ""  # pull: where its changes start ("" = from the start of the feed)
    server_url: str | None = None  # push: the server the PC syncs with, for the admin's eyes
    missing_blobs: list[str] = field(default_factory=list)  # push: display copies the PC still lacks
    entries: list[Entry] = field(default_factory=list)
    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION
    protocol_version: int = PROTOCOL_VERSION


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
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._add(_check_name(name), raw, zipfile.ZIP_DEFLATED)

    def add_blob(self, sha: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha:
            raise BundleError(f"blob {sha} does not match its sha256; not written")
        self._add(blob_name(sha), data, zipfile.ZIP_STORED)  # JPEG/WebP: deflate gains nothing

    def _add(self, name: str, data: bytes, compress: int) -> None:
        if len(data) > _cap(name):
            raise BundleError(f"entry {name} is {len(data)} bytes, over the cap of {_cap(name)}")
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = compress
        self._zip.writestr(info, data)
        self.entries.append(Entry(name, len(data), hashlib.sha256(data).hexdigest()))

    def finish(self, manifest: Manifest) -> Manifest:
        manifest.entries = list(self.entries)
        data = json.dumps(dataclasses.asdict(manifest), ensure_ascii=False, indent=1).encode("utf-8")
        info = zipfile.ZipInfo(MANIFEST_NAME, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)
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
    """An open bundle whose every entry matched the manifest when it was opened.

    JSON pages are held in memory (decoded); blobs are read again on demand by
    ``blob_bytes``, which checks the hash once more (a stick can change under us)."""

    def __init__(self, path: Path | str, kind: str) -> None:
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
            self.manifest = self._read_manifest(kind)
            self.pages: dict[str, Any] = {}
            self.blobs: list[str] = []
            self._verify_entries()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> VerifiedBundle:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _read_manifest(self, kind: str) -> Manifest:
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES + 1:
            raise BundleError(f"{self.path}: {len(infos)} entries, more than a bundle ever has")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise BundleError(f"{self.path}: an entry name appears twice (refused)")
        if MANIFEST_NAME not in names:
            raise BundleError(f"{self.path}: no {MANIFEST_NAME}; this is not an AI豆 bundle")
        for info in infos:
            if info.filename != MANIFEST_NAME:
                _check_name(info.filename)
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BundleError(f"entry {info.filename}: encrypted or compressed in a way bundles never are")
        raw = self._read(MANIFEST_NAME, MAX_MANIFEST_BYTES)
        try:
            data = json.loads(raw)
            manifest = _manifest_from_json(data)
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

    def _verify_entries(self) -> None:
        listed = {}
        for entry in self.manifest.entries:
            _check_name(entry.name)
            if entry.name in listed:
                raise BundleError(f"{MANIFEST_NAME} lists {entry.name} twice")
            if not entry.name.startswith(_PAGE_PREFIX[self.manifest.kind]):
                raise BundleError(f"entry {entry.name} does not belong in a {self.manifest.kind} bundle")
            listed[entry.name] = entry
        present = {i.filename: i for i in self._zip.infolist() if i.filename != MANIFEST_NAME}
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
            data = self._read(name, entry.size, entry.sha256, keep=not blob)
            if blob:
                self.blobs.append(blob.group(1))
                continue  # blobs are read again when applied: not kept in memory
            try:
                self.pages[name] = json.loads(data)
            except ValueError as exc:
                raise BundleError(f"entry {name} is not valid JSON: {exc}") from None

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

    def blob_bytes(self, sha: str) -> bytes:
        name = blob_name(sha)
        entry = next((e for e in self.manifest.entries if e.name == name), None)
        if entry is None:
            raise BundleError(f"no {name} in this bundle")
        return self._read(name, entry.size, entry.sha256)

    def page_list(self, prefix: str) -> list[tuple[str, Any]]:
        return sorted((n, d) for n, d in self.pages.items() if n.startswith(prefix + "/"))


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
    fields["entries"] = [Entry(**e) for e in entries]
    for e in fields["entries"]:
        if not isinstance(e.size, int) or isinstance(e.size, bool) or not 0 <= e.size <= _cap(_check_name(e.name)):
            raise ValueError(f"entry {e.name}: size {e.size!r} is not allowed")
        if not isinstance(e.sha256, str) or not _SHA_RE.fullmatch(e.sha256):
            raise ValueError(f"entry {e.name}: {e.sha256!r} is not a sha256")
    fields["missing_blobs"] = [s for s in missing if isinstance(s, str) and _SHA_RE.fullmatch(s)]
    manifest = Manifest(**fields)
    for name in ("kind", "created_by", "created_at", "cursor", "since", "format"):
        if not isinstance(getattr(manifest, name), str):
            raise TypeError(f"field '{name}' must be a string")
    for name in ("format_version", "protocol_version"):
        if not isinstance(getattr(manifest, name), int):
            raise TypeError(f"field '{name}' must be a whole number")
    return manifest
