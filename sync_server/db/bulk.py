"""``executemany`` straight to the driver, for the push's hot inserts and updates.

SQLAlchemy's per-row parameter handling (a dict per row, walked against every bind)
cost more than SQLite's own inserting, on a 10,000-annotation push. Here the SQL is
still SQLAlchemy's, compiled once per statement, dialect and column set, with bound
parameters; rows go to the driver as tuples, and the bind processors the dialect
needs (DateTime on SQLite, say) are still applied, to those columns only.

``JSON_TEXT`` binds JSON the caller encoded already (one encoding shared by several
rows): plain text on SQLite, ``CAST(… AS JSON)`` on PostgreSQL, whose json columns
take no text as it is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, Text, TypeDecorator, cast
from sqlalchemy.sql.dml import Insert, UpdateBase


class _PostgresJsonText(TypeDecorator):
    """Text that is JSON already, cast to json by the database (no encoding in Python)."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue):
        return cast(bindvalue, JSON)


# the type of a bind that carries JSON text for a JSON column: ``bindparam("x", type_=JSON_TEXT)``
JSON_TEXT = Text().with_variant(_PostgresJsonText(), "postgresql")

_PLANS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _plan(conn: Connection, stmt: UpdateBase, keys: tuple[str, ...]):
    dialect = conn.dialect
    cache_key = (stmt, dialect, keys)
    plan = _PLANS.get(cache_key)
    if plan is None:
        if isinstance(stmt, Insert):
            stmt = stmt.inline()  # no RETURNING of new keys (PostgreSQL): nobody reads them here
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        # every bind must be one of ours: a column default the SQL expects would go unfilled
        if set(names) != set(keys):
            raise ValueError(f"execute_many: the statement binds {names}, the rows carry {keys}")
        processors = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
        order = tuple(keys.index(name) for name in names)
        steps = tuple((j, p) for j, p in enumerate(processors) if p is not None)
        plan = _PLANS[cache_key] = (compiled.string, names, order, steps, compiled.positional)
    return plan


def execute_many(conn: Connection, stmt: UpdateBase, keys: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    """Run ``stmt`` once per row; each row holds the values of ``keys``, in that order."""
    if not rows:
        return
    sql, names, _order, _steps, positional = plan = _plan(conn, stmt, keys)
    rows = _bound(plan, rows, len(keys))
    params = rows if positional else [dict(zip(names, row)) for row in rows]
    conn.exec_driver_sql(sql, params)


def _bound(plan, rows: Sequence[Sequence[Any]], width: int) -> Sequence[Sequence[Any]]:
    """The rows in the statement's bind order, through the dialect's bind processors."""
    _sql, _names, order, steps, _positional = plan
    if not steps and order == tuple(range(width)):
        return rows
    # column by column: the bind processors run once per column, not once per row and step
    columns = list(zip(*rows))
    columns = [columns[i] for i in order]
    for j, process in steps:
        columns[j] = _processed(columns[j], process)
    return list(zip(*columns))


# SQLite: one INSERT with many rows of VALUES, not one statement run per row. Each run of
# a statement is a full trip through SQLite's VM, and a table with AUTOINCREMENT (the
# change feed) rewrites its sqlite_sequence row at the end of every one: rows of a
# 500-record push went in at about half the cost (1,000 feed rows: 10.7 → 5.4 ms).
# The SQL is SQLAlchemy's compiled statement with its "(?, …, ?)" group repeated: no
# value is ever spliced in, every one is still a bound parameter.
_ROWS_PER_INSERT = 200  # × a dozen columns: far below SQLite's 32,766 bound parameters
_VALUES_GROUP = re.compile(r"^(.* VALUES )(\((?:\?, )*\?\))$", re.DOTALL)
_MULTI_SQL: dict[tuple[str, int], str] = {}


def _insert_values(conn: Connection, stmt: Insert, keys: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    sql, _names, _order, _steps, positional = plan = _plan(conn, stmt, keys)
    found = _VALUES_GROUP.match(sql) if positional else None
    if found is None:  # a statement of another shape (a default the SQL computes): row by row
        execute_many(conn, stmt, keys, rows)
        return
    rows = _bound(plan, rows, len(keys))
    head, group = found.groups()
    chain = itertools.chain.from_iterable
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        multi = _MULTI_SQL.get((sql, len(chunk)))
        if multi is None:
            multi = _MULTI_SQL[(sql, len(chunk))] = head + ", ".join([group] * len(chunk))
        conn.exec_driver_sql(multi, tuple(chain(chunk)))


def _processed(values: Sequence[Any], process: Any) -> Sequence[Any]:
    """``values`` through a bind processor, None left as it is. One object in every row (a
    push stamps one time on all its rows; a column of None) is processed once."""
    first = values[0]
    if len(set(map(id, values))) == 1:
        return values if first is None else (process(first),) * len(values)
    out = []
    seen = done = None
    for value in values:
        if value is None:
            out.append(None)
        else:
            if value is not seen:
                seen, done = value, process(value)
            out.append(done)
    return out


def insert_many(
    conn: Connection, stmt: Insert, keys: tuple[str, ...], rows: Sequence[Sequence[Any]], columns: tuple[str, ...]
) -> None:
    """``execute_many`` of an INSERT into ``stmt.table``; ``columns`` names the column each
    key fills (a JSON_TEXT bind's key is not its column's name). PostgreSQL: one COPY;
    SQLite: INSERTs of many rows each."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        _insert_values(conn, stmt, keys, rows)
    elif conn.dialect.name == "postgresql":
        _copy(conn, stmt.table, columns, rows)
    else:
        execute_many(conn, stmt, keys, rows)


def _copy(conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    from psycopg import sql  # the postgres extra: only loaded on that engine

    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    # the connection's own driver connection: the rows join this transaction
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(query) as copy:
        for row in rows:
            copy.write_row(row)
