"""Push throughput on both engines, with one and with four server processes.

The feed soak's world and servers (``bench_feed_soak``), used for throughput: four
annotators each push full requests (500 revisions, every one re-editing an item of
their batch, so every push moves heads and writes feed rows) through one or four
``aidou-server serve`` processes on one database, while a lead pulls the office feed.
The figure is revisions stored per second of wall clock. The clients run on the same
cores as the servers: on a 2-core machine four processes share two cores with them.

``python -m bench push_engines``; ``python -m bench.bench_push_engines --revisions N``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from bench.bench_feed_soak import _database, soak

RECORDS_PER_PUSH = 500
ANNOTATORS = 4


def _one(url: str, scratch: Path, servers: int, revisions: int) -> dict:
    data_dir = scratch / f"data-{servers}-{len(list(scratch.iterdir()))}"
    return soak(url, data_dir, revisions, servers=servers, annotators=ANNOTATORS, readers=1,
                records_per_push=RECORDS_PER_PUSH, log=lambda *_: None)  # fmt: skip


def _sqlite_url(scratch: Path, servers: int) -> str:
    return f"sqlite:///{scratch / f'push-{servers}.db'}"


def run(revisions: int = 40_000, engines: tuple[str, ...] = ("sqlite", "postgresql")) -> str:
    lines = [f"push {revisions:,} revisions, {ANNOTATORS} annotators × {RECORDS_PER_PUSH} a request, 1 lead pulling"]
    scratch = Path(tempfile.mkdtemp(prefix="aidou-bench-push-engines-"))
    try:
        for engine in engines:
            for servers in (1, 4):
                database = _database(None) if engine == "postgresql" else None
                url = database.url if database else _sqlite_url(scratch, servers)
                try:
                    result = _one(url, scratch, servers, revisions)
                finally:
                    if database and database.cleanup:
                        database.cleanup()
                missed = sum(result["missed"].values())
                lines.append(
                    f"  {engine:<10} {servers} process{'es' if servers > 1 else '  '}  "
                    f"{result['revisions_per_s']:9,.0f} revisions/s   budget ≥ 20,000/s → "
                    f"{result['revisions_per_s'] / 20_000:.2f}×   p50 {result['push_p50_ms']:.0f} ms a push, "
                    f"missed by the lead: {missed}"
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lines.append(f"  machine load {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=40_000)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    print(run(args.revisions, tuple(args.engines)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
