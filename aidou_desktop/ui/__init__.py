"""Qt widgets and Qt models over the store. Widgets never touch SQL or HTTP;
long work runs off the UI thread (see ``background.py``)."""

from aidou_desktop.ui import signal_refcount_fix  # noqa: F401 — before any widget emits
