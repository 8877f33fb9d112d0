"""Rows of a Parquet file, for the record readers (docs/inputs.md).

The columns are the file's schema names (English or national, as in a CSV header); each row comes
out as ``(row number, cell values)``, row 1 being the first data row, and goes through the same
parsers and record checks as a CSV row (:func:`~chiso766.io.readers.iter_records`). Typed values
(timestamps, dates, decimals, nulls) are made plain by :func:`~chiso766.io.cells.plain`: a null
is "not reported", as JSON ``null``. A timestamp without a time zone is Vietnam local time.

The file is read a row group batch at a time with ``pyarrow`` (the optional extra ``parquet``),
or with ``polars`` when pyarrow is not installed; both are imported only here, when a file is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from ..errors import InputError

__all__ = ["parquet_rows"]

_BATCH = 65_536


def parquet_rows(source: Any | IO[bytes], file: str) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of a Parquet file (a path or a binary file); the first item is
    ``(0, column names)``. Raises :class:`~chiso766.errors.InputError` naming ``file`` when
    neither pyarrow nor polars is installed or the file cannot be read."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield from _polars_rows(source, file)
        return
    try:
        parquet = pq.ParquetFile(source)
        names = list(parquet.schema_arrow.names)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError…
        raise InputError(f"not a readable Parquet file ({type(exc).__name__}: {exc})",
                         file=file) from None
    yield 0, names
    number = 0
    batches = parquet.iter_batches(batch_size=_BATCH)
    while True:
        try:
            batch = next(batches, None)
            columns = None if batch is None else [c.to_pylist() for c in batch.columns]
        except Exception as exc:
            raise InputError(f"the Parquet file cannot be read past row {number} "
                             f"({type(exc).__name__}: {exc})", file=file) from None
        if columns is None:
            break
        for row in zip(*columns, strict=True):
            number += 1
            yield number, list(row)


def _polars_rows(source: Any, file: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        import polars as pl
    except ImportError:
        raise InputError("reading Parquet files needs pyarrow (pip install "
                         "'chiso766[parquet]') or polars", file=file) from None
    try:
        frame = pl.read_parquet(source)
    except Exception as exc:
        raise InputError(f"not a readable Parquet file ({type(exc).__name__}: {exc})",
                         file=file) from None
    yield 0, list(frame.columns)
    for number, row in enumerate(frame.iter_rows(), 1):
        yield number, list(row)
