"""Child process of test_store_kill: saves shapes in a loop until it is killed.

Prints "<n> <annotation id>" after each save_shapes returns (flushed), so the
parent knows which saves were reported durable. Every 7th save it also takes a
few outbox rows and answers some of them, so revisions freeze and new ones are made.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aidou_desktop.model import box_shape  # noqa: E402
from aidou_desktop.store import Store  # noqa: E402
from sync_server.protocol import PushResult  # noqa: E402

N_ITEMS = 5


def shapes_for(n: int) -> list:
    return [box_shape("car", n % 1000, 1, n % 1000 + 10, 20)]


def main() -> None:
    store = Store(Path(sys.argv[1]))
    n = 0
    while True:
        n += 1
        saved = store.save_shapes(100 + n % N_ITEMS, shapes_for(n), time_spent_ms=1)
        # one write per line (print writes its pieces one by one when unbuffered)
        sys.stdout.write(f"{n} {saved.id}\n")
        sys.stdout.flush()
        if n % 7 == 0:
            taken = store.take_outbox(3)
            store.store_push_results([PushResult(r.id, "accepted") for r in taken[:1]])


if __name__ == "__main__":
    main()
