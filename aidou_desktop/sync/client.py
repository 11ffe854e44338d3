"""``SyncClient``: the HTTP side of the sync protocol, over one ``requests.Session``.

Every call has a timeout (design.md: never hang on a dead link). Errors come
back as the four kinds in ``errors``; nothing else escapes.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from aidou_desktop.sync.errors import AuthError, Offline, ServerError, UpdateRequired
from aidou_desktop.sync.sizing import RequestSizer
from sync_server.protocol import (
    API_PREFIX,
    MAX_CHANGES_PAGE,
    PROTOCOL_VERSION,
    SERVER_ID_HEADER,
    SERVICE_NAME,
    VERSION_HEADER,
    AnnotationRecord,
    ChangesResponse,
    LoginRequest,
    LoginResponse,
    MissingRequest,
    MissingResponse,
    PushRequest,
    PushResponse,
    PushResult,
    ReviewRecord,
    SignOutResponse,
    WireError,
    from_wire,
    to_json,
    to_wire,
)
from sync_server.protocol.json_guard import loads

if TYPE_CHECKING:
    import requests
else:
    # imported by load_http (the first client, or the app once its window is up), not with
    # this module: requests and urllib3 take ~0.1 s to import, which the first paint skips
    requests = None

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
CHUNK = 64 * 1024
CA_FILE_ENV = "AIDOU_CA_FILE"  # a PEM file of CAs to trust for the server's HTTPS certificate
OFFICE_CA_NAME = "office-ca.pem"  # the same, put in the data dir


def office_ca(data_dir: Path | str) -> str | None:
    """The office's own CA file in the data dir, when there is one."""
    path = Path(data_dir) / OFFICE_CA_NAME
    return str(path) if path.is_file() else None


def load_http() -> None:
    """Import the HTTP stack now, if nothing has yet."""
    global requests
    if requests is None:
        import requests as module  # thread-safe: a second thread waits for the first's import

        requests = module


_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class SyncClient:
    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        timeout: tuple[float, float] = (5, 30),
        sizers: dict[str, RequestSizer] | None = None,
        ca_file: str | None = None,
    ):
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.user_id: int | None = None  # whose token this is, when known (``client_for``)
        self.timeout = timeout  # (connect, read) seconds
        load_http()  # the rest of this module uses requests only through a client
        self.http = requests.Session()
        self.http.trust_env = False  # a system proxy must not capture traffic to the LAN server
        # HTTPS is verified always: against the system's CAs, or the office's own CA file
        # (a base office's server often has a certificate from a CA of its own; docs/deployment.md)
        self.http.verify = ca_file or os.environ.get(CA_FILE_ENV) or True
        self.http.headers[VERSION_HEADER] = str(PROTOCOL_VERSION)
        self.bytes_sent = 0  # request bodies, after compression
        self.bytes_received = 0  # response bodies as they came over the wire
        # pass the same dict to the next client (the app makes one per sync) to keep what was learned
        self._sizers: dict[str, RequestSizer] = {} if sizers is None else sizers

    def sizer(self, maximum: int, kind: str) -> RequestSizer:
        """The request sizer for ``kind`` ("push", "pull"): it lives as long as this client,
        so what one sync run learned about the link serves the next."""
        if kind not in self._sizers:
            self._sizers[kind] = RequestSizer.for_timeout(maximum, self.timeout[1])
        return self._sizers[kind]

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------ API

    def healthy(self) -> bool:
        """True only when our server answers: a captive portal or a proxy also says 200."""
        try:
            resp = self.http.get(self.server_url + "/healthz", timeout=(self.timeout[0], min(self.timeout[1], 5)))
        except requests.RequestException:
            return False
        data = _decode(resp)
        return (
            resp.status_code == 200
            and isinstance(data, dict)
            and data.get("service") == SERVICE_NAME
            and bool(data.get("server_id"))
            and resp.headers.get(SERVER_ID_HEADER) == data.get("server_id")
        )

    def login(self, username: str, password: str) -> LoginResponse:
        data = self._json("POST", "/login", body=to_wire(LoginRequest(username, password)), auth=False)
        login = self._parse(LoginResponse, data)
        self.token = login.token
        return login

    def logout(self, everywhere: bool = False) -> int:
        """Revoke this client's token on the server (``everywhere``: every token of its user,
        a lost PC). Returns how many tokens stopped working; then the client holds no token.
        A token the server already refused raises ``AuthError``, a dead link ``Offline``."""
        params = {"everywhere": "true"} if everywhere else None
        data = self._json("POST", "/logout", params=params)
        self.token = None
        return self._parse(SignOutResponse, data).revoked

    def changes(self, since: str = "", limit: int = MAX_CHANGES_PAGE, compact: bool = False) -> ChangesResponse:
        """A page of the feed after ``since``. ``compact``: without the rows a later row of the
        same record replaces (a first sync, ADR 0021); a server that predates it sends them all."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        if compact:
            params["compact"] = "true"
        return self._parse(ChangesResponse, self._json("GET", "/changes", params=params))

    def missing(self, ids: list[str]) -> list[str]:
        """Which of these revision ids the server holds no revision for (reconciliation)."""
        data = self._json("POST", "/missing", body=to_wire(MissingRequest(list(ids))))
        return self._parse(MissingResponse, data).missing

    def push(self, records: list[AnnotationRecord], reviews: list[ReviewRecord] = ()) -> list[PushResult]:
        """One answer per record (the revisions, then the reviews), in order. A 422 whose body
        carries ``results`` (every record rejected) is a normal answer, not an error."""
        body = push_body(records, reviews)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        resp = self._send("POST", "/push", data=body, headers=headers, raise_for_status=False)
        data = _answer(resp)
        if resp.status_code == 422 and isinstance(data, dict) and "results" in data:
            return self._parse(PushResponse, {"results": data["results"]}).results
        self._raise_for_status(resp, data)
        results = self._parse(PushResponse, data).results
        if len(results) != len(records) + len(reviews):
            log.warning("push: %d records sent, %d answers", len(records) + len(reviews), len(results))
        return results

    def fetch_blob(self, sha: str, dest: Path, progress: Progress | None = None) -> int:
        """Download a blob into ``dest``, resuming from its size with HTTP Range.

        A 206 appends; a 200 (range ignored) starts the file again. Returns the
        bytes received by this call."""
        dest = Path(dest)
        offset = dest.stat().st_size if dest.exists() else 0
        # identity: a JPEG does not compress, and Range must count the bytes of the file itself
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        resp = self._send("GET", f"/blobs/{sha}", headers=headers, stream=True, raise_for_status=False)
        with resp:
            if resp.status_code == 416:
                return 0  # we already hold every byte; the hash check decides
            if resp.status_code not in (200, 206):
                self._raise_for_status(resp, _decode(resp))
            if "Content-Length" not in resp.headers:
                # the server always sends it; without it the link was cut inside the
                # headers (http.client then reads "no body"): retry, do not commit a stub
                raise Offline(f"download of {sha[:12]}: the answer was cut in its headers")
            total = _total_size(resp, offset)
            if resp.status_code == 206 and _range_start(resp) != offset:
                raise ServerError(f"blob {sha[:12]}: server sent an unexpected range", 206)
            mode = "ab" if resp.status_code == 206 else "wb"
            done = offset if mode == "ab" else 0
            got = 0
            # urllib3 raises IncompleteRead on a cut body *and drops the bytes it had buffered*
            # for that read: they would be fetched twice. We count the length ourselves instead.
            resp.raw.enforce_content_length = False
            try:
                with open(dest, mode) as f:
                    try:
                        for chunk in resp.iter_content(CHUNK):
                            f.write(chunk)
                            got += len(chunk)
                            done += len(chunk)
                            if progress:
                                progress(done, total or done, sha[:12])
                    finally:  # what arrived stays on disk for the resume, even when cut
                        f.flush()
                        os.fsync(f.fileno())
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                self.bytes_received += got
                raise Offline(f"download of {sha[:12]} interrupted: {exc}", received=got) from exc
            self.bytes_received += got
            if total and done < total:
                raise Offline(f"download of {sha[:12]} cut short at {done} of {total} bytes", received=got)
            return got

    def request_json(self, method: str, path: str, body: Any = None, params: dict | None = None) -> Any:
        """One authenticated JSON call under the API prefix (the office screens' endpoints):
        the decoded answer, or the same errors as every other call."""
        return self._json(method, path, body=body, params=params)

    # ------------------------------------------------------------ plumbing

    def _json(self, method: str, path: str, body: Any = None, params: dict | None = None, auth: bool = True) -> Any:
        data = None
        headers = {}
        if body is not None:
            data = dumps(body)
            headers["Content-Type"] = "application/json"
        resp = self._send(method, path, data=data, params=params, headers=headers, auth=auth, raise_for_status=False)
        parsed = _answer(resp)
        self._raise_for_status(resp, parsed)
        return parsed

    def _send(self, method: str, path: str, *, auth: bool = True, raise_for_status: bool = True,
              **kwargs: Any) -> requests.Response:  # fmt: skip
        headers = kwargs.pop("headers", None) or {}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.server_url + API_PREFIX + path
        try:
            resp = self.http.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
        except requests.exceptions.SSLError as exc:
            # not a dead link: someone answers with a certificate we cannot trust (wrong CA, a
            # man in the middle). Retrying will not help; a person must look.
            raise ServerError(f"the server's certificate cannot be verified ({exc.__class__.__name__}); "
                              f"trust the office's CA: put it at DATA/{OFFICE_CA_NAME} or set ${CA_FILE_ENV}",
                              0, "tls_untrusted") from exc  # fmt: skip
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Offline(f"{self.server_url} unreachable: {exc.__class__.__name__}") from exc
        except requests.RequestException as exc:
            raise Offline(f"{self.server_url}: {exc}") from exc
        if data := kwargs.get("data"):
            self.bytes_sent += len(data)
        if SERVER_ID_HEADER not in resp.headers:
            # not our server: a captive portal's login page, a proxy's error. Its bytes are
            # no answer (nor image data): treat it as no link, keep every partial download
            resp.close()
            raise Offline(f"{self.server_url} answered {resp.status_code} without our server's mark "
                          "(a captive portal or a proxy?)")  # fmt: skip
        if not kwargs.get("stream"):
            self.bytes_received += len(resp.content)
        if raise_for_status:
            self._raise_for_status(resp, None)
        return resp

    @staticmethod
    def _raise_for_status(resp: requests.Response, data: Any) -> None:
        status = resp.status_code
        if status < 400:
            return
        code, message = "", f"HTTP {status}"
        if isinstance(data, dict):
            code = str(data.get("code") or "")
            message = str(data.get("message") or data.get("detail") or message)
        if status >= 500:
            raise Offline(f"server error {status}: {message}")
        if status == 401:
            raise AuthError(message)
        if status == 426:
            raise UpdateRequired(message)
        raise ServerError(message, status, code, _retry_after(resp))

    @staticmethod
    def _parse(cls: type, data: Any) -> Any:
        try:
            return from_wire(cls, data)
        except WireError as exc:
            raise ServerError(f"unexpected answer from the server: {exc}") from exc


def _retry_after(resp: requests.Response) -> int | None:
    """The ``Retry-After`` seconds (a 429 login lockout); None when absent or an HTTP date."""
    value = resp.headers.get("Retry-After", "").strip()
    return int(value) if value.isdigit() else None


def _decode(resp: requests.Response) -> Any:
    try:
        return loads(resp.content)  # json.loads's value, at orjson's speed (ADR 0020)
    except ValueError:
        return None


def dumps(data: Any) -> bytes:
    """Compact JSON: orjson's (ADR 0020). What it cannot write (an int past 64 bits, a lone
    surrogate) goes as the standard library writes it, for the server to answer as ever."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, separators=(",", ":")).encode()


def push_body(records: list[AnnotationRecord], reviews: list[ReviewRecord] = ()) -> bytes:
    """A push request's body: compact JSON, gzipped."""
    return gzip.compress(to_json(PushRequest(list(records), reviews=list(reviews))), compresslevel=6)


def _answer(resp: requests.Response) -> Any:
    """The JSON of an answer. A 2xx whose body is not JSON was cut on the way: a link
    cut inside the headers reads as "200, no body" to http.client. That is a transport
    failure to retry (Offline), not a server refusal."""
    data = _decode(resp)
    if data is None and resp.status_code < 400:
        raise Offline(f"the answer to {resp.request.method} {resp.request.path_url} was cut short "
                      f"({len(resp.content)} bytes)")  # fmt: skip
    return data


def _range_start(resp: requests.Response) -> int | None:
    m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
    return int(m.group(1)) if m else None


def _total_size(resp: requests.Response, offset: int) -> int:
    m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
    if m and m.group(3) != "*":
        return int(m.group(3))
    length = resp.headers.get("Content-Length")
    if length and length.isdigit():
        return int(length) + (offset if resp.status_code == 206 else 0)
    return 0
