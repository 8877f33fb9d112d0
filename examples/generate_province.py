#!/usr/bin/env python3
"""Generate ``examples/province/``: a synthetic province ("UBND tỉnh Mẫu") for the docs and tests.

Run from anywhere::

    python examples/generate_province.py             # write examples/province/*.csv, check them
    python examples/generate_province.py --check     # only check the files already there
    python examples/generate_province.py --summary   # also print figures computed by chiso766
    python examples/generate_province.py --out DIR   # write somewhere else

The data is invented. It is shaped like an export of a provincial one-stop system (hệ thống
thông tin giải quyết TTHC cấp tỉnh) for December 2024 and the year 2025: the dossier file uses
the national sync field names (``MaHoSo``, ``NgayTiepNhan``, ``NgayHenTra``…), dates are written
``dd/MM/yyyy HH:mm:ss``, and every appointment date (``NgayHenTra``) that is not deliberately
wrong or missing is computed with :func:`chiso766.due_at` from the receipt and the procedure's
statutory time limit. ``examples/README.md`` lists the quirks put in on purpose.

Only the standard library and chiso766 are used. Everything random comes from one
``random.Random(766)``, drawn in a fixed order; rows are sorted before writing and no clock is
read, so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from chiso766 import TimeLimit, WorkingCalendar, due_at
from chiso766.timelimits import LimitKind

SEED = 766
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "province"

CAL = WorkingCalendar.vietnam()
FIRST_DAY = date(2024, 12, 1)
LAST_DAY = date(2025, 12, 31)
#: The export was taken at the end of 2025: nothing later than this has happened.
SNAPSHOT = datetime(2025, 12, 31, 23, 59, 59)
CLOSE = time(17, 0)
#: Office hours in seconds after midnight: 07:30–11:30 and 13:00–17:00 (SPEC §3).
WINDOWS = ((7 * 3600 + 1800, 11 * 3600 + 1800), (13 * 3600, 17 * 3600))

DATETIME_FORMAT = "%d/%m/%Y %H:%M:%S"
DATE_FORMAT = "%d/%m/%Y"
PROVINCE_ID = "000.00.00.H99"
RESULT_URL = "https://dichvucong.tinhmau.example/ketqua"

# ---------------------------------------------------------------------------------------------
# units


@dataclass(frozen=True)
class UnitDef:
    id: str
    name: str
    level: str
    parent_id: str
    short: str  #: used in staff ids and result numbers
    tier: str = ""  #: quality profile (see PROFILES); empty for the province


DEPARTMENTS = (
    UnitDef("000.00.01.H99", "Sở Tư pháp", "DEPARTMENT", PROVINCE_ID, "STP", "excellent"),
    UnitDef("000.00.02.H99", "Sở Kế hoạch và Đầu tư", "DEPARTMENT", PROVINCE_ID, "SKHDT", "good"),
    UnitDef("000.00.03.H99", "Sở Tài nguyên và Môi trường", "DEPARTMENT", PROVINCE_ID, "STNMT",
            "poor"),
    UnitDef("000.00.04.H99", "Sở Xây dựng", "DEPARTMENT", PROVINCE_ID, "SXD", "average"),
    UnitDef("000.00.05.H99", "Sở Giao thông vận tải", "DEPARTMENT", PROVINCE_ID, "SGTVT", "good"),
    UnitDef("000.00.06.H99", "Sở Lao động - Thương binh và Xã hội", "DEPARTMENT", PROVINCE_ID,
            "SLDTBXH", "fair"),
)

DISTRICTS = (
    UnitDef("000.00.21.H99", "UBND thành phố Mẫu Sơn", "DISTRICT", PROVINCE_ID, "TPMS",
            "district_good"),
    UnitDef("000.00.22.H99", "UBND huyện Bình Giang", "DISTRICT", PROVINCE_ID, "HBG",
            "district_sloppy"),
    UnitDef("000.00.23.H99", "UBND huyện Phú Lâm", "DISTRICT", PROVINCE_ID, "HPL",
            "district_avg"),
)

_COMMUNES = {
    "000.00.21.H99": (("UBND phường Bắc Sơn", "commune_good"),
                      ("UBND phường Nam Sơn", "commune_avg"),
                      ("UBND phường Trung Tâm", "commune_good"),
                      ("UBND xã An Phú", "commune_avg")),
    "000.00.22.H99": (("UBND thị trấn Bình Giang", "commune_avg"),
                      ("UBND xã Bình Minh", "commune_poor"),
                      ("UBND xã Bình An", "commune_avg"),
                      ("UBND xã Tân Lập", "commune_poor")),
    "000.00.23.H99": (("UBND thị trấn Phú Lâm", "commune_good"),
                      ("UBND xã Phú Mỹ", "commune_avg"),
                      ("UBND xã Lâm Hà", "commune_poor"),
                      ("UBND xã Phú Thịnh", "commune_avg")),
}


def _communes() -> tuple[UnitDef, ...]:
    out = []
    for district in DISTRICTS:
        dd = district.id.split(".")[2]
        for k, (name, tier) in enumerate(_COMMUNES[district.id], start=1):
            out.append(UnitDef(f"000.{k:02d}.{dd}.H99", name, "COMMUNE", district.id,
                               f"{district.short}{k:02d}", tier))
    return tuple(out)


COMMUNES = _communes()
PROVINCE = UnitDef(PROVINCE_ID, "UBND tỉnh Mẫu", "PROVINCE", "", "UBND")
ALL_UNITS = (PROVINCE, *DEPARTMENTS, *DISTRICTS, *COMMUNES)
HANDLING_UNITS = (*DEPARTMENTS, *DISTRICTS, *COMMUNES)

# ---------------------------------------------------------------------------------------------
# quality profiles


@dataclass(frozen=True)
class Profile:
    volume: int  #: dossiers received in 2025 (Dec 2024 adds about 4 % more)
    online: float  #: share online where the unit offers a full online service
    late: float  #: share finished late (1–12 working days)
    sup1: float  #: share with exactly one supplement request
    sup2: float  #: share with two
    fudge: float  #: share whose recorded NgayHenTra is 1–5 working days later than the law's
    missing_due: float  #: share with no NgayHenTra
    stuck: float  #: share never finished (still open at the end of 2025)
    sync: float  #: synced to the national portal
    fee_data: float  #: fee dossiers carrying fee data
    pay_online: float  #: online fee dossiers paid online
    eresult: float  #: finished dossiers with an electronic result
    digitized: float
    reuse: float
    store: float  #: personal data store on the national portal
    vneid: float
    good_staff: tuple[float, float]  #: staff "tốt" rating probability range
    speed: tuple[float, float]  #: beta parameters for where in the allowed time work ends
    only_returned: float = 0.0  #: NgayTra recorded but not NgayKetThucXuLy
    no_receipt: float = 0.0  #: online dossiers with NgayNopHoSo but no NgayTiepNhan


PROFILES = {
    "excellent": Profile(520, 0.80, 0.01, 0.05, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.95, 0.99, 0.98,
                         0.90, 0.70, 0.92, (0.93, 0.99), (1.3, 4.0)),
    "good": Profile(640, 0.68, 0.04, 0.16, 0.02, 0.01, 0.01, 0.0, 0.99, 0.97, 0.80, 0.92, 0.90,
                    0.60, 0.45, 0.80, (0.85, 0.95), (2.0, 3.0)),
    "poor": Profile(420, 0.40, 0.33, 0.26, 0.07, 0.16, 0.07, 0.025, 0.82, 0.55, 0.25, 0.35, 0.45,
                    0.15, 0.08, 0.30, (0.55, 0.75), (4.0, 1.4)),
    "average": Profile(260, 0.50, 0.12, 0.18, 0.03, 0.06, 0.02, 0.005, 0.95, 0.90, 0.55, 0.75,
                       0.75, 0.40, 0.25, 0.55, (0.75, 0.88), (2.5, 2.0)),
    "fair": Profile(320, 0.55, 0.15, 0.13, 0.02, 0.08, 0.02, 0.005, 0.94, 0.85, 0.50, 0.70, 0.70,
                    0.35, 0.20, 0.60, (0.72, 0.86), (2.5, 2.0)),
    "district_good": Profile(190, 0.45, 0.05, 0.12, 0.015, 0.03, 0.01, 0.0, 0.98, 0.95, 0.70,
                             0.90, 0.85, 0.55, 0.35, 0.75, (0.82, 0.93), (2.0, 2.5)),
    "district_sloppy": Profile(150, 0.30, 0.15, 0.12, 0.03, 0.12, 0.12, 0.01, 0.88, 0.70, 0.35,
                               0.55, 0.55, 0.25, 0.12, 0.45, (0.65, 0.82), (3.0, 1.8),
                               only_returned=0.10, no_receipt=0.2),
    "district_avg": Profile(140, 0.35, 0.08, 0.12, 0.02, 0.04, 0.02, 0.005, 0.95, 0.85, 0.50,
                            0.75, 0.70, 0.40, 0.22, 0.60, (0.75, 0.88), (2.5, 2.0)),
    "commune_good": Profile(80, 0.40, 0.02, 0.05, 0.005, 0.01, 0.02, 0.0, 0.98, 0.95, 0.60,
                            0.92, 0.85, 0.55, 0.35, 0.80, (0.85, 0.95), (1.5, 3.0)),
    "commune_avg": Profile(62, 0.30, 0.05, 0.06, 0.005, 0.02, 0.04, 0.0, 0.95, 0.85, 0.45,
                           0.80, 0.70, 0.40, 0.20, 0.65, (0.75, 0.90), (2.0, 2.0)),
    "commune_poor": Profile(50, 0.18, 0.11, 0.07, 0.01, 0.03, 0.06, 0.01, 0.88, 0.70, 0.25,
                            0.55, 0.50, 0.20, 0.08, 0.45, (0.60, 0.80), (3.0, 1.6)),
}

# ---------------------------------------------------------------------------------------------
# procedures


@dataclass(frozen=True)
class ProcDef:
    code: str
    name: str
    limit: str  #: ThoiHanGiaiQuyet as the national procedure database writes it
    online: str  #: NONE / PARTIAL / FULL
    fee: int
    paper: int  #: requires a paper result
    individuals: int
    weight: int  #: relative number of dossiers within the unit
    published: int = 1
    complete: int = 1


# owner short code (departments), "DISTRICT" or "COMMUNE" → procedures.
PROCEDURES: dict[str, tuple[ProcDef, ...]] = {
    "STP": (
        ProcDef("2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài "
                "đang cư trú tại Việt Nam", "10 ngày làm việc", "FULL", 1, 1, 1, 60),
        ProcDef("2.000505", "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
                "10 ngày làm việc", "PARTIAL", 0, 1, 0, 6),
        ProcDef("2.002516", "Cấp Phiếu lý lịch tư pháp qua ứng dụng định danh quốc gia VNeID",
                "10 ngày làm việc", "FULL", 1, 1, 1, 30),
        ProcDef("1.001877", "Đăng ký hành nghề và cấp Thẻ công chứng viên", "10 ngày làm việc",
                "FULL", 1, 1, 1, 4),
        ProcDef("1.001756", "Đăng ký hoạt động Văn phòng công chứng", "10 ngày làm việc",
                "PARTIAL", 1, 1, 1, 1),
        ProcDef("2.000789", "Thay đổi nội dung đăng ký hoạt động của Văn phòng công chứng",
                "5 ngày làm việc", "FULL", 1, 1, 1, 2),
        ProcDef("1.008924", "Đăng ký tập sự hành nghề công chứng", "7 ngày làm việc", "FULL", 0,
                1, 1, 2),
        ProcDef("2.001815", "Đăng ký hoạt động của Trung tâm tư vấn pháp luật", "5 ngày làm việc",
                "PARTIAL", 0, 1, 0, 1, complete=0),
    ),
    "SKHDT": (
        ProcDef("2.002037", "Đăng ký thành lập doanh nghiệp tư nhân", "3 ngày làm việc", "FULL",
                1, 1, 1, 18),
        ProcDef("2.002041", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
                "3 ngày làm việc", "FULL", 1, 1, 1, 40),
        ProcDef("2.002043", "Đăng ký thành lập công ty cổ phần", "3 ngày làm việc", "FULL", 1, 1,
                0, 18),
        ProcDef("2.002049", "Đăng ký thay đổi người đại diện theo pháp luật của công ty trách "
                "nhiệm hữu hạn, công ty cổ phần", "3 ngày làm việc", "FULL", 1, 1, 0, 24),
        ProcDef("2.002053", "Đăng ký thay đổi vốn điều lệ, thay đổi tỷ lệ vốn góp",
                "3 ngày làm việc", "FULL", 1, 1, 0, 20),
        ProcDef("2.002088", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn "
                "đã thông báo", "3 ngày làm việc", "FULL", 0, 0, 0, 16),
        ProcDef("2.002091", "Giải thể doanh nghiệp", "5 ngày làm việc", "PARTIAL", 0, 1, 0, 6),
        ProcDef("1.009645", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện "
                "chấp thuận chủ trương đầu tư", "15 ngày", "PARTIAL", 0, 1, 0, 3),
        ProcDef("1.009647", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", "10 ngày làm việc",
                "PARTIAL", 0, 1, 0, 3),
    ),
    "STNMT": (
        ProcDef("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền "
                "với đất do thay đổi thông tin", "10 ngày làm việc", "PARTIAL", 1, 1, 1, 40),
        ProcDef("1.004203", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và "
                "tài sản khác gắn liền với đất", "7 ngày làm việc", "PARTIAL", 1, 1, 1, 30),
        ProcDef("1.003010", "Cung cấp thông tin, dữ liệu đất đai", "trong ngày", "FULL", 1, 0,
                1, 16),
        ProcDef("1.004253", "Cấp giấy phép khai thác nước dưới đất", "30 ngày", "NONE", 1, 1, 0,
                3),
        ProcDef("1.010727", "Cấp giấy phép môi trường", "30 ngày", "PARTIAL", 1, 1, 0, 4),
        ProcDef("1.004258", "Gia hạn giấy phép khai thác, sử dụng nước mặt", "25 ngày làm việc",
                "NONE", 1, 1, 0, 2, published=0),
        ProcDef("2.001777", "Cấp giấy phép thăm dò khoáng sản", "45 ngày", "NONE", 1, 1, 0, 1,
                complete=0),
        ProcDef("1.000798", "Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế",
                "7 ngày làm việc", "PARTIAL", 1, 1, 1, 5, complete=0),
        ProcDef("1.004269", "Thẩm định báo cáo đánh giá tác động môi trường", "30 ngày",
                "PARTIAL", 1, 1, 0, 3),
    ),
    "SXD": (
        ProcDef("1.009972", "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II",
                "20 ngày", "PARTIAL", 1, 1, 0, 10),
        ProcDef("1.009975", "Gia hạn giấy phép xây dựng đối với công trình cấp I, cấp II",
                "5 ngày làm việc", "FULL", 1, 1, 0, 3),
        ProcDef("1.009928", "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
                "20 ngày", "FULL", 1, 1, 1, 25),
        ProcDef("1.009932", "Cấp lại chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
                "10 ngày làm việc", "FULL", 1, 1, 1, 8),
        ProcDef("1.009940", "Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
                "20 ngày", "PARTIAL", 1, 1, 0, 12),
        ProcDef("1.009794", "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng", "30 ngày",
                "NONE", 1, 1, 0, 6),
        ProcDef("1.007750", "Xác nhận nhà ở hình thành trong tương lai đủ điều kiện được bán, cho "
                "thuê mua", "15 ngày", "PARTIAL", 0, 1, 0, 4),
    ),
    "SGTVT": (
        ProcDef("1.002804", "Đổi Giấy phép lái xe do ngành Giao thông vận tải cấp",
                "5 ngày làm việc", "FULL", 1, 1, 1, 60),
        ProcDef("1.002809", "Cấp lại Giấy phép lái xe", "10 ngày làm việc", "FULL", 1, 1, 1, 10),
        ProcDef("1.002796", "Cấp Giấy phép lái xe quốc tế", "5 ngày làm việc", "FULL", 1, 1, 1,
                12),
        ProcDef("1.002861", "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô", "5 ngày làm việc",
                "FULL", 1, 1, 0, 6),
        ProcDef("1.002852", "Cấp phù hiệu xe ô tô kinh doanh vận tải", "2 ngày làm việc", "FULL",
                0, 1, 0, 20),
        ProcDef("1.001023", "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên "
                "đường bộ", "2 ngày làm việc", "FULL", 0, 1, 0, 8),
        ProcDef("1.001035", "Cấp giấy phép thi công công trình trên đường bộ đang khai thác",
                "7 ngày làm việc", "FULL", 0, 1, 0, 5),
        ProcDef("1.002820", "Cấp Giấy phép xe tập lái", "0,5 ngày làm việc", "PARTIAL", 0, 1, 0,
                4),
    ),
    "SLDTBXH": (
        ProcDef("1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại "
                "Việt Nam", "5 ngày làm việc", "FULL", 1, 1, 0, 20),
        ProcDef("1.000459", "Gia hạn giấy phép lao động cho người lao động nước ngoài làm việc "
                "tại Việt Nam", "5 ngày làm việc", "FULL", 1, 1, 0, 10),
        ProcDef("2.000205", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép "
                "lao động", "3 ngày làm việc", "FULL", 0, 1, 0, 6),
        ProcDef("1.001865", "Giải quyết hưởng trợ cấp thất nghiệp", "20 ngày", "PARTIAL", 0, 1,
                1, 30),
        ProcDef("1.001881", "Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp hoạt động "
                "dịch vụ việc làm", "10 ngày làm việc", "PARTIAL", 1, 1, 0, 2),
        ProcDef("2.001955", "Đăng ký nội quy lao động của doanh nghiệp", "7 ngày làm việc",
                "PARTIAL", 0, 0, 0, 8),
        ProcDef("1.000479", "Đăng ký hoạt động giáo dục nghề nghiệp đối với trung tâm giáo dục "
                "nghề nghiệp", "10 ngày làm việc", "NONE", 0, 1, 0, 2, published=0),
    ),
    "DISTRICT": (
        ProcDef("2.000720", "Đăng ký thành lập hộ kinh doanh", "3 ngày làm việc", "FULL", 1, 1, 1,
                40),
        ProcDef("1.001612", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "15 ngày",
                "PARTIAL", 1, 1, 1, 20),
        ProcDef("1.013225", "Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ",
                "15 ngày", "PARTIAL", 1, 1, 1, 6),
        ProcDef("1.003554", "Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
                "20 ngày làm việc", "PARTIAL", 1, 1, 1, 10),
        ProcDef("2.000635", "Cấp bản sao từ sổ gốc", "0,5 ngày làm việc", "FULL", 1, 1, 1, 12),
        ProcDef("2.000633", "Cấp Giấy phép bán lẻ rượu", "10 ngày làm việc", "FULL", 1, 1, 0, 5),
        ProcDef("1.004082", "Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
                "3 ngày làm việc", "FULL", 1, 1, 1, 6),
        ProcDef("1.000775", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                "15 ngày làm việc", "PARTIAL", 1, 1, 0, 5),
    ),
    "COMMUNE": (
        ProcDef("1.001193", "Đăng ký khai sinh", "trong ngày", "FULL", 0, 1, 1, 30),
        ProcDef("1.000894", "Đăng ký kết hôn", "trong ngày", "PARTIAL", 0, 1, 1, 8),
        ProcDef("1.000656", "Đăng ký khai tử", "trong ngày", "FULL", 0, 1, 1, 6),
        ProcDef("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm "
                "quyền của Việt Nam cấp hoặc chứng nhận", "trong ngày", "PARTIAL", 1, 1, 1, 35),
        ProcDef("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "trong ngày", "NONE",
                1, 1, 1, 10),
        ProcDef("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
                "2 ngày làm việc", "NONE", 1, 1, 1, 4),
        ProcDef("1.004746", "Xác nhận tình trạng hôn nhân", "3 ngày làm việc", "FULL", 0, 1, 1,
                12),
        ProcDef("2.000815", "Chứng thực bản sao điện tử từ bản chính", "4 giờ làm việc", "FULL",
                1, 0, 1, 6),
        ProcDef("1.013190", "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y "
                "tế cho trẻ em dưới 6 tuổi", "5 ngày làm việc", "FULL", 0, 1, 1, 10),
    ),
}

#: (unit short code, procedure code) → online level of the authority, where the unit's
#: deployment differs from the procedure's level in the national database.
AUTHORITY_LEVELS = {
    ("STP", "2.001815"): "FULL",  # the province made it end-to-end
    ("STNMT", "1.010727"): "NONE",  # listed as partial nationally, not deployed here
    ("STNMT", "1.004269"): "NONE",
    ("STNMT", "1.000798"): "NONE",
    ("SLDTBXH", "2.001955"): "NONE",
    ("HBG", "1.001612"): "NONE",
    ("HBG", "1.003554"): "NONE",
}

# Procedures abolished in 2025 are kept out of the authorities file (the file is a snapshot of
# today's authority); their dossiers stop at the abolition date.

# ---------------------------------------------------------------------------------------------
# announcements (quyết định công bố của UBND tỉnh)


@dataclass(frozen=True)
class DecisionDef:
    number: int
    decision_date: date
    effective: date  #: the latest legal basis's effective date
    kind: str
    codes: tuple[str, ...]
    #: working days from the decision to publication, per code (-1: not published yet)
    publish_delay: tuple[int, ...]


DECISIONS = (
    DecisionDef(2871, date(2024, 12, 17), date(2025, 1, 1), "AMENDED", ("2.000488", "2.000505"),
                (3, 3)),
    DecisionDef(58, date(2025, 1, 8), date(2025, 1, 1), "AMENDED",
                ("1.002804", "1.002809", "1.002796"), (2, 2, 2)),
    DecisionDef(342, date(2025, 2, 14), date(2025, 3, 1), "AMENDED",
                ("2.002037", "2.002041", "2.002043", "2.002091"), (4, 4, 4, 4)),
    DecisionDef(401, date(2025, 2, 26), date(2025, 3, 1), "NEW", ("2.002516",), (1,)),
    DecisionDef(688, date(2025, 3, 20), date(2025, 4, 15), "AMENDED",
                ("1.000105", "1.000459", "2.000205"), (9, 9, 12)),
    DecisionDef(1105, date(2025, 5, 12), date(2025, 7, 1), "ABOLISHED", ("1.004258", "1.000479"),
                (3, 3)),
    DecisionDef(1320, date(2025, 6, 10), date(2025, 7, 1), "AMENDED",
                ("1.004227", "1.004203", "1.003010", "1.003554"), (5, 5, 5, 7)),
    DecisionDef(1467, date(2025, 6, 27), date(2025, 7, 1), "NEW", ("1.013225", "1.013190"),
                (2, 2)),
    DecisionDef(1890, date(2025, 8, 5), date(2025, 8, 15), "AMENDED",
                ("1.009972", "1.009975", "1.009928"), (3, 3, 3)),
    DecisionDef(2204, date(2025, 9, 15), date(2025, 10, 1), "AMENDED",
                ("1.001193", "1.000894", "1.000656", "2.000908"), (4, 4, 8, 4)),
    DecisionDef(2460, date(2025, 10, 20), date(2025, 11, 1), "AMENDED",
                ("1.002804", "1.002861"), (2, 2)),
    DecisionDef(2755, date(2025, 11, 25), date(2026, 1, 1), "AMENDED",
                ("2.002049", "2.002053", "2.002088", "1.009940"), (3, 3, 3, 6)),
    DecisionDef(2941, date(2025, 12, 22), date(2026, 1, 1), "AMENDED",
                ("1.001865", "1.001881"), (3, -1)),
)

# ---------------------------------------------------------------------------------------------
# helpers


def fmt(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime(DATETIME_FORMAT)


def fmt_day(day: date | None) -> str:
    return "" if day is None else day.strftime(DATE_FORMAT)


def flag(value: bool) -> str:
    return "1" if value else "0"


def seconds_of(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def at(day: date, seconds: int) -> datetime:
    return datetime.combine(day, time(0)) + timedelta(seconds=seconds)


def office_moment(rng: random.Random, day: date, after: datetime | None = None,
                  before: datetime | None = None,
                  windows: Sequence[tuple[int, int]] = WINDOWS) -> datetime | None:
    """A random moment in office hours on ``day``, strictly after ``after`` (by at least a minute)
    and not after ``before``; ``None`` when there is no room."""
    lo = 0 if after is None or after.date() < day else seconds_of(after) + 60
    hi = 86400 if before is None or before.date() > day else seconds_of(before)
    segments = [(max(a, lo), min(b, hi)) for a, b in windows if min(b, hi) > max(a, lo)]
    if not segments:
        return None
    total = sum(b - a for a, b in segments)
    x = rng.randrange(total)
    for a, b in segments:
        if x < b - a:
            return at(day, a + x)
        x -= b - a
    raise AssertionError("unreachable")


def working_days_from(start: date, end: date) -> list[date]:
    """Working days ``d`` with ``start <= d <= end``."""
    out = []
    d = start
    while d <= end:
        if CAL.is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def start_day(receipt: datetime) -> date:
    """SPEC §3 rule 1: the day the clock starts."""
    d = receipt.date()
    if CAL.is_working_day(d) and receipt.time() <= CLOSE:
        return d
    return CAL.next_working_day(d)


MONTH_WEIGHT = {1: 0.95, 2: 0.80, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.05, 7: 1.05, 8: 1.0, 9: 0.95,
                10: 1.05, 11: 1.05, 12: 1.15}
ONLINE_HOUR_WEIGHT = (1.0, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 3, 5, 6, 6, 5, 3, 3, 5, 6, 5, 4, 3, 3,
                      3, 2.5, 2, 1.5)


@dataclass
class DayPool:
    days: list[date]
    cum: list[float]

    @classmethod
    def build(cls, first: date, last: date, *, working_only: bool,
              weekend_weight: float) -> DayPool:
        days: list[date] = []
        cum: list[float] = []
        total = 0.0
        d = first
        while d <= last:
            working = CAL.is_working_day(d)
            if working or not working_only:
                total += MONTH_WEIGHT[d.month] * (1.0 if working else weekend_weight)
                days.append(d)
                cum.append(total)
            d += timedelta(days=1)
        return cls(days, cum)

    def pick(self, rng: random.Random) -> date:
        return rng.choices(self.days, cum_weights=self.cum)[0]


POOLS = {
    ("dec24", False): DayPool.build(FIRST_DAY, date(2024, 12, 31), working_only=True,
                                    weekend_weight=0),
    ("dec24", True): DayPool.build(FIRST_DAY, date(2024, 12, 31), working_only=False,
                                   weekend_weight=0.35),
    ("2025", False): DayPool.build(date(2025, 1, 1), LAST_DAY, working_only=True, weekend_weight=0),
    ("2025", True): DayPool.build(date(2025, 1, 1), LAST_DAY, working_only=False,
                                  weekend_weight=0.35),
}


# ---------------------------------------------------------------------------------------------
# dossiers


@dataclass
class Dossier:
    unit: UnitDef
    proc: ProcDef
    staff: str
    channel: int
    submitted: datetime
    received: datetime | None
    due: datetime | None
    statutory: datetime
    finished: datetime | None = None
    returned: datetime | None = None
    stopped: datetime | None = None
    new_due: datetime | None = None
    supplements: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    synced: bool = True
    via_portal: bool = False
    fee_data: bool = False
    paid: int = 0
    eresult: bool = False
    digitized: bool = False
    reuse: bool = False
    store: bool = False
    vneid: bool = False
    id: str = ""
    result_no: str = ""
    plan: str = ""  #: what the generator meant (on_time, late, hidden, stopped, stuck, waiting)

    @property
    def receipt(self) -> datetime:
        return self.received if self.received is not None else self.submitted

    @property
    def ended(self) -> datetime | None:
        for moment in (self.finished, self.returned, self.stopped):
            if moment is not None:
                return moment
        return None


@dataclass
class Staff:
    id: str
    good: float  #: probability of a "tốt" rating
    weight: float


def make_staff(rng: random.Random, unit: UnitDef, prof: Profile) -> list[Staff]:
    count = rng.randint(3, 6)
    lo, hi = prof.good_staff
    staff = []
    for n in range(1, count + 1):
        staff.append(Staff(f"{unit.short}.CB{n:02d}", round(rng.uniform(lo, hi), 3),
                           rng.choice((1.0, 1.0, 1.5, 2.0, 0.6))))
    return staff


def sample_receipt(rng: random.Random, part: str, channel: int, since: date | None,
                   until: date | None) -> tuple[datetime, datetime]:
    """(submitted, received) for a dossier; received may be later for online dossiers."""
    for _ in range(200):
        online = channel == 2
        day = POOLS[(part, online)].pick(rng)
        if (since is not None and day < since) or (until is not None and day >= until):
            continue
        if online:
            hour = rng.choices(range(24), weights=ONLINE_HOUR_WEIGHT)[0]
            submitted = at(day, hour * 3600 + rng.randrange(3600))
            if rng.random() < 0.7:
                return submitted, submitted
            # An officer accepts it in the next office hours.
            received: datetime | None = None
            if CAL.is_working_day(day):
                received = office_moment(rng, day, after=submitted,
                                         before=submitted + timedelta(hours=2))
            nxt = day
            while received is None:
                nxt = CAL.next_working_day(nxt)
                received = office_moment(rng, nxt, windows=((27000, 36000),))
            return submitted, received
        if rng.random() < 0.03:  # at the counter just after lunch began or after close
            extra = ((41400, 42600), (61200, 62700))[rng.randrange(2)]
            moment = office_moment(rng, day, windows=(extra,))
        else:
            moment = office_moment(rng, day)
        assert moment is not None
        return moment, moment
    raise AssertionError("no receipt day found in the procedure's window")


def on_time_end(rng: random.Random, receipt: datetime, due: datetime,
                speed: tuple[float, float]) -> datetime:
    """An end of processing not after ``due`` (by date), placed by the unit's speed."""
    first = start_day(receipt)
    days = working_days_from(first, due.date())
    if not days:
        days = [due.date()]
    if len(days) > 5:
        days = days[1:]  # a long procedure is not finished on the day it arrives
    if rng.random() < 0.15:
        index = len(days) - 1  # finished on the due date itself
    else:
        index = min(len(days) - 1, int(rng.betavariate(*speed) * len(days)))
    for i in range(index, len(days)):
        day = days[i]
        moment = office_moment(rng, day, after=receipt if day == receipt.date() else None,
                               before=due if day == due.date() else None)
        if moment is not None:
            return moment
    return max(due, receipt + timedelta(minutes=10))


