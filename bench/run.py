"""Run every benchmark and print its figures: ``python -m bench`` or ``python bench/run.py``.

Every ``bench/bench_*.py`` that defines ``run() -> str`` is found by name, so a
benchmark added later joins without an edit here. Each runs in its own Python
process: a memory or start-up figure must not carry what an earlier benchmark
loaded, and one that crashes does not stop the rest.

``python -m bench push wire`` runs only the benchmarks whose names contain those words.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"


def discover() -> list[str]:
    """Module names of the benchmarks, sorted: those bench_*.py that define run()."""
    names = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "run" for node in tree.body):
            names.append(f"bench.{path.stem}")
    return names


def run_one(module: str) -> tuple[bool, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = f"from {module} import run; print(run())"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return False, (proc.stdout + proc.stderr).strip()[-3000:]
    return True, proc.stdout.rstrip()


def main(argv: list[str] | None = None) -> int:
    wanted = sys.argv[1:] if argv is None else argv
    modules = [m for m in discover() if not wanted or any(w in m for w in wanted)]
    print(f"AI豆 benchmarks on {os.cpu_count()} cores — figures against design.md's budgets\n", flush=True)
    failed = []
    for module in modules:
        t0 = time.perf_counter()
        ok, text = run_one(module)
        print(f"== {module}  ({time.perf_counter() - t0:.0f} s){'' if ok else '  FAILED'}")
        print(text + "\n", flush=True)
        if not ok:
            failed.append(module)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
