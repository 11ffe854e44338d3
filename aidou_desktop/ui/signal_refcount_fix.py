"""A work-around for PySide6 6.12.0, which returns results without taking a reference to
them: ``SignalInstance.emit`` takes one reference away from ``True``, and every call of a
method that returns nothing (``setPos``, ``update``, ``setBold``: thousands a minute on a
busy canvas) takes one away from ``None``. Python 3.11's ``True`` and ``None`` are not
immortal: when the count reaches zero the interpreter aborts ("Fatal Python error:
bool_dealloc" after an hour of annotating; "none_dealloc" on opening an image with a
thousand boxes).

At import this probes whether the installed PySide6 has each fault, and only then gives
the object a reserve of references, as Python 3.12 makes them immortal: a billion calls
would not use it up. (Wrapping the methods instead is impossible for every method, and
breaks ``connect`` to a signal's ``emit``, which PySide recognises only in its own form.)
A fixed PySide6, or a Python whose ``None`` and ``True`` are immortal, is left untouched.
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


def void_call_loses_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")  # returns nothing: PySide hands back None
    return sys.getrefcount(None) - before <= -_PROBES


def _reserve(*values: object) -> None:
    for value in values:
        ctypes.c_ssize_t.from_address(id(value)).value += RESERVE  # ob_refcnt comes first in every object


def _install() -> None:
    if sys.getrefcount(True) < RESERVE and emit_loses_a_reference():
        _reserve(True, False)
    if sys.getrefcount(None) < RESERVE and void_call_loses_a_reference():
        _reserve(None)


_install()
