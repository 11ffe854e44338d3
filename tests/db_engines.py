"""The database engines the server tests run on: SQLite and a throw-away PostgreSQL.

``AIDOU_TEST_DB`` (or ``pytest --db-engines``) names the engines, comma-separated;
both by default. A test that runs on both gets the ids ``[sqlite]`` and
``[postgresql]``. For PostgreSQL the session starts its own cluster (``initdb`` into a
temporary folder, ``pg_ctl start`` on a free loopback port, as the ``postgres`` OS
user when run as root) and stops it at the end; each test gets fresh databases,
copied from migrated templates (``CREATE DATABASE … TEMPLATE``), and dropped after it.

The server finds its database through ``AIDOU_DB_URL`` (``sync_server.db.engine``):
a test's fixtures set it, so ``create_app(data_dir)``, ``make_engine(default_db_url(…))``
and an ``aidou-server serve`` child all reach the test's database. ``url_for(data_dir)``
answers which database a data dir's server uses, for helpers that read it directly.

If the PostgreSQL binaries are missing, every ``[postgresql]`` test fails saying how
to install them: a missing engine is never a silent skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

DB_URL_ENV = "AIDOU_DB_URL"  # what sync_server.db.engine.default_db_url reads
ENGINES_ENV = "AIDOU_TEST_DB"
ENGINES = ("sqlite", "postgresql")
INSTALL_HINT = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found ($AIDOU_PG_BIN, PATH, "
    "/usr/lib/postgresql/*/bin): install them (`apt-get install postgresql`), or run only "
    f"SQLite with {ENGINES_ENV}=sqlite"
)
PG_USER = "aidou"


def selected_engines(option: str | None = None) -> list[str]:
    text = option or os.environ.get(ENGINES_ENV) or ",".join(ENGINES)
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    aliases = {"pg": "postgresql", "postgres": "postgresql", "sqlite3": "sqlite"}
    names = [aliases.get(name, name) for name in names]
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise ValueError(f"{ENGINES_ENV}: unknown engine(s) {unknown}; choose from {', '.join(ENGINES)}")
    return list(dict.fromkeys(names))


PG_BIN_ENV = "AIDOU_PG_BIN"  # a folder holding initdb and pg_ctl, to use instead of searching


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: ``$AIDOU_PG_BIN``, else PATH, else Debian's
    versioned folders (newest first)."""
    chosen = os.environ.get(PG_BIN_ENV)
    if chosen:
        folder = Path(chosen)
        return folder if (folder / "initdb").exists() and (folder / "pg_ctl").exists() else None
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _version_key(folder: str) -> tuple:
    version = Path(folder).parent.name
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """One throw-away PostgreSQL server: trust auth on 127.0.0.1 and a socket in its folder."""

    def __init__(self) -> None:
        self.bin = find_pg_bin()
        if self.bin is None:
            raise RuntimeError(INSTALL_HINT)
        self.root = Path(tempfile.mkdtemp(prefix="aidou-pg-", dir=_scratch_dir()))  # short: a socket path has a limit
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = _free_port()
        self._admin = None
        self._lock = threading.Lock()
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0  # initdb refuses root
        import psycopg  # the test extra's driver; held here, whatever a test does to sys.modules

        self._psycopg = psycopg

    # ------------------------------------------------------------------ life
    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        kwargs = {}
        if self._as_postgres:
            kwargs = {"user": "postgres", "group": _group_of("postgres"), "extra_groups": []}
        return subprocess.run(
            [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False,
            cwd=self.root, **kwargs,
        )  # fmt: skip

    def start(self) -> "PostgresCluster":
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        made = self._run(self.bin / "initdb", "-D", self.data, "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                         "--locale=C", "--no-sync")  # fmt: skip
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{made.stdout}\n{made.stderr}")
        options = " ".join([
            f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1",
            # a throw-away cluster: nothing needs to survive a crash of this machine
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c max_connections=400", "-c shared_buffers=128MB", "-c max_locks_per_transaction=256",
        ])  # fmt: skip
        started = self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60",
                            "start")  # fmt: skip
        if started.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{started.stdout}\n{started.stderr}\n{log}")
        self._watchdog()
        return self

    def _watchdog(self) -> None:
        """A small process that stops the cluster and removes its folder if this one dies
        without doing so (pytest killed, a CI timeout): no cluster outlives its session."""
        code = (
            "import os, shutil, subprocess, sys, time\n"
            "parent, pg_ctl, data, root, as_postgres = int(sys.argv[1]), *sys.argv[2:5], sys.argv[5] == '1'\n"
            "while os.path.isdir(data):\n"
            "    try:\n"
            "        os.kill(parent, 0)\n"
            "    except ProcessLookupError:\n"
            "        kw = {'user': 'postgres'} if as_postgres else {}\n"
            "        subprocess.run([pg_ctl, '-D', data, '-m', 'immediate', 'stop'], capture_output=True, **kw)\n"
            "        shutil.rmtree(root, ignore_errors=True)\n"
            "        break\n"
            "    time.sleep(1)\n"
        )
        import sys

        subprocess.Popen(
            [sys.executable, "-c", code, str(os.getpid()), str(self.bin / "pg_ctl"), str(self.data), str(self.root),
             "1" if self._as_postgres else "0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        with self._lock:
            if self._admin is not None:
                self._admin.close()
                self._admin = None
        if self.data.exists():
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ databases
    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin_sql(self, sql: str) -> None:
        """One statement on the ``postgres`` database, outside any transaction."""
        with self._lock:
            if self._admin is None or self._admin.closed:
                self._admin = self._psycopg.connect(
                    host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres", autocommit=True
                )
            self._admin.execute(sql)

    def new_name(self, prefix: str = "t") -> str:
        return f"{prefix}_{os.getpid()}_{next(self._names)}"

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        name = name or self.new_name()
        source = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        for attempt in range(50):
            try:
                self.admin_sql(f"CREATE DATABASE {name}{source} STRATEGY FILE_COPY")
                return name
            except Exception as exc:  # the template has a connection still closing: wait for it
                if "is being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
        return name

    def drop_database(self, name: str) -> None:
        self.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _group_of(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_gid


# ---------------------------------------------------------------------- which database a data dir uses
_BY_DATA_DIR: dict[str, str] = {}


def bind_data_dir(data_dir: Path, url: str | None) -> None:
    """Remember that ``data_dir``'s server uses ``url`` (None: SQLite in the data dir)."""
    key = str(Path(data_dir).resolve())
    if url is None:
        _BY_DATA_DIR.pop(key, None)
    else:
        _BY_DATA_DIR[key] = url


def url_for(data_dir: Path) -> str:
    """The database URL a server on ``data_dir`` uses in this test."""
    found = _BY_DATA_DIR.get(str(Path(data_dir).resolve()))
    if found:
        return found
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{Path(data_dir) / 'server.db'}"


# ---------------------------------------------------------------------- the session's cluster
_CLUSTER: PostgresCluster | None = None
_TEMPLATES: dict[str, str] = {}


def set_cluster(cluster: PostgresCluster) -> None:
    global _CLUSTER
    _CLUSTER = cluster


def cluster() -> PostgresCluster:
    if _CLUSTER is None:
        raise RuntimeError("no PostgreSQL cluster: ask for the db_engine fixture")
    return _CLUSTER


def migrated_template(key: str, build=None) -> str:
    """A template database, made once per session: migrated to head and given its id by
    ``make_engine``, then ``build(engine)`` if given. Copy it with ``new_database``."""
    if key in _TEMPLATES:
        return _TEMPLATES[key]
    from sync_server.db.engine import make_engine

    pg = cluster()
    name = pg.create_database(name=pg.new_name(key))
    engine = make_engine(pg.url(name))
    try:
        if build is not None:
            build(engine)
    finally:
        engine.dispose()  # a template must have no connections when it is copied
    _TEMPLATES[key] = name
    return name


_CREATED: list[str] = []  # databases made by new_database, newest last: swept by the fixture scope


def new_database(template: str | None = None) -> tuple[str, str]:
    """A fresh PostgreSQL database copied from ``template`` (default: the migrated empty
    one, else template0): (name, url). Dropped when the test or module that made it ends."""
    pg = cluster()
    name = pg.create_database(template=template or _TEMPLATES.get("tpl_empty"))
    _CREATED.append(name)
    return name, pg.url(name)


def mark() -> int:
    return len(_CREATED)


def sweep(since: int) -> None:
    """Drop the databases made since ``mark()`` returned ``since``."""
    names = _CREATED[since:]
    del _CREATED[since:]
    for name in reversed(names):
        drop(name)


def on_postgresql() -> bool:
    """Whether this test runs on PostgreSQL (its fixtures named a PostgreSQL database)."""
    return os.environ.get(DB_URL_ENV, "").startswith("postgresql")


def bound_url(data_dir: Path) -> str | None:
    return _BY_DATA_DIR.get(str(Path(data_dir).resolve()))


def new_server_database(data_dir: Path) -> str:
    """The database URL for a new server world in ``data_dir``: on PostgreSQL a new empty
    database, named by ``AIDOU_DB_URL`` from now on (the test's or module's fixture puts
    the variable back after it) and bound to the data dir; on SQLite ``server.db`` in it."""
    if not on_postgresql():
        return f"sqlite:///{Path(data_dir) / 'server.db'}"
    _name, url = new_database()
    os.environ[DB_URL_ENV] = url
    bind_data_dir(data_dir, url)
    return url


def use_new_database(patch, engine: str, template: str | None) -> str | None:
    """For PostgreSQL: a new database from ``template``, named by ``AIDOU_DB_URL`` through
    ``patch`` (a MonkeyPatch); its name. For SQLite: ``AIDOU_DB_URL`` unset; None."""
    if engine != "postgresql":
        patch.delenv(DB_URL_ENV, raising=False)
        return None
    name, url = new_database(template)
    patch.setenv(DB_URL_ENV, url)
    return name


def drop(name: str | None) -> None:
    if name is not None and _CLUSTER is not None:
        _CLUSTER.drop_database(name)


def pg_rows(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query (``%s`` placeholders) on a PostgreSQL database, booleans as 0/1
    and JSON as text, as SQLite gives them: helpers that read a server's database work
    on both engines."""
    import psycopg
    import psycopg.types.string
    from sqlalchemy import make_url

    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database,
                         autocommit=True) as conn:  # fmt: skip
        for name in ("json", "jsonb"):  # the stored text, as SQLite gives it
            conn.adapters.register_loader(name, psycopg.types.string.TextLoader)
        rows = conn.execute(sql, params).fetchall()
    return [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows]


def copy_data_dir(source: Path, target: Path) -> Path:
    """``shutil.copytree`` of a server's data dir, its database included: on SQLite the
    ``server.db`` inside it; on PostgreSQL a copy of its database (``CREATE DATABASE …
    TEMPLATE``; nothing may be connected to the source), bound to the copy and named by
    ``AIDOU_DB_URL`` from now on, as ``build_world`` does."""
    shutil.copytree(source, target)
    source_url = bound_url(source)
    if source_url is not None and source_url.startswith("postgresql"):
        from sqlalchemy import make_url

        _name, url = new_database(template=make_url(source_url).database)
        os.environ[DB_URL_ENV] = url
        bind_data_dir(target, url)
    return target


def backup_database(data_dir: Path, to: Path) -> str | None:
    """PostgreSQL: copy the database of ``data_dir``'s server (stopped: nothing may be
    connected) and note its name in ``to``; its name. SQLite: None (copy ``server.db``)."""
    url = bound_url(data_dir)
    if url is None or not url.startswith("postgresql"):
        return None
    from sqlalchemy import make_url

    name, _url = new_database(template=make_url(url).database)
    (Path(to) / "postgresql-backup").write_text(name, encoding="utf-8")
    return name


def restore_database(data_dir: Path, backup: Path) -> bool:
    """PostgreSQL: put the copy ``backup_database`` made back as ``data_dir``'s database
    (dropped and made again under its name, as a restore from a dump does); False on SQLite."""
    note = Path(backup) / "postgresql-backup"
    url = bound_url(data_dir)
    if url is None or not url.startswith("postgresql") or not note.exists():
        return False
    from sqlalchemy import make_url

    live = make_url(url).database
    pg = cluster()
    pg.drop_database(live)
    pg.create_database(template=note.read_text(encoding="utf-8"), name=live)
    return True


def _scratch_dir() -> str | None:
    """Where the cluster lives: memory (``/dev/shm``) when there is room, else the temp dir.
    A throw-away cluster needs no disk, and copying template databases is then quick."""
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 * 1024**3:
            return str(shm)
    except OSError:
        pass
    return None