def late_days(rng: random.Random) -> int:
    return rng.choices(range(1, 13), weights=(20, 16, 13, 10, 8, 7, 6, 5, 4, 4, 3, 3))[0]


def end_after(rng: random.Random, due: datetime, k: int) -> datetime:
    day = CAL.add_working_days(due.date(), k)
    moment = office_moment(rng, day)
    assert moment is not None
    return moment


def supplement_chain(rng: random.Random, receipt: datetime, base_end: datetime, count: int,
                     answered: bool) -> tuple[list[tuple[datetime, datetime | None]], datetime]:
    """Put ``count`` supplement requests in the processing time and push the end later by the time
    the applicant took, so that the portal's adjusted end stays ``base_end``."""
    days = working_days_from(start_day(receipt), base_end.date())
    requests: list[datetime] = []
    for _ in range(count * 4):
        if len(requests) == count:
            break
        day = rng.choice(days)
        moment = office_moment(rng, day, after=receipt if day == receipt.date() else None,
                               before=base_end - timedelta(minutes=5)
                               if day == base_end.date() else None)
        if moment is not None and all(abs((moment - r).total_seconds()) > 600 for r in requests):
            requests.append(moment)
    requests.sort()
    shift = timedelta(0)
    chain: list[tuple[datetime, datetime | None]] = []
    for i, base_request in enumerate(requests):
        request = base_request + shift
        if not answered and i == len(requests) - 1:
            chain.append((request, None))
            return chain, base_end + shift
        days_taken = rng.choices(range(1, 16), weights=(10, 14, 14, 12, 10, 8, 6, 5, 4, 3, 3, 2,
                                                        2, 1, 1))[0]
        room = max(0, 17 * 3600 - seconds_of(base_end + shift) - 60) // 60
        minutes = rng.randint(0, min(90, room))
        taken = timedelta(days=days_taken, minutes=minutes)
        while not CAL.is_working_day((base_end + shift + taken).date()):
            taken += timedelta(days=1)
        chain.append((request, request + taken))
        shift += taken
    return chain, base_end + shift


