"""The HTTP API: ``create_app`` in ``sync_server.api.app``."""
