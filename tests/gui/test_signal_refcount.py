"""PySide6 6.12.0's ``SignalInstance.emit`` drops a reference to ``True`` on every emit:
a day's annotating would abort the app (``bool_dealloc``). The UI package gives ``True``
a reserve of references when the installed PySide6 has the fault."""

from __future__ import annotations

import subprocess
import sys

from tests.gui.gui_helpers import ROOT

EMITS = """
import sys
import aidou_desktop.ui  # installs the work-around
from PySide6.QtCore import QObject, Signal

class Sender(QObject):
    changed = Signal(int)
    relayed = Signal(int)

sender = Sender()
sender.changed.connect(sender.relayed.emit)  # a signal connected to another's emit still works
got = []
sender.relayed.connect(got.append)
for n in range(50_000):  # far more than True's whole count at start-up
    sender.changed.emit(n)
assert len(got) == 50_000
print("ok")
"""


def test_fifty_thousand_emits_do_not_abort_the_interpreter():
    done = subprocess.run([sys.executable, "-c", EMITS], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


VOID_CALLS = """
import aidou_desktop.ui  # installs the work-around
from PySide6.QtCore import QObject

item = QObject()
for n in range(2_000_000):  # each returns nothing; a faulty PySide takes a reference to None each time
    item.setObjectName("x")
print("ok")
"""


def test_two_million_calls_of_methods_that_return_nothing_do_not_abort_the_interpreter():
    done = subprocess.run([sys.executable, "-c", VOID_CALLS], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
