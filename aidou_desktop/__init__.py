"""AI豆 Desktop: offline-first annotation client."""

__version__ = "0.1.0"
