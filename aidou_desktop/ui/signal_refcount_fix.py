"""A work-around for PySide6 6.12.0: ``SignalInstance.emit`` returns its result (``True``)
without taking a reference to it, so every emit from Python takes one reference away from
``True``. Python 3.11's ``True`` is not immortal: after a few thousand emits (an hour of
annotating: each edit emits several) its count reaches zero and the interpreter aborts
("Fatal Python error: bool_dealloc").

At import this probes whether the installed PySide6 has the fault, and only then gives
``True`` and ``False`` a reserve of references, as Python 3.12 makes them immortal: a
billion emits would not use it up. (Wrapping ``emit`` instead breaks ``connect`` to a
signal's ``emit``, which PySide recognises only in its own form.) A fixed PySide6, or a
Python whose ``True`` is immortal, is left untouched.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40  # references; a count this high is never reached by any real object
_PROBES = 8


class _Probe(QObject):
    fired = Signal()


def emit_loses_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.fired.emit()
    return sys.getrefcount(True) - before <= -_PROBES


def _install() -> None:
    if sys.getrefcount(True) >= RESERVE or not emit_loses_a_reference():
        return
    for value in (True, False):
        ctypes.c_ssize_t.from_address(id(value)).value += RESERVE  # ob_refcnt comes first in every object


_install()
