"""A fault-injecting TCP proxy for HTTP, run in-process between client and server.

    with FaultProxy(server_port) as proxy:
        client = SyncClient(proxy.url)
        proxy.rate_down = 16_000          # throttle server→client to 16 kB/s
        proxy.latency_s = 0.5             # one-way delay per chunk
        proxy.cut_every = 300_000         # cut a connection each 300 kB relayed down
        proxy.fail_5xx(2)                 # answer the next 2 requests 503 itself
        proxy.drop_responses(1, "/api/v1/push")  # forward a push, close before its answer
        proxy.flap(up_s=1, down_s=1, cycles=3)

Each connection runs four threads (read/write per direction) joined by bounded
queues, so a throttled writer pushes back on its reader as a slow link would.
Bytes are relayed untouched unless a fault says otherwise; ``http_stream``
parses them on the way to aim faults and to log every request (``exchanges``)
with the body bytes actually delivered, hence ``blob_ranges()``.
Every loop checks ``stopped`` and times out; the proxy stops itself after
``lifetime_s`` even if a test forgets to.
"""

from __future__ import annotations

import socket
import threading
import time

from tests.faults.proxy_connection import BLOB_PREFIX, Connection, Exchange, reset


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
        self.conns: set[Connection] = set()
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
            for conn in list(self.conns):
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

    def _allow_down(self, n: int, conn: Connection) -> tuple[int, bool]:
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
            except (TimeoutError, OSError):
                continue
            if self.down:
                reset(sock)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=2)
            except OSError:
                reset(sock)  # server dead: the client sees a reset, as on a real link
                continue
            for s in (sock, upstream):  # no Nagle: small heads must not wait for delayed ACKs
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.connections += 1
            conn = Connection(self, sock, upstream)
            self.conns.add(conn)
            conn.start()

    def stop(self) -> None:
        self.stopped.set()
        for conn in list(self.conns):
            conn.abort()
        try:
            self.listener.close()
        except OSError:
            pass

    def __enter__(self) -> FaultProxy:  # noqa: PYI034 — a test helper, never subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