@dataclass
class Offer:
    proc: ProcDef
    level: str  #: the unit's online level for the procedure
    since: date | None
    until: date | None


def unit_offers(unit: UnitDef) -> list[Offer]:
    key = unit.short if unit.level == "DEPARTMENT" else unit.level
    since: dict[str, date] = {}
    until: dict[str, date] = {}
    for dec in DECISIONS:
        for code in dec.codes:
            if dec.kind == "NEW":
                since[code] = dec.effective
            elif dec.kind == "ABOLISHED":
                until[code] = dec.effective
    offers = []
    for proc in PROCEDURES[key]:
        level = AUTHORITY_LEVELS.get((unit.short, proc.code), proc.online)
        offers.append(Offer(proc, level, since.get(proc.code), until.get(proc.code)))
    return offers


def poor_commune_levels(unit: UnitDef, offers: list[Offer]) -> None:
    """Poor communes have not deployed the partial online certification."""
    if unit.tier == "commune_poor":
        for offer in offers:
            if offer.proc.code == "2.000908":
                offer.level = "NONE"


def generate_dossiers(rng: random.Random) -> tuple[list[Dossier], dict[str, list[Staff]],
                                                   dict[str, list[Offer]]]:
    dossiers: list[Dossier] = []
    staff_of: dict[str, list[Staff]] = {}
    offers_of: dict[str, list[Offer]] = {}
    limits = {p.code: TimeLimit.parse(p.limit) for procs in PROCEDURES.values() for p in procs}
    for unit in HANDLING_UNITS:
        prof = PROFILES[unit.tier]
        staff = make_staff(rng, unit, prof)
        staff_of[unit.id] = staff
        offers = unit_offers(unit)
        poor_commune_levels(unit, offers)
        offers_of[unit.id] = offers
        n2025 = prof.volume
        n2024 = round(prof.volume * 0.04)
        for i in range(n2024 + n2025):
            part = "dec24" if i < n2024 else "2025"
            offer = rng.choices(offers, weights=[o.proc.weight for o in offers])[0]
            if part == "dec24" and offer.since is not None:
                continue  # the procedure did not exist yet
            dossiers.append(make_dossier(rng, unit, prof, staff, offer, part,
                                         limits[offer.proc.code]))
    return dossiers, staff_of, offers_of


