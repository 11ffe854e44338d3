"""The simulated annotators of ``bench_load``: each one thread with its own HTTP session
from its own loopback address (its own PC), speaking the wire as the desktop does:
``push_body`` for pushes, the desktop's headers and timeouts, the image route it downloads from.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import requests

from aidou_desktop.model import box_shape
from aidou_desktop.sync.client import dumps, push_body
from bench.bench_login import _FromAddress
from sync_server.protocol import (
    ACCEPTED,
    API_PREFIX,
    CHANGE_BATCH,
    CHANGE_ITEM,
    CHANGE_ORDER,
    MAX_CHANGES_PAGE,
    PROTOCOL_VERSION,
    VERSION_HEADER,
    AnnotationRecord,
    LoginRequest,
    to_wire,
    uuid7,
)
from sync_server.protocol.json_guard import loads

TIMEOUT = (5, 30)  # the desktop's (connect, read) seconds
# one push carries one revision each of 20 items: the desktop's outbox keeps one queued
# revision per item, so this is what a sync sends after a few minutes of someone's work
RECORDS_PER_PUSH = 20
BOXES_PER_RECORD = 3
IMAGE_EVERY = 3  # rounds between downloads of the next image (opening the next item)
PUSH_HEADERS = {"Content-Type": "application/json", "Content-Encoding": "gzip"}


@dataclass
class Sample:
    kind: str  # "login", "pull", "push", "image", or "crash" (a bug in this benchmark or an answer it cannot read)
    end: float  # perf_counter() when tallied, just after the answer
    seconds: float
    accepted: int = 0
    error: str | None = None  # None: a good answer


class Tally:
    """Every request's sample, from every thread (list.append holds the GIL: no lock)."""

    def __init__(self, max_requests: int) -> None:
        self.max_requests = max_requests
        self.samples: list[Sample] = []

    def full(self) -> bool:
        return len(self.samples) >= self.max_requests

    def add(self, kind: str, seconds: float, accepted: int = 0, error: str | None = None) -> None:
        self.samples.append(Sample(kind, time.perf_counter(), seconds, accepted, error))


