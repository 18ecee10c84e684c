"""Statements run straight through the database driver, for the hottest write path.

A report's submission inserts a handful of rows whose values are all known (personal values
sealed beforehand), and appends one audit event after reading the chain's last hash. Through
SQLAlchemy's ``Connection.execute`` each statement costs about 0.1 ms of Python around a few
hundredths of database work: looking the compiled statement up, building an execution context,
processing parameters through layers of wrappers. Here each statement is compiled once per
dialect (an INSERT per table and set of columns), and a row costs its columns' own bind
processors (the same ones SQLAlchemy would apply: sealed columns keep their write-back check,
dates their storage format, JSON its serialisation) and one ``cursor.execute`` (issue 17, item
4). The statements run on the caller's connection, in its transaction; database errors come back
as SQLAlchemy's (``IntegrityError`` for a duplicate), as from ``Connection.execute``.

What this path does not do: run ``before_cursor_execute`` listeners, compute a default that
needs an execution context (a column like that is refused when its plan is made, not skipped),
or convert what a read returns (``first_value`` is for values the driver returns as they are:
text and numbers).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True, slots=True)
class InsertPlan:
    """One compiled INSERT: its SQL, and how to turn a row's values into its parameters."""

    sql: str
    order: tuple[str, ...]  # parameter names, in the statement's order when it is positional
    processors: tuple[Callable[[Any], Any] | None, ...]
    defaults: tuple[tuple[str, Callable[[], Any]], ...]  # Python-side defaults of columns not given
    positional: bool

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        if self.defaults:
            values = {**values, **{name: make() for name, make in self.defaults}}
        converted = [value if process is None else process(value)
                     for value, process in zip([values[name] for name in self.order], self.processors, strict=True)]
        return tuple(converted) if self.positional else dict(zip(self.order, converted, strict=True))


def insert_returning_id(connection: Connection, table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row; its new id. Columns left out get their defaults, as with ``insert()``."""
    plan = insert_plan(connection.dialect, table, tuple(values), returning=True)
    return _run(connection, plan.sql, lambda cursor: cursor.execute(plan.sql, plan.parameters(values)), first=True)


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that all give the same columns, in one ``executemany``."""
    if not rows:
        return
    plan = insert_plan(connection.dialect, table, tuple(rows[0]), returning=False)
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table.name} must all give the same columns")
    _run(connection, plan.sql, lambda cursor: cursor.executemany(plan.sql, [plan.parameters(row) for row in rows]))


def first_value(connection: Connection, query: Select) -> Any:
    """The first column of a constant query's first row (its parameters are those written in
    the query, such as a LIMIT), as the driver returns it; None if there is no row."""
    plans: dict = connection.dialect.__dict__.setdefault("tracker_queries", {})
    plan = plans.get(query)
    if plan is None:
        compiled = query.compile(dialect=connection.dialect)
        values = compiled.construct_params()
        parameters = tuple(values[name] for name in compiled.positiontup) if compiled.positional else values
        plan = plans[query] = (compiled.string, parameters)
    sql, parameters = plan
    return _run(connection, sql, lambda cursor: cursor.execute(sql, parameters), first=True)


def _run(connection: Connection, sql: str, execute: Callable[[Any], Any], *, first: bool = False) -> Any:
    """Run ``execute`` on a cursor of the connection; with ``first``, the first column of the first
    row it returned (None if none)."""
    dialect = connection.dialect
    cursor = connection.connection.cursor()
    try:
        execute(cursor)
        row = cursor.fetchone() if first else None
        return None if row is None else row[0]
    except dialect.loaded_dbapi.Error as error:
        # The same exception classes Connection.execute raises, so callers catch one kind. The
        # parameters stay out of the error, which may reach a log: they hold sealed values.
        raise DBAPIError.instance(sql, None, error, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from error
    finally:
        cursor.close()


def insert_plan(dialect: Dialect, table: Table, columns: tuple[str, ...], *, returning: bool) -> InsertPlan:
    """The plan for inserting these columns of ``table`` on this dialect, made once.

    Plans are kept on the dialect: the bind processors of sealed columns find the engine's
    keyring through it, so a plan belongs to one engine.
    """
    plans: dict = dialect.__dict__.setdefault("tracker_insert_plans", {})
    key = (table, columns, returning)
    plan = plans.get(key)
    if plan is None:
        plan = plans[key] = _compile(dialect, table, columns, returning)
    return plan


def _compile(dialect: Dialect, table: Table, columns: tuple[str, ...], returning: bool) -> InsertPlan:
    """Compile the INSERT of ``columns`` and of every column with a Python-side default not among
    them (computed here per row, as SQLAlchemy would during execution)."""
    defaults = []
    for column in table.columns:
        if column.key in columns or column.default is None:
            continue
        default = column.default
        if getattr(default, "is_scalar", False):
            defaults.append((column.key, lambda value=default.arg: value))
        elif getattr(default, "is_callable", False):
            # SQLAlchemy wraps a zero-argument default to take the execution context; there is
            # none here, so a default that reads it fails loudly (AttributeError on None).
            defaults.append((column.key, lambda make=default.arg: make(None)))
        else:
            raise TypeError(f"{table.name}.{column.key}: its default needs SQLAlchemy's own insert")
    names = [*columns, *(name for name, _ in defaults)]
    statement = insert(table)
    if returning:
        statement = statement.returning(table.c.id)
    compiled = statement.compile(dialect=dialect, column_keys=names)
    if compiled.insert_prefetch:
        raise TypeError(f"{table.name}: some column is filled while the statement runs")
    order = tuple(compiled.positiontup) if compiled.positional else tuple(names)
    if sorted(order) != sorted(names):
        raise TypeError(f"{table.name}: the compiled insert's parameters are not its columns")
    processors = tuple(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order)
    return InsertPlan(compiled.string, order, processors, tuple(defaults), compiled.positional)