def make_dossier(rng: random.Random, unit: UnitDef, prof: Profile, staff: list[Staff],
                 offer: Offer, part: str, limit: TimeLimit) -> Dossier:
    proc = offer.proc
    p_online = {"FULL": prof.online, "PARTIAL": prof.online * 0.55, "NONE": 0.0}[offer.level]
    roll = rng.random()
    if roll < p_online:
        channel = 2
    elif unit.level == "DEPARTMENT" and roll < p_online + 0.04:
        channel = 3
    else:
        channel = 1
    submitted, received = sample_receipt(rng, part, channel, offer.since, offer.until)
    member = rng.choices(staff, weights=[s.weight for s in staff])[0]
    statutory = due_at(received, limit, CAL)
    d = Dossier(unit, proc, member.id, channel, submitted, received, statutory, statutory)
    if received > SNAPSHOT:
        # Submitted online on the last evening, taken in after the export: no NgayTiepNhan yet.
        d.received = None
    if channel == 2 and rng.random() < prof.no_receipt:
        d.received = None  # the unit's system did not record NgayTiepNhan
        d.statutory = d.due = due_at(submitted, limit, CAL)
    quick = limit.kind in (LimitKind.SAME_DAY, LimitKind.WORKING_HOURS)
    sup_scale = 0.2 if quick else 1.0

    # Outcome plan.
    roll = rng.random()
    if roll < 0.01:
        plan = "stopped"
    elif roll < 0.01 + prof.stuck:
        plan = "stuck"
    else:
        roll = rng.random()
        if roll < prof.sup2 * sup_scale:
            plan = "two_supplements"
        elif roll < (prof.sup2 + prof.sup1) * sup_scale:
            plan = "waiting" if rng.random() < 0.05 else "one_supplement"
        else:
            plan = "plain"
    late = rng.random() < prof.late
    due_roll = rng.random()
    if due_roll < prof.missing_due:
        d.due = None
    elif plan in ("plain", "stuck") and due_roll < prof.missing_due + prof.fudge / (1 - prof.sup1):
        extra = rng.randint(1, 5)
        d.due = datetime.combine(CAL.add_working_days(d.statutory.date(), extra),
                                 d.statutory.time())
        if plan == "plain" and rng.random() < 0.1:
            plan = "hidden"
            late = False
            base_end = end_after(rng, d.statutory, rng.randint(1, extra))

    receipt = d.receipt
    if plan == "stopped":
        day = CAL.add_working_days(start_day(receipt), rng.randint(1, 3))
        d.stopped = office_moment(rng, day)
    elif plan == "stuck":
        pass
    else:
        if plan != "hidden":
            if late:
                k = late_days(rng)
                base_end = end_after(rng, d.statutory, k)
                if rng.random() < 0.3:
                    new_k = max(1, k + rng.choice((-2, -1, 0, 1, 2, 3)))
                    d.new_due = datetime.combine(CAL.add_working_days(d.statutory.date(), new_k),
                                                 CLOSE)
            else:
                base_end = on_time_end(rng, receipt, d.statutory, prof.speed)
        if plan in ("one_supplement", "two_supplements", "waiting"):
            count = 2 if plan == "two_supplements" else 1
            chain, end = supplement_chain(rng, receipt, base_end, count, plan != "waiting")
            d.supplements = chain
            if plan == "waiting" and chain:
                if rng.random() < 0.4:  # the applicant never came back: processing stopped
                    gave_up = chain[-1][0].date() + timedelta(days=rng.randint(30, 60))
                    d.stopped = office_moment(rng, CAL.add_working_days(gave_up, 0))
            else:
                d.finished = end
        else:
            d.finished = base_end
    d.plan = plan + ("_late" if late and plan not in ("stopped", "stuck", "hidden") else "")

    # Result handed back.
    if d.finished is not None:
        if channel == 2 and rng.random() < 0.6:
            d.returned = d.finished + timedelta(minutes=rng.randint(1, 40))
        else:
            r = rng.random()
            if r < 0.5:
                d.returned = office_moment(rng, d.finished.date(), after=d.finished) or \
                    d.finished + timedelta(minutes=5)
            elif r < 0.85:
                d.returned = office_moment(
                    rng, CAL.add_working_days(d.finished.date(), rng.randint(1, 2)))
            elif r < 0.95:
                d.returned = office_moment(
                    rng, CAL.add_working_days(d.finished.date(), rng.randint(3, 5)))
        if rng.random() < prof.only_returned and d.returned is not None:
            d.finished = None

    # Nothing after the export has happened yet.
    for name in ("finished", "returned", "stopped"):
        moment = getattr(d, name)
        if moment is not None and moment > SNAPSHOT:
            setattr(d, name, None)
    kept = []
    for request, supplied in d.supplements:
        if request > SNAPSHOT:
            continue
        kept.append((request, supplied if supplied is not None and supplied <= SNAPSHOT
                     else None))
    d.supplements = kept

    # Flags.
    indiv = proc.individuals == 1
    online = channel == 2
    d.synced = rng.random() < prof.sync
    d.via_portal = online and rng.random() < 0.35
    if proc.fee:
        # Fees waived for some people (poor households, people with merit): fees all 0.
        exempt = indiv and rng.random() < 0.06
        d.fee_data = not exempt and rng.random() < prof.fee_data
        if d.fee_data and online and rng.random() < prof.pay_online:
            d.paid = 1 if rng.random() < 0.55 else 2
        elif d.fee_data and not online and rng.random() < 0.04:
            d.paid = 2  # paid by QR code at the counter through the provincial gateway
    ended = d.finished is not None or d.returned is not None
    if ended:
        p_result = prof.eresult if proc.paper else prof.eresult * 0.7
        d.eresult = rng.random() < p_result
    d.digitized = rng.random() < prof.digitized * (1.0 if online else 0.85)
    d.reuse = rng.random() < prof.reuse * (1.0 if d.digitized else 0.3)
    d.store = rng.random() < prof.store * (1.2 if online else 0.6)
    d.vneid = rng.random() < prof.vneid * ((1.0 if online else 0.35) if indiv else 0.15)
    return d


