"""Rows of a DataFrame, an Arrow table or an iterable of mappings (docs/inputs.md).

:func:`frame_rows` turns what a notebook holds into ``(row number, cell values)``, the first item
being ``(0, column names)``, so that :meth:`~chiso766.io.dataset.Dataset.from_frames` puts every
row through the same parsers and record checks as a CSV row. Row numbers count data rows from 1
(a pandas index is not used: it need not be numbers, nor unique).

Accepted: a pandas ``DataFrame``, a polars ``DataFrame`` (or ``LazyFrame``, collected), a pyarrow
``Table`` or ``RecordBatch``, or any iterable of mappings (``list[dict]``, a csv.DictReader, the
rows of a database cursor as dicts). For mappings the columns are every key seen, in the order
first seen; a key missing from a row is a null there. Typed values are made plain by
:func:`~chiso766.io.cells.plain` (``NaN``/``None`` = not reported, a whole float ``1.0`` = ``1``,
a ``Timestamp`` without a zone = Vietnam local time).

pandas, polars and pyarrow are optional and never imported here: an object is recognised by the
module its type comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import InputError
from .cells import BadCell

__all__ = ["frame_rows"]

_BATCH = 65_536


def _library(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def frame_rows(frame: Any, label: str) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of ``frame``, the first item ``(0, column names)``."""
    library = _library(frame)
    kind = type(frame).__name__
    if library == "pandas" and kind == "DataFrame":
        yield 0, [str(c) for c in frame.columns]
        number = 0
        # A batch of rows at a time, each column as a Python list (several times faster than
        # itertuples on Arrow-backed columns).
        for start in range(0, len(frame), _BATCH):
            part = frame.iloc[start:start + _BATCH]
            columns = [part.iloc[:, i].tolist() for i in range(part.shape[1])]
            for row in zip(*columns, strict=True):
                number += 1
                yield number, list(row)
        return
    if library == "polars" and kind in ("DataFrame", "LazyFrame"):
        if kind == "LazyFrame":
            frame = frame.collect()
        yield 0, list(frame.columns)
        for number, row in enumerate(frame.iter_rows(), 1):
            yield number, list(row)
        return
    if library == "pyarrow" and kind in ("Table", "RecordBatch"):
        yield 0, list(frame.schema.names)
        batches = frame.to_batches(max_chunksize=_BATCH) if kind == "Table" else [frame]
        number = 0
        for batch in batches:
            for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                number += 1
                yield number, list(row)
        return
    if isinstance(frame, str | bytes | Mapping) or not isinstance(frame, Iterable):
        raise InputError(f"expected a pandas or polars DataFrame, a pyarrow Table or an "
                         f"iterable of mappings, got {type(frame).__name__}", file=label)
    yield from _mapping_rows(frame, label)


def _mapping_rows(rows: Iterable[Any], label: str) -> Iterator[tuple[int, list[Any]]]:
    items = list(rows)
    columns: dict[str, None] = {}
    for item in items:
        if isinstance(item, Mapping):
            for key in item:
                columns.setdefault(str(key), None)
    names = list(columns)
    yield 0, names
    for number, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            # The row is rejected alone (a BadCell in place of the cells).
            yield number, BadCell(repr(item)[:200], f"expected a mapping of column names to "
                                  f"values, got {type(item).__name__}")  # type: ignore[misc]
            continue
        by_name = {str(k): v for k, v in item.items()}
        yield number, [by_name.get(name) for name in names]
