"""The one error an export raises: its message is what the admin reads."""


class ExportError(ValueError):
    pass
