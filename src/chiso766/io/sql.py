"""Rows of a database query, for :func:`~chiso766.io.dataset.read_database` (docs/inputs.md).

One query per record kind; its result columns are named as a file's header would be (English or
national names: ``SELECT ma_ho_so AS "MaHoSo", …``). Each result row comes out as
``(row number, cell values)``, row 1 being the first, and goes through the same parsers and
record checks as a CSV row. Typed values (``DATE``, ``TIMESTAMP``, ``NUMERIC``, ``NULL``) are
made plain by :func:`~chiso766.io.cells.plain`: ``NULL`` is "not reported"; a timestamp without
a time zone is Vietnam local time.

The connection is a SQLAlchemy ``Engine`` or ``Connection``, a database URL (SQLAlchemy, the
optional extra ``sql``, imported only then) or any DB-API 2.0 connection (``sqlite3``,
``psycopg``…). Rows are fetched in batches, so a large table is not held twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import InputError

__all__ = ["query_rows"]

_BATCH = 10_000


def _is_sqlalchemy(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "sqlalchemy"


def query_rows(connection: Any, query: Any, label: str,
               params: Any = None) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of ``query`` run on ``connection``; the first item is
    ``(0, column names)``. A failing query is an :class:`~chiso766.errors.InputError` naming
    ``label``."""
    if _is_sqlalchemy(connection):
        yield from _sqlalchemy_rows(connection, query, label, params)
        return
    if not hasattr(connection, "cursor"):
        raise InputError("expected a SQLAlchemy engine or connection, a database URL or a DB-API "
                         f"connection, got {type(connection).__name__}", file=label)
    cursor = connection.cursor()
    try:
        try:
            # No parameters, no placeholder parsing (a '%' in a LIKE stays as written).
            if params is None:
                cursor.execute(query)
            else:
                cursor.execute(query, params)
            names = [str(d[0]) for d in cursor.description or ()]
        except Exception as exc:  # every driver has its own error classes
            raise InputError(f"the query failed ({type(exc).__name__}: {exc})",
                             file=label) from None
        if not names:
            raise InputError("the query returns no columns (is it a SELECT?)", file=label)
        yield 0, names
        number = 0
        while True:
            try:
                batch = cursor.fetchmany(_BATCH)
            except Exception as exc:
                raise InputError(f"reading the query's rows failed after row {number} "
                                 f"({type(exc).__name__}: {exc})", file=label) from None
            if not batch:
                break
            for row in batch:
                number += 1
                yield number, list(row)
    finally:
        cursor.close()


def _sqlalchemy_rows(connection: Any, query: Any, label: str,
                     params: Any) -> Iterator[tuple[int, list[Any]]]:
    import sqlalchemy

    statement = sqlalchemy.text(query) if isinstance(query, str) else query
    engine = connection if isinstance(connection, sqlalchemy.engine.Engine) else None
    conn = engine.connect() if engine is not None else connection
    result = None
    try:
        try:
            result = conn.execute(statement, params or {})
            names = [str(k) for k in result.keys()]  # noqa: SIM118 (a Result, not a dict)
        except Exception as exc:
            raise InputError(f"the query failed ({type(exc).__name__}: {exc})",
                             file=label) from None
        if not names:
            raise InputError("the query returns no columns (is it a SELECT?)", file=label)
        yield 0, names
        number = 0
        while True:
            try:
                batch = result.fetchmany(_BATCH)
            except Exception as exc:
                raise InputError(f"reading the query's rows failed after row {number} "
                                 f"({type(exc).__name__}: {exc})", file=label) from None
            if not batch:
                break
            for row in batch:
                number += 1
                yield number, list(row)
    finally:
        if result is not None:
            result.close()
        if engine is not None:
            conn.close()


def connect(url_or_connection: Any) -> tuple[Any, bool]:
    """``(connection, owned)``: a URL is opened as a SQLAlchemy engine (disposed of by the caller
    when ``owned``); anything else is used as given."""
    if isinstance(url_or_connection, str) or type(url_or_connection).__name__ == "URL":
        try:
            import sqlalchemy
        except ImportError:
            raise InputError("a database URL needs SQLAlchemy: pip install 'chiso766[sql]' (or "
                             "pass a DB-API connection)",
                             file=_safe_url(url_or_connection)) from None
        try:
            return sqlalchemy.create_engine(url_or_connection), True
        except Exception as exc:
            raise InputError(f"cannot use the database URL ({type(exc).__name__}: {exc})",
                             file=_safe_url(url_or_connection)) from None
    return url_or_connection, False


def _safe_url(url: Any) -> str:
    """The URL without its password, for messages."""
    text = str(url)
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest:
        auth, _, host = rest.rpartition("@")
        user = auth.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return text
