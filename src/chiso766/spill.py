"""Items handed out sorted by a key without keeping them all in memory: a merge sort whose
sorted runs beyond the first are written to temporary files (what ``chiso766 audit`` sorts its
flagged dossiers with: half a million of them at 10M rows would otherwise be the largest thing
the audit keeps).

Up to ``run`` items stay in memory and are sorted there, as a list would be. Beyond that, each
full run is sorted and pickled to an anonymous temporary file (deleted when closed, and never
named on disk on systems that allow it), and :meth:`SortedSpill.__iter__` merges the runs.
Keys must be totally ordered; the merge then hands items out in exactly the order ``sorted``
gives, however the runs were cut (equal keys in the order they were added: each run is sorted
stably and the merge takes the earlier run first).
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any, Generic, TypeVar

__all__ = ["SortedSpill"]

T = TypeVar("T")

#: Items kept in memory before a run is written out.
RUN_ITEMS = 50_000


class SortedSpill(Generic[T]):
    """Collect items with :meth:`add`, then iterate over them once in the order of ``key``
    (``sorted``'s order, equal keys as added). At most ``run`` items (default
    :data:`RUN_ITEMS`) are in memory while collecting, and one item per run while
    iterating."""

    def __init__(self, key: Callable[[T], Any], run: int | None = None) -> None:
        self.files: list[IO[bytes]] = []
        run = RUN_ITEMS if run is None else run
        if run < 1:
            raise ValueError(f"run must be at least 1, not {run}")
        self.key = key
        self.run = run
        self.items: list[T] = []
        self.count = 0
        self.taken = False

    def __len__(self) -> int:
        return self.count

    def add(self, item: T) -> None:
        if self.taken:
            raise RuntimeError("items added after the sorted items were taken")
        self.items.append(item)
        self.count += 1
        if len(self.items) >= self.run:
            self._spill()

    def _spill(self) -> None:
        self.items.sort(key=self.key)
        f = tempfile.TemporaryFile()  # noqa: SIM115 - open until the runs are merged
        try:
            for item in self.items:
                data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                f.write(len(data).to_bytes(8, "little"))
                f.write(data)
            f.seek(0)
        except BaseException:
            f.close()
            raise
        self.files.append(f)
        self.items = []

    def __iter__(self) -> Iterator[T]:
        if self.taken:
            raise RuntimeError("the sorted items can be taken once")
        self.taken = True
        self.items.sort(key=self.key)
        if not self.files:
            yield from self.items
            return
        try:
            yield from heapq.merge(*(self._read(f) for f in self.files), self.items,
                                   key=self.key)
        finally:
            self.close()

    @staticmethod
    def _read(f: IO[bytes]) -> Iterator[Any]:
        while size := f.read(8):
            yield pickle.loads(f.read(int.from_bytes(size, "little")))

    def close(self) -> None:
        """Delete the runs written out (also done when an iteration ends)."""
        for f in self.files:
            f.close()
        self.files = []

    def __del__(self) -> None:
        self.close()
