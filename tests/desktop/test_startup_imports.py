"""What an annotator's start imports: the lead's charts wait until the office page opens, the
OS keyring until a token is read or written, the review and training pages until opened."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_app_does_not_load_the_office_charts():
    code = "import sys, aidou_desktop.app; sys.exit('pyqtgraph' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_starting_the_app_does_not_load_the_keyring():
    # ~70 ms of a cold start; the login page and the home page need no token
    code = "import sys, aidou_desktop.app; sys.exit('keyring' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_starting_the_app_does_not_load_the_review_and_training_pages():
    # made when first opened (~50 ms of every start): an annotator may never open either
    pages = ("aidou_desktop.ui.review_page", "aidou_desktop.ui.training_page")
    code = f"import sys, aidou_desktop.app; sys.exit(any(m in sys.modules for m in {pages!r}))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
