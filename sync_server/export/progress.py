"""The export's progress on stderr: items done of the order's items.

On a terminal, one line redrawn with ``\\r`` (at most once a permille, and at the
end): ``exporting [#######-------]  47%  94,000/200,000 items``. Elsewhere (a log
file, with ``--progress``), a line at every tenth, so logs stay short. A context
manager: on leaving, a drawn terminal line is ended, so what follows starts on its
own line.
"""

from __future__ import annotations

import sys
from typing import TextIO


class ExportProgress:
    WIDTH = 30

    def __init__(self, label: str = "exporting", stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.steps = 1000 if self.tty else 10  # redraws over the whole export
        self.shown = -1  # the last step drawn
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        # ``total`` was counted before the items were read: on PostgreSQL items added
        # meanwhile may make ``done`` pass it, which the bar must survive
        step = min(self.steps * done // total, self.steps) if total > 0 else self.steps
        if step <= self.shown:
            return
        self.shown = step
        percent = min(100 * done // total, 100) if total > 0 else 100
        counts = f"{done:,}/{total:,} items"
        if self.tty:
            filled = self.WIDTH * percent // 100
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%  {counts}")
        else:
            self.stream.write(f"{self.label}: {percent}%  {counts}\n")
        self.drawn = True
        self.stream.flush()

    def __enter__(self) -> ExportProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
