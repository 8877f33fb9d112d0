"""Reading and writing input records (docs/inputs.md): CSV, JSON Lines, JSON arrays, Excel and
Parquet
files, one per record kind in a folder, DataFrames and database queries, with English or national
column names. Every source goes through the same record path, so a row reads to the same record,
or the same rejection, whatever it came in.

- :func:`read_folder` reads a folder into a :class:`Dataset` with a :class:`ReadReport`;
  :func:`read_files` reads one file (path or file object) per kind.
- :func:`read_tables` / :meth:`Dataset.from_frames` read DataFrames, Arrow tables or rows of
  mappings; :func:`read_database` reads one query per kind.
- :func:`iter_records` streams the records of one file, for inputs too large to hold;
  :func:`iter_rows` those of any ``(row number, cells)`` rows.
- :func:`write_folder` writes a :class:`Dataset` back in a form :func:`read_folder` reads.
"""

from .columns import FIELDS, KINDS, fold_name
from .dataset import Dataset, read_database, read_files, read_folder, read_tables
from .readers import (
    FileCount,
    ReadReport,
    RecordStream,
    Rejection,
    ReportBuilder,
    SupplementRow,
    detect_format,
    iter_records,
    iter_rows,
)
from .writers import write_folder

__all__ = [
    "FIELDS",
    "KINDS",
    "Dataset",
    "FileCount",
    "ReadReport",
    "RecordStream",
    "Rejection",
    "ReportBuilder",
    "SupplementRow",
    "detect_format",
    "fold_name",
    "iter_records",
    "iter_rows",
    "read_database",
    "read_files",
    "read_folder",
    "read_tables",
    "write_folder",
]
