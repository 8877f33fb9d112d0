"""The example province in the national sync JSON form (``examples/province-national``, nested
``TaiLieuNop[]``, ``DanhSachPhiLePhi[]``, ``DanhSachGiayToKetQua[]``; SPEC §8 r2) scores exactly
as its CSV form: the two JSON scorecards are byte-identical.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

from chiso766.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_national",
                                                  EXAMPLES / "generate_national.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(folder: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["score", str(EXAMPLES / folder), "--period", "2025-Q2", "--format",
                       "json"])
    assert status == 0, err.getvalue()
    return out.getvalue()


def test_national_folder_is_up_to_date() -> None:
    gen = _generator()
    for name, data in gen.render().items():
        assert (EXAMPLES / "province-national" / name).read_bytes() == data, (
            f"{name} is out of date: run python examples/generate_national.py")


def test_nested_dossiers_carry_the_lists() -> None:
    text = (EXAMPLES / "province-national" / "dossiers.json").read_text(encoding="utf-8")
    first = json.loads(text)[0]
    assert {"TaiLieuNop", "DanhSachPhiLePhi", "DanhSachGiayToKetQua"} <= set(first)
    flat = {"components_digitized", "has_fee_data", "MaKetQua", "DuongDanTepTinKetQua",
            "DuocLayTuKhoDMQG"}
    assert not flat & set(first)  # those facts are only in the lists


def test_csv_and_national_json_score_identically() -> None:
    csv_card = _score("province")
    national = _score("province-national")
    assert csv_card == national
    units = json.loads(national)["units"]
    assert len(units) == 22