def number_dossiers(dossiers: list[Dossier]) -> None:
    """MaHoSo as the one-stop systems write it: ``<MaDonVi>-<yyMMdd>-<seq>``."""
    dossiers.sort(key=lambda d: (d.unit.id, d.submitted, d.proc.code, d.staff))
    seq: Counter[tuple[str, date]] = Counter()
    results: Counter[str] = Counter()
    for d in dossiers:
        key = (d.unit.id, d.submitted.date())
        seq[key] += 1
        d.id = f"{d.unit.id}-{d.submitted:%y%m%d}-{seq[key]:04d}"
        if d.eresult:
            results[d.unit.id] += 1
            d.result_no = f"{results[d.unit.id]}/{d.submitted:%Y}/KQ-{d.unit.short}"
    dossiers.sort(key=lambda d: d.id)


# ---------------------------------------------------------------------------------------------
# ratings and petitions


def generate_ratings(rng: random.Random, dossiers: list[Dossier],
                     staff_of: dict[str, list[Staff]]) -> list[dict[str, str]]:
    rows = []
    for d in dossiers:
        end = d.finished or d.returned
        if end is None:
            continue
        if rng.random() >= (0.58 if d.channel == 2 else 0.34):
            continue
        member = next(s for s in staff_of[d.unit.id] if s.id == d.staff)
        late = d.plan.endswith("_late") or d.plan == "hidden" or len(d.supplements) > 1
        good = member.good * (0.55 if late else 1.0)
        r = rng.random()
        if r < good:
            value = "tốt"
        elif r < good + (1 - good) * (0.45 if late else 0.7):
            value = "bình thường"
        else:
            value = "không tốt"
        base = d.returned or end
        rated = base + timedelta(minutes=rng.randint(5, 3 * 24 * 60))
        if rated > SNAPSHOT:
            continue
        rows.append({"dossier_id": d.id, "unit_id": d.unit.id, "staff_id": d.staff,
                     "rated_at": fmt(rated), "rating": value, "_key": d.id})
    return rows


