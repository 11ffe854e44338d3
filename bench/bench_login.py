"""Login storm: the server's memory while many people log in at once.

Each login checks an argon2 hash that takes 64 MiB while it runs; the server checks at
most ``MAX_HASHES_IN_FLIGHT`` at once, outside any database connection, so a storm must
stay under the memory ceiling. A real server subprocess (uvicorn, SQLite, the demo
office plus 50 accounts added through the admin API) on a free loopback port; logins
from threads, over ``requests``; the server's RSS (its process and any children) read
from /proc (or psutil) every 20 ms, and its kernel high-water mark reset before each storm.

Three storms, one after another:

- **office** — 50 at once from one address: 40 right passwords for 40 accounts, 10 wrong
  ones for 10 others (fewer than the 20 failures an address may make before it is locked out);
- **unknown** — 48 wrong logins at once for names nobody has, from that same address:
  its throttle locks it out after the 20th failure, so most are answered 429 unhashed;
- **all** — the 50 and the 48 together (98 at once), each from its own loopback
  address: nothing is throttled, every login is hashed — the worst case for memory.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from bench.live_server import LiveServer
from sync_server.db.accounts import MAX_HASHES_IN_FLIGHT
from sync_server.orders.demo import seed_demo
from sync_server.protocol import API_PREFIX, PROTOCOL_VERSION, VERSION_HEADER

CEILING_MIB = 500
ACCOUNTS = 50
RIGHT = 40  # of the 50: the others try a wrong password
UNKNOWN = 48
PASSWORD = "storm-pass-1"
SAMPLE_EVERY = 0.02  # seconds
ADMIN = ("admin", "admin123")  # the demo office's admin
MIB = 1024 * 1024


# ------------------------------------------------------------------ the server's memory


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> int:
    """Resident memory of the process and its children, now."""
    try:
        import psutil
    except ImportError:
        return sum(_status_kib(p, "VmRSS") for p in _tree(pid)) * 1024
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def reset_high_water_mark(pid: int) -> bool:
    """Start the kernel's peak-RSS count (VmHWM) afresh; False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class RssSampler:
    """The server's RSS every ``SAMPLE_EVERY`` seconds, in a thread, while in the ``with``."""

    def __init__(self, pid: int):
        self.pid = pid
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(rss_bytes(self.pid))
            self._stop.wait(SAMPLE_EVERY)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(rss_bytes(self.pid))


# ------------------------------------------------------------------ logins


class _FromAddress(HTTPAdapter):
    """Connections from one loopback source address (127.0.0.0/8 is all this machine's)."""

    def __init__(self, address: str):
        self.address = address  # read by init_poolmanager, which HTTPAdapter.__init__ calls
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _session(address: str | None) -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    http.headers[VERSION_HEADER] = str(PROTOCOL_VERSION)
    if address:
        http.mount("http://", _FromAddress(address))
    return http


def add_accounts(url: str) -> list[str]:
    """``ACCOUNTS`` annotators in the demo office, through the admin API."""
    http = _session(None)
    answer = http.post(url + API_PREFIX + "/login", json={"username": ADMIN[0], "password": ADMIN[1]}, timeout=30)
    answer.raise_for_status()
    http.headers["Authorization"] = "Bearer " + answer.json()["token"]
    names = [f"storm{n:02}" for n in range(ACCOUNTS)]
    for name in names:
        body = {"username": name, "display_name": f"压测{name[-2:]}", "role": "annotator", "password": PASSWORD,
                "protocol_version": PROTOCOL_VERSION}  # fmt: skip
        created = http.post(url + API_PREFIX + "/users", json=body, timeout=30)
        assert created.status_code == 201, f"adding {name}: {created.status_code} {created.text[:200]}"
    http.close()
    return names


