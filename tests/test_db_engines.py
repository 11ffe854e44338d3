"""The test suite's engine switch (tests/db_engines.py): which engines run, and a missing
PostgreSQL failing with what to install rather than skipping."""

from __future__ import annotations

import pytest

from tests import db_engines


def test_both_engines_by_default_and_a_choice_by_name(monkeypatch):
    monkeypatch.delenv(db_engines.ENGINES_ENV, raising=False)
    assert db_engines.selected_engines() == ["sqlite", "postgresql"]
    assert db_engines.selected_engines("pg") == ["postgresql"]
    monkeypatch.setenv(db_engines.ENGINES_ENV, "sqlite")
    assert db_engines.selected_engines() == ["sqlite"]
    assert db_engines.selected_engines("postgres, sqlite") == ["postgresql", "sqlite"]  # the option wins
    with pytest.raises(ValueError, match="mysql"):
        db_engines.selected_engines("mysql")


def test_missing_postgresql_binaries_say_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv(db_engines.PG_BIN_ENV, str(tmp_path))  # a folder without initdb
    assert db_engines.find_pg_bin() is None
    with pytest.raises(RuntimeError, match=r"apt-get install postgresql"):
        db_engines.PostgresCluster()
    assert "AIDOU_TEST_DB=sqlite" in db_engines.INSTALL_HINT
