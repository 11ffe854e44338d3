"""What an annotator's start imports: the lead's charts wait until the office page opens."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_app_does_not_load_the_office_charts():
    code = "import sys, aidou_desktop.app; sys.exit('pyqtgraph' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