def storm(url: str, attempts: list[tuple[str, str, str | None]]) -> list[tuple[int, float]]:
    """All ``(username, password, source address)`` logins at once, one thread each:
    (HTTP status, seconds) of each."""
    sessions = [_session(address) for _, _, address in attempts]
    results: list[tuple[int, float]] = [(0, 0.0)] * len(attempts)
    start = threading.Barrier(len(attempts))

    def one(i: int) -> None:
        username, password, _ = attempts[i]
        start.wait()
        t0 = time.perf_counter()
        try:
            status = sessions[i].post(url + API_PREFIX + "/login", json={"username": username, "password": password},
                                      timeout=120).status_code  # fmt: skip
        except requests.RequestException:
            status = -1
        results[i] = (status, time.perf_counter() - t0)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in sessions:
        s.close()
    return results


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _line(name: str, results: list[tuple[int, float]], before: int, samples: list[int], hwm_kib: int) -> dict:
    seconds = [s for _, s in results]
    counts = Counter(status for status, _ in results)
    peak = max(samples)
    return {
        "name": name,
        "n": len(results),
        "ok": counts.get(200, 0),
        "wrong": counts.get(401, 0),
        "throttled": counts.get(429, 0),
        "other": sum(v for k, v in counts.items() if k not in (200, 401, 429)),
        "median": statistics.median(seconds),
        "p95": _percentile(seconds, 0.95),
        "before": before,
        "peak": peak,
        "hwm": hwm_kib * 1024,
        "samples": len(samples),
    }


def _run_storm(server: LiveServer, name: str, attempts: list) -> dict:
    pid = server.proc.pid
    time.sleep(0.5)  # let the last storm's memory go back
    before = rss_bytes(pid)
    hwm_reset = reset_high_water_mark(pid)
    t0 = time.perf_counter()
    with RssSampler(pid) as sampler:
        results = storm(server.url, attempts)
    wall = time.perf_counter() - t0
    hwm = _status_kib(pid, "VmHWM") if hwm_reset else 0
    return {**_line(name, results, before, sampler.samples, hwm), "wall": wall}


def locked_out(url: str) -> bool:
    """Whether one more login from 127.0.0.1 is refused unchecked (429)."""
    http = _session(None)
    try:
        answer = http.post(url + API_PREFIX + "/login", json={"username": "nobody", "password": "x"}, timeout=30)
    finally:
        http.close()
    return answer.status_code == 429


def run() -> str:
    root = Path(tempfile.mkdtemp(prefix="aidou-bench-login-"))
    try:
        data_dir = root / "server"
        seed_demo(data_dir)
        with LiveServer(data_dir) as server:
            idle = rss_bytes(server.proc.pid)
            names = add_accounts(server.url)
            office = [(n, PASSWORD if i < RIGHT else "wrong-pass", "127.0.0.1") for i, n in enumerate(names)]
            unknown = [(f"nobody{n:02}", "wrong-pass", "127.0.0.1") for n in range(UNKNOWN)]
            everyone = [(u, p, f"127.0.{2 + i // 250}.{1 + i % 250}") for i, (u, p, _) in enumerate(office + unknown)]
            lines = [
                _run_storm(server, "office", office),
                _run_storm(server, "unknown", unknown),
            ]
            locked = locked_out(server.url)
            lines.append(_run_storm(server, "all", everyone))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return _report(lines, idle, locked)


def _report(lines: list[dict], idle: int, locked: bool) -> str:
    worst = max(max(line["peak"], line["hwm"]) for line in lines)
    verdict = "within" if worst <= CEILING_MIB * MIB else "OVER"
    out = [
        f"login storm: argon2 64 MiB a check, at most {MAX_HASHES_IN_FLIGHT} at once; "
        f"ceiling {CEILING_MIB} MiB; the server idle at {idle / MIB:.0f} MiB (demo office loaded)",
        "  storm     logins  200  401  429  other   RSS before  peak (20 ms)  peak (VmHWM)   latency median    p95   storm",
    ]
    for x in lines:
        hwm = f"{x['hwm'] / MIB:8.0f} MiB" if x["hwm"] else "       n/a"
        out.append(
            f"  {x['name']:<8} {x['n']:6} {x['ok']:4} {x['wrong']:4} {x['throttled']:4} {x['other']:6}"
            f"  {x['before'] / MIB:7.0f} MiB  {x['peak'] / MIB:8.0f} MiB  {hwm}"
            f"   {x['median'] * 1000:10.0f} ms {x['p95'] * 1000:6.0f} ms  {x['wall']:5.1f} s"
        )
    out.append(f"  worst peak {worst / MIB:.0f} MiB: {verdict} the {CEILING_MIB} MiB ceiling "
               f"({worst / (CEILING_MIB * MIB):.2f}× ceiling)")  # fmt: skip
    one_address = sum(x["wrong"] for x in lines if x["name"] in ("office", "unknown"))
    out.append(f"  office, unknown: one address, {one_address} wrong passwords checked (its limit: 20 failures); "
               f"afterwards it is {'locked out (429)' if locked else 'NOT locked out'}; "
               "all: 98 addresses, every login hashed")  # fmt: skip
    return "\n".join(out)


if __name__ == "__main__":
    print(run())