def generate_petitions(rng: random.Random, dossiers: list[Dossier],
                       bad_rated: set[str]) -> list[dict[str, str]]:
    petitions: list[tuple[datetime, dict[str, str]]] = []
    # About dossiers: late ones, and some of those rated "không tốt".
    candidates = [d for d in dossiers
                  if (d.plan.endswith("_late") or d.id in bad_rated or d.plan == "stuck")
                  and d.receipt.year == 2025 and d.statutory < datetime(2025, 12, 1)]
    chosen = rng.sample(candidates, 30)
    chosen.sort(key=lambda d: d.id)
    weights_by_tier = {"excellent": 0.3, "good": 1.0, "poor": 3.5, "average": 1.5, "fair": 2.0}
    general_units = [u for u in HANDLING_UNITS]
    unit_weights = [weights_by_tier.get(u.tier, 0.6 if u.level == "COMMUNE" else 1.2)
                    for u in general_units]
    subjects: list[tuple[UnitDef, Dossier | None]] = [(d.unit, d) for d in chosen]
    for _ in range(52):
        subjects.append((rng.choices(general_units, weights=unit_weights)[0], None))
    for unit, dossier in subjects:
        if dossier is not None:
            base = max(dossier.statutory, dossier.receipt) + timedelta(days=rng.randint(1, 20))
            received = base.replace(hour=rng.randint(6, 22), minute=rng.randrange(60),
                                    second=rng.randrange(60))
            cls = rng.choices(("PROCEDURE_REGULATION", "STAFF_BEHAVIOUR", "OTHER"),
                              weights=(5, 4, 1))[0]
        else:
            day = POOLS[("2025", True)].pick(rng) if rng.random() > 0.04 else \
                POOLS[("dec24", True)].pick(rng)
            received = at(day, rng.randint(6 * 3600, 23 * 3600))
            cls = rng.choices(("PROCEDURE_REGULATION", "STAFF_BEHAVIOUR", "OTHER"),
                              weights=(5, 2, 3))[0]
        if received > SNAPSHOT - timedelta(days=2):
            received = SNAPSHOT - timedelta(days=rng.randint(2, 12), hours=rng.randint(1, 9))
        row = {"id": "", "unit_id": unit.id, "dossier_id": dossier.id if dossier else "",
               "classification": cls, "received_at": fmt(received), "transferred_at": "",
               "refused_at": "", "supplement_requested_at": "", "ready_at": "",
               "published_at": "", "likes": "0", "dislikes": "0", "followed_by_complaint": "0"}
        clock = received
        if rng.random() < 0.25:  # first sent to the provincial office, then transferred
            moved = office_moment(rng, CAL.add_working_days(received.date(), rng.randint(1, 4)))
            assert moved is not None
            clock = moved
            row["transferred_at"] = fmt(clock)
        first = clock.date()
        outcome = rng.choices(("handled", "late", "refused", "refused_late", "supplement",
                               "supplement_then_handled", "open"),
                              weights=(56, 9, 6, 1, 3, 4, 2))[0]
        if clock > SNAPSHOT - timedelta(days=21):
            outcome = "open" if rng.random() < 0.6 else outcome

        def step(lo: int, hi: int, ref: date = first) -> datetime:
            moment = office_moment(rng, CAL.add_working_days(ref, rng.randint(lo, hi)))
            assert moment is not None
            return moment

        ready: datetime | None = None
        if outcome == "refused":
            row["refused_at"] = fmt(step(1, 2))
        elif outcome == "refused_late":
            row["refused_at"] = fmt(step(3, 5))
        elif outcome == "supplement":
            row["supplement_requested_at"] = fmt(step(1, 5))
        elif outcome == "supplement_then_handled":
            asked = step(2, 5 if rng.random() < 0.8 else 8)
            row["supplement_requested_at"] = fmt(asked)
            ready = step(4, 14)
            if ready <= asked:
                ready = step(1, 3, asked.date())
        elif outcome == "handled":
            ready = step(3, 15)
        elif outcome == "late":
            ready = step(16, 30)
        if ready is not None:
            if ready > SNAPSHOT:
                ready = None
            else:
                row["ready_at"] = fmt(ready)
                delay = rng.choices((0, 1, 2, 3, 4, 6), weights=(30, 35, 20, 6, 4, 2))[0]
                published = office_moment(rng, CAL.add_working_days(ready.date(), delay),
                                          after=ready)
                if published is not None and published <= SNAPSHOT:
                    row["published_at"] = fmt(published)
                    unhappy = outcome == "late" or rng.random() < 0.15
                    likes = rng.randint(0, 12)
                    dislikes = rng.randint(likes + 1, likes + 6) if unhappy and \
                        rng.random() < 0.7 else rng.randint(0, max(1, likes // 3))
                    row["likes"] = str(likes)
                    row["dislikes"] = str(dislikes)
                    row["followed_by_complaint"] = flag(unhappy and rng.random() < 0.35)
        petitions.append((received, row))
    petitions.sort(key=lambda item: (item[0], item[1]["unit_id"], item[1]["dossier_id"]))
    rows = []
    seq: Counter[int] = Counter()
    for received, row in petitions:
        seq[received.year] += 1
        row["id"] = f"PAKN.{received.year}.{seq[received.year]:05d}"
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# the other files


def units_rows() -> list[dict[str, str]]:
    """Tree order: the province, its departments, then each district followed by its communes."""
    ordered = [PROVINCE, *DEPARTMENTS]
    for district in DISTRICTS:
        ordered.append(district)
        ordered.extend(c for c in COMMUNES if c.parent_id == district.id)
    return [{"MaDonVi": u.id, "TenDonVi": u.name, "level": u.level, "parent_id": u.parent_id}
            for u in ordered]


def procedure_rows() -> list[dict[str, str]]:
    rows = []
    for procs in PROCEDURES.values():
        for p in procs:
            rows.append({"MaTTHC": p.code, "TenTTHC": p.name, "ThoiHanGiaiQuyet": p.limit,
                         "online_level": p.online, "has_fee": flag(bool(p.fee)),
                         "requires_paper_result": flag(bool(p.paper)),
                         "for_individuals": flag(bool(p.individuals)),
                         "published": flag(bool(p.published)),
                         "complete_elements": flag(bool(p.complete))})
    rows.sort(key=lambda r: r["MaTTHC"])
    return rows


def authority_rows(offers_of: dict[str, list[Offer]]) -> list[dict[str, str]]:
    rows = []
    for unit_id in sorted(offers_of):
        for offer in offers_of[unit_id]:
            if offer.until is not None:
                continue  # abolished in 2025: no longer in the unit's authority
            rows.append({"unit_id": unit_id, "procedure_code": offer.proc.code,
                         "online_level": offer.level})
    rows.sort(key=lambda r: (r["unit_id"], r["procedure_code"]))
    return rows


def commune_rows() -> list[dict[str, str]]:
    no_copy = {"commune_poor"}
    rows = [{"unit_id": u.id,
             "offers_electronic_certified_copy": flag(u.tier not in no_copy)}
            for u in COMMUNES]
    rows.sort(key=lambda r: r["unit_id"])
    return rows


def announcement_rows() -> list[dict[str, str]]:
    rows = []
    for dec in DECISIONS:
        for code, delay in zip(dec.codes, dec.publish_delay, strict=True):
            published = None if delay < 0 else CAL.add_working_days(dec.decision_date, delay)
            rows.append({"procedure_code": code, "unit_id": PROVINCE_ID,
                         "decision_no": f"{dec.number}/QĐ-UBND",
                         "decision_date": fmt_day(dec.decision_date), "kind": dec.kind,
                         "legal_basis_effective_date": fmt_day(dec.effective),
                         "published_at": fmt_day(published), "authority_level": "PROVINCE",
                         "_key": f"{dec.decision_date.isoformat()} {code}"})
    rows.sort(key=lambda r: r["_key"])
    return rows


def posting_rows(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    p_missing = {"excellent": 0.0, "good": 0.0, "poor": 0.5, "average": 0.1, "fair": 0.2,
                 "district_good": 0.0, "district_sloppy": 0.5, "district_avg": 0.1,
                 "commune_good": 0.0, "commune_avg": 0.1, "commune_poor": 0.35}
    for unit in sorted(HANDLING_UNITS, key=lambda u: u.id):
        for q in range(1, 5):
            complete = rng.random() >= p_missing[unit.tier]
            rows.append({"unit_id": unit.id, "period": f"2025-Q{q}", "complete": flag(complete)})
    return rows


def dossier_rows(dossiers: list[Dossier]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows = []
    sups = []
    for d in dossiers:
        rows.append({
            "MaHoSo": d.id,
            "MaTTHC": d.proc.code,
            "MaDonVi": d.unit.id,
            "MaCanBo": d.staff,
            "KenhThucHien": str(d.channel),
            "NgayNopHoSo": fmt(d.submitted),
            "NgayTiepNhan": fmt(d.received),
            "NgayHenTra": fmt(d.due),
            "NgayKetThucXuLy": fmt(d.finished),
            "NgayTra": fmt(d.returned),
            "NgayDungXuLy": fmt(d.stopped),
            "new_due_at": fmt(d.new_due),
            "synced_to_portal": flag(d.synced),
            "submitted_via_portal": flag(d.via_portal),
            "has_fee_data": flag(d.fee_data),
            "DuocThanhToanTrucTuyen": str(d.paid),
            "MaKetQua": d.result_no,
            "DuongDanTepTinKetQua": f"{RESULT_URL}/{d.submitted:%Y}/{d.id}.pdf" if d.eresult
            else "",
            "components_digitized": flag(d.digitized),
            "HoSoCoThanhPhanSoHoa": flag(d.reuse),
            "DuocLayTuKhoDMQG": flag(d.store),
            "TaiKhoanDuocXacThucVoiVNeID": flag(d.vneid),
        })
        for request, supplied in d.supplements:
            sups.append({"MaHoSo": d.id, "NgayYeuCauBoSung": fmt(request),
                         "NgayCongDanBoSung": fmt(supplied),
                         "_key": f"{d.id} {request.isoformat()}"})
    sups.sort(key=lambda r: r["_key"])
    return rows, sups


def write_csv(path: Path, rows: Iterable[dict[str, str]], columns: Sequence[str]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns])
            count += 1
    return count


COLUMNS = {
    "units": ("MaDonVi", "TenDonVi", "level", "parent_id"),
    "procedures": ("MaTTHC", "TenTTHC", "ThoiHanGiaiQuyet", "online_level", "has_fee",
                   "requires_paper_result", "for_individuals", "published", "complete_elements"),
    "authorities": ("unit_id", "procedure_code", "online_level"),
    "communes": ("unit_id", "offers_electronic_certified_copy"),
    "dossiers": ("MaHoSo", "MaTTHC", "MaDonVi", "MaCanBo", "KenhThucHien", "NgayNopHoSo",
                 "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayDungXuLy",
                 "new_due_at", "synced_to_portal", "submitted_via_portal", "has_fee_data",
                 "DuocThanhToanTrucTuyen", "MaKetQua", "DuongDanTepTinKetQua",
                 "components_digitized", "HoSoCoThanhPhanSoHoa", "DuocLayTuKhoDMQG",
                 "TaiKhoanDuocXacThucVoiVNeID"),
    "supplements": ("MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"),
    "petitions": ("id", "unit_id", "dossier_id", "classification", "received_at",
                  "transferred_at", "refused_at", "supplement_requested_at", "ready_at",
                  "published_at", "likes", "dislikes", "followed_by_complaint"),
    "ratings": ("dossier_id", "unit_id", "staff_id", "rated_at", "rating"),
    "announcements": ("procedure_code", "unit_id", "decision_no", "decision_date", "kind",
                      "legal_basis_effective_date", "published_at", "authority_level"),
    "postings": ("unit_id", "period", "complete"),
}


def generate(out: Path) -> dict[str, int]:
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    dossiers, staff_of, offers_of = generate_dossiers(rng)
    number_dossiers(dossiers)
    ratings = generate_ratings(rng, dossiers, staff_of)
    ratings.sort(key=lambda r: r["_key"])
    bad = {r["dossier_id"] for r in ratings if r["rating"] == "không tốt"}
    petitions = generate_petitions(rng, dossiers, bad)
    dossier_table, supplement_table = dossier_rows(dossiers)
    tables = {
        "units": units_rows(),
        "procedures": procedure_rows(),
        "authorities": authority_rows(offers_of),
        "communes": commune_rows(),
        "dossiers": dossier_table,
        "supplements": supplement_table,
        "petitions": petitions,
        "ratings": ratings,
        "announcements": announcement_rows(),
        "postings": posting_rows(rng),
    }
    return {kind: write_csv(out / f"{kind}.csv", rows, COLUMNS[kind])
            for kind, rows in tables.items()}


# ---------------------------------------------------------------------------------------------
# checking what was written


def read(folder: Path, kind: str) -> list[dict[str, str]]:
    with (folder / f"{kind}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS[kind]:
            raise SystemExit(f"{kind}.csv: unexpected header {reader.fieldnames}")
        return list(reader)


def parse(text: str) -> datetime | None:
    return datetime.strptime(text, DATETIME_FORMAT) if text else None


def need(text: str) -> datetime:
    moment = parse(text)
    if moment is None:
        raise SystemExit("a required date is empty")
    return moment


def parse_day(text: str) -> date | None:
    return datetime.strptime(text, DATE_FORMAT).date() if text else None


def check(folder: Path) -> list[str]:
    """Re-read every file with the csv module and check that the data is consistent. Returns the
    problems found (an empty list when all is well)."""
    problems: list[str] = []

    def bad(kind: str, line: int, message: str) -> None:
        problems.append(f"{kind}.csv line {line}: {message}")

    units = read(folder, "units")
    unit_ids = {u["MaDonVi"] for u in units}
    for n, u in enumerate(units, start=2):
        if u["parent_id"] and u["parent_id"] not in unit_ids:
            bad("units", n, f"unknown parent {u['parent_id']}")
    procs = read(folder, "procedures")
    codes = {p["MaTTHC"] for p in procs}
    for p in procs:
        TimeLimit.parse(p["ThoiHanGiaiQuyet"])
    if len(codes) != len(procs):
        problems.append("procedures.csv: duplicate codes")
    for kind in ("authorities", "announcements"):
        for n, row in enumerate(read(folder, kind), start=2):
            if row["procedure_code"] not in codes or row["unit_id"] not in unit_ids:
                bad(kind, n, "unknown procedure or unit")
    for kind in ("communes", "postings"):
        for n, row in enumerate(read(folder, kind), start=2):
            if row["unit_id"] not in unit_ids:
                bad(kind, n, "unknown unit")

    dossiers = read(folder, "dossiers")
    by_id: dict[str, dict[str, str]] = {}
    for n, d in enumerate(dossiers, start=2):
        if d["MaHoSo"] in by_id:
            bad("dossiers", n, "duplicate MaHoSo")
        by_id[d["MaHoSo"]] = d
        if d["MaTTHC"] not in codes or d["MaDonVi"] not in unit_ids:
            bad("dossiers", n, "unknown procedure or unit")
        submitted = parse(d["NgayNopHoSo"])
        received = parse(d["NgayTiepNhan"])
        receipt = received or submitted
        if receipt is None:
            bad("dossiers", n, "no receipt")
            continue
        if submitted and received and received < submitted:
            bad("dossiers", n, "received before submitted")
        for col in ("NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayDungXuLy", "new_due_at"):
            moment = parse(d[col])
            if moment is not None and moment < receipt:
                bad("dossiers", n, f"{col} before receipt")
            if moment is not None and col != "NgayHenTra" and col != "new_due_at" \
                    and moment > SNAPSHOT:
                bad("dossiers", n, f"{col} after the export")
        fin, ret = parse(d["NgayKetThucXuLy"]), parse(d["NgayTra"])
        if fin and ret and ret < fin:
            bad("dossiers", n, "returned before finished")
        if d["KenhThucHien"] not in ("1", "2", "3") or d["DuocThanhToanTrucTuyen"] not in (
                "0", "1", "2"):
            bad("dossiers", n, "bad channel or payment code")
        if bool(d["MaKetQua"]) != bool(d["DuongDanTepTinKetQua"]):
            bad("dossiers", n, "half an electronic result")
    for n, s in enumerate(read(folder, "supplements"), start=2):
        found = by_id.get(s["MaHoSo"])
        if found is None:
            bad("supplements", n, "unknown dossier")
            continue
        receipt = parse(found["NgayTiepNhan"]) or parse(found["NgayNopHoSo"])
        requested = parse(s["NgayYeuCauBoSung"])
        supplied = parse(s["NgayCongDanBoSung"])
        assert receipt is not None and requested is not None
        ends = [m for m in (parse(found["NgayKetThucXuLy"]), parse(found["NgayTra"]),
                            parse(found["NgayDungXuLy"])) if m is not None]
        if requested < receipt:
            bad("supplements", n, "requested before receipt")
        if supplied is not None and supplied < requested:
            bad("supplements", n, "supplied before requested")
        for end in ends:
            if requested > end or (supplied is not None and supplied > end):
                bad("supplements", n, "supplement after the end of processing")
    for n, r in enumerate(read(folder, "ratings"), start=2):
        found = by_id.get(r["dossier_id"])
        if found is None or found["MaDonVi"] != r["unit_id"] \
                or found["MaCanBo"] != r["staff_id"]:
            bad("ratings", n, "rating does not match its dossier")
            continue
        done = parse(found["NgayKetThucXuLy"]) or parse(found["NgayTra"])
        rated = parse(r["rated_at"])
        if done is None or rated is None or rated < done:
            bad("ratings", n, "rated before the dossier ended")
        if r["rating"] not in ("tốt", "bình thường", "không tốt"):
            bad("ratings", n, "unknown rating word")
    for n, p in enumerate(read(folder, "petitions"), start=2):
        received = parse(p["received_at"])
        assert received is not None
        if p["dossier_id"] and p["dossier_id"] not in by_id:
            bad("petitions", n, "unknown dossier")
        if p["unit_id"] not in unit_ids:
            bad("petitions", n, "unknown unit")
        for col in ("transferred_at", "refused_at", "supplement_requested_at", "ready_at",
                    "published_at"):
            moment = parse(p[col])
            if moment is not None and (moment < received or moment > SNAPSHOT):
                bad("petitions", n, f"{col} out of order")
        ready, published = parse(p["ready_at"]), parse(p["published_at"])
        if published and (ready is None or published < ready):
            bad("petitions", n, "published before ready")
    for n, a in enumerate(read(folder, "announcements"), start=2):
        decided, shown = parse_day(a["decision_date"]), parse_day(a["published_at"])
        if decided is None or (shown is not None and shown < decided):
            bad("announcements", n, "published before the decision")
    return problems


def summary(folder: Path) -> str:
    """Figures computed with chiso766 on the written files (the verdict of SPEC §4 for 2025)."""
    from chiso766 import Channel, SupplementRequest, audit, classify
    from chiso766 import Dossier as DossierRecord

    limits = {p["MaTTHC"]: TimeLimit.parse(p["ThoiHanGiaiQuyet"])
              for p in read(folder, "procedures")}
    sups: dict[str, list[SupplementRequest]] = {}
    for s in read(folder, "supplements"):
        sups.setdefault(s["MaHoSo"], []).append(
            SupplementRequest(need(s["NgayYeuCauBoSung"]), parse(s["NgayCongDanBoSung"])))
    rows = read(folder, "dossiers")
    status: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    late_days_seen: Counter[int] = Counter()
    by_unit: dict[str, Counter[str]] = {}
    records: dict[str, DossierRecord] = {}
    year_start = datetime(2025, 1, 1)
    for row in rows:
        rec = DossierRecord(
            id=row["MaHoSo"], procedure_code=row["MaTTHC"], unit_id=row["MaDonVi"],
            channel=Channel(int(row["KenhThucHien"])), submitted_at=parse(row["NgayNopHoSo"]),
            received_at=parse(row["NgayTiepNhan"]), due_at=parse(row["NgayHenTra"]),
            finished_at=parse(row["NgayKetThucXuLy"]), returned_at=parse(row["NgayTra"]),
            stopped_at=parse(row["NgayDungXuLy"]), supplements=tuple(sups.get(row["MaHoSo"], ())),
            new_due_at=parse(row["new_due_at"]))
        records[rec.id] = rec
        result = audit(rec, time_limit=limits[rec.procedure_code], calendar=CAL)
        for f in result.flags:
            flags[f] += 1
        end = rec.ended_at
        if rec.receipt < year_start and end is not None and end < year_start:
            continue  # ended before 2025: not in the year's population
        verdict = classify(rec, time_limit=limits[rec.procedure_code], calendar=CAL,
                           as_of=SNAPSHOT)
        status[verdict.status.value] += 1
        by_unit.setdefault(rec.unit_id, Counter())[verdict.status.value] += 1
        if verdict.late_working_days:
            late_days_seen[verdict.late_working_days] += 1
        if rec.receipt >= year_start:
            channels[row["KenhThucHien"]] += 1
    mid = datetime(2025, 6, 30, 23, 59, 59)
    q2_pending = q2_total = 0
    for row in rows:
        rec = records[row["MaHoSo"]]
        end = rec.ended_at
        if rec.receipt > mid or (end is not None and end < datetime(2025, 4, 1)):
            continue
        q2_total += 1
        if classify(rec, time_limit=limits[rec.procedure_code], calendar=CAL,
                    as_of=mid).status.pending:
            q2_pending += 1
    counts = Counter(len(v) for v in sups.values())
    total = sum(status.values())
    lines = [f"2025 population (received in 2025 or carried over): {total}"]
    lines.append("  " + ", ".join(f"{k} {v} ({100 * v / total:.1f}%)"
                                  for k, v in sorted(status.items())))
    received = sum(channels.values())
    lines.append("  channels of dossiers received in 2025: " + ", ".join(
        f"{k}: {v} ({100 * v / received:.1f}%)" for k, v in sorted(channels.items())))
    lines.append(f"  Q2 population {q2_total}, still open at 30/06/2025: {q2_pending} "
                 f"({100 * q2_pending / q2_total:.1f}%)")
    lines.append(f"  dossiers by number of supplement requests: {dict(sorted(counts.items()))}"
                 f" of {len(rows)}")
    lines.append("  audit flags (all rows): " + ", ".join(
        f"{k} {v}" for k, v in sorted(flags.items())))
    lines.append("  late by working days: " + ", ".join(
        f"{k}:{v}" for k, v in sorted(late_days_seen.items())))
    names = {u.id: u.short for u in ALL_UNITS}
    for unit_id in sorted(by_unit):
        c = by_unit[unit_id]
        n = sum(c.values())
        ok = c["EARLY"] + c["ON_TIME"] + c["PENDING_IN_TIME"]
        lines.append(f"  {names[unit_id]:<8} {n:>4} dossiers, in time {100 * ok / n:5.1f}%")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--check", action="store_true", help="only check the existing files")
    parser.add_argument("--summary", action="store_true",
                        help="also print on-time figures and audit flags computed with chiso766")
    args = parser.parse_args(argv)
    if not args.check:
        counts = generate(args.out)
        for kind, n in counts.items():
            print(f"{kind + '.csv':<18} {n:>5} rows")
    problems = check(args.out)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problems", file=sys.stderr)
        return 1
    print("check: all files parse and the dates are consistent")
    if args.summary:
        print(summary(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
