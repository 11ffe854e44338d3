"""Fixtures for every test: no test reads or writes the OS keyring of the PC it runs on,
nor a database it did not make; the server tests run on SQLite and on PostgreSQL.

Engines (``tests/db_engines.py``): ``AIDOU_TEST_DB=sqlite,postgresql`` (the default) or
``pytest --db-engines=sqlite``. A test that asks for ``db_engine`` (the server, bundle
and fault suites ask for it in their conftests; a module elsewhere with
``pytestmark = pytest.mark.usefixtures("engine_database")``) runs once per engine, as
``test_x[sqlite]`` and ``test_x[postgresql]``. The PostgreSQL cluster is started by
the first test that needs it and stopped at the end of the session.
"""

from __future__ import annotations

import functools
import os

import keyring
import keyring.backends.fail
import pytest

from tests import db_engines


def pytest_addoption(parser):
    parser.addoption(
        "--db-engines",
        default=None,
        help=f"database engines the server tests run on, comma-separated (default: ${db_engines.ENGINES_ENV}, "
        f"else {','.join(db_engines.ENGINES)})",
    )


def pytest_configure(config):
    config.aidou_engines = db_engines.selected_engines(config.getoption("--db-engines"))
    config.addinivalue_line(
        "markers",
        "engines(*names, reason): run only on these database engines (a test of one engine's own "
        "files, say); listed at the end of the run, never skipped unseen",
    )
    # a test reaches only databases it made: never one named by the shell that runs pytest
    os.environ.pop(db_engines.DB_URL_ENV, None)


def pytest_generate_tests(metafunc):
    if "db_engine" in metafunc.fixturenames:
        engines = metafunc.config.aidou_engines
        marker = metafunc.definition.get_closest_marker("engines")
        if marker is not None:
            engines = [name for name in engines if name in marker.args]
            if len(engines) < len(metafunc.config.aidou_engines):
                _ONE_ENGINE.append(f"{metafunc.definition.nodeid}: {marker.kwargs.get('reason', 'engine-specific')}")
        metafunc.parametrize("db_engine", engines, indirect=True, scope="session", ids=engines)


_ONE_ENGINE: list[str] = []
_ENGINE_FIXTURES = {"db_engine", "pg_cluster", "empty_template", "module_template", "module_database"}


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """A module's own fixtures (a server it starts, say) belong to the engine they were made
    on: they are torn down with it, and made again on the next engine, even when they do
    not ask for ``db_engine`` themselves (pytest keeps them otherwise)."""
    result = yield
    if (
        fixturedef.scope in ("module", "class", "package")
        and fixturedef.argname not in _ENGINE_FIXTURES
        and "db_engine" in request.fixturenames
    ):
        engine = request._get_active_fixturedef("db_engine")  # noqa: SLF001 — what pytest does for a dependency
        engine.addfinalizer(functools.partial(fixturedef.finish, request=request))
    return result


def pytest_terminal_summary(terminalreporter, config):
    if _ONE_ENGINE:
        terminalreporter.section("tests that run on one database engine only")
        for line in _ONE_ENGINE:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def no_os_keyring():
    """keyring's fail backend, as on a Linux server or CI: tokens go to private files.
    A test that wants a keyring sets its own (tests/desktop/test_token_vault.py)."""
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


# ---------------------------------------------------------------------- database engines


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL: started on first use, stopped at the end. Missing binaries
    fail every test that needs it (never a skip), saying what to install."""
    if db_engines.find_pg_bin() is None:
        pytest.fail(db_engines.INSTALL_HINT, pytrace=False)
    cluster = db_engines.PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def db_engine(request) -> str:
    """"sqlite" or "postgresql": parametrized by ``pytest_generate_tests``."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        db_engines.set_cluster(request.getfixturevalue("pg_cluster"))
    return name


@pytest.fixture(scope="session")
def empty_template(db_engine) -> str | None:
    """PostgreSQL: a database migrated to head and given an id, to copy per test."""
    if db_engine != "postgresql":
        return None
    return db_engines.migrated_template("tpl_empty")


@pytest.fixture(scope="session")
def module_template(empty_template) -> str | None:
    """The database a module's ``module_database`` copies (a suite's conftest may name its world's)."""
    return empty_template


@pytest.fixture(scope="module")
def module_database(db_engine, module_template):
    """A database for the module's own servers: ``AIDOU_DB_URL`` names it while the module's
    fixtures start (SQLite: unset, each data dir holds its own). A module fixture that
    builds or copies a world (``build_world``, ``copy_data_dir``) names that one instead,
    until the module ends. Returns the URL (None: SQLite)."""
    since = db_engines.mark()
    with pytest.MonkeyPatch.context() as patch:
        db_engines.use_new_database(patch, db_engine, module_template)
        yield os.environ.get(db_engines.DB_URL_ENV)
    db_engines.sweep(since)


# fixtures that give the test a copy of their suite's template world, database and all
DATABASE_FIXTURES = ("data_dir", "server_dir")


@pytest.fixture
def engine_database(request, db_engine, empty_template, module_database, monkeypatch):
    """The test's database, named by ``AIDOU_DB_URL`` for the test (SQLite: unset): a fresh
    empty one, or the world a module fixture built for the test (a CLI run on a module's
    data dir must find that world), or none yet when the test takes a template world
    (``DATABASE_FIXTURES`` name its copy), so nothing falls back to SQLite unnoticed on
    the PostgreSQL run. Databases made during the test are dropped after it."""
    since = db_engines.mark()
    current = os.environ.get(db_engines.DB_URL_ENV)
    if db_engine != "postgresql":
        monkeypatch.delenv(db_engines.DB_URL_ENV, raising=False)
    elif any(name in request.fixturenames for name in DATABASE_FIXTURES):
        monkeypatch.setenv(db_engines.DB_URL_ENV, db_engines.cluster().url("no_database_for_this_test"))
    elif current and current != module_database:
        monkeypatch.setenv(db_engines.DB_URL_ENV, current)  # kept, and put back after the test
    else:
        db_engines.use_new_database(monkeypatch, db_engine, empty_template)
    yield os.environ.get(db_engines.DB_URL_ENV)
    db_engines.sweep(since)
