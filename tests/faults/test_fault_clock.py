"""Client clocks days off change no result (issue 3, item 8).

The same story runs twice on the real server, through child processes running
the real client code: once with true clocks (anno1's batch), once with the
annotator's clock 4 days fast and the lead's 4 days slow (anno2's batch). The
push answers, the heads, the conflict flags and the feed order come out the
same; the server stamps ``received_at`` from its own clock.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from aidou_desktop.store import Store
from tests.faults.helpers import login, my_batch, run_driver
from tests.faults.world import server_rows

DAYS = 4 * 86400


def step(*args, skew=0):
    done = run_driver(*args, env={"FAULT_CLOCK_OFFSET_S": str(skew)} if skew else {})
    assert done.returncode in (0, 4), done.stderr  # 4: a conflict needs the lead, a normal outcome
    return done


def story(tmp_path, server, annotator: str, anno_skew: int, lead_skew: int) -> tuple[list, dict]:
    anno_dir, lead_dir = tmp_path / f"{annotator}-desk", tmp_path / f"{annotator}-lead"
    for data, name in ((anno_dir, annotator), (lead_dir, "lead")):
        store, _client = login(data, server.url, name)
        store.close()
    step("run", str(anno_dir), skew=anno_skew)
    with Store(anno_dir) as s:
        batch = my_batch(s)
    step("save", str(anno_dir), str(batch), "0,1,2", "1", skew=anno_skew)
    step("run", str(anno_dir), skew=anno_skew)
    step("run", str(lead_dir), skew=lead_skew)
    step("save", str(lead_dir), str(batch), "0", "2", skew=lead_skew)  # the lead corrects item 0
    step("run", str(lead_dir), skew=lead_skew)
    step("save", str(anno_dir), str(batch), "1,2", "3", skew=anno_skew)  # edits before hearing of it
    step("run", str(anno_dir), skew=anno_skew)
    step("save", str(anno_dir), str(batch), "0", "4", skew=anno_skew)  # after the pull: based on the lead's
    step("run", str(anno_dir), skew=anno_skew)
    return outcome(server, batch)


def outcome(server, batch: int):
    """The batch's revisions in feed (commit) order, with ids replaced by their position."""
    rows = server_rows(
        server.data_dir,
        "SELECT c.data FROM changes c WHERE c.kind = 'annotation' AND c.audience_user_id IS NULL ORDER BY c.seq",
    )
    records = [r for r in (json.loads(row[0]) for row in rows) if r["batch_id"] == batch]
    items = sorted({r["item_id"] for r in records})
    label = {r["id"]: f"r{n}" for n, r in enumerate(records)}
    users = dict(server_rows(server.data_dir, "SELECT id, role FROM users"))
    conflicts = dict(server_rows(server.data_dir, "SELECT id, conflict FROM annotations"))
    story_ = [(items.index(r["item_id"]), users[r["annotator_id"]], label.get(r["base_id"]), conflicts[r["id"]])
              for r in records]  # fmt: skip
    heads = {items.index(i): label.get(h) for i, h in server_rows(
        server.data_dir, f"SELECT id, head_annotation_id FROM items WHERE batch_id = {int(batch)}") if i in items}  # fmt: skip
    times = [(r["received_at"], r["client_time"]) for r in records]
    return story_, heads, times


def test_clocks_days_apart_change_no_result(tmp_path, server):
    server.start()
    began = datetime.now(timezone.utc) - timedelta(seconds=5)
    true_story, true_heads, _ = story(tmp_path, server, "anno1", 0, 0)
    skew_story, skew_heads, skew_times = story(tmp_path, server, "anno2", +DAYS, -DAYS)
    ended = datetime.now(timezone.utc) + timedelta(seconds=5)

    assert skew_story == true_story
    assert skew_heads == true_heads
    assert true_heads == {0: "r6", 1: "r4", 2: "r5"}
    # the lead's correction is based on the annotator's first revision, the later edit on the
    # lead's; nothing conflicts, whatever the clocks said
    assert [(who, base) for _i, who, base, _c in true_story] == [
        ("annotator", None), ("annotator", None), ("annotator", None), ("lead", "r0"),
        ("annotator", "r1"), ("annotator", "r2"), ("annotator", "r3")]  # fmt: skip
    assert not any(conflict for *_x, conflict in true_story)

    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    for received, client_time in skew_times:
        assert began <= parse(received) <= ended  # the server's own clock
        assert abs(parse(client_time) - parse(received)) > timedelta(days=3)  # the client's really was off
