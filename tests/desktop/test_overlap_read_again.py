"""A lead's PC that stored overlap copies without their group (read before migration 0012,
or by a version that passed over ``Item.overlap_group``) reads its feed once more from the
start when it is upgraded; a PC without such copies keeps its place in the feed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aidou_desktop.store import Store
from aidou_desktop.store.migrations import MIGRATIONS, migrate
from sync_server.protocol import Change, Item, to_wire

BEFORE = [m for m in MIGRATIONS if m[0] != "0013_read_again_for_overlap_groups"]
CURSOR = "57.0123456789abcdef"


def copy(item_id: int, batch_id: int, name: str, group: int | None = None) -> Item:
    return Item(item_id, 1, batch_id, name, 1920, 1080, "ab" * 32, 1000, 960, 540, overlap_group=group)


def pc_before_the_upgrade(data: Path, items: list[Item]) -> None:
    data.mkdir()
    conn = sqlite3.connect(data / "aidou.db", isolation_level=None)
    migrate(conn, BEFORE)
    conn.execute("INSERT INTO accounts (user_id, username, server_url, token, cursor, server_id)"
                 " VALUES (3, 'lead', 'http://10.0.0.2:8000', NULL, ?, 'srv-1')", (CURSOR,))  # fmt: skip
    for it in items:
        conn.execute("INSERT INTO items (id, order_id, batch_id, name, width, height, blob, blob_size, display_width,"
                     " display_height, overlap_group) VALUES (?, 1, ?, ?, 1920, 1080, '', 0, 960, 540, ?)",
                     (it.id, it.batch_id, it.name, it.overlap_group))  # fmt: skip
    conn.close()


def cursor_of(store: Store) -> str:
    return store.cursor(3)


def test_copies_without_a_group_make_the_pc_read_its_feed_again(tmp_path):
    data = tmp_path / "lead"
    # the first copy in lane 0 and its copies in lanes 1 and 2: one name, one order, no group known
    pc_before_the_upgrade(data, [copy(100, 10, "street.jpg"), copy(110, 11, "street.jpg"),
                                 copy(120, 12, "street.jpg"), copy(101, 10, "plain.jpg")])  # fmt: skip
    with Store(data) as store:
        assert "0013_read_again_for_overlap_groups" in store.applied_migrations
        assert cursor_of(store) == ""  # from the start, on the same server
        assert store.server_id(3) == "srv-1"
        # the server's rows of these items again (its revision 0006 logged them with their group)
        rows = [copy(100, 10, "street.jpg", 100), copy(110, 11, "street.jpg", 100), copy(120, 12, "street.jpg", 100)]
        store.apply_changes([Change(n, "item", to_wire(it)) for n, it in enumerate(rows, 1)], "3.x", user_id=3)
        assert [store.item(i).overlap_group for i in (100, 110, 120, 101)] == [100, 100, 100, None]


def test_a_pc_without_such_copies_keeps_its_place(tmp_path):
    data = tmp_path / "annotator"
    # an annotator's PC holds one copy of each item; a lead's PC that knew the groups already
    pc_before_the_upgrade(data, [copy(110, 11, "street.jpg", 100), copy(111, 11, "road.jpg", 101),
                                 copy(100, 10, "road.jpg", 101)])  # fmt: skip
    with Store(data) as store:
        assert "0013_read_again_for_overlap_groups" in store.applied_migrations
        assert cursor_of(store) == CURSOR
