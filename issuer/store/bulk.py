"""Bulk inserts through the driver: rows as plain tuples, each column's values converted
as SQLAlchemy converts them (its bind processors: `UtcDateTime`, SQLite's booleans), but
a value repeated across the rows (a chunk's `issued_at`, ...) converted once.

`conn.execute(insert(table), rows)` costs some microseconds a row in SQLAlchemy (every
parameter of every row looked up and processed); a batch stores three rows a credential.
On PostgreSQL (psycopg) a plain insert is a COPY: psycopg's executemany still binds and
sends each row as its own statement (15 us of CPU a credential row, 7 with COPY).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

Processor = Any  # a bind processor: value -> what the driver gets
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
"""The positional parameter of each paramstyle (sqlite3: qmark; psycopg: pyformat)."""


class BulkInsert:
    """`INSERT INTO table (columns) VALUES (...) suffix`, executed for many rows at once."""

    def __init__(self, table: Table, columns: Sequence[str], suffix: str = "") -> None:
        self._table = table
        self._columns = tuple(columns)
        self._suffix = suffix
        self._by_dialect: dict[str, tuple[str, str | None, list[tuple[int, Processor]]]] = {}

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns each row gives values for, in order."""
        return self._columns

    def execute(self, conn: Connection, rows: Iterable[Sequence[Any]]) -> int:
        """Insert `rows` (each a value per column, in `columns` order) in the caller's
        transaction (errors raised as by `conn.execute`); return how many were inserted."""
        sql, copy, processors = self._compiled(conn.dialect)
        values = [tuple(row) for row in rows]
        if not values:
            return 0
        if processors:
            columns: list[Sequence[Any]] = list(zip(*values, strict=True))
            for position, process in processors:
                columns[position] = _converted(columns[position], process)
            values = list(zip(*columns, strict=True))
        if copy is not None:
            return _copied(conn, copy, values)
        return conn.exec_driver_sql(sql, values).rowcount

    def _compiled(self, dialect: Dialect) -> tuple[str, str | None, list[tuple[int, Processor]]]:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            prepare = dialect.identifier_preparer
            names = ", ".join(prepare.format_column(self._table.c[c]) for c in self._columns)
            marker = _MARKERS[dialect.paramstyle]
            markers = ", ".join([marker] * len(self._columns))
            table = prepare.format_table(self._table)
            sql = f"INSERT INTO {table} ({names}) VALUES ({markers})"
            copy = None
            if dialect.name == "postgresql" and dialect.driver == "psycopg" and not self._suffix:
                copy = f"COPY {table} ({names}) FROM STDIN"
            processors = []
            for position, name in enumerate(self._columns):
                process = self._table.c[name].type._cached_bind_processor(dialect)
                if process is not None:
                    processors.append((position, process))
            found = self._by_dialect[dialect.name] = (sql + self._suffix, copy, processors)
        return found


def _converted(column: Sequence[Any], process: Processor) -> list[Any]:
    """`column`'s values processed, each distinct value once."""
    done: dict[Any, Any] = {}
    out = []
    for value in column:
        try:
            converted = done[value]
        except KeyError:
            converted = done[value] = process(value)
        except TypeError:  # not hashable
            converted = process(value)
        out.append(converted)
    return out


def _copied(conn: Connection, statement: str, values: list[tuple[Any, ...]]) -> int:
    """COPY `values` into the table (psycopg): the server parses each row's text, without
    the per-row round of parameters of an INSERT; errors raised as SQLAlchemy raises them."""
    import psycopg

    dbapi_connection: Any = conn.connection.dbapi_connection
    try:
        with dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except psycopg.Error as err:
        raise DBAPIError.instance(statement, None, err, psycopg.Error) from err
    return len(values)
