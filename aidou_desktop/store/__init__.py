"""The local SQLite database (sqlite3; sqlite-utils to look inside): schema, migrations, the outbox, the blob cache.

The only place in the app with SQL.
"""

from aidou_desktop.store.health import DamagedDatabase
from aidou_desktop.store.paths import DATA_DIR_ENV, default_data_dir, resolve_data_dir
from aidou_desktop.store.store import Store

__all__ = ["DATA_DIR_ENV", "DamagedDatabase", "Store", "default_data_dir", "resolve_data_dir"]
