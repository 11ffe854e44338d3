"""``python -m aidou_desktop``; also the installer's entry script, so that ``app.py``
is imported as a module and finds ``resources/`` beside the package when frozen."""

import sys

from aidou_desktop.app import main

sys.exit(main())
