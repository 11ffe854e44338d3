"""sync_once and download_batch against a scripted loopback server."""

from __future__ import annotations

import gzip
import json

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.sync import NO_RETRY, Offline, SyncClient, download_batch, sync_once
from sync_server.protocol import to_wire
from tests.desktop.conftest import BATCH_ID, blob_bytes, blob_sha, demo_changes
from tests.desktop.fake_server import FakeServer, json_reply


class Feed:
    """A server that stores pushes by id and pages a fixed change list two at a time."""

    def __init__(self, changes):
        self.changes = [to_wire(c) for c in changes]
        self.stored: dict[str, dict] = {}
        self.push_sizes: list[int] = []
        self.corrupt: set[str] = set()

    def __call__(self, req):
        if req.path.startswith("/api/v1/push"):
            records = json.loads(gzip.decompress(req.body))["annotations"]
            self.push_sizes.append(len(records))
            results = []
            for r in records:
                status = "duplicate" if r["id"] in self.stored else "accepted"
                self.stored[r["id"]] = r
                results.append({"id": r["id"], "status": status, "reason": None})
            return json_reply(200, {"results": results})
        if req.path.startswith("/api/v1/missing"):
            ids = json.loads(req.body)["ids"]
            return json_reply(200, {"missing": [i for i in ids if i not in self.stored]})
        if req.path.startswith("/api/v1/changes"):
            since = 0
            if "since=" in req.path:
                since = int(req.path.split("since=")[1].split("&")[0])
            page = self.changes[since : since + 2]
            end = since + len(page)
            return json_reply(200, {"changes": page, "cursor": str(end), "has_more": end < len(self.changes)})
        if req.path.startswith("/api/v1/blobs/"):
            sha = req.path.rsplit("/", 1)[1]
            item_id = next(i for i in range(100, 110) if blob_sha(i) == sha)
            body = b"corrupted" if sha in self.corrupt else blob_bytes(item_id)
            return 200, {"Content-Type": "image/jpeg"}, body
        return json_reply(404, {"code": "not_found", "message": req.path})


def test_sync_once_pushes_in_chunks_and_pulls_all_pages(seeded, monkeypatch):
    monkeypatch.setattr("aidou_desktop.sync.engine.MAX_PUSH_RECORDS", 2)
    feed = Feed(demo_changes())
    seeded.apply_changes([], "")  # pull the whole feed again
    for i in range(100, 105):
        seeded.save_shapes(i, [box_shape("car", 1, 1, 9, 9)])
    with FakeServer(feed) as srv:
        seen = []
        report = sync_once(seeded, SyncClient(srv.url, "tok"), lambda d, t, s: seen.append(s), policy=NO_RETRY)
    assert feed.push_sizes == [2, 2, 1]
    assert (report.pushed, report.accepted, report.waiting) == (5, 5, 0)
    assert report.pulled == len(feed.changes) and seeded.cursor() == str(len(feed.changes))
    assert report.bytes_sent > 0 and seeded.last_sync() == report.last_sync
    assert "push" in seen and "pull" in seen
    with FakeServer(feed) as srv:
        again = sync_once(seeded, SyncClient(srv.url, "tok"), policy=NO_RETRY)
    assert again.pushed == 0 and again.pulled == 0


def test_sync_offline_keeps_everything(seeded):
    seeded.save_shapes(100, [box_shape("car", 1, 1, 9, 9)])
    with pytest.raises(Offline):
        sync_once(seeded, SyncClient("http://127.0.0.1:9", "tok", timeout=(0.5, 0.5)), policy=NO_RETRY)
    assert seeded.outbox_count() == 1
    assert seeded.last_sync() is None


def test_download_batch_refetches_once_then_reports(seeded):
    feed = Feed([])
    feed.corrupt.add(blob_sha(102))
    with FakeServer(feed) as srv:
        calls = []
        report = download_batch(seeded, SyncClient(srv.url, "tok"), BATCH_ID, lambda d, t, s: calls.append((d, t)))
        blob_requests = [r for r in srv.requests if "/blobs/" in r.path]
    assert report.fetched == 4
    assert report.failed and blob_sha(102) in report.failed[0]
    assert len(blob_requests) == 6  # 4 good + the bad one twice
    assert [i.id for i in seeded.ready_items(BATCH_ID)] == [100, 101, 103, 104]
    assert calls[-1][0] == calls[-1][1]
    assert seeded.missing_blobs(BATCH_ID) == [(blob_sha(102), len(blob_bytes(102)))]
