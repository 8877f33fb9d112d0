"""A folder's dossiers one at a time are read_folder's (docs/scale.md, "The due-date audit").

Invariants, for any drawn folder of dossiers, supplement requests and ratings (odd lines,
quoted cells, repeated ids, orphan requests and rejected rows included), with the supplement
requests read by the row path or by the columnar engine:

* ``stream_dossiers(folder)`` yields exactly ``read_folder(folder).dossiers``, in order, each
  with its supplement requests;
* once they are read, its ``report`` is ``read_folder(folder).report`` (every row of every file
  accepted or rejected, the same rejections, in the same order, and the same notes), and its
  units, procedures, authorities, communes and petitions are read_folder's;
* HCM 104 scored from the stream (a chunk of dossiers at a time), given the Decision 766
  scorecard, is HCM 104 scored from read_folder's dataset.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso766 import Period, hcm104, score_766, tally
from chiso766.io import read_folder
from chiso766.streaming import stream_dossiers
from tests.budget import examples
from tests.test_streaming import _counting_with, _write, folders

Q2 = Period.quarter(2025, 2)


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


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=folders(unique=True, odd_lines=True), by_staff=st.booleans())
def test_hcm104_on_the_stream_is_hcm104_on_read_folder(
        tmp_path_factory: pytest.TempPathFactory, data: dict[str, list[list[str]]],
        by_staff: bool) -> None:
    """HCM 104 of a stream (read once, 2 dossiers a chunk) is HCM 104 of read_folder's dataset,
    with the same Decision 766 scorecard for part D."""
    folder = tmp_path_factory.mktemp("f")
    _write(folder, data)
    whole = read_folder(folder)
    card = score_766(whole, period=Q2)
    expected = hcm104.score(whole, period=Q2, scorecard=card, by_staff=by_staff).to_dict()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tally, "COLUMNAR_CHUNK", 2)
        got = hcm104.score(stream_dossiers(folder), period=Q2, scorecard=card,
                           by_staff=by_staff).to_dict()
    assert got == expected