class Annotator:
    """One desktop: log in, pull the feed, download the batch's images, then push, pull and
    now and then download, as fast as the server answers (a closed loop: the server's
    capacity, not one person's pace)."""

    def __init__(self, server: str, username: str, password: str, address: str, tally: Tally, seed: int) -> None:
        self.server, self.username, self.password, self.tally = server, username, password, tally
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers[VERSION_HEADER] = str(PROTOCOL_VERSION)
        self.http.mount("http://", _FromAddress(address))
        self.rng = random.Random(seed)
        self.device_id = uuid7()
        self.user_id: int | None = None
        self.cursor = ""
        self.batches: set[int] = set()
        self.seen_items: list[dict] = []
        self.items: list[dict] = []  # this annotator's items, as the feed carried them
        self.heads: dict[int, str | None] = {}  # item id → its last accepted revision
        self.labels: list[str] = []
        self.schema_version: int | None = None
        self.turn = itertools.count()
        self.started = False  # the start-up went through: this one is in the load

    # ------------------------------------------------------------ the day

    def start_up(self) -> None:
        """A morning's first sync: log in, pull the feed from the start, fetch every image."""
        if not (self.login() and self.pull()):
            return
        self.items = [item for item in self.seen_items if item["batch_id"] in self.batches]
        self.heads = {item["id"]: None for item in self.items}
        if not self.items:
            self.tally.add("pull", 0.0, error="the feed carried no leased items")
            return
        unique = {item["blob"]: item for item in self.items}  # the desktop keeps a blob once
        self.started = all([self.download(item) for item in unique.values()])

    def work(self, stop: threading.Event) -> None:
        for round_ in itertools.count():
            if stop.is_set() or self.tally.full():
                return
            self.push()
            self.pull()
            if round_ % IMAGE_EVERY == 0:
                self.download(self.items[round_ // IMAGE_EVERY % len(self.items)])

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------ requests

    def login(self) -> bool:
        body = dumps(to_wire(LoginRequest(self.username, self.password)))
        answer, error, seconds = self._call("login", "POST", "/login", data=body,
                                            headers={"Content-Type": "application/json"})  # fmt: skip
        if error is None:
            data = loads(answer.content)
            self.http.headers["Authorization"] = f"Bearer {data['token']}"
            self.user_id = data["user"]["id"]
        self.tally.add("login", seconds, error=error)
        return error is None

    def pull(self) -> bool:
        """The feed from the cursor to its end, a request a page."""
        while True:
            params = {"limit": MAX_CHANGES_PAGE, **({"since": self.cursor} if self.cursor else {})}
            answer, error, seconds = self._call("pull", "GET", "/changes", params=params)
            page = loads(answer.content) if error is None else {}
            self.tally.add("pull", seconds, error=error)
            if error is not None:
                return False
            self._take(page["changes"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return True

    def push(self) -> None:
        records = self._records()
        body = push_body(records)  # gzipped outside the timing: the desktop's cost, not the server's
        answer, error, seconds = self._call("push", "POST", "/push", data=body, headers=PUSH_HEADERS)
        accepted = 0
        if error is None:
            results = loads(answer.content)["results"]
            for record, result in zip(records, results):
                if result["status"] == ACCEPTED:
                    accepted += 1
                    self.heads[record.item_id] = record.id
                elif error is None:
                    error = f"push: answered {result['status']} ({result.get('code') or result.get('reason')})"
            if len(results) != len(records):
                error = f"push: {len(records)} records, {len(results)} answers"
        self.tally.add("push", seconds, accepted, error)

    def download(self, item: dict) -> bool:
        # identity, as the desktop asks: a WebP does not compress
        answer, error, seconds = self._call("image", "GET", f"/blobs/{item['blob']}",
                                            headers={"Accept-Encoding": "identity"})  # fmt: skip
        if error is None and len(answer.content) != item["blob_size"]:
            error = f"image: {len(answer.content)} bytes of {item['blob_size']}"
        self.tally.add("image", seconds, error=error)
        return error is None

    def _call(self, kind: str, method: str, path: str, **kwargs) -> tuple[requests.Response | None, str | None, float]:
        """The answer, what went wrong with it (None: a 200), and the seconds it took to come."""
        start = time.perf_counter()
        try:
            answer = self.http.request(method, self.server + API_PREFIX + path, timeout=TIMEOUT, **kwargs)
        except requests.Timeout:
            return None, f"{kind}: no answer in {TIMEOUT[1]} s", time.perf_counter() - start
        except requests.RequestException as exc:
            return None, f"{kind}: {exc.__class__.__name__}", time.perf_counter() - start
        seconds = time.perf_counter() - start
        if answer.status_code != 200:
            return answer, f"{kind}: HTTP {answer.status_code} {answer.text[:160]}", seconds
        return answer, None, seconds

    # ------------------------------------------------------------ what the desktop holds

    def _take(self, changes: list[dict]) -> None:
        """What the start-up needs from the feed; annotations coming back are only read."""
        for change in changes:
            kind, data = change["kind"], change["data"]
            if kind == CHANGE_ORDER:
                self.schema_version = data["schema"]["version"]
                self.labels = [label["name"] for label in data["schema"]["labels"]]
            elif kind == CHANGE_BATCH and data.get("annotator_id") == self.user_id:
                self.batches.add(data["id"])
            elif kind == CHANGE_ITEM:
                self.seen_items.append(data)

    def _records(self) -> list[AnnotationRecord]:
        """The next items' revisions, each on the item's last accepted one (``ITEMS_EACH``
        in bench_load is at least RECORDS_PER_PUSH, so no item comes twice in a push)."""
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        records = []
        for _ in range(RECORDS_PER_PUSH):
            item = self.items[next(self.turn) % len(self.items)]
            records.append(AnnotationRecord(
                uuid7(), item["id"], item["batch_id"], self.heads[item["id"]], self._boxes(item),
                time_spent_ms=self.rng.randint(2000, 60000), client_time=now,
                schema_version=self.schema_version, device_id=self.device_id))  # fmt: skip
        return records

    def _boxes(self, item: dict) -> list:
        """Boxes in original pixels, on half pixels as the canvas's scaled clicks fall."""
        width, height, half = item["width"], item["height"], lambda v: round(v * 2) / 2
        boxes = []
        for _ in range(BOXES_PER_RECORD):
            x, y = self.rng.uniform(0, width - 101), self.rng.uniform(0, height - 101)
            w, h = self.rng.uniform(10, 100), self.rng.uniform(10, 100)
            boxes.append(box_shape(self.rng.choice(self.labels), half(x), half(y), half(x + w), half(y + h)))
        return boxes
