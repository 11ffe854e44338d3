"""One proxied connection: four threads (read/write per direction) and the faults
that act on its bytes. See ``proxy.FaultProxy``, which owns the settings and counters."""

from __future__ import annotations

import queue
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.faults.http_stream import HttpStream, Message

if TYPE_CHECKING:
    from tests.faults.proxy import FaultProxy

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


def reset(sock: socket.socket) -> None:
    # SO_LINGER 0: close with RST, as a dead link or a refusing port looks to the client
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


class Connection:
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
            except TimeoutError:
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
        self.proxy.conns.discard(self)
        _close(self.server)
        if graceful:
            threading.Timer(1.0, _close, args=(self.client,)).start()
        else:
            reset(self.client)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass
