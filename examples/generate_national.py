#!/usr/bin/env python3
"""Generate ``examples/province-national/``: the example province with its dossiers in the
national sync JSON form, nested lists included (SPEC §8 r2; docs/inputs.md).

Run from anywhere::

    python examples/generate_national.py            # write examples/province-national/
    python examples/generate_national.py --check    # exit 1 if the folder is not up to date

``dossiers.json`` is written from ``examples/province/dossiers.csv`` the way a one-stop system
syncs a dossier to the national portal: moments as ``yyyyMMddHHmmss``, values as strings, and
lists where the sync format has them —

- ``TaiLieuNop[]``: one component ("Tờ khai"), its file ``DuongDanTaiTepTin`` attached when the
  CSV says ``components_digitized``, with ``DuocSoHoa`` (= ``HoSoCoThanhPhanSoHoa``) and
  ``DuocLayTuKhoDMQG``;
- ``DanhSachPhiLePhi[]``: one fee, ``Gia`` 50000 when the CSV says ``has_fee_data``, else 0;
- ``DanhSachGiayToKetQua[]``: the result file (``MaGiayToKetQua`` + ``DuongDanTepTinKetQua``)
  when the CSV has ``MaKetQua`` and ``DuongDanTepTinKetQua``, else empty.

Every other file is copied unchanged. ``tests/test_examples_national.py`` checks that the two
folders give byte-identical scorecards. Only the standard library is used; the output depends
only on the CSV files, so two runs give identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "province"
TARGET = HERE / "province-national"
COPIED = ("units.csv", "procedures.csv", "authorities.csv", "communes.csv", "supplements.csv",
          "petitions.csv", "ratings.csv", "announcements.csv", "postings.csv")
FILE_URL = "https://dichvucong.tinhmau.example/tailieu"

#: CSV column → national sync key, for the moments (rewritten as yyyyMMddHHmmss).
MOMENTS = {"NgayNopHoSo": "NgayNopHoSo", "NgayTiepNhan": "NgayTiepNhan",
           "NgayHenTra": "NgayHenTra", "NgayKetThucXuLy": "NgayKetThucXuLy",
           "NgayTra": "NgayTra", "NgayDungXuLy": "NgayTuChoi", "new_due_at": "NgayHenTraMoi"}
#: CSV column → national sync key, for values copied as they are.
PLAIN = {"MaHoSo": "MaHoSo", "MaTTHC": "MaTTHC", "MaDonVi": "MaDonVi", "MaCanBo": "MaCanBo",
         "KenhThucHien": "KenhThucHien", "DuocThanhToanTrucTuyen": "DuocThanhToanTrucTuyen",
         "HoSoCoThanhPhanSoHoa": "HoSoCoThanhPhanSoHoa",
         "TaiKhoanDuocXacThucVoiVNeID": "TaiKhoanDuocXacThucVoiVNeID",
         "synced_to_portal": "DaDongBoDVCQG", "submitted_via_portal": "NopQuaDVCQG"}


def moment(text: str) -> str:
    """``dd/MM/yyyy HH:mm:ss`` → ``yyyyMMddHHmmss``; ``dd/MM/yyyy`` → ``yyyyMMdd``."""
    if not text:
        return ""
    day, month, year = text[:10].split("/")
    clock = text[11:].replace(":", "")
    return f"{year}{month}{day}{clock}"


def nested(row: dict[str, str]) -> dict[str, Any]:
    """One dossier row of the CSV as the national sync object."""
    obj: dict[str, Any] = {}
    for column, key in PLAIN.items():
        if column in MOMENTS:
            continue
        obj[key] = row[column]
    for column, key in MOMENTS.items():
        if row[column]:  # an empty moment is left out, as most sync exports do
            obj[key] = moment(row[column])
    ident = row["MaHoSo"]
    obj["TaiLieuNop"] = [{
        "TenTepDinhKem": "Tờ khai",
        "DuongDanTaiTepTin": f"{FILE_URL}/{ident}.pdf" if row["components_digitized"] == "1"
        else "",
        "DuocSoHoa": row["HoSoCoThanhPhanSoHoa"], "DuocLayTuKhoDMQG": row["DuocLayTuKhoDMQG"],
    }]
    obj["DanhSachPhiLePhi"] = [{
        "TenPhiLePhi": "Lệ phí", "Gia": "50000" if row["has_fee_data"] == "1" else "0",
    }]
    results = []
    if row["MaKetQua"] or row["DuongDanTepTinKetQua"]:
        results.append({"MaGiayToKetQua": row["MaKetQua"],
                        "DuongDanTepTinKetQua": row["DuongDanTepTinKetQua"]})
    obj["DanhSachGiayToKetQua"] = results
    return obj


def render() -> dict[str, bytes]:
    """File name → content of the national folder."""
    with (SOURCE / "dossiers.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    lines = [json.dumps(nested(row), ensure_ascii=False, separators=(",", ":")) for row in rows]
    files = {"dossiers.json": ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")}
    for name in COPIED:
        files[name] = (SOURCE / name).read_bytes()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that the folder is up to date")
    args = parser.parse_args(argv)
    files = render()
    if args.check:
        stale = [name for name, data in files.items()
                 if not (TARGET / name).is_file() or (TARGET / name).read_bytes() != data]
        if stale:
            print(f"{TARGET.name}: out of date: {', '.join(stale)} (run "
                  "python examples/generate_national.py)", file=sys.stderr)
            return 1
        print(f"{TARGET.name}: up to date")
        return 0
    TARGET.mkdir(exist_ok=True)
    for name, data in files.items():
        (TARGET / name).write_bytes(data)
    print(f"wrote {TARGET.relative_to(HERE.parent)}/ ({len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
