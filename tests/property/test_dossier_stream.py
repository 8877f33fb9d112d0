"""A folder's dossiers one at a time are read_folder's (docs/scale.md, "The due-date audit").

Invariants, for any drawn folder of dossiers, supplement requests and ratings (odd lines,
quoted cells, repeated ids, orphan requests and rejected rows included), with the supplement
requests read by the row path or by the columnar engine:

* ``stream_dossiers(folder)`` yields exactly ``read_folder(folder).dossiers``, in order, each
  with its supplement requests;
* once they are read, its ``report`` is ``read_folder(folder).report`` (every row of every file
  accepted or rejected, the same rejections, in the same order, and the same notes), and its
  units, procedures, authorities, communes and petitions are read_folder's.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from chiso766.io import read_folder
from chiso766.streaming import stream_dossiers
from tests.budget import examples
from tests.test_streaming import _counting_with, _write, folders


def _same_as_read_folder(folder: Any) -> None:
    whole = read_folder(folder)
    stream = stream_dossiers(folder)
    assert list(stream) == list(whole.dossiers)
    assert stream.report == whole.report
    assert stream.units == whole.units
    assert stream.procedures == whole.procedures
    assert stream.authorities == whole.authorities
    assert stream.communes == whole.communes
    assert stream.petitions == whole.petitions


@pytest.mark.parametrize("path", ["rows", "engine"])
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=folders(odd_lines=True))
def test_the_stream_is_read_folders_dossiers_and_report(
        tmp_path_factory: pytest.TempPathFactory, path: str,
        data: dict[str, list[list[str]]]) -> None:
    folder = tmp_path_factory.mktemp("f")
    _write(folder, data)
    with _counting_with(path, batch_bytes=64):
        _same_as_read_folder(folder)
