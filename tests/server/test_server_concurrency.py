"""Pushes from many threads at once: none fails on a lock, the feed skips nothing."""

from concurrent.futures import ThreadPoolExecutor

from server_helpers import feed, push, record


def test_concurrent_pushes_all_land_and_the_feed_has_each_once(client, tokens, world):
    def one_push(n: int) -> list[str]:
        who, items = ("anno1", world.batch1_items) if n % 2 else ("anno2", world.batch2_items)
        answer = push(client, tokens[who], *[record(items[i % 2]) for i in range(50)])
        assert answer.status_code == 200, answer.text
        # unchained edits of the same items: one applies per item, the rest wait as conflicts
        return [r["id"] for r in answer.json()["results"] if r["status"] in ("accepted", "conflict")]

    with ThreadPoolExecutor(max_workers=6) as pool:
        accepted = [i for ids in pool.map(one_push, range(12)) for i in ids]
    assert len(accepted) == 600

    seen, cursor = [], ""
    while True:
        page = feed(client, tokens["lead"], since=cursor)
        seen += [c for c in page["changes"] if c["kind"] == "annotation"]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert sorted(c["data"]["id"] for c in seen) == sorted(accepted)
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(seqs)
