"""Write a :class:`~chiso766.io.dataset.Dataset` back to a folder the readers read (docs/inputs.md).

Files use the English field names. What is written reads back to equal records: enums as member
names, moments as ISO 8601 local time, time limits as the national database's wording
(:meth:`~chiso766.timelimits.TimeLimit.to_text`), supplement requests in their own file with the
dossier id. In CSV a flag that is not reported is written ``null`` when other rows report it (an
empty cell would read back as False, docs/inputs.md), and a column nobody reports is left out.

Two values do not survive the trip, because the national wording cannot say them: a "trong
ngày" limit with a cut-off other than 15:00, and a number of working hours that is not a
decimal with at most four places.
"""

from __future__ import annotations

import csv
import enum
import json
import os
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError, PolicyError
from ..timelimits import TimeLimit
from .columns import FIELDS, KINDS
from .dataset import Dataset, kind_files
from .readers import RECORD_KINDS, StrPath

__all__ = ["write_folder"]

_DERIVED = {"result_code", "result_file", "time_limit_unit"}
# Columns a reader needs even when every row leaves them empty.
_KEEP = {
    "units": {"id"}, "procedures": {"code"}, "authorities": {"unit_id", "procedure_code"},
    "communes": {"unit_id", "offers_electronic_certified_copy"},
    "supplements": {"dossier_id", "requested_at"},
    "dossiers": {"id", "procedure_code", "unit_id", "received_at"},
    "petitions": {"id", "unit_id", "received_at"}, "ratings": {"unit_id", "rating"},
    "announcements": {"procedure_code", "unit_id", "decision_date"},
    "postings": {"unit_id", "period", "complete"},
}


def _columns(kind: str) -> list[str]:
    return [field for field in FIELDS[kind] if field not in _DERIVED]


def _rows(dataset: Dataset, kind: str) -> list[dict[str, Any]]:
    if kind == "supplements":
        return [{"dossier_id": d.id, "requested_at": s.requested_at, "supplied_at": s.supplied_at}
                for d in dataset.dossiers for s in d.supplements]
    records: Iterable[Any] = (dataset.procedures.values() if kind == "procedures"
                              else getattr(dataset, kind))
    columns = _columns(kind)
    return [{c: getattr(r, c) for c in columns} for r in records]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, date):  # datetime too: isoformat keeps the time
        return value.isoformat()
    if isinstance(value, TimeLimit):
        return value.to_text()
    if isinstance(value, Fraction):  # processing_time: read back exactly by values.amount
        if value.denominator == 1:
            return value.numerator
        shown = str(float(value))
        return shown if Fraction(shown) == value else str(value)
    return value


def _csv_cell(value: Any, is_flag: bool) -> str:
    if value is None:
        return "null" if is_flag else ""
    if value is True or value is False:
        return "1" if value else "0"
    plain = _plain(value)
    return plain if isinstance(plain, str) else str(plain)


def _flags(kind: str) -> set[str]:
    return {f.name for f in RECORD_KINDS[kind].fields if f.is_flag}


def _write_csv(target: Path, kind: str, rows: list[dict[str, Any]]) -> None:
    keep = _KEEP[kind]
    columns = [c for c in (_columns(kind) if kind != "supplements"
                           else ["dossier_id", "requested_at", "supplied_at"])
               if c in keep or any(row[c] is not None for row in rows)]
    flags = _flags(kind)
    with target.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for row in rows:
            out.writerow([_csv_cell(row[c], c in flags) for c in columns])


def _write_jsonl(target: Path, rows: list[dict[str, Any]]) -> None:
    with target.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            obj = {k: _plain(v) for k, v in row.items() if v is not None}
            f.write(json.dumps(obj, ensure_ascii=False))
            f.write("\n")


def write_folder(dataset: Dataset, path: StrPath, *,
                 format: Literal["csv", "jsonl"] = "csv") -> Path:
    """Write every kind the dataset holds (dossiers always) as ``<kind>.<format>`` in ``path``,
    creating the folder; return the folder, so ``read_folder(write_folder(ds, p))`` reads it back.

    Refuses (:class:`~chiso766.errors.InputError`) to write into a folder holding record files
    this write would not replace (another format, or a kind the dataset does not have), since
    :func:`~chiso766.io.dataset.read_folder` would then read them too.
    """
    if not isinstance(dataset, Dataset):
        raise PolicyError("must be a Dataset", record="write_folder", field="dataset",
                          value=dataset)
    if not isinstance(path, str | os.PathLike) or (isinstance(path, str) and not path.strip()):
        raise PolicyError("must be a folder path (text or a Path; an empty text is not one)",
                          record="write_folder", field="path", value=path)
    if format not in ("csv", "jsonl"):
        raise PolicyError("unknown format (expected csv or jsonl)", field="format", value=format)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    planned: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        rows = _rows(dataset, kind)
        if rows or kind == "dossiers":
            planned[kind] = rows
    existing, _ = kind_files(folder)
    stale = [p.name for kind, p in existing.items()
             if kind not in planned or p.name != f"{kind}.{format}"]
    if stale:
        raise InputError(f"the folder already holds {', '.join(sorted(stale))}, which this write "
                         "would not replace; write into an empty folder", file=os.fspath(folder))
    for kind, rows in planned.items():
        target = folder / f"{kind}.{format}"
        if format == "csv":
            _write_csv(target, kind, rows)
        else:
            _write_jsonl(target, rows)
    return folder

