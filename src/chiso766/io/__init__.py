"""Reading and writing input files (SPEC §8): CSV, JSON Lines and JSON arrays, one file per
record kind in a folder, with English or national column names.

- :func:`read_folder` reads a folder into a :class:`Dataset` with a :class:`ReadReport`.
- :func:`iter_records` streams the records of one file, for inputs too large to hold.
- :func:`write_folder` writes a :class:`Dataset` back in a form :func:`read_folder` reads.
"""

from .columns import FIELDS, KINDS, fold_name
from .dataset import Dataset, read_folder
from .readers import (
    FileCount,
    ReadReport,
    RecordStream,
    Rejection,
    ReportBuilder,
    SupplementRow,
    detect_format,
    iter_records,
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
    "read_folder",
    "write_folder",
]
