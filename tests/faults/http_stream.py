"""Splits one direction of an HTTP/1.1 connection into messages as its bytes pass.

The fault proxy relays bytes untouched; this only tells it where each request
or response starts, where its body lies and where it ends, so faults can be
aimed at HTTP boundaries (answer 5xx, drop a response, flip a body byte) and
counters can say which byte ranges of a blob were served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_HEAD = 64 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass
class Message:
    start_line: str
    headers: dict[str, str]
    method: str = ""  # requests
    path: str = ""
    status: int = 0  # responses
    framing: str = "none"  # "length", "chunked", "close" or "none"
    remaining: int = 0  # body bytes still to come ("length" framing)
    body_seen: int = 0  # body bytes passed so far (chunk framing included)
    done: bool = False
    meta: dict = field(default_factory=dict)  # whatever the proxy wants to note

    @property
    def range_start(self) -> int:
        """Where this response's body starts in the file: Content-Range, else 0."""
        m = _CONTENT_RANGE.match(self.headers.get("content-range", ""))
        return int(m.group(1)) if m else 0


class HttpStream:
    """``feed(bytes)`` → segments ``(kind, bytes, message)``, kind "head" or "body".

    A head is held back until it is complete (it is small); body bytes come out
    as they arrive. ``no_body(message)`` tells a response that has none (HEAD, 204, 304)."""

    def __init__(self, responses: bool, no_body=None):
        self.responses = responses
        self.no_body = no_body or (lambda msg: False)
        self.buf = b""
        self.msg: Message | None = None
        self.chunk_state = "size"
        self.chunk_left = 0

    def feed(self, data: bytes) -> list[tuple[str, bytes, Message]]:
        out: list[tuple[str, bytes, Message]] = []
        while data:
            if self.msg is None or self.msg.done:
                self.buf += data
                data = b""
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(self.buf) > MAX_HEAD:
                        raise ValueError("HTTP head too long")
                    break
                head, data, self.buf = self.buf[: end + 4], self.buf[end + 4 :], b""
                self.msg = self._parse_head(head)
                out.append(("head", head, self.msg))
                continue
            msg = self.msg
            if msg.framing == "length":
                n = min(len(data), msg.remaining)
                seg, data = data[:n], data[n:]
                msg.remaining -= n
                msg.body_seen += n
                msg.done = msg.remaining == 0
                out.append(("body", seg, msg))
            elif msg.framing == "close":
                msg.body_seen += len(data)
                out.append(("body", data, msg))
                data = b""
            else:  # chunked
                n = self._chunked(data)
                msg.body_seen += n
                out.append(("body", data[:n], msg))
                data = data[n:]
        return out

    def _parse_head(self, head: bytes) -> Message:
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        msg = Message(lines[0], headers)
        parts = lines[0].split(" ")
        if self.responses:
            msg.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        else:
            msg.method, msg.path = parts[0], parts[1] if len(parts) > 1 else ""
        if self.responses and (msg.status < 200 or msg.status in (204, 304) or self.no_body(msg)):
            msg.framing = "none"
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            msg.framing, self.chunk_state, self.chunk_left = "chunked", "size", 0
        elif headers.get("content-length", "").isdigit():
            msg.framing, msg.remaining = "length", int(headers["content-length"])
        elif self.responses:
            msg.framing = "close"
        msg.done = msg.framing == "none" or (msg.framing == "length" and msg.remaining == 0)
        return msg

    def _chunked(self, data: bytes) -> int:
        """Consume chunked framing; returns how many bytes of ``data`` belong to this body."""
        used = 0
        while used < len(data) and not self.msg.done:
            if self.chunk_state == "data":
                n = min(self.chunk_left, len(data) - used)
                used += n
                self.chunk_left -= n
                if self.chunk_left == 0:
                    self.chunk_state, self.buf = "crlf", b""
                continue
            # "size", "crlf" and "trailer" read a line at a time
            end = data.find(b"\n", used)
            if end < 0:
                self.buf += data[used:]
                return len(data)
            line, used = (self.buf + data[used:end]).strip(), end + 1
            self.buf = b""
            if self.chunk_state == "size":
                self.chunk_left = int(line.split(b";")[0] or b"0", 16)
                self.chunk_state = "data" if self.chunk_left else "trailer"
            elif self.chunk_state == "crlf":
                self.chunk_state = "size"
            elif not line:  # the empty line after the last chunk's trailers
                self.msg.done = True
        return used
