"""A fault-injecting TCP proxy for HTTP, run in-process between client and server.

    with FaultProxy(server_port) as proxy:
        client = SyncClient(proxy.url)
        proxy.rate_down = 16_000          # throttle server→client to 16 kB/s
        proxy.latency_s = 0.5             # one-way delay per chunk
        proxy.cut_every = 300_000         # cut a connection each 300 kB relayed down
        proxy.fail_5xx(2)                 # answer the next 2 requests 503 itself
        proxy.drop_responses(1, "close")  # forward a request, close before its answer
        proxy.flap(up_s=1, down_s=1, cycles=3)

Each connection runs four threads (read/write per direction) joined by bounded
queues, so a throttled writer pushes back on its reader as a slow link would.
Bytes are relayed untouched unless a fault says otherwise; ``http_stream``
parses them on the way to aim faults and to log every request (``requests``)
with the body bytes actually delivered, hence ``blob_ranges()``.
Every loop checks ``stopped`` and times out; the proxy stops itself after
``lifetime_s`` even if a test forgets to.
"""

from __future__ import annotations

import queue
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tests.faults.http_stream import HttpStream, Message

PIECE = 4096
BLOB_PREFIX = "/api/v1/blobs/"


@dataclass
class Exchange:
    """One request through the proxy and what became of its answer."""

    method: str
    path: str
    request_headers: dict[str, str]
    t_start: float
    up_bytes: int = 0  # request bytes forwarded to the server
    status: int = 0  # 0: no answer reached the client
    body_start: int = 0  # Content-Range start of the answer (0 for a 200)
    body_sent: int = 0  # answer body bytes delivered to the client
    t_end: float | None = None
    fault: str = ""  # "5xx", "dropped", "held", "cut", "corrupted"
    response: Message | None = field(default=None, repr=False)


class TokenBucket:
    """A shared byte rate: all connections in one direction share the link."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_free = 0.0

    def take(self, n: int, rate: float | None) -> None:
        if not rate:
            return
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + n / rate
        time.sleep(max(0.0, self.next_free - now))


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1", lifetime_s: float = 300):
        self.upstream = (upstream_host, upstream_port)
        self.latency_s = 0.0
        self.rate_up: float | None = None  # bytes/s client→server
        self.rate_down: float | None = None  # bytes/s server→client
        self.cut_after: int | None = None  # per connection, bytes down
        self.cut_every: int | None = None  # cumulative bytes down, across connections
        self.down = False  # refuse connections (the link is down)
        self.corrupt: dict[str, int] = {}  # blob sha → body offset to flip, once
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.cuts = 0
        self.exchanges: list[Exchange] = []
        self.lock = threading.Lock()
        self.buckets = {"up": TokenBucket(), "down": TokenBucket()}
        self._fail: list = [0, "", 503]  # count, path prefix, status
        self._drop: list = [0, "", "close"]  # count, path prefix, mode
        self._next_cut = None
        self._conns: set[_Connection] = set()
        self.stopped = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.deadline = time.monotonic() + lifetime_s
        threading.Thread(target=self._accept_loop, name="proxy-accept", daemon=True).start()

    # ------------------------------------------------------------ faults

    def fail_5xx(self, count: int, path_prefix: str = "", status: int = 503) -> None:
        """Answer the next ``count`` requests (under ``path_prefix``) with ``status``, unforwarded."""
        with self.lock:
            self._fail = [count, path_prefix, status]

    def drop_responses(self, count: int, path_prefix: str = "", mode: str | int = "close") -> None:
        """Forward the next ``count`` requests whole (the server commits), then lose their
        answers: "close" the client's connection when the answer starts, "hold" it (the
        client waits), or an int: cut it after that many bytes of the answer."""
        with self.lock:
            self._drop = [count, path_prefix, mode]

    def flap(self, up_s: float, down_s: float, cycles: int) -> threading.Thread:
        """Go down for ``down_s`` (cutting open connections), up for ``up_s``, ``cycles`` times."""

        def run() -> None:
            for _ in range(cycles):
                self.set_down(True)
                if self.stopped.wait(down_s):
                    return
                self.set_down(False)
                if self.stopped.wait(up_s):
                    return

        thread = threading.Thread(target=run, name="proxy-flap", daemon=True)
        thread.start()
        return thread

    def set_down(self, down: bool) -> None:
        self.down = down
        if down:
            for conn in list(self._conns):
                conn.abort()

    def reset_counters(self) -> None:
        with self.lock:
            self.bytes_up = self.bytes_down = self.cuts = 0
            self.exchanges = []

    # ------------------------------------------------------------ what was relayed

    def blob_ranges(self) -> dict[str, list[tuple[int, int]]]:
        """Per blob sha: the byte ranges [start, end) delivered to the client."""
        ranges: dict[str, list[tuple[int, int]]] = {}
        for ex in list(self.exchanges):
            if ex.method == "GET" and ex.path.startswith(BLOB_PREFIX) and ex.status in (200, 206):
                sha = ex.path[len(BLOB_PREFIX):].split("?")[0]
                if ex.body_sent:
                    ranges.setdefault(sha, []).append((ex.body_start, ex.body_start + ex.body_sent))
        return ranges

    def finished(self, path_prefix: str = "") -> list[Exchange]:
        return [ex for ex in list(self.exchanges) if ex.path.startswith(path_prefix) and ex.t_end is not None]

    # ------------------------------------------------------------ plumbing

    def _take_fault(self, slot: list, path: str):
        with self.lock:
            if slot[0] > 0 and path.startswith(slot[1]):
                slot[0] -= 1
                return slot[2]
        return None

    def _allow_down(self, n: int, conn: _Connection) -> tuple[int, bool]:
        """How many of ``n`` bytes may pass down before a cut, and whether to cut after them."""
        with self.lock:
            allowed, cut = n, False
            if self.cut_after is not None and conn.down_bytes + n >= self.cut_after:
                allowed, cut = max(0, self.cut_after - conn.down_bytes), True
            if self.cut_every is not None:
                if self._next_cut is None:
                    self._next_cut = self.bytes_down + self.cut_every
                if self.bytes_down + allowed >= self._next_cut:
                    allowed, cut = max(0, self._next_cut - self.bytes_down), True
                    self._next_cut += self.cut_every
            self.bytes_down += allowed
            conn.down_bytes += allowed
            if cut:
                self.cuts += 1
            return allowed, cut

    def _accept_loop(self) -> None:
        while not self.stopped.is_set():
            if time.monotonic() > self.deadline:
                self.stop()
                return
            try:
                sock, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            if self.down:
                _reset(sock)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=2)
            except OSError:
                _reset(sock)  # server dead: the client sees a reset, as on a real link
                continue
            for s in (sock, upstream):  # no Nagle: small heads must not wait for delayed ACKs
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.connections += 1
            conn = _Connection(self, sock, upstream)
            self._conns.add(conn)
            conn.start()

    def stop(self) -> None:
        self.stopped.set()
        for conn in list(self._conns):
            conn.abort()
        try:
            self.listener.close()
        except OSError:
            pass

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _reset(sock: socket.socket) -> None:
    # SO_LINGER 0: close with RST, as a dead link or a refusing port looks to the client
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


class _Connection:
    def __init__(self, proxy: FaultProxy, client: socket.socket, server: socket.socket):
        self.proxy = proxy
        self.client = client
        self.server = server
        self.down_bytes = 0
        self.closed = threading.Event()
        self.held = False  # a dropped answer in "hold" mode: relay nothing more
        self.pending: deque[Exchange] = deque()
        self.up_stream = HttpStream(responses=False)
        self.down_stream = HttpStream(responses=True, no_body=self._no_body)
        self.failing: Message | None = None
        self.current_up: Exchange | None = None

    def _no_body(self, msg: Message) -> bool:
        return bool(self.pending) and self.pending[0].method == "HEAD"

    def start(self) -> None:
        up: queue.Queue = queue.Queue(maxsize=16)
        down: queue.Queue = queue.Queue(maxsize=16)
        for target, args in ((self._read, (self.client, up)), (self._read, (self.server, down)),
                             (self._write_up, (up,)), (self._write_down, (down,))):  # fmt: skip
            threading.Thread(target=target, args=args, daemon=True).start()

    def _read(self, sock: socket.socket, out: queue.Queue) -> None:
        sock.settimeout(0.2)
        rate = self.proxy.rate_up if sock is self.client else self.proxy.rate_down
        size = PIECE if not rate else max(256, min(PIECE, int(rate / 20)))
        while not self._done():
            try:
                data = sock.recv(size)
            except socket.timeout:
                continue
            except OSError:
                data = b""
            item = (time.monotonic(), data) if data else None
            while not self._done():
                try:
                    out.put(item, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if not data:
                return

    def _items(self, q: queue.Queue):
        while not self._done():
            try:
                item = q.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is None:
                return
            t, data = item
            delay = t + self.proxy.latency_s - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            yield data

    def _write_up(self, q: queue.Queue) -> None:
        proxy = self.proxy
        for data in self._items(q):
            for kind, seg, msg in self.up_stream.feed(data):
                if kind == "head":
                    ex = Exchange(msg.method, msg.path, msg.headers, time.monotonic())
                    with proxy.lock:
                        proxy.exchanges.append(ex)
                    self.current_up = ex
                    status = proxy._take_fault(proxy._fail, msg.path)
                    if status:
                        ex.fault, ex.status, self.failing = "5xx", status, msg
                    else:
                        self.pending.append(ex)  # before a byte goes up: its answer may come fast
                if self.failing is msg:
                    if msg.done:
                        self._answer_5xx(self.current_up)
                        return
                    continue
                for i in range(0, len(seg), PIECE):
                    piece = seg[i : i + PIECE]
                    proxy.buckets["up"].take(len(piece), proxy.rate_up)
                    if not self._send(self.server, piece):
                        return
                    with proxy.lock:
                        proxy.bytes_up += len(piece)
                    self.current_up.up_bytes += len(piece)
        self._shutdown(self.server)

    def _answer_5xx(self, ex: Exchange) -> None:
        body = b'{"code":"proxy_error","message":"injected by the fault proxy"}'
        head = (f"HTTP/1.1 {ex.status} Injected\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
        self._send(self.client, head + body)
        ex.t_end = time.monotonic()
        self._shutdown(self.client)
        self.abort(graceful=True)

    def _write_down(self, q: queue.Queue) -> None:
        proxy = self.proxy
        ex: Exchange | None = None
        cut_at: int | None = None
        for data in self._items(q):
            for kind, seg, msg in self.down_stream.feed(data):
                if kind == "head":
                    ex = self.pending.popleft() if self.pending else Exchange("?", "?", {}, time.monotonic())
                    ex.response = msg
                    mode = proxy._take_fault(proxy._drop, ex.path)
                    if mode == "close":
                        ex.fault = "dropped"
                        self._shutdown(self.client)
                        self.abort(graceful=True)
                        return
                    if mode == "hold":
                        ex.fault, self.held = "held", True
                    else:
                        ex.status, ex.body_start = msg.status, msg.range_start
                    cut_at = self.down_bytes + mode if isinstance(mode, int) else None
                if self.held:
                    continue
                seg = self._maybe_corrupt(ex, kind, seg, msg)
                for i in range(0, len(seg), PIECE):
                    piece = seg[i : i + PIECE]
                    proxy.buckets["down"].take(len(piece), proxy.rate_down)
                    if cut_at is not None and self.down_bytes + len(piece) >= cut_at:
                        piece = piece[: cut_at - self.down_bytes]
                        allowed, _ = proxy._allow_down(len(piece), self)
                        cut = True
                    else:
                        allowed, cut = proxy._allow_down(len(piece), self)
                    if allowed and not self._send(self.client, piece[:allowed]):
                        return
                    if kind == "body" and ex is not None:
                        ex.body_sent += allowed
                    if cut:
                        if ex is not None:
                            ex.fault = ex.fault or "cut"
                            ex.t_end = time.monotonic()
                        self._shutdown(self.client)  # FIN after the bytes: the client gets all we sent
                        self.abort(graceful=True)
                        return
                if msg.done and ex is not None:
                    ex.t_end = time.monotonic()
        if not self.held:
            self._shutdown(self.client)

    def _maybe_corrupt(self, ex: Exchange | None, kind: str, seg: bytes, msg: Message) -> bytes:
        if kind != "body" or ex is None or not ex.path.startswith(BLOB_PREFIX):
            return seg
        sha = ex.path[len(BLOB_PREFIX):]
        with self.proxy.lock:
            offset = self.proxy.corrupt.get(sha)
            begin = msg.body_seen - len(seg) + ex.body_start  # file offset of seg[0]
            if offset is None or not begin <= offset < begin + len(seg):
                return seg
            del self.proxy.corrupt[sha]
        ex.fault = "corrupted"
        i = offset - begin
        return seg[:i] + bytes([seg[i] ^ 0xFF]) + seg[i + 1 :]

    def _send(self, sock: socket.socket, data: bytes) -> bool:
        try:
            sock.sendall(data)
            return True
        except OSError:
            self.abort()
            return False

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _done(self) -> bool:
        return self.closed.is_set() or self.proxy.stopped.is_set()

    def abort(self, graceful: bool = False) -> None:
        """Close both sides. ``graceful``: the client already got its FIN; close the rest
        shortly, so the bytes sent before it are not thrown away by a reset."""
        if self.closed.is_set():
            return
        self.closed.set()
        self.proxy._conns.discard(self)
        _close(self.server)
        if graceful:
            threading.Timer(1.0, _close, args=(self.client,)).start()
        else:
            _reset(self.client)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass
